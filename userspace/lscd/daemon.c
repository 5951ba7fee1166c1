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
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "cafetch.h"
#include "clock.h"
#include "daemon.h"
#include "fileio.h"
#include "genl_events.h"
#include "log.h"
#include "lscd.h"
#include "scep_cert.h"

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

static void retire_ca(struct lscd *d)
{
	if (!d->ca)
		return;
	/* Transactions still hold it; it goes at exit. */
	if (d->nretired == LSCD_MAX_RETIRED_CAS)
		scep_ca_free(d->retired[--d->nretired]);
	d->retired[d->nretired++] = d->ca;
	d->ca = NULL;
	sk_X509_pop_free(d->chain, X509_free);
	d->chain = NULL;
}

static int install_ca(struct lscd *d, struct scep_ca *ca, bool fresh)
{
	char fp[65];
	int rc;

	retire_ca(d);
	d->ca = ca;
	d->chain = sk_X509_new_null();
	if (!d->chain || !X509_up_ref(ca->ca) || !sk_X509_push(d->chain, ca->ca))
		return -ENOMEM;
	scep_cert_fingerprint(ca->ca, fp);
	lsc_notice("CA %s: %s, fingerprint (SHA-256) %s", d->cfg.ca_url,
		   fresh ? "certificates fetched" : "certificates from the state directory (CA unreachable)",
		   fp);
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
	d->need_accept = true;
	return 0;
}

/* GetCACaps/GetCACert; when the CA is down, the cached copy of its certs. */
static void try_ca(struct lscd *d, bool first)
{
	struct scep_ca *ca = NULL;
	int rc;

	if (!d->cfg.ca_url) {
		if (first)
			lsc_err("no CA URL: set ca_url in %s or use --url", d->config_path);
		d->ca_retry_ms = lsc_now_ms() + d->cfg.ca_retry_ms;
		return;
	}
	rc = lscd_ca_fetch(d->cfg.ca_url, d->cfg.ca_fingerprint, &d->http,
			   d->cfg.trace, &ca);
	if (!rc) {
		install_ca(d, ca, true);
		return;
	}
	if (rc != -EPERM && first &&
	    !lscd_ca_cache_load(d->cfg.state_dir, d->cfg.ca_url, &ca)) {
		if (!d->cfg.ca_fingerprint ||
		    !scep_ca_check_fingerprint(ca, d->cfg.ca_fingerprint)) {
			install_ca(d, ca, false);
			return;
		}
		scep_ca_free(ca);
	}
	lsc_err("CA %s not available; AP requests wait in the kernel, next try in %u s",
		d->cfg.ca_url, d->cfg.ca_retry_ms / 1000);
	d->ca_retry_ms = lsc_now_ms() + d->cfg.ca_retry_ms;
}

static void accept_all(struct lscd *d)
{
	struct lscd_request r;
	int rc;

	d->need_accept = false;
	while (d->njobs < d->cfg.accept_backlog) {
		rc = lscd_kernel_accept(&d->cmd, 0, &r);
		if (rc == -ENOENT)
			return;
		if (rc) {
			lsc_err("ACCEPT: %s", strerror(-rc));
			return;
		}
		rc = lscd_ap_take(d, &r);
		lscd_request_release(&r);
		if (rc)
			lsc_err("AP request %" PRIu64 ": %s", r.id, strerror(-rc));
	}
}

static void on_event(uint8_t cmd, struct nlattr **attrs, void *arg)
{
	struct lscd *d = arg;

	(void)attrs;
	if (cmd == CAPWAP_LSC_CMD_CERT_REQUEST)
		d->need_accept = true;
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
		     (n.ca_fingerprint && strcmp(n.ca_fingerprint, d->cfg.ca_fingerprint));
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

int lscd_run(struct lscd *d)
{
	struct curl_waitfd wfd[2];
	sigset_t mask;
	int rc;
	FILE *pf;
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
	apply_http(d);

	rc = lscd_ctrl_load(&d->ctrl, &d->cfg);
	if (rc)
		return rc;
	rc = lscd_journal_init(d->cfg.state_dir, &d->jdir);
	if (rc) {
		lsc_err("cannot create the journal under %s: %s", d->cfg.state_dir,
			strerror(-rc));
		return rc;
	}
	if (asprintf(&pid_path, "%s/lscd.pid", d->cfg.state_dir) > 0 &&
	    (pf = fopen(pid_path, "w"))) {
		fprintf(pf, "%d\n", (int)getpid());
		fclose(pf);
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
		if (!d->ca && !d->stopping && now >= d->ca_retry_ms)
			try_ca(d, false);
		if (d->ca && !d->stopping) {
			if (d->need_accept)
				accept_all(d);
			maybe_ctrl(d, now);
			if (now >= d->renew_check_ms) {
				lscd_renew_check(d);
				d->renew_check_ms = now + d->cfg.renew_check_ms;
			}
		}
		/* Draining: only what is already on the wire finishes. */
		d->jobs.hold = d->stopping;
		scep_jobs_start_due(&d->jobs);
		rc = scep_jobs_perform(&d->jobs);
		if (rc)
			break;
		scep_jobs_prebuild(&d->jobs);
		now = lsc_now_ms();
		next = scep_jobs_wake_ms(&d->jobs, now, next);
		if (!d->ca && d->ca_retry_ms < next)
			next = d->ca_retry_ms;
		if (d->ca && d->renew_check_ms < next)
			next = d->renew_check_ms;
		if (d->need_accept && d->ca && !d->stopping &&
		    d->njobs < d->cfg.accept_backlog)
			next = now;
		if (d->ctrl_retry_ms && d->ctrl_retry_ms < next)
			next = d->ctrl_retry_ms;
		timeout = next > now ? (int)(next - now) : 0;
		if (d->stopping && timeout > 200)
			timeout = 200;
		wfd[0] = (struct curl_waitfd){ .fd = d->sigfd, .events = CURL_WAIT_POLLIN };
		wfd[1] = (struct curl_waitfd){ .fd = lsc_genl_events_fd(&d->ev),
					       .events = CURL_WAIT_POLLIN };
		if (curl_multi_poll(d->multi, wfd, 2, timeout, NULL) != CURLM_OK) {
			rc = -EIO;
			break;
		}
		if (wfd[0].revents)
			on_signals(d);
		if (wfd[1].revents) {
			rc = lsc_genl_events_process(&d->ev, on_event, d);
			if (rc == -ENOBUFS || rc > 0)
				d->need_accept = true;
			rc = 0;
		}
	}
	lsc_notice("lscd stopping: %lu issued, %lu failed, %u enrollment(s) left in the journal",
		   d->issued, d->failed, d->njobs);
out:
	lscd_jobs_free(d);
	lsc_genl_close(&d->ev);
	/* Closing the command socket hands what we accepted back to the queue. */
	lsc_genl_close(&d->cmd);
	if (pid_path) {
		unlink(pid_path);
		free(pid_path);
	}
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
	while (d.nretired)
		scep_ca_free(d.retired[--d.nretired]);
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
