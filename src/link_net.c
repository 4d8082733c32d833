/*
 * link_net.c - attaching to network devices: XDP (a bpf link, or
 * rtnetlink's IFLA_XDP) and tc (a tcx link, or a cls_bpf filter on a
 * clsact qdisc), and undoing the netlink kinds, which have no fd to close.
 *
 * The netlink path never takes over what is not its own: it attaches only
 * where nothing runs (or where the caller named the program to replace),
 * detaches only the program it attached, and removes a clsact qdisc only
 * if it created it and nothing else hangs on it.
 *
 * Not here: the netlink messages themselves (netlink.c).
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>

#include <ebpfc/probe.h>
#include <ebpfc/sys.h>
#include "attr.h"
#include "link_int.h"
#include "prog_int.h"

static void name_device(struct ebpfc_link *l, int ifindex, const char *dir)
{
	char ifname[IF_NAMESIZE];

	if (!if_indextoname((unsigned)ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "%d", ifindex);
	if (ebpfc__link_set_name(l, "%s%s%s", ifname, dir ? ":" : "", dir ? dir : ""))
		ebpfc__err_clear();	/* a name is a nicety, not worth failing for */
}

/* ---- XDP --------------------------------------------------------------------------- */

static const char *xdp_mode(__u32 flags)
{
	return flags & XDP_FLAGS_SKB_MODE ? "generic"
	       : flags & XDP_FLAGS_DRV_MODE ? "native"
	       : flags & XDP_FLAGS_HW_MODE ? "offload" : "default";
}

static int xdp_netlink(const struct ebpfc_prog *prog, int prog_fd, int ifindex, __u32 flags,
		       int expected_fd, struct ebpfc_link **out)
{
	struct ebpfc_link *l = ebpfc__link_new(EBPFC_LINK_XDP, EBPFC_LINK_MECH_NETLINK);
	__u32 nlflags = flags | (expected_fd > 0 ? XDP_FLAGS_REPLACE : XDP_FLAGS_UPDATE_IF_NOEXIST);
	int err;

	if (!l)
		return -ENOMEM;
	err = ebpfc__nl_open(&l->nl);
	if (!err)
		err = ebpfc__dup_fd(prog_fd, "XDP attach", &l->prog_fd);
	if (!err)
		err = ebpfc__nl_xdp_set(&l->nl, ifindex, prog_fd, nlflags, expected_fd);
	if (err) {
		if (err == -EBUSY || err == -EEXIST)
			ebpfc__err_append(expected_fd > 0
					  ? " (the attached program is not expected_prog_fd)"
					  : " (the device runs an XDP program already; name it in "
					    "expected_prog_fd to replace it)");
		ebpfc__link_errctx(err, "XDP attach of '%s' to ifindex %d (%s mode, netlink)",
				   prog->name, ifindex, xdp_mode(flags));
		ebpfc__link_free(l);
		return err;
	}
	l->ifindex = ifindex;
	l->xdp_flags = flags;
	l->attach_type = BPF_XDP;
	l->prog_id = ebpfc__prog_id(prog_fd);
	name_device(l, ifindex, NULL);
	*out = l;
	return 0;
}

