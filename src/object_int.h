/*
 * object_int.h - the object model shared by object.c (open, accessors),
 * object_maps.c (map declarations and creation), reloc.c (relocations and
 * subprogram linking) and object_load.c (the load sequence).
 */
#ifndef EBPFC_OBJECT_INT_H
#define EBPFC_OBJECT_INT_H

#include <ebpfc/object.h>
#include "elf.h"
#include "kmod_btf.h"
#include "internal.h"
#include "map_int.h"
#include "prog_int.h"
#include "section.h"

#define EBPFC__CONTAINER_OF(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct ebpfc_btf;
struct ebpfc__btf_ext;
struct ebpfc__core_ctx;

/* What a relocated instruction refers to. */
enum ebpfc__relo_kind {
	EBPFC__RELO_MAP,	/* ld_imm64 of a map: the map's fd */
	EBPFC__RELO_DATA,	/* ld_imm64 of a global variable: map fd + offset */
	EBPFC__RELO_CALL,	/* bpf-to-bpf call */
	EBPFC__RELO_FUNC,	/* ld_imm64 of a function's address (callbacks) */
	EBPFC__RELO_EXTERN,	/* an undefined symbol: .kconfig, .ksyms, kfunc */
};

struct ebpfc__relo {
	size_t insn;		/* instruction index in its section */
	enum ebpfc__relo_kind kind;
	size_t map;		/* MAP, DATA: index in obj->maps; EXTERN: in obj->externs */
	__u32 off;		/* DATA: byte offset in the map's value */
	size_t target_sec;	/* CALL, FUNC: section of the target */
	size_t target_insn;	/* CALL, FUNC: instruction index there */
	const char *sym;	/* the symbol, for messages */
};

/* An executable section: its instructions and their relocations. */
struct ebpfc__code_sec {
	size_t sec_idx;
	const char *name;
	const struct bpf_insn *insns;	/* in the object's copy of the file */
	size_t insn_cnt;
	struct ebpfc__relo *relos;	/* sorted by insn */
	size_t relo_cnt;
};

/* A function: a program entry point or a subprogram. */
struct ebpfc__func {
	const char *name;
	size_t code;		/* index in obj->code */
	size_t start;		/* first instruction in the section */
	size_t cnt;
	bool is_entry;
};

enum ebpfc__map_kind {
	EBPFC__MAP_BTF,		/* declared in .maps */
	EBPFC__MAP_LEGACY,	/* declared in the "maps" section */
	EBPFC__MAP_DATA,	/* .data, .data.* */
	EBPFC__MAP_RODATA,	/* .rodata, .rodata.* */
	EBPFC__MAP_BSS,		/* .bss, .bss.* */
	EBPFC__MAP_KCONFIG,	/* the values of .kconfig externs */
};

/* Read-only for programs and frozen after load. */
static inline bool ebpfc__map_kind_readonly(enum ebpfc__map_kind k)
{
	return k == EBPFC__MAP_RODATA || k == EBPFC__MAP_KCONFIG;
}

/* An internal map holding the bytes of a data section or of externs. */
static inline bool ebpfc__map_kind_data(enum ebpfc__map_kind k)
{
	return k == EBPFC__MAP_DATA || k == EBPFC__MAP_RODATA || k == EBPFC__MAP_BSS ||
	       k == EBPFC__MAP_KCONFIG;
}

enum ebpfc__ext_kind {
	EBPFC__EXT_KCONFIG,	/* extern ... __kconfig: a value in the .kconfig map */
	EBPFC__EXT_KSYM,	/* extern ... __ksym variable: a kernel address or BTF id */
	EBPFC__EXT_KFUNC,	/* extern function __ksym: a kernel function (kfunc) */
};

/* An undefined symbol the loader provides. */
struct ebpfc__extern {
	const char *name;
	enum ebpfc__ext_kind kind;
	__u32 btf_id;		/* its VAR or FUNC in the object's BTF */
	__u32 off, size;	/* KCONFIG: its place in the .kconfig map */
	bool weak;
	bool typeless;		/* KSYM `extern const void x __ksym`: an address */
	bool found;		/* resolved against the kernel (false: weak and absent) */
	__u64 addr;		/* typeless KSYM */
	__u32 kernel_btf_id;	/* typed KSYM, KFUNC */
	int btf_obj_fd;		/* > 0: the module BTF kernel_btf_id is from */
};

