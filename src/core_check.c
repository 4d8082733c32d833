/*
 * core_check.c - ebpfc_object_core_check(): every CO-RE relocation of
 * every program resolved against a target BTF, reported one by one,
 * without touching the kernel or the object.
 *
 * It walks the programs exactly as linking does (reloc.c lays out each
 * program's functions; core.c resolves each record), on private copies
 * of the instructions, so what it reports is what ebpfc_object_load()
 * would do against the same BTF: the same instruction numbers, the same
 * poison reasons, the same errors. What it is not: a verifier. A
 * relocation reported missing fails a program only if the verifier
 * reaches the poisoned instruction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/utsname.h>

#include "btf.h"
#include "core.h"
#include "object_int.h"

struct check {
	struct ebpfc_object *obj;
	const struct ebpfc_core_check_opts *opts;
	struct ebpfc__core_ctx *ctx;	/* made for the first record */
	struct bpf_insn *buf;		/* one function's instructions, patched in place */
	size_t buf_cap;
};

/* The context against the target, on first need (objects without CO-RE need no BTF). */
static int check_ctx(struct check *c)
{
	const struct ebpfc_btf *target = EBPFC__OPT(c->opts, target, NULL);
	const char *name = EBPFC__OPT(c->opts, target_name, NULL);
	struct ebpfc_btf *kbtf;
	struct utsname u;
	char rel[sizeof(u.release) + 16];
	int err;

	if (c->ctx)
		return 0;
	if (!target) {
		err = ebpfc__obj_kernel_btf(c->obj, &kbtf);
		if (err)
			return err;
		target = kbtf;
		if (!name && c->obj->btf_path)
			name = c->obj->btf_path;
		if (!name && uname(&u) == 0) {
			snprintf(rel, sizeof(rel), "%s", u.release);
			name = rel;
		}
	}
	return ebpfc__core_ctx_new(c->obj->btf, target, name, &c->ctx);
}

/*
 * The library's messages start "program 'p': CO-RE relocation #3 (insn 17,
 * byte_off): "; the result names those already, so keep what follows.
 */
static const char *msg_body(const char *msg)
{
	const char *p = strstr(msg, "CO-RE relocation #");

	if (p && (p = strstr(p, "): ")) != NULL)
		return p + 3;
	return msg;
}

static int check_func(struct check *c, const struct ebpfc__obj_prog *prog,
		      const struct ebpfc__func *f, size_t base, ebpfc_core_check_fn fn,
		      void *user)
{
	const struct ebpfc__code_sec *cs = &c->obj->code[f->code];
	const struct ebpfc__btf_ext_sec *es;
	char access[320], msg[1024];
	uint32_t i;
	int err;

	if (ebpfc__btf_ext_find(c->obj->btf_ext, EBPFC__BTF_EXT_CORE_RELO, cs->name, &es)) {
		ebpfc__err_clear();
		return 0;
	}
	if (es->rec_size < sizeof(struct bpf_core_relo))
		return ebpfc__err(EINVAL, "object '%s': section '%s': CO-RE records of %u bytes, "
				  "too small", c->obj->name, cs->name, es->rec_size);
	if (f->cnt > c->buf_cap) {
		struct bpf_insn *nb = realloc(c->buf, f->cnt * sizeof(*nb));

		if (!nb)
			return ebpfc__err(ENOMEM, "object '%s': out of memory", c->obj->name);
		c->buf = nb;
		c->buf_cap = f->cnt;
	}
	memcpy(c->buf, cs->insns + f->start, f->cnt * sizeof(*c->buf));

	for (i = 0; i < es->count; i++) {
		struct ebpfc_core_check_result r = { 0 };
		struct ebpfc__core_res res;
		struct bpf_core_relo rec;
		const char *reason;
		size_t idx;

		memcpy(&rec, (const char *)es->recs + (size_t)i * es->rec_size, sizeof(rec));
		if (rec.insn_off % sizeof(struct bpf_insn))
			continue; /* the loader refuses it; not on an instruction of this function */
		idx = rec.insn_off / sizeof(struct bpf_insn);
		if (idx < f->start || idx - f->start >= f->cnt)
			continue;
		idx -= f->start;

		r.prog = &prog->p;
		r.section = cs->name;
		r.func = f->name;
		r.relo_idx = i;
		r.insn_idx = base + idx;
		r.kind = ebpfc__core_kind_str(rec.kind);
		ebpfc__core_relo_str(c->obj->btf, &rec, access, sizeof(access));
		/* "byte_off task_struct.pid": the access follows the kind. */
		r.access = strchr(access, ' ') ? strchr(access, ' ') + 1 : access;

		err = check_ctx(c);
		if (err)
			return err;
		err = ebpfc__core_apply(c->ctx, prog->p.name, i, base + idx, &rec, c->buf + idx,
					f->cnt - idx, &res);
		if (err) {
			r.status = EBPFC_CORE_ERROR;
			ebpfc__strlcpy(msg, msg_body(ebpfc_errmsg()), sizeof(msg));
			r.message = msg;
		} else if (res.poisoned) {
			r.status = EBPFC_CORE_MISSING;
			r.local_val = res.local_val;
			r.cand_cnt = res.cand_cnt;
			reason = ebpfc__core_poison_reason(c->ctx, prog->p.name, base + idx);
			ebpfc__strlcpy(msg, reason ? msg_body(reason) : "the target lacks it",
				       sizeof(msg));
			r.message = msg;
		} else {
			r.status = EBPFC_CORE_RESOLVED;
			r.local_val = res.local_val;
			r.target_val = res.target_val;
			r.cand_cnt = res.cand_cnt;
		}
		ebpfc__err_clear();
		err = fn(&r, user);
		if (err)
			return err;
	}
	return 0;
}

static int check_prog(struct check *c, const struct ebpfc__obj_prog *prog,
		      ebpfc_core_check_fn fn, void *user)
{
	size_t *order, *pos, n, total, k;
	int err;

	err = ebpfc__obj_prog_layout(c->obj, prog, &order, &pos, &n, &total);
	if (err)
		return err;
	for (k = 0; k < n && !err; k++)
		err = check_func(c, prog, &c->obj->funcs[order[k]], pos[order[k]], fn, user);
	free(order);
	free(pos);
	return err;
}

EBPFC_API int ebpfc_object_core_check(struct ebpfc_object *obj,
				      const struct ebpfc_core_check_opts *opts,
				      ebpfc_core_check_fn fn, void *user)
{
	struct check c = { .obj = obj, .opts = opts };
	size_t i;
	int err;

	if (!obj || !fn)
		return ebpfc__err(EINVAL, "ebpfc_object_core_check: NULL argument");
	err = EBPFC__OPTS_CHECK(opts, ebpfc_core_check_opts);
	if (err)
		return err;
	if (!obj->btf || !obj->btf_ext)
		return 0; /* no .BTF.ext, no CO-RE records */
	for (i = 0; i < obj->prog_cnt && !err; i++)
		err = check_prog(&c, obj->progs[i], fn, user);
	ebpfc__core_ctx_free(c.ctx);
	free(c.buf);
	return err;
}
