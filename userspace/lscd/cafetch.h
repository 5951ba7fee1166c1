/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_CAFETCH_H
#define LSCD_CAFETCH_H

#include <stdbool.h>

#include "http.h"
#include "scep_ca.h"

/* What a CA must satisfy to be used at all. */
struct lscd_ca_policy {
	/* SHA-256 of the issuing CA's certificate; NULL: any CA */
	const char *fingerprint;
	const char *root_file;		/* ca_root: roots GetCACert lacks */
	unsigned int min_cipher;	/* enum scep_alg_rank */
	unsigned int min_digest;
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
		  struct scep_ca **out, char fp[65]);
/* The chain and algorithms of a CA known otherwise (the state cache). */
int lscd_ca_apply_policy(struct scep_ca *ca, const struct lscd_ca_policy *pol);
/* The trace line of a CA operation, on stderr when trace is set. */
void lscd_trace_op(bool trace, const char *url, const char *op);

#endif /* LSCD_CAFETCH_H */
