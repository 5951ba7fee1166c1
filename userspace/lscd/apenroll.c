// SPDX-License-Identifier: GPL-2.0
/*
 * Enrollment jobs: an AP's request taken from the kernel (or the
 * controller's own), driven through its SCEP transaction on the shared
 * curl multi handle, journaled at every step, and completed in the kernel.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "daemon.h"
#include "hex.h"
#include "log.h"
#include "mac.h"
#include "names.h"
#include "scep_cert.h"
#include "scep_names.h"

struct lscd_job {
	struct scep_job sj;	/* its transaction, request and transfer */
	bool controller;
	struct lscd_jentry je;
	char mac[LSC_MAC_STR_LEN];
	bool fallback_ok;	/* polling a request that may have reached the CA */
	uint64_t started_ms;
	unsigned int kgen;	/* d->kgen when the kernel handed it over */
};

static int journal(struct lscd *d, struct lscd_job *j)
{
	int rc;

	if (j->controller)
		return 0;
	rc = lscd_journal_write(d->jdir, &j->je);
	if (rc)
		lsc_err("AP %s request %" PRIu64 ": cannot journal: %s", j->mac,
			j->je.request_id, strerror(-rc));
	return rc;
}

/*
 * Fault injection for the crash tests: LSCD_TEST_EXIT_AFTER=sent or
 * =issued ends the process right after that state reached the journal,
 * =answered right after the CA's certificate arrived and before anything
 * of it was journaled: the only way to land a crash exactly between two
 * steps.
 */
static void crash_point(const struct lscd_job *j, const char *state)
{
	const char *v = getenv("LSCD_TEST_EXIT_AFTER");

	if (j->controller || !v || strcmp(v, state))
		return;
	lsc_warn("%s: LSCD_TEST_EXIT_AFTER=%s: exiting as if killed", j->sj.tag, v);
	_exit(137);
}

static void unlink_job(struct lscd *d, struct lscd_job *j)
{
	scep_jobs_remove(&d->jobs, &j->sj);
	if (!j->controller)
		d->njobs--;
	else
		d->ctrl_job = false;
	scep_txn_free(j->sj.txn);
	lscd_jentry_release(&j->je);
	free(j);
	/*
	 * A slot in the backlog opened: worth an ACCEPT when requests may
	 * wait that no announcement brings again (daemon.h).
	 */
	if (d->unaccepted || d->events_lost)
		d->need_accept = true;
}

static unsigned int txn_flags(const struct lscd *d)
{
	return (d->cfg.trace ? SCEP_TXN_F_TRACE : 0) |
	       (d->cfg.use_get ? SCEP_TXN_F_GET : 0);
}

/* req: the CSR already parsed, taken; NULL to parse j->je.csr. */
static int new_txn(struct lscd *d, struct lscd_job *j, unsigned int flags,
		   X509_REQ *req)
{
	struct scep_txn_status st;
	int rc = 0;

	scep_txn_free(j->sj.txn);
	if (req)
		j->sj.txn = scep_txn_new_req(d->ca, d->ctrl.signer, req,
					     txn_flags(d) | flags, &d->cfg.poll,
					     j->sj.tag, &rc);
	else
		j->sj.txn = scep_txn_new(d->ca, d->ctrl.signer, j->je.csr,
					 j->je.csr_len, txn_flags(d) | flags,
					 &d->cfg.poll, j->sj.tag, &rc);
	if (!j->sj.txn)
		return rc ? rc : -ENOMEM;
	scep_txn_status(j->sj.txn, &st);
	snprintf(j->je.transaction_id, sizeof(j->je.transaction_id), "%s",
		 st.transaction_id);
	return 0;
}

/*
 * A certificate the CA issued that no request is left to take: kept, in
 * the journal and in memory, for the AP's next request with the same key
 * and subject (take_over).  Asking the CA again would make it issue a
 * second certificate for that key.
 */
static void keep_issued(struct lscd *d, struct lscd_job *j, const char *why)
{
	struct lscd_jentry *v = realloc(d->resume, (d->nresume + 1) * sizeof(*v));

	if (!v) {
		lsc_warn("AP %s request %" PRIu64 ": %s; certificate issued, but no memory to keep it: dropped",
			 j->mac, j->je.request_id, why);
		lscd_journal_remove(d->jdir, &j->je);
		unlink_job(d, j);
		return;
	}
	d->resume = v;
	lsc_notice("AP %s request %" PRIu64 ": %s; certificate issued, kept for the AP's next request (transactionID %s)",
		   j->mac, j->je.request_id, why, j->je.transaction_id);
	d->resume[d->nresume++] = j->je;
	memset(&j->je, 0, sizeof(j->je));
	unlink_job(d, j);
}

