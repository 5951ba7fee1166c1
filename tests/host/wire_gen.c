// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Writes the wire samples out for tools that look at them from outside:
 *
 *   wire_gen pcap FILE     every sample as IPv4/UDP to or from port 5246,
 *                          fragmented at a 1400-byte MTU where larger, for
 *                          tshark (tests/host/tshark_wire.sh)
 *   wire_gen pcap-bad FILE an Echo Request with a 2-byte Result Code,
 *                          which tshark flags as an error: proves the check
 *                          can fail
 *   wire_gen pcap-warn FILE an Echo Request whose header length counts four
 *                          bytes no header field accounts for, which tshark
 *                          flags as a warning (and nothing worse)
 *   wire_gen corpus DIR    fuzz seeds in the harness's record format
 *                          (tests/fuzz/fuzz_wire.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_samples.h"

#define MTU 1400
#define BUF 65536

static u8 pkt[BUF], frag[BUF];

static void put_le32(FILE *f, u32 v)
{
	u8 b[4] = { v, v >> 8, v >> 16, v >> 24 };

	fwrite(b, 1, 4, f);
}

static u16 ip_csum(const u8 *p, size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get_unaligned_be16(p + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* One LINKTYPE_RAW record: IPv4 + UDP (checksum 0 is legal on IPv4). */
static void pcap_udp(FILE *f, unsigned int n, bool to_ac, const u8 *data,
		     size_t len)
{
	u8 h[28] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17 };
	size_t tot = sizeof(h) + len;

	put_unaligned_be16(tot, h + 2);
	put_unaligned_be16(n, h + 4);
	memcpy(h + 12, to_ac ? sample_wtp_addr : sample_ac_addr, 4);
	memcpy(h + 16, to_ac ? sample_ac_addr : sample_wtp_addr, 4);
	put_unaligned_be16(ip_csum(h, 20), h + 10);
	put_unaligned_be16(to_ac ? 40000 : CAPWAP_CONTROL_PORT, h + 20);
	put_unaligned_be16(to_ac ? CAPWAP_CONTROL_PORT : 40000, h + 22);
	put_unaligned_be16(8 + len, h + 24);
	put_le32(f, 1700000000 + n);
	put_le32(f, 0);
	put_le32(f, tot);
	put_le32(f, tot);
	fwrite(h, 1, sizeof(h), f);
	fwrite(data, 1, len, f);
}

static int write_pcap(const char *path)
{
	struct capwap_fragmenter fr;
	unsigned int n = 0;
	int k, len, flen;
	FILE *f = fopen(path, "wb");

	if (!f) {
		perror(path);
		return 1;
	}
	put_le32(f, 0xa1b2c3d4);
	put_le32(f, 0x00040002);
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, 65535);
	put_le32(f, 101);
	for (k = 0; k < S_COUNT; k++) {
		len = sample_build(k, pkt, sizeof(pkt));
		if (len < 0 || capwap_frag_init(&fr, pkt, len, MTU, k + 1)) {
			fprintf(stderr, "%s: cannot build\n", sample_names[k]);
			return 1;
		}
		while ((flen = capwap_frag_next(&fr, frag, sizeof(frag))) > 0)
			pcap_udp(f, ++n, !sample_from_ac[k], frag, flen);
	}
	return fclose(f) ? 1 : 0;
}

/* A capture of one datagram from the AP to port 5246. */
static int write_one_pcap(const char *path, const u8 *dgram, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		perror(path);
		return 1;
	}
	put_le32(f, 0xa1b2c3d4);
	put_le32(f, 0x00040002);
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, 65535);
	put_le32(f, 101);
	pcap_udp(f, 1, true, dgram, len);
	return fclose(f) ? 1 : 0;
}

static int write_bad_pcap(const char *path)
{
	struct capwap_builder b;
	int len;

	capwap_build_init(&b, pkt, sizeof(pkt), CAPWAP_MSG_ECHO_REQ, 1);
	capwap_put_elem_u16(&b, CAPWAP_ELEM_RESULT_CODE, 0);
	len = capwap_build_finish(&b);
	return len < 0 ? 1 : write_one_pcap(path, pkt, len);
}

static int write_warn_pcap(const char *path)
{
	struct capwap_builder b;
	static u8 odd[BUF];
	int len;

	capwap_build_init(&b, pkt, sizeof(pkt), CAPWAP_MSG_ECHO_REQ, 1);
	len = capwap_build_finish(&b);
	if (len < 8)
		return 1;
	/* HLEN 3 words, but neither the M nor the W flag is set. */
	memcpy(odd, pkt, 8);
	odd[1] = (u8)((3 << 3) | (odd[1] & 0x07));
	memset(odd + 8, 0, 4);
	memcpy(odd + 12, pkt + 8, len - 8);
	return write_one_pcap(path, odd, len + 4);
}

