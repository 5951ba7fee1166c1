/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DTLS key handover: after OpenSSL completed a DTLS 1.2 handshake,
 * lscd derives the epoch-1 record keys the way the handshake did (RFC
 * 5246 section 6.3) and gives them to the kernel as the key block of
 * kmod/wire_dtls.h (docs/PROTOCOL.md section 6).  OpenSSL has no getter
 * for record keys, and SSL_export_keying_material() refuses the "key
 * expansion" label, so the key block is computed again from the master
 * secret and the two randoms.
 */
#ifndef LSCD_DTLS_KEYS_H
#define LSCD_DTLS_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/capwap_lsc.h>
#include <openssl/ssl.h>

#include "wire_dtls.h"

/* What the handover needs beyond the keys: state only lscd can know. */
struct lscd_dtls_handover {
	uint16_t epoch;		/* 1 after the first handshake */
	uint64_t rx_seq;	/* lowest peer sequence number the kernel takes */
	uint64_t tx_seq;	/* first sequence number the kernel sends */
	/*
	 * Encrypt-then-MAC negotiated (CBC suites).  OpenSSL 3.0 has no
	 * getter: it holds when the ClientHello offered extension 22
	 * (TLSEXT_TYPE_encrypt_then_mac) and lscd did not set
	 * SSL_OP_NO_ENCRYPT_THEN_MAC.
	 */
	bool etm;
};

/*
 * The sequence state of one direction, read from the records OpenSSL
 * writes to or reads from its BIOs (OpenSSL has no getter for it).
 */
struct lscd_dtls_seq_watch {
	bool seen;		/* a record of the watched epoch went through */
	uint64_t last_seq;	/* the highest sequence number among them */
};

/*
 * Notes the records of @epoch in one datagram of DTLS records (after the
 * CAPWAP DTLS header).  A datagram that does not parse is ignored: it is
 * not one OpenSSL wrote or will read.
 */
void lscd_dtls_seq_watch(struct lscd_dtls_seq_watch *w, uint16_t epoch,
			 const uint8_t *dgram, size_t len);

/*
 * The key block's cipher (enum capwap_dtls_cipher) for a suite whose
 * records can be handed over, -EOPNOTSUPP for any other.
 */
int lscd_dtls_suite_cipher(const SSL_CIPHER *c);

/*
 * Fills @k for the side @ssl plays: rx holds the peer's write keys, tx
 * its own.  AES-128/256-GCM suites and the AES-128/256-CBC-SHA suites
 * (RFC 5415's mandatory ones) are supported; anything else, a protocol
 * other than DTLS 1.2 or an unfinished handshake is refused with a
 * reason in @why.  Returns 0 or -errno; @k is wiped on failure.
 */
int lscd_dtls_derive_keys(SSL *ssl, const struct lscd_dtls_handover *h,
			  struct capwap_dtls_keys *k, char *why, size_t size);

/*
 * What the kernel keeps with the keys for the operator to see (GET_AP,
 * sysfs; docs/PROTOCOL.md section 6.5): the suite's OpenSSL name, the
 * peer certificate's subject and issuer in RFC 2253 form (cut at the
 * uapi's bounds) and the SHA-256 of its DER.
 */
struct lscd_dtls_ident {
	char suite[CAPWAP_LSC_DTLS_MAX_SUITE_LEN + 1];
	char subject[CAPWAP_LSC_DTLS_MAX_NAME_LEN + 1];
	char issuer[CAPWAP_LSC_DTLS_MAX_NAME_LEN + 1];
	uint8_t fingerprint[CAPWAP_LSC_SHA256_LEN];
	bool has_fingerprint;
};

/* Fills @id from @cert (may be NULL) and @suite (may be NULL). */
void lscd_dtls_ident_read(X509 *cert, const char *suite,
			  struct lscd_dtls_ident *id);

struct nl_msg;
/*
 * The DTLS_KEYS attributes of @cert and @suite (CAPWAP_LSC_A_DTLS_SUITE_NAME,
 * _SUBJECT, _ISSUER, _FINGERPRINT) into @m; 0 or -EMSGSIZE.
 */
int lscd_dtls_ident_put(struct nl_msg *m, X509 *cert, const char *suite);

/* The room lscd_dtls_ident_put() takes at most: every string at its bound. */
size_t lscd_dtls_ident_room(void);

#endif /* LSCD_DTLS_KEYS_H */
