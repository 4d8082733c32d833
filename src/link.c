/*
 * link.c - the life of a link handle, whatever it attaches to: creation
 * helpers the attach files share, destroy (detach unless pinned), pin and
 * unpin, open a pinned link, replace the program, detach in place, and
 * info from the kernel and from what ebpfc remembers.
 *
 * Not here: attaching (link_net.c, link_trace.c, link_probe.c,
 * link_cgroup.c, link_auto.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include <ebpfc/sys.h>
#include "attr.h"
#include "link_int.h"
#include "object_int.h"

/*
 * struct bpf_link_info as current kernels define it (the system's uapi
 * header may be older). A kernel with a smaller struct accepts this one:
 * the tail it does not know is zero.
 */
struct kinfo {
	__u32 type;
	__u32 id;
	__u32 prog_id;
	__u32 pad_;
	union {
		struct {
			__u64 tp_name;
			__u32 tp_name_len;
			__u32 pad_;
			__u64 cookie;
		} raw_tracepoint;
		struct {
			__u32 attach_type;
			__u32 target_obj_id;
			__u32 target_btf_id;
			__u32 pad_;
			__u64 cookie;
		} tracing;
		struct {
			__u64 cgroup_id;
			__u32 attach_type;
		} cgroup;
		struct {
			__u64 target_name;
			__u32 target_name_len;
			__u32 map_id;
		} iter;
		struct {
			__u32 netns_ino;
			__u32 attach_type;
		} netns;
		struct {
			__u32 ifindex;
		} xdp;
		struct {
			__u32 pf;
			__u32 hooknum;
			__s32 priority;
			__u32 flags;
		} netfilter;
		struct {
			__u32 type;
			__u32 pad_;
			__u64 name;	/* file_name, func_name, tp_name */
			__u32 name_len;
			__u32 offset;
			__u64 a;	/* uprobe: cookie; kprobe: addr */
			__u64 b;	/* kprobe: missed */
			__u64 c;	/* kprobe: cookie */
		} perf_event;
		struct {
			__u32 ifindex;
			__u32 attach_type;
		} tcx;
		struct {
			__u32 map_id;
			__u32 attach_type;
		} sockmap;
		__u8 room_[48];
	};
} __attribute__((aligned(8)));

enum {
	KL_RAW_TRACEPOINT = 1, KL_TRACING = 2, KL_CGROUP = 3, KL_ITER = 4, KL_NETNS = 5,
	KL_XDP = 6, KL_PERF_EVENT = 7, KL_KPROBE_MULTI = 8, KL_NETFILTER = 10, KL_TCX = 11,
	KL_UPROBE_MULTI = 12, KL_SOCKMAP = 14,
};

enum {
	KP_UPROBE = 1, KP_URETPROBE = 2, KP_KPROBE = 3, KP_KRETPROBE = 4, KP_TRACEPOINT = 5,
	KP_EVENT = 6,
};

/* ---- helpers for the attach files ------------------------------------------------- */

struct ebpfc_link *ebpfc__link_new(enum ebpfc_link_kind kind, enum ebpfc_link_mech mech)
{
	struct ebpfc_link *l = calloc(1, sizeof(*l));

	if (!l) {
		ebpfc__err(ENOMEM, "link: out of memory");
		return NULL;
	}
	l->kind = kind;
	l->mech = mech;
	l->fd = l->perf_fd = l->prog_fd = l->target_fd = -1;
	l->nl.fd = -1;
	return l;
}

static void link_close_fds(struct ebpfc_link *l)
{
	ebpfc__close(l->fd);
	ebpfc__close(l->perf_fd);
	ebpfc__close(l->prog_fd);
	ebpfc__close(l->target_fd);
	ebpfc__nl_close(&l->nl);
	l->fd = l->perf_fd = l->prog_fd = l->target_fd = -1;
}

