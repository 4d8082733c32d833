/*
 * elf.c - bounds-checked reader for ELF64 BPF relocatable objects: checks
 * the ELF header, the section header table, the name tables, the symbol
 * table and the relocation section headers once, at open, and then hands
 * out sections, symbols and relocations (each relocation checked as it is
 * read) without copying the file.
 *
 * It is not a general ELF library (no writing, no byte swapping, no ELF32)
 * and knows nothing of what the sections mean: maps, programs and BTF
 * belong to object.c and btf.c. With ebpfc__elf_opts.exec it also reads
 * executables and shared libraries of any machine, for uprobes: their
 * program headers and their .dynsym, so that a function's file offset can
 * be found; it still reads nothing it has not bounds-checked.
 *
 * The buffer may come from anywhere, hostile included, and need not be
 * aligned: every multi-byte field is read with memcpy, every offset is
 * checked against the file size without overflowing, and every allocation
 * is bounded by the file size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "internal.h"

#define SHDR_SZ sizeof(Elf64_Shdr)
#define SYM_SZ sizeof(Elf64_Sym)
#define REL_SZ sizeof(Elf64_Rel)
#define PHDR_SZ sizeof(Elf64_Phdr)

/* A symbol table (SHT_SYMTAB or SHT_DYNSYM) and its string table. */
struct symtab {
	size_t idx; /* section index, 0 if none */
	size_t n; /* symbols, counting the null symbol 0 */
	const unsigned char *syms;
	const char *str; /* its string table, NUL-terminated */
	size_t str_sz;
	const unsigned char *xindex; /* SHT_SYMTAB_SHNDX data, n words, or NULL */
	const char *what; /* "symbol" or "dynamic symbol", for messages */
};

struct ebpfc__elf {
	const unsigned char *data;
	size_t size;
	const char *name; /* copy, stored after the struct */
	Elf64_Ehdr ehdr; /* copy: the buffer may be unaligned */
	Elf64_Shdr *shdrs; /* copy of the section header table, shnum entries */
	size_t shnum;
	size_t shstrndx; /* 0: the object has no section names */
	const char *shstr; /* section name string table, NUL-terminated */
	size_t shstr_sz;
	struct symtab sym; /* the SHT_SYMTAB */
	struct symtab dyn; /* the SHT_DYNSYM, read only in exec mode */
	bool exec; /* ebpfc__elf_opts.exec: an executable or shared object */
	Elf64_Phdr *phdrs; /* exec mode: copy of the program headers, phnum entries */
	size_t phnum;
};

/* Room for "section 123456 (<48 chars of name>)". */
#define LABEL_MAX 96

static const char *sec_name_raw(const struct ebpfc__elf *elf, size_t idx)
{
	uint32_t off;

	if (idx >= elf->shnum || !elf->shstr)
		return NULL;
	off = elf->shdrs[idx].sh_name;
	if (off >= elf->shstr_sz)
		return NULL;
	return elf->shstr + off;
}

/* "section 7 (.text)", or "section 7" while names are not yet trusted. */
static const char *sec_label(const struct ebpfc__elf *elf, size_t idx, char buf[LABEL_MAX])
{
	const char *n = sec_name_raw(elf, idx);

	if (n && *n)
		snprintf(buf, LABEL_MAX, "section %zu (%.48s%s)", idx, n,
			 strlen(n) > 48 ? "..." : "");
	else
		snprintf(buf, LABEL_MAX, "section %zu", idx);
	return buf;
}

static const char *type_name(uint16_t t)
{
	switch (t) {
	case ET_NONE: return "ET_NONE";
	case ET_EXEC: return "ET_EXEC, an executable";
	case ET_DYN: return "ET_DYN, a shared object";
	case ET_CORE: return "ET_CORE, a core dump";
	default: return "unknown";
	}
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case EM_NONE: return "EM_NONE";
	case EM_386: return "EM_386, i386";
	case EM_ARM: return "EM_ARM, 32-bit Arm";
	case EM_X86_64: return "EM_X86_64, x86-64";
	case EM_AARCH64: return "EM_AARCH64, arm64";
	case EM_RISCV: return "EM_RISCV, RISC-V";
	case EM_PPC64: return "EM_PPC64, powerpc64";
	case EM_S390: return "EM_S390, s390";
	default: return "not BPF";
	}
}

static bool host_is_little_endian(void)
{
	const uint16_t one = 1;
	unsigned char b;

	memcpy(&b, &one, 1);
	return b == 1;
}

