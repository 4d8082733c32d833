/*
 * ebpfc/object.h - BPF ELF objects as clang produces them: open (parse
 * only), configure, load (maps, global data, relocations, verifier), and
 * reach the programs, maps and global variables inside.
 *
 * Lifecycle: ebpfc_object_open_file()/_mem() -> configure (autoload,
 * program types, map sizes, rodata values, pinning) -> ebpfc_object_load()
 * -> attach programs -> ebpfc_object_destroy(). The object owns its maps
 * and programs: their handles stay valid until the object is destroyed,
 * and ebpfc_map_destroy()/ebpfc_prog_destroy() on them do nothing.
 */
#ifndef EBPFC_OBJECT_H
#define EBPFC_OBJECT_H

#include <stdbool.h>
#include <linux/types.h>
#include <ebpfc/common.h>
#include <ebpfc/map.h>
#include <ebpfc/prog.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfc_object;
struct ebpfc_btf;

struct ebpfc_object_open_opts {
	size_t sz;
	/* Name used in messages and map names; default: the file's base name. */
	const char *object_name;
	/* Where maps with pinning = LIBBPF_PIN_BY_NAME live (default /sys/fs/bpf). */
	const char *pin_root;
	/*
	 * Kernel BTF for CO-RE instead of /sys/kernel/btf/vmlinux: a raw BTF
	 * file, or an ELF file with a .BTF section such as a vmlinux.
	 */
	const char *btf_path;
	/* Kernel config text ("CONFIG_X=y" lines) instead of the running kernel's. */
	const char *kconfig;
	/* Log callback for this object (default: silent). */
	ebpfc_log_fn log_fn;
	void *log_user;
	/*
	 * Kernel BTF already opened by the caller (shared between objects
	 * without reading it again); takes precedence over btf_path. The
	 * object takes its own reference.
	 */
	const struct ebpfc_btf *target_btf;
};

/* Parse an object file. Nothing touches the kernel until load. */
EBPFC_API int ebpfc_object_open_file(const char *path, const struct ebpfc_object_open_opts *opts,
				     struct ebpfc_object **obj);
/* Parse an object in memory; the bytes are copied, the caller keeps its buffer. */
EBPFC_API int ebpfc_object_open_mem(const void *data, size_t size,
				    const struct ebpfc_object_open_opts *opts,
				    struct ebpfc_object **obj);

struct ebpfc_object_load_opts {
	size_t sz;
	/* Verifier log level for every program (0: a log only on failure). */
	__u32 log_level;
	/* Cap for each program's growing log (default 16 MiB). */
	__u32 log_size_max;
	/*
	 * Load every program the kernel accepts even if some are rejected; the
	 * call still returns the first failure, each failed program keeps its
	 * error (ebpfc_prog_load_result/_errmsg) and its verifier log.
	 */
	bool isolate;
};

/* Create maps, relocate and load programs. A second call is an error. */
EBPFC_API int ebpfc_object_load(struct ebpfc_object *obj, const struct ebpfc_object_load_opts *opts);

/* Close every fd the object opened and free it. NULL is a no-op. */
EBPFC_API void ebpfc_object_destroy(struct ebpfc_object *obj);

EBPFC_API const char *ebpfc_object_name(const struct ebpfc_object *obj);
EBPFC_API const char *ebpfc_object_license(const struct ebpfc_object *obj);
EBPFC_API __u32 ebpfc_object_kversion(const struct ebpfc_object *obj);
EBPFC_API bool ebpfc_object_loaded(const struct ebpfc_object *obj);

/*
 * The object's own BTF (.BTF section), valid until the object is destroyed;
 * -ENOENT when it has none (compiled without -g).
 */
EBPFC_API int ebpfc_object_btf(const struct ebpfc_object *obj, const struct ebpfc_btf **btf);

