// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl: configure capwap_lsc and show its state, in the words of the
 * controller's "show certificate lsc" commands.  One function per
 * subcommand; changes go through generic netlink, which needs
 * CAP_NET_ADMIN.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genl.h"

struct subcommand {
	const char *name;
	int (*run)(struct lsc_genl *g, int argc, char **argv);
	const char *usage;
};

static const char *provision_mode_name(uint8_t mode)
{
	switch (mode) {
	case CAPWAP_LSC_PROVISION_OFF:
		return "Disabled";
	case CAPWAP_LSC_PROVISION_ALL:
		return "Enabled, all APs";
	case CAPWAP_LSC_PROVISION_LIST:
		return "Enabled, provision list only";
	}
	return "unknown";
}

static const char *key_type_name(uint8_t type)
{
	switch (type) {
	case CAPWAP_LSC_KEY_RSA:
		return "RSA";
	case CAPWAP_LSC_KEY_EC:
		return "EC";
	}
	return "none";
}

static void print_row(const char *label, const char *value)
{
	printf("%-28s %s\n", label, value);
}

static void print_subject(struct nlattr *nest)
{
	static const char *const names[] = {
		[CAPWAP_LSC_SUBJ_A_COUNTRY] = "C",
		[CAPWAP_LSC_SUBJ_A_STATE] = "ST",
		[CAPWAP_LSC_SUBJ_A_LOCALITY] = "L",
		[CAPWAP_LSC_SUBJ_A_ORG] = "O",
		[CAPWAP_LSC_SUBJ_A_ORG_UNIT] = "OU",
		[CAPWAP_LSC_SUBJ_A_EMAIL] = "emailAddress",
	};
	struct nlattr *a;
	char line[512] = "";
	size_t used = 0;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		int type = nla_type(a);

		if (type <= 0 || type > CAPWAP_LSC_SUBJ_A_MAX || !names[type])
			continue;
		used += snprintf(line + used, sizeof(line) - used, "%s%s=%.*s",
				 used ? ", " : "", names[type],
				 (int)strnlen(nla_data(a), nla_len(a)),
				 (const char *)nla_data(a));
		if (used >= sizeof(line))
			break;
	}
	print_row("LSC certificate subject", used ? line : "Not configured");
}

static int show_summary_reply(struct nlattr **a, void *arg)
{
	char buf[64];

	(void)arg;
	if (a[CAPWAP_LSC_A_LSC_ENABLED])
		print_row("LSC enabled",
			  nla_get_u8(a[CAPWAP_LSC_A_LSC_ENABLED]) ? "Yes" : "No");
	if (a[CAPWAP_LSC_A_PROVISION_MODE])
		print_row("AP LSC provisioning",
			  provision_mode_name(nla_get_u8(a[CAPWAP_LSC_A_PROVISION_MODE])));
	if (a[CAPWAP_LSC_A_PROVISION_LIST]) {
		struct nlattr *mac;
		int rem, n = 0;

		nla_for_each_nested(mac, a[CAPWAP_LSC_A_PROVISION_LIST], rem)
			n++;
		snprintf(buf, sizeof(buf), "%s, %d entries",
			 n ? "Enabled" : "Not configured", n);
		print_row("Provision list", buf);
	}
	if (a[CAPWAP_LSC_A_SUBJECT])
		print_subject(a[CAPWAP_LSC_A_SUBJECT]);
	if (a[CAPWAP_LSC_A_KEY_TYPE] && a[CAPWAP_LSC_A_KEY_BITS]) {
		snprintf(buf, sizeof(buf), "%s %u bits",
			 key_type_name(nla_get_u8(a[CAPWAP_LSC_A_KEY_TYPE])),
			 nla_get_u16(a[CAPWAP_LSC_A_KEY_BITS]));
		print_row("LSC key", buf);
	}
	if (a[CAPWAP_LSC_A_VALIDITY_DAYS]) {
		snprintf(buf, sizeof(buf), "%u days",
			 nla_get_u32(a[CAPWAP_LSC_A_VALIDITY_DAYS]));
		print_row("LSC validity", buf);
	}
	if (a[CAPWAP_LSC_A_MAX_ATTEMPTS]) {
		uint8_t n = nla_get_u8(a[CAPWAP_LSC_A_MAX_ATTEMPTS]);

		if (n)
			snprintf(buf, sizeof(buf), "%u, then fall back to MIC", n);
		else
			snprintf(buf, sizeof(buf), "unlimited, never fall back");
		print_row("Provisioning attempts", buf);
	}
	if (a[CAPWAP_LSC_A_VERSION])
		print_row("Module version", nla_get_string(a[CAPWAP_LSC_A_VERSION]));
	if (a[CAPWAP_LSC_A_PORT]) {
		snprintf(buf, sizeof(buf), "%u/udp", nla_get_u16(a[CAPWAP_LSC_A_PORT]));
		print_row("CAPWAP control port", buf);
	}
	if (a[CAPWAP_LSC_A_VENDOR_ID]) {
		snprintf(buf, sizeof(buf), "%u", nla_get_u32(a[CAPWAP_LSC_A_VENDOR_ID]));
		print_row("LSC payload vendor id", buf);
	}
	return 0;
}

static int cmd_show(struct lsc_genl *g, int argc, char **argv)
{
	struct nl_msg *msg;

	if (argc > 1 && strcmp(argv[1], "summary")) {
		fprintf(stderr, "lscctl show: unknown object '%s' (try: summary)\n",
			argv[1]);
		return -EINVAL;
	}
	msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_CONFIG, 0);
	if (!msg)
		return -ENOMEM;
	return lsc_genl_call(g, msg, show_summary_reply, NULL);
}

static const struct subcommand subcommands[] = {
	{ "show", cmd_show, "show [summary]   LSC settings and module state" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lscctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %s\n", subcommands[i].usage);
	fprintf(f, "  version          print the version\n");
}

int main(int argc, char **argv)
{
	struct lsc_genl g;
	size_t i;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("lscctl %s\n", CAPWAP_LSC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		ret = lsc_genl_open(&g);
		if (ret) {
			fprintf(stderr, "lscctl: cannot reach the capwap_lsc module: %s%s\n",
				strerror(-ret),
				ret == -ENOENT ? " (is capwap_lsc.ko installed? try: modprobe capwap_lsc)" : "");
			return 1;
		}
		ret = subcommands[i].run(&g, argc - 1, argv + 1);
		lsc_genl_close(&g);
		if (ret) {
			fprintf(stderr, "lscctl %s: %s%s\n", argv[1], strerror(-ret),
				ret == -EPERM ? " (changes need CAP_NET_ADMIN)" : "");
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "lscctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
