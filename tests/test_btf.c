/*
 * test_btf.c - unit tests of the BTF reader (src/btf.c) and the .BTF.ext
 * reader (src/btf_ext.c): hand-built BTF of every kind, lookups and walks,
 * split BTF, compiler output (tests/fixtures_btf.h), hostile input of every
 * shape we could think of, and the running kernel's BTF when it has one.
 *
 * The blobs are built in C by a small builder below rather than checked in
 * as bytes, so each hostile case says in code what it breaks.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ebpfc/btf.h>

#include "btf.h"
#include "fixtures_btf.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

#define assert_msg(substr)                                                              \
	do {                                                                            \
		if (!strstr(ebpfc_errmsg(), (substr)))                                  \
			fail_msg("errmsg \"%s\" does not mention \"%s\"", ebpfc_errmsg(), \
				 (substr));                                             \
	} while (0)

/* ---- a BTF builder ------------------------------------------------------- */

struct bld {
	uint32_t types[8192]; /* words */
	size_t nt;
	char strs[16384];
	size_t ns;
	uint32_t str_base; /* split BTF: our first string offset */
	uint32_t next_id;
};

static void bld_init(struct bld *b, uint32_t first_id, uint32_t str_base)
{
	memset(b, 0, sizeof(*b));
	b->next_id = first_id;
	b->str_base = str_base;
	if (!str_base)
		b->ns = 1; /* "" at offset 0 */
}

static uint32_t bld_str(struct bld *b, const char *s)
{
	size_t len;
	uint32_t off;

	if (!s || !*s)
		return 0;
	len = strlen(s) + 1;
	assert_true(b->ns + len <= sizeof(b->strs));
	off = (uint32_t)b->ns;
	memcpy(b->strs + b->ns, s, len);
	b->ns += len;
	return off + b->str_base;
}

static void bld_w(struct bld *b, uint32_t w)
{
	assert_true(b->nt < EBPFC__ARRAY_SIZE(b->types));
	b->types[b->nt++] = w;
}

static uint32_t bld_type(struct bld *b, const char *name, unsigned int kind, int kflag,
			 unsigned int vlen, uint32_t size_or_type)
{
	bld_w(b, bld_str(b, name));
	bld_w(b, (uint32_t)kind << 24 | (uint32_t)(kflag ? 1 : 0) << 31 | vlen);
	bld_w(b, size_or_type);
	return b->next_id++;
}

static uint32_t bld_int(struct bld *b, const char *name, uint32_t size, uint32_t enc,
			uint32_t bits, uint32_t off)
{
	uint32_t id = bld_type(b, name, BTF_KIND_INT, 0, 0, size);

	bld_w(b, enc << 24 | off << 16 | bits);
	return id;
}

static uint32_t bld_ref(struct bld *b, unsigned int kind, const char *name, uint32_t type)
{
	return bld_type(b, name, kind, 0, 0, type);
}

static uint32_t bld_array(struct bld *b, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = bld_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);

	bld_w(b, elem);
	bld_w(b, index);
	bld_w(b, n);
	return id;
}

/* For struct/union members, datasec entries, enum64 values: three words. */
static void bld_w3(struct bld *b, uint32_t a, uint32_t c, uint32_t d)
{
	bld_w(b, a);
	bld_w(b, c);
	bld_w(b, d);
}

static void bld_member(struct bld *b, const char *name, uint32_t type, uint32_t off)
{
	bld_w3(b, bld_str(b, name), type, off);
}

static void bld_enumval(struct bld *b, const char *name, int32_t val)
{
	bld_w(b, bld_str(b, name));
	bld_w(b, (uint32_t)val);
}

static void bld_enum64val(struct bld *b, const char *name, uint64_t val)
{
	bld_w3(b, bld_str(b, name), (uint32_t)val, (uint32_t)(val >> 32));
}

static void bld_param(struct bld *b, const char *name, uint32_t type)
{
	bld_w(b, bld_str(b, name));
	bld_w(b, type);
}

static uint32_t bld_var(struct bld *b, const char *name, uint32_t type, uint32_t linkage)
{
	uint32_t id = bld_type(b, name, BTF_KIND_VAR, 0, 0, type);

	bld_w(b, linkage);
	return id;
}

static uint32_t bld_decl_tag(struct bld *b, const char *name, uint32_t type, int32_t comp)
{
	uint32_t id = bld_type(b, name, BTF_KIND_DECL_TAG, 0, 0, type);

	bld_w(b, (uint32_t)comp);
	return id;
}

/* Lay out header, types, strings; returns the size. */
static size_t bld_finish(const struct bld *b, void *out, size_t cap)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(h),
		.type_off = 0,
		.type_len = (uint32_t)(b->nt * 4),
		.str_off = (uint32_t)(b->nt * 4),
		.str_len = (uint32_t)b->ns,
	};
	size_t size = sizeof(h) + h.type_len + h.str_len;

	assert_true(size <= cap);
	memcpy(out, &h, sizeof(h));
	memcpy((char *)out + sizeof(h), b->types, h.type_len);
	memcpy((char *)out + sizeof(h) + h.type_len, b->strs, h.str_len);
	return size;
}

/* Every kind at least once; the ids are fixed and the tests rely on them. */
enum {
	ID_INT = 1, ID_UINT, ID_PTR, ID_POINT, ID_UNION, ID_COLOR, ID_FWD, ID_POINT_T, ID_VOLATILE,
	ID_CONST, ID_RESTRICT, ID_PROTO, ID_FUNC, ID_VAR, ID_DATASEC, ID_FLOAT, ID_DECL_TAG,
	ID_TYPE_TAG, ID_ENUM64, ID_ARRAY, ID_BITS, ID_U3, ID_OLDBITS, ID_PACKED, ID_CHAR,
	ID_POINT_TD, ID_POINT_V2, ID_SENUM64, ID_UENUM, ID_CNT
};

static void build_all(struct bld *b)
{
	bld_init(b, 1, 0);
	assert_int_equal(bld_int(b, "int", 4, BTF_INT_SIGNED, 32, 0), ID_INT);
	assert_int_equal(bld_int(b, "unsigned int", 4, 0, 32, 0), ID_UINT);
	assert_int_equal(bld_ref(b, BTF_KIND_PTR, NULL, ID_POINT), ID_PTR);
	assert_int_equal(bld_type(b, "point", BTF_KIND_STRUCT, 0, 3, 16), ID_POINT);
	bld_member(b, "x", ID_INT, 0);
	bld_member(b, "y", ID_INT, 32);
	bld_member(b, "next", ID_PTR, 64);
	assert_int_equal(bld_type(b, "u", BTF_KIND_UNION, 0, 2, 4), ID_UNION);
	bld_member(b, "a", ID_INT, 0);
	bld_member(b, "b", ID_UINT, 0);
	assert_int_equal(bld_type(b, "color", BTF_KIND_ENUM, 1, 3, 4), ID_COLOR);
	bld_enumval(b, "RED", 1);
	bld_enumval(b, "GREEN", 2);
	bld_enumval(b, "BLUE", -3);
	assert_int_equal(bld_type(b, "opaque", BTF_KIND_FWD, 0, 0, 0), ID_FWD);
	assert_int_equal(bld_ref(b, BTF_KIND_TYPEDEF, "point_t", ID_POINT), ID_POINT_T);
	assert_int_equal(bld_ref(b, BTF_KIND_VOLATILE, NULL, ID_POINT_T), ID_VOLATILE);
	assert_int_equal(bld_ref(b, BTF_KIND_CONST, NULL, ID_VOLATILE), ID_CONST);
	assert_int_equal(bld_ref(b, BTF_KIND_RESTRICT, NULL, ID_PTR), ID_RESTRICT);
	assert_int_equal(bld_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 3, ID_INT), ID_PROTO);
	bld_param(b, "a", ID_INT);
	bld_param(b, "p", ID_PTR);
	bld_param(b, NULL, 0); /* ... */
	assert_int_equal(bld_type(b, "do_it", BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL, ID_PROTO), ID_FUNC);
	assert_int_equal(bld_var(b, "counter", ID_INT, BTF_VAR_GLOBAL_ALLOCATED), ID_VAR);
	assert_int_equal(bld_type(b, ".data", BTF_KIND_DATASEC, 0, 1, 8), ID_DATASEC);
	bld_w3(b, ID_VAR, 4, 4);
	assert_int_equal(bld_type(b, "double", BTF_KIND_FLOAT, 0, 0, 8), ID_FLOAT);
	assert_int_equal(bld_decl_tag(b, "tag1", ID_FUNC, -1), ID_DECL_TAG);
	assert_int_equal(bld_ref(b, BTF_KIND_TYPE_TAG, "user", ID_POINT), ID_TYPE_TAG);
	assert_int_equal(bld_type(b, "big", BTF_KIND_ENUM64, 0, 2, 8), ID_ENUM64);
	bld_enum64val(b, "HUGE", 0xffffffff00000001ull);
	bld_enum64val(b, "SMALL", 5);
	assert_int_equal(bld_array(b, ID_POINT, ID_UINT, 3), ID_ARRAY);
	assert_int_equal(bld_type(b, "bits", BTF_KIND_STRUCT, 1, 3, 8), ID_BITS);
	bld_member(b, "a", ID_UINT, 3u << 24 | 0);
	bld_member(b, "b", ID_UINT, 5u << 24 | 3);
	bld_member(b, "c", ID_INT, 32);
	assert_int_equal(bld_int(b, "u3", 1, 0, 3, 0), ID_U3);
	assert_int_equal(bld_type(b, "oldbits", BTF_KIND_STRUCT, 0, 2, 4), ID_OLDBITS);
	bld_member(b, "f", ID_U3, 0);
	bld_member(b, "g", ID_U3, 3);
	assert_int_equal(bld_type(b, "packed", BTF_KIND_STRUCT, 0, 2, 5), ID_PACKED);
	bld_member(b, "c", ID_CHAR, 0);
	bld_member(b, "i", ID_INT, 8);
	assert_int_equal(bld_int(b, "char", 1, BTF_INT_CHAR, 8, 0), ID_CHAR);
	assert_int_equal(bld_ref(b, BTF_KIND_TYPEDEF, "point", ID_POINT), ID_POINT_TD);
	assert_int_equal(bld_type(b, "point___v2", BTF_KIND_STRUCT, 0, 0, 8), ID_POINT_V2);
	assert_int_equal(bld_type(b, "sbig", BTF_KIND_ENUM64, 1, 1, 8), ID_SENUM64);
	bld_enum64val(b, "NEG", (uint64_t)-2);
	assert_int_equal(bld_type(b, "ucolor", BTF_KIND_ENUM, 0, 1, 4), ID_UENUM);
	bld_enumval(b, "TOP", -1);
}

static uint32_t all_blob[8192];
static size_t all_size;

static const void *all_kinds(size_t *size)
{
	struct bld *b = malloc(sizeof(*b));

	assert_non_null(b);
	build_all(b);
	all_size = bld_finish(b, all_blob, sizeof(all_blob));
	free(b);
	*size = all_size;
	return all_blob;
}

static struct ebpfc_btf *open_ok(const void *data, size_t size)
{
	struct ebpfc_btf *btf = NULL;
	int err = ebpfc_btf_open_mem(data, size, NULL, &btf);

