/*
 * section.c - the table from SEC() names to program types and expected
 * attach types. Names follow libbpf's conventions so that BPF programs
 * written for libbpf load unchanged; the table is ours.
 *
 * Matching rules: an entry with EBPFC__SEC_PREFIX matches "prefix" alone or
 * "prefix/anything" (the rest is the attach target); other entries match
 * the whole name exactly, or the name followed by '/' and anything (clang
 * users often write "xdp/my_prog" to get distinct sections).
 */
#include <string.h>

#include "attr.h"
#include "section.h"

#define P EBPFC__SEC_PREFIX
#define S EBPFC__SEC_SLEEPABLE
#define B EBPFC__SEC_ATTACH_BTF
#define F EBPFC__SEC_XDP_FRAGS

static const struct ebpfc__sec_def sec_defs[] = {
	/* Longer names first where one is a prefix of another. */
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0 },
	{ "sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0 },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0 },
	{ "kprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, P },
	{ "kretprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, P },
	{ "kprobe.session", BPF_PROG_TYPE_KPROBE, EBPFC__BPF_TRACE_KPROBE_SESSION, P },
	{ "uprobe.multi.s", BPF_PROG_TYPE_KPROBE, EBPFC__BPF_TRACE_UPROBE_MULTI, P | S },
	{ "uretprobe.multi.s", BPF_PROG_TYPE_KPROBE, EBPFC__BPF_TRACE_UPROBE_MULTI, P | S },
	{ "uprobe.multi", BPF_PROG_TYPE_KPROBE, EBPFC__BPF_TRACE_UPROBE_MULTI, P },
	{ "uretprobe.multi", BPF_PROG_TYPE_KPROBE, EBPFC__BPF_TRACE_UPROBE_MULTI, P },
	{ "uprobe.session.s", BPF_PROG_TYPE_KPROBE, EBPFC__BPF_TRACE_UPROBE_SESSION, P | S },
	{ "uprobe.session", BPF_PROG_TYPE_KPROBE, EBPFC__BPF_TRACE_UPROBE_SESSION, P },
	{ "kprobe", BPF_PROG_TYPE_KPROBE, 0, P },
	{ "kretprobe", BPF_PROG_TYPE_KPROBE, 0, P },
	{ "uprobe.s", BPF_PROG_TYPE_KPROBE, 0, P | S },
	{ "uretprobe.s", BPF_PROG_TYPE_KPROBE, 0, P | S },
	{ "uprobe", BPF_PROG_TYPE_KPROBE, 0, P },
	{ "uretprobe", BPF_PROG_TYPE_KPROBE, 0, P },
	{ "ksyscall", BPF_PROG_TYPE_KPROBE, 0, P },
	{ "kretsyscall", BPF_PROG_TYPE_KPROBE, 0, P },
	{ "usdt.s", BPF_PROG_TYPE_KPROBE, 0, P | S },
	{ "usdt", BPF_PROG_TYPE_KPROBE, 0, P },
	{ "tc/ingress", BPF_PROG_TYPE_SCHED_CLS, EBPFC__BPF_TCX_INGRESS, 0 },
	{ "tc/egress", BPF_PROG_TYPE_SCHED_CLS, EBPFC__BPF_TCX_EGRESS, 0 },
	{ "tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, EBPFC__BPF_TCX_INGRESS, 0 },
	{ "tcx/egress", BPF_PROG_TYPE_SCHED_CLS, EBPFC__BPF_TCX_EGRESS, 0 },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0 },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, 0 },
	{ "action", BPF_PROG_TYPE_SCHED_ACT, 0, 0 },
	{ "netkit/primary", BPF_PROG_TYPE_SCHED_CLS, EBPFC__BPF_NETKIT_PRIMARY, 0 },
	{ "netkit/peer", BPF_PROG_TYPE_SCHED_CLS, EBPFC__BPF_NETKIT_PEER, 0 },
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, P },
	{ "tp", BPF_PROG_TYPE_TRACEPOINT, 0, P },
	{ "raw_tracepoint.w", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, P },
	{ "raw_tp.w", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, P },
	{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, P },
	{ "raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, P },
	{ "tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, P | B },
	{ "fentry.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, P | B | S },
	{ "fmod_ret.s", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, P | B | S },
	{ "fexit.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, P | B | S },
	{ "fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, P | B },
	{ "fmod_ret", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, P | B },
	{ "fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, P | B },
	{ "freplace", BPF_PROG_TYPE_EXT, 0, P | B },
	{ "lsm.s", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, P | B | S },
	{ "lsm_cgroup", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, P | B },
	{ "lsm", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, P | B },
	{ "iter.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, P | B | S },
	{ "iter", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, P | B },
	{ "syscall", BPF_PROG_TYPE_SYSCALL, 0, S },
	{ "xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, F },
	{ "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0 },
	{ "xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, F },
	{ "xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0 },
	{ "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, F },
	{ "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0 },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 0 },
	{ "lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 0 },
	{ "lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, 0 },
	{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, 0 },
	{ "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0 },
	{ "sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0 },
	{ "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0 },
	{ "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0 },
	{ "sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, 0 },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, 0 },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0 },
	{ "lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0 },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0 },
	{ "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0 },
	{ "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0 },
	{ "cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 0 },
	{ "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0 },
	{ "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0 },
	{ "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0 },
	{ "cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0 },
	{ "cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0 },
	{ "cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0 },
	{ "cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0 },
	{ "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0 },
	{ "cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0 },
	{ "cgroup/connect_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, EBPFC__BPF_CGROUP_UNIX_CONNECT, 0 },
	{ "cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0 },
	{ "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0 },
	{ "cgroup/sendmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, EBPFC__BPF_CGROUP_UNIX_SENDMSG, 0 },
	{ "cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0 },
	{ "cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0 },
	{ "cgroup/recvmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, EBPFC__BPF_CGROUP_UNIX_RECVMSG, 0 },
	{ "cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0 },
	{ "cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0 },
	{ "cgroup/getpeername_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, EBPFC__BPF_CGROUP_UNIX_GETPEERNAME, 0 },
	{ "cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0 },
	{ "cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0 },
	{ "cgroup/getsockname_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, EBPFC__BPF_CGROUP_UNIX_GETSOCKNAME, 0 },
	{ "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0 },
	{ "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0 },
	{ "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0 },
	{ "cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0 },
	{ "struct_ops.s", BPF_PROG_TYPE_STRUCT_OPS, 0, P | S },
	{ "struct_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, P },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0 },
	{ "netfilter", EBPFC__BPF_PROG_TYPE_NETFILTER, EBPFC__BPF_NETFILTER, 0 },
};

const struct ebpfc__sec_def *ebpfc__sec_find(const char *name, const char **target)
{
	size_t i, n;

	for (i = 0; i < EBPFC__ARRAY_SIZE(sec_defs); i++) {
		const struct ebpfc__sec_def *d = &sec_defs[i];

		n = strlen(d->prefix);
		if (strncmp(name, d->prefix, n) != 0)
			continue;
		if (name[n] == '\0') {
			*target = "";
			return d;
		}
		if (name[n] == '/') {
			*target = name + n + 1;
			return d;
		}
	}
	*target = "";
	return NULL;
}
