// SPDX-License-Identifier: GPL-2.0
/*
 * The DTLS handshake engine (dtls_engine.h).
 *
 * The cookie exchange uses DTLSv1_listen() on one listening SSL object
 * the server keeps for every address: it reads one ClientHello, and
 * either writes a HelloVerifyRequest and forgets it (SSL_clear() at the
 * next call) or, once the cookie verifies, keeps the ClientHello in the
 * SSL object so that SSL_accept() continues from it.  That object then
 * becomes the new association's and the next datagram gets a fresh
 * listener.  So the state a ClientHello can make before its cookie comes
 * back is none: the only per-address work is the HMAC.  (The cookie
 * callbacks alone, with SSL_accept() on an SSL per address, would have
 * to create that SSL before the cookie is checked.)
 *
 * The cookie is one byte naming the secret, then HMAC-SHA256(secret,
 * address), the address in the canonical form of peer_addr(): a
 * sockaddr's padding, sin6_flowinfo or the IPv4-mapped form must not make
 * one peer two.  Two secrets live at a time, the current and the one
 * before.
 *
 * Half-open associations are capped in all and per source IP, port
 * aside (one host has 64K ports), and each has a hard deadline: OpenSSL
 * alone would keep retransmitting to a silent peer for minutes.  The
 * server links them in a list, swept for overdue ones before a cap is
 * weighed.
 *
 * A reload (lscd_dtls_server_reload()) replaces the SSL_CTX and the
 * policy at once for every new association.  An association holds a
 * reference to both from its making (its SSL counts one on the SSL_CTX,
 * it counts one on the policy), so the handshakes under way finish on
 * what they started with, and the last of them frees the old ones: no
 * stream of half-open handshakes can keep an old policy in use.  The
 * cookie secrets, the caps, the half-open list and the counters belong
 * to the server and live on across reloads.
 *
 * OpenSSL writes one datagram per BIO_write() to the write BIO, a queue
 * of our own (a memory BIO would run datagrams together), which adds the
 * CAPWAP DTLS header and watches epoch-1 sequence numbers for the
 * handover.  The read BIO is a memory BIO holding one datagram at a time.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clock.h"
#include "dgram_bio.h"
#include "dtls_engine.h"
#include "dtls_keys.h"

/* Family, IP, port: 1 + 16 + 2. */
#define ADDR_MAX	19
#define SECRET_LEN	CAPWAP_LSC_DTLS_SECRET_LEN
#define COOKIE_LEN	(1 + 32)
#define OUT_MAX		32	/* datagrams queued per association */

struct dgram {
	uint8_t *data;
	size_t len;
};

struct lscd_dtls_conn {
	struct lscd_dtls_server *srv;
	/* The policy of the server when it was made: its own reference. */
	struct lscd_dtls_policy *policy;
	SSL *ssl;	/* holds its SSL_CTX, as OpenSSL counts references */
	uint8_t addr[ADDR_MAX];
	size_t addr_len, ip_len;	/* ip_len: family and IP, no port */
	uint64_t deadline_ms;
	struct lscd_dtls_conn *ho_prev, *ho_next;	/* while counted */
	struct dgram out[OUT_MAX];
	unsigned int out_head, out_count;
	struct lscd_dtls_seq_watch rx1, tx1;	/* epoch-1 records seen */
	bool etm_offered;
	bool counted;		/* in half_open */
	enum lscd_dtls_state state;
	struct lscd_dtls_verdict verdict;
	bool verified;		/* the verify callback ran */
};

struct lscd_dtls_server {
	/* For new associations; NULL: none is answered (a reload failed). */
	SSL_CTX *ctx;
	struct lscd_dtls_policy *policy;
	BIO_METHOD *out_method;
	struct lscd_dtls_conn *listener;
	unsigned int mtu, max_half_open, max_half_open_ip;
	unsigned int handshake_ms;
	uint64_t (*clock)(void *arg);
	void *clock_arg;
	struct lscd_dtls_conn *half_open;	/* the counted ones */
	uint64_t tx_gap;
	uint8_t secret[2][SECRET_LEN];
	unsigned int gen;		/* secret[gen & 1] is the current one */
	struct lscd_dtls_stats stats;
};

