/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CA lscd trusts when ca_fingerprint is not configured: the first one
 * it saw, recorded in the state directory (ca.pin, the SHA-256 of the
 * issuing CA's certificate), until the operator accepts another with
 * "lscd ca accept".
 */
#ifndef LSCD_TRUST_H
#define LSCD_TRUST_H

#define LSCD_PIN_FILE "ca.pin"
/*
 * The next CA the pinned one announced (GetNextCACert, verified against
 * it): two lines, the next CA's SHA-256, then the announcing CA's.  Taken
 * in place of the pin only while the pin is still that announcing CA.
 */
#define LSCD_NEXT_FILE "ca.next"

/* 0 and hex (lower case, no colons), -ENOENT when none is recorded. */
int lscd_pin_load(const char *state_dir, char hex[65]);
/* Atomic, 0600; hex in any case, with or without colons. */
int lscd_pin_save(const char *state_dir, const char *hex);
/* The announced next CA and who announced it; -ENOENT when none. */
int lscd_next_load(const char *state_dir, char next[65], char by[65]);
int lscd_next_save(const char *state_dir, const char *next, const char *by);
void lscd_next_clear(const char *state_dir);
/* Lower case, no colons; -EINVAL unless 64 hex digits. */
int lscd_fp_normalize(const char *in, char out[65]);

int lscd_cmd_ca(int argc, char **argv);

#endif /* LSCD_TRUST_H */
