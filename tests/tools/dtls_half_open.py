#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""dtls_half_open: keeps DTLS handshakes half-open at a CAPWAP controller.

    dtls_half_open.py HOST PORT EVERY

Every EVERY seconds it starts a real OpenSSL client (openssl s_client
-dtls1_2) behind a small UDP shim of its own, which adds the CAPWAP DTLS
header (RFC 5415 section 4.2) that s_client cannot write, and strips it
from the answers.  The shim passes the client's first two datagrams (the
ClientHello and the one returning the cookie) and nothing after them: the
controller has then made an association and sent its flight, and waits
for a Certificate that never comes, until its handshake deadline.  No
real AP stops there on purpose: this is the steady trickle of half-open
handshakes a lossy or hostile network makes, which must not keep an old
policy in use.  Prints "half-open N" once the controller answered the
N-th returned cookie.  Each client is ended after 40 s; runs until killed.
"""
import selectors
import socket
import subprocess
import sys
import time

HDR = b"\x01\x00\x00\x00"


def main():
    target = (sys.argv[1], int(sys.argv[2]))
    every = float(sys.argv[3])
    sel = selectors.DefaultSelector()
    sessions = []
    n = 0
    next_start = 0.0
    while True:
        now = time.monotonic()
        if now >= next_start:
            n += 1
            s = {"n": n, "sent": 0, "client": None, "told": False,
                 "started": now}
            s["local"] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s["local"].bind(("127.0.0.1", 0))
            s["up"] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s["up"].connect(target)
            port = s["local"].getsockname()[1]
            s["proc"] = subprocess.Popen(
                ["openssl", "s_client", "-dtls1_2", "-quiet",
                 "-connect", "127.0.0.1:%d" % port],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            sel.register(s["local"], selectors.EVENT_READ, (s, "local"))
            sel.register(s["up"], selectors.EVENT_READ, (s, "up"))
            sessions.append(s)
            next_start = now + every
        for key, _ in sel.select(timeout=0.5):
            s, side = key.data
            if side == "local":
                data, s["client"] = s["local"].recvfrom(65536)
                if s["sent"] < 2:
                    s["up"].send(HDR + data)
                    s["sent"] += 1
            else:
                try:
                    data = s["up"].recv(65536)
                except OSError:
                    continue
                if len(data) > 4 and data[0] == 1 and s["client"]:
                    s["local"].sendto(data[4:], s["client"])
                if s["sent"] == 2 and not s["told"]:
                    s["told"] = True
                    print("half-open %d" % s["n"], flush=True)
        for s in [s for s in sessions if now - s["started"] > 40]:
            s["proc"].kill()
            s["proc"].wait()
            for k in ("local", "up"):
                sel.unregister(s[k])
                s[k].close()
            sessions.remove(s)


if __name__ == "__main__":
    main()
