/*
 * map.c - map handles over file descriptors: creation with clear errors,
 * opening pinned maps and maps by id, element and batch operations with
 * size checks, freezing and pinning.
 *
 * Element operations are on the hot path of every daemon that polls a map,
 * so they check two sizes and make one syscall; messages are formatted only
 * when something fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map_int.h"
#include "sys_int.h"
#include "attr.h"

static const char *const map_type_names[] = {
	[BPF_MAP_TYPE_UNSPEC] = "unspec",
	[BPF_MAP_TYPE_HASH] = "hash",
	[BPF_MAP_TYPE_ARRAY] = "array",
	[BPF_MAP_TYPE_PROG_ARRAY] = "prog_array",
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = "perf_event_array",
	[BPF_MAP_TYPE_PERCPU_HASH] = "percpu_hash",
	[BPF_MAP_TYPE_PERCPU_ARRAY] = "percpu_array",
	[BPF_MAP_TYPE_STACK_TRACE] = "stack_trace",
	[BPF_MAP_TYPE_CGROUP_ARRAY] = "cgroup_array",
	[BPF_MAP_TYPE_LRU_HASH] = "lru_hash",
	[BPF_MAP_TYPE_LRU_PERCPU_HASH] = "lru_percpu_hash",
	[BPF_MAP_TYPE_LPM_TRIE] = "lpm_trie",
	[BPF_MAP_TYPE_ARRAY_OF_MAPS] = "array_of_maps",
	[BPF_MAP_TYPE_HASH_OF_MAPS] = "hash_of_maps",
	[BPF_MAP_TYPE_DEVMAP] = "devmap",
	[BPF_MAP_TYPE_SOCKMAP] = "sockmap",
	[BPF_MAP_TYPE_CPUMAP] = "cpumap",
	[BPF_MAP_TYPE_XSKMAP] = "xskmap",
	[BPF_MAP_TYPE_SOCKHASH] = "sockhash",
	[BPF_MAP_TYPE_CGROUP_STORAGE] = "cgroup_storage",
	[BPF_MAP_TYPE_REUSEPORT_SOCKARRAY] = "reuseport_sockarray",
	[BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE] = "percpu_cgroup_storage",
	[BPF_MAP_TYPE_QUEUE] = "queue",
	[BPF_MAP_TYPE_STACK] = "stack",
	[BPF_MAP_TYPE_SK_STORAGE] = "sk_storage",
	[BPF_MAP_TYPE_DEVMAP_HASH] = "devmap_hash",
	[BPF_MAP_TYPE_STRUCT_OPS] = "struct_ops",
	[BPF_MAP_TYPE_RINGBUF] = "ringbuf",
	[BPF_MAP_TYPE_INODE_STORAGE] = "inode_storage",
	[BPF_MAP_TYPE_TASK_STORAGE] = "task_storage",
	[BPF_MAP_TYPE_BLOOM_FILTER] = "bloom_filter",
	[BPF_MAP_TYPE_USER_RINGBUF] = "user_ringbuf",
	[EBPFC__BPF_MAP_TYPE_CGRP_STORAGE] = "cgrp_storage",
	[EBPFC__BPF_MAP_TYPE_ARENA] = "arena",
};

EBPFC_API const char *ebpfc_map_type_name(__u32 type)
{
	if (type < EBPFC__ARRAY_SIZE(map_type_names) && map_type_names[type])
		return map_type_names[type];
	return "unknown";
}

bool ebpfc__map_type_percpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Map types whose max_entries must be 0: the kernel sizes them itself. */
static bool map_type_sizeless(__u32 type)
{
	return type == BPF_MAP_TYPE_CGROUP_STORAGE || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE ||
	       type == BPF_MAP_TYPE_SK_STORAGE || type == BPF_MAP_TYPE_INODE_STORAGE ||
	       type == BPF_MAP_TYPE_TASK_STORAGE || type == EBPFC__BPF_MAP_TYPE_CGRP_STORAGE;
}

EBPFC_API int ebpfc_num_possible_cpus(void)
{
	return ebpfc__num_possible_cpus();
}

