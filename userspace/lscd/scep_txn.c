// SPDX-License-Identifier: GPL-2.0
/*
 * One SCEP enrollment as a state machine without I/O (see scep_txn.h): it
 * builds PKCSReq/RenewalReq and CertPoll messages, checks every CertRep and
 * the issued certificate, and keeps what a journal needs to resume it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "clock.h"
#include "hex.h"
#include "names.h"
#include "scep_cert.h"
#include "scep_crypto.h"
#include "scep_msg.h"
#include "scep_names.h"
#include "scep_txn.h"

/* CertPoll's messageData (RFC 8894 section 3.3.3). */
typedef struct {
	X509_NAME *issuer;
	X509_NAME *subject;
} SCEP_ISSUER_AND_SUBJECT;

ASN1_SEQUENCE(SCEP_ISSUER_AND_SUBJECT) = {
	ASN1_SIMPLE(SCEP_ISSUER_AND_SUBJECT, issuer, X509_NAME),
	ASN1_SIMPLE(SCEP_ISSUER_AND_SUBJECT, subject, X509_NAME),
} static_ASN1_SEQUENCE_END(SCEP_ISSUER_AND_SUBJECT)

struct scep_txn {
	struct scep_ca *ca;		/* a reference of its own */
	struct scep_signer signer;	/* key and certificate up-referenced */
	X509_REQ *req;
	uint8_t *csr_der;
	size_t csr_len;
	unsigned int flags;
	struct scep_poll_policy poll;
	char tag[64];

	char tid[65];
	uint8_t nonce[16];
	bool nonce_set;
	enum scep_txn_state state;
	int next_type;
	int last_sent;
	int last_status;
	int last_fail;
	unsigned int polls;
	unsigned int delay_ms;
	uint64_t pending_since_ms;

	enum capwap_lsc_result result;
	char reason[CAPWAP_LSC_MAX_REASON_LEN + 1];
	X509 *cert;
};

static void trace(const struct scep_txn *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void trace(const struct scep_txn *t, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!(t->flags & SCEP_TXN_F_TRACE))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "scep: %s: %s\n", t->tag, line);
}

static void trace_cert(const struct scep_txn *t, const char *what, X509 *x)
{
	if (!(t->flags & SCEP_TXN_F_TRACE))
		return;
	flockfile(stderr);
	fprintf(stderr, "scep: %s: %s:\n", t->tag, what);
	scep_cert_describe(x, "scep:     ", stderr);
	funlockfile(stderr);
}

