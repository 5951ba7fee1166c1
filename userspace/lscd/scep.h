/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCEP (RFC 8894) engine: message building and checking, CA certificate
 * selection, and a per-request transaction that never does I/O itself.
 *
 * A caller (the lscd event loop, or the one-shot "enroll" command) asks a
 * transaction for its next HTTP request, sends it however it likes, and
 * hands the reply back; the transaction answers with its new state:
 *
 *   scep_txn_new()                  state SEND
 *   loop:
 *     scep_txn_next_request()       PKCSReq / RenewalReq, later CertPoll
 *                                   state AWAIT_REPLY (resend the same
 *                                   request on transport errors)
 *     ... HTTP ...
 *     scep_txn_handle_reply()       -> ISSUED      scep_txn_cert()
 *                                   -> FAILED      scep_txn_result/reason()
 *                                   -> POLL_WAIT   wait scep_txn_poll_delay_ms()
 *                                                  then state is SEND again
 *   transport gave up: scep_txn_fail(NO_RESPONSE, ...)
 *
 * Everything is reentrant: a transaction only reads its CA and signer, which
 * many transactions may share across threads.  The only process-wide state
 * is the OpenSSL library context of scep_lib_init().
 */
#ifndef LSCD_SCEP_H
#define LSCD_SCEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <linux/capwap_lsc.h>

/* GetCACaps keywords (RFC 8894 section 3.5.2). */
enum scep_cap {
	SCEP_CAP_AES = 1U << 0,
	SCEP_CAP_DES3 = 1U << 1,
	SCEP_CAP_SHA1 = 1U << 2,
	SCEP_CAP_SHA256 = 1U << 3,
	SCEP_CAP_SHA512 = 1U << 4,
	SCEP_CAP_POST = 1U << 5,
	SCEP_CAP_RENEWAL = 1U << 6,
	SCEP_CAP_GETNEXTCACERT = 1U << 7,
	SCEP_CAP_STANDARD = 1U << 8,
	SCEP_CAP_UPDATE = 1U << 9,
	/* Set when the CA answered GetCACaps with at least one keyword. */
	SCEP_CAPS_KNOWN = 1U << 31,
};

enum scep_msg_type {
	SCEP_MSG_CERTREP = 3,
	SCEP_MSG_RENEWALREQ = 17,
	SCEP_MSG_PKCSREQ = 19,
	SCEP_MSG_CERTPOLL = 20,
	SCEP_MSG_GETCERT = 21,
	SCEP_MSG_GETCRL = 22,
};

enum scep_pki_status {
	SCEP_STATUS_SUCCESS = 0,
	SCEP_STATUS_FAILURE = 2,
	SCEP_STATUS_PENDING = 3,
};

enum scep_fail_info {
	SCEP_FAIL_BADALG = 0,
	SCEP_FAIL_BADMESSAGECHECK = 1,
	SCEP_FAIL_BADREQUEST = 2,
	SCEP_FAIL_BADTIME = 3,
	SCEP_FAIL_BADCERTID = 4,
};

enum scep_txn_state {
	SCEP_TXN_SEND,		/* a request is due now */
	SCEP_TXN_AWAIT_REPLY,	/* a request went out; its reply is awaited */
	SCEP_TXN_POLL_WAIT,	/* PENDING: poll after scep_txn_poll_delay_ms() */
	SCEP_TXN_ISSUED,	/* certificate issued and checked */
	SCEP_TXN_FAILED,	/* scep_txn_result() and scep_txn_reason() tell */
};

/* Transaction flags. */
enum scep_txn_flag {
	SCEP_TXN_F_RENEWAL = 1U << 0,	/* RenewalReq when the CA has "Renewal" */
	SCEP_TXN_F_TRACE = 1U << 1,	/* debug pki scep style trace */
	SCEP_TXN_F_GET = 1U << 2,	/* GET even when POSTPKIOperation is offered */
	/* The request went out before a restart and was left PENDING: poll. */
	SCEP_TXN_F_RESUME_POLL = 1U << 3,
};

/* Back-off between CertPoll messages while the CA answers PENDING. */
struct scep_poll_policy {
	unsigned int initial_ms;
	double factor;
	unsigned int max_interval_ms;
	unsigned int max_total_ms;	/* then TIMEOUT_CA_SIGNING */
};

/* What a CA is known by: URL, capabilities and its certificates. */
struct scep_ca {
	char *url;
	unsigned int caps;		/* enum scep_cap */
	X509 *ca;			/* issuing CA; pinned by fingerprint */
	X509 *ra_enc;			/* pkcsPKIEnvelope recipient (RA or CA) */
	X509 *ra_sign;			/* CertRep signer (RA or CA) */
	STACK_OF(X509) *certs;		/* everything GetCACert returned */
};

