// SPDX-License-Identifier: GPL-2.0
/*
 * Who may join over DTLS (userspace/lscd/dtls_peer.c): every refusal with
 * its reason and counter, and what is accepted, over certificates made
 * here.  The PKI:
 *
 *   LSC root ─┬─ LSC CA ─── the APs' LSCs
 *             └─ sibling CA (same root, not the LSC CA)
 *   foreign CA (self-signed, configured nowhere)
 *   manufacturer root ── manufacturer intermediate ── MICs
 *   unknown manufacturer CA (not installed)
 *   RSA manufacturer root ── MICs signed with MD5 or SHA-1
 *
 * The policy trusts the LSC CA (with its root) and the manufacturer root;
 * a MIC comes with its intermediate, as an AP sends it in its handshake.
 */
#include <string.h>
#include <time.h>

#include <openssl/err.h>

#include "dtls_certs.h"
#include "dtls_peer.h"
#include "mac.h"
#include "tap.h"

static struct tcert lsc_root, lsc_ca, sibling_ca, foreign_ca, mfg_root,
	mfg_inter, unknown_mfg, old_ca, rsa_mfg;
static struct lscd_dtls_policy *pol;
static STACK_OF(X509) *mic_chain;
static time_t now;

static const uint8_t ap_mac[6] = { 0xf8, 0x66, 0xf2, 0x67, 0x57, 0x7e };
#define AP_CN "C1262-f866f267577e"

static int setup(void)
{
	struct { struct tcert *t; struct tcert_spec s; } cas[] = {
		{ &lsc_root, { .cn = "LSC root", .by = NULL, .from = -3600, .to = 3650 * DAY, .ca = 1 } },
		{ &lsc_ca, { .cn = "LSC CA", .by = &lsc_root, .from = -3600, .to = 365 * DAY, .ca = 1 } },
		{ &sibling_ca, { .cn = "Sibling CA", .by = &lsc_root, .from = -3600, .to = 365 * DAY, .ca = 1 } },
		{ &foreign_ca, { .cn = "LSC CA", .by = NULL, .from = -3600, .to = 365 * DAY, .ca = 1 } },
		{ &mfg_root, { .cn = "Manufacturer root", .by = NULL, .from = -3600, .to = 3650 * DAY, .ca = 1 } },
		{ &mfg_inter, { .cn = "Manufacturer CA", .by = &mfg_root, .from = -3600, .to = 365 * DAY, .ca = 1 } },
		{ &unknown_mfg, { .cn = "Manufacturer CA", .by = NULL, .from = -3600, .to = 365 * DAY, .ca = 1 } },
		/* An LSC CA of the same root whose own validity has ended. */
		{ &old_ca, { .cn = "Old LSC CA", .by = &lsc_root, .from = -20 * DAY, .to = -DAY, .ca = 1 } },
		/* RSA: an MD5 signature needs an RSA key (ECDSA has none). */
		{ &rsa_mfg, { .cn = "RSA manufacturer root", .by = NULL, .from = -3600, .to = 3650 * DAY, .ca = 1, .rsa = 1 } },
	};
	STACK_OF(X509) *chain = sk_X509_new_null();
	size_t i;

	for (i = 0; i < TAP_COUNT(cas); i++)
		if (tcert_make(cas[i].t, &cas[i].s))
			return -1;
	pol = lscd_dtls_policy_new();
	mic_chain = sk_X509_new_null();
	if (!pol || !chain || !mic_chain ||
	    !sk_X509_push(chain, lsc_root.cert) ||
	    !sk_X509_push(mic_chain, mfg_inter.cert) ||
	    lscd_dtls_policy_set_lsc_ca(pol, lsc_ca.cert, chain) ||
	    lscd_dtls_policy_add_mic_ca(pol, mfg_root.cert) ||
	    lscd_dtls_policy_add_mic_ca(pol, rsa_mfg.cert))
		return -1;
	sk_X509_free(chain);
	now = time(NULL);
	return 0;
}

/* Verifies a certificate made from @s; returns the refusal. */
static enum lscd_dtls_refusal verify_spec(const struct tcert_spec *s,
					  STACK_OF(X509) *untrusted,
					  struct lscd_dtls_verdict *v)
{
	struct tcert t;
	enum lscd_dtls_refusal r;

	if (tcert_make(&t, s)) {
		snprintf(v->why, sizeof(v->why), "cannot make the certificate");
		return __LSCD_DTLS_REFUSAL_MAX;
	}
	r = lscd_dtls_peer_verify(pol, t.cert, untrusted, now, v);
	tcert_free(&t);
	return r;
}

