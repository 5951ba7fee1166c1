// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "capwap_lsc", the module's only
 * configuration interface.  include/uapi/linux/capwap_lsc.h describes
 * every command and attribute; the policies below enforce what it says,
 * so the handlers see only well-formed values.
 */

#include <linux/etherdevice.h>
#include <linux/in.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "ap.h"
#include "config.h"
#include "control.h"
#include "event.h"
#include "dtls.h"
#include "lsc.h"
#include "netlink.h"
#include "provlist.h"
#include "queue.h"
#include "stats.h"
#include "update.h"
#include "verify.h"
#include "wire.h"

#include "capwap_lsc.h"

enum capwap_lsc_mcgrp {
	CAPWAP_LSC_MCGRP_EVENTS_ID,
	CAPWAP_LSC_MCGRP_MONITOR_ID,
	CAPWAP_LSC_MCGRP_DTLS_ID,
};

/*
 * "events" names APs and the requests lscd may ACCEPT; "monitor" names
 * APs, their addresses' fate and the reasons their enrollments failed;
 * "dtls" carries every AP's handshake, which only the daemon that runs it
 * may read.
 */
static const struct genl_multicast_group capwap_lsc_mcgrps[] = {
	[CAPWAP_LSC_MCGRP_EVENTS_ID] = { .name = CAPWAP_LSC_MCGRP_EVENTS,
					 .flags = GENL_MCAST_CAP_NET_ADMIN },
	[CAPWAP_LSC_MCGRP_MONITOR_ID] = { .name = CAPWAP_LSC_MCGRP_MONITOR,
					  .flags = GENL_MCAST_CAP_NET_ADMIN },
	[CAPWAP_LSC_MCGRP_DTLS_ID] = { .name = CAPWAP_LSC_MCGRP_DTLS,
				       .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static const struct nla_policy subject_policy[CAPWAP_LSC_SUBJ_A_MAX + 1] = {
	[CAPWAP_LSC_SUBJ_A_COUNTRY] = { .type = NLA_NUL_STRING,
					.len = CAPWAP_LSC_COUNTRY_LEN },
	[CAPWAP_LSC_SUBJ_A_STATE] = { .type = NLA_NUL_STRING,
				      .len = CAPWAP_LSC_MAX_SUBJECT_LEN },
	[CAPWAP_LSC_SUBJ_A_LOCALITY] = { .type = NLA_NUL_STRING,
					 .len = CAPWAP_LSC_MAX_SUBJECT_LEN },
	[CAPWAP_LSC_SUBJ_A_ORG] = { .type = NLA_NUL_STRING,
				    .len = CAPWAP_LSC_MAX_SUBJECT_LEN },
	[CAPWAP_LSC_SUBJ_A_ORG_UNIT] = { .type = NLA_NUL_STRING,
					 .len = CAPWAP_LSC_MAX_SUBJECT_LEN },
	[CAPWAP_LSC_SUBJ_A_EMAIL] = { .type = NLA_NUL_STRING,
				      .len = CAPWAP_LSC_MAX_SUBJECT_LEN },
};

static const struct nla_policy ctrl_policy[CAPWAP_LSC_CTRL_A_MAX + 1] = {
	[CAPWAP_LSC_CTRL_A_CA_URL] = { .type = NLA_NUL_STRING, .len = 255 },
	[CAPWAP_LSC_CTRL_A_CA_PRESENT] = NLA_POLICY_MAX(NLA_U8, 1),
	[CAPWAP_LSC_CTRL_A_RA_PRESENT] = NLA_POLICY_MAX(NLA_U8, 1),
	[CAPWAP_LSC_CTRL_A_CA_FINGERPRINT] =
		NLA_POLICY_EXACT_LEN(CAPWAP_LSC_SHA256_LEN),
	[CAPWAP_LSC_CTRL_A_CA_EXPIRY] = { .type = NLA_U64 },
	[CAPWAP_LSC_CTRL_A_CERT_PRESENT] = NLA_POLICY_MAX(NLA_U8, 1),
	[CAPWAP_LSC_CTRL_A_CERT_EXPIRY] = { .type = NLA_U64 },
};

static const struct nla_policy chain_policy[CAPWAP_LSC_A_MAX + 1] = {
	[CAPWAP_LSC_A_CERT] = { .type = NLA_BINARY,
				.len = CAPWAP_LSC_MAX_DER_LEN },
};

/* Beyond the s16 bounds of NLA_POLICY_MAX, which would warn at runtime. */
static struct netlink_range_validation validity_range = {
	.max = CAPWAP_LSC_MAX_VALIDITY_DAYS,
};

/* A refused-cookie count of a flush, bounded (lscd splits a larger one). */
static struct netlink_range_validation dtls_count_range = {
	.min = 1,
	.max = CAPWAP_LSC_DTLS_MAX_COUNT,
};

static const struct nla_policy capwap_lsc_policy[CAPWAP_LSC_A_MAX + 1] = {
	[CAPWAP_LSC_A_LSC_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[CAPWAP_LSC_A_PROVISION_MODE] =
		NLA_POLICY_MAX(NLA_U8, __CAPWAP_LSC_PROVISION_MAX - 1),
	[CAPWAP_LSC_A_MAC] = NLA_POLICY_EXACT_LEN(CAPWAP_LSC_MAC_LEN),
	[CAPWAP_LSC_A_SUBJECT] = NLA_POLICY_NESTED(subject_policy),
	[CAPWAP_LSC_A_KEY_TYPE] =
		NLA_POLICY_RANGE(NLA_U8, CAPWAP_LSC_KEY_RSA,
				 __CAPWAP_LSC_KEY_MAX - 1),
	[CAPWAP_LSC_A_KEY_BITS] =
		NLA_POLICY_RANGE(NLA_U16, 256, CAPWAP_LSC_RSA_MAX_BITS),
	[CAPWAP_LSC_A_VALIDITY_DAYS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &validity_range),
	[CAPWAP_LSC_A_MAX_ATTEMPTS] = { .type = NLA_U8 },
	[CAPWAP_LSC_A_VENDOR_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CAPWAP_LSC_A_CONTROLLER] = NLA_POLICY_NESTED(ctrl_policy),
	[CAPWAP_LSC_A_REQUEST_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[CAPWAP_LSC_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __CAPWAP_LSC_F_ALL),
	[CAPWAP_LSC_A_RESULT] =
		NLA_POLICY_MAX(NLA_U8, __CAPWAP_LSC_RESULT_MAX - 1),
	[CAPWAP_LSC_A_REASON] = { .type = NLA_NUL_STRING,
				  .len = CAPWAP_LSC_MAX_REASON_LEN },
	[CAPWAP_LSC_A_CA_CHAIN] = NLA_POLICY_NESTED(chain_policy),
	[CAPWAP_LSC_A_CERT] = { .type = NLA_BINARY,
				.len = CAPWAP_LSC_MAX_DER_LEN },
	[CAPWAP_LSC_A_CERT_EXPIRY] = { .type = NLA_U64 },
	[CAPWAP_LSC_A_ISSUER_HASH] =
		NLA_POLICY_EXACT_LEN(CAPWAP_LSC_SHA256_LEN),
	[CAPWAP_LSC_A_AP_CHALLENGE] = { .type = NLA_NUL_STRING,
					.len = CAPWAP_LSC_MAX_CHALLENGE_LEN },
	[CAPWAP_LSC_A_DTLS_PEER] =
		NLA_POLICY_EXACT_LEN(sizeof(struct sockaddr_in)),
	[CAPWAP_LSC_A_DTLS_LOCAL] =
		NLA_POLICY_EXACT_LEN(sizeof(struct sockaddr_in)),
	[CAPWAP_LSC_A_DTLS_RECORDS] = { .type = NLA_BINARY,
					.len = CAPWAP_LSC_DTLS_MAX_RECORDS },
	[CAPWAP_LSC_A_DTLS_KEYS] =
		NLA_POLICY_EXACT_LEN(CAPWAP_LSC_DTLS_KEYS_LEN),
	[CAPWAP_LSC_A_DTLS_CERT_TYPE] =
		NLA_POLICY_RANGE(NLA_U8, CAPWAP_LSC_CERT_MIC,
				 __CAPWAP_LSC_CERT_MAX - 1),
	[CAPWAP_LSC_A_DTLS_MODE] =
		NLA_POLICY_MAX(NLA_U8, __CAPWAP_LSC_DTLS_MAX - 1),
	[CAPWAP_LSC_A_DTLS_SUITE_NAME] = {
		.type = NLA_NUL_STRING, .len = CAPWAP_LSC_DTLS_MAX_SUITE_LEN },
	[CAPWAP_LSC_A_DTLS_SUBJECT] = {
		.type = NLA_NUL_STRING, .len = CAPWAP_LSC_DTLS_MAX_NAME_LEN },
	[CAPWAP_LSC_A_DTLS_ISSUER] = {
		.type = NLA_NUL_STRING, .len = CAPWAP_LSC_DTLS_MAX_NAME_LEN },
	[CAPWAP_LSC_A_DTLS_FINGERPRINT] =
		NLA_POLICY_EXACT_LEN(CAPWAP_LSC_SHA256_LEN),
	[CAPWAP_LSC_A_DTLS_OUTCOME] =
		NLA_POLICY_MAX(NLA_U8, __CAPWAP_LSC_DTLS_OUTCOME_MAX - 1),
	[CAPWAP_LSC_A_DTLS_AUTH_FAIL] = NLA_POLICY_MAX(NLA_U8, 1),
	[CAPWAP_LSC_A_DTLS_COUNT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &dtls_count_range),
	[CAPWAP_LSC_A_DTLS_COOKIE_GEN] = { .type = NLA_U8 },
	[CAPWAP_LSC_A_DTLS_COOKIE_SECRET] =
		NLA_POLICY_EXACT_LEN(CAPWAP_LSC_DTLS_SECRET_LEN),
	[CAPWAP_LSC_A_DTLS_COOKIE_PREV] =
		NLA_POLICY_EXACT_LEN(CAPWAP_LSC_DTLS_SECRET_LEN),
};

static struct genl_family capwap_lsc_genl_family;

static bool key_size_valid(u8 type, u16 bits)
{
	if (type == CAPWAP_LSC_KEY_RSA)
		return (bits >= CAPWAP_LSC_RSA_MIN_BITS &&
			bits <= CAPWAP_LSC_RSA_RANGE_MAX_BITS) ||
		       bits == 3072 || bits == 4096;
	return type == CAPWAP_LSC_KEY_EC && (bits == 256 || bits == 384);
}

static int put_config(struct sk_buff *msg)
{
	struct capwap_lsc_controller c;
	struct capwap_lsc_config cfg;
	u8 *macs;
	struct nlattr *nest;
	unsigned int i, n;
	int ret = -EMSGSIZE;

	capwap_lsc_config_get(&cfg);
	capwap_lsc_controller_get(&c);
	if (nla_put_string(msg, CAPWAP_LSC_A_VERSION, CAPWAP_LSC_VERSION) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_LSC_ENABLED, cfg.enabled) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_PROVISION_MODE, cfg.mode) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_KEY_TYPE, cfg.key_type) ||
	    nla_put_u16(msg, CAPWAP_LSC_A_KEY_BITS, cfg.key_bits) ||
	    nla_put_u32(msg, CAPWAP_LSC_A_VALIDITY_DAYS, cfg.validity_days) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_MAX_ATTEMPTS, cfg.max_attempts) ||
	    nla_put_u32(msg, CAPWAP_LSC_A_VENDOR_ID,
			READ_ONCE(capwap_lsc_vendor_id)) ||
	    nla_put_u16(msg, CAPWAP_LSC_A_PORT, capwap_lsc_port) ||
	    nla_put_u16(msg, CAPWAP_LSC_A_MTU, capwap_lsc_mtu) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_CA_PRESENT,
		       capwap_lsc_verify_ca_present()) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_AP_CHALLENGE_SET,
		       capwap_lsc_challenge_present()) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_DTLS_MODE, capwap_lsc_dtls_mode()))
		return -EMSGSIZE;

	nest = nla_nest_start(msg, CAPWAP_LSC_A_SUBJECT);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++)
		if (cfg.subject[i][0] &&
		    nla_put_string(msg, i, cfg.subject[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);

	nest = nla_nest_start(msg, CAPWAP_LSC_A_CONTROLLER);
	if (!nest)
		return -EMSGSIZE;
	if ((c.ca_url[0] &&
	     nla_put_string(msg, CAPWAP_LSC_CTRL_A_CA_URL, c.ca_url)) ||
	    nla_put_u8(msg, CAPWAP_LSC_CTRL_A_CA_PRESENT, c.ca_present) ||
	    nla_put_u8(msg, CAPWAP_LSC_CTRL_A_RA_PRESENT, c.ra_present) ||
	    nla_put_u8(msg, CAPWAP_LSC_CTRL_A_CERT_PRESENT, c.cert_present) ||
	    (c.have_fp &&
	     nla_put(msg, CAPWAP_LSC_CTRL_A_CA_FINGERPRINT,
		     sizeof(c.ca_fingerprint), c.ca_fingerprint)) ||
	    nla_put_u64_64bit(msg, CAPWAP_LSC_CTRL_A_CA_EXPIRY, c.ca_expiry,
			      CAPWAP_LSC_CTRL_A_PAD) ||
	    nla_put_u64_64bit(msg, CAPWAP_LSC_CTRL_A_CERT_EXPIRY,
			      c.cert_expiry, CAPWAP_LSC_CTRL_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);

	/* The list is bounded by what fits; the count is in sysfs. */
	n = min(capwap_lsc_provlist_count() + 16, 4096U);
	macs = kvmalloc_array(n, CAPWAP_LSC_MAC_LEN, GFP_KERNEL);
	if (!macs)
		return -ENOMEM;
	n = capwap_lsc_provlist_copy(macs, n);
	nest = nla_nest_start(msg, CAPWAP_LSC_A_PROVISION_LIST);
	if (!nest)
		goto out;
	for (i = 0; i < n; i++)
		if (nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN,
			    macs + i * CAPWAP_LSC_MAC_LEN))
			goto out;
	nla_nest_end(msg, nest);
	ret = 0;
out:
	kvfree(macs);
	return ret;
}

static int capwap_lsc_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(65536 - NLMSG_HDRLEN - 64, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &capwap_lsc_genl_family, 0,
				CAPWAP_LSC_CMD_GET_CONFIG);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	ret = put_config(msg);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* The APs' challenge password: *out NULL when @a is empty (none). */
static int get_challenge(const struct nlattr *a, char **out,
			 struct netlink_ext_ack *extack)
{
	const char *s = nla_data(a);
	size_t len = strnlen(s, nla_len(a));

	*out = NULL;
	if (!len)
		return 0;
	/* CERT_PARAMS carries it as text the AP can put in its request. */
	if (!capwap_lsc_text_valid((const u8 *)s, len)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "challenge: UTF-8 without control characters");
		return -EINVAL;
	}
	*out = kmemdup_nul(s, len, GFP_KERNEL);
	return *out ? 0 : -ENOMEM;
}