/*
 * A certificate the module took is kept a while, in memory only: when the
 * module is reloaded before its AP installed it, the AP asks the new one
 * again with the same key and gets this one (take_over), not a second
 * from the CA.  At most LSCD_DELIVERED_MAX, for LSCD_DELIVERED_KEEP_S.
 */
#define LSCD_DELIVERED_KEEP_S 600
#define LSCD_DELIVERED_MAX 4096

static bool delivered_expired(const struct lscd_jentry *e, time_t now)
{
	return e->delivered && e->delivered + LSCD_DELIVERED_KEEP_S < now;
}

static void keep_delivered(struct lscd *d, struct lscd_job *j)
{
	time_t now = time(NULL);
	size_t i, n = 0, oldest = 0;
	struct lscd_jentry *v;

	lscd_journal_remove(d->jdir, &j->je);
	for (i = 0; i < d->nresume;) {
		struct lscd_jentry *e = &d->resume[i];

		if (delivered_expired(e, now)) {
			lscd_jentry_release(e);
			*e = d->resume[--d->nresume];
			continue;
		}
		if (e->delivered && (!n++ || e->delivered < d->resume[oldest].delivered))
			oldest = i;
		i++;
	}
	if (n >= LSCD_DELIVERED_MAX) {
		lscd_jentry_release(&d->resume[oldest]);
		d->resume[oldest] = d->resume[--d->nresume];
	}
	v = realloc(d->resume, (d->nresume + 1) * sizeof(*v));
	if (v) {
		d->resume = v;
		j->je.delivered = now;
		j->je.kgen = d->kgen;
		d->resume[d->nresume++] = j->je;
		memset(&j->je, 0, sizeof(j->je));
	}
	unlink_job(d, j);
}

