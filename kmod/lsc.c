// SPDX-License-Identifier: GPL-2.0
/*
 * The controller side of LSC provisioning (docs/KERNEL.md draws it): the
 * operator's settings, the provision list, the per-AP state machine that
 * drives the vendor payloads of docs/PROTOCOL.md, and the queue of
 * certificate requests that lscd takes with ACCEPT and answers with
 * COMPLETE.
 *
 * Per-AP hooks run with ap->lock held in atomic context.  Lock order:
 * ap->lock, then cfg_lock or req_lock; never the other way round.
 */

#include <linux/slab.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "capwap_lsc.h"
#include "ap.h"
#include "control.h"
#include "lsc.h"
#include "stats.h"
#include "wire.h"

#define REQ_QUEUE_MAX		4096
#define PROVLIST_MAX		65536
#define PROVLIST_BITS		10

static DEFINE_SPINLOCK(cfg_lock);
static struct capwap_lsc_config cfg = {
	.mode = CAPWAP_LSC_PROVISION_OFF,
	.key_type = CAPWAP_LSC_KEY_RSA,
	.key_bits = 2048,
	.max_attempts = 4,
};
static struct capwap_lsc_controller ctrl;
/*
 * The challenge password for the APs' requests, under cfg_lock; NULL for
 * none.  Apart from cfg, which is copied onto stacks and into replies.
 */
static char *ap_challenge;

struct prov_entry {
	struct hlist_node node;
	struct rcu_head rcu;
	u8 mac[CAPWAP_LSC_MAC_LEN];
};

static DEFINE_HASHTABLE(provlist, PROVLIST_BITS);
static unsigned int provlist_n;

struct lsc_req {
	struct list_head node;
	u64 id;
	struct capwap_lsc_ap *ap;
	u32 owner;		/* netlink portid once accepted */
	bool renewal;
};

/*
 * The certificates as the AP gets them: the CA_CERT request, then the
 * DEVICE_CERT one, built by COMPLETE in process context and kept until
 * the AP installed them, since a session lost on the way sends them again.
 */
struct capwap_lsc_delivery {
	u8 *msg[2];
	u16 len[2];
	struct capwap_lsc_issued *issued;	/* the AP's once installed */
};

enum { DELIVER_CA, DELIVER_DEVICE };

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

const char *capwap_lsc_ac_name(void)
{
	return "capwap_lsc";
}

void capwap_lsc_config_get(struct capwap_lsc_config *c)
{
	spin_lock_bh(&cfg_lock);
	*c = cfg;
	spin_unlock_bh(&cfg_lock);
}

static void rekick_all(void);
static void rekick_mac(const u8 *mac);

void capwap_lsc_config_set(const struct capwap_lsc_config *c)
{
	spin_lock_bh(&cfg_lock);
	cfg = *c;
	spin_unlock_bh(&cfg_lock);
	rekick_all();
}

void capwap_lsc_controller_get(struct capwap_lsc_controller *c)
{
	spin_lock_bh(&cfg_lock);
	*c = ctrl;
	spin_unlock_bh(&cfg_lock);
}

void capwap_lsc_controller_set(const struct capwap_lsc_controller *c)
{
	spin_lock_bh(&cfg_lock);
	ctrl = *c;
	spin_unlock_bh(&cfg_lock);
}

/* Takes @c (kmalloc'd, or NULL for none). */
void capwap_lsc_challenge_set(char *c)
{
	char *old;

	spin_lock_bh(&cfg_lock);
	old = ap_challenge;
	ap_challenge = c;
	spin_unlock_bh(&cfg_lock);
	kfree_sensitive(old);
}

bool capwap_lsc_challenge_present(void)
{
	return READ_ONCE(ap_challenge);
}

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

static bool prov_listed(const u8 *mac)
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
	spin_lock_bh(&cfg_lock);
	if (prov_find(mac)) {
		spin_unlock_bh(&cfg_lock);
		kfree(e);
		return -EEXIST;
	}
	if (provlist_n >= PROVLIST_MAX) {
		spin_unlock_bh(&cfg_lock);
		kfree(e);
		return -ENOSPC;
	}
	hash_add_rcu(provlist, &e->node, prov_hash(mac));
	provlist_n++;
	spin_unlock_bh(&cfg_lock);
	rekick_mac(mac);
	return 0;
}

