// SPDX-License-Identifier: GPL-2.0
/*
 * The saved configuration file: its settings, its text and the words
 * "lscctl config" takes, in one place, so that a command line and a line
 * of the file are read by the same code.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "mac.h"
#include "names.h"
#include "numparse.h"
#include "saved.h"

static const char *const setting_names[LSC_SAVED_N] = {
	[LSC_SAVED_LSC] = "lsc",
	[LSC_SAVED_PROVISION] = "provision",
	[LSC_SAVED_SUBJECT] = "subject",
	[LSC_SAVED_KEY] = "key",
	[LSC_SAVED_VALIDITY] = "validity",
	[LSC_SAVED_ATTEMPTS] = "attempts",
	[LSC_SAVED_VENDOR_ID] = "vendor-id",
	[LSC_SAVED_DTLS] = "dtls",
	[LSC_SAVED_PROVLIST] = "provision-list",
};

const char *lsc_saved_name(enum lsc_saved_setting which)
{
	return (unsigned int)which < LSC_SAVED_N ? setting_names[which] : "?";
}

static int setting_of(const char *word)
{
	int i;

	for (i = 0; i < LSC_SAVED_N; i++)
		if (!strcmp(word, setting_names[i]))
			return i;
	return -1;
}

const char *lsc_saved_path(void)
{
	const char *env = getenv(LSC_SAVED_ENV);

	return env && *env ? env : LSC_SAVED_PATH;
}

void lsc_saved_free(struct lsc_saved *s)
{
	free(s->macs);
	memset(s, 0, sizeof(*s));
}

static int why_is(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int why_is(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int add_mac(struct lsc_saved *s, const uint8_t *mac)
{
	if (s->n_macs == s->cap_macs) {
		size_t cap = s->cap_macs ? 2 * s->cap_macs : 16;
		void *n = realloc(s->macs, cap * sizeof(*s->macs));

		if (!n)
			return -ENOMEM;
		s->macs = n;
		s->cap_macs = cap;
	}
	memcpy(s->macs[s->n_macs++], mac, CAPWAP_LSC_MAC_LEN);
	return 0;
}

static bool has_mac(const struct lsc_saved *s, const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < s->n_macs; i++)
		if (!memcmp(s->macs[i], mac, CAPWAP_LSC_MAC_LEN))
			return true;
	return false;
}

static int set_provlist(struct lsc_saved *s, int argc, char **argv,
			char *why, size_t size)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	int i, ret;

	if (argc < 3 || strcmp(argv[1], "add"))
		return why_is(why, size, "a saved provision-list takes add MAC...");
	for (i = 2; i < argc; i++) {
		if (lsc_mac_parse(argv[i], mac))
			return why_is(why, size, "'%s' is not a MAC address", argv[i]);
		/* The module's own rule, told here where the line is known. */
		if ((mac[0] & 1) || !memcmp(mac, "\0\0\0\0\0\0", CAPWAP_LSC_MAC_LEN))
			return why_is(why, size, "%s: not a unicast MAC", argv[i]);
		if (s->n_macs >= CAPWAP_LSC_MAX_PROVLIST)
			return why_is(why, size, "more than %d MACs: the module keeps no more",
				      CAPWAP_LSC_MAX_PROVLIST);
		if (has_mac(s, mac)) {
			lsc_mac_format(canon, mac);
			return why_is(why, size, "%s is on the provision list already", canon);
		}
		ret = add_mac(s, mac);
		if (ret)
			return ret;
	}
	return LSC_SAVED_PROVLIST;
}

static int set_subject(struct lsc_saved *s, int argc, char **argv,
		       char *why, size_t size)
{
	int i, field;

	memset(s->subject, 0, sizeof(s->subject));
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return why_is(why, size, "'%s' is not FIELD=VALUE", argv[i]);
		*eq = '\0';
		field = lsc_subject_field_parse(argv[i]);
		*eq = '=';
		if (field < 0)
			return why_is(why, size,
				      "unknown subject field in '%s' (C, ST, L, O, OU, email)",
				      argv[i]);
		if (strlen(eq + 1) > LSC_SAVED_MAX_VALUE)
			return why_is(why, size, "subject %.*s: longer than %d bytes",
				      (int)(eq - argv[i]), argv[i], LSC_SAVED_MAX_VALUE);
		strcpy(s->subject[field], eq + 1);
	}
	return LSC_SAVED_SUBJECT;
}

