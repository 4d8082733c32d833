/*
 * sys_int.h - the silent variants of the bpf() wrappers in sys.c, for the
 * library's own hot paths (map element operations). They return -errno and
 * leave ebpfc_errmsg() alone, so that map.c can write one message that
 * names the map instead of paying to format two.
 */
#ifndef EBPFC_SYS_INT_H
#define EBPFC_SYS_INT_H

#include <linux/types.h>
#include "internal.h"

EBPFC__HIDDEN int ebpfc__sys_map_elem(int cmd, int fd, const void *key, void *value, __u64 flags);
EBPFC__HIDDEN int ebpfc__sys_map_batch(int cmd, int fd, void *in_batch, void *out_batch,
				       const void *keys, const void *values, __u32 *count,
				       __u64 elem_flags, __u64 flags);

#endif /* EBPFC_SYS_INT_H */