/* Hands the outcome to the kernel; the journal entry goes once it took it. */
static void finish(struct lscd *d, struct lscd_job *j)
{
	uint64_t ms = lsc_now_ms() - j->started_ms;
	int rc;

	if (j->controller) {
		X509 *cert = j->sj.txn ? scep_txn_cert(j->sj.txn) : NULL;

		if (j->je.state == LSCD_J_ISSUED && cert) {
			rc = lscd_ctrl_install(&d->ctrl, cert);
			/* The new LSC answers the next handshakes. */
			lscd_dtls_relay_stale(d);
			if (rc && d->ctrl.cert == cert) {
				d->ctrl_save_delay_ms = d->cfg.ca_retry_ms > 1000 ?
							d->cfg.ca_retry_ms : 1000;
				d->ctrl_save_ms = lsc_now_ms() + d->ctrl_save_delay_ms;
				lsc_err("controller: LSC issued and in use, but not saved to %s/controller.crt: %s; saving again in %u s",
					d->cfg.state_dir, strerror(-rc),
					d->ctrl_save_delay_ms / 1000);
			} else if (rc) {
				lsc_err("controller: certificate issued but not taken into use: %s",
					strerror(-rc));
			} else
				lsc_notice("controller: LSC installed, transactionID %s, expires %" PRIu64,
					   j->je.transaction_id, lscd_cert_expiry(cert));
			d->ctrl_retry_ms = 0;
		} else {
			lsc_err("controller: enrollment failed (%s): %s, transactionID %s",
				lsc_result_name(j->je.result), j->je.reason,
				j->je.transaction_id);
			d->ctrl_retry_ms = lsc_now_ms() + d->cfg.ca_retry_ms;
		}
		lscd_push_controller(d);
		unlink_job(d, j);
		return;
	}
	if (j->kgen != d->kgen) {
		/*
		 * Taken from a module since unloaded: the request ids start
		 * over in the new one, so this id may name another AP's.
		 */
		if (j->je.state == LSCD_J_ISSUED) {
			keep_issued(d, j, "the module was reloaded since it was taken");
			return;
		}
		lsc_warn("AP %s request %" PRIu64 ": the module was reloaded since it was taken; result (%s) dropped",
			 j->mac, j->je.request_id, lscd_jstate_name(j->je.state));
		lscd_journal_remove(d->jdir, &j->je);
		unlink_job(d, j);
		return;
	}
	if (j->je.state == LSCD_J_ISSUED) {
		/* The chain of the CA that issued it, whatever a reload did since. */
		STACK_OF(X509) *chain = j->sj.txn ? scep_txn_ca(j->sj.txn)->chain : NULL;
		X509 *x = j->sj.txn ? scep_txn_cert(j->sj.txn) : NULL;

		/*
		 * The transaction's own copy when it has one: decoding a
		 * certificate again costs a third of an RSA-2048 signature
		 * (OpenSSL 3.0 sets up a decoder for its key each time).
		 */
		if (x) {
			X509_up_ref(x);
		} else {
			const unsigned char *p = j->je.cert;

			x = d2i_X509(NULL, &p, (long)j->je.cert_len);
		}
		if (!chain)
			chain = d->chain;
		rc = chain ? lscd_kernel_complete_ok(&d->cmd, j->je.request_id, chain,
						     x, j->je.cert, j->je.cert_len) :
		     -ENODATA;
		if (!rc) {
			char serial[80] = "?";

			if (x) {
				BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
				char *h = bn ? BN_bn2hex(bn) : NULL;

				if (h)
					snprintf(serial, sizeof(serial), "%s", h);
				OPENSSL_free(h);
				BN_free(bn);
				lscd_issued_note(d, j->je.mac, lscd_cert_expiry(x));
			}
			lsc_notice("AP %s request %" PRIu64 ": %s issued, serial %s, transactionID %s, %" PRIu64 " ms",
				   j->mac, j->je.request_id,
				   j->je.renewal ? "renewal" : "certificate",
				   serial, j->je.transaction_id, ms);
			d->issued++;
		}
		X509_free(x);
	} else {
		rc = lscd_kernel_complete_fail(&d->cmd, j->je.request_id,
					       j->je.result, j->je.reason);
		if (!rc) {
			lsc_notice("AP %s request %" PRIu64 ": failed (%s): %s, transactionID %s, %" PRIu64 " ms",
				   j->mac, j->je.request_id,
				   lsc_result_name(j->je.result), j->je.reason,
				   j->je.transaction_id[0] ? j->je.transaction_id : "-",
				   ms);
			d->failed++;
		}
	}
	if ((rc == -ENOENT || rc == -ESTALE) && j->je.state == LSCD_J_ISSUED) {
		keep_issued(d, j, rc == -ENOENT ? "the kernel no longer waits for it" :
				  "the module was reloaded since it was taken");
		return;
	}
	if (rc == -ENOENT || rc == -ESTALE) {
		/* The AP went away or the module was reloaded: nobody to tell. */
		lsc_warn("AP %s request %" PRIu64 ": the kernel no longer waits for it (%s); result dropped",
			 j->mac, j->je.request_id, strerror(-rc));
		rc = 0;
	}
	if (rc) {
		/* Kept in the journal: the next start re-takes and completes it. */
		lsc_err("AP %s request %" PRIu64 ": COMPLETE failed: %s%s%s", j->mac,
			j->je.request_id, strerror(-rc), d->cmd.error_msg[0] ? ": " : "",
			d->cmd.error_msg);
	} else if (j->je.state == LSCD_J_ISSUED) {
		keep_delivered(d, j);
		return;
	} else {
		lscd_journal_remove(d->jdir, &j->je);
	}
	unlink_job(d, j);
}

static void settle(struct lscd *d, struct lscd_job *j)
{
	struct scep_txn_status st;

	scep_txn_status(j->sj.txn, &st);
	if (st.state == SCEP_TXN_ISSUED) {
		X509 *cert = scep_txn_cert(j->sj.txn);
		unsigned char *der = NULL;
		int n = i2d_X509(cert, &der);

		free(j->je.cert);
		j->je.cert = NULL;
		j->je.cert_len = 0;
		if (n > 0) {
			j->je.cert = malloc((size_t)n);
			if (j->je.cert) {
				memcpy(j->je.cert, der, (size_t)n);
				j->je.cert_len = (size_t)n;
			}
		}
		OPENSSL_free(der);
		if (!j->je.cert_len) {
			j->je.state = LSCD_J_FAILED;
			j->je.result = CAPWAP_LSC_RESULT_ERROR;
			snprintf(j->je.reason, sizeof(j->je.reason), "out of memory");
		} else {
			j->je.state = LSCD_J_ISSUED;
			j->je.result = CAPWAP_LSC_RESULT_SUCCESS;
		}
	} else {
		j->je.state = LSCD_J_FAILED;
		j->je.result = st.result;
		snprintf(j->je.reason, sizeof(j->je.reason), "%s", st.reason);
	}
	journal(d, j);
	if (j->je.state == LSCD_J_ISSUED)
		crash_point(j, "issued");
	finish(d, j);
}

