/*
 * sys.c - the only place that calls bpf(2). One thin wrapper per command:
 * each fills the attribute block only as far as its command needs and
 * passes that size, so an older kernel never sees members it does not know
 * (they would make it fail with E2BIG) and a newer one zero-extends.
 *
 * Not here: anything about maps, programs or objects as concepts. Error
 * messages name the command and fd; the layers above rewrite them with
 * the names a user knows.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ebpfc/sys.h>
#include "attr.h"
#include "sys_int.h"

#define PTR(p) ((__u64)(uintptr_t)(p))
#define ATTR_SZ(type, last) EBPFC__OFFSETOFEND(type, last)

/*
 * The system call itself. On x86-64 and arm64 the instruction is issued
 * here rather than through libc's syscall(): that saves a call level and
 * the errno round trip, about 5% of a map lookup on a VM where every
 * syscall flushes the TLB, and map lookups are what daemons do in loops.
 * The kernel returns -errno directly.
 */
static inline int sys_bpf(int cmd, void *attr, size_t size)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((long)__NR_bpf), "D"((long)cmd), "S"(attr), "d"((long)(unsigned int)size)
			 : "rcx", "r11", "memory");
	return (int)ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = __NR_bpf;
	register long x0 __asm__("x0") = cmd;
	register long x1 __asm__("x1") = (long)attr;
	register long x2 __asm__("x2") = (long)(unsigned int)size;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return (int)x0;
#else
	long ret = syscall(__NR_bpf, cmd, attr, (unsigned int)size);

	return ret < 0 ? -errno : (int)ret;
#endif
}

/*
 * Commands that create an fd: the kernel may hand out 0, 1 or 2 when a
 * daemon closed its standard streams. Such fds are moved up so that code
 * treating 0 as "none" (and the kernel's own attribute blocks do) never
 * confuses a real map with no map.
 */
static int sys_bpf_fd(int cmd, void *attr, size_t size)
{
	int fd = sys_bpf(cmd, attr, size);
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0) {
		nfd = -errno;
		close(fd);
	} else {
		close(fd);
	}
	return nfd;
}

static const char *const cmd_names[] = {
	[BPF_MAP_CREATE] = "BPF_MAP_CREATE",
	[BPF_MAP_LOOKUP_ELEM] = "BPF_MAP_LOOKUP_ELEM",
	[BPF_MAP_UPDATE_ELEM] = "BPF_MAP_UPDATE_ELEM",
	[BPF_MAP_DELETE_ELEM] = "BPF_MAP_DELETE_ELEM",
	[BPF_MAP_GET_NEXT_KEY] = "BPF_MAP_GET_NEXT_KEY",
	[BPF_PROG_LOAD] = "BPF_PROG_LOAD",
	[BPF_OBJ_PIN] = "BPF_OBJ_PIN",
	[BPF_OBJ_GET] = "BPF_OBJ_GET",
	[BPF_PROG_ATTACH] = "BPF_PROG_ATTACH",
	[BPF_PROG_DETACH] = "BPF_PROG_DETACH",
	[BPF_PROG_TEST_RUN] = "BPF_PROG_TEST_RUN",
	[BPF_PROG_GET_NEXT_ID] = "BPF_PROG_GET_NEXT_ID",
	[BPF_MAP_GET_NEXT_ID] = "BPF_MAP_GET_NEXT_ID",
	[BPF_PROG_GET_FD_BY_ID] = "BPF_PROG_GET_FD_BY_ID",
	[BPF_MAP_GET_FD_BY_ID] = "BPF_MAP_GET_FD_BY_ID",
	[BPF_OBJ_GET_INFO_BY_FD] = "BPF_OBJ_GET_INFO_BY_FD",
	[BPF_PROG_QUERY] = "BPF_PROG_QUERY",
	[BPF_RAW_TRACEPOINT_OPEN] = "BPF_RAW_TRACEPOINT_OPEN",
	[BPF_BTF_LOAD] = "BPF_BTF_LOAD",
	[BPF_BTF_GET_FD_BY_ID] = "BPF_BTF_GET_FD_BY_ID",
	[BPF_TASK_FD_QUERY] = "BPF_TASK_FD_QUERY",
	[BPF_MAP_LOOKUP_AND_DELETE_ELEM] = "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
	[BPF_MAP_FREEZE] = "BPF_MAP_FREEZE",
	[BPF_BTF_GET_NEXT_ID] = "BPF_BTF_GET_NEXT_ID",
	[BPF_MAP_LOOKUP_BATCH] = "BPF_MAP_LOOKUP_BATCH",
	[BPF_MAP_LOOKUP_AND_DELETE_BATCH] = "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
	[BPF_MAP_UPDATE_BATCH] = "BPF_MAP_UPDATE_BATCH",
	[BPF_MAP_DELETE_BATCH] = "BPF_MAP_DELETE_BATCH",
	[BPF_LINK_CREATE] = "BPF_LINK_CREATE",
	[BPF_LINK_UPDATE] = "BPF_LINK_UPDATE",
	[BPF_LINK_GET_FD_BY_ID] = "BPF_LINK_GET_FD_BY_ID",
	[BPF_LINK_GET_NEXT_ID] = "BPF_LINK_GET_NEXT_ID",
	[BPF_ENABLE_STATS] = "BPF_ENABLE_STATS",
	[BPF_ITER_CREATE] = "BPF_ITER_CREATE",
	[BPF_LINK_DETACH] = "BPF_LINK_DETACH",
	[BPF_PROG_BIND_MAP] = "BPF_PROG_BIND_MAP",
	[EBPFC__BPF_TOKEN_CREATE] = "BPF_TOKEN_CREATE",
};

