// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet simulator: N APs with distinct MACs, serials, models and
 * source ports in one event loop, all at once (a controller reboot's join
 * storm) or ramped, with chosen fractions in bridge or mesh mode or with
 * corrupted CSRs.  It reports how long the fleet took to hold LSCs and
 * how much of that was our own key generation.
 */
#include <math.h>
#include <signal.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "sim.h"
#include "store.h"

#define TICK_MS 200
/* Off a terminal (a log file, a pipe): one plain line this often. */
#define PROGRESS_LINE_MS 5000

static const char *const models[] = {
	"AP3G1", "AP3G2", "AIR-CAP2702I", "C9120AXI", "C9130AXE",
};

struct tally {
	int joined, provisioning, lsc, failed, fallback, refused;
	int lsc_target;		/* APs that should end with an LSC */
	int lsc_achieved;	/* of those, the ones that hold one */
	int terminal, waiting_failed;
	int settled;	/* terminal, or not expected and failed once */
	int failures;	/* all failed attempts: an AP failing again is a change */
};

struct fleet {
	const struct wtp_opts *o;
	struct wtp_sim sim;
	struct wtp_ap *aps;
	int n;
	uint64_t t0;
	/* The counts as last seen and when they changed: --settle waits on that. */
	struct tally last;
	uint64_t t_change;
	struct wtp_timer tick;
	bool tty;
	uint64_t t_line;	/* the last plain progress line */
};

static struct wtp_loop *stop_loop;

/* SIGINT or SIGTERM ends the run early, with its summary. */
static void on_signal(int sig)
{
	(void)sig;
	if (stop_loop)
		stop_loop->stop = true;
}

static bool expected(const struct wtp_ap *ap)
{
	return ap->mode == CAPWAP_LSC_MODE_LOCAL && !ap->corrupt;
}

static void count(const struct fleet *f, struct tally *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < f->n; i++) {
		const struct wtp_ap *ap = &f->aps[i];

		t->joined += ap->state == WTP_S_RUN;
		t->failures += ap->failures;
		t->lsc_target += expected(ap);
		t->settled += ap->lsc == WTP_L_LSC || ap->lsc == WTP_L_REFUSED ||
			      ap->lsc == WTP_L_FALLBACK ||
			      (!expected(ap) && ap->failures);
		switch (ap->lsc) {
		case WTP_L_KEYGEN:
		case WTP_L_CSR_SENT:
		case WTP_L_INSTALLED:
			t->provisioning++;
			break;
		case WTP_L_LSC:
			t->lsc++;
			t->terminal++;
			t->lsc_achieved += expected(ap);
			break;
		case WTP_L_FAILED:
			t->failed++;
			t->waiting_failed++;
			break;
		case WTP_L_FALLBACK:
			t->fallback++;
			t->terminal++;
			break;
		case WTP_L_REFUSED:
			t->refused++;
			t->terminal++;
			break;
		case WTP_L_NONE:
			break;
		}
	}
}

/*
 * A terminal that can redraw a line: TERM=dumb (the VM's serial console,
 * an editor's shell) shows an erase as bytes, as a file would.
 */
static bool live_terminal(void)
{
	const char *term = getenv("TERM");

	return isatty(STDERR_FILENO) && term && *term && strcmp(term, "dumb");
}

/*
 * On a terminal the line is redrawn in place every tick; anywhere else
 * (a log, a pipe) a carriage return and an erase would pile up in the
 * file, so a plain line goes out every few seconds and at the end.
 */
static void progress(struct fleet *f, const struct tally *t, uint64_t now,
		     bool final)
{
	if (!f->tty && !final && now - f->t_line < PROGRESS_LINE_MS)
		return;
	f->t_line = now;
	fprintf(stderr,
		"%sjoined %d  provisioning %d  LSC %d/%d  failed %d  fell back %d  refused %d  %.1fs%s",
		f->tty ? "\r\033[K" : "",
		t->joined, t->provisioning, t->lsc, f->n, t->failed,
		t->fallback, t->refused, (now - f->t0) / 1000.0,
		final || !f->tty ? "\n" : "");
}

