/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An AP's state directory: its MIC or SSC and, once provisioned, its LSC:
 * key, certificate and CA chain (lsc.key, lsc.crt, lsc-ca.pem) in a set
 * directory lsc-set.XXXXXX of their own, made current by the symbolic
 * link "lsc"; lsc.key, lsc.crt and lsc-ca.pem in the state directory are
 * links through it.
 */
#ifndef WTP_STORE_H
#define WTP_STORE_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lsc.h"

#define WTP_LSC_KEY "lsc.key"
#define WTP_LSC_CERT "lsc.crt"
#define WTP_LSC_CA "lsc-ca.pem"
#define WTP_LSC_LINK "lsc"
#define WTP_LSC_SET_PREFIX "lsc-set."

/* mkdir -p with mode 0700; 0 or a negative errno. */
int wtp_store_mkdir(const char *path);

EVP_PKEY *wtp_store_read_key(const char *path);
X509 *wtp_store_read_cert(const char *path);
STACK_OF(X509) *wtp_store_read_certs(const char *path);

/*
 * Installs an LSC that passed wtp_cert_check() as one set: written into a
 * new set directory, made current by renaming the "lsc" link over the old
 * one, then the old set removed.  A crash at any point leaves the LSC in
 * use or the new one, whole.  On a @renewal (the AP runs with the LSC on
 * disk), the new chain must keep its root (wtp_chain_keeps_root): else
 * -EPERM, logged, and the LSC in use stays.  A first enrollment (the AP
 * joined with its MIC or SSC) replaces whatever is there.  0 or a
 * negative errno.
 */
int wtp_store_install_lsc(const char *dir, EVP_PKEY *key, X509 *cert,
			  bool renewal, STACK_OF(X509) *cas);
/* 0 with all three set when @dir holds a usable LSC for @id, else -1. */
int wtp_store_load_lsc(const char *dir, const struct wtp_identity *id,
		       EVP_PKEY **key, X509 **cert, STACK_OF(X509) **cas);
void wtp_store_remove_lsc(const char *dir);

#endif /* WTP_STORE_H */
