/*
 * headers_smoke.bpf.c - compiles every part of the BPF-side headers in
 * bpf/include/ (ebpfc/ and the libbpf-compatible bpf/ names), so that
 * `make bpf` breaks when they do.  Its programs do nothing useful; the object
 * is also a varied input for the object and BTF parsers: hash, array, ringbuf,
 * array-of-maps with a statically initialised slot, prog array with a tail
 * call, a bloom filter with __ulong(map_extra), .kconfig externs, .data,
 * .bss, .rodata, global and static subprograms.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>	/* the libbpf-compatible names ... */
#include <bpf/bpf_endian.h>
#include <ebpfc/bpf_helpers.h>	/* ... and ebpfc's own, together */
#include <ebpfc/bpf_endian.h>

struct flow_key {
	__be32 saddr;
	__be32 daddr;
	__u8 proto;
	__u8 pad[3];
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	__u64 last_seen_ns;
};

struct event {
	__u32 pid;
	__u32 tgid;
	__u64 ts_ns;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* The inner map's definition doubles as the outer map's value template. */
struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [1] = &inner_b },
};

/* A hash of maps whose inner template is an anonymous struct. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 16);
		__type(key, __u64);
		__type(value, __u64);
	});
} outer_hash SEC(".maps");

SEC("xdp")
int smoke_tail_target(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int (void *));
} jump_table SEC(".maps") = {
	.values = { [1] = (void *)&smoke_tail_target },
};

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 128);
	__type(value, __u32);
	__ulong(map_extra, 3);	/* number of hash functions */
	__uint(pinning, LIBBPF_PIN_NONE);
} seen SEC(".maps");

extern __u32 LINUX_KERNEL_VERSION __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;

__u64 smoke_bss_counter;			/* .bss */
__u32 smoke_data_value = 42;			/* .data */
const volatile __u32 smoke_min_len = ETH_HLEN;	/* .rodata */
const volatile __u64 smoke_kver_min = KERNEL_VERSION(5, 8, 0);

static __always_inline __u64 add_sat(__u64 a, __u64 b)
{
	__u64 s = a + b;

	return likely(s >= a) ? s : ~0ULL;
}

/* A global subprogram: verified on its own, with a context argument. */
__noinline int smoke_global_sub(struct __sk_buff *skb __arg_ctx)
{
	return skb->len > 64;
}

static __noinline __hidden int smoke_static_sub(__u32 x)
{
	barrier();
	return x * 3;
}

struct outer_obj {
	__u32 a;
	struct flow_key key;
};

SEC("xdp")
int smoke_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct flow_key key = {};
	struct flow_stats *st, init = {};
	__u32 slot = 0, *inner_val, one = 1;
	void *inner;
	__u64 *total;

	if ((void *)(eth + 1) > data_end || data_end - data < smoke_min_len)
		return XDP_PASS;

	switch (eth->h_proto) {
	case bpf_htons(ETH_P_IP):	/* must be an integer constant expression */
		break;
	case __bpf_constant_htons(ETH_P_ARP):
		return XDP_PASS;
	default:
		bpf_tail_call_static(ctx, &jump_table, 1);
		return XDP_PASS;
	}

	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XDP_DROP;
	key.saddr = iph->saddr;
	key.daddr = iph->daddr;
	key.proto = iph->protocol;

	st = bpf_map_lookup_elem(&flows, &key);
	if (!st) {
		bpf_map_update_elem(&flows, &key, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&flows, &key);
		if (!st)
			return XDP_PASS;
	}
	__sync_fetch_and_add(&st->packets, 1);
	st->bytes = add_sat(st->bytes, bpf_ntohs(iph->tot_len));
	st->last_seen_ns = bpf_ktime_get_ns();

	total = bpf_map_lookup_elem(&totals, &slot);
	if (total)
		__sync_fetch_and_add(total, 1);

	inner = bpf_map_lookup_elem(&outer, &slot);
	if (inner) {
		inner_val = bpf_map_lookup_elem(inner, &slot);
		if (inner_val)
			*inner_val += smoke_static_sub(bpf_ntohl(iph->saddr) & 0xff);
	}

	if (bpf_map_peek_elem(&seen, &one) != 0)
		bpf_map_push_elem(&seen, &one, BPF_ANY);

	smoke_bss_counter++;
	if (unlikely(bpf_get_prandom_u32() % 1024 == 0))
		bpf_printk("flow proto %d from %pI4 count %llu", key.proto, &key.saddr,
			   st->packets);
	if (key.proto == IPPROTO_ICMP && smoke_data_value != 42)
		return XDP_DROP;
	return XDP_PASS;
}

SEC("xdp")
int smoke_tail_target(struct xdp_md *ctx)
{
	bpf_printk("tail call");
	return XDP_PASS;
}

SEC("tc")
int smoke_tc(struct __sk_buff *skb)
{
	struct ethhdr eth;
	__u64 cookie;

	if (bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)) < 0)
		return TC_ACT_OK;
	cookie = bpf_get_socket_cookie(skb);
	if (eth.h_proto == bpf_htons(ETH_P_IPV6) && smoke_global_sub(skb))
		bpf_printk("ipv6 len %u cookie %llu mark %u", skb->len, cookie, skb->mark);
	if (bpf_cpu_to_be64(cookie) == bpf_be64_to_cpu(0x0102030405060708ULL))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int smoke_tracepoint(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct outer_obj o = { .a = 1 };
	struct flow_key *kp = &o.key;
	struct outer_obj *back = container_of(kp, struct outer_obj, key);
	struct event *e;
	char buf[32];

	if (LINUX_KERNEL_VERSION < smoke_kver_min || CONFIG_BPF_JIT == TRI_NO)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->ts_ns = bpf_ktime_get_boot_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	barrier_var(e);

	BPF_SNPRINTF(buf, sizeof(buf), "%u:%u", back->a, (__u32)offsetof(struct outer_obj, key));
	/* More than three arguments: goes through bpf_trace_vprintk. */
	bpf_printk("exec %u %u %s cpu %u %s", e->pid, e->tgid, e->comm,
		   bpf_get_smp_processor_id(), buf);
	bpf_ringbuf_submit(e, 0);
	__sync_fetch_and_add(&smoke_bss_counter, 1);
	return 0;
}

EBPFC_LICENSE("Dual BSD/GPL");