/* [off, off + len) inside a buffer of `size` bytes, without overflow. */
static bool in_bounds(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/*
 * Size of a section's contents as relocations and symbols see them: for
 * SHF_COMPRESSED (e.g. DWARF squeezed by objcopy) the uncompressed ch_size
 * from its Elf64_Chdr, whose presence check_section() ensured.
 */
static uint64_t content_size(const struct ebpfc__elf *elf, size_t idx)
{
	const Elf64_Shdr *sh = &elf->shdrs[idx];
	Elf64_Chdr ch;

	if (!(sh->sh_flags & SHF_COMPRESSED) || sh->sh_type == SHT_NOBITS)
		return sh->sh_size;
	memcpy(&ch, elf->data + sh->sh_offset, sizeof(ch));
	return ch.ch_size;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	/* Both ranges are known to lie inside the file, so no overflow. */
	return alen && blen && a < b + blen && b < a + alen;
}

static int check_ident(const unsigned char *d, size_t size, const char *name)
{
	static const unsigned char magic[SELFMAG] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3 };

	if (size < SELFMAG || memcmp(d, magic, SELFMAG) != 0)
		return ebpfc__err(ENOEXEC, "object '%s': not an ELF file (%zu bytes, no \\177ELF magic)",
				  name, size);
	if (size < EI_NIDENT)
		return ebpfc__err(EINVAL, "object '%s': truncated: %zu bytes, smaller than the ELF "
				  "identification (%d bytes)", name, size, EI_NIDENT);
	if (d[EI_CLASS] != ELFCLASS64)
		return ebpfc__err(ENOEXEC, "object '%s': ELF class %u (%s), but BPF objects are ELF64",
				  name, d[EI_CLASS],
				  d[EI_CLASS] == ELFCLASS32 ? "ELFCLASS32" : "invalid");
	if (d[EI_DATA] != ELFDATA2LSB && d[EI_DATA] != ELFDATA2MSB)
		return ebpfc__err(ENOEXEC, "object '%s': invalid ELF data encoding %u in e_ident",
				  name, d[EI_DATA]);
	if ((d[EI_DATA] == ELFDATA2LSB) != host_is_little_endian())
		return ebpfc__err(ENOEXEC, "object '%s': %s-endian object, but this host is %s-endian "
				  "and ebpfc does not byte-swap objects (compile with clang -target "
				  "bpf, or -target %s, on the host's byte order)", name,
				  d[EI_DATA] == ELFDATA2MSB ? "big" : "little",
				  host_is_little_endian() ? "little" : "big",
				  host_is_little_endian() ? "bpfel" : "bpfeb");
	if (d[EI_VERSION] != EV_CURRENT)
		return ebpfc__err(ENOEXEC, "object '%s': ELF identification version %u, expected "
				  "EV_CURRENT (1)", name, d[EI_VERSION]);
	return 0;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t size, const char *name, bool exec)
{
	if (eh->e_version != EV_CURRENT)
		return ebpfc__err(ENOEXEC, "object '%s': e_version %u, expected EV_CURRENT (1)",
				  name, eh->e_version);
	if (exec) {
		/* Any machine: uprobes read the host's binaries, whatever it is. */
		if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
			return ebpfc__err(ENOEXEC, "file '%s': e_type %u (%s), expected an "
					  "executable (ET_EXEC) or a shared object (ET_DYN)",
					  name, eh->e_type, type_name(eh->e_type));
	} else if (eh->e_machine != EM_BPF)
		return ebpfc__err(ENOEXEC, "object '%s': e_machine %u (%s), expected EM_BPF (247): "
				  "not a BPF object (compile with clang -target bpf)",
				  name, eh->e_machine, machine_name(eh->e_machine));
	else if (eh->e_type != ET_REL)
		return ebpfc__err(ENOEXEC, "object '%s': e_type %u (%s), expected ET_REL: ebpfc "
				  "loads relocatable objects, as written by clang -c",
				  name, eh->e_type, type_name(eh->e_type));
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return ebpfc__err(EINVAL, "object '%s': e_ehsize %u, expected %zu",
				  name, eh->e_ehsize, sizeof(Elf64_Ehdr));
	if (eh->e_shoff == 0) {
		if (eh->e_shnum != 0 || eh->e_shstrndx != SHN_UNDEF)
			return ebpfc__err(EINVAL, "object '%s': e_shoff is 0 (no section header "
					  "table) but e_shnum is %u and e_shstrndx %u",
					  name, eh->e_shnum, eh->e_shstrndx);
		return 0;
	}
	if (eh->e_shentsize != SHDR_SZ)
		return ebpfc__err(EINVAL, "object '%s': e_shentsize %u, expected %zu",
				  name, eh->e_shentsize, SHDR_SZ);
	if (eh->e_shoff < sizeof(Elf64_Ehdr))
		return ebpfc__err(EINVAL, "object '%s': e_shoff 0x%llx: the section header table "
				  "overlaps the ELF header", name, (unsigned long long)eh->e_shoff);
	if (!in_bounds(eh->e_shoff, SHDR_SZ, size))
		return ebpfc__err(EINVAL, "object '%s': e_shoff 0x%llx is past the end of the file "
				  "(0x%zx bytes)", name, (unsigned long long)eh->e_shoff, size);
	return 0;
}

/*
 * Section count and name table index, with extended numbering: e_shnum 0
 * means the count is in section 0's sh_size, e_shstrndx SHN_XINDEX means
 * the index is in its sh_link.
 */
static int read_counts(const unsigned char *d, size_t size, const Elf64_Ehdr *eh,
		       const char *name, size_t *shnum, size_t *shstrndx)
{
	Elf64_Shdr s0;
	uint64_t n, max;

	*shnum = 0;
	*shstrndx = 0;
	if (eh->e_shoff == 0)
		return 0;
	memcpy(&s0, d + eh->e_shoff, sizeof(s0));
	if (s0.sh_type != SHT_NULL)
		return ebpfc__err(EINVAL, "object '%s': section 0: sh_type %u, expected SHT_NULL",
				  name, s0.sh_type);
	n = eh->e_shnum;
	if (n == 0) {
		n = s0.sh_size;
		if (n == 0)
			return ebpfc__err(EINVAL, "object '%s': e_shnum is 0 and section 0's sh_size "
					  "(the extended section count) is 0 too", name);
	}
	max = (size - eh->e_shoff) / SHDR_SZ;
	if (n > max)
		return ebpfc__err(EINVAL, "object '%s': section header table at 0x%llx with %llu "
				  "entries of %zu bytes is past the end of the file (0x%zx bytes)",
				  name, (unsigned long long)eh->e_shoff, (unsigned long long)n,
				  SHDR_SZ, size);
	*shnum = n;

	n = eh->e_shstrndx;
	if (n == SHN_XINDEX)
		n = s0.sh_link;
	else if (n >= SHN_LORESERVE)
		return ebpfc__err(EINVAL, "object '%s': e_shstrndx 0x%llx is a reserved section index",
				  name, (unsigned long long)n);
	if (n >= *shnum)
		return ebpfc__err(EINVAL, "object '%s': e_shstrndx %llu%s is out of range (%zu sections)",
				  name, (unsigned long long)n,
				  eh->e_shstrndx == SHN_XINDEX ? " (from section 0's sh_link)" : "",
				  *shnum);
	*shstrndx = n;
	return 0;
}

