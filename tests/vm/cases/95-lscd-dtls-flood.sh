#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A flood of spoofed ClientHellos against the DTLS control channel (issue
# 10, "A flood"), with the module in "dtls required" and the real lscd:
#
#   capwap_flood hellos --raw IP, 127.1.x.y:<a new port each>--> capwap_lsc.ko
#                         HelloVerifyRequest <--(dtls_cookie.c) | relay
#   lsc-wtp --dtls (127.0.0.1) ---------------> lscd (cookies, DTLSv1_listen)
#
# lscd hands the module its cookie secrets, and the module answers a
# ClientHello without a valid cookie itself (kmod/dtls_cookie.c):
#   - 10,000 ClientHellos without a cookie, each from a new port of one
#     of 4,096 addresses (more than the relay has buckets): the module
#     answers them and relays none, so lscd answers none and starts no
#     handshake for them; no slab cache of the guest grows by half of
#     them; no AP record;
#   - real APs (lsc-wtp --dtls, from 127.0.0.1, with their MIC), started
#     once that flood runs and done before it ends, join over DTLS, get
#     their LSC and rejoin with it: their returned cookies are verified by
#     the module (dtls_cookies_verified) and relayed past the bucket for
#     all sources.  Before the module answered cookies, this flood kept
#     that bucket empty and three APs took 150 s or more to join;
#   - 10,000 more from new ports of one address (127.0.0.2): its own
#     bucket holds it.
# Figures printed: what the module answered, verified, limited and lost,
# lscd's cookies and handshakes, the APs' time to join.

. tests/lib.sh
plan 7 600
. tests/vm/cases/lscd-lib.bash

flood=build/tools/capwap_flood
spoofed=127.1.0.0
naddrs=4096
single=127.0.0.2
rate=2000
# RSA-2048 AP keys made on the host (tests/vm/fixtures): an LSC is a DTLS
# credential at security level 2.
keys=build/fixtures/demo/keys
lscd_setup dtls_flood --attempts 3 --bits 2048
[ -x $flood ] || { not_ok "dtls_flood: build $flood first"; exit 1; }
[ -s "$keys/0002.key" ] || { not_ok "dtls_flood: no AP keys in $keys (tests/vm/fixtures on the host)"; exit 1; }

ca_serve ca 8080 || { not_ok "dtls_flood: scepserver did not start"; exit 1; }
lscd_dtls_start dtls_flood

stat() { cat "$sys/stats/$1"; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$lscd_pid/status"; }
slab_snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk 'NR > 2 { print $1, $2 }' /proc/slabinfo | sort
}
# counter NAME: lscd's last logged DTLS counter NAME ("started",
# "cookies sent", ...), or nothing before its first line.
counters() { grep -o "DTLS counters: .*" "$tmp/lscd.log" | tail -n 1; }
counter() {
	case $1 in
	started) counters | sed -n 's/.*: \([0-9]*\) handshake(s) started.*/\1/p' ;;
	cookies) counters | sed -n 's/.*cookies sent \([0-9]*\),.*/\1/p' ;;
	esac
}

# flood_start NAME ADDR N / flood_stop: the flood from N addresses from
# ADDR on in the background, its output in $tmp/NAME.out; flood_stop
# returns once at least 10,000 are sent.
flood_start() {
	fout=$tmp/$1.out
	$flood hellos $rate "$2" "$3" >"$fout" 2>&1 &
	fpid=$!
	pids+=($fpid)
}
flood_stop() {
	wait_until 120 grep -q "^# sent 10000$" "$fout"
	kill -TERM $fpid 2>/dev/null
	wait $fpid 2>/dev/null
	sent=$(sed -n 's/^sent //p' "$fout")
}

# ---- 10,000 ClientHellos from 4,096 addresses, real APs joining meanwhile ----
# lscd builds its DTLS server, and hands the module its cookie secrets,
# when the first ClientHello comes: one short flood first, so that the
# baseline below holds it.
relayed0=$(stat dtls_relayed)
flood_start warmup $single 1
wait_until 60 sh -c "[ \$(cat $sys/stats/dtls_relayed) -gt $relayed0 ]" ||
	echo "# dtls_flood: nothing relayed from the warm-up flood: $(cat "$fout")"
wait_until 60 sh -c "[ \$(cat $sys/stats/dtls_cookies_sent) -gt 0 ]" ||
	echo "# dtls_flood: the module answered no ClientHello itself: $(lscd_tail 3)"
kill -TERM $fpid 2>/dev/null
wait $fpid 2>/dev/null
wait_until 30 sh -c "grep -q 'DTLS counters: ' '$tmp/lscd.log'"
# What lscd answered of the warm-up before it handed its secrets over is
# logged within 10 s of its last answer: the baseline waits for it.
sleep 12
aps0=$(ls $sys/aps | wc -l)
slab_snapshot >"$tmp/slab.before"
answered0=$(stat dtls_cookies_sent)
verified0=$(stat dtls_cookies_verified)
limited0=$(stat dtls_relay_limited)
lost0=$(stat dtls_relay_lost)
started0=$(counter started)
cookies0=$(counter cookies)
flood_start flood1 $spoofed $naddrs
wait_until 60 grep -q "^# sent 1000$" "$fout" || echo "# the flood did not start: $(cat "$fout")"
t0=$(date +%s)
if timeout 500 $wtp --ac 127.0.0.1:5246 --count 3 --state-dir "$tmp/fleet" --dtls --keys-from "$keys" \
	--controller-ca "$lscca" --controller-name wlc-test --json --timeout 400 \
	>"$tmp/fleet.json" 2>"$tmp/fleet.log" && [ -d "/proc/$fpid" ] &&
   ! grep -q "^sent " "$fout"; then
	during=$(grep "^# sent" "$fout" | tail -n 1)
	ok "dtls_flood: 3 APs joined over DTLS, got an LSC and rejoined with it in $(($(date +%s) - t0)) s while the flood from $naddrs addresses ran (${during#\# })"
