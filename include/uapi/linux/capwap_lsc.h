/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * capwap_lsc: Locally Significant Certificate provisioning for CAPWAP APs.
 *
 * The module owns the CAPWAP control port, runs each AP through LSC
 * provisioning and asks a userspace helper (lscd) to enroll the AP's
 * certificate request with the operator's CA.  This header is the whole
 * contract between the module and userspace: the generic netlink family
 * "capwap_lsc", its commands, attributes and the enumerations they carry.
 *
 * Family "capwap_lsc", version CAPWAP_LSC_GENL_VERSION, multicast groups
 * "events" (work for lscd), "monitor" (what happens, for people) and
 * "dtls" (handshakes for lscd).  Every command (doit and dump, reading
 * ones included) and joining any group require CAP_NET_ADMIN; without it
 * they fail with EPERM.
 *
 * CAPWAP_LSC_CMD_GET_CONFIG (doit, admin): reply carries
 *    CAPWAP_LSC_A_VERSION: NUL-terminated string, module version
 *    CAPWAP_LSC_A_LSC_ENABLED: u8, 0 or 1
 *    CAPWAP_LSC_A_PROVISION_MODE: u8, enum capwap_lsc_provision_mode
 *    CAPWAP_LSC_A_PROVISION_LIST: nested, zero or more CAPWAP_LSC_A_MAC
 *    CAPWAP_LSC_A_SUBJECT: nested, enum capwap_lsc_subject_attr strings
 *    CAPWAP_LSC_A_KEY_TYPE: u8, enum capwap_lsc_key_type
 *    CAPWAP_LSC_A_KEY_BITS: u16
 *    CAPWAP_LSC_A_VALIDITY_DAYS: u32
 *    CAPWAP_LSC_A_MAX_ATTEMPTS: u8, 0 means the AP never falls back
 *    CAPWAP_LSC_A_VENDOR_ID: u32, vendor id of the LSC payload elements
 *    CAPWAP_LSC_A_PORT: u16, the CAPWAP control UDP port
 *    CAPWAP_LSC_A_CONTROLLER: nested, enum capwap_lsc_ctrl_attr
 *    CAPWAP_LSC_A_MTU: u16, largest datagram sent (module parameter)
 *    CAPWAP_LSC_A_CA_PRESENT: u8, 1 once SET_CA installed an LSC CA
 *    CAPWAP_LSC_A_AP_CHALLENGE_SET: u8, 1 when the APs get a challenge
 *      password (its value is never sent back, to anyone)
 *
 * CAPWAP_LSC_CMD_SET_CONFIG (doit, admin): any subset of
 *    CAPWAP_LSC_A_LSC_ENABLED, CAPWAP_LSC_A_PROVISION_MODE,
 *    CAPWAP_LSC_A_SUBJECT (replaces the whole subject),
 *    CAPWAP_LSC_A_KEY_TYPE with CAPWAP_LSC_A_KEY_BITS,
 *    CAPWAP_LSC_A_VALIDITY_DAYS, CAPWAP_LSC_A_MAX_ATTEMPTS,
 *    CAPWAP_LSC_A_VENDOR_ID, CAPWAP_LSC_A_AP_CHALLENGE (NUL-terminated
 *    UTF-8 without control characters, at most CAPWAP_LSC_MAX_CHALLENGE_LEN
 *    bytes; empty removes it): the challenge password the APs put into
 *    their PKCS#10 requests, sent to them in CERT_PARAMS.  Nothing is
 *    changed unless all are valid.
 *
 * CAPWAP_LSC_CMD_PROVLIST_ADD, CAPWAP_LSC_CMD_PROVLIST_DEL (doit, admin):
 *    CAPWAP_LSC_A_MAC
 * CAPWAP_LSC_CMD_PROVLIST_FLUSH (doit, admin): no attributes
 *
 * CAPWAP_LSC_CMD_GET_AP (dump, resumable, admin): one message per AP,
 *    each with CAPWAP_LSC_A_AP: nested, enum capwap_lsc_ap_attr
 *    A doit with CAPWAP_LSC_A_MAC returns that AP alone.
 *
 * CAPWAP_LSC_CMD_GET_STATS (doit, admin): CAPWAP_LSC_A_STATS, nested,
 *    enum capwap_lsc_stats_attr.
 *
 * CAPWAP_LSC_CMD_CERT_REQUEST (multicast on "events", never sent to the
 *    kernel): an AP's certificate request waits.  Carries
 *    CAPWAP_LSC_A_REQUEST_ID and CAPWAP_LSC_A_MAC.  It is a notification
 *    only: the helper takes the work with CAPWAP_LSC_CMD_ACCEPT.  Requests
 *    are queued (bounded) while no helper listens and announced again when
 *    a listener joins the group.
 *
 * CAPWAP_LSC_CMD_ACCEPT (doit, admin): optional CAPWAP_LSC_A_REQUEST_ID;
 *    without it the oldest waiting request is taken.  The reply carries
 *    CAPWAP_LSC_A_REQUEST_ID, CAPWAP_LSC_A_MAC, CAPWAP_LSC_A_AP_MODEL,
 *    CAPWAP_LSC_A_AP_SERIAL, CAPWAP_LSC_A_CSR (PKCS#10, DER),
 *    CAPWAP_LSC_A_KEY_TYPE, CAPWAP_LSC_A_KEY_BITS and
 *    CAPWAP_LSC_A_FLAGS (CAPWAP_LSC_F_RENEWAL).  -ENOENT when nothing
 *    waits.  A request accepted by one netlink socket is owned by it; when
 *    that socket closes before completing, the request waits again.
 *
 * CAPWAP_LSC_CMD_COMPLETE (doit, admin): CAPWAP_LSC_A_REQUEST_ID,
 *    CAPWAP_LSC_A_RESULT (enum capwap_lsc_result) and, on success,
 *    CAPWAP_LSC_A_CA_CHAIN (nested, CAPWAP_LSC_A_CERT entries, root last)
 *    and CAPWAP_LSC_A_CERT (the AP's certificate, DER), optionally with
 *    what the helper read in that certificate: CAPWAP_LSC_A_CERT_EXPIRY
 *    (u64, notAfter in seconds since the epoch) and CAPWAP_LSC_A_ISSUER_HASH
 *    (binary, SHA-256 of the DER issuer name); the AP's record shows them
 *    once the AP installed the certificate.  On failure
 *    CAPWAP_LSC_A_REASON (string shown to the operator and sent to the AP).
 *    The kernel builds the AP's delivery at once: a chain that cannot
 *    reach the AP in one message (docs/PROTOCOL.md, CA_CERT) fails with
 *    -EMSGSIZE and an extended-ack message, and fails the AP's attempt.
 *    When the AP no longer waits for the request: -ENOENT when it started
 *    over before the COMPLETE came (RENEW or a failed attempt cancel the
 *    request: it is unknown from then on), -ESTALE when it did so while
 *    the COMPLETE was being handled.
 *
 * CAPWAP_LSC_CMD_SET_CA (doit, admin): CAPWAP_LSC_A_CA_CHAIN.  The LSC CA
 *    the module trusts for APs joining with an LSC; replaces the previous.
 *
 * CAPWAP_LSC_CMD_SET_CONTROLLER (doit, admin): CAPWAP_LSC_A_CONTROLLER,
 *    what the helper knows of the controller's own CA and LSC, for status.
 *
 * CAPWAP_LSC_CMD_RENEW (doit, admin): CAPWAP_LSC_A_MAC for one AP, or
 *    CAPWAP_LSC_A_FLAGS with CAPWAP_LSC_F_ALL for every AP in Run.
 *
 * CAPWAP_LSC_CMD_EVENT (multicast on "monitor", never sent to the kernel):
 *    one thing that happened to an AP, as it happened: CAPWAP_LSC_A_EVENT,
 *    nested, enum capwap_lsc_ev_attr.  Sent only while someone listens,
 *    without waiting: a listener that reads too slowly loses messages
 *    (its socket reports ENOBUFS) and never slows the APs down.
 *    Joining "monitor" requires CAP_NET_ADMIN.  The same events, minus
 *    the request id and the reason text, are kept per AP (the last
 *    CAPWAP_LSC_HISTORY_LEN) and dumped in CAPWAP_LSC_AP_A_HISTORY.
 * DTLS (docs/PROTOCOL.md section 6).  A second multicast group, "dtls",
 * also admin-only, carries the handshake traffic lscd runs:
 *
 * CAPWAP_LSC_CMD_DTLS_RELAY (multicast on "dtls", never sent to the
 *    kernel): a datagram on the control port from a peer without kernel
 *    keys, or a handshake record of epoch 0 from one with keys (a new
 *    association).  CAPWAP_LSC_A_DTLS_PEER (the peer's address and port),
 *    CAPWAP_LSC_A_DTLS_LOCAL (our address it wrote to) and
 *    CAPWAP_LSC_A_DTLS_RECORDS (the DTLS records after the 4-byte CAPWAP
 *    DTLS header, as received).  The kernel keeps no state for it;
 *    datagrams past the per-source rate limit, or while nobody listens,
 *    are dropped and counted.  Nothing is relayed while the DTLS mode is
 *    off.
 *
 * CAPWAP_LSC_CMD_DTLS_SEND (doit, admin): CAPWAP_LSC_A_DTLS_PEER,
 *    CAPWAP_LSC_A_DTLS_RECORDS (at most CAPWAP_LSC_DTLS_MAX_RECORDS bytes)
 *    and optionally CAPWAP_LSC_A_DTLS_LOCAL (the address to send from,
 *    else the route's).  The kernel prepends the CAPWAP DTLS header and
 *    sends one datagram from the control port.
 *
 * CAPWAP_LSC_CMD_DTLS_KEYS (doit, admin): CAPWAP_LSC_A_DTLS_PEER,
 *    optionally CAPWAP_LSC_A_DTLS_LOCAL, CAPWAP_LSC_A_DTLS_KEYS (the key
 *    block of docs/PROTOCOL.md section 6.5, exactly CAPWAP_LSC_DTLS_KEYS_LEN
 *    bytes), CAPWAP_LSC_A_MAC and CAPWAP_LSC_A_DTLS_CERT_TYPE: the identity
 *    lscd's verdict bound to the handshake; optionally what the operator
 *    sees of it (CAPWAP_LSC_AP_A_DTLS_*): CAPWAP_LSC_A_DTLS_SUITE_NAME,
 *    CAPWAP_LSC_A_DTLS_SUBJECT, CAPWAP_LSC_A_DTLS_ISSUER (NUL-terminated,
 *    at most CAPWAP_LSC_DTLS_MAX_SUITE_LEN / _NAME_LEN bytes) and
 *    CAPWAP_LSC_A_DTLS_FINGERPRINT (32 bytes), kept with the keys.  From then on the kernel opens
 *    and seals that peer's epoch records; a Join inside them whose Board
 *    Data MAC is another is refused.  Replaces an earlier association of
 *    the same peer and ends the CAPWAP session it carried; a block with the
 *    same epoch and salts as the current one is refused with -EEXIST (its
 *    sequence numbers would restart under the same key).  Ciphers 3 and 4
 *    (CBC) are refused with -EOPNOTSUPP, a key block that does not parse
 *    with its error; all with an extended-ack message.  The kernel zeroes
 *    the key block in the request once it is taken.
 *
 * CAPWAP_LSC_CMD_DTLS_CLOSE (doit, admin): CAPWAP_LSC_A_DTLS_PEER; the
 *    kernel forgets the peer's keys (zeroed) and ends the CAPWAP session at
 *    that address.  -ENOENT when it has none.  Also multicast on "dtls"
 *    with CAPWAP_LSC_A_DTLS_PEER when the kernel ends an association
 *    itself (the peer's close_notify or fatal alert).
 *
 * CAPWAP_LSC_CMD_DTLS_HANDSHAKE (doit, admin): CAPWAP_LSC_A_DTLS_OUTCOME
 *    and optionally CAPWAP_LSC_A_DTLS_AUTH_FAIL and CAPWAP_LSC_A_DTLS_COUNT
 *    (1 when absent): lscd reports handshakes it started or that failed,
 *    and the module counts them (CAPWAP_LSC_STATS_A_DTLS_HS_*).  lscd
 *    sends refused cookies as one count with its counters' flush, not one
 *    message per datagram.  AUTH_FAIL goes only with FAILED_AUTH,
 *    FAILED_POLICY or FAILED_IDENTITY (-EINVAL otherwise).  A completed handshake is counted
 *    when DTLS_KEYS takes its keys.
 *
 * CAPWAP_LSC_CMD_DTLS_COOKIE (doit, admin): CAPWAP_LSC_A_DTLS_COOKIE_GEN
 *    (u8) and CAPWAP_LSC_A_DTLS_COOKIE_SECRET (CAPWAP_LSC_DTLS_SECRET_LEN
 *    bytes), optionally CAPWAP_LSC_A_DTLS_COOKIE_PREV (the secret of
 *    generation GEN - 1): lscd's cookie secrets (docs/PROTOCOL.md section
 *    6.14).  From then on, while lscd listens on "dtls" and the genl socket
 *    that sent them is open, the kernel answers a ClientHello without a
 *    valid cookie with a HelloVerifyRequest itself and relays nothing of
 *    it; it relays one whose cookie verifies, and (while the table of
 *    such peers has room, for 60 s or until the peer's keys come) what
 *    else comes from that address and port, past the limit for all
 *    sources together; other datagrams of peers without keys share a
 *    small bucket.  Spoofed ClientHellos, from any number of addresses, then
 *    never reach lscd.  Without CAPWAP_LSC_A_DTLS_COOKIE_SECRET, or when
 *    a new pair cannot be taken, the kernel forgets the secrets and
 *    relays every ClientHello again.  Both secrets replace the ones
 *    before; the kernel zeroes them in the request once taken.
 *
 * CAPWAP_LSC_A_DTLS_MODE (u8, enum capwap_lsc_dtls_mode) is read by
 *    GET_CONFIG and set by SET_CONFIG.
 */
#ifndef _UAPI_LINUX_CAPWAP_LSC_H
#define _UAPI_LINUX_CAPWAP_LSC_H

#include <linux/types.h>

#define CAPWAP_LSC_GENL_NAME "capwap_lsc"
#define CAPWAP_LSC_GENL_VERSION 1
#define CAPWAP_LSC_MCGRP_EVENTS "events"
#define CAPWAP_LSC_MCGRP_MONITOR "monitor"
#define CAPWAP_LSC_MCGRP_DTLS "dtls"

#define CAPWAP_LSC_DEFAULT_PORT 5246
/* IANA's enterprise number for documentation (RFC 5612); set your own. */
#define CAPWAP_LSC_DEFAULT_VENDOR_ID 32473

#define CAPWAP_LSC_MAC_LEN 6
#define CAPWAP_LSC_SHA256_LEN 32

enum capwap_lsc_cmd {
	CAPWAP_LSC_CMD_UNSPEC,
	CAPWAP_LSC_CMD_GET_CONFIG,
	CAPWAP_LSC_CMD_SET_CONFIG,
	CAPWAP_LSC_CMD_PROVLIST_ADD,
	CAPWAP_LSC_CMD_PROVLIST_DEL,
	CAPWAP_LSC_CMD_PROVLIST_FLUSH,
	CAPWAP_LSC_CMD_GET_AP,
	CAPWAP_LSC_CMD_GET_STATS,
	CAPWAP_LSC_CMD_CERT_REQUEST,
	CAPWAP_LSC_CMD_ACCEPT,
	CAPWAP_LSC_CMD_COMPLETE,
	CAPWAP_LSC_CMD_SET_CA,
	CAPWAP_LSC_CMD_SET_CONTROLLER,
	CAPWAP_LSC_CMD_RENEW,
	CAPWAP_LSC_CMD_EVENT,
	CAPWAP_LSC_CMD_DTLS_RELAY,
	CAPWAP_LSC_CMD_DTLS_SEND,
	CAPWAP_LSC_CMD_DTLS_KEYS,
	CAPWAP_LSC_CMD_DTLS_CLOSE,
	CAPWAP_LSC_CMD_DTLS_HANDSHAKE,
	CAPWAP_LSC_CMD_DTLS_COOKIE,
	__CAPWAP_LSC_CMD_MAX
};
#define CAPWAP_LSC_CMD_MAX (__CAPWAP_LSC_CMD_MAX - 1)

enum capwap_lsc_attr {
	CAPWAP_LSC_A_UNSPEC,
	CAPWAP_LSC_A_VERSION,
	CAPWAP_LSC_A_LSC_ENABLED,
	CAPWAP_LSC_A_PROVISION_MODE,
	CAPWAP_LSC_A_PROVISION_LIST,
	CAPWAP_LSC_A_MAC,
	CAPWAP_LSC_A_SUBJECT,
	CAPWAP_LSC_A_KEY_TYPE,
	CAPWAP_LSC_A_KEY_BITS,
	CAPWAP_LSC_A_VALIDITY_DAYS,
	CAPWAP_LSC_A_MAX_ATTEMPTS,
	CAPWAP_LSC_A_VENDOR_ID,
	CAPWAP_LSC_A_PORT,
	CAPWAP_LSC_A_CONTROLLER,
	CAPWAP_LSC_A_AP,
	CAPWAP_LSC_A_STATS,
	CAPWAP_LSC_A_REQUEST_ID,
	CAPWAP_LSC_A_AP_MODEL,
	CAPWAP_LSC_A_AP_SERIAL,
	CAPWAP_LSC_A_CSR,
	CAPWAP_LSC_A_FLAGS,
	CAPWAP_LSC_A_RESULT,
	CAPWAP_LSC_A_REASON,
	CAPWAP_LSC_A_CA_CHAIN,
	CAPWAP_LSC_A_CERT,
	CAPWAP_LSC_A_PAD,
	CAPWAP_LSC_A_MTU,
	CAPWAP_LSC_A_CA_PRESENT,
	CAPWAP_LSC_A_CERT_EXPIRY,
	CAPWAP_LSC_A_ISSUER_HASH,
	CAPWAP_LSC_A_AP_CHALLENGE,
	CAPWAP_LSC_A_AP_CHALLENGE_SET,
	CAPWAP_LSC_A_EVENT,
	CAPWAP_LSC_A_DTLS_PEER,		/* binary, struct sockaddr_in */
	CAPWAP_LSC_A_DTLS_LOCAL,	/* binary, struct sockaddr_in */
	CAPWAP_LSC_A_DTLS_RECORDS,	/* binary, DTLS records */
	CAPWAP_LSC_A_DTLS_KEYS,		/* binary, the key block */
	CAPWAP_LSC_A_DTLS_CERT_TYPE,	/* u8, enum capwap_lsc_cert_type */
	CAPWAP_LSC_A_DTLS_MODE,		/* u8, enum capwap_lsc_dtls_mode */
	/* of the peer, in DTLS_KEYS: what lscd read, shown, never trusted */
	CAPWAP_LSC_A_DTLS_SUITE_NAME,	/* string, OpenSSL's suite name */
	CAPWAP_LSC_A_DTLS_SUBJECT,	/* string, RFC 2253 subject */
	CAPWAP_LSC_A_DTLS_ISSUER,	/* string, RFC 2253 issuer */
	CAPWAP_LSC_A_DTLS_FINGERPRINT,	/* binary, SHA-256 of the DER */
	/* u8, enum capwap_lsc_dtls_outcome (DTLS_HANDSHAKE) */
	CAPWAP_LSC_A_DTLS_OUTCOME,
	/* u8, 1: the failure is also a DTLSAuthenticateFail (RFC 5415) */
	CAPWAP_LSC_A_DTLS_AUTH_FAIL,
	/* u32, 1..CAPWAP_LSC_DTLS_MAX_COUNT: that many of the outcome */
	CAPWAP_LSC_A_DTLS_COUNT,
	/* DTLS_COOKIE: u8, the generation byte that starts each cookie */
	CAPWAP_LSC_A_DTLS_COOKIE_GEN,
	/* DTLS_COOKIE: binary, the secrets of GEN and GEN - 1 */
	CAPWAP_LSC_A_DTLS_COOKIE_SECRET,
	CAPWAP_LSC_A_DTLS_COOKIE_PREV,
	__CAPWAP_LSC_A_LAST
};
#define CAPWAP_LSC_A_MAX (__CAPWAP_LSC_A_LAST - 1)

/* Largest DER object (CSR or certificate) carried in one attribute. */
#define CAPWAP_LSC_MAX_DER_LEN 8192
/* Most certificates in CAPWAP_LSC_A_CA_CHAIN. */
#define CAPWAP_LSC_MAX_CHAIN 4
/* Longest subject field and reason string, without the NUL. */
#define CAPWAP_LSC_MAX_SUBJECT_LEN 64
/* The country field is exactly this many letters. */
#define CAPWAP_LSC_COUNTRY_LEN 2
#define CAPWAP_LSC_MAX_REASON_LEN 255
/* Largest CAPWAP_LSC_A_DTLS_RECORDS, and the key block's length. */
#define CAPWAP_LSC_DTLS_MAX_RECORDS 16384
#define CAPWAP_LSC_DTLS_KEYS_LEN 192
/* Longest CAPWAP_LSC_A_DTLS_SUITE_NAME, _SUBJECT and _ISSUER, no NUL. */
#define CAPWAP_LSC_DTLS_MAX_SUITE_LEN 63
#define CAPWAP_LSC_DTLS_MAX_NAME_LEN 255
/* A cookie secret (CAPWAP_LSC_A_DTLS_COOKIE_SECRET, _PREV). */
#define CAPWAP_LSC_DTLS_SECRET_LEN 32
/* Most outcomes one DTLS_HANDSHAKE reports (CAPWAP_LSC_A_DTLS_COUNT). */
#define CAPWAP_LSC_DTLS_MAX_COUNT 1000000

/*
 * A handshake's outcome, as lscd reports it with DTLS_HANDSHAKE (the
 * FAILED_* reasons of issue 10), and a session's DTLS state in GET_AP.
 */
enum capwap_lsc_dtls_outcome {
	CAPWAP_LSC_DTLS_STARTED,	/* a returned cookie made an association */
	CAPWAP_LSC_DTLS_FAILED_AUTH,	/* the peer's certificate or key proof */
	CAPWAP_LSC_DTLS_FAILED_COOKIE,	/* a ClientHello with a wrong cookie */
	CAPWAP_LSC_DTLS_FAILED_TIMEOUT,	/* the peer stopped answering */
	CAPWAP_LSC_DTLS_FAILED_POLICY,	/* type, EKU, key size, protocol */
	CAPWAP_LSC_DTLS_FAILED_IDENTITY, /* no MAC, or not the Join's */
	/* completed in lscd, and the module refused its key block */
	CAPWAP_LSC_DTLS_FAILED_HANDOVER,
	/* still in progress when lscd stopped: the peer must start again */
	CAPWAP_LSC_DTLS_FAILED_ABANDONED,
	__CAPWAP_LSC_DTLS_OUTCOME_MAX
};

enum capwap_lsc_dtls_state {
	CAPWAP_LSC_DTLS_STATE_NONE,	/* no session */
	CAPWAP_LSC_DTLS_STATE_CLEAR,	/* the session is in clear text */
	CAPWAP_LSC_DTLS_STATE_DTLS,	/* inside an authenticated DTLS session */
	__CAPWAP_LSC_DTLS_STATE_MAX
};

/*
 * Which control messages the module takes (docs/PROTOCOL.md section 6.9):
 * OFF drops every DTLS datagram, as releases before DTLS did; ON takes
 * DTLS and clear text; REQUIRED takes only Discovery in clear text.
 */
enum capwap_lsc_dtls_mode {
	CAPWAP_LSC_DTLS_OFF,
	CAPWAP_LSC_DTLS_ON,
	CAPWAP_LSC_DTLS_REQUIRED,
	__CAPWAP_LSC_DTLS_MAX
};

/* Longest challenge password for the APs' requests, without the NUL. */
#define CAPWAP_LSC_MAX_CHALLENGE_LEN 255
/* Longest CAPWAP_LSC_A_VALIDITY_DAYS (a hundred years). */
#define CAPWAP_LSC_MAX_VALIDITY_DAYS 36500
/* Most MACs on the provision list. */
#define CAPWAP_LSC_MAX_PROVLIST 65536

enum capwap_lsc_flag {
	CAPWAP_LSC_F_RENEWAL = 1U << 0,
	CAPWAP_LSC_F_ALL = 1U << 1,
	__CAPWAP_LSC_F_ALL = CAPWAP_LSC_F_RENEWAL | CAPWAP_LSC_F_ALL
};

enum capwap_lsc_provision_mode {
	CAPWAP_LSC_PROVISION_OFF,
	CAPWAP_LSC_PROVISION_ALL,	/* every AP joined with a MIC or SSC */
	CAPWAP_LSC_PROVISION_LIST,	/* only the MACs of the provision list */
	__CAPWAP_LSC_PROVISION_MAX
};

enum capwap_lsc_key_type {
	CAPWAP_LSC_KEY_NONE,
	CAPWAP_LSC_KEY_RSA,
	CAPWAP_LSC_KEY_EC,
	__CAPWAP_LSC_KEY_MAX
};

/* Accepted RSA sizes: 384..2048 (the classic range), 3072 and 4096. */
#define CAPWAP_LSC_RSA_MIN_BITS 384
#define CAPWAP_LSC_RSA_RANGE_MAX_BITS 2048
#define CAPWAP_LSC_RSA_MAX_BITS 4096
/* EC key sizes name the curve: 256 is P-256, 384 is P-384. */

enum capwap_lsc_subject_attr {
	CAPWAP_LSC_SUBJ_A_UNSPEC,
	CAPWAP_LSC_SUBJ_A_COUNTRY,
	CAPWAP_LSC_SUBJ_A_STATE,
	CAPWAP_LSC_SUBJ_A_LOCALITY,
	CAPWAP_LSC_SUBJ_A_ORG,
	CAPWAP_LSC_SUBJ_A_ORG_UNIT,
	CAPWAP_LSC_SUBJ_A_EMAIL,
	__CAPWAP_LSC_SUBJ_A_LAST
};
#define CAPWAP_LSC_SUBJ_A_MAX (__CAPWAP_LSC_SUBJ_A_LAST - 1)

/* Certificate an AP joined with. */
enum capwap_lsc_cert_type {
	CAPWAP_LSC_CERT_NONE,
	CAPWAP_LSC_CERT_MIC,
	CAPWAP_LSC_CERT_SSC,
	CAPWAP_LSC_CERT_LSC,
	__CAPWAP_LSC_CERT_MAX
};

enum capwap_lsc_ap_mode {
	CAPWAP_LSC_MODE_LOCAL,
	CAPWAP_LSC_MODE_BRIDGE,
	CAPWAP_LSC_MODE_MESH,
	__CAPWAP_LSC_MODE_MAX
};

/* CAPWAP session state of an AP (RFC 5415 section 2.3, simplified). */
enum capwap_lsc_session_state {
	CAPWAP_LSC_SESSION_DISCOVERY,
	CAPWAP_LSC_SESSION_JOIN,
	CAPWAP_LSC_SESSION_CONFIGURE,
	CAPWAP_LSC_SESSION_RUN,
	CAPWAP_LSC_SESSION_DOWN,
	__CAPWAP_LSC_SESSION_MAX
};

/* LSC provisioning state of an AP; docs/PROTOCOL.md draws the machine. */
enum capwap_lsc_ap_state {
	CAPWAP_LSC_AP_IDLE,
	CAPWAP_LSC_AP_PARAMS_SENT,
	CAPWAP_LSC_AP_CSR_RECEIVED,
	CAPWAP_LSC_AP_ENROLLING,
	CAPWAP_LSC_AP_CERT_READY,
	CAPWAP_LSC_AP_DELIVERING,
	CAPWAP_LSC_AP_INSTALLED,
	CAPWAP_LSC_AP_FAILED,
	CAPWAP_LSC_AP_FALLBACK,
	CAPWAP_LSC_AP_REFUSED,
	__CAPWAP_LSC_AP_STATE_MAX
};

/* Outcome of an enrollment or renewal, as the operator sees it. */
enum capwap_lsc_result {
	CAPWAP_LSC_RESULT_SUCCESS,
	CAPWAP_LSC_RESULT_ERROR,
	CAPWAP_LSC_RESULT_NOT_YET_VALID,
	CAPWAP_LSC_RESULT_FAILED_TO_INSTALL,
	CAPWAP_LSC_RESULT_FAILED_CA_SIGNING,
	CAPWAP_LSC_RESULT_NO_RESPONSE,
	CAPWAP_LSC_RESULT_TIMEOUT_CA_SIGNING,
	CAPWAP_LSC_RESULT_BAD_REQUEST,
	CAPWAP_LSC_RESULT_CERT_MISMATCH,
	__CAPWAP_LSC_RESULT_MAX
};

enum capwap_lsc_ap_attr {
	CAPWAP_LSC_AP_A_UNSPEC,
	CAPWAP_LSC_AP_A_MAC,		/* binary, 6 bytes */
	CAPWAP_LSC_AP_A_ADDR,		/* binary, struct sockaddr_in or _in6 */
	CAPWAP_LSC_AP_A_MODEL,		/* string */
	CAPWAP_LSC_AP_A_SERIAL,		/* string */
	CAPWAP_LSC_AP_A_SESSION,	/* u8, enum capwap_lsc_session_state */
	CAPWAP_LSC_AP_A_STATE,		/* u8, enum capwap_lsc_ap_state */
	CAPWAP_LSC_AP_A_CERT_TYPE,	/* u8, enum capwap_lsc_cert_type */
	CAPWAP_LSC_AP_A_MODE,		/* u8, enum capwap_lsc_ap_mode */
	CAPWAP_LSC_AP_A_ATTEMPTS,	/* u8, failed attempts so far */
	CAPWAP_LSC_AP_A_FALLBACKS,	/* u32, times it fell back to its MIC */
	CAPWAP_LSC_AP_A_LAST_RESULT,	/* u8, enum capwap_lsc_result */
	CAPWAP_LSC_AP_A_LAST_ERROR,	/* string, up to 255 bytes */
	CAPWAP_LSC_AP_A_JOINED_SINCE,	/* u64, seconds since the epoch */
	/* of the LSC installed through this module, when the helper said */
	CAPWAP_LSC_AP_A_CERT_EXPIRY,	/* u64, seconds since the epoch */
	CAPWAP_LSC_AP_A_ISSUER_HASH,	/* binary, SHA-256 of the issuer name */
	CAPWAP_LSC_AP_A_REQUEST_ID,	/* u64, current enrollment request */
	CAPWAP_LSC_AP_A_PAD,
	/* nested: CAPWAP_LSC_A_EVENT entries, oldest first */
	CAPWAP_LSC_AP_A_HISTORY,
	/* u8, enum capwap_lsc_dtls_state; the rest only when DTLS */
	CAPWAP_LSC_AP_A_DTLS_STATE,
	CAPWAP_LSC_AP_A_DTLS_SUITE,	/* u16, IANA cipher suite number */
	CAPWAP_LSC_AP_A_DTLS_SUITE_NAME, /* string */
	CAPWAP_LSC_AP_A_DTLS_CERT_TYPE,	/* u8, the handshake's certificate */
	CAPWAP_LSC_AP_A_DTLS_SUBJECT,	/* string */
	CAPWAP_LSC_AP_A_DTLS_ISSUER,	/* string */
	CAPWAP_LSC_AP_A_DTLS_FINGERPRINT, /* binary, SHA-256 */
	__CAPWAP_LSC_AP_A_LAST
};
#define CAPWAP_LSC_AP_A_MAX (__CAPWAP_LSC_AP_A_LAST - 1)

/* What lscd reports of the controller's own certificates. */
enum capwap_lsc_ctrl_attr {
	CAPWAP_LSC_CTRL_A_UNSPEC,
	CAPWAP_LSC_CTRL_A_CA_URL,	/* string */
	CAPWAP_LSC_CTRL_A_CA_PRESENT,	/* u8 */
	CAPWAP_LSC_CTRL_A_RA_PRESENT,	/* u8 */
	CAPWAP_LSC_CTRL_A_CA_FINGERPRINT, /* binary, SHA-256 */
	CAPWAP_LSC_CTRL_A_CA_EXPIRY,	/* u64, seconds since the epoch */
	CAPWAP_LSC_CTRL_A_CERT_PRESENT,	/* u8 */
	CAPWAP_LSC_CTRL_A_CERT_EXPIRY,	/* u64, seconds since the epoch */
	CAPWAP_LSC_CTRL_A_PAD,
	__CAPWAP_LSC_CTRL_A_LAST
};
#define CAPWAP_LSC_CTRL_A_MAX (__CAPWAP_LSC_CTRL_A_LAST - 1)

/*
 * Every datagram lands in exactly one bucket, and so does every message
 * completed from fragments:
 *    RX_PACKETS + REASSEMBLED = sum(MALFORMED) + FRAGMENTS + sum(RX)
 * RX and TX count messages by type; types outside 1..26 (and other
 * enterprises) count under CAPWAP_LSC_STATS_MSG_OTHER.  DROPPED counts
 * the well-formed messages (already in RX) that had no use, such as a
 * request from an address without a session.  With DTLS on, a DTLS
 * datagram counts in RX_PACKETS only when it is malformed (then in
 * MALFORMED dtls too); each record of it that authenticates counts as a
 * datagram of its own, and the relayed and dropped ones in the DTLS_*
 * counters.
 */
#define CAPWAP_LSC_STATS_MSG_OTHER 27

/* Reasons a received packet was dropped as malformed. */
enum capwap_lsc_malformed {
	CAPWAP_LSC_BAD_TRUNCATED,
	CAPWAP_LSC_BAD_VERSION,
	CAPWAP_LSC_BAD_HEADER,
	CAPWAP_LSC_BAD_FLAGS,
	CAPWAP_LSC_BAD_FRAGMENT,
	CAPWAP_LSC_BAD_CONTROL_HEADER,
	CAPWAP_LSC_BAD_ELEMENT,
	CAPWAP_LSC_BAD_MISSING_ELEMENT,
	CAPWAP_LSC_BAD_VENDOR_PAYLOAD,
	CAPWAP_LSC_BAD_UNEXPECTED,
	CAPWAP_LSC_BAD_DTLS,
	__CAPWAP_LSC_BAD_MAX
};

enum capwap_lsc_stats_attr {
	CAPWAP_LSC_STATS_A_UNSPEC,
	/* nested: attribute type = CAPWAP message type (1..26), u64 count */
	CAPWAP_LSC_STATS_A_RX,
	CAPWAP_LSC_STATS_A_TX,
	/* nested: attribute type = enum capwap_lsc_malformed + 1, u64 */
	CAPWAP_LSC_STATS_A_MALFORMED,
	CAPWAP_LSC_STATS_A_RETRANSMITS,		/* u64 */
	CAPWAP_LSC_STATS_A_DUPLICATES,		/* u64 */
	CAPWAP_LSC_STATS_A_TIMEOUTS,		/* u64, sessions torn down */
	CAPWAP_LSC_STATS_A_LSC_EVENTS,		/* u64, requests announced */
	CAPWAP_LSC_STATS_A_CERTS_DELIVERED,	/* u64 */
	CAPWAP_LSC_STATS_A_FALLBACKS,		/* u64 */
	CAPWAP_LSC_STATS_A_REFUSED_BRIDGE,	/* u64 */
	CAPWAP_LSC_STATS_A_REFUSED_MESH,	/* u64 */
	CAPWAP_LSC_STATS_A_REFUSED_LSC,		/* u64, LSC did not verify */
	CAPWAP_LSC_STATS_A_ENROLL_FAILURES,	/* u64 */
	CAPWAP_LSC_STATS_A_APS,			/* u32, APs known */
	CAPWAP_LSC_STATS_A_PAD,
	CAPWAP_LSC_STATS_A_RX_PACKETS,		/* u64, datagrams received */
	CAPWAP_LSC_STATS_A_FRAGMENTS,		/* u64, fragments kept */
	CAPWAP_LSC_STATS_A_REASSEMBLED,		/* u64, messages completed */
	CAPWAP_LSC_STATS_A_DROPPED,		/* u64, valid but unwanted */
	/* u64, CSRs refused: max_pending_requests were waiting */
	CAPWAP_LSC_STATS_A_QUEUE_FULL,
	CAPWAP_LSC_STATS_A_TX_ERRORS,		/* u64 */
	/* u64, of TIMEOUTS: no message for the dead interval */
	CAPWAP_LSC_STATS_A_SILENT_SESSIONS,
	/* u64, AP records dropped to make room for a Join */
	CAPWAP_LSC_STATS_A_RECORDS_EVICTED,
	/* u64, AP records dropped after long without a session */
	CAPWAP_LSC_STATS_A_RECORDS_EXPIRED,
	/* u64, requests no helper accepted within request_timeout_s */
	CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED,
	/* u64, Joins dropped by the per-source rate limit */
	CAPWAP_LSC_STATS_A_JOINS_LIMITED,
	/*
	 * u64, messages dropped because their AP joined from another
	 * address between their lookup and their handling
	 */
	CAPWAP_LSC_STATS_A_STALE_SOURCE,
	/*
	 * u64, ended sessions whose unbind found a newer binding: the AP
	 * had joined again, or another AP had joined from its address
	 */
	CAPWAP_LSC_STATS_A_UNBINDS_SKIPPED,
	/*
	 * u64, sessions ended by another AP's Join from the same address
	 * and port
	 */
	CAPWAP_LSC_STATS_A_SESSIONS_DISPLACED,
	/* u64, datagrams relayed to lscd on "dtls" */
	CAPWAP_LSC_STATS_A_DTLS_RELAYED,
	/* u64, datagrams not relayed: the per-source limit */
	CAPWAP_LSC_STATS_A_DTLS_RELAY_LIMITED,
	/* u64, datagrams not relayed: nobody listening, or no memory */
	CAPWAP_LSC_STATS_A_DTLS_RELAY_LOST,
	/* u64, records dropped: they did not authenticate */
	CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH,
	/* u64, records dropped: sequence number seen or left of the window */
	CAPWAP_LSC_STATS_A_DTLS_DROP_REPLAY,
	/* u64, records dropped: another epoch than the keys' */
	CAPWAP_LSC_STATS_A_DTLS_DROP_EPOCH,
	/* u64, associations the peer ended (close_notify or fatal alert) */
	CAPWAP_LSC_STATS_A_DTLS_CLOSED,
	/* u64, Joins over DTLS whose MAC is not the one the handshake bound */
	CAPWAP_LSC_STATS_A_DTLS_JOIN_MISMATCH,
	/* u64, clear-text messages dropped: DTLS required, or its AP's is */
	CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED,
	/* u64 each, handshakes lscd reported (DTLS_HANDSHAKE) */
	CAPWAP_LSC_STATS_A_DTLS_HS_STARTED,
	/* u64, key blocks taken: handshakes completed */
	CAPWAP_LSC_STATS_A_DTLS_HS_COMPLETED,
	CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_AUTH,
	CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_COOKIE,
	CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_TIMEOUT,
	CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_POLICY,
	CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_IDENTITY,
	CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_HANDOVER,
	/*
	 * u64, RFC 5415's FailedDTLSSessionCount (every failure but a
	 * cookie's: no association) and FailedDTLSAuthFailCount
	 */
	CAPWAP_LSC_STATS_A_DTLS_FAILED_SESSIONS,
	CAPWAP_LSC_STATS_A_DTLS_FAILED_AUTH_FAILS,
	/* u64, handshakes in progress when lscd stopped (DTLS_HANDSHAKE) */
	CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_ABANDONED,
	/* u64, associations the controller ended with its close_notify */
	CAPWAP_LSC_STATS_A_DTLS_CLOSE_SENT,
	/* u64, of those: no Join within WaitJoin (RFC 5415 section 4.7) */
	CAPWAP_LSC_STATS_A_DTLS_WAIT_JOIN,
	/* u64, records dropped: their association is being deleted */
	CAPWAP_LSC_STATS_A_DTLS_DROP_DELETED,
	/* u64, ClientHellos the kernel answered with a HelloVerifyRequest */
	CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT,
	/*
	 * u64, ClientHellos whose cookie the kernel verified: relayed past
	 * the limit for all sources
	 */
	CAPWAP_LSC_STATS_A_DTLS_COOKIES_VERIFIED,
	__CAPWAP_LSC_STATS_A_LAST
};
#define CAPWAP_LSC_STATS_A_MAX (__CAPWAP_LSC_STATS_A_LAST - 1)

/* Events an AP's record keeps, the newest replacing the oldest. */
#define CAPWAP_LSC_HISTORY_LEN 16

/*
 * What happened to an AP (CAPWAP_LSC_EV_A_TYPE).  After each, the
 * attributes it carries besides TYPE, TIME and MAC.
 */
enum capwap_lsc_event_type {
	CAPWAP_LSC_EV_UNSPEC,
	/*
	 * a Join opened a session: CERT_TYPE, the certificate it presented;
	 * ADDR, where it came from; AUTHENTICATED, 1 when it came inside an
	 * authenticated DTLS session (0: clear text, whoever sent it)
	 */
	CAPWAP_LSC_EV_JOIN,
	/* the CAPWAP session moved: SESSION, OLD_SESSION */
	CAPWAP_LSC_EV_SESSION,
	/* the LSC provisioning state moved: STATE, OLD_STATE */
	CAPWAP_LSC_EV_STATE,
	/* the AP's CSR waits for lscd: ATTEMPT, REQUEST_ID, FLAGS (RENEWAL) */
	CAPWAP_LSC_EV_CERT_REQUEST,
	/* lscd's COMPLETE: RESULT, REQUEST_ID, REASON on failure */
	CAPWAP_LSC_EV_ENROLL,
	/* the certificates went out to the AP */
	CAPWAP_LSC_EV_DELIVERY,
	/* the AP's INSTALL_RESULT: RESULT, REASON when the AP gave one */
	CAPWAP_LSC_EV_INSTALL,
	/* an attempt failed: RESULT, ATTEMPT (failed so far), REASON */
	CAPWAP_LSC_EV_ATTEMPT_FAILED,
	/* the AP gave up on an LSC and keeps its MIC: ATTEMPT */
	CAPWAP_LSC_EV_FALLBACK,
	/* the session ended: END_REASON, OLD_SESSION (where it was) */
	CAPWAP_LSC_EV_SESSION_END,
	__CAPWAP_LSC_EV_MAX
};

/* Why a session ended (CAPWAP_LSC_EV_A_END_REASON). */
enum capwap_lsc_end_reason {
	CAPWAP_LSC_END_SILENT,		/* no message for the dead interval */
	CAPWAP_LSC_END_NO_ANSWER,	/* our request went unanswered */
	CAPWAP_LSC_END_REJOIN,		/* the AP joined again */
	CAPWAP_LSC_END_RESET,		/* the AP sent a Reset Request */
	CAPWAP_LSC_END_DISPLACED,	/* another AP joined from its address */
	CAPWAP_LSC_END_EVICTED,		/* its record made room for a Join */
	CAPWAP_LSC_END_REFUSED,		/* its LSC Join was refused */
	/* its DTLS session ended (RFC 5415 section 2.3): */
	CAPWAP_LSC_END_DTLS_DISCONNECT,	/* the AP's close_notify */
	CAPWAP_LSC_END_DTLS_ABORTED,	/* the AP's fatal alert */
	/* lscd closed it, a new association replaced it, or DTLS went off */
	CAPWAP_LSC_END_DTLS_CLOSED,
	CAPWAP_LSC_END_CLEAR_REFUSED,	/* clear text, and DTLS became required */
	__CAPWAP_LSC_END_MAX
};

enum capwap_lsc_ev_attr {
	CAPWAP_LSC_EV_A_UNSPEC,
	CAPWAP_LSC_EV_A_TYPE,		/* u8, enum capwap_lsc_event_type */
	CAPWAP_LSC_EV_A_TIME,		/* u64, ns since the epoch */
	CAPWAP_LSC_EV_A_MAC,		/* binary, 6 bytes (not in HISTORY) */
	CAPWAP_LSC_EV_A_CERT_TYPE,	/* u8, enum capwap_lsc_cert_type */
	CAPWAP_LSC_EV_A_SESSION,	/* u8, enum capwap_lsc_session_state */
	CAPWAP_LSC_EV_A_OLD_SESSION,	/* u8, enum capwap_lsc_session_state */
	CAPWAP_LSC_EV_A_STATE,		/* u8, enum capwap_lsc_ap_state */
	CAPWAP_LSC_EV_A_OLD_STATE,	/* u8, enum capwap_lsc_ap_state */
	CAPWAP_LSC_EV_A_ATTEMPT,	/* u8 */
	CAPWAP_LSC_EV_A_RESULT,		/* u8, enum capwap_lsc_result */
	CAPWAP_LSC_EV_A_END_REASON,	/* u8, enum capwap_lsc_end_reason */
	CAPWAP_LSC_EV_A_REQUEST_ID,	/* u64 (not in HISTORY) */
	CAPWAP_LSC_EV_A_REASON,		/* string (not in HISTORY) */
	CAPWAP_LSC_EV_A_FLAGS,		/* u32, enum capwap_lsc_flag */
	CAPWAP_LSC_EV_A_PAD,
	CAPWAP_LSC_EV_A_ADDR,		/* binary, struct sockaddr_in */
	CAPWAP_LSC_EV_A_AUTHENTICATED,	/* u8, 0 or 1 */
	__CAPWAP_LSC_EV_A_LAST
};
#define CAPWAP_LSC_EV_A_MAX (__CAPWAP_LSC_EV_A_LAST - 1)

/*
 * What keyctl read returns for a key of type "capwap_lsc_ap" in the
 * keyring ".capwap_lsc": one AP's provisioning record, host byte order,
 * strings NUL-terminated (truncated when longer).
 */
struct capwap_lsc_ap_record {
	__u8 mac[CAPWAP_LSC_MAC_LEN];
	__u8 state;		/* enum capwap_lsc_ap_state */
	__u8 session;		/* enum capwap_lsc_session_state */
	__u8 cert_type;		/* enum capwap_lsc_cert_type */
	__u8 mode;		/* enum capwap_lsc_ap_mode */
	__u8 attempts;
	__u8 last_result;	/* enum capwap_lsc_result */
	__u32 fallbacks;
	__u64 joined_since;	/* seconds since the epoch */
	__u64 request_id;
	char model[32];
	char serial[32];
	char last_error[64];	/* CAPWAP_LSC_AP_A_LAST_ERROR has it whole */
};

#endif /* _UAPI_LINUX_CAPWAP_LSC_H */