	if (err)
		fail_msg("open failed: %d %s", err, ebpfc_errmsg());
	assert_non_null(btf);
	return btf;
}

static void expect_fail(const void *data, size_t size, const struct ebpfc_btf_open_opts *opts,
			int want, const char *substr)
{
	struct ebpfc_btf *btf = (struct ebpfc_btf *)0x1;
	int err = ebpfc_btf_open_mem(data, size, opts, &btf);

	if (err != want)
		fail_msg("open returned %d (%s), expected %d", err, ebpfc_errmsg(), want);
	assert_null(btf);
	assert_true(ebpfc_errmsg()[0] != '\0');
	if (substr)
		assert_msg(substr);
}

/* ---- lookups over every kind -------------------------------------------- */

static void test_every_kind(void **state)
{
	const struct btf_type *t;
	struct ebpfc_btf *btf;
	size_t size;
	const void *data = all_kinds(&size);
	const void *raw;
	size_t raw_size;
	uint32_t id;

	(void)state;
	btf = open_ok(data, size);
	assert_int_equal(ebpfc_btf_type_cnt(btf), ID_CNT);
	assert_int_equal(ebpfc_btf_start_id(btf), 1);
	assert_null(ebpfc_btf_base(btf));
	assert_int_equal(ebpfc_btf_raw_data(btf, &raw, &raw_size), 0);
	assert_ptr_equal(raw, data); /* borrowed, not copied */
	assert_int_equal(raw_size, size);

	assert_int_equal(ebpfc_btf_type_by_id(btf, 0, &t), 0);
	assert_int_equal(ebpfc_btf_kind(t), BTF_KIND_UNKN);
	assert_int_equal(ebpfc_btf_type_by_id(btf, ID_CNT, &t), -ENOENT);
	assert_msg("no type [30] (type count 30)");

	static const unsigned int kinds[ID_CNT] = {
		[ID_INT] = BTF_KIND_INT,         [ID_UINT] = BTF_KIND_INT,
		[ID_PTR] = BTF_KIND_PTR,         [ID_POINT] = BTF_KIND_STRUCT,
		[ID_UNION] = BTF_KIND_UNION,     [ID_COLOR] = BTF_KIND_ENUM,
		[ID_FWD] = BTF_KIND_FWD,         [ID_POINT_T] = BTF_KIND_TYPEDEF,
		[ID_VOLATILE] = BTF_KIND_VOLATILE, [ID_CONST] = BTF_KIND_CONST,
		[ID_RESTRICT] = BTF_KIND_RESTRICT, [ID_PROTO] = BTF_KIND_FUNC_PROTO,
		[ID_FUNC] = BTF_KIND_FUNC,       [ID_VAR] = BTF_KIND_VAR,
		[ID_DATASEC] = BTF_KIND_DATASEC, [ID_FLOAT] = BTF_KIND_FLOAT,
		[ID_DECL_TAG] = BTF_KIND_DECL_TAG, [ID_TYPE_TAG] = BTF_KIND_TYPE_TAG,
		[ID_ENUM64] = BTF_KIND_ENUM64,   [ID_ARRAY] = BTF_KIND_ARRAY,
		[ID_BITS] = BTF_KIND_STRUCT,     [ID_U3] = BTF_KIND_INT,
		[ID_OLDBITS] = BTF_KIND_STRUCT,  [ID_PACKED] = BTF_KIND_STRUCT,
		[ID_CHAR] = BTF_KIND_INT,        [ID_POINT_TD] = BTF_KIND_TYPEDEF,
		[ID_POINT_V2] = BTF_KIND_STRUCT, [ID_SENUM64] = BTF_KIND_ENUM64,
		[ID_UENUM] = BTF_KIND_ENUM,
	};
	for (id = 1; id < ID_CNT; id++) {
		assert_int_equal(ebpfc_btf_type_by_id(btf, id, &t), 0);
		assert_int_equal(ebpfc_btf_kind(t), kinds[id]);
		assert_non_null(ebpfc_btf_name(btf, t->name_off));
	}
	for (id = BTF_KIND_INT; id <= BTF_KIND_MAX; id++)
		assert_string_not_equal(ebpfc_btf_kind_str(id), "unknown");
	assert_string_equal(ebpfc_btf_kind_str(BTF_KIND_ENUM64), "enum64");
	assert_string_equal(ebpfc_btf_kind_str(99), "unknown");

	/* Accessors of each kind's trailing records. */
	ebpfc_btf_type_by_id(btf, ID_INT, &t);
	assert_int_equal(BTF_INT_ENCODING(ebpfc_btf_int_word(t)), BTF_INT_SIGNED);
	assert_int_equal(BTF_INT_BITS(ebpfc_btf_int_word(t)), 32);
	assert_string_equal(ebpfc_btf_name(btf, t->name_off), "int");
	ebpfc_btf_type_by_id(btf, ID_ARRAY, &t);
	assert_int_equal(ebpfc_btf_array(t)->type, ID_POINT);
	assert_int_equal(ebpfc_btf_array(t)->index_type, ID_UINT);
	assert_int_equal(ebpfc_btf_array(t)->nelems, 3);
	ebpfc_btf_type_by_id(btf, ID_POINT, &t);
	assert_true(ebpfc_btf_is_composite(t));
	assert_int_equal(ebpfc_btf_vlen(t), 3);
	assert_string_equal(ebpfc_btf_name(btf, ebpfc_btf_members(t)[2].name_off), "next");
	ebpfc_btf_type_by_id(btf, ID_COLOR, &t);
	assert_true(ebpfc_btf_is_any_enum(t));
	assert_true(ebpfc_btf_kflag(t));
	assert_int_equal(ebpfc_btf_enums(t)[2].val, -3);
	ebpfc_btf_type_by_id(btf, ID_FUNC, &t);
	assert_int_equal(ebpfc_btf_vlen(t), BTF_FUNC_GLOBAL);
	assert_int_equal(t->type, ID_PROTO);
	ebpfc_btf_type_by_id(btf, ID_VAR, &t);
	assert_int_equal(ebpfc_btf_var(t)->linkage, BTF_VAR_GLOBAL_ALLOCATED);
	ebpfc_btf_type_by_id(btf, ID_DATASEC, &t);
	assert_int_equal(ebpfc_btf_secinfos(t)[0].offset, 4);
	ebpfc_btf_type_by_id(btf, ID_DECL_TAG, &t);
	assert_int_equal(ebpfc_btf_decl_tag(t)->component_idx, -1);
	ebpfc_btf_type_by_id(btf, ID_TYPE_TAG, &t);
	assert_true(ebpfc_btf_is_modifier(t));
	ebpfc_btf_type_by_id(btf, ID_ENUM64, &t);
	assert_int_equal(ebpfc_btf_enum64s(t)[0].val_hi32, 0xffffffffu);

	assert_string_equal(ebpfc_btf_name(btf, 0), "");
	assert_null(ebpfc_btf_name(btf, 1u << 30));
	ebpfc_btf_destroy(btf);
	ebpfc_btf_destroy(NULL);
}

static void test_find(void **state)
{
	struct ebpfc_btf *btf;
	size_t size;
	const void *data = all_kinds(&size);
	uint32_t id, ids[8];

	(void)state;
	btf = open_ok(data, size);
	assert_int_equal(ebpfc_btf_find(btf, "point", BTF_KIND_STRUCT, &id), 0);
	assert_int_equal(id, ID_POINT);
	assert_int_equal(ebpfc_btf_find(btf, "point", BTF_KIND_TYPEDEF, &id), 0);
	assert_int_equal(id, ID_POINT_TD);
	assert_int_equal(ebpfc_btf_find(btf, "point", 0, &id), 0);
	assert_int_equal(id, ID_POINT); /* lowest id of any kind */
	assert_int_equal(ebpfc_btf_find(btf, "do_it", BTF_KIND_FUNC, &id), 0);
	assert_int_equal(id, ID_FUNC);
	assert_int_equal(ebpfc_btf_find(btf, ".data", BTF_KIND_DATASEC, &id), 0);
	assert_int_equal(id, ID_DATASEC);
	assert_int_equal(ebpfc_btf_find(btf, "big", BTF_KIND_ENUM64, &id), 0);
	assert_int_equal(id, ID_ENUM64);
	assert_int_equal(ebpfc_btf_find(btf, "point", BTF_KIND_UNION, &id), -ENOENT);
	assert_msg("no union named 'point'");
	assert_int_equal(ebpfc_btf_find(btf, "nope", 0, &id), -ENOENT);
	assert_int_equal(ebpfc_btf_find(btf, "", 0, &id), -ENOENT);
	assert_int_equal(ebpfc_btf_find(btf, "point___v2", 0, &id), 0);
	assert_int_equal(id, ID_POINT_V2);
	/* Exact lookups do not match flavors. */
	assert_int_equal(ebpfc_btf_find_all(btf, "point", 0, 0, ids, 8), 2);
	assert_int_equal(ids[0], ID_POINT);
	assert_int_equal(ids[1], ID_POINT_TD);
	assert_int_equal(ebpfc_btf_find_all(btf, "point", 0, EBPFC_BTF_FIND_ESSENTIAL, ids, 8), 3);
	assert_int_equal(ids[0], ID_POINT);
	assert_int_equal(ids[1], ID_POINT_TD);
	assert_int_equal(ids[2], ID_POINT_V2);
	assert_int_equal(ebpfc_btf_find_all(btf, "point___v3", BTF_KIND_STRUCT,
					    EBPFC_BTF_FIND_ESSENTIAL, ids, 8), 2);
	assert_int_equal(ids[0], ID_POINT);
	assert_int_equal(ids[1], ID_POINT_V2);
	/* A short array gets the lowest ids and the full count. */
	assert_int_equal(ebpfc_btf_find_all(btf, "point", 0, EBPFC_BTF_FIND_ESSENTIAL, ids, 1), 3);
	assert_int_equal(ids[0], ID_POINT);
	assert_int_equal(ebpfc_btf_find_all(btf, "point", 0, EBPFC_BTF_FIND_ESSENTIAL, NULL, 0), 3);
	assert_int_equal(ebpfc_btf_find_all(btf, "point", 0, 0x80, ids, 8), -EINVAL);
	assert_int_equal(ebpfc_btf_find_all(btf, "point", 77, 0, ids, 8), -EINVAL);
	assert_int_equal(ebpfc_btf_find_all(btf, NULL, 0, 0, ids, 8), -EINVAL);

	assert_int_equal(ebpfc_btf_essential_name_len("point___v2"), 5);
	assert_int_equal(ebpfc_btf_essential_name_len("a___b___c"), 5);
	assert_int_equal(ebpfc_btf_essential_name_len("___x"), 4);
	assert_int_equal(ebpfc_btf_essential_name_len("foo___"), 6);
	assert_int_equal(ebpfc_btf_essential_name_len("foo____bar"), 10);
	assert_int_equal(ebpfc_btf_essential_name_len("task_struct"), 11);
	assert_int_equal(ebpfc_btf_essential_name_len(""), 0);

	/* The index survives names_changed (rebuilt on next lookup). */
	ebpfc__btf_names_changed(btf);
	assert_int_equal(ebpfc_btf_find(btf, "u", BTF_KIND_UNION, &id), 0);
	assert_int_equal(id, ID_UNION);
	ebpfc_btf_destroy(btf);
}

