/*
 * test_unknown_sec.bpf.c - a program in a section no program type claims
 * ("mystery/handler"), for tests/test_object.c: loading it must fail with
 * a message that points at ebpfc_prog_set_type(), and succeed once the
 * type is set to XDP. known_xdp is an ordinary XDP program beside it.
 *
 * mystery_prog returns XDP_DROP, known_xdp XDP_PASS.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

SEC("mystery/handler")
int mystery_prog(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int known_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
