/*
 * btf.c - the BTF reader: opening (memory, file, the process-wide shared
 * vmlinux), one pass over the type section that both validates every record
 * and records where each type starts, lookups by id and by name (a hash
 * index built on the first name lookup), and the walks that the map parser,
 * CO-RE and the skeleton generator need: resolve, size, alignment, members,
 * enumerators, parameters, datasec entries.
 *
 * Kernel BTF is 5-6 MB and fresh memory is the expensive part of reading it,
 * so the bytes are never copied (mapped files, borrowed buffers) and the
 * only per-type memory is one 32-bit offset, plus one or two 32-bit hash
 * slots per name once names are looked up.
 *
 * Not here: .BTF.ext (btf_ext.c), writing or deduplicating BTF, loading it
 * into the kernel.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "elf.h"

#define VMLINUX_PATH "/sys/kernel/btf/vmlinux"

/*
 * Arrays at least this large are made present with MADV_POPULATE_WRITE, a
 * chunk at a time, before they are written: on the VMs this runs on, a page
 * fault costs several times what populating the same page in bulk does.
 * Smaller ones come from malloc's recycled memory anyway.
 */
#define BIG_MIN EBPFC__POPULATE_MIN
#define POPULATE_CHUNK (64 * 1024)

/*
 * Names are indexed in two groups, each built on the first lookup that
 * needs it: functions, which are most of the kernel's names (56,000 of
 * 71,000) but which CO-RE never asks for, and everything else.
 */
enum name_group {
	NAMES_TYPES, /* every kind but func */
	NAMES_FUNCS,
	NAMES_GROUPS,
};

static inline enum name_group name_group(unsigned int kind)
{
	return kind == BTF_KIND_FUNC ? NAMES_FUNCS : NAMES_TYPES;
}

/* Names hashed per batch when the index is built (see names_build). */
#define NAME_BATCH 32

/* Work budget of ebpfc_btf_align(): hostile BTF can nest wide structs deeply. */
#define ALIGN_BUDGET (1u << 20)

enum storage {
	STORE_BORROWED, /* the caller's buffer */
	STORE_LENT,     /* the caller's buffer, which it lets us write */
	STORE_MALLOC,   /* ours, writable */
	STORE_MAPPED,   /* a read-only file mapping */
};

/*
 * A large array from malloc whose pages are made present in bulk before
 * they are written (see big_need). Fresh pages then cost a fraction of a
 * page fault each; memory that malloc recycles is already present.
 */
struct big {
	void *ptr;
	size_t bytes;
	size_t populated; /* bytes known to be present */
};

static inline void big_need(struct big *b, size_t upto);

struct name_index {
	struct big table; /* uint32_t slots: 0 empty, else tag << id_bits | (index + 1) */
	uint32_t mask;
	unsigned int id_bits;
};

struct ebpfc_btf {
	int refcnt;
	bool shared; /* the process-wide vmlinux instance */
	enum storage storage;
	const uint8_t *data;
	size_t size;
	size_t map_len;

	const uint8_t *types;
	const char *strs;
	uint32_t types_len;
	uint32_t strs_len;

	uint32_t start_id;  /* id of our first type */
	uint32_t start_str; /* offset of our first string (the base's string total) */
	uint32_t nr_types;  /* types of our own */
	uint32_t nr_named[NAMES_GROUPS];
	struct big offs;    /* uint32_t per own type: offset in the type section */
	struct big named;   /* uint32_t indexes of the named types that are not funcs */

	struct ebpfc_btf *base;
	struct name_index *names[NAMES_GROUPS]; /* built on first use, published atomically */
	char what[128];
};

/* What type id 0 reads as. */
static const struct btf_type void_type;

static const char *const kind_strs[NR_BTF_KINDS] = {
	[BTF_KIND_UNKN] = "void",         [BTF_KIND_INT] = "int",
	[BTF_KIND_PTR] = "ptr",           [BTF_KIND_ARRAY] = "array",
	[BTF_KIND_STRUCT] = "struct",     [BTF_KIND_UNION] = "union",
	[BTF_KIND_ENUM] = "enum",         [BTF_KIND_FWD] = "fwd",
	[BTF_KIND_TYPEDEF] = "typedef",   [BTF_KIND_VOLATILE] = "volatile",
	[BTF_KIND_CONST] = "const",       [BTF_KIND_RESTRICT] = "restrict",
	[BTF_KIND_FUNC] = "func",         [BTF_KIND_FUNC_PROTO] = "func_proto",
	[BTF_KIND_VAR] = "var",           [BTF_KIND_DATASEC] = "datasec",
	[BTF_KIND_FLOAT] = "float",       [BTF_KIND_DECL_TAG] = "decl_tag",
	[BTF_KIND_TYPE_TAG] = "type_tag", [BTF_KIND_ENUM64] = "enum64",
};

EBPFC_API const char *ebpfc_btf_kind_str(unsigned int kind)
{
	return kind < NR_BTF_KINDS ? kind_strs[kind] : "unknown";
}

/* ---- big arrays ---------------------------------------------------------- */

static int big_alloc(struct big *b, size_t bytes, bool zero)
{
	memset(b, 0, sizeof(*b));
	if (!bytes)
		bytes = sizeof(uint32_t);
	b->ptr = malloc(bytes);
	if (!b->ptr)
		return -ENOMEM;
	b->bytes = bytes;
	b->populated = bytes < BIG_MIN ? bytes : 0;
	if (zero) {
		big_need(b, bytes);
		memset(b->ptr, 0, bytes);
	}
	return 0;
}

/*
 * Make sure bytes [0, upto) are present before they are written, a chunk at
 * a time. Only contents-preserving population: rounding out to whole pages
 * may cover neighbouring heap bytes, which is harmless. Best effort: before
 * Linux 5.14 the pages are simply faulted in as they are written.
 */
static inline void big_need(struct big *b, size_t upto)
{
	while (upto > b->populated) {
		size_t len = b->bytes - b->populated < POPULATE_CHUNK ? b->bytes - b->populated
								      : POPULATE_CHUNK;

		ebpfc__populate((char *)b->ptr + b->populated, len);
		b->populated += len;
	}
}

static void big_free(struct big *b)
{
	free(b->ptr);
	b->ptr = NULL;
}

/* ---- ids and strings ----------------------------------------------------- */

static inline const struct btf_type *type_at(const struct ebpfc_btf *btf, uint32_t idx)
{
	return (const struct btf_type *)(const void *)(btf->types +
						       ((const uint32_t *)btf->offs.ptr)[idx]);
}

static const struct btf_type *type_get(const struct ebpfc_btf *btf, uint32_t id)
{
	while (id < btf->start_id) {
		if (!btf->base)
			return id == 0 ? &void_type : NULL;
		btf = btf->base;
	}
	id -= btf->start_id;
	return id < btf->nr_types ? type_at(btf, id) : NULL;
}

static const char *str_get(const struct ebpfc_btf *btf, uint32_t off)
{
	while (off < btf->start_str)
		btf = btf->base;
	off -= btf->start_str;
	return off < btf->strs_len ? btf->strs + off : NULL;
}

/* The string and the end of the section that holds it, for word-wise reads. */
static const char *str_get_end(const struct ebpfc_btf *btf, uint32_t off, const char **end)
{
	while (off < btf->start_str)
		btf = btf->base;
	*end = btf->strs + btf->strs_len;
	return btf->strs + (off - btf->start_str);
}

/* A name for messages, safe before names are validated. */
static const char *safe_name(const struct ebpfc_btf *btf, uint32_t off)
{
	const char *s = off < btf->start_str + btf->strs_len ? str_get(btf, off) : NULL;

	return s ? s : "<bad name offset>";
}

static uint32_t type_cnt(const struct ebpfc_btf *btf)
{
	return btf->start_id + btf->nr_types;
}

EBPFC_API uint32_t ebpfc_btf_type_cnt(const struct ebpfc_btf *btf)
{
	return btf ? type_cnt(btf) : 0;
}

EBPFC_API uint32_t ebpfc_btf_start_id(const struct ebpfc_btf *btf)
{
	return btf ? btf->start_id : 0;
}

