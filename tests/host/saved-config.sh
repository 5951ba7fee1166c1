#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscctl's saved configuration with no module at hand (LSCCTL_STARTUP_CONF
# names a file of the test's own): config show-saved prints the file and
# its wrong lines with their numbers, -j as one document; apply-saved of a
# missing file is silent success, of a wrong file a failure that names the
# line and never reaches for the module (--no-kmsg: this host's kernel
# log is not the test's).  The VM case 17-saved-config
# covers the module side.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 9

lscctl=build/lscctl
if [ ! -x $lscctl ]; then
	not_ok "saved_config: build $lscctl first"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LSCCTL_STARTUP_CONF=$tmp/startup.conf

# run NAME: lscctl ARGS with stdout, stderr and status in $tmp/NAME.*
run() {
	local name=$1
	shift
	$lscctl "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}
# expect NAME RC: the status of run NAME
rc_is() { test "$(cat "$tmp/$1.rc")" = "$2"; }

run missing config show-saved
check "show-saved with nothing saved: exit 1, names the file" \
	sh -c "test \"\$(cat $tmp/missing.rc)\" = 1 && grep -q '$LSCCTL_STARTUP_CONF: No such file' $tmp/missing.err"
run apply-missing config apply-saved --no-kmsg
check "apply-saved with nothing saved: exit 0, silent" \
	sh -c "test \"\$(cat $tmp/apply-missing.rc)\" = 0 && ! test -s $tmp/apply-missing.err"

cat >"$LSCCTL_STARTUP_CONF" <<'EOF'
# hand-written
lsc enable
provision list
subject C=DE "O=Acme Wireless"   # quoted
key ec 256
provision-list add 02:00:00:00:00:01 f8-66-f2-67-57-7e
EOF
run good config show-saved
if rc_is good 0 && cmp -s "$tmp/good.out" "$LSCCTL_STARTUP_CONF" && ! test -s "$tmp/good.err"; then
	ok "show-saved prints a right file as it is"
else
	not_ok "show-saved of a right file: exit $(cat "$tmp/good.rc"): $(cat "$tmp/good.err")"
fi
run goodj -j config show-saved
check "show-saved -j: the settings, MACs as lscctl writes them" python3 - "$tmp/goodj.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d['settings']
assert d['present'] is True and d['errors'] == [] and d['read_error'] is None, d
assert s['lsc_enabled'] is True and s['provision_mode'] == 'list', s
assert s['subject'] == {'C': 'DE', 'O': 'Acme Wireless'} and s['key_type'] == 'EC', s
assert s['key_bits'] == 256 and s['validity_days'] is None, s
assert s['provision_list'] == ['02:00:00:00:00:01', 'f8:66:f2:67:57:7e'], s
PY

printf 'lsc enable\nkey ec 256\nprovision maybe\nlsc disable\n' >"$LSCCTL_STARTUP_CONF"
run bad config show-saved
check "show-saved of a wrong file: exit 1, each wrong line by its number" \
	sh -c "test \"\$(cat $tmp/bad.rc)\" = 1 && test \"\$(wc -l <$tmp/bad.err)\" = 2 &&
	grep -q '^lscctl: $LSCCTL_STARTUP_CONF:3: config provision takes off, all or list, not .maybe.$' $tmp/bad.err &&
	grep -q '^lscctl: $LSCCTL_STARTUP_CONF:4: lsc is set already, on line 1$' $tmp/bad.err"
run badj -j config show-saved
check "show-saved -j of a wrong file: exit 1, errors listed, no settings" python3 - "$tmp/badj.out" "$tmp/badj.rc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert open(sys.argv[2]).read().strip() == '1'
assert [e['line'] for e in d['errors']] == [3, 4] and d['settings'] is None, d
PY
run apply-bad config apply-saved --no-kmsg
check "apply-saved of a wrong file: exit 1, the line told, the module not reached" \
	sh -c "test \"\$(cat $tmp/apply-bad.rc)\" = 1 &&
	grep -q ':3: config provision takes' $tmp/apply-bad.err &&
	grep -q 'not applied: 2 wrong lines; capwap_lsc keeps its defaults' $tmp/apply-bad.err &&
	! grep -q 'cannot reach' $tmp/apply-bad.err"
# A FIFO at the path would hold the hook, and so the module's load, for
# ever: refused at once (timeout only ends a hang the check reports).
rm -f "$LSCCTL_STARTUP_CONF"
mkfifo "$LSCCTL_STARTUP_CONF"
timeout 20 $lscctl config apply-saved --no-kmsg >"$tmp/fifo.out" 2>"$tmp/fifo.err"
echo $? >"$tmp/fifo.rc"
timeout 20 $lscctl config show-saved >/dev/null 2>>"$tmp/fifo.err"
echo $? >>"$tmp/fifo.rc"
check "a FIFO at the path: apply-saved and show-saved refuse it at once, exit 1" \
	sh -c "test \"\$(cat $tmp/fifo.rc | tr '\n' ' ')\" = '1 1 ' &&
	grep -q 'saved configuration $LSCCTL_STARTUP_CONF not applied: not a regular file' $tmp/fifo.err &&
	grep -q 'show-saved: $LSCCTL_STARTUP_CONF: not a regular file' $tmp/fifo.err"
rm -f "$LSCCTL_STARTUP_CONF"
run usage config show-saved extra
check "show-saved with a word after it: a usage error (2)" rc_is usage 2
finish
