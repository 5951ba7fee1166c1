// SPDX-License-Identifier: GPL-2.0
/*
 * dtls_ac: a CAPWAP controller over DTLS for testing lsc-wtp --dtls on the
 * host.  It exists because the controller's own DTLS path is not wired
 * yet (no kernel relay, no lscd event loop around the engine): until it
 * is, this is the only DTLS peer lsc-wtp can be held to.
 *
 * It is not a copy of the controller.  The handshake is lscd's REAL
 * engine (userspace/lscd/dtls_engine.c, linked, not copied) with lscd's
 * verdict on the AP's certificate (dtls_peer.c) and its key handover
 * (dtls_keys.c); the records after the handover are opened and sealed
 * here as the kernel's record layer will, from the key block, with the
 * wire code's CAPWAP DTLS header, record header, nonce, AAD and replay
 * window (kmod/wire_dtls.c) and EVP's AES-GCM.  Discovery is answered
 * in clear text; any other clear-text message is refused and counted.
 *
 *   dtls_ac --port P --cert C --key K [--chain F] [--lsc-ca F] [--mic-ca F]
 *           [--keylog F] [--dtls10] [--drop-dtls N] [--exit-after N]
 *           [--refuse-lsc] [--clear-after-run] [--frag-discovery]
 *           [--timeout S]
 *
 * --chain F      the CA certificates sent after --cert
 * --lsc-ca F     the LSC CA (then the certificates above it) for the verdict
 * --mic-ca F     the manufacturer CAs the verdict accepts MICs from
 * --dtls10       be a DTLS 1.0-only server (plain OpenSSL, @SECLEVEL=0),
 *                which a DTLS 1.2 client must refuse
 * --drop-dtls N  drop each AP's first N DTLS datagrams, as a lossy link
 *                would: the AP's retransmission timer must bring them again
 * --refuse-lsc   refuse every LSC in the handshake, as a controller of
 *                another PKI would
 * --clear-after-run  once an AP is in Run, send it a Reset Request and a
 *                Configuration Update Request in clear text, which it
 *                must drop; --exit-after then counts the APs whose next
 *                Echo Request (inside DTLS) came after them
 * --frag-discovery  send the clear-text Discovery Response in fragments,
 *                which an AP under DTLS must not reassemble
 * --exit-after N exit 0 once N APs reached Run through DTLS
 *
 * One line on stderr per event ("listening on", "handshake", "refused",
 * "join", "run", "clear-text"), which the host test reads.
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
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "clock.h"
#include "dtls_engine.h"
#include "dtls_peer.h"
#include "mac.h"
#include "wire.h"
#include "wire_dtls.h"

/* The record opener the unit tests share; its CBC half is not used here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "dtls_records.h"

#define VENDOR CAPWAP_LSC_DEFAULT_VENDOR_ID
#define MAX_PEERS 1024
#define MTU 1400

struct peer {
	struct sockaddr_in addr;
	struct lscd_dtls_conn *conn;	/* during the handshake */
	bool keyed;
	struct capwap_dtls_keys k;
	struct capwap_dtls_replay w;
	struct lscd_dtls_verdict verdict;
	uint64_t tx_seq;
	uint16_t frag_id;
	struct capwap_reasm *reasm;
	int frags;			/* of the message being reassembled */
	size_t largest;			/* datagram received */
	int dropped;			/* DTLS datagrams, of --drop-dtls */
	bool run;
	bool cleared;			/* --clear-after-run sent */
};

static struct {
	int port, exit_after, timeout, drop;
	const char *cert, *key, *chain, *lsc_ca, *mic_ca, *keylog;
	bool dtls10, refuse_lsc, clear_after_run, frag_discovery;
} opt = { .timeout = 60 };

static int sock;
static struct peer peers[MAX_PEERS];
static int npeers, nrun;
static struct lscd_dtls_server *srv;
static SSL_CTX *ctx10;
static FILE *keylog;

