#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The saved configuration: "lscctl config" saves every setting to
# startup.conf, and the modprobe.d hook make install puts in place
# (dist/capwap-lsc-startup.modprobe.conf) applies it when the module
# loads, with no lscd and no other command: "lscctl -j show summary" is
# the same before and after rmmod + modprobe, and after a load the kernel
# makes for lscctl's genl request.  Without the hook the same
# reload loses the settings (so the first comparison can fail).  A wrong
# file never stops the load; the kernel log names its line.

. tests/lib.sh
plan 25

lscctl=$PWD/build/lscctl
saved=/etc/capwap-lsc/startup.conf
hook=/lib/modprobe.d/capwap-lsc-startup.conf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$hook" "$saved"' EXIT

# The hook as make install writes it, lscctl being the one built here.
install_hook() {
	mkdir -p "${hook%/*}"
	sed "s|@SBINDIR@|${lscctl%/*}|" dist/capwap-lsc-startup.modprobe.conf >"$hook"
}
reload() { rmmod capwap_lsc && modprobe capwap_lsc; }
# has FILE TEXT...: the (plain, one-line) JSON document holds each TEXT.
# Python would take seconds to start in the guest.
has() {
	local f=$1
	shift
	for t; do grep -qF -- "$t" "$f" || return 1; done
}

rm -f "$saved"
install_hook
check "modprobe with the hook and no saved file" modprobe capwap_lsc
check "DTLS is required by default" test "$(cat /sys/kernel/capwap_lsc/dtls_mode)" = required

check "configure" sh -c "$lscctl config lsc enable && $lscctl config provision list &&
	$lscctl config subject C=DE 'O=Acme Wireless' OU='Lab \"2\"' &&
	$lscctl config key ec 384 && $lscctl config validity 90 &&
	$lscctl config attempts 2 && $lscctl config vendor-id 4242 &&
	$lscctl config dtls off &&
	$lscctl config provision-list add f8:66:f2:67:57:7e 00:11:22:33:44:55 02:00:00:00:00:01 &&
	$lscctl config provision-list del 00:11:22:33:44:55"
check "startup.conf written, mode 0644" test "$(stat -c %a "$saved" 2>&1)" = 644
check "config show-saved prints every setting" sh -c "$lscctl config show-saved >$tmp/shown &&
	grep -qx 'key ec 384' $tmp/shown && grep -qx 'vendor-id 4242' $tmp/shown &&
	grep -qx 'provision-list add 02:00:00:00:00:01' $tmp/shown && grep -qx 'dtls off' $tmp/shown &&
	grep -qxF 'subject C=DE \"O=Acme Wireless\" \"OU=Lab \\\"2\\\"\"' $tmp/shown &&
	! grep -q 00:11:22:33:44:55 $tmp/shown"

$lscctl -j show summary >"$tmp/before"
check "show summary before: saved and running are the same" has "$tmp/before" \
	'"lsc_enabled":true,' '"key_bits":384,' \
	"\"saved\":{\"file\":\"$saved\",\"state\":\"same\",\"differs\":[],\"error\":null}"

lab_logged() { dmesg | grep -c 'capwap_lsc: DTLS off (lab mode), set by lscctl\['; }
logged=$(lab_logged)
check "rmmod, modprobe" reload
$lscctl -j show summary >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	ok "lscctl -j show summary is the same after rmmod + modprobe"
else
	not_ok "show summary changed across the reload: $(diff "$tmp/before" "$tmp/after" | head -c 600)"
fi
# The lab mode, not the default: the hook applies it, and it is logged.
check "the saved lab mode (dtls off) is applied at the load, and logged once" \
	test "$(cat /sys/kernel/capwap_lsc/dtls_mode)/$(lab_logged)" = "off/$((logged + 1))"
check "the kernel log says the saved configuration was applied" \
	sh -c "dmesg | grep -q 'lscctl: capwap_lsc: applied the saved configuration $saved'"

# The module loaded by the kernel for lscctl's genl request runs the hook too.
rmmod capwap_lsc
$lscctl -j show summary >"$tmp/autoload"
if cmp -s "$tmp/before" "$tmp/autoload"; then
	ok "rmmod, then lscctl loads the module (genl autoload): the same summary"
else
	not_ok "after a genl autoload: $(diff "$tmp/before" "$tmp/autoload" | head -c 600)"
fi

# The control: no hook, the same reload, and the settings are gone.
rm -f "$hook"
check "rmmod, modprobe without the hook" reload
$lscctl -j show summary >"$tmp/nohook"
check "without the hook the reload loses them, and show summary names what differs" \
	has "$tmp/nohook" '"lsc_enabled":false,' '"state":"differs","differs":["lsc","provision","subject","key","validity","attempts","vendor-id","dtls","provision-list"]' \
	'"dtls_mode":"required",' 
check "show summary (text) lists what differs" sh -c \
	"$lscctl show summary | grep -Eq '^Saved configuration +Differs from running: lsc provision .*provision-list \($saved\)$'"

# A file of 0.1.0 (no format line) holds "dtls off" from when off was the
# default: its other settings are applied, its dtls line is not, and the
# kernel log says so with the line.
install_hook
printf 'lsc enable\nprovision all\ndtls off\nvalidity 30\n' >"$saved"
rmmod capwap_lsc
modprobe capwap_lsc 2>/dev/null
check "a 0.1.0 file's dtls off is ignored and told; the rest applied" \
	sh -c "test \"\$(cat /sys/kernel/capwap_lsc/dtls_mode)/\$(cat /sys/kernel/capwap_lsc/validity_days)\" = required/30 &&
	dmesg | grep -q \"lscctl: $saved:3: saved file predates DTLS required\""

