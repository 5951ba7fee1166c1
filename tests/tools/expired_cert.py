#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# expired_cert.py CA_KEY CA_CRT CN OUT: OUT.crt and OUT.key, a P-256 leaf
# for CN that CA issued valid in 2020 only.  openssl(1) of Debian 12 cannot
# date a certificate in the past, and the refusal of an expired peer
# certificate needs one that is otherwise good.
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ca_key_path, ca_crt_path, cn, out = sys.argv[1:5]
with open(ca_key_path, "rb") as f:
    ca_key = serialization.load_pem_private_key(f.read(), None)
with open(ca_crt_path, "rb") as f:
    ca = x509.load_pem_x509_certificate(f.read())
key = ec.generate_private_key(ec.SECP256R1())
crt = (x509.CertificateBuilder()
       .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
       .issuer_name(ca.subject).public_key(key.public_key())
       .serial_number(x509.random_serial_number())
       .not_valid_before(datetime.datetime(2020, 1, 1))
       .not_valid_after(datetime.datetime(2020, 12, 31))
       .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
       .sign(ca_key, hashes.SHA256()))
with open(f"{out}.crt", "wb") as f:
    f.write(crt.public_bytes(serialization.Encoding.PEM))
with open(f"{out}.key", "wb") as f:
    f.write(key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))