/* Programs: count, by index (idx < count, never NULL), by function name. */
EBPFC_API size_t ebpfc_object_prog_count(const struct ebpfc_object *obj);
EBPFC_API struct ebpfc_prog *ebpfc_object_prog_at(const struct ebpfc_object *obj, size_t idx);
EBPFC_API int ebpfc_object_find_prog(const struct ebpfc_object *obj, const char *name,
				     struct ebpfc_prog **prog);

/* Maps, including the internal ones for .data, .rodata, .bss and .kconfig. */
EBPFC_API size_t ebpfc_object_map_count(const struct ebpfc_object *obj);
EBPFC_API struct ebpfc_map *ebpfc_object_map_at(const struct ebpfc_object *obj, size_t idx);
/* By name: a map's name, or a data section's name (".rodata", ".data.cfg"). */
EBPFC_API int ebpfc_object_find_map(const struct ebpfc_object *obj, const char *name,
				    struct ebpfc_map **map);

/*
 * Global variables. ebpfc_object_global() finds a variable by name and
 * gives its address and size: before load, in the object's copy of the
 * section (write to it to configure the program); after load, in the
 * memory-mapped map (read-only for .rodata; .data and .bss are shared
 * live with the programs where the kernel can mmap array maps).
 * ebpfc_object_global_set()/_get() copy with a size check.
 */
EBPFC_API int ebpfc_object_global(const struct ebpfc_object *obj, const char *name, void **addr,
				  size_t *size);
EBPFC_API int ebpfc_object_global_set(struct ebpfc_object *obj, const char *name,
				      const void *value, size_t size);
EBPFC_API int ebpfc_object_global_get(const struct ebpfc_object *obj, const char *name,
				      void *value, size_t size);

/* ---- programs inside an object --------------------------------------------------- */

EBPFC_API const char *ebpfc_prog_section(const struct ebpfc_prog *prog);
/* Instructions of the program itself (subprograms are added at load). */
EBPFC_API size_t ebpfc_prog_insn_count(const struct ebpfc_prog *prog);
EBPFC_API bool ebpfc_prog_autoload(const struct ebpfc_prog *prog);
/* Before load: whether ebpfc_object_load() loads this program. */
EBPFC_API int ebpfc_prog_set_autoload(struct ebpfc_prog *prog, bool autoload);
/* Before load: override the type and expected attach type from the section. */
EBPFC_API int ebpfc_prog_set_type(struct ebpfc_prog *prog, __u32 prog_type);
EBPFC_API int ebpfc_prog_set_expected_attach_type(struct ebpfc_prog *prog, __u32 attach_type);
EBPFC_API __u32 ebpfc_prog_expected_attach_type(const struct ebpfc_prog *prog);
/*
 * Before load: what a tracing program attaches to. With attach_prog_fd >= 0
 * (freplace, or fentry/fexit on a BPF program), func is a function of that
 * program (a dup of the fd is kept); with -1, func is a kernel function that
 * replaces the one named in the section ("fentry/do_unlinkat").
 */
EBPFC_API int ebpfc_prog_set_attach_target(struct ebpfc_prog *prog, int attach_prog_fd,
					   const char *func);
/*
 * After ebpfc_object_load(): 0 if the program loaded, 1 if it was not asked
 * to load (autoload off), or the negative errno of its failure, whose
 * message ebpfc_prog_load_errmsg() keeps ("" otherwise).
 */
EBPFC_API int ebpfc_prog_load_result(const struct ebpfc_prog *prog);
EBPFC_API const char *ebpfc_prog_load_errmsg(const struct ebpfc_prog *prog);

/* ---- CO-RE check: will this object run on that kernel? ------------------------------ */

enum ebpfc_core_check_status {
	/* The relocation resolves: the instruction would carry target_val. */
	EBPFC_CORE_RESOLVED = 0,
	/*
	 * The target lacks what it needs (a field, a type, an enum value): the
	 * instruction would be poisoned, and the program fails to load only if
	 * the verifier reaches it (code guarded by bpf_core_field_exists() and
	 * the like never does).
	 */
	EBPFC_CORE_MISSING = 1,
	/*
	 * It cannot be applied at all (candidates in the target that disagree,
	 * a malformed record, a value that does not fit the instruction): the
	 * program would fail to load.
	 */
	EBPFC_CORE_ERROR = 2,
};

