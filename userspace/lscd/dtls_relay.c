// SPDX-License-Identifier: GPL-2.0
/*
 * lscd's DTLS relay: the module's "dtls" group in, the handshake engine in
 * the middle, DTLS_SEND and DTLS_KEYS out (dtls_relay.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "clock.h"
#include "daemon.h"
#include "dtls_engine.h"
#include "dtls_keys.h"
#include "dtls_peer.h"
#include "dtls_relay.h"
#include "fileio.h"
#include "hex.h"
#include "log.h"
#include "mac.h"

/*
 * The kernel's record layer is AES-GCM only (it refuses CBC key blocks),
 * so the default offers nothing else: a CBC suite would complete the
 * handshake and then find no record layer.
 */
#define RELAY_DEFAULT_SUITES \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
/* RFC 6347 section 4.2.1: a cookie is then good for 30 to 60 seconds. */
#define RELAY_COOKIE_ROTATE_MS 30000
/* The counters' line, at most this often while they move. */
#define RELAY_LOG_MS 10000
#define RELAY_DGRAM_MAX 2048

struct relay_conn {
	struct sockaddr_in peer, local;
	struct lscd_dtls_conn *c;
};

struct lscd_dtls_relay {
	struct lsc_genl sk;		/* joined to "dtls" */
	struct lscd_dtls_policy *pol;
	struct lscd_dtls_server *srv;
	struct scep_signer own;		/* dtls_cert_file and dtls_key_file */
	bool stale;			/* rebuild srv when no conn is left */
	bool no_server;			/* the last build failed: logged once */
	uint64_t retry_ms;		/* no build before this after a failure */
	struct relay_conn *conns;
	size_t nconns, cap;
	uint64_t rotate_ms;
	uint64_t log_ms;
	bool dirty;			/* counters moved since the last line */
	/* Over every engine this relay built (each starts at 0). */
	struct lscd_dtls_stats base;
	uint64_t refusals[__LSCD_DTLS_REFUSAL_MAX];
	uint64_t keys_refused;		/* DTLS_KEYS the module refused */
	uint64_t closed;		/* DTLS_CLOSE events from the module */
};

/* The controller's DTLS key: readable by no one but root or lscd. */
static int key_file_guarded(const char *path, char *why, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int err;

	if (fd < 0) {
		snprintf(why, size, "%s", strerror(errno));
		return -errno;
	}
	err = lsc_file_guarded(fd, true, why, size);
	close(fd);
	return err;
}

static void fmt_peer(const struct sockaddr_in *a, char *out, size_t size)
{
	char ip[INET_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(out, size, "%s:%u", ip, ntohs(a->sin_port));
}

static int load_mic_cas(struct lscd_dtls_policy *p, const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	int n = 0;

	char why[256];
	int err;

	if (!f) {
		lsc_err("DTLS: mic_ca_file %s: %s", path, strerror(errno));
		return -errno;
	}
	/* Whoever may write it decides which APs join. */
	err = lsc_file_guarded(fileno(f), false, why, sizeof(why));
	if (err) {
		lsc_err("DTLS: mic_ca_file %s refused: %s", path, why);
		fclose(f);
		return err;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL))) {
		if (lscd_dtls_policy_add_mic_ca(p, x) == 0)
			n++;
		X509_free(x);
	}
	fclose(f);
	if (!n) {
		lsc_err("DTLS: mic_ca_file %s holds no certificate", path);
		return -EINVAL;
	}
	lsc_info("DTLS: %d manufacturer CA(s) from %s", n, path);
	return 0;
}

