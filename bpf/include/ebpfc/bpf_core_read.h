/*
 * ebpfc/bpf_core_read.h - CO-RE reads for BPF programs: read kernel memory
 * at offsets the loader fixes up for the running kernel, and ask whether a
 * field, type or enum value exists there, how big it is, what it is worth.
 *
 * Every macro here turns into one of clang's CO-RE builtins, which leave a
 * relocation record in .BTF.ext for the loader (ebpfc's src/core.c) to
 * resolve against the kernel's BTF:
 *
 *   __builtin_preserve_access_index(expr)      the offsets of a member/array
 *                                              access (byte_off relocations)
 *   __builtin_preserve_field_info(field, kind) offset, size, existence,
 *                                              signedness, bitfield shifts
 *   __builtin_preserve_type_info(*(T *)0, kind) type existence, size, match
 *   __builtin_preserve_enum_value(*(E *)V, kind) enum value existence, value
 *   __builtin_btf_type_id(*(T *)0, kind)       local or kernel type id
 *
 * The macro names and meanings are libbpf's (bpf/bpf_core_read.h), the API
 * BPF developers know; the implementation is ebpfc's own. Include it after
 * <ebpfc/bpf_helpers.h> (the reads use bpf_probe_read_kernel/_user and
 * their _str variants from there). Kernel types come from vmlinux.h or from
 * local definitions marked __attribute__((preserve_access_index)), whose
 * names may carry a "___flavor" suffix the loader ignores when matching.
 *
 * bpf_core_type_matches() needs clang 15 or later (clang 14 crashes on the
 * builtin's kind 2): with an older clang it is not defined, so a program
 * using it fails to compile with a plain "undeclared" error instead.
 */
#ifndef EBPFC_BPF_CORE_READ_H
#define EBPFC_BPF_CORE_READ_H

/* Kinds of __builtin_preserve_field_info (the second argument). */
enum bpf_field_info_kind {
	BPF_FIELD_BYTE_OFFSET = 0,	/* byte offset of the field */
	BPF_FIELD_BYTE_SIZE = 1,	/* its size (of the load that holds it, for bitfields) */
	BPF_FIELD_EXISTS = 2,		/* 1 if the kernel has it, else 0 */
	BPF_FIELD_SIGNED = 3,		/* 1 if it is a signed integer or enum */
	BPF_FIELD_LSHIFT_U64 = 4,	/* bitfields: left shift after a u64 read */
	BPF_FIELD_RSHIFT_U64 = 5,	/* bitfields: right shift after that */
};

/* Kinds of __builtin_btf_type_id. */
enum bpf_type_id_kind {
	BPF_TYPE_ID_LOCAL = 0,		/* id in the program's own BTF */
	BPF_TYPE_ID_TARGET = 1,		/* id in the kernel's BTF (0 if absent) */
};

/* Kinds of __builtin_preserve_type_info. */
enum bpf_type_info_kind {
	BPF_TYPE_EXISTS = 0,		/* a compatible type exists in the kernel */
	BPF_TYPE_SIZE = 1,		/* its size there */
	BPF_TYPE_MATCHES = 2,		/* it matches, by the stricter rules (clang >= 15) */
};

/* Kinds of __builtin_preserve_enum_value. */
enum bpf_enum_value_kind {
	BPF_ENUMVAL_EXISTS = 0,		/* the kernel's enum has this enumerator */
	BPF_ENUMVAL_VALUE = 1,		/* its value there */
};

/* ---- argument counting and list surgery (this header's own helpers) ---- */

