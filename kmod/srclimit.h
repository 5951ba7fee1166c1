/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_SRCLIMIT_H
#define _CAPWAP_LSC_SRCLIMIT_H

#include <linux/types.h>

int capwap_lsc_srclimit_init(void);
/* Atomic context: whether a Join from @saddr may be handled now. */
bool capwap_lsc_srclimit_join(__be32 saddr);
/*
 * Atomic context: whether a DTLS datagram from @saddr may go to lscd, by
 * its address's bucket; and, for a peer that has not returned a cookie,
 * by the bucket for all sources together.
 */
bool capwap_lsc_srclimit_relay(__be32 saddr);
bool capwap_lsc_srclimit_relay_total(void);

#endif /* _CAPWAP_LSC_SRCLIMIT_H */
