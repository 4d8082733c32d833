/*
 * object.c - opening a BPF ELF object: finding its programs (by section
 * name), subprograms, license and version, and handing out what is inside
 * (programs, maps, global variables) before and after load.
 *
 * Not here: map declarations (object_maps.c), relocations and subprogram
 * linking (reloc.c), the load sequence (object_load.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/btf.h>
#include "btf.h"
#include "btf_load.h"
#include "core.h"
#include "object_int.h"

#define OBJ_MAX_SIZE (1ULL << 31)

static void objlog(const struct ebpfc_object *obj, enum ebpfc_log_level lvl, const char *what)
{
	ebpfc__log(obj->log_fn, obj->log_user, lvl, "object '%s': %s", obj->name, what);
}

int ebpfc__obj_code_by_sec(const struct ebpfc_object *obj, size_t sec_idx, size_t *code)
{
	size_t i;

	for (i = 0; i < obj->code_cnt; i++) {
		if (obj->code[i].sec_idx == sec_idx) {
			*code = i;
			return 0;
		}
	}
	return -ENOENT;
}

static int func_cmp(const void *a, const void *b)
{
	const struct ebpfc__func *x = a, *y = b;

	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Record every executable section with instructions in it. */
static int collect_code(struct ebpfc_object *obj)
{
	size_t i, n = ebpfc__elf_section_count(obj->elf);
	struct ebpfc__elf_sec sec;

	obj->code = calloc(n ? n : 1, sizeof(*obj->code));
	if (!obj->code)
		return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
	for (i = 1; i < n; i++) {
		if (ebpfc__elf_section(obj->elf, i, &sec))
			return -EINVAL;
		if (sec.type != SHT_PROGBITS || !(sec.flags & SHF_EXECINSTR) || sec.size == 0)
			continue;
		if (sec.size % sizeof(struct bpf_insn))
			return ebpfc__err(EINVAL,
					  "object '%s': section '%s' is %llu bytes, not a whole number "
					  "of 8-byte instructions",
					  obj->name, sec.name, (unsigned long long)sec.size);
		/* Read in place as struct bpf_insn: obj->buf is malloc-aligned. */
		if (((const char *)sec.data - (const char *)obj->buf) % 8)
			return ebpfc__err(EINVAL,
					  "object '%s': section '%s' starts at file offset %lld, not "
					  "on an 8-byte instruction boundary",
					  obj->name, sec.name,
					  (long long)((const char *)sec.data - (const char *)obj->buf));
		obj->code[obj->code_cnt].sec_idx = i;
		obj->code[obj->code_cnt].name = sec.name;
		obj->code[obj->code_cnt].insns = sec.data;
		obj->code[obj->code_cnt].insn_cnt = sec.size / sizeof(struct bpf_insn);
		obj->code_cnt++;
	}
	return 0;
}

/*
 * Functions come from STT_FUNC symbols. A code section without any (hand
 * written assembly) is one function named after the section.
 */
