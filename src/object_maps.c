/*
 * object_maps.c - the maps of an object: BTF-defined maps in ".maps"
 * (the __uint/__type/__array encoding clang leaves in BTF), legacy maps in
 * "maps", and global data sections turned into single-element array maps;
 * then, at load, creating them (or reusing a compatible pin or fd),
 * filling global data, freezing .rodata, memory-mapping data maps and
 * setting the initial slots of prog arrays and map-in-maps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ebpfc/btf.h>
#include "btf.h"
#include "object_int.h"

#define PIN_BY_NAME 1 /* LIBBPF_PIN_BY_NAME in BPF programs */
#define DATA_SECTION_MAX (64u << 20)

void ebpfc__obj_map_free(struct ebpfc__obj_map *m)
{
	if (!m)
		return;
	if (m->mmaped)
		munmap(m->mmaped, m->mmap_sz);
	ebpfc__close(m->m.fd);
	ebpfc__close(m->reuse_fd);
	ebpfc__obj_map_free(m->inner);
	free(m->slots);
	free(m->pin_path);
	free(m->data);
	free(m->m.name);
	free(m);
}

static struct ebpfc__obj_map *map_new(struct ebpfc_object *obj, const char *name)
{
	struct ebpfc__obj_map *m = calloc(1, sizeof(*m));

	if (!m || !(m->m.name = strdup(name))) {
		free(m);
		ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
		return NULL;
	}
	m->m.fd = -1;
	m->m.obj = obj;
	m->reuse_fd = -1;
	return m;
}

static int map_add(struct ebpfc_object *obj, struct ebpfc__obj_map *m)
{
	struct ebpfc__obj_map **n = realloc(obj->maps, (obj->map_cnt + 1) * sizeof(*n));

	if (!n) {
		ebpfc__obj_map_free(m);
		return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
	}
	obj->maps = n;
	obj->maps[obj->map_cnt++] = m;
	return 0;
}