/*
 * Written before it leaves: a crash from here on polls.  A request whose
 * SENT state did not reach the disk is not sent: after a crash lscd would
 * not know it ever went, and would make the CA issue a second certificate.
 */
static int on_sending(struct scep_jobs *js, struct scep_job *sj)
{
	struct lscd *d = container_of(js, struct lscd, jobs);
	struct lscd_job *j = container_of(sj, struct lscd_job, sj);
	struct scep_txn_status st;
	enum lscd_jstate was = j->je.state;
	int rc;

	scep_txn_status(sj->txn, &st);
	if (st.last_msg_type != SCEP_MSG_CERTPOLL && j->je.state != LSCD_J_SENT) {
		j->je.state = LSCD_J_SENT;
		rc = journal(d, j);
		if (rc) {
			j->je.state = was;
			scep_txn_fail(sj->txn, CAPWAP_LSC_RESULT_ERROR,
				      "not sent: the journal cannot record it (%s)",
				      strerror(-rc));
			return rc;
		}
		crash_point(j, "sent");
	}
	return 0;
}

/*
 * A transfer that broke after the connection was made may have delivered
 * the request, and the CA may have issued it: sent again, it would make a
 * second certificate for the same key.  Ask for the transaction first
 * (CertPoll), as after a crash; on_settled sends the request again only
 * when the CA does not know it.
 */
static void poll_if_delivered(struct lscd_job *j)
{
	if (j->controller || !lsc_http_xfer_maybe_delivered(&j->sj.x) ||
	    !scep_txn_poll_before_resend(j->sj.txn))
		return;
	scep_request_free(&j->sj.req);
	j->fallback_ok = true;
	lsc_info("%s: the request may have reached the CA: transactionID %s is asked for (CertPoll) before it is sent again",
		 j->sj.tag, j->je.transaction_id);
}

static void on_retrying(struct scep_jobs *js, struct scep_job *sj,
			unsigned int delay_ms)
{
	lsc_info("%s: CA unreachable, attempt %u of %u, retrying in %u ms",
		 sj->tag, sj->x.attempt, js->http->retries + 1, delay_ms);
	poll_if_delivered(container_of(sj, struct lscd_job, sj));
}

static void on_settled(struct scep_jobs *js, struct scep_job *sj,
		       enum scep_txn_state st)
{
	struct lscd *d = container_of(js, struct lscd, jobs);
	struct lscd_job *j = container_of(sj, struct lscd_job, sj);

	if (st == SCEP_TXN_ISSUED)
		crash_point(j, "answered");
	if (st == SCEP_TXN_FAILED && j->fallback_ok) {
		struct scep_txn_status s;

		/*
		 * Resumed after a crash, or held through an outage, between
		 * sending PKCSReq and reading its reply, and the CA does not
		 * know the transaction: it never got the request, or keeps no
		 * transactions, so send it now.
		 */
		scep_txn_status(sj->txn, &s);
		j->fallback_ok = false;
		lsc_info("%s: the CA does not answer CertPoll for transactionID %s (%s): sending the request again",
			 sj->tag, j->je.transaction_id, s.reason);
		if (!new_txn(d, j, j->je.renewal ? SCEP_TXN_F_RENEWAL : 0, NULL)) {
			j->je.state = LSCD_J_ACCEPTED;
			sj->due_ms = lsc_now_ms();
			return;
		}
	}
	if (st == SCEP_TXN_POLL_WAIT) {
		j->fallback_ok = false;
		if (j->je.state != LSCD_J_PENDING) {
			j->je.state = LSCD_J_PENDING;
			journal(d, j);
			lsc_info("%s: the CA left transactionID %s PENDING", sj->tag,
				 j->je.transaction_id);
		}
	} else if (st == SCEP_TXN_ISSUED || st == SCEP_TXN_FAILED) {
		settle(d, j);
	}
}

