/*
 * kmod_btf.h - the BTF of loaded kernel modules (/sys/kernel/btf/<module>,
 * split on vmlinux), for what is not in vmlinux: attach targets, kfuncs,
 * kernel variables and CO-RE candidates that live in modules.
 */
#ifndef EBPFC_KMOD_BTF_H
#define EBPFC_KMOD_BTF_H

#include <ebpfc/btf.h>
#include "internal.h"

struct ebpfc__kmod {
	char name[64];
	struct ebpfc_btf *btf;	/* split on vmlinux */
	int fd;			/* the kernel's BTF object fd, -1 until asked for */
};

struct ebpfc__kmods {
	struct ebpfc__kmod *mods;
	size_t cnt;
};

/*
 * Open the BTF of every loaded module, split on `vmlinux`. A kernel
 * without module BTF gives an empty set, not an error.
 */
EBPFC__HIDDEN int ebpfc__kmods_open(const struct ebpfc_btf *vmlinux, struct ebpfc__kmods *set);
EBPFC__HIDDEN void ebpfc__kmods_close(struct ebpfc__kmods *set);

/*
 * Find `name` of `kind` in the modules' own types. *mod is the module and
 * *id the type id in its split numbering. -ENOENT when no module has it.
 */
EBPFC__HIDDEN int ebpfc__kmods_find(struct ebpfc__kmods *set, const char *name, unsigned int kind,
				    struct ebpfc__kmod **mod, __u32 *id);

/* The kernel's fd for a module's BTF object (for attach_btf_obj_fd, kfunc fd_array). */
EBPFC__HIDDEN int ebpfc__kmod_fd(struct ebpfc__kmod *mod, int *fd);

#endif /* EBPFC_KMOD_BTF_H */
