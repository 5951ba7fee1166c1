// SPDX-License-Identifier: GPL-2.0
/*
 * rsa_baseline KEY: the baseline of tests/bench/lscd-cpu.sh.  Signs a
 * SHA-256 digest with the RSA private key in KEY (PEM) over and over, at
 * SCHED_IDLE priority, until SIGTERM or SIGINT, then prints
 *
 *     ops N cpu_us U op_us X
 *
 * where U is its own user+system CPU time and X = U / N, one private-key
 * operation in CPU time.  Run beside the process it is the baseline for,
 * on the same CPU, it takes only the time that process leaves idle: both
 * are measured in the same seconds, so a change in a shared machine's (or
 * an emulator's) speed during a run moves the two alike.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       (unsigned long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

int main(int argc, char **argv)
{
	static const struct sched_param idle = { 0 };
	unsigned char md[32] = { 1 }, sig[1024];
	unsigned long long ops = 0, c0, c1;
	struct sigaction sa = { .sa_handler = on_signal };
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: rsa_baseline KEY.pem\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		fprintf(stderr, "rsa_baseline: %s: no RSA private key\n", argv[1]);
		return 1;
	}
	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (!ctx || EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0) {
		fprintf(stderr, "rsa_baseline: cannot set up signing\n");
		return 1;
	}
	if (sched_setscheduler(0, SCHED_IDLE, &idle))
		fprintf(stderr, "rsa_baseline: SCHED_IDLE: %s (running at normal priority)\n",
			strerror(errno));
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	c0 = cpu_us();
	while (!stop) {
		size_t len = sizeof(sig);

		if (EVP_PKEY_sign(ctx, sig, &len, md, sizeof(md)) <= 0) {
			fprintf(stderr, "rsa_baseline: signing failed\n");
			return 1;
		}
		ops++;
	}
	c1 = cpu_us();
	printf("ops %llu cpu_us %llu op_us %.1f\n", ops, c1 - c0,
	       ops ? (double)(c1 - c0) / (double)ops : 0.0);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(key);
	return 0;
}