static enum scep_txn_state fail(struct scep_txn *t, enum capwap_lsc_result r,
				const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static enum scep_txn_state fail(struct scep_txn *t, enum capwap_lsc_result r,
				const char *fmt, va_list ap)
{
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	t->result = r;
	t->state = SCEP_TXN_FAILED;
	trace(t, "failed (%s): %s", lsc_result_name(r), t->reason);
	return t->state;
}

enum scep_txn_state scep_txn_fail(struct scep_txn *txn,
				  enum capwap_lsc_result result,
				  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(txn, result, fmt, ap);
	va_end(ap);
	return txn->state;
}

struct scep_txn *scep_txn_new(struct scep_ca *ca,
			      const struct scep_signer *signer,
			      const uint8_t *csr_der, size_t csr_len,
			      unsigned int flags,
			      const struct scep_poll_policy *poll,
			      const char *tag, int *err)
{
	X509_REQ *req;
	int rc = scep_csr_load(csr_der, csr_len, &req);

	if (rc) {
		*err = rc;
		return NULL;
	}
	return scep_txn_new_req(ca, signer, req, flags, poll, tag, err);
}

struct scep_txn *scep_txn_new_req(struct scep_ca *ca,
				  const struct scep_signer *signer,
				  X509_REQ *req, unsigned int flags,
				  const struct scep_poll_policy *poll,
				  const char *tag, int *err)
{
	struct scep_txn *t;
	unsigned char *der = NULL;
	int n, rc;

	if (!ca->ca || !ca->ra_enc || !ca->ra_sign || !signer->key ||
	    !signer->cert) {
		X509_REQ_free(req);
		*err = -EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		X509_REQ_free(req);
		*err = -ENOMEM;
		return NULL;
	}
	t->req = req;
	/*
	 * Its own references: a reload or a new controller certificate may
	 * replace both while this request is PENDING at the CA.
	 */
	if (!EVP_PKEY_up_ref(signer->key)) {
		scep_txn_free(t);
		*err = -ENOMEM;
		return NULL;
	}
	if (!X509_up_ref(signer->cert)) {
		EVP_PKEY_free(signer->key);
		scep_txn_free(t);
		*err = -ENOMEM;
		return NULL;
	}
	t->ca = scep_ca_ref(ca);
	t->signer = *signer;
	t->flags = flags;
	t->poll = *poll;
	if (t->poll.factor < 1.0)
		t->poll.factor = 1.0;
	snprintf(t->tag, sizeof(t->tag), "%s", tag ? tag : "enroll");
	t->last_status = -1;
	t->last_fail = -1;
	t->result = CAPWAP_LSC_RESULT_ERROR;
	/* Keep the request as DER whatever form it came in. */
	n = i2d_X509_REQ(t->req, &der);
	if (n <= 0) {
		rc = -EBADMSG;
		goto err;
	}
	t->csr_der = malloc((size_t)n);
	if (!t->csr_der) {
		OPENSSL_free(der);
		rc = -ENOMEM;
		goto err;
	}
	memcpy(t->csr_der, der, (size_t)n);
	t->csr_len = (size_t)n;
	OPENSSL_free(der);
	rc = scep_transaction_id(t->req, t->tid);
	if (rc)
		goto err;
	if ((flags & SCEP_TXN_F_RENEWAL) && (ca->caps & SCEP_CAP_RENEWAL)) {
		t->next_type = SCEP_MSG_RENEWALREQ;
	} else {
		if (flags & SCEP_TXN_F_RENEWAL)
			trace(t, "CA does not advertise Renewal, sending PKCSReq");
		t->next_type = SCEP_MSG_PKCSREQ;
	}
	/* Same key, same transactionID: the CA finds the pending request. */
	if (flags & SCEP_TXN_F_RESUME_POLL)
		t->next_type = SCEP_MSG_CERTPOLL;
	t->state = SCEP_TXN_SEND;
	return t;
err:
	scep_txn_free(t);
	*err = rc;
	return NULL;
}

void scep_txn_free(struct scep_txn *txn)
{
	if (!txn)
		return;
	X509_REQ_free(txn->req);
	X509_free(txn->cert);
	free(txn->csr_der);
	scep_signer_release(&txn->signer);
	scep_ca_free(txn->ca);
	free(txn);
}

static int issuer_and_subject(const struct scep_txn *t, uint8_t **out,
			      size_t *out_len)
{
	SCEP_ISSUER_AND_SUBJECT ias;
	unsigned char *der = NULL;
	int n;

	ias.issuer = X509_get_subject_name(t->ca->ca);
	ias.subject = X509_REQ_get_subject_name(t->req);
	n = ASN1_item_i2d((ASN1_VALUE *)&ias, &der,
			  ASN1_ITEM_rptr(SCEP_ISSUER_AND_SUBJECT));
	if (n <= 0)
		return -ENOMEM;
	*out = malloc((size_t)n);
	if (!*out) {
		OPENSSL_free(der);
		return -ENOMEM;
	}
	memcpy(*out, der, (size_t)n);
	*out_len = (size_t)n;
	OPENSSL_free(der);
	return 0;
}

int scep_txn_next_request(struct scep_txn *txn, struct scep_request *req)
{
	const char *cipher = txn->ca->cipher, *digest = txn->ca->digest;
	struct scep_msg attrs;
	uint8_t *data = NULL, *env = NULL, *msg = NULL;
	size_t data_len = 0, env_len = 0, msg_len = 0;
	char err[256] = "", nonce_hex[33];
	int rc;

	memset(req, 0, sizeof(*req));
	if (!cipher || !digest) {
		scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR,
			      "no algorithms agreed with the CA");
		return -ENOTSUP;
	}
	if (txn->state == SCEP_TXN_POLL_WAIT)
		txn->state = SCEP_TXN_SEND;
	if (txn->state != SCEP_TXN_SEND)
		return -EALREADY;
	/* Every message gets a fresh nonce (RFC 8894 section 3.2.1.5). */
	if (RAND_bytes(txn->nonce, sizeof(txn->nonce)) != 1)
		return -EIO;
	txn->nonce_set = true;
	if (txn->next_type == SCEP_MSG_CERTPOLL) {
		rc = issuer_and_subject(txn, &data, &data_len);
		if (rc)
			return rc;
	} else {
		data = txn->csr_der;
		data_len = txn->csr_len;
	}
	rc = scep_envelope_encrypt(txn->ca->ra_enc, cipher, data, data_len,
				   &env, &env_len, err, sizeof(err));
	if (data != txn->csr_der)
		free(data);
	if (rc) {
		scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR, "%s", err);
		return rc;
	}
	memset(&attrs, 0, sizeof(attrs));
	attrs.msg_type = txn->next_type;
	attrs.pki_status = -1;
	attrs.fail_info = -1;
	snprintf(attrs.transaction_id, sizeof(attrs.transaction_id), "%s",
		 txn->tid);
	memcpy(attrs.sender_nonce, txn->nonce, 16);
	attrs.has_sender_nonce = true;
	rc = scep_msg_build(&txn->signer, digest, &attrs, env, env_len, &msg,
			    &msg_len, err, sizeof(err));
	free(env);
	if (rc) {
		scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR, "%s", err);
		return rc;
	}
	txn->last_sent = txn->next_type;
	txn->state = SCEP_TXN_AWAIT_REPLY;
	if (txn->next_type == SCEP_MSG_CERTPOLL)
		txn->polls++;

	req->operation = "PKIOperation";
	if ((txn->ca->caps & (SCEP_CAP_POST | SCEP_CAP_STANDARD)) &&
	    !(txn->flags & SCEP_TXN_F_GET)) {
		req->post = true;
		req->url = scep_ca_url(txn->ca, "PKIOperation", NULL);
		req->body = msg;
		req->len = msg_len;
		req->content_type = "application/x-pki-message";
	} else {
		char *b64 = malloc(4 * ((msg_len + 2) / 3) + 1);

		if (b64)
			EVP_EncodeBlock((unsigned char *)b64, msg, (int)msg_len);
		req->url = b64 ? scep_ca_url(txn->ca, "PKIOperation", b64) : NULL;
		free(b64);
		free(msg);
	}
	if (!req->url) {
		scep_request_free(req);
		return -ENOMEM;
	}
	lsc_hex_encode(nonce_hex, txn->nonce, 16);
	trace(txn, "%s: messageType %d (%s), transactionID %s",
	      req->post ? "POST" : "GET", txn->next_type,
	      scep_msg_type_name(txn->next_type), txn->tid);
	trace(txn, "senderNonce %s, %s + %s, %zu bytes, recipient %s",
	      nonce_hex, cipher, digest, msg_len,
	      txn->ca->ra_enc == txn->ca->ca ? "CA certificate" : "RA encryption certificate");
	return 0;
}

