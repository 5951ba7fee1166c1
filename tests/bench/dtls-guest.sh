# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/bench/dtls.sh (runs inside the VM): see there.

set -u
. tests/lib.sh
tools=build/tools
fx=$(pwd)/build/fixtures/dtls-bench
runs=${BENCH_RUNS:-5}
secs=${BENCH_SECONDS:-3}
naps=${BENCH_DTLS_APS:-16}
hs_secs=${BENCH_HS_SECONDS:-10}
conc=${BENCH_HS_CONCURRENT:-4}
nmem=${BENCH_DTLS_MEM_APS:-500}
sys=/sys/kernel/capwap_lsc
work=$(mktemp -d)
pids=()
lscd_pid=

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

cleanup() {
	local p
	for p in "${pids[@]}" $lscd_pid; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	modprobe -r capwap_lsc 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# The real lscd, its relay role on CPU 1 with the kernel's receive path:
# the manufacturer CA of the fixtures judges the APs' MICs, and it
# answers with the fixtures' controller certificate.  No CA URL: it
# enrolls nothing here.
lscd_up() {
	mkdir -p -m 0700 "$work/state"
	install -m 0600 "$fx/ap-rsa.key" "$work/state/controller.key"
	taskset -c 1 build/lscd --foreground --config /dev/null --state-dir "$work/state" \
		--set controller_cn=wlc-bench --set mic_ca_file="$fx/ca.pem" \
		--set dtls_cert_file="$fx/ctl.pem" --set dtls_key_file="$fx/ctl.key" \
		>>"$work/lscd.log" 2>&1 &
	lscd_pid=$!
	wait_until 120 grep -q "DTLS: joined the dtls group" "$work/lscd.log" || {
		echo "dtls bench: lscd did not join the dtls group: $(tail -n 3 "$work/lscd.log")"
		return 1
	}
}

lscd_down() {
	[ -n "$lscd_pid" ] && kill "$lscd_pid" 2>/dev/null && wait "$lscd_pid" 2>/dev/null
	lscd_pid=
}

# responder MODE PORT: dtls_udp_responder on CPU 1.
responder() {
	taskset -c 1 $tools/dtls_udp_responder "$1" "$2" "$fx" >"$work/resp-$1.log" 2>&1 &
	pids+=($!)
	wait_until 30 grep -q ready "$work/resp-$1.log"
}

# field NAME: NAME's value in dtls_load's output on stdin.
field() { awk -v k="$1" '$1 == k { print $2 }'; }

# echo_run PORT: "rate capacity busy" as tests/bench/guest.sh measures
# them: answers per second, answers per busy second of CPU 1, CPU 1's
# busy share in percent.
echo_run() {
	local out
	out=$(BENCH_BUSY_CPU=1 taskset -c 0 $tools/dtls_load run "$1" "$naps" "$secs" "$fx" ec 2>&1)
	awk -v s="$secs" '$1 == "rate" { r = $2 } $1 == "answers" { a = $2 }
		$1 == "busy_ticks" { t = $2 }
		END { printf "%d %d %d\n", r, (t > 0 ? a * 100 / t : 0), t / s }' <<<"$out"
	[ "$(field run <<<"$out")" = "$naps" ] ||
		echo "# dtls_load run $1: $(tr '\n' ' ' <<<"$out")" >&2
}

# ticks PID: utime + stime of PID.
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# hs_run PORT TYPE PID: "rate per-CPU-second busy failed pid-ms", the
# last PID's own CPU per handshake in ms (lscd, or the responder).
hs_run() {
	local out p0 p1
	p0=$(ticks "$3")
	out=$(BENCH_BUSY_CPU=1 taskset -c 0 $tools/dtls_load handshakes "$1" "$hs_secs" "$fx" "$2" "$conc" 2>&1)
	p1=$(ticks "$3")
	awk -v s="$hs_secs" -v p=$((p1 - p0)) '$1 == "rate" { r = $2 } $1 == "handshakes" { h = $2 }
		$1 == "failed" { f = $2 } $1 == "busy_ticks" { t = $2 }
		END { printf "%.1f %.1f %d %d %.2f\n", r, (t > 0 ? h * 100 / t : 0), t / s, f,
			(h > 0 ? p * 10 / h : 0) }' <<<"$out"
}

# report WHAT FILE_KERNEL FILE_USER: medians and their ratio.
report() {
	local kt kc kb ut uc ub
	kt=$(cut -d' ' -f1 "$2" | median); kc=$(cut -d' ' -f2 "$2" | median)
	kb=$(cut -d' ' -f3 "$2" | median)
	ut=$(cut -d' ' -f1 "$3" | median); uc=$(cut -d' ' -f2 "$3" | median)
	ub=$(cut -d' ' -f3 "$3" | median)
	printf '%-14s kernel %8s/s (%8s per CPU-second, CPU 1 %3s%% busy)  userspace %8s/s (%8s per CPU-second, CPU 1 %3s%% busy)\n' \
		"$1" "$kt" "$kc" "$kb" "$ut" "$uc" "$ub"
	awk -v k="$kc" -v u="$uc" -v n="$1" -v g="$4" 'BEGIN {
		if (u > 0) printf "%-14s kernel/userspace per CPU-second: %.2f (median of %d runs; goal %s)\n", n, k / u, ENVIRON["runs"], g
		else printf "%-14s could not be measured: the userspace side made no progress\n", n }'
}
export runs