static void test_resolve_size_align(void **state)
{
	struct ebpfc_btf *btf;
	size_t size;
	const void *data = all_kinds(&size);
	uint32_t id, v;

	(void)state;
	btf = open_ok(data, size);
	assert_int_equal(ebpfc_btf_resolve(btf, ID_CONST, &id), 0);
	assert_int_equal(id, ID_POINT);
	assert_int_equal(ebpfc_btf_resolve(btf, ID_TYPE_TAG, &id), 0);
	assert_int_equal(id, ID_POINT);
	assert_int_equal(ebpfc_btf_resolve(btf, ID_RESTRICT, &id), 0);
	assert_int_equal(id, ID_PTR);
	assert_int_equal(ebpfc_btf_resolve(btf, ID_INT, &id), 0);
	assert_int_equal(id, ID_INT);
	assert_int_equal(ebpfc_btf_resolve(btf, 0, &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(ebpfc_btf_resolve(btf, 999, &id), -ENOENT);

	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_CONST, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_ARRAY, &v), 0);
	assert_int_equal(v, 48);
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_PTR, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_VAR, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_ENUM64, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_DATASEC, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_FWD, &v), -EINVAL);
	assert_msg("type [7] (fwd 'opaque') has no size");
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_FUNC, &v), -EINVAL);
	assert_int_equal(ebpfc_btf_resolve_size(btf, ID_PROTO, &v), -EINVAL);
	assert_int_equal(ebpfc_btf_resolve_size(btf, 0, &v), -EINVAL);

	assert_int_equal(ebpfc_btf_align(btf, ID_POINT_T, &v), 0);
	assert_int_equal(v, 8); /* has a pointer */
	assert_int_equal(ebpfc_btf_align(btf, ID_UNION, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(ebpfc_btf_align(btf, ID_ARRAY, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(ebpfc_btf_align(btf, ID_CHAR, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ebpfc_btf_align(btf, ID_PACKED, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ebpfc_btf_align(btf, ID_BITS, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(ebpfc_btf_align(btf, ID_FLOAT, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(ebpfc_btf_align(btf, ID_FUNC, &v), -EINVAL);
	assert_msg("has no alignment");
	ebpfc_btf_destroy(btf);
}

static void test_members_bitfields(void **state)
{
	struct ebpfc_btf_member_info m;
	struct ebpfc_btf *btf;
	size_t size;
	const void *data = all_kinds(&size);

	(void)state;
	btf = open_ok(data, size);
	assert_int_equal(ebpfc_btf_member(btf, ID_POINT, 2, &m), 0);
	assert_string_equal(m.name, "next");
	assert_int_equal(m.type_id, ID_PTR);
	assert_int_equal(m.bit_offset, 64);
	assert_int_equal(m.bitfield_size, 0);
	assert_int_equal(ebpfc_btf_member(btf, ID_POINT, 3, &m), -ENOENT);
	assert_msg("has 3 members, no #3");
	assert_int_equal(ebpfc_btf_member(btf, ID_INT, 0, &m), -EINVAL);
	assert_msg("not a struct or union");

	/* kind_flag: size and offset packed in the member. */
	assert_int_equal(ebpfc_btf_member(btf, ID_BITS, 0, &m), 0);
	assert_int_equal(m.bit_offset, 0);
	assert_int_equal(m.bitfield_size, 3);
	assert_int_equal(ebpfc_btf_member(btf, ID_BITS, 1, &m), 0);
	assert_int_equal(m.bit_offset, 3);
	assert_int_equal(m.bitfield_size, 5);
	assert_int_equal(ebpfc_btf_member(btf, ID_BITS, 2, &m), 0);
	assert_int_equal(m.bit_offset, 32);
	assert_int_equal(m.bitfield_size, 0);

	/* No kind_flag: the int type carries the bit count. */
	assert_int_equal(ebpfc_btf_member(btf, ID_OLDBITS, 1, &m), 0);
	assert_string_equal(m.name, "g");
	assert_int_equal(m.bit_offset, 3);
	assert_int_equal(m.bitfield_size, 3);

	assert_int_equal(ebpfc_btf_member_find(btf, ID_POINT, "y", &m), 1);
	assert_int_equal(m.bit_offset, 32);
	assert_int_equal(ebpfc_btf_member_find(btf, ID_POINT, "z", &m), -ENOENT);
	assert_msg("struct 'point' has no member 'z'");
	assert_int_equal(ebpfc_btf_member_find(btf, ID_UNION, "b", NULL), 1);
	ebpfc_btf_destroy(btf);
}

static void test_enums_params_datasec(void **state)
{
	struct ebpfc_btf_enum_value v;
	struct ebpfc_btf_param_info p;
	struct ebpfc_btf_var_info var;
	struct ebpfc_btf *btf;
	size_t size;
	const void *data = all_kinds(&size);

	(void)state;
	btf = open_ok(data, size);
	assert_int_equal(ebpfc_btf_enum_value(btf, ID_COLOR, 2, &v), 0);
	assert_string_equal(v.name, "BLUE");
	assert_true(v.is_signed);
	assert_int_equal((int64_t)v.value, -3);
	assert_int_equal(ebpfc_btf_enum_value(btf, ID_COLOR, 3, &v), -ENOENT);
	assert_int_equal(ebpfc_btf_enum_find(btf, ID_COLOR, "GREEN", &v), 1);
	assert_int_equal(v.value, 2);
	assert_int_equal(ebpfc_btf_enum_find(btf, ID_COLOR, "PINK", &v), -ENOENT);
	assert_msg("no enumerator 'PINK'");
	/* An unsigned 32-bit enum does not sign-extend. */
	assert_int_equal(ebpfc_btf_enum_value(btf, ID_UENUM, 0, &v), 0);
	assert_false(v.is_signed);
	assert_int_equal(v.value, 0xffffffffu);
	/* enum64 */
	assert_int_equal(ebpfc_btf_enum_find(btf, ID_ENUM64, "HUGE", &v), 0);
	assert_false(v.is_signed);
	assert_true(v.value == 0xffffffff00000001ull);
	assert_int_equal(ebpfc_btf_enum_value(btf, ID_SENUM64, 0, &v), 0);
	assert_true(v.is_signed);
	assert_int_equal((int64_t)v.value, -2);
	assert_int_equal(ebpfc_btf_enum_value(btf, ID_POINT, 0, &v), -EINVAL);

	/* Params through the func and through the proto. */
	assert_int_equal(ebpfc_btf_param(btf, ID_FUNC, 1, &p), 0);
	assert_string_equal(p.name, "p");
	assert_int_equal(p.type_id, ID_PTR);
	assert_int_equal(ebpfc_btf_param(btf, ID_PROTO, 2, &p), 0);
	assert_string_equal(p.name, "");
	assert_int_equal(p.type_id, 0); /* variadic */
	assert_int_equal(ebpfc_btf_param(btf, ID_PROTO, 3, &p), -ENOENT);
	assert_int_equal(ebpfc_btf_param(btf, ID_INT, 0, &p), -EINVAL);

	assert_int_equal(ebpfc_btf_datasec_var(btf, ID_DATASEC, 0, &var), 0);
	assert_string_equal(var.name, "counter");
	assert_int_equal(var.type_id, ID_VAR);
	assert_int_equal(var.offset, 4);
	assert_int_equal(var.size, 4);
	assert_int_equal(ebpfc_btf_datasec_var(btf, ID_DATASEC, 1, &var), -ENOENT);
	assert_int_equal(ebpfc_btf_datasec_var(btf, ID_VAR, 0, &var), -EINVAL);
	ebpfc_btf_destroy(btf);
}

/*
 * The index hashes names 8 bytes at a time (reading past the NUL inside
 * the string section) while queries hash byte by byte: every length, every
 * underscore pattern across word boundaries, and names ending at the very
 * end of the strings must agree. Funcs and other kinds live in separate
 * indexes; kind 0 searches both.
 */
static void test_name_hash_paths(void **state)
{
	static const char *const names[] = {
		"a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi",
		"abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq",
		"abcdefghijklmnopqrstuvwxyz012345", "x___y", "a_b_c___d", "___", "a___", "__a___b",
		"abcdefg_", "abcdefg__", "abcdefg___h", "abcdef___gh", "abcdefgh___i", "_______",
		"a__b__c__d__e", "sk_buff___old", "sk_buff",
	};
	static uint32_t blob[2048];
	struct bld *b = malloc(sizeof(*b));
	struct ebpfc_btf *btf;
	uint32_t id, ids[8], fn;
	size_t i, size;

	(void)state;
	assert_non_null(b);
	bld_init(b, 1, 0);
	for (i = 0; i < EBPFC__ARRAY_SIZE(names); i++)
		bld_type(b, names[i], BTF_KIND_STRUCT, 0, 0, 0);
	bld_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 0);
	/* A func sharing a struct's name, and the very last string. */
	fn = bld_type(b, "abcdefgh", BTF_KIND_FUNC, 0, 0, (uint32_t)EBPFC__ARRAY_SIZE(names) + 1);
	bld_type(b, "zz", BTF_KIND_FUNC, 0, 0, (uint32_t)EBPFC__ARRAY_SIZE(names) + 1);
	size = bld_finish(b, blob, sizeof(blob));
	free(b);
	btf = open_ok(blob, size);
	for (i = 0; i < EBPFC__ARRAY_SIZE(names); i++) {
		if (ebpfc_btf_find(btf, names[i], BTF_KIND_STRUCT, &id))
			fail_msg("'%s' not found: %s", names[i], ebpfc_errmsg());
		assert_int_equal(id, i + 1);
	}
	assert_int_equal(ebpfc_btf_find(btf, "zz", BTF_KIND_FUNC, &id), 0);
	assert_int_equal(ebpfc_btf_find(btf, "zz", 0, &id), 0);
	assert_int_equal(ebpfc_btf_find(btf, "zz", BTF_KIND_STRUCT, &id), -ENOENT);
	assert_int_equal(ebpfc_btf_find(btf, "abcdefgh", BTF_KIND_FUNC, &id), 0);
	assert_int_equal(id, fn);
	assert_int_equal(ebpfc_btf_find_all(btf, "abcdefgh", 0, 0, ids, 8), 2);
	assert_int_equal(ids[0], 8);
	assert_int_equal(ids[1], fn);
	/* Essential names: "sk_buff___old" and "sk_buff" are one family. */
	assert_int_equal(ebpfc_btf_find_all(btf, "sk_buff___new", BTF_KIND_STRUCT,
					    EBPFC_BTF_FIND_ESSENTIAL, ids, 8), 2);
	assert_int_equal(ebpfc_btf_find_all(btf, "abcdefg", 0, EBPFC_BTF_FIND_ESSENTIAL, ids, 8), 2);
	assert_int_equal(ids[0], 7);  /* abcdefg */
	assert_int_equal(ids[1], 21); /* abcdefg___h */
	assert_int_equal(ebpfc_btf_find_all(btf, "abcdefgh", 0, EBPFC_BTF_FIND_ESSENTIAL, ids, 8), 3);
	assert_int_equal(ebpfc_btf_find_all(btf, "x", 0, EBPFC_BTF_FIND_ESSENTIAL, ids, 8), 1);
	assert_int_equal(ebpfc_btf_find_all(btf, "a_b_c", 0, EBPFC_BTF_FIND_ESSENTIAL, ids, 8), 1);
	ebpfc_btf_destroy(btf);
}

/* ---- open variants ------------------------------------------------------- */

static void test_open_copy_and_mut(void **state)
{
	EBPFC_OPTS(ebpfc_btf_open_opts, copy_opts, .copy = true);
	struct ebpfc_btf *btf;
	const struct btf_type *t;
	size_t size, raw_size;
	const void *data = all_kinds(&size);
	uint8_t *buf = malloc(size + 1), *unaligned = malloc(size + 1);
	const void *raw;
	void *mut;
	uint32_t id;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, data, size);
	assert_int_equal(ebpfc_btf_open_mem(buf, size, &copy_opts, &btf), 0);
	memset(buf, 0xa5, size); /* the copy must not care */
	assert_int_equal(ebpfc_btf_find(btf, "point", BTF_KIND_STRUCT, &id), 0);
	ebpfc_btf_raw_data(btf, &raw, &raw_size);
	assert_ptr_not_equal(raw, buf);
	ebpfc_btf_destroy(btf);

	/* A misaligned buffer is copied even when borrowing was asked for. */
	memcpy(unaligned + 1, data, size);
	assert_int_equal(ebpfc_btf_open_mem(unaligned + 1, size, NULL, &btf), 0);
	ebpfc_btf_raw_data(btf, &raw, &raw_size);
	assert_ptr_not_equal(raw, unaligned + 1);
	assert_int_equal((uintptr_t)raw & 3, 0);
	ebpfc_btf_destroy(btf);

	/* Writable bytes for fixups: borrowed data is copied first. */
	memcpy(buf, data, size);
	assert_int_equal(ebpfc_btf_open_mem(buf, size, NULL, &btf), 0);
	assert_int_equal(ebpfc__btf_raw_mut(btf, &mut, &raw_size), 0);
	assert_ptr_not_equal(mut, buf);
	assert_int_equal(raw_size, size);
	/* Rename "point" to "pOint" in place; lookups follow after names_changed. */
	assert_int_equal(ebpfc_btf_find(btf, "point", BTF_KIND_STRUCT, &id), 0);
	assert_int_equal(ebpfc_btf_type_by_id(btf, ID_POINT, &t), 0);
	((char *)mut)[sizeof(struct btf_header) + ((const struct btf_header *)mut)->str_off +
		      t->name_off + 1] = 'O';
	ebpfc__btf_names_changed(btf);
	assert_int_equal(ebpfc_btf_find(btf, "pOint", BTF_KIND_STRUCT, &id), 0);
	assert_int_equal(id, ID_POINT);
	assert_int_equal(ebpfc_btf_find(btf, "point", BTF_KIND_STRUCT, &id), -ENOENT);
	/* A second call gives the same bytes. */
	void *mut2;
	assert_int_equal(ebpfc__btf_raw_mut(btf, &mut2, &raw_size), 0);
	assert_ptr_equal(mut, mut2);
	ebpfc_btf_destroy(btf);

	free(buf);
	free(unaligned);
}

static void test_opts(void **state)
{
	struct {
		struct ebpfc_btf_open_opts o;
		char tail[16];
	} big;
	struct ebpfc_btf *btf;
	size_t size;
	const void *data = all_kinds(&size);

	(void)state;
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	assert_int_equal(ebpfc_btf_open_mem(data, size, &big.o, &btf), 0);
	ebpfc_btf_destroy(btf);
	big.tail[3] = 1;
	expect_fail(data, size, &big.o, -EINVAL, "ebpfc_btf_open_opts");
	big.o.sz = 2;
	expect_fail(data, size, &big.o, -EINVAL, "too small");
	assert_int_equal(ebpfc_btf_open_mem(data, size, NULL, NULL), -EINVAL);
	assert_int_equal(ebpfc_btf_open_file(NULL, NULL, &btf), -EINVAL);
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

static void test_open_file(void **state)
{
	char dir[] = "/tmp/ebpfc_test_btf_XXXXXX", path[64], fdpath[64];
	struct ebpfc_btf *btf;
	size_t size;
	const void *data = all_kinds(&size);
	uint32_t id;
	int fds[2];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.btf", dir);
	write_file(path, data, size);
	assert_int_equal(ebpfc_btf_open_file(path, NULL, &btf), 0);
	assert_int_equal(ebpfc_btf_find(btf, "do_it", BTF_KIND_FUNC, &id), 0);
	assert_int_equal(id, ID_FUNC);
	ebpfc_btf_destroy(btf);

	/* A pipe cannot be mapped: read instead. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, size), (ssize_t)size);
	close(fds[1]);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fds[0]);
	assert_int_equal(ebpfc_btf_open_file(fdpath, NULL, &btf), 0);
	assert_int_equal(ebpfc_btf_find(btf, "do_it", BTF_KIND_FUNC, &id), 0);
	ebpfc_btf_destroy(btf);
	close(fds[0]);

	/* Corrupt file: the message names it. */
	write_file(path, data, 30);
	assert_int_equal(ebpfc_btf_open_file(path, NULL, &btf), -EINVAL);
	assert_null(btf);
	assert_msg(path);
	write_file(path, "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 28);
	assert_int_equal(ebpfc_btf_open_file(path, NULL, &btf), -EINVAL);
	assert_msg("ELF");
	write_file(path, "", 0);
	assert_int_equal(ebpfc_btf_open_file(path, NULL, &btf), -EINVAL);
	assert_msg("shorter than");
	unlink(path);
	assert_int_equal(ebpfc_btf_open_file(path, NULL, &btf), -ENOENT);
	assert_msg("ENOENT");
	assert_int_equal(ebpfc_btf_open_file(dir, NULL, &btf), -EISDIR);
	rmdir(dir);
}

/* ---- split BTF ----------------------------------------------------------- */

static void test_split(void **state)
{
	EBPFC_OPTS(ebpfc_btf_open_opts, opts);
	struct ebpfc_btf *base, *split;
	struct ebpfc_btf_member_info m;
	const struct btf_header *bh;
	const struct btf_type *t;
	static uint32_t sblob[1024];
	struct bld *b = malloc(sizeof(*b));
	size_t size, ssize;
	const void *data = all_kinds(&size);
	uint32_t id, sid, ids[4];

	(void)state;
	assert_non_null(b);
	base = open_ok(data, size);
	bh = data;
	opts.base = base;

	/* Split types: ids from ID_CNT on, strings after the base's. */
	bld_init(b, ID_CNT, bh->str_len);
	sid = bld_type(b, "mod_state", BTF_KIND_STRUCT, 0, 2, 16);
	bld_member(b, "p", ID_POINT_T, 0); /* a base type */
	bld_member(b, "self", ID_CNT + 1, 64);
	bld_ref(b, BTF_KIND_PTR, NULL, sid);
	/* A split type may name itself with a base string: a second "point". */
	{
		const char *bs = (const char *)data + sizeof(*bh) + bh->str_off;
		uint32_t off;

		for (off = 1; off < bh->str_len; off += (uint32_t)strlen(bs + off) + 1)
			if (!strcmp(bs + off, "point"))
				break;
		assert_true(off < bh->str_len);
		bld_w3(b, off, (uint32_t)BTF_KIND_STRUCT << 24, 0);
		b->next_id++;
	}
	ssize = bld_finish(b, sblob, sizeof(sblob));

	assert_int_equal(ebpfc_btf_open_mem(sblob, ssize, &opts, &split), 0);
	assert_ptr_equal(ebpfc_btf_base(split), base);
	assert_int_equal(ebpfc_btf_start_id(split), ID_CNT);
	assert_int_equal(ebpfc_btf_type_cnt(split), ID_CNT + 3);
	/* The caller's base handle can go; the split holds its own reference. */
	ebpfc_btf_destroy(base);

	assert_int_equal(ebpfc_btf_type_by_id(split, ID_INT, &t), 0);
	assert_string_equal(ebpfc_btf_name(split, t->name_off), "int");
	assert_int_equal(ebpfc_btf_find(split, "mod_state", BTF_KIND_STRUCT, &id), 0);
	assert_int_equal(id, sid);
	assert_int_equal(ebpfc_btf_find(split, "point_t", 0, &id), 0);
	assert_int_equal(id, ID_POINT_T);
	/* Both the base's and the split's "point" structs, base first. */
	assert_int_equal(ebpfc_btf_find_all(split, "point", BTF_KIND_STRUCT, 0, ids, 4), 2);
	assert_int_equal(ids[0], ID_POINT);
	assert_int_equal(ids[1], ID_CNT + 2);
	assert_int_equal(ebpfc_btf_member(split, sid, 0, &m), 0);
	assert_string_equal(m.name, "p");
	assert_int_equal(ebpfc_btf_resolve(split, m.type_id, &id), 0);
	assert_int_equal(id, ID_POINT);
	assert_int_equal(ebpfc_btf_resolve_size(split, sid, &id), 0);
	assert_int_equal(id, 16);
	assert_int_equal(ebpfc_btf_align(split, sid, &id), 0);
	assert_int_equal(id, 8);
	ebpfc_btf_destroy(split);

	/* A split type naming an id past the split's end. */
	base = open_ok(data, size);
	opts.base = base;
	bld_init(b, ID_CNT, bh->str_len);
	bld_ref(b, BTF_KIND_PTR, NULL, ID_CNT + 5);
	ssize = bld_finish(b, sblob, sizeof(sblob));
	expect_fail(sblob, ssize, &opts, -EINVAL, "referenced type [35] does not exist (type count 31)");
	/* And a name past the split's strings. */
	bld_init(b, ID_CNT, bh->str_len);
	bld_type(b, "x", BTF_KIND_FWD, 0, 0, 0);
	b->types[0] = bh->str_len + 100;
	ssize = bld_finish(b, sblob, sizeof(sblob));
	expect_fail(sblob, ssize, &opts, -EINVAL, "outside the string section");
	ebpfc_btf_destroy(base);
	free(b);
}

/* ---- .BTF.ext ------------------------------------------------------------ */

struct extb {
	uint32_t w[512];
	size_t n;
};

static void ext_w(struct extb *e, uint32_t v)
{
	assert_true(e->n < EBPFC__ARRAY_SIZE(e->w));
	e->w[e->n++] = v;
}

/* A BTF whose strings carry section names, a file name and access strings. */
static uint32_t ext_blob[1024];
static size_t ext_btf_size;
static uint32_t S_KPROBE, S_TEXT, S_FILE, S_LINE, S_ACCESS;

static struct ebpfc_btf *ext_btf(void)
{
	struct bld *b = malloc(sizeof(*b));
	struct ebpfc_btf *btf;
	uint32_t proto;

	assert_non_null(b);
	bld_init(b, 1, 0);
	bld_int(b, "int", 4, BTF_INT_SIGNED, 32, 0);            /* 1 */
	proto = bld_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 1); /* 2 */
	bld_type(b, "prog", BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL, proto); /* 3 */
	bld_type(b, "sub", BTF_KIND_FUNC, 0, BTF_FUNC_STATIC, proto);  /* 4 */
	S_KPROBE = bld_str(b, "kprobe/x");
	S_TEXT = bld_str(b, ".text");
	S_FILE = bld_str(b, "/src/x.bpf.c");
	S_LINE = bld_str(b, "	return 0;");
	S_ACCESS = bld_str(b, "0:1");
	ext_btf_size = bld_finish(b, ext_blob, sizeof(ext_blob));
	free(b);
	btf = open_ok(ext_blob, ext_btf_size);
	return btf;
}

/*
 * func_info with 12-byte records (larger than the 8 known), line_info and
 * core_relo with 16. Returns the byte size; word offsets of interesting
 * fields are left in *marks for the hostile tests.
 */
enum { MK_FUNC_RECSZ, MK_FUNC_NUM, MK_FUNC_INSN, MK_FUNC_TYPE, MK_FUNC_SEC, MK_LINE_FILE,
       MK_CORE_KIND, MK_CORE_ACCESS, MK_CORE_TYPE, MK_CNT };

static size_t build_ext(struct extb *e, size_t marks[MK_CNT])
{
	size_t func_start, line_start, core_start;

	memset(e, 0, sizeof(*e));
	/* header: magic/version/flags, hdr_len, 3 x (off, len) filled in below */
	ext_w(e, BTF_MAGIC | BTF_VERSION << 16);
	ext_w(e, 32);
	for (int i = 0; i < 6; i++)
		ext_w(e, 0);

	func_start = e->n;
	marks[MK_FUNC_RECSZ] = e->n;
	ext_w(e, 12);
	marks[MK_FUNC_SEC] = e->n;
	ext_w(e, S_KPROBE);
	marks[MK_FUNC_NUM] = e->n;
	ext_w(e, 2);
	marks[MK_FUNC_INSN] = e->n;
	ext_w(e, 0), ext_w(e, 3), ext_w(e, 0xdeadbeef);
	marks[MK_FUNC_TYPE] = e->n + 1;
	ext_w(e, 16), ext_w(e, 4), ext_w(e, 0xdeadbeef);
	ext_w(e, S_TEXT), ext_w(e, 1);
	ext_w(e, 0), ext_w(e, 4), ext_w(e, 0xdeadbeef);

	line_start = e->n;
	ext_w(e, 16);
	ext_w(e, S_KPROBE), ext_w(e, 1);
	marks[MK_LINE_FILE] = e->n + 1;
	ext_w(e, 8), ext_w(e, S_FILE), ext_w(e, S_LINE), ext_w(e, 12 << 10 | 2);

	core_start = e->n;
	ext_w(e, 16);
	ext_w(e, S_KPROBE), ext_w(e, 1);
	marks[MK_CORE_TYPE] = e->n + 1;
	marks[MK_CORE_ACCESS] = e->n + 2;
	marks[MK_CORE_KIND] = e->n + 3;
	ext_w(e, 24), ext_w(e, 1), ext_w(e, S_ACCESS), ext_w(e, BPF_CORE_FIELD_BYTE_OFFSET);

	e->w[2] = 0;
	e->w[3] = (uint32_t)(line_start - func_start) * 4;
	e->w[4] = (uint32_t)(line_start - func_start) * 4;
	e->w[5] = (uint32_t)(core_start - line_start) * 4;
	e->w[6] = (uint32_t)(core_start - func_start) * 4;
	e->w[7] = (uint32_t)(e->n - core_start) * 4;
	return e->n * 4;
}

static void test_ext(void **state)
{
	const struct ebpfc__btf_ext_sec *sec;
	struct ebpfc__btf_ext *ext;
	struct ebpfc_btf *btf = ext_btf();
	size_t marks[MK_CNT], size;
	struct extb e;
	const struct bpf_func_info *fi;
	const struct bpf_line_info *li;
	const struct bpf_core_relo *cr;

	(void)state;
	size = build_ext(&e, marks);
	assert_int_equal(ebpfc__btf_ext_open(e.w, size, btf, &ext), 0);
	/* The ext holds a reference: the caller's can go first. */
	ebpfc_btf_destroy(btf);

	assert_int_equal(ebpfc__btf_ext_sec_cnt(ext, EBPFC__BTF_EXT_FUNC_INFO), 2);
	assert_int_equal(ebpfc__btf_ext_sec_cnt(ext, EBPFC__BTF_EXT_LINE_INFO), 1);
	assert_int_equal(ebpfc__btf_ext_sec_cnt(ext, EBPFC__BTF_EXT_CORE_RELO), 1);
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_FUNC_INFO, "kprobe/x", &sec), 0);
	assert_string_equal(sec->sec_name, "kprobe/x");
	assert_int_equal(sec->count, 2);
	assert_int_equal(sec->rec_size, 12);
	fi = (const void *)((const char *)sec->recs + sec->rec_size);
	assert_int_equal(fi->insn_off, 16);
	assert_int_equal(fi->type_id, 4);
	sec = ebpfc__btf_ext_sec(ext, EBPFC__BTF_EXT_FUNC_INFO, 1);
	assert_non_null(sec);
	assert_string_equal(sec->sec_name, ".text");
	assert_null(ebpfc__btf_ext_sec(ext, EBPFC__BTF_EXT_FUNC_INFO, 2));
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_LINE_INFO, "kprobe/x", &sec), 0);
	li = sec->recs;
	assert_int_equal(BPF_LINE_INFO_LINE_NUM(li->line_col), 12);
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_CORE_RELO, "kprobe/x", &sec), 0);
	cr = sec->recs;
	assert_int_equal(cr->insn_off, 24);
	assert_int_equal(cr->kind, BPF_CORE_FIELD_BYTE_OFFSET);
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_CORE_RELO, ".text", &sec), -ENOENT);
	assert_msg("no core_relo for section '.text'");
	ebpfc__btf_ext_destroy(ext);
	ebpfc__btf_ext_destroy(NULL);

	/* A header that stops after line_info: no core_relo subsection. */
	btf = ext_btf();
	size = build_ext(&e, marks);
	{
		uint32_t *short_hdr = malloc(size);

		assert_non_null(short_hdr);
		/* drop the two core_relo words of the header and the core records */
		short_hdr[0] = e.w[0];
		short_hdr[1] = 24;
		memcpy(short_hdr + 2, e.w + 2, 4 * 4);
		memcpy(short_hdr + 6, e.w + 8, e.w[6]);
		assert_int_equal(ebpfc__btf_ext_open(short_hdr, 24 + e.w[6], btf, &ext), 0);
		assert_int_equal(ebpfc__btf_ext_sec_cnt(ext, EBPFC__BTF_EXT_CORE_RELO), 0);
		assert_int_equal(ebpfc__btf_ext_sec_cnt(ext, EBPFC__BTF_EXT_LINE_INFO), 1);
		ebpfc__btf_ext_destroy(ext);
		free(short_hdr);
	}
	/* Misaligned bytes are copied. */
	{
		char *mis = malloc(size + 1);

		assert_non_null(mis);
		memcpy(mis + 1, e.w, size);
		assert_int_equal(ebpfc__btf_ext_open(mis + 1, size, btf, &ext), 0);
		assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_FUNC_INFO, ".text", &sec), 0);
		assert_int_equal((uintptr_t)sec->recs & 3, 0);
		ebpfc__btf_ext_destroy(ext);
		free(mis);
	}
	ebpfc_btf_destroy(btf);
}

