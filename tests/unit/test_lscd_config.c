// SPDX-License-Identifier: GPL-2.0
/* lscd.conf parsing: keys, values, comments, errors with line numbers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fileio.h"
#include "scep_crypto.h"
#include "tap.h"
#include "trust.h"

static const char *test_defaults(void)
{
	struct lscd_config c;

	lscd_config_defaults(&c);
	CHECK(c.max_concurrent == 1, "default concurrency %u, want 1", c.max_concurrent);
	CHECK(c.key_type == CAPWAP_LSC_KEY_RSA && c.key_bits == 2048, "default key");
	CHECK(!strcmp(c.state_dir, LSCD_DEFAULT_STATE_DIR), "state dir %s", c.state_dir);
	CHECK(!c.ca_url && !c.challenge && !c.trace, "nothing else set");
	lscd_config_free(&c);
	return NULL;
}

static const char *test_full_file(void)
{
	static const char text[] =
		"# the CA\n"
		"ca_url = http://ca.example:8080/scep   # trailing comment\n"
		"\n"
		"   ca_fingerprint=AA:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99\n"
		"challenge = \" s p \"\n"
		"subject_country = US\n"
		"subject_org = Example Corp\n"
		"key_type = ec\n"
		"key_bits = 384\n"
		"max_concurrent = 4\n"
		"poll_initial = 1.5\n"
		"poll_factor = 1.5\n"
		"retries = 0\n"
		"renew_days = 45\n"
		"renew_stagger_days = 10\n"
		"state_dir = /tmp/lscd-state\n"
		"trace = yes\n";
	struct lscd_config c;
	char err[256] = "";
	int rc;

	lscd_config_defaults(&c);
	rc = lscd_config_parse(&c, text, err, sizeof(err));
	CHECK(!rc, "parse: %s", err);
	CHECK(c.ca_url && !strcmp(c.ca_url, "http://ca.example:8080/scep"), "ca_url '%s'", c.ca_url);
	CHECK(c.challenge && !strcmp(c.challenge, " s p "), "quoted challenge '%s'", c.challenge);
	CHECK(c.subject[CAPWAP_LSC_SUBJ_A_ORG] &&
	      !strcmp(c.subject[CAPWAP_LSC_SUBJ_A_ORG], "Example Corp"), "org");
	CHECK(c.key_type == CAPWAP_LSC_KEY_EC && c.key_bits == 384, "EC P-384");
	CHECK(c.max_concurrent == 4 && c.poll.initial_ms == 1500 && c.poll.factor == 1.5,
	      "numbers");
	CHECK(c.retries == 0 && c.renew_days == 45 && c.renew_stagger_days == 10, "renewal");
	CHECK(!strcmp(c.state_dir, "/tmp/lscd-state") && c.trace, "state dir, trace");
	lscd_config_free(&c);
	return NULL;
}

static const char *test_errors(void)
{
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "ca_url = x\nbogus = 1\n", "line 2: unknown key 'bogus'" },
		{ "\n\nmax_concurrent = 0\n", "line 3: invalid value '0' for max_concurrent" },
		{ "max_concurrent = -1\n", "line 1: invalid value" },
		{ "just words\n", "line 1: expected key = value" },
		{ "subject_country = USA\n", "line 1: invalid value" },
		{ "ca_fingerprint = 1234\n", "line 1: invalid value" },
		{ "trace = maybe\n", "line 1: invalid value" },
		{ "state_dir = relative/dir\n", "line 1: invalid value" },
		{ "key_type = rsa\nkey_bits = 1024\n", "disagree" },
		{ "key_type = ec\n", "disagree" },
		{ "poll_factor = 0.5\n", "line 1: invalid value" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lscd_config c;
		char err[256] = "";
		int rc;

		lscd_config_defaults(&c);
		rc = lscd_config_parse(&c, bad[i].text, err, sizeof(err));
		lscd_config_free(&c);
		CHECK(rc, "accepted: %s", bad[i].text);
		CHECK(strstr(err, bad[i].want), "'%s': got '%s', want '%s'", bad[i].text,
		      err, bad[i].want);
	}
	return NULL;
}

static const char *test_overrides_and_load(void)
{
	char path[] = "/tmp/lscd-conf-XXXXXX", err[256] = "";
	struct lscd_config c;
	int fd, rc;

	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	close(fd);
	CHECK(!lsc_write_file_atomic(path, "max_concurrent = 2\n", 19, 0600), "write");
	lscd_config_defaults(&c);
	rc = lscd_config_load(&c, path, false, err, sizeof(err));
	unlink(path);
	CHECK(!rc && c.max_concurrent == 2, "load: %s", err);
	CHECK(!lscd_config_set(&c, "max_concurrent", "8") && c.max_concurrent == 8,
	      "override after the file");
	CHECK(lscd_config_set(&c, "nope", "1") == -ENOENT, "unknown key: -ENOENT");
	CHECK(lscd_config_set(&c, "retries", "x") == -EINVAL, "bad value: -EINVAL");
	CHECK(!lscd_config_set(&c, "challenge", "") && !c.challenge, "empty clears");
	lscd_config_free(&c);

	lscd_config_defaults(&c);
	rc = lscd_config_load(&c, "/nonexistent/lscd.conf", true, err, sizeof(err));
	CHECK(!rc, "missing file allowed: %s", err);
	rc = lscd_config_load(&c, "/nonexistent/lscd.conf", false, err, sizeof(err));
	CHECK(rc == -ENOENT && strstr(err, "No such file"), "missing file refused: %s", err);
	lscd_config_free(&c);
	return NULL;
}

static const char *ap_challenge_of(const char *text, char *err, size_t size)
{
	static char got[300];
	struct lscd_config c;

	lscd_config_defaults(&c);
	if (lscd_config_parse(&c, text, err, size)) {
		lscd_config_free(&c);
		return NULL;
	}
	snprintf(got, sizeof(got), "%s", lscd_config_ap_challenge(&c));
	lscd_config_free(&c);
	return got;
}

/* The APs get the CA's challenge unless told otherwise, "none" included. */
static const char *test_ap_challenge(void)
{
	char err[256] = "", big[400];
	const char *got;

	got = ap_challenge_of("", err, sizeof(err));
	CHECK(got && !*got, "no challenge anywhere: '%s' %s", got, err);
	got = ap_challenge_of("challenge = sekrit\n", err, sizeof(err));
	CHECK(got && !strcmp(got, "sekrit"), "defaults to the CA's: '%s'", got);
	got = ap_challenge_of("challenge = sekrit\nap_challenge = other\n", err,
			      sizeof(err));
	CHECK(got && !strcmp(got, "other"), "its own: '%s'", got);
	got = ap_challenge_of("challenge = sekrit\nap_challenge =\n", err,
			      sizeof(err));
	CHECK(got && !*got, "set empty: none for the APs, not '%s'", got);
	snprintf(big, sizeof(big), "ap_challenge = %0256d\n", 0);
	got = ap_challenge_of(big, err, sizeof(err));
	CHECK(!got && strstr(err, "invalid value"),
	      "a 256-byte challenge accepted: %s", err);
	return NULL;
}

