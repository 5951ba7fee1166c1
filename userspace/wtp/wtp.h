/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One simulated (or real) AP: its identity and credentials, its CAPWAP
 * control session (session.c) and its LSC provisioning (provision.c).
 * Many of them share one struct wtp_sim: the loop, the key workers and
 * the controller's address.
 */
#ifndef WTP_WTP_H
#define WTP_WTP_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "keygen.h"
#include "loop.h"
#include "lsc.h"
#include "wire.h"

/* RFC 5415 section 4.7 defaults. */
#define WTP_RETRANSMIT_MS	3000
#define WTP_MAX_RETRANSMIT	5
#define WTP_DISCOVERY_INTERVAL	5
#define WTP_MAX_DISCOVERIES	10
#define WTP_SILENT_INTERVAL	30
#define WTP_ECHO_INTERVAL	30
#define WTP_WAIT_JOIN		60

#define WTP_MTU			1400
#define WTP_PKT_MAX		16384
#define WTP_QUEUE_MAX		4

enum wtp_state {
	WTP_S_IDLE,
	WTP_S_DISCOVERY,
	WTP_S_SULKING,
	WTP_S_DTLS,		/* DTLS handshake with the controller */
	WTP_S_JOIN,
	WTP_S_CONFIGURE,	/* Configuration Status Request out */
	WTP_S_DATA_CHECK,	/* Change State Event Request out */
	WTP_S_RUN,
	WTP_S_DONE,		/* stopped for good */
};

/* Where the AP is in LSC provisioning, as the fleet summary counts it. */
enum wtp_lsc_phase {
	WTP_L_NONE,		/* joined with its MIC/SSC, nothing asked */
	WTP_L_KEYGEN,		/* params received, key being made */
	WTP_L_CSR_SENT,
	WTP_L_INSTALLED,	/* LSC installed, rejoining with it */
	WTP_L_LSC,		/* in Run with its LSC */
	WTP_L_FAILED,		/* last attempt failed; may be asked again */
	WTP_L_REFUSED,		/* bridge/mesh: the controller will not */
	WTP_L_FALLBACK,		/* gave up on the LSC, back on the MIC */
};

/* What happened, for the owner's notify hook. */
enum wtp_event {
	WTP_EV_JOINED,		/* in Run (with whatever certificate) */
	WTP_EV_PARAMS,
	WTP_EV_CSR_SENT,
	WTP_EV_INSTALLED,
	WTP_EV_INSTALL_FAILED,
	WTP_EV_LSC_STATUS,	/* the controller reported; see ap->reason */
	WTP_EV_REFUSED,
	WTP_EV_FALLBACK,
	WTP_EV_JOIN_REFUSED,
	WTP_EV_LOST,		/* controller stopped answering in a session */
	WTP_EV_UNREACHABLE,	/* no Discovery Response after MaxDiscoveries */
	WTP_EV_DTLS_FAILED,	/* no DTLS session; see ap->reason */
};

struct wtp_ap;
struct wtp_dtls_ctx;

struct wtp_sim {
	struct wtp_loop loop;
	struct wtp_keypool pool;
	struct sockaddr_in ac;
	uint32_t vendor_id;
	uint32_t retransmit_ms;
	int mtu;
	char keys_from[PATH_MAX];	/* "" when keys are generated */
	uint8_t discovery_interval;	/* until the controller sets it */
	uint8_t lsc_join_attempts;	/* refused LSC joins before the MIC */
	struct wtp_dtls_ctx *dtls;	/* NULL: control messages in clear */
	void (*notify)(struct wtp_ap *ap, enum wtp_event ev);
	void *owner;
};

struct wtp_pkt {
	uint8_t *data;
	size_t len;
	uint32_t type;
	uint8_t seq;
};

struct wtp_ap {
	struct wtp_sim *sim;
	unsigned int index;
	struct wtp_identity id;
	char cn[WTP_CN_MAX];
	char dir[PATH_MAX];
	uint8_t mode;			/* enum capwap_lsc_ap_mode */
	bool corrupt;

	int factory_type;		/* CAPWAP_LSC_CERT_MIC or _SSC */
	EVP_PKEY *factory_key;
	X509 *factory_cert;
	EVP_PKEY *lsc_key;
	X509 *lsc_cert;
	STACK_OF(X509) *lsc_cas;
	bool use_lsc;			/* next join presents the LSC */
	int joined_with;		/* enum capwap_lsc_cert_type */

