// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl show stats --prometheus, rendered from known counters: the exact
 * text for a small set, and every counter at once through
 * tests/tools/prom_check.py (the prometheus_client library's parser, and
 * one HELP and TYPE per family), as node_exporter's
 * textfile collector would read it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "prometheus.h"

static char *render(const struct lscctl_stats *st, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	*ret = lscctl_stats_prometheus(f, st);
	fclose(f);
	return buf;
}

static size_t scalar_index(const char *key)
{
	size_t i;

	for (i = 0; i < lscctl_n_scalars; i++)
		if (!strcmp(lscctl_scalars[i].key, key))
			return i;
	return (size_t)-1;
}

static const char *exact_text(void)
{
	static const char want[] =
		"# HELP capwap_lsc_aps APs known to the controller\n"
		"# TYPE capwap_lsc_aps gauge\n"
		"capwap_lsc_aps 3\n"
		"# HELP capwap_lsc_rx_packets_total Datagrams received\n"
		"# TYPE capwap_lsc_rx_packets_total counter\n"
		"capwap_lsc_rx_packets_total 18446744073709551615\n"
		"# HELP capwap_lsc_silent_sessions_total Sessions timed out with no echo ever received\n"
		"# TYPE capwap_lsc_silent_sessions_total counter\n"
		"capwap_lsc_silent_sessions_total 0\n"
		"# HELP capwap_lsc_rx_messages_total CAPWAP control messages received, by message type\n"
		"# TYPE capwap_lsc_rx_messages_total counter\n"
		"capwap_lsc_rx_messages_total{type=\"join-request\"} 5\n"
		"capwap_lsc_rx_messages_total{type=\"a\\\"b\\\\c\\nd\"} 1\n"
		"# HELP capwap_lsc_malformed_total Malformed messages dropped, by reason\n"
		"# TYPE capwap_lsc_malformed_total counter\n"
		"capwap_lsc_malformed_total{reason=\"truncated\"} 0\n";
	struct lscctl_stats *st = calloc(1, sizeof(*st));
	size_t rx = scalar_index("rx_packets"), silent = scalar_index("silent_sessions");
	char *got;
	int ret = -1;

	CHECK(st && rx < lscctl_n_scalars && silent < lscctl_n_scalars, "set-up");
	st->have_aps = true;
	st->aps = 3;
	st->have[rx] = true;
	st->scalar[rx] = UINT64_MAX;
	st->have[silent] = true;
	st->have_rx = true;
	lscctl_family_add(&st->rx, "join-request", 2);
	lscctl_family_add(&st->rx, "a\"b\\c\nd", 1);
	lscctl_family_add(&st->rx, "join-request", 3);
	st->have_malformed = true;
	lscctl_family_add(&st->malformed, "truncated", 0);
	got = render(st, &ret);
	free(st);
	CHECK(got, "open_memstream");
	if (ret || strcmp(got, want)) {
		snprintf(tap_why, sizeof(tap_why), "ret %d, got:\n%s", ret, got);
		free(got);
		return tap_why;
	}
	free(got);
	return NULL;
}

static const char *family_full(void)
{
	struct lscctl_family *f = calloc(1, sizeof(*f));
	char name[LSCCTL_FAMILY_MAX][8];
	int i, last;

	CHECK(f, "calloc");
	for (i = 0; i < LSCCTL_FAMILY_MAX; i++) {
		snprintf(name[i], sizeof(name[i]), "t%d", i);
		if (lscctl_family_add(f, name[i], 1))
			break;
	}
	last = lscctl_family_add(f, "one-more", 1);
	free(f);
	CHECK(i == LSCCTL_FAMILY_MAX && last == -ENOSPC,
	      "%d names fitted, one more gave %d", i, last);
	return NULL;
}

/* Every counter present: tests/tools/prom_check.py takes it. */
static const char *prom_check_accepts(void)
{
	struct lscctl_stats *st = calloc(1, sizeof(*st));
	char path[] = "/tmp/lscctl-prom-XXXXXX", cmd[128];
	size_t i, helps = 0;
	char *got, *p;
	int ret = -1, fd, status;
	FILE *f;

	CHECK(st, "calloc");
	st->have_aps = true;
	for (i = 0; i < lscctl_n_scalars; i++) {
		st->have[i] = true;
		st->scalar[i] = i;
	}
	st->have_rx = st->have_tx = st->have_malformed = true;
	lscctl_family_add(&st->rx, "join-request", 1);
	lscctl_family_add(&st->tx, "join-response", 1);
	lscctl_family_add(&st->malformed, "truncated", 1);
	got = render(st, &ret);
	free(st);
	CHECK(got && !ret, "render: %d", ret);
	for (p = got; (p = strstr(p, "# HELP ")); p++)
		helps++;
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f || fputs(got, f) < 0 || fclose(f)) {
		free(got);
		FAIL("cannot write %s", path);
	}
	free(got);
	snprintf(cmd, sizeof(cmd), "tests/tools/prom_check.py < %s 2>&1", path);
	status = system(cmd);
	unlink(path);
	CHECK(helps == lscctl_n_scalars + 4, "%zu HELP lines for %zu metrics",
	      helps, lscctl_n_scalars + 4);
	CHECK(status == 0, "tests/tools/prom_check.py: status %d (is "
	      "python3-prometheus-client installed? scripts/install-deps)",
	      status);
	return NULL;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "prometheus: exact text, labels escaped, a name counted once", exact_text },
		{ "prometheus: a full family refuses one more name", family_full },
		{ "prometheus: every counter passes tests/tools/prom_check.py", prom_check_accepts },
	};

	tap_plan(TAP_COUNT(cases));
	tap_run(cases, TAP_COUNT(cases));
	return tap_exit();
}
