/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certificates the DTLS unit tests make at run time: CAs, and AP
 * certificates with the validity, basicConstraints, key usage and EKU a
 * case needs, the way real CAs issue them (Windows' "IPSec (Offline
 * request)" template, step-ca's defaults, RFC 5415's EKUs).  Nothing is
 * written to disk.
 */
#ifndef DTLS_CERTS_H
#define DTLS_CERTS_H

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

struct tcert {
	EVP_PKEY *key;
	X509 *cert;
};

struct tcert_spec {
	const char *cn;
	const struct tcert *by;	/* NULL: self-signed */
	long from, to;		/* validity, seconds from now */
	int ca;			/* basicConstraints CA:TRUE */
	const char *ku;		/* keyUsage, NULL: the usual for a CA or a leaf */
	const char *eku;	/* extendedKeyUsage, NULL: none */
	const char *cn2;	/* a second CN */
	int rsa;		/* RSA 2048 instead of P-256 */
	int bits;		/* RSA of this size instead of P-256 */
	const char *md;		/* the issuer's signature digest, NULL: SHA-256 */
};

static int tcert_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ok = e && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

static int tcert_make(struct tcert *t, const struct tcert_spec *s)
{
	X509_NAME *n = X509_NAME_new();
	X509 *x = X509_new(), *issuer;
	EVP_PKEY *sign_key;
	unsigned char serial[8];
	BIGNUM *bn = NULL;
	int ok;

	t->cert = NULL;
	t->key = s->rsa || s->bits ?
		 EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
				   (size_t)(s->bits ? s->bits : 2048)) :
		 EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	issuer = s->by ? s->by->cert : x;
	sign_key = s->by ? s->by->key : t->key;
	ok = n && x && t->key && RAND_bytes(serial, sizeof(serial)) == 1;
	serial[0] &= 0x7f;
	bn = ok ? BN_bin2bn(serial, sizeof(serial), NULL) : NULL;
	ok = ok && bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
	     X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
					(const unsigned char *)"capwap-lsc tests",
					-1, -1, 0) &&
	     X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
					(const unsigned char *)s->cn, -1, -1, 0) &&
	     (!s->cn2 ||
	      X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
					 (const unsigned char *)s->cn2, -1, -1, 0)) &&
	     X509_set_version(x, X509_VERSION_3) &&
	     X509_gmtime_adj(X509_getm_notBefore(x), s->from) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), s->to) &&
	     X509_set_subject_name(x, n) &&
	     X509_set_issuer_name(x, X509_get_subject_name(issuer)) &&
	     X509_set_pubkey(x, t->key) &&
	     tcert_ext(x, issuer, NID_basic_constraints,
		       s->ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
	     tcert_ext(x, issuer, NID_key_usage, s->ku ? s->ku : s->ca ?
		       "critical,keyCertSign,cRLSign" :
		       "critical,digitalSignature,keyEncipherment") &&
	     (!s->eku || tcert_ext(x, issuer, NID_ext_key_usage, s->eku)) &&
	     tcert_ext(x, issuer, NID_subject_key_identifier, "hash") &&
	     tcert_ext(x, issuer, NID_authority_key_identifier, "keyid:always") &&
	     X509_sign(x, sign_key, s->md ? EVP_get_digestbyname(s->md) :
		       EVP_sha256());
	BN_free(bn);
	X509_NAME_free(n);
	if (!ok) {
		X509_free(x);
		return -1;
	}
	t->cert = x;
	return 0;
}

static void tcert_free(struct tcert *t)
{
	EVP_PKEY_free(t->key);
	X509_free(t->cert);
	t->key = NULL;
	t->cert = NULL;
}

#define DAY (24L * 3600)

#endif /* DTLS_CERTS_H */
