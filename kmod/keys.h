/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_KEYS_H
#define _CAPWAP_LSC_KEYS_H

struct capwap_lsc_ap;

void capwap_lsc_keys_add_ap(struct capwap_lsc_ap *ap);
void capwap_lsc_keys_del_ap(struct capwap_lsc_ap *ap);

#endif /* _CAPWAP_LSC_KEYS_H */
