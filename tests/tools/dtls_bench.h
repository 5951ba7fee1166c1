/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the DTLS load generator (dtls_load) and the userspace DTLS
 * responder (dtls_udp_responder) of `make bench` share: the fixtures of
 * tests/bench/dtls-fixtures.sh read from one directory, and AP
 * certificates issued in memory.  Every AP has its own certificate, its
 * MAC in the CN as lscd wants it, but the APs of one key type share one
 * key: RSA key generation in the VM takes seconds, and a handshake costs
 * the same whichever key of a type signs it.
 */
#ifndef DTLS_BENCH_H
#define DTLS_BENCH_H

#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

/* The one suite both sides of every comparison run. */
#define BENCH_SUITE "ECDHE-ECDSA-AES128-GCM-SHA256"

struct bench_fx {
	X509 *ca, *ctl;
	EVP_PKEY *ca_key, *ctl_key, *ap_key;
};

static inline FILE *bench_open(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "cannot read %s\n", path);
	return f;
}

static inline EVP_PKEY *bench_read_key(const char *dir, const char *name)
{
	FILE *f = bench_open(dir, name);
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return k;
}

static inline X509 *bench_read_cert(const char *dir, const char *name)
{
	FILE *f = bench_open(dir, name);
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return x;
}

/* @ap_key: "rsa" or "ec" (ap-rsa.key, ap-ec.key); NULL for none. */
static inline int bench_fx_load(struct bench_fx *fx, const char *dir,
			 const char *ap_key)
{
	char name[32];

	memset(fx, 0, sizeof(*fx));
	fx->ca = bench_read_cert(dir, "ca.pem");
	fx->ca_key = bench_read_key(dir, "ca.key");
	fx->ctl = bench_read_cert(dir, "ctl.pem");
	fx->ctl_key = bench_read_key(dir, "ctl.key");
	if (ap_key) {
		snprintf(name, sizeof(name), "ap-%s.key", ap_key);
		fx->ap_key = bench_read_key(dir, name);
	}
	return fx->ca && fx->ca_key && fx->ctl && fx->ctl_key &&
	       (!ap_key || fx->ap_key) ? 0 : -1;
}

/* A MIC for the AP of @mac: CN C1262-<mac>, issued by the fixtures' CA. */
static inline X509 *bench_ap_cert(const struct bench_fx *fx, const unsigned char *mac)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	unsigned char serial[8];
	char cn[32];
	BIGNUM *bn = NULL;
	int ok;

	snprintf(cn, sizeof(cn), "C1262-%02x%02x%02x%02x%02x%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	ok = x && n && RAND_bytes(serial, sizeof(serial)) == 1;
	serial[0] &= 0x7f;
	bn = ok ? BN_bin2bn(serial, sizeof(serial), NULL) : NULL;
	ok = ok && bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
	     X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_version(x, X509_VERSION_3) &&
	     X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), 30L * 24 * 3600) &&
	     X509_set_subject_name(x, n) &&
	     X509_set_issuer_name(x, X509_get_subject_name(fx->ca)) &&
	     X509_set_pubkey(x, fx->ap_key) &&
	     X509_sign(x, fx->ca_key, EVP_sha256());
	BN_free(bn);
	X509_NAME_free(n);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static inline long bench_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	/* Room for the CAPWAP DTLS header in a 1400-byte datagram. */
	if (cmd == BIO_CTRL_DGRAM_QUERY_MTU)
		return 1400 - 4;
	return cmd == BIO_CTRL_FLUSH;
}

static inline int bench_bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/*
 * A datagram BIO whose every write is one datagram, handed to @write:
 * OpenSSL's flights must reach the socket as it cut them.
 */
static inline BIO_METHOD *bench_bio_method(const char *name,
					   int (*write)(BIO *, const char *, int))
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
				     name);

	if (m && BIO_meth_set_write(m, write) &&
	    BIO_meth_set_ctrl(m, bench_bio_ctrl) &&
	    BIO_meth_set_create(m, bench_bio_create))
		return m;
	BIO_meth_free(m);
	return NULL;
}

/*
 * DTLS 1.2, BENCH_SUITE, peers verified against the fixtures' CA: what
 * both ends of every comparison run.
 */
static inline SSL_CTX *bench_ssl_ctx(const SSL_METHOD *method,
				     const struct bench_fx *fx)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (ctx && SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) &&
	    SSL_CTX_set_cipher_list(ctx, BENCH_SUITE) &&
	    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), fx->ca))
		return ctx;
	SSL_CTX_free(ctx);
	return NULL;
}

#endif /* DTLS_BENCH_H */
