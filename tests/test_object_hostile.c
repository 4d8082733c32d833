/*
 * test_object_hostile.c - the object loader against corrupt and hostile
 * objects, without a kernel: the bytes of objects built from bpf/ are cut
 * at every length and patched (relocation offsets and symbols, the .maps
 * BTF, function symbols, calls, section headers, counts), then opened with
 * ebpfc_object_open_mem(). Each must fail with a negative errno and a
 * useful ebpfc_errmsg() (or open), never crash, leak memory (LSan in the
 * ASan build) or leave an fd open.
 *
 * Two corruptions only show when a program is linked (a call to where no
 * function starts, a function pointer cut in half): those tests call
 * ebpfc__obj_link_prog() through src/object_int.h, with placeholder map
 * fds, so they need no kernel either.
 *
 * ELF structures are found by parsing the headers here with <elf.h> types
 * (plain offset arithmetic, no library code), so a library bug cannot hide
 * its own test input.
 */
#include "testutil.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/btf.h>

#include "object_int.h"

#ifndef EBPFC_TEST_BPF_DIR
#error "EBPFC_TEST_BPF_DIR must name the directory of the built BPF objects"
#endif

/* ---- ELF helpers: find things in a copy of an object's bytes -------------------------- */

struct img {
	unsigned char *b;
	size_t n;
};

static struct img img_load(const char *name)
{
	char path[512];
	struct img im;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", EBPFC_TEST_BPF_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > (long)sizeof(Elf64_Ehdr));
	rewind(f);
	im.b = malloc(n);
	assert_non_null(im.b);
	assert_int_equal(fread(im.b, 1, n, f), (size_t)n);
	fclose(f);
	im.n = n;
	return im;
}

static Elf64_Ehdr *ehdr(struct img *im)
{
	return (Elf64_Ehdr *)im->b;
}

static Elf64_Shdr *shdr(struct img *im, size_t idx)
{
	Elf64_Ehdr *e = ehdr(im);

	assert_true(idx < e->e_shnum);
	assert_true(e->e_shoff + (idx + 1) * sizeof(Elf64_Shdr) <= im->n);
	return (Elf64_Shdr *)(im->b + e->e_shoff + idx * sizeof(Elf64_Shdr));
}

static const char *sec_name(struct img *im, size_t idx)
{
	return (const char *)im->b + shdr(im, ehdr(im)->e_shstrndx)->sh_offset +
	       shdr(im, idx)->sh_name;
}

static size_t sec_idx(struct img *im, const char *name)
{
	size_t i;

	for (i = 1; i < ehdr(im)->e_shnum; i++)
		if (!strcmp(sec_name(im, i), name))
			return i;
	fail_msg("no section %s", name);
	return 0;
}

static size_t symtab_idx(struct img *im)
{
	size_t i;

	for (i = 1; i < ehdr(im)->e_shnum; i++)
		if (shdr(im, i)->sh_type == SHT_SYMTAB)
			return i;
	fail_msg("no symbol table");
	return 0;
}

static Elf64_Sym *sym_at(struct img *im, size_t idx)
{
	Elf64_Shdr *st = shdr(im, symtab_idx(im));

	assert_true((idx + 1) * sizeof(Elf64_Sym) <= st->sh_size);
	return (Elf64_Sym *)(im->b + st->sh_offset) + idx;
}

static size_t sym_idx(struct img *im, const char *name)
{
	Elf64_Shdr *st = shdr(im, symtab_idx(im));
	const char *strs = (const char *)im->b + shdr(im, st->sh_link)->sh_offset;
	size_t i, n = st->sh_size / sizeof(Elf64_Sym);

	for (i = 1; i < n; i++) {
		Elf64_Sym *s = sym_at(im, i);

		if (!strcmp(strs + s->st_name, name))
			return i;
		/* Section symbols are named after their section. */
		if (ELF64_ST_TYPE(s->st_info) == STT_SECTION && !s->st_name &&
		    s->st_shndx < ehdr(im)->e_shnum && !strcmp(sec_name(im, s->st_shndx), name))
			return i;
	}
	fail_msg("no symbol %s", name);
	return 0;
}

static Elf64_Sym *sym(struct img *im, const char *name)
{
	return sym_at(im, sym_idx(im, name));
}

/* The relocation in section `relsec` whose symbol is `symname` (nth match from 0). */
static Elf64_Rel *rel_for(struct img *im, const char *relsec, const char *symname, int nth)
{
	Elf64_Shdr *rs = shdr(im, sec_idx(im, relsec));
	size_t i, n = rs->sh_size / sizeof(Elf64_Rel), want = sym_idx(im, symname);

	for (i = 0; i < n; i++) {
		Elf64_Rel *r = (Elf64_Rel *)(im->b + rs->sh_offset) + i;

		if (ELF64_R_SYM(r->r_info) == want && nth-- == 0)
			return r;
	}
	fail_msg("no relocation of %s in %s", symname, relsec);
	return NULL;
}

