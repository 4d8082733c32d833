/*
 * externs.c - undefined symbols the loader provides: `.kconfig` externs
 * (kernel config values and LINUX_* facts, laid out in a read-only
 * internal map), `.ksyms` variables (a kernel BTF id, or for `const void`
 * ones an address from /proc/kallsyms) and kfuncs (kernel functions named
 * by their BTF id).
 *
 * At open: which symbols are externs and of what kind, from the object's
 * BTF. At load: their values from the running kernel (or the configured
 * kernel BTF and config text). reloc.c patches the instructions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/btf.h>
#include <ebpfc/probe.h>
#include "btf.h"
#include "kconfig.h"
#include "object_int.h"

#define KCONFIG_MAP_MAX (1u << 20)

int ebpfc__obj_find_extern(const struct ebpfc_object *obj, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < obj->extern_cnt; i++) {
		if (!strcmp(obj->externs[i].name, name)) {
			*idx = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* Find the datasec entry of type `id` in the datasec called `sec`. */
static bool in_datasec(const struct ebpfc_btf *btf, const char *sec, __u32 id, __u32 *off,
		       __u32 *size)
{
	struct ebpfc_btf_var_info v;
	const struct btf_type *t;
	__u32 sid, i;

	if (ebpfc_btf_find(btf, sec, BTF_KIND_DATASEC, &sid) || ebpfc_btf_type_by_id(btf, sid, &t))
		return false;
	for (i = 0; i < ebpfc_btf_vlen(t); i++) {
		if (ebpfc_btf_datasec_var(btf, sid, i, &v) == 0 && v.type_id == id) {
			*off = v.offset;
			*size = v.size;
			return true;
		}
	}
	return false;
}

static int classify_extern(struct ebpfc_object *obj, const struct ebpfc__elf_sym *sym,
			   struct ebpfc__extern *e)
{
	const struct btf_type *t;
	__u32 id, target;

	memset(e, 0, sizeof(*e));
	e->name = sym->name;
	e->weak = sym->bind == STB_WEAK;
	if (!obj->btf)
		return ebpfc__err(EINVAL, "object '%s': extern '%s' needs the object's BTF to be "
				  "resolved: compile with clang -g", obj->name, sym->name);
	if (ebpfc_btf_find(obj->btf, sym->name, BTF_KIND_VAR, &id) == 0) {
		e->btf_id = id;
		if (in_datasec(obj->btf, ".kconfig", id, &e->off, &e->size)) {
			/* Placed by ebpfc__obj_place_externs() once the layout is fixed. */
			e->kind = EBPFC__EXT_KCONFIG;
			return 0;
		}
		e->kind = EBPFC__EXT_KSYM;
		ebpfc_btf_type_by_id(obj->btf, id, &t);
		if (ebpfc_btf_resolve(obj->btf, t->type, &target) == 0 && target == 0)
			e->typeless = true;
		return 0;
	}
	if (ebpfc_btf_find(obj->btf, sym->name, BTF_KIND_FUNC, &id) == 0) {
		e->btf_id = id;
		e->kind = EBPFC__EXT_KFUNC;
		return 0;
	}
	return ebpfc__err(EINVAL, "object '%s': extern '%s' is in neither .kconfig nor .ksyms "
			  "(declare it with __kconfig or __ksym)", obj->name, sym->name);
}

static int add_kconfig_map(struct ebpfc_object *obj)
{
	const struct btf_type *t;
	struct ebpfc__obj_map *m, **nm;
	__u32 sid;

	if (ebpfc_btf_find(obj->btf, ".kconfig", BTF_KIND_DATASEC, &sid) ||
	    ebpfc_btf_type_by_id(obj->btf, sid, &t) || !t->size)
		return ebpfc__err(EINVAL, "object '%s': .kconfig externs without a .kconfig section "
				  "in its BTF", obj->name);
	/* Config values are a few bytes each; a huge section is hostile BTF. */
	if (t->size > KCONFIG_MAP_MAX)
		return ebpfc__err(E2BIG, "object '%s': .kconfig section of %u bytes is too large "
				  "(at most %u)", obj->name, t->size, KCONFIG_MAP_MAX);
	m = calloc(1, sizeof(*m));
	nm = realloc(obj->maps, (obj->map_cnt + 1) * sizeof(*nm));
	if (nm)
		obj->maps = nm;
	if (!m || !nm || !(m->m.name = strdup(".kconfig")) || !(m->data = calloc(1, t->size))) {
		if (m)
			free(m->m.name);
		free(m);
		return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
	}
	m->m.fd = -1;
	m->m.obj = obj;
	m->reuse_fd = -1;
	m->kind = EBPFC__MAP_KCONFIG;
	m->sec_idx = SIZE_MAX;
	m->m.type = BPF_MAP_TYPE_ARRAY;
	m->m.key_size = 4;
	m->m.value_size = t->size;
	m->m.value_buf_size = t->size;
	m->m.max_entries = 1;
	m->m.map_flags = BPF_F_RDONLY_PROG;
	m->data_sz = t->size;
	obj->kconfig_map = obj->map_cnt;
	obj->maps[obj->map_cnt++] = m;
	return 0;
}

