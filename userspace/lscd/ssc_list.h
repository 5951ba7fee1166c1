/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_SSC_LIST_H
#define LSCD_SSC_LIST_H

/*
 * ssc_allow_file, the self-signed AP certificates authorised: one
 * "MAC SHA-256-of-SubjectPublicKeyInfo" a line (the hash in hex, colons
 * allowed), '#' to the end of a line a comment.  lscd, which trusts what
 * it reads, and lscctl, which writes and shows it, parse it here alike.
 */

#include <stddef.h>
#include <stdint.h>

#include <linux/capwap_lsc.h>

/* Far above any fleet's list; lscd reads it whole. */
#define LSCD_SSC_LIST_MAX (1u << 20)

/*
 * One line (without its '\n'): 1 and the entry, 0 for a blank or comment
 * line, -EINVAL for anything else (a third word, a bad MAC or hash).
 */
int lscd_ssc_line(const char *line, size_t len, uint8_t mac[CAPWAP_LSC_MAC_LEN],
		  uint8_t spki_sha256[32]);

/*
 * Each line of text (len bytes) to fn, with its number; stops at fn's
 * first non-zero return and returns it.  A NUL byte is -EINVAL: the file
 * is not text, and a reader stopping there would see less than another.
 */
int lscd_ssc_list_each(const char *text, size_t len,
		       int (*fn)(void *arg, unsigned int lineno, const char *line,
				 size_t len),
		       void *arg);

#endif /* LSCD_SSC_LIST_H */
