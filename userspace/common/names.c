// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <strings.h>

#include <openssl/obj_mac.h>

#include <linux/capwap_lsc.h>
#include "names.h"
#include "wire.h"

#define NAME_OF(table, i) \
	((i) >= 0 && (size_t)(i) < sizeof(table) / sizeof(table[0]) && \
	 table[i] ? table[i] : "unknown")

const char *lsc_result_name(int result)
{
	static const char *const names[__CAPWAP_LSC_RESULT_MAX] = {
		[CAPWAP_LSC_RESULT_SUCCESS] = "success",
		[CAPWAP_LSC_RESULT_ERROR] = "error",
		[CAPWAP_LSC_RESULT_NOT_YET_VALID] = "not-yet-valid",
		[CAPWAP_LSC_RESULT_FAILED_TO_INSTALL] = "failed-to-install",
		[CAPWAP_LSC_RESULT_FAILED_CA_SIGNING] = "failed-ca-signing",
		[CAPWAP_LSC_RESULT_NO_RESPONSE] = "no-response",
		[CAPWAP_LSC_RESULT_TIMEOUT_CA_SIGNING] = "timeout-ca-signing",
		[CAPWAP_LSC_RESULT_BAD_REQUEST] = "bad-request",
		[CAPWAP_LSC_RESULT_CERT_MISMATCH] = "cert-mismatch",
	};

	return NAME_OF(names, result);
}

const char *lsc_event_name(int type)
{
	static const char *const names[__CAPWAP_LSC_EV_MAX] = {
		[CAPWAP_LSC_EV_JOIN] = "join",
		[CAPWAP_LSC_EV_SESSION] = "session",
		[CAPWAP_LSC_EV_STATE] = "state",
		[CAPWAP_LSC_EV_CERT_REQUEST] = "cert-request",
		[CAPWAP_LSC_EV_ENROLL] = "enroll",
		[CAPWAP_LSC_EV_DELIVERY] = "delivery",
		[CAPWAP_LSC_EV_INSTALL] = "install",
		[CAPWAP_LSC_EV_ATTEMPT_FAILED] = "attempt-failed",
		[CAPWAP_LSC_EV_FALLBACK] = "fallback",
		[CAPWAP_LSC_EV_SESSION_END] = "session-end",
	};

	return NAME_OF(names, type);
}

const char *lsc_end_reason_name(int why)
{
	static const char *const names[__CAPWAP_LSC_END_MAX] = {
		[CAPWAP_LSC_END_SILENT] = "silent",
		[CAPWAP_LSC_END_NO_ANSWER] = "no-answer",
		[CAPWAP_LSC_END_REJOIN] = "rejoin",
		[CAPWAP_LSC_END_RESET] = "reset",
		[CAPWAP_LSC_END_DISPLACED] = "displaced",
		[CAPWAP_LSC_END_EVICTED] = "evicted",
		[CAPWAP_LSC_END_REFUSED] = "refused",
		[CAPWAP_LSC_END_DTLS_DISCONNECT] = "dtls-peer-disconnect",
		[CAPWAP_LSC_END_DTLS_ABORTED] = "dtls-aborted",
		[CAPWAP_LSC_END_DTLS_CLOSED] = "dtls-closed",
		[CAPWAP_LSC_END_CLEAR_REFUSED] = "clear-text-refused",
	};

	return NAME_OF(names, why);
}

const char *lsc_dtls_state_name(int state)
{
	static const char *const names[__CAPWAP_LSC_DTLS_STATE_MAX] = {
		[CAPWAP_LSC_DTLS_STATE_NONE] = "none",
		[CAPWAP_LSC_DTLS_STATE_CLEAR] = "clear",
		[CAPWAP_LSC_DTLS_STATE_DTLS] = "dtls",
	};

	return NAME_OF(names, state);
}

const char *lsc_ap_state_name(int state)
{
	static const char *const names[__CAPWAP_LSC_AP_STATE_MAX] = {
		[CAPWAP_LSC_AP_IDLE] = "idle",
		[CAPWAP_LSC_AP_PARAMS_SENT] = "params-sent",
		[CAPWAP_LSC_AP_CSR_RECEIVED] = "csr-received",
		[CAPWAP_LSC_AP_ENROLLING] = "enrolling",
		[CAPWAP_LSC_AP_CERT_READY] = "cert-ready",
		[CAPWAP_LSC_AP_DELIVERING] = "delivering",
		[CAPWAP_LSC_AP_INSTALLED] = "installed",
		[CAPWAP_LSC_AP_FAILED] = "failed",
		[CAPWAP_LSC_AP_FALLBACK] = "fallback",
		[CAPWAP_LSC_AP_REFUSED] = "refused",
	};

	return NAME_OF(names, state);
}

const char *lsc_session_name(int session)
{
	static const char *const names[__CAPWAP_LSC_SESSION_MAX] = {
		[CAPWAP_LSC_SESSION_DISCOVERY] = "discovery",
		[CAPWAP_LSC_SESSION_JOIN] = "join",
		[CAPWAP_LSC_SESSION_CONFIGURE] = "configure",
		[CAPWAP_LSC_SESSION_RUN] = "run",
		[CAPWAP_LSC_SESSION_DOWN] = "down",
	};

	return NAME_OF(names, session);
}

