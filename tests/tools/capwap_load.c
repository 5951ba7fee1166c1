// SPDX-License-Identifier: GPL-2.0
/*
 * capwap_load PORT echo|discovery SECONDS: closed-loop load for
 * `make bench`.  Four APs (sockets) first join and reach Run, then keep
 * WINDOW requests each in flight, batched with sendmmsg/recvmmsg, and
 * count answers for SECONDS.  Prints "rate N" (answers per second) and
 * "answers N".
 */
#include <time.h>

#include "capwap_peer.h"

#define NAPS 4
#define WINDOW 32

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static struct peer_ap aps[NAPS];
	static u8 req[NAPS][256][512];
	int len[NAPS][256];
	struct mmsghdr m[WINDOW];
	struct iovec iov[WINDOW];
	u8 sink[WINDOW][512];
	u32 type;
	double end, start;
	unsigned long got = 0;
	int port, i, a, n, k;
	bool echo;

	if (argc < 4)
		return 2;
	port = atoi(argv[1]);
	echo = !strcmp(argv[2], "echo");
	type = echo ? CAPWAP_MSG_ECHO_REQ : CAPWAP_MSG_DISCOVERY_REQ;
	for (a = 0; a < NAPS; a++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "127.0.2.%d", a + 1);
		if (peer_ap_open(&aps[a], ip, port, 0x900 + a) ||
		    (echo && peer_to_run(&aps[a]))) {
			fprintf(stderr, "AP %d cannot reach Run\n", a);
			return 1;
		}
		/* Every sequence number once, so none is a duplicate. */
		for (k = 0; k < 256; k++)
			len[a][k] = build_request(&aps[a], type, req[a][k], 512);
	}
	/*
	 * Connected from here on: the load's sends then skip a route lookup
	 * each, which leaves more of CPU 0 for load, whichever responder.
	 */
	for (a = 0; a < NAPS; a++) {
		if (connect(aps[a].fd, (struct sockaddr *)&aps[a].ac,
			    sizeof(aps[a].ac))) {
			perror("connect");
			return 1;
		}
		for (k = 0; k < WINDOW; k++)
			send(aps[a].fd, req[a][k], len[a][k], 0);
	}
	start = now();
	end = start + atof(argv[3]);
	for (i = 0; i < WINDOW; i++) {
		iov[i].iov_base = sink[i];
		iov[i].iov_len = sizeof(sink[i]);
		memset(&m[i], 0, sizeof(m[i]));
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	while (now() < end) {
		for (a = 0; a < NAPS; a++) {
			struct mmsghdr s[WINDOW];
			struct iovec siov[WINDOW];
			struct timespec to = { 0, 20000000 };

			n = recvmmsg(aps[a].fd, m, WINDOW, MSG_WAITFORONE, &to);
			if (n <= 0) {
				/* Lost answers: refill the window. */
				n = WINDOW / 4;
			} else {
				got += n;
			}
			for (i = 0; i < n; i++) {
				k = (u8)(aps[a].seq++);
				siov[i].iov_base = req[a][k];
				siov[i].iov_len = len[a][k];
				memset(&s[i], 0, sizeof(s[i]));
				s[i].msg_hdr.msg_iov = &siov[i];
				s[i].msg_hdr.msg_iovlen = 1;
			}
			sendmmsg(aps[a].fd, s, n, 0);
		}
	}
	printf("rate %.0f\nanswers %lu\n", got / (now() - start), got);
	return 0;
}
