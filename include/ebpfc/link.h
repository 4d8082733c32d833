/*
 * ebpfc/link.h - attaching loaded programs to the kernel's hooks, and the
 * link handles that keep them attached.
 *
 * One handle type, struct ebpfc_link, for every kind of attachment: a
 * kernel bpf link where the kernel has one for the hook, or the older
 * interface where it has not (rtnetlink for XDP and tc, a perf event's
 * ioctl for tracepoints and probes, BPF_PROG_ATTACH for cgroups, sockmaps
 * and netns hooks). ebpfc picks the newest interface the running kernel
 * has; options ask for the older one explicitly.
 *
 * Ownership: the caller owns a link; destroying it detaches the program,
 * unless the link is pinned in bpffs (then only the handle goes, and the
 * attachment lives on until the pin is removed). A link keeps its own
 * duplicates of the fds it needs, so the program, map or cgroup fd passed
 * in may be closed at once. The program handle may be destroyed too: the
 * kernel holds the program while it is attached.
 *
 * Every function returns 0 or a negative errno with a message in
 * ebpfc_errmsg(); objects come back through out-parameters.
 */
#ifndef EBPFC_LINK_H
#define EBPFC_LINK_H

#include <stdbool.h>
#include <linux/types.h>
#include <ebpfc/common.h>
#include <ebpfc/prog.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfc_link;
struct ebpfc_object;

/*
 * Ordering flags for tcx (and the values of the kernel's BPF_F_BEFORE,
 * BPF_F_AFTER, BPF_F_ID and BPF_F_LINK, which older uapi headers lack).
 */
#define EBPFC_F_BEFORE (1U << 3)
#define EBPFC_F_AFTER (1U << 4)
#define EBPFC_F_ID (1U << 5)	/* relative_id is a program (or link) id, not an fd */
#define EBPFC_F_LINK (1U << 13)	/* the relative object is a link, not a program */

/* What a link attaches to. */
enum ebpfc_link_kind {
	EBPFC_LINK_UNKNOWN = 0,		/* opened from a pin, of a type ebpfc does not name */
	EBPFC_LINK_XDP,
	EBPFC_LINK_TC,			/* tcx link, or a cls_bpf filter on a clsact qdisc */
	EBPFC_LINK_TRACEPOINT,
	EBPFC_LINK_RAW_TP,
	EBPFC_LINK_TRACING,		/* tp_btf, fentry, fexit, fmod_ret, lsm, freplace */
	EBPFC_LINK_KPROBE,		/* kprobe, kretprobe, ksyscall */
	EBPFC_LINK_KPROBE_MULTI,
	EBPFC_LINK_UPROBE,		/* uprobe, uretprobe */
	EBPFC_LINK_UPROBE_MULTI,
	EBPFC_LINK_PERF_EVENT,
	EBPFC_LINK_CGROUP,
	EBPFC_LINK_SOCKMAP,		/* sk_skb, sk_msg on a sockmap or sockhash */
	EBPFC_LINK_NETNS,		/* sk_lookup, flow_dissector */
	EBPFC_LINK_ITER,
	EBPFC_LINK_NETFILTER,
};

/* How the kernel holds the attachment. */
enum ebpfc_link_mech {
	EBPFC_LINK_MECH_BPF_LINK = 0,	/* a kernel bpf link: pinnable, updatable */
	EBPFC_LINK_MECH_PERF_IOCTL,	/* PERF_EVENT_IOC_SET_BPF on a perf event (before 5.15) */
	EBPFC_LINK_MECH_NETLINK,	/* rtnetlink: IFLA_XDP, or a clsact qdisc's cls_bpf filter */
	EBPFC_LINK_MECH_PROG_ATTACH,	/* BPF_PROG_ATTACH: cgroups, sockmaps, netns */
};

/* ---- the program's own section: auto-attach ----------------------------------- */

