// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl: configure capwap_lsc and show its state, in the words of the
 * controller's "show certificate lsc" commands.  One function per
 * subcommand; everything goes through generic netlink, whose every
 * command needs CAP_NET_ADMIN.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "genl.h"
#include "hex.h"
#include "mac.h"
#include "names.h"
#include "numparse.h"

struct subcommand {
	const char *name;
	int (*run)(struct lsc_genl *g, int argc, char **argv);
	const char *usage;
};

static void print_row(const char *label, const char *value)
{
	printf("%-30s %s\n", label, value);
}

static void format_time(char *buf, size_t size, uint64_t secs)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (!secs || !gmtime_r(&t, &tm))
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* An attribute's MAC as operators read it, "?" when it is not one. */
static void format_mac(char *buf, size_t size, const struct nlattr *a)
{
	char mac[LSC_MAC_STR_LEN];

	if (nla_len(a) != CAPWAP_LSC_MAC_LEN) {
		snprintf(buf, size, "?");
		return;
	}
	lsc_mac_format(mac, nla_data(a));
	snprintf(buf, size, "%s", mac);
}

static void print_subject(struct nlattr *nest)
{
	struct nlattr *a;
	char line[512] = "";
	size_t used = 0;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		const char *name = lsc_subject_field_name(nla_type(a));

		if (!name || used >= sizeof(line))
			continue;
		used += snprintf(line + used, sizeof(line) - used, "%s%s=%.*s",
				 used ? ", " : "", name,
				 (int)strnlen(nla_data(a), nla_len(a)),
				 (const char *)nla_data(a));
	}
	print_row("LSC certificate subject", used ? line : "Not configured");
}

static void print_controller(struct nlattr *nest)
{
	struct nlattr *c[CAPWAP_LSC_CTRL_A_MAX + 1];
	char buf[128];

	if (nla_parse_nested(c, CAPWAP_LSC_CTRL_A_MAX, nest, NULL) < 0)
		return;
	print_row("CA server", c[CAPWAP_LSC_CTRL_A_CA_URL] ?
		  nla_get_string(c[CAPWAP_LSC_CTRL_A_CA_URL]) : "Not configured");
	print_row("CA certificate",
		  c[CAPWAP_LSC_CTRL_A_CA_PRESENT] &&
		  nla_get_u8(c[CAPWAP_LSC_CTRL_A_CA_PRESENT]) ?
		  "Present" : "Not present");
	if (c[CAPWAP_LSC_CTRL_A_CA_FINGERPRINT] &&
	    nla_len(c[CAPWAP_LSC_CTRL_A_CA_FINGERPRINT]) == CAPWAP_LSC_SHA256_LEN) {
		const uint8_t *fp = nla_data(c[CAPWAP_LSC_CTRL_A_CA_FINGERPRINT]);
		size_t i;

		for (i = 0; i < CAPWAP_LSC_SHA256_LEN; i++)
			snprintf(buf + 3 * i, sizeof(buf) - 3 * i, "%02X%s",
				 fp[i], i + 1 < CAPWAP_LSC_SHA256_LEN ? ":" : "");
		print_row("CA fingerprint (SHA-256)", buf);
	}
	if (c[CAPWAP_LSC_CTRL_A_CA_EXPIRY]) {
		format_time(buf, sizeof(buf),
			    nla_get_u64(c[CAPWAP_LSC_CTRL_A_CA_EXPIRY]));
		print_row("CA certificate expires", buf);
	}
	print_row("RA certificate",
		  c[CAPWAP_LSC_CTRL_A_RA_PRESENT] &&
		  nla_get_u8(c[CAPWAP_LSC_CTRL_A_RA_PRESENT]) ?
		  "Present" : "Not present");
	print_row("Controller LSC",
		  c[CAPWAP_LSC_CTRL_A_CERT_PRESENT] &&
		  nla_get_u8(c[CAPWAP_LSC_CTRL_A_CERT_PRESENT]) ?
		  "Present" : "Not present");
	if (c[CAPWAP_LSC_CTRL_A_CERT_EXPIRY]) {
		format_time(buf, sizeof(buf),
			    nla_get_u64(c[CAPWAP_LSC_CTRL_A_CERT_EXPIRY]));
		print_row("Controller LSC expires", buf);
	}
}

