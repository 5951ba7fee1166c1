/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AP's side of LSC enrollment: its key, its PKCS#10 request and the
 * checks a delivered certificate must pass before the AP installs it.
 */
#ifndef WTP_LSC_H
#define WTP_LSC_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "wire.h"

/* Longest CN: "C" + model + "-" + 12 hex digits. */
#define WTP_MODEL_MAX 64
#define WTP_SERIAL_MAX 64
#define WTP_CN_MAX (1 + WTP_MODEL_MAX + 1 + 12 + 1)

struct wtp_identity {
	uint8_t mac[6];
	char model[WTP_MODEL_MAX + 1];
	char serial[WTP_SERIAL_MAX + 1];
};

/* The MIC/SSC naming that the LSC keeps: C<model>-<mac, lower-case hex>. */
void wtp_cn(const struct wtp_identity *id, char cn[WTP_CN_MAX]);
/* "PID:<model> SN:<serial>", the subject serialNumber. */
void wtp_subject_serial(const struct wtp_identity *id, char *out, size_t size);

/* RSA of @bits, or EC P-256/P-384 when @bits is 256/384; NULL on error. */
EVP_PKEY *wtp_keygen(uint8_t key_type, uint16_t bits);
/* Whether the controller may ask for this key (the wire code's rule). */
int wtp_keygen_valid(uint8_t key_type, uint16_t bits);
/* Whether @key is of the type and size the controller asked for. */
int wtp_key_matches(EVP_PKEY *key, uint8_t key_type, uint16_t bits);

/*
 * A DER PKCS#10 request for @key, subject from @params plus CN and
 * serialNumber, signed with SHA-256.  0, or -1 with OpenSSL's error queue.
 */
int wtp_csr_build(EVP_PKEY *key, const struct capwap_lsc_cert_params *params,
		  const struct wtp_identity *id, uint8_t **der, size_t *len);

/*
 * Whether @cert may be installed as the LSC for @key and @id: it carries
 * the public half of @key, its subject CN is the AP's own and it chains to
 * @cas (root last, any order accepted).  Returns an enum capwap_lsc_result
 * and a reason for the operator in @why.
 */
int wtp_cert_check(EVP_PKEY *key, X509 *cert, STACK_OF(X509) *cas,
		   const struct wtp_identity *id, char *why, size_t whylen);

/*
 * On a renewal: every root of @cas is one of @installed, the chain of the
 * LSC in use, so a renewal can never move the AP to another CA.  Returns
 * an enum capwap_lsc_result, and why in @why.
 */
int wtp_chain_keeps_root(STACK_OF(X509) *cas, STACK_OF(X509) *installed,
			 char *why, size_t whylen);

X509 *wtp_x509_from_der(const uint8_t *der, size_t len);
int wtp_x509_to_der(X509 *cert, uint8_t **der, size_t *len);
/* The CN of @cert into @out; 0, or -1 when it has none that fits. */
int wtp_x509_cn(X509 *cert, char *out, size_t size);
/* OpenSSL's last error as text, for messages. */
const char *wtp_ssl_error(void);

#endif /* WTP_LSC_H */
