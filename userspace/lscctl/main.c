// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl: configure capwap_lsc and show its state, in the words of the
 * controller's "show certificate lsc" commands, or as one JSON document
 * (-j, as "ip -j" does).  A command line is read whole into the requests
 * it stands for before netlink is opened, so that a usage error is told
 * (status 2) with no module at hand; every request then goes through
 * generic netlink, whose every command needs CAP_NET_ADMIN.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "genl.h"
#include "mac.h"
#include "names.h"
#include "numparse.h"
#include "show.h"

/* The operator's words for an errno a request may get back. */
struct known_error {
	int err;
	char text[96];
};

/* One request of a command line, sent in order. */
struct step {
	struct nl_msg *msg;	/* NULL once sent */
	lsc_genl_reply_fn reply;
	char what[48];		/* "add f8:66:f2:67:57:7e": what a failure is about */
	struct known_error known[2];
};

struct plan {
	struct step *steps;
	int n;
	struct lscctl_out out;
	void (*finish)(struct lscctl_out *o);	/* after the last reply */
	char why[160];			/* what is wrong with the command line */
};

struct subcommand {
	const char *name;
	int (*parse)(struct plan *p, int argc, char **argv);
	const char *usage;
};

/* A usage error: -EINVAL, with the reason main() prints once. */
static int bad(struct plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * A request appended to the plan.  The family is not resolved yet (that
 * may load the module): run() addresses each request before sending it.
 */
static struct nl_msg *add_step(struct plan *p, uint8_t cmd, int flags,
			       lsc_genl_reply_fn reply)
{
	struct lsc_genl unresolved = { .family = 0 };
	struct step *s;

	s = realloc(p->steps, (p->n + 1) * sizeof(*s));
	if (!s)
		return NULL;
	p->steps = s;
	s = &p->steps[p->n];
	memset(s, 0, sizeof(*s));
	s->msg = lsc_genl_msg(&unresolved, cmd, flags);
	if (!s->msg)
		return NULL;
	s->reply = reply;
	p->n++;
	return s->msg;
}

static struct step *last_step(struct plan *p)
{
	return &p->steps[p->n - 1];
}

static void step_knows(struct step *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void step_knows(struct step *s, int err, const char *fmt, ...)
{
	struct known_error *k = !s->known[0].err ? &s->known[0] : &s->known[1];
	va_list ap;

	k->err = err;
	va_start(ap, fmt);
	vsnprintf(k->text, sizeof(k->text), fmt, ap);
	va_end(ap);
}

static void plan_free(struct plan *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].msg)
			nlmsg_free(p->steps[i].msg);
	free(p->steps);
	if (p->out.doc)
		json_object_put(p->out.doc);
}

/* The GET_AP dump, into o->aps (JSON) or as table rows. */
static int add_ap_dump(struct plan *p)
{
	return add_step(p, CAPWAP_LSC_CMD_GET_AP, NLM_F_DUMP, lscctl_ap_row_reply) ?
	       0 : -ENOMEM;
}

static int parse_show_ap(struct plan *p, const char *text)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;

	if (lsc_mac_parse(text, mac))
		return bad(p, "'%s' is not a MAC address", text);
	msg = add_step(p, CAPWAP_LSC_CMD_GET_AP, 0, lscctl_ap_detail_reply);
	if (!msg || nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
		return -ENOMEM;
	lsc_mac_format(canon, mac);
	step_knows(last_step(p), -ENOENT, "no AP with MAC %s", canon);
	return 0;
}

static int parse_show(struct plan *p, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "summary";
	struct lscctl_out *o = &p->out;
	int i, ret;

	if (!strcmp(what, "ap")) {
		if (argc != 3)
			return bad(p, "show ap takes one MAC");
		return parse_show_ap(p, argv[2]);
	}
	if (argc > 2 && strcmp(what, "stats"))
		return bad(p, "'%s' after show %s", argv[2], what);
	if (!strcmp(what, "summary")) {
		ret = lscctl_out_doc(o, false);
		if (!ret && !add_step(p, CAPWAP_LSC_CMD_GET_CONFIG, 0, lscctl_summary_reply))
			ret = -ENOMEM;
		return ret;
	}
	if (!strcmp(what, "ap-provision")) {
		ret = lscctl_out_doc(o, false);
		if (ret)
			return ret;
		if (o->json) {
			o->aps = json_object_new_array();
			if (!o->aps)
				return -ENOMEM;
			json_object_object_add(o->doc, "aps", o->aps);
		}
		if (!add_step(p, CAPWAP_LSC_CMD_GET_CONFIG, 0, lscctl_provisioning_reply))
			return -ENOMEM;
		p->finish = lscctl_ap_totals;
		return add_ap_dump(p);
	}
	if (!strcmp(what, "aps")) {
		ret = lscctl_out_doc(o, true);
		if (ret)
			return ret;
		o->aps = o->doc;
		p->finish = lscctl_ap_totals;
		return add_ap_dump(p);
	}
	if (!strcmp(what, "stats")) {
		for (i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--prometheus"))
				return bad(p, "'%s' after show stats", argv[i]);
			o->prometheus = true;
		}
		if (o->prometheus && o->json)
			return bad(p, "--prometheus is a format of its own, not with -j");
		ret = lscctl_out_doc(o, false);
		if (!ret && !add_step(p, CAPWAP_LSC_CMD_GET_STATS, 0, lscctl_stats_reply))
			ret = -ENOMEM;
		return ret;
	}
	return bad(p, "expected summary, ap-provision, aps, ap MAC or stats, not '%s'", what);
}

