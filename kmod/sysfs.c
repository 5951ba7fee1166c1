// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only state under /sys/kernel/capwap_lsc/, one value per file:
 * the settings at the top, counters in stats/, one directory per AP in
 * aps/<mac>/.  Configuration goes through generic netlink only.  The
 * settings and counters are world-readable; the files of aps/ are
 * root's, like every genl command.
 */

#include <linux/kobject.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "ap.h"
#include "config.h"
#include "control.h"
#include "dtls.h"
#include "keys.h"
#include "lsc.h"
#include "provlist.h"
#include "queue.h"
#include "stats.h"
#include "sysfs.h"
#include "verify.h"
#include "wire.h"

#include "capwap_lsc.h"

static bool ap_sysfs = true;
module_param(ap_sysfs, bool, 0444);
MODULE_PARM_DESC(ap_sysfs,
		 "Per-AP directories under aps/ (about 0.9 KiB per AP; default 1)");

static struct kobject *capwap_lsc_kobj;
static struct kobject *stats_kobj;
static struct kobject *aps_kobj;

#define RO_ATTR(_name, _fmt, _expr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct capwap_lsc_config cfg;					\
									\
	capwap_lsc_config_get(&cfg);					\
	(void)cfg;							\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

RO_ATTR(version, "%s", CAPWAP_LSC_VERSION);
RO_ATTR(port, "%u", capwap_lsc_port);
RO_ATTR(mtu, "%u", capwap_lsc_mtu);
RO_ATTR(vendor_id, "%u", READ_ONCE(capwap_lsc_vendor_id));
RO_ATTR(lsc_enabled, "%u", cfg.enabled);
RO_ATTR(provision_mode, "%s",
	cfg.mode == CAPWAP_LSC_PROVISION_ALL ? "all" :
	cfg.mode == CAPWAP_LSC_PROVISION_LIST ? "list" : "off");
RO_ATTR(key_type, "%s", cfg.key_type == CAPWAP_LSC_KEY_EC ? "ec" : "rsa");
RO_ATTR(key_bits, "%u", cfg.key_bits);
RO_ATTR(validity_days, "%u", cfg.validity_days);
RO_ATTR(max_attempts, "%u", cfg.max_attempts);
RO_ATTR(provision_list_size, "%u", capwap_lsc_provlist_count());
RO_ATTR(ca_present, "%u", capwap_lsc_verify_ca_present());
RO_ATTR(ap_count, "%u", capwap_lsc_ap_count());
RO_ATTR(records_retiring, "%u", capwap_lsc_ap_retiring());
RO_ATTR(requests, "%u", capwap_lsc_req_waiting());
RO_ATTR(max_pending_requests, "%u", capwap_lsc_req_max());
RO_ATTR(dtls_mode, "%s",
	capwap_lsc_dtls_mode() == CAPWAP_LSC_DTLS_REQUIRED ? "required" :
	capwap_lsc_dtls_mode() == CAPWAP_LSC_DTLS_ON ? "on" : "off");

static struct attribute *capwap_lsc_attrs[] = {
	&version_attr.attr,
	&port_attr.attr,
	&mtu_attr.attr,
	&vendor_id_attr.attr,
	&lsc_enabled_attr.attr,
	&provision_mode_attr.attr,
	&key_type_attr.attr,
	&key_bits_attr.attr,
	&validity_days_attr.attr,
	&max_attempts_attr.attr,
	&provision_list_size_attr.attr,
	&ca_present_attr.attr,
	&ap_count_attr.attr,
	&records_retiring_attr.attr,
	&requests_attr.attr,
	&max_pending_requests_attr.attr,
	&dtls_mode_attr.attr,
	NULL,
};

static const struct attribute_group capwap_lsc_attr_group = {
	.attrs = capwap_lsc_attrs,
};

/* ---- stats/ ------------------------------------------------------- */

