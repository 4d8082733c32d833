/*
 * link_cgroup.c - hooks that hang off a kernel object the caller opens:
 * cgroups, sockmaps and sockhashes, network namespaces, plus iterators
 * (which a program's own link creates, and reading it runs the program)
 * and netfilter hooks. Each uses a bpf link where the kernel has one and
 * BPF_PROG_ATTACH where it has not or where the caller asks (cgroup
 * multi-program flags), keeping duplicates of the fds it will detach with.
 *
 * Not here: devices (link_net.c), tracing (link_trace.c, link_probe.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ebpfc/sys.h>
#include "attr.h"
#include "link_int.h"
#include "object_int.h"

/* The path behind an fd, for messages and info ("" when /proc cannot say). */
static void fd_path(int fd, char *out, size_t sz)
{
	char p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, out, sz - 1);
	out[n > 0 ? n : 0] = '\0';
}

/*
 * The hook: the caller's, else the program's expected attach type when it
 * came from an object. -EINVAL naming the option otherwise.
 */
static int pick_attach_type(const struct ebpfc_prog *prog, bool given, __u32 type,
			    const char *what, __u32 *out)
{
	if (given) {
		*out = type;
		return 0;
	}
	if (ebpfc__prog_has_attach_type(prog, out))
		return 0;
	return ebpfc__err(EINVAL, "%s of '%s': the program did not come from an object, so its "
			  "attach type is unknown; set opts.attach_type and attach_type_set",
			  what, prog->name);
}

/* A BPF_PROG_ATTACH attachment, undone with BPF_PROG_DETACH on the same fds. */
static int prog_attach(struct ebpfc_link *l, int prog_fd, int target_fd, __u32 type,
		       __u32 flags, const char *what)
{
	int err;

	err = ebpfc__dup_fd(prog_fd, what, &l->prog_fd);
	if (!err && target_fd > 0)
		err = ebpfc__dup_fd(target_fd, what, &l->target_fd);
	if (err)
		return err;
	err = ebpfc_sys_prog_attach(prog_fd, target_fd, type, flags);
	if (err)
		return err;
	l->mech = EBPFC_LINK_MECH_PROG_ATTACH;
	l->attach_type = type;
	return 0;
}

/* ---- cgroups ------------------------------------------------------------------------------ */

