// SPDX-License-Identifier: GPL-2.0
/*
 * "lscctl config" of the DTLS trust settings (dtls_trust.h).  A change is
 * judged with lscd's own parsers before anything is written: the whole
 * lscd.conf it makes must load, each manufacturer CA must pass the test
 * lscd puts it to, and a suite list must name suites OpenSSL knows.  Then
 * the data file and lscd.conf are each replaced atomically, and a running
 * lscd is sent SIGHUP: it re-reads them for its next handshake, while a
 * handshake under way ends under the settings it began with.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../lscd/config.h"
#include "../lscd/dtls_peer.h"
#include "fileio.h"
#include "hex.h"
#include "mac.h"
#include "pem.h"
#include "../lscd/running.h"
#include "../lscd/scep_cert.h"
#include "../lscd/ssc_list.h"
#include "../lscd/trust.h"
#include "saved.h"
#include "dtls_trust.h"


static const struct {
	const char *word;	/* lscctl config WORD */
	const char *key;	/* lscd.conf's */
} scalar_words[] = {
	{ "dtls-accept", "dtls_accept" },
	{ "dtls-eku", "dtls_eku" },
	{ "dtls-suites", "dtls_suites" },
};

bool lscctl_trust_word(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(scalar_words) / sizeof(scalar_words[0]); i++)
		if (!strcmp(word, scalar_words[i].word))
			return true;
	return !strcmp(word, "mic-ca") || !strcmp(word, "ssc");
}

static const char *scalar_key(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(scalar_words) / sizeof(scalar_words[0]); i++)
		if (!strcmp(word, scalar_words[i].word))
			return scalar_words[i].key;
	return NULL;
}

int lscctl_trust_parse(int argc, char **argv, char *why, size_t size)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN];

	if (scalar_key(argv[0])) {
		if (argc != 2) {
			snprintf(why, size, "%s takes one value", argv[0]);
			return -EINVAL;
		}
		/* lscd.conf has no quoting for these: '#' starts a comment. */
		if (!*argv[1] || strpbrk(argv[1], "#\n\r\"") ||
		    argv[1][0] == ' ' || argv[1][strlen(argv[1]) - 1] == ' ') {
			snprintf(why, size, "%s: '%s' cannot be a value of lscd.conf",
				 argv[0], argv[1]);
			return -EINVAL;
		}
		return 0;
	}
	if (argc < 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "del"))) {
		snprintf(why, size, "%s add|del ...", argv[0]);
		return -EINVAL;
	}
	if (!strcmp(argv[0], "mic-ca"))
		return 0;
	if (argc > 4 || (!strcmp(argv[1], "add") && argc != 4)) {
		snprintf(why, size, "ssc add MAC SHA256|CERT, ssc del MAC [SHA256]");
		return -EINVAL;
	}
	if (lsc_mac_parse(argv[2], mac)) {
		snprintf(why, size, "'%s' is not a MAC address", argv[2]);
		return -EINVAL;
	}
	return 0;
}

char *lscctl_conf_with(const char *text, const char *key, const char *value)
{
	size_t keylen = strlen(key), cap = strlen(text) + strlen(key) +
		(value ? strlen(value) : 0) + 8, n = 0;
	const char *line, *end, *p, *q;
	char *out = malloc(cap);
	bool done = false;

	if (!out)
		return NULL;
	for (line = text; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		for (p = line; p < end && *p != '\n' && isspace((unsigned char)*p); p++)
			;
		q = p + keylen;
		if (!strncmp(p, key, keylen) && q < end &&
		    (q[strspn(q, " \t")] == '=')) {
			/* lscd takes the last line of a key: keep one. */
			if (!done && value)
				n += (size_t)sprintf(out + n, "%s = %s\n", key, value);
			done = true;
			continue;
		}
		memcpy(out + n, line, (size_t)(end - line));
		n += (size_t)(end - line);
		if (end[-1] != '\n')
			out[n++] = '\n';
	}
	if (!done && value)
		n += (size_t)sprintf(out + n, "%s = %s\n", key, value);
	out[n] = '\0';
	return out;
}

/* What a change works on: lscd.conf, as text and as lscd reads it. */
struct trust_ctx {
	const char *conf_path;		/* as named: what messages say */
	char *conf_real;		/* what is written: a symlink's target */
	char *conf;			/* its text, "" when missing */
	mode_t conf_mode;
	struct lscd_config cfg;
	char *dir;			/* lscd.conf's directory */
	char *data_path;		/* mic_ca_file or ssc_allow_file */
	char *data;			/* the new content of data_path */
	size_t data_len;
	bool conf_changed;
};