int capwap_lsc_provlist_del(const u8 *mac)
{
	struct prov_entry *e;

	spin_lock_bh(&cfg_lock);
	e = prov_find(mac);
	if (e) {
		hash_del_rcu(&e->node);
		provlist_n--;
	}
	spin_unlock_bh(&cfg_lock);
	if (!e)
		return -ENOENT;
	kfree_rcu(e, rcu);
	rekick_mac(mac);
	return 0;
}

void capwap_lsc_provlist_flush(void)
{
	struct prov_entry *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	spin_lock_bh(&cfg_lock);
	hash_for_each_safe(provlist, bkt, tmp, e, node) {
		hash_del_rcu(&e->node);
		kfree_rcu(e, rcu);
	}
	provlist_n = 0;
	spin_unlock_bh(&cfg_lock);
	rekick_all();
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

/* ---- Building our requests ---------------------------------------- */

static u8 *begin_update(struct capwap_lsc_ap *ap, struct capwap_builder *b,
			size_t size)
{
	u8 *buf = kmalloc(size, GFP_ATOMIC);

	if (buf)
		capwap_build_init(b, buf, size, CAPWAP_MSG_CONFIG_UPDATE_REQ,
				  capwap_lsc_control_next_seq(ap));
	return buf;
}

static int send_update(struct capwap_lsc_ap *ap, struct capwap_builder *b,
		       u8 *buf)
{
	int len = capwap_build_finish(b);

	if (len < 0) {
		kfree(buf);
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
		return len;
	}
	return capwap_lsc_control_request(ap, buf, len);
}

static int send_params(struct capwap_lsc_ap *ap)
{
	struct capwap_lsc_cert_params p = { };
	struct capwap_builder b;
	unsigned int i;
	u8 *buf;
	int ret;

	/* Six subject fields, the challenge and the radio state fit. */
	buf = begin_update(ap, &b, 1024);
	if (!buf)
		return -ENOMEM;
	spin_lock(&cfg_lock);
	if (ap_challenge) {
		p.challenge = ap_challenge;
		p.challenge_len = strlen(ap_challenge);
	}
	p.key_type = cfg.key_type;
	p.key_bits = cfg.key_bits;
	p.validity_days = cfg.validity_days;
	p.attempts_left = cfg.max_attempts ?
			  cfg.max_attempts - min(ap->attempts, cfg.max_attempts) :
			  255;
	p.flags = ap->renew ? CAPWAP_LSC_PARAMS_RENEWAL : 0;
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++) {
		if (!cfg.subject[i][0])
			continue;
		p.subject[i] = cfg.subject[i];
		p.subject_len[i] = strlen(cfg.subject[i]);
	}
	capwap_lsc_put_cert_params(&b, READ_ONCE(capwap_lsc_vendor_id), &p);
	spin_unlock(&cfg_lock);
	/* Radios stay off while the AP is provisioned (docs/PROTOCOL.md). */
	capwap_put_radio_admin_state(&b, CAPWAP_RADIO_ID_WTP,
				     CAPWAP_RADIO_DISABLED);
	ret = send_update(ap, &b, buf);
	if (!ret) {
		ap->state = CAPWAP_LSC_AP_PARAMS_SENT;
		ap->radios_off = true;
	}
	return ret;
}

/*
 * Provisioning ended without an LSC (fallback, or the AP is no longer
 * eligible): the radios CERT_PARAMS switched off go back on.  Kept set
 * across sessions, as the AP may keep its administrative state.
 */
static void restore_radios(struct capwap_lsc_ap *ap)
{
	struct capwap_builder b;
	u8 *buf;

	if (!ap->radios_off)
		return;
	buf = begin_update(ap, &b, 64);
	if (!buf)
		return;
	capwap_put_radio_admin_state(&b, CAPWAP_RADIO_ID_WTP,
				     CAPWAP_RADIO_ENABLED);
	if (!send_update(ap, &b, buf))
		ap->radios_off = false;
}

static int send_status(struct capwap_lsc_ap *ap)
{
	struct capwap_lsc_status s = {
		.result = ap->last_result,
		.state = ap->state,
		.reason = capwap_lsc_prov_last_error(ap),
	};
	struct capwap_builder b;
	u8 *buf;

	s.reason_len = strlen(s.reason);
	buf = begin_update(ap, &b, 64 + s.reason_len);
	if (!buf)
		return -ENOMEM;
	capwap_lsc_put_status(&b, READ_ONCE(capwap_lsc_vendor_id),
			      CAPWAP_LSC_VSP_LSC_STATUS, &s);
	return send_update(ap, &b, buf);
}