int ebpfc__map_update_sizes(struct ebpfc_map *map)
{
	int ncpus;

	if (!ebpfc__map_type_percpu(map->type)) {
		map->value_buf_size = map->value_size;
		return 0;
	}
	ncpus = ebpfc__num_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	map->value_buf_size = (size_t)EBPFC__ROUND_UP(map->value_size, 8) * (size_t)ncpus;
	return 0;
}

enum { CAP_SYS_ADMIN_BIT = 21, CAP_PERFMON_BIT = 38, CAP_BPF_BIT = 39 };

static unsigned long long effective_caps(void)
{
	unsigned long long eff = 0;
	char *status, *p;

	if (ebpfc__read_file("/proc/self/status", &status, NULL) == 0) {
		p = strstr(status, "CapEff:");
		if (p)
			eff = strtoull(p + 7, NULL, 16);
		free(status);
	}
	return eff;
}

bool ebpfc__have_bpf_caps(void)
{
	unsigned long long eff = effective_caps();

	return (eff & (1ULL << CAP_SYS_ADMIN_BIT)) ||
	       ((eff & (1ULL << CAP_BPF_BIT)) && (eff & (1ULL << CAP_PERFMON_BIT)));
}

const char *ebpfc__eperm_hint(void)
{
	static const int cap_sys_admin = CAP_SYS_ADMIN_BIT, cap_perfmon = CAP_PERFMON_BIT,
			 cap_bpf = CAP_BPF_BIT;
	unsigned long long eff = effective_caps();
	if (!(eff & (1ULL << cap_sys_admin)) && !(eff & (1ULL << cap_bpf)))
		return "the process has neither CAP_BPF nor CAP_SYS_ADMIN: run as root or grant "
		       "CAP_BPF (plus CAP_PERFMON for tracing, CAP_NET_ADMIN for networking)";
	if (!(eff & (1ULL << cap_sys_admin)) && !(eff & (1ULL << cap_perfmon)))
		return "the process has CAP_BPF but not CAP_PERFMON, which this map or program "
		       "type needs";
	return "capabilities look sufficient: check RLIMIT_MEMLOCK (ulimit -l) on kernels "
	       "before 5.11, kernel lockdown, or an LSM policy forbidding bpf()";
}

static int map_alloc(const char *name, struct ebpfc_map **out)
{
	struct ebpfc_map *map = calloc(1, sizeof(*map));

	if (!map)
		return ebpfc__err(ENOMEM, "map '%s': out of memory", name ? name : "");
	map->fd = -1;
	map->name = strdup(name ? name : "");
	if (!map->name) {
		free(map);
		return ebpfc__err(ENOMEM, "map '%s': out of memory", name ? name : "");
	}
	*out = map;
	return 0;
}

int ebpfc__map_create_fd(struct ebpfc_map *map, const struct ebpfc_map_create_opts *opts)
{
	int err, fd;

	if (map->max_entries == 0 && !map_type_sizeless(map->type))
		return ebpfc__err(EINVAL,
				  "map '%s': max_entries is 0; %s maps need the number of elements "
				  "they can hold",
				  map->name, ebpfc_map_type_name(map->type));
	if (map->max_entries && map_type_sizeless(map->type))
		return ebpfc__err(EINVAL,
				  "map '%s': max_entries must be 0 for a %s map (the kernel sizes it)",
				  map->name, ebpfc_map_type_name(map->type));
	if ((map->type == BPF_MAP_TYPE_RINGBUF || map->type == BPF_MAP_TYPE_USER_RINGBUF) &&
	    (map->max_entries & (map->max_entries - 1) ||
	     map->max_entries % (__u32)sysconf(_SC_PAGESIZE)))
		return ebpfc__err(EINVAL,
				  "map '%s': a ring buffer's max_entries (%u) must be a power of 2 "
				  "and a multiple of the page size (%ld)",
				  map->name, map->max_entries, sysconf(_SC_PAGESIZE));

	ebpfc__memlock_autoraise();
	err = ebpfc_sys_map_create(map->type, map->name, map->key_size, map->value_size,
				   map->max_entries, opts, &fd);
	if (err == -EPERM)
		return ebpfc__err(err, "map '%s': the kernel refused to create it (EPERM): %s",
				  map->name, ebpfc__eperm_hint());
	if (err == -EINVAL)
		return ebpfc__err(err,
				  "map '%s': the kernel refused %s map with key_size %u, value_size %u, "
				  "max_entries %u, map_flags 0x%x (EINVAL): a size, a flag or the "
				  "combination is invalid for this type",
				  map->name, ebpfc_map_type_name(map->type), map->key_size,
				  map->value_size, map->max_entries,
				  EBPFC__OPT(opts, map_flags, 0u));
	if (err) {
		char sys[256];

		ebpfc__strlcpy(sys, ebpfc_errmsg(), sizeof(sys));
		return ebpfc__err(err, "map '%s': %s", map->name, sys);
	}
	map->fd = fd;
	return 0;
}

