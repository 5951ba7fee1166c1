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
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

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
#include "pem.h"
#include "ssc_list.h"

/*
 * AES-GCM by default: the CBC suites (the kernel carries them with
 * encrypt-then-MAC only, and the engine offers them to no client without
 * it) are the operator's to name in dtls_suites.
 */
#define RELAY_DEFAULT_SUITES \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
/* RFC 6347 section 4.2.1: a cookie is then good for 30 to 60 seconds. */
#define RELAY_COOKIE_ROTATE_MS 30000
/* The counters' line, at most this often while they move. */
#define RELAY_LOG_MS 10000
/* Refused cookies go to the module at most this often, as one count. */
#define RELAY_REPORT_MS 1000
#define RELAY_DGRAM_MAX 2048
/* Lines of one kind (a refusal's reason, ...) per RELAY_LOG_MS at most. */
#define RELAY_LOG_BURST 10
/* A failed join of the "dtls" group: tried again from 1 s up to this. */
#define RELAY_REJOIN_MAX_MS 60000

/*
 * A flood of refused or oversized handshakes must not flood the log: the
 * lines past the burst are counted, and their number logged once the
 * period is over.
 */
struct log_limit {
	uint64_t until;		/* end of the period */
	unsigned int n;		/* lines logged in it */
	uint64_t suppressed;	/* lines not logged in it */
	const char *what;	/* "handshake refusals", "oversized datagrams" */
	const char *reason;	/* a refusal's, or NULL */
};

struct relay_conn {
	struct sockaddr_in peer, local;
	struct lscd_dtls_conn *c;
};

struct lscd_dtls_relay {
	struct lsc_genl sk;		/* joined to "dtls" */
	/*
	 * Made at the first handshake and kept: its cookie secrets, caps and
	 * counters outlive the reloads of its certificate and policy.
	 */
	struct lscd_dtls_server *srv;
	bool ready;			/* srv answers new handshakes */
	bool stale;			/* build srv's context again before the next */
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
	bool no_report;			/* the module has no DTLS_HANDSHAKE */
	bool no_cookie;			/* the module has no DTLS_COOKIE */
	uint64_t cookie_retry_ms;	/* push the secrets again then; 0: no */
	/* Refused cookies not yet told to the module: one report a flush. */
	uint32_t cookies_unreported;
	uint64_t report_ms;		/* no cookie report before this */
	uint64_t report_warn_ms;	/* no report failure logged before */
	uint64_t oversize;		/* relayed datagrams over RELAY_DGRAM_MAX */
	struct log_limit refusal_log[__LSCD_DTLS_REFUSAL_MAX];
	struct log_limit oversize_log;
	uint64_t rejoin_ms;		/* join "dtls" again then; 0: joined */
	uint64_t rejoin_backoff_ms;
};

static void push_cookie(struct lscd *d);

static void limit_flush(struct log_limit *l)
{
	if (l->suppressed)
		lsc_warn("DTLS: %llu more %s%s%s%s not logged in the last %d s",
			 (unsigned long long)l->suppressed, l->what,
			 l->reason ? " (" : "", l->reason ?: "",
			 l->reason ? ")" : "", RELAY_LOG_MS / 1000);
	l->suppressed = 0;
}

/* Whether a line of @l's kind may be logged now; counted if not. */
static bool limit_ok(struct log_limit *l, uint64_t now)
{
	if (now >= l->until) {
		limit_flush(l);
		l->until = now + RELAY_LOG_MS;
		l->n = 0;
	}
	if (l->n < RELAY_LOG_BURST) {
		l->n++;
		return true;
	}
	l->suppressed++;
	return false;
}

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
	int n = 0, entry = 0;

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
		const char *refusal = lscd_dtls_mic_ca_refusal(x);

		entry++;
		if (refusal) {
			lsc_err("DTLS: mic_ca_file %s: certificate %d (%s) refused: not a CA certificate (%s); put only the manufacturer's CA certificates in this file",
				path, entry,
				X509_NAME_oneline(X509_get_subject_name(x), why, sizeof(why)),
				refusal);
		} else if (lscd_dtls_policy_add_mic_ca(p, x) == 0) {
			n++;
		}
		X509_free(x);
	}
	ERR_clear_error();
	fclose(f);
	if (!n) {
		lsc_err("DTLS: mic_ca_file %s holds no CA certificate: no AP can join with a MIC",
			path);
		return -EINVAL;
	}
	lsc_info("DTLS: %d manufacturer CA(s) from %s", n, path);
	return 0;
}

