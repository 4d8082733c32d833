/*
 * fuzz_elf_exec.c - libFuzzer target for the ELF reader's exec mode
 * (ebpfc__elf_opts.exec: executables and shared objects of any machine)
 * and for everything that feeds it bytes from disk. Each input is:
 *   1. opened in memory with .exec = true and walked: header accessors,
 *      every section, both symbol tables (.symtab and .dynsym), every
 *      program header, and vaddr_to_offset on segment ends and on every
 *      symbol's address, checking each promise elf.h makes;
 *   2. written to a memfd and handed by path ("/proc/self/fd/N") to the
 *      two consumers that only take paths: the uprobe resolver of
 *      link_resolve.c (function offsets, by name and by glob, with names
 *      taken from the input's own symbol tables so that lookups succeed
 *      and reach the segment arithmetic), and ebpfc_btf_open_file, whose
 *      ELF path reads a vmlinux-style .BTF section out of the file.
 * BPF relocatable objects in the reader's default mode are fuzz_elf's
 * business, BTF parsing beyond the ELF wrapper fuzz_btf's.
 *
 * Build and run (from the top of the tree; `make fuzz` does the build):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -std=gnu11 -D_GNU_SOURCE -DEBPFC_BUILDING -Iinclude -Isrc \
 *         src/[a-z]*.c fuzz/fuzz_elf_exec.c -o build-fuzz/fuzz_elf_exec
 *   mkdir -p build-fuzz/corpus-elf_exec
 *   build-fuzz/fuzz_elf_exec -max_total_time=60 -timeout=20 \
 *         build-fuzz/corpus-elf_exec fuzz/corpus/elf_exec
 * Seeds in fuzz/corpus/elf_exec/ are small x86-64 programs and libraries
 * built with cc: PIE and non-PIE, stripped (only .dynsym) and not (with
 * .symtab), a non-PIE one with a .BTF section taken from a BPF object,
 * -nostdlib ones under 6 KiB (where a mutation more often lands on a header
 * field), and one rewritten by hand to use extended numbering: e_shnum 0,
 * e_shstrndx SHN_XINDEX, e_phnum PN_XNUM, and a symbol whose section comes
 * from an SHT_SYMTAB_SHNDX. The first directory given collects new inputs.
 *
 * Besides ASan/UBSan/LSan findings, the target traps (a finding too) on a
 * failure without an ebpfc_errmsg() line, on an fd the library leaves
 * open, and when the path-based consumers disagree with the in-memory
 * reader about the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ebpfc/btf.h>

#include "elf.h"
#include "link_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Function names handed to the uprobe resolver per input: enough for its multi-name path. */
#define MAX_FUNCS 4

static volatile uint8_t sink;

static void touch(const void *p, uint64_t n)
{
	const uint8_t *b = p;

	if (!p || !n)
		return;
	/* Both ends: ASan reports any range that claims bytes the input lacks. */
	sink ^= b[0];
	sink ^= b[n - 1];
}

/* A failure must say why: callers print ebpfc_errmsg() and nothing else. */
static void check_failure(int err)
{
	if (err >= 0 || !ebpfc_errmsg()[0])
		__builtin_trap();
}

/* A file offset from vaddr_to_offset lies inside the file (elf.h promises it). */
static void check_offset(const uint8_t *data, size_t size, uint64_t off)
{
	if (off >= size)
		__builtin_trap();
	touch(data + off, 1);
}

static void walk_sections(const struct ebpfc__elf *elf)
{
	size_t i, n = ebpfc__elf_section_count(elf), cnt;

	for (i = 0; i <= n; i++) {
		struct ebpfc__elf_sec sec, again;

		if (ebpfc__elf_section(elf, i, &sec)) {
			if (i != n)
				__builtin_trap();
			continue;
		}
		touch(sec.name, strlen(sec.name) + 1);
		if (sec.type != SHT_NOBITS)
			touch(sec.data, sec.size);
		if (i && sec.name[0] &&
		    (ebpfc__elf_section_by_name(elf, sec.name, &again) || strcmp(again.name, sec.name)))
			__builtin_trap();
		/* Exec mode leaves relocations to the dynamic linker and must refuse them. */
		if (!ebpfc__elf_rel_count(elf, i, &cnt))
			__builtin_trap();
	}
	/* What the BTF reader and a symbol dump look up by name. */
	(void)ebpfc__elf_section_by_name(elf, ".BTF", NULL);
	(void)ebpfc__elf_section_by_name(elf, ".dynsym", NULL);
	(void)ebpfc__elf_section_name(elf, n);
}

