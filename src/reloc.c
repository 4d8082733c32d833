/*
 * reloc.c - what each relocated instruction of a code section refers to
 * (a map, a global variable, a function), and linking: building one
 * program's final instructions from its entry function plus every
 * subprogram it reaches, with calls, function pointers and map references
 * patched.
 *
 * Every relocation is checked against the instruction it patches: a map or
 * data reference must be an ld_imm64, a call a BPF_CALL; anything else is
 * an error naming the program section, instruction and symbol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/utsname.h>

#include "btf.h"
#include "core.h"
#include "object_int.h"

#define INSN_LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)

static bool is_ld_imm64(const struct bpf_insn *i)
{
	return i->code == INSN_LD_IMM64;
}

static bool is_pseudo_call(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_CALL) && i->src_reg == BPF_PSEUDO_CALL;
}

static int relo_cmp(const void *a, const void *b)
{
	const struct ebpfc__relo *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

int ebpfc__obj_func_at(const struct ebpfc_object *obj, size_t code, size_t insn, size_t *func)
{
	size_t lo = 0, hi = obj->func_cnt;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ebpfc__func *f = &obj->funcs[mid];

		if (f->code < code || (f->code == code && f->start < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < obj->func_cnt && obj->funcs[lo].code == code && obj->funcs[lo].start == insn) {
		*func = lo;
		return 0;
	}
	return -ENOENT;
}

/* Turn one ELF relocation of a code section into what it means. */
static int classify(struct ebpfc_object *obj, struct ebpfc__code_sec *cs,
		    const struct ebpfc__elf_rel *rel, struct ebpfc__relo *r)
{
	const struct bpf_insn *insn;
	struct ebpfc__elf_sym sym;
	struct ebpfc__elf_sec tsec;
	size_t map, tcode;
	int err;

	if (rel->offset % sizeof(struct bpf_insn))
		return ebpfc__err(EINVAL, "object '%s': section '%s': relocation at offset %llu is "
				  "not on an instruction", obj->name, cs->name,
				  (unsigned long long)rel->offset);
	r->insn = rel->offset / sizeof(struct bpf_insn);
	insn = &cs->insns[r->insn];
	err = ebpfc__elf_sym(obj->elf, rel->sym, &sym);
	if (err)
		return err;
	r->sym = sym.name[0] ? sym.name : ebpfc__elf_section_name(obj->elf, sym.shndx);

	if (sym.shndx == SHN_UNDEF) {
		const struct ebpfc__extern *e;

		if (ebpfc__obj_find_extern(obj, sym.name, &r->map))
			return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu refers "
					  "to undefined symbol '%s'", obj->name, cs->name, r->insn,
					  r->sym);
		e = &obj->externs[r->map];
		if (e->kind == EBPFC__EXT_KFUNC ? insn->code != (BPF_JMP | BPF_CALL)
						: !is_ld_imm64(insn))
			return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu uses "
					  "extern '%s' but is not %s", obj->name, cs->name, r->insn,
					  r->sym, e->kind == EBPFC__EXT_KFUNC ? "a call" : "an ld_imm64");
		r->kind = EBPFC__RELO_EXTERN;
		return 0;
	}
	if (sym.shndx >= SHN_LORESERVE)
		return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu refers to '%s' "
				  "in special section %u", obj->name, cs->name, r->insn, r->sym,
				  sym.shndx);

	if (ebpfc__obj_code_by_sec(obj, sym.shndx, &tcode) == 0) {
		/* A call or a function pointer into code. */
		if (is_pseudo_call(insn)) {
			r->kind = EBPFC__RELO_CALL;
			r->target_sec = tcode;
			r->target_insn = sym.value / 8 + (long long)insn->imm + 1;
		} else if (is_ld_imm64(insn)) {
			r->kind = EBPFC__RELO_FUNC;
			r->target_sec = tcode;
			r->target_insn = (sym.value + (long long)insn->imm) / 8;
		} else {
			return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu refers "
					  "to function '%s' but is neither a call nor an ld_imm64",
					  obj->name, cs->name, r->insn, r->sym);
		}
		if (r->target_insn >= obj->code[tcode].insn_cnt)
			return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu calls "
					  "past the end of '%s'", obj->name, cs->name, r->insn,
					  obj->code[tcode].name);
		return 0;
	}

	if (!is_ld_imm64(insn))
		return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu refers to '%s' "
				  "but is not an ld_imm64", obj->name, cs->name, r->insn, r->sym);
	if (ebpfc__elf_section(obj->elf, sym.shndx, &tsec))
		return -EINVAL;
	if (!strcmp(tsec.name, ".maps") || !strcmp(tsec.name, "maps")) {
		if (ebpfc__obj_map_at(obj, sym.shndx, sym.value, &map))
			return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu refers "
					  "to '%s', which is not a map definition", obj->name,
					  cs->name, r->insn, r->sym);
		r->kind = EBPFC__RELO_MAP;
		r->map = map;
		return 0;
	}
	for (map = 0; map < obj->map_cnt; map++) {
		const struct ebpfc__obj_map *m = obj->maps[map];
		__u64 off;

		if (!m->data || m->sec_idx != sym.shndx)
			continue;
		off = sym.value + (__u64)(__s64)insn->imm;
		if (off > m->data_sz)
			return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu refers "
					  "to offset %llu of '%s', past its end", obj->name,
					  cs->name, r->insn, (unsigned long long)off, tsec.name);
		r->kind = EBPFC__RELO_DATA;
		r->map = map;
		r->off = off;
		return 0;
	}
	return ebpfc__err(EINVAL, "object '%s': section '%s': instruction %zu refers to '%s' in "
			  "section '%s', which is neither a map nor global data", obj->name,
			  cs->name, r->insn, r->sym, tsec.name);
}

