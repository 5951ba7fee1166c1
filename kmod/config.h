/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_CONFIG_H
#define _CAPWAP_LSC_CONFIG_H

#include <linux/types.h>
#include <linux/capwap_lsc.h>

struct capwap_builder;

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

void capwap_lsc_config_uninit(void);

const char *capwap_lsc_ac_name(void);
void capwap_lsc_config_get(struct capwap_lsc_config *cfg);
void capwap_lsc_config_set(const struct capwap_lsc_config *cfg);
u8 capwap_lsc_config_max_attempts(void);
/* LSC is on, and the AP with @mac is in scope of the provisioning mode. */
bool capwap_lsc_config_provisions(const u8 *mac);
/*
 * Appends CERT_PARAMS with the settings and the challenge, for an AP that
 * made @attempts attempts so far and is renewing when @renewal.
 */
void capwap_lsc_config_put_params(struct capwap_builder *b, u8 attempts,
				  bool renewal);

void capwap_lsc_controller_get(struct capwap_lsc_controller *c);
void capwap_lsc_controller_set(const struct capwap_lsc_controller *c);
/* Takes @c (kmalloc'd, or NULL for none). */
void capwap_lsc_challenge_set(char *c);
bool capwap_lsc_challenge_present(void);

#endif /* _CAPWAP_LSC_CONFIG_H */
