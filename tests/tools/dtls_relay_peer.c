// SPDX-License-Identifier: GPL-2.0
/*
 * dtls_relay_peer: the module's DTLS relay and record layer against real
 * OpenSSL, with both ends in one process.  lsc-wtp --dtls and lscd's relay
 * exist (tests/vm/cases/93-lscd-dtls.sh and 96-dtls-refusals.sh run them
 * end to end), but neither can do what this tool does here: hand the
 * module the same key block twice, replay, flip a bit, forge a record far
 * ahead or in another epoch, send a CBC key block, or reach into a live
 * session at the record level.  So this purpose-built tool plays both
 * ends around the module:
 *
 *   - the AP: an OpenSSL DTLS 1.2 client whose datagrams get the CAPWAP
 *     DTLS header (RFC 5415 section 4.2) and go over a real UDP socket to
 *     the module's control port;
 *   - lscd's relay role: it joins the "dtls" genl group, feeds the
 *     relayed datagrams to lscd's own handshake engine
 *     (userspace/lscd/dtls_engine.c, dtls_keys.c and dtls_peer.c are
 *     linked in, not copied), sends the flights back with DTLS_SEND and
 *     hands the key block over with DTLS_KEYS.
 *
 * Then it checks what the module does with the records (25 checks, and
 * the 3 of $DTLS_PEER_HOOK, see check_identity()):
 * a record from a peer without keys is relayed, not processed; the
 * same key block twice is refused; the AP's
 * sealed Join, Configuration Status, Change State and Echo get sealed
 * answers OpenSSL reads; a Join naming another MAC than the certificate's
 * is refused, and so is a clear-text Join for the AP from another port; a replayed record, a record with a flipped bit, a forged
 * one far ahead and one of another epoch are dropped, counted, and do
 * not move the window; a genuine record 10000 numbers ahead is answered
 * and moves the window, so that an older genuine one left of it is
 * dropped as a replay; a new handshake by the same AP keeps its old
 * association carrying its Echo until the new keys are handed over,
 * after which the old keys open nothing; a second handshake at the same
 * address and port by another certificate's holder ends the first AP's
 * session;
 * close_notify ends the session; key blocks of the
 * CBC ciphers are refused without the encrypt-then-MAC flag, with an
 * extended-ack message, and taken with it; "lscctl config
 * dtls off" ends a live association and tells lscd.  It leaves one
 * association behind for the module's unload to free.  The module must
 * be loaded with "lscctl config dtls on".
 *
 *   dtls_relay_peer suites     each suite the module carries, in turn,
 *                              from a new port: ECDHE-RSA-AES128-GCM-
 *                              SHA256, ECDHE-RSA-AES256-GCM-SHA384,
 *                              AES128-SHA, DHE-RSA-AES128-SHA and
 *                              ECDHE-RSA-AES128-SHA (the last three
 *                              encrypt-then-MAC): the handshake and the
 *                              key block; the first records after the
 *                              handover both ways (Join, Configuration
 *                              Status, Change State, Echo: the module
 *                              opens OpenSSL's records and OpenSSL
 *                              reads the module's); a replay and a
 *                              flipped bit dropped and counted; for CBC
 *                              a record with a valid MAC and bad
 *                              padding, sealed here with the handed-over
 *                              keys, dropped and counted, and the same
 *                              with good padding answered (23 checks)
 *
 *   dtls_relay_peer sessions N N associations without a handshake, each
 *                              with an identity, for make bench (1 check);
 *                              AES-128-GCM, the first one's transmit key
 *                              15 zero bytes and 't', its salt "tx\0\0"
 *   dtls_relay_peer timers     with the module loaded with wait_join_s=6
 *                              echo_interval=1 dead_echoes=2: RFC 5415
 *                              section 4.7's WaitJoin and
 *                              DTLSSessionDelete, the controller's
 *                              close_notify when it ends a session (its
 *                              AP gone silent), none answering the AP's
 *                              own (6 checks)
 *   dtls_relay_peer cookie     the module's side of the cookie exchange
 *                              (kmod/dtls_cookie.c) with secrets set
 *                              here: its HelloVerifyRequest carries the
 *                              HMAC computed here, OpenSSL returns it
 *                              and the module relays that ClientHello;
 *                              the previous secret, a stale and a wrong
 *                              cookie, a proven peer's other records,
 *                              the secrets forgotten when the socket
 *                              that set them closes (7 checks)
 *   dtls_relay_peer required   with "lscctl config dtls required": a
 *                              clear-text Join gets no answer and is
 *                              counted, a Discovery is still answered;
 *                              before them, a clear-text session in Run
 *                              ends when the mode becomes required
 *                              (3 checks)
 */
#include <poll.h>
#include <sys/wait.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "capwap_peer.h"
#include "dtls_certs.h"
#include "dtls_engine.h"
#include "dtls_keys.h"
#include "dtls_pipe.h"
#include "genl.h"

/* The unit tests' sealing of CBC records; the rest is not used here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "dtls_records.h"

#define AP_CN	"C1262-0203a0b0c0d0"
#define OTHER_CN	"C1262-0203a0b0c0d1"
static const u8 ap_mac[6] = { 0x02, 0x03, 0xa0, 0xb0, 0xc0, 0xd0 };
static const u8 other_mac[6] = { 0x02, 0x03, 0xa0, 0xb0, 0xc0, 0xd1 };

static struct tcert ca, ctl, ctl_rsa, ap_cert, other_cert;
static struct lscd_dtls_policy *pol;
static struct lscd_dtls_server *srv;
static struct lsc_genl cmd;		/* DTLS_SEND, DTLS_KEYS, DTLS_CLOSE */
static struct peer_nl stats_nl;
static struct nl_sock *relay_sk;	/* joined to "dtls" */
static struct sockaddr_in ac;

/* The AP: OpenSSL over datagram pipes, the pipes over a UDP socket. */
static struct {
	SSL_CTX *ctx;
	SSL *ssl;
	struct pipe in, out;
	int fd;
	struct sockaddr_in me;
	u8 last[DGRAM_MAX + 4];	/* the last datagram it sent, as sent */
	size_t last_len;
	bool started;		/* the handshake, once the stranger was relayed */
} cl;

/* lscd's side of the one association. */
static struct {
	struct lscd_dtls_conn *conn;
	bool keyed;
	int relayed;		/* DTLS_RELAY messages seen */
	int closed;		/* DTLS_CLOSE messages seen */
	struct sockaddr_in closed_peer;	/* the last one's */
	int again;		/* DTLS_KEYS with the same block, the first time */
	char again_msg[256];
	u8 last[DGRAM_MAX + 4];	/* the last relayed records */
	size_t last_len;
	struct sockaddr_in last_peer;
	bool hold;		/* a DONE handshake's keys are held back */
	bool held;		/* and those of one are */
	struct capwap_dtls_keys keys;	/* the last key block handed over */
	u16 watch_port;		/* relayed datagrams from it are counted */
	int watch_seen;
} rl;

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends the client's queued datagrams, each behind the CAPWAP DTLS header. */
static void client_flush(void)
{
	u8 d[DGRAM_MAX + 4];
	int n;

	while ((n = pipe_pop(&cl.out, d + 4, DGRAM_MAX)) > 0) {
		capwap_dtls_put_header(d);
		memcpy(cl.last, d, n + 4);
		cl.last_len = n + 4;
		sendto(cl.fd, d, n + 4, 0, (struct sockaddr *)&ac, sizeof(ac));
	}
}

static int client_recv(void)
{
	u8 d[DGRAM_MAX + 4];
	ssize_t n = recv(cl.fd, d, sizeof(d), MSG_DONTWAIT);

	if (n < 4 || capwap_dtls_parse_header(d, n) < 0)
		return 0;
	pipe_push(&cl.in, d + 4, n - 4);
	return 1;
}

static int dtls_cmd(u8 c, const struct sockaddr_in *peer, int attr,
		    const void *data, size_t len, const u8 *mac, u8 cert_type)
{
	struct nl_msg *m = lsc_genl_msg_sized(&cmd, c, 0, len + 512);
	struct sockaddr_in local = { .sin_family = AF_INET };

	if (!m)
		return -ENOMEM;
	local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (nla_put(m, CAPWAP_LSC_A_DTLS_PEER, sizeof(*peer), peer) < 0 ||
	    nla_put(m, CAPWAP_LSC_A_DTLS_LOCAL, sizeof(local), &local) < 0 ||
	    (data && nla_put(m, attr, len, data) < 0) ||
	    (mac && (nla_put(m, CAPWAP_LSC_A_MAC, 6, mac) < 0 ||
		     nla_put_u8(m, CAPWAP_LSC_A_DTLS_CERT_TYPE, cert_type) < 0)) ||
	    /* What lscd tells of the peer with its keys, by lscd's code. */
	    (c == CAPWAP_LSC_CMD_DTLS_KEYS && rl.conn &&
	     lscd_dtls_ident_put(m, lscd_dtls_conn_peer_cert(rl.conn),
				 lscd_dtls_conn_cipher(rl.conn)) < 0)) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	return lsc_genl_call(&cmd, m, NULL, NULL);
}

/* lscd's output for the peer, without the CAPWAP DTLS header, to DTLS_SEND. */
static void relay_send(const struct sockaddr_in *peer, const u8 *d, size_t n)
{
	if (n > 4 && dtls_cmd(CAPWAP_LSC_CMD_DTLS_SEND, peer,
			      CAPWAP_LSC_A_DTLS_RECORDS, d + 4, n - 4, NULL,
			      0))
		fprintf(stderr, "# DTLS_SEND: %s\n", cmd.error_msg);
}

static void relay_flush(const struct sockaddr_in *peer)
{
	u8 d[2048];
	int n;

	while (rl.conn && (n = lscd_dtls_conn_output(rl.conn, d, sizeof(d))) > 0)
		relay_send(peer, d, n);
}

/* Done: the key block and the bound identity to the kernel, then the flight. */
static void relay_handover(const struct sockaddr_in *peer)
{
	const struct lscd_dtls_verdict *v = lscd_dtls_conn_verdict(rl.conn);
	struct capwap_dtls_keys k;
	u8 block[CAPWAP_DTLS_KEYS_LEN];
	char why[256];
	int r;

	r = lscd_dtls_conn_handover(rl.conn, &k, why, sizeof(why));
	if (!r)
		r = capwap_dtls_keys_put(&k, block, sizeof(block)) < 0 ? -EINVAL : 0;
	if (!r)
		r = dtls_cmd(CAPWAP_LSC_CMD_DTLS_KEYS, peer,
			     CAPWAP_LSC_A_DTLS_KEYS, block, sizeof(block),
			     v->mac, (u8)v->cert_type);
	if (r)
		fprintf(stderr, "# handover: %d %s %s\n", r, why, cmd.error_msg);
	else if (!rl.again) {
		/* Taken again, it would restart tx_seq under the same key. */
		rl.again = dtls_cmd(CAPWAP_LSC_CMD_DTLS_KEYS, peer,
				    CAPWAP_LSC_A_DTLS_KEYS, block, sizeof(block),
				    v->mac, (u8)v->cert_type) ?: 1;
		snprintf(rl.again_msg, sizeof(rl.again_msg), "%s",
			 cmd.error_msg);
	}
	rl.keyed = !r;
	rl.keys = k;
	OPENSSL_cleanse(&k, sizeof(k));
	OPENSSL_cleanse(block, sizeof(block));
	relay_flush(peer);
}

