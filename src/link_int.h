/*
 * link_int.h - the inside of struct ebpfc_link and what the link files
 * share: link.c (lifecycle, pin, update, info), link_net.c (xdp, tc),
 * link_trace.c (tracepoints, raw_tp, BTF tracing, perf events, tracefs),
 * link_probe.c (kprobes, uprobes), link_resolve.c (binaries, symbols,
 * patterns), link_cgroup.c (cgroups, sockmaps, netns, iterators,
 * netfilter) and link_auto.c (attach by section name).
 */
#ifndef EBPFC_LINK_INT_H
#define EBPFC_LINK_INT_H

#include <ebpfc/link.h>
#include "internal.h"
#include "netlink.h"
#include "prog_int.h"

/* A probe ebpfc created through tracefs, removed when the link goes. */
struct ebpfc__tracefs_probe {
	char *events_file;	/* ".../kprobe_events" or ".../uprobe_events" */
	char *event;		/* "ebpfc/<name>" */
};

struct ebpfc_link {
	enum ebpfc_link_kind kind;
	enum ebpfc_link_mech mech;
	int fd;			/* bpf link, or the perf event (PERF_IOCTL); -1 for none */
	int perf_fd;		/* the perf event under a BPF_PERF_EVENT link; -1 */
	int prog_fd;		/* dup: NETLINK and PROG_ATTACH detach with it; -1 */
	int target_fd;		/* dup: PROG_ATTACH's cgroup, map or netns; -1 */
	__u32 attach_type;
	__u32 prog_id;		/* of the program attached, for info without a bpf link */
	__u64 cookie;
	__u64 offset;		/* kprobe, uprobe */
	char *name;		/* the target by name (see ebpfc_link_info.name), or NULL */
	char *pin_path;		/* NULL when not pinned */
	bool detached;
	struct ebpfc__tracefs_probe probe;
	/* NETLINK */
	struct ebpfc__nl nl;	/* a socket in the namespace the device is in */
	int ifindex;
	__u32 xdp_flags;
	__u32 tc_parent;
	__u32 tc_handle;
	__u16 tc_prio;
	bool tc_qdisc_created;
};

/* link.c */

/* A zeroed link with every fd at -1; NULL with a message when out of memory. */
EBPFC__HIDDEN struct ebpfc_link *ebpfc__link_new(enum ebpfc_link_kind kind,
						 enum ebpfc_link_mech mech);
/* Free a link that never attached (or whose attachment was undone). NULL is fine. */
EBPFC__HIDDEN void ebpfc__link_free(struct ebpfc_link *link);
/* Set link->name with printf rules; -ENOMEM with a message. */
EBPFC__HIDDEN int ebpfc__link_set_name(struct ebpfc_link *link, const char *fmt, ...)
	EBPFC__PRINTF(2, 3);
/*
 * Put "<printf fmt>: " in front of the current ebpfc_errmsg() (which the
 * call that failed wrote) and return err.
 */
EBPFC__HIDDEN int ebpfc__link_errctx(int err, const char *fmt, ...) EBPFC__PRINTF(2, 3);
/* The program's fd, or -EBADF with a message naming what needs it loaded. */
EBPFC__HIDDEN int ebpfc__link_prog_fd(const struct ebpfc_prog *prog, const char *what);
/* The program's kernel id (0 when it cannot be read). */
EBPFC__HIDDEN __u32 ebpfc__prog_id(int prog_fd);
/* F_DUPFD_CLOEXEC above 2; -errno with a message naming what. */
EBPFC__HIDDEN int ebpfc__dup_fd(int fd, const char *what, int *out);
/* Whether the program came from an object with a known expected attach type. */
EBPFC__HIDDEN bool ebpfc__prog_has_attach_type(const struct ebpfc_prog *prog, __u32 *type);

/* link_net.c: undo an rtnetlink attachment (XDP or tc). */
EBPFC__HIDDEN int ebpfc__link_netlink_detach(struct ebpfc_link *link);
/* Replace a netlink XDP attachment's program. */
EBPFC__HIDDEN int ebpfc__link_xdp_netlink_update(struct ebpfc_link *link, int new_prog_fd,
						 int old_prog_fd);
