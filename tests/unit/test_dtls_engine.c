// SPDX-License-Identifier: GPL-2.0
/*
 * lscd's DTLS handshake engine (userspace/lscd/dtls_engine.c) against an
 * OpenSSL DTLS client in this process, over datagram pipes: every
 * datagram goes through the engine with its CAPWAP DTLS header, as the
 * kernel will relay it.
 *
 *   - A ClientHello without a cookie is answered with a
 *     HelloVerifyRequest and leaves no association; neither do a
 *     thousand from spoofed addresses, nor a cookie from another
 *     address or from two secrets ago.
 *   - The kernel's side of the cookie exchange (the wire code's
 *     HelloVerifyRequest, with the secrets the engine hands out) is the
 *     engine's byte for byte, and its cookie opens an association.
 *   - Handshakes complete with ECDHE-RSA and ECDHE-ECDSA AES-128-GCM,
 *     AES-256-GCM and RFC 5415's AES128-SHA; the key block lscd hands
 *     over mirrors the client's, and opens the client's first record.
 *   - Refused: DTLS 1.0 (failed already when the cookie exchange hands
 *     the association over), a client without a certificate, a certificate
 *     from a foreign CA (judged by dtls_peer.c in the verify callback),
 *     a captured LSC presented without its key.
 *   - An LSC whose EKU is id-kp-capwapWTP alone joins (OpenSSL's
 *     default client purpose would refuse it).
 *   - The retransmission timer resends a lost flight; the half-open cap
 *     holds, in all and per source IP (ports aside); a half-open
 *     association fails at its hard deadline, on a clock driven here;
 *     suites that cannot be handed over are refused at set-up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/ssl.h>

#include "dtls_certs.h"
#include "dtls_engine.h"
#include "dtls_keys.h"
#include "dtls_pipe.h"
#include "dtls_records.h"
#include "tap.h"

#define AP_CN "C1262-f866f267577e"
static const uint8_t ap_mac[6] = { 0xf8, 0x66, 0xf2, 0x67, 0x57, 0x7e };
static const char addr1[] = "192.0.2.10:5246", addr2[] = "192.0.2.11:5246";

static struct tcert ca, foreign, ctl_rsa, ctl_ec, ap, ap_foreign, ap_rfc,
	ap_expired, mfg_root, mfg_inter, ap_mic, ap_rsa;
static struct lscd_dtls_policy *pol;

static int setup(void)
{
	struct { struct tcert *t; struct tcert_spec s; } certs[] = {
		{ &ca, { .cn = "LSC CA", .from = -3600, .to = 365 * DAY, .ca = 1 } },
		{ &foreign, { .cn = "LSC CA", .from = -3600, .to = 365 * DAY, .ca = 1 } },
		{ &ctl_rsa, { .cn = "controller", .by = &ca, .from = -3600,
			      .to = 30 * DAY, .rsa = 1 } },
		{ &ctl_ec, { .cn = "controller", .by = &ca, .from = -3600,
			     .to = 30 * DAY } },
		{ &ap, { .cn = AP_CN, .by = &ca, .from = -3600, .to = 30 * DAY } },
		{ &ap_foreign, { .cn = AP_CN, .by = &foreign, .from = -3600,
				 .to = 30 * DAY } },
		{ &ap_rfc, { .cn = AP_CN, .by = &ca, .from = -3600,
			     .to = 30 * DAY, .eku = "capwapWTP" } },
		{ &ap_expired, { .cn = AP_CN, .by = &ca, .from = -30 * DAY,
				 .to = -60 } },
		{ &mfg_root, { .cn = "Manufacturer root", .from = -3600,
			       .to = 365 * DAY, .ca = 1 } },
		{ &mfg_inter, { .cn = "Manufacturer CA", .by = &mfg_root,
				.from = -3600, .to = 365 * DAY, .ca = 1 } },
		{ &ap_rsa, { .cn = AP_CN, .by = &ca, .from = -3600,
			     .to = 30 * DAY, .rsa = 1 } },
		{ &ap_mic, { .cn = "AIR-AP1852I-E-K9-f866f267577e",
			     .by = &mfg_inter, .from = -3600, .to = 365 * DAY } },
	};
	size_t i;

	for (i = 0; i < TAP_COUNT(certs); i++)
		if (tcert_make(certs[i].t, &certs[i].s))
			return -1;
	pol = lscd_dtls_policy_new();
	return pol && !lscd_dtls_policy_set_lsc_ca(pol, ca.cert, NULL) &&
	       !lscd_dtls_policy_add_mic_ca(pol, mfg_root.cert) &&
	       !pipe_method_init() ? 0 : -1;
}

static struct lscd_dtls_server_conf conf_of(unsigned int max_half_open)
{
	struct lscd_dtls_server_conf conf = {
		.policy = pol,
		.creds = { { ctl_rsa.cert, ctl_rsa.key, NULL },
			   { ctl_ec.cert, ctl_ec.key, NULL } },
		.ncreds = 2,
		.max_half_open = max_half_open,
	};

	return conf;
}

static struct lscd_dtls_server *server(unsigned int max_half_open,
				       char *why, size_t size)
{
	struct lscd_dtls_server_conf conf = conf_of(max_half_open);

	return lscd_dtls_server_new(&conf, why, size);
}

/*
 * "192.0.2.10:5246" or "::ffff:192.0.2.10:5246" (the port after the last
 * colon) as the sockaddr recvfrom() gives; 0 if it does not parse.
 */
static socklen_t sockaddr_of(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	const char *colon = strrchr(text, ':');
	char ip[64];

	memset(ss, 0, sizeof(*ss));
	if (!colon || colon - text >= (long)sizeof(ip))
		return 0;
	memcpy(ip, text, colon - text);
	ip[colon - text] = 0;
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(atoi(colon + 1));
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(atoi(colon + 1));
		return sizeof(*s6);
	}
	return 0;
}

static enum lscd_dtls_listen_result listen_from(struct lscd_dtls_server *s,
						const char *addr,
						const u8 *d, size_t n,
						u8 *reply, size_t *rlen,
						struct lscd_dtls_conn **conn)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, &ss);

	return lscd_dtls_listen(s, (struct sockaddr *)&ss, len, d, n, reply,
				rlen, conn);
}

/* ---- The AP: an OpenSSL DTLS client ------------------------------------ */

struct client {
	SSL_CTX *ctx;
	SSL *ssl;
	struct pipe c2s, s2c;
	int ret;		/* of its last SSL_do_handshake() */
};

struct client_spec {
	const char *suites;
	X509 *cert;
	EVP_PKEY *key;
	int version;		/* max; 0: DTLS 1.2 */
	X509 *chain;		/* an intermediate sent after the certificate */
	uint64_t options;	/* SSL_OP_* of the client */
	const char *server_suites;	/* NULL: the engine's default */
};

static struct client *client_new(const struct client_spec *s)
{
	struct client *c = calloc(1, sizeof(*c));
	int v = s->version ? s->version : DTLS1_2_VERSION;

