// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl's show commands as text and as JSON.  Each reply handler renders
 * one genl reply; the JSON keys are the ones lscctl(8) lists, and stay so:
 * scripts read them.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "event.h"
#include "fileio.h"
#include "hex.h"
#include "mac.h"
#include "names.h"
#include "prometheus.h"
#include "show.h"
#include "termsafe.h"

/* A JSON document of its own for this command: an object or an array. */
int lscctl_out_doc(struct lscctl_out *o, bool array)
{
	if (!o->json)
		return 0;
	o->doc = array ? json_object_new_array() : json_object_new_object();
	return o->doc ? 0 : -ENOMEM;
}

static void print_row(const char *label, const char *value)
{
	char safe[512];

	printf("%-30s %s\n", label, lsc_term_safe(safe, sizeof(safe), value));
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

bool lscctl_sysfs_uint(const char *name, unsigned int *v)
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

/* How the saved file stands against the running settings. */
struct saved_view {
	const char *path;
	const char *state;	/* same, differs, absent, invalid, unreadable */
	unsigned int diff;	/* 1 << enum lsc_saved_setting */
	char error[320];	/* the first wrong line, or why it is unreadable */
};

static void first_error(void *arg, unsigned int line, const char *why)
{
	struct saved_view *v = arg;

	if (!v->error[0])
		snprintf(v->error, sizeof(v->error), "%s:%u: %s", v->path, line, why);
}

static void saved_compare(struct nlattr **a, struct saved_view *v)
{
	struct lsc_saved running, saved;
	unsigned int size;
	int ret;

	memset(v, 0, sizeof(*v));
	v->path = lsc_saved_path();
	ret = lsc_saved_read(v->path, &saved, first_error, v);
	if (ret == -ENOENT) {
		v->state = "absent";
	} else if (ret < 0) {
		v->state = "unreadable";
		snprintf(v->error, sizeof(v->error), "%s: %s", v->path, lsc_file_strerror(-ret));
	} else if (ret > 0) {
		v->state = "invalid";
	} else if (lsc_saved_from_config(&running, a)) {
		v->state = "unreadable";
		snprintf(v->error, sizeof(v->error), "%s", strerror(ENOMEM));
	} else {
		v->diff = lsc_saved_diff(&running, &saved);
		/*
		 * GET_CONFIG shows part of a long list: that part matching the
		 * file says nothing of the rest, so the list cannot be "same".
		 */
		if (lscctl_sysfs_uint("provision_list_size", &size) && size > running.n_macs) {
			v->diff |= 1u << LSC_SAVED_PROVLIST;
			snprintf(v->error, sizeof(v->error),
				 "provision-list not compared: the module shows %zu of its %u entries",
				 running.n_macs, size);
		}
		v->state = v->diff ? "differs" : "same";
		lsc_saved_free(&running);
	}
	lsc_saved_free(&saved);
}

static void print_saved(struct nlattr **a)
{
	struct saved_view v;
	char buf[512];
	size_t used;
	int i;

	saved_compare(a, &v);
	if (!strcmp(v.state, "same")) {
		snprintf(buf, sizeof(buf), "Same as running (%s)", v.path);
	} else if (!strcmp(v.state, "differs")) {
		used = snprintf(buf, sizeof(buf), "Differs from running:");
		for (i = 0; i < LSC_SAVED_N && used < sizeof(buf); i++)
			if (v.diff & 1u << i)
				used += snprintf(buf + used, sizeof(buf) - used, " %s",
						 lsc_saved_name(i));
		if (used < sizeof(buf))
			used += snprintf(buf + used, sizeof(buf) - used, " (%s)", v.path);
		if (v.error[0] && used < sizeof(buf))
			snprintf(buf + used, sizeof(buf) - used, "; %s", v.error);
	} else if (!strcmp(v.state, "absent")) {
		snprintf(buf, sizeof(buf), "None (%s)", v.path);
	} else {
		snprintf(buf, sizeof(buf), "Not usable: %s", v.error);
	}
	print_row("Saved configuration", buf);
}

static struct json_object *saved_summary_json(struct nlattr **a)
{
	struct json_object *o = json_object_new_object(), *d;
	struct saved_view v;
	int i;

	if (!o)
		return NULL;
	saved_compare(a, &v);
	json_object_object_add(o, "file", json_object_new_string(v.path));
	json_object_object_add(o, "state", json_object_new_string(v.state));
	d = json_object_new_array();
	for (i = 0; d && i < LSC_SAVED_N; i++)
		if (v.diff & 1u << i)
			json_object_array_add(d, json_object_new_string(lsc_saved_name(i)));
	json_object_object_add(o, "differs", d);
	json_object_object_add(o, "error", v.error[0] ? json_object_new_string(v.error) : NULL);
	return o;
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
	if (a[CAPWAP_LSC_A_DTLS_MODE])
		print_row("DTLS control channel",
			  lsc_dtls_mode_text(nla_get_u8(a[CAPWAP_LSC_A_DTLS_MODE])));
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
	if (lscctl_sysfs_uint("requests", &pending) &&
	    lscctl_sysfs_uint("max_pending_requests", &max_pending)) {
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
	print_saved(a);
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
	j_add(o, "dtls_mode", a[CAPWAP_LSC_A_DTLS_MODE] ?
	      json_object_new_string(lsc_dtls_mode_name(nla_get_u8(a[CAPWAP_LSC_A_DTLS_MODE]))) :
	      NULL);
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
	      lscctl_sysfs_uint("requests", &v) ? json_object_new_int64(v) : NULL);
	j_add(o, "max_pending_requests",
	      lscctl_sysfs_uint("max_pending_requests", &v) ? json_object_new_int64(v) : NULL);
	j_add(o, "version", a[CAPWAP_LSC_A_VERSION] ?
	      j_str(nla_get_string(a[CAPWAP_LSC_A_VERSION])) : NULL);
	j_add(o, "port", J_U16(a[CAPWAP_LSC_A_PORT]));
	j_add(o, "vendor_id", J_U32(a[CAPWAP_LSC_A_VENDOR_ID]));
	j_add(o, "saved", saved_summary_json(a));
}

struct json_object *lscctl_saved_json(const struct lsc_saved *s)
{
	struct json_object *o = json_object_new_object(), *sub, *list;
	char mac[LSC_MAC_STR_LEN];
	size_t i;
	int f;

	if (!o)
		return NULL;
	j_add(o, "lsc_enabled", s->has & 1u << LSC_SAVED_LSC ?
	      json_object_new_boolean(s->lsc_enabled) : NULL);
	j_add(o, "provision_mode", s->has & 1u << LSC_SAVED_PROVISION ?
	      json_object_new_string(lsc_provision_mode_name(s->provision_mode)) : NULL);
	list = json_object_new_array();
	for (i = 0; list && i < s->n_macs; i++) {
		lsc_mac_format(mac, s->macs[i]);
		json_object_array_add(list, json_object_new_string(mac));
	}
	j_add(o, "provision_list", list);
	sub = json_object_new_object();
	for (f = 1; sub && f <= CAPWAP_LSC_SUBJ_A_MAX; f++)
		if (s->subject[f][0])
			j_add(sub, lsc_subject_field_name(f), json_object_new_string(s->subject[f]));
	j_add(o, "subject", s->has & 1u << LSC_SAVED_SUBJECT ? sub : (json_object_put(sub), NULL));
	j_add(o, "key_type", s->has & 1u << LSC_SAVED_KEY ?
	      json_object_new_string(lsc_key_type_name(s->key_type)) : NULL);
	j_add(o, "key_bits", s->has & 1u << LSC_SAVED_KEY ?
	      json_object_new_int(s->key_bits) : NULL);
	j_add(o, "validity_days", s->has & 1u << LSC_SAVED_VALIDITY ?
	      json_object_new_int64(s->validity_days) : NULL);
	j_add(o, "max_attempts", s->has & 1u << LSC_SAVED_ATTEMPTS ?
	      json_object_new_int(s->max_attempts) : NULL);
	j_add(o, "vendor_id", s->has & 1u << LSC_SAVED_VENDOR_ID ?
	      json_object_new_int64(s->vendor_id) : NULL);
	return o;
}

int lscctl_summary_reply(struct nlattr **a, void *arg)
{
	struct lscctl_out *o = arg;

	if (o->json)
		summary_json(o->doc, a);
	else
		summary_text(a);
	return 0;
}

int lscctl_provisioning_reply(struct nlattr **a, void *arg)
{
	struct lscctl_out *o = arg;
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
	struct nlattr *history;		/* NULL from a module without it */
	int dtls_state;			/* -1 from a module without it */
	int dtls_suite;			/* -1: not shown */
	int dtls_cert_type;		/* -1: not shown */
	/* as the kernel was told by lscd: printed only through lsc_term_safe */
	char dtls_suite_name[CAPWAP_LSC_DTLS_MAX_SUITE_LEN + 1];
	char dtls_subject[CAPWAP_LSC_DTLS_MAX_NAME_LEN + 1];
	char dtls_issuer[CAPWAP_LSC_DTLS_MAX_NAME_LEN + 1];
	char dtls_fingerprint[2 * CAPWAP_LSC_SHA256_LEN + 1];
};

/*
 * A string attribute of the kernel's, made safe for a terminal and for
 * JSON: its length bounded by @size, control characters replaced.
 */
static void safe_attr(char *out, size_t size, const struct nlattr *a)
{
	char raw[CAPWAP_LSC_DTLS_MAX_NAME_LEN + 1];
	size_t n;

	out[0] = '\0';
	if (!a)
		return;
	n = strnlen(nla_data(a), nla_len(a));
	if (n >= sizeof(raw))
		n = sizeof(raw) - 1;
	memcpy(raw, nla_data(a), n);
	raw[n] = '\0';
	lsc_term_safe(out, size, raw);
}

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
	v->history = ap[CAPWAP_LSC_AP_A_HISTORY];
	v->dtls_state = ap[CAPWAP_LSC_AP_A_DTLS_STATE] ?
			nla_get_u8(ap[CAPWAP_LSC_AP_A_DTLS_STATE]) : -1;
	v->dtls_suite = ap[CAPWAP_LSC_AP_A_DTLS_SUITE] &&
			nla_len(ap[CAPWAP_LSC_AP_A_DTLS_SUITE]) >= 2 ?
			nla_get_u16(ap[CAPWAP_LSC_AP_A_DTLS_SUITE]) : -1;
	v->dtls_cert_type = ap[CAPWAP_LSC_AP_A_DTLS_CERT_TYPE] ?
			    nla_get_u8(ap[CAPWAP_LSC_AP_A_DTLS_CERT_TYPE]) : -1;
	safe_attr(v->dtls_suite_name, sizeof(v->dtls_suite_name),
		  ap[CAPWAP_LSC_AP_A_DTLS_SUITE_NAME]);
	safe_attr(v->dtls_subject, sizeof(v->dtls_subject),
		  ap[CAPWAP_LSC_AP_A_DTLS_SUBJECT]);
	safe_attr(v->dtls_issuer, sizeof(v->dtls_issuer),
		  ap[CAPWAP_LSC_AP_A_DTLS_ISSUER]);
	if (ap[CAPWAP_LSC_AP_A_DTLS_FINGERPRINT] &&
	    nla_len(ap[CAPWAP_LSC_AP_A_DTLS_FINGERPRINT]) == CAPWAP_LSC_SHA256_LEN)
		lsc_hex_encode(v->dtls_fingerprint,
			       nla_data(ap[CAPWAP_LSC_AP_A_DTLS_FINGERPRINT]),
			       CAPWAP_LSC_SHA256_LEN);
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
	if (v->dtls_state >= 0) {
		struct json_object *d = json_object_new_object();
		char suite[8];

		j_add(o, "dtls", d);
		j_add(d, "state", json_object_new_string(lsc_dtls_state_name(v->dtls_state)));
		snprintf(suite, sizeof(suite), "0x%04x", v->dtls_suite);
		j_add(d, "suite_id", v->dtls_suite >= 0 ? json_object_new_string(suite) : NULL);
		j_add(d, "suite", j_str(v->dtls_suite_name));
		j_add(d, "cert_type", v->dtls_cert_type >= 0 ?
		      json_object_new_string(lsc_cert_type_name(v->dtls_cert_type)) : NULL);
		j_add(d, "subject", j_str(v->dtls_subject));
		j_add(d, "issuer", j_str(v->dtls_issuer));
		j_add(d, "fingerprint_sha256", j_str(v->dtls_fingerprint));
	}
	return o;
}

