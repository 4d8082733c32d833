/*
 * prog_int.h - the inside of a program handle and the loader core with the
 * growing verifier log, shared by prog.c and the object loader.
 */
#ifndef EBPFC_PROG_INT_H
#define EBPFC_PROG_INT_H

#include <ebpfc/prog.h>
#include "internal.h"

/* A verifier log: malloc'd text, its length, and whether it was cut. */
struct ebpfc__vlog {
	char *buf;
	size_t len;
	bool truncated;
};

struct ebpfc_object;

struct ebpfc_prog {
	int fd;			/* -1 until loaded */
	__u32 type;
	char *name;
	struct ebpfc__vlog log;
	struct ebpfc_object *obj; /* owner, or NULL for a standalone program */
};

/*
 * Load instructions with the log policy described in prog.h; *fd gets the
 * program fd; *log receives the log (also on failure), which the caller
 * frees with ebpfc__vlog_free(). Messages name the program.
 */
EBPFC__HIDDEN int ebpfc__prog_load(__u32 type, const char *name, const char *license,
				   const struct bpf_insn *insns, size_t insn_cnt,
				   struct ebpfc_prog_load_opts *opts, int *fd,
				   struct ebpfc__vlog *log);
EBPFC__HIDDEN void ebpfc__vlog_free(struct ebpfc__vlog *log);

#endif /* EBPFC_PROG_INT_H */
