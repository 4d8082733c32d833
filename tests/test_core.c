/*
 * test_core.c - tests of the CO-RE engine (src/core.c).
 *
 * Unit tests build a local (object) BTF and a target (kernel) BTF by hand
 * for each case, apply one relocation record to hand-made instructions and
 * check the patched instruction, the poison note or the error message:
 * every relocation kind, moved and renamed fields, flavors, anonymous
 * members, arrays, bitfields (their values checked by extracting them from
 * a memory image), load size adjustment, ld_imm64, ambiguity, modules,
 * malformed records and instructions.
 *
 * End-to-end tests take bpf/test_core.bpf.o (compiled by clang), parse its
 * .BTF and .BTF.ext with the library's readers, relocate every record
 * against /sys/kernel/btf/vmlinux, and against the other kernels' BTF the
 * vmtest tooling caches, and check each patched value against what the
 * public BTF API says about that kernel.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <elf.h>
#include <linux/bpf.h>

#include <ebpfc/btf.h>

#include "btf.h"
#include "core.h"
#include "elf.h"

#define KNAME "test-kernel 9.9"
#define POISON_IMM 0xbad2310

#define assert_ok(expr)                                                                 \
	do {                                                                            \
		long e_ = (long)(expr);                                                 \
		if (e_)                                                                 \
			fail_msg("%s returned %ld: %s", #expr, e_, ebpfc_errmsg());     \
	} while (0)

#define assert_err(expr, err)                                                           \
	do {                                                                            \
		long e_ = (long)(expr);                                                 \
		if (e_ != -(long)(err))                                                 \
			fail_msg("%s returned %ld, expected %ld: %s", #expr, e_,        \
				 -(long)(err), ebpfc_errmsg());                         \
	} while (0)

#define assert_has(str, substr)                                                         \
	do {                                                                            \
		const char *s_ = (str);                                                 \
		if (!s_ || !strstr(s_, (substr)))                                       \
			fail_msg("\"%s\" does not contain \"%s\"", s_ ? s_ : "(null)",  \
				 (substr));                                             \
	} while (0)

#define assert_msg(substr) assert_has(ebpfc_errmsg(), substr)

/* ---- instructions ---------------------------------------------------------- */

#define INSN(CODE, DST, SRC, OFF, IMM) \
	((struct bpf_insn){ .code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) })
#define MOV64_IMM(DST, IMM) INSN(BPF_ALU64 | BPF_MOV | BPF_K, DST, 0, 0, IMM)
#define MOV32_IMM(DST, IMM) INSN(BPF_ALU | BPF_MOV | BPF_K, DST, 0, 0, IMM)
#define ADD64_IMM(DST, IMM) INSN(BPF_ALU64 | BPF_ADD | BPF_K, DST, 0, 0, IMM)
#define LSH64_IMM(DST, IMM) INSN(BPF_ALU64 | BPF_LSH | BPF_K, DST, 0, 0, IMM)
#define LDX(SZ, DST, SRC, OFF) INSN(BPF_LDX | (SZ) | BPF_MEM, DST, SRC, OFF, 0)
#define LDXSX(SZ, DST, SRC, OFF) INSN(BPF_LDX | (SZ) | 0x80, DST, SRC, OFF, 0)
#define STX(SZ, DST, SRC, OFF) INSN(BPF_STX | (SZ) | BPF_MEM, DST, SRC, OFF, 0)
#define ST(SZ, DST, OFF, IMM) INSN(BPF_ST | (SZ) | BPF_MEM, DST, 0, OFF, IMM)

static void ld_imm64(struct bpf_insn *i, uint64_t v)
{
	i[0] = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, (int32_t)(uint32_t)v);
	i[1] = INSN(0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
}

static uint64_t imm64_of(const struct bpf_insn *i)
{
	return (uint64_t)(uint32_t)i[0].imm | (uint64_t)(uint32_t)i[1].imm << 32;
}

static bool is_poisoned(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_CALL) && i->imm == POISON_IMM && !i->src_reg &&
	       !i->dst_reg && !i->off;
}

/* ---- a BTF builder ----------------------------------------------------------- */

struct bb {
	uint32_t w[4096];
	size_t nw;
	char s[8192];
	size_t ns;
	uint32_t next;
	uint32_t str_base; /* split BTF: the base's string length */
};

static void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->ns = 1;
	b->next = 1;
}

/* For split BTF on `base`: ids and string offsets continue after the base's. */
static void bb_init_split(struct bb *b, const struct ebpfc_btf *base)
{
	const void *raw;
	size_t size;
	struct btf_header h;

	bb_init(b);
	assert_ok(ebpfc_btf_raw_data(base, &raw, &size));
	memcpy(&h, raw, sizeof(h));
	b->ns = 0;
	b->str_base = h.str_len;
	b->next = ebpfc_btf_type_cnt(base);
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	size_t n;
	uint32_t off;

	if (!s || !*s)
		return 0;
	n = strlen(s) + 1;
	assert_true(b->ns + n <= sizeof(b->s));
	off = (uint32_t)b->ns;
	memcpy(b->s + b->ns, s, n);
	b->ns += n;
	return off + b->str_base;
}

static void bb_w(struct bb *b, uint32_t v)
{
	assert_true(b->nw < EBPFC__ARRAY_SIZE(b->w));
	b->w[b->nw++] = v;
}

static uint32_t bb_type(struct bb *b, const char *name, unsigned int kind, bool kflag,
			unsigned int vlen, uint32_t size_or_type)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, (uint32_t)kind << 24 | (uint32_t)kflag << 31 | vlen);
	bb_w(b, size_or_type);
	return b->next++;
}

static uint32_t bb_int(struct bb *b, const char *name, uint32_t size, bool is_signed)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, false, 0, size);

	bb_w(b, (is_signed ? BTF_INT_SIGNED : 0u) << 24 | size * 8);
	return id;
}

/* An old-style bitfield int: `bits` bits at bit `off` of a `size`-byte int. */
static uint32_t bb_int_bits(struct bb *b, const char *name, uint32_t size, uint32_t bits,
			    uint32_t off)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, false, 0, size);

	bb_w(b, off << 16 | bits);
	return id;
}

static uint32_t bb_ref(struct bb *b, unsigned int kind, const char *name, uint32_t type)
{
	return bb_type(b, name, kind, false, 0, type);
}

static uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index_type, uint32_t n)
{
	uint32_t id = bb_type(b, NULL, BTF_KIND_ARRAY, false, 0, 0);

	bb_w(b, elem);
	bb_w(b, index_type);
	bb_w(b, n);
	return id;
}

/* A struct or union header; follow with vlen bb_mem() calls. */
static uint32_t bb_comp(struct bb *b, unsigned int kind, const char *name, uint32_t size,
			unsigned int vlen, bool kflag)
{
	return bb_type(b, name, kind, kflag, vlen, size);
}

static void bb_mem(struct bb *b, const char *name, uint32_t type, uint32_t bit_off,
		   uint32_t bitfield_size)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, type);
	bb_w(b, bitfield_size << 24 | bit_off);
}

static uint32_t bb_enum(struct bb *b, const char *name, uint32_t size, unsigned int vlen,
			bool is_signed, bool is64)
{
	return bb_type(b, name, is64 ? BTF_KIND_ENUM64 : BTF_KIND_ENUM, is_signed, vlen, size);
}

static void bb_eval(struct bb *b, const char *name, uint64_t v, bool is64)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, (uint32_t)v);
	if (is64)
		bb_w(b, (uint32_t)(v >> 32));
}

static struct ebpfc_btf *bb_open_on(const struct bb *b, const struct ebpfc_btf *base)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(h),
		.type_off = 0,
		.type_len = (uint32_t)(b->nw * 4),
		.str_off = (uint32_t)(b->nw * 4),
		.str_len = (uint32_t)b->ns,
	};
	struct ebpfc_btf_open_opts opts = { .sz = sizeof(opts), .copy = true, .base = base };
	size_t size = sizeof(h) + h.type_len + h.str_len;
	struct ebpfc_btf *btf = NULL;
	char *buf = malloc(size);

	assert_non_null(buf);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), b->w, h.type_len);
	memcpy(buf + sizeof(h) + h.type_len, b->s, h.str_len);
	assert_ok(ebpfc_btf_open_mem(buf, size, &opts, &btf));
	free(buf);
	return btf;
}

static struct ebpfc_btf *bb_open(const struct bb *b)
{
	return bb_open_on(b, NULL);
}

/*
 * A test's pair of BTFs and the context over them. Relocation records'
 * access strings live in the local BTF: add them with bb_str() before
 * fx_open().
 */
struct fx {
	struct bb l, t;
	struct ebpfc_btf *local, *target;
	struct ebpfc__core_ctx *ctx;
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	bb_init(&f->l);
	bb_init(&f->t);
	return f;
}

static void fx_open(struct fx *f)
{
	f->local = bb_open(&f->l);
	f->target = bb_open(&f->t);
	assert_ok(ebpfc__core_ctx_new(f->local, f->target, KNAME, &f->ctx));
	/* The context keeps its own references. */
	ebpfc_btf_destroy(f->local);
	ebpfc_btf_destroy(f->target);
}

static void fx_free(struct fx *f)
{
	ebpfc__core_ctx_free(f->ctx);
	free(f);
}

/* Apply one record as relocation #3 at instruction 17 of program "prog". */
static int apply(struct fx *f, uint32_t type_id, uint32_t acc, unsigned int kind,
		 struct bpf_insn *insn, size_t cnt, struct ebpfc__core_res *res)
{
	struct bpf_core_relo r = {
		.insn_off = 0, .type_id = type_id, .access_str_off = acc,
		.kind = (enum bpf_core_relo_kind)kind,
	};

	return ebpfc__core_apply(f->ctx, "prog", 3, 17, &r, insn, cnt, res);
}

/* Apply to a fresh `r1 = local_val` and return the patched immediate. */
static int64_t apply_mov(struct fx *f, uint32_t type_id, uint32_t acc, unsigned int kind,
			 int32_t local_val)
{
	struct bpf_insn i = MOV64_IMM(1, local_val);

	assert_ok(apply(f, type_id, acc, kind, &i, 1, NULL));
	assert_int_equal(i.code, BPF_ALU64 | BPF_MOV | BPF_K);
	return i.imm;
}

/*
 * The common pair: struct s { int a; int b; unsigned c; char name[8]; }
 * locally; in the target, b moved behind a new long and c became an
 * unsigned long.
 */
enum { L_INT = 1, L_UINT, L_CHAR, L_ARR8, L_S };
enum { T_INT = 1, T_UINT, T_LONG, T_ULONG, T_CHAR, T_ARR8, T_S };

static void build_s(struct fx *f)
{
	assert_int_equal(bb_int(&f->l, "int", 4, true), L_INT);
	assert_int_equal(bb_int(&f->l, "unsigned int", 4, false), L_UINT);
	assert_int_equal(bb_int(&f->l, "char", 1, true), L_CHAR);
	assert_int_equal(bb_array(&f->l, L_CHAR, L_INT, 8), L_ARR8);
	assert_int_equal(bb_comp(&f->l, BTF_KIND_STRUCT, "s", 20, 4, false), L_S);
	bb_mem(&f->l, "a", L_INT, 0, 0);
	bb_mem(&f->l, "b", L_INT, 32, 0);
	bb_mem(&f->l, "c", L_UINT, 64, 0);
	bb_mem(&f->l, "name", L_ARR8, 96, 0);

	assert_int_equal(bb_int(&f->t, "int", 4, true), T_INT);
	assert_int_equal(bb_int(&f->t, "unsigned int", 4, false), T_UINT);
	assert_int_equal(bb_int(&f->t, "long", 8, true), T_LONG);
	assert_int_equal(bb_int(&f->t, "unsigned long", 8, false), T_ULONG);
	assert_int_equal(bb_int(&f->t, "char", 1, true), T_CHAR);
	assert_int_equal(bb_array(&f->t, T_CHAR, T_INT, 8), T_ARR8);
	assert_int_equal(bb_comp(&f->t, BTF_KIND_STRUCT, "s", 40, 5, false), T_S);
	bb_mem(&f->t, "a", T_INT, 0, 0);
	bb_mem(&f->t, "pad", T_LONG, 64, 0);
	bb_mem(&f->t, "b", T_INT, 128, 0);
	bb_mem(&f->t, "name", T_ARR8, 160, 0);
	bb_mem(&f->t, "c", T_ULONG, 256, 0);
}

