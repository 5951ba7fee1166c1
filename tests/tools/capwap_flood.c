// SPDX-License-Identifier: GPL-2.0
/*
 * capwap_flood: the two floods of issue 11 against capwap_lsc.ko, over
 * real UDP sockets on the loopback network (any 127.0.0.0/8 address is
 * local, so each source address needs no setup).
 *
 *   capwap_flood chunks SECONDS   one 16 KiB Configuration Update Request
 *                                 of 960 CA_CERT chunks with count 255,
 *                                 then as many as SECONDS allows; checks
 *                                 they are refused as malformed, counted,
 *                                 unanswered, and prints the softirq time
 *                                 they cost (for the record, not checked)
 *   capwap_flood frags            first fragments that never complete,
 *                                 from 80 ports of one address, then from
 *                                 4 ports each of 40 addresses, each port
 *                                 one every 4 s; meanwhile a fragmented
 *                                 LSC Join must be answered
 *   capwap_flood evict N          N Joins of new MACs sent at once into a
 *                                 full table (module loaded with
 *                                 max_aps=16 join_rate=0): each evicts a
 *                                 record, and the records retired whose
 *                                 work item has yet to take their sysfs
 *                                 directory and key down stay bounded
 *                                 (sysfs records_retiring)
 *   capwap_flood hellos RATE ADDR [N]
 *                                 DTLS 1.2 ClientHellos without a cookie,
 *                                 RATE a second from ADDR (or from N
 *                                 addresses from ADDR on, in turn) and a
 *                                 new source port each (raw IP: nobody
 *                                 holds those ports, as with a spoofed
 *                                 sender), until
 *                                 SIGTERM; "# sent N" every 1000, "sent N"
 *                                 at the end.  The ClientHello is OpenSSL's
 *                                 own, with a new client random each time.
 */
#include <signal.h>
#include <time.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/wait.h>
#include <openssl/ssl.h>

#include "capwap_peer.h"
#include "wire_dtls.h"

#define AC_PORT		5246
#define FLOOD_ELEMS	960
#define FLOOD_COUNT	255
#define ROUND_MS	4000
#define MAX_SENDERS	200

static struct peer_nl nl;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Softirq time of all CPUs from /proc/stat, in USER_HZ ticks. */
static unsigned long long softirq_ticks(void)
{
	unsigned long long v[7] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6]) != 7)
		v[6] = 0;
	fclose(f);
	return v[6];
}

/*
 * Waits until counter @which (a STATS_A attribute, or minus the
 * attribute of a malformed reason, which is the reason + 1) reaches @want.
 */
static bool stats_reach(u64 want, int which, int timeout_ms)
{
	struct stats_ctx s;
	int waited;

	for (waited = 0; waited <= timeout_ms; waited += 20) {
		if (!peer_get_stats(&nl, &s) &&
		    (which < 0 ? s.bad[-which] : s.v[which]) >= want)
			return true;
		usleep(20000);
	}
	return false;
}

/*
 * Each element is 17 bytes: vendor id, CA_CERT, then the chunk header
 * and one byte.  Object i % 255 gets the chunks at offsets 0, 1, 2...
 * in turn, so that every object is whole: a validator that reads the
 * objects one by one must read every element for each of them.
 */
static int build_chunk_flood(u8 *buf, size_t size)
{
	struct capwap_builder b;
	u8 c[13];
	int i, per[FLOOD_COUNT] = { 0 };

	for (i = 0; i < FLOOD_ELEMS; i++)
		per[i % FLOOD_COUNT]++;
	capwap_build_init(&b, buf, size, CAPWAP_MSG_CONFIG_UPDATE_REQ, 1);
	for (i = 0; i < FLOOD_ELEMS; i++) {
		put_unaligned_be32(CAPWAP_LSC_DEFAULT_VENDOR_ID, c);
		put_unaligned_be16(CAPWAP_LSC_VSP_CA_CERT, c + 4);
		c[6] = i % FLOOD_COUNT;
		c[7] = FLOOD_COUNT;
		put_unaligned_be16(per[i % FLOOD_COUNT], c + 8);
		put_unaligned_be16(i / FLOOD_COUNT, c + 10);
		c[12] = 0x30;
		capwap_put_elem(&b, CAPWAP_ELEM_VENDOR_SPECIFIC, c, sizeof(c));
	}
	return capwap_build_finish(&b);
}

