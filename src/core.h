/*
 * core.h - the CO-RE relocation engine (src/core.c): given the object's BTF
 * (local), the kernel's BTF (target, optionally module BTFs) and one
 * `struct bpf_core_relo` record from .BTF.ext, work out what the compiler's
 * constant means on the target kernel and patch the instruction that
 * carries it.
 *
 * It sees BTF and instructions, never files, maps or programs as objects:
 * the caller (reloc.c) says which record goes with which instruction and
 * under which program name and index to report it. Not API.
 *
 * Three outcomes per relocation:
 *   patched   the instruction now carries the target's value (an offset,
 *             a size, 0/1 for an existence check, a type id, an enum value,
 *             a load size adjusted to the target field's size);
 *   poisoned  the target lacks what the relocation needs (a field, an enum
 *             value) or the load cannot be adjusted safely: the instruction
 *             becomes a call to helper 0xbad2310, which the verifier
 *             rejects only if the instruction is reachable, and the reason
 *             is kept for ebpfc__core_poison_reason(). Returns 0;
 *   error     the input is malformed (bad access string, type id out of
 *             range, an instruction that cannot carry the value, the
 *             instruction's value disagreeing with the object's BTF) or
 *             the target is ambiguous (candidates that disagree): a
 *             negative errno and an ebpfc_errmsg() line naming the program,
 *             relocation, instruction, kind, access path and kernel.
 */
#ifndef EBPFC_SRC_CORE_H
#define EBPFC_SRC_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "btf.h"
#include "internal.h"

/* The helper id a poisoned instruction calls ("invalid func unknown#195896080"). */
#define EBPFC__CORE_POISON_HELPER 0xbad2310

/*
 * Relocation state for one object against one kernel: references on the
 * BTFs, a cache of target candidates per local type, the poison notes.
 * Used by one thread at a time.
 */
struct ebpfc__core_ctx;

/*
 * New context. Takes a reference on `local` and `target` (the caller may
 * drop its own). `target_name` names the kernel in messages ("6.1.0-28-amd64"
 * or the BTF file's path); NULL uses the target BTF's own label. Returns 0 or
 * -EINVAL/-ENOMEM with a message.
 */
EBPFC__HIDDEN int ebpfc__core_ctx_new(const struct ebpfc_btf *local, const struct ebpfc_btf *target,
				      const char *target_name, struct ebpfc__core_ctx **ctx);

/*
 * Add a kernel module's BTF (split BTF on the target): searched for
 * candidates only when the target itself has none for a type, as libbpf
 * does. Takes a reference. `name` is the module's ("nf_conntrack").
 */
EBPFC__HIDDEN int ebpfc__core_ctx_add_module(struct ebpfc__core_ctx *ctx,
					     const struct ebpfc_btf *module, const char *name);

/* Free the context and its poison notes. NULL is a no-op. */
EBPFC__HIDDEN void ebpfc__core_ctx_free(struct ebpfc__core_ctx *ctx);

/* What one relocation did, for callers that report it (ebpfc core-check). */
struct ebpfc__core_res {
	bool poisoned;
	uint64_t local_val;   /* the value the object's BTF gives (what clang emitted) */
	uint64_t target_val;  /* the value patched in (meaningless when poisoned) */
	uint32_t target_id;   /* the matching target type, 0 when none */
	uint32_t cand_cnt;    /* target candidates that matched */
};

/*
 * Apply relocation `relo` (record number relo_idx of its section) to
 * instruction insn_idx of program prog_name, found at `insn` with insn_cnt
 * instructions available from there (an ld_imm64 needs 2). insn_idx is the
 * index in the final, linked program: the one the verifier's log will name.
 * Returns 0 when the instruction was patched or poisoned (see the top of
 * this file), a negative errno with a message otherwise; `res` (may be NULL)
 * says which. A new poison note for the same (program, instruction)
 * replaces the old one.
 */
EBPFC__HIDDEN int ebpfc__core_apply(struct ebpfc__core_ctx *ctx, const char *prog_name,
				    size_t relo_idx, size_t insn_idx,
				    const struct bpf_core_relo *relo, struct bpf_insn *insn,
				    size_t insn_cnt, struct ebpfc__core_res *res);

/*
 * Apply every record of one .BTF.ext section block (from
 * ebpfc__btf_ext_find(ext, EBPFC__BTF_EXT_CORE_RELO, code section name))
 * that falls on one function copied into a linked program: the function is
 * instructions [sec_start, sec_start + cnt) of its ELF section and was
 * copied to insns[0..cnt), which is instruction dst_idx of the program.
 * Records outside the function are skipped; relocation numbers in messages
 * are record numbers within `sec`. Stops at the first error.
 */
EBPFC__HIDDEN int ebpfc__core_apply_func(struct ebpfc__core_ctx *ctx, const char *prog_name,
					 const struct ebpfc__btf_ext_sec *sec, size_t sec_start,
					 size_t cnt, struct bpf_insn *insns, size_t dst_idx);

/* One poisoned instruction. */
struct ebpfc__core_poison {
	char *prog;
	size_t insn_idx;   /* in the linked program */
	size_t relo_idx;
	char *reason;      /* a whole line: "program 'x': CO-RE relocation #3 (insn 17, ...): ..." */
};

/*
 * Why instruction insn_idx of program prog_name was poisoned, for the
 * message after a verifier failure there ("invalid func unknown#195896080"),
 * or NULL when it was not. Valid until the context is freed or the note
 * is replaced or cleared.
 */
EBPFC__HIDDEN const char *ebpfc__core_poison_reason(const struct ebpfc__core_ctx *ctx,
						    const char *prog_name, size_t insn_idx);

/* Every poison note, in the order they were made: count, and the idx-th (NULL past the end). */
EBPFC__HIDDEN size_t ebpfc__core_poison_cnt(const struct ebpfc__core_ctx *ctx);
EBPFC__HIDDEN const struct ebpfc__core_poison *
ebpfc__core_poison_at(const struct ebpfc__core_ctx *ctx, size_t idx);

/* Forget the notes of one program (before it is linked again). */
EBPFC__HIDDEN void ebpfc__core_poison_clear(struct ebpfc__core_ctx *ctx, const char *prog_name);

/*
 * Describe a relocation against the local BTF alone, for listings:
 * "byte_off task_struct.real_parent", "type_size struct task_struct",
 * "enumval_value enum pid_type::PIDTYPE_TGID". Always terminates buf;
 * returns 0, or a negative errno (with a message) when the record is
 * malformed, in which case buf holds what could be said.
 */
EBPFC__HIDDEN int ebpfc__core_relo_str(const struct ebpfc_btf *local,
				       const struct bpf_core_relo *relo, char *buf, size_t size);

/* libbpf's short name of a relocation kind: "byte_off", "type_exists"... "unknown" past the end. */
EBPFC__HIDDEN const char *ebpfc__core_kind_str(unsigned int kind);

#endif /* EBPFC_SRC_CORE_H */
