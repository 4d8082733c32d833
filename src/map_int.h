/*
 * map_int.h - the inside of a map handle, shared by map.c (standalone maps)
 * and the object loader (maps declared in an ELF object).
 */
#ifndef EBPFC_MAP_INT_H
#define EBPFC_MAP_INT_H

#include <ebpfc/map.h>
#include "internal.h"

struct ebpfc_object;

struct ebpfc_map {
	int fd;			/* -1 until an object's map is created */
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	size_t value_buf_size;	/* what lookups take: per-CPU aware */
	char *name;		/* full name; the kernel keeps 15 characters */
	struct ebpfc_object *obj; /* owner, or NULL for a standalone map */
};

/* Is this a per-CPU map type, whose values are one slot per possible CPU? */
EBPFC__HIDDEN bool ebpfc__map_type_percpu(__u32 type);

/*
 * Fill the handle's sizes from the kernel's view of the fd (used when a map
 * is opened by pin, id or fd, or reused from a pin).
 */
EBPFC__HIDDEN int ebpfc__map_init_from_fd(struct ebpfc_map *map, int fd);

/* Recompute value_buf_size after type or value_size changed. */
EBPFC__HIDDEN int ebpfc__map_update_sizes(struct ebpfc_map *map);

/*
 * Create the kernel map for a handle whose fields are set; on failure the
 * message names the map and explains (zero entries, privileges, flags).
 */
EBPFC__HIDDEN int ebpfc__map_create_fd(struct ebpfc_map *map,
				       const struct ebpfc_map_create_opts *opts);

/* Does the process have CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON? */
EBPFC__HIDDEN bool ebpfc__have_bpf_caps(void);

/* Why bpf() said EPERM: missing capabilities, lockdown, or memlock. */
EBPFC__HIDDEN const char *ebpfc__eperm_hint(void);

#endif /* EBPFC_MAP_INT_H */
