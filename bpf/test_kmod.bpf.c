/*
 * test_kmod.bpf.c - fentry on a function of a kernel module (veth), whose
 * BTF id is only in /sys/kernel/btf/veth: the loader must search module
 * BTF and pass the module's BTF fd with the id.
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

__u64 opens;

SEC("fentry/veth_open")
int on_veth_open(__u64 *ctx)
{
	__sync_fetch_and_add(&opens, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
