/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_CAFETCH_H
#define LSCD_CAFETCH_H

#include <stdbool.h>

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
/* The trace line of a CA operation, on stderr when trace is set. */
void lscd_trace_op(bool trace, const char *url, const char *op);

#endif /* LSCD_CAFETCH_H */
