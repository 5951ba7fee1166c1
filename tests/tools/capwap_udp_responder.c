// SPDX-License-Identifier: GPL-2.0
/*
 * capwap_udp_responder PORT: the userspace baseline for `make bench`.
 * The module's own wire code behind a plain UDP socket, batched with
 * recvmmsg/sendmmsg: parses every datagram and answers Discovery with
 * the same elements the kernel sends, Echo with an Echo Response and the
 * other requests of a join with a success Result Code.  No sessions: it
 * is the cheapest userspace answer there is, which makes the comparison
 * a lower bound on what the kernel fast path saves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "capwap_answer.h"

#define BATCH 64
#define PKT 2048

static u8 rx[BATCH][PKT], tx[BATCH][PKT];

int main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET }, peers[BATCH];
	struct mmsghdr rmsg[BATCH], smsg[BATCH];
	struct iovec riov[BATCH], siov[BATCH];
	struct in_addr local;
	int fd, i, n, k, len;

	if (argc < 2) {
		fprintf(stderr, "usage: capwap_udp_responder PORT\n");
		return 2;
	}
	inet_pton(AF_INET, "127.0.0.1", &local);
	me.sin_port = htons(atoi(argv[1]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me))) {
		perror("bind");
		return 1;
	}
	for (i = 0; i < BATCH; i++) {
		riov[i].iov_base = rx[i];
		riov[i].iov_len = PKT;
		memset(&rmsg[i], 0, sizeof(rmsg[i]));
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
		rmsg[i].msg_hdr.msg_name = &peers[i];
		rmsg[i].msg_hdr.msg_namelen = sizeof(peers[i]);
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		for (i = 0; i < BATCH; i++)
			rmsg[i].msg_hdr.msg_namelen = sizeof(peers[i]);
		n = recvmmsg(fd, rmsg, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("recvmmsg");
			return 1;
		}
		for (i = 0, k = 0; i < n; i++) {
			len = capwap_answer(rx[i], rmsg[i].msg_len, tx[k], PKT, &local);
			if (len < 0)
				continue;
			siov[k].iov_base = tx[k];
			siov[k].iov_len = len;
			memset(&smsg[k], 0, sizeof(smsg[k]));
			smsg[k].msg_hdr.msg_iov = &siov[k];
			smsg[k].msg_hdr.msg_iovlen = 1;
			smsg[k].msg_hdr.msg_name = &peers[i];
			smsg[k].msg_hdr.msg_namelen = sizeof(peers[i]);
			k++;
		}
		if (k)
			sendmmsg(fd, smsg, k, 0);
	}
}