/*
 * Attach a program of a loaded object where its section name says:
 * "tracepoint/CAT/NAME" (or "tp/"), "raw_tp/NAME", "tp_btf/NAME",
 * "fentry/FUNC", "fexit/", "fmod_ret/", "lsm/HOOK", "freplace/" (the target
 * given before load), "kprobe/FUNC[+OFF]", "kretprobe/FUNC",
 * "ksyscall/NAME", "kretsyscall/NAME", "kprobe.multi/PATTERN",
 * "kretprobe.multi/PATTERN", "uprobe/BINARY:FUNC[+OFF]", "uretprobe/...",
 * "uprobe.multi/BINARY:PATTERN", "iter/NAME". Programs whose hook needs a
 * target the section cannot name (xdp, tc, cgroup, sockmap, perf_event,
 * netns, netfilter) fail with -EOPNOTSUPP and a message naming the
 * ebpfc_prog_attach_*() function to call instead.
 */
EBPFC_API int ebpfc_prog_attach(const struct ebpfc_prog *prog, struct ebpfc_link **link);

/* The links ebpfc_object_attach_all() made. */
struct ebpfc_link_set;

/*
 * ebpfc_prog_attach() for every loaded program of obj that can attach on
 * its own; the others are skipped with a line to the object's log
 * callback. On failure nothing stays attached. An object with nothing to
 * attach gives an empty set.
 */
EBPFC_API int ebpfc_object_attach_all(struct ebpfc_object *obj, struct ebpfc_link_set **set);
EBPFC_API size_t ebpfc_link_set_count(const struct ebpfc_link_set *set);
/* The idx-th link (idx < count), owned by the set. */
EBPFC_API struct ebpfc_link *ebpfc_link_set_at(const struct ebpfc_link_set *set, size_t idx);
/* The link of the program called name; -ENOENT when it was not attached. */
EBPFC_API int ebpfc_link_set_find(const struct ebpfc_link_set *set, const char *name,
				  struct ebpfc_link **link);
/* Destroy every link of the set (detaching those not pinned) and the set. NULL is a no-op. */
EBPFC_API void ebpfc_link_set_destroy(struct ebpfc_link_set *set);

/* ---- networking ---------------------------------------------------------------- */

struct ebpfc_xdp_attach_opts {
	size_t sz;
	/* XDP_FLAGS_SKB_MODE (generic), _DRV_MODE (native) or _HW_MODE; 0: the kernel's choice. */
	__u32 flags;
	/*
	 * Attach through rtnetlink (IFLA_XDP) even where the kernel has XDP
	 * links (5.9+). Without links ebpfc uses netlink anyway.
	 */
	bool netlink;
	/*
	 * Netlink only: replace this attached program (IFLA_XDP_EXPECTED_FD,
	 * 5.7+). 0: fail with -EBUSY when the device already has a program.
	 */
	int expected_prog_fd;
};

/*
 * Attach an XDP program to the device ifindex of the calling thread's
 * network namespace. A bpf link refuses a device that already runs a
 * program (-EBUSY), and so does the netlink path unless expected_prog_fd
 * names it. Destroying a netlink attachment removes the program only if it
 * is still this one.
 */
EBPFC_API int ebpfc_prog_attach_xdp(const struct ebpfc_prog *prog, int ifindex,
				    const struct ebpfc_xdp_attach_opts *opts,
				    struct ebpfc_link **link);

enum ebpfc_tc_dir {
	EBPFC_TC_INGRESS = 1,
	EBPFC_TC_EGRESS = 2,
};

struct ebpfc_tc_attach_opts {
	size_t sz;
	/*
	 * Use a clsact qdisc and a cls_bpf filter in direct-action mode even
	 * where the kernel has tcx (6.6+). Without tcx ebpfc does so anyway.
	 */
	bool legacy;
	/*
	 * tcx: where in the device's chain. 0 appends; EBPFC_F_BEFORE or
	 * EBPFC_F_AFTER place the program before or after relative_fd (a
	 * program fd, or a link fd with EBPFC_F_LINK) or, with EBPFC_F_ID,
	 * relative_id; with neither, before everything or after everything.
	 */
	__u32 flags;
	int relative_fd;
	__u32 relative_id;
	/* tcx: fail with -ESTALE unless the chain is at this revision (0: any). */
	__u64 expected_revision;
	/* clsact: the filter's priority and handle; 0 lets the kernel pick. */
	__u16 priority;
	__u32 handle;
};

