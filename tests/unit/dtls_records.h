/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's record layer as the DTLS unit tests play it, with EVP in
 * place of the kernel's AEAD: open an AES-GCM record under a key block
 * (RFC 5288), and an AES-128-CBC-HMAC-SHA1 record, MAC-then-encrypt or
 * encrypt-then-MAC.
 */
#ifndef DTLS_RECORDS_H
#define DTLS_RECORDS_H

#include <string.h>

#include <openssl/evp.h>

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

static bool hmac_sha1_ok(const u8 *key, const u8 *aad, const u8 *data,
			 size_t len, const u8 *want)
{
	static u8 in[CAPWAP_DTLS_AAD_LEN + DGRAM_MAX];
	u8 mac[EVP_MAX_MD_SIZE];
	size_t mlen;

	memcpy(in, aad, CAPWAP_DTLS_AAD_LEN);
	memcpy(in + CAPWAP_DTLS_AAD_LEN, data, len);
	return EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, key, 20, in,
			 CAPWAP_DTLS_AAD_LEN + len, mac, sizeof(mac), &mlen) &&
	       mlen == 20 && !memcmp(mac, want, 20);
}

/* AES-128-CBC without padding removal; the caller checks the padding. */
static bool cbc_decrypt(const u8 *key, const u8 *iv, const u8 *in,
			size_t len, u8 *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, m, ok;

	ok = c && len && !(len % 16) &&
	     EVP_DecryptInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_DecryptUpdate(c, out, &n, in, len) &&
	     EVP_DecryptFinal_ex(c, out + n, &m);
	EVP_CIPHER_CTX_free(c);
	return ok;
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
	u8 plain[DGRAM_MAX], aad[CAPWAP_DTLS_AAD_LEN];
	size_t ct_len = r->len - 16 - (etm ? 20 : 0);
	int n, pad;

	CHECK(r->len > 16 + 20, "record too short for CBC");
	if (etm) {
		capwap_dtls_aad(aad, r, r->len - 20);
		CHECK(hmac_sha1_ok(k->rx.mac_key, aad, r->body, r->len - 20,
				   r->body + r->len - 20),
		      "encrypt-then-MAC: the HMAC differs");
	}
	CHECK(cbc_decrypt(k->rx.key, r->body, r->body + 16, ct_len, plain),
	      "CBC decryption failed");
	pad = plain[ct_len - 1];
	n = ct_len - 1 - pad - (etm ? 0 : 20);
	CHECK(n >= 0, "padding %d longer than the record", pad);
	if (!etm) {
		capwap_dtls_aad(aad, r, n);
		CHECK(hmac_sha1_ok(k->rx.mac_key, aad, plain, n, plain + n),
		      "MAC-then-encrypt: the HMAC differs");
	}
	CHECK((size_t)n == msg_len && !memcmp(plain, msg, n),
	      "plaintext differs");
	return NULL;
}

#endif /* DTLS_RECORDS_H */
