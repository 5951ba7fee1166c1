// SPDX-License-Identifier: GPL-2.0
/*
 * The saved configuration file (userspace/lscctl/saved.c): what it writes
 * reads back the same, a wrong line is told with its number, a write that
 * fails leaves the old file whole, and the SET_CONFIG it becomes reads
 * back as the same settings.
 */

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "fileio.h"
#include "saved.h"

struct errs {
	unsigned int line[16];
	char why[16][256];
	int n;
};

static void collect(void *arg, unsigned int line, const char *why)
{
	struct errs *e = arg;

	if (e->n < 16) {
		e->line[e->n] = line;
		snprintf(e->why[e->n], sizeof(e->why[0]), "%s", why);
	}
	e->n++;
}

/* Every setting, a subject that needs quoting, and a list out of order. */
static int full(struct lsc_saved *s)
{
	static const char *const lines[] = {
		"lsc enable", "provision list",
		"key ec 384", "validity 365", "attempts 0", "vendor-id 9",
		"dtls on",
	};
	static const uint8_t m1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x66 };
	static const uint8_t m2[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	char buf[64], *argv[4], why[256], *save;
	size_t i;
	int argc;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", lines[i]);
		argc = 0;
		for (argv[argc] = strtok_r(buf, " ", &save); argv[argc] && argc < 3;
		     argv[++argc] = strtok_r(NULL, " ", &save))
			;
		if (lsc_saved_setting(s, argc, argv, why, sizeof(why)) < 0)
			return -1;
	}
	snprintf(s->subject[CAPWAP_LSC_SUBJ_A_COUNTRY], sizeof(s->subject[0]), "DE");
	snprintf(s->subject[CAPWAP_LSC_SUBJ_A_ORG], sizeof(s->subject[0]),
		 "Acme \"Wireless\" # 1\\2");
	snprintf(s->subject[CAPWAP_LSC_SUBJ_A_ORG_UNIT], sizeof(s->subject[0]), "line\nbreak");
	s->has |= 1u << LSC_SAVED_SUBJECT | 1u << LSC_SAVED_PROVLIST;
	s->macs = malloc(2 * sizeof(*s->macs));
	if (!s->macs)
		return -1;
	memcpy(s->macs[0], m1, 6);
	memcpy(s->macs[1], m2, 6);
	s->n_macs = s->cap_macs = 2;
	return 0;
}

static const char *round_trip(void)
{
	struct lsc_saved a, b;
	struct errs e = { 0 };
	unsigned int d;
	char *text;
	int ret;

	CHECK(!full(&a), "setting up");
	text = lsc_saved_format(&a);
	CHECK(text, "format: out of memory");
	ret = lsc_saved_parse(text, &b, collect, &e);
	d = lsc_saved_diff(&a, &b);
	lsc_saved_free(&a);
	if (ret || d || !strstr(text, "\"O=Acme \\\"Wireless\\\" # 1\\\\2\"") ||
	    !strstr(text, "\"OU=line\\x0abreak\"") || !strstr(text, "\ndtls on\n") ||
	    !strstr(text, "\nformat 2\n") ||
	    !strstr(text, "provision-list add 00:11:22:33:44:55\n"
			  "provision-list add 00:11:22:33:44:66\n")) {
		snprintf(tap_why, sizeof(tap_why), "parse %d (%s), diff %#x, text:\n%s", ret,
			 e.n ? e.why[0] : "", d, text);
		free(text);
		lsc_saved_free(&b);
		return tap_why;
	}
	free(text);
	CHECK(b.line[LSC_SAVED_LSC] == 5 && b.line[LSC_SAVED_PROVLIST] == 13,
	      "lsc on line %u, provision-list from line %u", b.line[LSC_SAVED_LSC],
	      b.line[LSC_SAVED_PROVLIST]);
	lsc_saved_free(&b);
	return NULL;
}

