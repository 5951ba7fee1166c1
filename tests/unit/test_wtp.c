// SPDX-License-Identifier: GPL-2.0
/*
 * lsc-wtp's agent checks: the CSR it builds, the certificates it refuses
 * (and reports refusing), and the state directory it installs into.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "mic.h"
#include "pem.h"
#include "store.h"
#include "tap.h"
#include "wtp.h"

static const struct wtp_identity ap_id = {
	.mac = { 0xf8, 0x66, 0xf2, 0x67, 0x57, 0x7e },
	.model = "AP3G1",
	.serial = "FTX1433K60R",
};
static struct wtp_ca ca, other_ca;
static EVP_PKEY *ap_key, *stranger_key;
static char tmpdir[] = "/tmp/test_wtp.XXXXXX";

static X509_REQ *csr_parse(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;

	return d2i_X509_REQ(NULL, &p, (long)len);
}

static int name_text(X509_NAME *n, int nid, char *out, size_t size)
{
	return X509_NAME_get_text_by_NID(n, nid, out, (int)size);
}

static void params_subject(struct capwap_lsc_cert_params *p)
{
	memset(p, 0, sizeof(*p));
	p->key_type = CAPWAP_LSC_KEY_RSA;
	p->key_bits = 1024;
	p->subject[CAPWAP_LSC_SUBJ_A_COUNTRY] = (const u8 *)"US";
	p->subject_len[CAPWAP_LSC_SUBJ_A_COUNTRY] = 2;
	p->subject[CAPWAP_LSC_SUBJ_A_ORG] = (const u8 *)"Example Lab";
	p->subject_len[CAPWAP_LSC_SUBJ_A_ORG] = 11;
	p->subject[CAPWAP_LSC_SUBJ_A_EMAIL] = (const u8 *)"pki@example.com";
	p->subject_len[CAPWAP_LSC_SUBJ_A_EMAIL] = 15;
}

/* The certificate a CA would issue for @key with the AP's CSR subject. */
static X509 *issue_for(const struct wtp_ca *by, EVP_PKEY *key,
		       const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	X509 *x;

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	x = wtp_cert_issue(by, NULL, key, n, 30, 0);
	X509_NAME_free(n);
	return x;
}

static STACK_OF(X509) *chain_of(const struct wtp_ca *c)
{
	STACK_OF(X509) *sk = sk_X509_new_null();

	X509_up_ref(c->cert);
	sk_X509_push(sk, c->cert);
	return sk;
}

static const char *test_cn_format(void)
{
	char cn[WTP_CN_MAX], sn[160];

	wtp_cn(&ap_id, cn);
	CHECK(!strcmp(cn, "CAP3G1-f866f267577e"), "CN is %s", cn);
	wtp_subject_serial(&ap_id, sn, sizeof(sn));
	CHECK(!strcmp(sn, "PID:AP3G1 SN:FTX1433K60R"), "serialNumber is %s", sn);
	return NULL;
}

static const char *check_csr(EVP_PKEY *key, uint8_t type, int bits)
{
	struct capwap_lsc_cert_params p;
	uint8_t *der = NULL;
	size_t len = 0;
	X509_REQ *req;
	EVP_PKEY *pub;
	char buf[256];
	X509_NAME *n;

	params_subject(&p);
	CHECK(key, "no key of type %u, %d bits", type, bits);
	CHECK(wtp_key_matches(key, type, bits), "key is not %d bits", bits);
	CHECK(!wtp_csr_build(key, &p, &ap_id, &der, &len), "CSR: %s",
	      wtp_ssl_error());
	req = csr_parse(der, len);
	OPENSSL_free(der);
	CHECK(req, "CSR does not parse");
	pub = X509_REQ_get0_pubkey(req);
	n = X509_REQ_get_subject_name(req);
	if (X509_REQ_verify(req, pub) != 1) {
		X509_REQ_free(req);
		FAIL("CSR signature does not verify");
	}
	if (EVP_PKEY_get_bits(pub) != bits || !EVP_PKEY_eq(pub, key)) {
		X509_REQ_free(req);
		FAIL("CSR carries a %d-bit key, not the AP's", EVP_PKEY_get_bits(pub));
	}
#define WANT(nid, val) do {						\
		if (name_text(n, nid, buf, sizeof(buf)) < 0 || strcmp(buf, val)) { \
			X509_REQ_free(req);				\
			FAIL("subject %s is not %s", OBJ_nid2sn(nid), val); \
		}							\
	} while (0)
	WANT(NID_commonName, "CAP3G1-f866f267577e");
	WANT(NID_serialNumber, "PID:AP3G1 SN:FTX1433K60R");
	WANT(NID_countryName, "US");
	WANT(NID_organizationName, "Example Lab");
	WANT(NID_pkcs9_emailAddress, "pki@example.com");
