/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCCTL_SHOW_H
#define LSCCTL_SHOW_H

/*
 * What "lscctl show" prints of the module's replies: the text operators
 * read, or (-j) one JSON document built as the replies come and printed
 * once the last is in.  The reply functions are lsc_genl_reply_fn's,
 * their arg a struct lscctl_out.
 */

#include <stdbool.h>
#include <json-c/json.h>

#include "genl.h"
#include "saved.h"

/* What the replies are shown through: text as they come, or one document. */
struct lscctl_out {
	bool json;
	bool prometheus;	/* show stats --prometheus */
	struct json_object *doc;
	struct json_object *aps;	/* the array AP objects go to */
	unsigned int count;
	unsigned int by_cert[__CAPWAP_LSC_CERT_MAX];
};

/* A document of the command's own, an object or an array (with -j only). */
int lscctl_out_doc(struct lscctl_out *o, bool array);

int lscctl_summary_reply(struct nlattr **a, void *arg);
/* The provisioning mode and list, before the APs of "show ap-provision". */
int lscctl_provisioning_reply(struct nlattr **a, void *arg);
/* One AP of a dump: a table row, or an object in o->aps. */
int lscctl_ap_row_reply(struct nlattr **a, void *arg);
/* The totals line under the table (nothing with -j). */
void lscctl_ap_totals(struct lscctl_out *o);
/* One AP in detail, or as the document. */
int lscctl_ap_detail_reply(struct nlattr **a, void *arg);
int lscctl_stats_reply(struct nlattr **a, void *arg);
/* An aggregate the module shows in sysfs only; false when unreadable. */
bool lscctl_sysfs_uint(const char *name, unsigned int *v);
/* Saved settings under the keys "show summary" gives the running ones. */
struct json_object *lscctl_saved_json(const struct lsc_saved *s);

#endif /* LSCCTL_SHOW_H */
