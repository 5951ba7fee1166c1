// SPDX-License-Identifier: GPL-2.0
/*
 * The Configuration Update Requests the controller sends in the LSC
 * exchange (docs/PROTOCOL.md section 4): CERT_PARAMS with the radios off,
 * the radios back on, LSC_STATUS, and the delivery of the certificates.
 *
 * The small ones are built in softirq with the AP's lock held, into
 * GFP_ATOMIC buffers the control code then owns as the outstanding
 * request.  A delivery is up to 24 KiB, so COMPLETE builds it in process
 * context, and the AP's record keeps it until the AP installed it: the
 * control code borrows its requests instead of copying them.
 */

#include <linux/slab.h>

#include "ap.h"
#include "config.h"
#include "control.h"
#include "stats.h"
#include "update.h"
#include "wire.h"

#include "capwap_lsc.h"

/*
 * The certificates as the AP gets them: the CA_CERT request, then the
 * DEVICE_CERT one, built by COMPLETE in process context and kept until
 * the AP installed them, since a session lost on the way sends them again.
 */
struct capwap_lsc_delivery {
	u8 *msg[2];
	u16 len[2];
	struct capwap_lsc_issued *issued;	/* the AP's once installed */
};

static u8 *begin_update(struct capwap_lsc_ap *ap, struct capwap_builder *b,
			size_t size)
{
	u8 *buf = kmalloc(size, GFP_ATOMIC);

	if (buf)
		capwap_build_init(b, buf, size, CAPWAP_MSG_CONFIG_UPDATE_REQ,
				  capwap_lsc_control_next_seq(ap));
	return buf;
}

static int send_update(struct capwap_lsc_ap *ap, struct capwap_builder *b,
		       u8 *buf)
{
	int len = capwap_build_finish(b);

	if (len < 0) {
		kfree(buf);
		capwap_lsc_count(CAPWAP_LSC_ST_TX_ERRORS);
		return len;
	}
	return capwap_lsc_control_request(ap, buf, len);
}

int capwap_lsc_send_params(struct capwap_lsc_ap *ap)
{
	struct capwap_builder b;
	u8 *buf;

	/* Six subject fields, the challenge and the radio state fit. */
	buf = begin_update(ap, &b, 1024);
	if (!buf)
		return -ENOMEM;
	capwap_lsc_config_put_params(&b, ap->attempts, ap->renew);
	/* Radios stay off while the AP is provisioned (docs/PROTOCOL.md). */
	capwap_put_radio_admin_state(&b, CAPWAP_RADIO_ID_WTP,
				     CAPWAP_RADIO_DISABLED);
	return send_update(ap, &b, buf);
}

int capwap_lsc_send_radios_on(struct capwap_lsc_ap *ap)
{
	struct capwap_builder b;
	u8 *buf;

	buf = begin_update(ap, &b, 64);
	if (!buf)
		return -ENOMEM;
	capwap_put_radio_admin_state(&b, CAPWAP_RADIO_ID_WTP,
				     CAPWAP_RADIO_ENABLED);
	return send_update(ap, &b, buf);
}

int capwap_lsc_send_status(struct capwap_lsc_ap *ap, const char *reason)
{
	struct capwap_lsc_status s = {
		.result = ap->last_result,
		.state = ap->state,
		.reason = reason,
		.reason_len = strlen(reason),
	};
	struct capwap_builder b;
	u8 *buf;

	buf = begin_update(ap, &b, 64 + s.reason_len);
	if (!buf)
		return -ENOMEM;
	capwap_lsc_put_status(&b, READ_ONCE(capwap_lsc_vendor_id),
			      CAPWAP_LSC_VSP_LSC_STATUS, &s);
	return send_update(ap, &b, buf);
}

int capwap_lsc_delivery_send(struct capwap_lsc_ap *ap,
			     enum capwap_lsc_delivery_part which)
{
	struct capwap_lsc_delivery *d = ap->delivery;

	return capwap_lsc_control_request_lent(ap, d->msg[which],
					       d->len[which]);
}

