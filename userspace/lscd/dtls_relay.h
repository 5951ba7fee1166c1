/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lscd's side of the module's DTLS relay (docs/PROTOCOL.md section 6.9):
 * it joins the admin-only genl group "dtls", feeds the datagrams the
 * module relays (peers without keys) to the handshake engine of
 * dtls_engine.c, one association per peer address and port, sends the
 * engine's flights back with DTLS_SEND and, once a handshake completes
 * with an accepted certificate, hands the key block and the identity the
 * verdict bound (the MAC of the certificate's CN, its type) to the kernel
 * with DTLS_KEYS.  The module keeps the records from there on.
 *
 * The server's certificate is the controller's LSC when lscd holds one,
 * else its self-signed signing certificate; the verdict trusts the LSC CA
 * lscd uses, the manufacturer CAs of mic_ca_file and the SSC keys of
 * ssc_allow_file.  When the module's DTLS mode is off nothing is relayed
 * and none of this does anything.
 */
#ifndef LSCD_DTLS_RELAY_H
#define LSCD_DTLS_RELAY_H

#include <stdint.h>

struct lscd;
struct lscd_dtls_relay;

/* Joins "dtls"; a failure is logged and leaves the relay off (-errno). */
int lscd_dtls_relay_open(struct lscd *d);
/* The module came back: its group again. */
void lscd_dtls_relay_rejoin(struct lscd *d);
/*
 * The credential or the trust changed (the controller's LSC, the CA, a
 * reload): the engine is built again once no handshake is in progress.
 */
void lscd_dtls_relay_stale(struct lscd *d);
/* -1 when the relay is off. */
int lscd_dtls_relay_fd(const struct lscd *d);
/* Everything queued on the socket. */
void lscd_dtls_relay_process(struct lscd *d);
/*
 * Retransmissions, deadlines, the cookie secret and the counters' log
 * line; returns the next time (lsc_now_ms) it wants to run, at most @next.
 */
uint64_t lscd_dtls_relay_tick(struct lscd *d, uint64_t now, uint64_t next);
/* Logs the counters, fails what is in progress, frees. */
void lscd_dtls_relay_close(struct lscd *d);

#endif /* LSCD_DTLS_RELAY_H */
