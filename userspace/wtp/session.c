// SPDX-License-Identifier: GPL-2.0
/*
 * The WTP side of a CAPWAP control session (RFC 5415 section 2.3):
 * Discovery, then (with DTLS on) the DTLS handshake of dtls.c, then Join,
 * Configure, Data Check, Run.  Under DTLS only a Discovery Response is
 * taken in clear text; every other message goes in and out as a record
 * of the session.  A WTP has
 * at most one request outstanding: it is retransmitted RetransmitInterval
 * after sending, doubling each time, MaxRetransmit times, and when that
 * runs out the session is over and the WTP discovers again.  Requests
 * from the controller are answered once and the answer kept, so that a
 * retransmitted request gets the same answer without being acted on
 * twice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/rand.h>

#include "clock.h"
#include "dtls.h"
#include "log.h"
#include "wire_dtls.h"
#include "wtp.h"

const char *wtp_state_name(enum wtp_state s)
{
	static const char *const names[] = {
		[WTP_S_IDLE] = "idle", [WTP_S_DISCOVERY] = "discovery",
		[WTP_S_SULKING] = "sulking", [WTP_S_DTLS] = "dtls",
		[WTP_S_JOIN] = "join",
		[WTP_S_CONFIGURE] = "configure",
		[WTP_S_DATA_CHECK] = "data-check", [WTP_S_RUN] = "run",
		[WTP_S_DONE] = "done",
	};

	return s <= WTP_S_DONE ? names[s] : "?";
}

static void pkt_free(struct wtp_pkt *p)
{
	free(p->data);
	memset(p, 0, sizeof(*p));
}

static void send_pkt(struct wtp_ap *ap, const uint8_t *data, size_t len)
{
	static uint8_t frag[WTP_PKT_MAX];
	struct capwap_fragmenter f;
	size_t mtu = ap->sim->mtu;
	int n;

	/* Under DTLS each fragment is one record, within the MTU. */
	if (ap->ssl) {
		mtu = wtp_dtls_data_mtu(ap);
		if (!mtu) {
			lsc_warn("%s: no DTLS data MTU for a %zu-byte message: not sent",
				 ap->cn, len);
			return;
		}
	}
	if (capwap_frag_init(&f, data, len, mtu, ++ap->frag_id)) {
		lsc_err("%s: cannot fragment a %zu-byte message", ap->cn, len);
		return;
	}
	while ((n = capwap_frag_next(&f, frag, sizeof(frag))) > 0) {
		if (ap->ssl) {
			/* A failed record is logged, the rest not sent. */
			if (wtp_dtls_send(ap, frag, n))
				return;
			continue;
		}
		/* Losses are the retransmission's business, as on a real link. */
		if (send(ap->io.fd, frag, n, 0) < 0 && errno != ECONNREFUSED)
			lsc_debug("%s: send: %s", ap->cn, strerror(errno));
	}
}

static uint64_t rto(struct wtp_ap *ap)
{
	return (uint64_t)ap->sim->retransmit_ms << ap->retransmits;
}

static void send_request(struct wtp_ap *ap, uint8_t *pkt, size_t len,
			 uint32_t type)
{
	pkt_free(&ap->req);
	ap->req.data = pkt;
	ap->req.len = len;
	ap->req.type = type;
	ap->req.seq = pkt[CAPWAP_HDR_LEN + 4];
	ap->retransmits = 0;
	send_pkt(ap, pkt, len);
	wtp_timer_in(&ap->sim->loop, &ap->timer, rto(ap));
}

static void send_next_queued(struct wtp_ap *ap)
{
	struct wtp_pkt p;

	if (ap->req.data || !ap->nqueue || ap->state != WTP_S_RUN)
		return;
	p = ap->queue[0];
	memmove(ap->queue, ap->queue + 1, --ap->nqueue * sizeof(p));
	send_request(ap, p.data, p.len, p.type);
}

