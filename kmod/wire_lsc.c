// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The LSC exchange, carried in CAPWAP Vendor Specific Payload elements
 * under a configurable vendor id.  docs/PROTOCOL.md is the byte-level
 * description; this file must stay in step with it.
 *
 * Decoders return 0 (or a length), -ENOENT when the message lacks the
 * element, -EINVAL when it is malformed (the caller counts that as
 * CAPWAP_LSC_BAD_VENDOR_PAYLOAD) and -EMSGSIZE when the caller's buffer
 * is too small.
 */
#include "wire.h"

#define CERT_INFO_LEN		4
#define CERT_PARAMS_FIXED	10
#define STATUS_FIXED		2

/*
 * Reason and subject strings end up in sysfs, logs and the CLI: accept
 * well-formed UTF-8 only, without control characters (so no NUL either).
 */
bool capwap_lsc_text_valid(const u8 *s, size_t len)
{
	size_t i = 0, n, k;
	u32 cp, min;

	while (i < len) {
		u8 c = s[i];

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		if (n > len - i - 1)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp < 0xa0))
			return false;
		i += n + 1;
	}
	return true;
}

static void set_err(struct capwap_builder *b, int err)
{
	if (!b->err)
		b->err = err;
}

static void vsp_begin(struct capwap_builder *b, u32 vendor_id, u16 elem_id)
{
	capwap_elem_begin(b, CAPWAP_ELEM_VENDOR_SPECIFIC);
	capwap_put_u32(b, vendor_id);
	capwap_put_u16(b, elem_id);
}

void capwap_lsc_put_cert_info(struct capwap_builder *b, u32 vendor_id,
			      const struct capwap_lsc_cert_info *ci)
{
	if (ci->cert_type >= __CAPWAP_LSC_CERT_MAX ||
	    ci->ap_mode >= __CAPWAP_LSC_MODE_MAX) {
		set_err(b, -EINVAL);
		return;
	}
	vsp_begin(b, vendor_id, CAPWAP_LSC_VSP_CERT_INFO);
	capwap_put_u8(b, ci->cert_type);
	capwap_put_u8(b, ci->ap_mode);
	capwap_put_u16(b, 0);
	capwap_elem_end(b);
}

static bool key_valid(u8 type, u16 bits)
{
	switch (type) {
	case CAPWAP_LSC_KEY_RSA:
		return (bits >= CAPWAP_LSC_RSA_MIN_BITS && bits <= 2048) ||
		       bits == 3072 || bits == CAPWAP_LSC_RSA_MAX_BITS;
	case CAPWAP_LSC_KEY_EC:
		return bits == 256 || bits == 384;
	}
	return false;
}

static bool subject_valid(const u8 *s, size_t len)
{
	return len && len <= CAPWAP_LSC_MAX_SUBJECT_LEN &&
	       capwap_lsc_text_valid(s, len);
}

/* PKCS#9 bounds a challengePassword to 255 characters; we count bytes. */
static bool challenge_valid(const u8 *s, size_t len)
{
	return len && len <= CAPWAP_LSC_MAX_CHALLENGE_LEN &&
	       capwap_lsc_text_valid(s, len);
}

void capwap_lsc_put_cert_params(struct capwap_builder *b, u32 vendor_id,
				const struct capwap_lsc_cert_params *p)
{
	unsigned int i;

	if (!key_valid(p->key_type, p->key_bits) ||
	    (p->flags & ~__CAPWAP_LSC_PARAMS_ALL)) {
		set_err(b, -EINVAL);
		return;
	}
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++) {
		if (p->subject[i] &&
		    !subject_valid(p->subject[i], p->subject_len[i])) {
			set_err(b, -EINVAL);
			return;
		}
	}
	if (p->challenge && !challenge_valid(p->challenge, p->challenge_len)) {
		set_err(b, -EINVAL);
		return;
	}
	vsp_begin(b, vendor_id, CAPWAP_LSC_VSP_CERT_PARAMS);
	capwap_put_u8(b, p->key_type);
	capwap_put_u8(b, p->attempts_left);
	capwap_put_u16(b, p->key_bits);
	capwap_put_u32(b, p->validity_days);
	capwap_put_u8(b, p->flags);
	capwap_put_u8(b, 0);
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++) {
		if (!p->subject[i])
			continue;
		capwap_put_u8(b, i);
		capwap_put_u8(b, p->subject_len[i]);
		capwap_put_bytes(b, p->subject[i], p->subject_len[i]);
	}
	if (p->challenge) {
		capwap_put_u8(b, CAPWAP_LSC_PARAMS_CHALLENGE);
		capwap_put_u8(b, p->challenge_len);
		capwap_put_bytes(b, p->challenge, p->challenge_len);
	}
	capwap_elem_end(b);
}

