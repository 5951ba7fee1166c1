/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_STATS_H
#define _CAPWAP_LSC_STATS_H

#include <linux/percpu.h>
#include <linux/capwap_lsc.h>

/*
 * Every counter is one per-CPU u64, so the receive path never bounces a
 * cache line between CPUs; readers add the CPUs up.
 */
#define CAPWAP_LSC_ST_MSG_SLOTS	(CAPWAP_LSC_STATS_MSG_OTHER + 1)

enum capwap_lsc_stat {
	CAPWAP_LSC_ST_RX,
	CAPWAP_LSC_ST_TX = CAPWAP_LSC_ST_RX + CAPWAP_LSC_ST_MSG_SLOTS,
	CAPWAP_LSC_ST_BAD = CAPWAP_LSC_ST_TX + CAPWAP_LSC_ST_MSG_SLOTS,
	CAPWAP_LSC_ST_RX_PACKETS = CAPWAP_LSC_ST_BAD + __CAPWAP_LSC_BAD_MAX,
	CAPWAP_LSC_ST_FRAGMENTS,
	CAPWAP_LSC_ST_REASSEMBLED,
	CAPWAP_LSC_ST_DROPPED,
	CAPWAP_LSC_ST_RETRANSMITS,
	CAPWAP_LSC_ST_DUPLICATES,
	CAPWAP_LSC_ST_TIMEOUTS,
	CAPWAP_LSC_ST_LSC_EVENTS,
	CAPWAP_LSC_ST_CERTS_DELIVERED,
	CAPWAP_LSC_ST_FALLBACKS,
	CAPWAP_LSC_ST_REFUSED_BRIDGE,
	CAPWAP_LSC_ST_REFUSED_MESH,
	CAPWAP_LSC_ST_REFUSED_LSC,
	CAPWAP_LSC_ST_ENROLL_FAILURES,
	CAPWAP_LSC_ST_QUEUE_FULL,
	CAPWAP_LSC_ST_TX_ERRORS,
	CAPWAP_LSC_ST_SILENT_SESSIONS,
	CAPWAP_LSC_ST_RECORDS_EVICTED,
	CAPWAP_LSC_ST_RECORDS_EXPIRED,
	CAPWAP_LSC_ST_REQUESTS_EXPIRED,
	CAPWAP_LSC_ST_JOINS_LIMITED,
	CAPWAP_LSC_ST_STALE_SOURCE,
	CAPWAP_LSC_ST_UNBINDS_SKIPPED,
	CAPWAP_LSC_ST_SESSIONS_DISPLACED,
	__CAPWAP_LSC_ST_MAX
};

struct capwap_lsc_stats {
	u64 v[__CAPWAP_LSC_ST_MAX];
};

DECLARE_PER_CPU(struct capwap_lsc_stats, capwap_lsc_stats);

static inline void capwap_lsc_count(unsigned int idx)
{
	this_cpu_inc(capwap_lsc_stats.v[idx]);
}

static inline unsigned int capwap_lsc_msg_slot(u32 type)
{
	return type && type < CAPWAP_LSC_STATS_MSG_OTHER ? type :
	       CAPWAP_LSC_STATS_MSG_OTHER;
}

u64 capwap_lsc_stat_read(unsigned int idx);

#endif /* _CAPWAP_LSC_STATS_H */
