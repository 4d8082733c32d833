/*
 * test_link_net.bpf.c - the networking programs tests/test_link.c attaches:
 * XDP, tc (ingress and egress), cgroup_skb, netfilter, sk_lookup,
 * flow_dissector and sockmap programs, each counting what it sees in .bss
 * so that the test can compare with the packets it sent.
 *
 * Only UDP packets to udp_port (set by the test) are counted, so that the
 * stray traffic of a fresh interface (IPv6 router solicitations, ARP)
 * never makes a count wrong.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <ebpfc/bpf_helpers.h>
#include <ebpfc/bpf_endian.h>

/* The UDP destination port counted, host order; set by the test. */
__u16 udp_port;

__u64 xdp_pkts;
__u64 xdp2_pkts;
__u64 tc_in_pkts;
__u64 tc_in_bytes;
__u64 tc_eg_pkts;
__u64 tc_eg_bytes;
__u64 tc2_pkts;
__u64 cg_pkts;
__u64 nf_pkts;
__u64 lookup_hits;
__u64 flow_hits;
__u64 msg_hits;
__u64 verdict_hits;

/* A UDP/IPv4 frame to udp_port, from its Ethernet header? */
static __always_inline int is_test_frame(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return 0;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return 0;
	return udp->dest == bpf_htons(udp_port);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	if (is_test_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		__sync_fetch_and_add(&xdp_pkts, 1);
	return XDP_PASS;
}

/* A second XDP program, for replacing the first (update_prog). */
SEC("xdp")
int xdp_count2(struct xdp_md *ctx)
{
	if (is_test_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		__sync_fetch_and_add(&xdp2_pkts, 1);
	return XDP_PASS;
}

/* TC_ACT_UNSPEC: "next" for tcx and for a direct-action filter alike. */
#define TC_NEXT (-1)

SEC("tc/ingress")
int tc_ingress(struct __sk_buff *skb)
{
	if (is_test_frame((void *)(long)skb->data, (void *)(long)skb->data_end)) {
		__sync_fetch_and_add(&tc_in_pkts, 1);
		__sync_fetch_and_add(&tc_in_bytes, skb->len);
	}
	return TC_NEXT;
}

SEC("tc/egress")
int tc_egress(struct __sk_buff *skb)
{
	if (is_test_frame((void *)(long)skb->data, (void *)(long)skb->data_end)) {
		__sync_fetch_and_add(&tc_eg_pkts, 1);
		__sync_fetch_and_add(&tc_eg_bytes, skb->len);
	}
	return TC_NEXT;
}

/* Another tc program, for ordering (before/after) and several filters on one hook. */
SEC("tc")
int tc_second(struct __sk_buff *skb)
{
	if (is_test_frame((void *)(long)skb->data, (void *)(long)skb->data_end))
		__sync_fetch_and_add(&tc2_pkts, 1);
	return TC_NEXT;
}

/* cgroup_skb sees the packet from its IP header on. */
SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;

	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return 1;
	if (ip.protocol != IPPROTO_UDP || ip.ihl != 5 ||
	    bpf_skb_load_bytes(skb, sizeof(ip), &udp, sizeof(udp)))
		return 1;
	if (udp.dest == bpf_htons(udp_port))
		__sync_fetch_and_add(&cg_pkts, 1);
	return 1;
}

SEC("netfilter")
int nf_count(void *ctx)
{
	__sync_fetch_and_add(&nf_pkts, 1);
	return 1; /* NF_ACCEPT */
}

SEC("sk_lookup")
int lookup_count(struct bpf_sk_lookup *ctx)
{
	if (ctx->protocol == IPPROTO_UDP && ctx->local_port == udp_port)
		__sync_fetch_and_add(&lookup_hits, 1);
	return SK_PASS;
}

SEC("flow_dissector")
int flow_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&flow_hits, 1);
	return BPF_DROP; /* let the kernel's own dissector fall back where it can */
}

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} socks SEC(".maps");

SEC("sk_msg")
int msg_count(struct sk_msg_md *msg)
{
	__sync_fetch_and_add(&msg_hits, 1);
	return SK_PASS;
}

SEC("sk_skb/stream_verdict")
int verdict_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&verdict_hits, 1);
	return SK_PASS;
}

char _license[] SEC("license") = "GPL";
