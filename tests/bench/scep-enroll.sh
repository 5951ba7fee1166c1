#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SCEP enrollment benchmark: the same N requests enrolled
# against Debian's scepserver (micromdm) by
#   - lscd enroll   (one process for all N requests, one kept-alive
#                    connection, concurrency 1),
#   - scepclient    (Debian package scep, one process per request),
#   - certmonger    (through getcert request -w, one getcert per request,
#                    on a private D-Bus session bus),
# each against a fresh copy of the same CA depot, so every client enrolls the
# same CNs under equal conditions.  Reported per client, medians of
# BENCH_REPEAT runs: wall time for all N, enrollments per second, client CPU
# per enrollment (user+system of every client process, including the
# helpers a daemon forks), and the CA's CPU per enrollment (utime+stime of
# scepserver from /proc/PID/stat).
#
#   network namespace (loopback only; scepserver binds every address)
#   +-------------------------------------------------------------------+
#   | lscd / scepclient / getcert+certmonger ---> :8080 scepserver       |
#   |   (certmonger also in a private mount namespace where           |
#   |    /etc/ssl/openssl.cnf is a copy with the legacy provider on)   |
#   +-------------------------------------------------------------------+
#
# Keys: BENCH_KEYS (default 4) RSA-2048 keys are made once and shared by the
# N requests (keygen is slow here); every request has its own CN.  lscd gets
# the pre-made PKCS#10 files; scepclient and certmonger build their own
# request from the same key and CN (neither takes a CSR file), which is part
# of their client cost.  lscd signs with a pre-made controller identity
# (--key/--cert), as scepclient and certmonger get pre-made keys.
#
# Work directory: a tmpfs (BENCH_DIR, default /dev/shm), so the numbers are
# CPU and protocol, not the disk.
# Cores: with two or more, the CA runs on CPU 1 and every client (and its
# daemons) on CPU 0, as when the CA is another machine; otherwise the
# scheduler tends to wake the CA on the core of the client that just
# wrote to it, and the two take turns on one core while the other idles
# (measured: 59 % against 78 % of the ceiling in the same minute).
# BENCH_PIN=0 leaves placement to the scheduler.
# Environment: BENCH_N (200), BENCH_REPEAT (3), BENCH_CA_BITS (2048, or
# 4096), BENCH_KEYS (4), BENCH_CLIENTS ("lscd scepclient certmonger").
# Needs root (namespaces, bind mount) and build/lscd; builds nothing.
# Prints numbers and never fails on them; exit status 1 only when the
# set-up fails or lscd could not enroll every request.

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=${BENCH_N:-200}
R=${BENCH_REPEAT:-3}
CA_BITS=${BENCH_CA_BITS:-2048}
NKEYS=${BENCH_KEYS:-4}
CLIENTS=${BENCH_CLIENTS:-lscd scepclient certmonger}
LSCD=$PWD/build/lscd
PORT=8080
URL=http://127.0.0.1:$PORT/scep
TCK=$(getconf CLK_TCK)
CA_ON=()
CLIENT_ON=()
if [ "${BENCH_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	CA_ON=(taskset -c 1)
	CLIENT_ON=(taskset -c 0)
fi

die() {
	echo "scep-enroll: $*" >&2
	exit 1
}

[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] || die "BENCH_N must be a positive integer"
[[ $R =~ ^[0-9]+$ ]] && [ "$R" -ge 1 ] || die "BENCH_REPEAT must be a positive integer"
[[ $NKEYS =~ ^[0-9]+$ ]] && [ "$NKEYS" -ge 1 ] || die "BENCH_KEYS must be a positive integer"
case $CA_BITS in 2048 | 4096) ;; *) die "BENCH_CA_BITS must be 2048 or 4096" ;; esac
[ -x "$LSCD" ] || die "build/lscd is missing: build it first (make build/lscd)"
[ "$(id -u)" = 0 ] || die "needs root (network and mount namespaces)"
for t in scepserver openssl curl unshare nsenter ip; do
	command -v "$t" >/dev/null || die "$t is missing (scepserver: apt-get install scep)"
done
[ "$N" -ge 200 ] || echo "note: BENCH_N=$N; the issue asks for N >= 200"

# tmpfs: the numbers are CPU and protocol, not the disk (lscd fsyncs every
# certificate it writes, the others do not).  Measured on these machines,
# one fsynced write-and-rename of a certificate (file, then directory)
# costs 0.03 ms on tmpfs, 3.2 ms wall and 0.34 ms CPU on ext4.
W=$(mktemp -d "${BENCH_DIR:-/dev/shm}/scep-bench.XXXXXX") || die "cannot make a work directory"
pids=()
CA_PID=
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	umount "$W/ns" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

