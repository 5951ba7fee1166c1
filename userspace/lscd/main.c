// SPDX-License-Identifier: GPL-2.0
/*
 * lscd: the capwap_lsc helper.  A table of subcommands, one function each.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "log.h"
#include "lscd.h"
#include "scep.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} subcommands[] = {
	{ "getca", lscd_cmd_getca, "show the CA's SCEP capabilities and certificates" },
	{ "enroll", lscd_cmd_enroll, "enroll certificate requests with the CA over SCEP" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: lscd <command> [<args>]\n\nCommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\n'lscd <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	lsc_log_init("lscd", LSC_LOG_INFO);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("lscd %s\n", CAPWAP_LSC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		if (scep_lib_init()) {
			lsc_err("cannot set up OpenSSL's default provider");
			return 1;
		}
		if (lsc_http_global_init()) {
			lsc_err("cannot initialise libcurl");
			scep_lib_exit();
			return 1;
		}
		rc = subcommands[i].fn(argc - 1, argv + 1);
		lsc_http_global_cleanup();
		scep_lib_exit();
		return rc;
	}
	lsc_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