/* One case: a certificate, the refusal expected, words in its reason. */
static const char *expect(const struct tcert_spec *s, STACK_OF(X509) *untrusted,
			  enum lscd_dtls_refusal want, int want_type,
			  const char *words, enum lscd_dtls_counter counter)
{
	struct lscd_dtls_verdict v;
	enum lscd_dtls_refusal r = verify_spec(s, untrusted, &v);

	CHECK(r == want && v.refusal == r, "refusal %s (%s), not %s",
	      lscd_dtls_refusal_name(r), v.why, lscd_dtls_refusal_name(want));
	CHECK(!want_type || v.cert_type == want_type, "type %d, not %d",
	      v.cert_type, want_type);
	CHECK(!words || strstr(v.why, words), "reason \"%s\" lacks \"%s\"",
	      v.why, words);
	CHECK(!want || lscd_dtls_refusal_counter(r) == counter,
	      "counted as %s, not %s",
	      lscd_dtls_counter_name(lscd_dtls_refusal_counter(r)),
	      lscd_dtls_counter_name(counter));
	CHECK(!want || lscd_dtls_refusal_is_auth_fail(r),
	      "not a DTLSAuthenticateFail");
	return NULL;
}

#define LSC(...) { .cn = AP_CN, .by = &lsc_ca, .from = -3600, .to = 30 * DAY, __VA_ARGS__ }

/* ---- Accepted ------------------------------------------------------- */

static const char *lsc_accepted(void)
{
	struct tcert_spec s = LSC();
	struct lscd_dtls_verdict v;

	CHECK(verify_spec(&s, NULL, &v) == LSCD_DTLS_ACCEPTED, "%s", v.why);
	CHECK(v.cert_type == CAPWAP_LSC_CERT_LSC, "type %d", v.cert_type);
	CHECK(v.has_mac && !memcmp(v.mac, ap_mac, 6), "MAC not taken");
	CHECK(lscd_dtls_peer_bind(&v, ap_mac) == LSCD_DTLS_ACCEPTED, "%s", v.why);
	return NULL;
}

static const char *mic_with_intermediate_accepted(void)
{
	struct tcert_spec s = { .cn = "AIR-AP1852I-E-K9-f866f267577e", .by = &mfg_inter, .from = -3600, .to = 3650 * DAY };

	return expect(&s, mic_chain, LSCD_DTLS_ACCEPTED, CAPWAP_LSC_CERT_MIC,
		      NULL, 0);
}

static const char *ssc_listed_accepted(void)
{
	struct tcert_spec s = { .cn = AP_CN, .by = NULL, .from = -3600, .to = 3650 * DAY };
	struct lscd_dtls_verdict v;
	struct tcert t;
	uint8_t spki[32];
	enum lscd_dtls_refusal r;

	CHECK(!tcert_make(&t, &s), "cannot make the SSC");
	r = lscd_dtls_peer_verify(pol, t.cert, NULL, now, &v);
	if (r == LSCD_DTLS_SSC_UNLISTED && !lscd_dtls_spki_sha256(t.cert, spki) &&
	    !lscd_dtls_policy_add_ssc(pol, ap_mac, spki))
		r = lscd_dtls_peer_verify(pol, t.cert, NULL, now, &v);
	tcert_free(&t);
	CHECK(r == LSCD_DTLS_ACCEPTED && v.cert_type == CAPWAP_LSC_CERT_SSC,
	      "a listed SSC: %s (%s)", lscd_dtls_refusal_name(r), v.why);
	return NULL;
}

/* ---- Authentication ---------------------------------------------------- */

static const char *no_certificate(void)
{
	struct lscd_dtls_verdict v;

	CHECK(lscd_dtls_peer_verify(pol, NULL, NULL, now, &v) ==
	      LSCD_DTLS_NO_CERT && strstr(v.why, "no certificate") &&
	      lscd_dtls_refusal_counter(v.refusal) ==
	      LSCD_DTLS_CNT_AUTHENTICATION, "%s", v.why);
	return NULL;
}

static const char *mic_unknown_ca(void)
{
	struct tcert_spec s = { .cn = "AIR-AP1852I-E-K9-f866f267577e", .by = &unknown_mfg, .from = -3600, .to = 3650 * DAY };

	return expect(&s, NULL, LSCD_DTLS_UNTRUSTED, 0,
		      "chains to neither", LSCD_DTLS_CNT_AUTHENTICATION);
}