static void rel_set_sym(Elf64_Rel *r, size_t symidx)
{
	r->r_info = ELF64_R_INFO(symidx, ELF64_R_TYPE(r->r_info));
}

static struct bpf_insn *insn_at(struct img *im, const char *sec, size_t idx)
{
	Elf64_Shdr *s = shdr(im, sec_idx(im, sec));

	assert_true((idx + 1) * 8 <= s->sh_size);
	return (struct bpf_insn *)(im->b + s->sh_offset) + idx;
}

/* ---- BTF helpers ------------------------------------------------------------------------ */

static size_t btf_type_extra(const struct btf_type *t)
{
	__u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case 17: /* DECL_TAG */
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case 19: /* ENUM64 */
		return vlen * 12;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return vlen * 8;
	default:
		return 0;
	}
}

struct btf_view {
	struct btf_header *h;
	unsigned char *types;
	const char *strs;
};

static struct btf_view btf_view(struct img *im)
{
	Elf64_Shdr *s = shdr(im, sec_idx(im, ".BTF"));
	struct btf_view v;

	v.h = (struct btf_header *)(im->b + s->sh_offset);
	assert_int_equal(v.h->magic, 0xeb9f);
	v.types = (unsigned char *)v.h + v.h->hdr_len + v.h->type_off;
	v.strs = (const char *)v.h + v.h->hdr_len + v.h->str_off;
	return v;
}

/* The member `member` of the first struct that has members `member` and `also`. */
static struct btf_member *btf_map_member(struct img *im, const char *member, const char *also)
{
	struct btf_view v = btf_view(im);
	size_t off = 0;

	while (off < v.h->type_len) {
		struct btf_type *t = (struct btf_type *)(v.types + off);
		struct btf_member *m = (struct btf_member *)(t + 1), *found = NULL;
		bool other = false;
		__u32 i;

		if (BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT) {
			for (i = 0; i < BTF_INFO_VLEN(t->info); i++) {
				if (!strcmp(v.strs + m[i].name_off, member))
					found = &m[i];
				if (!strcmp(v.strs + m[i].name_off, also))
					other = true;
			}
			if (found && other)
				return found;
		}
		off += sizeof(*t) + btf_type_extra(t);
	}
	fail_msg("no map definition with '%s' and '%s' in .BTF", member, also);
	return NULL;
}

/* The id of the first BTF type of `kind`. */
static __u32 btf_first_of_kind(struct img *im, unsigned int kind)
{
	struct btf_view v = btf_view(im);
	size_t off = 0;
	__u32 id = 1;

	while (off < v.h->type_len) {
		struct btf_type *t = (struct btf_type *)(v.types + off);

		if (BTF_INFO_KIND(t->info) == kind)
			return id;
		off += sizeof(*t) + btf_type_extra(t);
		id++;
	}
	fail_msg("no BTF type of kind %u", kind);
	return 0;
}

/* ---- expectations ----------------------------------------------------------------------- */

/* Open must fail with -err and a message containing each of the substrings. */
static void expect_open_fails(struct img *im, int err, const char *sub1, const char *sub2)
{
	struct ebpfc_object *obj = (struct ebpfc_object *)1;
	int before = tu_count_fds();
	int ret = ebpfc_object_open_mem(im->b, im->n, NULL, &obj);

	if (ret == 0) {
		ebpfc_object_destroy(obj);
		fail_msg("a corrupt object opened; expected -%d with \"%s\"", err, sub1);
	}
	if (ret != -err)
		fail_msg("open returned %d, expected %d; ebpfc_errmsg(): %s", ret, -err,
			 ebpfc_errmsg());
	assert_null(obj);
	assert_errmsg_contains(sub1);
	if (sub2)
		assert_errmsg_contains(sub2);
	assert_int_equal(tu_count_fds(), before);
	free(im->b);
	im->b = NULL;
}

static struct ebpfc_object *open_ok(struct img *im)
{
	struct ebpfc_object *obj = NULL;

	assert_ok(ebpfc_object_open_mem(im->b, im->n, NULL, &obj));
	assert_non_null(obj);
	return obj;
}

/*
 * Link one program without a kernel: map fds are placeholders (never
 * opened, never closed: put back to -1 before the object is destroyed).
 */
static int link_prog(struct ebpfc_object *obj, const char *prog, struct ebpfc__linked *l)
{
	struct ebpfc_prog *p = NULL;
	size_t i;
	int err;

	assert_ok(ebpfc_object_find_prog(obj, prog, &p));
	for (i = 0; i < obj->map_cnt; i++)
		obj->maps[i]->m.fd = 1000 + (int)i;
	memset(l, 0, sizeof(*l));
	err = ebpfc__obj_link_prog(obj, ebpfc__obj_prog(p), l);
	for (i = 0; i < obj->map_cnt; i++)
		obj->maps[i]->m.fd = -1;
	return err;
}

/* ---- truncation ----------------------------------------------------------------------------- */