/* ---- fields ------------------------------------------------------------------- */

static void test_field_moved(void **state)
{
	struct fx *f = fx_new();
	uint32_t a, b, c, name, name3, whole, second;
	struct ebpfc__core_res res;
	struct bpf_insn i[2];

	(void)state;
	build_s(f);
	a = bb_str(&f->l, "0:0");
	b = bb_str(&f->l, "0:1");
	c = bb_str(&f->l, "0:2");
	name = bb_str(&f->l, "0:3");
	name3 = bb_str(&f->l, "0:3:3");
	whole = bb_str(&f->l, "0");
	second = bb_str(&f->l, "1:1");
	fx_open(f);

	assert_int_equal(apply_mov(f, L_S, a, BPF_CORE_FIELD_BYTE_OFFSET, 0), 0);
	assert_int_equal(apply_mov(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, 4), 16);
	assert_int_equal(apply_mov(f, L_S, c, BPF_CORE_FIELD_BYTE_OFFSET, 8), 32);
	assert_int_equal(apply_mov(f, L_S, name, BPF_CORE_FIELD_BYTE_OFFSET, 12), 20);
	assert_int_equal(apply_mov(f, L_S, name3, BPF_CORE_FIELD_BYTE_OFFSET, 15), 23);
	/* p[1].b: one whole target struct further. */
	assert_int_equal(apply_mov(f, L_S, second, BPF_CORE_FIELD_BYTE_OFFSET, 24), 56);
	assert_int_equal(apply_mov(f, L_S, whole, BPF_CORE_FIELD_BYTE_OFFSET, 0), 0);

	assert_int_equal(apply_mov(f, L_S, b, BPF_CORE_FIELD_BYTE_SIZE, 4), 4);
	assert_int_equal(apply_mov(f, L_S, c, BPF_CORE_FIELD_BYTE_SIZE, 4), 8);
	assert_int_equal(apply_mov(f, L_S, name, BPF_CORE_FIELD_BYTE_SIZE, 8), 8);
	assert_int_equal(apply_mov(f, L_S, name3, BPF_CORE_FIELD_BYTE_SIZE, 1), 1);
	assert_int_equal(apply_mov(f, L_S, whole, BPF_CORE_FIELD_BYTE_SIZE, 20), 40);
	assert_int_equal(apply_mov(f, L_S, b, BPF_CORE_FIELD_EXISTS, 1), 1);
	assert_int_equal(apply_mov(f, L_S, b, BPF_CORE_FIELD_SIGNED, 1), 1);
	assert_int_equal(apply_mov(f, L_S, c, BPF_CORE_FIELD_SIGNED, 0), 0);
	assert_int_equal(apply_mov(f, L_S, b, BPF_CORE_FIELD_LSHIFT_U64, 32), 32);
	assert_int_equal(apply_mov(f, L_S, c, BPF_CORE_FIELD_RSHIFT_U64, 32), 0);

	/* A load's offset; the result record. */
	i[0] = LDX(BPF_W, 2, 1, 4);
	assert_ok(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, &res));
	assert_int_equal(i[0].code, BPF_LDX | BPF_W | BPF_MEM);
	assert_int_equal(i[0].off, 16);
	assert_int_equal(i[0].dst_reg, 2);
	assert_int_equal(i[0].src_reg, 1);
	assert_false(res.poisoned);
	assert_int_equal(res.local_val, 4);
	assert_int_equal(res.target_val, 16);
	assert_int_equal(res.target_id, T_S);
	assert_int_equal(res.cand_cnt, 1);

	/* Stores and ALU ops other than mov carry offsets too. */
	i[0] = STX(BPF_W, 1, 2, 4);
	assert_ok(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL));
	assert_int_equal(i[0].off, 16);
	i[0] = ST(BPF_W, 1, 4, 77);
	assert_ok(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL));
	assert_int_equal(i[0].off, 16);
	assert_int_equal(i[0].imm, 77);
	i[0] = ADD64_IMM(3, 4);
	assert_ok(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL));
	assert_int_equal(i[0].imm, 16);
	i[0] = MOV32_IMM(3, 4);
	assert_ok(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL));
	assert_int_equal(i[0].imm, 16);
	/* And an ld_imm64. */
	ld_imm64(i, 4);
	assert_ok(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 2, NULL));
	assert_int_equal(imm64_of(i), 16);
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 0);
	fx_free(f);
}

static void test_flavors_and_typedefs(void **state)
{
	struct fx *f = fx_new();
	uint32_t fl, td, b, sb;
	struct ebpfc__core_res res;
	struct bpf_insn i;

	(void)state;
	build_s(f);
	/* struct s___old { int b; }, typedef struct s s_t; a typedef in the target too. */
	fl = bb_comp(&f->l, BTF_KIND_STRUCT, "s___old", 4, 1, false);
	bb_mem(&f->l, "b", L_INT, 0, 0);
	td = bb_ref(&f->l, BTF_KIND_TYPEDEF, "s_t", L_S);
	bb_ref(&f->t, BTF_KIND_TYPEDEF, "s_t", T_S);
	b = bb_str(&f->l, "0:0");
	sb = bb_str(&f->l, "0:1");
	fx_open(f);

	i = MOV64_IMM(1, 0);
	assert_ok(apply(f, fl, b, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, &res));
	assert_int_equal(i.imm, 16);
	assert_int_equal(res.target_id, T_S);
	assert_int_equal(apply_mov(f, td, sb, BPF_CORE_FIELD_BYTE_OFFSET, 4), 16);
	fx_free(f);
}

static void test_field_missing_poisoned(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, gone, a, nogone, absent;
	struct ebpfc__core_res res;
	const struct ebpfc__core_poison *p;
	struct bpf_insn i[2];
	const char *why;

	(void)state;
	build_s(f);
	/* struct s___v2 { int a; int gone; }; struct nothere { int a; }. */
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "s___v2", 8, 2, false);
	bb_mem(&f->l, "a", L_INT, 0, 0);
	bb_mem(&f->l, "gone", L_INT, 32, 0);
	absent = bb_comp(&f->l, BTF_KIND_STRUCT, "nothere", 4, 1, false);
	bb_mem(&f->l, "a", L_INT, 0, 0);
	gone = bb_str(&f->l, "0:1");
	a = bb_str(&f->l, "0:0");
	nogone = bb_str(&f->l, "0:0");
	fx_open(f);
	(void)nogone;

	/* Existence checks are answered, not poisoned. */
	assert_int_equal(apply_mov(f, ls, gone, BPF_CORE_FIELD_EXISTS, 1), 0);
	assert_int_equal(apply_mov(f, ls, a, BPF_CORE_FIELD_EXISTS, 1), 1);
	assert_int_equal(apply_mov(f, absent, a, BPF_CORE_FIELD_EXISTS, 1), 0);
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 0);

	i[0] = LDX(BPF_W, 2, 1, 4);
	assert_ok(apply(f, ls, gone, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, &res));
	assert_true(is_poisoned(&i[0]));
	assert_true(res.poisoned);
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 1);
	why = ebpfc__core_poison_reason(f->ctx, "prog", 17);
	assert_has(why, "program 'prog': CO-RE relocation #3 (insn 17, byte_off): field "
			"'s___v2.gone' not found in kernel BTF (" KNAME "): struct s has no "
			"member 'gone'");
	assert_null(ebpfc__core_poison_reason(f->ctx, "prog", 16));
	assert_null(ebpfc__core_poison_reason(f->ctx, "other", 17));
	p = ebpfc__core_poison_at(f->ctx, 0);
	assert_non_null(p);
	assert_string_equal(p->prog, "prog");
	assert_int_equal(p->insn_idx, 17);
	assert_int_equal(p->relo_idx, 3);
	assert_null(ebpfc__core_poison_at(f->ctx, 1));

	/* Every value kind of a missing field is poisoned; a note per instruction. */
	i[0] = MOV64_IMM(1, 4);
	assert_ok(apply(f, ls, gone, BPF_CORE_FIELD_BYTE_SIZE, i, 1, NULL));
	assert_true(is_poisoned(&i[0]));
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 1); /* same insn 17: replaced */
	assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17), "byte_sz");

	/* A missing type: the whole access is missing. */
	i[0] = MOV64_IMM(1, 0);
	assert_ok(apply(f, absent, a, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL));
	assert_true(is_poisoned(&i[0]));
	assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17), "no struct named 'nothere'");

	/* ld_imm64: both halves become calls. */
	ld_imm64(i, 4);
	assert_ok(apply(f, ls, gone, BPF_CORE_FIELD_BYTE_OFFSET, i, 2, NULL));
	assert_true(is_poisoned(&i[0]));
	assert_true(is_poisoned(&i[1]));

	/* Notes go away per program. */
	ebpfc__core_poison_clear(f->ctx, "other");
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 1);
	ebpfc__core_poison_clear(f->ctx, "prog");
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 0);
	assert_null(ebpfc__core_poison_reason(f->ctx, "prog", 17));
	fx_free(f);
}

static void test_incompatible_field(void **state)
{
	struct fx *f = fx_new();
	uint32_t lq, tq, tinner, acc, acc_arr;
	struct bpf_insn i;

	(void)state;
	bb_int(&f->l, "int", 4, true);                          /* 1 */
	bb_array(&f->l, 1, 1, 4);                               /* 2 */
	lq = bb_comp(&f->l, BTF_KIND_STRUCT, "q", 20, 2, false); /* 3 */
	bb_mem(&f->l, "x", 1, 0, 0);
	bb_mem(&f->l, "arr", 2, 32, 0);
	bb_int(&f->t, "int", 4, true);                          /* 1 */
	tinner = bb_comp(&f->t, BTF_KIND_STRUCT, "inner", 4, 1, false);
	bb_mem(&f->t, "y", 1, 0, 0);
	tq = bb_comp(&f->t, BTF_KIND_STRUCT, "q", 8, 2, false);
	bb_mem(&f->t, "x", tinner, 0, 0);  /* an int became a struct */
	bb_mem(&f->t, "arr", 1, 32, 0);    /* an array became an int */
	acc = bb_str(&f->l, "0:0");
	acc_arr = bb_str(&f->l, "0:1:2");
	fx_open(f);
	(void)tq;

	i = MOV64_IMM(1, 0);
	assert_ok(apply(f, lq, acc, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_true(is_poisoned(&i));
	assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17),
		   "member 'x' is struct inner in kernel BTF, incompatible with int in the object");
	assert_int_equal(apply_mov(f, lq, acc, BPF_CORE_FIELD_EXISTS, 1), 0);
	i = MOV64_IMM(1, 12);
	assert_ok(apply(f, lq, acc_arr, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_true(is_poisoned(&i));
	assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17), "'q.arr[2]'");
	fx_free(f);
}

