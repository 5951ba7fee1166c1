// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "termsafe.h"

/* How many bytes at @s make one character to replace, or 0 to keep it. */
static size_t unsafe_len(const unsigned char *s)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	/* C1 controls, U+0080 to U+009F. */
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	/* U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069. */
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
		return 3;
	return 0;
}

char *lsc_term_safe(char *out, size_t size, const char *in)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0, n;

	if (!size)
		return out;
	while (*s && o + 1 < size) {
		n = unsafe_len(s);
		if (n) {
			out[o++] = '?';
			/* A sequence cut by the string's end stops at its NUL. */
			while (n-- && *s)
				s++;
			continue;
		}
		out[o++] = (char)*s++;
	}
	out[o] = '\0';
	return out;
}