/* "MAC sha256-hex" a line; '#' comments. */
static int load_ssc_list(struct lscd_dtls_policy *p, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], mac_s[64], fp_s[128];
	uint8_t mac[CAPWAP_LSC_MAC_LEN], fp[32];
	int n = 0, lineno = 0;

	char why[256];
	int err;

	if (!f) {
		lsc_err("DTLS: ssc_allow_file %s: %s", path, strerror(errno));
		return -errno;
	}
	err = lsc_file_guarded(fileno(f), false, why, sizeof(why));
	if (err) {
		lsc_err("DTLS: ssc_allow_file %s refused: %s", path, why);
		fclose(f);
		return err;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "#\r\n")] = 0;
		if (sscanf(line, "%63s %127s", mac_s, fp_s) != 2) {
			if (sscanf(line, "%63s", mac_s) == 1)
				lsc_err("DTLS: %s:%d: want MAC and SHA-256", path, lineno);
			continue;
		}
		if (lsc_mac_parse(mac_s, mac) ||
		    lsc_hex_decode(fp, sizeof(fp), fp_s) != (int)sizeof(fp)) {
			lsc_err("DTLS: %s:%d: want MAC and SHA-256 (64 hex digits)",
				path, lineno);
			continue;
		}
		if (!lscd_dtls_policy_add_ssc(p, mac, fp))
			n++;
	}
	fclose(f);
	lsc_info("DTLS: %d SSC key(s) authorised from %s", n, path);
	return 0;
}

/* The verdict's trust: the LSC CA in use, the MIC CAs, the SSC list. */
static struct lscd_dtls_policy *build_policy(struct lscd *d)
{
	struct lscd_dtls_policy *p = lscd_dtls_policy_new();
	STACK_OF(X509) *up = NULL;
	int t, i;

	if (!p)
		return NULL;
	for (t = CAPWAP_LSC_CERT_MIC; t < __CAPWAP_LSC_CERT_MAX; t++)
		lscd_dtls_policy_accept(p, t, d->cfg.dtls_accept & 1u << t);
	lscd_dtls_policy_eku(p, d->cfg.dtls_eku_strict ? LSCD_DTLS_EKU_STRICT :
			     LSCD_DTLS_EKU_DEFAULT);
	lscd_dtls_policy_security_level(p, d->cfg.dtls_security_level);
	if (d->ca && d->ca->ca) {
		/* The certificates above the LSC CA: its chain less itself. */
		up = sk_X509_new_null();
		for (i = 0; up && d->ca->chain && i < sk_X509_num(d->ca->chain); i++) {
			X509 *x = sk_X509_value(d->ca->chain, i);

			if (X509_cmp(x, d->ca->ca) && !sk_X509_push(up, x))
				break;
		}
		if (!up || lscd_dtls_policy_set_lsc_ca(p, d->ca->ca, up))
			lsc_err("DTLS: cannot take the LSC CA: out of memory");
		sk_X509_free(up);
	}
	if (d->cfg.mic_ca_file)
		load_mic_cas(p, d->cfg.mic_ca_file);
	if (d->cfg.ssc_allow_file)
		load_ssc_list(p, d->cfg.ssc_allow_file);
	return p;
}

static void add_stats(struct lscd_dtls_stats *to, const struct lscd_dtls_stats *s)
{
	int i;

	to->hello_verify += s->hello_verify;
	to->cookie_refused += s->cookie_refused;
	to->busy += s->busy;
	to->busy_ip += s->busy_ip;
	to->started += s->started;
	to->completed += s->completed;
	for (i = 0; i < __LSCD_DTLS_CNT_MAX; i++)
		to->failed[i] += s->failed[i];
	to->auth_fail += s->auth_fail;
}

static void drop_server(struct lscd_dtls_relay *r)
{
	if (r->srv) {
		add_stats(&r->base, lscd_dtls_server_stats(r->srv));
		lscd_dtls_server_free(r->srv);
		r->srv = NULL;
	}
	lscd_dtls_policy_free(r->pol);
	r->pol = NULL;
	scep_signer_release(&r->own);
}

