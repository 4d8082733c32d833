/*
 * object_load.c - the load sequence of an object: maps first (programs
 * refer to their fds), then each program linked and loaded with its
 * verifier log, then the initial slots of prog arrays and map-in-maps
 * (they hold program and map fds).
 *
 * A failure leaves the object's fds to ebpfc_object_destroy(); with
 * isolate, one rejected program does not stop the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/btf.h>

#include "btf_load.h"
#include "core.h"
#include "object_int.h"

/*
 * The BTF name of what a tracing program attaches to: the kernel names
 * BTF tracepoints "btf_trace_<tp>", LSM hooks "bpf_lsm_<hook>" and
 * iterators "bpf_iter_<name>".
 */
static void attach_btf_name(const struct ebpfc__obj_prog *p, const char *target, char *out,
			    size_t outsz, __u32 *kind)
{
	const char *pfx = "";

	*kind = BTF_KIND_FUNC;
	switch (p->expected_attach_type) {
	case BPF_TRACE_RAW_TP:
		pfx = "btf_trace_";
		*kind = BTF_KIND_TYPEDEF;
		break;
	case BPF_LSM_MAC:
	case BPF_LSM_CGROUP:
		pfx = "bpf_lsm_";
		break;
	case BPF_TRACE_ITER:
		pfx = "bpf_iter_";
		break;
	default:
		break;
	}
	snprintf(out, outsz, "%s%s", pfx, target);
}

static int resolve_attach_btf(struct ebpfc_object *obj, struct ebpfc__obj_prog *p,
			      struct ebpfc_prog_load_opts *lo)
{
	const char *target = p->attach_func ? p->attach_func : p->attach_target;
	struct ebpfc_btf *own = NULL;
	char name[256], what[300];
	__u32 kind, id;
	int err, obj_fd = 0;

	if (!target || !target[0])
		return ebpfc__err(EINVAL, "program '%s': section '%s' names no attach target; "
				  "write it as '%s/<function>' or set one with "
				  "ebpfc_prog_set_attach_target()", p->p.name, p->sec_name,
				  p->def ? p->def->prefix : p->sec_name);
	if (p->attach_prog_fd >= 0) {
		snprintf(what, sizeof(what), "program '%s': attach target program", p->p.name);
		err = ebpfc__btf_from_prog_fd(p->attach_prog_fd, what, &own);
		if (err)
			return err;
		snprintf(name, sizeof(name), "%s", target);
		kind = BTF_KIND_FUNC;
	} else {
		if (p->p.type == BPF_PROG_TYPE_EXT)
			return ebpfc__err(EINVAL, "program '%s': freplace needs the program to "
					  "replace a function of: ebpfc_prog_set_attach_target()",
					  p->p.name);
		attach_btf_name(p, target, name, sizeof(name), &kind);
	}
	if (own) {
		err = ebpfc_btf_find(own, name, kind, &id);
		ebpfc_btf_destroy(own);
	} else {
		/* vmlinux first, then the modules (fentry on a module function). */
		err = ebpfc__obj_kernel_find(obj, name, kind, &id, &obj_fd);
		if (err && err != -ENOENT)
			return err;
	}
	if (err)
		return ebpfc__err(ENOENT, "program '%s' (section '%s'): no %s '%s' in %s", p->p.name,
				  p->sec_name, ebpfc_btf_kind_str(kind), name,
				  p->attach_prog_fd >= 0 ? "the target program's BTF"
				  : obj->btf_path ? obj->btf_path
						  : "the kernel's BTF or its modules'");
	if (obj_fd > 0)
		lo->attach_btf_obj_fd = obj_fd;
	lo->attach_btf_id = id;
	if (p->attach_prog_fd >= 0)
		lo->attach_prog_fd = p->attach_prog_fd;
	return 0;
}

/*
 * The verifier stopped at an instruction CO-RE had to poison: say which
 * relocation could not be resolved, which is the real cause.
 */
static void explain_poison(const struct ebpfc_object *obj, const struct ebpfc__obj_prog *p,
			   int err)
{
	const struct ebpfc__core_poison *po;
	char needle[64], msg[1024];
	size_t i;

	if (!p->p.log.buf)
		return;
	for (i = 0; i < ebpfc__core_poison_cnt(obj->core); i++) {
		po = ebpfc__core_poison_at(obj->core, i);
		if (strcmp(po->prog, p->p.name))
			continue;
		snprintf(needle, sizeof(needle), "\n%zu: (85) call unknown#%u", po->insn_idx,
			 EBPFC__CORE_POISON_HELPER);
		if (!strstr(p->p.log.buf, needle) && po->insn_idx != 0)
			continue;
		ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
		ebpfc__err(err, "%s; it reached a CO-RE relocation that could not be resolved: %s",
			   msg, po->reason);
		return;
	}
}

