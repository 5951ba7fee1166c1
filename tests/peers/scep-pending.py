#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A SCEP front that makes a real CA look slow: PENDING, then SUCCESS.

Why it exists: no SCEP CA packaged for Debian ever answers PENDING (the
micromdm scepserver issues or refuses at once), yet the client's CertPoll
path (RFC 8894 section 3.3.3: GetCertInitial, same transactionID, back-off)
must be exercised against something other than itself.  This front
forwards everything to a real scepserver.  When scepserver issues a
certificate, the front keeps its CertRep and answers PENDING instead;
each CertPoll for that transactionID gets PENDING again until --pending
polls have been made, then SUCCESS with scepserver's encrypted envelope,
re-signed by the same CA key so that the recipientNonce answers the poll.
A FAILURE from scepserver is passed through unchanged.

Only the standard library and the openssl command line (for the RSA
signature) are used; the DER here is the few structures SCEP needs.

With --pending 0 it is a plain relay, and with --tls-cert/--tls-key it
speaks HTTPS: the client's CA bundle and key pinning are tested through it
(scepserver itself has no TLS).  --hold S keeps every PKIOperation S
seconds before answering it, as a slow CA does (a CA that hangs: a large
S); the front logs how many it holds at once ("in flight N"), which is how
the client's concurrency shows.  SIGUSR1 releases the transactions held
at that moment: their next CertPoll gets SUCCESS whatever --pending says,
so a test decides when a request stops being PENDING.  --caps TEXT
answers GetCACaps with TEXT (one capability per line, or comma-separated)
instead of the upstream's, as a man in the middle would: the client's
downgrade refusal is tested so.

--cut N closes the connection, unanswered, on the first N requests
scepserver issued, as an outage in the middle of a transfer does, and
keeps each of those transactions: a CertPoll for it gets SUCCESS with
the certificate issued, as from a CA that keeps its transactions (which
scepserver does not), while a request sent again goes to scepserver,
which issues a second certificate.

--next-ca PEM announces a CA rollover, which neither scepserver nor
step-ca implements (RFC 8894 section 4.7): GetCACaps gains GetNextCACert,
and GetNextCACert answers with the certificates of PEM in a certs-only
PKCS#7, wrapped in a CMS SignedData by --next-ca-signer KEY (with
--next-ca-signer-cert PEM, default --ca-cert) -- or bare, unsigned, when
no signer is given, as a forger without the CA's key would send it.
With --args-file F, SIGHUP replaces every option but --port and --tls-* by
those in F (the CA "switches" without a new process, which is slow to start
in the VM), and logs "reloaded N".

usage: scep-pending.py --port P --upstream URL --ca-cert PEM --ca-key PEM
                       [--ca-pass PASS] [--pending N] [--hold S]
                       [--tls-cert PEM --tls-key PEM] [--caps TEXT]
                       [--next-ca PEM [--next-ca-signer KEY
                        [--next-ca-signer-cert PEM]]] [--args-file F]
"""

import argparse
import base64
import hashlib
import http.server
import os
import shlex
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"
OID_RSA = "1.2.840.113549.1.1.1"
OID_MESSAGE_TYPE = "2.16.840.1.113733.1.9.2"
OID_PKI_STATUS = "2.16.840.1.113733.1.9.3"
OID_SENDER_NONCE = "2.16.840.1.113733.1.9.5"
OID_RECIPIENT_NONCE = "2.16.840.1.113733.1.9.6"
OID_TRANSACTION_ID = "2.16.840.1.113733.1.9.7"


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def der_set(*items):
    return tlv(0x31, b"".join(sorted(items)))


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)


def parse(data, pos=0):
    """One TLV at pos: (tag, content start, content end, next pos)."""
    tag = data[pos]
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    return tag, pos, pos + n, pos + n


def children(data, start, end):
    out = []
    while start < end:
        tag, s, e, start = parse(data, start)
        out.append((tag, s, e))
    return out


def oid_str(raw):
    first = raw[0]
    parts = [first // 40, first % 40]
    v = 0
    for b in raw[1:]:
        v = (v << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(v)
            v = 0
    return ".".join(str(p) for p in parts)


def signed_data(msg):
    """SignedData's children of a ContentInfo."""
    _, s, e, _ = parse(msg)
    ci = children(msg, s, e)
    _, s0, e0 = ci[1]
    _, s1, e1, _ = parse(msg, s0)
    return children(msg, s1, e1)


def message_attrs(msg):
    """The signed attributes of a pkiMessage's single signer, by OID."""
    sd = signed_data(msg)
    tag, s, e = sd[-1]
    signer = children(msg, s, e)[0]
    attrs = {}
    for tag, s, e in children(msg, signer[1], signer[2]):
        if tag != 0xA0:
            continue
        for _, a_s, a_e in children(msg, s, e):
            (_, o_s, o_e), (_, v_s, v_e) = children(msg, a_s, a_e)
            value = children(msg, v_s, v_e)[0]
            attrs[oid_str(msg[o_s:o_e])] = msg[value[1]:value[2]]
    return attrs


