/*
 * test_core.bpf.c - a CO-RE program for tests/test_core.c: reads
 * task_struct fields through BPF_CORE_READ and friends, with the kernel
 * types declared locally (a few fields each, preserve_access_index) the way
 * a program without vmlinux.h does. The test relocates every record of
 * this object against the running kernel's BTF (and other kernels' BTF
 * when it finds them) and checks the patched values against offsets it
 * looks up itself.
 *
 * What each part exercises:
 *   core_read      (raw_tp)  BPF_CORE_READ on one and several levels, strings,
 *                            a 10-level chain, a bitfield read with probes,
 *                            field/type/enum queries, a flavor that exists
 *                            (task_struct___ebpfc), one whose field does not
 *                            (poisoned, behind an existence check)
 *   core_direct    (tp_btf)  direct loads: ldx offsets, a load whose size the
 *                            loader adjusts, BPF_CORE_READ_BITFIELD
 *
 * Results go to .bss so that a loaded program's work could be checked too.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>
#include <ebpfc/bpf_core_read.h>

#define __core __attribute__((preserve_access_index))

struct task_struct {
	unsigned int __state;
	unsigned int flags;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	char comm[16];
	unsigned int in_execve:1;
	/* A u32 here, an unsigned long on 64-bit kernels: its loads are resized. */
	unsigned int atomic_flags;
} __core;

/* A flavor: matched to the kernel's task_struct by its name before "___". */
struct task_struct___ebpfc {
	int pid;
	int tgid;
} __core;

/* A field no kernel has: reads of it are poisoned, checked for first. */
struct task_struct___fantasy {
	long ebpfc_no_such_field;
} __core;

/* The name kernels before 5.14 gave __state. */
struct task_struct___pre514 {
	long state;
} __core;

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
};

enum pid_type___ebpfc {
	PIDTYPE_ebpfc_nonexistent = 42,
};

struct ebpfc_no_such_struct {
	int x;
};

struct core_result {
	int pid, tgid, ppid, flavor_pid, leader_tgid, deep_pid;
	char comm[16];
	char parent_comm[16];
	unsigned long long in_execve;
	unsigned long long state;
	unsigned long long atomic_flags;
	int fantasy;
	unsigned int pid_size, pid_off, state_exists, pre514_exists, fantasy_exists;
	unsigned int task_exists, task_size, nope_exists, nope_size;
	unsigned long long task_id_kernel, task_id_local;
	unsigned int tgid_exists, tgid_value, nonexistent_exists;
	unsigned int bit_signed;
};

struct core_result res;
struct core_result direct;

SEC("raw_tp/sched_process_exec")
int core_read(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct task_struct___ebpfc *flavor = (void *)task;
	struct task_struct___fantasy *fantasy = (void *)task;
	struct task_struct___pre514 *old = (void *)task;

	res.pid = BPF_CORE_READ(task, pid);
	res.tgid = BPF_CORE_READ(task, tgid);
	res.ppid = BPF_CORE_READ(task, real_parent, tgid);
	res.flavor_pid = BPF_CORE_READ(flavor, pid);
	BPF_CORE_READ_INTO(&res.leader_tgid, task, group_leader, tgid);
	res.deep_pid = BPF_CORE_READ(task, real_parent, real_parent, real_parent, real_parent,
				     real_parent, real_parent, real_parent, real_parent,
				     real_parent, pid);
	BPF_CORE_READ_STR_INTO(&res.comm, task, comm);
	BPF_CORE_READ_STR_INTO(&res.parent_comm, task, real_parent, comm);
	res.in_execve = BPF_CORE_READ_BITFIELD_PROBED(task, in_execve);
	res.bit_signed = __CORE_RELO(task, in_execve, SIGNED);

	res.state_exists = bpf_core_field_exists(task->__state);
	res.pre514_exists = bpf_core_field_exists(old->state);
	if (bpf_core_field_exists(task->__state))
		res.state = BPF_CORE_READ(task, __state);
	else
		res.state = BPF_CORE_READ(old, state);

	res.fantasy_exists = bpf_core_field_exists(struct task_struct___fantasy,
						   ebpfc_no_such_field);
	if (bpf_core_field_exists(fantasy->ebpfc_no_such_field))
		res.fantasy = BPF_CORE_READ(fantasy, ebpfc_no_such_field);

	res.pid_size = bpf_core_field_size(task->pid);
	res.pid_off = bpf_core_field_offset(struct task_struct, pid);
	res.task_exists = bpf_core_type_exists(struct task_struct);
	res.task_size = bpf_core_type_size(struct task_struct);
	res.nope_exists = bpf_core_type_exists(struct ebpfc_no_such_struct);
	res.nope_size = bpf_core_type_size(struct ebpfc_no_such_struct);
	res.task_id_kernel = bpf_core_type_id_kernel(struct task_struct);
	res.task_id_local = bpf_core_type_id_local(struct task_struct);
	res.tgid_exists = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID);
	res.tgid_value = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	res.nonexistent_exists = bpf_core_enum_value_exists(enum pid_type___ebpfc,
							    PIDTYPE_ebpfc_nonexistent);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int core_direct(unsigned long long *ctx)
{
	struct task_struct *p = (void *)ctx[0];

	direct.pid = p->pid;
	direct.tgid = p->tgid;
	direct.atomic_flags = p->atomic_flags;
	direct.in_execve = BPF_CORE_READ_BITFIELD(p, in_execve);
	return 0;
}

char _license[] SEC("license") = "GPL";