/* The intermediate alone does not make a MIC: the anchor is its root. */
static const char *mic_unknown_intermediate_path(void)
{
	struct tcert_spec s = { .cn = "AIR-AP1852I-E-K9-f866f267577e", .by = &mfg_inter, .from = -3600, .to = 3650 * DAY };

	return expect(&s, NULL, LSCD_DTLS_UNTRUSTED, 0, "chains to neither",
		      LSCD_DTLS_CNT_AUTHENTICATION);
}

static const char *lsc_foreign_ca(void)
{
	struct tcert_spec s = { .cn = AP_CN, .by = &foreign_ca, .from = -3600, .to = 30 * DAY };

	return expect(&s, NULL, LSCD_DTLS_UNTRUSTED, 0, "chains to neither",
		      LSCD_DTLS_CNT_AUTHENTICATION);
}

static const char *lsc_sibling_ca_same_root(void)
{
	struct tcert_spec s = { .cn = AP_CN, .by = &sibling_ca, .from = -3600, .to = 30 * DAY };
	STACK_OF(X509) *sent = sk_X509_new_null();
	const char *why;

	CHECK(sent && sk_X509_push(sent, sibling_ca.cert), "out of memory");
	why = expect(&s, sent, LSCD_DTLS_UNTRUSTED, 0, "not the LSC CA",
		     LSCD_DTLS_CNT_AUTHENTICATION);
	sk_X509_free(sent);
	return why;
}

static const char *ssc_not_listed(void)
{
	struct tcert_spec s = { .cn = AP_CN, .by = NULL, .from = -3600, .to = 3650 * DAY };

	return expect(&s, NULL, LSCD_DTLS_SSC_UNLISTED, CAPWAP_LSC_CERT_SSC,
		      "not on the authorisation list for f8:66:f2:67:57:7e",
		      LSCD_DTLS_CNT_AUTHENTICATION);
}

/* A listed key under another MAC's name is not authorised for that MAC. */
static const char *ssc_listed_for_another_mac(void)
{
	struct tcert_spec s = { .cn = "C1262-001122334455", .by = NULL, .from = -3600, .to = 3650 * DAY };
	struct lscd_dtls_verdict v;
	struct tcert t;
	uint8_t spki[32];
	enum lscd_dtls_refusal r;

	CHECK(!tcert_make(&t, &s), "cannot make the SSC");
	CHECK(!lscd_dtls_spki_sha256(t.cert, spki) &&
	      !lscd_dtls_policy_add_ssc(pol, ap_mac, spki), "cannot list");
	r = lscd_dtls_peer_verify(pol, t.cert, NULL, now, &v);
	tcert_free(&t);
	CHECK(r == LSCD_DTLS_SSC_UNLISTED && strstr(v.why, "00:11:22:33:44:55"),
	      "%s (%s)", lscd_dtls_refusal_name(r), v.why);
	return NULL;
}

static const char *expired(void)
{
	struct tcert_spec s = { .cn = AP_CN, .by = &lsc_ca, .from = -30 * DAY, .to = -60 };

	return expect(&s, NULL, LSCD_DTLS_EXPIRED, 0, "expired",
		      LSCD_DTLS_CNT_AUTHENTICATION);
}

static const char *not_yet_valid(void)
{
	struct tcert_spec s = { .cn = AP_CN, .by = &lsc_ca, .from = DAY, .to = 30 * DAY };

	return expect(&s, NULL, LSCD_DTLS_EXPIRED, 0, "not valid yet",
		      LSCD_DTLS_CNT_AUTHENTICATION);
}

/* Its issuer's validity ended: refused as expired, not as foreign. */
static const char *issuing_ca_expired(void)
{
	struct tcert_spec s = { .cn = AP_CN, .by = &old_ca, .from = -3600, .to = 30 * DAY };
	STACK_OF(X509) *sent = sk_X509_new_null();
	struct lscd_dtls_policy *saved = pol;
	STACK_OF(X509) *chain = sk_X509_new_null();
	const char *why;

	CHECK(sent && chain && sk_X509_push(sent, old_ca.cert) &&
	      sk_X509_push(chain, lsc_root.cert), "out of memory");
	pol = lscd_dtls_policy_new();
	CHECK(pol && !lscd_dtls_policy_set_lsc_ca(pol, old_ca.cert, chain),
	      "policy");
	why = expect(&s, sent, LSCD_DTLS_EXPIRED, 0, "out of its validity",
		     LSCD_DTLS_CNT_AUTHENTICATION);
	lscd_dtls_policy_put(pol);
	pol = saved;
	sk_X509_free(sent);
	sk_X509_free(chain);
	return why;
}

