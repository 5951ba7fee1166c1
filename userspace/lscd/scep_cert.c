// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "hex.h"
#include "scep_cert.h"
#include "scep_crypto.h"

int scep_cert_fingerprint(X509 *cert, char hex[65])
{
	const EVP_MD *sha256 = scep_lib_digest("SHA256");
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	/* lscd fetches its digests once (scep_lib_init); lscctl does not. */
	if (!sha256)
		sha256 = EVP_sha256();
	if (!X509_digest(cert, sha256, md, &n) || n != 32)
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

/*
 * Read in the library context with no algorithms, a request keeps its
 * public key undecoded (see scep_lib_pubkey() for what decoding costs);
 * scep_csr_pubkey() decodes it when it is wanted.
 */
X509_REQ *scep_csr_d2i(const unsigned char **pp, long len)
{
	return (X509_REQ *)ASN1_item_d2i_ex(NULL, pp, len, ASN1_ITEM_rptr(X509_REQ),
					    scep_lib_bare(), NULL);
}

EVP_PKEY *scep_csr_pubkey(X509_REQ *req)
{
	unsigned char *der = NULL;
	EVP_PKEY *key;
	int n;

	/* One parsed elsewhere comes with its key. */
	ERR_set_mark();
	key = X509_REQ_get0_pubkey(req);
	ERR_pop_to_mark();
	if (key)
		return EVP_PKEY_up_ref(key) ? key : NULL;
	n = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(req), &der);
	if (n <= 0)
		return NULL;
	key = scep_lib_pubkey(der, (size_t)n);
	OPENSSL_free(der);
	return key;
}

int scep_csr_load(const uint8_t *data, size_t len, X509_REQ **req)
{
	const unsigned char *p = data;
	unsigned char *der = NULL;
	long der_len = 0;
	X509_REQ *r;
	BIO *b;

	if (len > INT32_MAX)
		return -EFBIG;
	r = scep_csr_d2i(&p, (long)len);
	if (!r) {
		b = BIO_new_mem_buf(data, (int)len);
		if (!b)
			return -ENOMEM;
		if (PEM_bytes_read_bio(&der, &der_len, NULL, PEM_STRING_X509_REQ, b,
				       NULL, NULL)) {
			p = der;
			r = scep_csr_d2i(&p, der_len);
		}
		OPENSSL_free(der);
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