def econtent(msg):
    """The encapsulated content (the pkcsPKIEnvelope) or b''."""
    sd = signed_data(msg)
    _, s, e = sd[2]
    parts = children(msg, s, e)
    if len(parts) < 2:
        return b""
    _, s, e = parts[1]
    tag, s, e, _ = parse(msg, s)
    if tag == 0x04:
        return msg[s:e]
    return b"".join(msg[cs:ce] for _, cs, ce in children(msg, s, e))


class CA:
    def __init__(self, cert_pem, key_path, password):
        der = base64.b64decode(
            b"".join(l for l in open(cert_pem, "rb").read().splitlines()
                     if l and not l.startswith(b"-----")))
        self.cert = der
        _, s, e, _ = parse(der)
        tbs = children(der, *parse(der, s)[1:3])
        i = 1 if tbs[0][0] == 0xA0 else 0
        serial_tag = tbs[i]
        self.serial = tlv(0x02, der[serial_tag[1]:serial_tag[2]])
        issuer = tbs[i + 2]
        self.issuer = tlv(0x30, der[issuer[1]:issuer[2]])
        self.key = key_path
        self.password = password

    def sign(self, data):
        return subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", self.key,
             "-passin", "pass:" + self.password],
            input=data, stdout=subprocess.PIPE, check=True).stdout

    def certrep(self, status, tid, recipient_nonce, content=b""):
        alg = seq(oid(OID_SHA256), tlv(0x05, b""))
        attrs = [
            seq(oid(OID_CONTENT_TYPE), der_set(oid(OID_DATA))),
            seq(oid(OID_MESSAGE_DIGEST),
                der_set(tlv(0x04, hashlib.sha256(content).digest()))),
            seq(oid(OID_MESSAGE_TYPE), der_set(tlv(0x13, b"3"))),
            seq(oid(OID_PKI_STATUS), der_set(tlv(0x13, str(status).encode()))),
            seq(oid(OID_TRANSACTION_ID), der_set(tlv(0x13, tid))),
            seq(oid(OID_SENDER_NONCE), der_set(tlv(0x04, os.urandom(16)))),
            seq(oid(OID_RECIPIENT_NONCE), der_set(tlv(0x04, recipient_nonce))),
        ]
        signed = der_set(*attrs)
        signature = self.sign(signed)
        signer = seq(tlv(0x02, b"\x01"), seq(self.issuer, self.serial), alg,
                     b"\xA0" + signed[1:], seq(oid(OID_RSA), tlv(0x05, b"")),
                     tlv(0x04, signature))
        encap = seq(oid(OID_DATA), tlv(0xA0, tlv(0x04, content))) \
            if content else seq(oid(OID_DATA))
        sd = seq(tlv(0x02, b"\x01"), der_set(alg), encap,
                 tlv(0xA0, self.cert), der_set(signer))
        return seq(oid(OID_SIGNED_DATA), tlv(0xA0, sd))