/*
 * Attach a sched_cls program to ingress or egress of device ifindex (in
 * the calling thread's network namespace). On the clsact path ebpfc
 * creates the qdisc when the device has none; destroying the link removes
 * its filter, and the qdisc too when ebpfc created it and no other filter
 * is left on it (so with several clsact links on one device, destroy the
 * first one made last).
 */
EBPFC_API int ebpfc_prog_attach_tc(const struct ebpfc_prog *prog, int ifindex,
				   enum ebpfc_tc_dir dir, const struct ebpfc_tc_attach_opts *opts,
				   struct ebpfc_link **link);

/* ---- tracing --------------------------------------------------------------------- */

/* Options of the hooks reached through a perf event. */
struct ebpfc_tracepoint_attach_opts {
	size_t sz;
	__u64 cookie;		/* bpf_get_attach_cookie(); needs a bpf link (5.15+) */
	/* PERF_EVENT_IOC_SET_BPF even where perf links exist (what kernels before 5.15 get). */
	bool perf_ioctl;
};

/*
 * Attach to the tracepoint category:name ("syscalls", "sys_enter_openat"),
 * whose id is read from tracefs (mounted at /sys/kernel/tracing when no
 * tracefs is found and the process may mount it).
 */
EBPFC_API int ebpfc_prog_attach_tracepoint(const struct ebpfc_prog *prog, const char *category,
					   const char *name,
					   const struct ebpfc_tracepoint_attach_opts *opts,
					   struct ebpfc_link **link);

struct ebpfc_raw_tp_attach_opts {
	size_t sz;
	__u64 cookie;		/* 6.10+ */
};

/* Attach a raw_tracepoint program to the raw tracepoint name ("sys_enter"). */
EBPFC_API int ebpfc_prog_attach_raw_tp(const struct ebpfc_prog *prog, const char *name,
				       const struct ebpfc_raw_tp_attach_opts *opts,
				       struct ebpfc_link **link);

struct ebpfc_tracing_attach_opts {
	size_t sz;
	__u64 cookie;		/* fentry/fexit/fmod_ret/lsm 5.19+, tp_btf 6.10+ */
};

/*
 * Attach a BTF-based tracing program (tp_btf, fentry, fexit, fmod_ret,
 * lsm, freplace) to the target it was loaded for.
 */
EBPFC_API int ebpfc_prog_attach_tracing(const struct ebpfc_prog *prog,
					const struct ebpfc_tracing_attach_opts *opts,
					struct ebpfc_link **link);

/*
 * Attach a freplace program in place of function func of the loaded
 * program target_prog_fd (the target must have the type the freplace
 * program was loaded against). target_prog_fd 0 and func NULL: the target
 * given at load.
 */
EBPFC_API int ebpfc_prog_attach_freplace(const struct ebpfc_prog *prog, int target_prog_fd,
					 const char *func, struct ebpfc_link **link);

struct ebpfc_kprobe_attach_opts {
	size_t sz;
	__u64 offset;		/* bytes into the function (kprobes only) */
	bool retprobe;		/* a kretprobe: at the function's return */
	__u64 cookie;
	/*
	 * Create the probe through tracefs kprobe_events (uniquely named,
	 * removed on destroy) even where the kernel has the kprobe PMU.
	 */
	bool tracefs;
	bool perf_ioctl;	/* as in ebpfc_tracepoint_attach_opts */
};

/* Attach a kprobe program to kernel function func (+ opts->offset). */
EBPFC_API int ebpfc_prog_attach_kprobe(const struct ebpfc_prog *prog, const char *func,
				       const struct ebpfc_kprobe_attach_opts *opts,
				       struct ebpfc_link **link);

/*
 * A kprobe on the entry of system call name ("openat"): on the
 * architecture's syscall wrapper (__x64_sys_openat) where the kernel has
 * one, else on sys_openat. opts->offset must be 0.
 */
EBPFC_API int ebpfc_prog_attach_ksyscall(const struct ebpfc_prog *prog, const char *name,
					 const struct ebpfc_kprobe_attach_opts *opts,
					 struct ebpfc_link **link);

