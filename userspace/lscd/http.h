/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP(S) transport for SCEP on libcurl: one transfer object per request,
 * usable on its own (lsc_http_fetch, blocking, with retries) or added to a
 * curl multi handle by a caller that runs many transfers at once.
 */
#ifndef LSCD_HTTP_H
#define LSCD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

struct lsc_http_cfg {
	const char *ca_bundle;		/* CA file for https, else the system's */
	const char *pinned_pubkey;	/* CURLOPT_PINNEDPUBLICKEY, or NULL */
	unsigned int connect_timeout_ms;
	unsigned int timeout_ms;
	unsigned int retries;		/* extra attempts when unreachable */
	unsigned int retry_initial_ms;
	unsigned int retry_max_ms;
	bool trace;
};

struct lsc_http_xfer {
	CURL *easy;
	struct curl_slist *headers;
	const struct lsc_http_cfg *cfg;
	char *url;
	char tag[64];
	CURLcode code;
	long status;
	char content_type[128];
	uint8_t *body;
	size_t len, cap;
	char errbuf[CURL_ERROR_SIZE];
	unsigned int attempt;		/* attempts made so far */
};

#define LSC_HTTP_MAX_BODY (1024 * 1024)

int lsc_http_global_init(void);
void lsc_http_global_cleanup(void);
int lsc_http_xfer_init(struct lsc_http_xfer *x, const struct lsc_http_cfg *cfg,
		       const char *url, const char *content_type,
		       const void *body, size_t len, const char *tag);
void lsc_http_xfer_reset(struct lsc_http_xfer *x);
void lsc_http_xfer_done(struct lsc_http_xfer *x, CURLcode code);
void lsc_http_xfer_cleanup(struct lsc_http_xfer *x);
bool lsc_http_xfer_failed(const struct lsc_http_xfer *x);
bool lsc_http_xfer_maybe_delivered(const struct lsc_http_xfer *x);
bool lsc_http_xfer_retryable(const struct lsc_http_xfer *x);
unsigned int lsc_http_retry_delay_ms(const struct lsc_http_cfg *cfg,
				     unsigned int attempt);
void lsc_http_xfer_error(const struct lsc_http_xfer *x, char *buf, size_t size);
int lsc_http_fetch(struct lsc_http_xfer *x, const struct lsc_http_cfg *cfg,
		   const char *url, const char *content_type, const void *body,
		   size_t len, const char *tag);

#endif /* LSCD_HTTP_H */