/* One CO-RE relocation of one program, as ebpfc_object_core_check() reports it. */
struct ebpfc_core_check_result {
	const struct ebpfc_prog *prog;
	const char *section;	/* ELF section of the function holding the relocation */
	const char *func;	/* that function: the program's own, or a subprogram */
	size_t relo_idx;	/* record number among the section's CO-RE records */
	size_t insn_idx;	/* instruction in the linked program, as the verifier counts */
	const char *kind;	/* "byte_off", "field_exists", "type_size", "enumval_value"... */
	/*
	 * The access in C syntax, from the object's BTF: "task_struct.real_parent",
	 * "struct task_struct", "enum pid_type::PIDTYPE_TGID".
	 */
	const char *access;
	enum ebpfc_core_check_status status;
	__u64 local_val;	/* the value compiled in (what the object's BTF gives) */
	__u64 target_val;	/* RESOLVED: the value on the target */
	__u32 cand_cnt;		/* target types that matched */
	const char *message;	/* MISSING, ERROR: why, in one line; NULL when resolved */
};

/*
 * Called once per relocation; the result and its strings are valid during
 * the call only. A non-zero return stops the check and is returned by it.
 */
typedef int (*ebpfc_core_check_fn)(const struct ebpfc_core_check_result *res, void *user);

struct ebpfc_core_check_opts {
	size_t sz;
	/*
	 * The BTF to check against (the caller keeps its reference). NULL: the
	 * one ebpfc_object_load() would use (open opts.btf_path, or the running
	 * kernel's).
	 */
	const struct ebpfc_btf *target;
	/* Names the target in messages; default: the BTF's path, or the kernel's release. */
	const char *target_name;
};

/*
 * Resolve every CO-RE relocation of every program (autoload or not)
 * against a target BTF, without the kernel: nothing is loaded, the object
 * is not changed, and it can still be loaded afterwards. Relocations are
 * reported per program, in program order and then in the order the loader
 * applies them; a subprogram's relocations are reported for each program
 * that calls it. Returns 0 once every relocation was reported, whatever
 * the outcomes; a negative errno when the check could not run (the target
 * BTF cannot be read: -ENOENT...), or fn's non-zero return.
 */
EBPFC_API int ebpfc_object_core_check(struct ebpfc_object *obj,
				      const struct ebpfc_core_check_opts *opts,
				      ebpfc_core_check_fn fn, void *user);

/* ---- maps inside an object ---------------------------------------------------------- */

/* Before load: change the number of entries or the value size. */
EBPFC_API int ebpfc_map_set_max_entries(struct ebpfc_map *map, __u32 max_entries);
EBPFC_API int ebpfc_map_set_value_size(struct ebpfc_map *map, __u32 value_size);
/* Before load: use an existing map (a dup of fd is taken) instead of creating one. */
EBPFC_API int ebpfc_map_reuse_fd(struct ebpfc_map *map, int fd);
/*
 * Before load: pin the map at path (reusing what is pinned there when it
 * is compatible, failing with the difference named when it is not). Maps
 * declared with pinning LIBBPF_PIN_BY_NAME get <pin_root>/<name> by
 * default; NULL clears pinning.
 */
EBPFC_API int ebpfc_map_set_pin_path(struct ebpfc_map *map, const char *path);
/* The pin path set or declared for the map; "" when it is not pinned. */
EBPFC_API const char *ebpfc_map_pin_path(const struct ebpfc_map *map);
/* For a global-data map: its initial contents (before load) and their size. */
EBPFC_API int ebpfc_map_initial_value(const struct ebpfc_map *map, void **data, size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_OBJECT_H */