struct ebpfc_kprobe_multi_attach_opts {
	size_t sz;
	/* Exact function names instead of a pattern, and a cookie for each (may be NULL). */
	const char **syms;
	const __u64 *cookies;
	size_t cnt;
	bool retprobe;
};

/*
 * One kprobe.multi link (5.18+) on every kernel function matching the glob
 * pattern ('*' and '?') in tracefs available_filter_functions, or on
 * opts->syms (pattern NULL).
 */
EBPFC_API int ebpfc_prog_attach_kprobe_multi(const struct ebpfc_prog *prog, const char *pattern,
					     const struct ebpfc_kprobe_multi_attach_opts *opts,
					     struct ebpfc_link **link);

struct ebpfc_uprobe_attach_opts {
	size_t sz;
	/* Added to func's offset, or the file offset itself when func is NULL. */
	__u64 offset;
	int pid;		/* only this process; 0: every process that maps the file */
	bool retprobe;
	__u64 cookie;
	__u64 ref_ctr_offset;	/* file offset of a USDT semaphore to count on (0: none) */
	bool tracefs;		/* uprobe_events even where the uprobe PMU exists */
	bool perf_ioctl;
};

/*
 * Attach a uprobe program to function func of binary: a path, or a bare
 * name looked up like the dynamic linker does for libraries ("libc.so.6":
 * /etc/ld.so.cache, then the standard library directories) and like a
 * shell does for programs (PATH). func is found in .symtab or .dynsym and
 * turned into a file offset.
 */
EBPFC_API int ebpfc_prog_attach_uprobe(const struct ebpfc_prog *prog, const char *binary,
				       const char *func, const struct ebpfc_uprobe_attach_opts *opts,
				       struct ebpfc_link **link);

struct ebpfc_uprobe_multi_attach_opts {
	size_t sz;
	/* Exact function names, or file offsets, instead of a pattern (cnt of them). */
	const char **syms;
	const __u64 *offsets;
	const __u64 *ref_ctr_offsets;	/* may be NULL */
	const __u64 *cookies;		/* may be NULL */
	size_t cnt;
	int pid;
	bool retprobe;
};

/*
 * One uprobe.multi link (6.6+) on every function of binary matching the
 * glob pattern, or on opts->syms / opts->offsets (pattern NULL).
 */
EBPFC_API int ebpfc_prog_attach_uprobe_multi(const struct ebpfc_prog *prog, const char *binary,
					     const char *pattern,
					     const struct ebpfc_uprobe_multi_attach_opts *opts,
					     struct ebpfc_link **link);

/*
 * Where a uprobe on func of binary goes: the binary's path as found
 * (written to path, path_sz bytes) and func's file offset. For callers
 * that make their own probes, and for checking a target before attaching.
 */
EBPFC_API int ebpfc_uprobe_resolve(const char *binary, const char *func, char *path,
				   size_t path_sz, __u64 *offset);

struct ebpfc_perf_event_attach_opts {
	size_t sz;
	__u64 cookie;
	bool perf_ioctl;
};

/*
 * Attach a program to a perf event the caller opened (perf_event_open(2)),
 * e.g. a CPU clock on each CPU for a sampling perf_event program, or a
 * tracepoint or probe event for the program types above. The link keeps
 * a duplicate of perf_fd. On the perf_ioctl path destroying the link
 * disables the event, which stops a sampling event's program; the kernel
 * detaches the program only when the event is closed everywhere.
 */
EBPFC_API int ebpfc_prog_attach_perf_event(const struct ebpfc_prog *prog, int perf_fd,
					   const struct ebpfc_perf_event_attach_opts *opts,
					   struct ebpfc_link **link);

/* ---- cgroups, sockets, namespaces, iterators --------------------------------------- */

struct ebpfc_cgroup_attach_opts {
	size_t sz;
	/* The hook (BPF_CGROUP_*), when attach_type_set; else the program's expected attach type. */
	__u32 attach_type;
	bool attach_type_set;
	/*
	 * BPF_F_ALLOW_MULTI or BPF_F_ALLOW_OVERRIDE: attach with the legacy
	 * BPF_PROG_ATTACH and these flags instead of a link (which behaves as
	 * ALLOW_MULTI). Also used without links (before 5.7).
	 */
	__u32 flags;
	bool legacy;		/* BPF_PROG_ATTACH even with flags 0 (exclusive) */
};

