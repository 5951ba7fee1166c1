// SPDX-License-Identifier: GPL-2.0
/*
 * The SCEP engine's pure pieces, and whole transactions against a CA made
 * up in memory: the test plays the CA with the engine's message layer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "hex.h"
#include "names.h"
#include "pem.h"
#include "scep_ca.h"
#include "scep_cert.h"
#include "scep_crypto.h"
#include "scep_msg.h"
#include "scep_names.h"
#include "scep_signer.h"
#include "scep_txn.h"
#include "tap.h"

static struct scep_signer ca_id, ra_id, ra_enc_id, proxy_id, other_ca;
/* Who decrypts pkcsPKIEnvelope on the CA side: the CA, or its RA. */
static const struct scep_signer *ca_decrypter = &ca_id;
static EVP_PKEY *ap_key, *ap_key2;

static const struct scep_poll_policy poll_policy = {
	.initial_ms = 1000, .factor = 2.0, .max_interval_ms = 3000,
	.max_total_ms = 60000,
};

static const char *name_org = NULL;
static bool name_org_first;

static void fill_name(X509_NAME *n, const char *cn)
{
	if (name_org && name_org_first)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
					   (const unsigned char *)name_org, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	if (name_org && !name_org_first)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
					   (const unsigned char *)name_org, -1, -1, 0);
}

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *issuer_key, bool ca, const char *ku)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	static long serial = 1;

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	fill_name(n, cn);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
				  ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (ku) {
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage, ku);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256());
	X509_NAME_free(n);
	return x;
}

static int make_csr(const char *cn, EVP_PKEY *key, const char *challenge,
		    uint8_t **der, size_t *len)
{
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_NAME_new();
	unsigned char *p = NULL;
	int l;

	fill_name(n, cn);
	X509_REQ_set_subject_name(r, n);
	X509_REQ_set_pubkey(r, key);
	if (challenge)
		X509_REQ_add1_attr_by_NID(r, NID_pkcs9_challengePassword,
					  MBSTRING_UTF8,
					  (const unsigned char *)challenge, -1);
	X509_REQ_sign(r, key, EVP_sha256());
	l = i2d_X509_REQ(r, &p);
	X509_NAME_free(n);
	X509_REQ_free(r);
	if (l <= 0)
		return -1;
	*der = malloc((size_t)l);
	memcpy(*der, p, (size_t)l);
	*len = (size_t)l;
	OPENSSL_free(p);
	return 0;
}

/* Chain and algorithms, as lscd's policy sets them; the weakest minimums
 * lscd may be told to accept, so every cap set the tests use works. */
static int ca_ready(struct scep_ca *ca)
{
	char err[256];

	return scep_ca_build_chain(ca, NULL, err, sizeof(err)) ||
	       scep_caps_pick(ca->caps, SCEP_CIPHER_DES3, SCEP_DIGEST_SHA1,
			      &ca->cipher, &ca->digest, err, sizeof(err));
}

static struct scep_ca *make_ca(unsigned int caps)
{
	struct scep_ca *ca = scep_ca_new("http://ca.example/cgi-bin/scep");
	unsigned char *der = NULL;
	char err[256];
	int l = i2d_X509(ca_id.cert, &der);

	ca->caps = caps;
	if (scep_ca_set_certs(ca, "application/x-x509-ca-cert", der, (size_t)l,
			      err, sizeof(err)) || ca_ready(ca)) {
		scep_ca_free(ca);
		ca = NULL;
	}
	OPENSSL_free(der);
	return ca;
}

/* What the CA saw: the request's attributes and decrypted messageData. */
struct seen {
	struct scep_msg msg;
	uint8_t *data;
	size_t len;
};

static int ca_receive(const struct scep_request *req, struct seen *s)
{
	STACK_OF(X509) *signers = sk_X509_new_null();
	char err[256];
	int rc;

	sk_X509_push(signers, proxy_id.cert);
	rc = scep_msg_parse(req->body, req->len, signers, &s->msg, err,
			    sizeof(err));
	sk_X509_free(signers);
	if (rc)
		return rc;
	return scep_envelope_decrypt(s->msg.content, s->msg.content_len,
				     ca_decrypter, false, &s->data, &s->len, err,
				     sizeof(err));
}

static void seen_release(struct seen *s)
{
	scep_msg_release(&s->msg);
	free(s->data);
}

/* The CA's CertRep to what it saw; certs (if any) go in the envelope. */
static int ca_reply(const struct scep_signer *as, const struct seen *s,
		    int status, int fail_info, const char *text,
		    STACK_OF(X509) *certs, const uint8_t *nonce_override,
		    uint8_t **out, size_t *out_len)
{
	struct scep_msg m;
	uint8_t *p7 = NULL, *env = NULL;
	size_t p7_len = 0, env_len = 0;
	char err[256];
	int rc;

	memset(&m, 0, sizeof(m));
	m.msg_type = SCEP_MSG_CERTREP;
	m.pki_status = status;
	m.fail_info = fail_info;
	snprintf(m.fail_info_text, sizeof(m.fail_info_text), "%s", text ? text : "");
	snprintf(m.transaction_id, sizeof(m.transaction_id), "%s",
		 s->msg.transaction_id);
	memcpy(m.recipient_nonce, nonce_override ? nonce_override :
	       s->msg.sender_nonce, 16);
	m.has_recipient_nonce = true;
	memset(m.sender_nonce, 0x5a, 16);
	m.has_sender_nonce = true;
	if (certs) {
		rc = scep_certs_to_pkcs7(certs, &p7, &p7_len);
		if (!rc)
			rc = scep_envelope_encrypt(proxy_id.cert, "AES-256-CBC",
						   p7, p7_len, &env, &env_len,
						   err, sizeof(err));
		free(p7);
		if (rc)
			return rc;
	}
	rc = scep_msg_build(as, "SHA256", &m, env, env_len, out, out_len, err,
			    sizeof(err));
	free(env);
	return rc;
}