EBPFC_API const char *ebpfc_sys_cmd_name(int cmd)
{
	if (cmd >= 0 && (size_t)cmd < EBPFC__ARRAY_SIZE(cmd_names) && cmd_names[cmd])
		return cmd_names[cmd];
	return "BPF_UNKNOWN_CMD";
}

/* The message every failed wrapper leaves; the layers above may replace it. */
static int sys_fail(int cmd, int err, const char *what)
{
	const char *hint = "";

	if (err == -EPERM)
		hint = "; bpf() needs root or CAP_BPF (and CAP_PERFMON/CAP_NET_ADMIN for "
		       "tracing/networking), and kernel.unprivileged_bpf_disabled may forbid it";
	else if (err == -E2BIG)
		hint = "; the kernel does not know a member ebpfc set (it is older than the "
		       "feature used)";
	return ebpfc__err(err, "bpf(%s)%s%s: %s%s", ebpfc_sys_cmd_name(cmd), what ? " " : "",
			  what ? what : "", ebpfc_strerror(err), hint);
}

static int sys_check(int cmd, int ret, const char *what)
{
	return ret < 0 ? sys_fail(cmd, ret, what) : 0;
}

static int sys_out_fd(int cmd, int ret, int *fd, const char *what)
{
	if (ret < 0)
		return sys_fail(cmd, ret, what);
	*fd = ret;
	return 0;
}

/* ---- maps ------------------------------------------------------------------ */

EBPFC_API int ebpfc_sys_map_create(__u32 map_type, const char *name, __u32 key_size,
				   __u32 value_size, __u32 max_entries,
				   const struct ebpfc_map_create_opts *opts, int *fd)
{
	struct ebpfc__attr_map_create a;
	size_t sz = ATTR_SZ(struct ebpfc__attr_map_create, map_extra);
	int err;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_map_create_opts);
	if (err)
		return err;
	memset(&a, 0, sizeof(a));
	a.map_type = map_type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = EBPFC__OPT(opts, map_flags, 0);
	a.inner_map_fd = EBPFC__OPT(opts, inner_map_fd, 0);
	a.numa_node = EBPFC__OPT(opts, numa_node, 0);
	a.map_ifindex = EBPFC__OPT(opts, map_ifindex, 0);
	a.btf_fd = EBPFC__OPT(opts, btf_fd, 0);
	a.btf_key_type_id = EBPFC__OPT(opts, btf_key_type_id, 0);
	a.btf_value_type_id = EBPFC__OPT(opts, btf_value_type_id, 0);
	a.btf_vmlinux_value_type_id = EBPFC__OPT(opts, btf_vmlinux_value_type_id, 0);
	a.map_extra = EBPFC__OPT(opts, map_extra, 0);
	ebpfc__strlcpy(a.map_name, name, sizeof(a.map_name));
	a.value_type_btf_obj_fd = EBPFC__OPT(opts, value_type_btf_obj_fd, 0);
	if (a.value_type_btf_obj_fd > 0) {
		a.map_flags |= EBPFC__BPF_F_VTYPE_BTF_OBJ_FD;
		sz = ATTR_SZ(struct ebpfc__attr_map_create, value_type_btf_obj_fd);
	}
	a.map_token_fd = EBPFC__OPT(opts, token_fd, 0);
	if (a.map_token_fd > 0) {
		a.map_flags |= EBPFC__BPF_F_TOKEN_FD;
		sz = ATTR_SZ(struct ebpfc__attr_map_create, map_token_fd);
	}
	return sys_out_fd(BPF_MAP_CREATE, sys_bpf_fd(BPF_MAP_CREATE, &a, sz), fd, NULL);
}

