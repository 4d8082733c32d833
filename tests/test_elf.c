/*
 * test_elf.c - unit tests for src/elf.c, the bounds-checked ELF64 reader:
 * a real clang-built BPF object (embedded in fixtures_elf.h, plus
 * build/bpf/xdp_counter.bpf.o when it exists), hand-built byte buffers, and
 * a hostile suite (every truncation, targeted corruptions, byte flips) that
 * must fail cleanly with a message naming what is wrong, never crash. Run
 * it under ASan/UBSan too. No kernel needed; not a test of object.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "fixtures_elf.h"

#ifndef EBPFC_TEST_BPF_DIR
#define EBPFC_TEST_BPF_DIR "build/bpf"
#endif

/* ---- helpers ---------------------------------------------------------- */

/* A private, exactly sized, aligned copy of the fixture to mutate. */
static unsigned char *fixture_copy(size_t *size)
{
	unsigned char *b = malloc(fixture_elf_xdp_len);

	assert_non_null(b);
	memcpy(b, fixture_elf_xdp, fixture_elf_xdp_len);
	*size = fixture_elf_xdp_len;
	return b;
}

static Elf64_Ehdr *ehdr(unsigned char *b)
{
	return (Elf64_Ehdr *)b;
}

static Elf64_Shdr *shdr(unsigned char *b, size_t i)
{
	return (Elf64_Shdr *)(b + ehdr(b)->e_shoff) + i;
}

/* Index of the fixture's section called `name` (read raw, not via elf.c). */
static size_t raw_sec(unsigned char *b, const char *name)
{
	Elf64_Shdr *str = shdr(b, ehdr(b)->e_shstrndx);
	size_t i;

	for (i = 1; i < ehdr(b)->e_shnum; i++)
		if (strcmp((char *)b + str->sh_offset + shdr(b, i)->sh_name, name) == 0)
			return i;
	fail_msg("fixture has no section %s", name);
	return 0;
}

static Elf64_Sym *raw_sym(unsigned char *b, const char *name)
{
	Elf64_Shdr *st = shdr(b, raw_sec(b, ".symtab"));
	Elf64_Shdr *str = shdr(b, st->sh_link);
	Elf64_Sym *s = (Elf64_Sym *)(b + st->sh_offset);
	size_t i;

	for (i = 0; i < st->sh_size / sizeof(*s); i++)
		if (strcmp((char *)b + str->sh_offset + s[i].st_name, name) == 0)
			return &s[i];
	fail_msg("fixture has no symbol %s", name);
	return NULL;
}

static Elf64_Rel *raw_rel(unsigned char *b, const char *relsec, size_t i)
{
	return (Elf64_Rel *)(b + shdr(b, raw_sec(b, relsec))->sh_offset) + i;
}

/*
 * Touch everything the reader hands out, the way object.c would: every
 * section's bytes, every name, every symbol, every relocation. Failing
 * relocation reads are fine (they are checked lazily) but must say why.
 * Returns the number of relocations that failed.
 */
static size_t walk(const struct ebpfc__elf *elf)
{
	size_t i, j, n, bad = 0;
	volatile unsigned char sink = 0;

	assert_non_null(ebpfc__elf_name(elf));
	(void)ebpfc__elf_flags(elf);
	assert_true(ebpfc__elf_is_little_endian(elf));
	for (i = 0; i < ebpfc__elf_section_count(elf); i++) {
		struct ebpfc__elf_sec s;
		const unsigned char *p;

		assert_int_equal(ebpfc__elf_section(elf, i, &s), 0);
		assert_int_equal(s.index, i);
		assert_non_null(s.name);
		sink ^= (unsigned char)strlen(s.name);
		assert_ptr_equal(ebpfc__elf_section_name(elf, i), s.name);
		p = s.data;
		if (p && s.size) {
			sink ^= p[0];
			sink ^= p[s.size - 1];
		}
		if (s.type == SHT_REL && i) {
			assert_int_equal(ebpfc__elf_rel_count(elf, i, &n), 0);
			for (j = 0; j < n; j++) {
				struct ebpfc__elf_rel r;

				if (ebpfc__elf_rel(elf, i, j, &r)) {
					assert_true(ebpfc_errmsg()[0] != '\0');
					bad++;
					continue;
				}
				assert_true(r.sym < ebpfc__elf_sym_count(elf));
			}
		}
	}
	for (i = 0; i < ebpfc__elf_sym_count(elf); i++) {
		struct ebpfc__elf_sym s;

		assert_int_equal(ebpfc__elf_sym(elf, i, &s), 0);
		sink ^= (unsigned char)strlen(s.name);
		if (s.shndx != SHN_UNDEF && s.shndx != SHN_ABS && s.shndx != SHN_COMMON)
			assert_true(s.shndx < ebpfc__elf_section_count(elf));
	}
	(void)sink;
	return bad;
}

/* Open must fail with -err and a message containing every given phrase. */
static void expect_fail(const void *buf, size_t size, int err, const char *what1,
			const char *what2)
{
	struct ebpfc__elf *elf = (struct ebpfc__elf *)&elf;
	const char *msg;
	int ret;

	ret = ebpfc__elf_open(buf, size, "t.o", &elf);
	msg = ebpfc_errmsg();
	if (ret != -err || elf || !strstr(msg, "object 't.o'") || (what1 && !strstr(msg, what1)) ||
	    (what2 && !strstr(msg, what2))) {
		if (ret == 0)
			ebpfc__elf_close(elf);
		fail_msg("expected %d mentioning '%s' '%s', got %d: %s", -err, what1 ? what1 : "",
			 what2 ? what2 : "", ret, ret ? msg : "(success)");
	}
}

/* Mutate a fresh copy of the fixture with `fn`, then expect_fail. */
#define MUTATE_FAILS(err, what1, what2, ...)                   \
	do {                                                   \
		size_t sz_;                                    \
		unsigned char *b = fixture_copy(&sz_);         \
		__VA_ARGS__;                                   \
		expect_fail(b, sz_, (err), (what1), (what2));  \
		free(b);                                       \
	} while (0)

