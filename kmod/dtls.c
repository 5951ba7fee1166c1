// SPDX-License-Identifier: GPL-2.0
/*
 * The DTLS 1.2 record layer of the control channel (docs/PROTOCOL.md
 * section 6).  lscd runs every handshake; until a peer has keys here its
 * datagrams are relayed to lscd on the "dtls" genl group, without any
 * state kept for them: a flood of spoofed ClientHellos creates no
 * kernel state, and srclimit.c holds what reaches lscd, per source
 * address and for all sources together.  Once lscd hands over
 * the key block, records of that peer are opened and sealed here through
 * the kernel's AEAD API: AES-GCM with the RFC 5288 nonce and additional
 * data of wire_dtls.c, or AES-CBC with HMAC-SHA1 encrypt-then-MAC (RFC
 * 7366) through "authenc", the template IPsec uses, which checks the MAC
 * over the ciphertext with crypto_memneq() before it decrypts anything.
 * MAC-then-encrypt CBC is refused: checking it without a timing oracle
 * (Lucky 13) takes a hand-made constant-time HMAC, which the kernel's
 * crypto API does not offer.  A 64-entry replay window moves only after
 * a record authenticated.
 *
 * The AEAD instances are synchronous (CRYPTO_ALG_ASYNC masked out),
 * allocated and keyed in process context when the keys come,
 * and then used from softirq and from the senders that run with bottom
 * halves off: an asynchronous instance could complete later, outside the
 * receive path that owns the buffers.  A transform may be used by several
 * requests at once, so only the sequence number and the window are
 * taken under the session's lock; the cipher runs outside it.
 *
 * Sessions live in an RCU hash table keyed by the peer's address and
 * port.  A session leaves the table under the table lock, and its
 * transforms (which hold the keys) and salts are freed and zeroed after a
 * grace period, in process context.
 *
 * RFC 5415 section 4.7's timers run in one delayed work item, as ap.c's
 * sweep times out silent APs, not in a timer per session: every second
 * it ends the sessions that had no Join within WaitJoin, and takes out
 * of the table those the controller ended DTLSSessionDelete ago.  When
 * the controller ends a session of its own accord (section 2.3,
 * DTLSShutdown), a close_notify sealed under the session's keys goes to
 * the peer first; the session then stays in the table, dead, until
 * DTLSSessionDelete is over, so that what the peer still sends under
 * those keys (its own close_notify, a request in flight) is dropped
 * quietly rather than relayed to lscd as a new association.
 */

#include <linux/cred.h>
#include <linux/crypto.h>
#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <net/netlink.h>
#include <linux/workqueue.h>
#include <linux/rtnetlink.h>
#include <crypto/aead.h>
#include <crypto/authenc.h>

#include "control.h"
#include "dtls.h"
#include "netlink.h"
#include "socket.h"
#include "srclimit.h"
#include "stats.h"
#include "wire_dtls.h"

#define SESS_HASH_BITS	8
/* Keys come from lscd only; this bounds what a runaway lscd can pin. */
#define MAX_SESSIONS	65536

/* The largest control datagram the module seals: the mtu parameter's. */
#define TX_PLAIN_MAX	9000
/* CBC's overhead counts the longest padding allowed, not the one we send. */
#define TX_BUF_LEN	(CAPWAP_DTLS_HDR_LEN + CAPWAP_DTLS_REC_HDR_LEN + \
			 max(CAPWAP_DTLS_GCM_OVERHEAD, \
			     CAPWAP_DTLS_CBC_MAX_OVERHEAD) + TX_PLAIN_MAX)
/* A record's body, less its IV or explicit nonce, is opened here. */
#define RX_BUF_LEN	CAPWAP_DTLS_MAX_BODY

#define GCM_ALG		"gcm(aes)"
#define CBC_ALG		"authenc(hmac(sha1),cbc(aes))"

/* TLS alerts (RFC 5246 section 7.2). */
#define ALERT_WARNING		1
#define ALERT_FATAL		2
#define ALERT_CLOSE_NOTIFY	0

static const u8 close_notify[2] = { ALERT_WARNING, ALERT_CLOSE_NOTIFY };

/* RFC 5415 section 4.7.6: DTLSSessionDelete, 5 s by default. */
#define SESSION_DELETE		(5 * HZ)
#define SWEEP_PERIOD		HZ
#define WAIT_JOIN_MAX_S		3600

static unsigned int wait_join_s = 60;
module_param(wait_join_s, uint, 0444);
MODULE_PARM_DESC(wait_join_s,
		 "Seconds a DTLS session may go without a Join before the controller ends it (RFC 5415 WaitJoin), 1..3600 (default 60)");

struct dtls_dir {
	struct crypto_aead *aead;
	/*
	 * GCM: the nonce's salt.  CBC: the first bytes of the MAC key, which
	 * only tell a key block handed over twice (CBC has no salt).
	 */
	u8 salt[CAPWAP_DTLS_GCM_SALT_LEN];
};

struct dtls_sess {
	struct hlist_node node;
	struct rcu_work free_work;
	/* guards tx_seq, win and dead */
	spinlock_t lock;
	struct capwap_lsc_peer peer;
	u16 epoch;
	u16 suite;
	u8 cipher;
	u8 cert_type;
	u8 mac[ETH_ALEN];
	/* set under sess_lock as well: either lock reads it */
	bool dead;
	bool have_fp;
	/* a Join opened a CAPWAP session through it; WaitJoin is over */
	bool joined;
	unsigned long keyed_at;
	/* dead and still in the table: when DTLSSessionDelete ends */
	unsigned long delete_at;
	u64 tx_seq;
	struct capwap_dtls_replay win;
	struct dtls_dir rx, tx;
	/*
	 * What lscd said of the peer, for the operator only: allocated with
	 * the session, at the length it takes.  Three NUL-terminated
	 * strings in a row: the suite's name, the subject, the issuer.
	 */
	u8 fp[CAPWAP_LSC_SHA256_LEN];
	char names[];
};

