// SPDX-License-Identifier: GPL-2.0
/*
 * The module's counters: one per-CPU u64 each (stats.h), bumped in the
 * receive path without a shared cache line and summed when read through
 * sysfs or GET_STATS.
 */

#include <linux/percpu.h>

#include "stats.h"

DEFINE_PER_CPU(struct capwap_lsc_stats, capwap_lsc_stats);

u64 capwap_lsc_stat_read(unsigned int idx)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(capwap_lsc_stats, cpu).v[idx]);
	return sum;
}
