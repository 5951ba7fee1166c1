// SPDX-License-Identifier: GPL-2.0
/*
 * SCEP messages (RFC 8894 section 3) on OpenSSL's CMS API, CA certificate
 * selection (section 3.5), capabilities and the words for the operator.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "hex.h"
#include "scep.h"

/* Every algorithm SCEP may pick (scep_caps_cipher, scep_caps_digest). */
static const char *const cipher_names[] = { "AES-128-CBC", "DES-EDE3-CBC", "DES-CBC" };
static const char *const digest_names[] = { "SHA1", "SHA256", "SHA512" };
#define N_CIPHERS (sizeof(cipher_names) / sizeof(cipher_names[0]))
#define N_DIGESTS (sizeof(digest_names) / sizeof(digest_names[0]))

/* The one piece of process-wide state, as the header promises. */
static struct {
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *dflt;
	OSSL_PROVIDER *legacy;
	/* No algorithms at all: see strip_certs(). */
	OSSL_LIB_CTX *bare;
	OSSL_PROVIDER *null;
	/* Fetched once, not per message; ciphers under lock (legacy loads late). */
	EVP_CIPHER *ciphers[N_CIPHERS];
	EVP_MD *digests[N_DIGESTS];
	pthread_mutex_t lock;
} scep_lib = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* SCEP signed attributes (RFC 8894 section 3.2.1). */
#define OID_MESSAGE_TYPE "2.16.840.1.113733.1.9.2"
#define OID_PKI_STATUS "2.16.840.1.113733.1.9.3"
#define OID_FAIL_INFO "2.16.840.1.113733.1.9.4"
#define OID_SENDER_NONCE "2.16.840.1.113733.1.9.5"
#define OID_RECIPIENT_NONCE "2.16.840.1.113733.1.9.6"
#define OID_TRANSACTION_ID "2.16.840.1.113733.1.9.7"
#define OID_FAIL_INFO_TEXT "1.3.6.1.5.5.7.24.1"

int scep_lib_init(void)
{
	size_t i;

	if (scep_lib.libctx)
		return 0;
	scep_lib.libctx = OSSL_LIB_CTX_new();
	scep_lib.bare = OSSL_LIB_CTX_new();
	if (!scep_lib.libctx || !scep_lib.bare) {
		scep_lib_exit();
		return -ENOMEM;
	}
	scep_lib.dflt = OSSL_PROVIDER_load(scep_lib.libctx, "default");
	/* Loaded, "null" keeps OpenSSL from falling back to "default". */
	scep_lib.null = OSSL_PROVIDER_load(scep_lib.bare, "null");
	if (!scep_lib.dflt || !scep_lib.null) {
		scep_lib_exit();
		return -ENOENT;
	}
	/* Those the default provider lacks come with the legacy provider. */
	ERR_set_mark();
	for (i = 0; i < N_DIGESTS; i++)
		scep_lib.digests[i] = EVP_MD_fetch(scep_lib.libctx, digest_names[i], NULL);
	for (i = 0; i < N_CIPHERS; i++)
		scep_lib.ciphers[i] = EVP_CIPHER_fetch(scep_lib.libctx, cipher_names[i], NULL);
	ERR_pop_to_mark();
	return 0;
}

void scep_lib_exit(void)
{
	size_t i;

	for (i = 0; i < N_DIGESTS; i++) {
		EVP_MD_free(scep_lib.digests[i]);
		scep_lib.digests[i] = NULL;
	}
	for (i = 0; i < N_CIPHERS; i++) {
		EVP_CIPHER_free(scep_lib.ciphers[i]);
		scep_lib.ciphers[i] = NULL;
	}
	if (scep_lib.legacy)
		OSSL_PROVIDER_unload(scep_lib.legacy);
	if (scep_lib.dflt)
		OSSL_PROVIDER_unload(scep_lib.dflt);
	if (scep_lib.null)
		OSSL_PROVIDER_unload(scep_lib.null);
	OSSL_LIB_CTX_free(scep_lib.libctx);
	OSSL_LIB_CTX_free(scep_lib.bare);
	scep_lib.legacy = NULL;
	scep_lib.dflt = NULL;
	scep_lib.null = NULL;
	scep_lib.libctx = NULL;
	scep_lib.bare = NULL;
}

OSSL_LIB_CTX *scep_libctx(void)
{
	return scep_lib.libctx;
}

static int name_index(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(names[i], name))
			return (int)i;
	return -1;
}

/* A digest SCEP uses, fetched at scep_lib_init(); NULL if unknown. */
static const EVP_MD *lib_digest(const char *name)
{
	int i = name_index(digest_names, N_DIGESTS, name);

	return i < 0 ? NULL : scep_lib.digests[i];
}

/*
 * Fetches a cipher, loading the legacy provider the first time a cipher
 * needs it: single DES is legacy in OpenSSL 3, and some CAs (Debian's
 * scepserver always) encrypt CertRep with it.  The legacy provider is
 * never loaded otherwise, so it cannot be picked by accident.
 */
static EVP_CIPHER *fetch_cipher(const char *name, bool trace)
{
	EVP_CIPHER *c;

	ERR_set_mark();
	c = EVP_CIPHER_fetch(scep_lib.libctx, name, NULL);
	ERR_pop_to_mark();
	if (c)
		return c;
	pthread_mutex_lock(&scep_lib.lock);
	if (!scep_lib.legacy) {
		if (trace)
			fprintf(stderr, "scep: cipher %s needs OpenSSL's legacy provider, loading it\n",
				name);
		scep_lib.legacy = OSSL_PROVIDER_load(scep_lib.libctx, "legacy");
	}
	pthread_mutex_unlock(&scep_lib.lock);
	if (!scep_lib.legacy)
		return NULL;
	ERR_set_mark();
	c = EVP_CIPHER_fetch(scep_lib.libctx, name, NULL);
	ERR_pop_to_mark();
	return c;
}