/* Attach a cgroup program to the cgroup v2 directory open at cgroup_fd. */
EBPFC_API int ebpfc_prog_attach_cgroup(const struct ebpfc_prog *prog, int cgroup_fd,
				       const struct ebpfc_cgroup_attach_opts *opts,
				       struct ebpfc_link **link);

struct ebpfc_sockmap_attach_opts {
	size_t sz;
	/* BPF_SK_SKB_STREAM_PARSER, _STREAM_VERDICT, _VERDICT or BPF_SK_MSG_VERDICT, when set. */
	__u32 attach_type;
	bool attach_type_set;
	bool legacy;		/* BPF_PROG_ATTACH even where sockmap links exist (6.10+) */
};

/* Attach an sk_skb or sk_msg program to a sockmap or sockhash. */
EBPFC_API int ebpfc_prog_attach_sockmap(const struct ebpfc_prog *prog, int map_fd,
					const struct ebpfc_sockmap_attach_opts *opts,
					struct ebpfc_link **link);

struct ebpfc_netns_attach_opts {
	size_t sz;
	/* flow_dissector: BPF_PROG_ATTACH to the calling thread's namespace, not a link. */
	bool legacy;
};

/*
 * Attach an sk_lookup or flow_dissector program to the network namespace
 * open at netns_fd (e.g. /proc/self/ns/net).
 */
EBPFC_API int ebpfc_prog_attach_netns(const struct ebpfc_prog *prog, int netns_fd,
				      const struct ebpfc_netns_attach_opts *opts,
				      struct ebpfc_link **link);

struct ebpfc_iter_attach_opts {
	size_t sz;
	int map_fd;		/* bpf_map_elem, bpf_sk_storage_map, sockmap iterators */
	int cgroup_fd;		/* cgroup iterator: where to start (or cgroup_id) */
	__u64 cgroup_id;
	__u32 cgroup_order;	/* enum bpf_cgroup_iter_order */
	__u32 tid;		/* task iterators: one thread, or */
	__u32 pid;		/* one process, or */
	__u32 pid_fd;		/* one process by pidfd (0: every task) */
};

/*
 * Create an iterator link; read what the program writes with
 * ebpfc_link_iter_read() or ebpfc_link_iter_open(), as often as wanted.
 */
EBPFC_API int ebpfc_prog_attach_iter(const struct ebpfc_prog *prog,
				     const struct ebpfc_iter_attach_opts *opts,
				     struct ebpfc_link **link);
/* A new iteration: an fd to read(2) to EOF, owned (and closed) by the caller. */
EBPFC_API int ebpfc_link_iter_open(const struct ebpfc_link *link, int *fd);
/* One whole iteration into a malloc'd, NUL-terminated buffer (free it); *len may be NULL. */
EBPFC_API int ebpfc_link_iter_read(const struct ebpfc_link *link, char **buf, size_t *len);

struct ebpfc_netfilter_attach_opts {
	size_t sz;
	__u32 pf;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	__u32 hooknum;		/* NF_INET_PRE_ROUTING ... NF_INET_POST_ROUTING */
	__s32 priority;
	__u32 flags;		/* BPF_F_NETFILTER_IP_DEFRAG */
};

/* Attach a netfilter program (6.4+) to a hook of the calling thread's namespace. */
EBPFC_API int ebpfc_prog_attach_netfilter(const struct ebpfc_prog *prog,
					  const struct ebpfc_netfilter_attach_opts *opts,
					  struct ebpfc_link **link);

/* ---- links ------------------------------------------------------------------------ */

/*
 * Detach (unless pinned), close every fd the link holds (removing any
 * tracefs probe or qdisc it created) and free it. NULL is a no-op.
 * Failures to detach go nowhere: the handle is freed regardless.
 */
EBPFC_API void ebpfc_link_destroy(struct ebpfc_link *link);