/* ---- Policy ------------------------------------------------------------ */

/* The LSC CA's own certificate chains to itself: it is still refused. */
static const char *ca_certificate(void)
{
	struct lscd_dtls_verdict v;
	enum lscd_dtls_refusal r;

	r = lscd_dtls_peer_verify(pol, lsc_ca.cert, NULL, now, &v);
	CHECK(r == LSCD_DTLS_CA_CERT && strstr(v.why, "CA:TRUE") &&
	      lscd_dtls_refusal_counter(r) == LSCD_DTLS_CNT_POLICY,
	      "the LSC CA: %s (%s)", lscd_dtls_refusal_name(r), v.why);
	r = lscd_dtls_peer_verify(pol, mfg_root.cert, NULL, now, &v);
	CHECK(r == LSCD_DTLS_CA_CERT, "the manufacturer root: %s (%s)",
	      lscd_dtls_refusal_name(r), v.why);
	return NULL;
}

static const char *lsc_only(void)
{
	struct tcert_spec mic = { .cn = "AIR-AP1852I-E-K9-f866f267577e", .by = &mfg_inter, .from = -3600, .to = 3650 * DAY };
	struct tcert_spec ssc = { .cn = AP_CN, .by = NULL, .from = -3600, .to = 3650 * DAY };
	struct tcert_spec lsc = LSC();
	const char *why;

	lscd_dtls_policy_accept(pol, CAPWAP_LSC_CERT_MIC, false);
	lscd_dtls_policy_accept(pol, CAPWAP_LSC_CERT_SSC, false);
	why = expect(&mic, mic_chain, LSCD_DTLS_TYPE_OFF, CAPWAP_LSC_CERT_MIC,
		     "MIC certificates are not accepted (LSC only)",
		     LSCD_DTLS_CNT_POLICY);
	if (!why)
		why = expect(&ssc, NULL, LSCD_DTLS_TYPE_OFF, CAPWAP_LSC_CERT_SSC,
			     "SSC certificates are not accepted",
			     LSCD_DTLS_CNT_POLICY);
	if (!why)
		why = expect(&lsc, NULL, LSCD_DTLS_ACCEPTED, CAPWAP_LSC_CERT_LSC,
			     NULL, 0);
	lscd_dtls_policy_accept(pol, CAPWAP_LSC_CERT_MIC, true);
	lscd_dtls_policy_accept(pol, CAPWAP_LSC_CERT_SSC, true);
	/* And the other way round: a fleet that must not use its LSCs. */
	lscd_dtls_policy_accept(pol, CAPWAP_LSC_CERT_LSC, false);
	if (!why)
		why = expect(&lsc, NULL, LSCD_DTLS_TYPE_OFF, CAPWAP_LSC_CERT_LSC,
			     "LSC certificates are not accepted",
			     LSCD_DTLS_CNT_POLICY);
	lscd_dtls_policy_accept(pol, CAPWAP_LSC_CERT_LSC, true);
	return why;
}

static const char *key_usage_without_signature(void)
{
	struct tcert_spec s = LSC(.ku = "critical,keyEncipherment");

	return expect(&s, NULL, LSCD_DTLS_KEY_USAGE, 0, "digitalSignature",
		      LSCD_DTLS_CNT_POLICY);
}

/* ---- EKU ---------------------------------------------------------------- */

#define EKU_STEPCA	"serverAuth,clientAuth"
#define EKU_IPSEC_OFFLINE "1.3.6.1.5.5.8.2.2"	/* Windows' template */

