// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_ca.h"
#include "log.h"
#include "numparse.h"
#include "pem.h"
#include "scep_cert.h"
#include "scep_crypto.h"
#include "trust.h"
#include <openssl/pem.h>

void lscd_ca_opts_init(struct lscd_ca_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->http.connect_timeout_ms = 5000;
	o->http.timeout_ms = 30000;
	o->http.retries = 3;
	o->http.retry_initial_ms = 500;
	o->http.retry_max_ms = 8000;
	lscd_ca_policy_init(&o->pol);
}

static int pin_from_file(struct lscd_ca_opts *o, const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	int rc;

	if (f)
		fclose(f);
	if (!x) {
		lsc_err("--ca-file %s: no PEM certificate in it", path);
		return -1;
	}
	rc = scep_cert_fingerprint(x, o->pin);
	X509_free(x);
	if (rc)
		return -1;
	o->fingerprint = o->pin;
	return 1;
}

int lscd_ca_opt(struct lscd_ca_opts *o, int c, const char *arg)
{
	unsigned long n;
	unsigned int v;

	switch (c) {
	case 'u': o->url = arg; return 1;
	case 'f':
		if (lscd_fp_normalize(arg, o->pin)) {
			lsc_err("--fingerprint: expected 64 hex digits (SHA-256), colons allowed");
			return -1;
		}
		o->fingerprint = o->pin;
		return 1;
	case LSCD_OPT_CA_FILE: return pin_from_file(o, arg);
	case LSCD_OPT_CA_ROOT: o->pol.root_file = arg; return 1;
	case LSCD_OPT_MIN_CIPHER:
		if (scep_cipher_rank(arg, &o->pol.min_cipher))
			goto bad;
		return 1;
	case LSCD_OPT_MIN_DIGEST:
		if (scep_digest_rank(arg, &o->pol.min_digest))
			goto bad;
		return 1;
	case 'o': o->out_dir = arg; return 1;
	case 't': o->trace = true; o->http.trace = true; return 1;
	case LSCD_OPT_CA_BUNDLE: o->http.ca_bundle = arg; return 1;
	case LSCD_OPT_PINNED_PUBKEY: o->http.pinned_pubkey = arg; return 1;
	case LSCD_OPT_CONNECT_TIMEOUT:
		if (lsc_parse_secs(arg, 86400.0 * 30, &v) || !v)
			goto bad;
		o->http.connect_timeout_ms = v;
		return 1;
	case LSCD_OPT_TIMEOUT:
		if (lsc_parse_secs(arg, 86400.0 * 30, &v) || !v)
			goto bad;
		o->http.timeout_ms = v;
		return 1;
	case LSCD_OPT_RETRIES:
		if (lsc_parse_uint(arg, 0, 100, &n))
			goto bad;
		o->http.retries = (unsigned int)n;
		return 1;
	case LSCD_OPT_RETRY_DELAY:
		if (lsc_parse_secs(arg, 86400.0 * 30, &v))
			goto bad;
		o->http.retry_initial_ms = v;
		if (o->http.retry_max_ms < v)
			o->http.retry_max_ms = v;
		return 1;
	}
	return 0;
bad:
	lsc_err("invalid value '%s'", arg);
	return -1;
}

int lscd_write_pem(const char *dir, const char *name, X509 *first,
		   const STACK_OF(X509) *rest)
{
	char *path = NULL;
	int rc;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	rc = lsc_pem_write_certs(path, first, rest, 0644);
	if (rc)
		lsc_err("cannot write %s: %s", path, strerror(-rc));
	free(path);
	return rc;
}

int lscd_check_out_dir(const char *dir)
{
	struct stat st;
	char *probe = NULL;
	int fd, rc = 0;

	if (stat(dir, &st)) {
		rc = -errno;
		lsc_err("--out %s: %s", dir, strerror(errno));
		return rc;
	}
	if (!S_ISDIR(st.st_mode)) {
		lsc_err("--out %s: not a directory", dir);
		return -ENOTDIR;
	}
	/* Writing is the only test that holds for root and read-only mounts. */
	if (asprintf(&probe, "%s/.lscd-probe.XXXXXX", dir) < 0)
		return -ENOMEM;
	fd = mkstemp(probe);
	if (fd < 0) {
		rc = -errno;
		lsc_err("--out %s: cannot write there: %s", dir, strerror(errno));
	} else {
		close(fd);
		unlink(probe);
	}
	free(probe);
	return rc;
}