static const char *bad_lines_numbered(void)
{
	static const char text[] =
		"# saved\n"
		"lsc enable\n"
		"provision sometimes\n"		/* 3 */
		"\n"
		"key rsa\n"			/* 5 */
		"subject \"O=open\n"		/* 6 */
		"lsc disable\n"			/* 7: twice */
		"provision-list add 00:11:22:33:44:55\n"
		"provision-list add 00-11-22-33-44-55\n"	/* 9: twice */
		"provision-list del 00:11:22:33:44:77\n"	/* 10 */
		"dtls suites all\n"		/* 11: dtls takes a mode */
		"provision-list add 01:00:5e:00:00:01\n"	/* 12: multicast */
		"validity 30\n"
		"subject \"O=a\\x00b\"\n";		/* 14: a NUL */
	static const unsigned int want[] = { 3, 5, 6, 7, 9, 10, 11, 12, 14 };
	struct errs e = { 0 };
	struct lsc_saved s;
	size_t i;
	int ret;

	ret = lsc_saved_parse(text, &s, collect, &e);
	lsc_saved_free(&s);
	CHECK(ret == 9 && e.n == 9, "%d wrong lines reported, %d told", ret, e.n);
	for (i = 0; i < 9; i++)
		CHECK(e.line[i] == want[i], "error %zu on line %u, not %u: %s", i, e.line[i],
		      want[i], e.why[i]);
	CHECK(strstr(e.why[0], "not 'sometimes'"), "line 3: %s", e.why[0]);
	CHECK(strstr(e.why[2], "quote"), "line 6: %s", e.why[2]);
	CHECK(strstr(e.why[3], "set already, on line 2"), "line 7: %s", e.why[3]);
	CHECK(strstr(e.why[6], "config dtls takes off, on or required"), "line 11: %s",
	      e.why[6]);
	CHECK(strstr(e.why[7], "not a unicast MAC"), "line 12: %s", e.why[7]);
	CHECK(strstr(e.why[8], "NUL"), "line 14: %s", e.why[8]);
	return NULL;
}

/* What the module refuses is a wrong line, each limit one line. */
static const char *module_limits_are_wrong_lines(void)
{
	static const char *const text[] = {
		"subject C=DEU\nkey rsa 3000\nvalidity 36501\nvendor-id 0\n",
		"key ec 521\nsubject \"O=%0*d\"\n",	/* 65 bytes */
		"key rsa 4096\nvalidity 36500\nsubject C=DE \"O=%0*d\"\n",	/* 64 */
	};
	static const int wrong[] = { 4, 2, 0 };
	struct errs e;
	struct lsc_saved s;
	char buf[512];
	size_t i;
	int ret;

	for (i = 0; i < 3; i++) {
		memset(&e, 0, sizeof(e));
		snprintf(buf, sizeof(buf), text[i],
			 CAPWAP_LSC_MAX_SUBJECT_LEN + (i == 1), 0);
		ret = lsc_saved_parse(buf, &s, collect, &e);
		lsc_saved_free(&s);
		CHECK(ret == wrong[i] && e.n == wrong[i], "text %zu: %d wrong lines, %d told: %s",
		      i, ret, e.n, e.n ? e.why[0] : "");
		CHECK(i || (e.line[0] == 1 && e.line[3] == 4 &&
			    strstr(e.why[1], "RSA takes 384-2048, 3072 or 4096") &&
			    strstr(e.why[2], "0 to 36500")),
		      "lines %u..%u: %.200s / %.200s", e.line[0], e.line[3], e.why[1], e.why[2]);
	}
	return NULL;
}

/* File text in a message carries no control byte; a raw one is a wrong line. */
static const char *control_bytes_escaped(void)
{
	static const char text[] =
		"subject \"X=\\x0a<0>forged\\x1b[2J\"\n"	/* 1: quoted, escaped */
		"lsc \x1b[2Jenable\n"			/* 2: raw ESC */
		"provision \x7f\n";				/* 3: raw DEL */
	struct errs e = { 0 };
	struct lsc_saved s;
	const char *p;
	int ret, i;

	ret = lsc_saved_parse(text, &s, collect, &e);
	lsc_saved_free(&s);
	CHECK(ret == 3 && e.n == 3, "%d wrong lines, %d told", ret, e.n);
	for (i = 0; i < 3; i++)
		for (p = e.why[i]; *p; p++)
			CHECK((unsigned char)*p >= ' ' && *p != 0x7f,
			      "line %u: a control byte %#x in the message", e.line[i], *p);
	CHECK(strstr(e.why[0], "X=\\x0a<0>forged\\x1b[2J"), "line 1: %s", e.why[0]);
	CHECK(strstr(e.why[1], "control character") && strstr(e.why[2], "control character"),
	      "lines 2, 3: %.200s / %.200s", e.why[1], e.why[2]);
	return NULL;
}