static const char *test_caps_parse(void)
{
	const char *s = "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation";
	unsigned int c = scep_caps_parse(s, strlen(s));

	CHECK(c == (SCEP_CAPS_KNOWN | SCEP_CAP_RENEWAL | SCEP_CAP_SHA1 |
		    SCEP_CAP_SHA256 | SCEP_CAP_AES | SCEP_CAP_DES3 |
		    SCEP_CAP_STANDARD | SCEP_CAP_POST), "scepserver caps: %#x", c);
	c = scep_caps_parse("getnextcacert\r\nsha-512\r\nFrobnicate\r\n", 38);
	CHECK(c == (SCEP_CAPS_KNOWN | SCEP_CAP_GETNEXTCACERT | SCEP_CAP_SHA512),
	      "case and CRLF: %#x", c);
	CHECK(scep_caps_parse("", 0) == 0, "empty reply is not KNOWN");
	CHECK(scep_caps_parse(" \n\n", 3) == 0, "blank reply is not KNOWN");
	c = scep_caps_parse("Frobnicate", 10);
	CHECK(c == SCEP_CAPS_KNOWN, "unknown keyword only: %#x", c);
	CHECK(scep_caps_parse("AESX", 4) == SCEP_CAPS_KNOWN, "no prefix match");
	return NULL;
}

/* Cipher and digest picked for caps and minimums, or NULL when refused. */
static const char *pick(unsigned int caps, unsigned int mc, unsigned int md,
			bool want_digest, char *err, size_t errlen)
{
	const char *c = NULL, *d = NULL;

	if (scep_caps_pick(caps, mc, md, &c, &d, err, errlen))
		return NULL;
	return want_digest ? d : c;
}

static const char *test_caps_algorithms(void)
{
	const unsigned int K = SCEP_CAPS_KNOWN, A = SCEP_CIPHER_AES128,
			   D3 = SCEP_CIPHER_DES3, S1 = SCEP_DIGEST_SHA1,
			   S256 = SCEP_DIGEST_SHA256;
	const char *r;
	char err[256];
	unsigned int rank;

	r = pick(K | SCEP_CAP_AES, A, S1, false, err, sizeof(err));
	CHECK(r && !strcmp(r, "AES-128-CBC"), "AES");
	r = pick(K | SCEP_CAP_STANDARD, A, S256, false, err, sizeof(err));
	CHECK(r && !strcmp(r, "AES-128-CBC"), "SCEPStandard implies AES");
	r = pick(K | SCEP_CAP_DES3, D3, S1, false, err, sizeof(err));
	CHECK(r && !strcmp(r, "DES-EDE3-CBC"), "DES3 when min_cipher allows it");
	r = pick(0, D3, S1, false, err, sizeof(err));
	CHECK(r && !strcmp(r, "DES-EDE3-CBC"), "no caps: 3DES when allowed");
	/* A forged "POSTPKIOperation" alone: single DES is never used. */
	r = pick(K | SCEP_CAP_POST, D3, S1, false, err, sizeof(err));
	CHECK(!r && strstr(err, "single DES"), "caps without ciphers: refused (%s)",
	      r ? r : err);
	r = pick(K | SCEP_CAP_DES3 | SCEP_CAP_SHA256, A, S256, false, err, sizeof(err));
	CHECK(!r && strstr(err, "min_cipher aes128"), "3DES below min_cipher: %s",
	      r ? r : err);
	r = pick(0, A, S256, false, err, sizeof(err));
	CHECK(!r && strstr(err, "did not answer GetCACaps"),
	      "no caps with the defaults: refused (%s)", r ? r : err);
	r = pick(K | SCEP_CAP_AES | SCEP_CAP_SHA256, A, S256, true, err, sizeof(err));
	CHECK(r && !strcmp(r, "SHA256"), "SHA-256");
	r = pick(K | SCEP_CAP_AES, A, S256, true, err, sizeof(err));
	CHECK(!r && strstr(err, "min_digest sha256"), "SHA-1 only below min_digest: %s",
	      r ? r : err);
	r = pick(0, D3, S1, true, err, sizeof(err));
	CHECK(r && !strcmp(r, "SHA1"), "no caps: SHA-1 when allowed");
	r = pick(K | SCEP_CAP_AES | SCEP_CAP_SHA512, A, S256, true, err, sizeof(err));
	CHECK(r && !strcmp(r, "SHA512"), "SHA-512");
	r = pick(K | SCEP_CAP_AES | SCEP_CAP_SHA256, A, SCEP_DIGEST_SHA512, true,
		 err, sizeof(err));
	CHECK(!r, "SHA-256 below min_digest sha512");
	CHECK(!scep_cipher_rank("AES128", &rank) && rank == A, "aes128 rank");
	CHECK(scep_cipher_rank("des", &rank) == -EINVAL, "single DES has no rank");
	CHECK(scep_digest_rank("md5", &rank) == -EINVAL, "MD5 has no rank");
	return NULL;
}

static const char *test_fail_info_words(void)
{
	CHECK(!strcmp(scep_fail_info_text(SCEP_FAIL_BADREQUEST),
		      "Transaction not permitted or supported"), "badRequest words");
	CHECK(!strcmp(scep_fail_info_name(SCEP_FAIL_BADREQUEST), "badRequest"), "name");
	CHECK(!strcmp(scep_fail_info_name(SCEP_FAIL_BADALG), "badAlg"), "badAlg");
	CHECK(!strcmp(scep_fail_info_name(SCEP_FAIL_BADMESSAGECHECK), "badMessageCheck"),
	      "badMessageCheck");
	CHECK(!strcmp(scep_fail_info_name(SCEP_FAIL_BADTIME), "badTime"), "badTime");
	CHECK(!strcmp(scep_fail_info_name(SCEP_FAIL_BADCERTID), "badCertId"), "badCertId");
	CHECK(!strcmp(scep_fail_info_name(17), "unknown"), "out of range");
	CHECK(!strcmp(scep_pki_status_name(SCEP_STATUS_PENDING), "PENDING"), "PENDING");
	CHECK(!strcmp(scep_msg_type_name(SCEP_MSG_CERTPOLL), "CertPoll"), "CertPoll");
	return NULL;
}