/* An aggregate the module shows in sysfs only; false when unreadable. */
static bool sysfs_uint(const char *name, unsigned int *v)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/kernel/capwap_lsc/%s", name);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fscanf(f, "%u", v) == 1;
	fclose(f);
	return ok;
}

static int show_summary_reply(struct nlattr **a, void *arg)
{
	unsigned int pending, max_pending;
	char buf[64];

	(void)arg;
	if (a[CAPWAP_LSC_A_LSC_ENABLED])
		print_row("LSC enabled",
			  nla_get_u8(a[CAPWAP_LSC_A_LSC_ENABLED]) ? "Yes" : "No");
	if (a[CAPWAP_LSC_A_CONTROLLER])
		print_controller(a[CAPWAP_LSC_A_CONTROLLER]);
	if (a[CAPWAP_LSC_A_CA_PRESENT])
		print_row("LSC CA trusted for AP joins",
			  nla_get_u8(a[CAPWAP_LSC_A_CA_PRESENT]) ? "Yes" : "No");
	/* The module never hands the password itself back. */
	if (a[CAPWAP_LSC_A_AP_CHALLENGE_SET])
		print_row("AP challenge password",
			  nla_get_u8(a[CAPWAP_LSC_A_AP_CHALLENGE_SET]) ?
			  "Set" : "Not set");
	if (a[CAPWAP_LSC_A_PROVISION_MODE])
		print_row("AP LSC provisioning",
			  lsc_provision_mode_text(nla_get_u8(a[CAPWAP_LSC_A_PROVISION_MODE])));
	if (a[CAPWAP_LSC_A_PROVISION_LIST]) {
		struct nlattr *mac;
		int rem, n = 0;

		nla_for_each_nested(mac, a[CAPWAP_LSC_A_PROVISION_LIST], rem)
			n++;
		if (n)
			snprintf(buf, sizeof(buf), "%d entr%s", n, n == 1 ? "y" : "ies");
		else
			snprintf(buf, sizeof(buf), "Not configured");
		print_row("Provision list", buf);
	}
	if (a[CAPWAP_LSC_A_SUBJECT])
		print_subject(a[CAPWAP_LSC_A_SUBJECT]);
	if (a[CAPWAP_LSC_A_KEY_TYPE] && a[CAPWAP_LSC_A_KEY_BITS]) {
		snprintf(buf, sizeof(buf), "%s %u bits",
			 lsc_key_type_name(nla_get_u8(a[CAPWAP_LSC_A_KEY_TYPE])),
			 nla_get_u16(a[CAPWAP_LSC_A_KEY_BITS]));
		print_row("LSC key", buf);
	}
	if (a[CAPWAP_LSC_A_VALIDITY_DAYS]) {
		uint32_t days = nla_get_u32(a[CAPWAP_LSC_A_VALIDITY_DAYS]);

		if (days)
			snprintf(buf, sizeof(buf), "%u days", days);
		else
			snprintf(buf, sizeof(buf), "as the CA decides");
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
	if (sysfs_uint("requests", &pending) &&
	    sysfs_uint("max_pending_requests", &max_pending)) {
		snprintf(buf, sizeof(buf), "%u of at most %u", pending,
			 max_pending);
		print_row("Certificate requests pending", buf);
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

static int get_config(struct lsc_genl *g, lsc_genl_reply_fn fn, void *arg)
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_CONFIG, 0);

	if (!msg)
		return -ENOMEM;
	return lsc_genl_call(g, msg, fn, arg);
}

static int provision_list_reply(struct nlattr **a, void *arg)
{
	struct nlattr *mac;
	char buf[32];
	int rem, n = 0;

	(void)arg;
	if (a[CAPWAP_LSC_A_PROVISION_MODE])
		print_row("AP LSC provisioning",
			  lsc_provision_mode_text(nla_get_u8(a[CAPWAP_LSC_A_PROVISION_MODE])));
	printf("\nLSC AP provision list (Ethernet MAC):\n");
	if (a[CAPWAP_LSC_A_PROVISION_LIST]) {
		nla_for_each_nested(mac, a[CAPWAP_LSC_A_PROVISION_LIST], rem) {
			format_mac(buf, sizeof(buf), mac);
			printf("  %s\n", buf);
			n++;
		}
	}
	if (!n)
		printf("  (empty: every AP joined with a MIC or SSC is provisioned"
		       " when provisioning is enabled)\n");
	return 0;
}

struct ap_view {
	char mac[24];
	char addr[INET_ADDRSTRLEN + 8];
	const char *model, *serial, *last_error;
	uint8_t session, state, cert_type, mode, attempts, last_result;
	uint32_t fallbacks;
	uint64_t joined_since, cert_expiry, request_id;
	char issuer_hash[2 * CAPWAP_LSC_SHA256_LEN + 1];
};

static int parse_ap(struct nlattr **a, struct ap_view *v)
{
	struct nlattr *ap[CAPWAP_LSC_AP_A_MAX + 1];

	memset(v, 0, sizeof(*v));
	if (!a[CAPWAP_LSC_A_AP] ||
	    nla_parse_nested(ap, CAPWAP_LSC_AP_A_MAX, a[CAPWAP_LSC_A_AP], NULL) < 0 ||
	    !ap[CAPWAP_LSC_AP_A_MAC])
		return -EPROTO;
	format_mac(v->mac, sizeof(v->mac), ap[CAPWAP_LSC_AP_A_MAC]);
	snprintf(v->addr, sizeof(v->addr), "-");
	if (ap[CAPWAP_LSC_AP_A_ADDR] &&
	    nla_len(ap[CAPWAP_LSC_AP_A_ADDR]) >= (int)sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;
		char ip[INET_ADDRSTRLEN];

		memcpy(&sin, nla_data(ap[CAPWAP_LSC_AP_A_ADDR]), sizeof(sin));
		if (sin.sin_family == AF_INET &&
		    inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof(ip)))
			snprintf(v->addr, sizeof(v->addr), "%s:%u", ip,
				 ntohs(sin.sin_port));
	}
#define STR(attr) (ap[attr] ? nla_get_string(ap[attr]) : "")
#define U8(attr) (ap[attr] ? nla_get_u8(ap[attr]) : 0)
	v->model = STR(CAPWAP_LSC_AP_A_MODEL);
	v->serial = STR(CAPWAP_LSC_AP_A_SERIAL);
	v->last_error = STR(CAPWAP_LSC_AP_A_LAST_ERROR);
	v->session = U8(CAPWAP_LSC_AP_A_SESSION);
	v->state = U8(CAPWAP_LSC_AP_A_STATE);
	v->cert_type = U8(CAPWAP_LSC_AP_A_CERT_TYPE);
	v->mode = U8(CAPWAP_LSC_AP_A_MODE);
	v->attempts = U8(CAPWAP_LSC_AP_A_ATTEMPTS);
	v->last_result = U8(CAPWAP_LSC_AP_A_LAST_RESULT);
#undef STR
#undef U8
	if (ap[CAPWAP_LSC_AP_A_FALLBACKS])
		v->fallbacks = nla_get_u32(ap[CAPWAP_LSC_AP_A_FALLBACKS]);
	if (ap[CAPWAP_LSC_AP_A_JOINED_SINCE])
		v->joined_since = nla_get_u64(ap[CAPWAP_LSC_AP_A_JOINED_SINCE]);
	if (ap[CAPWAP_LSC_AP_A_CERT_EXPIRY])
		v->cert_expiry = nla_get_u64(ap[CAPWAP_LSC_AP_A_CERT_EXPIRY]);
	if (ap[CAPWAP_LSC_AP_A_REQUEST_ID])
		v->request_id = nla_get_u64(ap[CAPWAP_LSC_AP_A_REQUEST_ID]);
	if (ap[CAPWAP_LSC_AP_A_ISSUER_HASH] &&
	    nla_len(ap[CAPWAP_LSC_AP_A_ISSUER_HASH]) == CAPWAP_LSC_SHA256_LEN)
		lsc_hex_encode(v->issuer_hash,
			       nla_data(ap[CAPWAP_LSC_AP_A_ISSUER_HASH]),
			       CAPWAP_LSC_SHA256_LEN);
	return 0;
}

