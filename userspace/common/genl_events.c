// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "genl_events.h"

int lsc_genl_events_open(struct lsc_genl *ev)
{
	int notify, ret;

	ret = lsc_genl_open(ev);
	if (ret)
		return ret;
	/*
	 * Both groups are looked up before either is joined: once the events
	 * group is, an event can arrive before a lookup's reply, and the
	 * lookup reads it as its answer (a sequence mismatch).
	 */
	notify = genl_ctrl_resolve_grp(ev->sock, "nlctrl", "notify");
	if (notify < 0) {
		ret = -EIO;
		goto err;
	}
	ret = lsc_genl_subscribe_events(ev);
	if (ret)
		goto err;
	if (nl_socket_add_membership(ev->sock, notify) < 0) {
		ret = -EIO;
		goto err;
	}
	nl_socket_disable_seq_check(ev->sock);
	nl_socket_disable_auto_ack(ev->sock);
	if (nl_socket_set_nonblocking(ev->sock) < 0) {
		ret = -EIO;
		goto err;
	}
	/* A burst of announcements after a controller reboot: room for it. */
	nl_socket_set_buffer_size(ev->sock, 1 << 20, 0);
	return 0;
err:
	lsc_genl_close(ev);
	return ret;
}

int lsc_genl_events_rejoin(struct lsc_genl *ev, struct lsc_genl *cmd)
{
	/*
	 * Looked up on the command socket: replies read here would mix with
	 * the notifications queued on this one.
	 */
	int group = genl_ctrl_resolve_grp(cmd->sock, CAPWAP_LSC_GENL_NAME,
					  CAPWAP_LSC_MCGRP_EVENTS);

	if (group < 0)
		return group == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
	ev->family = cmd->family;
	return nl_socket_add_membership(ev->sock, group) < 0 ? -EIO : 0;
}

int lsc_genl_events_fd(const struct lsc_genl *ev)
{
	return nl_socket_get_fd(ev->sock);
}

struct ev_state {
	lsc_genl_event_fn fn;
	lsc_genl_family_fn family_fn;
	void *arg;
	int n;
};

/* nlctrl's announcement of a family; only ours matters. */
static int on_ctrl(struct ev_state *st, struct nl_msg *msg, uint8_t cmd)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (cmd != CTRL_CMD_NEWFAMILY && cmd != CTRL_CMD_DELFAMILY)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strncmp(nla_data(tb[CTRL_ATTR_FAMILY_NAME]), CAPWAP_LSC_GENL_NAME,
		    (size_t)nla_len(tb[CTRL_ATTR_FAMILY_NAME])))
		return NL_SKIP;
	if (st->family_fn)
		st->family_fn(cmd == CTRL_CMD_NEWFAMILY, st->arg);
	st->n++;
	return NL_OK;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct ev_state *st = arg;
	struct nlattr *attrs[CAPWAP_LSC_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh;

	/*
	 * Any local process may unicast to this socket: only the kernel's
	 * word counts, or anyone could announce the module gone.
	 */
	if (nlmsg_get_src(msg)->nl_pid != 0 || !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	gh = nlmsg_data(nlh);
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		return on_ctrl(st, msg, gh->cmd);
	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, CAPWAP_LSC_A_MAX, NULL) < 0)
		return NL_SKIP;
	st->fn(gh->cmd, attrs, st->arg);
	st->n++;
	return NL_OK;
}

int lsc_genl_events_process(struct lsc_genl *ev, lsc_genl_event_fn fn,
			    lsc_genl_family_fn family_fn, void *arg)
{
	struct ev_state st = { .fn = fn, .family_fn = family_fn, .arg = arg };
	struct nl_cb *cb;
	int ret = 0;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &st);
	for (;;) {
		ret = nl_recvmsgs(ev->sock, cb);
		if (ret >= 0)
			continue;
		if (ret == -NLE_AGAIN)
			ret = 0;
		else if (ret == -NLE_NOMEM)
			ret = -ENOBUFS;
		else
			ret = -EIO;
		break;
	}
	nl_cb_put(cb);
	return ret ? ret : st.n;
}
