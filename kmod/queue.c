// SPDX-License-Identifier: GPL-2.0
/*
 * The queue of certificate requests for lscd.  A CSR an AP sent becomes a
 * request, multicast as CERT_REQUEST on "events"; lscd takes it with
 * ACCEPT (process context, the calling socket owns it from then on) and
 * answers it with COMPLETE, whose outcome goes to the AP's machine
 * (lsc.c).  A request whose owner's socket closes waits again.
 *
 * Requests are queued from softirq with the AP's lock held: lock order is
 * ap->lock, then req_lock.  Each request holds a reference to its AP.
 */

#include <linux/slab.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "ap.h"
#include "lsc.h"
#include "netlink.h"
#include "queue.h"
#include "stats.h"
#include "update.h"

#define REQ_QUEUE_MAX		4096

struct lsc_req {
	struct list_head node;
	u64 id;
	struct capwap_lsc_ap *ap;
	u32 owner;		/* netlink portid once accepted */
	bool renewal;
};

static DEFINE_SPINLOCK(req_lock);
static LIST_HEAD(req_waiting);
static LIST_HEAD(req_accepted);
/* Beyond REQ_QUEUE_MAX: admitted in order as slots free, not announced. */
static LIST_HEAD(req_overflow);
static unsigned int req_n;		/* waiting + accepted */
static u64 req_next_id;
static bool req_dying;
static void req_announce_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(req_announce_work, req_announce_fn);

static void announce(u64 id, const u8 *mac, gfp_t gfp)
{
	if (!capwap_lsc_genl_announce(id, mac, gfp))
		capwap_lsc_count(CAPWAP_LSC_ST_LSC_EVENTS);
}

/* req_lock held: requests kept out by a full queue take freed slots. */
static void req_admit(void)
{
	struct lsc_req *r;

	while (req_n < REQ_QUEUE_MAX && !list_empty(&req_overflow)) {
		r = list_first_entry(&req_overflow, struct lsc_req, node);
		list_move_tail(&r->node, &req_waiting);
		req_n++;
		if (req_dying)
			continue;
		if (capwap_lsc_genl_listening())
			announce(r->id, r->ap->mac, GFP_ATOMIC);
		else
			queue_delayed_work(system_wq, &req_announce_work,
					   HZ / 5);
	}
}

/*
 * Beyond REQ_QUEUE_MAX the request waits off the queue (the AP stays in
 * csr-received): a fleet rejoining at once must not burn its attempts on
 * our queue's size.
 */
int capwap_lsc_req_enqueue(struct capwap_lsc_ap *ap)
{
	struct lsc_req *r = kzalloc(sizeof(*r), GFP_ATOMIC);
	u64 id;

	spin_lock(&req_lock);
	if (!r || req_dying) {
		spin_unlock(&req_lock);
		kfree(r);
		return -ENOMEM;
	}
	r->id = id = ++req_next_id;
	r->ap = ap;
	r->renewal = ap->renew;
	capwap_lsc_ap_get(ap);
	ap->request_id = id;
	if (req_n >= REQ_QUEUE_MAX) {
		list_add_tail(&r->node, &req_overflow);
		spin_unlock(&req_lock);
		capwap_lsc_count(CAPWAP_LSC_ST_QUEUE_FULL);
		return 0;
	}
	list_add_tail(&r->node, &req_waiting);
	req_n++;
	if (!capwap_lsc_genl_listening())
		queue_delayed_work(system_wq, &req_announce_work, HZ / 5);
	spin_unlock(&req_lock);
	announce(id, ap->mac, GFP_ATOMIC);
	return 0;
}

void capwap_lsc_req_cancel(struct capwap_lsc_ap *ap)
{
	struct lsc_req *r, *tmp;
	LIST_HEAD(gone);

	/* Every entry: one left behind would be ACCEPTed for a dead CSR. */
	spin_lock(&req_lock);
	list_for_each_entry_safe(r, tmp, &req_waiting, node)
		if (r->ap == ap)
			list_move(&r->node, &gone);
	list_for_each_entry_safe(r, tmp, &req_accepted, node)
		if (r->ap == ap)
			list_move(&r->node, &gone);
	list_for_each_entry(r, &gone, node)
		req_n--;
	list_for_each_entry_safe(r, tmp, &req_overflow, node)
		if (r->ap == ap)
			list_move(&r->node, &gone);
	req_admit();
	spin_unlock(&req_lock);
	list_for_each_entry_safe(r, tmp, &gone, node) {
		/* The table still holds the AP: this is never the last ref. */
		capwap_lsc_ap_put(r->ap);
		kfree(r);
	}
	ap->request_id = 0;
}

static struct lsc_req *find_waiting(u64 id)
{
	struct lsc_req *r;

	list_for_each_entry(r, &req_waiting, node)
		if (!id || r->id == id)
			return r;
	return NULL;
}

int capwap_lsc_req_accept(u64 id, u32 portid,
			  struct capwap_lsc_accepted *out)
{
	struct capwap_lsc_ap *ap;
	struct lsc_req *r;
	u64 want;
	u8 *csr;

	csr = kmalloc(CAPWAP_LSC_MAX_DER_LEN, GFP_KERNEL);
	if (!csr)
		return -ENOMEM;
again:
	spin_lock_bh(&req_lock);
	r = find_waiting(id);
	if (!r) {
		spin_unlock_bh(&req_lock);
		kfree(csr);
		return -ENOENT;
	}
	ap = r->ap;
	want = r->id;
	capwap_lsc_ap_get(ap);
	spin_unlock_bh(&req_lock);

