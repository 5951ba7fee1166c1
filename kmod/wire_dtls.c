// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * CAPWAP over DTLS 1.2: framing, record headers, GCM nonce and additional
 * data, CBC lengths, additional data and padding, the replay window and
 * the key block (docs/PROTOCOL.md section 6).
 *
 * These are the bytes a record layer must get exactly right and can test
 * without a cipher, so they live here with the parser, where the unit
 * tests hold them to the RFCs' layouts and the fuzzer runs the record
 * parser and the key block parser over hostile input.  Nothing here
 * decrypts: a record that parses is still untrusted until its tag
 * verifies, and only then may capwap_dtls_replay_update() see it (or,
 * for CBC, capwap_dtls_cbc_unpad() read its padding).
 */
#include "wire_dtls.h"

/* A 48-bit sequence number, or the 64-bit field that carries one. */
static u64 get_be48(const u8 *p)
{
	return (u64)get_unaligned_be16(p) << 32 | get_unaligned_be32(p + 2);
}

static void put_be48(u64 v, u8 *p)
{
	put_unaligned_be16(v >> 32, p);
	put_unaligned_be32((u32)v, p + 2);
}

static u64 get_be64(const u8 *p)
{
	return (u64)get_unaligned_be32(p) << 32 | get_unaligned_be32(p + 4);
}

static void put_be64(u64 v, u8 *p)
{
	put_unaligned_be32(v >> 32, p);
	put_unaligned_be32((u32)v, p + 4);
}

/*
 * Returns where the DTLS records start, or -errno.  RFC 5415 section 4.2
 * tells receivers to ignore the 24 reserved bits, so only the preamble is
 * checked.
 */
int capwap_dtls_parse_header(const u8 *buf, size_t len)
{
	if (len < CAPWAP_DTLS_HDR_LEN)
		return -EBADMSG;
	if (buf[0] != CAPWAP_DTLS_PREAMBLE)
		return -EPROTO;
	return CAPWAP_DTLS_HDR_LEN;
}

void capwap_dtls_put_header(u8 *buf)
{
	put_unaligned_be32((u32)CAPWAP_DTLS_PREAMBLE << 24, buf);
}

/*
 * Takes the next record of a datagram: 1 and @rec when there is one, 0
 * at the end, -errno when the rest cannot be a record (it is then all
 * dropped, RFC 6347 section 4.1.2.7: the lengths are no longer to be
 * trusted).  DTLS 1.0 is refused once keys are in use (epoch above 0);
 * in epoch 0 a ClientHello and a HelloVerifyRequest may carry 0xfeff in
 * the record header (RFC 6347 section 4.2.1) and the handshake, not the
 * record layer, refuses DTLS 1.0.
 */
int capwap_dtls_next_record(const u8 **pos, size_t *left,
			    struct capwap_dtls_record *rec)
{
	const u8 *p = *pos;
	int err;

	if (!*left)
		return 0;
	err = -ENODATA;
	if (*left < CAPWAP_DTLS_REC_HDR_LEN)
		goto bad;
	rec->hdr = p;
	rec->type = p[0];
	rec->version = get_unaligned_be16(p + 1);
	rec->epoch = get_unaligned_be16(p + 3);
	rec->seq = get_be48(p + 5);
	rec->len = get_unaligned_be16(p + 11);
	rec->body = p + CAPWAP_DTLS_REC_HDR_LEN;

	err = -EBADMSG;
	if (rec->type < CAPWAP_DTLS_CT_CHANGE_CIPHER_SPEC ||
	    rec->type > CAPWAP_DTLS_CT_APPLICATION_DATA)
		goto bad;
	err = -EPROTONOSUPPORT;
	if (rec->version != CAPWAP_DTLS_VERSION_1_2 &&
	    (rec->version != CAPWAP_DTLS_VERSION_1_0 || rec->epoch))
		goto bad;
	err = -E2BIG;
	if (rec->len > CAPWAP_DTLS_MAX_BODY)
		goto bad;
	err = -EMSGSIZE;
	if (rec->len > *left - CAPWAP_DTLS_REC_HDR_LEN)
		goto bad;
	*pos = p + CAPWAP_DTLS_REC_HDR_LEN + rec->len;
	*left -= CAPWAP_DTLS_REC_HDR_LEN + rec->len;
	return 1;
bad:
	*left = 0;
	return err;
}