static void test_compatible_kinds(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, a_int, a_ptr, a_enum, a_arr, a_fwd, a_flt;
	uint32_t lenum, tenum, lfwd, tfwd, lptr, tptr, larr, tarr;

	(void)state;
	/* local: int, unsigned char, enum e, pointer to fwd, arrays of short */
	bb_int(&f->l, "int", 4, true);                            /* 1 */
	bb_int(&f->l, "unsigned char", 1, false);                 /* 2 */
	lenum = bb_enum(&f->l, "e", 4, 0, false, false);          /* 3 */
	lfwd = bb_type(&f->l, "opaque", BTF_KIND_FWD, false, 0, 0); /* 4 */
	lptr = bb_ref(&f->l, BTF_KIND_PTR, NULL, lfwd);           /* 5 */
	larr = bb_array(&f->l, 2, 1, 4);                          /* 6 */
	bb_type(&f->l, "float", BTF_KIND_FLOAT, false, 0, 4);     /* 7 */
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "k", 32, 6, false);
	bb_mem(&f->l, "i", 1, 0, 0);
	bb_mem(&f->l, "p", lptr, 64, 0);
	bb_mem(&f->l, "e", lenum, 128, 0);
	bb_mem(&f->l, "arr", larr, 160, 0);
	bb_mem(&f->l, "fw", lfwd, 192, 0);
	bb_mem(&f->l, "fl", 7, 224, 0);
	/* target: long long, enum64 e___x, pointer to a struct, arrays of u64, double */
	bb_int(&f->t, "long long", 8, true);                      /* 1 */
	bb_int(&f->t, "unsigned long", 8, false);                 /* 2 */
	tenum = bb_enum(&f->t, "e___x", 8, 0, false, true);       /* 3 */
	tfwd = bb_type(&f->t, "opaque", BTF_KIND_FWD, false, 0, 0); /* 4 */
	tptr = bb_ref(&f->t, BTF_KIND_PTR, NULL, 1);              /* 5: pointer to long long */
	tarr = bb_array(&f->t, 2, 1, 2);                          /* 6 */
	bb_type(&f->t, "double", BTF_KIND_FLOAT, false, 0, 8);    /* 7 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "k", 64, 6, false);
	bb_mem(&f->t, "fl", 7, 0, 0);
	bb_mem(&f->t, "i", 1, 64, 0);
	bb_mem(&f->t, "p", tptr, 128, 0);
	bb_mem(&f->t, "e", tenum, 192, 0);
	bb_mem(&f->t, "arr", tarr, 256, 0);
	bb_mem(&f->t, "fw", tfwd, 384, 0);
	a_int = bb_str(&f->l, "0:0");
	a_ptr = bb_str(&f->l, "0:1");
	a_enum = bb_str(&f->l, "0:2");
	a_arr = bb_str(&f->l, "0:3:1");
	a_fwd = bb_str(&f->l, "0:4");
	a_flt = bb_str(&f->l, "0:5");
	fx_open(f);

	assert_int_equal(apply_mov(f, ls, a_int, BPF_CORE_FIELD_BYTE_OFFSET, 0), 8);
	assert_int_equal(apply_mov(f, ls, a_int, BPF_CORE_FIELD_BYTE_SIZE, 4), 8);
	assert_int_equal(apply_mov(f, ls, a_ptr, BPF_CORE_FIELD_BYTE_OFFSET, 8), 16);
	assert_int_equal(apply_mov(f, ls, a_enum, BPF_CORE_FIELD_BYTE_OFFSET, 16), 24);
	assert_int_equal(apply_mov(f, ls, a_arr, BPF_CORE_FIELD_BYTE_OFFSET, 21), 40);
	assert_int_equal(apply_mov(f, ls, a_arr, BPF_CORE_FIELD_BYTE_SIZE, 1), 8);
	assert_int_equal(apply_mov(f, ls, a_fwd, BPF_CORE_FIELD_EXISTS, 1), 1);
	assert_int_equal(apply_mov(f, ls, a_flt, BPF_CORE_FIELD_BYTE_OFFSET, 28), 0);
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 0);
	fx_free(f);
}

static void test_anonymous_members(void **state)
{
	struct fx *f = fx_new();
	uint32_t lanon, ls, tanon_u, tanon_s, ts, acc_x, acc_y, acc_z;

	(void)state;
	/* local: struct m { int x; struct { int y; int z; }; } */
	bb_int(&f->l, "int", 4, true);                                /* 1 */
	lanon = bb_comp(&f->l, BTF_KIND_STRUCT, NULL, 8, 2, false);   /* 2 */
	bb_mem(&f->l, "y", 1, 0, 0);
	bb_mem(&f->l, "z", 1, 32, 0);
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "m", 12, 2, false);      /* 3 */
	bb_mem(&f->l, "x", 1, 0, 0);
	bb_mem(&f->l, NULL, lanon, 32, 0);
	/* target: struct m { long pad; union { struct { int z; int y; }; long w; }; int x; } */
	bb_int(&f->t, "int", 4, true);                                /* 1 */
	bb_int(&f->t, "long", 8, true);                               /* 2 */
	tanon_s = bb_comp(&f->t, BTF_KIND_STRUCT, NULL, 8, 2, false); /* 3 */
	bb_mem(&f->t, "z", 1, 0, 0);
	bb_mem(&f->t, "y", 1, 32, 0);
	tanon_u = bb_comp(&f->t, BTF_KIND_UNION, NULL, 8, 2, false);  /* 4 */
	bb_mem(&f->t, NULL, tanon_s, 0, 0);
	bb_mem(&f->t, "w", 2, 0, 0);
	ts = bb_comp(&f->t, BTF_KIND_STRUCT, "m", 24, 3, false);
	bb_mem(&f->t, "pad", 2, 0, 0);
	bb_mem(&f->t, NULL, tanon_u, 64, 0);
	bb_mem(&f->t, "x", 1, 128, 0);
	acc_x = bb_str(&f->l, "0:0");
	acc_y = bb_str(&f->l, "0:1:0");
	acc_z = bb_str(&f->l, "0:1:1");
	fx_open(f);
	(void)ts;

	assert_int_equal(apply_mov(f, ls, acc_x, BPF_CORE_FIELD_BYTE_OFFSET, 0), 16);
	assert_int_equal(apply_mov(f, ls, acc_y, BPF_CORE_FIELD_BYTE_OFFSET, 4), 12);
	assert_int_equal(apply_mov(f, ls, acc_z, BPF_CORE_FIELD_BYTE_OFFSET, 8), 8);
	fx_free(f);
}

static void test_arrays(void **state)
{
	struct fx *f = fx_new();
	uint32_t lpt, larr, lmat, lflex, ls, tpt, tarr, tmat, tflex, ts;
	uint32_t a_y, a_deep, a_past, a_flex, a_mat;

	(void)state;
	/* local: struct pt { int x, y; }; struct g { struct pt pts[4]; int m[2][3]; int n; int flex[]; } */
	bb_int(&f->l, "int", 4, true);                              /* 1 */
	lpt = bb_comp(&f->l, BTF_KIND_STRUCT, "pt", 8, 2, false);   /* 2 */
	bb_mem(&f->l, "x", 1, 0, 0);
	bb_mem(&f->l, "y", 1, 32, 0);
	larr = bb_array(&f->l, lpt, 1, 4);                          /* 3 */
	bb_array(&f->l, 1, 1, 3);                                   /* 4: int[3] */
	lmat = bb_array(&f->l, 4, 1, 2);                            /* 5: int[2][3] */
	lflex = bb_array(&f->l, 1, 1, 0);                           /* 6 */
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "g", 60, 4, false);
	bb_mem(&f->l, "pts", larr, 0, 0);
	bb_mem(&f->l, "m", lmat, 256, 0);
	bb_mem(&f->l, "n", 1, 448, 0);
	bb_mem(&f->l, "flex", lflex, 480, 0);
	/* target: pt { long x; int y; } (16 bytes); only 2 pts; m at the front */
	bb_int(&f->t, "int", 4, true);                              /* 1 */
	bb_int(&f->t, "long", 8, true);                             /* 2 */
	tpt = bb_comp(&f->t, BTF_KIND_STRUCT, "pt", 16, 2, false);  /* 3 */
	bb_mem(&f->t, "x", 2, 0, 0);
	bb_mem(&f->t, "y", 1, 64, 0);
	tarr = bb_array(&f->t, tpt, 1, 2);                          /* 4 */
	bb_array(&f->t, 1, 1, 3);                                   /* 5 */
	tmat = bb_array(&f->t, 5, 1, 2);                            /* 6 */
	tflex = bb_array(&f->t, 1, 1, 0);                           /* 7 */
	ts = bb_comp(&f->t, BTF_KIND_STRUCT, "g", 64, 4, false);
	bb_mem(&f->t, "m", tmat, 0, 0);
	bb_mem(&f->t, "pts", tarr, 192, 0);
	bb_mem(&f->t, "n", 1, 448, 0);
	bb_mem(&f->t, "flex", tflex, 512, 0);
	a_y = bb_str(&f->l, "0:0:1:1");     /* g.pts[1].y */
	a_deep = bb_str(&f->l, "0:1:1:2");  /* g.m[1][2] */
	a_past = bb_str(&f->l, "0:0:3:1");  /* g.pts[3].y: past the target's end */
	a_flex = bb_str(&f->l, "0:3:5");    /* g.flex[5] */
	a_mat = bb_str(&f->l, "0:1:1");     /* g.m[1] */
	fx_open(f);
	(void)ts;

	assert_int_equal(apply_mov(f, ls, a_y, BPF_CORE_FIELD_BYTE_OFFSET, 12), 24 + 16 + 8);
	assert_int_equal(apply_mov(f, ls, a_deep, BPF_CORE_FIELD_BYTE_OFFSET, 52), 20);
	assert_int_equal(apply_mov(f, ls, a_deep, BPF_CORE_FIELD_BYTE_SIZE, 4), 4);
	assert_int_equal(apply_mov(f, ls, a_mat, BPF_CORE_FIELD_BYTE_OFFSET, 44), 12);
	assert_int_equal(apply_mov(f, ls, a_mat, BPF_CORE_FIELD_BYTE_SIZE, 12), 12);
	assert_int_equal(apply_mov(f, ls, a_flex, BPF_CORE_FIELD_BYTE_OFFSET, 80), 84);
	assert_int_equal(apply_mov(f, ls, a_past, BPF_CORE_FIELD_EXISTS, 1), 0);
	{
		struct bpf_insn i = MOV64_IMM(1, 28);

		assert_ok(apply(f, ls, a_past, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
		assert_true(is_poisoned(&i));
		assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17),
			   "field 'g.pts[3].y' not found in kernel BTF (" KNAME "): index 3 is "
			   "past the end of an array of 2");
	}
	/* Shifts and signedness make no sense for an array element: malformed. */
	{
		struct bpf_insn i = MOV64_IMM(1, 0);

		assert_err(apply(f, ls, a_deep, BPF_CORE_FIELD_LSHIFT_U64, &i, 1, NULL), EINVAL);
		assert_msg("array element");
	}
	fx_free(f);
}

/* ---- bitfields ------------------------------------------------------------------- */

struct bf_vals {
	int64_t off, size, lshift, rshift, is_signed;
};

/*
 * The five values of a bitfield. Offsets, sizes and left shifts of
 * bitfields are not checked against the instruction (compilers choose
 * their loads); the right shift and signedness are, so the local field's
 * width and sign are given.
 */
static struct bf_vals bf_relocate(struct fx *f, uint32_t type_id, uint32_t acc,
				  uint32_t local_bits, bool local_signed)
{
	struct bf_vals v;

	v.off = apply_mov(f, type_id, acc, BPF_CORE_FIELD_BYTE_OFFSET, 1000);
	v.size = apply_mov(f, type_id, acc, BPF_CORE_FIELD_BYTE_SIZE, 3);
	v.lshift = apply_mov(f, type_id, acc, BPF_CORE_FIELD_LSHIFT_U64, 99);
	v.rshift = apply_mov(f, type_id, acc, BPF_CORE_FIELD_RSHIFT_U64, (int32_t)(64 - local_bits));
	v.is_signed = apply_mov(f, type_id, acc, BPF_CORE_FIELD_SIGNED, local_signed);
	return v;
}

/* What BPF_CORE_READ_BITFIELD_PROBED computes from those values. */
static uint64_t bf_extract(const uint8_t *mem, const struct bf_vals *v)
{
	uint64_t x = 0;

	assert_true(v->size == 1 || v->size == 2 || v->size == 4 || v->size == 8);
	assert_int_equal(v->off % v->size, 0);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&x, mem + v->off, (size_t)v->size);
#else
	memcpy((char *)&x + 8 - v->size, mem + v->off, (size_t)v->size);
#endif
	x <<= v->lshift;
	return v->is_signed ? (uint64_t)((int64_t)x >> v->rshift) : x >> v->rshift;
}

