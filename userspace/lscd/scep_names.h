/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCEP's numbers (RFC 8894) and the words operators read for them in
 * logs, traces and "lscd getca".
 */
#ifndef LSCD_SCEP_NAMES_H
#define LSCD_SCEP_NAMES_H

#include <stddef.h>

/* GetCACaps keywords (RFC 8894 section 3.5.2). */
enum scep_cap {
	SCEP_CAP_AES = 1U << 0,
	SCEP_CAP_DES3 = 1U << 1,
	SCEP_CAP_SHA1 = 1U << 2,
	SCEP_CAP_SHA256 = 1U << 3,
	SCEP_CAP_SHA512 = 1U << 4,
	SCEP_CAP_POST = 1U << 5,
	SCEP_CAP_RENEWAL = 1U << 6,
	SCEP_CAP_GETNEXTCACERT = 1U << 7,
	SCEP_CAP_STANDARD = 1U << 8,
	SCEP_CAP_UPDATE = 1U << 9,
	/* Set when the CA answered GetCACaps with at least one keyword. */
	SCEP_CAPS_KNOWN = 1U << 31,
};

enum scep_msg_type {
	SCEP_MSG_CERTREP = 3,
	SCEP_MSG_RENEWALREQ = 17,
	SCEP_MSG_PKCSREQ = 19,
	SCEP_MSG_CERTPOLL = 20,
	SCEP_MSG_GETCERT = 21,
	SCEP_MSG_GETCRL = 22,
};

enum scep_pki_status {
	SCEP_STATUS_SUCCESS = 0,
	SCEP_STATUS_FAILURE = 2,
	SCEP_STATUS_PENDING = 3,
};

enum scep_fail_info {
	SCEP_FAIL_BADALG = 0,
	SCEP_FAIL_BADMESSAGECHECK = 1,
	SCEP_FAIL_BADREQUEST = 2,
	SCEP_FAIL_BADTIME = 3,
	SCEP_FAIL_BADCERTID = 4,
};

unsigned int scep_caps_parse(const char *buf, size_t len);
void scep_caps_format(unsigned int caps, char *buf, size_t size);
const char *scep_fail_info_name(int fail_info);
const char *scep_fail_info_text(int fail_info);
const char *scep_msg_type_name(int msg_type);
const char *scep_pki_status_name(int status);

#endif /* LSCD_SCEP_NAMES_H */
