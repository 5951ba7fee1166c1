/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_H
#define _CAPWAP_LSC_H

/* The module-wide parameters, defined in main.c. */
extern unsigned short capwap_lsc_port;
extern unsigned int capwap_lsc_vendor_id;

#endif /* _CAPWAP_LSC_H */