#undef WANT
	X509_REQ_free(req);
	return NULL;
}

static const char *test_csr_rsa(void)
{
	EVP_PKEY *key = wtp_keygen(CAPWAP_LSC_KEY_RSA, 1024);
	const char *why = check_csr(key, CAPWAP_LSC_KEY_RSA, 1024);

	EVP_PKEY_free(key);
	return why;
}

static const char *test_csr_ec(void)
{
	static const int sizes[] = { 256, 384 };
	const char *why = NULL;
	unsigned int i;

	for (i = 0; i < 2 && !why; i++) {
		EVP_PKEY *key = wtp_keygen(CAPWAP_LSC_KEY_EC, sizes[i]);

		why = check_csr(key, CAPWAP_LSC_KEY_EC, sizes[i]);
		EVP_PKEY_free(key);
	}
	CHECK(!wtp_keygen(CAPWAP_LSC_KEY_EC, 521), "P-521 is not on offer");
	return why;
}

/*
 * A request asked again (its answer never came) goes with its key, so
 * that the certificate the controller may hold for it still fits; a key
 * that no longer fits the parameters is not reused.
 */
static const char *test_pending_key_reused(void)
{
	EVP_PKEY *pending = wtp_keygen(CAPWAP_LSC_KEY_EC, 256);
	struct capwap_lsc_cert_params p;
	struct wtp_keyjob job;

	CHECK(pending, "key");
	memset(&job, 0, sizeof(job));
	params_subject(&p);
	p.key_type = CAPWAP_LSC_KEY_EC;
	p.key_bits = 256;
	wtp_params_copy(&job.params, &p);
	job.id = ap_id;
	job.kind = WTP_JOB_KEY;
	CHECK(EVP_PKEY_up_ref(pending), "ref");
	job.pending = pending;
	wtp_keyjob_run(&job);
	CHECK(!job.err[0] && job.csr, "CSR: %s", job.err);
	CHECK(job.key && EVP_PKEY_eq(job.key, pending) == 1,
	      "the pending key was not reused");
	wtp_keyjob_clear(&job);
	p.key_bits = 384;
	wtp_params_copy(&job.params, &p);
	CHECK(EVP_PKEY_up_ref(pending), "ref");
	job.pending = pending;
	wtp_keyjob_run(&job);
	CHECK(!job.err[0] && job.key, "CSR: %s", job.err);
	CHECK(EVP_PKEY_get_bits(job.key) == 384 && EVP_PKEY_eq(job.key, pending) != 1,
	      "a P-256 key was reused for P-384 parameters");
	wtp_keyjob_clear(&job);
	EVP_PKEY_free(pending);
	ERR_clear_error();
	return NULL;
}

/* The challengePassword the CSR carries, or "" without one. */
static int csr_challenge(EVP_PKEY *key, const struct capwap_lsc_cert_params *p,
			 char *buf, size_t size)
{
	const ASN1_STRING *v;
	const ASN1_TYPE *t;
	uint8_t *der = NULL;
	size_t len = 0;
	X509_REQ *req;
	int i, ret = -1;

	buf[0] = '\0';
	if (wtp_csr_build(key, p, &ap_id, &der, &len))
		return -1;
	req = csr_parse(der, len);
	OPENSSL_free(der);
	if (!req || X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) != 1)
		goto out;
	i = X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, -1);
	ret = 0;
	if (i < 0)
		goto out;
	t = X509_ATTRIBUTE_get0_type(X509_REQ_get_attr(req, i), 0);
	/* OpenSSL picks PrintableString when the text allows it. */
	v = t && (t->type == V_ASN1_UTF8STRING ||
		  t->type == V_ASN1_PRINTABLESTRING) ?
	    t->value.asn1_string : NULL;
	if (!v)
		ret = -1;
	else
		snprintf(buf, size, "%.*s", ASN1_STRING_length(v),
			 (const char *)ASN1_STRING_get0_data(v));
