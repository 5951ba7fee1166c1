// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fileio.h"
#include "hex.h"
#include "journal.h"
#include "log.h"

#define MAX_ENTRY_LEN (64 * 1024)

static const char *const state_names[__LSCD_J_MAX] = {
	[LSCD_J_ACCEPTED] = "accepted",
	[LSCD_J_SENT] = "sent",
	[LSCD_J_PENDING] = "pending",
	[LSCD_J_ISSUED] = "issued",
	[LSCD_J_FAILED] = "failed",
};

const char *lscd_jstate_name(enum lscd_jstate s)
{
	return s < __LSCD_J_MAX ? state_names[s] : "unknown";
}

int lscd_csr_hash(const uint8_t *csr, size_t len, char hex[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	if (!EVP_Digest(csr, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -EIO;
	lsc_hex_encode(hex, md, 32);
	return 0;
}

int lscd_csr_identity(const uint8_t *csr, size_t len, char hex[65])
{
	const unsigned char *p = csr;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)len);
	unsigned char *key = NULL, *subj = NULL, md[32];
	unsigned int mdlen = 0;
	int klen = -1, slen = -1, rc = -EBADMSG;
	EVP_MD_CTX *ctx = NULL;

	if (!req)
		goto out;
	klen = i2d_PUBKEY(X509_REQ_get0_pubkey(req), &key);
	slen = i2d_X509_NAME(X509_REQ_get_subject_name(req), &subj);
	if (klen <= 0 || slen <= 0)
		goto out;
	rc = -EIO;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, key, (size_t)klen) ||
	    !EVP_DigestUpdate(ctx, subj, (size_t)slen) ||
	    !EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != 32)
		goto out;
	lsc_hex_encode(hex, md, 32);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(key);
	OPENSSL_free(subj);
	X509_REQ_free(req);
	ERR_clear_error();
	return rc;
}

int lscd_jentry_answers(const struct lscd_jentry *e, const uint8_t *mac,
			const uint8_t *csr, size_t len, X509 *issuer,
			time_t now, char *why, size_t size)
{
	const unsigned char *p = csr;
	X509_REQ *req = NULL;
	X509 *x = NULL;
	char a[65], b[65];
	int rc = -ENOENT;

	why[0] = '\0';
	if (e->state != LSCD_J_ISSUED || !e->cert_len ||
	    memcmp(e->mac, mac, sizeof(e->mac)) ||
	    lscd_csr_identity(e->csr, e->csr_len, a) ||
	    lscd_csr_identity(csr, len, b) || strcmp(a, b)) {
		snprintf(why, size, "not issued for this AP's key and subject");
		goto out;
	}
	req = d2i_X509_REQ(NULL, &p, (long)len);
	p = e->cert;
	x = d2i_X509(NULL, &p, (long)e->cert_len);
	rc = -EBADMSG;
	if (!req || !x ||
	    EVP_PKEY_eq(X509_get0_pubkey(x), X509_REQ_get0_pubkey(req)) != 1) {
		snprintf(why, size, "the certificate kept does not carry the request's key");
		goto out;
	}
	rc = -ESTALE;
	if (X509_cmp_time(X509_get0_notAfter(x), &now) <= 0) {
		snprintf(why, size, "the certificate kept has expired");
		goto out;
	}
	rc = -EKEYREJECTED;
	if (!issuer || X509_check_issued(issuer, x) != X509_V_OK ||
	    X509_verify(x, X509_get0_pubkey(issuer)) != 1) {
		snprintf(why, size, "the certificate kept was not issued by the current CA");
		goto out;
	}
	rc = 0;
out:
	X509_free(x);
	X509_REQ_free(req);
	ERR_clear_error();
	return rc;
}

static char *hex_of(const uint8_t *p, size_t len)
{
	char *h = malloc(2 * len + 1);

	if (h)
		lsc_hex_encode(h, p, len);
	return h;
}