/* One of the ciphers SCEP picks, fetched once; NULL if unavailable. */
static const EVP_CIPHER *lib_cipher(const char *name, bool trace)
{
	int i = name_index(cipher_names, N_CIPHERS, name);
	EVP_CIPHER *c;

	if (i < 0)
		return NULL;
	pthread_mutex_lock(&scep_lib.lock);
	c = scep_lib.ciphers[i];
	pthread_mutex_unlock(&scep_lib.lock);
	if (c)
		return c;
	c = fetch_cipher(name, trace);
	if (!c)
		return NULL;
	pthread_mutex_lock(&scep_lib.lock);
	if (scep_lib.ciphers[i]) {
		/* Another thread was first. */
		EVP_CIPHER_free(c);
		c = scep_lib.ciphers[i];
	} else {
		scep_lib.ciphers[i] = c;
	}
	pthread_mutex_unlock(&scep_lib.lock);
	return c;
}

/* Makes sure the cipher can be fetched, loading "legacy" if it must. */
int scep_lib_need_cipher(const char *name, bool trace)
{
	EVP_CIPHER *c;

	if (name_index(cipher_names, N_CIPHERS, name) >= 0)
		return lib_cipher(name, trace) ? 0 : -ENOTSUP;
	/* Another cipher a CA chose for its reply: checked, not kept. */
	c = fetch_cipher(name, trace);
	EVP_CIPHER_free(c);
	return c ? 0 : -ENOTSUP;
}

/* Appends OpenSSL's first queued error, if any, to a message. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	unsigned long e = ERR_peek_error();
	va_list ap;
	int n;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (e && n >= 0 && (size_t)n < errlen) {
		char buf[256];

		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err + n, errlen - (size_t)n, " (%s)", buf);
	}
	ERR_clear_error();
}

static const struct {
	const char *word;
	unsigned int cap;
} cap_words[] = {
	{ "AES", SCEP_CAP_AES },
	{ "DES3", SCEP_CAP_DES3 },
	{ "SHA-1", SCEP_CAP_SHA1 },
	{ "SHA-256", SCEP_CAP_SHA256 },
	{ "SHA-512", SCEP_CAP_SHA512 },
	{ "POSTPKIOperation", SCEP_CAP_POST },
	{ "Renewal", SCEP_CAP_RENEWAL },
	{ "GetNextCACert", SCEP_CAP_GETNEXTCACERT },
	{ "SCEPStandard", SCEP_CAP_STANDARD },
	{ "Update", SCEP_CAP_UPDATE },
};

/* Keywords are one per line; case is ignored and unknown ones skipped. */
unsigned int scep_caps_parse(const char *buf, size_t len)
{
	unsigned int caps = 0;
	size_t i = 0;

	while (i < len) {
		size_t start, wl, k;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
				   buf[i] == '\r' || buf[i] == '\n' || buf[i] == ','))
			i++;
		start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\t' &&
		       buf[i] != '\r' && buf[i] != '\n' && buf[i] != ',')
			i++;
		wl = i - start;
		if (!wl)
			continue;
		caps |= SCEP_CAPS_KNOWN;
		for (k = 0; k < sizeof(cap_words) / sizeof(cap_words[0]); k++) {
			if (strlen(cap_words[k].word) == wl &&
			    !strncasecmp(cap_words[k].word, buf + start, wl))
				caps |= cap_words[k].cap;
		}
	}
	return caps;
}

