/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_SRCLIMIT_H
#define _CAPWAP_LSC_SRCLIMIT_H

#include <linux/types.h>

int capwap_lsc_srclimit_init(void);
/* Atomic context: whether a Join from @saddr may be handled now. */
bool capwap_lsc_srclimit_join(__be32 saddr);
/*
 * Atomic context.  Whether a DTLS datagram from @saddr may be relayed to
 * lscd or answered, by its address's bucket.  Then, for all sources
 * together: whether a datagram may be relayed (relay_total); one from an
 * unproven peer while the module answers cookies (relay_unproven);
 * whether a ClientHello may be answered with a cookie (answer).
 */
bool capwap_lsc_srclimit_relay(__be32 saddr);
bool capwap_lsc_srclimit_relay_total(void);
bool capwap_lsc_srclimit_relay_unproven(void);
bool capwap_lsc_srclimit_answer(void);

#endif /* _CAPWAP_LSC_SRCLIMIT_H */
