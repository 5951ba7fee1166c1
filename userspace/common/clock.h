/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LSC_CLOCK_H
#define LSC_CLOCK_H

#include <stdint.h>

/*
 * CLOCK_MONOTONIC: timers and deadlines must not jump when an operator
 * or NTP sets the wall clock.
 */
uint64_t lsc_now_ms(void);
uint64_t lsc_now_us(void);

#endif /* LSC_CLOCK_H */