/* The CA pin: one spelling whatever the case and colons, kept 0600. */
static const char *test_trust(void)
{
	static const char lower[] =
		"3fa29c0011223344556677889900aabbccddeeff00112233445566778899aabb";
	static const char other[] =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char upper_colons[96] = "", got[65], by[65], dir[] = "/tmp/lscd-pin.XXXXXX",
	     path[64];
	struct lscd_config c;
	struct stat st;
	size_t i, n = 0;
	FILE *f;
	int rc;

	for (i = 0; i < 64; i += 2)
		n += (size_t)snprintf(upper_colons + n, sizeof(upper_colons) - n,
				      "%s%c%c", i ? ":" : "", lower[i] - (lower[i] >= 'a' ? 32 : 0),
				      lower[i + 1] - (lower[i + 1] >= 'a' ? 32 : 0));
	lscd_config_defaults(&c);
	rc = lscd_config_set(&c, "ca_fingerprint", upper_colons);
	CHECK(!rc && c.ca_fingerprint && !strcmp(c.ca_fingerprint, lower),
	      "ca_fingerprint %s kept as '%s'", upper_colons, c.ca_fingerprint);
	CHECK(c.min_ap_key_bits == 2048 && c.min_cipher == SCEP_CIPHER_AES128 &&
	      c.min_digest == SCEP_DIGEST_SHA256 && !c.csr_allow_extensions,
	      "defaults: min_ap_key_bits %u, min_cipher %u, min_digest %u",
	      c.min_ap_key_bits, c.min_cipher, c.min_digest);
	CHECK(lscd_config_set(&c, "min_cipher", "des") == -EINVAL, "min_cipher des accepted");
	CHECK(lscd_config_set(&c, "min_digest", "md5") == -EINVAL, "min_digest md5 accepted");
	CHECK(lscd_config_set(&c, "ca_root", "relative.pem") == -EINVAL, "relative ca_root");
	lscd_config_free(&c);

	CHECK(mkdtemp(dir), "mkdtemp");
	CHECK(lscd_pin_load(dir, got) == -ENOENT, "a pin before any was recorded");
	rc = lscd_pin_save(dir, upper_colons);
	snprintf(path, sizeof(path), "%s/%s", dir, LSCD_PIN_FILE);
	CHECK(!rc && !stat(path, &st) && (st.st_mode & 07777) == 0600,
	      "pin saved: rc %d, mode %o", rc, (unsigned int)(st.st_mode & 07777));
	rc = lscd_pin_load(dir, got);
	CHECK(!rc && !strcmp(got, lower), "pin read back: %d '%s'", rc, got);
	f = fopen(path, "w");
	if (f) {
		fputs("3fa2\n", f);
		fclose(f);
	}
	rc = lscd_pin_load(dir, got);
	unlink(path);
	CHECK(rc == -EINVAL, "a torn pin file taken: %d", rc);

	/* The announced next CA: next, then who announced it. */
	CHECK(lscd_next_load(dir, got, by) == -ENOENT, "a next CA before any");
	rc = lscd_next_save(dir, upper_colons, other);
	snprintf(path, sizeof(path), "%s/%s", dir, LSCD_NEXT_FILE);
	CHECK(!rc && !stat(path, &st) && (st.st_mode & 07777) == 0600,
	      "next CA saved: rc %d", rc);
	rc = lscd_next_load(dir, got, by);
	CHECK(!rc && !strcmp(got, lower) && !strcmp(by, other),
	      "next CA read back: %d '%s' '%s'", rc, got, by);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", lower);
		fclose(f);
	}
	rc = lscd_next_load(dir, got, by);
	CHECK(rc == -EINVAL, "a next CA without its announcer taken: %d", rc);
	lscd_next_clear(dir);
	CHECK(stat(path, &st) && errno == ENOENT, "ca.next not removed");
	rmdir(dir);
	return NULL;
}