static void walk_phdrs(const struct ebpfc__elf *elf, const uint8_t *data, size_t size)
{
	size_t i, n = ebpfc__elf_phdr_count(elf);
	uint64_t off;

	for (i = 0; i <= n; i++) {
		Elf64_Phdr ph;

		if (ebpfc__elf_phdr(elf, i, &ph)) {
			if (i != n)
				__builtin_trap();
			continue;
		}
		if (ph.p_filesz)
			touch(data + ph.p_offset, ph.p_filesz);
		if (ph.p_type != PT_LOAD || !ph.p_filesz)
			continue;
		/*
		 * Both ends of a loadable segment's file bytes are in some
		 * segment (this one at least), so the lookup must succeed.
		 */
		if (ebpfc__elf_vaddr_to_offset(elf, ph.p_vaddr, &off))
			__builtin_trap();
		check_offset(data, size, off);
		if (ebpfc__elf_vaddr_to_offset(elf, ph.p_vaddr + ph.p_filesz - 1, &off))
			__builtin_trap();
		check_offset(data, size, off);
		/* Just past the file bytes: found only through another segment. */
		if (!ebpfc__elf_vaddr_to_offset(elf, ph.p_vaddr + ph.p_filesz, &off))
			check_offset(data, size, off);
	}
}

/* Remember a name for the uprobe resolver, once. */
static void add_func(const char **funcs, size_t *nfuncs, const char *name)
{
	size_t i;

	if (*nfuncs == MAX_FUNCS || !name[0])
		return;
	for (i = 0; i < *nfuncs; i++)
		if (!strcmp(funcs[i], name))
			return;
	funcs[(*nfuncs)++] = name;
}

static void walk_symbols(const struct ebpfc__elf *elf, bool dyn, const uint8_t *data, size_t size,
			 const char **funcs, size_t *nfuncs)
{
	size_t i, n = dyn ? ebpfc__elf_dynsym_count(elf) : ebpfc__elf_sym_count(elf);
	uint64_t off;

	for (i = 0; i <= n; i++) {
		struct ebpfc__elf_sym sym;
		struct ebpfc__elf_sec sec;

		if (dyn ? ebpfc__elf_dynsym(elf, i, &sym) : ebpfc__elf_sym(elf, i, &sym)) {
			if (i != n)
				__builtin_trap();
			continue;
		}
		touch(sym.name, strlen(sym.name) + 1);
		if (sym.shndx != SHN_UNDEF && sym.shndx != SHN_ABS && sym.shndx != SHN_COMMON &&
		    ebpfc__elf_section(elf, sym.shndx, &sec))
			__builtin_trap(); /* section indices were checked at open */
		/* st_value is an address here: only the program headers map it to bytes. */
		if (sym.value && !ebpfc__elf_vaddr_to_offset(elf, sym.value, &off))
			check_offset(data, size, off);
		if (sym.shndx != SHN_UNDEF && sym.value &&
		    (sym.type == STT_FUNC || sym.type == STT_GNU_IFUNC))
			add_func(funcs, nfuncs, sym.name);
	}
}

/* Step 1; returns whether the bytes opened. funcs point into data. */
static bool walk_memory(const uint8_t *data, size_t size, const char **funcs, size_t *nfuncs)
{
	const struct ebpfc__elf_opts opts = { .exec = true };
	struct ebpfc__elf *elf = NULL;
	uint16_t type;
	int err;

	ebpfc__err_clear();
	err = ebpfc__elf_open_opts(data, size, "fuzz", &opts, &elf);
	if (err) {
		check_failure(err);
		if (elf)
			__builtin_trap();
		return false;
	}
	(void)ebpfc__elf_name(elf);
	(void)ebpfc__elf_flags(elf);
	(void)ebpfc__elf_is_little_endian(elf);
	(void)ebpfc__elf_machine(elf);
	(void)ebpfc__elf_symtab_index(elf);
	type = ebpfc__elf_type(elf);
	if (type != ET_EXEC && type != ET_DYN)
		__builtin_trap();
	walk_sections(elf);
	walk_phdrs(elf, data, size);
	walk_symbols(elf, false, data, size, funcs, nfuncs);
	walk_symbols(elf, true, data, size, funcs, nfuncs);
	ebpfc__elf_close(elf);
	return true;
}

/*
 * The resolver maps the same bytes the in-memory reader saw, so it must
 * open them exactly when they opened there; after that the only failures
 * are about the functions asked for.
 */
static void check_resolve(int err, bool opened)
{
	if (!err) {
		if (!opened)
			__builtin_trap();
		return;
	}
	check_failure(err);
	if (opened && err != -ENOENT && err != -ENOTUNIQ && err != -ENOMEM)
		__builtin_trap();
}