static void die(const char *what)
{
	fprintf(stderr, "dtls_ac: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(2);
}

static void send_to(struct peer *p, const uint8_t *d, size_t len)
{
	sendto(sock, d, len, 0, (struct sockaddr *)&p->addr, sizeof(p->addr));
}

/* ---- Records, as the kernel's record layer will write them ------------ */

static void seal(struct peer *p, const uint8_t *plain, size_t len)
{
	static uint8_t out[CAPWAP_DTLS_HDR_LEN + CAPWAP_DTLS_REC_HDR_LEN +
			   CAPWAP_DTLS_GCM_OVERHEAD + 16384];
	uint8_t *rec = out + CAPWAP_DTLS_HDR_LEN, *body, *ct;
	uint8_t nonce[CAPWAP_DTLS_GCM_NONCE_LEN], aad[CAPWAP_DTLS_AAD_LEN];
	struct capwap_dtls_record r = {
		.type = CAPWAP_DTLS_CT_APPLICATION_DATA,
		.version = CAPWAP_DTLS_VERSION_1_2, .epoch = p->k.epoch,
		.seq = p->tx_seq++, .len = len + CAPWAP_DTLS_GCM_OVERHEAD,
	};
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok, i;

	if (len > 16384)
		die("record too long");
	capwap_dtls_put_header(out);
	capwap_dtls_put_record_header(rec, r.type, r.epoch, r.seq, r.len);
	body = rec + CAPWAP_DTLS_REC_HDR_LEN;
	/* The explicit nonce is the sequence number: unique per key. */
	for (i = 0; i < 8; i++)
		body[i] = (uint8_t)(r.seq >> (56 - 8 * i));
	ct = body + CAPWAP_DTLS_GCM_EXPLICIT_LEN;
	capwap_dtls_gcm_nonce(nonce, p->k.tx.salt, body);
	capwap_dtls_aad(aad, &r, (u16)len);
	ok = c && EVP_EncryptInit_ex(c, gcm(capwap_dtls_cipher_key_len(p->k.cipher)),
				     NULL, p->k.tx.key, nonce) &&
	     EVP_EncryptUpdate(c, NULL, &n, aad, sizeof(aad)) &&
	     EVP_EncryptUpdate(c, ct, &n, plain, (int)len) &&
	     EVP_EncryptFinal_ex(c, ct + n, &n) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, CAPWAP_DTLS_GCM_TAG_LEN,
				 ct + len);
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		die("cannot seal a record");
	send_to(p, out, CAPWAP_DTLS_HDR_LEN + CAPWAP_DTLS_REC_HDR_LEN + r.len);
}

/* A CAPWAP message out: in clear text before keys, else in records. */
static void send_msg(struct peer *p, const uint8_t *data, size_t len)
{
	static uint8_t frag[MTU + 64];
	struct capwap_fragmenter f;
	size_t mtu = p->keyed ? MTU - CAPWAP_DTLS_HDR_LEN -
		     CAPWAP_DTLS_REC_HDR_LEN - CAPWAP_DTLS_GCM_OVERHEAD : MTU;
	int n;

	if (!p->keyed && opt.frag_discovery)
		mtu = 64;

	if (capwap_frag_init(&f, data, len, mtu, ++p->frag_id))
		die("cannot fragment");
	while ((n = capwap_frag_next(&f, frag, sizeof(frag))) > 0) {
		if (p->keyed)
			seal(p, frag, n);
		else
			send_to(p, frag, n);
	}
}

/* ---- CAPWAP ------------------------------------------------------------- */

