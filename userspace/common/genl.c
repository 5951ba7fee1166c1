// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "genl.h"

/*
 * Any local process may unicast to this socket: a reply or an ack is the
 * kernel's, or it is dropped before it is read as one.
 */
static int from_kernel(struct nl_msg *msg, void *arg)
{
	(void)arg;
	return nlmsg_get_src(msg)->nl_pid ? NL_SKIP : NL_OK;
}

int lsc_genl_open(struct lsc_genl *g)
{
	int ret;

	g->error_msg[0] = '\0';
	g->sock = nl_socket_alloc();
	if (!g->sock)
		return -ENOMEM;
	if (genl_connect(g->sock) < 0) {
		ret = -EIO;
		goto err;
	}
	/*
	 * GET_CONFIG's reply holds up to 4096 MACs (~50 KB): above the 32 KB
	 * receive buffer libnl sets, the kernel drops it (ENOBUFS here), and
	 * above libnl's read buffer it would read truncated.
	 */
	if (nl_socket_set_buffer_size(g->sock, 256 * 1024, 0) < 0) {
		ret = -EIO;
		goto err;
	}
	nl_socket_enable_msg_peek(g->sock);
	/* Ask for the kernel's reason along with its errno; best effort. */
	setsockopt(nl_socket_get_fd(g->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &(int){ 1 }, sizeof(int));
	/*
	 * An error ack without a copy of the request: a refused DTLS_KEYS
	 * would otherwise come back with its keys in a buffer nobody wipes.
	 */
	setsockopt(nl_socket_get_fd(g->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &(int){ 1 }, sizeof(int));
	/* libnl's own calls on it (the family and group lookups) too. */
	if (nl_socket_modify_cb(g->sock, NL_CB_MSG_IN, NL_CB_CUSTOM, from_kernel,
				NULL) < 0) {
		ret = -ENOMEM;
		goto err;
	}
	/* Resolving the name is what makes the kernel load capwap_lsc. */
	ret = lsc_genl_resolve(g);
	if (ret)
		goto err;
	return 0;
err:
	nl_socket_free(g->sock);
	g->sock = NULL;
	return ret;
}

int lsc_genl_resolve(struct lsc_genl *g)
{
	int id = genl_ctrl_resolve(g->sock, CAPWAP_LSC_GENL_NAME);

	if (id < 0)
		return id == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
	g->family = id;
	return 0;
}

void lsc_genl_close(struct lsc_genl *g)
{
	if (g->sock)
		nl_socket_free(g->sock);
	g->sock = NULL;
}

struct nl_msg *lsc_genl_msg(struct lsc_genl *g, uint8_t cmd, int flags)
{
	return lsc_genl_msg_sized(g, cmd, flags, 0);
}

struct nl_msg *lsc_genl_msg_sized(struct lsc_genl *g, uint8_t cmd, int flags,
				  size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0,
			 flags | NLM_F_REQUEST | NLM_F_ACK, cmd,
			 CAPWAP_LSC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct call_state {
	struct lsc_genl *g;
	lsc_genl_reply_fn reply;
	void *arg;
	int error;
	bool done;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;
	struct nlattr *attrs[CAPWAP_LSC_A_MAX + 1];
	int ret;

	/*
	 * After a bad reply the call still reads the rest of its answer (a
	 * dump's other parts, the ACK), skipped: left in the socket, the next
	 * call would take them for its own.
	 */
	if (st->error)
		return NL_SKIP;
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, attrs, CAPWAP_LSC_A_MAX, NULL);
	if (ret < 0) {
		st->error = -EPROTO;
		return NL_SKIP;
	}
	if (st->reply) {
		ret = st->reply(attrs, st->arg);
		if (ret < 0) {
			st->error = ret;
			return NL_SKIP;
		}
	}
	return NL_OK;
}

/* The NLMSGERR_ATTR_MSG string the kernel attached to an error, if any. */
static void keep_extack_msg(struct lsc_genl *g, struct nlmsgerr *err)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t skip = sizeof(*err);
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		skip += err->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)skip;
	if (len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)err + NLMSG_ALIGN(skip)), len,
		      NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	snprintf(g->error_msg, sizeof(g->error_msg), "%.*s",
		 (int)strnlen(nla_data(tb[NLMSGERR_ATTR_MSG]),
			      nla_len(tb[NLMSGERR_ATTR_MSG])),
		 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct call_state *st = arg;

	(void)nla;
	keep_extack_msg(st->g, err);
	if (!st->error)
		st->error = err->error;
	st->done = true;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	(void)msg;
	st->done = true;
	return NL_STOP;
}

int lsc_genl_call(struct lsc_genl *g, struct nl_msg *msg,
		  lsc_genl_reply_fn reply, void *arg)
{
	struct call_state st = { .g = g, .reply = reply, .arg = arg };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, from_kernel, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);
	g->error_msg[0] = '\0';

	ret = nl_send_auto(g->sock, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!st.done) {
		ret = nl_recvmsgs(g->sock, cb);
		if (ret < 0) {
			if (!st.error)
				st.error = ret == -NLE_PERM ? -EPERM : -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return st.error;
}

int lsc_genl_subscribe_events(struct lsc_genl *g)
{
	int group;

	group = genl_ctrl_resolve_grp(g->sock, CAPWAP_LSC_GENL_NAME,
				      CAPWAP_LSC_MCGRP_EVENTS);
	if (group < 0)
		return -ENOENT;
	return nl_socket_add_membership(g->sock, group) < 0 ? -EIO : 0;
}