static int send_delivery(struct capwap_lsc_ap *ap, unsigned int which)
{
	struct capwap_lsc_delivery *d = ap->delivery;

	return capwap_lsc_control_request_lent(ap, d->msg[which],
					       d->len[which]);
}

static void delivery_free(struct capwap_lsc_delivery *d)
{
	if (!d)
		return;
	kfree(d->msg[DELIVER_CA]);
	kfree(d->msg[DELIVER_DEVICE]);
	kfree(d->issued);
	kfree(d);
}

static void drop_delivery(struct capwap_lsc_ap *ap)
{
	struct capwap_lsc_delivery *d = ap->delivery;

	if (!d)
		return;
	capwap_lsc_control_release(ap, d->msg[DELIVER_CA]);
	capwap_lsc_control_release(ap, d->msg[DELIVER_DEVICE]);
	kfree(d->issued);
	kfree(d);
	ap->delivery = NULL;
}

/* Bytes of the elements that carry an object of @len bytes in chunks. */
static size_t object_wire_len(size_t len)
{
	return len + DIV_ROUND_UP(len, CAPWAP_LSC_CHUNK_MAX) *
		     (CAPWAP_ELEM_HDR_LEN + CAPWAP_VSP_HDR_LEN +
		      CAPWAP_LSC_CHUNK_HDR_LEN);
}

/*
 * One Configuration Update Request with @n objects of element @elem_id.
 * What the AP reassembles is the message after the CAPWAP header, at
 * most CAPWAP_REASM_MAX_LEN bytes: -EMSGSIZE beyond.
 */
static int build_objects(u16 elem_id, const u8 *const *der, const u32 *len,
			 unsigned int n, u8 **out, u16 *out_len)
{
	u32 vendor_id = READ_ONCE(capwap_lsc_vendor_id);
	size_t size = CAPWAP_CTRL_HDR_LEN;
	struct capwap_builder b;
	unsigned int i;
	u8 *buf;
	int ret;

	for (i = 0; i < n; i++)
		size += object_wire_len(len[i]);
	if (size > CAPWAP_REASM_MAX_LEN)
		return -EMSGSIZE;
	size += CAPWAP_HDR_LEN;
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* The sequence number is set when it is sent. */
	capwap_build_init(&b, buf, size, CAPWAP_MSG_CONFIG_UPDATE_REQ, 0);
	for (i = 0; i < n; i++)
		capwap_lsc_put_object(&b, vendor_id, elem_id, i, n, der[i],
				      len[i]);
	ret = capwap_build_finish(&b);
	if (ret != size) {
		kfree(buf);
		return ret < 0 ? ret : -EINVAL;
	}
	*out = buf;
	*out_len = size;
	return 0;
}

/* @der/@len: the chain, root last, then the AP's certificate. */
static int build_delivery(const u8 *const *der, const u32 *len,
			  unsigned int n, const struct capwap_lsc_issued *issued,
			  struct capwap_lsc_delivery **out)
{
	struct capwap_lsc_delivery *d = kzalloc(sizeof(*d), GFP_KERNEL);
	int ret = -ENOMEM;

	if (!d)
		return -ENOMEM;
	if (issued->expiry || issued->have_issuer) {
		d->issued = kmemdup(issued, sizeof(*issued), GFP_KERNEL);
		if (!d->issued)
			goto err;
	}
	ret = build_objects(CAPWAP_LSC_VSP_CA_CERT, der, len, n - 1,
			    &d->msg[DELIVER_CA], &d->len[DELIVER_CA]);
	if (!ret)
		ret = build_objects(CAPWAP_LSC_VSP_DEVICE_CERT, der + n - 1,
				    len + n - 1, 1, &d->msg[DELIVER_DEVICE],
				    &d->len[DELIVER_DEVICE]);
	if (ret)
		goto err;
	*out = d;
	return 0;
err:
	delivery_free(d);
	return ret;
}

/* ---- The per-AP machine ------------------------------------------- */

/*
 * Kept only while there is an error, so a fleet of healthy APs does not
 * pay for 256 bytes of reason each.  When even that small allocation
 * fails, the record says so rather than showing an older reason.
 */
static const char error_nomem[] = "(reason lost: out of memory)";

