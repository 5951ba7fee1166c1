/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCD_LSCD_H
#define LSCD_LSCD_H

#include <stdbool.h>

/* Subcommands: each takes its own argv (argv[0] is the subcommand) and
 * returns the process exit status. */
int lscd_cmd_getca(int argc, char **argv);
int lscd_cmd_enroll(int argc, char **argv);

int lscd_cmd_daemon(int argc, char **argv);
int lscd_cmd_renew(int argc, char **argv);
int lscd_cmd_ca(int argc, char **argv);

#endif /* LSCD_LSCD_H */