static const char *test_transaction_id(void)
{
	uint8_t *d1, *d2, *d3;
	size_t l1, l2, l3;
	X509_REQ *r1 = NULL, *r2 = NULL, *r3 = NULL;
	char t1[65], t2[65], t3[65], want[65];
	unsigned char *spki = NULL, md[32];
	int n;

	make_csr("AP-one", ap_key, NULL, &d1, &l1);
	make_csr("AP-renamed", ap_key, "x", &d2, &l2);
	make_csr("AP-one", ap_key2, NULL, &d3, &l3);
	CHECK(!scep_csr_load(d1, l1, &r1) && !scep_csr_load(d2, l2, &r2) &&
	      !scep_csr_load(d3, l3, &r3), "CSRs load");
	CHECK(!scep_transaction_id(r1, t1) && !scep_transaction_id(r2, t2) &&
	      !scep_transaction_id(r3, t3), "IDs derive");
	n = i2d_PUBKEY(ap_key, &spki);
	EVP_Digest(spki, (size_t)n, md, NULL, EVP_sha256(), NULL);
	OPENSSL_free(spki);
	lsc_hex_encode(want, md, 32);
	CHECK(!strcmp(t1, want), "ID is hex SHA-256 of the SPKI: %s", t1);
	CHECK(!strcmp(t1, t2), "same key, other subject: same ID");
	CHECK(strcmp(t1, t3), "other key: other ID");
	X509_REQ_free(r1);
	X509_REQ_free(r2);
	X509_REQ_free(r3);
	free(d1);
	free(d2);
	free(d3);
	return NULL;
}

static const char *test_csr_forms_and_challenge(void)
{
	uint8_t *der;
	size_t len;
	X509_REQ *r = NULL, *r2 = NULL;
	BIO *b = BIO_new(BIO_s_mem());
	char *pem, buf[64];
	long pl;

	make_csr("AP-ch", ap_key, "s3cret", &der, &len);
	CHECK(!scep_csr_load(der, len, &r), "DER loads");
	CHECK(!scep_csr_challenge(r, buf, sizeof(buf)) && !strcmp(buf, "s3cret"),
	      "challengePassword read back");
	PEM_write_bio_X509_REQ(b, r);
	pl = BIO_get_mem_data(b, &pem);
	CHECK(!scep_csr_load((uint8_t *)pem, (size_t)pl, &r2), "PEM loads");
	X509_REQ_free(r2);
	r2 = NULL;
	CHECK(scep_csr_load((const uint8_t *)"garbage", 7, &r2) == -EBADMSG,
	      "garbage rejected");
	X509_REQ_free(r);
	free(der);
	make_csr("AP-noch", ap_key, NULL, &der, &len);
	scep_csr_load(der, len, &r);
	CHECK(scep_csr_challenge(r, buf, sizeof(buf)) == -ENOENT, "no challenge: -ENOENT");
	X509_REQ_free(r);
	X509_REQ_free(r2);
	BIO_free(b);
	free(der);
	return NULL;
}

static const char *test_hex_and_url(void)
{
	uint8_t b[4];
	struct scep_ca *ca = scep_ca_new("http://ca/scep");
	char *u;

	CHECK(lsc_hex_decode(b, sizeof(b), "De:aD:be:EF") == 4 && b[0] == 0xde &&
	      b[3] == 0xef, "hex with colons");
	CHECK(lsc_hex_decode(b, sizeof(b), "abc") == -EINVAL, "odd length");
	CHECK(lsc_hex_decode(b, 2, "aabbcc") == -ENOSPC, "too long");
	u = scep_ca_url(ca, "PKIOperation", "ab+/c=");
	CHECK(u && !strcmp(u, "http://ca/scep?operation=PKIOperation&message=ab%2B%2Fc%3D"),
	      "GET escaping: %s", u ? u : "NULL");
	free(u);
	free(ca->url);
	ca->url = strdup("http://ca/scep?x=1");
	u = scep_ca_url(ca, "GetCACaps", NULL);
	CHECK(u && !strcmp(u, "http://ca/scep?x=1&operation=GetCACaps"), "query kept: %s", u);
	free(u);
	scep_ca_free(ca);
	return NULL;
}

static const char *test_ca_ra_selection(void)
{
	EVP_PKEY *enc_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	X509 *enc = make_cert("RA enc", enc_key, ca_id.cert, ca_id.key, false,
			      "keyEncipherment");
	X509 *sig = make_cert("RA sign", ra_id.key, ca_id.cert, ca_id.key, false,
			      "digitalSignature");
	X509 *rogue = make_cert("RA rogue", ra_id.key, other_ca.cert, other_ca.key,
				false, "digitalSignature");
	STACK_OF(X509) *sk = sk_X509_new_null();
	struct scep_ca *ca = scep_ca_new("http://ca/scep");
	uint8_t *der;
	size_t len;
	char err[256], fp[65];
	const char *why = NULL;

	sk_X509_push(sk, sig);
	sk_X509_push(sk, ca_id.cert);
	sk_X509_push(sk, enc);
	scep_certs_to_pkcs7(sk, &der, &len);
	if (scep_ca_set_certs(ca, "application/x-x509-ca-ra-cert", der, len, err,
			      sizeof(err)))
		why = "CA+RA set refused";
	else if (X509_cmp(ca->ca, ca_id.cert) || X509_cmp(ca->ra_enc, enc) ||
		 X509_cmp(ca->ra_sign, sig))
		why = "wrong roles picked by key usage";
	free(der);
	scep_cert_fingerprint(ca_id.cert, fp);
	if (!why && scep_ca_check_fingerprint(ca, fp))
		why = "right pin refused";
	fp[0] = fp[0] == '0' ? '1' : '0';
	if (!why && scep_ca_check_fingerprint(ca, fp) != -EPERM)
		why = "wrong pin accepted";

	/* An RA certificate from another CA must not be taken. */
	sk_X509_set(sk, 0, rogue);
	scep_certs_to_pkcs7(sk, &der, &len);
	if (!why && !scep_ca_set_certs(ca, "application/x-x509-ca-ra-cert", der,
				       len, err, sizeof(err)))
		why = "RA certificate of another CA accepted";
	free(der);
	sk_X509_free(sk);
	scep_ca_free(ca);
	X509_free(enc);
	X509_free(sig);
	X509_free(rogue);
	EVP_PKEY_free(enc_key);
	return why;
}

