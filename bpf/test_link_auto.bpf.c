/*
 * test_link_auto.bpf.c - programs whose sections name their targets, for
 * ebpfc_prog_attach() and ebpfc_object_attach_all() in tests/test_link.c,
 * next to ones that need a target the section cannot give (skipped).
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <ebpfc/bpf_helpers.h>

__u32 target_tgid;
__u64 getpid_nr;

__u64 auto_tp_hits;
__u64 auto_rawtp_hits;
__u64 auto_uprobe_hits;
__u64 auto_uretprobe_hits;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tp/syscalls/sys_enter_getpid")
int auto_tp(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&auto_tp_hits, 1);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int auto_rawtp(struct bpf_raw_tracepoint_args *ctx)
{
	if (mine() && ctx->args[1] == getpid_nr)
		__sync_fetch_and_add(&auto_rawtp_hits, 1);
	return 0;
}

SEC("uprobe/libc.so.6:getpid")
int auto_uprobe(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&auto_uprobe_hits, 1);
	return 0;
}

SEC("uretprobe/libc.so.6:getpid")
int auto_uretprobe(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&auto_uretprobe_hits, 1);
	return 0;
}

/* Needs a device: attach_all skips it. */
SEC("xdp")
int auto_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Needs a cgroup: skipped too. */
SEC("cgroup_skb/egress")
int auto_cg(struct __sk_buff *skb)
{
	return 1;
}

char _license[] SEC("license") = "GPL";
