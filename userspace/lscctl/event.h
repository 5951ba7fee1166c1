/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCCTL_EVENT_H
#define LSCCTL_EVENT_H

/*
 * One event of an AP (a CAPWAP_LSC_A_EVENT nest, from the "monitor"
 * group or an AP's history) read into plain values, and written as the
 * line "lscctl monitor" and "show ap" print or as the JSON object of
 * lscctl(8).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <netlink/attr.h>
#include <linux/capwap_lsc.h>

/* Each int member: -1 when the event does not carry it. */
struct lscctl_event {
	int type;		/* enum capwap_lsc_event_type */
	uint64_t time_ns;	/* since the epoch */
	bool has_mac;
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	int cert_type, session, old_session, state, old_state;
	int attempt, result, end_reason;
	uint64_t request_id;	/* 0: none */
	int renewal;		/* of a cert-request: 0 or 1 */
	int authenticated;	/* of a join: 0 or 1 */
	char addr[16];		/* of a join: its source, "" when none */
	char reason[CAPWAP_LSC_MAX_REASON_LEN + 1];
};

/* 0, or -EPROTO when @nest is no event (no type, or a wrong length). */
int lscctl_event_parse(const struct nlattr *nest, struct lscctl_event *ev);

/* "2026-12-07T02:31:00.123Z": RFC 3339, UTC, milliseconds. */
void lscctl_event_time(char *buf, size_t size, uint64_t time_ns);

/*
 * The line without time and MAC: the event's name and what it carries,
 * "state params-sent (was idle)", "enroll failed-ca-signing request=4:
 * CA refused".
 */
void lscctl_event_text(char *buf, size_t size, const struct lscctl_event *ev);

/* The monitor's line: time, MAC (when it has one), the text above. */
void lscctl_event_line(char *buf, size_t size, const struct lscctl_event *ev);

/* The JSON object; NULL when out of memory. */
struct json_object *lscctl_event_json(const struct lscctl_event *ev);

#endif /* LSCCTL_EVENT_H */