static struct ebpfc__elf *open_ok(const void *buf, size_t size)
{
	struct ebpfc__elf *elf = NULL;
	int ret = ebpfc__elf_open(buf, size, "t.o", &elf);

	if (ret)
		fail_msg("open failed: %d: %s", ret, ebpfc_errmsg());
	assert_non_null(elf);
	return elf;
}

/* ---- a builder for hand-made objects ---------------------------------- */

struct bsec {
	const char *name;
	uint32_t type;
	uint64_t flags;
	const void *data;
	size_t size;
	uint32_t link, info;
	uint64_t entsize, align;
};

/*
 * Lay out ELF header, each section's data (8-aligned), a .shstrtab, then the
 * section header table. secs[i] becomes section i + 1; .shstrtab is last.
 */
static unsigned char *build(const struct bsec *secs, size_t n, size_t *size)
{
	size_t cap = 64, off, i, strsz = 1, stroff;
	unsigned char *b;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	char *str;

	for (i = 0; i < n; i++) {
		cap += EBPFC__ROUND_UP(secs[i].type == SHT_NOBITS ? 0 : secs[i].size, 8);
		strsz += strlen(secs[i].name) + 1;
	}
	strsz += sizeof(".shstrtab");
	cap += EBPFC__ROUND_UP(strsz, 8) + (n + 2) * sizeof(Elf64_Shdr);
	b = calloc(1, cap);
	assert_non_null(b);
	eh = (Elf64_Ehdr *)b;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_REL;
	eh->e_machine = EM_BPF;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = n + 2;
	eh->e_shstrndx = n + 1;
	off = 64;
	eh->e_shoff = cap - (n + 2) * sizeof(Elf64_Shdr);
	sh = (Elf64_Shdr *)(b + eh->e_shoff);
	stroff = cap - (n + 2) * sizeof(Elf64_Shdr) - EBPFC__ROUND_UP(strsz, 8);
	str = (char *)b + stroff;
	strsz = 1;
	for (i = 0; i < n; i++) {
		Elf64_Shdr *s = &sh[i + 1];

		s->sh_name = strsz;
		strcpy(str + strsz, secs[i].name);
		strsz += strlen(secs[i].name) + 1;
		s->sh_type = secs[i].type;
		s->sh_flags = secs[i].flags;
		s->sh_offset = off;
		s->sh_size = secs[i].size;
		s->sh_link = secs[i].link;
		s->sh_info = secs[i].info;
		s->sh_entsize = secs[i].entsize;
		s->sh_addralign = secs[i].align;
		if (secs[i].type != SHT_NOBITS) {
			if (secs[i].data)
				memcpy(b + off, secs[i].data, secs[i].size);
			off += EBPFC__ROUND_UP(secs[i].size, 8);
		}
	}
	sh[n + 1].sh_name = strsz;
	strcpy(str + strsz, ".shstrtab");
	strsz += sizeof(".shstrtab");
	sh[n + 1].sh_type = SHT_STRTAB;
	sh[n + 1].sh_offset = stroff;
	sh[n + 1].sh_size = strsz;
	sh[n + 1].sh_addralign = 1;
	*size = cap;
	return b;
}

/* ---- the real objects ------------------------------------------------- */

static void find_sym(const struct ebpfc__elf *elf, const char *name, struct ebpfc__elf_sym *out)
{
	size_t i;

	for (i = 0; i < ebpfc__elf_sym_count(elf); i++) {
		assert_int_equal(ebpfc__elf_sym(elf, i, out), 0);
		if (strcmp(out->name, name) == 0)
			return;
	}
	fail_msg("no symbol %s", name);
}

static void test_fixture_sections(void **state)
{
	struct ebpfc__elf_sec s, t;
	struct ebpfc__elf *elf;

	(void)state;
	elf = open_ok(fixture_elf_xdp, fixture_elf_xdp_len);
	assert_string_equal(ebpfc__elf_name(elf), "t.o");
	assert_int_equal(ebpfc__elf_flags(elf), 0);
	assert_int_equal(ebpfc__elf_section_count(elf), 32);

	assert_int_equal(ebpfc__elf_section(elf, 0, &s), 0);
	assert_int_equal(s.type, SHT_NULL);
	assert_null(s.data);
	assert_string_equal(s.name, "");

	assert_int_equal(ebpfc__elf_section_by_name(elf, "xdp", &s), 0);
	assert_int_equal(s.type, SHT_PROGBITS);
	assert_true(s.flags & SHF_EXECINSTR);
	assert_int_equal(s.size, 0xb8);
	assert_int_equal(s.addralign, 8);
	assert_true((const unsigned char *)s.data > fixture_elf_xdp &&
		    (const unsigned char *)s.data + s.size <= fixture_elf_xdp + fixture_elf_xdp_len);
	/* No copy: the pointer is into the caller's buffer. */
	assert_ptr_equal(s.data, fixture_elf_xdp + 0x88);

	assert_int_equal(ebpfc__elf_section_by_name(elf, ".bss", &s), 0);
	assert_int_equal(s.type, SHT_NOBITS);
	assert_null(s.data);
	assert_int_equal(s.size, 8);

	assert_int_equal(ebpfc__elf_section_by_name(elf, "license", &s), 0);
	assert_string_equal((const char *)s.data, "GPL");
	assert_int_equal(ebpfc__elf_section_by_name(elf, ".maps", &s), 0);
	assert_int_equal(s.size, 32);
	assert_int_equal(ebpfc__elf_section_by_name(elf, ".rodata", NULL), 0);
	assert_int_equal(ebpfc__elf_section_by_name(elf, ".BTF", &s), 0);
	assert_int_equal(((const unsigned char *)s.data)[0], 0x9f); /* BTF magic 0xeB9F, LE */
	assert_int_equal(((const unsigned char *)s.data)[1], 0xeb);
	assert_int_equal(ebpfc__elf_section_by_name(elf, ".BTF.ext", NULL), 0);

	assert_int_equal(ebpfc__elf_section_by_name(elf, ".relxdp", &s), 0);
	assert_int_equal(s.type, SHT_REL);
	assert_int_equal(s.entsize, sizeof(Elf64_Rel));
	assert_int_equal(s.link, ebpfc__elf_symtab_index(elf));
	assert_int_equal(ebpfc__elf_section(elf, s.info, &t), 0);
	assert_string_equal(t.name, "xdp");

	assert_int_equal(ebpfc__elf_section_by_name(elf, "nope", &s), -ENOENT);
	assert_non_null(strstr(ebpfc_errmsg(), "no section named 'nope'"));
	assert_int_equal(ebpfc__elf_section(elf, 32, &s), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "section 32 is out of range"));
	assert_null(ebpfc__elf_section_name(elf, 32));
	assert_int_equal(walk(elf), 0);
	ebpfc__elf_close(elf);
	ebpfc__elf_close(NULL);
}

