// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>
#include <openssl/evp.h>

#include "controller.h"
#include "genl_events.h"
#include "kernel.h"
#include "log.h"

/* Room for a chain of CAPWAP_LSC_MAX_CHAIN certificates and one more. */
#define CERT_MSG_SIZE ((CAPWAP_LSC_MAX_CHAIN + 1) * CAPWAP_LSC_MAX_DER_LEN + 4096)

static int load_module(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int rc;

	if (!ctx)
		return -ENOMEM;
	rc = kmod_module_new_from_name(ctx, "capwap_lsc", &mod);
	if (!rc)
		rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST,
						     NULL, NULL, NULL, NULL);
	if (rc > 0)
		rc = -EPERM;	/* blacklisted */
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return rc;
}

int lscd_kernel_open(struct lsc_genl *g, bool load)
{
	int rc = lsc_genl_open(g);

	if (rc != -ENOENT || !load)
		return rc;
	rc = load_module();
	if (rc) {
		lsc_err("cannot load capwap_lsc: %s", strerror(-rc));
		return -ENOENT;
	}
	lsc_info("loaded the capwap_lsc module");
	return lsc_genl_open(g);
}

static int on_accept(struct nlattr **a, void *arg)
{
	struct lscd_request *r = arg;

	if (!a[CAPWAP_LSC_A_REQUEST_ID] || !a[CAPWAP_LSC_A_MAC] ||
	    !a[CAPWAP_LSC_A_CSR] || nla_len(a[CAPWAP_LSC_A_MAC]) != CAPWAP_LSC_MAC_LEN)
		return -EPROTO;
	r->id = nla_get_u64(a[CAPWAP_LSC_A_REQUEST_ID]);
	memcpy(r->mac, nla_data(a[CAPWAP_LSC_A_MAC]), CAPWAP_LSC_MAC_LEN);
	if (a[CAPWAP_LSC_A_AP_MODEL])
		nla_strlcpy(r->model, a[CAPWAP_LSC_A_AP_MODEL], sizeof(r->model));
	if (a[CAPWAP_LSC_A_AP_SERIAL])
		nla_strlcpy(r->serial, a[CAPWAP_LSC_A_AP_SERIAL], sizeof(r->serial));
	if (a[CAPWAP_LSC_A_KEY_TYPE])
		r->key_type = nla_get_u8(a[CAPWAP_LSC_A_KEY_TYPE]);
	if (a[CAPWAP_LSC_A_KEY_BITS])
		r->key_bits = nla_get_u16(a[CAPWAP_LSC_A_KEY_BITS]);
	if (a[CAPWAP_LSC_A_FLAGS])
		r->flags = nla_get_u32(a[CAPWAP_LSC_A_FLAGS]);
	r->csr_len = (size_t)nla_len(a[CAPWAP_LSC_A_CSR]);
	r->csr = malloc(r->csr_len ? r->csr_len : 1);
	if (!r->csr)
		return -ENOMEM;
	memcpy(r->csr, nla_data(a[CAPWAP_LSC_A_CSR]), r->csr_len);
	return 0;
}