/* Runs a PKCSReq through the in-memory CA; returns the new state. */
static enum scep_txn_state round_trip(struct scep_txn *t, struct seen *s,
				      int status, int fail_info,
				      const char *text, STACK_OF(X509) *certs,
				      const struct scep_signer *as,
				      const uint8_t *nonce_override)
{
	struct scep_request req;
	uint8_t *rep = NULL;
	size_t rep_len = 0;
	enum scep_txn_state st;

	if (scep_txn_next_request(t, &req) || !req.post || ca_receive(&req, s)) {
		scep_request_free(&req);
		return (enum scep_txn_state)-1;
	}
	scep_request_free(&req);
	if (ca_reply(as ? as : &ca_id, s, status, fail_info, text, certs,
		     nonce_override, &rep, &rep_len))
		return (enum scep_txn_state)-2;
	st = scep_txn_handle_reply(t, 200, "application/x-pki-message", rep, rep_len);
	free(rep);
	return st;
}

static X509 *issue_for(const char *cn, EVP_PKEY *key, const struct scep_signer *by)
{
	return make_cert(cn, key, by->cert, by->key, false, "digitalSignature");
}

static const char *test_pkcsreq_round_trip(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_STANDARD);
	uint8_t *csr;
	size_t csr_len;
	struct scep_txn *t;
	struct seen s = { 0 };
	struct scep_txn_status st;
	STACK_OF(X509) *certs = sk_X509_new_null();
	X509 *issued = issue_for("AP-rt", ap_key, &ca_id);
	char nonce[33];
	int err;

	CHECK(ca, "CA context");
	make_csr("AP-rt", ap_key, NULL, &csr, &csr_len);
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "rt", &err);
	CHECK(t, "transaction: %d", err);
	sk_X509_push(certs, issued);
	CHECK(round_trip(t, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, NULL) ==
	      SCEP_TXN_ISSUED, "not issued: %s", (scep_txn_status(t, &st), st.reason));
	CHECK(s.msg.msg_type == SCEP_MSG_PKCSREQ, "messageType %d", s.msg.msg_type);
	CHECK(s.len == csr_len && !memcmp(s.data, csr, csr_len),
	      "messageData is not the CSR");
	CHECK(s.msg.signer && !X509_cmp(s.msg.signer, proxy_id.cert),
	      "outer signature is not the proxy's");
	scep_txn_status(t, &st);
	CHECK(!strcmp(st.transaction_id, s.msg.transaction_id), "transactionID");
	lsc_hex_encode(nonce, s.msg.sender_nonce, 16);
	CHECK(!strcmp(st.sender_nonce, nonce), "senderNonce in status");
	CHECK(st.result == CAPWAP_LSC_RESULT_SUCCESS, "result %d", st.result);
	CHECK(!X509_cmp(scep_txn_cert(t), issued), "issued certificate returned");
	seen_release(&s);
	scep_txn_free(t);
	sk_X509_pop_free(certs, X509_free);
	scep_ca_free(ca);
	free(csr);
	return NULL;
}

/*
 * A request the caller parsed already (lscd's CSR check) makes the same
 * transaction as its DER, uses that very object, and is freed with the
 * transaction, or at once when the transaction cannot start.
 */
static const char *test_txn_from_parsed_request(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_STANDARD);
	struct scep_signer none = { 0 };
	struct scep_txn_status a, b;
	struct scep_txn *t1, *t2;
	struct seen s = { 0 };
	STACK_OF(X509) *certs = sk_X509_new_null();
	X509 *issued = issue_for("AP-parsed", ap_key, &ca_id);
	X509_REQ *req = NULL, *bad = NULL;
	uint8_t *csr;
	size_t csr_len;
	int err = 0;

	CHECK(ca && certs && issued, "set-up");
	make_csr("AP-parsed", ap_key, NULL, &csr, &csr_len);
	CHECK(!scep_csr_load(csr, csr_len, &req) && !scep_csr_load(csr, csr_len, &bad),
	      "CSR parses");
	t1 = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "der", &err);
	t2 = scep_txn_new_req(ca, &proxy_id, req, 0, &poll_policy, "parsed", &err);
	CHECK(t1 && t2, "transactions: %d", err);
	CHECK(scep_txn_csr(t2) == req, "the parsed request is not the one used");
	scep_txn_status(t1, &a);
	scep_txn_status(t2, &b);
	CHECK(!strcmp(a.transaction_id, b.transaction_id), "transactionID %s, from DER %s",
	      b.transaction_id, a.transaction_id);
	sk_X509_push(certs, issued);
	CHECK(round_trip(t2, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, NULL) ==
	      SCEP_TXN_ISSUED, "not issued: %s", (scep_txn_status(t2, &b), b.reason));
	CHECK(s.len == csr_len && !memcmp(s.data, csr, csr_len),
	      "messageData is not the CSR's DER");
	/* No signer: refused, and the request freed with it. */
	CHECK(!scep_txn_new_req(ca, &none, bad, 0, &poll_policy, "none", &err) &&
	      err == -EINVAL, "a transaction without a signer: %d", err);
	seen_release(&s);
	scep_txn_free(t1);
	scep_txn_free(t2);
	sk_X509_pop_free(certs, X509_free);
	scep_ca_free(ca);
	free(csr);
	return NULL;
}

static const char *test_renewal_and_get(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_RENEWAL | SCEP_CAP_DES3);
	struct scep_request req;
	struct seen s = { 0 };
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	int err;

	make_csr("AP-ren", ap_key, NULL, &csr, &csr_len);
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, SCEP_TXN_F_RENEWAL,
			 &poll_policy, "ren", &err);
	CHECK(t && !scep_txn_next_request(t, &req), "request");
	CHECK(!req.post && !req.body && strstr(req.url, "operation=PKIOperation&message="),
	      "GET without POSTPKIOperation: %s", req.url);
	scep_request_free(&req);
	scep_txn_free(t);
	ca->caps |= SCEP_CAP_POST;
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, SCEP_TXN_F_RENEWAL,
			 &poll_policy, "ren", &err);
	CHECK(!scep_txn_next_request(t, &req) && req.post && !ca_receive(&req, &s),
	      "POST request parses");
	CHECK(s.msg.msg_type == SCEP_MSG_RENEWALREQ, "RenewalReq: %d", s.msg.msg_type);
	seen_release(&s);
	scep_request_free(&req);
	scep_txn_free(t);
	ca->caps &= ~SCEP_CAP_RENEWAL;
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, SCEP_TXN_F_RENEWAL,
			 &poll_policy, "ren", &err);
	CHECK(!scep_txn_next_request(t, &req) && !ca_receive(&req, &s), "request");
	CHECK(s.msg.msg_type == SCEP_MSG_PKCSREQ, "no Renewal cap: PKCSReq");
	seen_release(&s);
	scep_request_free(&req);
	scep_txn_free(t);
	scep_ca_free(ca);
	free(csr);
	return NULL;
}

