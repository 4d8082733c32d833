/*
 * btf_load.c - loading an object's BTF into the kernel so that programs get
 * function and line info (readable verifier logs, global functions verified
 * on their own) and maps get typed keys and values (spin locks, timers,
 * pretty printing).
 *
 * clang cannot know a data section's final size or its variables' offsets
 * when it writes BTF, so it leaves them 0 for the loader; they come from
 * the ELF section headers and symbol table here.
 */
#include <stdlib.h>
#include <string.h>

#include <ebpfc/probe.h>
#include <ebpfc/sys.h>
#include "btf.h"
#include "btf_load.h"

/* Offset of the symbol called name in section shndx, or -ENOENT. */
static int sym_offset(const struct ebpfc__elf *elf, size_t shndx, const char *name, __u64 *off)
{
	size_t i, n = ebpfc__elf_sym_count(elf);
	struct ebpfc__elf_sym sym;

	for (i = 1; i < n; i++) {
		if (ebpfc__elf_sym(elf, i, &sym) == 0 && sym.shndx == shndx &&
		    sym.type != STT_SECTION && !strcmp(sym.name, name)) {
			*off = sym.value;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Extern sections (.kconfig, .ksyms) have no ELF section: the loader owns
 * their layout. Variables are placed in order at their natural alignment,
 * and their extern linkage, which no kernel accepts in loaded BTF, becomes
 * global: the loader provides the storage.
 */
/* A 4-byte integer type of the BTF, 0 if it has none. */
static __u32 find_int4(const struct ebpfc_btf *btf)
{
	const struct btf_type *t;
	__u32 id, cnt = ebpfc_btf_type_cnt(btf);

	for (id = ebpfc_btf_start_id(btf); id < cnt; id++)
		if (ebpfc_btf_type_by_id(btf, id, &t) == 0 && ebpfc_btf_kind(t) == BTF_KIND_INT &&
		    t->size == 4 && !(BTF_INT_ENCODING(ebpfc_btf_int_word(t)) & BTF_INT_BOOL))
			return id;
	return 0;
}

/* A VAR of at most 8 bytes anywhere in the BTF, to stand in for functions. */
static __u32 donor_var(const struct ebpfc_btf *btf, __u32 *size)
{
	const struct btf_type *t;
	__u32 id, cnt = ebpfc_btf_type_cnt(btf);

	for (id = ebpfc_btf_start_id(btf); id < cnt; id++) {
		if (ebpfc_btf_type_by_id(btf, id, &t) || ebpfc_btf_kind(t) != BTF_KIND_VAR)
			continue;
		if (ebpfc_btf_resolve_size(btf, t->type, size) == 0 && *size && *size <= 8)
			return id;
	}
	return 0;
}

/*
 * Extern sections (.kconfig, .ksyms) have no ELF section: the loader owns
 * their layout. Variables are placed in order at their natural alignment,
 * and their extern linkage, which no kernel accepts in loaded BTF, becomes
 * global: the loader provides the storage. Functions (kfunc declarations)
 * may not sit in a datasec at all, so their entries borrow a small variable
 * of the object: only the kernel's checks see them.
 */
static int layout_extern_datasec(struct ebpfc_btf *btf, struct btf_type *t, const char *obj_name,
				 const char *name)
{
	struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(t + 1);
	__u32 i, vlen = ebpfc_btf_vlen(t), align, dsize = 0, donor = 0, int4 = 0;
	bool ksyms = !strcmp(name, ".ksyms");
	__u64 off = 0;

	for (i = 0; i < vlen; i++) {
		const struct btf_type *vt;

		if (ebpfc_btf_type_by_id(btf, vs[i].type, &vt))
			return -EINVAL;
		if (ebpfc_btf_kind(vt) == BTF_KIND_VAR) {
			struct btf_var *v = (struct btf_var *)(vt + 1);

			if (ebpfc_btf_align(btf, vt->type, &align) || !align)
				align = 1;
			if (v->linkage == BTF_VAR_GLOBAL_EXTERN)
				v->linkage = BTF_VAR_GLOBAL_ALLOCATED;
			/*
			 * A kernel symbol's type may be `const void` or a kernel
			 * struct the kernel's checks cannot size: it is a name for
			 * the loader, so it becomes an int here.
			 */
			if (ksyms && (int4 || (int4 = find_int4(btf)))) {
				((struct btf_type *)vt)->type = int4;
				vs[i].size = 4;
				align = 4;
			}
		} else {
			if (!donor && !(donor = donor_var(btf, &dsize)))
				return 0; /* nothing to borrow: the kernel will refuse the BTF */
			vs[i].type = donor;
			vs[i].size = dsize;
			align = 8;
		}
		off = EBPFC__ROUND_UP(off, align);
		vs[i].offset = (__u32)off;
		off += vs[i].size;
		if (off > UINT32_MAX)
			return ebpfc__err(EINVAL, "object '%s': extern section '%s' is too large",
					  obj_name, name);
	}
	t->size = (__u32)EBPFC__ROUND_UP(off, 8);
	return 0;
}

static int fixup_datasec(struct ebpfc_btf *btf, const struct ebpfc__elf *elf, __u32 id,
			 const char *obj_name)
{
	const struct btf_type *ct;
	struct btf_type *t;
	struct btf_var_secinfo *vs;
	struct ebpfc__elf_sec sec;
	const char *name;
	__u32 i, vlen;
	__u64 off;

	ebpfc_btf_type_by_id(btf, id, &ct);
	t = (struct btf_type *)ct;
	name = ebpfc_btf_name(btf, t->name_off);
	if (ebpfc__elf_section_by_name(elf, name, &sec)) {
		ebpfc__err_clear();
		return layout_extern_datasec(btf, t, obj_name, name);
	}
	if (sec.size > UINT32_MAX)
		return ebpfc__err(EINVAL, "object '%s': section '%s' is too large for BTF", obj_name,
				  name);
	t->size = (__u32)sec.size;
	vs = (struct btf_var_secinfo *)(t + 1);
	vlen = ebpfc_btf_vlen(t);
	for (i = 0; i < vlen; i++) {
		const struct btf_type *vt;

		if (ebpfc_btf_type_by_id(btf, vs[i].type, &vt))
			return -EINVAL;
		if (sym_offset(elf, sec.index, ebpfc_btf_name(btf, vt->name_off), &off) == 0) {
			if (off + vs[i].size > sec.size)
				return ebpfc__err(EINVAL, "object '%s': variable '%s' lies past the end "
						  "of '%s'", obj_name,
						  ebpfc_btf_name(btf, vt->name_off), name);
			vs[i].offset = (__u32)off;
		}
	}
	return 0;
}

/*
 * A kfunc declaration: extern linkage becomes static, and its unnamed
 * parameters (clang names none in declarations) take the function's own
 * name, since the kernel insists every parameter of a function is named.
 */
static void unextern_func(struct ebpfc_btf *btf, struct btf_type *fn)
{
	const struct btf_type *proto;
	struct btf_param *p;
	__u32 i;

	fn->info = (fn->info & ~0xffffu) | BTF_FUNC_STATIC;
	if (ebpfc_btf_type_by_id(btf, fn->type, &proto) ||
	    ebpfc_btf_kind(proto) != BTF_KIND_FUNC_PROTO)
		return;
	p = (struct btf_param *)(proto + 1);
	for (i = 0; i < ebpfc_btf_vlen(proto); i++)
		if (!p[i].name_off && p[i].type)
			p[i].name_off = fn->name_off;
}

int ebpfc__btf_fixup_object(struct ebpfc_btf *btf, const struct ebpfc__elf *elf,
			     const char *obj_name)
{
	const struct btf_type *t;
	void *mut;
	size_t size;
	__u32 id, cnt = ebpfc_btf_type_cnt(btf);
	int err;

	err = ebpfc__btf_raw_mut(btf, &mut, &size);
	if (err)
		return err;
	for (id = ebpfc_btf_start_id(btf); id < cnt; id++) {
		if (ebpfc_btf_type_by_id(btf, id, &t))
			return -EINVAL;
		if (ebpfc_btf_kind(t) == BTF_KIND_DATASEC) {
			err = fixup_datasec(btf, elf, id, obj_name);
			if (err)
				return err;
		}
		/*
		 * Kernels refuse extern linkage for functions (kfunc
		 * declarations): they are only names for the loader.
		 */
		if (ebpfc_btf_kind(t) == BTF_KIND_FUNC && ebpfc_btf_vlen(t) == BTF_FUNC_EXTERN)
			unextern_func(btf, (struct btf_type *)t);
	}
	return 0;
}

/* An INT type of `size` bytes in the BTF, 0 if none. */
static __u32 find_int_sized(const struct ebpfc_btf *btf, __u32 size)
{
	const struct btf_type *t;
	__u32 id, cnt = ebpfc_btf_type_cnt(btf);

	for (id = 1; id < cnt; id++)
		if (ebpfc_btf_type_by_id(btf, id, &t) == 0 && ebpfc_btf_kind(t) == BTF_KIND_INT &&
		    t->size == size)
			return id;
	return 0;
}

static void set_info(struct btf_type *t, __u32 kind, __u32 vlen)
{
	t->info = (kind << 24) | (vlen & 0xffff);
}

int ebpfc__btf_sanitize(void *raw, size_t size, __u32 missing)
{
	EBPFC_OPTS(ebpfc_btf_open_opts, o);
	const struct btf_type *ct;
	struct ebpfc_btf *btf;
	__u32 id, cnt, i;
	int err;

	err = ebpfc__btf_open_mem(raw, size, &o, "BTF to sanitise", &btf);
	if (err)
		return err;
	cnt = ebpfc_btf_type_cnt(btf);
	for (id = 1; id < cnt; id++) {
		struct btf_type *t;
		__u32 kind;

		ebpfc_btf_type_by_id(btf, id, &ct);
		t = (struct btf_type *)ct;
		kind = ebpfc_btf_kind(t);
		if (!(missing & (1u << kind)))
			continue;
		switch (kind) {
		case BTF_KIND_TYPE_TAG:
			/* A qualifier the kernel does not know: const keeps the chain intact. */
			t->name_off = 0;
			set_info(t, BTF_KIND_CONST, 0);
			break;
		case BTF_KIND_DECL_TAG:
			/* Same record size: a one-byte int named nothing. */
			t->name_off = 0;
			set_info(t, BTF_KIND_INT, 0);
			t->size = 1;
			*(__u32 *)(t + 1) = 8; /* 8 bits, offset 0, no encoding */
			break;
		case BTF_KIND_FLOAT:
			/* An opaque struct of the same size and name. */
			set_info(t, BTF_KIND_STRUCT, 0);
			break;
		case BTF_KIND_ENUM64: {
			/* A union of same-sized ints, one per enumerator (12-byte records both). */
			__u32 vlen = ebpfc_btf_vlen(t), it = find_int_sized(btf, t->size);
			struct btf_member *m = (struct btf_member *)(t + 1);

			if (!it) {
				ebpfc_btf_destroy(btf);
				return ebpfc__err(EOPNOTSUPP, "BTF: no %u-byte int to stand in for "
						  "enum64 [%u]", t->size, id);
			}
			set_info(t, BTF_KIND_UNION, vlen);
			for (i = 0; i < vlen; i++) {
				m[i].type = it;
				m[i].offset = 0;
			}
			break;
		}
		default:
			break;
		}
	}
	/* Function linkage arrived in 5.6: older kernels know only static. */
	if (missing & (1u << 31)) {
		for (id = 1; id < cnt; id++) {
			ebpfc_btf_type_by_id(btf, id, &ct);
			if (ebpfc_btf_kind(ct) == BTF_KIND_FUNC)
				set_info((struct btf_type *)ct, BTF_KIND_FUNC, 0);
		}
	}
	ebpfc_btf_destroy(btf);
	return 0;
}

/*
 * The BTF kinds of `btf` that the running kernel refuses, as a mask of
 * 1 << kind (bit 31: global function linkage). Only kinds the object uses
 * are probed, and only after a refusal, so a current kernel pays nothing.
 */
static __u32 missing_kinds(const struct ebpfc_btf *btf)
{
	static const __u32 late[] = { BTF_KIND_FLOAT, BTF_KIND_DECL_TAG, BTF_KIND_TYPE_TAG,
				      BTF_KIND_ENUM64 };
	const struct btf_type *t;
	__u32 used = 0, missing = 0, id, cnt = ebpfc_btf_type_cnt(btf), i;
	bool global_func = false;

	for (id = 1; id < cnt; id++) {
		if (ebpfc_btf_type_by_id(btf, id, &t))
			continue;
		used |= 1u << ebpfc_btf_kind(t);
		global_func |= ebpfc_btf_kind(t) == BTF_KIND_FUNC && ebpfc_btf_vlen(t) != 0;
	}
	for (i = 0; i < EBPFC__ARRAY_SIZE(late); i++)
		if ((used & (1u << late[i])) && ebpfc_probe_btf_kind(late[i]) == 0)
			missing |= 1u << late[i];
	if (global_func && ebpfc_probe_btf_kind(BTF_KIND_FUNC) == 0)
		missing |= 1u << 31;
	ebpfc__err_clear();
	return missing;
}

int ebpfc__btf_load_object(const struct ebpfc_btf *btf, const char *obj_name,
			   ebpfc_log_fn log_fn, void *log_user, int *fd)
{
	const void *raw;
	size_t size;
	char *log;
	int err;

	*fd = -1;
	ebpfc_btf_raw_data(btf, &raw, &size);
	if (size > UINT32_MAX)
		return ebpfc__err(E2BIG, "object '%s': BTF of %zu bytes is too large", obj_name, size);
	err = ebpfc_sys_btf_load(raw, (__u32)size, NULL, fd);
	if (!err)
		return 0;
	*fd = -1;
	if (err == -EINVAL) {
		/* An older kernel: rewrite what it does not know, on a copy. */
		__u32 missing = missing_kinds(btf);
		void *copy;

		if (missing && (copy = malloc(size))) {
			memcpy(copy, raw, size);
			if (ebpfc__btf_sanitize(copy, size, missing) == 0 &&
			    ebpfc_sys_btf_load(copy, (__u32)size, NULL, fd) == 0) {
				ebpfc__log(log_fn, log_user, EBPFC_LOG_INFO,
					   "object '%s': BTF loaded with kinds this kernel lacks "
					   "rewritten (mask 0x%x)", obj_name, missing);
				free(copy);
				ebpfc__err_clear();
				return 0;
			}
			*fd = -1;
			free(copy);
		}
	}
	/* Ask again with a log, only to explain the refusal. */
	log = malloc(64 * 1024);
	if (log) {
		EBPFC_OPTS(ebpfc_btf_load_opts, o, .log_buf = log, .log_size = 64 * 1024,
			   .log_level = 1);
		int lfd;
		char *last;

		log[0] = '\0';
		if (ebpfc_sys_btf_load(raw, (__u32)size, &o, &lfd) == 0)
			ebpfc__close(lfd);
		last = strrchr(log, '\n');
		while (last && last > log && last[1] == '\0') {
			*last = '\0';
			last = strrchr(log, '\n');
		}
		ebpfc__log(log_fn, log_user, EBPFC_LOG_WARN,
			   "object '%s': the kernel refused its BTF (%s%s%s); loading without it",
			   obj_name, ebpfc_strerror(err), last ? ": " : "", last ? last + 1 : "");
		free(log);
	}
	ebpfc__err_clear();
	return 0;
}

int ebpfc__btf_from_prog_fd(int prog_fd, const char *what, struct ebpfc_btf **btf)
{
	struct bpf_prog_info pinfo;
	struct bpf_btf_info binfo;
	__u32 len = sizeof(pinfo);
	EBPFC_OPTS(ebpfc_btf_open_opts, o, .copy = true);
	void *data = NULL;
	int err, fd = -1;

	*btf = NULL;
	memset(&pinfo, 0, sizeof(pinfo));
	err = ebpfc_sys_obj_get_info(prog_fd, &pinfo, &len);
	if (err)
		return ebpfc__err(err, "%s: fd %d is not a loaded program: %s", what, prog_fd,
				  ebpfc_strerror(err));
	if (!pinfo.btf_id)
		return ebpfc__err(ENOENT, "%s: the target program was loaded without BTF", what);
	err = ebpfc_sys_btf_get_fd_by_id(pinfo.btf_id, &fd);
	if (err)
		return err;
	memset(&binfo, 0, sizeof(binfo));
	len = sizeof(binfo);
	err = ebpfc_sys_obj_get_info(fd, &binfo, &len);
	if (!err) {
		data = malloc(binfo.btf_size ? binfo.btf_size : 1);
		if (!data) {
			err = ebpfc__err(ENOMEM, "%s: out of memory", what);
			goto out;
		}
		binfo.btf = (__u64)(uintptr_t)data;
		len = sizeof(binfo);
		err = ebpfc_sys_obj_get_info(fd, &binfo, &len);
	}
	if (!err)
		err = ebpfc__btf_open_mem(data, binfo.btf_size, &o, what, btf);
out:
	free(data);
	ebpfc__close(fd);
	return err;
}
