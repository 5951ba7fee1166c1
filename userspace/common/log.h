/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_LOG_H
#define LSC_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* syslog(3) priorities, so journald can read them from the line prefix. */
enum lsc_log_level {
	LSC_LOG_ERR = 3,
	LSC_LOG_WARNING = 4,
	LSC_LOG_NOTICE = 5,
	LSC_LOG_INFO = 6,
	LSC_LOG_DEBUG = 7,
};

void lsc_log_init(const char *progname, enum lsc_log_level max_level);
void lsc_log_set_level(enum lsc_log_level max_level);
bool lsc_log_enabled(enum lsc_log_level level);
void lsc_log(enum lsc_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lsc_vlog(enum lsc_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define lsc_err(...) lsc_log(LSC_LOG_ERR, __VA_ARGS__)
#define lsc_warn(...) lsc_log(LSC_LOG_WARNING, __VA_ARGS__)
#define lsc_notice(...) lsc_log(LSC_LOG_NOTICE, __VA_ARGS__)
#define lsc_info(...) lsc_log(LSC_LOG_INFO, __VA_ARGS__)
#define lsc_debug(...) lsc_log(LSC_LOG_DEBUG, __VA_ARGS__)

#endif /* LSC_LOG_H */
