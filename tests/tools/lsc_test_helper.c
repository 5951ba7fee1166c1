// SPDX-License-Identifier: GPL-2.0
/*
 * lsc_test_helper: plays lscd for the VM tests of lsc-wtp against
 * capwap_lsc.ko.  It is a test stand-in, not the helper: instead of
 * running SCEP against the operator's CA it signs each AP's PKCS#10
 * request with a local test CA (OpenSSL), which is all the kernel side of
 * the exchange needs to be exercised end to end.
 *
 *   lsc_test_helper config --ca CA.pem [--attempts N] [--key-type rsa|ec]
 *                   [--bits B]      enable provisioning for every AP, set
 *                                   the key and attempts, trust CA.pem
 *                                   (without --ca: no SET_CA, for tests
 *                                   where lscd sets the CA)
 *   lsc_test_helper serve --ca CA.pem --ca-key CA.key [--fail REASON]
 *                                   ACCEPT every request and COMPLETE it
 *                                   (or fail it with REASON) until SIGTERM;
 *                                   prints "issued=N failed=N" on exit
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <linux/capwap_lsc.h>

static struct nl_sock *sk, *ev;
static int family;
static volatile sig_atomic_t quit;
static X509 *ca;
static EVP_PKEY *ca_key;
static unsigned long issued, failed;

struct ctx {
	int err;
	bool done;
	int (*fn)(struct nl_msg *, void *);
	void *arg;
};

static int valid_cb(struct nl_msg *m, void *a)
{
	struct ctx *c = a;

	return c->fn ? c->fn(m, c->arg) : NL_OK;
}

static int done_cb(struct nl_msg *m, void *a)
{
	(void)m;
	((struct ctx *)a)->done = true;
	return NL_STOP;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *a)
{
	struct ctx *c = a;

	(void)nla;
	c->err = e->error;
	c->done = true;
	return NL_STOP;
}

static struct nl_msg *msg(int cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(65536);

	if (!m) {
		fprintf(stderr, "lsc_test_helper: out of memory\n");
		exit(2);
	}
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd,
		    CAPWAP_LSC_GENL_VERSION);
	return m;
}

static int call(struct nl_msg *m, int (*fn)(struct nl_msg *, void *), void *arg)
{
	struct ctx c = { .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int r;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, done_cb, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, done_cb, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &c);
	r = nl_send_auto(sk, m);
	nlmsg_free(m);
	while (r >= 0 && !c.done) {
		if (nl_recvmsgs(sk, cb) < 0 && !c.done) {
			c.err = c.err ? c.err : -EIO;
			c.done = true;
		}
	}
	nl_cb_put(cb);
	return r < 0 ? -EIO : c.err;
}

static void open_nl(bool events)
{
	int grp;

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) ||
	    (family = genl_ctrl_resolve(sk, CAPWAP_LSC_GENL_NAME)) < 0) {
		fprintf(stderr, "lsc_test_helper: no genl family %s\n",
			CAPWAP_LSC_GENL_NAME);
		exit(1);
	}
	if (!events)
		return;
	grp = genl_ctrl_resolve_grp(sk, CAPWAP_LSC_GENL_NAME,
				    CAPWAP_LSC_MCGRP_EVENTS);
	ev = nl_socket_alloc();
	if (grp < 0 || !ev || genl_connect(ev) ||
	    nl_socket_add_membership(ev, grp)) {
		fprintf(stderr, "lsc_test_helper: cannot join the events group\n");
		exit(1);
	}
	nl_socket_disable_seq_check(ev);
	nl_socket_set_nonblocking(ev);
}

static int der_of(X509 *x, unsigned char **der)
{
	*der = NULL;
	return i2d_X509(x, der);
}

static void put_chain(struct nl_msg *m)
{
	struct nlattr *chain = nla_nest_start(m, CAPWAP_LSC_A_CA_CHAIN);
	unsigned char *der;
	int len = der_of(ca, &der);

	nla_put(m, CAPWAP_LSC_A_CERT, len, der);
	OPENSSL_free(der);
	nla_nest_end(m, chain);
}

static int cmd_config(uint8_t attempts, uint8_t key_type, uint16_t bits)
{
	struct nl_msg *m = msg(CAPWAP_LSC_CMD_SET_CONFIG);
	struct nlattr *subj;
	int r;

	nla_put_u8(m, CAPWAP_LSC_A_LSC_ENABLED, 1);
	nla_put_u8(m, CAPWAP_LSC_A_PROVISION_MODE, CAPWAP_LSC_PROVISION_ALL);
	nla_put_u8(m, CAPWAP_LSC_A_MAX_ATTEMPTS, attempts);
	nla_put_u8(m, CAPWAP_LSC_A_KEY_TYPE, key_type);
	nla_put_u16(m, CAPWAP_LSC_A_KEY_BITS, bits);
	subj = nla_nest_start(m, CAPWAP_LSC_A_SUBJECT);
	nla_put_string(m, CAPWAP_LSC_SUBJ_A_COUNTRY, "US");
	nla_put_string(m, CAPWAP_LSC_SUBJ_A_ORG, "capwap-lsc tests");
	nla_nest_end(m, subj);
	r = call(m, NULL, NULL);
	if (r) {
		fprintf(stderr, "lsc_test_helper: SET_CONFIG: %s\n", strerror(-r));
		return 1;
	}
	if (!ca)
		return 0;
	m = msg(CAPWAP_LSC_CMD_SET_CA);
	put_chain(m);
	r = call(m, NULL, NULL);
	if (r) {
		fprintf(stderr, "lsc_test_helper: SET_CA: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}

struct accepted {
	uint64_t id;
	unsigned char csr[CAPWAP_LSC_MAX_DER_LEN];
	int csr_len;
};

static int accept_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct accepted *a = arg;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL) ||
	    !tb[CAPWAP_LSC_A_REQUEST_ID] || !tb[CAPWAP_LSC_A_CSR] ||
	    nla_len(tb[CAPWAP_LSC_A_CSR]) > (int)sizeof(a->csr))
		return NL_SKIP;
	a->id = nla_get_u64(tb[CAPWAP_LSC_A_REQUEST_ID]);
	a->csr_len = nla_len(tb[CAPWAP_LSC_A_CSR]);
	memcpy(a->csr, nla_data(tb[CAPWAP_LSC_A_CSR]), a->csr_len);
	return NL_OK;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&v3, ca, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	ok = e && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* The AP's certificate: its subject and key, our CA as issuer. */
