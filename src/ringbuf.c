/*
 * ringbuf.c - the BPF ring buffer consumer: several BPF_MAP_TYPE_RINGBUF
 * maps behind one edge-triggered epoll fd, records handed to callbacks in
 * place or taken one by one through an iterator.
 *
 * Layout, as the kernel maps it (kernel/bpf/ringbuf.c): page 0 holds the
 * consumer position, the only page user space may write; page 1 the
 * producer position; the data follows, its pages mapped twice in a row so
 * that a record wrapping past the end is contiguous. We map page 0
 * read-write and pages 1.. (producer page + 2 * size) read-only, in one
 * mapping each. A record is an 8-byte header (32-bit length with the busy
 * and discard bits on top, then the kernel's page offset) and the data,
 * the whole rounded up to 8 bytes.
 *
 * Ordering: the producer position is read with acquire (the records before
 * it are then visible) and each header with acquire (the kernel commits a
 * record by clearing its busy bit with a full-barrier xchg); the consumer
 * position is stored with release (our reads of a record are done before
 * the producer may reuse its space).
 *
 * Wakeups (why edge-triggered epoll is right here, and the one fence it
 * needs): the kernel wakes the waiters of a ring only when it commits a
 * record at the consumer position, i.e. when the consumer has caught up
 * and may be asleep; poll() on the map says "readable" whenever the
 * positions differ. Level-triggered epoll would report readiness again and
 * again while a record at the head is still being written (busy), and does
 * nothing for us otherwise. Edge-triggered, a wakeup is reported once -
 * but then we must never go to sleep while a committed record is waiting
 * that will bring no wakeup. That race is a store-buffering one:
 *
 *   consumer: store consumer_pos = P;  load producer_pos / header at P
 *   kernel:   store header (commit);   full barrier; load consumer_pos
 *
 * Without a full fence between our store and our load, both loads can
 * see the old values: we find nothing at P, the kernel sees a consumer
 * behind P and skips the wakeup, and the record waits until the next
 * record that finds the consumer caught up - which never comes, since the
 * consumer is now stuck behind P. So before we conclude "nothing more"
 * (ring empty, or the head record busy), we publish the position, issue a
 * seq_cst fence, and look once more. Then either we see the record, or
 * the kernel's load after its commit sees our position and wakes us. The
 * fence is paid once per drain, not per record, and only when we stored
 * since the last fence.
 *
 * Arming costs the producer: a commit that finds the consumer caught up
 * queues an irq_work (an interrupt, on a VM an exit) and wakes the
 * consumer's thread. A consumer that keeps up with a fast producer catches
 * up after nearly every record, and the producer ends up paying that for
 * every record - in our benchmark it then runs ten times slower. So while
 * records keep coming we leave the last record's end unpublished (the
 * kernel sees a consumer one record behind and commits without waking
 * anyone) and publish it, with the fence, only when we are about to sleep
 * ("final" drains: poll before its wait, consume before it returns). With
 * coalesce_us, poll also waits that long, unarmed, before arming.
 *
 * Batch mode stores the consumer position once per batch (when caught up,
 * and every quarter ring) instead of after every record: every reservation
 * of every producer loads that cache line, so storing it per record makes
 * it bounce between the consumer's CPU and the producers'.
 *
 * The drain loop guesses that the next record has the size of the last one
 * (most streams are one struct) and moves on before the current header is
 * checked, so that the CPU is not held up by the chain header load ->
 * length -> next header load; a wrong guess costs a mispredicted branch.
 *
 * Not here: the user ring buffer producer (user_ringbuf.c), perf buffers
 * (perfbuf.c).
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include <ebpfc/ringbuf.h>
#include "map_int.h"

/* The overwrite-mode flag of 6.19 (BPF_F_RB_OVERWRITE): a ring whose
 * producer overtakes the consumer, which this consumer does not handle. */
#define EBPFC__RB_OVERWRITE (1U << 19)

#define RB_HDR_SZ 8u
#define RB_FLAGS (BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)