static const char *conf_path(void)
{
	const char *p = getenv(LSCCTL_LSCD_CONF_ENV);

	return p && *p ? p : LSCD_DEFAULT_CONFIG;
}

/* lscd.conf as lscd would load it: 0, or 1 with the reason told. */
static int load_conf(struct trust_ctx *t)
{
	char err[256] = "";
	struct stat st;
	uint8_t *text;
	size_t len;
	char *slash;
	int rc;

	t->conf_path = conf_path();
	/* A symlink stays one: the file it names is replaced, as lscd reads it. */
	t->conf_real = realpath(t->conf_path, NULL);
	if (!t->conf_real && errno != ENOENT) {
		fprintf(stderr, "lscctl config: %s: %s\n", t->conf_path, strerror(errno));
		return 1;
	}
	rc = lsc_read_regular_file(t->conf_path, LSCD_CONFIG_MAX_LEN, &text, &len);
	if (!rc && memchr(text, '\0', len)) {
		fprintf(stderr, "lscctl config: %s holds a NUL byte: lscd refuses it as not a text file; fix it first (nothing changed)\n",
			t->conf_path);
		free(text);
		return 1;
	}
	if (rc == -ENOENT) {
		text = (uint8_t *)strdup("");
		if (!text)
			return 1;
		/* It will hold the challenge one day: no one else reads it. */
		t->conf_mode = 0600;
	} else if (rc) {
		fprintf(stderr, "lscctl config: %s: %s\n", t->conf_path,
			lsc_file_strerror(-rc));
		return 1;
	} else {
		t->conf_mode = stat(t->conf_path, &st) ? 0600 : st.st_mode & 0777;
	}
	t->conf = (char *)text;
	lscd_config_defaults(&t->cfg);
	if (lscd_config_parse(&t->cfg, t->conf, err, sizeof(err))) {
		fprintf(stderr, "lscctl config: %s, %s: lscd cannot load it either; fix it first (nothing changed)\n",
			t->conf_path, err);
		return 1;
	}
	t->dir = strdup(t->conf_real ? t->conf_real : t->conf_path);
	if (!t->dir)
		return 1;
	slash = strrchr(t->dir, '/');
	if (!slash)
		strcpy(t->dir, ".");
	else
		*slash = '\0';
	return 0;
}

static void free_ctx(struct trust_ctx *t)
{
	free(t->conf);
	free(t->conf_real);
	free(t->dir);
	free(t->data_path);
	free(t->data);
	lscd_config_free(&t->cfg);
}

/* KEY set to VALUE in lscd.conf, if lscd can load the result. */
/* KEY's value as lscd holds it, in words, to compare two parses. */
static void held(const struct lscd_config *c, const char *key, char *buf, size_t size)
{
	const char *str = !strcmp(key, "mic_ca_file") ? c->mic_ca_file :
			  !strcmp(key, "ssc_allow_file") ? c->ssc_allow_file :
			  !strcmp(key, "dtls_suites") ? c->dtls_suites : NULL;

	if (!strcmp(key, "dtls_accept"))
		snprintf(buf, size, "%#x", c->dtls_accept);
	else if (!strcmp(key, "dtls_eku"))
		snprintf(buf, size, "%d", c->dtls_eku_strict);
	else
		snprintf(buf, size, "[%s]", str ? str : "");
}

static int set_key(struct trust_ctx *t, const char *key, const char *value)
{
	struct lscd_config check, alone;
	char err[512] = "", got[4200], want[4200], *line = NULL;
	char *text = lscctl_conf_with(t->conf, key, value);
	int rc;

	if (!text)
		return 1;
	lscd_config_defaults(&check);
	lscd_config_defaults(&alone);
	rc = lscd_config_parse(&check, text, err, sizeof(err));
	if (!rc && asprintf(&line, "%s = %s\n", key, value) > 0 &&
	    !lscd_config_parse(&alone, line, err, sizeof(err))) {
		/* What lscd will read must be what was asked, whatever the file holds. */
		held(&check, key, got, sizeof(got));
		held(&alone, key, want, sizeof(want));
		/* A string must come back whole: '#' would start a comment. */
		if (want[0] == '[')
			snprintf(want, sizeof(want), "[%s]", value);
		if (strcmp(got, want)) {
			snprintf(err, sizeof(err), "x: lscd would read %.40s %.160s, not %.160s",
				 key, got, value);
			rc = -EINVAL;
		}
	}
	free(line);
	lscd_config_free(&check);
	lscd_config_free(&alone);
	if (rc) {
		/* The line number would be of a file the operator never saw. */
		fprintf(stderr, "lscctl config: %s = %s refused: %s\n", key, value,
			strchr(err, ':') ? strchr(err, ':') + 2 : err);
		free(text);
		return 1;
	}
	free(t->conf);
	t->conf = text;
	t->conf_changed = true;
	return 0;
}