/* An initial slot value of a prog array or map-in-map, from .rel.maps. */
struct ebpfc__map_slot {
	__u32 index;
	bool is_prog;
	size_t target;		/* index in obj->progs or obj->maps */
};

struct ebpfc__obj_map {
	struct ebpfc_map m;		/* first: the public handle */
	enum ebpfc__map_kind kind;
	size_t sec_idx;
	__u64 sec_off;			/* of its definition in .maps / maps */
	__u64 sec_size;
	__u32 numa_node;
	__u64 map_extra;
	__u32 pinning;			/* 0 none, 1 by name */
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 values_off;		/* byte offset of the `values` member in the definition */
	struct ebpfc__obj_map *inner;	/* template of a map-in-map's inner maps */
	struct ebpfc__map_slot *slots;
	size_t slot_cnt;
	char *pin_path;
	int reuse_fd;			/* -1 unless ebpfc_map_reuse_fd() */
	bool pinned_reused;		/* load found a compatible pin */
	void *data;			/* global data: initial contents */
	size_t data_sz;
	void *mmaped;			/* global data after load, when mmapable */
	size_t mmap_sz;
};

struct ebpfc__obj_prog {
	struct ebpfc_prog p;		/* first: the public handle */
	char *sec_name;
	const struct ebpfc__sec_def *def;
	const char *attach_target;	/* in sec_name, after the prefix */
	size_t func;			/* index in obj->funcs */
	__u32 expected_attach_type;
	__u32 prog_flags;
	bool autoload;
	int attach_prog_fd;		/* freplace / fentry on a BPF program: its fd (owned) */
	char *attach_func;		/* ... and the function there */
	int load_result;		/* 0, 1 (not loaded), -errno */
	char *load_errmsg;
};

struct ebpfc_object {
	char *name;
	char *path;
	void *buf;			/* our copy of the file; the ELF reader points into it */
	size_t buf_sz;
	struct ebpfc__elf *elf;
	struct ebpfc_btf *btf;		/* .BTF, or NULL */
	struct ebpfc__btf_ext *btf_ext;	/* .BTF.ext, or NULL */
	int btf_fd;			/* the BTF in the kernel, -1 if none */
	char license[128];
	__u32 kversion;
	char *pin_root;
	char *btf_path;			/* kernel BTF to use instead of the running kernel's */
	struct ebpfc_btf *kbtf;		/* the kernel's BTF, opened on first need */
	bool kbtf_given;		/* ... or given by the caller (opts.target_btf) */
	struct ebpfc__core_ctx *core;	/* CO-RE state, made for the first relocation */
	struct ebpfc__kmods kmods;	/* module BTF, opened when vmlinux lacks a name */
	bool kmods_open;
	ebpfc_log_fn log_fn;
	void *log_user;

	struct ebpfc__code_sec *code;
	size_t code_cnt;
	struct ebpfc__func *funcs;	/* sorted by (code, start) */
	size_t func_cnt;
	struct ebpfc__obj_prog **progs;
	size_t prog_cnt;
	struct ebpfc__obj_map **maps;
	size_t map_cnt;
	struct ebpfc__extern *externs;
	size_t extern_cnt;
	size_t kconfig_map;		/* index in maps, or SIZE_MAX */
	char *kconfig_text;		/* opts.kconfig */
	bool loaded;
	bool load_tried;
};

static inline struct ebpfc__obj_prog *ebpfc__obj_prog(const struct ebpfc_prog *p)
{
	return EBPFC__CONTAINER_OF(p, struct ebpfc__obj_prog, p);
}

static inline struct ebpfc__obj_map *ebpfc__obj_map(const struct ebpfc_map *m)
{
	return EBPFC__CONTAINER_OF(m, struct ebpfc__obj_map, m);
}