/* The engine, with the controller's certificate of the moment. */
static int build_server(struct lscd *d)
{
	struct lscd_dtls_relay *r = d->dtls;
	struct lscd_dtls_server_conf conf = { 0 };
	X509 *cert = d->ctrl.cert;
	EVP_PKEY *key = d->ctrl.key;
	char why[256], fp[65];
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);

	drop_server(r);
	if (d->cfg.dtls_cert_file && d->cfg.dtls_key_file) {
		int err = key_file_guarded(d->cfg.dtls_key_file, why, sizeof(why));

		if (err) {
			if (!r->no_server)
				lsc_err("DTLS: dtls_key_file %s refused: %s",
					d->cfg.dtls_key_file, why);
			r->no_server = true;
			return err;
		}
		err = scep_signer_load(&r->own, d->cfg.dtls_key_file,
				       d->cfg.dtls_cert_file);
		if (err) {
			if (!r->no_server)
				lsc_err("DTLS: dtls_cert_file %s with dtls_key_file %s: %s",
					d->cfg.dtls_cert_file, d->cfg.dtls_key_file,
					err == -EINVAL ? "the key is not the certificate's" :
					"unreadable");
			r->no_server = true;
			return err;
		}
		cert = r->own.cert;
		key = r->own.key;
	} else if (!cert && d->ctrl.signer) {
		/* No LSC yet: the self-signed certificate lscd signs requests with. */
		cert = d->ctrl.signer->cert;
		key = d->ctrl.signer->key;
	}
	if (!cert || !key) {
		if (!r->no_server)
			lsc_err("DTLS: no controller certificate to answer handshakes with");
		r->no_server = true;
		return -ENOENT;
	}
	r->pol = build_policy(d);
	if (!r->pol)
		return -ENOMEM;
	conf.policy = r->pol;
	conf.creds[0].cert = cert;
	conf.creds[0].key = key;
	/* The LSC CA up to its root after an LSC; a self-signed one alone. */
	conf.creds[0].chain = (cert == r->own.cert || cert == d->ctrl.cert) && d->ca ?
			      d->ca->chain : NULL;
	conf.ncreds = 1;
	conf.suites = d->cfg.dtls_suites ? d->cfg.dtls_suites : RELAY_DEFAULT_SUITES;
	r->srv = lscd_dtls_server_new(&conf, why, sizeof(why));
	if (!r->srv) {
		if (!r->no_server)
			lsc_err("DTLS: cannot set up the handshake: %s", why);
		r->no_server = true;
		lscd_dtls_policy_free(r->pol);
		r->pol = NULL;
		return -EINVAL;
	}
	if (lscd_dtls_eku_check(cert, LSCD_DTLS_ROLE_AC,
				d->cfg.dtls_eku_strict ? LSCD_DTLS_EKU_STRICT :
				LSCD_DTLS_EKU_DEFAULT, why, sizeof(why)))
		lsc_warn("DTLS: APs that check the controller's extended key usage (RFC 5415 section 2.4.4.3) will refuse its certificate: %s; set dtls_cert_file and dtls_key_file to one for the controller's role",
			 why);
	r->no_server = false;
	r->stale = false;
	r->rotate_ms = lsc_now_ms() + RELAY_COOKIE_ROTATE_MS;
	X509_digest(cert, EVP_sha256(), md, &mdlen);
	lsc_hex_encode(fp, md, 32);
	lsc_notice("DTLS: answering handshakes as %s (%s, SHA-256 %s), suites %s",
		   cert == r->own.cert ? "dtls_cert_file" :
		   cert == d->ctrl.cert ? "the controller's LSC" :
		   "the controller's self-signed certificate",
		   X509_NAME_oneline(X509_get_subject_name(cert), why, sizeof(why)),
		   fp, conf.suites);
	return 0;
}

int lscd_dtls_relay_open(struct lscd *d)
{
	struct lscd_dtls_relay *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return -ENOMEM;
	rc = lsc_genl_open(&r->sk);
	if (rc) {
		free(r);
		lsc_err("DTLS: cannot open a genl socket for the relay: %s", strerror(-rc));
		return rc;
	}
	nl_socket_disable_seq_check(r->sk.sock);
	nl_socket_disable_auto_ack(r->sk.sock);
	nl_socket_set_nonblocking(r->sk.sock);
	/* A ClientHello with its certificate chain: several KiB a message. */
	nl_socket_set_msg_buf_size(r->sk.sock, 65536);
	nl_socket_set_buffer_size(r->sk.sock, 1 << 20, 0);
	d->dtls = r;
	lscd_dtls_relay_rejoin(d);
	return 0;
}

