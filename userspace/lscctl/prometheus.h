/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCCTL_PROMETHEUS_H
#define LSCCTL_PROMETHEUS_H

/*
 * The counters of "lscctl show stats", parsed out of the module's reply,
 * and their rendering in the Prometheus text exposition format (0.0.4)
 * for node_exporter's textfile collector.  Nothing here speaks netlink,
 * so that a unit test renders a known set of counters.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The scalar counters, in the order every rendering shows them. */
struct lscctl_scalar {
	int attr;		/* CAPWAP_LSC_STATS_A_* */
	const char *key;	/* JSON key, and the metric's name stem */
	const char *label;	/* the text output's row */
	const char *help;	/* the metric's HELP when the label will not do */
};
extern const struct lscctl_scalar lscctl_scalars[];
extern const size_t lscctl_n_scalars;
#define LSCCTL_SCALARS_MAX 56

/* A counter family by one label: per message type, per malformed reason. */
#define LSCCTL_FAMILY_MAX 64
struct lscctl_family {
	size_t n;
	struct {
		const char *name;
		uint64_t value;
	} v[LSCCTL_FAMILY_MAX];
};

struct lscctl_stats {
	bool have_aps;
	uint32_t aps;
	bool have[LSCCTL_SCALARS_MAX];		/* indexed as lscctl_scalars */
	uint64_t scalar[LSCCTL_SCALARS_MAX];
	bool have_rx, have_tx, have_malformed;
	struct lscctl_family rx, tx, malformed;
};

/*
 * Counts VALUE under NAME; a name seen already adds to it, so that two
 * types the names table calls the same ("unknown") stay one sample.
 * -ENOSPC when the family is full.
 */
int lscctl_family_add(struct lscctl_family *f, const char *name, uint64_t value);

/* Every counter of ST as Prometheus text; -errno on a write error. */
int lscctl_stats_prometheus(FILE *out, const struct lscctl_stats *st);

#endif /* LSCCTL_PROMETHEUS_H */
