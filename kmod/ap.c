// SPDX-License-Identifier: GPL-2.0
/*
 * The AP tables.  Packets find their AP by source address and port; the
 * provisioning state follows the AP across reboots and address changes,
 * so a second table finds it by Ethernet MAC.  Readers (the receive path,
 * timers, dumps) use RCU; writers serialise on one spinlock, taken before
 * any AP's lock.  A record outlives its session: an AP that times out
 * keeps its LSC history.  Records go when the table is full and a new AP
 * joins (the least recently heard of a sample; see ap_evict_locked()), or
 * after record_idle_s without a session.
 *
 * An AP moves between address buckets when it joins from a new address,
 * possibly while a reader walks its old bucket: the address table is an
 * hlist_nulls, whose end marker tells a reader that it ended up in
 * another bucket and must start over.
 */

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/etherdevice.h>
#include <linux/rculist_nulls.h>

#include "ap.h"
#include "control.h"
#include "dtls.h"
#include "keys.h"
#include "lsc.h"
#include "queue.h"
#include "stats.h"
#include "sysfs.h"

#define AP_HASH_BITS 14
/* Records looked at to find one to evict: bounded work in softirq. */
#define EVICT_SAMPLE 64
/*
 * Retired records whose work item has yet to take their key and sysfs
 * directory down, beyond which a Join evicts nothing: evictions in
 * softirq must not outrun that work, which is far slower.
 */
#define RETIRING_MAX 256
/* capwap_lsc_ap_silence() reaches 24.8 days at HZ=1000. */
#define RECORD_IDLE_MAX_S (24 * 24 * 3600)

#define AP_ADDR_SIZE (1U << AP_HASH_BITS)

static struct hlist_nulls_head ap_by_addr[AP_ADDR_SIZE];
static DEFINE_HASHTABLE(ap_by_mac, AP_HASH_BITS);
static DEFINE_SPINLOCK(ap_table_lock);
static u32 ap_hash_seed __read_mostly;
static unsigned int ap_count;
/* Retired, their work item not yet run; under ap_table_lock. */
static unsigned int ap_retiring;
static bool ap_dying;
static unsigned int evict_cursor;
/* Orders a record's sysfs and key removal before its successor's. */
static DEFINE_MUTEX(ap_publish_lock);
/* Its own cache: tens of thousands of APs, each exactly its size. */
static struct kmem_cache *ap_cache;

static struct workqueue_struct *capwap_lsc_wq;

static unsigned int max_aps = 65536;
module_param(max_aps, uint, 0444);
MODULE_PARM_DESC(max_aps, "Most AP records kept (default 65536)");

static unsigned int record_idle_s = 7 * 24 * 3600;
module_param(record_idle_s, uint, 0444);
MODULE_PARM_DESC(record_idle_s,
		 "Seconds a record without a session is kept after its AP's last message, 0 for ever, at most 24 days (default 7 days)");

static u32 addr_slot(const struct capwap_lsc_peer *p)
{
	return jhash_2words((__force u32)p->saddr, (__force u32)p->sport,
			    ap_hash_seed) & (AP_ADDR_SIZE - 1);
}

static void ap_sweep_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(ap_sweep_work, ap_sweep_fn);

static u32 mac_hash(const u8 *mac)
{
	return jhash(mac, CAPWAP_LSC_MAC_LEN, ap_hash_seed);
}

void capwap_lsc_ap_get(struct capwap_lsc_ap *ap)
{
	refcount_inc(&ap->ref);
}

static void ap_free_rcu(struct rcu_head *head)
{
	struct capwap_lsc_ap *ap = container_of(head, struct capwap_lsc_ap, rcu);

	/* First: it takes back a request it lent to ->pending. */
	capwap_lsc_prov_free(ap);
	kfree(ap->resp);
	kfree(ap->pending);
	kfree(ap->join_cert);
	kmem_cache_free(ap_cache, ap);
}

void capwap_lsc_ap_put(struct capwap_lsc_ap *ap)
{
	if (refcount_dec_and_test(&ap->ref))
		call_rcu(&ap->rcu, ap_free_rcu);
}

struct capwap_lsc_ap *capwap_lsc_ap_by_addr(const struct capwap_lsc_peer *p)
{
	u32 slot = addr_slot(p);
	struct hlist_nulls_node *n;
	struct capwap_lsc_ap *ap;

