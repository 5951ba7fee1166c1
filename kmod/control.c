// SPDX-License-Identifier: GPL-2.0
/*
 * The CAPWAP control state machine (RFC 5415 sections 2.3 and 4.5).
 *
 * It sees datagrams, not skbs: capwap_lsc_control_input() takes a buffer,
 * the peer's addresses and a send callback, so the UDP socket feeds it
 * today and a userspace DTLS endpoint can feed it later.  Everything here
 * runs in atomic context; what sleeps (keys, sysfs, certificate checks)
 * goes to the AP's work item.
 *
 * Each AP has at most one request of ours outstanding, retransmitted
 * from a timer, and remembers its own last request with our answer so a
 * retransmitted request gets the same answer without being acted on
 * twice.
 */

#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/jiffies.h>
#include <linux/timekeeping.h>
#include <linux/etherdevice.h>

#include "ap.h"
#include "config.h"
#include "control.h"
#include "dtls.h"
#include "lsc.h"
#include "srclimit.h"
#include "stats.h"
#include "verify.h"
#include "wire.h"

#include "capwap_lsc.h"

unsigned int capwap_lsc_mtu = 1400;
module_param_named(mtu, capwap_lsc_mtu, uint, 0444);
MODULE_PARM_DESC(mtu, "Largest CAPWAP datagram sent, 576..9000 (default 1400)");

static unsigned int rtx_ms = 3000;
module_param(rtx_ms, uint, 0444);
MODULE_PARM_DESC(rtx_ms, "First retransmission interval in ms, doubling (default 3000)");

static unsigned int echo_interval = 30;
module_param(echo_interval, uint, 0444);
MODULE_PARM_DESC(echo_interval,
		 "Echo Request interval in s told to APs (CAPWAP Timers), 1..255 (default 30)");

static unsigned int dead_echoes = 3;
module_param(dead_echoes, uint, 0444);
MODULE_PARM_DESC(dead_echoes,
		 "Echo intervals without a message after which a session ends, 2..10 (default 3)");

#define MAX_RETRANSMIT		5
#define RESP_BUF_LEN		1024
#define RESP_MIN_CAP		96
#define FRAG_BUF_LEN		9216
#define REASM_SLOTS		64
#define REASM_PER_ADDR		4
#define REASM_TIMEOUT		(5 * HZ)
#define REASM_MIN_BUF		2048

/* Scratch space: used with bottom halves off, so one per CPU suffices. */
static DEFINE_PER_CPU(u8 *, resp_buf);
static DEFINE_PER_CPU(u8 *, frag_buf);
static DEFINE_PER_CPU(u8 *, reasm_out);

/*
 * Fragments in reassembly, keyed by sender: Join Requests may come in
 * fragments before the sender has a session, hence not per AP.  Memory
 * is bounded in total (REASM_SLOTS, each buffer at most
 * CAPWAP_REASM_MAX_LEN) and fairly shared: one address holds at most
 * REASM_PER_ADDR slots, whatever its ports, and when the table is full
 * the message whose first fragment is oldest gives way.  Nothing a sender
 * repeats makes its slot younger, so a few slow senders cannot hold the
 * table against a message that arrives whole within a moment.
 */
struct reasm_slot {
	__be32 saddr;
	__be16 sport;
	struct capwap_reasm r;
};

static struct reasm_slot reasm_slots[REASM_SLOTS];
static DEFINE_SPINLOCK(reasm_lock);

static void count_bad(enum capwap_lsc_malformed why)
{
	capwap_lsc_count(CAPWAP_LSC_ST_BAD + why);
}

/* Sends a built packet, in fragments when it exceeds the MTU. */
static void xmit(const struct capwap_lsc_peer *peer, capwap_lsc_send_t send,
		 const u8 *pkt, size_t len, u16 frag_id)
{
	struct capwap_fragmenter f;
	unsigned int mtu = clamp(READ_ONCE(capwap_lsc_mtu), 576U, 9000U);
	u8 *out;
	int n;

	if (len <= mtu) {
		if (send(peer, pkt, len))
			capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
		return;
	}
	if (capwap_frag_init(&f, pkt, len, mtu, frag_id)) {
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
		return;
	}
	out = this_cpu_read(frag_buf);
	while ((n = capwap_frag_next(&f, out, FRAG_BUF_LEN)) > 0) {
		if (send(peer, out, n))
			capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
	}
	if (n < 0)
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
}

static void count_tx(const u8 *pkt)
{
	u32 type = get_unaligned_be32(pkt + CAPWAP_HDR_LEN);

	capwap_lsc_count(CAPWAP_LSC_ST_TX + capwap_lsc_msg_slot(type));
}

static void put_ac_elems(struct capwap_builder *b,
			 const struct capwap_lsc_peer *peer)
{
	struct capwap_ac_descriptor d = {
		.active_wtps = min_t(unsigned int, capwap_lsc_ap_count(),
				     0xffff),
		.max_wtps = 0xffff,
		.station_limit = 0xffff,
		.security = CAPWAP_AC_SECURITY_X509,
		.rmac = CAPWAP_AC_RMAC_UNSUPPORTED,
		.dtls_policy = CAPWAP_DTLS_POLICY_CLEAR,
		.vendor_id = READ_ONCE(capwap_lsc_vendor_id),
		.hw_version = "capwap_lsc",
		.sw_version = CAPWAP_LSC_VERSION,
	};

	capwap_put_ac_descriptor(b, &d);
	capwap_put_ac_name(b, capwap_lsc_ac_name());
	capwap_put_control_ipv4(b, &peer->daddr, d.active_wtps);
}