/* Store `bits` bits of val at bit `off` of mem, as a little-endian compiler lays bitfields. */
static void bf_store(uint8_t *mem, uint32_t off, uint32_t bits, uint64_t val)
{
	uint32_t i;

	for (i = 0; i < bits; i++) {
		uint32_t b = off + i;

		if (val >> i & 1)
			mem[b / 8] |= (uint8_t)(1u << (b % 8));
		else
			mem[b / 8] &= (uint8_t)~(1u << (b % 8));
	}
}

static void test_bitfields(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, lold, a_x, a_y, a_z, a_e, a_o;
	uint8_t mem[32];
	struct bf_vals v;

	(void)state;
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	skip(); /* bf_store lays bits out little-endian */
#endif
	/* local: struct bf { unsigned x:3; int y:7; unsigned long z:20; enum sn e:4; }, old-style ints too */
	bb_int(&f->l, "unsigned int", 4, false);                 /* 1 */
	bb_int(&f->l, "int", 4, true);                           /* 2 */
	bb_int(&f->l, "unsigned long", 8, false);                /* 3 */
	bb_enum(&f->l, "sn", 4, 0, true, false);                 /* 4 */
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "bf", 8, 4, true);  /* 5 */
	bb_mem(&f->l, "x", 1, 0, 3);
	bb_mem(&f->l, "y", 2, 3, 7);
	bb_mem(&f->l, "z", 3, 10, 20);
	bb_mem(&f->l, "e", 4, 30, 4);
	bb_int_bits(&f->l, "unsigned int", 4, 5, 0);             /* 6: a 5-bit int, old style */
	lold = bb_comp(&f->l, BTF_KIND_STRUCT, "old", 4, 1, false); /* 7 */
	bb_mem(&f->l, "o", 6, 0, 0);
	/* target: the fields moved around; y straddles a 4-byte boundary, z crosses 8 */
	bb_int(&f->t, "unsigned int", 4, false);                 /* 1 */
	bb_int(&f->t, "int", 4, true);                           /* 2 */
	bb_int(&f->t, "unsigned long", 8, false);                /* 3 */
	bb_enum(&f->t, "sn", 4, 0, true, false);                 /* 4 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "bf", 24, 5, true);      /* 5 */
	bb_mem(&f->t, "pad", 3, 0, 0);
	bb_mem(&f->t, "x", 1, 64 + 5, 3);
	bb_mem(&f->t, "y", 2, 64 + 29, 7);
	bb_mem(&f->t, "z", 3, 128 + 2, 20);
	bb_mem(&f->t, "e", 4, 64 + 60, 4);
	bb_int_bits(&f->t, "unsigned int", 4, 5, 9);             /* 6: bits 9..13 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "old", 4, 1, false);     /* 7 */
	bb_mem(&f->t, "o", 6, 16, 0);
	a_x = bb_str(&f->l, "0:0");
	a_y = bb_str(&f->l, "0:1");
	a_z = bb_str(&f->l, "0:2");
	a_e = bb_str(&f->l, "0:3");
	a_o = bb_str(&f->l, "0:0");
	fx_open(f);

	memset(mem, 0xa5, sizeof(mem));
	bf_store(mem, 64 + 5, 3, 5);
	bf_store(mem, 64 + 29, 7, (uint64_t)-37 & 0x7f);
	bf_store(mem, 128 + 2, 20, 0xabcde);
	bf_store(mem, 64 + 60, 4, (uint64_t)-3 & 0xf);

	v = bf_relocate(f, ls, a_x, 3, false);
	assert_int_equal(v.off, 8);
	assert_int_equal(v.size, 4);
	assert_int_equal(v.lshift, 64 - 8);
	assert_int_equal(v.rshift, 61);
	assert_int_equal(v.is_signed, 0);
	assert_int_equal(bf_extract(mem, &v), 5);

	v = bf_relocate(f, ls, a_y, 7, true);
	assert_int_equal(v.size, 8); /* a 4-byte load cannot hold bits 29..35 */
	assert_int_equal(v.off, 8);
	assert_int_equal(v.is_signed, 1);
	assert_int_equal((int64_t)bf_extract(mem, &v), -37);

	v = bf_relocate(f, ls, a_z, 20, false);
	assert_int_equal(v.off, 16);
	assert_int_equal(v.size, 8);
	assert_int_equal(bf_extract(mem, &v), 0xabcde);

	v = bf_relocate(f, ls, a_e, 4, true);
	assert_int_equal(v.is_signed, 1); /* a signed enum */
	assert_int_equal((int64_t)bf_extract(mem, &v), -3);

	memset(mem, 0, sizeof(mem));
	bf_store(mem, 16 + 9, 5, 0x15);
	v = bf_relocate(f, lold, a_o, 5, false);
	assert_int_equal(v.rshift, 64 - 5);
	assert_int_equal(bf_extract(mem, &v), 0x15);
	fx_free(f);
}

static void test_bitfield_too_wide(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, acc;
	struct bpf_insn i = MOV64_IMM(1, 0);

	(void)state;
	bb_int(&f->l, "unsigned long", 8, false);
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "w", 16, 1, true);
	bb_mem(&f->l, "v", 1, 0, 20);
	bb_int(&f->t, "unsigned long", 8, false);
	bb_comp(&f->t, BTF_KIND_STRUCT, "w", 16, 1, true);
	bb_mem(&f->t, "v", 1, 60, 20); /* bits 60..79: no 8-byte load holds them */
	acc = bb_str(&f->l, "0:0");
	fx_open(f);
	assert_err(apply(f, ls, acc, BPF_CORE_FIELD_LSHIFT_U64, &i, 1, NULL), E2BIG);
	assert_msg("'w.v': bitfield at bit 60 (20 bits) cannot be read with one 8-byte load");
	fx_free(f);
}

/* ---- load size adjustment ------------------------------------------------------------ */

