// SPDX-License-Identifier: GPL-2.0
/*
 * Who may join over DTLS (dtls_peer.h).  The checks run in the order
 * that gives the operator the most useful reason: what the certificate
 * is (a CA, out of its validity) before whom it chains to, and the type
 * it turned out to be before the policy on that type.  A CA certificate
 * is refused first because it chains to itself: the LSC CA's own
 * certificate would otherwise join "with an LSC".
 *
 * OpenSSL verifies the chains with no purpose set, so that it checks
 * signatures, validity and the CAs' basicConstraints but no EKU: the EKU
 * is this file's (lscd_dtls_eku_check()).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "dtls_peer.h"
#include "hex.h"
#include "mac.h"
#include "names.h"

struct ssc_entry {
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	uint8_t spki[32];
};

struct lscd_dtls_policy {
	unsigned int refs;
	bool accept[__CAPWAP_LSC_CERT_MAX];
	enum lscd_dtls_eku_mode eku;
	int level;		/* OpenSSL's security level */
	bool mic_sha1;
	STACK_OF(X509) *mic_cas;
	X509 *lsc_ca;
	STACK_OF(X509) *lsc_chain;	/* above the LSC CA, to its root */
	struct ssc_entry *ssc;
	size_t nssc;
};

/* ---- Reasons ----------------------------------------------------------- */

static const struct {
	const char *name;
	enum lscd_dtls_counter counter;
	bool auth_fail;
} refusals[__LSCD_DTLS_REFUSAL_MAX] = {
	[LSCD_DTLS_ACCEPTED] = { "accepted", 0, false },
	[LSCD_DTLS_NO_CERT] = { "no certificate", LSCD_DTLS_CNT_AUTHENTICATION, true },
	[LSCD_DTLS_UNTRUSTED] = { "untrusted", LSCD_DTLS_CNT_AUTHENTICATION, true },
	[LSCD_DTLS_EXPIRED] = { "expired", LSCD_DTLS_CNT_AUTHENTICATION, true },
	[LSCD_DTLS_CA_CERT] = { "CA certificate", LSCD_DTLS_CNT_POLICY, true },
	[LSCD_DTLS_TYPE_OFF] = { "type not accepted", LSCD_DTLS_CNT_POLICY, true },
	[LSCD_DTLS_SSC_UNLISTED] = { "SSC not authorised", LSCD_DTLS_CNT_AUTHENTICATION, true },
	[LSCD_DTLS_EKU] = { "extended key usage", LSCD_DTLS_CNT_POLICY, true },
	[LSCD_DTLS_KEY_USAGE] = { "key usage", LSCD_DTLS_CNT_POLICY, true },
	[LSCD_DTLS_WEAK] = { "weak key or signature", LSCD_DTLS_CNT_POLICY, true },
	[LSCD_DTLS_NO_MAC] = { "no MAC in the CN", LSCD_DTLS_CNT_IDENTITY, true },
	[LSCD_DTLS_MAC_MISMATCH] = { "MAC mismatch", LSCD_DTLS_CNT_IDENTITY, true },
	[LSCD_DTLS_KEY_PROOF] = { "key not proven", LSCD_DTLS_CNT_AUTHENTICATION, true },
	[LSCD_DTLS_PROTOCOL] = { "protocol", LSCD_DTLS_CNT_POLICY, false },
	[LSCD_DTLS_HANDSHAKE] = { "handshake", LSCD_DTLS_CNT_AUTHENTICATION, false },
	[LSCD_DTLS_TIMEOUT] = { "timeout", LSCD_DTLS_CNT_TIMEOUT, false },
	[LSCD_DTLS_NO_ETM] = { "CBC without encrypt-then-MAC", LSCD_DTLS_CNT_POLICY, false },
};

enum lscd_dtls_counter lscd_dtls_refusal_counter(enum lscd_dtls_refusal r)
{
	return r < __LSCD_DTLS_REFUSAL_MAX ? refusals[r].counter :
	       LSCD_DTLS_CNT_AUTHENTICATION;
}

bool lscd_dtls_refusal_is_auth_fail(enum lscd_dtls_refusal r)
{
	return r < __LSCD_DTLS_REFUSAL_MAX && refusals[r].auth_fail;
}

const char *lscd_dtls_refusal_name(enum lscd_dtls_refusal r)
{
	return r < __LSCD_DTLS_REFUSAL_MAX ? refusals[r].name : "unknown";
}