/* One DTLS_RELAY: what lscd will do with it. */
static void relay_datagram(const struct sockaddr_in *peer, const u8 *rec,
			   size_t len)
{
	u8 d[DGRAM_MAX + 4], reply[2048];
	size_t rlen = sizeof(reply);
	enum lscd_dtls_state st;

	rl.relayed++;
	if (rl.watch_port && peer->sin_port == rl.watch_port)
		rl.watch_seen++;
	if (len > DGRAM_MAX)
		return;
	memcpy(rl.last, rec, len);
	rl.last_len = len;
	rl.last_peer = *peer;
	if (peer->sin_port != cl.me.sin_port || rl.keyed || rl.held)
		return;
	capwap_dtls_put_header(d);
	memcpy(d + 4, rec, len);
	if (!rl.conn) {
		switch (lscd_dtls_listen(srv, (const struct sockaddr *)peer,
					 sizeof(*peer), d, len + 4, reply,
					 &rlen, &rl.conn)) {
		case LSCD_DTLS_LISTEN_VERIFY:
			relay_send(peer, reply, rlen);
			return;
		case LSCD_DTLS_LISTEN_NEW:
			relay_flush(peer);
			return;
		default:
			return;
		}
	}
	st = lscd_dtls_conn_input(rl.conn, d, len + 4);
	if (st == LSCD_DTLS_DONE && rl.hold)
		rl.held = true;
	else if (st == LSCD_DTLS_DONE)
		relay_handover(peer);
	else if (st == LSCD_DTLS_FAILED)
		fprintf(stderr, "# handshake failed: %s\n",
			lscd_dtls_conn_verdict(rl.conn)->why);
	else
		relay_flush(peer);
}

static int relay_cb(struct nl_msg *m, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(m));
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct sockaddr_in peer;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL) ||
	    !tb[CAPWAP_LSC_A_DTLS_PEER] ||
	    nla_len(tb[CAPWAP_LSC_A_DTLS_PEER]) != sizeof(peer))
		return NL_OK;
	memcpy(&peer, nla_data(tb[CAPWAP_LSC_A_DTLS_PEER]), sizeof(peer));
	if (gh->cmd == CAPWAP_LSC_CMD_DTLS_CLOSE) {
		rl.closed++;
		rl.closed_peer = peer;
	}
	else if (gh->cmd == CAPWAP_LSC_CMD_DTLS_RELAY &&
		 tb[CAPWAP_LSC_A_DTLS_RECORDS])
		relay_datagram(&peer, nla_data(tb[CAPWAP_LSC_A_DTLS_RECORDS]),
			       nla_len(tb[CAPWAP_LSC_A_DTLS_RECORDS]));
	return NL_OK;
}

/*
 * Runs both ends for up to @ms, or until @done says so: datagrams from
 * the module to the client, relayed ones to the engine, and both
 * retransmission timers.
 */
static bool pump(int ms, bool (*done)(void))
{
	struct pollfd p[2] = {
		{ .fd = cl.fd, .events = POLLIN },
		{ .fd = nl_socket_get_fd(relay_sk), .events = POLLIN },
	};
	u64 end = now_ms() + ms;
	struct timeval left;

	while (!(done && done())) {
		if (now_ms() >= end)
			return false;
		if (poll(p, 2, 50) < 0)
			return false;
		if (p[1].revents & POLLIN)
			nl_recvmsgs_default(relay_sk);
		while (client_recv())
			;
		if (cl.started && !SSL_is_init_finished(cl.ssl)) {
			SSL_do_handshake(cl.ssl);
			DTLSv1_handle_timeout(cl.ssl);
		}
		client_flush();
		if (rl.conn && !rl.keyed &&
		    lscd_dtls_conn_timeout(rl.conn, &left) &&
		    !left.tv_sec && !left.tv_usec) {
			lscd_dtls_conn_handle_timeout(rl.conn);
			relay_flush(&rl.last_peer);
		}
	}
	return true;
}

static bool handshake_done(void)
{
	return SSL_is_init_finished(cl.ssl) && rl.keyed;
}

static u8 seq;

static size_t client_hold(u32 type, const u8 *mac, u8 *d);

/* Seals one control request of @type from AP @mac and sends it. */
static int client_request(u32 type, const u8 *mac)
{
	u8 d[DGRAM_MAX + 4];
	size_t n = client_hold(type, mac, d);

	if (!n)
		return -EIO;
	sendto(cl.fd, d, n, 0, (struct sockaddr *)&ac, sizeof(ac));
	return 0;
}

static struct capwap_msg got;
static u8 got_buf[4096];
static u32 want_type;

static bool got_answer(void)
{
	struct capwap_packet pkt;
	int n = SSL_read(cl.ssl, got_buf, sizeof(got_buf));

	if (n <= 0)
		return false;
	if (capwap_parse(got_buf, n, &pkt) != CAPWAP_PARSE_OK)
		return false;
	got = pkt.msg;
	return got.type == want_type && got.seq == seq;
}

/*
 * Sends a request and waits for its answer, read by OpenSSL: its Result
 * Code, or -1 when none came.
 */
static long request(u32 type, const u8 *mac)
{
	struct capwap_elem e;
	u32 v = 0;

	want_type = type + 1;
	if (client_request(type, mac) || !pump(30000, got_answer))
		return -1;
	if (!capwap_find_elem(&got, CAPWAP_ELEM_RESULT_CODE, &e))
		capwap_elem_get_u32(&e, &v);
	return v;
}

/* A request of AP @mac's in clear text, its answer awaited: its length. */
static int ap_request(u32 type, const u8 *mac, u8 *buf, size_t size)
{
	struct peer_ap ap = { .seq = seq, .cert_type = CAPWAP_LSC_CERT_MIC };
	int len;

	memcpy(ap.mac, mac, 6);
	snprintf(ap.name, sizeof(ap.name), "dtls-ap");
	len = build_request(&ap, type, buf, size);
	seq = ap.seq;
	want_type = type + 1;
	return len;
}

/* Seals a request of AP @mac's into @d, with its header, unsent. */
static size_t client_hold(u32 type, const u8 *mac, u8 *d)
{
	u8 buf[2048];
	int len = ap_request(type, mac, buf, sizeof(buf));

	if (len < 0 || SSL_write(cl.ssl, buf, len) != len)
		return 0;
	len = pipe_pop(&cl.out, d + 4, DGRAM_MAX);
	if (len <= 0)
		return 0;
	capwap_dtls_put_header(d);
	memcpy(cl.last, d, len + 4);
	cl.last_len = len + 4;
	return len + 4;
}

/* Sends a held request and waits for its answer: its Result Code or -1. */
static long send_held(const u8 *d, size_t n)
{
	struct capwap_elem e;
	u32 v = 0;

	sendto(cl.fd, d, n, 0, (struct sockaddr *)&ac, sizeof(ac));
	if (!pump(30000, got_answer))
		return -1;
	if (!capwap_find_elem(&got, CAPWAP_ELEM_RESULT_CODE, &e))
		capwap_elem_get_u32(&e, &v);
	return v;
}

static struct stats_ctx st0, st1;
static int stat_idx;
static u64 stat_base;

static bool stat_moved(void)
{
	return !peer_get_stats(&stats_nl, &st1) && st1.v[stat_idx] > stat_base;
}

/* Sends @d as it is and waits for the counter @idx to move; its delta. */
static u64 send_raw_counted(const u8 *d, size_t n, int idx)
{
	peer_get_stats(&stats_nl, &st0);
	stat_idx = idx;
	stat_base = st0.v[idx];
	sendto(cl.fd, d, n, 0, (struct sockaddr *)&ac, sizeof(ac));
	if (!pump(20000, stat_moved))
		return 0;
	return st1.v[idx] - st0.v[idx];
}

/* The suites the module carries, for "dtls_relay_peer suites". */
static const struct {
	const char *name;
	u8 cipher;
} kat[] = {
	{ "ECDHE-RSA-AES128-GCM-SHA256", CAPWAP_DTLS_CIPHER_AES_128_GCM },
	{ "ECDHE-RSA-AES256-GCM-SHA384", CAPWAP_DTLS_CIPHER_AES_256_GCM },
	{ "AES128-SHA", CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 },
	{ "DHE-RSA-AES128-SHA", CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 },
	{ "ECDHE-RSA-AES128-SHA", CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1 },
};
#define KAT_SUITES	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:" \
			"AES128-SHA:DHE-RSA-AES128-SHA:ECDHE-RSA-AES128-SHA"