/* A list the module cannot hold is a wrong line, not a flush and a failure. */
static const char *provlist_limit(void)
{
	size_t n = CAPWAP_LSC_MAX_PROVLIST + 1, i, len = 0;
	char *text = malloc(n * 40);
	struct errs e = { 0 };
	struct lsc_saved s;
	int ret;

	CHECK(text, "malloc");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "provision-list add 02:00:00:%02zx:%02zx:%02zx\n",
				       (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
	ret = lsc_saved_parse(text, &s, collect, &e);
	free(text);
	lsc_saved_free(&s);
	CHECK(ret == 1 && e.n == 1 && e.line[0] == n, "%d wrong, first on line %u: %s", ret,
	      e.line[0], e.n ? e.why[0] : "");
	return NULL;
}

static const char *nul_byte_numbered(void)
{
	char path[] = "/tmp/lscctl-saved-XXXXXX";
	static const char text[] = "lsc enable\nkey rsa 2048\nattempts\0 3\n";
	struct errs e = { 0 };
	struct lsc_saved s;
	int fd, ret;

	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	ret = write(fd, text, sizeof(text) - 1) == sizeof(text) - 1 ? 0 : -1;
	close(fd);
	if (!ret)
		ret = lsc_saved_read(path, &s, collect, &e);
	unlink(path);
	lsc_saved_free(&s);
	CHECK(ret == 1 && e.n == 1 && e.line[0] == 3, "read %d, %d errors, line %u",
	      ret, e.n, e.line[0]);
	return NULL;
}

static const char *diff_names_what_differs(void)
{
	struct lsc_saved a, b;
	unsigned int d1, d2, d3;

	CHECK(!full(&a) && !full(&b), "setting up");
	/* The same list in another order is the same list. */
	memcpy(b.macs[0], a.macs[1], 6);
	memcpy(b.macs[1], a.macs[0], 6);
	d1 = lsc_saved_diff(&a, &b);
	b.key_bits = 256;
	b.macs[1][5] ^= 1;
	d2 = lsc_saved_diff(&a, &b);
	b.has &= ~(1u << LSC_SAVED_VENDOR_ID);
	d3 = lsc_saved_diff(&a, &b);
	lsc_saved_free(&a);
	lsc_saved_free(&b);
	CHECK(d1 == 0, "reordered list differs: %#x", d1);
	CHECK(d2 == (1u << LSC_SAVED_KEY | 1u << LSC_SAVED_PROVLIST), "diff %#x", d2);
	CHECK(d3 == (d2 | 1u << LSC_SAVED_VENDOR_ID), "a missing setting: diff %#x", d3);
	return NULL;
}

/* s as lsc_saved_put() puts it in msg, parsed into tb. */
static int put_parse(const struct lsc_saved *s, struct nl_msg *msg, struct nlattr **tb)
{
	int ret = lsc_saved_put(msg, s);

	if (!ret)
		ret = nla_parse(tb, CAPWAP_LSC_A_MAX, nlmsg_attrdata(nlmsg_hdr(msg), 0),
				nlmsg_attrlen(nlmsg_hdr(msg), 0), NULL);
	return ret;
}

/* What lsc_saved_put sends reads back (as GET_CONFIG would) the same. */
static const char *put_reads_back(void)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct lsc_saved a, b;
	struct nl_msg *msg;
	unsigned int d;
	int ret;

	CHECK(!full(&a), "setting up");
	/* The list travels in PROVLIST_ADDs, not in SET_CONFIG. */
	a.has &= ~(1u << LSC_SAVED_PROVLIST);
	a.n_macs = 0;
	msg = nlmsg_alloc();
	CHECK(msg, "nlmsg_alloc");
	ret = put_parse(&a, msg, tb);
	if (!ret)
		ret = lsc_saved_from_config(&b, tb);
	nlmsg_free(msg);
	d = ret ? 0 : lsc_saved_diff(&a, &b);
	lsc_saved_free(&a);
	lsc_saved_free(&b);
	CHECK(!ret, "put/parse: %d", ret);
	CHECK(!d, "read back differs: %#x", d);
	return NULL;
}

