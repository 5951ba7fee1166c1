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
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <json-c/json.h>

#include "genl.h"
#include "hex.h"
#include "mac.h"
#include "names.h"
#include "numparse.h"

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

/* What the replies are shown through: text as they come, or one document. */
struct out {
	bool json;
	struct json_object *doc;
	struct json_object *aps;	/* the array AP objects go to */
	unsigned int count;
	unsigned int by_cert[__CAPWAP_LSC_CERT_MAX];
};

struct plan {
	struct step *steps;
	int n;
	struct out out;
	void (*finish)(struct out *o);	/* after the last reply */
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

/* A JSON document of its own for this command: an object or an array. */
static int want_doc(struct out *o, bool array)
{
	if (!o->json)
		return 0;
	o->doc = array ? json_object_new_array() : json_object_new_object();
	return o->doc ? 0 : -ENOMEM;
}

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

/* JSON values; NULL (a JSON null) for what is not there. */
static struct json_object *j_str(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* RFC 3339 in UTC; 0 (never, not known) is null. */
static struct json_object *j_time(uint64_t secs)
{
	time_t t = (time_t)secs;
	char buf[32];
	struct tm tm;

	if (!secs || !gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return json_object_new_string(buf);
}

static void j_add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
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

static bool flag(struct nlattr *a)
{
	return a && nla_get_u8(a);
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

static struct json_object *subject_json(struct nlattr *nest)
{
	struct json_object *o = json_object_new_object();
	struct nlattr *a;
	int rem;

	if (!o)
		return NULL;
	nla_for_each_nested(a, nest, rem) {
		const char *name = lsc_subject_field_name(nla_type(a));

		if (name)
			j_add(o, name, json_object_new_string_len(nla_data(a),
				(int)strnlen(nla_data(a), nla_len(a))));
	}
	return o;
}

static const uint8_t *ca_fingerprint(struct nlattr **c)
{
	struct nlattr *a = c[CAPWAP_LSC_CTRL_A_CA_FINGERPRINT];

	return a && nla_len(a) == CAPWAP_LSC_SHA256_LEN ? nla_data(a) : NULL;
}

static uint64_t u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static void print_controller(struct nlattr *nest)
{
	struct nlattr *c[CAPWAP_LSC_CTRL_A_MAX + 1];
	const uint8_t *fp;
	char buf[128];

	if (nla_parse_nested(c, CAPWAP_LSC_CTRL_A_MAX, nest, NULL) < 0)
		return;
	print_row("CA server", c[CAPWAP_LSC_CTRL_A_CA_URL] ?
		  nla_get_string(c[CAPWAP_LSC_CTRL_A_CA_URL]) : "Not configured");
	print_row("CA certificate", flag(c[CAPWAP_LSC_CTRL_A_CA_PRESENT]) ?
		  "Present" : "Not present");
	fp = ca_fingerprint(c);
	if (fp) {
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
	print_row("RA certificate", flag(c[CAPWAP_LSC_CTRL_A_RA_PRESENT]) ?
		  "Present" : "Not present");
	print_row("Controller LSC", flag(c[CAPWAP_LSC_CTRL_A_CERT_PRESENT]) ?
		  "Present" : "Not present");
	if (c[CAPWAP_LSC_CTRL_A_CERT_EXPIRY]) {
		format_time(buf, sizeof(buf),
			    nla_get_u64(c[CAPWAP_LSC_CTRL_A_CERT_EXPIRY]));
		print_row("Controller LSC expires", buf);
	}
}

static struct json_object *controller_json(struct nlattr *nest)
{
	struct nlattr *c[CAPWAP_LSC_CTRL_A_MAX + 1] = { NULL };
	char hex[2 * CAPWAP_LSC_SHA256_LEN + 1] = "";
	struct json_object *o = json_object_new_object();
	const uint8_t *fp;

	if (!o)
		return NULL;
	if (nest && nla_parse_nested(c, CAPWAP_LSC_CTRL_A_MAX, nest, NULL) < 0)
		memset(c, 0, sizeof(c));
	fp = ca_fingerprint(c);
	if (fp)
		lsc_hex_encode(hex, fp, CAPWAP_LSC_SHA256_LEN);
	j_add(o, "ca_url", c[CAPWAP_LSC_CTRL_A_CA_URL] ?
	      j_str(nla_get_string(c[CAPWAP_LSC_CTRL_A_CA_URL])) : NULL);
	j_add(o, "ca_present", json_object_new_boolean(flag(c[CAPWAP_LSC_CTRL_A_CA_PRESENT])));
	j_add(o, "ca_fingerprint_sha256", j_str(hex));
	j_add(o, "ca_expires", j_time(u64_or_0(c[CAPWAP_LSC_CTRL_A_CA_EXPIRY])));
	j_add(o, "ra_present", json_object_new_boolean(flag(c[CAPWAP_LSC_CTRL_A_RA_PRESENT])));
	j_add(o, "lsc_present", json_object_new_boolean(flag(c[CAPWAP_LSC_CTRL_A_CERT_PRESENT])));
	j_add(o, "lsc_expires", j_time(u64_or_0(c[CAPWAP_LSC_CTRL_A_CERT_EXPIRY])));
	return o;
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

static void summary_text(struct nlattr **a)
{
	unsigned int pending, max_pending;
	char buf[64];

	if (a[CAPWAP_LSC_A_LSC_ENABLED])
		print_row("LSC enabled", flag(a[CAPWAP_LSC_A_LSC_ENABLED]) ? "Yes" : "No");
	if (a[CAPWAP_LSC_A_CONTROLLER])
		print_controller(a[CAPWAP_LSC_A_CONTROLLER]);
	if (a[CAPWAP_LSC_A_CA_PRESENT])
		print_row("LSC CA trusted for AP joins",
			  flag(a[CAPWAP_LSC_A_CA_PRESENT]) ? "Yes" : "No");
	/* The module never hands the password itself back. */
	if (a[CAPWAP_LSC_A_AP_CHALLENGE_SET])
		print_row("AP challenge password",
			  flag(a[CAPWAP_LSC_A_AP_CHALLENGE_SET]) ? "Set" : "Not set");
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
}

static struct json_object *provision_list_json(struct nlattr *list)
{
	struct json_object *arr = json_object_new_array();
	struct nlattr *mac;
	char buf[24];
	int rem;

	if (!arr || !list)
		return arr;
	nla_for_each_nested(mac, list, rem) {
		format_mac(buf, sizeof(buf), mac);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

#define J_U8(a) ((a) ? json_object_new_int(nla_get_u8(a)) : NULL)
#define J_U16(a) ((a) ? json_object_new_int(nla_get_u16(a)) : NULL)
#define J_U32(a) ((a) ? json_object_new_int64(nla_get_u32(a)) : NULL)

static void provisioning_json(struct json_object *o, struct nlattr **a)
{
	j_add(o, "provision_mode", a[CAPWAP_LSC_A_PROVISION_MODE] ?
	      json_object_new_string(lsc_provision_mode_name(
			nla_get_u8(a[CAPWAP_LSC_A_PROVISION_MODE]))) : NULL);
	j_add(o, "provision_list", provision_list_json(a[CAPWAP_LSC_A_PROVISION_LIST]));
}

static void summary_json(struct json_object *o, struct nlattr **a)
{
	unsigned int v;

	j_add(o, "lsc_enabled", json_object_new_boolean(flag(a[CAPWAP_LSC_A_LSC_ENABLED])));
	j_add(o, "controller", controller_json(a[CAPWAP_LSC_A_CONTROLLER]));
	j_add(o, "ca_trusted_for_joins",
	      json_object_new_boolean(flag(a[CAPWAP_LSC_A_CA_PRESENT])));
	j_add(o, "ap_challenge_set",
	      json_object_new_boolean(flag(a[CAPWAP_LSC_A_AP_CHALLENGE_SET])));
	provisioning_json(o, a);
	j_add(o, "subject", a[CAPWAP_LSC_A_SUBJECT] ?
	      subject_json(a[CAPWAP_LSC_A_SUBJECT]) : json_object_new_object());
	j_add(o, "key_type", a[CAPWAP_LSC_A_KEY_TYPE] ?
	      json_object_new_string(lsc_key_type_name(nla_get_u8(a[CAPWAP_LSC_A_KEY_TYPE]))) :
	      NULL);
	j_add(o, "key_bits", J_U16(a[CAPWAP_LSC_A_KEY_BITS]));
	j_add(o, "validity_days", J_U32(a[CAPWAP_LSC_A_VALIDITY_DAYS]));
	j_add(o, "max_attempts", J_U8(a[CAPWAP_LSC_A_MAX_ATTEMPTS]));
	j_add(o, "requests_pending",
	      sysfs_uint("requests", &v) ? json_object_new_int64(v) : NULL);
	j_add(o, "max_pending_requests",
	      sysfs_uint("max_pending_requests", &v) ? json_object_new_int64(v) : NULL);
	j_add(o, "version", a[CAPWAP_LSC_A_VERSION] ?
	      j_str(nla_get_string(a[CAPWAP_LSC_A_VERSION])) : NULL);
	j_add(o, "port", J_U16(a[CAPWAP_LSC_A_PORT]));
	j_add(o, "vendor_id", J_U32(a[CAPWAP_LSC_A_VENDOR_ID]));
}

static int summary_reply(struct nlattr **a, void *arg)
{
	struct out *o = arg;

	if (o->json)
		summary_json(o->doc, a);
	else
		summary_text(a);
	return 0;
}

static int provision_list_reply(struct nlattr **a, void *arg)
{
	struct out *o = arg;
	struct nlattr *mac;
	char buf[32];
	int rem, n = 0;

	if (o->json) {
		provisioning_json(o->doc, a);
		return 0;
	}
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
	printf("\n");
	return 0;
}

struct ap_view {
	char mac[24];
	char ip[INET_ADDRSTRLEN];	/* "" when not known */
	uint16_t port;
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
	if (ap[CAPWAP_LSC_AP_A_ADDR] &&
	    nla_len(ap[CAPWAP_LSC_AP_A_ADDR]) >= (int)sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, nla_data(ap[CAPWAP_LSC_AP_A_ADDR]), sizeof(sin));
		if (sin.sin_family == AF_INET &&
		    inet_ntop(AF_INET, &sin.sin_addr, v->ip, sizeof(v->ip)))
			v->port = ntohs(sin.sin_port);
		else
			v->ip[0] = '\0';
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

static void format_addr(char *buf, size_t size, const struct ap_view *v)
{
	if (v->ip[0])
		snprintf(buf, size, "%s:%u", v->ip, v->port);
	else
		snprintf(buf, size, "-");
}

static struct json_object *ap_json(const struct ap_view *v)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	j_add(o, "mac", json_object_new_string(v->mac));
	j_add(o, "address", j_str(v->ip));
	j_add(o, "port", v->ip[0] ? json_object_new_int(v->port) : NULL);
	j_add(o, "model", j_str(v->model));
	j_add(o, "serial", j_str(v->serial));
	j_add(o, "session", json_object_new_string(lsc_session_name(v->session)));
	j_add(o, "joined_since", j_time(v->joined_since));
	j_add(o, "cert_type", json_object_new_string(lsc_cert_type_name(v->cert_type)));
	j_add(o, "mode", json_object_new_string(lsc_ap_mode_name(v->mode)));
	j_add(o, "state", json_object_new_string(lsc_ap_state_name(v->state)));
	j_add(o, "attempts", json_object_new_int(v->attempts));
	j_add(o, "fallbacks", json_object_new_int64(v->fallbacks));
	j_add(o, "last_result", json_object_new_string(lsc_result_name(v->last_result)));
	j_add(o, "last_error", j_str(v->last_error));
	j_add(o, "lsc_expires", j_time(v->cert_expiry));
	j_add(o, "lsc_issuer_hash", j_str(v->issuer_hash));
	j_add(o, "request_id", v->request_id ? json_object_new_uint64(v->request_id) : NULL);
	return o;
}

static int ap_row_reply(struct nlattr **a, void *arg)
{
	struct out *o = arg;
	struct ap_view v;
	char addr[INET_ADDRSTRLEN + 8];

	if (parse_ap(a, &v))
		return 0;
	if (v.cert_type < __CAPWAP_LSC_CERT_MAX)
		o->by_cert[v.cert_type]++;
	if (o->json) {
		json_object_array_add(o->aps, ap_json(&v));
		o->count++;
		return 0;
	}
	if (!o->count)
		printf("%-17s %-21s %-14s %-9s %-4s %-6s %-12s %3s  %s\n",
		       "AP MAC", "Address", "Model", "Session", "Cert", "Mode",
		       "LSC state", "Att", "Last error");
	format_addr(addr, sizeof(addr), &v);
	printf("%-17s %-21s %-14.14s %-9s %-4s %-6s %-12s %3u  %s\n",
	       v.mac, addr, v.model, lsc_session_name(v.session),
	       lsc_cert_type_name(v.cert_type), lsc_ap_mode_name(v.mode),
	       lsc_ap_state_name(v.state), v.attempts,
	       v.last_error[0] ? v.last_error : "-");
	o->count++;
	return 0;
}

static void ap_totals(struct out *o)
{
	if (o->json)
		return;
	printf("%s%u APs: %u LSC, %u MIC, %u SSC\n", o->count ? "\n" : "",
	       o->count, o->by_cert[CAPWAP_LSC_CERT_LSC],
	       o->by_cert[CAPWAP_LSC_CERT_MIC], o->by_cert[CAPWAP_LSC_CERT_SSC]);
}

static int ap_detail_reply(struct nlattr **a, void *arg)
{
	struct out *o = arg;
	struct ap_view v;
	char buf[64];

	if (parse_ap(a, &v))
		return -EPROTO;
	if (o->json) {
		if (o->doc)
			json_object_put(o->doc);
		o->doc = ap_json(&v);
		return o->doc ? 0 : -ENOMEM;
	}
	print_row("AP Ethernet MAC", v.mac);
	format_addr(buf, sizeof(buf), &v);
	print_row("Address", buf);
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

static const char *malformed_attr_name(int type)
{
	return lsc_malformed_name(type - 1);
}

/* Text shows the counters that moved; JSON has every one, zeros too. */
static void counter_nest(struct out *o, const char *title, const char *key,
			 struct nlattr *nest, const char *(*name)(int))
{
	struct json_object *obj = NULL;
	struct nlattr *a;
	int rem;

	if (o->json) {
		obj = json_object_new_object();
		j_add(o->doc, key, obj);
	} else {
		printf("\n%s:\n", title);
	}
	nla_for_each_nested(a, nest, rem) {
		uint64_t v = nla_get_u64(a);

		if (obj)
			j_add(obj, name(nla_type(a)), json_object_new_uint64(v));
		else if (!o->json && v)
			printf("  %-36s %" PRIu64 "\n", name(nla_type(a)), v);
	}
}

static int stats_reply(struct nlattr **a, void *arg)
{
	static const struct { int attr; const char *key, *label; } scalars[] = {
		{ CAPWAP_LSC_STATS_A_RX_PACKETS, "rx_packets", "Datagrams received" },
		{ CAPWAP_LSC_STATS_A_FRAGMENTS, "fragments", "Fragments received" },
		{ CAPWAP_LSC_STATS_A_REASSEMBLED, "reassembled", "Messages reassembled" },
		{ CAPWAP_LSC_STATS_A_DROPPED, "dropped", "Valid messages dropped" },
		{ CAPWAP_LSC_STATS_A_RETRANSMITS, "retransmits", "Retransmissions" },
		{ CAPWAP_LSC_STATS_A_DUPLICATES, "duplicates", "Duplicate requests" },
		{ CAPWAP_LSC_STATS_A_TIMEOUTS, "timeouts", "Sessions timed out" },
		{ CAPWAP_LSC_STATS_A_SILENT_SESSIONS, "silent_sessions",
		  "  of which silent (no echo)" },
		{ CAPWAP_LSC_STATS_A_RECORDS_EVICTED, "records_evicted",
		  "AP records evicted (table full)" },
		{ CAPWAP_LSC_STATS_A_RECORDS_EXPIRED, "records_expired",
		  "AP records expired (idle)" },
		{ CAPWAP_LSC_STATS_A_JOINS_LIMITED, "joins_limited",
		  "Joins dropped (per-source limit)" },
		{ CAPWAP_LSC_STATS_A_TX_ERRORS, "tx_errors", "Transmit errors" },
		{ CAPWAP_LSC_STATS_A_LSC_EVENTS, "lsc_events", "LSC requests announced" },
		{ CAPWAP_LSC_STATS_A_QUEUE_FULL, "queue_full",
		  "LSC requests refused (too many pending)" },
		{ CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED, "requests_expired",
		  "LSC requests expired (no helper)" },
		{ CAPWAP_LSC_STATS_A_CERTS_DELIVERED, "certs_delivered",
		  "Certificates delivered" },
		{ CAPWAP_LSC_STATS_A_ENROLL_FAILURES, "enroll_failures",
		  "Enrollment failures" },
		{ CAPWAP_LSC_STATS_A_FALLBACKS, "fallbacks", "Fallbacks to MIC" },
		{ CAPWAP_LSC_STATS_A_REFUSED_BRIDGE, "refused_bridge", "Refused: bridge mode" },
		{ CAPWAP_LSC_STATS_A_REFUSED_MESH, "refused_mesh", "Refused: mesh mode" },
		{ CAPWAP_LSC_STATS_A_REFUSED_LSC, "refused_lsc", "Refused: LSC did not verify" },
	};
	struct nlattr *s[CAPWAP_LSC_STATS_A_MAX + 1];
	struct out *o = arg;
	size_t i;

	if (!a[CAPWAP_LSC_A_STATS] ||
	    nla_parse_nested(s, CAPWAP_LSC_STATS_A_MAX, a[CAPWAP_LSC_A_STATS], NULL) < 0)
		return -EPROTO;
	if (o->json)
		j_add(o->doc, "aps", J_U32(s[CAPWAP_LSC_STATS_A_APS]));
	else if (s[CAPWAP_LSC_STATS_A_APS])
		printf("%-38s %u\n", "APs known", nla_get_u32(s[CAPWAP_LSC_STATS_A_APS]));
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		struct nlattr *v = s[scalars[i].attr];

		if (o->json)
			j_add(o->doc, scalars[i].key,
			      v ? json_object_new_uint64(nla_get_u64(v)) : NULL);
		else if (v)
			printf("%-38s %" PRIu64 "\n", scalars[i].label, nla_get_u64(v));
	}
	if (s[CAPWAP_LSC_STATS_A_RX])
		counter_nest(o, "Received by message type", "rx",
			     s[CAPWAP_LSC_STATS_A_RX], lsc_msg_type_name);
	if (s[CAPWAP_LSC_STATS_A_TX])
		counter_nest(o, "Sent by message type", "tx",
			     s[CAPWAP_LSC_STATS_A_TX], lsc_msg_type_name);
	if (s[CAPWAP_LSC_STATS_A_MALFORMED])
		counter_nest(o, "Malformed, dropped, by reason", "malformed",
			     s[CAPWAP_LSC_STATS_A_MALFORMED], malformed_attr_name);
	return 0;
}

/* The GET_AP dump, into o->aps (JSON) or as table rows. */
static int add_ap_dump(struct plan *p)
{
	return add_step(p, CAPWAP_LSC_CMD_GET_AP, NLM_F_DUMP, ap_row_reply) ?
	       0 : -ENOMEM;
}

static int parse_show_ap(struct plan *p, const char *text)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;

	if (lsc_mac_parse(text, mac))
		return bad(p, "'%s' is not a MAC address", text);
	msg = add_step(p, CAPWAP_LSC_CMD_GET_AP, 0, ap_detail_reply);
	if (!msg || nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
		return -ENOMEM;
	lsc_mac_format(canon, mac);
	step_knows(last_step(p), -ENOENT, "no AP with MAC %s", canon);
	return 0;
}

static int parse_show(struct plan *p, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "summary";
	struct out *o = &p->out;
	int ret;

	if (!strcmp(what, "ap")) {
		if (argc != 3)
			return bad(p, "show ap takes one MAC");
		return parse_show_ap(p, argv[2]);
	}
	if (argc > 2)
		return bad(p, "'%s' after show %s", argv[2], what);
	if (!strcmp(what, "summary")) {
		ret = want_doc(o, false);
		if (!ret && !add_step(p, CAPWAP_LSC_CMD_GET_CONFIG, 0, summary_reply))
			ret = -ENOMEM;
		return ret;
	}
	if (!strcmp(what, "ap-provision")) {
		ret = want_doc(o, false);
		if (ret)
			return ret;
		if (o->json) {
			o->aps = json_object_new_array();
			if (!o->aps)
				return -ENOMEM;
			j_add(o->doc, "aps", o->aps);
		}
		if (!add_step(p, CAPWAP_LSC_CMD_GET_CONFIG, 0, provision_list_reply))
			return -ENOMEM;
		p->finish = ap_totals;
		return add_ap_dump(p);
	}
	if (!strcmp(what, "aps")) {
		ret = want_doc(o, true);
		if (ret)
			return ret;
		o->aps = o->doc;
		p->finish = ap_totals;
		return add_ap_dump(p);
	}
	if (!strcmp(what, "stats")) {
		ret = want_doc(o, false);
		if (!ret && !add_step(p, CAPWAP_LSC_CMD_GET_STATS, 0, stats_reply))
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
	  "  show stats                           CAPWAP and LSC counters" },
	{ "config", parse_config,
	  "config lsc enable|disable\n"
	  "  config provision off|all|list        which APs get an LSC\n"
	  "  config provision-list add|del MAC... | flush\n"
	  "  config subject C=CN ST=.. L=.. O=.. OU=.. email=..\n"
	  "  config key rsa 2048|3072|4096|384..2048 | ec 256|384\n"
	  "  config validity DAYS                 0: as the CA decides\n"
	  "  config attempts N                    0..255, 0: never fall back to MIC\n"
	  "  config vendor-id ID                  enterprise number of the LSC payloads" },
	{ "renew", parse_renew,
	  "renew MAC|all                        provision a new LSC now" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lscctl [-j [-p]] COMMAND [ARGS]\n\n"
		"options:\n"
		"  -j, --json                           show as one JSON document\n"
		"  -p, --pretty                         indent the JSON\n\n"
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