	struct wtp_io io;
	SSL *ssl;			/* the DTLS session (dtls.c), or NULL */
	bool dtls_up;			/* its handshake completed */
	bool dtls_verified;		/* judge() accepted the controller */
	char dtls_why[256];		/* why the controller's cert was refused */
	struct wtp_timer timer;		/* discovery, retransmission, restart */
	struct wtp_timer echo;
	enum wtp_state state;
	uint8_t seq;
	struct wtp_pkt req;		/* our outstanding request */
	int retransmits;
	uint64_t req_deadline;		/* WaitJoin for the Join Request */
	struct wtp_pkt queue[WTP_QUEUE_MAX];
	int nqueue;
	struct wtp_pkt last_resp;	/* for duplicate requests */
	bool have_last;
	uint16_t frag_id;
	struct capwap_reasm *reasm;
	int discoveries;
	uint8_t echo_interval;
	uint8_t discovery_interval;
	uint8_t session_id[CAPWAP_SESSION_ID_LEN];
	char ac_name[CAPWAP_MAX_NAME_LEN + 1];
	bool reboot_after_event;	/* INSTALL_RESULT success: rejoin */
	bool stop;			/* owner: do not restart */

	enum wtp_lsc_phase lsc;
	struct wtp_keyjob *job;
	bool job_busy;
	EVP_PKEY *new_key;
	STACK_OF(X509) *new_cas;
	uint8_t *csr;			/* DER, sent again when refused */
	size_t csr_len;
	bool csr_again;			/* with the next Echo */
	uint8_t attempts_left;		/* from CERT_PARAMS; 0: unlimited */
	int lsc_join_failures;		/* in a row, against --attempts */
	int failures;			/* failed provisioning attempts */
	int fallbacks;			/* times it went back to its MIC/SSC */
	int last_result;		/* enum capwap_lsc_result */
	int join_result;		/* Result Code of a refused join */
	char reason[CAPWAP_LSC_MAX_REASON_LEN + 1];

	uint64_t t_start, t_joined, t_params, t_lsc;
	uint64_t keygen_us, csr_us, install_us;
	bool pregenerated;
	uint64_t retransmitted, duplicates, malformed;
	uint64_t clear_dropped;		/* clear-text control messages under DTLS */
	uint64_t handshakes, dtls_cpu_ns;	/* completed; CPU in OpenSSL's handshake */
	uint64_t dtls_failures;		/* handshakes that failed or timed out */
};

/* session.c */
/* Opens the AP's socket; its first Discovery goes out after @delay_ms. */
int wtp_ap_start(struct wtp_ap *ap, uint64_t delay_ms);
void wtp_ap_stop(struct wtp_ap *ap);
void wtp_ap_free(struct wtp_ap *ap);
/* Leaves the session and rejoins after @delay_ms ("reboots"). */
void wtp_ap_restart(struct wtp_ap *ap, uint64_t delay_ms);
/* Queues a WTP-initiated request (sent when nothing is outstanding). */
void wtp_ap_request(struct wtp_ap *ap, uint8_t *pkt, size_t len,
		    uint32_t type);
const char *wtp_state_name(enum wtp_state s);
/* From dtls.c: the handshake ended (@ok: the session is up). */
void wtp_ap_dtls_done(struct wtp_ap *ap, bool ok);
/* From dtls.c: one decrypted record, a CAPWAP packet. */
void wtp_ap_dtls_plain(struct wtp_ap *ap, const uint8_t *buf, size_t len);
/* From dtls.c: the session ended (close_notify or an alert); ap->reason. */
void wtp_ap_dtls_lost(struct wtp_ap *ap);
const char *wtp_lsc_phase_name(enum wtp_lsc_phase p);

/* msg.c: each returns a malloc'd packet and its length, or NULL. */
uint8_t *wtp_msg_discovery(struct wtp_ap *ap, size_t *len);
uint8_t *wtp_msg_join(struct wtp_ap *ap, size_t *len);
uint8_t *wtp_msg_config_status(struct wtp_ap *ap, size_t *len);
uint8_t *wtp_msg_change_state(struct wtp_ap *ap, size_t *len);
uint8_t *wtp_msg_echo(struct wtp_ap *ap, size_t *len);
uint8_t *wtp_msg_event_csr(struct wtp_ap *ap, const uint8_t *csr,
			   size_t csr_len, size_t *len);
uint8_t *wtp_msg_event_install(struct wtp_ap *ap, int result,
			       const char *reason, size_t *len);
uint8_t *wtp_msg_response(uint32_t type, uint8_t seq, int result_code,
			  size_t *len);

/* provision.c */
/* Handles a Configuration Update Request: its Result Code. */
int wtp_lsc_config_update(struct wtp_ap *ap, const struct capwap_msg *msg);
/* A WTP Event Response arrived (@ok) or the request was given up. */
void wtp_lsc_event_done(struct wtp_ap *ap, bool ok);
/* The WTP Event Response carried Result Code @rc (not success). */
void wtp_lsc_event_refused(struct wtp_ap *ap, int rc);
/* Sends a refused CSR again, if one waits: true when it did. */
bool wtp_lsc_resend_csr(struct wtp_ap *ap);
/* Session in Run; @refused: the join was refused (Result Code). */
void wtp_lsc_joined(struct wtp_ap *ap);
void wtp_lsc_join_failed(struct wtp_ap *ap);
/* Credentials for the next join: the LSC if usable, else the factory. */
void wtp_lsc_pick_cert(struct wtp_ap *ap, EVP_PKEY **key, X509 **cert,
		       int *type);

#endif /* WTP_WTP_H */
