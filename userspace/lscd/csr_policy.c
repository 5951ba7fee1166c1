// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "csr_policy.h"
#include "names.h"

void lscd_csr_policy_keys(struct lscd_csr_policy *p, unsigned int min_ap_key_bits)
{
	p->min_rsa_bits = min_ap_key_bits;
	/* Lowering the RSA floor on purpose lowers the EC one with it. */
	p->min_ec_bits = min_ap_key_bits >= 2048 ? 256 : 0;
}

static const char *nid_name(int nid)
{
	const char *s = OBJ_nid2sn(nid);

	return s ? s : "unknown";
}

static int check_subject(X509_REQ *req, const struct lscd_csr_policy *p,
			 char *why, size_t size)
{
	X509_NAME *n = X509_REQ_get_subject_name(req);
	bool seen[CAPWAP_LSC_SUBJ_A_MAX + 1] = { false };
	int i, cn = 0, sn = 0;

	for (i = 0; i < X509_NAME_entry_count(n); i++) {
		X509_NAME_ENTRY *e = X509_NAME_get_entry(n, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		unsigned char *v = NULL;
		int f, len;
		bool same;

		if (nid == NID_commonName) {
			cn++;
			continue;
		}
		if (nid == NID_serialNumber) {
			sn++;
			continue;
		}
		for (f = 1; f <= CAPWAP_LSC_SUBJ_A_MAX; f++)
			if (lsc_subject_field_nid(f) == nid)
				break;
		if (f > CAPWAP_LSC_SUBJ_A_MAX || !p->subject[f][0]) {
			snprintf(why, size, "the CSR's subject has %s, which is not in the configured subject",
				 nid_name(nid));
			return -EPERM;
		}
		len = ASN1_STRING_to_UTF8(&v, X509_NAME_ENTRY_get_data(e));
		same = len >= 0 && (size_t)len == strlen(p->subject[f]) &&
		       !memcmp(v, p->subject[f], (size_t)len);
		OPENSSL_free(v);
		if (!same || seen[f]) {
			snprintf(why, size, "the CSR's subject %s is not the configured one",
				 nid_name(nid));
			return -EPERM;
		}
		seen[f] = true;
	}
	if (cn != 1 || sn > 1) {
		snprintf(why, size, "the CSR's subject has %d CN and %d serialNumber (one and at most one)",
			 cn, sn);
		return -EPERM;
	}
	return 0;
}

static int check_attributes(X509_REQ *req, const struct lscd_csr_policy *p,
			    char *why, size_t size)
{
	STACK_OF(X509_EXTENSION) *exts;
	int i, n, ext_attrs = 0;
	bool one_value = true;

	for (i = 0; i < X509_REQ_get_attr_count(req); i++) {
		X509_ATTRIBUTE *a = X509_REQ_get_attr(req, i);
		int nid = OBJ_obj2nid(X509_ATTRIBUTE_get0_object(a));

		if (nid == NID_pkcs9_challengePassword)
			continue;
		if (nid == NID_ext_req || nid == NID_ms_ext_req) {
			ext_attrs++;
			one_value &= X509_ATTRIBUTE_count(a) == 1;
			continue;
		}
		snprintf(why, size, "the CSR carries the attribute %s (only challengePassword is allowed)",
			 nid == NID_undef ? "of unknown type" : nid_name(nid));
		return -EPERM;
	}
	if (p->allow_extensions)
		return 0;
	/*
	 * X509_REQ_get_extensions() reads the first value of the first such
	 * attribute only; a CA may read them all (Go's crypto/x509 does), so
	 * an empty one in front would hide the rest from this check.
	 */
	if (ext_attrs > 1 || !one_value) {
		snprintf(why, size, "the CSR carries %s extensionRequest (one, with one value, at most)",
			 ext_attrs > 1 ? "more than one" : "a multi-valued");
		return -EPERM;
	}
	exts = X509_REQ_get_extensions(req);
	n = sk_X509_EXTENSION_num(exts);
	if (n > 0) {
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts, 0)));

		snprintf(why, size, "the CSR requests %d extension(s), %s first (csr_allow_extensions is off)",
			 n, nid == NID_undef ? "one of unknown type" : nid_name(nid));
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	ERR_clear_error();
	/* An extensionRequest that does not even parse is refused too. */
	if (n < 0 && X509_REQ_get_attr_by_NID(req, NID_ext_req, -1) >= 0) {
		snprintf(why, size, "the CSR's extensionRequest does not parse");
		return -EPERM;
	}
	return n > 0 ? -EPERM : 0;
}

static int check_key(EVP_PKEY *pub, const struct lscd_csr_policy *p,
		     char *why, size_t size)
{
	unsigned int bits, want;

	if (!pub) {
		snprintf(why, size, "the CSR's key does not parse");
		return -EPERM;
	}
	bits = (unsigned int)EVP_PKEY_get_bits(pub);
	if (EVP_PKEY_is_a(pub, "RSA"))
		want = p->min_rsa_bits;
	else if (EVP_PKEY_is_a(pub, "EC"))
		want = p->min_ec_bits;
	else {
		snprintf(why, size, "the CSR's key is neither RSA nor EC");
		return -EPERM;
	}
	if (bits < want) {
		snprintf(why, size, "the CSR's %s key has %u bits, below the %u of min_ap_key_bits",
			 EVP_PKEY_is_a(pub, "RSA") ? "RSA" : "EC", bits, want);
		return -EPERM;
	}
	return 0;
}

int lscd_csr_policy_check(X509_REQ *req, EVP_PKEY *pub,
			  const struct lscd_csr_policy *p, char *why, size_t size)
{
	int rc = check_subject(req, p, why, size);

	if (!rc)
		rc = check_attributes(req, p, why, size);
	if (!rc)
		rc = check_key(pub, p, why, size);
	return rc;
}
