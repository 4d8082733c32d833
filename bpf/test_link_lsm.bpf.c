/*
 * test_link_lsm.bpf.c - a BPF LSM program on file_open: counts the opens
 * of one process and, when asked, refuses them with -EPERM, so the test
 * sees the hook act on a real open(2).
 */
#include <linux/bpf.h>
#include <ebpfc/bpf_helpers.h>

__u32 target_tgid;
__u32 deny;
__u64 opens;

SEC("lsm/file_open")
int check_file_open(__u64 *ctx)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	__sync_fetch_and_add(&opens, 1);
	return deny ? -1 /* -EPERM */ : 0;
}

char LICENSE[] SEC("license") = "GPL";
