/* SPDX-License-Identifier: GPL-2.0 */
/* Included once per program by capwap_peer.h: the helpers' bodies. */

/* Each program uses a different subset of these helpers. */
#pragma GCC diagnostic ignored "-Wunused-function"

#define PEER_VENDOR	CAPWAP_LSC_DEFAULT_VENDOR_ID

static u32 peer_vendor = PEER_VENDOR;

static int peer_ap_open(struct peer_ap *ap, const char *local_ip,
			int ac_port, unsigned int index)
{
	struct sockaddr_in me = { .sin_family = AF_INET };

	memset(ap, 0, sizeof(*ap));
	capwap_reasm_init(&ap->reasm, ap->reasm_buf, sizeof(ap->reasm_buf));
	ap->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ap->fd < 0)
		return -errno;
	inet_pton(AF_INET, local_ip, &me.sin_addr);
	if (bind(ap->fd, (struct sockaddr *)&me, sizeof(me)))
		return -errno;
	ap->ac.sin_family = AF_INET;
	ap->ac.sin_port = htons(ac_port);
	inet_pton(AF_INET, "127.0.0.1", &ap->ac.sin_addr);
	ap->mac[0] = 0x02;
	ap->mac[1] = 0xca;
	ap->mac[2] = index >> 24;
	ap->mac[3] = index >> 16;
	ap->mac[4] = index >> 8;
	ap->mac[5] = index;
	snprintf(ap->name, sizeof(ap->name), "AP%06x", index);
	ap->cert_type = CAPWAP_LSC_CERT_MIC;
	ap->mtu = 1400;
	ap->seq = (u8)(index * 7);
	return 0;
}

static void peer_ap_close(struct peer_ap *ap)
{
	if (ap->fd >= 0)
		close(ap->fd);
	ap->fd = -1;
}

static int peer_send(struct peer_ap *ap, const u8 *pkt, size_t len)
{
	struct capwap_fragmenter f;
	u8 out[9216];
	int n;

	if (capwap_frag_init(&f, pkt, len, ap->mtu, ++ap->frag_id))
		return -EINVAL;
	while ((n = capwap_frag_next(&f, out, sizeof(out))) > 0)
		if (sendto(ap->fd, out, n, 0, (struct sockaddr *)&ap->ac,
			   sizeof(ap->ac)) != n)
			return -errno;
	return n;
}

/*
 * Next whole message from the AC (reassembled when fragmented) into
 * ap->msg; 1 when one came, 0 on timeout, -errno on error.
 */
static int peer_recv(struct peer_ap *ap, int timeout_ms)
{
	struct pollfd p = { .fd = ap->fd, .events = POLLIN };
	enum capwap_lsc_malformed bad;
	struct capwap_packet pkt;
	ssize_t n;

	for (;;) {
		int r = poll(&p, 1, timeout_ms);

		if (r <= 0)
			return r < 0 ? -errno : 0;
		n = recv(ap->fd, ap->rx, sizeof(ap->rx), 0);
		if (n < 0)
			return -errno;
		ap->rx_len = n;
		switch (capwap_parse(ap->rx, n, &pkt)) {
		case CAPWAP_PARSE_OK:
			memcpy(ap->msg_buf, pkt.payload, pkt.payload_len);
			if (capwap_parse_control(ap->msg_buf, pkt.payload_len,
						 &ap->msg, &bad))
				return -EBADMSG;
			return 1;
		case CAPWAP_PARSE_FRAGMENT:
			ap->frags_in++;
			if (capwap_reasm_add(&ap->reasm, &pkt.hdr, pkt.payload,
					     pkt.payload_len, 0, &bad) !=
			    CAPWAP_REASM_DONE)
				continue;
			memcpy(ap->msg_buf, ap->reasm.buf, ap->reasm.total);
			if (capwap_parse_control(ap->msg_buf, ap->reasm.total,
						 &ap->msg, &bad))
				return -EBADMSG;
			return 1;
		default:
			return -EBADMSG;
		}
	}
}

