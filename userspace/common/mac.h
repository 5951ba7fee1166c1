/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_MAC_H
#define LSC_MAC_H

#include <stdint.h>

#include <linux/capwap_lsc.h>

/* "aa:bb:cc:dd:ee:ff" and its NUL. */
#define LSC_MAC_STR_LEN 18

/* Lower case, colon separated: the form sysfs and every log line use. */
void lsc_mac_format(char out[LSC_MAC_STR_LEN], const uint8_t mac[CAPWAP_LSC_MAC_LEN]);
/*
 * Accepts the forms operators paste from other tools: aa:bb:cc:dd:ee:ff,
 * aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff and aabbccddeeff, in any case.
 * Returns 0 or -EINVAL.
 */
int lsc_mac_parse(const char *s, uint8_t mac[CAPWAP_LSC_MAC_LEN]);

#endif /* LSC_MAC_H */