EBPFC_API const struct ebpfc_btf *ebpfc_btf_base(const struct ebpfc_btf *btf)
{
	return btf ? btf->base : NULL;
}

EBPFC_API int ebpfc_btf_raw_data(const struct ebpfc_btf *btf, const void **data, size_t *size)
{
	if (!btf || !data || !size)
		return ebpfc__err(EINVAL, "ebpfc_btf_raw_data: NULL argument");
	*data = btf->data;
	*size = btf->size;
	return 0;
}

EBPFC_API const char *ebpfc_btf_name(const struct ebpfc_btf *btf, uint32_t name_off)
{
	if (!btf || name_off >= btf->start_str + btf->strs_len)
		return NULL;
	return str_get(btf, name_off);
}

const char *ebpfc__btf_what(const struct ebpfc_btf *btf)
{
	return btf->what;
}

static int no_type(const struct ebpfc_btf *btf, uint32_t id)
{
	return ebpfc__err(ENOENT, "%s: no type [%u] (type count %u)", btf->what, id, type_cnt(btf));
}

EBPFC_API int ebpfc_btf_type_by_id(const struct ebpfc_btf *btf, uint32_t id,
				   const struct btf_type **type)
{
	const struct btf_type *t;

	if (!btf || !type)
		return ebpfc__err(EINVAL, "ebpfc_btf_type_by_id: NULL argument");
	t = type_get(btf, id);
	if (!t)
		return no_type(btf, id);
	*type = t;
	return 0;
}

/* ---- validation ---------------------------------------------------------- */

/* Kinds whose vlen is a count (or, for func, the linkage); kinds that may set kind_flag. */
#define KIND_BIT(k) (1u << (k))
#define VLEN_KINDS                                                                       \
	(KIND_BIT(BTF_KIND_STRUCT) | KIND_BIT(BTF_KIND_UNION) | KIND_BIT(BTF_KIND_ENUM) | \
	 KIND_BIT(BTF_KIND_FUNC) | KIND_BIT(BTF_KIND_FUNC_PROTO) |                         \
	 KIND_BIT(BTF_KIND_DATASEC) | KIND_BIT(BTF_KIND_ENUM64))
#define KFLAG_KINDS                                                                      \
	(KIND_BIT(BTF_KIND_STRUCT) | KIND_BIT(BTF_KIND_UNION) | KIND_BIT(BTF_KIND_ENUM) | \
	 KIND_BIT(BTF_KIND_FWD) | KIND_BIT(BTF_KIND_ENUM64) |                              \
	 KIND_BIT(BTF_KIND_DECL_TAG) | KIND_BIT(BTF_KIND_TYPE_TAG))
/* info bits 16-23 and 29-30 are unused by the format */
#define INFO_RESERVED 0x60ff0000u

/*
 * parse_types() asks for the type section this far ahead of the record it
 * checks: the next record's address depends on this one's kind and vlen,
 * so the walk cannot run ahead by itself, and on a fresh mapping every new
 * page also costs a page-table walk. Measured on vmlinux (3 MB of types):
 * a cold parse takes ~15% less with 2 KiB than with none.
 */
#define PREFETCH_AHEAD 2048
#define MAXU(a, b) ((a) > (b) ? (a) : (b))

static int type_err(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type *t,
		    const char *fmt, ...) EBPFC__PRINTF(4, 5);

/* "<what>: type [id] (kind 'name'): <reason>" */
static int type_err(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type *t,
		    const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return ebpfc__err(EINVAL, "%s: type [%u] (%s '%s'): %s", btf->what, id,
			  ebpfc_btf_kind_str(BTF_INFO_KIND(t->info)), safe_name(btf, t->name_off),
			  reason);
}

/*
 * The i-th type id that t refers to, and what it is, for the cold path that
 * names the culprit once the hot pass has seen an id out of range.
 */
static bool type_ref(const struct btf_type *t, unsigned int i, uint32_t *ref, char *what,
		     size_t sz)
{
	unsigned int vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		if (i)
			return false;
		*ref = t->type;
		snprintf(what, sz, "referenced type");
		return true;
	case BTF_KIND_ARRAY:
		if (i > 1)
			return false;
		*ref = i ? ebpfc_btf_array(t)->index_type : ebpfc_btf_array(t)->type;
		snprintf(what, sz, i ? "index type" : "element type");
		return true;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (i >= vlen)
			return false;
		*ref = ebpfc_btf_members(t)[i].type;
		snprintf(what, sz, "member %u type", i);
		return true;
	case BTF_KIND_FUNC_PROTO:
		if (i > vlen)
			return false;
		*ref = i ? ebpfc_btf_params(t)[i - 1].type : t->type;
		if (i)
			snprintf(what, sz, "parameter %u type", i - 1);
		else
			snprintf(what, sz, "return type");
		return true;
	case BTF_KIND_DATASEC:
		if (i >= vlen)
			return false;
		*ref = ebpfc_btf_secinfos(t)[i].type;
		snprintf(what, sz, "entry %u type", i);
		return true;
	default:
		return false;
	}
}

/* Likewise for the i-th string offset (i == 0: the type's own name). */
static bool type_str(const struct btf_type *t, unsigned int i, uint32_t *off, char *what,
		     size_t sz)
{
	unsigned int vlen = BTF_INFO_VLEN(t->info);

	if (i == 0) {
		*off = t->name_off;
		snprintf(what, sz, "name offset");
		return true;
	}
	if (--i >= vlen)
		return false;
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		*off = ebpfc_btf_members(t)[i].name_off;
		snprintf(what, sz, "member %u name offset", i);
		return true;
	case BTF_KIND_ENUM:
		*off = ebpfc_btf_enums(t)[i].name_off;
		snprintf(what, sz, "enumerator %u name offset", i);
		return true;
	case BTF_KIND_ENUM64:
		*off = ebpfc_btf_enum64s(t)[i].name_off;
		snprintf(what, sz, "enumerator %u name offset", i);
		return true;
	case BTF_KIND_FUNC_PROTO:
		*off = ebpfc_btf_params(t)[i].name_off;
		snprintf(what, sz, "parameter %u name offset", i);
		return true;
	default:
		return false;
	}
}

/* Cold path: the hot pass saw a type id or string offset out of range; name it. */
static int bad_ref_err(const struct ebpfc_btf *btf, bool strings)
{
	uint32_t limit = strings ? btf->start_str + btf->strs_len : type_cnt(btf);
	uint32_t i, val;
	unsigned int j;
	char what[64];

	for (i = 0; i < btf->nr_types; i++) {
		const struct btf_type *t = type_at(btf, i);

		for (j = 0; strings ? type_str(t, j, &val, what, sizeof(what))
				    : type_ref(t, j, &val, what, sizeof(what));
		     j++) {
			if (val < limit)
				continue;
			if (strings)
				return type_err(btf, btf->start_id + i, t,
						"%s %u is outside the string section (%u bytes)",
						what, val, limit);
			return type_err(btf, btf->start_id + i, t,
					"%s [%u] does not exist (type count %u)", what, val, limit);
		}
	}
	return ebpfc__err(EINVAL, "%s: a type id or name offset is out of range", btf->what);
}

static int check_int(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type *t)
{
	uint32_t word = ebpfc_btf_int_word(t);
	uint32_t bits = BTF_INT_BITS(word), off = BTF_INT_OFFSET(word);
	uint32_t enc = BTF_INT_ENCODING(word);

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
		return type_err(btf, id, t, "int size %u is not 1, 2, 4, 8 or 16", t->size);
	if (word & 0xf0000000u)
		return type_err(btf, id, t, "int encoding word 0x%08x has reserved bits set", word);
	if (off + bits > t->size * 8)
		return type_err(btf, id, t, "int of %u bits at bit offset %u does not fit in %u bytes",
				bits, off, t->size);
	if (enc != 0 && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL)
		return type_err(btf, id, t, "int encoding 0x%x is not signed, char or bool", enc);
	return 0;
}