static int set_key(struct lsc_saved *s, int argc, char **argv, char *why, size_t size)
{
	unsigned long bits;

	if (argc != 3 || lsc_parse_uint(argv[2], 0, 65535, &bits))
		return why_is(why, size, "config key takes rsa|ec and a size in bits");
	if (!strcmp(argv[1], "rsa"))
		s->key_type = CAPWAP_LSC_KEY_RSA;
	else if (!strcmp(argv[1], "ec"))
		s->key_type = CAPWAP_LSC_KEY_EC;
	else
		return why_is(why, size, "config key takes rsa or ec, not '%s'", argv[1]);
	s->key_bits = (uint16_t)bits;
	return LSC_SAVED_KEY;
}

static int set_number(struct lsc_saved *s, int which, int argc, char **argv,
		      char *why, size_t size)
{
	unsigned long v, max = which == LSC_SAVED_ATTEMPTS ? 255 : UINT32_MAX;

	if (argc != 2 || lsc_parse_uint(argv[1], 0, max, &v))
		return why_is(why, size, "config %s takes a number from 0 to %lu",
			      argv[0], max);
	if (which == LSC_SAVED_VALIDITY)
		s->validity_days = (uint32_t)v;
	else if (which == LSC_SAVED_ATTEMPTS)
		s->max_attempts = (uint8_t)v;
	else
		s->vendor_id = (uint32_t)v;
	return which;
}

static int set_dtls(struct lsc_saved *s, int argc, char **argv, char *why, size_t size)
{
	int mode;

	for (mode = 0; argc == 2 && mode < __CAPWAP_LSC_DTLS_MAX; mode++) {
		if (!strcmp(argv[1], lsc_dtls_mode_name(mode))) {
			s->dtls_mode = (uint8_t)mode;
			return LSC_SAVED_DTLS;
		}
	}
	return why_is(why, size, "config dtls takes off, on or required");
}

int lsc_saved_setting(struct lsc_saved *s, int argc, char **argv,
		      char *why, size_t why_size)
{
	int which = argc > 0 ? setting_of(argv[0]) : -1;
	int ret;

	switch (which) {
	case LSC_SAVED_LSC:
		if (argc != 2 || (strcmp(argv[1], "enable") && strcmp(argv[1], "disable")))
			return why_is(why, why_size, "config lsc takes enable or disable");
		s->lsc_enabled = !strcmp(argv[1], "enable");
		ret = which;
		break;
	case LSC_SAVED_PROVISION:
		if (argc != 2)
			return why_is(why, why_size, "config provision takes off, all or list");
		if (!strcmp(argv[1], "off") || !strcmp(argv[1], "disable"))
			s->provision_mode = CAPWAP_LSC_PROVISION_OFF;
		else if (!strcmp(argv[1], "all") || !strcmp(argv[1], "enable"))
			s->provision_mode = CAPWAP_LSC_PROVISION_ALL;
		else if (!strcmp(argv[1], "list"))
			s->provision_mode = CAPWAP_LSC_PROVISION_LIST;
		else
			return why_is(why, why_size,
				      "config provision takes off, all or list, not '%s'",
				      argv[1]);
		ret = which;
		break;
	case LSC_SAVED_SUBJECT:
		ret = set_subject(s, argc, argv, why, why_size);
		break;
	case LSC_SAVED_KEY:
		ret = set_key(s, argc, argv, why, why_size);
		break;
	case LSC_SAVED_VALIDITY:
	case LSC_SAVED_ATTEMPTS:
	case LSC_SAVED_VENDOR_ID:
		ret = set_number(s, which, argc, argv, why, why_size);
		break;
	case LSC_SAVED_DTLS:
		ret = set_dtls(s, argc, argv, why, why_size);
		break;
	case LSC_SAVED_PROVLIST:
		ret = set_provlist(s, argc, argv, why, why_size);
		break;
	default:
		return why_is(why, why_size, "unknown setting '%s'", argc > 0 ? argv[0] : "");
	}
	if (ret >= 0)
		s->has |= 1u << ret;
	return ret;
}