static void test_load_size(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, lp, a_u32, a_s32, a_ptr, a_u16, a_s8, a_bf;
	struct bpf_insn i;
	struct ebpfc__core_res res;

	(void)state;
	bb_int(&f->l, "unsigned int", 4, false);                 /* 1 */
	bb_int(&f->l, "int", 4, true);                           /* 2 */
	bb_int(&f->l, "unsigned short", 2, false);               /* 3 */
	bb_int(&f->l, "signed char", 1, true);                   /* 4 */
	lp = bb_ref(&f->l, BTF_KIND_PTR, NULL, 1);               /* 5 */
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "ld", 24, 6, false);
	bb_mem(&f->l, "u", 1, 0, 0);
	bb_mem(&f->l, "s", 2, 32, 0);
	bb_mem(&f->l, "p", lp, 64, 0);
	bb_mem(&f->l, "h", 3, 128, 0);
	bb_mem(&f->l, "c", 4, 144, 0);
	bb_mem(&f->l, "bf", 1, 160, 0);
	bb_int(&f->t, "unsigned long", 8, false);                /* 1 */
	bb_int(&f->t, "long", 8, true);                          /* 2 */
	bb_int(&f->t, "unsigned char", 1, false);                /* 3 */
	bb_int(&f->t, "short", 2, true);                         /* 4 */
	bb_ref(&f->t, BTF_KIND_PTR, NULL, 1);                    /* 5 */
	bb_int_bits(&f->t, "unsigned int", 4, 3, 0);             /* 6: 3 bits */
	bb_comp(&f->t, BTF_KIND_STRUCT, "ld", 40, 6, false);
	bb_mem(&f->t, "u", 1, 64, 0);
	bb_mem(&f->t, "s", 2, 128, 0);
	bb_mem(&f->t, "p", 5, 192, 0);
	bb_mem(&f->t, "h", 3, 256, 0);
	bb_mem(&f->t, "c", 4, 272, 0);
	bb_mem(&f->t, "bf", 6, 290, 0);
	a_u32 = bb_str(&f->l, "0:0");
	a_s32 = bb_str(&f->l, "0:1");
	a_ptr = bb_str(&f->l, "0:2");
	a_u16 = bb_str(&f->l, "0:3");
	a_s8 = bb_str(&f->l, "0:4");
	a_bf = bb_str(&f->l, "0:5");
	fx_open(f);

	/* u32 -> u64: the load grows. */
	i = LDX(BPF_W, 2, 1, 0);
	assert_ok(apply(f, ls, a_u32, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, &res));
	assert_int_equal(i.code, BPF_LDX | BPF_DW | BPF_MEM);
	assert_int_equal(i.off, 8);
	/* u16 -> u8: it shrinks. */
	i = LDX(BPF_H, 2, 1, 16);
	assert_ok(apply(f, ls, a_u16, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_int_equal(i.code, BPF_LDX | BPF_B | BPF_MEM);
	assert_int_equal(i.off, 32);
	/* Pointers keep their size; the offset moves. */
	i = LDX(BPF_DW, 2, 1, 8);
	assert_ok(apply(f, ls, a_ptr, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_int_equal(i.code, BPF_LDX | BPF_DW | BPF_MEM);
	assert_int_equal(i.off, 24);
	/* Stores are resized the same way. */
	i = STX(BPF_W, 1, 2, 0);
	assert_ok(apply(f, ls, a_u32, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_int_equal(i.code, BPF_STX | BPF_DW | BPF_MEM);
	/* A signed int that grew cannot be read with a zero-extending load: poisoned. */
	i = LDX(BPF_W, 2, 1, 4);
	assert_ok(apply(f, ls, a_s32, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, &res));
	assert_true(is_poisoned(&i));
	assert_true(res.poisoned);
	assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17),
		   "field 'ld.s' is a 4-byte signed integer in the object but a 8-byte signed "
		   "integer in kernel BTF (" KNAME "): the 4-byte load cannot be adjusted safely");
	/* A sign-extending load of it can: 8 bytes need no extension any more. */
	i = LDXSX(BPF_W, 2, 1, 4);
	assert_ok(apply(f, ls, a_s32, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_int_equal(i.code, BPF_LDX | BPF_DW | BPF_MEM);
	assert_int_equal(i.off, 16);
	i = LDXSX(BPF_B, 2, 1, 18);
	assert_ok(apply(f, ls, a_s8, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_int_equal(i.code, BPF_LDX | BPF_H | 0x80);
	assert_int_equal(i.off, 34);
	/* An unchanged size needs no check: a 1-byte load of a pointer's low byte. */
	i = LDX(BPF_B, 2, 1, 8);
	assert_ok(apply(f, ls, a_ptr, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL));
	assert_int_equal(i.code, BPF_LDX | BPF_B | BPF_MEM);
	assert_int_equal(i.off, 24);
	/* A memory access carries offsets only. */
	i = LDX(BPF_B, 2, 1, 2);
	assert_err(apply(f, ls, a_u16, BPF_CORE_FIELD_BYTE_SIZE, &i, 1, NULL), EINVAL);
	assert_msg("a memory access (code 0x71) can only carry a field offset");
	/* A field that became a bitfield cannot be loaded directly. */
	i = LDX(BPF_W, 2, 1, 20);
	assert_ok(apply(f, ls, a_bf, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, &res));
	assert_true(res.poisoned);
	assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17),
		   "field 'ld.bf' is a bitfield in kernel BTF (" KNAME "): a 4-byte load cannot "
		   "access it");
	/* Its offset for a probe read is still the containing unit's. */
	assert_int_equal(apply_mov(f, ls, a_bf, BPF_CORE_FIELD_BYTE_OFFSET, 20), 36);
	/* A load whose size is not the field's, when the size changes: malformed. */
	i = LDX(BPF_H, 2, 1, 0);
	assert_err(apply(f, ls, a_u32, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL), EINVAL);
	assert_msg("the instruction accesses 2 bytes, but the field is 4 bytes in the "
		   "object's BTF");
	fx_free(f);
}

/* ---- types ------------------------------------------------------------------------- */

static void test_types(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, lmiss, lptr, lfn, ltd, lint, zero;
	struct bpf_insn i[2];
	struct ebpfc__core_res res;

	(void)state;
	lint = bb_int(&f->l, "int", 4, true);                        /* 1 */
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "t", 4, 1, false);      /* 2 */
	bb_mem(&f->l, "a", lint, 0, 0);
	lmiss = bb_comp(&f->l, BTF_KIND_STRUCT, "missing", 4, 0, false); /* 3 */
	lptr = bb_ref(&f->l, BTF_KIND_TYPEDEF, "tp_t", bb_ref(&f->l, BTF_KIND_PTR, NULL, ls)); /* 5 */
	lfn = bb_type(&f->l, NULL, BTF_KIND_FUNC_PROTO, false, 1, lint);   /* 6 */
	bb_w(&f->l, 0);
	bb_w(&f->l, lint);
	ltd = bb_ref(&f->l, BTF_KIND_TYPEDEF, "fn_t", lfn);          /* 7 */
	bb_int(&f->t, "long", 8, true);                              /* 1 */
	bb_int(&f->t, "int", 4, true);                               /* 2 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "t", 48, 0, false);          /* 3 */
	bb_ref(&f->t, BTF_KIND_PTR, NULL, 3);                        /* 4 */
	bb_ref(&f->t, BTF_KIND_TYPEDEF, "tp_t", 4);                  /* 5 */
	bb_type(&f->t, NULL, BTF_KIND_FUNC_PROTO, false, 1, 2);      /* 6 */
	bb_w(&f->t, 0);
	bb_w(&f->t, 1);
	bb_ref(&f->t, BTF_KIND_TYPEDEF, "fn_t", 6);                  /* 7 */
	zero = bb_str(&f->l, "0");
	fx_open(f);

	assert_int_equal(apply_mov(f, ls, zero, BPF_CORE_TYPE_EXISTS, 1), 1);
	assert_int_equal(apply_mov(f, ls, zero, BPF_CORE_TYPE_SIZE, 4), 48);
	assert_int_equal(apply_mov(f, lmiss, zero, BPF_CORE_TYPE_EXISTS, 1), 0);
	assert_int_equal(apply_mov(f, lmiss, zero, BPF_CORE_TYPE_SIZE, 4), 0);
	assert_int_equal(apply_mov(f, lint, zero, BPF_CORE_TYPE_SIZE, 4), 4);
	assert_int_equal(apply_mov(f, lptr, zero, BPF_CORE_TYPE_EXISTS, 1), 1);
	assert_int_equal(apply_mov(f, lptr, zero, BPF_CORE_TYPE_SIZE, 8), 8);
	assert_int_equal(apply_mov(f, ltd, zero, BPF_CORE_TYPE_EXISTS, 1), 1);
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 0);

	/* Type ids come in ld_imm64s; the local one is not looked up. */
	ld_imm64(i, ls);
	assert_ok(apply(f, ls, zero, BPF_CORE_TYPE_ID_TARGET, i, 2, &res));
	assert_int_equal(imm64_of(i), 3);
	assert_int_equal(res.target_id, 3);
	ld_imm64(i, 12345); /* whatever clang numbered: not checked */
	assert_ok(apply(f, ls, zero, BPF_CORE_TYPE_ID_TARGET, i, 2, NULL));
	assert_int_equal(imm64_of(i), 3);
	ld_imm64(i, lmiss);
	assert_ok(apply(f, lmiss, zero, BPF_CORE_TYPE_ID_TARGET, i, 2, NULL));
	assert_int_equal(imm64_of(i), 0);
	ld_imm64(i, ls);
	assert_ok(apply(f, ls, zero, BPF_CORE_TYPE_ID_LOCAL, i, 2, NULL));
	assert_int_equal(imm64_of(i), ls);
	ld_imm64(i, ls + 1);
	assert_err(apply(f, ls, zero, BPF_CORE_TYPE_ID_LOCAL, i, 2, NULL), EINVAL);
	assert_msg("the instruction's value is 3, but the object's BTF gives 2");
	fx_free(f);
}

static void test_type_matches(void **state)
{
	struct fx *f = fx_new();
	uint32_t zero, lm, lbad_int, lbad_arr, lmenum, lmenum_bad, lfwdp;
	uint32_t lint, luint, larr;

	(void)state;
	lint = bb_int(&f->l, "int", 4, true);                          /* 1 */
	luint = bb_int(&f->l, "unsigned int", 4, false);               /* 2 */
	larr = bb_array(&f->l, lint, lint, 4);                         /* 3 */
	lm = bb_comp(&f->l, BTF_KIND_STRUCT, "m___mine", 4, 1, false); /* 4: subset of m */
	bb_mem(&f->l, "b", lint, 0, 0);
	lbad_int = bb_comp(&f->l, BTF_KIND_STRUCT, "m___sign", 4, 1, false); /* 5 */
	bb_mem(&f->l, "b", luint, 0, 0);
	lbad_arr = bb_comp(&f->l, BTF_KIND_STRUCT, "m___arr", 16, 1, false); /* 6 */
	bb_mem(&f->l, "arr", larr, 0, 0);
	lmenum = bb_enum(&f->l, "en", 4, 1, false, false);             /* 7 */
	bb_eval(&f->l, "EN_B", 1, false);
	lmenum_bad = bb_enum(&f->l, "en___x", 4, 1, false, false);     /* 8 */
	bb_eval(&f->l, "EN_Z", 1, false);
	/* struct p { struct m *ptr; } where the target only has a fwd behind the pointer */
	bb_type(&f->l, "m", BTF_KIND_FWD, false, 0, 0);                /* 9 */
	bb_ref(&f->l, BTF_KIND_PTR, NULL, 9);                          /* 10 */
	lfwdp = bb_comp(&f->l, BTF_KIND_STRUCT, "p", 8, 1, false);     /* 11 */
	bb_mem(&f->l, "ptr", 10, 0, 0);

	bb_int(&f->t, "int", 4, true);                                 /* 1 */
	bb_array(&f->t, 1, 1, 8);                                      /* 2 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "m", 40, 3, false);            /* 3 */
	bb_mem(&f->t, "a", 1, 0, 0);
	bb_mem(&f->t, "b", 1, 32, 0);
	bb_mem(&f->t, "arr", 2, 64, 0);
	bb_enum(&f->t, "en", 4, 2, false, false);                      /* 4 */
	bb_eval(&f->t, "EN_A", 0, false);
	bb_eval(&f->t, "EN_B", 1, false);
	bb_ref(&f->t, BTF_KIND_PTR, NULL, 3);                          /* 5 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "p", 8, 1, false);             /* 6 */
	bb_mem(&f->t, "ptr", 5, 0, 0);
	zero = bb_str(&f->l, "0");
	fx_open(f);

	assert_int_equal(apply_mov(f, lm, zero, BPF_CORE_TYPE_MATCHES, 1), 1);
	assert_int_equal(apply_mov(f, lbad_int, zero, BPF_CORE_TYPE_MATCHES, 1), 0);
	assert_int_equal(apply_mov(f, lbad_arr, zero, BPF_CORE_TYPE_MATCHES, 1), 0);
	assert_int_equal(apply_mov(f, lmenum, zero, BPF_CORE_TYPE_MATCHES, 1), 1);
	assert_int_equal(apply_mov(f, lmenum_bad, zero, BPF_CORE_TYPE_MATCHES, 1), 0);
	assert_int_equal(apply_mov(f, lfwdp, zero, BPF_CORE_TYPE_MATCHES, 1), 1);
	/* The looser "exists" accepts what "matches" refuses. */
	assert_int_equal(apply_mov(f, lbad_int, zero, BPF_CORE_TYPE_EXISTS, 1), 1);
	fx_free(f);
}

/* ---- enums -------------------------------------------------------------------------- */

static void test_enums(void **state)
{
	struct fx *f = fx_new();
	uint32_t le, le64, lfl, a0, a1, a2;
	struct bpf_insn i[2];

	(void)state;
	/* local: enum e { E_A = 1, E_B = 2, E_GONE = 3 }; enum big (64) { B_X, B_NEG } */
	le = bb_enum(&f->l, "e", 4, 3, false, false);
	bb_eval(&f->l, "E_A", 1, false);
	bb_eval(&f->l, "E_B", 2, false);
	bb_eval(&f->l, "E_GONE", 3, false);
	le64 = bb_enum(&f->l, "big", 8, 2, false, true);
	bb_eval(&f->l, "B_X", 1, true);
	bb_eval(&f->l, "B_NEG", 0xffffffffu, true);
	lfl = bb_enum(&f->l, "e___v2", 4, 1, false, false);
	bb_eval(&f->l, "E_B___v2", 2, false);
	/* target: E_B moved; big has 64-bit values; a signed 32-bit value */
	bb_enum(&f->t, "e", 4, 3, true, false);
	bb_eval(&f->t, "E_B", 7, false);
	bb_eval(&f->t, "E_A", 0xfffffffe, false); /* -2, the enum is signed */
	bb_eval(&f->t, "E_OTHER", 9, false);
	bb_enum(&f->t, "big", 8, 2, true, true);
	bb_eval(&f->t, "B_NEG", (uint64_t)-5, true);
	bb_eval(&f->t, "B_X", 0x123456789abcdef0ull, true);
	a0 = bb_str(&f->l, "0");
	a1 = bb_str(&f->l, "1");
	a2 = bb_str(&f->l, "2");
	fx_open(f);

	assert_int_equal(apply_mov(f, le, a1, BPF_CORE_ENUMVAL_EXISTS, 1), 1);
	assert_int_equal(apply_mov(f, le, a2, BPF_CORE_ENUMVAL_EXISTS, 1), 0);
	assert_int_equal(apply_mov(f, le, a1, BPF_CORE_ENUMVAL_VALUE, 2), 7);
	assert_int_equal(apply_mov(f, lfl, a0, BPF_CORE_ENUMVAL_VALUE, 2), 7);
	assert_int_equal(apply_mov(f, le, a0, BPF_CORE_ENUMVAL_VALUE, 1), -2);
	ld_imm64(i, 1);
	assert_ok(apply(f, le, a0, BPF_CORE_ENUMVAL_VALUE, i, 2, NULL));
	assert_int_equal((int64_t)imm64_of(i), -2);
	/* 64-bit values need an ld_imm64 ... */
	ld_imm64(i, 1);
	assert_ok(apply(f, le64, a0, BPF_CORE_ENUMVAL_VALUE, i, 2, NULL));
	assert_int_equal(imm64_of(i), 0x123456789abcdef0ull);
	ld_imm64(i, 0xffffffffu);
	assert_ok(apply(f, le64, a1, BPF_CORE_ENUMVAL_VALUE, i, 2, NULL));
	assert_int_equal((int64_t)imm64_of(i), -5);
	/* ... and do not fit a 32-bit immediate. */
	i[0] = MOV64_IMM(1, 1);
	assert_err(apply(f, le64, a0, BPF_CORE_ENUMVAL_VALUE, i, 1, NULL), ERANGE);
	assert_msg("does not fit the instruction's 32-bit immediate");
	/* A missing value is poisoned when its value is asked for. */
	ld_imm64(i, 3);
	assert_ok(apply(f, le, a2, BPF_CORE_ENUMVAL_VALUE, i, 2, NULL));
	assert_true(is_poisoned(&i[0]));
	assert_true(is_poisoned(&i[1]));
	assert_has(ebpfc__core_poison_reason(f->ctx, "prog", 17),
		   "enum value 'enum e::E_GONE' not found in kernel BTF (" KNAME "): enum e has "
		   "no value 'E_GONE'");
	fx_free(f);
}

/* clang 14 writes -1 of an enum without signedness as a sign-extended ld_imm64. */
static void test_enum_sign_extension(void **state)
{
	struct fx *f = fx_new();
	uint32_t le, a0;
	struct bpf_insn i[2];

	(void)state;
	le = bb_enum(&f->l, "neg", 4, 1, false, false);
	bb_eval(&f->l, "N_M1", 0xffffffff, false);
	bb_enum(&f->t, "neg", 4, 1, true, false);
	bb_eval(&f->t, "N_M1", 0xffffffff, false);
	a0 = bb_str(&f->l, "0");
	fx_open(f);
	ld_imm64(i, (uint64_t)-1);
	assert_ok(apply(f, le, a0, BPF_CORE_ENUMVAL_VALUE, i, 2, NULL));
	assert_int_equal((int64_t)imm64_of(i), -1);
	ld_imm64(i, 0xffffffffu);
	assert_ok(apply(f, le, a0, BPF_CORE_ENUMVAL_VALUE, i, 2, NULL));
	ld_imm64(i, 0x1ffffffffull);
	assert_err(apply(f, le, a0, BPF_CORE_ENUMVAL_VALUE, i, 2, NULL), EINVAL);
	fx_free(f);
}

/* ---- candidates ----------------------------------------------------------------------- */

static void test_ambiguous(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, b, a;
	struct bpf_insn i = MOV64_IMM(1, 4);
	struct ebpfc__core_res res;

	(void)state;
	bb_int(&f->l, "int", 4, true);
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "amb", 8, 2, false);
	bb_mem(&f->l, "a", 1, 0, 0);
	bb_mem(&f->l, "b", 1, 32, 0);
	bb_int(&f->t, "int", 4, true);                          /* 1 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "amb", 8, 2, false);    /* 2 */
	bb_mem(&f->t, "a", 1, 0, 0);
	bb_mem(&f->t, "b", 1, 32, 0);
	bb_comp(&f->t, BTF_KIND_STRUCT, "amb___2", 12, 2, false); /* 3 */
	bb_mem(&f->t, "a", 1, 0, 0);
	bb_mem(&f->t, "b", 1, 64, 0);
	bb_comp(&f->t, BTF_KIND_UNION, "amb", 8, 0, false);     /* 4: another kind, ignored */
	b = bb_str(&f->l, "0:1");
	a = bb_str(&f->l, "0:0");
	fx_open(f);

	assert_err(apply(f, ls, b, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL), EINVAL);
	assert_msg("program 'prog': CO-RE relocation #3 (insn 17, byte_off): field 'amb.b' is "
		   "ambiguous in kernel BTF (" KNAME "): struct amb [2] gives 4, struct amb___2 [3] "
		   "gives 8");
	assert_int_equal(i.imm, 4); /* untouched */
	/* Where the candidates agree, there is no ambiguity. */
	i = MOV64_IMM(1, 0);
	assert_ok(apply(f, ls, a, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, &res));
	assert_int_equal(res.cand_cnt, 2);
	/* Sizes differ, but existence does not. */
	assert_int_equal(apply_mov(f, ls, a, BPF_CORE_FIELD_EXISTS, 1), 1);
	fx_free(f);
}

static void test_modules(void **state)
{
	struct fx *f = fx_new();
	struct bb *mb = malloc(sizeof(*mb));
	struct ebpfc_btf *mod;
	uint32_t lmod, lboth, acc, start;
	struct bpf_insn i[2];
	struct ebpfc__core_res res;

	(void)state;
	assert_non_null(mb);
	bb_int(&f->l, "int", 4, true);
	lmod = bb_comp(&f->l, BTF_KIND_STRUCT, "modthing", 8, 1, false);
	bb_mem(&f->l, "x", 1, 32, 0);
	lboth = bb_comp(&f->l, BTF_KIND_STRUCT, "both", 4, 1, false);
	bb_mem(&f->l, "x", 1, 0, 0);
	bb_int(&f->t, "int", 4, true);                            /* 1 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "both", 8, 1, false);     /* 2 */
	bb_mem(&f->t, "x", 1, 32, 0);
	acc = bb_str(&f->l, "0:0");
	fx_open(f);

	/* Module BTF, split on the target: ids from 3. */
	bb_init_split(mb, f->target);
	start = mb->next;
	bb_comp(mb, BTF_KIND_STRUCT, "modthing", 16, 1, false); /* 3 */
	bb_mem(mb, "x", 1, 96, 0);
	bb_comp(mb, BTF_KIND_STRUCT, "both", 16, 1, false);     /* 4: hidden by the base's */
	bb_mem(mb, "x", 1, 64, 0);
	mod = bb_open_on(mb, f->target);
	assert_int_equal(start, 3);

	/* Not in the kernel: nothing found, until the module is added. */
	assert_int_equal(apply_mov(f, lmod, acc, BPF_CORE_FIELD_EXISTS, 1), 0);
	assert_ok(ebpfc__core_ctx_add_module(f->ctx, mod, "mymod"));
	ebpfc_btf_destroy(mod);
	i[0] = MOV64_IMM(1, 4);
	assert_ok(apply(f, lmod, acc, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, &res));
	assert_int_equal(i[0].imm, 12);
	assert_int_equal(res.target_id, 3);
	assert_int_equal(apply_mov(f, lmod, acc, BPF_CORE_FIELD_EXISTS, 1), 1);
	/* In both: the kernel's wins, no ambiguity with the module's. */
	assert_int_equal(apply_mov(f, lboth, acc, BPF_CORE_FIELD_BYTE_OFFSET, 0), 4);
	free(mb);
	fx_free(f);
}

/* ---- malformed input --------------------------------------------------------------------- */

static void test_bad_records(void **state)
{
	static const char *const bad[] = { "", ":", "0:", ":0", "0::1", "a", "0:a", "-1", "0:1x",
					   "0 :1", "99999999999", "0:7", "1:0:0", "0:0:0" };
	struct fx *f = fx_new();
	uint32_t offs[EBPFC__ARRAY_SIZE(bad)], zero, one, deep;
	struct bpf_insn i;
	struct bpf_core_relo r;
	char many[300];
	size_t k;

	(void)state;
	build_s(f);
	for (k = 0; k < EBPFC__ARRAY_SIZE(bad); k++)
		offs[k] = bad[k][0] ? bb_str(&f->l, bad[k]) : 0;
	zero = bb_str(&f->l, "0");
	one = bb_str(&f->l, "1");
	many[0] = '0';
	for (k = 1; k < 70; k++)
		memcpy(many + 2 * k - 1, ":0", 3);
	deep = bb_str(&f->l, many);
	fx_open(f);

	for (k = 0; k < EBPFC__ARRAY_SIZE(bad); k++) {
		i = MOV64_IMM(1, 0);
		if (apply(f, L_S, offs[k], BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL) != -EINVAL)
			fail_msg("access \"%s\" accepted: %s", bad[k], ebpfc_errmsg());
		assert_msg("program 'prog': CO-RE relocation #3 (insn 17, byte_off): ");
		assert_msg("struct s");
		assert_int_equal(i.imm, 0);
	}
	i = MOV64_IMM(1, 0);
	assert_err(apply(f, L_S, offs[0], BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL), EINVAL);
	assert_msg("on struct s: bad access string \"\"");
	assert_err(apply(f, L_S, offs[11], BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL), EINVAL);
	assert_msg("member 7 of a struct with 4 members");
	assert_err(apply(f, L_S, offs[13], BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL), EINVAL);
	assert_msg("descends into int, which has neither members nor elements");
	assert_err(apply(f, L_S, deep, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL), EINVAL);
	assert_msg("too many accessors");
	/* Type relocations take "0" only; enum relocations need an enum. */
	assert_err(apply(f, L_S, one, BPF_CORE_TYPE_EXISTS, &i, 1, NULL), EINVAL);
	assert_msg("expected \"0\"");
	assert_err(apply(f, L_S, zero, BPF_CORE_ENUMVAL_EXISTS, &i, 1, NULL), EINVAL);
	assert_msg("struct s is not an enum");
	/* Type ids. */
	assert_err(apply(f, 0, zero, BPF_CORE_TYPE_EXISTS, &i, 1, NULL), EINVAL);
	assert_msg("type id 0 is out of range");
	assert_err(apply(f, 1000000, zero, BPF_CORE_FIELD_EXISTS, &i, 1, NULL), EINVAL);
	assert_msg("type id 1000000 is out of range (the object's BTF has 6 types)");
	assert_err(apply(f, L_S, 1u << 30, BPF_CORE_FIELD_EXISTS, &i, 1, NULL), EINVAL);
	assert_msg("access string offset 1073741824 is outside the strings");
	/* Kinds. */
	assert_err(apply(f, L_S, zero, 13, &i, 1, NULL), EINVAL);
	assert_msg("unknown relocation kind 13");
	/* Anonymous roots cannot be looked up. */
	memset(&r, 0, sizeof(r));
	assert_err(apply(f, L_ARR8, zero, BPF_CORE_TYPE_EXISTS, &i, 1, NULL), EOPNOTSUPP);
	assert_msg("needs a named type");
	/* Bad arguments. */
	assert_err(ebpfc__core_apply(NULL, "p", 0, 0, &r, &i, 1, NULL), EINVAL);
	assert_err(ebpfc__core_apply(f->ctx, "p", 0, 0, NULL, &i, 1, NULL), EINVAL);
	assert_err(ebpfc__core_apply(f->ctx, "p", 0, 0, &r, NULL, 1, NULL), EINVAL);
	assert_err(ebpfc__core_apply(f->ctx, "p", 0, 0, &r, &i, 0, NULL), EINVAL);
	fx_free(f);
}

static void test_bad_instructions(void **state)
{
	struct fx *f = fx_new();
	uint32_t b, gone, gone_t;
	struct bpf_insn i[2];

	(void)state;
	build_s(f);
	b = bb_str(&f->l, "0:1");
	gone_t = bb_comp(&f->l, BTF_KIND_STRUCT, "s___g", 4, 1, false);
	bb_mem(&f->l, "gone", L_INT, 0, 0);
	gone = bb_str(&f->l, "0:0");
	fx_open(f);

	/* A jump cannot carry a value. */
	i[0] = INSN(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2, 4);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	assert_msg("program 'prog': CO-RE relocation #3 (insn 17, byte_off): 's.b': instruction "
		   "code 0x15 cannot carry a CO-RE value");
	/* Register-source ALU, byte swaps. */
	i[0] = INSN(BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 0, 4);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	assert_msg("has no immediate to patch");
	i[0] = INSN(BPF_ALU | BPF_END | BPF_TO_BE, 1, 0, 0, 4);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	/* The immediate must be what the object's BTF says. */
	i[0] = MOV64_IMM(1, 5);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	assert_msg("'s.b': the instruction's immediate is 5, but the object's BTF gives 4");
	i[0] = LDX(BPF_W, 1, 2, 8);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	assert_msg("the instruction's offset is 8, but the object's BTF gives 4");
	/* ld_imm64: cut in half, a map reference, a bad second half. */
	ld_imm64(i, 4);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	assert_msg("ld_imm64 without a valid second half");
	ld_imm64(i, 4);
	i[0].src_reg = BPF_PSEUDO_MAP_FD;
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 2, NULL), EINVAL);
	assert_msg("is not a plain ld_imm64");
	ld_imm64(i, 4);
	i[1].code = 7;
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 2, NULL), EINVAL);
	/* Legacy packet loads, atomics with the wrong kind. */
	i[0] = INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 4);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	i[0] = LDX(BPF_W, 1, 2, 4);
	assert_err(apply(f, L_S, b, BPF_CORE_FIELD_SIGNED, i, 1, NULL), EINVAL);
	assert_msg("can only carry a field offset");
	/* Malformed pairings are errors even when the target lacks the field (no poison). */
	i[0] = INSN(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2, 0);
	assert_err(apply(f, gone_t, gone, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	assert_msg("'s___g.gone': instruction code 0x15 cannot carry a CO-RE value");
	ld_imm64(i, 0);
	assert_err(apply(f, gone_t, gone, BPF_CORE_FIELD_BYTE_OFFSET, i, 1, NULL), EINVAL);
	assert_int_equal(i[0].code, BPF_LD | BPF_IMM | BPF_DW);
	assert_int_equal(ebpfc__core_poison_cnt(f->ctx), 0);
	fx_free(f);
}

static void test_offset_range(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, acc;
	struct bpf_insn i;

	(void)state;
	bb_int(&f->l, "int", 4, true);
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "far", 8, 1, false);
	bb_mem(&f->l, "x", 1, 32, 0);
	bb_int(&f->t, "int", 4, true);
	bb_comp(&f->t, BTF_KIND_STRUCT, "far", 70000, 1, false);
	bb_mem(&f->t, "x", 1, 40000 * 8, 0);
	acc = bb_str(&f->l, "0:0");
	fx_open(f);
	i = LDX(BPF_W, 1, 2, 4);
	assert_err(apply(f, ls, acc, BPF_CORE_FIELD_BYTE_OFFSET, &i, 1, NULL), ERANGE);
	assert_msg("offset 40000 in kernel BTF (" KNAME ") does not fit the instruction's "
		   "16-bit offset");
	/* An ALU immediate holds it. */
	assert_int_equal(apply_mov(f, ls, acc, BPF_CORE_FIELD_BYTE_OFFSET, 4), 40000);
	fx_free(f);
}

