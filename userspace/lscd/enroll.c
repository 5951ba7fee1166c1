// SPDX-License-Identifier: GPL-2.0
/*
 * "lscd getca" and "lscd enroll": the SCEP engine driven from the command
 * line.  Enrollments run on a curl multi handle, at most --concurrency
 * requests in flight to the CA at once; a request the CA left PENDING
 * frees its slot while it waits for its next CertPoll.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fileio.h"
#include "http.h"
#include "lscd.h"
#include "log.h"
#include "scep.h"
#include "names.h"

/*
 * One enrollment at a time by default: Debian's scepserver (micromdm) keeps
 * its serial number in a file without locking and hands out duplicate
 * serials, or fails with "file exists", under concurrent enrollments.
 */
#define DEFAULT_CONCURRENCY 1
#define MAX_CONCURRENCY 256
#define MAX_CSR_LEN (64 * 1024)

struct ca_opts {
	const char *url;
	const char *fingerprint;
	const char *out_dir;
	bool trace;
	struct lsc_http_cfg http;
};

static void ca_opts_init(struct ca_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->http.connect_timeout_ms = 5000;
	o->http.timeout_ms = 30000;
	o->http.retries = 3;
	o->http.retry_initial_ms = 500;
	o->http.retry_max_ms = 8000;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || *s == '-')
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* Seconds, fractions allowed, into milliseconds. */
static int parse_secs(const char *s, unsigned int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 86400.0 * 30)
		return -EINVAL;
	*ms = (unsigned int)(v * 1000.0 + 0.5);
	return 0;
}

enum {
	OPT_CA_BUNDLE = 0x100,
	OPT_PINNED_PUBKEY,
	OPT_CONNECT_TIMEOUT,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_RETRY_DELAY,
	OPT_POLL_INITIAL,
	OPT_POLL_FACTOR,
	OPT_POLL_MAX_INTERVAL,
	OPT_POLL_MAX_TIME,
	OPT_RENEW,
	OPT_GET,
};

#define CA_LONGOPTS \
	{ "url", required_argument, NULL, 'u' }, \
	{ "fingerprint", required_argument, NULL, 'f' }, \
	{ "out", required_argument, NULL, 'o' }, \
	{ "trace", no_argument, NULL, 't' }, \
	{ "ca-bundle", required_argument, NULL, OPT_CA_BUNDLE }, \
	{ "pinned-pubkey", required_argument, NULL, OPT_PINNED_PUBKEY }, \
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT }, \
	{ "timeout", required_argument, NULL, OPT_TIMEOUT }, \
	{ "retries", required_argument, NULL, OPT_RETRIES }, \
	{ "retry-delay", required_argument, NULL, OPT_RETRY_DELAY }, \
	{ "help", no_argument, NULL, 'h' }

#define CA_USAGE \
	"  --url URL             SCEP URL of the CA, e.g. http://ca.example/scep\n" \
	"  --fingerprint HEX     refuse a CA certificate whose SHA-256 differs\n" \
	"  --out DIR             where to write certificates\n" \
	"  --trace               SCEP trace on stderr (like debug pki scep)\n" \
	"  --ca-bundle FILE      CA certificates for an https URL\n" \
	"  --pinned-pubkey SPEC  pin the https server key (curl syntax:\n" \
	"                        FILE or sha256//BASE64[;sha256//...])\n" \
	"  --connect-timeout S   TCP/TLS connect timeout, seconds (5)\n" \
	"  --timeout S           whole-request timeout, seconds (30)\n" \
	"  --retries N           extra attempts when the CA is unreachable (3)\n" \
	"  --retry-delay S       first back-off between attempts, doubling (0.5)\n" \
	"Proxies come from http_proxy/https_proxy/no_proxy, as curl reads them.\n"

