/*
 * test_link_fr_target.bpf.c - an XDP program whose verdict comes from a
 * global function, for tests/test_link.c to replace with freplace
 * (test_link_freplace.bpf.c) and run with BPF_PROG_TEST_RUN.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

__noinline int pick_verdict(struct xdp_md *ctx)
{
	return ctx ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int fr_entry(struct xdp_md *ctx)
{
	return pick_verdict(ctx);
}

char _license[] SEC("license") = "GPL";
