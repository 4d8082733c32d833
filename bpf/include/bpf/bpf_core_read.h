/*
 * bpf/bpf_core_read.h - compatibility name for <ebpfc/bpf_core_read.h>, so
 * that BPF programs written for libbpf's headers compile unchanged against
 * ebpfc (with -I bpf/include and no libbpf installed). The macros are the
 * API; the implementation is ebpfc's. New code may include either name.
 */
#ifndef EBPFC_COMPAT_BPF_CORE_READ_H
#define EBPFC_COMPAT_BPF_CORE_READ_H

#include <ebpfc/bpf_core_read.h>

#endif /* EBPFC_COMPAT_BPF_CORE_READ_H */
