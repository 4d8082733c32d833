/*
 * bpf/bpf_endian.h - compatibility name for <ebpfc/bpf_endian.h>, so that
 * BPF programs written for libbpf's headers compile unchanged against ebpfc
 * (with -I bpf/include and no libbpf installed).
 */
#ifndef EBPFC_COMPAT_BPF_ENDIAN_H
#define EBPFC_COMPAT_BPF_ENDIAN_H

#include <ebpfc/bpf_endian.h>

#endif /* EBPFC_COMPAT_BPF_ENDIAN_H */