void capwap_lsc_put_status(struct capwap_builder *b, u32 vendor_id,
			   u16 elem_id, const struct capwap_lsc_status *s)
{
	u8 state = s->state;

	if (elem_id == CAPWAP_LSC_VSP_INSTALL_RESULT)
		state = 0;
	else if (elem_id != CAPWAP_LSC_VSP_LSC_STATUS ||
		 state >= __CAPWAP_LSC_AP_STATE_MAX)
		goto inval;
	if (s->result >= __CAPWAP_LSC_RESULT_MAX ||
	    s->reason_len > CAPWAP_LSC_MAX_REASON_LEN ||
	    (s->reason_len && !capwap_lsc_text_valid(s->reason, s->reason_len)))
		goto inval;
	vsp_begin(b, vendor_id, elem_id);
	capwap_put_u8(b, s->result);
	capwap_put_u8(b, state);
	capwap_put_bytes(b, s->reason, s->reason_len);
	capwap_elem_end(b);
	return;
inval:
	set_err(b, -EINVAL);
}

/*
 * Large objects go out as consecutive chunks in ascending offset order,
 * which is also the only order the decoder accepts.
 */
void capwap_lsc_put_object(struct capwap_builder *b, u32 vendor_id,
			   u16 elem_id, u8 index, u8 count,
			   const u8 *data, size_t len)
{
	size_t off = 0, n;

	if (!count || index >= count || !len || len > 0xffff) {
		set_err(b, -EINVAL);
		return;
	}
	while (off < len) {
		n = len - off;
		if (n > CAPWAP_LSC_CHUNK_MAX)
			n = CAPWAP_LSC_CHUNK_MAX;
		vsp_begin(b, vendor_id, elem_id);
		capwap_put_u8(b, index);
		capwap_put_u8(b, count);
		capwap_put_u16(b, len);
		capwap_put_u16(b, off);
		capwap_put_bytes(b, data + off, n);
		capwap_elem_end(b);
		off += n;
	}
}

/*
 * Next VSP of (@vendor_id, @elem_id): 1 found, 0 at the end, -EINVAL for
 * a Vendor Specific Payload element of any vendor that is malformed.
 */
static int next_vsp(struct capwap_elem_iter *it, u32 vendor_id, u16 elem_id,
		    struct capwap_vsp *v)
{
	struct capwap_elem e;

	while (capwap_elem_next(it, &e)) {
		if (e.type != CAPWAP_ELEM_VENDOR_SPECIFIC)
			continue;
		if (capwap_parse_vsp(&e, v))
			return -EINVAL;
		if (v->vendor_id == vendor_id && v->elem_id == elem_id)
			return 1;
	}
	return 0;
}

/* Elements that are not chunked appear at most once. */
static int find_one(const struct capwap_msg *msg, u32 vendor_id,
		    u16 elem_id, struct capwap_vsp *v)
{
	struct capwap_elem_iter it;
	struct capwap_vsp dup;
	int ret;

	capwap_elem_iter_init(&it, msg);
	ret = next_vsp(&it, vendor_id, elem_id, v);
	if (ret <= 0)
		return ret ? ret : -ENOENT;
	ret = next_vsp(&it, vendor_id, elem_id, &dup);
	if (ret)
		return -EINVAL;
	return 0;
}

bool capwap_lsc_has_elem(const struct capwap_msg *msg, u32 vendor_id,
			 u16 elem_id)
{
	struct capwap_elem_iter it;
	struct capwap_vsp v;

	capwap_elem_iter_init(&it, msg);
	return next_vsp(&it, vendor_id, elem_id, &v) > 0;
}

