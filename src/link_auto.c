/*
 * link_auto.c - attaching a program where its section name says
 * ("tracepoint/syscalls/sys_enter_openat", "kprobe/do_unlinkat+0x10",
 * "uprobe/libc.so.6:malloc", ...), for one program or for every program
 * of a loaded object, and the set of links the latter makes.
 *
 * The section table itself is section.c's; this file only reads the
 * prefix and the target after it. Not here: the attaching (the other
 * link*.c files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_int.h"
#include "object_int.h"

struct ebpfc_link_set {
	struct ebpfc_link **links;
	const struct ebpfc_prog **progs;	/* the program of each link, for find */
	size_t cnt;
};

static bool has_prefix(const char *s, const char *pfx)
{
	return !strncmp(s, pfx, strlen(pfx));
}

static bool is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

enum auto_kind {
	AUTO_NONE,
	AUTO_TRACEPOINT,
	AUTO_RAW_TP,
	AUTO_TRACING,
	AUTO_KPROBE,
	AUTO_KSYSCALL,
	AUTO_KPROBE_MULTI,
	AUTO_UPROBE,
	AUTO_UPROBE_MULTI,
	AUTO_ITER,
};

/*
 * What the section of p says to do. AUTO_NONE with *why set when it
 * cannot attach on its own.
 */
static enum auto_kind classify(const struct ebpfc__obj_prog *p, const char **why)
{
	static const char *const tracing[] = { "tp_btf", "fentry", "fentry.s", "fexit",
		"fexit.s", "fmod_ret", "fmod_ret.s", "lsm", "lsm.s", "freplace", NULL };
	static const char *const raw[] = { "raw_tp", "raw_tracepoint", "raw_tp.w",
		"raw_tracepoint.w", NULL };
	const char *pfx = p->def ? p->def->prefix : NULL;
	bool target = p->attach_target && p->attach_target[0];

	*why = NULL;
	if (!pfx) {
		*why = "its section names no known program type";
		return AUTO_NONE;
	}
	if (!strcmp(pfx, "tracepoint") || !strcmp(pfx, "tp"))
		return target ? AUTO_TRACEPOINT : (*why = "the section names no tracepoint "
							  "(tracepoint/CATEGORY/NAME)", AUTO_NONE);
	if (is_one_of(pfx, raw))
		return target ? AUTO_RAW_TP : (*why = "the section names no raw tracepoint "
						      "(raw_tp/NAME)", AUTO_NONE);
	if (is_one_of(pfx, tracing))
		return AUTO_TRACING;	/* the target was fixed at load */
	if (!strcmp(pfx, "lsm_cgroup")) {
		*why = "lsm_cgroup needs a cgroup: ebpfc_prog_attach_cgroup()";
		return AUTO_NONE;
	}
	if (!strcmp(pfx, "ksyscall") || !strcmp(pfx, "kretsyscall"))
		return target ? AUTO_KSYSCALL : (*why = "the section names no system call",
						  AUTO_NONE);
	if (!strcmp(pfx, "kprobe.multi") || !strcmp(pfx, "kretprobe.multi"))
		return target ? AUTO_KPROBE_MULTI : (*why = "the section names no pattern",
						     AUTO_NONE);
	if (!strcmp(pfx, "kprobe") || !strcmp(pfx, "kretprobe"))
		return target ? AUTO_KPROBE : (*why = "the section names no function "
						      "(kprobe/FUNC[+OFFSET]): "
						      "ebpfc_prog_attach_kprobe()", AUTO_NONE);
	if (has_prefix(pfx, "uprobe.multi") || has_prefix(pfx, "uretprobe.multi"))
		return target ? AUTO_UPROBE_MULTI : (*why = "the section names no binary and "
							    "pattern", AUTO_NONE);
	if (has_prefix(pfx, "uprobe") || has_prefix(pfx, "uretprobe")) {
		if (has_prefix(pfx, "uprobe.session")) {
			*why = "uprobe.session is not supported";
			return AUTO_NONE;
		}
		return target ? AUTO_UPROBE : (*why = "the section names no binary and function "
						      "(uprobe/BINARY:FUNC): "
						      "ebpfc_prog_attach_uprobe()", AUTO_NONE);
	}
	if (!strcmp(pfx, "iter") || !strcmp(pfx, "iter.s"))
		return AUTO_ITER;
	if (has_prefix(pfx, "usdt")) {
		*why = "USDT probes are not supported yet";
	} else if (has_prefix(pfx, "xdp")) {
		*why = "XDP needs a device: ebpfc_prog_attach_xdp()";
	} else if (has_prefix(pfx, "tc") || !strcmp(pfx, "classifier")) {
		*why = "tc needs a device: ebpfc_prog_attach_tc()";
	} else if (has_prefix(pfx, "cgroup") || !strcmp(pfx, "sockops")) {
		*why = "a cgroup program needs a cgroup: ebpfc_prog_attach_cgroup()";
	} else if (has_prefix(pfx, "sk_skb") || !strcmp(pfx, "sk_msg")) {
		*why = "needs a sockmap: ebpfc_prog_attach_sockmap()";
	} else if (!strcmp(pfx, "sk_lookup") || !strcmp(pfx, "flow_dissector")) {
		*why = "needs a network namespace: ebpfc_prog_attach_netns()";
	} else if (!strcmp(pfx, "perf_event")) {
		*why = "needs a perf event: ebpfc_prog_attach_perf_event()";
	} else if (!strcmp(pfx, "netfilter")) {
		*why = "needs a hook and a priority: ebpfc_prog_attach_netfilter()";
	} else {
		*why = "this program type has no attach target ebpfc can pick";
	}
	return AUTO_NONE;
}

