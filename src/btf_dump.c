/*
 * btf_dump.c - BTF as C (a vmlinux.h, or the types of an object) and as a
 * raw listing. The C side has three parts:
 *
 *   names    every named type gets its C name once, up front, in type id
 *            order: a second struct/union/enum tag or a second typedef or
 *            enumerator of the same name gets "___2" (libbpf's rule), so
 *            the output does not depend on which type was needed first;
 *   layout   what a compiler would do with the members alone (SysV rules,
 *            LP64, as on x86-64 and BPF), compared with the BTF offsets:
 *            packed when a member is misaligned or the size is not a
 *            multiple of the alignment, aligned(N) where a gap or the size
 *            needs it, unnamed bitfields as padding otherwise;
 *   order    a depth-first walk: a type is written after what it needs by
 *            value; what it needs through a pointer only gets a forward
 *            declaration, which is how cycles are broken.
 *
 * The spelling of a declaration builds the declarator from the name
 * outwards, as C reads it: "*" in front, "[n]" and "(params)" behind, with
 * parentheses when a postfix meets a pointer.
 *
 * Not here: reading or validating BTF (btf.c has done that when it was
 * opened: ids and name offsets are in range). Nothing here keeps global
 * state.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/btf.h>
#include <ebpfc/btf_dump.h>

#include "btf.h"
#include "internal.h"

/* Deepest nesting a walk follows before calling the BTF hostile. */
#define MAX_DEPTH 256
/* Largest alignment an aligned(N) attribute is inferred for. */
#define MAX_ALIGN 4096u
/* Flush the output buffer to the write callback beyond this many bytes. */
#define FLUSH_AT 65536

/* ---- a growing string --------------------------------------------------------------- */

struct sb {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_putn(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void sb_printf(struct sb *b, const char *fmt, ...) EBPFC__PRINTF(2, 3);
static void sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		sb_putn(b, tmp, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big) {
			b->oom = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb_putn(b, big, (size_t)n);
		free(big);
	}
}

static void sb_indent(struct sb *b, unsigned int lvl)
{
	while (lvl--)
		sb_putn(b, "\t", 1);
}

/* Put s in front of what b holds. */
static void sb_prepend(struct sb *b, const char *s)
{
	size_t n = strlen(s), old = b->len;

	sb_putn(b, s, n);	/* grow (contents shifted below) */
	if (b->oom)
		return;
	memmove(b->s + n, b->s, old);
	memcpy(b->s, s, n);
	b->s[b->len] = '\0';
}

static void sb_free(struct sb *b)
{
	free(b->s);
	*b = (struct sb){ 0 };
}

/* ---- names ------------------------------------------------------------------------ */

/* One name of a namespace: how many types took it so far, and canonical ids. */
struct name_ent {
	const char *name;
	uint32_t count;
	uint32_t first_struct, first_union, first_enum;	/* 0: none */
	uint32_t first_fwd_struct, first_fwd_union;
};

struct name_map {
	struct name_ent *ents;
	size_t cap, cnt;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int name_map_grow(struct name_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct name_ent *ents = calloc(cap, sizeof(*ents));

	if (!ents)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->ents[i].name)
			continue;
		for (j = name_hash(m->ents[i].name) & (cap - 1); ents[j].name; j = (j + 1) & (cap - 1))
			;
		ents[j] = m->ents[i];
	}
	free(m->ents);
	m->ents = ents;
	m->cap = cap;
	return 0;
}

/* The entry of name, added (zeroed) when new; NULL when out of memory. */
static struct name_ent *name_map_get(struct name_map *m, const char *name)
{
	size_t j;

	if ((m->cnt + 1) * 2 > m->cap && name_map_grow(m))
		return NULL;
	for (j = name_hash(name) & (m->cap - 1); m->ents[j].name; j = (j + 1) & (m->cap - 1))
		if (!strcmp(m->ents[j].name, name))
			return &m->ents[j];
	m->ents[j].name = name;
	m->cnt++;
	return &m->ents[j];
}

static void name_map_free(struct name_map *m)
{
	free(m->ents);
	*m = (struct name_map){ 0 };
}

/* ---- the dumper ----------------------------------------------------------------------- */

enum {
	ST_DEFINING = 1 << 0,
	ST_DEFINED = 1 << 1,	/* or assumed defined elsewhere */
	ST_DECLARED = 1 << 2,	/* a forward declaration (or the definition) is out */
	ST_REFERENCED = 1 << 3,	/* some type that is written uses it */
	ST_LAYOUT = 1 << 4,	/* layout computed */
	ST_LAYOUT_BUSY = 1 << 5,
	ST_PACKED = 1 << 6,
};

struct ebpfc_btf_dump {
	const struct ebpfc_btf *btf;
	ebpfc_btf_dump_write_fn write;
	void *user;
	uint32_t cnt;
	uint8_t *state;
	uint16_t *align;	/* composites: alignment as written */
	uint16_t *attr_align;	/* composites: aligned(N) on the type itself, 0: none */
	uint32_t *dup;		/* tags and typedefs: 1 (no suffix), 2 for ___2, ... */
	uint32_t *canon;	/* fwds and empty enums: the type whose name they share */
	uint32_t *enum_base;	/* enums: index of their first enumerator in enum_dup */
	uint32_t *enum_dup;
	bool has_type_tags;
	bool started;		/* something was written (the prelude is out) */
	int err;		/* sticky: the first failure */
	struct sb out;
};

static const struct btf_type *type_of(const struct ebpfc_btf_dump *d, uint32_t id)
{
	const struct btf_type *t;

	if (ebpfc_btf_type_by_id(d->btf, id, &t))
		ebpfc_btf_type_by_id(d->btf, 0, &t);
	return t;
}

static const char *raw_name(const struct ebpfc_btf_dump *d, uint32_t off)
{
	const char *s = ebpfc_btf_name(d->btf, off);

	return s ? s : "";
}

static bool is_tag_kind(unsigned int kind)
{
	return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION || kind == BTF_KIND_ENUM ||
	       kind == BTF_KIND_ENUM64;
}

static int fail(struct ebpfc_btf_dump *d, int err, const char *fmt, ...) EBPFC__PRINTF(3, 4);
static int fail(struct ebpfc_btf_dump *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d->err)
		return d->err;
	va_start(ap, fmt);
	d->err = ebpfc__verr(err, fmt, ap);
	va_end(ap);
	return d->err;
}

/*
 * Give every tag (struct, union, enum; fwds share the tag of what they
 * declare) and every ordinary identifier (typedefs, enumerators) its
 * suffix, in id order over the whole BTF, base included.
 */