static int collect_funcs(struct ebpfc_object *obj)
{
	size_t i, nsyms = ebpfc__elf_sym_count(obj->elf), cap = obj->code_cnt + 16, code;
	struct ebpfc__elf_sym sym;
	struct ebpfc__func *f;
	bool *has_func;

	obj->funcs = calloc(cap, sizeof(*obj->funcs));
	has_func = calloc(obj->code_cnt + 1, sizeof(bool));
	if (!obj->funcs || !has_func) {
		free(has_func);
		return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
	}
	for (i = 1; i < nsyms; i++) {
		if (ebpfc__elf_sym(obj->elf, i, &sym))
			goto fail_inval;
		if (sym.type != STT_FUNC || ebpfc__obj_code_by_sec(obj, sym.shndx, &code))
			continue;
		if (sym.value % 8 || sym.size % 8 || sym.size == 0) {
			free(has_func);
			return ebpfc__err(EINVAL,
					  "object '%s': function '%s' in '%s' is not aligned to "
					  "instructions (offset %llu, size %llu)",
					  obj->name, sym.name, obj->code[code].name,
					  (unsigned long long)sym.value, (unsigned long long)sym.size);
		}
		if (obj->func_cnt == cap) {
			struct ebpfc__func *nf = realloc(obj->funcs, cap * 2 * sizeof(*nf));

			if (!nf) {
				free(has_func);
				return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
			}
			obj->funcs = nf;
			cap *= 2;
		}
		f = &obj->funcs[obj->func_cnt++];
		f->name = sym.name;
		f->code = code;
		f->start = sym.value / 8;
		f->cnt = sym.size / 8;
		/*
		 * Entry points: global functions outside .text. Static functions
		 * anywhere and everything in .text are subprograms.
		 */
		f->is_entry = sym.bind != STB_LOCAL && strcmp(obj->code[code].name, ".text") != 0;
		has_func[code] = true;
	}
	for (code = 0; code < obj->code_cnt; code++) {
		if (has_func[code] || !strcmp(obj->code[code].name, ".text"))
			continue;
		if (obj->func_cnt == cap) {
			struct ebpfc__func *nf = realloc(obj->funcs, cap * 2 * sizeof(*nf));

			if (!nf) {
				free(has_func);
				return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
			}
			obj->funcs = nf;
			cap *= 2;
		}
		f = &obj->funcs[obj->func_cnt++];
		f->name = obj->code[code].name;
		f->code = code;
		f->start = 0;
		f->cnt = obj->code[code].insn_cnt;
		f->is_entry = true;
	}
	free(has_func);
	qsort(obj->funcs, obj->func_cnt, sizeof(*obj->funcs), func_cmp);
	for (i = 1; i < obj->func_cnt; i++) {
		const struct ebpfc__func *a = &obj->funcs[i - 1], *b = &obj->funcs[i];

		if (a->code == b->code && a->start + a->cnt > b->start)
			return ebpfc__err(EINVAL, "object '%s': functions '%s' and '%s' overlap in '%s'",
					  obj->name, a->name, b->name, obj->code[a->code].name);
	}
	return 0;
fail_inval:
	free(has_func);
	return -EINVAL;
}

static int collect_progs(struct ebpfc_object *obj)
{
	struct ebpfc__obj_prog *p;
	size_t i, n = 0;

	for (i = 0; i < obj->func_cnt; i++)
		n += obj->funcs[i].is_entry;
	obj->progs = calloc(n ? n : 1, sizeof(*obj->progs));
	if (!obj->progs)
		return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
	for (i = 0; i < obj->func_cnt; i++) {
		const struct ebpfc__func *f = &obj->funcs[i];

		if (!f->is_entry)
			continue;
		p = calloc(1, sizeof(*p));
		if (!p)
			return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
		obj->progs[obj->prog_cnt++] = p;
		p->p.fd = -1;
		p->attach_prog_fd = -1;
		p->p.obj = obj;
		p->p.name = strdup(f->name);
		p->sec_name = strdup(obj->code[f->code].name);
		if (!p->p.name || !p->sec_name)
			return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
		p->func = i;
		p->autoload = true;
		p->load_result = 1;
		p->def = ebpfc__sec_find(p->sec_name, &p->attach_target);
		if (p->def) {
			p->p.type = p->def->prog_type;
			p->expected_attach_type = p->def->attach_type;
			if (p->def->flags & EBPFC__SEC_SLEEPABLE)
				p->prog_flags |= BPF_F_SLEEPABLE;
			if (p->def->flags & EBPFC__SEC_XDP_FRAGS)
				p->prog_flags |= BPF_F_XDP_HAS_FRAGS;
		} else {
			char msg[256];

			snprintf(msg, sizeof(msg),
				 "program '%s': section '%s' names no known program type; set one "
				 "with ebpfc_prog_set_type() before load",
				 p->p.name, p->sec_name);
			objlog(obj, EBPFC_LOG_WARN, msg);
		}
	}
	return 0;
}