char *lscd_journal_format(const struct lscd_jentry *e)
{
	char mac[13], *csr, *cert = NULL, *out = NULL;
	char reason[sizeof(e->reason)];
	size_t i;

	lsc_hex_encode(mac, e->mac, sizeof(e->mac));
	/* One line per key: a newline in a CA's failInfoText must not split. */
	for (i = 0; e->reason[i] && i < sizeof(reason) - 1; i++)
		reason[i] = e->reason[i] == '\n' || e->reason[i] == '\r' ?
			    ' ' : e->reason[i];
	reason[i] = '\0';
	csr = hex_of(e->csr, e->csr_len);
	if (e->cert_len)
		cert = hex_of(e->cert, e->cert_len);
	if (!csr || (e->cert_len && !cert))
		goto out;
	if (asprintf(&out,
		     "request_id = %" PRIu64 "\n"
		     "mac = %s\n"
		     "renewal = %d\n"
		     "state = %s\n"
		     "transaction_id = %s\n"
		     "result = %d\n"
		     "reason = %s\n"
		     "created = %lld\n"
		     "updated = %lld\n"
		     "csr_sha256 = %s\n"
		     "csr = %s\n"
		     "cert = %s\n",
		     e->request_id, mac, e->renewal ? 1 : 0,
		     lscd_jstate_name(e->state), e->transaction_id, e->result,
		     reason, (long long)e->created, (long long)e->updated,
		     e->csr_sha256, csr, cert ? cert : "") < 0)
		out = NULL;
out:
	free(csr);
	free(cert);
	return out;
}

static int hex_blob(const char *v, uint8_t **out, size_t *len)
{
	size_t n = strlen(v);
	int r;

	*out = NULL;
	*len = 0;
	if (!n)
		return 0;
	if (n % 2)
		return -EINVAL;
	*out = malloc(n / 2);
	if (!*out)
		return -ENOMEM;
	r = lsc_hex_decode(*out, n / 2, v);
	if (r != (int)(n / 2)) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	*len = n / 2;
	return 0;
}

static int parse_line(struct lscd_jentry *e, const char *k, const char *v)
{
	char *end;
	int i;

	if (!strcmp(k, "request_id")) {
		errno = 0;
		e->request_id = strtoull(v, &end, 10);
		return errno || *end || end == v ? -EINVAL : 0;
	}
	if (!strcmp(k, "mac"))
		return lsc_hex_decode(e->mac, sizeof(e->mac), v) == 6 ? 0 : -EINVAL;
	if (!strcmp(k, "renewal")) {
		e->renewal = !strcmp(v, "1");
		return 0;
	}
	if (!strcmp(k, "state")) {
		for (i = 0; i < __LSCD_J_MAX; i++)
			if (!strcmp(v, state_names[i])) {
				e->state = i;
				return 0;
			}
		return -EINVAL;
	}
	if (!strcmp(k, "transaction_id")) {
		if (strlen(v) >= sizeof(e->transaction_id))
			return -EINVAL;
		strcpy(e->transaction_id, v);
		return 0;
	}
	if (!strcmp(k, "result")) {
		e->result = (int)strtol(v, &end, 10);
		return *end || e->result < 0 || e->result >= __CAPWAP_LSC_RESULT_MAX ?
		       -EINVAL : 0;
	}
	if (!strcmp(k, "reason")) {
		snprintf(e->reason, sizeof(e->reason), "%s", v);
		return 0;
	}
	if (!strcmp(k, "created")) {
		e->created = (time_t)strtoll(v, &end, 10);
		return *end ? -EINVAL : 0;
	}
	if (!strcmp(k, "updated")) {
		e->updated = (time_t)strtoll(v, &end, 10);
		return *end ? -EINVAL : 0;
	}
	if (!strcmp(k, "csr_sha256")) {
		if (strlen(v) != 64)
			return -EINVAL;
		strcpy(e->csr_sha256, v);
		return 0;
	}
	if (!strcmp(k, "csr"))
		return hex_blob(v, &e->csr, &e->csr_len);
	if (!strcmp(k, "cert"))
		return hex_blob(v, &e->cert, &e->cert_len);
	/* Keys of a later version are not ours to judge. */
	return 0;
}