#define ___ebpfc_core_cat(a, b)		a ## b
#define ___ebpfc_core_xcat(a, b)	___ebpfc_core_cat(a, b)
#define ___ebpfc_core_nth(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
/* Number of arguments, 1..12. */
#define ___ebpfc_core_narg(...) \
	___ebpfc_core_nth(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/*
 * A field given as one expression (s->a.b) or as a type and a member
 * designator (struct task_struct, pid): the expression the builtins take.
 */
#define ___ebpfc_core_field1(field)		(field)
#define ___ebpfc_core_field2(type, field)	(((__typeof__(type) *)0)->field)
#define ___ebpfc_core_field(...) \
	___ebpfc_core_xcat(___ebpfc_core_field, ___ebpfc_core_narg(__VA_ARGS__))(__VA_ARGS__)

/* __builtin_preserve_field_info of src->field: one relocated constant. */
#define __CORE_RELO(src, field, info) \
	__builtin_preserve_field_info((src)->field, BPF_FIELD_##info)

/* ---- field, type and enum queries ---------------------------------------- */

/* 1 if the field exists in the kernel: bpf_core_field_exists(p->f) or (struct s, f). */
#define bpf_core_field_exists(...) \
	__builtin_preserve_field_info(___ebpfc_core_field(__VA_ARGS__), BPF_FIELD_EXISTS)

/* The field's size in the kernel, in bytes. */
#define bpf_core_field_size(...) \
	__builtin_preserve_field_info(___ebpfc_core_field(__VA_ARGS__), BPF_FIELD_BYTE_SIZE)

/* The field's byte offset in the kernel (within its outermost struct). */
#define bpf_core_field_offset(...) \
	__builtin_preserve_field_info(___ebpfc_core_field(__VA_ARGS__), BPF_FIELD_BYTE_OFFSET)

/* 1 if a compatible type of that name exists in the kernel (type: struct x, x_t...). */
#define bpf_core_type_exists(type) \
	__builtin_preserve_type_info(*(__typeof__(type) *)0, BPF_TYPE_EXISTS)

/* The type's size in the kernel; 0 when absent. */
#define bpf_core_type_size(type) \
	__builtin_preserve_type_info(*(__typeof__(type) *)0, BPF_TYPE_SIZE)

#if defined(__clang_major__) && __clang_major__ >= 15
/* 1 if the kernel's type matches, member by member and name by name. */
#define bpf_core_type_matches(type) \
	__builtin_preserve_type_info(*(__typeof__(type) *)0, BPF_TYPE_MATCHES)
#endif

/* The type's id in the program's BTF, or in the kernel's (0 when absent). */
#define bpf_core_type_id_local(type) \
	__builtin_btf_type_id(*(__typeof__(type) *)0, BPF_TYPE_ID_LOCAL)
#define bpf_core_type_id_kernel(type) \
	__builtin_btf_type_id(*(__typeof__(type) *)0, BPF_TYPE_ID_TARGET)

/*
 * bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID): 1 if the
 * kernel's enum has that enumerator. bpf_core_enum_value(...): its value
 * there (the instruction is poisoned when it is absent; check first).
 */
#define bpf_core_enum_value_exists(enum_type, enum_value) \
	__builtin_preserve_enum_value(*(__typeof__(enum_type) *)enum_value, BPF_ENUMVAL_EXISTS)
#define bpf_core_enum_value(enum_type, enum_value) \
	__builtin_preserve_enum_value(*(__typeof__(enum_type) *)enum_value, BPF_ENUMVAL_VALUE)

/* ---- bitfields --------------------------------------------------------------- */

/*
 * The load that holds a bitfield, into the low-order end of a u64 on
 * little-endian targets and the high-order end on big-endian ones, so that
 * the LSHIFT/RSHIFT pair the loader computes extracts the field.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ___ebpfc_core_bf_dst(v, s, field) ((void *)&(v))
#else
#define ___ebpfc_core_bf_dst(v, s, field) \
	((void *)((char *)&(v) + 8 - __CORE_RELO(s, field, BYTE_SIZE)))
#endif

#define ___ebpfc_core_bf_extract(v, s, field) ({				\
	(v) <<= __CORE_RELO(s, field, LSHIFT_U64);				\
	__CORE_RELO(s, field, SIGNED)						\
		? (unsigned long long)((long long)(v) >>			\
				       __CORE_RELO(s, field, RSHIFT_U64))	\
		: (v) >> __CORE_RELO(s, field, RSHIFT_U64);			\
})

/*
 * The value of bitfield s->field read with bpf_probe_read_kernel: for
 * pointers the program may not dereference (kprobes, raw tracepoints).
 * An unsigned long long, sign-extended for signed fields.
 */
#define BPF_CORE_READ_BITFIELD_PROBED(s, field) ({				\
	unsigned long long ___ebpfc_bf = 0;					\
	bpf_probe_read_kernel(___ebpfc_core_bf_dst(___ebpfc_bf, s, field),	\
			      __CORE_RELO(s, field, BYTE_SIZE),			\
			      (const char *)(s) +				\
				      __CORE_RELO(s, field, BYTE_OFFSET));	\
	___ebpfc_core_bf_extract(___ebpfc_bf, s, field);			\
})

