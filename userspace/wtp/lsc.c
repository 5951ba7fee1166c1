// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "hex.h"
#include "lsc.h"
#include "names.h"

void wtp_cn(const struct wtp_identity *id, char cn[WTP_CN_MAX])
{
	char mac[13];

	lsc_hex_encode(mac, id->mac, sizeof(id->mac));
	snprintf(cn, WTP_CN_MAX, "C%s-%s", id->model, mac);
}

void wtp_subject_serial(const struct wtp_identity *id, char *out, size_t size)
{
	snprintf(out, size, "PID:%s SN:%s", id->model, id->serial);
}

const char *wtp_ssl_error(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "unknown OpenSSL error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

EVP_PKEY *wtp_keygen(uint8_t key_type, uint16_t bits)
{
	switch (key_type) {
	case CAPWAP_LSC_KEY_RSA:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	case CAPWAP_LSC_KEY_EC:
		if (bits == 256)
			return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		if (bits == 384)
			return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	}
	return NULL;
}

int wtp_keygen_valid(uint8_t key_type, uint16_t bits)
{
	switch (key_type) {
	case CAPWAP_LSC_KEY_RSA:
		return (bits >= CAPWAP_LSC_RSA_MIN_BITS && bits <= 2048) ||
		       bits == 3072 || bits == CAPWAP_LSC_RSA_MAX_BITS;
	case CAPWAP_LSC_KEY_EC:
		return bits == 256 || bits == 384;
	}
	return 0;
}

int wtp_key_matches(EVP_PKEY *key, uint8_t key_type, uint16_t bits)
{
	switch (key_type) {
	case CAPWAP_LSC_KEY_RSA:
		return EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) == bits;
	case CAPWAP_LSC_KEY_EC:
		return EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) == bits;
	}
	return 0;
}

static int name_add(X509_NAME *n, int nid, const void *v, int len)
{
	return X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8, v, len, -1, 0);
}

static X509_NAME *csr_subject(const struct capwap_lsc_cert_params *params,
			      const struct wtp_identity *id)
{
	char cn[WTP_CN_MAX], sn[WTP_MODEL_MAX + WTP_SERIAL_MAX + 16];
	X509_NAME *n = X509_NAME_new();
	int i;

	if (!n)
		return NULL;
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++) {
		if (params && params->subject[i] &&
		    !name_add(n, lsc_subject_field_nid(i), params->subject[i],
			      params->subject_len[i]))
			goto fail;
	}
	wtp_cn(id, cn);
	wtp_subject_serial(id, sn, sizeof(sn));
	if (!name_add(n, NID_commonName, cn, -1) ||
	    !name_add(n, NID_serialNumber, sn, -1))
		goto fail;
	return n;
fail:
	X509_NAME_free(n);
	return NULL;
}

int wtp_csr_build(EVP_PKEY *key, const struct capwap_lsc_cert_params *params,
		  const struct wtp_identity *id, uint8_t **der, size_t *len)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *subj = csr_subject(params, id);
	unsigned char *out = NULL;
	int n, ret = -1;

	if (!req || !subj || !X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name(req, subj) ||
	    !X509_REQ_set_pubkey(req, key))
		goto out;
	/* A CA that wants a challenge finds it inside the request we sign. */
	if (params && params->challenge &&
	    !X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword,
				       MBSTRING_UTF8, params->challenge,
				       params->challenge_len))
		goto out;
	if (!X509_REQ_sign(req, key, EVP_sha256()))
		goto out;
	n = i2d_X509_REQ(req, &out);
	if (n <= 0)
		goto out;
	*der = out;
	*len = (size_t)n;
	ret = 0;
out:
	X509_NAME_free(subj);
	X509_REQ_free(req);
	return ret;
}

