// SPDX-License-Identifier: GPL-2.0
/*
 * lscd's events socket takes what the kernel multicasts, but any local
 * process may unicast a netlink message to it: a forged nlctrl DELFAMILY
 * would have lscd believe the module unloaded and stop taking requests.
 * Only messages from the kernel (port 0) count, there and on the command
 * socket, where a forged ack would pass for the kernel's answer.
 */
#include <errno.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "genl.h"
#include "genl_events.h"
#include "tap.h"

static int events, families;

static void on_event(uint8_t cmd, struct nlattr **attrs, void *arg)
{
	(void)cmd;
	(void)attrs;
	(void)arg;
	events++;
}

static void on_family(bool present, void *arg)
{
	(void)present;
	(void)arg;
	families++;
}

/* A message of type @type, command @cmd, from another user socket. */
static int forge(struct nl_sock *from, struct nl_sock *to, int type, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();
	int rc = -ENOMEM;

	if (!msg)
		return rc;
	if (genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, 0, cmd, 1) &&
	    !nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, CAPWAP_LSC_GENL_NAME)) {
		nl_socket_set_peer_port(from, nl_socket_get_local_port(to));
		rc = nl_send_auto(from, msg) < 0 ? -EIO : 0;
	}
	nlmsg_free(msg);
	return rc;
}

static const char *test_forged_from_user(void)
{
	struct nl_sock *victim = nl_socket_alloc(), *evil = nl_socket_alloc();
	struct lsc_genl ev = { .sock = victim, .family = 0x7f };
	int rc;

	CHECK(victim && evil && !nl_connect(victim, NETLINK_GENERIC) &&
	      !nl_connect(evil, NETLINK_GENERIC), "netlink sockets");
	nl_socket_disable_seq_check(victim);
	nl_socket_disable_auto_ack(victim);
	nl_socket_set_nonblocking(victim);
	CHECK(!forge(evil, victim, GENL_ID_CTRL, CTRL_CMD_DELFAMILY) &&
	      !forge(evil, victim, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY) &&
	      !forge(evil, victim, 0x7f, 1),
	      "cannot send to another user socket: %s", strerror(errno));
	rc = lsc_genl_events_process(&ev, on_event, on_family, NULL);
	nl_socket_free(victim);
	nl_socket_free(evil);
	CHECK(rc == 0 && !families && !events,
	      "a user process's forged messages were taken: rc %d, %d family change(s), %d event(s)",
	      rc, families, events);
	return NULL;
}

/* An ack (NLMSG_ERROR, error 0) from another user socket. */
static int forge_ack(struct nl_sock *from, struct nl_sock *to)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, 0);
	struct nlmsgerr e = { 0 };
	int rc = -ENOMEM;

	if (!msg)
		return rc;
	if (!nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO)) {
		nl_socket_set_peer_port(from, nl_socket_get_local_port(to));
		rc = nl_send_auto(from, msg) < 0 ? -EIO : 0;
	}
	nlmsg_free(msg);
	return rc;
}

/*
 * A call the kernel refuses (GETFAMILY without a name), with a forged ack
 * queued ahead of the kernel's answer.  Sequence checks are off, as if
 * the attacker guessed the number (libnl starts it at the time of day).
 */
static const char *test_forged_ack(void)
{
	struct nl_sock *victim = nl_socket_alloc(), *evil = nl_socket_alloc();
	struct lsc_genl g = { .sock = victim, .family = GENL_ID_CTRL };
	struct nl_msg *msg;
	int rc;

	CHECK(victim && evil && !nl_connect(victim, NETLINK_GENERIC) &&
	      !nl_connect(evil, NETLINK_GENERIC), "netlink sockets");
	nl_socket_disable_seq_check(victim);
	CHECK(!forge_ack(evil, victim), "cannot send to another user socket: %s",
	      strerror(errno));
	msg = lsc_genl_msg(&g, CTRL_CMD_GETFAMILY, 0);
	rc = msg ? lsc_genl_call(&g, msg, NULL, NULL) : -ENOMEM;
	nl_socket_free(victim);
	nl_socket_free(evil);
	CHECK(rc < 0 && rc != -ENOMEM,
	      "a user process's forged ack passed for the kernel's answer: rc %d", rc);
	return NULL;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "genl_events_forged_from_user", test_forged_from_user },
		{ "genl_call_forged_ack", test_forged_ack },
	};

	tap_plan(TAP_COUNT(cases));
	tap_run(cases, TAP_COUNT(cases));
	return tap_exit();
}