static void put_wtp_basics(struct capwap_builder *b, struct peer_ap *ap)
{
	struct capwap_wtp_descriptor d = {
		.max_radios = 1, .radios_in_use = 1, .vendor_id = peer_vendor,
		.hw_version = "1.0", .sw_version = "8.10", .boot_version = "1",
	};

	capwap_put_board_data(b, peer_vendor, "AIR-LAP1262N-A-K9", ap->name,
			      ap->mac);
	capwap_put_wtp_descriptor(b, &d);
}

static int build_request(struct peer_ap *ap, u32 type, u8 *buf, size_t size)
{
	struct capwap_reboot_stats rs = { 0 };
	struct capwap_builder b;
	u8 session[CAPWAP_SESSION_ID_LEN] = { 1, 2, 3 };
	u8 local[4] = { 127, 0, 0, 1 };

	capwap_build_init(&b, buf, size, type, ++ap->seq);
	switch (type) {
	case CAPWAP_MSG_DISCOVERY_REQ:
		capwap_put_discovery_type(&b, CAPWAP_DISCOVERY_STATIC);
		put_wtp_basics(&b, ap);
		capwap_put_frame_tunnel_mode(&b, CAPWAP_TUNNEL_LOCAL_BRIDGING);
		capwap_put_mac_type(&b, CAPWAP_MAC_TYPE_LOCAL);
		break;
	case CAPWAP_MSG_JOIN_REQ: {
		struct capwap_lsc_cert_info ci = {
			.cert_type = ap->cert_type, .ap_mode = ap->mode,
		};

		capwap_put_location(&b, "lab");
		put_wtp_basics(&b, ap);
		capwap_put_wtp_name(&b, ap->name);
		capwap_put_session_id(&b, session);
		capwap_put_local_ipv4(&b, local);
		capwap_lsc_put_cert_info(&b, peer_vendor, &ci);
		if (ap->cert)
			capwap_lsc_put_object(&b, peer_vendor,
					      CAPWAP_LSC_VSP_AP_CERT, 0, 1,
					      ap->cert, ap->cert_len);
		break;
	}
	case CAPWAP_MSG_CONFIG_STATUS_REQ:
		capwap_put_ac_name(&b, "capwap_lsc");
		capwap_put_radio_admin_state(&b, 1, CAPWAP_RADIO_ENABLED);
		capwap_put_statistics_timer(&b, 120);
		capwap_put_reboot_stats(&b, &rs);
		break;
	case CAPWAP_MSG_CHANGE_STATE_REQ:
		capwap_put_radio_oper_state(&b, 1, CAPWAP_RADIO_ENABLED, 0);
		capwap_put_result_code(&b, CAPWAP_RESULT_SUCCESS);
		break;
	default:
		break;
	}
	return capwap_build_finish(&b);
}

/* Sends a request of @type and waits for its response (1), 0 if none. */
static int peer_request(struct peer_ap *ap, u32 type, int timeout_ms)
{
	u8 buf[16384];
	int len = build_request(ap, type, buf, sizeof(buf));

	if (len < 0)
		return len;
	if (peer_send(ap, buf, len) < 0)
		return -EIO;
	for (;;) {
		int r = peer_recv(ap, timeout_ms);

		if (r <= 0)
			return r;
		if (ap->msg.type == type + 1 && ap->msg.seq == ap->seq)
			return 1;
	}
}

static u32 peer_result(const struct capwap_msg *msg)
{
	struct capwap_elem e;
	u32 v = 0xffffffff;

	if (!capwap_find_elem(msg, CAPWAP_ELEM_RESULT_CODE, &e))
		capwap_elem_get_u32(&e, &v);
	return v;
}

static int peer_join(struct peer_ap *ap, int timeout_ms)
{
	int r = peer_request(ap, CAPWAP_MSG_JOIN_REQ, timeout_ms);

	return r == 1 ? (int)peer_result(&ap->msg) : -ETIMEDOUT;
}

