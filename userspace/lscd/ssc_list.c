// SPDX-License-Identifier: GPL-2.0
/* ssc_allow_file's lines (ssc_list.h). */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "hex.h"
#include "mac.h"
#include "ssc_list.h"

/* The next word of [*p, end): its start and length, 0 when none. */
static size_t word(const char **p, const char *end, const char **start)
{
	while (*p < end && isspace((unsigned char)**p))
		(*p)++;
	*start = *p;
	while (*p < end && !isspace((unsigned char)**p))
		(*p)++;
	return (size_t)(*p - *start);
}

int lscd_ssc_line(const char *line, size_t len, uint8_t mac[CAPWAP_LSC_MAC_LEN],
		  uint8_t spki_sha256[32])
{
	const char *end = memchr(line, '#', len), *p = line, *w;
	char mac_s[32], hex[128];	/* 64 digits and colons between them fit */
	size_t n;

	if (!end)
		end = line + len;
	n = word(&p, end, &w);
	if (!n)
		return 0;
	if (n >= sizeof(mac_s))
		return -EINVAL;
	memcpy(mac_s, w, n);
	mac_s[n] = '\0';
	n = word(&p, end, &w);
	if (n >= sizeof(hex))
		return -EINVAL;
	memcpy(hex, w, n);
	hex[n] = '\0';
	if (word(&p, end, &w) || lsc_mac_parse(mac_s, mac) ||
	    lsc_hex_decode(spki_sha256, 32, hex) != 32)
		return -EINVAL;
	return 1;
}

int lscd_ssc_list_each(const char *text, size_t len,
		       int (*fn)(void *arg, unsigned int lineno, const char *line,
				 size_t len),
		       void *arg)
{
	const char *p = text, *end = text + len, *nl;
	unsigned int lineno = 0;
	int rc;

	if (memchr(text, '\0', len))
		return -EINVAL;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		rc = fn(arg, ++lineno, p, (size_t)(nl - p));
		if (rc)
			return rc;
		p = nl + 1;
	}
	return 0;
}