/* object_maps.c */
EBPFC__HIDDEN int ebpfc__obj_collect_maps(struct ebpfc_object *obj);
EBPFC__HIDDEN int ebpfc__obj_collect_map_slots(struct ebpfc_object *obj);
EBPFC__HIDDEN int ebpfc__obj_create_maps(struct ebpfc_object *obj);
EBPFC__HIDDEN int ebpfc__obj_fill_map_slots(struct ebpfc_object *obj);
EBPFC__HIDDEN void ebpfc__obj_map_free(struct ebpfc__obj_map *m);
/* Index of the map whose definition covers offset `off` of section `sec`. */
EBPFC__HIDDEN int ebpfc__obj_map_at(const struct ebpfc_object *obj, size_t sec, __u64 off,
				    size_t *idx);

/* externs.c */
EBPFC__HIDDEN int ebpfc__obj_collect_externs(struct ebpfc_object *obj);
/* After the BTF fixups: .kconfig offsets and the map holding their values. */
EBPFC__HIDDEN int ebpfc__obj_place_externs(struct ebpfc_object *obj);
EBPFC__HIDDEN int ebpfc__obj_resolve_externs(struct ebpfc_object *obj);
EBPFC__HIDDEN int ebpfc__obj_find_extern(const struct ebpfc_object *obj, const char *name,
					 size_t *idx);

/* reloc.c */
EBPFC__HIDDEN int ebpfc__obj_collect_relos(struct ebpfc_object *obj);
/* Find the function that starts at instruction `insn` of code section `code`. */
EBPFC__HIDDEN int ebpfc__obj_func_at(const struct ebpfc_object *obj, size_t code, size_t insn,
				     size_t *func);
/*
 * Where the functions of program `prog` land in its linked form: the entry
 * function first, then every subprogram it reaches, breadth first.
 * *order (n entries) lists indices in obj->funcs in that order; *pos
 * (obj->func_cnt entries) gives each placed function's first instruction
 * in the program, SIZE_MAX for the others; *total is the instruction count.
 * The caller frees both arrays.
 */
EBPFC__HIDDEN int ebpfc__obj_prog_layout(const struct ebpfc_object *obj,
					 const struct ebpfc__obj_prog *prog, size_t **order,
					 size_t **pos, size_t *n, size_t *total);
/* A program ready for the kernel: instructions and their BTF info. */
struct ebpfc__linked {
	struct bpf_insn *insns;
	size_t cnt;
	struct bpf_func_info *func_info;	/* NULL when the object has none */
	__u32 func_cnt;
	struct bpf_line_info *line_info;
	__u32 line_cnt;
	int *fd_array;		/* module BTF fds of kfunc calls (insn off indexes it) */
	__u32 fd_cnt;
};

/*
 * Program `prog` with its subprograms appended and every relocation applied
 * (maps must have fds), with func and line info moved to the new places.
 * Free with ebpfc__linked_free().
 */
EBPFC__HIDDEN int ebpfc__obj_link_prog(struct ebpfc_object *obj,
				       const struct ebpfc__obj_prog *prog,
				       struct ebpfc__linked *out);
EBPFC__HIDDEN void ebpfc__linked_free(struct ebpfc__linked *l);

/* object.c */
/* The target kernel's BTF (opts.btf_path, or the running kernel's), opened once. */
EBPFC__HIDDEN int ebpfc__obj_kernel_btf(struct ebpfc_object *obj, struct ebpfc_btf **btf);
/*
 * Find a kernel type by name and kind: in vmlinux, then (for the running
 * kernel) in module BTF. *btf_obj_fd is 0 for vmlinux, else the module's
 * BTF fd (owned by the object). -ENOENT without a message when absent.
 */
EBPFC__HIDDEN int ebpfc__obj_kernel_find(struct ebpfc_object *obj, const char *name,
					 unsigned int kind, __u32 *id, int *btf_obj_fd);
/* The loaded modules' BTF (empty with opts.btf_path, or without modules). */
EBPFC__HIDDEN struct ebpfc__kmods *ebpfc__obj_kmods(struct ebpfc_object *obj);
EBPFC__HIDDEN int ebpfc__obj_code_by_sec(const struct ebpfc_object *obj, size_t sec_idx,
					 size_t *code);

#endif /* EBPFC_OBJECT_INT_H */