/*
 * No answer is no refusal: the request waits, unchanged, and costs its AP
 * no attempt.  Until the CA answers again lscd holds every job and takes
 * no new request (daemon.c probes the CA).
 */
static bool on_unreachable(struct scep_jobs *js, struct scep_job *sj)
{
	struct lscd *d = container_of(js, struct lscd, jobs);
	struct lscd_job *j = container_of(sj, struct lscd_job, sj);
	const char *url = scep_txn_ca(sj->txn)->url;

	/*
	 * A CA a reload replaced is not waited for: held, its requests would
	 * never end and would hold every other one at each retry.  This one
	 * fails as it did before holds existed; its AP asks again, and its
	 * new request goes to the CA configured now.
	 */
	if (!d->cfg.ca_url || strcmp(url, d->cfg.ca_url)) {
		lsc_warn("%s: CA %s unreachable after %u attempts, and no longer the configured CA: the request fails",
			 sj->tag, url, sj->x.attempt);
		return false;
	}
	lsc_warn("%s: CA unreachable after %u attempts: held until it answers again",
		 sj->tag, sj->x.attempt);
	poll_if_delivered(j);
	lscd_ca_down(d);
	return true;
}

const struct scep_jobs_ops lscd_job_ops = {
	.sending = on_sending,
	.retrying = on_retrying,
	.unreachable = on_unreachable,
	.settled = on_settled,
};

void lscd_jobs_free(struct lscd *d)
{
	while (d->jobs.head)
		unlink_job(d, container_of(d->jobs.head, struct lscd_job, sj));
}

static struct lscd_job *job_new(struct lscd *d, bool controller)
{
	struct lscd_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->controller = controller;
	j->kgen = d->kgen;
	j->started_ms = lsc_now_ms();
	j->sj.due_ms = j->started_ms;
	if (controller)
		d->ctrl_job = true;
	else
		d->njobs++;
	return j;
}

/*
 * The LSC's CN is C<model>-<mac> with the model from the AP's own Board
 * Data.  Only a model of [A-Za-z0-9_-]{1,63} keeps that CN in the form
 * lscd_dtls_cn_mac() parses as an AP's: with any other character
 * ("AP.3G1") the CN would name no AP, and an AP holding it could pose
 * as the controller to the other APs, which tell the controller from an
 * AP by that parse.
 */
static bool model_ok(const char *model)
{
	size_t i, len = strlen(model);

	if (!len || len > 63)
		return false;
	for (i = 0; i < len; i++)
		if (!(model[i] >= '0' && model[i] <= '9') &&
		    !(model[i] >= 'a' && model[i] <= 'z') &&
		    !(model[i] >= 'A' && model[i] <= 'Z') &&
		    model[i] != '-' && model[i] != '_')
			return false;
	return true;
}

static bool cn_matches(X509_REQ *req, const struct lscd_request *r,
		       char *want, size_t size)
{
	X509_NAME *n = X509_REQ_get_subject_name(req);
	char mac[13], have[256];
	int len;

	lsc_hex_encode(mac, r->mac, sizeof(r->mac));
	snprintf(want, size, "C%s-%s", r->model, mac);
	len = X509_NAME_get_text_by_NID(n, NID_commonName, have, sizeof(have));
	/* By length too: a NUL inside the CN would end strcmp() early. */
	return len > 0 && (size_t)len == strlen(want) && !strcmp(have, want) &&
	       X509_NAME_get_index_by_NID(n, NID_commonName,
					  X509_NAME_get_index_by_NID(n, NID_commonName, -1)) < 0;
}

