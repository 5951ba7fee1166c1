// SPDX-License-Identifier: GPL-2.0
/*
 * SCEP jobs on a curl multi handle (see scep_job.h).  One enrollment at a
 * time must not mean a CA idling while we work: a finished transfer frees
 * its slot, the next (prebuilt) request goes out at once, and only then
 * is the reply decrypted and checked, while the CA works on the next one.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "scep_job.h"

/* Room for the transfers that end in one round of curl_multi_perform(). */
#define MAX_ENDED 256

void scep_jobs_init(struct scep_jobs *js, CURLM *multi,
		    const struct lsc_http_cfg *http,
		    const struct scep_jobs_ops *ops, unsigned int max_active)
{
	memset(js, 0, sizeof(*js));
	js->multi = multi;
	js->http = http;
	js->ops = ops;
	js->max_active = max_active;
}

void scep_jobs_add(struct scep_jobs *js, struct scep_job *j)
{
	j->next = NULL;
	if (js->tail)
		js->tail->next = j;
	else
		js->head = j;
	js->tail = j;
}

void scep_jobs_remove(struct scep_jobs *js, struct scep_job *j)
{
	struct scep_job **p, *prev = NULL;

	for (p = &js->head; *p; prev = *p, p = &(*p)->next) {
		if (*p != j)
			continue;
		*p = j->next;
		if (js->tail == j)
			js->tail = prev;
		break;
	}
	j->next = NULL;
	if (j->in_flight) {
		curl_multi_remove_handle(js->multi, j->x.easy);
		js->active--;
		j->in_flight = false;
	}
	lsc_http_xfer_cleanup(&j->x);
	scep_request_free(&j->req);
}

static void settle(struct scep_jobs *js, struct scep_job *j,
		   enum scep_txn_state st)
{
	js->ops->settled(js, j, st);
}

/*
 * Builds the job's next message unless it holds one already (a transport
 * retry resends the very same message, same nonce).  Returns 0 with j->req
 * ready, or -1 when the transaction failed (and was settled).
 */
static int build(struct scep_jobs *js, struct scep_job *j)
{
	int rc = scep_txn_ensure_request(j->txn, &j->req);

	if (rc < 0) {
		settle(js, j, SCEP_TXN_FAILED);
		return -1;
	}
	if (rc) {
		j->fresh = true;
		j->x.attempt = 0;
	}
	return 0;
}

