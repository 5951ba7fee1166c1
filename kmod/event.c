// SPDX-License-Identifier: GPL-2.0
/*
 * What happens to each AP, told three ways at once: a short history in
 * the AP's record (lscctl show ap), the "monitor" multicast group (lscctl
 * monitor) and the tracepoints of trace.h.  Callers hold the AP's lock,
 * often in softirq: the history is a fixed ring inside the record, the
 * multicast allocates with GFP_ATOMIC only while someone listens and
 * drops the message rather than wait, and a tracepoint costs a branch
 * while it is off.
 */

#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "ap.h"
#include "event.h"
#include "netlink.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static void trace_one(const struct capwap_lsc_ap *ap,
		      const struct capwap_lsc_ev *ev)
{
	const u8 *m = ap->mac;
	u64 id = ev->request_id;
	const char *r = ev->reason;

	switch (ev->type) {
	case CAPWAP_LSC_EV_JOIN:
		trace_capwap_lsc_join(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_SESSION:
		trace_capwap_lsc_session(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_STATE:
		trace_capwap_lsc_state(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_CERT_REQUEST:
		trace_capwap_lsc_cert_request(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_ENROLL:
		trace_capwap_lsc_enroll(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_DELIVERY:
		trace_capwap_lsc_delivery(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_INSTALL:
		trace_capwap_lsc_install(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_ATTEMPT_FAILED:
		trace_capwap_lsc_attempt_failed(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_FALLBACK:
		trace_capwap_lsc_fallback(m, ev->val, ev->aux, id, r);
		break;
	case CAPWAP_LSC_EV_SESSION_END:
		trace_capwap_lsc_session_end(m, ev->val, ev->aux, id, r);
		break;
	}
}

void capwap_lsc_event(struct capwap_lsc_ap *ap, const struct capwap_lsc_ev *ev)
{
	struct capwap_lsc_hist *h;

	/* The ring's cursors are u8. */
	BUILD_BUG_ON(CAPWAP_LSC_HISTORY_LEN > 255);
	/* 16 of them in every AP record: the address took the padding. */
	BUILD_BUG_ON(sizeof(struct capwap_lsc_hist) != 16);
	lockdep_assert_held(&ap->lock);
	h = &ap->hist[ap->hist_next];
	h->time = ktime_get_real_ns();
	h->type = ev->type;
	h->val = ev->val;
	h->aux = ev->aux;
	h->addr = ev->addr;
	ap->hist_next = (ap->hist_next + 1) % CAPWAP_LSC_HISTORY_LEN;
	if (ap->hist_len < CAPWAP_LSC_HISTORY_LEN)
		ap->hist_len++;
	trace_one(ap, ev);
	capwap_lsc_genl_event(ap->mac, h, ev);
}

void capwap_lsc_set_state(struct capwap_lsc_ap *ap, u8 state)
{
	u8 old = ap->state;

	ap->state = state;
	if (old != state)
		capwap_lsc_event3(ap, CAPWAP_LSC_EV_STATE, state, old);
}

void capwap_lsc_set_session(struct capwap_lsc_ap *ap, u8 session)
{
	u8 old = ap->session;

	ap->session = session;
	if (old != session)
		capwap_lsc_event3(ap, CAPWAP_LSC_EV_SESSION, session, old);
}

/*
 * The AP's last events, oldest first, written under its lock straight
 * into @msg (nla_put() neither sleeps nor allocates): the history and the
 * record beside it in GET_AP are one moment's.  At most
 * CAPWAP_LSC_HISTORY_LEN nests of at most 64 bytes (a Join's with its
 * address), about 1 KiB in all, so an AP's message stays far below NLMSG_GOODSIZE.
 */
int capwap_lsc_history_put(struct sk_buff *msg, struct capwap_lsc_ap *ap,
			   int attr)
{
	struct nlattr *list, *ev;
	unsigned int i, n, first;
	int ret = -EMSGSIZE;

	spin_lock_bh(&ap->lock);
	n = ap->hist_len;
	first = (ap->hist_next + CAPWAP_LSC_HISTORY_LEN - n) %
		CAPWAP_LSC_HISTORY_LEN;
	list = nla_nest_start(msg, attr);
	if (!list)
		goto out;
	for (i = 0; i < n; i++) {
		ev = nla_nest_start(msg, CAPWAP_LSC_A_EVENT);
		if (!ev || capwap_lsc_event_put(msg,
				&ap->hist[(first + i) % CAPWAP_LSC_HISTORY_LEN]))
			goto out;
		nla_nest_end(msg, ev);
	}
	nla_nest_end(msg, list);
	ret = 0;
out:
	spin_unlock_bh(&ap->lock);
	return ret;
}

int capwap_lsc_event_put(struct sk_buff *msg, const struct capwap_lsc_hist *h)
{
	int a = 0, b = 0;

	if (nla_put_u8(msg, CAPWAP_LSC_EV_A_TYPE, h->type) ||
	    nla_put_u64_64bit(msg, CAPWAP_LSC_EV_A_TIME, h->time,
			      CAPWAP_LSC_EV_A_PAD))
		return -EMSGSIZE;
	/* The attributes @val and @aux stand for, by type (the uapi says). */
	switch (h->type) {
	case CAPWAP_LSC_EV_JOIN: {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = h->addr,
		};

		a = CAPWAP_LSC_EV_A_CERT_TYPE;
		b = CAPWAP_LSC_EV_A_AUTHENTICATED;
		if (nla_put(msg, CAPWAP_LSC_EV_A_ADDR, sizeof(sin), &sin))
			return -EMSGSIZE;
		break;
	}
	case CAPWAP_LSC_EV_SESSION:
		a = CAPWAP_LSC_EV_A_SESSION;
		b = CAPWAP_LSC_EV_A_OLD_SESSION;
		break;
	case CAPWAP_LSC_EV_STATE:
		a = CAPWAP_LSC_EV_A_STATE;
		b = CAPWAP_LSC_EV_A_OLD_STATE;
		break;
	case CAPWAP_LSC_EV_CERT_REQUEST:
		a = CAPWAP_LSC_EV_A_ATTEMPT;
		if (nla_put_u32(msg, CAPWAP_LSC_EV_A_FLAGS,
				h->aux ? CAPWAP_LSC_F_RENEWAL : 0))
			return -EMSGSIZE;
		break;
	case CAPWAP_LSC_EV_ENROLL:
	case CAPWAP_LSC_EV_INSTALL:
		a = CAPWAP_LSC_EV_A_RESULT;
		break;
	case CAPWAP_LSC_EV_ATTEMPT_FAILED:
		a = CAPWAP_LSC_EV_A_RESULT;
		b = CAPWAP_LSC_EV_A_ATTEMPT;
		break;
	case CAPWAP_LSC_EV_FALLBACK:
		a = CAPWAP_LSC_EV_A_ATTEMPT;
		break;
	case CAPWAP_LSC_EV_SESSION_END:
		a = CAPWAP_LSC_EV_A_END_REASON;
		b = CAPWAP_LSC_EV_A_OLD_SESSION;
		break;
	}
	if ((a && nla_put_u8(msg, a, h->val)) ||
	    (b && nla_put_u8(msg, b, h->aux)))
		return -EMSGSIZE;
	return 0;
}
