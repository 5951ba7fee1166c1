// SPDX-License-Identifier: GPL-2.0
#include <time.h>

#include "clock.h"

uint64_t lsc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t lsc_now_ms(void)
{
	return lsc_now_us() / 1000;
}
