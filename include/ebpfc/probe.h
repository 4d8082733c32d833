/*
 * ebpfc/probe.h - what the running kernel supports, found by asking it
 * (loading a tiny program, creating a tiny map), never by its version.
 *
 * Every probe returns 1 when the feature is there, 0 when it is not (and
 * ebpfc_errmsg() then says why, so a test can skip with a reason), or a
 * negative errno when the question could not be asked (no privileges).
 * Results are not cached: a probe costs a syscall or two.
 */
#ifndef EBPFC_PROBE_H
#define EBPFC_PROBE_H

#include <linux/types.h>
#include <ebpfc/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Can a program of this type (BPF_PROG_TYPE_*) be loaded? */
EBPFC_API int ebpfc_probe_prog_type(__u32 prog_type);
/* Can a map of this type (BPF_MAP_TYPE_*) be created? */
EBPFC_API int ebpfc_probe_map_type(__u32 map_type);
/* May a program of prog_type call helper helper_id (BPF_FUNC_*)? */
EBPFC_API int ebpfc_probe_helper(__u32 prog_type, __u32 helper_id);
/* Does the kernel accept BTF with a type of this kind (BTF_KIND_*)? */
EBPFC_API int ebpfc_probe_btf_kind(__u32 kind);
/* Does the kernel have BPF_LINK_CREATE? */
EBPFC_API int ebpfc_probe_bpf_link(void);
/* Does the kernel have tcx (tc attachment through links, 6.6+)? */
EBPFC_API int ebpfc_probe_tcx(void);
/* Can kprobes be created (kprobe PMU or tracefs kprobe_events)? */
EBPFC_API int ebpfc_probe_kprobe(void);
/*
 * Can an fentry program be loaded against a kernel function found in the
 * running kernel's BTF? (Kernels with lockdown or without the JIT's
 * trampolines refuse them even to root.)
 */
EBPFC_API int ebpfc_probe_fentry(void);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_PROBE_H */