static int add_lsc(struct plan *p, struct nl_msg *msg, int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "enable") && strcmp(argv[1], "disable")))
		return bad(p, "config lsc takes enable or disable");
	return nla_put_u8(msg, CAPWAP_LSC_A_LSC_ENABLED,
			  !strcmp(argv[1], "enable")) < 0 ? -ENOMEM : 0;
}

static int add_provision(struct plan *p, struct nl_msg *msg, int argc, char **argv)
{
	uint8_t mode;

	if (argc != 2)
		return bad(p, "config provision takes off, all or list");
	if (!strcmp(argv[1], "off") || !strcmp(argv[1], "disable"))
		mode = CAPWAP_LSC_PROVISION_OFF;
	else if (!strcmp(argv[1], "all") || !strcmp(argv[1], "enable"))
		mode = CAPWAP_LSC_PROVISION_ALL;
	else if (!strcmp(argv[1], "list"))
		mode = CAPWAP_LSC_PROVISION_LIST;
	else
		return bad(p, "config provision takes off, all or list, not '%s'", argv[1]);
	return nla_put_u8(msg, CAPWAP_LSC_A_PROVISION_MODE, mode) < 0 ? -ENOMEM : 0;
}

static int add_dtls(struct plan *p, struct nl_msg *msg, int argc, char **argv)
{
	int mode;

	if (argc != 2)
		return bad(p, "config dtls takes off, on or required");
	for (mode = 0; mode < __CAPWAP_LSC_DTLS_MAX; mode++)
		if (!strcmp(argv[1], lsc_dtls_mode_name(mode)))
			return nla_put_u8(msg, CAPWAP_LSC_A_DTLS_MODE, (uint8_t)mode) < 0 ?
			       -ENOMEM : 0;
	return bad(p, "config dtls takes off, on or required, not '%s'", argv[1]);
}

static int add_subject(struct plan *p, struct nl_msg *msg, int argc, char **argv)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, CAPWAP_LSC_A_SUBJECT);
	if (!nest)
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		int field;

		if (!eq)
			return bad(p, "'%s' is not FIELD=VALUE", argv[i]);
		*eq = '\0';
		field = lsc_subject_field_parse(argv[i]);
		*eq = '=';
		if (field < 0)
			return bad(p, "unknown subject field in '%s' (C, ST, L, O, OU, email)",
				   argv[i]);
		if (nla_put_string(msg, field, eq + 1) < 0)
			return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int add_key(struct plan *p, struct nl_msg *msg, int argc, char **argv)
{
	unsigned long bits;
	uint8_t type;

	if (argc != 3 || lsc_parse_uint(argv[2], 0, 65535, &bits))
		return bad(p, "config key takes rsa|ec and a size in bits");
	if (!strcmp(argv[1], "rsa"))
		type = CAPWAP_LSC_KEY_RSA;
	else if (!strcmp(argv[1], "ec"))
		type = CAPWAP_LSC_KEY_EC;
	else
		return bad(p, "config key takes rsa or ec, not '%s'", argv[1]);
	if (nla_put_u8(msg, CAPWAP_LSC_A_KEY_TYPE, type) < 0 ||
	    nla_put_u16(msg, CAPWAP_LSC_A_KEY_BITS, (uint16_t)bits) < 0)
		return -ENOMEM;
	return 0;
}

