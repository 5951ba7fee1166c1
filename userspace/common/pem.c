// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "fileio.h"
#include "pem.h"

static int bio_text(BIO *b, char **out, size_t *len)
{
	char *p;
	long l = BIO_get_mem_data(b, &p);

	if (l < 0)
		return -EIO;
	*out = malloc((size_t)l + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, p, (size_t)l);
	(*out)[l] = '\0';
	*len = (size_t)l;
	return 0;
}

int lsc_pem_read_certs(const char *path, STACK_OF(X509) **certs)
{
	BIO *b = BIO_new_file(path, "r");
	STACK_OF(X509) *sk = sk_X509_new_null();
	unsigned long err;
	X509 *x;
	int n;

	*certs = NULL;
	if (!b || !sk) {
		n = b ? -ENOMEM : -errno ? -errno : -ENOENT;
		BIO_free(b);
		sk_X509_free(sk);
		ERR_clear_error();
		return n;
	}
	ERR_clear_error();
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			sk = NULL;
			break;
		}
	/* The file's end reads as "no start line"; anything else is damage. */
	err = ERR_peek_last_error();
	if (sk && err && !(ERR_GET_LIB(err) == ERR_LIB_PEM &&
			   ERR_GET_REASON(err) == PEM_R_NO_START_LINE)) {
		sk_X509_pop_free(sk, X509_free);
		BIO_free(b);
		ERR_clear_error();
		return -EBADMSG;
	}
	BIO_free(b);
	ERR_clear_error();
	if (!sk)
		return -ENOMEM;
	*certs = sk;
	return sk_X509_num(sk);
}

int lsc_pem_certs(X509 *first, const STACK_OF(X509) *rest, char **pem,
		  size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int i, rc = -ENOMEM;

	if (!b)
		return rc;
	if (first && !PEM_write_bio_X509(b, first))
		goto out;
	for (i = 0; rest && i < sk_X509_num(rest); i++)
		if (!PEM_write_bio_X509(b, sk_X509_value(rest, i)))
			goto out;
	rc = bio_text(b, pem, len);
out:
	BIO_free(b);
	ERR_clear_error();
	return rc;
}

int lsc_pem_write_certs(const char *path, X509 *first,
			const STACK_OF(X509) *rest, mode_t mode)
{
	char *pem = NULL;
	size_t len = 0;
	int rc = lsc_pem_certs(first, rest, &pem, &len);

	if (!rc)
		rc = lsc_write_file_atomic(path, pem, len, mode);
	free(pem);
	return rc;
}

int lsc_pem_write_key(const char *path, EVP_PKEY *key)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long l;
	int rc = -ENOMEM;

	if (b && PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL)) {
		l = BIO_get_mem_data(b, &p);
		rc = lsc_write_file_atomic(path, p, (size_t)l, 0600);
	}
	BIO_free(b);
	ERR_clear_error();
	return rc;
}
