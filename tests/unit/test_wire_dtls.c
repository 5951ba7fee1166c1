// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of kmod/wire_dtls.c in userspace: the CAPWAP DTLS header
 * (RFC 5415 section 4.2), DTLS 1.2 record headers (RFC 6347 section
 * 4.1), the AES-GCM nonce and additional data (RFC 5288 section 3, RFC
 * 5246 section 6.2.3.3), the lengths, additional data and padding of
 * AES-CBC records with encrypt-then-MAC (RFC 7366, RFC 5246 section
 * 6.2.3.2), the replay window (RFC 6347 section 4.1.2.6)
 * the key block (docs/PROTOCOL.md section 6.4), and the ClientHello's
 * cookie and HelloVerifyRequest of the cookie exchange (RFC 6347 section
 * 4.2.1).  The expected bytes
 * are written out by hand from those layouts, fields separated by ':'.
 * test_dtls_handover holds the same code to what OpenSSL does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "tap.h"
#include "wire_dtls.h"

static u8 buf[512], want[512];

static size_t unhex(const char *hex, u8 *out)
{
	int n = lsc_hex_decode(out, 512, hex);

	if (n < 0) {
		fprintf(stderr, "bad hex in test: %s\n", hex);
		exit(2);
	}
	return n;
}

static const char *capwap_header(void)
{
	size_t n;

	n = unhex("01:000000:16fefd", buf);
	CHECK(capwap_dtls_parse_header(buf, n) == 4, "type 1 refused");
	/* RFC 5415 4.2: receivers ignore the reserved bits. */
	n = unhex("01:ffffff", buf);
	CHECK(capwap_dtls_parse_header(buf, n) == 4, "reserved bits refused");
	n = unhex("00:000000", buf);
	CHECK(capwap_dtls_parse_header(buf, n) == -EPROTO,
	      "clear-text preamble taken for DTLS");
	n = unhex("11:000000", buf);
	CHECK(capwap_dtls_parse_header(buf, n) == -EPROTO,
	      "CAPWAP version 1 accepted");
	n = unhex("01:0000", buf);
	CHECK(capwap_dtls_parse_header(buf, n) == -EBADMSG,
	      "3-byte header accepted");
	memset(buf, 0xee, 8);
	capwap_dtls_put_header(buf);
	n = unhex("01:000000", want);
	CHECK(!memcmp(buf, want, n) && buf[4] == 0xee,
	      "built header is not 01 00 00 00");
	return NULL;
}

/* Two records in one datagram, the second with a 48-bit sequence number
 * whose every byte differs, so a swapped byte shows.
 */
static const char *records_two(void)
{
	struct capwap_dtls_record r;
	const u8 *p = buf;
	size_t left;

	left = unhex("16:fefd:0000:000000000001:0003:aabbcc"
		     "17:fefd:0001:a1a2a3a4a5a6:0002:ddee", buf);
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 1, "first refused");
	CHECK(r.type == 22 && r.version == 0xfefd && r.epoch == 0 &&
	      r.seq == 1 && r.len == 3 && r.body == buf + 13 &&
	      r.hdr == buf && r.body[0] == 0xaa, "first record misread");
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 1, "second refused");
	CHECK(r.type == 23 && r.epoch == 1 && r.seq == 0xa1a2a3a4a5a6ULL &&
	      r.len == 2 && r.body == buf + 29 && r.body[1] == 0xee,
	      "second record misread: epoch %u seq %llx len %u", r.epoch,
	      (unsigned long long)r.seq, r.len);
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 0 && !left,
	      "no end after two records");
	return NULL;
}