static void start(struct scep_jobs *js, struct scep_job *j)
{
	int rc;

	if (build(js, j))
		return;
	if (j->fresh) {
		j->fresh = false;
		if (js->ops->sending && js->ops->sending(js, j)) {
			struct scep_txn_status st;

			/* The owner's own reason, when it gave one, stands. */
			scep_txn_status(j->txn, &st);
			if (st.state != SCEP_TXN_FAILED)
				scep_txn_fail(j->txn, CAPWAP_LSC_RESULT_ERROR,
					      "request held back before sending");
			settle(js, j, SCEP_TXN_FAILED);
			return;
		}
	}
	rc = lsc_http_xfer_init(&j->x, js->http, j->req.url, j->req.content_type,
				j->req.post ? j->req.body : NULL, j->req.len,
				j->tag);
	if (!rc) {
		/*
		 * A PKIOperation is not idempotent: on a kept-alive connection
		 * that dies without an answer, libcurl sends it again by itself,
		 * on a new connection, and the CA may issue a second
		 * certificate; the failure it reports then says nothing of the
		 * first transfer.  Each goes on a connection of its own, so
		 * that lscd sees every broken transfer and can poll for it.
		 */
		curl_easy_setopt(j->x.easy, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(j->x.easy, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(j->x.easy, CURLOPT_PRIVATE, j);
		if (curl_multi_add_handle(js->multi, j->x.easy) != CURLM_OK) {
			lsc_http_xfer_cleanup(&j->x);
			rc = -ENOMEM;
		}
	}
	if (rc) {
		scep_txn_fail(j->txn, CAPWAP_LSC_RESULT_ERROR,
			      "cannot start the transfer: %s", strerror(-rc));
		settle(js, j, SCEP_TXN_FAILED);
		return;
	}
	j->in_flight = true;
	js->active++;
}

static bool startable(const struct scep_jobs *js, const struct scep_job *j,
		      uint64_t now)
{
	return !j->in_flight && j->due_ms <= now && !js->hold;
}

unsigned int scep_jobs_start_due(struct scep_jobs *js)
{
	unsigned int before = js->active;
	uint64_t now;
	struct scep_job *j, *n;

	/* Every slot busy: nothing to start, and no clock to read. */
	if (js->active >= js->max_active || js->hold || !js->head)
		return 0;
	now = lsc_now_ms();
	for (j = js->head; j && js->active < js->max_active; j = n) {
		n = j->next;
		if (startable(js, j, now))
			start(js, j);
	}
	return js->active > before ? js->active - before : 0;
}

/* A transfer ended: its slot is free for the next request at once. */
static void detach(struct scep_jobs *js, struct scep_job *j)
{
	curl_multi_remove_handle(js->multi, j->x.easy);
	js->active--;
}

static void reply(struct scep_jobs *js, struct scep_job *j, CURLcode code)
{
	const struct lsc_http_cfg *http = js->http;
	enum scep_txn_state st;
	char err[512];

	j->in_flight = false;
	lsc_http_xfer_done(&j->x, code);
	if (lsc_http_xfer_retryable(&j->x) && j->x.attempt <= http->retries) {
		unsigned int delay = lsc_http_retry_delay_ms(http, j->x.attempt);

		if (js->ops->retrying)
			js->ops->retrying(js, j, delay);
		j->due_ms = lsc_now_ms() + delay;
		lsc_http_xfer_reset(&j->x);
		return;
	}
	if (lsc_http_xfer_retryable(&j->x) && js->ops->unreachable &&
	    js->ops->unreachable(js, j)) {
		lsc_http_xfer_reset(&j->x);
		j->x.attempt = 0;
		j->due_ms = lsc_now_ms();
		return;
	}
	if (lsc_http_xfer_failed(&j->x)) {
		lsc_http_xfer_error(&j->x, err, sizeof(err));
		st = scep_txn_fail(j->txn, CAPWAP_LSC_RESULT_NO_RESPONSE, "%s: %s",
				   lsc_http_xfer_retryable(&j->x) ? "CA unreachable" :
				   "transfer failed", err);
	} else {
		st = scep_txn_handle_reply(j->txn, j->x.status, j->x.content_type,
					   j->x.body, j->x.len);
	}
	lsc_http_xfer_cleanup(&j->x);
	scep_request_free(&j->req);
	if (st == SCEP_TXN_POLL_WAIT)
		j->due_ms = lsc_now_ms() + scep_txn_poll_delay_ms(j->txn);
	settle(js, j, st);
}

/*
 * Lets curl move, and detaches every transfer that ended, freeing its
 * slot.  Every call drains curl's queue of finished transfers: one left
 * there would hold its slot while curl_multi_poll() sleeps on a socket
 * that has nothing more to say.
 */
static int collect(struct scep_jobs *js, struct scep_job **ended,
		   CURLcode *codes, unsigned int *nended)
{
	struct CURLMsg *m;
	CURL *other[MAX_ENDED];
	CURLcode other_code[MAX_ENDED];
	unsigned int nother = 0, i;
	int running, q;

	*nended = 0;
	if (curl_multi_perform(js->multi, &running) != CURLM_OK)
		return -EIO;
	while (*nended < MAX_ENDED && nother < MAX_ENDED &&
	       (m = curl_multi_info_read(js->multi, &q))) {
		struct scep_job *j = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		if (!j) {
			other[nother] = m->easy_handle;
			other_code[nother++] = m->data.result;
			continue;
		}
		codes[*nended] = m->data.result;
		detach(js, j);
		ended[(*nended)++] = j;
	}
	/* After the loop: the owner may add and remove transfers. */
	for (i = 0; i < nother; i++)
		if (js->other_done)
			js->other_done(js->owner, other[i], other_code[i]);
	return 0;
}

/*
 * Rounds repeat until no transfer ends, so a reply that arrived while we
 * worked is taken before any wait.
 */
int scep_jobs_perform(struct scep_jobs *js)
{
	struct scep_job *ended[MAX_ENDED];
	CURLcode codes[MAX_ENDED];
	unsigned int i, nended;
	int running;

	do {
		if (collect(js, ended, codes, &nended))
			return -EIO;
		if (nended && scep_jobs_start_due(js) &&
		    curl_multi_perform(js->multi, &running) != CURLM_OK)
			return -EIO;
		for (i = 0; i < nended; i++)
			reply(js, ended[i], codes[i]);
		if (nended)
			scep_jobs_start_due(js);
	} while (nended);
	return 0;
}

/*
 * While every slot waits on the CA, sign and encrypt the message of the
 * job that starts next, so that it leaves the moment a slot frees.
 */
void scep_jobs_prebuild(struct scep_jobs *js)
{
	uint64_t now = lsc_now_ms();
	struct scep_job *j, *n;

	if (js->active < js->max_active)
		return;
	for (j = js->head; j; j = n) {
		n = j->next;
		if (!startable(js, j, now))
			continue;
		if (!build(js, j))
			return;
	}
}

uint64_t scep_jobs_wake_ms(const struct scep_jobs *js, uint64_t now,
			   uint64_t max)
{
	const struct scep_job *j;
	uint64_t next = max;

	for (j = js->head; j; j = j->next) {
		if (j->in_flight || js->hold)
			continue;
		if (j->due_ms <= now) {
			if (js->active < js->max_active)
				return now;
			continue;
		}
		if (j->due_ms < next)
			next = j->due_ms;
	}
	return next;
}
