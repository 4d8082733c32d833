/*
 * link_probe.c - dynamic probes: kprobes and kretprobes (also on system
 * calls), uprobes and uretprobes, and their multi-probe links.
 *
 * A single probe is a perf event: from the kprobe or uprobe PMU where the
 * kernel has one (4.17+), else from a probe ebpfc writes into tracefs
 * kprobe_events / uprobe_events under a name unique to the link, removed
 * again when the link is destroyed. The program then goes onto the event
 * like any other (link_trace.c). kprobe.multi and uprobe.multi are bpf
 * links of their own (5.18+, 6.6+).
 *
 * Not here: finding binaries, symbols and kernel functions (link_resolve.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include <ebpfc/sys.h>
#include "attr.h"
#include "link_int.h"

#define PROBE_GROUP "ebpfc"
#define KPROBE_MULTI_RETURN (1U << 0)	/* BPF_F_KPROBE_MULTI_RETURN */
#define UPROBE_MULTI_RETURN (1U << 0)	/* BPF_F_UPROBE_MULTI_RETURN */
#define UPROBE_REF_CTR_SHIFT 32		/* PERF_UPROBE_REF_CTR_OFFSET_SHIFT */

/* ---- the kprobe and uprobe PMUs ------------------------------------------------------------ */

/* The PMU's perf type; 1 when the kernel has no such PMU. */
static int pmu_type(const char *pmu, __u32 *type)
{
	char path[128], *buf, *end;
	unsigned long v;
	int err;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	err = ebpfc__read_file(path, &buf, NULL);
	if (err) {
		ebpfc__err_clear();
		return 1;
	}
	errno = 0;
	v = strtoul(buf, &end, 10);
	err = errno || end == buf || v > UINT32_MAX ? -EINVAL : 0;
	free(buf);
	if (err)
		return ebpfc__err(err, "%s: not a perf type", path);
	*type = (__u32)v;
	return 0;
}

/* The config bit that makes a probe a return probe: format/retprobe says "config:N". */
static int pmu_retprobe_bit(const char *pmu, int *bit)
{
	char path[128], *buf;
	int err, n;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/format/retprobe", pmu);
	err = ebpfc__read_file(path, &buf, NULL);
	if (err)
		return err;
	err = sscanf(buf, "config:%d", &n) == 1 && n >= 0 && n < 64 ? 0 : -EINVAL;
	free(buf);
	if (err)
		return ebpfc__err(err, "%s: expected 'config:<bit>'", path);
	*bit = n;
	return 0;
}

/*
 * A probe through the PMU: config1 and config2 carry the function (or
 * file) and the offset. 1 when there is no PMU.
 */
static int pmu_probe(const char *pmu, const char *target, __u64 offset, bool retprobe,
		     __u64 config_extra, int pid, const char *what, int *pfd)
{
	struct perf_event_attr attr;
	__u32 type = 0;
	int err, bit = 0;

	err = pmu_type(pmu, &type);
	if (err)
		return err;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config_extra;
	if (retprobe) {
		err = pmu_retprobe_bit(pmu, &bit);
		if (err)
			return ebpfc__link_errctx(err, "%s", what);
		attr.config |= 1ULL << bit;
	}
	attr.config1 = (__u64)(uintptr_t)target;	/* kprobe_func, uprobe_path */
	attr.config2 = offset;				/* probe_offset */
	/* Every process: pid -1 on cpu 0 (which means all CPUs for probes). */
	err = ebpfc__perf_event_open(&attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0, what, pfd);
	if (err == -ENOENT || err == -EINVAL)
		ebpfc__err_append(" (%s)", !strcmp(pmu, "kprobe")
				  ? "no such function, or not one kprobes may probe (see "
				    "/sys/kernel/debug/kprobes/blacklist)"
				  : "no such file, or the offset is not in its code");
	return err;
}

/*
 * A name for a tracefs probe: unique on the system while the link lives
 * (pid, and bits of the link's address and of the clock), readable in
 * listings (the target), and within the kernel's 64-character limit.
 */
