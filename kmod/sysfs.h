/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_SYSFS_H
#define _CAPWAP_LSC_SYSFS_H

struct capwap_lsc_ap;

int capwap_lsc_sysfs_init(void);
void capwap_lsc_sysfs_uninit(void);

/* Process context only: kobjects sleep. */
void capwap_lsc_sysfs_add_ap(struct capwap_lsc_ap *ap);
void capwap_lsc_sysfs_del_ap(struct capwap_lsc_ap *ap);
/* Shows or hides the AP's DTLS files, as its session is now. */
void capwap_lsc_sysfs_update_ap(struct capwap_lsc_ap *ap);

#endif /* _CAPWAP_LSC_SYSFS_H */
