// SPDX-License-Identifier: GPL-2.0
/*
 * "lscctl show stats --prometheus": the text exposition format, version
 * 0.0.4.  Counters are capwap_lsc_<key>_total, the APs known a gauge, and
 * the per-message-type and per-reason counts one family each with a
 * label, as Prometheus wants them (one metric per type would defeat its
 * aggregation).  The metric names are part of the interface: dashboards
 * and alerts name them.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <linux/capwap_lsc.h>

#include "prometheus.h"

const struct lscctl_scalar lscctl_scalars[] = {
	{ CAPWAP_LSC_STATS_A_RX_PACKETS, "rx_packets", "Datagrams received", NULL },
	{ CAPWAP_LSC_STATS_A_FRAGMENTS, "fragments", "Fragments received", NULL },
	{ CAPWAP_LSC_STATS_A_REASSEMBLED, "reassembled", "Messages reassembled", NULL },
	{ CAPWAP_LSC_STATS_A_DROPPED, "dropped", "Valid messages dropped", NULL },
	{ CAPWAP_LSC_STATS_A_RETRANSMITS, "retransmits", "Retransmissions", NULL },
	{ CAPWAP_LSC_STATS_A_DUPLICATES, "duplicates", "Duplicate requests", NULL },
	{ CAPWAP_LSC_STATS_A_TIMEOUTS, "timeouts", "Sessions timed out", NULL },
	{ CAPWAP_LSC_STATS_A_SILENT_SESSIONS, "silent_sessions",
	  "  of which silent (no echo)", "Sessions timed out with no echo ever received" },
	{ CAPWAP_LSC_STATS_A_RECORDS_EVICTED, "records_evicted",
	  "AP records evicted (table full)", NULL },
	{ CAPWAP_LSC_STATS_A_RECORDS_EXPIRED, "records_expired",
	  "AP records expired (idle)", NULL },
	{ CAPWAP_LSC_STATS_A_JOINS_LIMITED, "joins_limited",
	  "Joins dropped (per-source limit)", NULL },
	{ CAPWAP_LSC_STATS_A_STALE_SOURCE, "stale_source",
	  "Dropped: AP moved to another address", NULL },
	{ CAPWAP_LSC_STATS_A_UNBINDS_SKIPPED, "unbinds_skipped",
	  "Unbinds skipped (AP bound again)", NULL },
	{ CAPWAP_LSC_STATS_A_SESSIONS_DISPLACED, "sessions_displaced",
	  "Sessions ended by another AP's Join (same address)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_RELAYED, "dtls_relayed",
	  "DTLS datagrams relayed to lscd", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_RELAY_LIMITED, "dtls_relay_limited",
	  "DTLS datagrams not relayed (per-source limit)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_RELAY_LOST, "dtls_relay_lost",
	  "DTLS datagrams not relayed (no listener, no memory)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_DROP_AUTH, "dtls_drop_auth",
	  "DTLS records dropped: authentication", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_DROP_REPLAY, "dtls_drop_replay",
	  "DTLS records dropped: replay", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_DROP_EPOCH, "dtls_drop_epoch",
	  "DTLS records dropped: epoch", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_CLOSED, "dtls_closed",
	  "DTLS sessions ended by the peer", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_JOIN_MISMATCH, "dtls_join_mismatch",
	  "Joins refused: MAC not the handshake's", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_CLEAR_REFUSED, "dtls_clear_refused",
	  "Clear-text messages refused (DTLS)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_STARTED, "dtls_handshakes_started",
	  "DTLS handshakes started", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_COMPLETED, "dtls_handshakes_completed",
	  "DTLS handshakes completed (keys taken)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_AUTH,
	  "dtls_handshakes_failed_authentication",
	  "DTLS handshakes failed: authentication", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_COOKIE, "dtls_handshakes_failed_cookie",
	  "DTLS handshakes failed: cookie", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_TIMEOUT, "dtls_handshakes_failed_timeout",
	  "DTLS handshakes failed: timeout", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_POLICY, "dtls_handshakes_failed_policy",
	  "DTLS handshakes failed: policy", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_IDENTITY,
	  "dtls_handshakes_failed_identity",
	  "DTLS handshakes failed: identity", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_HANDOVER,
	  "dtls_handshakes_failed_handover",
	  "DTLS handshakes failed: keys refused", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_HS_FAILED_ABANDONED,
	  "dtls_handshakes_failed_abandoned",
	  "DTLS handshakes failed: in progress when lscd stopped", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_FAILED_SESSIONS, "failed_dtls_session_count",
	  "FailedDTLSSessionCount (RFC 5415)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_FAILED_AUTH_FAILS, "failed_dtls_auth_fail_count",
	  "FailedDTLSAuthFailCount (RFC 5415)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_CLOSE_SENT, "dtls_close_sent",
	  "DTLS sessions the controller ended (close_notify)", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_WAIT_JOIN, "dtls_wait_join",
	  "DTLS sessions ended: no Join within WaitJoin", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_DROP_DELETED, "dtls_drop_deleted",
	  "DTLS records dropped: session being deleted", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_COOKIES_SENT, "dtls_cookies_sent",
	  "DTLS ClientHellos the module answered with a cookie", NULL },
	{ CAPWAP_LSC_STATS_A_DTLS_COOKIES_VERIFIED, "dtls_cookies_verified",
	  "DTLS cookies the module verified (relayed first)", NULL },
	{ CAPWAP_LSC_STATS_A_TX_ERRORS, "tx_errors", "Transmit errors", NULL },
	{ CAPWAP_LSC_STATS_A_LSC_EVENTS, "lsc_events", "LSC requests announced", NULL },
	{ CAPWAP_LSC_STATS_A_QUEUE_FULL, "queue_full",
	  "LSC requests refused (too many pending)", NULL },
	{ CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED, "requests_expired",
	  "LSC requests expired (no helper)", NULL },
	{ CAPWAP_LSC_STATS_A_CERTS_DELIVERED, "certs_delivered",
	  "Certificates delivered", NULL },
	{ CAPWAP_LSC_STATS_A_ENROLL_FAILURES, "enroll_failures",
	  "Enrollment failures", NULL },
	{ CAPWAP_LSC_STATS_A_FALLBACKS, "fallbacks", "Fallbacks to MIC", NULL },
	{ CAPWAP_LSC_STATS_A_REFUSED_BRIDGE, "refused_bridge", "Refused: bridge mode", NULL },
	{ CAPWAP_LSC_STATS_A_REFUSED_MESH, "refused_mesh", "Refused: mesh mode", NULL },
	{ CAPWAP_LSC_STATS_A_REFUSED_LSC, "refused_lsc", "Refused: LSC did not verify", NULL },
};
const size_t lscctl_n_scalars = sizeof(lscctl_scalars) / sizeof(lscctl_scalars[0]);
_Static_assert(sizeof(lscctl_scalars) / sizeof(lscctl_scalars[0]) <= LSCCTL_SCALARS_MAX,
	       "struct lscctl_stats has room for every scalar");

int lscctl_family_add(struct lscctl_family *f, const char *name, uint64_t value)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (!strcmp(f->v[i].name, name)) {
			f->v[i].value += value;
			return 0;
		}
	}
	if (f->n == LSCCTL_FAMILY_MAX)
		return -ENOSPC;
	f->v[f->n].name = name;
	f->v[f->n].value = value;
	f->n++;
	return 0;
}

/* A metric name keeps [a-zA-Z0-9_:] and no leading digit; others become _. */
static void put_name(FILE *out, const char *stem, const char *suffix)
{
	const char *p;

	fputs("capwap_lsc_", out);
	for (p = stem; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == ':';

		fputc(ok ? c : '_', out);
	}
	fputs(suffix, out);
}