/* The identity that signs the outer SignedData (the controller). */
struct scep_signer {
	EVP_PKEY *key;
	X509 *cert;
};

/* A snapshot of a transaction, for the journal and status output. */
struct scep_txn_status {
	enum scep_txn_state state;
	char transaction_id[65];	/* hex SHA-256 of the request's key */
	char sender_nonce[33];		/* hex, of the last message sent */
	int last_msg_type;		/* enum scep_msg_type sent last, or 0 */
	int last_pki_status;		/* last CertRep's, or -1 */
	int last_fail_info;		/* last CertRep's, or -1 */
	unsigned int polls;		/* CertPoll messages sent */
	enum capwap_lsc_result result;
	const char *reason;		/* valid while the transaction lives */
};

struct scep_txn;

/* An HTTP request a transaction wants sent; release with scep_request_free. */
struct scep_request {
	bool post;
	char *url;
	uint8_t *body;			/* POST body, else NULL */
	size_t len;
	const char *content_type;	/* of the POST body */
	const char *operation;		/* "PKIOperation", for traces */
};

/* Library: the OpenSSL library context ("default"; "legacy" on demand). */
int scep_lib_init(void);
void scep_lib_exit(void);
OSSL_LIB_CTX *scep_libctx(void);
int scep_lib_need_cipher(const char *name, bool trace);

/* Names and words. */
unsigned int scep_caps_parse(const char *buf, size_t len);
void scep_caps_format(unsigned int caps, char *buf, size_t size);
const char *scep_fail_info_name(int fail_info);
const char *scep_fail_info_text(int fail_info);
const char *scep_msg_type_name(int msg_type);
const char *scep_pki_status_name(int status);
const char *scep_txn_state_name(enum scep_txn_state state);

/* Algorithms chosen from capabilities (RFC 8894 sections 3.5.2, 2.9). */
const char *scep_caps_cipher(unsigned int caps);
const char *scep_caps_digest(unsigned int caps);

/* Certificates. */
int scep_cert_fingerprint(X509 *cert, char hex[65]);
void scep_cert_describe(X509 *cert, const char *indent, FILE *out);
int scep_csr_load(const uint8_t *data, size_t len, X509_REQ **req);
int scep_transaction_id(X509_REQ *req, char hex[65]);
int scep_csr_challenge(X509_REQ *req, char *buf, size_t size);

/* CA context. */
struct scep_ca *scep_ca_new(const char *url);
void scep_ca_free(struct scep_ca *ca);
int scep_ca_set_certs(struct scep_ca *ca, const char *content_type,
		      const uint8_t *body, size_t len, char *err, size_t errlen);
int scep_ca_check_fingerprint(const struct scep_ca *ca, const char *hex);
int scep_ca_parse_next(const struct scep_ca *ca, const uint8_t *body,
		       size_t len, STACK_OF(X509) **certs, char *err,
		       size_t errlen);
char *scep_ca_url(const struct scep_ca *ca, const char *operation,
		  const char *message);

/* Signer. */
int scep_signer_generate(struct scep_signer *signer, const char *cn);
int scep_signer_load(struct scep_signer *signer, const char *key_path,
		     const char *cert_path);
void scep_signer_release(struct scep_signer *signer);

/* Transactions. */
struct scep_txn *scep_txn_new(const struct scep_ca *ca,
			      const struct scep_signer *signer,
			      const uint8_t *csr_der, size_t csr_len,
			      unsigned int flags,
			      const struct scep_poll_policy *poll,
			      const char *tag, int *err);
void scep_txn_free(struct scep_txn *txn);
int scep_txn_next_request(struct scep_txn *txn, struct scep_request *req);
/*
 * The request to send now: req itself when it is already built (a
 * transport retry resends the very same message, same nonce), else the
 * transaction's next one.  Returns 1 when it built a new request, 0 for a
 * retry, or a negative errno with the transaction failed.
 */
int scep_txn_ensure_request(struct scep_txn *t, struct scep_request *req);
void scep_request_free(struct scep_request *req);
enum scep_txn_state scep_txn_handle_reply(struct scep_txn *txn,
					  long http_status,
					  const char *content_type,
					  const uint8_t *body, size_t len);
enum scep_txn_state scep_txn_fail(struct scep_txn *txn,
				  enum capwap_lsc_result result,
				  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum scep_txn_state scep_txn_state(const struct scep_txn *txn);
unsigned int scep_txn_poll_delay_ms(const struct scep_txn *txn);
void scep_txn_status(const struct scep_txn *txn, struct scep_txn_status *st);
X509 *scep_txn_cert(const struct scep_txn *txn);
X509_REQ *scep_txn_csr(const struct scep_txn *txn);

/* Message layer, exposed for tests and responders. */
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

#endif /* LSCD_SCEP_H */
