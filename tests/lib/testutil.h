/*
 * testutil.h - what every ebpfc test shares: the privilege check and skip
 * macros that keep a kernel test from passing vacuously, bpffs and
 * cgroup scratch directories, fd counting for leak checks, an errmsg
 * assertion, a tiny BTF blob and a few instruction macros for
 * hand-assembled programs.
 *
 * Not here: anything about one subsystem's behaviour; that belongs in
 * the test file that covers it.
 */
#ifndef EBPFC_TESTUTIL_H
#define EBPFC_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include <ebpfc/ebpfc.h>

/*
 * Can this process make bpf() calls that need privileges? True with
 * CAP_SYS_ADMIN (root) or with CAP_BPF+CAP_PERFMON+CAP_NET_ADMIN, read
 * from CapEff in /proc/self/status. When false, *why (if why is not NULL)
 * says what is missing, e.g. "running as uid 1000 without them".
 */
bool tu_have_bpf_privs(const char **why);

/* Skip the current test, with a reason, unless the process may use bpf(). */
#define TU_REQUIRE_PRIVS()                                                              \
	do {                                                                            \
		const char *tu_why_ = "";                                               \
		if (!tu_have_bpf_privs(&tu_why_)) {                                     \
			print_message("skipped: needs root or "                         \
				      "CAP_BPF+CAP_PERFMON+CAP_NET_ADMIN: %s\n",        \
				      tu_why_);                                         \
			skip();                                                         \
		}                                                                       \
	} while (0)

/*
 * Skip unless a feature probe (an ebpfc_probe_*() call) answers 1; the
 * reason printed is the probe's ebpfc_errmsg().
 */
#define TU_REQUIRE_PROBE(expr)                                                          \
	do {                                                                            \
		int tu_r_ = (expr);                                                     \
		if (tu_r_ != 1) {                                                       \
			print_message("skipped: %s is %d here: %s\n", #expr, tu_r_,      \
				      ebpfc_errmsg());                                  \
			skip();                                                         \
		}                                                                       \
	} while (0)

/* Fail (not skip) with the message when ebpfc_errmsg() lacks substr. */
#define assert_errmsg_contains(substr)                                                  \
	do {                                                                            \
		const char *tu_m_ = ebpfc_errmsg();                                     \
		const char *tu_s_ = (substr);                                           \
		if (!tu_m_ || !strstr(tu_m_, tu_s_))                                    \
			fail_msg("ebpfc_errmsg() is \"%s\", expected it to contain "     \
				 "\"%s\"",                                              \
				 tu_m_ ? tu_m_ : "(null)", tu_s_);                      \
	} while (0)

/* assert_int_equal that prints ebpfc_errmsg() when a call failed unexpectedly. */
#define assert_ok(expr)                                                                 \
	do {                                                                            \
		long tu_e_ = (long)(expr);                                              \
		if (tu_e_ != 0)                                                         \
			fail_msg("%s returned %ld; ebpfc_errmsg(): %s", #expr, tu_e_,    \
				 ebpfc_errmsg());                                       \
	} while (0)