/* HELP escapes \ and newline; a label value " as well. */
static void put_escaped(FILE *out, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (quote && *s == '"')
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

static void put_header(FILE *out, const char *stem, const char *suffix,
		       const char *help, const char *type)
{
	fputs("# HELP ", out);
	put_name(out, stem, suffix);
	fputc(' ', out);
	put_escaped(out, help, false);
	fputs("\n# TYPE ", out);
	put_name(out, stem, suffix);
	fprintf(out, " %s\n", type);
}

/* The label's own leading blanks are layout for the text table. */
static const char *help_of(const struct lscctl_scalar *s)
{
	const char *h = s->help ? s->help : s->label;

	return h + strspn(h, " ");
}

static void put_family(FILE *out, const char *stem, const char *help,
		       const char *label, const struct lscctl_family *f)
{
	size_t i;

	put_header(out, stem, "_total", help, "counter");
	for (i = 0; i < f->n; i++) {
		put_name(out, stem, "_total");
		fprintf(out, "{%s=\"", label);
		put_escaped(out, f->v[i].name, true);
		fprintf(out, "\"} %" PRIu64 "\n", f->v[i].value);
	}
}

int lscctl_stats_prometheus(FILE *out, const struct lscctl_stats *st)
{
	size_t i;

	if (st->have_aps) {
		put_header(out, "aps", "", "APs known to the controller", "gauge");
		fprintf(out, "capwap_lsc_aps %u\n", st->aps);
	}
	for (i = 0; i < lscctl_n_scalars; i++) {
		const struct lscctl_scalar *s = &lscctl_scalars[i];

		if (!st->have[i])
			continue;
		put_header(out, s->key, "_total", help_of(s), "counter");
		put_name(out, s->key, "_total");
		fprintf(out, " %" PRIu64 "\n", st->scalar[i]);
	}
	if (st->have_rx)
		put_family(out, "rx_messages",
			   "CAPWAP control messages received, by message type",
			   "type", &st->rx);
	if (st->have_tx)
		put_family(out, "tx_messages",
			   "CAPWAP control messages sent, by message type",
			   "type", &st->tx);
	if (st->have_malformed)
		put_family(out, "malformed",
			   "Malformed messages dropped, by reason",
			   "reason", &st->malformed);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