static int check_header(struct ebpfc_btf *btf)
{
	const struct btf_header *h = (const void *)btf->data;
	size_t avail;

	if (btf->size < sizeof(*h))
		return ebpfc__err(EINVAL, "%s: %zu bytes, shorter than the %zu-byte BTF header",
				  btf->what, btf->size, sizeof(*h));
	if (memcmp(btf->data, "\177ELF", 4) == 0)
		return ebpfc__err(EINVAL,
				  "%s: this is an ELF file, not raw BTF; its .BTF section is what "
				  "to open (the object API does that)",
				  btf->what);
	if (h->magic == __builtin_bswap16(BTF_MAGIC))
		return ebpfc__err(EOPNOTSUPP,
				  "%s: big-endian BTF (byte-swapped magic) is not supported",
				  btf->what);
	if (h->magic != BTF_MAGIC)
		return ebpfc__err(EINVAL, "%s: bad magic 0x%04x (BTF has 0x%04x)", btf->what,
				  h->magic, BTF_MAGIC);
	if (h->version != BTF_VERSION)
		return ebpfc__err(EOPNOTSUPP, "%s: BTF version %u, only version %u is supported",
				  btf->what, h->version, BTF_VERSION);
	if (h->flags)
		return ebpfc__err(EOPNOTSUPP, "%s: unknown header flags 0x%02x", btf->what,
				  h->flags);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > btf->size || h->hdr_len % 4)
		return ebpfc__err(EINVAL,
				  "%s: header length %u is invalid (at least %zu, a multiple of 4, "
				  "within the %zu bytes of data)",
				  btf->what, h->hdr_len, sizeof(*h), btf->size);
	avail = btf->size - h->hdr_len;
	if ((uint64_t)h->type_off + h->type_len > avail)
		return ebpfc__err(EINVAL,
				  "%s: type section (offset %u, length %u) runs past the %zu bytes "
				  "after the header",
				  btf->what, h->type_off, h->type_len, avail);
	if ((uint64_t)h->str_off + h->str_len > avail)
		return ebpfc__err(EINVAL,
				  "%s: string section (offset %u, length %u) runs past the %zu bytes "
				  "after the header",
				  btf->what, h->str_off, h->str_len, avail);
	if (h->type_off % 4 || h->type_len % 4)
		return ebpfc__err(EINVAL,
				  "%s: type section offset %u or length %u is not a multiple of 4",
				  btf->what, h->type_off, h->type_len);
	if (h->type_len && h->str_len && h->type_off < h->str_off + h->str_len &&
	    h->str_off < h->type_off + h->type_len)
		return ebpfc__err(EINVAL, "%s: type section [%u, %u) and string section [%u, %u) overlap",
				  btf->what, h->type_off, h->type_off + h->type_len, h->str_off,
				  h->str_off + h->str_len);

	btf->types = btf->data + h->hdr_len + h->type_off;
	btf->types_len = h->type_len;
	btf->strs = (const char *)btf->data + h->hdr_len + h->str_off;
	btf->strs_len = h->str_len;

	/* Offset 0 must read as "" in base BTF; split BTF's offsets start past its base's. */
	if (!btf->base && (!h->str_len || btf->strs[0]))
		return ebpfc__err(EINVAL, "%s: string section does not start with \"\"", btf->what);
	if (h->str_len && btf->strs[h->str_len - 1])
		return ebpfc__err(EINVAL, "%s: string section is not NUL-terminated", btf->what);
	if ((uint64_t)btf->start_str + h->str_len > UINT32_MAX)
		return ebpfc__err(EINVAL, "%s: strings of base and split BTF exceed 4 GiB", btf->what);
	return 0;
}

/*
 * One record of the type section at offset `off`, `left` bytes before its
 * end: checked, its references added to the maxima, *needp its size.
 */
static inline int check_record(const struct ebpfc_btf *btf, const struct btf_type *t, uint32_t id,
			size_t off, size_t left, uint32_t *max_ref, uint32_t *max_str,
			size_t *needp)
{
	size_t need = sizeof(*t);
	unsigned int kind, vlen, i;
	int err;

	if (left < need)
		return ebpfc__err(EINVAL,
				  "%s: type [%u] at offset %zu of the type section: only %zu "
				  "bytes left, a type needs %zu",
				  btf->what, id, off, left, need);
	kind = BTF_INFO_KIND(t->info);
	vlen = BTF_INFO_VLEN(t->info);
	*max_str = MAXU(*max_str, t->name_off);

	if (kind == BTF_KIND_UNKN || kind > BTF_KIND_MAX)
		return type_err(btf, id, t, "unknown kind %u", kind);
	if (t->info & INFO_RESERVED)
		return type_err(btf, id, t, "info 0x%08x has reserved bits set", t->info);
	if (vlen && !(VLEN_KINDS & KIND_BIT(kind)))
		return type_err(btf, id, t, "vlen %u on a kind that has none", vlen);
	if (BTF_INFO_KFLAG(t->info) && !(KFLAG_KINDS & KIND_BIT(kind)))
		return type_err(btf, id, t, "kind_flag set on a kind that has none");

	switch (kind) {
	case BTF_KIND_INT:
		need += sizeof(uint32_t);
		break;
	case BTF_KIND_ARRAY:
		need += sizeof(struct btf_array);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		need += (size_t)vlen * 12;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		need += (size_t)vlen * 8;
		break;
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		need += sizeof(uint32_t);
		break;
	default:
		break;
	}
	if (need > left)
		return type_err(btf, id, t,
				"record of %zu bytes at offset %zu runs past the type section "
				"(%zu bytes left)",
				need, off, left);

	switch (kind) {
	case BTF_KIND_INT:
		err = check_int(btf, id, t);
		if (err)
			return err;
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		*max_ref = MAXU(*max_ref, t->type);
		break;
	case BTF_KIND_FUNC:
		if (vlen > BTF_FUNC_EXTERN)
			return type_err(btf, id, t, "linkage %u is not static, global or extern",
					vlen);
		*max_ref = MAXU(*max_ref, t->type);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = ebpfc_btf_array(t);

		*max_ref = MAXU(*max_ref, a->type);
		*max_ref = MAXU(*max_ref, a->index_type);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = ebpfc_btf_members(t);

		for (i = 0; i < vlen; i++) {
			*max_str = MAXU(*max_str, m[i].name_off);
			*max_ref = MAXU(*max_ref, m[i].type);
		}
		break;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		/* Entries of 8 or 12 bytes; both start with their name. */
		const uint32_t *e = (const uint32_t *)(t + 1);
		unsigned int step = kind == BTF_KIND_ENUM ? 2 : 3;

		if (t->size == 0 || t->size > 8 || (t->size & (t->size - 1)))
			return type_err(btf, id, t, "%s size %u is not 1, 2, 4 or 8",
					ebpfc_btf_kind_str(kind), t->size);
		for (i = 0; i < vlen; i++)
			*max_str = MAXU(*max_str, e[i * step]);
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *pa = ebpfc_btf_params(t);

		*max_ref = MAXU(*max_ref, t->type);
		for (i = 0; i < vlen; i++) {
			*max_str = MAXU(*max_str, pa[i].name_off);
			*max_ref = MAXU(*max_ref, pa[i].type);
		}
		break;
	}
	case BTF_KIND_VAR:
		if (ebpfc_btf_var(t)->linkage > BTF_VAR_GLOBAL_EXTERN)
			return type_err(btf, id, t, "linkage %u is not static, global or extern",
					ebpfc_btf_var(t)->linkage);
		*max_ref = MAXU(*max_ref, t->type);
		break;
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = ebpfc_btf_secinfos(t);

		for (i = 0; i < vlen; i++)
			*max_ref = MAXU(*max_ref, v[i].type);
		break;
	}
	case BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return type_err(btf, id, t, "float size %u is not 2, 4, 8, 12 or 16",
					t->size);
		break;
	case BTF_KIND_DECL_TAG:
		if (ebpfc_btf_decl_tag(t)->component_idx < -1)
			return type_err(btf, id, t, "component index %d is below -1",
					ebpfc_btf_decl_tag(t)->component_idx);
		*max_ref = MAXU(*max_ref, t->type);
		break;
	default: /* fwd */
		break;
	}
	*needp = need;
	return 0;
}