static int add_number(struct plan *p, struct nl_msg *msg, int argc, char **argv)
{
	static const struct { const char *word; int attr; unsigned long max; } nums[] = {
		{ "validity", CAPWAP_LSC_A_VALIDITY_DAYS, UINT32_MAX },
		{ "attempts", CAPWAP_LSC_A_MAX_ATTEMPTS, 255 },
		{ "vendor-id", CAPWAP_LSC_A_VENDOR_ID, UINT32_MAX },
	};
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (!strcmp(argv[0], nums[i].word))
			break;
	if (i == sizeof(nums) / sizeof(nums[0]))
		return bad(p, "unknown setting '%s'", argv[0]);
	if (argc != 2 || lsc_parse_uint(argv[1], 0, nums[i].max, &v))
		return bad(p, "config %s takes a number from 0 to %lu", argv[0],
			   nums[i].max);
	if (nums[i].attr == CAPWAP_LSC_A_MAX_ATTEMPTS)
		return nla_put_u8(msg, nums[i].attr, (uint8_t)v) < 0 ? -ENOMEM : 0;
	return nla_put_u32(msg, nums[i].attr, (uint32_t)v) < 0 ? -ENOMEM : 0;
}

static int parse_provision_list(struct plan *p, int argc, char **argv)
{
	uint8_t cmd, mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;
	struct step *s;
	bool add;
	int i;

	if (argc == 2 && !strcmp(argv[1], "flush"))
		return add_step(p, CAPWAP_LSC_CMD_PROVLIST_FLUSH, 0, NULL) ? 0 : -ENOMEM;
	if (argc < 3)
		return bad(p, "config provision-list takes add|del MAC... or flush");
	add = !strcmp(argv[1], "add");
	if (add)
		cmd = CAPWAP_LSC_CMD_PROVLIST_ADD;
	else if (!strcmp(argv[1], "del") || !strcmp(argv[1], "delete"))
		cmd = CAPWAP_LSC_CMD_PROVLIST_DEL;
	else
		return bad(p, "config provision-list takes add, del or flush, not '%s'",
			   argv[1]);
	for (i = 2; i < argc; i++) {
		if (lsc_mac_parse(argv[i], mac))
			return bad(p, "'%s' is not a MAC address", argv[i]);
		msg = add_step(p, cmd, 0, NULL);
		if (!msg || nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
			return -ENOMEM;
		lsc_mac_format(canon, mac);
		s = last_step(p);
		snprintf(s->what, sizeof(s->what), "provision-list %s %s", argv[1], canon);
		if (add) {
			step_knows(s, -EEXIST, "%s is on the provision list already", canon);
			step_knows(s, -ENOSPC, "the provision list is full: %s not added", canon);
		} else {
			step_knows(s, -ENOENT, "%s is not on the provision list", canon);
		}
	}
	return 0;
}

static int parse_config(struct plan *p, int argc, char **argv)
{
	static const struct {
		const char *word;
		int (*add)(struct plan *p, struct nl_msg *msg, int argc, char **argv);
	} settings[] = {
		{ "lsc", add_lsc },
		{ "provision", add_provision },
		{ "subject", add_subject },
		{ "key", add_key },
		{ "validity", add_number },
		{ "attempts", add_number },
		{ "vendor-id", add_number },
		{ "dtls", add_dtls },
	};
	struct nl_msg *msg;
	size_t i;

	if (argc < 2)
		return bad(p, "config needs a setting");
	argc--;
	argv++;
	if (!strcmp(argv[0], "provision-list"))
		return parse_provision_list(p, argc, argv);
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (strcmp(argv[0], settings[i].word))
			continue;
		msg = add_step(p, CAPWAP_LSC_CMD_SET_CONFIG, 0, NULL);
		if (!msg)
			return -ENOMEM;
		return settings[i].add(p, msg, argc, argv);
	}
	return bad(p, "unknown setting '%s'", argv[0]);
}

static int parse_renew(struct plan *p, int argc, char **argv)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;
	bool all;

	if (argc != 2)
		return bad(p, "renew takes one MAC, or all");
	all = !strcmp(argv[1], "all");
	if (!all && lsc_mac_parse(argv[1], mac))
		return bad(p, "'%s' is not a MAC address, nor all", argv[1]);
	msg = add_step(p, CAPWAP_LSC_CMD_RENEW, 0, NULL);
	if (!msg)
		return -ENOMEM;
	if (all)
		return nla_put_u32(msg, CAPWAP_LSC_A_FLAGS, CAPWAP_LSC_F_ALL) < 0 ?
		       -ENOMEM : 0;
	if (nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
		return -ENOMEM;
	lsc_mac_format(canon, mac);
	step_knows(last_step(p), -ENOENT, "no AP with MAC %s", canon);
	step_knows(last_step(p), -EAGAIN,
		   "AP %s is not in Run with an LSC or given up: nothing to renew", canon);
	return 0;
}

