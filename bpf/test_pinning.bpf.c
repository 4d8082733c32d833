/*
 * test_pinning.bpf.c - a map pinned by name (LIBBPF_PIN_BY_NAME) for
 * tests/test_object.c: loading two instances of this object with the same
 * pin root must share pinned_map. test_pinning_bad.bpf.c declares a map of
 * the same name with another max_entries.
 *
 * pin_inc (XDP) adds 1 to pinned_map[0].
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_map SEC(".maps");

SEC("xdp")
int pin_inc(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&pinned_map, &zero);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
