/*
 * test_perfbuf.bpf.c - a perf event array producer for
 * tests/test_perfbuf.c, run through BPF_PROG_TEST_RUN (XDP: test_run takes
 * a frame and XDP programs may call bpf_perf_event_output).
 *
 * emit: bpf_loop(cfg_count) samples into pb on the current CPU, with sizes
 * cfg_size, cfg_size + cfg_size_step, ... (kept in 1..4096 by wrapping past
 * 4096 back to 1). Every attempt takes the next sequence number, written in
 * the sample's first 8 bytes (little endian, cut short under 8 bytes); the
 * rest is bytes 8.. of `pattern`, a per-CPU array the test fills. attempts
 * counts every bpf_perf_event_output() call, fails those that failed (the
 * CPU's ring was full: perf counts them as lost and reports them in a
 * PERF_RECORD_LOST once there is room again).
 *
 * pb declares no max_entries: a perf event array is sized by the number of
 * CPUs, which only the loading machine knows.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

#define MAX_REC 4096

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} pb SEC(".maps");

struct pattern {
	__u8 b[MAX_REC];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pattern);
} pattern SEC(".maps");

__u32 cfg_count;
__u32 cfg_size = 1;
__u32 cfg_size_step;

__u64 seq;
__u64 attempts;
__u64 fails;

struct loop_ctx {
	struct xdp_md *xdp;
};

static long emit_one(__u32 i, struct loop_ctx *lc)
{
	struct pattern *p;
	__u32 zero = 0, size;

	size = ((cfg_size + i * cfg_size_step - 1) & (MAX_REC - 1)) + 1;
	p = bpf_map_lookup_elem(&pattern, &zero);
	if (!p)
		return 1;
	*(__u64 *)p->b = seq++;
	attempts++;
	if (bpf_perf_event_output(lc->xdp, &pb, BPF_F_CURRENT_CPU, p->b, size))
		fails++;
	return 0;
}

SEC("xdp")
int emit(struct xdp_md *ctx)
{
	struct loop_ctx lc = { .xdp = ctx };

	bpf_loop(cfg_count, emit_one, &lc, 0);
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