static const struct subcommand subcommands[] = {
	{ "show", parse_show,
	  "show [summary]                       LSC settings and controller certificates\n"
	  "  show ap-provision                    provision list and every AP's LSC state\n"
	  "  show aps                             one line per AP\n"
	  "  show ap MAC                          one AP in detail\n"
	  "  show stats [--prometheus]            CAPWAP and LSC counters" },
	{ "config", parse_config,
	  "config lsc enable|disable\n"
	  "  config provision off|all|list        which APs get an LSC\n"
	  "  config provision-list add|del MAC... | flush\n"
	  "  config subject C=CN ST=.. L=.. O=.. OU=.. email=..\n"
	  "  config key rsa 2048|3072|4096|384..2048 | ec 256|384\n"
	  "  config validity DAYS                 0: as the CA decides\n"
	  "  config attempts N                    0..255, 0: never fall back to MIC\n"
	  "  config vendor-id ID                  enterprise number of the LSC payloads\n"
	  "  config dtls off|on|required          DTLS on the control channel" },
	{ "renew", parse_renew,
	  "renew MAC|all                        provision a new LSC now" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lscctl [-j [-p]] COMMAND [ARGS]\n\n"
		"options:\n"
		"  -j, --json                           show as one JSON document\n"
		"  -p, --pretty                         indent the JSON\n"
		"  -h, --help                           print this usage\n"
		"  -V, --version                        print the version\n\n"
		"commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %s\n", subcommands[i].usage);
	fprintf(f, "  version                              print the version\n");
}

/* A failed request, in one line: the module's reason word for word. */
static void explain(const char *cmd, const struct step *s, int err,
		    const char *extack)
{
	const char *words = NULL;
	size_t i;

	for (i = 0; i < sizeof(s->known) / sizeof(s->known[0]); i++)
		if (s->known[i].err && s->known[i].err == err)
			words = s->known[i].text;
	if (err == -EPERM) {
		/* The module answers only administrators, reading too. */
		fprintf(stderr, "lscctl %s: %s: needs CAP_NET_ADMIN (run as root)\n",
			cmd, strerror(-err));
	} else if (words) {
		fprintf(stderr, "lscctl %s: %s%s%s\n", cmd, words,
			extack[0] ? ": " : "", extack);
	} else {
		fprintf(stderr, "lscctl %s: %s%s%s%s%s\n", cmd, s->what,
			s->what[0] ? ": " : "", strerror(-err),
			extack[0] ? ": " : "", extack);
	}
}

static int run(struct plan *p, struct lsc_genl *g, const char *cmd, int json_flags)
{
	int i, ret;

	for (i = 0; i < p->n; i++) {
		struct step *s = &p->steps[i];
		struct nl_msg *msg = s->msg;

		s->msg = NULL;
		nlmsg_hdr(msg)->nlmsg_type = g->family;
		ret = lsc_genl_call(g, msg, s->reply, &p->out);
		if (ret) {
			explain(cmd, s, ret, g->error_msg);
			return ret;
		}
	}
	if (p->finish)
		p->finish(&p->out);
	if (p->out.json && p->out.doc)
		printf("%s\n", json_object_to_json_string_ext(p->out.doc, json_flags));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int json_flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	const struct subcommand *sub = NULL;
	struct plan plan = { 0 };
	struct lsc_genl g;
	size_t i;
	int c, ret;

	/* Options come before the command; what follows it is its own. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jphV", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			plan.out.json = true;
			break;
		case 'p':
			json_flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				     JSON_C_TO_STRING_NOSLASHESCAPE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("lscctl %s\n", CAPWAP_LSC_VERSION);
			return 0;
		default:
			if (optopt)
				fprintf(stderr, "lscctl: unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, "lscctl: unknown option '%s'\n",
					argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fprintf(stderr, "lscctl: no command\n");
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[0], "version")) {
		printf("lscctl %s\n", CAPWAP_LSC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[0], subcommands[i].name))
			sub = &subcommands[i];
	if (!sub) {
		fprintf(stderr, "lscctl: unknown command '%s'\n", argv[0]);
		usage(stderr);
		return 2;
	}
	ret = sub->parse(&plan, argc, argv);
	if (ret == -EINVAL) {
		fprintf(stderr, "lscctl %s: %s\nusage:\n  %s\n", sub->name,
			plan.why[0] ? plan.why : "invalid arguments", sub->usage);
		plan_free(&plan);
		return 2;
	}
	if (ret) {
		fprintf(stderr, "lscctl %s: %s\n", sub->name, strerror(-ret));
		plan_free(&plan);
		return 1;
	}
	ret = lsc_genl_open(&g);
	if (ret) {
		fprintf(stderr, "lscctl: cannot reach the capwap_lsc module: %s%s\n",
			strerror(-ret),
			ret == -ENOENT ? " (is capwap_lsc.ko installed? try: modprobe capwap_lsc)" : "");
		plan_free(&plan);
		return 1;
	}
	ret = run(&plan, &g, sub->name, json_flags);
	lsc_genl_close(&g);
	plan_free(&plan);
	return ret ? 1 : 0;
}
