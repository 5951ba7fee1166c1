// SPDX-License-Identifier: GPL-2.0
/*
 * wtp_ac: a small scripted controller for testing lsc-wtp on the host,
 * built from the project's wire code.  It is not the controller: it
 * answers Discovery, Join, Configuration Status, Change State, Echo and
 * WTP Event Requests on 127.0.0.1:PORT and drives each AP through LSC
 * provisioning the way docs/PROTOCOL.md describes, signing the AP's CSR
 * with an in-memory test CA (OpenSSL) in place of lscd and a real CA.
 *
 *   wtp_ac --port P [--echo S] [--key-type rsa|ec] [--bits B]
 *          [--attempts N] [--fail-ca N] [--bad-cert wrong-key|wrong-cn|
 *          broken-chain] [--refuse-lsc] [--script] [--exit-after N]
 *          [--timeout S] [--retransmit-ms MS]
 *
 * --fail-ca N     the CA refuses each AP's first N requests
 * --bad-cert      deliver a certificate the AP must refuse
 * --refuse-lsc    refuse every join with an LSC (AP-side fallback)
 * --script        after an AP's first LSC join, also send an unknown
 *                 request, a Configuration Update twice with one sequence
 *                 number (a duplicate) and a Reset Request
 * --exit-after N  exit 0 once N APs completed (joined with an LSC, and
 *                 with --script rejoined after the reset)
 *
 * Prints one line of counters on stdout when it exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "wire.h"

#define VENDOR CAPWAP_LSC_DEFAULT_VENDOR_ID
#define MAX_PEERS 4096
#define QMAX 8
#define MTU 1400

struct pkt {
	uint8_t *data;
	size_t len;
	uint32_t type;
	uint8_t seq;
};

struct peer {
	struct sockaddr_in addr;
	int cert_type, mode;
	uint8_t seq;
	struct pkt out;
	int retries;
	uint64_t due;
	struct pkt q[QMAX];
	int nq;
	struct pkt last;
	bool have_last;
	struct capwap_reasm *reasm;
	int attempts, lsc_joins, lsc_refusals;
	uint64_t params_due;
	bool done, scripted, dup_sent;
};

static struct {
	int port, echo, bits, attempts, fail_ca, exit_after, timeout;
	uint8_t key_type;
	const char *bad_cert;
	bool refuse_lsc, script;
	unsigned int rto;
} opt = { .echo = 30, .bits = 2048, .key_type = CAPWAP_LSC_KEY_RSA,
	  .timeout = 300, .rto = 1000 };

static struct {
	unsigned long mic_joins, lsc_joins, lsc_refused, refused, fallback,
		failures, issued, installed, install_failed, dup_answered,
		unrecognized, resets, done;
} st;

static int sock;
static struct peer *peers[MAX_PEERS];
static int npeers;
static EVP_PKEY *ca_key, *other_key;
static X509 *ca_cert, *other_ca;
static uint16_t frag_id;

static void die(const char *what)
{
	fprintf(stderr, "wtp_ac: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(2);
}

static X509 *issue(EVP_PKEY *sign_key, X509 *issuer, EVP_PKEY *pub,
		   X509_NAME *subj, bool is_ca)
{
	X509 *x = X509_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)(lsc_now_ms() ^ random()));
	X509_set_version(x, X509_VERSION_3);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_subject_name(x, subj);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subj);
	X509_set_pubkey(x, pub);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
				  is_ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!X509_sign(x, sign_key, EVP_sha256()))
		die("cannot sign");
	return x;
}

static X509 *make_ca(EVP_PKEY **key, const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	X509 *x;

	*key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	x = issue(*key, NULL, *key, n, true);
	X509_NAME_free(n);
	return x;
}

static void send_raw(struct peer *p, const uint8_t *data, size_t len)
{
	static uint8_t frag[MTU + 64];
	struct capwap_fragmenter f;
	int n;

	if (capwap_frag_init(&f, data, len, MTU, ++frag_id))
		die("cannot fragment");
	while ((n = capwap_frag_next(&f, frag, sizeof(frag))) > 0)
		sendto(sock, frag, n, 0, (struct sockaddr *)&p->addr,
		       sizeof(p->addr));
}

static struct pkt finish(struct capwap_builder *b, uint32_t type, uint8_t seq)
{
	int n = capwap_build_finish(b);
	struct pkt k = { .type = type, .seq = seq };

	if (n < 0)
		die("cannot build a message");
	k.data = malloc(n);
	memcpy(k.data, b->buf, n);
	k.len = n;
	return k;
}

static void send_next(struct peer *p)
{
	if (p->out.data || !p->nq)
		return;
	p->out = p->q[0];
	memmove(p->q, p->q + 1, --p->nq * sizeof(p->q[0]));
	p->retries = 0;
	p->due = lsc_now_ms() + opt.rto;
	send_raw(p, p->out.data, p->out.len);
}

static void queue(struct peer *p, struct pkt k)
{
	if (p->nq == QMAX)
		die("request queue overflow");
	p->q[p->nq++] = k;
	send_next(p);
}

static uint8_t buf[65536];

static void request(struct peer *p, uint32_t type,
		    void (*fill)(struct capwap_builder *, void *), void *arg)
{
	struct capwap_builder b;
	uint8_t seq = p->seq++;

	capwap_build_init(&b, buf, sizeof(buf), type, seq);
	if (fill)
		fill(&b, arg);
	queue(p, finish(&b, type, seq));
}

static void fill_status(struct capwap_builder *b, void *arg)
{
	capwap_lsc_put_status(b, VENDOR, CAPWAP_LSC_VSP_LSC_STATUS, arg);
}

static void send_status(struct peer *p, int result, int state,
			const char *reason)
{
	struct capwap_lsc_status s = {
		.result = result, .state = state,
		.reason = (const uint8_t *)reason, .reason_len = strlen(reason),
	};

	request(p, CAPWAP_MSG_CONFIG_UPDATE_REQ, fill_status, &s);
}

static void fill_params(struct capwap_builder *b, void *arg)
{
	struct peer *p = arg;
	struct capwap_lsc_cert_params cp = {
		.key_type = opt.key_type, .key_bits = opt.bits,
		.validity_days = 365,
		.attempts_left = opt.attempts ? opt.attempts - p->attempts : 0,
	};

	cp.subject[CAPWAP_LSC_SUBJ_A_COUNTRY] = (const u8 *)"US";
	cp.subject_len[CAPWAP_LSC_SUBJ_A_COUNTRY] = 2;
	cp.subject[CAPWAP_LSC_SUBJ_A_ORG] = (const u8 *)"Example Lab";
	cp.subject_len[CAPWAP_LSC_SUBJ_A_ORG] = 11;
	capwap_lsc_put_cert_params(b, VENDOR, &cp);
	capwap_put_radio_admin_state(b, CAPWAP_RADIO_ID_WTP,
				     CAPWAP_RADIO_DISABLED);
}

static void enroll_failed(struct peer *p, int result, const char *reason)
{
	p->attempts++;
	st.failures++;
	if (opt.attempts && p->attempts >= opt.attempts) {
		st.fallback++;
		send_status(p, result, CAPWAP_LSC_AP_FALLBACK, reason);
		return;
	}
	send_status(p, result, CAPWAP_LSC_AP_FAILED, reason);
	p->params_due = lsc_now_ms() + 200;
}

static void fill_object(struct capwap_builder *b, void *arg)
{
	X509 **certs = arg;
	int i, n = 0;

	while (certs[n + 1])
		n++;
	for (i = 0; i < n; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(certs[i + 1], &der);

		capwap_lsc_put_object(b, VENDOR, (u16)(uintptr_t)certs[0], i, n,
				      der, len);
		OPENSSL_free(der);
	}
}

static void send_objects(struct peer *p, u16 elem, X509 *a, X509 *b)
{
	X509 *arr[4] = { (X509 *)(uintptr_t)elem, a, b, NULL };

	request(p, CAPWAP_MSG_CONFIG_UPDATE_REQ, fill_object, arr);
}

/* Signs the AP's request, or spoils the result as --bad-cert asks. */
static void enroll(struct peer *p, const uint8_t *der, int len)
{
	const unsigned char *q = der;
	X509_REQ *req = d2i_X509_REQ(NULL, &q, len);
	EVP_PKEY *pub = req ? X509_REQ_get0_pubkey(req) : NULL;
	X509_NAME *subj;
	X509 *cert;

	if (!pub || X509_REQ_verify(req, pub) != 1) {
		ERR_clear_error();
		X509_REQ_free(req);
		enroll_failed(p, CAPWAP_LSC_RESULT_BAD_REQUEST,
			      "CSR signature does not verify");
		return;
	}
	if (p->attempts < opt.fail_ca) {
		X509_REQ_free(req);
		enroll_failed(p, CAPWAP_LSC_RESULT_FAILED_CA_SIGNING,
			      "CA refused: Transaction not permitted or supported");
		return;
	}
	subj = X509_NAME_dup(X509_REQ_get_subject_name(req));
	if (opt.bad_cert && !strcmp(opt.bad_cert, "wrong-cn")) {
		X509_NAME_free(subj);
		subj = X509_NAME_new();
		X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8,
			(const unsigned char *)"Cwrong-000000000000", -1, -1, 0);
	}
	if (opt.bad_cert && !strcmp(opt.bad_cert, "wrong-key"))
		cert = issue(ca_key, ca_cert, other_key, subj, false);
	else if (opt.bad_cert && !strcmp(opt.bad_cert, "broken-chain"))
		cert = issue(other_key, other_ca, pub, subj, false);
	else
		cert = issue(ca_key, ca_cert, pub, subj, false);
	st.issued++;
	send_objects(p, CAPWAP_LSC_VSP_CA_CERT, ca_cert, NULL);
	send_objects(p, CAPWAP_LSC_VSP_DEVICE_CERT, cert, NULL);
	X509_free(cert);
	X509_NAME_free(subj);
	X509_REQ_free(req);
}