static void respond(struct peer *p, const struct capwap_msg *m, int rc,
		    bool ac_elems, bool timers)
{
	static const struct capwap_ac_descriptor ac = {
		.station_limit = 2000, .max_wtps = 64,
		.security = CAPWAP_AC_SECURITY_X509,
		.rmac = CAPWAP_AC_RMAC_SUPPORTED,
		.dtls_policy = CAPWAP_DTLS_POLICY_DTLS,
		.vendor_id = VENDOR, .hw_version = "dtls_ac", .sw_version = "1",
	};
	static uint8_t buf[4096];
	uint8_t addr[4] = { 127, 0, 0, 1 };
	struct capwap_builder b;
	int n;

	capwap_build_init(&b, buf, sizeof(buf), m->type + 1, m->seq);
	if (rc >= 0)
		capwap_put_result_code(&b, rc);
	if (ac_elems) {
		capwap_put_ac_descriptor(&b, &ac);
		capwap_put_ac_name(&b, "dtls-ac-test");
		capwap_put_control_ipv4(&b, addr, npeers);
	}
	if (timers) {
		capwap_put_timers(&b, 5, opt.clear_after_run ? 1 : 30);
		capwap_put_decrypt_err_period(&b, 1, 120);
		capwap_put_idle_timeout(&b, 300);
		capwap_put_wtp_fallback(&b, 1);
	}
	n = capwap_build_finish(&b);
	if (n < 0)
		die("cannot build a message");
	send_msg(p, buf, n);
}

/* Forged in clear text, as anyone on the path could send them. */
static void send_clear(struct peer *p, uint32_t type)
{
	static uint8_t buf[256];
	struct capwap_builder b;
	int n;

	capwap_build_init(&b, buf, sizeof(buf), type, 200);
	n = capwap_build_finish(&b);
	if (n < 0)
		die("cannot build a message");
	send_to(p, buf, n);
	fprintf(stderr, "clear-text message type %u sent after Run\n", type);
}

static const char *type_name(int t)
{
	return t == CAPWAP_LSC_CERT_LSC ? "LSC" : t == CAPWAP_LSC_CERT_MIC ?
	       "MIC" : t == CAPWAP_LSC_CERT_SSC ? "SSC" : "none";
}

static void on_join(struct peer *p, const struct capwap_msg *m)
{
	struct capwap_board_data bd;
	struct capwap_elem e;
	char mac[LSC_MAC_STR_LEN];
	int rc = CAPWAP_RESULT_SUCCESS;

	if (capwap_find_elem(m, CAPWAP_ELEM_WTP_BOARD_DATA, &e) ||
	    capwap_parse_board_data(&e, &bd) || !bd.base_mac) {
		respond(p, m, CAPWAP_RESULT_MISSING_ELEMENT, true, false);
		return;
	}
	lsc_mac_format(mac, bd.base_mac);
	if (lscd_dtls_peer_bind(&p->verdict, bd.base_mac)) {
		fprintf(stderr, "join refused mac=%s: %s\n", mac, p->verdict.why);
		rc = CAPWAP_RESULT_JOIN_FAILURE;
	} else {
		fprintf(stderr, "join inside DTLS mac=%s cert=%s fragments=%d largest_datagram=%zu\n",
			mac, type_name(p->verdict.cert_type), p->frags,
			p->largest);
	}
	respond(p, m, rc, true, false);
}

/* @inside: the message came out of an authenticated record. */
static void on_msg(struct peer *p, const struct capwap_msg *m, bool inside)
{
	if (!inside) {
		if (m->type == CAPWAP_MSG_DISCOVERY_REQ)
			respond(p, m, -1, true, false);
		else
			fprintf(stderr, "clear-text message type %u refused\n",
				m->type);
		return;
	}
	switch (m->type) {
	case CAPWAP_MSG_JOIN_REQ:
		on_join(p, m);
		break;
	case CAPWAP_MSG_CONFIG_STATUS_REQ:
		respond(p, m, -1, false, true);
		break;
	case CAPWAP_MSG_CHANGE_STATE_REQ:
		respond(p, m, CAPWAP_RESULT_SUCCESS, false, false);
		if (!p->run) {
			p->run = true;
			nrun++;
			fprintf(stderr, "run cert=%s (%d)\n",
				type_name(p->verdict.cert_type), nrun);
		}
		if (opt.clear_after_run && !p->cleared) {
			send_clear(p, CAPWAP_MSG_RESET_REQ);
			send_clear(p, CAPWAP_MSG_CONFIG_UPDATE_REQ);
			p->cleared = true;
			break;
		}
		if (opt.exit_after && nrun >= opt.exit_after) {
			fflush(stderr);
			exit(0);
		}
		break;
	case CAPWAP_MSG_ECHO_REQ:
		if (p->cleared && p->run) {
			static int nechoed;

			p->run = false;
			fprintf(stderr, "echo inside DTLS after the clear text (%d)\n",
				++nechoed);
			if (opt.exit_after && nechoed >= opt.exit_after) {
				respond(p, m, -1, false, false);
				fflush(stderr);
				exit(0);
			}
		}
		/* fall through */
	case CAPWAP_MSG_WTP_EVENT_REQ:
		respond(p, m, m->type == CAPWAP_MSG_ECHO_REQ ? -1 :
			CAPWAP_RESULT_SUCCESS, false, false);
		break;
	default:
		if (capwap_msg_is_request(m->type))
			respond(p, m, CAPWAP_RESULT_UNRECOGNIZED_REQUEST, false,
				false);
	}
}

