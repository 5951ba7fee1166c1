/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's record layer as the DTLS unit tests play it, with EVP in
 * place of the kernel's AEAD: open an AES-GCM record under a key block
 * (RFC 5288), and an AES-128-CBC-HMAC-SHA1 record, MAC-then-encrypt or
 * encrypt-then-MAC (the latter with the kernel's lengths, additional data
 * and padding check of wire_dtls.c); and seal an encrypt-then-MAC record
 * as the kernel does, or with padding the kernel must refuse.
 */
#ifndef DTLS_RECORDS_H
#define DTLS_RECORDS_H

#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tap.h"
#include "wire_dtls.h"

#ifndef DGRAM_MAX
#define DGRAM_MAX	2048
#endif

/* GCM's cipher for a key block's key length; key_len 32 is AES-256. */
static inline const EVP_CIPHER *gcm(int key_len)
{
	return key_len == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
}

/*
 * One received record under @k's rx keys (AES-GCM): epoch, replay
 * window, AEAD, and only then the window moves.  Returns the plaintext length, -EALREADY or -ERANGE for
 * a replay, -EBADMSG when it does not authenticate.
 */
static int dtls_gcm_open(const struct capwap_dtls_keys *k,
			 struct capwap_dtls_replay *w,
			 const struct capwap_dtls_record *r, u8 *out)
{
	u8 nonce[CAPWAP_DTLS_GCM_NONCE_LEN], aad[CAPWAP_DTLS_AAD_LEN];
	const u8 *ct = r->body + CAPWAP_DTLS_GCM_EXPLICIT_LEN;
	int plain = capwap_dtls_gcm_plain_len(r), n, ok, ret;
	EVP_CIPHER_CTX *c;

	if (plain < 0 || r->epoch != k->epoch ||
	    r->type != CAPWAP_DTLS_CT_APPLICATION_DATA)
		return -EBADMSG;
	ret = capwap_dtls_replay_check(w, r->seq);
	if (ret)
		return ret;
	capwap_dtls_gcm_nonce(nonce, k->rx.salt, r->body);
	capwap_dtls_aad(aad, r, plain);
	c = EVP_CIPHER_CTX_new();
	ok = c && EVP_DecryptInit_ex(c, gcm(capwap_dtls_cipher_key_len(k->cipher)),
				     NULL, k->rx.key, nonce) &&
	     EVP_DecryptUpdate(c, NULL, &n, aad, sizeof(aad)) &&
	     EVP_DecryptUpdate(c, out, &n, ct, plain) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG,
				 CAPWAP_DTLS_GCM_TAG_LEN, (void *)(ct + plain)) &&
	     EVP_DecryptFinal_ex(c, out + n, &n) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return -EBADMSG;
	capwap_dtls_replay_update(w, r->seq);
	return plain;
}

/* HMAC-SHA1 of @ad (@ad_len bytes) then @data into @mac. */
static inline bool hmac_sha1(const u8 *key, const u8 *ad, size_t ad_len,
		      const u8 *data, size_t len, u8 *mac)
{
	static u8 in[CAPWAP_DTLS_CBC_AD_LEN + DGRAM_MAX];
	u8 out[EVP_MAX_MD_SIZE];
	size_t mlen;

	if (ad_len > CAPWAP_DTLS_CBC_AD_LEN || len > DGRAM_MAX)
		return false;
	memcpy(in, ad, ad_len);
	memcpy(in + ad_len, data, len);
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, key, 20, in,
		       ad_len + len, out, sizeof(out), &mlen) || mlen != 20)
		return false;
	memcpy(mac, out, 20);
	return true;
}

static bool hmac_sha1_ok(const u8 *key, const u8 *ad, size_t ad_len,
			 const u8 *data, size_t len, const u8 *want)
{
	u8 mac[20];

	return hmac_sha1(key, ad, ad_len, data, len, mac) &&
	       !memcmp(mac, want, 20);
}

/* AES-128-CBC without padding; the caller pads, or checks the padding. */
static inline bool cbc_run(bool enc, const u8 *key, const u8 *iv, const u8 *in,
		    size_t len, u8 *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, m, ok;

	ok = c && len && !(len % 16) &&
	     EVP_CipherInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv, enc) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_CipherUpdate(c, out, &n, in, len) &&
	     EVP_CipherFinal_ex(c, out + n, &m);
	EVP_CIPHER_CTX_free(c);
	return ok;
}

