// SPDX-License-Identifier: GPL-2.0
/*
 * capwap_peer: plays CAPWAP APs over UDP and the LSC helper over generic
 * netlink against capwap_lsc.ko, printing one "ok"/"not ok" line per
 * check.  tests/vm/cases/2*.sh run it inside the test VM.
 *
 *   capwap_peer fastpath          every message the fast path handles
 *   capwap_peer config            genl configuration and its validation
 *   capwap_peer lsc DIR           the full exchange; DIR holds csr.der,
 *                                 ca.der, ap.der, other.der (DER files)
 *   capwap_peer fallback N        N failed enrollments, then fallback
 *   capwap_peer provlist          provision-list filtering
 *   capwap_peer refuse            bridge and mesh APs refused
 *   capwap_peer lscjoin DIR       LSC joins verified against the CA
 *   capwap_peer rtx               retransmission, then teardown
 *   capwap_peer queue DIR         requests wait for a helper; owner loss
 *   capwap_peer fuzz N            N malformed packets, counters add up
 *   capwap_peer mkaps N [FIRST]   N APs join (for memory measurements);
 *                                 a dump lists exactly them, each once
 *   capwap_peer regress DIR       reviewed defects stay fixed (DIR as lsc;
 *                                 run after lscjoin installed the CA)
 *   capwap_peer deliver           certificate delivery at the AP's
 *                                 reassembly limit, and one byte past it
 *   capwap_peer silent S          silent sessions end, talking ones stay
 *                                 (module loaded with echo_interval=S)
 *   capwap_peer evict N           spoofed Joins fill max_aps=N; real APs
 *                                 still join, none in Run or enrolling
 *                                 is evicted
 *   capwap_peer expire            records without a session expire, one
 *                                 with a queued request does not (module
 *                                 loaded with record_idle_s=1)
 *   capwap_peer radios            radios switched off for provisioning
 *                                 come back on when it ends without LSC
 *   capwap_peer rekick            APs in Run that become eligible through
 *                                 a config change are provisioned at once
 *   capwap_peer stale DIR         COMPLETE of a request RENEW cancelled:
 *                                 "no longer waits", nothing delivered;
 *                                 then the same, racing (DIR as lsc)
 *   capwap_peer flood N           N CSRs while no helper listens: those
 *                                 past max_pending_requests are refused
 *                                 (Result Code 4), the rest expire after
 *                                 request_timeout_s
 *   capwap_peer released          a request a helper accepted and let go
 *                                 expires after request_timeout_s too
 *   capwap_peer blind N           spoofed sessions in Run fill max_aps=N;
 *                                 a real AP still joins
 *   capwap_peer joinlimit         Joins from one address past join_burst
 *                                 are dropped (join_rate=1 join_burst=5)
 *   capwap_peer rebind N          N times a Reset and a Join of one AP at
 *                                 once, from threads on two CPUs: both
 *                                 are answered, and a Join the module
 *                                 handled last keeps its address binding
 *   capwap_peer rebind-move N     the same, the Join from another port:
 *                                 the Reset from the port the AP left
 *                                 never ends the session of its new one
 *   capwap_peer rebind-pair N     two APs Join from one port at once: one
 *                                 session there afterwards
 *   capwap_peer displace          two APs Join from one port in turn: each
 *                                 Join ends the other's session (counted
 *                                 and logged), and one whose sequence
 *                                 number matches the other's last Join is
 *                                 answered as its own
 *   capwap_peer churn S           for S seconds APs join, send a CSR and
 *                                 reset (load for the unload race)
 *   capwap_peer apcsr N FILE      only an AP (MAC 02:ca + N as 32 bits):
 *                                 to Run, answers CERT_PARAMS with the CSR
 *                                 in FILE (DER), and reports the LSC_STATUS
 *                                 that comes back; lscd plays the helper
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "capwap_peer.h"
#include "genl.h"

#define AC_PORT 5246

static struct peer_nl nl;
static unsigned int ap_index = 1;

static struct peer_ap *new_ap(const char *ip)
{
	struct peer_ap *ap = calloc(1, sizeof(*ap));

	if (!ap || peer_ap_open(ap, ip, AC_PORT, ap_index++)) {
		perror("peer_ap_open");
		exit(2);
	}
	return ap;
}

static void free_ap(struct peer_ap *ap)
{
	peer_ap_close(ap);
	free(ap);
}

static u8 *read_file(const char *dir, const char *name, size_t *len)
{
	char path[512];
	struct stat st;
	u8 *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(2);
	}
	buf = malloc(st.st_size);
	if (read(fd, buf, st.st_size) != st.st_size) {
		perror(path);
		exit(2);
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

static int set_config(int enabled, int mode, int attempts)
{
	struct nl_msg *m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONFIG, 0);

	if (enabled >= 0)
		nla_put_u8(m, CAPWAP_LSC_A_LSC_ENABLED, enabled);
	if (mode >= 0)
		nla_put_u8(m, CAPWAP_LSC_A_PROVISION_MODE, mode);
	if (attempts >= 0)
		nla_put_u8(m, CAPWAP_LSC_A_MAX_ATTEMPTS, attempts);
	return peer_nl_do(&nl, m, NULL, NULL);
}

static bool has_elem(const struct capwap_msg *msg, u16 type)
{
	struct capwap_elem e;

	return !capwap_find_elem(msg, type, &e);
}

/* ---- fastpath ------------------------------------------------------- */

/*
 * What the module counts or records for a datagram is not always done when
 * its answer arrives: these poll for it, for up to five seconds, rather
 * than sleep a fixed time, and leave the last reading for the check.
 */
static void wait_ap_state(const u8 *mac, int state, struct ap_info *info)
{
	int i;

	for (i = 0; i < 50; i++) {
		peer_get_ap(&nl, mac, info);
		if (info->found && info->state == state)
			return;
		usleep(100000);
	}
}

/* Until counter @a has moved by @want since @s0. */
static void wait_stat(const struct stats_ctx *s0, int a, u64 want,
		      struct stats_ctx *s)
{
	int i;

	for (i = 0; i < 50; i++) {
		peer_get_stats(&nl, s);
		if (s->v[a] - s0->v[a] >= want)
			return;
		usleep(100000);
	}
}

static int cmd_fastpath(void)
{
	struct peer_ap *ap = new_ap("127.0.0.2"), *ap2;
	struct stats_ctx s0, s1;
	u8 first[2048], buf[256];
	size_t first_len;
	struct capwap_builder b;
	struct capwap_elem e;
	int r, len;

	peer_get_stats(&nl, &s0);
	r = peer_request(ap, CAPWAP_MSG_DISCOVERY_REQ, 3000);
	result(r == 1 && has_elem(&ap->msg, CAPWAP_ELEM_AC_DESCRIPTOR) &&
	       has_elem(&ap->msg, CAPWAP_ELEM_AC_NAME) &&
	       !capwap_find_elem(&ap->msg, CAPWAP_ELEM_CONTROL_IPV4, &e) &&
	       e.len == 6 && e.val[0] == 127 && e.val[3] == 1 &&
	       !capwap_msg_check_mandatory(&ap->msg, &(enum capwap_lsc_malformed){0}),
	       "discovery response with AC descriptor, AC name, control IPv4",
	       "r=%d", r);

	r = peer_join(ap, 3000);
	result(r == 0 && has_elem(&ap->msg, CAPWAP_ELEM_AC_DESCRIPTOR),
	       "join response with result success", "r=%d", r);
	memcpy(first, ap->rx, ap->rx_len);
	first_len = ap->rx_len;

	/* The same Join again (same sequence number): the cached answer. */
	ap->seq--;
	r = peer_join(ap, 3000);
	result(r == 0 && ap->rx_len == first_len &&
	       !memcmp(first, ap->rx, first_len),
	       "duplicate join gets the cached response", "r=%d", r);

	r = peer_request(ap, CAPWAP_MSG_CONFIG_STATUS_REQ, 3000);
	result(r == 1 && has_elem(&ap->msg, CAPWAP_ELEM_TIMERS) &&
	       has_elem(&ap->msg, CAPWAP_ELEM_IDLE_TIMEOUT),
	       "configuration status response", "r=%d", r);
	r = peer_request(ap, CAPWAP_MSG_CHANGE_STATE_REQ, 3000);
	result(r == 1 && peer_result(&ap->msg) == 0,
	       "change state event response (AP in Run)", "r=%d", r);
	r = peer_request(ap, CAPWAP_MSG_ECHO_REQ, 3000);
	result(r == 1, "echo response", "r=%d", r);
	memcpy(first, ap->rx, ap->rx_len);
	first_len = ap->rx_len;
	ap->seq--;
	r = peer_request(ap, CAPWAP_MSG_ECHO_REQ, 3000);
	result(r == 1 && ap->rx_len == first_len &&
	       !memcmp(first, ap->rx, first_len),
	       "duplicate echo gets the cached response", "r=%d", r);

	r = peer_request(ap, CAPWAP_MSG_IMAGE_DATA_REQ, 3000);
	result(r == 1 && peer_result(&ap->msg) ==
	       CAPWAP_RESULT_UNRECOGNIZED_REQUEST,
	       "unhandled request gets result code 19", "r=%d res=%u", r,
	       r == 1 ? peer_result(&ap->msg) : 0);
	r = peer_request(ap, 201, 3000);
	result(r == 1 && peer_result(&ap->msg) ==
	       CAPWAP_RESULT_UNRECOGNIZED_REQUEST,
	       "unknown message type gets result code 19", "r=%d", r);
	r = peer_request(ap, CAPWAP_MSG_WTP_EVENT_REQ, 3000);
	result(r == 1, "plain WTP event response", "r=%d", r);

	/* A DTLS-framed datagram is counted and dropped. */
	buf[0] = 0x01;
	memset(buf + 1, 0, 31);
	send(ap->fd, buf, 32, 0);
	sendto(ap->fd, buf, 32, 0, (struct sockaddr *)&ap->ac, sizeof(ap->ac));

	r = peer_request(ap, CAPWAP_MSG_RESET_REQ, 3000);
	result(r == 1 && peer_result(&ap->msg) == 0, "reset response",
	       "r=%d", r);
	r = peer_request(ap, CAPWAP_MSG_ECHO_REQ, 1000);
	result(r == 0, "no echo answer after reset (session ended)", "r=%d", r);

	/* A response nobody asked for is dropped. */
	capwap_build_init(&b, buf, sizeof(buf), CAPWAP_MSG_ECHO_RESP, 9);
	len = capwap_build_finish(&b);
	sendto(ap->fd, buf, len, 0, (struct sockaddr *)&ap->ac, sizeof(ap->ac));

	/* A Join in fragments of at most 96 bytes is reassembled. */
	ap2 = new_ap("127.0.0.3");
	ap2->mtu = 96;
	r = peer_join(ap2, 3000);
	peer_get_stats(&nl, &s1);
	result(r == 0 && s1.v[CAPWAP_LSC_STATS_A_REASSEMBLED] >
	       s0.v[CAPWAP_LSC_STATS_A_REASSEMBLED],
	       "fragmented join reassembled and answered", "r=%d", r);

	wait_stat(&s0, CAPWAP_LSC_STATS_A_DUPLICATES, 2, &s1);
	result(s1.v[CAPWAP_LSC_STATS_A_DUPLICATES] -
	       s0.v[CAPWAP_LSC_STATS_A_DUPLICATES] == 2,
	       "duplicates counted", "%llu",
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_DUPLICATES] -
				    s0.v[CAPWAP_LSC_STATS_A_DUPLICATES]));
	result(s1.bad[CAPWAP_LSC_BAD_DTLS + 1] > s0.bad[CAPWAP_LSC_BAD_DTLS + 1],
	       "DTLS datagram counted as malformed/dtls", "%s", "counter did not move");
	result(s1.rx[CAPWAP_MSG_ECHO_REQ] - s0.rx[CAPWAP_MSG_ECHO_REQ] == 3 &&
	       s1.tx[CAPWAP_MSG_ECHO_RESP] - s0.tx[CAPWAP_MSG_ECHO_RESP] == 2 &&
	       s1.rx[CAPWAP_LSC_STATS_MSG_OTHER] >
	       s0.rx[CAPWAP_LSC_STATS_MSG_OTHER],
	       "rx/tx counted per message type", "rx echo %llu tx echo %llu",
	       (unsigned long long)(s1.rx[13] - s0.rx[13]),
	       (unsigned long long)(s1.tx[14] - s0.tx[14]));
	result(s1.v[CAPWAP_LSC_STATS_A_DROPPED] >
	       s0.v[CAPWAP_LSC_STATS_A_DROPPED],
	       "unsolicited and sessionless messages dropped and counted", "%s", "counter did not move");
	free_ap(ap);
	free_ap(ap2);
	return 0;
}

/* ---- config --------------------------------------------------------- */

static int key_cfg(int type, int bits)
{
	struct nl_msg *m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONFIG, 0);

	nla_put_u8(m, CAPWAP_LSC_A_KEY_TYPE, type);
	if (bits)
		nla_put_u16(m, CAPWAP_LSC_A_KEY_BITS, bits);
	return peer_nl_do(&nl, m, NULL, NULL);
}

static int mac_cmd(int cmd, const u8 *mac)
{
	struct nl_msg *m = peer_nl_msg(&nl, cmd, 0);

	if (mac)
		nla_put(m, CAPWAP_LSC_A_MAC, 6, mac);
	return peer_nl_do(&nl, m, NULL, NULL);
}

struct cfg_view {
	int enabled, mode, key_type, key_bits, attempts, nlist;
	u32 vendor;
	char org[80];
};

static int cfg_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1], *sub[CAPWAP_LSC_SUBJ_A_MAX + 1];
	struct cfg_view *v = arg;
	struct nlattr *a;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL))
		return NL_SKIP;
	v->enabled = nla_get_u8(tb[CAPWAP_LSC_A_LSC_ENABLED]);
	v->mode = nla_get_u8(tb[CAPWAP_LSC_A_PROVISION_MODE]);
	v->key_type = nla_get_u8(tb[CAPWAP_LSC_A_KEY_TYPE]);
	v->key_bits = nla_get_u16(tb[CAPWAP_LSC_A_KEY_BITS]);
	v->attempts = nla_get_u8(tb[CAPWAP_LSC_A_MAX_ATTEMPTS]);
	v->vendor = nla_get_u32(tb[CAPWAP_LSC_A_VENDOR_ID]);
	if (tb[CAPWAP_LSC_A_PROVISION_LIST])
		nla_for_each_nested(a, tb[CAPWAP_LSC_A_PROVISION_LIST], rem)
			v->nlist++;
	if (tb[CAPWAP_LSC_A_SUBJECT] &&
	    !nla_parse_nested(sub, CAPWAP_LSC_SUBJ_A_MAX,
			      tb[CAPWAP_LSC_A_SUBJECT], NULL) &&
	    sub[CAPWAP_LSC_SUBJ_A_ORG])
		snprintf(v->org, sizeof(v->org), "%s",
			 nla_get_string(sub[CAPWAP_LSC_SUBJ_A_ORG]));
	return NL_OK;
}