static void on_capwap(struct peer *p, const uint8_t *d, size_t len,
		      bool inside)
{
	enum capwap_lsc_malformed bad;
	struct capwap_packet pkt;
	struct capwap_msg msg;

	switch (capwap_parse(d, len, &pkt)) {
	case CAPWAP_PARSE_OK:
		on_msg(p, &pkt.msg, inside);
		return;
	case CAPWAP_PARSE_FRAGMENT:
		break;
	default:
		return;
	}
	if (!p->reasm) {
		p->reasm = malloc(sizeof(*p->reasm) + CAPWAP_REASM_MAX_LEN);
		if (!p->reasm)
			die("out of memory");
		capwap_reasm_init(p->reasm, (u8 *)(p->reasm + 1),
				  CAPWAP_REASM_MAX_LEN);
	}
	p->frags++;
	if (capwap_reasm_add(p->reasm, &pkt.hdr, pkt.payload, pkt.payload_len,
			     lsc_now_ms(), &bad) == CAPWAP_REASM_DONE &&
	    !capwap_parse_control(p->reasm->buf, p->reasm->total, &msg, &bad)) {
		on_msg(p, &msg, inside);
		p->frags = 0;
	}
}

/* ---- DTLS ----------------------------------------------------------------- */

static void flush(struct peer *p)
{
	uint8_t out[MTU];
	int n;

	while ((n = lscd_dtls_conn_output(p->conn, out, sizeof(out))) > 0)
		send_to(p, out, n);
}

static void handshake_over(struct peer *p)
{
	const struct lscd_dtls_verdict *v = lscd_dtls_conn_verdict(p->conn);
	char why[256], mac[LSC_MAC_STR_LEN] = "-";

	if (lscd_dtls_conn_state(p->conn) == LSCD_DTLS_DONE) {
		if (lscd_dtls_conn_handover(p->conn, &p->k, why, sizeof(why))) {
			fprintf(stderr, "handover refused: %s\n", why);
		} else if (p->k.cipher != CAPWAP_DTLS_CIPHER_AES_128_GCM &&
			   p->k.cipher != CAPWAP_DTLS_CIPHER_AES_256_GCM) {
			fprintf(stderr, "handshake with %s: only GCM records here\n",
				lscd_dtls_conn_cipher(p->conn));
		} else {
			p->verdict = *v;
			p->keyed = true;
			p->tx_seq = p->k.tx_seq;
			capwap_dtls_replay_init(&p->w, p->k.rx_seq);
			if (v->has_mac)
				lsc_mac_format(mac, v->mac);
			fprintf(stderr, "handshake done cert=%s mac=%s cipher=%s\n",
				type_name(v->cert_type), mac,
				lscd_dtls_conn_cipher(p->conn));
		}
	} else {
		fprintf(stderr, "handshake refused (%s): %s\n",
			lscd_dtls_refusal_name(v->refusal), v->why);
	}
	lscd_dtls_conn_free(p->conn);
	p->conn = NULL;
}