/*
 * A request whose transfer broke after it may have reached the CA: the CA
 * may have issued it, and answering it again would make a second
 * certificate for the same key.  Its next message is a CertPoll for the
 * transaction instead; the caller frees the request it built before.
 */
bool scep_txn_poll_before_resend(struct scep_txn *t)
{
	if (t->state != SCEP_TXN_AWAIT_REPLY ||
	    (t->last_sent != SCEP_MSG_PKCSREQ &&
	     t->last_sent != SCEP_MSG_RENEWALREQ))
		return false;
	t->next_type = SCEP_MSG_CERTPOLL;
	t->state = SCEP_TXN_SEND;
	trace(t, "transfer broken: CertPoll (GetCertInitial) before sending again");
	return true;
}

int scep_txn_ensure_request(struct scep_txn *t, struct scep_request *req)
{
	int rc;

	if (req->url)
		return 0;
	rc = scep_txn_next_request(t, req);
	if (rc) {
		if (scep_txn_state(t) != SCEP_TXN_FAILED)
			scep_txn_fail(t, CAPWAP_LSC_RESULT_ERROR,
				      "cannot build the request: %s",
				      strerror(-rc));
		return rc;
	}
	return 1;
}

void scep_request_free(struct scep_request *req)
{
	free(req->url);
	free(req->body);
	memset(req, 0, sizeof(*req));
}