/*
 * The one pass over the type section: checks each record and records its
 * offset, and the indexes of named types other than functions (the
 * candidates of name lookups for CO-RE, see names_build). Ids and string
 * offsets can point forward, so check_record() only keeps their maxima;
 * the cold path finds the culprit if one is out of range. Reference loops
 * are not looked for here: every walk is bounded (EBPFC__BTF_MAX_DEPTH)
 * and reports -ELOOP instead.
 */
static int parse_types(struct ebpfc_btf *btf)
{
	const uint8_t *p = btf->types, *end = btf->types + btf->types_len;
	uint32_t max_ref = 0, max_str = 0, n = 0, nfuncs = 0, ntyped = 0, *offs, *named;
	size_t max_types = btf->types_len / sizeof(struct btf_type), need = 0;
	int err;

	err = big_alloc(&btf->offs, max_types * sizeof(uint32_t), false);
	if (!err)
		err = big_alloc(&btf->named, max_types * sizeof(uint32_t), false);
	if (err)
		return ebpfc__err(err, "%s: out of memory for the index of %zu types", btf->what,
				  max_types);
	offs = btf->offs.ptr;
	named = btf->named.ptr;

	while (p < end) {
		const struct btf_type *t = (const void *)p;
		uint32_t id = btf->start_id + n;

		if ((size_t)(end - p) > PREFETCH_AHEAD)
			__builtin_prefetch(p + PREFETCH_AHEAD);
		err = check_record(btf, t, id, (size_t)(p - btf->types), (size_t)(end - p),
				   &max_ref, &max_str, &need);
		if (err)
			return err;
		if (t->name_off) {
			if (name_group(BTF_INFO_KIND(t->info)) == NAMES_FUNCS) {
				nfuncs++;
			} else {
				big_need(&btf->named, ((size_t)ntyped + 1) * sizeof(uint32_t));
				named[ntyped++] = n;
			}
		}
		if (n == UINT32_MAX - btf->start_id)
			return type_err(btf, id, t, "too many types");
		big_need(&btf->offs, ((size_t)n + 1) * sizeof(uint32_t));
		offs[n++] = (uint32_t)(p - btf->types);
		p += need;
	}
	btf->nr_types = n;
	/*
	 * The arrays were sized for the smallest records and are not shrunk:
	 * their unwritten tails were never made present, so they cost address
	 * space only, and shrinking would keep malloc from recycling the blocks.
	 */
	btf->nr_named[NAMES_TYPES] = ntyped;
	btf->nr_named[NAMES_FUNCS] = nfuncs;

	if (max_ref >= type_cnt(btf))
		return bad_ref_err(btf, false);
	if (max_str >= btf->start_str + btf->strs_len)
		return bad_ref_err(btf, true);
	return 0;
}

/* ---- open and close ------------------------------------------------------ */

static void release_storage(enum storage st, const void *data, size_t map_len)
{
	if (st == STORE_MALLOC)
		free((void *)data);
	else if (st == STORE_MAPPED)
		munmap((void *)data, map_len);
}

static void names_free(struct name_index *ni)
{
	if (!ni)
		return;
	big_free(&ni->table);
	free(ni);
}

static void btf_free(struct ebpfc_btf *btf)
{
	names_free(btf->names[NAMES_TYPES]);
	names_free(btf->names[NAMES_FUNCS]);
	big_free(&btf->offs);
	big_free(&btf->named);
	release_storage(btf->storage, btf->data, btf->map_len);
	ebpfc_btf_destroy(btf->base);
	free(btf);
}

struct ebpfc_btf *ebpfc__btf_get(const struct ebpfc_btf *btf)
{
	struct ebpfc_btf *b = (struct ebpfc_btf *)btf;

	if (b)
		__atomic_add_fetch(&b->refcnt, 1, __ATOMIC_RELAXED);
	return b;
}

/*
 * Wrap bytes whose ownership is given by `st` (released here on failure)
 * and validate them.
 */
static int btf_create(const void *data, size_t size, enum storage st, size_t map_len,
		      const struct ebpfc_btf *base, const char *what, struct ebpfc_btf **out)
{
	struct ebpfc_btf *btf;
	int err;

	btf = calloc(1, sizeof(*btf));
	if (!btf) {
		release_storage(st, data, map_len);
		return ebpfc__err(ENOMEM, "%s: out of memory", what);
	}
	btf->refcnt = 1;
	btf->storage = st;
	btf->data = data;
	btf->size = size;
	btf->map_len = map_len;
	ebpfc__strlcpy(btf->what, what, sizeof(btf->what));
	if (base) {
		btf->base = ebpfc__btf_get(base);
		btf->start_id = type_cnt(base);
		btf->start_str = base->start_str + base->strs_len;
	} else {
		btf->start_id = 1;
	}

	err = check_header(btf);
	if (!err)
		err = parse_types(btf);
	if (err) {
		btf_free(btf);
		return err;
	}
	*out = btf;
	return 0;
}

static int open_mem(const void *data, size_t size, const struct ebpfc_btf_open_opts *opts,
		    enum storage st, const char *what, struct ebpfc_btf **btf)
{
	const struct ebpfc_btf *base;
	int err;

	if (!what)
		what = "BTF";
	if (!btf || (!data && size))
		return ebpfc__err(EINVAL, "%s: NULL argument", what);
	*btf = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_btf_open_opts);
	if (err)
		return err;
	base = EBPFC__OPT(opts, base, NULL);

	/* Types are read in place as 32-bit fields, so they must be aligned. */
	if (EBPFC__OPT(opts, copy, false) || ((uintptr_t)data & 3)) {
		void *copy = malloc(size ? size : 1);

		if (!copy)
			return ebpfc__err(ENOMEM, "%s: out of memory copying %zu bytes", what, size);
		if (size)
			memcpy(copy, data, size);
		data = copy;
		st = STORE_MALLOC;
	}
	return btf_create(data, size, st, 0, base, what, btf);
}

int ebpfc__btf_open_mem(const void *data, size_t size, const struct ebpfc_btf_open_opts *opts,
			const char *what, struct ebpfc_btf **btf)
{
	return open_mem(data, size, opts, STORE_BORROWED, what, btf);
}

int ebpfc__btf_open_lent(void *data, size_t size, const char *what, struct ebpfc_btf **btf)
{
	return open_mem(data, size, NULL, STORE_LENT, what, btf);
}

EBPFC_API int ebpfc_btf_open_mem(const void *data, size_t size,
				 const struct ebpfc_btf_open_opts *opts, struct ebpfc_btf **btf)
{
	return ebpfc__btf_open_mem(data, size, opts, NULL, btf);
}

static bool is_elf(const void *data, size_t size)
{
	return size >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG);
}

/*
 * An ELF file with a .BTF section (a vmlinux, a BPF object): that
 * section, copied out, so the file's bytes can go (they are released by
 * the caller either way).
 */
static int open_elf(const void *data, size_t size, const struct ebpfc_btf_open_opts *opts,
		    const char *what, struct ebpfc_btf **btf)
{
	const Elf64_Ehdr *eh = data;
	struct ebpfc__elf_opts eo = { .exec = true };
	struct ebpfc__elf_sec sec;
	struct ebpfc__elf *elf;
	void *copy;
	int err;

	/* A BPF object is read in the reader's default mode, anything else as an executable. */
	if (size < sizeof(*eh))
		return ebpfc__err(EINVAL, "%s: truncated ELF header", what);
	err = ebpfc__elf_open_opts(data, size, what, eh->e_type == ET_REL ? NULL : &eo, &elf);
	if (err)
		return err;
	err = ebpfc__elf_section_by_name(elf, ".BTF", &sec);
	if (err || sec.type == SHT_NOBITS || !sec.data) {
		ebpfc__elf_close(elf);
		return ebpfc__err(ENOENT, "%s: ELF file without a .BTF section (a kernel built "
				  "without CONFIG_DEBUG_INFO_BTF?)", what);
	}
	if (sec.flags & SHF_COMPRESSED) {
		ebpfc__elf_close(elf);
		return ebpfc__err(EOPNOTSUPP, "%s: the .BTF section is compressed", what);
	}
	copy = malloc(sec.size ? sec.size : 1);
	if (!copy) {
		ebpfc__elf_close(elf);
		return ebpfc__err(ENOMEM, "%s: out of memory copying %llu bytes of .BTF", what,
				  (unsigned long long)sec.size);
	}
	memcpy(copy, sec.data, sec.size);
	ebpfc__elf_close(elf);
	return btf_create(copy, sec.size, STORE_MALLOC, 0, EBPFC__OPT(opts, base, NULL), what, btf);
}

