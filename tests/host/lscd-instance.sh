#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One lscd per state directory: the pid file is locked for the daemon's
# life, a second daemon refuses to start, and `lscd renew --controller`
# signals only a locked pid file's owner that is lscd.  flock(1) stands in
# for a running daemon (on the host the daemon itself stops at the missing
# genl family), and a copy of sleep named "lscd" for its process.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 10

LSCD=$PWD/build/lscd
need flock
[ -x "$LSCD" ] || { not_ok "lscd_instance: $LSCD is not built"; exit 1; }

W=$(mktemp -d /tmp/lscd-instance.XXXXXX)
holder=
victim=
cleanup() {
	[ -z "$holder" ] || kill "$holder" 2>/dev/null
	[ -z "$victim" ] || kill "$victim" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
S=$W/state
mkdir -m 700 "$S"
cp "$(command -v sleep)" "$W/lscd"

# hold CMD...: CMD runs under flock on the pid file; its pid goes into it.
hold() {
	flock -n "$S/lscd.pid" "$@" &
	holder=$!
	wait_until 10 sh -c "pgrep -P $holder >/dev/null" || return 1
	victim=$(pgrep -P $holder)
	echo "$victim" >"$S/lscd.pid"
}

hold sleep 600 || not_ok "lscd_instance: flock did not start its command"
"$LSCD" -f -s "$S" -u http://127.0.0.1:1/scep --no-load-module >"$W/second.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "another lscd (pid $victim) already runs on $S" "$W/second.log"; then
	ok "second daemon refuses to start, naming the running one"
else
	not_ok "second daemon: exit $rc, $(tr '\n' ' ' <"$W/second.log")"
fi
if [ ! -e "$S/controller.key" ] && [ ! -e "$S/journal" ]; then
	ok "refused daemon touched nothing in the state directory"
else
	not_ok "refused daemon created $(ls "$S" | tr '\n' ' ')"
fi
[ "$(cat "$S/lscd.pid")" = "$victim" ] && ok "running daemon's pid file left as it was" ||
	not_ok "pid file now holds $(cat "$S/lscd.pid")"

out=$("$LSCD" renew --controller -s "$S" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "is not lscd: not signalled" <<<"$out" && kill -0 "$victim"; then
	ok "renew --controller does not signal a process that is not lscd"
else
	not_ok "renew --controller on a foreign process: exit $rc, $out"
fi
kill "$holder" "$victim" 2>/dev/null
wait 2>/dev/null
holder= victim=

# A pid file left by a daemon killed with -9: nobody holds it.
sleep 600 &
stale=$!
echo $stale >"$S/lscd.pid"
out=$("$LSCD" renew --controller -s "$S" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "lscd is not running" <<<"$out" && kill -0 $stale; then
	ok "renew --controller refuses a pid file nobody holds"
else
	not_ok "renew --controller on a stale pid file: exit $rc, $out"
fi
kill $stale
wait $stale 2>/dev/null

"$LSCD" -f -s "$S" -u http://127.0.0.1:1/scep --no-load-module >"$W/first.log" 2>&1
if ! grep -q "another lscd" "$W/first.log" && grep -q "genl family" "$W/first.log"; then
	ok "a stale pid file does not stop a new daemon"
else
	not_ok "daemon over a stale pid file: $(tr '\n' ' ' <"$W/first.log")"
fi
[ ! -e "$S/lscd.pid" ] && ok "daemon removes its pid file on exit" ||
	not_ok "pid file left after the daemon exited"

hold "$W/lscd" 600 || not_ok "lscd_instance: flock did not start its command"
out=$("$LSCD" renew --controller -s "$S" 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q "asked lscd (pid $victim)" <<<"$out" &&
	ok "renew --controller signals the lscd holding the lock" ||
	not_ok "renew --controller on lscd: exit $rc, $out"
wait "$victim" 2>/dev/null
if wait_until 10 sh -c "! kill -0 $victim 2>/dev/null"; then
	ok "the holder got SIGUSR1"
else
	not_ok "the holder is still alive"
fi
wait "$holder"
st=$?
[ $st -eq $((128 + 10)) ] && ok "the holder died of SIGUSR1" || not_ok "flock exited $st"
holder= victim=
finish
