// SPDX-License-Identifier: GPL-2.0
/*
 * "lscd getca": what a CA says about itself, for the operator to check
 * before trusting it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cafetch.h"
#include "cli_ca.h"
#include "lscd.h"
#include "scep_cert.h"
#include "scep_names.h"

static void getca_usage(FILE *f)
{
	fprintf(f, "Usage: lscd getca --url URL [options]\n"
		"Fetches the CA's capabilities and certificates (GetCACaps, GetCACert,\n"
		"and GetNextCACert when offered) and shows them.  With --out DIR writes\n"
		"ca.pem, ra-enc.pem/ra-sign.pem when the CA has an RA, next-ca.pem.\n"
		LSCD_CA_USAGE);
}

int lscd_cmd_getca(int argc, char **argv)
{
	static const struct option longopts[] = { LSCD_CA_LONGOPTS, { 0 } };
	struct lscd_ca_opts o;
	struct scep_ca *ca = NULL;
	struct scep_ca *next = NULL;
	char caps[256], fp[65], nfp[65], err[512];
	int c, rc;

	lscd_ca_opts_init(&o);
	while ((c = getopt_long(argc, argv, "u:f:o:th", longopts, NULL)) != -1) {
		if (c == 'h') {
			getca_usage(stdout);
			return 0;
		}
		rc = lscd_ca_opt(&o, c, optarg);
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
	o.pol.fingerprint = o.fingerprint;
	o.pol.show_only = true;
	rc = lscd_ca_fetch(o.url, &o.pol, &o.http, o.trace, &ca, NULL);
	if (rc)
		return 1;
	scep_caps_format(ca->caps, caps, sizeof(caps));
	scep_cert_fingerprint(ca->ca, fp);
	printf("CA URL: %s\n", o.url);
	printf("Capabilities: %s\n", caps);
	printf("Certificates: %d\n", sk_X509_num(ca->certs));
	scep_ca_describe(ca, "  ", stdout);
	printf("CA fingerprint (SHA-256): %s%s\n", fp,
	       o.fingerprint ? " (matches the pinned one)" : "");

	if (ca->caps & SCEP_CAP_GETNEXTCACERT) {
		struct lsc_http_xfer x = { 0 };
		char *url = scep_ca_url(ca, "GetNextCACert", NULL);

		lscd_trace_op(o.trace, o.url, "GetNextCACert");
		rc = url ? lsc_http_fetch(&x, &o.http, url, NULL, NULL, 0,
					  "GetNextCACert") : -ENOMEM;
		free(url);
		if (rc || x.status != 200) {
			lsc_http_xfer_error(&x, err, sizeof(err));
			printf("Next CA certificate: none (%s)\n", err);
		} else if (scep_ca_next(ca, x.body, x.len, &next, nfp, err,
					sizeof(err))) {
			printf("Next CA certificate: refused (%s); announced CA %s, current CA %s\n",
			       err, nfp[0] ? nfp : "unreadable", fp);
		} else {
			printf("Next CA certificates: %d, signed by the current CA\n",
			       sk_X509_num(next->certs));
			scep_ca_describe(next, "  ", stdout);
			printf("Next CA fingerprint (SHA-256): %s\n", nfp);
		}
		lsc_http_xfer_cleanup(&x);
	} else {
		printf("Next CA certificate: not offered\n");
	}
	fflush(stdout);

	rc = 0;
	if (o.out_dir) {
		rc = lscd_write_pem(o.out_dir, "ca.pem", ca->ca, NULL);
		if (!rc && ca->ra_enc != ca->ca)
			rc = lscd_write_pem(o.out_dir, "ra-enc.pem", ca->ra_enc, NULL);
		if (!rc && ca->ra_sign != ca->ca && ca->ra_sign != ca->ra_enc)
			rc = lscd_write_pem(o.out_dir, "ra-sign.pem", ca->ra_sign, NULL);
		if (!rc && next)
			rc = lscd_write_pem(o.out_dir, "next-ca.pem", NULL, next->certs);
	}
	scep_ca_free(next);
	scep_ca_free(ca);
	return rc ? 1 : 0;
}