/* Stateless: Discovery needs no session and gets no cached answer. */
static void handle_discovery(const struct capwap_msg *msg,
			     const struct capwap_lsc_peer *peer,
			     capwap_lsc_send_t send)
{
	struct capwap_builder b;
	u8 *buf = this_cpu_read(resp_buf);
	int len;

	capwap_build_init(&b, buf, RESP_BUF_LEN, CAPWAP_MSG_DISCOVERY_RESP,
			  msg->seq);
	put_ac_elems(&b, peer);
	len = capwap_build_finish(&b);
	if (len < 0) {
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
		return;
	}
	count_tx(buf);
	xmit(peer, send, buf, len, 0);
}

/* Builds into the per-CPU buffer; returns the length or -errno. */
static int build_simple_resp(u32 type, u8 seq, int result, bool join,
			     const struct capwap_lsc_peer *peer)
{
	struct capwap_builder b;

	capwap_build_init(&b, this_cpu_read(resp_buf), RESP_BUF_LEN, type,
			  seq);
	if (result >= 0)
		capwap_put_result_code(&b, result);
	if (join)
		put_ac_elems(&b, peer);
	if (type == CAPWAP_MSG_CONFIG_STATUS_RESP) {
		capwap_put_timers(&b, 20, echo_interval);
		capwap_put_decrypt_err_period(&b, CAPWAP_RADIO_ID_WTP, 120);
		capwap_put_idle_timeout(&b, 300);
		capwap_put_wtp_fallback(&b, 1);
	}
	return capwap_build_finish(&b);
}

/*
 * Answers the AP's current request, keeping the answer for duplicates.
 * Called with ap->lock held.
 */
static void respond(struct capwap_lsc_ap *ap, const u8 *pkt, int len)
{
	if (len < 0) {
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
		return;
	}
	/*
	 * The buffer is kept across requests: in Run an AP's answers (Echo,
	 * events) are smaller than its Join Response, so the steady state
	 * allocates nothing per message.
	 */
	if (!ap->resp || len > ap->resp_cap) {
		kfree(ap->resp);
		ap->resp_cap = max(len, RESP_MIN_CAP);
		ap->resp = kmalloc(ap->resp_cap, GFP_ATOMIC);
		if (!ap->resp)
			ap->resp_cap = 0;
	}
	if (ap->resp)
		memcpy(ap->resp, pkt, len);
	ap->resp_len = ap->resp ? len : 0;
	count_tx(pkt);
	xmit(&ap->peer, ap->send, pkt, len, ap->frag_id++);
}

static void respond_simple(struct capwap_lsc_ap *ap, u32 type, u8 seq,
			   int result)
{
	respond(ap, this_cpu_read(resp_buf),
		build_simple_resp(type, seq, result, false, &ap->peer));
}

u8 capwap_lsc_control_next_seq(struct capwap_lsc_ap *ap)
{
	return ++ap->tx_seq;
}

static unsigned long first_interval(void)
{
	return max(msecs_to_jiffies(READ_ONCE(rtx_ms)), 1UL);
}

static int request(struct capwap_lsc_ap *ap, u8 *pkt, size_t len, bool lent)
{
	/* Under "required" nothing but Discovery travels in clear text. */
	if (ap->pending || ap->session == CAPWAP_LSC_SESSION_DOWN ||
	    (ap->send != capwap_lsc_dtls_send &&
	     capwap_lsc_dtls_mode() == CAPWAP_LSC_DTLS_REQUIRED)) {
		if (!lent)
			kfree(pkt);
		return -EBUSY;
	}
	ap->pending = pkt;
	ap->pending_lent = lent;
	ap->pending_len = len;
	ap->pending_type = get_unaligned_be32(pkt + CAPWAP_HDR_LEN);
	ap->retries = 0;
	ap->rtx_interval = first_interval();
	count_tx(pkt);
	xmit(&ap->peer, ap->send, pkt, len, ap->frag_id++);
	mod_timer(&ap->rtx_timer, jiffies + ap->rtx_interval);
	return 0;
}

int capwap_lsc_control_request(struct capwap_lsc_ap *ap, u8 *pkt,
			       size_t len)
{
	return request(ap, pkt, len, false);
}

/*
 * A lent request goes out again, as is, on every session until its owner
 * is done with it, so it takes the sequence number of each sending.
 */
int capwap_lsc_control_request_lent(struct capwap_lsc_ap *ap, u8 *pkt,
				    size_t len)
{
	capwap_built_set_seq(pkt, capwap_lsc_control_next_seq(ap));
	return request(ap, pkt, len, true);
}

void capwap_lsc_control_release(struct capwap_lsc_ap *ap, u8 *pkt)
{
	if (pkt && pkt == ap->pending)
		ap->pending_lent = false;
	else
		kfree(pkt);
}

static void drop_pending(struct capwap_lsc_ap *ap)
{
	if (!ap->pending_lent)
		kfree(ap->pending);
	ap->pending_lent = false;
	ap->pending = NULL;
	ap->pending_len = 0;
	ap->pending_type = 0;
}

/*
 * Whether the controller ends a session for a reason of its own, and so
 * ends the DTLS session that carried it (RFC 5415 section 2.3: Run or
 * Join to DTLS Teardown, DTLSShutdown).  Not when the peer ended it
 * (its close_notify or fatal alert), when the association is already
 * gone (lscd's DTLS_CLOSE, a new association in its place, DTLS off: they
 * end it themselves), nor at a new Join, which goes on in the same
 * association.
 */
