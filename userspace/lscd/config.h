/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_CONFIG_H
#define LSCD_CONFIG_H

/*
 * lscd.conf: "key = value" lines, '#' starts a comment, blank lines are
 * ignored.  Every key is documented in dist/lscd.conf.  Command-line
 * overrides go through lscd_config_set with the same keys, so a reload
 * re-reads the file and then applies them again.
 */

#include <stdbool.h>
#include <stddef.h>

#include <linux/capwap_lsc.h>

#include "scep_txn.h"

#define LSCD_DEFAULT_CONFIG "/etc/capwap-lsc/lscd.conf"
#define LSCD_DEFAULT_STATE_DIR "/var/lib/capwap-lsc"
/* lscd.conf may be no larger; lscctl, editing it, keeps to it too. */
#define LSCD_CONFIG_MAX_LEN (256 * 1024)

struct lscd_config;
/* The challenge the APs put into their requests: "" for none. */
const char *lscd_config_ap_challenge(const struct lscd_config *c);

struct lscd_config {
	char *ca_url;
	char *ca_fingerprint;		/* hex SHA-256 of the CA certificate */
	char *ca_bundle;		/* https trust anchors */
	char *ca_pinned_pubkey;		/* curl CURLOPT_PINNEDPUBLICKEY */
	char *challenge;		/* put into the controller's own CSR */
	/* for the APs' CSRs, through the kernel; NULL: the challenge above */
	char *ap_challenge;
	bool ap_challenge_set;		/* ap_challenge given, even empty */
	char *controller_cn;		/* default: the host name */
	char *subject[CAPWAP_LSC_SUBJ_A_MAX + 1];
	unsigned int key_type;		/* enum capwap_lsc_key_type */
	unsigned int key_bits;
	/* RSA floor for AP keys; EC keys need P-256 unless it is below 2048 */
	unsigned int min_ap_key_bits;
	bool csr_allow_extensions;	/* forward an AP's extensionRequest */
	/* DTLS (docs/PROTOCOL.md section 6): what the relay's verdict uses */
	char *mic_ca_file;		/* PEM manufacturer CAs */
	char *ssc_allow_file;		/* "MAC SHA-256-of-SPKI" lines */
	char *dtls_suites;		/* OpenSSL syntax; NULL: AES-GCM ones */
	unsigned int dtls_accept;	/* bit per enum capwap_lsc_cert_type */
	bool dtls_eku_strict;
	int dtls_security_level;	/* OpenSSL's 0 to 5 */
	/* a handshake's deadline from its cookie: RFC 5415's WaitDTLS */
	unsigned int dtls_handshake_timeout_ms;
	/* The controller's DTLS certificate in place of its LSC, when set. */
	char *dtls_cert_file;
	char *dtls_key_file;
	char *ca_root;			/* PEM root(s) when GetCACert lacks it */
	unsigned int min_cipher;	/* enum scep_alg_rank */
	unsigned int min_digest;	/* enum scep_alg_rank */
	unsigned int max_concurrent;	/* requests in flight to the CA */
	unsigned int accept_backlog;	/* requests taken from the kernel */
	struct scep_poll_policy poll;
	unsigned int connect_timeout_ms;
	unsigned int timeout_ms;
	unsigned int retries;
	unsigned int retry_initial_ms;
	unsigned int retry_max_ms;
	unsigned int ca_retry_ms;	/* next GetCACert after a failed one */
	/* GetCACert (and GetNextCACert) again while a CA is in use; 0: never */
	unsigned int ca_refresh_ms;
	unsigned int renew_days;
	unsigned int renew_stagger_days;
	unsigned int renew_check_ms;
	unsigned int drain_timeout_ms;
	char *state_dir;
	bool trace;
	bool use_get;
	bool verbose;
	char why[192];			/* what the last lscd_config_set refused, if told */
};

void lscd_config_defaults(struct lscd_config *c);
void lscd_config_free(struct lscd_config *c);
/*
 * One key; -ENOENT for an unknown key, -EINVAL for a bad value, or for
 * challenge_file and ap_challenge_file the errno of reading the file,
 * with why set.
 */
int lscd_config_set(struct lscd_config *c, const char *key, const char *value);
/* Whole text; on error err says which line and why. */
int lscd_config_parse(struct lscd_config *c, const char *text, char *err,
		      size_t errlen);
/* A missing file is not an error when missing_ok. */
int lscd_config_load(struct lscd_config *c, const char *path, bool missing_ok,
		     char *err, size_t errlen);

#endif /* LSCD_CONFIG_H */
