/*
 * netlink.h - the rtnetlink that attaching without bpf links needs: XDP
 * through IFLA_XDP, and tc through a clsact qdisc with cls_bpf filters in
 * direct-action mode. Internal: link_net.c is its only user.
 *
 * A socket belongs to the network namespace of the thread that opened it,
 * and interface indices are per namespace: a link keeps the socket it
 * attached with, so that it detaches in the right namespace from any
 * thread. Every function returns 0 or -errno with a message that carries
 * the kernel's extended ack where it sent one.
 */
#ifndef EBPFC_NETLINK_H
#define EBPFC_NETLINK_H

#include <stdbool.h>
#include <linux/types.h>
#include "internal.h"

struct ebpfc__nl {
	int fd;			/* NETLINK_ROUTE socket; -1 when closed */
	__u32 seq;
};

/* Open a NETLINK_ROUTE socket in the calling thread's namespace. */
EBPFC__HIDDEN int ebpfc__nl_open(struct ebpfc__nl *nl);
/* Close it (fd -1 is fine). */
EBPFC__HIDDEN void ebpfc__nl_close(struct ebpfc__nl *nl);

/*
 * RTM_SETLINK IFLA_XDP: attach prog_fd (-1 detaches) with XDP_FLAGS_*
 * flags; expected_fd > 0 adds IFLA_XDP_EXPECTED_FD (with XDP_FLAGS_REPLACE
 * in flags), making the change conditional on the program attached now.
 */
EBPFC__HIDDEN int ebpfc__nl_xdp_set(struct ebpfc__nl *nl, int ifindex, int prog_fd, __u32 flags,
				    int expected_fd);

/* What RTM_GETLINK says of a device's XDP programs (ids 0 when none). */
struct ebpfc__nl_xdp_state {
	__u8 attached;		/* XDP_ATTACHED_* */
	__u32 prog_id;		/* the only program, when one mode is in use */
	__u32 skb_prog_id;
	__u32 drv_prog_id;
	__u32 hw_prog_id;
};

EBPFC__HIDDEN int ebpfc__nl_xdp_query(struct ebpfc__nl *nl, int ifindex,
				      struct ebpfc__nl_xdp_state *st);

/* Parents of the clsact qdisc's two hooks. */
#define EBPFC__TC_PARENT_INGRESS 0xfffffff2U	/* TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS) */
#define EBPFC__TC_PARENT_EGRESS 0xfffffff3U	/* TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) */

/* Add a clsact qdisc; *created false (and 0) when the device already has one. */
EBPFC__HIDDEN int ebpfc__nl_clsact_add(struct ebpfc__nl *nl, int ifindex, bool *created);
EBPFC__HIDDEN int ebpfc__nl_clsact_del(struct ebpfc__nl *nl, int ifindex);

struct ebpfc__nl_tc_filter {
	__u32 handle;
	__u16 prio;
	__u32 prog_id;		/* TCA_BPF_ID; 0 when not a bpf filter */
};

/*
 * A cls_bpf filter, direct action, protocol all, running prog_fd (named
 * name in tc's listings) under parent. prio and handle 0 let the kernel
 * choose; *out says what it chose.
 */
EBPFC__HIDDEN int ebpfc__nl_tc_filter_add(struct ebpfc__nl *nl, int ifindex, __u32 parent,
					  __u16 prio, __u32 handle, int prog_fd, const char *name,
					  struct ebpfc__nl_tc_filter *out);
EBPFC__HIDDEN int ebpfc__nl_tc_filter_del(struct ebpfc__nl *nl, int ifindex, __u32 parent,
					  __u16 prio, __u32 handle);
/*
 * The filters under parent: up to max of them into out (may be NULL),
 * their number into *cnt (chain headers included: anything counts as
 * "something is still there").
 */
EBPFC__HIDDEN int ebpfc__nl_tc_filter_list(struct ebpfc__nl *nl, int ifindex, __u32 parent,
					   struct ebpfc__nl_tc_filter *out, size_t max,
					   size_t *cnt);

#endif /* EBPFC_NETLINK_H */