static const struct {
	const char *name;
	const char *hex;
	int err;		/* of the last record */
} record_cases[] = {
	{ "empty_body", "17:fefd:0001:000000000000:0000", 1 },
	{ "body_to_the_end", "17:fefd:0001:000000000000:0001:ff", 1 },
	{ "header_12_bytes", "17:fefd:0001:000000000000:00", -ENODATA },
	{ "type_19", "13:fefd:0001:000000000000:0000", -EBADMSG },
	{ "type_24", "18:fefd:0001:000000000000:0000", -EBADMSG },
	{ "dtls10_epoch0_hello", "16:feff:0000:000000000000:0000", 1 },
	{ "dtls10_epoch1", "17:feff:0001:000000000000:0000", -EPROTONOSUPPORT },
	{ "tls12_version", "17:0303:0001:000000000000:0000", -EPROTONOSUPPORT },
	{ "dtls13_version", "17:fefc:0001:000000000000:0000", -EPROTONOSUPPORT },
	{ "length_past_end", "17:fefd:0001:000000000000:0002:ff", -EMSGSIZE },
	{ "second_past_end", "17:fefd:0001:000000000000:0000"
			     "17:fefd:0001:000000000001:0001", -EMSGSIZE },
	{ "body_over_2^14+2048", "17:fefd:0001:000000000000:4801", -E2BIG },
};

/* A ClientHello of DTLS 1.2 in one record, message_seq 1, cookie aabbcc. */
#define HELLO_RANDOM "000102030405060708090a0b0c0d0e0f" \
		     "101112131415161718191a1b1c1d1e1f"
#define HELLO_RECORD(rec_len, hs, body) \
	"16:fefd:0000:000000000005:" rec_len ":" hs ":" body
#define HELLO_BODY(sid, cookie) \
	"fefd:" HELLO_RANDOM ":" sid ":" cookie ":0002:c02b:01:00"

static const char *client_hello(void)
{
	struct capwap_dtls_record r;
	struct capwap_dtls_hello h;
	const u8 *p = buf;
	size_t left;

	left = unhex(HELLO_RECORD("0039", "01:00002d:0001:000000:00002d",
				  HELLO_BODY("00", "03:aabbcc")), buf);
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 1, "record refused");
	CHECK(!capwap_dtls_parse_client_hello(&r, &h), "ClientHello refused");
	CHECK(h.msg_seq == 1 && h.client_version == 0xfefd &&
	      h.cookie_len == 3 && h.cookie == buf + 13 + 12 + 35 + 1 &&
	      h.cookie[0] == 0xaa && h.cookie[2] == 0xcc,
	      "misread: seq %u version %04x cookie %u bytes at %td", h.msg_seq,
	      h.client_version, h.cookie_len, h.cookie - buf);
	return NULL;
}

static const struct {
	const char *name;
	const char *hex;
	int err;
} hello_cases[] = {
	{ "empty_cookie", HELLO_RECORD("0036", "01:00002a:0000:000000:00002a",
				       HELLO_BODY("00", "00")), 0 },
	{ "session_id_32", HELLO_RECORD("0059", "01:00004d:0000:000000:00004d",
					HELLO_BODY("20:" HELLO_RANDOM, "03:aabbcc")), 0 },
	{ "session_id_33", HELLO_RECORD("005a", "01:00004e:0000:000000:00004e",
					HELLO_BODY("21:" HELLO_RANDOM "20", "03:aabbcc")),
	  -EBADMSG },
	{ "server_hello", HELLO_RECORD("0039", "02:00002d:0001:000000:00002d",
				       HELLO_BODY("00", "03:aabbcc")), -ENOMSG },
	{ "fragment", HELLO_RECORD("0039", "01:00002d:0001:000000:00002c",
				   HELLO_BODY("00", "03:aabbcc")), -ENOMSG },
	{ "second_fragment", HELLO_RECORD("0039", "01:00002d:0001:000001:00002d",
					  HELLO_BODY("00", "03:aabbcc")), -ENOMSG },
	{ "epoch_1", "16:fefd:0001:000000000005:000c:01:000000:0000:000000:000000",
	  -ENOMSG },
	{ "message_past_record", HELLO_RECORD("0039", "01:00002e:0001:000000:00002e",
					      HELLO_BODY("00", "03:aabbcc")),
	  -EBADMSG },
	{ "cookie_past_message", HELLO_RECORD("0033", "01:000027:0001:000000:000027",
					      "fefd:" HELLO_RANDOM ":00:04:aabbcc"),
	  -EBADMSG },
	{ "no_session_id_byte", HELLO_RECORD("002e", "01:000022:0001:000000:000022",
					     "fefd:" HELLO_RANDOM), -EBADMSG },
	{ "header_short", "16:fefd:0000:000000000000:000b:01:000000:0000:000000:0000",
	  -ENOMSG },
};