static void ext_expect_fail(const struct ebpfc_btf *btf, const void *data, size_t size, int want,
			    const char *substr)
{
	struct ebpfc__btf_ext *ext = (void *)0x1;
	int err = ebpfc__btf_ext_open(data, size, btf, &ext);

	if (err != want)
		fail_msg("ext open returned %d (%s), expected %d", err, ebpfc_errmsg(), want);
	assert_null(ext);
	if (substr)
		assert_msg(substr);
}

static void test_ext_hostile(void **state)
{
	struct ebpfc_btf *btf = ext_btf();
	size_t marks[MK_CNT], size, len;
	struct extb e, bad;

	(void)state;
	size = build_ext(&e, marks);
	for (len = 0; len < size; len++) {
		struct ebpfc__btf_ext *ext = NULL;
		char *copy = malloc(len ? len : 1);

		assert_non_null(copy);
		memcpy(copy, e.w, len);
		/* Heap copy of exactly len bytes: ASan catches any over-read. */
		assert_true(ebpfc__btf_ext_open(copy, len, btf, &ext) < 0);
		assert_null(ext);
		assert_true(ebpfc_errmsg()[0] != '\0');
		free(copy);
	}
	ext_expect_fail(btf, e.w, 10, -EINVAL, "shorter than");

#define MUTATE(word, val, err, msg)                            \
	do {                                                   \
		bad = e;                                       \
		bad.w[(word)] = (val);                         \
		ext_expect_fail(btf, bad.w, size, err, msg);   \
	} while (0)
	MUTATE(0, 0x1234 | BTF_VERSION << 16, -EINVAL, "bad magic");
	MUTATE(0, 0x9feb | BTF_VERSION << 16, -EOPNOTSUPP, "big-endian");
	MUTATE(0, BTF_MAGIC | 2 << 16, -EOPNOTSUPP, "version 2");
	MUTATE(0, BTF_MAGIC | BTF_VERSION << 16 | 1u << 24, -EOPNOTSUPP, "flags");
	MUTATE(1, 20, -EINVAL, "header length 20");
	MUTATE(1, 33, -EINVAL, "header length 33");
	MUTATE(1, 0xfffffff0, -EINVAL, "header length");
	MUTATE(2, 2, -EINVAL, "unaligned");
	MUTATE(2, 0xfffffffc, -EINVAL, "runs past");
	MUTATE(3, 0xfffffffc, -EINVAL, "runs past");
	MUTATE(3, 2, -EINVAL, "no record size");
	MUTATE(5, e.w[5] + 4, -EINVAL, NULL);
	MUTATE(7, 0x7ffffff0, -EINVAL, "runs past");
	MUTATE(marks[MK_FUNC_RECSZ], 4, -EINVAL, "record size 4");
	MUTATE(marks[MK_FUNC_RECSZ], 10, -EINVAL, "record size 10");
	MUTATE(marks[MK_FUNC_RECSZ], 0x80000000, -EINVAL, "do not fit");
	MUTATE(marks[MK_FUNC_NUM], 0, -EINVAL, "0 records");
	MUTATE(marks[MK_FUNC_NUM], 0xffffffff, -EINVAL, "do not fit");
	MUTATE(marks[MK_FUNC_NUM], 3, -EINVAL, "record 2: instruction offset 23");
	MUTATE(marks[MK_FUNC_NUM], 5, -EINVAL, "do not fit");
	MUTATE(marks[MK_FUNC_SEC], 0, -EINVAL, "section name offset 0");
	MUTATE(marks[MK_FUNC_SEC], 0x10000, -EINVAL, "section name offset 65536");
	MUTATE(marks[MK_FUNC_INSN], 3, -EINVAL, "not a multiple of 8");
	MUTATE(marks[MK_FUNC_TYPE], 1, -EINVAL, "type [1] is not a func");
	MUTATE(marks[MK_FUNC_TYPE], 0, -EINVAL, "type [0] is not a func");
	MUTATE(marks[MK_FUNC_TYPE], 999, -EINVAL, "type [999] is not a func");
	MUTATE(marks[MK_LINE_FILE], 99999, -EINVAL, "file name offset 99999");
	MUTATE(marks[MK_CORE_KIND], 99, -EINVAL, "unknown relocation kind 99");
	MUTATE(marks[MK_CORE_TYPE], 5, -EINVAL, "type [5] does not exist");
	MUTATE(marks[MK_CORE_ACCESS], 99999, -EINVAL, "access string offset 99999");
#undef MUTATE
	ext_expect_fail(btf, NULL, 0, -EINVAL, NULL);
	ebpfc_btf_destroy(btf);
}

