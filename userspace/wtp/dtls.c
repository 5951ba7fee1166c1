// SPDX-License-Identifier: GPL-2.0
/*
 * The AP's DTLS client (dtls.h).
 *
 * Each AP owns an SSL object whose read BIO is a memory BIO holding the
 * one datagram being processed, and whose write BIO is ours: one
 * BIO_write() is one datagram, sent at once on the AP's connected socket
 * behind the CAPWAP DTLS header (RFC 5415 section 4.2).  OpenSSL never
 * sleeps or reads a socket, so thousands of APs share one event loop and
 * the retransmission timer is the AP's own timer, set from
 * DTLSv1_get_timeout() and served by DTLSv1_handle_timeout().
 *
 * DTLS 1.2 only (RFC 8996 retired 1.0), no renegotiation, no tickets,
 * certificate suites only (no aNULL, no PSK: nothing skips the check).
 * The controller's certificate is judged here, not by OpenSSL's purpose
 * check (which would want serverAuth, while RFC 5415 gives the controller
 * id-kp-capwapAC):
 *   - it chains to the AP's one trust anchor: once the AP holds an LSC,
 *     the CA that issued that LSC (partial chain: not the root above it,
 *     whose other CAs are foreign, docs/PROTOCOL.md 6.7); before, the
 *     --controller-ca file's certificates;
 *   - its chain meets the SSL security level (at least 2: no RSA-1024,
 *     no SHA-1 signature), which a store context of our own would not
 *     apply by itself;
 *   - it is no CA certificate, and its EKU passes lscd's own check for
 *     the AC role (lscd_dtls_eku_check(), docs/PROTOCOL.md 6.7);
 *   - it names the controller, --controller-name, which --dtls requires
 *     (X509_check_host(): a DNS SAN, else the CN): the LSC CA signs every
 *     AP's LSC too, so only a positive identity tells the controller's
 *     certificate from an AP's;
 *   - its CN names no AP (a MAC in one of RFC 5415's or Cisco's forms),
 *     a second line behind the name.
 * Revocation is not checked (no CRL, no OCSP).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "../lscd/dtls_peer.h"
#include "clock.h"
#include "dgram_bio.h"
#include "dtls.h"
#include "log.h"
#include "mac.h"
#include "wire_dtls.h"
#include "wtp.h"

/* The suites of RFC 5415 and of Cisco's controllers, GCM first. */
#define WTP_DTLS_SUITES \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"AES128-SHA:DHE-RSA-AES128-SHA"

/* lscd's own floor for the AP's chain (docs/PROTOCOL.md 6.7). */
#define WTP_DTLS_MIN_LEVEL	2

/* RFC 5415 section 4.7.22: WaitDTLS. */
#define WTP_WAIT_DTLS_MS	60000

struct wtp_dtls_ctx {
	SSL_CTX *ctx;
	BIO_METHOD *out;
	STACK_OF(X509) *controller_cas;
	char *controller_name;
	FILE *keylog;
};

/* ---- Datagrams out -------------------------------------------------------- */

static int out_write(BIO *b, const char *data, int len)
{
	struct wtp_ap *ap = BIO_get_data(b);
	uint8_t dgram[CAPWAP_DTLS_HDR_LEN + WTP_PKT_MAX];

	BIO_clear_retry_flags(b);
	if (len <= 0 || (size_t)len > WTP_PKT_MAX)
		return -1;
	capwap_dtls_put_header(dgram);
	memcpy(dgram + CAPWAP_DTLS_HDR_LEN, data, len);
	/* A lost datagram is DTLS's retransmission's business, as on a link. */
	if (send(ap->io.fd, dgram, CAPWAP_DTLS_HDR_LEN + len, 0) < 0 &&
	    errno != ECONNREFUSED)
		lsc_debug("%s: send: %s", ap->cn, strerror(errno));
	return len;
}

/* ---- The controller's certificate ------------------------------------ */