void lscd_dtls_relay_rejoin(struct lscd *d)
{
	struct lscd_dtls_relay *r = d->dtls;
	int grp;

	if (!r)
		return;
	/* Looked up on the command socket, as for the events group. */
	grp = genl_ctrl_resolve_grp(d->cmd.sock, CAPWAP_LSC_GENL_NAME,
				    CAPWAP_LSC_MCGRP_DTLS);
	if (grp < 0 || nl_socket_add_membership(r->sk.sock, grp) < 0) {
		lsc_err("DTLS: cannot join the %s dtls group: %s; DTLS handshakes will not be answered",
			CAPWAP_LSC_GENL_NAME,
			grp < 0 ? "the module has no such group" : "refused");
		return;
	}
	r->sk.family = d->cmd.family;
	lsc_info("DTLS: joined the dtls group: answering the handshakes the module relays");
}

void lscd_dtls_relay_stale(struct lscd *d)
{
	if (d->dtls)
		d->dtls->stale = true;
}

int lscd_dtls_relay_fd(const struct lscd *d)
{
	return d->dtls ? nl_socket_get_fd(d->dtls->sk.sock) : -1;
}

static int dtls_cmd(struct lscd *d, uint8_t c, const struct relay_conn *rc,
		    int attr, const void *data, size_t len,
		    const struct lscd_dtls_verdict *v)
{
	struct nl_msg *m = lsc_genl_msg_sized(&d->cmd, c, 0, len + 512);

	if (!m)
		return -ENOMEM;
	if (nla_put(m, CAPWAP_LSC_A_DTLS_PEER, sizeof(rc->peer), &rc->peer) < 0 ||
	    (rc->local.sin_family &&
	     nla_put(m, CAPWAP_LSC_A_DTLS_LOCAL, sizeof(rc->local), &rc->local) < 0) ||
	    (data && nla_put(m, attr, len, data) < 0) ||
	    (v && (nla_put(m, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, v->mac) < 0 ||
		   nla_put_u8(m, CAPWAP_LSC_A_DTLS_CERT_TYPE, (uint8_t)v->cert_type) < 0))) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	return lsc_genl_call(&d->cmd, m, NULL, NULL);
}

/* One datagram of the engine's (CAPWAP DTLS header included) to the peer. */
static void send_dgram(struct lscd *d, const struct relay_conn *rc,
		       const uint8_t *dg, size_t n)
{
	char p[32];
	int err;

	if (n <= CAPWAP_DTLS_HDR_LEN)
		return;
	err = dtls_cmd(d, CAPWAP_LSC_CMD_DTLS_SEND, rc, CAPWAP_LSC_A_DTLS_RECORDS,
		       dg + CAPWAP_DTLS_HDR_LEN, n - CAPWAP_DTLS_HDR_LEN, NULL);
	if (err) {
		fmt_peer(&rc->peer, p, sizeof(p));
		lsc_warn("DTLS: DTLS_SEND to %s: %s%s%s", p, strerror(-err),
			 d->cmd.error_msg[0] ? ": " : "", d->cmd.error_msg);
	}
}

static void flush(struct lscd *d, struct relay_conn *rc)
{
	uint8_t dg[RELAY_DGRAM_MAX];
	int n;

	while ((n = lscd_dtls_conn_output(rc->c, dg, sizeof(dg))) > 0)
		send_dgram(d, rc, dg, n);
}

static struct relay_conn *find_conn(struct lscd_dtls_relay *r,
				    const struct sockaddr_in *peer)
{
	size_t i;

	for (i = 0; i < r->nconns; i++)
		if (r->conns[i].peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
		    r->conns[i].peer.sin_port == peer->sin_port)
			return &r->conns[i];
	return NULL;
}

static void remove_conn(struct lscd_dtls_relay *r, struct relay_conn *rc)
{
	lscd_dtls_conn_free(rc->c);
	*rc = r->conns[--r->nconns];
	if (!r->nconns && r->stale)
		drop_server(r);
}