struct ssc_load {
	struct lscd_dtls_policy *p;
	const char *path;
	int n;
};

static int ssc_entry(void *arg, unsigned int lineno, const char *line, size_t len)
{
	struct ssc_load *l = arg;
	uint8_t mac[CAPWAP_LSC_MAC_LEN], fp[32];
	int rc = lscd_ssc_line(line, len, mac, fp);

	if (rc < 0)
		lsc_err("DTLS: %s:%u: ignored: want MAC and SHA-256 (64 hex digits), nothing else",
			l->path, lineno);
	else if (rc && !lscd_dtls_policy_add_ssc(l->p, mac, fp))
		l->n++;
	return 0;
}

/* ssc_list.h's format, read whole: lscctl shows what is read here. */
static int load_ssc_list(struct lscd_dtls_policy *p, const char *path)
{
	struct ssc_load l = { .p = p, .path = path };
	FILE *f = fopen(path, "r");
	char why[256], *text;
	size_t len;
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
	text = malloc(LSCD_SSC_LIST_MAX + 1);
	len = text ? fread(text, 1, LSCD_SSC_LIST_MAX + 1, f) : 0;
	err = !text ? -ENOMEM : ferror(f) ? -EIO : 0;
	fclose(f);
	if (!err && len > LSCD_SSC_LIST_MAX)
		err = -EFBIG;
	if (!err)
		err = lscd_ssc_list_each(text, len, ssc_entry, &l);
	free(text);
	if (err) {
		lsc_err("DTLS: ssc_allow_file %s refused whole: %s", path,
			err == -EINVAL ? "a NUL byte: not a text file" :
			err == -EFBIG ? "over 1 MiB" : strerror(-err));
		return err;
	}
	lsc_info("DTLS: %d SSC key(s) authorised from %s", l.n, path);
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
	r->ready = false;
}

/*
 * The engine's certificate and policy for the new handshakes (those in
 * progress keep theirs, dtls_engine.c).  On a failure no new handshake
 * is answered: the previous trust must not stay in use after a change
 * that did not build.
 */