static const char *test_challenge_file(void)
{
	char path[] = "/tmp/lscd-challenge-XXXXXX", text[128], err[256] = "";
	struct lscd_config c;
	int fd, rc;

	fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, "from-a-file\nsecond line\n", 24) == 24,
	      "scratch file");
	close(fd);
	lscd_config_defaults(&c);
	snprintf(text, sizeof(text), "challenge = inline\nchallenge_file = %s\n", path);
	rc = lscd_config_parse(&c, text, err, sizeof(err));
	CHECK(!rc && !strcmp(c.challenge, "from-a-file"),
	      "challenge_file: rc %d '%s' %s", rc, c.challenge, err);
	CHECK(!strcmp(lscd_config_ap_challenge(&c), "from-a-file"),
	      "the APs get it too");
	CHECK(!lscd_config_set(&c, "ap_challenge_file", path) &&
	      !strcmp(c.ap_challenge, "from-a-file"), "ap_challenge_file");
	lscd_config_free(&c);

	/* Readable by its group: refused, with what to do. */
	CHECK(!chmod(path, 0640), "chmod");
	lscd_config_defaults(&c);
	rc = lscd_config_set(&c, "challenge_file", path);
	CHECK(rc == -EPERM && strstr(c.why, "mode 0640") &&
	      strstr(c.why, "chmod 600") && !c.challenge,
	      "a group-readable challenge file: rc %d '%s'", rc, c.why);
	lscd_config_free(&c);
	unlink(path);

	lscd_config_defaults(&c);
	snprintf(text, sizeof(text), "\nchallenge_file = %s\n", path);
	rc = lscd_config_parse(&c, text, err, sizeof(err));
	CHECK(rc && strstr(err, "line 2: challenge_file: ") &&
	      strstr(err, "No such file or directory"), "a missing file: %s", err);
	lscd_config_free(&c);
	lscd_config_defaults(&c);
	rc = lscd_config_parse(&c, "challenge_file = relative\n", err, sizeof(err));
	CHECK(rc && strstr(err, "not an absolute path"), "a relative path: %s", err);
	lscd_config_free(&c);
	return NULL;
}