/* @suites NULL: the client's ECDHE-ECDSA-AES128-GCM-SHA256, lscd's default. */
static int setup(const char *suites)
{
	struct lscd_dtls_server_conf conf = { 0 };
	char why[256];

	if (tcert_make(&ca, &(struct tcert_spec){ .cn = "LSC CA", .from = -3600,
						  .to = 365 * DAY, .ca = 1 }) ||
	    tcert_make(&ctl, &(struct tcert_spec){ .cn = "controller", .by = &ca,
						   .from = -3600, .to = 30 * DAY }) ||
	    tcert_make(&ap_cert, &(struct tcert_spec){ .cn = AP_CN, .by = &ca,
						       .from = -3600,
						       .to = 30 * DAY }) ||
	    tcert_make(&other_cert, &(struct tcert_spec){ .cn = OTHER_CN,
							  .by = &ca,
							  .from = -3600,
							  .to = 30 * DAY }))
		return -1;
	pol = lscd_dtls_policy_new();
	if (!pol || lscd_dtls_policy_set_lsc_ca(pol, ca.cert, NULL) ||
	    pipe_method_init())
		return -1;
	conf.policy = pol;
	conf.creds[0].cert = ctl.cert;
	conf.creds[0].key = ctl.key;
	conf.ncreds = 1;
	/* RSA key exchange and RSA signatures need an RSA certificate. */
	if (suites) {
		if (tcert_make(&ctl_rsa, &(struct tcert_spec){ .cn = "controller",
							       .by = &ca, .rsa = 1,
							       .from = -3600,
							       .to = 30 * DAY }))
			return -1;
		conf.creds[1].cert = ctl_rsa.cert;
		conf.creds[1].key = ctl_rsa.key;
		conf.ncreds = 2;
		conf.suites = suites;
	}
	conf.handshake_timeout_ms = 120000;
	srv = lscd_dtls_server_new(&conf, why, sizeof(why));
	if (!srv) {
		fprintf(stderr, "# engine: %s\n", why);
		return -1;
	}

	cl.ctx = SSL_CTX_new(DTLS_client_method());
	if (!cl.ctx || !SSL_CTX_set_min_proto_version(cl.ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(cl.ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(cl.ctx, suites ?: "ECDHE-ECDSA-AES128-GCM-SHA256") ||
	    !SSL_CTX_use_certificate(cl.ctx, ap_cert.cert) ||
	    !SSL_CTX_use_PrivateKey(cl.ctx, ap_cert.key) ||
	    !X509_STORE_add_cert(SSL_CTX_get_cert_store(cl.ctx), ca.cert))
		return -1;
	SSL_CTX_set_options(cl.ctx, SSL_OP_NO_QUERY_MTU);
	SSL_CTX_set_verify(cl.ctx, SSL_VERIFY_PEER, NULL);
	cl.ssl = SSL_new(cl.ctx);
	if (!cl.ssl)
		return -1;
	SSL_set_bio(cl.ssl, pipe_bio(&cl.in), pipe_bio(&cl.out));
	DTLS_set_link_mtu(cl.ssl, 1396);
	SSL_set_connect_state(cl.ssl);
	return 0;
}

/*
 * A second handshake from the same address and port, by the holder of
 * another certificate (a NAT that gave the port to another AP, or an
 * attacker on the path): the module must end the first AP's CAPWAP
 * session when the new keys replace the old association, or the new
 * peer would inherit it (its Echo answered, a CSR in its WTP Event
 * signed for the first AP's MAC).
 */
/*
 * The AP's SSL made anew, and lscd's side forgotten: the next handshake
 * starts from nothing.  Returns the new SSL, or NULL.
 */
static SSL *client_restart(void)
{
	u8 d[DGRAM_MAX];

	SSL_free(cl.ssl);
	while (pipe_pop(&cl.in, d, sizeof(d)) > 0 ||
	       pipe_pop(&cl.out, d, sizeof(d)) > 0)
		;
	lscd_dtls_conn_free(rl.conn);
	rl.conn = NULL;
	rl.keyed = false;
	cl.ssl = SSL_new(cl.ctx);
	if (!cl.ssl)
		return NULL;
	SSL_set_bio(cl.ssl, pipe_bio(&cl.in), pipe_bio(&cl.out));
	DTLS_set_link_mtu(cl.ssl, 1396);
	SSL_set_connect_state(cl.ssl);
	return cl.ssl;
}

static void check_replaced(void)
{
	struct ap_info before, after;
	bool answered;
	SSL *ssl;

	peer_get_ap(&stats_nl, ap_mac, &before);
	ssl = client_restart();
	if (!ssl || !SSL_use_certificate(ssl, other_cert.cert) ||
	    !SSL_use_PrivateKey(ssl, other_cert.key)) {
		printf("Bail out! second client\n");
		exit(1);
	}
	SSL_do_handshake(cl.ssl);
	client_flush();
	pump(120000, handshake_done);
	peer_get_ap(&stats_nl, ap_mac, &after);
	/* The new peer speaks as the first AP: it must not be its session. */
	want_type = CAPWAP_MSG_ECHO_RESP;
	answered = handshake_done() && !client_request(CAPWAP_MSG_ECHO_REQ, ap_mac) &&
		   pump(3000, got_answer);
	result(handshake_done() && before.session == CAPWAP_LSC_SESSION_RUN &&
	       after.session == CAPWAP_LSC_SESSION_DOWN && !answered,
	       "a second handshake at the same address and port by another certificate's holder ends the first AP's session; its Echo as that AP is not answered",
	       "handshake %d, first AP's session %u -> %u, Echo as it answered %d",
	       handshake_done(), before.session, after.session, answered);
}

/* The sequence number of the first record of datagram @d, 0 if none. */
static u64 first_seq(const u8 *d, size_t n)
{
	struct capwap_dtls_record rec;
	const u8 *pos = d + 4;
	size_t left = n > 4 ? n - 4 : 0;

	return capwap_dtls_next_record(&pos, &left, &rec) == 1 ? rec.seq : 0;
}

/*
 * Seals a request of AP @mac's into @d as the module would take it, with
 * the handed-over keys of the peer's direction, at sequence number @rseq:
 * good padding, or (@bad_pad) a wrong padding byte under a valid MAC.
 */
static size_t cbc_hold(u32 type, const u8 *mac, u64 rseq, bool bad_pad,
		       u8 *d)
{
	struct capwap_dtls_record r = {
		.type = CAPWAP_DTLS_CT_APPLICATION_DATA,
		.epoch = rl.keys.epoch, .seq = rseq,
	};
	u8 buf[2048];
	int len = ap_request(type, mac, buf, sizeof(buf));
	size_t n;

	if (len < 0)
		return 0;
	capwap_dtls_put_header(d);
	n = dtls_cbc_seal(rl.keys.rx.key, rl.keys.rx.mac_key, &r, buf, len,
			  bad_pad, d + 4);
	return n ? n + 4 : 0;
}

/*
 * OpenSSL seals @n records the module never sees: the AP's sequence
 * numbers jump ahead, as after a burst the network lost.
 */
static int client_skip(unsigned int n)
{
	u8 d[DGRAM_MAX];

	while (n--)
		if (SSL_write(cl.ssl, "", 1) != 1 ||
		    pipe_pop(&cl.out, d, sizeof(d)) < 0)
			return -1;
	return 0;
}

#define FAR_AHEAD	10000

/*
 * A genuine record 10000 numbers past the last one taken is answered
 * (RFC 6347 section 4.1.2.6: numbers right of the window always pass),
 * and moves the 64-entry window with it: of two genuine records sealed
 * just before it and held back, the one 64 below it is left of the
 * window and dropped as a replay, the one 63 below is still taken.
 */
static void check_far_ahead(void)
{
	u8 out_w[DGRAM_MAX + 4], in_w[DGRAM_MAX + 4], far[DGRAM_MAX + 4];
	size_t n_out = 0, n_in = 0, n_far = 0;
	u64 last = first_seq(cl.last, cl.last_len), s_out, s_in, s_far;
	u8 seq_in = 0, seq_far;
	long r_far = -1, r_in = -1;
	u64 dv;

	if (!client_skip(FAR_AHEAD - 65))
		n_out = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, out_w);
	if (n_out)
		n_in = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, in_w);
	seq_in = seq;
	if (n_in && !client_skip(62))
		n_far = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, far);
	seq_far = seq;
	s_out = first_seq(out_w, n_out);
	s_in = first_seq(in_w, n_in);
	s_far = first_seq(far, n_far);
	if (n_far)
		r_far = send_held(far, n_far);
	result(n_far && s_far == last + FAR_AHEAD && r_far == 0,
	       "a genuine record 10000 numbers ahead of the last one is answered",
	       "last record %llu, the one ahead %llu, echo %ld",
	       (unsigned long long)last, (unsigned long long)s_far, r_far);

	dv = n_out ? send_raw_counted(out_w, n_out,
				      CAPWAP_LSC_STATS_A_DTLS_DROP_REPLAY) : 0;
	seq = seq_in;
	if (n_in)
		r_in = send_held(in_w, n_in);
	seq = seq_far;
	result(s_far - s_out == 64 && s_far - s_in == 63 && dv == 1 &&
	       st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ] &&
	       r_in == 0,
	       "after it, a genuine record never sent, 64 below it (left of the window), is dropped as a replay (dtls_drop_replay); one 63 below is answered",
	       "records %llu and %llu below the top, dtls_drop_replay +%llu, Echo Requests handled +%llu, echo 63 below %ld",
	       (unsigned long long)(s_far - s_out),
	       (unsigned long long)(s_far - s_in), (unsigned long long)dv,
	       (unsigned long long)(st1.rx[CAPWAP_MSG_ECHO_REQ] -
				    st0.rx[CAPWAP_MSG_ECHO_REQ]), r_in);
}

/* The AP's other association: its SSL and the pipes OpenSSL uses. */
static struct {
	SSL *ssl;
	struct pipe in, out;
} alt;

/*
 * Makes the AP's other association the one the helpers above drive: its
 * SSL and pipes trade places with cl's, and each SSL is bound to the
 * pipes it now owns.  Both ends share the AP's UDP socket.
 */
static void swap_assoc(void)
{
	static struct pipe t;
	SSL *s = cl.ssl;

	t = cl.in;
	cl.in = alt.in;
	alt.in = t;
	t = cl.out;
	cl.out = alt.out;
	alt.out = t;
	cl.ssl = alt.ssl;
	alt.ssl = s;
	SSL_set_bio(cl.ssl, pipe_bio(&cl.in), pipe_bio(&cl.out));
	SSL_set_bio(alt.ssl, pipe_bio(&alt.in), pipe_bio(&alt.out));
}

static bool handover_waits(void)
{
	return rl.held;
}

/* Brings AP @mac to Run with a Join, Configuration Status and Change State. */
static long to_run(const u8 *mac)
{
	long r = request(CAPWAP_MSG_JOIN_REQ, mac);

	if (r == 0)
		r = request(CAPWAP_MSG_CONFIG_STATUS_REQ, mac);
	if (r == 0)
		r = request(CAPWAP_MSG_CHANGE_STATE_REQ, mac);
	return r;
}

/*
 * The same AP (same certificate, address and port) starts a new
 * handshake while it is in Run: the old association must live on until
 * the new one completes (RFC 6347 section 4.2.8, RFC 5415 section
 * 12.3).  lscd's side holds the new association's keys back once its
 * handshake is done, the furthest a handshake gets before the module
 * learns of it; the old keys must still carry the AP's Echo then.
 * After the handover, records under the old keys no longer open, and
 * the new association carries the AP, which Joins again: the module
 * ends the CAPWAP session the old association carried (RFC 5415
 * section 12.2, docs/PROTOCOL.md section 6.9).
 */
