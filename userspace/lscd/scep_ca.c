// SPDX-License-Identifier: GPL-2.0
/*
 * CA selection: which of the certificates GetCACert returned is the CA,
 * which encrypts requests and which signs replies, and the CA's URLs.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "hex.h"
#include "scep_ca.h"
#include "scep_cert.h"
#include "scep_crypto.h"
#include "scep_msg.h"

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
	ca->refs = 1;
	return ca;
}

struct scep_ca *scep_ca_ref(struct scep_ca *ca)
{
	ca->refs++;
	return ca;
}

void scep_ca_free(struct scep_ca *ca)
{
	if (!ca || --ca->refs)
		return;
	X509_free(ca->ca);
	X509_free(ca->ra_enc);
	X509_free(ca->ra_sign);
	sk_X509_pop_free(ca->certs, X509_free);
	sk_X509_pop_free(ca->chain, X509_free);
	free(ca->url);
	free(ca);
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
	X509 *x;
	bool single = content_type && !strncasecmp(content_type,
				"application/x-x509-ca-cert", 26);
	int rc;

	if (!len) {
		scep_set_err(err, errlen, "GetCACert: empty reply");
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
			scep_set_err(err, errlen,
				     "GetCACert: reply (%s) is neither a certificate nor a PKCS#7 certificate set",
				     content_type ? content_type : "no content type");
			return rc;
		}
	}
	return scep_ca_take_certs(ca, certs, "GetCACert", err, errlen);
}

int scep_ca_take_certs(struct scep_ca *ca, STACK_OF(X509) *certs,
		       const char *op, char *err, size_t errlen)
{
	X509 *issuer = NULL, *enc = NULL, *sig = NULL, *x;
	int i, j;

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
		scep_set_err(err, errlen, "%s: no CA certificate among %d", op,
			     sk_X509_num(certs));
		sk_X509_pop_free(certs, X509_free);
		return -ENOENT;
	}
	if ((enc || sig) && (!enc || !sig)) {
		scep_set_err(err, errlen,
			     "%s: RA certificates lack an %s certificate", op,
			     enc ? "RA signing" : "RA encryption");
		sk_X509_pop_free(certs, X509_free);
		return -ENOENT;
	}
	for (i = 0; i < sk_X509_num(certs); i++) {
		x = sk_X509_value(certs, i);
		if (x == issuer || (x != enc && x != sig))
			continue;
		if (X509_verify(x, X509_get0_pubkey(issuer)) != 1) {
			scep_set_err(err, errlen,
				     "%s: RA certificate not signed by the CA", op);
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

static bool self_signed(X509 *x)
{
	return X509_check_issued(x, x) == X509_V_OK &&
	       X509_verify(x, X509_get0_pubkey(x)) == 1;
}

static int add_roots(X509_STORE *store, const char *path, char *err,
		     size_t errlen)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x;
	int n = 0, rc = 0;

	if (!b) {
		scep_set_err(err, errlen, "ca_root %s: cannot read it", path);
		return -ENOENT;
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!self_signed(x)) {
			scep_set_err(err, errlen,
				     "ca_root %s: certificate %d is not a self-signed root",
				     path, n + 1);
			rc = -EINVAL;
		} else if (!X509_STORE_add_cert(store, x)) {
			rc = -ENOMEM;
		}
		X509_free(x);
		if (rc)
			break;
		n++;
	}
	ERR_clear_error();
	BIO_free(b);
	if (!rc && !n) {
		scep_set_err(err, errlen, "ca_root %s: no PEM certificate in it", path);
		rc = -EINVAL;
	}
	return rc;
}

int scep_ca_build_chain(struct scep_ca *ca, const char *root_pem, char *err,
			size_t errlen)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new_ex(scep_libctx(), NULL);
	STACK_OF(X509) *chain = NULL;
	X509 *top;
	int i, rc = -ENOMEM;

	if (!store || !ctx || !ca->ca)
		goto out;
	/*
	 * A root GetCACert returned counts: the pinned issuing CA must carry
	 * its signature, which nobody on the path can forge.
	 */
	for (i = 0; i < sk_X509_num(ca->certs); i++) {
		X509 *x = sk_X509_value(ca->certs, i);

		if (X509_check_ca(x) > 0 && self_signed(x) &&
		    !X509_STORE_add_cert(store, x))
			goto out;
	}
	ERR_clear_error();
	if (root_pem) {
		rc = add_roots(store, root_pem, err, errlen);
		if (rc)
			goto out;
	}
	rc = -ENOMEM;
	if (!X509_STORE_CTX_init(ctx, store, ca->ca, ca->certs))
		goto out;
	if (X509_verify_cert(ctx) != 1) {
		int e = X509_STORE_CTX_get_error(ctx);

		ERR_clear_error();
		scep_set_err(err, errlen,
			     "the CA certificate does not chain to a root: %s%s",
			     X509_verify_cert_error_string(e),
			     root_pem ? "" : " (GetCACert returned no root: set ca_root to the root CA's PEM file)");
		rc = -EKEYREJECTED;
		goto out;
	}
	chain = X509_STORE_CTX_get1_chain(ctx);
	top = chain ? sk_X509_value(chain, sk_X509_num(chain) - 1) : NULL;
	if (!top || !self_signed(top)) {
		scep_set_err(err, errlen, "the CA chain does not end at a self-signed root");
		sk_X509_pop_free(chain, X509_free);
		rc = -EKEYREJECTED;
		goto out;
	}
	sk_X509_pop_free(ca->chain, X509_free);
	ca->chain = chain;
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return rc;
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

