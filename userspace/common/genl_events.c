// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>

#include "genl_events.h"

int lsc_genl_events_open(struct lsc_genl *ev)
{
	int ret;

	ret = lsc_genl_open(ev);
	if (ret)
		return ret;
	ret = lsc_genl_subscribe_events(ev);
	if (ret)
		goto err;
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

int lsc_genl_events_fd(const struct lsc_genl *ev)
{
	return nl_socket_get_fd(ev->sock);
}

struct ev_state {
	lsc_genl_event_fn fn;
	void *arg;
	int n;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct ev_state *st = arg;
	struct nlattr *attrs[CAPWAP_LSC_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, CAPWAP_LSC_A_MAX, NULL) < 0)
		return NL_SKIP;
	st->fn(gh->cmd, attrs, st->arg);
	st->n++;
	return NL_OK;
}

int lsc_genl_events_process(struct lsc_genl *ev, lsc_genl_event_fn fn,
			    void *arg)
{
	struct ev_state st = { .fn = fn, .arg = arg };
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