static void check_rehandshake(void)
{
	struct ap_info mid, after;
	u8 stale[DGRAM_MAX + 4];
	u64 relayed, dv;
	long r_mid, r_new;
	size_t n;
	bool held;

	alt.ssl = SSL_new(cl.ctx);
	if (!alt.ssl) {
		printf("Bail out! second association\n");
		exit(1);
	}
	DTLS_set_link_mtu(alt.ssl, 1396);
	SSL_set_connect_state(alt.ssl);
	swap_assoc();
	lscd_dtls_conn_free(rl.conn);
	rl.conn = NULL;
	rl.keyed = false;
	rl.hold = true;
	peer_get_stats(&stats_nl, &st0);
	SSL_do_handshake(cl.ssl);
	client_flush();
	held = pump(120000, handover_waits);
	peer_get_stats(&stats_nl, &st1);
	relayed = st1.v[CAPWAP_LSC_STATS_A_DTLS_RELAYED] -
		  st0.v[CAPWAP_LSC_STATS_A_DTLS_RELAYED];

	/* The old association's turn, the new one's handshake waiting. */
	swap_assoc();
	r_mid = request(CAPWAP_MSG_ECHO_REQ, ap_mac);
	n = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, stale);
	swap_assoc();
	peer_get_ap(&stats_nl, ap_mac, &mid);
	result(held && relayed >= 3 && !SSL_is_init_finished(cl.ssl) &&
	       r_mid == 0 && mid.session == CAPWAP_LSC_SESSION_RUN,
	       "a new handshake by the same AP at the same address and port is relayed while its old association lives: until it completes, an Echo under the old keys is answered and the AP stays in Run",
	       "handshake done at lscd %d, dtls_relayed +%llu, AP side finished %d, echo under the old keys %ld, session %u",
	       held, (unsigned long long)relayed,
	       SSL_is_init_finished(cl.ssl), r_mid, mid.session);

	rl.hold = false;
	rl.held = false;
	if (held)
		relay_handover(&rl.last_peer);
	pump(120000, handshake_done);
	dv = n ? send_raw_counted(stale, n, CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH) : 0;
	peer_get_ap(&stats_nl, ap_mac, &after);
	r_new = handshake_done() ? to_run(ap_mac) : -1;
	if (r_new == 0)
		r_new = request(CAPWAP_MSG_ECHO_REQ, ap_mac);
	result(handshake_done() && dv == 1 &&
	       st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ] &&
	       after.session == CAPWAP_LSC_SESSION_DOWN && r_new == 0,
	       "once it completes, an Echo under the old keys is dropped (dtls_drop_auth); the old association's session ended, and under the new keys the AP joins again and its Echo is answered",
	       "handshake %d, dtls_drop_auth +%llu, Echo Requests handled +%llu, session after the handover %u, join and echo under the new keys %ld",
	       handshake_done(), (unsigned long long)dv,
	       (unsigned long long)(st1.rx[CAPWAP_MSG_ECHO_REQ] -
				    st0.rx[CAPWAP_MSG_ECHO_REQ]),
	       after.session, r_new);
	SSL_free(alt.ssl);
	alt.ssl = NULL;
}

static int open_socket(struct sockaddr_in *me)
{
	socklen_t sl = sizeof(*me);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(me, 0, sizeof(*me));
	me->sin_family = AF_INET;
	me->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)me, sizeof(*me)) ||
	    getsockname(fd, (struct sockaddr *)me, &sl))
		return -1;
	return fd;
}

static int open_netlink(void)
{
	int grp;

	if (lsc_genl_open(&cmd) || peer_nl_open(&stats_nl, false))
		return -1;
	relay_sk = nl_socket_alloc();
	if (!relay_sk || genl_connect(relay_sk))
		return -1;
	nl_socket_disable_seq_check(relay_sk);
	nl_socket_set_msg_buf_size(relay_sk, 65536);
	/* Room for a burst of relayed datagrams, as lscd's relay socket has. */
	nl_socket_set_buffer_size(relay_sk, 1 << 20, 0);
	nl_socket_modify_cb(relay_sk, NL_CB_VALID, NL_CB_CUSTOM, relay_cb, NULL);
	grp = genl_ctrl_resolve_grp(relay_sk, CAPWAP_LSC_GENL_NAME,
				    CAPWAP_LSC_MCGRP_DTLS);
	return grp < 0 || nl_socket_add_membership(relay_sk, grp) ? -1 : 0;
}

static bool relayed_stranger(void)
{
	return rl.relayed > 0;
}

/* A record from a peer without keys goes to lscd as it came, unread. */
static void check_relay_stateless(void)
{
	struct sockaddr_in me;
	u8 d[4 + 13 + 40];
	int fd = open_socket(&me);
	bool same;

	capwap_dtls_put_header(d);
	capwap_dtls_put_record_header(d + 4, CAPWAP_DTLS_CT_APPLICATION_DATA,
				      1, 7, 40);
	memset(d + 17, 0x5a, 40);
	peer_get_stats(&stats_nl, &st0);
	sendto(fd, d, sizeof(d), 0, (struct sockaddr *)&ac, sizeof(ac));
	pump(20000, relayed_stranger);
	peer_get_stats(&stats_nl, &st1);
	same = rl.last_len == sizeof(d) - 4 && !memcmp(rl.last, d + 4, rl.last_len) &&
	       rl.last_peer.sin_port == me.sin_port &&
	       rl.last_peer.sin_addr.s_addr == me.sin_addr.s_addr;
	result(same && st1.v[CAPWAP_LSC_STATS_A_DTLS_RELAYED] ==
	       st0.v[CAPWAP_LSC_STATS_A_DTLS_RELAYED] + 1 &&
	       st1.v[CAPWAP_LSC_STATS_A_RX_PACKETS] ==
	       st0.v[CAPWAP_LSC_STATS_A_RX_PACKETS] && st1.rx_sum == st0.rx_sum,
	       "a record from a peer without keys is relayed to lscd as it came, and not processed",
	       "relayed %d (same bytes and peer %d), dtls_relayed +%llu, rx_packets +%llu, messages +%llu",
	       rl.relayed, same,
	       (unsigned long long)(st1.v[CAPWAP_LSC_STATS_A_DTLS_RELAYED] -
				    st0.v[CAPWAP_LSC_STATS_A_DTLS_RELAYED]),
	       (unsigned long long)(st1.v[CAPWAP_LSC_STATS_A_RX_PACKETS] -
				    st0.v[CAPWAP_LSC_STATS_A_RX_PACKETS]),
	       (unsigned long long)(st1.rx_sum - st0.rx_sum));
	close(fd);
	rl.relayed = 0;
}

/*
 * While the AP is in Run over DTLS: the command in $DTLS_PEER_HOOK runs
 * with the AP's certificate in the PEM file $DTLS_PEER_CERT and prints
 * its own checks (3: what sysfs and lscctl show of the AP's suite and
 * certificate against openssl's reading of that file, and the Join's
 * history entry), counted with this tool's.
 */
static void check_identity(void)
{
	const char *hook = getenv("DTLS_PEER_HOOK");
	const char *path = getenv("DTLS_PEER_CERT");
	FILE *f = path ? fopen(path, "w") : NULL;
	bool ran = false;
	pid_t pid = -1;
	int i, st = 0;

	if (f && PEM_write_X509(f, ap_cert.cert) == 1 && !fclose(f) && hook) {
		fflush(stdout);
		pid = fork();
		if (!pid) {
			execl("/bin/sh", "sh", "-c", hook, (char *)NULL);
			_exit(127);
		}
	} else if (f) {
		fclose(f);
	}
	/*
	 * The AP goes on with its Echo Requests while the hook reads: in a
	 * slow guest it may take longer than the dead interval.
	 */
	while (pid > 0 && waitpid(pid, &st, WNOHANG) == 0) {
		request(CAPWAP_MSG_ECHO_REQ, ap_mac);
		pump(2000, NULL);
	}
	/* A check it could not print is counted missing by the case. */
	ran = pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) != 127;
	if (!ran)
		for (i = 0; i < 3; i++)
			printf("not ok DTLS identity hook %d: cannot run DTLS_PEER_HOOK '%s' with DTLS_PEER_CERT '%s'\n",
			       i + 1, hook ?: "", path ?: "");
}

/* A clear-text Join for the AP in Run over DTLS, from another port. */
static void check_clear_join(void)
{
	struct ap_info info;
	struct peer_ap pa;
	int r = -EIO;

	peer_get_stats(&stats_nl, &st0);
	if (!peer_ap_open(&pa, "127.0.0.1", CAPWAP_LSC_DEFAULT_PORT, 0xd8)) {
		memcpy(pa.mac, ap_mac, 6);
		r = peer_join(&pa, 5000);
		peer_ap_close(&pa);
	}
	peer_get_stats(&stats_nl, &st1);
	peer_get_ap(&stats_nl, ap_mac, &info);
	result(r == CAPWAP_RESULT_JOIN_FAILURE &&
	       info.session == CAPWAP_LSC_SESSION_RUN &&
	       st1.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED] ==
	       st0.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED] + 1,
	       "a clear-text Join for an AP whose session is DTLS is refused (Join Failure) and leaves the session in Run",
	       "join %d, AP session %u, dtls_clear_refused +%llu", r, info.session,
	       (unsigned long long)(st1.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED] -
				    st0.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED]));
}

/* RFC 7366 or nothing: MAC-then-encrypt CBC stays out of the module. */
static void check_cbc_key_block(u8 cipher)
{
	struct capwap_dtls_keys k = {
		.cipher = cipher, .epoch = 1, .rx_seq = 1, .tx_seq = 4096,
		.suite = 0x002f,
	};
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_port = htons(40000 + cipher) };
	u8 block[CAPWAP_DTLS_KEYS_LEN];
	char name[192], msg[256];
	int r, etm, closed;

	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(k.rx.key, 1, sizeof(k.rx.key));
	memset(k.tx.key, 2, sizeof(k.tx.key));
	memset(k.rx.mac_key, 3, 20);
	memset(k.tx.mac_key, 4, 20);
	if (cipher == CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1) {
		memset(k.rx.key + 16, 0, 16);
		memset(k.tx.key + 16, 0, 16);
	}
	r = capwap_dtls_keys_put(&k, block, sizeof(block));
	if (r >= 0)
		r = dtls_cmd(CAPWAP_LSC_CMD_DTLS_KEYS, &peer,
			     CAPWAP_LSC_A_DTLS_KEYS, block, sizeof(block),
			     ap_mac, CAPWAP_LSC_CERT_LSC);
	snprintf(name, sizeof(name),
		 "a key block of cipher %u (CBC) without the encrypt-then-MAC flag is refused with EOPNOTSUPP and a message; with it, taken",
		 cipher);
	strcpy(msg, cmd.error_msg);
	k.flags = CAPWAP_DTLS_KEYS_F_ETM;
	etm = capwap_dtls_keys_put(&k, block, sizeof(block));
	if (etm >= 0)
		etm = dtls_cmd(CAPWAP_LSC_CMD_DTLS_KEYS, &peer,
			       CAPWAP_LSC_A_DTLS_KEYS, block, sizeof(block),
			       ap_mac, CAPWAP_LSC_CERT_LSC);
	OPENSSL_cleanse(&k, sizeof(k));
	OPENSSL_cleanse(block, sizeof(block));
	closed = dtls_cmd(CAPWAP_LSC_CMD_DTLS_CLOSE, &peer, 0, NULL, 0, NULL, 0);
	result(r == -EOPNOTSUPP && strstr(msg, "without encrypt-then-MAC (RFC 7366)") &&
	       !etm && !closed, name,
	       "DTLS_KEYS without the flag: %d (%s), message '%s'; with it %d; DTLS_CLOSE %d",
	       r, strerror(-r), msg, etm, closed);
}

