/*
 * test_mapinmap.bpf.c - maps of maps for tests/test_object.c: an
 * array_of_maps and a hash_of_maps whose inner map is declared with
 * __array(values, struct inner), with initial slots set in the
 * definitions (outer_arr: [0] = inner_a, [2] = inner_b; outer_hash:
 * [1] = inner_b, [3] = inner_a).
 *
 * mim_lookup (XDP) looks up key sel_key (.bss) in outer_arr, or in
 * outer_hash when use_hash (.bss) is non-zero, then element 0 of the inner
 * map it found, and stores that value in `result` (.bss), or 0xdead when
 * the outer slot is empty and 0xbeef when the inner element is missing.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} outer_arr SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} outer_hash SEC(".maps") = {
	.values = { [1] = &inner_b, [3] = &inner_a },
};

__u32 sel_key;
__u32 use_hash;
__u32 result;

SEC("xdp")
int mim_lookup(struct xdp_md *ctx)
{
	__u32 key = sel_key, zero = 0, *val;
	void *inner;

	if (use_hash)
		inner = bpf_map_lookup_elem(&outer_hash, &key);
	else
		inner = bpf_map_lookup_elem(&outer_arr, &key);
	if (!inner) {
		result = 0xdead;
		return XDP_PASS;
	}
	val = bpf_map_lookup_elem(inner, &zero);
	result = val ? *val : 0xbeef;
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
