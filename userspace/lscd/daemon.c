// SPDX-License-Identifier: GPL-2.0
/*
 * lscd's event loop: one thread, one curl_multi_poll over libcurl's
 * sockets, the genl "events" socket and a signalfd.  The kernel's
 * announcements only wake it: the work is taken with ACCEPT (oldest
 * first), so a missed or repeated announcement costs nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "cafetch.h"
#include "clock.h"
#include "daemon.h"
#include "running.h"
#include "fileio.h"
#include "genl_events.h"
#include "log.h"
#include "lscd.h"
#include "scep_cert.h"
#include "trust.h"

int lscd_load_config(struct lscd *d, struct lscd_config *out)
{
	char err[512];
	unsigned int i;
	int rc;

	lscd_config_defaults(out);
	rc = lscd_config_load(out, d->config_path, d->config_missing_ok, err,
			      sizeof(err));
	if (rc) {
		lsc_err("%s: %s", d->config_path, err);
		lscd_config_free(out);
		return rc;
	}
	for (i = 0; i < d->nov; i++) {
		rc = lscd_config_set(out, d->ov_key[i], d->ov_val[i]);
		if (rc) {
			lsc_err("%s %s: %s", d->ov_key[i], d->ov_val[i],
				out->why[0] ? out->why : rc == -ENOENT ?
				"unknown setting" : "invalid value");
			lscd_config_free(out);
			return rc;
		}
	}
	return 0;
}

static void apply_http(struct lscd *d)
{
	struct lsc_http_cfg *h = &d->http;

	h->ca_bundle = d->cfg.ca_bundle;
	h->pinned_pubkey = d->cfg.ca_pinned_pubkey;
	h->connect_timeout_ms = d->cfg.connect_timeout_ms;
	h->timeout_ms = d->cfg.timeout_ms;
	h->retries = d->cfg.retries;
	h->retry_initial_ms = d->cfg.retry_initial_ms;
	h->retry_max_ms = d->cfg.retry_max_ms > d->cfg.retry_initial_ms ?
			  d->cfg.retry_max_ms : d->cfg.retry_initial_ms;
	h->trace = d->cfg.trace;
	lsc_log_set_level(d->cfg.verbose ? LSC_LOG_DEBUG : LSC_LOG_INFO);
	curl_multi_setopt(d->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  (long)d->cfg.max_concurrent);
	d->jobs.max_active = d->cfg.max_concurrent;
}

void lscd_push_controller(struct lscd *d)
{
	struct lscd_ctrl_status st;
	int rc;

	lscd_ctrl_status(&d->ctrl, d->ca, d->cfg.ca_url, &st);
	rc = lscd_kernel_set_controller(&d->cmd, &st);
	if (rc)
		lsc_warn("SET_CONTROLLER: %s", strerror(-rc));
}

static void push_ap_challenge(struct lscd *d)
{
	const char *c = lscd_config_ap_challenge(&d->cfg);
	int rc = lscd_kernel_set_ap_challenge(&d->cmd, c);

	if (rc)
		lsc_err("AP challenge not set: %s%s%s", strerror(-rc),
			d->cmd.error_msg[0] ? ": " : "", d->cmd.error_msg);
	else
		lsc_info("APs put %s challenge password into their requests",
			 *c ? "a" : "no");
}

/* Transactions hold their own reference: it lives until the last ends. */
static void retire_ca(struct lscd *d)
{
	scep_ca_free(d->ca);
	d->ca = NULL;
	d->chain = NULL;
}

void lscd_ca_down(struct lscd *d)
{
	d->jobs.hold = true;
	if (d->ca_down)
		return;
	d->ca_down = true;
	d->ca_probe_delay_ms = d->cfg.retry_initial_ms > 1000 ? d->cfg.retry_initial_ms : 1000;
	d->ca_probe_ms = lsc_now_ms() + d->ca_probe_delay_ms;
	lsc_err("CA %s unreachable: %u AP request(s) held, no new ones taken, until it answers again; next probe in %u s",
		d->cfg.ca_url ? d->cfg.ca_url : "?", d->njobs, d->ca_probe_delay_ms / 1000);
}

static void ca_back(struct lscd *d)
{
	if (!d->ca_down)
		return;
	d->ca_down = false;
	d->need_accept = true;
	lsc_notice("CA %s answers again: resuming %u held AP request(s)",
		   d->cfg.ca_url ? d->cfg.ca_url : "?", d->njobs);
}

static void probe_failed(struct lscd *d)
{
	d->ca_probe_delay_ms *= 2;
	if (d->ca_probe_delay_ms > d->cfg.ca_retry_ms)
		d->ca_probe_delay_ms = d->cfg.ca_retry_ms > 1000 ? d->cfg.ca_retry_ms : 1000;
	d->ca_probe_ms = lsc_now_ms() + d->ca_probe_delay_ms;
	lsc_warn("CA %s still unreachable: %u AP request(s) held; next probe in %u s",
		 d->cfg.ca_url ? d->cfg.ca_url : "?", d->njobs, d->ca_probe_delay_ms / 1000);
}

