// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fileio.h"
#include "log.h"
#include "lscd.h"
#include "trust.h"

int lscd_fp_normalize(const char *in, char out[65])
{
	size_t n = 0;

	for (; *in; in++) {
		if (*in == ':')
			continue;
		if (!isxdigit((unsigned char)*in) || n == 64)
			return -EINVAL;
		out[n++] = (char)tolower((unsigned char)*in);
	}
	out[n] = '\0';
	return n == 64 ? 0 : -EINVAL;
}

static char *state_path(const char *dir, const char *name)
{
	char *p;

	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/*
 * n lines of one fingerprint each; a torn or edited file is refused, not
 * half-read.
 */
static int fps_load(const char *state_dir, const char *name, char (*fps)[65],
		    int n)
{
	char *path = state_path(state_dir, name), *line, *nl;
	uint8_t *data = NULL;
	size_t len = 0;
	int i, rc;

	if (!path)
		return -ENOMEM;
	rc = lsc_read_file(path, 512, &data, &len);
	line = (char *)data;
	for (i = 0; !rc && i < n; i++) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		rc = lscd_fp_normalize(line, fps[i]);
		line = nl ? nl + 1 : line + strlen(line);
	}
	if (rc && rc != -ENOENT)
		lsc_err("%s: not %s SHA-256 fingerprint%s; remove it%s", path,
			n > 1 ? "two lines of a" : "a", n > 1 ? " each" : "",
			n > 1 ? "" : " or run lscd ca accept");
	free(data);
	free(path);
	return rc;
}

static int fps_save(const char *state_dir, const char *name,
		    const char *const *fps, int n)
{
	char *path = state_path(state_dir, name), buf[2 * 65];
	int i, rc = 0;

	if (!path)
		return -ENOMEM;
	for (i = 0; !rc && i < n; i++) {
		rc = lscd_fp_normalize(fps[i], buf + i * 65);
		buf[i * 65 + 64] = '\n';
	}
	if (!rc)
		rc = lsc_write_file_atomic(path, buf, (size_t)n * 65, 0600);
	free(path);
	return rc;
}

int lscd_pin_load(const char *state_dir, char hex[65])
{
	return fps_load(state_dir, LSCD_PIN_FILE, (char (*)[65])hex, 1);
}

int lscd_pin_save(const char *state_dir, const char *fp)
{
	return fps_save(state_dir, LSCD_PIN_FILE, &fp, 1);
}

int lscd_next_load(const char *state_dir, char next[65], char by[65])
{
	char fps[2][65];
	int rc = fps_load(state_dir, LSCD_NEXT_FILE, fps, 2);

	if (!rc) {
		memcpy(next, fps[0], 65);
		memcpy(by, fps[1], 65);
	}
	return rc;
}

int lscd_next_save(const char *state_dir, const char *next, const char *by)
{
	const char *fps[2] = { next, by };

	return fps_save(state_dir, LSCD_NEXT_FILE, fps, 2);
}

void lscd_next_clear(const char *state_dir)
{
	char *path = state_path(state_dir, LSCD_NEXT_FILE);

	if (path && unlink(path) && errno != ENOENT)
		lsc_warn("cannot remove %s: %s", path, strerror(errno));
	free(path);
}

static void ca_usage(FILE *f)
{
	fprintf(f,
		"Usage: lscd ca show [--config FILE] [--state-dir DIR]\n"
		"       lscd ca accept [--config FILE] [--state-dir DIR] FINGERPRINT\n"
		"show: the CA fingerprint lscd trusts, and where that comes from.\n"
		"accept: trust from now on the CA whose certificate has this SHA-256\n"
		"fingerprint (case and colons do not matter), replacing the one lscd\n"
		"recorded; a running lscd takes it at its next CA attempt\n"
		"(ca_retry_interval) or at SIGHUP.  ca_fingerprint in the\n"
		"configuration, when set, wins over it.\n");
}

int lscd_cmd_ca(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *config = LSCD_DEFAULT_CONFIG, *state = NULL, *what;
	bool config_given = false;
	struct lscd_config cfg;
	char err[256], fp[65];
	int c, rc, status = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; config_given = true; break;
		case 's': state = optarg; break;
		case 'h': ca_usage(stdout); return 0;
		default: ca_usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		ca_usage(stderr);
		return 2;
	}
	what = argv[optind++];
	lscd_config_defaults(&cfg);
	if (lscd_config_load(&cfg, config, !config_given, err, sizeof(err))) {
		lsc_err("%s: %s", config, err);
		goto out;
	}
	if (state && lscd_config_set(&cfg, "state_dir", state)) {
		lsc_err("--state-dir: an absolute path is expected");
		status = 2;
		goto out;
	}
	if (!strcmp(what, "show") && optind == argc) {
		rc = lscd_pin_load(cfg.state_dir, fp);
		if (cfg.ca_fingerprint)
			printf("CA pinned by ca_fingerprint in %s: %s\n", config,
			       cfg.ca_fingerprint);
		if (!rc)
			printf("CA recorded in %s/%s: %s%s\n", cfg.state_dir, LSCD_PIN_FILE,
			       fp, cfg.ca_fingerprint ? " (ca_fingerprint wins)" : "");
		else if (rc == -ENOENT)
			printf("No CA recorded in %s yet: lscd trusts the first one it sees\n",
			       cfg.state_dir);
		status = rc && rc != -ENOENT ? 1 : 0;
	} else if (!strcmp(what, "accept") && optind + 1 == argc) {
		if (lscd_fp_normalize(argv[optind], fp)) {
			lsc_err("%s: expected a SHA-256 fingerprint (64 hex digits, colons allowed)",
				argv[optind]);
			status = 2;
			goto out;
		}
		rc = lscd_pin_save(cfg.state_dir, fp);
		if (rc) {
			lsc_err("cannot write %s/%s: %s", cfg.state_dir, LSCD_PIN_FILE,
				strerror(-rc));
			goto out;
		}
		printf("CA %s accepted: recorded in %s/%s\n", fp, cfg.state_dir,
		       LSCD_PIN_FILE);
		if (cfg.ca_fingerprint && strcmp(cfg.ca_fingerprint, fp))
			printf("note: ca_fingerprint in %s (%s) still wins; change it there\n",
			       config, cfg.ca_fingerprint);
		status = 0;
	} else {
		ca_usage(stderr);
		status = 2;
	}
out:
	lscd_config_free(&cfg);
	return status;
}
