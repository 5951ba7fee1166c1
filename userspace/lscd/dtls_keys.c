// SPDX-License-Identifier: GPL-2.0
/*
 * The DTLS key handover (dtls_keys.h): the key block of RFC 5246 section
 * 6.3 from OpenSSL's session, laid out for the kernel.
 *
 * The suite decides three things: the cipher and its key length, the MAC
 * key length (CBC suites only), and the PRF's hash.  DTLS 1.2 uses
 * SHA-256 for every suite but the *_SHA384 ones; OpenSSL's handshake
 * digest for a pre-1.2 suite such as AES128-SHA is MD5-SHA1, which
 * DTLS 1.2 never uses, so only SHA-384 is taken from it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>

#include "dtls_keys.h"

#define MASTER_LEN	48
#define RANDOM_LEN	32
#define LABEL		"key expansion"
#define LABEL_LEN	(sizeof(LABEL) - 1)

static const struct {
	int cipher_nid;
	int mac_nid;
	uint8_t cipher;
} suites[] = {
	{ NID_aes_128_gcm, NID_undef, CAPWAP_DTLS_CIPHER_AES_128_GCM },
	{ NID_aes_256_gcm, NID_undef, CAPWAP_DTLS_CIPHER_AES_256_GCM },
	{ NID_aes_128_cbc, NID_sha1, CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 },
	{ NID_aes_256_cbc, NID_sha1, CAPWAP_DTLS_CIPHER_AES_256_CBC_SHA1 },
};

int lscd_dtls_suite_cipher(const SSL_CIPHER *c)
{
	int cnid = SSL_CIPHER_get_cipher_nid(c);
	int mnid = SSL_CIPHER_get_digest_nid(c);
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].cipher_nid == cnid && suites[i].mac_nid == mnid)
			return suites[i].cipher;
	return -EOPNOTSUPP;
}

static const char *prf_digest(const SSL_CIPHER *c)
{
	const EVP_MD *md = SSL_CIPHER_get_handshake_digest(c);

	return md && EVP_MD_get_type(md) == NID_sha384 ? "SHA384" : "SHA256";
}

/* TLS 1.2 PRF(master, "key expansion", server_random || client_random). */
static int key_expansion(const char *digest, const uint8_t *master,
			 const uint8_t *seed, size_t seed_len, uint8_t *out,
			 size_t out_len)
{
	OSSL_PARAM params[4];
	EVP_KDF_CTX *ctx;
	EVP_KDF *kdf;
	int ok;

	kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_TLS1_PRF, NULL);
	ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!ctx)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
						      (void *)master,
						      MASTER_LEN);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						      (void *)seed, seed_len);
	params[3] = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, out, out_len, params);
	EVP_KDF_CTX_free(ctx);
	return ok == 1 ? 0 : -EIO;
}

void lscd_dtls_seq_watch(struct lscd_dtls_seq_watch *w, uint16_t epoch,
			 const uint8_t *dgram, size_t len)
{
	struct lscd_dtls_seq_watch next = *w;
	struct capwap_dtls_record r;
	int ret;

	while ((ret = capwap_dtls_next_record(&dgram, &len, &r)) == 1)
		if (r.epoch == epoch && (!next.seen || r.seq > next.last_seq)) {
			next.seen = true;
			next.last_seq = r.seq;
		}
	if (!ret)
		*w = next;
}

int lscd_dtls_derive_keys(SSL *ssl, const struct lscd_dtls_handover *h,
			  struct capwap_dtls_keys *k, char *why, size_t size)
{
	uint8_t master[MASTER_LEN], seed[LABEL_LEN + 2 * RANDOM_LEN];
	/* Both directions' MAC keys, keys and salts, in RFC 5246's order. */
	uint8_t block[2 * (CAPWAP_DTLS_MAX_MAC_KEY_LEN +
			   CAPWAP_DTLS_MAX_KEY_LEN + CAPWAP_DTLS_GCM_SALT_LEN)];
	struct capwap_dtls_dir_keys *client, *server;
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	SSL_SESSION *sess = SSL_get_session(ssl);
	size_t mlen, klen, slen;
	const uint8_t *p;
	int cipher, err;

