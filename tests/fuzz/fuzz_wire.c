// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness for the CAPWAP wire code, built from the same
 * kmod/wire*.c the kernel module uses (tests/fuzz/run).
 *
 * An input is a sequence of records, each a big-endian u16 length and
 * that many bytes of UDP payload, so one input can carry the fragments
 * of a message.  Every datagram goes through the parser; fragments are
 * fed to one reassembly context; every complete message goes through
 * every element decoder.  Beyond "no crash" the harness checks
 * properties the kernel relies on:
 *   - a message the LSC validator accepts decodes without error;
 *   - a parsed message rebuilt element by element is byte-identical;
 *   - that message fragmented and reassembled comes back unchanged.
 * Every datagram also goes through the DTLS side (kmod/wire_dtls.c): the
 * CAPWAP DTLS header, every record in it, and, when it has the length of
 * one, the key block, with these properties:
 *   - a DTLS 1.2 record header rebuilt from its fields is byte-identical;
 *   - a record's sequence number, once authenticated, is a replay;
 *   - a key block that parses is written back byte for byte, and its
 *     cipher has a key length;
 *   - a GCM record's nonce carries its explicit part as sent;
 *   - a CBC body that passes its length check is IV, whole blocks and
 *     MAC, its additional data ends with its IV, and padding taken off
 *     its bytes (as if decrypted) leaves content of the length the last
 *     byte says;
 *   - a ClientHello's cookie lies inside its record, and the
 *     HelloVerifyRequest the kernel would answer with is one record of
 *     DTLS 1.0 whose cookie, read back, is that cookie.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "wire_dtls.h"

#define VENDOR CAPWAP_LSC_DEFAULT_VENDOR_ID

static struct capwap_reasm reasm, reasm2;
static u8 reasm_buf[CAPWAP_REASM_MAX_LEN], reasm2_buf[CAPWAP_REASM_MAX_LEN];
static u8 object[65536];
static u8 rebuilt[70000];
static u8 frag[70000];

static void decode_lsc(const struct capwap_msg *msg)
{
	enum capwap_lsc_malformed bad;
	struct capwap_lsc_cert_params params;
	struct capwap_lsc_cert_info info;
	struct capwap_lsc_status status;
	bool valid = !capwap_lsc_validate(msg, VENDOR, &bad);
	int id, i, n, ret, len;

	for (id = 1; id < __CAPWAP_LSC_VSP_MAX; id++) {
		switch (id) {
		case CAPWAP_LSC_VSP_CERT_INFO:
			ret = capwap_lsc_get_cert_info(msg, VENDOR, &info);
			break;
		case CAPWAP_LSC_VSP_CERT_PARAMS:
			ret = capwap_lsc_get_cert_params(msg, VENDOR, &params);
			for (i = 1; !ret && i <= CAPWAP_LSC_SUBJ_A_MAX; i++)
				if (params.subject[i] &&
				    !capwap_lsc_text_valid(params.subject[i],
							   params.subject_len[i]))
					abort();
			break;
		case CAPWAP_LSC_VSP_INSTALL_RESULT:
		case CAPWAP_LSC_VSP_LSC_STATUS:
			ret = capwap_lsc_get_status(msg, VENDOR, id, &status);
			break;
		default:
			ret = n = capwap_lsc_object_count(msg, VENDOR, id);
			for (i = 0; i < n; i++) {
				len = capwap_lsc_get_object(msg, VENDOR, id, i,
							    object,
							    sizeof(object));
				if (len != capwap_lsc_get_object(msg, VENDOR,
								 id, i, NULL, 0))
					abort();
				if (len < 0)
					ret = len;
			}
			if (ret > 0)
				ret = 0;
			break;
		}
		if (valid && ret && ret != -ENOENT)
			abort();
	}
}