static const char *client_hello_table(void)
{
	struct capwap_dtls_record r;
	struct capwap_dtls_hello h;
	const u8 *p;
	size_t i, left;
	int ret;

	for (i = 0; i < ARRAY_SIZE(hello_cases); i++) {
		p = buf;
		left = unhex(hello_cases[i].hex, buf);
		CHECK(capwap_dtls_next_record(&p, &left, &r) == 1,
		      "%s: not a record", hello_cases[i].name);
		ret = capwap_dtls_parse_client_hello(&r, &h);
		CHECK(ret == hello_cases[i].err, "%s: got %d, want %d",
		      hello_cases[i].name, ret, hello_cases[i].err);
	}
	return NULL;
}

/*
 * RFC 6347 4.2.1: the HelloVerifyRequest repeats the ClientHello's record
 * sequence number; record and server_version DTLS 1.0, message_seq 0.
 */
static const char *hello_verify_build(void)
{
	struct capwap_dtls_record r;
	struct capwap_dtls_hello h;
	const u8 *p = buf;
	u8 out[64];
	size_t left, n;
	int ret;

	left = unhex(HELLO_RECORD("0039", "01:00002d:0001:000000:00002d",
				  HELLO_BODY("00", "03:aabbcc")), buf);
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 1 &&
	      !capwap_dtls_parse_client_hello(&r, &h), "ClientHello refused");
	memset(out, 0xee, sizeof(out));
	ret = capwap_dtls_put_hello_verify(out, sizeof(out), &r, h.cookie,
					   h.cookie_len);
	n = unhex("16:feff:0000:000000000005:0012:03:000006:0000:000000:000006:"
		  "feff:03:aabbcc", want);
	CHECK(ret == (int)n && !memcmp(out, want, n) && out[n] == 0xee,
	      "HelloVerifyRequest: %d bytes, want %zu", ret, n);
	CHECK(capwap_dtls_put_hello_verify(out, n - 1, &r, h.cookie,
					   h.cookie_len) == -ENOSPC,
	      "a buffer one byte short taken");
	return NULL;
}

/*
 * Which secret a cookie's first byte names, as the kernel and lscd both
 * ask: the current generation, the one before only when it exists, and
 * across the byte's wrap from 255 to 0.
 */
static const char *cookie_secret_choice(void)
{
	static const struct {
		u8 cookie_gen, gen;
		bool have_prev;
		int want;
	} c[] = {
		{ 5, 5, true, 0 },	{ 4, 5, true, 1 },
		{ 4, 5, false, -1 },	{ 3, 5, true, -1 },
		{ 6, 5, true, -1 },	{ 0, 0, false, 0 },
		{ 255, 0, false, -1 },	{ 255, 0, true, 1 },
		{ 0, 255, true, -1 },	{ 254, 255, true, 1 },
	};
	size_t i;
	int got;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		got = capwap_dtls_cookie_secret(c[i].cookie_gen, c[i].gen,
						c[i].have_prev);
		CHECK(got == c[i].want, "cookie of %u, current %u%s: %d, want %d",
		      c[i].cookie_gen, c[i].gen,
		      c[i].have_prev ? " and the one before" : " alone", got,
		      c[i].want);
	}
	return NULL;
}

