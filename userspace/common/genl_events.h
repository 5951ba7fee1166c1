/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_GENL_EVENTS_H
#define LSC_GENL_EVENTS_H

/*
 * The receiving side of the "events" multicast group, for an event loop:
 * a socket of its own (so that multicast never interleaves with the
 * replies of lsc_genl_call on the command socket), non-blocking, without
 * sequence checks (notifications carry sequence 0), and a call that
 * handles whatever is queued and returns.
 */

#include <stdbool.h>

#include "genl.h"

/*
 * Also joins nlctrl's "notify" group, so that the family's registration
 * and removal (the module loaded or unloaded) are seen as they happen.
 */
int lsc_genl_events_open(struct lsc_genl *ev);
/* After the family came back: its events group again, looked up on cmd. */
int lsc_genl_events_rejoin(struct lsc_genl *ev, struct lsc_genl *cmd);
int lsc_genl_events_fd(const struct lsc_genl *ev);

/*
 * Calls fn for every queued notification with its command and parsed
 * attributes, until the socket has nothing more.  Returns the number of
 * notifications handled, -ENOBUFS when the kernel dropped some (the
 * caller must then assume it missed events and look for itself), or
 * another negative errno.
 */
typedef void (*lsc_genl_event_fn)(uint8_t cmd, struct nlattr **attrs,
				  void *arg);
/* The family was registered (present) or removed. */
typedef void (*lsc_genl_family_fn)(bool present, void *arg);
int lsc_genl_events_process(struct lsc_genl *ev, lsc_genl_event_fn fn,
			    lsc_genl_family_fn family_fn, void *arg);

#endif /* LSC_GENL_EVENTS_H */
