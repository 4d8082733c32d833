/*
 * ebpfc/btf_dump.h - BTF written out as C: the type definitions of a
 * vmlinux.h (or of a BPF object's own types) in an order that compiles,
 * the C spelling of one type, and a one-type-a-line listing for people.
 *
 * Output goes to a write callback, so the API needs no stdio. The C is
 * deterministic: the same BTF gives the same bytes, run after run.
 *
 * What the C looks like: named structs, unions, enums and typedefs at file
 * scope, each after everything it needs by value, with `struct x;` forward
 * declarations where a pointer is all that is needed (which is also how
 * cycles are broken); anonymous structs, unions and enums inline where
 * they are used; explicit padding (unnamed bitfields), packed and aligned
 * attributes wherever the BTF's offsets and sizes differ from what a
 * compiler would lay out for the members alone; enums sized with
 * mode(QI/HI/SI/DI) when their BTF size is not the natural one; type tags
 * as __ebpfc_type_tag("name"), a macro that is empty for compilers without
 * btf_type_tag. Two types of one kind with the same name (struct foo in
 * two compilation units, or a union foo) get the suffixes ___2, ___3 ...
 * in type id order, like libbpf's; CO-RE ignores such suffixes.
 *
 * Not here: reading BTF (ebpfc/btf.h), writing BTF, skeletons (the
 * `ebpfc gen skeleton` command builds on this header).
 */
#ifndef EBPFC_BTF_DUMP_H
#define EBPFC_BTF_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ebpfc/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfc_btf;
struct ebpfc_btf_dump;

/*
 * Receives the output in pieces, in order. Return 0 to go on; a negative
 * errno stops the dump, and the function that was writing returns it.
 */
typedef int (*ebpfc_btf_dump_write_fn)(void *user, const char *data, size_t len);

struct ebpfc_btf_dump_opts {
	size_t sz;
	/* ebpfc_btf_dump_c(): include guard macro; NULL: "__VMLINUX_H__", "": none. */
	const char *guard;
	/* ebpfc_btf_dump_c(): a line for a comment at the top ("from x.bpf.o"), or NULL. */
	const char *comment;
	/*
	 * ebpfc_btf_dump_c(): leave out the preserve_access_index pragma that
	 * makes every struct and union CO-RE relocatable (on by default, as
	 * a vmlinux.h needs; a program defining BPF_NO_PRESERVE_ACCESS_INDEX
	 * turns it off too).
	 */
	bool no_core;
};

/*
 * Write a whole header: every struct, union, enum (anonymous enums that
 * nothing uses included, for their constants) and typedef of btf, with
 * whatever they need, in id order where the dependencies allow. For split
 * BTF (a module on vmlinux), the module's own types and the base types they
 * need. Returns 0, or a negative errno (a write failure, malformed BTF).
 */
EBPFC_API int ebpfc_btf_dump_c(const struct ebpfc_btf *btf, const struct ebpfc_btf_dump_opts *opts,
			       ebpfc_btf_dump_write_fn write, void *user);

/*
 * Write every type of btf (of the split part only, for split BTF), one a
 * line in the format of `bpftool btf dump format raw`:
 *   [3] STRUCT 'counts' size=16 vlen=2
 *   	'packets' type_id=4 bits_offset=0
 * Members, enumerators, parameters and datasec entries follow their type,
 * one a line, indented by a tab. Names that are not printable ASCII have
 * those bytes written as '?'. opts may be NULL (none apply yet).
 */
EBPFC_API int ebpfc_btf_dump_raw(const struct ebpfc_btf *btf,
				 const struct ebpfc_btf_dump_opts *opts,
				 ebpfc_btf_dump_write_fn write, void *user);

/* ---- a dumper: definitions one by one, and spellings ------------------------------ */

/*
 * A dumper remembers what it has written, so that each definition and
 * forward declaration appears once however many types need it. btf is
 * borrowed: keep it open until the dumper is destroyed. Nothing is
 * written until ebpfc_btf_dump_type(). opts may be NULL (the members
 * that exist so far concern ebpfc_btf_dump_c() only).
 */
EBPFC_API int ebpfc_btf_dump_new(const struct ebpfc_btf *btf, ebpfc_btf_dump_write_fn write,
				 void *user, const struct ebpfc_btf_dump_opts *opts,
				 struct ebpfc_btf_dump **d);

/* Free the dumper. NULL is a no-op. */
EBPFC_API void ebpfc_btf_dump_destroy(struct ebpfc_btf_dump *d);

/*
 * Write the definition of type id, after whatever it needs that is not
 * written yet: for a named struct, union, enum or typedef, that type;
 * for an anonymous enum, a bare `enum { ... };`; for a forward
 * declaration, `struct x;`; for any other type (pointer, array,
 * modifier, function prototype, int) only what spelling it needs. Written
 * types are not written again. Returns 0 or a negative errno (-EINVAL for
 * a var, datasec, func or decl tag).
 */
EBPFC_API int ebpfc_btf_dump_type(struct ebpfc_btf_dump *d, uint32_t id);

/*
 * Treat the named type id as defined elsewhere (a header the reader of the
 * output includes, such as <linux/bpf.h> for struct bpf_spin_lock): it is
 * never written, and what needs it just uses its name.
 */
EBPFC_API int ebpfc_btf_dump_assume_defined(struct ebpfc_btf_dump *d, uint32_t id);

struct ebpfc_btf_dump_decl_opts {
	size_t sz;
	/* Tabs before the closing brace of an inline anonymous struct (members get one more). */
	unsigned int indent;
	/* Drop const, volatile and restrict that qualify the object itself (not what it points to). */
	bool strip_mods;
	/* Make the object const (on the pointer, for a pointer type). */
	bool add_const;
};

/*
 * The C declaration of something of type id: declarator is the name, or
 * any declarator around it ("*key", "values[4]"; "" for an abstract one),
 * e.g. id = array of 4 pointers to functions, declarator "fns" gives
 * "void (*fns[4])(int)". Types are named as ebpfc_btf_dump_type() writes
 * them (suffixes included); anonymous structs and unions are spelled out
 * inline. Writes at most size bytes, always NUL-terminated when size > 0,
 * and returns the length of the whole declaration (like snprintf: retry
 * with a larger buffer when it is >= size), or a negative errno.
 */
EBPFC_API int ebpfc_btf_dump_decl(struct ebpfc_btf_dump *d, uint32_t id, const char *declarator,
				  const struct ebpfc_btf_dump_decl_opts *opts, char *buf,
				  size_t size);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_BTF_DUMP_H */
