// SPDX-License-Identifier: GPL-2.0
/*
 * Fetching a CA's capabilities and certificates: "lscd getca", "lscd
 * enroll" and the daemon all start here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cafetch.h"
#include "log.h"
#include "scep_cert.h"
#include "scep_crypto.h"
#include "scep_names.h"

void lscd_trace_op(bool trace, const char *url, const char *op)
{
	if (trace)
		fprintf(stderr, "scep: %s: operation %s, URL %s\n", op, op, url);
}

/* GetCACaps' answer: anything but a 200 only means "no capabilities". */
static void caps_result(struct scep_ca *ca, struct lsc_http_xfer *x, bool trace)
{
	char caps[256];

	if (x->status == 200)
		ca->caps = scep_caps_parse((const char *)x->body, x->len);
	else if (trace)
		fprintf(stderr, "scep: GetCACaps: HTTP status %ld, assuming no capabilities\n",
			x->status);
	scep_caps_format(ca->caps, caps, sizeof(caps));
	if (trace)
		fprintf(stderr, "scep: GetCACaps: capabilities: %s\n", caps);
}

static int caps_failed(struct lsc_http_xfer *x)
{
	char err[512];

	/* Refused or timed out is "unreachable"; TLS trouble is not. */
	lsc_http_xfer_error(x, err, sizeof(err));
	lsc_err("%s: %s", lsc_http_xfer_retryable(x) ? "CA unreachable" :
		"GetCACaps failed", err);
	return -EHOSTUNREACH;
}

/* GetCACert's answer (rc is the transfer's), checked against the pin. */
static int cert_result(struct scep_ca *ca, struct lsc_http_xfer *x, int rc,
		       const struct lscd_ca_policy *pol, char seen[65],
		       bool *rolled, bool trace)
{
	const char *fingerprint = pol->fingerprint;
	char err[512], fp[65];

	if (rc || x->status != 200) {
		lsc_http_xfer_error(x, err, sizeof(err));
		lsc_err("GetCACert failed: %s", rc == -EHOSTUNREACH || !rc ? err :
			strerror(-rc));
		return rc ? rc : -EPROTO;
	}
	rc = scep_ca_set_certs(ca, x->content_type, x->body, x->len, err, sizeof(err));
	if (rc) {
		lsc_err("%s", err);
		return rc;
	}
	if (trace) {
		flockfile(stderr);
		fprintf(stderr, "scep: GetCACert: MIME type %s, %d certificate(s)\n",
			x->content_type[0] ? x->content_type : "(none)",
			sk_X509_num(ca->certs));
		scep_ca_describe(ca, "scep:   ", stderr);
		funlockfile(stderr);
	}
	scep_cert_fingerprint(ca->ca, fp);
	if (fingerprint) {
		rc = scep_ca_check_fingerprint(ca, fingerprint);
		if (rc == -EINVAL) {
			lsc_err("--fingerprint: expected 64 hex digits (SHA-256)");
			return rc;
		}
		if (rc && pol->next_fingerprint && rolled &&
		    !scep_ca_check_fingerprint(ca, pol->next_fingerprint)) {
			*rolled = true;
			rc = 0;
		}
		if (rc) {
			lsc_err("CA certificate fingerprint %s does not match the pinned %s: refusing this CA",
				fp, fingerprint);
			if (seen)
				memcpy(seen, fp, sizeof(fp));
			return -EPERM;
		}
		if (trace)
			fprintf(stderr, "scep: CA fingerprint matches the %s\n",
				rolled && *rolled ? "next CA the pinned one announced" :
				"pinned one");
	}
	if (seen)
		memcpy(seen, fp, sizeof(fp));
	rc = lscd_ca_apply_policy(ca, pol);
	if (rc)
		return rc;
	if (trace && ca->chain)
		fprintf(stderr, "scep: requests use %s and %s; CA chain of %d certificate(s) up to the root\n",
			ca->cipher, ca->digest, sk_X509_num(ca->chain));
	return 0;
}

void lscd_ca_policy_init(struct lscd_ca_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->min_cipher = SCEP_CIPHER_AES128;
	p->min_digest = SCEP_DIGEST_SHA256;
}