static int decode_cert_info(const struct capwap_vsp *v,
			    struct capwap_lsc_cert_info *ci)
{
	if (v->len != CERT_INFO_LEN || v->data[0] >= __CAPWAP_LSC_CERT_MAX ||
	    v->data[1] >= __CAPWAP_LSC_MODE_MAX ||
	    get_unaligned_be16(v->data + 2))
		return -EINVAL;
	ci->cert_type = v->data[0];
	ci->ap_mode = v->data[1];
	return 0;
}

int capwap_lsc_get_cert_info(const struct capwap_msg *msg, u32 vendor_id,
			     struct capwap_lsc_cert_info *ci)
{
	struct capwap_vsp v;
	int ret;

	ret = find_one(msg, vendor_id, CAPWAP_LSC_VSP_CERT_INFO, &v);
	return ret ? ret : decode_cert_info(&v, ci);
}

static int decode_cert_params(const struct capwap_vsp *v,
			      struct capwap_lsc_cert_params *p)
{
	const u8 *q, *end;
	u8 id, len;

	if (v->len < CERT_PARAMS_FIXED)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->key_type = v->data[0];
	p->attempts_left = v->data[1];
	p->key_bits = get_unaligned_be16(v->data + 2);
	p->validity_days = get_unaligned_be32(v->data + 4);
	p->flags = v->data[8];
	if (!key_valid(p->key_type, p->key_bits) ||
	    (p->flags & ~__CAPWAP_LSC_PARAMS_ALL) || v->data[9])
		return -EINVAL;
	q = v->data + CERT_PARAMS_FIXED;
	end = v->data + v->len;
	while (q < end) {
		if (end - q < 2)
			return -EINVAL;
		id = q[0];
		len = q[1];
		q += 2;
		if (len > end - q)
			return -EINVAL;
		if (id == CAPWAP_LSC_PARAMS_CHALLENGE) {
			if (p->challenge || !challenge_valid(q, len))
				return -EINVAL;
			p->challenge = q;
			p->challenge_len = len;
			q += len;
			continue;
		}
		if (!id || id > CAPWAP_LSC_SUBJ_A_MAX || p->subject[id] ||
		    !subject_valid(q, len))
			return -EINVAL;
		p->subject[id] = q;
		p->subject_len[id] = len;
		q += len;
	}
	return 0;
}

int capwap_lsc_get_cert_params(const struct capwap_msg *msg, u32 vendor_id,
			       struct capwap_lsc_cert_params *p)
{
	struct capwap_vsp v;
	int ret;

	ret = find_one(msg, vendor_id, CAPWAP_LSC_VSP_CERT_PARAMS, &v);
	return ret ? ret : decode_cert_params(&v, p);
}

static int decode_status(const struct capwap_vsp *v,
			 struct capwap_lsc_status *s)
{
	if (v->len < STATUS_FIXED ||
	    v->len - STATUS_FIXED > CAPWAP_LSC_MAX_REASON_LEN ||
	    v->data[0] >= __CAPWAP_LSC_RESULT_MAX)
		return -EINVAL;
	if (v->elem_id == CAPWAP_LSC_VSP_INSTALL_RESULT ? v->data[1] :
	    v->data[1] >= __CAPWAP_LSC_AP_STATE_MAX)
		return -EINVAL;
	s->result = v->data[0];
	s->state = v->data[1];
	s->reason = v->data + STATUS_FIXED;
	s->reason_len = v->len - STATUS_FIXED;
	if (!capwap_lsc_text_valid(s->reason, s->reason_len))
		return -EINVAL;
	return 0;
}

int capwap_lsc_get_status(const struct capwap_msg *msg, u32 vendor_id,
			  u16 elem_id, struct capwap_lsc_status *s)
{
	struct capwap_vsp v;
	int ret;

	if (elem_id != CAPWAP_LSC_VSP_INSTALL_RESULT &&
	    elem_id != CAPWAP_LSC_VSP_LSC_STATUS)
		return -EINVAL;
	ret = find_one(msg, vendor_id, elem_id, &v);
	return ret ? ret : decode_status(&v, s);
}

