// SPDX-License-Identifier: GPL-2.0
/*
 * kmod_cycle MODULE COUNT: loads MODULE with its dependencies, as
 * modprobe does, and removes it with those nobody else uses, as
 * modprobe -r does, COUNT times in one process (libkmod).  The leak check
 * of tests/vm/cases/10-module.sh runs a hundred cycles of three modules:
 * with two modprobe runs a cycle, starting the processes cost the TCG
 * guest more than the modules' own loading and unloading.
 *
 * A module already loaded at a cycle's start fails it, so a removal that
 * did not happen cannot pass for a cycle.  Exit status 0 when every cycle
 * ran; else 1, with the cycle and the error on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libkmod.h>

/* What modprobe -r takes away after the module: its unused dependencies. */
static void remove_unused_deps(struct kmod_module *mod)
{
	struct kmod_list *deps = kmod_module_get_dependencies(mod), *l;

	kmod_list_foreach(l, deps) {
		struct kmod_module *dep = kmod_module_get_module(l);

		if (kmod_module_get_initstate(dep) == KMOD_MODULE_LIVE &&
		    kmod_module_get_refcnt(dep) == 0 &&
		    kmod_module_remove_module(dep, 0) == 0)
			remove_unused_deps(dep);
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(deps);
}

int main(int argc, char **argv)
{
	struct kmod_list *found = NULL;
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	char *end;
	unsigned long count, i;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: kmod_cycle MODULE COUNT\n");
		return 2;
	}
	errno = 0;
	count = strtoul(argv[2], &end, 10);
	if (errno || *end || end == argv[2] || !count) {
		fprintf(stderr, "kmod_cycle: COUNT must be a positive number\n");
		return 2;
	}
	ctx = kmod_new(NULL, NULL);
	if (!ctx || kmod_load_resources(ctx) < 0) {
		fprintf(stderr, "kmod_cycle: libkmod cannot read the module index\n");
		return 1;
	}
	err = kmod_module_new_from_lookup(ctx, argv[1], &found);
	if (err < 0 || !found) {
		fprintf(stderr, "kmod_cycle: no module %s\n", argv[1]);
		kmod_unref(ctx);
		return 1;
	}
	mod = kmod_module_get_module(found);
	kmod_module_unref_list(found);
	for (i = 1; i <= count; i++) {
		err = kmod_module_probe_insert_module(mod, KMOD_PROBE_FAIL_ON_LOADED,
						      NULL, NULL, NULL, NULL);
		if (err) {
			fprintf(stderr, "kmod_cycle: cycle %lu: loading %s: %s\n", i,
				kmod_module_get_name(mod),
				err == -EEXIST ? "it was still loaded" :
				strerror(err < 0 ? -err : EINVAL));
			break;
		}
		err = kmod_module_remove_module(mod, 0);
		if (err) {
			fprintf(stderr, "kmod_cycle: cycle %lu: removing %s: %s\n", i,
				kmod_module_get_name(mod), strerror(-err));
			break;
		}
		remove_unused_deps(mod);
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return err ? 1 : 0;
}
