/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_DAEMON_H
#define LSCD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include "cafetch.h"
#include "config.h"
#include "controller.h"
#include "csr_policy.h"
#include "dtls_relay.h"
#include "genl.h"
#include "http.h"
#include "journal.h"
#include "kernel.h"
#include "scep_ca.h"
#include "scep_job.h"

#define LSCD_MAX_OVERRIDES 64
#define LSCD_JOURNAL_EXPIRY (7 * 86400)
/* Looks the family up now and then, in case its notifications were lost. */
#define LSCD_FAMILY_CHECK_MS 60000

struct lscd_renew_mark {
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	uint64_t sent;			/* seconds since the epoch */
};

struct lscd {
	struct lscd_config cfg;
	const char *config_path;
	bool config_missing_ok;
	const char *ov_key[LSCD_MAX_OVERRIDES];
	const char *ov_val[LSCD_MAX_OVERRIDES];
	unsigned int nov;
	bool load_module;

	struct lsc_genl cmd, ev;
	struct lscd_dtls_relay *dtls;	/* NULL: not answering DTLS */
	int sigfd;
	CURLM *multi;
	struct lsc_http_cfg http;
	struct scep_ca *ca;
	STACK_OF(X509) *chain;		/* d->ca's: what the kernel trusts */
	struct lscd_controller ctrl;
	struct lscd_csr_policy csr_pol;	/* what AP requests may ask for */
	char *jdir;
	struct lscd_jentry *resume;	/* journal entries not yet re-taken */
	size_t nresume;

	struct scep_jobs jobs;		/* AP and controller enrollments */
	unsigned int njobs;		/* AP jobs held */
	bool ctrl_job;
	bool ctrl_renew;		/* forced by SIGUSR1 */
	uint64_t ctrl_renewed;		/* last window renewal, epoch seconds */
	uint64_t ctrl_retry_ms;
	uint64_t ctrl_save_ms;		/* next try to save an unsaved LSC */
	unsigned int ctrl_save_delay_ms;
	bool need_accept;
	/*
	 * The kernel announces every new request, so a finished job calls
	 * for an ACCEPT only when requests may wait that no announcement
	 * brings again: the backlog was full or ACCEPT failed (unaccepted),
	 * or the announcements do not reach us (events_lost).
	 */
	bool unaccepted;
	bool events_lost;		/* rejoining the events group failed */
	bool kernel_gone;		/* the genl family is not registered */
	uint64_t family_check_ms;
	unsigned int kgen;		/* the family's registrations seen */
	bool stopping;
	uint64_t stop_deadline_ms;
	uint64_t ca_retry_ms;
	struct lscd_cafetch caf;	/* GetCACaps/GetCACert in progress */
	bool caf_first;			/* that fetch is the one at start */
	bool caf_probe;			/* that fetch asks if the CA is back */
	bool caf_refresh;		/* that fetch checks the CA in use */
	uint64_t ca_refresh_ms;		/* next such check */
	bool ca_down;			/* jobs held until the CA answers */
	uint64_t ca_probe_ms;
	unsigned int ca_probe_delay_ms;
	uint64_t renew_check_ms;
	struct lscd_renew_mark *marks;
	size_t nmarks;
	unsigned long issued, failed;
};

int lscd_run(struct lscd *d);
/* Re-reads the config file and applies the command-line overrides. */
int lscd_load_config(struct lscd *d, struct lscd_config *out);

/* renew.c */
uint64_t lscd_renew_due(uint64_t expiry, const uint8_t *mac,
			unsigned int renew_days, unsigned int stagger_days);
void lscd_renew_check(struct lscd *d);
void lscd_issued_note(struct lscd *d, const uint8_t *mac, uint64_t expiry);

/* apenroll.c */
int lscd_ap_take(struct lscd *d, struct lscd_request *r);
/* On success, *out (when not NULL) takes the parsed request. */
int lscd_ap_check_csr(const struct lscd_request *r,
		      const struct lscd_csr_policy *pol, char *why, size_t size,
		      X509_REQ **out);
extern const struct scep_jobs_ops lscd_job_ops;
void lscd_jobs_free(struct lscd *d);
int lscd_ctrl_enroll_start(struct lscd *d);
void lscd_push_controller(struct lscd *d);
/* A transfer found the CA unreachable: hold everything, probe it. */
void lscd_ca_down(struct lscd *d);

#endif /* LSCD_DAEMON_H */