static void truncate_every_length(const char *name)
{
	struct img im = img_load(name);
	int before = tu_count_fds();
	size_t len, opened = 0;

	for (len = 0; len < im.n; len++) {
		struct ebpfc_object *obj = (struct ebpfc_object *)1;
		/* An exact-size heap copy, so ASan sees any read past the end. */
		unsigned char *cut = malloc(len ? len : 1);
		int err;

		assert_non_null(cut);
		memcpy(cut, im.b, len);
		err = ebpfc_object_open_mem(cut, len, NULL, &obj);
		if (err == 0) {
			opened++;
			ebpfc_object_destroy(obj);
		} else {
			if (err >= 0 || err < -4095)
				fail_msg("%s cut at %zu: open returned %d", name, len, err);
			assert_null(obj);
			if (!ebpfc_errmsg()[0])
				fail_msg("%s cut at %zu: failed (%d) without a message", name, len,
					 err);
		}
		free(cut);
	}
	/* The section headers are at the end: no proper prefix is a whole object. */
	assert_int_equal(opened, 0);
	assert_int_equal(tu_count_fds(), before);
	free(im.b);
}

static void test_truncated_xdp_counter_at_every_length(void **state)
{
	(void)state;
	truncate_every_length("xdp_counter.bpf.o");
}

static void test_truncated_subprogs_at_every_length(void **state)
{
	(void)state;
	truncate_every_length("test_subprogs.bpf.o");
}

static void test_truncated_mapinmap_at_every_length(void **state)
{
	(void)state;
	truncate_every_length("test_mapinmap.bpf.o");
}

static void test_untouched_objects_open(void **state)
{
	static const char *const names[] = { "xdp_counter.bpf.o", "test_subprogs.bpf.o",
					     "test_mapinmap.bpf.o", "test_tailcall.bpf.o",
					     "test_legacy.bpf.o", "test_globals.bpf.o" };
	size_t i;

	(void)state;
	/* The base of every corruption below opens as it is. */
	for (i = 0; i < TU_ARRAY_SIZE(names); i++) {
		struct img im = img_load(names[i]);

		ebpfc_object_destroy(open_ok(&im));
		free(im.b);
	}
}

/* ---- relocations -------------------------------------------------------------------------- */

static void test_reloc_offset_past_section(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	rel_for(&im, ".relxdp", "loop_n", 0)->r_offset = shdr(&im, sec_idx(&im, "xdp"))->sh_size;
	expect_open_fails(&im, EINVAL, "r_offset", NULL);

	im = img_load("test_subprogs.bpf.o");
	rel_for(&im, ".relxdp", "loop_n", 0)->r_offset = ~0ULL - 7;
	expect_open_fails(&im, EINVAL, "r_offset", NULL);
}

static void test_reloc_offset_not_on_instruction(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	rel_for(&im, ".relxdp", "loop_n", 0)->r_offset += 4;
	expect_open_fails(&im, EINVAL, "not on an instruction", "xdp");
}

static void test_reloc_of_variable_at_non_ld_imm64(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	Elf64_Rel *r;

	(void)state;
	/* sub_loop's first instruction is r1 = 0, not an ld_imm64. */
	r = rel_for(&im, ".relxdp", "loop_n", 0);
	r->r_offset = sym(&im, "sub_loop")->st_value;
	expect_open_fails(&im, EINVAL, "not an ld_imm64", "loop_n");

	/* The same with a map symbol. */
	im = img_load("test_subprogs.bpf.o");
	r = rel_for(&im, ".relxdp", "each_map", 0);
	r->r_offset = sym(&im, "sub_each")->st_value;
	expect_open_fails(&im, EINVAL, "not an ld_imm64", "each_map");
}

static void test_reloc_symbol_in_non_map_section(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	rel_set_sym(rel_for(&im, ".relxdp", "loop_n", 0), sym_idx(&im, "_license"));
	expect_open_fails(&im, EINVAL, "neither a map nor global data", "license");
}

/* The section symbol of section `name`, or 0 when clang emitted none. */
static size_t section_sym_idx(struct img *im, const char *name)
{
	Elf64_Shdr *st = shdr(im, symtab_idx(im));
	size_t i, n = st->sh_size / sizeof(Elf64_Sym), sec = sec_idx(im, name);

	for (i = 1; i < n; i++)
		if (ELF64_ST_TYPE(sym_at(im, i)->st_info) == STT_SECTION &&
		    sym_at(im, i)->st_shndx == sec)
			return i;
	return 0;
}

