#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""aead_weigh.py N: what one keyed "gcm(aes)" transform costs in kernel slab
memory, as the module gets it (synchronous: CRYPTO_ALG_ASYNC masked out,
which on x86 with AES-NI gives gcm_base(ctr(aes-aesni),ghash-generic)) and
as the kernel builds it when asynchronous implementations are allowed
(generic-gcm-aesni behind cryptd), for `make bench`
(tests/bench/dtls-guest.sh).  AF_ALG takes no ASYNC mask, so the
synchronous one is named by its driver.  A purpose-built
measuring tool: no kernel code, AF_ALG allocates the transform at bind() and
keys it at ALG_SET_KEY, exactly as crypto_alloc_aead() and
crypto_aead_setkey() do for the module; the sockets are made before the
first measure, so only their binding and keying is weighed (with AF_ALG's
small per-socket aead_tfm, the same for both).  Needs root (the caches
are dropped before each measure)."""

import os
import socket
import sys
import time

CRYPTO_ALG_ASYNC = 0x80
SLAB = "/sys/kernel/slab"


def slabs():
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")
    out = {}
    for name in os.listdir(SLAB):
        d = os.path.join(SLAB, name)
        if os.path.islink(d):
            continue
        with open(os.path.join(d, "objects")) as f:
            objs = int(f.read().split()[0])
        with open(os.path.join(d, "object_size")) as f:
            size = int(f.read())
        out[name] = (objs, size)
    return out


def sockets():
    with open(os.path.join(SLAB, "sock_inode_cache", "objects")) as f:
        return int(f.read().split()[0])


def weigh(n, name):
    """Slab bytes per keyed transform and the largest caches' shares: N
    AF_ALG sockets are made first, then bound to NAME and keyed, and only
    the second step is weighed."""
    base = sockets()
    socks = [socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0)
             for _ in range(n)]
    before = slabs()
    for s in socks:
        s.bind(("aead", name))
        s.setsockopt(socket.SOL_ALG, socket.ALG_SET_KEY, os.urandom(16))
    after = slabs()
    for s in socks:
        s.close()
    # Sockets go after an RCU grace period: the next measure must not
    # see these leave.
    for _ in range(300):
        if sockets() <= base + 4:
            break
        time.sleep(0.1)
    shares = []
    for k, (objs, size) in after.items():
        d = objs - before.get(k, (0, size))[0]
        shares.append((d * size / n, k, d / n, size))
    return sum(x[0] for x in shares), sorted(shares, reverse=True)[:4]


def driver():
    """The gcm(aes) drivers /proc/crypto lists, as instantiated."""
    names, name = [], None
    with open("/proc/crypto") as f:
        for line in f:
            k, _, v = line.partition(":")
            k, v = k.strip(), v.strip()
            if k == "name":
                name = v
            elif k == "driver" and name == "gcm(aes)":
                names.append(v)
    return ", ".join(sorted(set(names)))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    for what, name in (
            ("the module's, synchronous", "gcm_base(ctr(aes-aesni),ghash-generic)"),
            ("asynchronous: AES-NI, through cryptd when SIMD is not usable", "gcm(aes)")):
        try:
            per, shares = weigh(n, name)
        except OSError as e:
            print("%s (%s): could not be measured: %s" % (name, what, e))
            continue
        print("%s (%s): %.0f bytes per keyed transform (%d transforms)"
              % (name, what, per, n))
        for share, k, objs, size in shares:
            if share >= 16:
                print("#   %-24s %5.2f x %4d = %5.0f bytes" % (k, objs, size, share))
    print("# gcm(aes) drivers instantiated: %s" % driver())


if __name__ == "__main__":
    main()