# What udev loads on hardware with AES-NI and PCLMULQDQ (nothing does in
# the VM), so that the kernel's "gcm(aes)" is built as in production.
modprobe aesni_intel 2>/dev/null
modprobe ghash_clmulni_intel 2>/dev/null
# Relay limits off: the bench weighs what the controller can do, not the
# per-source policy that guards it.  Echo timers long: the memory
# measure's first APs must still be in Run when its last one joins.
modprobe capwap_lsc dtls_relay_rate=0 dtls_relay_total_rate=0 join_rate=0 \
	echo_interval=255 dead_echoes=10 || exit 1
[ "$(cat $sys/dtls_mode)" = required ] || { echo "dtls bench: the module is not in dtls required"; exit 1; }
# As tests/bench/guest.sh: received packets steered to CPU 1 (RPS), so
# that the kernel's receive path, relay and record layer run there and
# not in the load generator's system calls on CPU 0.
echo 2 > /sys/class/net/lo/queues/rx-0/rps_cpus
lscd_up || exit 1
responder echo 15246 || { echo "dtls bench: the echo responder did not start"; exit 1; }
responder handshakes 15247 || { echo "dtls bench: the handshake responder did not start"; exit 1; }
hs_pid=${pids[-1]}

echo "# (1) Echo under DTLS, $naps APs x 16 sealed Echo Requests in flight, ${secs}s per run, $runs runs;"
echo "# the APs (dtls_load) on CPU 0; kernel (fast path and record layer, softirq) or"
echo "# dtls_udp_responder (OpenSSL, one SSL per AP) on CPU 1.  The kernel's APs shake hands"
echo "# with the real lscd through the relay and reach Run first, unmeasured.  'per CPU-second'"
echo "# divides the answers by CPU 1's busy time (user+nice+system+irq+softirq+steal,"
echo "# /proc/stat) over the Echo phase alone.  Kernel and userspace runs alternate."
: >"$work/ek"; : >"$work/eu"
for r in $(seq "$runs"); do
	echo_run 5246 >>"$work/ek"
	echo_run 15246 >>"$work/eu"
done
report "echo-dtls" "$work/ek" "$work/eu" ">= 2"

echo "# (2) handshakes at the controller, $conc at a time for ${hs_secs}s per run, $runs runs, each"
echo "# from a new port with its own MIC (dtls_load on CPU 0).  Kernel: the module relays to"
echo "# the real lscd, both on CPU 1.  Userspace: lscd's engine (dtls_engine.c, linked into"
echo "# dtls_udp_responder) on its own socket on CPU 1, no relay.  'per CPU-second' divides"
echo "# completed handshakes by CPU 1's busy time: lscd's (or the responder's) CPU plus the"
echo "# kernel's relay, whoever sets the pace."
for t in rsa ec; do
	: >"$work/hk"; : >"$work/hu"
	for r in $(seq "$runs"); do
		hs_run 5246 "$t" "$lscd_pid" >>"$work/hk"
		hs_run 15247 "$t" "$hs_pid" >>"$work/hu"
	done
	fk=$(awk '{ s += $4 } END { print s + 0 }' "$work/hk")
	fu=$(awk '{ s += $4 } END { print s + 0 }' "$work/hu")
	name=handshake-rsa2048
	[ "$t" = ec ] && name=handshake-p256
	report "$name" "$work/hk" "$work/hu" ">= 0.8"
	awk -v n="$name" -v k="$(cut -d' ' -f2 "$work/hk" | median)" \
		-v lk="$(cut -d' ' -f5 "$work/hk" | median)" \
		-v u="$(cut -d' ' -f2 "$work/hu" | median)" \
		-v lu="$(cut -d' ' -f5 "$work/hu" | median)" 'BEGIN {
		if (k > 0 && u > 0)
			printf "# %s: CPU 1 per handshake %.1f ms (kernel relay) vs %.1f ms (userspace); of it lscd'"'"'s own %.1f ms, the responder'"'"'s %.1f ms\n", n, 1000 / k, 1000 / u, lk, lu }'
	echo "# $name: failed handshakes over all runs: kernel relay $fk, userspace $fu"