static X509 *sign(X509_REQ *req)
{
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
	unsigned char rnd[8];
	X509 *x = X509_new();
	BIGNUM *bn;

	RAND_bytes(rnd, sizeof(rnd));
	rnd[0] &= 0x7f;
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	if (!x || !bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_set_version(x, X509_VERSION_3) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) ||
	    !X509_set_subject_name(x, X509_REQ_get_subject_name(req)) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca)) ||
	    !X509_set_pubkey(x, pub) ||
	    !add_ext(x, NID_basic_constraints, "CA:FALSE") ||
	    !add_ext(x, NID_subject_key_identifier, "hash") ||
	    /* The kernel finds the signer by this identifier. */
	    !add_ext(x, NID_authority_key_identifier, "keyid:always") ||
	    !X509_sign(x, ca_key, EVP_sha256())) {
		X509_free(x);
		x = NULL;
	}
	BN_free(bn);
	return x;
}

static void complete(const struct accepted *a, const char *fail)
{
	const unsigned char *p = a->csr;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, a->csr_len);
	struct nl_msg *m = msg(CAPWAP_LSC_CMD_COMPLETE);
	const char *why = fail;
	X509 *cert = NULL;
	unsigned char *der;
	int len, r;

	if (!why && (!req || X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) != 1))
		why = "CSR signature does not verify";
	if (!why && !(cert = sign(req)))
		why = "test CA cannot sign";
	ERR_clear_error();
	nla_put_u64(m, CAPWAP_LSC_A_REQUEST_ID, a->id);
	if (why) {
		nla_put_u8(m, CAPWAP_LSC_A_RESULT,
			   fail ? CAPWAP_LSC_RESULT_FAILED_CA_SIGNING :
			   CAPWAP_LSC_RESULT_BAD_REQUEST);
		nla_put_string(m, CAPWAP_LSC_A_REASON, why);
		failed++;
	} else {
		nla_put_u8(m, CAPWAP_LSC_A_RESULT, CAPWAP_LSC_RESULT_SUCCESS);
		put_chain(m);
		len = der_of(cert, &der);
		nla_put(m, CAPWAP_LSC_A_CERT, len, der);
		OPENSSL_free(der);
		issued++;
	}
	r = call(m, NULL, NULL);
	if (r)
		fprintf(stderr, "lsc_test_helper: COMPLETE %llu: %s\n",
			(unsigned long long)a->id, strerror(-r));
	X509_free(cert);
	X509_REQ_free(req);
}

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static int drain_cb(struct nl_msg *m, void *a)
{
	(void)m;
	(void)a;
	return NL_OK;
}

