/*
 * ebpfc/sys.h - one thin wrapper per bpf() command ebpfc uses.
 *
 * These work on raw file descriptors and fill the kernel's attribute block
 * only as far as the command needs. They are for callers who manage fds
 * themselves; most code wants the handles in map.h and prog.h instead.
 * Every function returns 0 (or an fd through an out-parameter) on success
 * and a negative errno on failure, with a message naming the command in
 * ebpfc_errmsg(). In options, a file-descriptor member left at 0 means
 * "none" (as in the kernel's own attribute blocks).
 */
#ifndef EBPFC_SYS_H
#define EBPFC_SYS_H

#include <stdint.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include <ebpfc/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- maps --------------------------------------------------------------- */

struct ebpfc_map_create_opts {
	size_t sz;
	__u32 map_flags;		/* BPF_F_* */
	int inner_map_fd;		/* template for map-in-map types */
	__u32 numa_node;		/* used when map_flags has BPF_F_NUMA_NODE */
	__u32 map_ifindex;		/* device for offloaded maps */
	int btf_fd;			/* BTF holding the key/value types */
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 btf_vmlinux_value_type_id;/* struct_ops */
	__u64 map_extra;		/* bloom filter hashes, arena address ... */
	int value_type_btf_obj_fd;	/* module BTF for btf_vmlinux_value_type_id */
	int token_fd;			/* BPF token (6.9+) */
};

/* Create a map; on success *fd is the new map's file descriptor. */
EBPFC_API int ebpfc_sys_map_create(__u32 map_type, const char *name, __u32 key_size,
				   __u32 value_size, __u32 max_entries,
				   const struct ebpfc_map_create_opts *opts, int *fd);
EBPFC_API int ebpfc_sys_map_lookup(int fd, const void *key, void *value, __u64 flags);
EBPFC_API int ebpfc_sys_map_update(int fd, const void *key, const void *value, __u64 flags);
EBPFC_API int ebpfc_sys_map_delete(int fd, const void *key, __u64 flags);
/* key NULL gives the first key. -ENOENT after the last one. */
EBPFC_API int ebpfc_sys_map_next_key(int fd, const void *key, void *next_key);
EBPFC_API int ebpfc_sys_map_lookup_and_delete(int fd, const void *key, void *value, __u64 flags);
EBPFC_API int ebpfc_sys_map_freeze(int fd);

/*
 * Batch commands. *count is the number of elements the buffers hold on
 * entry and the number processed on return (also when -ENOENT says the
 * map has no more elements).
 */
EBPFC_API int ebpfc_sys_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
					 void *values, __u32 *count, __u64 elem_flags,
					 __u64 flags);
EBPFC_API int ebpfc_sys_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch,
						    void *keys, void *values, __u32 *count,
						    __u64 elem_flags, __u64 flags);
EBPFC_API int ebpfc_sys_map_update_batch(int fd, const void *keys, const void *values,
					 __u32 *count, __u64 elem_flags, __u64 flags);
EBPFC_API int ebpfc_sys_map_delete_batch(int fd, const void *keys, __u32 *count,
					 __u64 elem_flags, __u64 flags);

/* ---- pinning --------------------------------------------------------------- */

EBPFC_API int ebpfc_sys_obj_pin(int fd, const char *path);
/* flags: 0, BPF_F_RDONLY or BPF_F_WRONLY. */
EBPFC_API int ebpfc_sys_obj_get(const char *path, __u32 flags, int *fd);

/* ---- programs ------------------------------------------------------------- */