static int capwap_lsc_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *sub[CAPWAP_LSC_SUBJ_A_MAX + 1];
	struct nlattr **a = info->attrs;
	struct capwap_lsc_config *cfg;
	char *challenge = NULL;
	unsigned int i;
	int ret = 0;

	if (a[CAPWAP_LSC_A_AP_CHALLENGE]) {
		ret = get_challenge(a[CAPWAP_LSC_A_AP_CHALLENGE], &challenge,
				    info->extack);
		if (ret)
			return ret;
	}
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		kfree_sensitive(challenge);
		return -ENOMEM;
	}
	capwap_lsc_config_get(cfg);
	if (a[CAPWAP_LSC_A_LSC_ENABLED])
		cfg->enabled = nla_get_u8(a[CAPWAP_LSC_A_LSC_ENABLED]);
	if (a[CAPWAP_LSC_A_PROVISION_MODE])
		cfg->mode = nla_get_u8(a[CAPWAP_LSC_A_PROVISION_MODE]);
	if (a[CAPWAP_LSC_A_KEY_BITS] && !a[CAPWAP_LSC_A_KEY_TYPE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[CAPWAP_LSC_A_KEY_BITS],
				    "key size needs the key type");
		ret = -EINVAL;
		goto out;
	}
	if (a[CAPWAP_LSC_A_KEY_TYPE]) {
		cfg->key_type = nla_get_u8(a[CAPWAP_LSC_A_KEY_TYPE]);
		cfg->key_bits = a[CAPWAP_LSC_A_KEY_BITS] ?
			nla_get_u16(a[CAPWAP_LSC_A_KEY_BITS]) :
			cfg->key_type == CAPWAP_LSC_KEY_EC ? 256 : 2048;
		if (!key_size_valid(cfg->key_type, cfg->key_bits)) {
			NL_SET_ERR_MSG(info->extack,
				       "RSA 384-2048, 3072, 4096; EC 256, 384");
			ret = -EINVAL;
			goto out;
		}
	}
	if (a[CAPWAP_LSC_A_VALIDITY_DAYS])
		cfg->validity_days = nla_get_u32(a[CAPWAP_LSC_A_VALIDITY_DAYS]);
	if (a[CAPWAP_LSC_A_MAX_ATTEMPTS])
		cfg->max_attempts = nla_get_u8(a[CAPWAP_LSC_A_MAX_ATTEMPTS]);
	if (a[CAPWAP_LSC_A_SUBJECT]) {
		ret = nla_parse_nested(sub, CAPWAP_LSC_SUBJ_A_MAX,
				       a[CAPWAP_LSC_A_SUBJECT], subject_policy,
				       info->extack);
		if (ret)
			goto out;
		for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++) {
			cfg->subject[i][0] = '\0';
			if (sub[i])
				nla_strscpy(cfg->subject[i], sub[i],
					    sizeof(cfg->subject[i]));
			if (i == CAPWAP_LSC_SUBJ_A_COUNTRY && sub[i] &&
			    strlen(cfg->subject[i]) != CAPWAP_LSC_COUNTRY_LEN) {
				NL_SET_ERR_MSG_ATTR(info->extack, sub[i],
						    "country is two letters");
				ret = -EINVAL;
				goto out;
			}
		}
	}
	capwap_lsc_config_set(cfg);
	capwap_lsc_rekick(NULL);
	if (a[CAPWAP_LSC_A_VENDOR_ID])
		WRITE_ONCE(capwap_lsc_vendor_id,
			   nla_get_u32(a[CAPWAP_LSC_A_VENDOR_ID]));
	if (a[CAPWAP_LSC_A_AP_CHALLENGE]) {
		capwap_lsc_challenge_set(challenge);
		challenge = NULL;
	}
	if (a[CAPWAP_LSC_A_DTLS_MODE])
		capwap_lsc_dtls_set_mode(nla_get_u8(a[CAPWAP_LSC_A_DTLS_MODE]));