struct chunk {
	u8 index;
	u8 count;
	u16 total;
	u16 off;
	u16 len;
	const u8 *data;
};

/* Checks that hold for a chunk on its own, whatever object it is part of. */
static int parse_chunk(const struct capwap_vsp *v, struct chunk *c)
{
	if (v->len <= CAPWAP_LSC_CHUNK_HDR_LEN)
		return -EINVAL;
	c->index = v->data[0];
	c->count = v->data[1];
	c->total = get_unaligned_be16(v->data + 2);
	c->off = get_unaligned_be16(v->data + 4);
	c->len = v->len - CAPWAP_LSC_CHUNK_HDR_LEN;
	c->data = v->data + CAPWAP_LSC_CHUNK_HDR_LEN;
	/*
	 * The count bounds the work of every later pass over the chunks, so
	 * it is checked here, before anything trusts it.
	 */
	if (!c->count || c->count > CAPWAP_LSC_MAX_OBJECTS ||
	    c->index >= c->count || (size_t)c->off + c->len > c->total)
		return -EINVAL;
	return 0;
}

/* Objects in the message, from the chunks' agreeing count field. */
int capwap_lsc_object_count(const struct capwap_msg *msg, u32 vendor_id,
			    u16 elem_id)
{
	struct capwap_elem_iter it;
	struct capwap_vsp v;
	struct chunk c;
	int count = -ENOENT, ret;

	capwap_elem_iter_init(&it, msg);
	while ((ret = next_vsp(&it, vendor_id, elem_id, &v)) > 0) {
		if (parse_chunk(&v, &c))
			return -EINVAL;
		if (count > 0 && c.count != count)
			return -EINVAL;
		count = c.count;
	}
	return ret ? ret : count;
}

/*
 * Reassembles object @index into @out and returns its length; with @out
 * NULL it only checks the object.  Its chunks must be in order and
 * contiguous, which rules out gaps and overlaps without any bookkeeping
 * beyond the running length.
 */
int capwap_lsc_get_object(const struct capwap_msg *msg, u32 vendor_id,
			  u16 elem_id, u8 index, u8 *out, size_t size)
{
	struct capwap_elem_iter it;
	struct capwap_vsp v;
	struct chunk c;
	size_t got = 0;
	int count = 0, total = -1, ret;

	capwap_elem_iter_init(&it, msg);
	while ((ret = next_vsp(&it, vendor_id, elem_id, &v)) > 0) {
		if (parse_chunk(&v, &c))
			return -EINVAL;
		if (count && c.count != count)
			return -EINVAL;
		count = c.count;
		if (c.index != index)
			continue;
		if (total >= 0 && c.total != total)
			return -EINVAL;
		total = c.total;
		if (c.off != got)
			return -EINVAL;
		if (out) {
			if (c.len > size - got)
				return -EMSGSIZE;
			memcpy(out + got, c.data, c.len);
		}
		got += c.len;
	}
	if (ret)
		return ret;
	if (total < 0)
		return count && index < count ? -EINVAL : -ENOENT;
	if (got != (size_t)total)
		return -EINVAL;
	return got;
}

/* The CAPWAP message each LSC element travels in (docs/PROTOCOL.md). */
static const u8 lsc_carrier[__CAPWAP_LSC_VSP_MAX] = {
	[CAPWAP_LSC_VSP_CERT_INFO] = CAPWAP_MSG_JOIN_REQ,
	[CAPWAP_LSC_VSP_AP_CERT] = CAPWAP_MSG_JOIN_REQ,
	[CAPWAP_LSC_VSP_CERT_PARAMS] = CAPWAP_MSG_CONFIG_UPDATE_REQ,
	[CAPWAP_LSC_VSP_CERT_REQUEST] = CAPWAP_MSG_WTP_EVENT_REQ,
	[CAPWAP_LSC_VSP_CA_CERT] = CAPWAP_MSG_CONFIG_UPDATE_REQ,
	[CAPWAP_LSC_VSP_DEVICE_CERT] = CAPWAP_MSG_CONFIG_UPDATE_REQ,
	[CAPWAP_LSC_VSP_INSTALL_RESULT] = CAPWAP_MSG_WTP_EVENT_REQ,
	[CAPWAP_LSC_VSP_LSC_STATUS] = CAPWAP_MSG_CONFIG_UPDATE_REQ,
};

