// SPDX-License-Identifier: GPL-2.0
/*
 * LSC provisioning as the AP sees it (docs/PROTOCOL.md): CERT_PARAMS in
 * a Configuration Update starts a key and a CSR, sent back in a WTP Event
 * (CERT_REQUEST); CA_CERT and DEVICE_CERT come back in Configuration
 * Updates; the AP checks and installs them, reports INSTALL_RESULT and
 * "reboots" into a join with its LSC.  LSC_STATUS carries the
 * controller's verdicts: CA failures, bridge/mesh refusals, fallback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

#include "clock.h"
#include "log.h"
#include "store.h"
#include "wtp.h"
#include "names.h"

#define DER_MAX 16384

const char *wtp_lsc_phase_name(enum wtp_lsc_phase p)
{
	static const char *const names[] = {
		[WTP_L_NONE] = "none", [WTP_L_KEYGEN] = "keygen",
		[WTP_L_CSR_SENT] = "csr-sent", [WTP_L_INSTALLED] = "installed",
		[WTP_L_LSC] = "lsc", [WTP_L_FAILED] = "failed",
		[WTP_L_REFUSED] = "refused", [WTP_L_FALLBACK] = "fallback",
	};

	return p <= WTP_L_FALLBACK ? names[p] : "?";
}

static void notify(struct wtp_ap *ap, enum wtp_event ev)
{
	if (ap->sim->notify)
		ap->sim->notify(ap, ev);
}

void wtp_lsc_pick_cert(struct wtp_ap *ap, EVP_PKEY **key, X509 **cert,
		       int *type)
{
	if (ap->use_lsc && ap->lsc_cert) {
		*key = ap->lsc_key;
		*cert = ap->lsc_cert;
		*type = CAPWAP_LSC_CERT_LSC;
		return;
	}
	*key = ap->factory_key;
	*cert = ap->factory_cert;
	*type = ap->factory_type;
}

static void drop_lsc(struct wtp_ap *ap)
{
	EVP_PKEY_free(ap->lsc_key);
	X509_free(ap->lsc_cert);
	sk_X509_pop_free(ap->lsc_cas, X509_free);
	ap->lsc_key = NULL;
	ap->lsc_cert = NULL;
	ap->lsc_cas = NULL;
	ap->use_lsc = false;
	wtp_store_remove_lsc(ap->dir);
}

void wtp_lsc_joined(struct wtp_ap *ap)
{
	if (ap->joined_with != CAPWAP_LSC_CERT_LSC)
		return;
	ap->lsc_join_failures = 0;
	if (ap->lsc != WTP_L_LSC) {
		ap->lsc = WTP_L_LSC;
		ap->t_lsc = lsc_now_ms();
		snprintf(ap->reason, sizeof(ap->reason), "joined with its LSC");
	}
}

static void fall_back(struct wtp_ap *ap)
{
	drop_lsc(ap);
	ap->fallbacks++;
	ap->lsc = WTP_L_FALLBACK;
	notify(ap, WTP_EV_FALLBACK);
}

/*
 * A controller that refuses (or no longer answers) our LSC must not leave
 * the AP unable to join anywhere: after --attempts such joins in a row it
 * forgets the LSC and joins with its factory certificate.
 */
void wtp_lsc_join_failed(struct wtp_ap *ap)
{
	ap->lsc_join_failures++;
	if (!ap->sim->lsc_join_attempts ||
	    ap->lsc_join_failures < ap->sim->lsc_join_attempts)
		return;
	snprintf(ap->reason, sizeof(ap->reason),
		 "join with the LSC failed %d times: fell back to the %s",
		 ap->lsc_join_failures,
		 ap->factory_type == CAPWAP_LSC_CERT_SSC ? "SSC" : "MIC");
	fall_back(ap);
}

/*
 * The mirror of the controller's attempt counter (docs/PROTOCOL.md 4):
 * when the attempts CERT_PARAMS granted are used up without an installed
 * LSC, the AP falls back by itself, so a controller that vanishes
 * mid-exchange cannot leave it waiting.
 */
static void attempt_failed(struct wtp_ap *ap)
{
	ap->failures++;
	ap->lsc = WTP_L_FAILED;
	if (!ap->attempts_left || --ap->attempts_left)
		return;
	lsc_info("%s: no enrollment attempts left, keeping the %s", ap->cn,
		 ap->factory_type == CAPWAP_LSC_CERT_SSC ? "SSC" : "MIC");
	fall_back(ap);
}

static void set_reason(struct wtp_ap *ap, const uint8_t *s, size_t len)
{
	if (len >= sizeof(ap->reason))
		len = sizeof(ap->reason) - 1;
	memcpy(ap->reason, s, len);
	ap->reason[len] = '\0';
}

