/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The OpenSSL side of SCEP: one library context with the "default"
 * provider ("legacy" loaded only when a CA's reply needs it), the ciphers
 * and digests SCEP picks, fetched once, and the choice among them from a
 * CA's capabilities.  This library context is the only process-wide
 * state of the SCEP engine; everything else is reentrant.
 */
#ifndef LSCD_SCEP_CRYPTO_H
#define LSCD_SCEP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

int scep_lib_init(void);
void scep_lib_exit(void);
OSSL_LIB_CTX *scep_libctx(void);
/* A library context with no algorithms at all (the "null" provider). */
OSSL_LIB_CTX *scep_lib_bare(void);

/* A DER SubjectPublicKeyInfo as a key (new reference); NULL if it is none. */
EVP_PKEY *scep_lib_pubkey(const unsigned char *der, size_t len);

/* A digest SCEP uses, fetched at scep_lib_init(); NULL if unknown. */
const EVP_MD *scep_lib_digest(const char *name);
/* One of the ciphers SCEP picks, fetched once; NULL if unavailable. */
const EVP_CIPHER *scep_lib_cipher(const char *name, bool trace);
/* Any cipher, loading "legacy" if it must; the caller frees it. */
EVP_CIPHER *scep_lib_fetch_cipher(const char *name, bool trace);
/* Makes sure the cipher can be fetched, loading "legacy" if it must. */
int scep_lib_need_cipher(const char *name, bool trace);

/*
 * The weakest algorithms lscd may use for a request, in order of strength.
 * Single DES and MD5 have no rank: they are never used.
 */
enum scep_alg_rank {
	SCEP_CIPHER_DES3 = 1,
	SCEP_CIPHER_AES128,
	SCEP_DIGEST_SHA1 = 1,
	SCEP_DIGEST_SHA256,
	SCEP_DIGEST_SHA512,
};
/* "des3", "aes128" / "sha1", "sha256", "sha512"; -EINVAL otherwise. */
int scep_cipher_rank(const char *name, unsigned int *rank);
int scep_digest_rank(const char *name, unsigned int *rank);

/*
 * Algorithms for requests from a CA's capabilities (RFC 8894 sections
 * 3.5.2, 2.9), no weaker than the minimum ranks: OpenSSL names, or
 * -ENOTSUP with err saying what the CA offers and what was wanted.
 */
int scep_caps_pick(unsigned int caps, unsigned int min_cipher,
		   unsigned int min_digest, const char **cipher,
		   const char **digest, char *err, size_t errlen);

/* printf into err, with OpenSSL's first queued error appended. */
void scep_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* LSCD_SCEP_CRYPTO_H */