EBPFC_API int ebpfc_map_create(__u32 map_type, const char *name, __u32 key_size,
			       __u32 value_size, __u32 max_entries,
			       const struct ebpfc_map_create_opts *opts, struct ebpfc_map **out)
{
	struct ebpfc_map *map = NULL;
	int err;

	*out = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_map_create_opts);
	if (err)
		return err;
	err = map_alloc(name, &map);
	if (err)
		return err;
	map->type = map_type;
	map->key_size = key_size;
	map->value_size = value_size;
	map->max_entries = max_entries;
	map->map_flags = EBPFC__OPT(opts, map_flags, 0);
	if (map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && max_entries == 0) {
		/* One ring per CPU is what every perf buffer consumer wants. */
		err = ebpfc__num_possible_cpus();
		if (err < 0)
			goto fail;
		map->max_entries = err;
	}
	err = ebpfc__map_update_sizes(map);
	if (err)
		goto fail;
	err = ebpfc__map_create_fd(map, opts);
	if (err)
		goto fail;
	*out = map;
	return 0;
fail:
	ebpfc_map_destroy(map);
	return err;
}

int ebpfc__map_init_from_fd(struct ebpfc_map *map, int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int err;

	if (!ebpfc__fd_is_bpf(fd, "bpf-map"))
		return ebpfc__err(EINVAL, "fd %d is not a map", fd);
	memset(&info, 0, sizeof(info));
	err = ebpfc_sys_obj_get_info(fd, &info, &len);
	if (err)
		return err;
	map->type = info.type;
	map->key_size = info.key_size;
	map->value_size = info.value_size;
	map->max_entries = info.max_entries;
	map->map_flags = info.map_flags;
	if (!map->name[0] && info.name[0]) {
		char *n = strndup(info.name, sizeof(info.name));

		if (!n)
			return ebpfc__err(ENOMEM, "out of memory");
		free(map->name);
		map->name = n;
	}
	return ebpfc__map_update_sizes(map);
}

/* Finish opening a handle around an fd this code owns; closes it on failure. */
static int map_open_common(int fd, const char *name, struct ebpfc_map **out)
{
	struct ebpfc_map *map = NULL;
	int err;

	err = map_alloc(name, &map);
	if (err) {
		ebpfc__close(fd);
		return err;
	}
	map->fd = fd;
	err = ebpfc__map_init_from_fd(map, fd);
	if (err) {
		ebpfc_map_destroy(map);
		return err;
	}
	*out = map;
	return 0;
}

EBPFC_API int ebpfc_map_open_pinned(const char *path, __u32 flags, struct ebpfc_map **out)
{
	int fd, err;

	*out = NULL;
	err = ebpfc_sys_obj_get(path, flags, &fd);
	if (err)
		return ebpfc__err(err, "cannot open pinned map %s: %s", path,
				  err == -ENOENT ? "nothing is pinned there" : ebpfc_strerror(err));
	err = map_open_common(fd, NULL, out);
	if (err == -EINVAL)
		return ebpfc__err(err, "%s is pinned, but it is not a map", path);
	return err;
}

