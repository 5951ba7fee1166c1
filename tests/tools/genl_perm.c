// SPDX-License-Identifier: GPL-2.0
/*
 * genl_perm: who may use the capwap_lsc genl family.  Every command of
 * the family is sent as a doit and as a dump, and every multicast group
 * is joined; the family's own list (from the genl controller) must be
 * exactly the commands and groups below, so that a new one is not
 * forgotten here.
 *
 *   genl_perm refused   run without CAP_NET_ADMIN: every command and
 *                       every group fails with EPERM (22 checks)
 *   genl_perm allowed   run as root: no command fails with EPERM and the
 *                       groups can be joined, which shows the requests
 *                       above fail for want of privilege only; and root's
 *                       malformed DTLS reports are refused with the
 *                       kernel's reason (5 checks)
 */
#include <arpa/inet.h>
#include <linux/genetlink.h>

#include "capwap_peer.h"
#include "genl.h"

static const struct {
	int cmd;
	const char *name;
} cmds[] = {
	{ CAPWAP_LSC_CMD_GET_CONFIG, "GET_CONFIG" },
	{ CAPWAP_LSC_CMD_SET_CONFIG, "SET_CONFIG" },
	{ CAPWAP_LSC_CMD_PROVLIST_ADD, "PROVLIST_ADD" },
	{ CAPWAP_LSC_CMD_PROVLIST_DEL, "PROVLIST_DEL" },
	{ CAPWAP_LSC_CMD_PROVLIST_FLUSH, "PROVLIST_FLUSH" },
	{ CAPWAP_LSC_CMD_GET_AP, "GET_AP" },
	{ CAPWAP_LSC_CMD_GET_STATS, "GET_STATS" },
	{ CAPWAP_LSC_CMD_ACCEPT, "ACCEPT" },
	{ CAPWAP_LSC_CMD_COMPLETE, "COMPLETE" },
	{ CAPWAP_LSC_CMD_SET_CA, "SET_CA" },
	{ CAPWAP_LSC_CMD_SET_CONTROLLER, "SET_CONTROLLER" },
	{ CAPWAP_LSC_CMD_RENEW, "RENEW" },
	{ CAPWAP_LSC_CMD_DTLS_SEND, "DTLS_SEND" },
	{ CAPWAP_LSC_CMD_DTLS_KEYS, "DTLS_KEYS" },
	{ CAPWAP_LSC_CMD_DTLS_CLOSE, "DTLS_CLOSE" },
	{ CAPWAP_LSC_CMD_DTLS_HANDSHAKE, "DTLS_HANDSHAKE" },
	{ CAPWAP_LSC_CMD_DTLS_COOKIE, "DTLS_COOKIE" },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char *const groups[] = { CAPWAP_LSC_MCGRP_EVENTS, CAPWAP_LSC_MCGRP_MONITOR,
				       CAPWAP_LSC_MCGRP_DTLS };

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

/* What the controller says about the family. */
struct family_info {
	unsigned int n_ops, n_groups;
	int op_id[64];
	unsigned int op_flags[64];
	int grp_id[16];
	char grp_name[16][GENL_NAMSIZ];
};

static int family_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *one[CTRL_ATTR_MAX + 1], *a;
	struct family_info *f = arg;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CTRL_ATTR_MAX, NULL))
		return NL_SKIP;
	if (tb[CTRL_ATTR_OPS])
		nla_for_each_nested(a, tb[CTRL_ATTR_OPS], rem) {
			if (f->n_ops >= 64 ||
			    nla_parse_nested(one, CTRL_ATTR_MAX, a, NULL) ||
			    !one[CTRL_ATTR_OP_ID])
				continue;
			f->op_id[f->n_ops] = nla_get_u32(one[CTRL_ATTR_OP_ID]);
			f->op_flags[f->n_ops++] = one[CTRL_ATTR_OP_FLAGS] ?
				nla_get_u32(one[CTRL_ATTR_OP_FLAGS]) : 0;
		}
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		nla_for_each_nested(a, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
			if (f->n_groups >= 16 ||
			    nla_parse_nested(one, CTRL_ATTR_MAX, a, NULL) ||
			    !one[CTRL_ATTR_MCAST_GRP_ID] ||
			    !one[CTRL_ATTR_MCAST_GRP_NAME])
				continue;
			f->grp_id[f->n_groups] =
				nla_get_u32(one[CTRL_ATTR_MCAST_GRP_ID]);
			snprintf(f->grp_name[f->n_groups++], GENL_NAMSIZ, "%s",
				 nla_get_string(one[CTRL_ATTR_MCAST_GRP_NAME]));
		}
	return NL_OK;
}

static int get_family(struct peer_nl *nl, struct family_info *f)
{
	struct nl_msg *m = nlmsg_alloc();

	memset(f, 0, sizeof(*f));
	if (!m)
		return -ENOMEM;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(m, CTRL_ATTR_FAMILY_NAME, CAPWAP_LSC_GENL_NAME)) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return peer_nl_do(nl, m, family_cb, f);
}

