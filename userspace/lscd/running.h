/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_RUNNING_H
#define LSCD_RUNNING_H

#include <stddef.h>

/*
 * Whether an lscd runs on state_dir: its pid file is locked for the
 * daemon's whole life, and the pid in it still names an lscd (a pid is
 * recycled).  Returns 1 with *pid, 0 when none runs, or a negative errno;
 * why says which, in words, for 0 and errors.
 */
int lscd_running(const char *state_dir, long *pid, char *why, size_t size);

/*
 * What a running lscd reads, recorded next to its pid file (lscd.run) for
 * lscctl: its pid, the configuration file it loads at each SIGHUP (made
 * absolute, symlinks kept: it is opened by that name each time), and
 * the keys its command line sets over that file's (names only: a value
 * may be a secret).
 */
#define LSCD_RUNNING_MAX_KEYS 64
struct lscd_running_info {
	long pid;			/* whose record: a killed lscd leaves one */
	char config[4096];
	char keys[LSCD_RUNNING_MAX_KEYS][64];
	unsigned int nkeys;
};

/* Writes the record (atomically); 0 or a negative errno. */
int lscd_running_record(const char *state_dir, const char *config_path,
			const char *const *keys, unsigned int nkeys);
void lscd_running_unrecord(const char *state_dir);
/* Reads it: 0, or a negative errno (-ENOENT: none, from an older lscd). */
int lscd_running_info(const char *state_dir, struct lscd_running_info *info);
/* Do the two paths name one file (symlinks followed, as lscd opens it)? */
int lscd_running_same_file(const char *a, const char *b);
/* Is key among the keys the running lscd's command line sets? */
int lscd_running_overrides(const struct lscd_running_info *info, const char *key);

#endif /* LSCD_RUNNING_H */