out:
	kfree_sensitive(challenge);
	kfree(cfg);
	return ret;
}

static int capwap_lsc_provlist(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	const u8 *mac;
	int ret;

	if (cmd == CAPWAP_LSC_CMD_PROVLIST_FLUSH) {
		capwap_lsc_provlist_flush();
		capwap_lsc_rekick(NULL);
		return 0;
	}
	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_MAC))
		return -EINVAL;
	mac = nla_data(info->attrs[CAPWAP_LSC_A_MAC]);
	if (!is_valid_ether_addr(mac)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CAPWAP_LSC_A_MAC],
				    "not a unicast MAC");
		return -EINVAL;
	}
	if (cmd == CAPWAP_LSC_CMD_PROVLIST_ADD)
		ret = capwap_lsc_provlist_add(mac);
	else
		ret = capwap_lsc_provlist_del(mac);
	if (!ret)
		capwap_lsc_rekick(mac);
	return ret;
}

static int put_ap(struct sk_buff *msg, struct capwap_lsc_ap *ap)
{
	char last_error[CAPWAP_LSC_MAX_REASON_LEN + 1];
	struct capwap_lsc_ap_record rec;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct capwap_lsc_issued issued;
	struct capwap_lsc_peer peer;
	struct nlattr *nest;
	bool have_issued;
	u8 dtls;

	capwap_lsc_ap_record(ap, &rec);
	spin_lock_bh(&ap->lock);
	peer = ap->peer;
	sin.sin_addr.s_addr = ap->peer.saddr;
	sin.sin_port = ap->peer.sport;
	dtls = capwap_lsc_ap_dtls_state(ap);
	/* Whole: the record cuts it at 63 bytes. */
	strscpy(last_error, capwap_lsc_prov_last_error(ap), sizeof(last_error));
	have_issued = capwap_lsc_prov_issued(ap, &issued);
	spin_unlock_bh(&ap->lock);

	nest = nla_nest_start(msg, CAPWAP_LSC_A_AP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(msg, CAPWAP_LSC_AP_A_MAC, CAPWAP_LSC_MAC_LEN, rec.mac) ||
	    nla_put(msg, CAPWAP_LSC_AP_A_ADDR, sizeof(sin), &sin) ||
	    nla_put_string(msg, CAPWAP_LSC_AP_A_MODEL, rec.model) ||
	    nla_put_string(msg, CAPWAP_LSC_AP_A_SERIAL, rec.serial) ||
	    nla_put_u8(msg, CAPWAP_LSC_AP_A_SESSION, rec.session) ||
	    nla_put_u8(msg, CAPWAP_LSC_AP_A_STATE, rec.state) ||
	    nla_put_u8(msg, CAPWAP_LSC_AP_A_CERT_TYPE, rec.cert_type) ||
	    nla_put_u8(msg, CAPWAP_LSC_AP_A_MODE, rec.mode) ||
	    nla_put_u8(msg, CAPWAP_LSC_AP_A_ATTEMPTS, rec.attempts) ||
	    nla_put_u32(msg, CAPWAP_LSC_AP_A_FALLBACKS, rec.fallbacks) ||
	    nla_put_u8(msg, CAPWAP_LSC_AP_A_LAST_RESULT, rec.last_result) ||
	    nla_put_string(msg, CAPWAP_LSC_AP_A_LAST_ERROR, last_error) ||
	    nla_put_u64_64bit(msg, CAPWAP_LSC_AP_A_JOINED_SINCE,
			      rec.joined_since, CAPWAP_LSC_AP_A_PAD) ||
	    nla_put_u64_64bit(msg, CAPWAP_LSC_AP_A_REQUEST_ID, rec.request_id,
			      CAPWAP_LSC_AP_A_PAD) ||
	    (have_issued && issued.expiry &&
	     nla_put_u64_64bit(msg, CAPWAP_LSC_AP_A_CERT_EXPIRY,
			       issued.expiry, CAPWAP_LSC_AP_A_PAD)) ||
	    (have_issued && issued.have_issuer &&
	     nla_put(msg, CAPWAP_LSC_AP_A_ISSUER_HASH,
		     sizeof(issued.issuer_hash), issued.issuer_hash)) ||
	    capwap_lsc_dtls_put_ap(msg, &peer, rec.mac, dtls) ||
	    capwap_lsc_history_put(msg, ap, CAPWAP_LSC_AP_A_HISTORY)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int capwap_lsc_get_ap(struct sk_buff *skb, struct genl_info *info)
{
	struct capwap_lsc_ap *ap;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_MAC))
		return -EINVAL;
	ap = capwap_lsc_ap_by_mac(nla_data(info->attrs[CAPWAP_LSC_A_MAC]));
	if (!ap)
		return -ENOENT;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	ret = -ENOMEM;
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &capwap_lsc_genl_family, 0,
				CAPWAP_LSC_CMD_GET_AP);
	ret = -EMSGSIZE;
	if (!hdr || put_ap(msg, ap)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	capwap_lsc_ap_put(ap);
	return ret;
}

