# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/bench/run (runs inside the VM).

set -u
# lab_cleartext: the responders compared here speak clear-text CAPWAP.
. tests/lib.sh
tools=build/tools
runs=${BENCH_RUNS:-5}
secs=${BENCH_SECONDS:-3}
naps=${BENCH_APS:-10000}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

lab_modprobe || exit 1
# Loopback would run the receiving softirq in the sender's system call,
# on the load generator's CPU, leaving the kernel responder one CPU
# while a userspace responder gets its own.  Steer received packets to
# CPU 1 (RPS), keep the load on CPU 0 and the userspace responder on
# CPU 1: each responder then has one CPU, the same one.
echo 2 > /sys/class/net/lo/queues/rx-0/rps_cpus
load="taskset -c 0 $tools/capwap_load"
taskset -c 1 $tools/capwap_udp_responder 15246 > /tmp/responder.log 2>&1 &
responder=$!
for i in $(seq 50); do grep -q ready /tmp/responder.log && break; sleep 0.1; done

# busy_ticks: CPU 1's non-idle time in USER_HZ ticks.
busy_ticks() {
	awk '/^cpu1 / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# measure PORT KIND: "throughput capacity busy", where capacity is answers
# per second of CPU 1 busy time (what one CPU sustains when the responder,
# softirq or process, is what saturates it) and busy CPU 1's busy share in
# percent: below 100 the load generator, not the responder, set the pace.
measure() {
	local b0 b1 out
	b0=$(busy_ticks)
	out=$($load "$1" "$2" "$secs")
	b1=$(busy_ticks)
	printf '%s\n' "$out" | awk -v t=$((b1 - b0)) -v s="$secs" '
		/^rate/ { r = $2 } /^answers/ { a = $2 }
		END { printf "%d %d %d\n", r, (t > 0 ? a * 100 / t : 0), t / s }'
}

echo "# control messages per second, median of $runs runs of ${secs}s, 4 APs x 32 in flight;"
echo "# load on CPU 0, responder (softirq or process) on CPU 1.  'per CPU-second' divides"
echo "# the answers by CPU 1's busy time: the responder's capacity on one CPU.  Kernel"
echo "# and userspace runs alternate, so a change in the host's load hits both alike."
for kind in echo discovery; do
	: > /tmp/k
	: > /tmp/u
	for r in $(seq "$runs"); do
		measure 5246 $kind >> /tmp/k
		measure 15246 $kind >> /tmp/u
	done
	kt=$(cut -d' ' -f1 /tmp/k | median); kc=$(cut -d' ' -f2 /tmp/k | median)
	ut=$(cut -d' ' -f1 /tmp/u | median); uc=$(cut -d' ' -f2 /tmp/u | median)
	kb=$(cut -d' ' -f3 /tmp/k | median); ub=$(cut -d' ' -f3 /tmp/u | median)
	printf '%-10s kernel %7s/s (%7s per CPU-second, CPU 1 %3s%% busy)  userspace %7s/s (%7s per CPU-second, CPU 1 %3s%% busy)\n' \
		"$kind" "$kt" "$kc" "$kb" "$ut" "$uc" "$ub"
	awk -v k="$kc" -v u="$uc" -v n="$kind" 'BEGIN {
		if (u > 0) printf "%-10s kernel/userspace %.2f\n", n, k / u }'
done
kill "$responder"
modprobe -r capwap_lsc

# Bytes in slab objects: as allocated (with the VM's slub_debug red zones
# and tracking) and at their plain object size (what a production kernel
# spends).  Merged caches appear once: only real directories count.
slab_list() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for d in /sys/kernel/slab/*; do
		[ -L "$d" ] && continue
		echo "${d##*/} $(cut -d' ' -f1 "$d/objects") $(cat "$d/object_size") $(cat "$d/slab_size")"
	done | sort
}
slab_bytes() {
	awk '{ plain += $2 * $3; real += $2 * $4 } END { print plain, real }' "$1"
}

# mem_per_ap MODPROBE_ARGS...: joins $naps APs and prints the slab growth.
mem_per_ap() {
	lab_modprobe "$@"
	slab_list > /tmp/slab0
	read -r plain0 real0 < <(slab_bytes /tmp/slab0)
	$tools/capwap_peer mkaps "$naps" | grep -v '^ok'
	for i in $(seq 600); do
		[ "$(cat /sys/kernel/capwap_lsc/ap_count)" -ge "$naps" ] &&
			[ "$(grep -c ' capwap_ls ' /proc/keys)" -ge "$naps" ] &&
			{ [ "$*" = ap_sysfs=0 ] ||
			  [ "$(ls /sys/kernel/capwap_lsc/aps | wc -l)" -ge "$naps" ]; } && break
		sleep 0.5
	done
	slab_list > /tmp/slab1
	read -r plain1 real1 < <(slab_bytes /tmp/slab1)
	awk -v n="$naps" -v p=$((plain1 - plain0)) -v r=$((real1 - real0)) -v how="$*" 'BEGIN {
		printf "memory per AP at %d APs (%s): %.0f bytes (%.2f KiB) at object size, %.0f bytes with slub_debug overhead\n",
			n, how, p / n, p / n / 1024, r / n
	}'
	echo "# largest per-AP shares (cache: objects added per AP x object size):"
	join /tmp/slab0 /tmp/slab1 | awk -v n="$naps" '{
		d = ($5 - $2) * $3 / n
		if (d >= 16)
			printf "#   %-24s %5.2f x %4d = %5.0f bytes\n", $1, ($5 - $2) / n, $3, d
	}' | sort -t= -k2 -nr | head -n 8
	modprobe -r capwap_lsc
}

mem_per_ap ap_sysfs=1
mem_per_ap ap_sysfs=0

# A DTLS session's share alone: the association lscd hands over for an AP
# (the key block's two AES-GCM transforms, the replay state and the
# identity shown to the operator), $ndtls of them, at object size, with no
# AP record behind them (no Join is sent).  What an AP in Run over DTLS
# costs in all, record and session, is weighed by tests/bench/dtls.sh.
# WaitJoin at its longest: these associations never join, and must not
# be ended before they are weighed.
ndtls=${BENCH_DTLS_SESSIONS:-2000}
modprobe capwap_lsc wait_join_s=3600
build/lscctl config dtls on >/dev/null
slab_list > /tmp/slab0
read -r plain0 real0 < <(slab_bytes /tmp/slab0)
$tools/dtls_relay_peer sessions "$ndtls"
slab_list > /tmp/slab1
read -r plain1 real1 < <(slab_bytes /tmp/slab1)
awk -v n="$ndtls" -v p=$((plain1 - plain0)) 'BEGIN {
	printf "memory per DTLS session at %d sessions (no AP record): %.0f bytes (%.2f KiB) at object size\n", n, p / n, p / n / 1024
}'
echo "# largest per-session shares (cache: objects added per session x object size):"
join /tmp/slab0 /tmp/slab1 | awk -v n="$ndtls" '{
	d = ($5 - $2) * $3 / n
	if (d >= 16)
		printf "#   %-24s %5.2f x %4d = %5.0f bytes\n", $1, ($5 - $2) / n, $3, d
}' | sort -t= -k2 -nr | head -n 8
modprobe -r capwap_lsc