int lsc_saved_put(struct nl_msg *msg, const struct lsc_saved *s)
{
	struct nlattr *nest;
	int i;

	if ((s->has & 1u << LSC_SAVED_LSC) &&
	    nla_put_u8(msg, CAPWAP_LSC_A_LSC_ENABLED, s->lsc_enabled) < 0)
		return -ENOMEM;
	if ((s->has & 1u << LSC_SAVED_PROVISION) &&
	    nla_put_u8(msg, CAPWAP_LSC_A_PROVISION_MODE, s->provision_mode) < 0)
		return -ENOMEM;
	if (s->has & 1u << LSC_SAVED_SUBJECT) {
		nest = nla_nest_start(msg, CAPWAP_LSC_A_SUBJECT);
		if (!nest)
			return -ENOMEM;
		for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++)
			if (s->subject[i][0] && nla_put_string(msg, i, s->subject[i]) < 0)
				return -ENOMEM;
		nla_nest_end(msg, nest);
	}
	if ((s->has & 1u << LSC_SAVED_KEY) &&
	    (nla_put_u8(msg, CAPWAP_LSC_A_KEY_TYPE, s->key_type) < 0 ||
	     nla_put_u16(msg, CAPWAP_LSC_A_KEY_BITS, s->key_bits) < 0))
		return -ENOMEM;
	if ((s->has & 1u << LSC_SAVED_VALIDITY) &&
	    nla_put_u32(msg, CAPWAP_LSC_A_VALIDITY_DAYS, s->validity_days) < 0)
		return -ENOMEM;
	if ((s->has & 1u << LSC_SAVED_ATTEMPTS) &&
	    nla_put_u8(msg, CAPWAP_LSC_A_MAX_ATTEMPTS, s->max_attempts) < 0)
		return -ENOMEM;
	if ((s->has & 1u << LSC_SAVED_VENDOR_ID) &&
	    nla_put_u32(msg, CAPWAP_LSC_A_VENDOR_ID, s->vendor_id) < 0)
		return -ENOMEM;
	if ((s->has & 1u << LSC_SAVED_DTLS) &&
	    nla_put_u8(msg, CAPWAP_LSC_A_DTLS_MODE, s->dtls_mode) < 0)
		return -ENOMEM;
	return 0;
}

int lsc_saved_from_config(struct lsc_saved *s, struct nlattr **a)
{
	struct nlattr *n;
	int rem, ret;

	memset(s, 0, sizeof(*s));
	if (a[CAPWAP_LSC_A_LSC_ENABLED]) {
		s->lsc_enabled = nla_get_u8(a[CAPWAP_LSC_A_LSC_ENABLED]);
		s->has |= 1u << LSC_SAVED_LSC;
	}
	if (a[CAPWAP_LSC_A_PROVISION_MODE]) {
		s->provision_mode = nla_get_u8(a[CAPWAP_LSC_A_PROVISION_MODE]);
		s->has |= 1u << LSC_SAVED_PROVISION;
	}
	if (a[CAPWAP_LSC_A_SUBJECT]) {
		nla_for_each_nested(n, a[CAPWAP_LSC_A_SUBJECT], rem) {
			int f = nla_type(n);

			if (f < 1 || f > CAPWAP_LSC_SUBJ_A_MAX)
				continue;
			snprintf(s->subject[f], sizeof(s->subject[f]), "%.*s",
				 (int)strnlen(nla_data(n), nla_len(n)),
				 (const char *)nla_data(n));
		}
		s->has |= 1u << LSC_SAVED_SUBJECT;
	}
	if (a[CAPWAP_LSC_A_KEY_TYPE] && a[CAPWAP_LSC_A_KEY_BITS] &&
	    nla_get_u8(a[CAPWAP_LSC_A_KEY_TYPE]) != CAPWAP_LSC_KEY_NONE) {
		s->key_type = nla_get_u8(a[CAPWAP_LSC_A_KEY_TYPE]);
		s->key_bits = nla_get_u16(a[CAPWAP_LSC_A_KEY_BITS]);
		s->has |= 1u << LSC_SAVED_KEY;
	}
	if (a[CAPWAP_LSC_A_VALIDITY_DAYS]) {
		s->validity_days = nla_get_u32(a[CAPWAP_LSC_A_VALIDITY_DAYS]);
		s->has |= 1u << LSC_SAVED_VALIDITY;
	}
	if (a[CAPWAP_LSC_A_MAX_ATTEMPTS]) {
		s->max_attempts = nla_get_u8(a[CAPWAP_LSC_A_MAX_ATTEMPTS]);
		s->has |= 1u << LSC_SAVED_ATTEMPTS;
	}
	if (a[CAPWAP_LSC_A_VENDOR_ID]) {
		s->vendor_id = nla_get_u32(a[CAPWAP_LSC_A_VENDOR_ID]);
		s->has |= 1u << LSC_SAVED_VENDOR_ID;
	}
	if (a[CAPWAP_LSC_A_DTLS_MODE]) {
		s->dtls_mode = nla_get_u8(a[CAPWAP_LSC_A_DTLS_MODE]);
		s->has |= 1u << LSC_SAVED_DTLS;
	}
	if (a[CAPWAP_LSC_A_PROVISION_LIST]) {
		nla_for_each_nested(n, a[CAPWAP_LSC_A_PROVISION_LIST], rem) {
			if (nla_len(n) != CAPWAP_LSC_MAC_LEN)
				continue;
			ret = add_mac(s, nla_data(n));
			if (ret)
				return ret;
		}
		s->has |= 1u << LSC_SAVED_PROVLIST;
	}
	return 0;
}