EBPFC_API int ebpfc_map_open_id(__u32 id, struct ebpfc_map **out)
{
	int fd, err;

	*out = NULL;
	err = ebpfc_sys_map_get_fd_by_id(id, 0, &fd);
	if (err)
		return ebpfc__err(err, "cannot open map id %u: %s", id,
				  err == -ENOENT ? "no map has that id" : ebpfc_strerror(err));
	return map_open_common(fd, NULL, out);
}

EBPFC_API int ebpfc_map_open_fd(int fd, struct ebpfc_map **out)
{
	int nfd;

	*out = NULL;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return ebpfc__err(errno, "cannot duplicate map fd %d: %s", fd, ebpfc_strerror(errno));
	return map_open_common(nfd, NULL, out);
}

EBPFC_API void ebpfc_map_destroy(struct ebpfc_map *map)
{
	/* An object's maps live and die with the object. */
	if (!map || map->obj)
		return;
	ebpfc__close(map->fd);
	free(map->name);
	free(map);
}

EBPFC_API int ebpfc_map_fd(const struct ebpfc_map *map)
{
	return map ? map->fd : -EINVAL;
}

EBPFC_API const char *ebpfc_map_name(const struct ebpfc_map *map)
{
	return map ? map->name : "";
}

EBPFC_API __u32 ebpfc_map_type(const struct ebpfc_map *map)
{
	return map->type;
}

EBPFC_API __u32 ebpfc_map_key_size(const struct ebpfc_map *map)
{
	return map->key_size;
}

EBPFC_API __u32 ebpfc_map_value_size(const struct ebpfc_map *map)
{
	return map->value_size;
}

EBPFC_API size_t ebpfc_map_value_buf_size(const struct ebpfc_map *map)
{
	return map->value_buf_size;
}

EBPFC_API __u32 ebpfc_map_max_entries(const struct ebpfc_map *map)
{
	return map->max_entries;
}

EBPFC_API __u32 ebpfc_map_flags(const struct ebpfc_map *map)
{
	return map->map_flags;
}

EBPFC_API int ebpfc_map_info(const struct ebpfc_map *map, struct ebpfc_map_info *out)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int err;

	if (map->fd < 0)
		return ebpfc__err(EBADF, "map '%s': not created yet (load the object first)",
				  map->name);
	memset(&info, 0, sizeof(info));
	err = ebpfc_sys_obj_get_info(map->fd, &info, &len);
	if (err)
		return ebpfc__err(err, "map '%s': cannot read its info: %s", map->name,
				  ebpfc_strerror(err));
	memset(out, 0, sizeof(*out));
	out->type = info.type;
	out->id = info.id;
	out->key_size = info.key_size;
	out->value_size = info.value_size;
	out->max_entries = info.max_entries;
	out->map_flags = info.map_flags;
	memcpy(out->name, info.name, sizeof(out->name));
	out->name[sizeof(out->name) - 1] = '\0';
	out->ifindex = info.ifindex;
	out->btf_id = info.btf_id;
	out->btf_key_type_id = info.btf_key_type_id;
	out->btf_value_type_id = info.btf_value_type_id;
	out->btf_vmlinux_value_type_id = info.btf_vmlinux_value_type_id;
	out->map_extra = info.map_extra;
	return 0;
}

/* ---- element operations ---------------------------------------------------------- */

static const char *elem_op_name(int cmd)
{
	switch (cmd) {
	case BPF_MAP_LOOKUP_ELEM: return "lookup";
	case BPF_MAP_UPDATE_ELEM: return "update";
	case BPF_MAP_DELETE_ELEM: return "delete";
	case BPF_MAP_GET_NEXT_KEY: return "next_key";
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM: return "lookup_and_delete";
	case BPF_MAP_LOOKUP_BATCH: return "lookup_batch";
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH: return "lookup_and_delete_batch";
	case BPF_MAP_UPDATE_BATCH: return "update_batch";
	case BPF_MAP_DELETE_BATCH: return "delete_batch";
	default: return "operation";
	}
}