int lscd_kernel_accept(struct lsc_genl *g, uint64_t id, struct lscd_request *r)
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_ACCEPT, 0);
	int rc;

	memset(r, 0, sizeof(*r));
	if (!msg)
		return -ENOMEM;
	if (id && nla_put_u64(msg, CAPWAP_LSC_A_REQUEST_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	rc = lsc_genl_call(g, msg, on_accept, r);
	if (!rc && !r->csr)
		rc = -EPROTO;
	if (rc)
		lscd_request_release(r);
	return rc;
}

void lscd_request_release(struct lscd_request *r)
{
	free(r->csr);
	r->csr = NULL;
	r->csr_len = 0;
}

static int put_chain(struct nl_msg *msg, STACK_OF(X509) *chain)
{
	struct nlattr *nest = nla_nest_start(msg, CAPWAP_LSC_A_CA_CHAIN);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < sk_X509_num(chain) && i < CAPWAP_LSC_MAX_CHAIN; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(chain, i), &der);
		int bad;

		if (len <= 0)
			return -ENOMEM;
		bad = nla_put(msg, CAPWAP_LSC_A_CERT, len, der);
		OPENSSL_free(der);
		if (bad)
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The AP's record shows the expiry and issuer of its LSC once it installed
 * it; the kernel does not parse certificates, so it takes them from here.
 */
static int put_issued(struct nl_msg *msg, X509 *x)
{
	const unsigned char *der;
	unsigned char hash[CAPWAP_LSC_SHA256_LEN];
	uint64_t expiry = lscd_cert_expiry(x);
	size_t der_len;

	if (!x)
		return 0;
	if (expiry && nla_put_u64(msg, CAPWAP_LSC_A_CERT_EXPIRY, expiry))
		return -EMSGSIZE;
	if (X509_NAME_get0_der(X509_get_issuer_name(x), &der, &der_len) &&
	    EVP_Digest(der, der_len, hash, NULL, EVP_sha256(), NULL) &&
	    nla_put(msg, CAPWAP_LSC_A_ISSUER_HASH, sizeof(hash), hash))
		return -EMSGSIZE;
	return 0;
}

int lscd_kernel_complete_ok(struct lsc_genl *g, uint64_t id,
			    STACK_OF(X509) *chain, X509 *x,
			    const uint8_t *cert, size_t cert_len)
{
	struct nl_msg *msg = lsc_genl_msg_sized(g, CAPWAP_LSC_CMD_COMPLETE, 0,
						CERT_MSG_SIZE);
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = nla_put_u64(msg, CAPWAP_LSC_A_REQUEST_ID, id) ||
	     nla_put_u8(msg, CAPWAP_LSC_A_RESULT, CAPWAP_LSC_RESULT_SUCCESS) ?
	     -EMSGSIZE : put_chain(msg, chain);
	if (!rc && nla_put(msg, CAPWAP_LSC_A_CERT, (int)cert_len, cert))
		rc = -EMSGSIZE;
	if (!rc)
		rc = put_issued(msg, x);
	if (rc) {
		nlmsg_free(msg);
		return rc;
	}
	return lsc_genl_call(g, msg, NULL, NULL);
}

int lscd_kernel_complete_fail(struct lsc_genl *g, uint64_t id, int result,
			      const char *reason)
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_COMPLETE, 0);
	char r[CAPWAP_LSC_MAX_REASON_LEN + 1];

	if (!msg)
		return -ENOMEM;
	snprintf(r, sizeof(r), "%s", reason ? reason : "");
	if (nla_put_u64(msg, CAPWAP_LSC_A_REQUEST_ID, id) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_RESULT, (uint8_t)result) ||
	    nla_put_string(msg, CAPWAP_LSC_A_REASON, r)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lsc_genl_call(g, msg, NULL, NULL);
}

int lscd_kernel_set_ap_challenge(struct lsc_genl *g, const char *challenge)
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_SET_CONFIG, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, CAPWAP_LSC_A_AP_CHALLENGE, challenge)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lsc_genl_call(g, msg, NULL, NULL);
}

static int subject_reply(struct nlattr **a, void *arg)
{
	char (*subject)[CAPWAP_LSC_MAX_SUBJECT_LEN + 1] = arg;
	struct nlattr *f;
	int rem;

	if (!a[CAPWAP_LSC_A_SUBJECT])
		return 0;
	nla_for_each_nested(f, a[CAPWAP_LSC_A_SUBJECT], rem) {
		int t = nla_type(f);
		size_t len = strnlen(nla_data(f), (size_t)nla_len(f));

		if (t < 1 || t > CAPWAP_LSC_SUBJ_A_MAX || len > CAPWAP_LSC_MAX_SUBJECT_LEN)
			continue;
		memcpy(subject[t], nla_data(f), len);
		subject[t][len] = '\0';
	}
	return 0;
}

int lscd_kernel_get_subject(struct lsc_genl *g,
			    char subject[][CAPWAP_LSC_MAX_SUBJECT_LEN + 1])
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_CONFIG, 0);
	int i;

	for (i = 0; i <= CAPWAP_LSC_SUBJ_A_MAX; i++)
		subject[i][0] = '\0';
	if (!msg)
		return -ENOMEM;
	return lsc_genl_call(g, msg, subject_reply, subject);
}

