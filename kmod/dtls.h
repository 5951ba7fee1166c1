/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_DTLS_H
#define _CAPWAP_LSC_DTLS_H

#include <linux/types.h>

#include "ap.h"

struct netlink_ext_ack;

int capwap_lsc_dtls_init(void);
/* After the socket, the genl family and the AP records are gone. */
void capwap_lsc_dtls_uninit(void);

/* enum capwap_lsc_dtls_mode */
u8 capwap_lsc_dtls_mode(void);
void capwap_lsc_dtls_set_mode(u8 mode);

/*
 * A datagram that starts with the CAPWAP DTLS header, from the socket, in
 * softirq: opened with the peer's keys, or relayed to lscd.
 */
void capwap_lsc_dtls_input(const u8 *buf, size_t len,
			   const struct capwap_lsc_peer *peer);
/* Whether @peer has keys: its clear-text messages are not taken. */
bool capwap_lsc_dtls_active(const struct capwap_lsc_peer *peer);
/*
 * The send callback of a session that joined over DTLS: seals @pkt in one
 * application data record.  Never sends in clear: -ENOTCONN once the
 * peer's keys are gone.
 */
int capwap_lsc_dtls_send(const struct capwap_lsc_peer *peer, const u8 *pkt,
			 size_t len);
/* The identity lscd bound to @peer's handshake; -ENOENT without keys. */
int capwap_lsc_dtls_identity(const struct capwap_lsc_peer *peer, u8 *mac,
			     u8 *cert_type);

/* Process context, from the genl commands of the same names. */
int capwap_lsc_dtls_send_records(const struct capwap_lsc_peer *peer,
				 const u8 *records, size_t len);
int capwap_lsc_dtls_set_keys(const struct capwap_lsc_peer *peer,
			     const u8 *block, size_t len, const u8 *mac,
			     u8 cert_type, struct netlink_ext_ack *extack);
int capwap_lsc_dtls_close(const struct capwap_lsc_peer *peer);

#endif /* _CAPWAP_LSC_DTLS_H */