__attribute__((hot)) int ebpfc__sys_map_elem(int cmd, int fd, const void *key, void *value,
					     __u64 flags)
{
	struct ebpfc__attr_map_elem a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = PTR(key);
	a.value = PTR(value);
	a.flags = flags;
	return sys_bpf(cmd, &a, sizeof(a));
}

static int map_elem(int cmd, int fd, const void *key, void *value, __u64 flags)
{
	char what[24];
	int ret = ebpfc__sys_map_elem(cmd, fd, key, value, flags);

	if (ret < 0) {
		snprintf(what, sizeof(what), "on fd %d", fd);
		return sys_fail(cmd, ret, what);
	}
	return 0;
}

EBPFC_API int ebpfc_sys_map_lookup(int fd, const void *key, void *value, __u64 flags)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, flags);
}

EBPFC_API int ebpfc_sys_map_update(int fd, const void *key, const void *value, __u64 flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, (void *)value, flags);
}

EBPFC_API int ebpfc_sys_map_delete(int fd, const void *key, __u64 flags)
{
	return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, flags);
}

EBPFC_API int ebpfc_sys_map_next_key(int fd, const void *key, void *next_key)
{
	return map_elem(BPF_MAP_GET_NEXT_KEY, fd, key, next_key, 0);
}

EBPFC_API int ebpfc_sys_map_lookup_and_delete(int fd, const void *key, void *value, __u64 flags)
{
	return map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, flags);
}

EBPFC_API int ebpfc_sys_map_freeze(int fd)
{
	struct ebpfc__attr_map_elem a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	return sys_check(BPF_MAP_FREEZE, sys_bpf(BPF_MAP_FREEZE, &a, ATTR_SZ(struct ebpfc__attr_map_elem, map_fd)), NULL);
}

int ebpfc__sys_map_batch(int cmd, int fd, void *in_batch, void *out_batch, const void *keys,
			 const void *values, __u32 *count, __u64 elem_flags, __u64 flags)
{
	struct ebpfc__attr_batch a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.in_batch = PTR(in_batch);
	a.out_batch = PTR(out_batch);
	a.keys = PTR(keys);
	a.values = PTR(values);
	a.count = *count;
	a.elem_flags = elem_flags;
	a.flags = flags;
	ret = sys_bpf(cmd, &a, sizeof(a));
	/* The kernel reports how many it processed also when it fails. */
	*count = a.count;
	return ret < 0 ? ret : 0;
}

static int map_batch(int cmd, int fd, void *in_batch, void *out_batch, const void *keys,
		     const void *values, __u32 *count, __u64 elem_flags, __u64 flags)
{
	int ret = ebpfc__sys_map_batch(cmd, fd, in_batch, out_batch, keys, values, count,
				       elem_flags, flags);

	return ret < 0 ? sys_fail(cmd, ret, NULL) : 0;
}

EBPFC_API int ebpfc_sys_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
					 void *values, __u32 *count, __u64 elem_flags,
					 __u64 flags)
{
	return map_batch(BPF_MAP_LOOKUP_BATCH, fd, in_batch, out_batch, keys, values, count,
			 elem_flags, flags);
}

EBPFC_API int ebpfc_sys_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch,
						    void *keys, void *values, __u32 *count,
						    __u64 elem_flags, __u64 flags)
{
	return map_batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, in_batch, out_batch, keys, values,
			 count, elem_flags, flags);
}

EBPFC_API int ebpfc_sys_map_update_batch(int fd, const void *keys, const void *values,
					 __u32 *count, __u64 elem_flags, __u64 flags)
{
	return map_batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values, count, elem_flags,
			 flags);
}

EBPFC_API int ebpfc_sys_map_delete_batch(int fd, const void *keys, __u32 *count,
					 __u64 elem_flags, __u64 flags)
{
	return map_batch(BPF_MAP_DELETE_BATCH, fd, NULL, NULL, keys, NULL, count, elem_flags,
			 flags);
}