void scep_caps_format(unsigned int caps, char *buf, size_t size)
{
	size_t k, n = 0;

	if (!size)
		return;
	buf[0] = '\0';
	if (!(caps & SCEP_CAPS_KNOWN)) {
		snprintf(buf, size, "(none: GetCACaps unanswered or empty)");
		return;
	}
	for (k = 0; k < sizeof(cap_words) / sizeof(cap_words[0]); k++) {
		int w;

		if (!(caps & cap_words[k].cap))
			continue;
		w = snprintf(buf + n, size - n, "%s%s", n ? " " : "",
			     cap_words[k].word);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

/*
 * AES and SHA-256 whenever the CA says so ("SCEPStandard" implies both).
 * A CA that did not answer GetCACaps gets 3DES and SHA-1, which every CA
 * since Windows 2003's NDES accepts; single DES only when the CA lists
 * capabilities and none better.  MD5 is never used.
 */
const char *scep_caps_cipher(unsigned int caps)
{
	if (caps & (SCEP_CAP_AES | SCEP_CAP_STANDARD))
		return "AES-128-CBC";
	if ((caps & SCEP_CAP_DES3) || !(caps & SCEP_CAPS_KNOWN))
		return "DES-EDE3-CBC";
	return "DES-CBC";
}

const char *scep_caps_digest(unsigned int caps)
{
	if (caps & (SCEP_CAP_SHA256 | SCEP_CAP_STANDARD))
		return "SHA256";
	if ((caps & SCEP_CAP_SHA512) && !(caps & SCEP_CAP_SHA1))
		return "SHA512";
	return "SHA1";
}

const char *scep_fail_info_name(int fail_info)
{
	switch (fail_info) {
	case SCEP_FAIL_BADALG: return "badAlg";
	case SCEP_FAIL_BADMESSAGECHECK: return "badMessageCheck";
	case SCEP_FAIL_BADREQUEST: return "badRequest";
	case SCEP_FAIL_BADTIME: return "badTime";
	case SCEP_FAIL_BADCERTID: return "badCertId";
	}
	return "unknown";
}

/* Words from RFC 8894 section 3.2.1.4; badRequest's are the source's. */
const char *scep_fail_info_text(int fail_info)
{
	switch (fail_info) {
	case SCEP_FAIL_BADALG:
		return "Unrecognized or unsupported algorithm";
	case SCEP_FAIL_BADMESSAGECHECK:
		return "Integrity check (signature verification) failed";
	case SCEP_FAIL_BADREQUEST:
		return "Transaction not permitted or supported";
	case SCEP_FAIL_BADTIME:
		return "The signingTime attribute was not sufficiently close to the system time";
	case SCEP_FAIL_BADCERTID:
		return "No certificate could be identified matching the provided criteria";
	}
	return "Unknown failure";
}

const char *scep_msg_type_name(int msg_type)
{
	switch (msg_type) {
	case SCEP_MSG_CERTREP: return "CertRep";
	case SCEP_MSG_RENEWALREQ: return "RenewalReq";
	case SCEP_MSG_PKCSREQ: return "PKCSReq";
	case SCEP_MSG_CERTPOLL: return "CertPoll";
	case SCEP_MSG_GETCERT: return "GetCert";
	case SCEP_MSG_GETCRL: return "GetCRL";
	}
	return "unknown";
}

const char *scep_pki_status_name(int status)
{
	switch (status) {
	case SCEP_STATUS_SUCCESS: return "SUCCESS";
	case SCEP_STATUS_FAILURE: return "FAILURE";
	case SCEP_STATUS_PENDING: return "PENDING";
	}
	return "unknown";
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

int scep_cert_fingerprint(X509 *cert, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!X509_digest(cert, lib_digest("SHA256"), md, &n) || n != 32)
		return -EINVAL;
	lsc_hex_encode(hex, md, n);
	return 0;
}

static void key_usage_words(X509 *cert, char *buf, size_t size)
{
	static const struct {
		uint32_t bit;
		const char *word;
	} ku[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "cRLSign" },
	};
	uint32_t u = X509_get_key_usage(cert);
	size_t k, n = 0;

	buf[0] = '\0';
	if (u == UINT32_MAX) {
		snprintf(buf, size, "(no keyUsage extension: any)");
		return;
	}
	for (k = 0; k < sizeof(ku) / sizeof(ku[0]); k++) {
		int w;

		if (!(u & ku[k].bit))
			continue;
		w = snprintf(buf + n, size - n, "%s%s", n ? "," : "", ku[k].word);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	if (!n)
		snprintf(buf, size, "(empty)");
}

static void name_line(const X509_NAME *name, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	buf[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_read(b, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

static void time_line(const ASN1_TIME *t, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	buf[0] = '\0';
	if (!b)
		return;
	ASN1_TIME_print(b, t);
	n = BIO_read(b, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* Subject, issuer, usage, validity and fingerprint: the "show" of a cert. */
void scep_cert_describe(X509 *cert, const char *indent, FILE *out)
{
	char subj[512], iss[512], ku[256], nb[64], na[64], fp[65];

	name_line(X509_get_subject_name(cert), subj, sizeof(subj));
	name_line(X509_get_issuer_name(cert), iss, sizeof(iss));
	key_usage_words(cert, ku, sizeof(ku));
	time_line(X509_get0_notBefore(cert), nb, sizeof(nb));
	time_line(X509_get0_notAfter(cert), na, sizeof(na));
	if (scep_cert_fingerprint(cert, fp))
		strcpy(fp, "?");
	flockfile(out);
	fprintf(out, "%ssubject:     %s\n", indent, subj);
	fprintf(out, "%sissuer:      %s\n", indent, iss);
	fprintf(out, "%sCA:          %s\n", indent,
		X509_check_ca(cert) > 0 ? "yes" : "no");
	fprintf(out, "%skey usage:   %s\n", indent, ku);
	fprintf(out, "%svalid from:  %s\n", indent, nb);
	fprintf(out, "%svalid until: %s\n", indent, na);
	fprintf(out, "%sSHA-256:     %s\n", indent, fp);
	funlockfile(out);
}

int scep_csr_load(const uint8_t *data, size_t len, X509_REQ **req)
{
	const unsigned char *p = data;
	X509_REQ *r;
	BIO *b;

	if (len > INT32_MAX)
		return -EFBIG;
	r = d2i_X509_REQ(NULL, &p, (long)len);
	if (!r) {
		b = BIO_new_mem_buf(data, (int)len);
		if (!b)
			return -ENOMEM;
		r = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	if (!r)
		return -EBADMSG;
	*req = r;
	return 0;
}

/*
 * RFC 8894 section 3.2.1.1 recommends a hash of the public key: a retry
 * of the same request, even after a restart, carries the same ID.
 */
int scep_transaction_id(X509_REQ *req, char hex[65])
{
	unsigned char *der = NULL, md[32];
	int n;

	/*
	 * The SubjectPublicKeyInfo as the request carries it: i2d_PUBKEY()
	 * of the same key writes the same bytes, but through an OSSL_ENCODER
	 * set up afresh each time (a sixth of an RSA signature's cost).
	 */
	n = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(req), &der);
	if (n <= 0)
		return -EINVAL;
	SHA256(der, (size_t)n, md);
	OPENSSL_free(der);
	lsc_hex_encode(hex, md, sizeof(md));
	return 0;
}

/* The CSR's challengePassword; -ENOENT when it carries none. */
int scep_csr_challenge(X509_REQ *req, char *buf, size_t size)
{
	int i = X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, -1);
	X509_ATTRIBUTE *at;
	ASN1_TYPE *t;
	int len;

	if (i < 0)
		return -ENOENT;
	at = X509_REQ_get_attr(req, i);
	t = at ? X509_ATTRIBUTE_get0_type(at, 0) : NULL;
	if (!t || (t->type != V_ASN1_PRINTABLESTRING && t->type != V_ASN1_UTF8STRING &&
		   t->type != V_ASN1_IA5STRING && t->type != V_ASN1_T61STRING &&
		   t->type != V_ASN1_BMPSTRING && t->type != V_ASN1_UNIVERSALSTRING))
		return -EBADMSG;
	len = ASN1_STRING_length(t->value.asn1_string);
	if (len < 0 || (size_t)len >= size)
		return -ENOSPC;
	memcpy(buf, ASN1_STRING_get0_data(t->value.asn1_string), (size_t)len);
	buf[len] = '\0';
	return 0;
}

struct scep_ca *scep_ca_new(const char *url)
{
	struct scep_ca *ca = calloc(1, sizeof(*ca));

	if (!ca)
		return NULL;
	ca->url = strdup(url);
	if (!ca->url) {
		free(ca);
		return NULL;
	}
	return ca;
}

void scep_ca_free(struct scep_ca *ca)
{
	if (!ca)
		return;
	X509_free(ca->ca);
	X509_free(ca->ra_enc);
	X509_free(ca->ra_sign);
	sk_X509_pop_free(ca->certs, X509_free);
	free(ca->url);
	free(ca);
}

int scep_certs_from_pkcs7(const uint8_t *der, size_t len,
			  STACK_OF(X509) **certs)
{
	CMS_ContentInfo *cms;
	const unsigned char *p = der;
	STACK_OF(X509) *sk;

	cms = CMS_ContentInfo_new_ex(scep_lib.libctx, NULL);
	if (!cms)
		return -ENOMEM;
	if (len > INT32_MAX || !d2i_CMS_ContentInfo(&cms, &p, (long)len) ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		CMS_ContentInfo_free(cms);
		ERR_clear_error();
		return -EBADMSG;
	}
	sk = CMS_get1_certs(cms);
	CMS_ContentInfo_free(cms);
	if (!sk || !sk_X509_num(sk)) {
		sk_X509_pop_free(sk, X509_free);
		return -ENOENT;
	}
	*certs = sk;
	return 0;
}

/* A degenerate ("certs-only") SignedData, as CAs return issued certs. */
int scep_certs_to_pkcs7(STACK_OF(X509) *certs, uint8_t **out, size_t *out_len)
{
	PKCS7 *p7 = PKCS7_new_ex(scep_lib.libctx, NULL);
	unsigned char *der = NULL;
	int i, n = -1;

	if (!p7)
		return -ENOMEM;
	if (!PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !PKCS7_content_new(p7, NID_pkcs7_data))
		goto out;
	for (i = 0; i < sk_X509_num(certs); i++)
		if (!PKCS7_add_certificate(p7, sk_X509_value(certs, i)))
			goto out;
	n = i2d_PKCS7(p7, &der);
out:
	PKCS7_free(p7);
	ERR_clear_error();
	if (n <= 0)
		return -ENOMEM;
	*out = der;
	*out_len = (size_t)n;
	return 0;
}

static bool cert_has_usage(X509 *cert, uint32_t bits)
{
	uint32_t u = X509_get_key_usage(cert);

	return u == UINT32_MAX || (u & bits);
}

/*
 * GetCACert reply: one DER certificate, or a degenerate PKCS#7 with the CA
 * and RA certificates.  RA certificates are told apart by key usage
 * (section 3.5.1): keyEncipherment/dataEncipherment for the envelope,
 * digitalSignature for CertRep; one RA certificate may do both.  Each RA
 * certificate must be signed by the CA we keep, so pinning the CA pins them.
 */
int scep_ca_set_certs(struct scep_ca *ca, const char *content_type,
		      const uint8_t *body, size_t len, char *err, size_t errlen)
{
	STACK_OF(X509) *certs = NULL;
	X509 *issuer = NULL, *enc = NULL, *sig = NULL, *x;
	bool single = content_type && !strncasecmp(content_type,
				"application/x-x509-ca-cert", 26);
	int i, j, rc;

	if (!len) {
		set_err(err, errlen, "GetCACert: empty reply");
		return -EBADMSG;
	}
	if (len > INT32_MAX)
		return -EFBIG;
	if (single || !content_type ||
	    strncasecmp(content_type, "application/x-x509-ca-ra-cert", 29)) {
		const unsigned char *p = body;

		x = d2i_X509(NULL, &p, (long)len);
		if (!x) {
			BIO *b = BIO_new_mem_buf(body, (int)len);

			x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
			BIO_free(b);
		}
		if (x) {
			certs = sk_X509_new_null();
			if (!certs || !sk_X509_push(certs, x)) {
				X509_free(x);
				sk_X509_pop_free(certs, X509_free);
				return -ENOMEM;
			}
		}
		ERR_clear_error();
	}
	if (!certs) {
		rc = scep_certs_from_pkcs7(body, len, &certs);
		if (rc) {
			set_err(err, errlen,
				"GetCACert: reply (%s) is neither a certificate nor a PKCS#7 certificate set",
				content_type ? content_type : "no content type");
			return rc;
		}
	}

	/* Non-CA certificates are RA certificates; their issuer is the CA. */
	for (i = 0; i < sk_X509_num(certs); i++) {
		x = sk_X509_value(certs, i);
		if (X509_check_ca(x) > 0)
			continue;
		if (!enc && cert_has_usage(x, KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT))
			enc = x;
		if (!sig && cert_has_usage(x, KU_DIGITAL_SIGNATURE))
			sig = x;
		for (j = 0; j < sk_X509_num(certs); j++) {
			X509 *c = sk_X509_value(certs, j);

			if (c != x && X509_check_ca(c) > 0 &&
			    X509_check_issued(c, x) == X509_V_OK)
				issuer = c;
		}
	}
	if (!issuer) {
		/* No RA: the CA that issued no other CA of the set. */
		for (i = 0; i < sk_X509_num(certs) && !issuer; i++) {
			X509 *c = sk_X509_value(certs, i);
			bool issued_other = false;

			if (X509_check_ca(c) <= 0)
				continue;
			for (j = 0; j < sk_X509_num(certs); j++) {
				X509 *o = sk_X509_value(certs, j);

				if (o != c && X509_check_ca(o) > 0 &&
				    X509_check_issued(c, o) == X509_V_OK)
					issued_other = true;
			}
			if (!issued_other)
				issuer = c;
		}
	}
	if (!issuer && sk_X509_num(certs) == 1)
		issuer = sk_X509_value(certs, 0);
	if (!issuer) {
		set_err(err, errlen, "GetCACert: no CA certificate among %d",
			sk_X509_num(certs));
		sk_X509_pop_free(certs, X509_free);
		return -ENOENT;
	}
	if ((enc || sig) && (!enc || !sig)) {
		set_err(err, errlen,
			"GetCACert: RA certificates lack an %s certificate",
			enc ? "RA signing" : "RA encryption");
		sk_X509_pop_free(certs, X509_free);
		return -ENOENT;
	}
	for (i = 0; i < sk_X509_num(certs); i++) {
		x = sk_X509_value(certs, i);
		if (x == issuer || (x != enc && x != sig))
			continue;
		if (X509_verify(x, X509_get0_pubkey(issuer)) != 1) {
			set_err(err, errlen,
				"GetCACert: RA certificate not signed by the CA");
			sk_X509_pop_free(certs, X509_free);
			return -EBADMSG;
		}
	}
	if (!enc)
		enc = issuer;
	if (!sig)
		sig = issuer;
	X509_free(ca->ca);
	X509_free(ca->ra_enc);
	X509_free(ca->ra_sign);
	sk_X509_pop_free(ca->certs, X509_free);
	X509_up_ref(issuer);
	X509_up_ref(enc);
	X509_up_ref(sig);
	ca->ca = issuer;
	ca->ra_enc = enc;
	ca->ra_sign = sig;
	ca->certs = certs;
	return 0;
}

int scep_ca_check_fingerprint(const struct scep_ca *ca, const char *hex)
{
	uint8_t want[32], have[32];
	char fp[65];

	if (lsc_hex_decode(want, sizeof(want), hex) != 32)
		return -EINVAL;
	if (!ca->ca || scep_cert_fingerprint(ca->ca, fp) ||
	    lsc_hex_decode(have, sizeof(have), fp) != 32)
		return -ENOENT;
	return CRYPTO_memcmp(want, have, 32) ? -EPERM : 0;
}

/* Percent-encoding of everything outside RFC 3986's unreserved set. */
static char *url_escape(const char *s)
{
	static const char digits[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = digits[c >> 4];
			*o++ = digits[c & 15];
		}
	}
	*o = '\0';
	return out;
}

char *scep_ca_url(const struct scep_ca *ca, const char *operation,
		  const char *message)
{
	char *esc = NULL, *url = NULL;
	int rc;

	if (message) {
		esc = url_escape(message);
		if (!esc)
			return NULL;
	}
	rc = asprintf(&url, "%s%coperation=%s%s%s", ca->url,
		      strchr(ca->url, '?') ? '&' : '?', operation,
		      esc ? "&message=" : "", esc ? esc : "");
	free(esc);
	return rc < 0 ? NULL : url;
}

int scep_signer_generate(struct scep_signer *signer, const char *cn)
{
	EVP_PKEY *key;
	X509 *x = NULL;
	X509_NAME *name = NULL;
	uint64_t serial;
	int ok = 0;

	key = EVP_PKEY_Q_keygen(scep_lib.libctx, NULL, "RSA", (size_t)2048);
	if (!key)
		return -ENOMEM;
	x = X509_new_ex(scep_lib.libctx, NULL);
	name = X509_NAME_new();
	if (!x || !name || RAND_bytes((unsigned char *)&serial, sizeof(serial)) != 1)
		goto out;
	serial >>= 1;
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial) ||
	    !X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) ||
	    /* An hour back, so a CA whose clock runs behind still accepts it. */
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 7 * 24 * 3600) ||
	    !X509_set_pubkey(x, key) ||
	    !X509_sign(x, key, EVP_sha256()))
		goto out;
	ok = 1;
out:
	X509_NAME_free(name);
	ERR_clear_error();
	if (!ok) {
		X509_free(x);
		EVP_PKEY_free(key);
		return -ENOMEM;
	}
	signer->key = key;
	signer->cert = x;
	return 0;
}

int scep_signer_load(struct scep_signer *signer, const char *key_path,
		     const char *cert_path)
{
	BIO *b;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;

	b = BIO_new_file(key_path, "r");
	if (b) {
		key = PEM_read_bio_PrivateKey_ex(b, NULL, NULL, NULL,
						 scep_lib.libctx, NULL);
		BIO_free(b);
	}
	b = BIO_new_file(cert_path, "r");
	if (b) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	if (!key || !x || X509_check_private_key(x, key) != 1) {
		ERR_clear_error();
		EVP_PKEY_free(key);
		X509_free(x);
		return !key || !x ? -ENOENT : -EINVAL;
	}
	signer->key = key;
	signer->cert = x;
	return 0;
}

void scep_signer_release(struct scep_signer *signer)
{
	EVP_PKEY_free(signer->key);
	X509_free(signer->cert);
	signer->key = NULL;
	signer->cert = NULL;
}

static int bio_take(BIO *b, uint8_t **out, size_t *out_len)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	uint8_t *buf;

	if (n < 0)
		return -EIO;
	buf = malloc(n ? (size_t)n : 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, p, (size_t)n);
	*out = buf;
	*out_len = (size_t)n;
	return 0;
}

