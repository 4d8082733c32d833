/*
 * elf.h - the library's own bounds-checked reader for ELF64 BPF relocatable
 * objects (what `clang -target bpf -c` writes): sections, symbols and
 * relocations, nothing else.
 *
 * It is not libelf and not a general ELF library: it reads only ELF64
 * ET_REL files for EM_BPF in the host's byte order, never writes, and knows
 * nothing of maps, programs or BTF (object.c and btf.c give the sections
 * their meaning). Internal: nothing here is API.
 *
 * One exception, asked for with ebpfc__elf_opts.exec: executables and
 * shared objects (ET_EXEC, ET_DYN) of any machine, so that uprobes can turn
 * a function name into a file offset. That mode also reads the program
 * headers and the .dynsym, accepts SHT_RELA, and checks less about layout
 * (section alignment and overlaps, symbol values, which are addresses
 * there), never less about bounds.
 *
 * The reader does not copy the file: section data, section names and
 * symbol names point into the caller's buffer, which must outlive the
 * struct ebpfc__elf. The buffer need not be aligned; a section's data is
 * aligned to min(sh_addralign, 8) whenever the buffer itself is 8-byte
 * aligned (ebpfc__elf_open checks every sh_offset for that).
 *
 * Errors: every function returns 0 or a negative errno and leaves an
 * ebpfc_errmsg() line naming the object, the section or symbol index and
 * what is wrong.
 *   -ENOEXEC  the bytes are not an ELF file, or an ELF file of the wrong
 *             kind: not ELF64, not the host's byte order (big-endian objects
 *             are refused on little-endian hosts, with a message saying so;
 *             nothing is byte-swapped), not EV_CURRENT, e_machine not EM_BPF,
 *             e_type not ET_REL.
 *   -EINVAL   a BPF ELF object that is malformed or truncated, or uses
 *             something BPF objects never use (SHT_RELA); also bad arguments
 *             and out-of-range indices given to an accessor.
 *   -ENOENT   ebpfc__elf_section_by_name found no such section.
 *   -ENOMEM   out of memory.
 */
/*
 * This file shadows the C library's <elf.h> for everything compiled with
 * -Isrc (the library and the tests), including system headers such as
 * <link.h> and <sys/auxv.h> that include <elf.h>. So it first pulls in the
 * real one, outside the include guard: `#include "elf.h"` from a file in
 * src/ finds this file relative to the includer, its #include_next then
 * starts over and finds this file again through -Isrc, and that copy's
 * #include_next reaches the system header. Either spelling, <elf.h> or
 * "elf.h", gives the system's Elf64_* types and SHT_/STB_/EM_ constants
 * plus the reader below.
 */
#ifdef __clang__
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winclude-next-absolute-path"
#endif
#include_next <elf.h>
#ifdef __clang__
#pragma clang diagnostic pop
#endif

#ifndef EBPFC_ELF_H
#define EBPFC_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* BPF relocation types (LLVM's BPFRelocs.def); glibc's elf.h lacks some. */
#define EBPFC__R_BPF_NONE 0
#define EBPFC__R_BPF_64_64 1 /* ld_imm64 immediate (16-byte instruction) */
#define EBPFC__R_BPF_64_ABS64 2 /* 64-bit data */
#define EBPFC__R_BPF_64_ABS32 3 /* 32-bit data */
#define EBPFC__R_BPF_64_NODYLD32 4 /* 32-bit data in .BTF.ext / DWARF */
#define EBPFC__R_BPF_64_32 10 /* call instruction's immediate */

/* An opened object: the validated headers of one caller-owned buffer. */
struct ebpfc__elf;

/*
 * One section, as ebpfc__elf_section() reports it. Pointers point into the
 * caller's buffer and live as long as it does.
 */
