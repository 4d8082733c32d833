/*
 * tc_counter.bpf.c - counts the packets and bytes an interface receives and
 * sends, for examples/tc_counter.c: one program on tc ingress, one on tc
 * egress (tcx links, or cls_bpf filters on a clsact qdisc), each adding
 * to its own slot of a per-CPU array.
 *
 * counts[0] ingress, counts[1] egress (struct counts; bytes are skb->len,
 * the frame with its link-layer header as tc sees it).
 *
 * Both return TC_ACT_UNSPEC, which is "next" for tcx and "no verdict" for a
 * direct-action filter: counting never changes what happens to a packet.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <ebpfc/bpf_helpers.h>

struct counts {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct counts);
} counts SEC(".maps");

static __always_inline int count(struct __sk_buff *skb, __u32 dir)
{
	struct counts *c = bpf_map_lookup_elem(&counts, &dir);

	if (c) {
		/* Per-CPU value: no other CPU writes this copy. */
		c->packets++;
		c->bytes += skb->len;
	}
	return TC_ACT_UNSPEC;
}

SEC("tc/ingress")
int count_ingress(struct __sk_buff *skb)
{
	return count(skb, 0);
}

SEC("tc/egress")
int count_egress(struct __sk_buff *skb)
{
	return count(skb, 1);
}

char _license[] SEC("license") = "Dual BSD/GPL";
