/*
 * link_trace.c - tracing hooks that need no probe to be created:
 * tracepoints (through a perf event), raw tracepoints, BTF-based tracing
 * (tp_btf, fentry, fexit, fmod_ret, lsm, freplace) and caller-made perf
 * events; and what kprobes and uprobes share with them: tracefs (found or
 * mounted, event ids, probes added and removed) and attaching a program to
 * a perf event by link or by ioctl.
 *
 * Not here: creating kprobes and uprobes (link_probe.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include <ebpfc/btf.h>
#include <ebpfc/sys.h>
#include "btf_load.h"
#include "link_int.h"
#include "object_int.h"

#define TRACEFS_MAGIC 0x74726163

/* ---- tracefs ------------------------------------------------------------------------- */

static bool is_tracefs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == TRACEFS_MAGIC;
}

int ebpfc__tracefs_root(const char **root)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	size_t i;
	int err;

	for (i = 0; i < EBPFC__ARRAY_SIZE(roots); i++) {
		if (is_tracefs(roots[i])) {
			*root = roots[i];
			return 0;
		}
	}
	/* Where tracefs has its own mount point but nobody mounted it (minimal systems). */
	if (mount("tracefs", roots[0], "tracefs", 0, NULL) == 0 || is_tracefs(roots[0])) {
		*root = roots[0];
		return 0;
	}
	err = errno;
	return ebpfc__err(err == EPERM ? EPERM : ENOENT,
			  "tracefs is mounted neither at %s nor at %s, and mounting it failed "
			  "(%s); mount it: mount -t tracefs tracefs %s", roots[0], roots[1],
			  ebpfc_strerror(err), roots[0]);
}

/* A name fit to be a path component of tracefs: no '/', not "." or "..". */
static bool safe_component(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int ebpfc__tracefs_event_id(const char *category, const char *name, __u32 *id)
{
	char path[512], *buf, *end;
	const char *root;
	unsigned long v;
	int err;

	if (!safe_component(category) || !safe_component(name))
		return ebpfc__err(EINVAL, "tracepoint '%s:%s': not a valid category and name",
				  category ? category : "(null)", name ? name : "(null)");
	err = ebpfc__tracefs_root(&root);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, category, name);
	err = ebpfc__read_file(path, &buf, NULL);
	if (err == -ENOENT)
		return ebpfc__err(ENOENT, "tracepoint '%s:%s' does not exist (no %s; see %s/"
				  "available_events)", category, name, path, root);
	if (err)
		return err;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || v > UINT32_MAX) {
		free(buf);
		return ebpfc__err(EINVAL, "%s: '%.20s' is not an event id", path, buf);
	}
	free(buf);
	*id = (__u32)v;
	return 0;
}

int ebpfc__tracefs_probe_add(const char *file, const char *event, const char *def,
			     struct ebpfc__tracefs_probe *p)
{
	char path[256];
	const char *root;
	ssize_t n;
	int err, fd;

	err = ebpfc__tracefs_root(&root);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s", root, file);
	/* O_APPEND, never O_TRUNC: truncating the file removes every probe. */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return ebpfc__err(errno, "cannot open %s: %s%s", path, ebpfc_strerror(errno),
				  errno == ENOENT ? " (the kernel has no dynamic probes of this kind)"
						  : "");
	n = write(fd, def, strlen(def));
	err = n < 0 ? errno : 0;
	close(fd);
	if (err)
		return ebpfc__err(err, "%s: adding '%s': %s (the kernel explains in %s/error_log)",
				  path, def, ebpfc_strerror(err), root);
	p->events_file = strdup(path);
	p->event = strdup(event);
	if (!p->events_file || !p->event) {
		ebpfc__tracefs_probe_remove(p);
		return ebpfc__err(ENOMEM, "tracefs probe: out of memory");
	}
	return 0;
}

void ebpfc__tracefs_probe_remove(struct ebpfc__tracefs_probe *p)
{
	char def[300];
	int fd;

	if (p->events_file && p->event) {
		snprintf(def, sizeof(def), "-:%s", p->event);
		fd = open(p->events_file, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0) {
			/* Nothing to tell anyone if it fails: destroy has no result. */
			if (write(fd, def, strlen(def)) < 0) {
				/* still in use somewhere, or removed by hand */
			}
			close(fd);
		}
	}
	free(p->events_file);
	free(p->event);
	p->events_file = NULL;
	p->event = NULL;
}