static int build_server(struct lscd *d)
{
	struct lscd_dtls_relay *r = d->dtls;
	struct lscd_dtls_server_conf conf = { 0 };
	struct scep_signer own = { 0 };	/* dtls_cert_file and dtls_key_file */
	STACK_OF(X509) *file_chain = NULL;
	X509 *cert = d->ctrl.cert;
	EVP_PKEY *key = d->ctrl.key;
	char why[256], fp[65];
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);
	int err = 0;

	r->ready = false;
	r->stale = false;
	if (d->cfg.dtls_cert_file && d->cfg.dtls_key_file) {
		err = key_file_guarded(d->cfg.dtls_key_file, why, sizeof(why));
		if (err) {
			if (!r->no_server)
				lsc_err("DTLS: dtls_key_file %s refused: %s",
					d->cfg.dtls_key_file, why);
			goto fail;
		}
		err = scep_signer_load(&own, d->cfg.dtls_key_file,
				       d->cfg.dtls_cert_file);
		if (err) {
			if (!r->no_server)
				lsc_err("DTLS: dtls_cert_file %s with dtls_key_file %s: %s",
					d->cfg.dtls_cert_file, d->cfg.dtls_key_file,
					err == -EINVAL ? "the key is not the certificate's" :
					"unreadable");
			goto fail;
		}
		/* The certificates after the first: its chain, sent with it. */
		err = lsc_pem_read_certs(d->cfg.dtls_cert_file, &file_chain);
		if (err > 0)
			X509_free(sk_X509_shift(file_chain));
		else if (err == -EBADMSG && !r->no_server)
			lsc_err("DTLS: dtls_cert_file %s: a certificate after the first cannot be read: its chain is not sent",
				d->cfg.dtls_cert_file);
		if (file_chain && !sk_X509_num(file_chain)) {
			sk_X509_free(file_chain);
			file_chain = NULL;
		}
		cert = own.cert;
		key = own.key;
	} else if (!cert && d->ctrl.signer) {
		/* No LSC yet: the self-signed certificate lscd signs requests with. */
		cert = d->ctrl.signer->cert;
		key = d->ctrl.signer->key;
	}
	if (!cert || !key) {
		if (!r->no_server)
			lsc_err("DTLS: no controller certificate to answer handshakes with");
		err = -ENOENT;
		goto fail;
	}
	conf.policy = build_policy(d);
	if (!conf.policy) {
		err = -ENOMEM;
		snprintf(why, sizeof(why), "out of memory");
		goto fail_engine;
	}
	conf.creds[0].cert = cert;
	conf.creds[0].key = key;
	/*
	 * The chain in dtls_cert_file when it holds one; else the LSC CA up
	 * to its root after an LSC; a self-signed one alone.
	 */
	conf.creds[0].chain = file_chain ? file_chain :
			      (cert == own.cert || cert == d->ctrl.cert) && d->ca ?
			      d->ca->chain : NULL;
	conf.ncreds = 1;
	conf.handshake_timeout_ms = d->cfg.dtls_handshake_timeout_ms;
	conf.suites = d->cfg.dtls_suites ? d->cfg.dtls_suites : RELAY_DEFAULT_SUITES;
	/* The engine holds its own references to all of these. */
	if (r->srv) {
		err = lscd_dtls_server_reload(r->srv, &conf, why, sizeof(why));
	} else {
		r->srv = lscd_dtls_server_new(&conf, why, sizeof(why));
		err = r->srv ? 0 : -EINVAL;
		r->rotate_ms = lsc_now_ms() + RELAY_COOKIE_ROTATE_MS;
		if (r->srv)
			push_cookie(d);
	}
	lscd_dtls_policy_put(conf.policy);
	if (err)
		goto fail_engine;
	if (lscd_dtls_eku_check(cert, LSCD_DTLS_ROLE_AC,
				d->cfg.dtls_eku_strict ? LSCD_DTLS_EKU_STRICT :
				LSCD_DTLS_EKU_DEFAULT, why, sizeof(why)))
		lsc_warn("DTLS: APs that check the controller's extended key usage (RFC 5415 section 2.4.4.3) will refuse its certificate: %s; set dtls_cert_file and dtls_key_file to one for the controller's role",
			 why);
	r->no_server = false;
	r->ready = true;
	X509_digest(cert, EVP_sha256(), md, &mdlen);
	lsc_hex_encode(fp, md, 32);
	lsc_notice("DTLS: answering new handshakes as %s%s (%s, SHA-256 %s), suites %s; %zu in progress finish under the previous settings",
		   cert == own.cert ? "dtls_cert_file" :
		   cert == d->ctrl.cert ? "the controller's LSC" :
		   "the controller's self-signed certificate",
		   file_chain ? " with the chain in it" : "",
		   X509_NAME_oneline(X509_get_subject_name(cert), why, sizeof(why)),
		   fp, conf.suites, r->nconns);
	scep_signer_release(&own);
	sk_X509_pop_free(file_chain, X509_free);
	return 0;
fail_engine:
	if (!r->no_server)
		lsc_err("DTLS: cannot set up the handshake: %s", why);