out:
	X509_REQ_free(req);
	return ret;
}

static const char *test_csr_challenge(void)
{
	static const char secret[] = "s3cret-\xc3\xa9";
	EVP_PKEY *key = wtp_keygen(CAPWAP_LSC_KEY_EC, 256);
	struct capwap_lsc_cert_params p;
	char got[300];
	int r1, r2;

	params_subject(&p);
	r1 = csr_challenge(key, &p, got, sizeof(got));
	CHECK(!r1 && !got[0], "challengePassword '%s' nobody asked for", got);
	p.challenge = (const uint8_t *)secret;
	p.challenge_len = sizeof(secret) - 1;
	r2 = csr_challenge(key, &p, got, sizeof(got));
	EVP_PKEY_free(key);
	CHECK(!r2 && !strcmp(got, secret),
	      "signed CSR carries challengePassword '%s', not the parameters'",
	      got);
	return NULL;
}

static const char *test_cert_accepted(void)
{
	STACK_OF(X509) *cas = chain_of(&ca);
	X509 *cert = issue_for(&ca, ap_key, "CAP3G1-f866f267577e");
	char why[256];
	int res = wtp_cert_check(ap_key, cert, cas, &ap_id, why, sizeof(why));

	X509_free(cert);
	sk_X509_pop_free(cas, X509_free);
	CHECK(res == CAPWAP_LSC_RESULT_SUCCESS, "refused: %s", why);
	return NULL;
}

struct bad_case {
	const char *name;
	const struct wtp_ca *issuer;
	EVP_PKEY **key;
	const char *cn;
	int result;
	const char *reason;
};

static const struct bad_case bad_cases[] = {
	{ "wrong key", &ca, &stranger_key, "CAP3G1-f866f267577e",
	  CAPWAP_LSC_RESULT_CERT_MISMATCH, "public key" },
	{ "wrong CN", &ca, &ap_key, "CAP3G1-000000000000",
	  CAPWAP_LSC_RESULT_CERT_MISMATCH, "is not the AP's" },
	{ "broken chain", &other_ca, &ap_key, "CAP3G1-f866f267577e",
	  CAPWAP_LSC_RESULT_CERT_MISMATCH, "does not chain" },
};

static const char *test_cert_refused(void)
{
	STACK_OF(X509) *cas = chain_of(&ca);
	unsigned int i;
	char why[256];
	int res;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		X509 *cert = issue_for(c->issuer, *c->key, c->cn);

		res = wtp_cert_check(ap_key, cert, cas, &ap_id, why, sizeof(why));
		X509_free(cert);
		if (res != c->result || !strstr(why, c->reason)) {
			sk_X509_pop_free(cas, X509_free);
			FAIL("%s: result %d, reason '%s'", c->name, res, why);
		}
	}
	sk_X509_pop_free(cas, X509_free);
	return NULL;
}

static const char *test_cert_not_yet_valid(void)
{
	STACK_OF(X509) *cas = chain_of(&ca);
	X509 *cert = issue_for(&ca, ap_key, "CAP3G1-f866f267577e");
	char why[256];
	int res;

	X509_gmtime_adj(X509_getm_notBefore(cert), 86400);
	X509_sign(cert, ca.key, EVP_sha256());
	res = wtp_cert_check(ap_key, cert, cas, &ap_id, why, sizeof(why));
	X509_free(cert);
	sk_X509_pop_free(cas, X509_free);
	CHECK(res == CAPWAP_LSC_RESULT_NOT_YET_VALID, "result %d: %s", res, why);
	return NULL;
}

/* Names in @dir other than "." and "..", and whether any is a temp file. */
static int dir_entries(const char *dir, bool *temp)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*temp = false;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (strstr(e->d_name, ".tmp"))
			*temp = true;
	}
	closedir(d);
	return n;
}

/* Loads @dir's LSC and says whether it is @want (with its key @key). */
static const char *loads_as(const char *dir, X509 *want)
{
	STACK_OF(X509) *got_cas = NULL;
	EVP_PKEY *got_key = NULL;
	X509 *got = NULL;
	int same;

	CHECK(!wtp_store_load_lsc(dir, &ap_id, &got_key, &got, &got_cas),
	      "the installed LSC does not load");
	same = !X509_cmp(got, want);
	EVP_PKEY_free(got_key);
	X509_free(got);
	sk_X509_pop_free(got_cas, X509_free);
	CHECK(same, "another certificate loaded");
	return NULL;
}