int lscd_ap_check_csr(const struct lscd_request *r,
		      const struct lscd_csr_policy *pol, char *why, size_t size,
		      X509_REQ **out)
{
	const unsigned char *p = r->csr;
	X509_REQ *req = scep_csr_d2i(&p, (long)r->csr_len);
	EVP_PKEY *pub = NULL;
	char cn[128];
	unsigned int bits;
	int rc = -EINVAL;

	if (!req || p != r->csr + r->csr_len) {
		snprintf(why, size, "the request is not a PKCS#10 CSR");
		goto out;
	}
	pub = scep_csr_pubkey(req);
	if (!pub || X509_REQ_verify_ex(req, pub, NULL, NULL) != 1) {
		snprintf(why, size, "the CSR's signature does not verify");
		goto out;
	}
	if (!model_ok(r->model)) {
		snprintf(why, size, "the AP's model \"%.63s\" (WTP Board Data) is not 1 to 63 of A-Z a-z 0-9 - _, so the LSC's CN C<model>-<mac> would not name an AP",
			 r->model);
		goto out;
	}
	if (!cn_matches(req, r, cn, sizeof(cn))) {
		snprintf(why, size, "the CSR's CN is not %s (model and MAC of the AP)", cn);
		goto out;
	}
	bits = (unsigned int)EVP_PKEY_get_bits(pub);
	if (r->key_type == CAPWAP_LSC_KEY_EC && !EVP_PKEY_is_a(pub, "EC")) {
		snprintf(why, size, "the CSR's key is not an EC key");
		goto out;
	}
	if (r->key_type == CAPWAP_LSC_KEY_RSA && !EVP_PKEY_is_a(pub, "RSA")) {
		snprintf(why, size, "the CSR's key is not an RSA key");
		goto out;
	}
	if (bits < r->key_bits) {
		snprintf(why, size, "the CSR's key has %u bits, the module's policy wants %u",
			 bits, r->key_bits);
		goto out;
	}
	rc = lscd_csr_policy_check(req, pub, pol, why, size);
	if (!rc && out) {
		*out = req;
		req = NULL;
	}
out:
	EVP_PKEY_free(pub);
	X509_REQ_free(req);
	ERR_clear_error();
	return rc;
}

static struct lscd_jentry *find_resume(struct lscd *d, uint64_t id,
				       const char *hash)
{
	size_t i;

	for (i = 0; i < d->nresume; i++)
		if (d->resume[i].request_id == id &&
		    !strcmp(d->resume[i].csr_sha256, hash))
			return &d->resume[i];
	return NULL;
}

/*
 * The request r (a new id, the same AP, key and subject) takes over what
 * lscd holds for an earlier one that no request is left to take: the
 * journal entry is renamed, and carries r's id, CSR and flags from now on.
 */
static void rebind(struct lscd *d, struct lscd_jentry *e, struct lscd_request *r,
		   const char *mac, const char *hash)
{
	int rc;

	if (e->state != LSCD_J_ACCEPTED)
		lscd_journal_remove(d->jdir, e);
	e->request_id = r->id;
	e->renewal = r->flags & CAPWAP_LSC_F_RENEWAL;
	free(e->csr);
	e->csr = r->csr;
	e->csr_len = r->csr_len;
	r->csr = NULL;
	strcpy(e->csr_sha256, hash);
	if (e->state == LSCD_J_ACCEPTED)
		return;
	rc = lscd_journal_write(d->jdir, e);
	if (rc)
		lsc_err("AP %s request %" PRIu64 ": cannot journal: %s", mac, r->id,
			strerror(-rc));
}

static bool same_request(const struct lscd_jentry *e, const uint8_t *mac,
			 const char *ident)
{
	char other[65];

	return !memcmp(e->mac, mac, sizeof(e->mac)) &&
	       !lscd_csr_identity(e->csr, e->csr_len, other) &&
	       !strcmp(ident, other);
}

/*
 * j holds an earlier request of r's AP: taken from a module since
 * unloaded, or one the module has replaced since.
 */
static bool is_earlier(const struct lscd *d, const struct lscd_job *j,
		       const struct lscd_request *r)
{
	return (j->kgen != d->kgen || j->je.request_id != r->id) &&
	       !memcmp(j->je.mac, r->mac, sizeof(j->je.mac));
}

/*
 * The same AP asking again, under a new request id, for the same key and
 * subject: the module was reloaded, or the AP's request went away, while
 * the CA worked on the earlier one.  What lscd holds for that one answers
 * the new request: asking the CA again would make it issue a second
 * certificate for one key.  A job still with the CA takes the new request
 * over (true: r taken and released).  A journal entry no request took
 * (a certificate issued and never delivered, or a request sent whose
 * answer is still to be asked for) is renamed to the new request and
 * returned in *old, to be resumed as after a restart.
 */