/* ---- compiler output ----------------------------------------------------- */

static void test_clang_object(void **state)
{
	const struct ebpfc__btf_ext_sec *sec;
	struct ebpfc_btf_member_info m;
	struct ebpfc_btf_enum_value v;
	struct ebpfc_btf_param_info p;
	struct ebpfc_btf_var_info var;
	const struct bpf_func_info *fi;
	struct ebpfc__btf_ext *ext;
	const struct btf_type *t;
	struct ebpfc_btf *btf;
	uint32_t id, sz, i, n, j;
	bool found_decl_tag = false;

	(void)state;
	btf = open_ok(fixture_btf, sizeof(fixture_btf));

	assert_int_equal(ebpfc_btf_find(btf, "task_struct", BTF_KIND_STRUCT, &id), 0);
	assert_int_equal(ebpfc_btf_member_find(btf, id, "parent", &m), 2);
	assert_int_equal(m.bit_offset, 64);
	assert_int_equal(ebpfc_btf_resolve_size(btf, id, &sz), 0);
	assert_int_equal(sz, 16);

	assert_int_equal(ebpfc_btf_find(btf, "flags", BTF_KIND_STRUCT, &id), 0);
	assert_int_equal(ebpfc_btf_member_find(btf, id, "b", &m), 1);
	assert_int_equal(m.bit_offset, 3);
	assert_int_equal(m.bitfield_size, 5);
	assert_int_equal(ebpfc_btf_member_find(btf, id, "d", &m), 3);
	assert_int_equal(m.bit_offset, 64);
	assert_int_equal(m.bitfield_size, 40);
	assert_int_equal(ebpfc_btf_align(btf, id, &sz), 0);
	assert_int_equal(sz, 8);

	assert_int_equal(ebpfc_btf_find(btf, "color", BTF_KIND_ENUM, &id), 0);
	assert_int_equal(ebpfc_btf_enum_find(btf, id, "BLUE", &v), 2);
	/* clang 14 predates signed enums in BTF (kind_flag): the bits are unsigned. */
	assert_int_equal((int32_t)v.value, -3);

	assert_int_equal(ebpfc_btf_find(btf, "handle_exit", BTF_KIND_FUNC, &id), 0);
	assert_int_equal(ebpfc_btf_param(btf, id, 0, &p), 0);
	assert_string_equal(p.name, "t");
	assert_int_equal(ebpfc_btf_resolve(btf, p.type_id, &id), 0);
	assert_int_equal(ebpfc_btf_type_by_id(btf, id, &t), 0);
	assert_int_equal(ebpfc_btf_kind(t), BTF_KIND_PTR);

	/* .maps: the map is a var whose type is a struct of pointer members. */
	assert_int_equal(ebpfc_btf_find(btf, ".maps", BTF_KIND_DATASEC, &id), 0);
	assert_int_equal(ebpfc_btf_datasec_var(btf, id, 0, &var), 0);
	assert_string_equal(var.name, "counts");
	assert_int_equal(ebpfc_btf_type_by_id(btf, var.type_id, &t), 0);
	assert_int_equal(ebpfc_btf_resolve(btf, t->type, &id), 0);
	assert_int_equal(ebpfc_btf_member_find(btf, id, "max_entries", &m), 1);
	assert_int_equal(ebpfc_btf_type_by_id(btf, m.type_id, &t), 0);
	assert_int_equal(ebpfc_btf_kind(t), BTF_KIND_PTR);
	assert_int_equal(ebpfc_btf_type_by_id(btf, t->type, &t), 0);
	assert_int_equal(ebpfc_btf_kind(t), BTF_KIND_ARRAY);
	assert_int_equal(ebpfc_btf_array(t)->nelems, 128);

	assert_int_equal(ebpfc_btf_find(btf, ".rodata", BTF_KIND_DATASEC, &id), 0);
	assert_int_equal(ebpfc_btf_datasec_var(btf, id, 0, &var), 0);
	assert_string_equal(var.name, "cfg_pid");
	assert_int_equal(ebpfc_btf_find(btf, "global_counter", BTF_KIND_VAR, &id), 0);

	n = ebpfc_btf_type_cnt(btf);
	for (i = 1; i < n; i++) {
		assert_int_equal(ebpfc_btf_type_by_id(btf, i, &t), 0);
		if (ebpfc_btf_kind(t) == BTF_KIND_DECL_TAG &&
		    !strcmp(ebpfc_btf_name(btf, t->name_off), "scratch_tag"))
			found_decl_tag = true;
		assert_int_equal(ebpfc_btf_resolve(btf, i, &id), 0);
	}
	assert_true(found_decl_tag);

	assert_int_equal(ebpfc__btf_ext_open(fixture_btf_ext, sizeof(fixture_btf_ext), btf, &ext), 0);
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_FUNC_INFO, "kprobe/do_exit", &sec), 0);
	assert_int_equal(sec->count, 1);
	assert_int_equal(sec->rec_size, sizeof(struct bpf_func_info));
	fi = sec->recs;
	assert_int_equal(fi->insn_off, 0);
	assert_int_equal(ebpfc_btf_type_by_id(btf, fi->type_id, &t), 0);
	assert_string_equal(ebpfc_btf_name(btf, t->name_off), "handle_exit");
	/* The static noinline helper lives in .text, a subprogram. */
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_FUNC_INFO, ".text", &sec), 0);
	fi = sec->recs;
	assert_int_equal(ebpfc_btf_type_by_id(btf, fi->type_id, &t), 0);
	assert_string_equal(ebpfc_btf_name(btf, t->name_off), "helper");
	assert_int_equal(ebpfc_btf_vlen(t), BTF_FUNC_STATIC);
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_LINE_INFO, "kprobe/do_exit", &sec), 0);
	assert_true(sec->count >= 4);
	/* t->pid in the program, t->parent->tgid in the helper. */
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_CORE_RELO, "kprobe/do_exit", &sec), 0);
	assert_int_equal(sec->count, 1);
	assert_string_equal(ebpfc_btf_name(btf, ((const struct bpf_core_relo *)sec->recs)->access_str_off),
			    "0:0");
	assert_int_equal(ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_CORE_RELO, ".text", &sec), 0);
	assert_int_equal(sec->count, 2);
	for (j = 0; j < sec->count; j++) {
		const struct bpf_core_relo *cr =
			(const void *)((const char *)sec->recs + j * sec->rec_size);

		assert_int_equal(ebpfc_btf_type_by_id(btf, cr->type_id, &t), 0);
		assert_string_equal(ebpfc_btf_name(btf, t->name_off), "task_struct");
		assert_non_null(ebpfc_btf_name(btf, cr->access_str_off));
	}
	ebpfc__btf_ext_destroy(ext);
	ebpfc_btf_destroy(btf);
}