/* ---- sections and descriptions ------------------------------------------------------------ */

static void test_apply_func(void **state)
{
	struct fx *f = fx_new();
	uint32_t b, gone, ls;
	struct bpf_core_relo recs[3];
	struct ebpfc__btf_ext_sec sec;
	struct bpf_insn insns[4];

	(void)state;
	build_s(f);
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "s___x", 4, 1, false);
	bb_mem(&f->l, "gone", L_INT, 0, 0);
	b = bb_str(&f->l, "0:1");
	gone = bb_str(&f->l, "0:0");
	fx_open(f);

	/* Function at instructions 10..13 of its section, copied to 100..103. */
	recs[0] = (struct bpf_core_relo){ 8 * 11, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET };
	recs[1] = (struct bpf_core_relo){ 8 * 2, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET }; /* elsewhere */
	recs[2] = (struct bpf_core_relo){ 8 * 13, ls, gone, BPF_CORE_FIELD_BYTE_OFFSET };
	sec = (struct ebpfc__btf_ext_sec){ .sec_name = "kprobe/x", .rec_size = sizeof(recs[0]),
					   .count = 3, .recs = recs };
	insns[0] = MOV64_IMM(0, 0);
	insns[1] = MOV64_IMM(1, 4);
	insns[2] = MOV64_IMM(2, 4);
	insns[3] = LDX(BPF_W, 3, 1, 0);
	assert_ok(ebpfc__core_apply_func(f->ctx, "fn", &sec, 10, 4, insns, 100));
	assert_int_equal(insns[1].imm, 16);
	assert_int_equal(insns[2].imm, 4);
	assert_true(is_poisoned(&insns[3]));
	assert_has(ebpfc__core_poison_reason(f->ctx, "fn", 103),
		   "program 'fn': CO-RE relocation #2 (insn 103, byte_off): field 's___x.gone'");

	/* Errors name the record and the program's instruction. */
	insns[1] = MOV64_IMM(1, 5);
	assert_err(ebpfc__core_apply_func(f->ctx, "fn", &sec, 10, 4, insns, 100), EINVAL);
	assert_msg("program 'fn': CO-RE relocation #0 (insn 101, byte_off): 's.b'");
	recs[1].insn_off = 3;
	assert_err(ebpfc__core_apply_func(f->ctx, "fn", &sec, 0, 4, insns, 0), EINVAL);
	assert_msg("not on an instruction");
	sec.rec_size = 8;
	assert_err(ebpfc__core_apply_func(f->ctx, "fn", &sec, 0, 4, insns, 0), EINVAL);
	fx_free(f);
}