static const char *const scalar_names[] = {
	[CAPWAP_LSC_ST_RX_PACKETS] = "rx_packets",
	[CAPWAP_LSC_ST_FRAGMENTS] = "rx_fragments",
	[CAPWAP_LSC_ST_REASSEMBLED] = "reassembled",
	[CAPWAP_LSC_ST_DROPPED] = "dropped",
	[CAPWAP_LSC_ST_RETRANSMITS] = "retransmits",
	[CAPWAP_LSC_ST_DUPLICATES] = "duplicates",
	[CAPWAP_LSC_ST_TIMEOUTS] = "timeouts",
	[CAPWAP_LSC_ST_LSC_EVENTS] = "lsc_events",
	[CAPWAP_LSC_ST_CERTS_DELIVERED] = "certs_delivered",
	[CAPWAP_LSC_ST_FALLBACKS] = "fallbacks",
	[CAPWAP_LSC_ST_REFUSED_BRIDGE] = "refused_bridge",
	[CAPWAP_LSC_ST_REFUSED_MESH] = "refused_mesh",
	[CAPWAP_LSC_ST_REFUSED_LSC] = "refused_lsc",
	[CAPWAP_LSC_ST_ENROLL_FAILURES] = "enroll_failures",
	[CAPWAP_LSC_ST_QUEUE_FULL] = "queue_full",
	[CAPWAP_LSC_ST_TX_ERRORS] = "tx_errors",
	[CAPWAP_LSC_ST_SILENT_SESSIONS] = "silent_sessions",
	[CAPWAP_LSC_ST_RECORDS_EVICTED] = "records_evicted",
	[CAPWAP_LSC_ST_RECORDS_EXPIRED] = "records_expired",
	[CAPWAP_LSC_ST_REQUESTS_EXPIRED] = "requests_expired",
	[CAPWAP_LSC_ST_JOINS_LIMITED] = "joins_rate_limited",
	[CAPWAP_LSC_ST_STALE_SOURCE] = "stale_source",
	[CAPWAP_LSC_ST_UNBINDS_SKIPPED] = "unbinds_skipped",
	[CAPWAP_LSC_ST_SESSIONS_DISPLACED] = "sessions_displaced",
	[CAPWAP_LSC_ST_DTLS_RELAYED] = "dtls_relayed",
	[CAPWAP_LSC_ST_DTLS_RELAY_LIMITED] = "dtls_relay_limited",
	[CAPWAP_LSC_ST_DTLS_RELAY_LOST] = "dtls_relay_lost",
	[CAPWAP_LSC_ST_DTLS_DROP_AUTH] = "dtls_drop_auth",
	[CAPWAP_LSC_ST_DTLS_DROP_REPLAY] = "dtls_drop_replay",
	[CAPWAP_LSC_ST_DTLS_DROP_EPOCH] = "dtls_drop_epoch",
	[CAPWAP_LSC_ST_DTLS_CLOSED] = "dtls_closed",
	[CAPWAP_LSC_ST_DTLS_JOIN_MISMATCH] = "dtls_join_mismatch",
	[CAPWAP_LSC_ST_DTLS_CLEAR_REFUSED] = "dtls_clear_refused",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_STARTED] =
		"dtls_handshakes_started",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_AUTH] =
		"dtls_handshakes_failed_authentication",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_COOKIE] =
		"dtls_handshakes_failed_cookie",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_TIMEOUT] =
		"dtls_handshakes_failed_timeout",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_POLICY] =
		"dtls_handshakes_failed_policy",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_IDENTITY] =
		"dtls_handshakes_failed_identity",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_HANDOVER] =
		"dtls_handshakes_failed_handover",
	[CAPWAP_LSC_ST_DTLS_HS + CAPWAP_LSC_DTLS_FAILED_ABANDONED] =
		"dtls_handshakes_failed_abandoned",
	[CAPWAP_LSC_ST_DTLS_HS_COMPLETED] = "dtls_handshakes_completed",
	[CAPWAP_LSC_ST_DTLS_FAILED_SESSIONS] = "failed_dtls_session_count",
	[CAPWAP_LSC_ST_DTLS_FAILED_AUTH_FAILS] = "failed_dtls_auth_fail_count",
	[CAPWAP_LSC_ST_DTLS_CLOSE_SENT] = "dtls_close_sent",
	[CAPWAP_LSC_ST_DTLS_WAIT_JOIN] = "dtls_wait_join",
	[CAPWAP_LSC_ST_DTLS_DROP_DELETED] = "dtls_drop_deleted",
	[CAPWAP_LSC_ST_DTLS_COOKIES_SENT] = "dtls_cookies_sent",
	[CAPWAP_LSC_ST_DTLS_COOKIES_VERIFIED] = "dtls_cookies_verified",
};
/* A counter added without its file name would be a NULL name at load. */
static_assert(ARRAY_SIZE(scalar_names) == __CAPWAP_LSC_ST_MAX);