/*
 * One token of a line, decoded in place: bare text, or text in double
 * quotes where \\, \" and \xHH stand for themselves.  *pos moves past it;
 * returns NULL at the end of the line or a comment.
 */
static char *next_token(char **pos, const char **err)
{
	char *p = *pos, *out, *start;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (!*p || *p == '#') {
		*pos = p;
		return NULL;
	}
	start = out = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
		/* Unseen in an editor, an escape sequence on a terminal. */
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			*err = "a control character outside quotes (write it as \"\\xHH\")";
			return NULL;
		}
		if (*p != '"') {
			*out++ = *p++;
			continue;
		}
		p++;
		while (*p != '"') {
			if (!*p) {
				*err = "a quote is not closed";
				return NULL;
			}
			if (*p != '\\') {
				*out++ = *p++;
				continue;
			}
			p++;
			if (*p == '\\' || *p == '"') {
				*out++ = *p++;
			} else if (*p == 'x' && strchr("0123456789abcdefABCDEF", p[1]) && p[1] &&
				   strchr("0123456789abcdefABCDEF", p[2]) && p[2]) {
				char hex[3] = { p[1], p[2], 0 };

				*out = (char)strtoul(hex, NULL, 16);
				/* A value is a C string: a NUL would cut it short unseen. */
				if (!*out) {
					*err = "\\x00 in quotes: a value cannot hold a NUL";
					return NULL;
				}
				out++;
				p += 3;
			} else {
				*err = "in quotes, \\ is followed by \\, \" or xHH";
				return NULL;
			}
		}
		p++;
	}
	/* The separator after the token is overwritten by its end. */
	*pos = *p ? p + 1 : p;
	*out = '\0';
	return start;
}

#define MAX_TOKENS 256

