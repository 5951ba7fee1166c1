// SPDX-License-Identifier: GPL-2.0
/*
 * capwap_wire_check FILE MIN [NAME:COUNT...]: every CAPWAP control message of a capture,
 * parsed with the module's own wire code (kmod/wire*.c, as the kernel
 * runs it), so that what travels inside DTLS is held to the same parser
 * as clear text.  tshark decrypts the records (with lsc-wtp's key log)
 * and this program reads their plaintexts from FILE, one a line:
 *
 *   FLOW<TAB>HEX        FLOW names one direction of one association
 *                       (tshark's "src:port>dst:port"), HEX the record's
 *                       plaintext: a CAPWAP header and message, or one
 *                       fragment of it
 *
 * Fragments are reassembled per FLOW, as the module does per peer.  Each
 * whole message must parse, carry its mandatory elements and, when it
 * carries LSC vendor elements, pass the LSC validator.  Prints one check:
 * "ok" with the count per message type, or "not ok" with the first record
 * that failed and why; fewer than MIN whole messages also fail (an empty
 * decryption would otherwise pass), and so do fewer than COUNT of a
 * message type NAME (capwap_msg_name(): "join-request", ...).  A message still incomplete at the
 * end is counted, not failed: the capture may have lost a datagram, which
 * says nothing of the wire format.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "wire.h"

#define MAX_FLOWS	4096
#define LINE_MAX_LEN	(2 * CAPWAP_REASM_MAX_LEN + 256)
#define TYPES		64

struct flow {
	char name[64];
	struct capwap_reasm r;
	u8 *buf;
};

static struct flow flows[MAX_FLOWS];
static int nflows;
static struct { u32 type; unsigned long n; } seen[TYPES];
static int ntypes;
static unsigned long records, messages, reassembled;
static char failure[512];

static struct flow *flow_of(const char *name)
{
	struct flow *f;
	int i;

	for (i = 0; i < nflows; i++)
		if (!strncmp(flows[i].name, name, sizeof(flows[i].name) - 1))
			return &flows[i];
	if (nflows == MAX_FLOWS)
		return NULL;
	f = &flows[nflows];
	f->buf = malloc(CAPWAP_REASM_MAX_LEN);
	if (!f->buf)
		return NULL;
	memcpy(f->name, name, strnlen(name, sizeof(f->name) - 1));
	capwap_reasm_init(&f->r, f->buf, CAPWAP_REASM_MAX_LEN);
	nflows++;
	return f;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	if (failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(failure, sizeof(failure), fmt, ap);
	va_end(ap);
}

static void count_type(u32 type)
{
	int i;

	for (i = 0; i < ntypes; i++)
		if (seen[i].type == type) {
			seen[i].n++;
			return;
		}
	if (ntypes < TYPES) {
		seen[ntypes].type = type;
		seen[ntypes++].n = 1;
	}
}

static void whole(const struct capwap_msg *msg, const char *flow)
{
	enum capwap_lsc_malformed bad;

	if (capwap_msg_check_mandatory(msg, &bad))
		fail("record %lu (%s): %s lacks a mandatory element (reason %d)",
		     records, flow, capwap_msg_name(msg->type), bad);
	else if (capwap_lsc_validate(msg, CAPWAP_LSC_DEFAULT_VENDOR_ID, &bad))
		fail("record %lu (%s): %s: malformed LSC element (reason %d)",
		     records, flow, capwap_msg_name(msg->type), bad);
	messages++;
	count_type(msg->type);
}

/* NAME:COUNT: at least COUNT messages of the type named NAME. */
static void want_type(const char *arg)
{
	const char *colon = strrchr(arg, ':');
	unsigned long have = 0, want;
	int i;

	if (!colon) {
		fail("%s: want NAME:COUNT", arg);
		return;
	}
	if (lsc_parse_uint(colon + 1, 1, UINT32_MAX, &want)) {
		fail("%s: COUNT is not a number of at least 1", arg);
		return;
	}
	for (i = 0; i < ntypes; i++)
		if (!strncmp(capwap_msg_name(seen[i].type), arg, colon - arg) &&
		    !capwap_msg_name(seen[i].type)[colon - arg])
			have = seen[i].n;
	if (have < want)
		fail("%lu %.*s, at least %lu expected", have, (int)(colon - arg),
		     arg, want);
}