static void test_reloc_map_symbol_outside_every_map(void **state)
{
	struct img im = img_load("test_mapinmap.bpf.o");
	size_t maps_sym = section_sym_idx(&im, ".maps");

	(void)state;
	if (!maps_sym) {
		/* Make one: turn the FILE symbol into a section symbol of .maps. */
		maps_sym = 1;
		sym_at(&im, 1)->st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION);
		sym_at(&im, 1)->st_shndx = (Elf64_Section)sec_idx(&im, ".maps");
		sym_at(&im, 1)->st_value = 0;
		sym_at(&im, 1)->st_size = 0;
	}
	/*
	 * inner_a (offset 0, 32 bytes) shrinks to its first 8 bytes; the code
	 * reference to outer_arr is redirected to offset 8 of .maps (inside
	 * no definition now) through the section symbol and the ld_imm64's imm.
	 */
	sym(&im, "inner_a")->st_size = 8;
	{
		Elf64_Rel *r = rel_for(&im, ".relxdp", "outer_arr", 0);

		rel_set_sym(r, maps_sym);
		sym_at(&im, maps_sym)->st_value = 8;
	}
	{
		struct ebpfc_object *obj = (struct ebpfc_object *)1;
		int err = ebpfc_object_open_mem(im.b, im.n, NULL, &obj);

		assert_err(err, EINVAL);
		assert_null(obj);
		assert_errmsg_contains("not a map definition");
	}
	free(im.b);
}

static void test_reloc_code_symbol_on_plain_instruction(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	Elf64_Rel *r;

	(void)state;
	r = rel_for(&im, ".relxdp", "loop_n", 0);
	r->r_offset = sym(&im, "sub_loop")->st_value; /* r1 = 0 */
	rel_set_sym(r, sym_idx(&im, "mul3"));
	expect_open_fails(&im, EINVAL, "neither a call nor an ld_imm64", "mul3");
}

static void test_reloc_symbol_index_out_of_range(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	rel_set_sym(rel_for(&im, ".relxdp", "loop_n", 0), 0xffffff);
	expect_open_fails(&im, EINVAL, "symbol", NULL);
}

static void test_call_past_end_of_section(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	struct bpf_insn *call;

	(void)state;
	/* sub_main's first call (add2, through the .text section symbol). */
	call = insn_at(&im, "xdp", rel_for(&im, ".relxdp", ".text", 0)->r_offset / 8);
	assert_int_equal(call->code, BPF_JMP | BPF_CALL);
	assert_int_equal(call->src_reg, BPF_PSEUDO_CALL);
	call->imm = 100000;
	expect_open_fails(&im, EINVAL, "past the end", ".text");

	im = img_load("test_subprogs.bpf.o");
	call = insn_at(&im, "xdp", rel_for(&im, ".relxdp", ".text", 0)->r_offset / 8);
	call->imm = -100;
	expect_open_fails(&im, EINVAL, "past the end", ".text");
}

static void test_function_pointer_past_end_of_section(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	struct bpf_insn *ld;

	(void)state;
	/* sub_loop's `r2 = loop_cb ll`: the second .text relocation of an ld_imm64. */
	ld = insn_at(&im, "xdp", rel_for(&im, ".relxdp", ".text", 4)->r_offset / 8);
	assert_int_equal(ld->code, BPF_LD | BPF_IMM | BPF_DW);
	ld->imm = 0x7ffffff8;
	expect_open_fails(&im, EINVAL, "past the end", ".text");
}

static void test_call_to_where_no_function_starts_fails_link(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	struct ebpfc_object *obj;
	struct ebpfc__linked l;
	struct bpf_insn *call;
	int before = tu_count_fds();

	(void)state;
	/* A relocated call into the middle of add2 (.text 3..5). */
	call = insn_at(&im, "xdp", rel_for(&im, ".relxdp", ".text", 0)->r_offset / 8);
	assert_int_equal(call->imm, 2);
	call->imm = 3;
	obj = open_ok(&im);
	assert_err(link_prog(obj, "sub_main", &l), EINVAL);
	assert_errmsg_contains("sub_main");
	assert_errmsg_contains("where no function starts");
	assert_errmsg_contains(".text");
	assert_null(l.insns);
	/* A program that does not reach it still links. */
	assert_ok(link_prog(obj, "sub_each", &l));
	assert_non_null(l.insns);
	ebpfc__linked_free(&l);
	ebpfc_object_destroy(obj);
	free(im.b);

	/* An unrelocated call (own_sec, same section) into the middle of own_sec. */
	im = img_load("test_subprogs.bpf.o");
	{
		size_t main_start = sym(&im, "sub_main")->st_value / 8;
		size_t main_cnt = sym(&im, "sub_main")->st_size / 8;
		size_t own = sym(&im, "own_sec")->st_value / 8, i;

		for (i = main_start; i < main_start + main_cnt; i++) {
			call = insn_at(&im, "xdp", i);
			if (call->code == (BPF_JMP | BPF_CALL) && call->src_reg == BPF_PSEUDO_CALL &&
			    i + call->imm + 1 == own)
				break;
		}
		assert_true(i < main_start + main_cnt);
		call->imm += 1;
	}
	obj = open_ok(&im);
	assert_err(link_prog(obj, "sub_main", &l), EINVAL);
	assert_errmsg_contains("where no function starts");
	ebpfc_object_destroy(obj);
	free(im.b);
	assert_int_equal(tu_count_fds(), before);
}

