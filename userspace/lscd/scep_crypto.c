// SPDX-License-Identifier: GPL-2.0
/*
 * OpenSSL's providers for SCEP, the algorithms fetched once, and which of
 * them a CA's capabilities call for.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "log.h"
#include "scep_crypto.h"
#include "scep_names.h"

/* Every algorithm SCEP may pick (scep_caps_cipher, scep_caps_digest). */
static const char *const cipher_names[] = { "AES-128-CBC", "DES-EDE3-CBC", "DES-CBC" };
static const char *const digest_names[] = { "SHA1", "SHA256", "SHA512" };
#define N_CIPHERS (sizeof(cipher_names) / sizeof(cipher_names[0]))
#define N_DIGESTS (sizeof(digest_names) / sizeof(digest_names[0]))

/* The one piece of process-wide state, as scep_crypto.h says. */
static struct {
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *dflt;
	OSSL_PROVIDER *legacy;
	/* No algorithms at all: see strip_certs() in scep_msg.c. */
	OSSL_LIB_CTX *bare;
	OSSL_PROVIDER *null;
	/* Fetched once, not per message; ciphers under lock (legacy loads late). */
	EVP_CIPHER *ciphers[N_CIPHERS];
	EVP_MD *digests[N_DIGESTS];
	/* See scep_lib_pubkey(); under lock, as the ciphers. */
	OSSL_DECODER_CTX *spki;
	EVP_PKEY *spki_out;
	pthread_mutex_t lock;
} scep_lib = { .lock = PTHREAD_MUTEX_INITIALIZER };

/*
 * Private keys in OpenSSL's secure heap: mlock'ed (never swapped out),
 * guarded by inaccessible pages, wiped when freed.  Once the heap is set
 * up, OpenSSL 3 allocates the private parts there by itself: the BIGNUMs
 * of an RSA or EC key the default provider generates (BN_secure_new), and
 * those decoded from a PEM or DER private key (the CBIGNUM ASN.1 type),
 * as CRYPTO_secure_used() shows (tests/unit/test_scep.c).  It must exist
 * before the first key.  1 MiB holds a few hundred RSA-4096 keys; a full
 * heap makes OpenSSL fail the allocation rather than fall back.
 */
#define SECURE_HEAP_SIZE (1024 * 1024)
#define SECURE_HEAP_MIN 16

static void secure_heap_init(void)
{
	int rc;

	if (CRYPTO_secure_malloc_initialized())
		return;
	rc = CRYPTO_secure_malloc_init(SECURE_HEAP_SIZE, SECURE_HEAP_MIN);
	if (!rc)
		lsc_warn("OpenSSL's secure heap cannot be set up: private keys stay in ordinary memory");
	else if (rc == 2)
		lsc_warn("OpenSSL's secure heap could not be locked in memory (RLIMIT_MEMLOCK below %d KiB?): private keys may be swapped out",
			 SECURE_HEAP_SIZE / 1024);
}

int scep_lib_init(void)
{
	size_t i;

	if (scep_lib.libctx)
		return 0;
	secure_heap_init();
	scep_lib.libctx = OSSL_LIB_CTX_new();
	scep_lib.bare = OSSL_LIB_CTX_new();
	if (!scep_lib.libctx || !scep_lib.bare) {
		scep_lib_exit();
		return -ENOMEM;
	}
	scep_lib.dflt = OSSL_PROVIDER_load(scep_lib.libctx, "default");
	/* Loaded, "null" keeps OpenSSL from falling back to "default". */
	scep_lib.null = OSSL_PROVIDER_load(scep_lib.bare, "null");
	if (!scep_lib.dflt || !scep_lib.null) {
		scep_lib_exit();
		return -ENOENT;
	}
	/* Those the default provider lacks come with the legacy provider. */
	ERR_set_mark();
	for (i = 0; i < N_DIGESTS; i++)
		scep_lib.digests[i] = EVP_MD_fetch(scep_lib.libctx, digest_names[i], NULL);
	for (i = 0; i < N_CIPHERS; i++)
		scep_lib.ciphers[i] = EVP_CIPHER_fetch(scep_lib.libctx, cipher_names[i], NULL);
	ERR_pop_to_mark();
	return 0;
}

