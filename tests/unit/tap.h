/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The project's test output (tests/README.md): a plan line "1..N" first,
 * then one line per case, "ok NAME" or "not ok NAME: why", and a non-zero
 * exit status if any case failed.  tests/run counts a case the plan
 * promised but the program never reported as a failure.
 *
 * A case is a function returning NULL when it passed, or the reason it
 * failed; FAIL() and CHECK() build that reason.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>
#include <stdlib.h>

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

/*
 * Announces how many cases follow.  Called before any work, so that a
 * program that crashes in its set-up still told tests/run what it owed;
 * with TESTS_PLAN_ONLY set it only prints the plan.
 */
static inline void tap_plan(size_t n)
{
	printf("1..%zu\n", n);
	fflush(stdout);
	if (getenv("TESTS_PLAN_ONLY"))
		exit(0);
}

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

/* A table of cases: each returns NULL when it passed, or why it failed. */
struct tap_case {
	const char *name;
	const char *(*fn)(void);
};

#define TAP_COUNT(cases) (sizeof(cases) / sizeof((cases)[0]))

static inline void tap_run(const struct tap_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tap_result(cases[i].name, cases[i].fn());
}

static inline int tap_exit(void)
{
	return tap_failures ? 1 : 0;
}

#endif /* TAP_H */