static const struct {
	const char *name;
	const char *eku;
	enum lscd_dtls_eku_mode mode;
	bool accepted;
} eku_cases[] = {
	{ "none", NULL, LSCD_DTLS_EKU_DEFAULT, true },
	{ "stepca_server_client", EKU_STEPCA, LSCD_DTLS_EKU_DEFAULT, true },
	{ "windows_ipsec_offline", EKU_IPSEC_OFFLINE, LSCD_DTLS_EKU_DEFAULT, true },
	{ "ipsecIKE", "ipsecIKE", LSCD_DTLS_EKU_DEFAULT, true },
	{ "clientAuth", "clientAuth", LSCD_DTLS_EKU_DEFAULT, true },
	{ "capwapWTP", "capwapWTP", LSCD_DTLS_EKU_DEFAULT, true },
	{ "anyExtendedKeyUsage", "anyExtendedKeyUsage", LSCD_DTLS_EKU_DEFAULT, true },
	{ "serverAuth_only", "serverAuth", LSCD_DTLS_EKU_DEFAULT, false },
	{ "emailProtection", "emailProtection,codeSigning", LSCD_DTLS_EKU_DEFAULT, false },
	{ "capwapAC_for_a_wtp", "capwapAC", LSCD_DTLS_EKU_DEFAULT, false },
	{ "strict_capwapWTP", "capwapWTP", LSCD_DTLS_EKU_STRICT, true },
	{ "strict_capwapWTP_among_others", "clientAuth,capwapWTP", LSCD_DTLS_EKU_STRICT, true },
	{ "strict_none", NULL, LSCD_DTLS_EKU_STRICT, false },
	{ "strict_stepca", EKU_STEPCA, LSCD_DTLS_EKU_STRICT, false },
	{ "strict_windows_ipsec_offline", EKU_IPSEC_OFFLINE, LSCD_DTLS_EKU_STRICT, false },
	{ "strict_anyExtendedKeyUsage", "anyExtendedKeyUsage", LSCD_DTLS_EKU_STRICT, false },
};

static const char *eku_table(void)
{
	size_t i;

	for (i = 0; i < TAP_COUNT(eku_cases); i++) {
		struct tcert_spec s = LSC(.eku = eku_cases[i].eku);
		const char *why;

		lscd_dtls_policy_eku(pol, eku_cases[i].mode);
		why = expect(&s, NULL, eku_cases[i].accepted ?
			     LSCD_DTLS_ACCEPTED : LSCD_DTLS_EKU,
			     CAPWAP_LSC_CERT_LSC, eku_cases[i].accepted ? NULL :
			     eku_cases[i].mode == LSCD_DTLS_EKU_STRICT ?
			     "id-kp-capwapWTP" : "not for a WTP",
			     LSCD_DTLS_CNT_POLICY);
		lscd_dtls_policy_eku(pol, LSCD_DTLS_EKU_DEFAULT);
		if (why) {
			char copy[200];

			snprintf(copy, sizeof(copy), "%s", why);
			FAIL("%s: %s", eku_cases[i].name, copy);
		}
	}
	return NULL;
}

/* The controller's certificate, as lsc-wtp will check it. */
static const char *eku_controller_role(void)
{
	static const struct {
		const char *eku;
		enum lscd_dtls_eku_mode mode;
		int ok;
	} c[] = {
		{ "capwapAC", LSCD_DTLS_EKU_STRICT, 1 },
		{ "capwapWTP", LSCD_DTLS_EKU_STRICT, 0 },
		{ EKU_STEPCA, LSCD_DTLS_EKU_STRICT, 0 },
		{ EKU_STEPCA, LSCD_DTLS_EKU_DEFAULT, 1 },
		{ "clientAuth", LSCD_DTLS_EKU_DEFAULT, 0 },
		{ NULL, LSCD_DTLS_EKU_DEFAULT, 1 },
	};
	char why[LSCD_DTLS_WHY_LEN];
	size_t i;

	for (i = 0; i < TAP_COUNT(c); i++) {
		struct tcert_spec s = { .cn = "controller", .by = &lsc_ca,
					.from = -3600, .to = DAY,
					.eku = c[i].eku };
		struct tcert t;
		int ret;

		CHECK(!tcert_make(&t, &s), "cannot make a certificate");
		ret = lscd_dtls_eku_check(t.cert, LSCD_DTLS_ROLE_AC, c[i].mode,
					  why, sizeof(why));
		tcert_free(&t);
		CHECK((ret == 0) == c[i].ok && (c[i].ok || strstr(why, "controller") ||
					  strstr(why, "id-kp-capwapAC")),
		      "case %zu (%s): %d %s", i, c[i].eku, ret, ret ? why : "");
	}
	return NULL;
}

/* ---- Strength of keys and signatures ----------------------------------- */

#define MIC_CN "AIR-AP1852I-E-K9-f866f267577e"

