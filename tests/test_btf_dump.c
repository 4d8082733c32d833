/*
 * test_btf_dump.c - BTF as C (src/btf_dump.c, `ebpfc btf dump`).
 *
 *   hand-built BTF  every tricky construct in one type graph (anonymous
 *                   unions and structs, bitfields with gaps, packed and
 *                   aligned structs, an array of pointers to functions, a
 *                   pointer cycle, struct/union/typedef/enumerator name
 *                   collisions, a signed enum64, a one-byte enum, a type
 *                   tag, const/volatile/restrict, a variadic prototype),
 *                   checked against expected text and compiled with static
 *                   asserts on sizes and offsets; spellings, the incremental
 *                   dumper, split BTF, the raw format, errors;
 *   kernel BTF      the running kernel's vmlinux.h compiles with clang
 *                   -target bpf together with a CO-RE program reading
 *                   task_struct, whose object loads through ebpfc and sees
 *                   this thread; every struct's size and member offsets
 *                   match the BTF; the output is byte-for-byte stable;
 *   Debian 6.1      the same from the BTF of the kernel tools/vmtest
 *                   caches (compile only; skipped when it is not cached).
 *
 * Tests that need clang or kernel BTF skip with a message without them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include <ebpfc/btf_dump.h>
#include "testutil.h"

#define BPF_INCLUDE EBPFC_TEST_SRC_DIR "/../bpf/include"
#define PATHBUF 1024

/* ---- a small BTF writer ------------------------------------------------------------ */

#define BB_INFO(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))

struct bb {
	uint32_t types[4096];
	size_t tlen;		/* in words */
	char strs[8192];
	size_t slen;
	uint32_t n;		/* types so far */
};

static void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1;	/* "" at 0 */
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off;

	if (!s || !*s)
		return 0;
	off = (uint32_t)b->slen;
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += strlen(s) + 1;
	return off;
}

static void bb_w(struct bb *b, uint32_t w)
{
	b->types[b->tlen++] = w;
}

/* A type's header; returns the new type's id. */
static uint32_t bb_t(struct bb *b, const char *name, uint32_t kind, uint32_t vlen, int kflag,
		     uint32_t size_or_type)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, BB_INFO(kind, kflag, vlen));
	bb_w(b, size_or_type);
	return ++b->n;
}

static uint32_t bb_int(struct bb *b, const char *name, uint32_t size, uint32_t enc)
{
	uint32_t id = bb_t(b, name, BTF_KIND_INT, 0, 0, size);

	bb_w(b, (enc << 24) | (size * 8));
	return id;
}

static uint32_t bb_ref(struct bb *b, uint32_t kind, const char *name, uint32_t type)
{
	return bb_t(b, name, kind, 0, 0, type);
}

static uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = bb_t(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);

	bb_w(b, elem);
	bb_w(b, index);
	bb_w(b, n);
	return id;
}

/* A struct or union with kind_flag set: members carry their bitfield sizes. */
static uint32_t bb_comp(struct bb *b, uint32_t kind, const char *name, uint32_t size,
			uint32_t vlen)
{
	return bb_t(b, name, kind, vlen, 1, size);
}

static void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off,
		      uint32_t bitfield)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, type);
	bb_w(b, (bitfield << 24) | bit_off);
}

static uint32_t bb_enum(struct bb *b, const char *name, uint32_t size, uint32_t vlen, int sign)
{
	return bb_t(b, name, BTF_KIND_ENUM, vlen, sign, size);
}

static void bb_enumval(struct bb *b, const char *name, int32_t v)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, (uint32_t)v);
}

static uint32_t bb_enum64(struct bb *b, const char *name, uint32_t size, uint32_t vlen, int sign)
{
	return bb_t(b, name, BTF_KIND_ENUM64, vlen, sign, size);
}

static void bb_enum64val(struct bb *b, const char *name, uint64_t v)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, (uint32_t)v);
	bb_w(b, (uint32_t)(v >> 32));
}

static uint32_t bb_proto(struct bb *b, uint32_t ret, uint32_t vlen)
{
	return bb_t(b, NULL, BTF_KIND_FUNC_PROTO, vlen, 0, ret);
}

static void bb_param(struct bb *b, const char *name, uint32_t type)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, type);
}

/* The raw BTF (header, types, strings) into out; returns its size. */
static size_t bb_finish(const struct bb *b, void *out, size_t cap)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (uint32_t)(b->tlen * 4),
		.str_off = (uint32_t)(b->tlen * 4), .str_len = (uint32_t)b->slen,
	};
	size_t total = sizeof(h) + b->tlen * 4 + b->slen;

	assert_true(total <= cap);
	memcpy(out, &h, sizeof(h));
	memcpy((char *)out + sizeof(h), b->types, b->tlen * 4);
	memcpy((char *)out + sizeof(h) + b->tlen * 4, b->strs, b->slen);
	return total;
}

/* ---- the hand-built type graph ----------------------------------------------------- */

/* Type ids of the graph below, for the tests that name them. */
enum {
	T_INT = 1, T_CHAR = 3, T_FN_ARRAY = 10, T_NODE = 12, T_OPS_FWD = 13, T_OPS = 18,
	T_FOO1 = 21, T_FOO_TYPEDEF = 24, T_CONST_CHAR_PTR = 26, T_VOLATILE_PTR = 27,
	T_USER_PTR = 29, T_ALL = 35, T_ANON_T = 38, T_CB_T = 44, T_VAR = 45,
};