static void probe_name(const struct ebpfc_link *l, const char *target, char *out, size_t sz)
{
	struct timespec ts;
	size_t i, n;
	unsigned int tag;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	tag = (unsigned int)(((uintptr_t)l >> 4) ^ (uintptr_t)ts.tv_nsec);
	n = (size_t)snprintf(out, sz, "ebpfc_%d_%08x_", (int)getpid(), tag);
	for (i = 0; target[i] && n + 1 < sz && i < 24; i++)
		out[n++] = (target[i] >= 'a' && target[i] <= 'z') || (target[i] >= 'A' &&
			    target[i] <= 'Z') || (target[i] >= '0' && target[i] <= '9')
			   ? target[i] : '_';
	out[n] = '\0';
}

/* A probe through tracefs; the link removes it when it goes. */
static int tracefs_probe(struct ebpfc_link *l, bool uprobe, const char *target, __u64 offset,
			 bool retprobe, __u64 ref_ctr, int pid, const char *what, int *pfd)
{
	char name[64], event[80], def[4400], base[32];
	struct perf_event_attr attr;
	__u32 id;
	int err;

	const char *slash = uprobe ? strrchr(target, '/') : NULL;

	probe_name(l, slash ? slash + 1 : target, name, sizeof(name));
	snprintf(event, sizeof(event), PROBE_GROUP "/%s", name);
	if (uprobe) {
		if (strpbrk(target, " \t\n:"))
			return ebpfc__err(EINVAL, "%s: uprobe_events cannot name a path with spaces "
					  "or colons", what);
		base[0] = '\0';
		if (ref_ctr)
			snprintf(base, sizeof(base), "(0x%llx)", (unsigned long long)ref_ctr);
		snprintf(def, sizeof(def), "%c:%s %s:0x%llx%s", retprobe ? 'r' : 'p', event, target,
			 (unsigned long long)offset, base);
	} else {
		snprintf(def, sizeof(def), "%c:%s %s+%llu", retprobe ? 'r' : 'p', event, target,
			 (unsigned long long)offset);
	}
	err = ebpfc__tracefs_probe_add(uprobe ? "uprobe_events" : "kprobe_events", event, def,
				       &l->probe);
	if (err)
		return ebpfc__link_errctx(err, "%s", what);
	err = ebpfc__tracefs_event_id(PROBE_GROUP, name, &id);
	if (err)
		return ebpfc__link_errctx(err, "%s", what);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.sample_period = 1;
	return ebpfc__perf_event_open(&attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0, what, pfd);
}

/* ---- kprobes ---------------------------------------------------------------------------------- */

