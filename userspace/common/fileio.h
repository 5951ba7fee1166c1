/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_FILEIO_H
#define LSC_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads a whole file (at most max bytes) into a malloc'd, NUL-terminated
 * buffer.  Returns 0 or a negative errno (-EFBIG when over max). */
int lsc_read_file(const char *path, size_t max, uint8_t **data, size_t *len);

/* Beyond the kernel's errnos: what lsc_read_regular_file refuses. */
#define LSC_ENOTREG 4096
/*
 * lsc_read_file for a file others may have put anything at: a FIFO or a
 * device is refused (-LSC_ENOTREG) without blocking on its open.
 */
int lsc_read_regular_file(const char *path, size_t max, uint8_t **data, size_t *len);
/* strerror() that knows LSC_ENOTREG. */
const char *lsc_file_strerror(int err);

/*
 * Whether the file open at @fd may hold what the daemon trusts: owned by
 * root or by the effective user, and writable by no one else; with
 * @secret (a key, a challenge), readable by no one else either.  Returns 0,
 * or -EPERM with its mode and owner, and what to do, in @why.
 */
int lsc_file_guarded(int fd, bool secret, char *why, size_t size);

/*
 * Replaces path with data so that a crash leaves either the old or the new
 * file, never a torn one: a temporary file in the same directory, written
 * and fsync'd with the final mode (0600 for keys), renamed over path, then
 * the directory fsync'd.  Returns 0 or a negative errno; a failure after
 * the rename (the directory's fsync) is one too: the new file is in place
 * but a crash may still bring the old one back.
 */
int lsc_write_file_atomic(const char *path, const void *data, size_t len,
			  mode_t mode);

#endif /* LSC_FILEIO_H */