EBPFC_API int ebpfc_prog_attach_xdp(const struct ebpfc_prog *prog, int ifindex,
				    const struct ebpfc_xdp_attach_opts *opts,
				    struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	struct ebpfc_link *l;
	__u32 flags;
	int err, prog_fd, expected;
	bool netlink;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_xdp_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "XDP attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "XDP attach");
	if (prog_fd < 0)
		return prog_fd;
	flags = EBPFC__OPT(opts, flags, 0);
	netlink = EBPFC__OPT(opts, netlink, false);
	expected = EBPFC__OPT(opts, expected_prog_fd, 0);
	if (ifindex <= 0)
		return ebpfc__err(EINVAL, "XDP attach of '%s': ifindex %d is not a device",
				  prog->name, ifindex);
	if (flags & ~(__u32)XDP_FLAGS_MODES || __builtin_popcount(flags) > 1)
		return ebpfc__err(EINVAL, "XDP attach of '%s': flags 0x%x: give one of "
				  "XDP_FLAGS_SKB_MODE, _DRV_MODE, _HW_MODE, or 0 (ebpfc sets the "
				  "others itself)", prog->name, flags);
	/* Replacing a program someone attached through netlink takes netlink. */
	if (netlink || expected > 0)
		return xdp_netlink(prog, prog_fd, ifindex, flags, expected, link);

	l = ebpfc__link_new(EBPFC_LINK_XDP, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	lo.flags = flags;
	err = ebpfc_sys_link_create(prog_fd, ifindex, BPF_XDP, &lo, &l->fd);
	if (!err) {
		l->ifindex = ifindex;
		l->xdp_flags = flags;
		l->attach_type = BPF_XDP;
		l->prog_id = ebpfc__prog_id(prog_fd);
		name_device(l, ifindex, NULL);
		*link = l;
		return 0;
	}
	ebpfc__link_free(l);
	/* EINVAL: no XDP links before 5.9; netlink does the same job there. */
	if (err == -EINVAL)
		return xdp_netlink(prog, prog_fd, ifindex, flags, 0, link);
	if (err == -EBUSY || err == -EEXIST)
		ebpfc__err_append(" (the device runs an XDP program already, attached by "
				  "another link or through netlink)");
	else if (err == -EOPNOTSUPP)
		ebpfc__err_append(" (the driver has no %s XDP mode)", xdp_mode(flags));
	else if (err == -ENODEV)
		ebpfc__err_append(" (no such device in this network namespace)");
	return ebpfc__link_errctx(err, "XDP attach of '%s' to ifindex %d (%s mode)", prog->name,
				  ifindex, xdp_mode(flags));
}

static int xdp_netlink_detach(struct ebpfc_link *l)
{
	struct ebpfc__nl_xdp_state st;
	__u32 id;
	int err;

	/* Conditional on our program still being there (5.7+). */
	err = ebpfc__nl_xdp_set(&l->nl, l->ifindex, -1, l->xdp_flags | XDP_FLAGS_REPLACE,
				l->prog_fd);
	if (err != -EINVAL)
		return err == -EEXIST ? ebpfc__link_errctx(err, "XDP detach: another program "
							   "replaced ours; left alone")
				      : err;
	/* Older kernels: look, then detach unconditionally. */
	err = ebpfc__nl_xdp_query(&l->nl, l->ifindex, &st);
	if (err)
		return err;
	id = l->xdp_flags & XDP_FLAGS_SKB_MODE ? st.skb_prog_id
	     : l->xdp_flags & XDP_FLAGS_DRV_MODE ? st.drv_prog_id
	     : l->xdp_flags & XDP_FLAGS_HW_MODE ? st.hw_prog_id : st.prog_id;
	if (id != l->prog_id)
		return ebpfc__err(EEXIST, "XDP detach from ifindex %d: program %u is attached, not "
				  "ours (%u); left alone", l->ifindex, id, l->prog_id);
	return ebpfc__nl_xdp_set(&l->nl, l->ifindex, -1, l->xdp_flags, 0);
}

int ebpfc__link_xdp_netlink_update(struct ebpfc_link *l, int new_prog_fd, int old_prog_fd)
{
	int nfd, err;

	err = ebpfc__dup_fd(new_prog_fd, "XDP update", &nfd);
	if (err)
		return err;
	err = ebpfc__nl_xdp_set(&l->nl, l->ifindex, new_prog_fd, l->xdp_flags | XDP_FLAGS_REPLACE,
				old_prog_fd > 0 ? old_prog_fd : l->prog_fd);
	if (err) {
		ebpfc__close(nfd);
		if (err == -EEXIST)
			err = -EPERM;	/* what BPF_LINK_UPDATE says for the same thing */
		return ebpfc__link_errctx(err, "link update (xdp, netlink)%s",
					  err == -EPERM ? ": the attached program is not the "
							  "expected one" : "");
	}
	ebpfc__close(l->prog_fd);
	l->prog_fd = nfd;
	l->prog_id = ebpfc__prog_id(nfd);
	return 0;
}

/* ---- tc -------------------------------------------------------------------------------- */

static const char *dir_name(enum ebpfc_tc_dir dir)
{
	return dir == EBPFC_TC_INGRESS ? "ingress" : "egress";
}

static int tc_clsact(const struct ebpfc_prog *prog, int prog_fd, int ifindex,
		     enum ebpfc_tc_dir dir, __u16 prio, __u32 handle, struct ebpfc_link **out)
{
	struct ebpfc_link *l = ebpfc__link_new(EBPFC_LINK_TC, EBPFC_LINK_MECH_NETLINK);
	__u32 parent = dir == EBPFC_TC_INGRESS ? EBPFC__TC_PARENT_INGRESS
					       : EBPFC__TC_PARENT_EGRESS;
	struct ebpfc__nl_tc_filter f;
	int err;

	if (!l)
		return -ENOMEM;
	err = ebpfc__nl_open(&l->nl);
	if (!err)
		err = ebpfc__dup_fd(prog_fd, "tc attach", &l->prog_fd);
	if (!err)
		err = ebpfc__nl_clsact_add(&l->nl, ifindex, &l->tc_qdisc_created);
	if (!err) {
		err = ebpfc__nl_tc_filter_add(&l->nl, ifindex, parent, prio, handle, prog_fd,
					      prog->name, &f);
		if (err && l->tc_qdisc_created) {
			char msg[512];

			ebpfc__strlcpy(msg, ebpfc_errmsg(), sizeof(msg));
			ebpfc__nl_clsact_del(&l->nl, ifindex);
			ebpfc__err(err, "%s", msg);
		}
	}
	if (err) {
		ebpfc__link_errctx(err, "tc attach of '%s' to %s of ifindex %d (clsact)",
				   prog->name, dir_name(dir), ifindex);
		ebpfc__link_free(l);
		return err;
	}
	l->ifindex = ifindex;
	l->tc_parent = parent;
	l->tc_prio = f.prio;
	l->tc_handle = f.handle;
	l->prog_id = f.prog_id ? f.prog_id : ebpfc__prog_id(prog_fd);
	l->attach_type = dir == EBPFC_TC_INGRESS ? EBPFC__BPF_TCX_INGRESS : EBPFC__BPF_TCX_EGRESS;
	name_device(l, ifindex, dir_name(dir));
	*out = l;
	return 0;
}

EBPFC_API int ebpfc_prog_attach_tc(const struct ebpfc_prog *prog, int ifindex,
				   enum ebpfc_tc_dir dir, const struct ebpfc_tc_attach_opts *opts,
				   struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_link_create_opts, lo);
	struct ebpfc_link *l;
	__u32 flags, rel_id;
	int err, prog_fd, rel_fd, tcx;

	err = EBPFC__OPTS_CHECK(opts, ebpfc_tc_attach_opts);
	if (err)
		return err;
	if (!link)
		return ebpfc__err(EINVAL, "tc attach: link is NULL");
	*link = NULL;
	prog_fd = ebpfc__link_prog_fd(prog, "tc attach");
	if (prog_fd < 0)
		return prog_fd;
	if (dir != EBPFC_TC_INGRESS && dir != EBPFC_TC_EGRESS)
		return ebpfc__err(EINVAL, "tc attach of '%s': direction %d is neither "
				  "EBPFC_TC_INGRESS nor EBPFC_TC_EGRESS", prog->name, (int)dir);
	if (ifindex <= 0)
		return ebpfc__err(EINVAL, "tc attach of '%s': ifindex %d is not a device",
				  prog->name, ifindex);
	flags = EBPFC__OPT(opts, flags, 0);
	rel_fd = EBPFC__OPT(opts, relative_fd, 0);
	rel_id = EBPFC__OPT(opts, relative_id, 0);
	if (flags & ~(EBPFC_F_BEFORE | EBPFC_F_AFTER | EBPFC_F_ID | EBPFC_F_LINK))
		return ebpfc__err(EINVAL, "tc attach of '%s': flags 0x%x: only EBPFC_F_BEFORE, "
				  "_AFTER, _ID and _LINK mean something here", prog->name, flags);

	tcx = EBPFC__OPT(opts, legacy, false) ? 0 : ebpfc_probe_tcx();
	if (tcx < 0)
		return tcx;
	if (!tcx) {
		if (flags || rel_fd || rel_id || EBPFC__OPT(opts, expected_revision, 0))
			return ebpfc__err(EOPNOTSUPP, "tc attach of '%s': ordering by flags, "
					  "relative program and revision needs tcx (6.6+); on a "
					  "clsact qdisc give opts.priority instead", prog->name);
		return tc_clsact(prog, prog_fd, ifindex, dir, EBPFC__OPT(opts, priority, 0),
				 EBPFC__OPT(opts, handle, 0), link);
	}

	l = ebpfc__link_new(EBPFC_LINK_TC, EBPFC_LINK_MECH_BPF_LINK);
	if (!l)
		return -ENOMEM;
	l->attach_type = dir == EBPFC_TC_INGRESS ? EBPFC__BPF_TCX_INGRESS : EBPFC__BPF_TCX_EGRESS;
	lo.flags = flags;
	lo.tcx.relative_fd = flags & EBPFC_F_ID ? rel_id : (__u32)rel_fd;
	lo.tcx.expected_revision = EBPFC__OPT(opts, expected_revision, 0);
	err = ebpfc_sys_link_create(prog_fd, ifindex, l->attach_type, &lo, &l->fd);
	if (err) {
		ebpfc__link_free(l);
		if (err == -ESTALE)
			ebpfc__err_append(" (the chain changed: expected_revision is out of date)");
		else if (err == -ENOENT && (flags & (EBPFC_F_BEFORE | EBPFC_F_AFTER)))
			ebpfc__err_append(" (the relative program or link is not attached there)");
		else if (err == -EEXIST)
			ebpfc__err_append(" (the program is attached there already)");
		return ebpfc__link_errctx(err, "tc attach of '%s' to %s of ifindex %d (tcx)",
					  prog->name, dir_name(dir), ifindex);
	}
	l->ifindex = ifindex;
	l->prog_id = ebpfc__prog_id(prog_fd);
	name_device(l, ifindex, dir_name(dir));
	*link = l;
	return 0;
}

