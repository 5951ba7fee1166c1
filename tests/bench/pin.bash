# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the benches that measure one guest CPU against another: the
# guest's CPUs are threads of qemu on a host of two cores, which the host
# scheduler would otherwise move and share as it pleases, so that the
# measured CPU waits for a core while another vCPU or qemu's own I/O
# thread runs on it.  That wait shows in the guest as busy time of the
# measured CPU, which is what the benches divide by.

# bench_pin_vcpus VM_RUN_PID CPUS: once the qemu that tests/vm/run
# VM_RUN_PID starts has made its CPUS vCPUs, pins "CPU 1/TCG" alone on
# host CPU 1 and every other thread of qemu on host CPU 0; with three
# vCPUs, "CPU 2/TCG" at nice 19 there, taking only what CPU 0 leaves.
# Says so, or says why it could not.
bench_pin_vcpus() {
	local p c q= t tid i last="CPU $(($2 - 1))/TCG"

	for ((i = 0; i < 600 && !q; i++)); do
		sleep 0.1
		for p in $(pgrep -P "$1"); do
			for c in $(pgrep -P "$p"); do
				[[ $(cat "/proc/$c/comm" 2>/dev/null) == qemu-system* ]] && q=$c
			done
		done
	done
	[ -n "$q" ] || { echo "# bench: qemu not found: its CPUs are not pinned" >&2; return 0; }
	for ((i = 0; i < 600; i++)); do
		grep -qx "$last" /proc/"$q"/task/*/comm 2>/dev/null && break
		sleep 0.1
	done
	for t in /proc/"$q"/task/*; do
		tid=${t##*/}
		case $(cat "$t/comm" 2>/dev/null) in
		"CPU 1/TCG")
			taskset -pc 1 "$tid" >/dev/null ;;
		"CPU 2/TCG")
			taskset -pc 0 "$tid" >/dev/null
			renice -n 19 -p "$tid" >/dev/null ;;
		*)
			taskset -pc 0 "$tid" >/dev/null ;;
		esac
	done
	echo "# host: the guest's CPU 1 pinned alone on host CPU 1; its CPU 0$( (($2 >= 3)) && printf ', (nice 19) CPU 2') and qemu's own threads on host CPU 0"
}