static void test_fixture_symbols(void **state)
{
	struct ebpfc__elf_sym sym;
	struct ebpfc__elf_sec s;
	struct ebpfc__elf *elf;

	(void)state;
	elf = open_ok(fixture_elf_xdp, fixture_elf_xdp_len);
	assert_int_equal(ebpfc__elf_section(elf, ebpfc__elf_symtab_index(elf), &s), 0);
	assert_int_equal(s.type, SHT_SYMTAB);
	assert_string_equal(s.name, ".symtab");
	assert_int_equal(ebpfc__elf_sym_count(elf), 22);

	assert_int_equal(ebpfc__elf_sym(elf, 0, &sym), 0);
	assert_int_equal(sym.shndx, SHN_UNDEF);
	assert_string_equal(sym.name, "");

	find_sym(elf, "xdp_count", &sym);
	assert_int_equal(sym.type, STT_FUNC);
	assert_int_equal(sym.bind, STB_GLOBAL);
	assert_int_equal(sym.visibility, STV_DEFAULT);
	assert_int_equal(sym.size, 0xb8);
	assert_int_equal(sym.value, 0);
	assert_string_equal(ebpfc__elf_section_name(elf, sym.shndx), "xdp");

	find_sym(elf, "scale", &sym);
	assert_int_equal(sym.type, STT_FUNC);
	assert_int_equal(sym.bind, STB_LOCAL);
	assert_string_equal(ebpfc__elf_section_name(elf, sym.shndx), ".text");

	find_sym(elf, "counts", &sym);
	assert_int_equal(sym.type, STT_OBJECT);
	assert_int_equal(sym.size, 32);
	assert_string_equal(ebpfc__elf_section_name(elf, sym.shndx), ".maps");

	find_sym(elf, "hits", &sym);
	assert_string_equal(ebpfc__elf_section_name(elf, sym.shndx), ".bss");
	find_sym(elf, "factor", &sym);
	assert_string_equal(ebpfc__elf_section_name(elf, sym.shndx), ".rodata");
	find_sym(elf, "LICENSE", &sym);
	assert_string_equal(ebpfc__elf_section_name(elf, sym.shndx), "license");
	find_sym(elf, "fixture.bpf.c", &sym);
	assert_int_equal(sym.type, STT_FILE);
	assert_int_equal(sym.shndx, SHN_ABS);

	assert_int_equal(ebpfc__elf_sym(elf, 22, &sym), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "symbol 22 is out of range"));
	ebpfc__elf_close(elf);
}

static void test_fixture_relocations(void **state)
{
	struct ebpfc__elf_sec xdp, relxdp, text;
	struct ebpfc__elf_sym sym;
	struct ebpfc__elf_rel r;
	struct ebpfc__elf *elf;
	const unsigned char *insn;
	size_t n, i, total = 0;

	(void)state;
	elf = open_ok(fixture_elf_xdp, fixture_elf_xdp_len);
	assert_int_equal(ebpfc__elf_section_by_name(elf, "xdp", &xdp), 0);
	assert_int_equal(ebpfc__elf_section_by_name(elf, ".relxdp", &relxdp), 0);
	assert_int_equal(ebpfc__elf_rel_count(elf, relxdp.index, &n), 0);
	assert_int_equal(n, 3);
	insn = xdp.data;

	/* Map reference: ld_imm64 (opcode 0x18) against 'counts'. */
	assert_int_equal(ebpfc__elf_rel(elf, relxdp.index, 0, &r), 0);
	assert_int_equal(r.index, 0);
	assert_int_equal(r.type, EBPFC__R_BPF_64_64);
	assert_int_equal(insn[r.offset], 0x18);
	assert_int_equal(ebpfc__elf_sym(elf, r.sym, &sym), 0);
	assert_string_equal(sym.name, "counts");

	assert_int_equal(ebpfc__elf_rel(elf, relxdp.index, 1, &r), 0);
	assert_int_equal(ebpfc__elf_sym(elf, r.sym, &sym), 0);
	assert_string_equal(sym.name, "hits");

	/* bpf-to-bpf call (opcode 0x85) against the .text section symbol. */
	assert_int_equal(ebpfc__elf_rel(elf, relxdp.index, 2, &r), 0);
	assert_int_equal(r.type, EBPFC__R_BPF_64_32);
	assert_int_equal(insn[r.offset], 0x85);
	assert_int_equal(ebpfc__elf_sym(elf, r.sym, &sym), 0);
	assert_int_equal(sym.type, STT_SECTION);
	assert_int_equal(ebpfc__elf_section(elf, sym.shndx, &text), 0);
	assert_string_equal(text.name, ".text");

	assert_int_equal(ebpfc__elf_rel(elf, relxdp.index, 3, &r), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "relocation #3 is out of range"));
	assert_int_equal(ebpfc__elf_rel_count(elf, xdp.index, &n), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "not a relocation section"));
	assert_int_equal(ebpfc__elf_rel(elf, 999, 0, &r), -EINVAL);

	/* Every relocation section reads cleanly; BTF and DWARF ones included. */
	for (i = 1; i < ebpfc__elf_section_count(elf); i++) {
		struct ebpfc__elf_sec s;
		size_t j;

		assert_int_equal(ebpfc__elf_section(elf, i, &s), 0);
		if (s.type != SHT_REL)
			continue;
		assert_int_equal(ebpfc__elf_rel_count(elf, i, &n), 0);
		for (j = 0; j < n; j++)
			assert_int_equal(ebpfc__elf_rel(elf, i, j, &r), 0);
		total += n;
	}
	assert_true(total > 40);
	ebpfc__elf_close(elf);
}