/* RSA-512 is refused whoever issued it, and an SSC's too. */
static const char *rsa512_refused(void)
{
	struct tcert_spec specs[] = {
		LSC(.bits = 512),
		{ .cn = MIC_CN, .by = &mfg_inter, .from = -3600, .to = 3650 * DAY, .bits = 512 },
		{ .cn = MIC_CN, .by = &rsa_mfg, .from = -3600, .to = 3650 * DAY, .bits = 512 },
		{ .cn = AP_CN, .by = NULL, .from = -3600, .to = 3650 * DAY, .bits = 512 },
	};
	const char *why;
	size_t i;

	for (i = 0; i < TAP_COUNT(specs); i++) {
		why = expect(&specs[i], mic_chain, LSCD_DTLS_WEAK, 0,
			     "RSA key of 512 bits", LSCD_DTLS_CNT_POLICY);
		if (why)
			return why;
	}
	/* The same certificates with 2048 bits pass that check. */
	specs[0].bits = 2048;
	return expect(&specs[0], NULL, LSCD_DTLS_ACCEPTED, CAPWAP_LSC_CERT_LSC,
		      NULL, 0);
}

/*
 * A sound leaf under an intermediate of RSA-1024: the chain's check at
 * the security level finds it, the leaf's own key being fine.
 */
static const char *weak_intermediate_refused(void)
{
	struct tcert_spec is = { .cn = "Manufacturer CA 1024", .by = &rsa_mfg, .from = -3600, .to = 365 * DAY, .ca = 1, .bits = 1024 };
	struct tcert_spec mic = { .cn = MIC_CN, .from = -3600, .to = 365 * DAY };
	STACK_OF(X509) *chain = sk_X509_new_null();
	struct tcert inter = { 0 };
	const char *why = "set-up";

	if (chain && !tcert_make(&inter, &is) &&
	    sk_X509_push(chain, inter.cert)) {
		mic.by = &inter;
		why = expect(&mic, chain, LSCD_DTLS_WEAK, 0, "CA certificate key too weak",
			     LSCD_DTLS_CNT_POLICY);
	}
	sk_X509_free(chain);
	tcert_free(&inter);
	return why;
}

/* An SSC listed for its MAC, signed with @md: the verdict. */
static enum lscd_dtls_refusal ssc_signed_with(const char *md,
					      struct lscd_dtls_verdict *v)
{
	struct tcert_spec s = { .cn = AP_CN, .by = NULL, .from = -3600, .to = 3650 * DAY, .rsa = 1, .md = md };
	enum lscd_dtls_refusal r = __LSCD_DTLS_REFUSAL_MAX;
	struct tcert t;
	uint8_t spki[32];

	if (tcert_make(&t, &s))
		return r;
	if (!lscd_dtls_spki_sha256(t.cert, spki) &&
	    !lscd_dtls_policy_add_ssc(pol, ap_mac, spki))
		r = lscd_dtls_peer_verify(pol, t.cert, NULL, now, v);
	tcert_free(&t);
	return r;
}

/*
 * A MIC refused as weak, then accepted signed with @md, or with SHA-1
 * allowed in MICs when @md is NULL.
 */
static const char *weak_mic_then_accepted(struct tcert_spec *mic,
					  STACK_OF(X509) *untrusted,
					  const char *md)
{
	const char *why = expect(mic, untrusted, LSCD_DTLS_WEAK, 0, "too weak",
				 LSCD_DTLS_CNT_POLICY);

	if (why)
		return why;
	if (md)
		mic->md = md;
	else
		lscd_dtls_policy_mic_sha1(pol, true);
	return expect(mic, untrusted, LSCD_DTLS_ACCEPTED, CAPWAP_LSC_CERT_MIC,
		      NULL, 0);
}

static const char *md5_signed_refused(void)
{
	struct tcert_spec mic = { .cn = MIC_CN, .by = &rsa_mfg, .from = -3600, .to = 3650 * DAY, .md = "MD5" };
	struct lscd_dtls_verdict v;
	enum lscd_dtls_refusal r;
	const char *why;

	why = weak_mic_then_accepted(&mic, NULL, "SHA256");
	if (why)
		return why;
	/* An SSC, listed: its self-signature is all there is to weigh. */
	r = ssc_signed_with("MD5", &v);
	CHECK(r == LSCD_DTLS_WEAK && strstr(v.why, "self-signature (MD5)"),
	      "an MD5 SSC: %s (%s)", lscd_dtls_refusal_name(r), v.why);
	r = ssc_signed_with("SHA256", &v);
	CHECK(r == LSCD_DTLS_ACCEPTED, "a SHA-256 SSC: %s (%s)",
	      lscd_dtls_refusal_name(r), v.why);
	return NULL;
}

