/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The project's test output: one line per case, "ok NAME" or
 * "not ok NAME: why", and a non-zero exit status if any case failed.
 *
 * A case is a function returning NULL when it passed, or the reason it
 * failed; FAIL() and CHECK() build that reason.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>

static int tap_failures;
static char tap_why[512];

#define FAIL(...)							\
	do {								\
		snprintf(tap_why, sizeof(tap_why), __VA_ARGS__);	\
		return tap_why;						\
	} while (0)

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			FAIL(__VA_ARGS__);				\
	} while (0)

static inline void tap_result(const char *name, const char *why)
{
	if (why) {
		tap_failures++;
		printf("not ok %s: %s\n", name, why);
	} else {
		printf("ok %s\n", name);
	}
	fflush(stdout);
}

static inline int tap_exit(void)
{
	return tap_failures ? 1 : 0;
}

#endif /* TAP_H */
