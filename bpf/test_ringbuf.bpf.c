/*
 * test_ringbuf.bpf.c - producers and a consumer for tests/test_ringbuf.c,
 * run through BPF_PROG_TEST_RUN (XDP programs: test_run takes a frame,
 * repeats, and may call every ring buffer helper).
 *
 * emit: bpf_loop(cfg_count) records into the ring chosen by cfg_ring, with
 * sizes cfg_size, cfg_size + cfg_size_step, ... (kept in 1..4096 by
 * wrapping past 4096 back to 1). Record i is discarded instead of
 * submitted when cfg_discard_mod > 0 and i % cfg_discard_mod equals
 * cfg_discard_mod - 1. A record carries its ring's sequence number in its
 * first 8 bytes (little endian, cut short in records under 8 bytes) and
 * bytes 8.. of `pattern`, a per-CPU array the test fills; only submitted
 * records advance the sequence, so what user space sees is gap-free:
 * a duplicate or a hole is a consumer bug. A failed reservation (full
 * ring) counts in fails[ring] and emits nothing.
 *
 *   cfg_ring 0 rb (256 KiB), 1 rb_small (4 KiB), 2 rb_a, 3 rb_b (16 KiB),
 *            4 alternate rb_a (even i) and rb_b (odd i).
 *
 * drain_user: bpf_user_ringbuf_drain() on urb. A user record is a __u32
 * count n (at most 32), a __u32 tag, then n __u64 values; the callback
 * adds the values to urb_sum, counts records in urb_records and malformed
 * ones in urb_bad; urb_ret is the helper's return value.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

#define MAX_REC 4096

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb_small SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16384);
} rb_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16384);
} rb_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 16384);
} urb SEC(".maps");

struct pattern {
	__u8 b[MAX_REC];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pattern);
} pattern SEC(".maps");

__u32 cfg_ring;
__u32 cfg_count;
__u32 cfg_size = 1;
__u32 cfg_size_step;
__u32 cfg_discard_mod;

__u64 seq[4];
__u64 sent[4];
__u64 discarded[4];
__u64 fails[4];

__u64 urb_sum;
__u64 urb_records;
__u64 urb_bad;
__s64 urb_ret;

static __always_inline long reserve(__u32 ring, __u32 size, struct bpf_dynptr *d)
{
	if (ring == 1)
		return bpf_ringbuf_reserve_dynptr(&rb_small, size, 0, d);
	if (ring == 2)
		return bpf_ringbuf_reserve_dynptr(&rb_a, size, 0, d);
	if (ring == 3)
		return bpf_ringbuf_reserve_dynptr(&rb_b, size, 0, d);
	return bpf_ringbuf_reserve_dynptr(&rb, size, 0, d);
}

static long emit_one(__u32 i, void *ctx)
{
	struct bpf_dynptr d;
	struct pattern *p;
	__u32 zero = 0, ring = cfg_ring, size, head;
	__u64 s;
	int discard;

	if (ring == 4)
		ring = 2 + (i & 1);
	ring &= 3;
	size = ((cfg_size + i * cfg_size_step - 1) & (MAX_REC - 1)) + 1;
	discard = cfg_discard_mod && i % cfg_discard_mod == cfg_discard_mod - 1;

	p = bpf_map_lookup_elem(&pattern, &zero);
	if (!p)
		return 1;
	if (reserve(ring, size, &d)) {
		fails[ring]++;
		bpf_ringbuf_discard_dynptr(&d, 0);
		return 0;
	}
	s = seq[ring];
	head = size < 8 ? size : 8;
	bpf_dynptr_write(&d, 0, &s, head, 0);
	if (size > 8)
		bpf_dynptr_write(&d, 8, &p->b[8], size - 8, 0);
	if (discard) {
		discarded[ring]++;
		bpf_ringbuf_discard_dynptr(&d, 0);
	} else {
		seq[ring] = s + 1;
		sent[ring]++;
		bpf_ringbuf_submit_dynptr(&d, 0);
	}
	return 0;
}

SEC("xdp")
int emit(struct xdp_md *ctx)
{
	bpf_loop(cfg_count, emit_one, NULL, 0);
	return XDP_PASS;
}

static long urb_one(struct bpf_dynptr *d, void *ctx)
{
	__u32 hdr[2];
	__u64 v;
	int i;

	if (bpf_dynptr_read(hdr, sizeof(hdr), d, 0, 0)) {
		urb_bad++;
		return 0;
	}
	for (i = 0; i < 32; i++) {
		if (i >= hdr[0])
			break;
		if (bpf_dynptr_read(&v, sizeof(v), d, 8 + i * 8, 0)) {
			urb_bad++;
			return 0;
		}
		urb_sum += v;
	}
	urb_records++;
	return 0;
}

SEC("xdp")
int drain_user(struct xdp_md *ctx)
{
	urb_ret = bpf_user_ringbuf_drain(&urb, urb_one, NULL, 0);
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