int ebpfc__obj_map_at(const struct ebpfc_object *obj, size_t sec, __u64 off, size_t *idx)
{
	size_t i;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct ebpfc__obj_map *m = obj->maps[i];

		if (m->sec_idx == sec && off >= m->sec_off && off < m->sec_off + (m->sec_size ? m->sec_size : 1)) {
			*idx = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- BTF-defined maps ------------------------------------------------------------------ */

/* __uint(name, N) is `int (*name)[N]`: the number is the array's length. */
static int btf_uint(const struct ebpfc_btf *btf, __u32 type_id, __u64 *val)
{
	const struct btf_type *t;
	struct ebpfc_btf_enum_value ev;
	__u32 id;

	if (ebpfc_btf_resolve(btf, type_id, &id) || ebpfc_btf_type_by_id(btf, id, &t))
		return -EINVAL;
	if (ebpfc_btf_kind(t) == BTF_KIND_PTR) {
		if (ebpfc_btf_resolve(btf, t->type, &id) || ebpfc_btf_type_by_id(btf, id, &t) ||
		    ebpfc_btf_kind(t) != BTF_KIND_ARRAY)
			return -EINVAL;
		*val = ebpfc_btf_array(t)->nelems;
		return 0;
	}
	/* __ulong(name, N): an enum whose one enumerator is N (wide values). */
	if (ebpfc_btf_is_any_enum(t) && ebpfc_btf_vlen(t) == 1 &&
	    ebpfc_btf_enum_value(btf, id, 0, &ev) == 0) {
		*val = ev.value;
		return 0;
	}
	return -EINVAL;
}

/* __type(name, T) is `typeof(T) *name`: the pointee is the type. */
static int btf_pointee(const struct ebpfc_btf *btf, __u32 type_id, __u32 *pointee)
{
	const struct btf_type *t;
	__u32 id;

	if (ebpfc_btf_resolve(btf, type_id, &id) || ebpfc_btf_type_by_id(btf, id, &t) ||
	    ebpfc_btf_kind(t) != BTF_KIND_PTR)
		return -EINVAL;
	*pointee = t->type;
	return 0;
}

static int parse_btf_map_def(struct ebpfc_object *obj, struct ebpfc__obj_map *m, __u32 def_id,
			     bool inner);

/* __array(values, struct inner) is `struct inner *values[]`. */
static int parse_values(struct ebpfc_object *obj, struct ebpfc__obj_map *m, __u32 type_id,
			bool inner)
{
	const struct ebpfc_btf *btf = obj->btf;
	const struct btf_type *t;
	__u32 id, elem;

	if (ebpfc_btf_resolve(btf, type_id, &id) || ebpfc_btf_type_by_id(btf, id, &t) ||
	    ebpfc_btf_kind(t) != BTF_KIND_ARRAY)
		return ebpfc__err(EINVAL, "object '%s': map '%s': 'values' must be an array of "
				  "pointers (__array)", obj->name, m->m.name);
	if (btf_pointee(btf, ebpfc_btf_array(t)->type, &elem))
		return ebpfc__err(EINVAL, "object '%s': map '%s': 'values' must be an array of "
				  "pointers (__array)", obj->name, m->m.name);
	if (ebpfc_btf_resolve(btf, elem, &id) || ebpfc_btf_type_by_id(btf, id, &t))
		return -EINVAL;
	if (m->m.type == BPF_MAP_TYPE_ARRAY_OF_MAPS || m->m.type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		if (inner)
			return ebpfc__err(EINVAL, "object '%s': map '%s': maps of maps of maps are "
					  "not supported by the kernel", obj->name, m->m.name);
		if (ebpfc_btf_kind(t) != BTF_KIND_STRUCT)
			return ebpfc__err(EINVAL, "object '%s': map '%s': 'values' of a map-in-map "
					  "must point to an inner map definition", obj->name, m->m.name);
		m->inner = map_new(obj, m->m.name);
		if (!m->inner)
			return -ENOMEM;
		return parse_btf_map_def(obj, m->inner, id, true);
	}
	if (m->m.type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (ebpfc_btf_kind(t) != BTF_KIND_FUNC_PROTO)
			return ebpfc__err(EINVAL, "object '%s': map '%s': 'values' of a prog array "
					  "must be pointers to functions", obj->name, m->m.name);
		return 0;
	}
	return ebpfc__err(EINVAL, "object '%s': map '%s': only prog arrays and maps of maps "
			  "take 'values'", obj->name, m->m.name);
}

static int parse_btf_map_def(struct ebpfc_object *obj, struct ebpfc__obj_map *m, __u32 def_id,
			     bool inner)
{
	const struct ebpfc_btf *btf = obj->btf;
	struct ebpfc_btf_member_info mem;
	const struct btf_type *t;
	__u32 i, vlen, sz, values_type = 0;
	bool has_values = false;
	__u64 v;
	int err;

	if (ebpfc_btf_type_by_id(btf, def_id, &t) || ebpfc_btf_kind(t) != BTF_KIND_STRUCT)
		return ebpfc__err(EINVAL, "object '%s': map '%s': its definition is not a struct",
				  obj->name, m->m.name);
	vlen = ebpfc_btf_vlen(t);
	for (i = 0; i < vlen; i++) {
		if (ebpfc_btf_member(btf, def_id, i, &mem))
			return -EINVAL;
		if (!strcmp(mem.name, "key") || !strcmp(mem.name, "value")) {
			bool key = mem.name[0] == 'k';
			__u32 pointee;

			if (btf_pointee(btf, mem.type_id, &pointee) ||
			    ebpfc_btf_resolve_size(btf, pointee, &sz))
				return ebpfc__err(EINVAL, "object '%s': map '%s': '%s' must be "
						  "__type(%s, T) with a sized T", obj->name, m->m.name,
						  mem.name, mem.name);
			if (key) {
				m->m.key_size = sz;
				m->btf_key_type_id = pointee;
			} else {
				m->m.value_size = sz;
				m->btf_value_type_id = pointee;
			}
			continue;
		}
		if (!strcmp(mem.name, "values")) {
			has_values = true;
			values_type = mem.type_id;
			m->values_off = mem.bit_offset / 8;
			continue;
		}
		err = btf_uint(btf, mem.type_id, &v);
		if (err)
			return ebpfc__err(EINVAL, "object '%s': map '%s': field '%s' must be "
					  "__uint(%s, N)", obj->name, m->m.name, mem.name, mem.name);
		if (strcmp(mem.name, "map_extra") && v > UINT32_MAX)
			return ebpfc__err(EINVAL, "object '%s': map '%s': %s %llu is out of range",
					  obj->name, m->m.name, mem.name, (unsigned long long)v);
		if (!strcmp(mem.name, "type"))
			m->m.type = v;
		else if (!strcmp(mem.name, "max_entries"))
			m->m.max_entries = v;
		else if (!strcmp(mem.name, "map_flags"))
			m->m.map_flags = v;
		else if (!strcmp(mem.name, "numa_node"))
			m->numa_node = v;
		else if (!strcmp(mem.name, "key_size"))
			m->m.key_size = v;
		else if (!strcmp(mem.name, "value_size"))
			m->m.value_size = v;
		else if (!strcmp(mem.name, "map_extra"))
			m->map_extra = v;
		else if (!strcmp(mem.name, "pinning")) {
			if (v > PIN_BY_NAME)
				return ebpfc__err(EINVAL, "object '%s': map '%s': pinning %llu is "
						  "unknown (0 none, 1 by name)", obj->name, m->m.name,
						  (unsigned long long)v);
			m->pinning = v;
		} else
			return ebpfc__err(EINVAL, "object '%s': map '%s': unknown field '%s' in its "
					  "definition", obj->name, m->m.name, mem.name);
	}
	if (has_values) {
		/* Maps of maps and prog arrays hold ids/fds: 4-byte values. */
		if (!m->m.value_size)
			m->m.value_size = 4;
		err = parse_values(obj, m, values_type, inner);
		if (err)
			return err;
	}
	return ebpfc__map_update_sizes(&m->m);
}

static int collect_btf_maps(struct ebpfc_object *obj, const struct ebpfc__elf_sec *sec)
{
	const struct btf_type *t;
	struct ebpfc_btf_var_info var;
	struct ebpfc__elf_sym sym;
	__u32 sec_id, i, vlen;
	size_t s, nsyms = ebpfc__elf_sym_count(obj->elf);
	int err;

	if (!obj->btf)
		return ebpfc__err(EINVAL, "object '%s': it declares maps in '.maps' but has no BTF "
				  "to describe them: compile with clang -g", obj->name);
	if (ebpfc_btf_find(obj->btf, ".maps", BTF_KIND_DATASEC, &sec_id))
		return ebpfc__err(EINVAL, "object '%s': its BTF has no '.maps' section", obj->name);
	ebpfc_btf_type_by_id(obj->btf, sec_id, &t);
	vlen = ebpfc_btf_vlen(t);
	for (i = 0; i < vlen; i++) {
		struct ebpfc__obj_map *m;
		const struct btf_type *vt;

		if (ebpfc_btf_datasec_var(obj->btf, sec_id, i, &var) ||
		    ebpfc_btf_type_by_id(obj->btf, var.type_id, &vt) ||
		    ebpfc_btf_kind(vt) != BTF_KIND_VAR)
			return ebpfc__err(EINVAL, "object '%s': '.maps' entry %u is not a variable",
					  obj->name, i);
		m = map_new(obj, var.name);
		if (!m)
			return -ENOMEM;
		m->kind = EBPFC__MAP_BTF;
		m->sec_idx = sec->index;
		/* clang leaves datasec offsets to the loader: the symbol table has them. */
		for (s = 1; s < nsyms; s++) {
			if (ebpfc__elf_sym(obj->elf, s, &sym) == 0 && sym.shndx == sec->index &&
			    !strcmp(sym.name, var.name))
				break;
		}
		if (s == nsyms) {
			ebpfc__obj_map_free(m);
			return ebpfc__err(EINVAL, "object '%s': map '%s' has no symbol in '.maps'",
					  obj->name, var.name);
		}
		m->sec_off = sym.value;
		m->sec_size = sym.size;
		err = parse_btf_map_def(obj, m, ebpfc_btf_var(vt) ? vt->type : 0, false);
		if (err) {
			ebpfc__obj_map_free(m);
			return err;
		}
		if (m->pinning == PIN_BY_NAME) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", obj->pin_root, m->m.name);
			m->pin_path = strdup(path);
			if (!m->pin_path) {
				ebpfc__obj_map_free(m);
				return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
			}
		}
		err = map_add(obj, m);
		if (err)
			return err;
	}
	return 0;
}

/* ---- legacy "maps" section ------------------------------------------------------------------ */

static int collect_legacy_maps(struct ebpfc_object *obj, const struct ebpfc__elf_sec *sec)
{
	size_t s, nsyms = ebpfc__elf_sym_count(obj->elf), n = 0, def_sz;
	struct ebpfc__elf_sym sym;
	int err;

	for (s = 1; s < nsyms; s++)
		if (ebpfc__elf_sym(obj->elf, s, &sym) == 0 && sym.shndx == sec->index &&
		    sym.type != STT_SECTION && sym.name[0])
			n++;
	if (!n)
		return 0;
	if (!sec->data)
		return ebpfc__err(EINVAL, "object '%s': 'maps' section holds no bytes (SHT_NOBITS) "
				  "for its %zu map definitions", obj->name, n);
	def_sz = sec->size / n;
	if (def_sz < 5 * sizeof(__u32) || sec->size % n)
		return ebpfc__err(EINVAL, "object '%s': 'maps' section of %llu bytes does not hold %zu "
				  "map definitions of at least 20 bytes", obj->name,
				  (unsigned long long)sec->size, n);
	for (s = 1; s < nsyms; s++) {
		struct ebpfc__obj_map *m;
		__u32 def[5];
		size_t j;

		if (ebpfc__elf_sym(obj->elf, s, &sym) || sym.shndx != sec->index ||
		    sym.type == STT_SECTION || !sym.name[0])
			continue;
		if (sym.value % def_sz || sym.value + def_sz > sec->size)
			return ebpfc__err(EINVAL, "object '%s': legacy map '%s' at offset %llu is not "
					  "on a definition boundary", obj->name, sym.name,
					  (unsigned long long)sym.value);
		for (j = sizeof(def); j < def_sz; j++) {
			if (((const char *)sec->data)[sym.value + j])
				return ebpfc__err(EINVAL, "object '%s': legacy map '%s' uses fields "
						  "past map_flags, which ebpfc does not know",
						  obj->name, sym.name);
		}
		memcpy(def, (const char *)sec->data + sym.value, sizeof(def));
		m = map_new(obj, sym.name);
		if (!m)
			return -ENOMEM;
		m->kind = EBPFC__MAP_LEGACY;
		m->sec_idx = sec->index;
		m->sec_off = sym.value;
		m->sec_size = def_sz;
		m->m.type = def[0];
		m->m.key_size = def[1];
		m->m.value_size = def[2];
		m->m.max_entries = def[3];
		m->m.map_flags = def[4];
		err = ebpfc__map_update_sizes(&m->m);
		if (!err)
			err = map_add(obj, m);
		else
			ebpfc__obj_map_free(m);
		if (err)
			return err;
	}
	return 0;
}

/* ---- global data ------------------------------------------------------------------------ */

static bool data_section(const struct ebpfc__elf_sec *sec, enum ebpfc__map_kind *kind)
{
	static const struct {
		const char *name;
		enum ebpfc__map_kind kind;
	} pfx[] = { { ".rodata", EBPFC__MAP_RODATA }, { ".data", EBPFC__MAP_DATA },
		    { ".bss", EBPFC__MAP_BSS } };
	size_t i, n;

	if (!(sec->flags & SHF_ALLOC) || (sec->flags & SHF_EXECINSTR) || sec->size == 0)
		return false;
	for (i = 0; i < EBPFC__ARRAY_SIZE(pfx); i++) {
		n = strlen(pfx[i].name);
		if (!strncmp(sec->name, pfx[i].name, n) && (sec->name[n] == '\0' || sec->name[n] == '.')) {
			*kind = pfx[i].kind;
			return true;
		}
	}
	return false;
}

static int collect_data_map(struct ebpfc_object *obj, const struct ebpfc__elf_sec *sec,
			    enum ebpfc__map_kind kind)
{
	struct ebpfc__obj_map *m;

	/*
	 * A .bss takes no file bytes, so its size is whatever the header says:
	 * bound every data section by what a kernel array value can hold.
	 */
	if (sec->size > DATA_SECTION_MAX)
		return ebpfc__err(E2BIG, "object '%s': section '%s' is %llu bytes, more than a "
				  "global data map can hold (%u)", obj->name, sec->name,
				  (unsigned long long)sec->size, DATA_SECTION_MAX);
	m = map_new(obj, sec->name);
	if (!m)
		return -ENOMEM;
	m->kind = kind;
	m->sec_idx = sec->index;
	m->sec_size = sec->size;
	m->m.type = BPF_MAP_TYPE_ARRAY;
	m->m.key_size = 4;
	m->m.value_size = sec->size;
	m->m.max_entries = 1;
	m->m.value_buf_size = sec->size;
	if (kind == EBPFC__MAP_RODATA)
		m->m.map_flags = BPF_F_RDONLY_PROG;
	m->data_sz = sec->size;
	m->data = calloc(1, sec->size);
	if (!m->data) {
		ebpfc__obj_map_free(m);
		return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
	}
	if (sec->data && sec->type != SHT_NOBITS)
		memcpy(m->data, sec->data, sec->size);
	return map_add(obj, m);
}

int ebpfc__obj_collect_maps(struct ebpfc_object *obj)
{
	size_t i, n = ebpfc__elf_section_count(obj->elf);
	struct ebpfc__elf_sec sec;
	enum ebpfc__map_kind kind;
	int err = 0;

	for (i = 1; i < n && !err; i++) {
		if (ebpfc__elf_section(obj->elf, i, &sec))
			return -EINVAL;
		if (!strcmp(sec.name, ".maps"))
			err = collect_btf_maps(obj, &sec);
		else if (!strcmp(sec.name, "maps"))
			err = collect_legacy_maps(obj, &sec);
		else if (data_section(&sec, &kind))
			err = collect_data_map(obj, &sec, kind);
	}
	return err;
}

/* Initial slots of prog arrays and map-in-maps: relocations in .rel.maps. */
int ebpfc__obj_collect_map_slots(struct ebpfc_object *obj)
{
	size_t i, j, n = ebpfc__elf_section_count(obj->elf), cnt, idx, code, func;
	struct ebpfc__elf_sec sec, target;
	struct ebpfc__elf_rel rel;
	struct ebpfc__elf_sym sym;
	int err;

	for (i = 1; i < n; i++) {
		if (ebpfc__elf_section(obj->elf, i, &sec) || sec.type != SHT_REL)
			continue;
		if (ebpfc__elf_section(obj->elf, sec.info, &target) || strcmp(target.name, ".maps"))
			continue;
		err = ebpfc__elf_rel_count(obj->elf, i, &cnt);
		if (err)
			return err;
		for (j = 0; j < cnt; j++) {
			struct ebpfc__obj_map *m;
			struct ebpfc__map_slot *slots, slot;
			__u64 rel_off;

			err = ebpfc__elf_rel(obj->elf, i, j, &rel);
			if (!err)
				err = ebpfc__elf_sym(obj->elf, rel.sym, &sym);
			if (err)
				return err;
			if (ebpfc__obj_map_at(obj, target.index, rel.offset, &idx))
				return ebpfc__err(EINVAL, "object '%s': .rel.maps entry %zu at offset "
						  "%llu is outside every map", obj->name, j,
						  (unsigned long long)rel.offset);
			m = obj->maps[idx];
			/* Only these hold fds; their keys are the 4-byte slot numbers. */
			if (m->kind != EBPFC__MAP_BTF ||
			    (m->m.type != BPF_MAP_TYPE_PROG_ARRAY &&
			     m->m.type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
			     m->m.type != BPF_MAP_TYPE_HASH_OF_MAPS))
				return ebpfc__err(EINVAL, "object '%s': map '%s': has an initial value "
						  "(.rel.maps entry %zu), which only prog arrays and "
						  "maps of maps take", obj->name, m->m.name, j);
			if (m->m.key_size != sizeof(__u32))
				return ebpfc__err(EINVAL, "object '%s': map '%s': initial values need "
						  "4-byte keys, not %u", obj->name, m->m.name,
						  m->m.key_size);
			rel_off = rel.offset - m->sec_off;
			if (rel_off < m->values_off || (rel_off - m->values_off) % 8)
				return ebpfc__err(EINVAL, "object '%s': map '%s': initial value at "
						  "offset %llu is not a 'values' slot", obj->name,
						  m->m.name, (unsigned long long)rel_off);
			slot.index = (rel_off - m->values_off) / 8;
			if (slot.index >= m->m.max_entries)
				return ebpfc__err(EINVAL, "object '%s': map '%s': initial slot %u is past "
						  "max_entries %u", obj->name, m->m.name, slot.index,
						  m->m.max_entries);
			if (m->m.type == BPF_MAP_TYPE_PROG_ARRAY) {
				size_t p;

				if (ebpfc__obj_code_by_sec(obj, sym.shndx, &code) ||
				    ebpfc__obj_func_at(obj, code, sym.value / 8, &func))
					return ebpfc__err(EINVAL, "object '%s': map '%s': slot %u names "
							  "'%s', which is not a program", obj->name,
							  m->m.name, slot.index, sym.name);
				for (p = 0; p < obj->prog_cnt && obj->progs[p]->func != func; p++)
					;
				if (p == obj->prog_cnt)
					return ebpfc__err(EINVAL, "object '%s': map '%s': slot %u names "
							  "'%s', a subprogram, not a program",
							  obj->name, m->m.name, slot.index, sym.name);
				slot.is_prog = true;
				slot.target = p;
			} else {
				if (sym.shndx != target.index ||
				    ebpfc__obj_map_at(obj, target.index, sym.value, &slot.target))
					return ebpfc__err(EINVAL, "object '%s': map '%s': slot %u names "
							  "'%s', which is not a map", obj->name,
							  m->m.name, slot.index, sym.name);
				slot.is_prog = false;
			}
			slots = realloc(m->slots, (m->slot_cnt + 1) * sizeof(*slots));
			if (!slots)
				return ebpfc__err(ENOMEM, "object '%s': out of memory", obj->name);
			m->slots = slots;
			m->slots[m->slot_cnt++] = slot;
		}
	}
	return 0;
}

/* ---- creating maps at load ------------------------------------------------------------ */

/* Same type, sizes and flags, or an error naming what differs. */
static int check_compatible(const struct ebpfc_object *obj, const struct ebpfc__obj_map *m,
			    int fd, const char *where)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	const char *what = NULL;
	unsigned long long have = 0, want = 0;
	int err;

	memset(&info, 0, sizeof(info));
	err = ebpfc_sys_obj_get_info(fd, &info, &len);
	if (err)
		return ebpfc__err(err, "object '%s': map '%s': %s is not a map", obj->name,
				  m->m.name, where);
	if (info.type != m->m.type)
		what = "type", have = info.type, want = m->m.type;
	else if (info.key_size != m->m.key_size)
		what = "key_size", have = info.key_size, want = m->m.key_size;
	else if (info.value_size != m->m.value_size)
		what = "value_size", have = info.value_size, want = m->m.value_size;
	else if (info.max_entries != m->m.max_entries)
		what = "max_entries", have = info.max_entries, want = m->m.max_entries;
	else if (info.map_flags != m->m.map_flags)
		what = "map_flags", have = info.map_flags, want = m->m.map_flags;
	if (what)
		return ebpfc__err(EEXIST,
				  "object '%s': map '%s': %s is incompatible: %s is %llu there, %llu "
				  "here; remove it or change the map",
				  obj->name, m->m.name, where, what, have, want);
	return 0;
}

