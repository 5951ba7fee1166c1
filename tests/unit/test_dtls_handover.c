// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer test of the DTLS key handover: an OpenSSL DTLS 1.2 client
 * (the AP) and server (the controller) handshake in this process over a
 * datagram pipe, with certificates made here and mutual authentication.
 * Then lscd_dtls_derive_keys() gives the key block, and the record code
 * of kmod/wire_dtls.c with EVP's AES-GCM plays the kernel's record layer:
 *   - a record OpenSSL's client wrote decrypts to its plaintext;
 *   - records sealed with the handed-over keys, at sequence numbers far
 *     above OpenSSL's, are read by OpenSSL's server (client keys) and by
 *     OpenSSL's client (server keys, the kernel's send direction);
 *   - a record with a flipped bit and a replayed record are refused, and
 *     the refused forgery does not move the replay window.
 * Each runs with ECDHE-ECDSA-AES128-GCM-SHA256 and with
 * ECDHE-ECDSA-AES256-GCM-SHA384 (whose PRF is SHA-384).  The keys of
 * the CBC suite ECDHE-ECDSA-AES128-SHA are held to a record OpenSSL's
 * client wrote, MAC-then-encrypt and encrypt-then-MAC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "dtls_keys.h"
#include "dtls_pipe.h"
#include "dtls_records.h"
#include "lsc.h"
#include "mic.h"
#include "tap.h"
#include "wire_dtls.h"

/* ---- The two peers --------------------------------------------------- */

struct peers {
	const char *suite;
	SSL_CTX *cctx, *sctx;
	SSL *client, *server;
	struct pipe c2s, s2c;
	bool up;
	/* The controller's key block, and the kernel's state it starts. */
	struct capwap_dtls_keys keys;
	struct capwap_dtls_replay window;
	int key_len;
};

static struct wtp_ca ca;
static EVP_PKEY *server_key, *client_key;
static X509 *server_cert, *client_cert;

static X509 *issue(EVP_PKEY *key, const char *cn, struct wtp_ca *by)
{
	X509_NAME *n = X509_NAME_new();
	X509 *x;

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	x = wtp_cert_issue(by, key, key, n, 1, !by);
	X509_NAME_free(n);
	return x;
}

static int make_credentials(void)
{
	ca.key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	server_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	client_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!ca.key || !server_key || !client_key)
		return -1;
	ca.cert = issue(ca.key, "handover test CA", NULL);
	server_cert = ca.cert ? issue(server_key, "controller", &ca) : NULL;
	client_cert = ca.cert ? issue(client_key, "C1262-f866f267577e", &ca) :
		      NULL;
	return server_cert && client_cert ? 0 : -1;
}

static SSL_CTX *make_ctx(bool server, const char *suite, long options)
{
	SSL_CTX *ctx = SSL_CTX_new(DTLS_method());

	if (!ctx)
		return NULL;
	if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, suite) ||
	    !SSL_CTX_use_certificate(ctx, server ? server_cert : client_cert) ||
	    !SSL_CTX_use_PrivateKey(ctx, server ? server_key : client_key) ||
	    !X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca.cert)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | options);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return ctx;
}

static bool want_read(SSL *ssl, int ret)
{
	return ret == 1 || SSL_get_error(ssl, ret) == SSL_ERROR_WANT_READ;
}