struct ring {
	/* What a drain loads on entry, first. */
	const char *data;		/* the data area, mapped twice */
	unsigned long mask;		/* size - 1 */
	unsigned long cons;		/* where we read next */
	unsigned long prod;		/* the producer position as last read */
	unsigned long stride;		/* size of the last record: the next one's, guessed */
	unsigned long published;	/* last value stored to *consumer_pos */
	unsigned long *consumer_pos;	/* page 0, read-write */
	const unsigned long *producer_pos; /* page 1, read-only */
	ebpfc_ringbuf_sample_fn cb;
	void *user;
	/* The rest off the record loop. */
	unsigned long batch_max;	/* batch mode: publish at least this often */
	size_t taken;			/* records ebpfc_ringbuf_next() gave out unreleased */
	bool dirty;			/* stored consumer_pos since the last fence */
	size_t prod_map_sz;
};

struct ebpfc_ringbuf {
	struct ring *rings;
	size_t nr;
	size_t cap;
	struct epoll_event *events;	/* nr of them, for epoll_wait */
	int epfd;
	bool batch;
	bool dense;			/* records keep coming less than coalesce_ns apart */
	long long coalesce_ns;		/* 0: never wait without arming the wakeup */
	long long last_data_ns;		/* when poll last returned records */
};

static inline unsigned long load_acquire(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void publish(struct ring *r, unsigned long pos)
{
	__atomic_store_n(r->consumer_pos, pos, __ATOMIC_RELEASE);
	r->published = pos;
	r->dirty = true;
}

/*
 * The store-load fence of the header comment: after it, a load that finds
 * nothing is trustworthy, because a commit after it sees our position.
 */
static inline void settle(struct ring *r)
{
	if (r->dirty) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		r->dirty = false;
	}
}

static inline unsigned long rec_total(__u32 len)
{
	return ((unsigned long)(len & ~RB_FLAGS) + RB_HDR_SZ + 7) & ~7ul;
}

/*
 * Hand the committed records of one ring to its callback, at most `max`,
 * up to the producer position read on entry. Returns the number handed
 * over; *stop gets a callback's non-zero return. *more says that records
 * came in meanwhile (the caller comes back after serving the other rings,
 * so that a busy ring does not starve them).
 *
 * final: the caller may sleep next. Then the whole position is published
 * and, without a stop, a full budget or *more, the ring is verified
 * drained (empty, or blocked by a busy record) with a wakeup guaranteed
 * for what comes next. Otherwise the end of the last record is left
 * unpublished (see "Wakeups" above): the producer goes on seeing a
 * consumer one record behind, and commits without waking anyone.
 */