/*
 * Seals @len bytes of @msg as an encrypt-then-MAC record @r (type, epoch
 * and sequence set by the caller; its length is set here) with @key and
 * @mac_key, into @out (header and body), as the kernel does: random IV,
 * capwap_dtls_cbc_pad(), HMAC over capwap_dtls_cbc_ad() and the
 * ciphertext.  With @bad_pad a padding byte is wrong, under a MAC that
 * still holds: only the holder of the key can make such a record.
 * Returns the record's length, or 0.
 */
static inline size_t dtls_cbc_seal(const u8 *key, const u8 *mac_key,
			    struct capwap_dtls_record *r, const u8 *msg,
			    size_t len, bool bad_pad, u8 *out)
{
	u8 plain[DGRAM_MAX], ad[CAPWAP_DTLS_CBC_AD_LEN];
	u8 *iv = out + CAPWAP_DTLS_REC_HDR_LEN, *ct = iv + 16;
	int clen;

	if (len + 16 > sizeof(plain) ||
	    CAPWAP_DTLS_REC_HDR_LEN + CAPWAP_DTLS_CBC_MAX_OVERHEAD + len >
	    DGRAM_MAX)
		return 0;
	memcpy(plain, msg, len);
	clen = capwap_dtls_cbc_pad(plain, len);
	if (bad_pad && clen - (int)len >= 2)
		plain[len] ^= 1;
	else if (bad_pad)
		plain[clen - 1] = 0xff;
	r->version = CAPWAP_DTLS_VERSION_1_2;
	r->len = 16 + clen + 20;
	capwap_dtls_put_record_header(out, r->type, r->epoch, r->seq, r->len);
	if (RAND_bytes(iv, 16) != 1 || !cbc_run(true, key, iv, plain, clen, ct))
		return 0;
	capwap_dtls_cbc_ad(ad, r, iv, clen);
	if (!hmac_sha1(mac_key, ad, sizeof(ad), ct, clen, ct + clen))
		return 0;
	return CAPWAP_DTLS_REC_HDR_LEN + r->len;
}

/*
 * MAC-then-encrypt (RFC 5246 6.2.3.2): body = IV || CBC(plaintext ||
 * HMAC || padding), the HMAC over the additional data of 6.3 and the
 * plaintext.  Encrypt-then-MAC (RFC 7366): body = IV || CBC(plaintext ||
 * padding) || HMAC, the HMAC over the same 13 bytes with the length of
 * IV and ciphertext, then IV and ciphertext.
 */
static const char *dtls_cbc_open(const struct capwap_dtls_keys *k,
			    const struct capwap_dtls_record *r, bool etm,
			    const char *msg, size_t msg_len)
{
	u8 plain[DGRAM_MAX], aad[CAPWAP_DTLS_CBC_AD_LEN];
	size_t ct_len = r->len - 16 - (etm ? 20 : 0);
	int n, pad;

	CHECK(r->len > 16 + 20 && (size_t)r->len - 36 <= sizeof(plain),
	      "record too short or too long for CBC");
	if (etm) {
		n = capwap_dtls_cbc_cipher_len(r);
		CHECK(n >= 0 && (size_t)n == ct_len,
		      "not IV, whole blocks and MAC: %d", n);
		capwap_dtls_cbc_ad(aad, r, r->body, ct_len);
		CHECK(hmac_sha1_ok(k->rx.mac_key, aad, sizeof(aad),
				   r->body + 16, ct_len, r->body + 16 + ct_len),
		      "encrypt-then-MAC: the HMAC differs");
	}
	CHECK(cbc_run(false, k->rx.key, r->body, r->body + 16, ct_len, plain),
	      "CBC decryption failed");
	if (etm) {
		n = capwap_dtls_cbc_unpad(plain, ct_len);
	} else {
		pad = plain[ct_len - 1];
		n = ct_len - 1 - pad - 20;
	}
	CHECK(n >= 0, "padding refused, or longer than the record");
	if (!etm) {
		capwap_dtls_aad(aad, r, n);
		CHECK(hmac_sha1_ok(k->rx.mac_key, aad, CAPWAP_DTLS_AAD_LEN,
				   plain, n, plain + n),
		      "MAC-then-encrypt: the HMAC differs");
	}
	CHECK((size_t)n == msg_len && !memcmp(plain, msg, n),
	      "plaintext differs");
	return NULL;
}

#endif /* DTLS_RECORDS_H */