int lscctl_ap_row_reply(struct nlattr **a, void *arg)
{
	struct lscctl_out *o = arg;
	struct ap_view v;
	char addr[INET_ADDRSTRLEN + 8], model[128];
	char last_error[CAPWAP_LSC_MAX_REASON_LEN + 1];

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
	       v.mac, addr, lsc_term_safe(model, sizeof(model), v.model),
	       lsc_session_name(v.session),
	       lsc_cert_type_name(v.cert_type), lsc_ap_mode_name(v.mode),
	       lsc_ap_state_name(v.state), v.attempts,
	       v.last_error[0] ? lsc_term_safe(last_error, sizeof(last_error),
					       v.last_error) : "-");
	o->count++;
	return 0;
}

void lscctl_ap_totals(struct lscctl_out *o)
{
	if (o->json)
		return;
	printf("%s%u APs: %u LSC, %u MIC, %u SSC\n", o->count ? "\n" : "",
	       o->count, o->by_cert[CAPWAP_LSC_CERT_LSC],
	       o->by_cert[CAPWAP_LSC_CERT_MIC], o->by_cert[CAPWAP_LSC_CERT_SSC]);
}

/* The AP's last events, oldest first: lines, or (@arr) JSON objects. */
static int history_out(struct nlattr *list, struct json_object *arr)
{
	struct lscctl_event ev;
	struct nlattr *a;
	char line[640];
	int rem;

	if (!arr)
		printf("\nLast events (oldest first)\n");
	if (!list || !nla_len(list)) {
		if (!arr)
			printf("  (none)\n");
		return 0;
	}
	nla_for_each_nested(a, list, rem) {
		if (nla_type(a) != CAPWAP_LSC_A_EVENT)
			continue;
		if (lscctl_event_parse(a, &ev))
			return -EPROTO;
		if (arr) {
			if (json_object_array_add(arr, lscctl_event_json(&ev)))
				return -ENOMEM;
			continue;
		}
		lscctl_event_time(line, sizeof(line), ev.time_ns);
		printf("  %-24s ", line);
		lscctl_event_text(line, sizeof(line), &ev);
		printf("%s\n", line);
	}
	return 0;
}