static int open_file(const char *path, const struct ebpfc_btf_open_opts *opts, const char *what,
		     struct ebpfc_btf **btf)
{
	char magic[SELFMAG];
	bool elf;
	struct stat st;
	void *data = NULL;
	char *buf;
	size_t size = 0;
	int fd, err;

	if (!btf || !path)
		return ebpfc__err(EINVAL, "ebpfc_btf_open_file: NULL argument");
	*btf = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_btf_open_opts);
	if (err)
		return err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return ebpfc__err(err, "%s: open: %s", what, ebpfc_strerror(err));
	}
	if (fstat(fd, &st)) {
		err = errno;
		ebpfc__close(fd);
		return ebpfc__err(err, "%s: stat: %s", what, ebpfc_strerror(err));
	}
	if (S_ISDIR(st.st_mode)) {
		ebpfc__close(fd);
		return ebpfc__err(EISDIR, "%s: is a directory", what);
	}
	/* An ELF file (vmlinux) is mostly not BTF: map it without reading it all. */
	elf = pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	      is_elf(magic, sizeof(magic));
	if (st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX) {
		size = (size_t)st.st_size;
		/* Populate now: the validating pass reads every page of the types anyway. */
		data = mmap(NULL, size, PROT_READ, MAP_PRIVATE | (elf ? 0 : MAP_POPULATE), fd, 0);
		if (data != MAP_FAILED) {
			ebpfc__close(fd);
			if (is_elf(data, size)) {
				err = open_elf(data, size, opts, what, btf);
				munmap(data, size);
				return err;
			}
			return btf_create(data, size, STORE_MAPPED, size, EBPFC__OPT(opts, base, NULL),
					  what, btf);
		}
	}
	/* What cannot be mapped (procfs, pipes) is read whole. */
	err = ebpfc__read_fd(fd, what, &buf, &size);
	ebpfc__close(fd);
	if (err)
		return err;
	if (is_elf(buf, size)) {
		err = open_elf(buf, size, opts, what, btf);
		free(buf);
		return err;
	}
	return btf_create(buf, size, STORE_MALLOC, 0, EBPFC__OPT(opts, base, NULL), what, btf);
}

EBPFC_API int ebpfc_btf_open_file(const char *path, const struct ebpfc_btf_open_opts *opts,
				  struct ebpfc_btf **btf)
{
	char what[128];

	snprintf(what, sizeof(what), "BTF '%s'", path ? path : "(null)");
	return open_file(path, opts, what, btf);
}

/*
 * The one piece of process-wide state: the shared vmlinux BTF, alive while
 * someone holds a reference. The lock also serialises the first open so
 * that two threads racing to open it get the same instance.
 */
static pthread_mutex_t vmlinux_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ebpfc_btf *vmlinux_btf;

EBPFC_API int ebpfc_btf_open_vmlinux(struct ebpfc_btf **btf)
{
	int err = 0;

	if (!btf)
		return ebpfc__err(EINVAL, "ebpfc_btf_open_vmlinux: NULL argument");
	*btf = NULL;
	pthread_mutex_lock(&vmlinux_lock);
	if (vmlinux_btf) {
		*btf = ebpfc__btf_get(vmlinux_btf);
	} else {
		err = open_file(VMLINUX_PATH, NULL, "kernel BTF (" VMLINUX_PATH ")", btf);
		if (!err) {
			(*btf)->shared = true;
			vmlinux_btf = *btf;
		} else if (err == -ENOENT) {
			ebpfc__err_append("; the kernel was built without CONFIG_DEBUG_INFO_BTF: "
					  "give a BTF file to ebpfc_btf_open_file() instead");
		}
	}
	pthread_mutex_unlock(&vmlinux_lock);
	return err;
}

EBPFC_API void ebpfc_btf_destroy(struct ebpfc_btf *btf)
{
	bool last;

	if (!btf)
		return;
	if (btf->shared) {
		/* Under the lock, so that open_vmlinux never revives a dying instance. */
		pthread_mutex_lock(&vmlinux_lock);
		last = __atomic_sub_fetch(&btf->refcnt, 1, __ATOMIC_ACQ_REL) == 0;
		if (last && vmlinux_btf == btf)
			vmlinux_btf = NULL;
		pthread_mutex_unlock(&vmlinux_lock);
	} else {
		last = __atomic_sub_fetch(&btf->refcnt, 1, __ATOMIC_ACQ_REL) == 0;
	}
	if (last)
		btf_free(btf);
}

int ebpfc__btf_vmlinux_refs(void)
{
	int refs;

	pthread_mutex_lock(&vmlinux_lock);
	refs = vmlinux_btf ? __atomic_load_n(&vmlinux_btf->refcnt, __ATOMIC_RELAXED) : 0;
	pthread_mutex_unlock(&vmlinux_lock);
	return refs;
}

int ebpfc__btf_raw_mut(struct ebpfc_btf *btf, void **data, size_t *size)
{
	uint8_t *copy;

	if (!btf || !data || !size)
		return ebpfc__err(EINVAL, "ebpfc__btf_raw_mut: NULL argument");
	if (btf->shared)
		return ebpfc__err(EPERM, "%s: the shared kernel BTF cannot be modified", btf->what);
	if (btf->storage != STORE_MALLOC && btf->storage != STORE_LENT) {
		copy = malloc(btf->size ? btf->size : 1);
		if (!copy)
			return ebpfc__err(ENOMEM, "%s: out of memory copying %zu bytes", btf->what,
					  btf->size);
		memcpy(copy, btf->data, btf->size);
		btf->types = copy + (btf->types - btf->data);
		btf->strs = (const char *)copy + (btf->strs - (const char *)btf->data);
		release_storage(btf->storage, btf->data, btf->map_len);
		btf->data = copy;
		btf->storage = STORE_MALLOC;
		btf->map_len = 0;
	}
	*data = (void *)btf->data;
	*size = btf->size;
	return 0;
}

static void recount_named(struct ebpfc_btf *btf)
{
	uint32_t *named = btf->named.ptr, i;

	btf->nr_named[NAMES_TYPES] = btf->nr_named[NAMES_FUNCS] = 0;
	for (i = 0; i < btf->nr_types; i++) {
		const struct btf_type *t = type_at(btf, i);

		if (!t->name_off)
			continue;
		if (name_group(BTF_INFO_KIND(t->info)) == NAMES_FUNCS) {
			btf->nr_named[NAMES_FUNCS]++;
		} else {
			big_need(&btf->named, ((size_t)btf->nr_named[NAMES_TYPES] + 1) *
						      sizeof(uint32_t));
			named[btf->nr_named[NAMES_TYPES]++] = i;
		}
	}
}

void ebpfc__btf_names_changed(struct ebpfc_btf *btf)
{
	if (!btf)
		return;
	names_free(__atomic_exchange_n(&btf->names[NAMES_TYPES], NULL, __ATOMIC_ACQ_REL));
	names_free(__atomic_exchange_n(&btf->names[NAMES_FUNCS], NULL, __ATOMIC_ACQ_REL));
	/* Names may have come or gone: list the named types again (it cannot outgrow its array). */
	recount_named(btf);
}

/* ---- the name index ------------------------------------------------------ */

/*
 * Names are hashed 8 bytes at a time: building the index hashes every
 * type name of the kernel (70,000 of them), and a byte-at-a-time hash was
 * most of the cost. The hash covers a name's essential part (up to its last
 * "X___Y" flavor separator), so one index answers exact and essential
 * queries alike.
 */
#define BYTES_01 0x0101010101010101ull
#define BYTES_7F 0x7f7f7f7f7f7f7f7full
#define BYTES_5F 0x5f5f5f5f5f5f5f5full /* '_' */

