/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_CAFETCH_H
#define LSCD_CAFETCH_H

#include <stdbool.h>

#include <curl/curl.h>

#include "http.h"
#include "scep_ca.h"

/* What a CA must satisfy to be used at all. */
struct lscd_ca_policy {
	/* SHA-256 of the issuing CA's certificate; NULL: any CA */
	const char *fingerprint;
	const char *root_file;		/* ca_root: roots GetCACert lacks */
	unsigned int min_cipher;	/* enum scep_alg_rank */
	unsigned int min_digest;
	/*
	 * The next CA the pinned one announced (GetNextCACert, signed by it):
	 * taken in its place, and said so (lscd_cafetch.rolled).  NULL: none.
	 */
	const char *next_fingerprint;
	/* GetNextCACert too, when GetCACaps offers it (the daemon's fetch). */
	bool want_next;
	/* getca only shows the CA: a missing root or weak algorithms are
	 * said, not refused. */
	bool show_only;
};

/* The defaults: AES-128 and SHA-256 at least, no pin, no extra root. */
void lscd_ca_policy_init(struct lscd_ca_policy *p);

/*
 * GetCACaps (its failure or an empty reply only means "no capabilities"),
 * then GetCACert, checked against the policy: the fingerprint, the chain
 * up to a root, the algorithms.  Returns -EPERM when the CA is not the
 * pinned one (fp, when given, gets the one seen), -ENOTSUP when it offers
 * only weaker algorithms than the minimum, -EKEYREJECTED when it does not
 * chain to a root, -EHOSTUNREACH when the CA could not be reached, another
 * negative errno otherwise.  Every refusal is logged.
 */
int lscd_ca_fetch(const char *url, const struct lscd_ca_policy *pol,
		  const struct lsc_http_cfg *http, bool trace,
		  struct scep_ca **out, char seen[65]);
/* The chain and algorithms of a CA known otherwise (the state cache). */
int lscd_ca_apply_policy(struct scep_ca *ca, const struct lscd_ca_policy *pol);
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
	/* A copy: its strings are the fetch's own. */
	struct lscd_ca_policy pol;
	/* Kept after the fetch ends, for its caller: the fingerprint of the
	 * CA that answered ("" if none did), and whether one was pinned. */
	char seen[65];
	bool pinned;
	/* The CA that answered is pol.next_fingerprint, not the pinned one. */
	bool rolled;
	/* GetNextCACert's answer, verified against the CA that answered (the
	 * caller takes it), and its fingerprint; NULL and "" if none. */
	struct scep_ca *next;
	char next_fp[65];
	bool trace;
	bool busy;			/* a transfer is on the multi handle */
	bool cert_step;			/* GetCACert, after GetCACaps */
	bool next_step;			/* GetNextCACert, after GetCACert */
};

int lscd_cafetch_start(struct lscd_cafetch *f, CURLM *multi, const char *url,
		       const struct lscd_ca_policy *pol,
		       const struct lsc_http_cfg *http, bool trace);
bool lscd_cafetch_owns(const struct lscd_cafetch *f, CURL *easy);
int lscd_cafetch_done(struct lscd_cafetch *f, CURLcode code, struct scep_ca **out);
/* Stops a fetch in progress, if any, and frees what it holds (f->next
 * included). */
void lscd_cafetch_cancel(struct lscd_cafetch *f);

/* The trace line of a CA operation, on stderr when trace is set. */
void lscd_trace_op(bool trace, const char *url, const char *op);

#endif /* LSCD_CAFETCH_H */