const char *lscd_dtls_counter_name(enum lscd_dtls_counter c)
{
	static const char *const names[__LSCD_DTLS_CNT_MAX] = {
		[LSCD_DTLS_CNT_AUTHENTICATION] = "authentication",
		[LSCD_DTLS_CNT_COOKIE] = "cookie",
		[LSCD_DTLS_CNT_TIMEOUT] = "timeout",
		[LSCD_DTLS_CNT_POLICY] = "policy",
		[LSCD_DTLS_CNT_IDENTITY] = "identity",
	};

	return c < __LSCD_DTLS_CNT_MAX ? names[c] : "unknown";
}

/* ---- EKU --------------------------------------------------------------- */

/* Windows' "IPSec (Offline request)" template: IKE intermediate. */
#define OID_IKE_INTERMEDIATE "1.3.6.1.5.5.8.2.2"

static bool eku_default_ok(const ASN1_OBJECT *o, enum lscd_dtls_role role)
{
	char oid[80];

	switch (OBJ_obj2nid(o)) {
	case NID_anyExtendedKeyUsage:
	case NID_ipsec_IKE:
		return true;
	case NID_capwapWTP:
	case NID_client_auth:
		return role == LSCD_DTLS_ROLE_WTP;
	case NID_capwapAC:
	case NID_server_auth:
		return role == LSCD_DTLS_ROLE_AC;
	}
	return OBJ_obj2txt(oid, sizeof(oid), o, 1) > 0 &&
	       !strcmp(oid, OID_IKE_INTERMEDIATE);
}

int lscd_dtls_eku_check(X509 *cert, enum lscd_dtls_role role,
			enum lscd_dtls_eku_mode mode, char *why, size_t size)
{
	int role_nid = role == LSCD_DTLS_ROLE_WTP ? NID_capwapWTP : NID_capwapAC;
	const char *role_name = role == LSCD_DTLS_ROLE_WTP ?
				"id-kp-capwapWTP" : "id-kp-capwapAC";
	EXTENDED_KEY_USAGE *eku;
	char list[160] = "", oid[80];
	size_t used = 0;
	bool ok = false;
	int i, crit;

	eku = X509_get_ext_d2i(cert, NID_ext_key_usage, &crit, NULL);
	if (!eku) {
		/* -1: absent; -2: present twice; else present but unparsable. */
		if (crit == -1 && mode == LSCD_DTLS_EKU_DEFAULT)
			return 0;
		if (crit == -1)
			snprintf(why, size, "no extended key usage; the strict RFC 5415 mode wants %s",
				 role_name);
		else
			snprintf(why, size, "the extended key usage extension does not parse");
		return -EPERM;
	}
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);

		if (mode == LSCD_DTLS_EKU_STRICT ? OBJ_obj2nid(o) == role_nid :
		    eku_default_ok(o, role))
			ok = true;
		if (OBJ_obj2txt(oid, sizeof(oid), o, 0) > 0 &&
		    used + strlen(oid) + 3 < sizeof(list))
			used += snprintf(list + used, sizeof(list) - used,
					 "%s%s", used ? ", " : "", oid);
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	if (ok)
		return 0;
	if (mode == LSCD_DTLS_EKU_STRICT)
		snprintf(why, size, "extended key usage (%s) lacks %s, which the strict RFC 5415 mode wants",
			 list, role_name);
	else
		snprintf(why, size, "extended key usage (%s) is not for a %s",
			 list, role == LSCD_DTLS_ROLE_WTP ? "WTP (AP)" : "controller");
	return -EPERM;
}

/* ---- The MAC in the CN --------------------------------------------------- */

#define CN_NAME_MAX 64