/* 0x80 in every byte of v that is zero, 0 elsewhere (exact: no borrows). */
static inline uint64_t zero_bytes(uint64_t v)
{
	return ~(((v & BYTES_7F) + BYTES_7F) | v | BYTES_7F);
}

static inline uint64_t load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint64_t hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static inline uint32_t hash_finish(uint64_t h, size_t len)
{
	h = hash_word(h, len);
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return (uint32_t)(h >> 32);
}

#define HASH_SEED 0x243f6a8885a308d3ull

/* Length of the essential name: up to the last X___Y, X and Y not '_'. */
static size_t essential_len(const char *s)
{
	size_t i, cut = 0;
	bool flavored = false;

	for (i = 0; s[i]; i++) {
		if (s[i] == '_' && i > 0 && s[i - 1] != '_' && s[i + 1] == '_' && s[i + 2] == '_' &&
		    s[i + 3] && s[i + 3] != '_') {
			cut = i;
			flavored = true;
		}
	}
	return flavored ? cut : i;
}

/* The reference version, for any string: byte reads only. */
static uint32_t name_hash_slow(const char *s, size_t *ess_len)
{
	size_t len = essential_len(s), i;
	uint64_t h = HASH_SEED;
	char chunk[8];

	for (i = 0; i + 8 <= len; i += 8)
		h = hash_word(h, load8(s + i));
	if (i < len) {
		memset(chunk, 0, sizeof(chunk));
		memcpy(chunk, s + i, len - i);
		h = hash_word(h, load8(chunk));
	}
	*ess_len = len;
	return hash_finish(h, len);
}

/*
 * The same hash for a string that may be read 8 bytes at a time up to
 * `end`: finds the NUL and looks for "___" a word at a time, and hands the
 * rare flavored name (or a name near `end`) to the slow version.
 */
static uint32_t name_hash(const char *s, const char *end, size_t *ess_len)
{
	uint64_t h = HASH_SEED, w, z, u, prev_u = 0, keep, win;
	size_t i;

	for (i = 0; s + i + 8 <= end; i += 8) {
		w = load8(s + i);
		z = zero_bytes(w);
		keep = ~0ull;
		if (z) {
			unsigned int nb = (unsigned int)__builtin_ctzll(z) / 8;

			keep = nb ? ~0ull >> (64 - 8 * nb) : 0;
			w &= keep;
		}
		/* '_' flags of this word, and a window reaching two bytes back. */
		u = zero_bytes(w ^ BYTES_5F) & keep;
		win = prev_u >> 48 | u << 16;
		if ((u & u >> 8 & u >> 16) || (win & win >> 8 & win >> 16))
			return name_hash_slow(s, ess_len);
		prev_u = u;
		if (z) {
			size_t len = i + (size_t)__builtin_ctzll(z) / 8;

			if (w)
				h = hash_word(h, w);
			*ess_len = len;
			return hash_finish(h, len);
		}
		h = hash_word(h, w);
	}
	return name_hash_slow(s, ess_len);
}

EBPFC_API size_t ebpfc_btf_essential_name_len(const char *name)
{
	size_t len;

	(void)len;
	return name ? essential_len(name) : 0;
}

static unsigned int bits_for(uint64_t v)
{
	unsigned int b = 0;

	while (v >> b)
		b++;
	return b;
}

static int names_build(const struct ebpfc_btf *btf, enum name_group group,
		       struct name_index **out)
{
	struct name_index *ni;
	const uint32_t *named;
	uint32_t *slots, i, tag_shift, total;
	size_t cap = 16, len;
	int err;

	ni = calloc(1, sizeof(*ni));
	if (!ni)
		return ebpfc__err(ENOMEM, "%s: out of memory for the name index", btf->what);
	/* Load factor at most 3/4; linear probing stays short. */
	while (cap < (size_t)btf->nr_named[group] + btf->nr_named[group] / 3 + 1)
		cap *= 2;
	err = big_alloc(&ni->table, cap * sizeof(uint32_t), true);
	if (err) {
		free(ni);
		return ebpfc__err(err, "%s: out of memory for the name index", btf->what);
	}
	ni->mask = (uint32_t)cap - 1;
	ni->id_bits = bits_for(btf->nr_types);
	tag_shift = ni->id_bits;
	slots = ni->table.ptr;

	/*
	 * In batches: kernel names are spread over megabytes of strings and
	 * the table over hundreds of KiB, so fetch a batch's strings, then
	 * hash them and fetch their slots, then insert; the cache misses of a
	 * batch overlap instead of following one another.
	 */
	/*
	 * Non-function types come from the list parse_types() made (a sixth
	 * of the kernel's types); functions from a walk over all types.
	 */
	named = group == NAMES_TYPES ? btf->named.ptr : NULL;
	total = named ? btf->nr_named[NAMES_TYPES] : btf->nr_types;
	for (i = 0; i < total;) {
		struct {
			const char *s, *end;
			uint32_t idx, h;
		} batch[NAME_BATCH];
		unsigned int n = 0, k;

		for (; i < total && n < NAME_BATCH; i++) {
			uint32_t idx = named ? named[i] : i;
			const struct btf_type *t = type_at(btf, idx);

			if (!t->name_off || name_group(BTF_INFO_KIND(t->info)) != group)
				continue;
			batch[n].s = str_get_end(btf, t->name_off, &batch[n].end);
			batch[n].idx = idx;
			__builtin_prefetch(batch[n].s);
			n++;
		}
		for (k = 0; k < n; k++) {
			batch[k].h = name_hash(batch[k].s, batch[k].end, &len);
			__builtin_prefetch(&slots[batch[k].h & ni->mask], 1);
		}
		for (k = 0; k < n; k++) {
			uint32_t h = batch[k].h, pos;
			/* The hash's top bits become a tag, so most mismatches skip the strcmp. */
			uint32_t slot = (tag_shift < 32 ? (h >> tag_shift) << tag_shift : 0) |
					(batch[k].idx + 1);

			for (pos = h & ni->mask; slots[pos]; pos = (pos + 1) & ni->mask)
				;
			slots[pos] = slot;
		}
	}
	*out = ni;
	return 0;
}

