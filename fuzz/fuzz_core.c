/*
 * fuzz_core.c - libFuzzer target for the CO-RE engine (src/core.c).
 *
 * The input is split into a local BTF, a target BTF, one relocation record
 * and instructions; the record is applied and must never crash, hang or
 * leak. Both BTFs get a valid header from this file (the input supplies
 * only their type and string sections), so the fuzzer spends its time on
 * type graphs and access strings rather than on finding the BTF magic;
 * the BTF reader has its own target for headers.
 *
 * Layout (little-endian):
 *   u8  flags       bit 0: the target is the local BTF itself
 *                   bits 4..7: kind of a second relocation on the same record
 *   u16 local types length, u16 local strings length
 *   u16 target types length, u16 target strings length
 *   struct bpf_core_relo (16 bytes; insn_off picks the instruction)
 *   local types, local strings, target types, target strings
 *   instructions (the rest, whole 8-byte instructions, at most 64)
 *
 * Checked beyond "no crash": a failed relocation leaves the instructions
 * as they were; a poisoned one is a call to the poison helper, with a note.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE \
 *       -DEBPFC_BUILDING -Iinclude -Isrc src/\*.c fuzz/fuzz_core.c -o build-fuzz/fuzz_core
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "core.h"

#define MAX_INSNS 64

struct fuzz_hdr {
	uint8_t flags;
	uint8_t lt[2], ls[2], tt[2], ts[2];
	uint8_t relo[16];
};

static size_t u16(const uint8_t *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8;
}

/* Header + types + strings (which always start with the empty string). */
static struct ebpfc_btf *make_btf(const uint8_t *types, size_t tlen, const uint8_t *strs,
				  size_t slen)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(h),
		.type_off = 0,
		.type_len = (uint32_t)tlen,
		.str_off = (uint32_t)tlen,
		.str_len = (uint32_t)slen + 1,
	};
	struct ebpfc_btf_open_opts opts = { .sz = sizeof(opts), .copy = true };
	struct ebpfc_btf *btf = NULL;
	size_t size = sizeof(h) + tlen + slen + 1;
	uint8_t *buf = malloc(size);

	if (!buf)
		return NULL;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), types, tlen);
	buf[sizeof(h) + tlen] = 0;
	memcpy(buf + sizeof(h) + tlen + 1, strs, slen);
	if (ebpfc_btf_open_mem(buf, size, &opts, &btf))
		btf = NULL;
	free(buf);
	return btf;
}

static void check_apply(struct ebpfc__core_ctx *ctx, const struct bpf_core_relo *r,
			struct bpf_insn *insns, size_t n)
{
	struct bpf_insn before[MAX_INSNS];
	struct ebpfc__core_res res;
	size_t idx = (r->insn_off / 8) % n;
	int err;

	memcpy(before, insns, n * sizeof(*insns));
	err = ebpfc__core_apply(ctx, "fuzz", 0, idx, r, insns + idx, n - idx, &res);
	if (err) {
		if (err >= 0 || memcmp(before, insns, n * sizeof(*insns)))
			abort(); /* errors are negative and leave the code alone */
		return;
	}
	if (res.poisoned && (insns[idx].code != (BPF_JMP | BPF_CALL) ||
			     insns[idx].imm != EBPFC__CORE_POISON_HELPER ||
			     !ebpfc__core_poison_reason(ctx, "fuzz", idx)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ebpfc_btf *local, *target = NULL;
	struct ebpfc__core_ctx *ctx = NULL;
	struct bpf_insn insns[MAX_INSNS];
	struct ebpfc__btf_ext_sec sec;
	struct bpf_core_relo r;
	struct fuzz_hdr h;
	size_t lt, ls, tt, ts, n;
	char desc[256];

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	lt = u16(h.lt);
	ls = u16(h.ls);
	tt = u16(h.tt);
	ts = u16(h.ts);
	if (h.flags & 1)
		tt = ts = 0;
	if (lt + ls + tt + ts > size)
		return 0;
	memcpy(&r, h.relo, sizeof(r));

	local = make_btf(data, lt, data + lt, ls);
	if (!local)
		return 0;
	data += lt + ls;
	size -= lt + ls;
	if (h.flags & 1) {
		target = ebpfc__btf_get(local);
	} else {
		target = make_btf(data, tt, data + tt, ts);
		data += tt + ts;
		size -= tt + ts;
	}
	n = size / sizeof(struct bpf_insn);
	if (n > MAX_INSNS)
		n = MAX_INSNS;
	if (!target || !n)
		goto out;
	memcpy(insns, data, n * sizeof(*insns));

	ebpfc__core_relo_str(local, &r, desc, sizeof(desc));
	if (ebpfc__core_ctx_new(local, target, "fuzz kernel", &ctx))
		goto out;
	check_apply(ctx, &r, insns, n);
	/* The same record as another kind, through the candidate cache. */
	r.kind = (enum bpf_core_relo_kind)((h.flags >> 4) % 13);
	check_apply(ctx, &r, insns, n);

	/* And as a one-record section over the whole instruction array. */
	memcpy(insns, data, n * sizeof(*insns));
	r.insn_off = (r.insn_off / 8) % (uint32_t)n * 8;
	sec = (struct ebpfc__btf_ext_sec){ .sec_name = "fuzz", .rec_size = sizeof(r), .count = 1,
					   .recs = &r };
	ebpfc__core_apply_func(ctx, "fuzz2", &sec, 0, n, insns, 0);
	ebpfc__core_poison_reason(ctx, "fuzz2", r.insn_off / 8);
	ebpfc__core_poison_clear(ctx, "fuzz");
out:
	ebpfc__core_ctx_free(ctx);
	ebpfc_btf_destroy(target);
	ebpfc_btf_destroy(local);
	return 0;
}