static void test_relo_str(void **state)
{
	struct fx *f = fx_new();
	uint32_t le, b, n3, zero, bad;
	struct bpf_core_relo r;
	char buf[128];

	(void)state;
	build_s(f);
	le = bb_enum(&f->l, "e", 4, 1, false, false);
	bb_eval(&f->l, "E_A", 1, false);
	b = bb_str(&f->l, "0:1");
	n3 = bb_str(&f->l, "2:3:3");
	zero = bb_str(&f->l, "0");
	bad = bb_str(&f->l, "0:x");
	fx_open(f);

	r = (struct bpf_core_relo){ 0, L_S, b, BPF_CORE_FIELD_BYTE_OFFSET };
	assert_ok(ebpfc__core_relo_str(f->local, &r, buf, sizeof(buf)));
	assert_string_equal(buf, "byte_off s.b");
	r = (struct bpf_core_relo){ 0, L_S, n3, BPF_CORE_FIELD_EXISTS };
	assert_ok(ebpfc__core_relo_str(f->local, &r, buf, sizeof(buf)));
	assert_string_equal(buf, "field_exists s[2].name[3]");
	r = (struct bpf_core_relo){ 0, L_S, zero, BPF_CORE_TYPE_SIZE };
	assert_ok(ebpfc__core_relo_str(f->local, &r, buf, sizeof(buf)));
	assert_string_equal(buf, "type_size struct s");
	r = (struct bpf_core_relo){ 0, le, zero, BPF_CORE_ENUMVAL_VALUE };
	assert_ok(ebpfc__core_relo_str(f->local, &r, buf, sizeof(buf)));
	assert_string_equal(buf, "enumval_value enum e::E_A");
	r = (struct bpf_core_relo){ 0, L_S, bad, BPF_CORE_FIELD_EXISTS };
	assert_err(ebpfc__core_relo_str(f->local, &r, buf, sizeof(buf)), EINVAL);
	assert_msg("CO-RE relocation (field_exists): on struct s: bad access string \"0:x\"");
	assert_string_equal(ebpfc__core_kind_str(BPF_CORE_TYPE_MATCHES), "type_matches");
	assert_string_equal(ebpfc__core_kind_str(99), "unknown");
	fx_free(f);
}

/*
 * Hostile target BTF: a fan-out of anonymous members too large to search
 * runs into the step budget; anonymous members that contain themselves
 * run into the depth limit. Both are errors, quickly.
 */
static void test_hostile_target(void **state)
{
	struct fx *f = fx_new();
	uint32_t ls, lloop, acc, zero, i, lvl;
	struct bpf_insn insn;

	(void)state;
	bb_int(&f->l, "int", 4, true);
	ls = bb_comp(&f->l, BTF_KIND_STRUCT, "h", 4, 1, false);
	bb_mem(&f->l, "x", 1, 0, 0);
	lloop = bb_comp(&f->l, BTF_KIND_STRUCT, "loop", 4, 1, false);
	bb_mem(&f->l, "x", 1, 0, 0);
	bb_int(&f->t, "int", 4, true);                          /* 1 */
	bb_comp(&f->t, BTF_KIND_STRUCT, "h", 4, 100, false);    /* 2 */
	for (i = 0; i < 100; i++)
		bb_mem(&f->t, NULL, 3, 0, 0);
	for (lvl = 3; lvl < 8; lvl++) {                         /* 3..7: 100 anonymous members each */
		bb_comp(&f->t, BTF_KIND_STRUCT, NULL, 4, 100, false);
		for (i = 0; i < 100; i++)
			bb_mem(&f->t, lvl < 7 ? NULL : "y", lvl < 7 ? lvl + 1 : 1, 0, 0);
	}
	bb_comp(&f->t, BTF_KIND_STRUCT, "loop", 4, 1, false);   /* 8 */
	bb_mem(&f->t, NULL, 8, 0, 0);
	acc = bb_str(&f->l, "0:0");
	zero = bb_str(&f->l, "0");
	fx_open(f);
	insn = MOV64_IMM(1, 0);
	assert_err(apply(f, ls, acc, BPF_CORE_FIELD_BYTE_OFFSET, &insn, 1, NULL), E2BIG);
	assert_msg("'h.x': BTF too large or too deeply nested to search");
	insn = MOV64_IMM(1, 0);
	assert_err(apply(f, lloop, acc, BPF_CORE_FIELD_BYTE_OFFSET, &insn, 1, NULL), ELOOP);
	assert_msg("anonymous members nested too deeply");
	insn = MOV64_IMM(1, 1);
	assert_ok(apply(f, ls, zero, BPF_CORE_TYPE_MATCHES, &insn, 1, NULL));
	assert_int_equal(insn.imm, 0);
	fx_free(f);
}

/* ---- end to end: clang's object against real kernels ----------------------------------------- */

static void *read_all(const char *path, size_t *size)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(buf = aligned_alloc(8, EBPFC__ROUND_UP((size_t)st.st_size + 1, 8))) ||
	    read(fd, buf, (size_t)st.st_size) != st.st_size) {
		close(fd);
		return NULL;
	}
	close(fd);
	*size = (size_t)st.st_size;
	return buf;
}

/* The .BTF section of a vmlinux ELF image, read with pread; NULL when there is none. */
static void *vmlinux_btf(const char *path, size_t *size)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strsh;
	char name[8];
	void *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned int k;

	if (fd < 0)
		return NULL;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(sh) ||
	    pread(fd, &strsh, sizeof(strsh), (off_t)(eh.e_shoff + (uint64_t)eh.e_shstrndx * sizeof(sh))) !=
		    sizeof(strsh))
		goto out;
	for (k = 1; k < eh.e_shnum; k++) {
		if (pread(fd, &sh, sizeof(sh), (off_t)(eh.e_shoff + (uint64_t)k * sizeof(sh))) != sizeof(sh))
			break;
		if (pread(fd, name, sizeof(name), (off_t)(strsh.sh_offset + sh.sh_name)) != sizeof(name) ||
		    memcmp(name, ".BTF\0", 5))
			continue;
		buf = aligned_alloc(8, EBPFC__ROUND_UP(sh.sh_size, 8));
		if (buf && pread(fd, buf, sh.sh_size, (off_t)sh.sh_offset) != (ssize_t)sh.sh_size) {
			free(buf);
			buf = NULL;
		}
		*size = sh.sh_size;
		break;
	}
out:
	close(fd);
	return buf;
}

struct obj {
	void *buf;
	size_t size;
	struct ebpfc__elf *elf;
	struct ebpfc_btf *btf;
	struct ebpfc__btf_ext *ext;
};

static void obj_open(struct obj *o)
{
	struct ebpfc__elf_sec s, se;
	const char *path = EBPFC_TEST_BPF_DIR "/test_core.bpf.o";

	memset(o, 0, sizeof(*o));
	o->buf = read_all(path, &o->size);
	if (!o->buf)
		fail_msg("cannot read %s (run make bpf): %s", path, strerror(errno));
	assert_ok(ebpfc__elf_open(o->buf, o->size, "test_core.bpf.o", &o->elf));
	assert_ok(ebpfc__elf_section_by_name(o->elf, ".BTF", &s));
	assert_ok(ebpfc__elf_section_by_name(o->elf, ".BTF.ext", &se));
	assert_ok(ebpfc__btf_open_mem(s.data, s.size, NULL, "test_core.bpf.o .BTF", &o->btf));
	assert_ok(ebpfc__btf_ext_open(se.data, se.size, o->btf, &o->ext));
}

static void obj_close(struct obj *o)
{
	ebpfc__btf_ext_destroy(o->ext);
	ebpfc_btf_destroy(o->btf);
	ebpfc__elf_close(o->elf);
	free(o->buf);
}