struct ebpfc_prog_load_opts {
	size_t sz;
	__u32 expected_attach_type;
	__u32 prog_flags;		/* BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS ... */
	__u32 kern_version;		/* kprobes on kernels before 5.0 */
	__u32 prog_ifindex;
	int prog_btf_fd;
	const void *func_info;
	__u32 func_info_rec_size;
	__u32 func_info_cnt;
	const void *line_info;
	__u32 line_info_rec_size;
	__u32 line_info_cnt;
	__u32 attach_btf_id;		/* fentry/fexit/lsm/tp_btf/struct_ops target */
	int attach_prog_fd;		/* freplace / fentry on a BPF program */
	int attach_btf_obj_fd;		/* module BTF of attach_btf_id */
	const int *fd_array;
	__u32 fd_array_cnt;
	int token_fd;
	/*
	 * Verifier log. log_level 0 asks for no log (but ebpfc_prog_load()
	 * retries a failed load with level 1 to explain the failure);
	 * 1 = BPF_LOG_LEVEL1, 2 = BPF_LOG_LEVEL2, 4 = BPF_LOG_STATS.
	 * log_buf/log_size: a caller buffer. ebpfc_sys_prog_load() uses only
	 * it; ebpfc_prog_load() manages its own growing buffer when log_buf is
	 * NULL. log_true_size is set on return (6.4+ kernels report the size
	 * the whole log needed; 0 on older ones).
	 */
	__u32 log_level;
	__u32 log_size;
	char *log_buf;
	__u32 log_true_size;
	/* ebpfc_prog_load(): cap for the growing log buffer (default 16 MiB). */
	__u32 log_size_max;
	/* ebpfc_prog_load(): on failure, receives the verifier log (malloc'd, free it). */
	char **log_out;
	/* ebpfc_prog_load(): debug lines about what the loader did. */
	ebpfc_log_fn log_fn;
	void *log_user;
};

/* Load a program from instructions; on success *fd is its file descriptor. */
EBPFC_API int ebpfc_sys_prog_load(__u32 prog_type, const char *name, const char *license,
				  const struct bpf_insn *insns, __u32 insn_cnt,
				  struct ebpfc_prog_load_opts *opts, int *fd);

/* BPF_PROG_TEST_RUN. In members are read; out members are written back. */
struct ebpfc_test_run_opts {
	size_t sz;
	const void *data_in;
	__u32 data_size_in;
	void *data_out;
	__u32 data_size_out;		/* in: buffer size; out: bytes the program produced */
	const void *ctx_in;
	__u32 ctx_size_in;
	void *ctx_out;
	__u32 ctx_size_out;		/* in: buffer size; out: bytes written */
	__u32 repeat;
	__u32 flags;			/* BPF_F_TEST_RUN_ON_CPU, BPF_F_TEST_XDP_LIVE_FRAMES */
	__u32 cpu;
	__u32 batch_size;
	__u32 retval;			/* out */
	__u32 duration;			/* out: mean ns per run */
};

EBPFC_API int ebpfc_sys_prog_test_run(int prog_fd, struct ebpfc_test_run_opts *opts);
EBPFC_API int ebpfc_sys_prog_bind_map(int prog_fd, int map_fd);

/* ---- BTF ------------------------------------------------------------------ */

struct ebpfc_btf_load_opts {
	size_t sz;
	char *log_buf;
	__u32 log_size;
	__u32 log_level;
	__u32 log_true_size;		/* out, 6.4+ */
	__u32 btf_flags;
	int token_fd;
};

EBPFC_API int ebpfc_sys_btf_load(const void *data, __u32 size, struct ebpfc_btf_load_opts *opts,
				 int *fd);

/* ---- links and attachment ---------------------------------------------------- */

struct ebpfc_link_create_opts {
	size_t sz;
	__u32 flags;
	__u32 target_btf_id;		/* tracing on a BPF program or BTF id */
	const void *iter_info;		/* union bpf_iter_link_info */
	__u32 iter_info_len;
	__u64 cookie;			/* perf_event, tracing, kprobe (bpf_get_attach_cookie) */
	struct {
		__u32 flags;
		__u32 cnt;
		const char **syms;
		const unsigned long *addrs;
		const __u64 *cookies;
	} kprobe_multi;
	struct {
		const char *path;
		const unsigned long *offsets;
		const unsigned long *ref_ctr_offsets;
		const __u64 *cookies;
		__u32 cnt;
		__u32 flags;
		__u32 pid;
	} uprobe_multi;
	struct {
		__u32 relative_fd;		/* or relative_id with BPF_F_ID */
		__u64 expected_revision;
	} tcx;				/* also netkit and cgroup ordering */
	struct {
		__u32 pf;
		__u32 hooknum;
		__s32 priority;
		__u32 flags;
	} netfilter;
};

