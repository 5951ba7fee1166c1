// SPDX-License-Identifier: GPL-2.0
/*
 * The CAPWAP control socket.  It is a kernel UDP socket turned into an
 * encapsulation socket, so every datagram reaches capwap_lsc_encap_rcv()
 * in softirq context instead of a receive queue nobody reads.
 */

#include <linux/skbuff.h>
#include <linux/atomic.h>
#include <net/udp_tunnel.h>

#include "capwap_lsc.h"

static struct socket *capwap_lsc_sock;
static atomic64_t capwap_lsc_rx_packets = ATOMIC64_INIT(0);

static int capwap_lsc_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	atomic64_inc(&capwap_lsc_rx_packets);
	kfree_skb(skb);
	return 0;
}

u64 capwap_lsc_socket_rx_packets(void)
{
	return atomic64_read(&capwap_lsc_rx_packets);
}

int capwap_lsc_socket_init(void)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.encap_type = 1,
		.encap_rcv = capwap_lsc_encap_rcv,
	};
	struct udp_port_cfg port_cfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(capwap_lsc_port),
	};
	int ret;

	ret = udp_sock_create4(&init_net, &port_cfg, &capwap_lsc_sock);
	if (ret) {
		pr_err("cannot bind UDP port %u: %d\n", capwap_lsc_port, ret);
		return ret;
	}
	setup_udp_tunnel_sock(&init_net, capwap_lsc_sock, &tunnel_cfg);
	return 0;
}

void capwap_lsc_socket_uninit(void)
{
	if (!capwap_lsc_sock)
		return;
	udp_tunnel_sock_release(capwap_lsc_sock);
	capwap_lsc_sock = NULL;
}