static int cms_to_der(CMS_ContentInfo *cms, uint8_t **out, size_t *out_len)
{
	unsigned char *der = NULL;
	int n = i2d_CMS_ContentInfo(cms, &der);
	uint8_t *buf;

	if (n <= 0)
		return -ENOMEM;
	buf = malloc((size_t)n);
	if (buf)
		memcpy(buf, der, (size_t)n);
	OPENSSL_free(der);
	if (!buf)
		return -ENOMEM;
	*out = buf;
	*out_len = (size_t)n;
	return 0;
}

/* pkcsPKIEnvelope: EnvelopedData to the CA's (or RA's) RSA key. */
int scep_envelope_encrypt(X509 *recipient, const char *cipher,
			  const uint8_t *data, size_t len, uint8_t **out,
			  size_t *out_len, char *err, size_t errlen)
{
	STACK_OF(X509) *rcpt = sk_X509_new_null();
	EVP_CIPHER *other = NULL;
	const EVP_CIPHER *c;
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL;
	int rc = -ENOMEM;

	if (!rcpt || !sk_X509_push(rcpt, recipient))
		goto out;
	c = lib_cipher(cipher, false);
	if (!c)
		c = other = fetch_cipher(cipher, false);
	if (!c) {
		set_err(err, errlen, "cipher %s unavailable", cipher);
		rc = -ENOTSUP;
		goto out;
	}
	rc = -EINVAL;
	in = BIO_new_mem_buf(data, (int)len);
	if (!in)
		goto out;
	cms = CMS_encrypt_ex(rcpt, in, c, CMS_BINARY, scep_lib.libctx, NULL);
	if (!cms) {
		set_err(err, errlen, "cannot encrypt to the CA with %s", cipher);
		goto out;
	}
	rc = cms_to_der(cms, out, out_len);
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	EVP_CIPHER_free(other);
	sk_X509_free(rcpt);
	ERR_clear_error();
	return rc;
}

