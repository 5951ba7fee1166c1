# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the benches that measure one guest CPU against another: the
# guest's CPUs are threads of qemu on a host of two cores, which the host
# scheduler would otherwise move and share as it pleases, so that the
# measured CPU waits for a core while another vCPU or qemu's own I/O
# thread runs on it.  That wait shows in the guest as busy time of the
# measured CPU, which is what the benches divide by.

# bench_pin_vcpus VM_RUN_PID CPUS: once the qemu that tests/vm/run
# VM_RUN_PID starts has made its CPUS vCPUs, pins "CPU 1/TCG" on host
# CPU 1 and every other thread of qemu's on host CPU 0; "CPU 2/TCG" and
# up at nice 19 there, taking only what CPU 0 leaves.  Says what it did,
# or why it did not pin; returns 1 then.
bench_pin_vcpus() {
	local p c q= t tid i name bad=0 last="CPU $(($2 - 1))/TCG"

	for ((i = 0; i < 600 && !q; i++)); do
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
		for p in $(pgrep -P "$1"); do
			for c in $(pgrep -P "$p"); do
				[[ $(cat "/proc/$c/comm" 2>/dev/null) == qemu-system* ]] && q=$c
			done
		done
	done
	[ -n "$q" ] || { echo "# bench: qemu not found: its CPUs are not pinned" >&2; return 1; }
	for ((i = 0; i < 600; i++)); do
		grep -qx "$last" /proc/"$q"/task/*/comm 2>/dev/null && break
		kill -0 "$q" 2>/dev/null || return 1
		sleep 0.1
	done
	for t in /proc/"$q"/task/*; do
		tid=${t##*/}
		name=$(cat "$t/comm" 2>/dev/null) || continue
		case $name in
		"CPU 1/TCG")
			taskset -pc 1 "$tid" >/dev/null || bad=1 ;;
		"CPU 0/TCG")
			taskset -pc 0 "$tid" >/dev/null || bad=1 ;;
		"CPU "*"/TCG")
			{ taskset -pc 0 "$tid" && renice -n 19 -p "$tid"; } >/dev/null || bad=1 ;;
		*)
			taskset -pc 0 "$tid" >/dev/null || bad=1 ;;
		esac
	done
	if [ "$bad" != 0 ] || ! grep -qx "$last" /proc/"$q"/task/*/comm 2>/dev/null; then
		echo "# bench: the guest's CPUs are not all pinned (taskset failed, or qemu never made $last): the figures carry the host scheduler's moves" >&2
		return 1
	fi
	echo "# host: the guest's CPU 1 pinned on host CPU 1, where no other thread of qemu's runs; its CPU 0$( (($2 >= 3)) && printf ', (nice 19) its CPUs 2 and up') and qemu's own threads on host CPU 0"
}