static enum capwap_lsc_result verify_issued(struct scep_txn *t, X509 *cert,
					    STACK_OF(X509) *extra)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new_ex(scep_libctx(), NULL);
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	enum capwap_lsc_result r = CAPWAP_LSC_RESULT_ERROR;
	X509 *root = t->ca->chain ?
		     sk_X509_value(t->ca->chain, sk_X509_num(t->ca->chain) - 1) : NULL;
	int i, e;

	/* Up to the root: the APs check it so, and an intermediate alone
	 * would pass a certificate its root never vouched for. */
	if (!root) {
		snprintf(t->reason, sizeof(t->reason),
			 "no verified CA chain to check the certificate against");
		r = CAPWAP_LSC_RESULT_CERT_MISMATCH;
		goto fail;
	}
	if (!store || !ctx || !untrusted || !X509_STORE_add_cert(store, root))
		goto out;
	for (i = 0; i < sk_X509_num(t->ca->chain); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(t->ca->chain, i)))
			goto out;
	for (i = 0; i < sk_X509_num(t->ca->certs); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(t->ca->certs, i)))
			goto out;
	for (i = 0; extra && i < sk_X509_num(extra); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(extra, i)))
			goto out;
	if (!X509_STORE_CTX_init(ctx, store, cert, untrusted))
		goto out;
	if (X509_verify_cert(ctx) == 1) {
		STACK_OF(X509) *got = X509_STORE_CTX_get0_chain(ctx);

		/* Issued by this CA, not by a sibling under the same root. */
		if (sk_X509_num(got) < 2 || X509_cmp(sk_X509_value(got, 1), t->ca->ca)) {
			snprintf(t->reason, sizeof(t->reason),
				 "issued certificate was not issued by the CA");
			r = CAPWAP_LSC_RESULT_CERT_MISMATCH;
			goto fail;
		}
		r = CAPWAP_LSC_RESULT_SUCCESS;
		goto out;
	}
	e = X509_STORE_CTX_get_error(ctx);
	snprintf(t->reason, sizeof(t->reason),
		 "issued certificate does not verify against the CA: %s",
		 X509_verify_cert_error_string(e));
	r = e == X509_V_ERR_CERT_NOT_YET_VALID ? CAPWAP_LSC_RESULT_NOT_YET_VALID :
						  CAPWAP_LSC_RESULT_CERT_MISMATCH;
out:
	if (r == CAPWAP_LSC_RESULT_ERROR)
		snprintf(t->reason, sizeof(t->reason),
			 "cannot set up certificate verification");
fail:
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return r;
}

