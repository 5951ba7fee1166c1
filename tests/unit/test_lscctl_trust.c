// SPDX-License-Identifier: GPL-2.0
/*
 * "lscctl config" of lscd's DTLS trust settings (userspace/lscctl/
 * dtls_trust.c), on files in a temporary directory: lscd.conf keeps every
 * other line when a key is set, a refused change leaves every file as it
 * was, and the manufacturer CA and SSC files hold what lscd then reads.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tap.h"
#include "config.h"
#include "dtls_trust.h"
#include "fileio.h"
#include "running.h"
#include "ssc_list.h"

static char dir[64], conf[128], mics[128], sscs[128], err_path[128];
static char *last_err;

static const char *test_conf_with(void)
{
	static const char text[] =
		"# lscd.conf\n"
		"#dtls_accept = mic,ssc,lsc\n"
		"dtls_accept = mic\n"
		"  dtls_accept_later = 1\n"
		"ca_url = http://ca/scep\n"
		"dtls_accept=ssc   # a second one: lscd takes the last\n"
		"state_dir = /var/lib/x";
	char *out;

	out = lscctl_conf_with(text, "dtls_accept", "lsc");
	CHECK(out && !strcmp(out,
			     "# lscd.conf\n"
			     "#dtls_accept = mic,ssc,lsc\n"
			     "dtls_accept = lsc\n"
			     "  dtls_accept_later = 1\n"
			     "ca_url = http://ca/scep\n"
			     "state_dir = /var/lib/x\n"),
	      "set: %s", out ? out : "NULL");
	free(out);
	out = lscctl_conf_with(text, "dtls_eku", "strict");
	CHECK(out && !strncmp(out, text, strlen(text)) &&
	      !strcmp(out + strlen(text), "\ndtls_eku = strict\n"),
	      "appended: %s", out ? out : "NULL");
	free(out);
	out = lscctl_conf_with("", "dtls_eku", "strict");
	CHECK(out && !strcmp(out, "dtls_eku = strict\n"), "empty: %s", out ? out : "NULL");
	free(out);
	return NULL;
}

/* A self-signed certificate: a CA when ca, else an AP's. */
static int make_cert(const char *path, bool ca, const char *cn)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	FILE *f;
	int ok;

	ok = key && x && X509_set_version(x, 2) &&
	     ASN1_INTEGER_set(X509_get_serialNumber(x), 1) &&
	     X509_gmtime_adj(X509_getm_notBefore(x), -60) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), 86400) &&
	     X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_issuer_name(x, X509_get_subject_name(x)) &&
	     X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = ok ? X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
				       ca ? "critical,CA:TRUE" : "CA:FALSE") : NULL;
	ok = ext && X509_add_ext(x, ext, -1) && X509_sign(x, key, EVP_sha256());
	X509_EXTENSION_free(ext);
	f = ok ? fopen(path, "w") : NULL;
	ok = f && PEM_write_X509(f, x);
	if (f)
		fclose(f);
	X509_free(x);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

static char *slurp(const char *path)
{
	uint8_t *data = NULL;
	size_t len;

	return lsc_read_file(path, 1 << 20, &data, &len) ? NULL : (char *)data;
}

static int config(int argc, ...)
{
	char *argv[8];
	va_list ap;
	int i, rc, saved, saved_err, null, err;

	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	/* Its words to the operator are not TAP lines: away from stdout,
	 * and what it says on stderr kept for the case to read. */
	fflush(stdout);
	fflush(stderr);
	saved = dup(1);
	saved_err = dup(2);
	null = open("/dev/null", O_WRONLY);
	err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(null, 1);
	dup2(err, 2);
	rc = lscctl_trust_config(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved, 1);
	dup2(saved_err, 2);
	close(saved);
	close(saved_err);
	close(null);
	close(err);
	free(last_err);
	last_err = slurp(err_path);
	return rc;
}

/* What the last config() told on stderr contains s. */
static bool told(const char *s)
{
	return last_err && strstr(last_err, s);
}

