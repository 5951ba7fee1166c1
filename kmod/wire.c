// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * CAPWAP control packets (RFC 5415 sections 4.1-4.6): strict parser and
 * builder.  Every length is checked against the datagram before the bytes
 * behind it are read; anything the RFC reserves must be zero, so a packet
 * we accept is one we could have built ourselves.
 */
#include "wire.h"

static inline size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static enum capwap_parse_status bad_packet(enum capwap_lsc_malformed *bad,
					   enum capwap_lsc_malformed why)
{
	*bad = why;
	return CAPWAP_PARSE_MALFORMED;
}

enum capwap_parse_status capwap_parse_header(const u8 *buf, size_t len,
					     struct capwap_header *hdr,
					     enum capwap_lsc_malformed *bad)
{
	size_t need = CAPWAP_HDR_LEN;
	u32 w0, w1;
	u8 n;

	if (len < 1)
		return bad_packet(bad, CAPWAP_LSC_BAD_TRUNCATED);
	if (buf[0] >> 4 != CAPWAP_VERSION)
		return bad_packet(bad, CAPWAP_LSC_BAD_VERSION);
	/* The caller cannot read a DTLS record; it only counts it. */
	if ((buf[0] & 0xf) == CAPWAP_PREAMBLE_DTLS) {
		*bad = CAPWAP_LSC_BAD_DTLS;
		return CAPWAP_PARSE_DTLS;
	}
	if ((buf[0] & 0xf) != CAPWAP_PREAMBLE_HEADER)
		return bad_packet(bad, CAPWAP_LSC_BAD_VERSION);
	if (len < CAPWAP_HDR_LEN)
		return bad_packet(bad, CAPWAP_LSC_BAD_TRUNCATED);

	w0 = get_unaligned_be32(buf);
	w1 = get_unaligned_be32(buf + 4);
	memset(hdr, 0, sizeof(*hdr));
	hdr->type = CAPWAP_PREAMBLE_HEADER;
	hdr->hlen = ((w0 >> 19) & 0x1f) * 4;
	hdr->rid = (w0 >> 14) & 0x1f;
	hdr->wbid = (w0 >> 9) & 0x1f;
	hdr->flags = w0 & 0x1f8;
	hdr->frag_id = w1 >> 16;
	hdr->frag_off = ((w1 >> 3) & 0x1fff) * 8;

	if (hdr->hlen < CAPWAP_HDR_LEN)
		return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);
	if (len < hdr->hlen)
		return bad_packet(bad, CAPWAP_LSC_BAD_TRUNCATED);
	/*
	 * Control messages are never native frames nor keep-alives, and L
	 * means nothing without F.
	 */
	if ((w0 & 0x7) || (hdr->flags & (CAPWAP_F_T | CAPWAP_F_K)) ||
	    (hdr->flags & (CAPWAP_F_F | CAPWAP_F_L)) == CAPWAP_F_L)
		return bad_packet(bad, CAPWAP_LSC_BAD_FLAGS);
	if (w1 & 0x7)
		return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);

	if (hdr->flags & CAPWAP_F_M) {
		if (need + 1 > hdr->hlen)
			return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);
		n = buf[need];
		if (n != 6 && n != 8)
			return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);
		if (need + 1 + n > hdr->hlen)
			return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);
		hdr->radio_mac_len = n;
		memcpy(hdr->radio_mac, buf + need + 1, n);
		need += pad4(1 + n);
	}
	if (hdr->flags & CAPWAP_F_W) {
		if (need + 2 > hdr->hlen)
			return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);
		hdr->wsi_id = buf[need];
		n = buf[need + 1];
		if (need + 2 + n > hdr->hlen)
			return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);
		hdr->wsi_len = n;
		hdr->wsi = buf + need + 2;
		need += pad4(2 + n);
	}
	/* HLEN must cover exactly what the flags announce, padding included. */
	if (need != hdr->hlen)
		return bad_packet(bad, CAPWAP_LSC_BAD_HEADER);

	if (!(hdr->flags & CAPWAP_F_F)) {
		if (hdr->frag_off)
			return bad_packet(bad, CAPWAP_LSC_BAD_FRAGMENT);
		return CAPWAP_PARSE_OK;
	}
	/*
	 * Offsets count 8-byte units, so only the last fragment may end off
	 * that grid; an empty fragment would advance nothing.
	 */
	if (len == hdr->hlen)
		return bad_packet(bad, CAPWAP_LSC_BAD_FRAGMENT);
	if (!(hdr->flags & CAPWAP_F_L) && (len - hdr->hlen) % 8)
		return bad_packet(bad, CAPWAP_LSC_BAD_FRAGMENT);
	return CAPWAP_PARSE_FRAGMENT;
}