fail:
	if (r->srv)
		lscd_dtls_server_reload(r->srv, NULL, why, sizeof(why));
	if (!r->no_server && r->nconns)
		lsc_err("DTLS: no new handshake is answered until this is fixed; %zu in progress finish under the previous settings",
			r->nconns);
	r->no_server = true;
	scep_signer_release(&own);
	sk_X509_pop_free(file_chain, X509_free);
	return err;
}

/*
 * Whether a new handshake can be answered, building the engine's context
 * after a change first.  A build that failed (a key unreadable, no
 * certificate yet) is tried again after a change, or 10 s on: not at each
 * datagram of a flood, reading every file each time.
 */
static bool relay_ready(struct lscd *d)
{
	struct lscd_dtls_relay *r = d->dtls;

	if (r->ready && !r->stale)
		return true;
	if (!r->stale && lsc_now_ms() < r->retry_ms)
		return false;
	if (build_server(d)) {
		r->retry_ms = lsc_now_ms() + 10000;
		return false;
	}
	return true;
}

int lscd_dtls_relay_open(struct lscd *d)
{
	struct lscd_dtls_relay *r = calloc(1, sizeof(*r));
	unsigned int i;
	int rc;

	if (!r)
		return -ENOMEM;
	for (i = 0; i < __LSCD_DTLS_REFUSAL_MAX; i++) {
		r->refusal_log[i].what = "handshake refusals";
		r->refusal_log[i].reason = lscd_dtls_refusal_name(i);
	}
	r->oversize_log.what = "oversized datagrams";
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
		/* The module may be loading still: 1 s, 2 s, ... up to a minute. */
		r->rejoin_backoff_ms = r->rejoin_backoff_ms ?
				       2 * r->rejoin_backoff_ms : 1000;
		if (r->rejoin_backoff_ms > RELAY_REJOIN_MAX_MS)
			r->rejoin_backoff_ms = RELAY_REJOIN_MAX_MS;
		r->rejoin_ms = lsc_now_ms() + r->rejoin_backoff_ms;
		lsc_err("DTLS: cannot join the %s dtls group: %s; DTLS handshakes will not be answered; trying again in %llu s (is capwap_lsc loaded?)",
			CAPWAP_LSC_GENL_NAME,
			grp < 0 ? "the module has no such group" : "refused",
			(unsigned long long)r->rejoin_backoff_ms / 1000);
		return;
	}
	r->rejoin_ms = 0;
	r->rejoin_backoff_ms = 0;
	/* A module loaded since may take the reports an older one did not. */
	r->no_report = false;
	r->sk.family = d->cmd.family;
	r->no_cookie = false;
	/* A reloaded module has none; one a killed lscd left must go. */
	push_cookie(d);
	lsc_info("DTLS: joined the dtls group: answering the handshakes the module relays");
}

void lscd_dtls_relay_stale(struct lscd *d)
{
	if (!d->dtls)
		return;
	d->dtls->stale = true;
	/*
	 * Built now when handshakes are being answered, so that the change
	 * is logged (and its errors seen) at once; else at the first one.
	 */
	if (d->dtls->srv)
		relay_ready(d);
}

int lscd_dtls_relay_fd(const struct lscd *d)
{
	return d->dtls ? nl_socket_get_fd(d->dtls->sk.sock) : -1;
}

/* The message's whole buffer, for one that carried a key block. */
static void wipe_msg(struct nl_msg *m)
{
	OPENSSL_cleanse(nlmsg_hdr(m), nlmsg_get_max_size(m));
	nlmsg_free(m);
}

/* Sends @m, which carries keys or secrets, and wipes it after. */
static int call_wiped(struct lscd *d, struct nl_msg *m)
{
	int err;

	/* lsc_genl_call() frees the message: a reference of ours outlives it. */
	nlmsg_get(m);
	err = lsc_genl_call(&d->cmd, m, NULL, NULL);
	wipe_msg(m);
	return err;
}