static size_t build_graph(void *out, size_t cap)
{
	static struct bb b;
	uint32_t i_int, i_uint, i_char, i_u64, i_u8, i_short, i_float, proto, p_fn, arr_fn, node,
		 p_node, foo1, tdfoo, ufoo, cchar, p_cchar, v_p_cchar, tagged, p_tagged, e64, etiny,
		 packed_s, al;

	bb_init(&b);
	i_int = bb_int(&b, "int", 4, BTF_INT_SIGNED);			/* 1 */
	i_uint = bb_int(&b, "unsigned int", 4, 0);			/* 2 */
	i_char = bb_int(&b, "char", 1, BTF_INT_SIGNED);			/* 3 */
	i_u64 = bb_int(&b, "long long unsigned int", 8, 0);		/* 4 */
	i_u8 = bb_int(&b, "unsigned char", 1, 0);			/* 5 */
	i_short = bb_int(&b, "short int", 2, BTF_INT_SIGNED);		/* 6 */
	i_float = bb_t(&b, "double", BTF_KIND_FLOAT, 0, 0, 8);		/* 7 */
	/* void (*[4])(int): an array of pointers to functions */
	proto = bb_proto(&b, 0, 1);					/* 8 */
	bb_param(&b, NULL, i_int);
	p_fn = bb_ref(&b, BTF_KIND_PTR, NULL, proto);			/* 9 */
	arr_fn = bb_array(&b, p_fn, i_int, 4);				/* 10 */
	p_node = bb_ref(&b, BTF_KIND_PTR, NULL, 12);			/* 11 */
	/* struct node: a pointer to itself and to struct ops (a cycle), anonymous members */
	node = bb_comp(&b, BTF_KIND_STRUCT, "node", 56, 5);		/* 12 */
	bb_member(&b, "next", p_node, 0, 0);
	bb_member(&b, "ops", 15, 64, 0);
	bb_member(&b, "fns", arr_fn, 128, 0);
	bb_member(&b, NULL, 16, 384, 0);
	bb_member(&b, "inner", 17, 416, 0);
	bb_t(&b, "ops", BTF_KIND_FWD, 0, 0, 0);				/* 13 */
	bb_ref(&b, BTF_KIND_PTR, NULL, 13);				/* 14 */
	bb_ref(&b, BTF_KIND_PTR, NULL, 18);				/* 15 */
	bb_comp(&b, BTF_KIND_UNION, NULL, 4, 2);			/* 16 */
	bb_member(&b, "a", i_int, 0, 0);
	bb_member(&b, "b", i_uint, 0, 0);
	bb_comp(&b, BTF_KIND_STRUCT, NULL, 1, 1);			/* 17 */
	bb_member(&b, "c", i_char, 0, 0);
	bb_comp(&b, BTF_KIND_STRUCT, "ops", 16, 2);			/* 18 */
	bb_member(&b, "cb", 20, 0, 0);
	bb_member(&b, "owner", p_node, 64, 0);
	bb_proto(&b, i_int, 1);						/* 19 */
	bb_param(&b, "n", p_node);
	bb_ref(&b, BTF_KIND_PTR, NULL, 19);				/* 20 */
	/* two struct foo, a union foo, a typedef foo (and an enumerator foo below) */
	foo1 = bb_comp(&b, BTF_KIND_STRUCT, "foo", 4, 1);		/* 21 */
	bb_member(&b, "x", i_int, 0, 0);
	bb_comp(&b, BTF_KIND_STRUCT, "foo", 8, 1);			/* 22 */
	bb_member(&b, "y", i_u64, 0, 0);
	ufoo = bb_comp(&b, BTF_KIND_UNION, "foo", 4, 1);		/* 23 */
	bb_member(&b, "z", i_uint, 0, 0);
	tdfoo = bb_ref(&b, BTF_KIND_TYPEDEF, "foo", 22);		/* 24 */
	cchar = bb_ref(&b, BTF_KIND_CONST, NULL, i_char);		/* 25 */
	p_cchar = bb_ref(&b, BTF_KIND_PTR, NULL, cchar);		/* 26 */
	v_p_cchar = bb_ref(&b, BTF_KIND_VOLATILE, NULL, p_cchar);	/* 27 */
	tagged = bb_ref(&b, BTF_KIND_TYPE_TAG, "user", i_char);		/* 28 */
	p_tagged = bb_ref(&b, BTF_KIND_PTR, NULL, tagged);		/* 29 */
	e64 = bb_enum64(&b, "big", 8, 2, 1);				/* 30 */
	bb_enum64val(&b, "BIG_NEG", (uint64_t)-5LL);
	bb_enum64val(&b, "BIG_POS", 1ULL << 40);
	etiny = bb_enum(&b, "tiny", 1, 2, 0);				/* 31 */
	bb_enumval(&b, "TINY_A", 1);
	bb_enumval(&b, "foo", 2);
	/* struct packed_s { char c; int i; } __attribute__((packed)) */
	packed_s = bb_comp(&b, BTF_KIND_STRUCT, "packed_s", 5, 2);	/* 32 */
	bb_member(&b, "c", i_char, 0, 0);
	bb_member(&b, "i", i_int, 8, 0);
	/* struct al { int x; } __attribute__((aligned(16))) */
	al = bb_comp(&b, BTF_KIND_STRUCT, "al", 16, 1);			/* 33 */
	bb_member(&b, "x", i_int, 0, 0);
	/* bitfields with gaps the compiler would not leave */
	bb_comp(&b, BTF_KIND_STRUCT, "bits", 8, 5);			/* 34 */
	bb_member(&b, "a", i_uint, 0, 3);
	bb_member(&b, "b", i_uint, 3, 7);
	bb_member(&b, "c", i_uint, 16, 4);
	bb_member(&b, "d", i_u8, 24, 0);
	bb_member(&b, "e", i_short, 40, 5);
	/* struct all: everything above by value */
	bb_comp(&b, BTF_KIND_STRUCT, "all", 144, 11);			/* 35 */
	bb_member(&b, "n", node, 0, 0);
	bb_member(&b, "f1", foo1, 448, 0);
	bb_member(&b, "f2", tdfoo, 512, 0);
	bb_member(&b, "u", ufoo, 576, 0);
	bb_member(&b, "s", v_p_cchar, 640, 0);
	bb_member(&b, "user", p_tagged, 704, 0);
	bb_member(&b, "e", e64, 768, 0);
	bb_member(&b, "t", etiny, 832, 0);
	bb_member(&b, "p", packed_s, 840, 0);
	bb_member(&b, "a", al, 896, 0);
	bb_member(&b, "d", i_float, 1024, 0);
	bb_enum(&b, NULL, 4, 1, 0);					/* 36: used by nothing */
	bb_enumval(&b, "ANON_ONE", 1);
	bb_comp(&b, BTF_KIND_STRUCT, NULL, 4, 1);			/* 37 */
	bb_member(&b, "q", i_int, 0, 0);
	bb_ref(&b, BTF_KIND_TYPEDEF, "anon_t", 37);			/* 38 */
	/* typedef int (*cb_t)(const void *restrict, ...); */
	bb_ref(&b, BTF_KIND_CONST, NULL, 0);				/* 39 */
	bb_ref(&b, BTF_KIND_PTR, NULL, 39);				/* 40 */
	bb_ref(&b, BTF_KIND_RESTRICT, NULL, 40);			/* 41 */
	bb_proto(&b, i_int, 2);						/* 42 */
	bb_param(&b, NULL, 41);
	bb_param(&b, NULL, 0);
	bb_ref(&b, BTF_KIND_PTR, NULL, 42);				/* 43 */
	bb_ref(&b, BTF_KIND_TYPEDEF, "cb_t", 43);			/* 44 */
	bb_t(&b, "a_var", BTF_KIND_VAR, 0, 0, i_int);			/* 45 */
	bb_w(&b, 1);
	return bb_finish(&b, out, cap);
}