static size_t unhex(const char *s, u8 *out, size_t size)
{
	size_t n = 0;
	unsigned int v;

	while (isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1])) {
		if (n == size || sscanf(s, "%2x", &v) != 1)
			return 0;
		out[n++] = v;
		s += 2;
	}
	return *s && *s != '\n' ? 0 : n;
}

static void one(const char *flow, const u8 *p, size_t len)
{
	enum capwap_lsc_malformed bad;
	struct capwap_packet pkt;
	struct capwap_msg msg;
	struct flow *f;

	switch (capwap_parse(p, len, &pkt)) {
	case CAPWAP_PARSE_OK:
		whole(&pkt.msg, flow);
		break;
	case CAPWAP_PARSE_FRAGMENT:
		f = flow_of(flow);
		if (!f) {
			fail("more than %d flows", MAX_FLOWS);
			break;
		}
		switch (capwap_reasm_add(&f->r, &pkt.hdr, pkt.payload,
					 pkt.payload_len, records, &bad)) {
		case CAPWAP_REASM_DONE:
			if (capwap_parse_control(f->r.buf, f->r.total, &msg, &bad))
				fail("record %lu (%s): reassembled message does not parse (reason %d)",
				     records, flow, bad);
			else
				whole(&msg, flow);
			reassembled++;
			capwap_reasm_reset(&f->r);
			break;
		case CAPWAP_REASM_BAD:
			fail("record %lu (%s): fragment refused (reason %d)",
			     records, flow, bad);
			break;
		case CAPWAP_REASM_MORE:
			break;
		}
		break;
	case CAPWAP_PARSE_DTLS:
		fail("record %lu (%s): a DTLS preamble inside a DTLS record",
		     records, flow);
		break;
	default:
		fail("record %lu (%s): %zu bytes do not parse (reason %d)",
		     records, flow, len, pkt.bad);
	}
}

int main(int argc, char **argv)
{
	static char line[LINE_MAX_LEN];
	static u8 rec[CAPWAP_REASM_MAX_LEN];
	unsigned long min;
	char *tab;
	FILE *in;
	size_t len;
	int i, incomplete = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: capwap_wire_check FILE MIN_MESSAGES [NAME:COUNT...]\n");
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in) {
		printf("not ok wire_check: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (lsc_parse_uint(argv[2], 1, UINT32_MAX, &min)) {
		printf("not ok wire_check: MIN_MESSAGES %s: not a number of at least 1\n",
		       argv[2]);
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		tab = strchr(line, '\t');
		if (!tab || tab[1] == '\n' || !tab[1])
			continue;
		*tab = '\0';
		records++;
		len = unhex(tab + 1, rec, sizeof(rec));
		if (!len) {
			fail("record %lu (%s): not a hex payload", records, line);
			continue;
		}
		one(line, rec, len);
	}
	for (i = 0; i < nflows; i++)
		incomplete += flows[i].r.active;
	if (!failure[0] && messages < min)
		fail("%lu whole messages in %lu records, at least %lu expected",
		     messages, records, min);
	fclose(in);
	for (i = 3; i < argc && !failure[0]; i++)
		want_type(argv[i]);
	if (failure[0]) {
		printf("not ok wire_check: %s\n", failure);
		return 1;
	}
	printf("ok wire_check: %lu records, %lu messages (%lu reassembled, %d left incomplete) parse with kmod/wire*.c:",
	       records, messages, reassembled, incomplete);
	for (i = 0; i < ntypes; i++)
		printf(" %s %lu", capwap_msg_name(seen[i].type), seen[i].n);
	printf("\n");
	return 0;
}