/*
 * Work areas of the cipher: scatterlists need memory that is neither on
 * the stack nor in the per-CPU area, so each CPU has one kmalloc'd area
 * for receiving and one for sending (a received record's answer is
 * sealed while its plaintext is still being read).
 */
struct dtls_work {
	u8 aad[CAPWAP_DTLS_CBC_AD_LEN];	/* GCM uses the first 13 bytes */
	/* GCM's nonce, or a copy of the CBC IV (the cipher overwrites it) */
	u8 iv[CAPWAP_DTLS_CBC_IV_LEN];
	u8 buf[];
};

static DEFINE_PER_CPU(struct dtls_work *, rx_work);
static DEFINE_PER_CPU(struct dtls_work *, tx_work);

static DEFINE_HASHTABLE(sessions, SESS_HASH_BITS);
static DEFINE_SPINLOCK(sess_lock);
static unsigned int n_sessions;
static u32 sess_seed __read_mostly;
static struct workqueue_struct *dtls_wq;
static void sess_sweep(struct work_struct *work);
static DECLARE_DELAYED_WORK(sweep_work, sess_sweep);
/*
 * Required from the load on: clear text (off, or on beside DTLS) is a lab
 * mode an operator sets on purpose with "lscctl config dtls off", and each
 * switch to it is logged below.
 */
static u8 dtls_mode = CAPWAP_LSC_DTLS_REQUIRED;

u8 capwap_lsc_dtls_mode(void)
{
	return READ_ONCE(dtls_mode);
}

static u32 peer_hash(const struct capwap_lsc_peer *p)
{
	return jhash_2words((__force u32)p->saddr, (__force u32)p->sport,
			    sess_seed);
}

/* Under rcu_read_lock() or sess_lock. */
static struct dtls_sess *lookup(const struct capwap_lsc_peer *p)
{
	struct dtls_sess *s;

	hash_for_each_possible_rcu(sessions, s, node, peer_hash(p))
		if (s->peer.saddr == p->saddr && s->peer.sport == p->sport)
			return s;
	return NULL;
}

static void sess_free(struct work_struct *work)
{
	struct dtls_sess *s = container_of(to_rcu_work(work), struct dtls_sess,
					   free_work);

	/* Freeing a transform zeroes its context, the expanded key. */
	crypto_free_aead(s->rx.aead);
	crypto_free_aead(s->tx.aead);
	memzero_explicit(s, sizeof(*s));
	kfree(s);
}

/* With sess_lock held. */
static void sess_retire(struct dtls_sess *s)
{
	hash_del_rcu(&s->node);
	WRITE_ONCE(n_sessions, n_sessions - 1);
	spin_lock(&s->lock);
	WRITE_ONCE(s->dead, true);
	spin_unlock(&s->lock);
	INIT_RCU_WORK(&s->free_work, sess_free);
	queue_rcu_work(dtls_wq, &s->free_work);
}

/*
 * Ends @p's association and the CAPWAP session it carried; with @only,
 * only if that association is still the one at @p (an alert must not end
 * a newer association that replaced the one that sent it).
 */
static bool sess_end(const struct capwap_lsc_peer *p,
		     const struct dtls_sess *only, u8 why)
{
	struct capwap_lsc_peer peer = *p;
	bool live = false;
	struct dtls_sess *s;

	spin_lock_bh(&sess_lock);
	s = lookup(&peer);
	if (s && only && s != only)
		s = NULL;
	if (s) {
		/* One the controller ended carries no session any more. */
		live = !s->dead;
		peer = s->peer;
		sess_retire(s);
	}
	spin_unlock_bh(&sess_lock);
	if (live)
		capwap_lsc_control_dtls_closed(&peer, why);
	return live;
}

bool capwap_lsc_dtls_active(const struct capwap_lsc_peer *peer)
{
	bool ret;

	if (!READ_ONCE(n_sessions))
		return false;
	rcu_read_lock();
	ret = lookup(peer);
	rcu_read_unlock();
	return ret;
}

int capwap_lsc_dtls_identity(const struct capwap_lsc_peer *peer, u8 *mac,
			     u8 *cert_type)
{
	struct dtls_sess *s;
	int ret = -ENOENT;

	rcu_read_lock();
	s = lookup(peer);
	/* One the controller ended carries no Join, whatever it held. */
	if (s && !READ_ONCE(s->dead)) {
		ether_addr_copy(mac, s->mac);
		*cert_type = s->cert_type;
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}

/*
 * One synchronous AEAD operation over @ad_len bytes of @w->aad and @data
 * (@len bytes of plaintext to seal, or of ciphertext and tag to open), in
 * place.
 */
static int aead_run(struct crypto_aead *tfm, bool seal, struct dtls_work *w,
		    unsigned int ad_len, u8 *data, unsigned int len)
{
	struct aead_request *req;
	struct scatterlist sg[2];
	int ret;

	req = aead_request_alloc(tfm, GFP_ATOMIC);
	if (!req)
		return -ENOMEM;
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], w->aad, ad_len);
	sg_set_buf(&sg[1], data, len + (seal ? crypto_aead_authsize(tfm) : 0));
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_crypt(req, sg, sg, len, w->iv);
	aead_request_set_ad(req, ad_len);
	ret = seal ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	aead_request_free(req);
	return ret;
}

/*
 * Seals @len bytes of @pkt as the body of @rec at @body, under RFC 5288:
 * the explicit nonce is the record's epoch and sequence number, unique
 * per key.  Returns the body's length.
 */
static int seal_gcm(struct dtls_sess *s, const struct capwap_dtls_record *rec,
		    struct dtls_work *w, u8 *body, const u8 *pkt, size_t len)
{
	int ret;