static void test_xdp_counter_object(void **state)
{
	const char *path = EBPFC_TEST_BPF_DIR "/xdp_counter.bpf.o";
	struct ebpfc__elf *elf = NULL;
	struct ebpfc__elf_sec s;
	unsigned char *buf;
	FILE *f;
	long len;
	size_t i, progs = 0;
	int ret;

	(void)state;
	f = fopen(path, "rb");
	if (!f) {
		print_message("skipping: %s not built (make bpf)\n", path);
		skip();
		return;
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = malloc(len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, len, f), (size_t)len);
	fclose(f);

	ret = ebpfc__elf_open(buf, len, path, &elf);
	if (ret)
		fail_msg("%s: %d: %s", path, ret, ebpfc_errmsg());
	assert_true(ebpfc__elf_symtab_index(elf) > 0);
	assert_true(ebpfc__elf_sym_count(elf) > 1);
	for (i = 1; i < ebpfc__elf_section_count(elf); i++) {
		assert_int_equal(ebpfc__elf_section(elf, i, &s), 0);
		if (s.type == SHT_PROGBITS && (s.flags & SHF_EXECINSTR) && s.size)
			progs++;
	}
	assert_true(progs >= 1);
	assert_int_equal(ebpfc__elf_section_by_name(elf, "license", NULL), 0);
	assert_int_equal(walk(elf), 0);
	ebpfc__elf_close(elf);
	free(buf);
}

/* ---- hand-built objects ----------------------------------------------- */

static const unsigned char exit_insn[8] = { 0x95 };

static void test_built_minimal(void **state)
{
	const struct bsec secs[] = {
		{ .name = "xdp", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_EXECINSTR,
		  .data = exit_insn, .size = 8, .align = 8 },
		{ .name = ".bss", .type = SHT_NOBITS, .flags = SHF_ALLOC | SHF_WRITE,
		  .size = 1 << 20, .align = 8 },
	};
	struct ebpfc__elf_sym sym;
	struct ebpfc__elf_sec s;
	struct ebpfc__elf *elf;
	unsigned char *b;
	size_t size;

	(void)state;
	b = build(secs, 2, &size);
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_section_count(elf), 4);
	assert_int_equal(ebpfc__elf_symtab_index(elf), 0);
	assert_int_equal(ebpfc__elf_sym_count(elf), 0);
	assert_int_equal(ebpfc__elf_sym(elf, 0, &sym), -EINVAL);
	assert_int_equal(ebpfc__elf_section_by_name(elf, "xdp", &s), 0);
	assert_int_equal(((const unsigned char *)s.data)[0], 0x95);
	assert_int_equal(ebpfc__elf_section_by_name(elf, ".bss", &s), 0);
	assert_int_equal(s.size, 1 << 20); /* NOBITS may be larger than the file */
	assert_null(s.data);
	walk(elf);
	ebpfc__elf_close(elf);
	free(b);
}

static void test_built_no_sections(void **state)
{
	unsigned char *b;
	size_t size;
	struct ebpfc__elf *elf;

	(void)state;
	b = build(NULL, 0, &size);
	ehdr(b)->e_shoff = 0;
	ehdr(b)->e_shnum = 0;
	ehdr(b)->e_shstrndx = 0;
	elf = open_ok(b, 64);
	assert_int_equal(ebpfc__elf_section_count(elf), 0);
	assert_int_equal(ebpfc__elf_sym_count(elf), 0);
	assert_int_equal(ebpfc__elf_section_by_name(elf, ".text", NULL), -ENOENT);
	ebpfc__elf_close(elf);

	ehdr(b)->e_shnum = 3;
	expect_fail(b, 64, EINVAL, "e_shoff is 0", NULL);
	free(b);
}

/* .text, .strtab, .symtab, [.symtab_shndx], [.rel.text] */
static unsigned char *build_with_symbols(uint16_t st_shndx, const uint32_t *xindex,
					 bool rel, uint32_t rel_type, size_t *size)
{
	static const char strtab[] = "\0f\0";
	Elf64_Sym syms[2] = { { 0 } };
	Elf64_Rel rels[1];
	struct bsec secs[5] = {
		{ .name = ".text", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_EXECINSTR,
		  .data = exit_insn, .size = 8, .align = 8 },
		{ .name = ".strtab", .type = SHT_STRTAB, .data = strtab, .size = sizeof(strtab),
		  .align = 1 },
		{ .name = ".symtab", .type = SHT_SYMTAB, .data = syms, .size = sizeof(syms),
		  .link = 2, .info = 1, .entsize = sizeof(Elf64_Sym), .align = 8 },
	};
	size_t n = 3;

	syms[1].st_name = 1;
	syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	syms[1].st_shndx = st_shndx;
	syms[1].st_size = 8;
	if (xindex)
		secs[n++] = (struct bsec){ .name = ".symtab_shndx", .type = SHT_SYMTAB_SHNDX,
					   .data = xindex, .size = 8, .link = 3,
					   .entsize = 4, .align = 4 };
	if (rel) {
		rels[0].r_offset = 0;
		rels[0].r_info = ELF64_R_INFO(1, rel_type);
		secs[n++] = (struct bsec){ .name = ".rel.text", .type = SHT_REL, .data = rels,
					   .size = sizeof(rels), .link = 3, .info = 1,
					   .entsize = sizeof(Elf64_Rel), .align = 8 };
	}
	return build(secs, n, size);
}