/* "BINARY:FUNC[+OFF]" or "BINARY:0xOFF"; func "" when only an offset. */
static int split_uprobe(const char *spec, char *bin, size_t bin_sz, char *func, size_t func_sz,
			__u64 *off)
{
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : 0;
	char *end;

	*off = 0;
	func[0] = '\0';
	if (!colon || !n || n >= bin_sz || !colon[1])
		return ebpfc__err(EINVAL, "'%s': expected BINARY:FUNCTION[+OFFSET] or "
				  "BINARY:OFFSET", spec);
	memcpy(bin, spec, n);
	bin[n] = '\0';
	if (colon[1] >= '0' && colon[1] <= '9') {
		errno = 0;
		*off = strtoull(colon + 1, &end, 0);
		if (errno || *end)
			return ebpfc__err(EINVAL, "'%s': '%s' is not an offset", spec, colon + 1);
		return 0;
	}
	return ebpfc__parse_func_offset(colon + 1, func, func_sz, off);
}

static int auto_attach(const struct ebpfc_prog *prog, const struct ebpfc__obj_prog *p,
		       enum auto_kind kind, struct ebpfc_link **link)
{
	const char *t = p->attach_target, *pfx = p->def->prefix;
	bool ret = has_prefix(pfx, "kret") || has_prefix(pfx, "uret");
	char a[4096], b[256];
	__u64 off;
	int err;

	switch (kind) {
	case AUTO_TRACEPOINT: {
		const char *slash = strchr(t, '/');
		size_t n = slash ? (size_t)(slash - t) : 0;

		if (!slash || !n || n >= sizeof(b) || !slash[1])
			return ebpfc__err(EINVAL, "program '%s': section '%s': expected "
					  "tracepoint/CATEGORY/NAME", prog->name, p->sec_name);
		memcpy(b, t, n);
		b[n] = '\0';
		return ebpfc_prog_attach_tracepoint(prog, b, slash + 1, NULL, link);
	}
	case AUTO_RAW_TP:
		return ebpfc_prog_attach_raw_tp(prog, t, NULL, link);
	case AUTO_TRACING:
		return ebpfc_prog_attach_tracing(prog, NULL, link);
	case AUTO_KPROBE: {
		EBPFC_OPTS(ebpfc_kprobe_attach_opts, ko, .retprobe = ret);

		err = ebpfc__parse_func_offset(t, b, sizeof(b), &off);
		if (err)
			return ebpfc__link_errctx(err, "program '%s': section '%s'", prog->name,
						  p->sec_name);
		ko.offset = off;
		return ebpfc_prog_attach_kprobe(prog, b, &ko, link);
	}
	case AUTO_KSYSCALL: {
		EBPFC_OPTS(ebpfc_kprobe_attach_opts, ko, .retprobe = !strcmp(pfx, "kretsyscall"));

		return ebpfc_prog_attach_ksyscall(prog, t, &ko, link);
	}
	case AUTO_KPROBE_MULTI: {
		EBPFC_OPTS(ebpfc_kprobe_multi_attach_opts, mo, .retprobe = ret);

		return ebpfc_prog_attach_kprobe_multi(prog, t, &mo, link);
	}
	case AUTO_UPROBE: {
		EBPFC_OPTS(ebpfc_uprobe_attach_opts, uo, .retprobe = ret);

		err = split_uprobe(t, a, sizeof(a), b, sizeof(b), &off);
		if (err)
			return ebpfc__link_errctx(err, "program '%s': section '%s'", prog->name,
						  p->sec_name);
		uo.offset = off;
		return ebpfc_prog_attach_uprobe(prog, a, b[0] ? b : NULL, &uo, link);
	}
	case AUTO_UPROBE_MULTI: {
		EBPFC_OPTS(ebpfc_uprobe_multi_attach_opts, mo, .retprobe = ret);
		const char *colon = strrchr(t, ':');

		if (!colon || colon == t || (size_t)(colon - t) >= sizeof(a) || !colon[1])
			return ebpfc__err(EINVAL, "program '%s': section '%s': expected "
					  "uprobe.multi/BINARY:PATTERN", prog->name, p->sec_name);
		memcpy(a, t, (size_t)(colon - t));
		a[colon - t] = '\0';
		return ebpfc_prog_attach_uprobe_multi(prog, a, colon + 1, &mo, link);
	}
	case AUTO_ITER:
		return ebpfc_prog_attach_iter(prog, NULL, link);
	case AUTO_NONE:
		break;
	}
	return ebpfc__err(EOPNOTSUPP, "program '%s' cannot attach on its own", prog->name);
}

