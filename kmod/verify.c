// SPDX-License-Identifier: GPL-2.0
/*
 * Checking an AP's LSC against the operator's LSC CA with the kernel's
 * own X.509 code.  restrict_link_by_signature() is not exported, but the
 * restriction "key_or_keyring:<ca keyring>:chain" is reachable through
 * keyring_restrict(): an AP certificate joins a throw-away keyring so
 * restricted only when a key of the CA keyring signed it.
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "verify.h"

static DEFINE_MUTEX(ca_mutex);
static struct key *ca_keyring;

#define KEYRING_PERM (KEY_POS_ALL & ~KEY_POS_SETATTR)

static struct key *new_keyring(const char *desc)
{
	return keyring_alloc(desc, GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
			     current_cred(), KEYRING_PERM,
			     KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
}

static int add_cert(struct key *keyring, const u8 *der, size_t len)
{
	key_ref_t kref;

	kref = key_create_or_update(make_key_ref(keyring, true), "asymmetric",
				    NULL, der, len,
				    KEY_POS_VIEW | KEY_POS_READ |
				    KEY_POS_SEARCH,
				    KEY_ALLOC_NOT_IN_QUOTA);
	if (IS_ERR(kref))
		return PTR_ERR(kref);
	key_ref_put(kref);
	return 0;
}

/*
 * The chain comes root last; the CA keyring takes every certificate of
 * it, so an AP certificate issued by an intermediate verifies as well.
 */
int capwap_lsc_verify_set_ca(const u8 *const *der, const u32 *len,
			     unsigned int n)
{
	struct key *keyring;
	unsigned int i;
	int ret;

	keyring = new_keyring(".capwap_lsc_ca");
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	for (i = 0; i < n; i++) {
		ret = add_cert(keyring, der[i], len[i]);
		if (ret) {
			key_revoke(keyring);
			key_put(keyring);
			return ret;
		}
	}
	mutex_lock(&ca_mutex);
	swap(ca_keyring, keyring);
	mutex_unlock(&ca_mutex);
	if (keyring) {
		key_revoke(keyring);
		key_put(keyring);
	}
	return 0;
}

bool capwap_lsc_verify_ca_present(void)
{
	return READ_ONCE(ca_keyring);
}

int capwap_lsc_verify_cert(const u8 *der, size_t len)
{
	char restriction[48];
	struct key *tmp;
	int ret;

	tmp = new_keyring(".capwap_lsc_check");
	if (IS_ERR(tmp))
		return PTR_ERR(tmp);
	mutex_lock(&ca_mutex);
	if (!ca_keyring) {
		mutex_unlock(&ca_mutex);
		ret = -ENOKEY;
		goto out;
	}
	snprintf(restriction, sizeof(restriction), "key_or_keyring:%d:chain",
		 key_serial(ca_keyring));
	ret = keyring_restrict(make_key_ref(tmp, true), "asymmetric",
			       restriction);
	if (!ret)
		ret = add_cert(tmp, der, len);
	mutex_unlock(&ca_mutex);
out:
	key_revoke(tmp);
	key_put(tmp);
	return ret;
}

int capwap_lsc_verify_init(void)
{
	return 0;
}

void capwap_lsc_verify_uninit(void)
{
	mutex_lock(&ca_mutex);
	if (ca_keyring) {
		key_revoke(ca_keyring);
		key_put(ca_keyring);
		ca_keyring = NULL;
	}
	mutex_unlock(&ca_mutex);
}