static void respond(struct peer *p, const struct capwap_msg *m,
		    void (*fill)(struct capwap_builder *, void *), void *arg)
{
	struct capwap_builder b;

	capwap_build_init(&b, buf, sizeof(buf), m->type + 1, m->seq);
	if (fill)
		fill(&b, arg);
	free(p->last.data);
	p->last = finish(&b, m->type + 1, m->seq);
	p->have_last = true;
	send_raw(p, p->last.data, p->last.len);
}

static void fill_ac(struct capwap_builder *b, void *arg)
{
	static const struct capwap_ac_descriptor ac = {
		.station_limit = 2000, .max_wtps = 4096,
		.security = CAPWAP_AC_SECURITY_X509,
		.rmac = CAPWAP_AC_RMAC_SUPPORTED,
		.dtls_policy = CAPWAP_DTLS_POLICY_CLEAR,
		.vendor_id = VENDOR, .hw_version = "wtp_ac", .sw_version = "1",
	};
	const int *rc = arg;
	uint8_t addr[4] = { 127, 0, 0, 1 };

	if (rc)
		capwap_put_result_code(b, *rc);
	capwap_put_ac_descriptor(b, &ac);
	capwap_put_ac_name(b, "wtp-ac-test");
	capwap_put_control_ipv4(b, addr, npeers);
}

