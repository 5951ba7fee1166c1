/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSCCTL_DTLS_TRUST_H
#define LSCCTL_DTLS_TRUST_H

/*
 * The DTLS trust settings: the manufacturer CAs a MIC must chain to, the
 * SSC authorisation list, the certificate types a handshake may present,
 * the EKU policy and the cipher suites.  lscd applies them in the
 * handshake (the module never sees a certificate), so "lscctl config"
 * keeps them where lscd reads them: keys of lscd.conf and the two files
 * it names.  Files, they outlive a module reload and a reboot.
 */

#include <stdbool.h>
#include <stddef.h>

/* Overrides lscd's default configuration path (tests, a second lscd). */
#define LSCCTL_LSCD_CONF_ENV "LSCCTL_LSCD_CONF"

/* Is WORD ("mic-ca", "ssc", "dtls-accept", ...) a trust setting's? */
bool lscctl_trust_word(const char *word);
/* The command line's shape: 0, or -EINVAL with the reason in why. */
int lscctl_trust_parse(int argc, char **argv, char *why, size_t size);
/*
 * Carries out "config mic-ca|ssc|dtls-accept|dtls-eku|dtls-suites ..."
 * (argv[0] the word): every new file replaces the old atomically, under
 * the savers' lock, and a running lscd is asked to reload.  0, or 1 with
 * the reason told on stderr and nothing changed.
 */
int lscctl_trust_config(int argc, char **argv);
/* "show trust": the settings as lscd reads them at its next handshake. */
int lscctl_trust_show(bool json, int json_flags);

/*
 * TEXT (an lscd.conf) with KEY's line set to VALUE: its first active line
 * rewritten, later ones removed (lscd takes the last), or "KEY = VALUE"
 * appended; comments and every other line kept.  malloc'd, NULL when out
 * of memory.
 */
char *lscctl_conf_with(const char *text, const char *key, const char *value);

#endif /* LSCCTL_DTLS_TRUST_H */