static int assign_names(struct ebpfc_btf_dump *d)
{
	struct name_map tags = { 0 }, idents = { 0 };
	uint32_t nenum = 0, id;
	int err = -ENOMEM;

	for (id = 1; id < d->cnt; id++) {
		const struct btf_type *t = type_of(d, id);
		unsigned int kind = ebpfc_btf_kind(t);
		const char *name = raw_name(d, t->name_off);
		struct name_ent *e;

		d->canon[id] = id;
		if (ebpfc_btf_is_any_enum(t)) {
			d->enum_base[id] = nenum;
			nenum += ebpfc_btf_vlen(t);
		}
		if (!*name)
			continue;
		if (is_tag_kind(kind) || kind == BTF_KIND_FWD) {
			e = name_map_get(&tags, name);
			if (!e)
				goto out;
			if (kind == BTF_KIND_STRUCT && !e->first_struct)
				e->first_struct = id;
			else if (kind == BTF_KIND_UNION && !e->first_union)
				e->first_union = id;
			else if (ebpfc_btf_is_any_enum(t) && ebpfc_btf_vlen(t) && !e->first_enum)
				e->first_enum = id;
		} else if (kind == BTF_KIND_TYPEDEF) {
			e = name_map_get(&idents, name);
			if (!e)
				goto out;
		}
	}
	d->enum_dup = calloc(nenum ? nenum : 1, sizeof(*d->enum_dup));
	if (!d->enum_dup)
		goto out;
	/* Counting pass, in id order: the first of a name keeps it. */
	for (id = 1; id < d->cnt; id++) {
		const struct btf_type *t = type_of(d, id);
		unsigned int kind = ebpfc_btf_kind(t);
		const char *name = raw_name(d, t->name_off);
		struct name_ent *e;

		if (ebpfc_btf_is_any_enum(t)) {
			for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++) {
				struct ebpfc_btf_enum_value v;

				if (ebpfc_btf_enum_value(d->btf, id, i, &v) || !*v.name)
					continue;
				e = name_map_get(&idents, v.name);
				if (!e)
					goto out;
				d->enum_dup[d->enum_base[id] + i] = ++e->count;
			}
		}
		if (!*name)
			continue;
		if (kind == BTF_KIND_TYPEDEF) {
			e = name_map_get(&idents, name);
			if (!e)
				goto out;
			d->dup[id] = ++e->count;
			continue;
		}
		if (!is_tag_kind(kind) && kind != BTF_KIND_FWD)
			continue;
		e = name_map_get(&tags, name);
		if (!e)
			goto out;
		if (kind == BTF_KIND_FWD) {
			/* A declaration of a struct defined elsewhere is that struct. */
			bool is_union = ebpfc_btf_kflag(t);
			uint32_t def = is_union ? e->first_union : e->first_struct;
			uint32_t *first_fwd = is_union ? &e->first_fwd_union : &e->first_fwd_struct;

			if (def) {
				d->canon[id] = def;
				continue;
			}
			if (*first_fwd) {
				d->canon[id] = *first_fwd;
				continue;
			}
			*first_fwd = id;
		} else if (ebpfc_btf_is_any_enum(t) && !ebpfc_btf_vlen(t) && e->first_enum) {
			d->canon[id] = e->first_enum;	/* an enum's forward declaration */
			continue;
		}
		d->dup[id] = ++e->count;
	}
	err = 0;
out:
	name_map_free(&tags);
	name_map_free(&idents);
	return err ? fail(d, err, "BTF dump: out of memory") : 0;
}

/* Identifiers from a hostile BTF could be anything: keep them C. */
static void put_ident(struct sb *b, const char *name)
{
	const char *p;

	if (!*name) {
		sb_puts(b, "__anon");
		return;
	}
	if (*name >= '0' && *name <= '9')
		sb_putn(b, "_", 1);
	for (p = name; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_';

		sb_putn(b, ok ? &c : "_", 1);
	}
}

/* A C string literal of s. */
static void put_c_string(struct sb *b, const char *s)
{
	sb_putn(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(b, "\\%03o", c);
		else
			sb_putn(b, s, 1);
	}
	sb_putn(b, "\"", 1);
}

static void put_dup(struct sb *b, uint32_t dup)
{
	if (dup > 1)
		sb_printf(b, "___%u", dup);
}

/* The C name of a named type (tag or typedef), suffix included. */
static void put_type_name(const struct ebpfc_btf_dump *d, struct sb *b, uint32_t id)
{
	uint32_t c = d->canon[id];

	put_ident(b, raw_name(d, type_of(d, c)->name_off));
	put_dup(b, d->dup[c]);
}

static const char *tag_keyword(const struct btf_type *t)
{
	switch (ebpfc_btf_kind(t)) {
	case BTF_KIND_UNION:
		return "union";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return "enum";
	case BTF_KIND_FWD:
		return ebpfc_btf_kflag(t) ? "union" : "struct";
	default:
		return "struct";
	}
}

/* ---- layout ----------------------------------------------------------------------- */

static uint32_t type_align(struct ebpfc_btf_dump *d, uint32_t id, int depth);
static void layout(struct ebpfc_btf_dump *d, uint32_t id, int depth);

static uint32_t type_size(const struct ebpfc_btf_dump *d, uint32_t id)
{
	uint32_t sz;

	return ebpfc_btf_resolve_size(d->btf, id, &sz) ? 0 : sz;
}

static uint32_t scalar_align(uint32_t size)
{
	uint32_t a = 1;

	while (a < size && a < 16)
		a *= 2;
	return a;
}

static uint32_t type_align(struct ebpfc_btf_dump *d, uint32_t id, int depth)
{
	const struct btf_type *t;

	for (; depth < MAX_DEPTH; depth++) {
		t = type_of(d, id);
		switch (ebpfc_btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_FLOAT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return scalar_align(t->size);
		case BTF_KIND_PTR:
			return 8;
		case BTF_KIND_ARRAY:
			id = ebpfc_btf_array(t)->type;
			continue;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			continue;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			layout(d, id, depth + 1);
			return d->align[id] ? d->align[id] : 1;
		case BTF_KIND_FWD:
			if (d->canon[id] != id) {
				id = d->canon[id];
				continue;
			}
			return 1;
		default:
			return 1;
		}
	}
	return 1;
}

static uint32_t round_up(uint32_t x, uint32_t a)
{
	return a ? (x + a - 1) / a * a : x;
}

/*
 * What the layout of a struct needs, member by member. Called to compute
 * (lines NULL) and again to write the members (lines set), so both agree.
 */
struct lay_out {
	struct sb *lines;
	unsigned int lvl;
	int depth;
};

static void put_member(struct ebpfc_btf_dump *d, struct lay_out *o, uint32_t idx,
		       const struct ebpfc_btf_member_info *m, uint32_t align_attr);

/* Unnamed bitfields from bit cur to bit to, none straddling its unit. */
static void put_padding(struct lay_out *o, uint32_t cur, uint32_t to)
{
	static const struct { const char *type; uint32_t bits; } units[] = {
		{ "long", 64 }, { "int", 32 }, { "short", 16 }, { "char", 8 },
	};

	while (cur < to) {
		uint32_t n = to - cur;
		const char *type = "char";

		if (cur % 8) {
			if (n > 8 - cur % 8)
				n = 8 - cur % 8;
		} else if (n >= 8) {
			for (size_t i = 0; i < EBPFC__ARRAY_SIZE(units); i++) {
				if (cur % units[i].bits == 0 && n >= units[i].bits) {
					type = units[i].type;
					n = units[i].bits;
					break;
				}
			}
		}
		if (o && o->lines) {
			sb_indent(o->lines, o->lvl + 1);
			sb_printf(o->lines, "%s: %u;\n", type, n);
		}
		cur += n;
	}
}

