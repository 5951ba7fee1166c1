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
plan 17

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

check "configure" sh -c "$lscctl config lsc enable && $lscctl config provision list &&
	$lscctl config subject C=DE 'O=Acme Wireless' OU='Lab \"2\"' &&
	$lscctl config key ec 384 && $lscctl config validity 90 &&
	$lscctl config attempts 2 && $lscctl config vendor-id 4242 &&
	$lscctl config provision-list add f8:66:f2:67:57:7e 00:11:22:33:44:55 02:00:00:00:00:01 &&
	$lscctl config provision-list del 00:11:22:33:44:55"
check "startup.conf written, mode 0644" test "$(stat -c %a "$saved" 2>&1)" = 644
check "config show-saved prints every setting" sh -c "$lscctl config show-saved >$tmp/shown &&
	grep -qx 'key ec 384' $tmp/shown && grep -qx 'vendor-id 4242' $tmp/shown &&
	grep -qx 'provision-list add 02:00:00:00:00:01' $tmp/shown &&
	grep -qxF 'subject C=DE \"O=Acme Wireless\" \"OU=Lab \\\"2\\\"\"' $tmp/shown &&
	! grep -q 00:11:22:33:44:55 $tmp/shown"

$lscctl -j show summary >"$tmp/before"
check "show summary before: saved and running are the same" has "$tmp/before" \
	'"lsc_enabled":true,' '"key_bits":384,' \
	"\"saved\":{\"file\":\"$saved\",\"state\":\"same\",\"differs\":[],\"error\":null}"

check "rmmod, modprobe" reload
$lscctl -j show summary >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	ok "lscctl -j show summary is the same after rmmod + modprobe"
else
	not_ok "show summary changed across the reload: $(diff "$tmp/before" "$tmp/after" | head -c 600)"
fi
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
	has "$tmp/nohook" '"lsc_enabled":false,' '"state":"differs","differs":["lsc","provision","subject","key","validity","attempts","vendor-id","provision-list"]' 
check "show summary (text) lists what differs" sh -c \
	"$lscctl show summary | grep -Eq '^Saved configuration +Differs from running: lsc provision .*provision-list \($saved\)$'"

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

# A file the module refuses (a key size it does not take): logged too.
printf 'lsc enable\nkey rsa 3000\n' >"$saved"
rmmod capwap_lsc
modprobe capwap_lsc
check "a setting the module refuses is logged with the file's lines" \
	sh -c "dmesg | grep -q 'lscctl config: $saved:1-2: the module refused these settings: Invalid argument: RSA 384-2048'"
finish
