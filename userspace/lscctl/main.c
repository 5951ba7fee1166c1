// SPDX-License-Identifier: GPL-2.0
/*
 * lscctl: configure capwap_lsc and show its state, in the words of the
 * controller's "show certificate lsc" commands, or as one JSON document
 * (-j, as "ip -j" does).  A command line is read whole into the requests
 * it stands for before netlink is opened, so that a usage error is told
 * (status 2) with no module at hand; every request then goes through
 * generic netlink, whose every command needs CAP_NET_ADMIN.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "fileio.h"
#include "genl.h"
#include "mac.h"
#include "monitor.h"
#include "names.h"
#include "numparse.h"
#include "saved.h"
#include "show.h"
#include "dtls_trust.h"

/* The operator's words for an errno a request may get back. */
struct known_error {
	int err;
	char text[96];
};

/* One request of a command line, sent in order. */
struct step {
	struct nl_msg *msg;	/* NULL once sent */
	lsc_genl_reply_fn reply;
	char what[160];		/* "add f8:66:f2:67:57:7e": what a failure is about */
	struct known_error known[2];
};

struct plan {
	struct step *steps;
	int n, cap;
	struct lscctl_out out;
	void (*finish)(struct lscctl_out *o);	/* after the last reply */
	char why[160];			/* what is wrong with the command line */
	bool monitor;			/* "monitor": no requests, a stream */
	int rcvbuf;			/* monitor --buffer, 0: the default */
	int done;			/* requests the module carried out */
	bool save;			/* save the running settings afterwards */
	bool no_kmsg;			/* apply-saved: stderr alone */
	const char *saved_cmd;		/* "show-saved", "apply-saved", "save" */
	/* config mic-ca|ssc|dtls-*: lscd's files, not the module (dtls_trust.h) */
	int trust_argc;
	char **trust_argv;
	bool show_trust;
};

struct subcommand {
	const char *name;
	int (*parse)(struct plan *p, int argc, char **argv);
	const char *usage;
};

/* A usage error: -EINVAL, with the reason main() prints once. */
static int bad(struct plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * A request appended to the plan.  The family is not resolved yet (that
 * may load the module): run() addresses each request before sending it.
 */
static struct nl_msg *add_step(struct plan *p, uint8_t cmd, int flags,
			       lsc_genl_reply_fn reply)
{
	struct lsc_genl unresolved = { .family = 0 };
	struct step *s;

	/* A saved provision list is thousands of steps: grow by doubling. */
	if (p->n == p->cap) {
		s = realloc(p->steps, (p->cap ? 2 * p->cap : 8) * sizeof(*s));
		if (!s)
			return NULL;
		p->steps = s;
		p->cap = p->cap ? 2 * p->cap : 8;
	}
	s = &p->steps[p->n];
	memset(s, 0, sizeof(*s));
	s->msg = lsc_genl_msg(&unresolved, cmd, flags);
	if (!s->msg)
		return NULL;
	s->reply = reply;
	p->n++;
	return s->msg;
}

static struct step *last_step(struct plan *p)
{
	return &p->steps[p->n - 1];
}

static void step_knows(struct step *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void step_knows(struct step *s, int err, const char *fmt, ...)
{
	struct known_error *k = !s->known[0].err ? &s->known[0] : &s->known[1];
	va_list ap;

	k->err = err;
	va_start(ap, fmt);
	vsnprintf(k->text, sizeof(k->text), fmt, ap);
	va_end(ap);
}

/* The requests gone, the rest of the plan kept (a saved file read anew). */
static void plan_drop_steps(struct plan *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].msg)
			nlmsg_free(p->steps[i].msg);
	p->n = 0;
}

static void plan_free(struct plan *p)
{
	plan_drop_steps(p);
	free(p->steps);
	if (p->out.doc)
		json_object_put(p->out.doc);
}

/* The GET_AP dump, into o->aps (JSON) or as table rows. */
static int add_ap_dump(struct plan *p)
{
	return add_step(p, CAPWAP_LSC_CMD_GET_AP, NLM_F_DUMP, lscctl_ap_row_reply) ?
	       0 : -ENOMEM;
}