/*
 * Walk a struct's members as a compiler would place them, packed or not,
 * padding to the BTF offsets. Returns the struct's alignment and sets
 * *attr to the aligned(N) the struct itself needs (0: none).
 */
static uint32_t struct_walk(struct ebpfc_btf_dump *d, uint32_t id, bool packed, int depth,
			    struct lay_out *o, uint32_t *attr)
{
	const struct btf_type *t = type_of(d, id);
	uint32_t cur = 0, a_max = 1, size_bits = t->size * 8;

	*attr = 0;
	for (uint32_t i = 0; i < ebpfc_btf_vlen(t); i++) {
		struct ebpfc_btf_member_info m;
		uint32_t a, natural, member_attr = 0;

		if (ebpfc_btf_member(d->btf, id, i, &m))
			continue;
		a = packed ? 1 : type_align(d, m.type_id, depth + 1);
		if (m.bitfield_size) {
			uint32_t unit = type_size(d, m.type_id) * 8;

			natural = cur;
			if (!packed && unit && cur / unit != (cur + m.bitfield_size - 1) / unit)
				natural = round_up(cur, unit);
			if (m.bit_offset > natural)
				put_padding(o, cur, m.bit_offset);
			put_member(d, o, i, &m, 0);
			cur = m.bit_offset + m.bitfield_size;
		} else {
			natural = round_up(cur, a * 8);
			if (m.bit_offset > natural) {
				uint32_t n;

				/* A gap a larger alignment explains: aligned(N) on the member. */
				for (n = a * 2; !packed && n <= MAX_ALIGN && m.bit_offset % 8 == 0; n *= 2) {
					if (round_up(cur, n * 8) > m.bit_offset)
						break;
					if (round_up(cur, n * 8) == m.bit_offset && t->size % n == 0) {
						member_attr = n;
						break;
					}
				}
				if (!member_attr)
					put_padding(o, cur, m.bit_offset);
			}
			put_member(d, o, i, &m, member_attr);
			cur = m.bit_offset + type_size(d, m.type_id) * 8;
			if (member_attr > a)
				a = member_attr;
		}
		if (a > a_max)
			a_max = a;
	}
	if (round_up(cur, a_max * 8) < size_bits) {
		for (uint32_t n = a_max * 2; n <= MAX_ALIGN && size_bits % (n * 8) == 0; n *= 2) {
			if (round_up(cur, n * 8) == size_bits) {
				*attr = n;
				a_max = n;
				break;
			}
		}
		if (!*attr)
			put_padding(o, cur, size_bits);
	}
	return a_max;
}

/* Does a struct need packing: a misaligned member, a straddling bitfield, an odd size? */
static bool struct_is_packed(struct ebpfc_btf_dump *d, uint32_t id, int depth)
{
	const struct btf_type *t = type_of(d, id);
	uint32_t a_max = 1;

	for (uint32_t i = 0; i < ebpfc_btf_vlen(t); i++) {
		struct ebpfc_btf_member_info m;
		uint32_t a;

		if (ebpfc_btf_member(d->btf, id, i, &m))
			continue;
		a = type_align(d, m.type_id, depth + 1);
		if (m.bitfield_size) {
			uint32_t unit = type_size(d, m.type_id) * 8;

			if (unit && m.bit_offset / unit !=
					    (m.bit_offset + m.bitfield_size - 1) / unit)
				return true;
		} else if (m.bit_offset % (a * 8)) {
			return true;
		}
		if (a > a_max)
			a_max = a;
	}
	return t->size % a_max != 0;
}

static void layout(struct ebpfc_btf_dump *d, uint32_t id, int depth)
{
	const struct btf_type *t = type_of(d, id);
	uint32_t a, attr = 0;

	if (d->state[id] & (ST_LAYOUT | ST_LAYOUT_BUSY))
		return;
	if (depth > MAX_DEPTH) {
		fail(d, -ELOOP, "BTF dump: type [%u] nests deeper than %d levels", id, MAX_DEPTH);
		return;
	}
	d->state[id] |= ST_LAYOUT_BUSY;	/* a by-value cycle (hostile BTF) ends here */
	if (ebpfc_btf_kind(t) == BTF_KIND_STRUCT) {
		bool packed = struct_is_packed(d, id, depth);

		if (packed)
			d->state[id] |= ST_PACKED;
		a = struct_walk(d, id, packed, depth, NULL, &attr);
	} else {
		uint32_t max_sz = 0;

		a = 1;
		for (uint32_t i = 0; i < ebpfc_btf_vlen(t); i++) {
			struct ebpfc_btf_member_info m;
			uint32_t ma, msz;

			if (ebpfc_btf_member(d->btf, id, i, &m))
				continue;
			ma = type_align(d, m.type_id, depth + 1);
			msz = m.bitfield_size ? (m.bitfield_size + 7) / 8 : type_size(d, m.type_id);
			if (ma > a)
				a = ma;
			if (msz > max_sz)
				max_sz = msz;
		}
		if (t->size % a) {
			d->state[id] |= ST_PACKED;
			a = 1;
		} else if (round_up(max_sz, a) < t->size) {
			for (uint32_t n = a * 2; n <= MAX_ALIGN && t->size % n == 0; n *= 2) {
				if (round_up(max_sz, n) == t->size) {
					attr = n;
					a = n;
					break;
				}
			}
		}
	}
	d->align[id] = (uint16_t)a;
	d->attr_align[id] = (uint16_t)attr;
	d->state[id] = (uint8_t)((d->state[id] & ~ST_LAYOUT_BUSY) | ST_LAYOUT);
}

/* ---- spelling --------------------------------------------------------------------- */

enum { Q_CONST = 1, Q_VOLATILE = 2, Q_RESTRICT = 4 };

#define SP_STRIP 1u
#define SP_CONST 2u

static void put_decl(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id, const char *declarator,
		     unsigned int lvl, unsigned int flags, int depth);
static void put_composite(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id, unsigned int lvl,
			  int depth);
static void put_enum(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id, unsigned int lvl);

/* Skip qualifiers and type tags: is a pointer next? */
static bool next_is_ptr(const struct ebpfc_btf_dump *d, uint32_t id)
{
	for (int i = 0; i < MAX_DEPTH; i++) {
		const struct btf_type *t = type_of(d, id);

		switch (ebpfc_btf_kind(t)) {
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			continue;
		case BTF_KIND_PTR:
			return true;
		default:
			return false;
		}
	}
	return false;
}

static void put_int_name(struct sb *out, const struct btf_type *t, const char *name)
{
	uint32_t enc = BTF_INT_ENCODING(ebpfc_btf_int_word(t));

	if (*name) {
		sb_puts(out, name);	/* "unsigned int", "long long int": not identifiers */
		return;
	}
	if (enc & BTF_INT_BOOL) {
		sb_puts(out, "_Bool");
		return;
	}
	if (!(enc & BTF_INT_SIGNED))
		sb_puts(out, "unsigned ");
	sb_puts(out, t->size == 1 ? "char" : t->size == 2 ? "short" : t->size == 8 ? "long long" :
		     t->size == 16 ? "__int128" : "int");
}

