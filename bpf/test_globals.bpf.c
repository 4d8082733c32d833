/*
 * test_globals.bpf.c - global data of every kind for tests/test_object.c:
 * .rodata (u8, u32, u64, an array), a custom .rodata.cfg (a struct), .data
 * (u8, u32, u64, a struct, an array), a custom .data.custom, and .bss
 * (u8, u32, u64, a struct, an array).
 *
 * globals_run (XDP) reads the read-only configuration and the writable
 * inputs and writes what it computed into .bss and .data, so that user
 * space can check that values set before load (rodata) and written after
 * load (data, through the mmapped map) reach the program:
 *   out_u8     = cfg_u8
 *   out_u32    = cfg_u32 * cfg.mult + cfg.add
 *   out_u64    = cfg_u64 + data_input
 *   out_arr[i] = cfg_arr[i] + data_arr[i]            (i < 4)
 *   out.sum    = data_pair.a + data_pair.b + custom_arr[2] + cfg.big
 *   out.runs   += 1;  data_u32 += 1;  custom_counter += data_u8
 * and returns cfg.action (XDP_PASS unless configured).
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

struct cfg {
	__u32 mult;
	__u32 add;
	__u64 big;
	__u32 action;
};

struct result {
	__u64 sum;
	__u32 runs;
	__u32 pad;
};

struct pair {
	__u32 a;
	__u32 b;
};

/* .rodata */
const volatile __u8 cfg_u8 = 3;
const volatile __u32 cfg_u32 = 100;
const volatile __u64 cfg_u64 = 0x1122334455667788ULL;
const volatile __u32 cfg_arr[4] = { 1, 2, 3, 4 };

/* .rodata.cfg */
const volatile struct cfg cfg SEC(".rodata.cfg") = {
	.mult = 2, .add = 1, .big = 7, .action = XDP_PASS,
};

/* .data */
__u8 data_u8 = 0xab;
__u32 data_u32 = 5;
__u64 data_input = 1;
struct pair data_pair = { 7, 9 };
__u32 data_arr[4] = { 10, 20, 30, 40 };

/* .data.custom */
__u64 custom_counter SEC(".data.custom") = 1000;
__u32 custom_arr[3] SEC(".data.custom") = { 11, 22, 33 };

/* .bss */
__u8 out_u8;
__u32 out_u32;
__u64 out_u64;
struct result out;
__u32 out_arr[4];

SEC("xdp")
int globals_run(struct xdp_md *ctx)
{
	int i;

	out_u8 = cfg_u8;
	out_u32 = cfg_u32 * cfg.mult + cfg.add;
	out_u64 = cfg_u64 + data_input;
	for (i = 0; i < 4; i++)
		out_arr[i] = cfg_arr[i] + data_arr[i];
	out.sum = data_pair.a + data_pair.b + custom_arr[2] + cfg.big;
	out.runs++;
	data_u32++;
	custom_counter += data_u8;
	return cfg.action;
}

EBPFC_LICENSE("GPL");