struct dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	unsigned int n;			/* APs put in this round */
};

static int dump_one(struct capwap_lsc_ap *ap, void *arg)
{
	struct dump_ctx *d = arg;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &capwap_lsc_genl_family,
			  NLM_F_MULTI, CAPWAP_LSC_CMD_GET_AP);
	if (!hdr)
		return -EMSGSIZE;
	if (put_ap(d->skb, ap)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	d->n++;
	return 0;
}

/*
 * cb->args[0] and [1] are the table cursor of the next AP (bucket,
 * position in it), so a dump of tens of thousands of APs goes out in as
 * many rounds as it takes.
 */
static int capwap_lsc_dump_ap(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx d = { .skb = skb, .cb = cb };
	struct capwap_lsc_ap_cursor pos = {
		.bkt = cb->args[0],
		.idx = cb->args[1],
	};

	capwap_lsc_ap_walk(&pos, dump_one, &d);
	cb->args[0] = pos.bkt;
	cb->args[1] = pos.idx;
	return d.n ? skb->len : 0;
}

static int put_stats(struct sk_buff *msg)
{
	static const u8 scalar[][2] = {
		{ CAPWAP_LSC_STATS_A_RETRANSMITS, CAPWAP_LSC_ST_RETRANSMITS },
		{ CAPWAP_LSC_STATS_A_DUPLICATES, CAPWAP_LSC_ST_DUPLICATES },
		{ CAPWAP_LSC_STATS_A_TIMEOUTS, CAPWAP_LSC_ST_TIMEOUTS },
		{ CAPWAP_LSC_STATS_A_LSC_EVENTS, CAPWAP_LSC_ST_LSC_EVENTS },
		{ CAPWAP_LSC_STATS_A_CERTS_DELIVERED,
		  CAPWAP_LSC_ST_CERTS_DELIVERED },
		{ CAPWAP_LSC_STATS_A_FALLBACKS, CAPWAP_LSC_ST_FALLBACKS },
		{ CAPWAP_LSC_STATS_A_REFUSED_BRIDGE,
		  CAPWAP_LSC_ST_REFUSED_BRIDGE },
		{ CAPWAP_LSC_STATS_A_REFUSED_MESH, CAPWAP_LSC_ST_REFUSED_MESH },
		{ CAPWAP_LSC_STATS_A_REFUSED_LSC, CAPWAP_LSC_ST_REFUSED_LSC },
		{ CAPWAP_LSC_STATS_A_ENROLL_FAILURES,
		  CAPWAP_LSC_ST_ENROLL_FAILURES },
		{ CAPWAP_LSC_STATS_A_RX_PACKETS, CAPWAP_LSC_ST_RX_PACKETS },
		{ CAPWAP_LSC_STATS_A_FRAGMENTS, CAPWAP_LSC_ST_FRAGMENTS },
		{ CAPWAP_LSC_STATS_A_REASSEMBLED, CAPWAP_LSC_ST_REASSEMBLED },
		{ CAPWAP_LSC_STATS_A_DROPPED, CAPWAP_LSC_ST_DROPPED },
		{ CAPWAP_LSC_STATS_A_QUEUE_FULL, CAPWAP_LSC_ST_QUEUE_FULL },
		{ CAPWAP_LSC_STATS_A_TX_ERRORS, CAPWAP_LSC_ST_TX_ERRORS },
		{ CAPWAP_LSC_STATS_A_SILENT_SESSIONS,
		  CAPWAP_LSC_ST_SILENT_SESSIONS },
		{ CAPWAP_LSC_STATS_A_RECORDS_EVICTED,
		  CAPWAP_LSC_ST_RECORDS_EVICTED },
		{ CAPWAP_LSC_STATS_A_RECORDS_EXPIRED,
		  CAPWAP_LSC_ST_RECORDS_EXPIRED },
		{ CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED,
		  CAPWAP_LSC_ST_REQUESTS_EXPIRED },
		{ CAPWAP_LSC_STATS_A_JOINS_LIMITED, CAPWAP_LSC_ST_JOINS_LIMITED },
		{ CAPWAP_LSC_STATS_A_STALE_SOURCE, CAPWAP_LSC_ST_STALE_SOURCE },
		{ CAPWAP_LSC_STATS_A_UNBINDS_SKIPPED,
		  CAPWAP_LSC_ST_UNBINDS_SKIPPED },
		{ CAPWAP_LSC_STATS_A_SESSIONS_DISPLACED,
		  CAPWAP_LSC_ST_SESSIONS_DISPLACED },
		{ CAPWAP_LSC_STATS_A_DTLS_RELAYED, CAPWAP_LSC_ST_DTLS_RELAYED },
		{ CAPWAP_LSC_STATS_A_DTLS_RELAY_LIMITED,
		  CAPWAP_LSC_ST_DTLS_RELAY_LIMITED },
		{ CAPWAP_LSC_STATS_A_DTLS_RELAY_LOST,
		  CAPWAP_LSC_ST_DTLS_RELAY_LOST },
		{ CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH,
		  CAPWAP_LSC_ST_DTLS_DROP_AUTH },
		{ CAPWAP_LSC_STATS_A_DTLS_DROP_REPLAY,
		  CAPWAP_LSC_ST_DTLS_DROP_REPLAY },
		{ CAPWAP_LSC_STATS_A_DTLS_DROP_EPOCH,
		  CAPWAP_LSC_ST_DTLS_DROP_EPOCH },
		{ CAPWAP_LSC_STATS_A_DTLS_CLOSED, CAPWAP_LSC_ST_DTLS_CLOSED },
		{ CAPWAP_LSC_STATS_A_DTLS_JOIN_MISMATCH,
		  CAPWAP_LSC_ST_DTLS_JOIN_MISMATCH },
		{ CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED,
		  CAPWAP_LSC_ST_DTLS_CLEAR_REFUSED },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_STARTED,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_STARTED },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_COMPLETED,
		  CAPWAP_LSC_ST_DTLS_HS_COMPLETED },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_AUTH,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_AUTH },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_COOKIE,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_COOKIE },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_TIMEOUT,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_TIMEOUT },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_POLICY,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_POLICY },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_IDENTITY,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_IDENTITY },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_HANDOVER,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_HANDOVER },
		{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_ABANDONED,
		  CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_ABANDONED },
		{ CAPWAP_LSC_STATS_A_DTLS_FAILED_SESSIONS,
		  CAPWAP_LSC_ST_DTLS_FAILED_SESSIONS },
		{ CAPWAP_LSC_STATS_A_DTLS_FAILED_AUTH_FAILS,
		  CAPWAP_LSC_ST_DTLS_FAILED_AUTH_FAILS },
		{ CAPWAP_LSC_STATS_A_DTLS_CLOSE_SENT,
		  CAPWAP_LSC_ST_DTLS_CLOSE_SENT },
		{ CAPWAP_LSC_STATS_A_DTLS_WAIT_JOIN,
		  CAPWAP_LSC_ST_DTLS_WAIT_JOIN },
		{ CAPWAP_LSC_STATS_A_DTLS_DROP_DELETED,
		  CAPWAP_LSC_ST_DTLS_DROP_DELETED },
		{ CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT,
		  CAPWAP_LSC_ST_DTLS_COOKIES_SENT },
		{ CAPWAP_LSC_STATS_A_DTLS_COOKIES_VERIFIED,
		  CAPWAP_LSC_ST_DTLS_COOKIES_VERIFIED },
	};
	struct nlattr *stats, *nest;
	unsigned int i;

	stats = nla_nest_start(msg, CAPWAP_LSC_A_STATS);
	if (!stats)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, CAPWAP_LSC_STATS_A_RX);
	for (i = 1; nest && i < CAPWAP_LSC_ST_MSG_SLOTS; i++)
		if (nla_put_u64_64bit(msg, i,
				      capwap_lsc_stat_read(CAPWAP_LSC_ST_RX + i),
				      0))
			return -EMSGSIZE;
	if (!nest)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, CAPWAP_LSC_STATS_A_TX);
	for (i = 1; nest && i < CAPWAP_LSC_ST_MSG_SLOTS; i++)
		if (nla_put_u64_64bit(msg, i,
				      capwap_lsc_stat_read(CAPWAP_LSC_ST_TX + i),
				      0))
			return -EMSGSIZE;
	if (!nest)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, CAPWAP_LSC_STATS_A_MALFORMED);
	for (i = 0; nest && i < __CAPWAP_LSC_BAD_MAX; i++)
		if (nla_put_u64_64bit(msg, i + 1,
				      capwap_lsc_stat_read(CAPWAP_LSC_ST_BAD + i),
				      0))
			return -EMSGSIZE;
	if (!nest)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	for (i = 0; i < ARRAY_SIZE(scalar); i++)
		if (nla_put_u64_64bit(msg, scalar[i][0],
				      capwap_lsc_stat_read(scalar[i][1]),
				      CAPWAP_LSC_STATS_A_PAD))
			return -EMSGSIZE;
	if (nla_put_u32(msg, CAPWAP_LSC_STATS_A_APS, capwap_lsc_ap_count()))
		return -EMSGSIZE;
	nla_nest_end(msg, stats);
	return 0;
}