	if (!c)
		return NULL;
	c->ctx = SSL_CTX_new(DTLS_client_method());
	if (!c->ctx || !SSL_CTX_set_min_proto_version(c->ctx, v) ||
	    !SSL_CTX_set_max_proto_version(c->ctx, v) ||
	    !SSL_CTX_set_cipher_list(c->ctx, s->suites) ||
	    (s->cert && (!SSL_CTX_use_certificate(c->ctx, s->cert) ||
			 !SSL_CTX_use_PrivateKey(c->ctx, s->key))) ||
	    !X509_STORE_add_cert(SSL_CTX_get_cert_store(c->ctx), ca.cert))
		goto fail;
	if (s->chain && (!X509_up_ref(s->chain) ||
			 !SSL_CTX_add_extra_chain_cert(c->ctx, s->chain)))
		goto fail;
	SSL_CTX_set_options(c->ctx, SSL_OP_NO_QUERY_MTU | s->options);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl)
		goto fail;
	SSL_set_bio(c->ssl, pipe_bio(&c->s2c), pipe_bio(&c->c2s));
	DTLS_set_link_mtu(c->ssl, 1396);
	SSL_set_connect_state(c->ssl);
	return c;
fail:
	SSL_CTX_free(c->ctx);
	free(c);
	return NULL;
}

static void client_free(struct client *c)
{
	if (!c)
		return;
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	free(c);
}

static bool client_step(struct client *c)
{
	c->ret = SSL_do_handshake(c->ssl);
	return c->ret == 1 || SSL_get_error(c->ssl, c->ret) == SSL_ERROR_WANT_READ;
}

/* ---- The relay between them, as the kernel will be ---------------------- */

struct run {
	struct lscd_dtls_server *srv;
	struct lscd_dtls_conn *conn;
	struct client *cl;
	const char *addr;
	int verifies;		/* HelloVerifyRequests the client got */
	int drops;
	bool bad_header;	/* a datagram out without the CAPWAP DTLS header */
};

static void to_client(struct run *r, const u8 *d, int n)
{
	if (n < CAPWAP_DTLS_HDR_LEN ||
	    capwap_dtls_parse_header(d, n) != CAPWAP_DTLS_HDR_LEN) {
		r->bad_header = true;
		return;
	}
	pipe_push(&r->cl->s2c, d + CAPWAP_DTLS_HDR_LEN, n - CAPWAP_DTLS_HDR_LEN);
}

static void drain(struct run *r)
{
	u8 d[DGRAM_MAX];
	int n;

	while (r->conn && (n = lscd_dtls_conn_output(r->conn, d, sizeof(d))) > 0)
		to_client(r, d, n);
}

/* One datagram of the client's into the engine. */
static void relay_one(struct run *r, const u8 *d, size_t n)
{
	u8 reply[DGRAM_MAX];
	size_t rlen;

	if (!r->conn) {
		switch (listen_from(r->srv, r->addr, d, n, reply, &rlen,
				    &r->conn)) {
		case LSCD_DTLS_LISTEN_VERIFY:
			r->verifies++;
			to_client(r, reply, rlen);
			break;
		case LSCD_DTLS_LISTEN_DROP:
			r->drops++;
			break;
		case LSCD_DTLS_LISTEN_NEW:
			break;
		}
	} else {
		lscd_dtls_conn_input(r->conn, d, n);
	}
	drain(r);
}

static void relay(struct run *r)
{
	u8 d[DGRAM_MAX + CAPWAP_DTLS_HDR_LEN];
	int n;

	while ((n = pipe_pop(&r->cl->c2s, d + CAPWAP_DTLS_HDR_LEN,
			     DGRAM_MAX)) > 0) {
		capwap_dtls_put_header(d);
		relay_one(r, d, n + CAPWAP_DTLS_HDR_LEN);
	}
}

static bool server_settled(struct run *r)
{
	return r->conn && lscd_dtls_conn_state(r->conn) != LSCD_DTLS_HANDSHAKING;
}

/* Until both ends are done or one failed; false if the client failed. */
static bool handshake(struct run *r)
{
	bool ok = true;
	int i;

	for (i = 0; i < 40; i++) {
		ok = client_step(r->cl);
		relay(r);
		if ((r->cl->ret == 1 || !ok) && (server_settled(r) || !ok))
			break;
	}
	/* The server's last words (an alert) reach the client. */
	if (ok && r->cl->ret != 1)
		ok = client_step(r->cl);
	return ok && r->cl->ret == 1;
}

/*
 * Why a handshake that should have completed did not, copied: the
 * association's verdict goes with it.
 */
static const char *not_done(const struct run *r)
{
	const char *why = r->conn ? lscd_dtls_conn_verdict(r->conn)->why : "";

	if (!r->conn)
		return "no association";
	snprintf(tap_why, sizeof(tap_why), "%s", *why ? why :
		 lscd_dtls_conn_state(r->conn) == LSCD_DTLS_DONE ?
		 "the client did not complete" : "the engine did not complete");
	return tap_why;
}

static void run_free(struct run *r)
{
	lscd_dtls_conn_free(r->conn);
	client_free(r->cl);
	lscd_dtls_server_free(r->srv);
}

static const char *start(struct run *r, const struct client_spec *s)
{
	struct lscd_dtls_server_conf conf = conf_of(0);
	char why[256];

	memset(r, 0, sizeof(*r));
	r->addr = addr1;
	conf.suites = s->server_suites;
	r->srv = lscd_dtls_server_new(&conf, why, sizeof(why));
	CHECK(r->srv, "server: %s", why);
	r->cl = client_new(s);
	CHECK(r->cl, "client: %s",
	      ERR_reason_error_string(ERR_peek_last_error()));
	return NULL;
}

/* ---- Cookies --------------------------------------------------------- */

static ssize_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

