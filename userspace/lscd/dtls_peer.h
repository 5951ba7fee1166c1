/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may join over DTLS (issue 10, docs/PROTOCOL.md section 6.7): the
 * controller's verdict on the certificate an AP presents in its DTLS
 * handshake, and the later binding of that certificate to the MAC of the
 * AP's Join.  Pure functions over OpenSSL's X509 objects: the handshake's
 * verify callback (dtls_engine.c) calls lscd_dtls_peer_verify() in place
 * of OpenSSL's own chain check, whose default client purpose would refuse
 * an RFC 5415 certificate (EKU id-kp-capwapWTP without clientAuth).
 *
 * What decides:
 *   - an LSC chains to the root of the LSC CA, and its issuer is the LSC
 *     CA itself (another CA under the same root is foreign);
 *   - a MIC chains to one of the manufacturer CAs the operator installed
 *     (any of them, root or intermediate, is a trust anchor);
 *   - an SSC is self-signed, and the SHA-256 of its SubjectPublicKeyInfo
 *     is on the authorisation list for the MAC its CN names;
 *   - each of the three types is accepted only when the policy says so;
 *   - expired and not yet valid certificates (the peer's or a CA's in its
 *     chain) and CA certificates (basicConstraints CA:TRUE) are refused;
 *   - the extended key usage passes the policy's mode (below);
 *   - every key and every signature in the chain (an SSC's own key and
 *     self-signature) reaches the policy's security level (OpenSSL's
 *     levels; 2 by default: RSA and DH of 2048 bits or more, ECC of 224,
 *     no SHA-1 or MD5 signature), the trust anchor's own signature aside;
 *   - the CN names a MAC in one of the forms of lscd_dtls_cn_mac().
 */
#ifndef LSCD_DTLS_PEER_H
#define LSCD_DTLS_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <linux/capwap_lsc.h>
#include <openssl/x509.h>

/* Why a peer certificate was refused; 0 when it was accepted. */
enum lscd_dtls_refusal {
	LSCD_DTLS_ACCEPTED,
	LSCD_DTLS_NO_CERT,	/* the peer sent no certificate */
	LSCD_DTLS_UNTRUSTED,	/* chains to no CA configured for it */
	LSCD_DTLS_EXPIRED,	/* outside its validity, or a CA's in its chain */
	LSCD_DTLS_CA_CERT,	/* basicConstraints CA:TRUE */
	LSCD_DTLS_TYPE_OFF,	/* MIC, SSC or LSC, not accepted by the policy */
	LSCD_DTLS_SSC_UNLISTED,	/* an SSC whose key is not listed for its MAC */
	LSCD_DTLS_EKU,		/* extended key usage refused by the policy */
	LSCD_DTLS_KEY_USAGE,	/* keyUsage without digitalSignature */
	LSCD_DTLS_WEAK,		/* a key or a signature below the security level */
	LSCD_DTLS_NO_MAC,	/* the CN names no MAC in an accepted form */
	LSCD_DTLS_MAC_MISMATCH,	/* the certificate's MAC is not the Join's */
	LSCD_DTLS_KEY_PROOF,	/* the peer did not prove it holds the key */
	LSCD_DTLS_PROTOCOL,	/* DTLS 1.0, or no suite in common */
	LSCD_DTLS_HANDSHAKE,	/* any other handshake failure */
	LSCD_DTLS_TIMEOUT,	/* the peer stopped answering */
	LSCD_DTLS_NO_ETM,	/* CBC suites only, without encrypt-then-MAC */
	__LSCD_DTLS_REFUSAL_MAX
};

/*
 * The failure counters of issue 10 a refusal goes to.  Every refusal of
 * the peer's certificate or of its proof of the key is also one of RFC
 * 5415's DTLSAuthenticateFail events (FailedDTLSAuthFailCount).
 */
enum lscd_dtls_counter {
	LSCD_DTLS_CNT_AUTHENTICATION,
	LSCD_DTLS_CNT_COOKIE,
	LSCD_DTLS_CNT_TIMEOUT,
	LSCD_DTLS_CNT_POLICY,
	LSCD_DTLS_CNT_IDENTITY,
	__LSCD_DTLS_CNT_MAX
};

enum lscd_dtls_counter lscd_dtls_refusal_counter(enum lscd_dtls_refusal r);
/* True for the refusals RFC 5415 counts as DTLSAuthenticateFail. */
bool lscd_dtls_refusal_is_auth_fail(enum lscd_dtls_refusal r);
/* "expired", "identity", ...: a word for logs and counters. */
const char *lscd_dtls_refusal_name(enum lscd_dtls_refusal r);
const char *lscd_dtls_counter_name(enum lscd_dtls_counter c);

/*
 * EKU (RFC 5415 section 2.4.4.3).  DEFAULT takes what real CAs issue to
 * an AP: no EKU at all, or an EKU with anyExtendedKeyUsage, the role's
 * id-kp-capwapWTP / id-kp-capwapAC, ipsecIKE (1.3.6.1.5.5.7.3.17), the
 * IKE intermediate OID Windows' "IPSec (Offline request)" template
 * writes (1.3.6.1.5.5.8.2.2), or, for the WTP, clientAuth (step-ca's
 * serverAuth+clientAuth among them) and, for the AC, serverAuth.  STRICT
 * wants an EKU that holds the role's own OID.
 */
enum lscd_dtls_eku_mode {
	LSCD_DTLS_EKU_DEFAULT,
	LSCD_DTLS_EKU_STRICT,
};

enum lscd_dtls_role {
	LSCD_DTLS_ROLE_WTP,	/* the AP: DTLS client */
	LSCD_DTLS_ROLE_AC,	/* the controller: DTLS server */
};

