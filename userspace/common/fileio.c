// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static int read_fd(int fd, size_t max, uint8_t **data, size_t *len);

int lsc_read_file(const char *path, size_t max, uint8_t **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return read_fd(fd, max, data, len);
}

int lsc_read_regular_file(const char *path, size_t max, uint8_t **data, size_t *len)
{
	struct stat st;
	int fd;

	/* A FIFO would block the open until a writer came: never wait. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -LSC_ENOTREG;
	}
	return read_fd(fd, max, data, len);
}

const char *lsc_file_strerror(int err)
{
	return err == LSC_ENOTREG ? "not a regular file" : strerror(err);
}

/* Reads fd to its end and closes it. */
static int read_fd(int fd, size_t max, uint8_t **data, size_t *len)
{
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	for (;;) {
		ssize_t r;

		if (cap - n < 4096) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			err = -EFBIG;
			break;
		}
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return -ENOMEM;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int lsc_write_file_atomic(const char *path, const void *data, size_t len,
			  mode_t mode)
{
	char *tmp = NULL, *dcopy = NULL;
	int fd = -1, dfd, err;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	/* Set the mode before any byte lands, so a key is never readable. */
	if (fchmod(fd, mode) < 0) {
		err = -errno;
		goto out_unlink;
	}
	err = write_all(fd, data, len);
	if (err)
		goto out_unlink;
	if (fsync(fd) < 0) {
		err = -errno;
		goto out_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		err = -errno;
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err = -errno;
		goto out_unlink;
	}
	/* Until the directory is on disk, a crash may bring the old file back. */
	dcopy = strdup(path);
	if (!dcopy) {
		err = -ENOMEM;
		goto out;
	}
	dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err = -errno;
		goto out;
	}
	err = fsync(dfd) < 0 ? -errno : 0;
	close(dfd);
	goto out;
out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(dcopy);
	free(tmp);
	return err;
}

int lsc_file_guarded(int fd, bool secret, char *why, size_t size)
{
	mode_t others = secret ? (S_IRWXG | S_IRWXO) : (S_IWGRP | S_IWOTH);
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(why, size, "%s", strerror(errno));
		return -errno;
	}
	if (!(st.st_mode & others) && (st.st_uid == 0 || st.st_uid == geteuid()))
		return 0;
	snprintf(why, size, "mode %04o, owner uid %u: %s", (unsigned int)(st.st_mode & 07777),
		 (unsigned int)st.st_uid,
		 secret ? "a secret must be owned by root or lscd's user and readable by no one else (chmod 600)" :
			  "a file of trusted certificates must be owned by root or lscd's user and writable by no one else (chmod go-w)");
	return -EPERM;
}