static void tick(struct wtp_timer *tm)
{
	struct fleet *f = (struct fleet *)((char *)tm -
				offsetof(struct fleet, tick));
	const struct wtp_opts *o = f->o;
	uint64_t now = lsc_now_ms();
	struct tally t;

	count(f, &t);
	progress(f, &t, now, false);
	if (memcmp(&t, &f->last, sizeof(t))) {
		f->last = t;
		f->t_change = now;
	}
	/*
	 * Done when every AP reached an outcome, where a deliberately broken
	 * one has reached it at its first failure: a controller that grants
	 * unlimited attempts would otherwise keep it going forever.  With
	 * --hold the APs stay in their sessions after their outcome, for
	 * what the controller does next (a renewal, a new CA), until the
	 * timeout or a signal.
	 */
	if ((!o->hold &&
	     (t.terminal == f->n || t.settled == f->n ||
	      (t.terminal + t.waiting_failed == f->n &&
	       now - f->t_change >= (uint64_t)o->settle_s * 1000))) ||
	    (o->timeout_s > 0 && now - f->t0 >= (uint64_t)o->timeout_s * 1000)) {
		f->sim.loop.stop = true;
		return;
	}
	wtp_timer_in(&f->sim.loop, &f->tick, TICK_MS);
}

static void fleet_notify(struct wtp_ap *ap, enum wtp_event ev)
{
	switch (ev) {
	case WTP_EV_REFUSED:
	case WTP_EV_FALLBACK:
	case WTP_EV_INSTALL_FAILED:
	case WTP_EV_DTLS_FAILED:
		lsc_info("%s: %s", ap->cn, ap->reason);
		break;
	case WTP_EV_LSC_STATUS:
	case WTP_EV_JOIN_REFUSED:
	case WTP_EV_UNREACHABLE:
	case WTP_EV_LOST:
		lsc_debug("%s: %s", ap->cn, ap->reason);
		break;
	default:
		break;
	}
}

/* Spreads a category over the fleet instead of bunching it at the start. */
static int spread(int i, int n)
{
	return (int)(((uint64_t)i * 7919) % (uint64_t)n);
}

static void identity(struct fleet *f, int i, struct wtp_ap *ap)
{
	const struct wtp_opts *o = f->o;
	int nb = (int)lround(o->bridge_fraction * f->n);
	int nm = (int)lround(o->mesh_fraction * f->n);
	int nc = (int)lround(o->corrupt_fraction * f->n);
	int slot = f->n % 7919 ? spread(i, f->n) : i;

	ap->index = i;
	ap->id.mac[0] = 0x02;	/* locally administered */
	ap->id.mac[1] = 0x4c;
	ap->id.mac[2] = 0x53;
	ap->id.mac[3] = (uint8_t)(i >> 16);
	ap->id.mac[4] = (uint8_t)(i >> 8);
	ap->id.mac[5] = (uint8_t)i;
	snprintf(ap->id.model, sizeof(ap->id.model), "%s",
		 models[i % (sizeof(models) / sizeof(models[0]))]);
	snprintf(ap->id.serial, sizeof(ap->id.serial), "SIM%08d", i);
	snprintf(ap->dir, sizeof(ap->dir), "%s/ap/%04d", o->state_dir, i);
	if (slot < nb)
		ap->mode = CAPWAP_LSC_MODE_BRIDGE;
	else if (slot < nb + nm)
		ap->mode = CAPWAP_LSC_MODE_MESH;
	else if (slot < nb + nm + nc)
		ap->corrupt = true;
}

static int prepare(struct fleet *f)
{
	const struct wtp_opts *o = f->o;
	struct wtp_ca ca = { 0 };
	int i, ret = -1;

	if (wtp_store_mkdir(o->state_dir) ||
	    (o->cert_type == CAPWAP_LSC_CERT_MIC &&
	     wtp_mfg_ca_load(o->state_dir, &ca)))
		goto out;
	for (i = 0; i < f->n; i++) {
		struct wtp_ap *ap = &f->aps[i];

		ap->sim = &f->sim;
		identity(f, i, ap);
		if (wtp_ap_prepare(ap, &ca, o))
			goto out;
		if (o->keep_lsc &&
		    !wtp_store_load_lsc(ap->dir, &ap->id, &ap->lsc_key,
					&ap->lsc_cert, &ap->lsc_cas))
			ap->use_lsc = true;
	}
	ret = 0;
out:
	wtp_ca_free(&ca);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, int n, double p)
{
	int k;

	if (!n)
		return NAN;
	k = (int)ceil(p * n) - 1;
	return (double)v[k < 0 ? 0 : k];
}

struct summary {
	struct tally t;
	double wall_s, all_lsc_s;
	double p50, p90, p99, max;
	double keygen_s, keygen_mean_ms, keygen_share, csr_s, install_s;
	int keys_made, keys_pregenerated, threads;
	int fell_back;		/* APs that fell back at least once */
	uint64_t retransmits, duplicates, malformed;
	/* DTLS: handshakes completed, and the AP side's CPU for each. */
	uint64_t handshakes, dtls_failed, clear_dropped;
	double dtls_cpu_ms_each;
};