struct ap_table {
	unsigned int count;
	unsigned int by_cert[__CAPWAP_LSC_CERT_MAX];
};

static int ap_row_reply(struct nlattr **a, void *arg)
{
	struct ap_table *t = arg;
	struct ap_view v;

	if (parse_ap(a, &v))
		return 0;
	if (!t->count)
		printf("%-17s %-21s %-14s %-9s %-4s %-6s %-12s %3s  %s\n",
		       "AP MAC", "Address", "Model", "Session", "Cert", "Mode",
		       "LSC state", "Att", "Last error");
	printf("%-17s %-21s %-14.14s %-9s %-4s %-6s %-12s %3u  %s\n",
	       v.mac, v.addr, v.model, lsc_session_name(v.session),
	       lsc_cert_type_name(v.cert_type), lsc_ap_mode_name(v.mode),
	       lsc_ap_state_name(v.state), v.attempts,
	       v.last_error[0] ? v.last_error : "-");
	t->count++;
	if (v.cert_type < __CAPWAP_LSC_CERT_MAX)
		t->by_cert[v.cert_type]++;
	return 0;
}

static int ap_detail_reply(struct nlattr **a, void *arg)
{
	struct ap_view v;
	char buf[64];

	(void)arg;
	if (parse_ap(a, &v))
		return -EPROTO;
	print_row("AP Ethernet MAC", v.mac);
	print_row("Address", v.addr);
	print_row("Model", v.model[0] ? v.model : "-");
	print_row("Serial number", v.serial[0] ? v.serial : "-");
	print_row("CAPWAP session", lsc_session_name(v.session));
	format_time(buf, sizeof(buf), v.joined_since);
	print_row("Joined since", buf);
	print_row("Certificate type", lsc_cert_type_name(v.cert_type));
	print_row("AP mode", lsc_ap_mode_name(v.mode));
	print_row("LSC provisioning state", lsc_ap_state_name(v.state));
	snprintf(buf, sizeof(buf), "%u", v.attempts);
	print_row("Failed attempts", buf);
	snprintf(buf, sizeof(buf), "%u", v.fallbacks);
	print_row("Fallbacks to MIC", buf);
	print_row("Last result", lsc_result_name(v.last_result));
	print_row("Last error", v.last_error[0] ? v.last_error : "-");
	format_time(buf, sizeof(buf), v.cert_expiry);
	print_row("LSC expires", buf);
	print_row("LSC issuer hash", v.issuer_hash[0] ? v.issuer_hash : "-");
	if (v.request_id) {
		snprintf(buf, sizeof(buf), "%" PRIu64, v.request_id);
		print_row("Enrollment request", buf);
	}
	return 0;
}