/* Printable BTF int and float names only: "unsigned int", "_Bool", never "x;y". */
static bool base_name_ok(const char *name)
{
	for (; *name; name++) {
		char c = *name;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == ' '))
			return false;
	}
	return true;
}

/* The type specifier a declarator is put after. */
static void put_base(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id, unsigned int lvl,
		     int depth)
{
	const struct btf_type *t = type_of(d, id);
	const char *name = raw_name(d, t->name_off);

	if (id == 0) {
		sb_puts(out, "void");
		return;
	}
	switch (ebpfc_btf_kind(t)) {
	case BTF_KIND_INT:
		put_int_name(out, t, base_name_ok(name) ? name : "");
		return;
	case BTF_KIND_FLOAT:
		if (*name && base_name_ok(name))
			sb_puts(out, name);
		else
			sb_puts(out, t->size == 4 ? "float" : t->size == 8 ? "double" : "long double");
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!*name) {
			put_composite(d, out, id, lvl, depth + 1);
			return;
		}
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!*name) {
			put_enum(d, out, id, lvl);
			return;
		}
		break;
	case BTF_KIND_TYPEDEF:
		put_type_name(d, out, id);
		return;
	case BTF_KIND_FWD:
		break;
	default:
		sb_puts(out, "void");	/* func, var, datasec, decl tag: no C type */
		return;
	}
	sb_puts(out, tag_keyword(type_of(d, d->canon[id])));
	sb_putn(out, " ", 1);
	put_type_name(d, out, id);
}

static void put_params(struct ebpfc_btf_dump *d, struct sb *D, uint32_t id, unsigned int lvl,
		       int depth)
{
	const struct btf_type *t = type_of(d, id);
	unsigned int n = ebpfc_btf_vlen(t);

	sb_putn(D, "(", 1);
	if (!n)
		sb_puts(D, "void");
	for (unsigned int i = 0; i < n; i++) {
		const struct btf_param *p = &ebpfc_btf_params(t)[i];

		if (i)
			sb_puts(D, ", ");
		if (p->type == 0 && i == n - 1 && i > 0) {
			sb_puts(D, "...");
			break;
		}
		put_decl(d, D, p->type, "", lvl, 0, depth + 1);
	}
	sb_putn(D, ")", 1);
}

/*
 * Spell "<type> <declarator>": walk from the outermost type inwards,
 * growing the declarator around the name, until the base type.
 */
static void put_decl(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id, const char *declarator,
		     unsigned int lvl, unsigned int flags, int depth)
{
	struct sb D = { 0 }, tags = { 0 };
	bool strip = flags & SP_STRIP;
	unsigned int quals = 0;	/* for the base type, or for the elements of an array */
	unsigned int pquals = 0;	/* for the next pointer */

	sb_puts(&D, declarator);
	if (flags & SP_CONST) {
		if (next_is_ptr(d, id))
			pquals |= Q_CONST;
		else
			quals |= Q_CONST;
	}
	for (;; depth++) {
		const struct btf_type *t = type_of(d, id);
		unsigned int kind = ebpfc_btf_kind(t);
		bool done = false;

		if (depth > MAX_DEPTH) {
			fail(d, -ELOOP, "BTF dump: type [%u] nests deeper than %d levels", id,
			     MAX_DEPTH);
			break;
		}
		if (id == 0)
			break;
		switch (kind) {
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			if (strip)
				break;
			/* Before a pointer it qualifies the pointer: "*const p". */
			*(next_is_ptr(d, t->type) ? &pquals : &quals) |=
				kind == BTF_KIND_CONST ? Q_CONST :
				kind == BTF_KIND_VOLATILE ? Q_VOLATILE : Q_RESTRICT;
			break;
		case BTF_KIND_TYPE_TAG: {
			struct sb w = { 0 };

			sb_puts(&w, "__ebpfc_type_tag(");
			put_c_string(&w, raw_name(d, t->name_off));
			sb_puts(&w, ")");
			if (next_is_ptr(d, t->type)) {
				if (D.len)
					sb_putn(&w, " ", 1);
				sb_prepend(&D, w.s ? w.s : "");
			} else {
				sb_putn(&tags, " ", 1);
				sb_puts(&tags, w.s ? w.s : "");
			}
			sb_free(&w);
			break;
		}
		case BTF_KIND_PTR:
			/* Qualifiers of an array land on its elements: here, a pointer. */
			pquals |= quals;
			if (pquals & Q_RESTRICT)
				sb_prepend(&D, D.len ? "restrict " : "restrict");
			if (pquals & Q_VOLATILE)
				sb_prepend(&D, D.len ? "volatile " : "volatile");
			if (pquals & Q_CONST)
				sb_prepend(&D, D.len ? "const " : "const");
			quals = pquals = 0;
			sb_prepend(&D, "*");
			strip = false;
			break;
		case BTF_KIND_ARRAY:
			if (D.len && D.s[0] == '*') {
				sb_prepend(&D, "(");
				sb_putn(&D, ")", 1);
			}
			sb_printf(&D, "[%u]", ebpfc_btf_array(t)->nelems);
			id = ebpfc_btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (D.len && D.s[0] == '*') {
				sb_prepend(&D, "(");
				sb_putn(&D, ")", 1);
			}
			put_params(d, &D, id, lvl, depth);
			strip = false;
			quals = 0;	/* a qualified function type means nothing */
			break;
		case BTF_KIND_FUNC:
			break;	/* its prototype */
		default:
			done = true;
		}
		if (done)
			break;
		id = t->type;
	}
	if (quals & Q_CONST)
		sb_puts(out, "const ");
	if (quals & Q_VOLATILE)
		sb_puts(out, "volatile ");
	if (quals & Q_RESTRICT)
		sb_puts(out, "restrict ");
	put_base(d, out, id, lvl, depth);
	if (tags.len)
		sb_puts(out, tags.s);
	if (D.len) {
		sb_putn(out, " ", 1);
		sb_puts(out, D.s);
	}
	if (D.oom || tags.oom)
		out->oom = true;
	sb_free(&D);
	sb_free(&tags);
}

static bool is_anon_composite(const struct ebpfc_btf_dump *d, uint32_t id)
{
	const struct btf_type *t = type_of(d, id);

	return ebpfc_btf_is_composite(t) && !t->name_off;
}

static void put_member(struct ebpfc_btf_dump *d, struct lay_out *o, uint32_t idx,
		       const struct ebpfc_btf_member_info *m, uint32_t align_attr)
{
	struct sb name = { 0 };

	if (!o || !o->lines)
		return;
	if (*m->name)
		put_ident(&name, m->name);
	else if (!is_anon_composite(d, m->type_id) && !m->bitfield_size)
		sb_printf(&name, "__anon_%u", idx);	/* C wants a name here */
	else
		sb_puts(&name, "");
	sb_indent(o->lines, o->lvl + 1);
	put_decl(d, o->lines, m->type_id, name.s ? name.s : "", o->lvl + 1, 0, o->depth + 1);
	if (m->bitfield_size)
		sb_printf(o->lines, ": %u", m->bitfield_size);
	if (align_attr)
		sb_printf(o->lines, " __attribute__((aligned(%u)))", align_attr);
	sb_puts(o->lines, ";\n");
	if (name.oom)
		o->lines->oom = true;
	sb_free(&name);
}