static int cmd_config(void)
{
	static const struct { int type, bits, ok; } keys[] = {
		{ CAPWAP_LSC_KEY_RSA, 384, 1 }, { CAPWAP_LSC_KEY_RSA, 1024, 1 },
		{ CAPWAP_LSC_KEY_RSA, 2048, 1 }, { CAPWAP_LSC_KEY_RSA, 3072, 1 },
		{ CAPWAP_LSC_KEY_RSA, 4096, 1 }, { CAPWAP_LSC_KEY_EC, 256, 1 },
		{ CAPWAP_LSC_KEY_EC, 384, 1 }, { CAPWAP_LSC_KEY_RSA, 383, 0 },
		{ CAPWAP_LSC_KEY_RSA, 2049, 0 }, { CAPWAP_LSC_KEY_RSA, 8192, 0 },
		{ CAPWAP_LSC_KEY_EC, 521, 0 }, { 7, 2048, 0 },
	};
	u8 mac[6] = { 0x02, 0, 0, 0, 0, 1 }, mcast[6] = { 1, 0, 0, 0, 0, 1 };
	struct cfg_view v = { 0 };
	struct nl_msg *m;
	struct nlattr *n;
	unsigned int i;
	int bad = 0, r;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		r = key_cfg(keys[i].type, keys[i].bits);
		if ((r == 0) != keys[i].ok) {
			printf("# key %d/%d -> %d\n", keys[i].type,
			       keys[i].bits, r);
			bad++;
		}
	}
	result(!bad, "key types and sizes validated (RSA 384-2048/3072/4096, EC 256/384)",
	       "%d wrong", bad);
	key_cfg(CAPWAP_LSC_KEY_RSA, 2048);

	m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONFIG, 0);
	nla_put_u8(m, CAPWAP_LSC_A_LSC_ENABLED, 2);
	r = peer_nl_do(&nl, m, NULL, NULL);
	m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONFIG, 0);
	nla_put_u8(m, CAPWAP_LSC_A_PROVISION_MODE, 3);
	result(r < 0 && peer_nl_do(&nl, m, NULL, NULL) < 0,
	       "out-of-range enable flag and mode rejected", "r=%d", r);

	m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONFIG, 0);
	nla_put_u8(m, CAPWAP_LSC_A_LSC_ENABLED, 1);
	nla_put_u8(m, CAPWAP_LSC_A_MAX_ATTEMPTS, 255);
	nla_put_u32(m, CAPWAP_LSC_A_VENDOR_ID, PEER_VENDOR);
	n = nla_nest_start(m, CAPWAP_LSC_A_SUBJECT);
	nla_put_string(m, CAPWAP_LSC_SUBJ_A_COUNTRY, "US");
	nla_put_string(m, CAPWAP_LSC_SUBJ_A_ORG, "Example Org");
	nla_nest_end(m, n);
	r = peer_nl_do(&nl, m, NULL, NULL);
	result(r == 0, "set config (enable, attempts 255, subject)", "r=%d", r);

	m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONFIG, 0);
	nla_put_u8(m, CAPWAP_LSC_A_LSC_ENABLED, 0);
	n = nla_nest_start(m, CAPWAP_LSC_A_SUBJECT);
	nla_put_string(m, CAPWAP_LSC_SUBJ_A_COUNTRY, "USA");
	nla_nest_end(m, n);
	r = peer_nl_do(&nl, m, NULL, NULL);
	result(r == -EINVAL, "three-letter country rejected", "r=%d", r);

	r = mac_cmd(CAPWAP_LSC_CMD_PROVLIST_ADD, mac);
	result(r == 0 && mac_cmd(CAPWAP_LSC_CMD_PROVLIST_ADD, mac) == -EEXIST &&
	       mac_cmd(CAPWAP_LSC_CMD_PROVLIST_ADD, mcast) == -EINVAL,
	       "provision list add (duplicate and multicast refused)", "r=%d", r);
	peer_nl_do(&nl, peer_nl_msg(&nl, CAPWAP_LSC_CMD_GET_CONFIG, 0), cfg_cb, &v);
	result(v.enabled == 1 && v.attempts == 255 && v.key_bits == 2048 &&
	       v.nlist == 1 && !strcmp(v.org, "Example Org") &&
	       v.vendor == PEER_VENDOR,
	       "get config reflects the changes, nothing from the refused set",
	       "enabled=%d attempts=%d bits=%d list=%d org=%s", v.enabled,
	       v.attempts, v.key_bits, v.nlist, v.org);
	r = mac_cmd(CAPWAP_LSC_CMD_PROVLIST_DEL, mac);
	result(r == 0 && mac_cmd(CAPWAP_LSC_CMD_PROVLIST_DEL, mac) == -ENOENT,
	       "provision list delete", "r=%d", r);
	mac_cmd(CAPWAP_LSC_CMD_PROVLIST_ADD, mac);
	r = mac_cmd(CAPWAP_LSC_CMD_PROVLIST_FLUSH, NULL);
	memset(&v, 0, sizeof(v));
	peer_nl_do(&nl, peer_nl_msg(&nl, CAPWAP_LSC_CMD_GET_CONFIG, 0), cfg_cb, &v);
	result(r == 0 && v.nlist == 0, "provision list flush", "r=%d", r);

	m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONTROLLER, 0);
	n = nla_nest_start(m, CAPWAP_LSC_A_CONTROLLER);
	nla_put_string(m, CAPWAP_LSC_CTRL_A_CA_URL, "http://ca.example/scep");
	nla_put_u8(m, CAPWAP_LSC_CTRL_A_CA_PRESENT, 1);
	nla_put(m, CAPWAP_LSC_CTRL_A_CA_FINGERPRINT, 31, mac);
	nla_nest_end(m, n);
	r = peer_nl_do(&nl, m, NULL, NULL);
	result(r < 0, "controller fingerprint of the wrong length rejected",
	       "r=%d", r);
	return 0;
}

/* ---- LSC ------------------------------------------------------------ */

struct accepted {
	u64 id;
	u8 mac[6];
	u8 csr[CAPWAP_LSC_MAX_DER_LEN];
	int csr_len;
};

static int accept_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct accepted *a = arg;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL) ||
	    !tb[CAPWAP_LSC_A_REQUEST_ID] || !tb[CAPWAP_LSC_A_CSR])
		return NL_SKIP;
	a->id = nla_get_u64(tb[CAPWAP_LSC_A_REQUEST_ID]);
	memcpy(a->mac, nla_data(tb[CAPWAP_LSC_A_MAC]), 6);
	a->csr_len = nla_len(tb[CAPWAP_LSC_A_CSR]);
	memcpy(a->csr, nla_data(tb[CAPWAP_LSC_A_CSR]), a->csr_len);
	return NL_OK;
}

static int do_accept(struct peer_nl *n, u64 id, struct accepted *a)
{
	struct nl_msg *m = peer_nl_msg(n, CAPWAP_LSC_CMD_ACCEPT, 0);

	memset(a, 0, sizeof(*a));
	if (id)
		nla_put_u64(m, CAPWAP_LSC_A_REQUEST_ID, id);
	return peer_nl_do(n, m, accept_cb, a);
}

static int do_complete(struct peer_nl *n, u64 id, int res, const char *why,
		       const u8 *ca, size_t ca_len, const u8 *cert,
		       size_t cert_len)
{
	struct nl_msg *m = peer_nl_msg(n, CAPWAP_LSC_CMD_COMPLETE, 0);
	struct nlattr *chain;

	nla_put_u64(m, CAPWAP_LSC_A_REQUEST_ID, id);
	nla_put_u8(m, CAPWAP_LSC_A_RESULT, res);
	if (res == CAPWAP_LSC_RESULT_SUCCESS) {
		chain = nla_nest_start(m, CAPWAP_LSC_A_CA_CHAIN);
		nla_put(m, CAPWAP_LSC_A_CERT, ca_len, ca);
		nla_nest_end(m, chain);
		nla_put(m, CAPWAP_LSC_A_CERT, cert_len, cert);
	} else if (why) {
		nla_put_string(m, CAPWAP_LSC_A_REASON, why);
	}
	return peer_nl_do(n, m, NULL, NULL);
}

static bool lsc_elem(struct peer_ap *ap, u16 id)
{
	return capwap_lsc_has_elem(&ap->msg, peer_vendor, id);
}

static bool ap_is_update_with(struct peer_ap *ap, u16 id)
{
	return ap->msg.type == CAPWAP_MSG_CONFIG_UPDATE_REQ && lsc_elem(ap, id);
}

/* Waits for a Configuration Update Request carrying LSC element @id. */
static int wait_update(struct peer_ap *ap, u16 id, int timeout_ms)
{
	for (;;) {
		int r = peer_recv(ap, timeout_ms);

		if (r <= 0)
			return r;
		if (ap->msg.type != CAPWAP_MSG_CONFIG_UPDATE_REQ)
			continue;
		if (lsc_elem(ap, id))
			return 1;
		/* Something else: acknowledge it and keep waiting. */
		peer_reply(ap, 0);
	}
}

static int send_csr(struct peer_ap *ap, const u8 *csr, size_t len)
{
	return peer_event(ap, CAPWAP_LSC_VSP_CERT_REQUEST, csr, len, 0);
}

static int cmd_lsc(const char *dir)
{
	size_t csr_len, ca_len, cert_len;
	u8 *csr = read_file(dir, "csr.der", &csr_len);
	u8 *ca = read_file(dir, "ca.der", &ca_len);
	u8 *cert = read_file(dir, "ap.der", &cert_len);
	struct capwap_lsc_cert_params p;
	struct peer_ap *ap = new_ap("127.0.0.4");
	u8 obj[CAPWAP_LSC_MAX_DER_LEN], mac[6];
	struct stats_ctx s0, s1;
	struct accepted acc;
	struct ap_info info;
	u64 id = 0;
	int r, n;

	peer_get_stats(&nl, &s0);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	r = peer_to_run(ap);
	result(r == 0, "AP joins with a MIC and reaches Run", "r=%d", r);

	r = wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	r = r == 1 ? capwap_lsc_get_cert_params(&ap->msg, peer_vendor, &p) : -1;
	result(r == 0 && p.key_type == CAPWAP_LSC_KEY_RSA &&
	       p.key_bits == 2048 && p.attempts_left == 3,
	       "AP in Run gets the certificate parameters", "r=%d", r);
	peer_reply(ap, 0);
	r = send_csr(ap, csr, csr_len);
	result(r == 0, "AP sends its PKCS#10 request", "r=%d", r);

	r = peer_nl_event(&nl, &id, mac, 3000);
	result(r == 1 && !memcmp(mac, ap->mac, 6),
	       "CERT_REQUEST announced on the events group", "r=%d", r);
	r = do_accept(&nl, id, &acc);
	result(r == 0 && acc.id == id && acc.csr_len == (int)csr_len &&
	       !memcmp(acc.csr, csr, csr_len),
	       "ACCEPT returns the AP's CSR", "r=%d", r);
	r = do_accept(&nl, id, &acc);
	result(r == -ENOENT, "a request is accepted only once", "r=%d", r);
	peer_get_ap(&nl, ap->mac, &info);
	result(info.state == CAPWAP_LSC_AP_ENROLLING, "AP state enrolling",
	       "state=%d", info.state);

	r = do_complete(&nl, id, CAPWAP_LSC_RESULT_SUCCESS, NULL, ca, ca_len,
			cert, cert_len);
	result(r == 0, "COMPLETE with CA chain and device certificate", "r=%d", r);

	ap->frags_in = 0;
	r = wait_update(ap, CAPWAP_LSC_VSP_CA_CERT, 3000);
	n = r == 1 ? capwap_lsc_get_object(&ap->msg, peer_vendor,
					   CAPWAP_LSC_VSP_CA_CERT, 0, obj,
					   sizeof(obj)) : -1;
	result(n == (int)ca_len && !memcmp(obj, ca, ca_len) &&
	       !lsc_elem(ap, CAPWAP_LSC_VSP_DEVICE_CERT),
	       "CA certificate delivered first, alone", "r=%d n=%d", r, n);
	result(ap->frags_in > 0,
	       "certificate delivery fragmented at the module's mtu",
	       "%u fragments", ap->frags_in);
	peer_reply(ap, 0);
	r = wait_update(ap, CAPWAP_LSC_VSP_DEVICE_CERT, 3000);
	n = r == 1 ? capwap_lsc_get_object(&ap->msg, peer_vendor,
					   CAPWAP_LSC_VSP_DEVICE_CERT, 0, obj,
					   sizeof(obj)) : -1;
	result(n == (int)cert_len && !memcmp(obj, cert, cert_len),
	       "device certificate delivered in a separate request",
	       "r=%d n=%d", r, n);
	peer_reply(ap, 0);
	r = peer_event(ap, CAPWAP_LSC_VSP_INSTALL_RESULT, NULL, 0,
		       CAPWAP_LSC_RESULT_SUCCESS);
	wait_ap_state(ap->mac, CAPWAP_LSC_AP_INSTALLED, &info);
	peer_get_stats(&nl, &s1);
	result(r == 0 && info.state == CAPWAP_LSC_AP_INSTALLED &&
	       s1.v[CAPWAP_LSC_STATS_A_CERTS_DELIVERED] ==
	       s0.v[CAPWAP_LSC_STATS_A_CERTS_DELIVERED] + 1,
	       "install result: AP installed, delivery counted", "state=%d",
	       info.state);

	/* The AP reboots with its LSC: no further provisioning. */
	ap->cert_type = CAPWAP_LSC_CERT_LSC;
	ap->cert = cert;
	ap->cert_len = cert_len;
	r = peer_to_run(ap);
	peer_get_ap(&nl, ap->mac, &info);
	result(r == 0 && info.cert_type == CAPWAP_LSC_CERT_LSC,
	       "AP rejoins with its LSC (verified by the kernel)", "r=%d", r);
	r = wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 1000);
	result(r == 0, "an AP with an LSC is not provisioned again", "r=%d", r);

	/* RENEW sends the parameters again, flagged as a renewal. */
	{
		struct nl_msg *m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_RENEW, 0);

		nla_put(m, CAPWAP_LSC_A_MAC, 6, ap->mac);
		r = peer_nl_do(&nl, m, NULL, NULL);
	}
	n = wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	result(r == 0 && n == 1 &&
	       !capwap_lsc_get_cert_params(&ap->msg, peer_vendor, &p) &&
	       (p.flags & CAPWAP_LSC_PARAMS_RENEWAL),
	       "RENEW sends renewal parameters to an AP with an LSC",
	       "r=%d n=%d", r, n);
	peer_reply(ap, 0);
	free_ap(ap);
	return 0;
}

static int cmd_fallback(int attempts)
{
	struct peer_ap *ap = new_ap("127.0.0.5");
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	struct capwap_lsc_status st;
	struct accepted acc;
	struct ap_info info;
	struct stats_ctx s0, s1;
	int i, r, failed = 0;
	u64 id;

	peer_get_stats(&nl, &s0);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, attempts);
	r = peer_to_run(ap);
	for (i = 0; i < attempts && !failed; i++) {
		if (wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000) != 1) {
			failed = 1;
			break;
		}
		peer_reply(ap, 0);
		send_csr(ap, csr, sizeof(csr));
		if (peer_nl_event(&nl, &id, NULL, 3000) != 1 ||
		    do_accept(&nl, id, &acc) ||
		    do_complete(&nl, id, CAPWAP_LSC_RESULT_FAILED_CA_SIGNING,
				"pkiStatus FAILURE: badRequest", NULL, 0, NULL,
				0)) {
			failed = 2;
			break;
		}
		if (wait_update(ap, CAPWAP_LSC_VSP_LSC_STATUS, 3000) != 1 ||
		    capwap_lsc_get_status(&ap->msg, peer_vendor,
					  CAPWAP_LSC_VSP_LSC_STATUS, &st) ||
		    st.result != CAPWAP_LSC_RESULT_FAILED_CA_SIGNING ||
		    st.reason_len != strlen("pkiStatus FAILURE: badRequest")) {
			failed = 3;
			break;
		}
		peer_reply(ap, 0);
		if (i < attempts - 1 && st.state != CAPWAP_LSC_AP_FAILED)
			failed = 4;
	}
	result(r == 0 && !failed,
	       "each failed enrollment reaches the AP as LSC_STATUS with the reason",
	       "r=%d step=%d attempt=%d", r, failed, i);
	result(!failed && st.state == CAPWAP_LSC_AP_FALLBACK,
	       "after max_attempts the AP falls back to its MIC", "state=%d",
	       st.state);
	r = wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 1000);
	peer_get_ap(&nl, ap->mac, &info);
	peer_get_stats(&nl, &s1);
	result(r == 0 && info.state == CAPWAP_LSC_AP_FALLBACK &&
	       info.attempts == attempts && info.fallbacks == 1 &&
	       !strcmp(info.last_error, "pkiStatus FAILURE: badRequest") &&
	       s1.v[CAPWAP_LSC_STATS_A_FALLBACKS] ==
	       s0.v[CAPWAP_LSC_STATS_A_FALLBACKS] + 1,
	       "fallback is final, counted and visible with the last error",
	       "r=%d state=%d attempts=%d err=%s", r, info.state,
	       info.attempts, info.last_error);
	free_ap(ap);
	return 0;
}