static void error_free(struct capwap_lsc_ap *ap)
{
	if (ap->last_error != error_nomem)
		kfree(ap->last_error);
	ap->last_error = NULL;
}

/*
 * The reason goes to the AP in LSC_STATUS, which carries only valid
 * UTF-8 without control characters: a reason cut inside a character or
 * holding a control character would make every LSC_STATUS fail to build.
 * Bad bytes become '?', and a character cut short by @len is left out.
 */
static void set_error_text(struct capwap_lsc_ap *ap, const char *why,
			   size_t len)
{
	size_t i = 0, o = 0, n;
	char *d;
	u8 c;

	error_free(ap);
	len = min_t(size_t, len, CAPWAP_LSC_MAX_REASON_LEN);
	if (!len)
		return;
	d = kmalloc(len + 1, GFP_ATOMIC);
	if (!d) {
		ap->last_error = (char *)error_nomem;
		return;
	}
	while (i < len) {
		c = why[i];
		n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (n > len - i)
			break;
		if (!capwap_lsc_text_valid(why + i, n)) {
			d[o++] = '?';
			i++;
			continue;
		}
		memcpy(d + o, why + i, n);
		o += n;
		i += n;
	}
	d[o] = '\0';
	ap->last_error = d;
}

static void set_error(struct capwap_lsc_ap *ap, u8 result, const char *why)
{
	ap->last_result = result;
	set_error_text(ap, why, strlen(why));
}

/* ap->lock held: the reason shown for an AP, without touching its result. */
void capwap_lsc_prov_note_error(struct capwap_lsc_ap *ap, const char *why)
{
	set_error_text(ap, why, strlen(why));
}

/* ap->lock held. */
const char *capwap_lsc_prov_last_error(const struct capwap_lsc_ap *ap)
{
	return ap->last_error ?: "";
}

bool capwap_lsc_prov_issued(const struct capwap_lsc_ap *ap,
			    struct capwap_lsc_issued *out)
{
	if (!ap->issued)
		return false;
	*out = *ap->issued;
	return true;
}

static void free_material(struct capwap_lsc_ap *ap)
{
	kfree(ap->csr);
	ap->csr = NULL;
	ap->csr_len = 0;
	drop_delivery(ap);
}

/* The record is going away: what it still holds of the LSC exchange. */
void capwap_lsc_prov_free(struct capwap_lsc_ap *ap)
{
	error_free(ap);
	kfree(ap->issued);
	ap->issued = NULL;
	free_material(ap);
}

static void req_cancel(struct capwap_lsc_ap *ap);

/* One attempt failed; after max_attempts the AP falls back to its MIC. */
static void fail_attempt_len(struct capwap_lsc_ap *ap, u8 result,
			     const char *why, size_t len)
{
	u8 max;

	spin_lock(&cfg_lock);
	max = cfg.max_attempts;
	spin_unlock(&cfg_lock);

	req_cancel(ap);
	free_material(ap);
	ap->last_result = result;
	set_error_text(ap, why, len);
	capwap_lsc_count(CAPWAP_LSC_ST_ENROLL_FAILURES);
	if (ap->attempts < 255)
		ap->attempts++;
	if (max && ap->attempts >= max) {
		ap->state = CAPWAP_LSC_AP_FALLBACK;
		ap->fallbacks++;
		capwap_lsc_count(CAPWAP_LSC_ST_FALLBACKS);
	} else {
		ap->state = CAPWAP_LSC_AP_FAILED;
	}
	ap->status_pending = true;
}

static void fail_attempt(struct capwap_lsc_ap *ap, u8 result, const char *why)
{
	fail_attempt_len(ap, result, why, strlen(why));
}

enum eligibility { PROV_NOT_ELIGIBLE, PROV_ELIGIBLE, PROV_REFUSE_BRIDGE,
		   PROV_REFUSE_MESH };

static enum eligibility eligible(struct capwap_lsc_ap *ap)
{
	bool on, listed;

	spin_lock(&cfg_lock);
	on = cfg.enabled && cfg.mode != CAPWAP_LSC_PROVISION_OFF;
	listed = cfg.mode == CAPWAP_LSC_PROVISION_ALL || prov_listed(ap->mac);
	spin_unlock(&cfg_lock);

