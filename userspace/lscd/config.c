// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "config.h"
#include "fileio.h"
#include "numparse.h"
#include "scep_crypto.h"
#include "trust.h"

/*
 * One enrollment at a time by default: Debian's scepserver (micromdm) keeps
 * its serial number in a file without locking and hands out duplicate
 * serials, or fails with "file exists", under concurrent enrollments.
 */
#define DEFAULT_CONCURRENCY 1
#define MAX_CONCURRENCY 256
#define MAX_SECRET_FILE_LEN 4096

void lscd_config_defaults(struct lscd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->key_type = CAPWAP_LSC_KEY_RSA;
	c->key_bits = 2048;
	c->min_ap_key_bits = 2048;
	c->min_cipher = SCEP_CIPHER_AES128;
	c->min_digest = SCEP_DIGEST_SHA256;
	c->max_concurrent = DEFAULT_CONCURRENCY;
	c->accept_backlog = 256;
	c->poll.initial_ms = 10000;
	c->poll.factor = 2.0;
	c->poll.max_interval_ms = 300000;
	c->poll.max_total_ms = 3600000;
	c->connect_timeout_ms = 5000;
	c->timeout_ms = 30000;
	c->retries = 3;
	c->retry_initial_ms = 500;
	c->retry_max_ms = 8000;
	c->ca_retry_ms = 30000;
	c->ca_refresh_ms = 86400 * 1000;
	c->renew_days = 30;
	c->renew_stagger_days = 7;
	c->renew_check_ms = 3600 * 1000;
	c->drain_timeout_ms = 30000;
	c->dtls_security_level = 2;
	c->dtls_handshake_timeout_ms = 60000;
	c->dtls_accept = 1u << CAPWAP_LSC_CERT_MIC | 1u << CAPWAP_LSC_CERT_SSC |
			 1u << CAPWAP_LSC_CERT_LSC;
	c->state_dir = strdup(LSCD_DEFAULT_STATE_DIR);
}

/*
 * A CA that wants a challenge wants it in every request, the APs' too, so
 * without an ap_challenge of their own they get the controller's.
 */
const char *lscd_config_ap_challenge(const struct lscd_config *c)
{
	if (c->ap_challenge_set)
		return c->ap_challenge ? c->ap_challenge : "";
	return c->challenge ? c->challenge : "";
}

void lscd_config_free(struct lscd_config *c)
{
	int i;

	free(c->ca_url);
	free(c->ca_fingerprint);
	free(c->ca_root);
	free(c->mic_ca_file);
	free(c->ssc_allow_file);
	free(c->dtls_suites);
	free(c->dtls_cert_file);
	free(c->dtls_key_file);
	free(c->ca_bundle);
	free(c->ca_pinned_pubkey);
	free(c->challenge);
	free(c->ap_challenge);
	free(c->controller_cn);
	for (i = 0; i <= CAPWAP_LSC_SUBJ_A_MAX; i++)
		free(c->subject[i]);
	free(c->state_dir);
	memset(c, 0, sizeof(*c));
}

static int set_str(char **dst, const char *v)
{
	char *s = NULL;

	if (*v) {
		s = strdup(v);
		if (!s)
			return -ENOMEM;
	}
	free(*dst);
	*dst = s;
	return 0;
}

static int set_uint(unsigned int *dst, const char *v, unsigned long min,
		    unsigned long max)
{
	unsigned long n;

	if (lsc_parse_uint(v, min, max, &n))
		return -EINVAL;
	*dst = (unsigned int)n;
	return 0;
}

static int set_bool(bool *dst, const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "on") || !strcmp(v, "1"))
		*dst = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
		 !strcasecmp(v, "off") || !strcmp(v, "0"))
		*dst = false;
	else
		return -EINVAL;
	return 0;
}