static bool entry_equal(const X509_NAME_ENTRY *a, const X509_NAME_ENTRY *b)
{
	unsigned char *ua = NULL, *ub = NULL;
	int la, lb;
	bool eq;

	if (OBJ_cmp(X509_NAME_ENTRY_get_object(a), X509_NAME_ENTRY_get_object(b)))
		return false;
	la = ASN1_STRING_to_UTF8(&ua, X509_NAME_ENTRY_get_data(a));
	lb = ASN1_STRING_to_UTF8(&ub, X509_NAME_ENTRY_get_data(b));
	eq = la >= 0 && la == lb && !memcmp(ua, ub, (size_t)la);
	OPENSSL_free(ua);
	OPENSSL_free(ub);
	return eq;
}

/*
 * Same attributes with the same values, in any order and string type: CAs
 * re-encode the subject (micromdm writes the RDNs in Go's fixed order, O
 * before CN), which changes neither who the certificate names nor its use.
 */
static bool same_subject(const X509_NAME *issued, const X509_NAME *wanted)
{
	int n = X509_NAME_entry_count(wanted), i, j;
	bool used[64] = { false };

	if (!X509_NAME_cmp(issued, wanted))
		return true;
	if (n != X509_NAME_entry_count(issued) || n > 64)
		return false;
	for (i = 0; i < n; i++) {
		const X509_NAME_ENTRY *w = X509_NAME_get_entry(wanted, i);

		for (j = 0; j < n; j++) {
			if (!used[j] && entry_equal(X509_NAME_get_entry(issued, j), w)) {
				used[j] = true;
				break;
			}
		}
		if (j == n)
			return false;
	}
	return true;
}

/* Decrypts the envelope, finds our certificate and checks it. */
static enum scep_txn_state issued(struct scep_txn *t, const struct scep_msg *m)
{
	STACK_OF(X509) *certs = NULL;
	uint8_t *inner = NULL;
	size_t inner_len = 0;
	X509 *cert = NULL;
	EVP_PKEY *want;
	char err[256] = "";
	enum capwap_lsc_result r;
	int i, rc;

	if (!m->content || !m->content_len)
		return scep_txn_fail(t, CAPWAP_LSC_RESULT_ERROR,
				     "CertRep SUCCESS without pkcsPKIEnvelope");
	rc = scep_envelope_decrypt(m->content, m->content_len, &t->signer,
				   t->flags & SCEP_TXN_F_TRACE, &inner,
				   &inner_len, err, sizeof(err));
	if (rc)
		return scep_txn_fail(t, CAPWAP_LSC_RESULT_ERROR, "CertRep: %s", err);
	rc = scep_certs_from_pkcs7(inner, inner_len, &certs);
	free(inner);
	if (rc)
		return scep_txn_fail(t, CAPWAP_LSC_RESULT_ERROR,
				     "CertRep: no certificate in the degenerate PKCS#7");
	trace(t, "CertRep carries %d certificate(s)", sk_X509_num(certs));
	want = scep_csr_pubkey(t->req);
	for (i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		trace_cert(t, "found certificate", x);
		if (!cert && want && EVP_PKEY_eq(X509_get0_pubkey(x), want) == 1)
			cert = x;
	}
	EVP_PKEY_free(want);
	ERR_clear_error();
	if (!cert) {
		sk_X509_pop_free(certs, X509_free);
		return scep_txn_fail(t, CAPWAP_LSC_RESULT_CERT_MISMATCH,
				     "no issued certificate carries the requested public key");
	}
	if (!same_subject(X509_get_subject_name(cert),
			  X509_REQ_get_subject_name(t->req))) {
		char got[256], want[256];

		X509_NAME_oneline(X509_get_subject_name(cert), got, sizeof(got));
		X509_NAME_oneline(X509_REQ_get_subject_name(t->req), want,
				  sizeof(want));
		sk_X509_pop_free(certs, X509_free);
		return scep_txn_fail(t, CAPWAP_LSC_RESULT_CERT_MISMATCH,
				     "issued subject %s differs from requested %s",
				     got, want);
	}
	r = verify_issued(t, cert, certs);
	if (r != CAPWAP_LSC_RESULT_SUCCESS) {
		char why[sizeof(t->reason)];

		memcpy(why, t->reason, sizeof(why));
		sk_X509_pop_free(certs, X509_free);
		return scep_txn_fail(t, r, "%s", why);
	}
	X509_up_ref(cert);
	t->cert = cert;
	sk_X509_pop_free(certs, X509_free);
	t->result = CAPWAP_LSC_RESULT_SUCCESS;
	t->reason[0] = '\0';
	t->state = SCEP_TXN_ISSUED;
	trace(t, "certificate issued: public key, subject and CA signature check out");
	return t->state;
}

