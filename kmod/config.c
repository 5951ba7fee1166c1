// SPDX-License-Identifier: GPL-2.0
/*
 * The operator's settings: what the APs are asked for (subject, key,
 * validity, attempts), which of them are provisioned, the challenge
 * password their requests carry, and what lscd reported about the
 * controller's own certificates.  Netlink writes them in process context;
 * the per-AP machine reads them in softirq, so one spinlock taken with
 * bottom halves off guards them all.  Settings do not survive an unload:
 * lscd sends them again when it starts.
 */

#include <linux/slab.h>
#include <linux/spinlock.h>

#include "config.h"
#include "provlist.h"
#include "wire.h"

#include "capwap_lsc.h"

static DEFINE_SPINLOCK(cfg_lock);
static struct capwap_lsc_config cfg = {
	.mode = CAPWAP_LSC_PROVISION_OFF,
	.key_type = CAPWAP_LSC_KEY_RSA,
	.key_bits = 2048,
	.max_attempts = 4,
};
static struct capwap_lsc_controller ctrl;
/*
 * The challenge password for the APs' requests, under cfg_lock; NULL for
 * none.  Apart from cfg, which is copied onto stacks and into replies.
 */
static char *ap_challenge;

const char *capwap_lsc_ac_name(void)
{
	return "capwap_lsc";
}

void capwap_lsc_config_get(struct capwap_lsc_config *c)
{
	spin_lock_bh(&cfg_lock);
	*c = cfg;
	spin_unlock_bh(&cfg_lock);
}

void capwap_lsc_config_set(const struct capwap_lsc_config *c)
{
	spin_lock_bh(&cfg_lock);
	cfg = *c;
	spin_unlock_bh(&cfg_lock);
}

u8 capwap_lsc_config_max_attempts(void)
{
	u8 max;

	spin_lock_bh(&cfg_lock);
	max = cfg.max_attempts;
	spin_unlock_bh(&cfg_lock);
	return max;
}

bool capwap_lsc_config_provisions(const u8 *mac)
{
	bool on, listed;

	spin_lock_bh(&cfg_lock);
	on = cfg.enabled && cfg.mode != CAPWAP_LSC_PROVISION_OFF;
	listed = cfg.mode == CAPWAP_LSC_PROVISION_ALL ||
		 capwap_lsc_provlist_contains(mac);
	spin_unlock_bh(&cfg_lock);
	return on && listed;
}

/*
 * Under the lock: the element points into the settings and the challenge
 * until it is written.
 */
void capwap_lsc_config_put_params(struct capwap_builder *b, u8 attempts,
				  bool renewal)
{
	struct capwap_lsc_cert_params p = { };
	unsigned int i;

	spin_lock_bh(&cfg_lock);
	if (ap_challenge) {
		p.challenge = ap_challenge;
		p.challenge_len = strlen(ap_challenge);
	}
	p.key_type = cfg.key_type;
	p.key_bits = cfg.key_bits;
	p.validity_days = cfg.validity_days;
	p.attempts_left = cfg.max_attempts ?
			  cfg.max_attempts - min(attempts, cfg.max_attempts) :
			  255;
	p.flags = renewal ? CAPWAP_LSC_PARAMS_RENEWAL : 0;
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++) {
		if (!cfg.subject[i][0])
			continue;
		p.subject[i] = cfg.subject[i];
		p.subject_len[i] = strlen(cfg.subject[i]);
	}
	capwap_lsc_put_cert_params(b, READ_ONCE(capwap_lsc_vendor_id), &p);
	spin_unlock_bh(&cfg_lock);
}

void capwap_lsc_controller_get(struct capwap_lsc_controller *c)
{
	spin_lock_bh(&cfg_lock);
	*c = ctrl;
	spin_unlock_bh(&cfg_lock);
}

void capwap_lsc_controller_set(const struct capwap_lsc_controller *c)
{
	spin_lock_bh(&cfg_lock);
	ctrl = *c;
	spin_unlock_bh(&cfg_lock);
}

void capwap_lsc_challenge_set(char *c)
{
	char *old;

	spin_lock_bh(&cfg_lock);
	old = ap_challenge;
	ap_challenge = c;
	spin_unlock_bh(&cfg_lock);
	kfree_sensitive(old);
}

bool capwap_lsc_challenge_present(void)
{
	return READ_ONCE(ap_challenge);
}

void capwap_lsc_config_uninit(void)
{
	capwap_lsc_challenge_set(NULL);
}