/* Is our filter still there, with our program in it? */
static int tc_find_ours(struct ebpfc_link *l, __u32 *prog_id, size_t *total)
{
	struct ebpfc__nl_tc_filter fs[64];
	size_t i, cnt;
	int err;

	*prog_id = 0;
	err = ebpfc__nl_tc_filter_list(&l->nl, l->ifindex, l->tc_parent, fs,
				       EBPFC__ARRAY_SIZE(fs), &cnt);
	if (err)
		return err;
	for (i = 0; i < cnt && i < EBPFC__ARRAY_SIZE(fs); i++)
		if (fs[i].handle == l->tc_handle && fs[i].prio == l->tc_prio)
			*prog_id = fs[i].prog_id;
	if (total)
		*total = cnt;
	return 0;
}

static int tc_netlink_detach(struct ebpfc_link *l)
{
	size_t in = 0, eg = 0;
	__u32 id;
	int err;

	err = tc_find_ours(l, &id, NULL);
	if (err)
		return err;
	if (id && id != l->prog_id)
		return ebpfc__err(EEXIST, "tc detach: the filter %x prio %u on ifindex %d runs "
				  "program %u now, not ours (%u); left alone", l->tc_handle,
				  l->tc_prio, l->ifindex, id, l->prog_id);
	if (id) {
		err = ebpfc__nl_tc_filter_del(&l->nl, l->ifindex, l->tc_parent, l->tc_prio,
					      l->tc_handle);
		if (err && err != -ENOENT)
			return err;
	}
	if (!l->tc_qdisc_created)
		return 0;
	err = ebpfc__nl_tc_filter_list(&l->nl, l->ifindex, EBPFC__TC_PARENT_INGRESS, NULL, 0, &in);
	if (!err)
		err = ebpfc__nl_tc_filter_list(&l->nl, l->ifindex, EBPFC__TC_PARENT_EGRESS, NULL, 0,
					       &eg);
	if (err)
		return err;
	if (in || eg)
		return 0;	/* someone else's filters: the qdisc stays for them */
	err = ebpfc__nl_clsact_del(&l->nl, l->ifindex);
	return err == -ENOENT || err == -EINVAL ? 0 : err;
}

int ebpfc__link_netlink_detach(struct ebpfc_link *l)
{
	return l->kind == EBPFC_LINK_XDP ? xdp_netlink_detach(l) : tc_netlink_detach(l);
}

int ebpfc__link_netlink_prog_id(struct ebpfc_link *l, __u32 *prog_id)
{
	struct ebpfc__nl_xdp_state st;
	int err;

	if (l->kind != EBPFC_LINK_XDP)
		return tc_find_ours(l, prog_id, NULL);
	err = ebpfc__nl_xdp_query(&l->nl, l->ifindex, &st);
	if (err)
		return err;
	*prog_id = l->xdp_flags & XDP_FLAGS_SKB_MODE ? st.skb_prog_id
		   : l->xdp_flags & XDP_FLAGS_DRV_MODE ? st.drv_prog_id
		   : l->xdp_flags & XDP_FLAGS_HW_MODE ? st.hw_prog_id : st.prog_id;
	return 0;
}