static enum scep_txn_state pending(struct scep_txn *t)
{
	uint64_t now = lsc_now_ms(), waited;

	if (!t->pending_since_ms) {
		t->pending_since_ms = now;
		t->delay_ms = t->poll.initial_ms;
	} else {
		double d = (double)t->delay_ms * t->poll.factor;

		t->delay_ms = d > t->poll.max_interval_ms ? t->poll.max_interval_ms :
							     (unsigned int)d;
	}
	waited = now - t->pending_since_ms;
	if (waited >= t->poll.max_total_ms)
		return scep_txn_fail(t, CAPWAP_LSC_RESULT_TIMEOUT_CA_SIGNING,
				     "CA left the request PENDING for %llu s (%u polls)",
				     (unsigned long long)(waited / 1000), t->polls);
	if (waited + t->delay_ms > t->poll.max_total_ms)
		t->delay_ms = (unsigned int)(t->poll.max_total_ms - waited);
	t->next_type = SCEP_MSG_CERTPOLL;
	t->state = SCEP_TXN_POLL_WAIT;
	trace(t, "PENDING: CertPoll (GetCertInitial) in %u ms", t->delay_ms);
	return t->state;
}

enum scep_txn_state scep_txn_handle_reply(struct scep_txn *txn,
					  long http_status,
					  const char *content_type,
					  const uint8_t *body, size_t len)
{
	STACK_OF(X509) *signers;
	struct scep_msg m;
	char err[256] = "", hex[33];
	enum scep_txn_state st;
	int rc;

	if (txn->state != SCEP_TXN_AWAIT_REPLY)
		return txn->state;
	if (http_status != 200)
		return scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR,
				     "CA answered %s with HTTP status %ld",
				     scep_msg_type_name(txn->last_sent), http_status);
	if (!content_type || strncasecmp(content_type, "application/x-pki-message", 25))
		trace(txn, "unexpected MIME type %s, parsing anyway",
		      content_type ? content_type : "(none)");
	signers = sk_X509_new_null();
	if (!signers || !sk_X509_push(signers, txn->ca->ra_sign) ||
	    (txn->ca->ca != txn->ca->ra_sign && !sk_X509_push(signers, txn->ca->ca))) {
		sk_X509_free(signers);
		return scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR, "out of memory");
	}
	rc = scep_msg_parse(body, len, signers, &m, err, sizeof(err));
	sk_X509_free(signers);
	if (rc)
		return scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR,
				     "CertRep rejected: %s", err);
	trace(txn, "CertRep signed by %s", m.signer == txn->ca->ca ?
	      "the CA certificate" : "the RA signing certificate");
	trace(txn, "messageType %d (%s), transactionID %s", m.msg_type,
	      scep_msg_type_name(m.msg_type), m.transaction_id);
	if (m.has_sender_nonce) {
		lsc_hex_encode(hex, m.sender_nonce, 16);
		trace(txn, "senderNonce %s", hex);
	}
	if (m.has_recipient_nonce) {
		lsc_hex_encode(hex, m.recipient_nonce, 16);
		trace(txn, "recipientNonce %s", hex);
	}
	trace(txn, "pkiStatus: %s", m.pki_status < 0 ? "(absent)" :
	      scep_pki_status_name(m.pki_status));
	txn->last_status = m.pki_status;
	txn->last_fail = m.fail_info;
	if (m.msg_type != SCEP_MSG_CERTREP) {
		st = scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR,
				   "reply messageType %d is not CertRep", m.msg_type);
	} else if (strcmp(m.transaction_id, txn->tid)) {
		st = scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR,
				   "CertRep transactionID %s is not ours",
				   m.transaction_id);
	} else if (!m.has_recipient_nonce ||
		   CRYPTO_memcmp(m.recipient_nonce, txn->nonce, 16)) {
		st = scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR,
				   "CertRep recipientNonce %s our senderNonce",
				   m.has_recipient_nonce ? "does not match" : "missing, expected");
	} else if (m.pki_status == SCEP_STATUS_SUCCESS) {
		st = issued(txn, &m);
	} else if (m.pki_status == SCEP_STATUS_FAILURE) {
		if (m.fail_info >= 0)
			trace(txn, "failInfo: %s (%s)", scep_fail_info_name(m.fail_info),
			      scep_fail_info_text(m.fail_info));
		if (m.fail_info_text[0])
			trace(txn, "failInfoText: %s", m.fail_info_text);
		st = scep_txn_fail(txn, m.fail_info == SCEP_FAIL_BADREQUEST ?
				   CAPWAP_LSC_RESULT_BAD_REQUEST :
				   CAPWAP_LSC_RESULT_FAILED_CA_SIGNING,
				   "CA refused: pkiStatus FAILURE, failInfo %s: %s%s%s",
				   m.fail_info < 0 ? "(absent)" :
				   scep_fail_info_name(m.fail_info),
				   scep_fail_info_text(m.fail_info),
				   m.fail_info_text[0] ? "; CA says: " : "",
				   m.fail_info_text);
	} else if (m.pki_status == SCEP_STATUS_PENDING) {
		st = pending(txn);
	} else {
		st = scep_txn_fail(txn, CAPWAP_LSC_RESULT_ERROR,
				   "CertRep pkiStatus %s", m.pki_status < 0 ?
				   "missing" : "unknown");
	}
	scep_msg_release(&m);
	return st;
}