static int capwap_lsc_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &capwap_lsc_genl_family, 0,
				CAPWAP_LSC_CMD_GET_STATS);
	if (!hdr || put_stats(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Set while the family is registered; events test it (see _uninit). */
static bool capwap_lsc_genl_live;

bool capwap_lsc_genl_listening(void)
{
	return genl_has_listeners(&capwap_lsc_genl_family, &init_net,
				  CAPWAP_LSC_MCGRP_EVENTS_ID);
}

int capwap_lsc_genl_announce(u64 id, const u8 *mac, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&capwap_lsc_genl_family, &init_net,
				CAPWAP_LSC_MCGRP_EVENTS_ID))
		return -ESRCH;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, gfp);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &capwap_lsc_genl_family, 0,
			  CAPWAP_LSC_CMD_CERT_REQUEST);
	if (!hdr ||
	    nla_put_u64_64bit(msg, CAPWAP_LSC_A_REQUEST_ID, id,
			      CAPWAP_LSC_A_PAD) ||
	    nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, mac)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_multicast(&capwap_lsc_genl_family, msg, 0,
				 CAPWAP_LSC_MCGRP_EVENTS_ID, gfp);
}

/*
 * An event as it happens, to whoever listens on "monitor".  Under the
 * AP's lock, maybe in softirq: GFP_ATOMIC, and a listener whose socket is
 * full loses the message (it reads ENOBUFS) instead of holding anyone up.
 */
void capwap_lsc_genl_event(const u8 *mac, const struct capwap_lsc_hist *h,
			   const struct capwap_lsc_ev *ev)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	/*
	 * Callers hold the AP's lock with bottom halves off, a read-side
	 * section capwap_lsc_genl_uninit() waits out: no event reaches a
	 * family being unregistered.
	 */
	if (!READ_ONCE(capwap_lsc_genl_live) ||
	    !genl_has_listeners(&capwap_lsc_genl_family, &init_net,
				CAPWAP_LSC_MCGRP_MONITOR_ID))
		return;
	/* The event's nest at most 64 bytes, the MAC, the id, the reason. */
	msg = genlmsg_new(nla_total_size(64 + nla_total_size(CAPWAP_LSC_MAC_LEN) +
					 nla_total_size_64bit(8) +
					 nla_total_size(CAPWAP_LSC_MAX_REASON_LEN + 1)),
			  GFP_ATOMIC);
	if (!msg)
		goto lost;
	hdr = genlmsg_put(msg, 0, 0, &capwap_lsc_genl_family, 0,
			  CAPWAP_LSC_CMD_EVENT);
	if (!hdr)
		goto fail;
	nest = nla_nest_start(msg, CAPWAP_LSC_A_EVENT);
	if (!nest || capwap_lsc_event_put(msg, h) ||
	    nla_put(msg, CAPWAP_LSC_EV_A_MAC, CAPWAP_LSC_MAC_LEN, mac) ||
	    (ev->request_id &&
	     nla_put_u64_64bit(msg, CAPWAP_LSC_EV_A_REQUEST_ID,
			       ev->request_id, CAPWAP_LSC_EV_A_PAD)) ||
	    (ev->reason && *ev->reason &&
	     nla_put(msg, CAPWAP_LSC_EV_A_REASON,
		     strnlen(ev->reason, CAPWAP_LSC_MAX_REASON_LEN) + 1,
		     ev->reason)))
		goto fail;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&capwap_lsc_genl_family, msg, 0,
			  CAPWAP_LSC_MCGRP_MONITOR_ID, GFP_ATOMIC);
	return;
fail:
	nlmsg_free(msg);