static const char *test_install_atomic(void)
{
	char dir[256], path[600], torn[300];
	STACK_OF(X509) *cas = chain_of(&ca);
	X509 *cert = issue_for(&ca, ap_key, "CAP3G1-f866f267577e");
	const char *why;
	struct stat stt;
	bool temp;
	int n, ret;

	snprintf(dir, sizeof(dir), "%s/install", tmpdir);
	CHECK(!wtp_store_mkdir(dir), "mkdir %s", dir);
	ret = wtp_store_install_lsc(dir, ap_key, cert, false, cas);
	CHECK(!ret, "install: %s", strerror(-ret));
	/* lsc, one lsc-set.*, and the three names leading into it. */
	n = dir_entries(dir, &temp);
	CHECK(n == 5 && !temp, "%d entries after install, temp files left: %d", n, temp);
	snprintf(path, sizeof(path), "%s/%s", dir, WTP_LSC_KEY);
	CHECK(!stat(path, &stt) && (stt.st_mode & 0777) == 0600,
	      "key mode %o", stt.st_mode & 0777);
	why = loads_as(dir, cert);
	if (why)
		return why;

	/*
	 * A crash mid-renewal: a new set half written, its key another one.
	 * The set in use still loads, and the next install clears the debris.
	 */
	snprintf(torn, sizeof(torn), "%s/" WTP_LSC_SET_PREFIX "crash1", dir);
	CHECK(!mkdir(torn, 0700), "mkdir %s", torn);
	snprintf(path, sizeof(path), "%s/%s", torn, WTP_LSC_KEY);
	CHECK(!lsc_pem_write_key(path, stranger_key), "torn key");
	why = loads_as(dir, cert);
	if (why)
		return why;

	/* A renewal is one swap: the new certificate, and one set left. */
	X509 *renewed = issue_for(&ca, ap_key, "CAP3G1-f866f267577e");

	ret = wtp_store_install_lsc(dir, ap_key, renewed, true, cas);
	CHECK(!ret, "renewal install: %s", strerror(-ret));
	why = loads_as(dir, renewed);
	if (why)
		return why;
	n = dir_entries(dir, &temp);
	CHECK(n == 5 && !temp && stat(torn, &stt), "%d entries after the renewal", n);

	/* A renewal whose chain ends at another CA: refused, the LSC stays. */
	STACK_OF(X509) *other = chain_of(&other_ca);
	X509 *foreign = issue_for(&other_ca, ap_key, "CAP3G1-f866f267577e");

	ret = wtp_store_install_lsc(dir, ap_key, foreign, true, other);
	CHECK(ret == -EPERM, "a chain to another root was installed (%d)", ret);
	why = loads_as(dir, renewed);
	if (why)
		return why;
	/* Joined with its MIC, the AP takes a new CA: a first enrollment. */
	ret = wtp_store_install_lsc(dir, ap_key, foreign, false, other);
	CHECK(!ret, "first enrollment under another CA: %s", strerror(-ret));
	why = loads_as(dir, foreign);
	X509_free(foreign);
	sk_X509_pop_free(other, X509_free);
	if (why)
		return why;

	wtp_store_remove_lsc(dir);
	n = dir_entries(dir, &temp);
	CHECK(!n, "%d entries left after remove", n);
	X509_free(renewed);
	X509_free(cert);
	sk_X509_pop_free(cas, X509_free);
	return NULL;
}

/* On renewal, a chain to another root is refused; the same root passes. */
static const char *test_renewal_keeps_root(void)
{
	STACK_OF(X509) *mine = chain_of(&ca), *theirs = chain_of(&other_ca);
	char why[256] = "";
	int a, b;

	a = wtp_chain_keeps_root(mine, mine, why, sizeof(why));
	b = wtp_chain_keeps_root(theirs, mine, why, sizeof(why));
	sk_X509_pop_free(mine, X509_free);
	sk_X509_pop_free(theirs, X509_free);
	CHECK(a == CAPWAP_LSC_RESULT_SUCCESS, "the same root refused");
	CHECK(b == CAPWAP_LSC_RESULT_CERT_MISMATCH && strstr(why, "not at the LSC CA installed"),
	      "another root: result %d, '%s'", b, why);
	return NULL;
}