static void failed(struct lscd *d, struct relay_conn *rc)
{
	struct lscd_dtls_relay *r = d->dtls;
	const struct lscd_dtls_verdict *v = lscd_dtls_conn_verdict(rc->c);
	enum lscd_dtls_refusal why = v->refusal;
	char p[32], mac[LSC_MAC_STR_LEN] = "";

	/* The fatal alert OpenSSL wrote, if any, goes out first. */
	flush(d, rc);
	if (why == LSCD_DTLS_ACCEPTED || why >= __LSCD_DTLS_REFUSAL_MAX)
		why = LSCD_DTLS_HANDSHAKE;
	r->refusals[why]++;
	r->dirty = true;
	fmt_peer(&rc->peer, p, sizeof(p));
	if (v->has_mac)
		lsc_mac_format(mac, v->mac);
	/*
	 * No DTLS_CLOSE: a peer without keys has nothing in the module to
	 * close, and a peer with keys keeps its session when a new handshake
	 * fails (RFC 5415 section 12.3).
	 */
	lsc_warn("DTLS: handshake from %s%s%s refused: %s (%s counter)%s%s", p,
		 mac[0] ? " for " : "", mac, lscd_dtls_refusal_name(why),
		 lscd_dtls_counter_name(lscd_dtls_refusal_counter(why)),
		 v->why[0] ? ": " : "", v->why);
	remove_conn(r, rc);
}

/*
 * Done: the key block and the bound identity to the module before the
 * last flight, so that the AP's first record finds the keys.
 */
static void handover(struct lscd *d, struct relay_conn *rc)
{
	struct lscd_dtls_relay *r = d->dtls;
	const struct lscd_dtls_verdict *v = lscd_dtls_conn_verdict(rc->c);
	struct capwap_dtls_keys k;
	uint8_t block[CAPWAP_DTLS_KEYS_LEN];
	char why[256] = "", p[32], mac[LSC_MAC_STR_LEN];
	const char *cipher = lscd_dtls_conn_cipher(rc->c);
	int err;

	fmt_peer(&rc->peer, p, sizeof(p));
	lsc_mac_format(mac, v->mac);
	err = lscd_dtls_conn_handover(rc->c, &k, why, sizeof(why));
	if (!err && capwap_dtls_keys_put(&k, block, sizeof(block)) < 0) {
		err = -EINVAL;
		snprintf(why, sizeof(why), "the key block does not build");
	}
	if (!err) {
		err = dtls_cmd(d, CAPWAP_LSC_CMD_DTLS_KEYS, rc, CAPWAP_LSC_A_DTLS_KEYS,
			       block, sizeof(block), v);
		if (err)
			snprintf(why, sizeof(why), "the module refused the keys: %s%s%s",
				 strerror(-err), d->cmd.error_msg[0] ? ": " : "",
				 d->cmd.error_msg);
	}
	OPENSSL_cleanse(&k, sizeof(k));
	OPENSSL_cleanse(block, sizeof(block));
	r->dirty = true;
	if (err) {
		/* Without the last flight the AP's handshake times out. */
		r->keys_refused++;
		lsc_warn("DTLS: handshake from %s for %s completed but not handed over: %s",
			 p, mac, why);
		remove_conn(r, rc);
		return;
	}
	flush(d, rc);
	lsc_info("DTLS: %s authenticated as %s by its %s, %s; keys handed to the module",
		 p, mac, v->cert_type == CAPWAP_LSC_CERT_LSC ? "LSC" :
		 v->cert_type == CAPWAP_LSC_CERT_MIC ? "MIC" : "SSC",
		 cipher ? cipher : "?");
	remove_conn(r, rc);
}

static void on_state(struct lscd *d, struct relay_conn *rc,
		     enum lscd_dtls_state st)
{
	if (st == LSCD_DTLS_DONE)
		handover(d, rc);
	else if (st == LSCD_DTLS_FAILED)
		failed(d, rc);
	else
		flush(d, rc);
}

