// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <string.h>
#include <stdio.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "mic.h"
#include "pem.h"
#include "store.h"

/*
 * Factory keys are EC P-256: a fleet of thousands of simulated APs gets
 * its identities in seconds instead of the minutes RSA keygen would take,
 * and the controller's handling of the MIC does not depend on its type.
 */
#define FACTORY_CURVE "P-256"
#define FACTORY_DAYS (20 * 365)

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int set_serial(X509 *x)
{
	unsigned char rnd[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return 0;
	rnd[0] &= 0x7f;		/* positive, as RFC 5280 wants */
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok != 0;
}

X509 *wtp_cert_issue(const struct wtp_ca *ca, EVP_PKEY *self_key,
		     EVP_PKEY *pub, const X509_NAME *subject, int days,
		     int is_ca)
{
	X509 *x = X509_new();
	X509 *issuer = ca ? ca->cert : x;
	EVP_PKEY *sign_key = ca ? ca->key : self_key;

	if (!x || !X509_set_version(x, X509_VERSION_3) || !set_serial(x) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(issuer)) ||
	    !X509_set_pubkey(x, pub) ||
	    !add_ext(x, issuer, NID_basic_constraints,
		     is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") ||
	    !add_ext(x, issuer, NID_key_usage, is_ca ?
		     "critical,keyCertSign,cRLSign" :
		     "critical,digitalSignature,keyEncipherment") ||
	    !add_ext(x, issuer, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, issuer, NID_authority_key_identifier, "keyid:always") ||
	    !X509_sign(x, sign_key, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

X509_NAME *wtp_device_name(const struct wtp_identity *id)
{
	char cn[WTP_CN_MAX], sn[WTP_MODEL_MAX + WTP_SERIAL_MAX + 16];
	X509_NAME *n = X509_NAME_new();

	wtp_cn(id, cn);
	wtp_subject_serial(id, sn, sizeof(sn));
	if (!n ||
	    !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
					(const unsigned char *)"capwap-lsc simulated AP maker",
					-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "serialNumber", MBSTRING_UTF8,
					(const unsigned char *)sn, -1, -1, 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

void wtp_ca_free(struct wtp_ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	ca->key = NULL;
	ca->cert = NULL;
}

static int create_pair(const char *keypath, const char *certpath,
		       const struct wtp_ca *ca, const X509_NAME *subj,
		       int is_ca, EVP_PKEY **keyp, X509 **certp)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", FACTORY_CURVE);
	X509 *cert = key ? wtp_cert_issue(ca, key, key, subj, FACTORY_DAYS,
					  is_ca) : NULL;
	int ret;

	if (!cert) {
		lsc_err("%s: cannot make a certificate: %s", certpath,
			wtp_ssl_error());
		goto fail;
	}
	ret = lsc_pem_write_key(keypath, key);
	if (!ret)
		ret = lsc_pem_write_certs(certpath, cert, NULL, 0644);
	if (ret) {
		lsc_err("%s: cannot write: %s", certpath, strerror(-ret));
		goto fail;
	}
	*keyp = key;
	*certp = cert;
	return 0;
fail:
	EVP_PKEY_free(key);
	X509_free(cert);
	return -1;
}

static int load_pair(const char *keypath, const char *certpath,
		     EVP_PKEY **keyp, X509 **certp)
{
	EVP_PKEY *key = wtp_store_read_key(keypath);
	X509 *cert = key ? wtp_store_read_cert(certpath) : NULL;

	if (cert && X509_check_private_key(cert, key)) {
		*keyp = key;
		*certp = cert;
		return 0;
	}
	EVP_PKEY_free(key);
	X509_free(cert);
	return -1;
}

int wtp_mfg_ca_load(const char *dir, struct wtp_ca *ca)
{
	char kp[PATH_MAX], cp[PATH_MAX];
	X509_NAME *n;
	int ret;

	snprintf(kp, sizeof(kp), "%s/%s", dir, WTP_MFG_CA_KEY);
	snprintf(cp, sizeof(cp), "%s/%s", dir, WTP_MFG_CA_CERT);
	if (!load_pair(kp, cp, &ca->key, &ca->cert))
		return 0;
	n = X509_NAME_new();
	if (!n || !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
			(const unsigned char *)"capwap-lsc simulated AP maker",
			-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
			(const unsigned char *)"Simulated Manufacturing CA",
			-1, -1, 0)) {
		X509_NAME_free(n);
		return -1;
	}
	ret = create_pair(kp, cp, NULL, n, 1, &ca->key, &ca->cert);
	X509_NAME_free(n);
	if (!ret)
		lsc_info("made the simulated manufacturer CA in %s", dir);
	return ret;
}

int wtp_factory_load(const char *apdir, const struct wtp_ca *ca,
		     const struct wtp_identity *id, int cert_type,
		     EVP_PKEY **key, X509 **cert)
{
	const char *stem = cert_type == CAPWAP_LSC_CERT_SSC ? "ssc" : "mic";
	char kp[PATH_MAX], cp[PATH_MAX];
	X509_NAME *n;
	int ret;

	snprintf(kp, sizeof(kp), "%s/%s.key", apdir, stem);
	snprintf(cp, sizeof(cp), "%s/%s.crt", apdir, stem);
	if (!load_pair(kp, cp, key, cert))
		return 0;
	if (cert_type == CAPWAP_LSC_CERT_MIC && (!ca || !ca->key)) {
		lsc_err("%s: no MIC and no manufacturer CA to make one", apdir);
		return -1;
	}
	n = wtp_device_name(id);
	if (!n)
		return -1;
	ret = create_pair(kp, cp, cert_type == CAPWAP_LSC_CERT_SSC ? NULL : ca,
			  n, 0, key, cert);
	X509_NAME_free(n);
	return ret;
}
