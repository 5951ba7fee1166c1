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
 *
 * Most datagrams get exactly one answer.  That answer goes out in the
 * received skb itself, written over the request once the state machine
 * is done with the request's bytes: one skb allocated and freed less per
 * message, and the answer leaves after the AP's lock is released.
 */

#include <linux/skbuff.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/if_vlan.h>
#include <net/udp_tunnel.h>
#include <net/route.h>
#include <linux/inetdevice.h>
#include <net/ip.h>

#include "ap.h"
#include "control.h"
#include "socket.h"
#include "stats.h"
#include "wire_dtls.h"
#include "wire.h"

#include "capwap_lsc.h"

static struct socket *capwap_lsc_sock;

/* Holds a datagram whose bytes are not all in the skb's linear part. */
static DEFINE_PER_CPU(u8 *, rx_buf);
#define RX_BUF_LEN	CAPWAP_REASM_MAX_LEN

/*
 * The answer to the datagram capwap_lsc_encap_rcv() is handling on this
 * CPU, held until the state machine returns: the datagram's bytes may be
 * read after the answer is sent (a WTP Event is acted on after it is
 * answered), so they cannot be overwritten any earlier.  Receive softirqs
 * do not nest on one CPU, and every sender runs with bottom halves off,
 * so one per CPU suffices.
 */
#define HELD_REPLY_MAX	512

struct held_reply {
	bool receiving;			/* inside capwap_lsc_encap_rcv() */
	struct capwap_lsc_peer peer;
	u16 len;			/* 0: nothing held */
	u8 buf[HELD_REPLY_MAX];
};

static struct held_reply __percpu *held_replies;

/*
 * Makes the received @skb, its data at the UDP payload, ready to carry
 * @len bytes to @rt: private, linear, with room for the headers the
 * tunnel code pushes.  Whatever the receive path left in it that a new
 * skb would not have goes: iptunnel_xmit() counts tunnel statistics on a
 * non-NULL skb->dev, and an egress fq qdisc takes a receive timestamp for
 * a departure time.
 */
static bool turn_around(struct sk_buff *skb, const struct rtable *rt,
			size_t len)
{
	unsigned int head = LL_RESERVED_SPACE(rt->dst.dev) +
			    sizeof(struct iphdr) + sizeof(struct udphdr);

	if (skb_shared(skb) || skb_is_nonlinear(skb) || skb_is_gso(skb) ||
	    skb_cow_head(skb, head) ||
	    (size_t)(skb_end_pointer(skb) - skb->data) < len)
		return false;
	skb_orphan(skb);
	skb_dst_drop(skb);
	skb->dev = NULL;
	skb_set_delivery_time(skb, 0, false);
	skb->mark = 0;
	skb->priority = 0;
	skb->encapsulation = 0;
	__vlan_hwaccel_clear_tag(skb);
	skb_clear_hash(skb);
	skb->ip_summed = CHECKSUM_NONE;
	__skb_trim(skb, 0);
	return true;
}

/* Sends @pkt to @peer in @reuse when it can carry it, else in a new skb. */
static int send_skb(const struct capwap_lsc_peer *peer, const u8 *pkt,
		    size_t len, struct sk_buff *reuse)
{
	/* One read: unload clears the pointer under us. */
	struct socket *sock = READ_ONCE(capwap_lsc_sock);
	struct sock *sk = sock ? sock->sk : NULL;
	struct flowi4 fl4 = { };
	struct sk_buff *skb;
	struct rtable *rt;
	unsigned int head;

	if (!sk) {
		kfree_skb(reuse);
		return -ENOTCONN;
	}
	fl4.daddr = peer->saddr;
	fl4.saddr = peer->daddr;
	fl4.fl4_dport = peer->sport;
	fl4.fl4_sport = htons(capwap_lsc_port);
	fl4.flowi4_proto = IPPROTO_UDP;
	rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
	if (IS_ERR(rt)) {
		kfree_skb(reuse);
		return PTR_ERR(rt);
	}
	if (reuse && turn_around(reuse, rt, len)) {
		skb = reuse;
	} else {
		consume_skb(reuse);
		head = LL_MAX_HEADER + sizeof(struct iphdr) +
		       sizeof(struct udphdr);
		skb = alloc_skb(head + len, GFP_ATOMIC);
		if (!skb) {
			ip_rt_put(rt);
			return -ENOMEM;
		}
		skb_reserve(skb, head);
	}
	skb_put_data(skb, pkt, len);
	/*
	 * df 0: DF stays clear, so a datagram longer than the route's MTU
	 * (the mtu parameter above the link's) leaves in IP fragments
	 * rather than being dropped.  skb->ignore_df could not say so:
	 * iptunnel_xmit() scrubs it.
	 */
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, false, false);
	return 0;
}

static void send_held(struct held_reply *h, struct sk_buff *reuse)
{
	if (send_skb(&h->peer, h->buf, h->len, reuse))
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
	h->len = 0;
}

/*
 * The send callback of the state machine.  Inside encap_rcv the latest
 * answer is held back for the received skb and the one before it, if
 * any, leaves now: datagrams still go out in the order they were sent.
 */
int capwap_lsc_socket_send(const struct capwap_lsc_peer *peer,
			   const u8 *pkt, size_t len)
{
	struct held_reply *h;

	/* Unload frees the held replies after clearing the socket. */
	if (!READ_ONCE(capwap_lsc_sock))
		return -ENOTCONN;
	h = this_cpu_ptr(held_replies);
	if (!h->receiving || len > sizeof(h->buf))
		return send_skb(peer, pkt, len, NULL);
	if (h->len)
		send_held(h, NULL);
	memcpy(h->buf, pkt, len);
	h->len = len;
	h->peer = *peer;
	return 0;
}

static int capwap_lsc_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct capwap_lsc_peer peer;
	struct held_reply *h;
	struct rtable *rt;
	const u8 *buf;
	bool to_group;
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
	to_group = rt && (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST));
	if (to_group) {
		addr = skb->dev ? inet_select_addr(skb->dev, peer.saddr,
						   RT_SCOPE_UNIVERSE) : 0;
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
	/*
	 * DTLS is between two unicast addresses: a cookie answered to a
	 * datagram sent to a group would only serve reflection.
	 */
	if (to_group && capwap_dtls_parse_header(buf, len) >= 0) {
		capwap_lsc_count(CAPWAP_LSC_ST_DROPPED);
		goto drop;
	}
	h = this_cpu_ptr(held_replies);
	h->receiving = true;
	capwap_lsc_control_input(buf, len, &peer, capwap_lsc_socket_send);
	h->receiving = false;
	if (h->len) {
		__skb_pull(skb, sizeof(struct udphdr));
		send_held(h, skb);
	} else {
		consume_skb(skb);
	}
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
	free_percpu(held_replies);
	held_replies = NULL;
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

	held_replies = alloc_percpu(struct held_reply);
	if (!held_replies)
		return -ENOMEM;
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
