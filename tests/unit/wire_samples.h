/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One sample of every control packet the wire builder makes, shared by
 * the unit test (round trips), the tshark check and the fuzz corpus
 * generator so that all three look at the same bytes.
 */
#ifndef WIRE_SAMPLES_H
#define WIRE_SAMPLES_H

#include "wire.h"

#define SAMPLE_VENDOR CAPWAP_LSC_DEFAULT_VENDOR_ID
#define SAMPLE_CA_LEN 1200
#define SAMPLE_ROOT_LEN 3000
#define SAMPLE_CERT_LEN 2500
#define SAMPLE_CSR_LEN 700
#define SAMPLE_AP_CERT_LEN 900

static const u8 sample_mac[6] = { 0xf8, 0x66, 0xf2, 0x67, 0x57, 0x7e };
static const u8 sample_ac_addr[4] = { 10, 0, 0, 1 };
static const u8 sample_wtp_addr[4] = { 10, 0, 0, 2 };
static const u8 sample_session[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
};
static const char sample_reason[] = "CA refused: Transaction not permitted";

/* Stand-ins for DER objects: only their length and bytes matter here. */
static inline void sample_object(u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 8));
}

static inline void sample_ac(struct capwap_builder *b)
{
	static const struct capwap_ac_descriptor ac = {
		.stations = 0, .station_limit = 2000,
		.active_wtps = 1, .max_wtps = 1000,
		.security = CAPWAP_AC_SECURITY_X509,
		.rmac = CAPWAP_AC_RMAC_SUPPORTED,
		.dtls_policy = CAPWAP_DTLS_POLICY_CLEAR,
		.vendor_id = SAMPLE_VENDOR,
		.hw_version = "capwap-lsc", .sw_version = "0.1.0",
	};

	capwap_put_ac_descriptor(b, &ac);
	capwap_put_ac_name(b, "wlc-lab");
}

static inline void sample_wtp(struct capwap_builder *b)
{
	static const struct capwap_wtp_descriptor wd = {
		.max_radios = 1, .radios_in_use = 1,
		.vendor_id = SAMPLE_VENDOR,
		.hw_version = "1.0", .sw_version = "8.10.1",
		.boot_version = "1.2",
	};

	capwap_put_board_data(b, SAMPLE_VENDOR, "AIR-LAP1262N-A-K9",
			      "FTX1433K60R", sample_mac);
	capwap_put_wtp_descriptor(b, &wd);
	capwap_put_frame_tunnel_mode(b, CAPWAP_TUNNEL_8023);
	capwap_put_mac_type(b, CAPWAP_MAC_TYPE_SPLIT);
}

enum sample_kind {
	S_DISCOVERY_REQ,
	S_DISCOVERY_RESP,
	S_JOIN_REQ,
	S_JOIN_RESP,
	S_CONFIG_STATUS_REQ,
	S_CONFIG_STATUS_RESP,
	S_CHANGE_STATE_REQ,
	S_CHANGE_STATE_RESP,
	S_ECHO_REQ,
	S_ECHO_RESP,
	S_UPDATE_PARAMS,
	S_UPDATE_CA,
	S_UPDATE_CERT,
	S_UPDATE_STATUS,
	S_UPDATE_RESP,
	S_EVENT_CSR,
	S_EVENT_INSTALL,
	S_EVENT_RESP,
	S_VENDOR_REQ,
	S_UNRECOGNIZED_RESP,
	S_COUNT
};

static const char *const sample_names[S_COUNT] = {
	"discovery_req", "discovery_resp", "join_req", "join_resp",
	"config_status_req", "config_status_resp", "change_state_req",
	"change_state_resp", "echo_req", "echo_resp", "update_params",
	"update_ca", "update_cert", "update_status", "update_resp",
	"event_csr", "event_install", "event_resp", "vendor_req",
	"unrecognized_resp",
};