static void on_records(struct peer *p, const uint8_t *d, size_t len)
{
	static uint8_t plain[16384 + 2048];
	struct capwap_dtls_record r;
	const uint8_t *pos = d + CAPWAP_DTLS_HDR_LEN;
	size_t left = len - CAPWAP_DTLS_HDR_LEN;
	int n;

	while (p->keyed && capwap_dtls_next_record(&pos, &left, &r) == 1) {
		if (r.epoch == p->k.epoch &&
		    r.type == CAPWAP_DTLS_CT_ALERT) {
			/* close_notify or a fatal alert: the session is over. */
			fprintf(stderr, "session ended by the AP (alert)\n");
			p->keyed = false;
			return;
		}
		n = dtls_gcm_open(&p->k, &p->w, &r, plain);
		if (n >= 0)
			on_capwap(p, plain, n, true);
	}
}

static void on_dtls(struct peer *p, const uint8_t *d, size_t len)
{
	uint8_t reply[MTU];
	size_t rlen;

	if (p->keyed && len > CAPWAP_DTLS_HDR_LEN + 3 &&
	    d[CAPWAP_DTLS_HDR_LEN + 3] == 0 && d[CAPWAP_DTLS_HDR_LEN + 4] == 0) {
		/* Epoch 0 again: the AP started a new session. */
		p->keyed = false;
	}
	if (p->keyed) {
		on_records(p, d, len);
		return;
	}
	if (!p->conn) {
		switch (lscd_dtls_listen(srv, (struct sockaddr *)&p->addr,
					 sizeof(p->addr), d, len, reply, &rlen,
					 &p->conn)) {
		case LSCD_DTLS_LISTEN_VERIFY:
			send_to(p, reply, rlen);
			return;
		case LSCD_DTLS_LISTEN_NEW:
			break;
		default:
			return;
		}
	} else {
		lscd_dtls_conn_input(p->conn, d, len);
	}
	flush(p);
	if (lscd_dtls_conn_state(p->conn) != LSCD_DTLS_HANDSHAKING)
		handshake_over(p);
}

/* ---- The DTLS 1.0-only server ------------------------------------------- */

static SSL *ssl10;

static void on_dtls10(struct peer *p, const uint8_t *d, size_t len)
{
	uint8_t out[65536];
	BIO *rbio, *wbio;
	int n, ret;

	if (!ssl10) {
		ssl10 = SSL_new(ctx10);
		rbio = BIO_new(BIO_s_mem());
		wbio = BIO_new(BIO_s_mem());
		if (!ssl10 || !rbio || !wbio)
			die("out of memory");
		BIO_set_mem_eof_return(rbio, -1);
		SSL_set_bio(ssl10, rbio, wbio);
		SSL_set_accept_state(ssl10);
		DTLS_set_link_mtu(ssl10, MTU - CAPWAP_DTLS_HDR_LEN);
	}
	BIO_write(SSL_get_rbio(ssl10), d + CAPWAP_DTLS_HDR_LEN,
		  (int)(len - CAPWAP_DTLS_HDR_LEN));
	ret = SSL_do_handshake(ssl10);
	/* One flight, one datagram: loopback carries it whole. */
	n = BIO_read(SSL_get_wbio(ssl10), out + CAPWAP_DTLS_HDR_LEN,
		     sizeof(out) - CAPWAP_DTLS_HDR_LEN);
	if (n > 0) {
		fprintf(stderr, "dtls1.0 flight sent (%s)\n", SSL_get_version(ssl10));
		capwap_dtls_put_header(out);
		send_to(p, out, CAPWAP_DTLS_HDR_LEN + n);
	}
	if (ret <= 0 && SSL_get_error(ssl10, ret) != SSL_ERROR_WANT_READ) {
		char text[160];

		ERR_error_string_n(ERR_peek_last_error(), text, sizeof(text));
		fprintf(stderr, "dtls1.0 handshake ended (%d): %s\n",
			SSL_get_error(ssl10, ret), text);
		ERR_clear_error();
		SSL_free(ssl10);
		ssl10 = NULL;
	}
}

/* ---- Set-up and loop ------------------------------------------------------ */

static X509 *read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!x)
		die(path);
	return x;
}