	memcpy(body, rec->hdr + 3, CAPWAP_DTLS_GCM_EXPLICIT_LEN);
	capwap_dtls_gcm_nonce(w->iv, s->tx.salt, body);
	capwap_dtls_aad(w->aad, rec, len);
	memcpy(body + CAPWAP_DTLS_GCM_EXPLICIT_LEN, pkt, len);
	ret = aead_run(s->tx.aead, true, w, CAPWAP_DTLS_AAD_LEN,
		       body + CAPWAP_DTLS_GCM_EXPLICIT_LEN, len);
	return ret ?: len + CAPWAP_DTLS_GCM_OVERHEAD;
}

/*
 * The same under CBC with encrypt-then-MAC: IV || CBC(pkt || padding) ||
 * HMAC over the additional data of capwap_dtls_cbc_ad() and the
 * ciphertext.  The IV is drawn from the kernel's CRNG for each record:
 * it must be unpredictable before the plaintext is chosen (RFC 5246
 * section 6.2.3.2; a predictable one gave BEAST), and the CRNG gives
 * that without a key of our own to derive and keep per association.
 */
static int seal_cbc(struct dtls_sess *s, const struct capwap_dtls_record *rec,
		    struct dtls_work *w, u8 *body, const u8 *pkt, size_t len)
{
	u8 *ct = body + CAPWAP_DTLS_CBC_IV_LEN;
	int clen, ret;

	get_random_bytes(body, CAPWAP_DTLS_CBC_IV_LEN);
	memcpy(w->iv, body, CAPWAP_DTLS_CBC_IV_LEN);
	memcpy(ct, pkt, len);
	clen = capwap_dtls_cbc_pad(ct, len);
	capwap_dtls_cbc_ad(w->aad, rec, body, clen);
	ret = aead_run(s->tx.aead, true, w, CAPWAP_DTLS_CBC_AD_LEN, ct, clen);
	return ret ?: CAPWAP_DTLS_CBC_IV_LEN + clen + CAPWAP_DTLS_CBC_MAC_LEN;
}

/* The body length of a record of @len bytes of content under @cipher. */
static size_t body_len(u8 cipher, size_t len)
{
	if (!capwap_dtls_cipher_cbc(cipher))
		return len + CAPWAP_DTLS_GCM_OVERHEAD;
	return CAPWAP_DTLS_CBC_IV_LEN + round_down(len, CAPWAP_DTLS_CBC_BLOCK) +
	       CAPWAP_DTLS_CBC_BLOCK + CAPWAP_DTLS_CBC_MAC_LEN;
}

/*
 * Seals @pkt in one record of @type under @s's own tx keys and sends it
 * to its peer; under rcu_read_lock() or sess_lock.  With @last the record
 * is the association's last: @s is dead from the sequence number it took,
 * so no other CPU seals a record after it.
 */
static int seal_sess(struct dtls_sess *s, u8 type, const u8 *pkt,
		     size_t len, bool last)
{
	struct capwap_dtls_record rec = {
		.type = type,
		.version = CAPWAP_DTLS_VERSION_1_2,
	};
	struct dtls_work *w = this_cpu_read(tx_work);
	u8 *rh = w->buf + CAPWAP_DTLS_HDR_LEN;
	u8 *body = rh + CAPWAP_DTLS_REC_HDR_LEN;
	int ret;

	/* The per-CPU work area is this CPU's only with bottom halves off. */
	lockdep_assert_in_softirq();
	if (len > TX_PLAIN_MAX)
		return -EMSGSIZE;
	spin_lock_bh(&s->lock);
	if (s->dead || s->tx_seq > CAPWAP_DTLS_SEQ_MAX) {
		if (last)
			WRITE_ONCE(s->dead, true);
		spin_unlock_bh(&s->lock);
		return -ENOTCONN;
	}
	rec.seq = s->tx_seq++;
	if (last)
		WRITE_ONCE(s->dead, true);
	spin_unlock_bh(&s->lock);
	rec.epoch = s->epoch;
	rec.hdr = rh;

	capwap_dtls_put_header(w->buf);
	capwap_dtls_put_record_header(rh, rec.type, rec.epoch, rec.seq,
				      body_len(s->cipher, len));
	if (capwap_dtls_cipher_cbc(s->cipher))
		ret = seal_cbc(s, &rec, w, body, pkt, len);
	else
		ret = seal_gcm(s, &rec, w, body, pkt, len);
	if (ret < 0)
		return ret;
	return capwap_lsc_socket_send(&s->peer, w->buf, CAPWAP_DTLS_HDR_LEN +
				      CAPWAP_DTLS_REC_HDR_LEN + ret);
}

static void relay(const struct capwap_lsc_peer *peer, const u8 *records,
		  size_t len)
{
	if (!capwap_lsc_genl_dtls_listening()) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_RELAY_LOST);
		return;
	}
	if (!capwap_lsc_srclimit_relay(peer->saddr)) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_RELAY_LIMITED);
		return;
	}
	/*
	 * A peer that returned a cookie is relayed past the bucket for all
	 * sources, which a flood from many addresses keeps empty; while the
	 * module answers cookies, other unproven traffic has a small one.
	 */
	switch (capwap_lsc_dtls_cookie_check(peer, records, len)) {
	case CAPWAP_LSC_COOKIE_ANSWERED:
		return;
	case CAPWAP_LSC_COOKIE_VALID:
		break;
	case CAPWAP_LSC_COOKIE_OTHER:
		if (!capwap_lsc_dtls_cookie_proven(peer) &&
		    !capwap_lsc_srclimit_relay_unproven()) {
			capwap_lsc_count(CAPWAP_LSC_ST_DTLS_RELAY_LIMITED);
			return;
		}
		break;
	default:
		if (!capwap_lsc_srclimit_relay_total()) {
			capwap_lsc_count(CAPWAP_LSC_ST_DTLS_RELAY_LIMITED);
			return;
		}
	}
	if (capwap_lsc_genl_dtls_relay(peer, records, len))
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_RELAY_LOST);
	else
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_RELAYED);
}

