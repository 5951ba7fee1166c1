// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl monitor: the module's "monitor" multicast group, printed as it
 * comes.  The module never waits for this reader: when the socket's
 * buffer is full the kernel drops what does not fit and the next read
 * fails with ENOBUFS, which is said on a line of its own ("events lost")
 * so that nobody mistakes a gap for quiet.  Every line is flushed at
 * once, for a pipe or a file as for a terminal.  nlctrl's notifications
 * tell when the module is unloaded: monitor then says so and exits 1
 * rather than wait for events that can no longer come.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "event.h"
#include "monitor.h"

struct monitor {
	int family;
	bool json;
	int json_flags;
	bool gone;		/* the family was unregistered: nothing comes */
};

static void print_json(const struct monitor *m, struct json_object *o)
{
	if (!o)
		return;
	printf("%s\n", json_object_to_json_string_ext(o, m->json_flags));
	json_object_put(o);
}

static void print_lost(const struct monitor *m)
{
	struct json_object *o;
	struct timespec ts;
	char when[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	lscctl_event_time(when, sizeof(when),
			  (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	if (!m->json) {
		printf("%s - events lost: this reader was too slow and the kernel "
		       "dropped some (ENOBUFS)\n", when);
		return;
	}
	o = json_object_new_object();
	if (!o)
		return;
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "event", json_object_new_string("lost"));
	print_json(m, o);
}

/* nlctrl's word that the module's family went away (unloaded). */
static bool family_removed(struct nl_msg *msg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *name;

	if (((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) < 0)
		return false;
	name = tb[CTRL_ATTR_FAMILY_NAME];
	return name && nla_len(name) == sizeof(CAPWAP_LSC_GENL_NAME) &&
	       !memcmp(nla_data(name), CAPWAP_LSC_GENL_NAME, sizeof(CAPWAP_LSC_GENL_NAME));
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct monitor *m = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a[CAPWAP_LSC_A_MAX + 1];
	struct lscctl_event ev;
	char line[640];

	/* Any local process may unicast here: only the kernel's word counts. */
	if (nlmsg_get_src(msg)->nl_pid != 0 || !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		if (!family_removed(msg))
			return NL_SKIP;
		m->gone = true;
		return NL_STOP;
	}
	if (nlh->nlmsg_type != m->family ||
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CAPWAP_LSC_CMD_EVENT)
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, a, CAPWAP_LSC_A_MAX, NULL) < 0 ||
	    !a[CAPWAP_LSC_A_EVENT] || lscctl_event_parse(a[CAPWAP_LSC_A_EVENT], &ev)) {
		fprintf(stderr, "lscctl monitor: an event the module sent could not be read\n");
		return NL_SKIP;
	}
	if (m->json) {
		print_json(m, lscctl_event_json(&ev));
	} else {
		lscctl_event_line(line, sizeof(line), &ev);
		printf("%s\n", line);
	}
	return NL_OK;
}

int lscctl_monitor(struct lsc_genl *g, bool json, int json_flags, int rcvbuf)
{
	struct monitor m = { .family = g->family, .json = json,
			     .json_flags = json_flags };
	int group, notify, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	group = genl_ctrl_resolve_grp(g->sock, CAPWAP_LSC_GENL_NAME,
				      CAPWAP_LSC_MCGRP_MONITOR);
	if (group < 0) {
		fprintf(stderr, "lscctl monitor: the module has no \"%s\" group "
			"(older than this lscctl?): %s\n", CAPWAP_LSC_MCGRP_MONITOR,
			nl_geterror(group));
		return -ENOENT;
	}
	/*
	 * SO_RCVBUFFORCE: plain SO_RCVBUF is capped at net.core.rmem_max
	 * without a word, and a monitor holds CAP_NET_ADMIN anyway.
	 */
	if (rcvbuf && setsockopt(nl_socket_get_fd(g->sock), SOL_SOCKET,
				 SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf))) {
		fprintf(stderr, "lscctl monitor: cannot set the receive buffer to %d bytes: %s\n",
			rcvbuf, strerror(errno));
		return -EIO;
	}
	/*
	 * Looked up before the monitor group is joined: after it, an event
	 * can arrive before the lookup's reply and be read as its answer.
	 */
	notify = genl_ctrl_resolve_grp(g->sock, "nlctrl", "notify");
	ret = notify < 0 ? notify : nl_socket_add_membership(g->sock, group);
	if (!ret)
		ret = nl_socket_add_membership(g->sock, notify);
	if (ret < 0) {
		ret = ret == -NLE_PERM ? -EPERM : -EIO;
		fprintf(stderr, "lscctl monitor: cannot join the \"%s\" group: %s%s\n",
			CAPWAP_LSC_MCGRP_MONITOR, strerror(-ret),
			ret == -EPERM ? ": needs CAP_NET_ADMIN (run as root)" : "");
		return ret;
	}
	nl_socket_disable_seq_check(g->sock);
	nl_socket_modify_cb(g->sock, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &m);
	fprintf(stderr, "lscctl monitor: listening (interrupt to stop)\n");
	for (;;) {
		ret = nl_recvmsgs_default(g->sock);
		if (m.gone) {
			fprintf(stderr, "lscctl monitor: the capwap_lsc module was unloaded: "
				"no more events\n");
			return -ENODEV;
		}
		if (ret == -NLE_NOMEM) {
			/* libnl's word for ENOBUFS: the kernel dropped some. */
			print_lost(&m);
			continue;
		}
		if (ret < 0) {
			fprintf(stderr, "lscctl monitor: %s\n", nl_geterror(ret));
			return -EIO;
		}
	}
}