static void test_function_pointer_cut_in_half_fails_link(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	struct ebpfc_object *obj;
	struct ebpfc__linked l;
	Elf64_Sym *loop = sym(&im, "sub_loop");
	Elf64_Rel *r = rel_for(&im, ".relxdp", ".text", 4);
	size_t ld = r->r_offset / 8;

	(void)state;
	/*
	 * sub_loop's `r2 = loop_cb ll` made the last instruction slot of
	 * sub_loop (its symbol shrunk) and pointing at sub_loop itself, so
	 * that sub_loop is the only function placed: the second half of the
	 * ld_imm64 lies past the linked program.
	 */
	assert_int_equal(insn_at(&im, "xdp", ld)->code, BPF_LD | BPF_IMM | BPF_DW);
	loop->st_size = (ld + 1) * 8 - loop->st_value;
	rel_set_sym(r, sym_idx(&im, "sub_loop"));
	insn_at(&im, "xdp", ld)->imm = 0;
	obj = open_ok(&im);
	assert_err(link_prog(obj, "sub_loop", &l), EINVAL);
	assert_errmsg_contains("sub_loop");
	assert_errmsg_contains("cut in half");
	ebpfc_object_destroy(obj);
	free(im.b);
}

/* ---- function symbols ------------------------------------------------------------------------- */

static void test_function_size_not_multiple_of_8(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	sym(&im, "sub_main")->st_size -= 4;
	expect_open_fails(&im, EINVAL, "sub_main", "not aligned to instructions");

	im = img_load("test_subprogs.bpf.o");
	sym(&im, "add2")->st_value += 2;
	expect_open_fails(&im, EINVAL, "add2", "not aligned to instructions");

	im = img_load("test_subprogs.bpf.o");
	sym(&im, "depth1")->st_size = 0;
	expect_open_fails(&im, EINVAL, "depth1", NULL);
}

static void test_overlapping_function_symbols(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	/* sub_main grows one instruction into own_sec. */
	assert_int_equal(sym(&im, "sub_main")->st_value + sym(&im, "sub_main")->st_size,
			 sym(&im, "own_sec")->st_value);
	sym(&im, "sub_main")->st_size += 8;
	expect_open_fails(&im, EINVAL, "overlap", "sub_main");

	/* Two functions at the same place. */
	im = img_load("test_subprogs.bpf.o");
	sym(&im, "depth1")->st_value = sym(&im, "depth2")->st_value;
	expect_open_fails(&im, EINVAL, "overlap", ".text");
}

static void test_function_symbol_past_its_section(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	sym(&im, "sub_each")->st_size += 8;
	expect_open_fails(&im, EINVAL, "sub_each", NULL);
}

/* ---- .maps BTF ------------------------------------------------------------------------------- */

static void test_btf_map_type_not_pointer_to_array(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	btf_map_member(&im, "type", "max_entries")->type = btf_first_of_kind(&im, BTF_KIND_INT);
	expect_open_fails(&im, EINVAL, "each_map", "'type' must be __uint(type, N)");

	/* A pointer, but to a struct, not an array. */
	im = img_load("test_subprogs.bpf.o");
	btf_map_member(&im, "max_entries", "type")->type = btf_first_of_kind(&im, BTF_KIND_STRUCT);
	expect_open_fails(&im, EINVAL, "each_map", "max_entries");
}

static void test_btf_map_key_not_a_pointer(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	btf_map_member(&im, "key", "max_entries")->type = btf_first_of_kind(&im, BTF_KIND_INT);
	expect_open_fails(&im, EINVAL, "each_map", "'key' must be __type(key, T)");
}

static void test_btf_map_member_type_out_of_range(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	struct ebpfc_object *obj = NULL;
	int err;

	(void)state;
	btf_map_member(&im, "value", "max_entries")->type = 0x7fffffff;
	/* The BTF reader may refuse it at open, or the map parser: either way cleanly. */
	err = ebpfc_object_open_mem(im.b, im.n, NULL, &obj);
	assert_true(err < 0);
	assert_null(obj);
	assert_true(ebpfc_errmsg()[0] != '\0');
	free(im.b);
}

static void test_btf_map_of_maps_values_not_array(void **state)
{
	struct img im = img_load("test_mapinmap.bpf.o");

	(void)state;
	btf_map_member(&im, "values", "max_entries")->type = btf_first_of_kind(&im, BTF_KIND_INT);
	expect_open_fails(&im, EINVAL, "outer_arr", "'values' must be an array of pointers");
}

/* ---- initial slots (.rel.maps) ------------------------------------------------------------ */

static void test_map_slot_not_on_a_values_slot(void **state)
{
	struct img im = img_load("test_mapinmap.bpf.o");

	(void)state;
	rel_for(&im, ".rel.maps", "inner_a", 0)->r_offset += 4;
	expect_open_fails(&im, EINVAL, "outer_arr", "not a 'values' slot");
}

static void test_map_slot_on_a_plain_map(void **state)
{
	struct img im = img_load("test_mapinmap.bpf.o");

	(void)state;
	/* An initial value inside inner_b's definition: inner_b is a plain array. */
	rel_for(&im, ".rel.maps", "inner_a", 0)->r_offset = sym(&im, "inner_b")->st_value;
	expect_open_fails(&im, EINVAL, "inner_b", "prog arrays and maps of maps");
}