static int parse_show_ap(struct plan *p, const char *text)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;

	if (lsc_mac_parse(text, mac))
		return bad(p, "'%s' is not a MAC address", text);
	msg = add_step(p, CAPWAP_LSC_CMD_GET_AP, 0, lscctl_ap_detail_reply);
	if (!msg || nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
		return -ENOMEM;
	lsc_mac_format(canon, mac);
	step_knows(last_step(p), -ENOENT, "no AP with MAC %s", canon);
	return 0;
}

static int parse_show(struct plan *p, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "summary";
	struct lscctl_out *o = &p->out;
	int i, ret;

	if (!strcmp(what, "ap")) {
		if (argc != 3)
			return bad(p, "show ap takes one MAC");
		return parse_show_ap(p, argv[2]);
	}
	if (argc > 2 && strcmp(what, "stats"))
		return bad(p, "'%s' after show %s", argv[2], what);
	if (!strcmp(what, "trust")) {
		p->show_trust = true;
		return 0;
	}
	if (!strcmp(what, "summary")) {
		ret = lscctl_out_doc(o, false);
		if (!ret && !add_step(p, CAPWAP_LSC_CMD_GET_CONFIG, 0, lscctl_summary_reply))
			ret = -ENOMEM;
		return ret;
	}
	if (!strcmp(what, "ap-provision")) {
		ret = lscctl_out_doc(o, false);
		if (ret)
			return ret;
		if (o->json) {
			o->aps = json_object_new_array();
			if (!o->aps)
				return -ENOMEM;
			json_object_object_add(o->doc, "aps", o->aps);
		}
		if (!add_step(p, CAPWAP_LSC_CMD_GET_CONFIG, 0, lscctl_provisioning_reply))
			return -ENOMEM;
		p->finish = lscctl_ap_totals;
		return add_ap_dump(p);
	}
	if (!strcmp(what, "aps")) {
		ret = lscctl_out_doc(o, true);
		if (ret)
			return ret;
		o->aps = o->doc;
		p->finish = lscctl_ap_totals;
		return add_ap_dump(p);
	}
	if (!strcmp(what, "stats")) {
		for (i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--prometheus"))
				return bad(p, "'%s' after show stats", argv[i]);
			o->prometheus = true;
		}
		if (o->prometheus && o->json)
			return bad(p, "--prometheus is a format of its own, not with -j");
		ret = lscctl_out_doc(o, false);
		if (!ret && !add_step(p, CAPWAP_LSC_CMD_GET_STATS, 0, lscctl_stats_reply))
			ret = -ENOMEM;
		return ret;
	}
	return bad(p, "expected summary, ap-provision, aps, ap MAC, stats or trust, not '%s'", what);
}