static int cmd_provlist(void)
{
	struct peer_ap *a = new_ap("127.0.0.6"), *b = new_ap("127.0.0.7");
	int cfg, run_a, run_b, r1, r2;

	/* Silence from the unlisted AP means something only if it is in Run. */
	cfg = set_config(1, CAPWAP_LSC_PROVISION_LIST, 3) ||
	      mac_cmd(CAPWAP_LSC_CMD_PROVLIST_FLUSH, NULL) ||
	      mac_cmd(CAPWAP_LSC_CMD_PROVLIST_ADD, b->mac);
	run_a = peer_to_run(a);
	run_b = peer_to_run(b);
	r1 = wait_update(a, CAPWAP_LSC_VSP_CERT_PARAMS, 1000);
	r2 = wait_update(b, CAPWAP_LSC_VSP_CERT_PARAMS, 2000);
	result(!cfg && !run_a && !run_b && r1 == 0 && r2 == 1,
	       "mode list: only the listed AP gets parameters",
	       "config=%d run_a=%d run_b=%d r1=%d r2=%d", cfg, run_a, run_b,
	       r1, r2);
	peer_reply(b, 0);
	cfg = set_config(-1, CAPWAP_LSC_PROVISION_ALL, -1);
	run_a = peer_to_run(a);
	r1 = wait_update(a, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	result(!cfg && !run_a && r1 == 1,
	       "mode all: the unlisted AP gets parameters",
	       "config=%d run=%d r=%d", cfg, run_a, r1);
	peer_reply(a, 0);
	set_config(-1, CAPWAP_LSC_PROVISION_OFF, -1);
	free_ap(a);
	free_ap(b);
	return 0;
}

static int cmd_refuse(void)
{
	static const char *const names[] = { NULL, "bridge", "mesh" };
	struct capwap_lsc_status st;
	struct stats_ctx s0, s1;
	int mode, r;

	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	for (mode = CAPWAP_LSC_MODE_BRIDGE; mode <= CAPWAP_LSC_MODE_MESH;
	     mode++) {
		struct peer_ap *ap = new_ap(mode == 1 ? "127.0.0.8" :
					    "127.0.0.9");
		char name[64];

		peer_get_stats(&nl, &s0);
		ap->mode = mode;
		peer_to_run(ap);
		r = wait_update(ap, CAPWAP_LSC_VSP_LSC_STATUS, 3000);
		r = r == 1 ? capwap_lsc_get_status(&ap->msg, peer_vendor,
						   CAPWAP_LSC_VSP_LSC_STATUS,
						   &st) : -1;
		peer_reply(ap, 0);
		peer_get_stats(&nl, &s1);
		snprintf(name, sizeof(name),
			 "%s AP refused with LSC_STATUS and counted",
			 names[mode]);
		result(r == 0 && st.state == CAPWAP_LSC_AP_REFUSED &&
		       st.reason_len > 0 &&
		       !lsc_elem(ap, CAPWAP_LSC_VSP_CERT_PARAMS) &&
		       s1.v[mode == 1 ? CAPWAP_LSC_STATS_A_REFUSED_BRIDGE :
			    CAPWAP_LSC_STATS_A_REFUSED_MESH] ==
		       s0.v[mode == 1 ? CAPWAP_LSC_STATS_A_REFUSED_BRIDGE :
			    CAPWAP_LSC_STATS_A_REFUSED_MESH] + 1,
		       name, "r=%d", r);
		free_ap(ap);
	}
	return 0;
}

static int cmd_lscjoin(const char *dir)
{
	size_t ca_len, cert_len, other_len;
	u8 *ca = read_file(dir, "ca.der", &ca_len);
	u8 *cert = read_file(dir, "ap.der", &cert_len);
	u8 *other = read_file(dir, "other.der", &other_len);
	struct peer_ap *ap = new_ap("127.0.0.10");
	struct stats_ctx s0, s1;
	struct nl_msg *m;
	struct nlattr *n;
	int r;

	peer_get_stats(&nl, &s0);
	ap->cert_type = CAPWAP_LSC_CERT_LSC;
	ap->cert = cert;
	ap->cert_len = cert_len;
	r = peer_join(ap, 5000);
	result(r == CAPWAP_RESULT_JOIN_FAILURE,
	       "LSC join refused while no LSC CA is set", "r=%d", r);

	m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CA, 0);
	n = nla_nest_start(m, CAPWAP_LSC_A_CA_CHAIN);
	nla_put(m, CAPWAP_LSC_A_CERT, ca_len, ca);
	nla_nest_end(m, n);
	r = peer_nl_do(&nl, m, NULL, NULL);
	result(r == 0, "SET_CA installs the LSC CA", "r=%d", r);

	r = peer_join(ap, 5000);
	result(r == 0, "LSC join accepted: certificate chains to the CA",
	       "r=%d", r);
	ap->cert = other;
	ap->cert_len = other_len;
	r = peer_join(ap, 5000);
	peer_get_stats(&nl, &s1);
	result(r == CAPWAP_RESULT_JOIN_FAILURE &&
	       s1.v[CAPWAP_LSC_STATS_A_REFUSED_LSC] ==
	       s0.v[CAPWAP_LSC_STATS_A_REFUSED_LSC] + 2,
	       "LSC join refused: certificate from another CA, counted",
	       "r=%d", r);
	m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CA, 0);
	n = nla_nest_start(m, CAPWAP_LSC_A_CA_CHAIN);
	nla_put(m, CAPWAP_LSC_A_CERT, 10, "not a cert");
	nla_nest_end(m, n);
	r = peer_nl_do(&nl, m, NULL, NULL);
	result(r < 0, "SET_CA rejects garbage", "r=%d", r);
	free_ap(ap);
	return 0;
}

static int cmd_rtx(void)
{
	struct peer_ap *ap = new_ap("127.0.0.11");
	struct stats_ctx s0, s1;
	struct ap_info info;
	int copies = 0, r;
	u8 first[2048];
	size_t first_len = 0;
	bool same = true;

	peer_get_stats(&nl, &s0);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	peer_to_run(ap);
	/* Never answer: the request comes 1 + 5 times, then the session ends. */
	while ((r = peer_recv(ap, 5000)) == 1) {
		if (ap->msg.type != CAPWAP_MSG_CONFIG_UPDATE_REQ)
			continue;
		if (!copies) {
			first_len = ap->rx_len;
			memcpy(first, ap->rx, ap->rx_len);
		} else if (ap->rx_len != first_len ||
			   memcmp(first, ap->rx, first_len)) {
			same = false;
		}
		copies++;
	}
	peer_get_ap(&nl, ap->mac, &info);
	peer_get_stats(&nl, &s1);
	result(copies == 6 && same,
	       "unanswered request retransmitted 5 times, unchanged",
	       "copies=%d same=%d", copies, same);
	result(info.session == CAPWAP_LSC_SESSION_DOWN &&
	       s1.v[CAPWAP_LSC_STATS_A_TIMEOUTS] ==
	       s0.v[CAPWAP_LSC_STATS_A_TIMEOUTS] + 1 &&
	       s1.v[CAPWAP_LSC_STATS_A_RETRANSMITS] ==
	       s0.v[CAPWAP_LSC_STATS_A_RETRANSMITS] + 5,
	       "then the session is torn down and counted", "session=%d",
	       info.session);
	r = peer_request(ap, CAPWAP_MSG_ECHO_REQ, 1000);
	result(r == 0, "echo after teardown unanswered", "r=%d", r);
	free_ap(ap);
	return 0;
}

static int cmd_queue(void)
{
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct peer_ap *ap = new_ap("127.0.0.12");
	struct peer_nl l1, l2;
	struct accepted acc;
	struct ap_info info;
	u64 id = 0, id2 = 0;
	int r;

	/* No listener yet: nl was opened without the events group. */
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	peer_to_run(ap);
	wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	peer_reply(ap, 0);
	send_csr(ap, csr, sizeof(csr));
	wait_ap_state(ap->mac, CAPWAP_LSC_AP_CSR_RECEIVED, &info);
	result(info.state == CAPWAP_LSC_AP_CSR_RECEIVED,
	       "request queued while no helper listens", "state=%d",
	       info.state);

	peer_nl_open(&l1, true);
	r = peer_nl_event(&l1, &id, NULL, 3000);
	result(r == 1, "queued request announced when a listener joins",
	       "r=%d", r);
	r = do_accept(&l1, id, &acc);
	peer_nl_close(&l1);
	peer_nl_open(&l2, true);
	r = peer_nl_event(&l2, &id2, NULL, 3000);
	result(r == 1 && id2 == id,
	       "accepted request waits again when its owner closes",
	       "r=%d id=%llu/%llu", r, (unsigned long long)id,
	       (unsigned long long)id2);
	r = do_accept(&l2, id2, &acc);
	r = r ?: do_complete(&nl, id2, CAPWAP_LSC_RESULT_ERROR, "x", NULL, 0,
			     NULL, 0);
	result(r == -ENOENT, "only the owner may complete", "r=%d", r);
	r = do_complete(&l2, id2, CAPWAP_LSC_RESULT_ERROR, "helper gave up",
			NULL, 0, NULL, 0);
	result(r == 0, "owner completes with a failure", "r=%d", r);
	wait_update(ap, CAPWAP_LSC_VSP_LSC_STATUS, 3000);
	peer_reply(ap, 0);
	peer_nl_close(&l2);
	set_config(-1, CAPWAP_LSC_PROVISION_OFF, -1);
	free_ap(ap);
	return 0;
}

static u32 rnd_state = 12345;

static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static int cmd_fuzz(long n)
{
	struct peer_ap *aps[4];
	struct stats_ctx s0, s1;
	u8 valid[6][2048], pkt[2048];
	int vlen[6], i, len;
	long k;
	u64 in, out;
	static const u32 types[] = {
		CAPWAP_MSG_DISCOVERY_REQ, CAPWAP_MSG_JOIN_REQ,
		CAPWAP_MSG_CONFIG_STATUS_REQ, CAPWAP_MSG_CHANGE_STATE_REQ,
		CAPWAP_MSG_ECHO_REQ, CAPWAP_MSG_WTP_EVENT_REQ,
	};

	for (i = 0; i < 4; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "127.0.1.%d", i + 1);
		aps[i] = new_ap(ip);
		peer_to_run(aps[i]);
	}
	for (i = 0; i < 6; i++)
		vlen[i] = build_request(aps[0], types[i], valid[i], 2048);
	peer_get_stats(&nl, &s0);
	for (k = 0; k < n; k++) {
		struct peer_ap *ap = aps[k & 3];
		u32 mode = rnd() % 4;

		if (mode == 0) {
			len = rnd() % 300;
			for (i = 0; i < len; i++)
				pkt[i] = rnd();
			if (len)
				pkt[0] &= 0x0f;
		} else {
			int v = rnd() % 6, flips = 1 + rnd() % 4;

			len = vlen[v];
			memcpy(pkt, valid[v], len);
			for (i = 0; i < flips; i++) {
				u32 what = rnd() % 4;

				if (what == 0)
					pkt[rnd() % len] = rnd();
				else if (what == 1)
					pkt[rnd() % 16] ^= 1 << (rnd() % 8);
				else if (what == 2)
					len = 1 + rnd() % len;
				else
					pkt[16 + rnd() % (len > 16 ? len - 16 : 1)] ^= 0xff;
			}
		}
		sendto(ap->fd, pkt, len, 0, (struct sockaddr *)&ap->ac,
		       sizeof(ap->ac));
		if ((k & 255) == 0) {
			/* Drain answers so the socket buffers never fill. */
			for (i = 0; i < 4; i++)
				while (recv(aps[i]->fd, pkt, sizeof(pkt),
					    MSG_DONTWAIT) > 0)
					;
			usleep(1000);
		}
	}
	/* The module is through the flood once its counters stop moving. */
	peer_get_stats(&nl, &s1);
	for (i = 0; i < 60; i++) {
		struct stats_ctx s2;

		usleep(500000);
		peer_get_stats(&nl, &s2);
		if (s2.v[CAPWAP_LSC_STATS_A_RX_PACKETS] ==
		    s1.v[CAPWAP_LSC_STATS_A_RX_PACKETS] &&
		    s2.bad_sum == s1.bad_sum && s2.rx_sum == s1.rx_sum)
			break;
		s1 = s2;
	}
	in = s1.v[CAPWAP_LSC_STATS_A_RX_PACKETS] -
	     s0.v[CAPWAP_LSC_STATS_A_RX_PACKETS] +
	     s1.v[CAPWAP_LSC_STATS_A_REASSEMBLED] -
	     s0.v[CAPWAP_LSC_STATS_A_REASSEMBLED];
	out = s1.bad_sum - s0.bad_sum + s1.rx_sum - s0.rx_sum +
	      s1.v[CAPWAP_LSC_STATS_A_FRAGMENTS] -
	      s0.v[CAPWAP_LSC_STATS_A_FRAGMENTS];
	printf("# %ld sent: rx_packets %llu, malformed %llu, messages %llu, fragments %llu\n",
	       n, (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_RX_PACKETS] -
				       s0.v[CAPWAP_LSC_STATS_A_RX_PACKETS]),
	       (unsigned long long)(s1.bad_sum - s0.bad_sum),
	       (unsigned long long)(s1.rx_sum - s0.rx_sum),
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_FRAGMENTS] -
				    s0.v[CAPWAP_LSC_STATS_A_FRAGMENTS]));
	result(s1.v[CAPWAP_LSC_STATS_A_RX_PACKETS] -
	       s0.v[CAPWAP_LSC_STATS_A_RX_PACKETS] >= (u64)n * 99 / 100 &&
	       s1.bad_sum - s0.bad_sum >= (u64)n / 2,
	       "malformed packets received and counted", "%s", "counter did not move");
	result(in == out,
	       "counters add up: rx_packets + reassembled = malformed + fragments + messages",
	       "%llu != %llu", (unsigned long long)in, (unsigned long long)out);
	for (i = 0; i < 4; i++)
		free_ap(aps[i]);
	return 0;
}

/* ---- regressions ---------------------------------------------------- */

static void regress_alarm(int sig)
{
	static const char msg[] =
		"not ok ACCEPT without id returns while a stale request is queued # hung\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* Sends a request without waiting for its answer. */
static int send_only(struct peer_ap *ap, u32 type)
{
	static u8 buf[16384];
	int len = build_request(ap, type, buf, sizeof(buf));

	return len < 0 ? len : peer_send(ap, buf, len) < 0 ? -EIO : 0;
}

static int renew_mac_on(struct peer_nl *n, const u8 *mac)
{
	struct nl_msg *m = peer_nl_msg(n, CAPWAP_LSC_CMD_RENEW, 0);

	nla_put(m, CAPWAP_LSC_A_MAC, 6, mac);
	return peer_nl_do(n, m, NULL, NULL);
}

static int renew_mac(const u8 *mac)
{
	return renew_mac_on(&nl, mac);
}

/* Parameters answered, CSR sent and announced: its id, or 0. */
static u64 csr_round(struct peer_ap *ap, const u8 *csr, size_t len)
{
	u64 id = 0;

	if (wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000) != 1)
		return 0;
	peer_reply(ap, 0);
	if (send_csr(ap, csr, len) || peer_nl_event(&nl, &id, NULL, 3000) != 1)
		return 0;
	return id;
}

/* Fails the accepted request @id; returns the LSC_STATUS state or -1. */
static int fail_round(struct peer_ap *ap, u64 id, const char *why,
		      struct capwap_lsc_status *st)
{
	struct accepted acc;

	if (!id || do_accept(&nl, id, &acc) ||
	    do_complete(&nl, id, CAPWAP_LSC_RESULT_FAILED_CA_SIGNING, why,
			NULL, 0, NULL, 0) ||
	    wait_update(ap, CAPWAP_LSC_VSP_LSC_STATUS, 3000) != 1 ||
	    capwap_lsc_get_status(&ap->msg, peer_vendor,
				  CAPWAP_LSC_VSP_LSC_STATUS, st))
		return -1;
	peer_reply(ap, 0);
	return st->state;
}

