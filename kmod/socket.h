/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_SOCKET_H
#define _CAPWAP_LSC_SOCKET_H

int capwap_lsc_socket_init(void);
void capwap_lsc_socket_uninit(void);

struct capwap_lsc_peer;
/*
 * Sends one datagram from the control port, with bottom halves off; the
 * send callback of clear-text sessions, and what DTLS sends through.
 */
int capwap_lsc_socket_send(const struct capwap_lsc_peer *peer,
			   const u8 *pkt, size_t len);

#endif /* _CAPWAP_LSC_SOCKET_H */