struct stat_attr {
	struct kobj_attribute ka;
	unsigned int idx;
	char name[40];
};

/* stats/ and its rx/, tx/ and malformed/ directories. */
enum { SG_TOP, SG_RX, SG_TX, SG_BAD, __SG_MAX };

static const char *const sg_dir[__SG_MAX] = {
	NULL, "rx", "tx", "malformed",
};

static struct stat_attr *stat_attrs;
static struct attribute **stat_list[__SG_MAX];
static struct attribute_group stat_group[__SG_MAX];

static ssize_t stat_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct stat_attr *sa = container_of(attr, struct stat_attr, ka);

	return sysfs_emit(buf, "%llu\n", capwap_lsc_stat_read(sa->idx));
}

/* The wire code's names, with '_' for '-' as file names go. */
static void file_name(char *dst, size_t size, const char *name)
{
	char *p;

	strscpy(dst, name, size);
	for (p = dst; *p; p++)
		if (*p == '-')
			*p = '_';
}

static int stats_build(void)
{
	unsigned int i, g, n[__SG_MAX] = { };

	stat_attrs = kcalloc(__CAPWAP_LSC_ST_MAX, sizeof(*stat_attrs),
			     GFP_KERNEL);
	if (!stat_attrs)
		return -ENOMEM;
	for (g = 0; g < __SG_MAX; g++) {
		stat_list[g] = kcalloc(__CAPWAP_LSC_ST_MAX + 1,
				       sizeof(*stat_list[g]), GFP_KERNEL);
		if (!stat_list[g])
			return -ENOMEM;
		stat_group[g].name = sg_dir[g];
		stat_group[g].attrs = stat_list[g];
	}
	for (i = 0; i < __CAPWAP_LSC_ST_MAX; i++) {
		struct stat_attr *sa = &stat_attrs[i];

		if (i < CAPWAP_LSC_ST_TX) {
			if (i == CAPWAP_LSC_ST_RX)
				continue;
			g = SG_RX;
		} else if (i < CAPWAP_LSC_ST_BAD) {
			if (i == CAPWAP_LSC_ST_TX)
				continue;
			g = SG_TX;
		} else if (i < CAPWAP_LSC_ST_RX_PACKETS) {
			g = SG_BAD;
		} else {
			g = SG_TOP;
		}
		if (g == SG_RX || g == SG_TX) {
			unsigned int t = i - (g == SG_RX ? CAPWAP_LSC_ST_RX :
					      CAPWAP_LSC_ST_TX);

			file_name(sa->name, sizeof(sa->name),
				  t == CAPWAP_LSC_STATS_MSG_OTHER ? "other" :
				  capwap_msg_name(t));
		} else if (g == SG_BAD) {
			file_name(sa->name, sizeof(sa->name),
				  capwap_malformed_name(i - CAPWAP_LSC_ST_BAD));
		} else {
			strscpy(sa->name, scalar_names[i], sizeof(sa->name));
		}
		sysfs_attr_init(&sa->ka.attr);
		sa->ka.attr.name = sa->name;
		sa->ka.attr.mode = 0444;
		sa->ka.show = stat_show;
		sa->idx = i;
		stat_list[g][n[g]++] = &sa->ka.attr;
	}
	return 0;
}

/* ---- aps/<mac>/ --------------------------------------------------- */

/* The DTLS files, by enum capwap_lsc_dtls_field. */
static const char *const dtls_files[] = {
	[CAPWAP_LSC_DTLS_F_SUITE] = "dtls_suite",
	[CAPWAP_LSC_DTLS_F_SUBJECT] = "dtls_subject",
	[CAPWAP_LSC_DTLS_F_ISSUER] = "dtls_issuer",
	[CAPWAP_LSC_DTLS_F_FINGERPRINT] = "dtls_fingerprint",
};

struct capwap_lsc_ap_kobj {
	struct kobject kobj;
	struct capwap_lsc_ap *ap;
};

