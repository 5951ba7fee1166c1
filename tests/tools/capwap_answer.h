/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The answer of the userspace responders of `make bench`
 * (capwap_udp_responder in clear text, dtls_udp_responder inside DTLS):
 * the module's own wire code parses the request and builds what the
 * kernel would send, so that both sides of a comparison do the same
 * CAPWAP work and differ only in where it runs.
 */
#ifndef CAPWAP_ANSWER_H
#define CAPWAP_ANSWER_H

#include <netinet/in.h>

#include "wire.h"

static int capwap_answer(const u8 *in, size_t len, u8 *out, size_t size,
		  const struct in_addr *local)
{
	struct capwap_ac_descriptor d = {
		.max_wtps = 0xffff, .station_limit = 0xffff,
		.security = CAPWAP_AC_SECURITY_X509,
		.rmac = CAPWAP_AC_RMAC_UNSUPPORTED,
		.dtls_policy = CAPWAP_DTLS_POLICY_CLEAR,
		.vendor_id = CAPWAP_LSC_DEFAULT_VENDOR_ID,
		.hw_version = "capwap_lsc", .sw_version = CAPWAP_LSC_VERSION,
	};
	enum capwap_lsc_malformed bad;
	struct capwap_packet pkt;
	struct capwap_builder b;
	u32 type;

	if (capwap_parse(in, len, &pkt) != CAPWAP_PARSE_OK ||
	    capwap_msg_check_mandatory(&pkt.msg, &bad) ||
	    capwap_lsc_validate(&pkt.msg, CAPWAP_LSC_DEFAULT_VENDOR_ID, &bad))
		return -1;
	type = pkt.msg.type;
	if (!capwap_msg_is_request(type))
		return -1;
	capwap_build_init(&b, out, size, type + 1, pkt.msg.seq);
	switch (type) {
	case CAPWAP_MSG_DISCOVERY_REQ:
	case CAPWAP_MSG_JOIN_REQ:
		if (type == CAPWAP_MSG_JOIN_REQ)
			capwap_put_result_code(&b, CAPWAP_RESULT_SUCCESS);
		capwap_put_ac_descriptor(&b, &d);
		capwap_put_ac_name(&b, "capwap_lsc");
		capwap_put_control_ipv4(&b, local, 0);
		break;
	case CAPWAP_MSG_ECHO_REQ:
		break;
	default:
		capwap_put_result_code(&b, CAPWAP_RESULT_SUCCESS);
		break;
	}
	return capwap_build_finish(&b);
}

#endif /* CAPWAP_ANSWER_H */
