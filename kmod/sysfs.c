// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only state under /sys/kernel/capwap_lsc/, one value per file.
 * Configuration goes through generic netlink only.
 */

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "capwap_lsc.h"

static struct kobject *capwap_lsc_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", CAPWAP_LSC_VERSION);
}
static struct kobj_attribute version_attr = __ATTR_RO(version);

static ssize_t port_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", capwap_lsc_port);
}
static struct kobj_attribute port_attr = __ATTR_RO(port);

static ssize_t vendor_id_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(capwap_lsc_vendor_id));
}
static struct kobj_attribute vendor_id_attr = __ATTR_RO(vendor_id);

static ssize_t rx_packets_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", capwap_lsc_socket_rx_packets());
}
static struct kobj_attribute rx_packets_attr = __ATTR_RO(rx_packets);

static struct attribute *capwap_lsc_attrs[] = {
	&version_attr.attr,
	&port_attr.attr,
	&vendor_id_attr.attr,
	&rx_packets_attr.attr,
	NULL,
};

static const struct attribute_group capwap_lsc_attr_group = {
	.attrs = capwap_lsc_attrs,
};

int capwap_lsc_sysfs_init(void)
{
	int ret;

	capwap_lsc_kobj = kobject_create_and_add("capwap_lsc", kernel_kobj);
	if (!capwap_lsc_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(capwap_lsc_kobj, &capwap_lsc_attr_group);
	if (ret) {
		kobject_put(capwap_lsc_kobj);
		capwap_lsc_kobj = NULL;
	}
	return ret;
}

void capwap_lsc_sysfs_uninit(void)
{
	if (!capwap_lsc_kobj)
		return;
	sysfs_remove_group(capwap_lsc_kobj, &capwap_lsc_attr_group);
	kobject_put(capwap_lsc_kobj);
	capwap_lsc_kobj = NULL;
}