static int cmd_regress(const char *dir)
{
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x02 };
	static const char ctl[] = "bad\tCA: ";
	size_t cert_len, other_len;
	u8 *cert = read_file(dir, "ap.der", &cert_len);
	u8 *other = read_file(dir, "other.der", &other_len);
	struct peer_ap *ap = new_ap("127.0.0.20");
	struct capwap_lsc_cert_params p;
	struct capwap_lsc_status st;
	struct stats_ctx s0, s1;
	struct accepted acc;
	struct ap_info info;
	bool join_ok = false, run = false;
	char why[128];
	u64 id1, id2, got;
	int i, r, n;

	/* A long reason in two-byte characters, with a control character. */
	strcpy(why, ctl);
	for (i = 0; i < 40; i++)
		strcat(why, "\xc3\xa9");
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 2);
	r = peer_to_run(ap);
	r = r ? r : fail_round(ap, csr_round(ap, csr, sizeof(csr)), why, &st);
	result(r == CAPWAP_LSC_AP_FAILED && st.reason_len == 88 &&
	       !memcmp(st.reason, "bad?CA: \xc3\xa9", 10) &&
	       !memcmp(st.reason + 86, "\xc3\xa9", 2),
	       "a reason with control characters reaches the AP whole and valid",
	       "r=%d len=%u", r, st.reason_len);

	r = fail_round(ap, csr_round(ap, csr, sizeof(csr)), "no", &st);
	n = wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 500);
	result(r == CAPWAP_LSC_AP_FALLBACK && n == 0, "second failure: fallback",
	       "r=%d n=%d", r, n);
	r = renew_mac(ap->mac);
	n = wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	result(r == 0 && n == 1 &&
	       !capwap_lsc_get_cert_params(&ap->msg, peer_vendor, &p) &&
	       p.attempts_left == 2 && !(p.flags & CAPWAP_LSC_PARAMS_RENEWAL),
	       "RENEW provisions an AP in fallback again, attempts reset",
	       "r=%d n=%d", r, n);
	peer_reply(ap, 0);
	free_ap(ap);

	/* RENEW while a request waits, then ACCEPT without an id. */
	ap = new_ap("127.0.0.21");
	ap->cert_type = CAPWAP_LSC_CERT_LSC;
	ap->cert = cert;
	ap->cert_len = cert_len;
	r = peer_to_run(ap);
	id1 = r ? 0 : (renew_mac(ap->mac), csr_round(ap, csr, sizeof(csr)));
	id2 = id1 ? (renew_mac(ap->mac), csr_round(ap, csr, sizeof(csr))) : 0;
	signal(SIGALRM, regress_alarm);
	alarm(20);
	r = id2 ? do_accept(&nl, 0, &acc) : -1;
	alarm(0);
	got = acc.id;
	n = do_accept(&nl, id1, &acc);
	result(id1 && id2 && r == 0 && got == id2 && n == -ENOENT,
	       "ACCEPT without id returns while a stale request is queued",
	       "r=%d id1=%llu id2=%llu n=%d", r, (unsigned long long)id1,
	       (unsigned long long)id2, n);
	if (got == id2 && !do_complete(&nl, id2, CAPWAP_LSC_RESULT_ERROR,
					"done", NULL, 0, NULL, 0) &&
	    wait_update(ap, CAPWAP_LSC_VSP_LSC_STATUS, 3000) == 1)
		peer_reply(ap, 0);
	free_ap(ap);

	/* Configuration Status and Change State right behind an LSC Join. */
	ap = new_ap("127.0.0.22");
	ap->cert_type = CAPWAP_LSC_CERT_LSC;
	ap->cert = other;
	ap->cert_len = other_len;
	peer_get_stats(&nl, &s0);
	send_only(ap, CAPWAP_MSG_JOIN_REQ);
	send_only(ap, CAPWAP_MSG_CONFIG_STATUS_REQ);
	send_only(ap, CAPWAP_MSG_CHANGE_STATE_REQ);
	while (peer_recv(ap, 2000) == 1) {
		if (ap->msg.type == CAPWAP_MSG_JOIN_RESP)
			join_ok = peer_result(&ap->msg) == CAPWAP_RESULT_SUCCESS;
		if (ap->msg.type == CAPWAP_MSG_CHANGE_STATE_RESP)
			run = true;
	}
	peer_get_ap(&nl, ap->mac, &info);
	peer_get_stats(&nl, &s1);
	result(!join_ok && !run && info.session != CAPWAP_LSC_SESSION_RUN &&
	       s1.v[CAPWAP_LSC_STATS_A_REFUSED_LSC] ==
	       s0.v[CAPWAP_LSC_STATS_A_REFUSED_LSC] + 1,
	       "requests racing an LSC Join's check do not bypass the refusal",
	       "join_ok=%d run=%d session=%d", join_ok, run, info.session);
	free_ap(ap);
	return 0;
}

/* ---- deliver -------------------------------------------------------- */

static int genl_accept_cb(struct nlattr **tb, void *arg)
{
	if (tb[CAPWAP_LSC_A_REQUEST_ID])
		*(u64 *)arg = nla_get_u64(tb[CAPWAP_LSC_A_REQUEST_ID]);
	return 0;
}

/* What the helper says of the certificate it delivers. */
#define DELIVER_EXPIRY 4102444800ULL	/* 2100-01-01 */

/*
 * ACCEPT and COMPLETE through userspace/common/genl.c, which keeps the
 * kernel's extended-ack message.  Returns COMPLETE's errno.
 */
static int complete_chain(struct lsc_genl *g, u64 id, const u32 *chain_len,
			  unsigned int n, const u8 *filler, const u8 *cert,
			  size_t cert_len)
{
	struct nl_msg *m = lsc_genl_msg(g, CAPWAP_LSC_CMD_ACCEPT, 0);
	struct nlattr *nest;
	u64 got = 0;
	unsigned int i;
	int r;

	nla_put_u64(m, CAPWAP_LSC_A_REQUEST_ID, id);
	r = lsc_genl_call(g, m, genl_accept_cb, &got);
	if (r || got != id)
		return r ? r : -EPROTO;
	m = lsc_genl_msg_sized(g, CAPWAP_LSC_CMD_COMPLETE, 0, 65536);
	nla_put_u64(m, CAPWAP_LSC_A_REQUEST_ID, id);
	nla_put_u8(m, CAPWAP_LSC_A_RESULT, CAPWAP_LSC_RESULT_SUCCESS);
	nest = nla_nest_start(m, CAPWAP_LSC_A_CA_CHAIN);
	for (i = 0; i < n; i++)
		nla_put(m, CAPWAP_LSC_A_CERT, chain_len[i], filler);
	nla_nest_end(m, nest);
	nla_put(m, CAPWAP_LSC_A_CERT, cert_len, cert);
	nla_put_u64(m, CAPWAP_LSC_A_CERT_EXPIRY, DELIVER_EXPIRY);
	nla_put(m, CAPWAP_LSC_A_ISSUER_HASH, CAPWAP_LSC_SHA256_LEN, filler);
	return lsc_genl_call(g, m, NULL, NULL);
}

#define DELIVER_CHALLENGE "peer-challenge-\xc3\xa9"

struct challenge_view {
	int set;		/* CAPWAP_LSC_A_AP_CHALLENGE_SET, -1 absent */
	bool value_sent;	/* the attribute or its bytes in the reply */
};

static int challenge_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1];
	struct challenge_view *v = arg;
	struct nlmsghdr *h = nlmsg_hdr(m);

	v->set = -1;
	v->value_sent = memmem(h, h->nlmsg_len, DELIVER_CHALLENGE,
			       strlen(DELIVER_CHALLENGE)) != NULL;
	if (genlmsg_parse(h, 0, tb, CAPWAP_LSC_A_MAX, NULL))
		return NL_SKIP;
	if (tb[CAPWAP_LSC_A_AP_CHALLENGE])
		v->value_sent = true;
	if (tb[CAPWAP_LSC_A_AP_CHALLENGE_SET])
		v->set = nla_get_u8(tb[CAPWAP_LSC_A_AP_CHALLENGE_SET]);
	return NL_OK;
}

static int set_challenge(const char *c)
{
	struct nl_msg *m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CONFIG, 0);

	nla_put_string(m, CAPWAP_LSC_A_AP_CHALLENGE, c);
	return peer_nl_do(&nl, m, NULL, NULL);
}

/*
 * The APs' challenge password: validated, sent in CERT_PARAMS, and never
 * shown, neither by GET_CONFIG nor in sysfs.  Leaves the AP in
 * params-sent with the parameters answered.
 */
static void challenge_round(struct peer_ap *ap)
{
	char big[CAPWAP_LSC_MAX_CHALLENGE_LEN + 2];
	struct capwap_lsc_cert_params p;
	struct challenge_view v = { 0 };
	int r, r_ctl, r_big, grep;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r_ctl = set_challenge("tab\there");
	r_big = set_challenge(big);
	r = set_challenge(DELIVER_CHALLENGE);
	peer_nl_do(&nl, peer_nl_msg(&nl, CAPWAP_LSC_CMD_GET_CONFIG, 0),
		   challenge_cb, &v);
	result(r == 0 && r_ctl == -EINVAL && r_big < 0 && v.set == 1 &&
	       !v.value_sent,
	       "AP challenge: set (control characters and 256 bytes refused), GET_CONFIG says only that there is one",
	       "r=%d ctl=%d big=%d set=%d sent=%d", r, r_ctl, r_big, v.set,
	       v.value_sent);
	grep = system("grep -rqsF '" DELIVER_CHALLENGE "' /sys/kernel/capwap_lsc");
	result(WIFEXITED(grep) && WEXITSTATUS(grep) == 1,
	       "the AP challenge is nowhere in sysfs", "grep status %d", grep);

	r = peer_to_run(ap);
	r = r ? r : wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	r = r == 1 ? capwap_lsc_get_cert_params(&ap->msg, peer_vendor, &p) : -1;
	result(r == 0 && p.challenge &&
	       p.challenge_len == strlen(DELIVER_CHALLENGE) &&
	       !memcmp(p.challenge, DELIVER_CHALLENGE, p.challenge_len),
	       "CERT_PARAMS carries the AP challenge", "r=%d len=%u", r,
	       p.challenge_len);
	peer_reply(ap, 0);
}

/*
 * A CA's failure text may take the whole 255 bytes COMPLETE allows; the
 * AP's record keeps all of it (genl, sysfs) and LSC_STATUS carries it.
 */
static void long_reason_round(struct peer_ap *ap, u64 id)
{
	char why[CAPWAP_LSC_MAX_REASON_LEN + 1], path[96], shown[512] = "";
	struct capwap_lsc_status st = { 0 };
	struct ap_info info;
	unsigned int i;
	FILE *f;
	int r;

	for (i = 0; i < CAPWAP_LSC_MAX_REASON_LEN; i++)
		why[i] = 'a' + i % 26;
	/* Ends in a two-byte character: nothing may cut it in half. */
	memcpy(why + CAPWAP_LSC_MAX_REASON_LEN - 2, "\xc3\xa9", 2);
	why[CAPWAP_LSC_MAX_REASON_LEN] = '\0';
	r = fail_round(ap, id, why, &st);
	peer_get_ap(&nl, ap->mac, &info);
	result(r == CAPWAP_LSC_AP_FAILED && !strcmp(info.last_error, why) &&
	       st.reason_len == CAPWAP_LSC_MAX_REASON_LEN &&
	       !memcmp(st.reason, why, st.reason_len),
	       "a 255-byte failure reason is kept whole in the AP dump and LSC_STATUS",
	       "r=%d len=%zu status len=%u", r, strlen(info.last_error),
	       st.reason_len);
	snprintf(path, sizeof(path),
		 "/sys/kernel/capwap_lsc/aps/%02x:%02x:%02x:%02x:%02x:%02x/last_error",
		 ap->mac[0], ap->mac[1], ap->mac[2], ap->mac[3], ap->mac[4],
		 ap->mac[5]);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(shown, sizeof(shown), f))
			shown[0] = '\0';
		fclose(f);
	}
	shown[strcspn(shown, "\n")] = '\0';
	result(!strcmp(shown, why), "and whole in sysfs", "len=%zu",
	       strlen(shown));
}

/*
 * The CA chain travels in one message the AP must reassemble, at most
 * 16384 bytes after the CAPWAP header: the control header (8) and, per
 * chunk of up to 2042 bytes, 16 bytes of element, vendor and chunk
 * headers.  A chain of 8192 + 8040 bytes makes a message of exactly
 * 8 + (8192 + 5 * 16) + (8040 + 4 * 16) = 16384 bytes; one byte more and
 * the AP could never take it.  The module does not parse the objects, so
 * filler bytes stand in for certificates.
 */
static int cmd_deliver(void)
{
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x03 };
	static const u32 fits[] = { 8192, 8040 }, over[] = { 8192, 8041 };
	static u8 filler[CAPWAP_LSC_MAX_DER_LEN], obj[CAPWAP_LSC_MAX_DER_LEN];
	static const u8 cert[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };
	struct peer_ap *ap = new_ap("127.0.0.30");
	struct capwap_lsc_cert_params params;
	struct capwap_lsc_status st;
	struct lsc_genl g;
	struct ap_info info;
	unsigned int i;
	int r, n0, n1;
	u64 id;

	for (i = 0; i < sizeof(filler); i++)
		filler[i] = (u8)(i * 7 + 1);
	if (lsc_genl_open(&g)) {
		result(false, "deliver: genl socket", "cannot open");
		return 0;
	}
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 0);
	challenge_round(ap);
	id = 0;
	if (!send_csr(ap, csr, sizeof(csr)))
		peer_nl_event(&nl, &id, NULL, 3000);
	long_reason_round(ap, id);

	id = csr_round(ap, csr, sizeof(csr));
	r = id ? complete_chain(&g, id, over, 2, filler, cert, sizeof(cert)) :
		 -ETIMEDOUT;
	result(r == -EMSGSIZE && strstr(g.error_msg, "16384"),
	       "COMPLETE with a CA chain one byte past the AP's reassembly limit is refused",
	       "r=%d msg='%s'", r, g.error_msg);
	r = wait_update(ap, CAPWAP_LSC_VSP_LSC_STATUS, 3000);
	r = r == 1 ? capwap_lsc_get_status(&ap->msg, peer_vendor,
					   CAPWAP_LSC_VSP_LSC_STATUS, &st) : -1;
	peer_get_ap(&nl, ap->mac, &info);
	result(r == 0 && st.state == CAPWAP_LSC_AP_FAILED &&
	       lsc_elem(ap, CAPWAP_LSC_VSP_LSC_STATUS) &&
	       !lsc_elem(ap, CAPWAP_LSC_VSP_CA_CERT) &&
	       strstr(info.last_error, "too large"),
	       "the AP's attempt fails with the reason instead of a message it cannot reassemble",
	       "r=%d state=%d err='%s'", r, st.state, info.last_error);
	peer_reply(ap, 0);

	id = csr_round(ap, csr, sizeof(csr));
	r = id ? complete_chain(&g, id, fits, 2, filler, cert, sizeof(cert)) :
		 -ETIMEDOUT;
	result(r == 0, "COMPLETE with a CA chain exactly at the limit",
	       "r=%d msg='%s'", r, g.error_msg);
	r = wait_update(ap, CAPWAP_LSC_VSP_CA_CERT, 5000);
	n0 = r == 1 ? capwap_lsc_get_object(&ap->msg, peer_vendor,
					    CAPWAP_LSC_VSP_CA_CERT, 0, obj,
					    sizeof(obj)) : -1;
	r = n0 == (int)fits[0] && !memcmp(obj, filler, fits[0]);
	n1 = r ? capwap_lsc_get_object(&ap->msg, peer_vendor,
				       CAPWAP_LSC_VSP_CA_CERT, 1, obj,
				       sizeof(obj)) : -1;
	result(r && n1 == (int)fits[1] && !memcmp(obj, filler, fits[1]) &&
	       ap->msg.elems_len + CAPWAP_CTRL_HDR_LEN == CAPWAP_REASM_MAX_LEN,
	       "a 16384-byte CA_CERT message reaches the AP whole",
	       "n0=%d n1=%d elements=%u", n0, n1, ap->msg.elems_len);
	peer_reply(ap, 0);
	r = wait_update(ap, CAPWAP_LSC_VSP_DEVICE_CERT, 3000);
	n0 = r == 1 ? capwap_lsc_get_object(&ap->msg, peer_vendor,
					    CAPWAP_LSC_VSP_DEVICE_CERT, 0, obj,
					    sizeof(obj)) : -1;
	result(n0 == (int)sizeof(cert) && !memcmp(obj, cert, sizeof(cert)),
	       "then the device certificate", "r=%d n=%d", r, n0);
	peer_reply(ap, 0);
	peer_get_ap(&nl, ap->mac, &info);
	result(!info.cert_expiry && !info.issuer_hash_len,
	       "expiry and issuer are not the AP's before it installs",
	       "expiry=%llu", (unsigned long long)info.cert_expiry);

	/* Lost session mid-delivery: the kept requests go out again. */
	r = peer_to_run(ap);
	r = r ? r : wait_update(ap, CAPWAP_LSC_VSP_CA_CERT, 5000);
	n0 = r == 1 ? capwap_lsc_get_object(&ap->msg, peer_vendor,
					    CAPWAP_LSC_VSP_CA_CERT, 1, obj,
					    sizeof(obj)) : -1;
	result(n0 == (int)fits[1] && !memcmp(obj, filler, fits[1]),
	       "after a rejoin the delivery starts over from the CA chain",
	       "r=%d n=%d", r, n0);
	peer_reply(ap, 0);
	r = wait_update(ap, CAPWAP_LSC_VSP_DEVICE_CERT, 3000);
	peer_reply(ap, 0);
	r = r == 1 ? peer_event(ap, CAPWAP_LSC_VSP_INSTALL_RESULT, NULL, 0,
				CAPWAP_LSC_RESULT_SUCCESS) : -1;
	wait_ap_state(ap->mac, CAPWAP_LSC_AP_INSTALLED, &info);
	result(r == 0 && info.state == CAPWAP_LSC_AP_INSTALLED,
	       "and the AP installs it", "r=%d state=%d", r, info.state);
	result(info.cert_expiry == DELIVER_EXPIRY &&
	       info.issuer_hash_len == CAPWAP_LSC_SHA256_LEN &&
	       !memcmp(info.issuer_hash, filler, CAPWAP_LSC_SHA256_LEN),
	       "the AP dump shows the installed LSC's expiry and issuer hash",
	       "expiry=%llu issuer_len=%d",
	       (unsigned long long)info.cert_expiry, info.issuer_hash_len);

	/* Back with its MIC: what was said of the LSC no longer holds. */
	r = set_challenge("");
	n0 = peer_to_run(ap);
	peer_get_ap(&nl, ap->mac, &info);
	result(n0 == 0 && !info.cert_expiry && !info.issuer_hash_len,
	       "an AP that rejoins with its MIC has no LSC expiry", "r=%d", n0);
	n0 = wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	n0 = n0 == 1 ? capwap_lsc_get_cert_params(&ap->msg, peer_vendor,
						  &params) : -1;
	result(r == 0 && n0 == 0 && !params.challenge,
	       "an empty AP challenge removes it from CERT_PARAMS", "r=%d n=%d",
	       r, n0);
	peer_reply(ap, 0);
	lsc_genl_close(&g);
	free_ap(ap);
	return 0;
}