	memset(k, 0, sizeof(*k));
	if (!c || !sess || !SSL_is_init_finished(ssl)) {
		snprintf(why, size, "the DTLS handshake has not completed");
		return -EINVAL;
	}
	if (SSL_version(ssl) != DTLS1_2_VERSION) {
		snprintf(why, size, "%s is not DTLS 1.2", SSL_get_version(ssl));
		return -EPROTONOSUPPORT;
	}
	cipher = lscd_dtls_suite_cipher(c);
	if (cipher < 0) {
		snprintf(why, size, "cipher suite %s cannot be handed over",
			 SSL_CIPHER_get_name(c));
		return cipher;
	}
	/* What the kernel would refuse is refused here, in words. */
	if (!h->epoch || h->rx_seq > CAPWAP_DTLS_SEQ_MAX ||
	    h->tx_seq > CAPWAP_DTLS_SEQ_MAX) {
		snprintf(why, size,
			 "epoch %u or sequence numbers %llu/%llu out of range",
			 h->epoch, (unsigned long long)h->rx_seq,
			 (unsigned long long)h->tx_seq);
		return -ERANGE;
	}
	if (h->etm && !capwap_dtls_cipher_mac_key_len(cipher)) {
		snprintf(why, size, "encrypt-then-MAC with the AEAD suite %s",
			 SSL_CIPHER_get_name(c));
		return -EINVAL;
	}
	if (SSL_SESSION_get_master_key(sess, master, sizeof(master)) !=
	    MASTER_LEN) {
		OPENSSL_cleanse(master, sizeof(master));
		snprintf(why, size, "the session has no 48-byte master secret");
		return -EINVAL;
	}
	memcpy(seed, LABEL, LABEL_LEN);
	SSL_get_server_random(ssl, seed + LABEL_LEN, RANDOM_LEN);
	SSL_get_client_random(ssl, seed + LABEL_LEN + RANDOM_LEN, RANDOM_LEN);

	mlen = capwap_dtls_cipher_mac_key_len(cipher);
	klen = capwap_dtls_cipher_key_len(cipher);
	/* CBC records carry their IV (RFC 5246 6.2.3.2): no salt to derive. */
	slen = mlen ? 0 : CAPWAP_DTLS_GCM_SALT_LEN;
	err = key_expansion(prf_digest(c), master, seed, sizeof(seed), block,
			    2 * (mlen + klen + slen));
	OPENSSL_cleanse(master, sizeof(master));
	if (err) {
		snprintf(why, size, "the TLS1-PRF key expansion failed");
		goto out;
	}

	k->cipher = cipher;
	k->flags = h->etm ? CAPWAP_DTLS_KEYS_F_ETM : 0;
	k->suite = SSL_CIPHER_get_protocol_id(c);
	k->epoch = h->epoch;
	k->rx_seq = h->rx_seq;
	k->tx_seq = h->tx_seq;
	client = SSL_is_server(ssl) ? &k->rx : &k->tx;
	server = SSL_is_server(ssl) ? &k->tx : &k->rx;
	p = block;
	memcpy(client->mac_key, p, mlen);
	memcpy(server->mac_key, p + mlen, mlen);
	p += 2 * mlen;
	memcpy(client->key, p, klen);
	memcpy(server->key, p + klen, klen);
	p += 2 * klen;
	memcpy(client->salt, p, slen);
	memcpy(server->salt, p + slen, slen);

out:
	OPENSSL_cleanse(block, sizeof(block));
	if (err)
		OPENSSL_cleanse(k, sizeof(*k));
	return err;
}

/* @name in RFC 2253 form, as "openssl x509 -nameopt RFC2253" prints it. */
static void name_rfc2253(const X509_NAME *name, char *out, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	out[0] = 0;
	if (b && name && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(b, out, (int)size - 1);
	out[n > 0 ? n : 0] = 0;
	BIO_free(b);
}

void lscd_dtls_ident_read(X509 *cert, const char *suite,
			  struct lscd_dtls_ident *id)
{
	unsigned int len = sizeof(id->fingerprint);

	memset(id, 0, sizeof(*id));
	if (suite)
		snprintf(id->suite, sizeof(id->suite), "%s", suite);
	if (!cert)
		return;
	name_rfc2253(X509_get_subject_name(cert), id->subject,
		     sizeof(id->subject));
	name_rfc2253(X509_get_issuer_name(cert), id->issuer,
		     sizeof(id->issuer));
	id->has_fingerprint = X509_digest(cert, EVP_sha256(), id->fingerprint,
					  &len) == 1 &&
			      len == sizeof(id->fingerprint);
}

size_t lscd_dtls_ident_room(void)
{
	return (size_t)nla_total_size(CAPWAP_LSC_DTLS_MAX_SUITE_LEN + 1) +
	       2 * (size_t)nla_total_size(CAPWAP_LSC_DTLS_MAX_NAME_LEN + 1) +
	       (size_t)nla_total_size(CAPWAP_LSC_SHA256_LEN);
}

int lscd_dtls_ident_put(struct nl_msg *m, X509 *cert, const char *suite)
{
	struct lscd_dtls_ident id;

	lscd_dtls_ident_read(cert, suite, &id);
	if ((id.suite[0] &&
	     nla_put_string(m, CAPWAP_LSC_A_DTLS_SUITE_NAME, id.suite) < 0) ||
	    (cert && (nla_put_string(m, CAPWAP_LSC_A_DTLS_SUBJECT, id.subject) < 0 ||
		      nla_put_string(m, CAPWAP_LSC_A_DTLS_ISSUER, id.issuer) < 0)) ||
	    (id.has_fingerprint &&
	     nla_put(m, CAPWAP_LSC_A_DTLS_FINGERPRINT, sizeof(id.fingerprint),
		     id.fingerprint) < 0))
		return -EMSGSIZE;
	return 0;
}