int lscctl_ap_detail_reply(struct nlattr **a, void *arg)
{
	struct lscctl_out *o = arg;
	struct json_object *hist;
	struct ap_view v;
	char buf[64];

	if (parse_ap(a, &v))
		return -EPROTO;
	if (o->json) {
		if (o->doc)
			json_object_put(o->doc);
		o->doc = ap_json(&v);
		if (!o->doc)
			return -ENOMEM;
		hist = json_object_new_array();
		if (!hist)
			return -ENOMEM;
		j_add(o->doc, "history", hist);
		return history_out(v.history, hist);
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
	if (v.dtls_state >= 0)
		print_row("DTLS", lsc_dtls_state_name(v.dtls_state));
	if (v.dtls_state == CAPWAP_LSC_DTLS_STATE_DTLS) {
		char suite[CAPWAP_LSC_DTLS_MAX_SUITE_LEN + 16];

		if (v.dtls_suite >= 0)
			snprintf(suite, sizeof(suite), "%s (0x%04x)",
				 v.dtls_suite_name[0] ? v.dtls_suite_name : "-",
				 v.dtls_suite);
		else
			snprintf(suite, sizeof(suite), "-");
		print_row("DTLS cipher suite", suite);
		print_row("DTLS peer certificate type", v.dtls_cert_type >= 0 ?
			  lsc_cert_type_name(v.dtls_cert_type) : "-");
		print_row("DTLS peer subject", v.dtls_subject[0] ? v.dtls_subject : "-");
		print_row("DTLS peer issuer", v.dtls_issuer[0] ? v.dtls_issuer : "-");
		print_row("DTLS peer SHA-256",
			  v.dtls_fingerprint[0] ? v.dtls_fingerprint : "-");
	}
	return history_out(v.history, NULL);
}

static const char *malformed_attr_name(int type)
{
	return lsc_malformed_name(type - 1);
}

/* Text shows the counters that moved; JSON has every one, zeros too. */
static void counter_nest(struct lscctl_out *o, const char *title, const char *key,
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

/* The reply's counters into ST, for the Prometheus rendering. */
static int stats_parse(struct nlattr **s, struct lscctl_stats *st)
{
	const struct {
		int attr;
		struct lscctl_family *f;
		bool *have;
		const char *(*name)(int);
	} families[] = {
		{ CAPWAP_LSC_STATS_A_RX, &st->rx, &st->have_rx, lsc_msg_type_name },
		{ CAPWAP_LSC_STATS_A_TX, &st->tx, &st->have_tx, lsc_msg_type_name },
		{ CAPWAP_LSC_STATS_A_MALFORMED, &st->malformed, &st->have_malformed,
		  malformed_attr_name },
	};
	size_t i;

	memset(st, 0, sizeof(*st));
	if (s[CAPWAP_LSC_STATS_A_APS]) {
		st->have_aps = true;
		st->aps = nla_get_u32(s[CAPWAP_LSC_STATS_A_APS]);
	}
	for (i = 0; i < lscctl_n_scalars; i++) {
		struct nlattr *v = s[lscctl_scalars[i].attr];

		st->have[i] = v;
		st->scalar[i] = v ? nla_get_u64(v) : 0;
	}
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		struct nlattr *nest = s[families[i].attr], *a;
		int rem;

		if (!nest)
			continue;
		*families[i].have = true;
		nla_for_each_nested(a, nest, rem)
			if (lscctl_family_add(families[i].f, families[i].name(nla_type(a)),
					      nla_get_u64(a)))
				return -EPROTO;
	}
	return 0;
}

static int stats_prometheus(struct nlattr **s)
{
	struct lscctl_stats *st = malloc(sizeof(*st));
	int ret;

	if (!st)
		return -ENOMEM;
	ret = stats_parse(s, st);
	if (!ret)
		ret = lscctl_stats_prometheus(stdout, st);
	free(st);
	return ret;
}

int lscctl_stats_reply(struct nlattr **a, void *arg)
{
	struct nlattr *s[CAPWAP_LSC_STATS_A_MAX + 1];
	struct lscctl_out *o = arg;
	size_t i;

	if (!a[CAPWAP_LSC_A_STATS] ||
	    nla_parse_nested(s, CAPWAP_LSC_STATS_A_MAX, a[CAPWAP_LSC_A_STATS], NULL) < 0)
		return -EPROTO;
	if (o->prometheus)
		return stats_prometheus(s);
	if (o->json)
		j_add(o->doc, "aps", J_U32(s[CAPWAP_LSC_STATS_A_APS]));
	else if (s[CAPWAP_LSC_STATS_A_APS])
		printf("%-38s %u\n", "APs known", nla_get_u32(s[CAPWAP_LSC_STATS_A_APS]));
	for (i = 0; i < lscctl_n_scalars; i++) {
		const struct lscctl_scalar *sc = &lscctl_scalars[i];
		struct nlattr *v = s[sc->attr];

		if (o->json)
			j_add(o->doc, sc->key,
			      v ? json_object_new_uint64(nla_get_u64(v)) : NULL);
		else if (v)
			printf("%-38s %" PRIu64 "\n", sc->label, nla_get_u64(v));
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
