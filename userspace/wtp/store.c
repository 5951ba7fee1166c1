// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "fileio.h"
#include "log.h"
#include "pem.h"
#include "store.h"

int wtp_store_mkdir(const char *path)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

EVP_PKEY *wtp_store_read_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *key;

	if (!f)
		return NULL;
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return key;
}

X509 *wtp_store_read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (!f)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

STACK_OF(X509) *wtp_store_read_certs(const char *path)
{
	STACK_OF(X509) *sk;
	FILE *f = fopen(path, "r");
	X509 *x;

	if (!f)
		return NULL;
	sk = sk_X509_new_null();
	while (sk && (x = PEM_read_X509(f, NULL, NULL, NULL)))
		sk_X509_push(sk, x);
	ERR_clear_error();	/* the end of the file reads as an error */
	fclose(f);
	if (sk && !sk_X509_num(sk)) {
		sk_X509_free(sk);
		return NULL;
	}
	return sk;
}

static void join(char *out, size_t size, const char *dir, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

int wtp_store_install_lsc(const char *dir, EVP_PKEY *key, X509 *cert,
			  STACK_OF(X509) *cas)
{
	char path[PATH_MAX];
	int ret;

	join(path, sizeof(path), dir, WTP_LSC_CA);
	ret = lsc_pem_write_certs(path, NULL, cas, 0644);
	if (ret)
		return ret;
	join(path, sizeof(path), dir, WTP_LSC_KEY);
	ret = lsc_pem_write_key(path, key);
	if (ret)
		return ret;
	join(path, sizeof(path), dir, WTP_LSC_CERT);
	return lsc_pem_write_certs(path, cert, NULL, 0644);
}

int wtp_store_load_lsc(const char *dir, const struct wtp_identity *id,
		       EVP_PKEY **keyp, X509 **certp, STACK_OF(X509) **casp)
{
	char path[PATH_MAX], why[256];
	STACK_OF(X509) *cas;
	EVP_PKEY *key;
	X509 *cert;

	join(path, sizeof(path), dir, WTP_LSC_KEY);
	key = wtp_store_read_key(path);
	join(path, sizeof(path), dir, WTP_LSC_CERT);
	cert = wtp_store_read_cert(path);
	join(path, sizeof(path), dir, WTP_LSC_CA);
	cas = wtp_store_read_certs(path);
	ERR_clear_error();
	if (key && cert && cas &&
	    wtp_cert_check(key, cert, cas, id, why, sizeof(why)) ==
	    CAPWAP_LSC_RESULT_SUCCESS) {
		*keyp = key;
		*certp = cert;
		*casp = cas;
		return 0;
	}
	if (key || cert || cas)
		lsc_warn("%s: ignoring the LSC on disk: %s", dir,
			 key && cert && cas ? why : "incomplete");
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(cas, X509_free);
	return -1;
}

void wtp_store_remove_lsc(const char *dir)
{
	static const char *const names[] = { WTP_LSC_CERT, WTP_LSC_KEY, WTP_LSC_CA };
	char path[PATH_MAX];
	unsigned int i;

	/* The certificate first, for the same reason it is installed last. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		join(path, sizeof(path), dir, names[i]);
		unlink(path);
	}
}
