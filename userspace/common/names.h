/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_NAMES_H
#define LSC_NAMES_H

/*
 * The words operators see for the UAPI enumerations, in one place so the
 * CLI, the daemon and the AP agent say the same thing.
 */

const char *lsc_result_name(int result);
const char *lsc_ap_state_name(int state);
/* enum capwap_lsc_event_type: "join", "cert-request", "session-end", ... */
const char *lsc_event_name(int type);
/* enum capwap_lsc_end_reason: "silent", "no-answer", "rejoin", ... */
const char *lsc_end_reason_name(int why);
/* "none", "clear", "dtls": an AP session's enum capwap_lsc_dtls_state */
const char *lsc_dtls_state_name(int state);
const char *lsc_session_name(int session);
const char *lsc_cert_type_name(int type);
const char *lsc_ap_mode_name(int mode);
const char *lsc_key_type_name(int type);
const char *lsc_provision_mode_text(int mode);
/* "off", "all", "list": the words of "lscctl config provision" */
const char *lsc_provision_mode_name(int mode);
/* "off", "on", "required": the words of "lscctl config dtls" */
const char *lsc_dtls_mode_name(int mode);
const char *lsc_dtls_mode_text(int mode);
const char *lsc_msg_type_name(int type);
const char *lsc_malformed_name(int why);

/* "C", "ST", "L", "O", "OU", "emailAddress" for enum capwap_lsc_subject_attr */
const char *lsc_subject_field_name(int field);
/* Its OpenSSL NID (NID_countryName, ...), or NID_undef. */
int lsc_subject_field_nid(int field);
/* The field for a name as operators write it ("C", "email", ...), or -1. */
int lsc_subject_field_parse(const char *name);

#endif /* LSC_NAMES_H */
