#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an operator watches while 5 APs (lsc-wtp fleet) get their LSCs
# through lscd and a real scepserver:
#   - lscctl -j monitor, started before them, prints each AP's joins (with
#     its MIC, then its LSC), lscd's enrollment, the delivery and the
#     install, one JSON object a line, times in RFC 3339
#   - lscctl -j show ap MAC: the AP's history holds the same story in
#     order (request, enrollment, delivery, install, rejoin with the LSC)
#   - the capwap_lsc_join tracepoint fires (tracefs)
#   - a monitor that does not read (stopped, with a small buffer) loses
#     events and says so on a line of its own; nothing else waits for it
#   - when the module is unloaded, monitor says so and exits 1

. tests/lib.sh
plan 9 600
. tests/vm/cases/lscd-lib.bash

lscctl=build/lscctl
lscd_setup monitor --attempts 3

"$lscctl" -j monitor >"$tmp/mon.json" 2>"$tmp/mon.err" &
mon=$!
pids+=($mon)
"$lscctl" monitor --buffer 1024 >"$tmp/slow.txt" 2>"$tmp/slow.err" &
slow=$!
pids+=($slow)
if wait_until 30 grep -q listening "$tmp/mon.err" &&
	wait_until 30 grep -q listening "$tmp/slow.err"; then
	kill -STOP "$slow"
	ok "monitor: two lscctl monitor listen (one stopped, 1024-byte buffer)"
else
	not_ok "monitor: lscctl monitor did not start: $(cat "$tmp/mon.err" "$tmp/slow.err")"
fi

tr=/sys/kernel/tracing
[ -d $tr/events ] || mount -t tracefs nodev $tr 2>/dev/null
ev=$tr/events/capwap_lsc/capwap_lsc_join
if [ -w $ev/enable ] && echo 1 >$ev/enable && : >$tr/trace; then
	ok "monitor: tracepoint capwap_lsc/capwap_lsc_join enabled through tracefs"
else
	not_ok "monitor: no $ev/enable: $(ls $tr/events/capwap_lsc 2>&1 | head -3 | tr '\n' ' ')"
fi

ca_serve ca 8080 || { not_ok "monitor: scepserver did not start"; exit 1; }
lscd_start --url http://127.0.0.1:8080/scep ||
	{ not_ok "monitor: lscd did not start: $(lscd_tail)"; exit 1; }
wait_until 120 test -s "$tmp/state/controller.crt" ||
	{ not_ok "monitor: the controller got no LSC: $(lscd_tail)"; exit 1; }

if timeout 500 $wtp --ac 127.0.0.1:5246 --count 5 --state-dir "$tmp/fleet" \
	--json --timeout 400 >"$tmp/fleet.json" 2>"$tmp/fleet.log"; then
	ok "monitor: 5 APs hold an LSC and rejoined with it"
else
	not_ok "monitor: fleet: $(tr -d '\n' <"$tmp/fleet.json") $(tail -n 3 "$tmp/fleet.log" | tr '\n' ' ')"
fi
macs=$(echo $(ls $sys/aps))

# mon_story: every line a JSON object with an RFC 3339 time; for each of
# the fleet's APs a join with its MIC, lscd's successful enrollment, a
# delivery, a successful install and a join with its LSC, in that order.
mon_story() {
	python3 - "$tmp/mon.json" $macs <<'EOF'
import json, re, sys
t = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
evs = []
for n, line in enumerate(open(sys.argv[1]), 1):
    e = json.loads(line)
    if not t.match(e.get('time', '')) or 'event' not in e:
        sys.exit('line %d: %s' % (n, line.strip()))
    evs.append(e)
want = [('join', 'cert_type', 'MIC'), ('enroll', 'result', 'success'),
        ('delivery', None, None), ('install', 'result', 'success'),
        ('join', 'cert_type', 'LSC')]
for mac in sys.argv[2:]:
    i = 0
    for e in evs:
        if i < len(want) and e.get('mac') == mac and e['event'] == want[i][0] and \
                (want[i][1] is None or e.get(want[i][1]) == want[i][2]):
            i += 1
    if i < len(want):
        sys.exit('%s: no %s after %s' % (mac, want[i], want[:i]))
EOF
}
if [ "$(echo $macs | wc -w)" = 5 ] && wait_until 30 mon_story 2>/dev/null; then
	ok "monitor: lscctl -j monitor saw each AP join (MIC), enroll, delivery, install, join (LSC)"
