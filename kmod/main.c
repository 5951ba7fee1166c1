// SPDX-License-Identifier: GPL-2.0
/*
 * capwap_lsc: Locally Significant Certificate provisioning for CAPWAP
 * access points.  Subsystems come up in dependency order and go down in
 * reverse; the socket is last up and first down so no packet reaches a
 * half-built module.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/genetlink.h>

#include "ap.h"
#include "config.h"
#include "control.h"
#include "keys.h"
#include "netlink.h"
#include "provlist.h"
#include "queue.h"
#include "socket.h"
#include "sysfs.h"
#include "verify.h"

#include "capwap_lsc.h"

unsigned short capwap_lsc_port = CAPWAP_LSC_DEFAULT_PORT;
module_param_named(port, capwap_lsc_port, ushort, 0444);
MODULE_PARM_DESC(port, "CAPWAP control UDP port (default 5246)");

unsigned int capwap_lsc_vendor_id = CAPWAP_LSC_DEFAULT_VENDOR_ID;
module_param_named(vendor_id, capwap_lsc_vendor_id, uint, 0444);
MODULE_PARM_DESC(vendor_id,
		 "IANA enterprise number of the LSC vendor payloads (default 32473)");

static int __init capwap_lsc_init(void)
{
	int ret;

	if (!capwap_lsc_port) {
		pr_err("port must not be 0\n");
		return -EINVAL;
	}

	ret = capwap_lsc_keys_init();
	if (ret)
		return ret;

	ret = capwap_lsc_sysfs_init();
	if (ret)
		goto err_sysfs;

	ret = capwap_lsc_ap_init();
	if (ret)
		goto err_ap;

	ret = capwap_lsc_control_init();
	if (ret)
		goto err_control;

	capwap_lsc_queue_init();

	ret = capwap_lsc_verify_init();
	if (ret)
		goto err_verify;

	ret = capwap_lsc_genl_init();
	if (ret)
		goto err_genl;

	ret = capwap_lsc_socket_init();
	if (ret)
		goto err_socket;

	pr_info("version %s, CAPWAP control on UDP port %u\n",
		CAPWAP_LSC_VERSION, capwap_lsc_port);
	return 0;

err_socket:
	capwap_lsc_genl_uninit();
err_genl:
	capwap_lsc_verify_uninit();
err_verify:
	capwap_lsc_queue_uninit();
	capwap_lsc_provlist_uninit();
	capwap_lsc_config_uninit();
	capwap_lsc_control_uninit();
err_control:
	capwap_lsc_ap_uninit();
err_ap:
	capwap_lsc_sysfs_uninit();
err_sysfs:
	capwap_lsc_keys_uninit();
	capwap_lsc_ap_cache_destroy();
	return ret;
}

static void __exit capwap_lsc_exit(void)
{
	capwap_lsc_socket_uninit();
	capwap_lsc_genl_uninit();
	capwap_lsc_verify_uninit();
	capwap_lsc_queue_uninit();
	capwap_lsc_provlist_uninit();
	capwap_lsc_config_uninit();
	capwap_lsc_ap_uninit();
	capwap_lsc_control_uninit();
	capwap_lsc_sysfs_uninit();
	capwap_lsc_keys_uninit();
	capwap_lsc_ap_cache_destroy();
	pr_info("unloaded\n");
}

module_init(capwap_lsc_init);
module_exit(capwap_lsc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("CAPWAP Locally Significant Certificate provisioning");
MODULE_AUTHOR("capwap-lsc developers");
MODULE_VERSION(CAPWAP_LSC_VERSION);
MODULE_ALIAS_GENL_FAMILY(CAPWAP_LSC_GENL_NAME);