static int add_attr(CMS_SignerInfo *si, const char *oid, int type,
		    const void *bytes, int len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int ok;

	/* With len -1 OpenSSL takes bytes for a ready ASN1 object. */
	if (len < 0)
		len = (int)strlen(bytes);
	if (!obj)
		return 0;
	ok = CMS_signed_add1_attr_by_OBJ(si, obj, type, bytes, len);
	ASN1_OBJECT_free(obj);
	return ok;
}

/*
 * pkiMessage: SignedData over the (already enveloped) content with the
 * SCEP signed attributes from attrs; fields < 0 or empty are left out.
 */
int scep_msg_build(const struct scep_signer *signer, const char *digest,
		   const struct scep_msg *attrs, const uint8_t *content,
		   size_t content_len, uint8_t **out, size_t *out_len,
		   char *err, size_t errlen)
{
	const EVP_MD *md = lib_digest(digest);
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	BIO *in = NULL;
	char num[16];
	int rc = -EINVAL;

	cms = CMS_sign_ex(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY,
			  scep_lib.libctx, NULL);
	if (!md || !cms) {
		set_err(err, errlen, "cannot set up SignedData with %s", digest);
		goto out;
	}
	si = CMS_add1_signer(cms, signer->cert, signer->key, md,
			     CMS_NOSMIMECAP | CMS_BINARY);
	if (!si) {
		set_err(err, errlen, "cannot add the signer");
		goto out;
	}
	snprintf(num, sizeof(num), "%d", attrs->msg_type);
	if (!add_attr(si, OID_MESSAGE_TYPE, V_ASN1_PRINTABLESTRING, num, -1) ||
	    !add_attr(si, OID_TRANSACTION_ID, V_ASN1_PRINTABLESTRING,
		      attrs->transaction_id, -1))
		goto attr_err;
	if (attrs->has_sender_nonce &&
	    !add_attr(si, OID_SENDER_NONCE, V_ASN1_OCTET_STRING,
		      attrs->sender_nonce, 16))
		goto attr_err;
	if (attrs->has_recipient_nonce &&
	    !add_attr(si, OID_RECIPIENT_NONCE, V_ASN1_OCTET_STRING,
		      attrs->recipient_nonce, 16))
		goto attr_err;
	if (attrs->pki_status >= 0) {
		snprintf(num, sizeof(num), "%d", attrs->pki_status);
		if (!add_attr(si, OID_PKI_STATUS, V_ASN1_PRINTABLESTRING, num, -1))
			goto attr_err;
	}
	if (attrs->fail_info >= 0) {
		snprintf(num, sizeof(num), "%d", attrs->fail_info);
		if (!add_attr(si, OID_FAIL_INFO, V_ASN1_PRINTABLESTRING, num, -1))
			goto attr_err;
	}
	if (attrs->fail_info_text[0] &&
	    !add_attr(si, OID_FAIL_INFO_TEXT, V_ASN1_UTF8STRING,
		      attrs->fail_info_text, -1))
		goto attr_err;
	in = BIO_new_mem_buf(content ? (const void *)content : "",
			     (int)content_len);
	if (!in || !CMS_final(cms, in, NULL, CMS_BINARY)) {
		set_err(err, errlen, "cannot sign the message");
		goto out;
	}
	rc = cms_to_der(cms, out, out_len);
	goto out;
attr_err:
	set_err(err, errlen, "cannot add the SCEP attributes");
out:
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

static const ASN1_STRING *get_attr(CMS_SignerInfo *si, const char *oid,
				   int type)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	const ASN1_STRING *s;

	if (!obj)
		return NULL;
	/* -3: the attribute must appear once, with a single value. */
	s = CMS_signed_get0_data_by_OBJ(si, obj, -3, type);
	ASN1_OBJECT_free(obj);
	return s;
}