/* Returns 1 when the option was a CA option, 0 if not, -1 on a bad value. */
static int ca_opt(struct ca_opts *o, int c, const char *arg)
{
	unsigned int v;

	switch (c) {
	case 'u': o->url = arg; return 1;
	case 'f': o->fingerprint = arg; return 1;
	case 'o': o->out_dir = arg; return 1;
	case 't': o->trace = true; o->http.trace = true; return 1;
	case OPT_CA_BUNDLE: o->http.ca_bundle = arg; return 1;
	case OPT_PINNED_PUBKEY: o->http.pinned_pubkey = arg; return 1;
	case OPT_CONNECT_TIMEOUT:
		if (parse_secs(arg, &v) || !v)
			goto bad;
		o->http.connect_timeout_ms = v;
		return 1;
	case OPT_TIMEOUT:
		if (parse_secs(arg, &v) || !v)
			goto bad;
		o->http.timeout_ms = v;
		return 1;
	case OPT_RETRIES:
		if (parse_uint(arg, 100, &v))
			goto bad;
		o->http.retries = v;
		return 1;
	case OPT_RETRY_DELAY:
		if (parse_secs(arg, &v))
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

static void trace_op(const struct ca_opts *o, const char *op)
{
	if (o->trace)
		fprintf(stderr, "scep: %s: operation %s, URL %s\n", op, op, o->url);
}

static const char *cert_role(const struct scep_ca *ca, X509 *x)
{
	if (x == ca->ca && x == ca->ra_enc)
		return "CA certificate (also encrypts requests and signs replies)";
	if (x == ca->ca)
		return "CA certificate";
	if (x == ca->ra_enc && x == ca->ra_sign)
		return "RA certificate (encryption and signing)";
	if (x == ca->ra_enc)
		return "RA encryption certificate";
	if (x == ca->ra_sign)
		return "RA signing certificate";
	return X509_check_ca(x) > 0 ? "other CA certificate" : "other certificate";
}

static void show_certs(const struct scep_ca *ca, FILE *out, const char *indent)
{
	char ind[64];
	int i;

	snprintf(ind, sizeof(ind), "%s  ", indent);
	for (i = 0; i < sk_X509_num(ca->certs); i++) {
		X509 *x = sk_X509_value(ca->certs, i);

		fprintf(out, "%s%s:\n", indent, cert_role(ca, x));
		scep_cert_describe(x, ind, out);
	}
}

static int pem_of(X509 *const *certs, int n, char **pem, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long l;
	int i;

	if (!b)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (!PEM_write_bio_X509(b, certs[i])) {
			BIO_free(b);
			return -ENOMEM;
		}
	l = BIO_get_mem_data(b, &p);
	*pem = malloc((size_t)l + 1);
	if (!*pem) {
		BIO_free(b);
		return -ENOMEM;
	}
	memcpy(*pem, p, (size_t)l);
	*len = (size_t)l;
	BIO_free(b);
	return 0;
}

static int write_pem(const char *dir, const char *name, X509 *const *certs, int n)
{
	char *path = NULL, *pem = NULL;
	size_t len = 0;
	int rc;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	rc = pem_of(certs, n, &pem, &len);
	if (!rc)
		rc = lsc_write_file_atomic(path, pem, len, 0644);
	if (rc)
		lsc_err("cannot write %s: %s", path, strerror(-rc));
	free(pem);
	free(path);
	return rc;
}

/*
 * GetCACaps (its failure or an empty reply only means "no capabilities"),
 * then GetCACert, checked against the pinned fingerprint.
 */
static int ca_fetch(const struct ca_opts *o, struct scep_ca **out)
{
	struct lsc_http_xfer x = { 0 };
	struct scep_ca *ca;
	char err[512], caps[256], fp[65], *url;
	int rc;

	ca = scep_ca_new(o->url);
	if (!ca)
		return -ENOMEM;
	url = scep_ca_url(ca, "GetCACaps", NULL);
	if (!url) {
		rc = -ENOMEM;
		goto err;
	}
	trace_op(o, "GetCACaps");
	rc = lsc_http_fetch(&x, &o->http, url, NULL, NULL, 0, "GetCACaps");
	free(url);
	if (rc == -EHOSTUNREACH) {
		/* Refused or timed out is "unreachable"; TLS trouble is not. */
		lsc_http_xfer_error(&x, err, sizeof(err));
		lsc_err("%s: %s", lsc_http_xfer_retryable(&x) ? "CA unreachable" :
			"GetCACaps failed", err);
		lsc_http_xfer_cleanup(&x);
		goto err;
	} else if (rc) {
		goto err;
	}
	if (x.status == 200)
		ca->caps = scep_caps_parse((const char *)x.body, x.len);
	else if (o->trace)
		fprintf(stderr, "scep: GetCACaps: HTTP status %ld, assuming no capabilities\n",
			x.status);
	lsc_http_xfer_cleanup(&x);
	scep_caps_format(ca->caps, caps, sizeof(caps));
	if (o->trace)
		fprintf(stderr, "scep: GetCACaps: capabilities: %s\n", caps);

	url = scep_ca_url(ca, "GetCACert", NULL);
	if (!url) {
		rc = -ENOMEM;
		goto err;
	}
	trace_op(o, "GetCACert");
	rc = lsc_http_fetch(&x, &o->http, url, NULL, NULL, 0, "GetCACert");
	free(url);
	if (rc || x.status != 200) {
		lsc_http_xfer_error(&x, err, sizeof(err));
		lsc_err("GetCACert failed: %s", rc == -EHOSTUNREACH || !rc ? err :
			strerror(-rc));
		lsc_http_xfer_cleanup(&x);
		rc = rc ? rc : -EPROTO;
		goto err;
	}
	rc = scep_ca_set_certs(ca, x.content_type, x.body, x.len, err, sizeof(err));
	if (rc) {
		lsc_err("%s", err);
		lsc_http_xfer_cleanup(&x);
		goto err;
	}
	if (o->trace) {
		flockfile(stderr);
		fprintf(stderr, "scep: GetCACert: MIME type %s, %d certificate(s)\n",
			x.content_type[0] ? x.content_type : "(none)",
			sk_X509_num(ca->certs));
		show_certs(ca, stderr, "scep:   ");
		funlockfile(stderr);
	}
	lsc_http_xfer_cleanup(&x);
	scep_cert_fingerprint(ca->ca, fp);
	if (o->fingerprint) {
		rc = scep_ca_check_fingerprint(ca, o->fingerprint);
		if (rc == -EINVAL) {
			lsc_err("--fingerprint: expected 64 hex digits (SHA-256)");
			goto err;
		}
		if (rc) {
			lsc_err("CA certificate fingerprint %s does not match the pinned %s: refusing this CA",
				fp, o->fingerprint);
			rc = -EPERM;
			goto err;
		}
		if (o->trace)
			fprintf(stderr, "scep: CA fingerprint matches the pinned one\n");
	}
	*out = ca;
	return 0;
err:
	scep_ca_free(ca);
	return rc;
}

/* ca_fetch for the daemon, which keeps these settings in its config. */
int lscd_ca_fetch(const char *url, const char *fingerprint,
		  const struct lsc_http_cfg *http, bool trace,
		  struct scep_ca **out)
{
	struct ca_opts o;

	ca_opts_init(&o);
	o.url = url;
	o.fingerprint = fingerprint;
	o.trace = trace;
	o.http = *http;
	return ca_fetch(&o, out);
}

static void getca_usage(FILE *f)
{
	fprintf(f, "Usage: lscd getca --url URL [options]\n"
		"Fetches the CA's capabilities and certificates (GetCACaps, GetCACert,\n"
		"and GetNextCACert when offered) and shows them.  With --out DIR writes\n"
		"ca.pem, ra-enc.pem/ra-sign.pem when the CA has an RA, next-ca.pem.\n"
		CA_USAGE);
}

int lscd_cmd_getca(int argc, char **argv)
{
	static const struct option longopts[] = { CA_LONGOPTS, { 0 } };
	struct ca_opts o;
	struct scep_ca *ca = NULL;
	STACK_OF(X509) *next = NULL;
	char caps[256], fp[65], err[512];
	int c, rc;

	ca_opts_init(&o);
	while ((c = getopt_long(argc, argv, "u:f:o:th", longopts, NULL)) != -1) {
		if (c == 'h') {
			getca_usage(stdout);
			return 0;
		}
		rc = ca_opt(&o, c, optarg);
		if (rc < 0)
			return 2;
		if (!rc) {
			getca_usage(stderr);
			return 2;
		}
	}
	if (!o.url || optind != argc) {
		getca_usage(stderr);
		return 2;
	}
	rc = ca_fetch(&o, &ca);
	if (rc)
		return 1;
	scep_caps_format(ca->caps, caps, sizeof(caps));
	scep_cert_fingerprint(ca->ca, fp);
	printf("CA URL: %s\n", o.url);
	printf("Capabilities: %s\n", caps);
	printf("Certificates: %d\n", sk_X509_num(ca->certs));
	show_certs(ca, stdout, "  ");
	printf("CA fingerprint (SHA-256): %s%s\n", fp,
	       o.fingerprint ? " (matches the pinned one)" : "");

	if (ca->caps & SCEP_CAP_GETNEXTCACERT) {
		struct lsc_http_xfer x = { 0 };
		char *url = scep_ca_url(ca, "GetNextCACert", NULL);

		trace_op(&o, "GetNextCACert");
		rc = url ? lsc_http_fetch(&x, &o.http, url, NULL, NULL, 0,
					  "GetNextCACert") : -ENOMEM;
		free(url);
		if (rc || x.status != 200) {
			lsc_http_xfer_error(&x, err, sizeof(err));
			printf("Next CA certificate: none (%s)\n", err);
		} else if (scep_ca_parse_next(ca, x.body, x.len, &next, err,
					      sizeof(err))) {
			printf("Next CA certificate: rejected (%s)\n", err);
		} else {
			int i;

			printf("Next CA certificates: %d\n", sk_X509_num(next));
			for (i = 0; i < sk_X509_num(next); i++)
				scep_cert_describe(sk_X509_value(next, i), "  ", stdout);
		}
		lsc_http_xfer_cleanup(&x);
	} else {
		printf("Next CA certificate: not offered\n");
	}
	fflush(stdout);

	rc = 0;
	if (o.out_dir) {
		rc = write_pem(o.out_dir, "ca.pem", &ca->ca, 1);
		if (!rc && ca->ra_enc != ca->ca)
			rc = write_pem(o.out_dir, "ra-enc.pem", &ca->ra_enc, 1);
		if (!rc && ca->ra_sign != ca->ca && ca->ra_sign != ca->ra_enc)
			rc = write_pem(o.out_dir, "ra-sign.pem", &ca->ra_sign, 1);
		if (!rc && next) {
			X509 **v = malloc(sizeof(*v) * (size_t)sk_X509_num(next));
			int i;

			rc = -ENOMEM;
			if (v) {
				for (i = 0; i < sk_X509_num(next); i++)
					v[i] = sk_X509_value(next, i);
				rc = write_pem(o.out_dir, "next-ca.pem", v, i);
				free(v);
			}
		}
	}
	sk_X509_pop_free(next, X509_free);
	scep_ca_free(ca);
	return rc ? 1 : 0;
}

struct job {
	const char *path;
	char name[128];
	struct scep_txn *txn;
	struct scep_request req;
	struct lsc_http_xfer x;
	bool in_flight;
	bool done;
	bool ok;
	uint64_t due_ms;
};

struct enroll_run {
	struct ca_opts o;
	const char *challenge;
	unsigned int concurrency;
	unsigned int flags;
	struct scep_poll_policy poll;
	struct scep_ca *ca;
	struct scep_signer signer;
	struct job *jobs;
	unsigned int njobs;
	unsigned int active;
	unsigned int remaining;
	CURLM *multi;
};

/* DIR/<CSR file name without .csr/.pem/.der/.req>.crt */
static void job_name(struct job *j)
{
	char *copy = strdup(j->path), *base, *dot;

	base = copy ? basename(copy) : (char *)"request";
	snprintf(j->name, sizeof(j->name), "%s", base);
	dot = strrchr(j->name, '.');
	if (dot && (!strcmp(dot, ".csr") || !strcmp(dot, ".pem") ||
		    !strcmp(dot, ".der") || !strcmp(dot, ".req")))
		*dot = '\0';
	free(copy);
}

static void job_finish(struct enroll_run *r, struct job *j)
{
	struct scep_txn_status st;

	scep_txn_status(j->txn, &st);
	if (st.state == SCEP_TXN_ISSUED) {
		X509 *cert = scep_txn_cert(j->txn);
		char *file = NULL, fp[65];

		if (asprintf(&file, "%s.crt", j->name) < 0 ||
		    write_pem(r->o.out_dir, file, &cert, 1)) {
			lsc_err("%s: issued but not saved", j->path);
		} else {
			char subj[256];

			X509_NAME_oneline(X509_get_subject_name(cert), subj,
					  sizeof(subj));
			scep_cert_fingerprint(cert, fp);
			printf("%s: enrolled %s -> %s/%s (SHA-256 %s)\n", j->path,
			       subj, r->o.out_dir, file, fp);
			fflush(stdout);
			j->ok = true;
		}
		free(file);
	} else {
		lsc_err("%s: enrollment failed (%s): %s", j->path,
			lsc_result_name(st.result), st.reason);
	}
	j->done = true;
	r->remaining--;
}

/*
 * Builds the job's next message unless it holds one already (a transport
 * retry resends the very same message, same nonce).  Returns 0 with j->req
 * ready, or 1 when the job failed and is finished.
 */
static int job_build(struct enroll_run *r, struct job *j)
{
	int rc = scep_txn_ensure_request(j->txn, &j->req);

	if (rc < 0) {
		job_finish(r, j);
		return 1;
	}
	if (rc)
		j->x.attempt = 0;
	return 0;
}

static int job_start(struct enroll_run *r, struct job *j)
{
	int rc;

	if (job_build(r, j))
		return 0;
	rc = lsc_http_xfer_init(&j->x, &r->o.http, j->req.url,
				j->req.content_type,
				j->req.post ? j->req.body : NULL, j->req.len,
				j->name);
	if (rc)
		return rc;
	curl_easy_setopt(j->x.easy, CURLOPT_PRIVATE, j);
	if (curl_multi_add_handle(r->multi, j->x.easy) != CURLM_OK) {
		lsc_http_xfer_cleanup(&j->x);
		return -ENOMEM;
	}
	j->in_flight = true;
	r->active++;
	return 0;
}

/*
 * A transfer ended: its slot is free for the next request at once.  The
 * job stays in_flight (not to be started again) until job_reply() has
 * read its reply.
 */
static void job_detach(struct enroll_run *r, struct job *j)
{
	curl_multi_remove_handle(r->multi, j->x.easy);
	r->active--;
}

static void job_reply(struct enroll_run *r, struct job *j, CURLcode code)
{
	enum scep_txn_state st;
	char err[512];

	j->in_flight = false;
	lsc_http_xfer_done(&j->x, code);
	if (lsc_http_xfer_retryable(&j->x) && j->x.attempt <= r->o.http.retries) {
		unsigned int d = lsc_http_retry_delay_ms(&r->o.http, j->x.attempt);

		if (r->o.trace)
			fprintf(stderr, "scep: %s: CA unreachable, attempt %u of %u, retrying in %u ms\n",
				j->name, j->x.attempt, r->o.http.retries + 1, d);
		j->due_ms = now_ms() + d;
		lsc_http_xfer_reset(&j->x);
		return;
	}
	if (lsc_http_xfer_failed(&j->x)) {
		lsc_http_xfer_error(&j->x, err, sizeof(err));
		st = scep_txn_fail(j->txn, CAPWAP_LSC_RESULT_NO_RESPONSE, "%s: %s",
				   lsc_http_xfer_retryable(&j->x) ? "CA unreachable" :
				   "transfer failed", err);
	} else {
		st = scep_txn_handle_reply(j->txn, j->x.status, j->x.content_type,
					   j->x.body, j->x.len);
	}
	lsc_http_xfer_cleanup(&j->x);
	scep_request_free(&j->req);
	if (st == SCEP_TXN_POLL_WAIT)
		j->due_ms = now_ms() + scep_txn_poll_delay_ms(j->txn);
	else if (st == SCEP_TXN_ISSUED || st == SCEP_TXN_FAILED)
		job_finish(r, j);
}

/* Starts due jobs while slots are free. */
static int start_due(struct enroll_run *r)
{
	uint64_t now = now_ms();
	unsigned int i;
	int rc;

	for (i = 0; i < r->njobs && r->active < r->concurrency; i++) {
		struct job *j = &r->jobs[i];

		if (j->done || j->in_flight || j->due_ms > now)
			continue;
		rc = job_start(r, j);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * While every slot waits on the CA, sign and encrypt the message of the
 * job that starts next, so that it leaves the moment a slot frees.
 */
static void prebuild_next(struct enroll_run *r)
{
	uint64_t now = now_ms();
	unsigned int i;

	if (r->active < r->concurrency)
		return;
	for (i = 0; i < r->njobs; i++) {
		struct job *j = &r->jobs[i];

		if (j->done || j->in_flight || j->due_ms > now)
			continue;
		if (!job_build(r, j))
			return;
	}
}

/* How long to wait for curl before a job is due; at most a second. */
static int wait_ms(const struct enroll_run *r)
{
	uint64_t now = now_ms(), next = now + 1000;
	unsigned int i;

	for (i = 0; i < r->njobs; i++) {
		const struct job *j = &r->jobs[i];

		if (j->done || j->in_flight)
			continue;
		if (j->due_ms <= now && r->active < r->concurrency)
			return 0;
		if (j->due_ms > now && j->due_ms < next)
			next = j->due_ms;
	}
	return (int)(next - now);
}

/*
 * Lets curl move, and detaches every transfer that ended, freeing its
 * slot.  Every call drains curl's queue of finished transfers: one left
 * there would hold its slot while curl_multi_poll() sleeps on a socket
 * that has nothing more to say.
 */
static int perform_collect(struct enroll_run *r, struct job **ended,
			   CURLcode *codes, unsigned int *nended)
{
	struct CURLMsg *m;
	int running, q;

	*nended = 0;
	if (curl_multi_perform(r->multi, &running) != CURLM_OK)
		return -EIO;
	while ((m = curl_multi_info_read(r->multi, &q))) {
		struct job *j = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		codes[*nended] = m->data.result;
		job_detach(r, j);
		ended[(*nended)++] = j;
	}
	return 0;
}

/*
 * One enrollment at a time must not mean a CA idling while we work: a
 * finished transfer frees its slot, the next (prebuilt) request goes out
 * at once, and only then is the reply decrypted, checked and saved, while
 * the CA works on the next request.  Rounds repeat until no transfer ends,
 * so a reply that arrived while we worked is taken before any wait.
 */
static int run_jobs(struct enroll_run *r)
{
	struct job *ended[MAX_CONCURRENCY];
	CURLcode codes[MAX_CONCURRENCY];
	unsigned int i, nended;
	int rc, running, ms;

	while (r->remaining) {
		do {
			rc = start_due(r);
			if (!rc)
				rc = perform_collect(r, ended, codes, &nended);
			if (!rc && nended) {
				rc = start_due(r);
				if (!rc && curl_multi_perform(r->multi, &running) != CURLM_OK)
					rc = -EIO;
			}
			if (rc)
				return rc;
			for (i = 0; i < nended; i++)
				job_reply(r, ended[i], codes[i]);
		} while (nended && r->remaining);
		if (!r->remaining)
			break;
		prebuild_next(r);
		ms = wait_ms(r);
		if (ms && curl_multi_poll(r->multi, NULL, 0, ms, NULL) != CURLM_OK)
			return -EIO;
	}
	return 0;
}

/*
 * The challenge password is an attribute of the PKCS#10 request, which the
 * requester (the AP) signs: we cannot add it without breaking that
 * signature.  The AP puts it in when the controller asks it to; here the
 * CSR must already carry it.
 */
static int check_challenge(struct enroll_run *r, struct job *j, X509_REQ *req)
{
	char have[256];
	int rc;

	if (!r->challenge)
		return 0;
	rc = scep_csr_challenge(req, have, sizeof(have));
	if (rc == -ENOENT) {
		scep_txn_fail(j->txn, CAPWAP_LSC_RESULT_BAD_REQUEST,
			      "the CSR carries no challengePassword; the requester must put the challenge into its CSR");
		return -EINVAL;
	}
	if (rc) {
		scep_txn_fail(j->txn, CAPWAP_LSC_RESULT_BAD_REQUEST,
			      "the CSR's challengePassword is unreadable");
		return -EINVAL;
	}
	if (strcmp(have, r->challenge))
		lsc_warn("%s: the CSR's challengePassword differs from --challenge; sending the CSR's",
			 j->path);
	return 0;
}

static int job_prepare(struct enroll_run *r, struct job *j)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	job_name(j);
	rc = lsc_read_file(j->path, MAX_CSR_LEN, &data, &len);
	if (rc) {
		lsc_err("%s: cannot read: %s", j->path, strerror(-rc));
		return rc;
	}
	j->txn = scep_txn_new(r->ca, &r->signer, data, len, r->flags, &r->poll,
			      j->name, &rc);
	free(data);
	if (!j->txn) {
		lsc_err("%s: %s", j->path, rc == -EBADMSG ?
			"not a PKCS#10 request (PEM or DER)" : strerror(-rc));
		return rc;
	}
	if (r->o.trace) {
		struct scep_txn_status st;
		char subj[256];

		scep_txn_status(j->txn, &st);
		X509_NAME_oneline(X509_REQ_get_subject_name(scep_txn_csr(j->txn)),
				  subj, sizeof(subj));
		fprintf(stderr, "scep: %s: request %s, subject %s, transactionID %s\n",
			j->name, j->path, subj, st.transaction_id);
	}
	return check_challenge(r, j, scep_txn_csr(j->txn));
}

static void enroll_usage(FILE *f)
{
	fprintf(f, "Usage: lscd enroll --url URL --out DIR --csr FILE [FILE...] [options]\n"
		"Enrolls each PKCS#10 request (PEM or DER) with the CA over SCEP and writes\n"
		"DIR/<name>.crt.  Requests are wrapped in PKCSReq signed by the controller's\n"
		"identity, as a proxy for the requester.  Exit status 0 only when every\n"
		"request was issued.\n"
		CA_USAGE
		"  --csr FILE            a request to enroll (repeat, or list files after it)\n"
		"  --challenge S         the CA wants a challenge password: the CSR must carry\n"
		"                        it as challengePassword (the requester signs the CSR,\n"
		"                        so it cannot be added here)\n"
		"  --key K --cert C      controller key and certificate (PEM) that sign the\n"
		"                        requests; default a one-run self-signed RSA-2048 one\n"
		"  --renew               RenewalReq instead of PKCSReq when the CA has Renewal;\n"
		"                        sign with the current key and certificate (--key/--cert)\n"
		"  --get                 PKIOperation by HTTP GET even when POST is offered\n"
		"  --concurrency N       requests in flight to this CA at once (default 1:\n"
		"                        Debian's scepserver issues duplicate serial numbers\n"
		"                        under concurrent enrollments)\n"
		"  --poll-initial S      first wait after PENDING, seconds (10)\n"
		"  --poll-factor F       multiply the wait by F after each poll (2)\n"
		"  --poll-max-interval S longest wait between polls, seconds (300)\n"
		"  --poll-max-time S     give up PENDING after, seconds (3600)\n");
}

int lscd_cmd_enroll(int argc, char **argv)
{
	static const struct option longopts[] = {
		CA_LONGOPTS,
		{ "csr", required_argument, NULL, 'c' },
		{ "challenge", required_argument, NULL, 'p' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'C' },
		{ "concurrency", required_argument, NULL, 'n' },
		{ "renew", no_argument, NULL, OPT_RENEW },
		{ "get", no_argument, NULL, OPT_GET },
		{ "poll-initial", required_argument, NULL, OPT_POLL_INITIAL },
		{ "poll-factor", required_argument, NULL, OPT_POLL_FACTOR },
		{ "poll-max-interval", required_argument, NULL, OPT_POLL_MAX_INTERVAL },
		{ "poll-max-time", required_argument, NULL, OPT_POLL_MAX_TIME },
		{ 0 }
	};
	struct enroll_run r = { 0 };
	const char **csrs = NULL;
	const char *key = NULL, *cert = NULL;
	unsigned int ncsrs = 0, i, ok = 0;
	char *end;
	int c, rc, status = 1;

	ca_opts_init(&r.o);
	r.concurrency = DEFAULT_CONCURRENCY;
	r.poll.initial_ms = 10000;
	r.poll.factor = 2.0;
	r.poll.max_interval_ms = 300000;
	r.poll.max_total_ms = 3600000;
	csrs = calloc((size_t)argc, sizeof(*csrs));
	if (!csrs)
		return 1;
	while ((c = getopt_long(argc, argv, "u:f:o:thc:p:k:C:n:", longopts, NULL)) != -1) {
		rc = ca_opt(&r.o, c, optarg);
		if (rc < 0)
			goto usage_err;
		if (rc)
			continue;
		switch (c) {
		case 'h':
			enroll_usage(stdout);
			free(csrs);
			return 0;
		case 'c': csrs[ncsrs++] = optarg; break;
		case 'p': r.challenge = optarg; break;
		case 'k': key = optarg; break;
		case 'C': cert = optarg; break;
		case OPT_RENEW: r.flags |= SCEP_TXN_F_RENEWAL; break;
		case OPT_GET: r.flags |= SCEP_TXN_F_GET; break;
		case 'n':
			if (parse_uint(optarg, MAX_CONCURRENCY, &r.concurrency) ||
			    !r.concurrency) {
				lsc_err("--concurrency: 1 to %d", MAX_CONCURRENCY);
				goto usage_err;
			}
			break;
		case OPT_POLL_INITIAL:
			if (parse_secs(optarg, &r.poll.initial_ms))
				goto bad_value;
			break;
		case OPT_POLL_FACTOR:
			r.poll.factor = strtod(optarg, &end);
			if (*end || r.poll.factor < 1.0 || r.poll.factor > 100.0)
				goto bad_value;
			break;
		case OPT_POLL_MAX_INTERVAL:
			if (parse_secs(optarg, &r.poll.max_interval_ms))
				goto bad_value;
			break;
		case OPT_POLL_MAX_TIME:
			if (parse_secs(optarg, &r.poll.max_total_ms))
				goto bad_value;
			break;
		default:
			goto usage;
		}
	}
	/* "--csr a.csr b.csr c.csr": the files after the first one. */
	while (optind < argc)
		csrs[ncsrs++] = argv[optind++];
	if (!r.o.url || !r.o.out_dir || !ncsrs || (!key != !cert))
		goto usage;
	if (r.o.trace)
		r.flags |= SCEP_TXN_F_TRACE;

	if (key) {
		rc = scep_signer_load(&r.signer, key, cert);
		if (rc) {
			lsc_err("--key %s --cert %s: %s", key, cert, rc == -EINVAL ?
				"the key does not belong to the certificate" :
				"cannot read them (PEM expected)");
			goto out;
		}
	} else {
		rc = scep_signer_generate(&r.signer, "lscd SCEP proxy");
		if (rc) {
			lsc_err("cannot generate the signing identity");
			goto out;
		}
	}
	if (r.o.trace) {
		flockfile(stderr);
		fprintf(stderr, "scep: signing identity (%s):\n",
			key ? "from --key/--cert" : "transient, self-signed");
		scep_cert_describe(r.signer.cert, "scep:   ", stderr);
		funlockfile(stderr);
	}
	if (ca_fetch(&r.o, &r.ca))
		goto out;

	r.jobs = calloc(ncsrs, sizeof(*r.jobs));
	r.multi = curl_multi_init();
	if (!r.jobs || !r.multi)
		goto out;
	r.njobs = ncsrs;
	r.remaining = ncsrs;
	/* Per-host connection cap, so the limit holds for this CA. */
	curl_multi_setopt(r.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)r.concurrency);
	for (i = 0; i < ncsrs; i++) {
		r.jobs[i].path = csrs[i];
		if (job_prepare(&r, &r.jobs[i])) {
			if (r.jobs[i].txn)
				job_finish(&r, &r.jobs[i]);
			else {
				r.jobs[i].done = true;
				r.remaining--;
			}
		}
	}
	rc = run_jobs(&r);
	if (rc) {
		lsc_err("enrollment loop failed: %s", strerror(-rc));
		goto out;
	}
	for (i = 0; i < ncsrs; i++)
		ok += r.jobs[i].ok;
	if (ncsrs > 1)
		printf("%u of %u requests enrolled\n", ok, ncsrs);
	status = ok == ncsrs ? 0 : 1;
out:
	for (i = 0; r.jobs && i < r.njobs; i++) {
		if (r.jobs[i].in_flight)
			curl_multi_remove_handle(r.multi, r.jobs[i].x.easy);
		lsc_http_xfer_cleanup(&r.jobs[i].x);
		scep_request_free(&r.jobs[i].req);
		scep_txn_free(r.jobs[i].txn);
	}
	if (r.multi)
		curl_multi_cleanup(r.multi);
	free(r.jobs);
	scep_ca_free(r.ca);
	scep_signer_release(&r.signer);
	free(csrs);
	return status;
bad_value:
	lsc_err("invalid value '%s'", optarg);
usage_err:
	free(csrs);
	return 2;
usage:
	enroll_usage(stderr);
	free(csrs);
	return 2;
}