static void test_map_slot_outside_every_map(void **state)
{
	struct img im = img_load("test_mapinmap.bpf.o");

	(void)state;
	rel_for(&im, ".rel.maps", "inner_a", 0)->r_offset = shdr(&im, sec_idx(&im, ".maps"))->sh_size - 8;
	/* The last 8 bytes belong to outer_hash's slot 3: fine; past it is not. */
	{
		struct ebpfc_object *obj = open_ok(&im);

		ebpfc_object_destroy(obj);
	}
	rel_for(&im, ".rel.maps", "inner_a", 0)->r_offset = shdr(&im, sec_idx(&im, ".maps"))->sh_size;
	expect_open_fails(&im, EINVAL, "r_offset", NULL);
}

static void test_map_slot_names_a_non_map(void **state)
{
	struct img im = img_load("test_mapinmap.bpf.o");

	(void)state;
	rel_set_sym(rel_for(&im, ".rel.maps", "inner_a", 0), sym_idx(&im, "mim_lookup"));
	expect_open_fails(&im, EINVAL, "outer_arr", "not a map");
}

static void test_prog_array_slot_names_a_non_program(void **state)
{
	struct img im = img_load("test_tailcall.bpf.o");

	(void)state;
	rel_set_sym(rel_for(&im, ".rel.maps", "tail_b", 0), sym_idx(&im, "jmp"));
	expect_open_fails(&im, EINVAL, "jmp", "not a program");

	/* A function symbol moved off any function start. */
	im = img_load("test_tailcall.bpf.o");
	sym(&im, "tail_c")->st_value += 8;
	sym(&im, "tail_c")->st_size -= 8;
	{
		struct ebpfc_object *obj = NULL;
		int err = ebpfc_object_open_mem(im.b, im.n, NULL, &obj);

		/* tail_c still starts a function (its new start): it opens. */
		assert_ok(err);
		ebpfc_object_destroy(obj);
	}
	free(im.b);
}

/* ---- legacy maps ------------------------------------------------------------------------------ */

static void test_legacy_maps_section_without_data(void **state)
{
	struct img im = img_load("test_legacy.bpf.o");

	(void)state;
	shdr(&im, sec_idx(&im, "maps"))->sh_type = SHT_NOBITS;
	expect_open_fails(&im, EINVAL, "maps", NULL);
}

static void test_legacy_map_symbol_off_boundary(void **state)
{
	struct img im = img_load("test_legacy.bpf.o");

	(void)state;
	sym(&im, "legacy_hash")->st_value -= 4;
	expect_open_fails(&im, EINVAL, "legacy_hash", "boundary");
}

static void test_legacy_maps_extra_symbol_breaks_layout(void **state)
{
	struct img im = img_load("test_legacy.bpf.o");

	(void)state;
	/* Three symbols in a 40-byte section: definitions would be 13.3 bytes. */
	sym(&im, "_license")->st_shndx = (Elf64_Section)sec_idx(&im, "maps");
	sym(&im, "_license")->st_value = 0;
	expect_open_fails(&im, EINVAL, "'maps' section of 40 bytes", NULL);
}

static void test_legacy_map_with_nonzero_unknown_fields(void **state)
{
	struct img im = img_load("test_legacy.bpf.o");
	Elf64_Shdr *maps;

	(void)state;
	/*
	 * One symbol over the whole 40-byte section: a 40-byte definition
	 * whose bytes past map_flags (legacy_hash's) are not zero.
	 */
	maps = shdr(&im, sec_idx(&im, "maps"));
	assert_int_equal(maps->sh_size, 40);
	sym(&im, "legacy_counts")->st_size = 40;
	sym(&im, "legacy_hash")->st_shndx = (Elf64_Section)sec_idx(&im, "license");
	sym(&im, "legacy_hash")->st_value = 0;
	sym(&im, "legacy_hash")->st_size = 0;
	expect_open_fails(&im, EINVAL, "legacy_counts", "past map_flags");
}

/* ---- headers and counts ------------------------------------------------------------------------ */

static void test_huge_section_count(void **state)
{
	struct img im = img_load("xdp_counter.bpf.o");

	(void)state;
	ehdr(&im)->e_shnum = 0xfff0;
	expect_open_fails(&im, EINVAL, "", NULL);

	im = img_load("xdp_counter.bpf.o");
	ehdr(&im)->e_shoff = ~0ULL - 100;
	expect_open_fails(&im, EINVAL, "", NULL);
}

static void test_huge_relocation_and_symbol_counts(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	shdr(&im, sec_idx(&im, ".relxdp"))->sh_size = 1ULL << 40;
	expect_open_fails(&im, EINVAL, ".relxdp", NULL);

	im = img_load("test_subprogs.bpf.o");
	shdr(&im, symtab_idx(&im))->sh_size = (1ULL << 40) * sizeof(Elf64_Sym);
	expect_open_fails(&im, EINVAL, "", NULL);

	im = img_load("test_subprogs.bpf.o");
	shdr(&im, sec_idx(&im, "xdp"))->sh_size = ~0ULL & ~7ULL;
	expect_open_fails(&im, EINVAL, "xdp", NULL);
}

