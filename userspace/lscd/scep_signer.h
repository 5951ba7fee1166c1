/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The identity that signs the outer SignedData of every request (the
 * controller, as the APs' proxy), and to which the CA encrypts its reply.
 */
#ifndef LSCD_SCEP_SIGNER_H
#define LSCD_SCEP_SIGNER_H

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
void scep_signer_release(struct scep_signer *signer);

#endif /* LSCD_SCEP_SIGNER_H */
