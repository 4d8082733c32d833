/*
 * ebpfc/bpf_helpers.h - what a BPF C program needs besides the kernel's types:
 * section markers, BTF-defined map declarations, attributes, bpf_printk and
 * the helper declarations (bpf_helper_defs.h, generated).
 *
 * The macro names and their encodings are the ones libbpf's header of the
 * same name defines, so a program written for libbpf compiles unchanged and
 * its object reads the same to any loader.  The encodings are the contract
 * with ebpfc's object parser (src/object.c):
 *
 *   SEC("xdp")            the ELF section a function or variable goes to;
 *                         programs are found by section name, maps in
 *                         ".maps", globals in .data/.bss/.rodata.
 *   __uint(type, 4)       int (*type)[4]  -- a number, carried by the BTF
 *                         array's element count.
 *   __type(key, K)        K *key          -- a type, carried by the pointee.
 *   __array(values, T)    T *values[]     -- map-in-map / prog array slots,
 *                         T being the inner map's definition struct.
 *   __ulong(map_extra, V) a member of an anonymous enum type whose only
 *                         enumerator has value V (64 bits: needs ENUM64 BTF,
 *                         clang >= 15).
 *
 * Include order: linux/bpf.h (or vmlinux.h) first, then this header; the
 * helper declarations use __u32, __be16, __wsum and friends from there.
 * This header is for BPF code only; ebpfc's user-space API is include/ebpfc/.
 */
#ifndef EBPFC_BPF_HELPERS_H
#define EBPFC_BPF_HELPERS_H

#include "bpf_helper_defs.h"

/* ---- helpers of this header ------------------------------------------ */

#define ___ebpfc_concat(a, b)	a ## b
#define ___ebpfc_apply(a, b)	___ebpfc_concat(a, b)

/* Number of arguments, 0..12. */
#define ___ebpfc_nth(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define ___ebpfc_narg(...) \
	___ebpfc_nth(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/* Each argument cast to a 64-bit cell, comma separated: the argument array
 * that bpf_trace_vprintk, bpf_seq_printf and bpf_snprintf take. */
#define ___ebpfc_u64(x)		((unsigned long long)(x))
#define ___ebpfc_u64s0()
#define ___ebpfc_u64s1(a)	___ebpfc_u64(a)
#define ___ebpfc_u64s2(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s1(__VA_ARGS__)
#define ___ebpfc_u64s3(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s2(__VA_ARGS__)
#define ___ebpfc_u64s4(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s3(__VA_ARGS__)
#define ___ebpfc_u64s5(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s4(__VA_ARGS__)
#define ___ebpfc_u64s6(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s5(__VA_ARGS__)
#define ___ebpfc_u64s7(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s6(__VA_ARGS__)
#define ___ebpfc_u64s8(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s7(__VA_ARGS__)
#define ___ebpfc_u64s9(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s8(__VA_ARGS__)
#define ___ebpfc_u64s10(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s9(__VA_ARGS__)
#define ___ebpfc_u64s11(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s10(__VA_ARGS__)
#define ___ebpfc_u64s12(a, ...)	___ebpfc_u64(a), ___ebpfc_u64s11(__VA_ARGS__)
#define ___ebpfc_u64s(...) \
	___ebpfc_apply(___ebpfc_u64s, ___ebpfc_narg(__VA_ARGS__))(__VA_ARGS__)

/* ---- sections --------------------------------------------------------- */

/*
 * SEC(name): put a program, map or variable into ELF section 'name'.  'used'
 * keeps an otherwise unreferenced definition; clang warns that it ignores
 * 'used' on some declarations, which is harmless here and silenced.
 */
#define SEC(name)							\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wignored-attributes\"")	\
	__attribute__((section(name), used))				\
	_Pragma("GCC diagnostic pop")

/* The spelling iproute2 and Cilium programs use. */
#ifndef __section
#define __section(name) __attribute__((section(name), used))
#endif

/* char _license[] SEC("license") = "GPL"; in one line. */
#define EBPFC_LICENSE(text) char _license[] SEC("license") = text

/* ---- BTF-defined maps (struct { ... } name SEC(".maps")) --------------- */

#define __uint(name, val)	int (*name)[val]
#define __type(name, val)	__typeof__(val) *name
#define __array(name, val)	__typeof__(val) *name[]
#define __ulong(name, val)						\
	enum { ___ebpfc_apply(___ebpfc_ulong_, __COUNTER__) = (val) } name

/* Values of __uint(pinning, ...) and of tristate __kconfig externs, with
 * libbpf's names since that is what existing programs write. */
enum libbpf_pin_type {
	LIBBPF_PIN_NONE,
	LIBBPF_PIN_BY_NAME,	/* pinned at <pin root>/<map name> */
};

enum libbpf_tristate {
	TRI_NO = 0,
	TRI_YES = 1,
	TRI_MODULE = 2,
};

/* ---- attributes -------------------------------------------------------- */

/* linux/stddef.h defines __always_inline as a plain inline hint. */
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))