/* SHA-1: refused, but for a MIC when the policy says old MICs may join. */
static const char *sha1_mic_only_by_choice(void)
{
	struct tcert_spec mic = { .cn = MIC_CN, .by = &mfg_inter, .from = -3600, .to = 3650 * DAY, .md = "SHA1" };
	struct tcert_spec lsc = LSC(.md = "SHA1");
	struct lscd_dtls_verdict v;
	enum lscd_dtls_refusal r;
	const char *why;

	why = weak_mic_then_accepted(&mic, mic_chain, NULL);
	if (!why)
		why = expect(&lsc, NULL, LSCD_DTLS_WEAK, 0, "too weak",
			     LSCD_DTLS_CNT_POLICY);
	r = why ? LSCD_DTLS_ACCEPTED : ssc_signed_with("SHA1", &v);
	lscd_dtls_policy_mic_sha1(pol, false);
	if (why)
		return why;
	CHECK(r == LSCD_DTLS_WEAK, "a SHA-1 SSC with old MICs allowed: %s (%s)",
	      lscd_dtls_refusal_name(r), v.why);
	return NULL;
}

/* ---- Identity ------------------------------------------------------------ */

static const struct {
	const char *cn;
	int ok;
} cn_forms[] = {
	{ "f8:66:f2:67:57:7e", 1 },	/* RFC 5415 */
	{ "F8:66:F2:67:57:7E", 1 },
	{ "C1262-f866f267577e", 1 },	/* Cisco SSC/LSC */
	{ "AP3G1-F866F267577E", 1 },	/* as the seed's issued LSC */
	{ "AIR-AP1852I-E-K9-f866f267577e", 1 },	/* Cisco MIC, <PID>-<mac> */
	{ "C9115AXI_B-f866f267577e", 1 },
	{ "C702-f866f267577e", 1 },	/* 17 characters, not the colon form */
	{ "AIRX-F866F267577E", 1 },
	{ "f866f267577e", 0 },		/* no name before it */
	{ "-f866f267577e", 0 },
	{ "C1262-f866f267577", 0 },	/* 11 digits */
	{ "C1262-f866f267577e0", 0 },	/* 13 digits */
	{ "C1262-f866.f267.577e", 0 },
	{ "C1262-f866f267577g", 0 },
	{ "C1262 f866f267577e", 0 },
	{ "f8-66-f2-67-57-7e", 0 },
	{ "f8:66:f2:67:57:7e:00", 0 },
	{ "f8:66:f2:67:57", 0 },
	{ "f8:66:f2:67:57:7e ", 0 },
	{ "f86:6f2:67:57:7e:", 0 },
	{ "C1262-f866f2:67577e", 0 },
	{ "controller", 0 },
	{ "x.example-f866f267577e", 0 },
};

static const char *cn_mac_forms(void)
{
	uint8_t mac[6];
	size_t i;

	for (i = 0; i < TAP_COUNT(cn_forms); i++) {
		struct tcert_spec s = LSC();
		struct tcert t;
		int ret;

		s.cn = cn_forms[i].cn;
		CHECK(!tcert_make(&t, &s), "cannot make a certificate");
		memset(mac, 0, sizeof(mac));
		ret = lscd_dtls_cn_mac(t.cert, mac);
		tcert_free(&t);
		CHECK(cn_forms[i].ok ? !ret && !memcmp(mac, ap_mac, 6) :
		      ret == -EINVAL, "CN \"%s\": %d", cn_forms[i].cn, ret);
	}
	return NULL;
}

static const char *cn_without_mac_refused(void)
{
	struct tcert_spec s = LSC();
	const char *why;

	s.cn = "C1262-f866.f267.577e";
	why = expect(&s, NULL, LSCD_DTLS_NO_MAC, CAPWAP_LSC_CERT_LSC,
		     "names no MAC", LSCD_DTLS_CNT_IDENTITY);
	if (why)
		return why;
	/* Two CNs: which one names the AP is not for lscd to guess. */
	s.cn = AP_CN;
	s.cn2 = "C1262-001122334455";
	return expect(&s, NULL, LSCD_DTLS_NO_MAC, CAPWAP_LSC_CERT_LSC,
		      "names no MAC", LSCD_DTLS_CNT_IDENTITY);
}