static void summarize(struct fleet *f, struct summary *s)
{
	uint64_t *lat = calloc(f->n ? f->n : 1, sizeof(*lat)), last = 0;
	uint64_t keygen = 0, csr = 0, inst = 0, dtls_ns = 0;
	int i, nl = 0;

	memset(s, 0, sizeof(*s));
	count(f, &s->t);
	s->wall_s = (lsc_now_ms() - f->t0) / 1000.0;
	s->threads = f->sim.pool.nthreads;
	for (i = 0; i < f->n; i++) {
		struct wtp_ap *ap = &f->aps[i];

		s->retransmits += ap->retransmitted;
		s->duplicates += ap->duplicates;
		s->malformed += ap->malformed;
		s->handshakes += ap->handshakes;
		s->dtls_failed += ap->dtls_failures;
		s->clear_dropped += ap->clear_dropped;
		dtls_ns += ap->dtls_cpu_ns;
		s->fell_back += ap->fallbacks > 0;
		keygen += ap->keygen_us;
		csr += ap->csr_us;
		inst += ap->install_us;
		if (ap->keygen_us) {
			s->keys_made++;
			s->keys_pregenerated += ap->pregenerated;
		}
		if (ap->lsc != WTP_L_LSC)
			continue;
		if (ap->t_lsc > last)
			last = ap->t_lsc;
		if (lat && ap->t_params)
			lat[nl++] = ap->t_lsc - ap->t_params;
	}
	s->all_lsc_s = s->t.lsc_achieved == s->t.lsc_target && last ?
		       (last - f->t0) / 1000.0 : NAN;
	if (lat)
		qsort(lat, nl, sizeof(*lat), cmp_u64);
	s->p50 = pct(lat, nl, 0.50);
	s->p90 = pct(lat, nl, 0.90);
	s->p99 = pct(lat, nl, 0.99);
	s->max = nl ? (double)lat[nl - 1] : NAN;
	s->dtls_cpu_ms_each = s->handshakes ? dtls_ns / 1e6 / s->handshakes : 0;
	s->keygen_s = keygen / 1e6;
	s->csr_s = csr / 1e6;
	s->install_s = inst / 1e6;
	s->keygen_mean_ms = s->keys_made ? keygen / 1e3 / s->keys_made : 0;
	s->keygen_share = s->wall_s > 0 && s->threads ?
			  s->keygen_s / (s->wall_s * s->threads) : 0;
	free(lat);
}

/* Seconds and milliseconds to the millisecond; null when there is none. */
static struct json_object *json_num(double v)
{
	char buf[48];

