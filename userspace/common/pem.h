/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_PEM_H
#define LSC_PEM_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/*
 * PEM text of first (if not NULL) followed by every certificate of rest
 * (if not NULL), in a malloc'd buffer.  0 or a negative errno.
 */
int lsc_pem_certs(X509 *first, const STACK_OF(X509) *rest, char **pem,
		  size_t *len);
/* The same, written atomically (lsc_write_file_atomic) with mode. */
int lsc_pem_write_certs(const char *path, X509 *first,
			const STACK_OF(X509) *rest, mode_t mode);
/*
 * Every certificate of the PEM file @path, in file order, into *@certs
 * (the caller frees it with sk_X509_pop_free).  Their number (0: none),
 * or a negative errno: -EBADMSG when a PEM block cannot be read, rather
 * than the certificates before it as though they were all.
 */
int lsc_pem_read_certs(const char *path, STACK_OF(X509) **certs);
/* PKCS#8 PEM, unencrypted, always 0600. */
int lsc_pem_write_key(const char *path, EVP_PKEY *key);

#endif /* LSC_PEM_H */