void wtp_ap_request(struct wtp_ap *ap, uint8_t *pkt, size_t len, uint32_t type)
{
	if (!pkt)
		return;
	if (ap->nqueue == WTP_QUEUE_MAX) {
		lsc_warn("%s: request queue full, dropping a request", ap->cn);
		free(pkt);
		return;
	}
	ap->queue[ap->nqueue++] = (struct wtp_pkt){ .data = pkt, .len = len,
						    .type = type };
	send_next_queued(ap);
}

static void clear_session(struct wtp_ap *ap)
{
	struct wtp_loop *l = &ap->sim->loop;

	wtp_timer_stop(l, &ap->timer);
	wtp_timer_stop(l, &ap->echo);
	pkt_free(&ap->req);
	pkt_free(&ap->last_resp);
	while (ap->nqueue)
		pkt_free(&ap->queue[--ap->nqueue]);
	ap->have_last = false;
	ap->reboot_after_event = false;
	wtp_dtls_close(ap);
	if (ap->reasm)
		capwap_reasm_reset(ap->reasm);
}

void wtp_ap_restart(struct wtp_ap *ap, uint64_t delay_ms)
{
	clear_session(ap);
	if (ap->stop) {
		ap->state = WTP_S_DONE;
		return;
	}
	ap->state = WTP_S_IDLE;
	ap->discoveries = 0;
	wtp_timer_in(&ap->sim->loop, &ap->timer, delay_ms);
}

static void notify(struct wtp_ap *ap, enum wtp_event ev)
{
	if (ap->sim->notify)
		ap->sim->notify(ap, ev);
}

static void discover(struct wtp_ap *ap)
{
	size_t len;
	uint8_t *pkt;

	if (ap->discoveries >= WTP_MAX_DISCOVERIES) {
		snprintf(ap->reason, sizeof(ap->reason),
			 "no Discovery Response after %d requests",
			 ap->discoveries);
		notify(ap, WTP_EV_UNREACHABLE);
		ap->state = WTP_S_SULKING;
		ap->discoveries = 0;
		if (!ap->stop)
			wtp_timer_in(&ap->sim->loop, &ap->timer,
				     WTP_SILENT_INTERVAL * 1000);
		return;
	}
	ap->state = WTP_S_DISCOVERY;
	ap->discoveries++;
	pkt = wtp_msg_discovery(ap, &len);
	if (pkt)
		send_pkt(ap, pkt, len);
	free(pkt);
	wtp_timer_in(&ap->sim->loop, &ap->timer,
		     (uint64_t)ap->discovery_interval * 1000);
}

/* The controller stopped answering: the session is over (RFC 5415 4.7). */
static void give_up(struct wtp_ap *ap)
{
	uint32_t type = ap->req.type;
	enum wtp_state was = ap->state;

	lsc_info("%s: no answer to message type %u after %d retransmissions",
		 ap->cn, type, WTP_MAX_RETRANSMIT);
	pkt_free(&ap->req);
	if (type == CAPWAP_MSG_WTP_EVENT_REQ)
		wtp_lsc_event_done(ap, false);
	if (was == WTP_S_JOIN && ap->use_lsc)
		wtp_lsc_join_failed(ap);
	snprintf(ap->reason, sizeof(ap->reason),
		 "controller stopped answering in state %s", wtp_state_name(was));
	notify(ap, WTP_EV_LOST);
	wtp_ap_restart(ap, 0);
}

static void timer_fire(struct wtp_timer *t)
{
	struct wtp_ap *ap = (struct wtp_ap *)((char *)t -
				offsetof(struct wtp_ap, timer));

	switch (ap->state) {
	case WTP_S_IDLE:
	case WTP_S_SULKING:
		discover(ap);
		return;
	case WTP_S_DISCOVERY:
		discover(ap);
		return;
	case WTP_S_DTLS:
		wtp_dtls_timeout(ap);
		return;
	case WTP_S_DONE:
		return;
	default:
		break;
	}
	if (!ap->req.data)
		return;
	if (ap->retransmits >= WTP_MAX_RETRANSMIT ||
	    (ap->state == WTP_S_JOIN && lsc_now_ms() >= ap->req_deadline)) {
		give_up(ap);
		return;
	}
	ap->retransmits++;
	ap->retransmitted++;
	lsc_debug("%s: retransmitting message type %u (seq %u), try %d", ap->cn,
		  ap->req.type, ap->req.seq, ap->retransmits);
	send_pkt(ap, ap->req.data, ap->req.len);
	wtp_timer_in(&ap->sim->loop, &ap->timer, rto(ap));
}

