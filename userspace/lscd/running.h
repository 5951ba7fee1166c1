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

#endif /* LSCD_RUNNING_H */