lost:
	/* Listeners read ENOBUFS, as for a full socket: a gap is never quiet. */
	genl_set_err(&capwap_lsc_genl_family, &init_net, 0,
		     CAPWAP_LSC_MCGRP_MONITOR_ID, -ENOBUFS);
}

bool capwap_lsc_genl_dtls_listening(void)
{
	return genl_has_listeners(&capwap_lsc_genl_family, &init_net,
				  CAPWAP_LSC_MCGRP_DTLS_ID);
}

static int put_sin(struct sk_buff *msg, int type, __be32 addr, __be16 port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = port,
		.sin_addr.s_addr = addr,
	};

	return nla_put(msg, type, sizeof(sin), &sin);
}

/* Multicasts @cmd on "dtls" for @peer, with @records when not NULL. */
static int dtls_notify(u8 cmd, const struct capwap_lsc_peer *peer,
		       const u8 *records, size_t len)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(len) + 2 * nla_total_size(16) + 64,
			  GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &capwap_lsc_genl_family, 0, cmd);
	if (!hdr ||
	    put_sin(msg, CAPWAP_LSC_A_DTLS_PEER, peer->saddr, peer->sport) ||
	    put_sin(msg, CAPWAP_LSC_A_DTLS_LOCAL, peer->daddr,
		    htons(capwap_lsc_port)) ||
	    (records &&
	     nla_put(msg, CAPWAP_LSC_A_DTLS_RECORDS, len, records))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_multicast(&capwap_lsc_genl_family, msg, 0,
				 CAPWAP_LSC_MCGRP_DTLS_ID, GFP_ATOMIC);
}

int capwap_lsc_genl_dtls_relay(const struct capwap_lsc_peer *peer,
			       const u8 *records, size_t len)
{
	return dtls_notify(CAPWAP_LSC_CMD_DTLS_RELAY, peer, records, len);
}

void capwap_lsc_genl_dtls_closed(const struct capwap_lsc_peer *peer)
{
	/*
	 * An AP's timer may end its session after capwap_lsc_genl_uninit();
	 * callers run with bottom halves off, which it waits out.
	 */
	if (READ_ONCE(capwap_lsc_genl_live) && capwap_lsc_genl_dtls_listening())
		dtls_notify(CAPWAP_LSC_CMD_DTLS_CLOSE, peer, NULL, 0);
}

/* An IPv4 address and port from @a; the port may be 0 only if @local. */
static int get_sin(const struct nlattr *a, bool local,
		   __be32 *addr, __be16 *port, struct netlink_ext_ack *extack)
{
	struct sockaddr_in sin;

	memcpy(&sin, nla_data(a), sizeof(sin));
	if (sin.sin_family != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, a, "an IPv4 address (AF_INET)");
		return -EAFNOSUPPORT;
	}
	if (!local && (!sin.sin_port || !sin.sin_addr.s_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "the peer's address and port");
		return -EINVAL;
	}
	*addr = sin.sin_addr.s_addr;
	*port = sin.sin_port;
	return 0;
}

static int get_peer(struct genl_info *info, struct capwap_lsc_peer *peer)
{
	struct nlattr **a = info->attrs;
	__be16 port;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_DTLS_PEER))
		return -EINVAL;
	memset(peer, 0, sizeof(*peer));
	ret = get_sin(a[CAPWAP_LSC_A_DTLS_PEER], false, &peer->saddr,
		      &peer->sport, info->extack);
	if (!ret && a[CAPWAP_LSC_A_DTLS_LOCAL])
		ret = get_sin(a[CAPWAP_LSC_A_DTLS_LOCAL], true, &peer->daddr,
			      &port, info->extack);
	return ret;
}

static int capwap_lsc_dtls_send_cmd(struct sk_buff *skb,
				    struct genl_info *info)
{
	const struct nlattr *rec = info->attrs[CAPWAP_LSC_A_DTLS_RECORDS];
	struct capwap_lsc_peer peer;
	int ret;

	ret = get_peer(info, &peer);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_DTLS_RECORDS))
		return -EINVAL;
	return capwap_lsc_dtls_send_records(&peer, nla_data(rec),
					    nla_len(rec));
}

/*
 * An identity string is shown in sysfs, GET_AP and logs as it is: lscd
 * escapes control bytes (RFC 2253), so one here is a fault, refused.
 */
static bool ident_ok(const struct nlattr *nla, struct netlink_ext_ack *extack)
{
	if (!nla || capwap_lsc_text_valid(nla_data(nla),
					  strnlen(nla_data(nla), nla_len(nla))))
		return true;
	NL_SET_ERR_MSG_ATTR(extack, nla,
			    "control character or bad UTF-8 in a DTLS identity string");
	return false;
}

static int capwap_lsc_dtls_keys_cmd(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct capwap_lsc_dtls_ident id = { };
	struct capwap_lsc_peer peer;
	int ret;

	ret = get_peer(info, &peer);
	if (ret)
		goto wipe;
	if (!ident_ok(a[CAPWAP_LSC_A_DTLS_SUITE_NAME], info->extack) ||
	    !ident_ok(a[CAPWAP_LSC_A_DTLS_SUBJECT], info->extack) ||
	    !ident_ok(a[CAPWAP_LSC_A_DTLS_ISSUER], info->extack)) {
		ret = -EINVAL;
		goto wipe;
	}
	if (a[CAPWAP_LSC_A_DTLS_SUITE_NAME])
		id.suite_name = nla_data(a[CAPWAP_LSC_A_DTLS_SUITE_NAME]);
	if (a[CAPWAP_LSC_A_DTLS_SUBJECT])
		id.subject = nla_data(a[CAPWAP_LSC_A_DTLS_SUBJECT]);
	if (a[CAPWAP_LSC_A_DTLS_ISSUER])
		id.issuer = nla_data(a[CAPWAP_LSC_A_DTLS_ISSUER]);
	if (a[CAPWAP_LSC_A_DTLS_FINGERPRINT])
		id.fingerprint = nla_data(a[CAPWAP_LSC_A_DTLS_FINGERPRINT]);
	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_DTLS_KEYS) ||
	    GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_MAC) ||
	    GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_DTLS_CERT_TYPE)) {
		ret = -EINVAL;
		goto wipe;
	}
	if (!is_valid_ether_addr(nla_data(a[CAPWAP_LSC_A_MAC]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[CAPWAP_LSC_A_MAC],
				    "not a unicast MAC address");
		ret = -EINVAL;
		goto wipe;
	}
	ret = capwap_lsc_dtls_set_keys(&peer, nla_data(a[CAPWAP_LSC_A_DTLS_KEYS]),
				       nla_len(a[CAPWAP_LSC_A_DTLS_KEYS]),
				       nla_data(a[CAPWAP_LSC_A_MAC]),
				       nla_get_u8(a[CAPWAP_LSC_A_DTLS_CERT_TYPE]),
				       &id, info->extack);
wipe:
	/* The request's buffer goes back to the allocator: not with keys in it. */
	if (a[CAPWAP_LSC_A_DTLS_KEYS])
		memzero_explicit(nla_data(a[CAPWAP_LSC_A_DTLS_KEYS]),
				 nla_len(a[CAPWAP_LSC_A_DTLS_KEYS]));
	return ret;
}