/* Returns 0, or -EINVAL with *bad set. */
int capwap_parse_control(const u8 *buf, size_t len, struct capwap_msg *msg,
			 enum capwap_lsc_malformed *bad)
{
	const u8 *p, *end;
	size_t elen;
	u16 mlen, vlen;

	memset(msg, 0, sizeof(*msg));
	if (len < CAPWAP_CTRL_HDR_LEN) {
		*bad = CAPWAP_LSC_BAD_TRUNCATED;
		return -EINVAL;
	}
	msg->type = get_unaligned_be32(buf);
	msg->seq = buf[CAPWAP_CTRL_SEQ_OFF];
	mlen = get_unaligned_be16(buf + 5);
	if (!msg->type || buf[7] || mlen < CAPWAP_CTRL_LEN_BIAS) {
		*bad = CAPWAP_LSC_BAD_CONTROL_HEADER;
		return -EINVAL;
	}
	/* Message Element Length counts all bytes after the sequence number. */
	if (mlen > len - 5) {
		*bad = CAPWAP_LSC_BAD_TRUNCATED;
		return -EINVAL;
	}
	if (mlen < len - 5) {
		*bad = CAPWAP_LSC_BAD_CONTROL_HEADER;
		return -EINVAL;
	}
	elen = mlen - CAPWAP_CTRL_LEN_BIAS;
	p = buf + CAPWAP_CTRL_HDR_LEN;
	end = p + elen;
	while (p < end) {
		if ((size_t)(end - p) < CAPWAP_ELEM_HDR_LEN ||
		    !get_unaligned_be16(p)) {
			*bad = CAPWAP_LSC_BAD_ELEMENT;
			return -EINVAL;
		}
		vlen = get_unaligned_be16(p + 2);
		if (vlen > (size_t)(end - p) - CAPWAP_ELEM_HDR_LEN) {
			*bad = CAPWAP_LSC_BAD_ELEMENT;
			return -EINVAL;
		}
		p += CAPWAP_ELEM_HDR_LEN + vlen;
		msg->nelems++;
	}
	msg->elems = buf + CAPWAP_CTRL_HDR_LEN;
	msg->elems_len = elen;
	return 0;
}

enum capwap_parse_status capwap_parse(const u8 *buf, size_t len,
				      struct capwap_packet *pkt)
{
	enum capwap_parse_status st;

	memset(pkt, 0, sizeof(*pkt));
	st = capwap_parse_header(buf, len, &pkt->hdr, &pkt->bad);
	if (st == CAPWAP_PARSE_MALFORMED || st == CAPWAP_PARSE_DTLS)
		return st;
	pkt->payload = buf + pkt->hdr.hlen;
	pkt->payload_len = len - pkt->hdr.hlen;
	if (st == CAPWAP_PARSE_FRAGMENT)
		return st;
	if (capwap_parse_control(pkt->payload, pkt->payload_len, &pkt->msg,
				 &pkt->bad))
		return CAPWAP_PARSE_MALFORMED;
	return CAPWAP_PARSE_OK;
}

void capwap_elem_iter_init(struct capwap_elem_iter *it,
			   const struct capwap_msg *msg)
{
	it->pos = msg->elems;
	it->end = msg->elems ? msg->elems + msg->elems_len : NULL;
}

/*
 * The message was validated by capwap_parse_control(), but the iterator
 * checks again so that a hand-made struct capwap_msg cannot overrun.
 */
bool capwap_elem_next(struct capwap_elem_iter *it, struct capwap_elem *e)
{
	size_t left;

	if (!it->pos || it->pos >= it->end)
		return false;
	left = it->end - it->pos;
	if (left < CAPWAP_ELEM_HDR_LEN)
		goto stop;
	e->type = get_unaligned_be16(it->pos);
	e->len = get_unaligned_be16(it->pos + 2);
	if (e->len > left - CAPWAP_ELEM_HDR_LEN)
		goto stop;
	e->val = it->pos + CAPWAP_ELEM_HDR_LEN;
	it->pos += CAPWAP_ELEM_HDR_LEN + e->len;
	return true;
stop:
	it->pos = it->end;
	return false;
}

