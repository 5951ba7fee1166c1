/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_HEX_H
#define LSC_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of len bytes into out, which holds 2 * len + 1 bytes. */
void lsc_hex_encode(char *out, const uint8_t *in, size_t len);
/*
 * Decodes hex, ignoring ':' separators and case.  Returns the number of
 * bytes written, or -EINVAL on a malformed string, -ENOSPC if out is short.
 */
int lsc_hex_decode(uint8_t *out, size_t size, const char *hex);

#endif /* LSC_HEX_H */
