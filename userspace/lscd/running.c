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
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
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

static char *record_path(const char *state_dir)
{
	char *path;

	return asprintf(&path, "%s/lscd.run", state_dir) < 0 ? NULL : path;
}

int lscd_running_record(const char *state_dir, const char *config_path,
			const char *const *keys, unsigned int nkeys)
{
	char *path = record_path(state_dir), *abs = NULL, *cwd;
	char text[8192];
	size_t n;
	unsigned int i;
	int rc;

	/* Relative names are resolved as lscd resolves them: from its cwd. */
	if (config_path[0] != '/') {
		cwd = getcwd(NULL, 0);
		if (cwd && asprintf(&abs, "%s/%s", cwd, config_path) < 0)
			abs = NULL;
		free(cwd);
	}
	n = (size_t)snprintf(text, sizeof(text), "pid %d\nconfig %s\n", (int)getpid(),
			     abs ? abs : config_path);
	for (i = 0; i < nkeys && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "set %s\n", keys[i]);
	rc = !path ? -ENOMEM : n >= sizeof(text) ? -E2BIG :
	     lsc_write_file_atomic(path, text, n, 0644);
	/* Better none than one of an lscd before, killed: it would mislead. */
	if (rc && path)
		unlink(path);
	free(abs);
	free(path);
	return rc;
}

void lscd_running_unrecord(const char *state_dir)
{
	char *path = record_path(state_dir);

	if (path)
		unlink(path);
	free(path);
}

int lscd_running_info(const char *state_dir, struct lscd_running_info *info)
{
	char *path = record_path(state_dir), *line, *nl;
	uint8_t *text = NULL;
	size_t len;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = path ? lsc_read_regular_file(path, 16384, &text, &len) : -ENOMEM;
	free(path);
	if (rc)
		return rc;
	for (line = (char *)text; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (!strncmp(line, "pid ", 4))
			info->pid = strtol(line + 4, NULL, 10);
		else if (!strncmp(line, "config ", 7))
			snprintf(info->config, sizeof(info->config), "%s", line + 7);
		else if (!strncmp(line, "set ", 4) && info->nkeys < LSCD_RUNNING_MAX_KEYS)
			snprintf(info->keys[info->nkeys++], sizeof(info->keys[0]), "%s",
				 line + 4);
	}
	free(text);
	return info->config[0] ? 0 : -EINVAL;
}

int lscd_running_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) || stat(b, &sb))
		return !strcmp(a, b);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int lscd_running_overrides(const struct lscd_running_info *info, const char *key)
{
	unsigned int i;

	for (i = 0; i < info->nkeys; i++)
		if (!strcmp(info->keys[i], key))
			return 1;
	return 0;
}