	rcu_read_lock();
again:
	hlist_nulls_for_each_entry_rcu(ap, n, &ap_by_addr[slot], addr_node) {
		if (capwap_lsc_ap_at(ap, p) &&
		    refcount_inc_not_zero(&ap->ref)) {
			rcu_read_unlock();
			return ap;
		}
	}
	/* Followed a record that moved to another bucket meanwhile. */
	if (get_nulls_value(n) != slot)
		goto again;
	rcu_read_unlock();
	return NULL;
}

struct capwap_lsc_ap *capwap_lsc_ap_by_mac(const u8 *mac)
{
	struct capwap_lsc_ap *ap;

	rcu_read_lock();
	hash_for_each_possible_rcu(ap_by_mac, ap, mac_node, mac_hash(mac)) {
		if (ether_addr_equal(ap->mac, mac) &&
		    refcount_inc_not_zero(&ap->ref)) {
			rcu_read_unlock();
			return ap;
		}
	}
	rcu_read_unlock();
	return NULL;
}

static void ap_work(struct work_struct *work);
static void ap_rtx_timer(struct timer_list *t);

/*
 * ap_table_lock held: out of both tables for good.  The work item takes
 * the key and the sysfs directory down; the tables' reference goes now.
 */
static void addr_del_locked(struct capwap_lsc_ap *ap)
{
	if (ap->in_addr_table) {
		hlist_nulls_del_rcu(&ap->addr_node);
		ap->in_addr_table = false;
	}
}

/*
 * ap_table_lock held: any AP but @ap bound to @peer lost its session
 * there.  Done under the table lock, so two Joins from one address with
 * different MACs cannot both keep it: the second to get here ends the
 * first's session and unbinds it.
 */
static void addr_evict_locked(struct capwap_lsc_ap *ap, u32 slot,
			      const struct capwap_lsc_peer *peer)
{
	struct hlist_nulls_node *n;
	struct capwap_lsc_ap *old;

	/* hlist_nulls_del_rcu() leaves ->next, so the walk goes on. */
	hlist_nulls_for_each_entry(old, n, &ap_by_addr[slot], addr_node) {
		if (old == ap || !capwap_lsc_ap_at(old, peer))
			continue;
		spin_lock(&old->lock);
		/*
		 * An AP behind a NAT that reused the port, or one spoofing
		 * another's address: either way the operator should see it.
		 */
		if (old->session != CAPWAP_LSC_SESSION_DOWN) {
			capwap_lsc_count(CAPWAP_LSC_ST_SESSIONS_DISPLACED);
			pr_info_ratelimited("AP %pM at %pI4:%u lost its session to AP %pM joining from the same address\n",
					    old->mac, &peer->saddr,
					    ntohs(peer->sport), ap->mac);
		}
		capwap_lsc_control_teardown_locked(old,
						   CAPWAP_LSC_END_DISPLACED);
		/* Its Join still on the way to its session finds it over. */
		old->binding++;
		spin_unlock(&old->lock);
		addr_del_locked(old);
	}
}

/*
 * Under both locks: lockless readers compare the address and port (a
 * lookup) and must not see either half-written.
 */
static void ap_set_peer(struct capwap_lsc_ap *ap,
			const struct capwap_lsc_peer *peer)
{
	WRITE_ONCE(ap->peer.saddr, peer->saddr);
	WRITE_ONCE(ap->peer.sport, peer->sport);
	ap->peer.daddr = peer->daddr;
}

static void ap_retire_locked(struct capwap_lsc_ap *ap)
{
	addr_del_locked(ap);
	hash_del_rcu(&ap->mac_node);
	WRITE_ONCE(ap->removed, true);
	ap_count--;
	ap_retiring++;
	capwap_lsc_ap_schedule(ap, CAPWAP_LSC_WORK_REMOVE);
	capwap_lsc_ap_put(ap);
}

/*
 * An AP that talks to us in Run or has an enrollment in flight (queued,
 * with lscd, or being delivered) is what the table is for.  Yet in clear
 * text a blind sender reaches Run with spoofed addresses and keeps it
 * with spoofed Echo Requests, so that alone protects nothing: it only
 * makes such a record the last choice.  A record is kept for sure only
 * when its session was authenticated.
 */
static bool ap_active(const struct capwap_lsc_ap *ap, u32 now)
{
	if (capwap_lsc_prov_busy(ap))
		return true;
	return ap->session == CAPWAP_LSC_SESSION_RUN &&
	       capwap_lsc_ap_silence(ap, now) <=
	       capwap_lsc_control_dead_interval();
}