/*
 * The same with direct loads, for pointers the verifier lets the program
 * dereference (tp_btf, fentry, iterators). The switch on the relocated
 * size picks the load; the address is computed once, behind a barrier so
 * the compiler keeps the offset relocation in one place.
 */
#define BPF_CORE_READ_BITFIELD(s, field) ({					\
	const void *___ebpfc_p = (const char *)(s) +				\
				 __CORE_RELO(s, field, BYTE_OFFSET);		\
	unsigned long long ___ebpfc_bf;						\
	__asm__ __volatile__("" : "+r"(___ebpfc_p));				\
	switch (__CORE_RELO(s, field, BYTE_SIZE)) {				\
	case 1: ___ebpfc_bf = *(const unsigned char *)___ebpfc_p; break;	\
	case 2: ___ebpfc_bf = *(const unsigned short *)___ebpfc_p; break;	\
	case 4: ___ebpfc_bf = *(const unsigned int *)___ebpfc_p; break;	\
	case 8: ___ebpfc_bf = *(const unsigned long long *)___ebpfc_p; break;	\
	default: ___ebpfc_bf = 0; break;					\
	}									\
	___ebpfc_core_bf_extract(___ebpfc_bf, s, field);			\
})

/*
 * Write `value` to bitfield s->field of memory the program may write
 * (struct_ops, its own maps): read-modify-write of the load that holds it.
 */
#define BPF_CORE_WRITE_BITFIELD(s, field, new_val) ({				\
	void *___ebpfc_p = (char *)(s) + __CORE_RELO(s, field, BYTE_OFFSET);	\
	unsigned int ___ebpfc_lsh = __CORE_RELO(s, field, LSHIFT_U64);		\
	unsigned int ___ebpfc_rsh = __CORE_RELO(s, field, RSHIFT_U64);		\
	unsigned long long ___ebpfc_mask, ___ebpfc_v, ___ebpfc_nv;		\
	unsigned int ___ebpfc_sh;						\
	__asm__ __volatile__("" : "+r"(___ebpfc_p));				\
	switch (__CORE_RELO(s, field, BYTE_SIZE)) {				\
	case 1: ___ebpfc_v = *(unsigned char *)___ebpfc_p; break;		\
	case 2: ___ebpfc_v = *(unsigned short *)___ebpfc_p; break;		\
	case 4: ___ebpfc_v = *(unsigned int *)___ebpfc_p; break;		\
	default: ___ebpfc_v = *(unsigned long long *)___ebpfc_p; break;		\
	}									\
	/* the field's lowest bit within the load, counted from bit 0 */	\
	___ebpfc_sh = ___ebpfc_rsh - ___ebpfc_lsh;				\
	___ebpfc_mask = (~0ULL << ___ebpfc_rsh) >> ___ebpfc_lsh;		\
	___ebpfc_nv = ((unsigned long long)(new_val) << ___ebpfc_sh) &		\
		      ___ebpfc_mask;						\
	___ebpfc_v = (___ebpfc_v & ~___ebpfc_mask) | ___ebpfc_nv;		\
	switch (__CORE_RELO(s, field, BYTE_SIZE)) {				\
	case 1: *(unsigned char *)___ebpfc_p = ___ebpfc_v; break;		\
	case 2: *(unsigned short *)___ebpfc_p = ___ebpfc_v; break;		\
	case 4: *(unsigned int *)___ebpfc_p = ___ebpfc_v; break;		\
	default: *(unsigned long long *)___ebpfc_p = ___ebpfc_v; break;		\
	}									\
})