	if (!on || !listed)
		return PROV_NOT_ELIGIBLE;
	if (!ap->renew && ap->cert_type != CAPWAP_LSC_CERT_MIC &&
	    ap->cert_type != CAPWAP_LSC_CERT_SSC)
		return PROV_NOT_ELIGIBLE;
	if (ap->mode == CAPWAP_LSC_MODE_BRIDGE)
		return PROV_REFUSE_BRIDGE;
	if (ap->mode == CAPWAP_LSC_MODE_MESH)
		return PROV_REFUSE_MESH;
	return PROV_ELIGIBLE;
}

/* Sends whatever the AP's state asks for next, if nothing is in flight. */
static void kick(struct capwap_lsc_ap *ap)
{
	if (ap->pending || ap->session != CAPWAP_LSC_SESSION_RUN)
		return;
	if (ap->status_pending) {
		/* Kept on failure so the next kick tries again. */
		if (!send_status(ap))
			ap->status_pending = false;
		return;
	}
	switch (ap->state) {
	case CAPWAP_LSC_AP_IDLE:
	case CAPWAP_LSC_AP_FAILED:
	case CAPWAP_LSC_AP_REFUSED:
		switch (eligible(ap)) {
		case PROV_ELIGIBLE:
			send_params(ap);
			break;
		case PROV_REFUSE_BRIDGE:
		case PROV_REFUSE_MESH:
			if (ap->state == CAPWAP_LSC_AP_REFUSED)
				break;
			capwap_lsc_count(ap->mode == CAPWAP_LSC_MODE_BRIDGE ?
					 CAPWAP_LSC_ST_REFUSED_BRIDGE :
					 CAPWAP_LSC_ST_REFUSED_MESH);
			ap->state = CAPWAP_LSC_AP_REFUSED;
			set_error(ap, CAPWAP_LSC_RESULT_ERROR,
				  ap->mode == CAPWAP_LSC_MODE_BRIDGE ?
				  "bridge-mode APs are not provisioned" :
				  "mesh APs are not provisioned");
			send_status(ap);
			break;
		case PROV_NOT_ELIGIBLE:
			restore_radios(ap);
			break;
		}
		break;
	case CAPWAP_LSC_AP_FALLBACK:
		restore_radios(ap);
		break;
	case CAPWAP_LSC_AP_CERT_READY:
		if (!send_delivery(ap, DELIVER_CA)) {
			ap->state = CAPWAP_LSC_AP_DELIVERING;
			ap->ca_sent = false;
		}
		break;
	default:
		break;
	}
}

void capwap_lsc_prov_run(struct capwap_lsc_ap *ap)
{
	/* An exchange cut short by a lost session starts over. */
	switch (ap->state) {
	case CAPWAP_LSC_AP_PARAMS_SENT:
	case CAPWAP_LSC_AP_DELIVERING:
		ap->state = ap->delivery ? CAPWAP_LSC_AP_CERT_READY :
			    CAPWAP_LSC_AP_IDLE;
		break;
	case CAPWAP_LSC_AP_INSTALLED:
		/* Installed, yet back with a MIC/SSC: it wants another. */
		if (ap->cert_type != CAPWAP_LSC_CERT_LSC) {
			ap->state = CAPWAP_LSC_AP_IDLE;
			kfree(ap->issued);
			ap->issued = NULL;
		}
		break;
	}
	kick(ap);
}

void capwap_lsc_prov_session_down(struct capwap_lsc_ap *ap)
{
	ap->status_pending = false;
}

bool capwap_lsc_prov_busy(const struct capwap_lsc_ap *ap)
{
	switch (ap->state) {
	case CAPWAP_LSC_AP_CSR_RECEIVED:
	case CAPWAP_LSC_AP_ENROLLING:
	case CAPWAP_LSC_AP_CERT_READY:
	case CAPWAP_LSC_AP_DELIVERING:
		return true;
	}
	return false;
}

void capwap_lsc_prov_forget(struct capwap_lsc_ap *ap)
{
	req_cancel(ap);
	free_material(ap);
}

static void enqueue(struct capwap_lsc_ap *ap);