void scep_lib_exit(void)
{
	size_t i;

	OSSL_DECODER_CTX_free(scep_lib.spki);
	scep_lib.spki = NULL;
	for (i = 0; i < N_DIGESTS; i++) {
		EVP_MD_free(scep_lib.digests[i]);
		scep_lib.digests[i] = NULL;
	}
	for (i = 0; i < N_CIPHERS; i++) {
		EVP_CIPHER_free(scep_lib.ciphers[i]);
		scep_lib.ciphers[i] = NULL;
	}
	if (scep_lib.legacy)
		OSSL_PROVIDER_unload(scep_lib.legacy);
	if (scep_lib.dflt)
		OSSL_PROVIDER_unload(scep_lib.dflt);
	if (scep_lib.null)
		OSSL_PROVIDER_unload(scep_lib.null);
	OSSL_LIB_CTX_free(scep_lib.libctx);
	OSSL_LIB_CTX_free(scep_lib.bare);
	scep_lib.legacy = NULL;
	scep_lib.dflt = NULL;
	scep_lib.null = NULL;
	scep_lib.libctx = NULL;
	scep_lib.bare = NULL;
}

OSSL_LIB_CTX *scep_libctx(void)
{
	return scep_lib.libctx;
}

OSSL_LIB_CTX *scep_lib_bare(void)
{
	return scep_lib.bare;
}

/*
 * A DER SubjectPublicKeyInfo as a key.  OpenSSL 3.0 decodes the key of
 * every request or certificate it parses through an OSSL_DECODER context
 * that it sets up afresh each time, enumerating every decoder and key
 * manager of the library context: a sixth of an RSA-2048 signature.  The
 * same context, set up once and used again, costs a tenth of that.  It
 * lives in the process's default library context, where d2i_X509_REQ()
 * decodes a request's key, so that a key decoded here is the one OpenSSL
 * would have made, and checks a signature just the same.
 */
EVP_PKEY *scep_lib_pubkey(const unsigned char *der, size_t len)
{
	EVP_PKEY *key = NULL;

	ERR_set_mark();
	pthread_mutex_lock(&scep_lib.lock);
	if (!scep_lib.spki)
		scep_lib.spki = OSSL_DECODER_CTX_new_for_pkey(&scep_lib.spki_out, "DER",
							      "SubjectPublicKeyInfo", NULL,
							      EVP_PKEY_PUBLIC_KEY, NULL, NULL);
	scep_lib.spki_out = NULL;
	if (scep_lib.spki && OSSL_DECODER_from_data(scep_lib.spki, &der, &len))
		key = scep_lib.spki_out;
	else
		EVP_PKEY_free(scep_lib.spki_out);
	scep_lib.spki_out = NULL;
	pthread_mutex_unlock(&scep_lib.lock);
	ERR_pop_to_mark();
	return key;
}

static int name_index(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(names[i], name))
			return (int)i;
	return -1;
}

const EVP_MD *scep_lib_digest(const char *name)
{
	int i = name_index(digest_names, N_DIGESTS, name);

	return i < 0 ? NULL : scep_lib.digests[i];
}

/*
 * Fetches a cipher, loading the legacy provider the first time a cipher
 * needs it: single DES is legacy in OpenSSL 3, and some CAs (Debian's
 * scepserver always) encrypt CertRep with it.  The legacy provider is
 * never loaded otherwise, so it cannot be picked by accident.
 */
EVP_CIPHER *scep_lib_fetch_cipher(const char *name, bool trace)
{
	EVP_CIPHER *c;

	ERR_set_mark();
	c = EVP_CIPHER_fetch(scep_lib.libctx, name, NULL);
	ERR_pop_to_mark();
	if (c)
		return c;
	pthread_mutex_lock(&scep_lib.lock);
	if (!scep_lib.legacy) {
		if (trace)
			fprintf(stderr, "scep: cipher %s needs OpenSSL's legacy provider, loading it\n",
				name);
		scep_lib.legacy = OSSL_PROVIDER_load(scep_lib.libctx, "legacy");
	}
	pthread_mutex_unlock(&scep_lib.lock);
	if (!scep_lib.legacy)
		return NULL;
	ERR_set_mark();
	c = EVP_CIPHER_fetch(scep_lib.libctx, name, NULL);
	ERR_pop_to_mark();
	return c;
}

