// SPDX-License-Identifier: GPL-2.0
/*
 * dtls_load: the APs of the DTLS benchmarks of `make bench`, a
 * purpose-built load generator.  Each AP is an OpenSSL DTLS 1.2 client
 * (BENCH_SUITE, the AP certificate of dtls_bench.h) on a UDP socket of
 * its own, its datagrams behind the CAPWAP DTLS header (RFC 5415 section
 * 4.2).  Against the module, its handshake is relayed to the real lscd;
 * against dtls_udp_responder, it is answered there.
 *
 *   dtls_load run PORT APS SECONDS DIR rsa|ec
 *	APS APs shake hands one after the other, then join and reach Run
 *	(Join, Configuration Status, Change State, sealed), then keep
 *	WINDOW sealed Echo Requests each in flight for SECONDS (none when
 *	0), opening every answer.  Prints "run N" (APs in Run), "rate N"
 *	(answers per second) and "answers N".
 *   dtls_load handshakes PORT SECONDS DIR rsa|ec CONCURRENT
 *	CONCURRENT handshakes at a time, each from a new socket, for
 *	SECONDS, each AP certificate used once.  Prints "handshakes N"
 *	(completed), "failed N" and "rate N" (per second).
 *
 * The generator's own crypto (it seals and opens as much as the side it
 * measures) is kept off that side's CPU by the bench scripts with taskset.
 * With BENCH_BUSY_CPU=N it also prints "busy_ticks T": CPU N's non-idle
 * time in USER_HZ ticks over the measured phase alone (the Echo load, not
 * the handshakes and joins before it), read from /proc/stat as
 * tests/bench/guest.sh reads it.
 */
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "capwap_peer.h"
#include "dtls_bench.h"
#include "wire_dtls.h"

#define WINDOW 16
#define DGRAM 2048
#define MAX_APS 4096

struct ap {
	struct peer_ap p;
	SSL *ssl;
	X509 *cert;
	bool done;		/* handshake over */
	bool failed;
};

static struct bench_fx fx;
static SSL_CTX *ctx;
static BIO_METHOD *sock_method;
static int ac_port;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* user + nice + system + irq + softirq + steal of BENCH_BUSY_CPU, or -1. */
static long busy_ticks(void)
{
	const char *cpu = getenv("BENCH_BUSY_CPU");
	unsigned long v[8];
	char line[256], want[16];
	long t = -1;
	FILE *f;

	if (!cpu)
		return -1;
	snprintf(want, sizeof(want), "cpu%s ", cpu);
	f = fopen("/proc/stat", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want)) &&
		    sscanf(line + strlen(want), "%lu %lu %lu %lu %lu %lu %lu %lu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) == 8)
			t = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	if (f)
		fclose(f);
	return t;
}

static void print_busy(long t0)
{
	long t1 = busy_ticks();

	if (t0 >= 0 && t1 >= 0)
		printf("busy_ticks %ld\n", t1 - t0);
}

/* OpenSSL's datagrams straight to the AP's socket, behind the header. */
static int sock_write(BIO *b, const char *d, int len)
{
	struct ap *a = BIO_get_data(b);
	u8 out[DGRAM + CAPWAP_DTLS_HDR_LEN];

	BIO_clear_retry_flags(b);
	if (len > DGRAM)
		return -1;
	capwap_dtls_put_header(out);
	memcpy(out + CAPWAP_DTLS_HDR_LEN, d, len);
	if (sendto(a->p.fd, out, len + CAPWAP_DTLS_HDR_LEN, 0,
		   (struct sockaddr *)&a->p.ac, sizeof(a->p.ac)) < 0 &&
	    errno != ENOBUFS && errno != EAGAIN)
		return -1;
	return len;
}