static int read_license_version(struct ebpfc_object *obj)
{
	struct ebpfc__elf_sec sec;

	if (ebpfc__elf_section_by_name(obj->elf, "license", &sec) == 0 && sec.data) {
		size_t n = strnlen(sec.data, sec.size);

		if (n >= sizeof(obj->license))
			return ebpfc__err(EINVAL, "object '%s': license string is too long (%zu bytes)",
					  obj->name, n);
		memcpy(obj->license, sec.data, n);
		obj->license[n] = '\0';
	}
	if (ebpfc__elf_section_by_name(obj->elf, "version", &sec) == 0 && sec.data) {
		if (sec.size != sizeof(__u32))
			return ebpfc__err(EINVAL, "object '%s': 'version' section is %llu bytes, not 4",
					  obj->name, (unsigned long long)sec.size);
		memcpy(&obj->kversion, sec.data, sizeof(__u32));
	}
	ebpfc__err_clear();
	return 0;
}

static int open_btf(struct ebpfc_object *obj)
{
	struct ebpfc__elf_sec sec, ext;
	char what[160];
	int err;

	if (ebpfc__elf_section_by_name(obj->elf, ".BTF", &sec) != 0) {
		ebpfc__err_clear();
		return 0;
	}
	snprintf(what, sizeof(what), "object '%s' .BTF", obj->name);
	/* obj->buf is ours: the fixups at open write the section in place. */
	err = ebpfc__btf_open_lent((void *)sec.data, sec.size, what, &obj->btf);
	if (err)
		return err;
	if (ebpfc__elf_section_by_name(obj->elf, ".BTF.ext", &ext) != 0) {
		ebpfc__err_clear();
		return 0;
	}
	return ebpfc__btf_ext_open(ext.data, ext.size, obj->btf, &obj->btf_ext);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * `data` is the caller's, or with `own` a malloc'd buffer that the object
 * takes over (freed here on failure): the file read by open_file is not
 * copied a second time.
 */
static int object_open(const void *data, size_t size, bool own, const char *path,
		       const struct ebpfc_object_open_opts *opts, struct ebpfc_object **out)
{
	struct ebpfc_object *obj;
	const char *name;
	int err;

	*out = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_object_open_opts);
	if (err)
		goto fail_data;
	name = EBPFC__OPT(opts, object_name, NULL);
	if (!name)
		name = path ? base_name(path) : "<memory>";
	if (size > OBJ_MAX_SIZE) {
		err = ebpfc__err(EFBIG, "object '%s': %zu bytes is too large", name, size);
		goto fail_data;
	}
	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		err = ebpfc__err(ENOMEM, "object '%s': out of memory", name);
		goto fail_data;
	}
	/* Before any failure: destroy closes it, and frees the buffer. */
	obj->btf_fd = -1;
	if (own) {
		obj->buf = (void *)data;
		own = false;
	}
	obj->kconfig_map = SIZE_MAX;
	if (EBPFC__OPT(opts, target_btf, NULL)) {
		obj->kbtf = ebpfc__btf_get(opts->target_btf);
		obj->kbtf_given = true;
	}
	if (EBPFC__OPT(opts, kconfig, NULL) && !(obj->kconfig_text = strdup(opts->kconfig))) {
		err = ebpfc__err(ENOMEM, "object '%s': out of memory", name);
		goto fail;
	}
	obj->name = strdup(name);
	obj->path = path ? strdup(path) : NULL;
	obj->pin_root = strdup(EBPFC__OPT(opts, pin_root, NULL) ? opts->pin_root : "/sys/fs/bpf");
	obj->log_fn = EBPFC__OPT(opts, log_fn, NULL);
	if (EBPFC__OPT(opts, btf_path, NULL) && !(obj->btf_path = strdup(opts->btf_path))) {
		err = ebpfc__err(ENOMEM, "object '%s': out of memory", name);
		goto fail;
	}
	obj->log_user = EBPFC__OPT(opts, log_user, NULL);
	/*
	 * A private copy, malloc-aligned (an owned buffer is malloc's too):
	 * sections can then be read as instructions and BTF fixed up in place.
	 */
	if (!obj->buf && (obj->buf = malloc(size ? size : 1)))
		memcpy(obj->buf, data, size);
	if (!obj->name || (path && !obj->path) || !obj->pin_root || !obj->buf) {
		err = ebpfc__err(ENOMEM, "object '%s': out of memory", name);
		goto fail;
	}
	obj->buf_sz = size;

	err = ebpfc__elf_open(obj->buf, size, obj->name, &obj->elf);
	if (err)
		goto fail;
	err = read_license_version(obj);
	if (err)
		goto fail;
	err = open_btf(obj);
	if (err)
		goto fail;
	err = collect_code(obj);
	if (err)
		goto fail;
	err = collect_funcs(obj);
	if (err)
		goto fail;
	err = collect_progs(obj);
	if (err)
		goto fail;
	err = ebpfc__obj_collect_maps(obj);
	if (err)
		goto fail;
	/* Externs are told apart by their types as clang wrote them ... */
	err = ebpfc__obj_collect_externs(obj);
	if (err)
		goto fail;
	/* ... before the fixups rewrite what the kernel would refuse. */
	if (obj->btf) {
		err = ebpfc__btf_fixup_object(obj->btf, obj->elf, obj->name);
		if (err)
			goto fail;
	}
	err = ebpfc__obj_place_externs(obj);
	if (err)
		goto fail;
	err = ebpfc__obj_collect_relos(obj);
	if (err)
		goto fail;
	err = ebpfc__obj_collect_map_slots(obj);
	if (err)
		goto fail;
	ebpfc__err_clear();
	*out = obj;
	return 0;
