/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_AP_H
#define _CAPWAP_LSC_AP_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>
#include <linux/rcupdate.h>
#include <linux/list_nulls.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/capwap_lsc.h>

#include "event.h"

struct key;
struct capwap_lsc_ap_kobj;
struct capwap_lsc_delivery;
struct capwap_lsc_issued;

/* Where an AP is reached: its source address and the one it wrote to. */
struct capwap_lsc_peer {
	__be32 saddr;		/* the AP */
	__be32 daddr;		/* our address it sent to */
	__be16 sport;		/* the AP's port */
};

/*
 * Sends one datagram to @peer.  Called in atomic context (softirq or with
 * bottom halves off), so it must not sleep.  The skb path and, later, a
 * userspace DTLS endpoint each bring their own.
 */
typedef int (*capwap_lsc_send_t)(const struct capwap_lsc_peer *peer,
				 const u8 *pkt, size_t len);

#define CAPWAP_LSC_MODEL_LEN	32
#define CAPWAP_LSC_SERIAL_LEN	32

/* ap->work_flags */
enum {
	CAPWAP_LSC_WORK_PUBLISH,	/* create the key and sysfs directory */
	CAPWAP_LSC_WORK_VERIFY,		/* check the LSC of a pending Join */
	CAPWAP_LSC_WORK_UPDATE,		/* refresh the key's expiry view */
	CAPWAP_LSC_WORK_REMOVE,		/* drop the key and sysfs directory */
	CAPWAP_LSC_WORK_SYSFS,		/* show or hide its DTLS files */
};

/*
 * One AP.  The tables hold one reference, the key another, queued work a
 * third; lookups run under RCU and take a reference before leaving it.
 * ->lock (taken with bottom halves off) guards everything mutable.
 *
 * Tens of thousands of these live at once: members are ordered so that
 * nothing pads between them (pahole), and what an Echo or a duplicate
 * touches shares the first cache line.
 */
struct capwap_lsc_ap {
	/* the receive path: lookup, duplicate check, cached answer */
	struct hlist_nulls_node addr_node;
	refcount_t ref;
	spinlock_t lock;
	struct capwap_lsc_peer peer;
	u8 session;		/* enum capwap_lsc_session_state */
	bool have_rx_seq;	/* rx_seq is the AP's last request */
	u8 rx_seq;
	bool join_verifying;	/* its other requests wait for the verdict */
	capwap_lsc_send_t send;
	u8 *resp;		/* our answer to that request */
	u16 resp_len;
	u16 resp_cap;
	u32 last_heard;		/* low bits of jiffies at its last message */

	struct hlist_node mac_node;
	struct rcu_head rcu;
	u8 mac[CAPWAP_LSC_MAC_LEN];
	u8 state;		/* enum capwap_lsc_ap_state */
	u8 cert_type;		/* enum capwap_lsc_cert_type */
	u8 mode;		/* enum capwap_lsc_ap_mode */
	u8 attempts;
	u8 last_result;
	bool renew;
	bool status_pending;	/* an LSC_STATUS waits to go out */
	bool ca_sent;
	u8 retries;
	bool removed;		/* out of the tables, under ap_table_lock */
	bool in_addr_table;
	/*
	 * Its session was authenticated (DTLS with a verified certificate):
	 * only such a record is kept when the table is full.  No clear-text
	 * path sets it.
	 */
	bool authenticated;
	/* Counts its bindings to an address; under both locks. */
	u16 binding;
	/* The binding its current session began with; under ->lock. */
	u16 session_binding;
	u8 tx_seq;		/* of our outstanding request */
	u16 frag_id;		/* of the datagrams we fragment */
	u8 hist_next;		/* the ->hist slot the next event takes */
	u8 hist_len;
	u32 fallbacks;
	u32 pending_type;
	u32 pending_len;
	u64 joined_since;
	u64 request_id;

	/* our outstanding request; retransmitted by ->rtx_timer */
	u8 *pending;
	/* LSC material in flight: the CSR, then the delivery requests */
	u16 csr_len;
	u16 join_cert_len;
	u8 join_seq;		/* of the Join waiting for verification */
	bool radios_off;	/* we disabled its radios for provisioning */
	bool pending_lent;	/* ->pending belongs to ->delivery */
	unsigned long rtx_interval;
	struct timer_list rtx_timer;
	u8 *csr;
	struct capwap_lsc_delivery *delivery;
	/* of the LSC it installed from us, when the helper told */
	struct capwap_lsc_issued *issued;
	u8 *join_cert;		/* the certificate that Join presented */