struct capwap_lsc_issued *
capwap_lsc_delivery_take_issued(struct capwap_lsc_delivery *d)
{
	struct capwap_lsc_issued *issued;

	if (!d)
		return NULL;
	issued = d->issued;
	d->issued = NULL;
	return issued;
}

void capwap_lsc_delivery_free(struct capwap_lsc_delivery *d)
{
	if (!d)
		return;
	kfree(d->msg[CAPWAP_LSC_DELIVER_CA]);
	kfree(d->msg[CAPWAP_LSC_DELIVER_DEVICE]);
	kfree(d->issued);
	kfree(d);
}

void capwap_lsc_delivery_drop(struct capwap_lsc_ap *ap)
{
	struct capwap_lsc_delivery *d = ap->delivery;

	if (!d)
		return;
	capwap_lsc_control_release(ap, d->msg[CAPWAP_LSC_DELIVER_CA]);
	capwap_lsc_control_release(ap, d->msg[CAPWAP_LSC_DELIVER_DEVICE]);
	kfree(d->issued);
	kfree(d);
	ap->delivery = NULL;
}

/* Bytes of the elements that carry an object of @len bytes in chunks. */
static size_t object_wire_len(size_t len)
{
	return len + DIV_ROUND_UP(len, CAPWAP_LSC_CHUNK_MAX) *
		     (CAPWAP_ELEM_HDR_LEN + CAPWAP_VSP_HDR_LEN +
		      CAPWAP_LSC_CHUNK_HDR_LEN);
}

/*
 * One Configuration Update Request with @n objects of element @elem_id.
 * What the AP reassembles is the message after the CAPWAP header, at
 * most CAPWAP_REASM_MAX_LEN bytes: -EMSGSIZE beyond.
 */
static int build_objects(u16 elem_id, const u8 *const *der, const u32 *len,
			 unsigned int n, u8 **out, u16 *out_len)
{
	u32 vendor_id = READ_ONCE(capwap_lsc_vendor_id);
	size_t size = CAPWAP_CTRL_HDR_LEN;
	struct capwap_builder b;
	unsigned int i;
	u8 *buf;
	int ret;

	for (i = 0; i < n; i++)
		size += object_wire_len(len[i]);
	if (size > CAPWAP_REASM_MAX_LEN)
		return -EMSGSIZE;
	size += CAPWAP_HDR_LEN;
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* The sequence number is set when it is sent. */
	capwap_build_init(&b, buf, size, CAPWAP_MSG_CONFIG_UPDATE_REQ, 0);
	for (i = 0; i < n; i++)
		capwap_lsc_put_object(&b, vendor_id, elem_id, i, n, der[i],
				      len[i]);
	ret = capwap_build_finish(&b);
	if (ret != size) {
		kfree(buf);
		return ret < 0 ? ret : -EINVAL;
	}
	*out = buf;
	*out_len = size;
	return 0;
}

int capwap_lsc_delivery_build(const u8 *const *der, const u32 *len,
			      unsigned int n,
			      const struct capwap_lsc_issued *issued,
			      struct capwap_lsc_delivery **out)
{
	struct capwap_lsc_delivery *d = kzalloc(sizeof(*d), GFP_KERNEL);
	int ret = -ENOMEM;

	if (!d)
		return -ENOMEM;
	if (issued->expiry || issued->have_issuer) {
		d->issued = kmemdup(issued, sizeof(*issued), GFP_KERNEL);
		if (!d->issued)
			goto err;
	}
	ret = build_objects(CAPWAP_LSC_VSP_CA_CERT, der, len, n - 1,
			    &d->msg[CAPWAP_LSC_DELIVER_CA],
			    &d->len[CAPWAP_LSC_DELIVER_CA]);
	if (!ret)
		ret = build_objects(CAPWAP_LSC_VSP_DEVICE_CERT, der + n - 1,
				    len + n - 1, 1,
				    &d->msg[CAPWAP_LSC_DELIVER_DEVICE],
				    &d->len[CAPWAP_LSC_DELIVER_DEVICE]);
	if (ret)
		goto err;
	*out = d;
	return 0;
err:
	capwap_lsc_delivery_free(d);
	return ret;
}