class Front(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("scep-pending: " + (fmt % args) + "\n")

    def reply(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def upstream(self, query, body=None):
        req = urllib.request.Request(self.server.upstream + "?" + query, data=body)
        if body is not None:
            req.add_header("Content-Type", "application/x-pki-message")
        # One request at a time upstream: scepserver's depot is not safe
        # under concurrent enrollments, whatever the client does.
        with self.server.lock:
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    return r.status, r.headers.get("Content-Type", ""), r.read()
            except urllib.error.HTTPError as e:
                return e.code, e.headers.get("Content-Type", "text/plain"), e.read()

    def pki_operation(self, msg, query):
        attrs = message_attrs(msg)
        mtype = int(attrs[OID_MESSAGE_TYPE])
        tid = attrs[OID_TRANSACTION_ID]
        nonce = attrs[OID_SENDER_NONCE]
        state = self.server.state
        with self.server.lock:
            known = tid in state
        if mtype in (17, 19):
            status, ctype, body = self.upstream(query, msg)
            issued = status == 200 and \
                message_attrs(body).get(OID_PKI_STATUS) == b"0"
            with self.server.lock:
                cut = issued and self.server.cut > 0
                if cut:
                    self.server.cut -= 1
                    state[tid] = {"polls": 0, "envelope": econtent(body),
                                  "released": True}
            if cut:
                self.log_message("%s: issued upstream, answer cut off", tid.decode())
                self.close_connection = True
                return None
            if status != 200 or self.server.pending == 0:
                return self.reply(status, ctype, body)
            if message_attrs(body).get(OID_PKI_STATUS) != b"0":
                return self.reply(status, ctype, body)
            with self.server.lock:
                state[tid] = {"polls": 0, "envelope": econtent(body)}
            self.log_message("%s: issued upstream, answering PENDING", tid.decode())
            return self.reply(200, "application/x-pki-message",
                              self.server.ca.certrep(3, tid, nonce))
        if mtype == 20 and known:
            with self.server.lock:
                st = state[tid]
                st["polls"] += 1
                polls = st["polls"]
                if st.get("released"):
                    polls = max(polls, self.server.pending)
                if polls >= self.server.pending:
                    del state[tid]
            if polls < self.server.pending:
                self.log_message("%s: poll %d, PENDING", tid.decode(), polls)
                return self.reply(200, "application/x-pki-message",
                                  self.server.ca.certrep(3, tid, nonce))
            self.log_message("%s: poll %d, SUCCESS", tid.decode(), polls)
            return self.reply(200, "application/x-pki-message",
                              self.server.ca.certrep(0, tid, nonce, st["envelope"]))
        return self.reply(400, "text/plain", b"unexpected messageType\n")

    def held(self, msg, query):
        srv = self.server
        with srv.lock:
            srv.in_flight += 1
            self.log_message("in flight %d", srv.in_flight)
        try:
            time.sleep(srv.hold)
            return self.pki_operation(msg, query)
        finally:
            with srv.lock:
                srv.in_flight -= 1

    def do_GET(self):
        query = urllib.parse.urlparse(self.path).query
        params = urllib.parse.parse_qs(query)
        if params.get("operation") == ["PKIOperation"]:
            msg = base64.b64decode(params["message"][0])
            return self.held(msg, "operation=PKIOperation")
        if params.get("operation") == ["GetCACaps"] and self.server.caps is not None:
            return self.reply(200, "text/plain", self.server.caps)
        if params.get("operation") == ["GetNextCACert"] and self.server.next_ca:
            return self.reply(200, "application/x-x509-next-ca-cert",
                              self.server.next_ca)
        status, ctype, body = self.upstream(query)
        if params.get("operation") == ["GetCACaps"] and self.server.next_ca \
                and status == 200:
            body = body.rstrip(b"\r\n") + b"\nGetNextCACert"
        self.reply(status, ctype, body)

    def do_POST(self):
        query = urllib.parse.urlparse(self.path).query
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.held(body, query)


def next_ca_reply(a):
    """GetNextCACert's answer, made once with the openssl command line."""
    p7 = subprocess.run(
        ["openssl", "crl2pkcs7", "-nocrl", "-certfile", a.next_ca,
         "-outform", "DER"], stdout=subprocess.PIPE, check=True).stdout
    if not a.next_ca_signer:
        return p7
    return subprocess.run(
        ["openssl", "cms", "-sign", "-binary", "-nodetach", "-md", "sha256",
         "-outform", "DER", "-signer", a.next_ca_signer_cert or a.ca_cert,
         "-inkey", a.next_ca_signer, "-passin", "pass:" + a.ca_pass],
        input=p7, stdout=subprocess.PIPE, check=True).stdout


def configure(srv, a):
    """What a SIGHUP may change: the upstream and what the front adds."""
    srv.upstream = a.upstream
    srv.ca = CA(a.ca_cert, a.ca_key, a.ca_pass)
    srv.pending = a.pending
    srv.hold = a.hold
    srv.cut = a.cut
    srv.caps = a.caps.replace(",", "\n").encode() if a.caps is not None else None
    srv.next_ca = next_ca_reply(a) if a.next_ca else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--ca-cert", required=True)
    ap.add_argument("--ca-key", required=True)
    ap.add_argument("--ca-pass", default="")
    ap.add_argument("--pending", type=int, default=3)
    ap.add_argument("--hold", type=float, default=0)
    ap.add_argument("--cut", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--caps")
    ap.add_argument("--next-ca")
    ap.add_argument("--next-ca-signer")
    ap.add_argument("--next-ca-signer-cert")
    ap.add_argument("--args-file")
    a = ap.parse_args()
    # Threads, so that one client's idle keep-alive connection does not
    # hold up another's request.
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Front)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    configure(srv, a)
    srv.in_flight = 0
    srv.state = {}

    def release(_sig, _frame):
        with srv.lock:
            for st in srv.state.values():
                st["released"] = True
        sys.stderr.write("scep-pending: released %d transaction(s)\n" % len(srv.state))

    def reload(_sig, _frame):
        with open(a.args_file) as f:
            b = ap.parse_args(["--port", str(a.port)] + shlex.split(f.read()))
        with srv.lock:
            configure(srv, b)
            srv.reloads += 1
        sys.stderr.write("scep-pending: reloaded %d: %s\n" % (srv.reloads, b.upstream))

    signal.signal(signal.SIGUSR1, release)
    srv.reloads = 0
    if a.args_file:
        signal.signal(signal.SIGHUP, reload)
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
