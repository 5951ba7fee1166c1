// SPDX-License-Identifier: GPL-2.0
/*
 * "lscd enroll": PKCS#10 requests from files enrolled with the CA, each a
 * SCEP job (scep_job.c), at most --concurrency requests in flight to the
 * CA at once; a request the CA left PENDING frees its slot while it waits
 * for its next CertPoll.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "cafetch.h"
#include "cli_ca.h"
#include "clock.h"
#include "fileio.h"
#include "log.h"
#include "lscd.h"
#include "names.h"
#include "numparse.h"
#include "scep_cert.h"
#include "scep_job.h"
#include "scep_signer.h"

/*
 * One enrollment at a time by default: Debian's scepserver (micromdm) keeps
 * its serial number in a file without locking and hands out duplicate
 * serials, or fails with "file exists", under concurrent enrollments.
 */
#define DEFAULT_CONCURRENCY 1
#define MAX_CONCURRENCY 256
#define MAX_CSR_LEN (64 * 1024)

enum {
	OPT_POLL_INITIAL = LSCD_OPT_CMD,
	OPT_POLL_FACTOR,
	OPT_POLL_MAX_INTERVAL,
	OPT_POLL_MAX_TIME,
	OPT_RENEW,
	OPT_GET,
	OPT_SIGNER_DIR,
	OPT_CHALLENGE_FILE,
};

struct enroll_job {
	struct scep_job sj;		/* first: the driver hands it back */
	const char *path;
	bool done;
	bool ok;
};

struct enroll_run {
	struct lscd_ca_opts o;
	const char *challenge;
	unsigned int concurrency;
	unsigned int flags;
	struct scep_poll_policy poll;
	struct scep_ca *ca;
	struct scep_signer signer;
	struct enroll_job *jobs;
	unsigned int njobs;
	unsigned int remaining;
	CURLM *multi;
	struct scep_jobs driver;
};

/* DIR/<CSR file name without .csr/.pem/.der/.req>.crt */
static void job_name(struct enroll_job *j)
{
	char *copy = strdup(j->path), *base, *dot, *name = j->sj.tag;

	base = copy ? basename(copy) : (char *)"request";
	snprintf(name, sizeof(j->sj.tag), "%s", base);
	dot = strrchr(name, '.');
	if (dot && (!strcmp(dot, ".csr") || !strcmp(dot, ".pem") ||
		    !strcmp(dot, ".der") || !strcmp(dot, ".req")))
		*dot = '\0';
	free(copy);
}

