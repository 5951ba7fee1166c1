// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl's events (monitor lines, show ap's history): a CAPWAP_LSC_A_EVENT
 * nest built as the module builds it is read and written word for word,
 * as text and as JSON; a nest the module would never send (a short MAC, a
 * u8 with no byte, no type) is refused instead of read past its end.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "tap.h"
#include "event.h"

/* 2025-12-07T02:31:00.123Z and some nanoseconds. */
#define T0 1765074660123456789ULL

static struct nl_msg *msg;
static char text[640];
static char json[1024];

/* A nest being built: attributes are added between begin() and parse(). */
static struct nlattr *nest;

static void begin(uint8_t type)
{
	if (msg)
		nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, CAPWAP_LSC_A_EVENT);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_TYPE, type);
	nla_put_u64(msg, CAPWAP_LSC_EV_A_TIME, T0);
}

static const uint8_t mac[CAPWAP_LSC_MAC_LEN] = { 0x02, 0x4c, 0x53, 0x90, 0x00, 0x0a };

/* Ends the nest, reads it, and renders the line and the JSON. */
static int parse(struct lscctl_event *ev)
{
	struct json_object *o;
	int ret;

	nla_nest_end(msg, nest);
	ret = lscctl_event_parse(nest, ev);
	if (ret)
		return ret;
	lscctl_event_line(text, sizeof(text), ev);
	o = lscctl_event_json(ev);
	if (!o)
		return -ENOMEM;
	snprintf(json, sizeof(json), "%s", json_object_to_json_string_ext(o,
		 JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

#define EXPECT(ev, want_text, want_json)					\
	do {									\
		CHECK(!parse(ev), "not parsed");				\
		CHECK(!strcmp(text, want_text), "text '%.200s', want '%.200s'", text,	\
		      want_text);						\
		CHECK(!strcmp(json, want_json), "JSON %.200s, want %.200s", json,	\
		      want_json);						\
	} while (0)

static const char *join_mic(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_JOIN);
	nla_put(msg, CAPWAP_LSC_EV_A_MAC, CAPWAP_LSC_MAC_LEN, mac);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_CERT_TYPE, CAPWAP_LSC_CERT_MIC);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z 02:4c:53:90:00:0a join cert_type=MIC",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"join\","
	       "\"mac\":\"02:4c:53:90:00:0a\",\"cert_type\":\"MIC\"}");
	return NULL;
}

static const char *join_clear_and_dtls(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct lscctl_event ev;

	sin.sin_addr.s_addr = htonl(0xc0a80a07);
	begin(CAPWAP_LSC_EV_JOIN);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_CERT_TYPE, CAPWAP_LSC_CERT_MIC);
	nla_put(msg, CAPWAP_LSC_EV_A_ADDR, sizeof(sin), &sin);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_AUTHENTICATED, 0);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - join cert_type=MIC from=192.168.10.7 clear-text-unauthenticated",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"join\","
	       "\"cert_type\":\"MIC\",\"address\":\"192.168.10.7\","
	       "\"authenticated\":false}");
	begin(CAPWAP_LSC_EV_JOIN);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_CERT_TYPE, CAPWAP_LSC_CERT_LSC);
	nla_put(msg, CAPWAP_LSC_EV_A_ADDR, sizeof(sin), &sin);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_AUTHENTICATED, 1);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - join cert_type=LSC from=192.168.10.7 dtls-authenticated",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"join\","
	       "\"cert_type\":\"LSC\",\"address\":\"192.168.10.7\","
	       "\"authenticated\":true}");
	/* A DTLS end reason by its name. */
	begin(CAPWAP_LSC_EV_SESSION_END);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_END_REASON, CAPWAP_LSC_END_DTLS_DISCONNECT);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - session-end dtls-peer-disconnect",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"session-end\","
	       "\"end_reason\":\"dtls-peer-disconnect\"}");
	return NULL;
}

static const char *state_move(void)
{
	struct lscctl_event ev;

	/* As the history has it: no MAC. */
	begin(CAPWAP_LSC_EV_STATE);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_STATE, CAPWAP_LSC_AP_PARAMS_SENT);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_OLD_STATE, CAPWAP_LSC_AP_IDLE);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - state params-sent (was idle)",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"state\","
	       "\"state\":\"params-sent\",\"old_state\":\"idle\"}");
	lscctl_event_text(text, sizeof(text), &ev);
	CHECK(!strcmp(text, "state params-sent (was idle)"), "show ap's text '%.200s'", text);
	return NULL;
}

static const char *enroll_failed(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_ENROLL);
	nla_put(msg, CAPWAP_LSC_EV_A_MAC, CAPWAP_LSC_MAC_LEN, mac);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_RESULT, CAPWAP_LSC_RESULT_FAILED_CA_SIGNING);
	nla_put_u64(msg, CAPWAP_LSC_EV_A_REQUEST_ID, 42);
	nla_put_string(msg, CAPWAP_LSC_EV_A_REASON, "CA said \"no\"");
	EXPECT(&ev, "2025-12-07T02:31:00.123Z 02:4c:53:90:00:0a enroll failed-ca-signing"
	       " request=42: CA said \"no\"",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"enroll\","
	       "\"mac\":\"02:4c:53:90:00:0a\",\"result\":\"failed-ca-signing\","
	       "\"request_id\":42,\"reason\":\"CA said \\\"no\\\"\"}");
	return NULL;
}