/*
 * The lab mode is the mode whose value is 0: written, read back and sent
 * all the same; a file without a dtls line sends no mode, so the module
 * keeps its default, required.
 */
static const char *dtls_off_round_trips(void)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	char word0[] = "dtls", word1[] = "off", why[256], *argv[] = { word0, word1 };
	struct lsc_saved a, b, c;
	struct errs e = { 0 };
	struct nl_msg *msg;
	int ret, sent_mode = -1, sent_without = 0;
	unsigned int d;
	char *text;

	CHECK(!full(&a), "setting up");
	CHECK(lsc_saved_setting(&a, 2, argv, why, sizeof(why)) == LSC_SAVED_DTLS, "%s", why);
	text = lsc_saved_format(&a);
	CHECK(text, "format: out of memory");
	ret = lsc_saved_parse(text, &b, collect, &e);
	d = lsc_saved_diff(&a, &b);
	if (ret || d || !strstr(text, "\ndtls off\n") || b.dtls_mode != CAPWAP_LSC_DTLS_OFF) {
		snprintf(tap_why, sizeof(tap_why), "parse %d, diff %#x, mode %u, text:\n%s",
			 ret, d, b.dtls_mode, text);
		free(text);
		lsc_saved_free(&a);
		lsc_saved_free(&b);
		return tap_why;
	}
	free(text);
	lsc_saved_free(&b);
	msg = nlmsg_alloc();
	CHECK(msg, "nlmsg_alloc");
	ret = put_parse(&a, msg, tb);
	if (!ret && tb[CAPWAP_LSC_A_DTLS_MODE])
		sent_mode = nla_get_u8(tb[CAPWAP_LSC_A_DTLS_MODE]);
	nlmsg_free(msg);
	lsc_saved_free(&a);
	CHECK(!ret && sent_mode == CAPWAP_LSC_DTLS_OFF, "put %d, mode sent %d", ret, sent_mode);

	ret = lsc_saved_parse("lsc enable\n", &c, collect, &e);
	msg = nlmsg_alloc();
	CHECK(msg, "nlmsg_alloc");
	if (!ret)
		ret = put_parse(&c, msg, tb);
	if (!ret)
		sent_without = tb[CAPWAP_LSC_A_DTLS_MODE] != NULL;
	nlmsg_free(msg);
	lsc_saved_free(&c);
	CHECK(!ret && !sent_without, "without a dtls line: put %d, a mode sent %d", ret,
	      sent_without);
	return NULL;
}

/* Parse TEXT and put it as apply-saved would: the mode sent, -1 for none. */
static int mode_sent(const char *text, struct lsc_saved *s, struct errs *e)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct nl_msg *msg = nlmsg_alloc();
	int ret, mode = -1;

	ret = lsc_saved_parse(text, s, collect, e);
	if (ret || !msg) {
		nlmsg_free(msg);
		return -2;
	}
	if (put_parse(s, msg, tb))
		mode = -2;
	else if (tb[CAPWAP_LSC_A_DTLS_MODE])
		mode = nla_get_u8(tb[CAPWAP_LSC_A_DTLS_MODE]);
	nlmsg_free(msg);
	return mode;
}

/*
 * A file of 0.1.0 (no format line) holds "dtls off" from when off was the
 * default: ignored, the line told, no mode sent.  The same line in a file
 * this lscctl wrote is the operator's lab mode and is sent; required is
 * not written at all.
 */
