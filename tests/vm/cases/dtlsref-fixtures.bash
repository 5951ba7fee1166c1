# SPDX-License-Identifier: GPL-2.0
# Sourced by 96-dtls-refusals.sh and tests/vm/fixtures: the certificates
# and keys each refusal presents, under build/fixtures/dtlsref, issued
# against the LSC CA of build/fixtures/lscd (ca2048, which the case's
# scepserver serves) and the controller key there.  Made on the host when
# possible: the guest, under TCG on a shared machine, takes minutes for
# what takes a second here.  Made in the case's own directory when missing.
#
#   lscA       A's LSC (EC P-256, from the LSC CA), and captured.key: a key
#              with A's public point and another key's scalar
#   lscF       an LSC from a foreign CA that bears the LSC CA's very name
#   micY micU  MICs from the manufacturer CA (mfg) and an unknown one
#   micE       an expired MIC (2020), from mfg
#   sscS1/S2   self-signed certificates; ssc-allow.txt lists S2's key only
#   ctl        the controller's certificate, from the LSC CA, for its role
#   lscca.key  the LSC CA's key without its (empty) passphrase

# The MACs the certificates name.
A=02:4c:53:aa:00:01       # the authenticated AP, with its LSC
Y=02:4c:53:aa:00:02       # the owner of the MIC used against A's MAC
U=02:4c:53:aa:00:03       # MIC from an unknown CA
F=02:4c:53:aa:00:04       # LSC from a foreign CA
E=02:4c:53:aa:00:05       # expired MIC
S1=02:4c:53:aa:00:06      # SSC not on the list
S2=02:4c:53:aa:00:07      # SSC on the list
C=02:4c:53:aa:00:08       # presents the LSC CA's certificate
hexmac() { echo "${1//:/}"; }

# dtlsref_fixtures LSCD_FIXTURES [DIR]: for the LSC CA and controller key
# of LSCD_FIXTURES (lscd_fixtures' directory); prints the directory.
dtlsref_fixtures() {
	local lx=$1 d=${2:-build/fixtures/dtlsref}
	[ -s "$d/ssc-allow.txt" ] &&
		openssl verify -CAfile "$lx/ca2048/ca.pem" "$d/ctl.crt" >/dev/null 2>&1 &&
		{ echo "$d"; return 0; }
	if ! mkdir -p "$d" 2>/dev/null || ! [ -w "$d" ]; then
		d=$(mktemp -d)
	fi
	dtlsref_make "$d" "$lx/ca2048/ca.pem" "$lx/ca2048/ca.key" "$lx/controller.key" \
		>/dev/null 2>&1 || return 1
	echo "$d"
}

# dtlsref_make DIR LSC_CA_PEM LSC_CA_KEY CONTROLLER_KEY
dtlsref_make() {
	local P=$1 lscca=$2 lsckey=$1/lscca.key ctlkey=$4 lscca_subject
	openssl rsa -in "$3" -passin pass: -out "$lsckey" || return 1
	# ec_ca NAME SUBJECT
	ec_ca() {
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "$2" -keyout "$P/$1.key" -out "$P/$1.crt" -days 3650 2>/dev/null
	}
	# leaf NAME CA_CRT CA_KEY CN [EKU]: an EC P-256 certificate for an AP.
	leaf() {
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=$4" -keyout "$P/$1.key" -out "$P/$1.csr" 2>/dev/null &&
		printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=%s\n' \
			"${5:-clientAuth}" >"$P/$1.ext" &&
		openssl x509 -req -in "$P/$1.csr" -CA "$2" -CAkey "$3" \
			-set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$P/$1.ext" -out "$P/$1.crt" 2>/dev/null
	}
	# ssc NAME CN: a self-signed AP certificate.
	ssc() {
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=$2" -addext basicConstraints=critical,CA:FALSE \
			-addext keyUsage=digitalSignature -keyout "$P/$1.key" \
			-out "$P/$1.crt" -days 3650 2>/dev/null
	}
	lscca_subject=$(openssl x509 -in "$lscca" -noout -subject -nameopt compat | sed 's/^subject=//')
	printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
		>"$P/ctl.ext"
	openssl req -new -key "$ctlkey" -subj "/CN=wlc-test" -out "$P/ctl.csr" &&
		openssl x509 -req -in "$P/ctl.csr" -CA "$lscca" -CAkey "$lsckey" \
			-set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$P/ctl.ext" \
			-out "$P/ctl.crt" &&
		ec_ca mfg "/O=capwap-lsc simulated AP maker/CN=Simulated Manufacturing CA" &&
		ec_ca unknown "/O=another AP maker/CN=Unknown Manufacturing CA" &&
		ec_ca foreign "$lscca_subject" &&
		leaf lscA "$lscca" "$lsckey" "CAP3G1-$(hexmac $A)" &&
		leaf micY "$P/mfg.crt" "$P/mfg.key" "AIR-AP3G1-K9-$(hexmac $Y)" &&
		leaf micU "$P/unknown.crt" "$P/unknown.key" "AIR-AP3G1-K9-$(hexmac $U)" &&
		leaf lscF "$P/foreign.crt" "$P/foreign.key" "CAP3G1-$(hexmac $F)" &&
		ssc sscS1 "CAP3G1-$(hexmac $S1)" && ssc sscS2 "CAP3G1-$(hexmac $S2)" &&
		python3 tests/tools/expired_cert.py "$P/mfg.key" "$P/mfg.crt" \
			"AIR-AP3G1-K9-$(hexmac $E)" "$P/micE" &&
		python3 - "$P" <<'PY' || return 1
# A's captured LSC without its key: a SEC1 key holding the certificate's
# public point and another key's scalar.
import base64, sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
p = sys.argv[1]


def der(tag, body):
    n = len(body)
    ln = bytes([n]) if n < 128 else bytes([0x81, n])
    return bytes([tag]) + ln + body


lsc = x509.load_pem_x509_certificate(open(f"{p}/lscA.crt", "rb").read())
point = lsc.public_key().public_bytes(serialization.Encoding.X962,
                                      serialization.PublicFormat.UncompressedPoint)
scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
prime256v1 = bytes.fromhex("06082a8648ce3d030107")
sec1 = der(0x30, der(0x02, b"\x01") + der(0x04, scalar.to_bytes(32, "big")) +
           der(0xa0, prime256v1) + der(0xa1, der(0x03, b"\x00" + point)))
open(f"{p}/captured.key", "w").write(
    "-----BEGIN EC PRIVATE KEY-----\n" +
    "\n".join(base64.encodebytes(sec1).decode().split()) +
    "\n-----END EC PRIVATE KEY-----\n")
PY
	chmod 600 "$P"/*.key &&
	echo "$S2 $(openssl x509 -in "$P/sscS2.crt" -noout -pubkey |
		openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)" >"$P/ssc-allow.txt"
}
