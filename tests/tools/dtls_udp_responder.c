// SPDX-License-Identifier: GPL-2.0
/*
 * dtls_udp_responder echo|handshakes PORT DIR: the userspace baselines
 * of the DTLS benchmarks of `make bench`, a purpose-built tool.  One UDP
 * socket, batched with recvmmsg/sendmmsg, datagrams behind the CAPWAP
 * DTLS header (RFC 5415 section 4.2), the controller certificate of
 * tests/bench/dtls-fixtures.sh.
 *
 *   echo        what the kernel's record layer and fast path do, done
 *               with OpenSSL: one SSL per peer (BENCH_SUITE, the AP's
 *               certificate checked against the fixtures' CA), every
 *               request opened, parsed and answered by the module's own
 *               wire code (capwap_answer.h), the answer sealed.  As
 *               capwap_udp_responder, it keeps no AP state beyond the
 *               SSL: the cheapest userspace answer there is.
 *   handshakes  lscd's handshake engine (userspace/lscd/dtls_engine.c,
 *               dtls_keys.c and dtls_peer.c, linked) on its own socket,
 *               with no kernel relay: cookies, the verdict on the AP's
 *               MIC against the fixtures' CA, and the key block derived
 *               at the end as lscd derives it for the kernel.  Each
 *               association is freed once done.  Prints its counts on
 *               SIGTERM.
 *
 * Prints "ready" once it listens.
 */
#include <errno.h>
#include <signal.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "capwap_answer.h"
#include "dtls_bench.h"
#include "dtls_engine.h"
#include "dtls_keys.h"

#define BATCH 64
#define DGRAM 2048
#define SLOTS 8192		/* peers at once, a power of two */

struct peer {
	struct sockaddr_in addr;
	SSL *ssl;			/* echo */
	struct lscd_dtls_conn *conn;	/* handshakes */
};

static struct peer peers[SLOTS];
static int fd;
static struct in_addr local;
static struct bench_fx fx;
static volatile sig_atomic_t stop;

static u8 rx[BATCH][DGRAM];
static struct sockaddr_in from[BATCH];
static struct mmsghdr rmsg[BATCH];
static struct iovec riov[BATCH];

static u8 tx[BATCH][DGRAM + CAPWAP_DTLS_HDR_LEN];
static struct sockaddr_in to[BATCH];
static struct mmsghdr smsg[BATCH];
static struct iovec siov[BATCH];
static int ntx;

static void flush(void)
{
	int i;

	for (i = 0; i < ntx; i++) {
		memset(&smsg[i], 0, sizeof(smsg[i]));
		siov[i].iov_base = tx[i];
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
		smsg[i].msg_hdr.msg_name = &to[i];
		smsg[i].msg_hdr.msg_namelen = sizeof(to[i]);
	}
	if (ntx)
		sendmmsg(fd, smsg, ntx, 0);
	ntx = 0;
}

/* A whole datagram, header included, into the batch out. */
static void queue(const struct sockaddr_in *peer, const u8 *d, size_t len,
		  bool header)
{
	size_t off = header ? CAPWAP_DTLS_HDR_LEN : 0;

	if (len + off > sizeof(tx[0]))
		return;
	if (ntx == BATCH)
		flush();
	if (header)
		capwap_dtls_put_header(tx[ntx]);
	memcpy(tx[ntx] + off, d, len);
	siov[ntx].iov_len = len + off;
	to[ntx++] = *peer;
}

/* A freed slot keeps its address and loses its port: probes pass it. */
static bool slot_free(const struct peer *p)
{
	return !p->addr.sin_port;
}

static void slot_release(struct peer *p)
{
	p->addr.sin_port = 0;
	p->addr.sin_addr.s_addr = htonl(INADDR_ANY + 1);
}

/* The peer's slot, or a free one for it (open addressing). */
static struct peer *slot(const struct sockaddr_in *a)
{
	u32 h = (ntohl(a->sin_addr.s_addr) * 2654435761u) ^ ntohs(a->sin_port);
	struct peer *free_one = NULL, *p;
	unsigned int i;

	for (i = 0; i < SLOTS; i++) {
		p = &peers[(h + i) & (SLOTS - 1)];
		if (p->addr.sin_addr.s_addr == a->sin_addr.s_addr &&
		    p->addr.sin_port == a->sin_port)
			return p;
		if (slot_free(p) && !free_one)
			free_one = p;
		if (slot_free(p) && !p->addr.sin_addr.s_addr)
			break;
	}
	if (free_one)
		free_one->addr = *a;
	return free_one;
}

/* ---- echo ------------------------------------------------------------- */

static SSL_CTX *ctx;
static BIO_METHOD *batch_method;

static int batch_write(BIO *b, const char *d, int len)
{
	struct peer *p = BIO_get_data(b);

	BIO_clear_retry_flags(b);
	queue(&p->addr, (const u8 *)d, len, true);
	return len;
}

static int echo_setup(void)
{
	batch_method = bench_bio_method("capwap dtls batch", batch_write);
	ctx = bench_ssl_ctx(DTLS_server_method(), &fx);
	if (!batch_method || !ctx || !SSL_CTX_use_certificate(ctx, fx.ctl) ||
	    !SSL_CTX_use_PrivateKey(ctx, fx.ctl_key))
		return -1;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   NULL);
	return 0;
}

