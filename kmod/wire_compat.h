/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The wire code is built twice: into capwap_lsc.ko and into userspace
 * (libwire.a, the unit tests and the fuzzer).  This header is the only
 * place that knows which: it gives both builds the few kernel types and
 * helpers the wire code uses, so wire*.c carry no #ifdefs of their own.
 */
#ifndef _CAPWAP_LSC_WIRE_COMPAT_H
#define _CAPWAP_LSC_WIRE_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
/*
 * Linux 6.12 moved the unaligned accessors; DKMS builds for both sides.
 * The quoted form finds the same header and keeps checkpatch parsing.
 */
#if __has_include("linux/unaligned.h")
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#else /* !__KERNEL__ */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* Byte by byte, so neither alignment nor host byte order matters. */
static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline void put_unaligned_be16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = v;
}

static inline void put_unaligned_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* Keys are wiped with what the compiler may not drop as a dead store. */
static inline void memzero_explicit(void *p, size_t n)
{
	explicit_bzero(p, n);
}

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* __KERNEL__ */

#endif /* _CAPWAP_LSC_WIRE_COMPAT_H */
