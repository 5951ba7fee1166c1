// SPDX-License-Identifier: GPL-2.0
/*
 * How often one source address may make us start a session.  A Join
 * costs a record, a key and a sysfs directory, and (with DTLS) a
 * handshake costs far more: one address must not be able to churn the
 * AP table or monopolise that work.  Each address drains a token bucket
 * of join_burst tokens refilled at join_rate per second.
 *
 * The buckets live in a fixed table indexed by a keyed hash of the
 * address, so memory is bounded whatever the sender spoofs; an address
 * that lands on a slot held by another starts with a full bucket.  That
 * lets a sender of many addresses past the limit, which is what record
 * eviction (ap.c) is for; this holds the one address.  Runs in softirq.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/jiffies.h>

#include "srclimit.h"

#define SRC_SLOTS	1024

static unsigned int join_rate = 100;
module_param(join_rate, uint, 0444);
MODULE_PARM_DESC(join_rate,
		 "Joins per second accepted from one source address, 0 for no limit (default 100)");

static unsigned int join_burst = 400;
module_param(join_burst, uint, 0444);
MODULE_PARM_DESC(join_burst,
		 "Joins accepted at once from one source address, 1..100000 (default 400)");

struct src_bucket {
	__be32 saddr;
	/* tokens in units of 1/HZ of a Join, so refills need no division */
	u64 tokens;
	unsigned long last;
};

static struct src_bucket buckets[SRC_SLOTS];
static DEFINE_SPINLOCK(src_lock);
static u32 src_seed __read_mostly;

bool capwap_lsc_srclimit_join(__be32 saddr)
{
	u64 cap = (u64)join_burst * HZ, cost = HZ;
	struct src_bucket *b;
	unsigned long now = jiffies;
	bool ok;

	if (!join_rate)
		return true;
	b = &buckets[jhash_1word((__force u32)saddr, src_seed) &
		     (SRC_SLOTS - 1)];
	spin_lock_bh(&src_lock);
	if (b->saddr != saddr || !b->last) {
		b->saddr = saddr;
		b->tokens = cap;
	} else {
		b->tokens = min_t(u64, cap, b->tokens +
				  (u64)(now - b->last) * join_rate);
	}
	b->last = now ?: 1;
	ok = b->tokens >= cost;
	if (ok)
		b->tokens -= cost;
	spin_unlock_bh(&src_lock);
	return ok;
}

int capwap_lsc_srclimit_init(void)
{
	if (!join_burst || join_burst > 100000) {
		pr_err("join_burst must be 1..100000\n");
		return -EINVAL;
	}
	src_seed = get_random_u32();
	memset(buckets, 0, sizeof(buckets));
	return 0;
}
