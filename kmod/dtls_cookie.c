// SPDX-License-Identifier: GPL-2.0
/*
 * DTLS's cookie exchange (RFC 6347 section 4.2.1) answered in the kernel,
 * with lscd's secrets (docs/PROTOCOL.md section 6.14).
 *
 * A flood of spoofed ClientHellos from more addresses than srclimit.c has
 * slots is held only by the bucket for all sources together, and with
 * lscd answering each relayed one in userspace the real APs' handshakes
 * queue behind the flood: a returned cookie, the one proof that a peer
 * receives at its address, reached lscd no sooner than a spoofed hello.
 * So once lscd hands its cookie secrets over, the kernel answers any
 * ClientHello without a valid cookie itself, statelessly as lscd would
 * (HMAC-SHA256 of the address, the same bytes lscd's cookie carries),
 * and relays the ClientHello whose cookie verifies past the bucket for
 * all sources.  Every datagram from that address and port passes that
 * bucket too for as long as lscd gives a handshake, through a small table
 * of proofs.  What else comes from a peer without keys and without a
 * proof (no ClientHello, or one lscd would drop: fragmented) shares a
 * small bucket (srclimit.c), so that a flood of it cannot fill lscd's
 * socket either; the answers share a large one.  lscd checks every
 * cookie again: the kernel decides only what is relayed first, never
 * what is trusted.
 *
 * The secrets arrive in process context (DTLS_COOKIE) and are used from
 * softirq, so each is keyed into an "hmac(sha256)" shash at its arrival,
 * published under RCU, and freed after a grace period; a shash keeps no
 * state between calls, so every CPU may use one at once.  They belong to
 * the genl socket that set them: when it closes (lscd stopped, or was
 * killed), they go.
 */

#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "ap.h"
#include "dtls.h"
#include "socket.h"
#include "srclimit.h"
#include "stats.h"
#include "wire_dtls.h"

/* A generation byte, then the HMAC: lscd's cookie (dtls_engine.c). */
#define COOKIE_LEN	(1 + SHA256_DIGEST_SIZE)
/* The family byte, the IPv4 address and the port. */
#define COOKIE_ADDR_LEN	7

/*
 * 1,024 proofs in sets of eight, a set chosen by the source address
 * alone: one address holds at most eight, as many handshakes as lscd
 * runs at once for one IP, however many ports it opens.  A newcomer whose
 * set is full of live proofs is not remembered, and a peer's proof is
 * dropped as soon as its keys are in (capwap_lsc_dtls_cookie_forget()).
 */
#define PROVEN_SETS	128
#define PROVEN_WAYS	8
/* lscd's default dtls_handshake_timeout: no handshake outlives it. */
#define PROVEN_TTL	(60 * HZ)

struct cookie_keys {
	/* the genl socket of the lscd that set them */
	u32 portid;
	u8 gen;
	/* [0] the current secret's, [1] the one before it or NULL */
	struct crypto_shash *hmac[2];
};

static struct cookie_keys __rcu *cookie_keys;
static DEFINE_MUTEX(cookie_mutex);

struct proven_slot {
	__be32 saddr;
	__be16 sport;
	/* 64-bit jiffies: an old deadline never comes round again */
	u64 until;
};

static struct proven_slot proven[PROVEN_SETS][PROVEN_WAYS];
static DEFINE_SPINLOCK(proven_lock);
static u32 proven_seed;

static struct proven_slot *proven_set(const struct capwap_lsc_peer *peer)
{
	return proven[jhash_1word((__force u32)peer->saddr, proven_seed) &
		      (PROVEN_SETS - 1)];
}

static bool is_peer(const struct proven_slot *p,
		    const struct capwap_lsc_peer *peer)
{
	return p->saddr == peer->saddr && p->sport == peer->sport;
}

/* Called with proven_lock held: @peer's live proof in @set, or NULL. */
static struct proven_slot *proven_find(struct proven_slot *set,
				       const struct capwap_lsc_peer *peer,
				       u64 now)
{
	int i;

	for (i = 0; i < PROVEN_WAYS; i++)
		if (is_peer(&set[i], peer) && time_before64(now, set[i].until))
			return &set[i];
	return NULL;
}

