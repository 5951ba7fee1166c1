# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/bench/fleet.sh (runs inside the VM).

set -uo pipefail
. scripts/fleet.bash

tck=$(getconf CLK_TCK)
status=0

# ticks PID: utime+stime of PID.
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

json() { tr -d ' \n' <"$1" | sed -n "s/.*\"$2\":\([0-9.a-z]*\).*/\1/p"; }

# run N: one fleet of N APs against a fresh controller and CA.
run() {
	local n=$1 ca0 ca1 l0 l1 all wall
	fleet_work=$(mktemp -d)
	cp -r "$fleet_fx/ca" "$fleet_work/ca"
	ca_start "$fleet_work/ca" taskset -c 1 || { echo "fleet $n: scepserver did not start"; return 1; }
	# The lab mode: the goal compares provisioning with the CA's CPU time.
	lab_modprobe && lsc_configure >/dev/null || { echo "fleet $n: module set-up failed"; return 1; }
	lscd_start taskset -c 0 || { echo "fleet $n: lscd did not start"; return 1; }
	# The controller's own enrollment is not the fleet's.
	wait_until 300 grep -q "controller: LSC installed" "$fleet_work/lscd.log" ||
		{ echo "fleet $n: the controller got no LSC: $(tail -n 3 "$fleet_work/lscd.log")"; return 1; }
	fleet_argv "$n" --json --timeout 3000
	ca0=$(ticks "$ca_pid")
	l0=$(ticks "$lscd_pid")
	"${aps_on[@]}" "${fleet_cmd[@]}" >"$fleet_work/fleet.json" \
		2>"$fleet_work/fleet.log" </dev/null
	ca1=$(ticks "$ca_pid")
	l1=$(ticks "$lscd_pid")
	all=$(json "$fleet_work/fleet.json" lsc_achieved)
	wall=$(json "$fleet_work/fleet.json" time_to_all_lsc_s)
	if [ "$all" != "$n" ] || [ "$wall" = null ] || [ -z "$wall" ]; then
		echo "fleet $n: only ${all:-?} of $n APs hold an LSC: $(tail -n 3 "$fleet_work/fleet.log" | tr '\n' ' ')"
		status=1
	else
		awk -v n="$n" -v w="$wall" -v ca=$((ca1 - ca0)) -v l=$((l1 - l0)) -v t="$tck" 'BEGIN {
			c = ca / t; d = l / t
			printf "fleet %4d APs: provisioning %7.2f s wall, CA CPU %7.2f s (%5.1f ms/AP), lscd CPU %7.2f s (%5.1f ms/AP): wall / CA CPU = %.2f\n",
				n, w, c, c * 1000 / n, d, d * 1000 / n, (c > 0 ? w / c : 0)
		}' | tee -a /tmp/fleet-results
	fi
	lscd_kill TERM
	ca_stop
	modprobe -r capwap_lsc
	rm -rf "$fleet_work"
}

# Real APs make their keys and requests on their own CPUs: the simulator
# gets CPU 2.  With two CPUs it shares CPU 0 at nice 19, taking only what
# lscd leaves, and the CA idles whenever lscd and the APs' key work
# together need more of CPU 0 than the CA needs of CPU 1.
if [ "$(nproc)" -ge 3 ]; then
	aps_on=(taskset -c 2)
	where="the APs (lsc-wtp) on CPU 2"
else
	aps_on=(taskset -c 0 nice -n 19)
	where="at nice 19, the APs (lsc-wtp) on CPU 0"
fi
trap fleet_cleanup EXIT
: >/tmp/fleet-results
echo "# the fleet against the CA: CA (scepserver) alone on CPU 1; lscd and the kernel on CPU 0;"
echo "# $where.  Wall: from the storm's start until every AP holds an LSC."
for n in $BENCH_FLEET; do
	run "$n" || status=1
done
awk '{ for (i = 1; i <= NF; i++) if ($i == "=") r[NR] = $(i + 1); n[NR] = $2 }
	END {
		if (NR < 1) exit
		s = ""
		for (k = 1; k <= NR; k++) s = s sprintf("%s%d APs %.2f", k > 1 ? ", " : "", n[k], r[k])
		m = 1
		for (k = 1; k <= NR; k++) if (r[k] > 1.1) m = 0
		printf "fleet wall / CA CPU: %s (goal <= 1.1 at every size: %s)\n", s, m ? "met" : "NOT met"
		if (NR > 1 && r[1] > 0)
			printf "fleet wall / CA CPU at %d APs over %d APs: %.2f (goal: the same, 1.00)\n", n[NR], n[1], r[NR] / r[1]
	}' /tmp/fleet-results
exit $status