/* First element of @type: 0, or -ENOENT. */
int capwap_find_elem(const struct capwap_msg *msg, u16 type,
		     struct capwap_elem *e)
{
	struct capwap_elem_iter it;

	capwap_for_each_elem(msg, it, *e)
		if (e->type == type)
			return 0;
	return -ENOENT;
}

/*
 * Mandatory elements of the base messages (RFC 5415 sections 5-9), without
 * the binding-specific ones.  An entry's high byte names an element that
 * may stand in for the low one (the IPv6 twin of an IPv4 address).
 */
#define ALT(v4, v6) ((v4) | (v6) << 8)
static const struct {
	u8 msg;
	u16 elems[6];
} mandatory[] = {
	{ CAPWAP_MSG_DISCOVERY_REQ,
	  { CAPWAP_ELEM_DISCOVERY_TYPE, CAPWAP_ELEM_WTP_BOARD_DATA,
	    CAPWAP_ELEM_WTP_DESCRIPTOR, CAPWAP_ELEM_WTP_FRAME_TUNNEL_MODE,
	    CAPWAP_ELEM_WTP_MAC_TYPE } },
	{ CAPWAP_MSG_DISCOVERY_RESP,
	  { CAPWAP_ELEM_AC_DESCRIPTOR, CAPWAP_ELEM_AC_NAME,
	    ALT(CAPWAP_ELEM_CONTROL_IPV4, CAPWAP_ELEM_CONTROL_IPV6) } },
	{ CAPWAP_MSG_JOIN_REQ,
	  { CAPWAP_ELEM_LOCATION_DATA, CAPWAP_ELEM_WTP_BOARD_DATA,
	    CAPWAP_ELEM_WTP_DESCRIPTOR, CAPWAP_ELEM_WTP_NAME,
	    CAPWAP_ELEM_SESSION_ID,
	    ALT(CAPWAP_ELEM_LOCAL_IPV4, CAPWAP_ELEM_LOCAL_IPV6) } },
	{ CAPWAP_MSG_JOIN_RESP,
	  { CAPWAP_ELEM_RESULT_CODE, CAPWAP_ELEM_AC_DESCRIPTOR,
	    CAPWAP_ELEM_AC_NAME,
	    ALT(CAPWAP_ELEM_CONTROL_IPV4, CAPWAP_ELEM_CONTROL_IPV6) } },
	{ CAPWAP_MSG_CONFIG_STATUS_REQ,
	  { CAPWAP_ELEM_AC_NAME, CAPWAP_ELEM_RADIO_ADMIN_STATE,
	    CAPWAP_ELEM_STATISTICS_TIMER, CAPWAP_ELEM_WTP_REBOOT_STATS } },
	{ CAPWAP_MSG_CONFIG_STATUS_RESP,
	  { CAPWAP_ELEM_TIMERS, CAPWAP_ELEM_DECRYPT_ERR_PERIOD,
	    CAPWAP_ELEM_IDLE_TIMEOUT, CAPWAP_ELEM_WTP_FALLBACK } },
	{ CAPWAP_MSG_CONFIG_UPDATE_RESP, { CAPWAP_ELEM_RESULT_CODE } },
	{ CAPWAP_MSG_CHANGE_STATE_REQ,
	  { CAPWAP_ELEM_RADIO_OPER_STATE, CAPWAP_ELEM_RESULT_CODE } },
};

static bool has_elem(const struct capwap_msg *msg, u16 type)
{
	struct capwap_elem e;

	return type && !capwap_find_elem(msg, type, &e);
}

/* 0, or -EINVAL with *bad = CAPWAP_LSC_BAD_MISSING_ELEMENT. */
int capwap_msg_check_mandatory(const struct capwap_msg *msg,
			       enum capwap_lsc_malformed *bad)
{
	unsigned int i, j;
	u16 want;

