/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The controller's DTLS 1.2 handshake engine (docs/PROTOCOL.md section
 * 6.7): OpenSSL 3 as a server over memory BIOs, fed the CAPWAP DTLS
 * datagrams of one peer at a time and giving back the datagrams to send.
 * It does no I/O; its clock (the monotonic one unless the caller gives
 * another) times each handshake's hard deadline, and OpenSSL's
 * retransmission timer is driven by the caller.
 *
 * A datagram from an address with no association goes to
 * lscd_dtls_listen(), which keeps nothing for it: a ClientHello without a
 * valid cookie is answered with a HelloVerifyRequest computed from the
 * address and a secret (RFC 6347 section 4.2.1), so that spoofed
 * ClientHellos cost one HMAC each and no memory.  Only a ClientHello that
 * returns the cookie creates an association (struct lscd_dtls_conn),
 * which then takes the peer's datagrams until the handshake completes or
 * fails.  The peer's certificate is judged by dtls_peer.c in the verify
 * callback; on completion lscd_dtls_conn_handover() gives the key block
 * of dtls_keys.c.
 *
 * Datagrams in and out carry the 4-byte CAPWAP DTLS header (RFC 5415
 * section 4.2): the caller relays whole datagrams.
 */
#ifndef LSCD_DTLS_ENGINE_H
#define LSCD_DTLS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <openssl/ssl.h>

#include "dtls_peer.h"
#include "wire_dtls.h"

/*
 * The suites of RFC 5415 and of Cisco's controllers: ECDHE with AES-GCM
 * (the kernel's record layer), and the mandatory TLS_RSA_WITH_AES_128_CBC_SHA
 * with TLS_DHE_RSA_WITH_AES_128_CBC_SHA (records kept by lscd).
 */
#define LSCD_DTLS_DEFAULT_SUITES \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"AES128-SHA:DHE-RSA-AES128-SHA"

#define LSCD_DTLS_MAX_CREDS 2

struct lscd_dtls_server_conf {
	/* A reference is taken; the caller may put its own. */
	struct lscd_dtls_policy *policy;
	/* The controller's certificates: one RSA and one ECDSA at most. */
	struct {
		X509 *cert;
		EVP_PKEY *key;
		STACK_OF(X509) *chain;	/* sent after it, may be NULL */
	} creds[LSCD_DTLS_MAX_CREDS];
	unsigned int ncreds;
	const char *suites;		/* OpenSSL's syntax; NULL: the default */
	unsigned int mtu;		/* UDP payload; 0: 1400 */
	unsigned int max_half_open;	/* associations in handshake; 0: 1024 */
	/* Of those, from one IP (any port): one host must not take them all. */
	unsigned int max_half_open_per_ip;	/* 0: 8 */
	/*
	 * From the cookie's return to the end of the handshake, at most
	 * (RFC 5415 section 4.7's WaitDTLS); past it the association fails
	 * (LSCD_DTLS_TIMEOUT) and leaves the caps, whatever OpenSSL's
	 * retransmission count (12 timeouts, some 7 minutes).
	 */
	unsigned int handshake_timeout_ms;	/* 0: 60000 */
	/* Milliseconds of a monotonic clock; NULL: CLOCK_MONOTONIC. */
	uint64_t (*clock)(void *arg);
	void *clock_arg;
	/* The kernel's first epoch-1 sequence number above OpenSSL's last. */
	uint64_t tx_gap;		/* 0: 4096 */
};

/*
 * Every failed association is one of RFC 5415's DTLSEstablishFail events
 * (FailedDTLSSessionCount: the sum of failed[]); auth_fail counts those
 * that are also DTLSAuthenticateFail (FailedDTLSAuthFailCount).
 */
struct lscd_dtls_stats {
	uint64_t hello_verify;		/* HelloVerifyRequests sent */
	uint64_t cookie_refused;	/* ClientHellos with a wrong or old cookie */
	uint64_t busy;			/* cookies that came back above the cap */
	uint64_t busy_ip;		/* ... above the cap of their IP */
	uint64_t started;		/* associations created */
	uint64_t completed;
	uint64_t failed[__LSCD_DTLS_CNT_MAX];	/* by counter of dtls_peer.h */
	uint64_t auth_fail;		/* FailedDTLSAuthFailCount */
	uint64_t half_open;		/* associations in handshake now */
};

struct lscd_dtls_server;
struct lscd_dtls_conn;

/* NULL with the reason in @why (a suite that cannot be handed over, ...). */
struct lscd_dtls_server *lscd_dtls_server_new(const struct lscd_dtls_server_conf *conf,
					      char *why, size_t size);
/*
 * The controller's certificates, the suites and the policy of @conf (its
 * other fields are the server's from lscd_dtls_server_new()) for every
 * association made from now on.  Those in progress finish on the context
 * and the policy they started with, which the last of them frees.  On a
 * failure (the reason in @why), or with @conf NULL, no new handshake is
 * answered until a reload succeeds: a change that did not build must not
 * leave the old trust in use.  0 or -errno.
 */
int lscd_dtls_server_reload(struct lscd_dtls_server *s,
			    const struct lscd_dtls_server_conf *conf,
			    char *why, size_t size);