static void echo_input(struct peer *p, const u8 *d, size_t len)
{
	u8 plain[DGRAM], out[DGRAM];
	int off = capwap_dtls_parse_header(d, len), n;
	BIO *rb, *wb;

	if (off < 0 || (size_t)off >= len)
		return;
	if (!p->ssl) {
		p->ssl = SSL_new(ctx);
		rb = BIO_new(BIO_s_mem());
		wb = BIO_new(batch_method);
		if (!p->ssl || !rb || !wb) {
			BIO_free(rb);
			BIO_free(wb);
			SSL_free(p->ssl);
			p->ssl = NULL;
			slot_release(p);
			return;
		}
		BIO_set_mem_eof_return(rb, -1);
		BIO_set_data(wb, p);
		SSL_set_bio(p->ssl, rb, wb);
		SSL_set_accept_state(p->ssl);
	}
	BIO_write(SSL_get_rbio(p->ssl), d + off, len - off);
	while ((n = SSL_read(p->ssl, plain, sizeof(plain))) > 0) {
		n = capwap_answer(plain, n, out, sizeof(out), &local);
		if (n > 0)
			SSL_write(p->ssl, out, n);
	}
	ERR_clear_error();
}

/* ---- handshakes ------------------------------------------------------- */

static struct lscd_dtls_server *srv;
static unsigned long done, failed, keyed;

static int handshakes_setup(void)
{
	struct lscd_dtls_server_conf conf = { 0 };
	char why[256];

	conf.policy = lscd_dtls_policy_new();
	if (!conf.policy || lscd_dtls_policy_add_mic_ca(conf.policy, fx.ca))
		return -1;
	conf.creds[0].cert = fx.ctl;
	conf.creds[0].key = fx.ctl_key;
	conf.ncreds = 1;
	conf.suites = BENCH_SUITE;
	/* lscd's caps are per IP; the generator's APs come from many. */
	conf.max_half_open = SLOTS;
	srv = lscd_dtls_server_new(&conf, why, sizeof(why));
	lscd_dtls_policy_put(conf.policy);
	if (!srv)
		fprintf(stderr, "handshake engine: %s\n", why);
	return srv ? 0 : -1;
}

static void conn_flush(struct peer *p)
{
	u8 d[DGRAM + CAPWAP_DTLS_HDR_LEN];
	int n;

	while ((n = lscd_dtls_conn_output(p->conn, d, sizeof(d))) > 0)
		queue(&p->addr, d, n, false);
}

/* Freed once over, as lscd frees what it handed the kernel. */
static void conn_end(struct peer *p, enum lscd_dtls_state st)
{
	struct capwap_dtls_keys k;
	u8 block[CAPWAP_DTLS_KEYS_LEN];
	char why[256];

	if (st == LSCD_DTLS_HANDSHAKING)
		return;
	if (st == LSCD_DTLS_DONE) {
		done++;
		if (!lscd_dtls_conn_handover(p->conn, &k, why, sizeof(why)) &&
		    capwap_dtls_keys_put(&k, block, sizeof(block)) > 0)
			keyed++;
		OPENSSL_cleanse(&k, sizeof(k));
		OPENSSL_cleanse(block, sizeof(block));
	} else {
		failed++;
	}
	lscd_dtls_conn_free(p->conn);
	p->conn = NULL;
	slot_release(p);
}

static void handshake_input(struct peer *p, const u8 *d, size_t len)
{
	u8 reply[DGRAM + CAPWAP_DTLS_HDR_LEN];
	size_t rlen = sizeof(reply);
	struct lscd_dtls_conn *c = NULL;

	if (p->conn) {
		lscd_dtls_conn_input(p->conn, d, len);
		conn_flush(p);
		conn_end(p, lscd_dtls_conn_state(p->conn));
		return;
	}
	switch (lscd_dtls_listen(srv, (struct sockaddr *)&p->addr,
				 sizeof(p->addr), d, len, reply, &rlen, &c)) {
	case LSCD_DTLS_LISTEN_VERIFY:
		queue(&p->addr, reply, rlen, false);
		break;
	case LSCD_DTLS_LISTEN_NEW:
		p->conn = c;
		conn_flush(p);
		conn_end(p, lscd_dtls_conn_state(c));
		return;
	default:
		break;
	}
	slot_release(p);
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	bool echo = argc == 4 && !strcmp(argv[1], "echo");
	struct peer *p;
	int i, n;

	if (!echo && !(argc == 4 && !strcmp(argv[1], "handshakes"))) {
		fprintf(stderr, "usage: dtls_udp_responder echo|handshakes PORT DIR\n");
		return 2;
	}
	if (bench_fx_load(&fx, argv[3], NULL) ||
	    (echo ? echo_setup() : handshakes_setup())) {
		fprintf(stderr, "dtls_udp_responder: set-up failed\n");
		return 1;
	}
	inet_pton(AF_INET, "127.0.0.1", &local);
	me.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me))) {
		perror("bind");
		return 1;
	}
	for (i = 0; i < BATCH; i++) {
		riov[i].iov_base = rx[i];
		riov[i].iov_len = DGRAM;
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
		rmsg[i].msg_hdr.msg_name = &from[i];
	}
	/* No SA_RESTART: recvmmsg() returns at SIGTERM. */
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_term }, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		for (i = 0; i < BATCH; i++)
			rmsg[i].msg_hdr.msg_namelen = sizeof(from[i]);
		n = recvmmsg(fd, rmsg, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("recvmmsg");
			return 1;
		}
		for (i = 0; i < n; i++) {
			p = slot(&from[i]);
			if (!p)
				continue;
			if (echo)
				echo_input(p, rx[i], rmsg[i].msg_len);
			else
				handshake_input(p, rx[i], rmsg[i].msg_len);
		}
		flush();
	}
	printf("handshakes %lu\nfailed %lu\nkeyed %lu\n", done, failed, keyed);
	return 0;
}
