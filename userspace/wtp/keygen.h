/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key generation, CSR signing and LSC installation off the event loop:
 * an RSA-2048 key takes 0.1-0.7 s and an install three fsyncs, which on
 * the loop thread would stall every other AP's timers.  Workers take jobs from a queue and hand them back through a
 * pipe the loop watches.  Keys can also come pre-generated from a
 * directory (NNNN.key), so a benchmark measures the controller, not us.
 */
#ifndef WTP_KEYGEN_H
#define WTP_KEYGEN_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "loop.h"
#include "lsc.h"

/* CERT_PARAMS with its subject strings and challenge copied out of the packet. */
struct wtp_params {
	struct capwap_lsc_cert_params p;
	uint8_t text[__CAPWAP_LSC_SUBJ_A_LAST][CAPWAP_LSC_MAX_SUBJECT_LEN];
	uint8_t challenge[CAPWAP_LSC_MAX_CHALLENGE_LEN];
};

void wtp_params_copy(struct wtp_params *dst,
		     const struct capwap_lsc_cert_params *src);

enum wtp_job_kind {
	WTP_JOB_KEY,		/* key (or pre-generated one) and CSR */
	WTP_JOB_INSTALL,	/* write a checked LSC to the state dir */
};

struct wtp_keyjob {
	/* filled by the submitter */
	enum wtp_job_kind kind;
	struct wtp_params params;
	struct wtp_identity id;
	char key_file[4096];	/* pre-generated key to try first, or "" */
	EVP_PKEY *pending;	/* key of a request never answered, or NULL */
	bool corrupt;		/* damage the CSR's signature on purpose */
	void (*done)(struct wtp_keyjob *job);
	void *owner;
	/* WTP_JOB_INSTALL: what to write where (key travels in ->key) */
	char dir[PATH_MAX];
	X509 *cert;
	STACK_OF(X509) *cas;
	bool renewal;		/* replaces an LSC in use: keep its root */
	int install_err;
	uint64_t install_us;
	/* filled by the worker */
	EVP_PKEY *key;
	uint8_t *csr;		/* OPENSSL_malloc'd DER */
	size_t csr_len;
	uint64_t keygen_us;	/* generating (or loading) the key */
	uint64_t csr_us;
	bool pregenerated;
	char err[256];
	struct wtp_keyjob *next;
};

struct wtp_keypool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct wtp_keyjob *head, *tail;
	pthread_t *threads;
	int nthreads;
	bool quit;
	int pipe[2];
	struct wtp_io io;
};

int wtp_keypool_start(struct wtp_keypool *kp, struct wtp_loop *l, int threads);
void wtp_keypool_stop(struct wtp_keypool *kp, struct wtp_loop *l);
void wtp_keypool_submit(struct wtp_keypool *kp, struct wtp_keyjob *job);
/* Runs @job on the calling thread, as a worker would. */
void wtp_keyjob_run(struct wtp_keyjob *job);
void wtp_keyjob_clear(struct wtp_keyjob *job);

/* `lsc-wtp genkeys`: @count keys DIR/0000.key... on every CPU. */
int wtp_genkeys(const char *dir, int count, uint8_t key_type, uint16_t bits);

#endif /* WTP_KEYGEN_H */
