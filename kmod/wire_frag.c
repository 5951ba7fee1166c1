// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * CAPWAP fragmentation and reassembly (RFC 5415 section 3.4).
 *
 * Reassembly tracks 8-byte units in a bitmap: fragment offsets count such
 * units and every fragment but the last is a whole number of them, so a
 * unit is either wholly received or not at all.  That makes overlaps
 * exact to detect without keeping a list of ranges.
 */
#include "wire.h"

int capwap_frag_init(struct capwap_fragmenter *f, const u8 *pkt, size_t len,
		     size_t mtu, u16 frag_id)
{
	size_t hlen;

	memset(f, 0, sizeof(*f));
	if (len < CAPWAP_HDR_LEN)
		return -EINVAL;
	hlen = ((get_unaligned_be32(pkt) >> 19) & 0x1f) * 4;
	if (hlen < CAPWAP_HDR_LEN || hlen >= len ||
	    (get_unaligned_be32(pkt) & CAPWAP_F_F))
		return -EINVAL;
	f->pkt = pkt;
	f->hlen = hlen;
	f->payload_len = len - hlen;
	f->frag_id = frag_id;
	if (len <= mtu) {
		f->whole = true;
		return 0;
	}
	if (mtu < hlen + 8)
		return -EINVAL;
	f->chunk = (mtu - hlen) & ~(size_t)7;
	/* The last fragment's offset must fit the 13-bit field. */
	if ((f->payload_len - 1) / f->chunk * f->chunk > 0x1fff * 8)
		return -EMSGSIZE;
	return 0;
}

/* Writes the next datagram to @out: its length, 0 when done, or -errno. */
int capwap_frag_next(struct capwap_fragmenter *f, u8 *out, size_t size)
{
	size_t n;
	u32 w0;

	if (f->done || !f->pkt)
		return 0;
	if (f->whole) {
		n = f->hlen + f->payload_len;
		if (n > size)
			return -ENOSPC;
		memcpy(out, f->pkt, n);
		f->done = true;
		return n;
	}
	n = f->payload_len - f->off;
	if (n > f->chunk)
		n = f->chunk;
	if (f->hlen + n > size)
		return -ENOSPC;
	memcpy(out, f->pkt, f->hlen);
	w0 = get_unaligned_be32(out) | CAPWAP_F_F;
	if (f->off + n == f->payload_len)
		w0 |= CAPWAP_F_L;
	put_unaligned_be32(w0, out);
	put_unaligned_be32((u32)f->frag_id << 16 | (u32)(f->off / 8) << 3,
			   out + 4);
	memcpy(out + f->hlen, f->pkt + f->hlen + f->off, n);
	f->off += n;
	if (f->off == f->payload_len)
		f->done = true;
	return f->hlen + n;
}

/* @buf of @cap bytes, kept by resets; the caller frees it. */
void capwap_reasm_init(struct capwap_reasm *r, u8 *buf, size_t cap)
{
	r->buf = buf;
	r->cap = cap;
	capwap_reasm_reset(r);
}

void capwap_reasm_reset(struct capwap_reasm *r)
{
	r->active = false;
	r->have_last = false;
	r->total = 0;
	r->units = 0;
	r->high = 0;
	memset(r->map, 0, sizeof(r->map));
}

static bool unit_set(const struct capwap_reasm *r, size_t u)
{
	return r->map[u / 8] & (1U << (u % 8));
}

static enum capwap_reasm_status reasm_bad(struct capwap_reasm *r,
					  enum capwap_lsc_malformed *bad)
{
	capwap_reasm_reset(r);
	*bad = CAPWAP_LSC_BAD_FRAGMENT;
	return CAPWAP_REASM_BAD;
}

/* The bytes of message a fragment reaches to, which ->buf must hold. */
size_t capwap_reasm_extent(const struct capwap_header *hdr, size_t len)
{
	return (size_t)hdr->frag_off + len;
}

/*
 * Adds one fragment (header from capwap_parse_header(), payload after it).
 * A fragment with a new fragment ID abandons the message in progress: a
 * sender has one request outstanding, so the old one is not coming back.
 * An exact repeat of a fragment (a retransmitted message) is ignored; any
 * other overlap drops the whole message.
 */
enum capwap_reasm_status capwap_reasm_add(struct capwap_reasm *r,
					  const struct capwap_header *hdr,
					  const u8 *payload, size_t len,
					  u64 now,
					  enum capwap_lsc_malformed *bad)
{
	bool last = hdr->flags & CAPWAP_F_L;
	size_t off = hdr->frag_off, end = off + len;
	size_t u, u0 = off / 8, u1 = (end + 7) / 8, have = 0;

	if (!(hdr->flags & CAPWAP_F_F) || !len ||
	    end > CAPWAP_REASM_MAX_LEN || (!last && len % 8) || end > r->cap)
		return reasm_bad(r, bad);
	if (r->active && r->frag_id != hdr->frag_id)
		capwap_reasm_reset(r);
	if (!r->active) {
		r->active = true;
		r->frag_id = hdr->frag_id;
		r->started = now;
	}
	if (last && r->have_last && r->total != end)
		return reasm_bad(r, bad);
	if (last && r->high > end)
		return reasm_bad(r, bad);
	if (!last && r->have_last && end > r->total)
		return reasm_bad(r, bad);

	for (u = u0; u < u1; u++)
		have += unit_set(r, u);
	if (have == u1 - u0) {
		if (memcmp(r->buf + off, payload, len))
			return reasm_bad(r, bad);
		return CAPWAP_REASM_MORE;
	}
	if (have)
		return reasm_bad(r, bad);

	for (u = u0; u < u1; u++)
		r->map[u / 8] |= 1U << (u % 8);
	memcpy(r->buf + off, payload, len);
	r->units += u1 - u0;
	if (end > r->high)
		r->high = end;
	if (last) {
		r->have_last = true;
		r->total = end;
	}
	if (r->have_last && r->units == (r->total + 7) / 8) {
		/* ->buf and ->total stay valid until the next add or reset. */
		r->active = false;
		r->have_last = false;
		r->units = 0;
		r->high = 0;
		memset(r->map, 0, sizeof(r->map));
		return CAPWAP_REASM_DONE;
	}
	return CAPWAP_REASM_MORE;
}

/* Drops a message whose first fragment is older than @timeout. */
bool capwap_reasm_expire(struct capwap_reasm *r, u64 now, u64 timeout)
{
	if (!r->active || now - r->started <= timeout)
		return false;
	capwap_reasm_reset(r);
	return true;
}