static int cmd_serve(const char *fail)
{
	static struct accepted a;
	struct pollfd p = { .fd = nl_socket_get_fd(ev), .events = POLLIN };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, drain_cb, NULL);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("serving\n");
	fflush(stdout);
	while (!quit) {
		/* Announcements only wake us: ACCEPT takes the oldest waiting. */
		while (!quit && !call(msg(CAPWAP_LSC_CMD_ACCEPT), accept_cb, &a) &&
		       a.id) {
			complete(&a, fail);
			a.id = 0;
		}
		if (poll(&p, 1, 500) > 0)
			while (nl_recvmsgs(ev, cb) >= 0)
				;
	}
	nl_cb_put(cb);
	printf("issued=%lu failed=%lu\n", issued, failed);
	return 0;
}

static void load_ca(const char *cert, const char *key)
{
	FILE *f = cert ? fopen(cert, "r") : NULL;

	if (f) {
		ca = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	f = key ? fopen(key, "r") : NULL;
	if (f) {
		ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!ca || (key && !ca_key)) {
		fprintf(stderr, "lsc_test_helper: cannot read the test CA\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static const struct option o[] = {
		{ "ca", 1, NULL, 'c' }, { "ca-key", 1, NULL, 'k' },
		{ "attempts", 1, NULL, 'a' }, { "key-type", 1, NULL, 't' },
		{ "bits", 1, NULL, 'b' }, { "fail", 1, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cert = NULL, *key = NULL, *fail = NULL;
	uint8_t attempts = 4, type = CAPWAP_LSC_KEY_RSA;
	uint16_t bits = 2048;
	int c;

	if (argc < 2) {
		fprintf(stderr, "usage: lsc_test_helper config|serve [options]\n");
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'a': attempts = atoi(optarg); break;
		case 't': type = strcmp(optarg, "ec") ? CAPWAP_LSC_KEY_RSA :
				 CAPWAP_LSC_KEY_EC; break;
		case 'b': bits = atoi(optarg); break;
		case 'f': fail = optarg; break;
		default: return 2;
		}
	}
	if (!strcmp(argv[1], "config")) {
		if (cert)
			load_ca(cert, NULL);
		open_nl(false);
		return cmd_config(attempts, type, bits);
	}
	if (!strcmp(argv[1], "serve")) {
		load_ca(cert, key);
		open_nl(true);
		return cmd_serve(fail);
	}
	fprintf(stderr, "lsc_test_helper: unknown command %s\n", argv[1]);
	return 2;
}