static const char *test_pending_then_poll(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_AES | SCEP_CAP_POST);
	struct seen s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct scep_txn_status st;
	const unsigned char *p;
	X509_NAME *iss, *sub;
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	int err;

	make_csr("AP-pend", ap_key2, NULL, &csr, &csr_len);
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "pend", &err);
	CHECK(round_trip(t, &s1, SCEP_STATUS_PENDING, -1, NULL, NULL, NULL, NULL) ==
	      SCEP_TXN_POLL_WAIT, "PENDING does not wait");
	CHECK(scep_txn_poll_delay_ms(t) == 1000, "first delay %u", scep_txn_poll_delay_ms(t));
	CHECK(round_trip(t, &s2, SCEP_STATUS_PENDING, -1, NULL, NULL, NULL, NULL) ==
	      SCEP_TXN_POLL_WAIT, "second PENDING");
	CHECK(scep_txn_poll_delay_ms(t) == 2000, "backoff %u", scep_txn_poll_delay_ms(t));
	CHECK(s2.msg.msg_type == SCEP_MSG_CERTPOLL, "poll is CertPoll: %d", s2.msg.msg_type);
	CHECK(!strcmp(s1.msg.transaction_id, s2.msg.transaction_id), "same transactionID");
	CHECK(memcmp(s1.msg.sender_nonce, s2.msg.sender_nonce, 16), "fresh nonce");
	p = s2.data;
	iss = d2i_X509_NAME(NULL, &p, (long)s2.len);
	CHECK(!iss, "messageData must be a SEQUENCE, not a bare Name");
	/* IssuerAndSubject: SEQUENCE { issuer Name, subject Name } */
	CHECK(s2.len > 4 && s2.data[0] == 0x30, "IssuerAndSubject is a SEQUENCE");
	p = s2.data + 2 + ((s2.data[1] & 0x80) ? (s2.data[1] & 0x7f) : 0);
	iss = d2i_X509_NAME(NULL, &p, (long)s2.len);
	sub = iss ? d2i_X509_NAME(NULL, &p, (long)s2.len) : NULL;
	CHECK(iss && sub, "two Names inside");
	CHECK(!X509_NAME_cmp(iss, X509_get_subject_name(ca_id.cert)), "issuer is the CA");
	X509_NAME_free(iss);
	X509_NAME_free(sub);
	sk_X509_push(certs, issue_for("AP-pend", ap_key2, &ca_id));
	CHECK(round_trip(t, &s3, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, NULL) ==
	      SCEP_TXN_ISSUED, "issued after polling");
	scep_txn_status(t, &st);
	CHECK(st.polls == 2 && st.last_msg_type == SCEP_MSG_CERTPOLL, "polls %u", st.polls);
	scep_txn_free(t);
	seen_release(&s3);
	/* After a restart: a new transaction for the same CSR polls at once. */
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, SCEP_TXN_F_RESUME_POLL,
			 &poll_policy, "pend", &err);
	CHECK(round_trip(t, &s3, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, NULL) ==
	      SCEP_TXN_ISSUED, "issued on resume");
	CHECK(s3.msg.msg_type == SCEP_MSG_CERTPOLL &&
	      !strcmp(s3.msg.transaction_id, s1.msg.transaction_id),
	      "resume sends CertPoll with the same transactionID");
	seen_release(&s1);
	seen_release(&s2);
	seen_release(&s3);
	sk_X509_pop_free(certs, X509_free);
	scep_txn_free(t);
	scep_ca_free(ca);
	free(csr);
	return NULL;
}

/*
 * A transaction holds its own references: the daemon drops its CA on a
 * reload and its signer on a new controller certificate while requests
 * are PENDING.  Their CertPoll, and the chain the AP gets, must not care.
 */
static const char *test_txn_holds_references(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_AES | SCEP_CAP_POST);
	struct scep_signer mine = { proxy_id.key, proxy_id.cert };
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct seen s1 = { 0 }, s2 = { 0 };
	struct scep_ca *held;
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	int err;

	CHECK(ca && certs && EVP_PKEY_up_ref(mine.key) && X509_up_ref(mine.cert),
	      "set-up");
	ca->chain = sk_X509_new_null();
	CHECK(ca->chain && X509_up_ref(ca->ca) && sk_X509_push(ca->chain, ca->ca),
	      "chain");
	make_csr("AP-held", ap_key2, NULL, &csr, &csr_len);
	t = scep_txn_new(ca, &mine, csr, csr_len, 0, &poll_policy, "held", &err);
	CHECK(t, "scep_txn_new: %d", err);
	scep_signer_release(&mine);
	scep_ca_free(ca);
	CHECK(round_trip(t, &s1, SCEP_STATUS_PENDING, -1, NULL, NULL, NULL, NULL) ==
	      SCEP_TXN_POLL_WAIT, "PENDING after the caller let go of CA and signer");
	sk_X509_push(certs, issue_for("AP-held", ap_key2, &ca_id));
	CHECK(round_trip(t, &s2, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, NULL) ==
	      SCEP_TXN_ISSUED, "CertPoll issued after the caller let go");
	held = scep_txn_ca(t);
	CHECK(held->chain && sk_X509_num(held->chain) == 1 &&
	      !X509_cmp(sk_X509_value(held->chain, 0), ca_id.cert),
	      "the transaction's CA still has its chain");
	seen_release(&s1);
	seen_release(&s2);
	sk_X509_pop_free(certs, X509_free);
	scep_txn_free(t);
	free(csr);
	return NULL;
}

