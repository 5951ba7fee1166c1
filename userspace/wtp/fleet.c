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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "sim.h"
#include "store.h"

#define TICK_MS 200

static const char *const models[] = {
	"AP3G1", "AP3G2", "AIR-CAP2702I", "C9120AXI", "C9130AXE",
};

struct tally {
	int joined, provisioning, lsc, failed, fallback, refused;
	int expected, expected_lsc, terminal, waiting_failed;
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
		t->expected += expected(ap);
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
			t->expected_lsc += expected(ap);
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

static void progress(const struct fleet *f, const struct tally *t,
		     uint64_t now, bool final)
{
	if (!f->tty)
		return;
	fprintf(stderr,
		"\r\033[Kjoined %d  provisioning %d  LSC %d/%d  failed %d  fell back %d  refused %d  %.1fs%s",
		t->joined, t->provisioning, t->lsc, f->n, t->failed,
		t->fallback, t->refused, (now - f->t0) / 1000.0,
		final ? "\n" : "");
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
};

static void summarize(struct fleet *f, struct summary *s)
{
	uint64_t *lat = calloc(f->n ? f->n : 1, sizeof(*lat)), last = 0;
	uint64_t keygen = 0, csr = 0, inst = 0;
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
	s->all_lsc_s = s->t.expected_lsc == s->t.expected && last ?
		       (last - f->t0) / 1000.0 : NAN;
	if (lat)
		qsort(lat, nl, sizeof(*lat), cmp_u64);
	s->p50 = pct(lat, nl, 0.50);
	s->p90 = pct(lat, nl, 0.90);
	s->p99 = pct(lat, nl, 0.99);
	s->max = nl ? (double)lat[nl - 1] : NAN;
	s->keygen_s = keygen / 1e6;
	s->csr_s = csr / 1e6;
	s->install_s = inst / 1e6;
	s->keygen_mean_ms = s->keys_made ? keygen / 1e3 / s->keys_made : 0;
	s->keygen_share = s->wall_s > 0 && s->threads ?
			  s->keygen_s / (s->wall_s * s->threads) : 0;
	free(lat);
}

static void json_num(const char *name, double v, bool last)
{
	if (isnan(v))
		printf("  \"%s\": null%s\n", name, last ? "" : ",");
	else
		printf("  \"%s\": %.3f%s\n", name, v, last ? "" : ",");
}

static void print_json(const struct summary *s, int n)
{
	printf("{\n  \"aps\": %d,\n  \"expected_lsc\": %d,\n  \"lsc\": %d,\n"
	       "  \"lsc_expected\": %d,\n  \"failed\": %d,\n  \"fallback\": %d,\n"
	       "  \"fell_back\": %d,\n"
	       "  \"refused\": %d,\n  \"provisioning\": %d,\n  \"joined\": %d,\n",
	       n, s->t.expected, s->t.lsc, s->t.expected_lsc, s->t.failed,
	       s->t.fallback, s->fell_back, s->t.refused, s->t.provisioning,
	       s->t.joined);
	json_num("wall_s", s->wall_s, false);
	json_num("time_to_all_lsc_s", s->all_lsc_s, false);
	json_num("latency_p50_ms", s->p50, false);
	json_num("latency_p90_ms", s->p90, false);
	json_num("latency_p99_ms", s->p99, false);
	json_num("latency_max_ms", s->max, false);
	printf("  \"keys_made\": %d,\n  \"keys_pregenerated\": %d,\n"
	       "  \"key_threads\": %d,\n", s->keys_made, s->keys_pregenerated,
	       s->threads);
	json_num("keygen_cpu_s", s->keygen_s, false);
	json_num("keygen_mean_ms", s->keygen_mean_ms, false);
	json_num("keygen_share", s->keygen_share, false);
	json_num("csr_cpu_s", s->csr_s, false);
	json_num("install_s", s->install_s, false);
	printf("  \"retransmissions\": %llu,\n  \"duplicates\": %llu,\n"
	       "  \"malformed\": %llu\n}\n",
	       (unsigned long long)s->retransmits,
	       (unsigned long long)s->duplicates,
	       (unsigned long long)s->malformed);
}

static void print_text(const struct summary *s, int n)
{
	fprintf(stderr,
		"APs %d: LSC %d (%d of %d expected), failed %d, fell back %d (%d at some point), refused %d, still provisioning %d\n",
		n, s->t.lsc, s->t.expected_lsc, s->t.expected, s->t.failed,
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
	f.tty = isatty(STDERR_FILENO);
	if (prepare(&f))
		goto out;
	stop_loop = &f.sim.loop;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	f.t0 = f.t_change = lsc_now_ms();
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
	status = s.t.expected_lsc == s.t.expected ? 0 : 1;
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
