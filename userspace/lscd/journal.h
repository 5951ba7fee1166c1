/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_JOURNAL_H
#define LSCD_JOURNAL_H

/*
 * The enrollment journal: one small text file per kernel request under
 * STATE_DIR/journal, named <request id>-<first 16 hex of the CSR's
 * SHA-256>.txn, replaced atomically (temp file, fsync, rename, fsync of
 * the directory) at every state change, removed once the kernel took the
 * result.
 *
 * Why one file per transaction rather than an append-only log: each
 * transaction only ever needs its latest state, so a replace-by-rename
 * leaves exactly that and nothing to compact; a crash in the middle of a
 * write leaves the previous version intact; and transactions that finish
 * in any order delete their own file instead of leaving holes in a log.
 * The cost (two fsyncs per change, a handful of changes per enrollment) is
 * far below one SCEP round trip.
 *
 * A request is matched after a restart by request id and CSR hash: the
 * kernel numbers requests from 1 again when the module is reloaded, so
 * the id alone could name another AP's request.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <linux/capwap_lsc.h>
#include <openssl/x509.h>

enum lscd_jstate {
	LSCD_J_ACCEPTED,	/* nothing sent yet; in memory only: entries start at SENT */
	LSCD_J_SENT,		/* PKCSReq went out; its reply was not seen */
	LSCD_J_PENDING,		/* the CA answered PENDING: CertPoll */
	LSCD_J_ISSUED,		/* certificate issued and checked */
	LSCD_J_FAILED,		/* result and reason final */
	__LSCD_J_MAX
};

struct lscd_jentry {
	uint64_t request_id;
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	bool renewal;
	char csr_sha256[65];
	uint8_t *csr;
	size_t csr_len;
	char transaction_id[65];
	enum lscd_jstate state;
	int result;			/* enum capwap_lsc_result */
	char reason[CAPWAP_LSC_MAX_REASON_LEN + 1];
	uint8_t *cert;			/* DER, when ISSUED */
	size_t cert_len;
	time_t created;
	time_t updated;
	/*
	 * In memory only: when the module took this certificate (0: not
	 * yet), and lscd's count of module loads then.
	 */
	time_t delivered;
	unsigned int kgen;
};

const char *lscd_jstate_name(enum lscd_jstate s);
/* Hex SHA-256 of a DER CSR. */
int lscd_csr_hash(const uint8_t *csr, size_t len, char hex[65]);
/*
 * Hex SHA-256 of a DER CSR's public key and subject: what makes two
 * requests one.  Not the CSR's bytes: an AP that asks again with the same
 * key signs a new CSR, and an ECDSA signature differs at every signing.
 */
int lscd_csr_identity(const uint8_t *csr, size_t len, char hex[65]);
/*
 * Whether the certificate e holds answers the DER request csr from the AP
 * mac: e is ISSUED, for that AP, for the same key and subject; its
 * certificate carries that key, is valid at now, and was issued by
 * issuer.  0, or a negative errno and why in words.
 */
int lscd_jentry_answers(const struct lscd_jentry *e, const uint8_t *mac,
			const uint8_t *csr, size_t len, X509 *issuer,
			time_t now, char *why, size_t size);

/* Text form; lscd_journal_parse is its inverse. */
char *lscd_journal_format(const struct lscd_jentry *e);
int lscd_journal_parse(const char *text, struct lscd_jentry *e);
void lscd_jentry_release(struct lscd_jentry *e);

/* dir is STATE_DIR/journal, created 0700 by lscd_journal_init. */
int lscd_journal_init(const char *state_dir, char **dir);
int lscd_journal_write(const char *dir, struct lscd_jentry *e);
int lscd_journal_remove(const char *dir, const struct lscd_jentry *e);
/*
 * Every readable entry.  Unreadable ones are renamed to <name>.bad (logged)
 * and counted in *bad; temporary files a crash left mid-write are removed.
 */
int lscd_journal_load(const char *dir, struct lscd_jentry **entries,
		      size_t *n, unsigned int *bad);

#endif /* LSCD_JOURNAL_H */