static void take_status(struct wtp_ap *ap, const struct capwap_lsc_status *st)
{
	set_reason(ap, st->reason, st->reason_len);
	if (!ap->reason[0])
		snprintf(ap->reason, sizeof(ap->reason), "%s",
			 lsc_result_name(st->result));
	ap->last_result = st->result;
	lsc_info("%s: controller reports %s: %s", ap->cn,
		 lsc_result_name(st->result), ap->reason);
	switch (st->state) {
	case CAPWAP_LSC_AP_REFUSED:
		ap->lsc = WTP_L_REFUSED;
		notify(ap, WTP_EV_REFUSED);
		return;
	case CAPWAP_LSC_AP_FALLBACK:
		if (ap->joined_with == CAPWAP_LSC_CERT_LSC) {
			/* Still in a session with it: leave, rejoin on the MIC. */
			drop_lsc(ap);
			wtp_ap_restart(ap, 0);
		} else {
			drop_lsc(ap);
		}
		ap->fallbacks++;
		ap->lsc = WTP_L_FALLBACK;
		notify(ap, WTP_EV_FALLBACK);
		return;
	case CAPWAP_LSC_AP_FAILED:
		notify(ap, WTP_EV_LSC_STATUS);
		if (ap->lsc != WTP_L_FAILED && ap->lsc != WTP_L_FALLBACK)
			attempt_failed(ap);
		return;
	}
	notify(ap, WTP_EV_LSC_STATUS);
}

static void job_done(struct wtp_keyjob *job)
{
	struct wtp_ap *ap = job->owner;
	uint8_t *pkt;
	size_t len;

	ap->job_busy = false;
	ap->keygen_us += job->keygen_us;
	ap->csr_us += job->csr_us;
	ap->pregenerated = job->pregenerated;
	if (ap->state != WTP_S_RUN || ap->lsc != WTP_L_KEYGEN) {
		wtp_keyjob_clear(job);
		return;
	}
	if (job->err[0]) {
		snprintf(ap->reason, sizeof(ap->reason), "%s", job->err);
		pkt = wtp_msg_event_install(ap, CAPWAP_LSC_RESULT_ERROR,
					    ap->reason, &len);
		wtp_ap_request(ap, pkt, len, CAPWAP_MSG_WTP_EVENT_REQ);
		notify(ap, WTP_EV_INSTALL_FAILED);
		attempt_failed(ap);
		wtp_keyjob_clear(job);
		return;
	}
	EVP_PKEY_free(ap->new_key);
	ap->new_key = job->key;
	job->key = NULL;
	pkt = wtp_msg_event_csr(ap, job->csr, job->csr_len, &len);
	free(ap->csr);
	ap->csr = malloc(job->csr_len);
	ap->csr_len = ap->csr ? job->csr_len : 0;
	if (ap->csr)
		memcpy(ap->csr, job->csr, job->csr_len);
	ap->csr_again = false;
	wtp_keyjob_clear(job);
	wtp_ap_request(ap, pkt, len, CAPWAP_MSG_WTP_EVENT_REQ);
	ap->lsc = WTP_L_CSR_SENT;
	notify(ap, WTP_EV_CSR_SENT);
}

static int start_enroll(struct wtp_ap *ap,
			const struct capwap_lsc_cert_params *p)
{
	struct wtp_keyjob *job;

	/* The CSR on its way answers a repeated request as well. */
	if (ap->job_busy)
		return CAPWAP_RESULT_SUCCESS;
	if (!ap->job) {
		ap->job = calloc(1, sizeof(*ap->job));
		if (!ap->job)
			return CAPWAP_RESULT_CONFIG_FAILURE;
	}
	job = ap->job;
	wtp_keyjob_clear(job);
	job->kind = WTP_JOB_KEY;
	wtp_params_copy(&job->params, p);
	job->id = ap->id;
	job->corrupt = ap->corrupt;
	job->owner = ap;
	job->done = job_done;
	/* Kept until an LSC installs, as the CSR it went with was never answered. */
	if (ap->new_key && EVP_PKEY_up_ref(ap->new_key))
		job->pending = ap->new_key;
	job->key_file[0] = '\0';
	if (ap->sim->keys_from[0] &&
	    snprintf(job->key_file, sizeof(job->key_file), "%s/%04u.key",
		     ap->sim->keys_from, ap->index) >= (int)sizeof(job->key_file))
		job->key_file[0] = '\0';
	ap->attempts_left = p->attempts_left;
	if (!ap->t_params)
		ap->t_params = lsc_now_ms();
	sk_X509_pop_free(ap->new_cas, X509_free);
	ap->new_cas = NULL;
	ap->lsc = WTP_L_KEYGEN;
	ap->job_busy = true;
	lsc_debug("%s: LSC parameters: key type %u, %u bits", ap->cn,
		  p->key_type, p->key_bits);
	wtp_keypool_submit(&ap->sim->pool, job);
	notify(ap, WTP_EV_PARAMS);
	return CAPWAP_RESULT_SUCCESS;
}