static int chain_to(SSL *ssl, X509 *cert, STACK_OF(X509) *sent,
		    STACK_OF(X509) *anchors, const char *what, char *why,
		    size_t size)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *xs = X509_STORE_CTX_new();
	int i, ok = 0;

	if (!store || !xs) {
		snprintf(why, size, "out of memory checking its chain");
		goto out;
	}
	for (i = 0; i < sk_X509_num(anchors); i++)
		X509_STORE_add_cert(store, sk_X509_value(anchors, i));
	/* An intermediate given as the anchor is trusted as such. */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	if (!X509_STORE_CTX_init(xs, store, cert, sent)) {
		snprintf(why, size, "cannot check its chain");
		goto out;
	}
	/* A context of our own: the SSL's security level is ours to apply. */
	X509_VERIFY_PARAM_set_auth_level(X509_STORE_CTX_get0_param(xs),
					 SSL_get_security_level(ssl));
	ok = X509_verify_cert(xs) == 1;
	if (!ok)
		snprintf(why, size, "it does not chain to %s: %s", what,
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(xs)));
out:
	X509_STORE_CTX_free(xs);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok;
}

/*
 * The CA that issued the AP's LSC, alone: the other certificates delivered
 * with it (the root above it among them) are no anchors, or a sibling CA
 * under the same root could vouch for a controller.
 */
static STACK_OF(X509) *lsc_issuer(struct wtp_ap *ap)
{
	STACK_OF(X509) *one = NULL;
	int i;

	for (i = 0; i < sk_X509_num(ap->lsc_cas); i++) {
		X509 *ca = sk_X509_value(ap->lsc_cas, i);

		if (X509_check_issued(ca, ap->lsc_cert) != X509_V_OK)
			continue;
		one = sk_X509_new_null();
		if (one && !sk_X509_push(one, ca)) {
			sk_X509_free(one);
			one = NULL;
		}
		break;
	}
	return one;
}

static int judge(SSL *ssl, struct wtp_ap *ap, X509 *cert,
		 STACK_OF(X509) *sent, char *why, size_t size)
{
	struct wtp_dtls_ctx *d = ap->sim->dtls;
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char text[160], macs[LSC_MAC_STR_LEN];

	if (!cert) {
		snprintf(why, size, "the controller sent no certificate");
		return 0;
	}
	if (ap->lsc_cert && ap->lsc_cas) {
		STACK_OF(X509) *issuer = lsc_issuer(ap);
		int ok;

		if (!issuer) {
			snprintf(text, sizeof(text),
				 "the CA that issued the AP's LSC is not among the CA certificates installed with it");
			goto refused;
		}
		ok = chain_to(ssl, cert, sent, issuer,
			      "the CA that issued the AP's LSC", text,
			      sizeof(text));
		sk_X509_free(issuer);
		if (!ok)
			goto refused;
	} else if (d->controller_cas) {
		if (!chain_to(ssl, cert, sent, d->controller_cas,
			      "the controller CA file", text, sizeof(text)))
			goto refused;
	} else {
		snprintf(text, sizeof(text),
			 "the AP holds no LSC and was given no controller CA (--controller-ca) to check it against");
		goto refused;
	}
	if (X509_check_ca(cert)) {
		snprintf(text, sizeof(text), "it is a CA certificate");
		goto refused;
	}
	if (lscd_dtls_eku_check(cert, LSCD_DTLS_ROLE_AC, LSCD_DTLS_EKU_DEFAULT,
				text, sizeof(text)))
		goto refused;
	if (!lscd_dtls_cn_mac(cert, mac)) {
		lsc_mac_format(macs, mac);
		snprintf(text, sizeof(text),
			 "its CN names the AP %s: an AP's certificate, not a controller's",
			 macs);
		goto refused;
	}
	if (X509_check_host(cert, d->controller_name, 0, 0, NULL) != 1) {
		snprintf(text, sizeof(text), "it does not name the controller %s",
			 d->controller_name);
		goto refused;
	}
	ap->dtls_verified = true;
	return 1;
refused:
	X509_NAME_oneline(X509_get_subject_name(cert), why, (int)size);
	snprintf(why + strlen(why), size - strlen(why), ": %s", text);
	return 0;
}

static int verify_controller(X509_STORE_CTX *xs, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs,
					      SSL_get_ex_data_X509_STORE_CTX_idx());
	struct wtp_ap *ap = SSL_get_app_data(ssl);
	int ok;

	(void)arg;
	ok = judge(ssl, ap, X509_STORE_CTX_get0_cert(xs),
		   X509_STORE_CTX_get0_untrusted(xs), ap->dtls_why,
		   sizeof(ap->dtls_why));
	X509_STORE_CTX_set_error(xs, ok ? X509_V_OK : X509_V_ERR_CERT_REJECTED);
	return ok;
}

