/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * CAPWAP control-channel wire format (RFC 5415) and the LSC vendor
 * payloads carried in it (docs/PROTOCOL.md).
 *
 * The same code runs in the kernel module and in userspace, so nothing
 * here allocates: the parser reads a caller's linear buffer, the builder
 * writes into one, and the reassembly context is a caller-owned struct.
 * Parsed objects point into the caller's buffer and live as long as it.
 */
#ifndef _CAPWAP_LSC_WIRE_H
#define _CAPWAP_LSC_WIRE_H

#include "wire_compat.h"
#include <linux/capwap_lsc.h>

#define CAPWAP_CONTROL_PORT		5246
#define CAPWAP_VERSION			0
#define CAPWAP_PREAMBLE_HEADER		0
#define CAPWAP_PREAMBLE_DTLS		1

/* CAPWAP header without its optional fields */
#define CAPWAP_HDR_LEN			8
#define CAPWAP_HDR_MAX_LEN		(31 * 4)
#define CAPWAP_CTRL_HDR_LEN		8
/* Where the Sequence Number sits in the control header. */
#define CAPWAP_CTRL_SEQ_OFF		4
#define CAPWAP_ELEM_HDR_LEN		4
/* Message Element Length counts itself and the flags byte (3 bytes). */
#define CAPWAP_CTRL_LEN_BIAS		3
#define CAPWAP_MAX_ELEMS_LEN		(0xffff - CAPWAP_CTRL_LEN_BIAS)

/* CAPWAP header flags, as bits of the header's first 32-bit word. */
#define CAPWAP_F_T			(1U << 8)
#define CAPWAP_F_F			(1U << 7)
#define CAPWAP_F_L			(1U << 6)
#define CAPWAP_F_W			(1U << 5)
#define CAPWAP_F_M			(1U << 4)
#define CAPWAP_F_K			(1U << 3)

#define CAPWAP_WBID_IEEE80211		1

enum capwap_msg_type {
	CAPWAP_MSG_DISCOVERY_REQ = 1,
	CAPWAP_MSG_DISCOVERY_RESP,
	CAPWAP_MSG_JOIN_REQ,
	CAPWAP_MSG_JOIN_RESP,
	CAPWAP_MSG_CONFIG_STATUS_REQ,
	CAPWAP_MSG_CONFIG_STATUS_RESP,
	CAPWAP_MSG_CONFIG_UPDATE_REQ,
	CAPWAP_MSG_CONFIG_UPDATE_RESP,
	CAPWAP_MSG_WTP_EVENT_REQ,
	CAPWAP_MSG_WTP_EVENT_RESP,
	CAPWAP_MSG_CHANGE_STATE_REQ,
	CAPWAP_MSG_CHANGE_STATE_RESP,
	CAPWAP_MSG_ECHO_REQ,
	CAPWAP_MSG_ECHO_RESP,
	CAPWAP_MSG_IMAGE_DATA_REQ,
	CAPWAP_MSG_IMAGE_DATA_RESP,
	CAPWAP_MSG_RESET_REQ,
	CAPWAP_MSG_RESET_RESP,
	CAPWAP_MSG_PRIMARY_DISCOVERY_REQ,
	CAPWAP_MSG_PRIMARY_DISCOVERY_RESP,
	CAPWAP_MSG_DATA_TRANSFER_REQ,
	CAPWAP_MSG_DATA_TRANSFER_RESP,
	CAPWAP_MSG_CLEAR_CONFIG_REQ,
	CAPWAP_MSG_CLEAR_CONFIG_RESP,
	CAPWAP_MSG_STATION_CONFIG_REQ,
	CAPWAP_MSG_STATION_CONFIG_RESP,
	__CAPWAP_MSG_MAX
};

