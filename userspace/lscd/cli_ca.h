/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "lscd getca" and "lscd enroll" share: the options that name and
 * reach the CA, and the certificates they write under --out.
 */
#ifndef LSCD_CLI_CA_H
#define LSCD_CLI_CA_H

#include <getopt.h>
#include <stdbool.h>

#include <openssl/x509.h>

#include "cafetch.h"
#include "http.h"

struct lscd_ca_opts {
	const char *url;
	const char *fingerprint;	/* --fingerprint, or --ca-file's */
	char pin[65];
	struct lscd_ca_policy pol;
	const char *out_dir;
	bool trace;
	struct lsc_http_cfg http;
};

enum {
	LSCD_OPT_CA_BUNDLE = 0x100,
	LSCD_OPT_PINNED_PUBKEY,
	LSCD_OPT_CONNECT_TIMEOUT,
	LSCD_OPT_TIMEOUT,
	LSCD_OPT_RETRIES,
	LSCD_OPT_RETRY_DELAY,
	LSCD_OPT_CA_FILE,
	LSCD_OPT_CA_ROOT,
	LSCD_OPT_MIN_CIPHER,
	LSCD_OPT_MIN_DIGEST,
	/* Each command's own options number from here. */
	LSCD_OPT_CMD,
};

#define LSCD_CA_LONGOPTS \
	{ "url", required_argument, NULL, 'u' }, \
	{ "fingerprint", required_argument, NULL, 'f' }, \
	{ "out", required_argument, NULL, 'o' }, \
	{ "trace", no_argument, NULL, 't' }, \
	{ "ca-bundle", required_argument, NULL, LSCD_OPT_CA_BUNDLE }, \
	{ "pinned-pubkey", required_argument, NULL, LSCD_OPT_PINNED_PUBKEY }, \
	{ "connect-timeout", required_argument, NULL, LSCD_OPT_CONNECT_TIMEOUT }, \
	{ "timeout", required_argument, NULL, LSCD_OPT_TIMEOUT }, \
	{ "retries", required_argument, NULL, LSCD_OPT_RETRIES }, \
	{ "retry-delay", required_argument, NULL, LSCD_OPT_RETRY_DELAY }, \
	{ "ca-file", required_argument, NULL, LSCD_OPT_CA_FILE }, \
	{ "ca-root", required_argument, NULL, LSCD_OPT_CA_ROOT }, \
	{ "min-cipher", required_argument, NULL, LSCD_OPT_MIN_CIPHER }, \
	{ "min-digest", required_argument, NULL, LSCD_OPT_MIN_DIGEST }, \
	{ "help", no_argument, NULL, 'h' }

#define LSCD_CA_USAGE \
	"  --url URL             SCEP URL of the CA, e.g. http://ca.example/scep\n" \
	"  --fingerprint HEX     refuse a CA certificate whose SHA-256 differs\n" \
	"                        (the issuing CA's; case and colons do not matter)\n" \
	"  --ca-file FILE        the same, the CA certificate given as PEM\n" \
	"  --ca-root FILE        root CA(s), PEM, when GetCACert lacks the root\n" \
	"  --min-cipher C        weakest cipher for requests: aes128 (default), des3\n" \
	"  --min-digest D        weakest digest: sha256 (default), sha1, sha512\n" \
	"  --out DIR             where to write certificates\n" \
	"  --trace               SCEP trace on stderr (like debug pki scep)\n" \
	"  --ca-bundle FILE      CA certificates for an https URL\n" \
	"  --pinned-pubkey SPEC  pin the https server key (curl syntax:\n" \
	"                        FILE or sha256//BASE64[;sha256//...])\n" \
	"  --connect-timeout S   TCP/TLS connect timeout, seconds (5)\n" \
	"  --timeout S           whole-request timeout, seconds (30)\n" \
	"  --retries N           extra attempts when the CA is unreachable (3)\n" \
	"  --retry-delay S       first back-off between attempts, doubling (0.5)\n" \
	"Proxies come from http_proxy/https_proxy/no_proxy, as curl reads them.\n"

void lscd_ca_opts_init(struct lscd_ca_opts *o);
/* 1 when c was a CA option, 0 if not, -1 on a bad value (said why). */
int lscd_ca_opt(struct lscd_ca_opts *o, int c, const char *arg);
/* DIR/NAME with first and rest as PEM; says why on failure. */
int lscd_write_pem(const char *dir, const char *name, X509 *first,
		   const STACK_OF(X509) *rest);
/* DIR is a directory we can create files in; says why not. */
int lscd_check_out_dir(const char *dir);

#endif /* LSCD_CLI_CA_H */