static void report(lsc_saved_error_fn err, void *arg, unsigned int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void report(lsc_saved_error_fn err, void *arg, unsigned int line,
		   const char *fmt, ...)
{
	char why[256], shown[4 * sizeof(why)];
	const unsigned char *p;
	size_t n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/*
	 * The file's text goes to the kernel log, stderr and show summary:
	 * a newline there would forge a log record, an ESC drive a terminal.
	 */
	for (p = (const unsigned char *)why; *p; p++) {
		if (*p < ' ' || *p == 0x7f)
			n += (size_t)snprintf(shown + n, sizeof(shown) - n, "\\x%02x", *p);
		else
			shown[n++] = (char)*p;
	}
	shown[n] = '\0';
	if (err)
		err(arg, line, shown);
}

/* The sizes the module takes (its key_size_valid()). */
static bool key_size_valid(uint8_t type, unsigned int bits)
{
	if (type == CAPWAP_LSC_KEY_RSA)
		return (bits >= CAPWAP_LSC_RSA_MIN_BITS &&
			bits <= CAPWAP_LSC_RSA_RANGE_MAX_BITS) ||
		       bits == 3072 || bits == CAPWAP_LSC_RSA_MAX_BITS;
	return bits == 256 || bits == 384;
}

/*
 * What the module would refuse, refused on the file's line: apply-saved
 * flushes the provision list before the settings go in, so a setting the
 * module refuses there would leave the list replaced and the rest not.
 * A command line is left to the module, whose reason is the one to tell.
 */
static int module_refuses(const struct lsc_saved *s, int which, char *why, size_t size)
{
	const char *c = s->subject[CAPWAP_LSC_SUBJ_A_COUNTRY];

	switch (which) {
	case LSC_SAVED_SUBJECT:
		if (*c && strlen(c) != CAPWAP_LSC_COUNTRY_LEN)
			return why_is(why, size, "subject C: the country is %d letters",
				      CAPWAP_LSC_COUNTRY_LEN);
		break;
	case LSC_SAVED_KEY:
		if (!key_size_valid(s->key_type, s->key_bits))
			return why_is(why, size,
				      "key %s %u: RSA takes %d-%d, 3072 or %d bits; EC 256 or 384",
				      s->key_type == CAPWAP_LSC_KEY_EC ? "ec" : "rsa",
				      s->key_bits, CAPWAP_LSC_RSA_MIN_BITS,
				      CAPWAP_LSC_RSA_RANGE_MAX_BITS, CAPWAP_LSC_RSA_MAX_BITS);
		break;
	case LSC_SAVED_VALIDITY:
		if (s->validity_days > CAPWAP_LSC_MAX_VALIDITY_DAYS)
			return why_is(why, size, "validity takes 0 to %d days",
				      CAPWAP_LSC_MAX_VALIDITY_DAYS);
		break;
	case LSC_SAVED_VENDOR_ID:
		if (!s->vendor_id)
			return why_is(why, size, "vendor-id 0 names no enterprise: 1 or more");
		break;
	}
	return 0;
}

/* One line; 0, 1 when it is wrong (told to err), or -ENOMEM. */
static int parse_line(char *text, unsigned int no, struct lsc_saved *s,
		      lsc_saved_error_fn err, void *arg)
{
	char *argv[MAX_TOKENS], *pos = text, *tok, why[256];
	const char *bad = NULL;
	int argc = 0, which, ret;

	while ((tok = next_token(&pos, &bad))) {
		if (argc == MAX_TOKENS) {
			report(err, arg, no, "more than %d words", MAX_TOKENS);
			return 1;
		}
		argv[argc++] = tok;
	}
	if (bad) {
		report(err, arg, no, "%s", bad);
		return 1;
	}
	if (!argc)
		return 0;
	if (!strcmp(argv[0], "format")) {
		if (s->format) {
			report(err, arg, no, "format is set already");
			return 1;
		}
		if (argc != 2 || strcmp(argv[1], LSC_SAVED_FORMAT_WORD)) {
			report(err, arg, no, "format %s: this lscctl reads format %d",
			       argc > 1 ? argv[1] : "", LSC_SAVED_FORMAT);
			return 1;
		}
		s->format = LSC_SAVED_FORMAT;
		return 0;
	}
	which = setting_of(argv[0]);
	if (which >= 0 && which != LSC_SAVED_PROVLIST && (s->has & 1u << which)) {
		report(err, arg, no, "%s is set already, on line %u", argv[0],
		       s->line[which]);
		return 1;
	}
	ret = lsc_saved_setting(s, argc, argv, why, sizeof(why));
	if (ret == -ENOMEM)
		return ret;
	if (ret >= 0 && module_refuses(s, ret, why, sizeof(why))) {
		s->has &= ~(1u << ret);
		ret = -EINVAL;
	}
	if (ret < 0) {
		report(err, arg, no, "%s", why);
		return 1;
	}
	if (!s->line[ret])
		s->line[ret] = no;
	return 0;
}

int lsc_saved_parse(const char *text, struct lsc_saved *s,
		    lsc_saved_error_fn err, void *arg)
{
	char *copy = strdup(text), *line, *next;
	unsigned int no = 0;
	int bad = 0, ret;

	memset(s, 0, sizeof(*s));
	if (!copy)
		return -ENOMEM;
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ret = parse_line(line, ++no, s, err, arg);
		if (ret < 0) {
			free(copy);
			return ret;
		}
		bad += ret;
	}
	free(copy);
	if (!s->format && (s->has & 1u << LSC_SAVED_DTLS) &&
	    s->dtls_mode != CAPWAP_LSC_DTLS_REQUIRED) {
		s->has &= ~(1u << LSC_SAVED_DTLS);
		s->dtls_ignored = s->line[LSC_SAVED_DTLS];
		s->line[LSC_SAVED_DTLS] = 0;
	}
	return bad;
}