static void keylog_line(const SSL *ssl, const char *line)
{
	struct wtp_dtls_ctx *d = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

	fprintf(d->keylog, "%s\n", line);
	fflush(d->keylog);
}

/* ---- The context ---------------------------------------------------------- */

static STACK_OF(X509) *read_cas(const char *path)
{
	STACK_OF(X509) *cas = sk_X509_new_null();
	BIO *b = BIO_new_file(path, "r");
	X509 *x;

	while (cas && b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		if (!sk_X509_push(cas, x))
			X509_free(x);
	BIO_free(b);
	ERR_clear_error();
	if (cas && !sk_X509_num(cas)) {
		sk_X509_free(cas);
		cas = NULL;
	}
	return cas;
}

/*
 * Session secrets: readable by the owner alone.  An existing file others
 * may read, a symbolic link someone planted, a second name (hard link) of
 * a file elsewhere, or a FIFO (opened without blocking, so none can hold
 * the start) is refused, not appended to.
 */
static FILE *open_keylog(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		      O_NOFOLLOW | O_NONBLOCK, 0600);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    (st.st_mode & 077) || st.st_uid != geteuid() ||
	    fcntl(fd, F_SETFL, O_APPEND) < 0) {
		close(fd);
		errno = EPERM;
		return NULL;
	}
	f = fdopen(fd, "a");
	if (!f)
		close(fd);
	return f;
}

int wtp_dtls_setup(struct wtp_sim *sim, const struct wtp_dtls_opts *o)
{
	struct wtp_dtls_ctx *d;
	char suites[1024];

	/*
	 * The LSC CA signs the APs' LSCs as well as the controller's: only
	 * the controller's name tells its certificate from an AP's.
	 */
	if (!o->controller_name || !*o->controller_name) {
		lsc_err("--dtls needs --controller-name NAME, the name (DNS SAN or CN) the controller's certificate must carry");
		return -1;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	sim->dtls = d;
	d->ctx = SSL_CTX_new(DTLS_client_method());
	d->out = lsc_dgram_bio_method("lsc-wtp DTLS datagrams", out_write);
	if (!d->ctx || !d->out) {
		lsc_err("cannot set up DTLS: %s", wtp_ssl_error());
		goto fail;
	}
	SSL_CTX_set_app_data(d->ctx, d);
	if (!SSL_CTX_set_min_proto_version(d->ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(d->ctx, DTLS1_2_VERSION)) {
		lsc_err("cannot restrict DTLS to version 1.2: %s", wtp_ssl_error());
		goto fail;
	}
	SSL_CTX_set_options(d->ctx, SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(d->ctx, SSL_SESS_CACHE_OFF);
	if (SSL_CTX_get_security_level(d->ctx) < WTP_DTLS_MIN_LEVEL)
		SSL_CTX_set_security_level(d->ctx, WTP_DTLS_MIN_LEVEL);
	/* Certificate suites only: "!aNULL:!PSK" keeps any from skipping it. */
	snprintf(suites, sizeof(suites), "%s:!aNULL:!PSK",
		 o->suites ? o->suites : WTP_DTLS_SUITES);
	if (!SSL_CTX_set_cipher_list(d->ctx, suites)) {
		lsc_err("no usable DTLS suite in \"%s\"",
			o->suites ? o->suites : WTP_DTLS_SUITES);
		goto fail;
	}
	SSL_CTX_set_verify(d->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_cert_verify_callback(d->ctx, verify_controller, NULL);
	if (o->controller_ca) {
		d->controller_cas = read_cas(o->controller_ca);
		if (!d->controller_cas) {
			lsc_err("--controller-ca %s: no PEM certificate in it",
				o->controller_ca);
			goto fail;
		}
	} else {
		lsc_warn("no --controller-ca: an AP without an LSC has nothing to verify the controller against, and its handshakes fail");
	}
	d->controller_name = strdup(o->controller_name);
	if (!d->controller_name)
		goto fail;
	if (o->keylog) {
		d->keylog = open_keylog(o->keylog);
		if (!d->keylog) {
			lsc_err("--keylog %s: %s", o->keylog, errno == EPERM ?
				"not a regular file of ours, with one name, that only we can read" :
				strerror(errno));
			goto fail;
		}
		SSL_CTX_set_keylog_callback(d->ctx, keylog_line);
		lsc_warn("writing every DTLS session's secrets to %s (--keylog)",
			 o->keylog);
	}
	return 0;
fail:
	wtp_dtls_teardown(sim);
	return -1;
}

void wtp_dtls_teardown(struct wtp_sim *sim)
{
	struct wtp_dtls_ctx *d = sim->dtls;

	if (!d)
		return;
	SSL_CTX_free(d->ctx);
	BIO_meth_free(d->out);
	sk_X509_pop_free(d->controller_cas, X509_free);
	free(d->controller_name);
	if (d->keylog)
		fclose(d->keylog);
	free(d);
	sim->dtls = NULL;
}

/* ---- One AP's session ----------------------------------------------------- */

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Why the handshake ended, in words, into ap->reason. */
static void handshake_failed(struct wtp_ap *ap)
{
	unsigned long e = ERR_peek_last_error();
	char text[160];

	ERR_error_string_n(e, text, sizeof(text));
	if (ap->dtls_why[0]) {
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: controller certificate refused: %.200s",
			 ap->dtls_why);
		goto out;
	}
	switch (ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0) {
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: the controller does not speak DTLS 1.2 (older versions are refused, RFC 8996): %s",
			 text);
		break;
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: no cipher suite in common with the controller: %s",
			 text);
		break;
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
	case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
	case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: the controller refused the AP's %s: %s",
			 ap->joined_with == CAPWAP_LSC_CERT_LSC ? "LSC" :
			 ap->joined_with == CAPWAP_LSC_CERT_SSC ? "SSC" : "MIC",
			 text);
		break;
	default:
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS handshake failed: %s", text);
	}
out:
	ERR_clear_error();
}