static int peer_to_run(struct peer_ap *ap)
{
	int r = peer_join(ap, 3000);

	if (r)
		return r < 0 ? r : -EACCES;
	if (peer_request(ap, CAPWAP_MSG_CONFIG_STATUS_REQ, 3000) != 1 ||
	    peer_request(ap, CAPWAP_MSG_CHANGE_STATE_REQ, 3000) != 1)
		return -ETIMEDOUT;
	return 0;
}

/* Answers the AC's request in ap->msg with @result. */
static int peer_reply(struct peer_ap *ap, u32 result)
{
	struct capwap_builder b;
	u8 buf[256];
	int len;

	capwap_build_init(&b, buf, sizeof(buf), ap->msg.type + 1, ap->msg.seq);
	capwap_put_result_code(&b, result);
	len = capwap_build_finish(&b);
	return len < 0 ? len : peer_send(ap, buf, len);
}

/* A WTP Event Request carrying one LSC object or an install result. */
static int peer_event(struct peer_ap *ap, u16 elem, const u8 *data,
		      size_t len, int result)
{
	struct capwap_lsc_status st = { .result = result };
	struct capwap_builder b;
	static u8 buf[16384];
	int n, r;

	capwap_build_init(&b, buf, sizeof(buf), CAPWAP_MSG_WTP_EVENT_REQ,
			  ++ap->seq);
	if (elem == CAPWAP_LSC_VSP_INSTALL_RESULT)
		capwap_lsc_put_status(&b, peer_vendor, elem, &st);
	else
		capwap_lsc_put_object(&b, peer_vendor, elem, 0, 1, data, len);
	n = capwap_build_finish(&b);
	if (n < 0 || peer_send(ap, buf, n) < 0)
		return -EIO;
	for (;;) {
		r = peer_recv(ap, 3000);
		if (r <= 0)
			return -ETIMEDOUT;
		if (ap->msg.type == CAPWAP_MSG_WTP_EVENT_RESP &&
		    ap->msg.seq == ap->seq)
			return 0;
	}
}

/* ---- genl ----------------------------------------------------------- */

struct nl_ctx {
	int done;
	int err;
	int (*fn)(struct nl_msg *, void *);
	void *arg;
};

static int nl_valid_cb(struct nl_msg *m, void *a)
{
	struct nl_ctx *c = a;

	return c->fn ? c->fn(m, c->arg) : NL_OK;
}

static int nl_done_cb(struct nl_msg *m, void *a)
{
	struct nl_ctx *c = a;

	(void)m;
	c->done = 1;
	return NL_STOP;
}

static int nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *a)
{
	struct nl_ctx *c = a;

	(void)nla;
	c->err = e->error;
	c->done = 1;
	return NL_STOP;
}

static int nl_noseq_cb(struct nl_msg *m, void *a)
{
	(void)m;
	(void)a;
	return NL_OK;
}

static int peer_nl_open(struct peer_nl *nl, bool events)
{
	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk))
		return -ENOTCONN;
	nl->family = genl_ctrl_resolve(nl->sk, CAPWAP_LSC_GENL_NAME);
	if (nl->family < 0)
		return -ENOENT;
	nl->grp = genl_ctrl_resolve_grp(nl->sk, CAPWAP_LSC_GENL_NAME,
					CAPWAP_LSC_MCGRP_EVENTS);
	if (!events)
		return 0;
	nl->ev = nl_socket_alloc();
	if (!nl->ev || genl_connect(nl->ev))
		return -ENOTCONN;
	nl_socket_disable_seq_check(nl->ev);
	if (nl_socket_add_membership(nl->ev, nl->grp))
		return -EPERM;
	return 0;
}

static void peer_nl_close(struct peer_nl *nl)
{
	if (nl->ev)
		nl_socket_free(nl->ev);
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->ev = nl->sk = NULL;
}

static struct nl_msg *peer_nl_msg(struct peer_nl *nl, int cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc_size(65536);

	if (m)
		genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			    cmd, CAPWAP_LSC_GENL_VERSION);
	return m;
}