/* What lscd and the kernel compute a cookie over. */
static const char *cookie_addr(void)
{
	static const u8 ip4[4] = { 192, 0, 2, 10 }, port[2] = { 0x14, 0x7e };
	static const u8 ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	u8 out[19];
	size_t n;

	CHECK(capwap_dtls_cookie_addr(out, ip4, 4, port) == 7, "IPv4 length");
	n = unhex("04:c000020a:147e", want);
	CHECK(!memcmp(out, want, n), "IPv4 bytes");
	CHECK(capwap_dtls_cookie_addr(out, ip6, 16, port) == 19, "IPv6 length");
	n = unhex("06:20010db8000000000000000000000001:147e", want);
	CHECK(!memcmp(out, want, n), "IPv6 bytes");
	return NULL;
}

static const char *records_table(void)
{
	struct capwap_dtls_record r;
	const u8 *p;
	size_t i, left;
	int ret;

	for (i = 0; i < TAP_COUNT(record_cases); i++) {
		p = buf;
		left = unhex(record_cases[i].hex, buf);
		while ((ret = capwap_dtls_next_record(&p, &left, &r)) == 1 &&
		       left)
			;
		CHECK(ret == record_cases[i].err, "%s: %d, not %d",
		      record_cases[i].name, ret, record_cases[i].err);
		/* After a refusal nothing more is read from the datagram. */
		CHECK(ret == 1 || (!left &&
				   !capwap_dtls_next_record(&p, &left, &r)),
		      "%s: records after a refusal", record_cases[i].name);
	}
	return NULL;
}

static const char *record_build(void)
{
	struct capwap_dtls_record r;
	const u8 *p = buf;
	size_t n, left;

	n = unhex("17:fefd:0001:0000deadbeef:0123", want);
	CHECK(capwap_dtls_put_record_header(buf, 23, 1, 0xdeadbeef, 0x123) ==
	      13 && !memcmp(buf, want, n), "built header differs");
	CHECK(capwap_dtls_put_record_header(buf, 23, 0xffff,
					    CAPWAP_DTLS_SEQ_MAX, 0) == 13,
	      "highest sequence number refused");
	left = 13;
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 1 &&
	      r.epoch == 0xffff && r.seq == 0xffffffffffffULL,
	      "highest sequence number misread");
	CHECK(capwap_dtls_put_record_header(buf, 23, 1,
					    CAPWAP_DTLS_SEQ_MAX + 1, 0) ==
	      -ERANGE, "sequence number of 49 bits taken");
	CHECK(capwap_dtls_put_record_header(buf, 23, 1, 0,
					    CAPWAP_DTLS_MAX_BODY + 1) == -E2BIG,
	      "body over 2^14+2048 taken");
	return NULL;
}

/* RFC 5288 3: salt (client/server_write_IV) then the explicit nonce. */
static const char *gcm_nonce(void)
{
	u8 salt[4], expl[8], nonce[12];

	unhex("01:02:03:04", salt);
	unhex("a0:a1:a2:a3:a4:a5:a6:a7", expl);
	capwap_dtls_gcm_nonce(nonce, salt, expl);
	unhex("01020304:a0a1a2a3a4a5a6a7", want);
	CHECK(!memcmp(nonce, want, 12), "nonce is not salt || explicit");
	return NULL;
}

/*
 * RFC 5246 6.2.3.3: additional_data = seq_num + type + version + length,
 * with RFC 6347's seq_num = epoch (2) || sequence_number (6), and the
 * plaintext's length, not the record's.
 */
static const char *gcm_aad(void)
{
	struct capwap_dtls_record r;
	const u8 *p = buf;
	size_t left;
	u8 aad[13];
	int plain;

	left = unhex("17:fefd:0001:a1a2a3a4a5a6:0020", buf);
	memset(buf + left, 0x55, 0x20);
	left += 0x20;
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 1, "record refused");
	plain = capwap_dtls_gcm_plain_len(&r);
	CHECK(plain == 0x20 - 24, "plaintext length %d, not 8", plain);
	capwap_dtls_aad(aad, &r, plain);
	unhex("0001:a1a2a3a4a5a6:17:fefd:0008", want);
	CHECK(!memcmp(aad, want, 13), "additional data differs");
	r.len = 23;
	CHECK(capwap_dtls_gcm_plain_len(&r) == -EBADMSG,
	      "body shorter than nonce and tag taken");
	r.len = 24;
	CHECK(capwap_dtls_gcm_plain_len(&r) == 0, "empty plaintext refused");
	return NULL;
}

