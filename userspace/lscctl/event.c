// SPDX-License-Identifier: GPL-2.0
/*
 * Events as lscctl shows them.  The kernel's nest is checked against a
 * policy before a value is read: a short attribute is an error, not a
 * read past its end.
 */

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "event.h"
#include "mac.h"
#include "names.h"
#include "termsafe.h"

static struct nla_policy ev_policy[CAPWAP_LSC_EV_A_MAX + 1] = {
	[CAPWAP_LSC_EV_A_TYPE] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_TIME] = { .type = NLA_U64 },
	[CAPWAP_LSC_EV_A_MAC] = { .minlen = CAPWAP_LSC_MAC_LEN,
				  .maxlen = CAPWAP_LSC_MAC_LEN },
	[CAPWAP_LSC_EV_A_CERT_TYPE] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_SESSION] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_OLD_SESSION] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_STATE] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_OLD_STATE] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_ATTEMPT] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_RESULT] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_END_REASON] = { .type = NLA_U8 },
	[CAPWAP_LSC_EV_A_REQUEST_ID] = { .type = NLA_U64 },
	[CAPWAP_LSC_EV_A_REASON] = { .type = NLA_STRING },
	[CAPWAP_LSC_EV_A_FLAGS] = { .type = NLA_U32 },
	[CAPWAP_LSC_EV_A_ADDR] = { .minlen = sizeof(struct sockaddr_in),
				   .maxlen = sizeof(struct sockaddr_in) },
	[CAPWAP_LSC_EV_A_AUTHENTICATED] = { .type = NLA_U8 },
};

static int u8_or_none(struct nlattr **a, int attr)
{
	return a[attr] ? nla_get_u8(a[attr]) : -1;
}

