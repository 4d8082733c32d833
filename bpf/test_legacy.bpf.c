/*
 * test_legacy.bpf.c - legacy map definitions (struct bpf_map_def in the
 * "maps" section, as old samples and iproute2 write them) for
 * tests/test_object.c. The struct is declared here: the ebpfc headers do
 * not provide it.
 *
 * legacy_run (XDP) adds 5 to legacy_counts[1] (array of u64) and stores
 * 42 + the number of runs so far under key 7 of legacy_hash.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("xdp")
int legacy_run(struct xdp_md *ctx)
{
	__u32 one = 1, seven = 7;
	__u64 *v, nv;

	v = bpf_map_lookup_elem(&legacy_counts, &one);
	if (!v)
		return XDP_ABORTED;
	__sync_fetch_and_add(v, 5);
	nv = 42 + *v / 5;
	bpf_map_update_elem(&legacy_hash, &seven, &nv, BPF_ANY);
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