static int parse_provision_list(struct plan *p, int argc, char **argv)
{
	uint8_t cmd, mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;
	struct step *s;
	bool add;
	int i;

	if (argc == 2 && !strcmp(argv[1], "flush"))
		return add_step(p, CAPWAP_LSC_CMD_PROVLIST_FLUSH, 0, NULL) ? 0 : -ENOMEM;
	if (argc < 3)
		return bad(p, "config provision-list takes add|del MAC... or flush");
	add = !strcmp(argv[1], "add");
	if (add)
		cmd = CAPWAP_LSC_CMD_PROVLIST_ADD;
	else if (!strcmp(argv[1], "del") || !strcmp(argv[1], "delete"))
		cmd = CAPWAP_LSC_CMD_PROVLIST_DEL;
	else
		return bad(p, "config provision-list takes add, del or flush, not '%s'",
			   argv[1]);
	for (i = 2; i < argc; i++) {
		if (lsc_mac_parse(argv[i], mac))
			return bad(p, "'%s' is not a MAC address", argv[i]);
		msg = add_step(p, cmd, 0, NULL);
		if (!msg || nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
			return -ENOMEM;
		lsc_mac_format(canon, mac);
		s = last_step(p);
		snprintf(s->what, sizeof(s->what), "provision-list %s %s", argv[1], canon);
		if (add) {
			step_knows(s, -EEXIST, "%s is on the provision list already", canon);
			step_knows(s, -ENOSPC, "the provision list is full: %s not added", canon);
		} else {
			step_knows(s, -ENOENT, "%s is not on the provision list", canon);
		}
	}
	return 0;
}

/* One setting of "config": a SET_CONFIG of it, saved once it is in. */
static int parse_setting(struct plan *p, int argc, char **argv)
{
	struct lsc_saved one = { 0 };
	struct nl_msg *msg;
	int ret;

	ret = lsc_saved_setting(&one, argc, argv, p->why, sizeof(p->why));
	if (ret >= 0) {
		msg = add_step(p, CAPWAP_LSC_CMD_SET_CONFIG, 0, NULL);
		ret = msg ? lsc_saved_put(msg, &one) : -ENOMEM;
	}
	lsc_saved_free(&one);
	return ret;
}

static int parse_config(struct plan *p, int argc, char **argv)
{
	if (argc < 2)
		return bad(p, "config needs a setting");
	argc--;
	argv++;
	if (!strcmp(argv[0], "show-saved") || !strcmp(argv[0], "apply-saved") ||
	    !strcmp(argv[0], "save")) {
		p->saved_cmd = argv[0];
		if (argc == 2 && !strcmp(argv[0], "apply-saved") &&
		    !strcmp(argv[1], "--no-kmsg"))
			p->no_kmsg = true;
		else if (argc != 1)
			return bad(p, "'%s' after config %s", argv[1], argv[0]);
		p->save = !strcmp(argv[0], "save");
		return 0;
	}
	if (lscctl_trust_word(argv[0])) {
		p->trust_argc = argc;
		p->trust_argv = argv;
		return lscctl_trust_parse(argc, argv, p->why, sizeof(p->why));
	}
	p->save = true;
	if (!strcmp(argv[0], "provision-list"))
		return parse_provision_list(p, argc, argv);
	return parse_setting(p, argc, argv);
}

static int parse_renew(struct plan *p, int argc, char **argv)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;
	bool all;

	if (argc != 2)
		return bad(p, "renew takes one MAC, or all");
	all = !strcmp(argv[1], "all");
	if (!all && lsc_mac_parse(argv[1], mac))
		return bad(p, "'%s' is not a MAC address, nor all", argv[1]);
	msg = add_step(p, CAPWAP_LSC_CMD_RENEW, 0, NULL);
	if (!msg)
		return -ENOMEM;
	if (all)
		return nla_put_u32(msg, CAPWAP_LSC_A_FLAGS, CAPWAP_LSC_F_ALL) < 0 ?
		       -ENOMEM : 0;
	if (nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) < 0)
		return -ENOMEM;
	lsc_mac_format(canon, mac);
	step_knows(last_step(p), -ENOENT, "no AP with MAC %s", canon);
	step_knows(last_step(p), -EAGAIN,
		   "AP %s is not in Run with an LSC or given up: nothing to renew", canon);
	return 0;
}

static int parse_monitor(struct plan *p, int argc, char **argv)
{
	unsigned long v;

	if (argc == 3 && !strcmp(argv[1], "--buffer")) {
		if (lsc_parse_uint(argv[2], 1024, 1UL << 30, &v))
			return bad(p, "--buffer takes a size in bytes from 1024 to 1073741824");
		p->rcvbuf = (int)v;
	} else if (argc != 1) {
		return bad(p, "monitor takes no arguments but --buffer BYTES");
	}
	p->monitor = true;
	return 0;
}

/*
 * Set while the saved configuration is applied as the module loads: no
 * one may read stderr then (udev, systemd-modules-load), so every line
 * also goes to the kernel log, and from there to the journal.
 */
static bool say_kmsg;

static void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int prio, const char *fmt, ...)
{
	char line[512], rec[520];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (prio <= 4)
		fprintf(stderr, "%s\n", line);
	if (!say_kmsg)
		return;
	/* One write() is one record; dprintf() would seek, which kmsg refuses. */
	n = snprintf(rec, sizeof(rec), "<%d>%s\n", prio, line);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1) < 0)
		fprintf(stderr, "lscctl: /dev/kmsg: %s\n", strerror(errno));
	close(fd);
}

static int config_reply(struct nlattr **a, void *arg)
{
	return lsc_saved_from_config(arg, a);
}

struct first_error {
	unsigned int line;
	char why[256];
};

static void keep_first(void *arg, unsigned int line, const char *why)
{
	struct first_error *f = arg;

	if (!f->line) {
		f->line = line;
		snprintf(f->why, sizeof(f->why), "%s", why);
	}
}

/*
 * Whether a change may replace the saved file: not when the file is there
 * but wrong (a hand edit, or a file the hook could not apply), since the
 * running settings are then the module's defaults plus this one change,
 * not what the operator saved.  "config save" replaces it on purpose.
 */