/* @cn is NUL-terminated, @len long, with no NUL inside. */
static int cn_text_mac(const char *cn, size_t len, uint8_t *mac)
{
	const char *dash;
	size_t i;

	/*
	 * The colon form only with its colons in place: lsc_hex_decode()
	 * skips colons anywhere, and a 17-character CN may as well be a
	 * name form with a 4-character name ("C702-0123456789ab").
	 */
	for (i = 0; len == 17 && i < len; i++)
		if ((cn[i] == ':') != (i % 3 == 2))
			break;
	if (len == 17 && i == len)
		return lsc_hex_decode(mac, CAPWAP_LSC_MAC_LEN, cn) ==
		       CAPWAP_LSC_MAC_LEN ? 0 : -EINVAL;
	dash = strrchr(cn, '-');
	if (!dash || dash == cn || dash - cn > CN_NAME_MAX ||
	    cn + len - dash - 1 != 2 * CAPWAP_LSC_MAC_LEN || strchr(dash, ':'))
		return -EINVAL;
	for (i = 0; cn + i < dash; i++)
		if (!(cn[i] >= '0' && cn[i] <= '9') &&
		    !(cn[i] >= 'a' && cn[i] <= 'z') &&
		    !(cn[i] >= 'A' && cn[i] <= 'Z') &&
		    cn[i] != '-' && cn[i] != '_')
			return -EINVAL;
	return lsc_hex_decode(mac, CAPWAP_LSC_MAC_LEN, dash + 1) ==
	       CAPWAP_LSC_MAC_LEN ? 0 : -EINVAL;
}

int lscd_dtls_cn_mac(X509 *cert, uint8_t mac[CAPWAP_LSC_MAC_LEN])
{
	const X509_NAME *n = X509_get_subject_name(cert);
	int at = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	int len, ret;

	if (at < 0 || X509_NAME_get_index_by_NID(n, NID_commonName, at) >= 0)
		return -EINVAL;
	len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
					  X509_NAME_get_entry(n, at)));
	if (len < 0)
		return -EINVAL;
	/* By length: a NUL inside the CN must not end it early. */
	ret = memchr(utf8, 0, len) ? -EINVAL :
	      cn_text_mac((const char *)utf8, len, mac);
	OPENSSL_free(utf8);
	return ret;
}

int lscd_dtls_spki_sha256(X509 *cert, uint8_t out[32])
{
	unsigned char *der = NULL;
	unsigned int mdlen = 0;
	int len, ok;

	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (len <= 0)
		return -EINVAL;
	ok = EVP_Digest(der, len, out, &mdlen, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return ok && mdlen == 32 ? 0 : -EIO;
}

/* ---- The policy ---------------------------------------------------------- */

struct lscd_dtls_policy *lscd_dtls_policy_new(void)
{
	struct lscd_dtls_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->mic_cas = sk_X509_new_null();
	p->lsc_chain = sk_X509_new_null();
	p->refs = 1;
	if (!p->mic_cas || !p->lsc_chain) {
		lscd_dtls_policy_put(p);
		return NULL;
	}
	p->accept[CAPWAP_LSC_CERT_MIC] = true;
	p->accept[CAPWAP_LSC_CERT_SSC] = true;
	p->accept[CAPWAP_LSC_CERT_LSC] = true;
	p->level = 2;
	return p;
}

struct lscd_dtls_policy *lscd_dtls_policy_get(struct lscd_dtls_policy *p)
{
	if (p)
		p->refs++;
	return p;
}

void lscd_dtls_policy_put(struct lscd_dtls_policy *p)
{
	if (!p || --p->refs)
		return;
	sk_X509_pop_free(p->mic_cas, X509_free);
	sk_X509_pop_free(p->lsc_chain, X509_free);
	X509_free(p->lsc_ca);
	free(p->ssc);
	free(p);
}

void lscd_dtls_policy_accept(struct lscd_dtls_policy *p, int type, bool on)
{
	if (type > CAPWAP_LSC_CERT_NONE && type < __CAPWAP_LSC_CERT_MAX)
		p->accept[type] = on;
}

void lscd_dtls_policy_eku(struct lscd_dtls_policy *p,
			  enum lscd_dtls_eku_mode mode)
{
	p->eku = mode;
}

void lscd_dtls_policy_security_level(struct lscd_dtls_policy *p, int level)
{
	p->level = level < 0 ? 0 : level > 5 ? 5 : level;
}

void lscd_dtls_policy_mic_sha1(struct lscd_dtls_policy *p, bool on)
{
	p->mic_sha1 = on;
}

static int push_ref(STACK_OF(X509) *sk, X509 *x)
{
	if (!X509_up_ref(x))
		return -ENOMEM;
	if (!sk_X509_push(sk, x)) {
		X509_free(x);
		return -ENOMEM;
	}
	return 0;
}

const char *lscd_dtls_mic_ca_refusal(X509 *x)
{
	uint32_t flags = X509_get_extension_flags(x);

	if (!(flags & EXFLAG_CA))
		return "no basicConstraints CA:TRUE";
	if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
		return "its keyUsage lacks keyCertSign";
	return NULL;
}

int lscd_dtls_policy_add_mic_ca(struct lscd_dtls_policy *p, X509 *ca)
{
	return push_ref(p->mic_cas, ca);
}

int lscd_dtls_policy_set_lsc_ca(struct lscd_dtls_policy *p, X509 *ca,
				STACK_OF(X509) *chain)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	int i;

	if (!sk || !X509_up_ref(ca)) {
		sk_X509_free(sk);
		return -ENOMEM;
	}
	for (i = 0; chain && i < sk_X509_num(chain); i++)
		if (push_ref(sk, sk_X509_value(chain, i))) {
			sk_X509_pop_free(sk, X509_free);
			X509_free(ca);
			return -ENOMEM;
		}
	sk_X509_pop_free(p->lsc_chain, X509_free);
	X509_free(p->lsc_ca);
	p->lsc_chain = sk;
	p->lsc_ca = ca;
	return 0;
}