/*
 * A CBC body is IV (16) || ciphertext || MAC (20), the ciphertext whole
 * blocks and at least one: anything else is refused from its length
 * alone, before a byte of it is read.
 */
static const struct {
	const char *name;
	u16 len;
	int want;
} cbc_len_cases[] = {
	{ "empty", 0, -EBADMSG },
	{ "iv_and_mac_only", 36, -EBADMSG },
	{ "one_byte_short_of_a_block", 51, -EBADMSG },
	{ "one_block", 52, 16 },
	{ "one_block_and_a_byte", 53, -EBADMSG },
	{ "two_blocks_less_a_byte", 67, -EBADMSG },
	{ "two_blocks", 68, 32 },
	{ "largest_body", 16 + 18384 + 20, 18384 },
};

static const char *cbc_lengths(void)
{
	struct capwap_dtls_record r = { 0 };
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(cbc_len_cases); i++) {
		r.len = cbc_len_cases[i].len;
		n = capwap_dtls_cbc_cipher_len(&r);
		CHECK(n == cbc_len_cases[i].want, "%s: body %u gives %d, not %d",
		      cbc_len_cases[i].name, r.len, n, cbc_len_cases[i].want);
	}
	return NULL;
}

/*
 * RFC 7366 section 3: MAC(seq_num + type + version + length + IV +
 * ciphertext), the length that of IV and ciphertext (not of the MAC).
 */
static const char *cbc_ad(void)
{
	struct capwap_dtls_record r;
	const u8 *p = buf;
	size_t left;
	u8 ad[CAPWAP_DTLS_CBC_AD_LEN];
	int clen;

	left = unhex("17:fefd:0001:a1a2a3a4a5a6:0044", buf);
	unhex("000102030405060708090a0b0c0d0e0f", buf + left);
	memset(buf + left + 16, 0x55, 0x44 - 16);
	left += 0x44;
	CHECK(capwap_dtls_next_record(&p, &left, &r) == 1, "record refused");
	clen = capwap_dtls_cbc_cipher_len(&r);
	CHECK(clen == 32, "ciphertext length %d, not 32", clen);
	memset(ad, 0xee, sizeof(ad));
	capwap_dtls_cbc_ad(ad, &r, r.body, clen);
	unhex("0001:a1a2a3a4a5a6:17:fefd:0030:000102030405060708090a0b0c0d0e0f",
	      want);
	CHECK(!memcmp(ad, want, CAPWAP_DTLS_CBC_AD_LEN),
	      "additional data differs");
	return NULL;
}

/* RFC 5246 6.2.3.2: padding_length + 1 bytes of value padding_length. */
static const char *cbc_pad(void)
{
	static const struct {
		size_t len, padded;
		u8 value;
	} c[] = {
		{ 0, 16, 15 }, { 1, 16, 14 }, { 15, 16, 0 }, { 16, 32, 15 },
		{ 17, 32, 14 }, { 31, 32, 0 }, { 9000, 9008, 7 },
	};
	static u8 p[9100];
	size_t i, j;
	int n;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		memset(p, 0xaa, sizeof(p));
		n = capwap_dtls_cbc_pad(p, c[i].len);
		CHECK(n == (int)c[i].padded, "%zu bytes padded to %d, not %zu",
		      c[i].len, n, c[i].padded);
		for (j = c[i].len; j < c[i].padded; j++)
			CHECK(p[j] == c[i].value, "%zu bytes: padding byte %zu is %u",
			      c[i].len, j, p[j]);
		CHECK(p[c[i].padded] == 0xaa, "%zu bytes: written past the padding",
		      c[i].len);
		CHECK(capwap_dtls_cbc_unpad(p, n) == (int)c[i].len,
		      "%zu bytes: padding not removed", c[i].len);
	}
	return NULL;
}

