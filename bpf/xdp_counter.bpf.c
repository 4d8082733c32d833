/*
 * xdp_counter.bpf.c - XDP program that counts packets and bytes per IP
 * protocol number, the first real object the ebpfc tests, examples and
 * benchmarks load.  It exercises a BTF-defined per-CPU map, .bss and .rodata
 * global data, and bounds checks the verifier must accept.
 *
 * counts[proto]  (BPF_MAP_TYPE_PERCPU_ARRAY, 256 x struct counts): IPv4
 *                protocol or IPv6 next header (of the fixed header only; an
 *                extension header is counted under its own number).
 * non_ip         (.bss): frames that are not IPv4/IPv6, or too short to hold
 *                the headers they announce.  Updated atomically, all CPUs.
 * pass_action    (.rodata): what every frame gets; XDP_PASS unless user space
 *                sets it between open and load.
 *
 * One 802.1Q or 802.1ad tag is looked through; a second tag makes the frame
 * non-IP.  Bytes are the frame's linear length (data_end - data).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <ebpfc/bpf_helpers.h>
#include <ebpfc/bpf_endian.h>

struct counts {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct counts);
} counts SEC(".maps");

__u64 non_ip = 0;

const volatile __u32 pass_action = XDP_PASS;

/* The 4 bytes after the MAC addresses of a tagged frame (not in uapi). */
struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct counts *c;
	__be16 proto;
	void *l3;
	__u32 key;

	if ((void *)(eth + 1) > data_end)
		goto not_ip;
	proto = eth->h_proto;
	l3 = eth + 1;

	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *vh = l3;

		if ((void *)(vh + 1) > data_end)
			goto not_ip;
		proto = vh->h_vlan_encapsulated_proto;
		l3 = vh + 1;
	}

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = l3;

		if ((void *)(iph + 1) > data_end)
			goto not_ip;
		key = iph->protocol;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = l3;

		if ((void *)(ip6h + 1) > data_end)
			goto not_ip;
		key = ip6h->nexthdr;
	} else {
		goto not_ip;
	}

	c = bpf_map_lookup_elem(&counts, &key);
	if (c) {
		/* Per-CPU value: no other CPU writes this copy. */
		c->packets++;
		c->bytes += (__u64)(data_end - data);
	}
	return pass_action;

not_ip:
	__sync_fetch_and_add(&non_ip, 1);
	return pass_action;
}

char _license[] SEC("license") = "Dual BSD/GPL";