static const char expected_graph[] =
	"#ifndef __ebpfc_type_tag\n"
	"#ifdef __has_attribute\n"
	"#if __has_attribute(btf_type_tag)\n"
	"#define __ebpfc_type_tag(x) __attribute__((btf_type_tag(x)))\n"
	"#endif\n"
	"#endif\n"
	"#ifndef __ebpfc_type_tag\n"
	"#define __ebpfc_type_tag(x)\n"
	"#endif\n"
	"#endif\n"
	"\n"
	"struct node;\n"
	"\n"
	"struct ops;\n"
	"\n"
	"struct node {\n"
	"\tstruct node *next;\n"
	"\tstruct ops *ops;\n"
	"\tvoid (*fns[4])(int);\n"
	"\tunion {\n"
	"\t\tint a;\n"
	"\t\tunsigned int b;\n"
	"\t};\n"
	"\tstruct {\n"
	"\t\tchar c;\n"
	"\t} inner;\n"
	"};\n"
	"\n"
	"struct ops {\n"
	"\tint (*cb)(struct node *);\n"
	"\tstruct node *owner;\n"
	"};\n"
	"\n"
	"struct foo {\n"
	"\tint x;\n"
	"};\n"
	"\n"
	"struct foo___2 {\n"
	"\tlong long unsigned int y;\n"
	"};\n"
	"\n"
	"union foo___3 {\n"
	"\tunsigned int z;\n"
	"};\n"
	"\n"
	"typedef struct foo___2 foo;\n"
	"\n"
	"enum big {\n"
	"\tBIG_NEG = -5,\n"
	"\tBIG_POS = 1099511627776LL,\n"
	"};\n"
	"\n"
	"enum __attribute__((mode(QI))) tiny {\n"
	"\tTINY_A = 1,\n"
	"\tfoo___2 = 2,\n"
	"};\n"
	"\n"
	"struct packed_s {\n"
	"\tchar c;\n"
	"\tint i;\n"
	"} __attribute__((packed));\n"
	"\n"
	"struct al {\n"
	"\tint x;\n"
	"} __attribute__((aligned(16)));\n"
	"\n"
	"struct bits {\n"
	"\tunsigned int a: 3;\n"
	"\tunsigned int b: 7;\n"
	"\tchar: 6;\n"
	"\tunsigned int c: 4;\n"
	"\tunsigned char d;\n"
	"\tchar: 8;\n"
	"\tshort int e: 5;\n"
	"};\n"
	"\n"
	"struct all {\n"
	"\tstruct node n;\n"
	"\tstruct foo f1;\n"
	"\tfoo f2;\n"
	"\tunion foo___3 u;\n"
	"\tconst char *volatile s;\n"
	"\tchar __ebpfc_type_tag(\"user\") *user;\n"
	"\tenum big e;\n"
	"\tenum tiny t;\n"
	"\tstruct packed_s p;\n"
	"\tstruct al a;\n"
	"\tdouble d;\n"
	"};\n"
	"\n"
	"enum {\n"
	"\tANON_ONE = 1,\n"
	"};\n"
	"\n"
	"typedef struct {\n"
	"\tint q;\n"
	"} anon_t;\n"
	"\n"
	"typedef int (*cb_t)(const void *restrict, ...);\n"
	"\n";

/* Sizes and offsets the C above must give (the BTF's), in every compiler. */
static const char graph_checks[] =
	"#define CHK(c) _Static_assert(c, #c)\n"
	"CHK(sizeof(struct node) == 56); CHK(__builtin_offsetof(struct node, inner) == 52);\n"
	"CHK(__builtin_offsetof(struct node, fns) == 16);\n"
	"CHK(sizeof(struct packed_s) == 5); CHK(__builtin_offsetof(struct packed_s, i) == 1);\n"
	"CHK(sizeof(struct al) == 16); CHK(_Alignof(struct al) == 16);\n"
	"CHK(sizeof(struct bits) == 8); CHK(__builtin_offsetof(struct bits, d) == 3);\n"
	"CHK(sizeof(enum tiny) == 1); CHK(sizeof(enum big) == 8); CHK(BIG_NEG < 0);\n"
	"CHK(sizeof(struct all) == 144); CHK(__builtin_offsetof(struct all, p) == 105);\n"
	"CHK(__builtin_offsetof(struct all, a) == 112); CHK(__builtin_offsetof(struct all, d) == 128);\n"
	"CHK(sizeof(struct foo___2) == 8); CHK(sizeof(foo) == 8); CHK(sizeof(union foo___3) == 4);\n"
	"CHK(sizeof(anon_t) == 4); CHK(ANON_ONE == 1); CHK(foo___2 == 2);\n"
	"int use(struct all *a, struct bits *b)\n"
	"{\n"
	"\tcb_t cb = 0;\n"
	"\ta->n.fns[1] = 0;\n"
	"\tb->e = 3;\n"
	"\t(void)cb;\n"
	"\treturn a->n.a + a->n.inner.c + a->n.ops->owner->inner.c;\n"
	"}\n";

/* ---- helpers ----------------------------------------------------------------------- */