static int install_ca(struct lscd *d, struct scep_ca *ca, bool fresh)
{
	char fp[65];
	int rc;

	retire_ca(d);
	d->ca = ca;
	/* From the issuing CA up to the root, built at fetch and owned by the
	 * CA, so a request sent to it completes with that chain. */
	d->chain = ca->chain;
	scep_cert_fingerprint(ca->ca, fp);
	lsc_notice("CA %s: %s, fingerprint (SHA-256) %s, chain of %d up to the root, requests use %s and %s",
		   d->cfg.ca_url,
		   fresh ? "certificates fetched" : "certificates from the state directory (CA unreachable)",
		   fp, sk_X509_num(d->chain), ca->cipher, ca->digest);
	if (fresh) {
		rc = lscd_ca_cache_save(d->cfg.state_dir, ca);
		if (rc)
			lsc_warn("cannot save the CA certificates: %s", strerror(-rc));
	}
	rc = lscd_kernel_set_ca(&d->cmd, d->chain);
	if (rc)
		lsc_err("SET_CA: %s%s%s", strerror(-rc), d->cmd.error_msg[0] ? ": " : "",
			d->cmd.error_msg);
	lscd_push_controller(d);
	lscd_dtls_relay_stale(d);
	d->need_accept = true;
	if (fresh)
		ca_back(d);
	d->ca_refresh_ms = lsc_now_ms() + d->cfg.ca_refresh_ms;
	return 0;
}

/*
 * The CA lscd trusts: ca_fingerprint when configured, else the one
 * recorded in the state directory (trust on first use); "" when neither.
 * A record that exists but cannot be read is an error, never "none": that
 * would trust whichever CA answers next and write it over the record.
 */
static int trusted_fp(const struct lscd *d, char fp[65], const char **from)
{
	int rc;

	fp[0] = '\0';
	*from = NULL;
	if (d->cfg.ca_fingerprint) {
		snprintf(fp, 65, "%s", d->cfg.ca_fingerprint);
		*from = "ca_fingerprint";
		return 0;
	}
	rc = lscd_pin_load(d->cfg.state_dir, fp);
	if (!rc) {
		*from = LSCD_PIN_FILE;
		return 0;
	}
	fp[0] = '\0';
	if (rc == -ENOENT)
		return 0;
	lsc_err("CA %s not trusted: %s/%s cannot be read (%s); run: lscd ca accept FINGERPRINT",
		d->cfg.ca_url ? d->cfg.ca_url : "?", d->cfg.state_dir, LSCD_PIN_FILE,
		strerror(-rc));
	return rc;
}

/*
 * next: the CA the recorded one announced, taken in its place (a rollover
 * the pinned CA signed); "" when there is none, or when ca_fingerprint
 * pins the CA: a configured pin changes only in the configuration.
 */
static void ca_policy(const struct lscd *d, const char *fp, const char *from,
		      char next[65], struct lscd_ca_policy *pol)
{
	char by[65];

	lscd_ca_policy_init(pol);
	pol->fingerprint = *fp ? fp : NULL;
	pol->root_file = d->cfg.ca_root;
	pol->min_cipher = d->cfg.min_cipher;
	pol->min_digest = d->cfg.min_digest;
	next[0] = '\0';
	if (from && !strcmp(from, LSCD_PIN_FILE) &&
	    !lscd_next_load(d->cfg.state_dir, next, by) && !strcmp(by, fp))
		pol->next_fingerprint = next;
	else
		next[0] = '\0';
}

/*
 * GetNextCACert announced a next CA, signed by the current one (cur):
 * recorded, so that lscd takes it when GetCACert returns it.
 */
static void note_next(struct lscd *d, const char *cur, const char *next)
{
	char have[65], by[65];
	bool known;
	int rc;

	if (!strcmp(cur, next))
		return;
	known = !lscd_next_load(d->cfg.state_dir, have, by) &&
		!strcmp(have, next) && !strcmp(by, cur);
	if (!known) {
		rc = lscd_next_save(d->cfg.state_dir, next, cur);
		if (rc) {
			lsc_err("CA %s announces its next CA %s, but %s/%s cannot be written: %s; lscd will refuse the next CA",
				d->cfg.ca_url, next, d->cfg.state_dir, LSCD_NEXT_FILE,
				strerror(-rc));
			return;
		}
	}
	if (d->cfg.ca_fingerprint && !known)
		lsc_warn("CA %s announces its next CA %s (GetNextCACert, signed by the current CA %s); ca_fingerprint pins the current one, so lscd will refuse the next CA until ca_fingerprint is changed to %s",
			 d->cfg.ca_url, next, cur, next);
	else if (!known)
		lsc_notice("CA %s announces its next CA %s (GetNextCACert, signed by the current CA %s): recorded in %s/%s; lscd will trust it when GetCACert returns it",
			   d->cfg.ca_url, next, cur, d->cfg.state_dir, LSCD_NEXT_FILE);
}

/* The next fetch, or, on a refresh, the next check of the CA in use. */
static void ca_retry(struct lscd *d)
{
	char fp[65];

	if (d->ca) {
		/* A refresh: what worked before goes on. */
		scep_cert_fingerprint(d->ca->ca, fp);
		lsc_warn("CA %s: check failed; the CA fetched before (%s) stays in use, next check in %u s",
			 d->cfg.ca_url, fp, d->cfg.ca_refresh_ms / 1000);
		d->ca_refresh_ms = lsc_now_ms() + d->cfg.ca_refresh_ms;
		return;
	}
	lsc_err("CA %s not available; AP requests wait in the kernel, next try in %u s",
		d->cfg.ca_url, d->cfg.ca_retry_ms / 1000);
	d->ca_retry_ms = lsc_now_ms() + d->cfg.ca_retry_ms;
}