/* ---- one-level reads --------------------------------------------------------- */

/*
 * bpf_core_read(dst, sz, src): bpf_probe_read_kernel(dst, sz, src) with
 * src's member/array offsets relocated, e.g. bpf_core_read(&pid, 4, &t->pid).
 */
#define bpf_core_read(dst, sz, src) \
	bpf_probe_read_kernel(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_user(dst, sz, src) \
	bpf_probe_read_user(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_str(dst, sz, src) \
	bpf_probe_read_kernel_str(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_user_str(dst, sz, src) \
	bpf_probe_read_user_str(dst, sz, (const void *)__builtin_preserve_access_index(src))

/* The same reads without relocation, for the BPF_PROBE_READ family. */
#define ___ebpfc_probe_read(dst, sz, src) \
	bpf_probe_read_kernel(dst, sz, (const void *)(src))
#define ___ebpfc_probe_read_user(dst, sz, src) \
	bpf_probe_read_user(dst, sz, (const void *)(src))
#define ___ebpfc_probe_read_str(dst, sz, src) \
	bpf_probe_read_kernel_str(dst, sz, (const void *)(src))
#define ___ebpfc_probe_read_user_str(dst, sz, src) \
	bpf_probe_read_user_str(dst, sz, (const void *)(src))

/* ---- pointer chains ----------------------------------------------------------- */

/*
 * A chain src, a, b, c reads src->a, then ->b of that, then ->c of that,
 * each step a separate probe read of a pointer (what the kernel memory
 * behind a raw pointer demands). Steps are spelled out for chains of 1 to
 * 10 fields:
 *
 *   ___ebpfc_ch_first(rd, s, a)     ___ebpfc_cp = s->a
 *   ___ebpfc_ch_next(rd, prev, b)   ___ebpfc_cp = ((typeof(prev))___ebpfc_cp)->b
 *   ___ebpfc_ch_last*(...)          *dst = the final field, read with `last`
 *
 * `prev` is the C expression of the pointer read so far (s->a, s->a->b),
 * only ever used inside __typeof__, so src is evaluated once. A field may
 * be any member designator: a.b, arr[2].
 */
#define ___ebpfc_ch_first(rd, s, a) \
	rd((void *)&___ebpfc_cp, sizeof(___ebpfc_cp), &((s)->a));
#define ___ebpfc_ch_next(rd, prev, f) \
	rd((void *)&___ebpfc_cp, sizeof(___ebpfc_cp), &((__typeof__(prev))___ebpfc_cp)->f);
#define ___ebpfc_ch_last1(last, dst, s, a) \
	last((void *)(dst), sizeof(*(dst)), &((s)->a))
#define ___ebpfc_ch_lastp(last, dst, prev, f) \
	last((void *)(dst), sizeof(*(dst)), &((__typeof__(prev))___ebpfc_cp)->f)

#define ___ebpfc_ch1(last, rd, d, s, a) \
	___ebpfc_ch_last1(last, d, s, a)
#define ___ebpfc_ch2(last, rd, d, s, a, b) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_lastp(last, d, (s)->a, b)
#define ___ebpfc_ch3(last, rd, d, s, a, b, c) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_lastp(last, d, (s)->a->b, c)
#define ___ebpfc_ch4(last, rd, d, s, a, b, c, e) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_next(rd, (s)->a->b, c) \
	___ebpfc_ch_lastp(last, d, (s)->a->b->c, e)
#define ___ebpfc_ch5(last, rd, d, s, a, b, c, e, f) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_next(rd, (s)->a->b, c) \
	___ebpfc_ch_next(rd, (s)->a->b->c, e) \
	___ebpfc_ch_lastp(last, d, (s)->a->b->c->e, f)
#define ___ebpfc_ch6(last, rd, d, s, a, b, c, e, f, g) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_next(rd, (s)->a->b, c) \
	___ebpfc_ch_next(rd, (s)->a->b->c, e) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e, f) \
	___ebpfc_ch_lastp(last, d, (s)->a->b->c->e->f, g)
#define ___ebpfc_ch7(last, rd, d, s, a, b, c, e, f, g, h) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_next(rd, (s)->a->b, c) \
	___ebpfc_ch_next(rd, (s)->a->b->c, e) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e, f) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f, g) \
	___ebpfc_ch_lastp(last, d, (s)->a->b->c->e->f->g, h)