static __attribute__((noinline, cold)) int elem_size_err(const struct ebpfc_map *map, int cmd,
							 const char *what, size_t given,
							 size_t want)
{
	if (map->fd < 0)
		return ebpfc__err(EBADF, "map '%s': %s before the map exists (load the object first)",
				  map->name, elem_op_name(cmd));
	return ebpfc__err(EINVAL,
			  "map '%s': %s with a %zu-byte %s, but the map's %s size is %zu%s",
			  map->name, elem_op_name(cmd), given, what, what, want,
			  ebpfc__map_type_percpu(map->type) && !strcmp(what, "value")
				  ? " (per-CPU: value size rounded up to 8, times the possible CPUs)"
				  : "");
}

static __attribute__((noinline, cold)) int elem_fail(const struct ebpfc_map *map, int cmd,
						     int err)
{
	const char *why = ebpfc_strerror(err);

	if (err == -ENOENT && cmd == BPF_MAP_GET_NEXT_KEY)
		why = "no more keys";
	else if (err == -ENOENT)
		why = "no such key";
	else if (err == -EEXIST)
		why = "the key exists (BPF_NOEXIST)";
	else if (err == -E2BIG)
		why = "the map is full";
	else if (err == -EPERM && cmd == BPF_MAP_UPDATE_ELEM)
		why = "the map is frozen or read-only for user space (EPERM)";
	return ebpfc__err(err, "map '%s': %s: %s", map->name, elem_op_name(cmd), why);
}

static inline int elem_op(const struct ebpfc_map *map, int cmd, const void *key, size_t key_sz,
			  void *value, size_t val_sz, bool has_value, __u64 flags)
{
	int err;

	if (__builtin_expect(key_sz != map->key_size || map->fd < 0, 0))
		return elem_size_err(map, cmd, "key", key_sz, map->key_size);
	if (has_value && __builtin_expect(val_sz != map->value_buf_size, 0))
		return elem_size_err(map, cmd, "value", val_sz, map->value_buf_size);
	err = ebpfc__sys_map_elem(cmd, map->fd, key, value, flags);
	if (__builtin_expect(err < 0, 0))
		return elem_fail(map, cmd, err);
	return 0;
}

EBPFC_API __attribute__((hot)) int ebpfc_map_lookup(const struct ebpfc_map *map, const void *key, size_t key_sz,
			       void *value, size_t val_sz, __u64 flags)
{
	return elem_op(map, BPF_MAP_LOOKUP_ELEM, key, key_sz, value, val_sz, true, flags);
}

EBPFC_API __attribute__((hot)) int ebpfc_map_update(const struct ebpfc_map *map, const void *key, size_t key_sz,
			       const void *value, size_t val_sz, __u64 flags)
{
	return elem_op(map, BPF_MAP_UPDATE_ELEM, key, key_sz, (void *)value, val_sz, true, flags);
}

EBPFC_API int ebpfc_map_delete(const struct ebpfc_map *map, const void *key, size_t key_sz,
			       __u64 flags)
{
	return elem_op(map, BPF_MAP_DELETE_ELEM, key, key_sz, NULL, 0, false, flags);
}

EBPFC_API int ebpfc_map_lookup_and_delete(const struct ebpfc_map *map, const void *key,
					  size_t key_sz, void *value, size_t val_sz, __u64 flags)
{
	return elem_op(map, BPF_MAP_LOOKUP_AND_DELETE_ELEM, key, key_sz, value, val_sz, true,
		       flags);
}

EBPFC_API int ebpfc_map_next_key(const struct ebpfc_map *map, const void *key, void *next_key,
				 size_t key_sz)
{
	return elem_op(map, BPF_MAP_GET_NEXT_KEY, key, key_sz, next_key, 0, false, 0);
}

/* ---- batch operations ---------------------------------------------------------------- */