const char *lsc_cert_type_name(int type)
{
	static const char *const names[__CAPWAP_LSC_CERT_MAX] = {
		[CAPWAP_LSC_CERT_NONE] = "none",
		[CAPWAP_LSC_CERT_MIC] = "MIC",
		[CAPWAP_LSC_CERT_SSC] = "SSC",
		[CAPWAP_LSC_CERT_LSC] = "LSC",
	};

	return NAME_OF(names, type);
}

const char *lsc_ap_mode_name(int mode)
{
	static const char *const names[__CAPWAP_LSC_MODE_MAX] = {
		[CAPWAP_LSC_MODE_LOCAL] = "local",
		[CAPWAP_LSC_MODE_BRIDGE] = "bridge",
		[CAPWAP_LSC_MODE_MESH] = "mesh",
	};

	return NAME_OF(names, mode);
}

const char *lsc_key_type_name(int type)
{
	static const char *const names[__CAPWAP_LSC_KEY_MAX] = {
		[CAPWAP_LSC_KEY_NONE] = "none",
		[CAPWAP_LSC_KEY_RSA] = "RSA",
		[CAPWAP_LSC_KEY_EC] = "EC",
	};

	return NAME_OF(names, type);
}

const char *lsc_provision_mode_text(int mode)
{
	static const char *const names[__CAPWAP_LSC_PROVISION_MAX] = {
		[CAPWAP_LSC_PROVISION_OFF] = "Disabled",
		[CAPWAP_LSC_PROVISION_ALL] = "Enabled, all APs joined with MIC or SSC",
		[CAPWAP_LSC_PROVISION_LIST] = "Enabled, provision list only",
	};

	return NAME_OF(names, mode);
}

const char *lsc_provision_mode_name(int mode)
{
	static const char *const names[__CAPWAP_LSC_PROVISION_MAX] = {
		[CAPWAP_LSC_PROVISION_OFF] = "off",
		[CAPWAP_LSC_PROVISION_ALL] = "all",
		[CAPWAP_LSC_PROVISION_LIST] = "list",
	};

	return NAME_OF(names, mode);
}

const char *lsc_dtls_mode_name(int mode)
{
	static const char *const names[__CAPWAP_LSC_DTLS_MAX] = {
		[CAPWAP_LSC_DTLS_OFF] = "off",
		[CAPWAP_LSC_DTLS_ON] = "on",
		[CAPWAP_LSC_DTLS_REQUIRED] = "required",
	};

	return NAME_OF(names, mode);
}

const char *lsc_dtls_mode_text(int mode)
{
	static const char *const names[__CAPWAP_LSC_DTLS_MAX] = {
		[CAPWAP_LSC_DTLS_OFF] = "Off: clear text only (lab)",
		[CAPWAP_LSC_DTLS_ON] = "On, clear text also taken (lab)",
		[CAPWAP_LSC_DTLS_REQUIRED] = "Required: only Discovery in clear text",
	};

	return NAME_OF(names, mode);
}

const char *lsc_msg_type_name(int type)
{
	if (type == CAPWAP_LSC_STATS_MSG_OTHER)
		return "other";
	return capwap_msg_name((u32)type);
}

const char *lsc_malformed_name(int why)
{
	if (why < 0 || why >= __CAPWAP_LSC_BAD_MAX)
		return "unknown";
	return capwap_malformed_name((enum capwap_lsc_malformed)why);
}

static const struct {
	const char *name;
	int nid;
} subject_fields[CAPWAP_LSC_SUBJ_A_MAX + 1] = {
	[CAPWAP_LSC_SUBJ_A_COUNTRY] = { "C", NID_countryName },
	[CAPWAP_LSC_SUBJ_A_STATE] = { "ST", NID_stateOrProvinceName },
	[CAPWAP_LSC_SUBJ_A_LOCALITY] = { "L", NID_localityName },
	[CAPWAP_LSC_SUBJ_A_ORG] = { "O", NID_organizationName },
	[CAPWAP_LSC_SUBJ_A_ORG_UNIT] = { "OU", NID_organizationalUnitName },
	[CAPWAP_LSC_SUBJ_A_EMAIL] = { "emailAddress", NID_pkcs9_emailAddress },
};

const char *lsc_subject_field_name(int field)
{
	if (field <= 0 || field > CAPWAP_LSC_SUBJ_A_MAX)
		return NULL;
	return subject_fields[field].name;
}

int lsc_subject_field_nid(int field)
{
	if (field <= 0 || field > CAPWAP_LSC_SUBJ_A_MAX)
		return NID_undef;
	return subject_fields[field].nid;
}

int lsc_subject_field_parse(const char *name)
{
	int i;

	if (!strcasecmp(name, "email"))
		return CAPWAP_LSC_SUBJ_A_EMAIL;
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++)
		if (!strcasecmp(name, subject_fields[i].name))
			return i;
	return -1;
}