/*
 * BPF_LINK_CREATE: attach prog_fd to target (an fd, or an ifindex for XDP
 * and tcx) with attach_type; on success *fd is the link.
 */
EBPFC_API int ebpfc_sys_link_create(int prog_fd, int target, __u32 attach_type,
				    const struct ebpfc_link_create_opts *opts, int *fd);
/* Replace the program of a link; old_prog_fd > 0 makes it conditional. */
EBPFC_API int ebpfc_sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, __u32 flags);
EBPFC_API int ebpfc_sys_link_detach(int link_fd);
/* Legacy BPF_PROG_ATTACH / BPF_PROG_DETACH (cgroups, sockmaps, flow dissector). */
EBPFC_API int ebpfc_sys_prog_attach(int prog_fd, int target_fd, __u32 attach_type, __u32 flags);
EBPFC_API int ebpfc_sys_prog_detach(int prog_fd, int target_fd, __u32 attach_type);
/* BPF_RAW_TRACEPOINT_OPEN; name NULL for tp_btf/fentry style programs. */
EBPFC_API int ebpfc_sys_raw_tracepoint_open(const char *name, int prog_fd, __u64 cookie, int *fd);
EBPFC_API int ebpfc_sys_iter_create(int link_fd, int *fd);
/*
 * BPF_PROG_QUERY: programs attached to target (an fd, or an ifindex for
 * tcx) for attach_type. prog_ids holds *prog_cnt ids on entry; on return
 * *prog_cnt is the number attached. attach_flags and revision may be NULL.
 */
EBPFC_API int ebpfc_sys_prog_query(int target, __u32 attach_type, __u32 query_flags,
				   __u32 *attach_flags, __u32 *prog_ids, __u32 *prog_cnt,
				   __u64 *revision);

/* ---- introspection ----------------------------------------------------------- */

/*
 * BPF_OBJ_GET_INFO_BY_FD into struct bpf_prog_info / bpf_map_info /
 * bpf_btf_info / bpf_link_info. *info_len is the buffer size on entry and
 * the size the kernel filled on return.
 */
EBPFC_API int ebpfc_sys_obj_get_info(int fd, void *info, __u32 *info_len);

/* The id after start_id; -ENOENT after the last. */
EBPFC_API int ebpfc_sys_prog_get_next_id(__u32 start_id, __u32 *next_id);
EBPFC_API int ebpfc_sys_map_get_next_id(__u32 start_id, __u32 *next_id);
EBPFC_API int ebpfc_sys_btf_get_next_id(__u32 start_id, __u32 *next_id);
EBPFC_API int ebpfc_sys_link_get_next_id(__u32 start_id, __u32 *next_id);

/* A new fd for an object by id. open_flags: BPF_F_RDONLY etc. for maps. */
EBPFC_API int ebpfc_sys_prog_get_fd_by_id(__u32 id, int *fd);
EBPFC_API int ebpfc_sys_map_get_fd_by_id(__u32 id, __u32 open_flags, int *fd);
EBPFC_API int ebpfc_sys_btf_get_fd_by_id(__u32 id, int *fd);
EBPFC_API int ebpfc_sys_link_get_fd_by_id(__u32 id, int *fd);

/* BPF_ENABLE_STATS (BPF_STATS_RUN_TIME); statistics stay on while *fd is open. */
EBPFC_API int ebpfc_sys_enable_stats(__u32 type, int *fd);

/* BPF_TOKEN_CREATE from a bpffs mounted with delegation options (6.9+). */
EBPFC_API int ebpfc_sys_token_create(int bpffs_fd, __u32 flags, int *fd);

/* The name of a bpf() command, e.g. "BPF_MAP_CREATE". */
EBPFC_API const char *ebpfc_sys_cmd_name(int cmd);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_SYS_H */
