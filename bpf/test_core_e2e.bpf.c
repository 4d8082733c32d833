/*
 * test_core_e2e.bpf.c - CO-RE end to end: a raw tracepoint program, run
 * with BPF_PROG_TEST_RUN in the test's own thread, reads its task's pid,
 * tgid, parent and comm through CO-RE relocated accesses to task_struct.
 * The structs below are deliberately partial, with a "___local" flavor:
 * only the names matter, the kernel's layout comes from its BTF.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>
#include <ebpfc/bpf_core_read.h>

struct task_struct___local {
	int pid;
	int tgid;
	struct task_struct___local *real_parent;
	char comm[16];
} __attribute__((preserve_access_index));

__u32 seen_pid, seen_tgid, seen_ppid, has_field, missing_field;
char seen_comm[16];

struct task_struct___missing {
	int no_such_field_in_any_kernel;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int core_e2e(void *ctx)
{
	struct task_struct___local *t = (void *)bpf_get_current_task();

	seen_pid = BPF_CORE_READ(t, pid);
	seen_tgid = BPF_CORE_READ(t, tgid);
	seen_ppid = BPF_CORE_READ(t, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&seen_comm, t, comm);
	has_field = bpf_core_field_exists(t->real_parent);
	missing_field = bpf_core_field_exists(((struct task_struct___missing *)t)->no_such_field_in_any_kernel);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