static const char *old_file_dtls_ignored(void)
{
	static const char old[] = "# saved\nlsc enable\ndtls off\nvalidity 30\n";
	static const char cur[] = "format 2\nlsc enable\ndtls off\n";
	struct lsc_saved s, req;
	struct errs e = { 0 };
	int m_old, m_cur, m_on;
	unsigned int ignored;
	char *text;

	m_old = mode_sent(old, &s, &e);
	ignored = s.dtls_ignored;
	lsc_saved_free(&s);
	CHECK(m_old == -1 && ignored == 3 && !e.n, "old file: mode sent %d, ignored line %u, %d errors",
	      m_old, ignored, e.n);
	m_on = mode_sent("dtls on\n", &s, &e);
	lsc_saved_free(&s);
	CHECK(m_on == -1, "old file, dtls on: mode sent %d", m_on);
	m_cur = mode_sent(cur, &s, &e);
	ignored = s.dtls_ignored;
	lsc_saved_free(&s);
	CHECK(m_cur == CAPWAP_LSC_DTLS_OFF && !ignored && !e.n,
	      "format 2 file: mode sent %d, ignored line %u, %d errors", m_cur, ignored, e.n);
	CHECK(lsc_saved_parse("format 3\n", &s, collect, &e) == 1 &&
	      strstr(e.why[0], "reads format 2"), "format 3: %s", e.n ? e.why[0] : "accepted");
	lsc_saved_free(&s);
	memset(&req, 0, sizeof(req));
	req.has = 1u << LSC_SAVED_DTLS;
	req.dtls_mode = CAPWAP_LSC_DTLS_REQUIRED;
	text = lsc_saved_format(&req);
	CHECK(text, "format: out of memory");
	m_cur = !strstr(text, "dtls") && strstr(text, "\nformat 2\n");
	free(text);
	CHECK(m_cur, "required written, or no format line");
	return NULL;
}

static int count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * A write cut short (here by RLIMIT_FSIZE, as a full disk would) leaves
 * the old file as it was, and no temporary file next to it.
 */
static const char *failed_write_keeps_old(void)
{
	char dir[] = "/tmp/lscctl-saved-XXXXXX", path[64], *before;
	struct lsc_saved big;
	uint8_t *after = NULL;
	size_t len, i;
	struct stat st;
	pid_t pid;
	int status, ret, entries;

	CHECK(mkdtemp(dir), "mkdtemp");
	snprintf(path, sizeof(path), "%s/startup.conf", dir);
	CHECK(!full(&big), "setting up");
	ret = lsc_saved_write(path, &big);
	before = lsc_saved_format(&big);
	CHECK(!ret && before, "first write: %s", strerror(-ret));
	CHECK(!stat(path, &st) && (st.st_mode & 07777) == 0644, "mode %o", st.st_mode & 07777);
	for (i = 0; i < 4096; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };

		if (big.n_macs == big.cap_macs) {
			big.cap_macs *= 2;
			big.macs = realloc(big.macs, big.cap_macs * sizeof(*big.macs));
			CHECK(big.macs, "realloc");
		}
		memcpy(big.macs[big.n_macs++], mac, 6);
	}
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		struct rlimit rl = { .rlim_cur = 4096, .rlim_max = 4096 };

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(lsc_saved_write(path, &big) == -EFBIG ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	lsc_saved_free(&big);
	ret = lsc_read_file(path, 1 << 20, &after, &len);
	entries = count_entries(dir);
	unlink(path);
	rmdir(dir);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the cut-short write did not fail with EFBIG");
	CHECK(!ret && len == strlen(before) && !memcmp(after, before, len),
	      "the old file changed (%zu bytes, was %zu)", len, strlen(before));
	CHECK(entries == 1, "%d files in the directory, not 1", entries);
	free(after);
	free(before);
	return NULL;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "saved: written settings (quoted subject, list) read back the same", round_trip },
		{ "saved: every wrong line is told with its number", bad_lines_numbered },
		{ "saved: a NUL byte is told with its line", nul_byte_numbered },
		{ "saved: a value the module refuses is a wrong line",
		  module_limits_are_wrong_lines },
		{ "saved: control bytes are escaped in messages, refused outside quotes",
		  control_bytes_escaped },
		{ "saved: a provision list over the module's 65536 is a wrong line",
		  provlist_limit },
		{ "saved: diff names the settings that differ, list order aside",
		  diff_names_what_differs },
		{ "saved: dtls off (the lab mode, value 0) round-trips; no dtls line sends no mode",
		  dtls_off_round_trips },
		{ "saved: a 0.1.0 file's dtls off is ignored and told; a format 2 file's is sent",
		  old_file_dtls_ignored },
		{ "saved: the SET_CONFIG of a file reads back as the same settings",
		  put_reads_back },
		{ "saved: a failed write leaves the old file, mode 0644, no temporary",
		  failed_write_keeps_old },
	};

	tap_plan(TAP_COUNT(cases));
	tap_run(cases, TAP_COUNT(cases));
	return tap_exit();
}
