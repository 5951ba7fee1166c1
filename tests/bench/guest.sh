# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/bench/run (runs inside the VM).

set -u
tools=build/tools
runs=${BENCH_RUNS:-5}
secs=${BENCH_SECONDS:-3}
naps=${BENCH_APS:-10000}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

modprobe capwap_lsc || exit 1
$tools/capwap_udp_responder 15246 > /tmp/responder.log 2>&1 &
responder=$!
for i in $(seq 50); do grep -q ready /tmp/responder.log && break; sleep 0.1; done

echo "# control messages per second, median of $runs runs of ${secs}s, 4 APs x 32 in flight"
for kind in echo discovery; do
	k=$(for r in $(seq "$runs"); do
		$tools/capwap_load 5246 $kind "$secs" | awk '/^rate/ { print $2 }'
	done | median)
	u=$(for r in $(seq "$runs"); do
		$tools/capwap_load 15246 $kind "$secs" | awk '/^rate/ { print $2 }'
	done | median)
	ratio=$(awk -v k="$k" -v u="$u" 'BEGIN { if (u > 0) printf "%.2f", k / u; else print "n/a" }')
	printf '%-10s kernel %8s/s  userspace %8s/s  kernel/userspace %s\n' \
		"$kind" "$k" "$u" "$ratio"
done
kill "$responder"
modprobe -r capwap_lsc

# Bytes in slab objects: as allocated (with the VM's slub_debug red zones
# and tracking) and at their plain object size (what a production kernel
# spends).  Merged caches appear once: only real directories count.
slab_bytes() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for d in /sys/kernel/slab/*; do
		[ -L "$d" ] && continue
		echo "$(cut -d' ' -f1 "$d/objects") $(cat "$d/object_size") $(cat "$d/slab_size")"
	done | awk '{ plain += $1 * $2; real += $1 * $3 } END { print plain, real }'
}

modprobe capwap_lsc
read -r plain0 real0 < <(slab_bytes)
$tools/capwap_peer mkaps "$naps" | grep -v '^ok'
for i in $(seq 600); do
	[ "$(ls /sys/kernel/capwap_lsc/aps | wc -l)" -ge "$naps" ] &&
		[ "$(grep -c ' capwap_ls ' /proc/keys)" -ge "$naps" ] && break
	sleep 0.5
done
read -r plain1 real1 < <(slab_bytes)
awk -v n="$naps" -v p=$((plain1 - plain0)) -v r=$((real1 - real0)) 'BEGIN {
	printf "memory per AP at %d APs (record, key, sysfs directory): %.0f bytes (%.2f KiB) at object size, %.0f bytes with slub_debug overhead\n",
		n, p / n, p / n / 1024, r / n
}'
modprobe -r capwap_lsc