void ebpfc__link_free(struct ebpfc_link *l)
{
	if (!l)
		return;
	link_close_fds(l);
	/* After the perf events: tracefs refuses to remove a probe in use. */
	ebpfc__tracefs_probe_remove(&l->probe);
	free(l->name);
	free(l->pin_path);
	free(l);
}

int ebpfc__link_set_name(struct ebpfc_link *l, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ebpfc__err(ENOMEM, "link: out of memory");
	free(l->name);
	l->name = s;
	return 0;
}

int ebpfc__link_errctx(int err, const char *fmt, ...)
{
	char prefix[256], old[768];
	va_list ap;

	ebpfc__strlcpy(old, ebpfc_errmsg(), sizeof(old));
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return ebpfc__err(err, "%s: %s", prefix, old[0] ? old : ebpfc_strerror(err));
}

int ebpfc__link_prog_fd(const struct ebpfc_prog *prog, const char *what)
{
	if (!prog)
		return ebpfc__err(EINVAL, "%s: the program is NULL", what);
	if (prog->fd < 0)
		return ebpfc__err(EBADF, "%s: program '%s' is not loaded", what, prog->name);
	return prog->fd;
}

__u32 ebpfc__prog_id(int prog_fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (ebpfc_sys_obj_get_info(prog_fd, &info, &len)) {
		ebpfc__err_clear();
		return 0;
	}
	return info.id;
}

int ebpfc__dup_fd(int fd, const char *what, int *out)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (nfd < 0)
		return ebpfc__err(errno, "%s: cannot duplicate fd %d: %s", what, fd,
				  ebpfc_strerror(errno));
	*out = nfd;
	return 0;
}

bool ebpfc__prog_has_attach_type(const struct ebpfc_prog *prog, __u32 *type)
{
	if (!prog->obj)
		return false;
	*type = ebpfc__obj_prog(prog)->expected_attach_type;
	return true;
}

/* ---- destroy and detach ------------------------------------------------------------- */

/* Undo an attachment that closing its fds would not undo. */
static int link_undo(struct ebpfc_link *l)
{
	switch (l->mech) {
	case EBPFC_LINK_MECH_BPF_LINK:
		return 0;	/* the last reference to a bpf link going detaches it */
	case EBPFC_LINK_MECH_PERF_IOCTL:
		/*
		 * The kernel drops the program when the event is freed; the
		 * caller of ebpfc_prog_attach_perf_event() may hold the event
		 * open, so stop it firing now.
		 */
		if (l->fd >= 0 && ioctl(l->fd, PERF_EVENT_IOC_DISABLE, 0) < 0)
			return ebpfc__err(errno, "link: disabling the perf event: %s",
					  ebpfc_strerror(errno));
		return 0;
	case EBPFC_LINK_MECH_NETLINK:
		return ebpfc__link_netlink_detach(l);
	case EBPFC_LINK_MECH_PROG_ATTACH:
		return ebpfc_sys_prog_detach(l->prog_fd, l->target_fd >= 0 ? l->target_fd : 0,
					     l->attach_type);
	}
	return 0;
}

EBPFC_API void ebpfc_link_destroy(struct ebpfc_link *link)
{
	if (!link)
		return;
	if (link->pin_path) {
		/* The pin holds the attachment (and the probe under it) on. */
		link->probe.event = (free(link->probe.event), NULL);
		link->probe.events_file = (free(link->probe.events_file), NULL);
	} else if (!link->detached) {
		link_undo(link);
	}
	ebpfc__link_free(link);
}