static const char *test_mic_ca(void)
{
	char ca[160], ap[160], *before, *after, *pem;
	struct stat st;

	snprintf(ca, sizeof(ca), "%s/mfg.pem", dir);
	snprintf(ap, sizeof(ap), "%s/ap.pem", dir);
	CHECK(!make_cert(ca, true, "Maker CA") && !make_cert(ap, false, "AIR-AP-0123456789ab"),
	      "cannot make the certificates");
	before = slurp(conf);
	CHECK(config(3, "mic-ca", "add", ap) == 1, "an AP's certificate taken as a CA");
	after = slurp(conf);
	CHECK(before && after && !strcmp(before, after), "lscd.conf changed on a refusal");
	free(after);
	CHECK(access(mics, F_OK), "mic-cas.pem written on a refusal");
	CHECK(config(3, "mic-ca", "add", ca) == 0, "the CA refused");
	after = slurp(conf);
	CHECK(after && strstr(after, "mic_ca_file = ") && strstr(after, "/mic-cas.pem\n") &&
	      !strncmp(after, before, strlen(before)), "lscd.conf: %s", after ? after : "NULL");
	free(after);
	free(before);
	CHECK(!stat(mics, &st) && (st.st_mode & 0777) == 0644, "mic-cas.pem mode %o",
	      st.st_mode & 0777);
	CHECK(!stat(conf, &st) && (st.st_mode & 0777) == 0600, "lscd.conf mode %o",
	      st.st_mode & 0777);
	pem = slurp(mics);
	CHECK(pem && strstr(pem, "# /CN=Maker CA\n# SHA-256 ") &&
	      strstr(pem, "-----BEGIN CERTIFICATE-----") &&
	      !strstr(strstr(pem, "-----END CERTIFICATE-----") + 1, "-----BEGIN"),
	      "mic-cas.pem: %s", pem ? pem : "NULL");
	/* Twice: the same single certificate. */
	CHECK(config(3, "mic-ca", "add", ca) == 0, "adding it again");
	after = slurp(mics);
	CHECK(after && !strcmp(after, pem), "adding it again changed the file");
	free(after);
	CHECK(config(3, "mic-ca", "del", "00") == 1, "del of a non-fingerprint");
	CHECK(config(3, "mic-ca", "del",
		     "0000000000000000000000000000000000000000000000000000000000000000") == 1,
	      "del of an unknown CA");
	{
		char fp[65];

		memcpy(fp, strstr(pem, "# SHA-256 ") + 10, 64);
		fp[64] = '\0';
		CHECK(config(3, "mic-ca", "del", fp) == 0, "del of the CA");
	}
	free(pem);
	pem = slurp(mics);
	CHECK(pem && !strstr(pem, "BEGIN"), "after del: %s", pem ? pem : "NULL");
	free(pem);
	return NULL;
}

static const char *test_ssc(void)
{
	static const char fp[] =
		"aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99";
	char *list;

	CHECK(config(4, "ssc", "add", "01:23:45:67:89:ab", fp) == 0, "ssc add");
	CHECK(config(4, "ssc", "add", "01:23:45:67:89:ab", fp) == 0, "ssc add again");
	CHECK(config(4, "ssc", "add", "01:23:45:67:89:ac", "nothex") == 1, "not a key");
	list = slurp(sscs);
	CHECK(list && !strcmp(list,
			      "01:23:45:67:89:ab aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899\n"),
	      "list: %s", list ? list : "NULL");
	free(list);
	CHECK(config(3, "ssc", "del", "01:23:45:67:89:ac") == 1, "del of an unlisted MAC");
	CHECK(config(3, "ssc", "del", "01:23:45:67:89:ab") == 0, "ssc del");
	list = slurp(sscs);
	CHECK(list && !*list, "after del: %s", list ? list : "NULL");
	free(list);
	return NULL;
}

