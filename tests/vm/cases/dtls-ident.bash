#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run by build/tools/dtls_relay_peer (DTLS_PEER_HOOK) while its AP
# $DTLS_AP_MAC is in Run over DTLS, with the AP's certificate in the PEM
# file $DTLS_PEER_CERT: what the module shows of the AP's DTLS session
# must be what openssl reads in that certificate (3 checks).

. tests/lib.sh

mac=$DTLS_AP_MAC
cert=$DTLS_PEER_CERT
suite=ECDHE-ECDSA-AES128-GCM-SHA256
dir=/sys/kernel/capwap_lsc/aps/$mac
subject=$(openssl x509 -in "$cert" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
issuer=$(openssl x509 -in "$cert" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
fp=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr 'A-F' 'a-f')

# The files appear from a work item once the session is over DTLS.
wait_until 30 test -r "$dir/dtls_fingerprint"
got="$(cat "$dir/dtls" "$dir/dtls_suite" "$dir/cert_type" "$dir/dtls_subject" \
	"$dir/dtls_issuer" "$dir/dtls_fingerprint" 2>&1 | tr '\n' '|')"
want="dtls|$suite|LSC|$subject|$issuer|$fp|"
if [ -n "$subject" ] && [ -n "$fp" ] && [ "$got" = "$want" ]; then
	ok "sysfs aps/$mac: dtls, suite, cert_type, subject, issuer and SHA-256 are openssl's reading of the AP's certificate"
else
	not_ok "sysfs aps/$mac: '$got', openssl: '$want'"
fi

build/lscctl -j show ap "$mac" >"$cert.json" 2>&1
if python3 - "$cert.json" "$suite" "$subject" "$issuer" "$fp" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["dtls"]
want = {"state": "dtls", "suite": sys.argv[2], "cert_type": "LSC",
        "subject": sys.argv[3], "issuer": sys.argv[4],
        "fingerprint_sha256": sys.argv[5], "suite_id": "0xc02b"}
bad = {k: (d.get(k), v) for k, v in want.items() if d.get(k) != v}
if bad:
    print("# " + repr(bad))
sys.exit(1 if bad else 0)
EOF
then
	ok "lscctl -j show ap: the DTLS state, suite, peer certificate type, subject, issuer and SHA-256 are openssl's"
else
	not_ok "lscctl -j show ap $mac: $(tr -d '\n' <"$cert.json" | cut -c 1-600)"
fi

# The Join that opened this session: from the AP's address, inside DTLS.
if python3 - "$cert.json" <<'EOF'
import json, sys
h = [e for e in json.load(open(sys.argv[1]))["history"] if e["event"] == "join"]
sys.exit(0 if h and h[-1].get("address") == "127.0.0.1" and h[-1].get("authenticated") is True else 1)
EOF
then
	ok "the AP's history: its Join came from 127.0.0.1 inside an authenticated DTLS session"
else
	not_ok "history joins: $(python3 -c 'import json,sys; print([e for e in json.load(open(sys.argv[1]))["history"] if e["event"]=="join"])' "$cert.json" 2>&1)"
fi
exit 0