const EVP_CIPHER *scep_lib_cipher(const char *name, bool trace)
{
	int i = name_index(cipher_names, N_CIPHERS, name);
	EVP_CIPHER *c;

	if (i < 0)
		return NULL;
	pthread_mutex_lock(&scep_lib.lock);
	c = scep_lib.ciphers[i];
	pthread_mutex_unlock(&scep_lib.lock);
	if (c)
		return c;
	c = scep_lib_fetch_cipher(name, trace);
	if (!c)
		return NULL;
	pthread_mutex_lock(&scep_lib.lock);
	if (scep_lib.ciphers[i]) {
		/* Another thread was first. */
		EVP_CIPHER_free(c);
		c = scep_lib.ciphers[i];
	} else {
		scep_lib.ciphers[i] = c;
	}
	pthread_mutex_unlock(&scep_lib.lock);
	return c;
}

int scep_lib_need_cipher(const char *name, bool trace)
{
	EVP_CIPHER *c;

	if (name_index(cipher_names, N_CIPHERS, name) >= 0)
		return scep_lib_cipher(name, trace) ? 0 : -ENOTSUP;
	/* Another cipher a CA chose for its reply: checked, not kept. */
	c = scep_lib_fetch_cipher(name, trace);
	EVP_CIPHER_free(c);
	return c ? 0 : -ENOTSUP;
}

int scep_cipher_rank(const char *name, unsigned int *rank)
{
	if (!strcasecmp(name, "des3"))
		*rank = SCEP_CIPHER_DES3;
	else if (!strcasecmp(name, "aes128") || !strcasecmp(name, "aes"))
		*rank = SCEP_CIPHER_AES128;
	else
		return -EINVAL;
	return 0;
}

int scep_digest_rank(const char *name, unsigned int *rank)
{
	if (!strcasecmp(name, "sha1"))
		*rank = SCEP_DIGEST_SHA1;
	else if (!strcasecmp(name, "sha256"))
		*rank = SCEP_DIGEST_SHA256;
	else if (!strcasecmp(name, "sha512"))
		*rank = SCEP_DIGEST_SHA512;
	else
		return -EINVAL;
	return 0;
}

/*
 * AES and SHA-256 whenever the CA says so ("SCEPStandard" implies both).
 * A CA that did not answer GetCACaps implies 3DES and SHA-1 (every CA
 * since Windows 2003's NDES takes them).  A CA listing capabilities but
 * neither AES nor DES3 offers only single DES, which lscd never uses:
 * GetCACaps is unauthenticated, so trusting it down to DES would let
 * anyone on the path read the challenge password.
 */
int scep_caps_pick(unsigned int caps, unsigned int min_cipher,
		   unsigned int min_digest, const char **cipher,
		   const char **digest, char *err, size_t errlen)
{
	bool known = caps & SCEP_CAPS_KNOWN;
	bool aes = caps & (SCEP_CAP_AES | SCEP_CAP_STANDARD);
	bool des3 = (caps & SCEP_CAP_DES3) || !known;
	bool sha256 = caps & (SCEP_CAP_SHA256 | SCEP_CAP_STANDARD);
	bool sha512 = caps & SCEP_CAP_SHA512;
	const char *why = known ? "its GetCACaps lists" :
			  "it did not answer GetCACaps, which implies";

	if (aes)
		*cipher = "AES-128-CBC";
	else if (des3 && min_cipher <= SCEP_CIPHER_DES3)
		*cipher = "DES-EDE3-CBC";
	else {
		snprintf(err, errlen,
			 "CA refused: %s %s, below min_cipher %s (single DES is never used)",
			 why, des3 ? "3DES at best" : "no cipher but single DES",
			 min_cipher == SCEP_CIPHER_AES128 ? "aes128" : "des3");
		return -ENOTSUP;
	}
	if (sha256 && min_digest <= SCEP_DIGEST_SHA256)
		*digest = "SHA256";
	else if (sha512)
		*digest = "SHA512";
	else if (min_digest <= SCEP_DIGEST_SHA1)
		*digest = "SHA1";
	else {
		snprintf(err, errlen, "CA refused: %s %s, below min_digest %s",
			 why, sha256 ? "SHA-256 at best" : "SHA-1 at best",
			 min_digest == SCEP_DIGEST_SHA512 ? "sha512" : "sha256");
		return -ENOTSUP;
	}
	return 0;
}

void scep_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	unsigned long e = ERR_peek_error();
	va_list ap;
	int n;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (e && n >= 0 && (size_t)n < errlen) {
		char buf[256];

		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err + n, errlen - (size_t)n, " (%s)", buf);
	}
	ERR_clear_error();
}