/* A DTLS 1.2 record header for a body of @len bytes. */
int capwap_dtls_put_record_header(u8 *buf, u8 type, u16 epoch, u64 seq,
				  u16 len)
{
	if (seq > CAPWAP_DTLS_SEQ_MAX)
		return -ERANGE;
	if (len > CAPWAP_DTLS_MAX_BODY)
		return -E2BIG;
	buf[0] = type;
	put_unaligned_be16(CAPWAP_DTLS_VERSION_1_2, buf + 1);
	put_unaligned_be16(epoch, buf + 3);
	put_be48(seq, buf + 5);
	put_unaligned_be16(len, buf + 11);
	return CAPWAP_DTLS_REC_HDR_LEN;
}

/*
 * RFC 5288 section 3: the 12-byte GCM nonce is the 4-byte salt (the
 * write IV of the key block) followed by the 8-byte explicit nonce the
 * record body starts with.
 */
void capwap_dtls_gcm_nonce(u8 *nonce, const u8 *salt, const u8 *explicit)
{
	memcpy(nonce, salt, CAPWAP_DTLS_GCM_SALT_LEN);
	memcpy(nonce + CAPWAP_DTLS_GCM_SALT_LEN, explicit,
	       CAPWAP_DTLS_GCM_EXPLICIT_LEN);
}

/*
 * RFC 5246 section 6.2.3.3 with RFC 6347 section 4.1.2.1's sequence
 * number: epoch (16) and sequence (48), type, version, and the length of
 * the plaintext, not of the record.
 */
void capwap_dtls_aad(u8 *aad, const struct capwap_dtls_record *rec,
		     u16 plain_len)
{
	put_unaligned_be16(rec->epoch, aad);
	put_be48(rec->seq, aad + 2);
	aad[8] = rec->type;
	put_unaligned_be16(rec->version, aad + 9);
	put_unaligned_be16(plain_len, aad + 11);
}

/* The plaintext length a GCM record body holds, or -EBADMSG. */
int capwap_dtls_gcm_plain_len(const struct capwap_dtls_record *rec)
{
	if (rec->len < CAPWAP_DTLS_GCM_OVERHEAD)
		return -EBADMSG;
	return rec->len - CAPWAP_DTLS_GCM_OVERHEAD;
}

/*
 * The length of a CBC body's ciphertext (between the IV and the MAC), or
 * -EBADMSG: at least one block, and whole blocks, before anything of the
 * body is read or handed to the cipher.
 */
int capwap_dtls_cbc_cipher_len(const struct capwap_dtls_record *rec)
{
	int n;

	if (rec->len < CAPWAP_DTLS_CBC_MIN_BODY)
		return -EBADMSG;
	n = rec->len - CAPWAP_DTLS_CBC_IV_LEN - CAPWAP_DTLS_CBC_MAC_LEN;
	if (n % CAPWAP_DTLS_CBC_BLOCK)
		return -EBADMSG;
	return n;
}

/*
 * What the MAC covers ahead of the ciphertext under encrypt-then-MAC (RFC
 * 7366 section 3): epoch and sequence, type, version, the length of IV
 * and ciphertext (not the record's, which also counts the MAC), then the
 * IV.  The kernel's authenc hashes its associated data and then the
 * ciphertext, but not its IV argument, hence the IV here.
 */
void capwap_dtls_cbc_ad(u8 *ad, const struct capwap_dtls_record *rec,
			const u8 *iv, u16 cipher_len)
{
	capwap_dtls_aad(ad, rec, CAPWAP_DTLS_CBC_IV_LEN + cipher_len);
	memcpy(ad + CAPWAP_DTLS_AAD_LEN, iv, CAPWAP_DTLS_CBC_IV_LEN);
}

/*
 * Pads @len bytes of content at @plain to whole blocks (RFC 5246 section
 * 6.2.3.2): the fewest bytes, 1 to 16, each of value padding_length.
 * Longer padding would hide lengths no better here: a CAPWAP message's
 * type already shows in its size.  Returns the padded length.
 */
int capwap_dtls_cbc_pad(u8 *plain, size_t len)
{
	size_t pad = CAPWAP_DTLS_CBC_BLOCK - len % CAPWAP_DTLS_CBC_BLOCK;

	memset(plain + len, (int)(pad - 1), pad);
	return len + pad;
}

/*
 * The content length of @len decrypted bytes whose MAC authenticated, or
 * -EBADMSG when the padding is not padding_length + 1 bytes of value
 * padding_length.  Not constant time, and need not be: with
 * encrypt-then-MAC only the holder of the MAC key reaches this, so its
 * timing tells an attacker nothing (RFC 7366 section 3).
 */