static const char *first_clienthello_leaves_no_state(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	const struct lscd_dtls_stats *st;
	u8 d[DGRAM_MAX + CAPWAP_DTLS_HDR_LEN], reply[DGRAM_MAX];
	struct lscd_dtls_conn *conn = NULL;
	const char *why;
	ssize_t heap = 0, grown;
	struct run r;
	size_t rlen;
	char spoofed[32];
	int n, i;

	why = start(&r, &s);
	if (why)
		goto out;
	st = lscd_dtls_server_stats(r.srv);
	if (!client_step(r.cl) || r.cl->c2s.count != 1) {
		why = "the client wrote no single ClientHello";
		goto out;
	}
	n = pipe_pop(&r.cl->c2s, d + CAPWAP_DTLS_HDR_LEN, DGRAM_MAX);
	capwap_dtls_put_header(d);
	/*
	 * A flood of it from spoofed addresses: answered, nothing kept, and
	 * the heap does not grow with it (the first ones warm OpenSSL's
	 * caches up).
	 */
	for (i = 0; i < 1010; i++) {
		if (i == 10)
			heap = heap_in_use();
		snprintf(spoofed, sizeof(spoofed), "198.51.100.%d:%d", i % 250,
			 40000 + i);
		if (listen_from(r.srv, spoofed, d, n + CAPWAP_DTLS_HDR_LEN,
				reply, &rlen, &conn) != LSCD_DTLS_LISTEN_VERIFY ||
		    conn) {
			why = "a spoofed ClientHello was not answered statelessly";
			goto out;
		}
	}
	grown = heap_in_use() - heap;
	printf("# heap growth over 1000 spoofed ClientHellos: %zd bytes\n",
	       grown);
	if (grown > 4096) {
		why = "the heap grew with spoofed ClientHellos";
		goto out;
	}
	relay_one(&r, d, n + CAPWAP_DTLS_HDR_LEN);
	if (r.verifies != 1 || r.conn || st->started || st->half_open ||
	    st->hello_verify != 1011) {
		why = "the first ClientHello created state or got no HelloVerifyRequest";
		goto out;
	}
	/* The cookie, returned from another address, is refused. */
	if (!client_step(r.cl) || r.cl->c2s.count != 1) {
		why = "no second ClientHello";
		goto out;
	}
	n = pipe_pop(&r.cl->c2s, d + CAPWAP_DTLS_HDR_LEN, DGRAM_MAX);
	/* Its answer goes to addr2, not to this client. */
	if (listen_from(r.srv, addr2, d, n + CAPWAP_DTLS_HDR_LEN, reply,
			&rlen, &conn) != LSCD_DTLS_LISTEN_VERIFY || conn || st->cookie_refused != 1 ||
	    st->started) {
		why = "a cookie from another address was taken";
		goto out;
	}
	/* From its own address it creates the association. */
	heap = heap_in_use();
	relay_one(&r, d, n + CAPWAP_DTLS_HDR_LEN);
	printf("# heap taken by one half-open association: %zd bytes\n",
	       heap_in_use() - heap);
	if (!r.conn || st->started != 1 || st->half_open != 1) {
		why = "the returned cookie created no association";
		goto out;
	}
	if (!handshake(&r) || lscd_dtls_conn_state(r.conn) != LSCD_DTLS_DONE ||
	    st->half_open || st->completed != 1)
		why = "no handshake after the cookie round trip";
out:
	if (!why && r.bad_header)
		why = "a datagram without the CAPWAP DTLS header";
	run_free(&r);
	return why;
}

/* A cookie made under the previous secret passes; two secrets ago, not. */
static const char *cookie_secret_rotation(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	const char *why = NULL;
	int rotations;

	for (rotations = 1; rotations <= 2 && !why; rotations++) {
		struct run r;
		int i;

		why = start(&r, &s);
		if (!why) {
			client_step(r.cl);
			relay(&r);
			client_step(r.cl);
			for (i = 0; i < rotations; i++)
				lscd_dtls_server_rotate_cookie(r.srv);
			relay(&r);
			if (rotations == 1 && !r.conn)
				why = "a cookie of the previous secret was refused";
			if (rotations == 2 && (r.conn || r.verifies != 2 ||
					       lscd_dtls_server_stats(r.srv)->cookie_refused != 1))
				why = "a cookie of two secrets ago was taken";
		}
		run_free(&r);
	}
	return why;
}

/*
 * The client's next datagram into @d, after room for the CAPWAP DTLS
 * header, read as a ClientHello by the wire code: its length, or -1.
 */
static int next_client_hello(struct client *cl, u8 *d,
			     struct capwap_dtls_record *rec,
			     struct capwap_dtls_hello *h)
{
	const u8 *p = d + CAPWAP_DTLS_HDR_LEN;
	size_t left;
	int n;

	client_step(cl);
	n = pipe_pop(&cl->c2s, d + CAPWAP_DTLS_HDR_LEN, DGRAM_MAX);
	left = n > 0 ? n : 0;
	if (capwap_dtls_next_record(&p, &left, rec) != 1 ||
	    capwap_dtls_parse_client_hello(rec, h))
		return -1;
	return n;
}

/*
 * The exchange as the kernel answers it (kmod/dtls_cookie.c): its
 * HelloVerifyRequest, made by the wire code with the secrets the engine
 * hands out and an HMAC over the wire code's address bytes, carries the
 * very cookie the engine's own would; OpenSSL's client takes it and
 * returns it; the engine takes that ClientHello as a new association
 * with no HelloVerifyRequest of its own, and the handshake completes.
 * The secrets handed out follow a rotation, the previous one with them.
 */
static const char *kernel_cookie_exchange(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	u8 d[DGRAM_MAX + CAPWAP_DTLS_HDR_LEN], mine[DGRAM_MAX], lscds[DGRAM_MAX];
	u8 secret[CAPWAP_LSC_DTLS_SECRET_LEN], prev[CAPWAP_LSC_DTLS_SECRET_LEN];
	u8 secret2[CAPWAP_LSC_DTLS_SECRET_LEN], addr[7], cookie[33];
	static const u8 ip[4] = { 192, 0, 2, 10 }, port[2] = { 0x14, 0x7e };
	struct capwap_dtls_record rec, theirs;
	struct capwap_dtls_hello h;
	struct lscd_dtls_conn *conn = NULL;
	const char *why = NULL;
	size_t left, mac_len = 0, rlen = 0;
	const u8 *p;
	struct run r;
	u8 gen, gen2;
	int n;

	why = start(&r, &s);
	if (why)
		goto out;
	why = "no ClientHello";
	n = next_client_hello(r.cl, d, &rec, &h);
	if (n < 0 || h.cookie_len)
		goto out;
	why = "no secret handed out";
	if (lscd_dtls_server_cookie_secrets(r.srv, &gen, secret, prev))
		goto out;
	cookie[0] = gen;
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, sizeof(secret),
		       addr, capwap_dtls_cookie_addr(addr, ip, 4, port),
		       cookie + 1, 32, &mac_len) || mac_len != 32)
		goto out;
	/* The engine's answer to the same ClientHello, for its cookie. */
	capwap_dtls_put_header(d);
	why = "the engine did not answer with a HelloVerifyRequest";
	if (listen_from(r.srv, r.addr, d, n + CAPWAP_DTLS_HDR_LEN, lscds, &rlen,
			&conn) != LSCD_DTLS_LISTEN_VERIFY)
		goto out;
	p = lscds + CAPWAP_DTLS_HDR_LEN;
	left = rlen - CAPWAP_DTLS_HDR_LEN;
	why = "the kernel's cookie is not the engine's";
	if (capwap_dtls_next_record(&p, &left, &theirs) != 1 ||
	    theirs.len != CAPWAP_DTLS_HS_HDR_LEN + 3 + sizeof(cookie) ||
	    memcmp(theirs.body + CAPWAP_DTLS_HS_HDR_LEN + 3, cookie,
		   sizeof(cookie)))
		goto out;
	capwap_dtls_put_header(mine);
	n = capwap_dtls_put_hello_verify(mine + CAPWAP_DTLS_HDR_LEN,
					 sizeof(mine) - CAPWAP_DTLS_HDR_LEN,
					 &rec, cookie, sizeof(cookie));
	why = "the kernel's HelloVerifyRequest is not the engine's, byte for byte";
	if (n < 0 || (size_t)n + CAPWAP_DTLS_HDR_LEN != rlen ||
	    memcmp(mine, lscds, rlen))
		goto out;
	to_client(&r, mine, n + CAPWAP_DTLS_HDR_LEN);
	why = "the client did not return the cookie";
	n = next_client_hello(r.cl, d, &rec, &h);
	if (n < 0 || h.cookie_len != sizeof(cookie) ||
	    memcmp(h.cookie, cookie, h.cookie_len))
		goto out;
	capwap_dtls_put_header(d);
	relay_one(&r, d, n + CAPWAP_DTLS_HDR_LEN);
	why = "the engine refused the kernel's cookie";
	if (!r.conn || r.verifies)
		goto out;
	why = NULL;
	if (!handshake(&r))
		why = not_done(&r);
	else if (lscd_dtls_server_rotate_cookie(r.srv) ||
		 !lscd_dtls_server_cookie_secrets(r.srv, &gen2, secret2, prev) ||
		 gen2 != (u8)(gen + 1) || memcmp(prev, secret, sizeof(secret)) ||
		 !memcmp(secret2, secret, sizeof(secret)))
		why = "after a rotation: not the next generation with the previous secret";