static const char *test_poll_timeout(void)
{
	struct scep_poll_policy quick = { .initial_ms = 10, .factor = 1,
					  .max_interval_ms = 10, .max_total_ms = 0 };
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_POST | SCEP_CAP_DES3);
	struct seen s = { 0 };
	struct scep_txn_status st;
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	int err;

	make_csr("AP-slow", ap_key, NULL, &csr, &csr_len);
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &quick, "slow", &err);
	CHECK(round_trip(t, &s, SCEP_STATUS_PENDING, -1, NULL, NULL, NULL, NULL) ==
	      SCEP_TXN_FAILED, "PENDING past the limit must fail");
	scep_txn_status(t, &st);
	CHECK(st.result == CAPWAP_LSC_RESULT_TIMEOUT_CA_SIGNING, "result %d", st.result);
	seen_release(&s);
	scep_txn_free(t);
	scep_ca_free(ca);
	free(csr);
	return NULL;
}

static const char *test_failure_words(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_POST | SCEP_CAP_DES3);
	struct seen s = { 0 };
	struct scep_txn_status st;
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	int err;

	make_csr("AP-no", ap_key, NULL, &csr, &csr_len);
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "no", &err);
	CHECK(round_trip(t, &s, SCEP_STATUS_FAILURE, SCEP_FAIL_BADREQUEST,
			 "challenge password wrong", NULL, NULL, NULL) == SCEP_TXN_FAILED,
	      "FAILURE must fail");
	scep_txn_status(t, &st);
	CHECK(st.result == CAPWAP_LSC_RESULT_BAD_REQUEST, "result %d", st.result);
	CHECK(strstr(st.reason, "badRequest") &&
	      strstr(st.reason, "Transaction not permitted or supported") &&
	      strstr(st.reason, "challenge password wrong"), "reason: %s", st.reason);
	CHECK(st.last_pki_status == SCEP_STATUS_FAILURE &&
	      st.last_fail_info == SCEP_FAIL_BADREQUEST, "status fields");
	seen_release(&s);
	scep_txn_free(t);
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "no", &err);
	round_trip(t, &s, SCEP_STATUS_FAILURE, SCEP_FAIL_BADTIME, NULL, NULL, NULL, NULL);
	scep_txn_status(t, &st);
	CHECK(st.result == CAPWAP_LSC_RESULT_FAILED_CA_SIGNING && strstr(st.reason, "badTime"),
	      "badTime: %d %s", st.result, st.reason);
	seen_release(&s);
	scep_txn_free(t);
	scep_ca_free(ca);
	free(csr);
	return NULL;
}

static const char *test_reply_checks(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_POST | SCEP_CAP_DES3);
	STACK_OF(X509) *certs = sk_X509_new_null();
	uint8_t bad_nonce[16] = { 1, 2, 3 };
	struct seen s = { 0 };
	struct scep_txn_status st;
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	int err;

	make_csr("AP-chk", ap_key, NULL, &csr, &csr_len);
	sk_X509_push(certs, issue_for("AP-chk", ap_key, &ca_id));

	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "chk", &err);
	round_trip(t, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, bad_nonce);
	scep_txn_status(t, &st);
	CHECK(st.state == SCEP_TXN_FAILED && strstr(st.reason, "recipientNonce"),
	      "wrong recipientNonce accepted: %s", st.reason);
	seen_release(&s);
	scep_txn_free(t);

	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "chk", &err);
	round_trip(t, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, &other_ca, NULL);
	scep_txn_status(t, &st);
	CHECK(st.state == SCEP_TXN_FAILED && strstr(st.reason, "signature"),
	      "CertRep signed by a stranger accepted: %s", st.reason);
	seen_release(&s);
	scep_txn_free(t);

	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "chk", &err);
	CHECK(scep_txn_handle_reply(t, 200, "application/x-pki-message",
				    (const uint8_t *)"junk", 4) == SCEP_TXN_SEND,
	      "reply before a request must be ignored");
	scep_txn_free(t);
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "chk", &err);
	{
		struct scep_request req;

		scep_txn_next_request(t, &req);
		scep_request_free(&req);
	}
	CHECK(scep_txn_handle_reply(t, 500, "text/plain", (const uint8_t *)"x", 1) ==
	      SCEP_TXN_FAILED, "HTTP 500 must fail");
	scep_txn_free(t);
	sk_X509_pop_free(certs, X509_free);
	scep_ca_free(ca);
	free(csr);
	return NULL;
}

static const char *mismatch_case(const char *req_cn, EVP_PKEY *req_key,
				 const char *cert_cn, EVP_PKEY *cert_key,
				 const struct scep_signer *issuer)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_POST | SCEP_CAP_DES3);
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct seen s = { 0 };
	struct scep_txn_status st;
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	int err;

	make_csr(req_cn, req_key, NULL, &csr, &csr_len);
	sk_X509_push(certs, issue_for(cert_cn, cert_key, issuer));
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "mm", &err);
	round_trip(t, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, NULL);
	scep_txn_status(t, &st);
	seen_release(&s);
	sk_X509_pop_free(certs, X509_free);
	scep_ca_free(ca);
	free(csr);
	if (st.state != SCEP_TXN_FAILED || st.result != CAPWAP_LSC_RESULT_CERT_MISMATCH) {
		snprintf(tap_why, sizeof(tap_why), "state %s result %s: %s",
			 scep_txn_state_name(st.state), lsc_result_name(st.result),
			 st.reason);
		scep_txn_free(t);
		return tap_why;
	}
	scep_txn_free(t);
	return NULL;
}

static const char *test_subject_reordered(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_POST | SCEP_CAP_DES3);
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct seen s = { 0 };
	struct scep_txn_status st;
	struct scep_txn *t;
	uint8_t *csr;
	size_t csr_len;
	const char *why;
	int err;

	/* CSR: CN then O (UTF8String); certificate: O (PrintableString), CN. */
	name_org = "capwap-lsc";
	name_org_first = false;
	make_csr("AP-order", ap_key, NULL, &csr, &csr_len);
	name_org_first = true;
	sk_X509_push(certs, issue_for("AP-order", ap_key, &ca_id));
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "ord", &err);
	round_trip(t, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, NULL, NULL);
	scep_txn_status(t, &st);
	seen_release(&s);
	sk_X509_pop_free(certs, X509_free);
	scep_txn_free(t);
	scep_ca_free(ca);
	free(csr);
	if (st.state != SCEP_TXN_ISSUED) {
		name_org = NULL;
		FAIL("reordered subject refused: %s", st.reason);
	}
	name_org_first = false;
	why = mismatch_case("AP-order", ap_key, "AP-order2", ap_key, &ca_id);
	name_org = NULL;
	CHECK(!why, "changed CN with O present: %s", why);
	return NULL;
}