	/* Lock order is ap->lock first: look the request up again. */
	spin_lock_bh(&ap->lock);
	spin_lock(&req_lock);
	r = find_waiting(want);
	if (r && (ap->request_id != want || !ap->csr)) {
		/*
		 * The AP no longer stands behind this request: drop it, or
		 * an ACCEPT without id would pick it first forever.
		 */
		list_del(&r->node);
		req_n--;
		req_admit();
		spin_unlock(&req_lock);
		spin_unlock_bh(&ap->lock);
		capwap_lsc_ap_put(r->ap);
		kfree(r);
		r = NULL;
	} else if (!r) {
		/* Lost a race with another accept or a cancel. */
		spin_unlock(&req_lock);
		spin_unlock_bh(&ap->lock);
	}
	if (!r) {
		capwap_lsc_ap_put(ap);
		if (!id) {
			cond_resched();
			goto again;
		}
		kfree(csr);
		return -ENOENT;
	}
	list_move_tail(&r->node, &req_accepted);
	r->owner = portid;
	out->id = r->id;
	out->renewal = r->renewal;
	spin_unlock(&req_lock);

	memcpy(out->mac, ap->mac, sizeof(out->mac));
	strscpy(out->model, ap->model, sizeof(out->model));
	strscpy(out->serial, ap->serial, sizeof(out->serial));
	memcpy(csr, ap->csr, ap->csr_len);
	out->csr = csr;
	out->csr_len = ap->csr_len;
	ap->state = CAPWAP_LSC_AP_ENROLLING;
	spin_unlock_bh(&ap->lock);
	capwap_lsc_ap_put(ap);
	return 0;
}

#define CHAIN_TOO_LARGE \
	"CA chain too large for the AP: over 16384 bytes in one message"

int capwap_lsc_req_complete(u64 id, u32 portid, u8 result,
			    const char *reason, const u8 *const *der,
			    const u32 *len, unsigned int n,
			    const struct capwap_lsc_issued *issued,
			    struct netlink_ext_ack *extack)
{
	struct capwap_lsc_delivery *d = NULL;
	struct lsc_req *r, *found = NULL;
	struct capwap_lsc_ap *ap;
	int refused = 0, ret;

	/* Built before any lock: up to 24 KiB, and allowed to sleep. */
	if (result == CAPWAP_LSC_RESULT_SUCCESS) {
		if (n < 2)
			return -EINVAL;
		refused = capwap_lsc_delivery_build(der, len, n, issued, &d);
		if (refused && refused != -EMSGSIZE)
			return refused;
		if (refused) {
			result = CAPWAP_LSC_RESULT_ERROR;
			reason = CHAIN_TOO_LARGE;
		}
	}

	spin_lock_bh(&req_lock);
	list_for_each_entry(r, &req_accepted, node) {
		if (r->id == id && r->owner == portid) {
			found = r;
			break;
		}
	}
	if (!found) {
		spin_unlock_bh(&req_lock);
		capwap_lsc_delivery_free(d);
		return -ENOENT;
	}
	list_del_init(&found->node);
	req_n--;
	req_admit();
	ap = found->ap;
	spin_unlock_bh(&req_lock);
	kfree(found);

	ret = capwap_lsc_prov_complete(ap, id, d, result,
				       reason && *reason ? reason :
				       "enrollment failed");
	capwap_lsc_ap_put(ap);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the AP no longer waits for this request");
		return ret;
	}
	if (refused)
		NL_SET_ERR_MSG(extack, CHAIN_TOO_LARGE);
	return refused;
}

/* The owner's socket closed: its unfinished requests wait again. */
void capwap_lsc_req_release(u32 portid)
{
	struct lsc_req *r, *tmp;
	bool moved = false;

	spin_lock_bh(&req_lock);
	list_for_each_entry_safe(r, tmp, &req_accepted, node) {
		if (r->owner != portid)
			continue;
		r->owner = 0;
		list_move(&r->node, &req_waiting);
		moved = true;
	}
	if (moved && !req_dying)
		mod_delayed_work(system_wq, &req_announce_work, 0);
	spin_unlock_bh(&req_lock);
}

/*
 * Requests made while no helper listened are announced once one joins
 * "events".  Linux 6.1 tells a genl family nothing when a socket joins
 * one of its groups, so while requests wait unheard this looks for a
 * listener a few times a second; it stops as soon as there is one or
 * nothing waits.
 */
static void req_announce_fn(struct work_struct *work)
{
	struct lsc_req *r;
	bool again;

	spin_lock_bh(&req_lock);
	if (req_dying || list_empty(&req_waiting)) {
		spin_unlock_bh(&req_lock);
		return;
	}
	again = !capwap_lsc_genl_listening();
	if (!again)
		list_for_each_entry(r, &req_waiting, node)
			announce(r->id, r->ap->mac, GFP_ATOMIC);
	else
		queue_delayed_work(system_wq, &req_announce_work, HZ / 5);
	spin_unlock_bh(&req_lock);
}

unsigned int capwap_lsc_req_waiting(void)
{
	return READ_ONCE(req_n);
}

bool capwap_lsc_queue_dying(void)
{
	return READ_ONCE(req_dying);
}

void capwap_lsc_queue_init(void)
{
	req_dying = false;
	req_next_id = 0;
}

void capwap_lsc_queue_uninit(void)
{
	struct lsc_req *r, *tmp;

	spin_lock_bh(&req_lock);
	req_dying = true;
	spin_unlock_bh(&req_lock);
	cancel_delayed_work_sync(&req_announce_work);

	list_splice_init(&req_accepted, &req_waiting);
	list_splice_init(&req_overflow, &req_waiting);
	list_for_each_entry_safe(r, tmp, &req_waiting, node) {
		list_del(&r->node);
		capwap_lsc_ap_put(r->ap);
		kfree(r);
	}
	req_n = 0;
}