fail:
	ebpfc_object_destroy(obj);
	return err;
fail_data:
	if (own)
		free((void *)data);
	return err;
}

EBPFC_API int ebpfc_object_open_mem(const void *data, size_t size,
				    const struct ebpfc_object_open_opts *opts,
				    struct ebpfc_object **obj)
{
	if (!data && size)
		return ebpfc__err(EINVAL, "object: NULL data");
	return object_open(data, size, false, NULL, opts, obj);
}

EBPFC_API int ebpfc_object_open_file(const char *path, const struct ebpfc_object_open_opts *opts,
				     struct ebpfc_object **obj)
{
	char *data;
	size_t len;
	int err;

	*obj = NULL;
	err = ebpfc__read_file(path, &data, &len);
	if (err)
		return ebpfc__err(err, "cannot read object %s: %s", path, ebpfc_strerror(err));
	return object_open(data, len, true, path, opts, obj);
}

EBPFC_API void ebpfc_object_destroy(struct ebpfc_object *obj)
{
	size_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->prog_cnt; i++) {
		struct ebpfc__obj_prog *p = obj->progs[i];

		ebpfc__close(p->p.fd);
		ebpfc__vlog_free(&p->p.log);
		free(p->p.name);
		free(p->sec_name);
		free(p->load_errmsg);
		ebpfc__close(p->attach_prog_fd);
		free(p->attach_func);
		free(p);
	}
	for (i = 0; i < obj->map_cnt; i++)
		ebpfc__obj_map_free(obj->maps[i]);
	for (i = 0; i < obj->code_cnt; i++)
		free(obj->code[i].relos);
	free(obj->progs);
	free(obj->maps);
	free(obj->externs);
	free(obj->kconfig_text);
	free(obj->code);
	free(obj->funcs);
	ebpfc__close(obj->btf_fd);
	ebpfc__core_ctx_free(obj->core);
	ebpfc__kmods_close(&obj->kmods);
	ebpfc_btf_destroy(obj->kbtf);
	free(obj->btf_path);
	ebpfc__btf_ext_destroy(obj->btf_ext);
	ebpfc_btf_destroy(obj->btf);
	ebpfc__elf_close(obj->elf);
	free(obj->buf);
	free(obj->pin_root);
	free(obj->path);
	free(obj->name);
	free(obj);
}