	for (i = 0; i < ARRAY_SIZE(mandatory); i++) {
		if (mandatory[i].msg != msg->type)
			continue;
		for (j = 0; j < ARRAY_SIZE(mandatory[i].elems); j++) {
			want = mandatory[i].elems[j];
			if (!want)
				break;
			if (has_elem(msg, want & 0xff) ||
			    has_elem(msg, want >> 8))
				continue;
			*bad = CAPWAP_LSC_BAD_MISSING_ELEMENT;
			return -EINVAL;
		}
	}
	return 0;
}

int capwap_parse_vsp(const struct capwap_elem *e, struct capwap_vsp *vsp)
{
	if (e->type != CAPWAP_ELEM_VENDOR_SPECIFIC ||
	    e->len < CAPWAP_VSP_HDR_LEN ||
	    e->len > CAPWAP_VSP_HDR_LEN + CAPWAP_VSP_MAX_DATA)
		return -EINVAL;
	vsp->vendor_id = get_unaligned_be32(e->val);
	vsp->elem_id = get_unaligned_be16(e->val + 4);
	vsp->data = e->val + CAPWAP_VSP_HDR_LEN;
	vsp->len = e->len - CAPWAP_VSP_HDR_LEN;
	return 0;
}

/*
 * RFC 5415 4.6.40: model and serial are mandatory, each sub-element type
 * at most once, sub-elements fill the element exactly.
 */
int capwap_parse_board_data(const struct capwap_elem *e,
			    struct capwap_board_data *bd)
{
	const u8 *p = e->val + 4, *end = e->val + e->len;
	u32 seen = 0;
	u16 type, len;

	if (e->type != CAPWAP_ELEM_WTP_BOARD_DATA || e->len < 4)
		return -EINVAL;
	memset(bd, 0, sizeof(*bd));
	bd->vendor_id = get_unaligned_be32(e->val);
	while (p < end) {
		if (end - p < 4)
			return -EINVAL;
		type = get_unaligned_be16(p);
		len = get_unaligned_be16(p + 2);
		p += 4;
		if (!len || len > (size_t)(end - p))
			return -EINVAL;
		if (type < 32) {
			if (seen & (1U << type))
				return -EINVAL;
			seen |= 1U << type;
		}
		switch (type) {
		case CAPWAP_BOARD_MODEL:
			bd->model = p;
			bd->model_len = len;
			break;
		case CAPWAP_BOARD_SERIAL:
			bd->serial = p;
			bd->serial_len = len;
			break;
		case CAPWAP_BOARD_BASE_MAC:
			if (len != 6)
				return -EINVAL;
			bd->base_mac = p;
			break;
		}
		p += len;
	}
	if (!bd->model || !bd->serial)
		return -EINVAL;
	return 0;
}

int capwap_elem_get_u8(const struct capwap_elem *e, u8 *v)
{
	if (e->len != 1)
		return -EINVAL;
	*v = e->val[0];
	return 0;
}

int capwap_elem_get_u32(const struct capwap_elem *e, u32 *v)
{
	if (e->len != 4)
		return -EINVAL;
	*v = get_unaligned_be32(e->val);
	return 0;
}

/* ---- Builder ------------------------------------------------------ */

static u8 *reserve(struct capwap_builder *b, size_t n)
{
	u8 *p;

	if (b->err)
		return NULL;
	if (n > b->size - b->len) {
		b->err = -ENOSPC;
		return NULL;
	}
	p = b->buf + b->len;
	b->len += n;
	return p;
}

void capwap_build_init(struct capwap_builder *b, u8 *buf, size_t size,
		       u32 msg_type, u8 seq)
{
	u8 *p;

	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->open = 0;
	b->err = 0;
	b->ctrl = CAPWAP_HDR_LEN;
	p = reserve(b, CAPWAP_HDR_LEN + CAPWAP_CTRL_HDR_LEN);
	if (!p)
		return;
	/* Preamble 0/0, HLEN 2 words, RID 0, WBID 802.11, no flags. */
	put_unaligned_be32(2U << 19 | CAPWAP_WBID_IEEE80211 << 9, p);
	put_unaligned_be32(0, p + 4);
	put_unaligned_be32(msg_type, p + 8);
	p[CAPWAP_HDR_LEN + CAPWAP_CTRL_SEQ_OFF] = seq;
	put_unaligned_be16(CAPWAP_CTRL_LEN_BIAS, p + 13);
	p[15] = 0;
}