EBPFC_API int ebpfc_prog_attach_kprobe(const struct ebpfc_prog *prog, const char *func,
				       const struct ebpfc_kprobe_attach_opts *opts,
				       struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	bool retprobe;
	char what[256];
	__u64 offset, cookie;
	int err, prog_fd, pfd = -1;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_kprobe_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "kprobe attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "kprobe attach");
	if (prog_fd < 0)
		return prog_fd;
	offset = EBPFC__OPT(opts, offset, 0);
	retprobe = EBPFC__OPT(opts, retprobe, false);
	cookie = EBPFC__OPT(opts, cookie, 0);
	if (!func || !*func)
		return ebpfc__err(EINVAL, "kprobe attach of '%s': no function", prog->name);
	snprintf(what, sizeof(what), "%s attach of '%s' to %s+0x%llx",
		 retprobe ? "kretprobe" : "kprobe", prog->name, func, (unsigned long long)offset);
	if (retprobe && offset)
		return ebpfc__err(EINVAL, "%s: a kretprobe goes on a function, not into it", what);
	l = ebpfc__link_new(EBPFC_LINK_KPROBE, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = 1;
	if (!EBPFC__OPT(opts, tracefs, false))
		err = pmu_probe("kprobe", func, offset, retprobe, 0, -1, what, &pfd);
	if (err == 1)
		err = tracefs_probe(l, false, func, offset, retprobe, 0, -1, what, &pfd);
	if (!err)
		err = ebpfc__link_perf_attach(l, prog_fd, pfd, cookie,
					      EBPFC__OPT(opts, perf_ioctl, false), what);
	if (!err)
		err = offset ? ebpfc__link_set_name(l, "%s+0x%llx", func, (unsigned long long)offset)
			     : ebpfc__link_set_name(l, "%s", func);
	if (err) {
		ebpfc__link_free(l);
		return err;
	}
	l->attach_type = BPF_PERF_EVENT;
	l->offset = offset;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

EBPFC_API int ebpfc_prog_attach_ksyscall(const struct ebpfc_prog *prog, const char *name,
					 const struct ebpfc_kprobe_attach_opts *opts,
					 struct ebpfc_link **link)
{
	const char *pfx = ebpfc__syscall_prefix();
	char func[128];
	int err;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_kprobe_attach_opts);
	if (err)
		return err;
	if (!name || !*name || strlen(name) > 64)
		return ebpfc__err(EINVAL, "ksyscall attach: no (or no sensible) system call name");
	if (EBPFC__OPT(opts, offset, 0))
		return ebpfc__err(EINVAL, "ksyscall attach of %s: an offset makes no sense on a "
				  "system call", name);
	/* Kernels with syscall wrappers (x86 4.17+ and most others since) name them so. */
	if (*pfx) {
		snprintf(func, sizeof(func), "%s%s", pfx, name);
		err = ebpfc_prog_attach_kprobe(prog, func, opts, link);
		if (err != -ENOENT && err != -EINVAL)
			return err;
	}
	snprintf(func, sizeof(func), "sys_%s", name);
	err = ebpfc_prog_attach_kprobe(prog, func, opts, link);
	if (err == -ENOENT && *pfx)
		ebpfc__err_append(" (nor %s%s)", pfx, name);
	return err;
}

EBPFC_API int ebpfc_prog_attach_kprobe_multi(const struct ebpfc_prog *prog, const char *pattern,
					     const struct ebpfc_kprobe_multi_attach_opts *opts,
					     struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	const char **syms;
	struct ebpfc_link *l;
	char **names = NULL;
	size_t cnt;
	int err, prog_fd;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_kprobe_multi_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "kprobe.multi attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "kprobe.multi attach");
	if (prog_fd < 0)
		return prog_fd;
	syms = EBPFC__OPT(opts, syms, NULL);
	cnt = EBPFC__OPT(opts, cnt, 0);
	if (!pattern == !syms || (syms && !cnt))
		return ebpfc__err(EINVAL, "kprobe.multi attach of '%s': give a pattern, or syms and "
				  "cnt, not both", prog->name);
	if (pattern && EBPFC__OPT(opts, cookies, NULL))
		return ebpfc__err(EINVAL, "kprobe.multi attach of '%s': cookies need syms (a "
				  "pattern's matches come in no order a caller knows)", prog->name);
	if (pattern) {
		err = ebpfc__kernel_func_match(pattern, &names, &cnt);
		if (err)
			return ebpfc__link_errctx(err, "kprobe.multi attach of '%s'", prog->name);
		syms = (const char **)names;
	}
	if (cnt > UINT32_MAX) {
		ebpfc__strv_free(names, cnt);
		return ebpfc__err(E2BIG, "kprobe.multi attach of '%s': %zu functions", prog->name,
				  cnt);
	}
	lo.kprobe_multi.flags = EBPFC__OPT(opts, retprobe, false) ? KPROBE_MULTI_RETURN : 0;
	lo.kprobe_multi.cnt = (__u32)cnt;
	lo.kprobe_multi.syms = syms;
	lo.kprobe_multi.cookies = EBPFC__OPT(opts, cookies, NULL);
	l = ebpfc__link_new(EBPFC_LINK_KPROBE_MULTI, EBPFC_LINK_MECH_BPF_LINK);
	if (!l) {
		ebpfc__strv_free(names, cnt);
		return -ENOMEM;
	}
	err = ebpfc_sys_link_create(prog_fd, 0, BPF_TRACE_KPROBE_MULTI, &lo, &l->fd);
	if (!err)
		err = ebpfc__link_set_name(l, "%s", pattern ? pattern : syms[0]);
	ebpfc__strv_free(names, cnt);
	if (err) {
		ebpfc__link_free(l);
		if (err == -EINVAL)
			ebpfc__err_append(" (kprobe.multi needs 5.18+, and a program loaded from a "
					  "kprobe.multi section)");
		else if (err == -ENOENT || err == -ESRCH)
			ebpfc__err_append(" (a function is not in kallsyms)");
		return ebpfc__link_errctx(err, "kprobe.multi attach of '%s' to %zu function%s",
					  prog->name, cnt, cnt == 1 ? "" : "s");
	}
	l->attach_type = BPF_TRACE_KPROBE_MULTI;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

/* ---- uprobes ---------------------------------------------------------------------------------- */

EBPFC_API int ebpfc_uprobe_resolve(const char *binary, const char *func, char *path,
				   size_t path_sz, __u64 *offset)
{
	int err;

	if (!path || !path_sz || !offset)
		return ebpfc__err(EINVAL, "uprobe resolve: NULL output");
	err = ebpfc__resolve_binary(binary, path, path_sz);
	if (err)
		return err;
	*offset = 0;
	return func ? ebpfc__elf_func_offset(path, func, offset) : 0;
}

EBPFC_API int ebpfc_prog_attach_uprobe(const struct ebpfc_prog *prog, const char *binary,
				       const char *func, const struct ebpfc_uprobe_attach_opts *opts,
				       struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	char path[4096], what[512];
	__u64 offset, ref_ctr;
	bool retprobe;
	int err, prog_fd, pid, pfd = -1;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_uprobe_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "uprobe attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "uprobe attach");
	if (prog_fd < 0)
		return prog_fd;
	retprobe = EBPFC__OPT(opts, retprobe, false);
	pid = EBPFC__OPT(opts, pid, 0);
	ref_ctr = EBPFC__OPT(opts, ref_ctr_offset, 0);
	err = ebpfc_uprobe_resolve(binary, func, path, sizeof(path), &offset);
	if (err)
		return ebpfc__link_errctx(err, "%s attach of '%s'", retprobe ? "uretprobe" : "uprobe",
					  prog->name);
	offset += EBPFC__OPT(opts, offset, 0);
	snprintf(what, sizeof(what), "%s attach of '%s' to %.300s%s%s (offset 0x%llx)%s",
		 retprobe ? "uretprobe" : "uprobe", prog->name, path, func ? ":" : "",
		 func ? func : "", (unsigned long long)offset, pid > 0 ? " for one process" : "");
	if (pid < 0)
		return ebpfc__err(EINVAL, "%s: pid %d", what, pid);
	l = ebpfc__link_new(EBPFC_LINK_UPROBE, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	err = 1;
	if (!EBPFC__OPT(opts, tracefs, false))
		err = pmu_probe("uprobe", path, offset, retprobe, ref_ctr << UPROBE_REF_CTR_SHIFT,
				pid, what, &pfd);
	if (err == 1)
		err = tracefs_probe(l, true, path, offset, retprobe, ref_ctr, pid, what, &pfd);
	if (!err)
		err = ebpfc__link_perf_attach(l, prog_fd, pfd, EBPFC__OPT(opts, cookie, 0),
					      EBPFC__OPT(opts, perf_ioctl, false), what);
	if (!err)
		err = ebpfc__link_set_name(l, "%s", path);
	if (err) {
		ebpfc__link_free(l);
		return err;
	}
	l->attach_type = BPF_PERF_EVENT;
	l->offset = offset;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
	return 0;
}

EBPFC_API int ebpfc_prog_attach_uprobe_multi(const struct ebpfc_prog *prog, const char *binary,
					     const char *pattern,
					     const struct ebpfc_uprobe_multi_attach_opts *opts,
					     struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	const char **syms;
	const __u64 *given, *refs;
	unsigned long *offs = NULL, *ref_offs = NULL;
	struct ebpfc_link *l = NULL;
	char **names = NULL, path[4096];
	__u64 *found = NULL;
	size_t cnt, i;
	int err, prog_fd, pid;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_uprobe_multi_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "uprobe.multi attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "uprobe.multi attach");
	if (prog_fd < 0)
		return prog_fd;
	syms = EBPFC__OPT(opts, syms, NULL);
	given = EBPFC__OPT(opts, offsets, NULL);
	refs = EBPFC__OPT(opts, ref_ctr_offsets, NULL);
	cnt = EBPFC__OPT(opts, cnt, 0);
	pid = EBPFC__OPT(opts, pid, 0);
	if ((pattern != NULL) + (syms != NULL) + (given != NULL) != 1 || (!pattern && !cnt))
		return ebpfc__err(EINVAL, "uprobe.multi attach of '%s': give exactly one of a "
				  "pattern, syms or offsets (with cnt)", prog->name);
	if (pattern && (EBPFC__OPT(opts, cookies, NULL) || refs))
		return ebpfc__err(EINVAL, "uprobe.multi attach of '%s': cookies and ref_ctr_offsets "
				  "need syms or offsets, whose order the caller knows", prog->name);
	if (pid < 0)
		return ebpfc__err(EINVAL, "uprobe.multi attach of '%s': pid %d", prog->name, pid);
	err = ebpfc__resolve_binary(binary, path, sizeof(path));
	if (err)
		return ebpfc__link_errctx(err, "uprobe.multi attach of '%s'", prog->name);
	if (pattern) {
		err = ebpfc__elf_func_match(path, pattern, &names, &found, &cnt);
	} else if (syms) {
		found = calloc(cnt, sizeof(*found));
		err = found ? ebpfc__elf_func_offsets(path, syms, cnt, found)
			    : ebpfc__err(ENOMEM, "uprobe.multi: out of memory");
	}
	if (err)
		goto out;
	offs = calloc(cnt, sizeof(*offs));
	ref_offs = refs ? calloc(cnt, sizeof(*ref_offs)) : NULL;
	if (!offs || (refs && !ref_offs) || cnt > UINT32_MAX) {
		err = ebpfc__err(ENOMEM, "uprobe.multi attach of '%s': out of memory for %zu "
				 "offsets", prog->name, cnt);
		goto out;
	}
	for (i = 0; i < cnt; i++) {
		offs[i] = (unsigned long)(found ? found[i] : given[i]);
		if (refs)
			ref_offs[i] = (unsigned long)refs[i];
	}
	lo.uprobe_multi.path = path;
	lo.uprobe_multi.offsets = offs;
	lo.uprobe_multi.ref_ctr_offsets = ref_offs;
	lo.uprobe_multi.cookies = EBPFC__OPT(opts, cookies, NULL);
	lo.uprobe_multi.cnt = (__u32)cnt;
	lo.uprobe_multi.flags = EBPFC__OPT(opts, retprobe, false) ? UPROBE_MULTI_RETURN : 0;
	lo.uprobe_multi.pid = (__u32)pid;
	l = ebpfc__link_new(EBPFC_LINK_UPROBE_MULTI, EBPFC_LINK_MECH_BPF_LINK);
	if (!l) {
		err = -ENOMEM;
		goto out;
	}
	err = ebpfc_sys_link_create(prog_fd, 0, EBPFC__BPF_TRACE_UPROBE_MULTI, &lo, &l->fd);
	if (!err)
		err = ebpfc__link_set_name(l, "%s", path);
	if (err) {
		if (err == -EINVAL)
			ebpfc__err_append(" (uprobe.multi needs 6.6+, and a program loaded from a "
					  "uprobe.multi section)");
		ebpfc__link_errctx(err, "uprobe.multi attach of '%s' to %zu place%s in %s",
				   prog->name, cnt, cnt == 1 ? "" : "s", path);
		ebpfc__link_free(l);
		l = NULL;
		goto out;
	}
	l->attach_type = EBPFC__BPF_TRACE_UPROBE_MULTI;
	l->prog_id = ebpfc__prog_id(prog_fd);
	*link = l;
out:
	ebpfc__strv_free(names, pattern ? cnt : 0);
	free(found);
	free(offs);
	free(ref_offs);
	return err;
}
