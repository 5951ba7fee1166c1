/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_CONTROL_H
#define _CAPWAP_LSC_CONTROL_H

#include "ap.h"

extern unsigned int capwap_lsc_mtu;

int capwap_lsc_control_init(void);
void capwap_lsc_control_uninit(void);

/*
 * The demux and state machine entry point: one received datagram, from
 * the UDP socket or any other transport.  Atomic context; @buf is only
 * read during the call.
 */
void capwap_lsc_control_input(const u8 *buf, size_t len,
			      const struct capwap_lsc_peer *peer,
			      capwap_lsc_send_t send);

/*
 * The plaintext of one application data record that authenticated with
 * @peer's DTLS keys; answers go out sealed.  Atomic context.
 */
void capwap_lsc_control_input_sealed(const u8 *buf, size_t len,
				     const struct capwap_lsc_peer *peer);
/* @peer's DTLS association ended: so does a session it carried. */
void capwap_lsc_control_dtls_closed(const struct capwap_lsc_peer *peer,
				    u8 why);
void capwap_lsc_control_end_clear(void);

/* Called with ap->lock held; takes ownership of @pkt (kmalloc'd). */
int capwap_lsc_control_request(struct capwap_lsc_ap *ap, u8 *pkt,
			       size_t len);
/*
 * Also with ap->lock held, for a request its caller keeps (and may send
 * again): @pkt stays the caller's until capwap_lsc_control_release(),
 * which frees it at once, or when it stops being the outstanding request.
 */
int capwap_lsc_control_request_lent(struct capwap_lsc_ap *ap, u8 *pkt,
				    size_t len);
void capwap_lsc_control_release(struct capwap_lsc_ap *ap, u8 *pkt);
u8 capwap_lsc_control_next_seq(struct capwap_lsc_ap *ap);

void capwap_lsc_control_retransmit(struct capwap_lsc_ap *ap);

/* How long a session may go without a message from its AP. */
unsigned long capwap_lsc_control_dead_interval(void);
/*
 * Ends @ap's session, counted like an unanswered request, when it has
 * been silent for longer than the dead interval at jiffies @now (low 32
 * bits).  Returns whether it did.
 */
bool capwap_lsc_control_expire_silent(struct capwap_lsc_ap *ap, u32 now);
/* Ends the session, uncounted, with ap->lock held; the address stays. */
/* @why: enum capwap_lsc_end_reason, for the AP's history. */
void capwap_lsc_control_teardown_locked(struct capwap_lsc_ap *ap, u8 why);
void capwap_lsc_control_verify_join(struct capwap_lsc_ap *ap);

#endif /* _CAPWAP_LSC_CONTROL_H */