done
kill "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
pids=()
grep -i "DTLS:.*\(refus\|fail\)" "$work/lscd.log" | tail -n 3 | sed 's/^/# lscd: /'

# (3) Memory.  As tests/bench/guest.sh weighs it: slab bytes at object size.
slab_list() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	local d o sz
	# Builtins only: a fork per cache takes seconds in the VM.
	for d in /sys/kernel/slab/*; do
		[ -L "$d" ] && continue
		read -r o _ <"$d/objects"
		read -r sz <"$d/object_size"
		echo "${d##*/} $o $sz"
	done | sort
}
lscd_down
modprobe -r capwap_lsc
modprobe capwap_lsc dtls_relay_rate=0 dtls_relay_total_rate=0 join_rate=0 \
	echo_interval=255 dead_echoes=10 || exit 1
lscd_up || exit 1
slab_list >"$work/slab0"
out=$(taskset -c 0 $tools/dtls_load run 5246 "$nmem" 0 "$fx" ec 2>&1)
inrun=$(field run <<<"$out")
# The generator's sockets are freed after it exits, some after an RCU
# grace period: they are not the APs'.
socks() { read -r o _ </sys/kernel/slab/sock_inode_cache/objects; echo "$o"; }
s0=$(awk '$1 == "sock_inode_cache" { print $2 }' "$work/slab0")
wait_until 60 sh -c "[ \$(cut -d' ' -f1 /sys/kernel/slab/sock_inode_cache/objects) -le $((s0 + 8)) ]" ||
	echo "# the generator's sockets were not all freed: sock_inode_cache $s0 -> $(socks)"
slab_list >"$work/slab1"
if [ "${inrun:-0}" != "$nmem" ]; then
	echo "kernel memory per AP in Run over DTLS: could not be measured: $(tr '\n' ' ' <<<"$out")"
	exit 1
fi
join "$work/slab0" "$work/slab1" | awk -v n="$nmem" -v aps="$(ls $sys/aps | wc -l)" '
	{ d += ($4 - $2) * $3 }
	END { printf "(3) kernel memory per AP in Run over DTLS at %d APs (%d AP records): %.0f bytes (%.2f KiB) at object size (goal <= 2.5 KiB)\n",
		n, aps, d / n, d / n / 1024 }'
echo "# largest per-AP shares (cache: objects added per AP x object size):"
join "$work/slab0" "$work/slab1" | awk -v n="$nmem" '{
	d = ($4 - $2) * $3 / n
	if (d >= 16)
		printf "#   %-24s %5.2f x %4d = %5.0f bytes\n", $1, ($4 - $2) / n, $3, d
}' | sort -t= -k2 -nr | head -n 12
echo "# the AEAD transforms behind a session, as the kernel chose them:"
awk '/^name/ { n = $3 } /^driver/ { d = $3 } /^type/ { if (n == "gcm(aes)" || n == "ghash") print "#   " n " -> " d " (" $3 ")" }' /proc/crypto | sort -u
grep -q "gcm_base(.*ghash-generic)" /proc/crypto &&
	echo "# a synchronous gcm(aes) takes ghash-generic, whose key is a 4 KiB table (gf128mul_init_4k_lle): one per transform, two per session (kmalloc-4k above)"
# What the kernel offers instead, weighed per transform (AF_ALG, no
# kernel code): the figures to read against kmalloc-4k above, not a
# change of the module's choice.
modprobe -r capwap_lsc
echo "# one keyed gcm(aes) transform, synchronous as the module takes it, and asynchronous:"
python3 tests/tools/aead_weigh.py 300 | sed 's/^\([^#]\)/#   \1/'
exit 0