static int make_ctx(void)
{
	sock_method = bench_bio_method("capwap dtls socket", sock_write);
	ctx = bench_ssl_ctx(DTLS_client_method(), &fx);
	if (!sock_method || !ctx)
		return -1;
	/* An AP checks the controller as a real one does: chain and key. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* Every handshake a full one, as an AP's first after a boot. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return 0;
}

/* A new socket from 127.0.3.@host, any port, and a new SSL on it. */
static int ap_start(struct ap *a, unsigned int index, unsigned int host)
{
	char ip[32];
	BIO *rb, *wb;

	snprintf(ip, sizeof(ip), "127.0.3.%u", 1 + host % 250);
	if (peer_ap_open(&a->p, ip, ac_port, index))
		return -1;
	a->cert = bench_ap_cert(&fx, a->p.mac);
	a->ssl = SSL_new(ctx);
	rb = BIO_new(BIO_s_mem());
	wb = BIO_new(sock_method);
	if (!a->cert || !a->ssl || !rb || !wb) {
		BIO_free(rb);
		BIO_free(wb);
		return -1;
	}
	BIO_set_mem_eof_return(rb, -1);
	BIO_set_data(wb, a);
	SSL_set_bio(a->ssl, rb, wb);
	if (!SSL_use_certificate(a->ssl, a->cert) ||
	    !SSL_use_PrivateKey(a->ssl, fx.ap_key))
		return -1;
	SSL_set_connect_state(a->ssl);
	a->done = a->failed = false;
	return 0;
}

static void ap_end(struct ap *a)
{
	SSL_free(a->ssl);
	X509_free(a->cert);
	a->ssl = NULL;
	a->cert = NULL;
	peer_ap_close(&a->p);
}

/* One datagram from the AP's socket into its SSL: 1, 0 if none. */
static int ap_feed(struct ap *a)
{
	u8 d[DGRAM + CAPWAP_DTLS_HDR_LEN];
	ssize_t n = recv(a->p.fd, d, sizeof(d), MSG_DONTWAIT);
	int off;

	if (n <= 0)
		return 0;
	off = capwap_dtls_parse_header(d, n);
	if (off < 0 || off >= n)
		return 1;
	BIO_write(SSL_get_rbio(a->ssl), d + off, n - off);
	return 1;
}

/* Drives the handshake after input or a timer; sets done or failed. */
static void ap_step(struct ap *a)
{
	int r;

	if (a->done || a->failed)
		return;
	r = SSL_do_handshake(a->ssl);
	if (r == 1)
		a->done = true;
	else if (SSL_get_error(a->ssl, r) != SSL_ERROR_WANT_READ)
		a->failed = true;
	ERR_clear_error();
}

static void ap_timer(struct ap *a)
{
	struct timeval tv;

	if (!a->done && !a->failed && DTLSv1_get_timeout(a->ssl, &tv) == 1 &&
	    !tv.tv_sec && !tv.tv_usec && DTLSv1_handle_timeout(a->ssl) < 0)
		a->failed = true;
}

/* One AP's handshake to its end, within @secs. */
static int ap_handshake(struct ap *a, double secs)
{
	struct pollfd p = { .fd = a->p.fd, .events = POLLIN };
	double end = now() + secs;

	ap_step(a);
	while (!a->done && !a->failed && now() < end) {
		if (poll(&p, 1, 50) > 0)
			while (ap_feed(a))
				ap_step(a);
		ap_timer(a);
	}
	return a->done ? 0 : -1;
}

/* A sealed request and its sealed answer: 1, 0 when none came in 3 s. */
static int ap_request(struct ap *a, u32 type)
{
	struct pollfd p = { .fd = a->p.fd, .events = POLLIN };
	u8 req[2048], in[DGRAM];
	struct capwap_packet pkt;
	enum capwap_lsc_malformed bad;
	struct capwap_msg msg;
	double end = now() + 3;
	int len = build_request(&a->p, type, req, sizeof(req)), n;

	if (len < 0 || SSL_write(a->ssl, req, len) != len)
		return -1;
	while (now() < end) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		while (ap_feed(a)) {
			n = SSL_read(a->ssl, in, sizeof(in));
			if (n <= 0 || capwap_parse(in, n, &pkt) != CAPWAP_PARSE_OK ||
			    capwap_parse_control(pkt.payload, pkt.payload_len,
						 &msg, &bad))
				continue;
			if (msg.type == type + 1 && msg.seq == a->p.seq)
				return 1;
		}
	}
	return 0;
}

static int ap_to_run(struct ap *a)
{
	return ap_request(a, CAPWAP_MSG_JOIN_REQ) == 1 &&
	       ap_request(a, CAPWAP_MSG_CONFIG_STATUS_REQ) == 1 &&
	       ap_request(a, CAPWAP_MSG_CHANGE_STATE_REQ) == 1 ? 0 : -1;
}

/* Reads what came for @a, sealed Echo Responses counted: how many. */
static int echo_collect(struct ap *a, struct mmsghdr *m, int max)
{
	int n = recvmmsg(a->p.fd, m, max, MSG_WAITFORONE, NULL), i, got = 0;
	u8 plain[DGRAM];

	for (i = 0; i < n; i++) {
		u8 *d = m[i].msg_hdr.msg_iov->iov_base;
		int off = capwap_dtls_parse_header(d, m[i].msg_len);

		if (off < 0 || off >= (int)m[i].msg_len)
			continue;
		BIO_write(SSL_get_rbio(a->ssl), d + off, m[i].msg_len - off);
		if (SSL_read(a->ssl, plain, sizeof(plain)) > 0)
			got++;
		ERR_clear_error();
	}
	return got;
}

/*
 * @n sealed Echo Requests; each has the next sequence number, so that
 * none is taken for a retransmission.
 */