int lscd_dtls_policy_add_ssc(struct lscd_dtls_policy *p,
			     const uint8_t mac[CAPWAP_LSC_MAC_LEN],
			     const uint8_t spki_sha256[32])
{
	struct ssc_entry *n = realloc(p->ssc, (p->nssc + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	memcpy(n[p->nssc].mac, mac, CAPWAP_LSC_MAC_LEN);
	memcpy(n[p->nssc].spki, spki_sha256, 32);
	p->ssc = n;
	p->nssc++;
	return 0;
}

/* ---- The verdict --------------------------------------------------------- */

static enum lscd_dtls_refusal refuse(struct lscd_dtls_verdict *v,
				     enum lscd_dtls_refusal r,
				     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum lscd_dtls_refusal refuse(struct lscd_dtls_verdict *v,
				     enum lscd_dtls_refusal r,
				     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
	v->refusal = r;
	return r;
}

static void name_of(const X509_NAME *n, char *out, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int len = 0;

	if (b && X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE) >= 0)
		len = BIO_read(b, out, size - 1);
	out[len > 0 ? len : 0] = 0;
	BIO_free(b);
}

/* Of a chain that did not verify: why, and whether it was time or strength. */
enum chain_result { CHAIN_OK, CHAIN_UNTRUSTED, CHAIN_EXPIRED, CHAIN_WEAK,
		    CHAIN_NOMEM };

/* The bits of security each of OpenSSL's levels wants (ssl_security_default_callback). */
static int level_bits(int level)
{
	static const int bits[] = { 0, 80, 112, 128, 192, 256 };

	return bits[level < 0 ? 0 : level > 5 ? 5 : level];
}

/*
 * lscd_dtls_policy_mic_sha1(): a signature too weak for the level is let
 * through when it is SHA-1's, and only then.
 */
static int take_sha1(int ok, X509_STORE_CTX *ctx)
{
	int mdnid = NID_undef;

	if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CA_MD_TOO_WEAK &&
	    X509_get_signature_info(X509_STORE_CTX_get_current_cert(ctx),
				    &mdnid, NULL, NULL, NULL) &&
	    mdnid == NID_sha1)
		return 1;
	return ok;
}

/*
 * Verifies @cert against @anchors (partial chains allowed: every anchor
 * is trusted as it is), with @untrusted and @extra as intermediates, at
 * the policy's security level (a context of our own gets none from the
 * SSL object: without it no key or digest would be too weak).  @sha1
 * takes SHA-1 signatures.  On
 * CHAIN_OK *chain holds the verified chain (leaf first).
 */
static enum chain_result verify_chain(const struct lscd_dtls_policy *p,
				      X509 *cert, STACK_OF(X509) *anchors,
				      STACK_OF(X509) *untrusted,
				      STACK_OF(X509) *extra, bool sha1, time_t now,
				      STACK_OF(X509) **chain, char *why,
				      size_t size)
{
	STACK_OF(X509) *inter = sk_X509_new_null();
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	enum chain_result res = CHAIN_NOMEM;
	int i, err;

	*chain = NULL;
	if (!inter || !store || !ctx)
		goto out;
	for (i = 0; i < sk_X509_num(anchors); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(anchors, i)))
			goto out;
	for (i = 0; untrusted && i < sk_X509_num(untrusted); i++)
		if (!sk_X509_push(inter, sk_X509_value(untrusted, i)))
			goto out;
	for (i = 0; extra && i < sk_X509_num(extra); i++)
		if (!sk_X509_push(inter, sk_X509_value(extra, i)))
			goto out;
	if (!X509_STORE_CTX_init(ctx, store, cert, inter))
		goto out;
	/* No purpose: the EKU is lscd_dtls_eku_check()'s. */
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN |
				 X509_V_FLAG_USE_CHECK_TIME);
	X509_STORE_CTX_set_time(ctx, 0, now);
	X509_VERIFY_PARAM_set_auth_level(X509_STORE_CTX_get0_param(ctx),
					 p->level);
	if (sha1)
		X509_STORE_CTX_set_verify_cb(ctx, take_sha1);
	if (X509_verify_cert(ctx) == 1) {
		*chain = X509_STORE_CTX_get1_chain(ctx);
		res = *chain ? CHAIN_OK : CHAIN_NOMEM;
		goto out;
	}
	err = X509_STORE_CTX_get_error(ctx);
	res = err == X509_V_ERR_CERT_HAS_EXPIRED ||
	      err == X509_V_ERR_CERT_NOT_YET_VALID ? CHAIN_EXPIRED :
	      err == X509_V_ERR_EE_KEY_TOO_SMALL ||
	      err == X509_V_ERR_CA_KEY_TOO_SMALL ||
	      err == X509_V_ERR_CA_MD_TOO_WEAK ? CHAIN_WEAK : CHAIN_UNTRUSTED;
	snprintf(why, size, "%s (depth %d%s)", X509_verify_cert_error_string(err),
		 X509_STORE_CTX_get_error_depth(ctx),
		 res == CHAIN_WEAK ? p->level == 2 ?
		 "; security level 2 wants RSA of 2048 bits, ECC of 224, no SHA-1 or MD5" :
		 "; below the security level" : "");
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(inter);
	ERR_clear_error();
	return res;
}

