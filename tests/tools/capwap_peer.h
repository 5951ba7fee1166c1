/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the kernel-module test programs: APs over real UDP sockets
 * built on the module's own wire code, and the helper's side of the
 * generic netlink family over libnl-genl.
 */
#ifndef _CAPWAP_PEER_H
#define _CAPWAP_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <linux/capwap_lsc.h>

#include "wire.h"

struct peer_ap {
	int fd;
	struct sockaddr_in ac;
	u8 mac[6];
	u8 seq;
	char name[32];
	u8 cert_type;
	u8 mode;
	const u8 *cert;		/* AP_CERT sent in Join when cert_type LSC */
	size_t cert_len;
	size_t mtu;		/* fragment what we send above this */
	u16 frag_id;
	unsigned int frags_in;	/* fragments received so far */
	struct capwap_reasm reasm;
	u8 reasm_buf[CAPWAP_REASM_MAX_LEN];
	u8 rx[CAPWAP_REASM_MAX_LEN];
	size_t rx_len;		/* last whole packet (header + message) */
	u8 msg_buf[CAPWAP_REASM_MAX_LEN];
	struct capwap_msg msg;	/* last message received */
};

struct peer_nl {
	struct nl_sock *sk;
	struct nl_sock *ev;
	int family;
	int grp;
};

#include "capwap_peer_impl.h"

#endif /* _CAPWAP_PEER_H */
