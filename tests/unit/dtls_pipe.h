/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A datagram pipe for OpenSSL DTLS peers in one process: one BIO_write is
 * one datagram, as on a UDP socket, and the records of epoch 1 that pass
 * are watched (lscd_dtls_seq_watch) for the key handover.
 */
#ifndef DTLS_PIPE_H
#define DTLS_PIPE_H

#include <string.h>

#include <openssl/bio.h>

#include "dtls_keys.h"
#include "wire_dtls.h"

#define PIPE_DEPTH	32
#define DGRAM_MAX	2048

struct pipe {
	u8 data[PIPE_DEPTH][DGRAM_MAX];
	size_t len[PIPE_DEPTH];
	int head, count;
	struct lscd_dtls_seq_watch epoch1;
	u16 first_version;	/* of the first record */
};

static BIO_METHOD *pipe_method;

static void pipe_observe(struct pipe *p, const u8 *d, size_t len)
{
	if (!p->first_version && len >= 3)
		p->first_version = get_unaligned_be16(d + 1);
	lscd_dtls_seq_watch(&p->epoch1, 1, d, len);
}

static int pipe_push(struct pipe *p, const u8 *d, size_t len)
{
	int i;

	if (p->count == PIPE_DEPTH || len > DGRAM_MAX)
		return -1;
	i = (p->head + p->count++) % PIPE_DEPTH;
	memcpy(p->data[i], d, len);
	p->len[i] = len;
	pipe_observe(p, d, len);
	return len;
}

static int pipe_pop(struct pipe *p, u8 *d, size_t size)
{
	size_t n;

	if (!p->count)
		return -1;
	n = p->len[p->head] < size ? p->len[p->head] : size;
	memcpy(d, p->data[p->head], n);
	p->head = (p->head + 1) % PIPE_DEPTH;
	p->count--;
	return n;
}

static int pipe_write(BIO *b, const char *d, int len)
{
	BIO_clear_retry_flags(b);
	return pipe_push(BIO_get_data(b), (const u8 *)d, len);
}

static int pipe_read(BIO *b, char *d, int size)
{
	int n = pipe_pop(BIO_get_data(b), (u8 *)d, size);

	BIO_clear_retry_flags(b);
	if (n < 0)
		BIO_set_retry_read(b);
	return n;
}

static long pipe_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH || cmd == BIO_CTRL_DGRAM_QUERY_MTU ?
	       (cmd == BIO_CTRL_FLUSH ? 1 : 1400) : 0;
}

static int pipe_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static BIO *pipe_bio(struct pipe *p)
{
	BIO *b = BIO_new(pipe_method);

	if (b)
		BIO_set_data(b, p);
	return b;
}

static int pipe_method_init(void)
{
	pipe_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
				   "datagram pipe");
	return pipe_method && BIO_meth_set_write(pipe_method, pipe_write) &&
	       BIO_meth_set_read(pipe_method, pipe_read) &&
	       BIO_meth_set_ctrl(pipe_method, pipe_ctrl) &&
	       BIO_meth_set_create(pipe_method, pipe_create) ? 0 : -1;
}

static void pipe_method_free(void)
{
	BIO_meth_free(pipe_method);
}

/* The one record of a datagram OpenSSL wrote, after its CAPWAP header. */
static int take_record(struct pipe *pp, u8 *dgram,
		       struct capwap_dtls_record *r)
{
	const u8 *pos;
	size_t left;
	int n, off;

	capwap_dtls_put_header(dgram);
	n = pipe_pop(pp, dgram + CAPWAP_DTLS_HDR_LEN,
		     DGRAM_MAX - CAPWAP_DTLS_HDR_LEN);
	if (n < 0)
		return -1;
	off = capwap_dtls_parse_header(dgram, n + CAPWAP_DTLS_HDR_LEN);
	if (off != CAPWAP_DTLS_HDR_LEN)
		return -1;
	pos = dgram + off;
	left = n;
	if (capwap_dtls_next_record(&pos, &left, r) != 1 || left)
		return -1;
	return 0;
}

#endif /* DTLS_PIPE_H */