/*
 * The fetch failed (seen: the fingerprint of the CA that answered, if
 * any); at start, the cached copy of the CA's certificates.
 */
static void ca_fetch_failed(struct lscd *d, int rc, bool first, const char *seen)
{
	struct lscd_ca_policy pol;
	struct scep_ca *ca = NULL;
	char fp[65], next[65], by[65];
	const char *from;
	bool unreadable = trusted_fp(d, fp, &from) != 0;

	ca_policy(d, fp, from, next, &pol);
	if (unreadable)
		goto retry;
	if (rc == -EPERM && d->cfg.ca_fingerprint &&
	    !lscd_next_load(d->cfg.state_dir, next, by) && !strcmp(next, seen) &&
	    !strcmp(by, fp)) {
		lsc_err("CA %s refused: it rolled over to %s, which the previous CA %s announced (GetNextCACert, signed by it), but ca_fingerprint pins %s: change ca_fingerprint to %s and reload",
			d->cfg.ca_url, seen, fp, fp, seen);
		goto retry;
	}
	if (rc == -EPERM && d->cfg.ca_fingerprint) {
		/* "lscd ca accept" would not help: the configuration wins. */
		lsc_err("CA %s refused: its certificate's fingerprint %s is not the trusted %s (ca_fingerprint); if the CA changed on purpose, set ca_fingerprint = %s in %s (or --fingerprint) and reload",
			d->cfg.ca_url, seen, fp, seen, d->config_path);
		goto retry;
	}
	if (rc == -EPERM) {
		lsc_err("CA %s refused: its certificate's fingerprint %s is not the trusted %s (%s); if the CA changed on purpose, run: lscd ca accept %s",
			d->cfg.ca_url, seen, fp, from, seen);
		goto retry;
	}
	/* A CA refused on policy stays refused; one that did not answer
	 * (or answered badly) is replaced by its cached copy at start. */
	if (rc != -ENOTSUP && rc != -EKEYREJECTED && first &&
	    !lscd_ca_cache_load(d->cfg.state_dir, d->cfg.ca_url, &ca)) {
		/* The cache sits in the same directory: pinned all the same. */
		if ((!*fp || !scep_ca_check_fingerprint(ca, fp)) &&
		    !lscd_ca_apply_policy(ca, &pol)) {
			install_ca(d, ca, false);
			return;
		}
		scep_ca_free(ca);
	}
retry:
	ca_retry(d);
}

/*
 * GetCACaps/GetCACert on the multi handle: the loop goes on meanwhile,
 * and on_ca_fetched() takes the outcome.
 */
static void try_ca(struct lscd *d, bool first)
{
	struct lscd_ca_policy pol;
	const char *from;
	char fp[65], next[65];
	int rc;

	lscd_cafetch_cancel(&d->caf);
	d->caf_probe = false;
	d->caf_refresh = d->ca != NULL;
	if (!d->cfg.ca_url) {
		if (first)
			lsc_err("no CA URL: set ca_url in %s or use --url", d->config_path);
		d->ca_retry_ms = lsc_now_ms() + d->cfg.ca_retry_ms;
		return;
	}
	if (trusted_fp(d, fp, &from)) {
		ca_retry(d);
		return;
	}
	ca_policy(d, fp, from, next, &pol);
	pol.want_next = true;
	d->caf_first = first;
	rc = lscd_cafetch_start(&d->caf, d->multi, d->cfg.ca_url, &pol,
				&d->http, d->cfg.trace);
	if (rc)
		ca_fetch_failed(d, rc, first, "");
}

static void probe_ca(struct lscd *d)
{
	struct lscd_ca_policy pol;
	const char *from;
	char fp[65], next[65];
	int rc;

	lsc_info("probing the CA %s", d->cfg.ca_url);
	/* Any answer will do: without a readable pin, the probe takes none. */
	trusted_fp(d, fp, &from);
	ca_policy(d, fp, from, next, &pol);
	rc = lscd_cafetch_start(&d->caf, d->multi, d->cfg.ca_url, &pol,
				&d->http, d->cfg.trace);
	if (rc)
		probe_failed(d);
	else
		d->caf_probe = true;
}

