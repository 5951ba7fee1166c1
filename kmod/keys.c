// SPDX-License-Identifier: GPL-2.0
/*
 * The module's keyring ".capwap_lsc" and its key type "capwap_lsc_ap".
 *
 * The keyring is owned by root and grants nothing to other users, so no
 * unprivileged process can list, read or link into it; it is reachable
 * from no process keyring, so only the module adds to it.  Each AP is one
 * key whose payload points at the module's live, refcounted AP record:
 * the key is a view (describe, read) and an anchor, not a copy.
 *
 * Nobody but the module may make such a key: preparse wants a per-load
 * random cookie that never leaves the kernel next to the AP pointer.
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/key-type.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/rcupdate.h>

#include "ap.h"
#include "keys.h"

static struct key *capwap_lsc_keyring;
static u64 capwap_lsc_key_cookie __read_mostly;

struct ap_key_prep {
	u64 cookie;
	struct capwap_lsc_ap *ap;
};

static const char *const state_names[__CAPWAP_LSC_AP_STATE_MAX] = {
	"idle", "params-sent", "csr-received", "enrolling", "cert-ready",
	"delivering", "installed", "failed", "fallback", "refused",
};

static const char *const cert_names[__CAPWAP_LSC_CERT_MAX] = {
	"none", "MIC", "SSC", "LSC",
};

const char *capwap_lsc_state_name(unsigned int state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "?";
}

const char *capwap_lsc_cert_name(unsigned int type)
{
	return type < ARRAY_SIZE(cert_names) ? cert_names[type] : "?";
}

static int ap_key_preparse(struct key_preparsed_payload *prep)
{
	const struct ap_key_prep *p = prep->data;

	if (prep->datalen != sizeof(*p) || !p->ap ||
	    p->cookie != capwap_lsc_key_cookie)
		return -EPERM;
	capwap_lsc_ap_get(p->ap);
	prep->payload.data[0] = p->ap;
	prep->quotalen = 0;
	return 0;
}

static void ap_key_free_preparse(struct key_preparsed_payload *prep)
{
	if (prep->payload.data[0])
		capwap_lsc_ap_put(prep->payload.data[0]);
}

static void ap_key_destroy(struct key *key)
{
	struct capwap_lsc_ap *ap = key->payload.data[0];

	if (ap)
		capwap_lsc_ap_put(ap);
	key->payload.data[0] = NULL;
}

static void ap_key_describe(const struct key *key, struct seq_file *m)
{
	struct capwap_lsc_ap_record rec;
	struct capwap_lsc_ap *ap;

	seq_puts(m, key->description);
	ap = key->payload.data[0];
	if (!key_is_positive(key) || !ap)
		return;
	capwap_lsc_ap_record(ap, &rec);
	seq_printf(m, ": %s attempts=%u cert=%s",
		   capwap_lsc_state_name(rec.state), rec.attempts,
		   capwap_lsc_cert_name(rec.cert_type));
}

static long ap_key_read(const struct key *key, char *buffer, size_t buflen)
{
	struct capwap_lsc_ap_record rec;
	struct capwap_lsc_ap *ap = key->payload.data[0];

	if (!ap)
		return -EKEYREVOKED;
	if (buffer && buflen >= sizeof(rec)) {
		capwap_lsc_ap_record(ap, &rec);
		memcpy(buffer, &rec, sizeof(rec));
	}
	return sizeof(rec);
}

static struct key_type capwap_lsc_ap_key_type = {
	.name = "capwap_lsc_ap",
	.preparse = ap_key_preparse,
	.free_preparse = ap_key_free_preparse,
	.instantiate = generic_key_instantiate,
	.destroy = ap_key_destroy,
	.describe = ap_key_describe,
	.read = ap_key_read,
};

/* Process context: key creation allocates and may sleep. */
void capwap_lsc_keys_add_ap(struct capwap_lsc_ap *ap)
{
	struct ap_key_prep prep = {
		.cookie = capwap_lsc_key_cookie,
		.ap = ap,
	};
	char desc[20];
	key_ref_t kref;

	snprintf(desc, sizeof(desc), "%pM", ap->mac);
	kref = key_create_or_update(make_key_ref(capwap_lsc_keyring, true),
				    capwap_lsc_ap_key_type.name, desc,
				    &prep, sizeof(prep),
				    KEY_POS_VIEW | KEY_POS_READ |
				    KEY_POS_SEARCH | KEY_USR_VIEW |
				    KEY_USR_READ,
				    KEY_ALLOC_NOT_IN_QUOTA |
				    KEY_ALLOC_BYPASS_RESTRICTION);
	if (IS_ERR(kref)) {
		pr_warn_ratelimited("no key for AP %pM: %ld\n", ap->mac,
				    PTR_ERR(kref));
		return;
	}
	ap->key = key_ref_to_ptr(kref);
}

void capwap_lsc_keys_del_ap(struct capwap_lsc_ap *ap)
{
	if (!ap->key)
		return;
	key_unlink(capwap_lsc_keyring, ap->key);
	key_put(ap->key);
	ap->key = NULL;
}

int capwap_lsc_keys_init(void)
{
	struct key *keyring;
	int ret;

	get_random_bytes(&capwap_lsc_key_cookie, sizeof(capwap_lsc_key_cookie));
	ret = register_key_type(&capwap_lsc_ap_key_type);
	if (ret)
		return ret;

	keyring = keyring_alloc(".capwap_lsc", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
				current_cred(),
				(KEY_POS_ALL & ~KEY_POS_SETATTR) |
				KEY_USR_VIEW | KEY_USR_READ | KEY_USR_SEARCH,
				KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	if (IS_ERR(keyring)) {
		pr_err("cannot allocate keyring: %ld\n", PTR_ERR(keyring));
		unregister_key_type(&capwap_lsc_ap_key_type);
		return PTR_ERR(keyring);
	}
	capwap_lsc_keyring = keyring;
	return 0;
}

/*
 * unregister_key_type() destroys every remaining key of our type before
 * it returns, dropping their AP references; the AP frees those cause
 * are RCU callbacks of this module, hence the barrier.
 */
void capwap_lsc_keys_uninit(void)
{
	unregister_key_type(&capwap_lsc_ap_key_type);
	rcu_barrier();
	if (!capwap_lsc_keyring)
		return;
	key_revoke(capwap_lsc_keyring);
	key_put(capwap_lsc_keyring);
	capwap_lsc_keyring = NULL;
}
