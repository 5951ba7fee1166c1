/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The identity that signs the outer SignedData of every request (the
 * controller, as the APs' proxy), and to which the CA encrypts its reply.
 */
#ifndef LSCD_SCEP_SIGNER_H
#define LSCD_SCEP_SIGNER_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct scep_signer {
	EVP_PKEY *key;
	X509 *cert;
};

/* A fresh RSA-2048 key with a self-signed certificate named cn. */
int scep_signer_generate(struct scep_signer *signer, const char *cn);
/* PEM key and certificate; -ENOENT unreadable, -EINVAL not a pair. */
int scep_signer_load(struct scep_signer *signer, const char *key_path,
		     const char *cert_path);
/*
 * DIR/signer.key and DIR/signer.crt when they hold a pair good for another
 * day, else a fresh one saved there (DIR made 0700, the key 0600) for the
 * next run.  0, 1 when the fresh one could not be saved (it still serves),
 * or a negative errno.  *made tells whether a key was generated.
 */
int scep_signer_cached(struct scep_signer *signer, const char *dir,
		       const char *cn, bool *made);
void scep_signer_release(struct scep_signer *signer);

#endif /* LSCD_SCEP_SIGNER_H */