static bool take_over(struct lscd *d, struct lscd_request *r, const char *hash,
		      struct lscd_jentry **old)
{
	X509 *issuer = d->ca ? d->ca->ca : NULL;
	char ident[65], mac[LSC_MAC_STR_LEN], why[256];
	struct lscd_job *j = NULL;
	struct scep_job *sj;
	bool candidate = false;
	uint64_t was;
	size_t i;

	*old = NULL;
	/* Cheap first: most requests have no earlier one of the same AP. */
	for (sj = d->jobs.head; sj && !candidate; sj = sj->next) {
		j = container_of(sj, struct lscd_job, sj);
		candidate = !j->controller && is_earlier(d, j, r);
	}
	for (i = 0; i < d->nresume && !candidate; i++)
		candidate = d->resume[i].state != LSCD_J_FAILED &&
			    !memcmp(d->resume[i].mac, r->mac, sizeof(r->mac));
	/* The module's policy of today, not of when the first was taken. */
	if (!candidate || lscd_csr_identity(r->csr, r->csr_len, ident) ||
	    lscd_ap_check_csr(r, &d->csr_pol, why, sizeof(why), NULL))
		return false;
	lsc_mac_format(mac, r->mac);
	for (sj = d->jobs.head; sj; sj = sj->next) {
		j = container_of(sj, struct lscd_job, sj);
		if (j->controller || !is_earlier(d, j, r) ||
		    !same_request(&j->je, r->mac, ident))
			continue;
		was = j->je.request_id;
		rebind(d, &j->je, r, mac, hash);
		j->kgen = d->kgen;
		snprintf(j->sj.tag, sizeof(j->sj.tag), "AP %s request %" PRIu64, mac, r->id);
		lsc_notice("AP %s request %" PRIu64 ": same key and subject as request %" PRIu64 ", still with the CA (transactionID %s): its answer goes to this one",
			   mac, r->id, was, j->je.transaction_id);
		lscd_request_release(r);
		return true;
	}
	for (i = 0; i < d->nresume; i++) {
		struct lscd_jentry *e = &d->resume[i];

		/*
		 * One the module took goes again only to a module loaded since,
		 * and never to a renewal: that asks for a new certificate.
		 */
		if (e->delivered && (e->kgen == d->kgen || delivered_expired(e, time(NULL)) ||
				     (r->flags & CAPWAP_LSC_F_RENEWAL)))
			continue;
		if (e->state == LSCD_J_FAILED || !same_request(e, r->mac, ident))
			continue;
		if (e->state == LSCD_J_ISSUED &&
		    lscd_jentry_answers(e, r->mac, r->csr, r->csr_len, issuer,
					time(NULL), why, sizeof(why))) {
			lsc_info("AP %s request %" PRIu64 ": the certificate kept from request %" PRIu64 " does not answer it: %s",
				 mac, r->id, e->request_id, why);
			continue;
		}
		was = e->request_id;
		rebind(d, e, r, mac, hash);
		if (e->delivered)
			lsc_notice("AP %s request %" PRIu64 ": same key and subject as request %" PRIu64 ", whose certificate the module took before it was reloaded (transactionID %s): delivered again, the CA is not asked again",
				   mac, r->id, was, e->transaction_id);
		else if (e->state == LSCD_J_ISSUED)
			lsc_notice("AP %s request %" PRIu64 ": same key and subject as request %" PRIu64 ", whose certificate was issued and never delivered (transactionID %s): delivered from the journal, the CA is not asked again",
				   mac, r->id, was, e->transaction_id);
		else
			lsc_notice("AP %s request %" PRIu64 ": same key and subject as request %" PRIu64 ", sent to the CA (transactionID %s) and never answered: asking the CA for that one",
				   mac, r->id, was, e->transaction_id);
		e->delivered = 0;
		*old = e;
		return false;
	}
	return false;
}

