// SPDX-License-Identifier: GPL-2.0
/*
 * Leaks a few small allocations on every load, so the load/unload leak
 * check of the test suite can be shown to notice a leak.
 */
#include <linux/module.h>
#include <linux/slab.h>

static int __init vm_leak_init(void)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!kmalloc(192, GFP_KERNEL))
			return -ENOMEM;
	return 0;
}

static void __exit vm_leak_exit(void)
{
}

module_init(vm_leak_init);
module_exit(vm_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("capwap-lsc VM test: leaks on every load");