static void on_ca_fetched(void *arg, CURL *easy, CURLcode code)
{
	struct lscd *d = arg;
	struct scep_ca *ca = NULL;
	const char *from;
	char now[65] = "";
	int rc;

	if (!lscd_cafetch_owns(&d->caf, easy))
		return;
	rc = lscd_cafetch_done(&d->caf, code, &ca);
	if (rc == -EINPROGRESS)
		return;
	if (d->caf_probe) {
		/* Any answer will do: what it says is the transactions' to judge. */
		d->caf_probe = false;
		scep_ca_free(ca);
		if (rc == -EHOSTUNREACH)
			probe_failed(d);
		else
			ca_back(d);
		return;
	}
	/* "lscd ca accept" may have recorded a CA while this fetch ran:
	 * that one rules, and is not written over. */
	if (!rc && !d->caf.pinned &&
	    (trusted_fp(d, now, &from) || (*now && scep_ca_check_fingerprint(ca, now)))) {
		scep_ca_free(ca);
		ca_fetch_failed(d, -EPERM, d->caf_first, d->caf.seen);
		return;
	}
	if (!rc && d->caf.rolled) {
		char old[65];

		trusted_fp(d, old, &from);
		rc = lscd_pin_save(d->cfg.state_dir, d->caf.seen);
		if (rc) {
			lsc_err("CA %s rolled over to %s, but %s/%s cannot be written: %s; not using it",
				d->cfg.ca_url, d->caf.seen, d->cfg.state_dir, LSCD_PIN_FILE,
				strerror(-rc));
			scep_ca_free(ca);
			ca_fetch_failed(d, -EIO, false, d->caf.seen);
			return;
		}
		lscd_next_clear(d->cfg.state_dir);
		lsc_notice("CA %s rolled over: now %s, announced by the previous CA %s (GetNextCACert, signed by it); recorded in %s/%s",
			   d->cfg.ca_url, d->caf.seen, old, d->cfg.state_dir, LSCD_PIN_FILE);
	}
	if (!rc && !d->caf.pinned && !*now) {
		rc = lscd_pin_save(d->cfg.state_dir, d->caf.seen);
		if (rc) {
			/* Unrecorded, the next start would trust any CA again. */
			lsc_err("cannot record the CA in %s/%s: %s; not using it",
				d->cfg.state_dir, LSCD_PIN_FILE, strerror(-rc));
			scep_ca_free(ca);
			d->ca_retry_ms = lsc_now_ms() + d->cfg.ca_retry_ms;
			return;
		}
		lsc_notice("CA %s trusted on first use: fingerprint (SHA-256) %s, recorded in %s/%s",
			   d->cfg.ca_url, d->caf.seen, d->cfg.state_dir, LSCD_PIN_FILE);
	}
	if (!rc && d->caf.next)
		note_next(d, d->caf.seen, d->caf.next_fp);
	if (!rc && d->caf_refresh && d->ca &&
	    !scep_ca_check_fingerprint(d->ca, d->caf.seen)) {
		/* The same CA: the transactions keep theirs, nothing to push. */
		scep_ca_free(ca);
		d->ca_refresh_ms = lsc_now_ms() + d->cfg.ca_refresh_ms;
	} else if (!rc) {
		install_ca(d, ca, true);
	} else {
		ca_fetch_failed(d, rc, d->caf_first, d->caf.seen);
	}
}

static void on_event(uint8_t cmd, struct nlattr **attrs, void *arg)
{
	struct lscd *d = arg;

	(void)attrs;
	if (cmd == CAPWAP_LSC_CMD_CERT_REQUEST)
		d->need_accept = true;
}

/*
 * The module came back (rmmod; modprobe): a fresh instance knows nothing,
 * so it gets again everything lscd ever told the old one.
 */
static void kernel_back(struct lscd *d)
{
	int rc;

	rc = lsc_genl_resolve(&d->cmd);
	if (rc) {
		lsc_err("genl family %s: registered but not found: %s",
			CAPWAP_LSC_GENL_NAME, strerror(-rc));
		return;
	}
	d->kernel_gone = false;
	d->kgen++;
	lsc_notice("genl family %s is back (id %d): module reloaded, telling it everything again",
		   CAPWAP_LSC_GENL_NAME, d->cmd.family);
	rc = lsc_genl_events_rejoin(&d->ev, &d->cmd);
	d->events_lost = rc != 0;
	if (rc)
		lsc_err("cannot join the %s events group again: %s; requests are taken at each check",
			CAPWAP_LSC_GENL_NAME, strerror(-rc));
	else
		lsc_info("module reload: joined the events group again");
	lscd_dtls_relay_rejoin(d);
	if (d->chain) {
		rc = lscd_kernel_set_ca(&d->cmd, d->chain);
		if (rc)
			lsc_err("module reload: SET_CA: %s%s%s", strerror(-rc),
				d->cmd.error_msg[0] ? ": " : "", d->cmd.error_msg);
		else
			lsc_info("module reload: CA certificates set");
	}
	lscd_push_controller(d);
	lsc_info("module reload: controller status set");
	push_ap_challenge(d);
	d->renew_check_ms = lsc_now_ms();
	d->need_accept = true;
}

static void on_family(bool present, void *arg)
{
	struct lscd *d = arg;

	if (present) {
		kernel_back(d);
		return;
	}
	if (d->kernel_gone)
		return;
	d->kernel_gone = true;
	d->kgen++;
	lsc_warn("genl family %s removed (module unloaded): %u request(s) in flight will not be delivered; waiting for it to come back",
		 CAPWAP_LSC_GENL_NAME, d->njobs);
}

/*
 * When notifications may have been lost (the events socket overflowed),
 * the family's id tells whether it went away or came back unseen.
 */
static void check_family(struct lscd *d)
{
	int old = d->cmd.family, rc = lsc_genl_resolve(&d->cmd);

	if (rc == -ENOENT)
		on_family(false, d);
	else if (!rc && (d->kernel_gone || d->cmd.family != old))
		kernel_back(d);
}

/* The module's subject may have changed since the last batch. */
static void load_csr_policy(struct lscd *d)
{
	int rc = lscd_kernel_get_subject(&d->cmd, d->csr_pol.subject);

	if (rc)
		lsc_warn("GET_CONFIG: %s: AP requests are held to an empty subject",
			 strerror(-rc));
	d->csr_pol.allow_extensions = d->cfg.csr_allow_extensions;
	lscd_csr_policy_keys(&d->csr_pol, d->cfg.min_ap_key_bits);
}