static void test_built_symbols_and_xindex(void **state)
{
	static const uint32_t xi_ok[2] = { 0, 1 }, xi_bad[2] = { 0, 50 };
	struct ebpfc__elf_sym sym;
	struct ebpfc__elf_rel r;
	struct ebpfc__elf *elf;
	unsigned char *b;
	size_t size, n;

	(void)state;
	b = build_with_symbols(1, NULL, true, EBPFC__R_BPF_64_32, &size);
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_sym_count(elf), 2);
	assert_int_equal(ebpfc__elf_sym(elf, 1, &sym), 0);
	assert_string_equal(sym.name, "f");
	assert_int_equal(sym.shndx, 1);
	assert_int_equal(ebpfc__elf_rel_count(elf, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ebpfc__elf_rel(elf, 4, 0, &r), 0);
	assert_int_equal(r.sym, 1);
	ebpfc__elf_close(elf);
	free(b);

	/* An 8-byte .text cannot hold a 16-byte ld_imm64 at offset 0. */
	b = build_with_symbols(1, NULL, true, EBPFC__R_BPF_64_64, &size);
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_rel(elf, 4, 0, &r), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "r_offset 0x0 + 16 bytes is past the end of "
					       "section 1 (.text)"));
	ebpfc__elf_close(elf);
	free(b);

	/* st_shndx SHN_XINDEX resolved through SHT_SYMTAB_SHNDX. */
	b = build_with_symbols(SHN_XINDEX, xi_ok, false, 0, &size);
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_sym(elf, 1, &sym), 0);
	assert_int_equal(sym.shndx, 1);
	ebpfc__elf_close(elf);
	free(b);

	b = build_with_symbols(SHN_XINDEX, xi_bad, false, 0, &size);
	expect_fail(b, size, EINVAL, "symbol 1 (f): section index 50 (from SHT_SYMTAB_SHNDX)",
		    "out of range");
	free(b);

	b = build_with_symbols(SHN_XINDEX, NULL, false, 0, &size);
	expect_fail(b, size, EINVAL, "symbol 1 (f)", "no SHT_SYMTAB_SHNDX");
	free(b);

	b = build_with_symbols(SHN_COMMON, NULL, false, 0, &size);
	elf = open_ok(b, size);
	ebpfc__elf_close(elf);
	free(b);

	b = build_with_symbols(SHN_LORESERVE + 5, NULL, false, 0, &size);
	expect_fail(b, size, EINVAL, "symbol 1 (f): section index 65285", "out of range");
	free(b);
}

static void test_built_rel_without_symtab_and_rela(void **state)
{
	Elf64_Rel rel = { .r_offset = 0, .r_info = ELF64_R_INFO(0, 0) };
	struct bsec secs[2] = {
		{ .name = ".text", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_EXECINSTR,
		  .data = exit_insn, .size = 8, .align = 8 },
		{ .name = ".rel.text", .type = SHT_REL, .data = &rel, .size = sizeof(rel),
		  .link = 0, .info = 1, .entsize = sizeof(Elf64_Rel), .align = 8 },
	};
	unsigned char *b;
	size_t size;

	(void)state;
	b = build(secs, 2, &size);
	expect_fail(b, size, EINVAL, "section 2 (.rel.text)", "no symbol table");
	free(b);

	secs[1].type = SHT_RELA;
	secs[1].name = ".rela.text";
	b = build(secs, 2, &size);
	expect_fail(b, size, EINVAL, "section 2 (.rela.text)", "SHT_RELA");
	free(b);
}

/* DWARF compressed by objcopy: relocations count in uncompressed bytes. */
static void test_built_compressed_section(void **state)
{
	static const char strtab[] = "\0";
	Elf64_Sym syms[1] = { { 0 } };
	Elf64_Chdr ch = { .ch_type = ELFCOMPRESS_ZLIB, .ch_size = 0x100, .ch_addralign = 1 };
	unsigned char zdata[sizeof(ch) + 8] = { 0 };
	Elf64_Rel rels[2] = {
		{ .r_offset = 0xf8, .r_info = ELF64_R_INFO(0, EBPFC__R_BPF_64_ABS64) },
		{ .r_offset = 0xfc, .r_info = ELF64_R_INFO(0, EBPFC__R_BPF_64_ABS64) },
	};
	struct bsec secs[4] = {
		{ .name = ".debug_info", .type = SHT_PROGBITS, .flags = SHF_COMPRESSED,
		  .data = zdata, .size = sizeof(zdata), .align = 8 },
		{ .name = ".strtab", .type = SHT_STRTAB, .data = strtab, .size = sizeof(strtab),
		  .align = 1 },
		{ .name = ".symtab", .type = SHT_SYMTAB, .data = syms, .size = sizeof(syms),
		  .link = 2, .info = 1, .entsize = sizeof(Elf64_Sym), .align = 8 },
		{ .name = ".rel.debug_info", .type = SHT_REL, .data = rels, .size = sizeof(rels),
		  .link = 3, .info = 1, .entsize = sizeof(Elf64_Rel), .align = 8 },
	};
	struct ebpfc__elf_rel r;
	struct ebpfc__elf *elf;
	unsigned char *b;
	size_t size;

	(void)state;
	memcpy(zdata, &ch, sizeof(ch));
	b = build(secs, 4, &size);
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_rel(elf, 4, 0, &r), 0);
	assert_int_equal(r.offset, 0xf8);
	assert_int_equal(ebpfc__elf_rel(elf, 4, 1, &r), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "past the end of section 1 (.debug_info), which "
					       "is 0x100 bytes"));
	ebpfc__elf_close(elf);
	free(b);

	secs[0].size = sizeof(ch) - 1;
	b = build(secs, 4, &size);
	expect_fail(b, size, EINVAL, "section 1 (.debug_info): SHF_COMPRESSED", "Elf64_Chdr");
	free(b);
}

/* ---- the fixture, mutated --------------------------------------------- */

static void test_extended_numbering(void **state)
{
	struct ebpfc__elf *elf;
	struct ebpfc__elf_sec s;
	unsigned char *b;
	size_t size;

	(void)state;
	b = fixture_copy(&size);
	shdr(b, 0)->sh_size = ehdr(b)->e_shnum;
	shdr(b, 0)->sh_link = ehdr(b)->e_shstrndx;
	ehdr(b)->e_shnum = 0;
	ehdr(b)->e_shstrndx = SHN_XINDEX;
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_section_count(elf), 32);
	assert_int_equal(ebpfc__elf_section_by_name(elf, "xdp", &s), 0);
	assert_int_equal(ebpfc__elf_section(elf, 0, &s), 0);
	assert_int_equal(s.size, 0); /* section 0 is not a place in the file */
	assert_int_equal(walk(elf), 0);
	ebpfc__elf_close(elf);

	/* A huge extended count must be refused, not allocated. */
	shdr(b, 0)->sh_size = 1ULL << 60;
	expect_fail(b, size, EINVAL, "section header table", "past the end of the file");
	shdr(b, 0)->sh_size = 0;
	expect_fail(b, size, EINVAL, "extended section count", NULL);
	shdr(b, 0)->sh_size = 32;
	shdr(b, 0)->sh_link = 99;
	expect_fail(b, size, EINVAL, "e_shstrndx 99 (from section 0's sh_link)", "out of range");
	free(b);
}