/* Message element types used here (RFC 5415 section 4.6, RFC 5416). */
enum capwap_elem_type {
	CAPWAP_ELEM_AC_DESCRIPTOR = 1,
	CAPWAP_ELEM_AC_NAME = 4,
	CAPWAP_ELEM_CONTROL_IPV4 = 10,
	CAPWAP_ELEM_CONTROL_IPV6 = 11,
	CAPWAP_ELEM_TIMERS = 12,
	CAPWAP_ELEM_DECRYPT_ERR_PERIOD = 16,
	CAPWAP_ELEM_DISCOVERY_TYPE = 20,
	CAPWAP_ELEM_IDLE_TIMEOUT = 23,
	CAPWAP_ELEM_LOCATION_DATA = 28,
	CAPWAP_ELEM_LOCAL_IPV4 = 30,
	CAPWAP_ELEM_RADIO_ADMIN_STATE = 31,
	CAPWAP_ELEM_RADIO_OPER_STATE = 32,
	CAPWAP_ELEM_RESULT_CODE = 33,
	CAPWAP_ELEM_SESSION_ID = 35,
	CAPWAP_ELEM_STATISTICS_TIMER = 36,
	CAPWAP_ELEM_VENDOR_SPECIFIC = 37,
	CAPWAP_ELEM_WTP_BOARD_DATA = 38,
	CAPWAP_ELEM_WTP_DESCRIPTOR = 39,
	CAPWAP_ELEM_WTP_FALLBACK = 40,
	CAPWAP_ELEM_WTP_FRAME_TUNNEL_MODE = 41,
	CAPWAP_ELEM_WTP_MAC_TYPE = 44,
	CAPWAP_ELEM_WTP_NAME = 45,
	CAPWAP_ELEM_WTP_REBOOT_STATS = 48,
	CAPWAP_ELEM_LOCAL_IPV6 = 50,
	CAPWAP_ELEM_ECN_SUPPORT = 53,
	CAPWAP_ELEM_IEEE80211_WTP_RADIO_INFO = 1048,
};

enum capwap_result_code {
	CAPWAP_RESULT_SUCCESS = 0,
	CAPWAP_RESULT_FAILURE = 1,
	CAPWAP_RESULT_SUCCESS_NAT = 2,
	CAPWAP_RESULT_JOIN_FAILURE = 3,
	CAPWAP_RESULT_JOIN_RESOURCE = 4,
	CAPWAP_RESULT_JOIN_UNKNOWN_SOURCE = 5,
	CAPWAP_RESULT_JOIN_INCORRECT_DATA = 6,
	CAPWAP_RESULT_JOIN_SESSION_IN_USE = 7,
	CAPWAP_RESULT_JOIN_HW_UNSUPPORTED = 8,
	CAPWAP_RESULT_JOIN_BINDING_UNSUPPORTED = 9,
	CAPWAP_RESULT_CONFIG_FAILURE_SERVICE = 12,
	CAPWAP_RESULT_CONFIG_FAILURE = 13,
	CAPWAP_RESULT_UNEXPECTED_STATE = 18,
	CAPWAP_RESULT_UNRECOGNIZED_REQUEST = 19,
	CAPWAP_RESULT_MISSING_ELEMENT = 20,
	CAPWAP_RESULT_UNRECOGNIZED_ELEMENT = 21,
};

#define CAPWAP_VSP_HDR_LEN		6	/* vendor id, element id */
#define CAPWAP_VSP_MAX_DATA		2048
#define CAPWAP_SESSION_ID_LEN		16
#define CAPWAP_MAX_NAME_LEN		512	/* AC Name, WTP Name */
#define CAPWAP_MAX_LOCATION_LEN		1024

/* WTP Board Data sub-element types */
#define CAPWAP_BOARD_MODEL		0
#define CAPWAP_BOARD_SERIAL		1
#define CAPWAP_BOARD_ID			2
#define CAPWAP_BOARD_REVISION		3
#define CAPWAP_BOARD_BASE_MAC		4

/* AC Descriptor bits */
#define CAPWAP_AC_SECURITY_X509		(1U << 1)
#define CAPWAP_AC_SECURITY_PSK		(1U << 2)
#define CAPWAP_AC_RMAC_SUPPORTED	1
#define CAPWAP_AC_RMAC_UNSUPPORTED	2
#define CAPWAP_DTLS_POLICY_CLEAR	(1U << 1)
#define CAPWAP_DTLS_POLICY_DTLS		(1U << 2)