void capwap_built_set_seq(u8 *pkt, u8 seq)
{
	unsigned int hlen = ((get_unaligned_be32(pkt) >> 19) & 0x1f) * 4;

	pkt[hlen + CAPWAP_CTRL_SEQ_OFF] = seq;
}

void capwap_build_set_radio(struct capwap_builder *b, u8 rid, u8 wbid)
{
	u32 w0;

	if (b->err)
		return;
	if (rid > 31 || wbid > 31) {
		b->err = -EINVAL;
		return;
	}
	w0 = get_unaligned_be32(b->buf);
	w0 &= ~((0x1fU << 14) | (0x1fU << 9));
	w0 |= (u32)rid << 14 | (u32)wbid << 9;
	put_unaligned_be32(w0, b->buf);
}

/* Total packet length, or a negative errno from any earlier step. */
int capwap_build_finish(struct capwap_builder *b)
{
	size_t mlen;

	if (b->err)
		return b->err;
	if (b->open)
		return -EINVAL;
	mlen = b->len - b->ctrl - 5;
	if (mlen > 0xffff)
		return -EMSGSIZE;
	put_unaligned_be16(mlen, b->buf + b->ctrl + 5);
	return b->len;
}

void capwap_elem_begin(struct capwap_builder *b, u16 type)
{
	size_t at = b->len;
	u8 *p;

	if (!b->err && b->open)
		b->err = -EINVAL;
	p = reserve(b, CAPWAP_ELEM_HDR_LEN);
	if (!p)
		return;
	put_unaligned_be16(type, p);
	put_unaligned_be16(0, p + 2);
	b->open = at;
}

void capwap_elem_end(struct capwap_builder *b)
{
	size_t vlen;

	if (b->err)
		return;
	if (!b->open) {
		b->err = -EINVAL;
		return;
	}
	vlen = b->len - b->open - CAPWAP_ELEM_HDR_LEN;
	if (vlen > 0xffff || b->len - b->ctrl - 5 > 0xffff) {
		b->err = -EMSGSIZE;
		return;
	}
	put_unaligned_be16(vlen, b->buf + b->open + 2);
	b->open = 0;
}

void capwap_put_u8(struct capwap_builder *b, u8 v)
{
	u8 *p = reserve(b, 1);

	if (p)
		*p = v;
}

void capwap_put_u16(struct capwap_builder *b, u16 v)
{
	u8 *p = reserve(b, 2);

	if (p)
		put_unaligned_be16(v, p);
}

void capwap_put_u32(struct capwap_builder *b, u32 v)
{
	u8 *p = reserve(b, 4);

	if (p)
		put_unaligned_be32(v, p);
}

void capwap_put_bytes(struct capwap_builder *b, const void *src, size_t len)
{
	u8 *p = reserve(b, len);

	if (p && len)
		memcpy(p, src, len);
}

void capwap_put_elem(struct capwap_builder *b, u16 type, const void *val,
		     size_t len)
{
	capwap_elem_begin(b, type);
	capwap_put_bytes(b, val, len);
	capwap_elem_end(b);
}

void capwap_put_elem_u8(struct capwap_builder *b, u16 type, u8 v)
{
	capwap_put_elem(b, type, &v, 1);
}

void capwap_put_elem_u16(struct capwap_builder *b, u16 type, u16 v)
{
	capwap_elem_begin(b, type);
	capwap_put_u16(b, v);
	capwap_elem_end(b);
}

void capwap_put_elem_u32(struct capwap_builder *b, u16 type, u32 v)
{
	capwap_elem_begin(b, type);
	capwap_put_u32(b, v);
	capwap_elem_end(b);
}

/* A string of 1..@max bytes, without its NUL; NULL counts as invalid. */
static size_t checked_strlen(struct capwap_builder *b, const char *s,
			     size_t max)
{
	size_t n = s ? strnlen(s, max + 1) : 0;

	if (!n || n > max) {
		if (!b->err)
			b->err = -EINVAL;
		return 0;
	}
	return n;
}

static void put_string_elem(struct capwap_builder *b, u16 type,
			    const char *s, size_t max)
{
	size_t n = checked_strlen(b, s, max);

	if (n)
		capwap_put_elem(b, type, s, n);
}

void capwap_put_result_code(struct capwap_builder *b, u32 code)
{
	capwap_put_elem_u32(b, CAPWAP_ELEM_RESULT_CODE, code);
}