static int cmd_chunks(int seconds)
{
	static u8 pkt[16384];
	struct peer_ap *ap = calloc(1, sizeof(*ap));
	struct stats_ctx s0, s1;
	unsigned long long t0, t1;
	double start, wall;
	u64 got;
	int len, r;
	long n = 1;

	if (!ap || peer_ap_open(ap, "127.0.0.40", AC_PORT, 4000)) {
		printf("not ok chunk flood: no socket\n");
		return 1;
	}
	len = build_chunk_flood(pkt, sizeof(pkt));
	printf("# chunk flood datagram: %d bytes, %d elements\n", len,
	       FLOOD_ELEMS);
	peer_get_stats(&nl, &s0);
	sendto(ap->fd, pkt, len, 0, (struct sockaddr *)&ap->ac,
	       sizeof(ap->ac));
	result(stats_reach(s0.bad[CAPWAP_LSC_BAD_VENDOR_PAYLOAD + 1] + 1,
			   -(CAPWAP_LSC_BAD_VENDOR_PAYLOAD + 1), 10000),
	       "chunk flood refused as a malformed vendor payload",
	       "not counted so within 10 s");

	t0 = softirq_ticks();
	start = now();
	while (now() - start < seconds) {
		if (sendto(ap->fd, pkt, len, 0, (struct sockaddr *)&ap->ac,
			   sizeof(ap->ac)) == len)
			n++;
	}
	wall = now() - start;
	/* Loopback may defer some to ksoftirqd: wait until all are done. */
	peer_get_stats(&nl, &s1);
	do {
		got = s1.v[CAPWAP_LSC_STATS_A_RX_PACKETS];
		usleep(500000);
		peer_get_stats(&nl, &s1);
	} while (s1.v[CAPWAP_LSC_STATS_A_RX_PACKETS] != got);
	t1 = softirq_ticks();
	got -= s0.v[CAPWAP_LSC_STATS_A_RX_PACKETS];
	result(got > 1 && got <= (u64)n, "flood datagrams reached the module",
	       "%llu of %ld", (unsigned long long)got, n);
	result(s1.bad[CAPWAP_LSC_BAD_VENDOR_PAYLOAD + 1] -
	       s0.bad[CAPWAP_LSC_BAD_VENDOR_PAYLOAD + 1] == got &&
	       s1.rx_sum == s0.rx_sum,
	       "every flood datagram counted as malformed, none handled",
	       "malformed +%llu of %llu, handled +%llu",
	       (unsigned long long)(s1.bad[CAPWAP_LSC_BAD_VENDOR_PAYLOAD + 1] -
				    s0.bad[CAPWAP_LSC_BAD_VENDOR_PAYLOAD + 1]),
	       (unsigned long long)got,
	       (unsigned long long)(s1.rx_sum - s0.rx_sum));
	r = peer_recv(ap, 200);
	result(r == 0, "chunk flood unanswered", "r=%d", r);
	printf("# chunk flood: %ld datagrams sent in %.2f s (%.1f us each), "
	       "%llu received; softirq %.1f us per datagram received "
	       "(/proc/stat: %llu ticks of 1/%ld s)\n", n - 1, wall,
	       wall * 1e6 / (n - 1), (unsigned long long)got - 1,
	       (t1 - t0) * 1e6 / sysconf(_SC_CLK_TCK) / (got - 1), t1 - t0,
	       sysconf(_SC_CLK_TCK));
	peer_ap_close(ap);
	free(ap);
	return 0;
}

/* ---- frags ---------------------------------------------------------- */

struct sender {
	int fd;
	u16 frag_id;
	double next;
};

static struct sender senders[MAX_SENDERS];
static int nsenders;
static u8 first_frag[2048];
static int first_len;

static int add_sender(const char *ip, double at)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	struct sockaddr_in ac = { .sin_family = AF_INET };
	struct sender *s = &senders[nsenders];

	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, ip, &me.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &ac.sin_addr);
	ac.sin_port = htons(AC_PORT);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&me, sizeof(me)) ||
	    connect(s->fd, (struct sockaddr *)&ac, sizeof(ac)))
		return -errno;
	s->next = at;
	s->frag_id = nsenders * 7;
	nsenders++;
	return 0;
}