static bool ap_evictable(const struct capwap_lsc_ap *ap, u32 now)
{
	return !(READ_ONCE(ap->authenticated) && ap_active(ap, now));
}

static bool quieter(const struct capwap_lsc_ap *a,
		    const struct capwap_lsc_ap *b, u32 now)
{
	return !b || capwap_lsc_ap_silence(a, now) >
		     capwap_lsc_ap_silence(b, now);
}

static bool ap_expired(const struct capwap_lsc_ap *ap, u32 now,
		       unsigned long idle)
{
	return ap->session == CAPWAP_LSC_SESSION_DOWN &&
	       !capwap_lsc_prov_busy(ap) &&
	       capwap_lsc_ap_silence(ap, now) > idle;
}

/*
 * ap_table_lock held, table full: retires a record among the next
 * EVICT_SAMPLE from a moving cursor: the least recently heard of those
 * neither active nor authenticated, else the least recently heard
 * unauthenticated one.  The choice reads the records unlocked; the
 * victim is checked again under its lock, and its session ends there, so
 * nothing the AP sends afterwards can queue work for a retired record.
 */
static bool ap_evict_locked(u32 now)
{
	struct capwap_lsc_ap *ap, *idle = NULL, *active = NULL, *victim;
	unsigned int n, seen = 0;
	bool ok;

	for (n = 0; n < HASH_SIZE(ap_by_mac) && seen < EVICT_SAMPLE; n++) {
		evict_cursor = (evict_cursor + 1) % HASH_SIZE(ap_by_mac);
		hlist_for_each_entry(ap, &ap_by_mac[evict_cursor], mac_node) {
			seen++;
			if (!ap_evictable(ap, now))
				continue;
			if (!ap_active(ap, now)) {
				if (quieter(ap, idle, now))
					idle = ap;
			} else if (quieter(ap, active, now)) {
				active = ap;
			}
		}
	}
	victim = idle ?: active;
	if (!victim)
		return false;
	spin_lock(&victim->lock);
	ok = ap_evictable(victim, now);
	if (ok) {
		capwap_lsc_control_teardown_locked(victim,
						   CAPWAP_LSC_END_EVICTED);
		capwap_lsc_prov_forget(victim);
	}
	spin_unlock(&victim->lock);
	if (!ok)
		return false;
	ap_retire_locked(victim);
	capwap_lsc_count(CAPWAP_LSC_ST_RECORDS_EVICTED);
	return true;
}

/* From the sweep: a record without a session, idle for record_idle_s. */
static void ap_expire(struct capwap_lsc_ap *ap, u32 now, unsigned long idle)
{
	bool ok = false;

	spin_lock_bh(&ap_table_lock);
	if (!ap->removed) {
		spin_lock(&ap->lock);
		ok = ap_expired(ap, now, idle);
		if (ok)
			capwap_lsc_prov_forget(ap);
		spin_unlock(&ap->lock);
	}
	if (ok) {
		ap_retire_locked(ap);
		capwap_lsc_count(CAPWAP_LSC_ST_RECORDS_EXPIRED);
	}
	spin_unlock_bh(&ap_table_lock);
}

/*
 * The AP with @mac, now reached at @peer: an existing record moves to the
 * new address (a rebooted AP), a new one is made.  Any other AP that was
 * at that address lost its session there.  Returns a referenced AP and
 * its new @binding, or NULL when out of memory or records.
 */