static bool saved_file_usable(const char *path)
{
	struct first_error f = { 0 };
	struct lsc_saved s;
	int ret = lsc_saved_read(path, &s, keep_first, &f);

	lsc_saved_free(&s);
	if (!ret || ret == -ENOENT)
		return true;
	if (ret < 0)
		fprintf(stderr, "lscctl config: in force but not saved: %s: %s\n", path,
			lsc_file_strerror(-ret));
	else
		fprintf(stderr, "lscctl config: in force but not saved: %s:%u: %s\n", path,
			f.line, f.why);
	fprintf(stderr, "lscctl config: the saved file is kept as it is; \"lscctl config save\" replaces it with the running settings\n");
	return false;
}

/*
 * The running settings, read back from the module, into the saved file;
 * explicit: "config save", which changed nothing and replaces any file.
 */
static int save_running(struct lsc_genl *g, bool explicit)
{
	const char *what = explicit ? "lscctl config save: not saved" :
			   "lscctl config: in force but not saved";
	struct lsc_saved running = { 0 };
	const char *path = lsc_saved_path();
	unsigned int size;
	struct nl_msg *msg;
	int lock, ret;

	/* Read back under the lock: the last to write read after every change. */
	lock = lsc_saved_lock(path);
	if (lock < 0) {
		fprintf(stderr, "%s: %s: %s\n", what, path, strerror(-lock));
		return lock;
	}
	if (!explicit && !saved_file_usable(path)) {
		close(lock);
		return -EINVAL;
	}
	msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_CONFIG, 0);
	if (!msg) {
		close(lock);
		return -ENOMEM;
	}
	ret = lsc_genl_call(g, msg, config_reply, &running);
	if (ret) {
		fprintf(stderr, "%s: the running settings could not be read: %s\n", what,
			strerror(-ret));
		goto out;
	}
	/* GET_CONFIG shows as much of the list as one message holds. */
	if (lscctl_sysfs_uint("provision_list_size", &size) && size > running.n_macs) {
		fprintf(stderr, "%s to %s: the provision list has %u entries, the module shows %zu of them\n",
			what, path, size, running.n_macs);
		ret = -EFBIG;
		goto out;
	}
	ret = lsc_saved_write(path, &running);
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", what, path, strerror(-ret));
out:
	close(lock);
	lsc_saved_free(&running);
	return ret;
}

struct file_errors {
	const char *path;
	int n;
	struct json_object *list;	/* show-saved -j */
};

static void file_error(void *arg, unsigned int line, const char *why)
{
	struct file_errors *e = arg;
	struct json_object *o;

	if (e->list) {
		o = json_object_new_object();
		json_object_object_add(o, "line", json_object_new_int64(line));
		json_object_object_add(o, "error", json_object_new_string(why));
		json_object_array_add(e->list, o);
		return;
	}
	/* The first ones tell what is wrong; a flood would hide the verdict. */
	if (e->n++ < 16)
		say(3, "lscctl: %s:%u: %s", e->path, line, why);
}

/*
 * The saved file as requests: the provision list replaced, then every
 * other setting in one SET_CONFIG, which the module takes whole or not at
 * all.  A wrong line applies nothing: a half-read configuration could
 * provision what the operator meant to keep out.  Returns 0 to apply, 1
 * when nothing is saved, -EINVAL when the file is wrong.
 */