struct membuf {
	char *s;
	size_t len, cap;
	int fail_after;	/* > 0: the nth write fails with -ENOSPC */
	int writes;
};

static int mb_write(void *user, const char *data, size_t len)
{
	struct membuf *m = user;

	if (m->fail_after && ++m->writes >= m->fail_after)
		return -ENOSPC;
	if (m->len + len + 1 > m->cap) {
		m->cap = (m->len + len + 1) * 2;
		m->s = realloc(m->s, m->cap);
		assert_non_null(m->s);
	}
	memcpy(m->s + m->len, data, len);
	m->len += len;
	m->s[m->len] = '\0';
	return 0;
}

static int file_write(void *user, const char *data, size_t len)
{
	return fwrite(data, 1, len, user) == len ? 0 : -EIO;
}

static char tmpdir[TU_PATH_MAX];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ebpfc-btf-dump.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tu_rm_rf(tmpdir);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static bool have_cmd(const char *cmd)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s --version >/dev/null 2>&1", cmd);
	return system(buf) == 0;
}

#define REQUIRE_CMD(cmd)                                                            \
	do {                                                                        \
		if (!have_cmd(cmd)) {                                               \
			print_message("skipped: %s is not installed\n", cmd);       \
			skip();                                                     \
		}                                                                   \
	} while (0)

/* Run a shell command; on failure show the start of what it printed and fail. */
static void run_ok(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_ok(const char *what, const char *fmt, ...)
{
	char cmd[4096], log[TU_PATH_MAX + 16], line[512];
	va_list ap;
	FILE *f;
	int rc, n = 0;

	snprintf(log, sizeof(log), "%s/cmd.log", tmpdir);
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - sizeof(log) - 16, fmt, ap);
	va_end(ap);
	strcat(cmd, " >");
	strcat(cmd, log);
	strcat(cmd, " 2>&1");
	rc = system(cmd);
	if (rc == 0)
		return;
	f = fopen(log, "r");
	while (f && n++ < 25 && fgets(line, sizeof(line), f))
		print_message("  | %s", line);
	if (f)
		fclose(f);
	fail_msg("%s failed (status %d): %s", what, rc, cmd);
}

static struct ebpfc_btf *open_graph(void)
{
	static char blob[65536] __attribute__((aligned(8)));
	struct ebpfc_btf *btf;
	size_t n = build_graph(blob, sizeof(blob));

	assert_ok(ebpfc_btf_open_mem(blob, n, NULL, &btf));
	return btf;
}

static char *dump_c(const struct ebpfc_btf *btf, const struct ebpfc_btf_dump_opts *opts)
{
	struct membuf m = { 0 };

	assert_ok(ebpfc_btf_dump_c(btf, opts, mb_write, &m));
	assert_non_null(m.s);
	return m.s;
}