/* The program id a netlink attachment has now (0: none), for info. */
EBPFC__HIDDEN int ebpfc__link_netlink_prog_id(struct ebpfc_link *link, __u32 *prog_id);

/* link_trace.c */

/*
 * The tracefs directory (/sys/kernel/tracing, else /sys/kernel/debug/
 * tracing), mounting tracefs at /sys/kernel/tracing when neither has it
 * and the process may mount. Returns a static string or -errno.
 */
EBPFC__HIDDEN int ebpfc__tracefs_root(const char **root);
/* The id of tracefs event category/name; -ENOENT with a message when absent. */
EBPFC__HIDDEN int ebpfc__tracefs_event_id(const char *category, const char *name, __u32 *id);
/* Remove a probe ebpfc__tracefs_probe_add() created; the struct is cleared. */
EBPFC__HIDDEN void ebpfc__tracefs_probe_remove(struct ebpfc__tracefs_probe *p);
/*
 * Write `def` (e.g. "p:ebpfc/NAME do_unlinkat+0") to tracefs file
 * ("kprobe_events" or "uprobe_events") and remember how to remove it.
 */
EBPFC__HIDDEN int ebpfc__tracefs_probe_add(const char *file, const char *event, const char *def,
					   struct ebpfc__tracefs_probe *p);

/* perf_event_open(2), with a message naming what on failure. */
EBPFC__HIDDEN int ebpfc__perf_event_open(void *attr, int pid, int cpu, const char *what, int *fd);

/*
 * Attach prog_fd to the perf event pfd (owned by the link from here on,
 * also on failure): a BPF_PERF_EVENT link (5.15+) unless perf_ioctl, else
 * (or when the kernel has no such link) PERF_EVENT_IOC_SET_BPF + ENABLE.
 * Fills link->fd, perf_fd and mech. what names the target in messages.
 */
EBPFC__HIDDEN int ebpfc__link_perf_attach(struct ebpfc_link *link, int prog_fd, int pfd,
					  __u64 cookie, bool perf_ioctl, const char *what);

/* link_resolve.c */

/* Glob match with '*' and '?' (no classes, no escapes). */
EBPFC__HIDDEN bool ebpfc__glob_match(const char *pattern, const char *s);

/*
 * Find binary (a path, a library name or a program name) and write its
 * real path to out. -ENOENT with a message listing where it looked.
 */
EBPFC__HIDDEN int ebpfc__resolve_binary(const char *binary, char *out, size_t out_sz);

/*
 * File offsets of functions in the ELF executable or library at path
 * (.symtab and .dynsym; a global definition wins over a weak one, a weak
 * one over a local one). _match: every defined function whose name
 * matches the glob pattern, one per distinct offset, sorted by offset;
 * *names is freed with ebpfc__strv_free(), *offsets with free(); none is
 * -ENOENT.
 */
EBPFC__HIDDEN int ebpfc__elf_func_offset(const char *path, const char *func, __u64 *offset);
EBPFC__HIDDEN int ebpfc__elf_func_offsets(const char *path, const char **funcs, size_t cnt,
					  __u64 *offsets);
EBPFC__HIDDEN int ebpfc__elf_func_match(const char *path, const char *pattern, char ***names,
					__u64 **offsets, size_t *cnt);

/*
 * Kernel functions matching pattern in available_filter_functions: a
 * malloc'd array of malloc'd names (free with ebpfc__strv_free).
 */
EBPFC__HIDDEN int ebpfc__kernel_func_match(const char *pattern, char ***names, size_t *cnt);
EBPFC__HIDDEN void ebpfc__strv_free(char **v, size_t cnt);

/*
 * Split "func+0x10" / "func" into func (copied to out) and an offset.
 * -EINVAL with a message on a malformed offset.
 */
EBPFC__HIDDEN int ebpfc__parse_func_offset(const char *spec, char *out, size_t out_sz,
					   __u64 *offset);

/* The system call wrapper's prefix on this architecture ("__x64_sys_"), "" if none. */
EBPFC__HIDDEN const char *ebpfc__syscall_prefix(void);

#endif /* EBPFC_LINK_INT_H */
