#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscctl -j against the module with APs known: every show is one JSON
# document with numbers as numbers, times in RFC 3339 and the keys
# lscctl(8) lists; a failure is one line on stderr (the kernel's extack
# word for word, "no AP with MAC ..." for an AP it does not know) and no
# JSON; exit status 0, 1 or 2.  show stats --prometheus passes tests/tools/prom_check.py.

. tests/lib.sh
plan 19

lscctl=build/lscctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

check "modprobe capwap_lsc, lab mode (clear text)" lab_modprobe
check "configure" sh -c "$lscctl config lsc enable && $lscctl config provision list &&
	$lscctl config provision-list add f8:66:f2:67:57:7e &&
	$lscctl config subject C=CN O=Example && $lscctl config key rsa 3072 &&
	$lscctl config validity 365"
checks 1 "capwap_peer mkaps" build/tools/capwap_peer mkaps 3
mac=$($lscctl show aps | awk 'NR == 2 { print $1 }')

# shows NAME ARGS...: lscctl -j ARGS, its output in $tmp/NAME, exit status
# in $tmp/NAME.rc.  Python starts slowly in the guest: one run of it at
# the end checks them all.
shows() {
	local name=$1
	shift
	$lscctl -j "$@" >"$tmp/$name" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}
shows summary show summary
shows bare show
shows aps show aps
shows ap show ap "$mac"
shows provision show ap-provision
shows stats show stats
$lscctl -j -p show stats >"$tmp/pretty" 2>&1
echo $? >"$tmp/pretty.rc"
$lscctl -j config attempts 2 >"$tmp/config" 2>&1
echo $? >"$tmp/config.rc"
shows changed show

# Each: exit 0, parses as JSON (json.load, as python3 -m json.tool does),
# and the condition holds of it, as d.
python3 - "$tmp" "$mac" "$(cat VERSION)" <<'PY'
import json, os, re, sys
tmp, mac, version = sys.argv[1:4]
t = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
AP_KEYS = {'mac', 'address', 'port', 'model', 'serial', 'session', 'joined_since',
           'cert_type', 'mode', 'state', 'attempts', 'fallbacks', 'last_result',
           'last_error', 'lsc_expires', 'lsc_issuer_hash', 'request_id', 'dtls'}
DTLS_KEYS = {'state', 'suite_id', 'suite', 'cert_type', 'subject', 'issuer',
             'fingerprint_sha256'}
cases = [
    ('summary', 'show summary: settings, numbers as numbers', lambda d:
     d['lsc_enabled'] is True and d['provision_mode'] == 'list' and
     d['provision_list'] == ['f8:66:f2:67:57:7e'] and d['key_type'] == 'RSA' and
     d['key_bits'] == 3072 and d['validity_days'] == 365 and
     d['subject'] == {'C': 'CN', 'O': 'Example'} and type(d['port']) is int and
     type(d['max_pending_requests']) is int and d['version'] == version and
     d['controller']['ca_present'] is False and d['controller']['ca_url'] is None),
    ('bare', 'show: the summary', lambda d: d['key_bits'] == 3072),
    ('aps', 'show aps: an array of the 3 APs, times in RFC 3339', lambda d:
     len(d) == 3 and all(set(a) == AP_KEYS and t.match(a['joined_since']) and
                         a['cert_type'] == 'MIC' and type(a['attempts']) is int and
                         type(a['port']) is int and a['dtls']['state'] == 'clear' and
                         set(a['dtls']) == DTLS_KEYS and
                         all(a['dtls'][k] is None for k in DTLS_KEYS - {'state'})
                         for a in d)),
    ('ap', 'show ap MAC: the AP asked for, its history a join with its MIC, from its address, in clear text', lambda d:
     d['mac'] == mac and set(d) == AP_KEYS | {'history'} and t.match(d['joined_since']) and
     d['lsc_expires'] is None and d['history'][0]['event'] == 'join' and
     d['history'][0]['cert_type'] == 'MIC' and
     d['history'][0]['address'] == d['address'] and
     d['history'][0]['authenticated'] is False),
    ('provision', 'show ap-provision: provision list and the APs', lambda d:
     d['provision_list'] == ['f8:66:f2:67:57:7e'] and len(d['aps']) == 3),
    ('stats', 'show stats: every counter, zeros included', lambda d:
     d['aps'] == 3 and d['rx']['join-request'] >= 3 and d['certs_delivered'] == 0 and
     type(d['rx_packets']) is int and d['malformed']['truncated'] == 0),
    ('pretty', '-p: indented', lambda d:
     len(open(os.path.join(tmp, 'pretty')).read().splitlines()) > 10),
    ('changed', 'config attempts 2 with -j, then show', lambda d:
     open(os.path.join(tmp, 'config')).read() == '' and
     open(os.path.join(tmp, 'config.rc')).read().strip() == '0' and
     d['max_attempts'] == 2),
]
for name, what, cond in cases:
    f = os.path.join(tmp, name)
    rc = open(f + '.rc').read().strip()
    try:
        d = json.load(open(f))
        good = rc == '0' and cond(d)
        why = 'exit %s' % rc
    except Exception as e:
        good, why = False, 'exit %s, %r' % (rc, e)
    if good:
        print('ok lscctl -j %s' % what)
    else:
        print('not ok lscctl -j %s: %s: %s' % (what, why, open(f).read()[:600].replace('\n', ' ')))