/* The root of the LSC CA's chain: the only anchor an LSC may reach. */
static X509 *lsc_root(const struct lscd_dtls_policy *p)
{
	int n = sk_X509_num(p->lsc_chain);

	return n > 0 ? sk_X509_value(p->lsc_chain, n - 1) : p->lsc_ca;
}

/*
 * 1 when @cert is an LSC: it chains to the LSC CA's root through the LSC
 * CA, which issued it.  0 when it is not, CHAIN_EXPIRED or CHAIN_WEAK
 * negated when it would be but its chain is out of its validity or below
 * the security level (@why says which).
 */
static int is_lsc(const struct lscd_dtls_policy *p, X509 *cert,
		  STACK_OF(X509) *untrusted, time_t now, char *why,
		  size_t size)
{
	STACK_OF(X509) *anchors, *chain = NULL, *extra;
	enum chain_result r;
	char issuer[128];
	int ret = 0;

	if (!p->lsc_ca)
		return 0;
	anchors = sk_X509_new_null();
	extra = sk_X509_dup(p->lsc_chain);
	if (!anchors || !extra || !sk_X509_push(anchors, lsc_root(p)) ||
	    !sk_X509_push(extra, p->lsc_ca)) {
		snprintf(why, size, "out of memory");
		goto out;
	}
	/* Only the root is an anchor: the LSC CA's own chain must hold. */
	r = verify_chain(p, cert, anchors, untrusted, extra, false, now, &chain,
			 why, size);
	if (r == CHAIN_EXPIRED || r == CHAIN_WEAK) {
		ret = -(int)r;
	} else if (r == CHAIN_OK) {
		/* chain[1] issued it; a sibling of the LSC CA is foreign. */
		if (sk_X509_num(chain) > 1 &&
		    !X509_cmp(sk_X509_value(chain, 1), p->lsc_ca)) {
			ret = 1;
		} else {
			name_of(X509_get_issuer_name(cert), issuer, sizeof(issuer));
			snprintf(why, size, "issued by %s, which is not the LSC CA but shares its root",
				 issuer);
		}
	}
out:
	sk_X509_pop_free(chain, X509_free);
	sk_X509_free(anchors);
	sk_X509_free(extra);
	return ret;
}