int ebpfc__obj_place_externs(struct ebpfc_object *obj)
{
	bool kconfig = false;
	size_t i;

	for (i = 0; i < obj->extern_cnt; i++) {
		struct ebpfc__extern *e = &obj->externs[i];

		if (e->kind != EBPFC__EXT_KCONFIG)
			continue;
		in_datasec(obj->btf, ".kconfig", e->btf_id, &e->off, &e->size);
		kconfig = true;
	}
	return kconfig ? add_kconfig_map(obj) : 0;
}

int ebpfc__obj_collect_externs(struct ebpfc_object *obj)
{
	size_t i, n = ebpfc__elf_sym_count(obj->elf);
	struct ebpfc__elf_sym sym;
	int err;

	for (i = 1; i < n; i++) {
		struct ebpfc__extern *ne;

		if (ebpfc__elf_sym(obj->elf, i, &sym) || sym.shndx != SHN_UNDEF || !sym.name[0])
			continue;
		ne = realloc(obj->externs, (obj->extern_cnt + 1) * sizeof(*ne));
		if (!ne)
			return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
		obj->externs = ne;
		err = classify_extern(obj, &sym, &obj->externs[obj->extern_cnt]);
		if (err)
			return err;
		obj->extern_cnt++;
	}
	return 0;
}

/* ---- resolving at load ------------------------------------------------------------- */

/* The C type of a .kconfig extern, from its BTF. */
static int kconfig_type(const struct ebpfc_object *obj, const struct ebpfc__extern *e,
			enum ebpfc__kconfig_type *type)
{
	const struct btf_type *t;
	__u32 id;

