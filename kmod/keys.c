// SPDX-License-Identifier: GPL-2.0
/*
 * The module's keyring ".capwap_lsc".  It is owned by root and grants
 * nothing to other users, so no unprivileged process can list, read or
 * link into it; it is reachable from no process keyring, so only the
 * module adds to it.
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>

#include "capwap_lsc.h"

static struct key *capwap_lsc_keyring;

int capwap_lsc_keys_init(void)
{
	struct key *keyring;

	keyring = keyring_alloc(".capwap_lsc", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
				current_cred(),
				(KEY_POS_ALL & ~KEY_POS_SETATTR) |
				KEY_USR_VIEW | KEY_USR_READ | KEY_USR_SEARCH,
				KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	if (IS_ERR(keyring)) {
		pr_err("cannot allocate keyring: %ld\n", PTR_ERR(keyring));
		return PTR_ERR(keyring);
	}
	capwap_lsc_keyring = keyring;
	return 0;
}

void capwap_lsc_keys_uninit(void)
{
	if (!capwap_lsc_keyring)
		return;
	key_revoke(capwap_lsc_keyring);
	key_put(capwap_lsc_keyring);
	capwap_lsc_keyring = NULL;
}