/* "mic,ssc,lsc": the certificate types a DTLS handshake may present. */
static int set_dtls_accept(unsigned int *dst, const char *v)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
		{ "mic", CAPWAP_LSC_CERT_MIC },
		{ "ssc", CAPWAP_LSC_CERT_SSC },
		{ "lsc", CAPWAP_LSC_CERT_LSC },
	};
	unsigned int mask = 0, i;
	size_t n;

	while (*v) {
		v += strspn(v, ", ");
		n = strcspn(v, ", ");
		if (!n)
			break;
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strlen(types[i].name) == n &&
			    !strncasecmp(v, types[i].name, n))
				break;
		if (i == sizeof(types) / sizeof(types[0]))
			return -EINVAL;
		mask |= 1u << types[i].type;
		v += n;
	}
	if (!mask)
		return -EINVAL;
	*dst = mask;
	return 0;
}

static const struct {
	const char *key;
	int attr;
} subject_keys[] = {
	{ "subject_country", CAPWAP_LSC_SUBJ_A_COUNTRY },
	{ "subject_state", CAPWAP_LSC_SUBJ_A_STATE },
	{ "subject_locality", CAPWAP_LSC_SUBJ_A_LOCALITY },
	{ "subject_org", CAPWAP_LSC_SUBJ_A_ORG },
	{ "subject_org_unit", CAPWAP_LSC_SUBJ_A_ORG_UNIT },
	{ "subject_email", CAPWAP_LSC_SUBJ_A_EMAIL },
};

static int set_key_bits(struct lscd_config *c, const char *v)
{
	unsigned int bits;

	if (set_uint(&bits, v, 256, 8192))
		return -EINVAL;
	c->key_bits = bits;
	return 0;
}

/* The key type and size must agree; checked once both are known. */
static int check_key(const struct lscd_config *c)
{
	if (c->key_type == CAPWAP_LSC_KEY_EC)
		return c->key_bits == 256 || c->key_bits == 384 ? 0 : -EINVAL;
	return c->key_bits == 2048 || c->key_bits == 3072 ||
	       c->key_bits == 4096 ? 0 : -EINVAL;
}

/*
 * A challenge kept in a file of its own (0600, owned by root) rather than
 * on the command line, where /proc/PID/cmdline shows it to every user, or
 * in the main file.  Its first line, without the line end.
 */