/* A DTLS_KEYS (@v set) carries keys: its buffer is wiped before it is freed. */
static int dtls_cmd(struct lscd *d, uint8_t c, const struct relay_conn *rc,
		    int attr, const void *data, size_t len,
		    const struct lscd_dtls_verdict *v)
{
	/* libnl does not grow a message: room for the longest identity. */
	struct nl_msg *m = lsc_genl_msg_sized(&d->cmd, c, 0, len + 512 +
					      (v ? lscd_dtls_ident_room() : 0));

	if (!m)
		return -ENOMEM;
	if (nla_put(m, CAPWAP_LSC_A_DTLS_PEER, sizeof(rc->peer), &rc->peer) < 0 ||
	    (rc->local.sin_family &&
	     nla_put(m, CAPWAP_LSC_A_DTLS_LOCAL, sizeof(rc->local), &rc->local) < 0) ||
	    (data && nla_put(m, attr, len, data) < 0) ||
	    (v && (nla_put(m, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, v->mac) < 0 ||
		   nla_put_u8(m, CAPWAP_LSC_A_DTLS_CERT_TYPE, (uint8_t)v->cert_type) < 0 ||
		   lscd_dtls_ident_put(m, lscd_dtls_conn_peer_cert(rc->c),
				       lscd_dtls_conn_cipher(rc->c)) < 0))) {
		wipe_msg(m);
		return -EMSGSIZE;
	}
	if (!v)
		return lsc_genl_call(&d->cmd, m, NULL, NULL);
	return call_wiped(d, m);
}

/* DTLS_COOKIE with the engine's secrets, or with none. */
static int send_cookie(struct lscd *d, bool secrets)
{
	struct lscd_dtls_relay *r = d->dtls;
	uint8_t secret[CAPWAP_LSC_DTLS_SECRET_LEN];
	uint8_t prev[CAPWAP_LSC_DTLS_SECRET_LEN];
	bool has_prev;
	struct nl_msg *m;
	uint8_t gen;
	int err = 0;

	m = lsc_genl_msg(&d->cmd, CAPWAP_LSC_CMD_DTLS_COOKIE, 0);
	if (!m)
		return -ENOMEM;
	if (secrets) {
		has_prev = lscd_dtls_server_cookie_secrets(r->srv, &gen,
							   secret, prev);
		if (nla_put_u8(m, CAPWAP_LSC_A_DTLS_COOKIE_GEN, gen) < 0 ||
		    nla_put(m, CAPWAP_LSC_A_DTLS_COOKIE_SECRET, sizeof(secret),
			    secret) < 0 ||
		    (has_prev && nla_put(m, CAPWAP_LSC_A_DTLS_COOKIE_PREV,
					 sizeof(prev), prev) < 0))
			err = -EMSGSIZE;
		OPENSSL_cleanse(secret, sizeof(secret));
		OPENSSL_cleanse(prev, sizeof(prev));
	}
	if (err) {
		wipe_msg(m);
		return err;
	}
	return call_wiped(d, m);
}

/*
 * Hands the module the engine's cookie secrets, so that it answers
 * ClientHellos itself and relays first those that return a cookie
 * (kmod/dtls_cookie.c); without an engine, none, so that it relays every
 * ClientHello to lscd, whose engine then makes secrets of its own.  A
 * module that cannot take them (an older one) relays everything, as
 * before: said once.
 *
 * A failure leaves the module without secrets (it drops its own on a
 * failure, and none are sent after one here), so that it relays every
 * ClientHello to lscd rather than answer with secrets lscd rotated away;
 * tried again a second later.  At exit (@leaving) a module already
 * unloaded is no failure.
 */
