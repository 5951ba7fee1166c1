// SPDX-License-Identifier: GPL-2.0
/*
 * The control messages a WTP sends, with the elements RFC 5415 makes
 * mandatory for each (and that the controller's parser checks), plus our
 * LSC vendor elements (docs/PROTOCOL.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "wtp.h"

#define RADIO_ID		1
#define RADIO_TYPE_80211BGN	0x0f

static uint8_t *finish(struct capwap_builder *b, size_t *len)
{
	int n = capwap_build_finish(b);
	uint8_t *out;

	if (n < 0) {
		lsc_err("cannot build a control message: %s", strerror(-n));
		return NULL;
	}
	out = malloc(n);
	if (out) {
		memcpy(out, b->buf, n);
		*len = (size_t)n;
	}
	return out;
}

static void begin(struct capwap_builder *b, uint8_t *buf, uint32_t type,
		  struct wtp_ap *ap)
{
	capwap_build_init(b, buf, WTP_PKT_MAX, type, ap->seq++);
}

static void put_wtp(struct capwap_builder *b, struct wtp_ap *ap)
{
	const struct capwap_wtp_descriptor wd = {
		.max_radios = 1, .radios_in_use = 1,
		.vendor_id = ap->sim->vendor_id,
		.hw_version = "1.0", .sw_version = CAPWAP_LSC_VERSION,
		.boot_version = "1.0",
	};

	capwap_put_board_data(b, ap->sim->vendor_id, ap->id.model,
			      ap->id.serial, ap->id.mac);
	capwap_put_wtp_descriptor(b, &wd);
}

uint8_t *wtp_msg_discovery(struct wtp_ap *ap, size_t *len)
{
	static uint8_t buf[WTP_PKT_MAX];
	struct capwap_builder b;

	begin(&b, buf, CAPWAP_MSG_DISCOVERY_REQ, ap);
	capwap_put_discovery_type(&b, CAPWAP_DISCOVERY_STATIC);
	put_wtp(&b, ap);
	capwap_put_frame_tunnel_mode(&b, CAPWAP_TUNNEL_8023);
	capwap_put_mac_type(&b, CAPWAP_MAC_TYPE_SPLIT);
	capwap_put_wtp_radio_info(&b, RADIO_ID, RADIO_TYPE_80211BGN);
	return finish(&b, len);
}

static void local_addr(struct wtp_ap *ap, struct in_addr *addr)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	addr->s_addr = 0;
	if (!getsockname(ap->io.fd, (struct sockaddr *)&sa, &sl))
		*addr = sa.sin_addr;
}

uint8_t *wtp_msg_join(struct wtp_ap *ap, size_t *len)
{
	static uint8_t buf[WTP_PKT_MAX];
	struct capwap_lsc_cert_info ci = { .ap_mode = ap->mode };
	struct capwap_builder b;
	struct in_addr addr;
	uint8_t *der = NULL;
	size_t der_len = 0;
	EVP_PKEY *key;
	X509 *cert;
	int type;
	uint8_t *out;

	wtp_lsc_pick_cert(ap, &key, &cert, &type);
	ci.cert_type = type;
	if (wtp_x509_to_der(cert, &der, &der_len)) {
		lsc_err("%s: cannot encode the certificate", ap->cn);
		return NULL;
	}
	local_addr(ap, &addr);
	begin(&b, buf, CAPWAP_MSG_JOIN_REQ, ap);
	capwap_put_location(&b, "capwap-lsc lsc-wtp");
	put_wtp(&b, ap);
	capwap_put_wtp_name(&b, ap->cn);
	capwap_put_session_id(&b, ap->session_id);
	capwap_put_wtp_radio_info(&b, RADIO_ID, RADIO_TYPE_80211BGN);
	capwap_put_ecn_support(&b, 0);
	capwap_put_local_ipv4(&b, &addr);
	capwap_lsc_put_cert_info(&b, ap->sim->vendor_id, &ci);
	capwap_lsc_put_object(&b, ap->sim->vendor_id, CAPWAP_LSC_VSP_AP_CERT,
			      0, 1, der, der_len);
	OPENSSL_free(der);
	out = finish(&b, len);
	if (out)
		ap->joined_with = type;
	return out;
}

uint8_t *wtp_msg_config_status(struct wtp_ap *ap, size_t *len)
{
	static uint8_t buf[WTP_PKT_MAX];
	struct capwap_reboot_stats rs = { 0 };
	struct capwap_builder b;

	begin(&b, buf, CAPWAP_MSG_CONFIG_STATUS_REQ, ap);
	capwap_put_ac_name(&b, ap->ac_name[0] ? ap->ac_name : "unknown");
	capwap_put_radio_admin_state(&b, RADIO_ID, CAPWAP_RADIO_ENABLED);
	capwap_put_statistics_timer(&b, 120);
	capwap_put_reboot_stats(&b, &rs);
	return finish(&b, len);
}

uint8_t *wtp_msg_change_state(struct wtp_ap *ap, size_t *len)
{
	static uint8_t buf[WTP_PKT_MAX];
	struct capwap_builder b;

	begin(&b, buf, CAPWAP_MSG_CHANGE_STATE_REQ, ap);
	capwap_put_radio_oper_state(&b, RADIO_ID, CAPWAP_RADIO_ENABLED,
				    CAPWAP_RADIO_CAUSE_NORMAL);
	capwap_put_result_code(&b, CAPWAP_RESULT_SUCCESS);
	return finish(&b, len);
}

uint8_t *wtp_msg_echo(struct wtp_ap *ap, size_t *len)
{
	static uint8_t buf[64];
	struct capwap_builder b;

	capwap_build_init(&b, buf, sizeof(buf), CAPWAP_MSG_ECHO_REQ, ap->seq++);
	return finish(&b, len);
}

uint8_t *wtp_msg_event_csr(struct wtp_ap *ap, const uint8_t *csr,
			   size_t csr_len, size_t *len)
{
	static uint8_t buf[WTP_PKT_MAX];
	struct capwap_builder b;

	begin(&b, buf, CAPWAP_MSG_WTP_EVENT_REQ, ap);
	capwap_lsc_put_object(&b, ap->sim->vendor_id,
			      CAPWAP_LSC_VSP_CERT_REQUEST, 0, 1, csr, csr_len);
	return finish(&b, len);
}

uint8_t *wtp_msg_event_install(struct wtp_ap *ap, int result,
			       const char *reason, size_t *len)
{
	static uint8_t buf[WTP_PKT_MAX];
	struct capwap_lsc_status st = {
		.result = result,
		.reason = (const uint8_t *)reason,
		.reason_len = strnlen(reason, CAPWAP_LSC_MAX_REASON_LEN),
	};
	struct capwap_builder b;

	begin(&b, buf, CAPWAP_MSG_WTP_EVENT_REQ, ap);
	capwap_lsc_put_status(&b, ap->sim->vendor_id,
			      CAPWAP_LSC_VSP_INSTALL_RESULT, &st);
	return finish(&b, len);
}

uint8_t *wtp_msg_response(uint32_t type, uint8_t seq, int result_code,
			  size_t *len)
{
	static uint8_t buf[64];
	struct capwap_builder b;

	capwap_build_init(&b, buf, sizeof(buf), type, seq);
	if (result_code >= 0)
		capwap_put_result_code(&b, result_code);
	return finish(&b, len);
}