static void echo_fire(struct wtp_timer *t)
{
	struct wtp_ap *ap = (struct wtp_ap *)((char *)t -
				offsetof(struct wtp_ap, echo));
	size_t len;
	uint8_t *pkt;

	if (ap->state != WTP_S_RUN)
		return;
	/* An outstanding request already proves the session alive. */
	if (ap->req.data || ap->nqueue) {
		wtp_timer_in(&ap->sim->loop, &ap->echo, 1000);
		return;
	}
	/* The event keeps the session alive as an Echo would. */
	if (wtp_lsc_resend_csr(ap)) {
		wtp_timer_in(&ap->sim->loop, &ap->echo,
			     (uint64_t)ap->echo_interval * 1000);
		return;
	}
	pkt = wtp_msg_echo(ap, &len);
	if (pkt)
		send_request(ap, pkt, len, CAPWAP_MSG_ECHO_REQ);
}

static int result_code(const struct capwap_msg *msg)
{
	struct capwap_elem e;
	uint32_t rc;

	if (capwap_find_elem(msg, CAPWAP_ELEM_RESULT_CODE, &e) ||
	    capwap_elem_get_u32(&e, &rc))
		return -1;
	return (int)rc;
}

static void take_ac_name(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	struct capwap_elem e;

	if (capwap_find_elem(msg, CAPWAP_ELEM_AC_NAME, &e) || !e.len ||
	    e.len > CAPWAP_MAX_NAME_LEN || memchr(e.val, 0, e.len))
		return;
	memcpy(ap->ac_name, e.val, e.len);
	ap->ac_name[e.len] = '\0';
}

static void start_join(struct wtp_ap *ap)
{
	size_t len;
	uint8_t *pkt;

	if (ap->sim->dtls && !ap->dtls_up) {
		ap->state = WTP_S_DTLS;
		/* No clear-text fragment may complete a message inside DTLS. */
		if (ap->reasm)
			capwap_reasm_reset(ap->reasm);
		if (wtp_dtls_connect(ap))
			wtp_ap_dtls_done(ap, false);
		return;
	}

	RAND_bytes(ap->session_id, sizeof(ap->session_id));
	pkt = wtp_msg_join(ap, &len);
	if (!pkt) {
		wtp_ap_restart(ap, (uint64_t)ap->discovery_interval * 1000);
		return;
	}
	ap->state = WTP_S_JOIN;
	ap->req_deadline = lsc_now_ms() + WTP_WAIT_JOIN * 1000;
	send_request(ap, pkt, len, CAPWAP_MSG_JOIN_REQ);
}

static void next_request(struct wtp_ap *ap, enum wtp_state state,
			 uint8_t *(*build)(struct wtp_ap *, size_t *),
			 uint32_t type)
{
	size_t len;
	uint8_t *pkt = build(ap, &len);

	if (!pkt) {
		wtp_ap_restart(ap, (uint64_t)ap->discovery_interval * 1000);
		return;
	}
	ap->state = state;
	send_request(ap, pkt, len, type);
}

static void join_response(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	int rc = result_code(msg);

	take_ac_name(ap, msg);
	if (rc == CAPWAP_RESULT_SUCCESS || rc == CAPWAP_RESULT_SUCCESS_NAT) {
		next_request(ap, WTP_S_CONFIGURE, wtp_msg_config_status,
			     CAPWAP_MSG_CONFIG_STATUS_REQ);
		return;
	}
	ap->join_result = rc;
	snprintf(ap->reason, sizeof(ap->reason),
		 "join with its %s refused (Result Code %d)",
		 ap->joined_with == CAPWAP_LSC_CERT_LSC ? "LSC" :
		 ap->joined_with == CAPWAP_LSC_CERT_SSC ? "SSC" : "MIC", rc);
	notify(ap, WTP_EV_JOIN_REFUSED);
	if (ap->use_lsc)
		wtp_lsc_join_failed(ap);
	wtp_ap_restart(ap, (uint64_t)ap->discovery_interval * 1000);
}