/* ---- The datagram queue BIO ------------------------------------------- */

static int out_write(BIO *b, const char *data, int len)
{
	struct lscd_dtls_conn *c = BIO_get_data(b);
	struct dgram *d;

	BIO_clear_retry_flags(b);
	if (len <= 0 || c->out_count == OUT_MAX ||
	    (size_t)len + CAPWAP_DTLS_HDR_LEN > c->srv->mtu)
		return -1;
	d = &c->out[(c->out_head + c->out_count) % OUT_MAX];
	d->data = malloc(len + CAPWAP_DTLS_HDR_LEN);
	if (!d->data)
		return -1;
	capwap_dtls_put_header(d->data);
	memcpy(d->data + CAPWAP_DTLS_HDR_LEN, data, len);
	d->len = len + CAPWAP_DTLS_HDR_LEN;
	c->out_count++;
	lscd_dtls_seq_watch(&c->tx1, 1, (const uint8_t *)data, len);
	return len;
}

static void out_clear(struct lscd_dtls_conn *c)
{
	while (c->out_count) {
		free(c->out[c->out_head].data);
		c->out_head = (c->out_head + 1) % OUT_MAX;
		c->out_count--;
	}
}

int lscd_dtls_conn_output(struct lscd_dtls_conn *c, uint8_t *buf, size_t size)
{
	struct dgram *d = &c->out[c->out_head];
	int len;

	if (!c->out_count)
		return 0;
	if (d->len > size)
		return -ENOSPC;
	memcpy(buf, d->data, d->len);
	len = d->len;
	free(d->data);
	c->out_head = (c->out_head + 1) % OUT_MAX;
	c->out_count--;
	return len;
}

/* ---- Addresses and the clock -------------------------------------------- */

/*
 * @sa as family byte, IP and port in network order; an IPv4-mapped IPv6
 * address as the IPv4 address it maps.  0, or -EAFNOSUPPORT.
 */
static int peer_addr(const struct sockaddr *sa, socklen_t len,
		     struct lscd_dtls_conn *c)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;
	const struct sockaddr_in *s4 = (const void *)sa;
	const void *ip;
	size_t ip_len;
	in_port_t port;

	if (sa && sa->sa_family == AF_INET && len >= sizeof(*s4)) {
		ip = &s4->sin_addr;
		ip_len = 4;
		port = s4->sin_port;
	} else if (sa && sa->sa_family == AF_INET6 && len >= sizeof(*s6)) {
		ip = &s6->sin6_addr;
		ip_len = 16;
		port = s6->sin6_port;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			ip = s6->sin6_addr.s6_addr + 12;
			ip_len = 4;
		}
	} else {
		return -EAFNOSUPPORT;
	}
	/* The kernel's bytes too: a cookie either makes, the other takes. */
	c->addr_len = capwap_dtls_cookie_addr(c->addr, ip, ip_len,
					      (const u8 *)&port);
	c->ip_len = 1 + ip_len;
	return 0;
}

static uint64_t now_ms(const struct lscd_dtls_server *s)
{
	return s->clock(s->clock_arg);
}

static uint64_t monotonic_ms(void *arg)
{
	(void)arg;
	return lsc_now_ms();
}

/* ---- Cookies ----------------------------------------------------------- */

static int cookie_mac(const struct lscd_dtls_server *s, unsigned int gen,
		      const struct lscd_dtls_conn *c, uint8_t *out)
{
	size_t len = 0;

	out[0] = gen & 0xff;
	return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
			 s->secret[gen & 1], SECRET_LEN, c->addr, c->addr_len,
			 out + 1, COOKIE_LEN - 1, &len) && len == COOKIE_LEN - 1 ?
	       0 : -EIO;
}

static int cookie_generate(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
	struct lscd_dtls_conn *c = SSL_get_app_data(ssl);

	if (cookie_mac(c->srv, c->srv->gen, c, cookie))
		return 0;
	*len = COOKIE_LEN;
	c->srv->stats.hello_verify++;
	return 1;
}