static void test_wrong_kind(void **state)
{
	(void)state;
	MUTATE_FAILS(ENOEXEC, "not an ELF file", NULL, b[0] = 0x7e);
	MUTATE_FAILS(ENOEXEC, "ELFCLASS32", "ELF64", b[EI_CLASS] = ELFCLASS32);
	MUTATE_FAILS(ENOEXEC, "ELF class 7", NULL, b[EI_CLASS] = 7);
	MUTATE_FAILS(ENOEXEC, "big-endian", "does not byte-swap", b[EI_DATA] = ELFDATA2MSB);
	MUTATE_FAILS(ENOEXEC, "data encoding 0", NULL, b[EI_DATA] = 0);
	MUTATE_FAILS(ENOEXEC, "identification version 2", NULL, b[EI_VERSION] = 2);
	MUTATE_FAILS(ENOEXEC, "e_version 9", NULL, ehdr(b)->e_version = 9);
	MUTATE_FAILS(ENOEXEC, "e_machine 62 (EM_X86_64", "expected EM_BPF (247)",
		     ehdr(b)->e_machine = EM_X86_64);
	MUTATE_FAILS(ENOEXEC, "e_type 2 (ET_EXEC", "expected ET_REL", ehdr(b)->e_type = ET_EXEC);
	MUTATE_FAILS(ENOEXEC, "e_type 3 (ET_DYN", "expected ET_REL", ehdr(b)->e_type = ET_DYN);
	expect_fail("", 0, ENOEXEC, "not an ELF file", NULL);
	expect_fail(NULL, 0, ENOEXEC, "not an ELF file", NULL);
	expect_fail(NULL, 10, EINVAL, "data is NULL", NULL);
	expect_fail(fixture_elf_xdp, 10, EINVAL, "truncated: 10 bytes", NULL);
	expect_fail(fixture_elf_xdp, 40, EINVAL, "truncated: 40 bytes", "ELF header");
	assert_int_equal(ebpfc__elf_open(fixture_elf_xdp, fixture_elf_xdp_len, "x", NULL), -EINVAL);
}

static void test_bad_header_fields(void **state)
{
	(void)state;
	MUTATE_FAILS(EINVAL, "e_ehsize 52", NULL, ehdr(b)->e_ehsize = 52);
	MUTATE_FAILS(EINVAL, "e_shentsize 40", "expected 64", ehdr(b)->e_shentsize = 40);
	MUTATE_FAILS(EINVAL, "e_shoff 0x1c28 is past the end", NULL,
		     ehdr(b)->e_shoff = sz_);
	MUTATE_FAILS(EINVAL, "e_shoff 0xffffffffffffffc0 is past the end", NULL,
		     ehdr(b)->e_shoff = (uint64_t)-64);
	MUTATE_FAILS(EINVAL, "e_shoff 0x10", "overlaps the ELF header", ehdr(b)->e_shoff = 16);
	MUTATE_FAILS(EINVAL, "33 entries", "past the end of the file", ehdr(b)->e_shnum = 33);
	MUTATE_FAILS(EINVAL, "65279 entries", "past the end of the file",
		     ehdr(b)->e_shnum = 0xfeff);
	MUTATE_FAILS(EINVAL, "e_shstrndx 32 is out of range", NULL, ehdr(b)->e_shstrndx = 32);
	MUTATE_FAILS(EINVAL, "e_shstrndx 0xff00 is a reserved", NULL,
		     ehdr(b)->e_shstrndx = SHN_LORESERVE);
	MUTATE_FAILS(EINVAL, "section 2", "expected SHT_STRTAB", ehdr(b)->e_shstrndx = 2);
	MUTATE_FAILS(EINVAL, "section 0: sh_type 1", "SHT_NULL",
		     shdr(b, 0)->sh_type = SHT_PROGBITS);
}