/* A request with no attributes, as a doit and as a dump. */
static void try_cmd(struct peer_nl *nl, int cmd, int *doit, int *dump)
{
	*doit = peer_nl_do(nl, peer_nl_msg(nl, cmd, 0), NULL, NULL);
	*dump = peer_nl_do(nl, peer_nl_msg(nl, cmd, NLM_F_DUMP), NULL, NULL);
}

/* The controller's list is exactly cmds[] and groups[]. */
static void check_listing(const struct family_info *f, bool want_admin)
{
	char why[512] = "", name[128];
	unsigned int i, j, unflagged = 0;
	bool same = f->n_ops == N_CMDS && f->n_groups == N_GROUPS;

	for (i = 0; i < f->n_ops; i++) {
		for (j = 0; j < N_CMDS && cmds[j].cmd != f->op_id[i]; j++)
			;
		if (j == N_CMDS) {
			same = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "unknown command %d; ", f->op_id[i]);
		}
		if (!(f->op_flags[i] & GENL_ADMIN_PERM)) {
			unflagged++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "command %d without GENL_ADMIN_PERM; ",
				 f->op_id[i]);
		}
	}
	for (i = 0; i < f->n_groups; i++) {
		for (j = 0; j < N_GROUPS && strcmp(groups[j], f->grp_name[i]); j++)
			;
		if (j == N_GROUPS) {
			same = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "unknown group %s; ", f->grp_name[i]);
		}
	}
	if (!same && !why[0])
		snprintf(why, sizeof(why), "%u commands, %u groups", f->n_ops,
			 f->n_groups);
	snprintf(name, sizeof(name),
		 "the controller lists exactly the family's %zu commands and its %zu groups",
		 N_CMDS, N_GROUPS);
	result(same, name, "%s", why);
	if (want_admin)
		result(!unflagged, "the controller shows every command as GENL_ADMIN_PERM",
		       "%s", why);
}

static int join(struct nl_sock *sk, int grp)
{
	int r = nl_socket_add_membership(sk, grp);

	if (!r)
		nl_socket_drop_membership(sk, grp);
	/* libnl maps EPERM to NLE_PERM, EACCES to NLE_NOACCESS. */
	return r == 0 ? 0 : r == -NLE_PERM ? -EPERM : -EIO;
}

static void refused(struct peer_nl *nl, const struct family_info *f)
{
	char name[128];
	unsigned int i;
	int r, d;

	check_listing(f, true);
	for (i = 0; i < N_CMDS; i++) {
		try_cmd(nl, cmds[i].cmd, &r, &d);
		snprintf(name, sizeof(name),
			 "uid %u: %s refused with EPERM, doit and dump",
			 (unsigned int)getuid(), cmds[i].name);
		result(r == -EPERM && d == -EPERM, name, "doit %s, dump %s",
		       strerror(-r), strerror(-d));
	}
	for (i = 0; i < N_GROUPS; i++) {
		unsigned int j;

		for (j = 0; j < f->n_groups && strcmp(f->grp_name[j], groups[i]);
		     j++)
			;
		snprintf(name, sizeof(name),
			 "uid %u: joining group %s refused with EPERM",
			 (unsigned int)getuid(), groups[i]);
		if (j == f->n_groups) {
			result(false, name, "the family has no such group");
			continue;
		}
		r = join(nl->sk, f->grp_id[j]);
		result(r == -EPERM, name, "joining: %s",
		       r ? strerror(-r) : "succeeded");
	}
}

static void allowed(struct peer_nl *nl, const struct family_info *f)
{
	char why[512] = "";
	unsigned int i, bad = 0;
	int r, d;

	for (i = 0; i < N_CMDS; i++) {
		try_cmd(nl, cmds[i].cmd, &r, &d);
		if (r == -EPERM || d == -EPERM) {
			bad++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "%s: doit %d dump %d; ", cmds[i].name, r, d);
		}
	}
	result(!bad, "root: no command refused with EPERM", "%s", why);
	why[0] = '\0';
	bad = f->n_groups ? 0 : 1;
	for (i = 0; i < f->n_groups; i++) {
		r = join(nl->sk, f->grp_id[i]);
		if (r) {
			bad++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "%s: %s; ", f->grp_name[i], strerror(-r));
		}
	}
	result(!bad, "root: every group can be joined", "%s",
	       why[0] ? why : "no groups");
}

/*
 * Requests lscd never sends, which the kernel must refuse with its reason
 * (the extended ack) before they count or store anything.
 */
