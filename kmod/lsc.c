// SPDX-License-Identifier: GPL-2.0
/*
 * The per-AP LSC machine of docs/PROTOCOL.md section 4, as docs/KERNEL.md
 * describes it: when an AP in Run gets CERT_PARAMS, what its CSR, the
 * helper's answer and the AP's install result do to its record, how
 * failures count towards fallback, and what a configuration change or a
 * RENEW restarts.  What goes on the wire is built in update.c; the CSRs
 * wait for lscd in queue.c.
 *
 * Hooks run with ap->lock held in atomic context.  Lock order: ap->lock,
 * then the settings' lock or the queue's; never the other way round.
 */

#include <linux/slab.h>

#include "ap.h"
#include "config.h"
#include "control.h"
#include "lsc.h"
#include "queue.h"
#include "stats.h"
#include "update.h"
#include "wire.h"

#include "capwap_lsc.h"

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
	capwap_lsc_delivery_drop(ap);
}

/* The record is going away: what it still holds of the LSC exchange. */
void capwap_lsc_prov_free(struct capwap_lsc_ap *ap)
{
	error_free(ap);
	kfree(ap->issued);
	ap->issued = NULL;
	free_material(ap);
}

/* One attempt failed; after max_attempts the AP falls back to its MIC. */
static void fail_attempt_len(struct capwap_lsc_ap *ap, u8 result,
			     const char *why, size_t len)
{
	struct capwap_lsc_ev ev = { .type = CAPWAP_LSC_EV_ATTEMPT_FAILED };
	u8 max = capwap_lsc_config_max_attempts();

	capwap_lsc_req_cancel(ap);
	free_material(ap);
	ap->last_result = result;
	set_error_text(ap, why, len);
	capwap_lsc_count(CAPWAP_LSC_ST_ENROLL_FAILURES);
	if (ap->attempts < 255)
		ap->attempts++;
	ev.val = result;
	ev.aux = ap->attempts;
	ev.reason = capwap_lsc_prov_last_error(ap);
	capwap_lsc_event(ap, &ev);
	if (max && ap->attempts >= max) {
		capwap_lsc_set_state(ap, CAPWAP_LSC_AP_FALLBACK);
		capwap_lsc_event3(ap, CAPWAP_LSC_EV_FALLBACK, ap->attempts, 0);
		ap->fallbacks++;
		capwap_lsc_count(CAPWAP_LSC_ST_FALLBACKS);
	} else {
		capwap_lsc_set_state(ap, CAPWAP_LSC_AP_FAILED);
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
	if (!capwap_lsc_config_provisions(ap->mac))
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

static void send_params(struct capwap_lsc_ap *ap)
{
	if (capwap_lsc_send_params(ap))
		return;
	capwap_lsc_set_state(ap, CAPWAP_LSC_AP_PARAMS_SENT);
	ap->radios_off = true;
}

/*
 * Provisioning ended without an LSC (fallback, or the AP is no longer
 * eligible): the radios CERT_PARAMS switched off go back on.  Kept set
 * across sessions, as the AP may keep its administrative state.
 */
static void restore_radios(struct capwap_lsc_ap *ap)
{
	if (ap->radios_off && !capwap_lsc_send_radios_on(ap))
		ap->radios_off = false;
}

static int send_status(struct capwap_lsc_ap *ap)
{
	return capwap_lsc_send_status(ap, capwap_lsc_prov_last_error(ap));
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
			capwap_lsc_set_state(ap, CAPWAP_LSC_AP_REFUSED);
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
		if (!capwap_lsc_delivery_send(ap, CAPWAP_LSC_DELIVER_CA)) {
			capwap_lsc_set_state(ap, CAPWAP_LSC_AP_DELIVERING);
			capwap_lsc_event3(ap, CAPWAP_LSC_EV_DELIVERY, 0, 0);
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
		capwap_lsc_set_state(ap, ap->delivery ? CAPWAP_LSC_AP_CERT_READY :
			    CAPWAP_LSC_AP_IDLE);
		break;
	case CAPWAP_LSC_AP_INSTALLED:
		/* Installed, yet back with a MIC/SSC: it wants another. */
		if (ap->cert_type != CAPWAP_LSC_CERT_LSC) {
			capwap_lsc_set_state(ap, CAPWAP_LSC_AP_IDLE);
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
	capwap_lsc_req_cancel(ap);
	free_material(ap);
}

void capwap_lsc_prov_kick(struct capwap_lsc_ap *ap)
{
	kick(ap);
}

#define REFUSED_FULL \
	"certificate request refused: too many requests wait for a certificate"

/*
 * The CSR of an AP that was sent CERT_PARAMS.  When max_pending_requests
 * already wait, it is refused with Result Code 4 (Resource Depletion) in
 * the response: the AP keeps its attempts and sends it again later, and
 * its record stays evictable meanwhile.
 */
static int take_csr(struct capwap_lsc_ap *ap, const struct capwap_msg *msg,
		    u32 vendor_id)
{
	struct capwap_lsc_ev ev = { .type = CAPWAP_LSC_EV_CERT_REQUEST };
	u8 *buf, *csr;
	int len, ret;

	if (ap->state != CAPWAP_LSC_AP_PARAMS_SENT ||
	    capwap_lsc_object_count(msg, vendor_id,
				    CAPWAP_LSC_VSP_CERT_REQUEST) != 1) {
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
		return -1;
	}
	buf = kmalloc(CAPWAP_LSC_MAX_DER_LEN, GFP_ATOMIC);
	if (!buf)
		return -1;
	len = capwap_lsc_get_object(msg, vendor_id,
				    CAPWAP_LSC_VSP_CERT_REQUEST, 0, buf,
				    CAPWAP_LSC_MAX_DER_LEN);
	/* Kept until enrolled: only what the request needs. */
	csr = len > 0 ? kmemdup(buf, len, GFP_ATOMIC) : NULL;
	kfree(buf);
	if (len <= 0) {
		fail_attempt(ap, CAPWAP_LSC_RESULT_BAD_REQUEST,
			     "certificate request too large");
		return -1;
	}
	if (!csr) {
		fail_attempt(ap, CAPWAP_LSC_RESULT_ERROR,
			     "out of memory for the certificate request");
		return -1;
	}
	ret = capwap_lsc_req_enqueue(ap);
	if (ret == -ENOSPC) {
		kfree(csr);
		capwap_lsc_prov_note_error(ap, REFUSED_FULL);
		return CAPWAP_RESULT_JOIN_RESOURCE;
	}
	if (ret) {
		kfree(csr);
		fail_attempt(ap, CAPWAP_LSC_RESULT_NO_RESPONSE,
			     "certificate request not queued");
		return -1;
	}
	free_material(ap);
	ap->csr = csr;
	ap->csr_len = len;
	ev.val = min(ap->attempts + 1, 255);
	ev.aux = ap->renew;
	ev.request_id = ap->request_id;
	capwap_lsc_event(ap, &ev);
	capwap_lsc_set_state(ap, CAPWAP_LSC_AP_CSR_RECEIVED);
	return -1;
}

bool capwap_lsc_prov_expire(struct capwap_lsc_ap *ap, u64 id,
			    unsigned int secs)
{
	char why[80];

	/*
	 * A helper that accepted the request and went away left the AP in
	 * enrolling while the request waits again: it fails the same way.
	 */
	if (ap->request_id != id ||
	    (ap->state != CAPWAP_LSC_AP_CSR_RECEIVED &&
	     ap->state != CAPWAP_LSC_AP_ENROLLING))
		return false;
	snprintf(why, sizeof(why),
		 "no certificate helper took the request within %u s", secs);
	fail_attempt(ap, CAPWAP_LSC_RESULT_NO_RESPONSE, why);
	capwap_lsc_count(CAPWAP_LSC_ST_REQUESTS_EXPIRED);
	kick(ap);
	return true;
}

/* WTP Event Request: the CSR, or the outcome of the installation. */
int capwap_lsc_prov_event(struct capwap_lsc_ap *ap,
			  const struct capwap_msg *msg)
{
	struct capwap_lsc_ev ev = { .type = CAPWAP_LSC_EV_INSTALL };
	u32 vendor_id = READ_ONCE(capwap_lsc_vendor_id);
	struct capwap_lsc_status st;

	if (capwap_lsc_has_elem(msg, vendor_id, CAPWAP_LSC_VSP_CERT_REQUEST))
		return take_csr(ap, msg, vendor_id);
	if (!capwap_lsc_get_status(msg, vendor_id,
				   CAPWAP_LSC_VSP_INSTALL_RESULT, &st)) {
		if (ap->state != CAPWAP_LSC_AP_DELIVERING) {
			capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
			return -1;
		}
		/* A failure's reason follows, cleaned, with the failed attempt. */
		ev.val = st.result;
		capwap_lsc_event(ap, &ev);
		if (st.result == CAPWAP_LSC_RESULT_SUCCESS) {
			capwap_lsc_set_state(ap, CAPWAP_LSC_AP_INSTALLED);
			ap->attempts = 0;
			ap->renew = false;
			/* What we knew of its previous LSC is now wrong. */
			kfree(ap->issued);
			ap->issued = capwap_lsc_delivery_take_issued(ap->delivery);
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
	}
	return -1;
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
			capwap_lsc_delivery_send(ap, CAPWAP_LSC_DELIVER_DEVICE);
			return;
		}
		break;
	}
	kick(ap);
}

int capwap_lsc_prov_complete(struct capwap_lsc_ap *ap, u64 id,
			     struct capwap_lsc_delivery *d, u8 result,
			     const char *reason)
{
	struct capwap_lsc_ev ev = { .type = CAPWAP_LSC_EV_ENROLL };

	spin_lock_bh(&ap->lock);
	if (ap->request_id != id || ap->state != CAPWAP_LSC_AP_ENROLLING) {
		/* RENEW, or the AP started over, while this was built. */
		spin_unlock_bh(&ap->lock);
		capwap_lsc_delivery_free(d);
		return -ESTALE;
	}
	ev.val = d ? CAPWAP_LSC_RESULT_SUCCESS : result;
	ev.request_id = id;
	/*
	 * No reason: lscd's holds the CA's own words, control characters
	 * and all; the attempt-failed event that follows carries it made
	 * safe to print.
	 */
	capwap_lsc_event(ap, &ev);
	if (d) {
		free_material(ap);
		ap->delivery = d;
		capwap_lsc_set_state(ap, CAPWAP_LSC_AP_CERT_READY);
	} else {
		fail_attempt(ap, result, reason);
	}
	kick(ap);
	spin_unlock_bh(&ap->lock);
	return 0;
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
		capwap_lsc_req_cancel(ap);
		free_material(ap);
		ap->renew = lsc;
		ap->attempts = 0;
		capwap_lsc_set_state(ap, CAPWAP_LSC_AP_IDLE);
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
	struct capwap_lsc_ap_cursor pos = { };
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
 * An AP in Run that became eligible gets its parameters now rather than
 * at its next join, and one that is no longer gets its radios back.  Not
 * while unloading: the socket is gone.
 */
void capwap_lsc_rekick(const u8 *mac)
{
	struct capwap_lsc_ap *ap;
	struct capwap_lsc_ap_cursor pos = { };

	if (capwap_lsc_queue_dying())
		return;
	if (!mac) {
		capwap_lsc_ap_walk(&pos, rekick_one, NULL);
		return;
	}
	ap = capwap_lsc_ap_by_mac(mac);
	if (ap) {
		rekick_one(ap, NULL);
		capwap_lsc_ap_put(ap);
	}
}