static inline __attribute__((always_inline)) int
ring_drain_impl(struct ring *r, const bool batch, bool final, int max, int *stop, bool *more)
{
	/*
	 * Everything the loop needs in locals: the callback is an opaque call,
	 * after which the compiler would otherwise reload every field of *r.
	 */
	const char *const data = r->data;
	const unsigned long mask = r->mask, batch_max = r->batch_max;
	const ebpfc_ringbuf_sample_fn cb = r->cb;
	void *const user = r->user;
	unsigned long *const consumer_pos = r->consumer_pos;
	unsigned long cons = r->cons, pub = r->published, stride = r->stride, prod, total;
	const __u32 *hdr;
	__u32 len;
	int n = 0, ret;

	prod = load_acquire(r->producer_pos);
	while (cons != prod) {
		/* Per record: give back the previous one now that there is a next. */
		if (!batch && cons != pub) {
			__atomic_store_n(consumer_pos, cons, __ATOMIC_RELEASE);
			pub = cons;
		}
		hdr = (const __u32 *)(data + (cons & mask));
		len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (__builtin_expect((len & RB_FLAGS) || n == max, 0)) {
			if (len & BPF_RINGBUF_BUSY_BIT) {
				/* Being written: stop, once its commit is sure to wake us. */
				if (!final)
					break;
				if (cons != pub) {
					__atomic_store_n(consumer_pos, cons, __ATOMIC_RELEASE);
					pub = cons;
				}
				if (pub == r->published && !r->dirty)
					break;
				r->published = pub;
				r->dirty = true;
				settle(r);
				len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
				if (len & BPF_RINGBUF_BUSY_BIT)
					break;
			}
			if (len & BPF_RINGBUF_DISCARD_BIT) {
				cons += rec_total(len);
				goto next;
			}
			if (n == max) {
				*more = true;
				break;
			}
		}
		ret = cb(user, hdr + 2, len);
		n++;
		/*
		 * The next record's place, guessed: the last record's size again
		 * (events are mostly one struct). Only a mispredicted branch
		 * depends on this record's length, so the CPU runs ahead into
		 * the next records instead of waiting for each header load,
		 * which is what bounds a loop that walks variable-size records.
		 */
		total = rec_total(len);
		cons += stride;
		if (__builtin_expect(total != stride, 0)) {
			/* Keeps the compiler from folding the guess back into cons += total. */
			__asm__ __volatile__("" : "+r"(cons));
			cons += total - stride;
			stride = total;
		}
		if (__builtin_expect(ret != 0, 0)) {
			*stop = ret;
			__atomic_store_n(consumer_pos, cons, __ATOMIC_RELEASE);
			pub = cons;
			break;
		}
next:
		if (batch && cons - pub >= batch_max) {
			__atomic_store_n(consumer_pos, cons, __ATOMIC_RELEASE);
			pub = cons;
		}
	}
	r->stride = stride;
	r->dirty |= pub != r->published;
	r->published = pub;
	if (final && cons != pub)
		publish(r, cons);
	if (cons == prod && !*stop) {
		/* Caught up with what we read: (fence and) look once more. */
		if (final)
			settle(r);
		prod = load_acquire(r->producer_pos);
		if (cons != prod)
			*more = true;
	}
	r->cons = cons;
	r->prod = prod;
	r->taken = 0;
	return n;
}

/* One loop per mode, each without the other's test in it. */
static int ring_drain(struct ring *r, bool batch, bool final, int max, int *stop, bool *more)
{
	if (batch)
		return ring_drain_impl(r, true, final, max, stop, more);
	return ring_drain_impl(r, false, final, max, stop, more);
}

/*
 * Is a committed record (or a discarded one to skip) waiting at r->cons?
 * For rings read with the iterator. With nothing given out, a "no" comes
 * with the wakeup guarantee: the position is published and fenced first.
 */
static bool ring_ready(struct ring *r)
{
	const __u32 *hdr;

	if (r->cons == r->prod) {
		if (!r->taken) {
			if (r->cons != r->published)
				publish(r, r->cons);
			settle(r);
		}
		r->prod = load_acquire(r->producer_pos);
		if (r->cons == r->prod)
			return false;
	}
	hdr = (const __u32 *)(r->data + (r->cons & r->mask));
	if (!(__atomic_load_n(hdr, __ATOMIC_ACQUIRE) & BPF_RINGBUF_BUSY_BIT))
		return true;
	if (r->taken)
		return false;
	if (r->cons != r->published)
		publish(r, r->cons);
	if (!r->dirty)
		return false;
	settle(r);
	return !(__atomic_load_n(hdr, __ATOMIC_ACQUIRE) & BPF_RINGBUF_BUSY_BIT);
}

/*
 * Drain the rings listed in idx (all rings when idx is NULL), round-robin:
 * each up to where its producer was, then again those that got more,
 * until all are drained, the budget is spent or a callback stops. `final`
 * as for ring_drain(). *iter_ready (may be NULL) says a listed ring
 * without callback has records.
 */
static int drain_rings(struct ebpfc_ringbuf *rb, const struct epoll_event *idx, size_t cnt,
		       bool final, int max, bool *iter_ready)
{
	int total = 0, stop = 0;
	bool more;
	size_t i;

	do {
		more = false;
		for (i = 0; i < cnt && total < max; i++) {
			struct ring *r = &rb->rings[idx ? idx[i].data.u32 : i];

			if (!r->cb) {
				if (iter_ready && ring_ready(r))
					*iter_ready = true;
				continue;
			}
			total += ring_drain(r, rb->batch, final, max - total, &stop, &more);
			if (stop)
				return stop;
		}
	} while (more && total < max);
	return total;
}

