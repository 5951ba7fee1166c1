/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCCTL_SAVED_H
#define LSCCTL_SAVED_H

/*
 * The saved configuration: every setting "lscctl config" makes, kept in
 * one file (/etc/capwap-lsc/startup.conf) that the module's modprobe.d
 * hook applies each time the module loads.  The file is a list of
 * "lscctl config" command lines without the word "config", one setting a
 * line, so that an operator reads it as the commands that made it and a
 * new setting is a new word, never a new format.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/capwap_lsc.h>

#define LSC_SAVED_PATH "/etc/capwap-lsc/startup.conf"
/* Overrides LSC_SAVED_PATH (tests, a second instance). */
#define LSC_SAVED_ENV "LSCCTL_STARTUP_CONF"
/* Far above what a provision list GET_CONFIG can show takes. */
#define LSC_SAVED_MAX_SIZE (4u << 20)
/*
 * The "format" line of a file this lscctl writes.  Files of 0.1.0 have
 * none and hold the whole configuration, "dtls off" included, from when
 * off was the default: their dtls off|on is ignored, so an upgrade does
 * not turn clear text back on unasked.
 */
#define LSC_SAVED_FORMAT 2
#define LSC_SAVED_FORMAT_WORD "2"
#define LSC_SAVED_DTLS_IGNORED \
	"saved file predates DTLS required; its dtls line is ignored and the module stays in required; 'lscctl config dtls off' to keep the lab mode"

/* The module's own limit on a subject value, told here with the line. */
#define LSC_SAVED_MAX_VALUE CAPWAP_LSC_MAX_SUBJECT_LEN

/* The settings, in the order the file lists them. */
enum lsc_saved_setting {
	LSC_SAVED_LSC,
	LSC_SAVED_PROVISION,
	LSC_SAVED_SUBJECT,
	LSC_SAVED_KEY,
	LSC_SAVED_VALIDITY,
	LSC_SAVED_ATTEMPTS,
	LSC_SAVED_VENDOR_ID,
	LSC_SAVED_DTLS,
	LSC_SAVED_PROVLIST,
	LSC_SAVED_N
};

struct lsc_saved {
	unsigned int has;		/* 1 << enum lsc_saved_setting */
	unsigned int line[LSC_SAVED_N];	/* where the file set it, 0: not */
	bool lsc_enabled;
	uint8_t provision_mode;
	char subject[CAPWAP_LSC_SUBJ_A_MAX + 1][LSC_SAVED_MAX_VALUE + 1];
	uint8_t key_type;
	uint16_t key_bits;
	uint32_t validity_days;
	uint8_t max_attempts;
	uint32_t vendor_id;
	uint8_t dtls_mode;		/* enum capwap_lsc_dtls_mode */
	unsigned int format;		/* its "format" line, 0: none (0.1.0) */
	unsigned int dtls_ignored;	/* the line of a dtls off|on ignored, 0: none */
	uint8_t (*macs)[CAPWAP_LSC_MAC_LEN];	/* the provision list */
	size_t n_macs, cap_macs;
};

/* "lsc", "provision", ...: the words of "lscctl config" */
const char *lsc_saved_name(enum lsc_saved_setting which);
/* Its path: $LSCCTL_STARTUP_CONF when set, else LSC_SAVED_PATH. */
const char *lsc_saved_path(void);
void lsc_saved_free(struct lsc_saved *s);

/*
 * One setting, argv[0] its word ("key", "subject", ...), into s.  Only
 * "provision-list add MAC..." is a setting (del and flush are changes to
 * one).  Returns the setting it was (enum lsc_saved_setting), -EINVAL
 * with the reason in why, or -ENOMEM.
 */
int lsc_saved_setting(struct lsc_saved *s, int argc, char **argv,
		      char *why, size_t why_size);
/* The scalar settings of s as SET_CONFIG attributes. */
int lsc_saved_put(struct nl_msg *msg, const struct lsc_saved *s);
/* The running settings, from a GET_CONFIG reply. */
int lsc_saved_from_config(struct lsc_saved *s, struct nlattr **a);

/* Called for every line that is wrong, with its number and the reason. */
typedef void (*lsc_saved_error_fn)(void *arg, unsigned int line, const char *why);
/*
 * Parses a file's text (NUL-terminated) into s; returns how many lines
 * were wrong (each told to err), or -ENOMEM.  A setting given twice is
 * wrong: the file is the whole configuration, not a history of it.
 */
int lsc_saved_parse(const char *text, struct lsc_saved *s,
		    lsc_saved_error_fn err, void *arg);
/* s as the file's text, malloc'd; NULL when out of memory. */
char *lsc_saved_format(const struct lsc_saved *s);
/* Settings that differ, as 1 << enum lsc_saved_setting bits. */
unsigned int lsc_saved_diff(const struct lsc_saved *a, const struct lsc_saved *b);

/* Reads path: 0, a negative errno, or the count of wrong lines. */
int lsc_saved_read(const char *path, struct lsc_saved *s,
		   lsc_saved_error_fn err, void *arg);
/*
 * Serialises savers: an exclusive flock(2) on path's directory (created
 * 0700 when missing), so that two "lscctl config" at once cannot leave
 * the older read-back last.  Returns the fd to close(), or a negative errno.
 */
int lsc_saved_lock(const char *path);
/* Replaces path with s atomically (lsc_write_file_atomic, mode 0644). */
int lsc_saved_write(const char *path, const struct lsc_saved *s);

#endif /* LSCCTL_SAVED_H */