/* ---- pinning ----------------------------------------------------------------- */

EBPFC_API int ebpfc_sys_obj_pin(int fd, const char *path)
{
	struct ebpfc__attr_obj a;

	memset(&a, 0, sizeof(a));
	a.pathname = PTR(path);
	a.bpf_fd = fd;
	return sys_check(BPF_OBJ_PIN, sys_bpf(BPF_OBJ_PIN, &a, ATTR_SZ(struct ebpfc__attr_obj, file_flags)), path);
}

EBPFC_API int ebpfc_sys_obj_get(const char *path, __u32 flags, int *fd)
{
	struct ebpfc__attr_obj a;

	memset(&a, 0, sizeof(a));
	a.pathname = PTR(path);
	a.file_flags = flags;
	return sys_out_fd(BPF_OBJ_GET,
			  sys_bpf_fd(BPF_OBJ_GET, &a, ATTR_SZ(struct ebpfc__attr_obj, file_flags)), fd,
			  path);
}

/* ---- programs ---------------------------------------------------------------- */

EBPFC_API int ebpfc_sys_prog_load(__u32 prog_type, const char *name, const char *license,
				  const struct bpf_insn *insns, __u32 insn_cnt,
				  struct ebpfc_prog_load_opts *opts, int *fd)
{
	struct ebpfc__attr_prog_load a;
	size_t sz = ATTR_SZ(struct ebpfc__attr_prog_load, core_relo_rec_size);
	int ret;

	ret = EBPFC__OPTS_CHECK(opts, ebpfc_prog_load_opts);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.prog_type = prog_type;
	a.insns = PTR(insns);
	a.insn_cnt = insn_cnt;
	a.license = PTR(license ? license : "");
	ebpfc__strlcpy(a.prog_name, name, sizeof(a.prog_name));
	a.expected_attach_type = EBPFC__OPT(opts, expected_attach_type, 0);
	a.prog_flags = EBPFC__OPT(opts, prog_flags, 0);
	a.kern_version = EBPFC__OPT(opts, kern_version, 0);
	a.prog_ifindex = EBPFC__OPT(opts, prog_ifindex, 0);
	a.prog_btf_fd = EBPFC__OPT(opts, prog_btf_fd, 0);
	a.func_info = PTR(EBPFC__OPT(opts, func_info, NULL));
	a.func_info_rec_size = EBPFC__OPT(opts, func_info_rec_size, 0);
	a.func_info_cnt = EBPFC__OPT(opts, func_info_cnt, 0);
	a.line_info = PTR(EBPFC__OPT(opts, line_info, NULL));
	a.line_info_rec_size = EBPFC__OPT(opts, line_info_rec_size, 0);
	a.line_info_cnt = EBPFC__OPT(opts, line_info_cnt, 0);
	a.attach_btf_id = EBPFC__OPT(opts, attach_btf_id, 0);
	a.attach_prog_fd = EBPFC__OPT(opts, attach_prog_fd, 0);
	if (!a.attach_prog_fd)
		a.attach_prog_fd = EBPFC__OPT(opts, attach_btf_obj_fd, 0);
	a.fd_array = PTR(EBPFC__OPT(opts, fd_array, NULL));
	a.log_level = EBPFC__OPT(opts, log_level, 0);
	a.log_size = EBPFC__OPT(opts, log_size, 0);
	a.log_buf = PTR(EBPFC__OPT(opts, log_buf, NULL));
	if (!a.log_buf || !a.log_size) {
		a.log_buf = 0;
		a.log_size = 0;
		a.log_level = 0;
	}
	a.prog_token_fd = EBPFC__OPT(opts, token_fd, 0);
	if (a.prog_token_fd > 0) {
		a.prog_flags |= EBPFC__BPF_F_TOKEN_FD;
		sz = ATTR_SZ(struct ebpfc__attr_prog_load, prog_token_fd);
	}
	a.fd_array_cnt = EBPFC__OPT(opts, fd_array_cnt, 0);
	if (a.fd_array_cnt)
		sz = ATTR_SZ(struct ebpfc__attr_prog_load, fd_array_cnt);
	/*
	 * Ask for log_true_size only with a log: kernels before 6.4 reject the
	 * larger attribute block, and without a log there is nothing to size.
	 */
	if (a.log_buf && sz < ATTR_SZ(struct ebpfc__attr_prog_load, log_true_size))
		sz = ATTR_SZ(struct ebpfc__attr_prog_load, log_true_size);
	ret = sys_bpf_fd(BPF_PROG_LOAD, &a, sz);
	if (ret == -E2BIG && sz == ATTR_SZ(struct ebpfc__attr_prog_load, log_true_size)) {
		/* A pre-6.4 kernel: retry without log_true_size. */
		a.log_true_size = 0;
		sz = ATTR_SZ(struct ebpfc__attr_prog_load, core_relo_rec_size);
		ret = sys_bpf_fd(BPF_PROG_LOAD, &a, sz);
	}
	if (opts && opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_prog_load_opts, log_true_size))
		opts->log_true_size = a.log_true_size;
	return sys_out_fd(BPF_PROG_LOAD, ret, fd, NULL);
}