/* ---- lifetime ------------------------------------------------------ */

/* Polls GET_AP until @mac's session is @session: 1, or 0 after @secs. */
static int wait_session(const u8 *mac, int session, int secs)
{
	struct ap_info info;
	int i;

	for (i = 0; i < secs * 10; i++) {
		peer_get_ap(&nl, mac, &info);
		if (info.found && info.session == session)
			return 1;
		usleep(100000);
	}
	return 0;
}

static int cmd_silent(int echo_interval)
{
	struct peer_ap *quiet = new_ap("127.0.2.1");
	struct peer_ap *joined = new_ap("127.0.2.2");
	struct peer_ap *talker = new_ap("127.0.2.3");
	struct stats_ctx s0, s1;
	struct ap_info info;
	struct capwap_elem e;
	int r, echoes = 0, unanswered = 0, down = 0, i;

	peer_get_stats(&nl, &s0);
	r = peer_join(quiet, 3000);
	r = r ?: peer_request(quiet, CAPWAP_MSG_CONFIG_STATUS_REQ, 3000) != 1;
	result(r == 0 &&
	       !capwap_find_elem(&quiet->msg, CAPWAP_ELEM_TIMERS, &e) &&
	       e.len == 2 && e.val[1] == echo_interval,
	       "the CAPWAP Timers element carries the module's echo_interval",
	       "r=%d echo=%d", r, e.len == 2 ? e.val[1] : -1);
	r = r ?: peer_request(quiet, CAPWAP_MSG_CHANGE_STATE_REQ, 3000) != 1;
	r = r ?: peer_join(joined, 3000);
	r = r ?: peer_to_run(talker);
	result(r == 0, "three APs join, two reach Run", "r=%d", r);

	/*
	 * The talker echoes far more often than it was told to while the
	 * other two stay silent; bounded by the wait, not by a deadline the
	 * module must meet.
	 */
	for (i = 0; i < 600 && down < 2; i++) {
		echoes++;
		if (peer_request(talker, CAPWAP_MSG_ECHO_REQ, 2000) != 1)
			unanswered++;
		usleep(100000);
		down = 0;
		peer_get_ap(&nl, quiet->mac, &info);
		down += info.session == CAPWAP_LSC_SESSION_DOWN;
		peer_get_ap(&nl, joined->mac, &info);
		down += info.session == CAPWAP_LSC_SESSION_DOWN;
	}
	peer_get_ap(&nl, talker->mac, &info);
	peer_get_stats(&nl, &s1);
	result(down == 2, "silent sessions in Run and in Join are torn down",
	       "%d of 2 down after %d echoes", down, echoes);
	result(info.session == CAPWAP_LSC_SESSION_RUN && !unanswered,
	       "a session that keeps echoing stays in Run",
	       "session=%d, %d of %d echoes unanswered", info.session,
	       unanswered, echoes);
	result(s1.v[CAPWAP_LSC_STATS_A_SILENT_SESSIONS] -
	       s0.v[CAPWAP_LSC_STATS_A_SILENT_SESSIONS] == 2 &&
	       s1.v[CAPWAP_LSC_STATS_A_TIMEOUTS] -
	       s0.v[CAPWAP_LSC_STATS_A_TIMEOUTS] == 2,
	       "silent teardowns counted as silent_sessions and timeouts",
	       "silent %llu timeouts %llu",
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_SILENT_SESSIONS] -
				    s0.v[CAPWAP_LSC_STATS_A_SILENT_SESSIONS]),
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_TIMEOUTS] -
				    s0.v[CAPWAP_LSC_STATS_A_TIMEOUTS]));
	r = peer_request(quiet, CAPWAP_MSG_ECHO_REQ, 1000);
	result(r == 0, "an echo after the silent teardown is not answered",
	       "r=%d", r);
	r = peer_to_run(quiet);
	result(r == 0 && wait_session(quiet->mac, CAPWAP_LSC_SESSION_RUN, 1),
	       "the torn-down AP joins again", "r=%d", r);
	free_ap(quiet);
	free_ap(joined);
	free_ap(talker);
	return 0;
}

/*
 * An AP whose CSR waits in the queue (nobody listens on nl), then reboots:
 * its session is down, its request must survive.
 */
static int queued_then_reset(struct peer_ap *ap)
{
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x03 };
	struct ap_info info;

	if (peer_to_run(ap) ||
	    wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000) != 1)
		return -1;
	peer_reply(ap, 0);
	if (send_csr(ap, csr, sizeof(csr)) ||
	    peer_request(ap, CAPWAP_MSG_RESET_REQ, 3000) != 1)
		return -2;
	peer_get_ap(&nl, ap->mac, &info);
	return info.state == CAPWAP_LSC_AP_CSR_RECEIVED &&
	       info.session == CAPWAP_LSC_SESSION_DOWN ? 0 : -3;
}

static int cmd_evict(int max_aps)
{
	struct peer_ap *runner = new_ap("127.0.3.1");
	struct peer_ap *queued = new_ap("127.0.3.2");
	struct peer_ap *real = new_ap("127.0.3.3");
	struct peer_ap spoof;
	struct stats_ctx s0, s1;
	struct accepted acc;
	struct ap_info info;
	int i, r, joined = 0, spoofs = max_aps * 3;
	char ip[32];

	peer_get_stats(&nl, &s0);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	r = queued_then_reset(queued);
	set_config(0, -1, -1);
	r = r ?: peer_to_run(runner);
	result(r == 0, "an AP in Run and one with a queued request, then reset",
	       "r=%d", r);

	/* Joins from random-looking MACs that never go further. */
	for (i = 0; i < spoofs; i++) {
		snprintf(ip, sizeof(ip), "127.0.4.%d", i + 1);
		if (peer_ap_open(&spoof, ip, AC_PORT, 0x5000 + i * 7919))
			break;
		joined += peer_join(&spoof, 3000) == 0;
		peer_ap_close(&spoof);
		if (peer_request(runner, CAPWAP_MSG_ECHO_REQ, 3000) != 1)
			break;
	}
	result(joined == spoofs,
	       "every spoofed Join is answered although the table is full",
	       "%d of %d", joined, spoofs);

	r = peer_to_run(real);
	result(r == 0, "a real AP still joins and reaches Run", "r=%d", r);
	r = peer_request(runner, CAPWAP_MSG_ECHO_REQ, 3000);
	peer_get_ap(&nl, runner->mac, &info);
	result(r == 1 && info.session == CAPWAP_LSC_SESSION_RUN,
	       "the AP talking in Run was not evicted", "r=%d session=%d", r,
	       info.session);
	peer_get_ap(&nl, queued->mac, &info);
	r = do_accept(&nl, 0, &acc);
	result(info.found && info.state == CAPWAP_LSC_AP_CSR_RECEIVED &&
	       r == 0 && !memcmp(acc.mac, queued->mac, 6),
	       "the AP with a queued request was not evicted, its request waits",
	       "found=%d state=%d accept=%d", info.found, info.state, r);
	if (!r)
		do_complete(&nl, acc.id, CAPWAP_LSC_RESULT_ERROR, "test done",
			    NULL, 0, NULL, 0);

	peer_get_stats(&nl, &s1);
	/* Two slots held: every Join past the remaining ones evicted one. */
	result(s1.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED] -
	       s0.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED] ==
	       (u64)(spoofs + 1 - (max_aps - 2)) &&
	       s1.v[CAPWAP_LSC_STATS_A_APS] == (u64)max_aps,
	       "evictions counted, the table stays at max_aps",
	       "evicted %llu, %llu APs",
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED] -
				    s0.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED]),
	       (unsigned long long)s1.v[CAPWAP_LSC_STATS_A_APS]);
	free_ap(runner);
	free_ap(queued);
	free_ap(real);
	return 0;
}

/* Polls GET_AP until @mac is unknown: 1, or 0 after @secs. */
static int wait_gone(const u8 *mac, int secs)
{
	struct ap_info info;
	int i;

	for (i = 0; i < secs * 10; i++) {
		peer_get_ap(&nl, mac, &info);
		if (!info.found)
			return 1;
		usleep(100000);
	}
	return 0;
}

static int cmd_expire(void)
{
	struct peer_ap *idle = new_ap("127.0.5.1");
	struct peer_ap *queued = new_ap("127.0.5.2");
	struct stats_ctx s0, s1;
	struct ap_info info;
	char dir[80];
	int i, r;

	peer_get_stats(&nl, &s0);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	r = queued_then_reset(queued);
	set_config(0, -1, -1);
	r = r ?: peer_to_run(idle);
	r = r ?: peer_request(idle, CAPWAP_MSG_RESET_REQ, 3000) != 1;
	result(r == 0, "an AP without a session, one with a queued request",
	       "r=%d", r);
	r = wait_gone(idle->mac, 60);
	peer_get_ap(&nl, queued->mac, &info);
	peer_get_stats(&nl, &s1);
	result(r == 1 && s1.v[CAPWAP_LSC_STATS_A_RECORDS_EXPIRED] -
	       s0.v[CAPWAP_LSC_STATS_A_RECORDS_EXPIRED] == 1,
	       "an idle record without a session expires, counted",
	       "gone=%d expired=%llu", r,
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_RECORDS_EXPIRED] -
				    s0.v[CAPWAP_LSC_STATS_A_RECORDS_EXPIRED]));
	result(info.found && info.state == CAPWAP_LSC_AP_CSR_RECEIVED,
	       "a record with a queued request does not expire",
	       "found=%d state=%d", info.found, info.state);
	r = peer_to_run(idle);
	result(r == 0, "the expired AP joins again as a new record", "r=%d", r);
	/*
	 * Its directory name was the expired record's until that one's work
	 * item ran; echoing keeps the new session from going silent.
	 */
	snprintf(dir, sizeof(dir), "/sys/kernel/capwap_lsc/aps/%02x:%02x:%02x:%02x:%02x:%02x",
		 idle->mac[0], idle->mac[1], idle->mac[2], idle->mac[3],
		 idle->mac[4], idle->mac[5]);
	for (i = 0; i < 100 && access(dir, F_OK); i++) {
		peer_request(idle, CAPWAP_MSG_ECHO_REQ, 1000);
		usleep(200000);
	}
	result(!access(dir, F_OK), "the new record gets the sysfs directory",
	       "%s missing", dir);
	free_ap(idle);
	free_ap(queued);
	return 0;
}

/* The Radio Administrative State of the whole WTP in ap->msg, or -1. */
static int radio_admin(struct peer_ap *ap)
{
	struct capwap_elem e;

	if (capwap_find_elem(&ap->msg, CAPWAP_ELEM_RADIO_ADMIN_STATE, &e) ||
	    e.len != 2 || e.val[0] != CAPWAP_RADIO_ID_WTP)
		return -1;
	return e.val[1];
}

/*
 * Answers every request until a Configuration Update switches the radios
 * @state: 1, or 0 when none came.
 */
static int wait_radios(struct peer_ap *ap, int state, int timeout_ms)
{
	for (;;) {
		int r = peer_recv(ap, timeout_ms);

		if (r <= 0)
			return r;
		if (!capwap_msg_is_request(ap->msg.type))
			continue;
		peer_reply(ap, 0);
		if (ap->msg.type == CAPWAP_MSG_CONFIG_UPDATE_REQ &&
		    radio_admin(ap) == state)
			return 1;
	}
}

/* One attempt failed by the helper; returns the LSC_STATUS state or -1. */
static int fail_once(struct peer_ap *ap, int *radios)
{
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x04 };
	struct capwap_lsc_status st;
	struct accepted acc;
	u64 id;

	if (wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000) != 1)
		return -1;
	*radios = radio_admin(ap);
	peer_reply(ap, 0);
	if (send_csr(ap, csr, sizeof(csr)) ||
	    peer_nl_event(&nl, &id, NULL, 3000) != 1 ||
	    do_accept(&nl, id, &acc) ||
	    do_complete(&nl, id, CAPWAP_LSC_RESULT_FAILED_CA_SIGNING,
			"refused by the CA", NULL, 0, NULL, 0) ||
	    wait_update(ap, CAPWAP_LSC_VSP_LSC_STATUS, 3000) != 1 ||
	    capwap_lsc_get_status(&ap->msg, peer_vendor,
				  CAPWAP_LSC_VSP_LSC_STATUS, &st))
		return -1;
	return st.state;
}

static int cmd_radios(void)
{
	struct peer_ap *ap = new_ap("127.0.6.1");
	struct peer_ap *ap2 = new_ap("127.0.6.2");
	int r, st, radios = -1;

	set_config(1, CAPWAP_LSC_PROVISION_ALL, 1);
	r = peer_to_run(ap);
	st = r ? -1 : fail_once(ap, &radios);
	result(radios == CAPWAP_RADIO_DISABLED,
	       "certificate parameters switch the radios off", "radios=%d",
	       radios);
	result(st == CAPWAP_LSC_AP_FALLBACK, "one failed attempt: fallback",
	       "r=%d state=%d", r, st);
	peer_reply(ap, 0);
	r = wait_radios(ap, CAPWAP_RADIO_ENABLED, 3000);
	result(r == 1, "after the fallback the radios are switched back on",
	       "r=%d", r);
	r = wait_radios(ap, CAPWAP_RADIO_ENABLED, 500);
	result(r == 0, "the radios are switched on only once", "r=%d", r);

	/* A failed attempt, then LSC is switched off before the next. */
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	r = peer_to_run(ap2);
	st = r ? -1 : fail_once(ap2, &radios);
	set_config(0, -1, -1);
	peer_reply(ap2, 0);
	r = st == CAPWAP_LSC_AP_FAILED ?
	    wait_radios(ap2, CAPWAP_RADIO_ENABLED, 3000) : -1;
	result(r == 1,
	       "an AP no longer eligible after a failed attempt gets its radios back",
	       "state=%d r=%d", st, r);
	free_ap(ap);
	free_ap(ap2);
	return 0;
}

static int cmd_rekick(void)
{
	struct peer_ap *a = new_ap("127.0.7.1"), *b = new_ap("127.0.7.2");
	int r, n;

	set_config(0, CAPWAP_LSC_PROVISION_OFF, 3);
	r = peer_to_run(a);
	n = r ? -1 : wait_update(a, CAPWAP_LSC_VSP_CERT_PARAMS, 500);
	result(n == 0, "with LSC off an AP in Run gets no parameters",
	       "r=%d n=%d", r, n);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, -1);
	n = wait_update(a, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	result(n == 1,
	       "enabling LSC provisioning reaches an AP already in Run",
	       "n=%d", n);
	peer_reply(a, 0);

	set_config(-1, CAPWAP_LSC_PROVISION_LIST, -1);
	mac_cmd(CAPWAP_LSC_CMD_PROVLIST_FLUSH, NULL);
	r = peer_to_run(b);
	n = r ? -1 : wait_update(b, CAPWAP_LSC_VSP_CERT_PARAMS, 500);
	result(n == 0, "an unlisted AP in Run gets no parameters", "r=%d n=%d",
	       r, n);
	r = mac_cmd(CAPWAP_LSC_CMD_PROVLIST_ADD, b->mac);
	n = wait_update(b, CAPWAP_LSC_VSP_CERT_PARAMS, 3000);
	result(r == 0 && n == 1,
	       "adding an AP in Run to the provision list provisions it",
	       "r=%d n=%d", r, n);
	peer_reply(b, 0);
	mac_cmd(CAPWAP_LSC_CMD_PROVLIST_FLUSH, NULL);
	set_config(0, CAPWAP_LSC_PROVISION_OFF, -1);
	free_ap(a);
	free_ap(b);
	return 0;
}