int ebpfc__obj_collect_relos(struct ebpfc_object *obj)
{
	size_t i, j, n = ebpfc__elf_section_count(obj->elf), cnt, code;
	struct ebpfc__elf_sec sec;
	struct ebpfc__elf_rel rel;
	int err;

	for (i = 1; i < n; i++) {
		struct ebpfc__code_sec *cs;
		struct ebpfc__relo *nr;

		if (ebpfc__elf_section(obj->elf, i, &sec) || sec.type != SHT_REL)
			continue;
		if (ebpfc__obj_code_by_sec(obj, sec.info, &code))
			continue; /* relocations of BTF, DWARF or .maps are handled elsewhere */
		cs = &obj->code[code];
		err = ebpfc__elf_rel_count(obj->elf, i, &cnt);
		if (err)
			return err;
		if (!cnt)
			continue;
		nr = realloc(cs->relos, (cs->relo_cnt + cnt) * sizeof(*nr));
		if (!nr)
			return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
		cs->relos = nr;
		for (j = 0; j < cnt; j++) {
			err = ebpfc__elf_rel(obj->elf, i, j, &rel);
			if (err)
				return err;
			if (rel.type == EBPFC__R_BPF_NONE)
				continue;
			memset(&cs->relos[cs->relo_cnt], 0, sizeof(cs->relos[0]));
			err = classify(obj, cs, &rel, &cs->relos[cs->relo_cnt]);
			if (err)
				return err;
			cs->relo_cnt++;
		}
		qsort(cs->relos, cs->relo_cnt, sizeof(*cs->relos), relo_cmp);
	}
	return 0;
}

/* Patch an instruction that uses an extern with what the kernel gave it. */
/* The fd_array slot of a module's BTF fd for kfunc calls (slot 0 is vmlinux). */
static int fd_slot(struct ebpfc__linked *l, int fd, __s16 *slot)
{
	__u32 i;
	int *n;

	for (i = 1; i < l->fd_cnt; i++) {
		if (l->fd_array[i] == fd) {
			*slot = (__s16)i;
			return 0;
		}
	}
	if (l->fd_cnt >= INT16_MAX)
		return ebpfc__err(E2BIG, "too many modules' kfuncs in one program");
	n = realloc(l->fd_array, (l->fd_cnt ? l->fd_cnt + 1 : 2) * sizeof(*n));
	if (!n)
		return ebpfc__err(ENOMEM, "out of memory");
	l->fd_array = n;
	if (!l->fd_cnt)
		l->fd_array[l->fd_cnt++] = 0;
	l->fd_array[l->fd_cnt] = fd;
	*slot = (__s16)l->fd_cnt++;
	return 0;
}

