#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fleet against the CA (make bench): in one VM boot, for each size in
# BENCH_FLEET (default "100 500"), the controller of scripts/demo (the
# module, lscd, Debian's scepserver; scripts/fleet.bash) provisions that
# many simulated APs at once, and the bench reports the fleet's
# provisioning wall time (from the storm's start until every AP holds an
# LSC) over the CPU time the CA spent meanwhile.  The CA runs alone on
# CPU 1, lscd, the APs and the kernel on CPU 0, so that the APs' own key
# work does not compete with the CA.  Nor, as on a real network, with the
# controller: the simulator runs at nice 19 and takes what lscd leaves.
# At its normal priority, 100 APs' requests signed while lscd waited for
# its turn on CPU 0, and the CA idled some 0.1 s between requests for
# the first third of the run.  Goal: <= 1.1, the same at both
# sizes (the CA is what limits the fleet, and nothing grows with it).
# Prints numbers and never fails on them; exit status 1 when the set-up
# fails or an AP ends without its LSC.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. scripts/fleet.bash

sizes=${BENCH_FLEET:-100 500}
max=0
for n in $sizes; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "fleet: BENCH_FLEET must list positive integers" >&2; exit 2; }
	[ "$n" -le "$max" ] || max=$n
done
make -s || exit 1
fleet_fixtures "$max" || exit 1
# Without slub_debug: the allocator as a production kernel runs it.
VM_SLUB_DEBUG= VM_TIMEOUT=${VM_TIMEOUT:-3600} exec tests/vm/run -- \
	env BENCH_FLEET="$sizes" bash tests/bench/fleet-guest.sh