	unsigned long work_flags;
	struct work_struct work;
	struct key *key;
	struct capwap_lsc_ap_kobj *kobj;
	/* kmalloc'd while there is an error to show, else NULL */
	char *last_error;
	char model[CAPWAP_LSC_MODEL_LEN];
	char serial[CAPWAP_LSC_SERIAL_LEN];
	/* its last events, a ring of 16 * 16 bytes; under ->lock */
	struct capwap_lsc_hist hist[CAPWAP_LSC_HISTORY_LEN];
};

int capwap_lsc_ap_init(void);
/*
 * First step of unloading: no record is added, no work queued, and the
 * sweep has stopped when this returns.
 */
void capwap_lsc_ap_stop(void);
void capwap_lsc_ap_uninit(void);
void capwap_lsc_ap_cache_destroy(void);

/*
 * Jiffies since the AP's last message, at @now.  Receive may store a
 * newer time than a @now sampled earlier; that reads as just heard, not
 * as four billion ticks ago.
 */
static inline u32 capwap_lsc_ap_silence(const struct capwap_lsc_ap *ap,
					u32 now)
{
	s32 d = now - READ_ONCE(ap->last_heard);

	return d > 0 ? d : 0;
}

struct capwap_lsc_ap *capwap_lsc_ap_by_addr(const struct capwap_lsc_peer *p);
struct capwap_lsc_ap *capwap_lsc_ap_by_mac(const u8 *mac);
struct capwap_lsc_ap *capwap_lsc_ap_join(const u8 *mac,
					 const struct capwap_lsc_peer *peer,
					 capwap_lsc_send_t send, u16 *binding);
/*
 * Forgets the AP's address after its session ended, unless it joined
 * again since: @binding is capwap_lsc_ap_binding() read with the session's
 * end, under ap->lock: the binding that session began with, so a Join
 * that rebound the AP before that end keeps its binding.
 */
void capwap_lsc_ap_unbind(struct capwap_lsc_ap *ap, u16 binding);

/*
 * Whether @ap is bound to @p: true under ap->lock or the table lock for
 * good, locklessly (a lookup) only as of the read, so a lookup's result
 * is checked again under ap->lock.
 */
static inline bool capwap_lsc_ap_at(const struct capwap_lsc_ap *ap,
				    const struct capwap_lsc_peer *p)
{
	return READ_ONCE(ap->peer.saddr) == p->saddr &&
	       READ_ONCE(ap->peer.sport) == p->sport;
}

/*
 * enum capwap_lsc_dtls_state of the AP's session, under ap->lock (or as
 * of the read).
 */
u8 capwap_lsc_ap_dtls_state(const struct capwap_lsc_ap *ap);

static inline u16 capwap_lsc_ap_binding(const struct capwap_lsc_ap *ap)
{
	return ap->session_binding;
}
void capwap_lsc_ap_get(struct capwap_lsc_ap *ap);
void capwap_lsc_ap_put(struct capwap_lsc_ap *ap);
void capwap_lsc_ap_schedule(struct capwap_lsc_ap *ap, int what);
unsigned int capwap_lsc_ap_count(void);
/* Records out of the tables whose key and sysfs directory are not gone yet. */
unsigned int capwap_lsc_ap_retiring(void);
void capwap_lsc_ap_record(struct capwap_lsc_ap *ap,
			  struct capwap_lsc_ap_record *rec);

/*
 * Where a walk stopped: the bucket and the position in it.  Two fields,
 * not one packed word, so that it means the same on 32-bit kernels; a
 * netlink dump keeps them in two cb->args.
 */
struct capwap_lsc_ap_cursor {
	unsigned int bkt;
	unsigned int idx;
};

/*
 * Walks every AP from cursor *pos (kept between calls; zeroed to start),
 * calling @fn under RCU; stops when @fn returns non-zero and leaves *pos
 * at that AP, so the next walk starts with it again.
 */
int capwap_lsc_ap_walk(struct capwap_lsc_ap_cursor *pos,
		       int (*fn)(struct capwap_lsc_ap *ap, void *arg),
		       void *arg);

#endif /* _CAPWAP_LSC_AP_H */