static void test_huge_btf_lengths(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");
	struct btf_view v;

	(void)state;
	v = btf_view(&im);
	v.h->type_len = 0xfffffff0;
	expect_open_fails(&im, EINVAL, ".BTF", NULL);

	im = img_load("test_subprogs.bpf.o");
	v = btf_view(&im);
	/* A struct claiming 65535 members. */
	{
		size_t off = 0;

		while (off < v.h->type_len) {
			struct btf_type *t = (struct btf_type *)(v.types + off);

			if (BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT) {
				t->info = ((__u32)BTF_KIND_STRUCT << 24) | 0xffff;
				break;
			}
			off += sizeof(*t) + btf_type_extra(t);
		}
		assert_true(off < v.h->type_len);
	}
	expect_open_fails(&im, EINVAL, ".BTF", NULL);
}

static void test_code_section_not_whole_instructions(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	shdr(&im, sec_idx(&im, "subprog_sec"))->sh_size -= 4;
	/* The symbol custom_sec_fn now sticks out of its section, or the section is cut. */
	{
		struct ebpfc_object *obj = (struct ebpfc_object *)1;
		int err = ebpfc_object_open_mem(im.b, im.n, NULL, &obj);

		assert_true(err < 0);
		assert_null(obj);
		assert_true(ebpfc_errmsg()[0] != '\0');
	}
	free(im.b);
}

/* Move section `name`'s bytes to the end of the file, at an offset of `mis` mod 8. */
static void move_section_misaligned(struct img *im, const char *name, unsigned int mis)
{
	size_t idx = sec_idx(im, name), at;
	Elf64_Shdr *s = shdr(im, idx);
	size_t size = s->sh_size, from = s->sh_offset;

	at = (im->n + 7) / 8 * 8 + mis;
	im->b = realloc(im->b, at + size);
	assert_non_null(im->b);
	memset(im->b + im->n, 0, at - im->n);
	memcpy(im->b + at, im->b + from, size);
	im->n = at + size;
	s = shdr(im, idx);
	s->sh_offset = at;
	s->sh_addralign = mis % 2 ? 1 : mis % 4 ? 2 : 4;
}

static void test_code_section_not_8_byte_aligned(void **state)
{
	struct img im = img_load("test_subprogs.bpf.o");

	(void)state;
	/* Instructions are read in place: a misaligned section is refused, not read. */
	move_section_misaligned(&im, "xdp", 1);
	expect_open_fails(&im, EINVAL, "xdp", "8-byte instruction boundary");

	im = img_load("test_subprogs.bpf.o");
	move_section_misaligned(&im, "xdp", 4);
	expect_open_fails(&im, EINVAL, "xdp", "8-byte instruction boundary");

	/* The same move, aligned, opens: it is the alignment that is refused. */
	im = img_load("test_subprogs.bpf.o");
	move_section_misaligned(&im, "xdp", 8);
	shdr(&im, sec_idx(&im, "xdp"))->sh_addralign = 8;
	ebpfc_object_destroy(open_ok(&im));
	free(im.b);
}

/* ---- out of memory in open --------------------------------------------------------------- */

/*
 * strdup() with a failure on demand: this definition interposes on libc's
 * for the library linked into this test. fail_strdup_at < 0: never fail;
 * otherwise the call with that number (from 0) returns NULL.
 */
static long strdup_calls, fail_strdup_at = -1;

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (fail_strdup_at >= 0 && strdup_calls++ == fail_strdup_at) {
		errno = ENOMEM;
		return NULL;
	}
	d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

static void test_strdup_failure_at_every_point_of_open(void **state)
{
	char path[512];
	EBPFC_OPTS(ebpfc_object_open_opts, oo, .pin_root = "/sys/fs/bpf/x",
		   .btf_path = "/sys/kernel/btf/vmlinux", .object_name = "oom");
	long total, k;
	int before, fd0_open;

	(void)state;
	snprintf(path, sizeof(path), "%s/test_tailcall.bpf.o", EBPFC_TEST_BPF_DIR);
	/* fd 0 must be open, so that closing it by mistake shows. */
	fd0_open = fcntl(0, F_GETFD) != -1;
	if (!fd0_open)
		assert_int_equal(open("/dev/null", O_RDONLY), 0);
	before = tu_count_fds();

	/* Count the strdup() calls of one successful open. */
	{
		struct ebpfc_object *obj = NULL;

		strdup_calls = 0;
		fail_strdup_at = 1L << 40;
		assert_ok(ebpfc_object_open_file(path, &oo, &obj));
		total = strdup_calls;
		fail_strdup_at = -1;
		ebpfc_object_destroy(obj);
	}
	assert_true(total >= 6); /* name, path, pin root, BTF path, programs, maps */
	for (k = 0; k < total; k++) {
		struct ebpfc_object *obj = (struct ebpfc_object *)1;
		int err;

		strdup_calls = 0;
		fail_strdup_at = k;
		err = ebpfc_object_open_file(path, &oo, &obj);
		fail_strdup_at = -1;
		if (err != -ENOMEM)
			fail_msg("strdup #%ld failing: open returned %d: %s", k, err, ebpfc_errmsg());
		assert_null(obj);
		assert_errmsg_contains("out of memory");
		if (fcntl(0, F_GETFD) == -1)
			fail_msg("strdup #%ld failing: the failed open closed fd 0", k);
		assert_int_equal(tu_count_fds(), before);
	}
	if (!fd0_open)
		close(0);
}