static uint64_t insn_value(const struct bpf_insn *i)
{
	switch (BPF_CLASS(i->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return (uint64_t)(int64_t)i->imm;
	case BPF_LD:
		return imm64_of(i);
	default:
		return (uint64_t)(int64_t)i->off;
	}
}

/*
 * What a relocation of test_core.bpf.o must give on `kern`, worked out
 * with the public BTF API only. Every record of that object is a
 * type or enum relocation, or a field relocation "0:N" on a struct.
 * Returns false when the value is unusable (the instruction must be
 * poisoned). Bitfield values are checked by extraction instead (bf != NULL).
 */
struct bf_seen {
	const char *name;
	struct bf_vals v;
	uint32_t bit_off, bits;
	int seen;
};

static bool expect(const struct ebpfc_btf *local, const struct bpf_core_relo *r,
		   const struct ebpfc_btf *kern, uint64_t *val, struct bf_seen *bf,
		   uint64_t patched)
{
	const char *acc = ebpfc_btf_name(local, r->access_str_off);
	const struct btf_type *lt;
	struct ebpfc_btf_member_info lm, tm;
	struct ebpfc_btf_enum_value ev;
	char name[128];
	uint32_t id = 0, size = 0, member;
	int n;

	assert_ok(ebpfc_btf_type_by_id(local, r->type_id, &lt));
	snprintf(name, sizeof(name), "%.*s",
		 (int)ebpfc_btf_essential_name_len(ebpfc_btf_name(local, lt->name_off)),
		 ebpfc_btf_name(local, lt->name_off));
	n = ebpfc_btf_find_all(kern, name, ebpfc_btf_kind(lt), 0, &id, 1);
	assert_true(n >= 0);
	switch (r->kind) {
	case BPF_CORE_TYPE_EXISTS:
		*val = n > 0;
		return true;
	case BPF_CORE_TYPE_SIZE:
		*val = 0;
		if (n > 0)
			assert_ok(ebpfc_btf_resolve_size(kern, id, &size));
		*val = n > 0 ? size : 0;
		return true;
	case BPF_CORE_TYPE_ID_TARGET:
		*val = n > 0 ? id : 0;
		return true;
	case BPF_CORE_TYPE_ID_LOCAL:
		*val = r->type_id;
		return true;
	case BPF_CORE_ENUMVAL_EXISTS:
	case BPF_CORE_ENUMVAL_VALUE: {
		struct ebpfc_btf_enum_value lv;

		assert_ok(ebpfc_btf_enum_value(local, r->type_id, (uint32_t)atoi(acc), &lv));
		if (n <= 0 || ebpfc_btf_enum_find(kern, id, lv.name, &ev) < 0) {
			*val = 0;
			return r->kind == BPF_CORE_ENUMVAL_EXISTS;
		}
		*val = r->kind == BPF_CORE_ENUMVAL_EXISTS ? 1 : ev.value;
		return true;
	}
	default:
		break;
	}
	if (sscanf(acc, "0:%u", &member) != 1)
		fail_msg("unexpected access string \"%s\"", acc);
	assert_ok(ebpfc_btf_member(local, r->type_id, member, &lm));
	if (n <= 0 || ebpfc_btf_member_find(kern, id, lm.name, &tm) < 0) {
		*val = 0;
		return r->kind == BPF_CORE_FIELD_EXISTS;
	}
	if (r->kind == BPF_CORE_FIELD_EXISTS) {
		*val = 1;
		return true;
	}
	if (tm.bitfield_size) {
		/* Collected, checked by extraction at the end. */
		assert_string_equal(bf->name, lm.name);
		bf->bit_off = tm.bit_offset;
		bf->bits = tm.bitfield_size;
		switch (r->kind) {
		case BPF_CORE_FIELD_BYTE_OFFSET: bf->v.off = (int64_t)patched; break;
		case BPF_CORE_FIELD_BYTE_SIZE: bf->v.size = (int64_t)patched; break;
		case BPF_CORE_FIELD_LSHIFT_U64: bf->v.lshift = (int64_t)patched; break;
		case BPF_CORE_FIELD_RSHIFT_U64: bf->v.rshift = (int64_t)patched; break;
		case BPF_CORE_FIELD_SIGNED: bf->v.is_signed = (int64_t)patched; break;
		default: break;
		}
		bf->seen |= 1 << r->kind;
		*val = patched;
		return true;
	}
	assert_ok(ebpfc_btf_resolve_size(kern, tm.type_id, &size));
	switch (r->kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		*val = tm.bit_offset / 8;
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		*val = size;
		break;
	default:
		fail_msg("unexpected relocation kind %u on a plain field", (unsigned int)r->kind);
	}
	return true;
}

/* Relocate the whole object against `kern` and check every value; returns the poison count. */
static size_t relocate_object(const struct obj *o, const struct ebpfc_btf *kern, const char *kname,
			      size_t *relo_total)
{
	struct ebpfc__core_ctx *ctx;
	struct bf_seen bf = { .name = "in_execve" };
	uint32_t k, r;
	size_t poisoned = 0, pid_hits = 0;
	struct ebpfc_btf_member_info pid;
	uint32_t task;

	assert_ok(ebpfc_btf_find(kern, "task_struct", BTF_KIND_STRUCT, &task));
	assert_true(ebpfc_btf_member_find(kern, task, "pid", &pid) >= 0);
	assert_ok(ebpfc__core_ctx_new(o->btf, kern, kname, &ctx));
	*relo_total = 0;
	assert_true(ebpfc__btf_ext_sec_cnt(o->ext, EBPFC__BTF_EXT_CORE_RELO) >= 2);
	for (k = 0; k < ebpfc__btf_ext_sec_cnt(o->ext, EBPFC__BTF_EXT_CORE_RELO); k++) {
		const struct ebpfc__btf_ext_sec *es = ebpfc__btf_ext_sec(o->ext, EBPFC__BTF_EXT_CORE_RELO, k);
		struct ebpfc__elf_sec cs;
		struct bpf_insn *insns;
		size_t cnt;

		assert_ok(ebpfc__elf_section_by_name(o->elf, es->sec_name, &cs));
		cnt = cs.size / sizeof(*insns);
		insns = malloc(cs.size);
		assert_non_null(insns);
		memcpy(insns, cs.data, cs.size);
		for (r = 0; r < es->count; r++) {
			const struct bpf_core_relo *rec =
				(const void *)((const char *)es->recs + (size_t)r * es->rec_size);
			size_t idx = rec->insn_off / 8;
			struct bpf_insn before = insns[idx];
			struct ebpfc__core_res res;
			uint64_t want = 0, got;
			char desc[160];
			bool usable;

			assert_ok(ebpfc__core_relo_str(o->btf, rec, desc, sizeof(desc)));
			if (ebpfc__core_apply(ctx, es->sec_name, r, idx, rec, insns + idx, cnt - idx, &res))
				fail_msg("%s: %s", kname, ebpfc_errmsg());
			got = insn_value(&insns[idx]);
			usable = expect(o->btf, rec, kern, &want, &bf, got);
			if (!usable) {
				if (!is_poisoned(&insns[idx]) || !res.poisoned)
					fail_msg("%s: %s (%s #%u) should be poisoned", kname, desc,
						 es->sec_name, r);
				assert_has(ebpfc__core_poison_reason(ctx, es->sec_name, idx),
					   strchr(desc, ' ') + 1);
				poisoned++;
				continue;
			}
			if (is_poisoned(&insns[idx]))
				fail_msg("%s: %s (%s #%u) poisoned: %s", kname, desc, es->sec_name, r,
					 ebpfc__core_poison_reason(ctx, es->sec_name, idx));
			if (got != want)
				fail_msg("%s: %s (%s #%u, insn %zu) is %llu, expected %llu", kname, desc,
					 es->sec_name, r, idx, (unsigned long long)got,
					 (unsigned long long)want);
			if (rec->kind == BPF_CORE_FIELD_BYTE_OFFSET && want == pid.bit_offset / 8)
				pid_hits++;
			/* Loads follow the kernel field's size. */
			if (BPF_CLASS(before.code) == BPF_LDX) {
				struct ebpfc_btf_member_info lm, tm;
				uint32_t member, tsz;

				assert_int_equal(sscanf(ebpfc_btf_name(o->btf, rec->access_str_off), "0:%u", &member), 1);
				assert_ok(ebpfc_btf_member(o->btf, rec->type_id, member, &lm));
				assert_true(ebpfc_btf_member_find(kern, task, lm.name, &tm) >= 0);
				assert_ok(ebpfc_btf_resolve_size(kern, tm.type_id, &tsz));
				assert_int_equal(BPF_SIZE(insns[idx].code),
						 tsz == 8 ? BPF_DW : tsz == 4 ? BPF_W : tsz == 2 ? BPF_H : BPF_B);
			}
			(*relo_total)++;
		}
		free(insns);
	}
	assert_true(pid_hits >= 3);
	/* The bitfield: all five values seen (in either program), and they extract it. */
	assert_int_equal(bf.seen, 0x3b);
	{
		size_t len = (size_t)bf.v.off + 16;
		uint8_t *mem = malloc(len);

		assert_non_null(mem);
		assert_true(bf.bit_off >= bf.v.off * 8 && bf.bit_off + bf.bits <= bf.v.off * 8 + 64);
		memset(mem, 0xff, len);
		bf_store(mem, bf.bit_off, bf.bits, 0);
		assert_int_equal(bf_extract(mem, &bf.v), 0);
		memset(mem, 0, len);
		bf_store(mem, bf.bit_off, bf.bits, 1);
		assert_int_equal(bf_extract(mem, &bf.v), 1);
		free(mem);
	}
	assert_int_equal(ebpfc__core_poison_cnt(ctx), poisoned);
	ebpfc__core_ctx_free(ctx);
	*relo_total += poisoned;
	return poisoned;
}

static void test_e2e_running_kernel(void **state)
{
	struct ebpfc_btf *vm;
	struct utsname u;
	struct obj o;
	size_t total, poisoned;
	int err;

	(void)state;
	err = ebpfc_btf_open_vmlinux(&vm);
	if (err) {
		print_message("skipped: no kernel BTF: %s\n", ebpfc_errmsg());
		skip();
	}
	assert_int_equal(uname(&u), 0);
	obj_open(&o);
	poisoned = relocate_object(&o, vm, u.release, &total);
	/* task_struct___pre514.state and task_struct___fantasy.ebpfc_no_such_field */
	assert_int_equal(poisoned, 2);
	assert_true(total >= 40);
	print_message("relocated %zu CO-RE records against %s (%zu poisoned)\n", total, u.release,
		      poisoned);
	obj_close(&o);
	ebpfc_btf_destroy(vm);
}

static void test_e2e_other_kernels(void **state)
{
	char pattern[512];
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	glob_t g;
	struct obj o;
	size_t k, done = 0;

	(void)state;
	if (cache && *cache)
		snprintf(pattern, sizeof(pattern), "%s/ebpfc-vmtest/k/*/vmlinux", cache);
	else if (home && *home)
		snprintf(pattern, sizeof(pattern), "%s/.cache/ebpfc-vmtest/k/*/vmlinux", home);
	else {
		print_message("skipped: neither XDG_CACHE_HOME nor HOME is set\n");
		skip();
	}
	if (glob(pattern, 0, NULL, &g)) {
		print_message("skipped: no kernel cached by the vmtest tooling (%s)\n", pattern);
		skip();
	}
	obj_open(&o);
	for (k = 0; k < g.gl_pathc; k++) {
		struct ebpfc_btf_open_opts opts = { .sz = sizeof(opts), .copy = true };
		struct ebpfc_btf *kern;
		size_t size = 0, total;
		void *raw = vmlinux_btf(g.gl_pathv[k], &size);
		char kname[256];

		if (!raw) {
			print_message("%s: no .BTF section, skipped\n", g.gl_pathv[k]);
			continue;
		}
		assert_ok(ebpfc_btf_open_mem(raw, size, &opts, &kern));
		free(raw);
		snprintf(kname, sizeof(kname), "%s", g.gl_pathv[k]);
		relocate_object(&o, kern, kname, &total);
		print_message("relocated %zu CO-RE records against %s\n", total, g.gl_pathv[k]);
		ebpfc_btf_destroy(kern);
		done++;
	}
	globfree(&g);
	obj_close(&o);
	if (!done) {
		print_message("skipped: no cached vmlinux had a .BTF section\n");
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_moved),
		cmocka_unit_test(test_flavors_and_typedefs),
		cmocka_unit_test(test_field_missing_poisoned),
		cmocka_unit_test(test_incompatible_field),
		cmocka_unit_test(test_compatible_kinds),
		cmocka_unit_test(test_anonymous_members),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_bitfields),
		cmocka_unit_test(test_bitfield_too_wide),
		cmocka_unit_test(test_load_size),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_type_matches),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_enum_sign_extension),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_bad_instructions),
		cmocka_unit_test(test_offset_range),
		cmocka_unit_test(test_apply_func),
		cmocka_unit_test(test_relo_str),
		cmocka_unit_test(test_hostile_target),
		cmocka_unit_test(test_e2e_running_kernel),
		cmocka_unit_test(test_e2e_other_kernels),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