static X509 *get_cert(const struct capwap_msg *msg, uint32_t vendor,
		      uint16_t elem, int index)
{
	static uint8_t der[DER_MAX];
	int n = capwap_lsc_get_object(msg, vendor, elem, index, der, sizeof(der));

	return n > 0 ? wtp_x509_from_der(der, n) : NULL;
}

static int take_cas(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	uint32_t vendor = ap->sim->vendor_id;
	int i, n = capwap_lsc_object_count(msg, vendor, CAPWAP_LSC_VSP_CA_CERT);
	STACK_OF(X509) *cas = sk_X509_new_null();

	for (i = 0; cas && i < n; i++) {
		X509 *x = get_cert(msg, vendor, CAPWAP_LSC_VSP_CA_CERT, i);

		if (!x || !sk_X509_push(cas, x)) {
			X509_free(x);
			lsc_warn("%s: CA certificate %d does not parse", ap->cn, i);
			sk_X509_pop_free(cas, X509_free);
			ERR_clear_error();
			return CAPWAP_RESULT_FAILURE;
		}
	}
	sk_X509_pop_free(ap->new_cas, X509_free);
	ap->new_cas = cas;
	return CAPWAP_RESULT_SUCCESS;
}

static void report_install(struct wtp_ap *ap, int result)
{
	size_t len;
	uint8_t *pkt = wtp_msg_event_install(ap, result, ap->reason, &len);

	wtp_ap_request(ap, pkt, len, CAPWAP_MSG_WTP_EVENT_REQ);
}

static struct wtp_keyjob *get_job(struct wtp_ap *ap)
{
	if (!ap->job)
		ap->job = calloc(1, sizeof(*ap->job));
	if (ap->job)
		wtp_keyjob_clear(ap->job);
	return ap->job;
}

static void refuse_cert(struct wtp_ap *ap, int res)
{
	lsc_warn("%s: LSC refused: %s", ap->cn, ap->reason);
	ap->last_result = res;
	report_install(ap, res);
	notify(ap, WTP_EV_INSTALL_FAILED);
	attempt_failed(ap);
}

static void adopt(struct wtp_ap *ap, struct wtp_keyjob *job)
{
	EVP_PKEY_free(ap->lsc_key);
	X509_free(ap->lsc_cert);
	sk_X509_pop_free(ap->lsc_cas, X509_free);
	ap->lsc_key = job->key;
	ap->lsc_cert = job->cert;
	ap->lsc_cas = job->cas;
	job->key = NULL;
	job->cert = NULL;
	job->cas = NULL;
	ap->use_lsc = true;
	ap->lsc_join_failures = 0;
	ap->last_result = CAPWAP_LSC_RESULT_SUCCESS;
	ap->lsc = WTP_L_INSTALLED;
	snprintf(ap->reason, sizeof(ap->reason), "installed");
}

static void install_done(struct wtp_keyjob *job)
{
	struct wtp_ap *ap = job->owner;

	ap->job_busy = false;
	ap->install_us += job->install_us;
	if (job->install_err) {
		if (snprintf(ap->reason, sizeof(ap->reason),
			     "cannot write the LSC: %s",
			     strerror(-job->install_err)) < 0)
			ap->reason[0] = '\0';
		wtp_keyjob_clear(job);
		if (ap->state == WTP_S_RUN)
			refuse_cert(ap, CAPWAP_LSC_RESULT_FAILED_TO_INSTALL);
		return;
	}
	adopt(ap, job);
	/* On disk it is ours even if the session ended meanwhile. */
	if (ap->state != WTP_S_RUN)
		return;
	report_install(ap, CAPWAP_LSC_RESULT_SUCCESS);
	ap->reboot_after_event = true;
	notify(ap, WTP_EV_INSTALLED);
}

/*
 * The checks are quick and decide the Result Code; the install (a set of
 * three files and a link swap, each fsync'd) goes to a worker and its outcome to INSTALL_RESULT.
 */
