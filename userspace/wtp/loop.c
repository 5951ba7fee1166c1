// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "loop.h"

int wtp_loop_init(struct wtp_loop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -errno : 0;
}

void wtp_loop_free(struct wtp_loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->heap);
	l->heap = NULL;
	l->n = l->cap = 0;
}

int wtp_loop_add(struct wtp_loop *l, struct wtp_io *io)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = io };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, io->fd, &ev) ? -errno : 0;
}

void wtp_loop_del(struct wtp_loop *l, struct wtp_io *io)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

static void place(struct wtp_loop *l, size_t i, struct wtp_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct wtp_loop *l, size_t i)
{
	struct wtp_timer *t = l->heap[i];

	while (i) {
		size_t p = (i - 1) / 2;

		if (l->heap[p]->due <= t->due)
			break;
		place(l, i, l->heap[p]);
		i = p;
	}
	place(l, i, t);
}

static void sift_down(struct wtp_loop *l, size_t i)
{
	struct wtp_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->n)
			break;
		if (c + 1 < l->n && l->heap[c + 1]->due < l->heap[c]->due)
			c++;
		if (t->due <= l->heap[c]->due)
			break;
		place(l, i, l->heap[c]);
		i = c;
	}
	place(l, i, t);
}

void wtp_timer_stop(struct wtp_loop *l, struct wtp_timer *t)
{
	struct wtp_timer *moved;
	size_t i;

	if (!t->slot)
		return;
	i = t->slot - 1;
	t->slot = 0;
	if (i == --l->n)
		return;
	moved = l->heap[l->n];
	place(l, i, moved);
	sift_up(l, i);
	sift_down(l, moved->slot - 1);
}

void wtp_timer_at(struct wtp_loop *l, struct wtp_timer *t, uint64_t due)
{
	wtp_timer_stop(l, t);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct wtp_timer **h = realloc(l->heap, cap * sizeof(*h));

		if (!h) {
			/* Only at startup-sized allocations; losing a timer would hang an AP. */
			lsc_err("out of memory for timers");
			abort();
		}
		l->heap = h;
		l->cap = cap;
	}
	t->due = due;
	place(l, l->n++, t);
	sift_up(l, l->n - 1);
}

void wtp_timer_in(struct wtp_loop *l, struct wtp_timer *t, uint64_t ms)
{
	wtp_timer_at(l, t, lsc_now_ms() + ms);
}

static void run_timers(struct wtp_loop *l)
{
	uint64_t now = lsc_now_ms();

	while (l->n && l->heap[0]->due <= now && !l->stop) {
		struct wtp_timer *t = l->heap[0];

		wtp_timer_stop(l, t);
		t->fire(t);
	}
}

int wtp_loop_run(struct wtp_loop *l)
{
	struct epoll_event evs[64];
	int i, n, timeout;

	while (!l->stop) {
		run_timers(l);
		if (l->stop)
			break;
		timeout = -1;
		if (l->n) {
			uint64_t now = lsc_now_ms(), due = l->heap[0]->due;

			timeout = due > now ? (int)(due - now) : 0;
		}
		n = epoll_wait(l->epfd, evs, 64, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			lsc_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < n && !l->stop; i++) {
			struct wtp_io *io = evs[i].data.ptr;

			io->ready(io);
		}
	}
	return 0;
}