static STACK_OF(X509) *read_certs(const char *path)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = BIO_new_file(path, "r");
	X509 *x;

	if (!b || !sk)
		die(path);
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		sk_X509_push(sk, x);
	ERR_clear_error();
	BIO_free(b);
	if (!sk_X509_num(sk))
		die(path);
	return sk;
}

static EVP_PKEY *read_key(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!k)
		die(path);
	return k;
}

static void keylog_line(const SSL *ssl, const char *line)
{
	(void)ssl;
	fprintf(keylog, "%s\n", line);
	fflush(keylog);
}

static void setup(void)
{
	static struct lscd_dtls_server_conf conf;
	struct lscd_dtls_policy *pol = lscd_dtls_policy_new();
	char why[256];
	int i;

	if (opt.keylog && !(keylog = fopen(opt.keylog, "a")))
		die(opt.keylog);
	if (opt.dtls10) {
		ctx10 = SSL_CTX_new(DTLS_server_method());
		if (!ctx10 ||
		    !SSL_CTX_set_min_proto_version(ctx10, DTLS1_VERSION) ||
		    !SSL_CTX_set_max_proto_version(ctx10, DTLS1_VERSION) ||
		    !SSL_CTX_set_cipher_list(ctx10, "DEFAULT:@SECLEVEL=0") ||
		    SSL_CTX_use_certificate(ctx10, read_cert(opt.cert)) != 1 ||
		    SSL_CTX_use_PrivateKey(ctx10, read_key(opt.key)) != 1)
			die("cannot set up the DTLS 1.0 server");
		SSL_CTX_set_options(ctx10, SSL_OP_NO_QUERY_MTU);
		return;
	}
	if (!pol)
		die("out of memory");
	if (opt.lsc_ca) {
		STACK_OF(X509) *chain = read_certs(opt.lsc_ca);
		X509 *ca = sk_X509_shift(chain);

		if (lscd_dtls_policy_set_lsc_ca(pol, ca, chain))
			die("cannot set the LSC CA");
		X509_free(ca);
		sk_X509_pop_free(chain, X509_free);
	}
	if (opt.mic_ca) {
		STACK_OF(X509) *cas = read_certs(opt.mic_ca);

		for (i = 0; i < sk_X509_num(cas); i++)
			if (lscd_dtls_policy_add_mic_ca(pol, sk_X509_value(cas, i)))
				die("cannot add a MIC CA");
		sk_X509_pop_free(cas, X509_free);
	}
	if (opt.refuse_lsc)
		lscd_dtls_policy_accept(pol, CAPWAP_LSC_CERT_LSC, false);
	conf.policy = pol;
	conf.creds[0].cert = read_cert(opt.cert);
	conf.creds[0].key = read_key(opt.key);
	if (opt.chain)
		conf.creds[0].chain = read_certs(opt.chain);
	conf.ncreds = 1;
	conf.mtu = MTU;
	/* Every simulated AP of a test fleet comes from 127.0.0.1. */
	conf.max_half_open_per_ip = MAX_PEERS;
	srv = lscd_dtls_server_new(&conf, why, sizeof(why));
	if (!srv)
		die(why);
	if (keylog)
		SSL_CTX_set_keylog_callback(lscd_dtls_server_ssl_ctx(srv),
					    keylog_line);
}

static struct peer *find_peer(const struct sockaddr_in *a)
{
	int i;

	for (i = 0; i < npeers; i++)
		if (peers[i].addr.sin_addr.s_addr == a->sin_addr.s_addr &&
		    peers[i].addr.sin_port == a->sin_port)
			return &peers[i];
	if (npeers == MAX_PEERS)
		return NULL;
	memset(&peers[npeers], 0, sizeof(peers[0]));
	peers[npeers].addr = *a;
	return &peers[npeers++];
}