static const u32 sample_types[S_COUNT] = {
	CAPWAP_MSG_DISCOVERY_REQ, CAPWAP_MSG_DISCOVERY_RESP,
	CAPWAP_MSG_JOIN_REQ, CAPWAP_MSG_JOIN_RESP,
	CAPWAP_MSG_CONFIG_STATUS_REQ, CAPWAP_MSG_CONFIG_STATUS_RESP,
	CAPWAP_MSG_CHANGE_STATE_REQ, CAPWAP_MSG_CHANGE_STATE_RESP,
	CAPWAP_MSG_ECHO_REQ, CAPWAP_MSG_ECHO_RESP,
	CAPWAP_MSG_CONFIG_UPDATE_REQ, CAPWAP_MSG_CONFIG_UPDATE_REQ,
	CAPWAP_MSG_CONFIG_UPDATE_REQ, CAPWAP_MSG_CONFIG_UPDATE_REQ,
	CAPWAP_MSG_CONFIG_UPDATE_RESP,
	CAPWAP_MSG_WTP_EVENT_REQ, CAPWAP_MSG_WTP_EVENT_REQ,
	CAPWAP_MSG_WTP_EVENT_RESP,
	(u32)SAMPLE_VENDOR << 8 | 1, (u32)SAMPLE_VENDOR << 8 | 2,
};

/* Direction, for the capture: the rest go from the AP to the AC. */
static const bool sample_from_ac[S_COUNT] = {
	[S_DISCOVERY_RESP] = true, [S_JOIN_RESP] = true,
	[S_CONFIG_STATUS_RESP] = true, [S_CHANGE_STATE_RESP] = true,
	[S_ECHO_RESP] = true, [S_UPDATE_PARAMS] = true, [S_UPDATE_CA] = true,
	[S_UPDATE_CERT] = true, [S_UPDATE_STATUS] = true,
	[S_EVENT_RESP] = true, [S_UNRECOGNIZED_RESP] = true,
};