int lscctl_event_parse(const struct nlattr *nest, struct lscctl_event *ev)
{
	struct nlattr *a[CAPWAP_LSC_EV_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (nla_parse_nested(a, CAPWAP_LSC_EV_A_MAX, (struct nlattr *)nest,
			     ev_policy) < 0 || !a[CAPWAP_LSC_EV_A_TYPE])
		return -EPROTO;
	ev->type = nla_get_u8(a[CAPWAP_LSC_EV_A_TYPE]);
	if (a[CAPWAP_LSC_EV_A_TIME])
		ev->time_ns = nla_get_u64(a[CAPWAP_LSC_EV_A_TIME]);
	if (a[CAPWAP_LSC_EV_A_MAC]) {
		ev->has_mac = true;
		memcpy(ev->mac, nla_data(a[CAPWAP_LSC_EV_A_MAC]), CAPWAP_LSC_MAC_LEN);
	}
	ev->cert_type = u8_or_none(a, CAPWAP_LSC_EV_A_CERT_TYPE);
	ev->session = u8_or_none(a, CAPWAP_LSC_EV_A_SESSION);
	ev->old_session = u8_or_none(a, CAPWAP_LSC_EV_A_OLD_SESSION);
	ev->state = u8_or_none(a, CAPWAP_LSC_EV_A_STATE);
	ev->old_state = u8_or_none(a, CAPWAP_LSC_EV_A_OLD_STATE);
	ev->attempt = u8_or_none(a, CAPWAP_LSC_EV_A_ATTEMPT);
	ev->result = u8_or_none(a, CAPWAP_LSC_EV_A_RESULT);
	ev->end_reason = u8_or_none(a, CAPWAP_LSC_EV_A_END_REASON);
	ev->authenticated = u8_or_none(a, CAPWAP_LSC_EV_A_AUTHENTICATED);
	if (a[CAPWAP_LSC_EV_A_ADDR]) {
		struct sockaddr_in sin;

		memcpy(&sin, nla_data(a[CAPWAP_LSC_EV_A_ADDR]), sizeof(sin));
		if (sin.sin_family != AF_INET ||
		    !inet_ntop(AF_INET, &sin.sin_addr, ev->addr, sizeof(ev->addr)))
			ev->addr[0] = '\0';
	}
	if (a[CAPWAP_LSC_EV_A_REQUEST_ID])
		ev->request_id = nla_get_u64(a[CAPWAP_LSC_EV_A_REQUEST_ID]);
	ev->renewal = a[CAPWAP_LSC_EV_A_FLAGS] ?
		      !!(nla_get_u32(a[CAPWAP_LSC_EV_A_FLAGS]) & CAPWAP_LSC_F_RENEWAL) : -1;
	if (a[CAPWAP_LSC_EV_A_REASON]) {
		size_t n = strnlen(nla_data(a[CAPWAP_LSC_EV_A_REASON]),
				   nla_len(a[CAPWAP_LSC_EV_A_REASON]));

		if (n >= sizeof(ev->reason))
			n = sizeof(ev->reason) - 1;
		memcpy(ev->reason, nla_data(a[CAPWAP_LSC_EV_A_REASON]), n);
		ev->reason[n] = '\0';
	}
	return 0;
}

void lscctl_event_time(char *buf, size_t size, uint64_t time_ns)
{
	time_t t = (time_t)(time_ns / 1000000000u);
	unsigned int ms = (unsigned int)(time_ns % 1000000000u / 1000000u);
	struct tm tm;
	char s[24];

	if (!gmtime_r(&t, &tm) || !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s.%03uZ", s, ms);
}

/* Appends to buf as snprintf would, never past size. */
static void add(char *buf, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

void lscctl_event_text(char *buf, size_t size, const struct lscctl_event *ev)
{
	size_t used = 0;

	if (!size)
		return;
	buf[0] = '\0';
	add(buf, size, &used, "%s", lsc_event_name(ev->type));
	if (ev->cert_type >= 0)
		add(buf, size, &used, " cert_type=%s", lsc_cert_type_name(ev->cert_type));
	if (ev->addr[0])
		add(buf, size, &used, " from=%s", ev->addr);
	if (ev->authenticated >= 0)
		add(buf, size, &used, " %s", ev->authenticated ?
		    "dtls-authenticated" : "clear-text-unauthenticated");
	if (ev->session >= 0)
		add(buf, size, &used, " %s", lsc_session_name(ev->session));
	if (ev->end_reason >= 0)
		add(buf, size, &used, " %s", lsc_end_reason_name(ev->end_reason));
	if (ev->old_session >= 0)
		add(buf, size, &used, " (was %s)", lsc_session_name(ev->old_session));
	if (ev->state >= 0)
		add(buf, size, &used, " %s", lsc_ap_state_name(ev->state));
	if (ev->old_state >= 0)
		add(buf, size, &used, " (was %s)", lsc_ap_state_name(ev->old_state));
	if (ev->result >= 0)
		add(buf, size, &used, " %s", lsc_result_name(ev->result));
	if (ev->attempt >= 0)
		add(buf, size, &used, " attempt=%d", ev->attempt);
	if (ev->renewal > 0)
		add(buf, size, &used, " renewal");
	if (ev->request_id)
		add(buf, size, &used, " request=%" PRIu64, ev->request_id);
	if (ev->reason[0]) {
		char safe[sizeof(ev->reason)];

		add(buf, size, &used, ": %s",
		    lsc_term_safe(safe, sizeof(safe), ev->reason));
	}
}

void lscctl_event_line(char *buf, size_t size, const struct lscctl_event *ev)
{
	char when[40], mac[LSC_MAC_STR_LEN] = "-", text[512];

	lscctl_event_time(when, sizeof(when), ev->time_ns);
	if (ev->has_mac)
		lsc_mac_format(mac, ev->mac);
	lscctl_event_text(text, sizeof(text), ev);
	snprintf(buf, size, "%s %s %s", when, mac, text);
}

static void add_name(struct json_object *o, const char *key, int v,
		     const char *(*name)(int))
{
	if (v >= 0)
		json_object_object_add(o, key, json_object_new_string(name(v)));
}

struct json_object *lscctl_event_json(const struct lscctl_event *ev)
{
	struct json_object *o = json_object_new_object();
	char buf[40];

	if (!o)
		return NULL;
	lscctl_event_time(buf, sizeof(buf), ev->time_ns);
	json_object_object_add(o, "time", json_object_new_string(buf));
	json_object_object_add(o, "event", json_object_new_string(lsc_event_name(ev->type)));
	if (ev->has_mac) {
		lsc_mac_format(buf, ev->mac);
		json_object_object_add(o, "mac", json_object_new_string(buf));
	}
	add_name(o, "cert_type", ev->cert_type, lsc_cert_type_name);
	add_name(o, "session", ev->session, lsc_session_name);
	add_name(o, "old_session", ev->old_session, lsc_session_name);
	add_name(o, "state", ev->state, lsc_ap_state_name);
	add_name(o, "old_state", ev->old_state, lsc_ap_state_name);
	add_name(o, "result", ev->result, lsc_result_name);
	add_name(o, "end_reason", ev->end_reason, lsc_end_reason_name);
	if (ev->attempt >= 0)
		json_object_object_add(o, "attempt", json_object_new_int(ev->attempt));
	if (ev->renewal >= 0)
		json_object_object_add(o, "renewal", json_object_new_boolean(ev->renewal));
	if (ev->addr[0])
		json_object_object_add(o, "address", json_object_new_string(ev->addr));
	if (ev->authenticated >= 0)
		json_object_object_add(o, "authenticated",
				       json_object_new_boolean(ev->authenticated));
	if (ev->request_id)
		json_object_object_add(o, "request_id", json_object_new_uint64(ev->request_id));
	if (ev->reason[0])
		json_object_object_add(o, "reason", json_object_new_string(ev->reason));
	return o;
}