static const char *test_scalars(void)
{
	char *before = slurp(conf), *after;

	CHECK(config(2, "dtls-accept", "mic,foo") == 1, "a bad type taken");
	CHECK(config(2, "dtls-eku", "loose") == 1, "a bad EKU mode taken");
	CHECK(config(2, "dtls-suites", "NO-SUCH-SUITE") == 1, "an unknown suite taken");
	after = slurp(conf);
	CHECK(before && after && !strcmp(before, after), "lscd.conf changed on a refusal");
	free(after);
	free(before);
	CHECK(config(2, "dtls-accept", "lsc") == 0 && config(2, "dtls-eku", "strict") == 0 &&
	      config(2, "dtls-suites", "ECDHE-RSA-AES128-GCM-SHA256") == 0, "good values refused");
	after = slurp(conf);
	CHECK(after && strstr(after, "\ndtls_accept = lsc\n") &&
	      strstr(after, "\ndtls_eku = strict\n") &&
	      strstr(after, "\ndtls_suites = ECDHE-RSA-AES128-GCM-SHA256\n") &&
	      strstr(after, "# the operator's comment\n"), "lscd.conf: %s", after ? after : "NULL");
	free(after);
	return NULL;
}

static const char *test_parse(void)
{
	char why[160];
	char *bad1[] = { "dtls-suites", "A#B" };
	char *bad2[] = { "ssc", "add", "nomac", "x" };
	char *bad3[] = { "mic-ca", "list", "x" };
	char *good[] = { "ssc", "del", "01:23:45:67:89:ab" };

	CHECK(lscctl_trust_parse(2, bad1, why, sizeof(why)) == -EINVAL, "'#' in a value");
	CHECK(lscctl_trust_parse(4, bad2, why, sizeof(why)) == -EINVAL, "a bad MAC");
	CHECK(lscctl_trust_parse(3, bad3, why, sizeof(why)) == -EINVAL, "mic-ca list x");
	CHECK(lscctl_trust_parse(3, good, why, sizeof(why)) == 0, "ssc del MAC: %s", why);
	return NULL;
}

static const char *test_damaged_pem(void)
{
	char ca[160], bad[160], *text, *good;
	FILE *f;

	/* The maker's CA, then a block that is not one: not half a bundle. */
	snprintf(ca, sizeof(ca), "%s/mfg.pem", dir);
	snprintf(bad, sizeof(bad), "%s/damaged.pem", dir);
	good = slurp(ca);
	f = fopen(bad, "w");
	CHECK(good && f && fputs(good, f) >= 0 &&
	      fputs("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", f) >= 0 &&
	      !fclose(f), "cannot write %s", bad);
	free(good);
	text = slurp(mics);
	CHECK(config(3, "mic-ca", "add", bad) == 1 && told("cannot be read"),
	      "a damaged bundle taken: %s", last_err ? last_err : "");
	good = slurp(mics);
	CHECK((!text && !good) || (text && good && !strcmp(text, good)), "mic-cas.pem changed");
	free(text);
	free(good);
	return NULL;
}

static const char *test_ssc_lines(void)
{
	static const char fp[] =
		"aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899";
	uint8_t mac[CAPWAP_LSC_MAC_LEN], md[32];
	char line[600];

	/* lscd once read 255 bytes a line: a long comment split it in two. */
	snprintf(line, sizeof(line), "01:23:45:67:89:ab %s   # %0400d", fp, 0);
	CHECK(lscd_ssc_line(line, strlen(line), mac, md) == 1 && mac[5] == 0xab &&
	      md[0] == 0xaa && md[31] == 0x99, "an entry with a 400-byte comment");
	snprintf(line, sizeof(line), "# %0300d 01:23:45:67:89:ab %s", 0, fp);
	CHECK(lscd_ssc_line(line, strlen(line), mac, md) == 0, "a long comment is no entry");
	snprintf(line, sizeof(line), "01:23:45:67:89:ab %s extra", fp);
	CHECK(lscd_ssc_line(line, strlen(line), mac, md) == -EINVAL, "a third word taken");
	snprintf(line, sizeof(line), "01:23:45:67:89:ab %.62s", fp);
	CHECK(lscd_ssc_line(line, strlen(line), mac, md) == -EINVAL, "a short hash taken");
	snprintf(line, sizeof(line), " \t\r");
	CHECK(lscd_ssc_line(line, strlen(line), mac, md) == 0, "blank");
	CHECK(lscd_ssc_list_each("a\0b\n", 4, NULL, NULL) == -EINVAL, "a NUL byte taken");
	return NULL;
}