/* The data file lscd.conf names, or the one it will once this is saved. */
static int data_path(struct trust_ctx *t, const char *key, const char *set,
		     const char *name)
{
	if (set)
		t->data_path = strdup(set);
	else if (asprintf(&t->data_path, "%s/%s", t->dir, name) < 0)
		t->data_path = NULL;
	if (!t->data_path)
		return 1;
	if (set)
		return 0;
	/*
	 * A file there that lscd.conf does not name is one lscd does not
	 * read (an operator turned it off, or wrote it by hand): taking it
	 * over would trust whatever it holds, unseen.
	 */
	if (!access(t->data_path, F_OK)) {
		fprintf(stderr, "lscctl config: %s exists, but %s does not name it (%s): lscd does not read it, and lscctl does not take over a file it did not check; remove it, or name it in %s after checking what it holds (nothing changed)\n",
			t->data_path, t->conf_path, key, t->conf_path);
		return 1;
	}
	return set_key(t, key, t->data_path);
}

/* Its SHA-256 as show trust and mic-ca del write it; zeros if none. */
static void fingerprint(X509 *x, char hex[65])
{
	if (scep_cert_fingerprint(x, hex))
		memset(hex, '0', 64), hex[64] = '\0';
}

/* Every certificate of a PEM file, in order; NULL with the reason told. */
static STACK_OF(X509) *read_certs(const char *path, bool missing_ok)
{
	STACK_OF(X509) *sk = NULL;
	int rc = lsc_pem_read_certs(path, &sk);

	if (rc == -ENOENT && missing_ok)
		return sk_X509_new_null();
	if (rc < 0)
		fprintf(stderr, "lscctl config: %s: %s\n", path,
			rc == -EBADMSG ? "a certificate in it cannot be read" : strerror(-rc));
	return rc < 0 ? NULL : sk;
}

static void subject(X509 *x, char *buf, size_t size)
{
	X509_NAME_oneline(X509_get_subject_name(x), buf, (int)size);
}

/* The manufacturer CAs as lscd reads them: PEM, a comment above each. */
static int certs_text(struct trust_ctx *t, STACK_OF(X509) *sk)
{
	char name[256], fp[65];
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long len;
	int i, ok = bio != NULL;

	for (i = 0; ok && i < sk_X509_num(sk); i++) {
		X509 *x = sk_X509_value(sk, i);

		subject(x, name, sizeof(name));
		fingerprint(x, fp);
		ok = BIO_printf(bio, "# %s\n# SHA-256 %s\n", name, fp) > 0 &&
		     PEM_write_bio_X509(bio, x);
	}
	len = ok ? BIO_get_mem_data(bio, &mem) : -1;
	if (len >= 0) {
		t->data = malloc((size_t)len + 1);
		if (t->data) {
			memcpy(t->data, mem, (size_t)len);
			t->data_len = (size_t)len;
		}
	}
	BIO_free(bio);
	return t->data ? 0 : 1;
}