static void arm(struct wtp_ap *ap)
{
	struct timeval tv;
	uint64_t due = ap->req_deadline;

	if (DTLSv1_get_timeout(ap->ssl, &tv) == 1) {
		uint64_t rtx = lsc_now_ms() + (uint64_t)tv.tv_sec * 1000 +
			       (uint64_t)tv.tv_usec / 1000;

		if (rtx < due)
			due = rtx;
	}
	wtp_timer_at(&ap->sim->loop, &ap->timer, due);
}

static void step(struct wtp_ap *ap)
{
	uint64_t t0 = cpu_ns();
	int ret;

	/* SSL_get_error() reads the queue: nothing stale in it. */
	ERR_clear_error();
	ret = SSL_do_handshake(ap->ssl);
	ap->dtls_cpu_ns += cpu_ns() - t0;
	if (ret == 1 && (!ap->dtls_verified ||
			 !SSL_get0_peer_certificate(ap->ssl))) {
		/* No session without a controller certificate we judged. */
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: the handshake completed without a controller certificate accepted by the AP's check");
		ERR_clear_error();
		wtp_ap_dtls_done(ap, false);
		return;
	}
	if (ret == 1) {
		ap->dtls_up = true;
		ap->handshakes++;
		wtp_timer_stop(&ap->sim->loop, &ap->timer);
		lsc_debug("%s: DTLS session up (%s, %s)", ap->cn,
			  SSL_get_version(ap->ssl), SSL_get_cipher_name(ap->ssl));
		wtp_ap_dtls_done(ap, true);
		return;
	}
	if (SSL_get_error(ap->ssl, ret) == SSL_ERROR_WANT_READ) {
		arm(ap);
		return;
	}
	handshake_failed(ap);
	wtp_ap_dtls_done(ap, false);
}

int wtp_dtls_connect(struct wtp_ap *ap)
{
	struct wtp_dtls_ctx *d = ap->sim->dtls;
	BIO *rbio = NULL, *wbio = NULL;
	EVP_PKEY *key;
	X509 *cert;
	int type;

	wtp_dtls_close(ap);
	ap->dtls_why[0] = '\0';
	ap->dtls_verified = false;
	wtp_lsc_pick_cert(ap, &key, &cert, &type);
	ap->joined_with = type;
	ap->ssl = SSL_new(d->ctx);
	rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(d->out);
	if (!ap->ssl || !rbio || !wbio ||
	    SSL_use_certificate(ap->ssl, cert) != 1 ||
	    SSL_use_PrivateKey(ap->ssl, key) != 1) {
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: cannot present the AP's certificate: %s",
			 wtp_ssl_error());
		BIO_free(rbio);
		BIO_free(wbio);
		SSL_free(ap->ssl);
		ap->ssl = NULL;
		return -1;
	}
	/* An empty read BIO means "wait for the next datagram", not EOF. */
	BIO_set_mem_eof_return(rbio, -1);
	BIO_set_data(wbio, ap);
	SSL_set_bio(ap->ssl, rbio, wbio);
	SSL_set_app_data(ap->ssl, ap);
	SSL_set_connect_state(ap->ssl);
	DTLS_set_link_mtu(ap->ssl, ap->sim->mtu - CAPWAP_DTLS_HDR_LEN);
	ap->req_deadline = lsc_now_ms() + WTP_WAIT_DTLS_MS;
	step(ap);
	return 0;
}

