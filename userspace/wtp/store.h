/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An AP's state directory: its MIC or SSC and, once provisioned, its LSC
 * (lsc.key, lsc.crt, lsc-ca.pem).  Every file is replaced atomically.
 */
#ifndef WTP_STORE_H
#define WTP_STORE_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lsc.h"

#define WTP_LSC_KEY "lsc.key"
#define WTP_LSC_CERT "lsc.crt"
#define WTP_LSC_CA "lsc-ca.pem"

/* mkdir -p with mode 0700; 0 or a negative errno. */
int wtp_store_mkdir(const char *path);

EVP_PKEY *wtp_store_read_key(const char *path);
X509 *wtp_store_read_cert(const char *path);
STACK_OF(X509) *wtp_store_read_certs(const char *path);

/*
 * Installs an LSC that passed wtp_cert_check().  The certificate is
 * written last: a crash part-way leaves a key and CA that do not match
 * the certificate on disk, which wtp_store_load_lsc() refuses, so a torn
 * install reads as "no LSC" and never as a broken one.
 */
int wtp_store_install_lsc(const char *dir, EVP_PKEY *key, X509 *cert,
			  STACK_OF(X509) *cas);
/* 0 with all three set when @dir holds a usable LSC for @id, else -1. */
int wtp_store_load_lsc(const char *dir, const struct wtp_identity *id,
		       EVP_PKEY **key, X509 **cert, STACK_OF(X509) **cas);
void wtp_store_remove_lsc(const char *dir);

#endif /* WTP_STORE_H */