static void accept_all(struct lscd *d)
{
	struct lscd_request r;
	bool policy = false;
	int rc;

	d->need_accept = false;
	d->unaccepted = false;
	for (;;) {
		if (d->njobs >= d->cfg.accept_backlog) {
			d->unaccepted = true;
			return;
		}
		rc = lscd_kernel_accept(&d->cmd, 0, &r);
		if (rc == -ENOENT) {
			/* "Nothing waits", or no such family: ask which. */
			check_family(d);
			return;
		}
		if (rc) {
			lsc_err("ACCEPT: %s", strerror(-rc));
			d->unaccepted = true;
			return;
		}
		/* Once a batch, and only for one that has a request. */
		if (!policy) {
			load_csr_policy(d);
			policy = true;
		}
		rc = lscd_ap_take(d, &r);
		lscd_request_release(&r);
		if (rc)
			lsc_err("AP request %" PRIu64 ": %s", r.id, strerror(-rc));
		/*
		 * A storm's batch is long: between two requests, a reply
		 * from the CA sends the next request out.  A failure of curl
		 * itself shows again in the loop's own call.
		 */
		scep_jobs_perform(&d->jobs);
		if (!d->ca || d->ca_down || d->kernel_gone) {
			/* Taken up again once the CA or the module is back. */
			d->need_accept = true;
			return;
		}
	}
}

static void reload(struct lscd *d)
{
	struct lscd_config n;
	bool ca_changed;

	lsc_notice("SIGHUP: reloading %s", d->config_path);
	if (lscd_load_config(d, &n)) {
		lsc_err("configuration not reloaded; the previous one stays");
		return;
	}
	if (strcmp(n.state_dir, d->cfg.state_dir)) {
		lsc_warn("state_dir changes at the next start only");
		free(n.state_dir);
		n.state_dir = strdup(d->cfg.state_dir);
	}
	if (n.key_type != d->cfg.key_type || n.key_bits != d->cfg.key_bits)
		lsc_warn("key_type/key_bits apply to the next controller key only (remove controller.key to make one)");
	ca_changed = !n.ca_url != !d->cfg.ca_url ||
		     (n.ca_url && strcmp(n.ca_url, d->cfg.ca_url)) ||
		     !n.ca_fingerprint != !d->cfg.ca_fingerprint ||
		     (n.ca_fingerprint && strcmp(n.ca_fingerprint, d->cfg.ca_fingerprint)) ||
		     !n.ca_root != !d->cfg.ca_root ||
		     (n.ca_root && strcmp(n.ca_root, d->cfg.ca_root)) ||
		     n.min_cipher != d->cfg.min_cipher || n.min_digest != d->cfg.min_digest;
	/* "lscd ca accept" changed the recorded CA: fetch it again. */
	if (!ca_changed && d->ca && !n.ca_fingerprint) {
		char pin[65];

		ca_changed = !lscd_pin_load(n.state_dir, pin) &&
			     scep_ca_check_fingerprint(d->ca, pin);
	}
	/*
	 * Transfers in flight point at the old strings (bundle, pin): keep
	 * the old config alive until exit rather than free it under them.
	 */
	{
		static struct lscd_config *prev;
		static unsigned int nprev;
		struct lscd_config *keep = realloc(prev, (nprev + 1) * sizeof(*prev));

		if (keep) {
			prev = keep;
			prev[nprev++] = d->cfg;
		}
	}
	d->cfg = n;
	apply_http(d);
	push_ap_challenge(d);
	/* mic_ca_file, ssc_allow_file, dtls_*: read again at the next handshake. */
	lscd_dtls_relay_stale(d);
	if (ca_changed) {
		lsc_notice("CA settings changed: fetching the CA again");
		retire_ca(d);
		try_ca(d, false);
	} else if (d->ca) {
		/* The module may have been reloaded since: tell it again. */
		if (lscd_kernel_set_ca(&d->cmd, d->chain))
			lsc_warn("SET_CA failed");
		lscd_push_controller(d);
	}
	/* A new challenge or subject deserves an attempt now. */
	d->ctrl_retry_ms = 0;
	d->renew_check_ms = lsc_now_ms();
	d->need_accept = true;
	lsc_notice("configuration reloaded: max_concurrent %u, renew_days %u, trace %s",
		   d->cfg.max_concurrent, d->cfg.renew_days, d->cfg.trace ? "on" : "off");
}

static void on_signals(struct lscd *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			if (!d->stopping) {
				lsc_notice("%s: draining %u request(s) in flight, %u journaled",
					   strsignal((int)si.ssi_signo), d->jobs.active, d->njobs);
				d->stopping = true;
				d->stop_deadline_ms = lsc_now_ms() + d->cfg.drain_timeout_ms;
			}
			break;
		case SIGHUP:
			reload(d);
			break;
		case SIGUSR1:
			lsc_notice("SIGUSR1: renewing the controller's certificate");
			d->ctrl_renew = true;
			break;
		}
	}
}

static void load_journal(struct lscd *d)
{
	unsigned int bad = 0;
	int rc;

	rc = lscd_journal_load(d->jdir, &d->resume, &d->nresume, &bad);
	if (rc)
		lsc_err("cannot read the journal %s: %s", d->jdir, strerror(-rc));
	if (bad)
		lsc_warn("%u unreadable journal entries in %s put aside as *.bad", bad, d->jdir);
	/*
	 * An entry nobody re-took for a week belongs to a request the kernel
	 * forgot (module reloaded, AP gone, or completed just before a crash
	 * could remove the entry).
	 */
	for (size_t i = 0; i < d->nresume;) {
		struct lscd_jentry *e = &d->resume[i];

		if (e->updated && e->updated + LSCD_JOURNAL_EXPIRY < time(NULL)) {
			lsc_notice("journal: dropping request %" PRIu64 " (state %s, untouched for a week)",
				   e->request_id, lscd_jstate_name(e->state));
			lscd_journal_remove(d->jdir, e);
			lscd_jentry_release(e);
			*e = d->resume[--d->nresume];
			continue;
		}
		i++;
	}
	if (d->nresume)
		lsc_notice("journal: %zu enrollment(s) to resume", d->nresume);
}