else
	not_ok "monitor: $(mon_story 2>&1 | tail -n 1) (APs: $(echo $macs), $(wc -l <"$tmp/mon.json") lines)"
fi

mac=${macs%% *}
# history_story: lscctl -j show ap MAC's history, oldest first, times not
# decreasing, holds the request, lscd's result, the delivery, the
# install, the session's end and the join with the LSC, in that order.
history_story() {
	"$lscctl" -j show ap "$mac" >"$tmp/ap.json" || return 1
	python3 - "$tmp/ap.json" <<'EOF'
import json, sys
h = json.load(open(sys.argv[1]))['history']
if [e['time'] for e in h] != sorted(e['time'] for e in h) or len(h) > 16:
    sys.exit('times out of order or more than 16: %s' % h)
want = ['cert-request', 'enroll', 'delivery', 'install', 'session-end', 'join']
got = [e['event'] for e in h if e['event'] in want]
i = 0
for ev in got:
    if i < len(want) and ev == want[i]:
        i += 1
if i < len(want):
    sys.exit('history %s lacks %s' % ([e['event'] for e in h], want[i:]))
# The AP "reboots" into its LSC: that Join ends the session it had.
j = max(i for i, e in enumerate(h) if e['event'] == 'join')
end = [e for e in h[:j] if e['event'] == 'session-end'][-1]
if h[j].get('cert_type') != 'LSC' or end.get('end_reason') != 'rejoin':
    sys.exit('last join %s, the session end before it %s' % (h[j], end))
EOF
}
if history_story; then
	ok "monitor: lscctl -j show ap $mac: history in order, request to LSC join"
else
	not_ok "monitor: show ap $mac: $(history_story 2>&1 | tail -n 1)"
fi
if "$lscctl" show ap "$mac" | grep -A16 'Last events' | grep -qE '^  [0-9-]{10}T[0-9:.]{12}Z +join cert_type=LSC from=127\.0\.0\.1 clear-text-unauthenticated$'; then
	ok "monitor: lscctl show ap $mac lists its last events as text"
else
	not_ok "monitor: show ap text: $("$lscctl" show ap "$mac" | tail -n 5 | tr '\n' '|')"
fi

n=$(grep -c 'capwap_lsc_join: ap=' $tr/trace 2>/dev/null)
echo 0 >$ev/enable 2>/dev/null
if [ "${n:-0}" -ge 10 ] && grep -q "capwap_lsc_join: ap=$mac cert_type=" $tr/trace; then
	ok "monitor: tracepoint capwap_lsc_join fired $n times, $mac among them"
else
	not_ok "monitor: capwap_lsc_join fired ${n:-0} times: $(grep capwap_lsc $tr/trace | head -n 2 | tr '\n' ' ')"
fi

# The stopped monitor's socket overflowed: once it reads again, it says so.
kill -CONT "$slow"
if wait_until 30 grep -q ' - events lost: ' "$tmp/slow.txt" &&
	grep -qE '^[0-9-]{10}T[0-9:.]{12}Z ([0-9a-f]{2}:){5}[0-9a-f]{2} [a-z-]+' "$tmp/slow.txt"; then
	ok "monitor: a monitor that fell behind prints 'events lost' and goes on"
else
	not_ok "monitor: the stopped monitor printed: $(head -n 3 "$tmp/slow.txt" | tr '\n' '|') $(cat "$tmp/slow.err")"
fi

lscd_stop
modprobe -r capwap_lsc
rc=running
if wait_until 30 sh -c "! kill -0 $mon 2>/dev/null"; then
	wait "$mon"
	rc=$?
fi
if [ $rc = 1 ] && grep -q 'module was unloaded' "$tmp/mon.err"; then
	ok "monitor: when the module is unloaded, monitor says so and exits 1"
else
	not_ok "monitor: after the unload: exit $rc, $(tail -n 2 "$tmp/mon.err" | tr '\n' ' ')"
fi
finish