/* Takes ownership of r's CSR. */
int lscd_ap_take(struct lscd *d, struct lscd_request *r)
{
	struct lscd_jentry *old;
	struct lscd_job *j;
	X509_REQ *req = NULL;
	char hash[65], why[256];
	unsigned int flags = 0;
	int rc;

	rc = lscd_csr_hash(r->csr, r->csr_len, hash);
	if (rc)
		return rc;
	old = find_resume(d, r->id, hash);
	if (!old && take_over(d, r, hash, &old))
		return 0;
	j = job_new(d, false);
	if (!j)
		return -ENOMEM;
	lsc_mac_format(j->mac, r->mac);
	snprintf(j->sj.tag, sizeof(j->sj.tag), "AP %s request %" PRIu64, j->mac, r->id);
	if (old) {
		j->je = *old;
		*old = d->resume[--d->nresume];
		lscd_request_release(r);
		lsc_notice("AP %s request %" PRIu64 ": resuming from the journal, state %s, transactionID %s",
			   j->mac, j->je.request_id, lscd_jstate_name(j->je.state),
			   j->je.transaction_id);
		switch (j->je.state) {
		case LSCD_J_ISSUED:
		case LSCD_J_FAILED:
			finish(d, j);
			return 0;
		case LSCD_J_SENT:
			j->fallback_ok = true;
			/* fall through */
		case LSCD_J_PENDING:
			flags |= SCEP_TXN_F_RESUME_POLL;
			break;
		default:
			break;
		}
	} else {
		j->je.request_id = r->id;
		memcpy(j->je.mac, r->mac, sizeof(j->je.mac));
		j->je.renewal = r->flags & CAPWAP_LSC_F_RENEWAL;
		strcpy(j->je.csr_sha256, hash);
		j->je.state = LSCD_J_ACCEPTED;
		rc = lscd_ap_check_csr(r, &d->csr_pol, why, sizeof(why), &req);
		j->je.csr = r->csr;
		j->je.csr_len = r->csr_len;
		r->csr = NULL;
		if (rc) {
			j->je.state = LSCD_J_FAILED;
			j->je.result = CAPWAP_LSC_RESULT_BAD_REQUEST;
			snprintf(j->je.reason, sizeof(j->je.reason), "%s", why);
			lsc_notice("AP %s request %" PRIu64 ": refused: %s", j->mac,
				   r->id, why);
			journal(d, j);
			finish(d, j);
			return 0;
		}
	}
	/*
	 * An AP's renewal is a fresh PKCSReq: RenewalReq must be signed with
	 * the AP's current key, which never leaves the AP.
	 */
	rc = new_txn(d, j, flags, req);
	if (rc) {
		j->je.state = LSCD_J_FAILED;
		j->je.result = CAPWAP_LSC_RESULT_BAD_REQUEST;
		snprintf(j->je.reason, sizeof(j->je.reason),
			 "cannot start a SCEP transaction: %s", strerror(-rc));
		journal(d, j);
		finish(d, j);
		return 0;
	}
	if (!old)
		lsc_notice("AP %s request %" PRIu64 ": %s started, model %s, transactionID %s",
			   j->mac, j->je.request_id,
			   j->je.renewal ? "renewal" : "enrollment", r->model,
			   j->je.transaction_id);
	/*
	 * A new request reaches the journal when it is about to be sent
	 * (SENT): until then a crash loses nothing, since the kernel gives
	 * the request back and it starts afresh.  One atomic write (two
	 * fsyncs) less per AP.
	 */
	scep_jobs_add(&d->jobs, &j->sj);
	return 0;
}

int lscd_ctrl_enroll_start(struct lscd *d)
{
	struct lscd_job *j;
	uint8_t *csr = NULL;
	size_t len = 0;
	int rc;

	rc = lscd_ctrl_csr(&d->ctrl, &d->cfg, &csr, &len);
	if (rc)
		return rc;
	j = job_new(d, true);
	if (!j) {
		free(csr);
		return -ENOMEM;
	}
	snprintf(j->sj.tag, sizeof(j->sj.tag), "controller");
	snprintf(j->mac, sizeof(j->mac), "controller");
	j->je.csr = csr;
	j->je.csr_len = len;
	/* With an LSC already, RenewalReq signed by it (when the CA has it). */
	rc = new_txn(d, j, d->ctrl.cert ? SCEP_TXN_F_RENEWAL : 0, NULL);
	if (rc) {
		lsc_err("controller: cannot start a SCEP transaction: %s", strerror(-rc));
		unlink_job(d, j);
		d->ctrl_retry_ms = lsc_now_ms() + d->cfg.ca_retry_ms;
		return rc;
	}
	lsc_notice("controller: %s started, transactionID %s",
		   d->ctrl.cert ? "renewal" : "enrollment", j->je.transaction_id);
	scep_jobs_add(&d->jobs, &j->sj);
	return 0;
}
