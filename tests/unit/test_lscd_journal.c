// SPDX-License-Identifier: GPL-2.0
/* The enrollment journal: round trip, atomic files, damage, matching keys. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "daemon.h"
#include "fileio.h"
#include "journal.h"
#include "tap.h"

static char root[] = "/tmp/lscd-journal-XXXXXX";
static char *jdir;

static void fill(struct lscd_jentry *e, uint64_t id, uint8_t seed)
{
	static uint8_t csr[300], cert[500];
	size_t i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < sizeof(csr); i++)
		csr[i] = (uint8_t)(i * 7 + seed);
	for (i = 0; i < sizeof(cert); i++)
		cert[i] = (uint8_t)(i * 13 + seed);
	e->request_id = id;
	memcpy(e->mac, (uint8_t[]){ 2, 0x4c, 0x53, 0, 0, seed }, 6);
	e->csr = malloc(sizeof(csr));
	memcpy(e->csr, csr, sizeof(csr));
	e->csr_len = sizeof(csr);
	lscd_csr_hash(e->csr, e->csr_len, e->csr_sha256);
	snprintf(e->transaction_id, sizeof(e->transaction_id), "%064x", seed);
	e->state = LSCD_J_ISSUED;
	e->result = CAPWAP_LSC_RESULT_SUCCESS;
	snprintf(e->reason, sizeof(e->reason), "line one\nline two");
	e->cert = malloc(sizeof(cert));
	memcpy(e->cert, cert, sizeof(cert));
	e->cert_len = sizeof(cert);
	e->renewal = true;
}

static const char *test_round_trip(void)
{
	struct lscd_jentry e, back;
	char *text;
	int rc;

	fill(&e, 42, 1);
	text = lscd_journal_format(&e);
	CHECK(text, "format");
	rc = lscd_journal_parse(text, &back);
	free(text);
	CHECK(!rc, "parse: %d", rc);
	CHECK(back.request_id == 42 && !memcmp(back.mac, e.mac, 6) && back.renewal,
	      "id, mac, renewal");
	CHECK(back.state == LSCD_J_ISSUED && back.result == 0, "state");
	CHECK(back.csr_len == e.csr_len && !memcmp(back.csr, e.csr, e.csr_len), "csr");
	CHECK(back.cert_len == e.cert_len && !memcmp(back.cert, e.cert, e.cert_len), "cert");
	CHECK(!strcmp(back.transaction_id, e.transaction_id), "transactionID");
	CHECK(!strcmp(back.reason, "line one line two"), "reason kept on one line: '%s'",
	      back.reason);
	lscd_jentry_release(&e);
	lscd_jentry_release(&back);
	return NULL;
}

static const char *test_damage_refused(void)
{
	struct lscd_jentry e, back;
	char *text, *p;

	fill(&e, 7, 2);
	text = lscd_journal_format(&e);
	CHECK(text, "format");
	/* A flipped CSR digit no longer matches the hash it is found by. */
	p = strstr(text, "\ncsr = ");
	CHECK(p, "csr line");
	p[8] = p[8] == '0' ? '1' : '0';
	CHECK(lscd_journal_parse(text, &back) == -EBADMSG, "damaged CSR refused");
	free(text);
	CHECK(lscd_journal_parse("request_id = 1\nstate = sent\n", &back) == -EBADMSG,
	      "entry without CSR refused");
	CHECK(lscd_journal_parse("garbage", &back) == -EINVAL, "garbage refused");
	CHECK(lscd_journal_parse("state = exploded\n", &back) == -EINVAL, "unknown state");
	e.state = LSCD_J_ISSUED;
	free(e.cert);
	e.cert = NULL;
	e.cert_len = 0;
	text = lscd_journal_format(&e);
	CHECK(lscd_journal_parse(text, &back) == -EBADMSG, "issued without a cert refused");
	free(text);
	lscd_jentry_release(&e);
	return NULL;
}

