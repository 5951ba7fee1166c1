// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "mac.h"

void lsc_mac_format(char out[LSC_MAC_STR_LEN], const uint8_t mac[CAPWAP_LSC_MAC_LEN])
{
	snprintf(out, LSC_MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int lsc_mac_parse(const char *s, uint8_t mac[CAPWAP_LSC_MAC_LEN])
{
	unsigned int n = 0, nibble = 0;
	uint8_t v = 0;

	for (; *s; s++) {
		int d;

		if (*s == ':' || *s == '-' || *s == '.')
			continue;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (n == CAPWAP_LSC_MAC_LEN)
			return -EINVAL;
		v = (uint8_t)(v << 4 | d);
		if (++nibble == 2) {
			mac[n++] = v;
			nibble = 0;
			v = 0;
		}
	}
	return n == CAPWAP_LSC_MAC_LEN && !nibble ? 0 : -EINVAL;
}