/* GCM: @plen bytes of plaintext into @w->buf; returns @plen. */
static int open_gcm(struct dtls_sess *s, const struct capwap_dtls_record *rec,
		    struct dtls_work *w, int plen)
{
	capwap_dtls_gcm_nonce(w->iv, s->rx.salt, rec->body);
	capwap_dtls_aad(w->aad, rec, plen);
	memcpy(w->buf, rec->body + CAPWAP_DTLS_GCM_EXPLICIT_LEN,
	       plen + CAPWAP_DTLS_GCM_TAG_LEN);
	return aead_run(s->rx.aead, false, w, CAPWAP_DTLS_AAD_LEN, w->buf,
			plen + CAPWAP_DTLS_GCM_TAG_LEN) ?: plen;
}

/*
 * CBC with encrypt-then-MAC: authenc hashes its associated data (header
 * fields and IV, capwap_dtls_cbc_ad()) and the @clen bytes of ciphertext,
 * compares with the MAC that follows in constant time, and only if they
 * match decrypts, with the IV copied out beside it.  The padding is read
 * only then: a record whose MAC holds but whose padding is wrong was
 * made by a holder of the key and is dropped like a forgery.  Returns
 * the content's length in @w->buf.
 */
static int open_cbc(struct dtls_sess *s, const struct capwap_dtls_record *rec,
		    struct dtls_work *w, int clen)
{
	int ret;

	capwap_dtls_cbc_ad(w->aad, rec, rec->body, clen);
	memcpy(w->iv, rec->body, CAPWAP_DTLS_CBC_IV_LEN);
	memcpy(w->buf, rec->body + CAPWAP_DTLS_CBC_IV_LEN,
	       clen + CAPWAP_DTLS_CBC_MAC_LEN);
	ret = aead_run(s->rx.aead, false, w, CAPWAP_DTLS_CBC_AD_LEN, w->buf,
		       clen + CAPWAP_DTLS_CBC_MAC_LEN);
	return ret ?: capwap_dtls_cbc_unpad(w->buf, clen);
}

/*
 * Opens one record of the session's epoch into this CPU's receive area;
 * returns the plaintext's length, or -errno with the record counted.
 */
static int open_record(struct dtls_sess *s, const struct capwap_dtls_record *rec,
		       struct dtls_work *w)
{
	bool cbc = capwap_dtls_cipher_cbc(s->cipher);
	int n = cbc ? capwap_dtls_cbc_cipher_len(rec) :
		      capwap_dtls_gcm_plain_len(rec);
	int ret, plen;

	if (n < 0) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_DROP_AUTH);
		return n;
	}
	spin_lock_bh(&s->lock);
	ret = s->dead ? -ENOTCONN : capwap_dtls_replay_check(&s->win, rec->seq);
	spin_unlock_bh(&s->lock);
	if (ret) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_DROP_REPLAY);
		return ret;
	}
	plen = cbc ? open_cbc(s, rec, w, n) : open_gcm(s, rec, w, n);
	if (plen < 0) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_DROP_AUTH);
		return plen;
	}
	/* Again: the same record may have been opened on another CPU since. */
	spin_lock_bh(&s->lock);
	ret = s->dead ? -ENOTCONN : capwap_dtls_replay_check(&s->win, rec->seq);
	if (!ret)
		capwap_dtls_replay_update(&s->win, rec->seq);
	spin_unlock_bh(&s->lock);
	if (ret) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_DROP_REPLAY);
		return ret;
	}
	return plen;
}

/*
 * A DTLS datagram counts in rx_packets only when it is malformed: then
 * in malformed/dtls as well, so that the two still add up.  The records
 * it carries count as datagrams of their own when they are opened.
 */
static void count_malformed(void)
{
	capwap_lsc_count(CAPWAP_LSC_ST_RX_PACKETS);
	capwap_lsc_count(CAPWAP_LSC_ST_BAD + CAPWAP_LSC_BAD_DTLS);
}

void capwap_lsc_dtls_input(const u8 *buf, size_t len,
			   const struct capwap_lsc_peer *peer)
{
	struct dtls_work *w = this_cpu_read(rx_work);
	struct capwap_dtls_record rec;
	const u8 *pos, *records;
	struct dtls_sess *s;
	u8 end = 0;
	size_t left;
	int n, plen;

	if (capwap_dtls_parse_header(buf, len) < 0) {
		count_malformed();
		return;
	}
	records = buf + CAPWAP_DTLS_HDR_LEN;
	left = len - CAPWAP_DTLS_HDR_LEN;
	rcu_read_lock();
	s = lookup(peer);
	if (!s) {
		relay(peer, records, left);
		goto out;
	}
	pos = records;
	while ((n = capwap_dtls_next_record(&pos, &left, &rec)) > 0) {
		if (rec.epoch != s->epoch) {
			/* A new association (RFC 6347 4.2.8): lscd's. */
			if (!rec.epoch && rec.type == CAPWAP_DTLS_CT_HANDSHAKE) {
				relay(peer, records,
				      len - CAPWAP_DTLS_HDR_LEN);
				goto out;
			}
			capwap_lsc_count(CAPWAP_LSC_ST_DTLS_DROP_EPOCH);
			continue;
		}
		/* Ended by the controller: DTLSSessionDelete, quietly. */
		if (READ_ONCE(s->dead)) {
			capwap_lsc_count(CAPWAP_LSC_ST_DTLS_DROP_DELETED);
			continue;
		}
		plen = open_record(s, &rec, w);
		if (plen < 0)
			continue;
		if (rec.type == CAPWAP_DTLS_CT_APPLICATION_DATA) {
			capwap_lsc_control_input_sealed(w->buf, plen, peer);
		} else if (rec.type == CAPWAP_DTLS_CT_ALERT && plen >= 2 &&
			   (w->buf[0] == ALERT_FATAL ||
			    w->buf[1] == ALERT_CLOSE_NOTIFY)) {
			/* RFC 5415 section 2.3: DTLSPeerDisconnect, DTLSAborted */
			end = w->buf[1] == ALERT_CLOSE_NOTIFY ?
			      CAPWAP_LSC_END_DTLS_DISCONNECT :
			      CAPWAP_LSC_END_DTLS_ABORTED;
			break;
		}
		/*
		 * Other authenticated records (a Finished the peer sends
		 * again) have no use here: lscd is done with the handshake.
		 */
	}
	if (n < 0)
		count_malformed();
	/*
	 * RFC 5246 section 7.2.1: a close_notify is answered with one before
	 * the keys go (the record authenticated, so it is the peer's own);
	 * a fatal alert is not.
	 */
	if (end == CAPWAP_LSC_END_DTLS_DISCONNECT)
		seal_sess(s, CAPWAP_DTLS_CT_ALERT, close_notify,
			  sizeof(close_notify), false);
	/* Still in the read section: @s cannot have been freed and reused. */
	if (end && sess_end(peer, s, end)) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_CLOSED);
		capwap_lsc_genl_dtls_closed(peer);
	}
