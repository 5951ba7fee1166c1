/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_H
#define _CAPWAP_LSC_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/capwap_lsc.h>

extern unsigned short capwap_lsc_port;
extern unsigned int capwap_lsc_vendor_id;

int capwap_lsc_keys_init(void);
void capwap_lsc_keys_uninit(void);
const char *capwap_lsc_state_name(unsigned int state);
const char *capwap_lsc_cert_name(unsigned int type);

int capwap_lsc_sysfs_init(void);
void capwap_lsc_sysfs_uninit(void);

int capwap_lsc_socket_init(void);
void capwap_lsc_socket_uninit(void);

int capwap_lsc_genl_init(void);
void capwap_lsc_genl_uninit(void);
/* Multicasts CERT_REQUEST on "events"; -ESRCH when nobody listens. */
bool capwap_lsc_genl_listening(void);
int capwap_lsc_genl_announce(u64 id, const u8 *mac, gfp_t gfp);

#endif /* _CAPWAP_LSC_H */