static int batch_op(const struct ebpfc_map *map, int cmd, struct ebpfc_map_batch *b)
{
	bool lookup = cmd == BPF_MAP_LOOKUP_BATCH || cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH;
	bool values = cmd != BPF_MAP_DELETE_BATCH;
	size_t need_batch = map->key_size > 4 ? map->key_size : 4;
	int err;

	err = EBPFC__OPTS_CHECK(b, ebpfc_map_batch);
	if (err)
		return err;
	if (!b)
		return ebpfc__err(EINVAL, "map '%s': %s needs a struct ebpfc_map_batch", map->name,
				  elem_op_name(cmd));
	if (map->fd < 0)
		return elem_size_err(map, cmd, "key", 0, 0);
	if (b->keys_sz < (size_t)b->count * map->key_size)
		return ebpfc__err(EINVAL, "map '%s': %s of %u elements needs %zu bytes of keys, "
				  "the buffer has %zu",
				  map->name, elem_op_name(cmd), b->count,
				  (size_t)b->count * map->key_size, b->keys_sz);
	if (values && b->values_sz < (size_t)b->count * map->value_buf_size)
		return ebpfc__err(EINVAL, "map '%s': %s of %u elements needs %zu bytes of values, "
				  "the buffer has %zu",
				  map->name, elem_op_name(cmd), b->count,
				  (size_t)b->count * map->value_buf_size, b->values_sz);
	if (lookup && (!b->out_batch || b->batch_sz < need_batch))
		return ebpfc__err(EINVAL, "map '%s': %s needs in/out batch tokens of at least %zu "
				  "bytes (batch_sz is %zu)",
				  map->name, elem_op_name(cmd), need_batch, b->batch_sz);
	err = ebpfc__sys_map_batch(cmd, map->fd, (void *)b->in_batch, b->out_batch, b->keys,
				   values ? b->values : NULL, &b->count, b->elem_flags, b->flags);
	if (err == -ENOENT && lookup)
		return ebpfc__err(err, "map '%s': %s: no more elements (%u returned)", map->name,
				  elem_op_name(cmd), b->count);
	if (err)
		return ebpfc__err(err, "map '%s': %s: %s (%u elements processed)%s", map->name,
				  elem_op_name(cmd), ebpfc_strerror(err), b->count,
				  err == -EINVAL ? "; check that this kernel supports batch "
						   "operations for this map type"
						 : "");
	return 0;
}

EBPFC_API int ebpfc_map_lookup_batch(const struct ebpfc_map *map, struct ebpfc_map_batch *b)
{
	return batch_op(map, BPF_MAP_LOOKUP_BATCH, b);
}

EBPFC_API int ebpfc_map_lookup_and_delete_batch(const struct ebpfc_map *map,
						struct ebpfc_map_batch *b)
{
	return batch_op(map, BPF_MAP_LOOKUP_AND_DELETE_BATCH, b);
}

EBPFC_API int ebpfc_map_update_batch(const struct ebpfc_map *map, struct ebpfc_map_batch *b)
{
	return batch_op(map, BPF_MAP_UPDATE_BATCH, b);
}

EBPFC_API int ebpfc_map_delete_batch(const struct ebpfc_map *map, struct ebpfc_map_batch *b)
{
	return batch_op(map, BPF_MAP_DELETE_BATCH, b);
}

/* ---- freeze and pinning ------------------------------------------------------------------ */

EBPFC_API int ebpfc_map_freeze(const struct ebpfc_map *map)
{
	int err;

	if (map->fd < 0)
		return elem_size_err(map, BPF_MAP_FREEZE, "key", 0, 0);
	err = ebpfc_sys_map_freeze(map->fd);
	if (err)
		return ebpfc__err(err, "map '%s': freeze: %s", map->name,
				  err == -EBUSY   ? "the map is already frozen, or "
						    "memory-mapped writable (EBUSY)"
				  : err == -EPERM ? "the map is already frozen, or this fd is "
						    "read-only (EPERM)"
						  : ebpfc_strerror(err));
	return 0;
}

EBPFC_API int ebpfc_map_pin(const struct ebpfc_map *map, const char *path)
{
	if (map->fd < 0)
		return ebpfc__err(EBADF, "map '%s': cannot pin it before it exists", map->name);
	return ebpfc__pin_fd(map->fd, path, "map", map->name);
}

EBPFC_API int ebpfc_map_unpin(const struct ebpfc_map *map, const char *path)
{
	return ebpfc__unpin(path, "map", map->name);
}
