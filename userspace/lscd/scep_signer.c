// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pem.h"
#include "scep_crypto.h"
#include "scep_signer.h"

int scep_signer_generate(struct scep_signer *signer, const char *cn)
{
	EVP_PKEY *key;
	X509 *x = NULL;
	X509_NAME *name = NULL;
	uint64_t serial;
	int ok = 0;

	key = EVP_PKEY_Q_keygen(scep_libctx(), NULL, "RSA", (size_t)2048);
	if (!key)
		return -ENOMEM;
	x = X509_new_ex(scep_libctx(), NULL);
	name = X509_NAME_new();
	if (!x || !name || RAND_bytes((unsigned char *)&serial, sizeof(serial)) != 1)
		goto out;
	serial >>= 1;
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial) ||
	    !X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) ||
	    /* An hour back, so a CA whose clock runs behind still accepts it. */
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 7 * 24 * 3600) ||
	    !X509_set_pubkey(x, key) ||
	    !X509_sign(x, key, EVP_sha256()))
		goto out;
	ok = 1;
out:
	X509_NAME_free(name);
	ERR_clear_error();
	if (!ok) {
		X509_free(x);
		EVP_PKEY_free(key);
		return -ENOMEM;
	}
	signer->key = key;
	signer->cert = x;
	return 0;
}

int scep_signer_load(struct scep_signer *signer, const char *key_path,
		     const char *cert_path)
{
	BIO *b;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;

	b = BIO_new_file(key_path, "r");
	if (b) {
		key = PEM_read_bio_PrivateKey_ex(b, NULL, NULL, NULL,
						 scep_libctx(), NULL);
		BIO_free(b);
	}
	b = BIO_new_file(cert_path, "r");
	if (b) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	if (!key || !x || X509_check_private_key(x, key) != 1) {
		ERR_clear_error();
		EVP_PKEY_free(key);
		X509_free(x);
		return !key || !x ? -ENOENT : -EINVAL;
	}
	signer->key = key;
	signer->cert = x;
	return 0;
}

void scep_signer_release(struct scep_signer *signer)
{
	EVP_PKEY_free(signer->key);
	X509_free(signer->cert);
	signer->key = NULL;
	signer->cert = NULL;
}

/* Good for at least another day, so that no run starts with it expiring. */
static bool fresh_enough(X509 *x)
{
	time_t t = time(NULL) + 86400;

	return X509_cmp_time(X509_get0_notAfter(x), &t) > 0;
}

static int mkdir_p(const char *dir)
{
	char *copy = strdup(dir), *p, c;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (p = copy + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(copy, 0700) && errno != EEXIST) {
			rc = -errno;
			break;
		}
		if (!c)
			break;
		*p = c;
	}
	free(copy);
	return rc;
}

int scep_signer_cached(struct scep_signer *signer, const char *dir,
		       const char *cn, bool *made)
{
	char *kpath = NULL, *cpath = NULL;
	int rc;

	*made = false;
	if (asprintf(&kpath, "%s/signer.key", dir) < 0)
		return -ENOMEM;
	if (asprintf(&cpath, "%s/signer.crt", dir) < 0) {
		free(kpath);
		return -ENOMEM;
	}
	if (!scep_signer_load(signer, kpath, cpath)) {
		if (fresh_enough(signer->cert))
			goto out;
		scep_signer_release(signer);
	}
	rc = scep_signer_generate(signer, cn);
	if (rc)
		goto fail;
	*made = true;
	/* Certificate last: a key without it is remade, never half used. */
	rc = mkdir_p(dir);
	if (!rc)
		rc = lsc_pem_write_key(kpath, signer->key);
	if (!rc)
		rc = lsc_pem_write_certs(cpath, signer->cert, NULL, 0644);
	if (rc) {
		/* The identity still serves this run. */
		rc = 1;
		goto out_rc;
	}
out:
	rc = 0;
out_rc:
	free(kpath);
	free(cpath);
	return rc;
fail:
	free(kpath);
	free(cpath);
	return rc;
}
