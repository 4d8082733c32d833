/*
 * bpf/bpf_helper_defs.h - compatibility name for the generated
 * <ebpfc/bpf_helper_defs.h>, for the few programs that include the helper
 * declarations directly.  Prefer <bpf/bpf_helpers.h>, which includes them.
 */
#ifndef EBPFC_COMPAT_BPF_HELPER_DEFS_H
#define EBPFC_COMPAT_BPF_HELPER_DEFS_H

#include <ebpfc/bpf_helper_defs.h>

#endif /* EBPFC_COMPAT_BPF_HELPER_DEFS_H */
