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
#include "dtls.h"
#include "keys.h"
#include "netlink.h"
#include "provlist.h"
#include "queue.h"
#include "socket.h"
#include "srclimit.h"
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

/* What is up, in the order it comes up. */
enum capwap_lsc_stage {
	STAGE_NONE,
	STAGE_KEYS,
	STAGE_SYSFS,
	STAGE_CONTROL,
	STAGE_DTLS,
	STAGE_AP,
	STAGE_QUEUE,
	STAGE_VERIFY,
	STAGE_GENL,
	STAGE_SOCKET,
};

/*
 * Takes down everything up to @up, in reverse: the one path for both a
 * failed load and the unload.  The AP sweep stops first, before anything
 * it walks (the request queue, the tables) is taken apart.
 */
static void capwap_lsc_down(enum capwap_lsc_stage up)
{
	if (up >= STAGE_AP)
		capwap_lsc_ap_stop();
	switch (up) {
	case STAGE_SOCKET:
		capwap_lsc_dtls_stop();
		capwap_lsc_socket_uninit();
		fallthrough;
	case STAGE_GENL:
		capwap_lsc_genl_uninit();
		fallthrough;
	case STAGE_VERIFY:
		capwap_lsc_verify_uninit();
		fallthrough;
	case STAGE_QUEUE:
		capwap_lsc_queue_uninit();
		capwap_lsc_provlist_uninit();
		capwap_lsc_config_uninit();
		fallthrough;
	case STAGE_AP:
		capwap_lsc_ap_uninit();
		fallthrough;
	case STAGE_DTLS:
		capwap_lsc_dtls_uninit();
		fallthrough;
	case STAGE_CONTROL:
		capwap_lsc_control_uninit();
		fallthrough;
	case STAGE_SYSFS:
		capwap_lsc_sysfs_uninit();
		fallthrough;
	case STAGE_KEYS:
		capwap_lsc_keys_uninit();
		fallthrough;
	case STAGE_NONE:
		capwap_lsc_ap_cache_destroy();
	}
}

static int __init capwap_lsc_init(void)
{
	enum capwap_lsc_stage up = STAGE_NONE;
	int ret;

	if (!capwap_lsc_port) {
		pr_err("port must not be 0\n");
		return -EINVAL;
	}
	ret = capwap_lsc_srclimit_init();
	if (ret)
		return ret;

	ret = capwap_lsc_keys_init();
	if (ret)
		goto err;
	up = STAGE_KEYS;
	ret = capwap_lsc_sysfs_init();
	if (ret)
		goto err;
	up = STAGE_SYSFS;
	ret = capwap_lsc_control_init();
	if (ret)
		goto err;
	up = STAGE_CONTROL;
	ret = capwap_lsc_dtls_init();
	if (ret)
		goto err;
	up = STAGE_DTLS;
	ret = capwap_lsc_ap_init();
	if (ret)
		goto err;
	up = STAGE_AP;
	ret = capwap_lsc_queue_init();
	if (ret)
		goto err;
	up = STAGE_QUEUE;
	ret = capwap_lsc_verify_init();
	if (ret)
		goto err;
	up = STAGE_VERIFY;
	ret = capwap_lsc_genl_init();
	if (ret)
		goto err;
	up = STAGE_GENL;
	ret = capwap_lsc_socket_init();
	if (ret)
		goto err;

	pr_info("version %s, CAPWAP control on UDP port %u\n",
		CAPWAP_LSC_VERSION, capwap_lsc_port);
	return 0;

err:
	capwap_lsc_down(up);
	return ret;
}

static void __exit capwap_lsc_exit(void)
{
	capwap_lsc_down(STAGE_SOCKET);
	pr_info("unloaded\n");
}

module_init(capwap_lsc_init);
module_exit(capwap_lsc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("CAPWAP Locally Significant Certificate provisioning");
MODULE_AUTHOR("capwap-lsc developers");
MODULE_VERSION(CAPWAP_LSC_VERSION);
MODULE_ALIAS_GENL_FAMILY(CAPWAP_LSC_GENL_NAME);
