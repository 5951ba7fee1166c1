#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The CAPWAP DTLS header (RFC 5415 section 4.2) around a plain DTLS client.

`openssl s_client -dtls1_2` (or `-dtls1`) is a real OpenSSL DTLS client, but
it cannot put the 4-byte CAPWAP DTLS header before its records, and lsc-wtp,
the AP the tests use otherwise, always presents a certificate and never
speaks DTLS 1.0.  The handshakes only s_client can make (no client
certificate, a DTLS 1.0 ClientHello) go through this shim: it listens on
127.0.0.1:PORT, adds the header to each client's datagrams and sends them
to the controller from a socket of that client's own (a new source port
for each s_client run: to the controller each is a new peer, as a new AP
would be, and no state of one run meets the next); it takes the header off
the controller's datagrams and hands them back to that client.  Nothing
else is touched: the DTLS records are OpenSSL's and the controller's.
Each first datagram of a client is logged ("client ADDR via PORT").

  capwap-dtls-shim.py PORT AC_HOST:AC_PORT

It prints "ready" once both sockets are bound and runs until killed.
"""
import select
import socket
import sys

HEADER = bytes([1, 0, 0, 0])  # preamble version 0, type 1: DTLS follows


def main():
    port = int(sys.argv[1])
    host, ac_port = sys.argv[2].rsplit(":", 1)
    ac = (host, int(ac_port))
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind(("127.0.0.1", port))
    backs = {}  # client address -> its socket towards the controller
    clients = {}  # that socket -> the client address
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([front] + list(clients), [], [])
        for sock in ready:
            # An ICMP error surfaces as an OSError on the next call: the
            # datagram is lost, as it would be on the wire, and DTLS resends.
            try:
                if sock is front:
                    data, client = front.recvfrom(65535)
                    back = backs.get(client)
                    if back is None:
                        back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        back.bind(("127.0.0.1", 0))
                        backs[client] = back
                        clients[back] = client
                        print("client %s:%d via %d" % (client + back.getsockname()[1:]),
                              flush=True)
                    back.sendto(HEADER + data, ac)
                else:
                    data, src = sock.recvfrom(65535)
                    if src == ac and data[:4] == HEADER:
                        front.sendto(data[4:], clients[sock])
            except OSError:
                pass


if __name__ == "__main__":
    main()