/* Assert a call failed with exactly -err (err given positive). */
#define assert_err(expr, err)                                                           \
	do {                                                                            \
		long tu_e_ = (long)(expr);                                              \
		if (tu_e_ != -(long)(err))                                              \
			fail_msg("%s returned %ld, expected %ld; ebpfc_errmsg(): %s",    \
				 #expr, tu_e_, -(long)(err), ebpfc_errmsg());           \
	} while (0)

#define TU_PATH_MAX 256

/*
 * Make a fresh, uniquely named directory on a bpffs mount and write its
 * path into buf (TU_PATH_MAX bytes). Mounts bpffs on /sys/fs/bpf first when
 * nothing is mounted there and the process may mount. Returns 0, or a
 * negative errno with the reason in tu_last_why().
 */
int tu_bpffs_dir(char *buf);
/* Skip the test, with the reason, when tu_bpffs_dir() cannot give a directory. */
#define TU_REQUIRE_BPFFS(buf)                                                           \
	do {                                                                            \
		if (tu_bpffs_dir(buf) != 0) {                                           \
			print_message("skipped: no bpffs to pin in: %s\n",              \
				      tu_last_why());                                   \
			skip();                                                         \
		}                                                                       \
	} while (0)

/*
 * Make a fresh cgroup v2 directory (under /sys/fs/cgroup/unified or
 * /sys/fs/cgroup, whichever is a cgroup2 mount). Returns 0 or -errno with
 * the reason in tu_last_why(). Remove it with rmdir() (tu_rm_rf works).
 */
int tu_cgroup2_dir(char *buf);
#define TU_REQUIRE_CGROUP2(buf)                                                         \
	do {                                                                            \
		if (tu_cgroup2_dir(buf) != 0) {                                         \
			print_message("skipped: no cgroup v2 directory: %s\n",          \
				      tu_last_why());                                   \
			skip();                                                         \
		}                                                                       \
	} while (0)

/*
 * Remove every directory tu_bpffs_dir() and tu_cgroup2_dir() made that is
 * still there, so that a failed assertion leaves nothing behind. Has the
 * signature of a cmocka setup/teardown; use it as the group teardown.
 */
int tu_teardown(void **state);

/* Why the last tu_* helper failed. */
const char *tu_last_why(void);

/* Remove a file or a directory tree; missing is fine. Returns 0 or -errno. */
int tu_rm_rf(const char *path);

/* The number of open file descriptors of this process (/proc/self/fd). */
int tu_count_fds(void);

/* Does path exist? */
bool tu_exists(const char *path);

/*
 * The smallest BTF a kernel accepts: the header, one `int` type (id 1)
 * and its name. Returns the blob's size (0 if buf is too small).
 */
size_t tu_btf_int_blob(void *buf, size_t bufsz);

/*
 * The id of a FUNC type named `name` in /sys/kernel/btf/vmlinux, or a
 * negative errno (-ENOENT if absent) with the reason in tu_last_why().
 */
int tu_vmlinux_btf_func_id(const char *name);

/* Parse /sys/devices/system/cpu/possible on our own: highest CPU + 1. */
int tu_possible_cpus(void);

/* ---- hand-assembled instructions ------------------------------------------------
 *
 * Brace initializers, so they work in array initializers; assign one with a
 * cast: insns[i] = (struct bpf_insn)TU_EXIT();
 */
#define TU_INSN(CODE, DST, SRC, OFF, IMM) \
	{ .code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) }

#define TU_MOV64_IMM(DST, IMM) TU_INSN(BPF_ALU64 | BPF_MOV | BPF_K, DST, 0, 0, IMM)
#define TU_MOV64_REG(DST, SRC) TU_INSN(BPF_ALU64 | BPF_MOV | BPF_X, DST, SRC, 0, 0)
#define TU_ALU64_IMM(OP, DST, IMM) TU_INSN(BPF_ALU64 | (OP) | BPF_K, DST, 0, 0, IMM)
#define TU_ALU64_REG(OP, DST, SRC) TU_INSN(BPF_ALU64 | (OP) | BPF_X, DST, SRC, 0, 0)
/* DST = *(SIZE *)(SRC + OFF); SIZE is BPF_B, BPF_H, BPF_W or BPF_DW. */
#define TU_LDX_MEM(SIZE, DST, SRC, OFF) TU_INSN(BPF_LDX | (SIZE) | BPF_MEM, DST, SRC, OFF, 0)
/* *(SIZE *)(DST + OFF) = SRC */
#define TU_STX_MEM(SIZE, DST, SRC, OFF) TU_INSN(BPF_STX | (SIZE) | BPF_MEM, DST, SRC, OFF, 0)
/* *(SIZE *)(DST + OFF) = IMM */
#define TU_ST_MEM(SIZE, DST, OFF, IMM) TU_INSN(BPF_ST | (SIZE) | BPF_MEM, DST, 0, OFF, IMM)
/* lock *(SIZE *)(DST + OFF) += SRC */
#define TU_ATOMIC_ADD(SIZE, DST, SRC, OFF) \
	TU_INSN(BPF_STX | (SIZE) | BPF_ATOMIC, DST, SRC, OFF, BPF_ADD)
/* if (DST OP IMM) goto pc + 1 + OFF */
#define TU_JMP_IMM(OP, DST, IMM, OFF) TU_INSN(BPF_JMP | (OP) | BPF_K, DST, 0, OFF, IMM)
#define TU_JMP_REG(OP, DST, SRC, OFF) TU_INSN(BPF_JMP | (OP) | BPF_X, DST, SRC, OFF, 0)
#define TU_JA(OFF) TU_INSN(BPF_JMP | BPF_JA, 0, 0, OFF, 0)
#define TU_CALL(HELPER) TU_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, HELPER)
#define TU_EXIT() TU_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* Two slots: DST = 64-bit IMM, or with SRC = BPF_PSEUDO_MAP_FD the map of fd IMM. */
#define TU_LD_IMM64_RAW(DST, SRC, IMM64)                                             \
	TU_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, 0, (__s32)(__u32)(__u64)(IMM64)), \
	TU_INSN(0, 0, 0, 0, (__s32)(__u32)((__u64)(IMM64) >> 32))
#define TU_LD_MAP_FD(DST, FD) TU_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_FD, FD)

#define TU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* EBPFC_TESTUTIL_H */