touch "$W/ns"
unshare --net="$W/ns" true || die "cannot create a network namespace"
nsenter --net="$W/ns" ip link set lo up

# --- set-up: CA, keys, requests ------------------------------------------
echo "setting up: RSA-$CA_BITS CA, $NKEYS RSA-2048 keys, $N requests"
scepserver ca -init -keySize "$CA_BITS" -depot "$W/ca0" >"$W/ca-init.log" 2>&1 &
for ((k = 1; k <= NKEYS; k++)); do
	# PKCS#1 ("RSA PRIVATE KEY"): scepclient reads no other form.
	openssl genrsa 2048 2>/dev/null | openssl rsa -traditional -out "$W/k$k.pem" 2>/dev/null &
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/proxy.key" -out "$W/proxy.crt" \
	-subj "/CN=capwap-lsc bench controller" -days 30 2>/dev/null &
wait
[ -s "$W/ca0/ca.pem" ] || die "scepserver ca -init failed: $(tail -n 3 "$W/ca-init.log")"
for ((k = 1; k <= NKEYS; k++)); do
	[ -s "$W/k$k.pem" ] || die "key generation failed"
done

cn() { printf 'bench-%05d' "$1"; }
key_of() { echo "$W/k$(( ($1 - 1) % NKEYS + 1 )).pem"; }

mkdir -p "$W/csr"
for ((i = 1; i <= N; i++)); do
	printf '[req]\nprompt = no\ndistinguished_name = dn\n[dn]\nCN = %s\nO = capwap-lsc bench\n' \
		"$(cn "$i")" >"$W/csr.cnf"
	openssl req -new -key "$(key_of "$i")" -config "$W/csr.cnf" \
		-out "$W/csr/$(cn "$i").csr" || die "cannot make request $i"
done

# A copy of the system OpenSSL configuration with the default and legacy
# providers activated (scepserver's CertRep is DES-CBC), for certmonger.
{
	echo 'openssl_conf = bench_openssl_init'
	sed '/^[[:space:]]*openssl_conf[[:space:]]*=/d' /etc/ssl/openssl.cnf
	printf '\n[bench_openssl_init]\nproviders = bench_providers\n'
	printf '[bench_providers]\ndefault = bench_default\nlegacy = bench_legacy\n'
	printf '[bench_default]\nactivate = 1\n[bench_legacy]\nactivate = 1\n'
} >"$W/openssl-legacy.cnf"

# --- helpers --------------------------------------------------------------
# ticks PID: utime+stime of PID itself; cticks PID: its reaped children's.
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
cticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $14 + $15 }'; }

ca_up() {
	local i
	for ((i = 0; i < 50; i++)); do
		nsenter --net="$W/ns" curl -sf -o /dev/null "$URL?operation=GetCACaps" && return 0
		sleep 0.1
	done
	return 1
}

# A fresh copy of the pristine depot, a fresh server.
ca_start() {
	rm -rf "$W/depot"
	cp -a "$W/ca0" "$W/depot"
	"${CA_ON[@]}" nsenter --net="$W/ns" scepserver -depot "$W/depot" -port "$PORT" -allowrenew 0 \
		>"$W/scepserver.log" 2>&1 &
	CA_PID=$!
	pids+=("$CA_PID")
	ca_up || die "scepserver did not come up: $(tail -n 3 "$W/scepserver.log")"
}

ca_stop() {
	local p keep=()
	kill "$CA_PID" 2>/dev/null
	wait "$CA_PID" 2>/dev/null
	for p in "${pids[@]}"; do
		[ "$p" = "$CA_PID" ] || keep+=("$p")
	done
	pids=("${keep[@]}")
	CA_PID=
}