int capwap_dtls_cbc_unpad(const u8 *plain, size_t len)
{
	size_t pad, i;

	if (!len || len % CAPWAP_DTLS_CBC_BLOCK)
		return -EBADMSG;
	pad = plain[len - 1];
	if (pad + 1 > len)
		return -EBADMSG;
	for (i = len - 1 - pad; i < len - 1; i++)
		if (plain[i] != pad)
			return -EBADMSG;
	return len - 1 - pad;
}

/*
 * A window where every number below @next_seq counts as seen: after a
 * handover the kernel cannot know which of them OpenSSL already read.
 */
void capwap_dtls_replay_init(struct capwap_dtls_replay *w, u64 next_seq)
{
	if (!next_seq) {
		w->top = 0;
		w->seen = 0;
	} else {
		w->top = next_seq - 1;
		w->seen = ~0ULL;
	}
}

/* 0 when @seq may be decrypted, -EALREADY for a replay, -ERANGE too old. */
int capwap_dtls_replay_check(const struct capwap_dtls_replay *w, u64 seq)
{
	u64 diff;

	if (seq > w->top)
		return 0;
	diff = w->top - seq;
	if (diff >= CAPWAP_DTLS_REPLAY_WINDOW)
		return -ERANGE;
	if (w->seen & (1ULL << diff))
		return -EALREADY;
	return 0;
}

/* Records @seq as authenticated; call it only after the tag verified. */
void capwap_dtls_replay_update(struct capwap_dtls_replay *w, u64 seq)
{
	u64 shift;

	if (seq > w->top) {
		shift = seq - w->top;
		w->seen = shift >= CAPWAP_DTLS_REPLAY_WINDOW ?
			  0 : w->seen << shift;
		w->seen |= 1;
		w->top = seq;
		return;
	}
	shift = w->top - seq;
	if (shift < CAPWAP_DTLS_REPLAY_WINDOW)
		w->seen |= 1ULL << shift;
}

/* ---- Key block ---------------------------------------------------- */

#define KB_FORMAT	0
#define KB_CIPHER	1
#define KB_FLAGS	2
#define KB_RESERVED	3
#define KB_SUITE	4
#define KB_EPOCH	6
#define KB_RX_SEQ	8
#define KB_TX_SEQ	16
#define KB_RX		24
#define KB_DIR_LEN	(CAPWAP_DTLS_MAX_KEY_LEN + CAPWAP_DTLS_GCM_SALT_LEN + \
			 CAPWAP_DTLS_MAX_MAC_KEY_LEN)
#define KB_TX		(KB_RX + KB_DIR_LEN)
#define KB_SALT_OFF	CAPWAP_DTLS_MAX_KEY_LEN
#define KB_MAC_OFF	(KB_SALT_OFF + CAPWAP_DTLS_GCM_SALT_LEN)

static const struct {
	u8 key_len;
	u8 mac_key_len;
	bool gcm;
} ciphers[__CAPWAP_DTLS_CIPHER_MAX] = {
	[CAPWAP_DTLS_CIPHER_AES_128_GCM] = { 16, 0, true },
	[CAPWAP_DTLS_CIPHER_AES_256_GCM] = { 32, 0, true },
	[CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1] = { 16, 20, false },
	[CAPWAP_DTLS_CIPHER_AES_256_CBC_SHA1] = { 32, 20, false },
};

static bool cipher_known(u8 cipher)
{
	return cipher < __CAPWAP_DTLS_CIPHER_MAX && ciphers[cipher].key_len;
}

/* Key length of @cipher in bytes, or -EINVAL. */
int capwap_dtls_cipher_key_len(u8 cipher)
{
	return cipher_known(cipher) ? ciphers[cipher].key_len : -EINVAL;
}

/* MAC key length (0 for GCM), or -EINVAL. */
int capwap_dtls_cipher_mac_key_len(u8 cipher)
{
	return cipher_known(cipher) ? ciphers[cipher].mac_key_len : -EINVAL;
}

/* Whether @cipher is one of the CBC ones (false for unknown ones too). */
bool capwap_dtls_cipher_cbc(u8 cipher)
{
	return cipher_known(cipher) && !ciphers[cipher].gcm;
}

static bool all_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Bytes of a direction's keys beyond what @cipher uses must be zero. */
static bool dir_keys_valid(u8 cipher, const u8 *p)
{
	const u8 *salt = p + KB_SALT_OFF, *mac = p + KB_MAC_OFF;
	size_t klen = ciphers[cipher].key_len;
	size_t mlen = ciphers[cipher].mac_key_len;

	if (!all_zero(p + klen, CAPWAP_DTLS_MAX_KEY_LEN - klen))
		return false;
	if (!ciphers[cipher].gcm &&
	    !all_zero(salt, CAPWAP_DTLS_GCM_SALT_LEN))
		return false;
	return all_zero(mac + mlen, CAPWAP_DTLS_MAX_MAC_KEY_LEN - mlen);
}