/* ---- stale completions ---------------------------------------------- */

static int install_ca(const u8 *ca, size_t ca_len)
{
	struct nl_msg *m = peer_nl_msg(&nl, CAPWAP_LSC_CMD_SET_CA, 0);
	struct nlattr *n = nla_nest_start(m, CAPWAP_LSC_A_CA_CHAIN);

	nla_put(m, CAPWAP_LSC_A_CERT, ca_len, ca);
	nla_nest_end(m, n);
	return peer_nl_do(&nl, m, NULL, NULL);
}

/*
 * Parameters (acknowledged), then the CSR, announced and accepted: the
 * request's id, or 0.  Updates other than CERT_PARAMS (a delivery that
 * won a race) are acknowledged on the way.
 */
static u64 renewal_round(struct peer_ap *ap, const u8 *csr, size_t len)
{
	struct accepted acc;
	u64 id = 0;

	if (wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 5000) != 1)
		return 0;
	peer_reply(ap, 0);
	if (send_csr(ap, csr, len) || peer_nl_event(&nl, &id, NULL, 5000) != 1 ||
	    do_accept(&nl, id, &acc))
		return 0;
	return id;
}

static int cmd_stale(const char *dir)
{
	size_t csr_len, ca_len, cert_len;
	u8 *csr = read_file(dir, "csr.der", &csr_len);
	u8 *ca = read_file(dir, "ca.der", &ca_len);
	u8 *cert = read_file(dir, "ap.der", &cert_len);
	struct peer_ap *ap = new_ap("127.0.0.11");
	int n_ok = 0, n_enoent = 0, n_estale = 0, n_other = 0, lost = 0;
	struct ap_info info;
	u64 id, id2;
	int r, rr, i;

	ap->cert_type = CAPWAP_LSC_CERT_LSC;
	ap->cert = cert;
	ap->cert_len = cert_len;
	r = set_config(1, CAPWAP_LSC_PROVISION_ALL, 0) || install_ca(ca, ca_len);
	rr = r ? r : peer_to_run(ap);
	id = rr ? 0 : (renew_mac(ap->mac) ? 0 : renewal_round(ap, csr, csr_len));
	result(id != 0, "an AP with an LSC renews: its request is accepted",
	       "config=%d run=%d", r, rr);

	/* RENEW again while the helper holds the request: it is cancelled. */
	r = renew_mac(ap->mac);
	rr = do_complete(&nl, id, CAPWAP_LSC_RESULT_SUCCESS, NULL, ca, ca_len,
			 cert, cert_len);
	result(!r && (rr == -ENOENT || rr == -ESTALE),
	       "COMPLETE of a request RENEW cancelled: the AP no longer waits for it",
	       "renew=%d complete=%d", r, rr);
	printf("# the stale COMPLETE returned %s\n", strerror(-rr));

	id2 = renewal_round(ap, csr, csr_len);
	peer_get_ap(&nl, ap->mac, &info);
	result(id2 && id2 != id && info.state == CAPWAP_LSC_AP_ENROLLING,
	       "nothing was delivered for it: the AP's new request is the one enrolling",
	       "id=%llu id2=%llu state=%d", (unsigned long long)id,
	       (unsigned long long)id2, info.state);

	/*
	 * The same, racing: a child process sends RENEW while this one
	 * completes.  Whichever wins, COMPLETE answers 0 or "no longer
	 * waits" (-ENOENT once the request is gone, -ESTALE when RENEW came
	 * between its lookup and the AP's lock), and the AP goes on.
	 */
	id = id2;
	for (i = 0; i < 40 && id; i++) {
		pid_t child = fork();

		if (child == 0) {
			struct peer_nl n2;

			if (peer_nl_open(&n2, false))
				_exit(2);
			usleep((unsigned int)(i % 8) * 50);
			_exit(renew_mac_on(&n2, ap->mac) ? 1 : 0);
		}
		rr = do_complete(&nl, id, CAPWAP_LSC_RESULT_SUCCESS, NULL, ca,
				 ca_len, cert, cert_len);
		waitpid(child, &r, 0);
		if (rr == 0)
			n_ok++;
		else if (rr == -ENOENT)
			n_enoent++;
		else if (rr == -ESTALE)
			n_estale++;
		else
			n_other++;
		/* RENEW lands after a won COMPLETE too: parameters follow. */
		id = renewal_round(ap, csr, csr_len);
		if (!id)
			lost = i + 1;
	}
	printf("# racing COMPLETE against RENEW: %d delivered, %d -ENOENT, %d -ESTALE, %d other\n",
	       n_ok, n_enoent, n_estale, n_other);
	result(i == 40 && !n_other && !lost,
	       "COMPLETE racing RENEW: 40 rounds, each answered 0 or \"no longer waits\", the AP always goes on",
	       "rounds=%d other=%d stuck after round %d", i, n_other, lost);
	set_config(-1, CAPWAP_LSC_PROVISION_OFF, -1);
	free_ap(ap);
	return 0;
}

/* ---- an AP for lscd ------------------------------------------------- */

static int cmd_apcsr(unsigned int index, const char *file)
{
	struct capwap_lsc_status st = { 0 };
	u8 *csr;
	size_t csr_len;
	struct peer_ap ap;
	char reason[300] = "";
	int r;

	if (peer_ap_open(&ap, "127.0.0.12", AC_PORT, index)) {
		perror("peer_ap_open");
		exit(2);
	}
	csr = read_file(file[0] == '/' ? "" : ".", file, &csr_len);
	r = peer_to_run(&ap);
	if (!r)
		r = wait_update(&ap, CAPWAP_LSC_VSP_CERT_PARAMS, 10000) == 1 ?
		    0 : -ETIMEDOUT;
	if (!r) {
		peer_reply(&ap, 0);
		r = send_csr(&ap, csr, csr_len);
	}
	/* lscd has a minute to look at the request and say no. */
	if (!r)
		r = wait_update(&ap, CAPWAP_LSC_VSP_LSC_STATUS, 60000) == 1 ?
		    capwap_lsc_get_status(&ap.msg, peer_vendor,
					  CAPWAP_LSC_VSP_LSC_STATUS, &st) :
		    -ETIMEDOUT;
	if (!r) {
		snprintf(reason, sizeof(reason), "%.*s", (int)st.reason_len,
			 (const char *)st.reason);
		peer_reply(&ap, 0);
	}
	result(!r && st.state == CAPWAP_LSC_AP_FAILED &&
	       st.result == CAPWAP_LSC_RESULT_BAD_REQUEST,
	       "the AP's request is refused, the AP told why",
	       "r=%d state=%d result=%d reason '%s'", r, st.state, st.result,
	       reason);
	printf("# LSC_STATUS reason: %s\n", reason);
	peer_ap_close(&ap);
	free(csr);
	return 0;
}

/* Which of the APs FIRST..FIRST+N-1 a dump listed, and how often. */
struct dump_seen {
	long first, n;
	unsigned char *times;		/* per AP, saturating */
	unsigned int total, foreign;
};

static int dump_seen_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[CAPWAP_LSC_A_MAX + 1], *a[CAPWAP_LSC_AP_A_MAX + 1];
	struct dump_seen *d = arg;
	const u8 *mac;
	long k;

	d->total++;
	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, CAPWAP_LSC_A_MAX, NULL) ||
	    !tb[CAPWAP_LSC_A_AP] ||
	    nla_parse_nested(a, CAPWAP_LSC_AP_A_MAX, tb[CAPWAP_LSC_A_AP], NULL) ||
	    !a[CAPWAP_LSC_AP_A_MAC] || nla_len(a[CAPWAP_LSC_AP_A_MAC]) != 6) {
		d->foreign++;
		return NL_OK;
	}
	mac = nla_data(a[CAPWAP_LSC_AP_A_MAC]);
	k = (long)((u32)mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5]) -
	    0x100000 - d->first;
	if (mac[0] != 0x02 || mac[1] != 0xca || k < 0 || k >= d->n)
		d->foreign++;
	else if (d->times[k] < 255)
		d->times[k]++;
	return NL_OK;
}

/*
 * The dump goes out in rounds of a few KiB, each resuming at the table
 * cursor where the last stopped: with N APs in the table it must list
 * each exactly once, none skipped at a round's end, none twice.
 */
static int cmd_mkaps(long n, long first)
{
	struct dump_seen d = { .first = first, .n = n };
	struct peer_ap ap;
	long i, once = 0;
	char ip[32];
	int ok = 0, r;

	for (i = 0; i < n; i++) {
		long k = first + i;

		snprintf(ip, sizeof(ip), "127.%ld.%ld.%ld", 10 + k / 65536,
			 (k / 256) % 256, k % 256);
		if (peer_ap_open(&ap, ip, AC_PORT, 0x100000 + k))
			continue;
		if (peer_join(&ap, 2000) == 0)
			ok++;
		peer_ap_close(&ap);
	}
	d.times = calloc(n > 0 ? n : 1, 1);
	if (!d.times) {
		result(false, "APs joined and listed by a resumable dump",
		       "out of memory");
		return 0;
	}
	r = peer_nl_do(&nl, peer_nl_msg(&nl, CAPWAP_LSC_CMD_GET_AP, NLM_F_DUMP),
		       dump_seen_cb, &d);
	for (i = 0; i < n; i++)
		once += d.times[i] == 1;
	printf("# %d of %ld joined, dump lists %u APs, %ld of them once, %u others\n",
	       ok, n, d.total, once, d.foreign);
	result(!r && ok == n && once == n && d.total == (unsigned int)n,
	       "APs joined and listed by a resumable dump, each once",
	       "r=%d ok=%d listed=%u once=%ld others=%u", r, ok, d.total,
	       once, d.foreign);
	free(d.times);
	return 0;
}

/* ---- kernel hardening: pinned requests, eviction, rebinding ---------- */

/* Active objects of slab cache @name, or -1. */
static long slab_active(const char *name)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], n[64];
	long active = -1, v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", n, &v) == 2 && !strcmp(n, name))
			active = v;
	fclose(f);
	return active;
}

static unsigned int sysfs_uint(const char *name)
{
	char path[128];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/capwap_lsc/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* Sends an Echo Request and does not wait: what keeps a session alive. */
static void echo_nowait(struct peer_ap *ap)
{
	u8 buf[512];
	int len = build_request(ap, CAPWAP_MSG_ECHO_REQ, buf, sizeof(buf));

	if (len > 0)
		peer_send(ap, buf, len);
}

/*
 * Keeps @a and @b talking until a Configuration Update with an
 * LSC_STATUS reaches @a: 1 and the status in @st, 0 after @secs.
 */
static int wait_status_echoing(struct peer_ap *a, struct peer_ap *b,
			       int secs, struct capwap_lsc_status *st)
{
	int i, r;

	for (i = 0; i < secs; i++) {
		echo_nowait(a);
		echo_nowait(b);
		while ((r = peer_recv(a, 1000)) == 1) {
			if (ap_is_update_with(a, CAPWAP_LSC_VSP_LSC_STATUS)) {
				capwap_lsc_get_status(&a->msg, peer_vendor,
						      CAPWAP_LSC_VSP_LSC_STATUS,
						      st);
				peer_reply(a, 0);
				return 1;
			}
			if (a->msg.type == CAPWAP_MSG_CONFIG_UPDATE_REQ)
				peer_reply(a, 0);
		}
		while (peer_recv(b, 0) == 1)
			if (b->msg.type == CAPWAP_MSG_CONFIG_UPDATE_REQ)
				peer_reply(b, 0);
	}
	return 0;
}

/*
 * N APs each send a CSR of 3000 bytes while no helper listens: the first
 * max_pending_requests wait, the rest are refused at once and cost the
 * module nothing; the waiting ones expire after request_timeout_s (module
 * loaded with a short one) and their APs hear why.
 */
static int cmd_flood(int n)
{
	static u8 csr[3000];
	unsigned int cap = sysfs_uint("max_pending_requests");
	struct peer_ap *first = NULL, *refused = NULL, *ap;
	struct capwap_lsc_status st = { 0 };
	long slab0, slab1, slab2;
	int i, r, ran = 0, queued = 0, nrefused = 0, other = 0;
	struct stats_ctx s0, s1;
	struct ap_info info = { 0 };
	char ip[32], why[CAPWAP_LSC_MAX_REASON_LEN + 1];
	u32 rc;

	memset(csr, 0x5a, sizeof(csr));
	csr[0] = 0x30;
	peer_get_stats(&nl, &s0);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	slab0 = slab_active("kmalloc-4k");
	for (i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "127.0.%d.%d", 20 + i / 200,
			 i % 200 + 1);
		ap = new_ap(ip);
		if (peer_to_run(ap) ||
		    wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000) != 1) {
			free_ap(ap);
			continue;
		}
		ran++;
		peer_reply(ap, 0);
		if (send_csr(ap, csr, sizeof(csr))) {
			free_ap(ap);
			continue;
		}
		rc = peer_result(&ap->msg);
		if (rc == 0xffffffff)
			queued++;
		else if (rc == CAPWAP_RESULT_JOIN_RESOURCE)
			nrefused++;
		else
			other++;
		if (!first) {
			first = ap;
		} else if (rc == CAPWAP_RESULT_JOIN_RESOURCE && !refused) {
			refused = ap;
		} else {
			free_ap(ap);
		}
		if (first && !(i % 4))
			echo_nowait(first);
		if (refused && !(i % 4))
			echo_nowait(refused);
	}
	slab1 = slab_active("kmalloc-4k");
	peer_get_stats(&nl, &s1);
	printf("# %d APs in Run sent a CSR: %d queued, %d refused (Result Code 4), %d other; max_pending_requests %u\n",
	       ran, queued, nrefused, other, cap);
	result(ran == n && cap && queued == (int)cap &&
	       nrefused == n - (int)cap && refused,
	       "CSRs beyond max_pending_requests are refused with Result Code 4",
	       "ran=%d queued=%d refused=%d other=%d cap=%u", ran, queued,
	       nrefused, other, cap);
	result(s1.v[CAPWAP_LSC_STATS_A_QUEUE_FULL] -
	       s0.v[CAPWAP_LSC_STATS_A_QUEUE_FULL] == (u64)nrefused &&
	       nrefused && sysfs_uint("requests") == cap,
	       "refusals counted in queue_full; sysfs requests stays at the cap",
	       "queue_full +%llu, requests %u",
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_QUEUE_FULL] -
				    s0.v[CAPWAP_LSC_STATS_A_QUEUE_FULL]),
	       sysfs_uint("requests"));
	printf("# kmalloc-4k active objects: %ld before, %ld with %d CSRs sent\n",
	       slab0, slab1, n);
	result(slab0 > 0 && slab1 - slab0 < n / 2,
	       "refused CSRs hold no memory (kmalloc-4k)",
	       "kmalloc-4k grew by %ld for %d CSRs", slab1 - slab0, n);
	if (refused)
		peer_get_ap(&nl, refused->mac, &info);
	result(refused && info.found &&
	       info.state == CAPWAP_LSC_AP_PARAMS_SENT && !info.attempts &&
	       strstr(info.last_error, "too many"),
	       "a refused AP keeps its attempts, its record says why",
	       "state=%d attempts=%d error=%s", info.state, info.attempts,
	       info.last_error);

	r = first && refused ? wait_status_echoing(first, refused, 90, &st) : 0;
	/* st.reason points into first's receive buffer, reused below */
	snprintf(why, sizeof(why), "%.*s", r == 1 ? (int)st.reason_len : 0,
		 st.reason);
	/*
	 * The first AP's status comes with the first expiry; the others
	 * expire as their own request_timeout_s runs out, queued later on a
	 * slow host: until all have, keep both APs talking.
	 */
	peer_get_stats(&nl, &s1);
	for (i = 0; r == 1 && i < 90 &&
	     (s1.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] -
	      s0.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] < cap ||
	      sysfs_uint("requests")); i++) {
		echo_nowait(first);
		echo_nowait(refused);
		while (peer_recv(first, 1000) == 1)
			if (first->msg.type == CAPWAP_MSG_CONFIG_UPDATE_REQ)
				peer_reply(first, 0);
		while (peer_recv(refused, 0) == 1)
			if (refused->msg.type == CAPWAP_MSG_CONFIG_UPDATE_REQ)
				peer_reply(refused, 0);
		peer_get_stats(&nl, &s1);
	}
	printf("# LSC_STATUS after expiry: %s\n", why);
	result(r == 1 && strstr(why, "no certificate helper") &&
	       s1.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] -
	       s0.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] == cap &&
	       sysfs_uint("requests") == 0,
	       "requests no helper accepted expire; the AP is told why",
	       "status=%d expired=%llu requests=%u", r,
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] -
				    s0.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED]),
	       sysfs_uint("requests"));
	slab2 = slab_active("kmalloc-4k");
	printf("# kmalloc-4k active objects after expiry: %ld\n", slab2);
	result(slab2 - slab0 < (long)cap,
	       "expired requests free their CSRs (kmalloc-4k)",
	       "kmalloc-4k %ld before, %ld after expiry", slab0, slab2);

	r = refused ? send_csr(refused, csr, sizeof(csr)) : -1;
	if (refused)
		peer_get_ap(&nl, refused->mac, &info);
	result(r == 0 && peer_result(&refused->msg) == 0xffffffff &&
	       info.state == CAPWAP_LSC_AP_CSR_RECEIVED,
	       "the refused AP's CSR is queued once there is room",
	       "r=%d state=%d", r, info.state);
	set_config(0, -1, -1);
	if (first)
		free_ap(first);
	if (refused)
		free_ap(refused);
	return 0;
}