/* ---- hostile BTF --------------------------------------------------------- */

/* Walk everything a consumer would; must not crash whatever was accepted. */
static void walk_all(struct ebpfc_btf *btf)
{
	struct ebpfc_btf_member_info m;
	struct ebpfc_btf_enum_value v;
	struct ebpfc_btf_param_info p;
	struct ebpfc_btf_var_info var;
	const struct btf_type *t;
	uint32_t id, n = ebpfc_btf_type_cnt(btf), out, i, ids[4];

	for (id = 0; id < n; id++) {
		assert_int_equal(ebpfc_btf_type_by_id(btf, id, &t), 0);
		(void)ebpfc_btf_resolve(btf, id, &out);
		(void)ebpfc_btf_resolve_size(btf, id, &out);
		(void)ebpfc_btf_align(btf, id, &out);
		for (i = 0; i < ebpfc_btf_vlen(t); i++) {
			(void)ebpfc_btf_member(btf, id, i, &m);
			(void)ebpfc_btf_enum_value(btf, id, i, &v);
			(void)ebpfc_btf_param(btf, id, i, &p);
			(void)ebpfc_btf_datasec_var(btf, id, i, &var);
		}
		assert_non_null(ebpfc_btf_name(btf, t->name_off));
		if (ebpfc_btf_name(btf, t->name_off)[0]) {
			const char *name = ebpfc_btf_name(btf, t->name_off);

			assert_true(ebpfc_btf_find_all(btf, name, 0, 0, ids, 4) >= 1);
			(void)ebpfc_btf_find_all(btf, name, 0, EBPFC_BTF_FIND_ESSENTIAL, ids, 4);
		}
	}
}

static void test_truncated_every_length(void **state)
{
	size_t size, len;
	const void *data = all_kinds(&size);
	const struct {
		const void *data;
		size_t size;
	} blobs[] = { { data, size }, { fixture_btf, sizeof(fixture_btf) } };

	(void)state;
	for (size_t k = 0; k < EBPFC__ARRAY_SIZE(blobs); k++) {
		for (len = 0; len < blobs[k].size; len++) {
			struct ebpfc_btf *btf = NULL;
			/* 4-aligned heap copy of exactly len bytes, so ASan sees over-reads. */
			void *copy = malloc(len ? len : 1);

			assert_non_null(copy);
			memcpy(copy, blobs[k].data, len);
			assert_true(ebpfc_btf_open_mem(copy, len, NULL, &btf) < 0);
			assert_null(btf);
			assert_true(ebpfc_errmsg()[0] != '\0');
			free(copy);
		}
	}

	/* Shrink the type section in place, one word at a time. */
	for (len = 0; len < ((const struct btf_header *)data)->type_len; len += 4) {
		struct btf_header *h;
		struct ebpfc_btf *btf = NULL;
		uint32_t *copy = malloc(size);

		assert_non_null(copy);
		memcpy(copy, data, size);
		h = (void *)copy;
		h->type_len = (uint32_t)len;
		if (ebpfc_btf_open_mem(copy, size, NULL, &btf) == 0) {
			walk_all(btf);
			ebpfc_btf_destroy(btf);
		} else {
			assert_null(btf);
		}
		free(copy);
	}
}