int lscd_ca_apply_policy(struct scep_ca *ca, const struct lscd_ca_policy *pol)
{
	char err[512];
	int rc;

	rc = scep_caps_pick(ca->caps, pol->min_cipher, pol->min_digest,
			    &ca->cipher, &ca->digest, err, sizeof(err));
	if (!rc)
		rc = scep_ca_build_chain(ca, pol->root_file, err, sizeof(err));
	if (rc && pol->show_only) {
		lsc_warn("CA %s: %s (lscd would refuse it)", ca->url, err);
		return 0;
	}
	if (rc)
		lsc_err("CA %s: %s", ca->url, err);
	return rc;
}

int lscd_ca_fetch(const char *ca_url, const struct lscd_ca_policy *pol,
		  const struct lsc_http_cfg *http, bool trace,
		  struct scep_ca **out, char seen[65])
{
	struct lsc_http_xfer x = { 0 };
	struct scep_ca *ca;
	char *url;
	int rc;

	ca = scep_ca_new(ca_url);
	if (!ca)
		return -ENOMEM;
	url = scep_ca_url(ca, "GetCACaps", NULL);
	if (!url) {
		rc = -ENOMEM;
		goto err;
	}
	lscd_trace_op(trace, ca_url, "GetCACaps");
	rc = lsc_http_fetch(&x, http, url, NULL, NULL, 0, "GetCACaps");
	free(url);
	if (rc == -EHOSTUNREACH) {
		rc = caps_failed(&x);
		lsc_http_xfer_cleanup(&x);
		goto err;
	} else if (rc) {
		goto err;
	}
	caps_result(ca, &x, trace);
	lsc_http_xfer_cleanup(&x);

	url = scep_ca_url(ca, "GetCACert", NULL);
	if (!url) {
		rc = -ENOMEM;
		goto err;
	}
	lscd_trace_op(trace, ca_url, "GetCACert");
	rc = lsc_http_fetch(&x, http, url, NULL, NULL, 0, "GetCACert");
	free(url);
	rc = cert_result(ca, &x, rc, pol, seen, NULL, trace);
	lsc_http_xfer_cleanup(&x);
	if (rc)
		goto err;
	*out = ca;
	return 0;
err:
	scep_ca_free(ca);
	return rc;
}

static void cafetch_stop(struct lscd_cafetch *f);

/*
 * The daemon's fetch: the same two operations on its curl multi handle,
 * one attempt each (the daemon tries again later), so that a CA that
 * hangs holds up nothing but this fetch.
 */
static int cafetch_step(struct lscd_cafetch *f, const char *op)
{
	char *url = scep_ca_url(f->ca, op, NULL);
	int rc;

	if (!url)
		return -ENOMEM;
	lscd_trace_op(f->trace, f->ca->url, op);
	f->x.attempt = 0;
	rc = lsc_http_xfer_init(&f->x, f->http, url, NULL, NULL, 0, op);
	free(url);
	if (rc)
		return rc;
	/* Not a SCEP job's: scep_jobs hands it back by its easy handle. */
	curl_easy_setopt(f->x.easy, CURLOPT_PRIVATE, NULL);
	if (curl_multi_add_handle(f->multi, f->x.easy) != CURLM_OK) {
		lsc_http_xfer_cleanup(&f->x);
		return -ENOMEM;
	}
	f->busy = true;
	return 0;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = true;
	return d;
}

int lscd_cafetch_start(struct lscd_cafetch *f, CURLM *multi, const char *url,
		       const struct lscd_ca_policy *pol,
		       const struct lsc_http_cfg *http, bool trace)
{
	bool oom = false;
	int rc;

	lscd_cafetch_cancel(f);
	f->multi = multi;
	f->http = http;
	f->trace = trace;
	f->seen[0] = '\0';
	f->next_fp[0] = '\0';
	f->rolled = false;
	f->next_step = false;
	f->pinned = pol->fingerprint;
	f->ca = scep_ca_new(url);
	f->pol = *pol;
	/* The caller's strings may not outlive this call (a SIGHUP). */
	f->pol.fingerprint = dup_or_null(pol->fingerprint, &oom);
	f->pol.root_file = dup_or_null(pol->root_file, &oom);
	f->pol.next_fingerprint = dup_or_null(pol->next_fingerprint, &oom);
	if (!f->ca || oom) {
		lscd_cafetch_cancel(f);
		return -ENOMEM;
	}
	f->cert_step = false;
	rc = cafetch_step(f, "GetCACaps");
	if (rc)
		lscd_cafetch_cancel(f);
	return rc;
}

