// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "capwap_lsc", the module's only
 * configuration interface.  include/uapi/linux/capwap_lsc.h describes
 * every command and attribute.
 */

#include <net/genetlink.h>

#include "capwap_lsc.h"

enum capwap_lsc_mcgrp {
	CAPWAP_LSC_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group capwap_lsc_mcgrps[] = {
	[CAPWAP_LSC_MCGRP_EVENTS_ID] = { .name = CAPWAP_LSC_MCGRP_EVENTS },
};

static const struct nla_policy capwap_lsc_policy[CAPWAP_LSC_A_MAX + 1] = {
	[CAPWAP_LSC_A_MAC] = NLA_POLICY_EXACT_LEN(CAPWAP_LSC_MAC_LEN),
};

static struct genl_family capwap_lsc_genl_family;

static int capwap_lsc_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &capwap_lsc_genl_family, 0,
				CAPWAP_LSC_CMD_GET_CONFIG);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_string(msg, CAPWAP_LSC_A_VERSION, CAPWAP_LSC_VERSION) ||
	    nla_put_u16(msg, CAPWAP_LSC_A_PORT, capwap_lsc_port) ||
	    nla_put_u32(msg, CAPWAP_LSC_A_VENDOR_ID,
			READ_ONCE(capwap_lsc_vendor_id)))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops capwap_lsc_genl_ops[] = {
	{
		.cmd = CAPWAP_LSC_CMD_GET_CONFIG,
		.doit = capwap_lsc_get_config,
	},
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
	return genl_register_family(&capwap_lsc_genl_family);
}

void capwap_lsc_genl_uninit(void)
{
	genl_unregister_family(&capwap_lsc_genl_family);
}