enum scep_txn_state scep_txn_state(const struct scep_txn *txn)
{
	return txn->state;
}

unsigned int scep_txn_poll_delay_ms(const struct scep_txn *txn)
{
	return txn->state == SCEP_TXN_POLL_WAIT ? txn->delay_ms : 0;
}

void scep_txn_status(const struct scep_txn *txn, struct scep_txn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->state = txn->state;
	memcpy(st->transaction_id, txn->tid, sizeof(st->transaction_id));
	if (txn->nonce_set)
		lsc_hex_encode(st->sender_nonce, txn->nonce, 16);
	st->last_msg_type = txn->last_sent;
	st->last_pki_status = txn->last_status;
	st->last_fail_info = txn->last_fail;
	st->polls = txn->polls;
	st->result = txn->state == SCEP_TXN_ISSUED ? CAPWAP_LSC_RESULT_SUCCESS :
						      txn->result;
	st->reason = txn->reason;
}

X509 *scep_txn_cert(const struct scep_txn *txn)
{
	return txn->cert;
}

X509_REQ *scep_txn_csr(const struct scep_txn *txn)
{
	return txn->req;
}

const char *scep_txn_state_name(enum scep_txn_state state)
{
	switch (state) {
	case SCEP_TXN_SEND: return "send";
	case SCEP_TXN_AWAIT_REPLY: return "await-reply";
	case SCEP_TXN_POLL_WAIT: return "poll-wait";
	case SCEP_TXN_ISSUED: return "issued";
	case SCEP_TXN_FAILED: return "failed";
	}
	return "unknown";
}

struct scep_ca *scep_txn_ca(const struct scep_txn *txn)
{
	return txn->ca;
}