struct capwap_lsc_ap *capwap_lsc_ap_join(const u8 *mac,
					 const struct capwap_lsc_peer *peer,
					 capwap_lsc_send_t send, u16 *binding)
{
	struct capwap_lsc_ap *ap, *old, *fresh = NULL;
	bool retried = false, move;
	u32 slot;

again:
	ap = capwap_lsc_ap_by_mac(mac);
	if (!ap && !fresh) {
		fresh = kmem_cache_zalloc(ap_cache, GFP_ATOMIC);
		if (!fresh)
			return NULL;
		refcount_set(&fresh->ref, 2);
		spin_lock_init(&fresh->lock);
		ether_addr_copy(fresh->mac, mac);
		fresh->session = CAPWAP_LSC_SESSION_DOWN;
		fresh->state = CAPWAP_LSC_AP_IDLE;
		fresh->last_heard = (u32)jiffies;
		timer_setup(&fresh->rtx_timer, ap_rtx_timer, 0);
		INIT_WORK(&fresh->work, ap_work);
	}

	spin_lock_bh(&ap_table_lock);
	if (ap && ap->removed) {
		/* Retired since the lookup: the AP gets a new record. */
		spin_unlock_bh(&ap_table_lock);
		capwap_lsc_ap_put(ap);
		if (retried)
			goto fail;
		retried = true;
		goto again;
	}
	if (!ap) {
		/* Another CPU may have made it meanwhile. */
		hash_for_each_possible(ap_by_mac, old, mac_node, mac_hash(mac))
			if (ether_addr_equal(old->mac, mac))
				ap = old;
		if (ap) {
			capwap_lsc_ap_get(ap);
		} else if (ap_dying || (ap_count >= max_aps &&
					(ap_retiring >= RETIRING_MAX ||
					 !ap_evict_locked((u32)jiffies)))) {
			spin_unlock_bh(&ap_table_lock);
			goto fail;
		} else {
			ap = fresh;
			fresh = NULL;
			hash_add_rcu(ap_by_mac, &ap->mac_node, mac_hash(mac));
			ap_count++;
		}
	}
	/*
	 * Bound to this very address already (an AP that joins again without
	 * moving), the node stays where it is: unlinked and linked again, it
	 * would be missing for a moment to a lookup of that address, and the
	 * AP's message in flight would be dropped.  Otherwise it goes straight
	 * into its new bucket: a reader still on it in the old one reaches
	 * the new bucket's end marker and starts over.  ->peer changes only
	 * under both locks, so the table lock suffices to read it.
	 */
	slot = addr_slot(peer);
	addr_evict_locked(ap, slot, peer);
	move = !ap->in_addr_table || !capwap_lsc_ap_at(ap, peer);
	if (move)
		addr_del_locked(ap);
	spin_lock(&ap->lock);
	/*
	 * An AP that joins from elsewhere left its association at the old
	 * address for good: the controller ends it, as a Join's own session.
	 */
	if (move && ap->session != CAPWAP_LSC_SESSION_DOWN &&
	    ap->send == capwap_lsc_dtls_send)
		capwap_lsc_dtls_shutdown(&ap->peer, ap->mac);
	ap_set_peer(ap, peer);
	ap->send = send;
	*binding = ++ap->binding;
	spin_unlock(&ap->lock);
	if (move) {
		hlist_nulls_add_head_rcu(&ap->addr_node, &ap_by_addr[slot]);
		ap->in_addr_table = true;
	}
	spin_unlock_bh(&ap_table_lock);
	if (fresh)
		kmem_cache_free(ap_cache, fresh);

	if (!ap->key)
		capwap_lsc_ap_schedule(ap, CAPWAP_LSC_WORK_PUBLISH);
	return ap;

fail:
	if (fresh)
		kmem_cache_free(ap_cache, fresh);
	return NULL;
}

/*
 * Its session is over, its record stays.  The session ended under
 * ap->lock, which cannot be held while taking the table lock: by the time
 * we have both, the AP may have joined again, and that binding stays.
 */
void capwap_lsc_ap_unbind(struct capwap_lsc_ap *ap, u16 binding)
{
	spin_lock_bh(&ap_table_lock);
	spin_lock(&ap->lock);
	if (ap->binding != binding)
		capwap_lsc_count(CAPWAP_LSC_ST_UNBINDS_SKIPPED);
	else if (ap->session == CAPWAP_LSC_SESSION_DOWN)
		addr_del_locked(ap);
	spin_unlock(&ap->lock);
	spin_unlock_bh(&ap_table_lock);
}

unsigned int capwap_lsc_ap_count(void)
{
	return READ_ONCE(ap_count);
}

unsigned int capwap_lsc_ap_retiring(void)
{
	return READ_ONCE(ap_retiring);
}

void capwap_lsc_ap_schedule(struct capwap_lsc_ap *ap, int what)
{
	set_bit(what, &ap->work_flags);
	if (READ_ONCE(ap_dying))
		return;
	capwap_lsc_ap_get(ap);
	if (!queue_work(capwap_lsc_wq, &ap->work))
		capwap_lsc_ap_put(ap);
}

u8 capwap_lsc_ap_dtls_state(const struct capwap_lsc_ap *ap)
{
	if (READ_ONCE(ap->session) == CAPWAP_LSC_SESSION_DOWN)
		return CAPWAP_LSC_DTLS_STATE_NONE;
	return READ_ONCE(ap->authenticated) ? CAPWAP_LSC_DTLS_STATE_DTLS :
	       CAPWAP_LSC_DTLS_STATE_CLEAR;
}