EBPFC_API int ebpfc_sys_prog_test_run(int prog_fd, struct ebpfc_test_run_opts *opts)
{
	struct ebpfc__attr_test_run a;
	int ret;

	if (!opts)
		return ebpfc__err(EINVAL, "bpf(BPF_PROG_TEST_RUN): options are required");
	ret = EBPFC__OPTS_CHECK(opts, ebpfc_test_run_opts);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.prog_fd = prog_fd;
	a.data_in = PTR(EBPFC__OPT(opts, data_in, NULL));
	a.data_size_in = EBPFC__OPT(opts, data_size_in, 0);
	a.data_out = PTR(EBPFC__OPT(opts, data_out, NULL));
	a.data_size_out = EBPFC__OPT(opts, data_size_out, 0);
	a.ctx_in = PTR(EBPFC__OPT(opts, ctx_in, NULL));
	a.ctx_size_in = EBPFC__OPT(opts, ctx_size_in, 0);
	a.ctx_out = PTR(EBPFC__OPT(opts, ctx_out, NULL));
	a.ctx_size_out = EBPFC__OPT(opts, ctx_size_out, 0);
	a.repeat = EBPFC__OPT(opts, repeat, 0);
	a.flags = EBPFC__OPT(opts, flags, 0);
	a.cpu = EBPFC__OPT(opts, cpu, 0);
	a.batch_size = EBPFC__OPT(opts, batch_size, 0);
	ret = sys_bpf(BPF_PROG_TEST_RUN, &a,
		      a.batch_size ? sizeof(a) : ATTR_SZ(struct ebpfc__attr_test_run, cpu));
	/* Sizes and results are written back also on ENOSPC (data_out too small). */
	if (opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_test_run_opts, duration)) {
		opts->data_size_out = a.data_size_out;
		opts->ctx_size_out = a.ctx_size_out;
		opts->retval = a.retval;
		opts->duration = a.duration;
	}
	return sys_check(BPF_PROG_TEST_RUN, ret, NULL);
}

EBPFC_API int ebpfc_sys_prog_bind_map(int prog_fd, int map_fd)
{
	struct ebpfc__attr_prog_bind_map a;

	memset(&a, 0, sizeof(a));
	a.prog_fd = prog_fd;
	a.map_fd = map_fd;
	return sys_check(BPF_PROG_BIND_MAP, sys_bpf(BPF_PROG_BIND_MAP, &a, sizeof(a)), NULL);
}

/* ---- BTF --------------------------------------------------------------------- */

EBPFC_API int ebpfc_sys_btf_load(const void *data, __u32 size, struct ebpfc_btf_load_opts *opts,
				 int *fd)
{
	struct ebpfc__attr_btf_load a;
	size_t sz = ATTR_SZ(struct ebpfc__attr_btf_load, btf_log_level);
	int ret;

	ret = EBPFC__OPTS_CHECK(opts, ebpfc_btf_load_opts);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.btf = PTR(data);
	a.btf_size = size;
	a.btf_log_buf = PTR(EBPFC__OPT(opts, log_buf, NULL));
	a.btf_log_size = EBPFC__OPT(opts, log_size, 0);
	a.btf_log_level = EBPFC__OPT(opts, log_level, 0);
	if (!a.btf_log_buf || !a.btf_log_size) {
		a.btf_log_buf = 0;
		a.btf_log_size = 0;
		a.btf_log_level = 0;
	}
	a.btf_flags = EBPFC__OPT(opts, btf_flags, 0);
	a.btf_token_fd = EBPFC__OPT(opts, token_fd, 0);
	if (a.btf_token_fd > 0) {
		a.btf_flags |= EBPFC__BPF_F_TOKEN_FD;
		sz = ATTR_SZ(struct ebpfc__attr_btf_load, btf_token_fd);
	} else if (a.btf_flags) {
		sz = ATTR_SZ(struct ebpfc__attr_btf_load, btf_flags);
	}
	ret = sys_bpf_fd(BPF_BTF_LOAD, &a, sz);
	if (opts && opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_btf_load_opts, log_true_size))
		opts->log_true_size = a.btf_log_true_size;
	return sys_out_fd(BPF_BTF_LOAD, ret, fd, NULL);
}