/* WTP Frame Tunnel Mode bits */
#define CAPWAP_TUNNEL_LOCAL_BRIDGING	(1U << 1)
#define CAPWAP_TUNNEL_8023		(1U << 2)
#define CAPWAP_TUNNEL_NATIVE		(1U << 3)

#define CAPWAP_MAC_TYPE_LOCAL		0
#define CAPWAP_MAC_TYPE_SPLIT		1
#define CAPWAP_MAC_TYPE_BOTH		2

#define CAPWAP_DISCOVERY_UNKNOWN	0
#define CAPWAP_DISCOVERY_STATIC		1
#define CAPWAP_DISCOVERY_DHCP		2
#define CAPWAP_DISCOVERY_DNS		3
#define CAPWAP_DISCOVERY_AC_REFERRAL	4

#define CAPWAP_RADIO_ENABLED		1
#define CAPWAP_RADIO_DISABLED		2
#define CAPWAP_RADIO_CAUSE_NORMAL	0
#define CAPWAP_RADIO_CAUSE_ADMIN	3
#define CAPWAP_RADIO_ID_WTP		0xff	/* the whole WTP */

/* ---- Parser ------------------------------------------------------- */

/* What capwap_parse() found; CAPWAP_PARSE_MALFORMED sets ->bad. */
enum capwap_parse_status {
	CAPWAP_PARSE_OK,	/* a whole control message */
	CAPWAP_PARSE_FRAGMENT,	/* valid header: to capwap_reasm_add() */
	CAPWAP_PARSE_DTLS,	/* DTLS preamble: count and drop */
	CAPWAP_PARSE_MALFORMED,
};

struct capwap_header {
	u8 type;		/* preamble type */
	u8 hlen;		/* header length in bytes */
	u8 rid;
	u8 wbid;
	u16 flags;		/* CAPWAP_F_* */
	u16 frag_id;
	u16 frag_off;		/* in bytes */
	u8 radio_mac_len;	/* 0, 6 or 8 */
	u8 radio_mac[8];
	u8 wsi_id;
	u8 wsi_len;
	const u8 *wsi;		/* Wireless Specific Information data */
};

/* A control message: control header and validated message elements. */
struct capwap_msg {
	u32 type;		/* enterprise << 8 | type */
	u8 seq;
	u16 elems_len;
	u16 nelems;
	const u8 *elems;
};

struct capwap_packet {
	struct capwap_header hdr;
	const u8 *payload;	/* after the CAPWAP header */
	size_t payload_len;
	struct capwap_msg msg;	/* valid for CAPWAP_PARSE_OK */
	enum capwap_lsc_malformed bad;
};

struct capwap_elem {
	u16 type;
	u16 len;
	const u8 *val;
};

struct capwap_elem_iter {
	const u8 *pos;
	const u8 *end;
};

enum capwap_parse_status capwap_parse_header(const u8 *buf, size_t len,
					     struct capwap_header *hdr,
					     enum capwap_lsc_malformed *bad);
int capwap_parse_control(const u8 *buf, size_t len, struct capwap_msg *msg,
			 enum capwap_lsc_malformed *bad);
enum capwap_parse_status capwap_parse(const u8 *buf, size_t len,
				      struct capwap_packet *pkt);

void capwap_elem_iter_init(struct capwap_elem_iter *it,
			   const struct capwap_msg *msg);
bool capwap_elem_next(struct capwap_elem_iter *it, struct capwap_elem *e);
#define capwap_for_each_elem(msg, it, e)			\
	for (capwap_elem_iter_init(&(it), (msg));		\
	     capwap_elem_next(&(it), &(e));)
int capwap_find_elem(const struct capwap_msg *msg, u16 type,
		     struct capwap_elem *e);
int capwap_msg_check_mandatory(const struct capwap_msg *msg,
			       enum capwap_lsc_malformed *bad);

const char *capwap_msg_name(u32 type);
const char *capwap_malformed_name(enum capwap_lsc_malformed why);

static inline bool capwap_msg_is_request(u32 type)
{
	return type & 1;
}

struct capwap_vsp {
	u32 vendor_id;
	u16 elem_id;
	u16 len;
	const u8 *data;
};

int capwap_parse_vsp(const struct capwap_elem *e, struct capwap_vsp *vsp);