static void ring_unmap(struct ring *r)
{
	if (r->consumer_pos)
		munmap(r->consumer_pos, (size_t)sysconf(_SC_PAGESIZE));
	if (r->producer_pos)
		munmap((void *)r->producer_pos, r->prod_map_sz);
	r->consumer_pos = NULL;
	r->producer_pos = NULL;
}

static int ring_map(struct ebpfc_ringbuf *rb, struct ring *r, const struct ebpfc_map *map,
		    __u32 idx)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const char *name = ebpfc_map_name(map);
	int fd = ebpfc_map_fd(map), err;
	__u32 size = ebpfc_map_max_entries(map);
	struct epoll_event ev;
	void *p;

	if (fd < 0)
		return ebpfc__err(EBADF, "ring buffer: map '%s' has no fd yet (load its object first)",
				  name);
	if (ebpfc_map_type(map) != BPF_MAP_TYPE_RINGBUF)
		return ebpfc__err(EINVAL, "ring buffer: map '%s' is a %s map, not a ringbuf%s", name,
				  ebpfc_map_type_name(ebpfc_map_type(map)),
				  ebpfc_map_type(map) == BPF_MAP_TYPE_USER_RINGBUF
					  ? " (user ring buffers are written with ebpfc_user_ringbuf_new())"
					  : "");
	if (ebpfc_map_flags(map) & EBPFC__RB_OVERWRITE)
		return ebpfc__err(EOPNOTSUPP, "ring buffer: map '%s' is in overwrite mode, which "
				  "this consumer does not support", name);
	if (!size || size & (size - 1) || size % page || size > (SIZE_MAX - page) / 2)
		return ebpfc__err(EINVAL, "ring buffer: map '%s' has a size of %u bytes, not a "
				  "power of 2 multiple of the page size", name, size);

	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return ebpfc__err(errno, "ring buffer: map '%s': cannot map its consumer page: %s",
				  name, ebpfc_strerror(errno));
	r->consumer_pos = p;
	r->prod_map_sz = page + 2 * (size_t)size;
	p = mmap(NULL, r->prod_map_sz, PROT_READ, MAP_SHARED, fd, (off_t)page);
	if (p == MAP_FAILED) {
		err = ebpfc__err(errno, "ring buffer: map '%s': cannot map its data (%zu bytes): %s",
				 name, r->prod_map_sz, ebpfc_strerror(errno));
		ring_unmap(r);
		return err;
	}
	r->producer_pos = p;
	r->data = (const char *)p + page;
	r->mask = size - 1;
	r->batch_max = size / 4;
	/* Start where a previous consumer of the map left off. */
	r->cons = r->published = r->prod = load_acquire(r->consumer_pos);

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u32 = idx;
	if (epoll_ctl(rb->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		err = ebpfc__err(errno, "ring buffer: map '%s': cannot add it to the epoll set: %s%s",
				 name, ebpfc_strerror(errno),
				 errno == EEXIST ? " (it is in this poller already)" : "");
		ring_unmap(r);
		return err;
	}
	return 0;
}

EBPFC_API int ebpfc_ringbuf_add(struct ebpfc_ringbuf *rb, const struct ebpfc_map *map,
				ebpfc_ringbuf_sample_fn cb, void *user)
{
	struct ring *r;
	int err;

	if (!rb || !map)
		return ebpfc__err(EINVAL, "ring buffer: add needs a poller and a map");
	if (rb->nr >= INT_MAX)
		return ebpfc__err(E2BIG, "ring buffer: too many rings");
	if (rb->nr == rb->cap) {
		size_t cap = rb->cap ? rb->cap * 2 : 4;
		struct ring *rings = realloc(rb->rings, cap * sizeof(*rings));
		struct epoll_event *events;

		if (!rings)
			return ebpfc__err(ENOMEM, "ring buffer: out of memory");
		rb->rings = rings;
		events = realloc(rb->events, cap * sizeof(*events));
		if (!events)
			return ebpfc__err(ENOMEM, "ring buffer: out of memory");
		rb->events = events;
		rb->cap = cap;
	}
	r = &rb->rings[rb->nr];
	memset(r, 0, sizeof(*r));
	r->cb = cb;
	r->user = user;
	err = ring_map(rb, r, map, (__u32)rb->nr);
	if (err)
		return err;
	return (int)rb->nr++;
}

