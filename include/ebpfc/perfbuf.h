/*
 * ebpfc/perfbuf.h - reading a perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY)
 * that programs write with bpf_perf_event_output(): one perf ring per
 * online CPU, each a software BPF-output event whose fd is stored in the
 * map at its CPU's index, all behind one epoll fd.
 *
 * Samples reach a callback with their CPU; samples the kernel had to drop
 * because a CPU's ring was full reach the lost callback as a count, once
 * that ring has room again. A sample that wraps around the end of its ring
 * is copied into a per-ring scratch buffer; every other one is handed over
 * in place. A perf buffer is used by one thread at a time.
 *
 * Prefer BPF ring buffers (ebpfc/ringbuf.h) on kernels that have them
 * (5.8+): one ring shared by all CPUs keeps order across CPUs and wastes
 * less memory.
 */
#ifndef EBPFC_PERFBUF_H
#define EBPFC_PERFBUF_H

#include <stddef.h>
#include <linux/types.h>
#include <ebpfc/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfc_map;
struct ebpfc_perfbuf;

/*
 * One sample from `cpu`. `size` is the raw size the kernel reports: the
 * size given to bpf_perf_event_output() rounded up so that the record is
 * 8-byte aligned (size + 4 is a multiple of 8); the padding bytes are
 * whatever the ring held before (the kernel skips them), so a program
 * that needs the exact length must send it.
 * `data` is valid only during the call. Return 0 to go on; anything else
 * stops consumption at once (this sample counts as consumed) and is what
 * poll/consume return, unchanged: return a negative value to keep it apart
 * from a count.
 */
typedef int (*ebpfc_perfbuf_sample_fn)(void *user, int cpu, const void *data, __u32 size);

/* `lost` samples from `cpu` were dropped because its ring was full. */
typedef void (*ebpfc_perfbuf_lost_fn)(void *user, int cpu, __u64 lost);

struct ebpfc_perfbuf_opts {
	size_t sz;
	/* Required. */
	ebpfc_perfbuf_sample_fn sample_cb;
	/* Optional: without it, lost counts are only added up (see _lost()). */
	ebpfc_perfbuf_lost_fn lost_cb;
	void *user;
	/* Data pages per CPU, a power of 2 (default 64: 256 KiB with 4 KiB pages). */
	size_t pages_per_cpu;
	/*
	 * When the kernel signals the epoll fd: after every wakeup_events
	 * samples (default 1), or, when wakeup_bytes is set, once that many
	 * bytes are waiting in a ring. Fewer wakeups cost the producing
	 * programs less, but samples short of the threshold are only seen by
	 * ebpfc_perfbuf_consume() or the next wakeup.
	 */
	__u32 wakeup_events;
	__u32 wakeup_bytes;
};

/*
 * Open a BPF-output perf event on every online CPU below the map's
 * max_entries, map its ring, put its fd into the map at the CPU's index
 * (replacing what was there) and register it with the epoll fd. The map
 * must be a loaded perf event array. Free with ebpfc_perfbuf_free().
 */
EBPFC_API int ebpfc_perfbuf_new(const struct ebpfc_map *map, const struct ebpfc_perfbuf_opts *opts,
				struct ebpfc_perfbuf **pb);

/*
 * Wait up to timeout_ms (-1: forever, 0: not at all) for a ring to be
 * signalled, then consume the signalled rings (and any a callback stopped
 * early last time). Returns the number of samples handed to sample_cb,
 * a callback's non-zero return value, or a negative errno (-EINTR on a
 * signal).
 */
EBPFC_API int ebpfc_perfbuf_poll(struct ebpfc_perfbuf *pb, int timeout_ms);

/* Consume everything in every CPU's ring, without waiting. */
EBPFC_API int ebpfc_perfbuf_consume(struct ebpfc_perfbuf *pb);

/*
 * The epoll fd over every CPU's ring, for a caller's own event loop. A
 * perf event reports readiness once per wakeup; when it does, call
 * ebpfc_perfbuf_consume() (ebpfc_perfbuf_poll() would wait for the next).
 */
EBPFC_API int ebpfc_perfbuf_epoll_fd(const struct ebpfc_perfbuf *pb);

/* Number of rings (online CPUs opened). */
EBPFC_API size_t ebpfc_perfbuf_ring_count(const struct ebpfc_perfbuf *pb);

/* Lost samples reported so far, summed over every CPU. */
EBPFC_API __u64 ebpfc_perfbuf_lost(const struct ebpfc_perfbuf *pb);

/*
 * Clear the map slots this perf buffer filled, close every CPU's perf
 * event, unmap the rings and close the epoll fd. NULL is a no-op.
 */
EBPFC_API void ebpfc_perfbuf_free(struct ebpfc_perfbuf *pb);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_PERFBUF_H */
