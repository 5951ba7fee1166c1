/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_SOCKET_H
#define _CAPWAP_LSC_SOCKET_H

int capwap_lsc_socket_init(void);
void capwap_lsc_socket_uninit(void);

#endif /* _CAPWAP_LSC_SOCKET_H */