/* Builds sample @kind into @buf: its length or a negative errno. */
static inline int sample_build(int kind, u8 *buf, size_t size)
{
	static u8 obj[SAMPLE_ROOT_LEN];
	struct capwap_lsc_cert_params params = {
		.key_type = CAPWAP_LSC_KEY_RSA, .attempts_left = 4,
		.key_bits = 2048, .validity_days = 365,
		.challenge = (const u8 *)"sample-challenge",
		.challenge_len = sizeof("sample-challenge") - 1,
	};
	struct capwap_lsc_cert_info info = {
		.cert_type = CAPWAP_LSC_CERT_MIC,
		.ap_mode = CAPWAP_LSC_MODE_LOCAL,
	};
	struct capwap_lsc_status st = {
		.result = CAPWAP_LSC_RESULT_FAILED_CA_SIGNING,
		.state = CAPWAP_LSC_AP_FAILED,
		.reason = (const u8 *)sample_reason,
		.reason_len = sizeof(sample_reason) - 1,
	};
	struct capwap_reboot_stats rs = { .reboots = 3, .ac_initiated = 1 };
	struct capwap_builder b;

	capwap_build_init(&b, buf, size, sample_types[kind], (u8)(kind + 1));
	switch (kind) {
	case S_DISCOVERY_REQ:
		capwap_put_discovery_type(&b, CAPWAP_DISCOVERY_STATIC);
		sample_wtp(&b);
		capwap_put_wtp_radio_info(&b, 1, 0x0f);
		break;
	case S_DISCOVERY_RESP:
		sample_ac(&b);
		capwap_put_wtp_radio_info(&b, 1, 0x0f);
		capwap_put_control_ipv4(&b, sample_ac_addr, 1);
		break;
	case S_JOIN_REQ:
		capwap_put_location(&b, "lab rack 3");
		sample_wtp(&b);
		capwap_put_wtp_name(&b, "AP3G1-f866f267577e");
		capwap_put_session_id(&b, sample_session);
		capwap_put_wtp_radio_info(&b, 1, 0x0f);
		capwap_put_ecn_support(&b, 0);
		capwap_put_local_ipv4(&b, sample_wtp_addr);
		capwap_lsc_put_cert_info(&b, SAMPLE_VENDOR, &info);
		sample_object(obj, SAMPLE_AP_CERT_LEN, 1);
		capwap_lsc_put_object(&b, SAMPLE_VENDOR, CAPWAP_LSC_VSP_AP_CERT,
				      0, 1, obj, SAMPLE_AP_CERT_LEN);
		break;
	case S_JOIN_RESP:
		capwap_put_result_code(&b, CAPWAP_RESULT_SUCCESS);
		sample_ac(&b);
		capwap_put_wtp_radio_info(&b, 1, 0x0f);
		capwap_put_ecn_support(&b, 0);
		capwap_put_control_ipv4(&b, sample_ac_addr, 1);
		capwap_put_local_ipv4(&b, sample_ac_addr);
		break;
	case S_CONFIG_STATUS_REQ:
		capwap_put_ac_name(&b, "wlc-lab");
		capwap_put_radio_admin_state(&b, 1, CAPWAP_RADIO_ENABLED);
		capwap_put_statistics_timer(&b, 120);
		capwap_put_reboot_stats(&b, &rs);
		break;
	case S_CONFIG_STATUS_RESP:
		capwap_put_timers(&b, 5, 30);
		capwap_put_decrypt_err_period(&b, 1, 120);
		capwap_put_idle_timeout(&b, 300);
		capwap_put_wtp_fallback(&b, 1);
		break;
	case S_CHANGE_STATE_REQ:
		capwap_put_radio_oper_state(&b, 1, CAPWAP_RADIO_ENABLED,
					    CAPWAP_RADIO_CAUSE_NORMAL);
		capwap_put_result_code(&b, CAPWAP_RESULT_SUCCESS);
		break;
	case S_CHANGE_STATE_RESP:
	case S_ECHO_REQ:
	case S_ECHO_RESP:
	case S_EVENT_RESP:
	case S_VENDOR_REQ:
		break;
	case S_UPDATE_PARAMS:
		params.subject[CAPWAP_LSC_SUBJ_A_COUNTRY] = (const u8 *)"US";
		params.subject_len[CAPWAP_LSC_SUBJ_A_COUNTRY] = 2;
		params.subject[CAPWAP_LSC_SUBJ_A_ORG] = (const u8 *)"Example";
		params.subject_len[CAPWAP_LSC_SUBJ_A_ORG] = 7;
		params.subject[CAPWAP_LSC_SUBJ_A_EMAIL] =
			(const u8 *)"pki@example.com";
		params.subject_len[CAPWAP_LSC_SUBJ_A_EMAIL] = 15;
		capwap_lsc_put_cert_params(&b, SAMPLE_VENDOR, &params);
		capwap_put_radio_admin_state(&b, CAPWAP_RADIO_ID_WTP,
					     CAPWAP_RADIO_DISABLED);
		break;
	case S_UPDATE_CA:
		sample_object(obj, SAMPLE_CA_LEN, 2);
		capwap_lsc_put_object(&b, SAMPLE_VENDOR, CAPWAP_LSC_VSP_CA_CERT,
				      0, 2, obj, SAMPLE_CA_LEN);
		sample_object(obj, SAMPLE_ROOT_LEN, 3);
		capwap_lsc_put_object(&b, SAMPLE_VENDOR, CAPWAP_LSC_VSP_CA_CERT,
				      1, 2, obj, SAMPLE_ROOT_LEN);
		break;
	case S_UPDATE_CERT:
		sample_object(obj, SAMPLE_CERT_LEN, 4);
		capwap_lsc_put_object(&b, SAMPLE_VENDOR,
				      CAPWAP_LSC_VSP_DEVICE_CERT, 0, 1, obj,
				      SAMPLE_CERT_LEN);
		break;
	case S_UPDATE_STATUS:
		capwap_lsc_put_status(&b, SAMPLE_VENDOR,
				      CAPWAP_LSC_VSP_LSC_STATUS, &st);
		break;
	case S_UPDATE_RESP:
		capwap_put_result_code(&b, CAPWAP_RESULT_SUCCESS);
		break;
	case S_EVENT_CSR:
		sample_object(obj, SAMPLE_CSR_LEN, 5);
		capwap_lsc_put_object(&b, SAMPLE_VENDOR,
				      CAPWAP_LSC_VSP_CERT_REQUEST, 0, 1, obj,
				      SAMPLE_CSR_LEN);
		break;
	case S_EVENT_INSTALL:
		st.result = CAPWAP_LSC_RESULT_SUCCESS;
		st.reason = (const u8 *)"installed";
		st.reason_len = 9;
		capwap_lsc_put_status(&b, SAMPLE_VENDOR,
				      CAPWAP_LSC_VSP_INSTALL_RESULT, &st);
		break;
	case S_UNRECOGNIZED_RESP:
		capwap_put_result_code(&b,
				       CAPWAP_RESULT_UNRECOGNIZED_REQUEST);
		break;
	default:
		return -EINVAL;
	}
	return capwap_build_finish(&b);
}

#endif /* WIRE_SAMPLES_H */