# A broken file: the module loads all the same, with its defaults.
install_hook
printf 'lsc enable\nprovision all\nkey rsa many\nattempts 3\n' >"$saved"
rmmod capwap_lsc
if out=$(modprobe capwap_lsc 2>&1) && [ -d /sys/module/capwap_lsc ]; then
	ok "a wrong saved file does not stop the module from loading"
else
	not_ok "modprobe with a wrong saved file: $out"
fi
check "the kernel log names the wrong line" \
	sh -c "dmesg | grep -q 'lscctl: $saved:3: config key takes rsa|ec and a size in bits'"
check "nothing of a wrong file is applied" \
	test "$(cat /sys/kernel/capwap_lsc/lsc_enabled)/$(cat /sys/kernel/capwap_lsc/provision_mode)" = 0/off
check "show summary says the saved file is not usable, and where" sh -c \
	"$lscctl show summary | grep -q '^Saved configuration .*Not usable: $saved:3: '"

# A value the module would refuse (a key size it does not take) is a
# wrong line too: nothing of the file applied, not even its list.
printf 'lsc enable\nprovision-list add 02:00:00:00:00:09\nkey rsa 3000\n' >"$saved"
rmmod capwap_lsc
modprobe capwap_lsc 2>/dev/null
check "a value the module refuses is a wrong line, logged with its number" \
	sh -c "dmesg | grep -q 'lscctl: $saved:3: key rsa 3000: RSA takes 384-2048, 3072 or 4096 bits' &&
	test \"\$(cat /sys/kernel/capwap_lsc/lsc_enabled)/\$(cat /sys/kernel/capwap_lsc/provision_list_size)\" = 0/0"

# A change while the saved file is wrong: in force, the file kept, exit 1.
cp "$saved" "$tmp/wrong"
$lscctl config validity 90 >/dev/null 2>"$tmp/change.err"
echo $? >"$tmp/change.rc"
check "a change over a wrong saved file: exit 1, in force, the file kept, its line and config save told" \
	sh -c "test \"\$(cat $tmp/change.rc)/\$(cat /sys/kernel/capwap_lsc/validity_days)\" = 1/90 &&
	cmp -s $saved $tmp/wrong &&
	grep -q '^lscctl config: in force but not saved: $saved:3: key rsa 3000' $tmp/change.err &&
	grep -q 'lscctl config save' $tmp/change.err"
check "config save replaces the wrong file with the running settings" \
	sh -c "$lscctl config save && grep -qx 'validity 90' $saved && $lscctl config show-saved >/dev/null"
setpriv --reuid=65534 --regid=65534 --clear-groups $lscctl config save 2>"$tmp/nobody.err"
check "config save without root: 'not saved', not 'in force'" \
	sh -c "grep -q '^lscctl config save: not saved' $tmp/nobody.err && ! grep -q 'in force' $tmp/nobody.err"

# apply-saved waits for the savers' lock (a saver meanwhile would read a
# half-applied module back): with the lock held it blocks in flock, shown
# in /proc/locks as a waiter, and applies once it is let go.
printf 'validity 45\n' >"$saved"
exec 9<"${saved%/*}"
flock 9
$lscctl config apply-saved --no-kmsg 9<&- &
pid=$!
for i in $(seq 300); do
	grep -q -- '-> FLOCK' /proc/locks && break
	sleep 0.1
done
waited=$(grep -c -- '-> FLOCK' /proc/locks)
during=$(cat /sys/kernel/capwap_lsc/validity_days)
flock -u 9
exec 9<&-
wait $pid
rc=$?
check "apply-saved waits for the lock, then applies (waiter/during/exit/after)" \
	test "$waited/$during/$rc/$(cat /sys/kernel/capwap_lsc/validity_days)" = 1/90/0/45

# A list longer than GET_CONFIG shows: a file holding the running
# settings and just the part of the list shown is not "the same as
# running" (the flush saves the settings; the list is only in the file).
$lscctl config provision-list flush
grep -v '^provision-list' "$saved" >"$tmp/base"
{
	cat "$tmp/base"
	for i in $(seq 0 4096); do
		printf 'provision-list add 02:00:00:00:%02x:%02x\n' $((i >> 8)) $((i & 255))
	done
} >"$saved"
$lscctl config apply-saved --no-kmsg
$lscctl -j show summary | grep -o '"provision_list":\[[^]]*\]' |
	grep -oE '[0-9a-f]{2}(:[0-9a-f]{2}){5}' | sed 's/^/provision-list add /' >"$tmp/shown"
cat "$tmp/base" "$tmp/shown" >"$saved"
$lscctl show summary >"$tmp/long"
size=$(cat /sys/kernel/capwap_lsc/provision_list_size)
shown=$(wc -l <"$tmp/shown")
if [ "$size" = 4097 ] && [ "$shown" -gt 0 ] && [ "$shown" -lt 4097 ] &&
   grep -q "^Saved configuration .*Differs from running: provision-list (.*module shows $shown of its 4097 entries" "$tmp/long"; then
	ok "a list longer than shown: show summary says it differs, not compared"
else
	not_ok "a list longer than shown: $size held, $shown shown: $(grep -i saved "$tmp/long")"
fi
finish
