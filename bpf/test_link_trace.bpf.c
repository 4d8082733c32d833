/*
 * test_link_trace.bpf.c - the tracing programs tests/test_link.c attaches:
 * a tracepoint, a raw tracepoint and a BTF tracepoint on system call entry,
 * kprobes, kretprobes and a ksyscall probe, fentry and fexit, uprobes and
 * uretprobes (single and multi), a perf_event program and a task iterator.
 * Each counts the events of the test process only (target_tgid) in .bss,
 * and keeps the last bpf_cookie it saw.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <ebpfc/bpf_helpers.h>

/* Set by the test after load (.bss is shared with user space). */
__u32 target_tgid;
__u64 getpid_nr;		/* the architecture's __NR_getpid */

/* Set before load: where task_struct keeps them in this kernel (from its BTF). */
const volatile __u32 task_pid_off;
const volatile __u32 task_tgid_off;
const volatile __u32 task_comm_off;

__u64 tp_hits, tp_cookie;
__u64 rawtp_hits, rawtp_cookie;
__u64 tpbtf_hits;
__u64 kprobe_hits, kprobe_cookie;
__u64 kretprobe_hits;
__u64 ksyscall_hits;
__u64 kmulti_hits;
__u64 fentry_hits, fexit_hits, fentry_cookie;
__u64 uprobe_hits, uprobe_cookie;
__u64 uretprobe_hits;
__u64 umulti_hits;
__u64 perf_hits, perf_cookie;
__u64 iter_tasks;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_getpid(void *ctx)
{
	if (mine()) {
		__sync_fetch_and_add(&tp_hits, 1);
		tp_cookie = bpf_get_attach_cookie(ctx);
	}
	return 0;
}

SEC("raw_tp/sys_enter")
int rawtp_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if (mine() && ctx->args[1] == getpid_nr)
		__sync_fetch_and_add(&rawtp_hits, 1);
	return 0;
}

/* The same with the cookie, which raw tracepoints have only since 6.10. */
SEC("raw_tp/sys_enter")
int rawtp_cookie_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if (mine() && ctx->args[1] == getpid_nr) {
		__sync_fetch_and_add(&rawtp_hits, 1);
		rawtp_cookie = bpf_get_attach_cookie(ctx);
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int tpbtf_sys_enter(__u64 *ctx)
{
	if (mine() && ctx[1] == getpid_nr)
		__sync_fetch_and_add(&tpbtf_hits, 1);
	return 0;
}

SEC("kprobe/do_sys_openat2")
int kprobe_openat2(struct pt_regs *ctx)
{
	if (mine()) {
		__sync_fetch_and_add(&kprobe_hits, 1);
		kprobe_cookie = bpf_get_attach_cookie(ctx);
	}
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int kretprobe_openat2(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&kretprobe_hits, 1);
	return 0;
}

SEC("ksyscall/getpid")
int ksyscall_getpid(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&ksyscall_hits, 1);
	return 0;
}

SEC("kprobe.multi/do_sys_openat2")
int kmulti_openat2(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&kmulti_hits, 1);
	return 0;
}

SEC("fentry/do_sys_openat2")
int fentry_openat2(__u64 *ctx)
{
	if (mine()) {
		__sync_fetch_and_add(&fentry_hits, 1);
		fentry_cookie = bpf_get_attach_cookie(ctx);
	}
	return 0;
}

SEC("fexit/do_sys_openat2")
int fexit_openat2(__u64 *ctx)
{
	if (mine())
		__sync_fetch_and_add(&fexit_hits, 1);
	return 0;
}

/* Targets given at attach time by the test. */
SEC("uprobe")
int uprobe_count(struct pt_regs *ctx)
{
	if (mine()) {
		__sync_fetch_and_add(&uprobe_hits, 1);
		uprobe_cookie = bpf_get_attach_cookie(ctx);
	}
	return 0;
}

SEC("uretprobe")
int uretprobe_count(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&uretprobe_hits, 1);
	return 0;
}

SEC("uprobe.multi")
int umulti_count(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&umulti_hits, 1);
	return 0;
}

SEC("perf_event")
int perf_count(void *ctx)
{
	__sync_fetch_and_add(&perf_hits, 1);
	perf_cookie = bpf_get_attach_cookie(ctx);
	return 0;
}

/* The kernel's iterator context (include/linux/bpf.h, stable since 5.8). */
struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
};

struct task_struct;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
};

/* One line per task: "tgid pid comm". Fields are read at offsets from the kernel's BTF. */
SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	char comm[16] = {};
	int pid = 0, tgid = 0;

	if (!task)
		return 0;
	bpf_probe_read_kernel(&pid, sizeof(pid), (char *)task + task_pid_off);
	bpf_probe_read_kernel(&tgid, sizeof(tgid), (char *)task + task_tgid_off);
	bpf_probe_read_kernel(comm, sizeof(comm), (char *)task + task_comm_off);
	comm[15] = '\0';
	iter_tasks++;
	BPF_SEQ_PRINTF(seq, "%d %d %s\n", tgid, pid, comm);
	return 0;
}

char _license[] SEC("license") = "GPL";