/* ---- many corruptions, one fd count ------------------------------------------------------------- */

static void test_random_byte_flips_fail_cleanly(void **state)
{
	static const char *const names[] = { "xdp_counter.bpf.o", "test_subprogs.bpf.o",
					     "test_mapinmap.bpf.o", "test_tailcall.bpf.o" };
	int before = tu_count_fds();
	unsigned int seed = 12345;
	size_t f, i;

	(void)state;
	for (f = 0; f < TU_ARRAY_SIZE(names); f++) {
		struct img base = img_load(names[f]);

		for (i = 0; i < 2000; i++) {
			unsigned char *b = malloc(base.n);
			struct ebpfc_object *obj = NULL;
			int k, err;

			assert_non_null(b);
			memcpy(b, base.b, base.n);
			for (k = 0; k < 4; k++) {
				seed = seed * 1103515245u + 12345u;
				b[(seed >> 8) % base.n] ^= (unsigned char)(1u << ((seed >> 4) & 7));
			}
			err = ebpfc_object_open_mem(b, base.n, NULL, &obj);
			if (err) {
				assert_true(err < 0);
				assert_null(obj);
				if (!ebpfc_errmsg()[0])
					fail_msg("%s flip #%zu: %d without a message", names[f], i, err);
			} else {
				size_t p;

				for (p = 0; p < ebpfc_object_prog_count(obj); p++)
					(void)ebpfc_prog_insn_count(ebpfc_object_prog_at(obj, p));
				ebpfc_object_destroy(obj);
			}
			free(b);
		}
		free(base.b);
	}
	assert_int_equal(tu_count_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untouched_objects_open),
		cmocka_unit_test(test_truncated_xdp_counter_at_every_length),
		cmocka_unit_test(test_truncated_subprogs_at_every_length),
		cmocka_unit_test(test_truncated_mapinmap_at_every_length),
		cmocka_unit_test(test_reloc_offset_past_section),
		cmocka_unit_test(test_reloc_offset_not_on_instruction),
		cmocka_unit_test(test_reloc_of_variable_at_non_ld_imm64),
		cmocka_unit_test(test_reloc_symbol_in_non_map_section),
		cmocka_unit_test(test_reloc_map_symbol_outside_every_map),
		cmocka_unit_test(test_reloc_code_symbol_on_plain_instruction),
		cmocka_unit_test(test_reloc_symbol_index_out_of_range),
		cmocka_unit_test(test_call_past_end_of_section),
		cmocka_unit_test(test_function_pointer_past_end_of_section),
		cmocka_unit_test(test_call_to_where_no_function_starts_fails_link),
		cmocka_unit_test(test_function_pointer_cut_in_half_fails_link),
		cmocka_unit_test(test_function_size_not_multiple_of_8),
		cmocka_unit_test(test_overlapping_function_symbols),
		cmocka_unit_test(test_function_symbol_past_its_section),
		cmocka_unit_test(test_btf_map_type_not_pointer_to_array),
		cmocka_unit_test(test_btf_map_key_not_a_pointer),
		cmocka_unit_test(test_btf_map_member_type_out_of_range),
		cmocka_unit_test(test_btf_map_of_maps_values_not_array),
		cmocka_unit_test(test_map_slot_not_on_a_values_slot),
		cmocka_unit_test(test_map_slot_on_a_plain_map),
		cmocka_unit_test(test_map_slot_outside_every_map),
		cmocka_unit_test(test_map_slot_names_a_non_map),
		cmocka_unit_test(test_prog_array_slot_names_a_non_program),
		cmocka_unit_test(test_legacy_maps_section_without_data),
		cmocka_unit_test(test_legacy_map_symbol_off_boundary),
		cmocka_unit_test(test_legacy_maps_extra_symbol_breaks_layout),
		cmocka_unit_test(test_legacy_map_with_nonzero_unknown_fields),
		cmocka_unit_test(test_huge_section_count),
		cmocka_unit_test(test_huge_relocation_and_symbol_counts),
		cmocka_unit_test(test_huge_btf_lengths),
		cmocka_unit_test(test_code_section_not_whole_instructions),
		cmocka_unit_test(test_code_section_not_8_byte_aligned),
		cmocka_unit_test(test_strdup_failure_at_every_point_of_open),
		cmocka_unit_test(test_random_byte_flips_fail_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
