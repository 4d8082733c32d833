/*
 * test_ringbuf_bench.bpf.c - producers for bench/ringbuf.c: 64-byte events
 * written in a bpf_loop, run through BPF_PROG_TEST_RUN (XDP).
 *
 * produce_rb: n_events events into ring buffer `target` (bench_rb0..4,
 *             16 MiB each: one per consumer benchmarked, so that each
 *             keeps its own warm mapping), reserved and submitted in place;
 *             a full ring counts in fails_rb.
 * produce_pb: n_events events into perf event array `target` (bench_pb0
 *             or bench_pb1, this CPU's ring) with bpf_perf_event_output;
 *             failures in fails_pb.
 *
 * Each event carries its producer's sequence number (counted over all
 * targets: a run's events are consecutive) and its loop index, so a
 * consumer can check order and completeness cheaply.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

struct event {
	__u64 seq;
	__u64 idx;
	__u64 pad[6];
};

#define RB(name)							\
	struct {							\
		__uint(type, BPF_MAP_TYPE_RINGBUF);			\
		__uint(max_entries, 16 * 1024 * 1024);			\
	} name SEC(".maps")

RB(bench_rb0);
RB(bench_rb1);
RB(bench_rb2);
RB(bench_rb3);
RB(bench_rb4);

/* Sized by the loader (max_entries 0 is set to the possible CPUs before load). */
#define PB(name)							\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);		\
		__uint(key_size, sizeof(__u32));			\
		__uint(value_size, sizeof(__u32));			\
	} name SEC(".maps")

PB(bench_pb0);
PB(bench_pb1);

__u32 n_events;
__u32 target;
__u64 seq_rb, fails_rb;
__u64 seq_pb, fails_pb;

static long rb_one(__u32 i, void *ctx)
{
	struct event *e;

	if (target == 0)
		e = bpf_ringbuf_reserve(&bench_rb0, sizeof(*e), 0);
	else if (target == 1)
		e = bpf_ringbuf_reserve(&bench_rb1, sizeof(*e), 0);
	else if (target == 2)
		e = bpf_ringbuf_reserve(&bench_rb2, sizeof(*e), 0);
	else if (target == 3)
		e = bpf_ringbuf_reserve(&bench_rb3, sizeof(*e), 0);
	else
		e = bpf_ringbuf_reserve(&bench_rb4, sizeof(*e), 0);
	if (!e) {
		fails_rb++;
		return 0;
	}
	e->seq = seq_rb++;
	e->idx = i;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("xdp")
int produce_rb(struct xdp_md *ctx)
{
	bpf_loop(n_events, rb_one, NULL, 0);
	return XDP_PASS;
}

struct loop_ctx {
	struct xdp_md *xdp;
};

static long pb_one(__u32 i, struct loop_ctx *lc)
{
	struct event e = { .seq = seq_pb, .idx = i };
	long err;

	if (target == 0)
		err = bpf_perf_event_output(lc->xdp, &bench_pb0, BPF_F_CURRENT_CPU, &e, sizeof(e));
	else
		err = bpf_perf_event_output(lc->xdp, &bench_pb1, BPF_F_CURRENT_CPU, &e, sizeof(e));
	if (err)
		fails_pb++;
	else
		seq_pb++;
	return 0;
}

SEC("xdp")
int produce_pb(struct xdp_md *ctx)
{
	struct loop_ctx lc = { .xdp = ctx };

	bpf_loop(n_events, pb_one, &lc, 0);
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