/* A vendor sub-element as AC and WTP Descriptors carry them. */
static void put_version(struct capwap_builder *b, u32 vendor_id, u16 type,
			const char *s)
{
	size_t n = checked_strlen(b, s, 1024);

	if (!n)
		return;
	capwap_put_u32(b, vendor_id);
	capwap_put_u16(b, type);
	capwap_put_u16(b, n);
	capwap_put_bytes(b, s, n);
}

void capwap_put_ac_descriptor(struct capwap_builder *b,
			      const struct capwap_ac_descriptor *d)
{
	capwap_elem_begin(b, CAPWAP_ELEM_AC_DESCRIPTOR);
	capwap_put_u16(b, d->stations);
	capwap_put_u16(b, d->station_limit);
	capwap_put_u16(b, d->active_wtps);
	capwap_put_u16(b, d->max_wtps);
	capwap_put_u8(b, d->security);
	capwap_put_u8(b, d->rmac);
	capwap_put_u8(b, 0);
	capwap_put_u8(b, d->dtls_policy);
	/* AC Information types 4 and 5: hardware and software version. */
	put_version(b, d->vendor_id, 4, d->hw_version);
	put_version(b, d->vendor_id, 5, d->sw_version);
	capwap_elem_end(b);
}

void capwap_put_ac_name(struct capwap_builder *b, const char *name)
{
	put_string_elem(b, CAPWAP_ELEM_AC_NAME, name, CAPWAP_MAX_NAME_LEN);
}

/* @addr: 4 bytes in network order, as struct in_addr or __be32 hold it. */
void capwap_put_control_ipv4(struct capwap_builder *b, const void *addr,
			     u16 wtp_count)
{
	capwap_elem_begin(b, CAPWAP_ELEM_CONTROL_IPV4);
	capwap_put_bytes(b, addr, 4);
	capwap_put_u16(b, wtp_count);
	capwap_elem_end(b);
}

void capwap_put_vsp(struct capwap_builder *b, u32 vendor_id, u16 elem_id,
		    const void *data, size_t len)
{
	if (len > CAPWAP_VSP_MAX_DATA) {
		if (!b->err)
			b->err = -EMSGSIZE;
		return;
	}
	capwap_elem_begin(b, CAPWAP_ELEM_VENDOR_SPECIFIC);
	capwap_put_u32(b, vendor_id);
	capwap_put_u16(b, elem_id);
	capwap_put_bytes(b, data, len);
	capwap_elem_end(b);
}

void capwap_put_discovery_type(struct capwap_builder *b, u8 type)
{
	capwap_put_elem_u8(b, CAPWAP_ELEM_DISCOVERY_TYPE, type);
}

static void put_board_sub(struct capwap_builder *b, u16 type, const void *v,
			  size_t len)
{
	capwap_put_u16(b, type);
	capwap_put_u16(b, len);
	capwap_put_bytes(b, v, len);
}

void capwap_put_board_data(struct capwap_builder *b, u32 vendor_id,
			   const char *model, const char *serial,
			   const u8 *base_mac)
{
	size_t ml = checked_strlen(b, model, 1024);
	size_t sl = checked_strlen(b, serial, 1024);

	if (!ml || !sl)
		return;
	capwap_elem_begin(b, CAPWAP_ELEM_WTP_BOARD_DATA);
	capwap_put_u32(b, vendor_id);
	put_board_sub(b, CAPWAP_BOARD_MODEL, model, ml);
	put_board_sub(b, CAPWAP_BOARD_SERIAL, serial, sl);
	if (base_mac)
		put_board_sub(b, CAPWAP_BOARD_BASE_MAC, base_mac, 6);
	capwap_elem_end(b);
}

void capwap_put_wtp_descriptor(struct capwap_builder *b,
			       const struct capwap_wtp_descriptor *d)
{
	capwap_elem_begin(b, CAPWAP_ELEM_WTP_DESCRIPTOR);
	capwap_put_u8(b, d->max_radios);
	capwap_put_u8(b, d->radios_in_use);
	/* One encryption sub-element: 802.11, no capabilities of our own. */
	capwap_put_u8(b, 1);
	capwap_put_u8(b, CAPWAP_WBID_IEEE80211);
	capwap_put_u16(b, 0);
	/* Descriptor types 0, 1, 2: hardware, software and boot version. */
	put_version(b, d->vendor_id, 0, d->hw_version);
	put_version(b, d->vendor_id, 1, d->sw_version);
	put_version(b, d->vendor_id, 2, d->boot_version);
	capwap_elem_end(b);
}

