# SPDX-License-Identifier: GPL-2.0
# Sourced by the LSC cases: a CA, an AP key with its CSR and certificate,
# and a certificate from a second CA, as DER files under build/fixtures/lsc.
# Made on the host when possible (RSA key generation is ~30x slower in
# the VM); made here when missing.

lsc_fixtures() {
	local d=${1:-build/fixtures/lsc}
	[ -s "$d/other.der" ] && { echo "$d"; return 0; }
	if ! mkdir -p "$d" 2>/dev/null || ! [ -w "$d" ]; then
		d=$(mktemp -d)
	fi
	(
		cd "$d" || exit 1
		for ca in ca other-ca; do
			openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key \
				-subj "/O=capwap-lsc tests/CN=$ca" -days 3650 \
				-out $ca.pem
		done
		openssl req -newkey rsa:2048 -nodes -keyout ap.key \
			-subj "/CN=CAIR-LAP1262N-02ca00000004" -outform DER -out csr.der
		# The kernel finds the signer by the authority key identifier.
		printf '%s\n' 'basicConstraints=CA:FALSE' \
			'subjectKeyIdentifier=hash' \
			'authorityKeyIdentifier=keyid' > ext.cnf
		for ca in ca other-ca; do
			openssl x509 -req -extfile ext.cnf -inform DER -in csr.der -CA $ca.pem \
				-CAkey $ca.key -set_serial 0x$(openssl rand -hex 8) \
				-days 365 -out ap-$ca.pem
		done
		openssl x509 -in ca.pem -outform DER -out ca.der
		openssl x509 -in ap-ca.pem -outform DER -out ap.der
		openssl x509 -in ap-other-ca.pem -outform DER -out other.der
	) >/dev/null 2>&1 || return 1
	echo "$d"
}
