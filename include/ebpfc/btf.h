/*
 * ebpfc/btf.h - reading BTF, the BPF Type Format: the kernel's own types
 * (/sys/kernel/btf/vmlinux and module BTF split on it) and the .BTF section
 * of a compiled BPF object.
 *
 * A BTF is kept as its raw bytes plus one offset per type; every accessor
 * hands back pointers into those bytes (the structs of <linux/btf.h>), so
 * nothing is copied and no type graph is built. Everything is validated when
 * it is opened, so a type returned by ebpfc_btf_type_by_id() can be read
 * without further bounds checks: its trailing records fit, its name offsets
 * and the type ids it names are in range.
 *
 * This header does not write or load BTF: building, fixing up and loading
 * into the kernel belong to the object and loading stages.
 */
#ifndef EBPFC_BTF_H
#define EBPFC_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/btf.h>
#include <ebpfc/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque; reference counted, released with ebpfc_btf_destroy(). */
struct ebpfc_btf;

struct ebpfc_btf_open_opts {
	size_t sz;
	/*
	 * Open as split BTF on this base (module BTF on vmlinux): type ids
	 * and string offsets continue where the base's end. The new BTF takes
	 * its own reference on the base, so the caller may destroy its handle
	 * to the base at any time.
	 */
	const struct ebpfc_btf *base;
	/*
	 * ebpfc_btf_open_mem() only: copy the bytes instead of borrowing them.
	 * Without it the caller must keep the buffer alive and unchanged until
	 * the BTF is destroyed (a buffer that is not 4-byte aligned is always
	 * copied).
	 */
	bool copy;
};

/*
 * Open BTF from memory: the raw format of /sys/kernel/btf/ files and of a
 * .BTF ELF section alike. Borrows `data` unless opts->copy is set. Returns 0
 * and sets *btf, or a negative errno (-EINVAL for malformed data, with the
 * reason in ebpfc_errmsg(); -EOPNOTSUPP for big-endian or newer-version BTF).
 */
EBPFC_API int ebpfc_btf_open_mem(const void *data, size_t size,
				 const struct ebpfc_btf_open_opts *opts, struct ebpfc_btf **btf);

/*
 * Open a raw BTF file, or the .BTF section of an ELF file (a vmlinux, or a
 * BPF object), copied out of it. A raw file is mapped read-only; files that
 * cannot be mapped (pipes, some procfs files) are read instead. A regular
 * raw file must not be truncated while the BTF is open. This is also the
 * way to get a private, unshared copy of the kernel's BTF:
 * ebpfc_btf_open_file("/sys/kernel/btf/vmlinux", NULL, &btf). -ENOENT for
 * an ELF file without .BTF.
 */
EBPFC_API int ebpfc_btf_open_file(const char *path, const struct ebpfc_btf_open_opts *opts,
				  struct ebpfc_btf **btf);

/*
 * The running kernel's BTF, /sys/kernel/btf/vmlinux. One instance is shared
 * by every caller in the process: each call returns a new reference to it
 * and each ebpfc_btf_destroy() drops one; the mapping goes away with the
 * last. Thread safe. -ENOENT when the kernel was built without BTF.
 */
EBPFC_API int ebpfc_btf_open_vmlinux(struct ebpfc_btf **btf);

/* Drop a reference; the last one frees the BTF. NULL is a no-op. */
EBPFC_API void ebpfc_btf_destroy(struct ebpfc_btf *btf);

/*
 * Number of type ids: valid ids are 0 (void) .. ebpfc_btf_type_cnt() - 1,
 * the base's included for split BTF.
 */
EBPFC_API uint32_t ebpfc_btf_type_cnt(const struct ebpfc_btf *btf);

/* First id this BTF defines itself: 1, or the base's type count when split. */
EBPFC_API uint32_t ebpfc_btf_start_id(const struct ebpfc_btf *btf);

/* The base of a split BTF, or NULL. No reference is taken. */
EBPFC_API const struct ebpfc_btf *ebpfc_btf_base(const struct ebpfc_btf *btf);

/*
 * The raw bytes (header, types, strings) of this BTF alone, without its
 * base. Valid while the BTF is open.
 */
EBPFC_API int ebpfc_btf_raw_data(const struct ebpfc_btf *btf, const void **data, size_t *size);

/*
 * The type with this id, pointing into the raw data (id 0 gives a static
 * all-zero "void" type). Its trailing records follow it in memory: see the
 * ebpfc_btf_members() family below. -ENOENT when id is out of range.
 */
