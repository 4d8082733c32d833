/*
 * btf_load.h - putting an object's BTF into the kernel.
 */
#ifndef EBPFC_BTF_LOAD_H
#define EBPFC_BTF_LOAD_H

#include <ebpfc/btf.h>
#include "elf.h"
#include "internal.h"

/*
 * Fix up an object's BTF where clang leaves the work to the loader: data
 * section sizes and variable offsets from the ELF file, and a layout for
 * extern sections (.kconfig, .ksyms), whose variables become global.
 * Done once at open, so that the BTF a caller sees is the one loaded.
 */
EBPFC__HIDDEN int ebpfc__btf_fixup_object(struct ebpfc_btf *btf, const struct ebpfc__elf *elf,
					  const char *obj_name);

/*
 * Load a fixed-up object BTF into the kernel. *fd is the BTF fd, or -1
 * when the kernel refused it (the reason goes to the log callback: BTF is
 * optional for most objects, and the loader carries on without it).
 * Returns a negative errno only for malformed input.
 */
EBPFC__HIDDEN int ebpfc__btf_load_object(const struct ebpfc_btf *btf, const char *obj_name,
					 ebpfc_log_fn log_fn, void *log_user, int *fd);

/*
 * The BTF a loaded program was loaded with (for freplace and fentry on BPF
 * programs): read back from the kernel into a private ebpfc_btf.
 */
EBPFC__HIDDEN int ebpfc__btf_from_prog_fd(int prog_fd, const char *what, struct ebpfc_btf **btf);

/*
 * Rewrite, in place, the kinds a kernel lacks into ones it knows, keeping
 * every record's size so type ids do not move: type_tag -> const,
 * decl_tag -> int, float -> struct, enum64 -> union of ints; bit 31 of
 * `missing` makes every function static. `missing` is a mask of
 * 1 << BTF_KIND_*. Used on a copy when the kernel refuses an object's BTF.
 */
EBPFC__HIDDEN int ebpfc__btf_sanitize(void *raw, size_t size, __u32 missing);

#endif /* EBPFC_BTF_LOAD_H */