static void put_attrs(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id)
{
	if (d->state[id] & ST_PACKED)
		sb_puts(out, " __attribute__((packed))");
	if (d->attr_align[id])
		sb_printf(out, " __attribute__((aligned(%u)))", d->attr_align[id]);
}

/* "struct name {" ... "}" with attributes; no ';'. */
static void put_composite(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id, unsigned int lvl,
			  int depth)
{
	const struct btf_type *t = type_of(d, id);
	bool is_struct = ebpfc_btf_kind(t) == BTF_KIND_STRUCT;
	struct lay_out o = { out, lvl, depth };
	uint32_t attr;

	layout(d, id, depth);
	sb_puts(out, is_struct ? "struct" : "union");
	if (t->name_off) {
		sb_putn(out, " ", 1);
		put_type_name(d, out, id);
	}
	if (!ebpfc_btf_vlen(t) && !t->size) {
		sb_puts(out, " {}");
		put_attrs(d, out, id);
		return;
	}
	sb_puts(out, " {\n");
	if (is_struct) {
		struct_walk(d, id, d->state[id] & ST_PACKED, depth, &o, &attr);
	} else {
		for (uint32_t i = 0; i < ebpfc_btf_vlen(t); i++) {
			struct ebpfc_btf_member_info m;

			if (!ebpfc_btf_member(d->btf, id, i, &m))
				put_member(d, &o, i, &m, 0);
		}
	}
	sb_indent(out, lvl);
	sb_putn(out, "}", 1);
	put_attrs(d, out, id);
}

static void put_enum_value(struct ebpfc_btf_dump *d, struct sb *out,
			   const struct ebpfc_btf_enum_value *v, uint32_t size, bool is64)
{
	int64_t s = (int64_t)v->value;

	if (v->is_signed) {
		if (s == INT64_MIN)
			sb_puts(out, "(-9223372036854775807LL - 1)");
		else if (s < INT32_MIN || s > INT32_MAX)
			sb_printf(out, "%" PRId64 "LL", s);
		else
			sb_printf(out, "%" PRId64, s);
		return;
	}
	(void)d;
	if (!is64 && size <= 4)
		sb_printf(out, "%" PRIu64 "%s", v->value & 0xffffffffu,
			  (v->value & 0xffffffffu) > INT32_MAX ? "U" : "");
	else
		sb_printf(out, "%" PRIu64 "%s", v->value, v->value > INT32_MAX ? "ULL" : "");
}

/* The size a compiler gives an enum with these values. */
static uint32_t enum_natural_size(struct ebpfc_btf_dump *d, uint32_t id)
{
	const struct btf_type *t = type_of(d, id);
	bool neg = false, over_int = false;

	for (uint32_t i = 0; i < ebpfc_btf_vlen(t); i++) {
		struct ebpfc_btf_enum_value v;

		if (ebpfc_btf_enum_value(d->btf, id, i, &v))
			continue;
		if (v.is_signed && (int64_t)v.value < 0) {
			if ((int64_t)v.value < INT32_MIN)
				return 8;
			neg = true;
		} else if (v.value > UINT32_MAX) {
			return 8;
		} else if (v.value > INT32_MAX) {
			over_int = true;
		}
	}
	/* int, or unsigned int; both sizes 4 unless one value needs each. */
	return neg && over_int ? 8 : 4;
}

/* "enum name {" ... "}"; empty enums (forward declarations) as "enum name". */
static void put_enum(struct ebpfc_btf_dump *d, struct sb *out, uint32_t id, unsigned int lvl)
{
	const struct btf_type *t = type_of(d, id);
	bool is64 = ebpfc_btf_kind(t) == BTF_KIND_ENUM64;
	uint32_t n = ebpfc_btf_vlen(t);

	sb_puts(out, "enum");
	if (n && t->size != enum_natural_size(d, id)) {
		const char *mode = t->size == 1 ? "QI" : t->size == 2 ? "HI" :
				   t->size == 4 ? "SI" : t->size == 8 ? "DI" : NULL;

		if (mode)
			sb_printf(out, " __attribute__((mode(%s)))", mode);
	}
	if (t->name_off) {
		sb_putn(out, " ", 1);
		put_type_name(d, out, id);
	}
	if (!n)
		return;
	sb_puts(out, " {\n");
	for (uint32_t i = 0; i < n; i++) {
		struct ebpfc_btf_enum_value v;

		if (ebpfc_btf_enum_value(d->btf, id, i, &v))
			continue;
		sb_indent(out, lvl + 1);
		put_ident(out, v.name);
		put_dup(out, d->enum_dup[d->enum_base[id] + i]);
		sb_puts(out, " = ");
		put_enum_value(d, out, &v, t->size, is64);
		sb_puts(out, ",\n");
	}
	sb_indent(out, lvl);
	sb_putn(out, "}", 1);
}

/* ---- order ------------------------------------------------------------------------ */

static int flush(struct ebpfc_btf_dump *d)
{
	int err;

	if (d->out.oom)
		return fail(d, -ENOMEM, "BTF dump: out of memory");
	if (!d->out.len || d->err)
		return d->err;
	err = d->write(d->user, d->out.s, d->out.len);
	d->out.len = 0;
	if (err)
		return fail(d, err < 0 ? err : -EIO, "BTF dump: writing the output failed: %s",
			    ebpfc_strerror(err < 0 ? err : -EIO));
	return 0;
}

static const char type_tag_prelude[] =
	"#ifndef __ebpfc_type_tag\n"
	"#ifdef __has_attribute\n"
	"#if __has_attribute(btf_type_tag)\n"
	"#define __ebpfc_type_tag(x) __attribute__((btf_type_tag(x)))\n"
	"#endif\n"
	"#endif\n"
	"#ifndef __ebpfc_type_tag\n"
	"#define __ebpfc_type_tag(x)\n"
	"#endif\n"
	"#endif\n\n";

/* Before the first line: what spellings may use. */
static void start(struct ebpfc_btf_dump *d)
{
	if (d->started)
		return;
	d->started = true;
	if (d->has_type_tags)
		sb_puts(&d->out, type_tag_prelude);
}

static void ensure_defined(struct ebpfc_btf_dump *d, uint32_t id, int depth);

static void ensure_declared(struct ebpfc_btf_dump *d, uint32_t id)
{
	const struct btf_type *t;

	id = d->canon[id];
	if (d->state[id] & (ST_DECLARED | ST_DEFINED))
		return;
	t = type_of(d, id);
	if (ebpfc_btf_is_any_enum(t)) {
		ensure_defined(d, id, 0);	/* no forward declarations of enums in C */
		return;
	}
	start(d);
	sb_puts(&d->out, tag_keyword(t));
	sb_putn(&d->out, " ", 1);
	put_type_name(d, &d->out, id);
	sb_puts(&d->out, ";\n\n");
	d->state[id] |= ST_DECLARED;
}

