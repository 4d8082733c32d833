/*
 * btf.h - the library's internal side of BTF: what the object, CO-RE and
 * BTF-loading stages need beyond include/ebpfc/btf.h (writable bytes for
 * fixups, naming the source in errors) and the .BTF.ext reader
 * (src/btf_ext.c). Not API.
 */
#ifndef EBPFC_SRC_BTF_H
#define EBPFC_SRC_BTF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <ebpfc/btf.h>

#include "internal.h"

/* Longest typedef/modifier chain, and deepest nesting, a walk follows. */
#define EBPFC__BTF_MAX_DEPTH 32

/*
 * ebpfc_btf_open_mem() with `what` naming the source in error messages and
 * in later lookups ("object 'x.bpf.o' .BTF"); NULL means "BTF".
 */
EBPFC__HIDDEN int ebpfc__btf_open_mem(const void *data, size_t size,
				      const struct ebpfc_btf_open_opts *opts, const char *what,
				      struct ebpfc_btf **btf);

/*
 * The same for bytes the caller owns and lets this BTF write: fixups then
 * happen in place (ebpfc__btf_raw_mut() copies nothing). The bytes must
 * outlive the BTF.
 */
EBPFC__HIDDEN int ebpfc__btf_open_lent(void *data, size_t size, const char *what,
				       struct ebpfc_btf **btf);

/* Take one more reference (what split BTF does to its base). */
EBPFC__HIDDEN struct ebpfc_btf *ebpfc__btf_get(const struct ebpfc_btf *btf);

/* The label given at open ("BTF", "kernel BTF", ...), for messages. */
EBPFC__HIDDEN const char *ebpfc__btf_what(const struct ebpfc_btf *btf);

/*
 * Writable raw bytes of this BTF (not its base), for fixups of object BTF
 * before loading. Borrowed or mapped bytes are copied once, privately (lent
 * ones are written in place); the
 * layout does not change, but pointers taken from the BTF before the first
 * call point into the old bytes. The shared vmlinux instance refuses
 * (-EPERM). Fixups that change names must call ebpfc__btf_names_changed().
 */
EBPFC__HIDDEN int ebpfc__btf_raw_mut(struct ebpfc_btf *btf, void **data, size_t *size);

/* Drop the lazily built name index; the next lookup rebuilds it. */
EBPFC__HIDDEN void ebpfc__btf_names_changed(struct ebpfc_btf *btf);

/* For tests: references held on the shared vmlinux BTF, 0 when none is open. */
EBPFC__HIDDEN int ebpfc__btf_vmlinux_refs(void);

/*
 * .BTF.ext: per-ELF-section function info, line info and CO-RE relocation
 * records, as clang emits them next to .BTF.
 */
struct ebpfc__btf_ext;

enum ebpfc__btf_ext_kind {
	EBPFC__BTF_EXT_FUNC_INFO = 0, /* records: struct bpf_func_info */
	EBPFC__BTF_EXT_LINE_INFO = 1, /* records: struct bpf_line_info */
	EBPFC__BTF_EXT_CORE_RELO = 2, /* records: struct bpf_core_relo */
	EBPFC__BTF_EXT_KIND_CNT = 3,
};

/*
 * One ELF section's records of one kind. Record i is at
 * (const char *)recs + i * rec_size and starts with the struct named above;
 * rec_size may be larger than that struct (a newer compiler's records),
 * never smaller. insn_off in every record is in bytes, a multiple of 8.
 */
struct ebpfc__btf_ext_sec {
	const char *sec_name; /* the ELF section, "kprobe/do_exit", ".text"... */
	uint32_t sec_name_off;
	uint32_t rec_size;
	uint32_t count;       /* >= 1 */
	const void *recs;     /* 4-byte aligned */
};

/*
 * Parse and validate .BTF.ext bytes against the object's .BTF: section
 * names, file names, lines and access strings must be strings of `btf`,
 * func_info types must be funcs, relocation types in range. Borrows `data`
 * (copied if not 4-byte aligned) and takes a reference on `btf`.
 */
EBPFC__HIDDEN int ebpfc__btf_ext_open(const void *data, size_t size, const struct ebpfc_btf *btf,
				      struct ebpfc__btf_ext **ext);
EBPFC__HIDDEN void ebpfc__btf_ext_destroy(struct ebpfc__btf_ext *ext);

/* Number of ELF sections with records of this kind. */
EBPFC__HIDDEN uint32_t ebpfc__btf_ext_sec_cnt(const struct ebpfc__btf_ext *ext,
					      enum ebpfc__btf_ext_kind kind);

/* The idx-th of them, in file order, or NULL past the end. */
EBPFC__HIDDEN const struct ebpfc__btf_ext_sec *
ebpfc__btf_ext_sec(const struct ebpfc__btf_ext *ext, enum ebpfc__btf_ext_kind kind, uint32_t idx);

/*
 * The records of this kind for the ELF section `sec_name` (the first block
 * if it appears twice). -ENOENT when the section has none.
 */
EBPFC__HIDDEN int ebpfc__btf_ext_find(const struct ebpfc__btf_ext *ext,
				      enum ebpfc__btf_ext_kind kind, const char *sec_name,
				      const struct ebpfc__btf_ext_sec **sec);

#endif /* EBPFC_SRC_BTF_H */