static void uprobe_resolve(const char *path, size_t size, bool opened, const char **funcs,
			   size_t nfuncs)
{
	__u64 offs[MAX_FUNCS], off, *moffs;
	char **names, pattern[3];
	size_t i, cnt;
	int err;

	for (i = 0; i < nfuncs; i++) {
		ebpfc__err_clear();
		err = ebpfc__elf_func_offset(path, funcs[i], &off);
		check_resolve(err, opened);
		if (!err && off >= size)
			__builtin_trap();
	}
	ebpfc__err_clear();
	if (nfuncs) {
		err = ebpfc__elf_func_offsets(path, funcs, nfuncs, offs);
	} else {
		/* No function of its own: the lookup still opens the file and walks both tables. */
		err = ebpfc__elf_func_offset(path, "main", &off);
		if (!err && off >= size)
			__builtin_trap();
	}
	check_resolve(err, opened);
	for (i = 0; !err && i < nfuncs; i++)
		if (offs[i] >= size)
			__builtin_trap();

	/* "*" lists every function; "x*" narrows to some, so glob misses run too. */
	snprintf(pattern, sizeof(pattern), "%.1s*", nfuncs ? funcs[0] : "");
	for (i = 0; i < 2; i++) {
		ebpfc__err_clear();
		err = ebpfc__elf_func_match(path, i ? pattern : "*", &names, &moffs, &cnt);
		check_resolve(err, opened);
		if (err)
			continue;
		if (!cnt)
			__builtin_trap(); /* none found is -ENOENT */
		for (size_t j = 0; j < cnt; j++) {
			/* One per offset, sorted; names without their @VERSION. */
			if (moffs[j] >= size || (j && moffs[j] <= moffs[j - 1]) || !names[j][0] ||
			    strchr(names[j], '@'))
				__builtin_trap();
		}
		ebpfc__strv_free(names, cnt);
		free(moffs);
	}
}

static void btf_from_elf(const char *path, const uint8_t *data, size_t size, bool opened)
{
	struct ebpfc_btf *btf = NULL;
	const struct btf_type *t;
	uint32_t id, n;
	int err;

	/* Without the ELF magic this is fuzz_btf's raw-BTF path, not the ELF one. */
	if (size < SELFMAG || memcmp(data, ELFMAG, SELFMAG))
		return;
	ebpfc__err_clear();
	err = ebpfc_btf_open_file(path, NULL, &btf);
	if (err) {
		check_failure(err);
		if (btf)
			__builtin_trap();
		return;
	}
	/* Anything but ET_REL went through the exec-mode reader, on the same bytes. */
	if (!opened && size >= sizeof(Elf64_Ehdr) &&
	    ((const Elf64_Ehdr *)(const void *)data)->e_type != ET_REL)
		__builtin_trap();
	n = ebpfc_btf_type_cnt(btf);
	for (id = 0; id < n; id++) {
		if (ebpfc_btf_type_by_id(btf, id, &t))
			__builtin_trap();
		if (!ebpfc_btf_name(btf, t->name_off))
			__builtin_trap();
	}
	ebpfc_btf_destroy(btf);
}

/* The lowest free descriptor number: it moves if anything was left open (or closed twice). */
static int lowest_free_fd(int fd)
{
	int probe = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (probe < 0)
		__builtin_trap();
	close(probe);
	return probe;
}

/* Step 2: the consumers that take a path, given the input through a memfd. */
static void walk_file(const uint8_t *data, size_t size, bool opened, const char **funcs,
		      size_t nfuncs)
{
	char path[64];
	size_t done = 0;
	ssize_t w;
	int fd, lowest;

	fd = memfd_create("fuzz_elf_exec", MFD_CLOEXEC);
	if (fd < 0)
		__builtin_trap(); /* the harness cannot run without it */
	while (done < size) {
		w = write(fd, data + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			__builtin_trap();
		done += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lowest = lowest_free_fd(fd);

	uprobe_resolve(path, size, opened, funcs, nfuncs);
	btf_from_elf(path, data, size, opened);

	if (lowest_free_fd(fd) != lowest)
		__builtin_trap(); /* a descriptor leaked */
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *funcs[MAX_FUNCS];
	size_t nfuncs = 0;
	uint8_t *copy;
	bool opened;

	/* An exact-size heap copy, so ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	opened = walk_memory(copy, size, funcs, &nfuncs);
	walk_file(copy, size, opened, funcs, nfuncs);
	free(copy);
	return 0;
}
