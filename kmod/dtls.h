/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_DTLS_H
#define _CAPWAP_LSC_DTLS_H

#include <linux/types.h>

#include "ap.h"

struct netlink_ext_ack;
struct sk_buff;

/*
 * What lscd read of the peer's certificate and suite, for the operator
 * only (GET_AP, sysfs): any of it may be NULL.  Strings are NUL-terminated
 * and bounded by the genl policy.
 */
struct capwap_lsc_dtls_ident {
	const char *suite_name;
	const char *subject;
	const char *issuer;
	const u8 *fingerprint;		/* CAPWAP_LSC_SHA256_LEN bytes */
};

/* "none", "clear", "dtls": enum capwap_lsc_dtls_state. */
const char *capwap_lsc_dtls_state_name(u8 state);

/* The fields of an AP's sysfs files (capwap_lsc_dtls_show()). */
enum capwap_lsc_dtls_field {
	CAPWAP_LSC_DTLS_F_SUITE,
	CAPWAP_LSC_DTLS_F_SUBJECT,
	CAPWAP_LSC_DTLS_F_ISSUER,
	CAPWAP_LSC_DTLS_F_FINGERPRINT,
};

int capwap_lsc_dtls_init(void);
/* At unload, before the socket goes: the close_notify of every session. */
void capwap_lsc_dtls_stop(void);
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
			     u8 cert_type,
			     const struct capwap_lsc_dtls_ident *ident,
			     struct netlink_ext_ack *extack);
/*
 * The CAPWAP_LSC_AP_A_DTLS_* attributes of an AP whose session is in
 * @session_state (enum capwap_lsc_dtls_state): for DTLS, what the
 * association at @peer, bound to @mac, was keyed with.
 */
int capwap_lsc_dtls_put_ap(struct sk_buff *msg,
			   const struct capwap_lsc_peer *peer, const u8 *mac,
			   u8 session_state);
/* One field of it, for sysfs; -ENOENT without such an association. */
ssize_t capwap_lsc_dtls_show(const struct capwap_lsc_peer *peer,
			     const u8 *mac, enum capwap_lsc_dtls_field f,
			     char *buf);
int capwap_lsc_dtls_close(const struct capwap_lsc_peer *peer);
/*
 * The controller ends @peer's association of its own accord: a sealed
 * close_notify, then its keys open and seal nothing more, and lscd is
 * told; only one whose certificate names @mac.  From softirq, or with
 * bottom halves off (an AP's lock held).
 */
void capwap_lsc_dtls_shutdown(const struct capwap_lsc_peer *peer,
			       const u8 *mac);
/* A Join opened a CAPWAP session through @peer's association: no WaitJoin. */
void capwap_lsc_dtls_joined(const struct capwap_lsc_peer *peer);
/*
 * Counts one handshake outcome lscd reported (enum capwap_lsc_dtls_outcome,
 * checked by the policy); @auth_fail: also a DTLSAuthenticateFail.
 */
void capwap_lsc_dtls_handshake(u8 outcome, bool auth_fail, u32 count);

/* dtls_cookie.c: the cookie exchange, answered here with lscd's secrets. */
enum capwap_lsc_cookie {
	CAPWAP_LSC_COOKIE_NONE,		/* no live secrets: relay as ever */
	CAPWAP_LSC_COOKIE_ANSWERED,	/* answered or limited: relay nothing */
	CAPWAP_LSC_COOKIE_VALID,	/* its cookie verified: relay first */
	CAPWAP_LSC_COOKIE_OTHER,	/* no ClientHello: relay if proven */
};

void capwap_lsc_dtls_cookie_init(void);
void capwap_lsc_dtls_cookie_uninit(void);
/*
 * The secrets of the lscd on genl socket @portid; @secret NULL: none.
 * On a failure none are kept.  Process context.
 */
int capwap_lsc_dtls_cookie_set(u32 portid, u8 gen, const u8 *secret,
			       const u8 *prev);
/* Genl socket @portid closed.  Process context. */
void capwap_lsc_dtls_cookie_release(u32 portid);
/* @peer's keys are in: its proof is no longer needed. */
void capwap_lsc_dtls_cookie_forget(const struct capwap_lsc_peer *peer);
enum capwap_lsc_cookie capwap_lsc_dtls_cookie_check(const struct capwap_lsc_peer *peer,
						    const u8 *records,
						    size_t len);
/* A cookie from @peer verified within the time a handshake may take. */
bool capwap_lsc_dtls_cookie_proven(const struct capwap_lsc_peer *peer);

#endif /* _CAPWAP_LSC_DTLS_H */
