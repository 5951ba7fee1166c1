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
 *
 * A request pins its AP's record and CSR (up to 8 KiB) until lscd is done
 * with it, so at most max_pending_requests exist: a CSR beyond that is
 * refused (lsc.c tells the AP), not kept.  One that no lscd accepted
 * within request_timeout_s fails, from the AP table's sweep.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
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

#define REQ_PENDING_MAX		65536
#define REQ_TIMEOUT_MAX_S	(24 * 3600)

static unsigned int max_pending_requests = 1024;
module_param(max_pending_requests, uint, 0444);
MODULE_PARM_DESC(max_pending_requests,
		 "Certificate requests that may wait for or be with lscd, 1..65536 (default 1024)");

static unsigned int request_timeout_s = 600;
module_param(request_timeout_s, uint, 0444);
MODULE_PARM_DESC(request_timeout_s,
		 "Seconds a certificate request may wait for lscd to accept it, 1..86400 (default 600)");

struct lsc_req {
	struct list_head node;
	u64 id;
	struct capwap_lsc_ap *ap;
	unsigned long since;	/* jiffies when it last began to wait */
	u32 owner;		/* netlink portid once accepted */
	bool renewal;
};

static DEFINE_SPINLOCK(req_lock);
static LIST_HEAD(req_waiting);
static LIST_HEAD(req_accepted);
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

int capwap_lsc_req_enqueue(struct capwap_lsc_ap *ap)
{
	struct lsc_req *r;
	u64 id;

	spin_lock(&req_lock);
	if (req_n >= max_pending_requests) {
		spin_unlock(&req_lock);
		capwap_lsc_count(CAPWAP_LSC_ST_QUEUE_FULL);
		return -ENOSPC;
	}
	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r || req_dying) {
		spin_unlock(&req_lock);
		kfree(r);
		return -ENOMEM;
	}
	r->id = id = ++req_next_id;
	r->ap = ap;
	r->renewal = ap->renew;
	r->since = jiffies;
	capwap_lsc_ap_get(ap);
	ap->request_id = id;
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
	capwap_lsc_set_state(ap, CAPWAP_LSC_AP_ENROLLING);
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
		r->since = jiffies;
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

/*
 * One waiting request older than request_timeout_s fails: true when there
 * was one, so the caller looks again.
 */
static bool expire_one(void)
{
	unsigned long age = (unsigned long)request_timeout_s * HZ;
	struct lsc_req *r, *found = NULL;
	struct capwap_lsc_ap *ap;
	u64 id;

	spin_lock_bh(&req_lock);
	list_for_each_entry(r, &req_waiting, node) {
		if (time_after(jiffies, r->since + age)) {
			found = r;
			break;
		}
	}
	if (!found || req_dying) {
		spin_unlock_bh(&req_lock);
		return false;
	}
	ap = found->ap;
	id = found->id;
	capwap_lsc_ap_get(ap);
	spin_unlock_bh(&req_lock);

	/*
	 * Lock order is ap->lock first: look the request up again.  Only an
	 * ACCEPT takes it out of the waiting list, and that needs ap->lock:
	 * still waiting now, it still waits when it fails.
	 */
	spin_lock_bh(&ap->lock);
	spin_lock(&req_lock);
	r = find_waiting(id);
	spin_unlock(&req_lock);
	if (r && !capwap_lsc_prov_expire(ap, id, request_timeout_s)) {
		/* The AP no longer stands behind it: it goes all the same. */
		spin_lock(&req_lock);
		r = find_waiting(id);
		if (r) {
			list_del(&r->node);
			req_n--;
		}
		spin_unlock(&req_lock);
		if (r) {
			/* The caller's reference keeps the AP: not the last. */
			capwap_lsc_ap_put(r->ap);
			kfree(r);
		}
	}
	spin_unlock_bh(&ap->lock);
	capwap_lsc_ap_put(ap);
	return true;
}

void capwap_lsc_req_expire(void)
{
	while (expire_one())
		cond_resched();
}

int capwap_lsc_queue_init(void)
{
	if (!max_pending_requests || max_pending_requests > REQ_PENDING_MAX) {
		pr_err("max_pending_requests must be 1..%u\n", REQ_PENDING_MAX);
		return -EINVAL;
	}
	if (!request_timeout_s || request_timeout_s > REQ_TIMEOUT_MAX_S) {
		pr_err("request_timeout_s must be 1..%u\n", REQ_TIMEOUT_MAX_S);
		return -EINVAL;
	}
	req_dying = false;
	req_next_id = 0;
	return 0;
}

/*
 * After capwap_lsc_ap_stop(), so the sweep no longer expires requests or
 * records; the lists are still taken under req_lock, as timers and the
 * last netlink calls may yet cancel a request.
 */
void capwap_lsc_queue_uninit(void)
{
	struct lsc_req *r, *tmp;
	LIST_HEAD(gone);

	spin_lock_bh(&req_lock);
	req_dying = true;
	spin_unlock_bh(&req_lock);
	cancel_delayed_work_sync(&req_announce_work);

	spin_lock_bh(&req_lock);
	list_splice_init(&req_accepted, &gone);
	list_splice_init(&req_waiting, &gone);
	req_n = 0;
	spin_unlock_bh(&req_lock);
	list_for_each_entry_safe(r, tmp, &gone, node) {
		list_del(&r->node);
		capwap_lsc_ap_put(r->ap);
		kfree(r);
	}
}

unsigned int capwap_lsc_req_max(void)
{
	return max_pending_requests;
}