static const char *test_dtls_keys(void)
{
	static const char text[] =
		"mic_ca_file = /etc/capwap-lsc/mic.pem\n"
		"ssc_allow_file = /etc/capwap-lsc/ssc.txt\n"
		"dtls_accept = LSC, mic\n"
		"dtls_eku = strict\n"
		"dtls_security_level = 1\n"
		"dtls_cert_file = /etc/capwap-lsc/d.crt\n"
		"dtls_key_file = /etc/capwap-lsc/d.key\n"
		"dtls_suites = ECDHE-ECDSA-AES128-GCM-SHA256\n";
	static const char *const bad[] = {
		"dtls_accept = lsc,foo\n", "dtls_accept = ,\n", "dtls_eku = loose\n",
		"dtls_security_level = 6\n", "dtls_security_level = 12\n",
		"mic_ca_file = relative.pem\n", "dtls_key_file = k\n",
	};
	struct lscd_config c;
	char err[256];
	size_t i;
	int rc;

	lscd_config_defaults(&c);
	CHECK(c.dtls_accept == (1u << CAPWAP_LSC_CERT_MIC | 1u << CAPWAP_LSC_CERT_SSC |
				1u << CAPWAP_LSC_CERT_LSC) &&
	      !c.dtls_eku_strict && c.dtls_security_level == 2 && !c.mic_ca_file &&
	      !c.dtls_suites && !c.dtls_cert_file, "DTLS defaults");
	rc = lscd_config_parse(&c, text, err, sizeof(err));
	CHECK(!rc, "parse: %s", err);
	CHECK(!strcmp(c.mic_ca_file, "/etc/capwap-lsc/mic.pem") &&
	      !strcmp(c.ssc_allow_file, "/etc/capwap-lsc/ssc.txt") &&
	      !strcmp(c.dtls_cert_file, "/etc/capwap-lsc/d.crt") &&
	      !strcmp(c.dtls_key_file, "/etc/capwap-lsc/d.key") &&
	      !strcmp(c.dtls_suites, "ECDHE-ECDSA-AES128-GCM-SHA256"), "paths and suites");
	CHECK(c.dtls_accept == (1u << CAPWAP_LSC_CERT_MIC | 1u << CAPWAP_LSC_CERT_LSC),
	      "dtls_accept %#x", c.dtls_accept);
	CHECK(c.dtls_eku_strict && c.dtls_security_level == 1, "eku and level");
	lscd_config_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lscd_config_defaults(&c);
		rc = lscd_config_parse(&c, bad[i], err, sizeof(err));
		CHECK(rc && strstr(err, "line 1"), "'%s' refused: %s", bad[i], err);
		lscd_config_free(&c);
	}
	return NULL;
}

/*
 * The DTLS key and trust files: a key others can read, or a trust file
 * others can write, is refused with its mode and what to do.
 */
static const char *test_file_guarded(void)
{
	char path[] = "/tmp/lscd-guarded-XXXXXX", why[256] = "";
	int fd = mkstemp(path);

	CHECK(fd >= 0, "scratch file");
	CHECK(!lsc_file_guarded(fd, true, why, sizeof(why)), "0600 key: %s", why);
	CHECK(!fchmod(fd, 0644) && lsc_file_guarded(fd, true, why, sizeof(why)) == -EPERM &&
	      strstr(why, "mode 0644") && strstr(why, "chmod 600"), "0644 key: '%s'", why);
	CHECK(!lsc_file_guarded(fd, false, why, sizeof(why)), "0644 trust file: %s", why);
	CHECK(!fchmod(fd, 0664) && lsc_file_guarded(fd, false, why, sizeof(why)) == -EPERM &&
	      strstr(why, "chmod go-w"), "0664 trust file: '%s'", why);
	close(fd);
	unlink(path);
	return NULL;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "lscd_config_defaults", test_defaults },
		{ "lscd_config_full_file", test_full_file },
		{ "lscd_config_errors_name_the_line", test_errors },
		{ "lscd_config_overrides_and_load", test_overrides_and_load },
		{ "lscd_config_ap_challenge_defaults_to_the_cas", test_ap_challenge },
		{ "lscd_trust_pin_spelling_and_file", test_trust },
		{ "lscd_config_challenge_file", test_challenge_file },
		{ "lscd_file_guarded: DTLS key and trust file modes", test_file_guarded },
		{ "lscd_config_dtls_keys", test_dtls_keys },
	};

	tap_plan(TAP_COUNT(cases));
	tap_run(cases, TAP_COUNT(cases));
	return tap_exit();
}