/* A string table: in the file, non-empty, last byte NUL. */
static int check_strtab(const struct ebpfc__elf *elf, size_t idx, const char *what)
{
	const Elf64_Shdr *sh = &elf->shdrs[idx];
	char lbl[LABEL_MAX];

	if (sh->sh_type != SHT_STRTAB)
		return ebpfc__err(EINVAL, "object '%s': %s (%s) has sh_type %u, expected SHT_STRTAB",
				  elf->name, sec_label(elf, idx, lbl), what, sh->sh_type);
	if (!in_bounds(sh->sh_offset, sh->sh_size, elf->size))
		return ebpfc__err(EINVAL, "object '%s': %s (%s): sh_offset 0x%llx + sh_size 0x%llx "
				  "is past the end of the file (0x%zx bytes)",
				  elf->name, sec_label(elf, idx, lbl), what,
				  (unsigned long long)sh->sh_offset, (unsigned long long)sh->sh_size,
				  elf->size);
	if (sh->sh_size == 0)
		return ebpfc__err(EINVAL, "object '%s': %s (%s) is empty",
				  elf->name, sec_label(elf, idx, lbl), what);
	if (elf->data[sh->sh_offset + sh->sh_size - 1] != '\0')
		return ebpfc__err(EINVAL, "object '%s': %s (%s) does not end with a NUL byte: "
				  "its last string is not terminated",
				  elf->name, sec_label(elf, idx, lbl), what);
	return 0;
}

static int check_section(struct ebpfc__elf *elf, size_t idx)
{
	const Elf64_Shdr *sh = &elf->shdrs[idx];
	uint64_t tab_off = elf->ehdr.e_shoff, tab_len = (uint64_t)elf->shnum * SHDR_SZ;
	uint64_t align;
	char lbl[LABEL_MAX];

	if (elf->shstr ? sh->sh_name >= elf->shstr_sz : sh->sh_name != 0)
		return ebpfc__err(EINVAL, "object '%s': section %zu: sh_name %u is outside the "
				  "section name table (%zu bytes)", elf->name, idx, sh->sh_name,
				  elf->shstr ? elf->shstr_sz : (size_t)0);
	if (sh->sh_addralign & (sh->sh_addralign - 1))
		return ebpfc__err(EINVAL, "object '%s': %s: sh_addralign %llu is not a power of two",
				  elf->name, sec_label(elf, idx, lbl),
				  (unsigned long long)sh->sh_addralign);
	if (sh->sh_type == SHT_NOBITS)
		return 0;
	if (!in_bounds(sh->sh_offset, sh->sh_size, elf->size))
		return ebpfc__err(EINVAL, "object '%s': %s: sh_offset 0x%llx + sh_size 0x%llx is "
				  "past the end of the file (0x%zx bytes)",
				  elf->name, sec_label(elf, idx, lbl),
				  (unsigned long long)sh->sh_offset, (unsigned long long)sh->sh_size,
				  elf->size);
	/* Linked files promise nothing here that matters: every read is a memcpy. */
	align = sh->sh_addralign < 8 ? sh->sh_addralign : 8;
	if (!elf->exec && align > 1 && sh->sh_offset % align)
		return ebpfc__err(EINVAL, "object '%s': %s: sh_offset 0x%llx is not aligned to "
				  "sh_addralign %llu", elf->name, sec_label(elf, idx, lbl),
				  (unsigned long long)sh->sh_offset,
				  (unsigned long long)sh->sh_addralign);
	if ((sh->sh_flags & SHF_COMPRESSED) && sh->sh_size < sizeof(Elf64_Chdr))
		return ebpfc__err(EINVAL, "object '%s': %s: SHF_COMPRESSED but sh_size %llu cannot "
				  "hold an Elf64_Chdr (%zu bytes)", elf->name,
				  sec_label(elf, idx, lbl), (unsigned long long)sh->sh_size,
				  sizeof(Elf64_Chdr));
	if (ranges_overlap(sh->sh_offset, sh->sh_size, 0, sizeof(Elf64_Ehdr)))
		return ebpfc__err(EINVAL, "object '%s': %s: [0x%llx, 0x%llx) overlaps the ELF header",
				  elf->name, sec_label(elf, idx, lbl),
				  (unsigned long long)sh->sh_offset,
				  (unsigned long long)(sh->sh_offset + sh->sh_size));
	if (ranges_overlap(sh->sh_offset, sh->sh_size, tab_off, tab_len))
		return ebpfc__err(EINVAL, "object '%s': %s: [0x%llx, 0x%llx) overlaps the section "
				  "header table [0x%llx, 0x%llx)", elf->name, sec_label(elf, idx, lbl),
				  (unsigned long long)sh->sh_offset,
				  (unsigned long long)(sh->sh_offset + sh->sh_size),
				  (unsigned long long)tab_off, (unsigned long long)(tab_off + tab_len));
	switch (sh->sh_type) {
	case SHT_RELA:
		if (elf->exec)
			break;
		return ebpfc__err(EINVAL, "object '%s': %s: SHT_RELA relocations are not used by "
				  "BPF (clang writes SHT_REL); refusing rather than ignoring them",
				  elf->name, sec_label(elf, idx, lbl));
	case SHT_SYMTAB:
		if (elf->sym.idx)
			return ebpfc__err(EINVAL, "object '%s': %s is a second SHT_SYMTAB (the first "
					  "is section %zu); a relocatable object has exactly one",
					  elf->name, sec_label(elf, idx, lbl), elf->sym.idx);
		elf->sym.idx = idx;
		break;
	case SHT_DYNSYM:
		if (!elf->exec)
			break;
		if (elf->dyn.idx)
			return ebpfc__err(EINVAL, "file '%s': %s is a second SHT_DYNSYM (the first "
					  "is section %zu)", elf->name, sec_label(elf, idx, lbl),
					  elf->dyn.idx);
		elf->dyn.idx = idx;
		break;
	}
	return 0;
}

