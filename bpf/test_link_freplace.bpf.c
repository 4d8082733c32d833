/*
 * test_link_freplace.bpf.c - the replacement for pick_verdict() of
 * test_link_fr_target.bpf.c: counts its calls and drops the packet, so a
 * test run shows whether it is in place.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

__u64 freplace_hits;

SEC("freplace/pick_verdict")
int new_verdict(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&freplace_hits, 1);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
