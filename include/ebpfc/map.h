/*
 * ebpfc/map.h - map handles: create, open, read and write BPF maps with
 * sizes checked against the map, so that a key or value of the wrong size
 * is an error with the map's name in it instead of corrupted memory.
 *
 * A handle owns its file descriptor: ebpfc_map_destroy() closes it (maps
 * that belong to an object are destroyed with the object).
 */
#ifndef EBPFC_MAP_H
#define EBPFC_MAP_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include <ebpfc/common.h>
#include <ebpfc/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfc_map;

/*
 * Create a map. name may be NULL; the kernel keeps at most 15 characters.
 * Fails with a message naming the map on zero max_entries (for types that
 * need entries), unknown flags, or missing privileges (with what to fix).
 */
EBPFC_API int ebpfc_map_create(__u32 map_type, const char *name, __u32 key_size,
			       __u32 value_size, __u32 max_entries,
			       const struct ebpfc_map_create_opts *opts, struct ebpfc_map **map);

/* Open a map pinned in bpffs. flags: 0, BPF_F_RDONLY or BPF_F_WRONLY. */
EBPFC_API int ebpfc_map_open_pinned(const char *path, __u32 flags, struct ebpfc_map **map);
/* Open a map by its kernel id. */
EBPFC_API int ebpfc_map_open_id(__u32 id, struct ebpfc_map **map);
/* Wrap a map fd the caller has; the handle gets its own duplicate of it. */
EBPFC_API int ebpfc_map_open_fd(int fd, struct ebpfc_map **map);

/* Close the map's fd and free the handle. NULL is a no-op. */
EBPFC_API void ebpfc_map_destroy(struct ebpfc_map *map);

EBPFC_API int ebpfc_map_fd(const struct ebpfc_map *map);
EBPFC_API const char *ebpfc_map_name(const struct ebpfc_map *map);
EBPFC_API __u32 ebpfc_map_type(const struct ebpfc_map *map);
EBPFC_API __u32 ebpfc_map_key_size(const struct ebpfc_map *map);
/* The value size the kernel knows (one CPU's share for per-CPU maps). */
EBPFC_API __u32 ebpfc_map_value_size(const struct ebpfc_map *map);
/*
 * The size of the value buffer lookups and updates take: value_size, or for
 * per-CPU maps value_size rounded up to 8, times the possible CPUs.
 */
EBPFC_API size_t ebpfc_map_value_buf_size(const struct ebpfc_map *map);
EBPFC_API __u32 ebpfc_map_max_entries(const struct ebpfc_map *map);
/* The map_flags it was (or will be) created with. */
EBPFC_API __u32 ebpfc_map_flags(const struct ebpfc_map *map);

struct ebpfc_map_info {
	__u32 type;
	__u32 id;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	char name[16];
	__u32 ifindex;
	__u32 btf_id;
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 btf_vmlinux_value_type_id;
	__u64 map_extra;
};

/* What the kernel says about the map now. */
EBPFC_API int ebpfc_map_info(const struct ebpfc_map *map, struct ebpfc_map_info *info);

/*
 * Element operations. key_sz and val_sz are the sizes of the caller's
 * buffers and must equal ebpfc_map_key_size() and ebpfc_map_value_buf_size()
 * (maps without keys, such as queues and stacks, take key NULL, key_sz 0).
 * flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK.
 * lookup returns -ENOENT for a missing key.
 */
EBPFC_API int ebpfc_map_lookup(const struct ebpfc_map *map, const void *key, size_t key_sz,
			       void *value, size_t val_sz, __u64 flags);
EBPFC_API int ebpfc_map_update(const struct ebpfc_map *map, const void *key, size_t key_sz,
			       const void *value, size_t val_sz, __u64 flags);
EBPFC_API int ebpfc_map_delete(const struct ebpfc_map *map, const void *key, size_t key_sz,
			       __u64 flags);
EBPFC_API int ebpfc_map_lookup_and_delete(const struct ebpfc_map *map, const void *key,
					  size_t key_sz, void *value, size_t val_sz, __u64 flags);
/* The key after key (key NULL: the first); -ENOENT after the last. */
EBPFC_API int ebpfc_map_next_key(const struct ebpfc_map *map, const void *key, void *next_key,
				 size_t key_sz);

/*
 * Batch operations. keys and values hold `count` elements of key_size and
 * ebpfc_map_value_buf_size() bytes; keys_sz and values_sz give the buffers'
 * sizes so that they can be checked. For lookups, in_batch is NULL on the
 * first call and the previous out_batch after it; both are opaque tokens of
 * batch_sz bytes (at least the key size, and at least 4). count returns how
 * many elements were processed; lookups return -ENOENT with the last elements
 * when the map is exhausted.
 */
struct ebpfc_map_batch {
	size_t sz;
	const void *in_batch;
	void *out_batch;
	size_t batch_sz;
	void *keys;
	size_t keys_sz;
	void *values;
	size_t values_sz;
	__u32 count;
	__u64 elem_flags;
	__u64 flags;
};

EBPFC_API int ebpfc_map_lookup_batch(const struct ebpfc_map *map, struct ebpfc_map_batch *b);
EBPFC_API int ebpfc_map_lookup_and_delete_batch(const struct ebpfc_map *map,
						struct ebpfc_map_batch *b);
EBPFC_API int ebpfc_map_update_batch(const struct ebpfc_map *map, struct ebpfc_map_batch *b);
EBPFC_API int ebpfc_map_delete_batch(const struct ebpfc_map *map, struct ebpfc_map_batch *b);

/* Make the map read-only for user space (programs may still write). */
EBPFC_API int ebpfc_map_freeze(const struct ebpfc_map *map);
EBPFC_API int ebpfc_map_pin(const struct ebpfc_map *map, const char *path);
EBPFC_API int ebpfc_map_unpin(const struct ebpfc_map *map, const char *path);

/* The number of possible CPUs, as per-CPU maps count them; or -errno. */
EBPFC_API int ebpfc_num_possible_cpus(void);

/* A readable name for a map type, e.g. "hash"; "unknown" if not known. */
EBPFC_API const char *ebpfc_map_type_name(__u32 map_type);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_MAP_H */