static ssize_t ap_attr_show(struct kobject *kobj, struct attribute *attr,
			    char *buf)
{
	struct capwap_lsc_ap_kobj *ak = container_of(kobj,
						     struct capwap_lsc_ap_kobj,
						     kobj);
	struct capwap_lsc_ap_record rec;
	const char *name = attr->name;
	struct capwap_lsc_peer peer;
	unsigned int f;
	ssize_t n;

	if (!strcmp(name, "last_error")) {
		/* Whole: the record cuts it at 63 bytes. */
		spin_lock_bh(&ak->ap->lock);
		n = sysfs_emit(buf, "%s\n", capwap_lsc_prov_last_error(ak->ap));
		spin_unlock_bh(&ak->ap->lock);
		return n;
	}
	if (!strcmp(name, "dtls"))
		return sysfs_emit(buf, "%s\n",
			capwap_lsc_dtls_state_name(capwap_lsc_ap_dtls_state(ak->ap)));
	for (f = 0; f < ARRAY_SIZE(dtls_files); f++) {
		if (strcmp(name, dtls_files[f]))
			continue;
		spin_lock_bh(&ak->ap->lock);
		peer = ak->ap->peer;
		spin_unlock_bh(&ak->ap->lock);
		n = capwap_lsc_dtls_show(&peer, ak->ap->mac, f, buf);
		/* The session ended or changed since the file was shown. */
		return n == -ENOENT ? sysfs_emit(buf, "\n") : n;
	}
	capwap_lsc_ap_record(ak->ap, &rec);
	if (!strcmp(name, "state"))
		return sysfs_emit(buf, "%s\n", capwap_lsc_state_name(rec.state));
	if (!strcmp(name, "cert_type"))
		return sysfs_emit(buf, "%s\n",
				  capwap_lsc_cert_name(rec.cert_type));
	if (!strcmp(name, "attempts"))
		return sysfs_emit(buf, "%u\n", rec.attempts);
	if (!strcmp(name, "joined_since"))
		return sysfs_emit(buf, "%llu\n", rec.joined_since);
	return -EIO;
}

static const struct sysfs_ops ap_sysfs_ops = {
	.show = ap_attr_show,
};

/*
 * Root only: a file here names the AP and tells its state and errors.
 * The settings and counters above name no AP and stay world-readable.
 */
#define AP_ATTR(_name) \
	static struct attribute ap_attr_##_name = { .name = #_name, .mode = 0400 }
AP_ATTR(state);
AP_ATTR(cert_type);
AP_ATTR(attempts);
AP_ATTR(last_error);
AP_ATTR(joined_since);
AP_ATTR(dtls);
AP_ATTR(dtls_suite);
AP_ATTR(dtls_subject);
AP_ATTR(dtls_issuer);
AP_ATTR(dtls_fingerprint);

/*
 * What an operator looks at per AP, and no more: every file is a kernfs
 * node of 128 bytes per AP.  The session state, model and serial are in
 * the genl AP dump and the AP's key.
 */
static struct attribute *ap_attrs[] = {
	&ap_attr_state, &ap_attr_cert_type, &ap_attr_attempts,
	&ap_attr_last_error, &ap_attr_joined_since, &ap_attr_dtls, NULL,
};

static const struct attribute_group ap_group = {
	.attrs = ap_attrs,
};

/*
 * The peer's suite and certificate exist only while the AP's session is
 * inside DTLS: the files appear then (capwap_lsc_sysfs_update_ap()), so
 * that an AP in clear text pays no kernfs node for them.
 */
static struct attribute *ap_dtls_attrs[] = {
	&ap_attr_dtls_suite, &ap_attr_dtls_subject, &ap_attr_dtls_issuer,
	&ap_attr_dtls_fingerprint, NULL,
};

static umode_t ap_dtls_visible(struct kobject *kobj, struct attribute *attr,
			       int n)
{
	struct capwap_lsc_ap_kobj *ak = container_of(kobj,
						     struct capwap_lsc_ap_kobj,
						     kobj);

	return capwap_lsc_ap_dtls_state(ak->ap) == CAPWAP_LSC_DTLS_STATE_DTLS ?
	       attr->mode : 0;
}

static const struct attribute_group ap_dtls_group = {
	.attrs = ap_dtls_attrs,
	.is_visible = ap_dtls_visible,
};

static const struct attribute_group *ap_groups[] = {
	&ap_group, &ap_dtls_group, NULL,
};

