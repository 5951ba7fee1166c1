#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The DTLS fleet of tests/vm/cases/94-lscd-dtls-fleet.sh past the size
# `make check` runs (200, issue 10's): BENCH_DTLS_FLEET APs (default 500)
# join with their MIC over DTLS, get their LSC and rejoin with it, every
# control message decrypted with the key log and parsed with
# kmod/wire*.c, then the same fleet in clear text, tshark-clean.  Prints
# the case's checks and what the fleets cost in the guest (wall time,
# lscd's CPU per AP); exit status 1 when a check fails.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

n=${BENCH_DTLS_FLEET:-500}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "dtls-fleet: BENCH_DTLS_FLEET must be a positive integer" >&2; exit 2; }
DTLS_FLEET_APS=$n exec tests/run 94-lscd-dtls-fleet
