/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_NUMPARSE_H
#define LSC_NUMPARSE_H

/*
 * Numbers from the command line and configuration files.  Each takes the
 * whole string or nothing: no sign, no leading or trailing spaces, no
 * other base than ten.  Each returns 0 or -EINVAL.
 */

/* A decimal integer from min to max. */
int lsc_parse_uint(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out);
/* A decimal number from min to max, fractions allowed. */
int lsc_parse_double(const char *s, double min, double max, double *out);
/* Seconds from 0 to max_s, fractions allowed, into milliseconds. */
int lsc_parse_secs(const char *s, double max_s, unsigned int *ms);

#endif /* LSC_NUMPARSE_H */
