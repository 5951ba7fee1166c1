/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_GENL_H
#define LSC_GENL_H

/*
 * A small facade over libnl-genl for the "capwap_lsc" family: open and
 * resolve (which makes the kernel load the module), build a request, run
 * it and get the kernel's errno back.  Errors are negative errnos.
 */

#include <stdint.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/capwap_lsc.h>

struct lsc_genl {
	struct nl_sock *sock;
	int family;
	/* The kernel's extended-ack message for the last failed call. */
	char error_msg[128];
};

int lsc_genl_open(struct lsc_genl *g);
/*
 * Looks the family's id up again on an open socket (the module was
 * reloaded): 0, -ENOENT while the family is not registered, or -EIO.
 */
int lsc_genl_resolve(struct lsc_genl *g);
void lsc_genl_close(struct lsc_genl *g);

/* A request for cmd; NLM_F_DUMP in flags asks for a dump. */
struct nl_msg *lsc_genl_msg(struct lsc_genl *g, uint8_t cmd, int flags);
/* The same with room for size bytes, for requests that carry certificates. */
struct nl_msg *lsc_genl_msg_sized(struct lsc_genl *g, uint8_t cmd, int flags,
				  size_t size);

/*
 * Sends msg (and frees it), calls reply for every message that comes back
 * with the parsed top-level attributes, and waits for the kernel's
 * acknowledgement.  Returns 0 or the kernel's negative errno.
 */
typedef int (*lsc_genl_reply_fn)(struct nlattr **attrs, void *arg);
int lsc_genl_call(struct lsc_genl *g, struct nl_msg *msg,
		  lsc_genl_reply_fn reply, void *arg);

/* Joins the "events" multicast group. */
int lsc_genl_subscribe_events(struct lsc_genl *g);

#endif /* LSC_GENL_H */