static struct scep_ca *make_ra_ca(void)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	struct scep_ca *ca = scep_ca_new("http://ca/scep");
	uint8_t *der = NULL;
	size_t len = 0;
	char err[256];

	sk_X509_push(sk, ca_id.cert);
	sk_X509_push(sk, ra_id.cert);
	sk_X509_push(sk, ra_enc_id.cert);
	ca->caps = SCEP_CAPS_KNOWN | SCEP_CAP_POST | SCEP_CAP_AES | SCEP_CAP_SHA256;
	if (scep_certs_to_pkcs7(sk, &der, &len) ||
	    scep_ca_set_certs(ca, "application/x-x509-ca-ra-cert", der, len, err,
			      sizeof(err)) || ca_ready(ca)) {
		scep_ca_free(ca);
		ca = NULL;
	}
	free(der);
	sk_X509_free(sk);
	return ca;
}

static const char *test_ra_round_trip(void)
{
	struct scep_ca *ca = make_ra_ca();
	STACK_OF(X509) *certs = sk_X509_new_null();
	struct seen s = { 0 };
	struct scep_txn_status st;
	struct scep_txn *t;
	enum scep_txn_state r1, r2;
	bool sig_reason;
	uint8_t *csr;
	size_t csr_len;
	int err;

	CHECK(ca && !X509_cmp(ca->ra_enc, ra_enc_id.cert) &&
	      !X509_cmp(ca->ra_sign, ra_id.cert), "RA roles");
	make_csr("AP-ra", ap_key, NULL, &csr, &csr_len);
	sk_X509_push(certs, issue_for("AP-ra", ap_key, &ca_id));
	/* The envelope must open with the RA encryption key only. */
	ca_decrypter = &ra_enc_id;
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "ra", &err);
	r1 = round_trip(t, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, &ra_id, NULL);
	seen_release(&s);
	scep_txn_free(t);
	/* A CertRep signed by the RA encryption certificate is not taken. */
	t = scep_txn_new(ca, &proxy_id, csr, csr_len, 0, &poll_policy, "ra", &err);
	r2 = round_trip(t, &s, SCEP_STATUS_SUCCESS, -1, NULL, certs, &ra_enc_id, NULL);
	scep_txn_status(t, &st);
	sig_reason = strstr(st.reason, "signature") != NULL;
	ca_decrypter = &ca_id;
	seen_release(&s);
	scep_txn_free(t);
	sk_X509_pop_free(certs, X509_free);
	scep_ca_free(ca);
	free(csr);
	CHECK(r1 == SCEP_TXN_ISSUED, "CertRep by the RA signing cert: state %d", (int)r1);
	CHECK(r2 == SCEP_TXN_FAILED && sig_reason,
	      "CertRep by the RA encryption cert: state %d", (int)r2);
	return NULL;
}

/* A GetNextCACert reply with next inside: signed by cert/key, or bare. */
static uint8_t *next_ca_reply(X509 *cert, EVP_PKEY *key, X509 *next, size_t *len)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	CMS_ContentInfo *cms;
	uint8_t *p7 = NULL, *out = NULL;
	unsigned char *der = NULL;
	size_t p7_len = 0;
	BIO *in;
	int n;

	sk_X509_push(sk, next);
	scep_certs_to_pkcs7(sk, &p7, &p7_len);
	sk_X509_free(sk);
	if (!cert) {
		*len = p7_len;
		return p7;
	}
	in = BIO_new_mem_buf(p7, (int)p7_len);
	cms = CMS_sign(cert, key, NULL, in, CMS_BINARY);
	n = cms ? i2d_CMS_ContentInfo(cms, &der) : -1;
	if (n > 0) {
		out = malloc((size_t)n);
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	free(p7);
	return out;
}

/* rc of scep_ca_next on that reply; fp gets what it names. */
static int next_case(struct scep_ca *ca, X509 *cert, EVP_PKEY *key, X509 *next,
		     char fp[65], struct scep_ca **got)
{
	uint8_t *reply;
	size_t len = 0;
	char err[256];
	int rc;

	reply = next_ca_reply(cert, key, next, &len);
	if (!reply)
		return -1000;
	*got = NULL;
	rc = scep_ca_next(ca, reply, len, got, fp, err, sizeof(err));
	free(reply);
	return rc;
}

/*
 * A rollover is taken only when the current CA signed it: not unsigned,
 * not by another CA, not by a certificate that borrows the current CA's
 * name and serial number with another key.
 */
static const char *test_get_next_ca_cert(void)
{
	struct scep_ca *ca = make_ca(SCEP_CAPS_KNOWN | SCEP_CAP_GETNEXTCACERT | SCEP_CAP_AES);
	X509 *next = make_cert("Test SCEP CA 2", other_ca.key, NULL, NULL, true,
			       "keyCertSign,cRLSign");
	X509 *forged = X509_dup(ca_id.cert);
	struct scep_ca *got = NULL;
	char fp[65], want[65], err[256];
	static const uint8_t garbage[] = "\x30\x03\x02\x01\x00 not CMS";
	int rc, r_other, r_forged, r_bare, r_junk;
	char fp_other[65], fp_bare[65], fp_junk[65];
	bool taken;

	X509_set_pubkey(forged, other_ca.key);
	X509_sign(forged, other_ca.key, EVP_sha256());
	scep_cert_fingerprint(next, want);
	rc = next_case(ca, ca_id.cert, ca_id.key, next, fp, &got);
	taken = !rc && got && !X509_cmp(got->ca, next) && !strcmp(fp, want) &&
		sk_X509_num(got->certs) == 1 && !strcmp(got->url, ca->url);
	scep_ca_free(got);
	r_other = next_case(ca, other_ca.cert, other_ca.key, next, fp_other, &got);
	scep_ca_free(got);
	r_forged = next_case(ca, forged, other_ca.key, next, fp, &got);
	scep_ca_free(got);
	r_bare = next_case(ca, NULL, NULL, next, fp_bare, &got);
	scep_ca_free(got);
	got = NULL;
	r_junk = scep_ca_next(ca, garbage, sizeof(garbage), &got, fp_junk, err,
			      sizeof(err));
	X509_free(forged);
	X509_free(next);
	scep_ca_free(ca);
	CHECK(taken, "rollover signed by the current CA not taken: %d", rc);
	CHECK(r_other == -EKEYREJECTED && !strcmp(fp_other, want),
	      "signed by another CA: %d, named '%s'", r_other, fp_other);
	CHECK(r_forged == -EKEYREJECTED,
	      "signed by another key under the CA's name and serial: %d", r_forged);
	CHECK(r_bare == -EKEYREJECTED && !strcmp(fp_bare, want),
	      "unsigned certs-only PKCS#7: %d, named '%s'", r_bare, fp_bare);
	CHECK(r_junk == -EBADMSG && !fp_junk[0] && !got,
	      "garbage: %d '%s'", r_junk, fp_junk);
	return NULL;
}