static void ap_kobj_release(struct kobject *kobj)
{
	struct capwap_lsc_ap_kobj *ak = container_of(kobj,
						     struct capwap_lsc_ap_kobj,
						     kobj);

	capwap_lsc_ap_put(ak->ap);
	kfree(ak);
}

static struct kobj_type ap_ktype = {
	.release = ap_kobj_release,
	.sysfs_ops = &ap_sysfs_ops,
	.default_groups = ap_groups,
};

void capwap_lsc_sysfs_add_ap(struct capwap_lsc_ap *ap)
{
	struct capwap_lsc_ap_kobj *ak;
	struct kernfs_node *taken;
	char name[18];

	if (!aps_kobj || !ap_sysfs)
		return;
	/*
	 * A retired record of the same MAC whose directory is not gone yet:
	 * its removal publishes this one (ap.c), and a duplicate name here
	 * would only fill the kernel log.
	 */
	snprintf(name, sizeof(name), "%pM", ap->mac);
	taken = sysfs_get_dirent(aps_kobj->sd, name);
	if (taken) {
		sysfs_put(taken);
		return;
	}
	ak = kzalloc(sizeof(*ak), GFP_KERNEL);
	if (!ak)
		return;
	capwap_lsc_ap_get(ap);
	ak->ap = ap;
	if (kobject_init_and_add(&ak->kobj, &ap_ktype, aps_kobj, "%s", name)) {
		kobject_put(&ak->kobj);
		return;
	}
	ap->kobj = ak;
}

void capwap_lsc_sysfs_update_ap(struct capwap_lsc_ap *ap)
{
	if (ap->kobj && sysfs_update_group(&ap->kobj->kobj, &ap_dtls_group))
		pr_warn_ratelimited("%pM: cannot update its DTLS files in sysfs\n",
				    ap->mac);
}

void capwap_lsc_sysfs_del_ap(struct capwap_lsc_ap *ap)
{
	if (!ap->kobj)
		return;
	kobject_del(&ap->kobj->kobj);
	kobject_put(&ap->kobj->kobj);
	ap->kobj = NULL;
}

static void stats_free(void)
{
	unsigned int g;

	for (g = 0; g < __SG_MAX; g++) {
		kfree(stat_list[g]);
		stat_list[g] = NULL;
	}
	kfree(stat_attrs);
	stat_attrs = NULL;
}

static const struct attribute_group *stat_groups[] = {
	&stat_group[SG_TOP], &stat_group[SG_RX], &stat_group[SG_TX],
	&stat_group[SG_BAD], NULL,
};

int capwap_lsc_sysfs_init(void)
{
	int ret;

	ret = stats_build();
	if (ret)
		goto err_free;
	ret = -ENOMEM;
	capwap_lsc_kobj = kobject_create_and_add("capwap_lsc", kernel_kobj);
	if (!capwap_lsc_kobj)
		goto err_free;
	ret = sysfs_create_group(capwap_lsc_kobj, &capwap_lsc_attr_group);
	if (ret)
		goto err_top;
	ret = -ENOMEM;
	stats_kobj = kobject_create_and_add("stats", capwap_lsc_kobj);
	if (!stats_kobj)
		goto err_group;
	ret = sysfs_create_groups(stats_kobj, stat_groups);
	if (ret)
		goto err_stats;
	ret = -ENOMEM;
	aps_kobj = kobject_create_and_add("aps", capwap_lsc_kobj);
	if (!aps_kobj)
		goto err_stats_group;
	return 0;

err_stats_group:
	sysfs_remove_groups(stats_kobj, stat_groups);
err_stats:
	kobject_put(stats_kobj);
	stats_kobj = NULL;
err_group:
	sysfs_remove_group(capwap_lsc_kobj, &capwap_lsc_attr_group);
err_top:
	kobject_put(capwap_lsc_kobj);
	capwap_lsc_kobj = NULL;
err_free:
	stats_free();
	return ret;
}

void capwap_lsc_sysfs_uninit(void)
{
	if (!capwap_lsc_kobj)
		return;
	kobject_put(aps_kobj);
	aps_kobj = NULL;
	sysfs_remove_groups(stats_kobj, stat_groups);
	kobject_put(stats_kobj);
	stats_kobj = NULL;
	sysfs_remove_group(capwap_lsc_kobj, &capwap_lsc_attr_group);
	kobject_put(capwap_lsc_kobj);
	capwap_lsc_kobj = NULL;
	stats_free();
}