/* Time to the first handshake timer; the conns' retransmissions. */
static int timers(void)
{
	struct timeval left;
	int i, ms = 1000;

	for (i = 0; i < npeers; i++) {
		struct peer *p = &peers[i];

		if (!p->conn || !lscd_dtls_conn_timeout(p->conn, &left))
			continue;
		if (!left.tv_sec && !left.tv_usec) {
			lscd_dtls_conn_handle_timeout(p->conn);
			flush(p);
			if (lscd_dtls_conn_state(p->conn) != LSCD_DTLS_HANDSHAKING)
				handshake_over(p);
			continue;
		}
		if (left.tv_sec * 1000 + left.tv_usec / 1000 < ms)
			ms = left.tv_sec * 1000 + left.tv_usec / 1000;
	}
	return ms;
}

static void usage(void)
{
	fprintf(stderr, "usage: dtls_ac --port P --cert C --key K [--chain F] [--lsc-ca F] [--mic-ca F]\n"
		"               [--keylog F] [--dtls10] [--drop-dtls N] [--exit-after N]\n"
		"               [--refuse-lsc] [--clear-after-run] [--frag-discovery]\n"
		"               [--timeout S]\n");
	exit(2);
}

static void parse(int argc, char **argv)
{
	static const struct option o[] = {
		{ "port", 1, NULL, 'p' }, { "cert", 1, NULL, 'c' },
		{ "key", 1, NULL, 'k' }, { "lsc-ca", 1, NULL, 'l' },
		{ "mic-ca", 1, NULL, 'm' }, { "keylog", 1, NULL, 'K' },
		{ "dtls10", 0, NULL, '0' }, { "exit-after", 1, NULL, 'x' },
		{ "timeout", 1, NULL, 't' }, { "drop-dtls", 1, NULL, 'd' },
		{ "chain", 1, NULL, 'C' }, { "refuse-lsc", 0, NULL, 'R' },
		{ "clear-after-run", 0, NULL, 'X' },
		{ "frag-discovery", 0, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'p': opt.port = atoi(optarg); break;
		case 'c': opt.cert = optarg; break;
		case 'k': opt.key = optarg; break;
		case 'C': opt.chain = optarg; break;
		case 'R': opt.refuse_lsc = true; break;
		case 'X': opt.clear_after_run = true; break;
		case 'F': opt.frag_discovery = true; break;
		case 'l': opt.lsc_ca = optarg; break;
		case 'm': opt.mic_ca = optarg; break;
		case 'K': opt.keylog = optarg; break;
		case '0': opt.dtls10 = true; break;
		case 'x': opt.exit_after = atoi(optarg); break;
		case 't': opt.timeout = atoi(optarg); break;
		case 'd': opt.drop = atoi(optarg); break;
		default: usage();
		}
	}
	if (!opt.port || !opt.cert || !opt.key)
		usage();
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	uint64_t end;
	uint8_t d[65536];

	parse(argc, argv);
	setup();
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_port = htons(opt.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sock < 0 || bind(sock, (struct sockaddr *)&a, sizeof(a)))
		die("cannot bind");
	fprintf(stderr, "listening on 127.0.0.1:%d%s\n", opt.port,
		opt.dtls10 ? " (DTLS 1.0 only)" : "");
	end = lsc_now_ms() + (uint64_t)opt.timeout * 1000;
	while (lsc_now_ms() < end) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		struct peer *p;
		ssize_t n;

		if (poll(&pfd, 1, srv ? timers() : 1000) <= 0)
			continue;
		n = recvfrom(sock, d, sizeof(d), 0, (struct sockaddr *)&from, &fl);
		if (n <= 0 || !(p = find_peer(&from)))
			continue;
		if ((size_t)n > p->largest)
			p->largest = n;
		if (capwap_dtls_parse_header(d, n) < 0) {
			on_capwap(p, d, n, false);
		} else if (p->dropped < opt.drop) {
			p->dropped++;
			fprintf(stderr, "dropped DTLS datagram %d\n", p->dropped);
		}
		else if (opt.dtls10)
			on_dtls10(p, d, n);
		else
			on_dtls(p, d, n);
	}
	fprintf(stderr, "dtls_ac: timed out after %d s with %d APs in Run\n",
		opt.timeout, nrun);
	return 1;
}
