/*
 * ebpfc/prog.h - program handles: load a program from instructions, keep
 * the verifier's log, run it with BPF_PROG_TEST_RUN, pin it.
 *
 * The verifier log is never silently cut: the buffer grows when the kernel
 * says it was too small (up to a cap), and a log that still did not fit is
 * marked truncated and says so in its text.
 */
#ifndef EBPFC_PROG_H
#define EBPFC_PROG_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include <ebpfc/common.h>
#include <ebpfc/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfc_prog;

/*
 * Load a program. license NULL means no license (GPL-only helpers are then
 * refused). insn_cnt counts struct bpf_insn slots (ld_imm64 takes two).
 * With opts->log_level > 0 the log is kept on the handle. When the kernel
 * rejects the program, the load is repeated with a log if none was asked
 * for, ebpfc_errmsg() quotes the verifier's verdict, and *opts->log_out
 * (when set) receives the whole log.
 */
EBPFC_API int ebpfc_prog_load(__u32 prog_type, const char *name, const char *license,
			      const struct bpf_insn *insns, size_t insn_cnt,
			      struct ebpfc_prog_load_opts *opts, struct ebpfc_prog **prog);

EBPFC_API int ebpfc_prog_open_pinned(const char *path, struct ebpfc_prog **prog);
EBPFC_API int ebpfc_prog_open_id(__u32 id, struct ebpfc_prog **prog);
/* Wrap a program fd the caller has; the handle gets its own duplicate. */
EBPFC_API int ebpfc_prog_open_fd(int fd, struct ebpfc_prog **prog);

/* Close the program's fd and free the handle (and its log). NULL is a no-op. */
EBPFC_API void ebpfc_prog_destroy(struct ebpfc_prog *prog);

EBPFC_API int ebpfc_prog_fd(const struct ebpfc_prog *prog);
EBPFC_API const char *ebpfc_prog_name(const struct ebpfc_prog *prog);
EBPFC_API __u32 ebpfc_prog_type(const struct ebpfc_prog *prog);

/* The verifier log kept on the handle ("" when none was asked for). */
EBPFC_API const char *ebpfc_prog_log(const struct ebpfc_prog *prog);
EBPFC_API size_t ebpfc_prog_log_len(const struct ebpfc_prog *prog);
/* True when the log did not fit under the cap; the text then says so too. */
EBPFC_API bool ebpfc_prog_log_truncated(const struct ebpfc_prog *prog);

/* Run the program once or opts->repeat times on test input. */
EBPFC_API int ebpfc_prog_test_run(const struct ebpfc_prog *prog, struct ebpfc_test_run_opts *opts);

EBPFC_API int ebpfc_prog_pin(const struct ebpfc_prog *prog, const char *path);
EBPFC_API int ebpfc_prog_unpin(const struct ebpfc_prog *prog, const char *path);

struct ebpfc_prog_info {
	__u32 type;
	__u32 id;
	__u8 tag[8];
	char name[16];
	__u32 xlated_prog_len;
	__u32 jited_prog_len;
	__u32 nr_map_ids;
	__u32 btf_id;
	__u32 verified_insns;
	__u64 run_time_ns;	/* with BPF_ENABLE_STATS on */
	__u64 run_cnt;
	__u64 load_time;	/* ns since boot */
	bool gpl_compatible;
};

EBPFC_API int ebpfc_prog_info(const struct ebpfc_prog *prog, struct ebpfc_prog_info *info);

/* A readable name for a program type, e.g. "xdp"; "unknown" if not known. */
EBPFC_API const char *ebpfc_prog_type_name(__u32 prog_type);
/* A readable name for an attach type, e.g. "cgroup_inet_ingress"; "unknown" if not known. */
EBPFC_API const char *ebpfc_attach_type_name(__u32 attach_type);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_PROG_H */