static int is_mic(const struct lscd_dtls_policy *p, X509 *cert,
		  STACK_OF(X509) *untrusted, time_t now, char *why,
		  size_t size)
{
	STACK_OF(X509) *chain = NULL;
	enum chain_result r;

	if (!sk_X509_num(p->mic_cas))
		return 0;
	r = verify_chain(p, cert, p->mic_cas, untrusted, NULL, p->mic_sha1, now,
			 &chain, why, size);
	sk_X509_pop_free(chain, X509_free);
	return r == CHAIN_OK ? 1 : r == CHAIN_EXPIRED || r == CHAIN_WEAK ?
	       -(int)r : 0;
}

bool lscd_dtls_is_self_signed(X509 *cert)
{
	return (X509_get_extension_flags(cert) & EXFLAG_SS) &&
	       X509_verify(cert, X509_get0_pubkey(cert)) == 1;
}

/*
 * The peer's own key, whatever its type: an SSC has no chain to check it,
 * and the reason is clearer here than in a chain's error.
 */
static enum lscd_dtls_refusal check_key(const struct lscd_dtls_policy *p,
					X509 *cert, const char *subject,
					struct lscd_dtls_verdict *v)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	int bits = key ? EVP_PKEY_get_security_bits(key) : 0;

	if (bits >= level_bits(p->level))
		return LSCD_DTLS_ACCEPTED;
	if (!key)
		return refuse(v, LSCD_DTLS_UNTRUSTED, "%s: its public key cannot be read",
			      subject);
	return refuse(v, LSCD_DTLS_WEAK,
		      "%s: its %s key of %d bits gives %d bits of security, below the %d of security level %d",
		      subject, EVP_PKEY_get0_type_name(key), EVP_PKEY_get_bits(key),
		      bits, level_bits(p->level), p->level);
}

/* An SSC's signature is its own: no chain check weighs its digest. */
static enum lscd_dtls_refusal check_self_signature(const struct lscd_dtls_policy *p,
						   X509 *cert,
						   const char *subject,
						   struct lscd_dtls_verdict *v)
{
	int mdnid = NID_undef, secbits = -1;

	if (X509_get_signature_info(cert, &mdnid, NULL, &secbits, NULL) &&
	    secbits >= level_bits(p->level))
		return LSCD_DTLS_ACCEPTED;
	return refuse(v, LSCD_DTLS_WEAK,
		      "%s: its self-signature (%s) gives %d bits of security, below the %d of security level %d",
		      subject, mdnid != NID_undef ? OBJ_nid2sn(mdnid) : "unknown digest",
		      secbits, level_bits(p->level), p->level);
}

static enum lscd_dtls_refusal check_ssc(const struct lscd_dtls_policy *p,
					X509 *cert,
					struct lscd_dtls_verdict *v)
{
	char mac[LSC_MAC_STR_LEN], hex[65];
	uint8_t spki[32];
	size_t i;

	if (lscd_dtls_spki_sha256(cert, spki))
		return refuse(v, LSCD_DTLS_UNTRUSTED, "the SSC's public key cannot be read");
	for (i = 0; i < p->nssc; i++)
		if (!memcmp(p->ssc[i].mac, v->mac, sizeof(v->mac)) &&
		    !CRYPTO_memcmp(p->ssc[i].spki, spki, sizeof(spki)))
			return LSCD_DTLS_ACCEPTED;
	lsc_mac_format(mac, v->mac);
	lsc_hex_encode(hex, spki, sizeof(spki));
	return refuse(v, LSCD_DTLS_SSC_UNLISTED,
		      "SSC key sha256:%s is not on the authorisation list for %s",
		      hex, mac);
}

enum lscd_dtls_refusal lscd_dtls_peer_verify(const struct lscd_dtls_policy *p,
					     X509 *cert,
					     STACK_OF(X509) *untrusted,
					     time_t now,
					     struct lscd_dtls_verdict *v)
{
	char subject[160], issuer[160], lsc_why[200] = "", mic_why[200] = "";
	uint32_t flags;
	int lsc, mic;