static void put_dir(const struct capwap_dtls_dir_keys *d, u8 *p)
{
	memcpy(p, d->key, CAPWAP_DTLS_MAX_KEY_LEN);
	memcpy(p + KB_SALT_OFF, d->salt, CAPWAP_DTLS_GCM_SALT_LEN);
	memcpy(p + KB_MAC_OFF, d->mac_key, CAPWAP_DTLS_MAX_MAC_KEY_LEN);
}

static void get_dir(const u8 *p, struct capwap_dtls_dir_keys *d)
{
	memcpy(d->key, p, CAPWAP_DTLS_MAX_KEY_LEN);
	memcpy(d->salt, p + KB_SALT_OFF, CAPWAP_DTLS_GCM_SALT_LEN);
	memcpy(d->mac_key, p + KB_MAC_OFF, CAPWAP_DTLS_MAX_MAC_KEY_LEN);
}

/*
 * Writes @k as the key block and checks it as the kernel will, so lscd
 * cannot hand over what the kernel would refuse.  Returns its length or
 * -errno.
 */
int capwap_dtls_keys_put(const struct capwap_dtls_keys *k, u8 *buf,
			 size_t size)
{
	struct capwap_dtls_keys check;
	int err;

	if (size < CAPWAP_DTLS_KEYS_LEN)
		return -ENOSPC;
	memset(buf, 0, CAPWAP_DTLS_KEYS_LEN);
	buf[KB_FORMAT] = CAPWAP_DTLS_KEYS_FORMAT;
	buf[KB_CIPHER] = k->cipher;
	buf[KB_FLAGS] = k->flags;
	put_unaligned_be16(k->suite, buf + KB_SUITE);
	put_unaligned_be16(k->epoch, buf + KB_EPOCH);
	put_be64(k->rx_seq, buf + KB_RX_SEQ);
	put_be64(k->tx_seq, buf + KB_TX_SEQ);
	put_dir(&k->rx, buf + KB_RX);
	put_dir(&k->tx, buf + KB_TX);
	err = capwap_dtls_keys_parse(buf, CAPWAP_DTLS_KEYS_LEN, &check);
	memzero_explicit(&check, sizeof(check));
	if (err) {
		memzero_explicit(buf, CAPWAP_DTLS_KEYS_LEN);
		return err;
	}
	return CAPWAP_DTLS_KEYS_LEN;
}

/*
 * Reads a key block as it came from userspace: every field is checked,
 * unknown formats, ciphers and flags are refused (-EOPNOTSUPP), and so is
 * anything inconsistent (-EINVAL).
 */
int capwap_dtls_keys_parse(const u8 *buf, size_t len,
			   struct capwap_dtls_keys *k)
{
	u8 cipher, flags;

	memset(k, 0, sizeof(*k));
	if (len != CAPWAP_DTLS_KEYS_LEN)
		return -EINVAL;
	cipher = buf[KB_CIPHER];
	flags = buf[KB_FLAGS];
	if (buf[KB_FORMAT] != CAPWAP_DTLS_KEYS_FORMAT || !cipher_known(cipher) ||
	    (flags & ~__CAPWAP_DTLS_KEYS_F_ALL))
		return -EOPNOTSUPP;
	if (buf[KB_RESERVED] ||
	    ((flags & CAPWAP_DTLS_KEYS_F_ETM) && ciphers[cipher].gcm))
		return -EINVAL;
	k->cipher = cipher;
	k->flags = flags;
	k->suite = get_unaligned_be16(buf + KB_SUITE);
	k->epoch = get_unaligned_be16(buf + KB_EPOCH);
	k->rx_seq = get_be64(buf + KB_RX_SEQ);
	k->tx_seq = get_be64(buf + KB_TX_SEQ);
	if (!k->epoch || k->rx_seq > CAPWAP_DTLS_SEQ_MAX ||
	    k->tx_seq > CAPWAP_DTLS_SEQ_MAX ||
	    !dir_keys_valid(cipher, buf + KB_RX) ||
	    !dir_keys_valid(cipher, buf + KB_TX)) {
		memzero_explicit(k, sizeof(*k));
		return -EINVAL;
	}
	get_dir(buf + KB_RX, &k->rx);
	get_dir(buf + KB_TX, &k->tx);
	return 0;
}