/* Only well-formed padding comes off; everything else is -EBADMSG. */
static const struct {
	const char *name;
	const char *hex;	/* the decrypted blocks */
	int want;
} unpad_cases[] = {
	{ "one_byte_of_padding", "41414141414141414141414141414100", 15 },
	{ "whole_block_of_padding", "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", 0 },
	{ "three_bytes", "4141414141414141414141414102:0202", 13 },
	{ "length_past_the_start", "1010101010101010101010101010:1010", -EBADMSG },
	{ "length_255_in_one_block", "414141414141414141414141414141ff", -EBADMSG },
	{ "a_padding_byte_differs", "4141414141414141414141414103:0203", -EBADMSG },
	{ "two_bytes", "4141414141414141414141414141:0101", 14 },
	{ "padding_byte_zero_inside", "4141414141414141414141410003:0303", -EBADMSG },
	{ "not_a_whole_block", "4141414141414141414141414141:00", -EBADMSG },
	{ "empty", "", -EBADMSG },
};

static const char *cbc_unpad(void)
{
	static u8 p[512];
	size_t i, n;
	int got;

	for (i = 0; i < ARRAY_SIZE(unpad_cases); i++) {
		n = unhex(unpad_cases[i].hex, p);
		got = capwap_dtls_cbc_unpad(p, n);
		CHECK(got == unpad_cases[i].want, "%s: %d, not %d",
		      unpad_cases[i].name, got, unpad_cases[i].want);
	}
	/* The longest padding there is: 256 bytes of 0xff. */
	memset(p, 0xff, 256);
	CHECK(capwap_dtls_cbc_unpad(p, 256) == 0, "256 bytes of 255 refused");
	p[0] = 0xfe;
	CHECK(capwap_dtls_cbc_unpad(p, 256) == -EBADMSG,
	      "256 bytes of padding with its first byte wrong taken");
	return NULL;
}

static const char *replay_fresh(void)
{
	struct capwap_dtls_replay w;

	capwap_dtls_replay_init(&w, 0);
	CHECK(!capwap_dtls_replay_check(&w, 0), "seq 0 refused when fresh");
	/* A record that fails to authenticate leaves the window alone. */
	CHECK(!capwap_dtls_replay_check(&w, 0), "check moved the window");
	capwap_dtls_replay_update(&w, 0);
	CHECK(capwap_dtls_replay_check(&w, 0) == -EALREADY, "0 replayed");
	CHECK(!capwap_dtls_replay_check(&w, 2), "2 refused");
	capwap_dtls_replay_update(&w, 2);
	CHECK(!capwap_dtls_replay_check(&w, 1), "1 (reordered) refused");
	capwap_dtls_replay_update(&w, 1);
	CHECK(capwap_dtls_replay_check(&w, 1) == -EALREADY, "1 replayed");
	CHECK(capwap_dtls_replay_check(&w, 2) == -EALREADY, "2 replayed");
	return NULL;
}

static const char *replay_edges(void)
{
	struct capwap_dtls_replay w;

	capwap_dtls_replay_init(&w, 0);
	capwap_dtls_replay_update(&w, 100);
	/* The window holds 100 and the 63 below it: 37..100. */
	CHECK(capwap_dtls_replay_check(&w, 36) == -ERANGE, "36 not too old");
	CHECK(!capwap_dtls_replay_check(&w, 37), "37 (left edge) refused");
	capwap_dtls_replay_update(&w, 37);
	CHECK(capwap_dtls_replay_check(&w, 37) == -EALREADY, "37 replayed");
	/* Moving by exactly the window size forgets everything. */
	capwap_dtls_replay_update(&w, 164);
	CHECK(capwap_dtls_replay_check(&w, 100) == -ERANGE, "100 not old");
	CHECK(!capwap_dtls_replay_check(&w, 101), "101 refused");
	CHECK(!capwap_dtls_replay_check(&w, 163), "163 refused");
	capwap_dtls_replay_update(&w, 101);
	CHECK(capwap_dtls_replay_check(&w, 101) == -EALREADY, "101 replayed");
	/* Far ahead is accepted (RFC 6347 4.1.2.6: right of the window). */
	CHECK(!capwap_dtls_replay_check(&w, CAPWAP_DTLS_SEQ_MAX),
	      "2^48-1 refused");
	capwap_dtls_replay_update(&w, CAPWAP_DTLS_SEQ_MAX);
	CHECK(capwap_dtls_replay_check(&w, 164) == -ERANGE, "164 not old");
	CHECK(capwap_dtls_replay_check(&w, CAPWAP_DTLS_SEQ_MAX) == -EALREADY,
	      "2^48-1 replayed");
	return NULL;
}