static void config_status_response(struct wtp_ap *ap,
				   const struct capwap_msg *msg)
{
	struct capwap_elem e;

	if (!capwap_find_elem(msg, CAPWAP_ELEM_TIMERS, &e) && e.len == 2) {
		if (e.val[0])
			ap->discovery_interval = e.val[0];
		if (e.val[1])
			ap->echo_interval = e.val[1];
	}
	next_request(ap, WTP_S_DATA_CHECK, wtp_msg_change_state,
		     CAPWAP_MSG_CHANGE_STATE_REQ);
}

static void enter_run(struct wtp_ap *ap)
{
	ap->state = WTP_S_RUN;
	ap->t_joined = lsc_now_ms();
	wtp_timer_in(&ap->sim->loop, &ap->echo,
		     (uint64_t)ap->echo_interval * 1000);
	wtp_lsc_joined(ap);
	notify(ap, WTP_EV_JOINED);
}

static void handle_response(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	if (msg->type == CAPWAP_MSG_DISCOVERY_RESP) {
		if (ap->state == WTP_S_DISCOVERY) {
			take_ac_name(ap, msg);
			wtp_timer_stop(&ap->sim->loop, &ap->timer);
			start_join(ap);
		}
		return;
	}
	/* Late answers to requests already retransmitted and answered. */
	if (!ap->req.data || msg->type != ap->req.type + 1 ||
	    msg->seq != ap->req.seq)
		return;
	wtp_timer_stop(&ap->sim->loop, &ap->timer);
	pkt_free(&ap->req);
	switch (msg->type) {
	case CAPWAP_MSG_JOIN_RESP:
		join_response(ap, msg);
		break;
	case CAPWAP_MSG_CONFIG_STATUS_RESP:
		config_status_response(ap, msg);
		break;
	case CAPWAP_MSG_CHANGE_STATE_RESP:
		enter_run(ap);
		break;
	case CAPWAP_MSG_ECHO_RESP:
		wtp_timer_in(&ap->sim->loop, &ap->echo,
			     (uint64_t)ap->echo_interval * 1000);
		break;
	case CAPWAP_MSG_WTP_EVENT_RESP:
		if (result_code(msg) > 0)
			wtp_lsc_event_refused(ap, result_code(msg));
		wtp_lsc_event_done(ap, result_code(msg) <= 0);
		break;
	}
	send_next_queued(ap);
}

static void respond(struct wtp_ap *ap, const struct capwap_msg *msg, int rc)
{
	size_t len;
	uint8_t *pkt = wtp_msg_response(msg->type + 1, msg->seq, rc, &len);

	if (!pkt)
		return;
	send_pkt(ap, pkt, len);
	pkt_free(&ap->last_resp);
	ap->last_resp = (struct wtp_pkt){ .data = pkt, .len = len,
					  .type = msg->type + 1,
					  .seq = msg->seq };
	ap->have_last = true;
}

static void handle_request(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	int rc;

	if (ap->have_last && ap->last_resp.seq == msg->seq &&
	    ap->last_resp.type == msg->type + 1) {
		ap->duplicates++;
		send_pkt(ap, ap->last_resp.data, ap->last_resp.len);
		return;
	}
	switch (msg->type) {
	case CAPWAP_MSG_CONFIG_UPDATE_REQ:
		rc = ap->state == WTP_S_RUN ? wtp_lsc_config_update(ap, msg) :
		     CAPWAP_RESULT_UNEXPECTED_STATE;
		respond(ap, msg, rc);
		break;
	case CAPWAP_MSG_RESET_REQ:
		respond(ap, msg, CAPWAP_RESULT_SUCCESS);
		lsc_info("%s: reset by the controller", ap->cn);
		wtp_ap_restart(ap, 0);
		break;
	default:
		respond(ap, msg, CAPWAP_RESULT_UNRECOGNIZED_REQUEST);
		break;
	}
}