static const char *test_cert_mismatch(void)
{
	const char *why;

	why = mismatch_case("AP-a", ap_key, "AP-b", ap_key, &ca_id);
	CHECK(!why, "other subject: %s", why);
	why = mismatch_case("AP-a", ap_key, "AP-a", ap_key2, &ca_id);
	CHECK(!why, "other key: %s", why);
	why = mismatch_case("AP-a", ap_key, "AP-a", ap_key, &other_ca);
	CHECK(!why, "other issuer: %s", why);
	return NULL;
}

/*
 * The private parts of the keys lscd makes and reads live in OpenSSL's
 * secure heap, which scep_lib_init() set up.
 */
static const char *test_keys_in_secure_heap(void)
{
	char kpath[] = "/tmp/test_scep_key.XXXXXX", cpath[64];
	struct scep_signer made = { 0 }, read = { 0 };
	size_t u0, u1, u2, u3;
	int fd;

	CHECK(CRYPTO_secure_malloc_initialized(), "no secure heap after scep_lib_init");
	u0 = CRYPTO_secure_used();
	CHECK(!scep_signer_generate(&made, "secure heap test"), "generate");
	u1 = CRYPTO_secure_used();
	CHECK(u1 > u0, "a generated RSA key took no secure memory (%zu -> %zu)", u0, u1);
	fd = mkstemp(kpath);
	CHECK(fd >= 0, "scratch file");
	close(fd);
	snprintf(cpath, sizeof(cpath), "%s.crt", kpath);
	CHECK(!lsc_pem_write_key(kpath, made.key) &&
	      !lsc_pem_write_certs(cpath, made.cert, NULL, 0644), "write the pair");
	u2 = CRYPTO_secure_used();
	CHECK(!scep_signer_load(&read, kpath, cpath), "load");
	u3 = CRYPTO_secure_used();
	unlink(kpath);
	unlink(cpath);
	CHECK(u3 > u2, "a key read from PEM took no secure memory (%zu -> %zu)", u2, u3);
	scep_signer_release(&read);
	scep_signer_release(&made);
	CHECK(CRYPTO_secure_used() < u3, "freeing the keys gave nothing back");
	return NULL;
}

static int setup(void)
{
	EVP_PKEY *k;

	if (scep_lib_init())
		return -1;
	k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ca_id.key = k;
	ca_id.cert = make_cert("Test SCEP CA", k, NULL, NULL, true, "keyCertSign,cRLSign");
	k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	other_ca.key = k;
	other_ca.cert = make_cert("Test SCEP CA", k, NULL, NULL, true, "keyCertSign,cRLSign");
	ra_id.key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ra_id.cert = make_cert("RA signing", ra_id.key, ca_id.cert, ca_id.key,
			       false, "digitalSignature");
	ra_enc_id.key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ra_enc_id.cert = make_cert("RA encryption", ra_enc_id.key, ca_id.cert,
				   ca_id.key, false, "keyEncipherment");
	if (scep_signer_generate(&proxy_id, "test proxy"))
		return -1;
	ap_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ap_key2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return ca_id.cert && other_ca.cert && ra_id.key && ap_key && ap_key2 ? 0 : -1;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "scep_caps_parse", test_caps_parse },
		{ "scep_keys_in_secure_heap", test_keys_in_secure_heap },
		{ "scep_caps_algorithms", test_caps_algorithms },
		{ "scep_fail_info_words", test_fail_info_words },
		{ "scep_transaction_id", test_transaction_id },
		{ "scep_csr_forms_and_challenge", test_csr_forms_and_challenge },
		{ "scep_hex_and_url", test_hex_and_url },
		{ "scep_ca_ra_selection", test_ca_ra_selection },
		{ "scep_pkcsreq_round_trip", test_pkcsreq_round_trip },
		{ "scep_txn_from_parsed_request", test_txn_from_parsed_request },
		{ "scep_renewal_and_get", test_renewal_and_get },
		{ "scep_pending_then_poll", test_pending_then_poll },
		{ "scep_poll_timeout", test_poll_timeout },
		{ "scep_txn_holds_references", test_txn_holds_references },
		{ "scep_failure_words", test_failure_words },
		{ "scep_reply_checks", test_reply_checks },
		{ "scep_cert_mismatch", test_cert_mismatch },
		{ "scep_subject_reordered", test_subject_reordered },
		{ "scep_ra_round_trip", test_ra_round_trip },
		{ "scep_get_next_ca_cert", test_get_next_ca_cert },
	};

	tap_plan(TAP_COUNT(cases));
	if (setup()) {
		tap_result("scep_setup", "cannot create test keys and certificates");
		return 1;
	}
	tap_run(cases, TAP_COUNT(cases));
	scep_signer_release(&ca_id);
	scep_signer_release(&other_ca);
	scep_signer_release(&proxy_id);
	scep_signer_release(&ra_id);
	scep_signer_release(&ra_enc_id);
	EVP_PKEY_free(ap_key);
	EVP_PKEY_free(ap_key2);
	scep_lib_exit();
	return tap_exit();
}