/* What the single validation pass knows of one chunked element id. */
struct objs_seen {
	u8 count;			/* 0: no chunk met yet */
	u16 total[CAPWAP_LSC_MAX_OBJECTS];
	u16 got[CAPWAP_LSC_MAX_OBJECTS];
};

/* The rules of capwap_lsc_get_object(), applied one chunk at a time. */
static int check_chunk(struct objs_seen *o, const struct capwap_vsp *v)
{
	struct chunk c;

	if (parse_chunk(v, &c) || (o->count && c.count != o->count))
		return -EINVAL;
	o->count = c.count;
	if (!o->got[c.index])
		o->total[c.index] = c.total;
	else if (c.total != o->total[c.index])
		return -EINVAL;
	if (c.off != o->got[c.index])
		return -EINVAL;
	o->got[c.index] += c.len;
	return 0;
}

static int check_single(const struct capwap_vsp *v)
{
	struct capwap_lsc_cert_params params;
	struct capwap_lsc_cert_info info;
	struct capwap_lsc_status status;

	switch (v->elem_id) {
	case CAPWAP_LSC_VSP_CERT_INFO:
		return decode_cert_info(v, &info);
	case CAPWAP_LSC_VSP_CERT_PARAMS:
		return decode_cert_params(v, &params);
	default:
		return decode_status(v, &status);
	}
}

static bool is_chunked(u16 id)
{
	return id == CAPWAP_LSC_VSP_AP_CERT ||
	       id == CAPWAP_LSC_VSP_CERT_REQUEST ||
	       id == CAPWAP_LSC_VSP_CA_CERT ||
	       id == CAPWAP_LSC_VSP_DEVICE_CERT;
}

/*
 * Checks every LSC element of @msg in one pass over its elements (this
 * runs in softirq for any sender, before its session is looked up), so
 * that the state machine can then decode them without meeting a
 * malformed one: 0, or -EINVAL with *bad set (CAPWAP_LSC_BAD_UNEXPECTED
 * for an element in a message that must not carry it).
 */
int capwap_lsc_validate(const struct capwap_msg *msg, u32 vendor_id,
			enum capwap_lsc_malformed *bad)
{
	struct objs_seen objs[__CAPWAP_LSC_VSP_MAX];
	struct capwap_elem_iter it;
	struct capwap_elem e;
	struct capwap_vsp v;
	u32 seen = 0;
	u16 id;
	u8 i;

	memset(objs, 0, sizeof(objs));
	capwap_for_each_elem(msg, it, e) {
		if (e.type != CAPWAP_ELEM_VENDOR_SPECIFIC)
			continue;
		if (capwap_parse_vsp(&e, &v))
			goto malformed;
		if (v.vendor_id != vendor_id)
			continue;
		if (!v.elem_id || v.elem_id >= __CAPWAP_LSC_VSP_MAX)
			goto malformed;
		if (lsc_carrier[v.elem_id] != msg->type) {
			*bad = CAPWAP_LSC_BAD_UNEXPECTED;
			return -EINVAL;
		}
		if (is_chunked(v.elem_id)) {
			if (check_chunk(&objs[v.elem_id], &v))
				goto malformed;
		} else if ((seen & (1U << v.elem_id)) || check_single(&v)) {
			goto malformed;
		}
		seen |= 1U << v.elem_id;
	}
	/* Every object announced is there, and whole. */
	for (id = 1; id < __CAPWAP_LSC_VSP_MAX; id++)
		for (i = 0; i < objs[id].count; i++)
			if (!objs[id].got[i] ||
			    objs[id].got[i] != objs[id].total[i])
				goto malformed;
	return 0;
malformed:
	*bad = CAPWAP_LSC_BAD_VENDOR_PAYLOAD;
	return -EINVAL;
}