out:
	rcu_read_unlock();
}

int capwap_lsc_dtls_send_records(const struct capwap_lsc_peer *peer,
				 const u8 *records, size_t len)
{
	u8 *buf = kmalloc(CAPWAP_DTLS_HDR_LEN + len, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	capwap_dtls_put_header(buf);
	memcpy(buf + CAPWAP_DTLS_HDR_LEN, records, len);
	local_bh_disable();
	ret = capwap_lsc_socket_send(peer, buf, CAPWAP_DTLS_HDR_LEN + len);
	local_bh_enable();
	kfree(buf);
	return ret;
}

/*
 * authenc takes its two keys in one buffer: an rtattr whose payload is
 * struct crypto_authenc_key_param (the cipher key's length, big-endian),
 * then the MAC key, then the cipher key (crypto_authenc_extractkeys()).
 */
static int authenc_setkey(struct crypto_aead *tfm,
			  const struct capwap_dtls_dir_keys *k,
			  unsigned int key_len, unsigned int mac_len)
{
	u8 buf[RTA_SPACE(sizeof(struct crypto_authenc_key_param)) +
	       CAPWAP_DTLS_MAX_MAC_KEY_LEN + CAPWAP_DTLS_MAX_KEY_LEN]
		__aligned(4);
	struct rtattr *rta = (struct rtattr *)buf;
	struct crypto_authenc_key_param *param = RTA_DATA(rta);
	u8 *p = buf + RTA_SPACE(sizeof(*param));
	int ret;

	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param->enckeylen = cpu_to_be32(key_len);
	memcpy(p, k->mac_key, mac_len);
	memcpy(p + mac_len, k->key, key_len);
	ret = crypto_aead_setkey(tfm, buf, p + mac_len + key_len - buf);
	memzero_explicit(buf, sizeof(buf));
	return ret;
}

static int dir_init(struct dtls_dir *d, u8 cipher,
		    const struct capwap_dtls_dir_keys *k)
{
	unsigned int key_len = capwap_dtls_cipher_key_len(cipher);
	unsigned int mac_len = capwap_dtls_cipher_mac_key_len(cipher);
	bool cbc = capwap_dtls_cipher_cbc(cipher);
	struct crypto_aead *tfm;
	int ret;

	tfm = crypto_alloc_aead(cbc ? CBC_ALG : GCM_ALG, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (cbc)
		ret = authenc_setkey(tfm, k, key_len, mac_len);
	else
		ret = crypto_aead_setkey(tfm, k->key, key_len);
	if (!ret)
		ret = crypto_aead_setauthsize(tfm, cbc ? CAPWAP_DTLS_CBC_MAC_LEN :
					      CAPWAP_DTLS_GCM_TAG_LEN);
	if (ret) {
		crypto_free_aead(tfm);
		return ret;
	}
	d->aead = tfm;
	memcpy(d->salt, cbc ? k->mac_key : k->salt, sizeof(d->salt));
	return 0;
}

/*
 * The three strings of @id into @dst, one after the other; with @dst
 * NULL, only the length they take.
 */
static size_t names_put(char *dst, const struct capwap_lsc_dtls_ident *id)
{
	const char *const v[] = { id->suite_name, id->subject, id->issuer };
	size_t n = 0, i, l;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		l = v[i] ? strlen(v[i]) : 0;
		if (dst)
			memcpy(dst + n, v[i] ?: "", l + 1);
		n += l + 1;
	}
	return n;
}

/* The string of @s->names for field @i: suite, subject, issuer in turn. */
static const char *names_get(const struct dtls_sess *s, unsigned int i)
{
	const char *p = s->names;

	while (i--)
		p += strlen(p) + 1;
	return p;
}

static struct dtls_sess *sess_new(const struct capwap_lsc_peer *peer,
				  const struct capwap_dtls_keys *k,
				  const u8 *mac, u8 cert_type,
				  const struct capwap_lsc_dtls_ident *id)
{
	size_t nl = names_put(NULL, id);
	struct dtls_sess *s;
	int ret;

	s = kzalloc(struct_size(s, names, nl), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	names_put(s->names, id);
	if (id->fingerprint) {
		memcpy(s->fp, id->fingerprint, sizeof(s->fp));
		s->have_fp = true;
	}
	spin_lock_init(&s->lock);
	s->peer = *peer;
	s->epoch = k->epoch;
	s->suite = k->suite;
	s->cipher = k->cipher;
	s->cert_type = cert_type;
	ether_addr_copy(s->mac, mac);
	s->tx_seq = k->tx_seq;
	s->keyed_at = jiffies;
	capwap_dtls_replay_init(&s->win, k->rx_seq);
	ret = dir_init(&s->rx, k->cipher, &k->rx);
	if (!ret)
		ret = dir_init(&s->tx, k->cipher, &k->tx);
	if (ret) {
		if (s->rx.aead)
			crypto_free_aead(s->rx.aead);
		kfree_sensitive(s);
		return ERR_PTR(ret);
	}
	return s;
}

/* What dir_init() keeps in a direction's salt, from @d of @k. */
static const u8 *dir_id(const struct capwap_dtls_keys *k,
			const struct capwap_dtls_dir_keys *d)
{
	return capwap_dtls_cipher_cbc(k->cipher) ? d->mac_key : d->salt;
}

int capwap_lsc_dtls_set_keys(const struct capwap_lsc_peer *peer,
			     const u8 *block, size_t len, const u8 *mac,
			     u8 cert_type,
			     const struct capwap_lsc_dtls_ident *ident,
			     struct netlink_ext_ack *extack)
{
	struct capwap_dtls_keys *k;
	struct dtls_sess *s, *old;
	bool same;
	int ret;

	if (capwap_lsc_dtls_mode() == CAPWAP_LSC_DTLS_OFF) {
		NL_SET_ERR_MSG(extack, "DTLS is off (lscctl config dtls required)");
		return -EOPNOTSUPP;
	}
	k = kmalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	ret = capwap_dtls_keys_parse(block, len, k);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "key block refused (docs/PROTOCOL.md section 6.5)");
		goto out;
	}
	if (capwap_dtls_cipher_cbc(k->cipher) &&
	    !(k->flags & CAPWAP_DTLS_KEYS_F_ETM)) {
		NL_SET_ERR_MSG(extack,
			       "CBC suite without encrypt-then-MAC (RFC 7366): not carried, its MAC-then-encrypt records need a constant-time MAC check the kernel does not have");
		ret = -EOPNOTSUPP;
		goto out;
	}
	/*
	 * The same block again would restart the sequence numbers under the
	 * same keys: GCM nonces used twice, and the peer's old records
	 * taken again.  The salts (for CBC, the MAC keys' first bytes) tell
	 * it.
	 */
	spin_lock_bh(&sess_lock);
	old = lookup(peer);
	same = old && old->epoch == k->epoch && old->cipher == k->cipher &&
	       !memcmp(old->rx.salt, dir_id(k, &k->rx), sizeof(old->rx.salt)) &&
	       !memcmp(old->tx.salt, dir_id(k, &k->tx), sizeof(old->tx.salt));
	spin_unlock_bh(&sess_lock);
	if (same) {
		NL_SET_ERR_MSG(extack,
			       "the peer's association already has this epoch and these keys");
		ret = -EEXIST;
		goto out;
	}
	s = sess_new(peer, k, mac, cert_type, ident);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		NL_SET_ERR_MSG(extack,
			       "no synchronous " GCM_ALG " or " CBC_ALG " for the keys");
		goto out;
	}
	/*
	 * A new association replaces the old one once it completed, and
	 * ends the CAPWAP session the old one carried (RFC 5415 section
	 * 12.2): the new peer may hold another identity (a NAT that reused
	 * the port, an on-path attacker with a certificate of its own), and
	 * must Join as itself.  The old session ends before the new keys are
	 * in the table, so that no record of the new association is ever
	 * taken as the old AP's.  DTLS_KEYS runs under genl_mutex: no other
	 * key block for the address comes in between.
	 */
	if (sess_end(peer, NULL, CAPWAP_LSC_END_DTLS_CLOSED))
		pr_info("DTLS %pI4:%u: a new association replaced the old one; its CAPWAP session ended\n",
			&peer->saddr, ntohs(peer->sport));
	spin_lock_bh(&sess_lock);
	old = lookup(peer);
	if (!old && n_sessions >= MAX_SESSIONS) {
		spin_unlock_bh(&sess_lock);
		crypto_free_aead(s->rx.aead);
		crypto_free_aead(s->tx.aead);
		kfree_sensitive(s);
		NL_SET_ERR_MSG(extack, "too many DTLS sessions");
		ret = -ENOSPC;
		goto out;
	}
	hash_add_rcu(sessions, &s->node, peer_hash(peer));
	WRITE_ONCE(n_sessions, n_sessions + 1);
	if (old)
		sess_retire(old);
	spin_unlock_bh(&sess_lock);
	capwap_lsc_dtls_cookie_forget(peer);
	capwap_lsc_count(CAPWAP_LSC_ST_DTLS_HS_COMPLETED);