static void push_cookie_as(struct lscd *d, bool leaving)
{
	struct lscd_dtls_relay *r = d->dtls;
	bool retry = r->cookie_retry_ms;
	int err;

	if (r->no_cookie)
		return;
	r->cookie_retry_ms = 0;
	err = send_cookie(d, r->srv);
	if (err == -EOPNOTSUPP) {
		r->no_cookie = true;
		if (!leaving)
			lsc_info("DTLS: the module answers no cookie itself (it has no DTLS_COOKIE): lscd answers every ClientHello it relays");
		return;
	}
	if (!err && retry)
		lsc_info("DTLS: the module took the cookie secrets: it answers ClientHellos again");
	if (!err || leaving)
		return;
	if (r->srv)
		send_cookie(d, false);
	r->cookie_retry_ms = lsc_now_ms() + 1000;
	if (!retry)
		lsc_warn("DTLS: the module did not take the cookie secrets: %s%s%s; it relays every ClientHello to lscd until it does (tried again every second)",
			 strerror(-err), d->cmd.error_msg[0] ? ": " : "",
			 d->cmd.error_msg);
}

static void push_cookie(struct lscd *d)
{
	push_cookie_as(d, false);
}

/*
 * @count handshake outcomes to the module, which counts them
 * (DTLS_HANDSHAKE): the operator reads the counters where the others are.
 * A module without the command (older) is told nothing more.
 */
static void report(struct lscd *d, uint8_t outcome, bool auth_fail,
		   uint32_t count)
{
	struct lscd_dtls_relay *r = d->dtls;
	struct nl_msg *m;
	uint64_t now;
	int err;

	if (r->no_report)
		return;
	m = lsc_genl_msg(&d->cmd, CAPWAP_LSC_CMD_DTLS_HANDSHAKE, 0);
	if (!m) {
		err = -ENOMEM;
		goto failed;
	}
	if (nla_put_u8(m, CAPWAP_LSC_A_DTLS_OUTCOME, outcome) < 0 ||
	    (auth_fail && nla_put_u8(m, CAPWAP_LSC_A_DTLS_AUTH_FAIL, 1) < 0) ||
	    (count != 1 &&
	     nla_put_u32(m, CAPWAP_LSC_A_DTLS_COUNT, count) < 0)) {
		nlmsg_free(m);
		err = -EMSGSIZE;
		goto failed;
	}
	err = lsc_genl_call(&d->cmd, m, NULL, NULL);
	if (err == -EOPNOTSUPP) {
		r->no_report = true;
		lsc_warn("DTLS: the module takes no DTLS_HANDSHAKE: its handshake counters stay at 0 (lscd's own are logged)");
		return;
	}
	if (!err)
		return;
failed:
	/* At most one line a counters' period: a flood must not fill the log. */
	now = lsc_now_ms();
	if (now < r->report_warn_ms)
		return;
	r->report_warn_ms = now + RELAY_LOG_MS;
	lsc_warn("DTLS: the module did not take a handshake report (outcome %u, %u of them): %s; its handshake counters are short by these (lscd's own are logged)",
		 outcome, count, strerror(-err));
}

/* The refused cookies counted since the last report, as one count. */
static void report_cookies(struct lscd *d)
{
	struct lscd_dtls_relay *r = d->dtls;
	uint32_t n = r->cookies_unreported;

	if (!n)
		return;
	if (n > CAPWAP_LSC_DTLS_MAX_COUNT)
		n = CAPWAP_LSC_DTLS_MAX_COUNT;
	r->cookies_unreported -= n;
	report(d, CAPWAP_LSC_DTLS_FAILED_COOKIE, false, n);
}