/* After a handover everything below the first sequence number is seen. */
static const char *replay_handover(void)
{
	struct capwap_dtls_replay w;

	capwap_dtls_replay_init(&w, 10);
	CHECK(capwap_dtls_replay_check(&w, 9) == -EALREADY, "9 taken");
	CHECK(capwap_dtls_replay_check(&w, 0) == -EALREADY, "0 taken");
	CHECK(!capwap_dtls_replay_check(&w, 10), "10 refused");
	capwap_dtls_replay_init(&w, 1000);
	CHECK(capwap_dtls_replay_check(&w, 998) == -EALREADY, "998 taken");
	CHECK(capwap_dtls_replay_check(&w, 900) == -ERANGE, "900 taken");
	CHECK(!capwap_dtls_replay_check(&w, 1000), "1000 refused");
	return NULL;
}

static void sample_keys(struct capwap_dtls_keys *k, u8 cipher)
{
	int klen = capwap_dtls_cipher_key_len(cipher);
	int mlen = capwap_dtls_cipher_mac_key_len(cipher);

	memset(k, 0, sizeof(*k));
	k->cipher = cipher;
	k->suite = 0xc02b;
	k->epoch = 1;
	k->rx_seq = 0x0102030405ULL;
	k->tx_seq = 0xa1a2a3a4a5a6ULL;
	memset(k->rx.key, 0x11, klen);
	memset(k->tx.key, 0x22, klen);
	memset(k->rx.mac_key, 0x33, mlen);
	memset(k->tx.mac_key, 0x44, mlen);
	if (!mlen) {
		unhex("c1c2c3c4", k->rx.salt);
		unhex("d1d2d3d4", k->tx.salt);
	}
}

/* docs/PROTOCOL.md 6.4, written out for AES-128-GCM. */
static const char *keys_layout(void)
{
	struct capwap_dtls_keys k, back;
	size_t n;

	sample_keys(&k, CAPWAP_DTLS_CIPHER_AES_128_GCM);
	CHECK(capwap_dtls_keys_put(&k, buf, sizeof(buf)) == 192,
	      "key block refused");
	n = unhex("01:01:00:00:c02b:0001:0000000102030405:0000a1a2a3a4a5a6",
		  want);
	CHECK(n == 24 && !memcmp(buf, want, 24), "key block head differs");
	memset(want, 0, 192);
	memset(want + 24, 0x11, 16);
	unhex("c1c2c3c4", want + 24 + 32);
	memset(want + 108, 0x22, 16);
	unhex("d1d2d3d4", want + 108 + 32);
	CHECK(!memcmp(buf + 24, want + 24, 168), "key block keys differ");
	CHECK(!capwap_dtls_keys_parse(buf, 192, &back) &&
	      !memcmp(&back, &k, sizeof(k)), "key block does not read back");

	sample_keys(&k, CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1);
	k.flags = CAPWAP_DTLS_KEYS_F_ETM;
	CHECK(capwap_dtls_keys_put(&k, buf, sizeof(buf)) == 192,
	      "CBC key block refused");
	memset(want, 0, 192);
	memset(want + 108, 0x22, 16);
	memset(want + 108 + 36, 0x44, 20);
	CHECK(buf[1] == 3 && buf[2] == 1 && !memcmp(buf + 108, want + 108, 84),
	      "CBC tx keys differ");
	CHECK(!capwap_dtls_keys_parse(buf, 192, &back) &&
	      !memcmp(&back, &k, sizeof(k)), "CBC block does not read back");
	return NULL;
}

