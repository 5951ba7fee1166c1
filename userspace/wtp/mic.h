/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated factory credentials: a manufacturer CA made once per state
 * directory and, per AP, a MIC it signs or a self-signed certificate
 * (SSC), both named like a real AP's (CN C<model>-<mac>).  Made on first
 * use and reused, so repeated runs join with the same identities.
 */
#ifndef WTP_MIC_H
#define WTP_MIC_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lsc.h"

#define WTP_MFG_CA_KEY "mfg-ca.key"
#define WTP_MFG_CA_CERT "mfg-ca.crt"

struct wtp_ca {
	EVP_PKEY *key;
	X509 *cert;
};

/*
 * A certificate for @pub with @subject, signed by @ca (self-signed with
 * @self_key when @ca is NULL), SHA-256, valid from an hour ago for @days.
 */
X509 *wtp_cert_issue(const struct wtp_ca *ca, EVP_PKEY *self_key,
		     EVP_PKEY *pub, const X509_NAME *subject, int days,
		     int is_ca);
/* The AP's MIC/SSC subject: CN, serialNumber, and the simulated maker. */
X509_NAME *wtp_device_name(const struct wtp_identity *id);

int wtp_mfg_ca_load(const char *dir, struct wtp_ca *ca);
void wtp_ca_free(struct wtp_ca *ca);

/*
 * The AP's factory credential in @apdir (mic.* or ssc.*), made when
 * missing.  @ca is needed only for a MIC.  0, or -1 with a logged reason.
 */
int wtp_factory_load(const char *apdir, const struct wtp_ca *ca,
		     const struct wtp_identity *id, int cert_type,
		     EVP_PKEY **key, X509 **cert);

#endif /* WTP_MIC_H */