#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
/* Static linkage across BPF objects linked together; also keeps a global
 * function out of the verifier's separate (global) verification. */
#ifndef __hidden
#define __hidden __attribute__((visibility("hidden")))
#endif

/* extern variables resolved by the loader: kernel config values
 * (CONFIG_X, LINUX_KERNEL_VERSION, ...) and kernel symbols or kfuncs. */
#define __kconfig __attribute__((section(".kconfig")))
#define __ksym __attribute__((section(".ksyms")))

/* BTF tags: only with a clang that knows them (14 knows both kinds). */
#if defined(__has_attribute)
# if __has_attribute(btf_type_tag)
#  define ___ebpfc_type_tag(s) __attribute__((btf_type_tag(s)))
# endif
# if __has_attribute(btf_decl_tag)
#  define ___ebpfc_decl_tag(s) __attribute__((btf_decl_tag(s)))
# endif
#endif
#ifndef ___ebpfc_type_tag
# define ___ebpfc_type_tag(s)
#endif
#ifndef ___ebpfc_decl_tag
# define ___ebpfc_decl_tag(s)
#endif

/* Kernel pointers stored in map values. */
#define __kptr_untrusted	___ebpfc_type_tag("kptr_untrusted")
#define __kptr			___ebpfc_type_tag("kptr")
#define __percpu_kptr		___ebpfc_type_tag("percpu_kptr")
#define __uptr			___ebpfc_type_tag("uptr")

/* Arguments of global (separately verified) functions. */
#define __arg_ctx		___ebpfc_decl_tag("arg:ctx")
#define __arg_nonnull		___ebpfc_decl_tag("arg:nonnull")
#define __arg_nullable		___ebpfc_decl_tag("arg:nullable")
#define __arg_trusted		___ebpfc_decl_tag("arg:trusted")
#define __arg_untrusted		___ebpfc_decl_tag("arg:untrusted")
#define __arg_arena		___ebpfc_decl_tag("arg:arena")

/* What a bpf_list_head / bpf_rb_root field holds. */
#define __contains(name, node)	___ebpfc_decl_tag("contains:" #name ":" #node)

/* ---- small C conveniences ---------------------------------------------- */

#ifndef NULL
#define NULL ((void*)0)
#endif

#ifndef KERNEL_VERSION
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/* Compiler barrier: no memory access moves across it. */
#ifndef barrier
#define barrier()	__asm__ __volatile__("" : : : "memory")
#endif
/* Make the compiler forget what it knows about var (forces it into a
 * register the verifier then tracks on its own). */
#ifndef barrier_var
#define barrier_var(var) __asm__ __volatile__("" : "+r"(var))
#endif

/* Spelled exactly as in clang's stddef.h, so including both is no redefinition. */
#ifndef offsetof
#define offsetof(t, d) __builtin_offsetof(t, d)
#endif
#ifndef container_of
#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

