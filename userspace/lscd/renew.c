// SPDX-License-Identifier: GPL-2.0
/*
 * Renewal: every AP's LSC and the controller's own, some days before they
 * expire.  Each AP gets its own point in a stagger window, derived from
 * its MAC, so a fleet enrolled in one go does not return to the CA in one
 * go, and a restarted lscd picks the same points again.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "fileio.h"
#include "hex.h"
#include "log.h"
#include "lscd.h"
#include "mac.h"
#include "running.h"

/* FNV-1a: stable across builds and hosts, unlike anything seeded. */
static uint64_t mac_hash(const uint8_t *mac)
{
	uint64_t h = 1469598103934665603ULL;
	int i;

	for (i = 0; i < CAPWAP_LSC_MAC_LEN; i++) {
		h ^= mac[i];
		h *= 1099511628211ULL;
	}
	return h;
}

uint64_t lscd_renew_due(uint64_t expiry, const uint8_t *mac,
			unsigned int renew_days, unsigned int stagger_days)
{
	uint64_t start = (uint64_t)renew_days * 86400;
	uint64_t window = (uint64_t)stagger_days * 86400;
	uint64_t due;

	due = expiry > start ? expiry - start : 0;
	if (window)
		due += mac_hash(mac) % window;
	/* Never later than a day before expiry, however the window was set. */
	if (expiry > 86400 && due > expiry - 86400)
		due = expiry - 86400;
	return due;
}

static struct lscd_renew_mark *mark_of(struct lscd *d, const uint8_t *mac)
{
	struct lscd_renew_mark *m;
	size_t i;

	for (i = 0; i < d->nmarks; i++)
		if (!memcmp(d->marks[i].mac, mac, CAPWAP_LSC_MAC_LEN))
			return &d->marks[i];
	m = realloc(d->marks, (d->nmarks + 1) * sizeof(*m));
	if (!m)
		return NULL;
	d->marks = m;
	m = &d->marks[d->nmarks++];
	memcpy(m->mac, mac, CAPWAP_LSC_MAC_LEN);
	m->sent = 0;
	return m;
}

static char *issued_path(const struct lscd *d, const uint8_t *mac)
{
	char hex[2 * CAPWAP_LSC_MAC_LEN + 1], *p;

	lsc_hex_encode(hex, mac, CAPWAP_LSC_MAC_LEN);
	return asprintf(&p, "%s/issued/%s", d->cfg.state_dir, hex) < 0 ? NULL : p;
}

/*
 * What lscd issued last to each AP, by MAC: the expiry to renew by when
 * the module's AP dump does not carry CAPWAP_LSC_AP_A_CERT_EXPIRY.  The
 * module has it for every LSC installed since it was loaded (lscd sends
 * it with COMPLETE); this note covers the APs that installed theirs
 * before, whose records the module lost when it was unloaded.
 */
void lscd_issued_note(struct lscd *d, const uint8_t *mac, uint64_t expiry)
{
	char *dir = NULL, *path = issued_path(d, mac), buf[32];
	int rc = -ENOMEM;

	if (path && asprintf(&dir, "%s/issued", d->cfg.state_dir) > 0) {
		if (mkdir(dir, 0700) && errno != EEXIST)
			rc = -errno;
		else
			rc = lsc_write_file_atomic(path, buf,
						   (size_t)snprintf(buf, sizeof(buf),
								    "%" PRIu64 "\n", expiry),
						   0600);
	}
	if (rc)
		lsc_warn("cannot record the expiry of %s: %s", path ? path : "?",
			 strerror(-rc));
	free(dir);
	free(path);
}

static uint64_t issued_expiry(const struct lscd *d, const uint8_t *mac)
{
	char *path = issued_path(d, mac);
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t v = 0;

	if (path && !lsc_read_file(path, 64, &data, &len))
		v = strtoull((const char *)data, NULL, 10);
	free(data);
	free(path);
	return v;
}

/*
 * The APs a renewal check found due.  They are renewed once the dump is
 * over: a request sent on the socket while the dump's messages are still
 * being read takes one of them for its answer, and leaves its own answer
 * for the next request (an ACCEPT then reads an AP record, no CSR).
 */
struct renew_due {
	struct lscd *d;
	struct {
		uint8_t mac[CAPWAP_LSC_MAC_LEN];
		uint64_t expiry;
	} *ap;
	size_t n, cap;
};

static void check_ap(const struct lscd_ap_info *ap, void *arg)
{
	struct renew_due *due_list = arg;
	struct lscd *d = due_list->d;
	struct lscd_renew_mark *m;
	uint64_t now = (uint64_t)time(NULL), due, expiry = ap->cert_expiry;

	if (ap->cert_type != CAPWAP_LSC_CERT_LSC ||
	    ap->session != CAPWAP_LSC_SESSION_RUN)
		return;
	if (!expiry)
		expiry = issued_expiry(d, ap->mac);
	if (!expiry)
		return;
	due = lscd_renew_due(expiry, ap->mac, d->cfg.renew_days,
			     d->cfg.renew_stagger_days);
	if (now < due)
		return;
	m = mark_of(d, ap->mac);
	/* Once a day at most: the AP needs time to re-provision. */
	if (!m || (m->sent && now < m->sent + 86400))
		return;
	if (due_list->n == due_list->cap) {
		size_t cap = due_list->cap ? 2 * due_list->cap : 16;
		void *p = realloc(due_list->ap, cap * sizeof(*due_list->ap));

		if (!p)
			return;
		due_list->ap = p;
		due_list->cap = cap;
	}
	m->sent = now;
	memcpy(due_list->ap[due_list->n].mac, ap->mac, CAPWAP_LSC_MAC_LEN);
	due_list->ap[due_list->n++].expiry = expiry;
}