out:
	kfree_sensitive(k);
	return ret;
}

int capwap_lsc_dtls_send(const struct capwap_lsc_peer *peer, const u8 *pkt,
			 size_t len)
{
	struct dtls_sess *s;
	int ret = -ENOTCONN;

	rcu_read_lock();
	s = lookup(peer);
	if (s)
		ret = seal_sess(s, CAPWAP_DTLS_CT_APPLICATION_DATA, pkt, len,
				false);
	rcu_read_unlock();
	return ret;
}

/*
 * With sess_lock held: the controller ends @s of its own accord (RFC 5415
 * section 2.3, DTLSShutdown).  The close_notify is sealed like any record
 * of @s, before @s is marked dead: after that its keys seal nothing.
 */
static void shutdown_locked(struct dtls_sess *s)
{
	s->delete_at = jiffies + SESSION_DELETE;
	/* Counted when it left: a failed send (no route) told the peer nothing. */
	if (seal_sess(s, CAPWAP_DTLS_CT_ALERT, close_notify,
		      sizeof(close_notify), true) >= 0)
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_CLOSE_SENT);
}

/*
 * @p's live session ended with a close_notify; lscd told when @tell.  With
 * @mac, only an association whose certificate names that AP: the one at
 * @p may already be another AP's.
 */