static const struct {
	const char *name;
	size_t off;
	u8 val;
	int err;
} keys_cases[] = {
	{ "format_2", 0, 2, -EOPNOTSUPP },
	{ "cipher_0", 1, 0, -EOPNOTSUPP },
	{ "cipher_5", 1, 5, -EOPNOTSUPP },
	{ "unknown_flag", 2, 2, -EOPNOTSUPP },
	{ "etm_with_gcm", 2, 1, -EINVAL },
	{ "reserved_byte", 3, 1, -EINVAL },
	{ "epoch_0", 7, 0, -EINVAL },
	{ "rx_seq_49_bits", 9, 1, -EINVAL },
	{ "tx_seq_49_bits", 17, 1, -EINVAL },
	{ "rx_key_byte_17", 24 + 16, 1, -EINVAL },
	{ "tx_mac_key_for_gcm", 108 + 36, 1, -EINVAL },
};

static const char *keys_refused(void)
{
	struct capwap_dtls_keys k, back;
	u8 good[192];
	size_t i;
	int ret;

	sample_keys(&k, CAPWAP_DTLS_CIPHER_AES_128_GCM);
	CHECK(capwap_dtls_keys_put(&k, good, sizeof(good)) == 192,
	      "key block refused");
	for (i = 0; i < TAP_COUNT(keys_cases); i++) {
		memcpy(buf, good, 192);
		buf[keys_cases[i].off] = keys_cases[i].val;
		ret = capwap_dtls_keys_parse(buf, 192, &back);
		CHECK(ret == keys_cases[i].err, "%s: %d, not %d",
		      keys_cases[i].name, ret, keys_cases[i].err);
		CHECK(back.cipher == 0 && back.rx.key[0] == 0,
		      "%s: refused keys left in the output", keys_cases[i].name);
	}
	CHECK(capwap_dtls_keys_parse(good, 191, &back) == -EINVAL,
	      "191 bytes taken");
	/* A CBC block carries no salt. */
	sample_keys(&k, CAPWAP_DTLS_CIPHER_AES_256_CBC_SHA1);
	k.rx.salt[3] = 1;
	CHECK(capwap_dtls_keys_put(&k, buf, sizeof(buf)) == -EINVAL &&
	      !buf[24], "CBC salt taken, or refused block not wiped");
	CHECK(capwap_dtls_keys_put(&k, buf, 191) == -ENOSPC, "short buffer");
	return NULL;
}

static const struct tap_case cases[] = {
	{ "capwap_dtls_header", capwap_header },
	{ "records_two_in_a_datagram", records_two },
	{ "records_refused_and_accepted", records_table },
	{ "record_header_build", record_build },
	{ "gcm_nonce_salt_then_explicit", gcm_nonce },
	{ "gcm_aad_bytes", gcm_aad },
	{ "cbc_body_lengths", cbc_lengths },
	{ "cbc_etm_additional_data_bytes", cbc_ad },
	{ "cbc_padding_sent", cbc_pad },
	{ "cbc_padding_received", cbc_unpad },
	{ "replay_fresh_window", replay_fresh },
	{ "replay_window_edges", replay_edges },
	{ "replay_after_handover", replay_handover },
	{ "key_block_layout", keys_layout },
	{ "key_block_refusals", keys_refused },
	{ "client_hello_fields", client_hello },
	{ "client_hello_refusals", client_hello_table },
	{ "hello_verify_request_bytes", hello_verify_build },
	{ "cookie_address_bytes", cookie_addr },
	{ "cookie_secret_choice", cookie_secret_choice },
};

int main(void)
{
	tap_plan(TAP_COUNT(cases));
	tap_run(cases, TAP_COUNT(cases));
	return tap_exit();
}