/*
 * Make sure what spelling type id needs is out: full definitions of what
 * it holds by value (full), declarations of what it only points to.
 */
static void walk_deps(struct ebpfc_btf_dump *d, uint32_t id, bool full, int depth)
{
	for (; depth < MAX_DEPTH; depth++) {
		const struct btf_type *t = type_of(d, id);

		if (id == 0 || d->err)
			return;
		switch (ebpfc_btf_kind(t)) {
		case BTF_KIND_PTR:
			full = false;
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			full = true;
			id = ebpfc_btf_array(t)->type;
			continue;
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_FUNC:
			id = t->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++)
				walk_deps(d, ebpfc_btf_params(t)[i].type, false, depth + 1);
			full = false;
			id = t->type;
			continue;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (!t->name_off) {
				/* Spelled inline: what its members need, it needs. */
				for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++)
					walk_deps(d, ebpfc_btf_members(t)[i].type, true, depth + 1);
			} else if (full) {
				ensure_defined(d, id, depth + 1);
			} else {
				ensure_declared(d, id);
			}
			return;
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if (t->name_off)
				ensure_defined(d, d->canon[id], depth + 1);
			return;
		case BTF_KIND_FWD:
			if (full && d->canon[id] != id)
				ensure_defined(d, d->canon[id], depth + 1);
			else
				ensure_declared(d, id);
			return;
		case BTF_KIND_TYPEDEF:
			ensure_defined(d, id, depth + 1);
			if (!full)
				return;
			id = t->type;
			continue;
		default:
			return;
		}
	}
	fail(d, -ELOOP, "BTF dump: type [%u] nests deeper than %d levels", id, MAX_DEPTH);
}

/* A typedef of a named struct or union declares the tag itself. */
static void typedef_declares(struct ebpfc_btf_dump *d, uint32_t id)
{
	const struct btf_type *t = type_of(d, type_of(d, id)->type);

	if ((ebpfc_btf_is_composite(t) || ebpfc_btf_kind(t) == BTF_KIND_FWD) && t->name_off)
		d->state[d->canon[type_of(d, id)->type]] |= ST_DECLARED;
}

static void ensure_defined(struct ebpfc_btf_dump *d, uint32_t id, int depth)
{
	const struct btf_type *t = type_of(d, id);
	unsigned int kind = ebpfc_btf_kind(t);

	if (d->state[id] & (ST_DEFINED | ST_DEFINING) || d->err)
		return;
	if (depth > MAX_DEPTH) {
		fail(d, -ELOOP, "BTF dump: type [%u] nests deeper than %d levels", id, MAX_DEPTH);
		return;
	}
	d->state[id] |= ST_DEFINING;
	switch (kind) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++)
			walk_deps(d, ebpfc_btf_members(t)[i].type, true, depth + 1);
		layout(d, id, depth);
		start(d);
		put_composite(d, &d->out, id, 0, depth);
		sb_puts(&d->out, ";\n\n");
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		start(d);
		put_enum(d, &d->out, id, 0);
		sb_puts(&d->out, ";\n\n");
		break;
	case BTF_KIND_TYPEDEF: {
		struct sb name = { 0 };

		typedef_declares(d, id);
		walk_deps(d, t->type, false, depth + 1);
		start(d);
		put_type_name(d, &name, id);
		sb_puts(&d->out, "typedef ");
		put_decl(d, &d->out, t->type, name.s ? name.s : "", 0, 0, depth);
		sb_puts(&d->out, ";\n\n");
		sb_free(&name);
		break;
	}
	case BTF_KIND_FWD:
		ensure_declared(d, id);
		break;
	default:
		break;
	}
	d->state[id] = (uint8_t)((d->state[id] & ~ST_DEFINING) | ST_DEFINED | ST_DECLARED);
}

/* ---- API ------------------------------------------------------------------------------ */

/* What the written types use: anonymous enums nothing uses are written on their own. */
static void mark_referenced(struct ebpfc_btf_dump *d)
{
	for (uint32_t id = 1; id < d->cnt; id++) {
		const struct btf_type *t = type_of(d, id);
		unsigned int kind = ebpfc_btf_kind(t);

		switch (kind) {
		case BTF_KIND_PTR:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			d->state[t->type] |= ST_REFERENCED;
			break;
		case BTF_KIND_ARRAY:
			d->state[ebpfc_btf_array(t)->type] |= ST_REFERENCED;
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++)
				d->state[ebpfc_btf_members(t)[i].type] |= ST_REFERENCED;
			break;
		case BTF_KIND_FUNC_PROTO:
			d->state[t->type] |= ST_REFERENCED;
			for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++)
				d->state[ebpfc_btf_params(t)[i].type] |= ST_REFERENCED;
			break;
		default:
			break;
		}
		if (kind == BTF_KIND_TYPE_TAG)
			d->has_type_tags = true;
	}
}

EBPFC_API int ebpfc_btf_dump_new(const struct ebpfc_btf *btf, ebpfc_btf_dump_write_fn write,
				 void *user, const struct ebpfc_btf_dump_opts *opts,
				 struct ebpfc_btf_dump **dp)
{
	struct ebpfc_btf_dump *d;
	int err;

	if (!dp)
		return ebpfc__err(EINVAL, "ebpfc_btf_dump_new: no place for the dumper");
	*dp = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_btf_dump_opts);
	if (err)
		return err;
	if (!btf || !write)
		return ebpfc__err(EINVAL, "ebpfc_btf_dump_new: %s is NULL", btf ? "write" : "btf");
	d = calloc(1, sizeof(*d));
	if (!d)
		return ebpfc__err(ENOMEM, "BTF dump: out of memory");
	d->btf = btf;
	d->write = write;
	d->user = user;
	d->cnt = ebpfc_btf_type_cnt(btf);
	d->state = calloc(d->cnt, sizeof(*d->state));
	d->align = calloc(d->cnt, sizeof(*d->align));
	d->attr_align = calloc(d->cnt, sizeof(*d->attr_align));
	d->dup = calloc(d->cnt, sizeof(*d->dup));
	d->canon = calloc(d->cnt, sizeof(*d->canon));
	d->enum_base = calloc(d->cnt, sizeof(*d->enum_base));
	if (!d->state || !d->align || !d->attr_align || !d->dup || !d->canon || !d->enum_base) {
		ebpfc_btf_dump_destroy(d);
		return ebpfc__err(ENOMEM, "BTF dump: out of memory for %u types", d->cnt);
	}
	err = assign_names(d);
	if (err) {
		ebpfc_btf_dump_destroy(d);
		return err;
	}
	mark_referenced(d);
	/*
	 * Compiler built-ins (__builtin_va_list) are the compiler's own, and
	 * differ between the one that built the kernel and the reader's.
	 */
	for (uint32_t id = 1; id < d->cnt; id++) {
		const struct btf_type *t = type_of(d, id);

		if (ebpfc_btf_kind(t) == BTF_KIND_TYPEDEF &&
		    !strncmp(raw_name(d, t->name_off), "__builtin_", 10))
			d->state[id] |= ST_DEFINED | ST_DECLARED;
	}
	*dp = d;
	return 0;
}