/* Keys for a peer that never shook hands: a live association, cheaply. */
static int fake_keys(u16 port)
{
	struct capwap_dtls_keys k = {
		.cipher = CAPWAP_DTLS_CIPHER_AES_128_GCM, .epoch = 1,
		.rx_seq = 1, .tx_seq = 1, .suite = 0xc02b,
	};
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_port = htons(port) };
	u8 block[CAPWAP_DTLS_KEYS_LEN];
	int r;

	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(k.rx.key, 5, 16);
	memset(k.tx.key, 6, 16);
	r = capwap_dtls_keys_put(&k, block, sizeof(block));
	if (r >= 0)
		r = dtls_cmd(CAPWAP_LSC_CMD_DTLS_KEYS, &peer,
			     CAPWAP_LSC_A_DTLS_KEYS, block, sizeof(block),
			     ap_mac, CAPWAP_LSC_CERT_LSC);
	return r;
}

/*
 * dtls_relay_peer sessions N: N associations with key blocks and an
 * identity as lscd sends it (an LSC's names and fingerprint, the suite's
 * name), for make bench to weigh a DTLS session in kernel memory.
 */
static int sessions(long n)
{
	struct sockaddr_in peer = { .sin_family = AF_INET };
	struct capwap_dtls_keys k = {
		.cipher = CAPWAP_DTLS_CIPHER_AES_128_GCM, .epoch = 1,
		.rx_seq = 1, .tx_seq = 1, .suite = 0xc02b,
	};
	u8 block[CAPWAP_DTLS_KEYS_LEN];
	struct nl_msg *m;
	long i, bad = 0;

	if (lsc_genl_open(&cmd) ||
	    tcert_make(&ca, &(struct tcert_spec){ .cn = "LSC CA", .from = -3600,
						  .to = 365 * DAY, .ca = 1 }) ||
	    tcert_make(&ap_cert, &(struct tcert_spec){ .cn = AP_CN, .by = &ca,
						       .from = -3600,
						       .to = 30 * DAY })) {
		printf("Bail out! set-up\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		peer.sin_addr.s_addr = htonl(0x7f000000 | (2 + i / 50000));
		peer.sin_port = htons(10000 + i % 50000);
		/*
		 * The two directions never share a key or salt: a test that
		 * opens the module's records with the transmit ones
		 * (36-dtls-timers.sh) then tells the receive ones used
		 * instead.
		 */
		memset(k.rx.key, (int)i, 16);
		memset(k.tx.key, (int)(i >> 8), 16);
		k.rx.key[15] = 'r';
		k.tx.key[15] = 't';
		memcpy(k.rx.salt, "rx", 2);
		memcpy(k.tx.salt, "tx", 2);
		k.rx.salt[2] = i;
		k.tx.salt[3] = i >> 8;
		m = lsc_genl_msg_sized(&cmd, CAPWAP_LSC_CMD_DTLS_KEYS, 0, 1024);
		if (!m || capwap_dtls_keys_put(&k, block, sizeof(block)) < 0 ||
		    nla_put(m, CAPWAP_LSC_A_DTLS_PEER, sizeof(peer), &peer) < 0 ||
		    nla_put(m, CAPWAP_LSC_A_DTLS_KEYS, sizeof(block), block) < 0 ||
		    nla_put(m, CAPWAP_LSC_A_MAC, 6, ap_mac) < 0 ||
		    nla_put_u8(m, CAPWAP_LSC_A_DTLS_CERT_TYPE, CAPWAP_LSC_CERT_LSC) < 0 ||
		    lscd_dtls_ident_put(m, ap_cert.cert,
					"ECDHE-ECDSA-AES128-GCM-SHA256") < 0) {
			nlmsg_free(m);
			bad++;
			continue;
		}
		if (lsc_genl_call(&cmd, m, NULL, NULL))
			bad++;
	}
	printf("%s sessions: %ld of %ld keyed\n", bad ? "not ok" : "ok", n - bad, n);
	return bad ? 1 : 0;
}

static u16 off_port = 40100;

static bool closed_off(void)
{
	return rl.closed && rl.closed_peer.sin_port == htons(off_port);
}

/* DTLS off ends every association and tells lscd of each. */
static void check_off_closes(void)
{
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_port = htons(off_port) };
	int k, off, r;

	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rl.closed = 0;
	k = fake_keys(off_port);
	off = system("build/lscctl config dtls off >/dev/null");
	pump(10000, closed_off);
	r = dtls_cmd(CAPWAP_LSC_CMD_DTLS_CLOSE, &peer, 0, NULL, 0, NULL, 0);
	result(!k && !off && closed_off() && r == -ENOENT,
	       "lscctl config dtls off ends a live association and multicasts DTLS_CLOSE for it",
	       "keys %d, config off %d, DTLS_CLOSE events %d, DTLS_CLOSE after %d",
	       k, off, rl.closed, r);
	if (system("build/lscctl config dtls on >/dev/null"))
		printf("# lscctl config dtls on failed\n");
}

static int clear_text(void)
{
	struct stats_ctx a, b;
	struct peer_ap ap;
	int join, disc;

	struct ap_info info = { 0 };
	int run, req;

	if (peer_nl_open(&stats_nl, false) ||
	    peer_ap_open(&ap, "127.0.0.1", CAPWAP_LSC_DEFAULT_PORT, 0xd6)) {
		printf("Bail out! netlink or socket\n");
		return 1;
	}
	/* A clear-text session in Run, then "required": it must end. */
	run = system("build/lscctl config dtls on >/dev/null");
	if (!run)
		run = peer_to_run(&ap);
	req = system("build/lscctl config dtls required >/dev/null");
	peer_get_ap(&stats_nl, ap.mac, &info);
	result(!run && !req && info.found &&
	       info.session == CAPWAP_LSC_SESSION_DOWN,
	       "switching to DTLS required ends a clear-text session in Run",
	       "to Run %d, config required %d, record %d, session %u", run,
	       req, info.found, info.session);
	peer_ap_close(&ap);
	if (peer_ap_open(&ap, "127.0.0.1", CAPWAP_LSC_DEFAULT_PORT, 0xd7)) {
		printf("Bail out! socket\n");
		return 1;
	}
	peer_get_stats(&stats_nl, &a);
	join = peer_join(&ap, 2000);
	peer_get_stats(&stats_nl, &b);
	result(join == -ETIMEDOUT &&
	       b.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED] >
	       a.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED] &&
	       b.rx[CAPWAP_MSG_JOIN_REQ] == a.rx[CAPWAP_MSG_JOIN_REQ],
	       "DTLS required: a clear-text Join gets no answer, counted in dtls_clear_refused",
	       "join %d, dtls_clear_refused +%llu, Joins handled +%llu", join,
	       (unsigned long long)(b.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED] -
				    a.v[CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED]),
	       (unsigned long long)(b.rx[CAPWAP_MSG_JOIN_REQ] -
				    a.rx[CAPWAP_MSG_JOIN_REQ]));
	disc = peer_request(&ap, CAPWAP_MSG_DISCOVERY_REQ, 5000);
	result(disc == 1, "DTLS required: a clear-text Discovery is still answered",
	       "discovery %d", disc);
	peer_ap_close(&ap);
	return tests_failed ? 1 : 0;
}

/* A new AP association from a new port, offering @suite alone. */
static int kat_client(const char *suite)
{
	SSL *ssl = client_restart();

	if (cl.fd >= 0)
		close(cl.fd);
	cl.fd = open_socket(&cl.me);
	if (cl.fd < 0 || !ssl || !SSL_set_cipher_list(ssl, suite))
		return -1;
	cl.started = true;
	SSL_do_handshake(cl.ssl);
	client_flush();
	return 0;
}

static void kat_result(bool pass, size_t i, const char *what,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* result() with the suite's name before the check's. */
static void kat_result(bool pass, size_t i, const char *what,
		       const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: %s", pass ? "ok" : "not ok", kat[i].name, what);
	if (!pass) {
		tests_failed++;
		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

/*
 * One suite end to end through the module: the key block, the first
 * records both ways, a replay, a flipped bit and, for CBC, bad padding
 * under a valid MAC.
 */
static void kat_suite(size_t i)
{
	bool cbc = capwap_dtls_cipher_cbc(kat[i].cipher);
	const char *got = NULL;
	u8 d[DGRAM_MAX + 4], held[DGRAM_MAX + 4];
	struct ap_info info = { 0 };
	long r = -1, r2 = -1;
	size_t n = 0;
	u64 dv, last;
	bool keys;

	if (!kat_client(kat[i].name))
		pump(120000, handshake_done);
	if (handshake_done())
		got = SSL_CIPHER_get_name(SSL_get_current_cipher(cl.ssl));
	keys = handshake_done() && rl.keys.cipher == kat[i].cipher &&
	       rl.keys.flags == (cbc ? CAPWAP_DTLS_KEYS_F_ETM : 0);
	kat_result(keys && got && !strcmp(got, kat[i].name), i,
		   cbc ? "the handshake goes through the relay and lscd's engine, the module takes its key block (encrypt-then-MAC)" :
		   "the handshake goes through the relay and lscd's engine, the module takes its key block",
		   "client done %d, suite %s, keys %d, cipher %u flags %u",
		   SSL_is_init_finished(cl.ssl), got ?: "none", rl.keyed,
		   rl.keys.cipher, rl.keys.flags);
	if (!keys)
		return;

	r = to_run(ap_mac);
	if (r == 0)
		r = request(CAPWAP_MSG_ECHO_REQ, ap_mac);
	peer_get_ap(&stats_nl, ap_mac, &info);
	kat_result(r == 0 && info.session == CAPWAP_LSC_SESSION_RUN, i,
	       "the first records after the handover flow both ways: the module opens OpenSSL's Join, Configuration Status, Change State and Echo, OpenSSL reads each answer the module sealed; the AP is in Run",
	       "result %ld, session %u", r, info.session);

	n = cl.last_len;
	memcpy(d, cl.last, n);
	dv = send_raw_counted(d, n, CAPWAP_LSC_STATS_A_DTLS_DROP_REPLAY);
	kat_result(dv == 1 && st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ], i,
	       "a replayed record is dropped and counted (dtls_drop_replay)",
	       "dtls_drop_replay +%llu, Echo Requests handled +%llu", (unsigned long long)dv,
	       (unsigned long long)(st1.rx[CAPWAP_MSG_ECHO_REQ] -
				    st0.rx[CAPWAP_MSG_ECHO_REQ]));

	/* A bit of the ciphertext's last block (CBC) or tag (GCM). */
	n = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, held);
	memcpy(d, held, n);
	d[n - 30] ^= 0x04;
	dv = n ? send_raw_counted(d, n, CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH) : 0;
	r = dv == 1 && st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ] ?
	    send_held(held, n) : -1;
	kat_result(r == 0, i,
	       "a record with a flipped bit is dropped and counted (dtls_drop_auth); the genuine one after it is answered",
	       "dtls_drop_auth +%llu, echo after it %ld",
	       (unsigned long long)dv, r);

	if (cbc) {
		/*
		 * OpenSSL's next record will be last + 1: these two take
		 * the numbers after it, so the window still lets it in.
		 */
		last = first_seq(cl.last, cl.last_len);
		n = cbc_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, last + 2, true, d);
		dv = n ? send_raw_counted(d, n, CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH) : 0;
		r = dv == 1 && st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ];
		n = cbc_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, last + 3, false, d);
		r2 = n ? send_held(d, n) : -1;
		kat_result(r && r2 == 0, i,
		       "a record with a valid MAC and bad padding (sealed with the handed-over keys) is dropped and counted (dtls_drop_auth); the same sealed with good padding is answered",
		       "dtls_drop_auth +%llu, Echo Requests handled +%llu, good padding: echo %ld", (unsigned long long)dv,
		       (unsigned long long)(st1.rx[CAPWAP_MSG_ECHO_REQ] -
					    st0.rx[CAPWAP_MSG_ECHO_REQ]), r2);
	}

	/* close_notify: the next suite's AP starts alone. */
	peer_get_stats(&stats_nl, &st0);
	stat_idx = CAPWAP_LSC_STATS_A_DTLS_CLOSED;
	stat_base = st0.v[stat_idx];
	SSL_shutdown(cl.ssl);
	client_flush();
	if (!pump(20000, stat_moved))
		printf("# %s: close_notify did not end the association\n",
		       kat[i].name);
}

