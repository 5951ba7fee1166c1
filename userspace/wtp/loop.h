/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One event loop for every simulated AP: epoll for the sockets and a
 * binary heap of deadlines for the timers, so ten thousand APs cost one
 * epoll_wait per wake-up and O(log n) per timer change.
 */
#ifndef WTP_LOOP_H
#define WTP_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wtp_loop;

struct wtp_io {
	int fd;
	void (*ready)(struct wtp_io *io);
};

struct wtp_timer {
	uint64_t due;		/* lsc_now_ms() clock */
	size_t slot;		/* heap index + 1, 0 when not armed */
	void (*fire)(struct wtp_timer *t);
};

struct wtp_loop {
	int epfd;
	struct wtp_timer **heap;
	size_t n, cap;
	bool stop;
};


int wtp_loop_init(struct wtp_loop *l);
void wtp_loop_free(struct wtp_loop *l);
int wtp_loop_add(struct wtp_loop *l, struct wtp_io *io);
void wtp_loop_del(struct wtp_loop *l, struct wtp_io *io);
/* Arms @t at absolute time @due, re-arming it if armed. */
void wtp_timer_at(struct wtp_loop *l, struct wtp_timer *t, uint64_t due);
void wtp_timer_in(struct wtp_loop *l, struct wtp_timer *t, uint64_t ms);
void wtp_timer_stop(struct wtp_loop *l, struct wtp_timer *t);
/* Runs until wtp_loop.stop is set; -1 on an epoll failure. */
int wtp_loop_run(struct wtp_loop *l);

#endif /* WTP_LOOP_H */