static int plan_apply(struct plan *p, struct lsc_saved *s)
{
	struct file_errors e = { .path = lsc_saved_path() };
	char canon[LSC_MAC_STR_LEN];
	struct nl_msg *msg;
	struct step *st;
	size_t i;
	int ret;

	say_kmsg = !p->no_kmsg;
	ret = lsc_saved_read(e.path, s, file_error, &e);
	if (ret == -ENOENT)
		return 1;
	if (ret < 0) {
		say(3, "lscctl: saved configuration %s not applied: %s", e.path,
		    lsc_file_strerror(-ret));
		return -EINVAL;
	}
	if (ret > 0) {
		say(3, "lscctl: saved configuration %s not applied: %d wrong line%s; capwap_lsc keeps its defaults",
		    e.path, ret, ret == 1 ? "" : "s");
		return -EINVAL;
	}
	if (s->dtls_ignored)
		say(4, "lscctl: %s:%u: " LSC_SAVED_DTLS_IGNORED, e.path, s->dtls_ignored);
	if (!add_step(p, CAPWAP_LSC_CMD_PROVLIST_FLUSH, 0, NULL))
		return -ENOMEM;
	snprintf(last_step(p)->what, sizeof(last_step(p)->what), "%s: provision-list flush",
		 e.path);
	for (i = 0; i < s->n_macs; i++) {
		msg = add_step(p, CAPWAP_LSC_CMD_PROVLIST_ADD, 0, NULL);
		if (!msg || nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, s->macs[i]) < 0)
			return -ENOMEM;
		lsc_mac_format(canon, s->macs[i]);
		st = last_step(p);
		snprintf(st->what, sizeof(st->what), "%s: provision-list add %s", e.path, canon);
	}
	if (s->has & ~(1u << LSC_SAVED_PROVLIST)) {
		unsigned int first = 0, last = 0;

		for (i = 0; i < LSC_SAVED_N; i++) {
			if (i == LSC_SAVED_PROVLIST || !s->line[i])
				continue;
			if (!first || s->line[i] < first)
				first = s->line[i];
			if (s->line[i] > last)
				last = s->line[i];
		}
		msg = add_step(p, CAPWAP_LSC_CMD_SET_CONFIG, 0, NULL);
		if (!msg || lsc_saved_put(msg, s) < 0)
			return -ENOMEM;
		snprintf(last_step(p)->what, sizeof(last_step(p)->what),
			 "%s:%u-%u: the module refused these settings", e.path, first, last);
	}
	return 0;
}

/*
 * apply-saved holds the savers' lock for its whole run: a "config" saving
 * meanwhile would read back a module half applied (its list flushed, MACs
 * going in one by one) and save that.  Taken only once the module is
 * there (lsc_genl_open): a manual apply-saved that loads it would
 * otherwise hold the lock while the hook's apply-saved waits for it, and
 * the load for the hook.  The file may have changed since it was first
 * read: planned anew then.  0 to run, 1 when nothing is saved any more,
 * a negative errno when it cannot be applied (told).
 */
static int lock_and_reread(struct plan *p, struct lsc_saved *s, int *lock)
{
	const char *path = lsc_saved_path();
	struct lsc_saved now;
	int ret;

	*lock = lsc_saved_lock(path);
	if (*lock < 0) {
		say(3, "lscctl: saved configuration %s not applied: cannot lock its directory: %s",
		    path, strerror(-*lock));
		return *lock;
	}
	ret = lsc_saved_read(path, &now, NULL, NULL);
	if (!ret && !lsc_saved_diff(&now, s)) {
		lsc_saved_free(&now);
		return 0;
	}
	lsc_saved_free(&now);
	lsc_saved_free(s);
	plan_drop_steps(p);
	return plan_apply(p, s);
}