# bash's "times" (children line) into milliseconds of user+system.
# The runners below print "WALL_START WALL_END" and then "times".
parse_run() {
	awk 'NR == 1 { wall = $2 - $1 }
	     NR == 3 {
		split($1, u, /[ms]/); split($2, s, /[ms]/)
		cpu = (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000
	     }
	     END { printf "%.6f %.3f\n", wall, cpu }' "$1"
}

# certs_ok DIR: how many issued certificates in DIR verify against the CA.
certs_ok() {
	local f n=0
	for f in "$1"/*.crt "$1"/*/cert.pem; do
		[ -s "$f" ] || continue
		openssl verify -CAfile "$W/ca0/ca.pem" "$f" >/dev/null 2>&1 && n=$((n + 1))
	done
	echo "$n"
}

# --- the clients ------------------------------------------------------------
# Each run_CLIENT OUTDIR leaves in $W/run.txt: "WALL_START WALL_END", then
# the output of "times" of the shell that ran the client processes, and in
# $W/extra.txt any other client CPU (ms) to add, with a note.

run_lscd() {
	local out=$1
	mkdir -p "$out"
	# The loop shell's "times" children line: lscd's user+system.
	"${CLIENT_ON[@]}" nsenter --net="$W/ns" bash -c '
		t0=$EPOCHREALTIME
		"$1" enroll --url "$2" --ca-file "$6" --out "$3" --key "$4" --cert "$5" \
			--csr "${@:7}" >"$3.log" 2>&1
		t1=$EPOCHREALTIME
		echo "$t0 $t1"
		times' bench "$LSCD" "$URL" "$out" "$W/proxy.key" "$W/proxy.crt" \
		"$W/ca0/ca.pem" "$W"/csr/*.csr >"$W/run.txt"
	echo "0" >"$W/extra.txt"
}

run_scepclient() {
	local out=$1 i
	mkdir -p "$out"
	# One directory per enrollment (scepclient writes csr.pem/self.pem
	# beside its key), made before the clock starts.
	for ((i = 1; i <= N; i++)); do
		mkdir "$out/$(cn "$i")"
		cp "$(key_of "$i")" "$out/$(cn "$i")/key.pem"
	done
	"${CLIENT_ON[@]}" nsenter --net="$W/ns" bash -c '
		url=$1 out=$2 n=$3
		t0=$EPOCHREALTIME
		for ((i = 1; i <= n; i++)); do
			d=$out/$(printf "bench-%05d" "$i")
			scepclient -server-url "$url" -private-key "$d/key.pem" \
				-certificate "$d/cert.pem" -cn "${d##*/}" \
				-organization "capwap-lsc bench"
		done >"$out.log" 2>&1
		t1=$EPOCHREALTIME
		echo "$t0 $t1"
		times' bench "$URL" "$out" "$N" >"$W/run.txt"
	echo "0" >"$W/extra.txt"
}

# certmonger's daemon, its helpers (reaped by it: its cutime/cstime) and the
# getcert processes are the client.  dbus-daemon is reported apart.
run_certmonger() {
	local out=$1 i
	mkdir -p "$out"/{config,requests,cas,localca,tmp,keys,certs}
	for ((i = 1; i <= N; i++)); do
		cp "$(key_of "$i")" "$out/keys/$(cn "$i").key"
	done
	"${CLIENT_ON[@]}" nsenter --net="$W/ns" unshare --mount --propagation private bash -c '
		out=$1 url=$2 n=$3 cacert=$4 cnf=$5
		dbp= cmp=
		stop() {
			[ -n "$cmp" ] && kill "$cmp" 2>/dev/null && wait "$cmp" 2>/dev/null
			[ -n "$dbp" ] && kill "$dbp" 2>/dev/null && wait "$dbp" 2>/dev/null
			umount /etc/ssl/openssl.cnf 2>/dev/null
		}
		trap stop EXIT
		trap "exit 1" TERM INT
		ticks() { sed "s/.*) //" "/proc/$1/stat" | awk "{ print \$12 + \$13 }"; }
		allticks() { sed "s/.*) //" "/proc/$1/stat" | awk "{ print \$12 + \$13 + \$14 + \$15 }"; }
		mount --bind "$cnf" /etc/ssl/openssl.cnf || { echo "bind mount failed" >&2; exit 1; }
		dbus-daemon --session --nofork --nopidfile --print-address=3 \
			3>"$out/bus.addr" 2>"$out/dbus.log" &
		dbp=$!
		for ((i = 0; i < 50; i++)); do
			[ -s "$out/bus.addr" ] && break
			sleep 0.1
		done
		[ -s "$out/bus.addr" ] || { echo "dbus-daemon did not start" >&2; exit 1; }
		export DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$out/bus.addr")
		export CERTMONGER_CONFIG_DIR=$out/config CERTMONGER_REQUESTS_DIR=$out/requests \
			CERTMONGER_CAS_DIR=$out/cas CERTMONGER_LOCAL_CA_DIR=$out/localca \
			CERTMONGER_TMPDIR=$out/tmp CERTMONGER_TMP_DIR=$out/tmp
		certmonger -s -n >"$out/certmonger.log" 2>&1 &
		cmp=$!
		for ((i = 0; i < 50; i++)); do
			getcert list-cas -s >/dev/null 2>&1 && break
			sleep 0.1
		done
		getcert add-scep-ca -s -c bench -u "$url" -N "$cacert" >"$out/add-ca.log" 2>&1 ||
			{ echo "getcert add-scep-ca failed: $(cat "$out/add-ca.log")" >&2; exit 1; }
		# Let certmonger fetch the CA capabilities and certificates
		# before the clock starts.
		for ((i = 0; i < 100; i++)); do
			getcert list-cas -s -c bench 2>/dev/null | grep -q "BEGIN CERTIFICATE\|ca-cert" && break
			sleep 0.1
		done
		sleep 1
		c0=$(allticks "$cmp") d0=$(ticks "$dbp")
		t0=$EPOCHREALTIME
		for ((i = 1; i <= n; i++)); do
			c=$(printf "bench-%05d" "$i")
			getcert request -s -c bench -k "$out/keys/$c.key" -f "$out/certs/$c.crt" \
				-N "CN=$c,O=capwap-lsc bench" -R -w --wait-timeout 60
		done >"$out.log" 2>&1
		t1=$EPOCHREALTIME
		c1=$(allticks "$cmp") d1=$(ticks "$dbp")
		echo "$t0 $t1"
		times
		echo "$c0 $c1 $d0 $d1" >"$out/daemon-ticks"
		' bench "$out" "$URL" "$N" "$W/ca0/ca.pem" "$W/openssl-legacy.cnf" \
		>"$W/run.txt" 2>"$out.err"
	if [ ! -s "$out/daemon-ticks" ]; then
		echo "certmonger did not run: $(tail -n 3 "$out.err" | tr '\n' ' ')" >"$W/extra.txt"
		return 1
	fi
	read -r c0 c1 d0 d1 <"$out/daemon-ticks"
	awk -v c=$((c1 - c0)) -v d=$((d1 - d0)) -v t="$TCK" -v n="$N" \
		'BEGIN { printf "%.3f certmonger daemon+helpers %.2f ms/enr, dbus-daemon %.2f ms/enr (not counted)\n",
			 c * 1000 / t, c * 1000 / t / n, d * 1000 / t / n }' >"$W/extra.txt"
}