/* WTP Event Request: the CSR, or the outcome of the installation. */
void capwap_lsc_prov_event(struct capwap_lsc_ap *ap,
			   const struct capwap_msg *msg)
{
	u32 vendor_id = READ_ONCE(capwap_lsc_vendor_id);
	struct capwap_lsc_status st;
	u8 *csr;
	int len;

	if (capwap_lsc_has_elem(msg, vendor_id, CAPWAP_LSC_VSP_CERT_REQUEST)) {
		if (ap->state != CAPWAP_LSC_AP_PARAMS_SENT ||
		    capwap_lsc_object_count(msg, vendor_id,
					    CAPWAP_LSC_VSP_CERT_REQUEST) != 1) {
			capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
			return;
		}
		csr = kmalloc(CAPWAP_LSC_MAX_DER_LEN, GFP_ATOMIC);
		if (!csr)
			return;
		len = capwap_lsc_get_object(msg, vendor_id,
					    CAPWAP_LSC_VSP_CERT_REQUEST, 0, csr,
					    CAPWAP_LSC_MAX_DER_LEN);
		if (len <= 0) {
			kfree(csr);
			fail_attempt(ap, CAPWAP_LSC_RESULT_BAD_REQUEST,
				     "certificate request too large");
			kick(ap);
			return;
		}
		free_material(ap);
		/* Kept until enrolled: only what the request needs. */
		ap->csr = kmemdup(csr, len, GFP_ATOMIC);
		kfree(csr);
		if (!ap->csr) {
			fail_attempt(ap, CAPWAP_LSC_RESULT_ERROR,
				     "out of memory for the certificate request");
			kick(ap);
			return;
		}
		ap->csr_len = len;
		ap->state = CAPWAP_LSC_AP_CSR_RECEIVED;
		enqueue(ap);
		kick(ap);
		return;
	}
	if (!capwap_lsc_get_status(msg, vendor_id,
				   CAPWAP_LSC_VSP_INSTALL_RESULT, &st)) {
		if (ap->state != CAPWAP_LSC_AP_DELIVERING) {
			capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
			return;
		}
		if (st.result == CAPWAP_LSC_RESULT_SUCCESS) {
			ap->state = CAPWAP_LSC_AP_INSTALLED;
			ap->attempts = 0;
			ap->renew = false;
			/* What we knew of its previous LSC is now wrong. */
			kfree(ap->issued);
			ap->issued = ap->delivery ? ap->delivery->issued : NULL;
			if (ap->delivery)
				ap->delivery->issued = NULL;
			/* It reboots into its LSC, radios and all. */
			ap->radios_off = false;
			set_error(ap, CAPWAP_LSC_RESULT_SUCCESS, "");
			free_material(ap);
			capwap_lsc_count(CAPWAP_LSC_ST_CERTS_DELIVERED);
		} else if (st.reason_len) {
			fail_attempt_len(ap, st.result, st.reason,
					 st.reason_len);
		} else {
			fail_attempt(ap, st.result,
				     "AP failed to install the certificate");
		}
		kick(ap);
	}
}

/* The AP answered our Configuration Update Request. */
void capwap_lsc_prov_response(struct capwap_lsc_ap *ap, u32 type,
			      u32 result)
{
	bool ok = result == CAPWAP_RESULT_SUCCESS;

	if (type != CAPWAP_MSG_CONFIG_UPDATE_RESP)
		return;
	switch (ap->state) {
	case CAPWAP_LSC_AP_PARAMS_SENT:
		if (!ok)
			fail_attempt(ap, CAPWAP_LSC_RESULT_ERROR,
				     "AP rejected the certificate parameters");
		break;
	case CAPWAP_LSC_AP_DELIVERING:
		if (!ok) {
			fail_attempt(ap, CAPWAP_LSC_RESULT_FAILED_TO_INSTALL,
				     "AP rejected the certificates");
		} else if (!ap->ca_sent) {
			ap->ca_sent = true;
			send_delivery(ap, DELIVER_DEVICE);
			return;
		}
		break;
	}
	kick(ap);
}

/* ---- The request queue -------------------------------------------- */

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
 * ap->lock held.  Beyond REQ_QUEUE_MAX the request waits off the queue
 * (the AP stays in csr-received): a fleet rejoining at once must not
 * burn its attempts on our queue's size.
 */
static void enqueue(struct capwap_lsc_ap *ap)
{
	struct lsc_req *r = kzalloc(sizeof(*r), GFP_ATOMIC);
	u64 id;

	spin_lock(&req_lock);
	if (!r || req_dying) {
		spin_unlock(&req_lock);
		kfree(r);
		fail_attempt(ap, CAPWAP_LSC_RESULT_NO_RESPONSE,
			     "certificate request not queued");
		return;
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
		return;
	}
	list_add_tail(&r->node, &req_waiting);
	req_n++;
	if (!capwap_lsc_genl_listening())
		queue_delayed_work(system_wq, &req_announce_work, HZ / 5);
	spin_unlock(&req_lock);
	announce(id, ap->mac, GFP_ATOMIC);
}