static void test_header_fields(void **state)
{
	size_t size;
	const void *data = all_kinds(&size);
	uint32_t *copy = malloc(size + 64);
	struct btf_header *h = (void *)copy;
	struct ebpfc_btf *btf;

	(void)state;
	assert_non_null(copy);
#define RESET() memcpy(copy, data, size)
	RESET();
	h->magic = 0x1234;
	expect_fail(copy, size, NULL, -EINVAL, "bad magic 0x1234");
	RESET();
	h->magic = 0x9feb;
	expect_fail(copy, size, NULL, -EOPNOTSUPP, "big-endian");
	RESET();
	h->version = 2;
	expect_fail(copy, size, NULL, -EOPNOTSUPP, "version 2");
	RESET();
	h->flags = 1;
	expect_fail(copy, size, NULL, -EOPNOTSUPP, "flags");
	RESET();
	h->hdr_len = 20;
	expect_fail(copy, size, NULL, -EINVAL, "header length 20");
	RESET();
	h->hdr_len = 26;
	expect_fail(copy, size, NULL, -EINVAL, "header length 26");
	RESET();
	h->hdr_len = 0xffffffff;
	expect_fail(copy, size, NULL, -EINVAL, "header length");
	RESET();
	h->type_off = 2;
	expect_fail(copy, size, NULL, -EINVAL, NULL);
	RESET();
	h->type_off = 0xfffffffc;
	expect_fail(copy, size, NULL, -EINVAL, "type section");
	RESET();
	h->type_len = 0xfffffffc;
	expect_fail(copy, size, NULL, -EINVAL, "runs past");
	RESET();
	h->type_len -= 2;
	expect_fail(copy, size, NULL, -EINVAL, "multiple of 4");
	RESET();
	h->str_off = 0xffffffff;
	expect_fail(copy, size, NULL, -EINVAL, "string section");
	RESET();
	h->str_len = 0xffffffff;
	expect_fail(copy, size, NULL, -EINVAL, "string section");
	RESET();
	h->str_len = 0;
	expect_fail(copy, size, NULL, -EINVAL, "does not start with");
	RESET();
	h->str_len -= 1;
	expect_fail(copy, size, NULL, -EINVAL, "not NUL-terminated");
	RESET();
	((char *)copy)[sizeof(*h) + h->str_off] = 'x';
	expect_fail(copy, size, NULL, -EINVAL, "does not start with");
	RESET();
	h->str_off = 8; /* into the types */
	expect_fail(copy, size, NULL, -EINVAL, "overlap");

	/* A larger header with an unknown (ignored) field in it still opens. */
	memcpy((char *)copy + 28, (const char *)data + 24, size - 24);
	memcpy(copy, data, 24);
	h->hdr_len = 28;
	copy[6] = 0x12345678;
	assert_int_equal(ebpfc_btf_open_mem(copy, size + 4, NULL, &btf), 0);
	walk_all(btf);
	ebpfc_btf_destroy(btf);

	/* Empty type section: only void. */
	RESET();
	h->type_len = 0;
	h->str_off = 0;
	h->str_len = 1;
	((char *)copy)[24] = 0;
	assert_int_equal(ebpfc_btf_open_mem(copy, 25, NULL, &btf), 0);
	assert_int_equal(ebpfc_btf_type_cnt(btf), 1);
	ebpfc_btf_destroy(btf);
#undef RESET
	free(copy);
}

/* Build a one-off BTF with `fn` and expect the open to fail with `msg`. */
static void hostile(void (*fn)(struct bld *), int want, const char *msg)
{
	static uint32_t blob[8192];
	struct bld *b = malloc(sizeof(*b));
	size_t size;

	assert_non_null(b);
	bld_init(b, 1, 0);
	fn(b);
	size = bld_finish(b, blob, sizeof(blob));
	free(b);
	expect_fail(blob, size, NULL, want, msg);
}

static void h_ptr_oob(struct bld *b)
{
	bld_ref(b, BTF_KIND_PTR, NULL, 7);
}
static void h_member_oob(struct bld *b)
{
	bld_int(b, "int", 4, 0, 32, 0);
	bld_type(b, "s", BTF_KIND_STRUCT, 0, 2, 8);
	bld_member(b, "a", 1, 0);
	bld_member(b, "b", 0x7fffffff, 32);
}
static void h_array_index_oob(struct bld *b)
{
	bld_int(b, "int", 4, 0, 32, 0);
	bld_array(b, 1, 5, 1);
}
static void h_param_oob(struct bld *b)
{
	bld_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 1, 0);
	bld_param(b, "x", 3);
}
static void h_datasec_oob(struct bld *b)
{
	bld_type(b, ".bss", BTF_KIND_DATASEC, 0, 1, 4);
	bld_w3(b, 42, 0, 4);
}
static void h_decl_tag_oob(struct bld *b)
{
	bld_decl_tag(b, "t", 2, -1);
}
static void h_name_oob(struct bld *b)
{
	bld_type(b, "s", BTF_KIND_FWD, 0, 0, 0);
	b->types[0] = 0x10000;
}
static void h_member_name_oob(struct bld *b)
{
	bld_type(b, "s", BTF_KIND_STRUCT, 0, 1, 0);
	bld_w3(b, 0xffffffff, 0, 0);
}
static void h_enum_name_oob(struct bld *b)
{
	bld_type(b, "e", BTF_KIND_ENUM, 0, 1, 4);
	bld_w(b, 5000), bld_w(b, 1);
}
static void h_vlen_overflow(struct bld *b)
{
	bld_type(b, "s", BTF_KIND_STRUCT, 0, 0xffff, 8);
	bld_member(b, "a", 0, 0);
}
static void h_enum64_vlen(struct bld *b)
{
	bld_type(b, "e", BTF_KIND_ENUM64, 0, 2, 8);
	bld_enum64val(b, "A", 1);
}
static void h_trunc_int(struct bld *b)
{
	bld_type(b, "int", BTF_KIND_INT, 0, 0, 4); /* no encoding word */
}
static void h_kind0(struct bld *b)
{
	bld_type(b, "x", BTF_KIND_UNKN, 0, 0, 0);
}
static void h_kind20(struct bld *b)
{
	bld_type(b, "x", 20, 0, 0, 0);
}
static void h_kind31(struct bld *b)
{
	bld_type(b, "x", 31, 0, 0, 0);
}
static void h_reserved_info(struct bld *b)
{
	bld_type(b, "x", BTF_KIND_FWD, 0, 0, 0);
	b->types[1] |= 1u << 20;
}
static void h_kflag_int(struct bld *b)
{
	bld_type(b, "x", BTF_KIND_INT, 1, 0, 4);
	bld_w(b, 32);
}
static void h_vlen_ptr(struct bld *b)
{
	bld_type(b, NULL, BTF_KIND_PTR, 0, 1, 0);
}
static void h_int_size(struct bld *b)
{
	bld_int(b, "x", 3, 0, 24, 0);
}
static void h_int_bits(struct bld *b)
{
	bld_int(b, "x", 4, 0, 33, 0);
}
static void h_int_offset(struct bld *b)
{
	bld_int(b, "x", 4, 0, 30, 8);
}
static void h_int_enc(struct bld *b)
{
	bld_int(b, "x", 4, BTF_INT_SIGNED | BTF_INT_BOOL, 32, 0);
}
static void h_int_reserved(struct bld *b)
{
	bld_int(b, "x", 4, 0, 32, 0);
	b->types[3] |= 0x80000000u;
}
static void h_enum_size(struct bld *b)
{
	bld_type(b, "e", BTF_KIND_ENUM, 0, 0, 3);
}
static void h_enum64_size(struct bld *b)
{
	bld_type(b, "e", BTF_KIND_ENUM64, 0, 0, 16);
}
static void h_float_size(struct bld *b)
{
	bld_type(b, "f", BTF_KIND_FLOAT, 0, 0, 5);
}
static void h_func_linkage(struct bld *b)
{
	bld_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 0);
	bld_type(b, "f", BTF_KIND_FUNC, 0, 3, 1);
}
static void h_var_linkage(struct bld *b)
{
	bld_var(b, "v", 0, 3);
}
static void h_decl_tag_comp(struct bld *b)
{
	bld_decl_tag(b, "t", 0, -2);
}

static void test_hostile_types(void **state)
{
	(void)state;
	hostile(h_ptr_oob, -EINVAL, "type [1] (ptr '')");
	hostile(h_ptr_oob, -EINVAL, "referenced type [7] does not exist (type count 2)");
	hostile(h_member_oob, -EINVAL, "member 1 type [2147483647] does not exist");
	hostile(h_array_index_oob, -EINVAL, "index type [5] does not exist");
	hostile(h_param_oob, -EINVAL, "parameter 0 type [3] does not exist");
	hostile(h_datasec_oob, -EINVAL, "entry 0 type [42] does not exist");
	hostile(h_decl_tag_oob, -EINVAL, "referenced type [2] does not exist");
	hostile(h_name_oob, -EINVAL, "name offset 65536 is outside the string section");
	hostile(h_member_name_oob, -EINVAL, "member 0 name offset 4294967295");
	hostile(h_enum_name_oob, -EINVAL, "enumerator 0 name offset 5000");
	hostile(h_vlen_overflow, -EINVAL, "runs past the type section");
	hostile(h_enum64_vlen, -EINVAL, "runs past the type section");
	hostile(h_trunc_int, -EINVAL, "runs past the type section");
	hostile(h_kind0, -EINVAL, "unknown kind 0");
	hostile(h_kind20, -EINVAL, "unknown kind 20");
	hostile(h_kind31, -EINVAL, "unknown kind 31");
	hostile(h_reserved_info, -EINVAL, "reserved bits");
	hostile(h_kflag_int, -EINVAL, "kind_flag");
	hostile(h_vlen_ptr, -EINVAL, "vlen 1");
	hostile(h_int_size, -EINVAL, "int size 3");
	hostile(h_int_bits, -EINVAL, "int of 33 bits");
	hostile(h_int_offset, -EINVAL, "at bit offset 8");
	hostile(h_int_enc, -EINVAL, "int encoding 0x5");
	hostile(h_int_reserved, -EINVAL, "reserved bits");
	hostile(h_enum_size, -EINVAL, "enum size 3");
	hostile(h_enum64_size, -EINVAL, "enum64 size 16");
	hostile(h_float_size, -EINVAL, "float size 5");
	hostile(h_func_linkage, -EINVAL, "linkage 3");
	hostile(h_var_linkage, -EINVAL, "linkage 3");
	hostile(h_decl_tag_comp, -EINVAL, "component index -2");
}

