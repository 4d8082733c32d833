/*
 * test_isolate.bpf.c - one program the verifier accepts and one it rejects,
 * for the isolate, autoload and per-program error tests in
 * tests/test_object.c.
 *
 * iso_good returns XDP_TX. iso_bad reads the first packet byte without
 * checking it against data_end, which the verifier refuses ("invalid
 * access to packet").
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

SEC("xdp")
int iso_good(struct xdp_md *ctx)
{
	return XDP_TX;
}

SEC("xdp")
int iso_bad(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;

	return p[0] ? XDP_DROP : XDP_PASS;
}

EBPFC_LICENSE("GPL");