static void echo_send(struct ap *a, int n)
{
	u8 req[512];
	int len;

	while (n-- > 0) {
		len = build_request(&a->p, CAPWAP_MSG_ECHO_REQ, req, sizeof(req));
		if (len > 0)
			SSL_write(a->ssl, req, len);
	}
}

static int run(int naps, double secs)
{
	static u8 sink[WINDOW][DGRAM + CAPWAP_DTLS_HDR_LEN];
	struct mmsghdr m[WINDOW];
	struct iovec iov[WINDOW];
	unsigned long got = 0;
	struct ap *aps = calloc(naps, sizeof(*aps));
	int a, i, n, inrun = 0;
	long b0;
	double start, end, t0 = now();

	if (!aps)
		return 1;
	for (a = 0; a < naps; a++) {
		if (ap_start(&aps[a], 0x100 + a, a) || ap_handshake(&aps[a], 30)) {
			fprintf(stderr, "AP %d: no handshake\n", a);
			return 1;
		}
		if (ap_to_run(&aps[a])) {
			fprintf(stderr, "AP %d: not in Run\n", a);
			return 1;
		}
		inrun++;
	}
	printf("run %d\nsetup_s %.1f\n", inrun, now() - t0);
	fflush(stdout);
	if (secs <= 0)
		return 0;
	for (i = 0; i < WINDOW; i++) {
		iov[i].iov_base = sink[i];
		iov[i].iov_len = sizeof(sink[i]);
		memset(&m[i], 0, sizeof(m[i]));
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	for (a = 0; a < naps; a++) {
		/*
		 * recvmmsg() checks its own timeout only after a datagram: an AP
		 * whose answers were all lost would wait for ever without this.
		 */
		struct timeval rt = { 0, 20000 };

		setsockopt(aps[a].p.fd, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof(rt));
		echo_send(&aps[a], WINDOW);
	}
	b0 = busy_ticks();
	start = now();
	end = start + secs;
	while (now() < end) {
		for (a = 0; a < naps; a++) {
			n = echo_collect(&aps[a], m, WINDOW);
			got += n;
			/* Lost answers: refill a quarter of the window. */
			if (n <= 0)
				n = WINDOW / 4;
			echo_send(&aps[a], n);
		}
	}
	printf("rate %.0f\nanswers %lu\n", got / (now() - start), got);
	print_busy(b0);
	return 0;
}

static int handshakes(double secs, int conc)
{
	struct ap *aps = calloc(conc, sizeof(*aps));
	struct pollfd *p = calloc(conc, sizeof(*p));
	unsigned long done = 0, failed = 0, next = 0;
	long t0 = busy_ticks();
	double start = now(), end = start + secs;
	int i;

	if (!aps || !p)
		return 1;
	for (i = 0; i < conc; i++) {
		if (ap_start(&aps[i], 0x10000 + next, i))
			return 1;
		next++;
		ap_step(&aps[i]);
		p[i].fd = aps[i].p.fd;
		p[i].events = POLLIN;
	}
	while (now() < end) {
		if (poll(p, conc, 20) < 0)
			break;
		for (i = 0; i < conc; i++) {
			struct ap *a = &aps[i];

			if (p[i].revents & POLLIN)
				while (ap_feed(a))
					ap_step(a);
			ap_timer(a);
			if (!a->done && !a->failed)
				continue;
			a->done ? done++ : failed++;
			ap_end(a);
			/* A new AP, a new port: each handshake a first one. */
			if (ap_start(a, 0x10000 + next, i))
				return 1;
			next++;
			ap_step(a);
			p[i].fd = a->p.fd;
		}
	}
	printf("handshakes %lu\nfailed %lu\nrate %.1f\n", done, failed,
	       done / (now() - start));
	print_busy(t0);
	return 0;
}

int main(int argc, char **argv)
{
	bool hs = argc == 7 && !strcmp(argv[1], "handshakes");

	if (!hs && !(argc == 7 && !strcmp(argv[1], "run"))) {
		fprintf(stderr, "usage: dtls_load run PORT APS SECONDS DIR rsa|ec\n"
			"       dtls_load handshakes PORT SECONDS DIR rsa|ec CONCURRENT\n");
		return 2;
	}
	ac_port = atoi(argv[2]);
	if (bench_fx_load(&fx, argv[hs ? 4 : 5], argv[hs ? 5 : 6]) || make_ctx()) {
		fprintf(stderr, "dtls_load: set-up failed\n");
		return 1;
	}
	if (hs)
		return handshakes(atof(argv[3]), atoi(argv[6]));
	if (atoi(argv[3]) < 1 || atoi(argv[3]) > MAX_APS)
		return 2;
	return run(atoi(argv[3]), atof(argv[4]));
}
