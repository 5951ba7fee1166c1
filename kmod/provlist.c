// SPDX-License-Identifier: GPL-2.0
/*
 * The provision list: the Ethernet MACs of the APs that get an LSC when
 * the provisioning mode is "list".  Up to 65,536 entries in an RCU hash,
 * so the receive path looks an AP up without a lock; netlink adds and
 * deletes under a spinlock.
 */

#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/capwap_lsc.h>

#include "provlist.h"

#define PROVLIST_MAX		CAPWAP_LSC_MAX_PROVLIST
#define PROVLIST_BITS		10

struct prov_entry {
	struct hlist_node node;
	struct rcu_head rcu;
	u8 mac[CAPWAP_LSC_MAC_LEN];
};

static DEFINE_SPINLOCK(provlist_lock);
static DEFINE_HASHTABLE(provlist, PROVLIST_BITS);
static unsigned int provlist_n;

static u32 prov_hash(const u8 *mac)
{
	return jhash(mac, CAPWAP_LSC_MAC_LEN, 0);
}

static struct prov_entry *prov_find(const u8 *mac)
{
	struct prov_entry *e;

	hash_for_each_possible_rcu(provlist, e, node, prov_hash(mac))
		if (ether_addr_equal(e->mac, mac))
			return e;
	return NULL;
}

bool capwap_lsc_provlist_contains(const u8 *mac)
{
	bool found;

	rcu_read_lock();
	found = prov_find(mac);
	rcu_read_unlock();
	return found;
}

int capwap_lsc_provlist_add(const u8 *mac)
{
	struct prov_entry *e = kzalloc(sizeof(*e), GFP_KERNEL);

	if (!e)
		return -ENOMEM;
	ether_addr_copy(e->mac, mac);
	spin_lock_bh(&provlist_lock);
	if (prov_find(mac)) {
		spin_unlock_bh(&provlist_lock);
		kfree(e);
		return -EEXIST;
	}
	if (provlist_n >= PROVLIST_MAX) {
		spin_unlock_bh(&provlist_lock);
		kfree(e);
		return -ENOSPC;
	}
	hash_add_rcu(provlist, &e->node, prov_hash(mac));
	provlist_n++;
	spin_unlock_bh(&provlist_lock);
	return 0;
}

int capwap_lsc_provlist_del(const u8 *mac)
{
	struct prov_entry *e;

	spin_lock_bh(&provlist_lock);
	e = prov_find(mac);
	if (e) {
		hash_del_rcu(&e->node);
		provlist_n--;
	}
	spin_unlock_bh(&provlist_lock);
	if (!e)
		return -ENOENT;
	kfree_rcu(e, rcu);
	return 0;
}

void capwap_lsc_provlist_flush(void)
{
	struct prov_entry *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	spin_lock_bh(&provlist_lock);
	hash_for_each_safe(provlist, bkt, tmp, e, node) {
		hash_del_rcu(&e->node);
		kfree_rcu(e, rcu);
	}
	provlist_n = 0;
	spin_unlock_bh(&provlist_lock);
}

unsigned int capwap_lsc_provlist_count(void)
{
	return READ_ONCE(provlist_n);
}

unsigned int capwap_lsc_provlist_copy(u8 *macs, unsigned int max)
{
	struct prov_entry *e;
	unsigned int bkt, n = 0;

	rcu_read_lock();
	hash_for_each_rcu(provlist, bkt, e, node) {
		if (n >= max)
			break;
		ether_addr_copy(macs + n++ * CAPWAP_LSC_MAC_LEN, e->mac);
	}
	rcu_read_unlock();
	return n;
}

/* The entries go by kfree_rcu(): they are all freed when this returns. */
void capwap_lsc_provlist_uninit(void)
{
	capwap_lsc_provlist_flush();
	rcu_barrier();
}