PY

# fails NAME STATUS PATTERN ARGS...: lscctl ARGS exits STATUS, prints
# nothing on stdout, and one line on stderr, which PATTERN matches.
fails() {
	local name=$1 want=$2 pattern=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = "$want" ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -Eq -- "$pattern" "$tmp/err"; then
		ok "$name: exit $rc, one line"
	else
		not_ok "$name: exit $rc ($want expected), stdout '$(head -c 200 "$tmp/out")', stderr: $(cat "$tmp/err")"
	fi
}
fails "an unknown MAC" 1 "^lscctl show: no AP with MAC 02:00:00:00:00:01$" \
	$lscctl -j show ap 02-00-00-00-00-01
fails "renew of an unknown MAC" 1 "^lscctl renew: no AP with MAC 02:00:00:00:00:01$" \
	$lscctl renew 02:00:00:00:00:01
fails "lscd renew --ap of an unknown MAC" 1 "no AP with MAC 02:00:00:00:00:01$" \
	build/lscd renew --ap 02:00:00:00:00:01
fails "the kernel's extack, verbatim" 1 \
	"^lscctl config: Invalid argument: RSA 384-2048, 3072, 4096; EC 256, 384$" \
	$lscctl config key rsa 3000
fails "a MAC on the provision list already" 1 \
	"^lscctl config: f8:66:f2:67:57:7e is on the provision list already$" \
	$lscctl config provision-list add f8:66:f2:67:57:7e
fails "show without CAP_NET_ADMIN" 1 "^lscctl show: .*needs CAP_NET_ADMIN \(run as root\)$" \
	nobody $lscctl -j show aps
$lscctl -j show ap not-a-mac >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 2 ] && [ ! -s "$tmp/out" ] && [ "$(grep -c '^lscctl' "$tmp/err")" = 1 ]; then
	ok "a usage error with the module loaded: exit 2, one message"
else
	not_ok "a usage error: exit $rc: $(cat "$tmp/err")"
fi

# The Prometheus rendering of the same counters: tests/tools/prom_check.py
# (the prometheus_client parser) takes it, and the joins are in it.
$lscctl show stats --prometheus >"$tmp/prom" 2>&1
check "show stats --prometheus passes prom_check.py, with the 3 joins" \
	sh -c "tests/tools/prom_check.py <'$tmp/prom' &&
	grep -Eq '^capwap_lsc_rx_messages_total\{type=\"join-request\"\} ([3-9]|[1-9][0-9]+)\$' '$tmp/prom' &&
	grep -q '^capwap_lsc_aps 3\$' '$tmp/prom'"

modprobe -r capwap_lsc
finish