/* ---- links --------------------------------------------------------------------- */

EBPFC_API int ebpfc_sys_link_create(int prog_fd, int target, __u32 attach_type,
				    const struct ebpfc_link_create_opts *opts, int *fd)
{
	struct ebpfc__attr_link_create a;
	size_t sz = ATTR_SZ(struct ebpfc__attr_link_create, flags);
	int ret;

	ret = EBPFC__OPTS_CHECK(opts, ebpfc_link_create_opts);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.prog_fd = prog_fd;
	a.target_fd = target;
	a.attach_type = attach_type;
	a.flags = EBPFC__OPT(opts, flags, 0);
	if (!opts)
		goto out;

	switch (attach_type) {
	case BPF_TRACE_ITER:
		a.iter_info = PTR(EBPFC__OPT(opts, iter_info, NULL));
		a.iter_info_len = EBPFC__OPT(opts, iter_info_len, 0);
		if (a.iter_info_len)
			sz = ATTR_SZ(struct ebpfc__attr_link_create, iter_info_len);
		break;
	case BPF_PERF_EVENT:
		a.perf_event.bpf_cookie = EBPFC__OPT(opts, cookie, 0);
		if (a.perf_event.bpf_cookie)
			sz = ATTR_SZ(struct ebpfc__attr_link_create, perf_event);
		break;
	case BPF_TRACE_KPROBE_MULTI:
	case EBPFC__BPF_TRACE_KPROBE_SESSION:
		if (opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_link_create_opts, kprobe_multi)) {
			a.kprobe_multi.flags = opts->kprobe_multi.flags;
			a.kprobe_multi.cnt = opts->kprobe_multi.cnt;
			a.kprobe_multi.syms = PTR(opts->kprobe_multi.syms);
			a.kprobe_multi.addrs = PTR(opts->kprobe_multi.addrs);
			a.kprobe_multi.cookies = PTR(opts->kprobe_multi.cookies);
		}
		sz = ATTR_SZ(struct ebpfc__attr_link_create, kprobe_multi);
		break;
	case BPF_TRACE_FENTRY:
	case BPF_TRACE_FEXIT:
	case BPF_MODIFY_RETURN:
	case BPF_LSM_MAC:
		a.tracing.target_btf_id = EBPFC__OPT(opts, target_btf_id, 0);
		a.tracing.cookie = EBPFC__OPT(opts, cookie, 0);
		if (a.tracing.cookie)
			sz = ATTR_SZ(struct ebpfc__attr_link_create, tracing);
		else if (a.tracing.target_btf_id)
			sz = ATTR_SZ(struct ebpfc__attr_link_create, target_btf_id);
		break;
	default:
		if (attach_type == EBPFC__BPF_TCX_INGRESS || attach_type == EBPFC__BPF_TCX_EGRESS ||
		    attach_type == EBPFC__BPF_NETKIT_PRIMARY ||
		    attach_type == EBPFC__BPF_NETKIT_PEER) {
			if (opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_link_create_opts, tcx)) {
				a.tcx.relative_fd = opts->tcx.relative_fd;
				a.tcx.expected_revision = opts->tcx.expected_revision;
			}
			sz = ATTR_SZ(struct ebpfc__attr_link_create, tcx);
		} else if (attach_type == EBPFC__BPF_NETFILTER) {
			if (opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_link_create_opts, netfilter)) {
				a.netfilter.pf = opts->netfilter.pf;
				a.netfilter.hooknum = opts->netfilter.hooknum;
				a.netfilter.priority = opts->netfilter.priority;
				a.netfilter.flags = opts->netfilter.flags;
			}
			sz = ATTR_SZ(struct ebpfc__attr_link_create, netfilter);
		} else if (attach_type == EBPFC__BPF_TRACE_UPROBE_MULTI ||
			   attach_type == EBPFC__BPF_TRACE_UPROBE_SESSION) {
			if (opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_link_create_opts, uprobe_multi)) {
				a.uprobe_multi.path = PTR(opts->uprobe_multi.path);
				a.uprobe_multi.offsets = PTR(opts->uprobe_multi.offsets);
				a.uprobe_multi.ref_ctr_offsets = PTR(opts->uprobe_multi.ref_ctr_offsets);
				a.uprobe_multi.cookies = PTR(opts->uprobe_multi.cookies);
				a.uprobe_multi.cnt = opts->uprobe_multi.cnt;
				a.uprobe_multi.flags = opts->uprobe_multi.flags;
				a.uprobe_multi.pid = opts->uprobe_multi.pid;
			}
			sz = ATTR_SZ(struct ebpfc__attr_link_create, uprobe_multi);
		} else {
			a.target_btf_id = EBPFC__OPT(opts, target_btf_id, 0);
			if (a.target_btf_id)
				sz = ATTR_SZ(struct ebpfc__attr_link_create, target_btf_id);
		}
		break;
	}
