// SPDX-License-Identifier: GPL-2.0
/*
 * SCEP messages (RFC 8894 section 3) on OpenSSL's CMS API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>

#include "scep_crypto.h"
#include "scep_msg.h"

/* SCEP signed attributes (RFC 8894 section 3.2.1). */
#define OID_MESSAGE_TYPE "2.16.840.1.113733.1.9.2"
#define OID_PKI_STATUS "2.16.840.1.113733.1.9.3"
#define OID_FAIL_INFO "2.16.840.1.113733.1.9.4"
#define OID_SENDER_NONCE "2.16.840.1.113733.1.9.5"
#define OID_RECIPIENT_NONCE "2.16.840.1.113733.1.9.6"
#define OID_TRANSACTION_ID "2.16.840.1.113733.1.9.7"
#define OID_FAIL_INFO_TEXT "1.3.6.1.5.5.7.24.1"

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
	c = scep_lib_cipher(cipher, false);
	if (!c)
		c = other = scep_lib_fetch_cipher(cipher, false);
	if (!c) {
		scep_set_err(err, errlen, "cipher %s unavailable", cipher);
		rc = -ENOTSUP;
		goto out;
	}
	rc = -EINVAL;
	in = BIO_new_mem_buf(data, (int)len);
	if (!in)
		goto out;
	cms = CMS_encrypt_ex(rcpt, in, c, CMS_BINARY, scep_libctx(), NULL);
	if (!cms) {
		scep_set_err(err, errlen, "cannot encrypt to the CA with %s", cipher);
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
	const EVP_MD *md = scep_lib_digest(digest);
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	BIO *in = NULL;
	char num[16];
	int rc = -EINVAL;

	cms = CMS_sign_ex(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY,
			  scep_libctx(), NULL);
	if (!md || !cms) {
		scep_set_err(err, errlen, "cannot set up SignedData with %s", digest);
		goto out;
	}
	si = CMS_add1_signer(cms, signer->cert, signer->key, md,
			     CMS_NOSMIMECAP | CMS_BINARY);
	if (!si) {
		scep_set_err(err, errlen, "cannot add the signer");
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
		scep_set_err(err, errlen, "cannot sign the message");
		goto out;
	}
	rc = cms_to_der(cms, out, out_len);
	goto out;
attr_err:
	scep_set_err(err, errlen, "cannot add the SCEP attributes");
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
	PKCS7 *p7 = PKCS7_new_ex(scep_lib_bare(), NULL);
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
	cms = CMS_ContentInfo_new_ex(scep_libctx(), NULL);
	if (!cms) {
		OPENSSL_free(stripped);
		return -ENOMEM;
	}
	if (!d2i_CMS_ContentInfo(&cms, &p, plen)) {
		scep_set_err(err, errlen, "not a PKCS#7/CMS message");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		scep_set_err(err, errlen, "not a SignedData message");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		scep_set_err(err, errlen, "%d signers, expected one",
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
		scep_set_err(err, errlen,
			     "signature does not verify with the CA or RA signing certificate");
		rc = -EKEYREJECTED;
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	CMS_SignerInfo_get0_algs(si, NULL, &sx, NULL, NULL);
	msg->signer = sx;
	if (get_attr_int(si, OID_MESSAGE_TYPE, &msg->msg_type)) {
		scep_set_err(err, errlen, "messageType missing or malformed");
		goto out;
	}
	if (get_attr_text(si, OID_TRANSACTION_ID, msg->transaction_id,
			  sizeof(msg->transaction_id))) {
		scep_set_err(err, errlen, "transactionID missing or malformed");
		goto out;
	}
	msg->has_sender_nonce = !get_attr_nonce(si, OID_SENDER_NONCE,
						msg->sender_nonce);
	msg->has_recipient_nonce = !get_attr_nonce(si, OID_RECIPIENT_NONCE,
						   msg->recipient_nonce);
	if (get_attr_int(si, OID_PKI_STATUS, &msg->pki_status) == -EBADMSG ||
	    get_attr_int(si, OID_FAIL_INFO, &msg->fail_info) == -EBADMSG) {
		scep_set_err(err, errlen, "pkiStatus or failInfo malformed");
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

int scep_signed_content(const uint8_t *der, size_t len,
			STACK_OF(X509) *signers, uint8_t **out,
			size_t *out_len)
{
	CMS_ContentInfo *cms = CMS_ContentInfo_new_ex(scep_libctx(), NULL);
	const unsigned char *p = der;
	BIO *b = BIO_new(BIO_s_mem());
	int rc = -ENOMEM;

	if (!cms || !b)
		goto out;
	rc = -EBADMSG;
	if (len > INT32_MAX || !d2i_CMS_ContentInfo(&cms, &p, (long)len))
		goto out;
	rc = -EKEYREJECTED;
	if (CMS_verify(cms, signers, NULL, NULL, b,
		       CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1)
		goto out;
	rc = bio_take(b, out, out_len);
out:
	BIO_free(b);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

/* The content-encryption algorithm's name, for traces and errors. */
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

static int decrypt_once(const uint8_t *der, size_t len,
			const struct scep_signer *recipient, uint8_t **out,
			size_t *out_len, char *err, size_t errlen)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = CMS_ContentInfo_new_ex(scep_libctx(), NULL);
	BIO *b = NULL;
	int rc = -EBADMSG;

	if (!cms)
		return -ENOMEM;
	if (!d2i_CMS_ContentInfo(&cms, &p, (long)len) ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_enveloped) {
		scep_set_err(err, errlen, "pkcsPKIEnvelope is not an EnvelopedData");
		goto out;
	}
	b = BIO_new(BIO_s_mem());
	if (!b) {
		rc = -ENOMEM;
		goto out;
	}
	if (CMS_decrypt(cms, recipient->key, recipient->cert, NULL, b,
			CMS_BINARY) != 1) {
		scep_set_err(err, errlen,
			     "pkcsPKIEnvelope does not decrypt with our key");
		rc = -EKEYREJECTED;
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
 * Decrypted first, and the envelope read again for its cipher only when
 * that fails (or for a trace): a cipher of OpenSSL's legacy provider
 * (single DES, which Debian's scepserver always uses) fails until the
 * provider is loaded, once, and the reply is then decrypted again.
 */
int scep_envelope_decrypt(const uint8_t *der, size_t len,
			  const struct scep_signer *recipient, bool trace,
			  uint8_t **out, size_t *out_len, char *err,
			  size_t errlen)
{
	const char *cipher = NULL;
	int rc;

	if (len > INT32_MAX)
		return -EFBIG;
	if (trace) {
		cipher = envelope_cipher(der, len);
		fprintf(stderr, "scep: pkcsPKIEnvelope encrypted with %s\n",
			cipher ? cipher : "(unknown)");
	}
	rc = decrypt_once(der, len, recipient, out, out_len, err, errlen);
	if (rc != -EKEYREJECTED)
		return rc;
	if (!cipher)
		cipher = envelope_cipher(der, len);
	if (!cipher)
		return rc;
	if (scep_lib_need_cipher(cipher, trace)) {
		scep_set_err(err, errlen, "pkcsPKIEnvelope cipher %s unavailable",
			     cipher);
		return -ENOTSUP;
	}
	rc = decrypt_once(der, len, recipient, out, out_len, err, errlen);
	return rc == -EKEYREJECTED ? -EBADMSG : rc;
}

int scep_certs_from_pkcs7(const uint8_t *der, size_t len,
			  STACK_OF(X509) **certs)
{
	CMS_ContentInfo *cms;
	const unsigned char *p = der;
	STACK_OF(X509) *sk;

	cms = CMS_ContentInfo_new_ex(scep_libctx(), NULL);
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
	PKCS7 *p7 = PKCS7_new_ex(scep_libctx(), NULL);
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