static const struct name_index *names_get(const struct ebpfc_btf *btf, enum name_group group,
					  int *err)
{
	struct ebpfc_btf *b = (struct ebpfc_btf *)btf;
	struct name_index *ni, *expected = NULL;

	ni = __atomic_load_n(&b->names[group], __ATOMIC_ACQUIRE);
	if (ni)
		return ni;
	*err = names_build(btf, group, &ni);
	if (*err)
		return NULL;
	/* Two threads may build at once; the loser frees its copy. */
	if (!__atomic_compare_exchange_n(&b->names[group], &expected, ni, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		names_free(ni);
		ni = expected;
	}
	return ni;
}

/* Lowest `cap` ids kept sorted; `total` counts all. */
struct collect {
	uint32_t *ids;
	size_t cap, stored, total;
};

static void collect_add(struct collect *c, uint32_t id)
{
	size_t i;

	c->total++;
	if (c->stored == c->cap && (!c->cap || id > c->ids[c->cap - 1]))
		return;
	i = c->stored < c->cap ? c->stored++ : c->cap - 1;
	for (; i > 0 && c->ids[i - 1] > id; i--)
		c->ids[i] = c->ids[i - 1];
	c->ids[i] = id;
}

static int find_group(const struct ebpfc_btf *btf, enum name_group group, const char *name,
		      uint32_t h, size_t qlen, unsigned int kind, bool essential, struct collect *c)
{
	const struct name_index *ni;
	const uint32_t *slots;
	uint32_t pos, tag, id_mask;
	int err = 0;

	if (!btf->nr_named[group])
		return 0;
	ni = names_get(btf, group, &err);
	if (!ni)
		return err;
	slots = ni->table.ptr;
	id_mask = ni->id_bits < 32 ? (1u << ni->id_bits) - 1 : UINT32_MAX;
	tag = h & ~id_mask;
	for (pos = h & ni->mask; slots[pos]; pos = (pos + 1) & ni->mask) {
		uint32_t idx = (slots[pos] & id_mask) - 1;
		const struct btf_type *t;
		const char *s;
		size_t len;

		if ((slots[pos] & ~id_mask) != tag)
			continue;
		t = type_at(btf, idx);
		if (kind && BTF_INFO_KIND(t->info) != kind)
			continue;
		s = str_get(btf, t->name_off);
		if (essential) {
			len = essential_len(s);
			if (len != qlen || memcmp(s, name, len))
				continue;
		} else if (strcmp(s, name)) {
			continue;
		}
		collect_add(c, btf->start_id + idx);
	}
	return 0;
}

static int find_in(const struct ebpfc_btf *btf, const char *name, uint32_t h, size_t qlen,
		   unsigned int kind, bool essential, struct collect *c)
{
	int err = 0;

	if (btf->base) {
		err = find_in(btf->base, name, h, qlen, kind, essential, c);
		if (err)
			return err;
	}
	if (!kind || name_group(kind) == NAMES_TYPES)
		err = find_group(btf, NAMES_TYPES, name, h, qlen, kind, essential, c);
	if (!err && (!kind || name_group(kind) == NAMES_FUNCS))
		err = find_group(btf, NAMES_FUNCS, name, h, qlen, kind, essential, c);
	return err;
}

EBPFC_API int ebpfc_btf_find_all(const struct ebpfc_btf *btf, const char *name, unsigned int kind,
				 unsigned int flags, uint32_t *ids, size_t cap)
{
	struct collect c = { .ids = ids, .cap = cap };
	size_t qlen;
	uint32_t h;
	int err;

	if (!btf || !name || (cap && !ids))
		return ebpfc__err(EINVAL, "ebpfc_btf_find_all: NULL argument");
	if (flags & ~EBPFC_BTF_FIND_ESSENTIAL)
		return ebpfc__err(EINVAL, "ebpfc_btf_find_all: unknown flags 0x%x", flags);
	if (kind > BTF_KIND_MAX)
		return ebpfc__err(EINVAL, "ebpfc_btf_find_all: no BTF kind %u", kind);
	if (!name[0])
		return 0;
	h = name_hash_slow(name, &qlen);
	err = find_in(btf, name, h, qlen, kind, flags & EBPFC_BTF_FIND_ESSENTIAL, &c);
	if (err)
		return err;
	return c.total > INT32_MAX ? INT32_MAX : (int)c.total;
}

EBPFC_API int ebpfc_btf_find(const struct ebpfc_btf *btf, const char *name, unsigned int kind,
			     uint32_t *id)
{
	uint32_t found;
	int n;

	if (!id)
		return ebpfc__err(EINVAL, "ebpfc_btf_find: NULL argument");
	n = ebpfc_btf_find_all(btf, name, kind, 0, &found, 1);
	if (n < 0)
		return n;
	if (n == 0)
		return ebpfc__err(ENOENT, "%s: no %s named '%s'", btf->what,
				  kind ? ebpfc_btf_kind_str(kind) : "type", name);
	*id = found;
	return 0;
}

/* ---- walks --------------------------------------------------------------- */

static int get_type(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type **t)
{
	*t = NULL;
	if (!btf)
		return ebpfc__err(EINVAL, "BTF: NULL argument");
	*t = type_get(btf, id);
	return *t ? 0 : no_type(btf, id);
}

static int loop_err(const struct ebpfc_btf *btf, uint32_t id, const char *walk)
{
	return ebpfc__err(ELOOP, "%s: type [%u]: %s goes more than %d levels deep (a reference loop?)",
			  btf->what, id, walk, EBPFC__BTF_MAX_DEPTH);
}

static bool is_modifier_kind(unsigned int kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_VOLATILE || kind == BTF_KIND_CONST ||
	       kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

EBPFC_API int ebpfc_btf_resolve(const struct ebpfc_btf *btf, uint32_t id, uint32_t *resolved)
{
	const struct btf_type *t = NULL;
	uint32_t cur = id;
	int depth, err;

	if (!resolved)
		return ebpfc__err(EINVAL, "ebpfc_btf_resolve: NULL argument");
	for (depth = 0; depth <= EBPFC__BTF_MAX_DEPTH; depth++) {
		err = get_type(btf, cur, &t);
		if (err)
			return err;
		if (!is_modifier_kind(BTF_INFO_KIND(t->info))) {
			*resolved = cur;
			return 0;
		}
		cur = t->type;
	}
	return loop_err(btf, id, "typedef/modifier chain");
}

EBPFC_API int ebpfc_btf_resolve_size(const struct ebpfc_btf *btf, uint32_t id, uint32_t *size)
{
	const struct btf_type *t;
	uint64_t mult = 1, total;
	uint32_t cur = id, elem;
	bool zero = false;
	int depth, err;

	if (!size)
		return ebpfc__err(EINVAL, "ebpfc_btf_resolve_size: NULL argument");
	for (depth = 0; depth <= EBPFC__BTF_MAX_DEPTH; depth++) {
		err = get_type(btf, cur, &t);
		if (err)
			return err;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			elem = t->size;
			goto done;
		case BTF_KIND_PTR:
			elem = 8;
			goto done;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			cur = t->type;
			break;
		case BTF_KIND_ARRAY:
			zero |= ebpfc_btf_array(t)->nelems == 0;
			/* Saturate above 4 GiB; only a zero count can still save it. */
			mult *= ebpfc_btf_array(t)->nelems;
			if (mult > (uint64_t)UINT32_MAX + 1)
				mult = (uint64_t)UINT32_MAX + 1;
			cur = ebpfc_btf_array(t)->type;
			break;
		default:
			return ebpfc__err(EINVAL, "%s: type [%u] (%s '%s') has no size", btf->what,
					  cur, ebpfc_btf_kind_str(BTF_INFO_KIND(t->info)),
					  safe_name(btf, t->name_off));
		}
	}
	return loop_err(btf, id, "size computation");
done:
	total = zero ? 0 : mult * elem;
	if (total > UINT32_MAX)
		return ebpfc__err(E2BIG, "%s: type [%u] is larger than 4 GiB", btf->what, id);
	*size = (uint32_t)total;
	return 0;
}

static int align_of(const struct ebpfc_btf *btf, uint32_t id, int depth, uint32_t *budget,
		    uint32_t *align)
{
	const struct btf_type *t;
	uint32_t cur, a, max, i;
	bool packed = false;
	int err;

	if (depth > EBPFC__BTF_MAX_DEPTH)
		return loop_err(btf, id, "alignment computation");
	if (!*budget)
		return ebpfc__err(E2BIG, "%s: type [%u]: too many nested members to compute alignment",
				  btf->what, id);
	--*budget;
	err = ebpfc_btf_resolve(btf, id, &cur);
	if (err)
		return err;
	t = type_get(btf, cur);
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		*align = t->size < 8 ? t->size : 8;
		return 0;
	case BTF_KIND_PTR:
		*align = 8;
		return 0;
	case BTF_KIND_ARRAY:
		return align_of(btf, ebpfc_btf_array(t)->type, depth + 1, budget, align);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		max = 1;
		for (i = 0; i < BTF_INFO_VLEN(t->info); i++) {
			const struct btf_member *m = &ebpfc_btf_members(t)[i];
			bool bitfield = BTF_INFO_KFLAG(t->info) && BTF_MEMBER_BITFIELD_SIZE(m->offset);
			uint32_t bit_off = BTF_INFO_KFLAG(t->info) ? BTF_MEMBER_BIT_OFFSET(m->offset)
								    : m->offset;

			err = align_of(btf, m->type, depth + 1, budget, &a);
			if (err)
				return err;
			if (a > max)
				max = a;
			/* A member the compiler would have aligned but did not: packed. */
			if (!bitfield && bit_off % (a * 8))
				packed = true;
		}
		if (t->size % max)
			packed = true;
		*align = packed ? 1 : max;
		return 0;
	default:
		return ebpfc__err(EINVAL, "%s: type [%u] (%s '%s') has no alignment", btf->what, cur,
				  ebpfc_btf_kind_str(BTF_INFO_KIND(t->info)),
				  safe_name(btf, t->name_off));
	}
}

EBPFC_API int ebpfc_btf_align(const struct ebpfc_btf *btf, uint32_t id, uint32_t *align)
{
	uint32_t budget = ALIGN_BUDGET;

	if (!btf || !align)
		return ebpfc__err(EINVAL, "ebpfc_btf_align: NULL argument");
	return align_of(btf, id, 0, &budget, align);
}