# --- runs -------------------------------------------------------------------
declare -A avail why
for c in $CLIENTS; do
	case $c in
	lscd) avail[$c]=1 ;;
	scepclient)
		if command -v scepclient >/dev/null; then avail[$c]=1
		else avail[$c]=0 why[$c]="scepclient not installed (apt-get install scep)"; fi ;;
	certmonger)
		if command -v certmonger >/dev/null && command -v getcert >/dev/null &&
			command -v dbus-daemon >/dev/null; then avail[$c]=1
		else avail[$c]=0 why[$c]="certmonger, getcert or dbus-daemon not installed"; fi ;;
	*) die "unknown client '$c' in BENCH_CLIENTS" ;;
	esac
done

RES=$W/results
: >"$RES"
echo "runs: N=$N requests, $R repeats, RSA-$CA_BITS CA, concurrency 1, $(nproc) cores," \
	"$([ ${#CA_ON[@]} -gt 0 ] && echo "CA on CPU 1, clients on CPU 0" || echo "placement left to the scheduler")"
printf '%-11s %3s %8s %10s %9s %11s %11s  %s\n' client run "ok/N" "wall s" "enr/s" \
	"client ms" "CA ms" "(ms per enrollment)"
for ((rep = 1; rep <= R; rep++)); do
	for c in $CLIENTS; do
		[ "${avail[$c]}" = 1 ] || continue
		out=$W/out-$c-$rep
		ca_start
		a0=$(ticks "$CA_PID")
		"run_$c" "$out"
		rc=$?
		a1=$(ticks "$CA_PID")
		ca_stop
		if [ "$rc" != 0 ] || [ ! -s "$W/run.txt" ]; then
			avail[$c]=0
			why[$c]=$(cat "$W/extra.txt" 2>/dev/null)
			[ -n "${why[$c]}" ] || why[$c]="the run failed"
			printf '%-11s %3d  NOT RUN: %s\n' "$c" "$rep" "${why[$c]}"
			continue
		fi
		if [ "$c" = certmonger ]; then okn=$(certs_ok "$out/certs"); else okn=$(certs_ok "$out"); fi
		read -r wall cpu < <(parse_run "$W/run.txt")
		extra=$(cut -d' ' -f1 "$W/extra.txt")
		note=$(cut -s -d' ' -f2- "$W/extra.txt")
		line=$(awk -v c="$c" -v rep="$rep" -v ok="$okn" -v n="$N" -v wall="$wall" \
			-v cpu="$cpu" -v extra="$extra" -v ca=$((a1 - a0)) -v t="$TCK" '
			BEGIN {
				ccpu = (cpu + extra) / n; cca = ca * 1000 / t / n
				printf "%s %d %d %.3f %.2f %.3f %.3f\n", c, rep, ok, wall,
					n / wall, ccpu, cca
			}')
		echo "$line" >>"$RES"
		set -- $line
		printf '%-11s %3d %8s %10.3f %9.1f %11.2f %11.2f  %s\n' "$1" "$2" "$3/$N" "$4" \
			"$5" "$6" "$7" "$note"
		if [ "$3" != "$N" ]; then
			echo "    only $3 of $N issued; see the logs below"
			tail -n 5 "$out.log" "$out.err" 2>/dev/null | sed 's/^/    /'
		fi
		[ "$c" = lscd ] && [ "$3" != "$N" ] && lscd_short=1
	done
done

# --- summary ----------------------------------------------------------------
med() { # med CLIENT FIELD: median of one column over the runs
	awk -v c="$1" -v f="$2" '$1 == c { print $f }' "$RES" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (!NR) exit 1
			if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
			else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "SCEP enrollment, N=$N, RSA-$CA_BITS CA (scepserver), medians of $R runs"
printf '%-22s %8s %10s %10s %18s %16s\n' client "ok/N" "wall s" "enroll/s" \
	"client CPU ms/enr" "CA CPU ms/enr"
declare -A m_wall m_rate m_cpu m_ca
label() {
	case $1 in
	lscd) echo "lscd enroll" ;;
	scepclient) echo "scepclient (1 proc/req)" ;;
	certmonger) echo "certmonger (getcert)" ;;
	esac
}
for c in $CLIENTS; do
	if ! grep -q "^$c " "$RES"; then
		printf '%-22s NOT RUN: %s\n' "$(label "$c")" "${why[$c]:-not run}"
		continue
	fi
	m_wall[$c]=$(med "$c" 4)
	m_rate[$c]=$(med "$c" 5)
	m_cpu[$c]=$(med "$c" 6)
	m_ca[$c]=$(med "$c" 7)
	okmin=$(awk -v c="$c" '$1 == c { print $3 }' "$RES" | sort -n | head -n 1)
	printf '%-22s %8s %10.3f %10.1f %18.2f %16.2f\n' "$(label "$c")" "$okmin/$N" \
		"${m_wall[$c]}" "${m_rate[$c]}" "${m_cpu[$c]}" "${m_ca[$c]}"
