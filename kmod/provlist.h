/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_PROVLIST_H
#define _CAPWAP_LSC_PROVLIST_H

#include <linux/types.h>

void capwap_lsc_provlist_uninit(void);

int capwap_lsc_provlist_add(const u8 *mac);
int capwap_lsc_provlist_del(const u8 *mac);
void capwap_lsc_provlist_flush(void);
/* Any context. */
bool capwap_lsc_provlist_contains(const u8 *mac);
unsigned int capwap_lsc_provlist_count(void);
/* Fills @macs with up to @max MACs, back to back; returns how many. */
unsigned int capwap_lsc_provlist_copy(u8 *macs, unsigned int max);

#endif /* _CAPWAP_LSC_PROVLIST_H */