	if (isnan(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.3f", v);
	return json_object_new_double_s(v, buf);
}

static void print_json(const struct summary *s, int n)
{
	const struct { const char *key; int v; } counts[] = {
		{ "aps", n },
		{ "lsc_target", s->t.lsc_target },
		{ "lsc_achieved", s->t.lsc_achieved },
		{ "lsc", s->t.lsc },
		{ "failed", s->t.failed },
		{ "fallback", s->t.fallback },
		{ "fell_back", s->fell_back },
		{ "refused", s->t.refused },
		{ "provisioning", s->t.provisioning },
		{ "joined", s->t.joined },
	};
	const struct { const char *key; double v; } times[] = {
		{ "wall_s", s->wall_s },
		{ "time_to_all_lsc_s", s->all_lsc_s },
		{ "latency_p50_ms", s->p50 },
		{ "latency_p90_ms", s->p90 },
		{ "latency_p99_ms", s->p99 },
		{ "latency_max_ms", s->max },
		{ "keygen_cpu_s", s->keygen_s },
		{ "keygen_mean_ms", s->keygen_mean_ms },
		{ "keygen_share", s->keygen_share },
		{ "csr_cpu_s", s->csr_s },
		{ "install_s", s->install_s },
		{ "dtls_cpu_ms_per_handshake", s->dtls_cpu_ms_each },
	};
	struct json_object *o = json_object_new_object();
	size_t i;

	if (!o) {
		lsc_err("no memory for the JSON summary");
		return;
	}
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		json_object_object_add(o, counts[i].key, json_object_new_int(counts[i].v));
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		json_object_object_add(o, times[i].key, json_num(times[i].v));
	json_object_object_add(o, "keys_made", json_object_new_int(s->keys_made));
	json_object_object_add(o, "keys_pregenerated",
			       json_object_new_int(s->keys_pregenerated));
	json_object_object_add(o, "key_threads", json_object_new_int(s->threads));
	json_object_object_add(o, "retransmissions", json_object_new_uint64(s->retransmits));
	json_object_object_add(o, "duplicates", json_object_new_uint64(s->duplicates));
	json_object_object_add(o, "malformed", json_object_new_uint64(s->malformed));
	json_object_object_add(o, "dtls_handshakes", json_object_new_uint64(s->handshakes));
	json_object_object_add(o, "dtls_failed", json_object_new_uint64(s->dtls_failed));
	json_object_object_add(o, "clear_dropped", json_object_new_uint64(s->clear_dropped));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_text(const struct summary *s, int n)
{
	fprintf(stderr,
		"APs %d: LSC %d (%d of %d expected), failed %d, fell back %d (%d at some point), refused %d, still provisioning %d\n",
		n, s->t.lsc, s->t.lsc_achieved, s->t.lsc_target, s->t.failed,
		s->t.fallback, s->fell_back, s->t.refused, s->t.provisioning);
	if (isnan(s->all_lsc_s))
		fprintf(stderr, "not every expected AP holds an LSC after %.1f s\n",
			s->wall_s);
	else
		fprintf(stderr, "every expected AP holds an LSC after %.2f s\n",
			s->all_lsc_s);
	fprintf(stderr,
		"provisioning latency (params to LSC join): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms\n",
		s->p50, s->p90, s->p99, s->max);
	fprintf(stderr,
		"AP key generation: %d keys (%d pre-generated), %.2f s CPU, mean %.1f ms, %.0f%% of %d workers' time; CSR signing %.2f s; LSC install %.2f s\n",
		s->keys_made, s->keys_pregenerated, s->keygen_s,
		s->keygen_mean_ms, 100 * s->keygen_share, s->threads, s->csr_s,
		s->install_s);
	fprintf(stderr, "retransmissions %llu, duplicate requests %llu, malformed %llu\n",
		(unsigned long long)s->retransmits,
		(unsigned long long)s->duplicates,
		(unsigned long long)s->malformed);
	if (s->handshakes || s->dtls_failed || s->clear_dropped)
		fprintf(stderr,
			"DTLS: %llu handshakes, %.2f ms of AP-side CPU each, %llu failed; clear-text messages dropped %llu\n",
			(unsigned long long)s->handshakes, s->dtls_cpu_ms_each,
			(unsigned long long)s->dtls_failed,
			(unsigned long long)s->clear_dropped);
}

static int start_all(struct fleet *f)
{
	int i, ret;

	for (i = 0; i < f->n; i++) {
		uint64_t delay = f->o->ramp > 0 ? (uint64_t)(i * 1000.0 / f->o->ramp) : 0;

		ret = wtp_ap_start(&f->aps[i], delay);
		if (ret) {
			lsc_err("AP %d: cannot open its socket: %s", i, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

int wtp_fleet_run(const struct wtp_opts *o)
{
	struct fleet f = { .o = o, .n = o->count };
	struct summary s;
	int i, status = 1;

	f.aps = calloc(f.n, sizeof(*f.aps));
	if (!f.aps)
		return 1;
	for (i = 0; i < f.n; i++) {
		f.aps[i].io.fd = -1;
		f.aps[i].sim = &f.sim;
	}
	if (wtp_sim_init(&f.sim, o))
		goto out_free;
	f.sim.notify = fleet_notify;
	f.sim.owner = &f;
	f.tty = live_terminal();
	if (prepare(&f))
		goto out;
	stop_loop = &f.sim.loop;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	f.t0 = f.t_change = f.t_line = lsc_now_ms();
	f.tick.fire = tick;
	wtp_timer_in(&f.sim.loop, &f.tick, TICK_MS);
	if (start_all(&f))
		goto out;
	wtp_loop_run(&f.sim.loop);
	summarize(&f, &s);
	progress(&f, &s.t, lsc_now_ms(), true);
	if (o->json)
		print_json(&s, f.n);
	else
		print_text(&s, f.n);
	status = s.t.lsc_achieved == s.t.lsc_target ? 0 : 1;
out:
	stop_loop = NULL;
	for (i = 0; i < f.n; i++)
		wtp_ap_stop(&f.aps[i]);
	wtp_sim_free(&f.sim);
	for (i = 0; i < f.n; i++) {
		wtp_ap_free(&f.aps[i]);
		if (f.aps[i].job)
			wtp_keyjob_clear(f.aps[i].job);
		free(f.aps[i].job);
	}
out_free:
	free(f.aps);
	return status;
}