int ebpfc__obj_kernel_btf(struct ebpfc_object *obj, struct ebpfc_btf **btf)
{
	int err;

	if (!obj->kbtf) {
		err = obj->btf_path ? ebpfc_btf_open_file(obj->btf_path, NULL, &obj->kbtf)
				    : ebpfc_btf_open_vmlinux(&obj->kbtf);
		if (err) {
			char msg[512];

			ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
			return ebpfc__err(err, "object '%s': cannot read the kernel's BTF: %s",
					  obj->name, msg);
		}
	}
	*btf = obj->kbtf;
	return 0;
}

struct ebpfc__kmods *ebpfc__obj_kmods(struct ebpfc_object *obj)
{
	struct ebpfc_btf *k;

	if (!obj->kmods_open) {
		obj->kmods_open = true;
		/* Another kernel's BTF file comes without its modules. */
		if (!obj->btf_path && !obj->kbtf_given && ebpfc__obj_kernel_btf(obj, &k) == 0)
			ebpfc__kmods_open(k, &obj->kmods);
		ebpfc__err_clear();
	}
	return &obj->kmods;
}

int ebpfc__obj_kernel_find(struct ebpfc_object *obj, const char *name, unsigned int kind,
			   __u32 *id, int *btf_obj_fd)
{
	struct ebpfc__kmod *mod;
	struct ebpfc_btf *k;
	int err;

	*btf_obj_fd = 0;
	err = ebpfc__obj_kernel_btf(obj, &k);
	if (err)
		return err;
	if (ebpfc_btf_find(k, name, kind, id) == 0)
		return 0;
	if (ebpfc__kmods_find(ebpfc__obj_kmods(obj), name, kind, &mod, id))
		return -ENOENT;
	return ebpfc__kmod_fd(mod, btf_obj_fd);
}

/* ---- accessors ----------------------------------------------------------------------- */

EBPFC_API const char *ebpfc_object_name(const struct ebpfc_object *obj)
{
	return obj->name;
}

EBPFC_API const char *ebpfc_object_license(const struct ebpfc_object *obj)
{
	return obj->license;
}

EBPFC_API __u32 ebpfc_object_kversion(const struct ebpfc_object *obj)
{
	return obj->kversion;
}

EBPFC_API bool ebpfc_object_loaded(const struct ebpfc_object *obj)
{
	return obj->loaded;
}

EBPFC_API int ebpfc_object_btf(const struct ebpfc_object *obj, const struct ebpfc_btf **btf)
{
	*btf = obj->btf;
	if (!obj->btf)
		return ebpfc__err(ENOENT, "object '%s': no BTF (compile with clang -g)", obj->name);
	return 0;
}

EBPFC_API size_t ebpfc_object_prog_count(const struct ebpfc_object *obj)
{
	return obj->prog_cnt;
}

EBPFC_API struct ebpfc_prog *ebpfc_object_prog_at(const struct ebpfc_object *obj, size_t idx)
{
	return idx < obj->prog_cnt ? &obj->progs[idx]->p : NULL;
}

EBPFC_API int ebpfc_object_find_prog(const struct ebpfc_object *obj, const char *name,
				     struct ebpfc_prog **prog)
{
	size_t i;

	for (i = 0; i < obj->prog_cnt; i++) {
		if (!strcmp(obj->progs[i]->p.name, name)) {
			*prog = &obj->progs[i]->p;
			return 0;
		}
	}
	*prog = NULL;
	return ebpfc__err(ENOENT, "object '%s': no program named '%s'", obj->name, name);
}

EBPFC_API size_t ebpfc_object_map_count(const struct ebpfc_object *obj)
{
	return obj->map_cnt;
}

EBPFC_API struct ebpfc_map *ebpfc_object_map_at(const struct ebpfc_object *obj, size_t idx)
{
	return idx < obj->map_cnt ? &obj->maps[idx]->m : NULL;
}

EBPFC_API int ebpfc_object_find_map(const struct ebpfc_object *obj, const char *name,
				    struct ebpfc_map **map)
{
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		if (!strcmp(obj->maps[i]->m.name, name)) {
			*map = &obj->maps[i]->m;
			return 0;
		}
	}
	*map = NULL;
	return ebpfc__err(ENOENT, "object '%s': no map named '%s'", obj->name, name);
}