struct capwap_board_data {
	u32 vendor_id;
	const u8 *model;
	u16 model_len;
	const u8 *serial;
	u16 serial_len;
	const u8 *base_mac;	/* NULL when absent */
};

int capwap_parse_board_data(const struct capwap_elem *e,
			    struct capwap_board_data *bd);
int capwap_elem_get_u8(const struct capwap_elem *e, u8 *v);
int capwap_elem_get_u32(const struct capwap_elem *e, u32 *v);

/* ---- Builder ------------------------------------------------------ */

/*
 * Errors are sticky: append as many elements as needed and look at the
 * result of capwap_build_finish() once.
 */
struct capwap_builder {
	u8 *buf;
	size_t size;
	size_t len;
	size_t ctrl;		/* offset of the control header */
	size_t open;		/* offset of the open element, or 0 */
	int err;
};

struct capwap_ac_descriptor {
	u16 stations;
	u16 station_limit;
	u16 active_wtps;
	u16 max_wtps;
	u8 security;		/* CAPWAP_AC_SECURITY_* */
	u8 rmac;		/* CAPWAP_AC_RMAC_* */
	u8 dtls_policy;		/* CAPWAP_DTLS_POLICY_* */
	u32 vendor_id;
	const char *hw_version;
	const char *sw_version;
};

struct capwap_wtp_descriptor {
	u8 max_radios;
	u8 radios_in_use;
	u32 vendor_id;
	const char *hw_version;
	const char *sw_version;
	const char *boot_version;
};

struct capwap_reboot_stats {
	u16 reboots;
	u16 ac_initiated;
	u16 link_failures;
	u16 sw_failures;
	u16 hw_failures;
	u16 other_failures;
	u16 unknown_failures;
	u8 last_failure;
};

void capwap_build_init(struct capwap_builder *b, u8 *buf, size_t size,
		       u32 msg_type, u8 seq);
/* Renumbers a message we built, to send it again as a new request. */
void capwap_built_set_seq(u8 *pkt, u8 seq);
void capwap_build_set_radio(struct capwap_builder *b, u8 rid, u8 wbid);
int capwap_build_finish(struct capwap_builder *b);

void capwap_elem_begin(struct capwap_builder *b, u16 type);
void capwap_elem_end(struct capwap_builder *b);
void capwap_put_u8(struct capwap_builder *b, u8 v);
void capwap_put_u16(struct capwap_builder *b, u16 v);
void capwap_put_u32(struct capwap_builder *b, u32 v);
void capwap_put_bytes(struct capwap_builder *b, const void *p, size_t len);

void capwap_put_elem(struct capwap_builder *b, u16 type, const void *val,
		     size_t len);
void capwap_put_elem_u8(struct capwap_builder *b, u16 type, u8 v);
void capwap_put_elem_u16(struct capwap_builder *b, u16 type, u16 v);
void capwap_put_elem_u32(struct capwap_builder *b, u16 type, u32 v);

void capwap_put_result_code(struct capwap_builder *b, u32 code);
void capwap_put_ac_descriptor(struct capwap_builder *b,
			      const struct capwap_ac_descriptor *d);
void capwap_put_ac_name(struct capwap_builder *b, const char *name);
void capwap_put_control_ipv4(struct capwap_builder *b, const void *addr,
			     u16 wtp_count);
void capwap_put_vsp(struct capwap_builder *b, u32 vendor_id, u16 elem_id,
		    const void *data, size_t len);
void capwap_put_discovery_type(struct capwap_builder *b, u8 type);
void capwap_put_board_data(struct capwap_builder *b, u32 vendor_id,
			   const char *model, const char *serial,
			   const u8 *base_mac);
void capwap_put_wtp_descriptor(struct capwap_builder *b,
			       const struct capwap_wtp_descriptor *d);
void capwap_put_frame_tunnel_mode(struct capwap_builder *b, u8 modes);
void capwap_put_mac_type(struct capwap_builder *b, u8 type);
void capwap_put_location(struct capwap_builder *b, const char *location);
void capwap_put_wtp_name(struct capwap_builder *b, const char *name);
void capwap_put_session_id(struct capwap_builder *b, const u8 *id);
void capwap_put_local_ipv4(struct capwap_builder *b, const void *addr);
void capwap_put_radio_admin_state(struct capwap_builder *b, u8 radio_id,
				  u8 state);