EBPFC_API int ebpfc_link_detach(struct ebpfc_link *link)
{
	int err;

	if (!link)
		return ebpfc__err(EINVAL, "link detach: the link is NULL");
	if (link->detached)
		return 0;
	if (link->mech != EBPFC_LINK_MECH_BPF_LINK) {
		err = link_undo(link);
		if (err)
			return err;
		if (link->mech == EBPFC_LINK_MECH_PERF_IOCTL) {
			ebpfc__close(link->fd);
			link->fd = -1;
		}
		link->detached = true;
		return 0;
	}
	/*
	 * Perf links have no detach, and disabling their event would not do:
	 * a tracepoint or probe runs its programs whether the event is enabled
	 * or not. Only closing the link (destroy) takes the program off.
	 */
	err = ebpfc_sys_link_detach(link->fd);
	if (err == -EOPNOTSUPP || err == -EINVAL)
		return ebpfc__err(err, "link detach: the kernel cannot detach a %s link while it "
				  "is open (%s); destroy it instead",
				  ebpfc_link_kind_name(link->kind), ebpfc_strerror(err));
	if (err)
		return ebpfc__link_errctx(err, "link detach (%s)", ebpfc_link_kind_name(link->kind));
	link->detached = true;
	return 0;
}

/* ---- accessors ------------------------------------------------------------------------ */

EBPFC_API int ebpfc_link_fd(const struct ebpfc_link *link)
{
	if (!link)
		return ebpfc__err(EINVAL, "link fd: the link is NULL");
	if (link->fd < 0)
		return ebpfc__err(ENOENT, "link (%s): attached through %s, which has no fd",
				  ebpfc_link_kind_name(link->kind),
				  link->mech == EBPFC_LINK_MECH_NETLINK ? "netlink"
				  : link->mech == EBPFC_LINK_MECH_PROG_ATTACH ? "BPF_PROG_ATTACH"
				  : "a perf event that was closed");
	return link->fd;
}

EBPFC_API enum ebpfc_link_kind ebpfc_link_kind(const struct ebpfc_link *link)
{
	return link ? link->kind : EBPFC_LINK_UNKNOWN;
}

EBPFC_API enum ebpfc_link_mech ebpfc_link_mech(const struct ebpfc_link *link)
{
	return link ? link->mech : EBPFC_LINK_MECH_BPF_LINK;
}

EBPFC_API const char *ebpfc_link_kind_name(enum ebpfc_link_kind kind)
{
	static const char *const names[] = {
		[EBPFC_LINK_UNKNOWN] = "unknown",
		[EBPFC_LINK_XDP] = "xdp",
		[EBPFC_LINK_TC] = "tc",
		[EBPFC_LINK_TRACEPOINT] = "tracepoint",
		[EBPFC_LINK_RAW_TP] = "raw_tp",
		[EBPFC_LINK_TRACING] = "tracing",
		[EBPFC_LINK_KPROBE] = "kprobe",
		[EBPFC_LINK_KPROBE_MULTI] = "kprobe_multi",
		[EBPFC_LINK_UPROBE] = "uprobe",
		[EBPFC_LINK_UPROBE_MULTI] = "uprobe_multi",
		[EBPFC_LINK_PERF_EVENT] = "perf_event",
		[EBPFC_LINK_CGROUP] = "cgroup",
		[EBPFC_LINK_SOCKMAP] = "sockmap",
		[EBPFC_LINK_NETNS] = "netns",
		[EBPFC_LINK_ITER] = "iter",
		[EBPFC_LINK_NETFILTER] = "netfilter",
	};

	if ((unsigned)kind >= EBPFC__ARRAY_SIZE(names) || !names[kind])
		return "unknown";
	return names[kind];
}

/* ---- pinning ---------------------------------------------------------------------------- */

EBPFC_API int ebpfc_link_pin(struct ebpfc_link *link, const char *path)
{
	char *p;
	int err;

	if (!link || !path)
		return ebpfc__err(EINVAL, "link pin: the link or the path is NULL");
	if (link->mech != EBPFC_LINK_MECH_BPF_LINK)
		return ebpfc__err(EOPNOTSUPP, "link pin (%s): only bpf links can be pinned, and "
				  "this one is attached through %s", ebpfc_link_kind_name(link->kind),
				  link->mech == EBPFC_LINK_MECH_NETLINK ? "netlink"
				  : link->mech == EBPFC_LINK_MECH_PROG_ATTACH ? "BPF_PROG_ATTACH"
				  : "a perf event ioctl");
	if (link->pin_path)
		return ebpfc__err(EBUSY, "link pin: already pinned at %s", link->pin_path);
	p = strdup(path);
	if (!p)
		return ebpfc__err(ENOMEM, "link pin: out of memory");
	err = ebpfc_sys_obj_pin(link->fd, path);
	if (err) {
		free(p);
		return ebpfc__err(err, "link pin (%s) at %s: %s%s", ebpfc_link_kind_name(link->kind),
				  path, ebpfc_strerror(err),
				  err == -EEXIST ? " (something is pinned there already)"
				  : err == -EPERM || err == -EINVAL ? " (is the path on a bpffs mount?)"
				  : "");
	}
	link->pin_path = p;
	return 0;
}

