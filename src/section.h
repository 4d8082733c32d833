/*
 * section.h - what an ELF section name says about the programs in it,
 * following the names BPF developers already use with libbpf
 * ("xdp", "tracepoint/syscalls/sys_enter_openat", "fentry.s/do_unlinkat").
 */
#ifndef EBPFC_SECTION_H
#define EBPFC_SECTION_H

#include <linux/types.h>
#include "internal.h"

enum {
	EBPFC__SEC_SLEEPABLE = 1 << 0,	/* BPF_F_SLEEPABLE */
	EBPFC__SEC_XDP_FRAGS = 1 << 1,	/* BPF_F_XDP_HAS_FRAGS */
	EBPFC__SEC_ATTACH_BTF = 1 << 2,	/* needs an attach BTF id (fentry, lsm, tp_btf ...) */
	EBPFC__SEC_PREFIX = 1 << 3,	/* the name continues with a target after '/' */
};

struct ebpfc__sec_def {
	const char *prefix;	/* as written in SEC(), without the trailing target */
	__u32 prog_type;
	__u32 attach_type;	/* expected_attach_type for the load */
	__u32 flags;		/* EBPFC__SEC_* */
};

/*
 * Find the definition for a section name. *target points to what follows
 * the prefix's '/', or "" when there is nothing. Returns NULL when the name
 * is not a known program section.
 */
EBPFC__HIDDEN const struct ebpfc__sec_def *ebpfc__sec_find(const char *name, const char **target);

#endif /* EBPFC_SECTION_H */
