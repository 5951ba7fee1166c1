/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_VERIFY_H
#define _CAPWAP_LSC_VERIFY_H

#include <linux/types.h>

int capwap_lsc_verify_init(void);
void capwap_lsc_verify_uninit(void);

/* Process context.  Replaces the trusted LSC CA chain. */
int capwap_lsc_verify_set_ca(const u8 *const *der, const u32 *len,
			     unsigned int n);
bool capwap_lsc_verify_ca_present(void);
/* 0 when @der chains to the LSC CA, else -errno.  Sleeps. */
int capwap_lsc_verify_cert(const u8 *der, size_t len);

#endif /* _CAPWAP_LSC_VERIFY_H */
