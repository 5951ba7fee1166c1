// SPDX-License-Identifier: GPL-2.0
/*
 * lscd: the capwap_lsc helper.  A table of subcommands, one function each.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "http.h"
#include "log.h"
#include "lscd.h"
#include "scep_crypto.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} subcommands[] = {
	{ "getca", lscd_cmd_getca, "show the CA's SCEP capabilities and certificates" },
	{ "enroll", lscd_cmd_enroll, "enroll certificate requests with the CA over SCEP" },
	{ "daemon", lscd_cmd_daemon, "run the helper (the default; see lscd --help)" },
	{ "ca", lscd_cmd_ca, "show or accept the CA lscd trusts" },
	{ "renew", lscd_cmd_renew, "renew one AP's, every AP's or the controller's LSC" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: lscd [--foreground] [options]   run the helper daemon\n"
		"       lscd <command> [<args>]\n\nCommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\n'lscd <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	lsc_log_init("lscd", LSC_LOG_INFO);
	/*
	 * lscd holds the controller's private key, the DTLS master secrets
	 * and key blocks of every AP's handshake, and the AP challenge
	 * password: no core file, and no ptrace or /proc/PID/mem access by
	 * other processes of its user.  A failure is logged and not fatal.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		lsc_warn("cannot make lscd non-dumpable: its keys could reach a core file: %s",
			 strerror(errno));
	if (argc >= 2 && !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("lscd %s\n", CAPWAP_LSC_VERSION);
		return 0;
	}
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		printf("\n");
		return lscd_cmd_daemon(argc, argv);
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		/* No command, or options only: the daemon. */
		bool daemon = (argc < 2 || argv[1][0] == '-') &&
			      subcommands[i].fn == lscd_cmd_daemon;

		if (!daemon && (argc < 2 || strcmp(argv[1], subcommands[i].name)))
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
		/* The daemon's options follow the program name directly. */
		rc = daemon ? subcommands[i].fn(argc, argv) :
		     subcommands[i].fn(argc - 1, argv + 1);
		lsc_http_global_cleanup();
		scep_lib_exit();
		return rc;
	}
	lsc_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