EBPFC_API int ebpfc_ringbuf_new(const struct ebpfc_map *map, ebpfc_ringbuf_sample_fn cb,
				void *user, const struct ebpfc_ringbuf_opts *opts,
				struct ebpfc_ringbuf **out)
{
	struct ebpfc_ringbuf *rb;
	int err;

	if (!out)
		return ebpfc__err(EINVAL, "ring buffer: no place for the result");
	*out = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_ringbuf_opts);
	if (err)
		return err;
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return ebpfc__err(ENOMEM, "ring buffer: out of memory");
	rb->batch = EBPFC__OPT(opts, batch, false);
	rb->coalesce_ns = (long long)EBPFC__OPT(opts, coalesce_us, 0u) * 1000;
	rb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epfd < 0) {
		err = ebpfc__err(errno, "ring buffer: epoll_create1: %s", ebpfc_strerror(errno));
		free(rb);
		return err;
	}
	err = ebpfc_ringbuf_add(rb, map, cb, user);
	if (err < 0) {
		ebpfc_ringbuf_free(rb);
		return err;
	}
	*out = rb;
	return 0;
}

EBPFC_API void ebpfc_ringbuf_free(struct ebpfc_ringbuf *rb)
{
	size_t i;

	if (!rb)
		return;
	for (i = 0; i < rb->nr; i++)
		ring_unmap(&rb->rings[i]);
	ebpfc__close(rb->epfd);
	free(rb->rings);
	free(rb->events);
	free(rb);
}

EBPFC_API int ebpfc_ringbuf_consume_n(struct ebpfc_ringbuf *rb, size_t max)
{
	if (!rb)
		return ebpfc__err(EINVAL, "ring buffer: consume on NULL");
	return drain_rings(rb, NULL, rb->nr, true, max > INT_MAX ? INT_MAX : (int)max, NULL);
}

