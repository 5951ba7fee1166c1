// SPDX-License-Identifier: GPL-2.0
/*
 * lsc-wtp: the AP side of LSC provisioning over CAPWAP, as one real AP's
 * agent or as a simulated fleet.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keygen.h"
#include "log.h"
#include "mac.h"
#include "numparse.h"
#include "sim.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: lsc-wtp --ac ADDR[:PORT] --mac MAC --model M --serial S --state-dir DIR\n"
"               [--mic-key K --mic-cert C] [--mode local|bridge|mesh]\n"
"               [--daemon] [--timeout S]            one AP (agent mode)\n"
"       lsc-wtp --ac ADDR[:PORT] --count N [--state-dir DIR] [--ramp RATE]\n"
"               [--bridge-fraction F] [--mesh-fraction F] [--corrupt-fraction F]\n"
"               [--keys-from DIR] [--json] [--timeout S] [--settle S]\n"
"               [--keep-lsc] [--hold]              a simulated fleet\n"
"       lsc-wtp genkeys --count N [--type rsa|ec] --bits B --out DIR\n"
"\n"
"common: --cert-type mic|ssc (simulated factory certificate, default mic)\n"
"        --vendor-id ID (LSC payload vendor id, default %u)\n"
"        --attempts N (LSC joins before falling back, until the controller says)\n"
"        --threads N (key workers) --retransmit-ms MS --discovery-interval S\n"
"        --corrupt (agent: damage the CSR) -v (debug log)\n"
"        --dtls (control messages after Discovery inside DTLS 1.2, as the\n"
"          controller requires by default; without it, clear text: its lab mode)\n"
"        --controller-ca FILE (CA certificates the controller's certificate\n"
"          must chain to while the AP holds no LSC)\n"
"        --controller-name NAME (required with --dtls: the controller's\n"
"          certificate must name it, DNS SAN or CN)\n"
"        --keylog FILE (append every DTLS session's secrets, NSS key log)\n"
"        --dtls-suites LIST (OpenSSL cipher list offered instead of the\n"
"          GCM, AES128-SHA and DHE-RSA-AES128-SHA suites)\n",
		CAPWAP_LSC_DEFAULT_VENDOR_ID);
}

enum {
	OPT_AC = 256, OPT_MAC, OPT_MODEL, OPT_SERIAL, OPT_STATE_DIR,
	OPT_MIC_KEY, OPT_MIC_CERT, OPT_MODE, OPT_DAEMON, OPT_ONCE,
	OPT_TIMEOUT, OPT_COUNT, OPT_RAMP, OPT_BRIDGE, OPT_MESH, OPT_CORRUPT_F,
	OPT_KEYS_FROM, OPT_JSON, OPT_SETTLE, OPT_KEEP_LSC, OPT_HOLD, OPT_CERT_TYPE,
	OPT_VENDOR, OPT_ATTEMPTS, OPT_THREADS, OPT_RETRANSMIT, OPT_DISCOVERY,
	OPT_CORRUPT, OPT_TYPE, OPT_BITS, OPT_OUT, OPT_DTLS, OPT_CONTROLLER_CA,
	OPT_CONTROLLER_NAME, OPT_KEYLOG, OPT_DTLS_SUITES,
};

static const struct option options[] = {
	{ "ac", required_argument, NULL, OPT_AC },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "mic-key", required_argument, NULL, OPT_MIC_KEY },
	{ "mic-cert", required_argument, NULL, OPT_MIC_CERT },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "daemon", no_argument, NULL, OPT_DAEMON },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "ramp", required_argument, NULL, OPT_RAMP },
	{ "bridge-fraction", required_argument, NULL, OPT_BRIDGE },
	{ "mesh-fraction", required_argument, NULL, OPT_MESH },
	{ "corrupt-fraction", required_argument, NULL, OPT_CORRUPT_F },
	{ "keys-from", required_argument, NULL, OPT_KEYS_FROM },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "settle", required_argument, NULL, OPT_SETTLE },
	{ "keep-lsc", no_argument, NULL, OPT_KEEP_LSC },
	{ "hold", no_argument, NULL, OPT_HOLD },
	{ "cert-type", required_argument, NULL, OPT_CERT_TYPE },
	{ "vendor-id", required_argument, NULL, OPT_VENDOR },
	{ "attempts", required_argument, NULL, OPT_ATTEMPTS },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "retransmit-ms", required_argument, NULL, OPT_RETRANSMIT },
	{ "discovery-interval", required_argument, NULL, OPT_DISCOVERY },
	{ "corrupt", no_argument, NULL, OPT_CORRUPT },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "bits", required_argument, NULL, OPT_BITS },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "dtls", no_argument, NULL, OPT_DTLS },
	{ "controller-ca", required_argument, NULL, OPT_CONTROLLER_CA },
	{ "controller-name", required_argument, NULL, OPT_CONTROLLER_NAME },
	{ "keylog", required_argument, NULL, OPT_KEYLOG },
	{ "dtls-suites", required_argument, NULL, OPT_DTLS_SUITES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static long num(const char *opt, const char *s, long min, long max)
{
	unsigned long v;

	if (lsc_parse_uint(s, (unsigned long)min, (unsigned long)max, &v)) {
		lsc_err("--%s %s: want a number from %ld to %ld", opt, s, min, max);
		exit(2);
	}
	return (long)v;
}

static double fraction(const char *opt, const char *s)
{
	double v;

	if (lsc_parse_double(s, 0, 1, &v)) {
		lsc_err("--%s %s: want a fraction from 0 to 1", opt, s);
		exit(2);
	}
	return v;
}

static void copy_text(const char *opt, char *dst, size_t size, const char *s)
{
	if (!*s || strlen(s) >= size) {
		lsc_err("--%s: want 1 to %zu characters", opt, size - 1);
		exit(2);
	}
	strcpy(dst, s);
}

struct genkeys_args {
	int count;
	uint8_t type;
	int bits;
	const char *out;
};

static int run_genkeys(const struct genkeys_args *g)
{
	if (g->count < 1 || !g->out || !g->bits) {
		lsc_err("genkeys needs --count N, --bits B and --out DIR");
		return 2;
	}
	if (!wtp_keygen_valid(g->type, g->bits)) {
		lsc_err("genkeys: unsupported key size %d", g->bits);
		return 2;
	}
	if (wtp_genkeys(g->out, g->count, g->type, g->bits))
		return 1;
	lsc_info("%d keys in %s", g->count, g->out);
	return 0;
}

int main(int argc, char **argv)
{
	struct wtp_opts o = {
		.vendor_id = CAPWAP_LSC_DEFAULT_VENDOR_ID,
		.retransmit_ms = WTP_RETRANSMIT_MS,
		.attempts = 4,
		.cert_type = CAPWAP_LSC_CERT_MIC,
		.settle_s = 15,
		.mode = CAPWAP_LSC_MODE_LOCAL,
	};
	struct genkeys_args g = { .type = CAPWAP_LSC_KEY_RSA };
	bool genkeys = argc > 1 && !strcmp(argv[1], "genkeys");
	bool have_mac = false;
	int c;

	lsc_log_init(argv[0], LSC_LOG_INFO);
	if (genkeys) {
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "vh", options, NULL)) != -1) {
		switch (c) {
		case OPT_AC: o.ac = optarg; break;
		case OPT_MAC:
			if (lsc_mac_parse(optarg, o.id.mac)) {
				lsc_err("--mac %s: want a MAC such as 02:4c:53:00:10:01", optarg);
				return 2;
			}
			have_mac = true;
			break;
		case OPT_MODEL: copy_text("model", o.id.model, sizeof(o.id.model), optarg); break;
		case OPT_SERIAL: copy_text("serial", o.id.serial, sizeof(o.id.serial), optarg); break;
		case OPT_STATE_DIR: o.state_dir = optarg; break;
		case OPT_MIC_KEY: o.mic_key = optarg; break;
		case OPT_MIC_CERT: o.mic_cert = optarg; break;
		case OPT_MODE:
			if (!strcmp(optarg, "local"))
				o.mode = CAPWAP_LSC_MODE_LOCAL;
			else if (!strcmp(optarg, "bridge"))
				o.mode = CAPWAP_LSC_MODE_BRIDGE;
			else if (!strcmp(optarg, "mesh"))
				o.mode = CAPWAP_LSC_MODE_MESH;
			else {
				lsc_err("--mode %s: want local, bridge or mesh", optarg);
				return 2;
			}
			break;
		case OPT_DAEMON: o.daemon = true; break;
		case OPT_ONCE: o.daemon = false; break;
		case OPT_TIMEOUT: o.timeout_s = num("timeout", optarg, 0, 86400); break;
		case OPT_COUNT:
			o.count = g.count = num("count", optarg, 1, 1000000);
			break;
		case OPT_RAMP: o.ramp = num("ramp", optarg, 1, 1000000); break;
		case OPT_BRIDGE: o.bridge_fraction = fraction("bridge-fraction", optarg); break;
		case OPT_MESH: o.mesh_fraction = fraction("mesh-fraction", optarg); break;
		case OPT_CORRUPT_F: o.corrupt_fraction = fraction("corrupt-fraction", optarg); break;
		case OPT_KEYS_FROM: o.keys_from = optarg; break;
		case OPT_JSON: o.json = true; break;
		case OPT_SETTLE: o.settle_s = num("settle", optarg, 1, 3600); break;
		case OPT_KEEP_LSC: o.keep_lsc = true; break;
		case OPT_HOLD: o.hold = true; break;
		case OPT_CERT_TYPE:
			if (!strcmp(optarg, "mic"))
				o.cert_type = CAPWAP_LSC_CERT_MIC;
			else if (!strcmp(optarg, "ssc"))
				o.cert_type = CAPWAP_LSC_CERT_SSC;
			else {
				lsc_err("--cert-type %s: want mic or ssc", optarg);
				return 2;
			}
			break;
		case OPT_VENDOR: o.vendor_id = num("vendor-id", optarg, 1, 0xffffff); break;
		case OPT_ATTEMPTS: o.attempts = num("attempts", optarg, 0, 255); break;
		case OPT_THREADS: o.threads = num("threads", optarg, 1, 256); break;
		case OPT_RETRANSMIT: o.retransmit_ms = num("retransmit-ms", optarg, 10, 60000); break;
		case OPT_DISCOVERY: o.discovery_interval = num("discovery-interval", optarg, 1, 180); break;
		case OPT_CORRUPT: o.corrupt = true; break;
		case OPT_TYPE:
			if (!strcmp(optarg, "rsa"))
				g.type = CAPWAP_LSC_KEY_RSA;
			else if (!strcmp(optarg, "ec"))
				g.type = CAPWAP_LSC_KEY_EC;
			else {
				lsc_err("--type %s: want rsa or ec", optarg);
				return 2;
			}
			break;
		case OPT_BITS: g.bits = num("bits", optarg, 256, 4096); break;
		case OPT_OUT: g.out = optarg; break;
		case OPT_DTLS: o.dtls = true; break;
		case OPT_CONTROLLER_CA: o.dtls_opts.controller_ca = optarg; break;
		case OPT_CONTROLLER_NAME: o.dtls_opts.controller_name = optarg; break;
		case OPT_KEYLOG: o.dtls_opts.keylog = optarg; break;
		case OPT_DTLS_SUITES: o.dtls_opts.suites = optarg; break;
		case 'v': lsc_log_set_level(LSC_LOG_DEBUG); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (genkeys)
		return run_genkeys(&g);
	if (!o.ac) {
		lsc_err("--ac ADDR[:PORT] is required");
		return 2;
	}
	if (!o.dtls && (o.dtls_opts.controller_ca || o.dtls_opts.controller_name ||
			o.dtls_opts.keylog || o.dtls_opts.suites)) {
		lsc_err("--controller-ca, --controller-name, --keylog and --dtls-suites need --dtls");
		return 2;
	}
	if (!o.mic_key != !o.mic_cert) {
		lsc_err("--mic-key and --mic-cert go together");
		return 2;
	}
	if (o.count) {
		if (!o.state_dir)
			o.state_dir = "lsc-wtp-state";
		if (o.bridge_fraction + o.mesh_fraction + o.corrupt_fraction > 1) {
			lsc_err("the bridge, mesh and corrupt fractions add up to more than 1");
			return 2;
		}
		return wtp_fleet_run(&o);
	}
	if (!have_mac || !o.id.model[0] || !o.id.serial[0] || !o.state_dir) {
		lsc_err("one AP needs --mac, --model, --serial and --state-dir (or --count N for a fleet)");
		return 2;
	}
	if (!o.daemon && !o.timeout_s)
		o.timeout_s = 600;
	return wtp_agent_run(&o);
}