/*
 * A blind sender fills max_aps=N with spoofed sessions it walks to Run
 * and keeps there with Echo Requests (the AC's answers need not reach
 * it: clear-text CAPWAP has no cookie).  None of those sessions is
 * authenticated, so a new real AP still gets a record.
 */
static int cmd_blind(int n)
{
	struct peer_ap *fake = calloc(n, sizeof(*fake));
	struct peer_ap *real = new_ap("127.0.30.1");
	struct stats_ctx s0, s1;
	int i, r, ran = 0;
	char ip[32];

	peer_get_stats(&nl, &s0);
	for (i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "127.0.%d.%d", 31 + i / 200,
			 i % 200 + 1);
		if (peer_ap_open(&fake[i], ip, AC_PORT, 0x7000 + i * 131))
			break;
		ran += peer_to_run(&fake[i]) == 0;
	}
	/* Fresh spoofed Echo Requests: every session talks. */
	for (i = 0; i < n; i++)
		r = peer_request(&fake[i], CAPWAP_MSG_ECHO_REQ, 3000);
	result(ran == n && sysfs_uint("ap_count") == (unsigned int)n,
	       "spoofed sessions fill max_aps, all in Run and echoing",
	       "ran=%d of %d, ap_count=%u", ran, n, sysfs_uint("ap_count"));
	r = peer_to_run(real);
	peer_get_stats(&nl, &s1);
	result(r == 0, "a new real AP still joins and reaches Run", "r=%d", r);
	result(s1.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED] -
	       s0.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED] == 1 &&
	       sysfs_uint("ap_count") == (unsigned int)n,
	       "one unauthenticated session evicted for it, the table stays at max_aps",
	       "evicted %llu, ap_count %u",
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED] -
				    s0.v[CAPWAP_LSC_STATS_A_RECORDS_EVICTED]),
	       sysfs_uint("ap_count"));
	for (i = 0; i < n; i++)
		peer_ap_close(&fake[i]);
	free(fake);
	free_ap(real);
	return 0;
}

/*
 * Module loaded with join_rate=1 join_burst=5: 20 Joins sent at once from
 * one address get join_burst answers (and what refills meanwhile), the
 * rest are dropped and counted; another address is not held.
 */
/*
 * A helper ACCEPTs an AP's request and its socket closes without a
 * COMPLETE: the request waits again, and when no helper takes it within
 * request_timeout_s (module loaded with a short one) it fails like any
 * other, although the AP had reached enrolling: the AP hears why and its
 * record no longer pins the CSR.
 */
static int cmd_released(void)
{
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };
	struct peer_ap *ap = new_ap("127.0.6.1");
	struct capwap_lsc_status st = { 0 };
	struct stats_ctx s0, s1;
	struct ap_info info = { 0 };
	struct peer_nl helper;
	struct accepted *a = calloc(1, sizeof(*a));
	int r;

	peer_get_stats(&nl, &s0);
	set_config(1, CAPWAP_LSC_PROVISION_ALL, 3);
	r = a ? 0 : -1;
	r = r ?: peer_to_run(ap);
	r = r ?: wait_update(ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000) != 1;
	if (!r)
		peer_reply(ap, 0);
	r = r ?: send_csr(ap, csr, sizeof(csr));
	r = r ?: peer_nl_open(&helper, false);
	r = r ?: do_accept(&helper, 0, a);
	if (!r)
		peer_get_ap(&nl, ap->mac, &info);
	result(r == 0 && a->id && !memcmp(a->mac, ap->mac, 6) &&
	       info.state == CAPWAP_LSC_AP_ENROLLING,
	       "a helper accepts the AP's request (enrolling)",
	       "r=%d state=%d", r, info.state);
	peer_nl_close(&helper);

	r = r ? 0 : wait_status_echoing(ap, ap, 60, &st);
	peer_get_stats(&nl, &s1);
	printf("# LSC_STATUS after the helper left: %.*s\n",
	       (int)st.reason_len, st.reason);
	result(r == 1 && st.reason_len &&
	       memmem(st.reason, st.reason_len, "no certificate helper", 21) &&
	       s1.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] -
	       s0.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] == 1,
	       "a request its helper let go expires; the AP is told why",
	       "status=%d expired=%llu", r,
	       (unsigned long long)(s1.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED] -
				    s0.v[CAPWAP_LSC_STATS_A_REQUESTS_EXPIRED]));
	memset(&info, 0, sizeof(info));
	peer_get_ap(&nl, ap->mac, &info);
	result(info.found && info.state != CAPWAP_LSC_AP_ENROLLING &&
	       info.attempts == 1 && sysfs_uint("requests") == 0,
	       "its record left enrolling, one attempt charged, queue empty",
	       "state=%d attempts=%d requests=%u", info.state, info.attempts,
	       sysfs_uint("requests"));
	set_config(0, -1, -1);
	free(a);
	free_ap(ap);
	return 0;
}

static int cmd_joinlimit(void)
{
	struct peer_ap aps[20], *other = new_ap("127.0.40.2");
	u8 buf[2048];
	int i, len, answered = 0;
	struct stats_ctx s0, s1;
	u64 limited;

	peer_get_stats(&nl, &s0);
	for (i = 0; i < 20; i++) {
		if (peer_ap_open(&aps[i], "127.0.40.1", AC_PORT, 0x8000 + i)) {
			perror("peer_ap_open");
			exit(2);
		}
		len = build_request(&aps[i], CAPWAP_MSG_JOIN_REQ, buf,
				    sizeof(buf));
		peer_send(&aps[i], buf, len);
	}
	for (i = 0; i < 20; i++)
		answered += peer_recv(&aps[i], i ? 200 : 3000) == 1 &&
			    aps[i].msg.type == CAPWAP_MSG_JOIN_RESP;
	peer_get_stats(&nl, &s1);
	limited = s1.v[CAPWAP_LSC_STATS_A_JOINS_LIMITED] -
		  s0.v[CAPWAP_LSC_STATS_A_JOINS_LIMITED];
	printf("# 20 Joins from one address: %d answered, %llu dropped by the limit\n",
	       answered, (unsigned long long)limited);
	result(answered >= 5 && answered < 20 &&
	       limited == (u64)(20 - answered),
	       "Joins from one address beyond join_burst are dropped and counted",
	       "answered=%d limited=%llu", answered,
	       (unsigned long long)limited);
	i = peer_join(other, 3000);
	result(i == 0, "a Join from another address is answered", "r=%d", i);
	for (i = 0; i < 20; i++)
		peer_ap_close(&aps[i]);
	free_ap(other);
	return 0;
}

/*
 * For the unload race: for up to @secs, APs join, every other one sends
 * a CSR, and reset, so records with and without queued requests keep
 * appearing and expiring.  Stops at the first AP that gets no answer
 * (the module went away).
 */
static int cmd_churn(int secs)
{
	static const u8 csr[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	time_t end = time(NULL) + secs;
	struct peer_ap ap;
	unsigned int i;
	char ip[32];

	set_config(1, CAPWAP_LSC_PROVISION_ALL, 255);
	for (i = 0; time(NULL) < end; i++) {
		snprintf(ip, sizeof(ip), "127.0.%u.%u", 50 + i / 200 % 50,
			 i % 200 + 1);
		if (peer_ap_open(&ap, ip, AC_PORT, 0x9000 + i))
			break;
		if (peer_to_run(&ap) ||
		    wait_update(&ap, CAPWAP_LSC_VSP_CERT_PARAMS, 3000) != 1) {
			peer_ap_close(&ap);
			break;
		}
		peer_reply(&ap, 0);
		if (i % 2)
			send_csr(&ap, csr, sizeof(csr));
		peer_request(&ap, CAPWAP_MSG_RESET_REQ, 3000);
		peer_ap_close(&ap);
	}
	printf("# churn: %u APs\n", i);
	return 0;
}

static long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + b->tv_nsec - a->tv_nsec;
}

/* Busy-waits @ns: a sleep would hand the CPU to the other sender. */
static void spin_ns(long ns)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while (ns_between(&t0, &t) < ns);
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/*
 * Gap between the two sends, in ns, of the rounds in slot @g: positive
 * delays the Join, negative the Reset.  The slots sweep both ways across
 * the time one message takes the module, so that one CPU handles the
 * Join while the other is somewhere in the Reset's end of session, up to
 * its unbind.
 */
#define REBIND_GAPS	21
#define REBIND_STEP_NS	2000L

static long rebind_gap(int g)
{
	return (g - REBIND_GAPS / 2) * REBIND_STEP_NS;
}

/* What the Reset's sender, a thread spinning on the other CPU, sends. */
struct rebind_sender {
	int fd;
	int round;		/* posted by the main thread: go; -1: stop */
	int started;		/* the last round it saw the go of */
	int sent;		/* the last round it sent */
	int pinned;		/* 1 once on its CPU, -1 if it cannot be */
	long gap;
	struct timespec seen;
	size_t len;
	u8 pkt[512];
};

static void *rebind_send_reset(void *arg)
{
	struct rebind_sender *s = arg;
	int r, last = 0;

	__atomic_store_n(&s->pinned, pin_cpu(1) ? -1 : 1, __ATOMIC_RELEASE);
	for (;;) {
		while ((r = __atomic_load_n(&s->round, __ATOMIC_ACQUIRE)) ==
		       last)
			;
		if (r < 0)
			return NULL;
		clock_gettime(CLOCK_MONOTONIC, &s->seen);
		__atomic_store_n(&s->started, r, __ATOMIC_RELEASE);
		if (s->gap < 0)
			spin_ns(-s->gap);
		send(s->fd, s->pkt, s->len, 0);
		last = r;
		__atomic_store_n(&s->sent, r, __ATOMIC_RELEASE);
	}
}

/*
 * Round @i: the sender sends its packet and we send @pkt from @fd, apart
 * by the round's gap.  Returns how late the sender saw the go, in ns.
 */
static long rebind_fire(struct rebind_sender *s, int i, int fd,
			const u8 *pkt, int len)
{
	struct timespec posted;

	s->gap = rebind_gap(i % REBIND_GAPS);
	clock_gettime(CLOCK_MONOTONIC, &posted);
	__atomic_store_n(&s->round, i + 1, __ATOMIC_RELEASE);
	/*
	 * The gap counts from the moment the sender runs: on a busy host a
	 * vCPU may wait milliseconds for its turn, and then the sender's
	 * packet would always come last.
	 */
	while (__atomic_load_n(&s->started, __ATOMIC_ACQUIRE) != i + 1)
		;
	if (s->gap > 0)
		spin_ns(s->gap);
	send(fd, pkt, len, 0);
	while (__atomic_load_n(&s->sent, __ATOMIC_ACQUIRE) != i + 1)
		;
	return ns_between(&posted, &s->seen);
}

/* A second source port of the AP at @ap's address. */
static int rebind_other_port(struct peer_ap *ap)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || getsockname(ap->fd, (struct sockaddr *)&me, &len))
		return -1;
	me.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
	    connect(fd, (struct sockaddr *)&ap->ac, sizeof(ap->ac))) {
		close(fd);
		return -1;
	}
	return fd;
}

static u64 stat_delta(const struct stats_ctx *a, const struct stats_ctx *b,
		      int attr)
{
	return b->v[attr] - a->v[attr];
}

/*
 * The Reset from the port the AP left, which may be answered (handled
 * before the Join moved the AP), dropped as unbound (looked up after the
 * move) or dropped as stale (looked up before, handled after): 1 when
 * one of them is seen within 3 s, the Reset answered when @answered.
 */
static int rebind_reset_done(struct peer_ap *ap, int old_fd, u8 rseq,
			     const struct stats_ctx *s0, bool *answered)
{
	int new_fd = ap->fd, i, r;
	struct stats_ctx s1;

	*answered = false;
	for (i = 0; i < 30; i++) {
		peer_get_stats(&nl, &s1);
		if (stat_delta(s0, &s1, CAPWAP_LSC_STATS_A_STALE_SOURCE) +
		    stat_delta(s0, &s1, CAPWAP_LSC_STATS_A_DROPPED))
			return 1;
		ap->fd = old_fd;
		r = peer_recv(ap, 100);
		ap->fd = new_fd;
		if (r == 1 && ap->msg.type == CAPWAP_MSG_RESET_RESP &&
		    ap->msg.seq == rseq) {
			*answered = true;
			return 1;
		}
	}
	return 0;
}

/*
 * Reset and a new Join of the same AP, @n times, sent at the same moment
 * by two threads spinning on different CPUs (the softirq of each send
 * runs on its sender's CPU, so the module may handle the two at once),
 * from one socket, or with @move the Join from a second port of the AP.
 *
 * From one socket: which one the module handled last is read from the
 * record, not from the order the answers arrive in (each CPU delivers
 * its own answer, in either order).  When it was the Join, the session
 * it opened must keep its address binding: the Reset's unbind, which
 * runs after the AP's lock is released, must not take it.
 *
 * With @move, whichever the module handles first, the session the Join
 * opens from the new port must stay: a Reset handled before the move
 * ends the old session, one looked up after finds no AP at the old port,
 * and one looked up before but handled after is stale and dropped.
 *
 * The module's own counters tell whether the two ever overlapped (the
 * Reset's unbind found a newer binding; the Reset was looked up before
 * the move and handled after): a busy host may never overlap them, so
 * then the overlap check is a skip, not a failure.
 */