/* ---- global variables --------------------------------------------------------------------- */

static bool map_is_data(const struct ebpfc__obj_map *m)
{
	return m->kind == EBPFC__MAP_DATA || m->kind == EBPFC__MAP_RODATA ||
	       m->kind == EBPFC__MAP_BSS;	/* not .kconfig: externs are not variables to set */
}

/* Find a variable's map and place from the ELF symbol table. */
static int find_global(const struct ebpfc_object *obj, const char *name,
		       struct ebpfc__obj_map **mapp, size_t *off, size_t *size)
{
	size_t i, j, nsyms = ebpfc__elf_sym_count(obj->elf);
	struct ebpfc__elf_sym sym;

	for (i = 1; i < nsyms; i++) {
		if (ebpfc__elf_sym(obj->elf, i, &sym) || strcmp(sym.name, name) != 0)
			continue;
		if (sym.type != STT_OBJECT && sym.type != STT_NOTYPE)
			continue;
		for (j = 0; j < obj->map_cnt; j++) {
			struct ebpfc__obj_map *m = obj->maps[j];

			if (!map_is_data(m) || m->sec_idx != sym.shndx)
				continue;
			if (sym.value + sym.size > m->data_sz)
				break;
			*mapp = m;
			*off = sym.value;
			*size = sym.size;
			return 0;
		}
	}
	return ebpfc__err(ENOENT, "object '%s': no global variable named '%s'", obj->name, name);
}

EBPFC_API int ebpfc_object_global(const struct ebpfc_object *obj, const char *name, void **addr,
				  size_t *size)
{
	struct ebpfc__obj_map *m;
	size_t off, sz;
	int err;

	*addr = NULL;
	err = find_global(obj, name, &m, &off, &sz);
	if (err)
		return err;
	if (obj->loaded) {
		if (!m->mmaped)
			return ebpfc__err(EOPNOTSUPP,
					  "object '%s': variable '%s': map '%s' could not be "
					  "memory-mapped on this kernel; read it with ebpfc_map_lookup()",
					  obj->name, name, m->m.name);
		*addr = (char *)m->mmaped + off;
	} else {
		*addr = (char *)m->data + off;
	}
	if (size)
		*size = sz;
	return 0;
}

EBPFC_API int ebpfc_object_global_set(struct ebpfc_object *obj, const char *name,
				      const void *value, size_t size)
{
	struct ebpfc__obj_map *m;
	size_t off, sz;
	int err;

	err = find_global(obj, name, &m, &off, &sz);
	if (err)
		return err;
	if (size != sz)
		return ebpfc__err(EINVAL, "object '%s': variable '%s' is %zu bytes, not %zu",
				  obj->name, name, sz, size);
	if (obj->loaded && m->kind == EBPFC__MAP_RODATA)
		return ebpfc__err(EPERM,
				  "object '%s': variable '%s' is in %s, which is read-only once "
				  "the object is loaded; set it before ebpfc_object_load()",
				  obj->name, name, m->m.name);
	if (obj->loaded && !m->mmaped)
		return ebpfc__err(EOPNOTSUPP,
				  "object '%s': variable '%s': map '%s' could not be memory-mapped "
				  "on this kernel; write it with ebpfc_map_update()",
				  obj->name, name, m->m.name);
	memcpy((char *)(obj->loaded ? m->mmaped : m->data) + off, value, size);
	return 0;
}

EBPFC_API int ebpfc_object_global_get(const struct ebpfc_object *obj, const char *name,
				      void *value, size_t size)
{
	struct ebpfc__obj_map *m;
	size_t off, sz;
	int err;

	err = find_global(obj, name, &m, &off, &sz);
	if (err)
		return err;
	if (size != sz)
		return ebpfc__err(EINVAL, "object '%s': variable '%s' is %zu bytes, not %zu",
				  obj->name, name, sz, size);
	if (obj->loaded && !m->mmaped)
		return ebpfc__err(EOPNOTSUPP,
				  "object '%s': variable '%s': map '%s' could not be memory-mapped "
				  "on this kernel; read it with ebpfc_map_lookup()",
				  obj->name, name, m->m.name);
	memcpy(value, (char *)(obj->loaded ? m->mmaped : m->data) + off, size);
	return 0;
}

