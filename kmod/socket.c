// SPDX-License-Identifier: GPL-2.0
/*
 * The CAPWAP control socket.  It is a kernel UDP socket turned into an
 * encapsulation socket, so every datagram reaches capwap_lsc_encap_rcv()
 * in softirq context instead of a receive queue nobody reads.
 *
 * Replies leave through udp_tunnel_xmit_skb() straight from softirq with
 * GFP_ATOMIC: a kernel sendmsg() takes the socket lock and may sleep, so
 * it would need a work item per reply, which costs a context switch and
 * reorders replies against the requests they answer.  The route lookup
 * is per reply; CAPWAP control traffic is small enough that no cache is
 * worth its invalidation rules.
 */

#include <linux/skbuff.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/udp_tunnel.h>
#include <net/route.h>
#include <linux/inetdevice.h>
#include <net/ip.h>

#include "capwap_lsc.h"
#include "ap.h"
#include "control.h"
#include "stats.h"
#include "wire.h"

static struct socket *capwap_lsc_sock;

/* Holds a datagram whose bytes are not all in the skb's linear part. */
static DEFINE_PER_CPU(u8 *, rx_buf);
#define RX_BUF_LEN	CAPWAP_REASM_MAX_LEN

static int capwap_lsc_socket_send(const struct capwap_lsc_peer *peer,
				  const u8 *pkt, size_t len)
{
	/* One read: unload clears the pointer under us. */
	struct socket *sock = READ_ONCE(capwap_lsc_sock);
	struct sock *sk = sock ? sock->sk : NULL;
	struct flowi4 fl4 = { };
	struct sk_buff *skb;
	struct rtable *rt;
	unsigned int head;

	if (!sk)
		return -ENOTCONN;
	head = LL_MAX_HEADER + sizeof(struct iphdr) + sizeof(struct udphdr);
	skb = alloc_skb(head + len, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, head);
	skb_put_data(skb, pkt, len);

	fl4.daddr = peer->saddr;
	fl4.saddr = peer->daddr;
	fl4.fl4_dport = peer->sport;
	fl4.fl4_sport = htons(capwap_lsc_port);
	fl4.flowi4_proto = IPPROTO_UDP;
	rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, false, false);
	return 0;
}

static int capwap_lsc_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct capwap_lsc_peer peer;
	struct rtable *rt;
	const u8 *buf;
	size_t len;
	__be32 addr;

	if (!pskb_may_pull(skb, sizeof(struct udphdr)))
		goto drop;
	peer.saddr = ip_hdr(skb)->saddr;
	peer.daddr = ip_hdr(skb)->daddr;
	peer.sport = udp_hdr(skb)->source;
	/*
	 * A Discovery sent to a broadcast or multicast address (RFC 5415
	 * section 3.3) is answered from, and advertises, an address of the
	 * interface it came in on: the group address is no source.  The
	 * input route is still attached here, in the UDP receive path.
	 */
	rt = skb_rtable(skb);
	if (rt && skb->dev &&
	    (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))) {
		addr = inet_select_addr(skb->dev, peer.saddr, RT_SCOPE_UNIVERSE);
		if (!addr)
			goto drop;
		peer.daddr = addr;
	}
	len = skb->len - sizeof(struct udphdr);

	if (len > RX_BUF_LEN) {
		capwap_lsc_count(CAPWAP_LSC_ST_RX_PACKETS);
		capwap_lsc_count(CAPWAP_LSC_ST_BAD + CAPWAP_LSC_BAD_TRUNCATED);
		goto drop;
	}
	if (skb_headlen(skb) >= sizeof(struct udphdr) + len) {
		buf = skb->data + sizeof(struct udphdr);
	} else {
		buf = this_cpu_read(rx_buf);
		if (skb_copy_bits(skb, sizeof(struct udphdr), (u8 *)buf, len))
			goto drop;
	}
	capwap_lsc_control_input(buf, len, &peer, capwap_lsc_socket_send);
	consume_skb(skb);
	return 0;
drop:
	kfree_skb(skb);
	return 0;
}

static void free_bufs(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree(per_cpu(rx_buf, cpu));
		per_cpu(rx_buf, cpu) = NULL;
	}
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
	struct socket *sock;
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		per_cpu(rx_buf, cpu) = kmalloc(RX_BUF_LEN, GFP_KERNEL);
		if (!per_cpu(rx_buf, cpu)) {
			free_bufs();
			return -ENOMEM;
		}
	}
	ret = udp_sock_create4(&init_net, &port_cfg, &sock);
	if (ret) {
		pr_err("cannot bind UDP port %u: %d\n", capwap_lsc_port, ret);
		free_bufs();
		return ret;
	}
	capwap_lsc_sock = sock;
	setup_udp_tunnel_sock(&init_net, sock, &tunnel_cfg);
	return 0;
}

void capwap_lsc_socket_uninit(void)
{
	struct socket *sock = capwap_lsc_sock;

	if (!sock)
		return;
	/* Senders (timers, work) check the pointer before using it. */
	WRITE_ONCE(capwap_lsc_sock, NULL);
	synchronize_net();
	udp_tunnel_sock_release(sock);
	synchronize_net();
	free_bufs();
}