static void handle_msg(struct wtp_ap *ap, const struct capwap_msg *msg)
{
	enum capwap_lsc_malformed bad;

	if (capwap_msg_check_mandatory(msg, &bad) ||
	    capwap_lsc_validate(msg, ap->sim->vendor_id, &bad)) {
		ap->malformed++;
		lsc_debug("%s: malformed message type %u (reason %d)", ap->cn,
			  msg->type, bad);
		if (capwap_msg_is_request(msg->type) && ap->state == WTP_S_RUN)
			respond(ap, msg, bad == CAPWAP_LSC_BAD_MISSING_ELEMENT ?
				CAPWAP_RESULT_MISSING_ELEMENT :
				CAPWAP_RESULT_FAILURE);
		return;
	}
	if (capwap_msg_is_request(msg->type)) {
		if (ap->state >= WTP_S_CONFIGURE && ap->state <= WTP_S_RUN)
			handle_request(ap, msg);
		return;
	}
	handle_response(ap, msg);
}

static void handle_datagram(struct wtp_ap *ap, const uint8_t *buf, size_t len)
{
	struct capwap_packet pkt;
	struct capwap_msg msg;
	enum capwap_lsc_malformed bad;

	switch (capwap_parse(buf, len, &pkt)) {
	case CAPWAP_PARSE_OK:
		handle_msg(ap, &pkt.msg);
		return;
	case CAPWAP_PARSE_FRAGMENT:
		break;
	default:
		ap->malformed++;
		return;
	}
	if (!ap->reasm) {
		ap->reasm = malloc(sizeof(*ap->reasm) + CAPWAP_REASM_MAX_LEN);
		if (!ap->reasm)
			return;
		capwap_reasm_init(ap->reasm, (u8 *)(ap->reasm + 1),
				  CAPWAP_REASM_MAX_LEN);
	}
	if (capwap_reasm_add(ap->reasm, &pkt.hdr, pkt.payload, pkt.payload_len,
			     lsc_now_ms(), &bad) != CAPWAP_REASM_DONE)
		return;
	if (capwap_parse_control(ap->reasm->buf, ap->reasm->total, &msg, &bad)) {
		ap->malformed++;
		return;
	}
	handle_msg(ap, &msg);
}

void wtp_ap_dtls_plain(struct wtp_ap *ap, const uint8_t *buf, size_t len)
{
	handle_datagram(ap, buf, len);
}

void wtp_ap_dtls_done(struct wtp_ap *ap, bool ok)
{
	if (ok) {
		start_join(ap);
		return;
	}
	/*
	 * A handshake the controller refused, or no session within WaitDTLS,
	 * while joining with the LSC counts towards the fallback to the
	 * factory certificate, as a refused Join does: unauthenticated, like
	 * a clear-text Join refusal, so it only moves the AP to a certificate
	 * it holds anyway.  The AP's own refusal of the controller's
	 * certificate does not count: its factory certificate would not make
	 * that controller any more trustworthy.
	 */
	bool count = ap->use_lsc && ap->joined_with == CAPWAP_LSC_CERT_LSC &&
		     !ap->dtls_why[0];

	lsc_debug("%s: %s", ap->cn, ap->reason);
	ap->dtls_failures++;
	wtp_dtls_close(ap);
	notify(ap, WTP_EV_DTLS_FAILED);
	if (count)
		wtp_lsc_join_failed(ap);
	wtp_ap_restart(ap, (uint64_t)ap->discovery_interval * 1000);
}

void wtp_ap_dtls_lost(struct wtp_ap *ap)
{
	enum wtp_state was = ap->state;

	lsc_info("%s: %s in state %s", ap->cn, ap->reason, wtp_state_name(was));
	if (ap->req.type == CAPWAP_MSG_WTP_EVENT_REQ && ap->req.data)
		wtp_lsc_event_done(ap, false);
	if (was == WTP_S_JOIN && ap->use_lsc)
		wtp_lsc_join_failed(ap);
	notify(ap, WTP_EV_LOST);
	wtp_ap_restart(ap, 0);
}