/*
 * The kernel link's fd; for the perf_ioctl mechanism, the perf event's.
 * -ENOENT for netlink and BPF_PROG_ATTACH attachments, which have none;
 * -EINVAL for NULL.
 */
EBPFC_API int ebpfc_link_fd(const struct ebpfc_link *link);

EBPFC_API enum ebpfc_link_kind ebpfc_link_kind(const struct ebpfc_link *link);
EBPFC_API enum ebpfc_link_mech ebpfc_link_mech(const struct ebpfc_link *link);
/* "xdp", "tc", "tracepoint", ...; "unknown" for a kind ebpfc does not name. */
EBPFC_API const char *ebpfc_link_kind_name(enum ebpfc_link_kind kind);

/*
 * Pin a bpf link at path in bpffs: it then outlives the handle and the
 * process. Only bpf links can be pinned (-EOPNOTSUPP otherwise).
 */
EBPFC_API int ebpfc_link_pin(struct ebpfc_link *link, const char *path);
/* Remove the pin made by ebpfc_link_pin() or found by open_pinned; destroy then detaches. */
EBPFC_API int ebpfc_link_unpin(struct ebpfc_link *link);
/* The pin path, or "" when the link is not pinned. */
EBPFC_API const char *ebpfc_link_pin_path(const struct ebpfc_link *link);
/* A handle on the link pinned at path; it counts as pinned (destroy keeps it). */
EBPFC_API int ebpfc_link_open_pinned(const char *path, struct ebpfc_link **link);

/*
 * Replace the link's program with new_prog atomically (BPF_LINK_UPDATE;
 * for a netlink XDP attachment, IFLA_XDP with the expected program). With
 * old_prog, only if that is the program attached now (-EPERM otherwise).
 */
EBPFC_API int ebpfc_link_update_prog(struct ebpfc_link *link, const struct ebpfc_prog *new_prog,
				     const struct ebpfc_prog *old_prog);

/*
 * Detach the program now but keep the handle: a bpf link's fd stays open
 * and defunct (BPF_LINK_DETACH, 5.9+), pinned or not; other attachments
 * are undone (a perf_ioctl event is closed). Destroy the handle later as
 * usual. The kernel can detach xdp, tc, cgroup, netns, sockmap and
 * netfilter links so; the others (tracing, raw_tp, perf links of
 * tracepoints and probes, iterators) give -EOPNOTSUPP: destroy them.
 */
EBPFC_API int ebpfc_link_detach(struct ebpfc_link *link);

struct ebpfc_link_info {
	enum ebpfc_link_kind kind;
	enum ebpfc_link_mech mech;
	__u32 link_type;	/* BPF_LINK_TYPE_*; 0 when not a bpf link */
	__u32 id;		/* link id; 0 when not a bpf link */
	__u32 prog_id;		/* 0 once detached */
	__u32 attach_type;	/* BPF_*, where known */
	__u32 ifindex;		/* xdp, tc */
	__u64 cgroup_id;	/* cgroup */
	__u32 netns_ino;	/* netns */
	__u32 map_id;		/* sockmap, map iterators */
	__u32 target_obj_id;	/* tracing: BTF object id, or the target program's id (freplace) */
	__u32 target_btf_id;
	__u64 cookie;
	__u64 offset;		/* kprobe, uprobe */
	/*
	 * The target by name: "CAT:NAME" for a tracepoint, the raw tracepoint,
	 * the kprobe's function, the uprobe's file, the iterator's target, the
	 * device ("eth0", "eth0:ingress"), the cgroup's path; "" when there is
	 * none. For a link opened from a pin, the kernel's name where it
	 * reports one (raw_tp, iter; perf events since 6.6: the event's name
	 * without its category).
	 */
	char name[256];
	bool pinned;
	bool detached;		/* by ebpfc_link_detach() (or the kernel: the hook went away) */
};

/* Fill *info from the kernel (bpf links) and from what ebpfc knows of the attachment. */
EBPFC_API int ebpfc_link_info(const struct ebpfc_link *link, struct ebpfc_link_info *info);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_LINK_H */