static int get_attr_int(CMS_SignerInfo *si, const char *oid, int *val)
{
	const ASN1_STRING *s = get_attr(si, oid, V_ASN1_PRINTABLESTRING);
	char buf[16], *end;
	long v;
	int n;

	if (!s)
		s = get_attr(si, oid, V_ASN1_UTF8STRING);
	if (!s)
		return -ENOENT;
	n = ASN1_STRING_length(s);
	if (n <= 0 || n >= (int)sizeof(buf))
		return -EBADMSG;
	memcpy(buf, ASN1_STRING_get0_data(s), (size_t)n);
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (*end || v < 0 || v > 255)
		return -EBADMSG;
	*val = (int)v;
	return 0;
}

static int get_attr_text(CMS_SignerInfo *si, const char *oid, char *buf,
			 size_t size)
{
	static const int types[] = { V_ASN1_PRINTABLESTRING, V_ASN1_UTF8STRING,
				     V_ASN1_IA5STRING };
	const ASN1_STRING *s = NULL;
	size_t k;
	int n;

	for (k = 0; k < sizeof(types) / sizeof(types[0]) && !s; k++)
		s = get_attr(si, oid, types[k]);
	if (!s)
		return -ENOENT;
	n = ASN1_STRING_length(s);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	memcpy(buf, ASN1_STRING_get0_data(s), (size_t)n);
	buf[n] = '\0';
	return 0;
}