out:
	lscd_dtls_conn_free(conn);
	run_free(&r);
	return why;
}

/* ---- Handshakes and the handover ----------------------------------------- */

static const struct {
	const char *name;
	const char *suite;
	u8 cipher;
} suites[] = {
	{ "ecdhe_rsa_aes128_gcm", "ECDHE-RSA-AES128-GCM-SHA256", CAPWAP_DTLS_CIPHER_AES_128_GCM },
	{ "ecdhe_rsa_aes256_gcm", "ECDHE-RSA-AES256-GCM-SHA384", CAPWAP_DTLS_CIPHER_AES_256_GCM },
	{ "ecdhe_ecdsa_aes128_gcm", "ECDHE-ECDSA-AES128-GCM-SHA256", CAPWAP_DTLS_CIPHER_AES_128_GCM },
	{ "rfc5415_aes128_sha", "AES128-SHA", CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 },
	{ "rfc5415_dhe_rsa_aes128_sha", "DHE-RSA-AES128-SHA", CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 },
};

static const char *suite_case(size_t i)
{
	static const char msg[] = "Join Request from f8:66:f2:67:57:7e";
	struct client_spec s = { .suites = suites[i].suite, .cert = ap.cert,
				 .key = ap.key };
	struct lscd_dtls_handover h = { .epoch = 1 };
	struct capwap_dtls_keys k, ck;
	struct capwap_dtls_replay window;
	struct capwap_dtls_record rec;
	const struct lscd_dtls_verdict *v;
	u8 dgram[DGRAM_MAX], out[DGRAM_MAX];
	char why[256];
	const char *fail = NULL;
	struct run r;
	int n;

	fail = start(&r, &s);
	if (fail)
		goto out;
	if (!handshake(&r) || lscd_dtls_conn_state(r.conn) != LSCD_DTLS_DONE) {
		fail = not_done(&r);
		goto out;
	}
	v = lscd_dtls_conn_verdict(r.conn);
	if (strcmp(lscd_dtls_conn_cipher(r.conn), suites[i].suite) ||
	    v->cert_type != CAPWAP_LSC_CERT_LSC || memcmp(v->mac, ap_mac, 6)) {
		fail = "wrong suite, certificate type or MAC";
		goto out;
	}
	if (lscd_dtls_conn_handover(r.conn, &k, why, sizeof(why))) {
		snprintf(tap_why, sizeof(tap_why), "handover: %s", why);
		fail = tap_why;
		goto out;
	}
	/* The AP's side of the same session mirrors it. */
	h.rx_seq = k.tx_seq;
	h.tx_seq = k.rx_seq;
	h.etm = k.flags & CAPWAP_DTLS_KEYS_F_ETM;
	/*
	 * rx_seq is one above the last epoch-1 record the client wrote (its
	 * Finished, and any retransmission of it), as seen in its pipe.
	 */
	if (k.cipher != suites[i].cipher || !r.cl->c2s.epoch1.seen ||
	    k.rx_seq != r.cl->c2s.epoch1.last_seq + 1 ||
	    k.tx_seq != r.cl->s2c.epoch1.last_seq + 4096 ||
	    lscd_dtls_derive_keys(r.cl->ssl, &h, &ck, why, sizeof(why)) ||
	    memcmp(&ck.rx, &k.tx, sizeof(ck.rx)) ||
	    memcmp(&ck.tx, &k.rx, sizeof(ck.tx))) {
		fail = "the key block does not mirror the client's";
		goto out;
	}
	/* The client's first record opens with the handed-over rx keys. */
	if (SSL_write(r.cl->ssl, msg, sizeof(msg)) != sizeof(msg) ||
	    take_record(&r.cl->c2s, dgram, &rec) || rec.seq != k.rx_seq) {
		fail = "no record from the client at rx_seq";
		goto out;
	}
	if (k.cipher == CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1) {
		/* OpenSSL's client offers encrypt-then-MAC: it is in use. */
		if (!(k.flags & CAPWAP_DTLS_KEYS_F_ETM)) {
			fail = "encrypt-then-MAC not handed over";
			goto out;
		}
		fail = dtls_cbc_open(&k, &rec, true, msg, sizeof(msg));
	} else {
		capwap_dtls_replay_init(&window, k.rx_seq);
		n = dtls_gcm_open(&k, &window, &rec, out);
		if (n != sizeof(msg) || memcmp(out, msg, n))
			fail = "the client's record does not open";
	}
	if (!fail && lscd_dtls_server_stats(r.srv)->completed != 1)
		fail = "not counted as completed";
out:
	if (!fail && r.bad_header)
		fail = "a datagram without the CAPWAP DTLS header";
	OPENSSL_cleanse(&k, sizeof(k));
	OPENSSL_cleanse(&ck, sizeof(ck));
	run_free(&r);
	return fail;
}

static const char *suite0(void) { return suite_case(0); }
static const char *suite1(void) { return suite_case(1); }
static const char *suite2(void) { return suite_case(2); }
static const char *suite3(void) { return suite_case(3); }
static const char *suite4(void) { return suite_case(4); }

/* ---- Refusals -------------------------------------------------------------- */

/* The handshake fails at both ends with @want and words in its reason. */
static const char *refused(const struct client_spec *s,
			   enum lscd_dtls_refusal want, const char *words,
			   enum lscd_dtls_counter counter)
{
	const struct lscd_dtls_verdict *v;
	const struct lscd_dtls_stats *st;
	const char *fail;
	struct run r;

	fail = start(&r, s);
	if (fail)
		goto out;
	st = lscd_dtls_server_stats(r.srv);
	if (handshake(&r)) {
		fail = "the client completed its handshake";
		goto out;
	}
	if (!r.conn || lscd_dtls_conn_state(r.conn) != LSCD_DTLS_FAILED) {
		fail = "the engine did not fail the association";
		goto out;
	}
	v = lscd_dtls_conn_verdict(r.conn);
	if (v->refusal != want || !strstr(v->why, words)) {
		snprintf(tap_why, sizeof(tap_why), "refusal %s (%s), not %s with \"%s\"",
			 lscd_dtls_refusal_name(v->refusal), v->why,
			 lscd_dtls_refusal_name(want), words);
		fail = tap_why;
		goto out;
	}
	if (st->failed[counter] != 1 || st->completed || st->half_open ||
	    st->auth_fail != (lscd_dtls_refusal_is_auth_fail(want) ? 1 : 0))
		fail = "not counted under its counter";
out:
	run_free(&r);
	return fail;
}

