/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_LSC_H
#define _CAPWAP_LSC_LSC_H

#include <linux/types.h>

struct capwap_lsc_ap;
struct capwap_lsc_delivery;
struct capwap_lsc_issued;
struct capwap_msg;

/* Hooks from the control state machine, with ap->lock held. */
void capwap_lsc_prov_run(struct capwap_lsc_ap *ap);
/*
 * A WTP Event Request in Run: the Result Code its response must carry
 * (a refused CSR), or -1 for none.  Call capwap_lsc_prov_kick() once the
 * response is out.
 */
int capwap_lsc_prov_event(struct capwap_lsc_ap *ap,
			  const struct capwap_msg *msg);
/* Sends whatever the AP's state asks for next, if nothing is in flight. */
void capwap_lsc_prov_kick(struct capwap_lsc_ap *ap);
/*
 * From the queue: no helper took the AP's request @id within @secs.
 * False when the AP no longer waits for it.
 */
bool capwap_lsc_prov_expire(struct capwap_lsc_ap *ap, u64 id,
			    unsigned int secs);
void capwap_lsc_prov_response(struct capwap_lsc_ap *ap, u32 type,
			      u32 result);
void capwap_lsc_prov_session_down(struct capwap_lsc_ap *ap);
void capwap_lsc_prov_note_error(struct capwap_lsc_ap *ap, const char *why);
const char *capwap_lsc_prov_last_error(const struct capwap_lsc_ap *ap);
/* From the record's last free, when nobody else can see it. */
void capwap_lsc_prov_free(struct capwap_lsc_ap *ap);
/* An enrollment of the AP is queued, with lscd, or being delivered. */
bool capwap_lsc_prov_busy(const struct capwap_lsc_ap *ap);
/* The record goes away: no request, CSR or certificate of it remains. */
void capwap_lsc_prov_forget(struct capwap_lsc_ap *ap);
/* ap->lock held: false when nothing is known of the AP's LSC. */
bool capwap_lsc_prov_issued(const struct capwap_lsc_ap *ap,
			    struct capwap_lsc_issued *out);

/*
 * Process context: lscd completed the AP's request @id with delivery @d
 * (success, taken over) or failed it with @reason.  -ESTALE, and @d
 * freed, when the AP no longer waits for that request.
 */
int capwap_lsc_prov_complete(struct capwap_lsc_ap *ap, u64 id,
			     struct capwap_lsc_delivery *d, u8 result,
			     const char *reason);
/* @mac NULL: every AP in Run with an LSC or that gave up. */
int capwap_lsc_renew(const u8 *mac);
/*
 * The settings changed: APs in Run get what their state now asks for.
 * @mac NULL: all of them.
 */
void capwap_lsc_rekick(const u8 *mac);

#endif /* _CAPWAP_LSC_LSC_H */
