// SPDX-License-Identifier: GPL-2.0
/*
 * kmod_cycle MODULE COUNT: loads MODULE with its dependencies, as
 * modprobe does, and removes it with those nobody else uses, as
 * modprobe -r does, COUNT times in one process (libkmod).  Soft
 * dependencies and install or remove commands of modprobe.d are not
 * run: a module that has any is refused.  The leak check
 * of tests/vm/cases/10-module.sh runs a hundred cycles of three modules:
 * with two modprobe runs a cycle, starting the processes cost the TCG
 * guest more than the modules' own loading and unloading.
 *
 * A module already loaded at a cycle's start fails it, so a removal that
 * did not happen cannot pass for a cycle; so does a dependency that was
 * unused and could not be removed.  Exit status 0 when every cycle ran;
 * else 1, with the cycle and the error on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libkmod.h>

/*
 * What modprobe -r takes away after the module: its unused dependencies
 * (modules.dep lists the indirect ones too).  0, or the first error.
 */
static int remove_unused_deps(struct kmod_module *mod)
{
	struct kmod_list *deps = kmod_module_get_dependencies(mod), *l;
	int err = 0, e;

	kmod_list_foreach(l, deps) {
		struct kmod_module *dep = kmod_module_get_module(l);

		if (kmod_module_get_initstate(dep) == KMOD_MODULE_LIVE &&
		    kmod_module_get_refcnt(dep) == 0) {
			e = kmod_module_remove_module(dep, 0);
			if (e && !err) {
				fprintf(stderr, "kmod_cycle: removing %s, unused: %s\n",
					kmod_module_get_name(dep), strerror(-e));
				err = e;
			}
		}
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(deps);
	return err;
}

/* Whether modprobe would do more for @mod than kmod_cycle does. */
static const char *beyond_us(struct kmod_module *mod)
{
	struct kmod_list *pre = NULL, *post = NULL;
	const char *why = NULL;

	if (kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN)
		return "it is built into the kernel";
	if (kmod_module_get_softdeps(mod, &pre, &post) == 0 && (pre || post))
		why = "it has soft dependencies";
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	if (!why && (kmod_module_get_install_commands(mod) ||
		     kmod_module_get_remove_commands(mod)))
		why = "modprobe.d gives it install or remove commands";
	return why;
}

int main(int argc, char **argv)
{
	struct kmod_list *found = NULL;
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	const char *why;
	char *end;
	unsigned long count, i;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: kmod_cycle MODULE COUNT\n");
		return 2;
	}
	errno = 0;
	count = strtoul(argv[2], &end, 10);
	if (argv[2][0] < '0' || argv[2][0] > '9' || errno || *end || !count) {
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
	why = beyond_us(mod);
	if (why) {
		fprintf(stderr, "kmod_cycle: %s: %s\n", kmod_module_get_name(mod), why);
		kmod_module_unref(mod);
		kmod_unref(ctx);
		return 1;
	}
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
		err = remove_unused_deps(mod);
		if (err) {
			fprintf(stderr, "kmod_cycle: cycle %lu: after %s\n", i,
				kmod_module_get_name(mod));
			break;
		}
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return err ? 1 : 0;
}
