/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One SCEP (RFC 8894) enrollment as a transaction that never does I/O
 * itself.  A caller (scep_job.c, for the daemon and "lscd enroll") asks
 * it for its next HTTP request, sends it however it likes, and hands the
 * reply back; the transaction answers with its new state:
 *
 *   scep_txn_new()                  state SEND
 *   loop:
 *     scep_txn_next_request()       PKCSReq / RenewalReq, later CertPoll
 *                                   state AWAIT_REPLY (resend the same
 *                                   request on transport errors)
 *     ... HTTP ...
 *     scep_txn_handle_reply()       -> ISSUED      scep_txn_cert()
 *                                   -> FAILED      scep_txn_status()
 *                                   -> POLL_WAIT   wait scep_txn_poll_delay_ms()
 *                                                  then state is SEND again
 *   transport gave up: scep_txn_fail(NO_RESPONSE, ...)
 *
 * Everything is reentrant: a transaction only reads its CA and signer, which
 * many transactions may share across threads.
 */
#ifndef LSCD_SCEP_TXN_H
#define LSCD_SCEP_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include <linux/capwap_lsc.h>

#include "scep_ca.h"
#include "scep_signer.h"

enum scep_txn_state {
	SCEP_TXN_SEND,		/* a request is due now */
	SCEP_TXN_AWAIT_REPLY,	/* a request went out; its reply is awaited */
	SCEP_TXN_POLL_WAIT,	/* PENDING: poll after scep_txn_poll_delay_ms() */
	SCEP_TXN_ISSUED,	/* certificate issued and checked */
	SCEP_TXN_FAILED,	/* scep_txn_status() tells result and reason */
};

/* Transaction flags. */
enum scep_txn_flag {
	SCEP_TXN_F_RENEWAL = 1U << 0,	/* RenewalReq when the CA has "Renewal" */
	SCEP_TXN_F_TRACE = 1U << 1,	/* debug pki scep style trace */
	SCEP_TXN_F_GET = 1U << 2,	/* GET even when POSTPKIOperation is offered */
	/* The request went out before a restart and was left PENDING: poll. */
	SCEP_TXN_F_RESUME_POLL = 1U << 3,
};

/* Back-off between CertPoll messages while the CA answers PENDING. */
struct scep_poll_policy {
	unsigned int initial_ms;
	double factor;
	unsigned int max_interval_ms;
	unsigned int max_total_ms;	/* then TIMEOUT_CA_SIGNING */
};

/* A snapshot of a transaction, for the journal and status output. */
struct scep_txn_status {
	enum scep_txn_state state;
	char transaction_id[65];	/* hex SHA-256 of the request's key */
	char sender_nonce[33];		/* hex, of the last message sent */
	int last_msg_type;		/* enum scep_msg_type sent last, or 0 */
	int last_pki_status;		/* last CertRep's, or -1 */
	int last_fail_info;		/* last CertRep's, or -1 */
	unsigned int polls;		/* CertPoll messages sent */
	enum capwap_lsc_result result;
	const char *reason;		/* valid while the transaction lives */
};

struct scep_txn;

/* An HTTP request a transaction wants sent; release with scep_request_free. */
struct scep_request {
	bool post;
	char *url;
	uint8_t *body;			/* POST body, else NULL */
	size_t len;
	const char *content_type;	/* of the POST body */
	const char *operation;		/* "PKIOperation", for traces */
};

const char *scep_txn_state_name(enum scep_txn_state state);

/* The transaction holds references to ca and to signer's key and cert. */
struct scep_txn *scep_txn_new(struct scep_ca *ca,
			      const struct scep_signer *signer,
			      const uint8_t *csr_der, size_t csr_len,
			      unsigned int flags,
			      const struct scep_poll_policy *poll,
			      const char *tag, int *err);
/*
 * The same with the request already parsed (and checked) by the caller,
 * which saves decoding its public key again: the transaction takes req,
 * also when it fails.
 */
struct scep_txn *scep_txn_new_req(struct scep_ca *ca,
				  const struct scep_signer *signer,
				  X509_REQ *req, unsigned int flags,
				  const struct scep_poll_policy *poll,
				  const char *tag, int *err);
void scep_txn_free(struct scep_txn *txn);
int scep_txn_next_request(struct scep_txn *txn, struct scep_request *req);
/*
 * The request to send now: req itself when it is already built (a
 * transport retry resends the very same message, same nonce), else the
 * transaction's next one.  Returns 1 when it built a new request, 0 for a
 * retry, or a negative errno with the transaction failed.
 */
int scep_txn_ensure_request(struct scep_txn *t, struct scep_request *req);
void scep_request_free(struct scep_request *req);
enum scep_txn_state scep_txn_handle_reply(struct scep_txn *txn,
					  long http_status,
					  const char *content_type,
					  const uint8_t *body, size_t len);
enum scep_txn_state scep_txn_fail(struct scep_txn *txn,
				  enum capwap_lsc_result result,
				  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum scep_txn_state scep_txn_state(const struct scep_txn *txn);
unsigned int scep_txn_poll_delay_ms(const struct scep_txn *txn);
bool scep_txn_poll_before_resend(struct scep_txn *txn);
void scep_txn_status(const struct scep_txn *txn, struct scep_txn_status *st);
X509 *scep_txn_cert(const struct scep_txn *txn);
/* The CA this transaction talks to, and its chain for the APs. */
struct scep_ca *scep_txn_ca(const struct scep_txn *txn);
X509_REQ *scep_txn_csr(const struct scep_txn *txn);

#endif /* LSCD_SCEP_TXN_H */