static int suites_mode(void)
{
	size_t i;

	ac.sin_family = AF_INET;
	ac.sin_port = htons(CAPWAP_LSC_DEFAULT_PORT);
	ac.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cl.fd = -1;
	if (setup(KAT_SUITES) || open_netlink()) {
		printf("Bail out! set-up: %s\n",
		       ERR_reason_error_string(ERR_get_error()) ?: "netlink");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(kat); i++)
		kat_suite(i);
	OPENSSL_cleanse(&rl.keys, sizeof(rl.keys));
	lscd_dtls_conn_free(rl.conn);
	lscd_dtls_server_free(srv);
	SSL_free(cl.ssl);
	SSL_CTX_free(cl.ctx);
	return tests_failed ? 1 : 0;
}

/* A new AP socket and client, and a handshake through the relay. */
static bool fresh_session(void)
{
	rl.closed = 0;
	close(cl.fd);
	cl.fd = open_socket(&cl.me);
	if (cl.fd < 0 || !client_restart())
		return false;
	cl.started = true;
	SSL_do_handshake(cl.ssl);
	client_flush();
	return pump(120000, handshake_done);
}

/* OpenSSL read a close_notify the controller sealed. */
static bool got_close(void)
{
	u8 b[512];

	return SSL_read(cl.ssl, b, sizeof(b)) <= 0 &&
	       (SSL_get_shutdown(cl.ssl) & SSL_RECEIVED_SHUTDOWN);
}

#define DELTA(a, b, i) \
	((unsigned long long)((b).v[CAPWAP_LSC_STATS_A_##i] - \
			      (a).v[CAPWAP_LSC_STATS_A_##i]))

/*
 * What the ended session's keys do with @held, a record sealed under
 * them: dropped quietly during DTLSSessionDelete (counted, not
 * relayed, not answered), relayed to lscd as a stranger's after it.
 */
static void check_deleted(const u8 *held, size_t n, const char *what)
{
	u64 dv;
	int i;

	rl.relayed = 0;
	dv = send_raw_counted(held, n, CAPWAP_LSC_STATS_A_DTLS_DROP_DELETED);
	result(dv == 1 && !rl.relayed &&
	       st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ],
	       what, "dtls_drop_deleted +%llu, relayed %d, Echo Requests handled +%llu",
	       (unsigned long long)dv, rl.relayed,
	       (unsigned long long)(st1.rx[CAPWAP_MSG_ECHO_REQ] -
				    st0.rx[CAPWAP_MSG_ECHO_REQ]));
	for (i = 0; i < 30 && !rl.relayed; i++) {
		sendto(cl.fd, held, n, 0, (struct sockaddr *)&ac, sizeof(ac));
		pump(1000, relayed_stranger);
	}
	peer_get_stats(&stats_nl, &st1);
	result(rl.relayed && st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ],
	       "after DTLSSessionDelete the session is gone: the same record goes to lscd as a stranger's",
	       "relayed %d after %d tries", rl.relayed, i);
}

static int timers(void)
{
	u8 held[DGRAM_MAX + 4];
	struct stats_ctx a, b;
	struct ap_info info;
	bool closed, answered;
	size_t n;
	long r;

	/*
	 * WaitJoin: keys, and no Join.  The counters are read before the
	 * keys: in a slow guest WaitJoin may be over by the time the client
	 * has read the last flight.
	 */
	peer_get_stats(&stats_nl, &a);
	if (!fresh_session()) {
		printf("Bail out! handshake\n");
		return 1;
	}
	n = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, held);
	closed = pump(30000, got_close);
	peer_get_stats(&stats_nl, &b);
	result(n && closed && DELTA(a, b, DTLS_WAIT_JOIN) == 1 &&
	       DELTA(a, b, DTLS_CLOSE_SENT) == 1 && rl.closed == 1,
	       "a keyed peer that sends no Join is ended at WaitJoin: it decrypts the controller's close_notify; counted (dtls_wait_join, dtls_close_sent) and told to lscd",
	       "close_notify read %d, dtls_wait_join +%llu, dtls_close_sent +%llu, DTLS_CLOSE events %d",
	       closed, DELTA(a, b, DTLS_WAIT_JOIN),
	       DELTA(a, b, DTLS_CLOSE_SENT), rl.closed);
	check_deleted(held, n,
		      "during DTLSSessionDelete a record under the ended keys is dropped quietly (dtls_drop_deleted): not opened, not relayed");

	/* An AP in Run goes silent: the controller ends its session. */
	if (!fresh_session()) {
		printf("Bail out! second handshake\n");
		return 1;
	}
	r = to_run(ap_mac);
	peer_get_stats(&stats_nl, &a);
	n = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, held);
	closed = pump(30000, got_close);
	peer_get_stats(&stats_nl, &b);
	peer_get_ap(&stats_nl, ap_mac, &info);
	result(!r && n && closed && info.session == CAPWAP_LSC_SESSION_DOWN &&
	       DELTA(a, b, DTLS_CLOSE_SENT) == 1 &&
	       DELTA(a, b, DTLS_WAIT_JOIN) == 0 && rl.closed == 1,
	       "an AP in Run over DTLS that goes silent: its session ends and it decrypts the controller's close_notify; counted (dtls_close_sent) and told to lscd",
	       "to Run %ld, close_notify read %d, session %u, dtls_close_sent +%llu, dtls_wait_join +%llu, DTLS_CLOSE events %d",
	       r, closed, info.session, DELTA(a, b, DTLS_CLOSE_SENT),
	       DELTA(a, b, DTLS_WAIT_JOIN), rl.closed);
	/* Its keys open nothing more: the Echo sealed before is not answered. */
	rl.relayed = 0;
	want_type = CAPWAP_MSG_ECHO_RESP;
	peer_get_stats(&stats_nl, &st0);
	sendto(cl.fd, held, n, 0, (struct sockaddr *)&ac, sizeof(ac));
	answered = pump(3000, got_answer);
	peer_get_stats(&stats_nl, &st1);
	result(!answered && !rl.relayed &&
	       DELTA(st0, st1, DTLS_DROP_DELETED) == 1,
	       "after the controller's close_notify the AP's keys open nothing: its Echo is dropped (dtls_drop_deleted), not answered",
	       "answered %d, relayed %d, dtls_drop_deleted +%llu", answered,
	       rl.relayed, DELTA(st0, st1, DTLS_DROP_DELETED));

	/* The AP's own close_notify: answered with one (RFC 5246 7.2.1). */
	if (!fresh_session()) {
		printf("Bail out! third handshake\n");
		return 1;
	}
	r = request(CAPWAP_MSG_JOIN_REQ, ap_mac);
	peer_get_stats(&stats_nl, &a);
	stat_idx = CAPWAP_LSC_STATS_A_DTLS_CLOSED;
	stat_base = a.v[stat_idx];
	SSL_shutdown(cl.ssl);
	client_flush();
	closed = pump(20000, stat_moved);
	answered = pump(10000, got_close);
	peer_get_stats(&stats_nl, &b);
	result(!r && closed && answered && DELTA(a, b, DTLS_CLOSE_SENT) == 0,
	       "the AP's own close_notify ends its session and is answered with a close_notify it decrypts (RFC 5246 7.2.1; dtls_close_sent unmoved: the AP ended it)",
	       "join %ld, dtls_closed moved %d, close_notify read back %d, dtls_close_sent +%llu",
	       r, closed, answered, DELTA(a, b, DTLS_CLOSE_SENT));

	lscd_dtls_conn_free(rl.conn);
	lscd_dtls_server_free(srv);
	SSL_free(cl.ssl);
	SSL_CTX_free(cl.ctx);
	return tests_failed ? 1 : 0;
}

/* ---- dtls_relay_peer cookie: the module's side of the cookie exchange ---- */

/* A datagram from the module on @fd within 5 s: its length, or -1. */
static int recv_within(int fd, u8 *d, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 5000) != 1)
		return -1;
	return recv(fd, d, size, 0);
}

/* DTLS_COOKIE on @g: @secret NULL sends none, @gen < 0 no generation. */
static int cookie_cmd(struct lsc_genl *g, int gen, const u8 *secret,
		      const u8 *prev)
{
	struct nl_msg *m = lsc_genl_msg(g, CAPWAP_LSC_CMD_DTLS_COOKIE, 0);

	if (!m)
		return -ENOMEM;
	if ((gen >= 0 && nla_put_u8(m, CAPWAP_LSC_A_DTLS_COOKIE_GEN, gen) < 0) ||
	    (secret && nla_put(m, CAPWAP_LSC_A_DTLS_COOKIE_SECRET, 32, secret) < 0) ||
	    (prev && nla_put(m, CAPWAP_LSC_A_DTLS_COOKIE_PREV, 32, prev) < 0)) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	return lsc_genl_call(g, m, NULL, NULL);
}

/* The cookie lscd would give @me under @secret of generation @gen. */
static void cookie_of(u8 *cookie, u8 gen, const u8 *secret,
		      const struct sockaddr_in *me)
{
	u8 addr[7];
	size_t n = 0;

	cookie[0] = gen;
	EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, 32, addr,
		  capwap_dtls_cookie_addr(addr, (const u8 *)&me->sin_addr, 4,
					  (const u8 *)&me->sin_port),
		  cookie + 1, 32, &n);
}

