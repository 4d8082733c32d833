/*
 * test_subprogs.bpf.c - bpf-to-bpf calls for tests/test_object.c and the
 * hostile-input tests: static and global noinline functions in .text, a
 * static function in a program's own section (clang resolves that call
 * itself, no relocation), a static function in a custom non-program
 * section ("subprog_sec", a subprogram because it is static), a subprogram
 * shared by two programs, calls three deep, a bpf_loop callback and a
 * bpf_for_each_map_elem callback (function pointers: ld_imm64 of code).
 *
 * Results go to .bss; every program returns XDP_PASS:
 *   sub_main:  res_main  = add2(2, 3) + mul3(4) + depth3(5) + own_sec(6)
 *                        = 5 + 12 + ((5+1)*2+100) + (6*7) = 171
 *   sub_other: res_other = add2(10, 20) + depth3(1) + custom_sec_fn(3)
 *                        = 30 + 104 + (3+1000) = 1137
 *   sub_loop:  res_loop  = sum of idx*2 for idx < loop_n (.data, 10) = 90
 *   sub_each:  res_each  = sum of the values in each_map + 1000 * elements
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} each_map SEC(".maps");

__u64 res_main, res_other, res_loop, res_each;
__u32 loop_n = 10;
/* Inputs in .data, so that clang cannot fold the calls into constants. */
__u64 in2 = 2, in3 = 3, in4 = 4, in5 = 5, in6 = 6, in1 = 1, in10 = 10, in20 = 20;

/* .text, static */
static __noinline __u64 add2(__u64 a, __u64 b)
{
	return a + b;
}

/* .text, global: a subprogram too (only global functions outside .text are programs) */
__noinline int mul3(int x)
{
	return x * 3;
}

/* three deep: depth3 -> depth2 -> depth1 */
static __noinline __u64 depth1(__u64 x)
{
	return x + 1;
}

static __noinline __u64 depth2(__u64 x)
{
	return depth1(x) * 2;
}

static __noinline __u64 depth3(__u64 x)
{
	return depth2(x) + 100;
}

/* A static function in a custom section that no program type claims. */
static __noinline __attribute__((section("subprog_sec"))) __u64 custom_sec_fn(__u64 x)
{
	return x + 1000;
}

/* A static function in the program's own section. */
static __noinline __attribute__((section("xdp"))) __u64 own_sec(__u64 x)
{
	return x * 7;
}

SEC("xdp")
int sub_main(struct xdp_md *ctx)
{
	res_main = add2(in2, in3) + mul3(in4) + depth3(in5) + own_sec(in6);
	return XDP_PASS;
}

SEC("xdp")
int sub_other(struct xdp_md *ctx)
{
	res_other = add2(in10, in20) + depth3(in1) + custom_sec_fn(in3);
	return XDP_PASS;
}

struct loop_ctx {
	__u64 sum;
};

static int loop_cb(__u32 idx, void *data)
{
	struct loop_ctx *c = data;

	c->sum += idx * 2;
	return 0;
}

SEC("xdp")
int sub_loop(struct xdp_md *ctx)
{
	struct loop_ctx c = { 0 };

	bpf_loop(loop_n, loop_cb, &c, 0);
	res_loop = c.sum;
	return XDP_PASS;
}

struct each_ctx {
	__u64 sum;
};

static __u64 each_cb(void *map, __u32 *key, __u64 *val, struct each_ctx *c)
{
	c->sum += *val + 1000;
	return 0;
}

SEC("xdp")
int sub_each(struct xdp_md *ctx)
{
	struct each_ctx c = { 0 };

	bpf_for_each_map_elem(&each_map, each_cb, &c, 0);
	res_each = c.sum;
	return XDP_PASS;
}

EBPFC_LICENSE("GPL");