static int cookie_verify(SSL *ssl, const unsigned char *cookie,
			 unsigned int len)
{
	struct lscd_dtls_conn *c = SSL_get_app_data(ssl);
	struct lscd_dtls_server *s = c->srv;
	uint8_t want[COOKIE_LEN];
	int which = -1, ok = 0;

	/* The current secret, or the one before it: as the kernel takes them. */
	if (len == COOKIE_LEN)
		which = capwap_dtls_cookie_secret(cookie[0], s->gen & 0xff,
						  s->gen > 0);
	if (which >= 0 && !cookie_mac(s, s->gen - which, c, want))
		ok = !CRYPTO_memcmp(want, cookie, COOKIE_LEN);
	OPENSSL_cleanse(want, sizeof(want));
	if (!ok && c == s->listener)
		s->stats.cookie_refused++;
	return ok;
}

bool lscd_dtls_server_cookie_secrets(const struct lscd_dtls_server *s,
				     uint8_t *gen, uint8_t *secret,
				     uint8_t *prev)
{
	*gen = s->gen & 0xff;
	memcpy(secret, s->secret[s->gen & 1], SECRET_LEN);
	if (!s->gen)
		return false;
	memcpy(prev, s->secret[(s->gen - 1) & 1], SECRET_LEN);
	return true;
}

int lscd_dtls_server_rotate_cookie(struct lscd_dtls_server *s)
{
	if (RAND_priv_bytes(s->secret[(s->gen + 1) & 1], SECRET_LEN) != 1)
		return -EIO;
	s->gen++;
	return 0;
}

/* ---- Callbacks of the handshake ----------------------------------------- */

static int verify_error(enum lscd_dtls_refusal r)
{
	switch (r) {
	case LSCD_DTLS_EXPIRED:
		return X509_V_ERR_CERT_HAS_EXPIRED;
	case LSCD_DTLS_UNTRUSTED:
	case LSCD_DTLS_SSC_UNLISTED:
		return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
	default:
		return X509_V_ERR_CERT_REJECTED;
	}
}

/*
 * In place of OpenSSL's chain check (SSL_CTX_set_cert_verify_callback):
 * the whole judgement is dtls_peer.c's, so no purpose of OpenSSL's can
 * refuse an RFC 5415 EKU.  The alert the AP gets follows the error set
 * here (unknown_ca, certificate_expired, bad_certificate).
 */
static int verify_peer(X509_STORE_CTX *xs, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs,
					      SSL_get_ex_data_X509_STORE_CTX_idx());
	struct lscd_dtls_conn *c = SSL_get_app_data(ssl);
	enum lscd_dtls_refusal r;

	(void)arg;
	c->verified = true;
	r = lscd_dtls_peer_verify(c->policy, X509_STORE_CTX_get0_cert(xs),
				  X509_STORE_CTX_get0_untrusted(xs),
				  time(NULL), &c->verdict);
	X509_STORE_CTX_set_error(xs, r ? verify_error(r) : X509_V_OK);
	return r == LSCD_DTLS_ACCEPTED;
}

static void conn_failed(struct lscd_dtls_conn *c, enum lscd_dtls_refusal r,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool offered(const unsigned char *ids, size_t len, uint16_t id)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		if ((ids[i] << 8 | ids[i + 1]) == id)
			return true;
	return false;
}

/*
 * For a client that did not offer encrypt-then-MAC: this association's
 * suites without the CBC ones.  Returns 0, or -1 when the client offered
 * CBC suites of ours and nothing else of ours (the handshake then fails
 * with that reason, not OpenSSL's "no shared cipher").
 */
