/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_LSC_H
#define _CAPWAP_LSC_LSC_H

#include <linux/types.h>
#include <linux/capwap_lsc.h>

struct capwap_lsc_ap;
struct capwap_msg;
struct netlink_ext_ack;

/* The operator's settings; netlink writes them, everyone reads. */
struct capwap_lsc_config {
	bool enabled;
	u8 mode;		/* enum capwap_lsc_provision_mode */
	u8 key_type;
	u8 max_attempts;
	u16 key_bits;
	u32 validity_days;
	char subject[__CAPWAP_LSC_SUBJ_A_LAST][CAPWAP_LSC_MAX_SUBJECT_LEN + 1];
};

/* What lscd reported about the controller's own certificates. */
struct capwap_lsc_controller {
	char ca_url[256];
	u8 ca_present;
	u8 ra_present;
	u8 cert_present;
	bool have_fp;
	u8 ca_fingerprint[CAPWAP_LSC_SHA256_LEN];
	u64 ca_expiry;
	u64 cert_expiry;
};

int capwap_lsc_prov_init(void);
void capwap_lsc_prov_uninit(void);

const char *capwap_lsc_ac_name(void);
void capwap_lsc_config_get(struct capwap_lsc_config *cfg);
void capwap_lsc_config_set(const struct capwap_lsc_config *cfg);
void capwap_lsc_controller_get(struct capwap_lsc_controller *c);
void capwap_lsc_controller_set(const struct capwap_lsc_controller *c);
void capwap_lsc_challenge_set(char *c);
bool capwap_lsc_challenge_present(void);

int capwap_lsc_provlist_add(const u8 *mac);
int capwap_lsc_provlist_del(const u8 *mac);
void capwap_lsc_provlist_flush(void);
unsigned int capwap_lsc_provlist_count(void);
/* Fills @macs with up to @max MACs, back to back; returns how many. */
unsigned int capwap_lsc_provlist_copy(u8 *macs, unsigned int max);

/* Hooks from the control state machine, with ap->lock held. */
void capwap_lsc_prov_run(struct capwap_lsc_ap *ap);
void capwap_lsc_prov_event(struct capwap_lsc_ap *ap,
			   const struct capwap_msg *msg);
void capwap_lsc_prov_response(struct capwap_lsc_ap *ap, u32 type,
			      u32 result);
void capwap_lsc_prov_session_down(struct capwap_lsc_ap *ap);
void capwap_lsc_prov_note_error(struct capwap_lsc_ap *ap, const char *why);
const char *capwap_lsc_prov_last_error(const struct capwap_lsc_ap *ap);
/* From the record's last free, when nobody else can see it. */
void capwap_lsc_prov_free(struct capwap_lsc_ap *ap);
/* An enrollment of the AP is queued, with lscd, or being delivered. */
bool capwap_lsc_prov_busy(const struct capwap_lsc_ap *ap);
/* The record goes away: no request, CSR or certificate of it remains. */
void capwap_lsc_prov_forget(struct capwap_lsc_ap *ap);

struct capwap_lsc_accepted {
	u64 id;
	u8 mac[CAPWAP_LSC_MAC_LEN];
	char model[32];
	char serial[32];
	bool renewal;
	u8 *csr;		/* kmalloc'd, the caller frees it */
	u16 csr_len;
};

/* The request queue, driven by netlink. */
int capwap_lsc_req_accept(u64 id, u32 portid,
			  struct capwap_lsc_accepted *out);
/* What the helper read in the certificate it completes a request with. */
struct capwap_lsc_issued {
	u64 expiry;		/* notAfter, seconds since the epoch; 0 unknown */
	bool have_issuer;
	u8 issuer_hash[CAPWAP_LSC_SHA256_LEN];
};

int capwap_lsc_req_complete(u64 id, u32 portid, u8 result,
			    const char *reason, const u8 *const *der,
			    const u32 *len, unsigned int n,
			    const struct capwap_lsc_issued *issued,
			    struct netlink_ext_ack *extack);
/* ap->lock held: false when nothing is known of the AP's LSC. */
bool capwap_lsc_prov_issued(const struct capwap_lsc_ap *ap,
			    struct capwap_lsc_issued *out);
void capwap_lsc_req_release(u32 portid);
int capwap_lsc_renew(const u8 *mac);
unsigned int capwap_lsc_req_waiting(void);

#endif /* _CAPWAP_LSC_LSC_H */