static int kind_err(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type *t,
		    const char *expected)
{
	return ebpfc__err(EINVAL, "%s: type [%u] is a %s, not %s", btf->what, id,
			  ebpfc_btf_kind_str(BTF_INFO_KIND(t->info)), expected);
}

static int index_err(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type *t,
		     uint32_t idx, const char *what)
{
	return ebpfc__err(ENOENT, "%s: type [%u] (%s '%s') has %u %s, no #%u", btf->what, id,
			  ebpfc_btf_kind_str(BTF_INFO_KIND(t->info)), safe_name(btf, t->name_off),
			  BTF_INFO_VLEN(t->info), what, idx);
}

static void member_info(const struct ebpfc_btf *btf, const struct btf_type *t, uint32_t idx,
			struct ebpfc_btf_member_info *info)
{
	const struct btf_member *m = &ebpfc_btf_members(t)[idx];
	const struct btf_type *mt = NULL;
	uint32_t cur = m->type, word;
	int depth;

	info->name = str_get(btf, m->name_off);
	info->type_id = m->type;
	if (BTF_INFO_KFLAG(t->info)) {
		info->bit_offset = BTF_MEMBER_BIT_OFFSET(m->offset);
		info->bitfield_size = BTF_MEMBER_BITFIELD_SIZE(m->offset);
		return;
	}
	info->bit_offset = m->offset;
	info->bitfield_size = 0;
	/* Without kind_flag a bitfield is an int whose bits do not fill its size. */
	for (depth = 0; depth <= EBPFC__BTF_MAX_DEPTH; depth++) {
		mt = type_get(btf, cur);
		if (!mt || !is_modifier_kind(BTF_INFO_KIND(mt->info)))
			break;
		cur = mt->type;
	}
	if (!mt || BTF_INFO_KIND(mt->info) != BTF_KIND_INT)
		return;
	word = ebpfc_btf_int_word(mt);
	if (BTF_INT_OFFSET(word) || BTF_INT_BITS(word) != mt->size * 8) {
		info->bit_offset += BTF_INT_OFFSET(word);
		info->bitfield_size = BTF_INT_BITS(word);
	}
}

static int get_composite(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type **t)
{
	int err = get_type(btf, id, t);

	if (!err && !ebpfc_btf_is_composite(*t))
		err = kind_err(btf, id, *t, "a struct or union");
	return err;
}

EBPFC_API int ebpfc_btf_member(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
			       struct ebpfc_btf_member_info *member)
{
	const struct btf_type *t;
	int err;

	if (!member)
		return ebpfc__err(EINVAL, "ebpfc_btf_member: NULL argument");
	err = get_composite(btf, id, &t);
	if (err)
		return err;
	if (idx >= BTF_INFO_VLEN(t->info))
		return index_err(btf, id, t, idx, "members");
	member_info(btf, t, idx, member);
	return 0;
}

EBPFC_API int ebpfc_btf_member_find(const struct ebpfc_btf *btf, uint32_t id, const char *name,
				    struct ebpfc_btf_member_info *member)
{
	const struct btf_type *t;
	uint32_t i;
	int err;

	if (!name)
		return ebpfc__err(EINVAL, "ebpfc_btf_member_find: NULL argument");
	err = get_composite(btf, id, &t);
	if (err)
		return err;
	for (i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		if (strcmp(str_get(btf, ebpfc_btf_members(t)[i].name_off), name))
			continue;
		if (member)
			member_info(btf, t, i, member);
		return (int)i;
	}
	return ebpfc__err(ENOENT, "%s: %s '%s' has no member '%s'", btf->what,
			  ebpfc_btf_kind_str(BTF_INFO_KIND(t->info)), safe_name(btf, t->name_off),
			  name);
}

static void enum_info(const struct ebpfc_btf *btf, const struct btf_type *t, uint32_t idx,
		      struct ebpfc_btf_enum_value *v)
{
	v->is_signed = BTF_INFO_KFLAG(t->info);
	if (BTF_INFO_KIND(t->info) == BTF_KIND_ENUM) {
		const struct btf_enum *e = &ebpfc_btf_enums(t)[idx];

		v->name = str_get(btf, e->name_off);
		v->value = v->is_signed ? (uint64_t)(int64_t)e->val : (uint64_t)(uint32_t)e->val;
	} else {
		const struct btf_enum64 *e = &ebpfc_btf_enum64s(t)[idx];

		v->name = str_get(btf, e->name_off);
		v->value = (uint64_t)e->val_hi32 << 32 | e->val_lo32;
	}
}

static int get_enum(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type **t)
{
	int err = get_type(btf, id, t);

	if (!err && !ebpfc_btf_is_any_enum(*t))
		err = kind_err(btf, id, *t, "an enum or enum64");
	return err;
}

EBPFC_API int ebpfc_btf_enum_value(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
				   struct ebpfc_btf_enum_value *value)
{
	const struct btf_type *t;
	int err;

	if (!value)
		return ebpfc__err(EINVAL, "ebpfc_btf_enum_value: NULL argument");
	err = get_enum(btf, id, &t);
	if (err)
		return err;
	if (idx >= BTF_INFO_VLEN(t->info))
		return index_err(btf, id, t, idx, "enumerators");
	enum_info(btf, t, idx, value);
	return 0;
}

EBPFC_API int ebpfc_btf_enum_find(const struct ebpfc_btf *btf, uint32_t id, const char *name,
				  struct ebpfc_btf_enum_value *value)
{
	struct ebpfc_btf_enum_value v;
	const struct btf_type *t;
	uint32_t i;
	int err;

	if (!name)
		return ebpfc__err(EINVAL, "ebpfc_btf_enum_find: NULL argument");
	err = get_enum(btf, id, &t);
	if (err)
		return err;
	for (i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		enum_info(btf, t, i, &v);
		if (strcmp(v.name, name))
			continue;
		if (value)
			*value = v;
		return (int)i;
	}
	return ebpfc__err(ENOENT, "%s: %s '%s' has no enumerator '%s'", btf->what,
			  ebpfc_btf_kind_str(BTF_INFO_KIND(t->info)), safe_name(btf, t->name_off),
			  name);
}

EBPFC_API int ebpfc_btf_param(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
			      struct ebpfc_btf_param_info *param)
{
	const struct btf_type *t;
	uint32_t proto = id;
	int err;

	if (!param)
		return ebpfc__err(EINVAL, "ebpfc_btf_param: NULL argument");
	err = get_type(btf, id, &t);
	if (err)
		return err;
	if (BTF_INFO_KIND(t->info) == BTF_KIND_FUNC) {
		proto = t->type;
		err = get_type(btf, proto, &t);
		if (err)
			return err;
	}
	if (BTF_INFO_KIND(t->info) != BTF_KIND_FUNC_PROTO)
		return kind_err(btf, proto, t, "a func_proto");
	if (idx >= BTF_INFO_VLEN(t->info))
		return index_err(btf, proto, t, idx, "parameters");
	param->name = str_get(btf, ebpfc_btf_params(t)[idx].name_off);
	param->type_id = ebpfc_btf_params(t)[idx].type;
	return 0;
}

EBPFC_API int ebpfc_btf_datasec_var(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
				    struct ebpfc_btf_var_info *var)
{
	const struct btf_var_secinfo *si;
	const struct btf_type *t, *vt;
	int err;

	if (!var)
		return ebpfc__err(EINVAL, "ebpfc_btf_datasec_var: NULL argument");
	err = get_type(btf, id, &t);
	if (err)
		return err;
	if (BTF_INFO_KIND(t->info) != BTF_KIND_DATASEC)
		return kind_err(btf, id, t, "a datasec");
	if (idx >= BTF_INFO_VLEN(t->info))
		return index_err(btf, id, t, idx, "entries");
	si = &ebpfc_btf_secinfos(t)[idx];
	vt = type_get(btf, si->type); /* in range: checked at open */
	var->name = str_get(btf, vt->name_off);
	var->type_id = si->type;
	var->offset = si->offset;
	var->size = si->size;
	return 0;
}