static void proven_add(const struct capwap_lsc_peer *peer)
{
	struct proven_slot *set = proven_set(peer), *p;
	u64 now = get_jiffies_64();
	int i;

	spin_lock_bh(&proven_lock);
	p = proven_find(set, peer, now);
	for (i = 0; !p && i < PROVEN_WAYS; i++)
		if (!time_before64(now, set[i].until))
			p = &set[i];
	if (p) {
		p->saddr = peer->saddr;
		p->sport = peer->sport;
		p->until = now + PROVEN_TTL;
	}
	spin_unlock_bh(&proven_lock);
}

bool capwap_lsc_dtls_cookie_proven(const struct capwap_lsc_peer *peer)
{
	struct proven_slot *set = proven_set(peer);
	bool ok;

	spin_lock_bh(&proven_lock);
	ok = proven_find(set, peer, get_jiffies_64());
	spin_unlock_bh(&proven_lock);
	return ok;
}

void capwap_lsc_dtls_cookie_forget(const struct capwap_lsc_peer *peer)
{
	struct proven_slot *set = proven_set(peer), *p;

	spin_lock_bh(&proven_lock);
	p = proven_find(set, peer, get_jiffies_64());
	if (p)
		p->until = 0;
	spin_unlock_bh(&proven_lock);
}

/* The HMAC of @peer's address: its own frame, the descriptor is large. */
static noinline_for_stack int cookie_mac(struct crypto_shash *hmac,
					 const struct capwap_lsc_peer *peer,
					 u8 *out)
{
	SHASH_DESC_ON_STACK(desc, hmac);
	u8 addr[COOKIE_ADDR_LEN];
	int ret;

	capwap_dtls_cookie_addr(addr, (const u8 *)&peer->saddr,
				sizeof(peer->saddr), (const u8 *)&peer->sport);
	desc->tfm = hmac;
	ret = crypto_shash_digest(desc, addr, sizeof(addr), out);
	shash_desc_zero(desc);
	return ret;
}

/* Whether @cookie is one of lscd's for @peer, under either secret. */
static bool cookie_valid(const struct cookie_keys *k,
			 const struct capwap_lsc_peer *peer,
			 const u8 *cookie, u8 len)
{
	u8 want[SHA256_DIGEST_SIZE];
	int which;
	bool ok;

	if (len != COOKIE_LEN)
		return false;
	which = capwap_dtls_cookie_secret(cookie[0], k->gen, k->hmac[1]);
	if (which < 0 || cookie_mac(k->hmac[which], peer, want))
		return false;
	ok = !crypto_memneq(want, cookie + 1, sizeof(want));
	memzero_explicit(want, sizeof(want));
	return ok;
}

/* The HelloVerifyRequest for @hello, with a cookie under the current secret. */
static void answer(const struct cookie_keys *k,
		   const struct capwap_lsc_peer *peer,
		   const struct capwap_dtls_record *hello)
{
	u8 dgram[CAPWAP_DTLS_HDR_LEN + CAPWAP_DTLS_REC_HDR_LEN +
		 CAPWAP_DTLS_HS_HDR_LEN + 3 + COOKIE_LEN];
	u8 cookie[COOKIE_LEN];
	int n = -EINVAL;

	cookie[0] = k->gen;
	if (!cookie_mac(k->hmac[0], peer, cookie + 1)) {
		capwap_dtls_put_header(dgram);
		n = capwap_dtls_put_hello_verify(dgram + CAPWAP_DTLS_HDR_LEN,
						 sizeof(dgram) -
						 CAPWAP_DTLS_HDR_LEN,
						 hello, cookie, sizeof(cookie));
	}
	if (n < 0 ||
	    capwap_lsc_socket_send(peer, dgram, CAPWAP_DTLS_HDR_LEN + n))
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
	else
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_COOKIES_SENT);
}