static int show_aps(struct lsc_genl *g)
{
	struct ap_table t = { 0 };
	struct nl_msg *msg;
	int ret;

	msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_AP, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	ret = lsc_genl_call(g, msg, ap_row_reply, &t);
	if (ret)
		return ret;
	printf("%s%u APs: %u LSC, %u MIC, %u SSC\n", t.count ? "\n" : "",
	       t.count, t.by_cert[CAPWAP_LSC_CERT_LSC],
	       t.by_cert[CAPWAP_LSC_CERT_MIC], t.by_cert[CAPWAP_LSC_CERT_SSC]);
	return 0;
}

static int show_ap(struct lsc_genl *g, const char *mac_text)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	struct nl_msg *msg;

	if (lsc_mac_parse(mac_text, mac)) {
		fprintf(stderr, "lscctl: '%s' is not a MAC address\n", mac_text);
		return -EINVAL;
	}
	msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_AP, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return lsc_genl_call(g, msg, ap_detail_reply, NULL);
}

static void print_counter_nest(const char *title, struct nlattr *nest,
			       const char *(*name)(int))
{
	struct nlattr *a;
	int rem;

	printf("\n%s:\n", title);
	nla_for_each_nested(a, nest, rem) {
		uint64_t v = nla_get_u64(a);

		if (v)
			printf("  %-36s %" PRIu64 "\n", name(nla_type(a)), v);
	}
}

static const char *malformed_attr_name(int type)
{
	return lsc_malformed_name(type - 1);
}