/* The kernel's name for an internal map: "<object prefix><section>". */
static void data_map_kernel_name(const struct ebpfc_object *obj, const struct ebpfc__obj_map *m,
				 char *out, size_t outsz)
{
	size_t pfx = strlen(obj->name), i, o = 0;
	const char *sec = m->m.name;

	if (pfx > 8)
		pfx = 8;
	if (pfx + strlen(sec) > outsz - 1)
		pfx = strlen(sec) >= outsz - 1 ? 0 : outsz - 1 - strlen(sec);
	for (i = 0; i < pfx && o < outsz - 1; i++) {
		char c = obj->name[i];

		if (c == '.')
			break;
		out[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
	}
	for (i = 0; sec[i] && o < outsz - 1; i++)
		out[o++] = sec[i];
	out[o] = '\0';
}

/*
 * Create the kernel map. A global data map (kname: its kernel name) is
 * asked to be mmapable first, so that globals are shared live, and made
 * without that on kernels that refuse it.
 */
static int create_kernel_map(struct ebpfc__obj_map *m, struct ebpfc_map_create_opts *o,
			     char *kname)
{
	char *saved = m->m.name;
	int err;

	if (!kname)
		return ebpfc__map_create_fd(&m->m, o);
	m->m.name = kname;
	o->map_flags |= BPF_F_MMAPABLE;
	err = ebpfc__map_create_fd(&m->m, o);
	if (err == -EINVAL) {
		o->map_flags &= ~BPF_F_MMAPABLE;
		err = ebpfc__map_create_fd(&m->m, o);
	}
	m->m.name = saved;
	if (!err)
		m->m.map_flags = o->map_flags;
	return err;
}

static int create_one(struct ebpfc_object *obj, struct ebpfc__obj_map *m, int inner_fd)
{
	EBPFC_OPTS(ebpfc_map_create_opts, o, .map_flags = m->m.map_flags,
		   .numa_node = m->numa_node, .map_extra = m->map_extra,
		   .inner_map_fd = inner_fd > 0 ? inner_fd : 0);
	char kname[16];
	bool data = ebpfc__map_kind_data(m->kind);
	__u32 sec_id;
	int err;

	/* As libbpf does: a perf event array sized 0 gets one slot per possible CPU. */
	if (m->m.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !m->m.max_entries) {
		char msg[512];

		err = ebpfc__num_possible_cpus();
		if (err < 0) {
			ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
			return ebpfc__err(err, "object '%s': map '%s': sizing a perf event array: %s",
					  obj->name, m->m.name, msg);
		}
		m->m.max_entries = (__u32)err;
	}

	/* Typed keys and values where the object's BTF made it into the kernel. */
	if (obj->btf_fd >= 0) {
		o.btf_fd = obj->btf_fd;
		o.btf_key_type_id = m->btf_key_type_id;
		o.btf_value_type_id = m->btf_value_type_id;
		if (data && ebpfc_btf_find(obj->btf, m->m.name, BTF_KIND_DATASEC, &sec_id) == 0)
			o.btf_value_type_id = sec_id;
		if (!o.btf_key_type_id && !o.btf_value_type_id)
			o.btf_fd = 0;
	}

	if (data)
		data_map_kernel_name(obj, m, kname, sizeof(kname));
	err = create_kernel_map(m, &o, data ? kname : NULL);
	if (err && err != -EPERM && o.btf_fd) {
		/*
		 * Some map types refuse BTF (EINVAL), or refuse it with ENOTSUPP
		 * (cgroup_array, perf_event_array...): BTF is a nicety here.
		 */
		ebpfc__log(obj->log_fn, obj->log_user, EBPFC_LOG_INFO,
			   "object '%s': map '%s': created without BTF types (%s)", obj->name,
			   m->m.name, ebpfc_errmsg());
		o.btf_fd = 0;
		o.btf_key_type_id = o.btf_value_type_id = 0;
		err = create_kernel_map(m, &o, data ? kname : NULL);
	}
	if (err) {
		char msg[768];

		ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
		return ebpfc__err(err, "object '%s': %s", obj->name, msg);
	}
	return 0;
}

static int fill_data_map(struct ebpfc_object *obj, struct ebpfc__obj_map *m)
{
	__u32 zero = 0;
	long page = sysconf(_SC_PAGESIZE);
	int err, prot;

	err = ebpfc_sys_map_update(m->m.fd, &zero, m->data, 0);
	if (err)
		return ebpfc__err(err, "object '%s': map '%s': cannot set its initial contents: %s",
				  obj->name, m->m.name, ebpfc_strerror(err));
	if (ebpfc__map_kind_readonly(m->kind)) {
		err = ebpfc_sys_map_freeze(m->m.fd);
		if (err)
			return ebpfc__err(err, "object '%s': map '%s': cannot freeze it: %s",
					  obj->name, m->m.name, ebpfc_strerror(err));
	}
	if (!(m->m.map_flags & BPF_F_MMAPABLE))
		return 0;
	prot = ebpfc__map_kind_readonly(m->kind) ? PROT_READ : PROT_READ | PROT_WRITE;
	m->mmap_sz = EBPFC__ROUND_UP(m->data_sz, (size_t)page);
	m->mmaped = mmap(NULL, m->mmap_sz, prot, MAP_SHARED, m->m.fd, 0);
	if (m->mmaped == MAP_FAILED) {
		m->mmaped = NULL;
		return ebpfc__err(errno, "object '%s': map '%s': cannot mmap it: %s", obj->name,
				  m->m.name, ebpfc_strerror(errno));
	}
	return 0;
}

static int create_map(struct ebpfc_object *obj, struct ebpfc__obj_map *m)
{
	int err, fd, inner_fd = -1;

	if (m->reuse_fd >= 0) {
		err = check_compatible(obj, m, m->reuse_fd, "the map given to ebpfc_map_reuse_fd()");
		if (err)
			return err;
		m->m.fd = m->reuse_fd;
		m->reuse_fd = -1;
		return 0;
	}
	if (m->pin_path) {
		err = ebpfc_sys_obj_get(m->pin_path, 0, &fd);
		if (!err) {
			char where[4200];

			snprintf(where, sizeof(where), "the map pinned at %s", m->pin_path);
			err = check_compatible(obj, m, fd, where);
			if (err) {
				ebpfc__close(fd);
				return err;
			}
			m->m.fd = fd;
			m->pinned_reused = true;
			ebpfc__log(obj->log_fn, obj->log_user, EBPFC_LOG_INFO,
				   "object '%s': map '%s': reusing %s", obj->name, m->m.name,
				   m->pin_path);
			return 0;
		}
		if (err != -ENOENT)
			return ebpfc__err(err, "object '%s': map '%s': cannot open its pin %s: %s",
					  obj->name, m->m.name, m->pin_path, ebpfc_strerror(err));
	}
	if (m->inner) {
		err = create_one(obj, m->inner, -1);
		if (err)
			return err;
		inner_fd = m->inner->m.fd;
	}
	err = create_one(obj, m, inner_fd);
	if (m->inner) {
		/* The template only told the kernel what inner maps look like. */
		ebpfc__close(m->inner->m.fd);
		m->inner->m.fd = -1;
	}
	if (err)
		return err;
	if (m->data) {
		err = fill_data_map(obj, m);
		if (err)
			return err;
	}
	if (m->pin_path) {
		err = ebpfc_map_pin(&m->m, m->pin_path);
		if (err) {
			char msg[768];

			ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
			return ebpfc__err(err, "object '%s': %s", obj->name, msg);
		}
	}
	return 0;
}

int ebpfc__obj_create_maps(struct ebpfc_object *obj)
{
	size_t i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		err = create_map(obj, obj->maps[i]);
		if (err)
			return err;
	}
	return 0;
}