struct extent {
	uint64_t off, end;
	size_t idx;
};

static int extent_cmp(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* No two sections with file data may share a byte. */
static int check_overlaps(const struct ebpfc__elf *elf)
{
	struct extent *ex;
	size_t i, n = 0, widest = 0;
	char l1[LABEL_MAX], l2[LABEL_MAX];
	int err = 0;

	if (elf->shnum < 3)
		return 0;
	/* shnum * 24 < file size: shnum headers of 64 bytes are in the file. */
	ex = malloc(elf->shnum * sizeof(*ex));
	if (!ex)
		return ebpfc__err(ENOMEM, "object '%s': out of memory checking %zu sections",
				  elf->name, elf->shnum);
	for (i = 1; i < elf->shnum; i++) {
		const Elf64_Shdr *sh = &elf->shdrs[i];

		if (sh->sh_type == SHT_NOBITS || sh->sh_size == 0)
			continue;
		ex[n].off = sh->sh_offset;
		ex[n].end = sh->sh_offset + sh->sh_size;
		ex[n].idx = i;
		n++;
	}
	if (n > 1)
		qsort(ex, n, sizeof(*ex), extent_cmp);
	for (i = 1; i < n; i++) {
		if (ex[i].off < ex[widest].end) {
			err = ebpfc__err(EINVAL, "object '%s': %s [0x%llx, 0x%llx) overlaps %s "
					 "[0x%llx, 0x%llx)", elf->name,
					 sec_label(elf, ex[i].idx, l1),
					 (unsigned long long)ex[i].off, (unsigned long long)ex[i].end,
					 sec_label(elf, ex[widest].idx, l2),
					 (unsigned long long)ex[widest].off,
					 (unsigned long long)ex[widest].end);
			break;
		}
		if (ex[i].end > ex[widest].end)
			widest = i;
	}
	free(ex);
	return err;
}

static Elf64_Sym read_sym(const struct symtab *tab, size_t idx)
{
	Elf64_Sym s;

	memcpy(&s, tab->syms + idx * SYM_SZ, sizeof(s));
	return s;
}

/* st_shndx with SHN_XINDEX resolved; callers validated the table. */
static uint32_t sym_shndx(const struct symtab *tab, size_t idx, const Elf64_Sym *s)
{
	uint32_t x;

	if (s->st_shndx != SHN_XINDEX || !tab->xindex)
		return s->st_shndx;
	memcpy(&x, tab->xindex + idx * sizeof(uint32_t), sizeof(x));
	return x;
}

static int check_symbol(const struct ebpfc__elf *elf, const struct symtab *tab, size_t idx)
{
	Elf64_Sym s = read_sym(tab, idx);
	char lbl[LABEL_MAX];
	uint32_t shndx;
	uint64_t limit;

	if (s.st_name >= tab->str_sz)
		return ebpfc__err(EINVAL, "object '%s': %s %zu: st_name %u is outside the "
				  "%s string table (section %u, %zu bytes)",
				  elf->name, tab->what, idx, s.st_name, tab->what,
				  elf->shdrs[tab->idx].sh_link, tab->str_sz);
	if (s.st_shndx == SHN_XINDEX && !tab->xindex)
		return ebpfc__err(EINVAL, "object '%s': %s %zu (%.64s): st_shndx is SHN_XINDEX but "
				  "the object has no SHT_SYMTAB_SHNDX section",
				  elf->name, tab->what, idx, tab->str + s.st_name);
	shndx = sym_shndx(tab, idx, &s);
	if (shndx == SHN_UNDEF || (s.st_shndx != SHN_XINDEX &&
				   (shndx == SHN_ABS || shndx == SHN_COMMON)))
		return 0;
	if (shndx >= elf->shnum || (s.st_shndx != SHN_XINDEX && shndx >= SHN_LORESERVE))
		return ebpfc__err(EINVAL, "object '%s': %s %zu (%.64s): section index %u%s is out "
				  "of range (%zu sections)", elf->name, tab->what, idx,
				  tab->str + s.st_name, shndx,
				  s.st_shndx == SHN_XINDEX ? " (from SHT_SYMTAB_SHNDX)" : "", elf->shnum);
	/*
	 * In a linked file st_value is an address, not an offset in the
	 * section; nothing reads memory through it (see vaddr_to_offset).
	 */
	if (elf->exec)
		return 0;
	limit = content_size(elf, shndx);
	if (s.st_value > limit || s.st_size > limit - s.st_value)
		return ebpfc__err(EINVAL, "object '%s': symbol %zu (%.64s): st_value 0x%llx + "
				  "st_size 0x%llx is past the end of %s, which is 0x%llx bytes",
				  elf->name, idx, tab->str + s.st_name,
				  (unsigned long long)s.st_value, (unsigned long long)s.st_size,
				  sec_label(elf, shndx, lbl), (unsigned long long)limit);
	return 0;
}

static int check_symtab(struct ebpfc__elf *elf, struct symtab *tab)
{
	const Elf64_Shdr *sh = &elf->shdrs[tab->idx];
	char lbl[LABEL_MAX], strwhat[32];
	size_t i, xidx = 0;
	int err;

	if (sh->sh_entsize != SYM_SZ)
		return ebpfc__err(EINVAL, "object '%s': %s (%s table): sh_entsize %llu, "
				  "expected %zu", elf->name, sec_label(elf, tab->idx, lbl), tab->what,
				  (unsigned long long)sh->sh_entsize, SYM_SZ);
	if (sh->sh_size % SYM_SZ)
		return ebpfc__err(EINVAL, "object '%s': %s (%s table): sh_size %llu is not a "
				  "multiple of %zu", elf->name, sec_label(elf, tab->idx, lbl),
				  tab->what, (unsigned long long)sh->sh_size, SYM_SZ);
	if (sh->sh_link == 0 || sh->sh_link >= elf->shnum)
		return ebpfc__err(EINVAL, "object '%s': %s (%s table): sh_link %u is not a "
				  "valid string table index (%zu sections)", elf->name,
				  sec_label(elf, tab->idx, lbl), tab->what, sh->sh_link, elf->shnum);
	snprintf(strwhat, sizeof(strwhat), "%s string table", tab->what);
	err = check_strtab(elf, sh->sh_link, strwhat);
	if (err)
		return err;
	tab->str = (const char *)elf->data + elf->shdrs[sh->sh_link].sh_offset;
	tab->str_sz = elf->shdrs[sh->sh_link].sh_size;
	tab->syms = elf->data + sh->sh_offset;
	tab->n = sh->sh_size / SYM_SZ;
	if (sh->sh_info > tab->n)
		return ebpfc__err(EINVAL, "object '%s': %s (%s table): sh_info %u (first "
				  "non-local symbol) is past its %zu symbols", elf->name,
				  sec_label(elf, tab->idx, lbl), tab->what, sh->sh_info, tab->n);

	for (i = 1; i < elf->shnum; i++) {
		const Elf64_Shdr *x = &elf->shdrs[i];

		if (x->sh_type != SHT_SYMTAB_SHNDX || x->sh_link != tab->idx)
			continue;
		if (xidx)
			return ebpfc__err(EINVAL, "object '%s': %s is a second SHT_SYMTAB_SHNDX for "
					  "the %s table (the first is section %zu)",
					  elf->name, sec_label(elf, i, lbl), tab->what, xidx);
		if (x->sh_entsize != sizeof(uint32_t) || x->sh_size / sizeof(uint32_t) < tab->n)
			return ebpfc__err(EINVAL, "object '%s': %s (SHT_SYMTAB_SHNDX): sh_entsize %llu "
					  "and sh_size %llu do not cover %zu symbols of 4 bytes",
					  elf->name, sec_label(elf, i, lbl),
					  (unsigned long long)x->sh_entsize,
					  (unsigned long long)x->sh_size, tab->n);
		xidx = i;
		tab->xindex = elf->data + x->sh_offset;
	}

	for (i = 0; i < tab->n; i++) {
		err = check_symbol(elf, tab, i);
		if (err)
			return err;
	}
	return 0;
}

static int check_rel_headers(const struct ebpfc__elf *elf)
{
	char lbl[LABEL_MAX], tl[LABEL_MAX];
	size_t i;

	for (i = 1; i < elf->shnum; i++) {
		const Elf64_Shdr *sh = &elf->shdrs[i];

		if (sh->sh_type == SHT_SYMTAB_SHNDX && (!elf->sym.idx || sh->sh_link != elf->sym.idx) &&
		    !(elf->dyn.idx && sh->sh_link == elf->dyn.idx))
			return ebpfc__err(EINVAL, "object '%s': %s (SHT_SYMTAB_SHNDX): sh_link %u is not "
					  "the symbol table (section %zu%s)", elf->name,
					  sec_label(elf, i, lbl), sh->sh_link, elf->sym.idx,
					  elf->sym.idx ? "" : ": there is none");
		/* A linked file's relocations are the dynamic linker's business. */
		if (sh->sh_type != SHT_REL || elf->exec)
			continue;
		if (sh->sh_entsize != REL_SZ)
			return ebpfc__err(EINVAL, "object '%s': %s (relocations): sh_entsize %llu, "
					  "expected %zu", elf->name, sec_label(elf, i, lbl),
					  (unsigned long long)sh->sh_entsize, REL_SZ);
		if (sh->sh_size % REL_SZ)
			return ebpfc__err(EINVAL, "object '%s': %s (relocations): sh_size %llu is not "
					  "a multiple of %zu", elf->name, sec_label(elf, i, lbl),
					  (unsigned long long)sh->sh_size, REL_SZ);
		if (!elf->sym.idx)
			return ebpfc__err(EINVAL, "object '%s': %s has relocations but the object has "
					  "no symbol table", elf->name, sec_label(elf, i, lbl));
		if (sh->sh_link != elf->sym.idx)
			return ebpfc__err(EINVAL, "object '%s': %s (relocations): sh_link %u is not "
					  "the symbol table (section %zu)", elf->name,
					  sec_label(elf, i, lbl), sh->sh_link, elf->sym.idx);
		if (sh->sh_info == 0 || sh->sh_info >= elf->shnum)
			return ebpfc__err(EINVAL, "object '%s': %s (relocations): sh_info %u is not a "
					  "valid section index (%zu sections)", elf->name,
					  sec_label(elf, i, lbl), sh->sh_info, elf->shnum);
		if (elf->shdrs[sh->sh_info].sh_type == SHT_NOBITS ||
		    elf->shdrs[sh->sh_info].sh_type == SHT_NULL)
			return ebpfc__err(EINVAL, "object '%s': %s (relocations): relocates %s, "
					  "which has no data in the file (sh_type %u)", elf->name,
					  sec_label(elf, i, lbl), sec_label(elf, sh->sh_info, tl),
					  elf->shdrs[sh->sh_info].sh_type);
	}
	return 0;
}

static int validate(struct ebpfc__elf *elf)
{
	size_t i;
	int err;

	if (elf->shstrndx) {
		err = check_strtab(elf, elf->shstrndx, "section name table");
		if (err)
			return err;
		elf->shstr = (const char *)elf->data + elf->shdrs[elf->shstrndx].sh_offset;
		elf->shstr_sz = elf->shdrs[elf->shstrndx].sh_size;
	}
	for (i = 1; i < elf->shnum; i++) {
		err = check_section(elf, i);
		if (err)
			return err;
	}
	/*
	 * Overlapping sections would only confuse a BPF object's meaning; a
	 * linked file is read through bounds-checked symbols and segments.
	 */
	if (!elf->exec) {
		err = check_overlaps(elf);
		if (err)
			return err;
	}
	if (elf->sym.idx) {
		err = check_symtab(elf, &elf->sym);
		if (err)
			return err;
	}
	if (elf->dyn.idx) {
		err = check_symtab(elf, &elf->dyn);
		if (err)
			return err;
	}
	return check_rel_headers(elf);
}

/*
 * Exec mode: the number of program headers (PN_XNUM: the real count is in
 * section 0's sh_info) and the table's place in the file.
 */
static int read_phnum(const unsigned char *d, size_t size, const Elf64_Ehdr *eh,
		      const char *name, size_t shnum, size_t *phnum)
{
	Elf64_Shdr s0;
	uint64_t n = eh->e_phnum;

	*phnum = 0;
	if (eh->e_phoff == 0) {
		if (n)
			return ebpfc__err(EINVAL, "file '%s': e_phoff is 0 (no program headers) but "
					  "e_phnum is %llu", name, (unsigned long long)n);
		return 0;
	}
	if (n == PN_XNUM) {
		if (!shnum)
			return ebpfc__err(EINVAL, "file '%s': e_phnum is PN_XNUM but there is no "
					  "section 0 to hold the count", name);
		memcpy(&s0, d + eh->e_shoff, sizeof(s0));
		n = s0.sh_info;
	}
	if (n == 0)
		return 0;
	if (eh->e_phentsize != PHDR_SZ)
		return ebpfc__err(EINVAL, "file '%s': e_phentsize %u, expected %zu", name,
				  eh->e_phentsize, PHDR_SZ);
	/* n < 2^32, so n * 56 cannot overflow 64 bits. */
	if (!in_bounds(eh->e_phoff, n * PHDR_SZ, size))
		return ebpfc__err(EINVAL, "file '%s': program header table at 0x%llx with %llu "
				  "entries of %zu bytes is past the end of the file (0x%zx bytes)",
				  name, (unsigned long long)eh->e_phoff, (unsigned long long)n,
				  PHDR_SZ, size);
	*phnum = n;
	return 0;
}

/* Every segment's bytes lie in the file; a loadable one's addresses do not wrap. */
static int check_phdrs(const struct ebpfc__elf *elf)
{
	size_t i;

	for (i = 0; i < elf->phnum; i++) {
		const Elf64_Phdr *ph = &elf->phdrs[i];

		if (ph->p_filesz && !in_bounds(ph->p_offset, ph->p_filesz, elf->size))
			return ebpfc__err(EINVAL, "file '%s': program header %zu: p_offset 0x%llx + "
					  "p_filesz 0x%llx is past the end of the file (0x%zx bytes)",
					  elf->name, i, (unsigned long long)ph->p_offset,
					  (unsigned long long)ph->p_filesz, elf->size);
		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
			return ebpfc__err(EINVAL, "file '%s': program header %zu (PT_LOAD): p_vaddr "
					  "0x%llx, p_filesz 0x%llx, p_memsz 0x%llx do not describe a "
					  "segment", elf->name, i, (unsigned long long)ph->p_vaddr,
					  (unsigned long long)ph->p_filesz,
					  (unsigned long long)ph->p_memsz);
	}
	return 0;
}

int ebpfc__elf_open(const void *data, size_t size, const char *name, struct ebpfc__elf **out)
{
	return ebpfc__elf_open_opts(data, size, name, NULL, out);
}

int ebpfc__elf_open_opts(const void *data, size_t size, const char *name,
			 const struct ebpfc__elf_opts *opts, struct ebpfc__elf **out)
{
	const unsigned char *d = data;
	struct ebpfc__elf *elf;
	size_t shnum, shstrndx, name_len, hdr_off, ph_off = 0, phnum = 0;
	bool exec = opts && opts->exec;
	Elf64_Ehdr eh;
	int err;

	if (!out)
		return ebpfc__err(EINVAL, "ebpfc__elf_open: out is NULL");
	*out = NULL;
	if (!name)
		name = "<memory>";
	if (!data && size)
		return ebpfc__err(EINVAL, "object '%s': data is NULL but size is %zu", name, size);
	err = check_ident(d, size, name);
	if (err)
		return err;
	if (size < sizeof(eh))
		return ebpfc__err(EINVAL, "object '%s': truncated: %zu bytes, smaller than the ELF "
				  "header (%zu bytes)", name, size, sizeof(eh));
	memcpy(&eh, d, sizeof(eh));
	err = check_ehdr(&eh, size, name, exec);
	if (err)
		return err;
	err = read_counts(d, size, &eh, name, &shnum, &shstrndx);
	if (err)
		return err;
	if (exec) {
		err = read_phnum(d, size, &eh, name, shnum, &phnum);
		if (err)
			return err;
	}

	/*
	 * One allocation: struct, name, the section headers (shnum * 64 <=
	 * size), then the program headers (phnum * 56 <= size).
	 */
	name_len = strlen(name) + 1;
	hdr_off = EBPFC__ROUND_UP(sizeof(*elf) + name_len, _Alignof(Elf64_Shdr));
	ph_off = EBPFC__ROUND_UP(hdr_off + shnum * SHDR_SZ, _Alignof(Elf64_Phdr));
	elf = malloc(ph_off + phnum * PHDR_SZ);
	if (!elf)
		return ebpfc__err(ENOMEM, "object '%s': out of memory for %zu section headers",
				  name, shnum);
	memset(elf, 0, sizeof(*elf));
	memcpy((char *)elf + sizeof(*elf), name, name_len);
	elf->name = (const char *)elf + sizeof(*elf);
	elf->data = d;
	elf->size = size;
	elf->ehdr = eh;
	elf->shdrs = (Elf64_Shdr *)((char *)elf + hdr_off);
	elf->shnum = shnum;
	elf->shstrndx = shstrndx;
	elf->sym.what = "symbol";
	elf->dyn.what = "dynamic symbol";
	elf->exec = exec;
	elf->phdrs = (Elf64_Phdr *)((char *)elf + ph_off);
	elf->phnum = phnum;
	if (shnum)
		memcpy(elf->shdrs, d + eh.e_shoff, shnum * SHDR_SZ);
	if (phnum)
		memcpy(elf->phdrs, d + eh.e_phoff, phnum * PHDR_SZ);

	err = exec ? check_phdrs(elf) : 0;
	if (!err)
		err = validate(elf);
	if (err) {
		free(elf);
		return err;
	}
	*out = elf;
	return 0;
}

void ebpfc__elf_close(struct ebpfc__elf *elf)
{
	free(elf);
}

const char *ebpfc__elf_name(const struct ebpfc__elf *elf)
{
	return elf->name;
}

uint32_t ebpfc__elf_flags(const struct ebpfc__elf *elf)
{
	return elf->ehdr.e_flags;
}

bool ebpfc__elf_is_little_endian(const struct ebpfc__elf *elf)
{
	return elf->ehdr.e_ident[EI_DATA] == ELFDATA2LSB;
}

size_t ebpfc__elf_section_count(const struct ebpfc__elf *elf)
{
	return elf->shnum;
}

const char *ebpfc__elf_section_name(const struct ebpfc__elf *elf, size_t idx)
{
	const char *n;

	if (idx >= elf->shnum)
		return NULL;
	n = sec_name_raw(elf, idx);
	return n ? n : "";
}

int ebpfc__elf_section(const struct ebpfc__elf *elf, size_t idx, struct ebpfc__elf_sec *sec)
{
	const Elf64_Shdr *sh;

	if (idx >= elf->shnum)
		return ebpfc__err(EINVAL, "object '%s': section %zu is out of range (%zu sections)",
				  elf->name, idx, elf->shnum);
	sh = &elf->shdrs[idx];
	sec->index = idx;
	sec->name = ebpfc__elf_section_name(elf, idx);
	/* Section 0's fields may hold extended counts, not a place in the file. */
	sec->data = (idx == 0 || sh->sh_type == SHT_NOBITS) ? NULL : elf->data + sh->sh_offset;
	sec->size = idx == 0 ? 0 : sh->sh_size;
	sec->flags = sh->sh_flags;
	sec->addralign = sh->sh_addralign;
	sec->entsize = sh->sh_entsize;
	sec->type = sh->sh_type;
	sec->link = idx == 0 ? 0 : sh->sh_link;
	sec->info = sh->sh_info;
	return 0;
}

int ebpfc__elf_section_by_name(const struct ebpfc__elf *elf, const char *name,
			       struct ebpfc__elf_sec *sec)
{
	size_t i;

	if (!name)
		return ebpfc__err(EINVAL, "object '%s': section lookup with a NULL name", elf->name);
	for (i = 1; i < elf->shnum; i++) {
		const char *n = sec_name_raw(elf, i);

		if (n && strcmp(n, name) == 0)
			return sec ? ebpfc__elf_section(elf, i, sec) : 0;
	}
	return ebpfc__err(ENOENT, "object '%s': no section named '%s'", elf->name, name);
}

size_t ebpfc__elf_symtab_index(const struct ebpfc__elf *elf)
{
	return elf->sym.idx;
}

size_t ebpfc__elf_sym_count(const struct ebpfc__elf *elf)
{
	return elf->sym.n;
}

static int tab_sym(const struct ebpfc__elf *elf, const struct symtab *tab, size_t idx,
		   struct ebpfc__elf_sym *sym)
{
	Elf64_Sym s;

	if (idx >= tab->n)
		return ebpfc__err(EINVAL, "object '%s': %s %zu is out of range (%zu symbols)",
				  elf->name, tab->what, idx, tab->n);
	s = read_sym(tab, idx);
	sym->index = idx;
	sym->name = tab->str + s.st_name;
	sym->value = s.st_value;
	sym->size = s.st_size;
	sym->shndx = sym_shndx(tab, idx, &s);
	sym->bind = ELF64_ST_BIND(s.st_info);
	sym->type = ELF64_ST_TYPE(s.st_info);
	sym->visibility = ELF64_ST_VISIBILITY(s.st_other);
	return 0;
}

int ebpfc__elf_sym(const struct ebpfc__elf *elf, size_t idx, struct ebpfc__elf_sym *sym)
{
	return tab_sym(elf, &elf->sym, idx, sym);
}

size_t ebpfc__elf_dynsym_count(const struct ebpfc__elf *elf)
{
	return elf->dyn.n;
}

int ebpfc__elf_dynsym(const struct ebpfc__elf *elf, size_t idx, struct ebpfc__elf_sym *sym)
{
	return tab_sym(elf, &elf->dyn, idx, sym);
}

uint16_t ebpfc__elf_type(const struct ebpfc__elf *elf)
{
	return elf->ehdr.e_type;
}

uint16_t ebpfc__elf_machine(const struct ebpfc__elf *elf)
{
	return elf->ehdr.e_machine;
}

size_t ebpfc__elf_phdr_count(const struct ebpfc__elf *elf)
{
	return elf->phnum;
}

int ebpfc__elf_phdr(const struct ebpfc__elf *elf, size_t idx, Elf64_Phdr *phdr)
{
	if (idx >= elf->phnum)
		return ebpfc__err(EINVAL, "file '%s': program header %zu is out of range (%zu)",
				  elf->name, idx, elf->phnum);
	*phdr = elf->phdrs[idx];
	return 0;
}

int ebpfc__elf_vaddr_to_offset(const struct ebpfc__elf *elf, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < elf->phnum; i++) {
		const Elf64_Phdr *ph = &elf->phdrs[i];

		/* Checked at open: p_offset + p_filesz lies in the file. */
		if (ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr &&
		    vaddr - ph->p_vaddr < ph->p_filesz) {
			*off = vaddr - ph->p_vaddr + ph->p_offset;
			return 0;
		}
	}
	return ebpfc__err(ENOENT, "file '%s': address 0x%llx is in no loadable segment's file "
			  "bytes (%zu program headers)", elf->name, (unsigned long long)vaddr,
			  elf->phnum);
}