int lscd_journal_parse(const char *text, struct lscd_jentry *e)
{
	char *copy = strdup(text), *line, *next, *eq, *k, *v, hash[65];
	int rc = 0;

	memset(e, 0, sizeof(*e));
	if (!copy)
		return -ENOMEM;
	for (line = copy; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		eq = strstr(line, " = ");
		if (!eq) {
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		k = line;
		v = eq + 3;
		rc = parse_line(e, k, v);
		if (rc)
			break;
	}
	free(copy);
	/* The CSR is what the entry is matched by: it must be whole. */
	if (!rc && (!e->csr_len || !e->request_id ||
		    lscd_csr_hash(e->csr, e->csr_len, hash) ||
		    strcmp(hash, e->csr_sha256)))
		rc = -EBADMSG;
	if (!rc && e->state == LSCD_J_ISSUED && !e->cert_len)
		rc = -EBADMSG;
	if (rc)
		lscd_jentry_release(e);
	return rc;
}

void lscd_jentry_release(struct lscd_jentry *e)
{
	free(e->csr);
	free(e->cert);
	e->csr = NULL;
	e->cert = NULL;
	e->csr_len = 0;
	e->cert_len = 0;
}

int lscd_journal_init(const char *state_dir, char **dir)
{
	if (mkdir(state_dir, 0700) && errno != EEXIST)
		return -errno;
	if (asprintf(dir, "%s/journal", state_dir) < 0)
		return -ENOMEM;
	if (mkdir(*dir, 0700) && errno != EEXIST) {
		int rc = -errno;

		free(*dir);
		*dir = NULL;
		return rc;
	}
	return 0;
}

static char *entry_path(const char *dir, const struct lscd_jentry *e)
{
	char *p;

	if (asprintf(&p, "%s/%" PRIu64 "-%.16s.txn", dir, e->request_id,
		     e->csr_sha256) < 0)
		return NULL;
	return p;
}

int lscd_journal_write(const char *dir, struct lscd_jentry *e)
{
	char *path, *text;
	int rc;

	e->updated = time(NULL);
	if (!e->created)
		e->created = e->updated;
	path = entry_path(dir, e);
	text = lscd_journal_format(e);
	rc = path && text ? lsc_write_file_atomic(path, text, strlen(text), 0600) :
	     -ENOMEM;
	free(path);
	free(text);
	return rc;
}

int lscd_journal_remove(const char *dir, const struct lscd_jentry *e)
{
	char *path = entry_path(dir, e);
	int rc = 0;

	if (!path)
		return -ENOMEM;
	if (unlink(path) && errno != ENOENT)
		rc = -errno;
	free(path);
	return rc;
}

/*
 * An entry we cannot read is renamed to <name>.bad rather than skipped at
 * every start: the operator sees it once, in the log and in the folder, and
 * the journal holds only what will be resumed.
 */
static void quarantine(const char *dir, const char *name, int why)
{
	char *from = NULL, *to = NULL;

	if (asprintf(&from, "%s/%s", dir, name) < 0 ||
	    asprintf(&to, "%s/%s.bad", dir, name) < 0) {
		free(from);
		return;
	}
	if (rename(from, to))
		lsc_err("journal: %s is unreadable (%s) and cannot be put aside: %s",
			from, strerror(-why), strerror(errno));
	else
		lsc_warn("journal: %s is unreadable (%s); put aside as %s",
			 from, strerror(-why), to);
	free(from);
	free(to);
}

/* lsc_write_file_atomic's "<name>.tmp.XXXXXX", left by a crash mid-write. */
static bool is_temp(const char *name)
{
	const char *t = strstr(name, ".txn.tmp.");

	return t && strlen(t) == strlen(".txn.tmp.XXXXXX");
}

int lscd_journal_load(const char *dir, struct lscd_jentry **entries,
		      size_t *n, unsigned int *bad)
{
	struct lscd_jentry *v = NULL;
	struct dirent *de;
	size_t cnt = 0;
	DIR *d;

	*bad = 0;
	*entries = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		uint8_t *data = NULL;
		size_t len = 0;
		char *path;
		struct lscd_jentry e, *nv;
		int rc;

		if (is_temp(de->d_name)) {
			/* Never renamed into place: the entry it was to replace is whole. */
			if (unlinkat(dirfd(d), de->d_name, 0) && errno != ENOENT)
				lsc_warn("journal: cannot remove the stale %s/%s: %s",
					 dir, de->d_name, strerror(errno));
			continue;
		}
		if (l < 5 || strcmp(de->d_name + l - 4, ".txn"))
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			break;
		rc = lsc_read_file(path, MAX_ENTRY_LEN, &data, &len);
		if (!rc)
			rc = lscd_journal_parse((const char *)data, &e);
		free(data);
		free(path);
		if (rc) {
			(*bad)++;
			quarantine(dir, de->d_name, rc);
			continue;
		}
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			lscd_jentry_release(&e);
			break;
		}
		v = nv;
		v[cnt++] = e;
	}
	closedir(d);
	*entries = v;
	*n = cnt;
	return 0;
}