/* An AP in Run with a CSR out, wired to a local socket that plays the AC. */
struct rig {
	struct wtp_sim sim;
	struct wtp_ap ap;
	int ac;
};

static int rig_init(struct rig *r, const char *dirname)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);

	memset(r, 0, sizeof(*r));
	r->sim.vendor_id = CAPWAP_LSC_DEFAULT_VENDOR_ID;
	r->sim.mtu = WTP_MTU;
	r->sim.retransmit_ms = WTP_RETRANSMIT_MS;
	if (wtp_loop_init(&r->sim.loop))
		return -1;
	r->ac = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(r->ac, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(r->ac, (struct sockaddr *)&sa, &sl))
		return -1;
	r->ap.io.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(r->ap.io.fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	r->ap.sim = &r->sim;
	r->ap.id = ap_id;
	wtp_cn(&ap_id, r->ap.cn);
	snprintf(r->ap.dir, sizeof(r->ap.dir), "%s/%s", tmpdir, dirname);
	wtp_store_mkdir(r->ap.dir);
	r->ap.state = WTP_S_RUN;
	r->ap.lsc = WTP_L_CSR_SENT;
	EVP_PKEY_up_ref(ap_key);
	r->ap.new_key = ap_key;
	return 0;
}

static void rig_free(struct rig *r)
{
	wtp_ap_free(&r->ap);
	free(r->ap.job);
	close(r->ac);
	wtp_loop_free(&r->sim.loop);
}

static void put_cert(struct capwap_builder *b, u16 elem, X509 *x, u8 i, u8 n)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);

	capwap_lsc_put_object(b, CAPWAP_LSC_DEFAULT_VENDOR_ID, elem, i, n, der, len);
	OPENSSL_free(der);
}

static const char *deliver_bad(const struct bad_case *c)
{
	static uint8_t buf[16384];
	struct capwap_builder b;
	struct capwap_packet pkt;
	struct capwap_lsc_status st;
	struct rig r;
	X509 *cert;
	char crt[PATH_MAX + 16];
	ssize_t n;
	int rc;

	CHECK(!rig_init(&r, "deliver"), "rig: %s", strerror(errno));
	cert = issue_for(c->issuer, *c->key, c->cn);
	capwap_build_init(&b, buf, sizeof(buf), CAPWAP_MSG_CONFIG_UPDATE_REQ, 7);
	put_cert(&b, CAPWAP_LSC_VSP_CA_CERT, ca.cert, 0, 1);
	put_cert(&b, CAPWAP_LSC_VSP_DEVICE_CERT, cert, 0, 1);
	X509_free(cert);
	n = capwap_build_finish(&b);
	CHECK(n > 0 && capwap_parse(buf, n, &pkt) == CAPWAP_PARSE_OK, "build");
	rc = wtp_lsc_config_update(&r.ap, &pkt.msg);
	n = recv(r.ac, buf, sizeof(buf), MSG_DONTWAIT);
	snprintf(crt, sizeof(crt), "%s/%s", r.ap.dir, WTP_LSC_CERT);
	if (rc != CAPWAP_RESULT_CONFIG_FAILURE || r.ap.lsc != WTP_L_FAILED ||
	    !access(crt, F_OK)) {
		rig_free(&r);
		FAIL("%s: Result Code %d, phase %s", c->name, rc,
		     wtp_lsc_phase_name(r.ap.lsc));
	}
	rig_free(&r);
	CHECK(n > 0 && capwap_parse(buf, n, &pkt) == CAPWAP_PARSE_OK &&
	      pkt.msg.type == CAPWAP_MSG_WTP_EVENT_REQ,
	      "%s: no WTP Event Request sent", c->name);
	CHECK(!capwap_lsc_get_status(&pkt.msg, CAPWAP_LSC_DEFAULT_VENDOR_ID,
				     CAPWAP_LSC_VSP_INSTALL_RESULT, &st),
	      "%s: no INSTALL_RESULT", c->name);
	CHECK(st.result == c->result, "%s: reported result %u", c->name, st.result);
	CHECK(st.reason_len && memmem(st.reason, st.reason_len, c->reason,
				      strlen(c->reason)),
	      "%s: reported reason '%.*s'", c->name, st.reason_len, st.reason);
	return NULL;
}