/*
 * The ClientHello in @d (CAPWAP DTLS header first) with its 33-byte
 * cookie replaced by @cookie; false when it has no such cookie.
 */
static bool set_cookie(u8 *d, size_t n, const u8 *cookie)
{
	struct capwap_dtls_record rec;
	struct capwap_dtls_hello h;
	const u8 *p = d + 4;
	size_t left = n - 4;

	if (capwap_dtls_next_record(&p, &left, &rec) != 1 ||
	    capwap_dtls_parse_client_hello(&rec, &h) || h.cookie_len != 33)
		return false;
	memcpy((u8 *)h.cookie, cookie, 33);
	return true;
}

static u64 stat_delta(int idx)
{
	return st1.v[idx] - st0.v[idx];
}

static bool relayed_one(void)
{
	return rl.relayed > 0;
}

/*
 * Sends @d from @fd (bound to @me) and waits up to 2 s for it to be
 * relayed, and for a datagram back on @fd: whether it was relayed (the
 * last relayed datagram is it); @back holds what came back (@back_len 0
 * if nothing).
 */
static bool send_and_see(int fd, const struct sockaddr_in *me, const u8 *d,
			 size_t n, u8 *back, int *back_len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	rl.relayed = 0;
	peer_get_stats(&stats_nl, &st0);
	sendto(fd, d, n, 0, (struct sockaddr *)&ac, sizeof(ac));
	pump(2000, relayed_one);
	*back_len = poll(&p, 1, 500) == 1 ? recv(fd, back, DGRAM_MAX + 4, 0) : 0;
	peer_get_stats(&stats_nl, &st1);
	return rl.relayed > 0 && rl.last_len == n - 4 &&
	       !memcmp(rl.last, d + 4, n - 4) &&
	       rl.last_peer.sin_port == me->sin_port;
}

static bool watched(void)
{
	return rl.watch_seen > 0;
}