static int write_seed(const char *dir, const char *name, const u8 *rec,
		      size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return 1;
	}
	fwrite(rec, 1, len, f);
	return fclose(f) ? 1 : 0;
}

/* Records: u16 big-endian length, then that many bytes of datagram. */
static size_t add_record(u8 *out, size_t at, const u8 *p, size_t len)
{
	put_unaligned_be16(len, out + at);
	memcpy(out + 2 + at, p, len);
	return at + 2 + len;
}

/* Header variants the builder does not make. */
static const struct {
	const char *name;
	const char *hex;
} raw_seeds[] = {
	{ "radio_mac_wsi_echo",
	  "00280230 00000000 06 001122334455 00 01 02 aabb 0000000d 01 0003 00" },
	{ "radio_mac_eui64_echo",
	  "00280210 00000000 08 0011223344556677 000000 0000000d 01 0003 00" },
	{ "dtls", "01000000 16fefd00 00000000 000000" },
	/* CAPWAP DTLS header, then an epoch-0 handshake record, an epoch-1
	 * AES-GCM record and an alert. */
	{ "dtls_records",
	  "01000000 16fefd00 00000000 00000000 03aabbcc 17fefd00 01000000 00000500 "
	  "20000102 03040506 0708090a 0b0c0d0e 0f101112 13141516 1718191a 1b1c1d1e "
	  "1f15fefd 00010000 00000006 001a0000 00000000 00000000 00000000 00000000 "
	  "00000000 00000000" },
	/* The key block of kmod/wire_dtls.h (AES-128-GCM); the harness reads
	 * every seed as a datagram too. */
	{ "dtls_keyblock",
	  "01010000 c02b0001 00000001 02030405 0000a1a2 a3a4a5a6 11111111 11111111 "
	  "11111111 11111111 00000000 00000000 00000000 00000000 c1c2c3c4 00000000 "
	  "00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
	  "00000000 00000000 00000000 22222222 22222222 22222222 22222222 00000000 "
	  "00000000 00000000 00000000 d1d2d3d4 00000000 00000000 00000000 00000000 "
	  "00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000" },
	/*
	 * Two epoch-1 AES-CBC records with encrypt-then-MAC (IV, ciphertext of
	 * the plaintext and its padding, HMAC-SHA1), then an alert; and the
	 * key block of AES-128-CBC-SHA1 with the ETM flag.
	 */
	{ "dtls_cbc_records",
	  "01000000 17fefd00 01000000 00100000 44000102 03040506 0708090a 0b0c0d0e "
	  "0f424242 42424242 42424242 42424242 42414141 41414141 41414141 41410202 "
	  "02f86aaa e0cea7b8 7890049d be80b9fb 670dee75 e017fefd 00010000 00001001 "
	  "00340001 02030405 06070809 0a0b0c0d 0e0f0f0f 0f0f0f0f 0f0f0f0f 0f0f0f0f "
	  "0f0ff86a aae0cea7 b8789004 9dbe80b9 fb670dee 75e015fe fd000100 00000010 "
	  "02003500 01020304 05060708 090a0b0c 0d0e0f43 43434343 43434343 43434343 "
	  "43434343 f86aaae0 cea7b878 90049dbe 80b9fb67 0dee75e0" },
	{ "dtls_keyblock_cbc",
	  "01030100 002f0001 00000000 00000001 00000000 00001000 11111111 11111111 "
	  "11111111 11111111 00000000 00000000 00000000 00000000 00000000 13131313 "
	  "13131313 13131313 13131313 13131313 00000000 00000000 00000000 00000000 "
	  "00000000 00000000 00000000 12121212 12121212 12121212 12121212 00000000 "
	  "00000000 00000000 00000000 00000000 14141414 14141414 14141414 14141414 "
	  "14141414 00000000 00000000 00000000 00000000 00000000 00000000 00000000" },
	/*
	 * Real records, from a capture of tests/vm/cases/94-lscd-dtls-fleet:
	 * lsc-wtp's first ClientHello (OpenSSL), lscd's HelloVerifyRequest as
	 * the module relayed it, and two epoch-1 records of one session, the
	 * first sealed by the AP's OpenSSL, the second by the module.
	 */
	{ "dtls_client_hello",
	  "01000000 16feff00 00000000 00000000 92010000 86000000 00000000 "
	  "86fefd76 e4b58c06 2f7afb61 fe04d0a1 b48924f4 37f67b01 68c9ecc0 "
	  "a649da50 6817a000 00000ec0 2bc02fc0 2cc03000 2f003300 ff010000 "
	  "4e000b00 04030001 02000a00 0c000a00 1d001700 1e001900 18001600 "
	  "00001700 00000d00 2a002804 03050306 03080708 08080908 0a080b08 "
	  "04080508 06040105 01060103 03030103 02040205 020602" },
	/*
	 * A DTLS 1.2 ClientHello returning a cookie (a generation byte and 32
	 * bytes), whole and unfragmented: what the module verifies.
	 */
	{ "dtls_client_hello_cookie",
	  "01000000 16fefd00 00000000 00000500 57010000 4b000100 00000000 "
	  "4bfefd00 01020304 05060708 090a0b0c 0d0e0f10 11121314 15161718 "
	  "191a1b1c 1d1e1f00 21070000 00000000 00000000 00000000 00000000 "
	  "00000000 00000000 00000000 00000002 c02b0100" },
	{ "dtls_hello_verify",
	  "01000000 16feff00 00000000 00000000 30030000 24000000 00000000 "
	  "24feff21 00447917 54645377 054f4f16 7ed2ac01 753ad48e d9e2f9f2 "
	  "ea3d3c3b 328167d7 dc" },
	{ "dtls_epoch1_from_ap",
	  "01000000 17fefd00 01000000 00000500 5536fd9e 31ce3dce 280ff196 "
	  "5ffa66b2 f1d3087e ba7cdfdd 684e63ab dd2af0ee 90a1f664 f077fdfe "
	  "69b4722e 6be17cc1 e1f45f8d 93df3f67 2cadeed7 9283f5f3 816446f3 "
	  "07032abe 48b99141 7217b64d 66282bac b58d" },
	{ "dtls_epoch1_from_kernel",
	  "01000000 17fefd00 01000000 00100000 77000100 00000010 00b43002 "
	  "9be1bd12 a99096f6 081db34f 73e21a7a 89c3eea2 ae178d5a 0fc6b77e "
	  "98ff9aa3 7898091c 74a791cb 524c7c05 adf634ad 2489966f 0f8569a2 "
	  "1d2c0ab0 6092ea4a 07a0b2e3 85d3636b df95fcbf 2f2fa53e ae9b0847 "
	  "4e1f343f 8352b9a7 9f993f54 cd097dd1 dfe7a73a 410b697e" },
};