static int stats_reply(struct nlattr **a, void *arg)
{
	static const struct { int attr; const char *label; } scalars[] = {
		{ CAPWAP_LSC_STATS_A_RX_PACKETS, "Datagrams received" },
		{ CAPWAP_LSC_STATS_A_FRAGMENTS, "Fragments received" },
		{ CAPWAP_LSC_STATS_A_REASSEMBLED, "Messages reassembled" },
		{ CAPWAP_LSC_STATS_A_DROPPED, "Valid messages dropped" },
		{ CAPWAP_LSC_STATS_A_RETRANSMITS, "Retransmissions" },
		{ CAPWAP_LSC_STATS_A_DUPLICATES, "Duplicate requests" },
		{ CAPWAP_LSC_STATS_A_TIMEOUTS, "Sessions timed out" },
		{ CAPWAP_LSC_STATS_A_SILENT_SESSIONS, "  of which silent (no echo)" },
		{ CAPWAP_LSC_STATS_A_RECORDS_EVICTED, "AP records evicted (table full)" },
		{ CAPWAP_LSC_STATS_A_RECORDS_EXPIRED, "AP records expired (idle)" },
		{ CAPWAP_LSC_STATS_A_JOINS_LIMITED, "Joins dropped (per-source limit)" },
		{ CAPWAP_LSC_STATS_A_TX_ERRORS, "Transmit errors" },
		{ CAPWAP_LSC_STATS_A_LSC_EVENTS, "LSC requests announced" },
		{ CAPWAP_LSC_STATS_A_QUEUE_FULL, "LSC requests refused (too many pending)" },
		{ CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED, "LSC requests expired (no helper)" },
		{ CAPWAP_LSC_STATS_A_CERTS_DELIVERED, "Certificates delivered" },
		{ CAPWAP_LSC_STATS_A_ENROLL_FAILURES, "Enrollment failures" },
		{ CAPWAP_LSC_STATS_A_FALLBACKS, "Fallbacks to MIC" },
		{ CAPWAP_LSC_STATS_A_REFUSED_BRIDGE, "Refused: bridge mode" },
		{ CAPWAP_LSC_STATS_A_REFUSED_MESH, "Refused: mesh mode" },
		{ CAPWAP_LSC_STATS_A_REFUSED_LSC, "Refused: LSC did not verify" },
	};
	struct nlattr *s[CAPWAP_LSC_STATS_A_MAX + 1];
	size_t i;

	(void)arg;
	if (!a[CAPWAP_LSC_A_STATS] ||
	    nla_parse_nested(s, CAPWAP_LSC_STATS_A_MAX, a[CAPWAP_LSC_A_STATS], NULL) < 0)
		return -EPROTO;
	if (s[CAPWAP_LSC_STATS_A_APS])
		printf("%-38s %u\n", "APs known", nla_get_u32(s[CAPWAP_LSC_STATS_A_APS]));
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (s[scalars[i].attr])
			printf("%-38s %" PRIu64 "\n", scalars[i].label,
			       nla_get_u64(s[scalars[i].attr]));
	if (s[CAPWAP_LSC_STATS_A_RX])
		print_counter_nest("Received by message type", s[CAPWAP_LSC_STATS_A_RX],
				   lsc_msg_type_name);
	if (s[CAPWAP_LSC_STATS_A_TX])
		print_counter_nest("Sent by message type", s[CAPWAP_LSC_STATS_A_TX],
				   lsc_msg_type_name);
	if (s[CAPWAP_LSC_STATS_A_MALFORMED])
		print_counter_nest("Malformed, dropped, by reason",
				   s[CAPWAP_LSC_STATS_A_MALFORMED], malformed_attr_name);
	return 0;
}

static int cmd_show(struct lsc_genl *g, int argc, char **argv)
{
	struct nl_msg *msg;
	const char *what = argc > 1 ? argv[1] : "summary";

	if (!strcmp(what, "summary") && argc <= 2)
		return get_config(g, show_summary_reply, NULL);
	if (!strcmp(what, "ap-provision") && argc <= 2) {
		int ret = get_config(g, provision_list_reply, NULL);

		if (ret)
			return ret;
		printf("\n");
		return show_aps(g);
	}
	if (!strcmp(what, "aps") && argc <= 2)
		return show_aps(g);
	if (!strcmp(what, "ap") && argc == 3)
		return show_ap(g, argv[2]);
	if (!strcmp(what, "stats") && argc <= 2) {
		msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_STATS, 0);
		if (!msg)
			return -ENOMEM;
		return lsc_genl_call(g, msg, stats_reply, NULL);
	}
	fprintf(stderr, "lscctl show: expected summary, ap-provision, aps, ap MAC or stats\n");
	return -EINVAL;
}

