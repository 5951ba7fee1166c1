/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_KERNEL_H
#define LSCD_KERNEL_H

/*
 * lscd's side of the capwap_lsc genl family.  Requests are accepted and
 * completed on one command socket: the kernel ties an accepted request to
 * the socket that took it, and gives it back to the queue when that
 * socket closes (lscd exiting or killed).
 */

#include <stdbool.h>
#include <stdint.h>
#include <openssl/x509.h>

#include "genl.h"

struct lscd_request {
	uint64_t id;
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	char model[64];
	char serial[64];
	uint8_t *csr;
	size_t csr_len;
	unsigned int key_type;
	unsigned int key_bits;
	uint32_t flags;
};

struct lscd_ctrl_status {
	const char *ca_url;
	bool ca_present;
	bool ra_present;
	bool have_fp;
	uint8_t ca_fp[CAPWAP_LSC_SHA256_LEN];
	uint64_t ca_expiry;
	bool cert_present;
	uint64_t cert_expiry;
};

struct lscd_ap_info {
	uint8_t mac[CAPWAP_LSC_MAC_LEN];
	unsigned int session;
	unsigned int state;
	unsigned int cert_type;
	uint64_t cert_expiry;
};

/* Loads capwap_lsc with libkmod when its family is missing, then opens. */
int lscd_kernel_open(struct lsc_genl *g, bool load);

/* id 0 takes the oldest waiting request; -ENOENT when none waits. */
int lscd_kernel_accept(struct lsc_genl *g, uint64_t id, struct lscd_request *r);
void lscd_request_release(struct lscd_request *r);

/* cert is x as DER: both, so that neither is converted again. */
int lscd_kernel_complete_ok(struct lsc_genl *g, uint64_t id,
			    STACK_OF(X509) *chain, X509 *x,
			    const uint8_t *cert, size_t cert_len);
int lscd_kernel_complete_fail(struct lsc_genl *g, uint64_t id, int result,
			      const char *reason);
/* The subject the module tells APs to use, by field ("" when unset). */
int lscd_kernel_get_subject(struct lsc_genl *g,
			    char subject[][CAPWAP_LSC_MAX_SUBJECT_LEN + 1]);
int lscd_kernel_set_ca(struct lsc_genl *g, STACK_OF(X509) *chain);
/* The challenge password the APs put into their requests; "" for none. */
int lscd_kernel_set_ap_challenge(struct lsc_genl *g, const char *challenge);
int lscd_kernel_set_controller(struct lsc_genl *g,
			       const struct lscd_ctrl_status *st);
/* mac NULL: every AP in Run with an LSC. */
int lscd_kernel_renew(struct lsc_genl *g, const uint8_t *mac);
typedef void (*lscd_ap_fn)(const struct lscd_ap_info *ap, void *arg);
int lscd_kernel_ap_dump(struct lsc_genl *g, lscd_ap_fn fn, void *arg);

#endif /* LSCD_KERNEL_H */
