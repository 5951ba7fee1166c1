// SPDX-License-Identifier: GPL-2.0
/*
 * libcurl transfers for SCEP.  Proxy variables (http_proxy, https_proxy,
 * no_proxy) are left to libcurl, which honours them by default.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"

int lsc_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -EIO;
}

void lsc_http_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct lsc_http_xfer *x = arg;
	size_t n = size * nmemb;

	if (x->len + n > LSC_HTTP_MAX_BODY)
		return 0;
	if (x->len + n + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 4096;
		uint8_t *b;

		while (cap < x->len + n + 1)
			cap *= 2;
		b = realloc(x->body, cap);
		if (!b)
			return 0;
		x->body = b;
		x->cap = cap;
	}
	memcpy(x->body + x->len, ptr, n);
	x->len += n;
	x->body[x->len] = '\0';
	return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct lsc_http_xfer *x = arg;
	size_t n = size * nmemb, l = n;

	while (l && (ptr[l - 1] == '\r' || ptr[l - 1] == '\n'))
		l--;
	if (x->cfg->trace && l)
		fprintf(stderr, "scep: %s: < %.*s\n", x->tag, (int)l, ptr);
	return n;
}

int lsc_http_xfer_init(struct lsc_http_xfer *x, const struct lsc_http_cfg *cfg,
		       const char *url, const char *content_type,
		       const void *body, size_t len, const char *tag)
{
	CURL *e;
	unsigned int attempt = x->attempt;

	memset(x, 0, sizeof(*x));
	x->attempt = attempt;
	x->cfg = cfg;
	snprintf(x->tag, sizeof(x->tag), "%s", tag ? tag : "http");
	x->url = strdup(url);
	e = curl_easy_init();
	if (!x->url || !e) {
		curl_easy_cleanup(e);
		free(x->url);
		x->url = NULL;
		return -ENOMEM;
	}
	x->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "lscd/" CAPWAP_LSC_VERSION);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)cfg->timeout_ms);
	if (cfg->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_bundle);
	if (cfg->pinned_pubkey)
		curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, cfg->pinned_pubkey);
	if (body) {
		char hdr[160];

		snprintf(hdr, sizeof(hdr), "Content-Type: %s",
			 content_type ? content_type : "application/octet-stream");
		x->headers = curl_slist_append(NULL, hdr);
		if (!x->headers) {
			lsc_http_xfer_cleanup(x);
			return -ENOMEM;
		}
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, (const char *)body);
	}
	if (cfg->trace)
		fprintf(stderr, "scep: %s: > %s %s%s\n", x->tag,
			body ? "POST" : "GET", url,
			x->attempt ? " (retry)" : "");
	return 0;
}

void lsc_http_xfer_done(struct lsc_http_xfer *x, CURLcode code)
{
	char *ct = NULL;

	x->code = code;
	x->attempt++;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
	if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(x->content_type, sizeof(x->content_type), "%s", ct);
	if (!x->cfg->trace)
		return;
	if (code != CURLE_OK)
		fprintf(stderr, "scep: %s: transfer failed: %s\n", x->tag,
			x->errbuf[0] ? x->errbuf : curl_easy_strerror(code));
	else
		fprintf(stderr, "scep: %s: HTTP status %ld, MIME type %s, %zu bytes\n",
			x->tag, x->status,
			x->content_type[0] ? x->content_type : "(none)", x->len);
}

/* Frees what a transfer holds but keeps its attempt count for retries. */
void lsc_http_xfer_reset(struct lsc_http_xfer *x)
{
	unsigned int attempt = x->attempt;

	lsc_http_xfer_cleanup(x);
	x->attempt = attempt;
}

void lsc_http_xfer_cleanup(struct lsc_http_xfer *x)
{
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->url);
	free(x->body);
	memset(x, 0, sizeof(*x));
}

bool lsc_http_xfer_failed(const struct lsc_http_xfer *x)
{
	return x->code != CURLE_OK;
}

/*
 * Worth another attempt: the CA could not be reached or timed out, or a
 * gateway in front of it said so.  A definite answer (any other status,
 * or a TLS/pinning failure) is not retried.
 */
bool lsc_http_xfer_retryable(const struct lsc_http_xfer *x)
{
	switch (x->code) {
	case CURLE_OK:
		return x->status == 502 || x->status == 503 || x->status == 504;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

/*
 * Whether a failed transfer may have delivered its request: only a name
 * that did not resolve or a connection never made prove it did not.
 */
bool lsc_http_xfer_maybe_delivered(const struct lsc_http_xfer *x)
{
	switch (x->code) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return false;
	default:
		return true;
	}
}

/* Doubling from retry_initial_ms, capped at retry_max_ms. */
unsigned int lsc_http_retry_delay_ms(const struct lsc_http_cfg *cfg,
				     unsigned int attempt)
{
	unsigned long long d = cfg->retry_initial_ms;

	while (attempt-- > 1 && d < cfg->retry_max_ms)
		d *= 2;
	return d > cfg->retry_max_ms ? cfg->retry_max_ms : (unsigned int)d;
}

void lsc_http_xfer_error(const struct lsc_http_xfer *x, char *buf, size_t size)
{
	if (x->code != CURLE_OK)
		snprintf(buf, size, "%s (%s) after %u attempt%s",
			 x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->code),
			 x->url ? x->url : "?", x->attempt,
			 x->attempt == 1 ? "" : "s");
	else
		snprintf(buf, size, "HTTP status %ld from %s", x->status,
			 x->url ? x->url : "?");
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Blocking transfer with bounded retries.  Returns 0 when a reply came
 * (whatever its status; see x->status), -EHOSTUNREACH when every attempt
 * failed in transport, or another negative errno.
 */
int lsc_http_fetch(struct lsc_http_xfer *x, const struct lsc_http_cfg *cfg,
		   const char *url, const char *content_type, const void *body,
		   size_t len, const char *tag)
{
	int rc;

	x->attempt = 0;
	for (;;) {
		rc = lsc_http_xfer_init(x, cfg, url, content_type, body, len, tag);
		if (rc)
			return rc;
		lsc_http_xfer_done(x, curl_easy_perform(x->easy));
		if (!lsc_http_xfer_retryable(x) || x->attempt > cfg->retries)
			break;
		if (cfg->trace)
			fprintf(stderr, "scep: %s: CA unreachable, attempt %u of %u, retrying in %u ms\n",
				tag, x->attempt, cfg->retries + 1,
				lsc_http_retry_delay_ms(cfg, x->attempt));
		sleep_ms(lsc_http_retry_delay_ms(cfg, x->attempt));
		lsc_http_xfer_reset(x);
	}
	return lsc_http_xfer_failed(x) ? -EHOSTUNREACH : 0;
}