int ebpfc__obj_fill_map_slots(struct ebpfc_object *obj)
{
	size_t i, j;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		struct ebpfc__obj_map *m = obj->maps[i];

		for (j = 0; j < m->slot_cnt; j++) {
			const struct ebpfc__map_slot *s = &m->slots[j];
			int fd = s->is_prog ? obj->progs[s->target]->p.fd : obj->maps[s->target]->m.fd;
			const char *tname = s->is_prog ? obj->progs[s->target]->p.name
						       : obj->maps[s->target]->m.name;

			if (fd < 0) {
				ebpfc__log(obj->log_fn, obj->log_user, EBPFC_LOG_INFO,
					   "object '%s': map '%s': slot %u left empty: '%s' is not "
					   "loaded", obj->name, m->m.name, s->index, tname);
				continue;
			}
			err = ebpfc_sys_map_update(m->m.fd, &s->index, &fd, 0);
			if (err)
				return ebpfc__err(err, "object '%s': map '%s': cannot put '%s' in slot "
						  "%u: %s", obj->name, m->m.name, tname, s->index,
						  ebpfc_strerror(err));
		}
	}
	return 0;
}

/* ---- configuring maps before load ----------------------------------------------------------- */

static int map_cfg_check(const struct ebpfc_map *map, const char *what)
{
	if (!map->obj)
		return ebpfc__err(EINVAL, "map '%s': %s: only maps of an object can be configured",
				  map->name, what);
	if (map->obj->load_tried)
		return ebpfc__err(EBUSY, "map '%s': %s must be set before the object is loaded",
				  map->name, what);
	return 0;
}

