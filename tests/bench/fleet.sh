#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fleet against the CA (make bench): in one VM boot, for each size in
# BENCH_FLEET (default "100 500"), the controller of scripts/demo (the
# module, lscd, Debian's scepserver; scripts/fleet.bash) provisions that
# many simulated APs at once, and the bench reports the fleet's
# provisioning wall time (from the storm's start until every AP holds an
# LSC) over the CPU time the CA spent meanwhile.  The CA runs alone on
# CPU 1, lscd and the kernel on CPU 0, so that the APs' own key
# work does not compete with the CA.  Nor, as on a real network, with the
# controller: the VM has a third CPU (VM_CPUS, default 3), the simulator's.
# Sharing CPU 0 with lscd, at its normal priority or at nice 19, the APs'
# CSRs (a key read and an RSA signature each) and lscd together needed
# more CPU per AP than the CA, and the CA idled between requests while
# the next AP's request was still being signed.  Goal: <= 1.1, the same at both
# sizes (the CA is what limits the fleet, and nothing grows with it).
#
# Those are the guest's CPUs, and each is a thread of qemu on the host.
# Three of them on a host of two cores share the cores as the host
# scheduler pleases: the CA's CPU then waits for a core while the APs'
# key work runs on it, the very competition the goal rules out, and what
# it waits shows in the wall time, not in the CA's CPU time.  So the
# bench pins the threads on the host: the CA's CPU alone on host CPU 1;
# lscd's CPU, qemu's own threads and, at nice 19, the APs' CPU on host
# CPU 0, where the APs take what lscd leaves, as APs with CPUs of their
# own would never delay it.  BENCH_FLEET_PIN=0 leaves the threads to the
# host scheduler.
#
# Prints numbers and never fails on them; exit status 1 when the set-up
# fails or an AP ends without its LSC.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. scripts/fleet.bash
. tests/bench/pin.bash

sizes=${BENCH_FLEET:-100 500}
max=0
for n in $sizes; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "fleet: BENCH_FLEET must list positive integers" >&2; exit 2; }
	[ "$n" -le "$max" ] || max=$n
done
make -s || exit 1
fleet_fixtures "$max" || exit 1

# Without slub_debug: the allocator as a production kernel runs it.
VM_SLUB_DEBUG= VM_TIMEOUT=${VM_TIMEOUT:-3600} VM_CPUS=${VM_CPUS:-3} tests/vm/run -- \
	env BENCH_FLEET="$sizes" bash tests/bench/fleet-guest.sh &
vm=$!
if [ "${BENCH_FLEET_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ] && [ "${VM_CPUS:-3}" -ge 3 ]; then
	bench_pin_vcpus "$vm" "${VM_CPUS:-3}" || true
fi
wait "$vm"