else
	not_ok "dtls_flood: APs during the flood: $(tr -d '\n' <"$tmp/fleet.json" | cut -c 1-300) $(tail -n 3 "$tmp/fleet.log" | tr '\n' ' ') / flood $(tail -n 1 "$fout") / $(lscd_tail 2)"
fi
flood_stop
answered=$(($(stat dtls_cookies_sent) - answered0))
verified=$(($(stat dtls_cookies_verified) - verified0))
limited=$(($(stat dtls_relay_limited) - limited0))
lost=$(($(stat dtls_relay_lost) - lost0))
# lscd logs its counters within 10 s of the last change.
sleep 11
started=$(($(counter started) - ${started0:-0}))
cookies=$(($(counter cookies) - ${cookies0:-0}))
slab_snapshot >"$tmp/slab.after"
echo "# dtls_flood: ${sent:-?} ClientHellos from $naddrs addresses from $spoofed on at $rate/s: the module answered $answered with a cookie itself, verified $verified returned cookies, limited $limited, lost $lost; lscd sent $cookies cookies and started $started handshakes"

# The APs' two handshakes each (MIC, then LSC) came back with cookies
# the module verified and relayed first; no ClientHello of the flood
# reached lscd, which therefore answered none and kept nothing for it.
if [ "${sent:-0}" -ge 10000 ] && [ "$answered" -ge 2000 ] && [ "$verified" -ge 6 ] &&
   [ "$cookies" = 0 ] && [ "$started" -ge 6 ] && [ "$started" -le "$verified" ] &&
   [ "$(ls $sys/aps | wc -l)" = "$((aps0 + 3))" ]; then
	ok "dtls_flood: the module answered $answered ClientHellos (the $sent spoofed and the APs' first) with a cookie itself and relayed none of the flood: lscd sent no cookie and started only the APs' $started handshakes, whose $verified returned cookies the module verified; AP records: the 3 APs'"
else
	not_ok "dtls_flood: sent ${sent:-?}, answered by the module $answered (2,000 wanted), verified $verified (6 wanted), lscd cookies $cookies (0 wanted), handshakes started $started, AP records $aps0 -> $(ls $sys/aps | wc -l): $(counters)"
fi
grown=$(join "$tmp/slab.before" "$tmp/slab.after" | awk -v n="$((answered / 2))" '$3 - $2 >= n { print $1 ": " $2 " -> " $3 }')
if [ "$answered" -ge 2000 ] && [ -z "$grown" ]; then
	ok "dtls_flood: no slab cache of the guest grew by $((answered / 2)) objects (half the $answered ClientHellos the module answered)"
else
	not_ok "dtls_flood: $answered answered (2,000 wanted); slab caches grew by $((answered / 2)) or more: $(echo $grown)"
fi

# ---- One address: its own bucket holds it ------------------------------------
limited0=$(stat dtls_relay_limited)
answered0=$(stat dtls_cookies_sent)
flood_start flood2 $single 1
flood_stop
limited=$(($(stat dtls_relay_limited) - limited0))
answered=$(($(stat dtls_cookies_sent) - answered0))
if [ "${sent:-0}" -ge 10000 ] && [ "$limited" -gt 0 ] && [ "$answered" -gt 0 ] &&
   [ $((limited + answered)) -le "$sent" ]; then
	ok "dtls_flood: $sent ClientHellos from $single: $limited held back by its address's bucket, $answered answered by the module"
else
	not_ok "dtls_flood: the second flood sent ${sent:-none}, limited $limited, answered $answered: $(tail -n 2 "$fout")"
fi
echo "# dtls_flood: $(counters)"

# lscd stops with a handshake half-open (tests/tools/dtls_half_open.py: a
# real OpenSSL client that stops after the returned cookie): reported as
# abandoned, so every association the module was told of has an outcome.
/usr/bin/python3 tests/tools/dtls_half_open.py 127.0.0.1 5246 30 >"$tmp/half.log" 2>&1 &
halfpid=$!
pids+=($halfpid)
wait_until 60 grep -q "^half-open 1" "$tmp/half.log" ||
	echo "# no half-open handshake: $(tail -n 3 "$tmp/half.log" | tr '\n' ' ')"
lscd_stop_ok dtls_flood
kill $halfpid 2>/dev/null
hs() { stat "dtls_handshakes_$1"; }
ended=0
for o in completed failed_authentication failed_timeout failed_policy failed_identity \
	failed_handover failed_abandoned; do
	ended=$((ended + $(hs $o)))
done
if [ "$(hs failed_abandoned)" -ge 1 ] && [ "$(hs started)" -eq "$ended" ] &&
	grep -q "DTLS: [0-9]* handshakes* in progress abandoned at exit" "$tmp/lscd.log"; then
	ok "dtls_flood: lscd stopped with $(hs failed_abandoned) handshake(s) half-open and reported them abandoned: started $(hs started) = completed $(hs completed) + failed $((ended - $(hs completed)))"
else
	not_ok "dtls_flood: after lscd stopped: started $(hs started), completed and failed $ended, abandoned $(hs failed_abandoned); $(grep -c "^half-open" "$tmp/half.log") half-open made; $(grep "abandoned" "$tmp/lscd.log" | tail -n 1)"
fi
check "dtls_flood: modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
