/*
 * test_externs.bpf.c - every kind of extern the loader provides: .kconfig
 * values (LINUX_KERNEL_VERSION, a bool, a weak int, a tristate, a string),
 * a typeless __ksym (an address from /proc/kallsyms), a typed __ksym
 * (a BTF id) and kfunc calls.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

enum libbpf_tristate;
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_EBPFC_TEST_INT __kconfig __weak;
extern int CONFIG_EBPFC_ABSENT __kconfig __weak;
extern enum libbpf_tristate CONFIG_EBPFC_TEST_MOD __kconfig __weak;
extern char CONFIG_EBPFC_TEST_STR[8] __kconfig __weak;
extern const void bpf_prog_put __ksym;
extern const void ebpfc_no_such_symbol __ksym __weak;

struct task_struct;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

__u64 kver, wrapper, syscall_on, test_int, absent, tristate, addr, weak_addr;
char str[8];

SEC("raw_tp/sys_enter")
int read_externs(void *ctx)
{
	kver = LINUX_KERNEL_VERSION;
	wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	syscall_on = CONFIG_BPF_SYSCALL;
	test_int = CONFIG_EBPFC_TEST_INT;
	absent = CONFIG_EBPFC_ABSENT;
	tristate = (__u64)CONFIG_EBPFC_TEST_MOD;
	__builtin_memcpy(str, CONFIG_EBPFC_TEST_STR, sizeof(str));
	addr = (__u64)&bpf_prog_put;
	weak_addr = (__u64)&ebpfc_no_such_symbol;
	return 0;
}

SEC("tp_btf/sys_enter")
int call_kfuncs(__u64 *ctx)
{
	struct task_struct *t = bpf_task_acquire((void *)bpf_get_current_task_btf());

	if (t)
		bpf_task_release(t);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