out:
	return sys_out_fd(BPF_LINK_CREATE, sys_bpf_fd(BPF_LINK_CREATE, &a, sz), fd, NULL);
}

EBPFC_API int ebpfc_sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, __u32 flags)
{
	struct ebpfc__attr_link_update a;

	memset(&a, 0, sizeof(a));
	a.link_fd = link_fd;
	a.new_prog_fd = new_prog_fd;
	a.old_prog_fd = old_prog_fd > 0 ? old_prog_fd : 0;
	a.flags = flags | (old_prog_fd > 0 ? BPF_F_REPLACE : 0);
	return sys_check(BPF_LINK_UPDATE, sys_bpf(BPF_LINK_UPDATE, &a, sizeof(a)), NULL);
}

EBPFC_API int ebpfc_sys_link_detach(int link_fd)
{
	struct ebpfc__attr_link_detach a = { .link_fd = link_fd };

	return sys_check(BPF_LINK_DETACH, sys_bpf(BPF_LINK_DETACH, &a, sizeof(a)), NULL);
}

EBPFC_API int ebpfc_sys_prog_attach(int prog_fd, int target_fd, __u32 attach_type, __u32 flags)
{
	struct ebpfc__attr_prog_attach a;

	memset(&a, 0, sizeof(a));
	a.target_fd = target_fd;
	a.attach_bpf_fd = prog_fd;
	a.attach_type = attach_type;
	a.attach_flags = flags;
	return sys_check(BPF_PROG_ATTACH,
			 sys_bpf(BPF_PROG_ATTACH, &a, ATTR_SZ(struct ebpfc__attr_prog_attach, replace_bpf_fd)),
			 NULL);
}

EBPFC_API int ebpfc_sys_prog_detach(int prog_fd, int target_fd, __u32 attach_type)
{
	struct ebpfc__attr_prog_attach a;

	memset(&a, 0, sizeof(a));
	a.target_fd = target_fd;
	a.attach_bpf_fd = prog_fd;
	a.attach_type = attach_type;
	return sys_check(BPF_PROG_DETACH,
			 sys_bpf(BPF_PROG_DETACH, &a, ATTR_SZ(struct ebpfc__attr_prog_attach, replace_bpf_fd)),
			 NULL);
}

EBPFC_API int ebpfc_sys_raw_tracepoint_open(const char *name, int prog_fd, __u64 cookie, int *fd)
{
	struct ebpfc__attr_raw_tp a;

	memset(&a, 0, sizeof(a));
	a.name = PTR(name);
	a.prog_fd = prog_fd;
	a.cookie = cookie;
	return sys_out_fd(BPF_RAW_TRACEPOINT_OPEN,
			  sys_bpf_fd(BPF_RAW_TRACEPOINT_OPEN, &a,
				     cookie ? sizeof(a) : ATTR_SZ(struct ebpfc__attr_raw_tp, prog_fd)),
			  fd, name);
}

EBPFC_API int ebpfc_sys_iter_create(int link_fd, int *fd)
{
	struct ebpfc__attr_iter_create a = { .link_fd = link_fd, .flags = 0 };

	return sys_out_fd(BPF_ITER_CREATE, sys_bpf_fd(BPF_ITER_CREATE, &a, sizeof(a)), fd, NULL);
}

