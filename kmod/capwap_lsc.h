/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_H
#define _CAPWAP_LSC_H

#include <linux/types.h>
#include <linux/capwap_lsc.h>

extern unsigned short capwap_lsc_port;
extern unsigned int capwap_lsc_vendor_id;

int capwap_lsc_keys_init(void);
void capwap_lsc_keys_uninit(void);

int capwap_lsc_sysfs_init(void);
void capwap_lsc_sysfs_uninit(void);

int capwap_lsc_socket_init(void);
void capwap_lsc_socket_uninit(void);
u64 capwap_lsc_socket_rx_packets(void);

int capwap_lsc_genl_init(void);
void capwap_lsc_genl_uninit(void);

#endif /* _CAPWAP_LSC_H */