EBPFC_API int ebpfc_btf_type_by_id(const struct ebpfc_btf *btf, uint32_t id,
				   const struct btf_type **type);

/*
 * The string at this offset (name_off of a type, member, parameter...),
 * looked up in the base for split BTF; "" for 0. NULL only when the offset
 * is outside every string section, which cannot happen for offsets read
 * from the types of an opened BTF.
 */
EBPFC_API const char *ebpfc_btf_name(const struct ebpfc_btf *btf, uint32_t name_off);

/* "struct", "typedef", ... for a BTF_KIND_ value; "unknown" past the last. */
EBPFC_API const char *ebpfc_btf_kind_str(unsigned int kind);

/*
 * Find the type named `name` of kind `kind` (BTF_KIND_STRUCT...; 0 matches
 * any kind) and set *id to the lowest such id, the base searched too. The
 * name index is built on the first lookup (thread safe) and kept; function
 * names have an index of their own, built only when a lookup of kind
 * BTF_KIND_FUNC or 0 first needs it (most kernel names are functions).
 * -ENOENT when there is none.
 */
EBPFC_API int ebpfc_btf_find(const struct ebpfc_btf *btf, const char *name, unsigned int kind,
			     uint32_t *id);

/*
 * Compare essential names: the name up to its last "X___Y" flavor
 * separator, so that "task_struct___old" matches "task_struct" and
 * "task_struct___new" (the CO-RE convention). Both the query and the
 * candidates are reduced.
 */
#define EBPFC_BTF_FIND_ESSENTIAL (1u << 0)

/*
 * Every type named `name` (kind 0: of any kind), lowest ids first. Writes
 * at most `cap` ids to `ids` (which may be NULL when cap is 0) and returns
 * how many there are in all, so a caller can size its array and retry.
 * Negative errno on bad arguments.
 */
EBPFC_API int ebpfc_btf_find_all(const struct ebpfc_btf *btf, const char *name, unsigned int kind,
				 unsigned int flags, uint32_t *ids, size_t cap);

/* Length of the essential part of a name (see EBPFC_BTF_FIND_ESSENTIAL). */
EBPFC_API size_t ebpfc_btf_essential_name_len(const char *name);

/*
 * Skip typedef, const, volatile, restrict and type_tag from `id` and set
 * *resolved to the first other type (void gives 0). -ELOOP if the chain
 * is longer than 32 (a reference loop in hostile BTF).
 */
EBPFC_API int ebpfc_btf_resolve(const struct ebpfc_btf *btf, uint32_t id, uint32_t *resolved);

/*
 * Size in bytes of the type `id` (through typedefs and modifiers; arrays
 * multiply; pointers are 8 bytes, BPF being a 64-bit target; var gives its
 * type's size). -EINVAL for void, fwd, func and func_proto, which have no
 * size; -E2BIG past 4 GiB.
 */
EBPFC_API int ebpfc_btf_resolve_size(const struct ebpfc_btf *btf, uint32_t id, uint32_t *size);

/*
 * Alignment in bytes of the type `id` as the compiler would lay it out:
 * scalars by their size up to 8, arrays by their element, structs and
 * unions by their strictest member, or 1 when packed.
 */
EBPFC_API int ebpfc_btf_align(const struct ebpfc_btf *btf, uint32_t id, uint32_t *align);

/* One struct or union member, with the kind_flag encoding undone. */
struct ebpfc_btf_member_info {
	const char *name;       /* "" for an anonymous struct or union member */
	uint32_t type_id;
	uint32_t bit_offset;    /* from the start of the enclosing struct */
	uint32_t bitfield_size; /* bits; 0 when the member is not a bitfield */
};

/*
 * Member `idx` of the struct or union `id`. Handles both bitfield encodings:
 * kind_flag set (size and offset packed in the member) and the older one
 * (an int type with its own bit count and offset). -EINVAL when the type is
 * not a struct or union, -ENOENT when idx >= vlen.
 */
EBPFC_API int ebpfc_btf_member(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
			       struct ebpfc_btf_member_info *member);

/*
 * Find a direct member by name; returns its index (>= 0) and fills *member
 * (which may be NULL), or -ENOENT. Members of anonymous inner structs are
 * not searched: look for them through the member whose name is "".
 */
EBPFC_API int ebpfc_btf_member_find(const struct ebpfc_btf *btf, uint32_t id, const char *name,
				    struct ebpfc_btf_member_info *member);

/* One enumerator of an enum or enum64. */
struct ebpfc_btf_enum_value {
	const char *name;
	/*
	 * The value's 64 bits; sign-extended when is_signed, so that
	 * (int64_t)value is the value of a signed enum.
	 */
	uint64_t value;
	bool is_signed; /* the enum's kind_flag */
};