static bool ends_association(u8 why)
{
	switch (why) {
	case CAPWAP_LSC_END_REJOIN:
	case CAPWAP_LSC_END_DTLS_DISCONNECT:
	case CAPWAP_LSC_END_DTLS_ABORTED:
	case CAPWAP_LSC_END_DTLS_CLOSED:
		return false;
	default:
		return true;
	}
}

/*
 * Ends the session, ap->lock held: the one place a session goes down, so
 * its DTLS files in sysfs always go with it (a refused sealed Join had
 * them queued to appear), and its association ends with it.  @was is the
 * state told in the end event.
 */
static void session_down_locked(struct capwap_lsc_ap *ap, u8 why, u8 was)
{
	ap->session = CAPWAP_LSC_SESSION_DOWN;
	if (was != CAPWAP_LSC_SESSION_DOWN)
		capwap_lsc_event3(ap, CAPWAP_LSC_EV_SESSION_END, why, was);
	if (was != CAPWAP_LSC_SESSION_DOWN && READ_ONCE(ap->authenticated))
		capwap_lsc_ap_schedule(ap, CAPWAP_LSC_WORK_SYSFS);
	if (was != CAPWAP_LSC_SESSION_DOWN &&
	    ap->send == capwap_lsc_dtls_send && ends_association(why))
		capwap_lsc_dtls_shutdown(&ap->peer, ap->mac);
	capwap_lsc_prov_session_down(ap);
}

/*
 * Called with ap->lock held; the caller unbinds the address.  @why is an
 * enum capwap_lsc_end_reason, told when a session was open.
 */
static void teardown_locked(struct capwap_lsc_ap *ap, u8 why)
{
	u8 was = ap->session;

	drop_pending(ap);
	del_timer(&ap->rtx_timer);
	kfree(ap->resp);
	ap->resp = NULL;
	ap->resp_len = 0;
	ap->resp_cap = 0;
	ap->have_rx_seq = false;
	ap->join_verifying = false;
	if (why == CAPWAP_LSC_END_SILENT || why == CAPWAP_LSC_END_NO_ANSWER)
		capwap_lsc_count(CAPWAP_LSC_ST_TIMEOUTS);
	session_down_locked(ap, why, was);
}

void capwap_lsc_control_teardown_locked(struct capwap_lsc_ap *ap, u8 why)
{
	teardown_locked(ap, why);
}

/*
 * An AP in Run sends an Echo Request every echo_interval seconds, so a
 * session silent for a few of them has lost its AP.
 */
unsigned long capwap_lsc_control_dead_interval(void)
{
	return (unsigned long)echo_interval * dead_echoes * HZ;
}

bool capwap_lsc_control_expire_silent(struct capwap_lsc_ap *ap, u32 now)
{
	u16 binding = 0;
	bool dead;

	spin_lock_bh(&ap->lock);
	dead = ap->session != CAPWAP_LSC_SESSION_DOWN &&
	       capwap_lsc_ap_silence(ap, now) >
	       capwap_lsc_control_dead_interval();
	if (dead) {
		teardown_locked(ap, CAPWAP_LSC_END_SILENT);
		binding = capwap_lsc_ap_binding(ap);
		capwap_lsc_count(CAPWAP_LSC_ST_SILENT_SESSIONS);
	}
	spin_unlock_bh(&ap->lock);
	if (dead)
		capwap_lsc_ap_unbind(ap, binding);
	return dead;
}

void capwap_lsc_control_retransmit(struct capwap_lsc_ap *ap)
{
	bool dead = false;
	u16 binding = 0;

	spin_lock_bh(&ap->lock);
	if (!ap->pending)
		goto out;
	if (ap->retries >= MAX_RETRANSMIT) {
		teardown_locked(ap, CAPWAP_LSC_END_NO_ANSWER);
		binding = capwap_lsc_ap_binding(ap);
		dead = true;
		goto out;
	}
	ap->retries++;
	ap->rtx_interval *= 2;
	capwap_lsc_count(CAPWAP_LSC_ST_RETRANSMITS);
	xmit(&ap->peer, ap->send, ap->pending, ap->pending_len,
	     ap->frag_id++);
	mod_timer(&ap->rtx_timer, jiffies + ap->rtx_interval);
out:
	spin_unlock_bh(&ap->lock);
	if (dead)
		capwap_lsc_ap_unbind(ap, binding);
}

