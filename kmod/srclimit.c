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
 *
 * DTLS datagrams relayed to lscd (dtls.c) drain a table of their own,
 * with its own rate: a handshake is a few datagrams each way, and the
 * relay must hold a flood of spoofed ClientHellos from one address to
 * what lscd can drop without falling behind.  There an address that
 * takes over a slot inherits its tokens rather than a full bucket, and
 * every relayed datagram also drains one bucket for all sources
 * (dtls_relay_total_rate): a sender of more addresses than there are
 * slots is held to that.  A peer that returned a cookie (dtls_cookie.c)
 * is spared that bucket, and while the module answers cookies the
 * ClientHellos it answers and the rest of the unproven traffic have
 * buckets of their own: spoofed ClientHellos then reach lscd not at all,
 * and delay a real AP's only once they exceed fifty times that rate.
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

static unsigned int dtls_relay_rate = 200;
module_param(dtls_relay_rate, uint, 0444);
MODULE_PARM_DESC(dtls_relay_rate,
		 "DTLS datagrams per second relayed to lscd from one source address, 0 for no limit (default 200)");

static unsigned int dtls_relay_burst = 400;
module_param(dtls_relay_burst, uint, 0444);
MODULE_PARM_DESC(dtls_relay_burst,
		 "DTLS datagrams relayed at once from one source address, 1..100000 (default 400)");

static unsigned int dtls_relay_total_rate = 2000;
module_param(dtls_relay_total_rate, uint, 0444);
MODULE_PARM_DESC(dtls_relay_total_rate,
		 "DTLS datagrams per second relayed to lscd from all sources together (as many at once); while the module answers cookies, a sixteenth of it for peers that returned none, fifty times it for the cookies it sends; 0 for no limit (default 2000)");

struct src_bucket {
	__be32 saddr;
	/* tokens in units of 1/HZ of a Join, so refills need no division */
	u64 tokens;
	unsigned long last;
};

struct src_table {
	struct src_bucket buckets[SRC_SLOTS];
	spinlock_t lock;
};

static struct src_table join_table = {
	.lock = __SPIN_LOCK_UNLOCKED(join_table.lock),
};
static struct src_table relay_table = {
	.lock = __SPIN_LOCK_UNLOCKED(relay_table.lock),
};
/* The buckets for all sources together, under one lock. */
static struct src_bucket relay_total, relay_unproven, answer_total;
static DEFINE_SPINLOCK(relay_total_lock);
static u32 src_seed __read_mostly;

/*
 * Refills @b at @rate up to @cap (a fresh bucket, never used, starts
 * full) and takes one token; the caller holds its lock.
 */
static bool refill_take(struct src_bucket *b, u64 cap, unsigned int rate)
{
	unsigned long now = jiffies;
	bool ok;

	if (!b->last)
		b->tokens = cap;
	else
		b->tokens = min_t(u64, cap, b->tokens +
				  (u64)(now - b->last) * rate);
	b->last = now ?: 1;
	ok = b->tokens >= HZ;
	if (ok)
		b->tokens -= HZ;
	return ok;
}

/*
 * With @inherit, an address taking over a slot from another keeps the
 * slot's tokens, refilled as if it had held it.
 */
static bool take(struct src_table *t, __be32 saddr, unsigned int rate,
		 unsigned int burst, bool inherit)
{
	struct src_bucket *b;
	bool ok;

	if (!rate)
		return true;
	b = &t->buckets[jhash_1word((__force u32)saddr, src_seed) &
			(SRC_SLOTS - 1)];
	spin_lock_bh(&t->lock);
	if (b->saddr != saddr && !inherit)
		b->last = 0;
	b->saddr = saddr;
	ok = refill_take(b, (u64)burst * HZ, rate);
	spin_unlock_bh(&t->lock);
	return ok;
}

bool capwap_lsc_srclimit_join(__be32 saddr)
{
	return take(&join_table, saddr, join_rate, join_burst, false);
}

bool capwap_lsc_srclimit_relay(__be32 saddr)
{
	return take(&relay_table, saddr, dtls_relay_rate, dtls_relay_burst,
		    true);
}

/*
 * A bucket for all sources of @rate per second, as many at once; 0 no
 * limit.
 */
static bool take_shared(struct src_bucket *b, unsigned int rate)
{
	bool ok;

	if (!rate)
		return true;
	spin_lock_bh(&relay_total_lock);
	ok = refill_take(b, (u64)rate * HZ, rate);
	spin_unlock_bh(&relay_total_lock);
	return ok;
}

bool capwap_lsc_srclimit_relay_total(void)
{
	return take_shared(&relay_total, dtls_relay_total_rate);
}

/*
 * While the module answers cookies (dtls_cookie.c) an unproven peer has
 * no use for lscd but a lost proof (its set of the table was full): a
 * sixteenth of the rate for all sources is plenty, and a flood of it
 * can neither fill lscd's socket nor empty the proven peers' way.
 */
bool capwap_lsc_srclimit_relay_unproven(void)
{
	unsigned int rate = dtls_relay_total_rate;

	return take_shared(&relay_unproven, rate ? max(rate / 16, 1U) : 0);
}

/*
 * HelloVerifyRequests the module sends: each costs two HMACs and a send
 * in softirq and goes to whatever address the ClientHello claimed, no
 * larger than it (no amplification), at most dtls_relay_rate a second to
 * one address.  All together they are bounded too, at fifty times the
 * relay's rate: well above what real APs need, so that a flood must be
 * large before it delays a real AP's first ClientHello.
 */
bool capwap_lsc_srclimit_answer(void)
{
	return take_shared(&answer_total,
			   min_t(u64, (u64)dtls_relay_total_rate * 50, UINT_MAX));
}

int capwap_lsc_srclimit_init(void)
{
	if (!join_burst || join_burst > 100000) {
		pr_err("join_burst must be 1..100000\n");
		return -EINVAL;
	}
	if (!dtls_relay_burst || dtls_relay_burst > 100000) {
		pr_err("dtls_relay_burst must be 1..100000\n");
		return -EINVAL;
	}
	src_seed = get_random_u32();
	memset(join_table.buckets, 0, sizeof(join_table.buckets));
	memset(relay_table.buckets, 0, sizeof(relay_table.buckets));
	memset(&relay_total, 0, sizeof(relay_total));
	memset(&relay_unproven, 0, sizeof(relay_unproven));
	memset(&answer_total, 0, sizeof(answer_total));
	return 0;
}