struct text {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = 2 * t->cap + (size_t)n + 1;
		t->buf = realloc(t->buf, t->cap);
		if (!t->buf) {
			t->oom = true;
			return;
		}
	}
	t->len += (size_t)n;
}

/* A word as the tokenizer reads it back: quoted when it must be. */
static void put_word(struct text *t, const char *w)
{
	const unsigned char *p;
	bool quote = !*w;

	for (p = (const unsigned char *)w; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == '#' || *p == 0x7f)
			quote = true;
	if (!quote) {
		put(t, " %s", w);
		return;
	}
	put(t, " \"");
	for (p = (const unsigned char *)w; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(t, "\\%c", *p);
		else if (*p < ' ' || *p == 0x7f)
			put(t, "\\x%02x", *p);
		else
			put(t, "%c", *p);
	}
	put(t, "\"");
}

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CAPWAP_LSC_MAC_LEN);
}

/* The provision list in MAC order (a set, whichever order it came in). */
static uint8_t (*sorted_macs(const struct lsc_saved *s))[CAPWAP_LSC_MAC_LEN]
{
	uint8_t (*m)[CAPWAP_LSC_MAC_LEN] = malloc(s->n_macs * sizeof(*m) + 1);

	if (!m)
		return NULL;
	if (s->n_macs) {
		memcpy(m, s->macs, s->n_macs * sizeof(*m));
		qsort(m, s->n_macs, sizeof(*m), mac_cmp);
	}
	return m;
}

char *lsc_saved_format(const struct lsc_saved *s)
{
	struct text t = { .cap = 1024 };
	uint8_t (*macs)[CAPWAP_LSC_MAC_LEN] = NULL;
	char canon[LSC_MAC_STR_LEN], word[LSC_SAVED_MAX_VALUE + 16];
	size_t i;
	int f;

	t.buf = malloc(t.cap);
	if (!t.buf)
		return NULL;
	t.buf[0] = '\0';
	put(&t, "# capwap-lsc saved configuration: lscctl(8) writes it after every\n"
		"# \"lscctl config\" and applies it when capwap_lsc loads.  Each line is\n"
		"# an \"lscctl config\" command without the word config.\n"
		"format " LSC_SAVED_FORMAT_WORD "\n");
	if (s->has & 1u << LSC_SAVED_LSC)
		put(&t, "lsc %s\n", s->lsc_enabled ? "enable" : "disable");
	if (s->has & 1u << LSC_SAVED_PROVISION)
		put(&t, "provision %s\n", lsc_provision_mode_name(s->provision_mode));
	if (s->has & 1u << LSC_SAVED_SUBJECT) {
		put(&t, "subject");
		for (f = 1; f <= CAPWAP_LSC_SUBJ_A_MAX; f++) {
			if (!s->subject[f][0])
				continue;
			snprintf(word, sizeof(word), "%s=%s", lsc_subject_field_name(f),
				 s->subject[f]);
			put_word(&t, word);
		}
		put(&t, "\n");
	}
	if (s->has & 1u << LSC_SAVED_KEY)
		put(&t, "key %s %u\n", s->key_type == CAPWAP_LSC_KEY_EC ? "ec" : "rsa",
		    s->key_bits);
	if (s->has & 1u << LSC_SAVED_VALIDITY)
		put(&t, "validity %u\n", s->validity_days);
	if (s->has & 1u << LSC_SAVED_ATTEMPTS)
		put(&t, "attempts %u\n", s->max_attempts);
	if (s->has & 1u << LSC_SAVED_VENDOR_ID)
		put(&t, "vendor-id %u\n", s->vendor_id);
	/* required is the module's default: a file without a dtls line keeps it. */
	if ((s->has & 1u << LSC_SAVED_DTLS) && s->dtls_mode != CAPWAP_LSC_DTLS_REQUIRED)
		put(&t, "dtls %s\n", lsc_dtls_mode_name(s->dtls_mode));
	if (s->n_macs) {
		macs = sorted_macs(s);
		if (!macs)
			t.oom = true;
		for (i = 0; macs && i < s->n_macs; i++) {
			lsc_mac_format(canon, macs[i]);
			put(&t, "provision-list add %s\n", canon);
		}
		free(macs);
	}
	if (t.oom) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}