static int cmd_rebind(int n, bool move)
{
	struct peer_ap *ap = new_ap(move ? "127.0.60.2" : "127.0.60.1");
	int i, jlen, both = 0, join_last = 0, reset_last = 0, odd = 0;
	int kept = 0, r, by_gap[REBIND_GAPS] = { 0 };
	int old_fd, join_fd, reset_ok = 0, lost = 0;
	static struct rebind_sender s;
	bool got_reset, got_join;
	struct stats_ctx st0, st1, sr;
	struct ap_info info;
	u8 join[2048], rseq;
	/* How soon the Reset's sender saw each go: how much the CPUs overlap. */
	int lat[4] = { 0 };
	pthread_t thread;
	u64 raced;
	long late;

	old_fd = s.fd = ap->fd;
	join_fd = move ? rebind_other_port(ap) : ap->fd;
	if (join_fd < 0) {
		perror("second port");
		exit(2);
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || pin_cpu(0) ||
	    pthread_create(&thread, NULL, rebind_send_reset, &s)) {
		printf("not ok a Join racing a Reset keeps its address binding: needs two CPUs to pin a sender on each\n");
		exit(1);
	}
	while (!__atomic_load_n(&s.pinned, __ATOMIC_ACQUIRE))
		;
	connect(ap->fd, (struct sockaddr *)&ap->ac, sizeof(ap->ac));
	peer_get_stats(&nl, &st0);
	for (i = 0; i < n && s.pinned > 0; i++) {
		ap->fd = old_fd;
		if (peer_to_run(ap))
			break;
		s.len = build_request(ap, CAPWAP_MSG_RESET_REQ, s.pkt,
				      sizeof(s.pkt));
		rseq = ap->seq;
		jlen = build_request(ap, CAPWAP_MSG_JOIN_REQ, join,
				     sizeof(join));
		if (move)
			peer_get_stats(&nl, &sr);
		late = rebind_fire(&s, i, join_fd, join, jlen);
		lat[late < 10000 ? 0 : late < 100000 ? 1 :
		    late < 1000000 ? 2 : 3]++;

		ap->fd = join_fd;
		/* Moved, the Reset may be answered at either port, or not. */
		got_reset = got_join = false;
		while ((!got_join || (!got_reset && !move)) &&
		       peer_recv(ap, 3000) == 1) {
			if (ap->msg.type == CAPWAP_MSG_RESET_RESP &&
			    ap->msg.seq == rseq)
				got_reset = true;
			else if (ap->msg.type == CAPWAP_MSG_JOIN_RESP &&
				 ap->msg.seq == ap->seq)
				got_join = true;
		}
		if (move && got_join && !got_reset) {
			if (!rebind_reset_done(ap, old_fd, rseq, &sr,
					       &got_reset)) {
				printf("# round %d: the Reset from the old port was neither answered there nor dropped: it was handled against the session of the new port\n",
				       i);
				lost++;
			}
		}
		reset_ok += got_reset;
		both += got_join && (got_reset || move);
		if (!got_join || (!got_reset && !move))
			printf("# round %d: %s unanswered\n", i,
			       got_join ? "the Reset" : "the Join");
		/* Both were handled: the answers are out, or the drop counted. */
		peer_get_ap(&nl, ap->mac, &info);
		if (info.session == CAPWAP_LSC_SESSION_DOWN) {
			reset_last++;
			if (move)
				printf("# round %d (gap %ld ns): the session opened from the new port is down\n",
				       i, s.gap);
			continue;
		}
		if (info.session != CAPWAP_LSC_SESSION_JOIN) {
			printf("# round %d: session %d after a Reset and a Join\n",
			       i, info.session);
			odd++;
			continue;
		}
		/* The Join came last: its session must be reachable. */
		join_last++;
		by_gap[i % REBIND_GAPS]++;
		r = peer_request(ap, CAPWAP_MSG_CONFIG_STATUS_REQ, 3000);
		kept += r == 1;
		if (r != 1) {
			peer_get_ap(&nl, ap->mac, &info);
			printf("# round %d (gap %ld ns): Config Status unanswered, session %d\n",
			       i, s.gap, info.session);
		}
		peer_request(ap, CAPWAP_MSG_RESET_REQ, 1000);
	}
	__atomic_store_n(&s.round, -1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	peer_get_stats(&nl, &st1);
	printf("# the Reset's sender started within 10 us of the Join's in %d rounds, 100 us in %d, 1 ms in %d, later in %d\n",
	       lat[0], lat[1], lat[2], lat[3]);
	printf("# the Join last, by gap (us, the Join later when positive):");
	for (r = 0; r < REBIND_GAPS; r++)
		printf(" %ld:%d", rebind_gap(r) / 1000, by_gap[r]);
	printf("\n# %d rounds: Join answered, Reset %s in %d; the module handled the Join last in %d, binding kept in %d; the Reset last in %d\n",
	       i, move ? "answered or dropped" : "answered", both, join_last,
	       kept, reset_last);
	printf("# module: unbinds_skipped +%llu, stale_source +%llu, dropped +%llu; Resets answered %d\n",
	       (unsigned long long)stat_delta(&st0, &st1,
					      CAPWAP_LSC_STATS_A_UNBINDS_SKIPPED),
	       (unsigned long long)stat_delta(&st0, &st1,
					      CAPWAP_LSC_STATS_A_STALE_SOURCE),
	       (unsigned long long)stat_delta(&st0, &st1,
					      CAPWAP_LSC_STATS_A_DROPPED),
	       reset_ok);
	if (!move) {
		result(i == n && both == n,
		       "every racing Reset and Join is answered",
		       "rounds=%d both=%d pinned=%d", i, both, s.pinned);
		result(i == n && join_last > 0 && kept == join_last && !odd,
		       "a Join racing a Reset keeps its address binding",
		       "rounds=%d join_last=%d kept=%d odd=%d", i, join_last,
		       kept, odd);
	} else {
		result(i == n && both == n && !lost,
		       "every Join from a new port is answered, and the Reset from the old one answered or dropped",
		       "rounds=%d both=%d lost=%d pinned=%d", i, both, lost,
		       s.pinned);
		result(i == n && kept == n && !reset_last && !odd,
		       "a Reset from the port an AP left never ends the session it opened from its new one",
		       "rounds=%d kept=%d down=%d odd=%d", i, kept,
		       reset_last, odd);
	}
	raced = stat_delta(&st0, &st1, move ?
			   CAPWAP_LSC_STATS_A_STALE_SOURCE :
			   CAPWAP_LSC_STATS_A_UNBINDS_SKIPPED);
	if (raced)
		printf("ok the module handled the two at once in %llu of %d rounds (%s)\n",
		       (unsigned long long)raced, i,
		       move ? "stale_source: the Reset looked up before the move, handled after" :
		       "unbinds_skipped: the Reset's unbind found the Join's newer binding");
	else
		printf("skip the module handled the two at once: %s did not move in %d rounds, the host never overlapped them (a busy host may not), so the checks above never met the race\n",
		       move ? "stale_source" : "unbinds_skipped", i);
	fflush(stdout);
	if (move)
		close(join_fd);
	ap->fd = old_fd;
	free_ap(ap);
	return 0;
}

/*
 * Two APs (two MACs) join from one port at the same moment, @n times,
 * from threads on the two CPUs.  The address is bound to one record at a
 * time: whichever Join the module bound last, that AP alone has a
 * session afterwards and answers there; the other's session ended, or
 * its Join, overtaken before it opened one, was dropped.
 */
static int cmd_rebind_pair(int n)
{
	struct peer_ap *x = new_ap("127.0.60.3"), *y = new_ap("127.0.60.3");
	int i, r, up, jlen, got, one = 0, served = 0, lost = 0;
	static struct rebind_sender s;
	struct stats_ctx st0, st1, sr, sn;
	struct ap_info ix, iy;
	u8 join[2048], xseq;
	pthread_t thread;
	u64 dropped;

	s.fd = x->fd;
	connect(x->fd, (struct sockaddr *)&x->ac, sizeof(x->ac));
	if (pin_cpu(0) || pthread_create(&thread, NULL, rebind_send_reset, &s)) {
		printf("not ok two APs joining from one port at once: needs two CPUs to pin a sender on each\n");
		exit(1);
	}
	while (!__atomic_load_n(&s.pinned, __ATOMIC_ACQUIRE))
		;
	peer_get_stats(&nl, &st0);
	for (i = 0; i < n && s.pinned > 0; i++) {
		/* Apart from x's: each Join Response says whose Join it answers. */
		y->seq = x->seq + 100;
		s.len = build_request(x, CAPWAP_MSG_JOIN_REQ, s.pkt,
				      sizeof(s.pkt));
		xseq = x->seq;
		jlen = build_request(y, CAPWAP_MSG_JOIN_REQ, join,
				     sizeof(join));
		peer_get_stats(&nl, &sr);
		rebind_fire(&s, i, x->fd, join, jlen);
		/* Each Join is answered, or dropped (counted), in time. */
		got = 0;
		for (r = 0; r < 30 && got < 2; r++) {
			if (peer_recv(x, 100) == 1 &&
			    x->msg.type == CAPWAP_MSG_JOIN_RESP &&
			    (x->msg.seq == xseq || x->msg.seq == y->seq))
				got++;
			peer_get_stats(&nl, &sn);
			dropped = stat_delta(&sr, &sn, CAPWAP_LSC_STATS_A_DROPPED);
			if (got + (int)dropped >= 2)
				break;
		}
		if (r == 30) {
			printf("# round %d: a Join neither answered nor dropped\n", i);
			lost++;
		}
		peer_get_ap(&nl, x->mac, &ix);
		peer_get_ap(&nl, y->mac, &iy);
		up = (ix.session != CAPWAP_LSC_SESSION_DOWN) +
		     (iy.session != CAPWAP_LSC_SESSION_DOWN);
		one += up == 1;
		if (up != 1)
			printf("# round %d (gap %ld ns): %d of the two APs at one port have a session\n",
			       i, s.gap, up);
		/* The port's session, whoever has it, answers there. */
		r = peer_request(x, CAPWAP_MSG_CONFIG_STATUS_REQ, 3000);
		served += r == 1;
	}
	__atomic_store_n(&s.round, -1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	peer_get_stats(&nl, &st1);
	dropped = stat_delta(&st0, &st1, CAPWAP_LSC_STATS_A_DROPPED);
	printf("# %d rounds: one AP with a session in %d, the port answered in %d; Joins dropped (overtaken) %llu\n",
	       i, one, served, (unsigned long long)dropped);
	result(i == n && one == n && served == n && !lost,
	       "two APs joining from one port at once leave one session there",
	       "rounds=%d one=%d served=%d lost=%d", i, one, served, lost);
	if (dropped)
		printf("ok the module bound the two at once in %llu of %d rounds (a Join overtaken before its session opened, dropped)\n",
		       (unsigned long long)dropped, i);
	else
		printf("skip the module bound the two at once: no Join overtaken in %d rounds, the host never overlapped them (a busy host may not), so the check above never met the race\n",
		       i);
	fflush(stdout);
	free_ap(y);
	free_ap(x);
	return 0;
}

/* Whether a record of the kernel log (/dev/kmsg, root) contains @s. */
static bool kmsg_has(const char *s)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	bool found = false;
	char rec[2048];
	ssize_t n;

	if (fd < 0)
		return false;
	while (!found) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten while we read */
		if (n <= 0)
			break;		/* EAGAIN: the end of the log */
		rec[n] = 0;
		found = strstr(rec, s);
	}
	close(fd);
	return found;
}

/*
 * Two APs (two MACs) join one after the other from one port, each to
 * Run: the second's Join ends the first's session there, which the
 * module counts (sessions_displaced) and logs, naming both MACs and the
 * address.  Then A joins again, and B's Join from that port carries the
 * sequence number of A's: not a repeat of A's Join, B's own, so B gets
 * its own session and reaches Run (A's cached Join Response would leave
 * B's record down and B's further requests handled as A's).
 */
static int cmd_displace(void)
{
	struct peer_ap *a = new_ap("127.0.60.4"), *b = new_ap("127.0.60.4");
	struct stats_ctx s0, s1, s2;
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	struct ap_info ia, ib;
	int b_fd = b->fd, ra, rb;
	u64 d1, d2;
	char line[160];

	/* B sends from A's port. */
	b->fd = a->fd;
	getsockname(a->fd, (struct sockaddr *)&me, &len);
	peer_get_stats(&nl, &s0);
	ra = peer_to_run(a);
	rb = peer_to_run(b);
	peer_get_stats(&nl, &s1);
	peer_get_ap(&nl, a->mac, &ia);
	d1 = stat_delta(&s0, &s1, CAPWAP_LSC_STATS_A_SESSIONS_DISPLACED);
	result(!ra && !rb && ia.session == CAPWAP_LSC_SESSION_DOWN && d1 == 1,
	       "an AP's Join from another AP's port ends that AP's session, counted once in sessions_displaced",
	       "A to Run %d, B to Run %d, A's session %d, sessions_displaced +%llu",
	       ra, rb, ia.session, (unsigned long long)d1);
	snprintf(line, sizeof(line),
		 "AP %02x:%02x:%02x:%02x:%02x:%02x at 127.0.60.4:%u lost its session to AP %02x:%02x:%02x:%02x:%02x:%02x joining from the same address",
		 a->mac[0], a->mac[1], a->mac[2], a->mac[3], a->mac[4],
		 a->mac[5], ntohs(me.sin_port), b->mac[0], b->mac[1],
		 b->mac[2], b->mac[3], b->mac[4], b->mac[5]);
	result(kmsg_has(line), "the kernel log names both APs and the address",
	       "no line \"%s\" in /dev/kmsg", line);

	/* A joins again (its session in Join), B's Join takes A's number. */
	ra = peer_join(a, 3000);
	b->seq = a->seq - 1;
	rb = peer_to_run(b);
	peer_get_stats(&nl, &s2);
	peer_get_ap(&nl, a->mac, &ia);
	peer_get_ap(&nl, b->mac, &ib);
	d2 = stat_delta(&s1, &s2, CAPWAP_LSC_STATS_A_SESSIONS_DISPLACED);
	result(!ra && !rb && ib.session == CAPWAP_LSC_SESSION_RUN &&
	       ia.session == CAPWAP_LSC_SESSION_DOWN && d2 == 2,
	       "a Join from another AP's port with the sequence number of that AP's last Join gets its own session, not the other's cached answer",
	       "A's Join %d, B to Run %d, B's session %d, A's session %d, sessions_displaced +%llu (want 2)",
	       ra, rb, ib.session, ia.session, (unsigned long long)d2);
	fflush(stdout);
	b->fd = b_fd;
	free_ap(b);
	free_ap(a);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	bool events = !strcmp(cmd, "lsc") || !strcmp(cmd, "fallback") ||
		      !strcmp(cmd, "regress") || !strcmp(cmd, "deliver") ||
		      !strcmp(cmd, "radios") || !strcmp(cmd, "stale");

	static const struct { const char *name; unsigned int base; } bases[] = {
		{ "lsc", 100 }, { "fallback", 200 }, { "provlist", 300 },
		{ "refuse", 400 }, { "lscjoin", 500 }, { "rtx", 600 },
		{ "queue", 700 }, { "fuzz", 800 }, { "regress", 900 },
		{ "deliver", 1500 },
		{ "silent", 1000 }, { "evict", 1100 }, { "expire", 1200 },
		{ "radios", 1300 }, { "rekick", 1400 }, { "stale", 1600 },
		{ "flood", 1700 }, { "blind", 0x10000 }, { "joinlimit", 3000 },
		{ "churn", 0x20000 }, { "rebind", 3100 }, { "released", 3200 },
		{ "rebind-move", 3300 }, { "rebind-pair", 3400 },
		{ "displace", 3500 },
	};
	unsigned int i;

	/* Each scenario has its own APs (MACs), so records never mix. */
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (!strcmp(cmd, bases[i].name))
			ap_index = bases[i].base;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (peer_nl_open(&nl, events)) {
		printf("not ok %s: cannot open the capwap_lsc genl family\n", cmd);
		return 1;
	}
	if (!strcmp(cmd, "fastpath"))
		cmd_fastpath();
	else if (!strcmp(cmd, "config"))
		cmd_config();
	else if (!strcmp(cmd, "lsc") && argc > 2)
		cmd_lsc(argv[2]);
	else if (!strcmp(cmd, "fallback") && argc > 2)
		cmd_fallback(atoi(argv[2]));
	else if (!strcmp(cmd, "provlist"))
		cmd_provlist();
	else if (!strcmp(cmd, "refuse"))
		cmd_refuse();
	else if (!strcmp(cmd, "lscjoin") && argc > 2)
		cmd_lscjoin(argv[2]);
	else if (!strcmp(cmd, "rtx"))
		cmd_rtx();
	else if (!strcmp(cmd, "queue"))
		cmd_queue();
	else if (!strcmp(cmd, "fuzz") && argc > 2)
		cmd_fuzz(atol(argv[2]));
	else if (!strcmp(cmd, "regress") && argc > 2)
		cmd_regress(argv[2]);
	else if (!strcmp(cmd, "deliver"))
		cmd_deliver();
	else if (!strcmp(cmd, "silent") && argc > 2)
		cmd_silent(atoi(argv[2]));
	else if (!strcmp(cmd, "evict") && argc > 2)
		cmd_evict(atoi(argv[2]));
	else if (!strcmp(cmd, "expire"))
		cmd_expire();
	else if (!strcmp(cmd, "radios"))
		cmd_radios();
	else if (!strcmp(cmd, "rekick"))
		cmd_rekick();
	else if (!strcmp(cmd, "stale") && argc > 2)
		cmd_stale(argv[2]);
	else if (!strcmp(cmd, "apcsr") && argc > 3)
		cmd_apcsr((unsigned int)strtoul(argv[2], NULL, 0), argv[3]);
	else if (!strcmp(cmd, "flood") && argc > 2)
		cmd_flood(atoi(argv[2]));
	else if (!strcmp(cmd, "blind") && argc > 2)
		cmd_blind(atoi(argv[2]));
	else if (!strcmp(cmd, "joinlimit"))
		cmd_joinlimit();
	else if (!strcmp(cmd, "released"))
		cmd_released();
	else if (!strcmp(cmd, "rebind") && argc > 2)
		cmd_rebind(atoi(argv[2]), false);
	else if (!strcmp(cmd, "rebind-move") && argc > 2)
		cmd_rebind(atoi(argv[2]), true);
	else if (!strcmp(cmd, "rebind-pair") && argc > 2)
		cmd_rebind_pair(atoi(argv[2]));
	else if (!strcmp(cmd, "displace"))
		cmd_displace();
	else if (!strcmp(cmd, "churn") && argc > 2)
		cmd_churn(atoi(argv[2]));
	else if (!strcmp(cmd, "mkaps") && argc > 2)
		cmd_mkaps(atol(argv[2]), argc > 3 ? atol(argv[3]) : 0);
	else {
		fprintf(stderr, "usage: see the top of tests/tools/capwap_peer.c\n");
		return 2;
	}
	peer_nl_close(&nl);
	return tests_failed ? 1 : 0;
}