/* ---- configuring programs before load --------------------------------------------------- */

static int prog_obj_check(const struct ebpfc_prog *prog, const char *what, bool before_load)
{
	if (!prog->obj)
		return ebpfc__err(EINVAL, "program '%s': %s: only programs of an object have this",
				  prog->name, what);
	if (before_load && prog->obj->load_tried)
		return ebpfc__err(EBUSY, "program '%s': %s must be set before the object is loaded",
				  prog->name, what);
	return 0;
}

EBPFC_API const char *ebpfc_prog_section(const struct ebpfc_prog *prog)
{
	return prog->obj ? ebpfc__obj_prog(prog)->sec_name : "";
}

EBPFC_API size_t ebpfc_prog_insn_count(const struct ebpfc_prog *prog)
{
	return prog->obj ? prog->obj->funcs[ebpfc__obj_prog(prog)->func].cnt : 0;
}

EBPFC_API bool ebpfc_prog_autoload(const struct ebpfc_prog *prog)
{
	return prog->obj && ebpfc__obj_prog(prog)->autoload;
}

EBPFC_API int ebpfc_prog_set_autoload(struct ebpfc_prog *prog, bool autoload)
{
	int err = prog_obj_check(prog, "autoload", true);

	if (!err)
		ebpfc__obj_prog(prog)->autoload = autoload;
	return err;
}

EBPFC_API int ebpfc_prog_set_type(struct ebpfc_prog *prog, __u32 type)
{
	int err = prog_obj_check(prog, "the program type", true);

	if (!err)
		prog->type = type;
	return err;
}

EBPFC_API int ebpfc_prog_set_expected_attach_type(struct ebpfc_prog *prog, __u32 attach_type)
{
	int err = prog_obj_check(prog, "the expected attach type", true);

	if (!err)
		ebpfc__obj_prog(prog)->expected_attach_type = attach_type;
	return err;
}

EBPFC_API int ebpfc_prog_set_attach_target(struct ebpfc_prog *prog, int attach_prog_fd,
					   const char *func)
{
	struct ebpfc__obj_prog *p;
	char *f = NULL;
	int nfd = -1, err = prog_obj_check(prog, "the attach target", true);

	if (err)
		return err;
	p = ebpfc__obj_prog(prog);
	if (func && !(f = strdup(func)))
		return ebpfc__err(ENOMEM, "program '%s': out of memory", prog->name);
	if (attach_prog_fd >= 0) {
		nfd = fcntl(attach_prog_fd, F_DUPFD_CLOEXEC, 3);
		if (nfd < 0) {
			free(f);
			return ebpfc__err(errno, "program '%s': cannot duplicate fd %d: %s",
					  prog->name, attach_prog_fd, ebpfc_strerror(errno));
		}
	}
	ebpfc__close(p->attach_prog_fd);
	free(p->attach_func);
	p->attach_prog_fd = nfd;
	p->attach_func = f;
	return 0;
}

EBPFC_API __u32 ebpfc_prog_expected_attach_type(const struct ebpfc_prog *prog)
{
	return prog->obj ? ebpfc__obj_prog(prog)->expected_attach_type : 0;
}

EBPFC_API int ebpfc_prog_load_result(const struct ebpfc_prog *prog)
{
	return prog->obj ? ebpfc__obj_prog(prog)->load_result : (prog->fd >= 0 ? 0 : 1);
}

EBPFC_API const char *ebpfc_prog_load_errmsg(const struct ebpfc_prog *prog)
{
	const char *m = prog->obj ? ebpfc__obj_prog(prog)->load_errmsg : NULL;

	return m ? m : "";
}