/* Sends @msg (and frees it); 0 or the kernel's negative errno. */
static int peer_nl_do(struct peer_nl *nl, struct nl_msg *msg,
		      int (*fn)(struct nl_msg *, void *), void *arg)
{
	struct nl_ctx c = { .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int r;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nl_valid_cb, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_done_cb, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, nl_done_cb, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, nl_err_cb, &c);
	r = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (r < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!c.done) {
		r = nl_recvmsgs(nl->sk, cb);
		if (r < 0) {
			c.err = c.err ? c.err : -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return c.err;
}

struct ev_ctx {
	int got;
	u64 id;
	u8 mac[6];
};

static int ev_cb(struct nl_msg *m, void *a)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(m));
	struct ev_ctx *e = a;

	if (gh->cmd != CAPWAP_LSC_CMD_CERT_REQUEST ||
	    genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL) ||
	    !tb[CAPWAP_LSC_A_REQUEST_ID] || !tb[CAPWAP_LSC_A_MAC])
		return NL_OK;
	e->id = nla_get_u64(tb[CAPWAP_LSC_A_REQUEST_ID]);
	memcpy(e->mac, nla_data(tb[CAPWAP_LSC_A_MAC]), 6);
	e->got = 1;
	return NL_STOP;
}

/* Waits for a CERT_REQUEST announcement: 1, or 0 on timeout. */
static int peer_nl_event(struct peer_nl *nl, u64 *id, u8 *mac, int timeout_ms)
{
	struct pollfd p = { .fd = nl_socket_get_fd(nl->ev), .events = POLLIN };
	struct ev_ctx e = { 0 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ev_cb, &e);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, nl_noseq_cb, NULL);
	while (!e.got && poll(&p, 1, timeout_ms) > 0)
		nl_recvmsgs(nl->ev, cb);
	nl_cb_put(cb);
	if (e.got) {
		*id = e.id;
		if (mac)
			memcpy(mac, e.mac, 6);
	}
	return e.got;
}

struct stats_ctx {
	u64 v[CAPWAP_LSC_STATS_A_MAX + 1];
	u64 rx_sum, tx_sum, bad_sum;
	u64 rx[CAPWAP_LSC_STATS_MSG_OTHER + 1];
	u64 tx[CAPWAP_LSC_STATS_MSG_OTHER + 1];
	u64 bad[__CAPWAP_LSC_BAD_MAX + 1];
};

static u64 nested_sum(struct nlattr *nest, u64 *each, int max)
{
	struct nlattr *a;
	u64 sum = 0;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_len(a) != 8)
			continue;
		sum += nla_get_u64(a);
		if (nla_type(a) <= max)
			each[nla_type(a)] = nla_get_u64(a);
	}
	return sum;
}

static int stats_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1], *st[CAPWAP_LSC_STATS_A_MAX + 1];
	struct stats_ctx *s = arg;
	int i;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL) ||
	    !tb[CAPWAP_LSC_A_STATS] ||
	    nla_parse_nested(st, CAPWAP_LSC_STATS_A_MAX, tb[CAPWAP_LSC_A_STATS],
			     NULL))
		return NL_SKIP;
	for (i = 1; i <= CAPWAP_LSC_STATS_A_MAX; i++) {
		if (!st[i])
			continue;
		if (i == CAPWAP_LSC_STATS_A_RX)
			s->rx_sum = nested_sum(st[i], s->rx,
					       CAPWAP_LSC_STATS_MSG_OTHER);
		else if (i == CAPWAP_LSC_STATS_A_TX)
			s->tx_sum = nested_sum(st[i], s->tx,
					       CAPWAP_LSC_STATS_MSG_OTHER);
		else if (i == CAPWAP_LSC_STATS_A_MALFORMED)
			s->bad_sum = nested_sum(st[i], s->bad,
						__CAPWAP_LSC_BAD_MAX);
		else if (nla_len(st[i]) == 8)
			s->v[i] = nla_get_u64(st[i]);
		else if (nla_len(st[i]) == 4)
			s->v[i] = nla_get_u32(st[i]);
	}
	return NL_OK;
}