static void copy_text(char *dst, size_t size, const u8 *src, size_t len)
{
	size_t i;

	len = min(len, size - 1);
	for (i = 0; i < len; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[len] = '\0';
}

/*
 * The certificate an LSC Join presents, in an allocation of its own size:
 * its length, 0 when the Join carries none that reads, -ENOMEM.
 */
static int join_cert(const struct capwap_msg *msg, u32 vendor_id, u8 **out)
{
	u8 *buf = kmalloc(CAPWAP_LSC_MAX_DER_LEN, GFP_ATOMIC);
	int len;

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	len = capwap_lsc_get_object(msg, vendor_id, CAPWAP_LSC_VSP_AP_CERT, 0,
				    buf, CAPWAP_LSC_MAX_DER_LEN);
	/* Kept until the check runs: only what the certificate needs. */
	if (len > 0)
		*out = kmemdup(buf, len, GFP_ATOMIC);
	kfree(buf);
	if (len <= 0)
		return 0;
	return *out ? len : -ENOMEM;
}

/* A Join refused before any record is made, with @result. */
static void refuse_join(const struct capwap_msg *msg,
			const struct capwap_lsc_peer *peer,
			capwap_lsc_send_t send, int result)
{
	int rlen = build_simple_resp(CAPWAP_MSG_JOIN_RESP, msg->seq, result,
				     true, peer);

	if (rlen > 0) {
		count_tx(this_cpu_read(resp_buf));
		xmit(peer, send, this_cpu_read(resp_buf), rlen, 0);
	}
}

/*
 * Whether the AP with @mac has a session a DTLS handshake authenticated:
 * a clear-text Join, from anywhere, must not move or end it.
 */
static bool authenticated_session(const u8 *mac)
{
	u8 m[ETH_ALEN] __aligned(2);
	struct capwap_lsc_ap *ap;
	bool ret;

	memcpy(m, mac, ETH_ALEN);
	ap = capwap_lsc_ap_by_mac(m);
	if (!ap)
		return false;
	ret = READ_ONCE(ap->authenticated) &&
	      READ_ONCE(ap->session) != CAPWAP_LSC_SESSION_DOWN;
	capwap_lsc_ap_put(ap);
	return ret;
}

/*
 * Join (RFC 5415 section 8.1): the AP is known by the base MAC of its
 * Board Data @bd (checked valid by the caller); an AP presenting an LSC waits for the certificate check in
 * process context, everyone else is answered now.
 */
static void handle_join(const struct capwap_msg *msg,
			const struct capwap_board_data *bd,
			const struct capwap_lsc_peer *peer,
			capwap_lsc_send_t send)
{
	struct capwap_lsc_cert_info ci = {
		.cert_type = CAPWAP_LSC_CERT_MIC,
		.ap_mode = CAPWAP_LSC_MODE_LOCAL,
	};
	struct capwap_lsc_ev ev = { .type = CAPWAP_LSC_EV_JOIN };
	u32 vendor_id = READ_ONCE(capwap_lsc_vendor_id);
	bool sealed = send == capwap_lsc_dtls_send;
	u8 bound_mac[ETH_ALEN], bound_type = 0;
	struct capwap_lsc_ap *ap;
	bool refused = false;
	u8 *cert = NULL;
	u16 binding = 0;
	int len = 0;

	/*
	 * Over DTLS the AP is who its certificate says: a Join naming
	 * another MAC is refused and touches no record.
	 */
	if (sealed) {
		if (capwap_lsc_dtls_identity(peer, bound_mac, &bound_type))
			goto drop;
		if (!ether_addr_equal_unaligned(bound_mac, bd->base_mac)) {
			capwap_lsc_count(CAPWAP_LSC_ST_DTLS_JOIN_MISMATCH);
			pr_info_ratelimited("Join over DTLS from %pI4:%u names %pM, its certificate %pM: refused\n",
					    &peer->saddr, ntohs(peer->sport),
					    bd->base_mac, bound_mac);
			refuse_join(msg, peer, send,
				    CAPWAP_RESULT_JOIN_UNKNOWN_SOURCE);
			return;
		}
	} else if (authenticated_session(bd->base_mac)) {
		capwap_lsc_count(CAPWAP_LSC_ST_DTLS_CLEAR_REFUSED);
		pr_info_ratelimited("clear-text Join from %pI4:%u for %pM, whose session is DTLS: refused\n",
				    &peer->saddr, ntohs(peer->sport),
				    bd->base_mac);
		refuse_join(msg, peer, send, CAPWAP_RESULT_JOIN_FAILURE);
		return;
	}
	/* capwap_lsc_validate() passed: CERT_INFO is absent or well-formed. */
	if (capwap_lsc_get_cert_info(msg, vendor_id, &ci) == -EINVAL)
		goto drop;
	if (ci.cert_type == CAPWAP_LSC_CERT_LSC) {
		len = join_cert(msg, vendor_id, &cert);
		if (len < 0)
			goto drop;
	}

	ap = capwap_lsc_ap_join(bd->base_mac, peer, send, &binding);
	if (!ap)
		goto drop;
	spin_lock_bh(&ap->lock);
	/*
	 * Bound again since (a later Join of the same AP, or one of another
	 * AP from this address): that Join opens the session, not this one.
	 */
	if (ap->binding != binding) {
		spin_unlock_bh(&ap->lock);
		capwap_lsc_ap_put(ap);
		goto drop;
	}
	teardown_locked(ap, CAPWAP_LSC_END_REJOIN);
	ap->session = CAPWAP_LSC_SESSION_JOIN;
	/*
	 * Where the Join came from, and whether a handshake stood behind
	 * it: a forged clear-text Join shows as one in the AP's history.
	 */
	ev.val = ci.cert_type;
	ev.aux = sealed;
	ev.addr = peer->saddr;
	capwap_lsc_event(ap, &ev);
	ap->session_binding = ap->binding;
	/*
	 * Only a DTLS handshake lscd verified authenticates the AP, and
	 * then the type is that of the certificate it proved.
	 */
	WRITE_ONCE(ap->authenticated, sealed);
	if (sealed) {
		capwap_lsc_dtls_joined(peer);
		capwap_lsc_ap_schedule(ap, CAPWAP_LSC_WORK_SYSFS);
	}
	ap->last_heard = (u32)jiffies;
	ap->cert_type = sealed ? bound_type : ci.cert_type;
	ap->mode = ci.ap_mode;
	ap->joined_since = ktime_get_real_seconds();
	copy_text(ap->model, sizeof(ap->model), bd->model, bd->model_len);
	copy_text(ap->serial, sizeof(ap->serial), bd->serial, bd->serial_len);
	ap->have_rx_seq = true;
	ap->rx_seq = msg->seq;
	if (cert) {
		kfree(ap->join_cert);
		ap->join_cert = cert;
		cert = NULL;
		ap->join_cert_len = len;
		ap->join_seq = msg->seq;
		/*
		 * Nothing else from this AP counts until the certificate is
		 * checked: a Configuration Status now would walk it to Run
		 * past the check.
		 */
		ap->join_verifying = true;
		spin_unlock_bh(&ap->lock);
		capwap_lsc_ap_schedule(ap, CAPWAP_LSC_WORK_VERIFY);
		goto out_put;
	}
	if (ci.cert_type == CAPWAP_LSC_CERT_LSC) {
		/* An LSC join without the certificate cannot be checked. */
		capwap_lsc_count(CAPWAP_LSC_ST_REFUSED_LSC);
		capwap_lsc_prov_note_error(ap, "LSC join without certificate");
		refused = true;
	}
	respond(ap, this_cpu_read(resp_buf),
		build_simple_resp(CAPWAP_MSG_JOIN_RESP, msg->seq,
				  refused ? CAPWAP_RESULT_JOIN_FAILURE :
				  CAPWAP_RESULT_SUCCESS, true, peer));
	if (refused) {
		session_down_locked(ap, CAPWAP_LSC_END_REFUSED,
				    CAPWAP_LSC_SESSION_JOIN);
		binding = capwap_lsc_ap_binding(ap);
	}
	spin_unlock_bh(&ap->lock);
	if (refused)
		capwap_lsc_ap_unbind(ap, binding);
out_put:
	capwap_lsc_ap_put(ap);
	return;

drop:
	kfree(cert);
	capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
}

/* Process context, from the AP's work item. */
void capwap_lsc_control_verify_join(struct capwap_lsc_ap *ap)
{
	u16 len, binding = 0;
	u8 *cert, seq;
	int ret, result;
	bool refused;

	/* The sequence number of the Join this certificate came with. */
	spin_lock_bh(&ap->lock);
	cert = ap->join_cert;
	len = ap->join_cert_len;
	seq = ap->join_seq;
	ap->join_cert = NULL;
	spin_unlock_bh(&ap->lock);
	if (!cert)
		return;

	ret = capwap_lsc_verify_cert(cert, len);
	kfree(cert);
	refused = ret != 0;
	result = refused ? CAPWAP_RESULT_JOIN_FAILURE : CAPWAP_RESULT_SUCCESS;

	local_bh_disable();
	spin_lock(&ap->lock);
	if (!ap->join_verifying || ap->join_cert || ap->join_seq != seq) {
		/*
		 * The AP went away or joined again meanwhile: a newer LSC
		 * Join has its own check queued, any other was answered.
		 */
		spin_unlock(&ap->lock);
		local_bh_enable();
		return;
	}
	if (refused) {
		capwap_lsc_count(CAPWAP_LSC_ST_REFUSED_LSC);
		char why[48];

		snprintf(why, sizeof(why), "LSC not verified by the LSC CA (%d)",
			 ret);
		capwap_lsc_prov_note_error(ap, why);
	}
	ap->join_verifying = false;
	respond(ap, this_cpu_read(resp_buf),
		build_simple_resp(CAPWAP_MSG_JOIN_RESP, seq, result, true,
				  &ap->peer));
	if (refused) {
		/* Keep the answer for a retransmitted Join, end the rest. */
		drop_pending(ap);
		del_timer(&ap->rtx_timer);
		session_down_locked(ap, CAPWAP_LSC_END_REFUSED, ap->session);
		binding = capwap_lsc_ap_binding(ap);
	}
	spin_unlock(&ap->lock);
	local_bh_enable();
	if (refused)
		capwap_lsc_ap_unbind(ap, binding);
}

static bool session_at_least(struct capwap_lsc_ap *ap, u8 state)
{
	return ap->session != CAPWAP_LSC_SESSION_DOWN && ap->session >= state;
}

/* A response from the AP to our outstanding request. */
static void handle_response(struct capwap_lsc_ap *ap,
			    const struct capwap_msg *msg)
{
	struct capwap_elem e;
	u32 result = CAPWAP_RESULT_SUCCESS;

	if (!ap->pending || msg->type != ap->pending_type + 1 ||
	    msg->seq != ap->tx_seq) {
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
		return;
	}
	if (!capwap_find_elem(msg, CAPWAP_ELEM_RESULT_CODE, &e))
		capwap_elem_get_u32(&e, &result);
	drop_pending(ap);
	del_timer(&ap->rtx_timer);
	capwap_lsc_prov_response(ap, msg->type, result);
}

/* A request from an AP with a session; ap->lock held. */
static void handle_request(struct capwap_lsc_ap *ap,
			   const struct capwap_msg *msg, bool *unbind)
{
	u32 resp_type = msg->type + 1;
	int result = -1;

	if (ap->have_rx_seq && msg->seq == ap->rx_seq) {
		capwap_lsc_count(CAPWAP_LSC_ST_DUPLICATES);
		if (ap->resp) {
			count_tx(ap->resp);
			xmit(&ap->peer, ap->send, ap->resp, ap->resp_len,
			     ap->frag_id++);
		}
		return;
	}
	ap->have_rx_seq = true;
	ap->rx_seq = msg->seq;

	switch (msg->type) {
	case CAPWAP_MSG_CONFIG_STATUS_REQ:
		if (!session_at_least(ap, CAPWAP_LSC_SESSION_JOIN)) {
			result = CAPWAP_RESULT_UNEXPECTED_STATE;
			break;
		}
		if (ap->session == CAPWAP_LSC_SESSION_JOIN)
			capwap_lsc_set_session(ap,
					       CAPWAP_LSC_SESSION_CONFIGURE);
		break;
	case CAPWAP_MSG_CHANGE_STATE_REQ:
		if (!session_at_least(ap, CAPWAP_LSC_SESSION_CONFIGURE)) {
			result = CAPWAP_RESULT_UNEXPECTED_STATE;
			break;
		}
		result = CAPWAP_RESULT_SUCCESS;
		respond_simple(ap, resp_type, msg->seq, result);
		if (ap->session != CAPWAP_LSC_SESSION_RUN) {
			capwap_lsc_set_session(ap, CAPWAP_LSC_SESSION_RUN);
			capwap_lsc_prov_run(ap);
		}
		return;
	case CAPWAP_MSG_ECHO_REQ:
		if (ap->session != CAPWAP_LSC_SESSION_RUN)
			result = CAPWAP_RESULT_UNEXPECTED_STATE;
		break;
	case CAPWAP_MSG_WTP_EVENT_REQ:
		if (ap->session != CAPWAP_LSC_SESSION_RUN) {
			result = CAPWAP_RESULT_UNEXPECTED_STATE;
			break;
		}
		/*
		 * The answer carries a refusal of its CSR, and goes first:
		 * the event may start a request of ours.
		 */
		result = capwap_lsc_prov_event(ap, msg);
		respond_simple(ap, resp_type, msg->seq, result);
		capwap_lsc_prov_kick(ap);
		return;
	case CAPWAP_MSG_RESET_REQ:
		/* The AP announces it is about to reboot: the session ends. */
		result = CAPWAP_RESULT_SUCCESS;
		respond_simple(ap, resp_type, msg->seq, result);
		teardown_locked(ap, CAPWAP_LSC_END_RESET);
		*unbind = true;
		return;
	default:
		result = CAPWAP_RESULT_UNRECOGNIZED_REQUEST;
		break;
	}
	respond_simple(ap, resp_type, msg->seq, result);
}

static void handle_message(const struct capwap_msg *msg,
			   const struct capwap_lsc_peer *peer,
			   capwap_lsc_send_t send)
{
	struct capwap_board_data bd = {};
	enum capwap_lsc_malformed bad;
	struct capwap_lsc_ap *ap;
	struct capwap_elem e;
	bool unbind = false;
	u32 type = msg->type;
	u16 binding = 0;

	if (capwap_msg_check_mandatory(msg, &bad) ||
	    capwap_lsc_validate(msg, READ_ONCE(capwap_lsc_vendor_id), &bad)) {
		count_bad(bad);
		return;
	}
	capwap_lsc_count(CAPWAP_LSC_ST_RX + capwap_lsc_msg_slot(type));

	if (type == CAPWAP_MSG_DISCOVERY_REQ) {
		handle_discovery(msg, peer, send);
		return;
	}
	ap = capwap_lsc_ap_by_addr(peer);
	if (type == CAPWAP_MSG_JOIN_REQ) {
		/* Refused below, after the per-source limit. */
		if (capwap_find_elem(msg, CAPWAP_ELEM_WTP_BOARD_DATA, &e) ||
		    capwap_parse_board_data(&e, &bd) ||
		    (bd.base_mac && !is_valid_ether_addr(bd.base_mac)))
			bd.base_mac = NULL;
		if (ap) {
			spin_lock_bh(&ap->lock);
			/*
			 * Joined from elsewhere since the lookup: a Join from
			 * the address it left, late, that would move it back.
			 */
			if (!capwap_lsc_ap_at(ap, peer)) {
				capwap_lsc_count(CAPWAP_LSC_ST_STALE_SOURCE);
				spin_unlock_bh(&ap->lock);
				capwap_lsc_ap_put(ap);
				return;
			}
			/*
			 * A repeat of the Join that opened the session comes
			 * from the same AP: another AP's Join from this
			 * address whose sequence number happens to match
			 * gets its own answer, not this AP's.
			 */
			if (bd.base_mac && ap->send == send &&
			    ether_addr_equal_unaligned(ap->mac, bd.base_mac) &&
			    ap->have_rx_seq && ap->rx_seq == msg->seq &&
			    ap->session == CAPWAP_LSC_SESSION_JOIN) {
				capwap_lsc_count(CAPWAP_LSC_ST_DUPLICATES);
				if (ap->resp) {
					count_tx(ap->resp);
					xmit(&ap->peer, ap->send, ap->resp,
					     ap->resp_len, ap->frag_id++);
				}
				spin_unlock_bh(&ap->lock);
				capwap_lsc_ap_put(ap);
				return;
			}
			spin_unlock_bh(&ap->lock);
			capwap_lsc_ap_put(ap);
		}
		if (!capwap_lsc_srclimit_join(peer->saddr)) {
			capwap_lsc_count(CAPWAP_LSC_ST_JOINS_LIMITED);
			return;
		}
		if (!bd.base_mac) {
			refuse_join(msg, peer, send,
				    CAPWAP_RESULT_JOIN_INCORRECT_DATA);
			return;
		}
		handle_join(msg, &bd, peer, send);
		return;
	}
	if (!ap) {
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
		return;
	}
	spin_lock_bh(&ap->lock);
	/*
	 * The lookup was lockless: the AP may have joined from another
	 * address since, and a late message from the one it left must not
	 * touch the session it opened there.
	 */
	if (!capwap_lsc_ap_at(ap, peer)) {
		capwap_lsc_count(CAPWAP_LSC_ST_STALE_SOURCE);
		goto out;
	}
	/* A session opened in clear is not continued sealed, nor the reverse. */
	if (ap->send != send) {
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
		goto out;
	}
	if (ap->session != CAPWAP_LSC_SESSION_DOWN)
		ap->last_heard = (u32)jiffies;
	if (ap->session == CAPWAP_LSC_SESSION_DOWN || ap->join_verifying)
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
	else if (capwap_msg_is_request(type))
		handle_request(ap, msg, &unbind);
	else
		handle_response(ap, msg);
	if (unbind)
		binding = capwap_lsc_ap_binding(ap);
out:
	spin_unlock_bh(&ap->lock);
	if (unbind)
		capwap_lsc_ap_unbind(ap, binding);
	capwap_lsc_ap_put(ap);
}

/* An idle slot holds no buffer: it is sized again by the next message. */
static void reasm_slot_free(struct reasm_slot *s)
{
	kfree(s->r.buf);
	capwap_reasm_init(&s->r, NULL, 0);
}

static bool older(const struct reasm_slot *a, const struct reasm_slot *b)
{
	return !b || a->r.started < b->r.started;
}

static struct reasm_slot *reasm_slot_get(const struct capwap_lsc_peer *peer,
					 u64 now)
{
	struct reasm_slot *s, *free = NULL, *oldest = NULL, *own = NULL;
	unsigned int i, n_own = 0;

	for (i = 0; i < REASM_SLOTS; i++) {
		s = &reasm_slots[i];
		if (capwap_reasm_expire(&s->r, now, REASM_TIMEOUT))
			reasm_slot_free(s);
		if (!s->r.active) {
			free = free ?: s;
			continue;
		}
		if (s->saddr == peer->saddr) {
			if (s->sport == peer->sport)
				return s;
			n_own++;
			if (older(s, own))
				own = s;
		}
		if (older(s, oldest))
			oldest = s;
	}
	s = n_own >= REASM_PER_ADDR ? own : free ?: oldest;
	if (s->r.active) {
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
		reasm_slot_free(s);
	}
	s->saddr = peer->saddr;
	s->sport = peer->sport;
	return s;
}

/*
 * Buffers grow in powers of two with the furthest fragment: a message
 * that fits one datagram's worth never costs more than REASM_MIN_BUF,
 * and only one near CAPWAP_REASM_MAX_LEN costs a higher-order page.
 */
static int reasm_grow(struct capwap_reasm *r, size_t end)
{
	size_t cap;
	u8 *buf;

	if (end <= r->cap || end > CAPWAP_REASM_MAX_LEN)
		return 0;
	cap = max_t(size_t, roundup_pow_of_two(end), REASM_MIN_BUF);
	buf = krealloc(r->buf, cap, GFP_ATOMIC | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	r->buf = buf;
	r->cap = cap;
	return 0;
}

/* One fragment; returns the completed message's length in @out, or 0. */
static size_t reassemble(const struct capwap_packet *pkt,
			 const struct capwap_lsc_peer *peer, u8 *out)
{
	enum capwap_lsc_malformed bad;
	enum capwap_reasm_status st;
	u64 now = get_jiffies_64();
	struct reasm_slot *s;
	size_t len = 0;

	spin_lock_bh(&reasm_lock);
	s = reasm_slot_get(peer, now);
	if (reasm_grow(&s->r, capwap_reasm_extent(&pkt->hdr,
						  pkt->payload_len))) {
		/* Still one fragment received, for the counters to add up. */
		capwap_lsc_count(CAPWAP_LSC_ST_FRAGMENTS);
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
		goto out;
	}
	st = capwap_reasm_add(&s->r, &pkt->hdr, pkt->payload,
			      pkt->payload_len, now, &bad);
	if (st == CAPWAP_REASM_BAD) {
		count_bad(bad);
	} else if (st == CAPWAP_REASM_MORE) {
		capwap_lsc_count(CAPWAP_LSC_ST_FRAGMENTS);
	} else {
		capwap_lsc_count(CAPWAP_LSC_ST_FRAGMENTS);
		capwap_lsc_count(CAPWAP_LSC_ST_REASSEMBLED);
		len = s->r.total;
		memcpy(out, s->r.buf, len);
	}
out:
	if (!s->r.active)
		reasm_slot_free(s);
	spin_unlock_bh(&reasm_lock);
	return len;
}

/*
 * Whether a clear-text datagram may be taken: with DTLS required, or from
 * a peer that has DTLS keys, only an unfragmented Discovery Request is (a
 * clear fragment must not complete a sealed message either).
 */
static bool clear_allowed(const struct capwap_packet *pkt,
			  enum capwap_parse_status kind,
			  const struct capwap_lsc_peer *peer)
{
	if (capwap_lsc_dtls_mode() != CAPWAP_LSC_DTLS_REQUIRED &&
	    !capwap_lsc_dtls_active(peer))
		return true;
	if (kind == CAPWAP_PARSE_OK &&
	    pkt->msg.type == CAPWAP_MSG_DISCOVERY_REQ)
		return true;
	capwap_lsc_count(CAPWAP_LSC_ST_DTLS_CLEAR_REFUSED);
	return false;
}

static void input(const u8 *buf, size_t len,
		  const struct capwap_lsc_peer *peer, capwap_lsc_send_t send,
		  bool sealed)
{
	enum capwap_lsc_malformed bad;
	struct capwap_packet pkt;
	struct capwap_msg msg;
	enum capwap_parse_status kind;
	u8 *out;

	kind = capwap_parse(buf, len, &pkt);
	/*
	 * A DTLS datagram is not a control message: what it carries comes
	 * back through capwap_lsc_control_input_sealed(), one record at a
	 * time, and is counted then.
	 */
	if (kind == CAPWAP_PARSE_DTLS && !sealed &&
	    capwap_lsc_dtls_mode() != CAPWAP_LSC_DTLS_OFF) {
		capwap_lsc_dtls_input(buf, len, peer);
		return;
	}
	capwap_lsc_count(CAPWAP_LSC_ST_RX_PACKETS);
	if (!sealed && kind != CAPWAP_PARSE_MALFORMED &&
	    kind != CAPWAP_PARSE_DTLS && !clear_allowed(&pkt, kind, peer))
		return;
	switch (kind) {
	case CAPWAP_PARSE_OK:
		handle_message(&pkt.msg, peer, send);
		return;
	case CAPWAP_PARSE_FRAGMENT:
		out = this_cpu_read(reasm_out);
		len = reassemble(&pkt, peer, out);
		if (!len)
			return;
		if (capwap_parse_control(out, len, &msg, &bad)) {
			count_bad(bad);
			return;
		}
		handle_message(&msg, peer, send);
		return;
	case CAPWAP_PARSE_DTLS:
		/* DTLS off, or DTLS inside DTLS: count and drop. */
	case CAPWAP_PARSE_MALFORMED:
		count_bad(pkt.bad);
		return;
	}
}

void capwap_lsc_control_input(const u8 *buf, size_t len,
			      const struct capwap_lsc_peer *peer,
			      capwap_lsc_send_t send)
{
	input(buf, len, peer, send, false);
}

void capwap_lsc_control_input_sealed(const u8 *buf, size_t len,
				     const struct capwap_lsc_peer *peer)
{
	input(buf, len, peer, capwap_lsc_dtls_send, true);
}

void capwap_lsc_control_dtls_closed(const struct capwap_lsc_peer *peer,
				    u8 why)
{
	struct capwap_lsc_ap *ap = capwap_lsc_ap_by_addr(peer);
	bool ended = false;
	u16 binding = 0;

	if (!ap)
		return;
	spin_lock_bh(&ap->lock);
	if (capwap_lsc_ap_at(ap, peer) && ap->send == capwap_lsc_dtls_send &&
	    ap->session != CAPWAP_LSC_SESSION_DOWN) {
		teardown_locked(ap, why);
		binding = capwap_lsc_ap_binding(ap);
		ended = true;
	}
	spin_unlock_bh(&ap->lock);
	if (ended)
		capwap_lsc_ap_unbind(ap, binding);
	capwap_lsc_ap_put(ap);
}

static int end_clear_one(struct capwap_lsc_ap *ap, void *arg)
{
	unsigned int *n = arg;
	bool ended = false;
	u16 binding = 0;

	spin_lock_bh(&ap->lock);
	if (ap->send != capwap_lsc_dtls_send &&
	    ap->session != CAPWAP_LSC_SESSION_DOWN) {
		teardown_locked(ap, CAPWAP_LSC_END_CLEAR_REFUSED);
		binding = capwap_lsc_ap_binding(ap);
		ended = true;
	}
	spin_unlock_bh(&ap->lock);
	if (ended) {
		capwap_lsc_ap_unbind(ap, binding);
		(*n)++;
	}
	return 0;
}

/* DTLS became required: no session may go on in clear text. */
void capwap_lsc_control_end_clear(void)
{
	struct capwap_lsc_ap_cursor pos = { 0 };
	unsigned int n = 0;

	capwap_lsc_ap_walk(&pos, end_clear_one, &n);
	if (n)
		pr_warn("DTLS required: %u clear-text session(s) ended\n", n);
}

static void free_bufs(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree(per_cpu(resp_buf, cpu));
		kfree(per_cpu(frag_buf, cpu));
		kfree(per_cpu(reasm_out, cpu));
		per_cpu(resp_buf, cpu) = NULL;
		per_cpu(frag_buf, cpu) = NULL;
		per_cpu(reasm_out, cpu) = NULL;
	}
}

int capwap_lsc_control_init(void)
{
	int cpu;

	if (capwap_lsc_mtu < 576 || capwap_lsc_mtu > 9000) {
		pr_err("mtu must be 576..9000\n");
		return -EINVAL;
	}
	/* The Timers element carries the interval in one byte. */
	if (!echo_interval || echo_interval > 255) {
		pr_err("echo_interval must be 1..255\n");
		return -EINVAL;
	}
	if (dead_echoes < 2 || dead_echoes > 10) {
		pr_err("dead_echoes must be 2..10\n");
		return -EINVAL;
	}
	for_each_possible_cpu(cpu) {
		per_cpu(resp_buf, cpu) = kmalloc(RESP_BUF_LEN, GFP_KERNEL);
		per_cpu(frag_buf, cpu) = kmalloc(FRAG_BUF_LEN, GFP_KERNEL);
		per_cpu(reasm_out, cpu) = kmalloc(CAPWAP_REASM_MAX_LEN,
						  GFP_KERNEL);
		if (!per_cpu(resp_buf, cpu) || !per_cpu(frag_buf, cpu) ||
		    !per_cpu(reasm_out, cpu)) {
			free_bufs();
			return -ENOMEM;
		}
	}
	return 0;
}

void capwap_lsc_control_uninit(void)
{
	unsigned int i;

	for (i = 0; i < REASM_SLOTS; i++)
		reasm_slot_free(&reasm_slots[i]);
	free_bufs();
}
