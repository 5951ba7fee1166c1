/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an AP's certificate request may ask for: lscd signs the request
 * (SCEP's RA role) and the CA may copy whatever it carries, so nothing
 * beyond the AP's own identity goes through.
 */
#ifndef LSCD_CSR_POLICY_H
#define LSCD_CSR_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/capwap_lsc.h>
#include <openssl/x509.h>

struct lscd_csr_policy {
	/* The subject the APs are told to use (the module's), by field. */
	char subject[CAPWAP_LSC_SUBJ_A_MAX + 1][CAPWAP_LSC_MAX_SUBJECT_LEN + 1];
	bool allow_extensions;		/* csr_allow_extensions */
	unsigned int min_rsa_bits;	/* min_ap_key_bits */
	unsigned int min_ec_bits;
};

/* EC floor from min_ap_key_bits: P-256 unless lowered below 2048. */
void lscd_csr_policy_keys(struct lscd_csr_policy *p, unsigned int min_ap_key_bits);

/*
 * 0 when req asks for nothing but the configured subject fields (each
 * with its configured value), one CN, at most one serialNumber, no
 * attribute but challengePassword (and extensionRequest only when allowed)
 * and a key (pub, the request's) no weaker than the minimum; -EPERM with
 * why otherwise.
 */
int lscd_csr_policy_check(X509_REQ *req, EVP_PKEY *pub,
			  const struct lscd_csr_policy *p, char *why, size_t size);

#endif /* LSCD_CSR_POLICY_H */