/*
 * bpf_ksym_exists(sym): whether a __weak __ksym extern was found in the
 * running kernel.  The loader sets a missing weak symbol's address to 0.
 */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) ({						\
	_Static_assert(!__builtin_constant_p(!!(sym)),			\
		       #sym " should be declared __weak");		\
	!!(sym);							\
})
#endif

/*
 * bpf_tail_call_static(ctx, prog_array, slot): a tail call whose slot is a
 * compile-time constant.  Written in assembly so that the constant reaches
 * the call in r3 unmodified, which lets the kernel patch the call into a
 * direct jump.  Falls through when the slot is empty.
 */
#define bpf_tail_call_static(ctx, map, slot) ({				\
	__asm__ __volatile__(						\
		"r1 = %[__ctx]\n\t"					\
		"r2 = %[__map]\n\t"					\
		"r3 = %[__slot]\n\t"					\
		"call 12" /* BPF_FUNC_tail_call */			\
		: : [__ctx] "r"(ctx), [__map] "r"(map), [__slot] "i"(slot)	\
		: "r0", "r1", "r2", "r3", "r4", "r5");			\
})

/* ---- formatted output --------------------------------------------------- */

/*
 * The format string lives in .rodata (the kernel requires it to be
 * read-only for bpf_trace_vprintk, bpf_snprintf and bpf_seq_printf).  A
 * program for a loader without global data defines BPF_NO_GLOBAL_DATA to get
 * it on the stack instead, which only bpf_trace_printk accepts.
 */
#ifdef BPF_NO_GLOBAL_DATA
#define ___ebpfc_fmt_storage
#else
#define ___ebpfc_fmt_storage static const
#endif

/* Up to 3 arguments: bpf_trace_printk, available on every kernel. */
#define ___ebpfc_printk_s(fmt, ...) ({					\
	___ebpfc_fmt_storage char ___fmt[] = fmt;			\
	bpf_trace_printk(___fmt, sizeof(___fmt), ##__VA_ARGS__);	\
})

/* 4 to 12 arguments: bpf_trace_vprintk (Linux 5.16). */
#define ___ebpfc_printk_v(fmt, ...) ({					\
	static const char ___fmt[] = fmt;				\
	unsigned long long ___args[] = { ___ebpfc_u64s(__VA_ARGS__) };	\
	bpf_trace_vprintk(___fmt, sizeof(___fmt), ___args, sizeof(___args)); \
})

#define ___ebpfc_printk_kind(...) ___ebpfc_nth(_, ##__VA_ARGS__,	\
	_v, _v, _v, _v, _v, _v, _v, _v, _v, _s, _s, _s, _s)

/*
 * bpf_printk(fmt, args...): printf to /sys/kernel/tracing/trace_pipe.  At
 * most 12 arguments; the kernel accepts %d %i %u %x %ld %lu %lx %lld %llu
 * %llx %p (and %pK %pS %pI4 %pI6 ...) %s and %c, no field widths for %s.
 */
#define bpf_printk(fmt, ...)						\
	___ebpfc_apply(___ebpfc_printk, ___ebpfc_printk_kind(__VA_ARGS__))(fmt, ##__VA_ARGS__)

/* BPF_SEQ_PRINTF(seq, fmt, args...): bpf_seq_printf for bpf_iter programs. */
#define BPF_SEQ_PRINTF(seq, fmt, ...) ({				\
	static const char ___fmt[] = fmt;				\
	unsigned long long ___args[___ebpfc_narg(__VA_ARGS__) + 1] =	\
		{ ___ebpfc_u64s(__VA_ARGS__) };				\
	bpf_seq_printf(seq, ___fmt, sizeof(___fmt), ___args,		\
		       ___ebpfc_narg(__VA_ARGS__) * sizeof(___args[0])); \
})

/* BPF_SNPRINTF(out, out_size, fmt, args...): bpf_snprintf into a buffer. */
#define BPF_SNPRINTF(out, out_size, fmt, ...) ({			\
	static const char ___fmt[] = fmt;				\
	unsigned long long ___args[___ebpfc_narg(__VA_ARGS__) + 1] =	\
		{ ___ebpfc_u64s(__VA_ARGS__) };				\
	bpf_snprintf(out, out_size, ___fmt, ___args,			\
		     ___ebpfc_narg(__VA_ARGS__) * sizeof(___args[0]));	\
})

#endif /* EBPFC_BPF_HELPERS_H */
