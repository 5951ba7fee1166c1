// SPDX-License-Identifier: GPL-2.0
/*
 * Logging to stderr, one line per call.  Under systemd (JOURNAL_STREAM
 * set) each line carries a "<N>" priority prefix instead of the program
 * name, which journald turns into the entry's priority.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "lsc";
static enum lsc_log_level log_max = LSC_LOG_INFO;
static bool log_journal;

void lsc_log_init(const char *progname, enum lsc_log_level max_level)
{
	const char *slash = progname ? strrchr(progname, '/') : NULL;

	if (progname)
		log_prog = slash ? slash + 1 : progname;
	log_max = max_level;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void lsc_log_set_level(enum lsc_log_level max_level)
{
	log_max = max_level;
}

bool lsc_log_enabled(enum lsc_log_level level)
{
	return level <= log_max;
}

void lsc_vlog(enum lsc_log_level level, const char *fmt, va_list ap)
{
	char line[2048];
	int n;

	if (level > log_max)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* One fprintf per line keeps lines of concurrent threads whole. */
	if (log_journal)
		fprintf(stderr, "<%d>%s\n", (int)level, line);
	else
		fprintf(stderr, "%s: %s\n", log_prog, line);
}

void lsc_log(enum lsc_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lsc_vlog(level, fmt, ap);
	va_end(ap);
}
