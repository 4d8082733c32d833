/*
 * execsnoop.bpf.c - one event per successful exec, sent through a ring
 * buffer: the program behind examples/execsnoop.c (and the smoke test in
 * tests/test_ringbuf.c).
 *
 * A tracepoint program on sched/sched_process_exec, written without CO-RE:
 * everything comes from helpers (pid, uid, comm) and from the tracepoint's
 * own record, whose layout is the stable format published in
 * /sys/kernel/tracing/events/sched/sched_process_exec/format. The parent
 * pid is not in that record; the example reads it from /proc.
 *
 * events   BPF_MAP_TYPE_RINGBUF, 256 KiB of struct exec_event.
 * dropped  (.bss): events lost because the ring was full.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

#define EXEC_FILENAME_LEN 256

/* Keep in step with examples/execsnoop.c and tests/test_ringbuf.c. */
struct exec_event {
	__u32 pid;		/* process (thread group) id after the exec */
	__u32 tid;
	__u32 old_pid;		/* the exec'ing thread's id before it (a non-leader thread's) */
	__u32 uid;
	char comm[16];		/* the new comm: the file's base name, cut to 15 */
	char filename[EXEC_FILENAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 dropped;

/* The tracepoint's record (see the format file above). */
struct sched_process_exec_args {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__u32 filename_loc;	/* __data_loc: offset in the low 16 bits, length in the high */
	__s32 pid;
	__s32 old_pid;
};

SEC("tracepoint/sched/sched_process_exec")
int handle_exec(struct sched_process_exec_args *ctx)
{
	struct exec_event *e;
	__u64 id;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->old_pid = ctx->old_pid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  (char *)ctx + (ctx->filename_loc & 0xffff));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

EBPFC_LICENSE("GPL");