static int rel_section(const struct ebpfc__elf *elf, size_t relsec)
{
	char lbl[LABEL_MAX];

	if (relsec >= elf->shnum)
		return ebpfc__err(EINVAL, "object '%s': section %zu is out of range (%zu sections)",
				  elf->name, relsec, elf->shnum);
	if (elf->exec)
		return ebpfc__err(EINVAL, "file '%s': relocations of an executable or shared object "
				  "are not read (only BPF objects')", elf->name);
	if (elf->shdrs[relsec].sh_type != SHT_REL)
		return ebpfc__err(EINVAL, "object '%s': %s is not a relocation section (sh_type %u, "
				  "expected SHT_REL)", elf->name, sec_label(elf, relsec, lbl),
				  elf->shdrs[relsec].sh_type);
	return 0;
}

int ebpfc__elf_rel_count(const struct ebpfc__elf *elf, size_t relsec, size_t *count)
{
	int err = rel_section(elf, relsec);

	if (err)
		return err;
	*count = elf->shdrs[relsec].sh_size / REL_SZ;
	return 0;
}

/* Bytes a relocation of `type` patches at r_offset (see elf.h). */
static uint64_t rel_width(uint32_t type, bool code)
{
	switch (type) {
	case EBPFC__R_BPF_NONE:
		return 0;
	case EBPFC__R_BPF_64_64:
		return code ? 16 : 8;
	case EBPFC__R_BPF_64_ABS64:
		return 8;
	case EBPFC__R_BPF_64_32:
		return code ? 8 : 4;
	case EBPFC__R_BPF_64_ABS32:
	case EBPFC__R_BPF_64_NODYLD32:
		return 4;
	default:
		return 1;
	}
}

