/*
 * ebpfc/ringbuf.h - BPF ring buffers (BPF_MAP_TYPE_RINGBUF) read from
 * user space, and user ring buffers (BPF_MAP_TYPE_USER_RINGBUF) written
 * from user space for a program to drain.
 *
 * Consumer: one poller (struct ebpfc_ringbuf) reads one or many rings,
 * each with its own callback and user pointer, through one epoll fd that a
 * daemon can put into its own event loop. Records are handed over in place,
 * never copied: the ring's data is mapped twice in a row, so a record that
 * wraps past the end of the ring is still contiguous. A poller is used by
 * one thread at a time; its rings may be written by any number of
 * programs on any CPUs.
 *
 * Producer: struct ebpfc_user_ringbuf reserves space in a user ring
 * buffer, lets the caller fill it in place, and submits (or discards) it;
 * a program drains it with bpf_user_ringbuf_drain(). One producing thread
 * at a time (serialize reservations yourself if several threads write).
 *
 * Not here: perf event arrays (ebpfc/perfbuf.h).
 */
#ifndef EBPFC_RINGBUF_H
#define EBPFC_RINGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <ebpfc/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfc_map;
struct ebpfc_ringbuf;
struct ebpfc_user_ringbuf;

/*
 * Called once per record, in ring order. `data` points into the ring (read
 * only) and is valid only during the call. Return 0 to go on; any other
 * value stops consumption at once: the record counts as consumed and the
 * value is what ebpfc_ringbuf_poll()/_consume() return, unchanged (return
 * a negative value to keep it apart from a record count). The records
 * after it stay in the ring for the next call.
 */
typedef int (*ebpfc_ringbuf_sample_fn)(void *user, const void *data, size_t size);

struct ebpfc_ringbuf_opts {
	size_t sz;
	/*
	 * Publish the consumer position once per drained batch - when the
	 * consumer has caught up (at the end of consume, before poll sleeps)
	 * and at least every quarter of the ring - instead of after every
	 * record: fewer stores to the cache line every producer reads at each
	 * reservation. Space is then given back to producers later, so keep
	 * rings large enough for a quarter of them to be in flight.
	 */
	bool batch;
	/*
	 * Coalescing for dense streams, in microseconds (0, the default: off).
	 * When poll keeps finding records less than this far apart and then
	 * finds none, it waits up to this long before arming the kernel's
	 * wakeup, instead of at once. A consumer that keeps catching up with
	 * a fast producer otherwise has the kernel wake it for almost every
	 * record, an interrupt and a context switch each, which slows the
	 * producer down more than anything the consumer does; with it,
	 * records of a dense stream may wait up to this long, and the ring
	 * must have room for what arrives meanwhile. 50 to 200 is a good
	 * range for a stream of more than 100k records a second.
	 */
	unsigned int coalesce_us;
};

/*
 * A poller over one ring buffer map (BPF_MAP_TYPE_RINGBUF, loaded: it must
 * have an fd) calling cb(user, data, size) for each record; cb may be NULL
 * for a ring read only with ebpfc_ringbuf_next(). The map's fd is not kept
 * or duplicated: the mappings keep the kernel ring alive, but free the
 * poller before destroying the map to keep things simple. Maps created
 * with the overwrite flag (BPF_F_RB_OVERWRITE) are refused with
 * -EOPNOTSUPP. Free with ebpfc_ringbuf_free().
 */
EBPFC_API int ebpfc_ringbuf_new(const struct ebpfc_map *map, ebpfc_ringbuf_sample_fn cb,
				void *user, const struct ebpfc_ringbuf_opts *opts,
				struct ebpfc_ringbuf **rb);

/*
 * Add another ring buffer map to the poller, with its own callback and user
 * pointer. Returns the ring's index (>= 0; the first map is 0, then 1, 2,
 * ... in the order added) or a negative errno.
 */
EBPFC_API int ebpfc_ringbuf_add(struct ebpfc_ringbuf *rb, const struct ebpfc_map *map,
				ebpfc_ringbuf_sample_fn cb, void *user);

/*
 * Consume what is ready in every ring; if nothing is, wait up to
 * timeout_ms (-1: forever, 0: not at all) for records, then consume them.
 * Returns the number of records handed to callbacks (0 on timeout), a
 * callback's non-zero return value, or a negative errno (-EINTR when a
 * signal interrupted the wait). Returns at once, possibly with 0, when a
 * ring without callback has records waiting for ebpfc_ringbuf_next().
 *
 * While records keep coming, poll gives the last record's space back only
 * on the next call, so that the kernel sees a consumer still one record
 * behind and does not interrupt the producer to wake it for each new one;
 * it publishes everything before it sleeps. So a caller that waits on the
 * epoll fd itself must call ebpfc_ringbuf_consume() last, not poll.
 */
EBPFC_API int ebpfc_ringbuf_poll(struct ebpfc_ringbuf *rb, int timeout_ms);