static int take_cert(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	X509 *cert = get_cert(msg, ap->sim->vendor_id,
			      CAPWAP_LSC_VSP_DEVICE_CERT, 0);
	struct wtp_keyjob *job;
	int res;

	if (!cert) {
		ERR_clear_error();
		snprintf(ap->reason, sizeof(ap->reason),
			 "device certificate does not parse");
		refuse_cert(ap, CAPWAP_LSC_RESULT_CERT_MISMATCH);
		return CAPWAP_RESULT_CONFIG_FAILURE;
	}
	if (!ap->new_key || ap->lsc != WTP_L_CSR_SENT || ap->job_busy) {
		snprintf(ap->reason, sizeof(ap->reason),
			 "device certificate with no request pending");
		X509_free(cert);
		report_install(ap, CAPWAP_LSC_RESULT_ERROR);
		return CAPWAP_RESULT_UNEXPECTED_STATE;
	}
	res = wtp_cert_check(ap->new_key, cert, ap->new_cas, &ap->id,
			     ap->reason, sizeof(ap->reason));
	/* A renewal stays with the CA of the LSC in use. */
	if (res == CAPWAP_LSC_RESULT_SUCCESS && ap->lsc_cas)
		res = wtp_chain_keeps_root(ap->new_cas, ap->lsc_cas, ap->reason,
					   sizeof(ap->reason));
	job = res == CAPWAP_LSC_RESULT_SUCCESS ? get_job(ap) : NULL;
	if (!job) {
		X509_free(cert);
		refuse_cert(ap, res == CAPWAP_LSC_RESULT_SUCCESS ?
			    CAPWAP_LSC_RESULT_ERROR : res);
		return CAPWAP_RESULT_CONFIG_FAILURE;
	}
	job->kind = WTP_JOB_INSTALL;
	job->owner = ap;
	job->done = install_done;
	snprintf(job->dir, sizeof(job->dir), "%s", ap->dir);
	job->key = ap->new_key;
	job->cert = cert;
	job->cas = ap->new_cas;
	job->renewal = ap->lsc_cas != NULL;
	ap->new_key = NULL;
	ap->new_cas = NULL;
	ap->job_busy = true;
	wtp_keypool_submit(&ap->sim->pool, job);
	return CAPWAP_RESULT_SUCCESS;
}

int wtp_lsc_config_update(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	uint32_t vendor = ap->sim->vendor_id;
	struct capwap_lsc_cert_params params;
	struct capwap_lsc_status st;
	int rc = CAPWAP_RESULT_SUCCESS;

	if (!capwap_lsc_get_status(msg, vendor, CAPWAP_LSC_VSP_LSC_STATUS, &st))
		take_status(ap, &st);
	if (ap->state != WTP_S_RUN)	/* a fallback ended the session */
		return rc;
	if (!capwap_lsc_get_cert_params(msg, vendor, &params))
		rc = start_enroll(ap, &params);
	if (capwap_lsc_has_elem(msg, vendor, CAPWAP_LSC_VSP_CA_CERT))
		rc = take_cas(ap, msg);
	if (rc == CAPWAP_RESULT_SUCCESS &&
	    capwap_lsc_has_elem(msg, vendor, CAPWAP_LSC_VSP_DEVICE_CERT))
		rc = take_cert(ap, msg);
	return rc;
}

/*
 * The controller takes only so many certificate requests at once and
 * refuses the rest with Result Code 4 (Resource Depletion): the attempt
 * does not count, the same CSR goes again with the next Echo.
 */
void wtp_lsc_event_refused(struct wtp_ap *ap, int rc)
{
	if (ap->lsc != WTP_L_CSR_SENT || !ap->csr)
		return;
	if (rc == CAPWAP_RESULT_JOIN_RESOURCE)
		snprintf(ap->reason, sizeof(ap->reason),
			 "controller refused the certificate request: too many requests pending (Result Code 4)");
	else
		snprintf(ap->reason, sizeof(ap->reason),
			 "controller refused the certificate request (Result Code %d)",
			 rc);
	lsc_warn("%s: %s; sending it again in %u s", ap->cn, ap->reason,
		 ap->echo_interval);
	ap->csr_again = true;
	notify(ap, WTP_EV_LSC_STATUS);
}

bool wtp_lsc_resend_csr(struct wtp_ap *ap)
{
	uint8_t *pkt;
	size_t len;

	if (!ap->csr_again || ap->lsc != WTP_L_CSR_SENT || !ap->csr)
		return false;
	ap->csr_again = false;
	pkt = wtp_msg_event_csr(ap, ap->csr, ap->csr_len, &len);
	if (!pkt)
		return false;
	lsc_info("%s: sending the certificate request again", ap->cn);
	wtp_ap_request(ap, pkt, len, CAPWAP_MSG_WTP_EVENT_REQ);
	return true;
}

void wtp_lsc_event_done(struct wtp_ap *ap, bool ok)
{
	/* INSTALL_RESULT is the last event queued: reboot once it is out. */
	if (!ap->reboot_after_event || ap->nqueue)
		return;
	ap->reboot_after_event = false;
	if (!ok)
		lsc_info("%s: INSTALL_RESULT not acknowledged; rejoining anyway",
			 ap->cn);
	lsc_info("%s: LSC installed, rejoining with it", ap->cn);
	wtp_ap_restart(ap, 0);
}
