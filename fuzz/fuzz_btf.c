/*
 * fuzz_btf.c - libFuzzer target for src/btf.c and src/btf_ext.c. Each input
 * is tried three ways: as BTF on its own, as split BTF over a fixed base
 * (the .BTF of tests/fixtures_btf.h, a real clang object), and as .BTF.ext
 * against that same base. Whatever opens is walked the way CO-RE, the map
 * parser and a BTF dumper would: every id, resolve, size, alignment, every
 * member/enumerator/parameter/datasec entry, name lookups exact and by
 * essential name, every .BTF.ext record.
 *
 * Build and run (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -std=gnu11 -D_GNU_SOURCE -DEBPFC_BUILDING -Iinclude -Isrc \
 *         src/[a-z]*.c fuzz/fuzz_btf.c -o build-fuzz/fuzz_btf
 *   build-fuzz/fuzz_btf -max_total_time=60 build-fuzz/corpus-btf fuzz/corpus/btf
 * (src/btf.c src/btf_ext.c src/error.c suffice if another file in src/ does
 * not build.) The seeds in fuzz/corpus/btf/ are the fixture's .BTF and
 * .BTF.ext, a hand-made BTF with every kind, split BTF over the fixture and
 * a .BTF.ext using large records; the first directory collects new inputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/btf.h>

#include "btf.h"
#include "../tests/fixtures_btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t sink;

static void walk(struct ebpfc_btf *btf)
{
	struct ebpfc_btf_member_info m;
	struct ebpfc_btf_enum_value v;
	struct ebpfc_btf_param_info p;
	struct ebpfc_btf_var_info var;
	const struct btf_type *t;
	uint32_t id, n = ebpfc_btf_type_cnt(btf), out, i, ids[4];
	const char *name;

	for (id = 0; id < n; id++) {
		if (ebpfc_btf_type_by_id(btf, id, &t))
			abort(); /* every id below the count must exist */
		if (!ebpfc_btf_resolve(btf, id, &out))
			sink ^= out;
		if (!ebpfc_btf_resolve_size(btf, id, &out))
			sink ^= out;
		if (!ebpfc_btf_align(btf, id, &out))
			sink ^= out;
		for (i = 0; i < ebpfc_btf_vlen(t); i++) {
			if (!ebpfc_btf_member(btf, id, i, &m))
				sink ^= m.bit_offset + (uint32_t)strlen(m.name);
			if (!ebpfc_btf_enum_value(btf, id, i, &v))
				sink ^= (uint32_t)v.value + (uint32_t)strlen(v.name);
			if (!ebpfc_btf_param(btf, id, i, &p))
				sink ^= p.type_id + (uint32_t)strlen(p.name);
			if (!ebpfc_btf_datasec_var(btf, id, i, &var))
				sink ^= var.offset + (uint32_t)strlen(var.name);
		}
		name = ebpfc_btf_name(btf, t->name_off);
		if (!name)
			abort(); /* name offsets were validated at open */
		if (name[0]) {
			/* The type itself must be found under its own name. */
			if (ebpfc_btf_find_all(btf, name, ebpfc_btf_kind(t), 0, ids, 4) < 1)
				abort();
			sink ^= (uint32_t)ebpfc_btf_find_all(btf, name, 0, EBPFC_BTF_FIND_ESSENTIAL,
							     ids, 4);
			if (ebpfc_btf_member_find(btf, id, name, &m) >= 0)
				sink ^= m.type_id;
			if (ebpfc_btf_enum_find(btf, id, name, &v) >= 0)
				sink ^= (uint32_t)v.value;
		}
	}
}

static void walk_ext(const struct ebpfc__btf_ext *ext)
{
	const struct ebpfc__btf_ext_sec *sec, *found;
	uint32_t k, i, j;

	for (k = 0; k < EBPFC__BTF_EXT_KIND_CNT; k++) {
		for (i = 0; (sec = ebpfc__btf_ext_sec(ext, k, i)); i++) {
			if (ebpfc__btf_ext_find(ext, k, sec->sec_name, &found))
				abort();
			for (j = 0; j < sec->count; j++) {
				const uint8_t *rec = (const uint8_t *)sec->recs + (size_t)j * sec->rec_size;

				/* Both ends of each record: ASan sees records past the data. */
				sink ^= rec[0] ^ rec[sec->rec_size - 1];
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ebpfc_btf *base;
	EBPFC_OPTS(ebpfc_btf_open_opts, opts);
	struct ebpfc__btf_ext *ext;
	struct ebpfc_btf *btf;
	uint8_t *copy;

	if (!base && ebpfc_btf_open_mem(fixture_btf, sizeof(fixture_btf), NULL, &base))
		abort();
	/* An exact-size heap copy, 4-byte aligned, so ASan sees any over-read. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);

	if (!ebpfc_btf_open_mem(copy, size, NULL, &btf)) {
		walk(btf);
		ebpfc_btf_destroy(btf);
	}
	opts.base = base;
	if (!ebpfc_btf_open_mem(copy, size, &opts, &btf)) {
		walk(btf);
		ebpfc_btf_destroy(btf);
	}
	if (!ebpfc__btf_ext_open(copy, size, base, &ext)) {
		walk_ext(ext);
		ebpfc__btf_ext_destroy(ext);
	}
	free(copy);
	return 0;
}