static int get_attr_nonce(CMS_SignerInfo *si, const char *oid, uint8_t out[16])
{
	const ASN1_STRING *s = get_attr(si, oid, V_ASN1_OCTET_STRING);

	if (!s)
		return -ENOENT;
	if (ASN1_STRING_length(s) != 16)
		return -EBADMSG;
	memcpy(out, ASN1_STRING_get0_data(s), 16);
	return 0;
}

/*
 * The certificates a pkiMessage brings along are never used (the signature
 * is checked against the CA or RA certificates we hold, CMS_NOINTERN), yet
 * OpenSSL 3.0 decodes each one's public key through an OSSL_DECODER set
 * up afresh, about as costly as the rest of the message together (a
 * CertRep from scepserver carries two).  So the message is read first as
 * PKCS#7 in a library context with no algorithms, where that decoding is
 * skipped, and written again without them.  PKCS#7 keeps the signed
 * attributes in their order and CMS re-encodes them itself to verify, so
 * what verifies is unchanged.  Returns 1 with *out set, 0 when the message
 * is to be used as is (no certificates, or not PKCS#7's to read, e.g. a
 * signer named by key identifier).
 */
static int strip_certs(const uint8_t *der, size_t len, unsigned char **out,
		       long *out_len)
{
	const unsigned char *p = der;
	PKCS7 *p7 = PKCS7_new_ex(scep_lib.bare, NULL);
	int n = 0;

	if (p7 && d2i_PKCS7(&p7, &p, (long)len) && PKCS7_type_is_signed(p7) &&
	    p7->d.sign && sk_X509_num(p7->d.sign->cert) > 0) {
		sk_X509_pop_free(p7->d.sign->cert, X509_free);
		p7->d.sign->cert = NULL;
		*out = NULL;
		n = i2d_PKCS7(p7, out);
	}
	PKCS7_free(p7);
	ERR_clear_error();
	if (n <= 0)
		return 0;
	*out_len = n;
	return 1;
}

/*
 * Verifies a pkiMessage against the given signer certificates only (never
 * certificates the message brings along) and reads its SCEP attributes.
 */
int scep_msg_parse(const uint8_t *der, size_t len, STACK_OF(X509) *signers,
		   struct scep_msg *msg, char *err, size_t errlen)
{
	CMS_ContentInfo *cms;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING **pos;
	unsigned char *stripped = NULL;
	const unsigned char *p = der;
	long plen = (long)len;
	BIO *dcont = NULL, *out = NULL;
	X509 *sx = NULL;
	int rc = -EBADMSG;