static const char *test_files(void)
{
	struct lscd_jentry a, b, *v = NULL;
	size_t n = 0, i;
	unsigned int bad = 0;
	char *junk;
	struct stat st;
	char *path;

	fill(&a, 1, 3);
	fill(&b, 1, 4);		/* same id, another CSR: a reloaded module */
	a.state = LSCD_J_PENDING;
	b.state = LSCD_J_SENT;
	CHECK(!lscd_journal_write(jdir, &a) && !lscd_journal_write(jdir, &b), "write");
	CHECK(asprintf(&path, "%s/1-%.16s.txn", jdir, a.csr_sha256) > 0, "path");
	CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600, "entry is 0600");
	free(path);
	a.state = LSCD_J_FAILED;
	snprintf(a.reason, sizeof(a.reason), "badRequest");
	CHECK(!lscd_journal_write(jdir, &a), "rewrite");
	CHECK(asprintf(&junk, "%s/9-0000000000000000.txn", jdir) > 0, "junk path");
	CHECK(!lsc_write_file_atomic(junk, "half a", 6, 0600), "junk");
	free(junk);
	CHECK(asprintf(&junk, "%s/1-%.16s.txn.tmp.Ab3xYz", jdir, a.csr_sha256) > 0,
	      "temp path");
	CHECK(!lsc_write_file_atomic(junk, "torn", 4, 0600), "stale temp");
	CHECK(!lscd_journal_load(jdir, &v, &n, &bad), "load");
	CHECK(n == 2 && bad == 1, "2 entries and 1 unreadable, got %zu and %u", n, bad);
	CHECK(stat(junk, &st) && errno == ENOENT, "stale temp file removed");
	free(junk);
	CHECK(asprintf(&junk, "%s/9-0000000000000000.txn", jdir) > 0, "junk path");
	CHECK(stat(junk, &st) && errno == ENOENT, "unreadable entry no longer a .txn");
	free(junk);
	CHECK(asprintf(&junk, "%s/9-0000000000000000.txn.bad", jdir) > 0, "bad path");
	CHECK(!stat(junk, &st), "unreadable entry put aside as .bad");
	free(junk);
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].csr_sha256, a.csr_sha256))
			CHECK(v[i].state == LSCD_J_FAILED && !strcmp(v[i].reason, "badRequest"),
			      "latest state of a replaced entry");
		else
			CHECK(!strcmp(v[i].csr_sha256, b.csr_sha256) &&
			      v[i].state == LSCD_J_SENT, "the other entry");
		lscd_jentry_release(&v[i]);
	}
	free(v);
	CHECK(!lscd_journal_remove(jdir, &a) && !lscd_journal_remove(jdir, &a),
	      "remove twice is fine");
	CHECK(!lscd_journal_load(jdir, &v, &n, &bad) && n == 1 && !bad,
	      "one left, and the entry put aside is not read again");
	lscd_jentry_release(&v[0]);
	free(v);
	lscd_jentry_release(&a);
	lscd_jentry_release(&b);
	return NULL;
}

static const char *test_renew_stagger(void)
{
	uint8_t m1[6] = { 2, 0x4c, 0x53, 0, 0, 1 }, m2[6] = { 2, 0x4c, 0x53, 0, 0, 2 };
	uint64_t exp = 2000000000ULL, d1, d2, lo, hi;

	d1 = lscd_renew_due(exp, m1, 30, 7);
	d2 = lscd_renew_due(exp, m2, 30, 7);
	lo = exp - 30 * 86400ULL;
	hi = lo + 7 * 86400ULL;
	CHECK(d1 >= lo && d1 < hi && d2 >= lo && d2 < hi, "inside the window");
	CHECK(d1 != d2, "two MACs, two points");
	CHECK(d1 == lscd_renew_due(exp, m1, 30, 7), "deterministic");
	CHECK(lscd_renew_due(exp, m1, 30, 0) == lo, "no stagger: the window start");
	CHECK(lscd_renew_due(exp, m1, 0, 30) <= exp - 86400, "never within the last day");
	return NULL;
}