static void close_senders(void)
{
	while (nsenders)
		close(senders[--nsenders].fd);
}

/* Active objects of the kmalloc caches reassembly buffers come from. */
static void print_slabs(const char *when)
{
	char line[256], name[64];
	unsigned long active, size;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lu %*u %lu", name, &active, &size) == 3 &&
		    !strncmp(name, "kmalloc-", 8) && strchr("1248", name[8]) &&
		    name[9] == 'k')
			printf("# %s: %s %lu active (%lu B each)\n", when, name,
			       active, size);
	fclose(f);
}

/* Each sender's next first fragment, a new message each time. */
static void flood_for(double seconds, unsigned long *sent)
{
	double end = now() + seconds, t;
	int i;

	while ((t = now()) < end) {
		for (i = 0; i < nsenders; i++) {
			if (senders[i].next > t)
				continue;
			put_unaligned_be16(++senders[i].frag_id,
					   first_frag + 4);
			if (send(senders[i].fd, first_frag, first_len, 0) ==
			    first_len)
				(*sent)++;
			senders[i].next += ROUND_MS / 1000.0;
		}
		usleep(5000);
	}
}

/*
 * Floods for two rounds (every slot the flood can take is taken), then
 * sends the fragmented Join from a fresh child process while the flood
 * goes on, so that the Join meets a full table.
 */
static void flood_and_join(struct peer_ap *ap, const char *what)
{
	unsigned long sent = 0;
	struct stats_ctx s0, s1;
	pid_t pid;
	int st = 0, r;

	flood_for(2 * ROUND_MS / 1000.0, &sent);
	print_slabs(what);
	peer_get_stats(&nl, &s0);
	pid = fork();
	if (!pid) {
		r = peer_join(ap, 3000);
		_exit(r >= 0 ? 0 : 1);
	}
	flood_for(1.5 * ROUND_MS / 1000.0, &sent);
	waitpid(pid, &st, 0);
	peer_get_stats(&nl, &s1);
	result(WIFEXITED(st) && !WEXITSTATUS(st),
	       what, "no Join Response (reassembled +%llu, fragments +%llu)",
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_REASSEMBLED] -
				    s0.v[CAPWAP_LSC_STATS_A_REASSEMBLED]),
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_FRAGMENTS] -
				    s0.v[CAPWAP_LSC_STATS_A_FRAGMENTS]));
	printf("# %s: %d senders, %lu first fragments sent\n", what, nsenders,
	       sent);
}

static int cmd_frags(void)
{
	static u8 cert[3000], pkt[16384];
	struct capwap_fragmenter f;
	struct peer_ap *ap = calloc(1, sizeof(*ap));
	struct stats_ctx s0, s1;
	char ip[32];
	double t = now();
	int i, a, len, r;

	if (!ap || peer_ap_open(ap, "127.0.0.41", AC_PORT, 4100)) {
		printf("not ok frag flood: no socket\n");
		return 1;
	}
	memset(cert, 0x30, sizeof(cert));
	ap->cert_type = CAPWAP_LSC_CERT_LSC;
	ap->cert = cert;
	ap->cert_len = sizeof(cert);
	ap->mtu = 1400;
	/* The flood's fragment: the first of such a Join, never the rest. */
	len = build_request(ap, CAPWAP_MSG_JOIN_REQ, pkt, sizeof(pkt));
	if (len <= 0 || capwap_frag_init(&f, pkt, len, ap->mtu, 1) ||
	    (first_len = capwap_frag_next(&f, first_frag,
					  sizeof(first_frag))) <= 0) {
		printf("not ok frag flood: cannot build a fragment\n");
		return 1;
	}
	print_slabs("before the flood");
	peer_get_stats(&nl, &s0);
	r = peer_join(ap, 5000);
	result(r >= 0, "fragmented LSC Join answered without a flood",
	       "r=%d", r);

	for (i = 0; i < 80; i++)
		if (add_sender("127.1.0.1", t + i * ROUND_MS / 80000.0) < 0)
			break;
	result(nsenders == 80, "80 ports of one address", "%d", nsenders);
	flood_and_join(ap, "Join answered while 80 ports of one address flood");
	close_senders();

	t = now();
	for (a = 0; a < 40; a++)
		for (i = 0; i < 4; i++) {
			snprintf(ip, sizeof(ip), "127.2.%d.1", a);
			add_sender(ip, t + (a * 4 + i) * ROUND_MS / 160000.0);
		}
	result(nsenders == 160, "4 ports each of 40 addresses", "%d",
	       nsenders);
	flood_and_join(ap, "Join answered while 40 addresses flood");
	close_senders();
	peer_get_stats(&nl, &s1);
	result(s1.v[CAPWAP_LSC_STATS_A_REASSEMBLED] -
	       s0.v[CAPWAP_LSC_STATS_A_REASSEMBLED] == 3,
	       "only the three Joins were reassembled", "%llu",
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_REASSEMBLED] -
				    s0.v[CAPWAP_LSC_STATS_A_REASSEMBLED]));
	peer_ap_close(ap);
	free(ap);
	return 0;
}

