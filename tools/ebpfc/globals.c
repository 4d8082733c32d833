/*
 * globals.c - the global variables of an object, enumerated from the
 * DATASEC types of its BTF (the library finds a variable by name but does
 * not list them), and a C-like spelling of BTF types for display.
 *
 * Shared by inspect and, later, the skeleton generator. It reads BTF only
 * through include/ebpfc/btf.h; it does not look at the ELF file.
 */
#include <errno.h>
#include <string.h>

#include "util.h"

/* .data, .rodata, .bss, or one of them followed by ".name". */
static bool is_data_section(const char *name)
{
	static const char *const bases[] = { ".data", ".rodata", ".bss" };

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		size_t n = strlen(bases[i]);

		if (!strncmp(name, bases[i], n) && (name[n] == '\0' || name[n] == '.'))
			return true;
	}
	return false;
}

/*
 * The variable's offset as the object's copy of the section has it. clang
 * leaves the DATASEC offsets of non-static variables at 0 for the loader
 * to fill in from the symbol table; while ebpfc_object_btf() hands the BTF
 * back as clang wrote it, the address ebpfc_object_global() gives is the
 * truth. Falls back to the BTF's offset when the name does not lead into
 * this section (two statics of the same name in different sections).
 */
static __u32 var_offset(const struct ebpfc_object *obj, const char *sec,
			const struct ebpfc_btf_var_info *vi)
{
	struct ebpfc_map *map;
	void *base, *addr;
	size_t sec_sz, sz;

	if (ebpfc_object_find_map(obj, sec, &map) ||
	    ebpfc_map_initial_value(map, &base, &sec_sz) ||
	    ebpfc_object_global(obj, vi->name, &addr, &sz))
		return vi->offset;
	if ((char *)addr < (char *)base || (char *)addr + sz > (char *)base + sec_sz)
		return vi->offset;
	return (__u32)((char *)addr - (char *)base);
}

static int datasec_foreach(const struct ebpfc_object *obj, const struct ebpfc_btf *btf,
			   __u32 id, const struct btf_type *sec, global_fn fn, void *user)
{
	const char *sec_name = ebpfc_btf_name(btf, sec->name_off);
	unsigned int n = ebpfc_btf_vlen(sec);

	for (unsigned int i = 0; i < n; i++) {
		struct ebpfc_btf_var_info vi;
		const struct btf_type *vt;
		struct global_var g;
		int err;

		if (ebpfc_btf_datasec_var(btf, id, i, &vi) ||
		    ebpfc_btf_type_by_id(btf, vi.type_id, &vt) ||
		    ebpfc_btf_kind(vt) != BTF_KIND_VAR)
			continue;	/* an extern function, not a variable */
		g = (struct global_var){
			.section = sec_name, .name = vi.name, .size = vi.size,
			.offset = var_offset(obj, sec_name, &vi), .type_id = vt->type,
			.is_static = ebpfc_btf_var(vt)->linkage == BTF_VAR_STATIC,
		};
		err = fn(btf, &g, user);
		if (err)
			return err;
	}
	return 0;
}

int globals_foreach(const struct ebpfc_object *obj, global_fn fn, void *user)
{
	const struct ebpfc_btf *btf;
	__u32 id, cnt;
	int err;

	err = ebpfc_object_btf(obj, &btf);
	if (err)
		return err;
	cnt = ebpfc_btf_type_cnt(btf);
	for (id = ebpfc_btf_start_id(btf); id < cnt; id++) {
		const struct btf_type *t;

		if (ebpfc_btf_type_by_id(btf, id, &t) || ebpfc_btf_kind(t) != BTF_KIND_DATASEC ||
		    !is_data_section(ebpfc_btf_name(btf, t->name_off)))
			continue;
		err = datasec_foreach(obj, btf, id, t, fn, user);
		if (err)
			return err;
	}
	return 0;
}

/* ---- type spelling ---------------------------------------------------------------- */

struct sbuf {
	char *buf;
	size_t size, len;
};

static void put(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + 1 >= b->size)
		return;
	if (n > b->size - 1 - b->len)
		n = b->size - 1 - b->len;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void put_type(const struct ebpfc_btf *btf, __u32 id, struct sbuf *b, int depth);

static const char *tag_word(unsigned int kind)
{
	switch (kind) {
	case BTF_KIND_STRUCT: return "struct ";
	case BTF_KIND_UNION: return "union ";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: return "enum ";
	default: return "";
	}
}

/* Arrays of arrays: the element's spelling, then every dimension in order. */
static void put_array(const struct ebpfc_btf *btf, const struct btf_type *t, struct sbuf *b,
		      int depth)
{
	char dims[128] = "", one[24];
	const struct btf_type *elem = t;
	__u32 elem_id = 0;

	while (ebpfc_btf_kind(elem) == BTF_KIND_ARRAY && depth++ < 16) {
		snprintf(one, sizeof(one), "[%u]", ebpfc_btf_array(elem)->nelems);
		strncat(dims, one, sizeof(dims) - strlen(dims) - 1);
		elem_id = ebpfc_btf_array(elem)->type;
		if (ebpfc_btf_type_by_id(btf, elem_id, &elem))
			break;
	}
	put_type(btf, elem_id, b, depth);
	put(b, dims);
}

static void put_type(const struct ebpfc_btf *btf, __u32 id, struct sbuf *b, int depth)
{
	const struct btf_type *t;
	unsigned int kind;
	const char *name;

	if (depth > 16 || ebpfc_btf_type_by_id(btf, id, &t)) {
		put(b, "?");
		return;
	}
	if (id == 0) {
		put(b, "void");
		return;
	}
	kind = ebpfc_btf_kind(t);
	name = ebpfc_btf_name(btf, t->name_off);
	switch (kind) {
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
		put(b, kind == BTF_KIND_CONST ? "const " :
		       kind == BTF_KIND_VOLATILE ? "volatile " : "restrict ");
		put_type(btf, t->type, b, depth + 1);
		return;
	case BTF_KIND_TYPE_TAG:
		put_type(btf, t->type, b, depth + 1);
		return;
	case BTF_KIND_PTR:
		put_type(btf, t->type, b, depth + 1);
		put(b, " *");
		return;
	case BTF_KIND_ARRAY:
		put_array(btf, t, b, depth);
		return;
	case BTF_KIND_FUNC_PROTO:
		put(b, "(function)");
		return;
	default:
		put(b, tag_word(kind));
		put(b, name && *name ? name : "(anon)");
	}
}

void btf_type_str(const struct ebpfc_btf *btf, __u32 id, char *buf, size_t size)
{
	struct sbuf b = { buf, size, 0 };

	if (!size)
		return;
	buf[0] = '\0';
	put_type(btf, id, &b, 0);
}