/* Why lscd would not take x from mic_ca_file, or NULL. */
static const char *mic_refusal(X509 *x)
{
	const char *why = lscd_dtls_mic_ca_refusal(x);

	if (!why && X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
		why = "it has expired";
	return why;
}

static int find_cert(STACK_OF(X509) *sk, const char *fp)
{
	char have[65];
	int i;

	for (i = 0; i < sk_X509_num(sk); i++) {
		fingerprint(sk_X509_value(sk, i), have);
		if (!strcmp(have, fp))
			return i;
	}
	return -1;
}

static int mic_ca(struct trust_ctx *t, int argc, char **argv)
{
	STACK_OF(X509) *have, *add;
	char name[256], fp[65];
	const char *refusal;
	int i, j, rc = 1, changed = 0;

	if (data_path(t, "mic_ca_file", t->cfg.mic_ca_file, "mic-cas.pem"))
		return 1;
	have = read_certs(t->data_path, true);
	if (!have)
		return 1;
	for (i = 0; i < sk_X509_num(have); i++) {
		refusal = mic_refusal(sk_X509_value(have, i));
		if (!refusal)
			continue;
		subject(sk_X509_value(have, i), name, sizeof(name));
		fingerprint(sk_X509_value(have, i), fp);
		fprintf(stderr, "lscctl config mic-ca: %s: %s is no manufacturer CA lscd takes (%s): 'lscctl config mic-ca del %s' removes it\n",
			t->data_path, name, refusal, fp);
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[1], "del")) {
			if (lscd_fp_normalize(argv[i], fp)) {
				fprintf(stderr, "lscctl config mic-ca del: '%s' is not a SHA-256 fingerprint (64 hex digits, colons allowed)\n",
					argv[i]);
				goto out;
			}
			j = find_cert(have, fp);
			if (j < 0) {
				fprintf(stderr, "lscctl config mic-ca del: no manufacturer CA with SHA-256 %s in %s (nothing changed)\n",
					fp, t->data_path);
				goto out;
			}
			X509_free(sk_X509_delete(have, j));
			changed++;
			continue;
		}
		add = read_certs(argv[i], false);
		if (!add)
			goto out;
		if (!sk_X509_num(add)) {
			fprintf(stderr, "lscctl config mic-ca add: %s holds no PEM certificate (nothing changed)\n",
				argv[i]);
			sk_X509_free(add);
			goto out;
		}
		while (sk_X509_num(add)) {
			X509 *x = sk_X509_shift(add);

			subject(x, name, sizeof(name));
			fingerprint(x, fp);
			refusal = mic_refusal(x);
			if (refusal) {
				fprintf(stderr, "lscctl config mic-ca add: %s: %s refused: not a manufacturer CA: %s (nothing changed)\n",
					argv[i], name, refusal);
				X509_free(x);
				sk_X509_pop_free(add, X509_free);
				goto out;
			}
			if (find_cert(have, fp) >= 0) {
				printf("%s (SHA-256 %s) is installed already\n", name, fp);
				X509_free(x);
			} else if (!sk_X509_push(have, x)) {
				X509_free(x);
				sk_X509_pop_free(add, X509_free);
				goto out;
			} else {
				printf("manufacturer CA %s, SHA-256 %s\n", name, fp);
				changed++;
			}
		}
		sk_X509_free(add);
	}
	if (!changed && !t->conf_changed) {
		rc = -EALREADY;
		goto out;
	}
	if (!sk_X509_num(have))
		fprintf(stderr, "lscctl config mic-ca: %s holds no manufacturer CA now: no AP can join with its MIC\n",
			t->data_path);
	rc = certs_text(t, have);
out:
	sk_X509_pop_free(have, X509_free);
	return rc;
}

/*
 * The SSC list, read as lscd reads it (ssc_list.h): its lines, each
 * entry's MAC and hash, and which lines lscd ignores as malformed.
 */
struct ssc_file {
	char *text;
	size_t len;
	int err;			/* reading, or the list's NUL byte */
	unsigned int bad[8], nbad;	/* lines lscd ignores, the first ones */
};

static int ssc_note_bad(void *arg, unsigned int lineno, const char *line, size_t len)
{
	struct ssc_file *f = arg;
	uint8_t mac[CAPWAP_LSC_MAC_LEN], md[32];

	if (lscd_ssc_line(line, len, mac, md) < 0 && f->nbad++ < 8)
		f->bad[f->nbad - 1] = lineno;
	return 0;
}

static void ssc_read(const char *path, struct ssc_file *f)
{
	uint8_t *text = NULL;

	memset(f, 0, sizeof(*f));
	f->err = lsc_read_regular_file(path, LSCD_SSC_LIST_MAX, &text, &f->len);
	if (f->err == -ENOENT) {
		f->err = 0;
		text = (uint8_t *)strdup("");
		f->len = 0;
	}
	f->text = (char *)text;
	if (!f->err && !f->text)
		f->err = -ENOMEM;
	if (!f->err)
		f->err = lscd_ssc_list_each(f->text, f->len, ssc_note_bad, f);
}

/* Why lscd and lscctl could see the file differently, told; or 0. */
static int ssc_unclear(const char *path, const struct ssc_file *f)
{
	char lines[80] = "";
	unsigned int i;

	if (f->err) {
		fprintf(stderr, "lscctl config: %s: %s\n", path,
			f->err == -EINVAL ? "a NUL byte: lscd refuses it whole" :
			lsc_file_strerror(-f->err));
		return 1;
	}
	if (!f->nbad)
		return 0;
	for (i = 0; i < f->nbad && i < 8; i++)
		snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines), "%s%u",
			 i ? ", " : "", f->bad[i]);
	fprintf(stderr, "lscctl config: %s: line(s) %s%s are not \"MAC SHA-256\": lscd ignores them; fix or remove them first (nothing changed)\n",
		path, lines, f->nbad > 8 ? " and more" : "");
	return 1;
}

