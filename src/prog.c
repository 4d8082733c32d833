/*
 * prog.c - program handles: loading with a verifier log that grows instead
 * of being cut, handles over pinned or id-opened programs, test runs.
 *
 * The log policy: with no log asked for, load once without one (the fast,
 * usual case); if the kernel rejects the program, load again with level 1
 * so the failure can be explained. With a log, start with a modest buffer
 * (malloc'd, so pages the kernel never writes are never touched) and, when
 * the kernel reports ENOSPC, grow it to the size it says it needed (6.4+)
 * or fourfold, up to a cap. A log that hit the cap is marked truncated and
 * its text says which end was lost.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prog_int.h"
#include "map_int.h"
#include "attr.h"

#define LOG_INITIAL (64u * 1024)
#define LOG_CAP_DEFAULT (16u * 1024 * 1024)
#define LOG_CAP_KERNEL ((unsigned)(~0u >> 2)) /* the kernel's own limit */

static const char *const prog_type_names[] = {
	[BPF_PROG_TYPE_UNSPEC] = "unspec",
	[BPF_PROG_TYPE_SOCKET_FILTER] = "socket_filter",
	[BPF_PROG_TYPE_KPROBE] = "kprobe",
	[BPF_PROG_TYPE_SCHED_CLS] = "sched_cls",
	[BPF_PROG_TYPE_SCHED_ACT] = "sched_act",
	[BPF_PROG_TYPE_TRACEPOINT] = "tracepoint",
	[BPF_PROG_TYPE_XDP] = "xdp",
	[BPF_PROG_TYPE_PERF_EVENT] = "perf_event",
	[BPF_PROG_TYPE_CGROUP_SKB] = "cgroup_skb",
	[BPF_PROG_TYPE_CGROUP_SOCK] = "cgroup_sock",
	[BPF_PROG_TYPE_LWT_IN] = "lwt_in",
	[BPF_PROG_TYPE_LWT_OUT] = "lwt_out",
	[BPF_PROG_TYPE_LWT_XMIT] = "lwt_xmit",
	[BPF_PROG_TYPE_SOCK_OPS] = "sock_ops",
	[BPF_PROG_TYPE_SK_SKB] = "sk_skb",
	[BPF_PROG_TYPE_CGROUP_DEVICE] = "cgroup_device",
	[BPF_PROG_TYPE_SK_MSG] = "sk_msg",
	[BPF_PROG_TYPE_RAW_TRACEPOINT] = "raw_tracepoint",
	[BPF_PROG_TYPE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
	[BPF_PROG_TYPE_LWT_SEG6LOCAL] = "lwt_seg6local",
	[BPF_PROG_TYPE_LIRC_MODE2] = "lirc_mode2",
	[BPF_PROG_TYPE_SK_REUSEPORT] = "sk_reuseport",
	[BPF_PROG_TYPE_FLOW_DISSECTOR] = "flow_dissector",
	[BPF_PROG_TYPE_CGROUP_SYSCTL] = "cgroup_sysctl",
	[BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE] = "raw_tracepoint_writable",
	[BPF_PROG_TYPE_CGROUP_SOCKOPT] = "cgroup_sockopt",
	[BPF_PROG_TYPE_TRACING] = "tracing",
	[BPF_PROG_TYPE_STRUCT_OPS] = "struct_ops",
	[BPF_PROG_TYPE_EXT] = "ext",
	[BPF_PROG_TYPE_LSM] = "lsm",
	[BPF_PROG_TYPE_SK_LOOKUP] = "sk_lookup",
	[BPF_PROG_TYPE_SYSCALL] = "syscall",
	[EBPFC__BPF_PROG_TYPE_NETFILTER] = "netfilter",
};

EBPFC_API const char *ebpfc_prog_type_name(__u32 type)
{
	if (type < EBPFC__ARRAY_SIZE(prog_type_names) && prog_type_names[type])
		return prog_type_names[type];
	return "unknown";
}

/* In the kernel's order: the index is the BPF_* attach type value. */
static const char *const attach_type_names[] = {
	"cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create",
	"cgroup_sock_ops", "sk_skb_stream_parser", "sk_skb_stream_verdict", "cgroup_device",
	"sk_msg_verdict", "cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect",
	"cgroup_inet6_connect", "cgroup_inet4_post_bind", "cgroup_inet6_post_bind",
	"cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg", "lirc_mode2", "flow_dissector",
	"cgroup_sysctl", "cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg", "cgroup_getsockopt",
	"cgroup_setsockopt", "trace_raw_tp", "trace_fentry", "trace_fexit", "modify_return",
	"lsm_mac", "trace_iter", "cgroup_inet4_getpeername", "cgroup_inet6_getpeername",
	"cgroup_inet4_getsockname", "cgroup_inet6_getsockname", "xdp_devmap",
	"cgroup_inet_sock_release", "xdp_cpumap", "sk_lookup", "xdp", "sk_skb_verdict",
	"sk_reuseport_select", "sk_reuseport_select_or_migrate", "perf_event",
	"trace_kprobe_multi", "lsm_cgroup", "struct_ops", "netfilter", "tcx_ingress",
	"tcx_egress", "trace_uprobe_multi", "cgroup_unix_connect", "cgroup_unix_sendmsg",
	"cgroup_unix_recvmsg", "cgroup_unix_getpeername", "cgroup_unix_getsockname",
	"netkit_primary", "netkit_peer", "trace_kprobe_session", "trace_uprobe_session",
};

EBPFC_API const char *ebpfc_attach_type_name(__u32 type)
{
	return type < EBPFC__ARRAY_SIZE(attach_type_names) ? attach_type_names[type] : "unknown";
}

void ebpfc__vlog_free(struct ebpfc__vlog *log)
{
	free(log->buf);
	memset(log, 0, sizeof(*log));
}

/* The verifier's verdict: the last line that is not a statistics line. */
static void log_verdict(const char *log, size_t len, char *out, size_t outsz)
{
	size_t end = len, start;

	out[0] = '\0';
	while (end > 0) {
		while (end > 0 && (log[end - 1] == '\n' || log[end - 1] == '\0'))
			end--;
		start = end;
		while (start > 0 && log[start - 1] != '\n')
			start--;
		if (end > start && strncmp(log + start, "processed ", 10) != 0 &&
		    strncmp(log + start, "verification time", 17) != 0 &&
		    strncmp(log + start, "stack depth", 11) != 0 &&
		    strncmp(log + start, "[ebpfc:", 7) != 0) {
			size_t n = end - start < outsz - 1 ? end - start : outsz - 1;

			memcpy(out, log + start, n);
			out[n] = '\0';
			return;
		}
		end = start;
	}
}

/* Mark a log that did not fit, in its text too, so nobody reads it as whole. */
static void log_mark_truncated(struct ebpfc__vlog *log, __u32 true_size, __u32 cap)
{
	char note[160];
	size_t n;
	char *nbuf;

	log->truncated = true;
	if (true_size)
		n = snprintf(note, sizeof(note),
			     "[ebpfc: verifier log truncated: the kernel produced %u bytes, the cap "
			     "is %u (log_size_max); the start was dropped]\n",
			     true_size, cap);
	else
		n = snprintf(note, sizeof(note),
			     "\n[ebpfc: verifier log truncated at the cap of %u bytes (log_size_max); "
			     "the end was dropped]\n",
			     cap);
	nbuf = malloc(log->len + n + 1);
	if (!nbuf)
		return;
	if (true_size) {	/* rolling log (6.4+): the kernel kept the tail */
		memcpy(nbuf, note, n);
		memcpy(nbuf + n, log->buf, log->len);
	} else {		/* fixed log: the kernel kept the head */
		memcpy(nbuf, log->buf, log->len);
		memcpy(nbuf + log->len, note, n);
	}
	log->len += n;
	nbuf[log->len] = '\0';
	free(log->buf);
	log->buf = nbuf;
}

/* One load with a log, growing the buffer on ENOSPC. */
static int load_with_log(__u32 type, const char *name, const char *license,
			 const struct bpf_insn *insns, __u32 cnt, struct ebpfc_prog_load_opts *o,
			 __u32 cap, int *fd, struct ebpfc__vlog *log)
{
	__u32 size = LOG_INITIAL < cap ? LOG_INITIAL : cap;
	int err;

	for (;;) {
		free(log->buf);
		log->buf = malloc(size);
		if (!log->buf)
			return ebpfc__err(ENOMEM, "program '%s': no memory for a %u-byte verifier log",
					  name, size);
		log->buf[0] = '\0';
		o->log_buf = log->buf;
		o->log_size = size;
		o->log_true_size = 0;
		err = ebpfc_sys_prog_load(type, name, license, insns, cnt, o, fd);
		log->len = strnlen(log->buf, size);
		if (err != -ENOSPC || size >= cap)
			break;
		/* The log was full: grow to what the kernel needed, or fourfold. */
		if (o->log_true_size > size)
			size = o->log_true_size;
		else
			size = size > cap / 4 ? cap : size * 4;
		if (size > cap)
			size = cap;
	}
	if (err == -ENOSPC)
		log_mark_truncated(log, o->log_true_size, cap);
	o->log_buf = NULL;
	o->log_size = 0;
	return err;
}

static int explain_failure(const char *name, __u32 type, int err, const struct ebpfc__vlog *log)
{
	char verdict[256];

	if (err == -EPERM)
		return ebpfc__err(err, "program '%s' (%s): the kernel refused to load it (EPERM): %s",
				  name, ebpfc_prog_type_name(type), ebpfc__eperm_hint());
	if (err == -ENOSPC && log->truncated)
		return ebpfc__err(err,
				  "program '%s' (%s): the verifier log did not fit under the cap "
				  "(log_size_max) and the kernel fails a load whose log was cut "
				  "(ENOSPC): raise log_size_max or lower log_level [log: %zu bytes, "
				  "truncated]",
				  name, ebpfc_prog_type_name(type), log->len);
	log_verdict(log->buf ? log->buf : "", log->len, verdict, sizeof(verdict));
	if (verdict[0])
		return ebpfc__err(err,
				  "program '%s' (%s): the verifier rejected it (%s): %s [log: %zu "
				  "bytes%s]",
				  name, ebpfc_prog_type_name(type), ebpfc_strerror(err), verdict,
				  log->len, log->truncated ? ", truncated" : "");
	if (err == -EINVAL)
		return ebpfc__err(err,
				  "program '%s' (%s): the kernel refused it (EINVAL) without a verifier "
				  "log: check the program type, expected attach type, attach target "
				  "and flags for this kernel",
				  name, ebpfc_prog_type_name(type));
	return ebpfc__err(err, "program '%s' (%s): load failed: %s", name,
			  ebpfc_prog_type_name(type), ebpfc_strerror(err));
}

int ebpfc__prog_load(__u32 type, const char *name, const char *license,
		     const struct bpf_insn *insns, size_t insn_cnt,
		     struct ebpfc_prog_load_opts *opts, int *fd, struct ebpfc__vlog *log)
{
	struct ebpfc_prog_load_opts o;
	__u32 cap;
	int err;

	memset(log, 0, sizeof(*log));
	if (!name)
		name = "";
	err = EBPFC__OPTS_CHECK(opts, ebpfc_prog_load_opts);
	if (err)
		return err;
	if (!insns || insn_cnt == 0)
		return ebpfc__err(EINVAL, "program '%s': no instructions", name);
	if (insn_cnt > UINT32_MAX / sizeof(struct bpf_insn))
		return ebpfc__err(E2BIG, "program '%s': %zu instructions is too many", name,
				  insn_cnt);
	/* Work on a full-size copy so older callers' smaller structs stay untouched. */
	memset(&o, 0, sizeof(o));
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	o.sz = sizeof(o);
	cap = o.log_size_max ? o.log_size_max : LOG_CAP_DEFAULT;
	if (cap > LOG_CAP_KERNEL)
		cap = LOG_CAP_KERNEL;
	if (cap < 128)
		cap = 128;

	ebpfc__memlock_autoraise();
	if (o.log_buf && o.log_size) {
		/* The caller's own buffer: used as is, never grown. */
		err = ebpfc_sys_prog_load(type, name, license, insns, insn_cnt, &o, fd);
		log->buf = strndup(o.log_buf, o.log_size);
		log->len = log->buf ? strlen(log->buf) : 0;
		log->truncated = err == -ENOSPC || o.log_true_size > o.log_size;
	} else if (o.log_level) {
		err = load_with_log(type, name, license, insns, insn_cnt, &o, cap, fd, log);
	} else {
		o.log_buf = NULL;
		err = ebpfc_sys_prog_load(type, name, license, insns, insn_cnt, &o, fd);
		if (err == -EACCES || err == -EINVAL || err == -E2BIG) {
			ebpfc__log(o.log_fn, o.log_user, EBPFC_LOG_DEBUG,
				   "program '%s': load failed (%s); loading again with a log", name,
				   ebpfc_strerror(err));
			o.log_level = 1;
			err = load_with_log(type, name, license, insns, insn_cnt, &o, cap, fd, log);
		}
	}
	if (opts && opts->sz >= EBPFC__OFFSETOFEND(struct ebpfc_prog_load_opts, log_true_size))
		opts->log_true_size = o.log_true_size;
	if (!err) {
		ebpfc__log(o.log_fn, o.log_user, EBPFC_LOG_DEBUG,
			   "program '%s': loaded as fd %d (%zu instructions, log %zu bytes)", name,
			   *fd, insn_cnt, log->len);
		return 0;
	}
	return explain_failure(name, type, err, log);
}

static int prog_alloc(const char *name, struct ebpfc_prog **out)
{
	struct ebpfc_prog *prog = calloc(1, sizeof(*prog));

	if (!prog)
		return ebpfc__err(ENOMEM, "program '%s': out of memory", name ? name : "");
	prog->fd = -1;
	prog->name = strdup(name ? name : "");
	if (!prog->name) {
		free(prog);
		return ebpfc__err(ENOMEM, "program '%s': out of memory", name ? name : "");
	}
	*out = prog;
	return 0;
}

EBPFC_API int ebpfc_prog_load(__u32 type, const char *name, const char *license,
			      const struct bpf_insn *insns, size_t insn_cnt,
			      struct ebpfc_prog_load_opts *opts, struct ebpfc_prog **out)
{
	struct ebpfc_prog *prog = NULL;
	struct ebpfc__vlog log;
	char **log_out = EBPFC__OPT(opts, log_out, NULL);
	int err, fd;

	*out = NULL;
	if (log_out)
		*log_out = NULL;
	err = prog_alloc(name, &prog);
	if (err)
		return err;
	err = ebpfc__prog_load(type, name, license, insns, insn_cnt, opts, &fd, &log);
	if (err) {
		if (log_out && log.buf) {
			*log_out = log.buf;
			log.buf = NULL;
		}
		ebpfc__vlog_free(&log);
		ebpfc_prog_destroy(prog);
		return err;
	}
	prog->fd = fd;
	prog->type = type;
	if (log.buf && log.len + 1 < LOG_INITIAL) {
		/* Keep only what the log used, not the whole buffer. */
		char *small = realloc(log.buf, log.len + 1);

		if (small)
			log.buf = small;
	}
	prog->log = log;
	*out = prog;
	return 0;
}

static int prog_open_common(int fd, struct ebpfc_prog **out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct ebpfc_prog *prog = NULL;
	int err;

	if (!ebpfc__fd_is_bpf(fd, "bpf-prog")) {
		ebpfc__close(fd);
		return ebpfc__err(EINVAL, "fd %d is not a program", fd);
	}
	memset(&info, 0, sizeof(info));
	err = ebpfc_sys_obj_get_info(fd, &info, &len);
	if (err) {
		ebpfc__close(fd);
		return err;
	}
	err = prog_alloc(info.name, &prog);
	if (err) {
		ebpfc__close(fd);
		return err;
	}
	prog->fd = fd;
	prog->type = info.type;
	*out = prog;
	return 0;
}

EBPFC_API int ebpfc_prog_open_pinned(const char *path, struct ebpfc_prog **out)
{
	int fd, err;

	*out = NULL;
	err = ebpfc_sys_obj_get(path, 0, &fd);
	if (err)
		return ebpfc__err(err, "cannot open pinned program %s: %s", path,
				  err == -ENOENT ? "nothing is pinned there" : ebpfc_strerror(err));
	err = prog_open_common(fd, out);
	if (err == -EINVAL)
		return ebpfc__err(err, "%s is pinned, but it is not a program", path);
	return err;
}

EBPFC_API int ebpfc_prog_open_id(__u32 id, struct ebpfc_prog **out)
{
	int fd, err;

	*out = NULL;
	err = ebpfc_sys_prog_get_fd_by_id(id, &fd);
	if (err)
		return ebpfc__err(err, "cannot open program id %u: %s", id,
				  err == -ENOENT ? "no program has that id" : ebpfc_strerror(err));
	return prog_open_common(fd, out);
}

EBPFC_API int ebpfc_prog_open_fd(int fd, struct ebpfc_prog **out)
{
	int nfd;

	*out = NULL;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return ebpfc__err(errno, "cannot duplicate program fd %d: %s", fd,
				  ebpfc_strerror(errno));
	return prog_open_common(nfd, out);
}

EBPFC_API void ebpfc_prog_destroy(struct ebpfc_prog *prog)
{
	/* An object's programs live and die with the object. */
	if (!prog || prog->obj)
		return;
	ebpfc__close(prog->fd);
	ebpfc__vlog_free(&prog->log);
	free(prog->name);
	free(prog);
}

EBPFC_API int ebpfc_prog_fd(const struct ebpfc_prog *prog)
{
	return prog ? prog->fd : -EINVAL;
}

EBPFC_API const char *ebpfc_prog_name(const struct ebpfc_prog *prog)
{
	return prog ? prog->name : "";
}

EBPFC_API __u32 ebpfc_prog_type(const struct ebpfc_prog *prog)
{
	return prog->type;
}

EBPFC_API const char *ebpfc_prog_log(const struct ebpfc_prog *prog)
{
	return prog && prog->log.buf ? prog->log.buf : "";
}

EBPFC_API size_t ebpfc_prog_log_len(const struct ebpfc_prog *prog)
{
	return prog ? prog->log.len : 0;
}

EBPFC_API bool ebpfc_prog_log_truncated(const struct ebpfc_prog *prog)
{
	return prog && prog->log.truncated;
}

EBPFC_API int ebpfc_prog_test_run(const struct ebpfc_prog *prog, struct ebpfc_test_run_opts *opts)
{
	int err;

	if (prog->fd < 0)
		return ebpfc__err(EBADF, "program '%s': not loaded", prog->name);
	/* Options errors keep their own message instead of a bare EINVAL. */
	if (!opts)
		return ebpfc__err(EINVAL, "program '%s': test run: options are required",
				  prog->name);
	err = EBPFC__OPTS_CHECK(opts, ebpfc_test_run_opts);
	if (err)
		return err;
	err = ebpfc_sys_prog_test_run(prog->fd, opts);
	if (err == -ENOSPC)
		return ebpfc__err(err, "program '%s': test run: data_out (%u bytes) is too small "
				  "for the output", prog->name, opts->data_size_out);
	if (err == -524 /* ENOTSUPP */ || err == -EOPNOTSUPP)
		return ebpfc__err(err, "program '%s': test run: the kernel cannot test-run %s "
				  "programs", prog->name, ebpfc_prog_type_name(prog->type));
	if (err)
		return ebpfc__err(err, "program '%s': test run: %s", prog->name,
				  ebpfc_strerror(err));
	return 0;
}

EBPFC_API int ebpfc_prog_pin(const struct ebpfc_prog *prog, const char *path)
{
	if (prog->fd < 0)
		return ebpfc__err(EBADF, "program '%s': cannot pin it before it is loaded",
				  prog->name);
	return ebpfc__pin_fd(prog->fd, path, "program", prog->name);
}

EBPFC_API int ebpfc_prog_unpin(const struct ebpfc_prog *prog, const char *path)
{
	return ebpfc__unpin(path, "program", prog->name);
}

EBPFC_API int ebpfc_prog_info(const struct ebpfc_prog *prog, struct ebpfc_prog_info *out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int err;

	if (prog->fd < 0)
		return ebpfc__err(EBADF, "program '%s': not loaded", prog->name);
	memset(&info, 0, sizeof(info));
	err = ebpfc_sys_obj_get_info(prog->fd, &info, &len);
	if (err)
		return ebpfc__err(err, "program '%s': cannot read its info: %s", prog->name,
				  ebpfc_strerror(err));
	memset(out, 0, sizeof(*out));
	out->type = info.type;
	out->id = info.id;
	memcpy(out->tag, info.tag, sizeof(out->tag));
	memcpy(out->name, info.name, sizeof(out->name));
	out->name[sizeof(out->name) - 1] = '\0';
	out->xlated_prog_len = info.xlated_prog_len;
	out->jited_prog_len = info.jited_prog_len;
	out->nr_map_ids = info.nr_map_ids;
	out->btf_id = info.btf_id;
	out->verified_insns = info.verified_insns;
	out->run_time_ns = info.run_time_ns;
	out->run_cnt = info.run_cnt;
	out->load_time = info.load_time;
	out->gpl_compatible = info.gpl_compatible;
	return 0;
}