static size_t unhex(const char *s, u8 *p)
{
	size_t n = 0;
	unsigned int v;

	for (; *s; s++) {
		if (*s == ' ')
			continue;
		sscanf(s, "%2x", &v);
		p[n++] = v;
		s++;
	}
	return n;
}

static int write_corpus(const char *dir)
{
	static u8 rec[2 * BUF];
	struct capwap_fragmenter fr;
	char name[64];
	size_t at;
	int k, len, flen, ret = 0;

	for (k = 0; k < (int)ARRAY_SIZE(raw_seeds); k++) {
		len = unhex(raw_seeds[k].hex, pkt);
		at = add_record(rec, 0, pkt, len);
		ret |= write_seed(dir, raw_seeds[k].name, rec, at);
	}
	for (k = 0; k < S_COUNT; k++) {
		len = sample_build(k, pkt, sizeof(pkt));
		if (len < 0)
			return 1;
		/* Big samples only as fragments: seeds stay small. */
		if (len <= 1024) {
			at = add_record(rec, 0, pkt, len);
			snprintf(name, sizeof(name), "%s", sample_names[k]);
			ret |= write_seed(dir, name, rec, at);
			continue;
		}
		if (capwap_frag_init(&fr, pkt, len, 512, k + 1))
			return 1;
		at = 0;
		while ((flen = capwap_frag_next(&fr, frag, sizeof(frag))) > 0)
			at = add_record(rec, at, frag, flen);
		snprintf(name, sizeof(name), "%s_frags", sample_names[k]);
		ret |= write_seed(dir, name, rec, at);
	}
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pcap"))
		return write_pcap(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "pcap-bad"))
		return write_bad_pcap(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "pcap-warn"))
		return write_warn_pcap(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "corpus"))
		return write_corpus(argv[2]);
	fprintf(stderr, "usage: %s pcap FILE | pcap-bad FILE | pcap-warn FILE | corpus DIR\n", argv[0]);
	return 2;
}
