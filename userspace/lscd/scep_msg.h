/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCEP's message layer (RFC 8894 section 3) on OpenSSL's CMS API: the
 * pkiMessage (SignedData with the SCEP signed attributes), the
 * pkcsPKIEnvelope (EnvelopedData), and degenerate certificate sets.
 * Exposed whole for tests and test responders that play the CA.
 */
#ifndef LSCD_SCEP_MSG_H
#define LSCD_SCEP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "scep_signer.h"

struct scep_msg {
	int msg_type;
	int pki_status;			/* -1 when absent */
	int fail_info;			/* -1 when absent */
	char transaction_id[129];
	uint8_t sender_nonce[16];
	uint8_t recipient_nonce[16];
	bool has_sender_nonce, has_recipient_nonce;
	char fail_info_text[256];
	uint8_t *content;		/* encapsulated content (envelope), or NULL */
	size_t content_len;
	X509 *signer;			/* certificate that signed, borrowed ref */
};

int scep_msg_build(const struct scep_signer *signer, const char *digest,
		   const struct scep_msg *attrs, const uint8_t *content,
		   size_t content_len, uint8_t **out, size_t *out_len,
		   char *err, size_t errlen);
int scep_msg_parse(const uint8_t *der, size_t len, STACK_OF(X509) *signers,
		   struct scep_msg *msg, char *err, size_t errlen);
void scep_msg_release(struct scep_msg *msg);
/*
 * The content of a SignedData that verifies against signers (never
 * against certificates it brings along): -EBADMSG when it does not
 * parse, -EKEYREJECTED when it does not verify.
 */
int scep_signed_content(const uint8_t *der, size_t len,
			STACK_OF(X509) *signers, uint8_t **out,
			size_t *out_len);
int scep_envelope_decrypt(const uint8_t *der, size_t len,
			  const struct scep_signer *recipient, bool trace,
			  uint8_t **out, size_t *out_len, char *err,
			  size_t errlen);
int scep_envelope_encrypt(X509 *recipient, const char *cipher,
			  const uint8_t *data, size_t len, uint8_t **out,
			  size_t *out_len, char *err, size_t errlen);
int scep_certs_from_pkcs7(const uint8_t *der, size_t len,
			  STACK_OF(X509) **certs);
int scep_certs_to_pkcs7(STACK_OF(X509) *certs, uint8_t **out,
			size_t *out_len);

#endif /* LSCD_SCEP_MSG_H */