static int link_extern(const struct ebpfc_object *obj, const struct ebpfc__obj_prog *prog,
		       const struct ebpfc__extern *e, struct bpf_insn *insn, size_t avail,
		       struct ebpfc__linked *l)
{
	__s16 slot = 0;
	int err;

	if (e->kind != EBPFC__EXT_KFUNC && avail < 2)
		return ebpfc__err(EINVAL, "program '%s': ld_imm64 of extern '%s' is cut in half",
				  prog->p.name, e->name);
	if (!e->found && !e->weak)
		return ebpfc__err(ENOENT, "program '%s': extern %s '%s' (__ksym) is not in %s",
				  prog->p.name, e->kind == EBPFC__EXT_KFUNC ? "function" : "variable",
				  e->name,
				  e->typeless ? "/proc/kallsyms (are kernel addresses hidden by "
						"kernel.kptr_restrict?)"
				  : obj->btf_path ? obj->btf_path : "the kernel's BTF");
	switch (e->kind) {
	case EBPFC__EXT_KCONFIG:
		insn->src_reg = BPF_PSEUDO_MAP_VALUE;
		insn->imm = obj->maps[obj->kconfig_map]->m.fd;
		insn[1].imm = e->off;
		break;
	case EBPFC__EXT_KSYM:
		if (e->typeless || !e->found) {
			/* A plain 64-bit constant: the address, or 0 for a weak absent one. */
			insn->src_reg = 0;
			insn->imm = (__s32)(__u32)e->addr;
			insn[1].imm = (__s32)(__u32)(e->addr >> 32);
		} else {
			insn->src_reg = BPF_PSEUDO_BTF_ID;
			insn->imm = (__s32)e->kernel_btf_id;
			insn[1].imm = e->btf_obj_fd > 0 ? e->btf_obj_fd : 0;
		}
		break;
	case EBPFC__EXT_KFUNC:
		/* id 0 (a weak kfunc the kernel lacks) is refused only if reached. */
		if (e->found && e->btf_obj_fd > 0) {
			err = fd_slot(l, e->btf_obj_fd, &slot);
			if (err)
				return err;
		}
		insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
		insn->imm = e->found ? (__s32)e->kernel_btf_id : 0;
		insn->off = slot;
		break;
	}
	return 0;
}

static const struct ebpfc__relo *relo_at(const struct ebpfc__code_sec *cs, size_t insn)
{
	size_t lo = 0, hi = cs->relo_cnt;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cs->relos[mid].insn < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cs->relo_cnt && cs->relos[lo].insn == insn ? &cs->relos[lo] : NULL;
}

/*
 * Where instruction `i` of function f jumps to, if it is a call or a
 * function pointer: (code section, instruction). Unrelocated pseudo calls
 * stay within their section (clang resolves calls to static functions of
 * the same section itself).
 */
static bool call_target(const struct ebpfc_object *obj, const struct ebpfc__func *f, size_t i,
			size_t *tcode, size_t *tinsn)
{
	const struct ebpfc__code_sec *cs = &obj->code[f->code];
	const struct bpf_insn *insn = &cs->insns[i];
	const struct ebpfc__relo *r = relo_at(cs, i);

	if (r && (r->kind == EBPFC__RELO_CALL || r->kind == EBPFC__RELO_FUNC)) {
		*tcode = r->target_sec;
		*tinsn = r->target_insn;
		return true;
	}
	if (!r && is_pseudo_call(insn)) {
		*tcode = f->code;
		*tinsn = i + (long long)insn->imm + 1;
		return true;
	}
	return false;
}