static int withhold_cbc(SSL *ssl, struct lscd_dtls_conn *c)
{
	STACK_OF(SSL_CIPHER) *ours = SSL_get_ciphers(ssl);
	const unsigned char *ids;
	size_t nids = SSL_client_hello_get0_ciphers(ssl, &ids), off = 0;
	bool cbc = false, other = false;
	char list[2048];
	int i, id;

	for (i = 0; i < sk_SSL_CIPHER_num(ours); i++) {
		const SSL_CIPHER *ci = sk_SSL_CIPHER_value(ours, i);
		bool asked = offered(ids, nids, SSL_CIPHER_get_protocol_id(ci));
		int n;

		/* TLS 1.3 suites are not DTLS 1.2's, nor of this list. */
		if (SSL_CIPHER_get_kx_nid(ci) == NID_kx_any)
			continue;
		id = lscd_dtls_suite_cipher(ci);
		if (id > 0 && capwap_dtls_cipher_cbc(id)) {
			cbc |= asked;
			continue;
		}
		other |= asked;
		n = snprintf(list + off, sizeof(list) - off, "%s%s",
			     off ? ":" : "", SSL_CIPHER_get_name(ci));
		if (n < 0 || (size_t)n >= sizeof(list) - off) {
			conn_failed(c, LSCD_DTLS_NO_ETM,
				    "CBC suite without encrypt-then-MAC (RFC 7366): the other suites of dtls_suites are over %zu bytes, too many to offer alone",
				    sizeof(list));
			return -1;
		}
		off += n;
	}
	if (cbc && !other) {
		conn_failed(c, LSCD_DTLS_NO_ETM,
			    "CBC suite without encrypt-then-MAC (RFC 7366): not offered; the peer offered no other suite of ours, and the kernel carries CBC records only with encrypt-then-MAC");
		return -1;
	}
	if (!cbc)
		return 0;
	if (off && SSL_set_cipher_list(ssl, list))
		return 0;
	conn_failed(c, LSCD_DTLS_NO_ETM,
		    "CBC suite without encrypt-then-MAC (RFC 7366): OpenSSL took none of the other suites (%s)",
		    list);
	return -1;
}

/*
 * Whether the ClientHello offered encrypt-then-MAC (no getter after).  A
 * client that did not gets no CBC suite: the kernel will not carry
 * MAC-then-encrypt records, whose constant-time check would take a
 * hand-written HMAC (OpenSSL's ssl3_cbc_digest_record()).
 */
static int client_hello(SSL *ssl, int *alert, void *arg)
{
	struct lscd_dtls_conn *c = SSL_get_app_data(ssl);
	const unsigned char *ext;
	size_t len;

	(void)arg;
	c->etm_offered = SSL_client_hello_get0_ext(ssl,
						   TLSEXT_TYPE_encrypt_then_mac,
						   &ext, &len) == 1;
	if (!c->etm_offered && withhold_cbc(ssl, c)) {
		*alert = SSL_AD_HANDSHAKE_FAILURE;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* ---- The server --------------------------------------------------------- */

static SSL_CTX *make_ctx(const struct lscd_dtls_server_conf *conf, char *why,
			 size_t size)
{
	const char *suites = conf->suites ? conf->suites : LSCD_DTLS_DEFAULT_SUITES;
	SSL_CTX *ctx = SSL_CTX_new(DTLS_server_method());
	STACK_OF(SSL_CIPHER) *ciphers;
	unsigned int i;
	int n;

	if (!ctx) {
		snprintf(why, size, "cannot create the DTLS context");
		return NULL;
	}
	/* DTLS 1.0 is refused (RFC 8996), and renegotiation too. */
	if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION)) {
		snprintf(why, size, "cannot restrict the context to DTLS 1.2");
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_QUERY_MTU |
			    SSL_OP_COOKIE_EXCHANGE | SSL_OP_NO_TICKET |
			    SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_cipher_list(ctx, suites)) {
		snprintf(why, size, "no usable suite in \"%s\"", suites);
		goto fail;
	}
	ciphers = SSL_CTX_get_ciphers(ctx);
	for (n = 0; n < sk_SSL_CIPHER_num(ciphers); n++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, n);

		/* TLS 1.3 suites (key exchange "any") never apply to DTLS 1.2. */
		if (SSL_CIPHER_get_kx_nid(c) == NID_kx_any)
			continue;
		if (lscd_dtls_suite_cipher(c) < 0) {
			snprintf(why, size, "suite %s cannot be handed over to the kernel",
				 SSL_CIPHER_get_name(c));
			goto fail;
		}
	}
	SSL_CTX_set_dh_auto(ctx, 1);
	if (!conf->ncreds || conf->ncreds > LSCD_DTLS_MAX_CREDS) {
		snprintf(why, size, "%u certificates for the controller, not 1 or 2",
			 conf->ncreds);
		goto fail;
	}
	for (i = 0; i < conf->ncreds; i++)
		if (SSL_CTX_use_cert_and_key(ctx, conf->creds[i].cert,
					     conf->creds[i].key,
					     conf->creds[i].chain, 1) != 1) {
			snprintf(why, size, "the controller's certificate %u does not match its key",
				 i + 1);
			goto fail;
		}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   NULL);
	SSL_CTX_set_cert_verify_callback(ctx, verify_peer, NULL);
	SSL_CTX_set_cookie_generate_cb(ctx, cookie_generate);
	SSL_CTX_set_cookie_verify_cb(ctx, cookie_verify);
	SSL_CTX_set_client_hello_cb(ctx, client_hello, NULL);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return NULL;
}

