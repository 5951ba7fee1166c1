/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_NETLINK_H
#define _CAPWAP_LSC_NETLINK_H

#include <linux/types.h>
#include <linux/gfp.h>

int capwap_lsc_genl_init(void);
void capwap_lsc_genl_uninit(void);
/* Someone listens on "events". */
bool capwap_lsc_genl_listening(void);
/* Multicasts CERT_REQUEST on "events"; -ESRCH when nobody listens. */
int capwap_lsc_genl_announce(u64 id, const u8 *mac, gfp_t gfp);

struct capwap_lsc_hist;
struct capwap_lsc_ev;
/* Multicasts one event on "monitor" when someone listens; never waits. */
void capwap_lsc_genl_event(const u8 *mac, const struct capwap_lsc_hist *h,
			   const struct capwap_lsc_ev *ev);
struct capwap_lsc_peer;
/* Someone listens on "dtls". */
bool capwap_lsc_genl_dtls_listening(void);
/* Atomic context: multicasts DTLS_RELAY with @records on "dtls". */
int capwap_lsc_genl_dtls_relay(const struct capwap_lsc_peer *peer,
			       const u8 *records, size_t len);
/* Atomic context: multicasts DTLS_CLOSE, the kernel ended @peer's keys. */
void capwap_lsc_genl_dtls_closed(const struct capwap_lsc_peer *peer);

#endif /* _CAPWAP_LSC_NETLINK_H */
