/* SPDX-License-Identifier: GPL-2.0 */
/* Setting up the shared machinery and the APs, for fleet.c and agent.c. */
#ifndef WTP_SIM_H
#define WTP_SIM_H

#include <stdbool.h>

#include "dtls.h"
#include "mic.h"
#include "wtp.h"

struct wtp_opts {
	const char *ac;			/* ADDR[:PORT] */
	const char *state_dir;
	const char *keys_from;
	uint32_t vendor_id;
	uint32_t retransmit_ms;
	uint8_t discovery_interval;
	uint8_t attempts;
	int cert_type;			/* CAPWAP_LSC_CERT_MIC or _SSC */
	int threads;
	int timeout_s;
	bool json;
	bool dtls;			/* control messages inside DTLS */
	struct wtp_dtls_opts dtls_opts;
	/* fleet */
	int count;
	double ramp;			/* APs per second, 0: all at once */
	double bridge_fraction, mesh_fraction, corrupt_fraction;
	int settle_s;
	bool keep_lsc;
	bool hold;			/* run on after every outcome */
	/* agent */
	struct wtp_identity id;
	uint8_t mode;
	bool corrupt;
	bool daemon;
	const char *mic_key, *mic_cert;
};

int wtp_sim_init(struct wtp_sim *sim, const struct wtp_opts *o);
void wtp_sim_free(struct wtp_sim *sim);
/* Loads or makes @ap's factory credentials in ap->dir. */
int wtp_ap_prepare(struct wtp_ap *ap, const struct wtp_ca *ca,
		   const struct wtp_opts *o);

int wtp_fleet_run(const struct wtp_opts *o);
int wtp_agent_run(const struct wtp_opts *o);

#endif /* WTP_SIM_H */
