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

static u32 get_be24(const u8 *p)
{
	return (u32)p[0] << 16 | (u32)p[1] << 8 | p[2];
}

static void put_be24(u32 v, u8 *p)
{
	p[0] = v >> 16;
	p[1] = v >> 8;
	p[2] = v;
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
 * RFC 6347 section 4.2.2: a handshake message's 12-byte header (type,
 * length 24, message_seq 16, fragment_offset 24, fragment_length 24).
 * RFC 5246 section 7.4.1.2 with RFC 6347 section 4.2.1: a ClientHello
 * opens with client_version, random (32), session_id<0..32> and
 * cookie<0..255>.  Only a whole message in one record is taken: a peer
 * that fragments its ClientHello is left to lscd.
 */
int capwap_dtls_parse_client_hello(const struct capwap_dtls_record *rec,
				   struct capwap_dtls_hello *h)
{
	const u8 *b = rec->body;
	u32 msg_len, frag_off, frag_len;
	size_t pos, sid_len;

	if (rec->type != CAPWAP_DTLS_CT_HANDSHAKE || rec->epoch ||
	    rec->len < CAPWAP_DTLS_HS_HDR_LEN ||
	    b[0] != CAPWAP_DTLS_HS_CLIENT_HELLO)
		return -ENOMSG;
	msg_len = get_be24(b + 1);
	frag_off = get_be24(b + 6);
	frag_len = get_be24(b + 9);
	if (frag_off || frag_len != msg_len)
		return -ENOMSG;
	if (frag_len > (u32)rec->len - CAPWAP_DTLS_HS_HDR_LEN)
		return -EBADMSG;
	h->msg_seq = get_unaligned_be16(b + 4);
	b += CAPWAP_DTLS_HS_HDR_LEN;
	/* client_version, random, and the session_id's length byte */
	pos = 2 + CAPWAP_DTLS_RANDOM_LEN;
	if (msg_len < pos + 1)
		return -EBADMSG;
	h->client_version = get_unaligned_be16(b);
	sid_len = b[pos];
	if (sid_len > CAPWAP_DTLS_MAX_SESSION_ID)
		return -EBADMSG;
	pos += 1 + sid_len;
	if (msg_len < pos + 1 || msg_len - pos - 1 < b[pos])
		return -EBADMSG;
	h->cookie_len = b[pos];
	h->cookie = b + pos + 1;
	return 0;
}

/*
 * What a cookie is computed over, at the controller: the family (4 or 6),
 * the IP and the port of the peer, IP and port as on the wire.  The
 * kernel and lscd both take these bytes, so a cookie one makes the other
 * verifies.  Returns their length, 3 + @ip_len.
 */
size_t capwap_dtls_cookie_addr(u8 *out, const u8 *ip, size_t ip_len,
			       const u8 *port)
{
	out[0] = ip_len == 4 ? 4 : 6;
	memcpy(out + 1, ip, ip_len);
	memcpy(out + 1 + ip_len, port, 2);
	return 1 + ip_len + 2;
}

/*
 * Under which of the controller's two cookie secrets a cookie whose first
 * byte is @cookie_gen was made, the current secret being of generation
 * @gen (its low byte): 0 the current one, 1 the one before it (which
 * exists only when @have_prev), -1 neither.  The kernel and lscd both
 * ask this, so that they never take different cookies.
 */
int capwap_dtls_cookie_secret(u8 cookie_gen, u8 gen, bool have_prev)
{
	if (cookie_gen == gen)
		return 0;
	if (have_prev && cookie_gen == (u8)(gen - 1))
		return 1;
	return -1;
}

/*
 * RFC 6347 section 4.2.1: the answer to ClientHello @hello, carrying
 * @cookie, into @buf.  The record repeats the ClientHello's epoch and
 * sequence number so that the server keeps no state; record and
 * server_version say DTLS 1.0, which every DTLS client takes in a
 * HelloVerifyRequest; message_seq is 0, the server's first message.
 * Returns the record's length, or -errno.
 */
int capwap_dtls_put_hello_verify(u8 *buf, size_t size,
				 const struct capwap_dtls_record *hello,
				 const u8 *cookie, u8 cookie_len)
{
	size_t body = 2 + 1 + cookie_len;
	size_t hs = CAPWAP_DTLS_HS_HDR_LEN + body;
	u8 *p = buf + CAPWAP_DTLS_REC_HDR_LEN;

	if (size < CAPWAP_DTLS_REC_HDR_LEN + hs)
		return -ENOSPC;
	if (hello->seq > CAPWAP_DTLS_SEQ_MAX)
		return -ERANGE;
	buf[0] = CAPWAP_DTLS_CT_HANDSHAKE;
	put_unaligned_be16(CAPWAP_DTLS_VERSION_1_0, buf + 1);
	put_unaligned_be16(hello->epoch, buf + 3);
	put_be48(hello->seq, buf + 5);
	put_unaligned_be16(hs, buf + 11);
	/* message_seq and fragment_offset stay 0: one whole message */
	memset(p, 0, CAPWAP_DTLS_HS_HDR_LEN);
	p[0] = CAPWAP_DTLS_HS_HELLO_VERIFY_REQUEST;
	put_be24(body, p + 1);
	put_be24(body, p + 9);
	p += CAPWAP_DTLS_HS_HDR_LEN;
	put_unaligned_be16(CAPWAP_DTLS_VERSION_1_0, p);
	p[2] = cookie_len;
	memcpy(p + 3, cookie, cookie_len);
	return CAPWAP_DTLS_REC_HDR_LEN + hs;
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