EBPFC_API int ebpfc_link_unpin(struct ebpfc_link *link)
{
	if (!link)
		return ebpfc__err(EINVAL, "link unpin: the link is NULL");
	if (!link->pin_path)
		return ebpfc__err(ENOENT, "link unpin (%s): the link is not pinned",
				  ebpfc_link_kind_name(link->kind));
	if (unlink(link->pin_path) < 0 && errno != ENOENT)
		return ebpfc__err(errno, "link unpin: removing %s: %s", link->pin_path,
				  ebpfc_strerror(errno));
	free(link->pin_path);
	link->pin_path = NULL;
	return 0;
}

EBPFC_API const char *ebpfc_link_pin_path(const struct ebpfc_link *link)
{
	return link && link->pin_path ? link->pin_path : "";
}

static int kinfo_get(int fd, struct kinfo *ki)
{
	__u32 len = sizeof(*ki);

	memset(ki, 0, sizeof(*ki));
	return ebpfc_sys_obj_get_info(fd, ki, &len);
}

static enum ebpfc_link_kind kind_of(const struct kinfo *ki)
{
	switch (ki->type) {
	case KL_RAW_TRACEPOINT: return EBPFC_LINK_RAW_TP;
	case KL_TRACING: return EBPFC_LINK_TRACING;
	case KL_CGROUP: return EBPFC_LINK_CGROUP;
	case KL_ITER: return EBPFC_LINK_ITER;
	case KL_NETNS: return EBPFC_LINK_NETNS;
	case KL_XDP: return EBPFC_LINK_XDP;
	case KL_KPROBE_MULTI: return EBPFC_LINK_KPROBE_MULTI;
	case KL_NETFILTER: return EBPFC_LINK_NETFILTER;
	case KL_TCX: return EBPFC_LINK_TC;
	case KL_UPROBE_MULTI: return EBPFC_LINK_UPROBE_MULTI;
	case KL_SOCKMAP: return EBPFC_LINK_SOCKMAP;
	case KL_PERF_EVENT:
		switch (ki->perf_event.type) {
		case KP_UPROBE: case KP_URETPROBE: return EBPFC_LINK_UPROBE;
		case KP_KPROBE: case KP_KRETPROBE: return EBPFC_LINK_KPROBE;
		case KP_TRACEPOINT: return EBPFC_LINK_TRACEPOINT;
		default: return EBPFC_LINK_PERF_EVENT;
		}
	default:
		return EBPFC_LINK_UNKNOWN;
	}
}

EBPFC_API int ebpfc_link_open_pinned(const char *path, struct ebpfc_link **link)
{
	struct ebpfc_link *l;
	struct kinfo ki;
	int err, fd;

	if (!path || !link)
		return ebpfc__err(EINVAL, "link open_pinned: the path or the out-parameter is NULL");
	*link = NULL;
	err = ebpfc_sys_obj_get(path, 0, &fd);
	if (err)
		return ebpfc__err(err, "link open_pinned %s: %s", path, ebpfc_strerror(err));
	if (!ebpfc__fd_is_bpf(fd, "bpf-link")) {
		ebpfc__close(fd);
		return ebpfc__err(EINVAL, "link open_pinned: %s is pinned, but not a link", path);
	}
	err = kinfo_get(fd, &ki);
	if (err) {
		ebpfc__close(fd);
		return ebpfc__err(err, "link open_pinned %s: cannot read its info: %s", path,
				  ebpfc_strerror(err));
	}
	l = ebpfc__link_new(kind_of(&ki), EBPFC_LINK_MECH_BPF_LINK);
	if (!l || !(l->pin_path = strdup(path))) {
		ebpfc__close(fd);
		ebpfc__link_free(l);
		return ebpfc__err(ENOMEM, "link open_pinned: out of memory");
	}
	l->fd = fd;
	l->prog_id = ki.prog_id;
	*link = l;
	return 0;
}