EBPFC_API int ebpfc_map_set_max_entries(struct ebpfc_map *map, __u32 max_entries)
{
	int err = map_cfg_check(map, "max_entries");

	if (err)
		return err;
	if (ebpfc__obj_map(map)->data)
		return ebpfc__err(EINVAL, "map '%s': global data maps have exactly one entry",
				  map->name);
	map->max_entries = max_entries;
	return 0;
}

EBPFC_API int ebpfc_map_set_value_size(struct ebpfc_map *map, __u32 value_size)
{
	struct ebpfc__obj_map *m;
	int err = map_cfg_check(map, "value_size");

	if (err)
		return err;
	m = ebpfc__obj_map(map);
	if (m->data) {
		/* A data section may grow (a trailing array sized at run time), never shrink. */
		void *nd;

		if (value_size < m->data_sz)
			return ebpfc__err(EINVAL, "map '%s': cannot shrink a global data section below "
					  "its %zu bytes", map->name, m->data_sz);
		nd = realloc(m->data, value_size);
		if (!nd)
			return ebpfc__err(ENOMEM, "map '%s': out of memory", map->name);
		memset((char *)nd + m->data_sz, 0, value_size - m->data_sz);
		m->data = nd;
		m->data_sz = value_size;
	}
	map->value_size = value_size;
	return ebpfc__map_update_sizes(map);
}

