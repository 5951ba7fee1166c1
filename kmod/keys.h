/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_KEYS_H
#define _CAPWAP_LSC_KEYS_H

struct capwap_lsc_ap;

int capwap_lsc_keys_init(void);
void capwap_lsc_keys_uninit(void);

/* Process context: key creation allocates and may sleep. */
void capwap_lsc_keys_add_ap(struct capwap_lsc_ap *ap);
void capwap_lsc_keys_del_ap(struct capwap_lsc_ap *ap);

/* The names the key descriptions and sysfs use for the uapi enums. */
const char *capwap_lsc_state_name(unsigned int state);
const char *capwap_lsc_cert_name(unsigned int type);

#endif /* _CAPWAP_LSC_KEYS_H */