/* Every association must have been freed before. */
void lscd_dtls_server_free(struct lscd_dtls_server *s);
/*
 * A new cookie secret.  Cookies made under the one before still verify,
 * older ones do not: rotating every T seconds keeps a cookie good for
 * T to 2T.  Nothing here rotates it: the caller must, on a timer of 30
 * to 60 seconds, or a cookie, once seen, stays good for ever (RFC 6347
 * section 4.2.1).
 */
int lscd_dtls_server_rotate_cookie(struct lscd_dtls_server *s);
/*
 * The cookie secrets, for the kernel to answer ClientHellos with
 * (CAPWAP_LSC_CMD_DTLS_COOKIE): the generation byte, the current secret
 * and, when it returns true, the one before it; each
 * CAPWAP_LSC_DTLS_SECRET_LEN bytes.
 */
bool lscd_dtls_server_cookie_secrets(const struct lscd_dtls_server *s,
				     uint8_t *gen, uint8_t *secret,
				     uint8_t *prev);
const struct lscd_dtls_stats *lscd_dtls_server_stats(const struct lscd_dtls_server *s);
/*
 * The OpenSSL context, for settings of the caller's own (a key log while
 * debugging; the tests' resumed sessions).  Its callbacks are the
 * engine's and must stay; a reload replaces it (NULL after a failed one).
 */
SSL_CTX *lscd_dtls_server_ssl_ctx(struct lscd_dtls_server *s);

enum lscd_dtls_listen_result {
	LSCD_DTLS_LISTEN_DROP,		/* nothing to send, nothing kept */
	LSCD_DTLS_LISTEN_VERIFY,	/* send @reply; nothing kept */
	LSCD_DTLS_LISTEN_NEW,		/* *conn is a new association */
};

/*
 * A datagram from @addr (AF_INET or AF_INET6, as recvfrom() gives it; any
 * other is dropped) for which the caller has no association.  The cookie
 * is bound to the family, IP and port alone, read out of the sockaddr (an
 * IPv4-mapped IPv6 address is its IPv4 address): padding, flow label and
 * scope are not part of it.  @reply holds at least the MTU.  On
 * LSCD_DTLS_LISTEN_NEW the association has taken the ClientHello and has
 * its first flight ready (lscd_dtls_conn_output()).  A returned cookie is
 * dropped (busy) when the half-open associations are at their cap, in
 * all or from its IP; those past their deadline are failed first.
 */
enum lscd_dtls_listen_result lscd_dtls_listen(struct lscd_dtls_server *s,
					      const struct sockaddr *addr,
					      socklen_t addr_len,
					      const uint8_t *dgram, size_t len,
					      uint8_t *reply, size_t *reply_len,
					      struct lscd_dtls_conn **conn);

enum lscd_dtls_state {
	LSCD_DTLS_HANDSHAKING,
	LSCD_DTLS_DONE,		/* lscd_dtls_conn_handover() may be called */
	LSCD_DTLS_FAILED,	/* lscd_dtls_conn_verdict() says why */
};

/* One datagram of the peer's. */
enum lscd_dtls_state lscd_dtls_conn_input(struct lscd_dtls_conn *c,
					  const uint8_t *dgram, size_t len);
/*
 * The next datagram to send into @buf: its length, 0 when none is left,
 * -ENOSPC when @buf is shorter than the MTU.
 */
int lscd_dtls_conn_output(struct lscd_dtls_conn *c, uint8_t *buf, size_t size);
/*
 * Time left before lscd_dtls_conn_handle_timeout() is due: the
 * retransmission timer or the hard deadline, whichever is first; false
 * once the handshake is over.
 */
bool lscd_dtls_conn_timeout(struct lscd_dtls_conn *c, struct timeval *left);
/*
 * Fails the association past its deadline (LSCD_DTLS_TIMEOUT: the caller
 * frees it); else retransmits the last flight if the timer expired
 * (OpenSSL gives up after 12).  An association past its deadline also
 * fails at its next datagram, and leaves the caps at the next
 * lscd_dtls_listen() whatever the caller does.
 */
enum lscd_dtls_state lscd_dtls_conn_handle_timeout(struct lscd_dtls_conn *c);
enum lscd_dtls_state lscd_dtls_conn_state(const struct lscd_dtls_conn *c);
/* The peer's certificate: type, MAC, and on failure the reason. */
const struct lscd_dtls_verdict *lscd_dtls_conn_verdict(const struct lscd_dtls_conn *c);
const char *lscd_dtls_conn_cipher(const struct lscd_dtls_conn *c);
/* The certificate the peer sent, NULL when none; owned by the association. */
X509 *lscd_dtls_conn_peer_cert(const struct lscd_dtls_conn *c);
/*
 * The key block for the kernel once the handshake is DONE (dtls_keys.h),
 * with the sequence numbers read from the records that passed.  0 or
 * -errno with @why; -EPERM when the handshake completed without the
 * verify callback accepting the peer's certificate and finding a MAC in
 * its CN (a resumed session would).
 */
int lscd_dtls_conn_handover(struct lscd_dtls_conn *c,
			    struct capwap_dtls_keys *k, char *why, size_t size);
void lscd_dtls_conn_free(struct lscd_dtls_conn *c);

#endif /* LSCD_DTLS_ENGINE_H */