struct lscd_dtls_server *lscd_dtls_server_new(const struct lscd_dtls_server_conf *conf,
					      char *why, size_t size)
{
	struct lscd_dtls_server *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(why, size, "out of memory");
		return NULL;
	}
	s->mtu = conf->mtu ? conf->mtu : 1400;
	s->max_half_open = conf->max_half_open ? conf->max_half_open : 1024;
	s->max_half_open_ip = conf->max_half_open_per_ip ?
			      conf->max_half_open_per_ip : 8;
	s->clock = conf->clock ? conf->clock : monotonic_ms;
	s->clock_arg = conf->clock_arg;
	s->tx_gap = conf->tx_gap ? conf->tx_gap : 4096;
	s->out_method = lsc_dgram_bio_method("lscd DTLS datagrams", out_write);
	if (!s->out_method ||
	    RAND_priv_bytes(s->secret[0], SECRET_LEN) != 1) {
		snprintf(why, size, "out of memory");
		goto fail;
	}
	if (s->mtu < 256) {
		snprintf(why, size, "an MTU of %u", s->mtu);
		goto fail;
	}
	if (lscd_dtls_server_reload(s, conf, why, size))
		goto fail;
	return s;
fail:
	lscd_dtls_server_free(s);
	return NULL;
}

int lscd_dtls_server_reload(struct lscd_dtls_server *s,
			    const struct lscd_dtls_server_conf *conf,
			    char *why, size_t size)
{
	SSL_CTX *ctx = NULL;
	int err = 0;

	if (conf && !conf->policy) {
		snprintf(why, size, "no peer policy");
		err = -EINVAL;
	} else if (conf) {
		ctx = make_ctx(conf, why, size);
		err = ctx ? 0 : -EINVAL;
	}
	/* The listener is the old context's; it holds no association. */
	lscd_dtls_conn_free(s->listener);
	s->listener = NULL;
	SSL_CTX_free(s->ctx);
	lscd_dtls_policy_put(s->policy);
	/* Taken by each association as it starts: those under way keep theirs. */
	if (conf)
		s->handshake_ms = conf->handshake_timeout_ms ?
				  conf->handshake_timeout_ms : 60000;
	s->ctx = ctx;
	s->policy = ctx ? lscd_dtls_policy_get(conf->policy) : NULL;
	return err;
}

void lscd_dtls_server_free(struct lscd_dtls_server *s)
{
	if (!s)
		return;
	lscd_dtls_conn_free(s->listener);
	SSL_CTX_free(s->ctx);
	lscd_dtls_policy_put(s->policy);
	BIO_meth_free(s->out_method);
	OPENSSL_cleanse(s->secret, sizeof(s->secret));
	free(s);
}

SSL_CTX *lscd_dtls_server_ssl_ctx(struct lscd_dtls_server *s)
{
	return s->ctx;
}

const struct lscd_dtls_stats *lscd_dtls_server_stats(const struct lscd_dtls_server *s)
{
	return &s->stats;
}

/* ---- Associations -------------------------------------------------------- */

static struct lscd_dtls_conn *conn_new(struct lscd_dtls_server *s)
{
	struct lscd_dtls_conn *c = calloc(1, sizeof(*c));
	BIO *rbio = NULL, *wbio = NULL;

	if (!c)
		return NULL;
	c->srv = s;
	c->policy = lscd_dtls_policy_get(s->policy);
	c->ssl = SSL_new(s->ctx);
	rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(s->out_method);
	if (!c->ssl || !rbio || !wbio) {
		BIO_free(rbio);
		BIO_free(wbio);
		SSL_free(c->ssl);
		lscd_dtls_policy_put(c->policy);
		free(c);
		return NULL;
	}
	BIO_set_data(wbio, c);
	SSL_set_bio(c->ssl, rbio, wbio);
	SSL_set_app_data(c->ssl, c);
	SSL_set_accept_state(c->ssl);
	DTLS_set_link_mtu(c->ssl, s->mtu - CAPWAP_DTLS_HDR_LEN);
	return c;
}