static const char *handshake(struct peers *p, long options)
{
	struct lscd_dtls_handover h = { .epoch = 1 };
	int i, rc = 0, rs = 0;
	char why[256];
	X509 *peer;

	p->cctx = make_ctx(false, p->suite, options);
	p->sctx = make_ctx(true, p->suite, options);
	CHECK(p->cctx && p->sctx, "contexts: %s", wtp_ssl_error());
	p->client = SSL_new(p->cctx);
	p->server = SSL_new(p->sctx);
	CHECK(p->client && p->server, "SSL_new: %s", wtp_ssl_error());
	CHECK(lscd_dtls_derive_keys(p->server, &h, &p->keys, why,
				    sizeof(why)) == -EINVAL &&
	      strstr(why, "not completed"), "keys before the handshake");
	SSL_set_bio(p->client, pipe_bio(&p->s2c), pipe_bio(&p->c2s));
	SSL_set_bio(p->server, pipe_bio(&p->c2s), pipe_bio(&p->s2c));
	DTLS_set_link_mtu(p->client, 1400);
	DTLS_set_link_mtu(p->server, 1400);
	SSL_set_connect_state(p->client);
	SSL_set_accept_state(p->server);
	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		rc = SSL_do_handshake(p->client);
		CHECK(want_read(p->client, rc), "client: %s", wtp_ssl_error());
		rs = SSL_do_handshake(p->server);
		CHECK(want_read(p->server, rs), "server: %s", wtp_ssl_error());
	}
	CHECK(rc == 1 && rs == 1, "no handshake after %d rounds", i);
	CHECK(SSL_version(p->server) == DTLS1_2_VERSION, "not DTLS 1.2");
	CHECK(!strcmp(SSL_get_cipher_name(p->server), p->suite),
	      "suite %s, not %s", SSL_get_cipher_name(p->server), p->suite);
	CHECK(SSL_get_verify_result(p->server) == X509_V_OK &&
	      SSL_get_verify_result(p->client) == X509_V_OK,
	      "peer verification failed");
	peer = SSL_get1_peer_certificate(p->server);
	CHECK(peer && !X509_cmp(peer, client_cert),
	      "the server did not get the client's certificate");
	X509_free(peer);
	/* Why the record parser takes 0xfeff in epoch 0 (RFC 6347 4.2.1). */
	CHECK(p->c2s.first_version == CAPWAP_DTLS_VERSION_1_0,
	      "the ClientHello record is version %04x, not DTLS 1.0's",
	      p->c2s.first_version);
	CHECK(p->c2s.epoch1.seen && p->s2c.epoch1.seen,
	      "no epoch-1 record (Finished) seen in the pipes");
	p->up = true;
	return NULL;
}

/*
 * The controller's handover: the kernel takes the client's records from
 * the one after its Finished, and sends from far above the server's, so
 * nothing OpenSSL wrote can be mistaken for the kernel's.
 */
#define TX_GAP 0x1000

static const char *derive(struct peers *p, u8 cipher, u16 suite)
{
	struct lscd_dtls_handover h = { .epoch = 1 };
	struct lscd_dtls_seq_watch w;
	struct capwap_dtls_keys ck;
	u8 block[CAPWAP_DTLS_KEYS_LEN];
	char why[256];
	int ret;

	CHECK(p->up, "no handshake");
	/* A datagram that is not DTLS does not move the watch. */
	w = p->c2s.epoch1;
	lscd_dtls_seq_watch(&w, 1, (const u8 *)"\x17\xfe\xfd\x00\x01\xff\xff"
			    "\xff\xff\xff\xff\x00\x05", 13);
	CHECK(w.last_seq == p->c2s.epoch1.last_seq, "a truncated record counted");
	h.rx_seq = p->c2s.epoch1.last_seq + 1;
	h.tx_seq = p->s2c.epoch1.last_seq + TX_GAP;
	ret = lscd_dtls_derive_keys(p->server, &h, &p->keys, why, sizeof(why));
	CHECK(!ret, "server side: %s", why);
	CHECK(p->keys.cipher == cipher && p->keys.suite == suite &&
	      p->keys.epoch == 1 && p->keys.rx_seq == h.rx_seq &&
	      p->keys.tx_seq == h.tx_seq, "cipher %u suite %04x, not %u %04x",
	      p->keys.cipher, p->keys.suite, cipher, suite);
	p->key_len = capwap_dtls_cipher_key_len(cipher);
	/* The AP's side of the same session mirrors the controller's. */
	ret = lscd_dtls_derive_keys(p->client, &h, &ck, why, sizeof(why));
	CHECK(!ret, "client side: %s", why);
	CHECK(!memcmp(&ck.rx, &p->keys.tx, sizeof(ck.rx)) &&
	      !memcmp(&ck.tx, &p->keys.rx, sizeof(ck.tx)),
	      "client and server sides disagree");
	CHECK(memcmp(&p->keys.rx, &p->keys.tx, sizeof(p->keys.rx)),
	      "both directions have the same keys");
	CHECK(capwap_dtls_keys_put(&p->keys, block, sizeof(block)) ==
	      CAPWAP_DTLS_KEYS_LEN, "the kernel would refuse the key block");
	capwap_dtls_replay_init(&p->window, p->keys.rx_seq);

	/* What the kernel would refuse is refused before it, in words. */
	h.rx_seq = CAPWAP_DTLS_SEQ_MAX + 1;
	CHECK(lscd_dtls_derive_keys(p->server, &h, &ck, why, sizeof(why)) ==
	      -ERANGE && strstr(why, "out of range") && !ck.cipher,
	      "a 49-bit sequence number was handed over");
	h.rx_seq = 1;
	h.etm = true;
	CHECK(lscd_dtls_derive_keys(p->server, &h, &ck, why, sizeof(why)) ==
	      -EINVAL && strstr(why, "encrypt-then-MAC"),
	      "encrypt-then-MAC taken for GCM");
	return NULL;
}

