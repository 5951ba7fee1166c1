// SPDX-License-Identifier: GPL-2.0
/*
 * Leaks one small allocation on every load, the smallest leak there is,
 * so the load/unload leak check of the test suite can be shown to notice
 * it.
 */
#include <linux/module.h>
#include <linux/slab.h>

static int __init vm_leak_init(void)
{
	return kmalloc(192, GFP_KERNEL) ? 0 : -ENOMEM;
}

static void __exit vm_leak_exit(void)
{
}

module_init(vm_leak_init);
module_exit(vm_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("capwap-lsc VM test: leaks on every load");