/* Enumerator `idx` of the enum or enum64 `id`; -EINVAL/-ENOENT as above. */
EBPFC_API int ebpfc_btf_enum_value(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
				   struct ebpfc_btf_enum_value *value);

/* Find an enumerator by name; returns its index and fills *value (may be NULL). */
EBPFC_API int ebpfc_btf_enum_find(const struct ebpfc_btf *btf, uint32_t id, const char *name,
				  struct ebpfc_btf_enum_value *value);

/* One parameter of a function prototype. */
struct ebpfc_btf_param_info {
	const char *name;  /* "" when unnamed (prototypes of pointers to functions) */
	uint32_t type_id;  /* 0 for the "..." of a variadic function (always last) */
};

/*
 * Parameter `idx` of `id`, a func_proto or a func (whose prototype is
 * used). The count is ebpfc_btf_vlen() of the prototype.
 */
EBPFC_API int ebpfc_btf_param(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
			      struct ebpfc_btf_param_info *param);

/* One variable (or extern function) of a datasec. */
struct ebpfc_btf_var_info {
	const char *name;  /* the name of the var or func type */
	uint32_t type_id;  /* the var (or func) type's id, not the variable's type */
	uint32_t offset;   /* within the section */
	uint32_t size;
};

/* Entry `idx` of the datasec `id`. */
EBPFC_API int ebpfc_btf_datasec_var(const struct ebpfc_btf *btf, uint32_t id, uint32_t idx,
				    struct ebpfc_btf_var_info *var);

/*
 * Inline accessors of a struct btf_type (from ebpfc_btf_type_by_id) and
 * the records that follow it. They assume the right kind; the opened BTF
 * guarantees the records are there.
 */
static inline unsigned int ebpfc_btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}

static inline unsigned int ebpfc_btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

static inline bool ebpfc_btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info) != 0;
}

static inline bool ebpfc_btf_is_composite(const struct btf_type *t)
{
	return ebpfc_btf_kind(t) == BTF_KIND_STRUCT || ebpfc_btf_kind(t) == BTF_KIND_UNION;
}

static inline bool ebpfc_btf_is_any_enum(const struct btf_type *t)
{
	return ebpfc_btf_kind(t) == BTF_KIND_ENUM || ebpfc_btf_kind(t) == BTF_KIND_ENUM64;
}

/* typedef, volatile, const, restrict, type_tag: what ebpfc_btf_resolve skips. */
static inline bool ebpfc_btf_is_modifier(const struct btf_type *t)
{
	unsigned int k = ebpfc_btf_kind(t);

	return k == BTF_KIND_TYPEDEF || k == BTF_KIND_VOLATILE || k == BTF_KIND_CONST ||
	       k == BTF_KIND_RESTRICT || k == BTF_KIND_TYPE_TAG;
}

/* BTF_KIND_INT: the encoding word (BTF_INT_ENCODING/OFFSET/BITS). */
static inline uint32_t ebpfc_btf_int_word(const struct btf_type *t)
{
	return *(const uint32_t *)(const void *)(t + 1);
}

static inline const struct btf_array *ebpfc_btf_array(const struct btf_type *t)
{
	return (const struct btf_array *)(const void *)(t + 1);
}

static inline const struct btf_member *ebpfc_btf_members(const struct btf_type *t)
{
	return (const struct btf_member *)(const void *)(t + 1);
}

static inline const struct btf_enum *ebpfc_btf_enums(const struct btf_type *t)
{
	return (const struct btf_enum *)(const void *)(t + 1);
}

static inline const struct btf_enum64 *ebpfc_btf_enum64s(const struct btf_type *t)
{
	return (const struct btf_enum64 *)(const void *)(t + 1);
}

static inline const struct btf_param *ebpfc_btf_params(const struct btf_type *t)
{
	return (const struct btf_param *)(const void *)(t + 1);
}

static inline const struct btf_var *ebpfc_btf_var(const struct btf_type *t)
{
	return (const struct btf_var *)(const void *)(t + 1);
}

static inline const struct btf_var_secinfo *ebpfc_btf_secinfos(const struct btf_type *t)
{
	return (const struct btf_var_secinfo *)(const void *)(t + 1);
}

static inline const struct btf_decl_tag *ebpfc_btf_decl_tag(const struct btf_type *t)
{
	return (const struct btf_decl_tag *)(const void *)(t + 1);
}

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_BTF_H */