int ebpfc__elf_rel(const struct ebpfc__elf *elf, size_t relsec, size_t i,
		   struct ebpfc__elf_rel *rel)
{
	const Elf64_Shdr *sh, *tgt;
	char lbl[LABEL_MAX], tl[LABEL_MAX];
	uint64_t width, sym, limit;
	uint32_t type;
	Elf64_Rel r;
	int err;

	err = rel_section(elf, relsec);
	if (err)
		return err;
	sh = &elf->shdrs[relsec];
	if (i >= sh->sh_size / REL_SZ)
		return ebpfc__err(EINVAL, "object '%s': %s: relocation #%zu is out of range (%llu "
				  "relocations)", elf->name, sec_label(elf, relsec, lbl), i,
				  (unsigned long long)(sh->sh_size / REL_SZ));
	memcpy(&r, elf->data + sh->sh_offset + i * REL_SZ, sizeof(r));
	sym = ELF64_R_SYM(r.r_info);
	type = ELF64_R_TYPE(r.r_info);
	if (sym >= elf->sym.n)
		return ebpfc__err(EINVAL, "object '%s': %s: relocation #%zu (type %u): symbol index "
				  "%llu is out of range (%zu symbols)", elf->name,
				  sec_label(elf, relsec, lbl), i, type, (unsigned long long)sym,
				  elf->sym.n);
	tgt = &elf->shdrs[sh->sh_info];
	width = rel_width(type, tgt->sh_flags & SHF_EXECINSTR);
	limit = content_size(elf, sh->sh_info);
	if (r.r_offset > limit || width > limit - r.r_offset)
		return ebpfc__err(EINVAL, "object '%s': %s: relocation #%zu (type %u): r_offset "
				  "0x%llx + %llu bytes is past the end of %s, which is 0x%llx bytes",
				  elf->name, sec_label(elf, relsec, lbl), i, type,
				  (unsigned long long)r.r_offset, (unsigned long long)width,
				  sec_label(elf, sh->sh_info, tl), (unsigned long long)limit);
	rel->index = i;
	rel->offset = r.r_offset;
	rel->sym = (uint32_t)sym;
	rel->type = type;
	return 0;
}