static const char *test_refused_and_reported(void)
{
	unsigned int i;
	const char *why;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		why = deliver_bad(&bad_cases[i]);
		if (why)
			return why;
	}
	return NULL;
}

static const char *test_attempts_fall_back(void)
{
	static uint8_t buf[1024];
	struct capwap_lsc_status st = {
		.result = CAPWAP_LSC_RESULT_FAILED_CA_SIGNING,
		.state = CAPWAP_LSC_AP_FAILED,
		.reason = (const u8 *)"CA refused", .reason_len = 10,
	};
	struct capwap_builder b;
	struct capwap_packet pkt;
	struct rig r;
	int i, n;

	CHECK(!rig_init(&r, "attempts"), "rig");
	r.ap.attempts_left = 2;
	for (i = 0; i < 2; i++) {
		capwap_build_init(&b, buf, sizeof(buf),
				  CAPWAP_MSG_CONFIG_UPDATE_REQ, (u8)i);
		capwap_lsc_put_status(&b, CAPWAP_LSC_DEFAULT_VENDOR_ID,
				      CAPWAP_LSC_VSP_LSC_STATUS, &st);
		n = capwap_build_finish(&b);
		capwap_parse(buf, n, &pkt);
		r.ap.lsc = WTP_L_CSR_SENT;
		wtp_lsc_config_update(&r.ap, &pkt.msg);
		if (i == 0 && r.ap.lsc != WTP_L_FAILED) {
			rig_free(&r);
			FAIL("first failure: phase %s", wtp_lsc_phase_name(r.ap.lsc));
		}
	}
	n = r.ap.lsc;
	rig_free(&r);
	CHECK(n == WTP_L_FALLBACK, "after the last attempt: phase %s",
	      wtp_lsc_phase_name(n));
	CHECK(!strcmp(r.ap.reason, "CA refused"), "reason '%s'", r.ap.reason);
	return NULL;
}

static int setup(void)
{
	if (!mkdtemp(tmpdir))
		return -1;
	ca.key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	other_ca.key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ap_key = wtp_keygen(CAPWAP_LSC_KEY_EC, 256);
	stranger_key = wtp_keygen(CAPWAP_LSC_KEY_EC, 256);
	if (!ca.key || !other_ca.key || !ap_key || !stranger_key)
		return -1;
	{
		X509_NAME *n = X509_NAME_new();

		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
					   (const unsigned char *)"Test LSC CA",
					   -1, -1, 0);
		ca.cert = wtp_cert_issue(NULL, ca.key, ca.key, n, 30, 1);
		other_ca.cert = wtp_cert_issue(NULL, other_ca.key, other_ca.key,
					       n, 30, 1);
		X509_NAME_free(n);
	}
	return ca.cert && other_ca.cert ? 0 : -1;
}

int main(void)
{
	static const struct tap_case cases[] = {
		{ "wtp_cn_format", test_cn_format },
		{ "wtp_csr_rsa_subject_and_signature", test_csr_rsa },
		{ "wtp_csr_challenge_password", test_csr_challenge },
		{ "wtp_csr_ec_p256_p384", test_csr_ec },
		{ "wtp_request_asked_again_keeps_its_key", test_pending_key_reused },
		{ "wtp_cert_accepted", test_cert_accepted },
		{ "wtp_cert_refused_key_cn_chain", test_cert_refused },
		{ "wtp_cert_not_yet_valid", test_cert_not_yet_valid },
		{ "wtp_refused_and_reported", test_refused_and_reported },
		{ "wtp_attempts_fall_back", test_attempts_fall_back },
		{ "wtp_install_one_set_0600_crash_renewal", test_install_atomic },
		{ "wtp_renewal_keeps_root", test_renewal_keeps_root },
	};
	char cmd[300];

	tap_plan(TAP_COUNT(cases));
	lsc_log_init("test_wtp", LSC_LOG_ERR);
	if (setup()) {
		tap_result("wtp_setup", "cannot create test keys and certificates");
		return 1;
	}
	tap_run(cases, TAP_COUNT(cases));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "test_wtp: cannot remove %s\n", tmpdir);
	return tap_exit();
}