static const char *test_unnamed_file_not_adopted(void)
{
	char path[160], ca[160], *before = slurp(conf), *after;
	FILE *f;

	/* Left there, unnamed: lscd does not read it; neither is it taken over. */
	snprintf(path, sizeof(path), "%s/mic-cas.pem", dir);
	unlink(path);
	f = fopen(path, "w");
	CHECK(f && fputs("old\n", f) >= 0 && !fclose(f), "cannot write %s", path);
	after = lscctl_conf_with(before, "mic_ca_file", NULL);
	f = fopen(conf, "w");
	CHECK(after && f && fputs(after, f) >= 0 && !fclose(f), "cannot write lscd.conf");
	free(after);
	free(before);
	before = slurp(conf);
	/* The CA of test_mic_ca, which lscctl would take but for the file. */
	snprintf(ca, sizeof(ca), "%s/mfg.pem", dir);
	CHECK(!access(ca, R_OK), "no %s", ca);
	CHECK(config(3, "mic-ca", "add", ca) == 1 && told("does not name it"),
	      "an unnamed file adopted: %s", last_err ? last_err : "");
	after = slurp(conf);
	CHECK(before && after && !strcmp(before, after), "lscd.conf changed");
	free(after);
	free(before);
	after = slurp(path);
	CHECK(after && !strcmp(after, "old\n"), "the unnamed file changed");
	free(after);
	unlink(path);
	return NULL;
}

static const char *test_read_back(void)
{
	char hashdir[160], hashconf[200], *text;
	FILE *f;

	/* lscd would read "mic_ca_file = <dir>/a" and take the rest for a comment. */
	snprintf(hashdir, sizeof(hashdir), "%s/a#b", dir);
	snprintf(hashconf, sizeof(hashconf), "%s/lscd.conf", hashdir);
	CHECK(!mkdir(hashdir, 0700), "mkdir %s", hashdir);
	f = fopen(hashconf, "w");
	CHECK(f && fprintf(f, "state_dir = %s\n", dir) > 0 && !fclose(f), "cannot write");
	setenv(LSCCTL_LSCD_CONF_ENV, hashconf, 1);
	CHECK(config(4, "ssc", "add", "01:23:45:67:89:ab",
		      "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899") == 1 &&
	      told("lscd would read ssc_allow_file"), "taken: %s", last_err ? last_err : "");
	setenv(LSCCTL_LSCD_CONF_ENV, conf, 1);
	text = slurp(hashconf);
	CHECK(text && !strstr(text, "ssc_allow_file"), "written: %s", text ? text : "NULL");
	free(text);
	return NULL;
}

static const char *test_symlinked_conf(void)
{
	char real[160], link[160], *text;
	struct stat st;
	FILE *f;

	snprintf(real, sizeof(real), "%s/real.conf", dir);
	snprintf(link, sizeof(link), "%s/link.conf", dir);
	f = fopen(real, "w");
	CHECK(f && fprintf(f, "state_dir = %s\n", dir) > 0 && !fclose(f), "cannot write");
	CHECK(!symlink("real.conf", link), "symlink");
	setenv(LSCCTL_LSCD_CONF_ENV, link, 1);
	CHECK(config(2, "dtls-eku", "strict") == 0, "refused: %s", last_err ? last_err : "");
	setenv(LSCCTL_LSCD_CONF_ENV, conf, 1);
	CHECK(!lstat(link, &st) && S_ISLNK(st.st_mode), "the symlink was replaced");
	text = slurp(real);
	CHECK(text && strstr(text, "dtls_eku = strict\n"), "the target: %s", text ? text : "NULL");
	free(text);
	return NULL;
}

