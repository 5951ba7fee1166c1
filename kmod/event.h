/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_EVENT_H
#define _CAPWAP_LSC_EVENT_H

#include <linux/types.h>
#include <linux/capwap_lsc.h>

struct capwap_lsc_ap;
struct sk_buff;

/*
 * One event as an AP's record keeps it: 16 bytes, CAPWAP_LSC_HISTORY_LEN
 * of them per AP.  @val and @aux mean what enum capwap_lsc_event_type
 * says of the type (capwap_lsc_event_put() names them).
 */
struct capwap_lsc_hist {
	u64 time;		/* ns since the epoch */
	u8 type;		/* enum capwap_lsc_event_type */
	u8 val;
	u8 aux;
	/* a Join's source address (its port does not fit), else 0 */
	__be32 addr;
};

/* What the monitor and the tracepoints get besides the kept part. */
struct capwap_lsc_ev {
	u8 type;
	u8 val;
	u8 aux;
	__be32 addr;		/* a Join's source address */
	u64 request_id;		/* 0: none */
	const char *reason;	/* NULL or "": none */
};

/*
 * Records @ev in the AP's history and passes it on to the tracepoints
 * and the "monitor" listeners.  Called with ap->lock held, in any
 * context: it neither sleeps nor waits for a listener.
 */
void capwap_lsc_event(struct capwap_lsc_ap *ap, const struct capwap_lsc_ev *ev);

static inline void capwap_lsc_event3(struct capwap_lsc_ap *ap, u8 type,
				     u8 val, u8 aux)
{
	struct capwap_lsc_ev ev = { .type = type, .val = val, .aux = aux };

	capwap_lsc_event(ap, &ev);
}

/* ap->state = @state, an event when it moves; ap->lock held. */
void capwap_lsc_set_state(struct capwap_lsc_ap *ap, u8 state);
/* ap->session = @session, an event when it moves; ap->lock held. */
void capwap_lsc_set_session(struct capwap_lsc_ap *ap, u8 session);

/*
 * The TYPE, TIME and what @h carries as CAPWAP_LSC_EV_A_* attributes into
 * @msg (the caller opened the nest).
 */
int capwap_lsc_event_put(struct sk_buff *msg, const struct capwap_lsc_hist *h);
/* The AP's history, oldest first, as nest @attr of @msg; takes ap->lock. */
int capwap_lsc_history_put(struct sk_buff *msg, struct capwap_lsc_ap *ap,
			   int attr);

#endif /* _CAPWAP_LSC_EVENT_H */