/* Into the half-open list and count, with its deadline. */
static void count(struct lscd_dtls_conn *c)
{
	struct lscd_dtls_server *s = c->srv;

	c->counted = true;
	c->deadline_ms = now_ms(s) + s->handshake_ms;
	c->ho_prev = NULL;
	c->ho_next = s->half_open;
	if (s->half_open)
		s->half_open->ho_prev = c;
	s->half_open = c;
	s->stats.half_open++;
}

static void uncount(struct lscd_dtls_conn *c)
{
	if (!c->counted)
		return;
	if (c->ho_prev)
		c->ho_prev->ho_next = c->ho_next;
	else
		c->srv->half_open = c->ho_next;
	if (c->ho_next)
		c->ho_next->ho_prev = c->ho_prev;
	c->ho_prev = c->ho_next = NULL;
	c->counted = false;
	c->srv->stats.half_open--;
}

void lscd_dtls_conn_free(struct lscd_dtls_conn *c)
{
	if (!c)
		return;
	uncount(c);
	out_clear(c);
	SSL_free(c->ssl);
	lscd_dtls_policy_put(c->policy);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

/* The datagram's DTLS records into the read BIO, for one SSL call. */
static int feed(struct lscd_dtls_conn *c, const uint8_t *dgram, size_t len)
{
	int off = capwap_dtls_parse_header(dgram, len);
	BIO *rbio = SSL_get_rbio(c->ssl);

	(void)BIO_reset(rbio);
	if (off < 0 || (size_t)off >= len)
		return -EBADMSG;
	if (BIO_write(rbio, dgram + off, len - off) != (int)(len - off))
		return -ENOMEM;
	lscd_dtls_seq_watch(&c->rx1, 1, dgram + off, len - off);
	return 0;
}

static enum lscd_dtls_state expire(struct lscd_dtls_conn *c);

/* Fails the overdue; the half-open from @c's IP that are left. */
static unsigned int sweep(struct lscd_dtls_server *s,
			  const struct lscd_dtls_conn *c)
{
	struct lscd_dtls_conn *h = s->half_open, *next;
	uint64_t now = now_ms(s);
	unsigned int same = 0;

	for (; h; h = next) {
		next = h->ho_next;
		if (now >= h->deadline_ms)
			expire(h);
		else if (h->ip_len == c->ip_len &&
			 !memcmp(h->addr, c->addr, c->ip_len))
			same++;
	}
	return same;
}

enum lscd_dtls_listen_result lscd_dtls_listen(struct lscd_dtls_server *s,
					      const struct sockaddr *addr,
					      socklen_t addr_len,
					      const uint8_t *dgram, size_t len,
					      uint8_t *reply, size_t *reply_len,
					      struct lscd_dtls_conn **conn)
{
	struct lscd_dtls_conn *c;
	unsigned int same_ip;
	BIO_ADDR *peer;
	int ret, n;

	*conn = NULL;
	*reply_len = 0;
	if (!s->ctx)
		return LSCD_DTLS_LISTEN_DROP;
	if (!s->listener)
		s->listener = conn_new(s);
	c = s->listener;
	if (!c || peer_addr(addr, addr_len, c))
		return LSCD_DTLS_LISTEN_DROP;
	if (feed(c, dgram, len))
		return LSCD_DTLS_LISTEN_DROP;
	peer = BIO_ADDR_new();
	ret = peer ? DTLSv1_listen(c->ssl, peer) : -1;
	BIO_ADDR_free(peer);
	(void)BIO_reset(SSL_get_rbio(c->ssl));
	if (ret <= 0) {
		/* At most the HelloVerifyRequest: one datagram. */
		n = lscd_dtls_conn_output(c, reply, s->mtu);
		out_clear(c);
		ERR_clear_error();
		if (ret < 0) {
			/* The listener may be unusable: the next call makes another. */
			lscd_dtls_conn_free(c);
			s->listener = NULL;
		}
		if (n > 0) {
			*reply_len = n;
			return LSCD_DTLS_LISTEN_VERIFY;
		}
		return LSCD_DTLS_LISTEN_DROP;
	}
	same_ip = sweep(s, c);
	if (s->stats.half_open >= s->max_half_open ||
	    same_ip >= s->max_half_open_ip) {
		if (same_ip >= s->max_half_open_ip)
			s->stats.busy_ip++;
		else
			s->stats.busy++;
		SSL_clear(c->ssl);
		return LSCD_DTLS_LISTEN_DROP;
	}
	s->listener = NULL;
	memset(&c->rx1, 0, sizeof(c->rx1));
	memset(&c->tx1, 0, sizeof(c->tx1));
	count(c);
	s->stats.started++;
	/* The ClientHello is inside the SSL: no datagram to feed. */
	lscd_dtls_conn_input(c, NULL, 0);
	*conn = c;
	return LSCD_DTLS_LISTEN_NEW;
}

static void conn_failed(struct lscd_dtls_conn *c, enum lscd_dtls_refusal r,
			const char *fmt, ...)
{
	struct lscd_dtls_verdict *v = &c->verdict;
	va_list ap;

	if (v->refusal)
		return;
	v->refusal = r;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
}

/* Why OpenSSL ended the handshake, in the terms of dtls_peer.h. */
static void classify(struct lscd_dtls_conn *c)
{
	unsigned long e = ERR_peek_last_error();
	char text[160];

	/* The verify callback's verdict says it best. */
	if (c->verified && c->verdict.refusal)
		return;
	ERR_error_string_n(e, text, sizeof(text));
	switch (ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0) {
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
		conn_failed(c, LSCD_DTLS_NO_CERT, "the peer sent no certificate");
		break;
	case SSL_R_BAD_SIGNATURE:
		conn_failed(c, LSCD_DTLS_KEY_PROOF,
			    "the peer's CertificateVerify does not verify with its certificate's key: it does not hold that key");
		break;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_WRONG_VERSION_NUMBER:
		conn_failed(c, LSCD_DTLS_PROTOCOL,
			    "the peer does not offer DTLS 1.2 (%s)", text);
		break;
	case SSL_R_NO_SHARED_CIPHER:
		conn_failed(c, LSCD_DTLS_PROTOCOL,
			    "no cipher suite in common with the peer (%s)", text);
		break;
	case SSL_R_READ_TIMEOUT_EXPIRED:
		conn_failed(c, LSCD_DTLS_TIMEOUT,
			    "the peer stopped answering (%s)", text);
		break;
	default:
		conn_failed(c, LSCD_DTLS_HANDSHAKE, "handshake failed: %s", text);
	}
}

/* The handshake is over, with the verdict set when it failed. */
static enum lscd_dtls_state finish(struct lscd_dtls_conn *c,
				   enum lscd_dtls_state state)
{
	struct lscd_dtls_stats *st = &c->srv->stats;

	c->state = state;
	if (state == LSCD_DTLS_DONE) {
		st->completed++;
	} else {
		st->failed[lscd_dtls_refusal_counter(c->verdict.refusal)]++;
		if (lscd_dtls_refusal_is_auth_fail(c->verdict.refusal))
			st->auth_fail++;
	}
	ERR_clear_error();
	uncount(c);
	return c->state;
}

static enum lscd_dtls_state settle(struct lscd_dtls_conn *c, int ret)
{
	if (c->state != LSCD_DTLS_HANDSHAKING)
		return c->state;
	if (ret == 1)
		return finish(c, LSCD_DTLS_DONE);
	if (SSL_get_error(c->ssl, ret) == SSL_ERROR_WANT_READ)
		return c->state;
	classify(c);
	return finish(c, LSCD_DTLS_FAILED);
}

/* Past its hard deadline, whatever OpenSSL's retransmissions. */
static enum lscd_dtls_state expire(struct lscd_dtls_conn *c)
{
	conn_failed(c, LSCD_DTLS_TIMEOUT,
		    "no handshake within %u s of the returned cookie",
		    c->srv->handshake_ms / 1000);
	return finish(c, LSCD_DTLS_FAILED);
}

static bool overdue(const struct lscd_dtls_conn *c)
{
	return c->state == LSCD_DTLS_HANDSHAKING &&
	       now_ms(c->srv) >= c->deadline_ms;
}

enum lscd_dtls_state lscd_dtls_conn_input(struct lscd_dtls_conn *c,
					  const uint8_t *dgram, size_t len)
{
	/*
	 * Once done, the peer's records belong to the kernel: OpenSSL must
	 * read none of them (it would answer a renegotiation, or take
	 * application data the kernel will also see).
	 */
	if (c->state != LSCD_DTLS_HANDSHAKING)
		return c->state;
	if (overdue(c))
		return expire(c);
	if (dgram && feed(c, dgram, len))
		return c->state;
	return settle(c, SSL_do_handshake(c->ssl));
}

bool lscd_dtls_conn_timeout(struct lscd_dtls_conn *c, struct timeval *left)
{
	uint64_t now, ms;
	struct timeval rtx;

	if (c->state != LSCD_DTLS_HANDSHAKING)
		return false;
	now = now_ms(c->srv);
	ms = now < c->deadline_ms ? c->deadline_ms - now : 0;
	if (DTLSv1_get_timeout(c->ssl, &rtx) == 1 &&
	    (uint64_t)rtx.tv_sec * 1000 + rtx.tv_usec / 1000 < ms)
		ms = (uint64_t)rtx.tv_sec * 1000 + rtx.tv_usec / 1000;
	left->tv_sec = ms / 1000;
	left->tv_usec = ms % 1000 * 1000;
	return true;
}

enum lscd_dtls_state lscd_dtls_conn_handle_timeout(struct lscd_dtls_conn *c)
{
	int ret;

	if (c->state != LSCD_DTLS_HANDSHAKING)
		return c->state;
	if (overdue(c))
		return expire(c);
	ret = DTLSv1_handle_timeout(c->ssl);
	if (ret < 0) {
		ERR_raise(ERR_LIB_SSL, SSL_R_READ_TIMEOUT_EXPIRED);
		return settle(c, -1);
	}
	return c->state;
}

enum lscd_dtls_state lscd_dtls_conn_state(const struct lscd_dtls_conn *c)
{
	return c->state;
}

const struct lscd_dtls_verdict *lscd_dtls_conn_verdict(const struct lscd_dtls_conn *c)
{
	return &c->verdict;
}

const char *lscd_dtls_conn_cipher(const struct lscd_dtls_conn *c)
{
	return SSL_get_cipher_name(c->ssl);
}

X509 *lscd_dtls_conn_peer_cert(const struct lscd_dtls_conn *c)
{
	return SSL_get0_peer_certificate(c->ssl);
}

int lscd_dtls_conn_handover(struct lscd_dtls_conn *c,
			    struct capwap_dtls_keys *k, char *why, size_t size)
{
	struct lscd_dtls_handover h = { .epoch = 1 };
	const SSL_CIPHER *cipher = SSL_get_current_cipher(c->ssl);
	int id = cipher ? lscd_dtls_suite_cipher(cipher) : -1;

	if (c->state != LSCD_DTLS_DONE || !c->rx1.seen || !c->tx1.seen) {
		memset(k, 0, sizeof(*k));
		snprintf(why, size, "the handshake has not completed");
		return -EINVAL;
	}
	/*
	 * A handshake can complete without the verify callback (a resumed
	 * session, a PSK): the kernel gets keys only for a peer whose
	 * certificate was judged in this handshake and named a MAC.
	 */
	if (!c->verified || c->verdict.refusal || !c->verdict.has_mac) {
		memset(k, 0, sizeof(*k));
		snprintf(why, size, "the peer's certificate was %s in this handshake",
			 !c->verified ? "not judged" : c->verdict.refusal ?
			 "refused" : "accepted without a MAC");
		return -EPERM;
	}
	h.rx_seq = c->rx1.last_seq + 1;
	h.tx_seq = c->tx1.last_seq + c->srv->tx_gap;
	h.etm = c->etm_offered && id > 0 && capwap_dtls_cipher_mac_key_len(id) &&
		!(SSL_get_options(c->ssl) & SSL_OP_NO_ENCRYPT_THEN_MAC);
	return lscd_dtls_derive_keys(c->ssl, &h, k, why, size);
}
