/*
 * bpf/bpf_helpers.h - compatibility name for <ebpfc/bpf_helpers.h>, so that
 * BPF programs written for libbpf's headers compile unchanged against ebpfc
 * (with -I bpf/include and no libbpf installed).  The macros are the API;
 * the implementation is ebpfc's.  New code may include either name.
 */
#ifndef EBPFC_COMPAT_BPF_HELPERS_H
#define EBPFC_COMPAT_BPF_HELPERS_H

#include <ebpfc/bpf_helpers.h>

#endif /* EBPFC_COMPAT_BPF_HELPERS_H */
