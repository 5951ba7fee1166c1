#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the DTLS figures of the control channel, in one VM boot
# (tests/bench/dtls-guest.sh):
#  (1) Echo round trips per busy CPU-second under DTLS: the module (keys
#      handed over by the real lscd, Echo answered by the fast path and
#      the record layer) against dtls_udp_responder (OpenSSL, one SSL per
#      AP, recvmmsg/sendmmsg, the same wire code); goal >= 2x;
#  (2) handshakes per busy CPU-second of the controller with RSA-2048 and
#      with P-256 AP certificates: the module's relay and the real lscd
#      against lscd's engine on its own UDP socket; goal >= 0.8x;
#  (3) kernel memory per AP in Run over DTLS (AP record, session, both
#      AEAD transforms, the identity), with the largest slab caches;
#      goal <= 2.5 KiB.
# The guest has two CPUs (VM_CPUS is not taken): the load
# (tests/tools/dtls_load) runs on CPU 0, the side measured on CPU 1, and
# on the host the guest's CPU 1 is pinned on a core that no other thread
# of qemu's shares (tests/bench/pin.bash; BENCH_DTLS_PIN=0 leaves it to
# the host scheduler).  Medians of BENCH_RUNS runs (default 5), ratios
# of figures measured in the same boot, runs of both sides alternating.
# It prints numbers and never fails on them.
#
# BENCH_SECONDS (default 3) per Echo run, BENCH_DTLS_APS (default 16)
# Echo APs, BENCH_HS_SECONDS (default 10) per handshake run,
# BENCH_HS_CONCURRENT (default 4) handshakes at a time,
# BENCH_DTLS_MEM_APS (default 500) APs weighed.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/bench/pin.bash

make -s module build/lscd build/tools/dtls_load build/tools/dtls_udp_responder
tests/bench/dtls-fixtures.sh build/fixtures/dtls-bench
# Without slub_debug: the allocator as a production kernel runs it.
VM_SLUB_DEBUG= VM_TIMEOUT=${VM_TIMEOUT:-3600} VM_CPUS=2 tests/vm/run -- env \
	BENCH_RUNS="${BENCH_RUNS:-5}" BENCH_SECONDS="${BENCH_SECONDS:-3}" \
	BENCH_DTLS_APS="${BENCH_DTLS_APS:-16}" BENCH_HS_SECONDS="${BENCH_HS_SECONDS:-10}" \
	BENCH_HS_CONCURRENT="${BENCH_HS_CONCURRENT:-4}" \
	BENCH_DTLS_MEM_APS="${BENCH_DTLS_MEM_APS:-500}" \
	bash tests/bench/dtls-guest.sh &
vm=$!
if [ "${BENCH_DTLS_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ]; then
	bench_pin_vcpus "$vm" 2 || true
fi
wait "$vm"