/* A number from /sys/kernel/capwap_lsc/@name, or -1. */
static long sysfs_long(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/capwap_lsc/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

#define EVICT_MAX_APS	16
/* The module's RETIRING_MAX. */
#define RETIRING_BOUND	256

/*
 * Joins of new MACs, sent without waiting for an answer, into a table
 * already full: each evicts a record in softirq, while the work item that
 * takes a retired record's sysfs directory and key down (under one
 * mutex) runs far slower.  The retired records waiting for it must stay
 * bounded all the same (sysfs records_retiring, sampled).
 */
static int cmd_evict(int n)
{
	struct peer_ap *ap = calloc(1, sizeof(*ap));
	long peak = -1, cur;
	struct stats_ctx s0, s1;
	int i, len, sent = 0;
	u64 evicted;
	u8 buf[1024];

	if (!ap || peer_ap_open(ap, "127.0.0.41", AC_PORT, 0x50000)) {
		printf("not ok evict flood: no socket\n");
		return 1;
	}
	peer_get_stats(&nl, &s0);
	for (i = 0; i < n; i++) {
		ap->mac[2] = (0x50000 + i) >> 16;
		ap->mac[3] = (0x50000 + i) >> 8;
		ap->mac[4] = i >> 8;
		ap->mac[5] = i;
		len = build_request(ap, CAPWAP_MSG_JOIN_REQ, buf, sizeof(buf));
		if (len > 0 && sendto(ap->fd, buf, len, 0,
				      (struct sockaddr *)&ap->ac,
				      sizeof(ap->ac)) == len)
			sent++;
		if (!(i % 64)) {
			cur = sysfs_long("records_retiring");
			if (cur > peak)
				peak = cur;
		}
	}
	peer_get_stats(&nl, &s1);
	evicted = s1.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED] -
		  s0.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED];
	printf("# %d Joins sent, %llu records evicted, %llu dropped; records_retiring at most %ld\n",
	       sent, (unsigned long long)evicted,
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_DROPPED] -
				    s0.v[CAPWAP_LSC_STATS_A_DROPPED]), peak);
	result(sent == n && evicted >= EVICT_MAX_APS,
	       "Joins of new MACs into a full table evict records",
	       "sent %d of %d, evicted %llu", sent, n,
	       (unsigned long long)evicted);
	result(peak >= 0 && peak <= RETIRING_BOUND,
	       "evicted records waiting for their work item stay bounded",
	       "records_retiring reached %ld, bound %d", peak,
	       RETIRING_BOUND);
	peer_ap_close(ap);
	free(ap);
	return 0;
}

/* One ClientHello as OpenSSL's DTLS 1.2 client sends it first: no cookie. */
static int client_hello(u8 *buf, size_t size)
{
	SSL_CTX *ctx = SSL_CTX_new(DTLS_client_method());
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
	int n = -1;

	if (!ssl || !rb || !wb ||
	    !SSL_set_min_proto_version(ssl, DTLS1_2_VERSION))
		goto out;
	SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
	DTLS_set_link_mtu(ssl, 1400);
	SSL_set_bio(ssl, rb, wb);
	rb = wb = NULL;
	SSL_set_connect_state(ssl);
	SSL_do_handshake(ssl);
	n = BIO_read(SSL_get_wbio(ssl), buf, size);
out:
	BIO_free(rb);
	BIO_free(wb);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return n;
}

static volatile sig_atomic_t stop_flood;

static void on_term(int sig)
{
	(void)sig;
	stop_flood = 1;
}