/* --- the same request, asked again --------------------------------------- */

static X509_NAME *name_of(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Example",
				   -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn,
				   -1, -1, 0);
	return n;
}

/* A DER PKCS#10 request for key k and CN cn (a fresh ECDSA signature),
 * malloc'd as the journal's are. */
static size_t csr_of(EVP_PKEY *k, const char *cn, uint8_t **der)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *n = name_of(cn);
	unsigned char *p = NULL;
	int len = -1;

	if (req && n && X509_REQ_set_subject_name(req, n) &&
	    X509_REQ_set_pubkey(req, k) && X509_REQ_sign(req, k, EVP_sha256()))
		len = i2d_X509_REQ(req, &p);
	X509_NAME_free(n);
	X509_REQ_free(req);
	*der = len > 0 ? malloc((size_t)len) : NULL;
	if (*der)
		memcpy(*der, p, (size_t)len);
	OPENSSL_free(p);
	return *der ? (size_t)len : 0;
}

/* A certificate for key k and CN cn, issued by (ca, ca_key), valid from
 * now + from to now + to seconds; ca NULL: self-signed. */
static X509 *cert_of(EVP_PKEY *k, const char *cn, X509 *ca, EVP_PKEY *ca_key,
		     long from, long to)
{
	X509 *x = X509_new();
	X509_NAME *n = name_of(cn);
	static long serial = 1;

	if (!x || !n || !X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) ||
	    !X509_set_subject_name(x, n) ||
	    !X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : n) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), from) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), to) ||
	    !X509_set_pubkey(x, k) || !X509_sign(x, ca_key, EVP_sha256())) {
		X509_free(x);
		x = NULL;
	}
	X509_NAME_free(n);
	return x;
}

static void set_cert(struct lscd_jentry *e, X509 *x)
{
	unsigned char *p = NULL;
	int len = i2d_X509(x, &p);

	free(e->cert);
	e->cert = malloc((size_t)len);
	memcpy(e->cert, p, (size_t)len);
	e->cert_len = (size_t)len;
	OPENSSL_free(p);
}

static const char *test_identity(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	uint8_t *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	size_t la, lb, lc, ld;
	char ha[65], hb[65], ia[65], ib[65], ic[65], id[65];

	CHECK(k && k2, "keys");
	la = csr_of(k, "CAP3G1-024c53000001", &a);
	lb = csr_of(k, "CAP3G1-024c53000001", &b);
	lc = csr_of(k2, "CAP3G1-024c53000001", &c);
	ld = csr_of(k, "CAP3G1-024c53000002", &d);
	CHECK(la && lb && lc && ld, "CSRs");
	CHECK(!lscd_csr_hash(a, la, ha) && !lscd_csr_hash(b, lb, hb) && strcmp(ha, hb),
	      "one key signs two CSRs that differ byte for byte");
	CHECK(!lscd_csr_identity(a, la, ia) && !lscd_csr_identity(b, lb, ib) &&
	      !lscd_csr_identity(c, lc, ic) && !lscd_csr_identity(d, ld, id), "identities");
	CHECK(!strcmp(ia, ib), "same key and subject: one request");
	CHECK(strcmp(ia, ic), "another key: another request");
	CHECK(strcmp(ia, id), "another subject: another request");
	CHECK(lscd_csr_identity((const uint8_t *)"junk", 4, ia) == -EBADMSG,
	      "not a CSR: refused");
	free(a);
	free(b);
	free(c);
	free(d);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	return NULL;
}

/*
 * A certificate issued for a request whose answer never reached the AP
 * answers the AP's next request for the same key and subject, and only
 * that one, only while valid, only from the current CA.
 */