#define ___ebpfc_ch8(last, rd, d, s, a, b, c, e, f, g, h, i) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_next(rd, (s)->a->b, c) \
	___ebpfc_ch_next(rd, (s)->a->b->c, e) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e, f) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f, g) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f->g, h) \
	___ebpfc_ch_lastp(last, d, (s)->a->b->c->e->f->g->h, i)
#define ___ebpfc_ch9(last, rd, d, s, a, b, c, e, f, g, h, i, j) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_next(rd, (s)->a->b, c) \
	___ebpfc_ch_next(rd, (s)->a->b->c, e) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e, f) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f, g) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f->g, h) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f->g->h, i) \
	___ebpfc_ch_lastp(last, d, (s)->a->b->c->e->f->g->h->i, j)
#define ___ebpfc_ch10(last, rd, d, s, a, b, c, e, f, g, h, i, j, k) \
	___ebpfc_ch_first(rd, s, a) \
	___ebpfc_ch_next(rd, (s)->a, b) \
	___ebpfc_ch_next(rd, (s)->a->b, c) \
	___ebpfc_ch_next(rd, (s)->a->b->c, e) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e, f) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f, g) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f->g, h) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f->g->h, i) \
	___ebpfc_ch_next(rd, (s)->a->b->c->e->f->g->h->i, j) \
	___ebpfc_ch_lastp(last, d, (s)->a->b->c->e->f->g->h->i->j, k)

/* Read the chain into *dst with `last` for the final field, `rd` for pointers. */
#define ___ebpfc_chain_into(last, rd, dst, src, ...) ({				\
	const void *___ebpfc_cp = 0;						\
	(void)___ebpfc_cp;							\
	___ebpfc_core_xcat(___ebpfc_ch, ___ebpfc_core_narg(__VA_ARGS__))	\
		(last, rd, dst, src, __VA_ARGS__);				\
})

/* The C type of src->a->b->...: for the value-returning forms. */
#define ___ebpfc_ty1(s, a)			__typeof__((s)->a)
#define ___ebpfc_ty2(s, a, b)			__typeof__((s)->a->b)
#define ___ebpfc_ty3(s, a, b, c)		__typeof__((s)->a->b->c)
#define ___ebpfc_ty4(s, a, b, c, e)		__typeof__((s)->a->b->c->e)
#define ___ebpfc_ty5(s, a, b, c, e, f)		__typeof__((s)->a->b->c->e->f)
#define ___ebpfc_ty6(s, a, b, c, e, f, g)	__typeof__((s)->a->b->c->e->f->g)
#define ___ebpfc_ty7(s, a, b, c, e, f, g, h)	__typeof__((s)->a->b->c->e->f->g->h)
#define ___ebpfc_ty8(s, a, b, c, e, f, g, h, i)	__typeof__((s)->a->b->c->e->f->g->h->i)
#define ___ebpfc_ty9(s, a, b, c, e, f, g, h, i, j) \
	__typeof__((s)->a->b->c->e->f->g->h->i->j)