enum capwap_lsc_cookie capwap_lsc_dtls_cookie_check(const struct capwap_lsc_peer *peer,
						    const u8 *records,
						    size_t len)
{
	struct capwap_dtls_record rec;
	struct capwap_dtls_hello h;
	const struct cookie_keys *k;
	enum capwap_lsc_cookie ret;
	size_t left = len;
	bool hello;

	hello = capwap_dtls_next_record(&records, &left, &rec) == 1 &&
		!capwap_dtls_parse_client_hello(&rec, &h);
	rcu_read_lock();
	k = rcu_dereference(cookie_keys);
	if (!k) {
		ret = CAPWAP_LSC_COOKIE_NONE;
	} else if (!hello) {
		ret = CAPWAP_LSC_COOKIE_OTHER;
	} else if (cookie_valid(k, peer, h.cookie, h.cookie_len)) {
		ret = CAPWAP_LSC_COOKIE_VALID;
	} else if (!capwap_lsc_srclimit_answer()) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_RELAY_LIMITED);
		ret = CAPWAP_LSC_COOKIE_ANSWERED;
	} else {
		/*
		 * Whatever version it offers: lscd refuses DTLS 1.0 when
		 * the cookie comes back, as DTLSv1_listen() answers it
		 * first.  As lscd counts: a wrong cookie is a failure, none
		 * is not.
		 */
		if (h.cookie_len)
			capwap_lsc_count(CAPWAP_LSC_ST_DTLS_HS +
					 CAPWAP_LSC_DTLS_FAILED_COOKIE);
		answer(k, peer, &rec);
		ret = CAPWAP_LSC_COOKIE_ANSWERED;
	}
	rcu_read_unlock();
	if (ret == CAPWAP_LSC_COOKIE_VALID) {
		proven_add(peer);
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_COOKIES_VERIFIED);
	}
	return ret;
}

static void keys_free(struct cookie_keys *k)
{
	if (!k)
		return;
	/* crypto_free_shash() zeroes the keyed state as it frees it. */
	crypto_free_shash(k->hmac[0]);
	crypto_free_shash(k->hmac[1]);
	kfree(k);
}

static struct crypto_shash *hmac_new(const u8 *secret)
{
	struct crypto_shash *hmac;
	int ret;

	hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(hmac))
		return hmac;
	ret = crypto_shash_setkey(hmac, secret, CAPWAP_LSC_DTLS_SECRET_LEN);
	if (ret) {
		crypto_free_shash(hmac);
		return ERR_PTR(ret);
	}
	return hmac;
}

static struct cookie_keys *keys_new(u32 portid, u8 gen, const u8 *secret,
				    const u8 *prev)
{
	struct cookie_keys *k;
	int ret;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->portid = portid;
	k->gen = gen;
	k->hmac[0] = hmac_new(secret);
	if (IS_ERR(k->hmac[0])) {
		ret = PTR_ERR(k->hmac[0]);
		kfree(k);
		return ERR_PTR(ret);
	}
	if (prev) {
		k->hmac[1] = hmac_new(prev);
		if (IS_ERR(k->hmac[1])) {
			ret = PTR_ERR(k->hmac[1]);
			k->hmac[1] = NULL;
			keys_free(k);
			return ERR_PTR(ret);
		}
	}
	return k;
}

/*
 * On any failure the old secrets go too: answering with secrets lscd
 * has rotated away would send every AP round a loop of cookies lscd
 * refuses; without any, every ClientHello goes to lscd as before.
 */
int capwap_lsc_dtls_cookie_set(u32 portid, u8 gen, const u8 *secret,
			       const u8 *prev)
{
	struct cookie_keys *k = NULL, *old;
	int ret = 0;

	if (secret) {
		k = keys_new(portid, gen, secret, prev);
		if (IS_ERR(k)) {
			ret = PTR_ERR(k);
			k = NULL;
		}
	}
	mutex_lock(&cookie_mutex);
	old = rcu_replace_pointer(cookie_keys, k,
				  lockdep_is_held(&cookie_mutex));
	mutex_unlock(&cookie_mutex);
	if (old) {
		synchronize_rcu();
		keys_free(old);
	}
	return ret;
}

/*
 * The genl socket @portid is gone (process context: netlink's notifier
 * chain is a blocking one): the secrets its lscd set go with it.
 */
void capwap_lsc_dtls_cookie_release(u32 portid)
{
	struct cookie_keys *k;

	mutex_lock(&cookie_mutex);
	k = rcu_dereference_protected(cookie_keys,
				      lockdep_is_held(&cookie_mutex));
	if (k && k->portid == portid)
		RCU_INIT_POINTER(cookie_keys, NULL);
	else
		k = NULL;
	mutex_unlock(&cookie_mutex);
	if (k) {
		synchronize_rcu();
		keys_free(k);
	}
}

void capwap_lsc_dtls_cookie_init(void)
{
	proven_seed = get_random_u32();
	memset(proven, 0, sizeof(proven));
}

/* After the socket is gone: nothing reads the secrets any more. */
void capwap_lsc_dtls_cookie_uninit(void)
{
	capwap_lsc_dtls_cookie_set(0, 0, NULL, NULL);
}