static bool same_macs(const struct lsc_saved *a, const struct lsc_saved *b)
{
	uint8_t (*ma)[CAPWAP_LSC_MAC_LEN], (*mb)[CAPWAP_LSC_MAC_LEN];
	bool same;

	if (a->n_macs != b->n_macs)
		return false;
	ma = sorted_macs(a);
	mb = sorted_macs(b);
	same = ma && mb && !memcmp(ma, mb, a->n_macs * sizeof(*ma));
	free(ma);
	free(mb);
	return same;
}

unsigned int lsc_saved_diff(const struct lsc_saved *a, const struct lsc_saved *b)
{
	unsigned int d = a->has ^ b->has, both = a->has & b->has;

	/* A list nobody saved and an empty one are the same list. */
	if ((d & 1u << LSC_SAVED_PROVLIST) && !a->n_macs && !b->n_macs)
		d &= ~(1u << LSC_SAVED_PROVLIST);
	/* No dtls line is the module's default, required (what the file writes). */
	if ((d & 1u << LSC_SAVED_DTLS) &&
	    ((a->has & 1u << LSC_SAVED_DTLS) ? a : b)->dtls_mode == CAPWAP_LSC_DTLS_REQUIRED)
		d &= ~(1u << LSC_SAVED_DTLS);
	if ((both & 1u << LSC_SAVED_LSC) && a->lsc_enabled != b->lsc_enabled)
		d |= 1u << LSC_SAVED_LSC;
	if ((both & 1u << LSC_SAVED_PROVISION) && a->provision_mode != b->provision_mode)
		d |= 1u << LSC_SAVED_PROVISION;
	if ((both & 1u << LSC_SAVED_SUBJECT) && memcmp(a->subject, b->subject, sizeof(a->subject)))
		d |= 1u << LSC_SAVED_SUBJECT;
	if ((both & 1u << LSC_SAVED_KEY) &&
	    (a->key_type != b->key_type || a->key_bits != b->key_bits))
		d |= 1u << LSC_SAVED_KEY;
	if ((both & 1u << LSC_SAVED_VALIDITY) && a->validity_days != b->validity_days)
		d |= 1u << LSC_SAVED_VALIDITY;
	if ((both & 1u << LSC_SAVED_ATTEMPTS) && a->max_attempts != b->max_attempts)
		d |= 1u << LSC_SAVED_ATTEMPTS;
	if ((both & 1u << LSC_SAVED_VENDOR_ID) && a->vendor_id != b->vendor_id)
		d |= 1u << LSC_SAVED_VENDOR_ID;
	if ((both & 1u << LSC_SAVED_DTLS) && a->dtls_mode != b->dtls_mode)
		d |= 1u << LSC_SAVED_DTLS;
	if ((a->n_macs || b->n_macs) && !same_macs(a, b))
		d |= 1u << LSC_SAVED_PROVLIST;
	return d;
}

int lsc_saved_read(const char *path, struct lsc_saved *s,
		   lsc_saved_error_fn err, void *arg)
{
	uint8_t *data;
	size_t len;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = lsc_read_regular_file(path, LSC_SAVED_MAX_SIZE, &data, &len);
	if (ret)
		return ret;
	if (strlen((char *)data) != len) {
		const char *nul = (char *)data + strlen((char *)data);
		unsigned int line = 1;
		const char *p;

		for (p = (char *)data; p < nul; p++)
			line += *p == '\n';
		report(err, arg, line, "a NUL byte: not a text file");
		free(data);
		return 1;
	}
	ret = lsc_saved_parse((char *)data, s, err, arg);
	free(data);
	return ret;
}

int lsc_saved_lock(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	/* The directory make install creates, for a system where it did not run. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fd = -errno;
		goto out;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		goto out;
	}
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -errno;
	}
out:
	free(dir);
	return fd;
}

int lsc_saved_write(const char *path, const struct lsc_saved *s)
{
	char *text = lsc_saved_format(s);
	int ret;

	if (!text)
		return -ENOMEM;
	ret = lsc_write_file_atomic(path, text, strlen(text), 0644);
	free(text);
	return ret;
}