EBPFC_API void ebpfc_btf_dump_destroy(struct ebpfc_btf_dump *d)
{
	if (!d)
		return;
	free(d->state);
	free(d->align);
	free(d->attr_align);
	free(d->dup);
	free(d->canon);
	free(d->enum_base);
	free(d->enum_dup);
	sb_free(&d->out);
	free(d);
}

static int check_id(struct ebpfc_btf_dump *d, uint32_t id, const char *fn)
{
	if (!d)
		return ebpfc__err(EINVAL, "%s: the dumper is NULL", fn);
	if (id >= d->cnt)
		return ebpfc__err(ENOENT, "%s: no type [%u] (the BTF has %u)", fn, id, d->cnt);
	return 0;
}

static int dump_one(struct ebpfc_btf_dump *d, uint32_t id)
{
	const struct btf_type *t;

	if (d->err)
		return d->err;
	t = type_of(d, id);
	switch (ebpfc_btf_kind(t)) {
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC:
	case BTF_KIND_FUNC:
	case BTF_KIND_DECL_TAG:
		return ebpfc__err(EINVAL, "ebpfc_btf_dump_type: type [%u] is a %s, not a C type", id,
				  ebpfc_btf_kind_str(ebpfc_btf_kind(t)));
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (t->name_off) {
			ensure_defined(d, d->canon[id], 0);
		} else if (!(d->state[id] & ST_DEFINED)) {
			start(d);
			put_enum(d, &d->out, id, 0);
			sb_puts(&d->out, ";\n\n");
			d->state[id] |= ST_DEFINED;
		}
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_TYPEDEF:
		if (t->name_off) {
			ensure_defined(d, id, 0);
			break;
		}
		walk_deps(d, id, true, 0);
		break;
	case BTF_KIND_FWD:
		ensure_declared(d, id);
		break;
	default:
		walk_deps(d, id, true, 0);
	}
	return d->err;
}

EBPFC_API int ebpfc_btf_dump_type(struct ebpfc_btf_dump *d, uint32_t id)
{
	int err = check_id(d, id, "ebpfc_btf_dump_type");

	if (err)
		return err;
	err = dump_one(d, id);
	return err ? err : flush(d);
}

EBPFC_API int ebpfc_btf_dump_assume_defined(struct ebpfc_btf_dump *d, uint32_t id)
{
	int err = check_id(d, id, "ebpfc_btf_dump_assume_defined");

	if (err)
		return err;
	d->state[d->canon[id]] |= ST_DEFINED | ST_DECLARED;
	d->state[id] |= ST_DEFINED | ST_DECLARED;
	return 0;
}

EBPFC_API int ebpfc_btf_dump_decl(struct ebpfc_btf_dump *d, uint32_t id, const char *declarator,
				  const struct ebpfc_btf_dump_decl_opts *opts, char *buf,
				  size_t size)
{
	struct sb out = { 0 };
	unsigned int flags = 0;
	int err = check_id(d, id, "ebpfc_btf_dump_decl");

	if (err)
		return err;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_btf_dump_decl_opts);
	if (err)
		return err;
	if (!buf && size)
		return ebpfc__err(EINVAL, "ebpfc_btf_dump_decl: buf is NULL");
	if (EBPFC__OPT(opts, strip_mods, false))
		flags |= SP_STRIP;
	if (EBPFC__OPT(opts, add_const, false))
		flags |= SP_CONST;
	put_decl(d, &out, id, declarator ? declarator : "", EBPFC__OPT(opts, indent, 0u), flags, 0);
	if (out.oom) {
		sb_free(&out);
		return ebpfc__err(ENOMEM, "ebpfc_btf_dump_decl: out of memory");
	}
	if (out.len > INT32_MAX) {
		sb_free(&out);
		return ebpfc__err(E2BIG, "ebpfc_btf_dump_decl: declaration too long");
	}
	if (size) {
		size_t n = out.len < size ? out.len : size - 1;

		memcpy(buf, out.s ? out.s : "", n);
		buf[n] = '\0';
	}
	err = (int)out.len;
	sb_free(&out);
	return err;
}

static int write_str(ebpfc_btf_dump_write_fn write, void *user, const char *s)
{
	int err = write(user, s, strlen(s));

	if (err)
		return ebpfc__err(err < 0 ? err : -EIO, "BTF dump: writing the output failed: %s",
				  ebpfc_strerror(err < 0 ? err : -EIO));
	return 0;
}

/* The whole BTF, as a header. */
EBPFC_API int ebpfc_btf_dump_c(const struct ebpfc_btf *btf, const struct ebpfc_btf_dump_opts *opts,
			       ebpfc_btf_dump_write_fn write, void *user)
{
	const char *guard, *comment;
	struct ebpfc_btf_dump *d;
	struct sb head = { 0 };
	bool core;
	int err;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_btf_dump_opts);
	if (err)
		return err;
	guard = EBPFC__OPT(opts, guard, (const char *)NULL);
	if (!guard)
		guard = "__VMLINUX_H__";
	comment = EBPFC__OPT(opts, comment, (const char *)NULL);
	core = !EBPFC__OPT(opts, no_core, false);
	err = ebpfc_btf_dump_new(btf, write, user, opts, &d);
	if (err)
		return err;

	if (comment) {
		sb_puts(&head, "/* ");
		for (const char *p = comment; *p; p++)	/* no early end of the comment */
			sb_putn(&head, (*p == '*' && p[1] == '/') || *p == '\n' ? " " : p, 1);
		sb_puts(&head, " */\n\n");
	}
	if (*guard) {
		sb_puts(&head, "#ifndef ");
		put_ident(&head, guard);
		sb_puts(&head, "\n#define ");
		put_ident(&head, guard);
		sb_puts(&head, "\n\n");
	}
	if (core)
		sb_puts(&head, "#if !defined(BPF_NO_PRESERVE_ACCESS_INDEX) && defined(__clang__) && defined(__bpf__)\n"
			       "#pragma clang attribute push (__attribute__((preserve_access_index)), "
			       "apply_to = record)\n#endif\n\n");
	if (head.oom) {
		err = ebpfc__err(ENOMEM, "BTF dump: out of memory");
		goto out;
	}
	if (head.len) {
		err = write_str(write, user, head.s);
		if (err)
			goto out;
	}

	for (uint32_t id = ebpfc_btf_start_id(btf); id < d->cnt && !err; id++) {
		const struct btf_type *t = type_of(d, id);

		switch (ebpfc_btf_kind(t)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (t->name_off)
				err = dump_one(d, id);
			break;
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if (t->name_off || !(d->state[id] & ST_REFERENCED))
				err = dump_one(d, id);
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_FWD:
			err = dump_one(d, id);
			break;
		default:
			break;
		}
		if (!err && d->out.len >= FLUSH_AT)
			err = flush(d);
	}
	if (!err)
		err = flush(d);
	if (err)
		goto out;

	head.len = 0;
	if (core)
		sb_puts(&head, "#if !defined(BPF_NO_PRESERVE_ACCESS_INDEX) && defined(__clang__) && defined(__bpf__)\n"
			       "#pragma clang attribute pop\n#endif\n\n");
	if (*guard) {
		sb_puts(&head, "#endif /* ");
		put_ident(&head, guard);
		sb_puts(&head, " */\n");
	}
	if (head.oom)
		err = ebpfc__err(ENOMEM, "BTF dump: out of memory");
	else if (head.len)
		err = write_str(write, user, head.s);