int lscd_kernel_set_ca(struct lsc_genl *g, STACK_OF(X509) *chain)
{
	struct nl_msg *msg = lsc_genl_msg_sized(g, CAPWAP_LSC_CMD_SET_CA, 0,
						CERT_MSG_SIZE);
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = put_chain(msg, chain);
	if (rc) {
		nlmsg_free(msg);
		return rc;
	}
	return lsc_genl_call(g, msg, NULL, NULL);
}

int lscd_kernel_set_controller(struct lsc_genl *g,
			       const struct lscd_ctrl_status *st)
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_SET_CONTROLLER, 0);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, CAPWAP_LSC_A_CONTROLLER);
	if (!nest ||
	    (st->ca_url && nla_put_string(msg, CAPWAP_LSC_CTRL_A_CA_URL, st->ca_url)) ||
	    nla_put_u8(msg, CAPWAP_LSC_CTRL_A_CA_PRESENT, st->ca_present) ||
	    nla_put_u8(msg, CAPWAP_LSC_CTRL_A_RA_PRESENT, st->ra_present) ||
	    (st->have_fp && nla_put(msg, CAPWAP_LSC_CTRL_A_CA_FINGERPRINT,
				    sizeof(st->ca_fp), st->ca_fp)) ||
	    (st->ca_expiry && nla_put_u64(msg, CAPWAP_LSC_CTRL_A_CA_EXPIRY,
					  st->ca_expiry)) ||
	    nla_put_u8(msg, CAPWAP_LSC_CTRL_A_CERT_PRESENT, st->cert_present) ||
	    (st->cert_expiry && nla_put_u64(msg, CAPWAP_LSC_CTRL_A_CERT_EXPIRY,
					    st->cert_expiry))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return lsc_genl_call(g, msg, NULL, NULL);
}

int lscd_kernel_renew(struct lsc_genl *g, const uint8_t *mac)
{
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_RENEW, 0);
	int bad;

	if (!msg)
		return -ENOMEM;
	bad = mac ? nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac) :
	      nla_put_u32(msg, CAPWAP_LSC_A_FLAGS, CAPWAP_LSC_F_ALL);
	if (bad) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return lsc_genl_call(g, msg, NULL, NULL);
}

struct dump_state {
	lscd_ap_fn fn;
	void *arg;
};

static int on_ap(struct nlattr **a, void *arg)
{
	struct dump_state *d = arg;
	struct nlattr *t[CAPWAP_LSC_AP_A_MAX + 1];
	struct lscd_ap_info ap = { 0 };

	if (!a[CAPWAP_LSC_A_AP] ||
	    nla_parse_nested(t, CAPWAP_LSC_AP_A_MAX, a[CAPWAP_LSC_A_AP], NULL) ||
	    !t[CAPWAP_LSC_AP_A_MAC] ||
	    nla_len(t[CAPWAP_LSC_AP_A_MAC]) != CAPWAP_LSC_MAC_LEN)
		return 0;
	memcpy(ap.mac, nla_data(t[CAPWAP_LSC_AP_A_MAC]), CAPWAP_LSC_MAC_LEN);
	if (t[CAPWAP_LSC_AP_A_SESSION])
		ap.session = nla_get_u8(t[CAPWAP_LSC_AP_A_SESSION]);
	if (t[CAPWAP_LSC_AP_A_STATE])
		ap.state = nla_get_u8(t[CAPWAP_LSC_AP_A_STATE]);
	if (t[CAPWAP_LSC_AP_A_CERT_TYPE])
		ap.cert_type = nla_get_u8(t[CAPWAP_LSC_AP_A_CERT_TYPE]);
	if (t[CAPWAP_LSC_AP_A_CERT_EXPIRY])
		ap.cert_expiry = nla_get_u64(t[CAPWAP_LSC_AP_A_CERT_EXPIRY]);
	d->fn(&ap, d->arg);
	return 0;
}

int lscd_kernel_ap_dump(struct lsc_genl *g, lscd_ap_fn fn, void *arg)
{
	struct dump_state d = { fn, arg };
	struct nl_msg *msg = lsc_genl_msg(g, CAPWAP_LSC_CMD_GET_AP, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	return lsc_genl_call(g, msg, on_ap, &d);
}