	ebpfc_btf_type_by_id(obj->btf, e->btf_id, &t);
	if (ebpfc_btf_resolve(obj->btf, t->type, &id) || ebpfc_btf_type_by_id(obj->btf, id, &t))
		return -EINVAL;
	switch (ebpfc_btf_kind(t)) {
	case BTF_KIND_INT: {
		__u32 enc = BTF_INT_ENCODING(ebpfc_btf_int_word(t));

		if (enc & BTF_INT_BOOL)
			*type = EBPFC__KCONFIG_T_BOOL;
		else if ((enc & BTF_INT_CHAR) && t->size == 1)
			*type = EBPFC__KCONFIG_T_CHAR;
		else
			*type = (enc & BTF_INT_SIGNED) ? EBPFC__KCONFIG_T_INT : EBPFC__KCONFIG_T_UINT;
		return 0;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		*type = EBPFC__KCONFIG_T_TRISTATE;
		return 0;
	case BTF_KIND_ARRAY:
		*type = EBPFC__KCONFIG_T_STRING;
		return 0;
	default:
		return ebpfc__err(EINVAL, "object '%s': .kconfig extern '%s' has a %s type; use "
				  "bool, char, an integer, enum libbpf_tristate or char[N]",
				  obj->name, e->name, ebpfc_btf_kind_str(ebpfc_btf_kind(t)));
	}
}

/* Does the kernel route syscalls through __<arch>_sys_ wrappers? */
static bool has_syscall_wrapper(struct ebpfc_object *obj)
{
#if defined(__x86_64__)
	static const char fn[] = "__x64_sys_bpf";
#elif defined(__aarch64__)
	static const char fn[] = "__arm64_sys_bpf";
#elif defined(__s390x__)
	static const char fn[] = "__s390x_sys_bpf";
#else
	static const char fn[] = "";
#endif
	struct ebpfc_btf *k;
	__u32 id;

	return fn[0] && ebpfc__obj_kernel_btf(obj, &k) == 0 &&
	       ebpfc_btf_find(k, fn, BTF_KIND_FUNC, &id) == 0;
}

static int fill_linux_extern(struct ebpfc_object *obj, const struct ebpfc__extern *e, void *dst)
{
	__u64 v;

	if (!strcmp(e->name, "LINUX_KERNEL_VERSION"))
		v = ebpfc__kernel_version();
	else if (!strcmp(e->name, "LINUX_HAS_BPF_COOKIE"))
		v = ebpfc_probe_helper(BPF_PROG_TYPE_KPROBE, 174 /* get_attach_cookie */) == 1;
	else if (!strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER"))
		v = has_syscall_wrapper(obj);
	else if (e->weak)
		v = 0;
	else
		return ebpfc__err(ENOENT, "object '%s': extern '%s' is not a LINUX_* value ebpfc "
				  "knows (LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, "
				  "LINUX_HAS_SYSCALL_WRAPPER)", obj->name, e->name);
	ebpfc__err_clear();
	switch (e->size) {
	case 1: *(__u8 *)dst = (__u8)v; break;
	case 2: *(__u16 *)dst = (__u16)v; break;
	case 4: *(__u32 *)dst = (__u32)v; break;
	case 8: *(__u64 *)dst = v; break;
	default:
		return ebpfc__err(EINVAL, "object '%s': extern '%s' is %u bytes; it must be 1, 2, 4 "
				  "or 8", obj->name, e->name, e->size);
	}
	return 0;
}

static int resolve_kconfig(struct ebpfc_object *obj)
{
	struct ebpfc__obj_map *m = obj->maps[obj->kconfig_map];
	struct ebpfc__kconfig *kc = NULL;
	enum ebpfc__kconfig_type type = EBPFC__KCONFIG_T_UINT;
	size_t i;
	int err = 0;

	for (i = 0; i < obj->extern_cnt && !err; i++) {
		struct ebpfc__extern *e = &obj->externs[i];
		void *dst = (char *)m->data + e->off;

		if (e->kind != EBPFC__EXT_KCONFIG)
			continue;
		if (e->off + (size_t)e->size > m->data_sz)
			return ebpfc__err(EINVAL, "object '%s': extern '%s' lies outside .kconfig",
					  obj->name, e->name);
		if (!strncmp(e->name, "LINUX_", 6)) {
			err = fill_linux_extern(obj, e, dst);
			continue;
		}
		if (!kc) {
			err = ebpfc__kconfig_load(obj->kconfig_text, &kc);
			if (err) {
				char msg[512];

				ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
				err = ebpfc__err(err, "object '%s': extern '%s' needs the kernel config: "
						 "%s (or give it with ebpfc_object_open_opts.kconfig)",
						 obj->name, e->name, msg);
				break;
			}
		}
		err = kconfig_type(obj, e, &type);
		if (!err)
			err = ebpfc__kconfig_fill(kc, e->name, type, e->weak, dst, e->size);
		if (err) {
			char msg[512];

			ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
			err = ebpfc__err(err, "object '%s': %s", obj->name, msg);
		}
	}
	ebpfc__kconfig_free(kc);
	return err;
}

/* The address of a kernel symbol from /proc/kallsyms, 0 when absent. */
static int kallsyms_lookup(const char *name, __u64 *addr)
{
	char line[512], sym[256], type;
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "re");

	*addr = 0;
	if (!f)
		return ebpfc__err(errno, "cannot read /proc/kallsyms: %s", ebpfc_strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 && !strcmp(sym, name)) {
			*addr = a;
			break;
		}
	}
	fclose(f);
	return 0;
}

static int resolve_ksym(struct ebpfc_object *obj, struct ebpfc__extern *e)
{
	struct ebpfc_btf *k;
	int err;

	if (e->typeless) {
		err = kallsyms_lookup(e->name, &e->addr);
		if (err)
			return err;
		e->found = e->addr != 0;
		return 0;
	}
	err = ebpfc__obj_kernel_btf(obj, &k);
	if (err)
		return err;
	/* Absent and not weak: only the programs using it fail, at link. */
	(void)k;
	err = ebpfc__obj_kernel_find(obj, e->name,
				     e->kind == EBPFC__EXT_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR,
				     &e->kernel_btf_id, &e->btf_obj_fd);
	e->found = err == 0;
	ebpfc__err_clear();
	return err == -ENOENT ? 0 : err;
}

int ebpfc__obj_resolve_externs(struct ebpfc_object *obj)
{
	size_t i;
	int err;

	if (obj->kconfig_map != SIZE_MAX) {
		err = resolve_kconfig(obj);
		if (err)
			return err;
	}
	for (i = 0; i < obj->extern_cnt; i++) {
		struct ebpfc__extern *e = &obj->externs[i];

		if (e->kind == EBPFC__EXT_KCONFIG) {
			e->found = true;
			continue;
		}
		err = resolve_ksym(obj, e);
		if (err)
			return err;
	}
	return 0;
}