struct ebpfc__elf_sec {
	size_t index; /* section header index */
	const char *name; /* NUL-terminated; "" when the object has no names */
	/*
	 * sh_size bytes in the file; NULL for SHT_NOBITS (and index 0). With
	 * SHF_COMPRESSED in flags they start with an Elf64_Chdr and are not
	 * decompressed (relocations and symbols are checked against its
	 * ch_size); BPF loaders only meet that in DWARF, which they skip.
	 */
	const void *data;
	uint64_t size; /* sh_size; for SHT_NOBITS the size in memory */
	uint64_t flags; /* sh_flags (SHF_*) */
	uint64_t addralign; /* sh_addralign: 0 or a power of two */
	uint64_t entsize; /* sh_entsize */
	uint32_t type; /* sh_type (SHT_*) */
	uint32_t link; /* sh_link, meaning depends on type */
	uint32_t info; /* sh_info; for SHT_REL the section relocated */
};

/* One symbol of the (single) SHT_SYMTAB, as ebpfc__elf_sym() reports it. */
struct ebpfc__elf_sym {
	size_t index; /* index in the symbol table */
	const char *name; /* NUL-terminated, "" for unnamed symbols */
	uint64_t value; /* st_value: offset in its section for ET_REL */
	uint64_t size; /* st_size */
	/*
	 * Section index with SHN_XINDEX already resolved: SHN_UNDEF, SHN_ABS,
	 * SHN_COMMON, or a valid index < section count. For a symbol in a
	 * regular section, value + size lies within that section (checked).
	 */
	uint32_t shndx;
	uint8_t bind; /* STB_LOCAL, STB_GLOBAL, STB_WEAK, ... */
	uint8_t type; /* STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION, ... */
	uint8_t visibility; /* STV_DEFAULT, STV_HIDDEN, ... */
};

/* One entry of an SHT_REL section, as ebpfc__elf_rel() reports it. */
struct ebpfc__elf_rel {
	size_t index; /* entry number within its relocation section */
	uint64_t offset; /* r_offset: byte offset in the relocated section */
	uint32_t sym; /* symbol index, < ebpfc__elf_sym_count() */
	uint32_t type; /* EBPFC__R_BPF_* */
};

/* How to open: NULL means a BPF relocatable object. */
struct ebpfc__elf_opts {
	/*
	 * An executable or shared object (ET_EXEC, ET_DYN) of any e_machine:
	 * program headers and .dynsym are read too; relocations are not
	 * (ebpfc__elf_rel* refuse); section data is not promised aligned.
	 */
	bool exec;
};

/*
 * Parse and validate `size` bytes at `data` (not copied; keep them alive
 * and unchanged until ebpfc__elf_close). `name` (may be NULL) names the
 * object in error messages and is copied. Validates the ELF header, the
 * section header table (extended numbering included), every section's
 * bounds, the section name table, the symbol table and every symbol, and
 * the headers of every relocation section; relocation entries themselves
 * are checked as ebpfc__elf_rel() reads them. On success *out owns the
 * reader; on failure *out is NULL.
 */
EBPFC__HIDDEN int ebpfc__elf_open(const void *data, size_t size, const char *name,
				  struct ebpfc__elf **out);
/* ebpfc__elf_open with options (opts may be NULL). */
EBPFC__HIDDEN int ebpfc__elf_open_opts(const void *data, size_t size, const char *name,
				       const struct ebpfc__elf_opts *opts, struct ebpfc__elf **out);

/* Free the reader (never the caller's buffer). NULL is a no-op. */
EBPFC__HIDDEN void ebpfc__elf_close(struct ebpfc__elf *elf);

/* The name given to ebpfc__elf_open, or "<memory>". */
EBPFC__HIDDEN const char *ebpfc__elf_name(const struct ebpfc__elf *elf);

/* e_flags from the ELF header; nothing in it means anything for BPF today. */
EBPFC__HIDDEN uint32_t ebpfc__elf_flags(const struct ebpfc__elf *elf);

/* True when the object is little-endian (always the host's byte order). */
EBPFC__HIDDEN bool ebpfc__elf_is_little_endian(const struct ebpfc__elf *elf);

/*
 * Number of section headers, counting the null section 0; 0 only for an
 * object without a section header table. Valid indices are 1..count-1.
 */
EBPFC__HIDDEN size_t ebpfc__elf_section_count(const struct ebpfc__elf *elf);