/*
 * Consume every record ready in every ring with a callback, without
 * waiting. Returns the count (at most INT_MAX per call) or a callback's
 * non-zero return value. Unless a callback stopped it, it returns with
 * every ring's position published and the kernel's wakeup armed: safe to
 * sleep on the epoll fd after it.
 */
EBPFC_API int ebpfc_ringbuf_consume(struct ebpfc_ringbuf *rb);

/* As ebpfc_ringbuf_consume(), stopping after at most `max` records. */
EBPFC_API int ebpfc_ringbuf_consume_n(struct ebpfc_ringbuf *rb, size_t max);

/*
 * The poller's epoll fd, for a caller's own event loop: readable when a
 * ring has new records. Rings are registered edge-triggered and the kernel
 * signals only when a record is committed at the position the consumer
 * has caught up to, so readiness is reported once: after it, call
 * ebpfc_ringbuf_consume() until it returns a count (not a callback's stop
 * value) below what it was allowed, which leaves every ring drained and
 * the notification re-armed; records left behind by a stop or a max, or
 * by ebpfc_ringbuf_poll() (see there), are not signalled again. Owned by
 * the poller.
 */
EBPFC_API int ebpfc_ringbuf_epoll_fd(const struct ebpfc_ringbuf *rb);

/* Number of rings in the poller. */
EBPFC_API size_t ebpfc_ringbuf_ring_count(const struct ebpfc_ringbuf *rb);

/*
 * Iterator, for callers that want no callback: the next committed record
 * of ring `ring` (discarded ones are skipped). Returns 1 and sets *data and
 * *size, or 0 when there is none yet (the ring is empty, or its next record
 * is still being written), or a negative errno. Records returned stay
 * valid, in place, until ebpfc_ringbuf_release(): take several, then
 * release them together.
 */
EBPFC_API int ebpfc_ringbuf_next(struct ebpfc_ringbuf *rb, size_t ring, const void **data,
				 size_t *size);

/*
 * Give back to the producers every record ebpfc_ringbuf_next() returned
 * from `ring` so far; their pointers become invalid. Returns 1 when more
 * committed records are already waiting, 0 when the ring is drained (then
 * the epoll fd will report the next record: safe to sleep), or a negative
 * errno. Consuming a ring with callbacks releases its records too.
 */
EBPFC_API int ebpfc_ringbuf_release(struct ebpfc_ringbuf *rb, size_t ring);

/* Unmap the rings and close the epoll fd. NULL is a no-op. */
EBPFC_API void ebpfc_ringbuf_free(struct ebpfc_ringbuf *rb);

/* ---- user ring buffer: user space produces, a BPF program consumes ---------------- */

struct ebpfc_user_ringbuf_opts {
	size_t sz;
};

/*
 * A producer for a BPF_MAP_TYPE_USER_RINGBUF map (loaded). Free with
 * ebpfc_user_ringbuf_free().
 */
EBPFC_API int ebpfc_user_ringbuf_new(const struct ebpfc_map *map,
				     const struct ebpfc_user_ringbuf_opts *opts,
				     struct ebpfc_user_ringbuf **urb);

/*
 * Reserve `size` bytes (1 to the ring size minus 8, and under 16 MiB, what
 * a program's dynptr can hold) and set *sample to them, 8-byte aligned and
 * contiguous even where the ring wraps. Reservations are handed out in
 * order; each must be submitted or discarded, and the program's drain stops
 * at the oldest one still open. -ENOSPC when the ring has no room now,
 * -E2BIG when it never will.
 */
EBPFC_API int ebpfc_user_ringbuf_reserve(struct ebpfc_user_ringbuf *urb, size_t size,
					 void **sample);

/*
 * As ebpfc_user_ringbuf_reserve(), waiting up to timeout_ms (-1: forever)
 * for a program to drain enough room. The wait sleeps on the map's epoll
 * notification, which the kernel sends when bpf_user_ringbuf_drain() has
 * consumed at least one record (unless the program passed
 * BPF_RB_NO_WAKEUP). -ETIMEDOUT when the time ran out, -EINTR on a signal.
 */
EBPFC_API int ebpfc_user_ringbuf_reserve_blocking(struct ebpfc_user_ringbuf *urb, size_t size,
						  int timeout_ms, void **sample);

/*
 * Make a reserved sample visible to the program (submit) or have it
 * skipped (discard). -EINVAL if `sample` is not an open reservation.
 */
EBPFC_API int ebpfc_user_ringbuf_submit(struct ebpfc_user_ringbuf *urb, void *sample);
EBPFC_API int ebpfc_user_ringbuf_discard(struct ebpfc_user_ringbuf *urb, void *sample);

/* Unmap the ring. Open reservations are lost. NULL is a no-op. */
EBPFC_API void ebpfc_user_ringbuf_free(struct ebpfc_user_ringbuf *urb);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_RINGBUF_H */