static int cookie_mode(void)
{
	u8 secret[32], prev[32], old[32], want[33], hello1[DGRAM_MAX + 4];
	u8 hello2[DGRAM_MAX + 4], back[DGRAM_MAX + 4], alert[4 + 13 + 2];
	struct capwap_dtls_record rec;
	struct capwap_dtls_hello h;
	struct lsc_genl owner;
	struct sockaddr_in me, me2;
	int fd, other, i, n1, n2, blen = 0, ret1, ret2;
	bool relayed, returned;
	u64 limited;
	const u8 *p;
	size_t left;

	fd = open_socket(&me);
	if (fd < 0 || lsc_genl_open(&owner) ||
	    RAND_bytes(secret, 32) != 1 || RAND_bytes(prev, 32) != 1 ||
	    RAND_bytes(old, 32) != 1) {
		printf("Bail out! cookie: socket, netlink or random\n");
		return 1;
	}
	ret1 = cookie_cmd(&owner, -1, secret, NULL);
	ret2 = cookie_cmd(&owner, 7, NULL, prev);
	result(ret1 == -EINVAL && ret2 == -EINVAL,
	       "DTLS_COOKIE refuses a secret without its generation, and a previous secret without the current one",
	       "no generation: %d, previous alone: %d (%s)", ret1, ret2,
	       owner.error_msg);
	ret1 = cookie_cmd(&owner, 7, secret, prev);

	/* The AP's first ClientHello, from OpenSSL: no cookie. */
	SSL_do_handshake(cl.ssl);
	n1 = pipe_pop(&cl.out, hello1 + 4, DGRAM_MAX);
	capwap_dtls_put_header(hello1);
	relayed = n1 > 0 && send_and_see(fd, &me, hello1, n1 + 4, back, &blen);
	cookie_of(want, 7, secret, &me);
	p = back + 4;
	left = blen > 4 ? blen - 4 : 0;
	result(!ret1 && !relayed && blen == 4 + 13 + 12 + 3 + 33 &&
	       capwap_dtls_next_record(&p, &left, &rec) == 1 &&
	       rec.version == CAPWAP_DTLS_VERSION_1_0 && rec.body[0] == 3 &&
	       rec.body[14] == 33 && !memcmp(rec.body + 15, want, 33) &&
	       stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT) == 1,
	       "with lscd's secrets, the module answers a ClientHello without a cookie with a HelloVerifyRequest carrying the generation byte and HMAC-SHA256(secret, 04|address|port), and relays nothing",
	       "DTLS_COOKIE %d, relayed %d, %d bytes back, cookie %s, dtls_cookies_sent +%llu",
	       ret1, relayed, blen, blen >= 4 + 13 + 12 + 3 + 33 &&
	       !memcmp(back + 4 + 13 + 12 + 3, want, 33) ? "as computed here" : "not as computed here",
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT));

	/* OpenSSL takes that answer and returns the cookie. */
	if (blen > 4)
		pipe_push(&cl.in, back + 4, blen - 4);
	SSL_do_handshake(cl.ssl);
	/*
	 * Its timer ran out meanwhile: the first ClientHello sent again
	 * comes before the one that returns the cookie.
	 */
	returned = false;
	while (!returned && (n2 = pipe_pop(&cl.out, hello2 + 4, DGRAM_MAX)) > 0) {
		p = hello2 + 4;
		left = n2;
		returned = capwap_dtls_next_record(&p, &left, &rec) == 1 &&
			   !capwap_dtls_parse_client_hello(&rec, &h) &&
			   h.cookie_len == 33 && !memcmp(h.cookie, want, 33);
	}
	capwap_dtls_put_header(hello2);
	relayed = returned && send_and_see(fd, &me, hello2, n2 + 4, back, &blen);
	result(relayed && blen == 0 &&
	       stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_VERIFIED) == 1 &&
	       !stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT),
	       "OpenSSL returns the module's cookie, and the module relays that ClientHello to lscd as it came, unanswered",
	       "OpenSSL's next datagram %d bytes, %s; relayed %d, %d bytes back, dtls_cookies_verified +%llu, dtls_cookies_sent +%llu",
	       n2, returned ? "the cookie returned" : "not a ClientHello returning the cookie",
	       relayed, blen,
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_VERIFIED),
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT));

	/* A cookie under the previous secret (generation 6) is still good. */
	cookie_of(want, 6, prev, &me);
	relayed = n2 > 0 && set_cookie(hello2, n2 + 4, want) &&
		  send_and_see(fd, &me, hello2, n2 + 4, back, &blen);
	result(relayed && stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_VERIFIED) == 1,
	       "a cookie under the previous secret is verified and relayed too",
	       "relayed %d, dtls_cookies_verified +%llu", relayed,
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_VERIFIED));

	/* One of two secrets ago, and one with the right byte but a wrong MAC. */
	cookie_of(want, 5, old, &me);
	relayed = n2 > 0 && set_cookie(hello2, n2 + 4, want) &&
		  send_and_see(fd, &me, hello2, n2 + 4, back, &blen);
	ret1 = blen;
	cookie_of(want, 7, old, &me);
	relayed = relayed || (set_cookie(hello2, n2 + 4, want) &&
			      send_and_see(fd, &me, hello2, n2 + 4, back, &blen));
	result(!relayed && ret1 > 0 && blen > 0 &&
	       stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT) == 1 &&
	       stat_delta(CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_COOKIE) == 1,
	       "a cookie of two secrets ago, or with a wrong MAC, is answered with a new cookie, counted as a failed cookie, and not relayed",
	       "relayed %d, answers %d and %d bytes, last: dtls_cookies_sent +%llu, failed_cookie +%llu",
	       relayed, ret1, blen,
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT),
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_COOKIE));

	/* Anything but a ClientHello from the proven address and port. */
	memcpy(alert, hello2, 4 + 13);
	alert[4] = CAPWAP_DTLS_CT_ALERT;
	put_unaligned_be16(2, alert + 4 + 11);
	alert[4 + 13] = 2;
	alert[4 + 14] = 40;
	other = open_socket(&me2);
	peer_get_stats(&stats_nl, &st0);
	for (i = 0; other >= 0 && i < 300; i++)
		sendto(other, alert, sizeof(alert), 0, (struct sockaddr *)&ac,
		       sizeof(ac));
	/*
	 * At once, while that bucket is empty: the proven port's, then
	 * another port's, which shows the bucket was still empty.
	 */
	rl.watch_port = me.sin_port;
	rl.watch_seen = 0;
	sendto(fd, alert, sizeof(alert), 0, (struct sockaddr *)&ac, sizeof(ac));
	sendto(other, alert, sizeof(alert), 0, (struct sockaddr *)&ac, sizeof(ac));
	pump(5000, watched);
	pump(500, NULL);
	peer_get_stats(&stats_nl, &st1);
	limited = stat_delta(CAPWAP_LSC_STATS_A_DTLS_RELAY_LIMITED);
	result(limited >= 100 && rl.watch_seen == 1 &&
	       rl.last_peer.sin_port != me2.sin_port,
	       "while the module answers cookies, records that are no ClientHello share a small bucket, which the address and port that returned a cookie pass",
	       "300 from another port, then one from the proven port and one more from the other: %llu held back, %llu relayed, %llu lost; the proven port's relayed %d times, the other's last %s",
	       (unsigned long long)limited,
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_RELAYED),
	       (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_RELAY_LOST),
	       rl.watch_seen, rl.last_peer.sin_port == me2.sin_port ?
	       "relayed too: the bucket had refilled" : "held back");
	rl.watch_port = 0;
	if (other >= 0)
		close(other);

	/* The lscd that set the secrets is gone: nothing is answered. */
	lsc_genl_close(&owner);
	pump(200, NULL);
	relayed = n1 > 0 && send_and_see(fd, &me, hello1, n1 + 4, back, &blen);
	result(relayed && blen == 0 &&
	       !stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT),
	       "once the genl socket that set the secrets closes, the module answers no cookie: the ClientHello goes to lscd",
	       "relayed %d, %d bytes back, dtls_cookies_sent +%llu", relayed,
	       blen, (unsigned long long)stat_delta(CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT));
	close(fd);
	return tests_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct capwap_dtls_record rec;
	struct ap_info info;
	u8 d[DGRAM_MAX + 4], held[DGRAM_MAX + 4];
	const u8 *pos;
	size_t n, left;
	long r;
	u64 dv;

	if (argc > 1 && !strcmp(argv[1], "required"))
		return clear_text();
	if (argc > 2 && !strcmp(argv[1], "sessions"))
		return sessions(atol(argv[2]));
	ac.sin_family = AF_INET;
	ac.sin_port = htons(CAPWAP_LSC_DEFAULT_PORT);
	ac.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (argc > 1 && !strcmp(argv[1], "suites"))
		return suites_mode();
	if (setup(NULL) || open_netlink() || (cl.fd = open_socket(&cl.me)) < 0) {
		printf("Bail out! set-up: %s\n",
		       ERR_reason_error_string(ERR_get_error()) ?: "netlink or socket");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "timers"))
		return timers();
	if (argc > 1 && !strcmp(argv[1], "cookie"))
		return cookie_mode();

	check_relay_stateless();

	peer_get_stats(&stats_nl, &st0);
	cl.started = true;
	SSL_do_handshake(cl.ssl);
	client_flush();
	pump(120000, handshake_done);
	peer_get_stats(&stats_nl, &st1);
	result(handshake_done() && st1.rx_sum == st0.rx_sum,
	       "the handshake goes through the relay and lscd's engine, and the keys are taken",
	       "client done %d, keys %d, relayed %d datagrams, messages +%llu",
	       SSL_is_init_finished(cl.ssl), rl.keyed, rl.relayed,
	       (unsigned long long)(st1.rx_sum - st0.rx_sum));
	if (!handshake_done()) {
		printf("Bail out! no session\n");
		return 1;
	}
	result(rl.again == -EEXIST && strstr(rl.again_msg, "these keys"),
	       "the same key block a second time is refused with EEXIST and a message",
	       "DTLS_KEYS again: %d, message '%s'", rl.again, rl.again_msg);

	r = request(CAPWAP_MSG_JOIN_REQ, ap_mac);
	peer_get_ap(&stats_nl, ap_mac, &info);
	result(r == CAPWAP_RESULT_SUCCESS && info.found &&
	       info.cert_type == CAPWAP_LSC_CERT_LSC,
	       "a sealed Join gets a sealed Join Response OpenSSL reads; the AP's type is its certificate's",
	       "result %ld, record %d, cert type %u", r, info.found,
	       info.cert_type);
	r = request(CAPWAP_MSG_CONFIG_STATUS_REQ, ap_mac);
	if (r == 0)
		r = request(CAPWAP_MSG_CHANGE_STATE_REQ, ap_mac);
	peer_get_ap(&stats_nl, ap_mac, &info);
	result(r == 0 && info.session == CAPWAP_LSC_SESSION_RUN,
	       "Configuration Status and Change State over DTLS bring the AP to Run",
	       "result %ld, session %u", r, info.session);
	r = request(CAPWAP_MSG_ECHO_REQ, ap_mac);
	result(r == 0, "a sealed Echo Request gets a sealed Echo Response",
	       "result %ld", r);

	check_identity();
	check_clear_join();

	peer_get_stats(&stats_nl, &st0);
	r = request(CAPWAP_MSG_JOIN_REQ, other_mac);
	peer_get_stats(&stats_nl, &st1);
	memset(&info, 0, sizeof(info));
	peer_get_ap(&stats_nl, other_mac, &info);
	n = info.found;
	peer_get_ap(&stats_nl, ap_mac, &info);
	result(r == CAPWAP_RESULT_JOIN_UNKNOWN_SOURCE && !n &&
	       info.session == CAPWAP_LSC_SESSION_RUN &&
	       st1.v[CAPWAP_LSC_STATS_A_DTLS_JOIN_MISMATCH] ==
	       st0.v[CAPWAP_LSC_STATS_A_DTLS_JOIN_MISMATCH] + 1,
	       "a Join naming another MAC than the certificate's is refused (Unknown Source), counted, no record touched",
	       "result %ld, other's record %zu, AP session %u, dtls_join_mismatch +%llu",
	       r, n, info.session,
	       (unsigned long long)(st1.v[CAPWAP_LSC_STATS_A_DTLS_JOIN_MISMATCH] -
				    st0.v[CAPWAP_LSC_STATS_A_DTLS_JOIN_MISMATCH]));

	/* The Echo Request just answered, as it went out: replayed. */
	r = request(CAPWAP_MSG_ECHO_REQ, ap_mac);
	n = cl.last_len;
	memcpy(d, cl.last, n);
	dv = send_raw_counted(d, n, CAPWAP_LSC_STATS_A_DTLS_DROP_REPLAY);
	result(r == 0 && dv == 1 && st1.rx[CAPWAP_MSG_ECHO_REQ] ==
	       st0.rx[CAPWAP_MSG_ECHO_REQ],
	       "a replayed record is dropped and counted (dtls_drop_replay), not handled",
	       "echo %ld, dtls_drop_replay +%llu, Echo Requests handled +%llu", r,
	       (unsigned long long)dv,
	       (unsigned long long)(st1.rx[CAPWAP_MSG_ECHO_REQ] -
				    st0.rx[CAPWAP_MSG_ECHO_REQ]));

	/*
	 * The next record, held back: first a copy with a flipped bit, then
	 * the record itself, which must still be taken (the forgery did not
	 * mark its number seen).
	 */
	n = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, held);
	memcpy(d, held, n);
	d[n - 20] ^= 0x10;
	dv = send_raw_counted(d, n, CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH);
	result(dv == 1 && st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ],
	       "a record with a flipped bit is dropped and counted (dtls_drop_auth), not handled",
	       "dtls_drop_auth +%llu, Echo Requests handled +%llu",
	       (unsigned long long)dv,
	       (unsigned long long)(st1.rx[CAPWAP_MSG_ECHO_REQ] -
				    st0.rx[CAPWAP_MSG_ECHO_REQ]));
	r = send_held(held, n);

	/*
	 * A forgery 1000 numbers ahead: had it moved the window, the AP's
	 * genuine record would be left of it and dropped.
	 */
	n = client_hold(CAPWAP_MSG_ECHO_REQ, ap_mac, held);
	memcpy(d, held, n);
	pos = d + 4;
	left = n - 4;
	if (capwap_dtls_next_record(&pos, &left, &rec) == 1)
		capwap_dtls_put_record_header(d + 4, rec.type, rec.epoch,
					      rec.seq + 1000, rec.len);
	dv = send_raw_counted(d, n, CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH);
	result(r == 0 && dv == 1 && send_held(held, n) == 0,
	       "forged records (a flipped bit; 1000 ahead) do not move the window: the genuine ones after them are answered",
	       "echo after the flip %ld, dtls_drop_auth +%llu", r,
	       (unsigned long long)dv);

	/* The genuine last record, its epoch made 2. */
	n = cl.last_len;
	memcpy(d, cl.last, n);
	pos = d + 4;
	left = n - 4;
	if (capwap_dtls_next_record(&pos, &left, &rec) == 1)
		capwap_dtls_put_record_header(d + 4, rec.type, 2, rec.seq + 1,
					      rec.len);
	dv = send_raw_counted(d, n, CAPWAP_LSC_STATS_A_DTLS_DROP_EPOCH);
	result(dv == 1 && st1.rx[CAPWAP_MSG_ECHO_REQ] == st0.rx[CAPWAP_MSG_ECHO_REQ],
	       "a record of another epoch is dropped and counted (dtls_drop_epoch)",
	       "dtls_drop_epoch +%llu", (unsigned long long)dv);
	r = request(CAPWAP_MSG_ECHO_REQ, ap_mac);
	result(r == 0, "the session still answers after the drops", "echo %ld", r);

	/* Anyone can send a clear-text alert from the AP's address. */
	capwap_dtls_put_header(d);
	capwap_dtls_put_record_header(d + 4, CAPWAP_DTLS_CT_ALERT, 0, 0, 2);
	d[4 + CAPWAP_DTLS_REC_HDR_LEN] = 2;	/* fatal */
	d[4 + CAPWAP_DTLS_REC_HDR_LEN + 1] = 0;	/* close_notify */
	dv = send_raw_counted(d, 4 + CAPWAP_DTLS_REC_HDR_LEN + 2,
			      CAPWAP_LSC_STATS_A_DTLS_DROP_EPOCH);
	r = request(CAPWAP_MSG_ECHO_REQ, ap_mac);
	peer_get_ap(&stats_nl, ap_mac, &info);
	result(dv == 1 && r == 0 && info.session == CAPWAP_LSC_SESSION_RUN,
	       "a clear-text (epoch 0) fatal close_notify from the AP's address is dropped; the keyed session stays in Run",
	       "dtls_drop_epoch +%llu, echo after %ld, session %u",
	       (unsigned long long)dv, r, info.session);

	check_far_ahead();
	check_rehandshake();
	if (!handshake_done()) {
		printf("Bail out! no session after the new handshake\n");
		return 1;
	}
	check_replaced();
	if (!handshake_done()) {
		printf("Bail out! no second session\n");
		return 1;
	}
	r = to_run(other_mac);
	peer_get_ap(&stats_nl, other_mac, &info);
	if (r || info.session != CAPWAP_LSC_SESSION_RUN)
		printf("# the second AP: result %ld, session %u\n", r, info.session);

	/* close_notify. */
	peer_get_stats(&stats_nl, &st0);
	stat_idx = CAPWAP_LSC_STATS_A_DTLS_CLOSED;
	stat_base = st0.v[stat_idx];
	SSL_shutdown(cl.ssl);
	client_flush();
	pump(20000, stat_moved);
	pump(2000, NULL);
	peer_get_ap(&stats_nl, other_mac, &info);
	result(st1.v[stat_idx] == stat_base + 1 &&
	       info.session == CAPWAP_LSC_SESSION_DOWN && rl.closed == 1,
	       "close_notify ends the DTLS session and the AP's, counted (dtls_closed) and told to lscd",
	       "dtls_closed +%llu, AP session %u, DTLS_CLOSE events %d",
	       (unsigned long long)(st1.v[stat_idx] - stat_base), info.session,
	       rl.closed);
	r = dtls_cmd(CAPWAP_LSC_CMD_DTLS_CLOSE, &cl.me, 0, NULL, 0, NULL, 0);
	result(r == -ENOENT, "its keys are gone: DTLS_CLOSE answers ENOENT",
	       "DTLS_CLOSE: %ld", r);
	/* A record under the old keys now goes to lscd, as from a stranger. */
	rl.relayed = 0;
	dv = send_raw_counted(cl.last, cl.last_len,
			      CAPWAP_LSC_STATS_A_DTLS_RELAYED);
	result(dv == 1, "after close_notify the peer's records are relayed again",
	       "dtls_relayed +%llu", (unsigned long long)dv);

	check_cbc_key_block(CAPWAP_DTLS_CIPHER_AES_128_CBC_SHA1);
	check_cbc_key_block(CAPWAP_DTLS_CIPHER_AES_256_CBC_SHA1);
	check_off_closes();
	/* Left in place: the module must free it when it is unloaded. */
	r = fake_keys(40101);
	if (r)
		printf("# keys left for the unload: %ld\n", r);

	lscd_dtls_conn_free(rl.conn);
	lscd_dtls_server_free(srv);
	SSL_free(cl.ssl);
	SSL_CTX_free(cl.ctx);
	return tests_failed ? 1 : 0;
}
