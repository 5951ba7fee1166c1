// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "sim.h"
#include "store.h"
#include <openssl/x509v3.h>

static int parse_ac(const char *s, struct sockaddr_in *sa)
{
	char host[256], *colon;
	unsigned long port = CAPWAP_CONTROL_PORT;

	if (snprintf(host, sizeof(host), "%s", s) >= (int)sizeof(host))
		return -1;
	colon = strrchr(host, ':');
	if (colon) {
		char *end;

		*colon = '\0';
		port = strtoul(colon + 1, &end, 10);
		if (*end || !port || port > 65535)
			return -1;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* Each AP holds a socket: let a big fleet have the descriptors it needs. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int wtp_sim_init(struct wtp_sim *sim, const struct wtp_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = o->threads > 0 ? o->threads : (cpus > 0 ? (int)cpus : 1);
	int ret;

	memset(sim, 0, sizeof(*sim));
	if (parse_ac(o->ac, &sim->ac)) {
		lsc_err("--ac %s: want an IPv4 address and optional :PORT", o->ac);
		return -1;
	}
	sim->vendor_id = o->vendor_id;
	sim->retransmit_ms = o->retransmit_ms;
	sim->discovery_interval = o->discovery_interval;
	sim->lsc_join_attempts = o->attempts;
	sim->mtu = WTP_MTU;
	if (o->keys_from)
		snprintf(sim->keys_from, sizeof(sim->keys_from), "%s",
			 o->keys_from);
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	ret = wtp_loop_init(&sim->loop);
	if (!ret)
		ret = wtp_keypool_start(&sim->pool, &sim->loop, threads);
	if (ret) {
		lsc_err("cannot start the event loop: %s", strerror(-ret));
		return -1;
	}
	if (o->dtls && wtp_dtls_setup(sim, &o->dtls_opts))
		return -1;
	return 0;
}

void wtp_sim_free(struct wtp_sim *sim)
{
	wtp_dtls_teardown(sim);
	wtp_keypool_stop(&sim->pool, &sim->loop);
	wtp_loop_free(&sim->loop);
}

static int load_given_mic(struct wtp_ap *ap, const struct wtp_opts *o)
{
	ap->factory_key = wtp_store_read_key(o->mic_key);
	if (!ap->factory_key) {
		lsc_err("--mic-key %s: cannot read a private key", o->mic_key);
		return -1;
	}
	ap->factory_cert = wtp_store_read_cert(o->mic_cert);
	if (!ap->factory_cert) {
		lsc_err("--mic-cert %s: cannot read a certificate", o->mic_cert);
		return -1;
	}
	if (!X509_check_private_key(ap->factory_cert, ap->factory_key)) {
		lsc_err("--mic-cert %s does not match --mic-key %s",
			o->mic_cert, o->mic_key);
		return -1;
	}
	ap->factory_type = X509_check_issued(ap->factory_cert,
					     ap->factory_cert) == X509_V_OK ?
			   CAPWAP_LSC_CERT_SSC : CAPWAP_LSC_CERT_MIC;
	return 0;
}

int wtp_ap_prepare(struct wtp_ap *ap, const struct wtp_ca *ca,
		   const struct wtp_opts *o)
{
	int ret = wtp_store_mkdir(ap->dir);

	if (ret) {
		lsc_err("%s: %s", ap->dir, strerror(-ret));
		return -1;
	}
	wtp_cn(&ap->id, ap->cn);
	ap->io.fd = -1;
	if (o->mic_key)
		return load_given_mic(ap, o);
	ap->factory_type = o->cert_type;
	return wtp_factory_load(ap->dir, ca, &ap->id, o->cert_type,
				&ap->factory_key, &ap->factory_cert);
}
