#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the VM of tests/bench/lscd-cpu.sh: see there.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# lab_modprobe: the simulated APs here speak clear-text CAPWAP; the
# measure is lscd's SCEP work per AP, not the handshake.
. tests/lib.sh

aps=${BENCH_LSCD_APS:-30}
rounds=${BENCH_LSCD_ROUNDS:-3}
fx=build/fixtures/demo
tck=$(getconf CLK_TCK)
work=$(mktemp -d)
pids=()
on0=() on1=()
if [ "$(nproc)" -ge 2 ]; then
	on0=(taskset -c 0)
	on1=(taskset -c 1)
fi
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	modprobe -r capwap_lsc 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
sticks() { awk '{ print $15 }' "/proc/$1/stat"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

cp -r "$fx/ca" "$work/ca"
"${on1[@]}" scepserver -depot "$work/ca" -port 8080 -allowrenew 0 >"$work/ca.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	curl -sf 'http://127.0.0.1:8080/scep?operation=GetCACaps' >/dev/null && break
	sleep 0.2
done

: >"$work/per_ap" ; : >"$work/rsa" ; : >"$work/ratio"
for r in $(seq "$rounds"); do
	lab_modprobe
	build/lscctl config subject C=CN ST=BJ L=BJ O=Example OU=Wireless >/dev/null
	build/lscctl config key rsa 2048 >/dev/null
	build/lscctl config provision all >/dev/null
	build/lscctl config lsc enable >/dev/null
	st=$work/state$r
	mkdir -m 0700 "$st"
	install -m 0600 "$fx/controller.key" "$st/controller.key"
	"${on0[@]}" build/lscd --foreground --config /dev/null --state-dir "$st" \
		--url http://127.0.0.1:8080/scep --set controller_cn=wlc-bench \
		--set subject_org=Example >"$work/lscd$r.log" 2>&1 &
	lscd=$!
	for _ in $(seq 600); do
		[ -s "$st/controller.crt" ] && break
		sleep 0.2
	done
	# The baseline signs on lscd's CPU in the time lscd leaves idle.
	"${on0[@]}" build/tools/rsa_baseline "$fx/controller.key" >"$work/rsa$r" 2>&1 &
	base=$!
	pids+=("$base")
	for _ in $(seq 100); do
		grep -q ready "$work/rsa$r" && break
		sleep 0.1
	done
	t0=$(ticks "$lscd")
	s0=$(sticks "$lscd")
	"${on1[@]}" build/lsc-wtp --ac 127.0.0.1:5246 --count "$aps" --keys-from "$fx/keys" \
		--state-dir "$work/aps$r" --timeout 900 --json </dev/null >"$work/fleet$r.json" 2>/dev/null
	rc=$?
	t1=$(ticks "$lscd")
	s1=$(sticks "$lscd")
	kill "$base"
	wait "$base" 2>/dev/null
	kill "$lscd"
	wait "$lscd" 2>/dev/null
	modprobe -r capwap_lsc
	got=$(grep -o '"lsc": *[0-9]*' "$work/fleet$r.json" | grep -o '[0-9]*$')
	if [ "$rc" != 0 ] || [ "${got:-0}" != "$aps" ]; then
		echo "round $r: the fleet did not finish (exit $rc, ${got:-0} of $aps LSCs): $(tail -n 3 "$work/lscd$r.log")"
		continue
	fi
	# One private-key operation in CPU time, over the same seconds.
	op=$(awk '/^ops / && $2 > 0 { print $6 / 1000 }' "$work/rsa$r")
	if [ -z "$op" ]; then
		echo "round $r: the RSA baseline did not run: $(tail -n 2 "$work/rsa$r")"
		continue
	fi
	per_ap=$(awk -v t=$((t1 - t0)) -v hz="$tck" -v n="$aps" 'BEGIN { print t * 1000 / hz / n }')
	sys_ap=$(awk -v t=$((s1 - s0)) -v hz="$tck" -v n="$aps" 'BEGIN { print t * 1000 / hz / n }')
	echo "$per_ap" >>"$work/per_ap"
	echo "$op" >>"$work/rsa"
	awk -v a="$per_ap" -v o="$op" 'BEGIN { print a / (2 * o) }' >>"$work/ratio"
	printf 'round %d: %d APs, lscd %.1f ms CPU per AP (%.1f ms of it in the kernel), RSA-2048 private op %.2f ms CPU (%s signatures), ratio %.2f\n' \
		"$r" "$aps" "$per_ap" "$sys_ap" "$op" "$(awk '/^ops / { print $2 }' "$work/rsa$r")" \
		"$(tail -n 1 "$work/ratio")"
done
[ -s "$work/ratio" ] || { echo "lscd-cpu: no round finished"; exit 1; }
printf 'lscd CPU per AP enrollment: median %.1f ms; RSA-2048 private-key op: median %.2f ms\n' \
	"$(median <"$work/per_ap")" "$(median <"$work/rsa")"
printf 'lscd CPU per AP / two RSA-2048 private-key ops: median %.2f (goal <= 1.5), %d rounds\n' \
	"$(median <"$work/ratio")" "$(wc -l <"$work/ratio")"

# The same ratio in instructions, which no neighbour's load moves: one more
# round with lscd under callgrind, counted from the controller's LSC until
# BENCH_LSCD_CG_APS (default 10) APs hold theirs, against the instructions
# spent inside its RSA-2048 private-key operations (RSA_private_encrypt
# signs the PKCSReq, RSA_private_decrypt opens the CertRep: two per AP).
# User space only: the kernel's share shows in the rounds above.
cg_aps=${BENCH_LSCD_CG_APS:-10}
if [ "$cg_aps" = 0 ]; then
	exit 0
fi
if ! command -v valgrind >/dev/null || ! command -v callgrind_control >/dev/null; then
	echo "lscd instructions per AP: not measured (valgrind is not installed)"
	exit 0
fi
lab_modprobe
build/lscctl config subject C=CN ST=BJ L=BJ O=Example OU=Wireless >/dev/null
build/lscctl config key rsa 2048 >/dev/null
build/lscctl config provision all >/dev/null
build/lscctl config lsc enable >/dev/null
st=$work/state-cg
mkdir -m 0700 "$st"
install -m 0600 "$fx/controller.key" "$st/controller.key"
"${on0[@]}" valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
	build/lscd --foreground --config /dev/null --state-dir "$st" \
	--url http://127.0.0.1:8080/scep --set controller_cn=wlc-bench \
	--set subject_org=Example >"$work/lscd-cg.log" 2>&1 &
lscd=$!
pids+=("$lscd")
for _ in $(seq 1200); do
	[ -s "$st/controller.crt" ] && break
	sleep 0.5
done
callgrind_control -z "$lscd" >/dev/null 2>&1
"${on1[@]}" build/lsc-wtp --ac 127.0.0.1:5246 --count "$cg_aps" --keys-from "$fx/keys" \
	--state-dir "$work/aps-cg" --timeout 1800 --json </dev/null >"$work/fleet-cg.json" 2>/dev/null
rc=$?
callgrind_control -d "$lscd" >/dev/null 2>&1
for _ in $(seq 100); do
	[ -s "$work/cg.out.1" ] && break
	sleep 0.2
done
kill "$lscd"
wait "$lscd" 2>/dev/null
modprobe -r capwap_lsc
got=$(grep -o '"lsc": *[0-9]*' "$work/fleet-cg.json" | grep -o '[0-9]*$')
if [ "$rc" != 0 ] || [ "${got:-0}" != "$cg_aps" ] || [ ! -s "$work/cg.out.1" ]; then
	echo "lscd instructions per AP: the callgrind round did not finish (exit $rc, ${got:-0} of $cg_aps LSCs)"
	exit 1
fi
callgrind_annotate --inclusive=yes "$work/cg.out.1" 2>/dev/null | awk -v n="$cg_aps" '
	/PROGRAM TOTALS/ { gsub(",", "", $1); all = $1 }
	/:RSA_private_(en|de)crypt / { gsub(",", "", $1); rsa += $1 }
	END {
		if (!all || !rsa) { print "lscd instructions per AP: no RSA operation counted"; exit 1 }
		printf "lscd instructions per AP (callgrind, %d APs): %.2f M, in its two RSA-2048 private-key ops %.2f M: ratio %.2f (goal <= 1.5)\n",
			n, all / n / 1e6, rsa / n / 1e6, all / rsa
	}'
