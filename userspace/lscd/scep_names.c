// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scep_names.h"

static const struct {
	const char *word;
	unsigned int cap;
} cap_words[] = {
	{ "AES", SCEP_CAP_AES },
	{ "DES3", SCEP_CAP_DES3 },
	{ "SHA-1", SCEP_CAP_SHA1 },
	{ "SHA-256", SCEP_CAP_SHA256 },
	{ "SHA-512", SCEP_CAP_SHA512 },
	{ "POSTPKIOperation", SCEP_CAP_POST },
	{ "Renewal", SCEP_CAP_RENEWAL },
	{ "GetNextCACert", SCEP_CAP_GETNEXTCACERT },
	{ "SCEPStandard", SCEP_CAP_STANDARD },
	{ "Update", SCEP_CAP_UPDATE },
};

/* Keywords are one per line; case is ignored and unknown ones skipped. */
unsigned int scep_caps_parse(const char *buf, size_t len)
{
	unsigned int caps = 0;
	size_t i = 0;

	while (i < len) {
		size_t start, wl, k;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
				   buf[i] == '\r' || buf[i] == '\n' || buf[i] == ','))
			i++;
		start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\t' &&
		       buf[i] != '\r' && buf[i] != '\n' && buf[i] != ',')
			i++;
		wl = i - start;
		if (!wl)
			continue;
		caps |= SCEP_CAPS_KNOWN;
		for (k = 0; k < sizeof(cap_words) / sizeof(cap_words[0]); k++) {
			if (strlen(cap_words[k].word) == wl &&
			    !strncasecmp(cap_words[k].word, buf + start, wl))
				caps |= cap_words[k].cap;
		}
	}
	return caps;
}

void scep_caps_format(unsigned int caps, char *buf, size_t size)
{
	size_t k, n = 0;

	if (!size)
		return;
	buf[0] = '\0';
	if (!(caps & SCEP_CAPS_KNOWN)) {
		snprintf(buf, size, "(none: GetCACaps unanswered or empty)");
		return;
	}
	for (k = 0; k < sizeof(cap_words) / sizeof(cap_words[0]); k++) {
		int w;

		if (!(caps & cap_words[k].cap))
			continue;
		w = snprintf(buf + n, size - n, "%s%s", n ? " " : "",
			     cap_words[k].word);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

const char *scep_fail_info_name(int fail_info)
{
	switch (fail_info) {
	case SCEP_FAIL_BADALG: return "badAlg";
	case SCEP_FAIL_BADMESSAGECHECK: return "badMessageCheck";
	case SCEP_FAIL_BADREQUEST: return "badRequest";
	case SCEP_FAIL_BADTIME: return "badTime";
	case SCEP_FAIL_BADCERTID: return "badCertId";
	}
	return "unknown";
}

/* Words from RFC 8894 section 3.2.1.4; badRequest's are the source's. */
const char *scep_fail_info_text(int fail_info)
{
	switch (fail_info) {
	case SCEP_FAIL_BADALG:
		return "Unrecognized or unsupported algorithm";
	case SCEP_FAIL_BADMESSAGECHECK:
		return "Integrity check (signature verification) failed";
	case SCEP_FAIL_BADREQUEST:
		return "Transaction not permitted or supported";
	case SCEP_FAIL_BADTIME:
		return "The signingTime attribute was not sufficiently close to the system time";
	case SCEP_FAIL_BADCERTID:
		return "No certificate could be identified matching the provided criteria";
	}
	return "Unknown failure";
}

const char *scep_msg_type_name(int msg_type)
{
	switch (msg_type) {
	case SCEP_MSG_CERTREP: return "CertRep";
	case SCEP_MSG_RENEWALREQ: return "RenewalReq";
	case SCEP_MSG_PKCSREQ: return "PKCSReq";
	case SCEP_MSG_CERTPOLL: return "CertPoll";
	case SCEP_MSG_GETCERT: return "GetCert";
	case SCEP_MSG_GETCRL: return "GetCRL";
	}
	return "unknown";
}

const char *scep_pki_status_name(int status)
{
	switch (status) {
	case SCEP_STATUS_SUCCESS: return "SUCCESS";
	case SCEP_STATUS_FAILURE: return "FAILURE";
	case SCEP_STATUS_PENDING: return "PENDING";
	}
	return "unknown";
}
