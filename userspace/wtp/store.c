// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

/* An over-long path comes out empty, which no open() finds. */
static void join(char *out, size_t size, const char *dir, const char *name)
{
	if (snprintf(out, size, "%s/%s", dir, name) >= (int)size)
		out[0] = '\0';
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		rc = -errno;
	close(fd);
	return rc;
}

/* Points @dir/@name at @target, atomically (a temporary link renamed). */
static int swap_link(const char *dir, const char *name, const char *target)
{
	char path[PATH_MAX], tmp[PATH_MAX], cur[PATH_MAX];
	ssize_t n;

	join(path, sizeof(path), dir, name);
	n = readlink(path, cur, sizeof(cur) - 1);
	if (n >= 0) {
		cur[n] = '\0';
		if (!strcmp(cur, target))
			return 0;
	}
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.link", dir, name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (symlink(target, tmp))
		return -errno;
	if (rename(tmp, path)) {
		int rc = -errno;

		unlink(tmp);
		return rc;
	}
	return 0;
}

static void remove_set(const char *dir, const char *set)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	/* The three files, and the temporaries a crash mid-write left. */
	join(path, sizeof(path), dir, set);
	d = opendir(path);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(path);
}

/* Every set but @keep: the one replaced, and those a crash left half made. */
static void remove_other_sets(const char *dir, const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, WTP_LSC_SET_PREFIX,
			     strlen(WTP_LSC_SET_PREFIX)) &&
		    (!keep || strcmp(e->d_name, keep)))
			remove_set(dir, e->d_name);
	closedir(d);
}

/* The set @dir/lsc points to, as a name in @dir; -1 when there is none. */
static int current_set(const char *dir, char *set, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;

	join(path, sizeof(path), dir, WTP_LSC_LINK);
	n = readlink(path, set, size - 1);
	if (n < 0)
		return -1;
	set[n] = '\0';
	return strchr(set, '/') ? -1 : 0;
}

static STACK_OF(X509) *installed_cas(const char *dir)
{
	char set[NAME_MAX + 1], sdir[PATH_MAX], path[PATH_MAX];

	if (current_set(dir, set, sizeof(set))) {
		/* The three files of before sets existed. */
		join(path, sizeof(path), dir, WTP_LSC_CA);
		return wtp_store_read_certs(path);
	}
	join(sdir, sizeof(sdir), dir, set);
	join(path, sizeof(path), sdir, WTP_LSC_CA);
	return wtp_store_read_certs(path);
}

int wtp_store_install_lsc(const char *dir, EVP_PKEY *key, X509 *cert,
			  bool renewal, STACK_OF(X509) *cas)
{
	static const char *const names[] = { WTP_LSC_CERT, WTP_LSC_KEY, WTP_LSC_CA };
	char set[PATH_MAX], path[PATH_MAX], why[256];
	STACK_OF(X509) *have = renewal ? installed_cas(dir) : NULL;
	const char *base;
	unsigned int i;
	int ret;

	if (have) {
		ret = wtp_chain_keeps_root(cas, have, why, sizeof(why));
		sk_X509_pop_free(have, X509_free);
		if (ret != CAPWAP_LSC_RESULT_SUCCESS) {
			lsc_err("%s: LSC not installed, the one in use stays: %s", dir, why);
			return -EPERM;
		}
	}
	ERR_clear_error();
	/*
	 * The three files go into a directory of their own, which one rename
	 * of the "lsc" link makes current: a crash at any point leaves the
	 * set in use whole, or the new one whole, never a mix of the two.
	 */
	if (snprintf(set, sizeof(set), "%s/" WTP_LSC_SET_PREFIX "XXXXXX", dir) >=
	    (int)sizeof(set))
		return -ENAMETOOLONG;
	if (!mkdtemp(set))
		return -errno;
	base = strrchr(set, '/') + 1;
	join(path, sizeof(path), set, WTP_LSC_CA);
	ret = lsc_pem_write_certs(path, NULL, cas, 0644);
	join(path, sizeof(path), set, WTP_LSC_KEY);
	if (!ret)
		ret = lsc_pem_write_key(path, key);
	join(path, sizeof(path), set, WTP_LSC_CERT);
	if (!ret)
		ret = lsc_pem_write_certs(path, cert, NULL, 0644);
	if (!ret)
		ret = swap_link(dir, WTP_LSC_LINK, base);
	if (!ret)
		ret = fsync_dir(dir);
	if (ret) {
		remove_set(dir, base);
		return ret;
	}
	/* The usual names, for people and tools, lead into the set in use. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		join(path, sizeof(path), WTP_LSC_LINK, names[i]);
		if (swap_link(dir, names[i], path))
			lsc_warn("%s: cannot link %s into the LSC set", dir, names[i]);
	}
	fsync_dir(dir);
	remove_other_sets(dir, base);
	return 0;
}

int wtp_store_load_lsc(const char *dir, const struct wtp_identity *id,
		       EVP_PKEY **keyp, X509 **certp, STACK_OF(X509) **casp)
{
	char path[PATH_MAX], why[256], set[NAME_MAX + 1], from[PATH_MAX];
	STACK_OF(X509) *cas;
	EVP_PKEY *key;
	X509 *cert;

	/* Without a set, the three files an earlier version installed. */
	if (current_set(dir, set, sizeof(set)))
		snprintf(from, sizeof(from), "%s", dir);
	else
		join(from, sizeof(from), dir, set);
	join(path, sizeof(path), from, WTP_LSC_KEY);
	key = wtp_store_read_key(path);
	join(path, sizeof(path), from, WTP_LSC_CERT);
	cert = wtp_store_read_cert(path);
	join(path, sizeof(path), from, WTP_LSC_CA);
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
		lsc_warn("%s: ignoring the LSC on disk: %s", from,
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

	/* The link first: from then on there is no LSC, whatever follows. */
	join(path, sizeof(path), dir, WTP_LSC_LINK);
	unlink(path);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		join(path, sizeof(path), dir, names[i]);
		unlink(path);
	}
	fsync_dir(dir);
	remove_other_sets(dir, NULL);
}