/* ---- The kernel's record layer, as it will run ----------------------- */

/* One received record, as the kernel will take it (dtls_records.h). */
static int open_record(struct peers *p, const struct capwap_dtls_record *r,
		       u8 *out)
{
	return dtls_gcm_open(&p->keys, &p->window, r, out);
}

/*
 * One sent record under @dk: the explicit nonce is the record's own
 * epoch and sequence number (RFC 5288 3 allows it), unique per key as
 * long as sequence numbers are.  Returns the record's length.
 */
static int seal_record(const struct capwap_dtls_dir_keys *dk, int key_len,
		       u64 seq, const char *msg, u8 *out)
{
	u8 nonce[CAPWAP_DTLS_GCM_NONCE_LEN], aad[CAPWAP_DTLS_AAD_LEN];
	size_t plain = strlen(msg), left;
	struct capwap_dtls_record r;
	EVP_CIPHER_CTX *c;
	const u8 *pos = out;
	u8 *ct;
	int n, ok;

	if (capwap_dtls_put_record_header(out, CAPWAP_DTLS_CT_APPLICATION_DATA,
					  1, seq, plain +
					  CAPWAP_DTLS_GCM_OVERHEAD) < 0)
		return -1;
	memcpy(out + CAPWAP_DTLS_REC_HDR_LEN, out + 3,
	       CAPWAP_DTLS_GCM_EXPLICIT_LEN);
	left = CAPWAP_DTLS_REC_HDR_LEN + CAPWAP_DTLS_GCM_OVERHEAD + plain;
	if (capwap_dtls_next_record(&pos, &left, &r) != 1)
		return -1;
	ct = out + CAPWAP_DTLS_REC_HDR_LEN + CAPWAP_DTLS_GCM_EXPLICIT_LEN;
	capwap_dtls_gcm_nonce(nonce, dk->salt, r.body);
	capwap_dtls_aad(aad, &r, plain);
	c = EVP_CIPHER_CTX_new();
	ok = c && EVP_EncryptInit_ex(c, gcm(key_len), NULL, dk->key, nonce) &&
	     EVP_EncryptUpdate(c, NULL, &n, aad, sizeof(aad)) &&
	     EVP_EncryptUpdate(c, ct, &n, (const u8 *)msg, plain) &&
	     EVP_EncryptFinal_ex(c, ct + n, &n) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG,
				 CAPWAP_DTLS_GCM_TAG_LEN, ct + plain);
	EVP_CIPHER_CTX_free(c);
	return ok ? (int)(CAPWAP_DTLS_REC_HDR_LEN + r.len) : -1;
}

static const char *openssl_to_kernel(struct peers *p)
{
	static const char msg[] = "Echo Request from the AP";
	struct capwap_dtls_record r;
	u8 dgram[DGRAM_MAX], out[DGRAM_MAX];
	int n;

	CHECK(p->key_len, "no keys");
	CHECK(SSL_write(p->client, msg, sizeof(msg)) == sizeof(msg),
	      "SSL_write: %s", wtp_ssl_error());
	CHECK(!take_record(&p->c2s, dgram, &r), "no single record written");
	CHECK(r.epoch == 1 && r.seq == p->keys.rx_seq &&
	      r.type == CAPWAP_DTLS_CT_APPLICATION_DATA,
	      "record epoch %u seq %llu type %u", r.epoch,
	      (unsigned long long)r.seq, r.type);
	n = open_record(p, &r, out);
	CHECK(n == sizeof(msg) && !memcmp(out, msg, n),
	      "OpenSSL's record does not open: %d", n);
	return NULL;
}

/* A record the kernel would seal, fed to one of the OpenSSL peers. */
static const char *sealed_read(struct peers *p,
			       const struct capwap_dtls_dir_keys *dk, u64 seq,
			       struct pipe *to, SSL *reader, const char *msg)
{
	u8 rec[DGRAM_MAX];
	char got[64];
	int n;

	CHECK(p->key_len, "no keys");
	n = seal_record(dk, p->key_len, seq, msg, rec);
	CHECK(n > 0, "sealing failed");
	CHECK(pipe_push(to, rec, n) == n, "pipe full");
	n = SSL_read(reader, got, sizeof(got));
	CHECK(n == (int)strlen(msg) && !memcmp(got, msg, n),
	      "OpenSSL read %d: %s", n, wtp_ssl_error());
	return NULL;
}

/* Under the AP's keys, far above its sequence numbers: its server reads. */
static const char *kernel_to_server(struct peers *p)
{
	return sealed_read(p, &p->keys.rx, p->c2s.epoch1.last_seq + TX_GAP,
			   &p->c2s, p->server, "sealed with the AP's write keys");
}