void lscd_renew_check(struct lscd *d)
{
	struct renew_due due_list = { .d = d };
	char mac[LSC_MAC_STR_LEN];
	const char *why;
	size_t i;
	int rc;

	rc = lscd_kernel_ap_dump(&d->cmd, check_ap, &due_list);
	if (rc)
		lsc_warn("cannot list the APs for renewal: %s", strerror(-rc));
	for (i = 0; i < due_list.n; i++) {
		rc = lscd_kernel_renew(&d->cmd, due_list.ap[i].mac);
		lsc_mac_format(mac, due_list.ap[i].mac);
		lsc_notice("AP %s: LSC expires at %" PRIu64 ", renewal %s%s", mac,
			   due_list.ap[i].expiry, rc ? "not started: " : "started",
			   rc ? strerror(-rc) : "");
	}
	free(due_list.ap);
	/* Once a day at most, as for the APs: a short-lived certificate
	 * issued inside the window must not renew in a loop. */
	if (d->ca && !d->ctrl_job && d->ctrl.cert &&
	    (!d->ctrl_renewed || (uint64_t)time(NULL) >= d->ctrl_renewed + 86400) &&
	    lscd_ctrl_check(&d->ctrl, d->ca, &d->cfg, &why) == -ETIME) {
		lsc_notice("controller: %s", why);
		d->ctrl_renewed = (uint64_t)time(NULL);
		lscd_ctrl_enroll_start(d);
	}
}

static void renew_usage(FILE *f)
{
	fprintf(f, "Usage: lscd renew --ap MAC | --all | --controller [--state-dir DIR]\n"
		"  --ap MAC        re-provision one AP (RENEW to the kernel)\n"
		"  --all           re-provision every AP in Run with an LSC\n"
		"  --controller    ask the running lscd (SIGUSR1, pid in STATE_DIR/lscd.pid)\n"
		"                  to renew the controller's own certificate\n");
}

static int renew_controller(const char *state_dir)
{
	char why[256];
	long pid;
	int rc;

	rc = lscd_running(state_dir, &pid, why, sizeof(why));
	if (rc <= 0) {
		lsc_err("%s", why);
		return 1;
	}
	if (kill((pid_t)pid, SIGUSR1)) {
		lsc_err("cannot signal lscd (pid %ld): %s", pid, strerror(errno));
		return 1;
	}
	printf("asked lscd (pid %ld) to renew the controller's certificate\n", pid);
	return 0;
}

int lscd_cmd_renew(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ap", required_argument, NULL, 'a' },
		{ "all", no_argument, NULL, 'A' },
		{ "controller", no_argument, NULL, 'C' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *state_dir = LSCD_DEFAULT_STATE_DIR, *ap = NULL;
	bool all = false, ctrl = false;
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	struct lsc_genl g = { 0 };
	int c, rc;

	while ((c = getopt_long(argc, argv, "a:ACs:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': ap = optarg; break;
		case 'A': all = true; break;
		case 'C': ctrl = true; break;
		case 's': state_dir = optarg; break;
		case 'h': renew_usage(stdout); return 0;
		default: renew_usage(stderr); return 2;
		}
	}
	if (optind != argc || (!!ap + all + ctrl) != 1) {
		renew_usage(stderr);
		return 2;
	}
	if (ctrl)
		return renew_controller(state_dir);
	if (ap && lsc_mac_parse(ap, mac)) {
		lsc_err("--ap: expected a MAC such as 02:4c:53:00:10:01");
		return 2;
	}
	rc = lsc_genl_open(&g);
	if (rc) {
		lsc_err("genl family %s: %s", CAPWAP_LSC_GENL_NAME, strerror(-rc));
		return 1;
	}
	rc = lscd_kernel_renew(&g, ap ? mac : NULL);
	lsc_genl_close(&g);
	if (rc == -EAGAIN) {
		lsc_err("AP %s is not in Run with an LSC: nothing to renew", ap);
		return 1;
	}
	if (rc == -ENOENT && ap) {
		char text[LSC_MAC_STR_LEN];

		lsc_mac_format(text, mac);
		lsc_err("no AP with MAC %s", text);
		return 1;
	}
	if (rc) {
		lsc_err("RENEW: %s%s%s", strerror(-rc), g.error_msg[0] ? ": " : "",
			g.error_msg);
		return 1;
	}
	printf("renewal requested for %s\n", ap ? ap : "every AP in Run with an LSC");
	return 0;
}