void capwap_put_radio_oper_state(struct capwap_builder *b, u8 radio_id,
				 u8 state, u8 cause);
void capwap_put_ecn_support(struct capwap_builder *b, u8 ecn);
void capwap_put_wtp_radio_info(struct capwap_builder *b, u8 radio_id,
			       u32 radio_type);
void capwap_put_statistics_timer(struct capwap_builder *b, u16 seconds);
void capwap_put_reboot_stats(struct capwap_builder *b,
			     const struct capwap_reboot_stats *s);
void capwap_put_timers(struct capwap_builder *b, u8 discovery, u8 echo);
void capwap_put_decrypt_err_period(struct capwap_builder *b, u8 radio_id,
				   u16 seconds);
void capwap_put_idle_timeout(struct capwap_builder *b, u32 seconds);
void capwap_put_wtp_fallback(struct capwap_builder *b, u8 mode);

/* ---- Fragmentation and reassembly ---------------------------------- */

/*
 * Splits one built packet (CAPWAP header + control message) into
 * datagrams of at most @mtu bytes.  A packet that fits is emitted once,
 * unchanged, without the F flag.
 */
struct capwap_fragmenter {
	const u8 *pkt;
	size_t hlen;
	size_t payload_len;
	size_t chunk;		/* payload bytes per fragment, 8-aligned */
	size_t off;
	u16 frag_id;
	bool whole;
	bool done;
};

int capwap_frag_init(struct capwap_fragmenter *f, const u8 *pkt, size_t len,
		     size_t mtu, u16 frag_id);
int capwap_frag_next(struct capwap_fragmenter *f, u8 *out, size_t size);

/* Longest message reassembled; RFC 5415 asks for at least 4096. */
#define CAPWAP_REASM_MAX_LEN		16384
#define CAPWAP_REASM_UNITS		(CAPWAP_REASM_MAX_LEN / 8)

enum capwap_reasm_status {
	CAPWAP_REASM_MORE,	/* kept, waiting for the rest */
	CAPWAP_REASM_DONE,	/* ->buf holds ->total bytes of message */
	CAPWAP_REASM_BAD,	/* dropped, context reset, *bad says why */
};

/*
 * One message being reassembled.  Times are in the caller's clock
 * (jiffies, milliseconds...), only compared against each other.  The
 * caller owns ->buf: it must hold the extent of every fragment before it
 * is added (capwap_reasm_extent()), so that the kernel can size it to
 * the message instead of to CAPWAP_REASM_MAX_LEN.
 */
struct capwap_reasm {
	u64 started;		/* when the first fragment seen arrived */
	u16 frag_id;
	u16 total;		/* known once the last fragment arrived */
	u16 units;		/* 8-byte units received */
	u16 high;		/* end of the furthest fragment so far */
	bool active;
	bool have_last;
	u8 map[CAPWAP_REASM_UNITS / 8];
	u32 cap;		/* bytes at ->buf */
	u8 *buf;
};

void capwap_reasm_init(struct capwap_reasm *r, u8 *buf, size_t cap);
void capwap_reasm_reset(struct capwap_reasm *r);
size_t capwap_reasm_extent(const struct capwap_header *hdr, size_t len);
enum capwap_reasm_status capwap_reasm_add(struct capwap_reasm *r,
					  const struct capwap_header *hdr,
					  const u8 *payload, size_t len,
					  u64 now,
					  enum capwap_lsc_malformed *bad);
bool capwap_reasm_expire(struct capwap_reasm *r, u64 now, u64 timeout);

/* ---- LSC vendor payloads (docs/PROTOCOL.md) ------------------------ */

enum capwap_lsc_vsp_id {
	CAPWAP_LSC_VSP_CERT_INFO = 1,
	CAPWAP_LSC_VSP_AP_CERT,
	CAPWAP_LSC_VSP_CERT_PARAMS,
	CAPWAP_LSC_VSP_CERT_REQUEST,
	CAPWAP_LSC_VSP_CA_CERT,
	CAPWAP_LSC_VSP_DEVICE_CERT,
	CAPWAP_LSC_VSP_INSTALL_RESULT,
	CAPWAP_LSC_VSP_LSC_STATUS,
	__CAPWAP_LSC_VSP_MAX
};