/* ---- update --------------------------------------------------------------------------- */

EBPFC_API int ebpfc_link_update_prog(struct ebpfc_link *link, const struct ebpfc_prog *new_prog,
				     const struct ebpfc_prog *old_prog)
{
	int nfd, ofd = 0, err;

	if (!link)
		return ebpfc__err(EINVAL, "link update: the link is NULL");
	nfd = ebpfc__link_prog_fd(new_prog, "link update");
	if (nfd < 0)
		return nfd;
	if (old_prog) {
		ofd = ebpfc__link_prog_fd(old_prog, "link update");
		if (ofd < 0)
			return ofd;
	}
	if (link->detached)
		return ebpfc__err(ENOLINK, "link update (%s): the link is detached",
				  ebpfc_link_kind_name(link->kind));
	if (link->mech == EBPFC_LINK_MECH_NETLINK && link->kind == EBPFC_LINK_XDP)
		return ebpfc__link_xdp_netlink_update(link, nfd, ofd);
	if (link->mech != EBPFC_LINK_MECH_BPF_LINK)
		return ebpfc__err(EOPNOTSUPP, "link update (%s): only bpf links (and netlink XDP) "
				  "can have their program replaced; destroy and attach again",
				  ebpfc_link_kind_name(link->kind));
	err = ebpfc_sys_link_update(link->fd, nfd, ofd, 0);
	if (err)
		return ebpfc__err(err, "link update (%s) to program '%s': %s%s",
				  ebpfc_link_kind_name(link->kind), new_prog->name, ebpfc_strerror(err),
				  err == -EPERM && old_prog ? " (the old program is not the one "
							      "attached, or privileges are missing)"
				  : err == -EOPNOTSUPP || err == -EINVAL
				  ? " (this kind of link cannot change its program, or the new one "
				    "does not fit the hook)" : "");
	link->prog_id = ebpfc__prog_id(nfd);
	return 0;
}

/* ---- info ------------------------------------------------------------------------------- */