out:
	sb_free(&head);
	ebpfc_btf_dump_destroy(d);
	return err;
}

/* ---- raw -------------------------------------------------------------------------- */

static void put_raw_name(struct sb *b, const char *name)
{
	sb_putn(b, "'", 1);
	if (!*name)
		sb_puts(b, "(anon)");
	for (; *name; name++)
		sb_putn(b, *name >= 0x20 && *name < 0x7f && *name != '\'' ? name : "?", 1);
	sb_putn(b, "'", 1);
}

static const char *int_encoding(uint32_t enc)
{
	if (enc & BTF_INT_SIGNED)
		return "SIGNED";
	if (enc & BTF_INT_CHAR)
		return "CHAR";
	if (enc & BTF_INT_BOOL)
		return "BOOL";
	return "(none)";
}

static const char *linkage_str(uint32_t l)
{
	return l == 0 ? "static" : l == 1 ? "global" : l == 2 ? "extern" : "unknown";
}

static void raw_type(const struct ebpfc_btf *btf, uint32_t id, const struct btf_type *t,
		     struct sb *b)
{
	unsigned int kind = ebpfc_btf_kind(t), n = ebpfc_btf_vlen(t);
	const char *kname = ebpfc_btf_kind_str(kind);

	sb_printf(b, "[%u] ", id);
	for (const char *p = kname; *p; p++) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;

		sb_putn(b, c == ' ' ? "_" : &c, 1);
	}
	sb_putn(b, " ", 1);
	put_raw_name(b, ebpfc_btf_name(btf, t->name_off));
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t w = ebpfc_btf_int_word(t);

		sb_printf(b, " size=%u bits_offset=%u nr_bits=%u encoding=%s\n", t->size,
			  BTF_INT_OFFSET(w), BTF_INT_BITS(w), int_encoding(BTF_INT_ENCODING(w)));
		break;
	}
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		sb_printf(b, " type_id=%u\n", t->type);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = ebpfc_btf_array(t);

		sb_printf(b, " type_id=%u index_type_id=%u nr_elems=%u\n", a->type, a->index_type,
			  a->nelems);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		sb_printf(b, " size=%u vlen=%u\n", t->size, n);
		for (unsigned int i = 0; i < n; i++) {
			struct ebpfc_btf_member_info m;

			if (ebpfc_btf_member(btf, id, i, &m))
				continue;
			sb_putn(b, "\t", 1);
			put_raw_name(b, m.name);
			sb_printf(b, " type_id=%u bits_offset=%u", m.type_id, m.bit_offset);
			if (m.bitfield_size)
				sb_printf(b, " bitfield_size=%u", m.bitfield_size);
			sb_putn(b, "\n", 1);
		}
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		sb_printf(b, " encoding=%s size=%u vlen=%u\n",
			  ebpfc_btf_kflag(t) ? "SIGNED" : "UNSIGNED", t->size, n);
		for (unsigned int i = 0; i < n; i++) {
			struct ebpfc_btf_enum_value v;

			if (ebpfc_btf_enum_value(btf, id, i, &v))
				continue;
			sb_putn(b, "\t", 1);
			put_raw_name(b, v.name);
			if (v.is_signed)
				sb_printf(b, " val=%" PRId64 "\n", (int64_t)v.value);
			else
				sb_printf(b, " val=%" PRIu64 "\n", v.value);
		}
		break;
	case BTF_KIND_FWD:
		sb_printf(b, " fwd_kind=%s\n", ebpfc_btf_kflag(t) ? "union" : "struct");
		break;
	case BTF_KIND_FUNC:
		sb_printf(b, " type_id=%u linkage=%s\n", t->type, linkage_str(n));
		break;
	case BTF_KIND_FUNC_PROTO:
		sb_printf(b, " ret_type_id=%u vlen=%u\n", t->type, n);
		for (unsigned int i = 0; i < n; i++) {
			const struct btf_param *p = &ebpfc_btf_params(t)[i];

			sb_putn(b, "\t", 1);
			put_raw_name(b, ebpfc_btf_name(btf, p->name_off));
			sb_printf(b, " type_id=%u\n", p->type);
		}
		break;
	case BTF_KIND_VAR:
		sb_printf(b, " type_id=%u, linkage=%s\n", t->type,
			  linkage_str(ebpfc_btf_var(t)->linkage));
		break;
	case BTF_KIND_DATASEC:
		sb_printf(b, " size=%u vlen=%u\n", t->size, n);
		for (unsigned int i = 0; i < n; i++) {
			const struct btf_var_secinfo *s = &ebpfc_btf_secinfos(t)[i];
			const struct btf_type *vt;

			sb_printf(b, "\ttype_id=%u offset=%u size=%u", s->type, s->offset, s->size);
			if (!ebpfc_btf_type_by_id(btf, s->type, &vt)) {
				char k[32];

				snprintf(k, sizeof(k), " (%s ", ebpfc_btf_kind(vt) == BTF_KIND_VAR ?
							"VAR" : "FUNC");
				sb_puts(b, k);
				put_raw_name(b, ebpfc_btf_name(btf, vt->name_off));
				sb_putn(b, ")", 1);
			}
			sb_putn(b, "\n", 1);
		}
		break;
	case BTF_KIND_FLOAT:
		sb_printf(b, " size=%u\n", t->size);
		break;
	case BTF_KIND_DECL_TAG:
		sb_printf(b, " type_id=%u component_idx=%d\n", t->type,
			  ebpfc_btf_decl_tag(t)->component_idx);
		break;
	default:
		sb_putn(b, "\n", 1);
	}
}

EBPFC_API int ebpfc_btf_dump_raw(const struct ebpfc_btf *btf,
				 const struct ebpfc_btf_dump_opts *opts,
				 ebpfc_btf_dump_write_fn write, void *user)
{
	struct sb b = { 0 };
	uint32_t cnt;
	int err;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_btf_dump_opts);
	if (err)
		return err;
	if (!btf || !write)
		return ebpfc__err(EINVAL, "ebpfc_btf_dump_raw: %s is NULL", btf ? "write" : "btf");
	cnt = ebpfc_btf_type_cnt(btf);
	for (uint32_t id = ebpfc_btf_start_id(btf); id < cnt && !err; id++) {
		const struct btf_type *t;

		if (ebpfc_btf_type_by_id(btf, id, &t))
			break;
		raw_type(btf, id, t, &b);
		if (b.len >= FLUSH_AT || id + 1 == cnt) {
			if (b.oom) {
				err = ebpfc__err(ENOMEM, "BTF dump: out of memory");
				break;
			}
			err = write(user, b.s ? b.s : "", b.len);
			if (err)
				err = ebpfc__err(err < 0 ? err : -EIO,
						 "BTF dump: writing the output failed: %s",
						 ebpfc_strerror(err < 0 ? err : -EIO));
			b.len = 0;
		}
	}
	sb_free(&b);
	return err;
}