static const char *test_ssc_list_limit(void)
{
	char *big = malloc(LSCD_SSC_LIST_MAX), *after;
	size_t n = 0;
	FILE *f;

	CHECK(big, "out of memory");
	/* Comment lines up to a few bytes short of lscd's limit. */
	while (n + 100 < LSCD_SSC_LIST_MAX) {
		memset(big + n, '#', 99);
		big[n + 99] = '\n';
		n += 100;
	}
	f = fopen(sscs, "w");
	CHECK(f && fwrite(big, 1, n, f) == n && !fclose(f), "cannot write");
	free(big);
	CHECK(config(4, "ssc", "add", "01:23:45:67:89:ab",
		      "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899") == 1 &&
	      told("past 1 MiB"), "grown past the limit: %s", last_err ? last_err : "");
	after = slurp(sscs);
	CHECK(after && strlen(after) == n, "the list changed");
	free(after);
	unlink(sscs);
	return NULL;
}

static const char *test_running_record(void)
{
	static const char *const keys[] = { "state_dir", "dtls_accept" };
	struct lscd_running_info info;
	char *real = realpath(conf, NULL);
	int ok;

	CHECK(!lscd_running_record(dir, conf, keys, 2), "cannot record");
	ok = !lscd_running_info(dir, &info) && real && !strcmp(info.config, real) &&
	     info.pid == getpid() &&
	     info.nkeys == 2 && lscd_running_overrides(&info, "dtls_accept") &&
	     !lscd_running_overrides(&info, "dtls_eku");
	free(real);
	lscd_running_unrecord(dir);
	CHECK(ok, "read back: %.300s, %u keys", info.config, info.nkeys);
	CHECK(lscd_running_info(dir, &info) == -ENOENT, "still there after unrecord");
	return NULL;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "trust: a key set in lscd.conf keeps every other line", test_conf_with },
		{ "trust: command lines of a wrong shape are usage errors", test_parse },
		{ "trust: mic-ca add checks the CA, writes both files, del removes it",
		  test_mic_ca },
		{ "trust: ssc add and del keep one line a key", test_ssc },
		{ "trust: a bundle with a damaged certificate is refused whole",
		  test_damaged_pem },
		{ "trust: a refused value leaves lscd.conf as it was", test_scalars },
		{ "trust: SSC lines parse whole, as lscd and lscctl both read them",
		  test_ssc_lines },
		{ "trust: a default file lscd.conf does not name is not taken over",
		  test_unnamed_file_not_adopted },
		{ "trust: lscd's record of what it reads reads back", test_running_record },
		{ "trust: a value lscd would read otherwise ('#' in a path) is refused",
		  test_read_back },
		{ "trust: a symlinked lscd.conf stays a symlink; its target is written",
		  test_symlinked_conf },
		{ "trust: ssc add does not grow the list past what lscd reads",
		  test_ssc_list_limit },
	};
	char text[256];
	FILE *f;

	tap_plan(TAP_COUNT(cases));
	snprintf(dir, sizeof(dir), "/tmp/lscctl-trust.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(conf, sizeof(conf), "%s/lscd.conf", dir);
	snprintf(mics, sizeof(mics), "%s/mic-cas.pem", dir);
	snprintf(sscs, sizeof(sscs), "%s/ssc-allow.txt", dir);
	snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
	snprintf(text, sizeof(text), "# the operator's comment\nstate_dir = %s\n", dir);
	f = fopen(conf, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		return 1;
	chmod(conf, 0600);
	setenv(LSCCTL_LSCD_CONF_ENV, conf, 1);
	tap_run(cases, TAP_COUNT(cases));
	snprintf(text, sizeof(text), "rm -rf %s", dir);
	if (system(text))
		return 1;
	return tap_exit();
}
