// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>

#include "clock.h"
#include "keygen.h"
#include "log.h"
#include "pem.h"
#include "store.h"

void wtp_params_copy(struct wtp_params *dst,
		     const struct capwap_lsc_cert_params *src)
{
	int i;

	dst->p = *src;
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++) {
		if (!src->subject[i])
			continue;
		memcpy(dst->text[i], src->subject[i], src->subject_len[i]);
		dst->p.subject[i] = dst->text[i];
	}
	if (src->challenge) {
		memcpy(dst->challenge, src->challenge, src->challenge_len);
		dst->p.challenge = dst->challenge;
	}
}

static EVP_PKEY *pregenerated(struct wtp_keyjob *job)
{
	EVP_PKEY *key;

	if (!job->key_file[0])
		return NULL;
	key = wtp_store_read_key(job->key_file);
	ERR_clear_error();
	if (key && wtp_key_matches(key, job->params.p.key_type,
				   job->params.p.key_bits))
		return key;
	EVP_PKEY_free(key);
	return NULL;
}

static void install_run(struct wtp_keyjob *job)
{
	uint64_t t0 = lsc_now_us();

	job->install_err = wtp_store_install_lsc(job->dir, job->key, job->cert, job->renewal,
						 job->cas);
	job->install_us = lsc_now_us() - t0;
}

void wtp_keyjob_run(struct wtp_keyjob *job)
{
	uint64_t t0 = lsc_now_us(), t1;

	if (job->kind == WTP_JOB_INSTALL) {
		install_run(job);
		return;
	}
	/*
	 * A request never answered is asked again with its key: the
	 * controller may hold the certificate the CA issued for it, and a new
	 * key would make the CA issue another.
	 */
	if (job->pending && wtp_key_matches(job->pending, job->params.p.key_type,
					    job->params.p.key_bits)) {
		job->key = job->pending;
		job->pending = NULL;
	} else {
		job->key = pregenerated(job);
	}
	job->pregenerated = job->key != NULL;
	if (!job->key)
		job->key = wtp_keygen(job->params.p.key_type,
				      job->params.p.key_bits);
	t1 = lsc_now_us();
	job->keygen_us = t1 - t0;
	if (!job->key) {
		snprintf(job->err, sizeof(job->err), "key generation: %s",
			 wtp_ssl_error());
		return;
	}
	if (wtp_csr_build(job->key, &job->params.p, &job->id, &job->csr,
			  &job->csr_len)) {
		snprintf(job->err, sizeof(job->err), "CSR: %s", wtp_ssl_error());
		return;
	}
	/* The last byte is the signature's: the CSR still parses, but fails. */
	if (job->corrupt)
		job->csr[job->csr_len - 1] ^= 0x5a;
	job->csr_us = lsc_now_us() - t1;
}

void wtp_keyjob_clear(struct wtp_keyjob *job)
{
	EVP_PKEY_free(job->pending);
	job->pending = NULL;
	EVP_PKEY_free(job->key);
	OPENSSL_free(job->csr);
	X509_free(job->cert);
	sk_X509_pop_free(job->cas, X509_free);
	job->key = NULL;
	job->csr = NULL;
	job->cert = NULL;
	job->cas = NULL;
	job->install_err = 0;
	job->csr_len = 0;
	job->err[0] = '\0';
}

static void *worker(void *arg)
{
	struct wtp_keypool *kp = arg;
	struct wtp_keyjob *job;

	for (;;) {
		pthread_mutex_lock(&kp->lock);
		while (!kp->head && !kp->quit)
			pthread_cond_wait(&kp->cond, &kp->lock);
		if (kp->quit) {
			pthread_mutex_unlock(&kp->lock);
			return NULL;
		}
		job = kp->head;
		kp->head = job->next;
		if (!kp->head)
			kp->tail = NULL;
		pthread_mutex_unlock(&kp->lock);
		wtp_keyjob_run(job);
		/* A pointer is 8 bytes, far below PIPE_BUF: writes stay whole. */
		if (write(kp->pipe[1], &job, sizeof(job)) != sizeof(job))
			lsc_err("key worker: lost a job: %s", strerror(errno));
	}
}

