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
	char err[512], caps[256], fp[65], *url;
	const char *fingerprint = pol->fingerprint;
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
	else if (trace)
		fprintf(stderr, "scep: GetCACaps: HTTP status %ld, assuming no capabilities\n",
			x.status);
	lsc_http_xfer_cleanup(&x);
	scep_caps_format(ca->caps, caps, sizeof(caps));
	if (trace)
		fprintf(stderr, "scep: GetCACaps: capabilities: %s\n", caps);

	url = scep_ca_url(ca, "GetCACert", NULL);
	if (!url) {
		rc = -ENOMEM;
		goto err;
	}
	lscd_trace_op(trace, ca_url, "GetCACert");
	rc = lsc_http_fetch(&x, http, url, NULL, NULL, 0, "GetCACert");
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
	if (trace) {
		flockfile(stderr);
		fprintf(stderr, "scep: GetCACert: MIME type %s, %d certificate(s)\n",
			x.content_type[0] ? x.content_type : "(none)",
			sk_X509_num(ca->certs));
		scep_ca_describe(ca, "scep:   ", stderr);
		funlockfile(stderr);
	}
	lsc_http_xfer_cleanup(&x);
	scep_cert_fingerprint(ca->ca, fp);
	if (fingerprint) {
		rc = scep_ca_check_fingerprint(ca, fingerprint);
		if (rc == -EINVAL) {
			lsc_err("--fingerprint: expected 64 hex digits (SHA-256)");
			goto err;
		}
		if (rc) {
			lsc_err("CA certificate fingerprint %s does not match the pinned %s: refusing this CA",
				fp, fingerprint);
			if (seen)
				memcpy(seen, fp, sizeof(fp));
			rc = -EPERM;
			goto err;
		}
		if (trace)
			fprintf(stderr, "scep: CA fingerprint matches the pinned one\n");
	}
	if (seen)
		memcpy(seen, fp, sizeof(fp));
	rc = lscd_ca_apply_policy(ca, pol);
	if (rc)
		goto err;
	if (trace && ca->chain)
		fprintf(stderr, "scep: requests use %s and %s; CA chain of %d certificate(s) up to the root\n",
			ca->cipher, ca->digest, sk_X509_num(ca->chain));
	*out = ca;
	return 0;
err:
	scep_ca_free(ca);
	return rc;
}