static void relayed(struct lscd *d, const struct sockaddr_in *peer,
		    const struct sockaddr_in *local, const uint8_t *rec,
		    size_t len)
{
	struct lscd_dtls_relay *r = d->dtls;
	struct relay_conn *rc = find_conn(r, peer), nc = { .peer = *peer };
	uint8_t dg[RELAY_DGRAM_MAX + CAPWAP_DTLS_HDR_LEN], reply[RELAY_DGRAM_MAX];
	size_t rlen = sizeof(reply);

	if (len > RELAY_DGRAM_MAX)
		return;
	capwap_dtls_put_header(dg);
	memcpy(dg + CAPWAP_DTLS_HDR_LEN, rec, len);
	if (rc) {
		on_state(d, rc, lscd_dtls_conn_input(rc->c, dg, len + CAPWAP_DTLS_HDR_LEN));
		return;
	}
	if (local)
		nc.local = *local;
	if (!r->srv || (r->stale && !r->nconns)) {
		/*
		 * A build that failed (a key unreadable, no certificate yet)
		 * is tried again after a change, or 10 s on: not at each
		 * datagram of a flood, reading every file each time.
		 */
		if (!r->srv && !r->stale && lsc_now_ms() < r->retry_ms)
			return;
		if (build_server(d)) {
			r->stale = false;
			r->retry_ms = lsc_now_ms() + 10000;
			return;
		}
	}
	switch (lscd_dtls_listen(r->srv, (const struct sockaddr *)peer,
				 sizeof(*peer), dg, len + CAPWAP_DTLS_HDR_LEN,
				 reply, &rlen, &nc.c)) {
	case LSCD_DTLS_LISTEN_VERIFY:
		send_dgram(d, &nc, reply, rlen);
		return;
	case LSCD_DTLS_LISTEN_NEW:
		break;
	default:
		return;
	}
	if (r->nconns == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct relay_conn *n = realloc(r->conns, cap * sizeof(*n));

		if (!n) {
			lscd_dtls_conn_free(nc.c);
			return;
		}
		r->conns = n;
		r->cap = cap;
	}
	r->conns[r->nconns] = nc;
	rc = &r->conns[r->nconns++];
	r->dirty = true;
	/*
	 * The engine has run the ClientHello the cookie came back with: a
	 * DTLS 1.0 one has already failed, its alert queued.  The peer,
	 * told, sends nothing more to settle it later.
	 */
	on_state(d, rc, lscd_dtls_conn_state(rc->c));
}

static int on_msg(struct nl_msg *m, void *arg)
{
	struct lscd *d = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct nlattr *pa, *la, *ra;
	struct sockaddr_in peer, local;
	struct genlmsghdr *gh;
	char p[32];

	/* Only the kernel's word: any local process may unicast here. */
	if (nlmsg_get_src(m)->nl_pid != 0 || !genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_parse(nlh, 0, tb, CAPWAP_LSC_A_MAX, NULL) < 0)
		return NL_SKIP;
	gh = nlmsg_data(nlh);
	pa = tb[CAPWAP_LSC_A_DTLS_PEER];
	la = tb[CAPWAP_LSC_A_DTLS_LOCAL];
	ra = tb[CAPWAP_LSC_A_DTLS_RECORDS];
	if (!pa || nla_len(pa) != sizeof(peer))
		return NL_SKIP;
	memcpy(&peer, nla_data(pa), sizeof(peer));
	if (peer.sin_family != AF_INET)
		return NL_SKIP;
	if (gh->cmd == CAPWAP_LSC_CMD_DTLS_CLOSE) {
		d->dtls->closed++;
		d->dtls->dirty = true;
		fmt_peer(&peer, p, sizeof(p));
		lsc_info("DTLS: the module ended the association with %s", p);
		return NL_OK;
	}
	if (gh->cmd != CAPWAP_LSC_CMD_DTLS_RELAY || !ra)
		return NL_SKIP;
	if (la && nla_len(la) == sizeof(local))
		memcpy(&local, nla_data(la), sizeof(local));
	relayed(d, &peer, la && nla_len(la) == sizeof(local) ? &local : NULL,
		nla_data(ra), nla_len(ra));
	return NL_OK;
}

/* Reads of the relay socket per wake of the loop. */
#define RELAY_BATCH 64