static uint8_t outcome_of(enum lscd_dtls_refusal why)
{
	switch (lscd_dtls_refusal_counter(why)) {
	case LSCD_DTLS_CNT_COOKIE:
		return CAPWAP_LSC_DTLS_FAILED_COOKIE;
	case LSCD_DTLS_CNT_TIMEOUT:
		return CAPWAP_LSC_DTLS_FAILED_TIMEOUT;
	case LSCD_DTLS_CNT_POLICY:
		return CAPWAP_LSC_DTLS_FAILED_POLICY;
	case LSCD_DTLS_CNT_IDENTITY:
		return CAPWAP_LSC_DTLS_FAILED_IDENTITY;
	default:
		return CAPWAP_LSC_DTLS_FAILED_AUTH;
	}
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
	report(d, outcome_of(why), lscd_dtls_refusal_is_auth_fail(why), 1);
	fmt_peer(&rc->peer, p, sizeof(p));
	if (v->has_mac)
		lsc_mac_format(mac, v->mac);
	/*
	 * No DTLS_CLOSE: a peer without keys has nothing in the module to
	 * close, and a peer with keys keeps its session when a new handshake
	 * fails (RFC 5415 section 12.3).
	 */
	if (limit_ok(&r->refusal_log[why], lsc_now_ms()))
		lsc_warn("DTLS: handshake from %s%s%s refused: %s (%s counter)%s%s", p,
			 mac[0] ? " for " : "", mac, lscd_dtls_refusal_name(why),
			 lscd_dtls_counter_name(lscd_dtls_refusal_counter(why)),
			 v->why[0] ? ": " : "", v->why);
	remove_conn(r, rc);
}

/*
 * Fault injection for the tests of the module's AES-GCM (tests/vm/cases/
 * 97-dtls-suites.sh): an AP in Run proves the module's nonces right only
 * if a wrong one keeps the AP out of Run.  LSCD_TEST_WRONG_SALT=MAC hands
 * the module that AP's key block with one bit of the salt it opens the
 * AP's records with flipped: the module's nonce is then not the AP's.
 */