/*
 * What a GetNextCACert reply claims, unverified: the encapsulated
 * certificates, or those of a bare certs-only PKCS#7.  Only to name the
 * announced CA when the reply is refused.
 */
static STACK_OF(X509) *claimed_certs(const uint8_t *body, size_t len)
{
	const unsigned char *p = body;
	CMS_ContentInfo *cms = len <= INT32_MAX ?
		d2i_CMS_ContentInfo(NULL, &p, (long)len) : NULL;
	ASN1_OCTET_STRING **content = cms ? CMS_get0_content(cms) : NULL;
	STACK_OF(X509) *certs = NULL;

	if (content && *content && ASN1_STRING_length(*content) > 0)
		scep_certs_from_pkcs7(ASN1_STRING_get0_data(*content),
				      (size_t)ASN1_STRING_length(*content), &certs);
	if (!certs && cms)
		certs = CMS_get1_certs(cms);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return certs;
}

static void next_fingerprint(const struct scep_ca *cur, STACK_OF(X509) *certs,
			     char fp[65])
{
	struct scep_ca *tmp = scep_ca_new(cur->url);
	char err[128];

	fp[0] = '\0';
	if (tmp && certs && !scep_ca_take_certs(tmp, certs, "GetNextCACert", err,
						 sizeof(err)))
		scep_cert_fingerprint(tmp->ca, fp);
	else
		sk_X509_pop_free(certs, X509_free);
	scep_ca_free(tmp);
}

int scep_ca_next(const struct scep_ca *ca, const uint8_t *body, size_t len,
		 struct scep_ca **next, char fp[65], char *err, size_t errlen)
{
	STACK_OF(X509) *signers = sk_X509_new_null(), *certs = NULL;
	struct scep_ca *n = NULL;
	uint8_t *inner = NULL;
	size_t inner_len = 0;
	int rc = -ENOMEM;

	fp[0] = '\0';
	if (!signers || !sk_X509_push(signers, ca->ra_sign) ||
	    (ca->ca != ca->ra_sign && !sk_X509_push(signers, ca->ca)))
		goto out;
	rc = scep_signed_content(body, len, signers, &inner, &inner_len);
	if (rc == -EBADMSG) {
		scep_set_err(err, errlen, "GetNextCACert: the reply is not a CMS SignedData");
		goto out;
	}
	if (rc == -EKEYREJECTED) {
		next_fingerprint(ca, claimed_certs(body, len), fp);
		scep_set_err(err, errlen,
			     "GetNextCACert: the reply is not signed by the current CA (nor its RA)");
		goto out;
	}
	if (rc)
		goto out;
	rc = scep_certs_from_pkcs7(inner, inner_len, &certs);
	if (rc) {
		scep_set_err(err, errlen,
			     "GetNextCACert: no certificate set inside the signed reply");
		goto out;
	}
	n = scep_ca_new(ca->url);
	if (!n) {
		sk_X509_pop_free(certs, X509_free);
		rc = -ENOMEM;
		goto out;
	}
	rc = scep_ca_take_certs(n, certs, "GetNextCACert", err, errlen);
	if (rc)
		goto out;
	scep_cert_fingerprint(n->ca, fp);
	*next = n;
	n = NULL;
out:
	scep_ca_free(n);
	free(inner);
	sk_X509_free(signers);
	return rc;
}

static const char *cert_role(const struct scep_ca *ca, X509 *x)
{
	if (x == ca->ca && x == ca->ra_enc)
		return "CA certificate (also encrypts requests and signs replies)";
	if (x == ca->ca)
		return "CA certificate";
	if (x == ca->ra_enc && x == ca->ra_sign)
		return "RA certificate (encryption and signing)";
	if (x == ca->ra_enc)
		return "RA encryption certificate";
	if (x == ca->ra_sign)
		return "RA signing certificate";
	return X509_check_ca(x) > 0 ? "other CA certificate" : "other certificate";
}

void scep_ca_describe(const struct scep_ca *ca, const char *indent, FILE *out)
{
	char ind[64];
	int i;

	snprintf(ind, sizeof(ind), "%s  ", indent);
	for (i = 0; i < sk_X509_num(ca->certs); i++) {
		X509 *x = sk_X509_value(ca->certs, i);

		fprintf(out, "%s%s:\n", indent, cert_role(ca, x));
		scep_cert_describe(x, ind, out);
	}
}