/*
 * A retired record: its session is over and nothing arms its timer again,
 * so after del_timer_sync() no callback can still touch it.
 */
static void ap_unpublish(struct capwap_lsc_ap *ap)
{
	struct capwap_lsc_ap *next;

	del_timer_sync(&ap->rtx_timer);
	mutex_lock(&ap_publish_lock);
	capwap_lsc_sysfs_del_ap(ap);
	capwap_lsc_keys_del_ap(ap);
	mutex_unlock(&ap_publish_lock);
	spin_lock_bh(&ap_table_lock);
	ap_retiring--;
	spin_unlock_bh(&ap_table_lock);
	/* A new record of the same AP found the directory name taken. */
	next = capwap_lsc_ap_by_mac(ap->mac);
	if (next) {
		capwap_lsc_ap_schedule(next, CAPWAP_LSC_WORK_PUBLISH);
		capwap_lsc_ap_put(next);
	}
}

/* Keys, sysfs directories and certificate checks all sleep: here. */
static void ap_work(struct work_struct *work)
{
	struct capwap_lsc_ap *ap = container_of(work, struct capwap_lsc_ap,
						work);

	if (test_and_clear_bit(CAPWAP_LSC_WORK_PUBLISH, &ap->work_flags) &&
	    !READ_ONCE(ap_dying)) {
		mutex_lock(&ap_publish_lock);
		if (!READ_ONCE(ap->removed)) {
			if (!ap->key)
				capwap_lsc_keys_add_ap(ap);
			if (!ap->kobj)
				capwap_lsc_sysfs_add_ap(ap);
		}
		mutex_unlock(&ap_publish_lock);
	}
	if (test_and_clear_bit(CAPWAP_LSC_WORK_SYSFS, &ap->work_flags)) {
		mutex_lock(&ap_publish_lock);
		if (!READ_ONCE(ap->removed))
			capwap_lsc_sysfs_update_ap(ap);
		mutex_unlock(&ap_publish_lock);
	}
	if (test_and_clear_bit(CAPWAP_LSC_WORK_VERIFY, &ap->work_flags))
		capwap_lsc_control_verify_join(ap);
	if (test_and_clear_bit(CAPWAP_LSC_WORK_REMOVE, &ap->work_flags))
		ap_unpublish(ap);
	capwap_lsc_ap_put(ap);
}

static void ap_rtx_timer(struct timer_list *t)
{
	struct capwap_lsc_ap *ap = from_timer(ap, t, rtx_timer);

	if (!READ_ONCE(ap_dying))
		capwap_lsc_control_retransmit(ap);
}

/*
 * One periodic walk over all records instead of a timer per AP: a timer
 * would add 40 bytes to every record, and the walk costs a few
 * milliseconds per sweep for the largest fleets.
 */
static unsigned long ap_sweep_period(void)
{
	return max(capwap_lsc_control_dead_interval() / 4, HZ / 4UL);
}

static void ap_sweep_fn(struct work_struct *work)
{
	unsigned long idle = (unsigned long)record_idle_s * HZ;
	u32 now = (u32)jiffies;
	struct capwap_lsc_ap *ap;
	unsigned int bkt;

	for (bkt = 0; bkt < HASH_SIZE(ap_by_mac); bkt++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(ap, &ap_by_mac[bkt], mac_node) {
			if (capwap_lsc_control_expire_silent(ap, now) || !idle)
				continue;
			/* Unlocked first look: most records are not due. */
			if (ap_expired(ap, now, idle))
				ap_expire(ap, now, idle);
		}
		rcu_read_unlock();
		if (!(bkt % 256))
			cond_resched();
	}
	capwap_lsc_req_expire();
	if (!READ_ONCE(ap_dying))
		queue_delayed_work(capwap_lsc_wq, &ap_sweep_work,
				   ap_sweep_period());
}

void capwap_lsc_ap_record(struct capwap_lsc_ap *ap,
			  struct capwap_lsc_ap_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	spin_lock_bh(&ap->lock);
	memcpy(rec->mac, ap->mac, sizeof(rec->mac));
	rec->state = ap->state;
	rec->session = ap->session;
	rec->cert_type = ap->cert_type;
	rec->mode = ap->mode;
	rec->attempts = ap->attempts;
	rec->last_result = ap->last_result;
	rec->fallbacks = ap->fallbacks;
	rec->joined_since = ap->joined_since;
	rec->request_id = ap->request_id;
	strscpy(rec->model, ap->model, sizeof(rec->model));
	strscpy(rec->serial, ap->serial, sizeof(rec->serial));
	strscpy(rec->last_error, capwap_lsc_prov_last_error(ap),
		sizeof(rec->last_error));
	spin_unlock_bh(&ap->lock);
}