/* The SHA-256 of a key: given as hex, or of a certificate file's key. */
static int ssc_key(const char *arg, const uint8_t mac[CAPWAP_LSC_MAC_LEN],
		   char fp[65])
{
	uint8_t cn_mac[CAPWAP_LSC_MAC_LEN], md[32];
	char a[LSC_MAC_STR_LEN], b[LSC_MAC_STR_LEN];
	STACK_OF(X509) *sk;
	int rc = 1;

	if (!lscd_fp_normalize(arg, fp))
		return 0;
	if (!strchr(arg, '/') && !strchr(arg, '.')) {
		fprintf(stderr, "lscctl config ssc add: '%s' is neither a SHA-256 (64 hex digits) nor a certificate file\n",
			arg);
		return 1;
	}
	sk = read_certs(arg, false);
	if (!sk)
		return 1;
	if (sk_X509_num(sk) != 1) {
		fprintf(stderr, "lscctl config ssc add: %s holds %d certificates, not the AP's one\n",
			arg, sk_X509_num(sk));
	} else if (!lscd_dtls_is_self_signed(sk_X509_value(sk, 0))) {
		fprintf(stderr, "lscctl config ssc add: %s is not self-signed: lscd would not take it as an SSC\n",
			arg);
	} else if (lscd_dtls_cn_mac(sk_X509_value(sk, 0), cn_mac)) {
		fprintf(stderr, "lscctl config ssc add: %s names no AP MAC in its CN (lscd(8), the forms it accepts): it could not join\n",
			arg);
	} else if (memcmp(cn_mac, mac, sizeof(cn_mac))) {
		lsc_mac_format(a, cn_mac);
		lsc_mac_format(b, mac);
		fprintf(stderr, "lscctl config ssc add: %s names AP %s, not %s: it could not join as %s\n",
			arg, a, b, b);
	} else if (lscd_dtls_spki_sha256(sk_X509_value(sk, 0), md)) {
		fprintf(stderr, "lscctl config ssc add: %s: cannot read its public key\n", arg);
	} else {
		lsc_hex_encode(fp, md, sizeof(md));
		rc = 0;
	}
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

static int ssc(struct trust_ctx *t, int argc, char **argv)
{
	uint8_t mac[CAPWAP_LSC_MAC_LEN], lmac[CAPWAP_LSC_MAC_LEN], lmd[32];
	char fp[65] = "", lfp[65], canon[LSC_MAC_STR_LEN];
	bool del = !strcmp(argv[1], "del");
	const char *line, *end;
	struct ssc_file f;
	int dropped = 0;

	if (lsc_mac_parse(argv[2], mac))
		return 1;
	lsc_mac_format(canon, mac);
	if (argc == 4 && (del ? lscd_fp_normalize(argv[3], fp) != 0 :
			  ssc_key(argv[3], mac, fp) != 0)) {
		if (del)
			fprintf(stderr, "lscctl config ssc del: '%s' is not a SHA-256 (64 hex digits)\n",
				argv[3]);
		return 1;
	}
	if (data_path(t, "ssc_allow_file", t->cfg.ssc_allow_file, "ssc-allow.txt"))
		return 1;
	ssc_read(t->data_path, &f);
	if (ssc_unclear(t->data_path, &f)) {
		free(f.text);
		return 1;
	}
	t->data = malloc(f.len + sizeof(canon) + sizeof(fp) + 8);
	if (!t->data) {
		free(f.text);
		return 1;
	}
	for (line = f.text; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (lscd_ssc_line(line, (size_t)(end - line), lmac, lmd) == 1 &&
		    !memcmp(lmac, mac, sizeof(mac)) &&
		    (lsc_hex_encode(lfp, lmd, sizeof(lmd)), !*fp || !strcmp(lfp, fp))) {
			dropped++;
			if (del)
				continue;
		}
		memcpy(t->data + t->data_len, line, (size_t)(end - line));
		t->data_len += (size_t)(end - line);
		if (end[-1] != '\n')
			t->data[t->data_len++] = '\n';
	}
	free(f.text);
	if (del && !dropped) {
		fprintf(stderr, "lscctl config ssc del: no key of AP %s%s%s in %s (nothing changed)\n",
			canon, *fp ? " with SHA-256 " : "", fp, t->data_path);
		return 1;
	}
	if (!del && dropped) {
		printf("AP %s's key %s is authorised already\n", canon, fp);
		return t->conf_changed ? 0 : -EALREADY;
	}
	if (!del && t->data_len + strlen(canon) + strlen(fp) + 2 > LSCD_SSC_LIST_MAX) {
		fprintf(stderr, "lscctl config ssc add: %s would grow past 1 MiB, which lscd refuses whole (nothing changed)\n",
			t->data_path);
		return 1;
	}
	if (!del) {
		t->data_len += (size_t)sprintf(t->data + t->data_len, "%s %s\n", canon, fp);
		printf("AP %s may join with the self-signed certificate of key %s\n",
		       canon, fp);
	} else {
		printf("AP %s: %d key(s) no longer authorised\n", canon, dropped);
	}
	return 0;
}

/* A suite list must name at least one suite this OpenSSL knows. */
static int suites_known(const char *list)
{
	SSL_CTX *ctx = SSL_CTX_new(DTLS_server_method());
	int ok = ctx && SSL_CTX_set_cipher_list(ctx, list);

	SSL_CTX_free(ctx);
	ERR_clear_error();
	if (!ok)
		fprintf(stderr, "lscctl config dtls-suites: '%s' names no cipher suite OpenSSL knows (openssl ciphers -v lists them)\n",
			list);
	return !ok;
}

static void tell_lscd(const struct trust_ctx *t, const char *key)
{
	struct lscd_running_info info;
	char why[256];
	long pid;
	int rc;

	bool overridden = false;

	rc = lscd_running(t->cfg.state_dir, &pid, why, sizeof(why));
	if (rc > 0 && !lscd_running_info(t->cfg.state_dir, &info) && info.pid == pid) {
		if (!lscd_running_same_file(info.config, t->conf_path)) {
			printf("saved, but lscd (pid %ld) reads %s, not %s: this does not reach it\n",
			       pid, info.config, t->conf_path);
			return;
		}
		overridden = lscd_running_overrides(&info, key);
		if (overridden)
			printf("lscd (pid %ld) sets %s on its command line, over %s: this change waits until it starts without it\n",
			       pid, key, t->conf_path);
	}
	if (rc > 0 && !kill((pid_t)pid, SIGHUP)) {
		printf("asked lscd (pid %ld) to reload %s%s; its log says what it took\n",
		       pid, t->conf_path, overridden ? " (for its other settings)" : "");
		return;
	}
	if (rc > 0)
		snprintf(why, sizeof(why), "cannot signal lscd (pid %ld): %s", pid,
			 strerror(errno));
	printf("saved: lscd reads it when it starts (%s; an lscd started with another state_dir is not found: send it SIGHUP)\n",
	       why);
}

int lscctl_trust_config(int argc, char **argv)
{
	struct trust_ctx t = { 0 };
	const char *key = scalar_key(argv[0]);
	int lock, rc;

	lock = lsc_saved_lock(conf_path());
	if (lock < 0) {
		fprintf(stderr, "lscctl config: cannot lock %s's directory: %s\n",
			conf_path(), strerror(-lock));
		return 1;
	}
	rc = load_conf(&t);
	if (rc)
		goto out;
	if (key) {
		rc = !strcmp(argv[0], "dtls-suites") && suites_known(argv[1]);
		if (!rc)
			rc = set_key(&t, key, argv[1]);
	} else if (!strcmp(argv[0], "mic-ca")) {
		rc = mic_ca(&t, argc, argv);
	} else {
		rc = ssc(&t, argc, argv);
	}
	if (rc == -EALREADY) {
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	/*
	 * lscd.conf first: should the data file then fail, lscd.conf names a
	 * file missing or as it was, which lscd reads as no trust added (a
	 * missing file, none at all), and the next try picks up from there.
	 */
	if (t.conf_changed) {
		rc = lsc_write_file_atomic(t.conf_real ? t.conf_real : t.conf_path, t.conf,
					   strlen(t.conf), t.conf_mode);
		if (rc) {
			fprintf(stderr, "lscctl config: cannot write %s: %s (nothing changed)\n",
				t.conf_path, strerror(-rc));
			rc = 1;
			goto out;
		}
	}
	if (t.data_path && t.data) {
		rc = lsc_write_file_atomic(t.data_path, t.data, t.data_len, 0644);
		if (rc) {
			fprintf(stderr, "lscctl config: cannot write %s: %s (%s)\n",
				t.data_path, strerror(-rc), t.conf_changed ?
				"lscd.conf names it now; lscd trusts nothing from it until this succeeds" :
				"it is as it was");
			rc = 1;
			goto out;
		}
	}
	tell_lscd(&t, key ? key : !strcmp(argv[0], "mic-ca") ? "mic_ca_file" :
		  "ssc_allow_file");
out:
	free_ctx(&t);
	close(lock);
	return rc ? 1 : 0;
}

/* Why lscd refuses the whole file at path (lsc_file_guarded), or NULL. */
static const char *file_refused(const char *path, char *why, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return errno == ENOENT ? NULL : strerror(errno);
	rc = lsc_file_guarded(fd, false, why, size);
	close(fd);
	return rc ? why : NULL;
}

static const char *const trust_keys[] = {
	"mic_ca_file", "ssc_allow_file", "dtls_accept", "dtls_eku", "dtls_suites",
};

static const char *const type_names[] = {
	[CAPWAP_LSC_CERT_MIC] = "mic",
	[CAPWAP_LSC_CERT_SSC] = "ssc",
	[CAPWAP_LSC_CERT_LSC] = "lsc",
};

int lscctl_trust_show(bool json, int json_flags)
{
	struct json_object *doc, *arr, *o;
	struct trust_ctx t = { 0 };
	char name[256], fp[65], types[16] = "", canon[LSC_MAC_STR_LEN], why[256];
	uint8_t mac[CAPWAP_LSC_MAC_LEN], md[32];
	struct lscd_running_info info;
	struct ssc_file sf = { 0 };
	STACK_OF(X509) *cas = NULL;
	char refused[256];
	struct json_object *v;
	const char *line, *end;
	size_t i;
	long pid = 0;
	int running, j;

	if (load_conf(&t)) {
		free_ctx(&t);
		return 1;
	}
	for (i = CAPWAP_LSC_CERT_MIC; i <= CAPWAP_LSC_CERT_LSC; i++)
		if (t.cfg.dtls_accept & 1u << i)
			snprintf(types + strlen(types), sizeof(types) - strlen(types),
				 "%s%s", *types ? "," : "", type_names[i]);
	running = lscd_running(t.cfg.state_dir, &pid, why, sizeof(why));
	if (t.cfg.mic_ca_file)
		cas = read_certs(t.cfg.mic_ca_file, true);
	if (t.cfg.ssc_allow_file)
		ssc_read(t.cfg.ssc_allow_file, &sf);
	doc = json_object_new_object();
	json_object_object_add(doc, "config", json_object_new_string(t.conf_path));
	json_object_object_add(doc, "lscd_pid", running > 0 ? json_object_new_int64(pid) : NULL);
	/* What the running lscd reads instead, when it is not all this. */
	if (running > 0 && !lscd_running_info(t.cfg.state_dir, &info) && info.pid == pid) {
		json_object_object_add(doc, "lscd_reads_other_config",
				       lscd_running_same_file(info.config, t.conf_path) ? NULL :
				       json_object_new_string(info.config));
		arr = json_object_new_array();
		for (i = 0; i < sizeof(trust_keys) / sizeof(trust_keys[0]); i++)
			if (lscd_running_overrides(&info, trust_keys[i]))
				json_object_array_add(arr, json_object_new_string(trust_keys[i]));
		json_object_object_add(doc, "lscd_command_line_sets", arr);
	}
	json_object_object_add(doc, "mic_ca_file_refused", t.cfg.mic_ca_file &&
			       file_refused(t.cfg.mic_ca_file, refused, sizeof(refused)) ?
			       json_object_new_string(refused) : NULL);
	json_object_object_add(doc, "ssc_allow_file_refused", t.cfg.ssc_allow_file &&
			       file_refused(t.cfg.ssc_allow_file, refused, sizeof(refused)) ?
			       json_object_new_string(refused) : NULL);
	json_object_object_add(doc, "accept", json_object_new_string(types));
	json_object_object_add(doc, "eku", json_object_new_string(t.cfg.dtls_eku_strict ?
								  "strict" : "default"));
	json_object_object_add(doc, "suites", t.cfg.dtls_suites ?
			       json_object_new_string(t.cfg.dtls_suites) : NULL);
	json_object_object_add(doc, "mic_ca_file", t.cfg.mic_ca_file ?
			       json_object_new_string(t.cfg.mic_ca_file) : NULL);
	arr = json_object_new_array();
	for (j = 0; cas && j < sk_X509_num(cas); j++) {
		X509 *x = sk_X509_value(cas, j);
		BIO *bio = BIO_new(BIO_s_mem());
		char *mem = NULL;
		long n;

		o = json_object_new_object();
		subject(x, name, sizeof(name));
		fingerprint(x, fp);
		json_object_object_add(o, "subject", json_object_new_string(name));
		json_object_object_add(o, "sha256", json_object_new_string(fp));
		json_object_object_add(o, "not_after",
				       bio && ASN1_TIME_print(bio, X509_get0_notAfter(x)) &&
				       (n = BIO_get_mem_data(bio, &mem)) > 0 ?
				       json_object_new_string_len(mem, (int)n) :
				       json_object_new_string("?"));
		BIO_free(bio);
		json_object_object_add(o, "refused_by_lscd", mic_refusal(x) ?
				       json_object_new_string(mic_refusal(x)) : NULL);
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "mic_cas", arr);
	json_object_object_add(doc, "ssc_allow_file", t.cfg.ssc_allow_file ?
			       json_object_new_string(t.cfg.ssc_allow_file) : NULL);
	arr = json_object_new_array();
	for (line = sf.text && !sf.err ? sf.text : ""; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (lscd_ssc_line(line, (size_t)(end - line), mac, md) != 1)
			continue;
		lsc_hex_encode(fp, md, sizeof(md));
		o = json_object_new_object();
		lsc_mac_format(canon, mac);
		json_object_object_add(o, "mac", json_object_new_string(canon));
		json_object_object_add(o, "spki_sha256", json_object_new_string(fp));
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "ssc", arr);
	json_object_object_add(doc, "ssc_lines_ignored", json_object_new_int((int)sf.nbad));
	json_object_object_add(doc, "ssc_error", sf.err ? json_object_new_string(
			       sf.err == -EINVAL ? "a NUL byte: lscd refuses it whole" :
			       lsc_file_strerror(-sf.err)) : NULL);
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(doc, json_flags));
	} else {
		printf("lscd configuration ......... %s\n", t.conf_path);
		if (running > 0)
			printf("lscd ....................... running, pid %ld\n", pid);
		else
			printf("lscd ....................... %s\n", why);
		v = json_object_object_get(doc, "lscd_reads_other_config");
		if (v)
			printf("  but it reads %s: what follows does not apply to it\n",
			       json_object_get_string(v));
		v = json_object_object_get(doc, "lscd_command_line_sets");
		for (i = 0; v && i < json_object_array_length(v); i++)
			printf("  its command line sets %s, over the value below\n",
			       json_object_get_string(json_object_array_get_idx(v, i)));
		printf("Certificate types accepted . %s\n", types);
		printf("EKU policy ................. %s\n",
		       t.cfg.dtls_eku_strict ? "strict (id-kp-capwapWTP)" : "default");
		printf("Cipher suites .............. %s\n",
		       t.cfg.dtls_suites ? t.cfg.dtls_suites : "the AES-GCM ones (default)");
		arr = json_object_object_get(doc, "mic_cas");
		printf("Manufacturer CAs ........... %zu, %s\n", json_object_array_length(arr),
		       t.cfg.mic_ca_file ? t.cfg.mic_ca_file : "none configured: no AP joins with its MIC");
		v = json_object_object_get(doc, "mic_ca_file_refused");
		if (v)
			printf("  lscd refuses the whole file: %s\n", json_object_get_string(v));
		for (i = 0; i < json_object_array_length(arr); i++) {
			o = json_object_array_get_idx(arr, i);
			printf("  %s\n    SHA-256 %s, expires %s%s%s\n",
			       json_object_get_string(json_object_object_get(o, "subject")),
			       json_object_get_string(json_object_object_get(o, "sha256")),
			       json_object_get_string(json_object_object_get(o, "not_after")),
			       json_object_object_get(o, "refused_by_lscd") ?
			       "; lscd refuses it: " : "",
			       json_object_object_get(o, "refused_by_lscd") ?
			       json_object_get_string(json_object_object_get(o, "refused_by_lscd")) : "");
		}
		arr = json_object_object_get(doc, "ssc");
		printf("Self-signed APs authorised . %zu, %s\n", json_object_array_length(arr),
		       t.cfg.ssc_allow_file ? t.cfg.ssc_allow_file : "none configured");
		for (i = 0; i < json_object_array_length(arr); i++) {
			o = json_object_array_get_idx(arr, i);
			printf("  %s  %s\n",
			       json_object_get_string(json_object_object_get(o, "mac")),
			       json_object_get_string(json_object_object_get(o, "spki_sha256")));
		}
		v = json_object_object_get(doc, "ssc_allow_file_refused");
		if (v)
			printf("  lscd refuses the whole file: %s\n", json_object_get_string(v));
		if (sf.err)
			printf("  %s: lscd takes none of it\n",
			       json_object_get_string(json_object_object_get(doc, "ssc_error")));
		if (sf.nbad)
			printf("  %u line(s) not \"MAC SHA-256\", which lscd ignores\n", sf.nbad);
	}
	json_object_put(doc);
	sk_X509_pop_free(cas, X509_free);
	free(sf.text);
	free_ctx(&t);
	return 0;
}
