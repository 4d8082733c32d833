/*
 * test_core_check.bpf.c - fixture for ebpfc_object_core_check() and
 * `ebpfc core-check`: two programs sharing a subprogram whose CO-RE
 * relocations must be reported once per program (with instruction numbers
 * in each linked program), one field every kernel has, and one no kernel
 * has, read only behind bpf_core_field_exists() so that the program still
 * loads with that instruction poisoned.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>
#include <ebpfc/bpf_core_read.h>

struct task_struct___cc {
	int pid;
	int tgid;
	struct task_struct___cc *real_parent;
} __attribute__((preserve_access_index));

struct task_struct___gone {
	int no_such_field_in_any_kernel;
} __attribute__((preserve_access_index));

__u32 out_pid, out_ptgid, out_gone;

static __noinline int parent_tgid(struct task_struct___cc *t)
{
	return BPF_CORE_READ(t, real_parent, tgid);
}

SEC("raw_tp/sys_enter")
int cc_one(void *ctx)
{
	struct task_struct___cc *t = (void *)bpf_get_current_task();

	out_pid = BPF_CORE_READ(t, pid);
	out_ptgid = parent_tgid(t);
	return 0;
}

SEC("raw_tp/sys_exit")
int cc_two(void *ctx)
{
	struct task_struct___gone *g = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(g->no_such_field_in_any_kernel))
		out_gone = BPF_CORE_READ(g, no_such_field_in_any_kernel);
	out_ptgid = parent_tgid((void *)g);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