/* DTLS record header, handshake header, client_version: then the random. */
#define HELLO_RANDOM_OFF	(CAPWAP_DTLS_HDR_LEN + 13 + 12 + 2)

static int cmd_hellos(int rate, const char *addr, unsigned int naddrs)
{
	struct {
		struct iphdr ip;
		struct udphdr udp;
		u8 data[1500];
	} __attribute__((packed)) pkt = { 0 };
	struct sockaddr_in ac = { .sin_family = AF_INET };
	unsigned long sent = 0, due;
	int fd, len, one = 1, i;
	struct in_addr base;
	double t0;

	len = client_hello(pkt.data + CAPWAP_DTLS_HDR_LEN,
			   sizeof(pkt.data) - CAPWAP_DTLS_HDR_LEN);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (len < 13 + 12 + 2 + 32 || fd < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		fprintf(stderr, "hellos: no ClientHello (%d) or no raw socket: %s\n",
			len, strerror(errno));
		return 1;
	}
	capwap_dtls_put_header(pkt.data);
	len += CAPWAP_DTLS_HDR_LEN;
	inet_pton(AF_INET, "127.0.0.1", &ac.sin_addr);
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.ttl = 64;
	pkt.ip.protocol = IPPROTO_UDP;
	pkt.ip.tot_len = htons(sizeof(pkt.ip) + sizeof(pkt.udp) + len);
	pkt.ip.daddr = ac.sin_addr.s_addr;
	if (inet_pton(AF_INET, addr, &base) != 1 || !naddrs ||
	    naddrs > (1u << 24) || rate <= 0) {
		fprintf(stderr, "hellos: %s: not an IPv4 address, or no addresses or rate\n",
			addr);
		return 1;
	}
	/*
	 * The answers (HelloVerifyRequests) go to the spoofed sources: kept
	 * on loopback, the tool reflects nothing off a real network.
	 */
	if ((ntohl(base.s_addr) >> 24) != 127 ||
	    ((ntohl(base.s_addr) + naddrs - 1) >> 24) != 127) {
		fprintf(stderr, "hellos: %s and %u addresses on: not all in 127.0.0.0/8\n",
			addr, naddrs);
		return 1;
	}
	pkt.udp.dest = htons(AC_PORT);
	pkt.udp.len = htons(sizeof(pkt.udp) + len);
	/* UDP over IPv4 may go without a checksum (0); the IP one the kernel fills. */
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	t0 = now();
	while (!stop_flood) {
		due = (unsigned long)((now() - t0) * rate);
		while (sent < due && !stop_flood) {
			/* Ports 1024..65535, then around again. */
			pkt.udp.source = htons(1024 + sent % 64512);
			pkt.ip.saddr = htonl(ntohl(base.s_addr) + sent % naddrs);
			for (i = 0; i < 4; i++)
				put_unaligned_be32((u32)(sent * 2654435761u + i),
						   pkt.data + HELLO_RANDOM_OFF + 4 * i);
			if (sendto(fd, &pkt, sizeof(pkt.ip) + sizeof(pkt.udp) + len, 0,
				   (struct sockaddr *)&ac, sizeof(ac)) < 0) {
				fprintf(stderr, "hellos: sendto: %s\n", strerror(errno));
				return 1;
			}
			if (++sent % 1000 == 0)
				printf("# sent %lu\n", sent);
		}
		usleep(2000);
	}
	printf("sent %lu\n", sent);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A flood of raw datagrams, nothing the genl family needs. */
	if (!strcmp(cmd, "hellos") && argc > 3)
		return cmd_hellos(atoi(argv[2]), argv[3],
				  argc > 4 ? atoi(argv[4]) : 1);
	if (peer_nl_open(&nl, false)) {
		printf("not ok %s: cannot open the capwap_lsc genl family\n", cmd);
		return 1;
	}
	if (!strcmp(cmd, "chunks") && argc > 2) {
		cmd_chunks(atoi(argv[2]));
	} else if (!strcmp(cmd, "frags")) {
		cmd_frags();
	} else if (!strcmp(cmd, "evict") && argc > 2) {
		cmd_evict(atoi(argv[2]));
	} else {
		fprintf(stderr, "usage: see the top of tests/tools/capwap_flood.c\n");
		return 2;
	}
	peer_nl_close(&nl);
	return tests_failed ? 1 : 0;
}
