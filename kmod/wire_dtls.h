/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * CAPWAP over DTLS 1.2 on the wire (RFC 5415 section 4.2, RFC 6347
 * section 4.1, RFC 5288, RFC 7366): the CAPWAP DTLS header, the DTLS
 * record header, the AES-GCM nonce and additional data, the lengths,
 * additional data and padding of AES-CBC records with encrypt-then-MAC,
 * the anti-replay window, and the key block lscd hands the kernel after
 * a handshake (docs/PROTOCOL.md section 6).
 *
 * Like the rest of the wire code this builds in the kernel and in
 * userspace and allocates nothing: the cipher itself is the caller's
 * (the kernel's AEAD, OpenSSL's EVP in the tests).
 */
#ifndef _CAPWAP_LSC_WIRE_DTLS_H
#define _CAPWAP_LSC_WIRE_DTLS_H

#include "wire_compat.h"

/* The CAPWAP DTLS header: the preamble (version 0, type 1), 24 reserved bits. */
#define CAPWAP_DTLS_HDR_LEN		4
#define CAPWAP_DTLS_PREAMBLE		0x01

#define CAPWAP_DTLS_REC_HDR_LEN		13
#define CAPWAP_DTLS_VERSION_1_2		0xfefd
#define CAPWAP_DTLS_VERSION_1_0		0xfeff
/* RFC 6347 4.1 (as RFC 5246 6.2.3): a record body is at most 2^14 + 2048. */
#define CAPWAP_DTLS_MAX_BODY		(16384 + 2048)
#define CAPWAP_DTLS_SEQ_MAX		((1ULL << 48) - 1)

enum capwap_dtls_content_type {
	CAPWAP_DTLS_CT_CHANGE_CIPHER_SPEC = 20,
	CAPWAP_DTLS_CT_ALERT = 21,
	CAPWAP_DTLS_CT_HANDSHAKE = 22,
	CAPWAP_DTLS_CT_APPLICATION_DATA = 23,
};

/* AES-GCM in (D)TLS 1.2 (RFC 5288 section 3). */
#define CAPWAP_DTLS_GCM_SALT_LEN	4
#define CAPWAP_DTLS_GCM_EXPLICIT_LEN	8
#define CAPWAP_DTLS_GCM_NONCE_LEN	12
#define CAPWAP_DTLS_GCM_TAG_LEN		16
#define CAPWAP_DTLS_AAD_LEN		13
/* What a GCM record body carries besides the plaintext. */
#define CAPWAP_DTLS_GCM_OVERHEAD \
	(CAPWAP_DTLS_GCM_EXPLICIT_LEN + CAPWAP_DTLS_GCM_TAG_LEN)

/*
 * AES-CBC with HMAC-SHA1, encrypt-then-MAC (RFC 7366, RFC 5246 section
 * 6.2.3.2): a body is IV || CBC(content || padding) || MAC.  The padding
 * is padding_length + 1 bytes of value padding_length, so up to 256.
 */
#define CAPWAP_DTLS_CBC_IV_LEN		16
#define CAPWAP_DTLS_CBC_BLOCK		16
#define CAPWAP_DTLS_CBC_MAC_LEN		20
#define CAPWAP_DTLS_CBC_MAX_PAD		256
/* What the MAC covers ahead of the ciphertext: the 13 bytes of 6.3, the IV. */
#define CAPWAP_DTLS_CBC_AD_LEN		(CAPWAP_DTLS_AAD_LEN + \
					 CAPWAP_DTLS_CBC_IV_LEN)
/* The most a CBC body carries besides its content. */
#define CAPWAP_DTLS_CBC_MAX_OVERHEAD	(CAPWAP_DTLS_CBC_IV_LEN + \
					 CAPWAP_DTLS_CBC_MAC_LEN + \
					 CAPWAP_DTLS_CBC_MAX_PAD)
/* The smallest CBC body: IV, one block (padding at least), MAC. */
#define CAPWAP_DTLS_CBC_MIN_BODY	(CAPWAP_DTLS_CBC_IV_LEN + \
					 CAPWAP_DTLS_CBC_BLOCK + \
					 CAPWAP_DTLS_CBC_MAC_LEN)

/* One record, pointing into the caller's datagram. */
struct capwap_dtls_record {
	u8 type;		/* enum capwap_dtls_content_type */
	u16 version;
	u16 epoch;
	u64 seq;		/* 48 bits */
	u16 len;		/* of the body */
	const u8 *hdr;		/* the 13-byte header */
	const u8 *body;
};

int capwap_dtls_parse_header(const u8 *buf, size_t len);
void capwap_dtls_put_header(u8 *buf);

int capwap_dtls_next_record(const u8 **pos, size_t *left,
			    struct capwap_dtls_record *rec);
int capwap_dtls_put_record_header(u8 *buf, u8 type, u16 epoch, u64 seq,
				  u16 len);

