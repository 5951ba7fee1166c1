/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_QUEUE_H
#define _CAPWAP_LSC_QUEUE_H

#include <linux/types.h>
#include <linux/capwap_lsc.h>

struct capwap_lsc_ap;
struct capwap_lsc_issued;
struct netlink_ext_ack;

int capwap_lsc_queue_init(void);
void capwap_lsc_queue_uninit(void);
/* Process context: fails requests no lscd accepted in time. */
void capwap_lsc_req_expire(void);
/* The most requests that may wait for or be with lscd at once. */
unsigned int capwap_lsc_req_max(void);
/* Unloading: nothing is announced or sent to the APs any more. */
bool capwap_lsc_queue_dying(void);

/*
 * ap->lock held: queues the AP's CSR for lscd and announces it; sets
 * ap->request_id.  -ENOSPC when max_pending_requests already are, other
 * -errno when it cannot be queued at all.
 */
int capwap_lsc_req_enqueue(struct capwap_lsc_ap *ap);
/* ap->lock held: forgets the AP's request wherever it is. */
void capwap_lsc_req_cancel(struct capwap_lsc_ap *ap);

struct capwap_lsc_accepted {
	u64 id;
	u8 mac[CAPWAP_LSC_MAC_LEN];
	char model[32];
	char serial[32];
	bool renewal;
	u8 *csr;		/* kmalloc'd, the caller frees it */
	u16 csr_len;
};

/* Process context, from netlink: lscd's ACCEPT, COMPLETE and socket close. */
int capwap_lsc_req_accept(u64 id, u32 portid,
			  struct capwap_lsc_accepted *out);
int capwap_lsc_req_complete(u64 id, u32 portid, u8 result,
			    const char *reason, const u8 *const *der,
			    const u32 *len, unsigned int n,
			    const struct capwap_lsc_issued *issued,
			    struct netlink_ext_ack *extack);
void capwap_lsc_req_release(u32 portid);
/* Requests waiting for or worked on by lscd. */
unsigned int capwap_lsc_req_waiting(void);

#endif /* _CAPWAP_LSC_QUEUE_H */
