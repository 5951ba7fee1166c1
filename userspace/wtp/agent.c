// SPDX-License-Identifier: GPL-2.0
/*
 * Single-AP mode, for a real Linux-based AP: one identity, credentials
 * given by path or simulated, and an exit status a provisioning script
 * can rely on.  Without --daemon it stops at the first outcome: 0 once it
 * holds an LSC and has rejoined with it, 1 with the reason otherwise.
 */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "sim.h"
#include "store.h"
#include "names.h"

struct agent {
	const struct wtp_opts *o;
	int status;
	struct wtp_timer deadline;
};

static struct wtp_loop *stop_loop;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_loop)
		stop_loop->stop = true;
}

static void finish(struct wtp_ap *ap, int status, const char *what)
{
	struct agent *a = ap->sim->owner;

	if (status)
		lsc_err("%s: %s", ap->cn, what);
	else
		lsc_notice("%s: %s", ap->cn, what);
	if (a->o->daemon)
		return;
	a->status = status;
	ap->sim->loop.stop = true;
}

static void agent_notify(struct wtp_ap *ap, enum wtp_event ev)
{
	char msg[512];

	switch (ev) {
	case WTP_EV_JOINED:
		if (ap->joined_with == CAPWAP_LSC_CERT_LSC) {
			finish(ap, 0, "joined with its LSC");
			return;
		}
		lsc_notice("%s: joined with its %s, waiting for LSC parameters",
			   ap->cn, ap->joined_with == CAPWAP_LSC_CERT_SSC ?
			   "SSC" : "MIC");
		return;
	case WTP_EV_PARAMS:
		lsc_info("%s: generating the LSC key and request", ap->cn);
		return;
	case WTP_EV_CSR_SENT:
		lsc_info("%s: certificate request sent (key %.0f ms)", ap->cn,
			 ap->keygen_us / 1000.0);
		return;
	case WTP_EV_INSTALLED:
		lsc_notice("%s: LSC installed in %s", ap->cn, ap->dir);
		return;
	case WTP_EV_INSTALL_FAILED:
		snprintf(msg, sizeof(msg), "LSC not installed (%s): %s",
			 lsc_result_name(ap->last_result), ap->reason);
		finish(ap, 1, msg);
		return;
	case WTP_EV_LSC_STATUS:
		if (ap->last_result == CAPWAP_LSC_RESULT_SUCCESS) {
			lsc_info("%s: controller: %s", ap->cn, ap->reason);
			return;
		}
		snprintf(msg, sizeof(msg), "controller reports %s: %s",
			 lsc_result_name(ap->last_result), ap->reason);
		finish(ap, 1, msg);
		return;
	case WTP_EV_REFUSED:
		snprintf(msg, sizeof(msg), "controller refuses an LSC: %s",
			 ap->reason);
		finish(ap, 1, msg);
		return;
	case WTP_EV_FALLBACK:
		snprintf(msg, sizeof(msg), "fell back to its factory certificate: %s",
			 ap->reason);
		finish(ap, 1, msg);
		return;
	case WTP_EV_JOIN_REFUSED:
	case WTP_EV_DTLS_FAILED:
	case WTP_EV_LOST:
		finish(ap, 1, ap->reason);
		return;
	case WTP_EV_UNREACHABLE:
		snprintf(msg, sizeof(msg), "controller %s unreachable: %s",
			 ((struct agent *)ap->sim->owner)->o->ac, ap->reason);
		finish(ap, 1, msg);
		return;
	}
}

static void deadline_fire(struct wtp_timer *t)
{
	struct agent *a = (struct agent *)((char *)t -
				offsetof(struct agent, deadline));

	lsc_err("no LSC after %d s", a->o->timeout_s);
	a->status = 1;
	stop_loop->stop = true;
}

int wtp_agent_run(const struct wtp_opts *o)
{
	struct agent a = { .o = o, .status = 1 };
	struct wtp_ca ca = { 0 };
	struct wtp_sim sim;
	struct wtp_ap ap;

	memset(&ap, 0, sizeof(ap));
	ap.id = o->id;
	ap.mode = o->mode;
	ap.corrupt = o->corrupt;
	snprintf(ap.dir, sizeof(ap.dir), "%s", o->state_dir);
	ap.io.fd = -1;
	if (wtp_sim_init(&sim, o))
		return 1;
	sim.notify = agent_notify;
	sim.owner = &a;
	ap.sim = &sim;
	if (wtp_store_mkdir(o->state_dir) ||
	    (!o->mic_key && o->cert_type == CAPWAP_LSC_CERT_MIC &&
	     wtp_mfg_ca_load(o->state_dir, &ca)) ||
	    wtp_ap_prepare(&ap, &ca, o))
		goto out;
	if (!wtp_store_load_lsc(ap.dir, &ap.id, &ap.lsc_key, &ap.lsc_cert,
				&ap.lsc_cas)) {
		ap.use_lsc = true;
		lsc_info("%s: joining with the LSC in %s", ap.cn, ap.dir);
	}
	stop_loop = &sim.loop;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o->timeout_s > 0 && !o->daemon) {
		a.deadline.fire = deadline_fire;
		wtp_timer_in(&sim.loop, &a.deadline, (uint64_t)o->timeout_s * 1000);
	}
	if (wtp_ap_start(&ap, 0)) {
		lsc_err("cannot open a socket to %s", o->ac);
		goto out;
	}
	wtp_loop_run(&sim.loop);
	if (o->daemon)
		a.status = 0;
out:
	wtp_ap_stop(&ap);
	wtp_sim_free(&sim);
	wtp_ap_free(&ap);
	if (ap.job)
		wtp_keyjob_clear(ap.job);
	free(ap.job);
	wtp_ca_free(&ca);
	return a.status;
}