/* config show-saved: the file as it is, and what is wrong in it. */
static int show_saved(struct plan *p, int json_flags)
{
	struct file_errors e = { .path = lsc_saved_path() };
	struct lsc_saved s = { 0 };
	struct json_object *doc;
	uint8_t *text;
	size_t len;
	int ret;

	if (p->out.json) {
		doc = json_object_new_object();
		e.list = json_object_new_array();
		ret = lsc_saved_read(e.path, &s, file_error, &e);
		json_object_object_add(doc, "file", json_object_new_string(e.path));
		json_object_object_add(doc, "present", json_object_new_boolean(ret != -ENOENT));
		json_object_object_add(doc, "read_error",
				       ret < 0 && ret != -ENOENT ?
				       json_object_new_string(lsc_file_strerror(-ret)) : NULL);
		json_object_object_add(doc, "errors", e.list);
		json_object_object_add(doc, "settings", ret ? NULL : lscctl_saved_json(&s));
		printf("%s\n", json_object_to_json_string_ext(doc, json_flags));
		json_object_put(doc);
		lsc_saved_free(&s);
		return ret ? 1 : 0;
	}
	ret = lsc_read_regular_file(e.path, LSC_SAVED_MAX_SIZE, &text, &len);
	if (ret) {
		fprintf(stderr, "lscctl config show-saved: %s: %s%s\n", e.path, lsc_file_strerror(-ret),
			ret == -ENOENT ? " (nothing saved yet: every \"lscctl config\" saves)" : "");
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	ret = lsc_saved_read(e.path, &s, file_error, &e);
	if (!ret && s.dtls_ignored)
		fprintf(stderr, "lscctl: %s:%u: " LSC_SAVED_DTLS_IGNORED "\n", e.path,
			s.dtls_ignored);
	lsc_saved_free(&s);
	return ret ? 1 : 0;
}

static const struct subcommand subcommands[] = {
	{ "show", parse_show,
	  "show [summary]                       LSC settings and controller certificates\n"
	  "  show ap-provision                    provision list and every AP's LSC state\n"
	  "  show aps                             one line per AP\n"
	  "  show ap MAC                          one AP in detail\n"
	  "  show stats [--prometheus]            CAPWAP and LSC counters\n"
	  "  show trust                           who may join: lscd's DTLS trust settings" },
	{ "config", parse_config,
	  "config lsc enable|disable\n"
	  "  config provision off|all|list        which APs get an LSC\n"
	  "  config provision-list add|del MAC... | flush\n"
	  "  config subject C=CN ST=.. L=.. O=.. OU=.. email=..\n"
	  "  config key rsa 2048|3072|4096|384..2048 | ec 256|384\n"
	  "  config validity DAYS                 0: as the CA decides\n"
	  "  config attempts N                    0..255, 0: never fall back to MIC\n"
	  "  config vendor-id ID                  enterprise number of the LSC payloads\n"
	  "  config show-saved                    the saved configuration (-j: as JSON)\n"
	  "  config save                          save the running settings\n"
	  "  config apply-saved [--no-kmsg]       apply the saved configuration (module load)\n"
	  "  config dtls off|on|required          DTLS on the control channel\n"
	  "  config mic-ca add FILE... | del SHA256...  manufacturer CAs (lscd)\n"
	  "  config ssc add MAC SHA256|CERT | del MAC [SHA256]  self-signed APs (lscd)\n"
	  "  config dtls-accept mic,ssc,lsc       certificate types an AP may join with (lscd)\n"
	  "  config dtls-eku default|strict       EKU policy (lscd)\n"
	  "  config dtls-suites LIST              cipher suites, OpenSSL syntax (lscd)" },
	{ "renew", parse_renew,
	  "renew MAC|all                        provision a new LSC now" },
	{ "monitor", parse_monitor,
	  "monitor [--buffer BYTES]             print the APs' events as they happen" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lscctl [-j [-p]] COMMAND [ARGS]\n\n"
		"options:\n"
		"  -j, --json                           show as one JSON document\n"
		"                                       (monitor: one JSON object a line)\n"
		"  -p, --pretty                         indent the JSON\n"
		"  -h, --help                           print this usage\n"
		"  -V, --version                        print the version\n\n"
		"commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %s\n", subcommands[i].usage);
	fprintf(f, "  version                              print the version\n");
}

/* A failed request, in one line: the module's reason word for word. */
static void explain(const char *cmd, const struct step *s, int err,
		    const char *extack)
{
	const char *words = NULL;
	size_t i;

	for (i = 0; i < sizeof(s->known) / sizeof(s->known[0]); i++)
		if (s->known[i].err && s->known[i].err == err)
			words = s->known[i].text;
	if (err == -EPERM) {
		/* The module answers only administrators, reading too. */
		say(3, "lscctl %s: %s: needs CAP_NET_ADMIN (run as root)",
		    cmd, strerror(-err));
	} else if (words) {
		say(3, "lscctl %s: %s%s%s", cmd, words, extack[0] ? ": " : "", extack);
	} else {
		say(3, "lscctl %s: %s%s%s%s%s", cmd, s->what, s->what[0] ? ": " : "",
		    strerror(-err), extack[0] ? ": " : "", extack);
	}
}

static int run(struct plan *p, struct lsc_genl *g, const char *cmd, int json_flags)
{
	int i, ret;

	for (i = 0; i < p->n; i++) {
		struct step *s = &p->steps[i];
		struct nl_msg *msg = s->msg;

		s->msg = NULL;
		nlmsg_hdr(msg)->nlmsg_type = g->family;
		ret = lsc_genl_call(g, msg, s->reply, &p->out);
		if (ret) {
			explain(cmd, s, ret, g->error_msg);
			return ret;
		}
		p->done++;
	}
	if (p->finish)
		p->finish(&p->out);
	if (p->out.json && p->out.doc)
		printf("%s\n", json_object_to_json_string_ext(p->out.doc, json_flags));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int json_flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	const struct subcommand *sub = NULL;
	struct lsc_saved saved = { 0 };
	struct plan plan = { 0 };
	bool applying;
	struct lsc_genl g;
	int c, ret, lock = -1;
	size_t i;

	/* Options come before the command; what follows it is its own. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jphV", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			plan.out.json = true;
			break;
		case 'p':
			json_flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				     JSON_C_TO_STRING_NOSLASHESCAPE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("lscctl %s\n", CAPWAP_LSC_VERSION);
			return 0;
		default:
			if (optopt)
				fprintf(stderr, "lscctl: unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, "lscctl: unknown option '%s'\n",
					argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fprintf(stderr, "lscctl: no command\n");
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[0], "version")) {
		printf("lscctl %s\n", CAPWAP_LSC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[0], subcommands[i].name))
			sub = &subcommands[i];
	if (!sub) {
		fprintf(stderr, "lscctl: unknown command '%s'\n", argv[0]);
		usage(stderr);
		return 2;
	}
	ret = sub->parse(&plan, argc, argv);
	if (ret == -EINVAL) {
		fprintf(stderr, "lscctl %s: %s\nusage:\n  %s\n", sub->name,
			plan.why[0] ? plan.why : "invalid arguments", sub->usage);
		plan_free(&plan);
		return 2;
	}
	/* One object a line is what a reader of the stream splits on. */
	if (plan.monitor && (json_flags & JSON_C_TO_STRING_PRETTY)) {
		fprintf(stderr, "lscctl monitor: -p does not apply: -j prints one JSON object a line\n");
		plan_free(&plan);
		return 2;
	}
	if (!ret && (plan.trust_argv || plan.show_trust)) {
		ret = plan.show_trust ? lscctl_trust_show(plan.out.json, json_flags) :
		      lscctl_trust_config(plan.trust_argc, plan.trust_argv);
		plan_free(&plan);
		return ret;
	}
	if (!ret && plan.saved_cmd && !strcmp(plan.saved_cmd, "show-saved")) {
		ret = show_saved(&plan, json_flags);
		plan_free(&plan);
		return ret;
	}
	applying = !ret && plan.saved_cmd && !strcmp(plan.saved_cmd, "apply-saved");
	if (applying) {
		ret = plan_apply(&plan, &saved);
		if (ret) {
			lsc_saved_free(&saved);
			plan_free(&plan);
			return ret > 0 ? 0 : 1;
		}
	}
	if (ret) {
		fprintf(stderr, "lscctl %s: %s\n", sub->name, strerror(-ret));
		lsc_saved_free(&saved);
		plan_free(&plan);
		return 1;
	}
	ret = lsc_genl_open(&g);
	if (ret) {
		say(3, "lscctl: cannot reach the capwap_lsc module: %s%s", strerror(-ret),
		    ret == -ENOENT ? " (is capwap_lsc.ko installed? try: modprobe capwap_lsc)" : "");
		lsc_saved_free(&saved);
		plan_free(&plan);
		return 1;
	}
	if (applying) {
		ret = lock_and_reread(&plan, &saved, &lock);
		if (ret) {
			lsc_genl_close(&g);
			lsc_saved_free(&saved);
			plan_free(&plan);
			return ret > 0 ? 0 : 1;
		}
	}
	if (plan.monitor)
		ret = lscctl_monitor(&g, plan.out.json, json_flags, plan.rcvbuf);
	else
		ret = run(&plan, &g, sub->name, json_flags);
	/* What the module took is saved, even when a later request failed. */
	if (plan.save && (plan.done || plan.saved_cmd) &&
	    save_running(&g, plan.saved_cmd != NULL) && !ret)
		ret = -EIO;
	if (plan.saved_cmd && !strcmp(plan.saved_cmd, "apply-saved") && !ret)
		say(6, "lscctl: capwap_lsc: applied the saved configuration %s",
		    lsc_saved_path());
	if (lock >= 0)
		close(lock);
	lsc_genl_close(&g);
	lsc_saved_free(&saved);
	plan_free(&plan);
	return ret ? 1 : 0;
}