/* The kernel's own send direction: server keys, to the AP's OpenSSL. */
static const char *kernel_to_client(struct peers *p)
{
	return sealed_read(p, &p->keys.tx, p->keys.tx_seq, &p->s2c, p->client,
			   "Echo Response from the kernel");
}

static const char *forged_and_replayed(struct peers *p)
{
	static const char msg[] = "Configuration Update Request";
	struct capwap_dtls_record r, bad;
	u8 dgram[DGRAM_MAX], flipped[DGRAM_MAX], out[DGRAM_MAX];
	int n, m, i, reads = 0;
	const u8 *pos;
	size_t left;

	CHECK(p->key_len, "no keys");
	CHECK(SSL_write(p->client, msg, sizeof(msg)) == sizeof(msg),
	      "SSL_write: %s", wtp_ssl_error());
	CHECK(!take_record(&p->c2s, dgram, &r), "no single record written");
	n = CAPWAP_DTLS_HDR_LEN + CAPWAP_DTLS_REC_HDR_LEN + r.len;
	memcpy(flipped, dgram, n);
	flipped[n - CAPWAP_DTLS_GCM_TAG_LEN - 3] ^= 0x04;
	pos = flipped + CAPWAP_DTLS_HDR_LEN;
	left = n - CAPWAP_DTLS_HDR_LEN;
	CHECK(capwap_dtls_next_record(&pos, &left, &bad) == 1, "reparse");
	CHECK(open_record(p, &bad, out) == -EBADMSG,
	      "a record with a flipped bit opened");
	/* The forgery did not move the window: the true record opens. */
	n = open_record(p, &r, out);
	CHECK(n == sizeof(msg) && !memcmp(out, msg, n),
	      "the true record after the forgery: %d", n);
	CHECK(open_record(p, &r, out) == -EALREADY, "a replay opened");
	/*
	 * OpenSSL agrees, on the kernel's send side: of a forgery, the true
	 * record and its replay, the AP's OpenSSL reads the true one once.
	 */
	n = seal_record(&p->keys.tx, p->key_len, p->keys.tx_seq + 1, msg,
			dgram);
	CHECK(n > 0, "sealing failed");
	memcpy(flipped, dgram, n);
	flipped[CAPWAP_DTLS_REC_HDR_LEN + CAPWAP_DTLS_GCM_EXPLICIT_LEN] ^= 0x80;
	CHECK(pipe_push(&p->s2c, flipped, n) == n &&
	      pipe_push(&p->s2c, dgram, n) == n &&
	      pipe_push(&p->s2c, dgram, n) == n, "pipe full");
	for (i = 0; i < 3; i++) {
		m = SSL_read(p->client, out, sizeof(out));
		if (m > 0) {
			CHECK(m == (int)strlen(msg) && !memcmp(out, msg, m) &&
			      !reads++, "OpenSSL's client read %d", m);
		} else {
			CHECK(SSL_get_error(p->client, m) ==
			      SSL_ERROR_WANT_READ, "client: %s", wtp_ssl_error());
		}
	}
	CHECK(reads == 1 && !p->s2c.count, "OpenSSL's client read %d of 3",
	      reads);
	return NULL;
}

static void peers_free(struct peers *p)
{
	SSL_free(p->client);
	SSL_free(p->server);
	SSL_CTX_free(p->cctx);
	SSL_CTX_free(p->sctx);
	OPENSSL_cleanse(&p->keys, sizeof(p->keys));
}

/* ---- CBC: keys held to a record of OpenSSL's client ---------------- */

static const char *cbc_client_record(bool etm)
{
	static const char msg[] = "Join Request over AES-128-CBC";
	struct peers *p = calloc(1, sizeof(*p));
	struct lscd_dtls_handover h = { .epoch = 1, .etm = etm };
	struct capwap_dtls_record r;
	static char reason[256];
	u8 dgram[DGRAM_MAX];
	const char *why;

	CHECK(p, "out of memory");
	p->suite = "ECDHE-ECDSA-AES128-SHA";
	why = handshake(p, etm ? 0 : SSL_OP_NO_ENCRYPT_THEN_MAC);
	if (!why && lscd_dtls_derive_keys(p->server, &h, &p->keys, reason,
					  sizeof(reason)))
		why = reason;
	if (!why && (p->keys.cipher != CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 ||
		     p->keys.suite != 0xc009 ||
		     p->keys.flags != (etm ? CAPWAP_DTLS_KEYS_F_ETM : 0)))
		why = "not AES-128-CBC-SHA1 / 0xc009 with the right flags";
	if (!why && (SSL_write(p->client, msg, sizeof(msg)) != sizeof(msg) ||
		     take_record(&p->c2s, dgram, &r)))
		why = "no record from the client";
	if (!why)
		why = dtls_cbc_open(&p->keys, &r, etm, msg, sizeof(msg));
	peers_free(p);
	free(p);
	return why;
}