static const char *cert_request_renewal(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_CERT_REQUEST);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_ATTEMPT, 2);
	nla_put_u32(msg, CAPWAP_LSC_EV_A_FLAGS, CAPWAP_LSC_F_RENEWAL);
	nla_put_u64(msg, CAPWAP_LSC_EV_A_REQUEST_ID, 7);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - cert-request attempt=2 renewal request=7",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"cert-request\","
	       "\"attempt\":2,\"renewal\":true,\"request_id\":7}");
	return NULL;
}

static const char *attempt_failed(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_ATTEMPT_FAILED);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_RESULT, CAPWAP_LSC_RESULT_NO_RESPONSE);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_ATTEMPT, 3);
	nla_put_string(msg, CAPWAP_LSC_EV_A_REASON, "no helper");
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - attempt-failed no-response attempt=3: no helper",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"attempt-failed\","
	       "\"result\":\"no-response\",\"attempt\":3,\"reason\":\"no helper\"}");
	return NULL;
}

static const char *session_end(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_SESSION_END);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_END_REASON, CAPWAP_LSC_END_SILENT);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_OLD_SESSION, CAPWAP_LSC_SESSION_RUN);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - session-end silent (was run)",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"session-end\","
	       "\"old_session\":\"run\",\"end_reason\":\"silent\"}");
	return NULL;
}

/* A newer module's event or value is named "unknown", not dropped. */
static const char *unknown_values(void)
{
	struct lscctl_event ev;

	begin(200);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_RESULT, 250);
	EXPECT(&ev, "2025-12-07T02:31:00.123Z - unknown unknown",
	       "{\"time\":\"2025-12-07T02:31:00.123Z\",\"event\":\"unknown\","
	       "\"result\":\"unknown\"}");
	return NULL;
}

static const char *short_mac_refused(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_JOIN);
	nla_put(msg, CAPWAP_LSC_EV_A_MAC, CAPWAP_LSC_MAC_LEN - 1, mac);
	CHECK(parse(&ev) == -EPROTO, "a 5-byte MAC was read");
	return NULL;
}

static const char *empty_u8_refused(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_JOIN);
	nla_put(msg, CAPWAP_LSC_EV_A_CERT_TYPE, 0, NULL);
	CHECK(parse(&ev) == -EPROTO, "a u8 with no byte was read");
	return NULL;
}

static const char *no_type_refused(void)
{
	struct lscctl_event ev;

	if (msg)
		nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, CAPWAP_LSC_A_EVENT);
	nla_put_u64(msg, CAPWAP_LSC_EV_A_TIME, T0);
	CHECK(parse(&ev) == -EPROTO, "an event without a type was read");
	return NULL;
}

/*
 * A reason is printed as text only made safe for a terminal: an escape
 * sequence (retitle, clear) and a right-to-left override become '?'; the
 * JSON keeps it whole, escaped by json-c.
 */
static const char *reason_terminal_safe(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_ATTEMPT_FAILED);
	nla_put(msg, CAPWAP_LSC_EV_A_MAC, CAPWAP_LSC_MAC_LEN, mac);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_RESULT, CAPWAP_LSC_RESULT_ERROR);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_ATTEMPT, 1);
	nla_put_string(msg, CAPWAP_LSC_EV_A_REASON,
		       "\x1b]0;x\x07\x1b[2Jno \xe2\x80\xaeRTL\xc2\x9b");
	CHECK(!parse(&ev), "parse");
	lscctl_event_line(text, sizeof(text), &ev);
	CHECK(strstr(text, ": ?]0;x??[2Jno ?RTL?") && !strchr(text, 0x1b) &&
	      !strstr(text, "\xe2\x80\xae"), "text line: %.400s", text);
	return NULL;
}

/* A reason without its NUL is refused, not read on past its end. */
static const char *reason_unterminated(void)
{
	struct lscctl_event ev;

	begin(CAPWAP_LSC_EV_INSTALL);
	nla_put_u8(msg, CAPWAP_LSC_EV_A_RESULT, CAPWAP_LSC_RESULT_SUCCESS);
	nla_put(msg, CAPWAP_LSC_EV_A_REASON, 3, "abcdef");
	nla_put_u8(msg, CAPWAP_LSC_EV_A_ATTEMPT, 1);
	CHECK(parse(&ev) == -EPROTO, "an unterminated reason was read");
	return NULL;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "event: join with a MIC, line and JSON", join_mic },
		{ "event: a join's address and authentication; a DTLS end reason",
		  join_clear_and_dtls },
		{ "event: state move from the history (no MAC)", state_move },
		{ "event: enrollment failed, request id and quoted reason", enroll_failed },
		{ "event: renewal request", cert_request_renewal },
		{ "event: failed attempt with its reason", attempt_failed },
		{ "event: session end by silence", session_end },
		{ "event: unknown type and result are named unknown", unknown_values },
		{ "event: a 5-byte MAC is refused", short_mac_refused },
		{ "event: an empty u8 is refused", empty_u8_refused },
		{ "event: no type is refused", no_type_refused },
		{ "event: an unterminated reason is refused", reason_unterminated },
		{ "event: a reason's control characters and bidi overrides become '?' in text", reason_terminal_safe },
	};

	tap_plan(TAP_COUNT(cases));
	tap_run(cases, TAP_COUNT(cases));
	nlmsg_free(msg);
	return tap_exit();
}