static void pool_ready(struct wtp_io *io)
{
	struct wtp_keypool *kp = (struct wtp_keypool *)((char *)io -
					offsetof(struct wtp_keypool, io));
	struct wtp_keyjob *jobs[64];
	ssize_t n;
	size_t i;

	n = read(kp->pipe[0], jobs, sizeof(jobs));
	for (i = 0; n > 0 && i < (size_t)n / sizeof(jobs[0]); i++)
		jobs[i]->done(jobs[i]);
}

int wtp_keypool_start(struct wtp_keypool *kp, struct wtp_loop *l, int threads)
{
	int i;

	memset(kp, 0, sizeof(*kp));
	pthread_mutex_init(&kp->lock, NULL);
	pthread_cond_init(&kp->cond, NULL);
	if (pipe2(kp->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	/* Workers block on a full pipe rather than drop a finished job. */
	fcntl(kp->pipe[1], F_SETFL, 0);
	kp->io.fd = kp->pipe[0];
	kp->io.ready = pool_ready;
	if (wtp_loop_add(l, &kp->io))
		return -errno;
	kp->threads = calloc(threads, sizeof(*kp->threads));
	if (!kp->threads)
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		if (pthread_create(&kp->threads[i], NULL, worker, kp))
			break;
		kp->nthreads++;
	}
	return kp->nthreads ? 0 : -EAGAIN;
}

void wtp_keypool_stop(struct wtp_keypool *kp, struct wtp_loop *l)
{
	int i;

	pthread_mutex_lock(&kp->lock);
	kp->quit = true;
	pthread_cond_broadcast(&kp->cond);
	pthread_mutex_unlock(&kp->lock);
	/* A worker may be blocked writing a result: drain while joining. */
	for (i = 0; i < kp->nthreads; i++) {
		struct wtp_keyjob *job;

		while (pthread_tryjoin_np(kp->threads[i], NULL) == EBUSY) {
			if (read(kp->pipe[0], &job, sizeof(job)) <= 0)
				usleep(1000);
		}
	}
	wtp_loop_del(l, &kp->io);
	close(kp->pipe[0]);
	close(kp->pipe[1]);
	free(kp->threads);
}

void wtp_keypool_submit(struct wtp_keypool *kp, struct wtp_keyjob *job)
{
	job->next = NULL;
	pthread_mutex_lock(&kp->lock);
	if (kp->tail)
		kp->tail->next = job;
	else
		kp->head = job;
	kp->tail = job;
	pthread_cond_signal(&kp->cond);
	pthread_mutex_unlock(&kp->lock);
}

struct genkeys {
	const char *dir;
	int count;
	uint8_t type;
	uint16_t bits;
	int next;
	int failed;
	pthread_mutex_t lock;
};

static void *genkeys_worker(void *arg)
{
	struct genkeys *g = arg;
	char path[4200];
	EVP_PKEY *key;
	int i, ret;

	for (;;) {
		pthread_mutex_lock(&g->lock);
		i = g->next < g->count ? g->next++ : -1;
		pthread_mutex_unlock(&g->lock);
		if (i < 0)
			return NULL;
		key = wtp_keygen(g->type, g->bits);
		snprintf(path, sizeof(path), "%s/%04d.key", g->dir, i);
		ret = key ? lsc_pem_write_key(path, key) : -EINVAL;
		EVP_PKEY_free(key);
		if (ret) {
			lsc_err("%s: %s", path, key ? strerror(-ret) :
				wtp_ssl_error());
			pthread_mutex_lock(&g->lock);
			g->failed++;
			pthread_mutex_unlock(&g->lock);
		}
	}
}

int wtp_genkeys(const char *dir, int count, uint8_t key_type, uint16_t bits)
{
	struct genkeys g = { .dir = dir, .count = count, .type = key_type,
			     .bits = bits };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[64];
	int i, n = cpus > 0 ? (int)(cpus < 64 ? cpus : 64) : 1;
	int ret = wtp_store_mkdir(dir);

	if (ret) {
		lsc_err("%s: %s", dir, strerror(-ret));
		return -1;
	}
	pthread_mutex_init(&g.lock, NULL);
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, genkeys_worker, &g))
			break;
	n = i;
	if (!n)
		genkeys_worker(&g);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return g.failed ? -1 : 0;
}