EBPFC_API int ebpfc_prog_attach_cgroup(const struct ebpfc_prog *prog, int cgroup_fd,
				       const struct ebpfc_cgroup_attach_opts *opts,
				       struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	char cg[256], what[400];
	__u32 type, flags;
	bool legacy;
	int err, prog_fd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_cgroup_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "cgroup attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "cgroup attach");
	if (prog_fd < 0)
		return prog_fd;
	err = pick_attach_type(prog, EBPFC__OPT(opts, attach_type_set, false),
			       EBPFC__OPT(opts, attach_type, 0), "cgroup attach", &type);
	if (err)
		return err;
	flags = EBPFC__OPT(opts, flags, 0);
	if (flags & ~(__u32)(BPF_F_ALLOW_MULTI | BPF_F_ALLOW_OVERRIDE))
		return ebpfc__err(EINVAL, "cgroup attach of '%s': flags 0x%x: only "
				  "BPF_F_ALLOW_MULTI and BPF_F_ALLOW_OVERRIDE", prog->name, flags);
	if (cgroup_fd < 0)
		return ebpfc__err(EBADF, "cgroup attach of '%s': cgroup fd %d", prog->name, cgroup_fd);
	legacy = flags || EBPFC__OPT(opts, legacy, false);
	fd_path(cgroup_fd, cg, sizeof(cg));
	snprintf(what, sizeof(what), "cgroup attach of '%s' to %s (%s)", prog->name,
		 cg[0] ? cg : "the cgroup", ebpfc_attach_type_name(type));
	l = ebpfc__link_new(EBPFC_LINK_CGROUP, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = -EINVAL;
	if (!legacy) {
		err = ebpfc_sys_link_create(prog_fd, cgroup_fd, type, NULL, &l->fd);
		/* Links behave as ALLOW_MULTI; before 5.7 BPF_PROG_ATTACH does that. */
		if (err == -EINVAL)
			flags = BPF_F_ALLOW_MULTI;
	}
	if (err == -EINVAL)
		err = prog_attach(l, prog_fd, cgroup_fd, type, flags, what);
	if (!err && cg[0])
		err = ebpfc__link_set_name(l, "%s", cg);
	if (err) {
		ebpfc__link_free(l);
		if (err == -EPERM && flags)
			ebpfc__err_append(" (a program attached with other flags is in the way)");
		return ebpfc__link_errctx(err, "%s", what);
	}
	l->attach_type = type;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

/* ---- sockmaps ------------------------------------------------------------------------------ */

EBPFC_API int ebpfc_prog_attach_sockmap(const struct ebpfc_prog *prog, int map_fd,
					const struct ebpfc_sockmap_attach_opts *opts,
					struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	char what[256];
	__u32 type;
	int err, prog_fd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_sockmap_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "sockmap attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "sockmap attach");
	if (prog_fd < 0)
		return prog_fd;
	err = pick_attach_type(prog, EBPFC__OPT(opts, attach_type_set, false),
			       EBPFC__OPT(opts, attach_type, 0), "sockmap attach", &type);
	if (err)
		return err;
	if (type != BPF_SK_SKB_STREAM_PARSER && type != BPF_SK_SKB_STREAM_VERDICT &&
	    type != BPF_SK_SKB_VERDICT && type != BPF_SK_MSG_VERDICT)
		return ebpfc__err(EINVAL, "sockmap attach of '%s': attach type %s is not a sockmap "
				  "hook (sk_skb/stream_parser, sk_skb/stream_verdict, "
				  "sk_skb/verdict, sk_msg); set opts.attach_type", prog->name,
				  ebpfc_attach_type_name(type));
	if (map_fd < 0)
		return ebpfc__err(EBADF, "sockmap attach of '%s': map fd %d", prog->name, map_fd);
	snprintf(what, sizeof(what), "sockmap attach of '%s' (%s) to map fd %d", prog->name,
		 ebpfc_attach_type_name(type), map_fd);
	l = ebpfc__link_new(EBPFC_LINK_SOCKMAP, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = -EINVAL;
	/* Sockmap links are 6.10+; BPF_PROG_ATTACH to the map before. */
	if (!EBPFC__OPT(opts, legacy, false))
		err = ebpfc_sys_link_create(prog_fd, map_fd, type, NULL, &l->fd);
	if (err == -EINVAL)
		err = prog_attach(l, prog_fd, map_fd, type, 0, what);
	if (err) {
		ebpfc__link_free(l);
		if (err == -EBUSY || err == -EEXIST)
			ebpfc__err_append(" (the map has a program on that hook already)");
		return ebpfc__link_errctx(err, "%s", what);
	}
	l->attach_type = type;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

/* ---- network namespaces ---------------------------------------------------------------------- */

static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

EBPFC_API int ebpfc_prog_attach_netns(const struct ebpfc_prog *prog, int netns_fd,
				      const struct ebpfc_netns_attach_opts *opts,
				      struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	char what[160];
	__u32 type;
	int err, prog_fd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_netns_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "netns attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "netns attach");
	if (prog_fd < 0)
		return prog_fd;
	if (prog->type == BPF_PROG_TYPE_SK_LOOKUP)
		type = BPF_SK_LOOKUP;
	else if (prog->type == BPF_PROG_TYPE_FLOW_DISSECTOR)
		type = BPF_FLOW_DISSECTOR;
	else
		return ebpfc__err(EINVAL, "netns attach of '%s': a %s program does not attach to a "
				  "network namespace (sk_lookup, flow_dissector do)", prog->name,
				  ebpfc_prog_type_name(prog->type));
	if (netns_fd < 0)
		return ebpfc__err(EBADF, "netns attach of '%s': netns fd %d", prog->name, netns_fd);
	snprintf(what, sizeof(what), "netns attach of '%s' (%s)", prog->name,
		 ebpfc_attach_type_name(type));
	l = ebpfc__link_new(EBPFC_LINK_NETNS, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	if (!EBPFC__OPT(opts, legacy, false)) {
		err = ebpfc_sys_link_create(prog_fd, netns_fd, type, NULL, &l->fd);
	} else if (type != BPF_FLOW_DISSECTOR) {
		err = ebpfc__err(EINVAL, "sk_lookup has only links (5.9+)");
	} else if (!same_file(netns_fd, "/proc/thread-self/ns/net")) {
		/* BPF_PROG_ATTACH knows no namespace fd: it takes the caller's. */
		err = ebpfc__err(EINVAL, "legacy flow_dissector attach goes to the calling thread's "
				 "namespace, and netns_fd is another one");
	} else {
		err = prog_attach(l, prog_fd, 0, type, 0, what);
	}
	if (err) {
		ebpfc__link_free(l);
		if (err == -EEXIST || err == -EBUSY)
			ebpfc__err_append(" (the namespace has one already)");
		return ebpfc__link_errctx(err, "%s", what);
	}
	l->attach_type = type;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

/* ---- iterators ------------------------------------------------------------------------------- */

/* union bpf_iter_link_info, as 6.x defines it. */
union iter_info {
	struct {
		__u32 map_fd;
	} map;
	struct {
		__u32 order;
		__u32 cgroup_fd;
		__u64 cgroup_id;
	} cgroup;
	struct {
		__u32 tid;
		__u32 pid;
		__u32 pid_fd;
	} task;
};

EBPFC_API int ebpfc_prog_attach_iter(const struct ebpfc_prog *prog,
				     const struct ebpfc_iter_attach_opts *opts,
				     struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	union iter_info ii;
	struct ebpfc_link *l;
	const char *target = "";
	int err, prog_fd, groups;
	__u32 eat;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_iter_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "iter attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "iter attach");
	if (prog_fd < 0)
		return prog_fd;
	if (prog->type != BPF_PROG_TYPE_TRACING ||
	    (ebpfc__prog_has_attach_type(prog, &eat) && eat != BPF_TRACE_ITER))
		return ebpfc__err(EINVAL, "iter attach of '%s': not an iterator program (SEC(\"iter/"
				  "...\"))", prog->name);
	if (prog->obj)
		target = ebpfc__obj_prog(prog)->attach_target;
	memset(&ii, 0, sizeof(ii));
	groups = 0;
	if (EBPFC__OPT(opts, map_fd, 0) > 0) {
		ii.map.map_fd = (__u32)EBPFC__OPT(opts, map_fd, 0);
		groups++;
	}
	if (EBPFC__OPT(opts, cgroup_fd, 0) > 0 || EBPFC__OPT(opts, cgroup_id, 0) ||
	    EBPFC__OPT(opts, cgroup_order, 0)) {
		ii.cgroup.order = EBPFC__OPT(opts, cgroup_order, 0);
		ii.cgroup.cgroup_fd = (__u32)EBPFC__OPT(opts, cgroup_fd, 0);
		ii.cgroup.cgroup_id = EBPFC__OPT(opts, cgroup_id, 0);
		groups++;
	}
	if (EBPFC__OPT(opts, tid, 0) || EBPFC__OPT(opts, pid, 0) || EBPFC__OPT(opts, pid_fd, 0)) {
		ii.task.tid = EBPFC__OPT(opts, tid, 0);
		ii.task.pid = EBPFC__OPT(opts, pid, 0);
		ii.task.pid_fd = EBPFC__OPT(opts, pid_fd, 0);
		groups++;
	}
	if (groups > 1)
		return ebpfc__err(EINVAL, "iter attach of '%s': a map, a cgroup and a task are "
				  "different iterators; give one", prog->name);
	if (groups) {
		lo.iter_info = &ii;
		lo.iter_info_len = sizeof(ii);
	}
	l = ebpfc__link_new(EBPFC_LINK_ITER, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = ebpfc_sys_link_create(prog_fd, 0, BPF_TRACE_ITER, &lo, &l->fd);
	if (!err)
		err = ebpfc__link_set_name(l, "%s", target);
	if (err) {
		ebpfc__link_free(l);
		return ebpfc__link_errctx(err, "iter attach of '%s'%s%s", prog->name,
					  *target ? " to " : "", target);
	}
	l->attach_type = BPF_TRACE_ITER;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

EBPFC_API int ebpfc_link_iter_open(const struct ebpfc_link *link, int *fd)
{
	int err;

	if (!link || !fd)
		return ebpfc__err(EINVAL, "iter open: the link or fd is NULL");
	if (link->kind != EBPFC_LINK_ITER || link->fd < 0)
		return ebpfc__err(EINVAL, "iter open: a %s link is not an iterator",
				  ebpfc_link_kind_name(link->kind));
	err = ebpfc_sys_iter_create(link->fd, fd);
	if (err)
		return ebpfc__link_errctx(err, "iter open (%s)", link->name ? link->name : "");
	return 0;
}

EBPFC_API int ebpfc_link_iter_read(const struct ebpfc_link *link, char **bufp, size_t *lenp)
{
	char what[160];
	int err, fd;

	if (!bufp)
		return ebpfc__err(EINVAL, "iter read: buf is NULL");
	*bufp = NULL;
	err = ebpfc_link_iter_open(link, &fd);
	if (err)
		return err;
	/* A read error is e.g. EAGAIN from a program that asked to be called again, or EFAULT. */
	snprintf(what, sizeof(what), "iter read (%s)", link->name ? link->name : "");
	err = ebpfc__read_fd(fd, what, bufp, lenp);
	close(fd);
	return err;
}

/* ---- netfilter --------------------------------------------------------------------------------- */

EBPFC_API int ebpfc_prog_attach_netfilter(const struct ebpfc_prog *prog,
					  const struct ebpfc_netfilter_attach_opts *opts,
					  struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	struct ebpfc_link *l;
	int err, prog_fd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_netfilter_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "netfilter attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "netfilter attach");
	if (prog_fd < 0)
		return prog_fd;
	if (!opts || !EBPFC__OPT(opts, pf, 0))
		return ebpfc__err(EINVAL, "netfilter attach of '%s': opts.pf (NFPROTO_IPV4 or "
				  "NFPROTO_IPV6) and hooknum are required", prog->name);
	lo.netfilter.pf = EBPFC__OPT(opts, pf, 0);
	lo.netfilter.hooknum = EBPFC__OPT(opts, hooknum, 0);
	lo.netfilter.priority = EBPFC__OPT(opts, priority, 0);
	lo.netfilter.flags = EBPFC__OPT(opts, flags, 0);
	l = ebpfc__link_new(EBPFC_LINK_NETFILTER, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = ebpfc_sys_link_create(prog_fd, 0, EBPFC__BPF_NETFILTER, &lo, &l->fd);
	if (!err)
		err = ebpfc__link_set_name(l, "pf %u hook %u priority %d", lo.netfilter.pf,
					   lo.netfilter.hooknum, lo.netfilter.priority);
	if (err) {
		ebpfc__link_free(l);
		if (err == -EINVAL)
			ebpfc__err_append(" (netfilter links need 6.4+; priorities INT_MIN and "
					  "INT_MAX are reserved)");
		else if (err == -EBUSY)
			ebpfc__err_append(" (another program has that priority on that hook)");
		return ebpfc__link_errctx(err, "netfilter attach of '%s' (pf %u hook %u priority %d)",
					  prog->name, lo.netfilter.pf, lo.netfilter.hooknum,
					  lo.netfilter.priority);
	}
	l->attach_type = EBPFC__BPF_NETFILTER;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}