static void test_bad_section_headers(void **state)
{
	(void)state;
	/* The exact message format other stages rely on. */
	MUTATE_FAILS(EINVAL, "object 't.o': section 4 (xdp): sh_offset 0x1c28 + sh_size 0xb8 "
			     "is past the end of the file (0x1c28 bytes)", NULL,
		     shdr(b, raw_sec(b, "xdp"))->sh_offset = sz_);
	MUTATE_FAILS(EINVAL, "section 4 (xdp): sh_offset 0x88 + sh_size 0xffffffffffff0000",
		     "past the end", shdr(b, raw_sec(b, "xdp"))->sh_size = 0xffffffffffff0000ULL);
	MUTATE_FAILS(EINVAL, "sh_offset 0x100 + sh_size 0xffffffffffffff80", "past the end",
		     shdr(b, raw_sec(b, "xdp"))->sh_offset = 0x100;
		     shdr(b, raw_sec(b, "xdp"))->sh_size = (uint64_t)-0x80);
	MUTATE_FAILS(EINVAL, "section 4 (xdp) [0x40, 0xf8) overlaps section 2 (.text)", NULL,
		     shdr(b, raw_sec(b, "xdp"))->sh_offset = 0x40);
	MUTATE_FAILS(EINVAL, "overlaps section 7 (.data)", NULL,
		     shdr(b, raw_sec(b, ".rodata"))->sh_offset = 0x140);
	MUTATE_FAILS(EINVAL, "section 2 (.text)", "overlaps the ELF header",
		     shdr(b, raw_sec(b, ".text"))->sh_offset = 0);
	MUTATE_FAILS(EINVAL, "section 10 (license)", "overlaps the section header table",
		     shdr(b, raw_sec(b, "license"))->sh_offset = ehdr(b)->e_shoff + 64);
	MUTATE_FAILS(EINVAL, "section 9 (.maps): sh_offset 0x149 is not aligned", NULL,
		     shdr(b, raw_sec(b, ".maps"))->sh_offset += 1);
	MUTATE_FAILS(EINVAL, "sh_addralign 12 is not a power of two", NULL,
		     shdr(b, raw_sec(b, ".maps"))->sh_addralign = 12);
	MUTATE_FAILS(EINVAL, "section 4: sh_name 65536 is outside the section name table", NULL,
		     shdr(b, raw_sec(b, "xdp"))->sh_name = 0x10000);
	/* The shared .strtab / section name table with its last NUL gone. */
	MUTATE_FAILS(EINVAL, "section 1 (section name table)", "does not end with a NUL byte",
		     b[shdr(b, 1)->sh_offset + shdr(b, 1)->sh_size - 1] = 'x');
	MUTATE_FAILS(EINVAL, "section name table", "is empty", shdr(b, 1)->sh_size = 0);
	MUTATE_FAILS(EINVAL, "second SHT_SYMTAB", "the first is section 30",
		     shdr(b, raw_sec(b, ".llvm_addrsig"))->sh_type = SHT_SYMTAB);
	MUTATE_FAILS(EINVAL, "SHT_RELA", NULL, shdr(b, raw_sec(b, ".relxdp"))->sh_type = SHT_RELA);
	/* A NOBITS section may claim any offset and size: no bytes are read. */
	{
		size_t sz;
		unsigned char *b = fixture_copy(&sz);
		struct ebpfc__elf *elf;

		shdr(b, raw_sec(b, ".bss"))->sh_offset = (uint64_t)-1;
		elf = open_ok(b, sz);
		ebpfc__elf_close(elf);
		free(b);
	}
}

static void test_bad_symtab(void **state)
{
	(void)state;
	MUTATE_FAILS(EINVAL, "section 31 (.symtab) (symbol table): sh_link 99 is not a valid",
		     NULL, shdr(b, raw_sec(b, ".symtab"))->sh_link = 99);
	MUTATE_FAILS(EINVAL, "sh_link 0", NULL, shdr(b, raw_sec(b, ".symtab"))->sh_link = 0);
	MUTATE_FAILS(EINVAL, "section 2 (.text) (symbol string table)", "expected SHT_STRTAB",
		     shdr(b, raw_sec(b, ".symtab"))->sh_link = 2);
	MUTATE_FAILS(EINVAL, "(symbol table): sh_entsize 16, expected 24", NULL,
		     shdr(b, raw_sec(b, ".symtab"))->sh_entsize = 16);
	MUTATE_FAILS(EINVAL, "sh_size 527 is not a multiple of 24", NULL,
		     shdr(b, raw_sec(b, ".symtab"))->sh_size -= 1);
	MUTATE_FAILS(EINVAL, "sh_info 23 (first non-local symbol) is past its 22 symbols", NULL,
		     shdr(b, raw_sec(b, ".symtab"))->sh_info = 23);
	MUTATE_FAILS(EINVAL, "symbol 16: st_name 65535 is outside the symbol string table", NULL,
		     raw_sym(b, "xdp_count")->st_name = 0xffff);
	MUTATE_FAILS(EINVAL, "symbol 16 (xdp_count): section index 200 is out of range", NULL,
		     raw_sym(b, "xdp_count")->st_shndx = 200);
	MUTATE_FAILS(EINVAL, "symbol 16 (xdp_count): section index 65282", NULL,
		     raw_sym(b, "xdp_count")->st_shndx = 0xff02);
	MUTATE_FAILS(EINVAL, "symbol 16 (xdp_count): st_value 0x0 + st_size 0x1000 is past the "
			     "end of section 4 (xdp), which is 0xb8 bytes", NULL,
		     raw_sym(b, "xdp_count")->st_size = 0x1000);
	MUTATE_FAILS(EINVAL, "symbol 16 (xdp_count): st_value 0xffffffffffffffff", NULL,
		     raw_sym(b, "xdp_count")->st_value = (uint64_t)-1);
	MUTATE_FAILS(EINVAL, "symbol 18 (hits)", "past the end of section 6 (.bss), which is 0x8 bytes",
		     raw_sym(b, "hits")->st_size = 9);
	MUTATE_FAILS(EINVAL, "no SHT_SYMTAB_SHNDX", NULL,
		     raw_sym(b, "xdp_count")->st_shndx = SHN_XINDEX);
}