static void job_finish(struct enroll_run *r, struct enroll_job *j)
{
	struct scep_txn_status st;

	scep_txn_status(j->sj.txn, &st);
	if (st.state == SCEP_TXN_ISSUED) {
		X509 *cert = scep_txn_cert(j->sj.txn);
		char *file = NULL, fp[65];

		if (asprintf(&file, "%s.crt", j->sj.tag) < 0 ||
		    lscd_write_pem(r->o.out_dir, file, cert, NULL)) {
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

static void on_retrying(struct scep_jobs *js, struct scep_job *sj,
			unsigned int delay_ms)
{
	struct enroll_run *r = container_of(js, struct enroll_run, driver);

	if (r->o.trace)
		fprintf(stderr, "scep: %s: CA unreachable, attempt %u of %u, retrying in %u ms\n",
			sj->tag, sj->x.attempt, r->o.http.retries + 1, delay_ms);
}

static void on_settled(struct scep_jobs *js, struct scep_job *sj,
		       enum scep_txn_state st)
{
	struct enroll_run *r = container_of(js, struct enroll_run, driver);
	struct enroll_job *j = container_of(sj, struct enroll_job, sj);

	if (st != SCEP_TXN_ISSUED && st != SCEP_TXN_FAILED)
		return;
	scep_jobs_remove(js, sj);
	job_finish(r, j);
}

static const struct scep_jobs_ops enroll_ops = {
	.retrying = on_retrying,
	.settled = on_settled,
};

static int run_jobs(struct enroll_run *r)
{
	uint64_t now, wake;

	while (r->remaining) {
		scep_jobs_start_due(&r->driver);
		if (scep_jobs_perform(&r->driver))
			return -EIO;
		if (!r->remaining)
			break;
		scep_jobs_prebuild(&r->driver);
		now = lsc_now_ms();
		wake = scep_jobs_wake_ms(&r->driver, now, now + 1000);
		if (wake > now && curl_multi_poll(r->multi, NULL, 0, (int)(wake - now),
						  NULL) != CURLM_OK)
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
static int check_challenge(struct enroll_run *r, struct enroll_job *j,
			   X509_REQ *req)
{
	char have[256];
	int rc;

	if (!r->challenge)
		return 0;
	rc = scep_csr_challenge(req, have, sizeof(have));
	if (rc == -ENOENT) {
		scep_txn_fail(j->sj.txn, CAPWAP_LSC_RESULT_BAD_REQUEST,
			      "the CSR carries no challengePassword; the requester must put the challenge into its CSR");
		return -EINVAL;
	}
	if (rc) {
		scep_txn_fail(j->sj.txn, CAPWAP_LSC_RESULT_BAD_REQUEST,
			      "the CSR's challengePassword is unreadable");
		return -EINVAL;
	}
	if (strcmp(have, r->challenge))
		lsc_warn("%s: the CSR's challengePassword differs from --challenge; sending the CSR's",
			 j->path);
	return 0;
}

static int job_prepare(struct enroll_run *r, struct enroll_job *j)
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
	j->sj.txn = scep_txn_new(r->ca, &r->signer, data, len, r->flags, &r->poll,
				 j->sj.tag, &rc);
	free(data);
	if (!j->sj.txn) {
		lsc_err("%s: %s", j->path, rc == -EBADMSG ?
			"not a PKCS#10 request (PEM or DER)" : strerror(-rc));
		return rc;
	}
	if (r->o.trace) {
		struct scep_txn_status st;
		char subj[256];

		scep_txn_status(j->sj.txn, &st);
		X509_NAME_oneline(X509_REQ_get_subject_name(scep_txn_csr(j->sj.txn)),
				  subj, sizeof(subj));
		fprintf(stderr, "scep: %s: request %s, subject %s, transactionID %s\n",
			j->sj.tag, j->path, subj, st.transaction_id);
	}
	return check_challenge(r, j, scep_txn_csr(j->sj.txn));
}

static void enroll_usage(FILE *f)
{
	fprintf(f, "Usage: lscd enroll --url URL --out DIR --csr FILE [FILE...] [options]\n"
		"Enrolls each PKCS#10 request (PEM or DER) with the CA over SCEP and writes\n"
		"DIR/<name>.crt.  Requests are wrapped in PKCSReq signed by the controller's\n"
		"identity, as a proxy for the requester.  Exit status 0 only when every\n"
		"request was issued.\n"
		LSCD_CA_USAGE
		"  --csr FILE            a request to enroll (repeat, or list files after it)\n"
		"  --challenge S         the CA wants a challenge password: the CSR must carry\n"
		"                        it as challengePassword (the requester signs the CSR,\n"
		"                        so it cannot be added here)\n"
		"  --challenge-file F    the same, read from F (first line): not shown in\n"
		"                        /proc/PID/cmdline as --challenge is\n"
		"  --key K --cert C      controller key and certificate (PEM) that sign the\n"
		"                        requests; default a self-signed RSA-2048 one kept in\n"
		"                        the --signer-dir for the next runs\n"
		"  --signer-dir DIR      where that one is kept (default\n"
		"                        $XDG_CACHE_HOME/lscd or ~/.cache/lscd); 'none' makes\n"
		"                        a new one for this run only\n"
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
		LSCD_CA_LONGOPTS,
		{ "csr", required_argument, NULL, 'c' },
		{ "challenge", required_argument, NULL, 'p' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'C' },
		{ "concurrency", required_argument, NULL, 'n' },
		{ "renew", no_argument, NULL, OPT_RENEW },
		{ "get", no_argument, NULL, OPT_GET },
		{ "signer-dir", required_argument, NULL, OPT_SIGNER_DIR },
		{ "challenge-file", required_argument, NULL, OPT_CHALLENGE_FILE },
		{ "poll-initial", required_argument, NULL, OPT_POLL_INITIAL },
		{ "poll-factor", required_argument, NULL, OPT_POLL_FACTOR },
		{ "poll-max-interval", required_argument, NULL, OPT_POLL_MAX_INTERVAL },
		{ "poll-max-time", required_argument, NULL, OPT_POLL_MAX_TIME },
		{ 0 }
	};
	struct enroll_run r = { 0 };
	const char **csrs = NULL;
	const char *key = NULL, *cert = NULL, *signer_dir = NULL;
	char *default_dir = NULL, *challenge = NULL;
	size_t clen = 0;
	bool made = true;
	unsigned int ncsrs = 0, i, ok = 0;
	char seen[65] = "";
	unsigned long n;
	int c, rc, status = 1;

	lscd_ca_opts_init(&r.o);
	r.concurrency = DEFAULT_CONCURRENCY;
	r.poll.initial_ms = 10000;
	r.poll.factor = 2.0;
	r.poll.max_interval_ms = 300000;
	r.poll.max_total_ms = 3600000;
	csrs = calloc((size_t)argc, sizeof(*csrs));
	if (!csrs)
		return 1;
	while ((c = getopt_long(argc, argv, "u:f:o:thc:p:k:C:n:", longopts, NULL)) != -1) {
		rc = lscd_ca_opt(&r.o, c, optarg);
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
		case OPT_SIGNER_DIR: signer_dir = optarg; break;
		case OPT_CHALLENGE_FILE:
			free(challenge);
			rc = lsc_read_file(optarg, 4096, (uint8_t **)&challenge, &clen);
			if (rc) {
				lsc_err("--challenge-file %s: %s", optarg, strerror(-rc));
				goto usage_err;
			}
			challenge[strcspn(challenge, "\r\n")] = '\0';
			r.challenge = challenge;
			break;
		case 'n':
			if (lsc_parse_uint(optarg, 1, MAX_CONCURRENCY, &n)) {
				lsc_err("--concurrency: 1 to %d", MAX_CONCURRENCY);
				goto usage_err;
			}
			r.concurrency = (unsigned int)n;
			break;
		case OPT_POLL_INITIAL:
			if (lsc_parse_secs(optarg, 86400.0 * 30, &r.poll.initial_ms))
				goto bad_value;
			break;
		case OPT_POLL_FACTOR:
			if (lsc_parse_double(optarg, 1.0, 100.0, &r.poll.factor))
				goto bad_value;
			break;
		case OPT_POLL_MAX_INTERVAL:
			if (lsc_parse_secs(optarg, 86400.0 * 30, &r.poll.max_interval_ms))
				goto bad_value;
			break;
		case OPT_POLL_MAX_TIME:
			if (lsc_parse_secs(optarg, 86400.0 * 30, &r.poll.max_total_ms))
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

	/* Before any request: the CA would issue certificates we cannot save. */
	if (lscd_check_out_dir(r.o.out_dir))
		goto out;
	if (!key && !signer_dir) {
		const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

		if (xdg && *xdg)
			rc = asprintf(&default_dir, "%s/lscd", xdg);
		else if (home && *home)
			rc = asprintf(&default_dir, "%s/.cache/lscd", home);
		else
			rc = 0;
		if (rc < 0)
			goto out;
		signer_dir = default_dir;
	}
	if (key) {
		rc = scep_signer_load(&r.signer, key, cert);
		if (rc) {
			lsc_err("--key %s --cert %s: %s", key, cert, rc == -EINVAL ?
				"the key does not belong to the certificate" :
				"cannot read them (PEM expected)");
			goto out;
		}
	} else if (signer_dir && strcmp(signer_dir, "none")) {
		/*
		 * An RSA-2048 key costs more CPU than a whole enrollment with
		 * the CA: made once, used by the runs that follow.
		 */
		rc = scep_signer_cached(&r.signer, signer_dir, "lscd SCEP proxy", &made);
		if (rc < 0) {
			lsc_err("cannot generate the signing identity");
			goto out;
		}
		if (rc)
			lsc_warn("--signer-dir %s: cannot keep the signing identity there; it serves this run only",
				 signer_dir);
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
			key ? "from --key/--cert" : made ?
			"self-signed, new" : "self-signed, kept from an earlier run");
		scep_cert_describe(r.signer.cert, "scep:   ", stderr);
		funlockfile(stderr);
	}
	r.o.pol.fingerprint = r.o.fingerprint;
	if (lscd_ca_fetch(r.o.url, &r.o.pol, &r.o.http, r.o.trace, &r.ca, seen))
		goto out;
	/*
	 * Whoever answers the plain-HTTP GetCACert would otherwise choose
	 * the CA: the operator checks the fingerprint and pins it (sscep's -c).
	 */
	if (!r.o.fingerprint) {
		printf("CA fingerprint (SHA-256): %s\n", seen);
		lsc_err("not enrolling with a CA nobody pinned: check the fingerprint above and run again with --fingerprint %s (or --ca-file FILE)",
			seen);
		status = 2;
		goto out;
	}

	r.jobs = calloc(ncsrs, sizeof(*r.jobs));
	r.multi = curl_multi_init();
	if (!r.jobs || !r.multi)
		goto out;
	r.njobs = ncsrs;
	r.remaining = ncsrs;
	/* Per-host connection cap, so the limit holds for this CA. */
	curl_multi_setopt(r.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)r.concurrency);
	scep_jobs_init(&r.driver, r.multi, &r.o.http, &enroll_ops, r.concurrency);
	for (i = 0; i < ncsrs; i++) {
		struct enroll_job *j = &r.jobs[i];

		j->path = csrs[i];
		if (!job_prepare(&r, j)) {
			scep_jobs_add(&r.driver, &j->sj);
		} else if (j->sj.txn) {
			job_finish(&r, j);
		} else {
			j->done = true;
			r.remaining--;
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
		if (!r.jobs[i].done)
			scep_jobs_remove(&r.driver, &r.jobs[i].sj);
		scep_txn_free(r.jobs[i].sj.txn);
	}
	if (r.multi)
		curl_multi_cleanup(r.multi);
	free(r.jobs);
	scep_ca_free(r.ca);
	scep_signer_release(&r.signer);
	free(default_dir);
	if (challenge)
		OPENSSL_cleanse(challenge, clen);
	free(challenge);
	free(csrs);
	return status;
bad_value:
	lsc_err("invalid value '%s'", optarg);
usage_err:
	free(challenge);
	free(csrs);
	return 2;
usage:
	enroll_usage(stderr);
	free(challenge);
	free(csrs);
	return 2;
}