void capwap_put_frame_tunnel_mode(struct capwap_builder *b, u8 modes)
{
	capwap_put_elem_u8(b, CAPWAP_ELEM_WTP_FRAME_TUNNEL_MODE, modes);
}

void capwap_put_mac_type(struct capwap_builder *b, u8 type)
{
	capwap_put_elem_u8(b, CAPWAP_ELEM_WTP_MAC_TYPE, type);
}

void capwap_put_location(struct capwap_builder *b, const char *location)
{
	put_string_elem(b, CAPWAP_ELEM_LOCATION_DATA, location,
			CAPWAP_MAX_LOCATION_LEN);
}

void capwap_put_wtp_name(struct capwap_builder *b, const char *name)
{
	put_string_elem(b, CAPWAP_ELEM_WTP_NAME, name, CAPWAP_MAX_NAME_LEN);
}

void capwap_put_session_id(struct capwap_builder *b, const u8 *id)
{
	capwap_put_elem(b, CAPWAP_ELEM_SESSION_ID, id, CAPWAP_SESSION_ID_LEN);
}

void capwap_put_local_ipv4(struct capwap_builder *b, const void *addr)
{
	capwap_put_elem(b, CAPWAP_ELEM_LOCAL_IPV4, addr, 4);
}

void capwap_put_radio_admin_state(struct capwap_builder *b, u8 radio_id,
				  u8 state)
{
	capwap_elem_begin(b, CAPWAP_ELEM_RADIO_ADMIN_STATE);
	capwap_put_u8(b, radio_id);
	capwap_put_u8(b, state);
	capwap_elem_end(b);
}

void capwap_put_radio_oper_state(struct capwap_builder *b, u8 radio_id,
				 u8 state, u8 cause)
{
	capwap_elem_begin(b, CAPWAP_ELEM_RADIO_OPER_STATE);
	capwap_put_u8(b, radio_id);
	capwap_put_u8(b, state);
	capwap_put_u8(b, cause);
	capwap_elem_end(b);
}

void capwap_put_ecn_support(struct capwap_builder *b, u8 ecn)
{
	capwap_put_elem_u8(b, CAPWAP_ELEM_ECN_SUPPORT, ecn);
}

void capwap_put_wtp_radio_info(struct capwap_builder *b, u8 radio_id,
			       u32 radio_type)
{
	capwap_elem_begin(b, CAPWAP_ELEM_IEEE80211_WTP_RADIO_INFO);
	capwap_put_u8(b, radio_id);
	capwap_put_u32(b, radio_type);
	capwap_elem_end(b);
}

void capwap_put_statistics_timer(struct capwap_builder *b, u16 seconds)
{
	capwap_put_elem_u16(b, CAPWAP_ELEM_STATISTICS_TIMER, seconds);
}

void capwap_put_reboot_stats(struct capwap_builder *b,
			     const struct capwap_reboot_stats *s)
{
	capwap_elem_begin(b, CAPWAP_ELEM_WTP_REBOOT_STATS);
	capwap_put_u16(b, s->reboots);
	capwap_put_u16(b, s->ac_initiated);
	capwap_put_u16(b, s->link_failures);
	capwap_put_u16(b, s->sw_failures);
	capwap_put_u16(b, s->hw_failures);
	capwap_put_u16(b, s->other_failures);
	capwap_put_u16(b, s->unknown_failures);
	capwap_put_u8(b, s->last_failure);
	capwap_elem_end(b);
}

void capwap_put_timers(struct capwap_builder *b, u8 discovery, u8 echo)
{
	capwap_elem_begin(b, CAPWAP_ELEM_TIMERS);
	capwap_put_u8(b, discovery);
	capwap_put_u8(b, echo);
	capwap_elem_end(b);
}

void capwap_put_decrypt_err_period(struct capwap_builder *b, u8 radio_id,
				   u16 seconds)
{
	capwap_elem_begin(b, CAPWAP_ELEM_DECRYPT_ERR_PERIOD);
	capwap_put_u8(b, radio_id);
	capwap_put_u16(b, seconds);
	capwap_elem_end(b);
}