static void malformed(void)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(5246),
		.sin_addr.s_addr = htonl(0xc0000201),	/* 192.0.2.1 */
	};
	static const struct {
		const char *name, *subject;
	} names[] = {
		{ "a subject with ESC", "CN=ap\x1b[31m" },
		{ "an issuer with DEL", NULL },
	};
	struct lsc_genl g;
	struct nl_msg *m;
	unsigned int i;
	char name[128];
	int r;

	r = lsc_genl_open(&g);
	if (r) {
		for (i = 0; i < 6; i++)
			result(false, "root: a malformed DTLS request refused",
			       "cannot open the family: %s", strerror(-r));
		return;
	}
	m = lsc_genl_msg(&g, CAPWAP_LSC_CMD_DTLS_HANDSHAKE, 0);
	if (m) {
		nla_put_u8(m, CAPWAP_LSC_A_DTLS_OUTCOME,
			   CAPWAP_LSC_DTLS_FAILED_HANDOVER);
		nla_put_u8(m, CAPWAP_LSC_A_DTLS_AUTH_FAIL, 1);
	}
	r = m ? lsc_genl_call(&g, m, NULL, NULL) : -ENOMEM;
	result(r == -EINVAL && strstr(g.error_msg, "AUTH_FAIL"),
	       "root: DTLS_HANDSHAKE with AUTH_FAIL for a completed handshake refused",
	       "%s, \"%s\"", r ? strerror(-r) : "taken", g.error_msg);
	/* A certificate naming no MAC, or another, is one refused too. */
	m = lsc_genl_msg(&g, CAPWAP_LSC_CMD_DTLS_HANDSHAKE, 0);
	if (m) {
		nla_put_u8(m, CAPWAP_LSC_A_DTLS_OUTCOME,
			   CAPWAP_LSC_DTLS_FAILED_IDENTITY);
		nla_put_u8(m, CAPWAP_LSC_A_DTLS_AUTH_FAIL, 1);
	}
	r = m ? lsc_genl_call(&g, m, NULL, NULL) : -ENOMEM;
	result(r == 0,
	       "root: DTLS_HANDSHAKE with AUTH_FAIL for an identity failure taken",
	       "%s, \"%s\"", strerror(-r), g.error_msg);
	/* A count of 0 and one past the bound, each refused by the policy. */
	for (i = 0; i < 2; i++) {
		uint32_t n = i ? CAPWAP_LSC_DTLS_MAX_COUNT + 1 : 0;

		m = lsc_genl_msg(&g, CAPWAP_LSC_CMD_DTLS_HANDSHAKE, 0);
		if (m) {
			nla_put_u8(m, CAPWAP_LSC_A_DTLS_OUTCOME,
				   CAPWAP_LSC_DTLS_FAILED_COOKIE);
			nla_put_u32(m, CAPWAP_LSC_A_DTLS_COUNT, n);
		}
		r = m ? lsc_genl_call(&g, m, NULL, NULL) : -ENOMEM;
		snprintf(name, sizeof(name),
			 "root: DTLS_HANDSHAKE with a count of %u refused", n);
		result(r == -ERANGE || r == -EINVAL, name, "%s, \"%s\"",
		       r ? strerror(-r) : "taken", g.error_msg);
	}
	/*
	 * A whole DTLS_KEYS but for the string: without the string check the
	 * kernel would answer for the peer (no association there), not this.
	 */
	for (i = 0; i < 2; i++) {
		static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
		uint8_t keys[CAPWAP_LSC_DTLS_KEYS_LEN] = { 0 };

		m = lsc_genl_msg(&g, CAPWAP_LSC_CMD_DTLS_KEYS, 0);
		if (m) {
			nla_put(m, CAPWAP_LSC_A_DTLS_PEER, sizeof(sin), &sin);
			nla_put(m, CAPWAP_LSC_A_DTLS_KEYS, sizeof(keys), keys);
			nla_put(m, CAPWAP_LSC_A_MAC, sizeof(mac), mac);
			nla_put_u8(m, CAPWAP_LSC_A_DTLS_CERT_TYPE,
				   CAPWAP_LSC_CERT_LSC);
			nla_put_string(m, CAPWAP_LSC_A_DTLS_SUITE_NAME,
				       "ECDHE-ECDSA-AES128-GCM-SHA256");
			if (names[i].subject) {
				nla_put_string(m, CAPWAP_LSC_A_DTLS_SUBJECT,
					       names[i].subject);
			} else {
				nla_put_string(m, CAPWAP_LSC_A_DTLS_SUBJECT,
					       "CN=ap");
				nla_put_string(m, CAPWAP_LSC_A_DTLS_ISSUER,
					       "CN=ca\x7f");
			}
		}
		r = m ? lsc_genl_call(&g, m, NULL, NULL) : -ENOMEM;
		snprintf(name, sizeof(name), "root: DTLS_KEYS with %s refused",
			 names[i].name);
		result(r == -EINVAL && strstr(g.error_msg, "control character"),
		       name, "%s, \"%s\"", r ? strerror(-r) : "taken",
		       g.error_msg);
	}
	lsc_genl_close(&g);
}

static struct peer_nl nl;

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct family_info f;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "refused") && strcmp(mode, "allowed")) {
		fprintf(stderr, "usage: genl_perm refused|allowed\n");
		return 2;
	}
	/* Resolving a family is open to everyone, as it must stay. */
	r = peer_nl_open(&nl, false);
	if (!r)
		r = get_family(&nl, &f);
	if (r) {
		printf("not ok genl_perm: family %s not found (%d)\n",
		       CAPWAP_LSC_GENL_NAME, r);
		peer_nl_close(&nl);
		return 1;
	}
	if (!strcmp(mode, "allowed")) {
		allowed(&nl, &f);
		malformed();
	} else
		refused(&nl, &f);
	peer_nl_close(&nl);
	return tests_failed ? 1 : 0;
}
