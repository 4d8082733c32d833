/*
 * test_pinning_bad.bpf.c - the same pinned_map name as test_pinning.bpf.c
 * but with 16 entries instead of 8: loading it where test_pinning's map is
 * pinned must fail with EEXIST, naming max_entries and the pin path.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_map SEC(".maps");

SEC("xdp")
int pin_inc_bad(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&pinned_map, &zero);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