int capwap_lsc_ap_walk(struct capwap_lsc_ap_cursor *pos,
		       int (*fn)(struct capwap_lsc_ap *ap, void *arg),
		       void *arg)
{
	unsigned int bkt = pos->bkt, idx = pos->idx, i;
	struct capwap_lsc_ap *ap;
	int ret = 0;

	rcu_read_lock();
	for (; bkt < HASH_SIZE(ap_by_mac); bkt++, idx = 0) {
		i = 0;
		hlist_for_each_entry_rcu(ap, &ap_by_mac[bkt], mac_node) {
			if (i++ < idx)
				continue;
			ret = fn(ap, arg);
			if (ret) {
				pos->bkt = bkt;
				pos->idx = i - 1;
				goto out;
			}
		}
	}
	pos->bkt = bkt;
	pos->idx = 0;
out:
	rcu_read_unlock();
	return ret;
}

int capwap_lsc_ap_init(void)
{
	unsigned int n;

	if (record_idle_s > RECORD_IDLE_MAX_S) {
		pr_err("record_idle_s must be at most %u\n", RECORD_IDLE_MAX_S);
		return -EINVAL;
	}
	ap_hash_seed = get_random_u32();
	ap_dying = false;
	ap_retiring = 0;
	for (n = 0; n < AP_ADDR_SIZE; n++)
		INIT_HLIST_NULLS_HEAD(&ap_by_addr[n], n);
	ap_cache = KMEM_CACHE(capwap_lsc_ap, 0);
	if (!ap_cache)
		return -ENOMEM;
	capwap_lsc_wq = alloc_workqueue("capwap_lsc", WQ_UNBOUND, 0);
	if (!capwap_lsc_wq) {
		kmem_cache_destroy(ap_cache);
		/* main.c's unwind destroys it again otherwise. */
		ap_cache = NULL;
		return -ENOMEM;
	}
	queue_delayed_work(capwap_lsc_wq, &ap_sweep_work, ap_sweep_period());
	return 0;
}

/*
 * Before anything else goes: the sweep ends sessions, expires records and
 * requests, and so walks the request queue and the tables that the rest
 * of the unload takes apart.  It is cancelled before the tables are
 * marked dying: a sweep still running retires records, and a retired
 * record needs its work item (queued only while not dying) to drop its
 * key and sysfs directory.
 */
void capwap_lsc_ap_stop(void)
{
	cancel_delayed_work_sync(&ap_sweep_work);
	spin_lock_bh(&ap_table_lock);
	WRITE_ONCE(ap_dying, true);
	spin_unlock_bh(&ap_table_lock);
}

/*
 * Runs after the socket and the genl family are gone, so nothing adds
 * APs or queues work any more: stop the timers, let the work finish,
 * take down the sysfs directories and keys, then drop the tables' hold.
 */
void capwap_lsc_ap_uninit(void)
{
	struct capwap_lsc_ap *ap;
	struct hlist_node *tmp;
	unsigned int bkt;

	capwap_lsc_ap_stop();
	synchronize_rcu();
	destroy_workqueue(capwap_lsc_wq);
	capwap_lsc_wq = NULL;
	hash_for_each(ap_by_mac, bkt, ap, mac_node)
		del_timer_sync(&ap->rtx_timer);

	hash_for_each_safe(ap_by_mac, bkt, tmp, ap, mac_node) {
		capwap_lsc_sysfs_del_ap(ap);
		capwap_lsc_keys_del_ap(ap);
		spin_lock_bh(&ap_table_lock);
		addr_del_locked(ap);
		hash_del_rcu(&ap->mac_node);
		ap_count--;
		spin_unlock_bh(&ap_table_lock);
		capwap_lsc_ap_put(ap);
	}
	rcu_barrier();
}

/*
 * The keys' last references go in unregister_key_type(), after
 * capwap_lsc_ap_uninit(): the cache goes once they are all freed.
 */
void capwap_lsc_ap_cache_destroy(void)
{
	kmem_cache_destroy(ap_cache);
	ap_cache = NULL;
}