/* 0, or -EPERM with the reason in @why. */
int lscd_dtls_eku_check(X509 *cert, enum lscd_dtls_role role,
			enum lscd_dtls_eku_mode mode, char *why, size_t size);

/*
 * The MAC a certificate's CN names, in one of these forms (hex digits in
 * either case, the whole CN, nothing before or after):
 *   01:23:45:67:89:ab     RFC 5415 section 2.4.4.3
 *   <name>-0123456789ab   Cisco's C<model>-<mac> (SSC, LSC) and
 *                         <PID>-<mac> (MIC): exactly 12 hex digits after
 *                         the last '-', and before it a name of 1 to 64
 *                         letters, digits, '-' and '_' (e.g.
 *                         "C1262-f866f267577e", "AIR-AP1852I-E-K9-...").
 * A CN of another form, several CNs, or none: -EINVAL.
 */
int lscd_dtls_cn_mac(X509 *cert, uint8_t mac[CAPWAP_LSC_MAC_LEN]);

/* Signed by its own key, as an SSC is (the test the verdict puts it to). */
bool lscd_dtls_is_self_signed(X509 *cert);

/* The SHA-256 of a certificate's DER SubjectPublicKeyInfo. */
int lscd_dtls_spki_sha256(X509 *cert, uint8_t out[32]);

struct lscd_dtls_policy;

/*
 * Accepts MIC, SSC and LSC, EKU DEFAULT, no CA and an empty list; one
 * reference.  A policy is built, then only read: the handshake engine
 * takes a reference for every association, so that a handshake under
 * way finishes under the policy it started with while a new policy
 * judges the new ones; the last reference frees it.  Single-threaded,
 * as lscd is.
 */
struct lscd_dtls_policy *lscd_dtls_policy_new(void);
/* Another reference: @p. */
struct lscd_dtls_policy *lscd_dtls_policy_get(struct lscd_dtls_policy *p);
/* Drops a reference; NULL does nothing. */
void lscd_dtls_policy_put(struct lscd_dtls_policy *p);
/* Accept (or not) certificates of @type (enum capwap_lsc_cert_type). */
void lscd_dtls_policy_accept(struct lscd_dtls_policy *p, int type, bool on);
void lscd_dtls_policy_eku(struct lscd_dtls_policy *p,
			  enum lscd_dtls_eku_mode mode);
/*
 * Why @x may not be a manufacturer CA, or NULL when it may: a trust anchor
 * for MICs must be a CA (basicConstraints CA:TRUE, and keyCertSign when
 * it has a keyUsage).  An AP's own certificate taken as one would let
 * anyone holding it, or a certificate it signed, join as a MIC.
 */
const char *lscd_dtls_mic_ca_refusal(X509 *x);
/* A manufacturer CA (root or intermediate): 0 or -errno. */
int lscd_dtls_policy_add_mic_ca(struct lscd_dtls_policy *p, X509 *ca);
/*
 * The LSC CA, and the certificates above it up to and including its root
 * (none when the LSC CA is a root itself).  Replaces the previous one.
 */
int lscd_dtls_policy_set_lsc_ca(struct lscd_dtls_policy *p, X509 *ca,
				STACK_OF(X509) *chain);
/*
 * The security level keys and signatures must reach (OpenSSL's 0 to 5,
 * as SSL_CTX_set_security_level()); 2 unless set.
 */
void lscd_dtls_policy_security_level(struct lscd_dtls_policy *p, int level);
/*
 * Take SHA-1 signatures in a MIC's chain, and there only: APs made before
 * about 2017 carry MICs that their manufacturer CA signed with SHA-1 and
 * cannot be given others.  Off by default; keys must still reach the
 * level, and an LSC or SSC signed with SHA-1 is still refused.
 */
void lscd_dtls_policy_mic_sha1(struct lscd_dtls_policy *p, bool on);
/* An SSC's key, authorised for the AP of @mac. */
int lscd_dtls_policy_add_ssc(struct lscd_dtls_policy *p,
			     const uint8_t mac[CAPWAP_LSC_MAC_LEN],
			     const uint8_t spki_sha256[32]);

#define LSCD_DTLS_WHY_LEN 256

struct lscd_dtls_verdict {
	enum lscd_dtls_refusal refusal;
	int cert_type;		/* enum capwap_lsc_cert_type, NONE if unknown */
	bool has_mac;
	uint8_t mac[CAPWAP_LSC_MAC_LEN];	/* named by the CN */
	char why[LSCD_DTLS_WHY_LEN];	/* the reason, in words */
};

/*
 * The handshake's verdict on the AP's certificate @cert, with the
 * certificates it sent along (@untrusted, may be NULL), at time @now.
 * Fills @v and returns its refusal (0: accepted).  @cert NULL is
 * LSCD_DTLS_NO_CERT.
 */
enum lscd_dtls_refusal lscd_dtls_peer_verify(const struct lscd_dtls_policy *p,
					     X509 *cert,
					     STACK_OF(X509) *untrusted,
					     time_t now,
					     struct lscd_dtls_verdict *v);

/*
 * At the AP's Join: its WTP Board Data base MAC must be the MAC of the
 * certificate the session was authenticated with.  Updates @v (refusal
 * LSCD_DTLS_MAC_MISMATCH and why) and returns its refusal.
 */
enum lscd_dtls_refusal lscd_dtls_peer_bind(struct lscd_dtls_verdict *v,
					   const uint8_t join_mac[CAPWAP_LSC_MAC_LEN]);

#endif /* LSCD_DTLS_PEER_H */