static void session_over(struct wtp_ap *ap)
{
	unsigned long e = ERR_peek_last_error();
	char text[160];

	if (SSL_get_shutdown(ap->ssl) & SSL_RECEIVED_SHUTDOWN) {
		snprintf(ap->reason, sizeof(ap->reason),
			 "the controller closed the DTLS session (close_notify)");
	} else {
		ERR_error_string_n(e, text, sizeof(text));
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS session aborted: %s", text);
	}
	ERR_clear_error();
	wtp_ap_dtls_lost(ap);
}

void wtp_dtls_input(struct wtp_ap *ap, const uint8_t *dgram, size_t len)
{
	static uint8_t plain[WTP_PKT_MAX];
	int off = capwap_dtls_parse_header(dgram, len);
	SSL *ssl = ap->ssl;
	BIO *rbio;
	int n;

	if (!ssl || off < 0 || (size_t)off >= len)
		return;
	rbio = SSL_get_rbio(ssl);
	(void)BIO_reset(rbio);
	if (BIO_write(rbio, dgram + off, (int)(len - off)) != (int)(len - off))
		return;
	if (!ap->dtls_up) {
		step(ap);
		return;
	}
	/* A datagram may carry several records: read until it is used up. */
	while (ap->ssl == ssl) {
		ERR_clear_error();
		n = SSL_read(ssl, plain, sizeof(plain));
		if (n > 0) {
			wtp_ap_dtls_plain(ap, plain, (size_t)n);
			continue;
		}
		switch (SSL_get_error(ssl, n)) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			ERR_clear_error();
			return;
		default:
			session_over(ap);
			return;
		}
	}
}

void wtp_dtls_timeout(struct wtp_ap *ap)
{
	uint64_t t0;
	int ret;

	if (!ap->ssl || ap->dtls_up)
		return;
	if (lsc_now_ms() >= ap->req_deadline) {
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: no session with the controller within WaitDTLS (%d s)",
			 WTP_WAIT_DTLS_MS / 1000);
		wtp_ap_dtls_done(ap, false);
		return;
	}
	t0 = cpu_ns();
	ret = DTLSv1_handle_timeout(ap->ssl);
	ap->dtls_cpu_ns += cpu_ns() - t0;
	if (ret < 0) {
		snprintf(ap->reason, sizeof(ap->reason),
			 "DTLS: the controller stopped answering the handshake");
		ERR_clear_error();
		wtp_ap_dtls_done(ap, false);
		return;
	}
	if (ret > 0)
		ap->retransmitted++;
	arm(ap);
}

int wtp_dtls_send(struct wtp_ap *ap, const uint8_t *data, size_t len)
{
	int n;

	if (!ap->ssl || !ap->dtls_up)
		return -ENOTCONN;
	ERR_clear_error();
	n = SSL_write(ap->ssl, data, (int)len);
	if (n == (int)len)
		return 0;
	lsc_warn("%s: DTLS write of %zu bytes failed: %s", ap->cn, len,
		 wtp_ssl_error());
	return -EIO;
}

size_t wtp_dtls_data_mtu(struct wtp_ap *ap)
{
	return ap->ssl ? DTLS_get_data_mtu(ap->ssl) : 0;
}

void wtp_dtls_close(struct wtp_ap *ap)
{
	if (!ap->ssl)
		return;
	if (ap->dtls_up && !(SSL_get_shutdown(ap->ssl) & SSL_RECEIVED_SHUTDOWN))
		SSL_shutdown(ap->ssl);
	ERR_clear_error();
	SSL_free(ap->ssl);
	ap->ssl = NULL;
	ap->dtls_up = false;
}
