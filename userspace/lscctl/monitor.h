/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCCTL_MONITOR_H
#define LSCCTL_MONITOR_H

#include <stdbool.h>

#include "genl.h"

/*
 * "lscctl monitor": joins the "monitor" group on @g's socket and prints
 * every event as it comes, a line or (@json) a JSON object each, until
 * killed.  @rcvbuf, when not 0, is the socket's receive buffer in bytes.
 * Returns only on an error or when the module is unloaded (-ENODEV), a
 * negative errno told on stderr.
 */
int lscctl_monitor(struct lsc_genl *g, bool json, int json_flags, int rcvbuf);

#endif /* LSCCTL_MONITOR_H */