done
echo "(ok/N: the worst run; certificates that verify against the CA)"

if [ -n "${m_cpu[lscd]:-}" ]; then
	best=
	for c in $CLIENTS; do
		[ "$c" = lscd ] || [ -z "${m_cpu[$c]:-}" ] && continue
		if [ -z "$best" ] || awk -v a="${m_cpu[$c]}" -v b="${m_cpu[$best]}" 'BEGIN { exit !(a < b) }'; then
			best=$c
		fi
	done
	if [ -n "$best" ]; then
		awk -v p="${m_cpu[$best]}" -v l="${m_cpu[lscd]}" -v name="$(label "$best")" 'BEGIN {
			x = p / l
			printf "client CPU per enrollment, best peer (%s) / lscd = %.1fx (goal >= 5x: %s)\n",
				name, x, (x >= 5 ? "met" : "NOT met") }'
	else
		echo "client CPU per enrollment: no peer ran, no ratio"
	fi
	# The ceiling: the CA's CPU per enrollment on one core.  scepserver's
	# file depot must see one enrollment at a time (duplicate serials and
	# "file exists" under concurrency), so enrollments cannot overlap at
	# the CA and a second core does not raise what it can issue; the
	# cheapest per-enrollment CA cost measured (any client) is used.
	caref=
	for c in $CLIENTS; do
		[ -n "${m_ca[$c]:-}" ] || continue
		if [ -z "$caref" ] || awk -v a="${m_ca[$c]}" -v b="$caref" 'BEGIN { exit !(a < b) }'; then
			caref=${m_ca[$c]}
		fi
	done
	awk -v ca="$caref" -v r="${m_rate[lscd]}" -v cores="$(nproc)" 'BEGIN {
		ceil = 1000 / ca
		printf "CA-bound ceiling = 1000 / %.2f ms (cheapest CA CPU per enrollment) x 1 core = %.1f enrollments/s\n", ca, ceil
		printf "  (1 core, not %d: the CA must take enrollments one at a time, its depot is not safe under concurrency)\n", cores
		y = 100 * r / ceil
		printf "lscd throughput = %.1f %% of the CA-bound ceiling (goal >= 90 %%: %s)\n", y, (y >= 90 ? "met" : "NOT met") }'
fi
[ -z "${lscd_short:-}" ] || exit 1
exit 0