EBPFC_API int ebpfc_sys_prog_query(int target, __u32 attach_type, __u32 query_flags,
				   __u32 *attach_flags, __u32 *prog_ids, __u32 *prog_cnt,
				   __u64 *revision)
{
	struct ebpfc__attr_query a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.target_fd = target;
	a.attach_type = attach_type;
	a.query_flags = query_flags;
	a.prog_ids = PTR(prog_ids);
	a.prog_cnt = prog_cnt ? *prog_cnt : 0;
	ret = sys_bpf(BPF_PROG_QUERY, &a,
		      revision ? sizeof(a) : EBPFC__OFFSETOFEND(struct ebpfc__attr_query, prog_cnt));
	if (ret < 0)
		return sys_fail(BPF_PROG_QUERY, ret, NULL);
	if (attach_flags)
		*attach_flags = a.attach_flags;
	if (prog_cnt)
		*prog_cnt = a.prog_cnt;
	if (revision)
		*revision = a.revision;
	return 0;
}

/* ---- introspection ------------------------------------------------------------ */

EBPFC_API int ebpfc_sys_obj_get_info(int fd, void *info, __u32 *info_len)
{
	struct ebpfc__attr_info a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.bpf_fd = fd;
	a.info_len = *info_len;
	a.info = PTR(info);
	ret = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
	if (ret < 0)
		return sys_fail(BPF_OBJ_GET_INFO_BY_FD, ret, NULL);
	*info_len = a.info_len;
	return 0;
}

static int get_next_id(int cmd, __u32 start_id, __u32 *next_id)
{
	struct ebpfc__attr_id a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.id = start_id;
	ret = sys_bpf(cmd, &a, ATTR_SZ(struct ebpfc__attr_id, next_id));
	if (ret < 0)
		return sys_fail(cmd, ret, NULL);
	*next_id = a.next_id;
	return 0;
}

EBPFC_API int ebpfc_sys_prog_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_PROG_GET_NEXT_ID, start_id, next_id);
}

EBPFC_API int ebpfc_sys_map_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_MAP_GET_NEXT_ID, start_id, next_id);
}

EBPFC_API int ebpfc_sys_btf_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_BTF_GET_NEXT_ID, start_id, next_id);
}

EBPFC_API int ebpfc_sys_link_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_LINK_GET_NEXT_ID, start_id, next_id);
}

static int get_fd_by_id(int cmd, __u32 id, __u32 open_flags, int *fd)
{
	struct ebpfc__attr_id a;
	char what[24];
	int ret;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.open_flags = open_flags;
	ret = sys_bpf_fd(cmd, &a, ATTR_SZ(struct ebpfc__attr_id, open_flags));
	snprintf(what, sizeof(what), "for id %u", id);
	return sys_out_fd(cmd, ret, fd, what);
}

EBPFC_API int ebpfc_sys_prog_get_fd_by_id(__u32 id, int *fd)
{
	return get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id, 0, fd);
}

EBPFC_API int ebpfc_sys_map_get_fd_by_id(__u32 id, __u32 open_flags, int *fd)
{
	return get_fd_by_id(BPF_MAP_GET_FD_BY_ID, id, open_flags, fd);
}

EBPFC_API int ebpfc_sys_btf_get_fd_by_id(__u32 id, int *fd)
{
	return get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id, 0, fd);
}

EBPFC_API int ebpfc_sys_link_get_fd_by_id(__u32 id, int *fd)
{
	return get_fd_by_id(BPF_LINK_GET_FD_BY_ID, id, 0, fd);
}

EBPFC_API int ebpfc_sys_enable_stats(__u32 type, int *fd)
{
	struct ebpfc__attr_enable_stats a = { .type = type };

	return sys_out_fd(BPF_ENABLE_STATS, sys_bpf_fd(BPF_ENABLE_STATS, &a, sizeof(a)), fd, NULL);
}

EBPFC_API int ebpfc_sys_token_create(int bpffs_fd, __u32 flags, int *fd)
{
	struct ebpfc__attr_token_create a = { .flags = flags, .bpffs_fd = (__u32)bpffs_fd };

	return sys_out_fd(EBPFC__BPF_TOKEN_CREATE,
			  sys_bpf_fd(EBPFC__BPF_TOKEN_CREATE, &a, sizeof(a)), fd, NULL);
}