static const char *dtls10_refused(void)
{
	struct client_spec s = { .suites = "AES128-SHA:@SECLEVEL=0",
				 .cert = ap.cert, .key = ap.key,
				 .version = DTLS1_VERSION };

	return refused(&s, LSCD_DTLS_PROTOCOL, "DTLS 1.2", LSCD_DTLS_CNT_POLICY);
}

/*
 * A client that offers CBC without encrypt-then-MAC (RFC 7366) gets no
 * CBC suite: the kernel carries only encrypt-then-MAC records.  Offering
 * nothing else, it is refused with that reason, under policy.
 */
static const char *cbc_without_etm_refused(void)
{
	struct client_spec s = { .suites = "AES128-SHA", .cert = ap.cert,
				 .key = ap.key,
				 .options = SSL_OP_NO_ENCRYPT_THEN_MAC };

	return refused(&s, LSCD_DTLS_NO_ETM,
		       "CBC suite without encrypt-then-MAC (RFC 7366): not offered",
		       LSCD_DTLS_CNT_POLICY);
}

/*
 * With GCM also offered, it gets GCM, although the server prefers CBC;
 * the same client with encrypt-then-MAC gets the server's CBC choice.
 */
static const char *cbc_without_etm_gets_gcm(void)
{
	static const char both[] = "AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256";
	struct client_spec s = { .suites = both, .cert = ap.cert, .key = ap.key,
				 .server_suites = both };
	const char *got[2] = { NULL, NULL };
	const char *fail = NULL;
	struct run r;
	int i;

	for (i = 0; i < 2 && !fail; i++) {
		s.options = i ? SSL_OP_NO_ENCRYPT_THEN_MAC : 0;
		fail = start(&r, &s);
		if (!fail && (!handshake(&r) ||
			      lscd_dtls_conn_state(r.conn) != LSCD_DTLS_DONE))
			fail = not_done(&r);
		if (!fail)
			got[i] = lscd_dtls_conn_cipher(r.conn);
		run_free(&r);
	}
	CHECK(!fail, "%s", fail);
	CHECK(!strcmp(got[0], "AES128-SHA") &&
	      !strcmp(got[1], "ECDHE-RSA-AES128-GCM-SHA256"),
	      "with encrypt-then-MAC %s, without %s", got[0], got[1]);
	return NULL;
}

/*
 * A DTLS 1.0 ClientHello fails inside lscd_dtls_listen() itself, when its
 * cookie comes back: the association it returns is already FAILED, its
 * only output the protocol_version alert.  The peer, told, sends nothing
 * more, so a caller that waits for its next datagram to see the failure
 * never logs it (lscd's relay did not, until it settled the association
 * lscd_dtls_listen() returns).
 */
static const char *dtls10_fails_at_the_returned_cookie(void)
{
	struct client_spec s = { .suites = "AES128-SHA:@SECLEVEL=0",
				 .cert = ap.cert, .key = ap.key,
				 .version = DTLS1_VERSION };
	const struct lscd_dtls_verdict *v;
	const struct lscd_dtls_stats *st;
	u8 d[DGRAM_MAX + CAPWAP_DTLS_HDR_LEN], reply[DGRAM_MAX];
	const u8 *rec = d + CAPWAP_DTLS_HDR_LEN;
	const char *why;
	struct run r;
	size_t rlen;
	int i, n;

	why = start(&r, &s);
	if (why)
		goto out;
	st = lscd_dtls_server_stats(r.srv);
	/* The ClientHello, the HelloVerifyRequest, the ClientHello again. */
	for (i = 0; i < 2; i++) {
		if (!client_step(r.cl) || r.cl->c2s.count != 1) {
			why = "the client wrote no single ClientHello";
			goto out;
		}
		n = pipe_pop(&r.cl->c2s, d + CAPWAP_DTLS_HDR_LEN, DGRAM_MAX);
		capwap_dtls_put_header(d);
		if (i == 0)
			relay_one(&r, d, n + CAPWAP_DTLS_HDR_LEN);
	}
	if (r.verifies != 1 || r.conn) {
		why = "the first DTLS 1.0 ClientHello got no HelloVerifyRequest";
		goto out;
	}
	if (listen_from(r.srv, r.addr, d, n + CAPWAP_DTLS_HDR_LEN, reply, &rlen,
			&r.conn) != LSCD_DTLS_LISTEN_NEW || !r.conn) {
		why = "the returned cookie created no association";
		goto out;
	}
	v = lscd_dtls_conn_verdict(r.conn);
	if (lscd_dtls_conn_state(r.conn) != LSCD_DTLS_FAILED ||
	    v->refusal != LSCD_DTLS_PROTOCOL || !strstr(v->why, "DTLS 1.2")) {
		snprintf(tap_why, sizeof(tap_why),
			 "the association came back %s, refusal %s (%s)",
			 lscd_dtls_conn_state(r.conn) == LSCD_DTLS_FAILED ?
			 "failed" : "not failed",
			 lscd_dtls_refusal_name(v->refusal), v->why);
		why = tap_why;
		goto out;
	}
	if (st->failed[LSCD_DTLS_CNT_POLICY] != 1 || st->half_open) {
		why = "not counted under policy, or still half-open";
		goto out;
	}
	/* One record: a fatal (2) protocol_version (70) alert (21). */
	n = lscd_dtls_conn_output(r.conn, d, sizeof(d));
	if (n != CAPWAP_DTLS_HDR_LEN + 13 + 2 || rec[0] != 21 || rec[13] != 2 ||
	    rec[14] != 70 || lscd_dtls_conn_output(r.conn, d, sizeof(d)) > 0)
		why = "the output is not one protocol_version alert";
out:
	run_free(&r);
	return why;
}

static const char *no_client_certificate_refused(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256" };

	return refused(&s, LSCD_DTLS_NO_CERT, "no certificate",
		       LSCD_DTLS_CNT_AUTHENTICATION);
}

static const char *foreign_ca_refused_by_verify_callback(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap_foreign.cert, .key = ap_foreign.key };

	return refused(&s, LSCD_DTLS_UNTRUSTED, "chains to neither",
		       LSCD_DTLS_CNT_AUTHENTICATION);
}

/*
 * The AP's LSC with a private key that is not its own: the public half
 * is the certificate's (so OpenSSL's client takes the pair), the private
 * scalar another key's.  Its CertificateVerify cannot verify.
 */
static EVP_PKEY *captured_key(X509 *cert)
{
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *k = NULL;
	BIGNUM *d = NULL;
	u8 pub[133];
	size_t publen;

	if (other && bld &&
	    EVP_PKEY_get_octet_string_param(X509_get0_pubkey(cert),
					    OSSL_PKEY_PARAM_PUB_KEY, pub,
					    sizeof(pub), &publen) &&
	    EVP_PKEY_get_bn_param(other, OSSL_PKEY_PARAM_PRIV_KEY, &d) &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					    "P-256", 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					     pub, publen) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d))
		params = OSSL_PARAM_BLD_to_param(bld);
	pctx = params ? EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL) : NULL;
	if (!pctx || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &k, EVP_PKEY_KEYPAIR, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	EVP_PKEY_free(other);
	return k;
}