static int capwap_lsc_dtls_handshake_cmd(struct sk_buff *skb,
					 struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	bool auth_fail;
	u32 count = 1;
	u8 outcome;

	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_DTLS_OUTCOME))
		return -EINVAL;
	outcome = nla_get_u8(a[CAPWAP_LSC_A_DTLS_OUTCOME]);
	auth_fail = a[CAPWAP_LSC_A_DTLS_AUTH_FAIL] &&
		    nla_get_u8(a[CAPWAP_LSC_A_DTLS_AUTH_FAIL]);
	/*
	 * RFC 5415's DTLSAuthenticateFail: a certificate refused, whether
	 * untrusted, against the policy or naming no or another MAC.
	 */
	if (auth_fail && outcome != CAPWAP_LSC_DTLS_FAILED_AUTH &&
	    outcome != CAPWAP_LSC_DTLS_FAILED_POLICY &&
	    outcome != CAPWAP_LSC_DTLS_FAILED_IDENTITY) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[CAPWAP_LSC_A_DTLS_AUTH_FAIL],
				    "AUTH_FAIL only with an authentication, policy or identity failure");
		return -EINVAL;
	}
	if (a[CAPWAP_LSC_A_DTLS_COUNT])
		count = nla_get_u32(a[CAPWAP_LSC_A_DTLS_COUNT]);
	capwap_lsc_dtls_handshake(outcome, auth_fail, count);
	return 0;
}

/* lscd's cookie secrets, or (no SECRET) none: the kernel forgets them. */
static int capwap_lsc_dtls_cookie_cmd(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct nlattr *secret = info->attrs[CAPWAP_LSC_A_DTLS_COOKIE_SECRET];
	struct nlattr *prev = info->attrs[CAPWAP_LSC_A_DTLS_COOKIE_PREV];
	struct nlattr *gen = info->attrs[CAPWAP_LSC_A_DTLS_COOKIE_GEN];
	int ret;

	if (secret && !gen) {
		NL_SET_ERR_MSG(info->extack, "a cookie secret needs its generation");
		ret = -EINVAL;
	} else if (prev && !secret) {
		NL_SET_ERR_MSG_ATTR(info->extack, prev,
				    "the previous secret without the current one");
		ret = -EINVAL;
	} else {
		ret = capwap_lsc_dtls_cookie_set(info->snd_portid,
						 gen ? nla_get_u8(gen) : 0,
						 secret ? nla_data(secret) : NULL,
						 prev ? nla_data(prev) : NULL);
	}
	if (secret)
		memzero_explicit(nla_data(secret), nla_len(secret));
	if (prev)
		memzero_explicit(nla_data(prev), nla_len(prev));
	return ret;
}

static int capwap_lsc_dtls_close_cmd(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct capwap_lsc_peer peer;
	int ret;

	ret = get_peer(info, &peer);
	if (ret)
		return ret;
	ret = capwap_lsc_dtls_close(&peer);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no DTLS keys for that peer");
	return ret;
}

static int capwap_lsc_accept(struct sk_buff *skb, struct genl_info *info)
{
	struct capwap_lsc_accepted acc = { };
	struct capwap_lsc_config cfg;
	struct sk_buff *msg;
	u64 id = 0;
	void *hdr;
	int ret;

	if (info->attrs[CAPWAP_LSC_A_REQUEST_ID])
		id = nla_get_u64(info->attrs[CAPWAP_LSC_A_REQUEST_ID]);
	msg = genlmsg_new(NLMSG_GOODSIZE + CAPWAP_LSC_MAX_DER_LEN, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = capwap_lsc_req_accept(id, info->snd_portid, &acc);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	capwap_lsc_config_get(&cfg);
	hdr = genlmsg_put_reply(msg, info, &capwap_lsc_genl_family, 0,
				CAPWAP_LSC_CMD_ACCEPT);
	if (!hdr ||
	    nla_put_u64_64bit(msg, CAPWAP_LSC_A_REQUEST_ID, acc.id,
			      CAPWAP_LSC_A_PAD) ||
	    nla_put(msg, CAPWAP_LSC_A_MAC, CAPWAP_LSC_MAC_LEN, acc.mac) ||
	    nla_put_string(msg, CAPWAP_LSC_A_AP_MODEL, acc.model) ||
	    nla_put_string(msg, CAPWAP_LSC_A_AP_SERIAL, acc.serial) ||
	    nla_put(msg, CAPWAP_LSC_A_CSR, acc.csr_len, acc.csr) ||
	    nla_put_u8(msg, CAPWAP_LSC_A_KEY_TYPE, cfg.key_type) ||
	    nla_put_u16(msg, CAPWAP_LSC_A_KEY_BITS, cfg.key_bits) ||
	    nla_put_u32(msg, CAPWAP_LSC_A_FLAGS,
			acc.renewal ? CAPWAP_LSC_F_RENEWAL : 0)) {
		/* The socket owns it now; closing gives it back. */
		kfree(acc.csr);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	kfree(acc.csr);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Collects CAPWAP_LSC_A_CERT entries of a nested chain into der/len. */
static int get_chain(struct nlattr *chain, const u8 **der, u32 *len,
		     unsigned int max, struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(a, chain, rem) {
		if (nla_type(a) != CAPWAP_LSC_A_CERT || !nla_len(a))
			continue;
		if (n >= max) {
			NL_SET_ERR_MSG_ATTR(extack, a, "chain too long");
			return -E2BIG;
		}
		der[n] = nla_data(a);
		len[n++] = nla_len(a);
	}
	return n;
}

static int capwap_lsc_complete(struct sk_buff *skb, struct genl_info *info)
{
	const u8 *der[CAPWAP_LSC_MAX_CHAIN + 1];
	u32 len[CAPWAP_LSC_MAX_CHAIN + 1];
	struct nlattr **a = info->attrs;
	char reason[CAPWAP_LSC_MAX_REASON_LEN + 1] = "";
	struct capwap_lsc_issued issued = { };
	int n = 0;
	u8 result;

	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_REQUEST_ID) ||
	    GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_RESULT))
		return -EINVAL;
	result = nla_get_u8(a[CAPWAP_LSC_A_RESULT]);
	if (result == CAPWAP_LSC_RESULT_SUCCESS) {
		if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_CA_CHAIN) ||
		    GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_CERT))
			return -EINVAL;
		n = get_chain(a[CAPWAP_LSC_A_CA_CHAIN], der, len,
			      CAPWAP_LSC_MAX_CHAIN, info->extack);
		if (n < 0)
			return n;
		if (!n || !nla_len(a[CAPWAP_LSC_A_CERT])) {
			NL_SET_ERR_MSG(info->extack, "empty certificate");
			return -EINVAL;
		}
		der[n] = nla_data(a[CAPWAP_LSC_A_CERT]);
		len[n++] = nla_len(a[CAPWAP_LSC_A_CERT]);
		if (a[CAPWAP_LSC_A_CERT_EXPIRY])
			issued.expiry = nla_get_u64(a[CAPWAP_LSC_A_CERT_EXPIRY]);
		if (a[CAPWAP_LSC_A_ISSUER_HASH]) {
			nla_memcpy(issued.issuer_hash,
				   a[CAPWAP_LSC_A_ISSUER_HASH],
				   sizeof(issued.issuer_hash));
			issued.have_issuer = true;
		}
	} else if (a[CAPWAP_LSC_A_REASON]) {
		nla_strscpy(reason, a[CAPWAP_LSC_A_REASON], sizeof(reason));
	}
	return capwap_lsc_req_complete(nla_get_u64(a[CAPWAP_LSC_A_REQUEST_ID]),
				       info->snd_portid, result, reason,
				       der, len, n, &issued, info->extack);
}