EBPFC_API int ebpfc_prog_attach(const struct ebpfc_prog *prog, struct ebpfc_link **link)
{
	const struct ebpfc__obj_prog *p;
	enum auto_kind kind;
	const char *why;
	int err;

	if (!link)
		return ebpfc__err(EINVAL, "attach: link is NULL");
	*link = NULL;
	err = ebpfc__link_prog_fd(prog, "attach");
	if (err < 0)
		return err;
	if (!prog->obj) {
		/* A loaded program without a section: BTF tracing knows its target. */
		if (prog->type == BPF_PROG_TYPE_TRACING || prog->type == BPF_PROG_TYPE_LSM ||
		    prog->type == BPF_PROG_TYPE_EXT)
			return ebpfc_prog_attach_tracing(prog, NULL, link);
		return ebpfc__err(EOPNOTSUPP, "attach of '%s': a %s program loaded without a "
				  "section name has no target to attach to; use the "
				  "ebpfc_prog_attach_*() function of its kind", prog->name,
				  ebpfc_prog_type_name(prog->type));
	}
	p = ebpfc__obj_prog(prog);
	kind = classify(p, &why);
	if (kind == AUTO_NONE)
		return ebpfc__err(EOPNOTSUPP, "attach of '%s' (section '%s'): %s", prog->name,
				  p->sec_name, why);
	return auto_attach(prog, p, kind, link);
}

/* ---- every program of an object ---------------------------------------------------------- */

EBPFC_API void ebpfc_link_set_destroy(struct ebpfc_link_set *set)
{
	size_t i;

	if (!set)
		return;
	/* Reverse order: later links may depend on earlier ones (a qdisc, a probe). */
	for (i = set->cnt; i-- > 0;)
		ebpfc_link_destroy(set->links[i]);
	free(set->links);
	free(set->progs);
	free(set);
}

EBPFC_API int ebpfc_object_attach_all(struct ebpfc_object *obj, struct ebpfc_link_set **setp)
{
	struct ebpfc_link_set *set;
	struct ebpfc_link *l;
	const char *why;
	char msg[768];
	size_t i;
	int err;

	if (!obj || !setp)
		return ebpfc__err(EINVAL, "attach all: the object or the out-parameter is NULL");
	*setp = NULL;
	if (!obj->loaded)
		return ebpfc__err(EINVAL, "object '%s': attach all before ebpfc_object_load()",
				  obj->name);
	set = calloc(1, sizeof(*set));
	if (set && obj->prog_cnt) {
		set->links = calloc(obj->prog_cnt, sizeof(*set->links));
		set->progs = calloc(obj->prog_cnt, sizeof(*set->progs));
	}
	if (!set || (obj->prog_cnt && (!set->links || !set->progs))) {
		ebpfc_link_set_destroy(set);
		return ebpfc__err(ENOMEM, "object '%s': attach all: out of memory", obj->name);
	}
	for (i = 0; i < obj->prog_cnt; i++) {
		const struct ebpfc__obj_prog *p = obj->progs[i];

		if (p->p.fd < 0) {
			ebpfc__log(obj->log_fn, obj->log_user, EBPFC_LOG_DEBUG,
				   "attach all: program '%s' is not loaded; skipped", p->p.name);
			continue;
		}
		if (classify(p, &why) == AUTO_NONE) {
			ebpfc__log(obj->log_fn, obj->log_user, EBPFC_LOG_INFO,
				   "attach all: program '%s' (section '%s') skipped: %s", p->p.name,
				   p->sec_name, why);
			continue;
		}
		err = ebpfc_prog_attach(&p->p, &l);
		if (err) {
			ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
			ebpfc_link_set_destroy(set);
			return ebpfc__err(err, "object '%s': attach all: %s", obj->name, msg);
		}
		set->links[set->cnt] = l;
		set->progs[set->cnt++] = &p->p;
		ebpfc__log(obj->log_fn, obj->log_user, EBPFC_LOG_DEBUG,
			   "attach all: program '%s' attached (%s)", p->p.name,
			   ebpfc_link_kind_name(l->kind));
	}
	*setp = set;
	return 0;
}

EBPFC_API size_t ebpfc_link_set_count(const struct ebpfc_link_set *set)
{
	return set ? set->cnt : 0;
}

EBPFC_API struct ebpfc_link *ebpfc_link_set_at(const struct ebpfc_link_set *set, size_t idx)
{
	return set && idx < set->cnt ? set->links[idx] : NULL;
}

EBPFC_API int ebpfc_link_set_find(const struct ebpfc_link_set *set, const char *name,
				  struct ebpfc_link **link)
{
	size_t i;

	if (!set || !name || !link)
		return ebpfc__err(EINVAL, "link set find: NULL argument");
	for (i = 0; i < set->cnt; i++) {
		if (!strcmp(set->progs[i]->name, name)) {
			*link = set->links[i];
			return 0;
		}
	}
	*link = NULL;
	return ebpfc__err(ENOENT, "link set: no link for a program '%s'", name);
}