#define CAPWAP_LSC_CHUNK_HDR_LEN	6
#define CAPWAP_LSC_CHUNK_MAX		(CAPWAP_VSP_MAX_DATA - \
					 CAPWAP_LSC_CHUNK_HDR_LEN)
#define CAPWAP_LSC_MAX_OBJECTS		CAPWAP_LSC_MAX_CHAIN
/* CERT_PARAMS flags */
#define CAPWAP_LSC_PARAMS_RENEWAL	(1U << 0)
#define __CAPWAP_LSC_PARAMS_ALL		CAPWAP_LSC_PARAMS_RENEWAL
/*
 * CERT_PARAMS field id of the challenge password, apart from the subject
 * field ids (enum capwap_lsc_subject_attr) so that those can grow.
 */
#define CAPWAP_LSC_PARAMS_CHALLENGE	128

struct capwap_lsc_cert_info {
	u8 cert_type;		/* enum capwap_lsc_cert_type */
	u8 ap_mode;		/* enum capwap_lsc_ap_mode */
};

struct capwap_lsc_cert_params {
	u8 key_type;		/* enum capwap_lsc_key_type */
	u8 attempts_left;
	u16 key_bits;
	u32 validity_days;	/* 0: the CA decides */
	u8 flags;		/* CAPWAP_LSC_PARAMS_* */
	/* indexed by enum capwap_lsc_subject_attr; not NUL-terminated */
	const u8 *subject[__CAPWAP_LSC_SUBJ_A_LAST];
	u8 subject_len[__CAPWAP_LSC_SUBJ_A_LAST];
	/* for the CSR's challengePassword; NULL: none.  Not NUL-terminated */
	const u8 *challenge;
	u8 challenge_len;	/* 1..CAPWAP_LSC_MAX_CHALLENGE_LEN */
};

/* INSTALL_RESULT (state unused, sent as 0) and LSC_STATUS. */
struct capwap_lsc_status {
	u8 result;		/* enum capwap_lsc_result */
	u8 state;		/* enum capwap_lsc_ap_state */
	const u8 *reason;	/* UTF-8, not NUL-terminated */
	u16 reason_len;
};

void capwap_lsc_put_cert_info(struct capwap_builder *b, u32 vendor_id,
			      const struct capwap_lsc_cert_info *ci);
void capwap_lsc_put_cert_params(struct capwap_builder *b, u32 vendor_id,
				const struct capwap_lsc_cert_params *p);
void capwap_lsc_put_status(struct capwap_builder *b, u32 vendor_id,
			   u16 elem_id, const struct capwap_lsc_status *s);
void capwap_lsc_put_object(struct capwap_builder *b, u32 vendor_id,
			   u16 elem_id, u8 index, u8 count,
			   const u8 *data, size_t len);

int capwap_lsc_get_cert_info(const struct capwap_msg *msg, u32 vendor_id,
			     struct capwap_lsc_cert_info *ci);
int capwap_lsc_get_cert_params(const struct capwap_msg *msg, u32 vendor_id,
			       struct capwap_lsc_cert_params *p);
int capwap_lsc_get_status(const struct capwap_msg *msg, u32 vendor_id,
			  u16 elem_id, struct capwap_lsc_status *s);
int capwap_lsc_object_count(const struct capwap_msg *msg, u32 vendor_id,
			    u16 elem_id);
int capwap_lsc_get_object(const struct capwap_msg *msg, u32 vendor_id,
			  u16 elem_id, u8 index, u8 *out, size_t size);
bool capwap_lsc_has_elem(const struct capwap_msg *msg, u32 vendor_id,
			 u16 elem_id);
bool capwap_lsc_text_valid(const u8 *s, size_t len);
int capwap_lsc_validate(const struct capwap_msg *msg, u32 vendor_id,
			enum capwap_lsc_malformed *bad);

#endif /* _CAPWAP_LSC_WIRE_H */