static int capwap_lsc_set_ca(struct sk_buff *skb, struct genl_info *info)
{
	const u8 *der[CAPWAP_LSC_MAX_CHAIN];
	u32 len[CAPWAP_LSC_MAX_CHAIN];
	int n;

	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_CA_CHAIN))
		return -EINVAL;
	n = get_chain(info->attrs[CAPWAP_LSC_A_CA_CHAIN], der, len,
		      CAPWAP_LSC_MAX_CHAIN, info->extack);
	if (n <= 0)
		return n ?: -EINVAL;
	return capwap_lsc_verify_set_ca(der, len, n);
}

static int capwap_lsc_set_controller(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *c[CAPWAP_LSC_CTRL_A_MAX + 1];
	struct capwap_lsc_controller *ctl;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, CAPWAP_LSC_A_CONTROLLER))
		return -EINVAL;
	ret = nla_parse_nested(c, CAPWAP_LSC_CTRL_A_MAX,
			       info->attrs[CAPWAP_LSC_A_CONTROLLER],
			       ctrl_policy, info->extack);
	if (ret)
		return ret;
	ctl = kzalloc(sizeof(*ctl), GFP_KERNEL);
	if (!ctl)
		return -ENOMEM;
	if (c[CAPWAP_LSC_CTRL_A_CA_URL])
		nla_strscpy(ctl->ca_url, c[CAPWAP_LSC_CTRL_A_CA_URL],
			    sizeof(ctl->ca_url));
	if (c[CAPWAP_LSC_CTRL_A_CA_PRESENT])
		ctl->ca_present = nla_get_u8(c[CAPWAP_LSC_CTRL_A_CA_PRESENT]);
	if (c[CAPWAP_LSC_CTRL_A_RA_PRESENT])
		ctl->ra_present = nla_get_u8(c[CAPWAP_LSC_CTRL_A_RA_PRESENT]);
	if (c[CAPWAP_LSC_CTRL_A_CERT_PRESENT])
		ctl->cert_present =
			nla_get_u8(c[CAPWAP_LSC_CTRL_A_CERT_PRESENT]);
	if (c[CAPWAP_LSC_CTRL_A_CA_FINGERPRINT]) {
		nla_memcpy(ctl->ca_fingerprint,
			   c[CAPWAP_LSC_CTRL_A_CA_FINGERPRINT],
			   sizeof(ctl->ca_fingerprint));
		ctl->have_fp = true;
	}
	if (c[CAPWAP_LSC_CTRL_A_CA_EXPIRY])
		ctl->ca_expiry = nla_get_u64(c[CAPWAP_LSC_CTRL_A_CA_EXPIRY]);
	if (c[CAPWAP_LSC_CTRL_A_CERT_EXPIRY])
		ctl->cert_expiry =
			nla_get_u64(c[CAPWAP_LSC_CTRL_A_CERT_EXPIRY]);
	capwap_lsc_controller_set(ctl);
	kfree(ctl);
	return 0;
}

static int capwap_lsc_renew_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	u32 flags = a[CAPWAP_LSC_A_FLAGS] ? nla_get_u32(a[CAPWAP_LSC_A_FLAGS]) : 0;
	int ret;

	if (a[CAPWAP_LSC_A_MAC])
		ret = capwap_lsc_renew(nla_data(a[CAPWAP_LSC_A_MAC]));
	else if (flags & CAPWAP_LSC_F_ALL)
		ret = capwap_lsc_renew(NULL);
	else
		ret = -EINVAL;
	return ret < 0 ? ret : 0;
}

static int capwap_lsc_netlink_event(struct notifier_block *nb,
				    unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	/* The family lives in init_net; a portid elsewhere is not ours. */
	if (!net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid) {
		capwap_lsc_req_release(n->portid);
		capwap_lsc_dtls_cookie_release(n->portid);
	}
	return NOTIFY_DONE;
}

static struct notifier_block capwap_lsc_netlink_nb = {
	.notifier_call = capwap_lsc_netlink_event,
};

/*
 * Every command, reading ones included: the replies name APs, their
 * addresses, serials and errors, the provision list and the request ids
 * lscd works on.  CAP_NET_ADMIN in the initial user namespace: the
 * family exists in init_net only (.netnsok = false), where
 * GENL_UNS_ADMIN_PERM would check the very same thing, so the plain flag
 * says what is meant.  The flag covers an op's dumpit as well.
 */
#define ADMIN GENL_ADMIN_PERM

static const struct genl_small_ops capwap_lsc_genl_ops[] = {
	{ .cmd = CAPWAP_LSC_CMD_GET_CONFIG, .doit = capwap_lsc_get_config,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_SET_CONFIG, .doit = capwap_lsc_set_config,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_PROVLIST_ADD, .doit = capwap_lsc_provlist,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_PROVLIST_DEL, .doit = capwap_lsc_provlist,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_PROVLIST_FLUSH, .doit = capwap_lsc_provlist,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_GET_AP, .doit = capwap_lsc_get_ap,
	  .dumpit = capwap_lsc_dump_ap, .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_GET_STATS, .doit = capwap_lsc_get_stats,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_ACCEPT, .doit = capwap_lsc_accept,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_COMPLETE, .doit = capwap_lsc_complete,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_SET_CA, .doit = capwap_lsc_set_ca,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_SET_CONTROLLER,
	  .doit = capwap_lsc_set_controller, .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_RENEW, .doit = capwap_lsc_renew_cmd,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_DTLS_SEND, .doit = capwap_lsc_dtls_send_cmd,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_DTLS_KEYS, .doit = capwap_lsc_dtls_keys_cmd,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_DTLS_CLOSE, .doit = capwap_lsc_dtls_close_cmd,
	  .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_DTLS_HANDSHAKE,
	  .doit = capwap_lsc_dtls_handshake_cmd, .flags = ADMIN },
	{ .cmd = CAPWAP_LSC_CMD_DTLS_COOKIE,
	  .doit = capwap_lsc_dtls_cookie_cmd, .flags = ADMIN },
};

static struct genl_family capwap_lsc_genl_family __ro_after_init = {
	.name = CAPWAP_LSC_GENL_NAME,
	.version = CAPWAP_LSC_GENL_VERSION,
	.maxattr = CAPWAP_LSC_A_MAX,
	.policy = capwap_lsc_policy,
	.netnsok = false,
	.module = THIS_MODULE,
	.small_ops = capwap_lsc_genl_ops,
	.n_small_ops = ARRAY_SIZE(capwap_lsc_genl_ops),
	.mcgrps = capwap_lsc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(capwap_lsc_mcgrps),
};

int capwap_lsc_genl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&capwap_lsc_netlink_nb);
	if (ret)
		return ret;
	ret = genl_register_family(&capwap_lsc_genl_family);
	if (ret)
		netlink_unregister_notifier(&capwap_lsc_netlink_nb);
	else
		WRITE_ONCE(capwap_lsc_genl_live, true);
	return ret;
}

void capwap_lsc_genl_uninit(void)
{
	/*
	 * A verification still queued can end a session, with its event,
	 * after this: the family is marked gone and every event already
	 * under way finishes before it is unregistered.
	 */
	WRITE_ONCE(capwap_lsc_genl_live, false);
	synchronize_rcu();
	genl_unregister_family(&capwap_lsc_genl_family);
	netlink_unregister_notifier(&capwap_lsc_netlink_nb);
}
