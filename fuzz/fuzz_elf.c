/*
 * fuzz_elf.c - libFuzzer target for src/elf.c: opens the input as a BPF ELF
 * object and, when it opens, walks every accessor (sections and their
 * bytes, lookups by name, symbols, every relocation of every SHT_REL
 * section) the way object.c would. Not a test of anything above elf.c.
 *
 * Build and run (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -std=gnu11 -D_GNU_SOURCE -DEBPFC_BUILDING -Iinclude -Isrc \
 *         src/[a-z]*.c fuzz/fuzz_elf.c -o build-fuzz/fuzz_elf
 *   build-fuzz/fuzz_elf -max_total_time=60 -max_len=65536 build-fuzz/corpus-elf fuzz/corpus/elf
 * (src/elf.c src/error.c suffice if another file in src/ does not build.)
 * Seeds in fuzz/corpus/elf/ are real clang-built objects and small
 * hand-made ones; the first directory given collects new inputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const void *p, uint64_t n)
{
	const uint8_t *b = p;

	if (!p || !n)
		return;
	/* Both ends: ASan reports any section that claims bytes it lacks. */
	sink ^= b[0];
	sink ^= b[n - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ebpfc__elf *elf = NULL;
	size_t i, j, n, nsyms;

	if (ebpfc__elf_open(data, size, "fuzz", &elf)) {
		/* Every failure must leave a message. */
		if (!ebpfc_errmsg()[0] || elf)
			__builtin_trap();
		return 0;
	}
	(void)ebpfc__elf_name(elf);
	(void)ebpfc__elf_flags(elf);
	(void)ebpfc__elf_is_little_endian(elf);
	nsyms = ebpfc__elf_sym_count(elf);

	for (i = 0; i <= ebpfc__elf_section_count(elf); i++) {
		struct ebpfc__elf_sec sec, again;

		if (ebpfc__elf_section(elf, i, &sec)) {
			if (i != ebpfc__elf_section_count(elf))
				__builtin_trap();
			continue;
		}
		touch(sec.name, strlen(sec.name) + 1);
		if (sec.type != SHT_NOBITS)
			touch(sec.data, sec.size);
		if (i && sec.name[0] &&
		    (ebpfc__elf_section_by_name(elf, sec.name, &again) || strcmp(again.name, sec.name)))
			__builtin_trap();
		if (ebpfc__elf_rel_count(elf, i, &n))
			continue;
		for (j = 0; j <= n; j++) {
			struct ebpfc__elf_rel rel;
			struct ebpfc__elf_sec tgt;

			if (ebpfc__elf_rel(elf, i, j, &rel))
				continue;
			if (j == n || rel.sym >= nsyms || ebpfc__elf_section(elf, sec.info, &tgt))
				__builtin_trap();
			/* What reloc.c would patch must be inside the file. */
			if (!(tgt.flags & SHF_COMPRESSED) && rel.offset < tgt.size)
				touch((const uint8_t *)tgt.data + rel.offset, 1);
		}
	}
	(void)ebpfc__elf_section_by_name(elf, ".text", NULL);

	for (i = 0; i <= nsyms; i++) {
		struct ebpfc__elf_sym sym;
		struct ebpfc__elf_sec sec;

		if (ebpfc__elf_sym(elf, i, &sym)) {
			if (i != nsyms)
				__builtin_trap();
			continue;
		}
		touch(sym.name, strlen(sym.name) + 1);
		if (sym.shndx == SHN_UNDEF || sym.shndx == SHN_ABS || sym.shndx == SHN_COMMON)
			continue;
		if (ebpfc__elf_section(elf, sym.shndx, &sec))
			__builtin_trap();
		/* A symbol's bytes lie inside its section (checked at open). */
		if (sec.data && !(sec.flags & SHF_COMPRESSED))
			touch((const uint8_t *)sec.data + sym.value, sym.size);
	}
	ebpfc__elf_close(elf);
	return 0;
}