static const char *captured_lsc_without_key_refused(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert };
	const char *why;

	s.key = captured_key(ap.cert);
	CHECK(s.key && EVP_PKEY_eq(s.key, X509_get0_pubkey(ap.cert)) == 1,
	      "cannot make the captured pair");
	why = refused(&s, LSCD_DTLS_KEY_PROOF, "does not hold that key",
		      LSCD_DTLS_CNT_AUTHENTICATION);
	EVP_PKEY_free(s.key);
	return why;
}

/* The handshake completes, with a certificate of @type for ap_mac. */
static const char *joins(const struct client_spec *s, int type)
{
	const struct lscd_dtls_verdict *v;
	const char *why;
	struct run r;

	why = start(&r, s);
	if (!why && (!handshake(&r) ||
		     lscd_dtls_conn_state(r.conn) != LSCD_DTLS_DONE))
		why = not_done(&r);
	if (!why) {
		v = lscd_dtls_conn_verdict(r.conn);
		if (v->cert_type != type || memcmp(v->mac, ap_mac, 6))
			why = "another certificate type, or another MAC";
	}
	run_free(&r);
	return why;
}

/* OpenSSL's default client purpose would refuse this EKU. */
static const char *capwap_wtp_eku_joins(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap_rfc.cert, .key = ap_rfc.key };

	return joins(&s, CAPWAP_LSC_CERT_LSC);
}

/* The alert follows the refusal: certificate_expired for an expired LSC. */
static const char *expired_lsc_refused_with_its_alert(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap_expired.cert, .key = ap_expired.key };
	const char *why;
	struct run r;

	why = start(&r, &s);
	if (!why && handshake(&r))
		why = "the client completed its handshake";
	if (!why && (!r.conn ||
		     lscd_dtls_conn_verdict(r.conn)->refusal != LSCD_DTLS_EXPIRED ||
		     ERR_GET_REASON(ERR_peek_last_error()) !=
		     SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED))
		why = "not refused as expired, or the AP got another alert";
	ERR_clear_error();
	run_free(&r);
	return why;
}

/* An RSA LSC, as SCEP CAs issue them to APs. */
static const char *rsa_lsc_joins(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap_rsa.cert, .key = ap_rsa.key };

	return joins(&s, CAPWAP_LSC_CERT_LSC);
}

/* A MIC with the intermediate the AP sends: the callback sees the chain. */
static const char *mic_with_intermediate_joins(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap_mic.cert, .key = ap_mic.key,
				 .chain = mfg_inter.cert };

	return joins(&s, CAPWAP_LSC_CERT_MIC);
}

/* ---- Timer, cap, set-up -------------------------------------------------- */

/* The server's first flight is lost: the timer sends it again. */
static const char *lost_flight_retransmitted(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	struct timeval left;
	time_t deadline;
	u8 d[DGRAM_MAX];
	const char *why;
	struct run r;
	int n = 0;

	why = start(&r, &s);
	if (why)
		goto out;
	client_step(r.cl);
	relay(&r);
	client_step(r.cl);
	relay(&r);
	/* The answer to the ClientHello with the cookie is lost. */
	if (!r.conn || !r.cl->s2c.count) {
		why = "no association, or no flight from it";
		goto out;
	}
	r.cl->s2c.count = 0;
	if (!lscd_dtls_conn_timeout(r.conn, &left) || left.tv_sec > 1) {
		why = "no timer of at most 1 s running";
		goto out;
	}
	deadline = time(NULL) + 10;
	while (n <= 0 && time(NULL) < deadline) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		lscd_dtls_conn_handle_timeout(r.conn);
		n = lscd_dtls_conn_output(r.conn, d, sizeof(d));
	}
	if (n <= 0) {
		why = "the flight was not sent again";
		goto out;
	}
	to_client(&r, d, n);
	drain(&r);
	if (!handshake(&r) || lscd_dtls_conn_state(r.conn) != LSCD_DTLS_DONE)
		why = "no handshake after the retransmission";
out:
	run_free(&r);
	return why;
}

static const char *half_open_cap(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	struct run a, b;
	const char *why = NULL;
	time_t deadline;
	char err[256];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.srv = server(1, err, sizeof(err));
	a.cl = client_new(&s);
	b.cl = client_new(&s);
	b.srv = a.srv;
	a.addr = addr1;
	b.addr = addr2;
	if (!a.srv || !a.cl || !b.cl) {
		why = "set-up";
		goto out;
	}
	/* A's cookie returns: one half-open association. */
	client_step(a.cl);
	relay(&a);
	client_step(a.cl);
	relay(&a);
	/* B's cookie returns while A is half open: dropped, counted. */
	client_step(b.cl);
	relay(&b);
	client_step(b.cl);
	relay(&b);
	if (!a.conn || b.conn || b.drops != 1 ||
	    lscd_dtls_server_stats(a.srv)->busy != 1) {
		why = "the second half-open association was not refused";
		goto out;
	}
	/* A completes; B's retransmitted ClientHello is then taken. */
	if (!handshake(&a) || lscd_dtls_server_stats(a.srv)->half_open) {
		why = "A did not complete";
		goto out;
	}
	/* B's client sends its ClientHello again when its timer expires. */
	deadline = time(NULL) + 10;
	while (!b.cl->c2s.count && time(NULL) < deadline) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		if (DTLSv1_handle_timeout(b.cl->ssl) < 0)
			break;
	}
	relay(&b);
	if (!why && (!b.conn || !handshake(&b)))
		why = "B did not complete once A was done";
out:
	lscd_dtls_conn_free(a.conn);
	lscd_dtls_conn_free(b.conn);
	client_free(a.cl);
	client_free(b.cl);
	lscd_dtls_server_free(a.srv);
	return why;
}

/* A client's ClientHello, the HelloVerifyRequest, and the cookie back. */
static void cookie_round_trip(struct run *r)
{
	client_step(r->cl);
	relay(r);
	client_step(r->cl);
	relay(r);
}

#define PER_IP 8

/*
 * One host with many ports takes PER_IP half-open associations (the
 * default cap), not more, the IPv4-mapped form of its address included;
 * another host still gets through.
 */