static void wrong_salt(struct capwap_dtls_keys *k, const char *mac)
{
	const char *v = getenv("LSCD_TEST_WRONG_SALT");

	if (!v || strcasecmp(v, mac) || capwap_dtls_cipher_cbc(k->cipher))
		return;
	k->rx.salt[0] ^= 1;
	lsc_warn("DTLS: LSCD_TEST_WRONG_SALT=%s: the module gets a wrong receive salt", v);
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
	if (!err)
		wrong_salt(&k, mac);
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
		report(d, CAPWAP_LSC_DTLS_FAILED_HANDOVER, false, 1);
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
	enum lscd_dtls_listen_result lr;
	uint64_t cookies;

	if (len > RELAY_DGRAM_MAX) {
		/* No DTLS 1.2 flight of an AP's comes near it at lscd's MTU. */
		char p[32];

		r->oversize++;
		r->dirty = true;
		fmt_peer(peer, p, sizeof(p));
		if (limit_ok(&r->oversize_log, lsc_now_ms()))
			lsc_warn("DTLS: a relayed datagram of %zu bytes from %s is over the %d lscd takes: dropped",
				 len, p, RELAY_DGRAM_MAX);
		return;
	}
	capwap_dtls_put_header(dg);
	memcpy(dg + CAPWAP_DTLS_HDR_LEN, rec, len);
	if (rc) {
		on_state(d, rc, lscd_dtls_conn_input(rc->c, dg, len + CAPWAP_DTLS_HDR_LEN));
		return;
	}
	if (local)
		nc.local = *local;
	if (!relay_ready(d))
		return;
	/*
	 * Whatever comes of it moves a counter (a cookie sent or refused, a
	 * handshake refused as busy): a flood of ClientHellos that never
	 * come back with their cookie shows in the counters' line too.
	 */
	r->dirty = true;
	cookies = lscd_dtls_server_stats(r->srv)->cookie_refused;
	lr = lscd_dtls_listen(r->srv, (const struct sockaddr *)peer,
			      sizeof(*peer), dg, len + CAPWAP_DTLS_HDR_LEN,
			      reply, &rlen, &nc.c);
	/*
	 * A refused cookie costs no genl round trip: a spoofed flood would
	 * double lscd's work.  They go to the module as one count a flush.
	 */
	if (lscd_dtls_server_stats(r->srv)->cookie_refused != cookies &&
	    r->cookies_unreported < UINT32_MAX)
		r->cookies_unreported++;
	switch (lr) {
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
	/* Reported once kept: its outcome, whatever it is, is reported too. */
	report(d, CAPWAP_LSC_DTLS_STARTED, false, 1);
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
	lsc_notice("DTLS counters: %llu handshake(s) started, %llu completed, %llu handed over, %llu failed%s%s%s, %llu not handed over; FailedDTLSAuthFailCount %llu; cookies sent %llu, refused %llu; busy %llu (per IP %llu); %llu association(s) ended by the module; %llu oversized datagram(s) dropped",
		   (unsigned long long)s.started, (unsigned long long)s.completed,
		   (unsigned long long)(s.completed - r->keys_refused),
		   (unsigned long long)nfail, nfail ? " (" : "", fails,
		   nfail ? ")" : "", (unsigned long long)r->keys_refused,
		   (unsigned long long)s.auth_fail,
		   (unsigned long long)s.hello_verify,
		   (unsigned long long)s.cookie_refused,
		   (unsigned long long)s.busy, (unsigned long long)s.busy_ip,
		   (unsigned long long)r->closed, (unsigned long long)r->oversize);
	r->dirty = false;
}

uint64_t lscd_dtls_relay_tick(struct lscd *d, uint64_t now, uint64_t next)
{
	struct lscd_dtls_relay *r = d->dtls;
	struct timeval left;
	size_t i;

	if (!r)
		return next;
	if (r->rejoin_ms && now >= r->rejoin_ms)
		lscd_dtls_relay_rejoin(d);
	if (r->rejoin_ms && r->rejoin_ms < next)
		next = r->rejoin_ms;
	for (i = 0; i <= __LSCD_DTLS_REFUSAL_MAX; i++) {
		struct log_limit *l = i < __LSCD_DTLS_REFUSAL_MAX ?
				      &r->refusal_log[i] : &r->oversize_log;

		if (!l->suppressed)
			continue;
		if (now >= l->until)
			limit_flush(l);
		else if (l->until < next)
			next = l->until;
	}
	if (r->srv && now >= r->rotate_ms) {
		if (lscd_dtls_server_rotate_cookie(r->srv))
			lsc_err("DTLS: cannot draw a new cookie secret");
		else
			push_cookie(d);
		r->rotate_ms = now + RELAY_COOKIE_ROTATE_MS;
	}
	if (r->srv && r->rotate_ms < next)
		next = r->rotate_ms;
	/* Not while the module is away: joining again pushes them. */
	if (r->cookie_retry_ms && !r->rejoin_ms && now >= r->cookie_retry_ms)
		push_cookie(d);
	if (r->cookie_retry_ms && !r->rejoin_ms && r->cookie_retry_ms < next)
		next = r->cookie_retry_ms;
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
	if (r->cookies_unreported && now >= r->report_ms) {
		report_cookies(d);
		r->report_ms = now + RELAY_REPORT_MS;
	}
	if (r->cookies_unreported && r->report_ms < next)
		next = r->report_ms;
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
	/*
	 * Each half-open association was reported started; reported as
	 * abandoned, the module's started still equals completed plus failed.
	 */
	if (r->nconns) {
		lsc_info("DTLS: %zu handshake%s in progress abandoned at exit: %s peer%s must start again",
			 r->nconns, r->nconns == 1 ? "" : "s",
			 r->nconns == 1 ? "its" : "their", r->nconns == 1 ? "" : "s");
		report(d, CAPWAP_LSC_DTLS_FAILED_ABANDONED, false,
		       r->nconns > CAPWAP_LSC_DTLS_MAX_COUNT ?
		       CAPWAP_LSC_DTLS_MAX_COUNT : (uint32_t)r->nconns);
	}
	while (r->nconns)
		remove_conn(r, &r->conns[0]);
	report_cookies(d);
	if (r->dirty || r->base.started || r->srv)
		log_counters(r);
	drop_server(r);
	/* The module must not hand out cookies no lscd will take. */
	push_cookie_as(d, true);
	free(r->conns);
	lsc_genl_close(&r->sk);
	free(r);
	d->dtls = NULL;
}
