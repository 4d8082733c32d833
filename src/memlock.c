/*
 * memlock.c - raising RLIMIT_MEMLOCK, only on kernels that still charge
 * BPF maps and programs to it.
 *
 * Since 5.11 the kernel charges BPF memory to the memory cgroup and
 * ignores RLIMIT_MEMLOCK; raising the limit there would change a process
 * setting for nothing. The probe: the helper bpf_ktime_get_coarse_ns (id
 * 160) arrived in the same release as memcg accounting, so a tiny program
 * calling it loads exactly on kernels that no longer need the raise. A
 * release that says 5.11 or later skips even that (a program load is the
 * slowest part of the check): the charging code is gone from those kernels,
 * whatever a distribution backported into older ones is what the probe is
 * for. The check runs once per process: its one-bit result is a fact about
 * the kernel, not configuration, so keeping it globally is harmless.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <ebpfc/sys.h>
#include "internal.h"

#define BPF_FUNC_KTIME_GET_COARSE_NS 160

static int memlock_state; /* 0 not probed, 1 done */

/* The release is 5.11 or later ("6.1.0-56-amd64", "5.15.0-91-generic"). */
static bool release_after_memlock(void)
{
	unsigned int major, minor;
	struct utsname u;

	return uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	       (major > 5 || (major == 5 && minor >= 11));
}

static bool kernel_uses_memcg(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_KTIME_GET_COARSE_NS },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd, err;

	err = ebpfc_sys_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "memlock_probe", "GPL", insns,
				  EBPFC__ARRAY_SIZE(insns), NULL, &fd);
	if (err)
		return false;
	ebpfc__close(fd);
	return true;
}

void ebpfc__memlock_autoraise(void)
{
	struct rlimit rl;

	if (__atomic_load_n(&memlock_state, __ATOMIC_ACQUIRE))
		return;
	/* Two threads may probe at once; both reach the same answer. */
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    !release_after_memlock() && !kernel_uses_memcg()) {
		rl.rlim_cur = RLIM_INFINITY;
		rl.rlim_max = RLIM_INFINITY;
		if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0) {
			/* Without CAP_SYS_RESOURCE: raise the soft limit as far as allowed. */
			getrlimit(RLIMIT_MEMLOCK, &rl);
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_MEMLOCK, &rl);
		}
	}
	ebpfc__err_clear();
	__atomic_store_n(&memlock_state, 1, __ATOMIC_RELEASE);
}