static const char *per_ip_cap(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	static const char *const more[] = {
		"192.0.2.10:41000", "::ffff:192.0.2.10:41001", "192.0.2.11:41002",
	};
	struct run r[PER_IP + 3];
	char addrs[PER_IP][32], err[256];
	const struct lscd_dtls_stats *st;
	struct lscd_dtls_server *srv;
	const char *why = NULL;
	size_t i;

	memset(r, 0, sizeof(r));
	srv = server(0, err, sizeof(err));
	if (!srv)
		return "set-up";
	st = lscd_dtls_server_stats(srv);
	for (i = 0; i < TAP_COUNT(r) && !why; i++) {
		r[i].srv = srv;
		if (i < PER_IP) {
			snprintf(addrs[i], sizeof(addrs[i]), "192.0.2.10:%zu",
				 40000 + i);
			r[i].addr = addrs[i];
		} else {
			r[i].addr = more[i - PER_IP];
		}
		r[i].cl = client_new(&s);
		if (!r[i].cl) {
			why = "set-up";
			break;
		}
		cookie_round_trip(&r[i]);
		if (i < PER_IP && !r[i].conn) {
			snprintf(tap_why, sizeof(tap_why),
				 "half-open association %zu of one IP refused", i + 1);
			why = tap_why;
		} else if (i >= PER_IP && i < PER_IP + 2 &&
			   (r[i].conn || st->busy_ip != i - PER_IP + 1)) {
			snprintf(tap_why, sizeof(tap_why),
				 "%s: a 9th half-open association of one IP taken (busy_ip %llu)",
				 r[i].addr, (unsigned long long)st->busy_ip);
			why = tap_why;
		} else if (i == PER_IP + 2 && !r[i].conn) {
			why = "another IP refused while the first is at its cap";
		}
	}
	if (!why && (st->half_open != PER_IP + 1 || st->busy))
		why = "half_open or busy miscounted";
	for (i = 0; i < TAP_COUNT(r); i++) {
		lscd_dtls_conn_free(r[i].conn);
		client_free(r[i].cl);
	}
	if (!why && st->half_open)
		why = "freed associations still counted";
	lscd_dtls_server_free(srv);
	return why;
}

static uint64_t fake_now(void *arg)
{
	return *(uint64_t *)arg;
}

/*
 * A peer that goes silent after its cookie: its association fails at the
 * 60 s deadline, RFC 5415's WaitDTLS (OpenSSL would retransmit for minutes), at the caller's
 * timeout call or, left alone, at the next lscd_dtls_listen(), which then
 * has room for another.
 */
static const char *handshake_deadline(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	struct lscd_dtls_server_conf conf = conf_of(1);
	const struct lscd_dtls_stats *st = NULL;
	uint64_t clock_ms = 1000000;
	const char *why = NULL;
	u8 d[DGRAM_MAX + CAPWAP_DTLS_HDR_LEN];
	struct timeval left;
	struct run a, b, c;
	int n;
	char err[256];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	conf.clock = fake_now;
	conf.clock_arg = &clock_ms;
	a.srv = b.srv = c.srv = lscd_dtls_server_new(&conf, err, sizeof(err));
	a.cl = client_new(&s);
	b.cl = client_new(&s);
	c.cl = client_new(&s);
	a.addr = addr1;
	b.addr = addr2;
	c.addr = "192.0.2.12:5246";
	if (!a.srv || !a.cl || !b.cl || !c.cl) {
		why = "set-up";
		goto out;
	}
	st = lscd_dtls_server_stats(a.srv);
	cookie_round_trip(&a);
	if (!a.conn || !lscd_dtls_conn_timeout(a.conn, &left) ||
	    left.tv_sec > 60) {
		why = "no association, or no deadline within 60 s";
		goto out;
	}
	clock_ms += 59999;
	if (lscd_dtls_conn_handle_timeout(a.conn) != LSCD_DTLS_HANDSHAKING ||
	    !lscd_dtls_conn_timeout(a.conn, &left) || left.tv_sec ||
	    left.tv_usec > 1000) {
		why = "failed before its deadline, or the deadline not next";
		goto out;
	}
	clock_ms += 1;
	if (lscd_dtls_conn_handle_timeout(a.conn) != LSCD_DTLS_FAILED ||
	    lscd_dtls_conn_verdict(a.conn)->refusal != LSCD_DTLS_TIMEOUT ||
	    !strstr(lscd_dtls_conn_verdict(a.conn)->why, "within 60 s") ||
	    st->half_open || st->failed[LSCD_DTLS_CNT_TIMEOUT] != 1) {
		snprintf(tap_why, sizeof(tap_why), "at its deadline: %s",
			 lscd_dtls_conn_verdict(a.conn)->why);
		why = tap_why;
		goto out;
	}
	/* B takes the only slot and goes silent; nobody calls its timeout. */
	cookie_round_trip(&b);
	client_step(c.cl);
	relay(&c);
	client_step(c.cl);
	n = pipe_pop(&c.cl->c2s, d + CAPWAP_DTLS_HDR_LEN, DGRAM_MAX);
	capwap_dtls_put_header(d);
	relay_one(&c, d, n + CAPWAP_DTLS_HDR_LEN);
	if (!b.conn || c.conn || st->busy != 1) {
		why = "the cap of one did not hold";
		goto out;
	}
	/* C's ClientHello with its cookie again, once B is overdue. */
	clock_ms += 60000;
	relay_one(&c, d, n + CAPWAP_DTLS_HDR_LEN);
	if (!c.conn || lscd_dtls_conn_state(b.conn) != LSCD_DTLS_FAILED ||
	    lscd_dtls_conn_verdict(b.conn)->refusal != LSCD_DTLS_TIMEOUT ||
	    st->half_open != 1)
		why = "an overdue association kept its slot";
out:
	lscd_dtls_conn_free(a.conn);
	lscd_dtls_conn_free(b.conn);
	lscd_dtls_conn_free(c.conn);
	client_free(a.cl);
	client_free(b.cl);
	client_free(c.cl);
	lscd_dtls_server_free(a.srv);
	return why;
}

/*
 * A resumed session completes without the verify callback: OpenSSL does
 * not judge a certificate again.  The engine allows no resumption; this
 * one is allowed on its context here, as a future change might, and the
 * handover must still refuse keys for a peer never judged.
 */
static const char *handover_without_verdict_refused(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	struct capwap_dtls_keys k;
	SSL_SESSION *sess = NULL;
	const char *why = NULL;
	SSL_CTX *ctx;
	struct run a, b;
	char err[256];
	int ret;

	memset(&b, 0, sizeof(b));
	why = start(&a, &s);
	if (why)
		goto out;
	ctx = lscd_dtls_server_ssl_ctx(a.srv);
	SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"t", 1);
	if (!handshake(&a) ||
	    lscd_dtls_conn_handover(a.conn, &k, err, sizeof(err))) {
		why = not_done(&a);
		goto out;
	}
	sess = SSL_get1_session(a.cl->ssl);
	b.srv = a.srv;
	b.addr = addr2;
	b.cl = client_new(&s);
	if (!sess || !b.cl || !SSL_set_session(b.cl->ssl, sess)) {
		why = "set-up of the second client";
		goto out;
	}
	if (!handshake(&b) || lscd_dtls_conn_state(b.conn) != LSCD_DTLS_DONE ||
	    !SSL_session_reused(b.cl->ssl)) {
		why = "the session was not resumed";
		goto out;
	}
	ret = lscd_dtls_conn_handover(b.conn, &k, err, sizeof(err));
	if (ret != -EPERM || !strstr(err, "not judged")) {
		snprintf(tap_why, sizeof(tap_why),
			 "keys handed over for a peer never judged: %d %s", ret,
			 ret ? err : "");
		why = tap_why;
	}
out:
	SSL_SESSION_free(sess);
	lscd_dtls_conn_free(b.conn);
	client_free(b.cl);
	run_free(&a);
	return why;
}

/*
 * A reload judges the next handshake by the new policy at once, while a
 * handshake under way finishes on the policy it started with, which only
 * it still holds.
 */
