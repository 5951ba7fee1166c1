// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the running daemon, for the commands that signal it (lscd renew
 * --controller, lscctl config of the DTLS trust settings).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "running.h"

/*
 * Is PID an lscd?  Compared by executable: the caller's own (lscd renew),
 * else by name (lscctl, or an lscd upgraded under its daemon).
 */
static bool is_lscd(long pid)
{
	char self[4096], other[4096], link[64];
	const char *base;
	ssize_t a, b;

	snprintf(link, sizeof(link), "/proc/%ld/exe", pid);
	a = readlink("/proc/self/exe", self, sizeof(self) - 1);
	b = readlink(link, other, sizeof(other) - 1);
	if (a <= 0 || b <= 0)
		return false;
	self[a] = other[b] = '\0';
	/* An upgrade replaces the file under the running daemon. */
	if (b > 10 && !strcmp(other + b - 10, " (deleted)"))
		other[b - 10] = '\0';
	if (!strcmp(self, other))
		return true;
	base = strrchr(other, '/') ? strrchr(other, '/') + 1 : other;
	/* lscd-asan: the same daemon, built for the tests. */
	return !strcmp(base, "lscd") || !strcmp(base, "lscd-asan");
}

int lscd_running(const char *state_dir, long *pid, char *why, size_t size)
{
	char *path = NULL, buf[32];
	ssize_t n;
	int fd, rc;

	if (asprintf(&path, "%s/lscd.pid", state_dir) < 0) {
		snprintf(why, size, "out of memory");
		return -ENOMEM;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = errno == ENOENT ? 0 : -errno;
		snprintf(why, size, "lscd is not running: %s: %s", path,
			 strerror(errno));
		goto out;
	}
	/* The daemon holds the lock for its whole life; if we get it, none runs. */
	if (!flock(fd, LOCK_SH | LOCK_NB)) {
		snprintf(why, size,
			 "lscd is not running: nobody holds %s (left by a daemon that was killed)",
			 path);
		rc = 0;
		goto out;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	*pid = strtol(buf, NULL, 10);
	if (*pid <= 1) {
		snprintf(why, size, "%s: no pid in it", path);
		rc = -EINVAL;
	} else if (!is_lscd(*pid)) {
		snprintf(why, size, "pid %ld from %s is not lscd: not signalled",
			 *pid, path);
		rc = -ESRCH;
	} else {
		rc = 1;
	}
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}