/* Loops open (they are well-formed records) but every walk stops with -ELOOP. */
static void test_loops(void **state)
{
	static uint32_t blob[1024];
	struct bld *b = malloc(sizeof(*b));
	struct ebpfc_btf *btf;
	uint32_t out, td1, arr, s, big;
	size_t size;

	(void)state;
	assert_non_null(b);
	bld_init(b, 1, 0);
	td1 = bld_ref(b, BTF_KIND_TYPEDEF, "loop_a", 2);    /* 1 -> 2 */
	bld_ref(b, BTF_KIND_CONST, NULL, 3);                 /* 2 -> 3 */
	bld_ref(b, BTF_KIND_TYPEDEF, "loop_b", td1);         /* 3 -> 1 */
	bld_ref(b, BTF_KIND_VOLATILE, NULL, 4);              /* 4 -> 4 */
	arr = bld_array(b, 6, 0, 2);                         /* 5: array of 6 */
	bld_ref(b, BTF_KIND_TYPEDEF, "arr_t", arr);          /* 6 -> 5 */
	s = bld_type(b, "self", BTF_KIND_STRUCT, 0, 1, 8);   /* 7 { self x; } */
	bld_member(b, "x", 7, 0);
	big = bld_type(b, "big", BTF_KIND_STRUCT, 0, 0, 0x40000000); /* 8 */
	bld_array(b, big, 0, 0x10);                          /* 9: 16 GiB */
	bld_array(b, 9, 0, 0);                               /* 10: [0] of 16 GiB */
	size = bld_finish(b, blob, sizeof(blob));
	free(b);

	btf = open_ok(blob, size);
	assert_int_equal(ebpfc_btf_resolve(btf, td1, &out), -ELOOP);
	assert_msg("more than 32 levels");
	assert_int_equal(ebpfc_btf_resolve(btf, 4, &out), -ELOOP);
	assert_int_equal(ebpfc_btf_resolve_size(btf, 1, &out), -ELOOP);
	assert_int_equal(ebpfc_btf_resolve_size(btf, arr, &out), -ELOOP);
	assert_int_equal(ebpfc_btf_align(btf, arr, &out), -ELOOP);
	assert_int_equal(ebpfc_btf_align(btf, s, &out), -ELOOP);
	assert_int_equal(ebpfc_btf_resolve_size(btf, s, &out), 0); /* size is stated */
	assert_int_equal(out, 8);
	assert_int_equal(ebpfc_btf_resolve_size(btf, 9, &out), -E2BIG);
	assert_msg("larger than 4 GiB");
	assert_int_equal(ebpfc_btf_resolve_size(btf, 10, &out), 0);
	assert_int_equal(out, 0);
	walk_all(btf);
	ebpfc_btf_destroy(btf);
}

/* Wide structs nested deep: alignment gives up instead of running for ages. */
static void test_align_budget(void **state)
{
	static uint32_t blob[8192];
	struct bld *b = malloc(sizeof(*b));
	struct ebpfc_btf *btf;
	uint32_t out, i, level, prev;
	size_t size;

	(void)state;
	assert_non_null(b);
	bld_init(b, 1, 0);
	prev = bld_int(b, "int", 4, 0, 32, 0);
	for (level = 0; level < 8; level++) {
		uint32_t id = bld_type(b, NULL, BTF_KIND_STRUCT, 0, 64, 64 * 4);

		for (i = 0; i < 64; i++)
			bld_member(b, NULL, prev, i * 32);
		prev = id;
	}
	size = bld_finish(b, blob, sizeof(blob));
	free(b);
	btf = open_ok(blob, size);
	assert_int_equal(ebpfc_btf_align(btf, prev, &out), -E2BIG);
	assert_msg("too many nested members");
	ebpfc_btf_destroy(btf);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* Random byte flips: whatever opens must walk cleanly. */
static void test_random_corruption(void **state)
{
	size_t size, i;
	const void *data = all_kinds(&size);
	uint8_t *copy = malloc(size > sizeof(fixture_btf) ? size : sizeof(fixture_btf));
	struct ebpfc_btf *base = open_ok(data, size);
	struct ebpfc_btf *btf, *ext_base = ext_btf();
	struct ebpfc__btf_ext *ext;
	size_t marks[MK_CNT], ext_size;
	struct extb e, bad;
	int iter, opened = 0;

	(void)state;
	assert_non_null(copy);
	for (iter = 0; iter < 20000; iter++) {
		const void *src = iter & 1 ? (const void *)fixture_btf : data;
		size_t sz = iter & 1 ? sizeof(fixture_btf) : size;
		EBPFC_OPTS(ebpfc_btf_open_opts, opts, .base = iter % 3 == 0 ? base : NULL);

		memcpy(copy, src, sz);
		for (i = rnd() % 4 + 1; i > 0; i--) {
			size_t at = rnd() % sz;

			copy[at] = (rnd() & 1) ? (uint8_t)rnd() : copy[at] ^ (uint8_t)(1u << (rnd() % 8));
		}
		if (ebpfc_btf_open_mem(copy, sz, &opts, &btf) == 0) {
			opened++;
			walk_all(btf);
			ebpfc_btf_destroy(btf);
		}
	}
	print_message("random corruption: %d of 20000 mutants opened and walked\n", opened);

	ext_size = build_ext(&e, marks);
	for (iter = 0; iter < 20000; iter++) {
		bad = e;
		for (i = rnd() % 3 + 1; i > 0; i--)
			((uint8_t *)bad.w)[rnd() % ext_size] = (uint8_t)rnd();
		if (ebpfc__btf_ext_open(bad.w, ext_size, ext_base, &ext) == 0)
			ebpfc__btf_ext_destroy(ext);
	}
	ebpfc_btf_destroy(ext_base);
	ebpfc_btf_destroy(base);
	free(copy);
}

/* ---- the running kernel -------------------------------------------------- */

static bool have_vmlinux(void)
{
	if (access(VMLINUX, R_OK) == 0)
		return true;
	print_message("skipped: %s is absent (kernel without CONFIG_DEBUG_INFO_BTF)\n", VMLINUX);
	return false;
}

static void test_vmlinux(void **state)
{
	struct ebpfc_btf *a, *b, *priv;
	struct ebpfc_btf_member_info m;
	struct ebpfc_btf_enum_value v;
	struct ebpfc_btf_param_info p;
	const struct btf_type *t;
	uint32_t id, sz, n, i, al;
	void *mut;
	size_t mut_size;

	(void)state;
	if (!have_vmlinux()) {
		skip();
		return;
	}
	assert_int_equal(ebpfc__btf_vmlinux_refs(), 0);
	assert_int_equal(ebpfc_btf_open_vmlinux(&a), 0);
	assert_int_equal(ebpfc_btf_open_vmlinux(&b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(ebpfc__btf_vmlinux_refs(), 2);

	assert_true(ebpfc_btf_type_cnt(a) > 1000);
	assert_int_equal(ebpfc_btf_find(a, "task_struct", BTF_KIND_STRUCT, &id), 0);
	assert_true(ebpfc_btf_member_find(a, id, "pid", &m) >= 0);
	assert_int_equal(ebpfc_btf_resolve_size(a, m.type_id, &sz), 0);
	assert_int_equal(sz, 4);
	assert_int_equal(ebpfc_btf_type_by_id(a, id, &t), 0);
	assert_int_equal(ebpfc_btf_resolve_size(a, id, &sz), 0);
	assert_int_equal(sz, t->size);
	assert_int_equal(ebpfc_btf_align(a, id, &al), 0);
	assert_true(al >= 8);

	if (ebpfc_btf_find(a, "bpf_prog_load", BTF_KIND_FUNC, &id) == 0) {
		assert_int_equal(ebpfc_btf_param(a, id, 0, &p), 0);
		assert_string_equal(p.name, "attr");
	} else {
		print_message("note: no func bpf_prog_load in this kernel's BTF\n");
		assert_int_equal(ebpfc_btf_find(a, "schedule", BTF_KIND_FUNC, &id), 0);
	}
	assert_int_equal(ebpfc_btf_find(a, "bpf_prog_type", BTF_KIND_ENUM, &id), 0);
	assert_true(ebpfc_btf_enum_find(a, id, "BPF_PROG_TYPE_KPROBE", &v) >= 0);
	assert_int_equal(v.value, 2);

	/* The shared instance cannot be made writable. */
	assert_int_equal(ebpfc__btf_raw_mut(a, &mut, &mut_size), -EPERM);

	/* Every id resolves. */
	n = ebpfc_btf_type_cnt(a);
	for (i = 0; i < n; i++)
		assert_int_equal(ebpfc_btf_resolve(a, i, &id), 0);

	/* A private open is a different instance. */
	assert_int_equal(ebpfc_btf_open_file(VMLINUX, NULL, &priv), 0);
	assert_ptr_not_equal(priv, a);
	assert_int_equal(ebpfc_btf_type_cnt(priv), n);
	ebpfc_btf_destroy(priv);

	ebpfc_btf_destroy(a);
	assert_int_equal(ebpfc__btf_vmlinux_refs(), 1);
	ebpfc_btf_destroy(b);
	assert_int_equal(ebpfc__btf_vmlinux_refs(), 0);
}

#define NTHREADS 8
static pthread_barrier_t barrier;

static void *open_thread(void *arg)
{
	struct ebpfc_btf **out = arg;
	uint32_t id;

	pthread_barrier_wait(&barrier);
	if (ebpfc_btf_open_vmlinux(out))
		return (void *)1;
	/* The first lookups race to build the name index. */
	if (ebpfc_btf_find(*out, "task_struct", BTF_KIND_STRUCT, &id))
		return (void *)2;
	return NULL;
}

static void test_vmlinux_threads(void **state)
{
	struct ebpfc_btf *got[NTHREADS];
	pthread_t th[NTHREADS];
	void *ret;
	int i;

	(void)state;
	if (!have_vmlinux()) {
		skip();
		return;
	}
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, open_thread, &got[i]), 0);
	for (i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(th[i], &ret), 0);
		assert_null(ret);
	}
	pthread_barrier_destroy(&barrier);
	for (i = 1; i < NTHREADS; i++)
		assert_ptr_equal(got[i], got[0]);
	assert_int_equal(ebpfc__btf_vmlinux_refs(), NTHREADS);
	for (i = 0; i < NTHREADS; i++)
		ebpfc_btf_destroy(got[i]);
	assert_int_equal(ebpfc__btf_vmlinux_refs(), 0);
}

/* Module BTF in /sys/kernel/btf/<module> is split on vmlinux. */
static void test_vmlinux_modules(void **state)
{
	EBPFC_OPTS(ebpfc_btf_open_opts, opts);
	struct ebpfc_btf *vmlinux, *mod;
	struct dirent *de;
	char path[512];
	int opened = 0;
	DIR *d;

	(void)state;
	if (!have_vmlinux()) {
		skip();
		return;
	}
	assert_int_equal(ebpfc_btf_open_vmlinux(&vmlinux), 0);
	opts.base = vmlinux;
	d = opendir("/sys/kernel/btf");
	assert_non_null(d);
	while ((de = readdir(d)) && opened < 8) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		if (ebpfc_btf_open_file(path, &opts, &mod))
			fail_msg("module BTF %s: %s", path, ebpfc_errmsg());
		assert_true(ebpfc_btf_start_id(mod) == ebpfc_btf_type_cnt(vmlinux));
		walk_all(mod);
		ebpfc_btf_destroy(mod);
		opened++;
	}
	closedir(d);
	ebpfc_btf_destroy(vmlinux);
	if (!opened) {
		print_message("skipped: no module BTF in /sys/kernel/btf\n");
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_name_hash_paths),
		cmocka_unit_test(test_resolve_size_align),
		cmocka_unit_test(test_members_bitfields),
		cmocka_unit_test(test_enums_params_datasec),
		cmocka_unit_test(test_open_copy_and_mut),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_open_file),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_ext),
		cmocka_unit_test(test_ext_hostile),
		cmocka_unit_test(test_clang_object),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_hostile_types),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_align_budget),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_vmlinux_threads),
		cmocka_unit_test(test_vmlinux_modules),
	};

	return cmocka_run_group_tests_name("btf", tests, NULL, NULL);
}