static void fill_config_status(struct capwap_builder *b, void *arg)
{
	(void)arg;
	capwap_put_timers(b, 5, opt.echo);
	capwap_put_decrypt_err_period(b, 1, 120);
	capwap_put_idle_timeout(b, 300);
	capwap_put_wtp_fallback(b, 1);
}

static void fill_result(struct capwap_builder *b, void *arg)
{
	capwap_put_result_code(b, *(const int *)arg);
}

static bool lsc_verifies(const struct capwap_msg *m)
{
	static uint8_t der[16384];
	int n = capwap_lsc_get_object(m, VENDOR, CAPWAP_LSC_VSP_AP_CERT, 0,
				      der, sizeof(der));
	const unsigned char *q = der;
	X509 *x = n > 0 ? d2i_X509(NULL, &q, n) : NULL;
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool ok = false;

	if (x) {
		X509_STORE_add_cert(store, ca_cert);
		X509_STORE_CTX_init(ctx, store, x, NULL);
		ok = X509_verify_cert(ctx) == 1;
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(x);
	ERR_clear_error();
	return ok;
}

static void on_join(struct peer *p, const struct capwap_msg *m)
{
	struct capwap_lsc_cert_info ci = { CAPWAP_LSC_CERT_MIC, 0 };
	int rc = CAPWAP_RESULT_SUCCESS;

	capwap_lsc_get_cert_info(m, VENDOR, &ci);
	p->cert_type = ci.cert_type;
	p->mode = ci.ap_mode;
	if (ci.cert_type == CAPWAP_LSC_CERT_LSC &&
	    (opt.refuse_lsc || !lsc_verifies(m))) {
		rc = CAPWAP_RESULT_JOIN_FAILURE;
		st.lsc_refused++;
		p->lsc_refusals++;
	}
	respond(p, m, fill_ac, &rc);
}

static void script(struct peer *p)
{
	struct capwap_builder b;
	uint8_t seq = p->seq++;

	/* An enterprise-specific request the AP cannot know. */
	capwap_build_init(&b, buf, sizeof(buf), (u32)VENDOR << 8 | 1, seq);
	queue(p, finish(&b, (u32)VENDOR << 8 | 1, seq));
	send_status(p, CAPWAP_LSC_RESULT_SUCCESS, CAPWAP_LSC_AP_INSTALLED,
		    "LSC provisioned");
	p->scripted = true;
}

static void on_run(struct peer *p)
{
	if (p->cert_type == CAPWAP_LSC_CERT_LSC) {
		st.lsc_joins++;
		p->lsc_joins++;
		if (opt.script && !p->scripted) {
			script(p);
			return;
		}
		if (!p->done) {
			p->done = true;
			st.done++;
		}
		return;
	}
	st.mic_joins++;
	if (p->mode != CAPWAP_LSC_MODE_LOCAL) {
		st.refused++;
		send_status(p, CAPWAP_LSC_RESULT_ERROR, CAPWAP_LSC_AP_REFUSED,
			    p->mode == CAPWAP_LSC_MODE_BRIDGE ?
			    "bridge mode APs are not provisioned" :
			    "mesh APs are not provisioned");
		return;
	}
	if (p->lsc_refusals || (opt.attempts && p->attempts >= opt.attempts))
		return;		/* fell back: leave it on its MIC */
	request(p, CAPWAP_MSG_CONFIG_UPDATE_REQ, fill_params, p);
}

static void on_event(struct peer *p, const struct capwap_msg *m)
{
	static uint8_t der[16384];
	struct capwap_lsc_status s;
	int n;

	respond(p, m, NULL, NULL);
	n = capwap_lsc_get_object(m, VENDOR, CAPWAP_LSC_VSP_CERT_REQUEST, 0,
				  der, sizeof(der));
	if (n > 0)
		enroll(p, der, n);
	if (!capwap_lsc_get_status(m, VENDOR, CAPWAP_LSC_VSP_INSTALL_RESULT, &s)) {
		if (s.result == CAPWAP_LSC_RESULT_SUCCESS) {
			st.installed++;
		} else {
			st.install_failed++;
			fprintf(stderr, "wtp_ac: install failed: %.*s\n",
				s.reason_len, s.reason);
			enroll_failed(p, s.result, "the AP refused its certificate");
		}
	}
}

static void on_request(struct peer *p, const struct capwap_msg *m)
{
	static const int unrec = CAPWAP_RESULT_UNRECOGNIZED_REQUEST;

	if (p->have_last && p->last.seq == m->seq && p->last.type == m->type + 1) {
		send_raw(p, p->last.data, p->last.len);
		return;
	}
	switch (m->type) {
	case CAPWAP_MSG_DISCOVERY_REQ:
		respond(p, m, fill_ac, NULL);
		break;
	case CAPWAP_MSG_JOIN_REQ:
		on_join(p, m);
		break;
	case CAPWAP_MSG_CONFIG_STATUS_REQ:
		respond(p, m, fill_config_status, NULL);
		break;
	case CAPWAP_MSG_CHANGE_STATE_REQ:
		respond(p, m, NULL, NULL);
		on_run(p);
		break;
	case CAPWAP_MSG_ECHO_REQ:
		respond(p, m, NULL, NULL);
		break;
	case CAPWAP_MSG_WTP_EVENT_REQ:
		on_event(p, m);
		break;
	default:
		respond(p, m, fill_result, (void *)&unrec);
		break;
	}
}

static int result_code(const struct capwap_msg *m)
{
	struct capwap_elem e;
	u32 rc;

	if (capwap_find_elem(m, CAPWAP_ELEM_RESULT_CODE, &e) ||
	    capwap_elem_get_u32(&e, &rc))
		return -1;
	return rc;
}

static void on_response(struct peer *p, const struct capwap_msg *m)
{
	int rc = result_code(m);

	if (!p->out.data || m->type != p->out.type + 1 || m->seq != p->out.seq) {
		if (p->dup_sent && m->type == CAPWAP_MSG_CONFIG_UPDATE_RESP) {
			st.dup_answered++;
			p->dup_sent = false;
			request(p, CAPWAP_MSG_RESET_REQ, NULL, NULL);
		}
		return;
	}
	if (rc == CAPWAP_RESULT_UNRECOGNIZED_REQUEST)
		st.unrecognized++;
	else if (rc > 0)
		fprintf(stderr, "wtp_ac: response type %u with Result Code %d\n",
			m->type, rc);
	if (m->type == CAPWAP_MSG_RESET_RESP)
		st.resets++;
	/* --script: the same request again, as if our answer had been lost. */
	if (p->scripted && !p->dup_sent && !st.dup_answered &&
	    m->type == CAPWAP_MSG_CONFIG_UPDATE_RESP && !p->done) {
		send_raw(p, p->out.data, p->out.len);
		p->dup_sent = true;
	}
	free(p->out.data);
	memset(&p->out, 0, sizeof(p->out));
	send_next(p);
}

static struct peer *find_peer(const struct sockaddr_in *a)
{
	int i;

	for (i = 0; i < npeers; i++)
		if (peers[i]->addr.sin_port == a->sin_port &&
		    peers[i]->addr.sin_addr.s_addr == a->sin_addr.s_addr)
			return peers[i];
	if (npeers == MAX_PEERS)
		return NULL;
	peers[npeers] = calloc(1, sizeof(struct peer));
	peers[npeers]->addr = *a;
	peers[npeers]->seq = (uint8_t)random();
	return peers[npeers++];
}

static void on_datagram(struct peer *p, const uint8_t *d, size_t len)
{
	struct capwap_packet pk;
	struct capwap_msg m;
	enum capwap_lsc_malformed bad;
	const struct capwap_msg *msg = &pk.msg;

	switch (capwap_parse(d, len, &pk)) {
	case CAPWAP_PARSE_OK:
		break;
	case CAPWAP_PARSE_FRAGMENT:
		if (!p->reasm) {
			p->reasm = malloc(sizeof(*p->reasm) +
					  CAPWAP_REASM_MAX_LEN);
			if (!p->reasm)
				return;
			capwap_reasm_init(p->reasm, (u8 *)(p->reasm + 1),
					  CAPWAP_REASM_MAX_LEN);
		}
		if (capwap_reasm_add(p->reasm, &pk.hdr, pk.payload,
				     pk.payload_len, lsc_now_ms(), &bad) !=
		    CAPWAP_REASM_DONE ||
		    capwap_parse_control(p->reasm->buf, p->reasm->total, &m, &bad))
			return;
		msg = &m;
		break;
	default:
		fprintf(stderr, "wtp_ac: malformed datagram (reason %d)\n", pk.bad);
		return;
	}
	if (capwap_msg_check_mandatory(msg, &bad) ||
	    capwap_lsc_validate(msg, VENDOR, &bad)) {
		fprintf(stderr, "wtp_ac: malformed message type %u (reason %d)\n",
			msg->type, bad);
		return;
	}
	if (capwap_msg_is_request(msg->type))
		on_request(p, msg);
	else
		on_response(p, msg);
}

static void timers(void)
{
	uint64_t now = lsc_now_ms();
	int i;

	for (i = 0; i < npeers; i++) {
		struct peer *p = peers[i];

		if (p->params_due && now >= p->params_due) {
			p->params_due = 0;
			request(p, CAPWAP_MSG_CONFIG_UPDATE_REQ, fill_params, p);
		}
		if (!p->out.data || now < p->due)
			continue;
		if (++p->retries > 5) {
			free(p->out.data);
			memset(&p->out, 0, sizeof(p->out));
			while (p->nq)
				free(p->q[--p->nq].data);
			continue;
		}
		p->due = now + ((uint64_t)opt.rto << p->retries);
		send_raw(p, p->out.data, p->out.len);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: wtp_ac --port P [--echo S] [--key-type rsa|ec] [--bits B]\n"
		"  [--attempts N] [--fail-ca N] [--bad-cert wrong-key|wrong-cn|broken-chain]\n"
		"  [--refuse-lsc] [--script] [--exit-after N] [--timeout S] [--retransmit-ms MS]\n");
	exit(2);
}

static void parse(int argc, char **argv)
{
	static const struct option o[] = {
		{ "port", 1, NULL, 'p' }, { "echo", 1, NULL, 'e' },
		{ "key-type", 1, NULL, 'k' }, { "bits", 1, NULL, 'b' },
		{ "attempts", 1, NULL, 'a' }, { "fail-ca", 1, NULL, 'f' },
		{ "bad-cert", 1, NULL, 'c' }, { "refuse-lsc", 0, NULL, 'r' },
		{ "script", 0, NULL, 's' }, { "exit-after", 1, NULL, 'x' },
		{ "timeout", 1, NULL, 't' }, { "retransmit-ms", 1, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'p': opt.port = atoi(optarg); break;
		case 'e': opt.echo = atoi(optarg); break;
		case 'k': opt.key_type = strcmp(optarg, "ec") ?
			  CAPWAP_LSC_KEY_RSA : CAPWAP_LSC_KEY_EC; break;
		case 'b': opt.bits = atoi(optarg); break;
		case 'a': opt.attempts = atoi(optarg); break;
		case 'f': opt.fail_ca = atoi(optarg); break;
		case 'c': opt.bad_cert = optarg; break;
		case 'r': opt.refuse_lsc = true; break;
		case 's': opt.script = true; break;
		case 'x': opt.exit_after = atoi(optarg); break;
		case 't': opt.timeout = atoi(optarg); break;
		case 'R': opt.rto = atoi(optarg); break;
		default: usage();
		}
	}
	if (!opt.port)
		usage();
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct pollfd pfd;
	uint64_t deadline, done_at = 0;
	static uint8_t rx[65536];
	int status = 1;

	parse(argc, argv);
	srandom(getpid());
	ca_cert = make_ca(&ca_key, "wtp_ac test LSC CA");
	other_ca = make_ca(&other_key, "wtp_ac unrelated CA");
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_port = htons(opt.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sock < 0 || bind(sock, (struct sockaddr *)&sa, sizeof(sa)))
		die(strerror(errno));
	fprintf(stderr, "wtp_ac: listening on 127.0.0.1:%d\n", opt.port);
	deadline = lsc_now_ms() + (uint64_t)opt.timeout * 1000;
	pfd.fd = sock;
	pfd.events = POLLIN;
	while (lsc_now_ms() < deadline) {
		if (opt.exit_after && st.done >= (unsigned long)opt.exit_after) {
			if (!done_at)
				done_at = lsc_now_ms();
			/* Let the last responses and echoes go out. */
			if (lsc_now_ms() - done_at > 1500) {
				status = 0;
				break;
			}
		}
		if (poll(&pfd, 1, 20) > 0) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n;

			while ((n = recvfrom(sock, rx, sizeof(rx), MSG_DONTWAIT,
					     (struct sockaddr *)&from, &fl)) > 0) {
				struct peer *p = find_peer(&from);

				if (p)
					on_datagram(p, rx, n);
				fl = sizeof(from);
			}
		}
		timers();
	}
	if (!opt.exit_after)
		status = 0;
	printf("mic_joins=%lu lsc_joins=%lu lsc_refused=%lu refused=%lu fallback=%lu "
	       "failures=%lu issued=%lu installed=%lu install_failed=%lu "
	       "dup_answered=%lu unrecognized=%lu resets=%lu done=%lu\n",
	       st.mic_joins, st.lsc_joins, st.lsc_refused, st.refused,
	       st.fallback, st.failures, st.issued, st.installed,
	       st.install_failed, st.dup_answered, st.unrecognized, st.resets,
	       st.done);
	return status;
}
