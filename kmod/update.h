/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CAPWAP_LSC_UPDATE_H
#define _CAPWAP_LSC_UPDATE_H

#include <linux/types.h>

#include <linux/capwap_lsc.h>

struct capwap_lsc_ap;
struct capwap_lsc_delivery;

/* What the helper read in the certificate it completes a request with. */
struct capwap_lsc_issued {
	u64 expiry;		/* notAfter, seconds since the epoch; 0 unknown */
	bool have_issuer;
	u8 issuer_hash[CAPWAP_LSC_SHA256_LEN];
};

/*
 * Each builds one Configuration Update Request and makes it the AP's
 * outstanding request: 0, or -errno when nothing went out.  ap->lock
 * held, atomic context.
 */
int capwap_lsc_send_params(struct capwap_lsc_ap *ap);
int capwap_lsc_send_radios_on(struct capwap_lsc_ap *ap);
int capwap_lsc_send_status(struct capwap_lsc_ap *ap, const char *reason);

/* The two requests of a delivery, in the order they go out. */
enum capwap_lsc_delivery_part {
	CAPWAP_LSC_DELIVER_CA,
	CAPWAP_LSC_DELIVER_DEVICE,
};

/*
 * Process context: the CA_CERT and DEVICE_CERT requests for @der/@len,
 * the chain (root last) followed by the AP's certificate.  -EMSGSIZE when
 * the chain does not fit the one message the AP reassembles.
 */
int capwap_lsc_delivery_build(const u8 *const *der, const u32 *len,
			      unsigned int n,
			      const struct capwap_lsc_issued *issued,
			      struct capwap_lsc_delivery **out);
void capwap_lsc_delivery_free(struct capwap_lsc_delivery *d);
/* ap->lock held: sends part @which of ap->delivery, which keeps it. */
int capwap_lsc_delivery_send(struct capwap_lsc_ap *ap,
			     enum capwap_lsc_delivery_part which);
/* ap->lock held: what the helper read in the certificate, now the AP's. */
struct capwap_lsc_issued *
capwap_lsc_delivery_take_issued(struct capwap_lsc_delivery *d);
/* ap->lock held: frees ap->delivery, taking it back from the control code. */
void capwap_lsc_delivery_drop(struct capwap_lsc_ap *ap);

#endif /* _CAPWAP_LSC_UPDATE_H */