static int peer_get_stats(struct peer_nl *nl, struct stats_ctx *s)
{
	memset(s, 0, sizeof(*s));
	return peer_nl_do(nl, peer_nl_msg(nl, CAPWAP_LSC_CMD_GET_STATS, 0),
			  stats_cb, s);
}

/* One AP's record from GET_AP. */
struct ap_info {
	int found;
	u8 state, session, cert_type, attempts;
	u32 fallbacks;
	char last_error[256];
	u64 cert_expiry;
	int issuer_hash_len;
	u8 issuer_hash[32];
};

static int ap_info_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1], *a[CAPWAP_LSC_AP_A_MAX + 1];
	struct ap_info *i = arg;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL) ||
	    !tb[CAPWAP_LSC_A_AP] ||
	    nla_parse_nested(a, CAPWAP_LSC_AP_A_MAX, tb[CAPWAP_LSC_A_AP], NULL))
		return NL_SKIP;
	i->found++;
	if (a[CAPWAP_LSC_AP_A_STATE])
		i->state = nla_get_u8(a[CAPWAP_LSC_AP_A_STATE]);
	if (a[CAPWAP_LSC_AP_A_SESSION])
		i->session = nla_get_u8(a[CAPWAP_LSC_AP_A_SESSION]);
	if (a[CAPWAP_LSC_AP_A_CERT_TYPE])
		i->cert_type = nla_get_u8(a[CAPWAP_LSC_AP_A_CERT_TYPE]);
	if (a[CAPWAP_LSC_AP_A_ATTEMPTS])
		i->attempts = nla_get_u8(a[CAPWAP_LSC_AP_A_ATTEMPTS]);
	if (a[CAPWAP_LSC_AP_A_FALLBACKS])
		i->fallbacks = nla_get_u32(a[CAPWAP_LSC_AP_A_FALLBACKS]);
	if (a[CAPWAP_LSC_AP_A_CERT_EXPIRY])
		i->cert_expiry = nla_get_u64(a[CAPWAP_LSC_AP_A_CERT_EXPIRY]);
	if (a[CAPWAP_LSC_AP_A_ISSUER_HASH] &&
	    nla_len(a[CAPWAP_LSC_AP_A_ISSUER_HASH]) <= (int)sizeof(i->issuer_hash)) {
		i->issuer_hash_len = nla_len(a[CAPWAP_LSC_AP_A_ISSUER_HASH]);
		memcpy(i->issuer_hash, nla_data(a[CAPWAP_LSC_AP_A_ISSUER_HASH]),
		       i->issuer_hash_len);
	}
	if (a[CAPWAP_LSC_AP_A_LAST_ERROR])
		snprintf(i->last_error, sizeof(i->last_error), "%s",
			 nla_get_string(a[CAPWAP_LSC_AP_A_LAST_ERROR]));
	return NL_OK;
}

static int peer_get_ap(struct peer_nl *nl, const u8 *mac, struct ap_info *i)
{
	struct nl_msg *m = peer_nl_msg(nl, CAPWAP_LSC_CMD_GET_AP, 0);

	memset(i, 0, sizeof(*i));
	nla_put(m, CAPWAP_LSC_A_MAC, 6, mac);
	return peer_nl_do(nl, m, ap_info_cb, i);
}

static int count_cb(struct nl_msg *m, void *arg)
{
	(void)m;
	(*(unsigned int *)arg)++;
	return NL_OK;
}

static int peer_dump_count(struct peer_nl *nl, unsigned int *n)
{
	*n = 0;
	return peer_nl_do(nl, peer_nl_msg(nl, CAPWAP_LSC_CMD_GET_AP, NLM_F_DUMP),
			  count_cb, n);
}

static int tests_failed;

static void result(bool pass, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(bool pass, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (pass) {
		printf("ok %s\n", name);
	} else {
		tests_failed++;
		printf("not ok %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}