static void test_bad_relocations(void **state)
{
	struct ebpfc__elf_rel r;
	struct ebpfc__elf *elf;
	unsigned char *b;
	size_t size, relxdp;

	(void)state;
	MUTATE_FAILS(EINVAL, "section 5 (.relxdp) (relocations): sh_link 1 is not the symbol "
			     "table (section 31)", NULL,
		     shdr(b, raw_sec(b, ".relxdp"))->sh_link = 1);
	MUTATE_FAILS(EINVAL, "sh_info 99 is not a valid section index", NULL,
		     shdr(b, raw_sec(b, ".relxdp"))->sh_info = 99);
	MUTATE_FAILS(EINVAL, "sh_info 0 is not a valid", NULL,
		     shdr(b, raw_sec(b, ".relxdp"))->sh_info = 0);
	MUTATE_FAILS(EINVAL, "relocates section 6 (.bss)", "no data in the file",
		     shdr(b, raw_sec(b, ".relxdp"))->sh_info = raw_sec(b, ".bss"));
	MUTATE_FAILS(EINVAL, "sh_entsize 24, expected 16", NULL,
		     shdr(b, raw_sec(b, ".relxdp"))->sh_entsize = 24);
	MUTATE_FAILS(EINVAL, "sh_size 47 is not a multiple of 16", NULL,
		     shdr(b, raw_sec(b, ".relxdp"))->sh_size = 47);

	/* Entries are checked when read: open succeeds, the bad one fails. */
	b = fixture_copy(&size);
	relxdp = raw_sec(b, ".relxdp");
	raw_rel(b, ".relxdp", 0)->r_offset = 0xb0; /* ld_imm64 needs 16 bytes, 8 left */
	raw_rel(b, ".relxdp", 1)->r_info = ELF64_R_INFO(1000, EBPFC__R_BPF_64_64);
	raw_rel(b, ".relxdp", 2)->r_offset = (uint64_t)-4; /* offset + width overflows */
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_rel(elf, relxdp, 0, &r), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "object 't.o': section 5 (.relxdp): relocation #0 "
					       "(type 1): r_offset 0xb0 + 16 bytes is past the end "
					       "of section 4 (xdp), which is 0xb8 bytes"));
	assert_int_equal(ebpfc__elf_rel(elf, relxdp, 1, &r), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "relocation #1 (type 1): symbol index 1000 is out "
					       "of range (22 symbols)"));
	assert_int_equal(ebpfc__elf_rel(elf, relxdp, 2, &r), -EINVAL);
	assert_non_null(strstr(ebpfc_errmsg(), "relocation #2 (type 10): r_offset "
					       "0xfffffffffffffffc + 8 bytes"));
	assert_int_equal(walk(elf), 3);
	ebpfc__elf_close(elf);

	/* The same ld_imm64 type in a data section needs only 8 bytes. */
	raw_rel(b, ".relxdp", 0)->r_offset = 0xb0;
	shdr(b, raw_sec(b, "xdp"))->sh_flags &= ~(uint64_t)SHF_EXECINSTR;
	elf = open_ok(b, size);
	assert_int_equal(ebpfc__elf_rel(elf, relxdp, 0, &r), 0);
	assert_int_equal(r.offset, 0xb0);
	ebpfc__elf_close(elf);
	free(b);
}

/* ---- hostile: truncation and byte flips ------------------------------- */

static void test_truncated_every_length(void **state)
{
	size_t len, ok = 0;

	(void)state;
	for (len = 0; len <= fixture_elf_xdp_len; len++) {
		/* An exactly sized heap copy, so ASan sees any read past it. */
		unsigned char *b = malloc(len ? len : 1);
		struct ebpfc__elf *elf = NULL;
		int ret;

		assert_non_null(b);
		memcpy(b, fixture_elf_xdp, len);
		ret = ebpfc__elf_open(b, len, "t.o", &elf);
		if (ret == 0) {
			walk(elf);
			ebpfc__elf_close(elf);
			ok++;
		} else {
			assert_true(ret == -EINVAL || ret == -ENOEXEC);
			assert_null(elf);
			assert_non_null(strstr(ebpfc_errmsg(), "object 't.o': "));
		}
		free(b);
	}
	/* The section header table is last, so only the whole file opens. */
	assert_int_equal(ok, 1);
}

static void open_and_walk(const unsigned char *b, size_t size, size_t *opened)
{
	struct ebpfc__elf *elf = NULL;
	int ret = ebpfc__elf_open(b, size, "t.o", &elf);

	if (ret == 0) {
		walk(elf);
		ebpfc__elf_close(elf);
		(*opened)++;
	} else {
		assert_true(ret == -EINVAL || ret == -ENOEXEC || ret == -ENOMEM);
		assert_null(elf);
		assert_true(strlen(ebpfc_errmsg()) > 20);
	}
}

static void test_byte_flips(void **state)
{
	static const unsigned char patterns[] = { 0xff, 0x01, 0x80, 0x7f };
	size_t size, i, p, shoff, opened = 0, tries = 0;
	unsigned char *b = fixture_copy(&size);

	(void)state;
	shoff = ehdr(b)->e_shoff;
	/* Header and section header table: several patterns per byte. */
	for (i = 0; i < size; i++) {
		if (i >= sizeof(Elf64_Ehdr) && i < shoff)
			continue;
		for (p = 0; p < EBPFC__ARRAY_SIZE(patterns); p++) {
			b[i] ^= patterns[p];
			open_and_walk(b, size, &opened);
			b[i] ^= patterns[p];
			tries++;
		}
		b[i] = 0;
		open_and_walk(b, size, &opened);
		b[i] = fixture_elf_xdp[i];
		tries++;
	}
	/* Everything else (symbols, strings, relocations, data): one flip each. */
	for (i = sizeof(Elf64_Ehdr); i < shoff; i++) {
		b[i] ^= 0xff;
		open_and_walk(b, size, &opened);
		b[i] ^= 0xff;
		tries++;
	}
	assert_memory_equal(b, fixture_elf_xdp, size);
	print_message("byte flips: %zu opens, %zu succeeded\n", tries, opened);
	assert_true(opened > 0 && opened < tries);
	free(b);
}

/* Random multi-byte corruption, deterministic seed: a poor man's fuzzer. */
static void test_random_corruption(void **state)
{
	size_t size, i, k, opened = 0;
	unsigned char *b = fixture_copy(&size);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t shoff = ehdr(b)->e_shoff;

	(void)state;
	for (i = 0; i < 20000; i++) {
		memcpy(b, fixture_elf_xdp, size);
		for (k = 0; k < 4; k++) {
			size_t pos;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* Aim at the section header table three times out of four. */
			pos = (x & 3) ? shoff + (x >> 8) % (size - shoff) : (x >> 8) % size;
			b[pos] = (unsigned char)(x >> 40);
		}
		open_and_walk(b, size, &opened);
	}
	print_message("random corruption: 20000 opens, %zu succeeded\n", opened);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_sections),
		cmocka_unit_test(test_fixture_symbols),
		cmocka_unit_test(test_fixture_relocations),
		cmocka_unit_test(test_xdp_counter_object),
		cmocka_unit_test(test_built_minimal),
		cmocka_unit_test(test_built_no_sections),
		cmocka_unit_test(test_built_symbols_and_xindex),
		cmocka_unit_test(test_built_rel_without_symtab_and_rela),
		cmocka_unit_test(test_built_compressed_section),
		cmocka_unit_test(test_extended_numbering),
		cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_bad_header_fields),
		cmocka_unit_test(test_bad_section_headers),
		cmocka_unit_test(test_bad_symtab),
		cmocka_unit_test(test_bad_relocations),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_byte_flips),
		cmocka_unit_test(test_random_corruption),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