	memset(msg, 0, sizeof(*msg));
	msg->pki_status = -1;
	msg->fail_info = -1;
	if (len > INT32_MAX)
		return -EFBIG;
	if (strip_certs(der, len, &stripped, &plen))
		p = stripped;
	cms = CMS_ContentInfo_new_ex(scep_lib.libctx, NULL);
	if (!cms) {
		OPENSSL_free(stripped);
		return -ENOMEM;
	}
	if (!d2i_CMS_ContentInfo(&cms, &p, plen)) {
		set_err(err, errlen, "not a PKCS#7/CMS message");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		set_err(err, errlen, "not a SignedData message");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		set_err(err, errlen, "%d signers, expected one",
			sis ? sk_CMS_SignerInfo_num(sis) : 0);
		goto out;
	}
	/* PENDING and FAILURE carry no content: verify over nothing. */
	pos = CMS_get0_content(cms);
	if (!pos || !*pos) {
		dcont = BIO_new_mem_buf("", 0);
		if (!dcont) {
			rc = -ENOMEM;
			goto out;
		}
	}
	out = BIO_new(BIO_s_mem());
	if (!out) {
		rc = -ENOMEM;
		goto out;
	}
	if (CMS_verify(cms, signers, NULL, dcont, out,
		       CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		set_err(err, errlen,
			"signature does not verify with the CA or RA signing certificate");
		rc = -EKEYREJECTED;
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	CMS_SignerInfo_get0_algs(si, NULL, &sx, NULL, NULL);
	msg->signer = sx;
	if (get_attr_int(si, OID_MESSAGE_TYPE, &msg->msg_type)) {
		set_err(err, errlen, "messageType missing or malformed");
		goto out;
	}
	if (get_attr_text(si, OID_TRANSACTION_ID, msg->transaction_id,
			  sizeof(msg->transaction_id))) {
		set_err(err, errlen, "transactionID missing or malformed");
		goto out;
	}
	msg->has_sender_nonce = !get_attr_nonce(si, OID_SENDER_NONCE,
						msg->sender_nonce);
	msg->has_recipient_nonce = !get_attr_nonce(si, OID_RECIPIENT_NONCE,
						   msg->recipient_nonce);
	if (get_attr_int(si, OID_PKI_STATUS, &msg->pki_status) == -EBADMSG ||
	    get_attr_int(si, OID_FAIL_INFO, &msg->fail_info) == -EBADMSG) {
		set_err(err, errlen, "pkiStatus or failInfo malformed");
		goto out;
	}
	get_attr_text(si, OID_FAIL_INFO_TEXT, msg->fail_info_text,
		      sizeof(msg->fail_info_text));
	if (!dcont) {
		rc = bio_take(out, &msg->content, &msg->content_len);
		if (rc)
			goto out;
	}
	rc = 0;
out:
	BIO_free(out);
	BIO_free(dcont);
	CMS_ContentInfo_free(cms);
	OPENSSL_free(stripped);
	ERR_clear_error();
	return rc;
}

void scep_msg_release(struct scep_msg *msg)
{
	free(msg->content);
	msg->content = NULL;
	msg->content_len = 0;
}

/* The content-encryption algorithm's name, to load its provider first. */
static const char *envelope_cipher(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	const char *name = NULL;

	if (p7 && PKCS7_type_is_enveloped(p7) && p7->d.enveloped &&
	    p7->d.enveloped->enc_data && p7->d.enveloped->enc_data->algorithm)
		name = OBJ_nid2sn(OBJ_obj2nid(p7->d.enveloped->enc_data->algorithm->algorithm));
	PKCS7_free(p7);
	ERR_clear_error();
	return name;
}

int scep_envelope_decrypt(const uint8_t *der, size_t len,
			  const struct scep_signer *recipient, bool trace,
			  uint8_t **out, size_t *out_len, char *err,
			  size_t errlen)
{
	const unsigned char *p = der;
	const char *cipher;
	CMS_ContentInfo *cms;
	BIO *b = NULL;
	int rc = -EBADMSG;

	if (len > INT32_MAX)
		return -EFBIG;
	cipher = envelope_cipher(der, len);
	if (!cipher) {
		set_err(err, errlen, "pkcsPKIEnvelope is not an EnvelopedData");
		return -EBADMSG;
	}
	if (trace)
		fprintf(stderr, "scep: pkcsPKIEnvelope encrypted with %s\n", cipher);
	if (scep_lib_need_cipher(cipher, trace)) {
		set_err(err, errlen, "pkcsPKIEnvelope cipher %s unavailable",
			cipher);
		return -ENOTSUP;
	}
	cms = CMS_ContentInfo_new_ex(scep_lib.libctx, NULL);
	if (!cms)
		return -ENOMEM;
	if (!d2i_CMS_ContentInfo(&cms, &p, (long)len)) {
		set_err(err, errlen, "pkcsPKIEnvelope does not parse");
		goto out;
	}
	b = BIO_new(BIO_s_mem());
	if (!b) {
		rc = -ENOMEM;
		goto out;
	}
	if (CMS_decrypt(cms, recipient->key, recipient->cert, NULL, b,
			CMS_BINARY) != 1) {
		set_err(err, errlen,
			"pkcsPKIEnvelope does not decrypt with our key");
		goto out;
	}
	rc = bio_take(b, out, out_len);
out:
	BIO_free(b);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

/*
 * GetNextCACert reply: a SignedData by the current CA (or RA) whose content
 * is a degenerate PKCS#7 with the rollover certificates (section 4.7).
 */
int scep_ca_parse_next(const struct scep_ca *ca, const uint8_t *body,
		       size_t len, STACK_OF(X509) **certs, char *err,
		       size_t errlen)
{
	STACK_OF(X509) *signers = sk_X509_new_null();
	CMS_ContentInfo *cms = NULL;
	const unsigned char *p = body;
	BIO *out = NULL;
	uint8_t *inner = NULL;
	size_t inner_len = 0;
	int rc = -ENOMEM;

	if (!signers || !sk_X509_push(signers, ca->ra_sign) ||
	    (ca->ca != ca->ra_sign && !sk_X509_push(signers, ca->ca)))
		goto out;
	cms = CMS_ContentInfo_new_ex(scep_lib.libctx, NULL);
	out = BIO_new(BIO_s_mem());
	if (!cms || !out)
		goto out;
	rc = -EBADMSG;
	if (len > INT32_MAX || !d2i_CMS_ContentInfo(&cms, &p, (long)len)) {
		set_err(err, errlen, "GetNextCACert: reply does not parse");
		goto out;
	}
	if (CMS_verify(cms, signers, NULL, NULL, out,
		       CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		set_err(err, errlen,
			"GetNextCACert: not signed by the current CA or RA");
		rc = -EKEYREJECTED;
		goto out;
	}
	rc = bio_take(out, &inner, &inner_len);
	if (rc)
		goto out;
	rc = scep_certs_from_pkcs7(inner, inner_len, certs);
	if (rc)
		set_err(err, errlen, "GetNextCACert: no certificates inside");
out:
	free(inner);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	sk_X509_free(signers);
	ERR_clear_error();
	return rc;
}