/* Fill *sec with section `idx` (0 is the null section). -EINVAL if out of range. */
EBPFC__HIDDEN int ebpfc__elf_section(const struct ebpfc__elf *elf, size_t idx,
				     struct ebpfc__elf_sec *sec);

/*
 * Find the first section called `name` (index 0 is never matched). Fills
 * *sec (may be NULL to test for existence). -ENOENT when absent.
 */
EBPFC__HIDDEN int ebpfc__elf_section_by_name(const struct ebpfc__elf *elf, const char *name,
					     struct ebpfc__elf_sec *sec);

/* Section idx's name, "" if it has none, NULL if idx is out of range. No message. */
EBPFC__HIDDEN const char *ebpfc__elf_section_name(const struct ebpfc__elf *elf, size_t idx);

/* Index of the SHT_SYMTAB section, 0 when the object has none. */
EBPFC__HIDDEN size_t ebpfc__elf_symtab_index(const struct ebpfc__elf *elf);

/* Number of symbols, counting the null symbol 0; 0 with no symbol table. */
EBPFC__HIDDEN size_t ebpfc__elf_sym_count(const struct ebpfc__elf *elf);

/* Fill *sym with symbol `idx` (validated at open). -EINVAL if out of range. */
EBPFC__HIDDEN int ebpfc__elf_sym(const struct ebpfc__elf *elf, size_t idx,
				 struct ebpfc__elf_sym *sym);

/*
 * Exec mode: the SHT_DYNSYM, like the symbol table above (0 symbols when
 * there is none, and always 0 for BPF objects). Symbol values are virtual
 * addresses; each symbol's name and section index were checked at open.
 */
EBPFC__HIDDEN size_t ebpfc__elf_dynsym_count(const struct ebpfc__elf *elf);
EBPFC__HIDDEN int ebpfc__elf_dynsym(const struct ebpfc__elf *elf, size_t idx,
				    struct ebpfc__elf_sym *sym);

/* e_type and e_machine from the ELF header. */
EBPFC__HIDDEN uint16_t ebpfc__elf_type(const struct ebpfc__elf *elf);
EBPFC__HIDDEN uint16_t ebpfc__elf_machine(const struct ebpfc__elf *elf);

/*
 * Exec mode: program headers (0 for BPF objects). Each segment's file
 * bytes were checked to lie in the file, and a PT_LOAD's addresses not to
 * wrap, at open.
 */
EBPFC__HIDDEN size_t ebpfc__elf_phdr_count(const struct ebpfc__elf *elf);
EBPFC__HIDDEN int ebpfc__elf_phdr(const struct ebpfc__elf *elf, size_t idx, Elf64_Phdr *phdr);

/*
 * The file offset of virtual address vaddr: vaddr - p_vaddr + p_offset of
 * the PT_LOAD whose file bytes hold it (what a uprobe is placed at).
 * -ENOENT when no loadable segment has it in the file.
 */
EBPFC__HIDDEN int ebpfc__elf_vaddr_to_offset(const struct ebpfc__elf *elf, uint64_t vaddr,
					     uint64_t *off);

/*
 * Number of entries of SHT_REL section `relsec` in *count. -EINVAL when
 * relsec is out of range or not an SHT_REL section. Its sh_info (the section
 * it relocates) and sh_link (the symbol table) were checked at open.
 */
EBPFC__HIDDEN int ebpfc__elf_rel_count(const struct ebpfc__elf *elf, size_t relsec,
				       size_t *count);

/*
 * Fill *rel with entry `i` of SHT_REL section `relsec`, after checking that
 * its symbol index is < the symbol count and that the bytes it patches lie
 * inside the relocated section: 16 for R_BPF_64_64 in an executable section
 * (ld_imm64), 8 for R_BPF_64_64 elsewhere, R_BPF_64_ABS64 and R_BPF_64_32
 * in code, 4 for the 32-bit data types, 0 for R_BPF_NONE and at least 1 for
 * types this reader does not know (reloc.c judges those). -EINVAL otherwise.
 */
EBPFC__HIDDEN int ebpfc__elf_rel(const struct ebpfc__elf *elf, size_t relsec, size_t i,
				 struct ebpfc__elf_rel *rel);

#endif /* EBPFC_ELF_H */