#define ___ebpfc_ty10(s, a, b, c, e, f, g, h, i, j, k) \
	__typeof__((s)->a->b->c->e->f->g->h->i->j->k)
#define ___ebpfc_chain_type(src, ...) \
	___ebpfc_core_xcat(___ebpfc_ty, ___ebpfc_core_narg(__VA_ARGS__))(src, __VA_ARGS__)

/*
 * BPF_CORE_READ_INTO(&dst, src, a, b, c): dst = src->a->b->c, every step a
 * relocated bpf_probe_read_kernel. Up to 10 fields. Evaluates to the last
 * read's result (0 or a negative errno); an earlier failed step leaves a
 * NULL pointer behind, so the later reads fail too.
 */
#define BPF_CORE_READ_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(bpf_core_read, bpf_core_read, dst, (src), a, ##__VA_ARGS__)
#define BPF_CORE_READ_USER_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(bpf_core_read_user, bpf_core_read_user, dst, (src), a, ##__VA_ARGS__)

/* The same, the last field a string (char array) read with the _str helper. */
#define BPF_CORE_READ_STR_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(bpf_core_read_str, bpf_core_read, dst, (src), a, ##__VA_ARGS__)
#define BPF_CORE_READ_USER_STR_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(bpf_core_read_user_str, bpf_core_read_user, dst, (src), a,	\
			    ##__VA_ARGS__)

/* Without CO-RE relocation (types known to match the kernel exactly). */
#define BPF_PROBE_READ_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(___ebpfc_probe_read, ___ebpfc_probe_read, dst, (src), a,	\
			    ##__VA_ARGS__)
#define BPF_PROBE_READ_USER_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(___ebpfc_probe_read_user, ___ebpfc_probe_read_user, dst,	\
			    (src), a, ##__VA_ARGS__)
#define BPF_PROBE_READ_STR_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(___ebpfc_probe_read_str, ___ebpfc_probe_read, dst, (src), a, \
			    ##__VA_ARGS__)
#define BPF_PROBE_READ_USER_STR_INTO(dst, src, a, ...) \
	___ebpfc_chain_into(___ebpfc_probe_read_user_str, ___ebpfc_probe_read_user,	\
			    dst, (src), a, ##__VA_ARGS__)

/*
 * BPF_CORE_READ(src, a, b, c): the value of src->a->b->c, read as above
 * (zero when a step fails). The field must not be an array: read those
 * with BPF_CORE_READ_INTO or BPF_CORE_READ_STR_INTO.
 */
#define BPF_CORE_READ(src, a, ...) ({						\
	___ebpfc_chain_type((src), a, ##__VA_ARGS__) ___ebpfc_val;		\
	BPF_CORE_READ_INTO(&___ebpfc_val, (src), a, ##__VA_ARGS__);		\
	___ebpfc_val;								\
})
#define BPF_CORE_READ_USER(src, a, ...) ({					\
	___ebpfc_chain_type((src), a, ##__VA_ARGS__) ___ebpfc_val;		\
	BPF_CORE_READ_USER_INTO(&___ebpfc_val, (src), a, ##__VA_ARGS__);	\
	___ebpfc_val;								\
})
#define BPF_PROBE_READ(src, a, ...) ({						\
	___ebpfc_chain_type((src), a, ##__VA_ARGS__) ___ebpfc_val;		\
	BPF_PROBE_READ_INTO(&___ebpfc_val, (src), a, ##__VA_ARGS__);		\
	___ebpfc_val;								\
})
#define BPF_PROBE_READ_USER(src, a, ...) ({					\
	___ebpfc_chain_type((src), a, ##__VA_ARGS__) ___ebpfc_val;		\
	BPF_PROBE_READ_USER_INTO(&___ebpfc_val, (src), a, ##__VA_ARGS__);	\
	___ebpfc_val;								\
})

#endif /* EBPFC_BPF_CORE_READ_H */