static void maybe_ctrl(struct lscd *d, uint64_t now)
{
	const char *why = NULL;
	int rc;

	if (d->ctrl.unsaved && now >= d->ctrl_save_ms) {
		rc = lscd_ctrl_save(&d->ctrl);
		if (!rc) {
			lsc_notice("controller: LSC saved to %s/controller.crt", d->cfg.state_dir);
		} else {
			if (d->ctrl_save_delay_ms < 3600 * 1000)
				d->ctrl_save_delay_ms *= 2;
			d->ctrl_save_ms = now + d->ctrl_save_delay_ms;
			lsc_err("controller: LSC still not saved to %s/controller.crt: %s; in use from memory, next try in %u s",
				d->cfg.state_dir, strerror(-rc), d->ctrl_save_delay_ms / 1000);
		}
	}
	if (!d->ca || d->ctrl_job || d->stopping)
		return;
	if (d->ctrl_renew) {
		d->ctrl_renew = false;
		lscd_ctrl_enroll_start(d);
		return;
	}
	if (d->ctrl_retry_ms && now < d->ctrl_retry_ms)
		return;
	rc = lscd_ctrl_check(&d->ctrl, d->ca, &d->cfg, &why);
	if (rc == -ENOENT || rc == -ESTALE) {
		lsc_notice("controller: %s", why);
		d->ctrl_retry_ms = now + d->cfg.ca_retry_ms;
		lscd_ctrl_enroll_start(d);
	}
}

/*
 * One daemon per state directory: two would share the journal and the
 * controller key.  The lock lives as long as the descriptor, so a daemon
 * killed with -9 leaves a file nobody holds, never a false owner.
 */
static int lock_pid_file(const char *state_dir, char **path, int *fdp)
{
	char buf[32];
	long owner;
	ssize_t n;
	int fd, len;

	*fdp = -1;
	if (mkdir(state_dir, 0700) && errno != EEXIST) {
		lsc_err("cannot create %s: %s", state_dir, strerror(errno));
		return -errno;
	}
	if (asprintf(path, "%s/lscd.pid", state_dir) < 0) {
		*path = NULL;
		return -ENOMEM;
	}
again:
	fd = open(*path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		lsc_err("%s: %s", *path, strerror(errno));
		return -errno;
	}
	if (!flock(fd, LOCK_EX | LOCK_NB)) {
		struct stat a, b;

		/* A daemon exiting unlinks the file it held: lock the live one. */
		if (fstat(fd, &a) || stat(*path, &b) || a.st_ino != b.st_ino ||
		    a.st_dev != b.st_dev) {
			close(fd);
			goto again;
		}
	} else {
		int err = errno;

		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		owner = strtol(buf, NULL, 10);
		close(fd);
		if (err == EWOULDBLOCK) {
			lsc_err("another lscd (pid %ld) already runs on %s: it holds %s",
				owner, state_dir, *path);
			return -EBUSY;
		}
		lsc_err("cannot lock %s: %s", *path, strerror(err));
		return -err;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)len, 0) != len)
		lsc_warn("cannot write %s: %s", *path, strerror(errno));
	*fdp = fd;
	return 0;
}