/* Each accepted CN form, bound to a Join of another MAC, then its own. */
static const char *mac_mismatch_each_form(void)
{
	static const uint8_t other[6] = { 0xf8, 0x66, 0xf2, 0x67, 0x57, 0x7f };
	static const char *const forms[] = {
		"f8:66:f2:67:57:7e", "C1262-f866f267577e",
		"AIR-AP1852I-E-K9-F866F267577E",
	};
	struct lscd_dtls_verdict v;
	size_t i;

	for (i = 0; i < TAP_COUNT(forms); i++) {
		struct tcert_spec s = LSC();
		enum lscd_dtls_refusal r;

		s.cn = forms[i];
		CHECK(verify_spec(&s, NULL, &v) == LSCD_DTLS_ACCEPTED,
		      "%s: %s", forms[i], v.why);
		r = lscd_dtls_peer_bind(&v, other);
		CHECK(r == LSCD_DTLS_MAC_MISMATCH &&
		      strstr(v.why, "f8:66:f2:67:57:7f is not the certificate's f8:66:f2:67:57:7e") &&
		      lscd_dtls_refusal_counter(r) == LSCD_DTLS_CNT_IDENTITY,
		      "%s: %s (%s)", forms[i], lscd_dtls_refusal_name(r), v.why);
		CHECK(verify_spec(&s, NULL, &v) == LSCD_DTLS_ACCEPTED &&
		      lscd_dtls_peer_bind(&v, ap_mac) == LSCD_DTLS_ACCEPTED,
		      "%s: its own MAC refused: %s", forms[i], v.why);
	}
	return NULL;
}

/* A verdict that refused stays refused at the Join. */
static const char *refused_stays_refused(void)
{
	struct lscd_dtls_verdict v;

	CHECK(lscd_dtls_peer_verify(pol, NULL, NULL, now, &v) ==
	      LSCD_DTLS_NO_CERT, "no certificate accepted");
	CHECK(lscd_dtls_peer_bind(&v, ap_mac) == LSCD_DTLS_NO_CERT,
	      "bound after a refusal");
	return NULL;
}

static const struct tap_case cases[] = {
	{ "lsc_accepted_and_bound", lsc_accepted },
	{ "mic_with_intermediate_accepted", mic_with_intermediate_accepted },
	{ "ssc_listed_accepted", ssc_listed_accepted },
	{ "no_certificate_refused", no_certificate },
	{ "mic_from_unknown_ca_refused", mic_unknown_ca },
	{ "mic_without_its_intermediate_refused", mic_unknown_intermediate_path },
	{ "lsc_from_foreign_ca_refused", lsc_foreign_ca },
	{ "lsc_from_sibling_ca_of_same_root_refused", lsc_sibling_ca_same_root },
	{ "ssc_not_listed_refused", ssc_not_listed },
	{ "ssc_listed_for_another_mac_refused", ssc_listed_for_another_mac },
	{ "expired_refused", expired },
	{ "not_yet_valid_refused", not_yet_valid },
	{ "issuing_ca_expired_refused", issuing_ca_expired },
	{ "ca_certificate_refused", ca_certificate },
	{ "type_policy_lsc_only", lsc_only },
	{ "key_usage_without_digital_signature_refused", key_usage_without_signature },
	{ "eku_default_and_strict", eku_table },
	{ "eku_controller_role", eku_controller_role },
	{ "rsa512_refused_lsc_mic_ssc", rsa512_refused },
	{ "md5_signed_refused", md5_signed_refused },
	{ "weak_intermediate_key_refused", weak_intermediate_refused },
	{ "sha1_only_for_mics_by_choice", sha1_mic_only_by_choice },
	{ "cn_mac_forms", cn_mac_forms },
	{ "cn_without_mac_refused", cn_without_mac_refused },
	{ "mac_mismatch_each_cn_form_refused", mac_mismatch_each_form },
	{ "refused_verdict_stays_refused_at_join", refused_stays_refused },
};

int main(void)
{
	tap_plan(TAP_COUNT(cases));
	if (setup()) {
		fprintf(stderr, "set-up failed\n");
		ERR_print_errors_fp(stderr);
		return 1;
	}
	tap_run(cases, TAP_COUNT(cases));
	lscd_dtls_policy_put(pol);
	sk_X509_free(mic_chain);
	tcert_free(&lsc_root);
	tcert_free(&lsc_ca);
	tcert_free(&sibling_ca);
	tcert_free(&foreign_ca);
	tcert_free(&mfg_root);
	tcert_free(&mfg_inter);
	tcert_free(&unknown_mfg);
	tcert_free(&old_ca);
	tcert_free(&rsa_mfg);
	return tap_exit();
}