static const char *reload_while_half_open(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	struct lscd_dtls_policy *old = lscd_dtls_policy_new(),
				*lsc_off = lscd_dtls_policy_new();
	struct lscd_dtls_server_conf conf = conf_of(0);
	struct run a = { 0 }, b = { 0 };
	const char *why = NULL;
	char text[256];

	CHECK(old && lsc_off && !lscd_dtls_policy_set_lsc_ca(old, ca.cert, NULL) &&
	      !lscd_dtls_policy_set_lsc_ca(lsc_off, ca.cert, NULL), "policies");
	lscd_dtls_policy_accept(lsc_off, CAPWAP_LSC_CERT_LSC, false);
	conf.policy = old;
	a.addr = addr1;
	a.srv = lscd_dtls_server_new(&conf, text, sizeof(text));
	/* The server holds its own reference: the caller's goes. */
	lscd_dtls_policy_put(old);
	a.cl = client_new(&s);
	if (!a.srv || !a.cl) {
		why = "server or client";
		goto out;
	}
	/* A: the cookie exchange, and the server's flight; then it waits. */
	client_step(a.cl);
	relay(&a);
	client_step(a.cl);
	relay(&a);
	if (!a.conn || lscd_dtls_conn_state(a.conn) != LSCD_DTLS_HANDSHAKING) {
		why = "no half-open association";
		goto out;
	}
	conf.policy = lsc_off;
	if (lscd_dtls_server_reload(a.srv, &conf, text, sizeof(text))) {
		why = "reload failed";
		goto out;
	}
	/* B, from another address, on the same server: the new policy. */
	b.srv = a.srv;
	b.addr = addr2;
	b.cl = client_new(&s);
	if (!b.cl || handshake(&b) || !b.conn ||
	    lscd_dtls_conn_verdict(b.conn)->refusal != LSCD_DTLS_TYPE_OFF) {
		why = b.conn && lscd_dtls_conn_verdict(b.conn)->refusal ?
		      "a new handshake refused, but not for its type" :
		      "a new handshake was not judged by the new policy";
		goto out;
	}
	/* A completes under the policy it started with. */
	if (!handshake(&a) || lscd_dtls_conn_state(a.conn) != LSCD_DTLS_DONE)
		why = not_done(&a);
out:
	lscd_dtls_conn_free(b.conn);
	client_free(b.cl);
	run_free(&a);
	lscd_dtls_policy_put(lsc_off);
	ERR_clear_error();
	return why;
}

/* Input after the handshake is the kernel's: the engine takes none. */
static const char *nothing_taken_after_done(void)
{
	struct client_spec s = { .suites = "ECDHE-RSA-AES128-GCM-SHA256",
				 .cert = ap.cert, .key = ap.key };
	const char *why;
	struct run r;

	why = start(&r, &s);
	if (!why && !handshake(&r))
		why = "no handshake";
	if (!why && (SSL_renegotiate(r.cl->ssl) != 1 ||
		     SSL_do_handshake(r.cl->ssl) > 0))
		why = "the client did not start a renegotiation";
	if (!why && !r.cl->c2s.count)
		why = "the client sent no renegotiating ClientHello";
	if (!why) {
		relay(&r);
		if (lscd_dtls_conn_state(r.conn) != LSCD_DTLS_DONE ||
		    r.cl->s2c.count)
			why = "the engine answered after the handshake";
	}
	run_free(&r);
	ERR_clear_error();
	return why;
}

static const char *suites_refused_at_setup(void)
{
	static const char *const bad[] = {
		"ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-SHA256",
		"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-CCM",
	};
	struct lscd_dtls_server_conf conf = {
		.policy = pol,
		.creds = { { ctl_rsa.cert, ctl_rsa.key, NULL } },
		.ncreds = 1,
	};
	struct lscd_dtls_server *s;
	char why[256];
	size_t i;

	for (i = 0; i < TAP_COUNT(bad); i++) {
		conf.suites = bad[i];
		s = lscd_dtls_server_new(&conf, why, sizeof(why));
		lscd_dtls_server_free(s);
		CHECK(!s && strstr(why, "cannot be handed over"),
		      "\"%s\" taken", bad[i]);
	}
	conf.suites = NULL;
	s = lscd_dtls_server_new(&conf, why, sizeof(why));
	lscd_dtls_server_free(s);
	CHECK(s, "the default suites: %s", why);
	return NULL;
}

static const struct tap_case cases[] = {
	{ "first_clienthello_leaves_no_state", first_clienthello_leaves_no_state },
	{ "cookie_secret_rotation", cookie_secret_rotation },
	{ "kernel_cookie_exchange", kernel_cookie_exchange },
	{ "handshake_and_handover_ecdhe_rsa_aes128_gcm", suite0 },
	{ "handshake_and_handover_ecdhe_rsa_aes256_gcm", suite1 },
	{ "handshake_and_handover_ecdhe_ecdsa_aes128_gcm", suite2 },
	{ "handshake_and_handover_rfc5415_aes128_sha", suite3 },
	{ "handshake_and_handover_rfc5415_dhe_rsa_aes128_sha", suite4 },
	{ "dtls10_refused", dtls10_refused },
	{ "cbc_without_etm_refused", cbc_without_etm_refused },
	{ "cbc_without_etm_gets_gcm", cbc_without_etm_gets_gcm },
	{ "dtls10_fails_at_the_returned_cookie", dtls10_fails_at_the_returned_cookie },
	{ "no_client_certificate_refused", no_client_certificate_refused },
	{ "foreign_ca_refused_by_verify_callback", foreign_ca_refused_by_verify_callback },
	{ "captured_lsc_without_key_refused", captured_lsc_without_key_refused },
	{ "capwap_wtp_eku_only_joins", capwap_wtp_eku_joins },
	{ "expired_lsc_refused_with_its_alert", expired_lsc_refused_with_its_alert },
	{ "rsa_lsc_joins", rsa_lsc_joins },
	{ "mic_with_intermediate_joins", mic_with_intermediate_joins },
	{ "lost_flight_retransmitted", lost_flight_retransmitted },
	{ "half_open_cap", half_open_cap },
	{ "half_open_cap_per_ip", per_ip_cap },
	{ "half_open_deadline", handshake_deadline },
	{ "handover_without_verdict_refused", handover_without_verdict_refused },
	{ "nothing_taken_after_done", nothing_taken_after_done },
	{ "reload_while_half_open", reload_while_half_open },
	{ "suites_refused_at_setup", suites_refused_at_setup },
};

int main(void)
{
	tap_plan(TAP_COUNT(cases));
	if (setup()) {
		fprintf(stderr, "set-up failed\n");
		ERR_print_errors_fp(stderr);
		return 1;
	}
	tap_run(cases, TAP_COUNT(cases));
	lscd_dtls_policy_put(pol);
	tcert_free(&ca);
	tcert_free(&foreign);
	tcert_free(&ctl_rsa);
	tcert_free(&ctl_ec);
	tcert_free(&ap);
	tcert_free(&ap_foreign);
	tcert_free(&ap_rfc);
	tcert_free(&ap_expired);
	tcert_free(&mfg_root);
	tcert_free(&mfg_inter);
	tcert_free(&ap_mic);
	tcert_free(&ap_rsa);
	pipe_method_free();
	return tap_exit();
}