X509 *wtp_x509_from_der(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);

	/* Trailing bytes would mean the peer and we disagree on the object. */
	if (x && p != der + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

int wtp_x509_to_der(X509 *cert, uint8_t **der, size_t *len)
{
	unsigned char *out = NULL;
	int n = i2d_X509(cert, &out);

	if (n <= 0)
		return -1;
	*der = out;
	*len = (size_t)n;
	return 0;
}

int wtp_x509_cn(X509 *cert, char *out, size_t size)
{
	X509_NAME *n = X509_get_subject_name(cert);
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	ASN1_STRING *s;
	unsigned char *utf8;
	int len;

	if (i < 0 || X509_NAME_get_index_by_NID(n, NID_commonName, i) >= 0)
		return -1;	/* none, or ambiguous */
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	len = ASN1_STRING_to_UTF8(&utf8, s);
	if (len < 0)
		return -1;
	if ((size_t)len >= size || memchr(utf8, 0, len)) {
		OPENSSL_free(utf8);
		return -1;
	}
	memcpy(out, utf8, len);
	out[len] = '\0';
	OPENSSL_free(utf8);
	return 0;
}

static int self_signed(X509 *x)
{
	return X509_check_issued(x, x) == X509_V_OK;
}

/* Self-signed CA certificates are the anchors, the rest intermediates. */
static int chain_check(X509 *cert, STACK_OF(X509) *cas, char *why, size_t n)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int i, anchors = 0, err, ret = CAPWAP_LSC_RESULT_CERT_MISMATCH;

	if (!store || !ctx || !untrusted) {
		snprintf(why, n, "out of memory checking the chain");
		ret = CAPWAP_LSC_RESULT_ERROR;
		goto out;
	}
	for (i = 0; i < sk_X509_num(cas); i++) {
		X509 *ca = sk_X509_value(cas, i);

		if (self_signed(ca)) {
			X509_STORE_add_cert(store, ca);
			anchors++;
		} else {
			sk_X509_push(untrusted, ca);
		}
	}
	if (!anchors) {
		snprintf(why, n, "no root among the %d CA certificates",
			 sk_X509_num(cas));
		goto out;
	}
	if (!X509_STORE_CTX_init(ctx, store, cert, untrusted)) {
		snprintf(why, n, "chain check: %s", wtp_ssl_error());
		ret = CAPWAP_LSC_RESULT_ERROR;
		goto out;
	}
	if (X509_verify_cert(ctx) == 1) {
		ret = CAPWAP_LSC_RESULT_SUCCESS;
		goto out;
	}
	err = X509_STORE_CTX_get_error(ctx);
	snprintf(why, n, "certificate does not chain to the LSC CA: %s",
		 X509_verify_cert_error_string(err));
	if (err == X509_V_ERR_CERT_NOT_YET_VALID)
		ret = CAPWAP_LSC_RESULT_NOT_YET_VALID;
out:
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ret;
}

int wtp_cert_check(EVP_PKEY *key, X509 *cert, STACK_OF(X509) *cas,
		   const struct wtp_identity *id, char *why, size_t whylen)
{
	char want[WTP_CN_MAX], got[256];

	why[0] = '\0';
	if (!X509_check_private_key(cert, key)) {
		ERR_clear_error();
		snprintf(why, whylen, "certificate does not hold the AP's public key");
		return CAPWAP_LSC_RESULT_CERT_MISMATCH;
	}
	wtp_cn(id, want);
	if (wtp_x509_cn(cert, got, sizeof(got))) {
		snprintf(why, whylen, "certificate has no single subject CN");
		return CAPWAP_LSC_RESULT_CERT_MISMATCH;
	}
	if (strcmp(got, want)) {
		snprintf(why, whylen, "certificate CN %s is not the AP's %s",
			 got, want);
		return CAPWAP_LSC_RESULT_CERT_MISMATCH;
	}
	if (!cas || !sk_X509_num(cas)) {
		snprintf(why, whylen, "no CA certificate was delivered");
		return CAPWAP_LSC_RESULT_CERT_MISMATCH;
	}
	return chain_check(cert, cas, why, whylen);
}

static bool among(X509 *x, STACK_OF(X509) *sk)
{
	int i;

	for (i = 0; i < sk_X509_num(sk); i++)
		if (!X509_cmp(x, sk_X509_value(sk, i)))
			return true;
	return false;
}

int wtp_chain_keeps_root(STACK_OF(X509) *cas, STACK_OF(X509) *installed,
			 char *why, size_t whylen)
{
	char subj[256];
	int i;

	for (i = 0; i < sk_X509_num(cas); i++) {
		X509 *ca = sk_X509_value(cas, i);

		if (!self_signed(ca) || among(ca, installed))
			continue;
		X509_NAME_oneline(X509_get_subject_name(ca), subj, sizeof(subj));
		snprintf(why, whylen,
			 "the new CA chain ends at %s, not at the LSC CA installed", subj);
		return CAPWAP_LSC_RESULT_CERT_MISMATCH;
	}
	return CAPWAP_LSC_RESULT_SUCCESS;
}