static bool sess_shutdown(const struct capwap_lsc_peer *p, const u8 *mac,
			  bool tell)
{
	struct capwap_lsc_peer peer;
	struct dtls_sess *s;

	spin_lock_bh(&sess_lock);
	s = lookup(p);
	if (s && mac && !ether_addr_equal(s->mac, mac))
		s = NULL;
	if (s && !s->dead) {
		peer = s->peer;
		shutdown_locked(s);
	} else {
		s = NULL;
	}
	spin_unlock_bh(&sess_lock);
	if (s && tell)
		capwap_lsc_genl_dtls_closed(&peer);
	return s;
}

void capwap_lsc_dtls_shutdown(const struct capwap_lsc_peer *peer,
			       const u8 *mac)
{
	sess_shutdown(peer, mac, true);
}

void capwap_lsc_dtls_joined(const struct capwap_lsc_peer *peer)
{
	struct dtls_sess *s;

	rcu_read_lock();
	s = lookup(peer);
	if (s)
		WRITE_ONCE(s->joined, true);
	rcu_read_unlock();
}

/*
 * Process context, every SWEEP_PERIOD: WaitJoin (RFC 5415 section 4.7)
 * for the sessions no Join came through, and the end of DTLSSessionDelete
 * for those the controller ended.  One bucket at a time under the lock,
 * so the receive path waits for one bucket's work at most.
 */
static void sess_sweep(struct work_struct *work)
{
	unsigned long wait = (unsigned long)wait_join_s * HZ;
	struct hlist_node *tmp;
	struct dtls_sess *s;
	unsigned int bkt;

	/* No association, nothing to time: no lock taken 256 times a second. */
	for (bkt = 0; READ_ONCE(n_sessions) && bkt < HASH_SIZE(sessions); bkt++) {
		spin_lock_bh(&sess_lock);
		hlist_for_each_entry_safe(s, tmp, &sessions[bkt], node) {
			if (s->dead) {
				if (time_after_eq(jiffies, s->delete_at))
					sess_retire(s);
				continue;
			}
			if (READ_ONCE(s->joined) ||
			    time_before(jiffies, s->keyed_at + wait))
				continue;
			shutdown_locked(s);
			capwap_lsc_count(CAPWAP_LSC_ST_DTLS_WAIT_JOIN);
			capwap_lsc_genl_dtls_closed(&s->peer);
			pr_info_ratelimited("DTLS %pI4:%u (%pM): no Join within WaitJoin, %u s: session ended (dtls-wait-join)\n",
					    &s->peer.saddr, ntohs(s->peer.sport),
					    s->mac, wait_join_s);
		}
		spin_unlock_bh(&sess_lock);
	}
	queue_delayed_work(dtls_wq, &sweep_work, SWEEP_PERIOD);
}