/*
 * DTLS_KEYS is sized before the certificate is read: a subject and an
 * issuer at their bound (255 bytes each, RFC 2253 form) must fit the room
 * lscd_dtls_ident_room() gives, or an AP with long names could never join.
 */
static const char *longest_identity_fits(void)
{
	X509_NAME *n = X509_NAME_new();
	struct nl_msg *m = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
					    lscd_dtls_ident_room());
	char ou[61];
	struct nlattr *a;
	const char *why = NULL;
	X509 *x = NULL;
	int i;

	memset(ou, 'x', sizeof(ou) - 1);
	ou[sizeof(ou) - 1] = 0;
	for (i = 0; n && i < 6; i++)
		X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8,
					   (const unsigned char *)ou, -1, -1, 0);
	if (n)
		x = wtp_cert_issue(NULL, client_key, client_key, n, 1, 0);
	if (!m || !x || !genlmsg_put(m, 0, 0, 1, 0, 0, 1, 1)) {
		why = "set-up";
		goto out;
	}
	if (lscd_dtls_ident_put(m, x, "ECDHE-ECDSA-AES256-GCM-SHA384")) {
		why = "the identity does not fit the room given for it";
		goto out;
	}
	a = nla_find(genlmsg_attrdata(nlmsg_data(nlmsg_hdr(m)), 0),
		     genlmsg_attrlen(nlmsg_data(nlmsg_hdr(m)), 0),
		     CAPWAP_LSC_A_DTLS_ISSUER);
	if (!a || nla_len(a) != CAPWAP_LSC_DTLS_MAX_NAME_LEN + 1)
		why = "the issuer was not at its bound: the case proves nothing";
out:
	X509_free(x);
	X509_NAME_free(n);
	nlmsg_free(m);
	return why;
}

/* ---- Cases -------------------------------------------------------- */

static const struct {
	const char *name;
	const char *suite;
	u8 cipher;
	u16 id;
} suites[] = {
	{ "aes128gcm", "ECDHE-ECDSA-AES128-GCM-SHA256",
	  CAPWAP_DTLS_CIPHER_AES_128_GCM, 0xc02b },
	{ "aes256gcm", "ECDHE-ECDSA-AES256-GCM-SHA384",
	  CAPWAP_DTLS_CIPHER_AES_256_GCM, 0xc02c },
};

static const char *const steps[] = {
	"handshake", "derive_keys", "openssl_record_opens",
	"kernel_record_read_by_server", "kernel_record_read_by_client",
	"forgery_and_replay_refused",
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static void result(const char *suite, const char *step, const char *why)
{
	char name[128];

	snprintf(name, sizeof(name), "%s_%s", suite, step);
	tap_result(name, why);
}

int main(void)
{
	size_t i;

	tap_plan(TAP_COUNT(suites) * NSTEPS + 3);
	if (pipe_method_init() || make_credentials()) {
		fprintf(stderr, "set-up failed: %s\n", wtp_ssl_error());
		return 1;
	}
	for (i = 0; i < TAP_COUNT(suites); i++) {
		struct peers *p = calloc(1, sizeof(*p));

		if (!p)
			return 1;
		p->suite = suites[i].suite;
		result(suites[i].name, steps[0], handshake(p, 0));
		result(suites[i].name, steps[1],
		       derive(p, suites[i].cipher, suites[i].id));
		result(suites[i].name, steps[2], openssl_to_kernel(p));
		result(suites[i].name, steps[3], kernel_to_server(p));
		result(suites[i].name, steps[4], kernel_to_client(p));
		result(suites[i].name, steps[5], forged_and_replayed(p));
		peers_free(p);
		free(p);
	}
	tap_result("aes128cbc_sha1_mac_then_encrypt_record_opens",
		   cbc_client_record(false));
	tap_result("aes128cbc_sha1_encrypt_then_mac_record_opens",
		   cbc_client_record(true));
	tap_result("longest_identity_fits_dtls_keys", longest_identity_fits());
	wtp_ca_free(&ca);
	EVP_PKEY_free(server_key);
	EVP_PKEY_free(client_key);
	X509_free(server_cert);
	X509_free(client_cert);
	pipe_method_free();
	return tap_exit();
}