static int load_prog(struct ebpfc_object *obj, struct ebpfc__obj_prog *p,
		     const struct ebpfc_object_load_opts *opts)
{
	EBPFC_OPTS(ebpfc_prog_load_opts, lo, .expected_attach_type = p->expected_attach_type,
		   .prog_flags = p->prog_flags, .kern_version = obj->kversion,
		   .log_level = EBPFC__OPT(opts, log_level, 0),
		   .log_size_max = EBPFC__OPT(opts, log_size_max, 0), .log_fn = obj->log_fn,
		   .log_user = obj->log_user);
	struct ebpfc__linked l;
	int err, fd;

	if (!p->def && p->p.type == BPF_PROG_TYPE_UNSPEC) {
		err = ebpfc__err(EINVAL,
				 "program '%s': section '%s' names no known program type; set one "
				 "with ebpfc_prog_set_type() or turn autoload off",
				 p->p.name, p->sec_name);
		goto out;
	}
	if ((p->def && (p->def->flags & EBPFC__SEC_ATTACH_BTF)) || p->attach_func) {
		err = resolve_attach_btf(obj, p, &lo);
		if (err)
			goto out;
	}
	err = ebpfc__obj_link_prog(obj, p, &l);
	if (err)
		goto out;
	if (l.func_info) {
		lo.prog_btf_fd = obj->btf_fd;
		lo.func_info = l.func_info;
		lo.func_info_rec_size = sizeof(*l.func_info);
		lo.func_info_cnt = l.func_cnt;
		lo.line_info = l.line_info;
		lo.line_info_rec_size = sizeof(*l.line_info);
		lo.line_info_cnt = l.line_cnt;
	}
	if (l.fd_cnt)
		lo.fd_array = l.fd_array;	/* no count: kernels read it by index */
	err = ebpfc__prog_load(p->p.type, p->p.name, obj->license, l.insns, l.cnt, &lo, &fd,
			       &p->p.log);
	ebpfc__linked_free(&l);
	if (err && obj->core)
		explain_poison(obj, p, err);
	if (!err)
		p->p.fd = fd;
out:
	p->load_result = err;
	if (err) {
		free(p->load_errmsg);
		p->load_errmsg = strdup(ebpfc_errmsg());
	}
	return err;
}

EBPFC_API int ebpfc_object_load(struct ebpfc_object *obj, const struct ebpfc_object_load_opts *opts)
{
	bool isolate = EBPFC__OPT(opts, isolate, false);
	int err, first = 0;
	char first_msg[1024] = "";
	size_t i;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_object_load_opts);
	if (err)
		return err;
	if (obj->load_tried)
		return ebpfc__err(EBUSY, "object '%s': already %s", obj->name,
				  obj->loaded ? "loaded" : "tried to load; destroy and open it again");
	obj->load_tried = true;

	if (obj->btf) {
		err = ebpfc__btf_load_object(obj->btf, obj->name, obj->log_fn, obj->log_user,
					     &obj->btf_fd);
		if (err)
			return err;
	}
	err = ebpfc__obj_resolve_externs(obj);
	if (err)
		return err;
	err = ebpfc__obj_create_maps(obj);
	if (err)
		return err;
	for (i = 0; i < obj->prog_cnt; i++) {
		struct ebpfc__obj_prog *p = obj->progs[i];

		if (!p->autoload) {
			p->load_result = 1;
			continue;
		}
		err = load_prog(obj, p, opts);
		if (!err)
			continue;
		if (!first) {
			first = err;
			ebpfc__strlcpy(first_msg, ebpfc_errmsg(), sizeof(first_msg));
		}
		if (!isolate)
			return ebpfc__err(err, "object '%s': %s", obj->name, first_msg);
	}
	err = ebpfc__obj_fill_map_slots(obj);
	if (err)
		return err;
	obj->loaded = true;
	if (first)
		return ebpfc__err(first, "object '%s': %s", obj->name, first_msg);
	return 0;
}