/* Show where two texts part, then fail. */
static void assert_text_equal(const char *got, const char *want)
{
	size_t i = 0, line = 1, start = 0;

	if (!strcmp(got, want))
		return;
	while (got[i] && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	fail_msg("texts differ at line %zu:\n  got:  %.80s\n  want: %.80s", line, got + start,
		 want + start);
}

/* ---- hand-built BTF ---------------------------------------------------------------- */

static void test_graph_text(void **state)
{
	struct ebpfc_btf *btf = open_graph();
	char *a, *b;

	EBPFC_OPTS(ebpfc_btf_dump_opts, o, .guard = "", .no_core = true);
	(void)state;
	a = dump_c(btf, &o);
	assert_text_equal(a, expected_graph);
	b = dump_c(btf, &o);
	assert_string_equal(a, b);
	free(a);
	free(b);
	ebpfc_btf_destroy(btf);
}

/* The expected text is not just text: C compilers agree on its layout. */
static void test_graph_compiles(void **state)
{
	char path[PATHBUF], hdr[PATHBUF];
	struct ebpfc_btf *btf = open_graph();
	char *text;

	(void)state;
	EBPFC_OPTS(ebpfc_btf_dump_opts, o, .guard = "GRAPH_H");
	text = dump_c(btf, &o);
	snprintf(hdr, sizeof(hdr), "%s/graph.h", tmpdir);
	write_text(hdr, text);
	snprintf(path, sizeof(path), "%s/graph.c", tmpdir);
	{
		char src[4096];

		snprintf(src, sizeof(src), "#include \"graph.h\"\n#include \"graph.h\"\n%s",
			 graph_checks);
		write_text(path, src);
	}
	free(text);
	ebpfc_btf_destroy(btf);
	run_ok("cc", "cc -std=gnu11 -Wall -Wextra -Werror -c %s -o /dev/null", path);
	if (!have_cmd("clang")) {
		print_message("note: clang is not installed; checked with cc only\n");
		return;
	}
	run_ok("clang -target bpf", "clang -target bpf -O2 -g -Wall -Werror -c %s -o /dev/null",
	       path);
	run_ok("clang", "clang -Wall -Werror -c %s -o /dev/null", path);
}

static void test_raw(void **state)
{
	struct ebpfc_btf *btf = open_graph();
	struct membuf m = { 0 };
	static const char *const lines[] = {
		"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n",
		"[7] FLOAT 'double' size=8\n",
		"[8] FUNC_PROTO '(anon)' ret_type_id=0 vlen=1\n\t'(anon)' type_id=1\n",
		"[10] ARRAY '(anon)' type_id=9 index_type_id=1 nr_elems=4\n",
		"[12] STRUCT 'node' size=56 vlen=5\n\t'next' type_id=11 bits_offset=0\n",
		"\t'(anon)' type_id=16 bits_offset=384\n",
		"[13] FWD 'ops' fwd_kind=struct\n",
		"[24] TYPEDEF 'foo' type_id=22\n",
		"[28] TYPE_TAG 'user' type_id=3\n",
		"[30] ENUM64 'big' encoding=SIGNED size=8 vlen=2\n\t'BIG_NEG' val=-5\n"
		"\t'BIG_POS' val=1099511627776\n",
		"[34] STRUCT 'bits' size=8 vlen=5\n\t'a' type_id=2 bits_offset=0 bitfield_size=3\n",
		"[41] RESTRICT '(anon)' type_id=40\n",
		"[42] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2\n\t'(anon)' type_id=41\n"
		"\t'(anon)' type_id=0\n",
		"[45] VAR 'a_var' type_id=1, linkage=global\n",
	};

	(void)state;
	assert_ok(ebpfc_btf_dump_raw(btf, NULL, mb_write, &m));
	for (size_t i = 0; i < TU_ARRAY_SIZE(lines); i++)
		if (!strstr(m.s, lines[i]))
			fail_msg("raw output lacks:\n%s", lines[i]);
	/* One type per "[id]" line, 45 of them. */
	{
		size_t n = 0;

		for (const char *p = m.s; (p = strchr(p, '[')); p++)
			if (p == m.s || p[-1] == '\n')
				n++;
		assert_int_equal(n, 45);
	}
	free(m.s);
	ebpfc_btf_destroy(btf);
}

static int decl(struct ebpfc_btf_dump *d, uint32_t id, const char *declarator,
		const struct ebpfc_btf_dump_decl_opts *opts, char *buf, size_t size)
{
	int n = ebpfc_btf_dump_decl(d, id, declarator, opts, buf, size);

	if (n < 0)
		fail_msg("ebpfc_btf_dump_decl: %s", ebpfc_errmsg());
	return n;
}

static void test_decl(void **state)
{
	struct ebpfc_btf *btf = open_graph();
	struct ebpfc_btf_dump *d;
	struct membuf m = { 0 };
	char buf[256];

	(void)state;
	assert_ok(ebpfc_btf_dump_new(btf, mb_write, &m, NULL, &d));
	decl(d, T_FN_ARRAY, "fns", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "void (*fns[4])(int)");
	decl(d, T_FN_ARRAY, "*p", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "void (*(*p)[4])(int)");
	decl(d, T_FN_ARRAY, "", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "void (*[4])(int)");
	decl(d, T_CB_T, "cb", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "cb_t cb");
	decl(d, 43, "fp", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "int (*fp)(const void *restrict, ...)");
	decl(d, T_FOO_TYPEDEF, "*key", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "foo *key");
	decl(d, 22, "x", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "struct foo___2 x");
	decl(d, T_OPS_FWD, "o", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "struct ops o");
	decl(d, T_VOLATILE_PTR, "s", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "const char *volatile s");
	decl(d, T_USER_PTR, "u", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "char __ebpfc_type_tag(\"user\") *u");
	decl(d, T_ANON_T, "a", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "anon_t a");
	decl(d, 37, "a", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "struct {\n\tint q;\n} a");
	{
		EBPFC_OPTS(ebpfc_btf_dump_decl_opts, o, .indent = 1);

		decl(d, 37, "a", &o, buf, sizeof(buf));
		assert_string_equal(buf, "struct {\n\t\tint q;\n\t} a");
	}
	{
		/* strip_mods drops what qualifies the object, not what it points to */
		EBPFC_OPTS(ebpfc_btf_dump_decl_opts, o, .strip_mods = true);

		decl(d, T_VOLATILE_PTR, "s", &o, buf, sizeof(buf));
		assert_string_equal(buf, "const char *s");
	}
	{
		EBPFC_OPTS(ebpfc_btf_dump_decl_opts, o, .add_const = true);

		decl(d, T_FOO1, "*key", &o, buf, sizeof(buf));
		assert_string_equal(buf, "const struct foo *key");
		decl(d, T_CONST_CHAR_PTR, "*key", &o, buf, sizeof(buf));
		assert_string_equal(buf, "const char *const *key");
		decl(d, T_FN_ARRAY, "*key", &o, buf, sizeof(buf));
		assert_string_equal(buf, "void (*const (*key)[4])(int)");
	}
	/* snprintf-like: the whole length, a cut but terminated buffer */
	assert_int_equal(decl(d, T_FN_ARRAY, "fns", NULL, buf, 8), 19);
	assert_string_equal(buf, "void (*");
	assert_int_equal(decl(d, T_FN_ARRAY, "fns", NULL, NULL, 0), 19);
	/* spelling writes nothing */
	assert_null(m.s);
	assert_err(ebpfc_btf_dump_decl(d, 9999, "x", NULL, buf, sizeof(buf)), ENOENT);
	ebpfc_btf_dump_destroy(d);
	ebpfc_btf_destroy(btf);
}

static void test_incremental(void **state)
{
	struct ebpfc_btf *btf = open_graph();
	struct ebpfc_btf_dump *d;
	struct membuf m = { 0 };
	size_t len;

	(void)state;
	assert_ok(ebpfc_btf_dump_new(btf, mb_write, &m, NULL, &d));
	/* struct ops is someone else's: never written, not even declared */
	assert_ok(ebpfc_btf_dump_assume_defined(d, T_OPS));
	assert_ok(ebpfc_btf_dump_type(d, T_NODE));
	assert_non_null(m.s);
	assert_non_null(strstr(m.s, "struct node {\n\tstruct node *next;\n\tstruct ops *ops;\n"));
	assert_null(strstr(m.s, "struct ops {"));
	assert_null(strstr(m.s, "struct ops;"));
	assert_null(strstr(m.s, "struct foo"));
	/* Written once: a second request adds nothing. */
	len = m.len;
	assert_ok(ebpfc_btf_dump_type(d, T_NODE));
	assert_int_equal(m.len, len);
	/* struct all brings what node did not: foo, the enums, packed_s, al ... */
	assert_ok(ebpfc_btf_dump_type(d, T_ALL));
	assert_non_null(strstr(m.s, "struct foo {"));
	assert_non_null(strstr(m.s, "typedef struct foo___2 foo;"));
	assert_non_null(strstr(m.s, "enum __attribute__((mode(QI))) tiny {"));
	assert_non_null(strstr(m.s, "__ebpfc_type_tag"));	/* the prelude came first */
	assert_true(strstr(m.s, "#ifndef __ebpfc_type_tag") < strstr(m.s, "struct node {"));
	assert_null(strstr(m.s, "struct bits"));
	/* A pointer needs only a declaration. */
	len = m.len;
	assert_ok(ebpfc_btf_dump_type(d, 14));
	assert_int_equal(m.len, len);	/* struct ops: assumed */
	assert_err(ebpfc_btf_dump_type(d, T_VAR), EINVAL);
	assert_errmsg_contains("is a var");
	assert_err(ebpfc_btf_dump_type(d, 4096), ENOENT);
	ebpfc_btf_dump_destroy(d);
	ebpfc_btf_dump_destroy(NULL);
	free(m.s);
	ebpfc_btf_destroy(btf);
}

/* Split BTF (a module on vmlinux): its own types, and the base types they need. */
static void test_split(void **state)
{
	static char base_blob[4096] __attribute__((aligned(8))), split_blob[4096]
		__attribute__((aligned(8)));
	static struct bb b;
	struct ebpfc_btf *base, *split;
	size_t n;
	char *text;

	(void)state;
	bb_init(&b);
	bb_int(&b, "int", 4, BTF_INT_SIGNED);			/* 1 */
	bb_comp(&b, BTF_KIND_STRUCT, "base_s", 4, 1);		/* 2 */
	bb_member(&b, "v", 1, 0, 0);
	bb_comp(&b, BTF_KIND_STRUCT, "unused_s", 4, 1);		/* 3 */
	bb_member(&b, "w", 1, 0, 0);
	n = bb_finish(&b, base_blob, sizeof(base_blob));
	assert_ok(ebpfc_btf_open_mem(base_blob, n, NULL, &base));

	{
		/*
		 * struct mod_s { struct base_s b; int x; }: ids go on from the
		 * base's, and so do string offsets (the split's own "" first).
		 */
		EBPFC_OPTS(ebpfc_btf_open_opts, so, .base = base);
		uint32_t base_strs;
		const void *raw;
		size_t sz;

		assert_ok(ebpfc_btf_raw_data(base, &raw, &sz));
		base_strs = ((const struct btf_header *)raw)->str_len;
		bb_init(&b);
		bb_w(&b, base_strs + 1);	/* "mod_s" */
		bb_w(&b, BB_INFO(BTF_KIND_STRUCT, 1, 2));
		bb_w(&b, 8);
		bb_w(&b, base_strs + 7);	/* "b" */
		bb_w(&b, 2);
		bb_w(&b, 0);
		bb_w(&b, base_strs + 9);	/* "x" */
		bb_w(&b, 1);
		bb_w(&b, 32);
		memcpy(b.strs + 1, "mod_s\0b\0x", 10);
		b.slen = 11;
		n = bb_finish(&b, split_blob, sizeof(split_blob));
		assert_ok(ebpfc_btf_open_mem(split_blob, n, &so, &split));
	}
	EBPFC_OPTS(ebpfc_btf_dump_opts, o, .guard = "", .no_core = true);
	text = dump_c(split, &o);
	assert_string_equal(text, "struct base_s {\n\tint v;\n};\n\n"
				  "struct mod_s {\n\tstruct base_s b;\n\tint x;\n};\n\n");
	free(text);
	ebpfc_btf_destroy(split);
	ebpfc_btf_destroy(base);
}

static void test_errors(void **state)
{
	struct ebpfc_btf *btf = open_graph();
	struct membuf m = { .fail_after = 2 };
	struct ebpfc_btf_dump *d;
	struct {
		struct ebpfc_btf_dump_opts o;
		char tail[8];
	} big;

	(void)state;
	assert_err(ebpfc_btf_dump_c(btf, NULL, mb_write, &m), ENOSPC);
	assert_errmsg_contains("writing the output failed");
	free(m.s);
	m = (struct membuf){ .fail_after = 1 };
	assert_err(ebpfc_btf_dump_raw(btf, NULL, mb_write, &m), ENOSPC);
	free(m.s);
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.tail[3] = 1;
	m = (struct membuf){ 0 };
	assert_err(ebpfc_btf_dump_c(btf, &big.o, mb_write, &m), EINVAL);
	assert_err(ebpfc_btf_dump_new(btf, NULL, NULL, NULL, &d), EINVAL);
	assert_err(ebpfc_btf_dump_new(NULL, mb_write, NULL, NULL, &d), EINVAL);
	assert_null(d);
	ebpfc_btf_destroy(btf);
}

/*
 * BTF no compiler makes: structs that hold themselves or each other by
 * value, an anonymous struct that points to itself (its spelling never
 * ends). The dumper must stop: with the best C there is, or with an error.
 */
static void test_hostile(void **state)
{
	static char blob[8192] __attribute__((aligned(8)));
	static struct bb b;
	struct ebpfc_btf *btf;
	struct membuf m = { 0 };
	char buf[64];
	size_t n;

	(void)state;
	bb_init(&b);
	bb_int(&b, "int", 4, BTF_INT_SIGNED);			/* 1 */
	bb_comp(&b, BTF_KIND_STRUCT, "selfish", 8, 2);		/* 2 */
	bb_member(&b, "x", 1, 0, 0);
	bb_member(&b, "me", 2, 32, 0);
	bb_comp(&b, BTF_KIND_STRUCT, "a", 4, 1);		/* 3 <-> 4 */
	bb_member(&b, "b", 4, 0, 0);
	bb_comp(&b, BTF_KIND_STRUCT, "b", 4, 1);		/* 4 */
	bb_member(&b, "a", 3, 0, 0);
	n = bb_finish(&b, blob, sizeof(blob));
	assert_ok(ebpfc_btf_open_mem(blob, n, NULL, &btf));
	assert_ok(ebpfc_btf_dump_c(btf, NULL, mb_write, &m));
	assert_non_null(strstr(m.s, "struct selfish {\n\tint x;\n\tstruct selfish me;\n};"));
	free(m.s);
	ebpfc_btf_destroy(btf);

	bb_init(&b);
	bb_int(&b, "int", 4, BTF_INT_SIGNED);			/* 1 */
	bb_comp(&b, BTF_KIND_STRUCT, NULL, 8, 1);		/* 2 */
	bb_member(&b, "p", 3, 0, 0);
	bb_ref(&b, BTF_KIND_PTR, NULL, 2);			/* 3 */
	bb_ref(&b, BTF_KIND_TYPEDEF, "loop", 2);		/* 4 */
	n = bb_finish(&b, blob, sizeof(blob));
	assert_ok(ebpfc_btf_open_mem(blob, n, NULL, &btf));
	m = (struct membuf){ 0 };
	assert_err(ebpfc_btf_dump_c(btf, NULL, mb_write, &m), ELOOP);
	assert_errmsg_contains("nests deeper than");
	free(m.s);
	{
		struct ebpfc_btf_dump *d;

		assert_ok(ebpfc_btf_dump_new(btf, mb_write, &m, NULL, &d));
		assert_true(ebpfc_btf_dump_decl(d, 4, "x", NULL, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, "loop x");
		ebpfc_btf_dump_destroy(d);
	}
	ebpfc_btf_destroy(btf);
}

/* A BPF object's own BTF: what it declares, as C. */
static void test_object_btf(void **state)
{
	const struct ebpfc_btf *btf;
	struct ebpfc_object *obj;
	char *text;

	(void)state;
	assert_ok(ebpfc_object_open_file(EBPFC_TEST_BPF_DIR "/xdp_counter.bpf.o", NULL, &obj));
	assert_ok(ebpfc_object_btf(obj, &btf));
	text = dump_c(btf, NULL);
	assert_non_null(strstr(text, "struct counts {\n\t__u64 packets;\n\t__u64 bytes;\n};\n"));
	assert_non_null(strstr(text, "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)"));
	assert_non_null(strstr(text, "#ifndef __VMLINUX_H__\n"));
	free(text);
	ebpfc_object_destroy(obj);
}

/* ---- kernel BTF -------------------------------------------------------------------- */

static const char core_prog[] =
	"#include \"vmlinux.h\"\n"
	"#include <ebpfc/bpf_helpers.h>\n"
	"#include <ebpfc/bpf_core_read.h>\n"
	"\n"
	"__u32 seen_pid, seen_tgid, seen_ppid;\n"
	"char seen_comm[16];\n"
	"\n"
	"SEC(\"raw_tp/sys_enter\")\n"
	"int core_vmlinux(void *ctx)\n"
	"{\n"
	"\tstruct task_struct *t = (void *)bpf_get_current_task();\n"
	"\n"
	"\tseen_pid = BPF_CORE_READ(t, pid);\n"
	"\tseen_tgid = BPF_CORE_READ(t, tgid);\n"
	"\tseen_ppid = BPF_CORE_READ(t, real_parent, tgid);\n"
	"\tBPF_CORE_READ_STR_INTO(&seen_comm, t, comm);\n"
	"\treturn 0;\n"
	"}\n"
	"\n"
	"char LICENSE[] SEC(\"license\") = \"GPL\";\n";

/* vmlinux.h of btf into dir/vmlinux.h. */
static void write_vmlinux_h(const struct ebpfc_btf *btf, const char *dir)
{
	char path[PATHBUF];
	FILE *f;

	snprintf(path, sizeof(path), "%s/vmlinux.h", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_ok(ebpfc_btf_dump_c(btf, NULL, file_write, f));
	assert_int_equal(fclose(f), 0);
}

/* Does a struct hold a va_list by value? Its size is the compiler's, not the kernel's. */
static bool holds_va_list(const struct ebpfc_btf *btf, uint32_t id, int depth)
{
	const struct btf_type *t;

	if (depth > 16 || ebpfc_btf_type_by_id(btf, id, &t))
		return false;
	switch (ebpfc_btf_kind(t)) {
	case BTF_KIND_TYPEDEF: {
		const char *name = ebpfc_btf_name(btf, t->name_off);

		if (!strcmp(name, "va_list") || !strcmp(name, "__builtin_va_list") ||
		    !strcmp(name, "__gnuc_va_list"))
			return true;
		return holds_va_list(btf, t->type, depth + 1);
	}
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return holds_va_list(btf, t->type, depth + 1);
	case BTF_KIND_ARRAY:
		return holds_va_list(btf, ebpfc_btf_array(t)->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++)
			if (holds_va_list(btf, ebpfc_btf_members(t)[i].type, depth + 1))
				return true;
		return false;
	default:
		return false;
	}
}

/*
 * Static asserts of every named struct's and union's size and of the
 * offset of each named, non-bitfield member, as the BTF has them.
 * Returns the number of types checked.
 */
static size_t write_layout_checks(const struct ebpfc_btf *btf, const char *path)
{
	struct ebpfc_btf_dump *d;
	struct membuf sink = { 0 };
	size_t checked = 0;
	char name[512];
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_ok(ebpfc_btf_dump_new(btf, mb_write, &sink, NULL, &d));
	fputs("#include \"vmlinux.h\"\n#define CHK(c, id) _Static_assert(c, id)\n", f);
	for (uint32_t id = 1; id < ebpfc_btf_type_cnt(btf); id++) {
		const struct btf_type *t;

		assert_ok(ebpfc_btf_type_by_id(btf, id, &t));
		if (!ebpfc_btf_is_composite(t) || !t->name_off || holds_va_list(btf, id, 0))
			continue;
		assert_true(decl(d, id, "", NULL, name, sizeof(name)) < (int)sizeof(name));
		fprintf(f, "CHK(sizeof(%s) == %u, \"[%u]\");\n", name, t->size, id);
		for (uint32_t i = 0; i < ebpfc_btf_vlen(t); i++) {
			struct ebpfc_btf_member_info m;

			assert_ok(ebpfc_btf_member(btf, id, i, &m));
			if (!*m.name || m.bitfield_size)
				continue;
			fprintf(f, "CHK(__builtin_offsetof(%s, %s) == %u, \"[%u] %s\");\n", name,
				m.name, m.bit_offset / 8, id, m.name);
		}
		checked++;
	}
	assert_int_equal(fclose(f), 0);
	ebpfc_btf_dump_destroy(d);
	free(sink.s);
	return checked;
}

/* vmlinux.h of btf compiles with a CO-RE program; the layout of every struct holds. */
static void check_kernel_btf(const struct ebpfc_btf *btf, const char *tag)
{
	char dir[PATHBUF / 2], src[PATHBUF], checks[PATHBUF];
	size_t n;

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, tag);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_vmlinux_h(btf, dir);
	snprintf(src, sizeof(src), "%s/core.bpf.c", dir);
	write_text(src, core_prog);
	run_ok("clang -target bpf on vmlinux.h",
	       "clang -O2 -g -target bpf -Wall -Werror -I%s -I" BPF_INCLUDE
	       " -D__TARGET_ARCH_x86 -c %s -o %s/core.bpf.o", dir, src, dir);
	snprintf(checks, sizeof(checks), "%s/layout.c", dir);
	n = write_layout_checks(btf, checks);
	assert_true(n > 1000);
	run_ok("layout checks", "clang -O2 -target bpf -I%s -c %s -o /dev/null", dir, checks);
	print_message("%s: vmlinux.h compiles with a CO-RE program; %zu struct/union layouts match "
		      "the BTF\n", tag, n);
}

static void test_vmlinux_core(void **state)
{
	char obj_path[PATHBUF];
	struct ebpfc_btf *btf;
	struct ebpfc_object *obj;
	struct ebpfc_prog *prog;
	__u64 args[2] = { 0, 0 };
	__u32 pid, tgid, ppid;
	char comm[16];
	int err;

	(void)state;
	REQUIRE_CMD("clang");
	err = ebpfc_btf_open_file("/sys/kernel/btf/vmlinux", NULL, &btf);
	if (err) {
		print_message("skipped: no kernel BTF: %s\n", ebpfc_errmsg());
		skip();
	}
	check_kernel_btf(btf, "running");
	ebpfc_btf_destroy(btf);

	/* The object built on the generated header loads and relocates right. */
	snprintf(obj_path, sizeof(obj_path), "%s/running/core.bpf.o", tmpdir);
	assert_ok(ebpfc_object_open_file(obj_path, NULL, &obj));
	TU_REQUIRE_PRIVS();
	assert_ok(ebpfc_object_load(obj, NULL));
	assert_ok(ebpfc_object_find_prog(obj, "core_vmlinux", &prog));
	prctl(PR_SET_NAME, "ebpfc-vmlinux-h");
	EBPFC_OPTS(ebpfc_test_run_opts, run, .ctx_in = args, .ctx_size_in = sizeof(args));
	assert_ok(ebpfc_prog_test_run(prog, &run));
	assert_ok(ebpfc_object_global_get(obj, "seen_pid", &pid, 4));
	assert_ok(ebpfc_object_global_get(obj, "seen_tgid", &tgid, 4));
	assert_ok(ebpfc_object_global_get(obj, "seen_ppid", &ppid, 4));
	assert_ok(ebpfc_object_global_get(obj, "seen_comm", comm, sizeof(comm)));
	assert_int_equal(pid, (__u32)syscall(SYS_gettid));
	assert_int_equal(tgid, (__u32)getpid());
	assert_int_equal(ppid, (__u32)getppid());
	assert_string_equal(comm, "ebpfc-vmlinux-h");
	ebpfc_object_destroy(obj);
}

/* Debian 6.1's kernel, as tools/vmtest caches it: its vmlinux has a .BTF section. */
static void test_debian61(void **state)
{
	char cache[PATHBUF / 4], found[PATHBUF] = "", btf_path[PATHBUF];
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct ebpfc_btf *btf;
	struct dirent *e;
	DIR *dir;

	(void)state;
	if (xdg && *xdg)
		snprintf(cache, sizeof(cache), "%s/ebpfc-vmtest/k", xdg);
	else
		snprintf(cache, sizeof(cache), "%s/.cache/ebpfc-vmtest/k", home ? home : "/root");
	dir = opendir(cache);
	while (dir && (e = readdir(dir))) {
		char p[PATHBUF];

		if (strncmp(e->d_name, "6.1.", 4))
			continue;
		snprintf(p, sizeof(p), "%s/%s/vmlinux", cache, e->d_name);
		if (tu_exists(p) && (!*found || strcmp(p, found) > 0))
			snprintf(found, sizeof(found), "%s", p);
	}
	if (dir)
		closedir(dir);
	if (!*found) {
		print_message("skipped: no Debian 6.1 kernel in %s (make vmtest KERNEL=6.1 "
			      "caches one)\n", cache);
		skip();
	}
	REQUIRE_CMD("clang");
	REQUIRE_CMD("llvm-objcopy");
	snprintf(btf_path, sizeof(btf_path), "%s/btf-6.1", tmpdir);
	run_ok("llvm-objcopy", "llvm-objcopy --dump-section .BTF=%s %s /dev/null", btf_path,
	       found);
	assert_ok(ebpfc_btf_open_file(btf_path, NULL, &btf));
	check_kernel_btf(btf, "debian-6.1");
	ebpfc_btf_destroy(btf);
}

/* Byte for byte the same, run after run, for C and raw alike. */
static void test_stable(void **state)
{
	struct membuf a = { 0 }, b = { 0 };
	struct ebpfc_btf *btf;
	int err;

	(void)state;
	err = ebpfc_btf_open_file("/sys/kernel/btf/vmlinux", NULL, &btf);
	if (err) {
		print_message("skipped: no kernel BTF: %s\n", ebpfc_errmsg());
		skip();
	}
	assert_ok(ebpfc_btf_dump_c(btf, NULL, mb_write, &a));
	assert_ok(ebpfc_btf_dump_c(btf, NULL, mb_write, &b));
	assert_true(a.len > 100000);
	assert_int_equal(a.len, b.len);
	assert_int_equal(memcmp(a.s, b.s, a.len), 0);
	a.len = b.len = 0;
	assert_ok(ebpfc_btf_dump_raw(btf, NULL, mb_write, &a));
	assert_ok(ebpfc_btf_dump_raw(btf, NULL, mb_write, &b));
	assert_int_equal(a.len, b.len);
	assert_int_equal(memcmp(a.s, b.s, a.len), 0);
	free(a.s);
	free(b.s);
	ebpfc_btf_destroy(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_text),
		cmocka_unit_test(test_graph_compiles),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_decl),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_object_btf),
		cmocka_unit_test(test_vmlinux_core),
		cmocka_unit_test(test_debian61),
		cmocka_unit_test(test_stable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