const char *capwap_lsc_dtls_state_name(u8 state)
{
	static const char *const names[__CAPWAP_LSC_DTLS_STATE_MAX] = {
		[CAPWAP_LSC_DTLS_STATE_NONE] = "none",
		[CAPWAP_LSC_DTLS_STATE_CLEAR] = "clear",
		[CAPWAP_LSC_DTLS_STATE_DTLS] = "dtls",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

/* Under rcu_read_lock(): @peer's association, if bound to @mac. */
static struct dtls_sess *lookup_bound(const struct capwap_lsc_peer *peer,
				      const u8 *mac)
{
	struct dtls_sess *s = lookup(peer);

	return s && ether_addr_equal(s->mac, mac) ? s : NULL;
}

int capwap_lsc_dtls_put_ap(struct sk_buff *msg,
			   const struct capwap_lsc_peer *peer, const u8 *mac,
			   u8 session_state)
{
	struct dtls_sess *s;
	int ret = 0;

	if (nla_put_u8(msg, CAPWAP_LSC_AP_A_DTLS_STATE, session_state))
		return -EMSGSIZE;
	if (session_state != CAPWAP_LSC_DTLS_STATE_DTLS)
		return 0;
	/* nla_put() neither sleeps nor allocates: all in the read section. */
	rcu_read_lock();
	s = lookup_bound(peer, mac);
	if (s && (nla_put_u16(msg, CAPWAP_LSC_AP_A_DTLS_SUITE, s->suite) ||
		  nla_put_string(msg, CAPWAP_LSC_AP_A_DTLS_SUITE_NAME,
				 names_get(s, CAPWAP_LSC_DTLS_F_SUITE)) ||
		  nla_put_u8(msg, CAPWAP_LSC_AP_A_DTLS_CERT_TYPE,
			     s->cert_type) ||
		  nla_put_string(msg, CAPWAP_LSC_AP_A_DTLS_SUBJECT,
				 names_get(s, CAPWAP_LSC_DTLS_F_SUBJECT)) ||
		  nla_put_string(msg, CAPWAP_LSC_AP_A_DTLS_ISSUER,
				 names_get(s, CAPWAP_LSC_DTLS_F_ISSUER)) ||
		  (s->have_fp &&
		   nla_put(msg, CAPWAP_LSC_AP_A_DTLS_FINGERPRINT,
			   sizeof(s->fp), s->fp))))
		ret = -EMSGSIZE;
	rcu_read_unlock();
	return ret;
}

ssize_t capwap_lsc_dtls_show(const struct capwap_lsc_peer *peer,
			     const u8 *mac, enum capwap_lsc_dtls_field f,
			     char *buf)
{
	struct dtls_sess *s;
	ssize_t n = -ENOENT;

	rcu_read_lock();
	s = lookup_bound(peer, mac);
	if (!s)
		goto out;
	if (f != CAPWAP_LSC_DTLS_F_FINGERPRINT)
		n = sysfs_emit(buf, "%s\n", names_get(s, f));
	else if (s->have_fp)
		n = sysfs_emit(buf, "%*phN\n", (int)sizeof(s->fp), s->fp);
	else
		n = sysfs_emit(buf, "\n");
out:
	rcu_read_unlock();
	return n;
}

void capwap_lsc_dtls_handshake(u8 outcome, bool auth_fail, u32 count)
{
	capwap_lsc_count_add(CAPWAP_LSC_ST_DTLS_HS + outcome, count);
	/* A bad cookie made no association: no session failed. */
	if (outcome != CAPWAP_LSC_DTLS_STARTED &&
	    outcome != CAPWAP_LSC_DTLS_FAILED_COOKIE)
		capwap_lsc_count_add(CAPWAP_LSC_ST_DTLS_FAILED_SESSIONS, count);
	if (auth_fail)
		capwap_lsc_count_add(CAPWAP_LSC_ST_DTLS_FAILED_AUTH_FAILS,
				     count);
}

int capwap_lsc_dtls_close(const struct capwap_lsc_peer *peer)
{
	if (!sess_shutdown(peer, NULL, false))
		return -ENOENT;
	capwap_lsc_control_dtls_closed(peer, CAPWAP_LSC_END_DTLS_CLOSED);
	return 0;
}

/*
 * Ends every live association with its close_notify, one at a time so
 * each ends its session, and tells lscd of each.  Bucket by bucket: the
 * ended ones stay in the table, dead, for DTLSSessionDelete, and a walk
 * from the first bucket each time would pass them all again.
 */
static void end_all(void)
{
	struct capwap_lsc_peer peer;
	struct dtls_sess *s;
	unsigned int bkt;
	bool found;

	for (bkt = 0; bkt < HASH_SIZE(sessions); bkt++) {
		do {
			found = false;
			spin_lock_bh(&sess_lock);
			hlist_for_each_entry(s, &sessions[bkt], node) {
				if (s->dead)
					continue;
				peer = s->peer;
				found = true;
				break;
			}
			spin_unlock_bh(&sess_lock);
			if (found && sess_shutdown(&peer, NULL, true))
				capwap_lsc_control_dtls_closed(&peer,
							       CAPWAP_LSC_END_DTLS_CLOSED);
			cond_resched();
		} while (found);
	}
}

void capwap_lsc_dtls_set_mode(u8 mode)
{
	static const char *const names[] = { "off", "on", "required" };
	u8 was = READ_ONCE(dtls_mode);

	/* Callers hold genl_mutex or run at load: no concurrent writer. */
	WRITE_ONCE(dtls_mode, mode);

	if (was == mode)
		return;
	/* Once per change, with who made it: a lab mode left on is found. */
	if (mode == CAPWAP_LSC_DTLS_OFF) {
		end_all();
		pr_warn("DTLS off (lab mode), set by %s[%d] (uid %u): every control message travels in clear text, unauthenticated; 'lscctl config dtls required' turns DTLS back on\n",
			current->comm, task_pid_nr(current),
			from_kuid(&init_user_ns, current_uid()));
	} else if (mode == CAPWAP_LSC_DTLS_ON) {
		pr_warn("DTLS on (lab mode), set by %s[%d] (uid %u): clear-text control messages are still taken; 'lscctl config dtls required' refuses them\n",
			current->comm, task_pid_nr(current),
			from_kuid(&init_user_ns, current_uid()));
	} else {
		pr_info("DTLS %s: only Discovery is taken in clear text\n",
			names[mode]);
		capwap_lsc_control_end_clear();
	}
}

static void free_work_areas(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree_sensitive(per_cpu(rx_work, cpu));
		kfree_sensitive(per_cpu(tx_work, cpu));
		per_cpu(rx_work, cpu) = NULL;
		per_cpu(tx_work, cpu) = NULL;
	}
}

int capwap_lsc_dtls_init(void)
{
	int cpu;

	if (!wait_join_s || wait_join_s > WAIT_JOIN_MAX_S) {
		pr_err("wait_join_s must be 1..%u\n", WAIT_JOIN_MAX_S);
		return -EINVAL;
	}
	sess_seed = get_random_u32();
	capwap_lsc_dtls_cookie_init();
	dtls_wq = alloc_workqueue("capwap_lsc_dtls", 0, 0);
	if (!dtls_wq)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		per_cpu(rx_work, cpu) = kmalloc(sizeof(struct dtls_work) +
						RX_BUF_LEN, GFP_KERNEL);
		per_cpu(tx_work, cpu) = kmalloc(sizeof(struct dtls_work) +
						TX_BUF_LEN, GFP_KERNEL);
		if (!per_cpu(rx_work, cpu) || !per_cpu(tx_work, cpu)) {
			free_work_areas();
			destroy_workqueue(dtls_wq);
			return -ENOMEM;
		}
	}
	queue_delayed_work(dtls_wq, &sweep_work, SWEEP_PERIOD);
	pr_info("DTLS required: only Discovery is taken in clear text\n");
	return 0;
}

/*
 * At unload, while the socket is still there: every live session ends
 * with its close_notify, as when the controller ends one for any other
 * reason.  lscd is not told: the module is going.
 */
void capwap_lsc_dtls_stop(void)
{
	struct dtls_sess *s;
	unsigned int bkt;

	cancel_delayed_work_sync(&sweep_work);
	for (bkt = 0; bkt < HASH_SIZE(sessions); bkt++) {
		spin_lock_bh(&sess_lock);
		hlist_for_each_entry(s, &sessions[bkt], node)
			if (!s->dead)
				shutdown_locked(s);
		spin_unlock_bh(&sess_lock);
	}
}

void capwap_lsc_dtls_uninit(void)
{
	struct hlist_node *tmp;
	struct dtls_sess *s;
	unsigned int bkt;

	cancel_delayed_work_sync(&sweep_work);
	spin_lock_bh(&sess_lock);
	hash_for_each_safe(sessions, bkt, tmp, s, node)
		sess_retire(s);
	spin_unlock_bh(&sess_lock);
	/* Each retired session's free is queued after a grace period. */
	rcu_barrier();
	destroy_workqueue(dtls_wq);
	free_work_areas();
	capwap_lsc_dtls_cookie_uninit();
}