int lscd_run(struct lscd *d)
{
	struct curl_waitfd wfd[3];
	sigset_t mask;
	int rc, pid_fd = -1;
	char *pid_path = NULL;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->multi = curl_multi_init();
	if (d->sigfd < 0 || !d->multi)
		return -ENOMEM;
	scep_jobs_init(&d->jobs, d->multi, &d->http, &lscd_job_ops,
		       d->cfg.max_concurrent);
	d->jobs.other_done = on_ca_fetched;
	d->jobs.owner = d;
	apply_http(d);

	rc = lock_pid_file(d->cfg.state_dir, &pid_path, &pid_fd);
	if (rc) {
		free(pid_path);
		return rc;
	}
	/* For lscctl, which edits lscd.conf: is it this one, does --set win? */
	rc = lscd_running_record(d->cfg.state_dir, d->config_path, d->ov_key, d->nov);
	if (rc)
		lsc_warn("cannot record what lscd reads for lscctl (%s/lscd.run): %s",
			 d->cfg.state_dir, strerror(-rc));
	rc = lscd_ctrl_load(&d->ctrl, &d->cfg);
	if (rc)
		goto out_pid;
	rc = lscd_journal_init(d->cfg.state_dir, &d->jdir);
	if (rc) {
		lsc_err("cannot create the journal under %s: %s", d->cfg.state_dir,
			strerror(-rc));
		goto out_pid;
	}
	load_journal(d);

	rc = lscd_kernel_open(&d->cmd, d->load_module);
	if (rc) {
		lsc_err("genl family %s: %s", CAPWAP_LSC_GENL_NAME,
			rc == -ENOENT ? "not found (is capwap_lsc loaded?)" : strerror(-rc));
		goto out;
	}
	/* Let large ACCEPT replies (CSR up to 8 KiB) through whole. */
	nl_socket_enable_msg_peek(d->cmd.sock);
	rc = lsc_genl_events_open(&d->ev);
	if (rc) {
		lsc_err("cannot join the %s events group: %s", CAPWAP_LSC_GENL_NAME,
			strerror(-rc));
		goto out;
	}
	/* Without it lscd still provisions clear-text APs: logged, not fatal. */
	lscd_dtls_relay_open(d);
	lsc_notice("lscd %s started: state %s, CA %s, at most %u request(s) in flight",
		   CAPWAP_LSC_VERSION, d->cfg.state_dir,
		   d->cfg.ca_url ? d->cfg.ca_url : "(none)", d->cfg.max_concurrent);
	try_ca(d, true);
	lscd_push_controller(d);
	push_ap_challenge(d);
	d->renew_check_ms = lsc_now_ms() + 1000;

	for (;;) {
		uint64_t now = lsc_now_ms(), next = now + 5000;
		int timeout;

		if (d->stopping && !d->jobs.active)
			break;
		if (d->stopping && now >= d->stop_deadline_ms) {
			lsc_warn("drain timeout: %u request(s) left to the journal", d->jobs.active);
			break;
		}
		if (!d->ca && !d->caf.busy && !d->stopping && now >= d->ca_retry_ms)
			try_ca(d, false);
		if (d->ca_down && d->ca && d->cfg.ca_url && !d->caf.busy &&
		    !d->stopping && now >= d->ca_probe_ms)
			probe_ca(d);
		if (d->ca && !d->ca_down && d->cfg.ca_refresh_ms && !d->caf.busy &&
		    !d->stopping && now >= d->ca_refresh_ms)
			try_ca(d, false);
		if (!d->stopping && now >= d->family_check_ms) {
			check_family(d);
			/* Without announcements, this is when requests are taken. */
			if (d->events_lost)
				d->need_accept = true;
			d->family_check_ms = now + LSCD_FAMILY_CHECK_MS;
		}
		if (!d->stopping)
			maybe_ctrl(d, now);
		/*
		 * A reply that came while we slept frees its slot first: the
		 * next request leaves before a batch of new AP requests is
		 * taken, so the CA does not idle while we parse and journal.
		 * Draining: only what is already on the wire finishes.
		 */
		d->jobs.hold = d->stopping || d->ca_down;
		scep_jobs_start_due(&d->jobs);
		rc = scep_jobs_perform(&d->jobs);
		if (rc)
			break;
		if (d->ca && !d->stopping && !d->kernel_gone && !d->ca_down) {
			if (d->need_accept)
				accept_all(d);
			if (now >= d->renew_check_ms) {
				lscd_renew_check(d);
				d->renew_check_ms = now + d->cfg.renew_check_ms;
			}
		}
		/* What the batch added, when a slot is free, leaves now. */
		d->jobs.hold = d->stopping || d->ca_down;
		if (scep_jobs_start_due(&d->jobs)) {
			rc = scep_jobs_perform(&d->jobs);
			if (rc)
				break;
		}
		scep_jobs_prebuild(&d->jobs);
		now = lsc_now_ms();
		next = scep_jobs_wake_ms(&d->jobs, now, next);
		if (!d->ca && !d->caf.busy && d->ca_retry_ms < next)
			next = d->ca_retry_ms;
		if (d->ca_down && d->ca && !d->caf.busy && d->ca_probe_ms < next)
			next = d->ca_probe_ms;
		if (d->ca && !d->ca_down && d->cfg.ca_refresh_ms && !d->caf.busy &&
		    d->ca_refresh_ms < next)
			next = d->ca_refresh_ms;
		if (d->ca && d->renew_check_ms < next)
			next = d->renew_check_ms;
		if (d->family_check_ms < next)
			next = d->family_check_ms;
		if (d->need_accept && d->ca && !d->stopping && !d->kernel_gone && !d->ca_down &&
		    d->njobs < d->cfg.accept_backlog)
			next = now;
		if (d->ctrl_retry_ms && d->ctrl_retry_ms < next)
			next = d->ctrl_retry_ms;
		if (d->ctrl.unsaved && d->ctrl_save_ms < next)
			next = d->ctrl_save_ms;
		next = lscd_dtls_relay_tick(d, now, next);
		timeout = next > now ? (int)(next - now) : 0;
		if (d->stopping && timeout > 200)
			timeout = 200;
		wfd[0] = (struct curl_waitfd){ .fd = d->sigfd, .events = CURL_WAIT_POLLIN };
		wfd[1] = (struct curl_waitfd){ .fd = lsc_genl_events_fd(&d->ev),
					       .events = CURL_WAIT_POLLIN };
		wfd[2] = (struct curl_waitfd){ .fd = lscd_dtls_relay_fd(d),
					       .events = CURL_WAIT_POLLIN };
		if (curl_multi_poll(d->multi, wfd, d->dtls ? 3 : 2, timeout,
				    NULL) != CURLM_OK) {
			rc = -EIO;
			break;
		}
		if (wfd[0].revents)
			on_signals(d);
		if (wfd[1].revents) {
			rc = lsc_genl_events_process(&d->ev, on_event, on_family, d);
			if (rc == -ENOBUFS)
				check_family(d);
			if (rc == -ENOBUFS || rc > 0)
				d->need_accept = true;
			rc = 0;
		}
		if (d->dtls && wfd[2].revents)
			lscd_dtls_relay_process(d);
	}
	lsc_notice("lscd stopping: %lu issued, %lu failed, %u enrollment(s) left in the journal",
		   d->issued, d->failed, d->njobs);
out:
	lscd_cafetch_cancel(&d->caf);
	lscd_jobs_free(d);
	lscd_dtls_relay_close(d);
	lsc_genl_close(&d->ev);
	/* Closing the command socket hands what we accepted back to the queue. */
	lsc_genl_close(&d->cmd);
out_pid:
	/* Unlinked while still locked: a new daemon cannot lock the old inode. */
	lscd_running_unrecord(d->cfg.state_dir);
	unlink(pid_path);
	free(pid_path);
	close(pid_fd);
	return rc;
}