void ebpfc__linked_free(struct ebpfc__linked *l)
{
	free(l->insns);
	free(l->func_info);
	free(l->line_info);
	free(l->fd_array);
	memset(l, 0, sizeof(*l));
}

static int finfo_cmp(const void *a, const void *b)
{
	const struct bpf_func_info *x = a, *y = b;

	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

static int linfo_cmp(const void *a, const void *b)
{
	const struct bpf_line_info *x = a, *y = b;

	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

/*
 * Copy the .BTF.ext records of one kind for every placed function, with
 * instruction offsets (bytes per section in the file, instructions per
 * program in the kernel) moved to where the function landed.
 */
static int gather_ext(const struct ebpfc_object *obj, enum ebpfc__btf_ext_kind kind,
		      const size_t *order, size_t n, const size_t *pos, size_t rec_sz,
		      void **outp, __u32 *cntp)
{
	const struct ebpfc__btf_ext_sec *es;
	size_t k, r, cap = 0, cnt = 0;
	char *out = NULL, *nout;

	for (k = 0; k < n; k++) {
		const struct ebpfc__func *f = &obj->funcs[order[k]];

		if (ebpfc__btf_ext_find(obj->btf_ext, kind, obj->code[f->code].name, &es))
			continue;
		for (r = 0; r < es->count; r++) {
			const char *rec = (const char *)es->recs + r * es->rec_size;
			__u32 off;

			memcpy(&off, rec, sizeof(off));
			off /= 8;
			if (off < f->start || off >= f->start + f->cnt)
				continue;
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				nout = realloc(out, cap * rec_sz);
				if (!nout) {
					free(out);
					return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
				}
				out = nout;
			}
			memcpy(out + cnt * rec_sz, rec, rec_sz);
			off = (__u32)(pos[order[k]] + off - f->start);
			memcpy(out + cnt * rec_sz, &off, sizeof(off));
			cnt++;
		}
	}
	ebpfc__err_clear();
	*outp = out;
	*cntp = (__u32)cnt;
	return 0;
}

/*
 * The kernel wants exactly one func_info at the start of every function
 * and nowhere else; anything less and the whole BTF info is dropped (the
 * program still loads, only less readable).
 */
static bool func_info_complete(const struct bpf_func_info *fi, __u32 cnt, const size_t *order,
			       size_t n, const size_t *pos)
{
	size_t k;

	if (cnt != n)
		return false;
	/* Functions were placed in `order`, so their positions ascend like fi. */
	for (k = 0; k < n; k++)
		if (fi[k].insn_off != pos[order[k]])
			return false;
	return true;
}

static int link_btf_info(const struct ebpfc_object *obj, const struct ebpfc__obj_prog *prog,
			 const size_t *order, size_t n, const size_t *pos, struct ebpfc__linked *out)
{
	int err;

	if (!obj->btf_ext || obj->btf_fd < 0)
		return 0;
	err = gather_ext(obj, EBPFC__BTF_EXT_FUNC_INFO, order, n, pos,
			 sizeof(struct bpf_func_info), (void **)&out->func_info, &out->func_cnt);
	if (!err)
		err = gather_ext(obj, EBPFC__BTF_EXT_LINE_INFO, order, n, pos,
				 sizeof(struct bpf_line_info), (void **)&out->line_info,
				 &out->line_cnt);
	if (err)
		return err;
	qsort(out->func_info, out->func_cnt, sizeof(*out->func_info), finfo_cmp);
	qsort(out->line_info, out->line_cnt, sizeof(*out->line_info), linfo_cmp);
	if (!func_info_complete(out->func_info, out->func_cnt, order, n, pos)) {
		ebpfc__log(obj->log_fn, obj->log_user, EBPFC_LOG_INFO,
			   "program '%s': incomplete func_info in .BTF.ext; loading without BTF "
			   "function and line info", prog->p.name);
		free(out->func_info);
		free(out->line_info);
		out->func_info = NULL;
		out->line_info = NULL;
		out->func_cnt = out->line_cnt = 0;
	}
	return 0;
}

/* The CO-RE context against the target kernel's BTF, made on first need. */
static int core_ctx(struct ebpfc_object *obj, struct ebpfc__core_ctx **ctx)
{
	struct ebpfc__kmods *mods;
	struct ebpfc_btf *kbtf;
	struct utsname u;
	size_t i;
	char name[sizeof(u.release) + 16];
	int err;

	if (!obj->core) {
		err = ebpfc__obj_kernel_btf(obj, &kbtf);
		if (err)
			return err;
		if (obj->kbtf_given)
			snprintf(name, sizeof(name), "the given kernel BTF");
		else if (obj->btf_path)
			snprintf(name, sizeof(name), "%s", obj->btf_path);
		else if (uname(&u) == 0)
			snprintf(name, sizeof(name), "%s", u.release);
		else
			snprintf(name, sizeof(name), "running kernel");
		err = ebpfc__core_ctx_new(obj->btf, kbtf, name, &obj->core);
		if (err)
			return err;
		/* Types of loaded modules are candidates too, after vmlinux's. */
		mods = ebpfc__obj_kmods(obj);
		for (i = 0; i < mods->cnt; i++) {
			err = ebpfc__core_ctx_add_module(obj->core, mods->mods[i].btf,
							 mods->mods[i].name);
			if (err)
				return err;
		}
	}
	*ctx = obj->core;
	return 0;
}

/* Apply the CO-RE relocations of function f, copied to out[base...]. */
static int link_core(struct ebpfc_object *obj, const struct ebpfc__obj_prog *prog,
		     const struct ebpfc__func *f, struct bpf_insn *out, size_t base)
{
	const struct ebpfc__btf_ext_sec *es;
	struct ebpfc__core_ctx *ctx;
	int err;

	if (!obj->btf_ext ||
	    ebpfc__btf_ext_find(obj->btf_ext, EBPFC__BTF_EXT_CORE_RELO, obj->code[f->code].name,
				&es)) {
		ebpfc__err_clear();
		return 0;
	}
	err = core_ctx(obj, &ctx);
	if (err)
		return err;
	return ebpfc__core_apply_func(ctx, prog->p.name, es, f->start, f->cnt, out + base, base);
}

int ebpfc__obj_prog_layout(const struct ebpfc_object *obj, const struct ebpfc__obj_prog *prog,
			   size_t **orderp, size_t **posp, size_t *np, size_t *totalp)
{
	size_t *order, *pos, n = 0, total, k, i, tcode, tinsn, tf;

	*orderp = *posp = NULL;
	order = malloc(obj->func_cnt * sizeof(*order));
	pos = malloc(obj->func_cnt * sizeof(*pos));
	if (!order || !pos) {
		free(order);
		free(pos);
		return ebpfc__err(ENOMEM, "program '%s': out of memory", prog->p.name);
	}
	for (k = 0; k < obj->func_cnt; k++)
		pos[k] = SIZE_MAX;

	/* Breadth-first over the call graph: each function placed once. */
	order[n++] = prog->func;
	pos[prog->func] = 0;
	total = obj->funcs[prog->func].cnt;
	for (k = 0; k < n; k++) {
		const struct ebpfc__func *f = &obj->funcs[order[k]];

		for (i = f->start; i < f->start + f->cnt; i++) {
			if (!call_target(obj, f, i, &tcode, &tinsn))
				continue;
			if (tcode >= obj->code_cnt || tinsn >= obj->code[tcode].insn_cnt ||
			    ebpfc__obj_func_at(obj, tcode, tinsn, &tf)) {
				free(order);
				free(pos);
				return ebpfc__err(EINVAL, "program '%s': instruction %zu of '%s' calls "
						  "instruction %zu of '%s', where no function starts",
						  prog->p.name, i - f->start, f->name, tinsn,
						  tcode < obj->code_cnt ? obj->code[tcode].name : "?");
			}
			if (pos[tf] != SIZE_MAX)
				continue;
			pos[tf] = total;
			total += obj->funcs[tf].cnt;
			order[n++] = tf;
		}
	}
	*orderp = order;
	*posp = pos;
	*np = n;
	*totalp = total;
	return 0;
}

int ebpfc__obj_link_prog(struct ebpfc_object *obj, const struct ebpfc__obj_prog *prog,
			 struct ebpfc__linked *linked)
{
	size_t *order = NULL, *pos = NULL, n = 0, total = 0, k, i, tcode, tinsn, tf;
	struct ebpfc__linked staged = { 0 };	/* collects the kfunc fd_array */
	struct bpf_insn *out = NULL;
	int err;

	err = ebpfc__obj_prog_layout(obj, prog, &order, &pos, &n, &total);
	if (err)
		return err;
	out = malloc(total * sizeof(*out));
	if (!out) {
		err = ebpfc__err(ENOMEM, "program '%s': out of memory", prog->p.name);
		goto out;
	}
	for (k = 0; k < n; k++) {
		const struct ebpfc__func *f = &obj->funcs[order[k]];
		const struct ebpfc__code_sec *cs = &obj->code[f->code];
		size_t base = pos[order[k]];

		memcpy(out + base, cs->insns + f->start, f->cnt * sizeof(*out));
		err = link_core(obj, prog, f, out, base);
		if (err)
			goto out;
		for (i = 0; i < f->cnt; i++) {
			struct bpf_insn *insn = &out[base + i];
			const struct ebpfc__relo *r = relo_at(cs, f->start + i);

			if (call_target(obj, f, f->start + i, &tcode, &tinsn)) {
				/* The layout placed every target; a miss here is a bug. */
				if (ebpfc__obj_func_at(obj, tcode, tinsn, &tf)) {
					err = ebpfc__err(EINVAL, "program '%s': call target lost "
							 "while linking", prog->p.name);
					goto out;
				}
				insn->imm = (__s32)((long long)pos[tf] - (long long)(base + i) - 1);
				if (is_ld_imm64(insn)) {
					/* Its second half must be in the function too. */
					if (i + 1 >= f->cnt) {
						err = ebpfc__err(EINVAL, "program '%s': ld_imm64 at the "
								 "end of '%s' is cut in half",
								 prog->p.name, f->name);
						goto out;
					}
					insn->src_reg = BPF_PSEUDO_FUNC;
					insn[1].imm = 0;
				}
				continue;
			}
			if (!r)
				continue;
			if (r->kind == EBPFC__RELO_EXTERN) {
				err = link_extern(obj, prog, &obj->externs[r->map], insn,
						  f->cnt - i, &staged);
				if (err)
					goto out;
				continue;
			}
			if (i + 1 >= f->cnt) {
				err = ebpfc__err(EINVAL, "program '%s': ld_imm64 at the end of '%s' is "
						 "cut in half", prog->p.name, f->name);
				goto out;
			}
			if (obj->maps[r->map]->m.fd < 0) {
				err = ebpfc__err(EINVAL, "program '%s': uses map '%s', which was not "
						 "created", prog->p.name, obj->maps[r->map]->m.name);
				goto out;
			}
			if (r->kind == EBPFC__RELO_MAP) {
				insn->src_reg = BPF_PSEUDO_MAP_FD;
				insn->imm = obj->maps[r->map]->m.fd;
				insn[1].imm = 0;
			} else {
				insn->src_reg = BPF_PSEUDO_MAP_VALUE;
				insn->imm = obj->maps[r->map]->m.fd;
				insn[1].imm = r->off;
			}
		}
	}
	memset(linked, 0, sizeof(*linked));
	linked->insns = out;
	linked->cnt = total;
	linked->fd_array = staged.fd_array;
	linked->fd_cnt = staged.fd_cnt;
	staged.fd_array = NULL;
	out = NULL;
	err = link_btf_info(obj, prog, order, n, pos, linked);
	if (err)
		ebpfc__linked_free(linked);
out:
	free(staged.fd_array);
	free(out);
	free(order);
	free(pos);
	return err;
}
