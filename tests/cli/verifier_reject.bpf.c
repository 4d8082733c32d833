/*
 * verifier_reject.bpf.c - a fixture for tests/cli/run.sh: one program the
 * verifier accepts and one it rejects (it reads a packet byte without a
 * bounds check), so that `ebpfc load` must report one "loaded", one
 * "failed" with the verifier's own words, and exit 1.
 *
 * Built by run.sh into a temporary directory, not by the Makefile.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

SEC("xdp")
int cli_accepted(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int cli_rejected(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	return data[20] ? XDP_DROP : XDP_PASS;	/* no check against data_end */
}

char _license[] SEC("license") = "GPL";