EBPFC_API int ebpfc_map_reuse_fd(struct ebpfc_map *map, int fd)
{
	struct ebpfc__obj_map *m;
	int nfd, err = map_cfg_check(map, "reuse_fd");

	if (err)
		return err;
	m = ebpfc__obj_map(map);
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return ebpfc__err(errno, "map '%s': cannot duplicate fd %d: %s", map->name, fd,
				  ebpfc_strerror(errno));
	ebpfc__close(m->reuse_fd);
	m->reuse_fd = nfd;
	return 0;
}

EBPFC_API int ebpfc_map_set_pin_path(struct ebpfc_map *map, const char *path)
{
	struct ebpfc__obj_map *m;
	char *p = NULL;
	int err = map_cfg_check(map, "pin path");

	if (err)
		return err;
	m = ebpfc__obj_map(map);
	if (path && !(p = strdup(path)))
		return ebpfc__err(ENOMEM, "map '%s': out of memory", map->name);
	free(m->pin_path);
	m->pin_path = p;
	return 0;
}

EBPFC_API const char *ebpfc_map_pin_path(const struct ebpfc_map *map)
{
	const char *p = map->obj ? ebpfc__obj_map(map)->pin_path : NULL;

	return p ? p : "";
}

EBPFC_API int ebpfc_map_initial_value(const struct ebpfc_map *map, void **data, size_t *size)
{
	struct ebpfc__obj_map *m = map->obj ? ebpfc__obj_map(map) : NULL;

	if (!m || !m->data)
		return ebpfc__err(EINVAL, "map '%s': not a global data map", map->name);
	*data = m->data;
	*size = m->data_sz;
	return 0;
}