static const char *test_answers(void)
{
	EVP_PKEY *ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *other_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	const char *cn = "CAP3G1-024c53000001";
	X509 *ca = NULL, *other = NULL, *x = NULL;
	uint8_t mac[6] = { 2, 0x4c, 0x53, 0, 0, 1 }, mac2[6] = { 2, 0x4c, 0x53, 0, 0, 2 };
	uint8_t *again = NULL, *rekeyed = NULL;
	size_t lagain, lrekeyed;
	struct lscd_jentry e;
	time_t now = time(NULL);
	char why[256];

	CHECK(ca_key && other_key && k && k2, "keys");
	ca = cert_of(ca_key, "CA", NULL, ca_key, -60, 86400);
	other = cert_of(other_key, "CA", NULL, other_key, -60, 86400);
	CHECK(ca && other, "CAs");
	memset(&e, 0, sizeof(e));
	memcpy(e.mac, mac, 6);
	e.request_id = 9;
	e.csr_len = csr_of(k, cn, &e.csr);
	lagain = csr_of(k, cn, &again);
	lrekeyed = csr_of(k2, cn, &rekeyed);
	CHECK(e.csr_len && lagain && lrekeyed, "CSRs");
	e.state = LSCD_J_ISSUED;
	x = cert_of(k, cn, ca, ca_key, -60, 86400);
	set_cert(&e, x);
	X509_free(x);

	CHECK(!lscd_jentry_answers(&e, mac, again, lagain, ca, now, why, sizeof(why)),
	      "the same AP, key and subject, asking again: answered (%s)", why);
	CHECK(lscd_jentry_answers(&e, mac2, again, lagain, ca, now, why, sizeof(why)) == -ENOENT,
	      "another AP: not answered");
	CHECK(lscd_jentry_answers(&e, mac, rekeyed, lrekeyed, ca, now, why, sizeof(why)) == -ENOENT,
	      "a new key: not answered");
	CHECK(lscd_jentry_answers(&e, mac, again, lagain, other, now, why, sizeof(why)) == -EKEYREJECTED,
	      "the CA changed since: not answered (%s)", why);
	CHECK(lscd_jentry_answers(&e, mac, again, lagain, NULL, now, why, sizeof(why)) == -EKEYREJECTED,
	      "no CA known: not answered");
	CHECK(lscd_jentry_answers(&e, mac, again, lagain, ca, now + 2 * 86400, why,
				  sizeof(why)) == -ESTALE, "expired: not answered (%s)", why);
	e.state = LSCD_J_SENT;
	CHECK(lscd_jentry_answers(&e, mac, again, lagain, ca, now, why, sizeof(why)) == -ENOENT,
	      "nothing issued: not answered");
	e.state = LSCD_J_ISSUED;
	/* An entry whose certificate is for another key than its CSR's. */
	x = cert_of(k2, cn, ca, ca_key, -60, 86400);
	set_cert(&e, x);
	X509_free(x);
	CHECK(lscd_jentry_answers(&e, mac, again, lagain, ca, now, why, sizeof(why)) == -EBADMSG,
	      "a certificate for another key: not answered (%s)", why);

	lscd_jentry_release(&e);
	free(again);
	free(rekeyed);
	X509_free(ca);
	X509_free(other);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	return NULL;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "lscd_journal_round_trip", test_round_trip },
		{ "lscd_journal_damage_refused", test_damage_refused },
		{ "lscd_journal_files_atomic_0600_replace_remove", test_files },
		{ "lscd_renew_stagger_deterministic_per_mac", test_renew_stagger },
		{ "lscd_csr_identity_is_key_and_subject", test_identity },
		{ "lscd_kept_certificate_answers_only_the_same_request", test_answers },
	};
	char *cmd;

	tap_plan(TAP_COUNT(cases));
	if (!mkdtemp(root) || lscd_journal_init(root, &jdir)) {
		tap_result("lscd_journal_setup", "cannot create a scratch directory");
		return 1;
	}
	tap_run(cases, TAP_COUNT(cases));
	if (asprintf(&cmd, "rm -rf '%s'", root) > 0 && system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
	free(cmd);
	free(jdir);
	return tap_exit();
}