static void daemon_usage(FILE *f)
{
	fprintf(f,
		"Usage: lscd [--foreground] [options]\n"
		"Runs the capwap_lsc helper: enrolls the APs' certificate requests and the\n"
		"controller's own certificate with the CA over SCEP.\n"
		"  -f, --foreground      stay in the foreground (systemd runs it so)\n"
		"  -c, --config FILE     configuration file (" LSCD_DEFAULT_CONFIG ")\n"
		"  -s, --state-dir DIR   keys, certificates and journal (" LSCD_DEFAULT_STATE_DIR ")\n"
		"  -u, --url URL         SCEP URL of the CA (ca_url)\n"
		"      --fingerprint HEX SHA-256 pin of the CA certificate (ca_fingerprint)\n"
		"      --challenge S     challenge password for the controller's request\n"
		"      --challenge-file F  the same, read from F (challenge_file): unlike\n"
		"                        --challenge, not shown in /proc/PID/cmdline\n"
		"  -n, --concurrency N   requests in flight to the CA (max_concurrent, 1)\n"
		"  -t, --trace           SCEP trace on stderr (trace = yes)\n"
		"  -v, --verbose         debug messages\n"
		"  -o, --set KEY=VALUE   any configuration key, over the file\n"
		"      --no-load-module  do not load capwap_lsc when it is missing\n"
		"Signals: SIGHUP reloads the configuration, SIGTERM drains and exits,\n"
		"SIGUSR1 renews the controller's certificate.\n");
}

int lscd_cmd_daemon(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "url", required_argument, NULL, 'u' },
		{ "fingerprint", required_argument, NULL, 'F' },
		{ "challenge", required_argument, NULL, 'p' },
		{ "challenge-file", required_argument, NULL, 'P' },
		{ "concurrency", required_argument, NULL, 'n' },
		{ "trace", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "set", required_argument, NULL, 'o' },
		{ "no-load-module", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct lscd d;
	bool foreground = false;
	char *eq;
	int c, rc;

	d.config_path = LSCD_DEFAULT_CONFIG;
	d.config_missing_ok = true;
	d.load_module = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "fc:s:u:n:tvo:h", longopts, NULL)) != -1) {
		const char *key = NULL, *val = optarg;

		switch (c) {
		case 'f': foreground = true; break;
		case 'c': d.config_path = optarg; d.config_missing_ok = false; break;
		case 's': key = "state_dir"; break;
		case 'u': key = "ca_url"; break;
		case 'F': key = "ca_fingerprint"; break;
		case 'p': key = "challenge"; break;
		case 'P':
			/* Read again at each reload, after daemon() moved to "/". */
			key = "challenge_file";
			val = realpath(optarg, NULL);
			if (!val) {
				lsc_err("--challenge-file %s: %s", optarg, strerror(errno));
				return 2;
			}
			break;
		case 'n': key = "max_concurrent"; break;
		case 't': key = "trace"; val = "yes"; break;
		case 'v': key = "verbose"; val = "yes"; break;
		case 'N': d.load_module = false; break;
		case 'o':
			eq = strchr(optarg, '=');
			if (!eq) {
				lsc_err("--set expects KEY=VALUE");
				return 2;
			}
			*eq = '\0';
			key = optarg;
			val = eq + 1;
			break;
		case 'h': daemon_usage(stdout); return 0;
		default: daemon_usage(stderr); return 2;
		}
		if (key) {
			if (d.nov == LSCD_MAX_OVERRIDES) {
				lsc_err("too many overrides");
				return 2;
			}
			d.ov_key[d.nov] = key;
			d.ov_val[d.nov++] = val;
		}
	}
	if (optind != argc) {
		daemon_usage(stderr);
		return 2;
	}
	/* daemon() moves to "/": a reload must still find the file. */
	if (d.config_path[0] != '/') {
		static char abs[4096];

		if (realpath(d.config_path, abs))
			d.config_path = abs;
	}
	if (lscd_load_config(&d, &d.cfg))
		return 2;
	if (!foreground && daemon(0, 1)) {
		lsc_err("cannot detach: %s", strerror(errno));
		return 1;
	}
	rc = lscd_run(&d);
	lscd_ctrl_release(&d.ctrl);
	retire_ca(&d);
	if (d.multi)
		curl_multi_cleanup(d.multi);
	if (d.sigfd >= 0)
		close(d.sigfd);
	while (d.nresume)
		lscd_jentry_release(&d.resume[--d.nresume]);
	free(d.resume);
	free(d.marks);
	free(d.jdir);
	lscd_config_free(&d.cfg);
	return rc ? 1 : 0;
}