/*
 * GetNextCACert's answer: a failure or a refusal costs the fetch nothing,
 * the current CA stays; only a rollover that CA signed is kept.
 */
static void next_result(struct lscd_cafetch *f, int rc)
{
	char err[512], cur[65];

	if (rc || f->x.status != 200) {
		lsc_http_xfer_error(&f->x, err, sizeof(err));
		lsc_info("CA %s: GetNextCACert: %s: no next CA announced", f->ca->url, err);
		return;
	}
	scep_cert_fingerprint(f->ca->ca, cur);
	rc = scep_ca_next(f->ca, f->x.body, f->x.len, &f->next, f->next_fp,
			  err, sizeof(err));
	if (rc) {
		lsc_err("CA %s: next CA %s refused: %s (current CA %s)", f->ca->url,
			f->next_fp[0] ? f->next_fp : "(unreadable)", err, cur);
		f->next_fp[0] = '\0';
		return;
	}
	if (f->trace) {
		flockfile(stderr);
		fprintf(stderr, "scep: GetNextCACert: %d certificate(s), signed by the current CA %s\n",
			sk_X509_num(f->next->certs), cur);
		scep_ca_describe(f->next, "scep:   ", stderr);
		funlockfile(stderr);
	}
}

bool lscd_cafetch_owns(const struct lscd_cafetch *f, CURL *easy)
{
	return f->busy && f->x.easy == easy;
}

int lscd_cafetch_done(struct lscd_cafetch *f, CURLcode code, struct scep_ca **out)
{
	int rc;

	curl_multi_remove_handle(f->multi, f->x.easy);
	f->busy = false;
	lsc_http_xfer_done(&f->x, code);
	rc = lsc_http_xfer_failed(&f->x) ? -EHOSTUNREACH : 0;
	if (!f->cert_step) {
		if (rc)
			rc = caps_failed(&f->x);
		else
			caps_result(f->ca, &f->x, f->trace);
		lsc_http_xfer_cleanup(&f->x);
		if (!rc) {
			f->cert_step = true;
			rc = cafetch_step(f, "GetCACert");
			if (!rc)
				return -EINPROGRESS;
		}
	} else if (!f->next_step) {
		rc = cert_result(f->ca, &f->x, rc, &f->pol, f->seen, &f->rolled,
				 f->trace);
		lsc_http_xfer_cleanup(&f->x);
		if (!rc && f->pol.want_next &&
		    (f->ca->caps & SCEP_CAP_GETNEXTCACERT)) {
			f->next_step = true;
			rc = cafetch_step(f, "GetNextCACert");
			if (!rc)
				return -EINPROGRESS;
			rc = 0;		/* the CA itself is fine */
		}
	} else {
		next_result(f, rc);
		lsc_http_xfer_cleanup(&f->x);
		rc = 0;
	}
	if (!rc) {
		*out = f->ca;
		f->ca = NULL;
	}
	cafetch_stop(f);
	return rc;
}

/* Ends the transfer and frees what the fetch holds; f->next stays. */
static void cafetch_stop(struct lscd_cafetch *f)
{
	if (f->busy) {
		curl_multi_remove_handle(f->multi, f->x.easy);
		lsc_http_xfer_cleanup(&f->x);
		f->busy = false;
	}
	scep_ca_free(f->ca);
	f->ca = NULL;
	free((char *)f->pol.fingerprint);
	free((char *)f->pol.root_file);
	free((char *)f->pol.next_fingerprint);
	f->pol.fingerprint = NULL;
	f->pol.root_file = NULL;
	f->pol.next_fingerprint = NULL;
}

void lscd_cafetch_cancel(struct lscd_cafetch *f)
{
	cafetch_stop(f);
	scep_ca_free(f->next);
	f->next = NULL;
}
