/*
 * test_tailcall.bpf.c - tail calls for tests/test_object.c: a prog array
 * whose slots are set in its definition (jmp: [0] = tail_a, [1] = tail_b,
 * [2] = tail_c; slot 3 empty) and XDP programs that tail-call through it.
 *
 * tail_entry counts itself in entry_runs and tail-calls slot `sel` (.bss);
 * when the slot is empty the call falls through and it returns XDP_PASS.
 *   tail_a: a_runs++, returns XDP_DROP
 *   tail_b: b_runs++, tail-calls slot 2 (tail_c); XDP_ABORTED if that fails
 *   tail_c: c_runs++, returns XDP_TX
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

SEC("xdp")
int tail_a(struct xdp_md *ctx);
SEC("xdp")
int tail_b(struct xdp_md *ctx);
SEC("xdp")
int tail_c(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [0] = (void *)&tail_a, [1] = (void *)&tail_b, [2] = (void *)&tail_c },
};

__u32 sel;
__u32 entry_runs, a_runs, b_runs, c_runs;

SEC("xdp")
int tail_entry(struct xdp_md *ctx)
{
	entry_runs++;
	bpf_tail_call(ctx, &jmp, sel);
	return XDP_PASS;
}

SEC("xdp")
int tail_a(struct xdp_md *ctx)
{
	a_runs++;
	return XDP_DROP;
}

SEC("xdp")
int tail_b(struct xdp_md *ctx)
{
	b_runs++;
	bpf_tail_call_static(ctx, &jmp, 2);
	return XDP_ABORTED;
}

SEC("xdp")
int tail_c(struct xdp_md *ctx)
{
	c_runs++;
	return XDP_TX;
}

EBPFC_LICENSE("GPL");