/* The handshake messages the kernel reads or writes (RFC 6347 4.2.1). */
#define CAPWAP_DTLS_HS_HDR_LEN			12
#define CAPWAP_DTLS_HS_CLIENT_HELLO		1
#define CAPWAP_DTLS_HS_HELLO_VERIFY_REQUEST	3
#define CAPWAP_DTLS_RANDOM_LEN			32
#define CAPWAP_DTLS_MAX_SESSION_ID		32
/* The largest HelloVerifyRequest record, with a 255-byte cookie. */
#define CAPWAP_DTLS_HVR_MAX_LEN	(CAPWAP_DTLS_REC_HDR_LEN + \
				 CAPWAP_DTLS_HS_HDR_LEN + 3 + 255)

/* What a ClientHello says up to its cookie, pointing into its record. */
struct capwap_dtls_hello {
	u16 msg_seq;
	u16 client_version;
	u8 cookie_len;
	const u8 *cookie;
};

int capwap_dtls_parse_client_hello(const struct capwap_dtls_record *rec,
				   struct capwap_dtls_hello *h);
size_t capwap_dtls_cookie_addr(u8 *out, const u8 *ip, size_t ip_len,
			       const u8 *port);
int capwap_dtls_cookie_secret(u8 cookie_gen, u8 gen, bool have_prev);
int capwap_dtls_put_hello_verify(u8 *buf, size_t size,
				 const struct capwap_dtls_record *hello,
				 const u8 *cookie, u8 cookie_len);

void capwap_dtls_gcm_nonce(u8 *nonce, const u8 *salt, const u8 *explicit);
void capwap_dtls_aad(u8 *aad, const struct capwap_dtls_record *rec,
		     u16 plain_len);
int capwap_dtls_gcm_plain_len(const struct capwap_dtls_record *rec);

int capwap_dtls_cbc_cipher_len(const struct capwap_dtls_record *rec);
void capwap_dtls_cbc_ad(u8 *ad, const struct capwap_dtls_record *rec,
			const u8 *iv, u16 cipher_len);
int capwap_dtls_cbc_pad(u8 *plain, size_t len);
int capwap_dtls_cbc_unpad(const u8 *plain, size_t len);

/*
 * Anti-replay (RFC 6347 section 4.1.2.6): the highest sequence number
 * that authenticated, and a bit for each of the 64 numbers at and below
 * it.  check() before decrypting; update() only after the record
 * authenticated, so a forged record cannot move the window.
 */
#define CAPWAP_DTLS_REPLAY_WINDOW	64

struct capwap_dtls_replay {
	u64 top;
	u64 seen;		/* bit i: top - i authenticated */
};

void capwap_dtls_replay_init(struct capwap_dtls_replay *w, u64 next_seq);
int capwap_dtls_replay_check(const struct capwap_dtls_replay *w, u64 seq);
void capwap_dtls_replay_update(struct capwap_dtls_replay *w, u64 seq);

/*
 * The key block lscd gives the kernel for one association, after the
 * handshake (docs/PROTOCOL.md section 6.4): 192 bytes, numbers
 * big-endian, unused key bytes zero.  rx holds what the peer writes with
 * (the client's write keys at the controller), tx what the kernel writes
 * with.
 */
#define CAPWAP_DTLS_KEYS_FORMAT		1
#define CAPWAP_DTLS_KEYS_LEN		192
#define CAPWAP_DTLS_MAX_KEY_LEN		32
#define CAPWAP_DTLS_MAX_MAC_KEY_LEN	48

enum capwap_dtls_cipher {
	CAPWAP_DTLS_CIPHER_AES_128_GCM = 1,
	CAPWAP_DTLS_CIPHER_AES_256_GCM = 2,
	CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 = 3,
	CAPWAP_DTLS_CIPHER_AES_256_CBC_SHA1 = 4,
	__CAPWAP_DTLS_CIPHER_MAX
};

/* Flags byte of the key block. */
#define CAPWAP_DTLS_KEYS_F_ETM		(1U << 0)	/* RFC 7366, CBC only */
#define __CAPWAP_DTLS_KEYS_F_ALL	CAPWAP_DTLS_KEYS_F_ETM

struct capwap_dtls_dir_keys {
	u8 key[CAPWAP_DTLS_MAX_KEY_LEN];
	u8 salt[CAPWAP_DTLS_GCM_SALT_LEN];
	u8 mac_key[CAPWAP_DTLS_MAX_MAC_KEY_LEN];
};

struct capwap_dtls_keys {
	u8 cipher;		/* enum capwap_dtls_cipher */
	u8 flags;		/* CAPWAP_DTLS_KEYS_F_* */
	u16 suite;		/* IANA cipher suite number, for display */
	u16 epoch;
	u64 rx_seq;		/* lowest sequence number accepted */
	u64 tx_seq;		/* first sequence number sent */
	struct capwap_dtls_dir_keys rx, tx;
};

int capwap_dtls_cipher_key_len(u8 cipher);
int capwap_dtls_cipher_mac_key_len(u8 cipher);
bool capwap_dtls_cipher_cbc(u8 cipher);
int capwap_dtls_keys_put(const struct capwap_dtls_keys *k, u8 *buf,
			 size_t size);
int capwap_dtls_keys_parse(const u8 *buf, size_t len,
			   struct capwap_dtls_keys *k);

#endif /* _CAPWAP_LSC_WIRE_DTLS_H */