	memset(v, 0, sizeof(*v));
	if (!cert)
		return refuse(v, LSCD_DTLS_NO_CERT, "the peer sent no certificate");
	name_of(X509_get_subject_name(cert), subject, sizeof(subject));
	name_of(X509_get_issuer_name(cert), issuer, sizeof(issuer));
	flags = X509_get_extension_flags(cert);
	if (flags & EXFLAG_INVALID)
		return refuse(v, LSCD_DTLS_UNTRUSTED, "%s: the certificate's extensions do not parse",
			      subject);
	if (flags & EXFLAG_CA)
		return refuse(v, LSCD_DTLS_CA_CERT, "%s is a CA certificate (basicConstraints CA:TRUE)",
			      subject);
	if (X509_cmp_time(X509_get0_notAfter(cert), &now) <= 0)
		return refuse(v, LSCD_DTLS_EXPIRED, "%s expired", subject);
	if (X509_cmp_time(X509_get0_notBefore(cert), &now) >= 0)
		return refuse(v, LSCD_DTLS_EXPIRED, "%s is not valid yet", subject);
	v->has_mac = !lscd_dtls_cn_mac(cert, v->mac);
	if (check_key(p, cert, subject, v))
		return v->refusal;

	lsc = is_lsc(p, cert, untrusted, now, lsc_why, sizeof(lsc_why));
	mic = lsc ? 0 : is_mic(p, cert, untrusted, now, mic_why, sizeof(mic_why));
	if (lsc == -CHAIN_WEAK || mic == -CHAIN_WEAK)
		return refuse(v, LSCD_DTLS_WEAK, "%s: a key or signature of its chain is too weak: %s",
			      subject, lsc < 0 ? lsc_why : mic_why);
	if (lsc < 0 || mic < 0)
		return refuse(v, LSCD_DTLS_EXPIRED, "%s: a CA of its chain is out of its validity: %s",
			      subject, lsc < 0 ? lsc_why : mic_why);
	if (lsc)
		v->cert_type = CAPWAP_LSC_CERT_LSC;
	else if (mic)
		v->cert_type = CAPWAP_LSC_CERT_MIC;
	else if (lscd_dtls_is_self_signed(cert) &&
		 !check_self_signature(p, cert, subject, v))
		v->cert_type = CAPWAP_LSC_CERT_SSC;
	else if (v->refusal)
		return v->refusal;
	else
		return refuse(v, LSCD_DTLS_UNTRUSTED,
			      "%s, issued by %s, chains to neither the LSC CA nor a manufacturer CA%s%s",
			      subject, issuer, *lsc_why ? ": " : "", lsc_why);

	if (!p->accept[v->cert_type])
		return refuse(v, LSCD_DTLS_TYPE_OFF, "%s: %s certificates are not accepted%s",
			      subject, lsc_cert_type_name(v->cert_type),
			      p->accept[CAPWAP_LSC_CERT_LSC] &&
			      !p->accept[CAPWAP_LSC_CERT_MIC] &&
			      !p->accept[CAPWAP_LSC_CERT_SSC] ? " (LSC only)" : "");
	if ((flags & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE))
		return refuse(v, LSCD_DTLS_KEY_USAGE, "%s: its key usage does not allow digitalSignature, which the handshake needs",
			      subject);
	if (lscd_dtls_eku_check(cert, LSCD_DTLS_ROLE_WTP, p->eku, v->why,
				sizeof(v->why))) {
		v->refusal = LSCD_DTLS_EKU;
		return v->refusal;
	}
	if (!v->has_mac)
		return refuse(v, LSCD_DTLS_NO_MAC, "%s: the CN names no MAC (01:23:45:67:89:ab, C<model>-<mac> or <PID>-<mac>)",
			      subject);
	if (v->cert_type == CAPWAP_LSC_CERT_SSC)
		return check_ssc(p, cert, v);
	return LSCD_DTLS_ACCEPTED;
}

enum lscd_dtls_refusal lscd_dtls_peer_bind(struct lscd_dtls_verdict *v,
					   const uint8_t join_mac[CAPWAP_LSC_MAC_LEN])
{
	char cert_mac[LSC_MAC_STR_LEN], mac[LSC_MAC_STR_LEN];

	if (v->refusal)
		return v->refusal;
	if (!v->has_mac)
		return refuse(v, LSCD_DTLS_NO_MAC, "the certificate names no MAC");
	if (!memcmp(v->mac, join_mac, CAPWAP_LSC_MAC_LEN))
		return LSCD_DTLS_ACCEPTED;
	lsc_mac_format(cert_mac, v->mac);
	lsc_mac_format(mac, join_mac);
	return refuse(v, LSCD_DTLS_MAC_MISMATCH, "the Join's base MAC %s is not the certificate's %s",
		      mac, cert_mac);
}