void capwap_put_idle_timeout(struct capwap_builder *b, u32 seconds)
{
	capwap_put_elem_u32(b, CAPWAP_ELEM_IDLE_TIMEOUT, seconds);
}

void capwap_put_wtp_fallback(struct capwap_builder *b, u8 mode)
{
	capwap_put_elem_u8(b, CAPWAP_ELEM_WTP_FALLBACK, mode);
}

static const char *const msg_names[__CAPWAP_MSG_MAX] = {
	[CAPWAP_MSG_DISCOVERY_REQ] = "discovery-request",
	[CAPWAP_MSG_DISCOVERY_RESP] = "discovery-response",
	[CAPWAP_MSG_JOIN_REQ] = "join-request",
	[CAPWAP_MSG_JOIN_RESP] = "join-response",
	[CAPWAP_MSG_CONFIG_STATUS_REQ] = "configuration-status-request",
	[CAPWAP_MSG_CONFIG_STATUS_RESP] = "configuration-status-response",
	[CAPWAP_MSG_CONFIG_UPDATE_REQ] = "configuration-update-request",
	[CAPWAP_MSG_CONFIG_UPDATE_RESP] = "configuration-update-response",
	[CAPWAP_MSG_WTP_EVENT_REQ] = "wtp-event-request",
	[CAPWAP_MSG_WTP_EVENT_RESP] = "wtp-event-response",
	[CAPWAP_MSG_CHANGE_STATE_REQ] = "change-state-event-request",
	[CAPWAP_MSG_CHANGE_STATE_RESP] = "change-state-event-response",
	[CAPWAP_MSG_ECHO_REQ] = "echo-request",
	[CAPWAP_MSG_ECHO_RESP] = "echo-response",
	[CAPWAP_MSG_IMAGE_DATA_REQ] = "image-data-request",
	[CAPWAP_MSG_IMAGE_DATA_RESP] = "image-data-response",
	[CAPWAP_MSG_RESET_REQ] = "reset-request",
	[CAPWAP_MSG_RESET_RESP] = "reset-response",
	[CAPWAP_MSG_PRIMARY_DISCOVERY_REQ] = "primary-discovery-request",
	[CAPWAP_MSG_PRIMARY_DISCOVERY_RESP] = "primary-discovery-response",
	[CAPWAP_MSG_DATA_TRANSFER_REQ] = "data-transfer-request",
	[CAPWAP_MSG_DATA_TRANSFER_RESP] = "data-transfer-response",
	[CAPWAP_MSG_CLEAR_CONFIG_REQ] = "clear-configuration-request",
	[CAPWAP_MSG_CLEAR_CONFIG_RESP] = "clear-configuration-response",
	[CAPWAP_MSG_STATION_CONFIG_REQ] = "station-configuration-request",
	[CAPWAP_MSG_STATION_CONFIG_RESP] = "station-configuration-response",
};

/* For logs and the CLI: a stable name, "unknown" outside RFC 5415. */
const char *capwap_msg_name(u32 type)
{
	if (type < __CAPWAP_MSG_MAX && msg_names[type])
		return msg_names[type];
	return "unknown";
}

static const char *const malformed_names[__CAPWAP_LSC_BAD_MAX] = {
	[CAPWAP_LSC_BAD_TRUNCATED] = "truncated",
	[CAPWAP_LSC_BAD_VERSION] = "version",
	[CAPWAP_LSC_BAD_HEADER] = "header",
	[CAPWAP_LSC_BAD_FLAGS] = "flags",
	[CAPWAP_LSC_BAD_FRAGMENT] = "fragment",
	[CAPWAP_LSC_BAD_CONTROL_HEADER] = "control-header",
	[CAPWAP_LSC_BAD_ELEMENT] = "element",
	[CAPWAP_LSC_BAD_MISSING_ELEMENT] = "missing-element",
	[CAPWAP_LSC_BAD_VENDOR_PAYLOAD] = "vendor-payload",
	[CAPWAP_LSC_BAD_UNEXPECTED] = "unexpected",
	[CAPWAP_LSC_BAD_DTLS] = "dtls",
};

const char *capwap_malformed_name(enum capwap_lsc_malformed why)
{
	if ((unsigned int)why < __CAPWAP_LSC_BAD_MAX && malformed_names[why])
		return malformed_names[why];
	return "unknown";
}
