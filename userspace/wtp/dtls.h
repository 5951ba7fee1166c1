/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AP's DTLS 1.2 client (RFC 5415 sections 2.3 and 4.2): every control
 * message after Discovery travels inside a DTLS session, the AP presenting
 * its LSC (else its MIC or SSC) and verifying the controller's certificate
 * back.  One SSL object per AP over memory BIOs: the fleet owns the sockets
 * and the timers, OpenSSL only sees datagrams.
 */
#ifndef WTP_DTLS_H
#define WTP_DTLS_H

#include <stddef.h>
#include <stdint.h>

struct wtp_ap;
struct wtp_sim;

struct wtp_dtls_opts {
	const char *controller_ca;	/* PEM: anchors before the AP has an LSC */
	const char *controller_name;	/* required: the controller's identity */
	const char *keylog;		/* NSS key log file, NULL: none */
	const char *suites;		/* OpenSSL cipher list, NULL: ours */
};

/* One context for the whole process: 0, or -1 with the reason logged. */
int wtp_dtls_setup(struct wtp_sim *sim, const struct wtp_dtls_opts *o);
void wtp_dtls_teardown(struct wtp_sim *sim);

/* Starts the handshake (sends the ClientHello): 0, or -1 with ap->reason. */
int wtp_dtls_connect(struct wtp_ap *ap);
/*
 * One CAPWAP DTLS datagram from the controller.  Drives the handshake
 * and calls back wtp_ap_dtls_done() (session.c) once it ends, or hands
 * each application record's plaintext to wtp_ap_dtls_plain().
 */
void wtp_dtls_input(struct wtp_ap *ap, const uint8_t *dgram, size_t len);
/* The retransmission timer fired (DTLSv1_handle_timeout). */
void wtp_dtls_timeout(struct wtp_ap *ap);
/* One CAPWAP packet out as one application data record. */
int wtp_dtls_send(struct wtp_ap *ap, const uint8_t *data, size_t len);
/* The largest CAPWAP packet one record carries within the MTU. */
size_t wtp_dtls_data_mtu(struct wtp_ap *ap);
/* Sends close_notify when the session is up, and frees the SSL object. */
void wtp_dtls_close(struct wtp_ap *ap);

#endif /* WTP_DTLS_H */