/* Sends SET_CONFIG with the attributes add() puts in. */
static int set_config(struct lsc_genl *g,
		      int (*add)(struct nl_msg *msg, int argc, char **argv),
		      int argc, char **argv)
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_SET_CONFIG, 0);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = add(msg, argc, argv);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return lsc_genl_call(g, msg, NULL, NULL);
}

static int add_lsc(struct nl_msg *msg, int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "enable") && strcmp(argv[1], "disable")))
		return -EINVAL;
	return nla_put_u8(msg, CAPWAP_LSC_A_LSC_ENABLED,
			  !strcmp(argv[1], "enable")) < 0 ? -ENOMEM : 0;
}

static int add_provision(struct nl_msg *msg, int argc, char **argv)
{
	uint8_t mode;

	if (argc != 2)
		return -EINVAL;
	if (!strcmp(argv[1], "off") || !strcmp(argv[1], "disable"))
		mode = CAPWAP_LSC_PROVISION_OFF;
	else if (!strcmp(argv[1], "all") || !strcmp(argv[1], "enable"))
		mode = CAPWAP_LSC_PROVISION_ALL;
	else if (!strcmp(argv[1], "list"))
		mode = CAPWAP_LSC_PROVISION_LIST;
	else
		return -EINVAL;
	return nla_put_u8(msg, CAPWAP_LSC_A_PROVISION_MODE, mode) < 0 ? -ENOMEM : 0;
}

static int add_subject(struct nl_msg *msg, int argc, char **argv)
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
			return -EINVAL;
		*eq = '\0';
		field = lsc_subject_field_parse(argv[i]);
		*eq = '=';
		if (field < 0) {
			fprintf(stderr, "lscctl: unknown subject field in '%s' "
				"(C, ST, L, O, OU, email)\n", argv[i]);
			return -EINVAL;
		}
		if (nla_put_string(msg, field, eq + 1) < 0)
			return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int add_key(struct nl_msg *msg, int argc, char **argv)
{
	unsigned long bits;
	uint8_t type;

	if (argc != 3 || lsc_parse_uint(argv[2], 0, 65535, &bits))
		return -EINVAL;
	if (!strcmp(argv[1], "rsa"))
		type = CAPWAP_LSC_KEY_RSA;
	else if (!strcmp(argv[1], "ec"))
		type = CAPWAP_LSC_KEY_EC;
	else
		return -EINVAL;
	if (nla_put_u8(msg, CAPWAP_LSC_A_KEY_TYPE, type) < 0 ||
	    nla_put_u16(msg, CAPWAP_LSC_A_KEY_BITS, (uint16_t)bits) < 0)
		return -ENOMEM;
	return 0;
}

static int add_number(struct nl_msg *msg, int argc, char **argv)
{
	unsigned long v;

	if (argc != 2)
		return -EINVAL;
	if (!strcmp(argv[0], "validity")) {
		if (lsc_parse_uint(argv[1], 0, UINT32_MAX, &v))
			return -EINVAL;
		return nla_put_u32(msg, CAPWAP_LSC_A_VALIDITY_DAYS, v) < 0 ? -ENOMEM : 0;
	}
	if (!strcmp(argv[0], "attempts")) {
		if (lsc_parse_uint(argv[1], 0, 255, &v))
			return -EINVAL;
		return nla_put_u8(msg, CAPWAP_LSC_A_MAX_ATTEMPTS, v) < 0 ? -ENOMEM : 0;
	}
	if (!strcmp(argv[0], "vendor-id")) {
		if (lsc_parse_uint(argv[1], 0, UINT32_MAX, &v))
			return -EINVAL;
		return nla_put_u32(msg, CAPWAP_LSC_A_VENDOR_ID, v) < 0 ? -ENOMEM : 0;
	}
	return -EINVAL;
}