/*
 * Under DTLS: a CAPWAP DTLS datagram goes to the session; in clear text
 * only a Discovery Response, while discovering, is taken.
 */
static void take_datagram(struct wtp_ap *ap, const uint8_t *buf, size_t len)
{
	if (!ap->sim->dtls) {
		handle_datagram(ap, buf, len);
		return;
	}
	if (capwap_dtls_parse_header(buf, len) >= 0) {
		wtp_dtls_input(ap, buf, len);
		return;
	}
	/*
	 * A Discovery Response whole in one datagram: no clear-text fragment
	 * reaches the reassembly buffer the session's messages use.
	 */
	if (ap->state == WTP_S_DISCOVERY) {
		struct capwap_packet pkt;

		if (capwap_parse(buf, len, &pkt) == CAPWAP_PARSE_OK &&
		    pkt.msg.type == CAPWAP_MSG_DISCOVERY_RESP) {
			handle_msg(ap, &pkt.msg);
			return;
		}
	}
	ap->clear_dropped++;
	lsc_debug("%s: dropped a clear-text control message in state %s (DTLS is on)",
		  ap->cn, wtp_state_name(ap->state));
}

static void io_ready(struct wtp_io *io)
{
	struct wtp_ap *ap = (struct wtp_ap *)((char *)io -
				offsetof(struct wtp_ap, io));
	static uint8_t buf[65536];
	ssize_t n;

	while (ap->io.fd >= 0 && ap->state != WTP_S_DONE) {
		n = recv(ap->io.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			/* ICMP port unreachable surfaces here; timers cope. */
			if (errno == ECONNREFUSED || errno == EINTR)
				continue;
			return;
		}
		take_datagram(ap, buf, (size_t)n);
	}
}

int wtp_ap_start(struct wtp_ap *ap, uint64_t delay_ms)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* Connected: the kernel drops datagrams from anyone but the AC. */
	if (connect(fd, (struct sockaddr *)&ap->sim->ac, sizeof(ap->sim->ac))) {
		int err = -errno;

		close(fd);
		return err;
	}
	ap->io.fd = fd;
	ap->io.ready = io_ready;
	ap->timer.fire = timer_fire;
	ap->echo.fire = echo_fire;
	ap->discovery_interval = ap->sim->discovery_interval ?
				 ap->sim->discovery_interval :
				 WTP_DISCOVERY_INTERVAL;
	ap->echo_interval = WTP_ECHO_INTERVAL;
	ap->seq = (uint8_t)random();
	ap->t_start = lsc_now_ms();
	if (wtp_loop_add(&ap->sim->loop, &ap->io)) {
		int err = -errno;

		close(fd);
		ap->io.fd = -1;
		return err;
	}
	wtp_ap_restart(ap, delay_ms);
	return 0;
}

void wtp_ap_stop(struct wtp_ap *ap)
{
	ap->stop = true;
	clear_session(ap);
	ap->state = WTP_S_DONE;
}

void wtp_ap_free(struct wtp_ap *ap)
{
	wtp_ap_stop(ap);
	if (ap->io.fd >= 0) {
		wtp_loop_del(&ap->sim->loop, &ap->io);
		close(ap->io.fd);
		ap->io.fd = -1;
	}
	free(ap->reasm);
	ap->reasm = NULL;
	EVP_PKEY_free(ap->factory_key);
	X509_free(ap->factory_cert);
	EVP_PKEY_free(ap->lsc_key);
	X509_free(ap->lsc_cert);
	sk_X509_pop_free(ap->lsc_cas, X509_free);
	free(ap->csr);
	ap->csr = NULL;
	EVP_PKEY_free(ap->new_key);
	sk_X509_pop_free(ap->new_cas, X509_free);
	ap->factory_key = ap->lsc_key = ap->new_key = NULL;
	ap->factory_cert = ap->lsc_cert = NULL;
	ap->lsc_cas = ap->new_cas = NULL;
}