static void check_roundtrip(const struct capwap_msg *msg, const u8 *payload,
			    size_t len)
{
	enum capwap_lsc_malformed bad;
	struct capwap_fragmenter f;
	struct capwap_elem_iter it;
	struct capwap_builder b;
	struct capwap_header h;
	struct capwap_elem e;
	enum capwap_reasm_status st = CAPWAP_REASM_MORE;
	int total, n;

	capwap_build_init(&b, rebuilt, sizeof(rebuilt), msg->type, msg->seq);
	capwap_for_each_elem(msg, it, e)
		capwap_put_elem(&b, e.type, e.val, e.len);
	total = capwap_build_finish(&b);
	if (total != (int)(CAPWAP_HDR_LEN + len) ||
	    memcmp(rebuilt + CAPWAP_HDR_LEN, payload, len))
		abort();
	if (len > CAPWAP_REASM_MAX_LEN)
		return;

	/* An MTU from the sequence number, so the fuzzer can vary it. */
	if (capwap_frag_init(&f, rebuilt, total, 16 + msg->seq * 8, msg->seq))
		abort();
	capwap_reasm_init(&reasm2, reasm2_buf, sizeof(reasm2_buf));
	while ((n = capwap_frag_next(&f, frag, sizeof(frag))) > 0) {
		if (capwap_parse_header(frag, n, &h, &bad) == CAPWAP_PARSE_OK)
			st = n == total ? CAPWAP_REASM_DONE : CAPWAP_REASM_BAD;
		else
			st = capwap_reasm_add(&reasm2, &h, frag + h.hlen,
					      n - h.hlen, 0, &bad);
		if (st == CAPWAP_REASM_BAD)
			abort();
	}
	if (n < 0 || st != CAPWAP_REASM_DONE)
		abort();
	if (f.whole)
		return;
	if (reasm2.total != len || memcmp(reasm2.buf, payload, len))
		abort();
}

static void check_msg(const struct capwap_msg *msg, const u8 *payload,
		      size_t len)
{
	enum capwap_lsc_malformed bad;
	struct capwap_board_data bd;
	struct capwap_elem_iter it;
	struct capwap_elem e;
	struct capwap_vsp v;
	u32 u32v;
	u8 u8v;

	capwap_for_each_elem(msg, it, e) {
		switch (e.type) {
		case CAPWAP_ELEM_VENDOR_SPECIFIC:
			capwap_parse_vsp(&e, &v);
			break;
		case CAPWAP_ELEM_WTP_BOARD_DATA:
			if (!capwap_parse_board_data(&e, &bd) &&
			    (!bd.model_len || !bd.serial_len))
				abort();
			break;
		default:
			capwap_elem_get_u32(&e, &u32v);
			capwap_elem_get_u8(&e, &u8v);
		}
	}
	capwap_msg_check_mandatory(msg, &bad);
	decode_lsc(msg);
	check_roundtrip(msg, payload, len);
}

static void check_cbc_record(const struct capwap_dtls_record *r)
{
	u8 ad[CAPWAP_DTLS_CBC_AD_LEN];
	const u8 *ct;
	int clen, n;

	clen = capwap_dtls_cbc_cipher_len(r);
	if (clen < 0)
		return;
	if (clen < CAPWAP_DTLS_CBC_BLOCK || clen % CAPWAP_DTLS_CBC_BLOCK ||
	    clen + CAPWAP_DTLS_CBC_IV_LEN + CAPWAP_DTLS_CBC_MAC_LEN != r->len)
		abort();
	capwap_dtls_cbc_ad(ad, r, r->body, clen);
	if (get_unaligned_be16(ad + 11) != clen + CAPWAP_DTLS_CBC_IV_LEN ||
	    memcmp(ad + CAPWAP_DTLS_AAD_LEN, r->body, CAPWAP_DTLS_CBC_IV_LEN))
		abort();
	/* The kernel unpads decrypted bytes; hostile ones stand in here. */
	ct = r->body + CAPWAP_DTLS_CBC_IV_LEN;
	n = capwap_dtls_cbc_unpad(ct, clen);
	if (n >= 0 && (n >= clen || ct[clen - 1] != clen - 1 - n))
		abort();
}

static void check_client_hello(const struct capwap_dtls_record *r)
{
	u8 hvr[CAPWAP_DTLS_HVR_MAX_LEN];
	struct capwap_dtls_record back;
	struct capwap_dtls_hello h;
	const u8 *p = hvr;
	size_t left;
	int n;

	if (capwap_dtls_parse_client_hello(r, &h))
		return;
	if (h.cookie + h.cookie_len > r->body + r->len)
		abort();
	n = capwap_dtls_put_hello_verify(hvr, sizeof(hvr), r, h.cookie,
					 h.cookie_len);
	if (n < 0)
		abort();
	left = n;
	if (capwap_dtls_next_record(&p, &left, &back) != 1 || left ||
	    back.type != CAPWAP_DTLS_CT_HANDSHAKE ||
	    back.version != CAPWAP_DTLS_VERSION_1_0 ||
	    back.epoch != r->epoch || back.seq != r->seq ||
	    back.body[0] != CAPWAP_DTLS_HS_HELLO_VERIFY_REQUEST ||
	    back.body[CAPWAP_DTLS_HS_HDR_LEN + 2] != h.cookie_len ||
	    memcmp(back.body + CAPWAP_DTLS_HS_HDR_LEN + 3, h.cookie,
		   h.cookie_len))
		abort();
}

