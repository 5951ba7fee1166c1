/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one driver of SCEP transactions over HTTP, for "lscd enroll" and
 * the daemon alike: jobs on a curl multi handle, at most max_active
 * requests in flight to the CA, transport retries with back-off (the very
 * same message again), CertPoll waits, and a request built ahead while
 * every slot is busy so that it leaves the moment one frees.
 *
 * The owner embeds a struct scep_job in its own job, gives it a
 * transaction, adds it, and hears back through the ops:
 *
 *   sending    a new message (not a retry) is about to leave; non-zero
 *              holds it back and fails the transaction
 *   retrying   the CA was unreachable; the same message goes again later
 *   unreachable  the retries are spent and the CA still unreachable; true
 *              keeps the job (same message, no failure) for the owner to
 *              hold until the CA answers again
 *   settled    a reply moved the transaction (POLL_WAIT, ISSUED, FAILED);
 *              on ISSUED and FAILED the owner removes the job, or gives
 *              it a new transaction and a due time to go on
 *
 * The owner runs the loop: scep_jobs_start_due() and scep_jobs_perform()
 * whenever curl or a timer says so, scep_jobs_prebuild() before it
 * sleeps, and scep_jobs_wake_ms() for how long it may sleep.
 */
#ifndef LSCD_SCEP_JOB_H
#define LSCD_SCEP_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "http.h"
#include "scep_txn.h"

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct scep_job {
	struct scep_txn *txn;
	struct scep_request req;	/* built, not yet answered */
	struct lsc_http_xfer x;
	char tag[96];			/* names the job in logs and traces */
	uint64_t due_ms;		/* not to start before */
	bool in_flight;
	bool fresh;			/* req is a new message, not a retry */
	struct scep_job *next;
};

struct scep_jobs;

struct scep_jobs_ops {
	int (*sending)(struct scep_jobs *js, struct scep_job *j);
	void (*retrying)(struct scep_jobs *js, struct scep_job *j,
			 unsigned int delay_ms);
	bool (*unreachable)(struct scep_jobs *js, struct scep_job *j);
	void (*settled)(struct scep_jobs *js, struct scep_job *j,
			enum scep_txn_state st);
};

struct scep_jobs {
	CURLM *multi;
	const struct lsc_http_cfg *http;
	const struct scep_jobs_ops *ops;
	unsigned int max_active;
	unsigned int active;		/* transfers in flight */
	bool hold;			/* start nothing new (draining) */
	/*
	 * The owner's own transfers on the same multi handle carry no
	 * CURLOPT_PRIVATE; each that ends is handed back here.
	 */
	void (*other_done)(void *owner, CURL *easy, CURLcode code);
	void *owner;
	struct scep_job *head, *tail;
};

void scep_jobs_init(struct scep_jobs *js, CURLM *multi,
		    const struct lsc_http_cfg *http,
		    const struct scep_jobs_ops *ops, unsigned int max_active);
/* Appends j, due at j->due_ms; its transaction must be set. */
void scep_jobs_add(struct scep_jobs *js, struct scep_job *j);
/* Takes j out (its transfer too); the owner frees j->txn and j. */
void scep_jobs_remove(struct scep_jobs *js, struct scep_job *j);
/* Starts what is due while slots are free; returns how many started. */
unsigned int scep_jobs_start_due(struct scep_jobs *js);
/* Lets curl move and handles every reply; -EIO if curl itself fails. */
int scep_jobs_perform(struct scep_jobs *js);
void scep_jobs_prebuild(struct scep_jobs *js);
/* When a job is due next: now when one may start now, else max. */
uint64_t scep_jobs_wake_ms(const struct scep_jobs *js, uint64_t now,
			   uint64_t max);

#endif /* LSCD_SCEP_JOB_H */