/* The kernel's view of a bpf link; names need a second call with a buffer. */
static int info_from_kernel(const struct ebpfc_link *l, struct ebpfc_link_info *info)
{
	char name[sizeof(info->name)] = "";
	struct kinfo ki;
	int err;

	err = kinfo_get(l->fd, &ki);
	if (err)
		return ebpfc__err(err, "link info (%s): %s", ebpfc_link_kind_name(l->kind),
				  ebpfc_strerror(err));
	info->link_type = ki.type;
	info->id = ki.id;
	info->prog_id = ki.prog_id;
	switch (ki.type) {
	case KL_RAW_TRACEPOINT:
		memset(&ki, 0, sizeof(ki));
		ki.raw_tracepoint.tp_name = (__u64)(uintptr_t)name;
		ki.raw_tracepoint.tp_name_len = sizeof(name);
		if (!ebpfc_sys_obj_get_info(l->fd, &ki, &(__u32){ sizeof(ki) }))
			info->cookie = ki.raw_tracepoint.cookie;
		break;
	case KL_TRACING:
		info->attach_type = ki.tracing.attach_type;
		info->target_obj_id = ki.tracing.target_obj_id;
		info->target_btf_id = ki.tracing.target_btf_id;
		info->cookie = ki.tracing.cookie;
		break;
	case KL_CGROUP:
		info->cgroup_id = ki.cgroup.cgroup_id;
		info->attach_type = ki.cgroup.attach_type;
		break;
	case KL_ITER:
		memset(&ki, 0, sizeof(ki));
		ki.iter.target_name = (__u64)(uintptr_t)name;
		ki.iter.target_name_len = sizeof(name);
		if (!ebpfc_sys_obj_get_info(l->fd, &ki, &(__u32){ sizeof(ki) }))
			info->map_id = ki.iter.map_id;
		break;
	case KL_NETNS:
		info->netns_ino = ki.netns.netns_ino;
		info->attach_type = ki.netns.attach_type;
		break;
	case KL_XDP:
		info->ifindex = ki.xdp.ifindex;
		info->attach_type = BPF_XDP;
		break;
	case KL_TCX:
		info->ifindex = ki.tcx.ifindex;
		info->attach_type = ki.tcx.attach_type;
		break;
	case KL_SOCKMAP:
		info->map_id = ki.sockmap.map_id;
		info->attach_type = ki.sockmap.attach_type;
		break;
	case KL_NETFILTER:
		info->attach_type = EBPFC__BPF_NETFILTER;
		break;
	case KL_PERF_EVENT: {
		__u32 ptype = ki.perf_event.type;

		memset(&ki, 0, sizeof(ki));
		if (ptype != KP_EVENT) {
			ki.perf_event.name = (__u64)(uintptr_t)name;
			ki.perf_event.name_len = sizeof(name);
		}
		if (ebpfc_sys_obj_get_info(l->fd, &ki, &(__u32){ sizeof(ki) }))
			break;
		info->attach_type = BPF_PERF_EVENT;
		if (ptype == KP_UPROBE || ptype == KP_URETPROBE) {
			info->offset = ki.perf_event.offset;
			info->cookie = ki.perf_event.a;
		} else if (ptype == KP_KPROBE || ptype == KP_KRETPROBE) {
			info->offset = ki.perf_event.offset;
			info->cookie = ki.perf_event.c;
		} else if (ptype == KP_TRACEPOINT) {
			info->cookie = ki.perf_event.a;
		} else if (ptype == KP_EVENT) {
			info->cookie = ki.perf_event.b;
		}
		break;
	}
	default:
		break;
	}
	ebpfc__err_clear();	/* a name the kernel would not give is no failure */
	if (!info->name[0])
		ebpfc__strlcpy(info->name, name, sizeof(info->name));
	if (!ki.prog_id && !info->prog_id)
		info->detached = true;
	return 0;
}

EBPFC_API int ebpfc_link_info(const struct ebpfc_link *link, struct ebpfc_link_info *info)
{
	struct ebpfc_link *l = (struct ebpfc_link *)link;	/* netlink queries advance seq */
	__u32 id = 0;
	int err;

	if (!link || !info)
		return ebpfc__err(EINVAL, "link info: the link or the info is NULL");
	memset(info, 0, sizeof(*info));
	info->kind = l->kind;
	info->mech = l->mech;
	info->attach_type = l->attach_type;
	info->cookie = l->cookie;
	info->offset = l->offset;
	info->ifindex = l->ifindex > 0 ? (__u32)l->ifindex : 0;
	info->prog_id = l->detached ? 0 : l->prog_id;
	info->pinned = l->pin_path != NULL;
	info->detached = l->detached;
	if (l->name)
		ebpfc__strlcpy(info->name, l->name, sizeof(info->name));
	if (l->mech == EBPFC_LINK_MECH_BPF_LINK && l->fd >= 0) {
		err = info_from_kernel(l, info);
		if (err)
			return err;
		if (l->cookie && !info->cookie)
			info->cookie = l->cookie;
		if (l->detached)
			info->detached = true;
	} else if (l->mech == EBPFC_LINK_MECH_NETLINK && !l->detached) {
		err = ebpfc__link_netlink_prog_id(l, &id);
		if (err)
			return err;
		info->prog_id = id;
		info->detached = id == 0;
	}
	return 0;
}