/* ---- perf events ------------------------------------------------------------------------ */

int ebpfc__perf_event_open(void *attr, int pid, int cpu, const char *what, int *fd)
{
	long r = syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	int nfd;

	if (r < 0)
		return ebpfc__err(errno, "%s: perf_event_open: %s%s", what, ebpfc_strerror(errno),
				  errno == EACCES || errno == EPERM
				  ? " (needs CAP_PERFMON or CAP_SYS_ADMIN, or a lower "
				    "kernel.perf_event_paranoid)" : "");
	/* Keep 0-2 free, as the bpf() wrappers do: "fd 0" means none in attr blocks. */
	if (r <= 2) {
		nfd = fcntl((int)r, F_DUPFD_CLOEXEC, 3);
		close((int)r);
		if (nfd < 0)
			return ebpfc__err(errno, "%s: moving the perf event fd: %s", what,
					  ebpfc_strerror(errno));
		r = nfd;
	}
	*fd = (int)r;
	return 0;
}

int ebpfc__link_perf_attach(struct ebpfc_link *l, int prog_fd, int pfd, __u64 cookie,
			    bool perf_ioctl, const char *what)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo, .cookie = cookie);
	int err, fd;

	if (!perf_ioctl) {
		err = ebpfc_sys_link_create(prog_fd, pfd, BPF_PERF_EVENT, &lo, &fd);
		if (!err) {
			l->mech = EBPFC_LINK_MECH_BPF_LINK;
			l->fd = fd;
			l->perf_fd = pfd;
			l->cookie = cookie;
			return 0;
		}
		/* EINVAL: no perf links before 5.15; the ioctl does the same job there. */
		if (err != -EINVAL) {
			ebpfc__close(pfd);
			return ebpfc__link_errctx(err, "%s", what);
		}
		if (cookie) {
			ebpfc__close(pfd);
			return ebpfc__link_errctx(err, "%s: a bpf_cookie needs a perf link (5.15+)",
						  what);
		}
	} else if (cookie) {
		ebpfc__close(pfd);
		return ebpfc__err(EINVAL, "%s: a bpf_cookie needs a perf link, not perf_ioctl", what);
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0) {
		err = -errno;
		ebpfc__close(pfd);
		return ebpfc__err(err, "%s: PERF_EVENT_IOC_SET_BPF: %s%s", what, ebpfc_strerror(err),
				  err == -EEXIST ? " (the event runs a program already)"
				  : err == -EINVAL ? " (the program's type does not fit the event)" : "");
	}
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		err = -errno;
		ebpfc__close(pfd);
		return ebpfc__err(err, "%s: PERF_EVENT_IOC_ENABLE: %s", what, ebpfc_strerror(err));
	}
	l->mech = EBPFC_LINK_MECH_PERF_IOCTL;
	l->fd = pfd;
	return 0;
}

/* ---- tracepoints ------------------------------------------------------------------------ */