/* ap->lock held: forget the AP's request wherever it is. */
static void req_cancel(struct capwap_lsc_ap *ap)
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
	int refused = 0;

	/* Built before any lock: up to 24 KiB, and allowed to sleep. */
	if (result == CAPWAP_LSC_RESULT_SUCCESS) {
		if (n < 2)
			return -EINVAL;
		refused = build_delivery(der, len, n, issued, &d);
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
		delivery_free(d);
		return -ENOENT;
	}
	list_del_init(&found->node);
	req_n--;
	req_admit();
	ap = found->ap;
	spin_unlock_bh(&req_lock);
	kfree(found);

	spin_lock_bh(&ap->lock);
	if (ap->request_id != id || ap->state != CAPWAP_LSC_AP_ENROLLING) {
		/* RENEW, or the AP started over, while this was built. */
		spin_unlock_bh(&ap->lock);
		capwap_lsc_ap_put(ap);
		delivery_free(d);
		NL_SET_ERR_MSG(extack, "the AP no longer waits for this request");
		return -ESTALE;
	}
	if (d) {
		free_material(ap);
		ap->delivery = d;
		ap->state = CAPWAP_LSC_AP_CERT_READY;
	} else {
		fail_attempt(ap, result, reason && *reason ? reason :
			     "enrollment failed");
	}
	kick(ap);
	spin_unlock_bh(&ap->lock);
	capwap_lsc_ap_put(ap);
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

static int renew_one(struct capwap_lsc_ap *ap, void *arg)
{
	bool lsc, gave_up;

	spin_lock_bh(&ap->lock);
	lsc = ap->cert_type == CAPWAP_LSC_CERT_LSC;
	/* RENEW is also how the operator retries an AP that gave up. */
	gave_up = ap->state == CAPWAP_LSC_AP_FALLBACK ||
		  ap->state == CAPWAP_LSC_AP_FAILED;
	if (ap->session == CAPWAP_LSC_SESSION_RUN && (lsc || gave_up)) {
		/* Starting over: a request still queued would go stale. */
		req_cancel(ap);
		free_material(ap);
		ap->renew = lsc;
		ap->attempts = 0;
		ap->state = CAPWAP_LSC_AP_IDLE;
		kick(ap);
		(*(unsigned int *)arg)++;
	}
	spin_unlock_bh(&ap->lock);
	return 0;
}

/*
 * @mac NULL: every AP in Run with an LSC or in fallback.  Returns how
 * many, or -errno.
 */
int capwap_lsc_renew(const u8 *mac)
{
	struct capwap_lsc_ap *ap;
	unsigned long pos = 0;
	unsigned int n = 0;

	if (!mac) {
		capwap_lsc_ap_walk(&pos, renew_one, &n);
		return n;
	}
	ap = capwap_lsc_ap_by_mac(mac);
	if (!ap)
		return -ENOENT;
	renew_one(ap, &n);
	capwap_lsc_ap_put(ap);
	return n ? 1 : -EAGAIN;
}

static int rekick_one(struct capwap_lsc_ap *ap, void *arg)
{
	spin_lock_bh(&ap->lock);
	kick(ap);
	spin_unlock_bh(&ap->lock);
	return 0;
}

/*
 * The settings changed: an AP in Run that became eligible gets its
 * parameters now rather than at its next join, and one that is no longer
 * gets its radios back.  Not while unloading: the socket is gone.
 */
static void rekick_all(void)
{
	unsigned long pos = 0;

	if (!READ_ONCE(req_dying))
		capwap_lsc_ap_walk(&pos, rekick_one, NULL);
}

static void rekick_mac(const u8 *mac)
{
	struct capwap_lsc_ap *ap;

	if (READ_ONCE(req_dying))
		return;
	ap = capwap_lsc_ap_by_mac(mac);
	if (ap) {
		rekick_one(ap, NULL);
		capwap_lsc_ap_put(ap);
	}
}

int capwap_lsc_prov_init(void)
{
	req_dying = false;
	req_next_id = 0;
	return 0;
}

void capwap_lsc_prov_uninit(void)
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
	capwap_lsc_provlist_flush();
	capwap_lsc_challenge_set(NULL);
	rcu_barrier();
}