static void check_dtls_record(const struct capwap_dtls_record *r,
			      struct capwap_dtls_replay *w)
{
	static const u8 salt[CAPWAP_DTLS_GCM_SALT_LEN] = { 1, 2, 3, 4 };
	u8 hdr[CAPWAP_DTLS_REC_HDR_LEN], aad[CAPWAP_DTLS_AAD_LEN];
	u8 nonce[CAPWAP_DTLS_GCM_NONCE_LEN];
	int plain;

	if (r->version == CAPWAP_DTLS_VERSION_1_2 &&
	    (capwap_dtls_put_record_header(hdr, r->type, r->epoch, r->seq,
					   r->len) != CAPWAP_DTLS_REC_HDR_LEN ||
	     memcmp(hdr, r->hdr, sizeof(hdr))))
		abort();
	plain = capwap_dtls_gcm_plain_len(r);
	if (plain >= 0) {
		if (plain + CAPWAP_DTLS_GCM_OVERHEAD != r->len)
			abort();
		capwap_dtls_aad(aad, r, plain);
		/* The explicit nonce the kernel reads off the record's body. */
		capwap_dtls_gcm_nonce(nonce, salt, r->body);
		if (memcmp(nonce + CAPWAP_DTLS_GCM_SALT_LEN, r->body,
			   CAPWAP_DTLS_GCM_EXPLICIT_LEN))
			abort();
	}
	check_cbc_record(r);
	check_client_hello(r);
	if (!capwap_dtls_replay_check(w, r->seq)) {
		capwap_dtls_replay_update(w, r->seq);
		if (capwap_dtls_replay_check(w, r->seq) != -EALREADY)
			abort();
	}
}

static void one_dtls(const u8 *p, size_t len)
{
	struct capwap_dtls_replay w;
	struct capwap_dtls_keys k;
	struct capwap_dtls_record r;
	u8 back[CAPWAP_DTLS_KEYS_LEN];
	size_t left;
	int off;

	if (len == CAPWAP_DTLS_KEYS_LEN && !capwap_dtls_keys_parse(p, len, &k) &&
	    (capwap_dtls_keys_put(&k, back, sizeof(back)) != (int)len ||
	     memcmp(back, p, len) || capwap_dtls_cipher_key_len(k.cipher) <= 0))
		abort();
	off = capwap_dtls_parse_header(p, len);
	if (off < 0)
		return;
	p += off;
	left = len - off;
	capwap_dtls_replay_init(&w, len > 8 ? get_unaligned_be32(p) : 0);
	while (capwap_dtls_next_record(&p, &left, &r) == 1)
		check_dtls_record(&r, &w);
}

static void one_datagram(const u8 *p, size_t len, u64 now)
{
	enum capwap_lsc_malformed bad;
	struct capwap_packet pkt;
	struct capwap_msg msg;

	switch (capwap_parse(p, len, &pkt)) {
	case CAPWAP_PARSE_OK:
		check_msg(&pkt.msg, pkt.payload, pkt.payload_len);
		break;
	case CAPWAP_PARSE_FRAGMENT:
		if (capwap_reasm_add(&reasm, &pkt.hdr, pkt.payload,
				     pkt.payload_len, now, &bad) ==
		    CAPWAP_REASM_DONE &&
		    !capwap_parse_control(reasm.buf, reasm.total, &msg, &bad))
			check_msg(&msg, reasm.buf, reasm.total);
		break;
	default:
		break;
	}
	one_dtls(p, len);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u64 now = 0;
	size_t len;
	u8 *copy;

	capwap_reasm_init(&reasm, reasm_buf, sizeof(reasm_buf));
	while (size >= 2) {
		len = get_unaligned_be16(data);
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		/* An exact-size copy, so ASan sees any read past the end. */
		copy = malloc(len ? len : 1);
		if (!copy)
			return 0;
		memcpy(copy, data, len);
		one_datagram(copy, len, now);
		free(copy);
		data += len;
		size -= len;
		capwap_reasm_expire(&reasm, ++now, 64);
	}
	return 0;
}