EBPFC_API int ebpfc_ringbuf_consume(struct ebpfc_ringbuf *rb)
{
	return ebpfc_ringbuf_consume_n(rb, INT_MAX);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long long now_ms(void)
{
	return now_ns() / 1000000;
}

/* A poll that returns records: note whether they come densely. */
static int poll_got(struct ebpfc_ringbuf *rb, int n)
{
	long long t;

	if (rb->coalesce_ns && n > 0) {
		t = now_ns();
		rb->dense = t - rb->last_data_ns < rb->coalesce_ns;
		rb->last_data_ns = t;
	}
	return n;
}

/*
 * Wait up to ns for a ring that is armed to be signalled, with the others
 * left unarmed; 0 or -errno.
 */
static int wait_unarmed(struct ebpfc_ringbuf *rb, long long ns)
{
	struct pollfd pfd = { .fd = rb->epfd, .events = POLLIN };
	struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

	if (ppoll(&pfd, 1, &ts, NULL) < 0)
		return errno == EINTR ? ebpfc__err(EINTR, "ring buffer: poll interrupted by a signal")
				      : ebpfc__err(errno, "ring buffer: ppoll: %s", ebpfc_strerror(errno));
	return 0;
}

EBPFC_API int ebpfc_ringbuf_poll(struct ebpfc_ringbuf *rb, int timeout_ms)
{
	long long deadline = 0;
	bool iter_ready = false;
	int n, cnt, err, timeout = timeout_ms;

	if (!rb)
		return ebpfc__err(EINVAL, "ring buffer: poll on NULL");
	/*
	 * What is there already first: a load per ring, no syscall while
	 * records keep coming. It is also what finds records a callback's stop
	 * or a max left behind, which no wakeup will announce.
	 */
	n = drain_rings(rb, NULL, rb->nr, false, INT_MAX, &iter_ready);
	if (n || iter_ready)
		return poll_got(rb, n);
	if (rb->dense && timeout_ms != 0) {
		/*
		 * Coalescing: records have been coming faster than coalesce_us
		 * apart. Arming the wakeup now would have the kernel interrupt
		 * the producer for the very next record, and with a consumer
		 * that keeps catching up, for nearly every one; wait a little
		 * with the position one record behind instead, so the producer
		 * commits without waking anyone, and take what came.
		 */
		long long wait = rb->coalesce_ns;

		if (timeout_ms > 0 && wait > (long long)timeout_ms * 1000000)
			wait = (long long)timeout_ms * 1000000;
		err = wait_unarmed(rb, wait);
		if (err)
			return err;
		n = drain_rings(rb, NULL, rb->nr, false, INT_MAX, &iter_ready);
		if (n || iter_ready)
			return poll_got(rb, n);
		rb->dense = false;
	}
	/* Nothing: publish the whole position (arming the wakeup) and look once more. */
	n = drain_rings(rb, NULL, rb->nr, true, INT_MAX, &iter_ready);
	if (n || iter_ready || timeout_ms == 0)
		return poll_got(rb, n);
	if (timeout_ms > 0)
		deadline = now_ms() + timeout_ms;
	for (;;) {
		cnt = epoll_wait(rb->epfd, rb->events, (int)rb->nr, timeout);
		if (cnt < 0) {
			if (errno == EINTR)
				return ebpfc__err(EINTR, "ring buffer: poll interrupted by a signal");
			return ebpfc__err(errno, "ring buffer: epoll_wait: %s", ebpfc_strerror(errno));
		}
		if (cnt == 0)
			return 0;
		n = drain_rings(rb, rb->events, (size_t)cnt, false, INT_MAX, &iter_ready);
		if (n || iter_ready)
			return poll_got(rb, n);
		n = drain_rings(rb, rb->events, (size_t)cnt, true, INT_MAX, &iter_ready);
		if (n || iter_ready)
			return poll_got(rb, n);
		/* A wakeup for records the first drain already took: wait on. */
		if (timeout_ms > 0) {
			long long left = deadline - now_ms();

			if (left <= 0)
				return 0;
			timeout = (int)left;
		}
	}
}

EBPFC_API int ebpfc_ringbuf_epoll_fd(const struct ebpfc_ringbuf *rb)
{
	return rb ? rb->epfd : -EINVAL;
}

EBPFC_API size_t ebpfc_ringbuf_ring_count(const struct ebpfc_ringbuf *rb)
{
	return rb ? rb->nr : 0;
}

EBPFC_API int ebpfc_ringbuf_next(struct ebpfc_ringbuf *rb, size_t ring, const void **data,
				 size_t *size)
{
	struct ring *r;
	const __u32 *hdr;
	__u32 len;

	if (!rb || ring >= rb->nr || !data || !size)
		return ebpfc__err(EINVAL, "ring buffer: next: %s",
				  !rb || !data || !size ? "NULL argument" : "no such ring");
	r = &rb->rings[ring];
	/* The common case first: a committed record where we are, seen before. */
	if (r->cons != r->prod) {
		hdr = (const __u32 *)(r->data + (r->cons & r->mask));
		len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (!(len & RB_FLAGS)) {
			r->cons += rec_total(len);
			r->taken++;
			*data = hdr + 2;
			*size = len;
			return 1;
		}
	}
	while (ring_ready(r)) {
		hdr = (const __u32 *)(r->data + (r->cons & r->mask));
		len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		r->cons += rec_total(len);
		if (len & BPF_RINGBUF_DISCARD_BIT)
			continue;
		r->taken++;
		*data = hdr + 2;
		*size = len & ~RB_FLAGS;
		return 1;
	}
	return 0;
}

EBPFC_API int ebpfc_ringbuf_release(struct ebpfc_ringbuf *rb, size_t ring)
{
	struct ring *r;

	if (!rb || ring >= rb->nr)
		return ebpfc__err(EINVAL, "ring buffer: release: %s", !rb ? "NULL poller" : "no such ring");
	r = &rb->rings[ring];
	r->taken = 0;
	if (r->cons != r->published)
		publish(r, r->cons);
	return ring_ready(r) ? 1 : 0;
}