static int set_from_file(struct lscd_config *c, const char *key,
			 const char *path)
{
	uint8_t *data = NULL;
	char guard[200];
	size_t len = 0;
	int fd, rc;

	if (*path != '/') {
		snprintf(c->why, sizeof(c->why), "%s: not an absolute path", path);
		return -EINVAL;
	}
	/*
	 * A challenge others can read is no secret, and one others can write
	 * is theirs: such a file is refused, as ssh refuses such a key.
	 */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(c->why, sizeof(c->why), "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = lsc_file_guarded(fd, true, guard, sizeof(guard));
	close(fd);
	if (rc) {
		snprintf(c->why, sizeof(c->why), "%s: %.150s", path, guard);
		return rc;
	}
	rc = lsc_read_file(path, MAX_SECRET_FILE_LEN, &data, &len);
	if (rc) {
		snprintf(c->why, sizeof(c->why), "%s: %s", path, strerror(-rc));
		return rc;
	}
	data[strcspn((char *)data, "\r\n")] = '\0';
	rc = lscd_config_set(c, key, (char *)data);
	if (rc == -EINVAL)
		snprintf(c->why, sizeof(c->why), "%s: the challenge is too long", path);
	OPENSSL_cleanse(data, len);
	free(data);
	return rc;
}

int lscd_config_set(struct lscd_config *c, const char *key, const char *v)
{
	size_t i;

	c->why[0] = '\0';
	if (!strcmp(key, "challenge_file"))
		return set_from_file(c, "challenge", v);
	if (!strcmp(key, "ap_challenge_file"))
		return set_from_file(c, "ap_challenge", v);

	for (i = 0; i < sizeof(subject_keys) / sizeof(subject_keys[0]); i++) {
		if (strcmp(key, subject_keys[i].key))
			continue;
		if (strlen(v) > CAPWAP_LSC_MAX_SUBJECT_LEN ||
		    (subject_keys[i].attr == CAPWAP_LSC_SUBJ_A_COUNTRY && *v &&
		     strlen(v) != 2))
			return -EINVAL;
		return set_str(&c->subject[subject_keys[i].attr], v);
	}
	if (!strcmp(key, "ca_url"))
		return set_str(&c->ca_url, v);
	if (!strcmp(key, "ca_fingerprint")) {
		char norm[65];

		if (!*v)
			return set_str(&c->ca_fingerprint, v);
		/* One spelling: a reload changing only colons or case changes
		 * nothing. */
		return lscd_fp_normalize(v, norm) ? -EINVAL :
		       set_str(&c->ca_fingerprint, norm);
	}
	if (!strcmp(key, "ca_root"))
		return *v && *v != '/' ? -EINVAL : set_str(&c->ca_root, v);
	if (!strcmp(key, "mic_ca_file"))
		return *v && *v != '/' ? -EINVAL : set_str(&c->mic_ca_file, v);
	if (!strcmp(key, "ssc_allow_file"))
		return *v && *v != '/' ? -EINVAL : set_str(&c->ssc_allow_file, v);
	if (!strcmp(key, "dtls_cert_file"))
		return *v && *v != '/' ? -EINVAL : set_str(&c->dtls_cert_file, v);
	if (!strcmp(key, "dtls_key_file"))
		return *v && *v != '/' ? -EINVAL : set_str(&c->dtls_key_file, v);
	if (!strcmp(key, "dtls_security_level")) {
		if (strlen(v) != 1 || *v < '0' || *v > '5')
			return -EINVAL;
		c->dtls_security_level = *v - '0';
		return 0;
	}
	if (!strcmp(key, "dtls_handshake_timeout")) {
		unsigned int ms;

		if (lsc_parse_secs(v, 3600, &ms) || ms < 1000)
			return -EINVAL;
		c->dtls_handshake_timeout_ms = ms;
		return 0;
	}
	if (!strcmp(key, "dtls_suites"))
		return set_str(&c->dtls_suites, v);
	if (!strcmp(key, "dtls_accept"))
		return set_dtls_accept(&c->dtls_accept, v);
	if (!strcmp(key, "dtls_eku"))
		return !strcmp(v, "strict") ? (c->dtls_eku_strict = true, 0) :
		       !strcmp(v, "default") ? (c->dtls_eku_strict = false, 0) :
		       -EINVAL;
	if (!strcmp(key, "min_cipher"))
		return scep_cipher_rank(v, &c->min_cipher);
	if (!strcmp(key, "min_digest"))
		return scep_digest_rank(v, &c->min_digest);
	if (!strcmp(key, "csr_allow_extensions"))
		return set_bool(&c->csr_allow_extensions, v);
	if (!strcmp(key, "ca_bundle"))
		return set_str(&c->ca_bundle, v);
	if (!strcmp(key, "ca_pinned_pubkey"))
		return set_str(&c->ca_pinned_pubkey, v);
	if (!strcmp(key, "challenge"))
		return set_str(&c->challenge, v);
	if (!strcmp(key, "ap_challenge")) {
		if (strlen(v) > CAPWAP_LSC_MAX_CHALLENGE_LEN)
			return -EINVAL;
		c->ap_challenge_set = true;
		return set_str(&c->ap_challenge, v);
	}
	if (!strcmp(key, "controller_cn"))
		return set_str(&c->controller_cn, v);
	if (!strcmp(key, "state_dir"))
		return *v == '/' ? set_str(&c->state_dir, v) : -EINVAL;
	if (!strcmp(key, "key_type")) {
		if (!strcasecmp(v, "rsa"))
			c->key_type = CAPWAP_LSC_KEY_RSA;
		else if (!strcasecmp(v, "ec"))
			c->key_type = CAPWAP_LSC_KEY_EC;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(key, "key_bits"))
		return set_key_bits(c, v);
	if (!strcmp(key, "min_ap_key_bits"))
		return set_uint(&c->min_ap_key_bits, v, 0, 8192);
	if (!strcmp(key, "max_concurrent"))
		return set_uint(&c->max_concurrent, v, 1, MAX_CONCURRENCY);
	if (!strcmp(key, "accept_backlog"))
		return set_uint(&c->accept_backlog, v, 1, 65536);
	if (!strcmp(key, "poll_initial"))
		return lsc_parse_secs(v, 86400, &c->poll.initial_ms);
	if (!strcmp(key, "poll_factor"))
		return lsc_parse_double(v, 1.0, 100.0, &c->poll.factor);
	if (!strcmp(key, "poll_max_interval"))
		return lsc_parse_secs(v, 86400, &c->poll.max_interval_ms);
	if (!strcmp(key, "poll_max_time"))
		return lsc_parse_secs(v, 86400.0 * 30, &c->poll.max_total_ms);
	if (!strcmp(key, "connect_timeout"))
		return lsc_parse_secs(v, 3600, &c->connect_timeout_ms) ||
		       !c->connect_timeout_ms ? -EINVAL : 0;
	if (!strcmp(key, "timeout"))
		return lsc_parse_secs(v, 3600, &c->timeout_ms) || !c->timeout_ms ?
		       -EINVAL : 0;
	if (!strcmp(key, "retries"))
		return set_uint(&c->retries, v, 0, 100);
	if (!strcmp(key, "retry_delay"))
		return lsc_parse_secs(v, 3600, &c->retry_initial_ms);
	if (!strcmp(key, "retry_max_delay"))
		return lsc_parse_secs(v, 86400, &c->retry_max_ms);
	if (!strcmp(key, "ca_retry_interval"))
		return lsc_parse_secs(v, 86400, &c->ca_retry_ms) || !c->ca_retry_ms ?
		       -EINVAL : 0;
	if (!strcmp(key, "ca_refresh_interval"))
		return lsc_parse_secs(v, 30 * 86400, &c->ca_refresh_ms);
	if (!strcmp(key, "renew_days"))
		return set_uint(&c->renew_days, v, 0, 3650);
	if (!strcmp(key, "renew_stagger_days"))
		return set_uint(&c->renew_stagger_days, v, 0, 365);
	if (!strcmp(key, "renew_check_interval"))
		return lsc_parse_secs(v, 86400, &c->renew_check_ms) ||
		       !c->renew_check_ms ? -EINVAL : 0;
	if (!strcmp(key, "drain_timeout"))
		return lsc_parse_secs(v, 3600, &c->drain_timeout_ms);
	if (!strcmp(key, "trace"))
		return set_bool(&c->trace, v);
	if (!strcmp(key, "http_get"))
		return set_bool(&c->use_get, v);
	if (!strcmp(key, "verbose"))
		return set_bool(&c->verbose, v);
	return -ENOENT;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int lscd_config_parse(struct lscd_config *c, const char *text, char *err,
		      size_t errlen)
{
	char *copy = strdup(text), *line, *save = NULL, *key, *val, *eq, *hash;
	unsigned int lineno = 0;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	/* strtok_r would skip empty lines and so miscount them. */
	for (line = copy; line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line = trim(line);
		if (!*line)
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			snprintf(err, errlen, "line %u: expected key = value", lineno);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		/* Quotes let a value keep leading or trailing spaces. */
		if (strlen(val) >= 2 && val[0] == '"' && val[strlen(val) - 1] == '"') {
			val[strlen(val) - 1] = '\0';
			val++;
		}
		rc = lscd_config_set(c, key, val);
		if (rc && c->why[0]) {
			snprintf(err, errlen, "line %u: %s: %s", lineno, key, c->why);
			break;
		}
		if (rc == -ENOENT) {
			snprintf(err, errlen, "line %u: unknown key '%s'", lineno, key);
			break;
		}
		if (rc) {
			snprintf(err, errlen, "line %u: invalid value '%s' for %s",
				 lineno, val, key);
			break;
		}
	}
	free(copy);
	if (!rc && check_key(c)) {
		snprintf(err, errlen, "key_type and key_bits disagree: RSA takes 2048, 3072 or 4096, EC 256 or 384");
		rc = -EINVAL;
	}
	return rc;
}

int lscd_config_load(struct lscd_config *c, const char *path, bool missing_ok,
		     char *err, size_t errlen)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	rc = lsc_read_file(path, LSCD_CONFIG_MAX_LEN, &data, &len);
	if (rc == -ENOENT && missing_ok)
		return lscd_config_parse(c, "", err, errlen);
	if (rc) {
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	if (memchr(data, '\0', len)) {
		snprintf(err, errlen, "not a text file");
		free(data);
		return -EINVAL;
	}
	rc = lscd_config_parse(c, (const char *)data, err, errlen);
	free(data);
	return rc;
}
