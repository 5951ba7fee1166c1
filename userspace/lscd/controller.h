/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_CONTROLLER_H
#define LSCD_CONTROLLER_H

/*
 * The controller's own identity under the state directory:
 *   controller.key   its private key (PEM, 0600), made once
 *   controller.crt   its LSC from the CA (PEM)
 *   ca.pem           the CA certificate (PEM), for operators and openssl
 *   ca.p7, ca.caps   what GetCACert/GetCACaps returned, so that a restart
 *                    while the CA is down still knows the CA
 * Signers are never changed in place: transactions in flight keep the one
 * that signed their request, which the CA encrypted its reply to.
 */

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "kernel.h"
#include "scep_ca.h"
#include "scep_signer.h"

struct lscd_controller {
	char *dir;
	EVP_PKEY *key;
	X509 *cert;			/* the LSC, or NULL */
	/* Key with LSC or self-signed; transactions hold their own refs. */
	struct scep_signer *signer;
	bool unsaved;			/* cert is not in controller.crt yet */
};

int lscd_ctrl_load(struct lscd_controller *c, const struct lscd_config *cfg);
void lscd_ctrl_release(struct lscd_controller *c);
/* A PKCS#10 request with the configured subject and challenge. */
int lscd_ctrl_csr(const struct lscd_controller *c,
		  const struct lscd_config *cfg, uint8_t **der, size_t *len);
/* Takes cert into use, then saves it: an error means "in use, not saved". */
int lscd_ctrl_install(struct lscd_controller *c, X509 *cert);
/* Writes the certificate in use to controller.crt. */
int lscd_ctrl_save(struct lscd_controller *c);
/* 0 when the LSC is present, from ca, and not within renew_days. */
int lscd_ctrl_check(const struct lscd_controller *c, const struct scep_ca *ca,
		    const struct lscd_config *cfg, const char **why);
void lscd_ctrl_status(const struct lscd_controller *c, const struct scep_ca *ca,
		      const char *url, struct lscd_ctrl_status *st);

int lscd_ca_cache_save(const char *dir, const struct scep_ca *ca);
int lscd_ca_cache_load(const char *dir, const char *url, struct scep_ca **out);

uint64_t lscd_cert_expiry(X509 *x);

#endif /* LSCD_CONTROLLER_H */
