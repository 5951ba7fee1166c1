/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_TERMSAFE_H
#define LSC_TERMSAFE_H

#include <stddef.h>

/*
 * @in as it may be printed on an operator's terminal or in a log: every
 * control character (C0, DEL, C1) and every bidirectional override or
 * isolate becomes '?'.  Text a peer or a CA chose must not move the
 * cursor, retitle the window or reorder what the operator reads.  The
 * result, cut to fit @size, is in @out; returns @out.
 */
char *lsc_term_safe(char *out, size_t size, const char *in);

#endif
