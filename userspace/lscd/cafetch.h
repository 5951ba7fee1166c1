/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_CAFETCH_H
#define LSCD_CAFETCH_H

#include <stdbool.h>

#include <curl/curl.h>

#include "http.h"
#include "scep_ca.h"

/*
 * GetCACaps (its failure or an empty reply only means "no capabilities"),
 * then GetCACert, checked against the fingerprint when one is given.
 * -EPERM when the CA is not the pinned one, -EHOSTUNREACH when the CA
 * could not be reached, another negative errno otherwise.
 */
int lscd_ca_fetch(const char *url, const char *fingerprint,
		  const struct lsc_http_cfg *http, bool trace,
		  struct scep_ca **out);
/*
 * The same fetch on a curl multi handle, for the daemon's event loop: one
 * attempt of each operation, no waiting.  Its transfer carries no
 * CURLOPT_PRIVATE; whoever reads the multi handle's messages gives each
 * ended transfer that f owns to lscd_cafetch_done(), which returns
 * -EINPROGRESS while the fetch goes on, else what lscd_ca_fetch() would.
 */
struct lscd_cafetch {
	CURLM *multi;
	const struct lsc_http_cfg *http;
	struct lsc_http_xfer x;
	struct scep_ca *ca;
	char *fingerprint;
	bool trace;
	bool busy;			/* a transfer is on the multi handle */
	bool cert_step;			/* GetCACert, after GetCACaps */
};

int lscd_cafetch_start(struct lscd_cafetch *f, CURLM *multi, const char *url,
		       const char *fingerprint, const struct lsc_http_cfg *http,
		       bool trace);
bool lscd_cafetch_owns(const struct lscd_cafetch *f, CURL *easy);
int lscd_cafetch_done(struct lscd_cafetch *f, CURLcode code, struct scep_ca **out);
/* Stops a fetch in progress, if any, and frees what it holds. */
void lscd_cafetch_cancel(struct lscd_cafetch *f);

/* The trace line of a CA operation, on stderr when trace is set. */
void lscd_trace_op(bool trace, const char *url, const char *op);

#endif /* LSCD_CAFETCH_H */
