/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A write BIO for OpenSSL's DTLS over an I/O of the caller's own: each
 * BIO_write() is one datagram handed to @write, flushing is a no-op, and
 * the MTU is set on the SSL object, not queried (SSL_OP_NO_QUERY_MTU).
 * lscd's handshake engine queues the datagrams; lsc-wtp sends them at
 * once on the AP's socket.
 */
#ifndef LSC_DGRAM_BIO_H
#define LSC_DGRAM_BIO_H

#include <openssl/bio.h>

/* NULL when out of memory; BIO_meth_free() it after its last BIO. */
BIO_METHOD *lsc_dgram_bio_method(const char *name,
				 int (*write)(BIO *b, const char *data, int len));

#endif /* LSC_DGRAM_BIO_H */