EBPFC_API int ebpfc_prog_attach_tracepoint(const struct ebpfc_prog *prog, const char *category,
					   const char *name,
					   const struct ebpfc_tracepoint_attach_opts *opts,
					   struct ebpfc_link **link)
{
	struct perf_event_attr attr;
	struct ebpfc_link *l;
	char what[320];
	int err, prog_fd, pfd;
	__u32 id;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_tracepoint_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "tracepoint attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "tracepoint attach");
	if (prog_fd < 0)
		return prog_fd;
	err = ebpfc__tracefs_event_id(category, name, &id);
	if (err)
		return ebpfc__link_errctx(err, "tracepoint attach of '%s'", prog->name);
	snprintf(what, sizeof(what), "tracepoint attach of '%s' to %s:%s", prog->name, category,
		 name);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.sample_period = 1;
	/* cpu 0 stands for all: a program on a tracepoint runs on every CPU. */
	err = ebpfc__perf_event_open(&attr, -1, 0, what, &pfd);
	if (err)
		return err;
	l = ebpfc__link_new(EBPFC_LINK_TRACEPOINT, EBPFC_LINK_MECH_BPF_LINK);
	if (!l) {
		ebpfc__close(pfd);
		return -ENOMEM;
	}
	err = ebpfc__link_perf_attach(l, prog_fd, pfd, EBPFC__OPT(opts, cookie, 0),
				      EBPFC__OPT(opts, perf_ioctl, false), what);
	if (!err)
		err = ebpfc__link_set_name(l, "%s:%s", category, name);
	if (err) {
		ebpfc__link_free(l);
		return err;
	}
	l->attach_type = BPF_PERF_EVENT;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

EBPFC_API int ebpfc_prog_attach_raw_tp(const struct ebpfc_prog *prog, const char *name,
				       const struct ebpfc_raw_tp_attach_opts *opts,
				       struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	__u64 cookie;
	int err, prog_fd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_raw_tp_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "raw_tp attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "raw_tp attach");
	if (prog_fd < 0)
		return prog_fd;
	if (!name || !*name)
		return ebpfc__err(EINVAL, "raw_tp attach of '%s': no tracepoint name", prog->name);
	cookie = EBPFC__OPT(opts, cookie, 0);
	l = ebpfc__link_new(EBPFC_LINK_RAW_TP, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = ebpfc_sys_raw_tracepoint_open(name, prog_fd, cookie, &l->fd);
	if (!err)
		err = ebpfc__link_set_name(l, "%s", name);
	if (err) {
		ebpfc__link_free(l);
		if (err == -ENOENT)
			ebpfc__err_append(" (no raw tracepoint of that name)");
		else if (err == -E2BIG && cookie)
			ebpfc__err_append(" (raw_tp cookies need 6.10+)");
		return ebpfc__link_errctx(err, "raw_tp attach of '%s' to %s", prog->name, name);
	}
	l->cookie = cookie;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

/* ---- BTF-based tracing -------------------------------------------------------------------- */

static const char *tracing_target(const struct ebpfc_prog *prog)
{
	const struct ebpfc__obj_prog *p;

	if (!prog->obj)
		return "";
	p = ebpfc__obj_prog(prog);
	return p->attach_func ? p->attach_func : p->attach_target ? p->attach_target : "";
}

EBPFC_API int ebpfc_prog_attach_tracing(const struct ebpfc_prog *prog,
					const struct ebpfc_tracing_attach_opts *opts,
					struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	struct ebpfc_link *l;
	__u32 eat = 0;
	bool known;
	int err, prog_fd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_tracing_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "tracing attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "tracing attach");
	if (prog_fd < 0)
		return prog_fd;
	if (prog->type == BPF_PROG_TYPE_EXT) {
		if (EBPFC__OPT(opts, cookie, 0))
			return ebpfc__err(EINVAL, "tracing attach of '%s': freplace takes no cookie",
					  prog->name);
		return ebpfc_prog_attach_freplace(prog, 0, NULL, link);
	}
	if (prog->type != BPF_PROG_TYPE_TRACING && prog->type != BPF_PROG_TYPE_LSM)
		return ebpfc__err(EINVAL, "tracing attach of '%s': a %s program is not a BTF "
				  "tracing program (tp_btf, fentry, fexit, fmod_ret, lsm, freplace)",
				  prog->name, ebpfc_prog_type_name(prog->type));
	known = ebpfc__prog_has_attach_type(prog, &eat);
	if (known && eat == BPF_TRACE_ITER)
		return ebpfc__err(EINVAL, "tracing attach of '%s': an iterator; use "
				  "ebpfc_prog_attach_iter()", prog->name);
	if (known && eat == BPF_LSM_CGROUP)
		return ebpfc__err(EINVAL, "tracing attach of '%s': lsm_cgroup attaches to a cgroup; "
				  "use ebpfc_prog_attach_cgroup()", prog->name);
	lo.cookie = EBPFC__OPT(opts, cookie, 0);
	l = ebpfc__link_new(EBPFC_LINK_TRACING, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	/*
	 * BPF_LINK_CREATE needs the expected attach type (5.10+, cookies
	 * 5.19+); tp_btf takes its cookie only through RAW_TRACEPOINT_OPEN.
	 */
	err = -EINVAL;
	if (known && eat != BPF_TRACE_RAW_TP)
		err = ebpfc_sys_link_create(prog_fd, 0, eat, &lo, &l->fd);
	if (err == -EINVAL || err == -E2BIG)
		err = ebpfc_sys_raw_tracepoint_open(NULL, prog_fd, lo.cookie, &l->fd);
	if (!err)
		err = ebpfc__link_set_name(l, "%s", tracing_target(prog));
	if (err) {
		ebpfc__link_free(l);
		if (err == -E2BIG && lo.cookie)
			ebpfc__err_append(" (cookies need 5.19+, 6.10+ for tp_btf)");
		return ebpfc__link_errctx(err, "tracing attach of '%s'%s%s", prog->name,
					  *tracing_target(prog) ? " to " : "", tracing_target(prog));
	}
	l->attach_type = eat;
	l->cookie = lo.cookie;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

EBPFC_API int ebpfc_prog_attach_freplace(const struct ebpfc_prog *prog, int target_prog_fd,
					 const char *func, struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	struct ebpfc_btf *btf;
	struct ebpfc_link *l;
	char what[256];
	__u32 id;
	int err, prog_fd;

	if (!link)
		return ebpfc__err(EINVAL, "freplace attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "freplace attach");
	if (prog_fd < 0)
		return prog_fd;
	if (prog->type != BPF_PROG_TYPE_EXT)
		return ebpfc__err(EINVAL, "freplace attach of '%s': a %s program, not freplace",
				  prog->name, ebpfc_prog_type_name(prog->type));
	if ((target_prog_fd > 0) != (func != NULL))
		return ebpfc__err(EINVAL, "freplace attach of '%s': give both the target program "
				  "and the function, or neither (the target set at load)",
				  prog->name);
	if (func) {
		snprintf(what, sizeof(what), "freplace attach of '%s': target program", prog->name);
		err = ebpfc__btf_from_prog_fd(target_prog_fd, what, &btf);
		if (err)
			return err;
		err = ebpfc_btf_find(btf, func, BTF_KIND_FUNC, &id);
		ebpfc_btf_destroy(btf);
		if (err)
			return ebpfc__err(ENOENT, "freplace attach of '%s': the target program has "
					  "no function '%s' in its BTF", prog->name, func);
		lo.target_btf_id = id;
	}
	l = ebpfc__link_new(EBPFC_LINK_TRACING, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = ebpfc_sys_link_create(prog_fd, func ? target_prog_fd : 0, 0, func ? &lo : NULL,
				    &l->fd);
	/* Before 5.10 only the load-time target, through RAW_TRACEPOINT_OPEN. */
	if (err == -EINVAL && !func)
		err = ebpfc_sys_raw_tracepoint_open(NULL, prog_fd, 0, &l->fd);
	if (!err)
		err = ebpfc__link_set_name(l, "%s", func ? func : tracing_target(prog));
	if (err) {
		ebpfc__link_free(l);
		return ebpfc__link_errctx(err, "freplace attach of '%s'%s%s", prog->name,
					  func ? " to " : "", func ? func : "");
	}
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

/* ---- caller-made perf events ---------------------------------------------------------------- */

EBPFC_API int ebpfc_prog_attach_perf_event(const struct ebpfc_prog *prog, int perf_fd,
					   const struct ebpfc_perf_event_attach_opts *opts,
					   struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	char what[128];
	int err, prog_fd, pfd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_perf_event_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "perf_event attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "perf_event attach");
	if (prog_fd < 0)
		return prog_fd;
	if (perf_fd < 0)
		return ebpfc__err(EBADF, "perf_event attach of '%s': perf fd %d", prog->name,
				  perf_fd);
	snprintf(what, sizeof(what), "perf_event attach of '%s' to perf fd %d", prog->name,
		 perf_fd);
	err = ebpfc__dup_fd(perf_fd, what, &pfd);
	if (err)
		return err;
	l = ebpfc__link_new(EBPFC_LINK_PERF_EVENT, EBPFC_LINK_MECH_BPF_LINK);
	if (!l) {
		ebpfc__close(pfd);
		return -ENOMEM;
	}
	err = ebpfc__link_perf_attach(l, prog_fd, pfd, EBPFC__OPT(opts, cookie, 0),
				      EBPFC__OPT(opts, perf_ioctl, false), what);
	if (err) {
		ebpfc__link_free(l);
		return err;
	}
	l->attach_type = BPF_PERF_EVENT;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}