static int provision_list_change(struct lsc_genl *g, int argc, char **argv)
{
	uint8_t cmd, mac[CAPWAP_LSC_MAC_LEN];
	struct nl_msg *msg;
	int i, ret;

	if (argc == 2 && !strcmp(argv[1], "flush")) {
		msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_PROVLIST_FLUSH, 0);
		return msg ? lsc_genl_call(g, msg, NULL, NULL) : -ENOMEM;
	}
	if (argc < 3)
		return -EINVAL;
	if (!strcmp(argv[1], "add"))
		cmd = CAPWAP_LSC_CMD_PROVLIST_ADD;
	else if (!strcmp(argv[1], "del") || !strcmp(argv[1], "delete"))
		cmd = CAPWAP_LSC_CMD_PROVLIST_DEL;
	else
		return -EINVAL;
	for (i = 2; i < argc; i++) {
		if (lsc_mac_parse(argv[i], mac)) {
			fprintf(stderr, "lscctl: '%s' is not a MAC address\n", argv[i]);
			return -EINVAL;
		}
		msg = lsc_genl_msg(g, cmd, 0);
		if (!msg)
			return -ENOMEM;
		if (nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		ret = lsc_genl_call(g, msg, NULL, NULL);
		/* main() explains a refusal for want of privilege. */
		if (ret && ret != -EPERM)
			fprintf(stderr, "lscctl: %s %s: %s\n", argv[1], argv[i],
				strerror(-ret));
		if (ret)
			return ret;
	}
	return 0;
}

static int cmd_config(struct lsc_genl *g, int argc, char **argv)
{
	if (argc < 2)
		return -EINVAL;
	argc--;
	argv++;
	if (!strcmp(argv[0], "lsc"))
		return set_config(g, add_lsc, argc, argv);
	if (!strcmp(argv[0], "provision"))
		return set_config(g, add_provision, argc, argv);
	if (!strcmp(argv[0], "provision-list"))
		return provision_list_change(g, argc, argv);
	if (!strcmp(argv[0], "subject"))
		return set_config(g, add_subject, argc, argv);
	if (!strcmp(argv[0], "key"))
		return set_config(g, add_key, argc, argv);
	if (!strcmp(argv[0], "validity") || !strcmp(argv[0], "attempts") ||
	    !strcmp(argv[0], "vendor-id"))
		return set_config(g, add_number, argc, argv);
	return -EINVAL;
}

static int cmd_renew(struct lsc_genl *g, int argc, char **argv)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	struct nl_msg *msg;

	if (argc != 2)
		return -EINVAL;
	msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_RENEW, 0);
	if (!msg)
		return -ENOMEM;
	if (!strcmp(argv[1], "all")) {
		if (nla_put_u32(msg, CAPWAP_LSC_A_FLAGS, CAPWAP_LSC_F_ALL) < 0)
			goto nomem;
	} else if (!lsc_mac_parse(argv[1], mac)) {
		if (nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
			goto nomem;
	} else {
		nlmsg_free(msg);
		return -EINVAL;
	}
	return lsc_genl_call(g, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

static const struct subcommand subcommands[] = {
	{ "show", cmd_show,
	  "show [summary]                       LSC settings and controller certificates\n"
	  "  show ap-provision                    provision list and every AP's LSC state\n"
	  "  show aps                             one line per AP\n"
	  "  show ap MAC                          one AP in detail\n"
	  "  show stats                           CAPWAP and LSC counters" },
	{ "config", cmd_config,
	  "config lsc enable|disable\n"
	  "  config provision off|all|list        which APs get an LSC\n"
	  "  config provision-list add|del MAC... | flush\n"
	  "  config subject C=CN ST=.. L=.. O=.. OU=.. email=..\n"
	  "  config key rsa 2048|3072|4096|384..2048 | ec 256|384\n"
	  "  config validity DAYS                 0: as the CA decides\n"
	  "  config attempts N                    0..255, 0: never fall back to MIC\n"
	  "  config vendor-id ID                  enterprise number of the LSC payloads" },
	{ "renew", cmd_renew,
	  "renew MAC|all                        provision a new LSC now" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lscctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %s\n", subcommands[i].usage);
	fprintf(f, "  version                              print the version\n");
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
		if (ret == -EINVAL && !g.error_msg[0]) {
			fprintf(stderr, "lscctl %s: invalid arguments\nusage:\n  %s\n",
				argv[1], subcommands[i].usage);
			lsc_genl_close(&g);
			return 2;
		} else if (ret == -EPERM) {
			/* The module answers only administrators, reading too. */
			fprintf(stderr, "lscctl %s: %s: needs CAP_NET_ADMIN (run as root)\n",
				argv[1], strerror(-ret));
		} else if (ret) {
			fprintf(stderr, "lscctl %s: %s%s%s\n", argv[1], strerror(-ret),
				g.error_msg[0] ? ": " : "", g.error_msg);
		}
		lsc_genl_close(&g);
		return ret ? 1 : 0;
	}
	fprintf(stderr, "lscctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
