// SPDX-License-Identifier: GPL-2.0
/* Warns on load, so tests/vm/run must report the guest as failed. */
#include <linux/module.h>

static int __init vm_warn_init(void)
{
	WARN(1, "vm_warn: deliberate warning for the harness self-test\n");
	return -EINVAL;
}
module_init(vm_warn_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("capwap-lsc VM harness self-test: warns on load");