void lscd_dtls_relay_process(struct lscd *d)
{
	unsigned int batch = 0;
	struct nl_cb *cb;
	int ret;

	if (!d->dtls)
		return;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_msg, d);
	/*
	 * A bounded batch: a flood of spoofed ClientHellos (each an HMAC and
	 * a DTLS_SEND) must not hold the loop, its timers and its signals.
	 * What is left wakes the loop again.
	 */
	do
		ret = nl_recvmsgs(d->dtls->sk.sock, cb);
	while (ret >= 0 && ++batch < RELAY_BATCH);
	if (ret == -NLE_NOMEM)
		lsc_warn("DTLS: relayed datagrams were lost (socket full); the APs will send them again");
	nl_cb_put(cb);
}

static void log_counters(struct lscd_dtls_relay *r)
{
	struct lscd_dtls_stats s = r->base;
	char fails[512] = "";
	size_t off = 0;
	uint64_t nfail = 0;
	int i;

	if (r->srv)
		add_stats(&s, lscd_dtls_server_stats(r->srv));
	for (i = 1; i < __LSCD_DTLS_REFUSAL_MAX; i++) {
		if (!r->refusals[i])
			continue;
		nfail += r->refusals[i];
		if (off < sizeof(fails))
			off += snprintf(fails + off, sizeof(fails) - off, "%s%s %llu",
					off ? ", " : "", lscd_dtls_refusal_name(i),
					(unsigned long long)r->refusals[i]);
	}
	lsc_notice("DTLS counters: %llu handshake(s) started, %llu completed, %llu handed over, %llu failed%s%s%s, %llu not handed over; FailedDTLSAuthFailCount %llu; cookies sent %llu, refused %llu; busy %llu (per IP %llu); %llu association(s) ended by the module",
		   (unsigned long long)s.started, (unsigned long long)s.completed,
		   (unsigned long long)(s.completed - r->keys_refused),
		   (unsigned long long)nfail, nfail ? " (" : "", fails,
		   nfail ? ")" : "", (unsigned long long)r->keys_refused,
		   (unsigned long long)s.auth_fail,
		   (unsigned long long)s.hello_verify,
		   (unsigned long long)s.cookie_refused,
		   (unsigned long long)s.busy, (unsigned long long)s.busy_ip,
		   (unsigned long long)r->closed);
	r->dirty = false;
}

uint64_t lscd_dtls_relay_tick(struct lscd *d, uint64_t now, uint64_t next)
{
	struct lscd_dtls_relay *r = d->dtls;
	struct timeval left;
	size_t i;

	if (!r)
		return next;
	if (r->srv && now >= r->rotate_ms) {
		if (lscd_dtls_server_rotate_cookie(r->srv))
			lsc_err("DTLS: cannot draw a new cookie secret");
		r->rotate_ms = now + RELAY_COOKIE_ROTATE_MS;
	}
	if (r->srv && r->rotate_ms < next)
		next = r->rotate_ms;
	for (i = 0; i < r->nconns;) {
		struct relay_conn *rc = &r->conns[i];
		uint64_t due;

		if (!lscd_dtls_conn_timeout(rc->c, &left)) {
			i++;
			continue;
		}
		due = now + (uint64_t)left.tv_sec * 1000 + (left.tv_usec + 999) / 1000;
		if (due <= now) {
			size_t before = r->nconns;

			on_state(d, rc, lscd_dtls_conn_handle_timeout(rc->c));
			/* Removed: another took its slot, look at it too. */
			if (r->nconns == before)
				i++;
			continue;
		}
		if (due < next)
			next = due;
		i++;
	}
	if (r->dirty && now >= r->log_ms) {
		log_counters(r);
		r->log_ms = now + RELAY_LOG_MS;
	}
	if (r->dirty && r->log_ms < next)
		next = r->log_ms;
	return next;
}

void lscd_dtls_relay_close(struct lscd *d)
{
	struct lscd_dtls_relay *r = d->dtls;

	if (!r)
		return;
	while (r->nconns)
		remove_conn(r, &r->conns[0]);
	if (r->dirty || r->base.started || r->srv)
		log_counters(r);
	drop_server(r);
	free(r->conns);
	lsc_genl_close(&r->sk);
	free(r);
	d->dtls = NULL;
}
