/*
 * netlink.c - rtnetlink requests for attaching XDP and tc programs where
 * there are no bpf links (or the caller asked for the old way): IFLA_XDP
 * on RTM_SETLINK, the clsact qdisc, and cls_bpf filters in direct-action
 * mode. It builds messages into fixed buffers with bounds checks, waits
 * for the kernel's answer to each, and turns a negative ack into a
 * message that quotes the kernel's extended ack.
 *
 * Not here: deciding when to use netlink, and link bookkeeping (link_net.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

#define NL_REQ_ATTRS 256
#define NL_RECV_BUF 32768

/* One request: header, family header, room for attributes. */
struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct tcmsg tc;
	};
	char attrs[NL_REQ_ATTRS];
};

/* Called for every answer that is not the ack, the end of a dump or an error. */
typedef int (*nl_cb)(const struct nlmsghdr *nh, void *arg);

int ebpfc__nl_open(struct ebpfc__nl *nl)
{
	struct timeval tmo = { .tv_sec = 5 };
	int one = 1, err;

	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return ebpfc__err(errno, "netlink: cannot open a NETLINK_ROUTE socket: %s",
				  ebpfc_strerror(errno));
	/* A lost answer must not hang the caller: give up after a while. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) < 0) {
		err = errno;
		ebpfc__nl_close(nl);
		return ebpfc__err(err, "netlink: setting a receive timeout: %s",
				  ebpfc_strerror(err));
	}
	/* Best effort: kernels before 4.12 have no extended acks and work without. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

void ebpfc__nl_close(struct ebpfc__nl *nl)
{
	ebpfc__close(nl->fd);
	nl->fd = -1;
}

static void req_init(struct nl_req *r, __u16 type, __u16 flags, size_t fam_len)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(fam_len);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
}

/* Append an attribute; NULL when it does not fit (the request buffer is fixed). */
static struct rtattr *attr_put(struct nl_req *r, __u16 type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);
	struct rtattr *rta;

	if (off + RTA_SPACE(len) > sizeof(*r))
		return NULL;
	rta = (struct rtattr *)((char *)r + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = (__u32)(off + RTA_ALIGN(rta->rta_len));
	return rta;
}

static void nest_end(struct nl_req *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)r + r->nh.nlmsg_len - (char *)nest);
}

/* The kernel's extended-ack text, if the error carries one. */
static const char *extack_msg(const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const struct rtattr *rta;
	size_t off;
	int left;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	/* Without NLM_F_CAPPED the request itself is echoed before the TLVs. */
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e));
	if (!(nh->nlmsg_flags & NLM_F_CAPPED)) {
		if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
			return NULL;
		off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int) + e->msg.nlmsg_len);
	}
	if (off >= nh->nlmsg_len)
		return NULL;
	rta = (const struct rtattr *)((const char *)nh + off);
	left = (int)(nh->nlmsg_len - off);
	for (; RTA_OK(rta, left); rta = RTA_NEXT(rta, left)) {
		const char *s = RTA_DATA(rta);
		size_t n = RTA_PAYLOAD(rta);

		if (rta->rta_type == NLMSGERR_ATTR_MSG && n && s[n - 1] == '\0')
			return s;
	}
	return NULL;
}

static int nl_exchange(struct ebpfc__nl *nl, const struct nl_req *r, char *buf, nl_cb cb,
		       void *arg, const char *what)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct iovec iov = { .iov_base = buf, .iov_len = NL_RECV_BUF };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct nlmsghdr *nh;
	size_t off;
	ssize_t n;
	int err;

	if (sendto(nl->fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return ebpfc__err(errno, "netlink: %s: send: %s", what, ebpfc_strerror(errno));
	for (;;) {
		do {
			n = recvmsg(nl->fd, &msg, 0);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return ebpfc__err(errno, "netlink: %s: receive: %s", what,
					  errno == EAGAIN ? "no answer from the kernel in 5 s"
							  : ebpfc_strerror(errno));
		if (msg.msg_flags & MSG_TRUNC)
			return ebpfc__err(EMSGSIZE, "netlink: %s: an answer did not fit in %d bytes",
					  what, NL_RECV_BUF);
		if (n == 0)
			return ebpfc__err(EPROTO, "netlink: %s: the kernel closed the socket", what);
		for (off = 0; off + NLMSG_HDRLEN <= (size_t)n; off += NLMSG_ALIGN(nh->nlmsg_len)) {
			nh = (struct nlmsghdr *)(buf + off);
			if (nh->nlmsg_len < NLMSG_HDRLEN || nh->nlmsg_len > (size_t)n - off)
				break;	/* a torn message: nothing after it can be trusted */
			if (nh->nlmsg_seq != r->nh.nlmsg_seq)
				continue;	/* an answer to an earlier, abandoned request */
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);
				const char *ext;

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
					return ebpfc__err(EPROTO, "netlink: %s: short error message",
							  what);
				if (e->error == 0)
					return 0;
				err = e->error;
				ext = extack_msg(nh);
				return ebpfc__err(err, "netlink: %s: %s%s%s", what,
						  ebpfc_strerror(err), ext ? ": " : "",
						  ext ? ext : "");
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				/* Since 4.x the end of a dump carries its error, if any. */
				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
					memcpy(&err, NLMSG_DATA(nh), sizeof(err));
					if (err < 0)
						return ebpfc__err(err, "netlink: %s: %s", what,
								  ebpfc_strerror(err));
				}
				return 0;
			}
			if (cb) {
				err = cb(nh, arg);
				if (err)
					return err;
			}
		}
	}
}

/*
 * Send r and read answers until its ack (or, for a dump, NLMSG_DONE),
 * giving the others to cb. what names the request in messages.
 */
static int nl_talk(struct ebpfc__nl *nl, struct nl_req *r, bool dump, nl_cb cb, void *arg,
		   const char *what)
{
	char *buf;
	int err;

	if (nl->fd < 0)
		return ebpfc__err(EBADF, "netlink: %s: the socket is closed", what);
	/* Heap, not stack: a daemon's threads may have small stacks. */
	buf = malloc(NL_RECV_BUF);
	if (!buf)
		return ebpfc__err(ENOMEM, "netlink: %s: out of memory", what);
	/* Not a test of NLM_F_DUMP's bits: NLM_F_EXCL shares one of them. */
	r->nh.nlmsg_flags |= dump ? NLM_F_DUMP : NLM_F_ACK;
	r->nh.nlmsg_seq = ++nl->seq;
	err = nl_exchange(nl, r, buf, cb, arg, what);
	free(buf);
	return err;
}

/* ---- XDP -------------------------------------------------------------------------- */

int ebpfc__nl_xdp_set(struct ebpfc__nl *nl, int ifindex, int prog_fd, __u32 flags,
		      int expected_fd)
{
	struct nl_req r;
	struct rtattr *nest;
	char what[96];

	req_init(&r, RTM_SETLINK, 0, sizeof(r.ifi));
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = ifindex;
	nest = attr_put(&r, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	if (!nest || !attr_put(&r, IFLA_XDP_FD, &prog_fd, sizeof(prog_fd)) ||
	    (flags && !attr_put(&r, IFLA_XDP_FLAGS, &flags, sizeof(flags))) ||
	    (expected_fd > 0 &&
	     !attr_put(&r, IFLA_XDP_EXPECTED_FD, &expected_fd, sizeof(expected_fd))))
		return ebpfc__err(EMSGSIZE, "netlink: IFLA_XDP request does not fit");
	nest_end(&r, nest);
	snprintf(what, sizeof(what), "%s XDP program on ifindex %d",
		 prog_fd >= 0 ? "attaching the" : "removing the", ifindex);
	return nl_talk(nl, &r, false, NULL, NULL, what);
}

struct xdp_query {
	int ifindex;
	struct ebpfc__nl_xdp_state *st;
	bool found;
};

static __u32 rta_u32(const struct rtattr *a)
{
	__u32 v = 0;

	if (RTA_PAYLOAD(a) >= sizeof(v))
		memcpy(&v, RTA_DATA(a), sizeof(v));
	return v;
}

static int xdp_query_cb(const struct nlmsghdr *nh, void *arg)
{
	struct xdp_query *q = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct rtattr *a, *x;
	int left, xleft;

	if (nh->nlmsg_type != RTM_NEWLINK || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) ||
	    ifi->ifi_index != q->ifindex)
		return 0;
	q->found = true;
	a = IFLA_RTA(ifi);
	left = (int)IFLA_PAYLOAD(nh);
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if ((a->rta_type & NLA_TYPE_MASK) != IFLA_XDP)
			continue;
		x = RTA_DATA(a);
		xleft = (int)RTA_PAYLOAD(a);
		for (; RTA_OK(x, xleft); x = RTA_NEXT(x, xleft)) {
			switch (x->rta_type & NLA_TYPE_MASK) {
			case IFLA_XDP_ATTACHED:
				if (RTA_PAYLOAD(x) >= 1)
					q->st->attached = *(const __u8 *)RTA_DATA(x);
				break;
			case IFLA_XDP_PROG_ID:
				q->st->prog_id = rta_u32(x);
				break;
			case IFLA_XDP_SKB_PROG_ID:
				q->st->skb_prog_id = rta_u32(x);
				break;
			case IFLA_XDP_DRV_PROG_ID:
				q->st->drv_prog_id = rta_u32(x);
				break;
			case IFLA_XDP_HW_PROG_ID:
				q->st->hw_prog_id = rta_u32(x);
				break;
			}
		}
	}
	return 0;
}

int ebpfc__nl_xdp_query(struct ebpfc__nl *nl, int ifindex, struct ebpfc__nl_xdp_state *st)
{
	struct xdp_query q = { .ifindex = ifindex, .st = st };
	__u32 mask = RTEXT_FILTER_SKIP_STATS;
	struct nl_req r;
	char what[64];
	int err;

	memset(st, 0, sizeof(*st));
	req_init(&r, RTM_GETLINK, 0, sizeof(r.ifi));
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = ifindex;
	attr_put(&r, IFLA_EXT_MASK, &mask, sizeof(mask));
	snprintf(what, sizeof(what), "querying ifindex %d", ifindex);
	err = nl_talk(nl, &r, false, xdp_query_cb, &q, what);
	if (err)
		return err;
	/* A single RTM_GETLINK is answered with the link, then the ack. */
	if (!q.found)
		return ebpfc__err(ENODEV, "netlink: %s: no answer for the device", what);
	if (st->attached && !st->prog_id)
		st->prog_id = st->skb_prog_id ? st->skb_prog_id
			      : st->drv_prog_id ? st->drv_prog_id : st->hw_prog_id;
	return 0;
}

/* ---- tc: the clsact qdisc ------------------------------------------------------------ */

static int qdisc_req(struct ebpfc__nl *nl, int ifindex, __u16 type, __u16 flags, const char *verb)
{
	struct nl_req r;
	char what[80];

	req_init(&r, type, flags, sizeof(r.tc));
	r.tc.tcm_family = AF_UNSPEC;
	r.tc.tcm_ifindex = ifindex;
	r.tc.tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
	r.tc.tcm_parent = TC_H_CLSACT;
	if (!attr_put(&r, TCA_KIND, "clsact", sizeof("clsact")))
		return ebpfc__err(EMSGSIZE, "netlink: qdisc request does not fit");
	snprintf(what, sizeof(what), "%s the clsact qdisc of ifindex %d", verb, ifindex);
	return nl_talk(nl, &r, false, NULL, NULL, what);
}

int ebpfc__nl_clsact_add(struct ebpfc__nl *nl, int ifindex, bool *created)
{
	int err;

	*created = false;
	err = qdisc_req(nl, ifindex, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, "adding");
	if (err == -EEXIST) {
		ebpfc__err_clear();
		return 0;
	}
	if (!err)
		*created = true;
	return err;
}

int ebpfc__nl_clsact_del(struct ebpfc__nl *nl, int ifindex)
{
	return qdisc_req(nl, ifindex, RTM_DELQDISC, 0, "removing");
}

/* ---- tc: cls_bpf filters ------------------------------------------------------------ */

/* A filter message into *f: handle, priority and the bpf program's id. */
static bool parse_filter(const struct nlmsghdr *nh, struct ebpfc__nl_tc_filter *f)
{
	const struct tcmsg *t = NLMSG_DATA(nh);
	const struct rtattr *a, *o;
	int left, oleft;

	if (nh->nlmsg_type != RTM_NEWTFILTER || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*t)))
		return false;
	memset(f, 0, sizeof(*f));
	f->handle = t->tcm_handle;
	f->prio = (__u16)(TC_H_MAJ(t->tcm_info) >> 16);
	a = (const struct rtattr *)((const char *)t + NLMSG_ALIGN(sizeof(*t)));
	left = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*t)));
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if ((a->rta_type & NLA_TYPE_MASK) != TCA_OPTIONS)
			continue;
		o = RTA_DATA(a);
		oleft = (int)RTA_PAYLOAD(a);
		for (; RTA_OK(o, oleft); o = RTA_NEXT(o, oleft))
			if ((o->rta_type & NLA_TYPE_MASK) == TCA_BPF_ID)
				f->prog_id = rta_u32(o);
	}
	return true;
}

struct filter_echo {
	struct ebpfc__nl_tc_filter f;
	bool seen;
};

static int filter_echo_cb(const struct nlmsghdr *nh, void *arg)
{
	struct filter_echo *e = arg;

	if (parse_filter(nh, &e->f))
		e->seen = true;
	return 0;
}

static const char *parent_name(__u32 parent)
{
	return parent == EBPFC__TC_PARENT_INGRESS ? "ingress"
	       : parent == EBPFC__TC_PARENT_EGRESS ? "egress" : "a class";
}

int ebpfc__nl_tc_filter_add(struct ebpfc__nl *nl, int ifindex, __u32 parent, __u16 prio,
			    __u32 handle, int prog_fd, const char *name,
			    struct ebpfc__nl_tc_filter *out)
{
	__u32 fd = (__u32)prog_fd, bflags = TCA_BPF_FLAG_ACT_DIRECT;
	struct filter_echo echo = { .seen = false };
	struct nl_req r;
	struct rtattr *nest;
	char what[96], nm[64];
	int err;

	ebpfc__strlcpy(nm, name, sizeof(nm));
	/* ECHO: the kernel's copy of the new filter says which handle and priority it got. */
	req_init(&r, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, sizeof(r.tc));
	r.tc.tcm_family = AF_UNSPEC;
	r.tc.tcm_ifindex = ifindex;
	r.tc.tcm_parent = parent;
	r.tc.tcm_handle = handle;
	r.tc.tcm_info = TC_H_MAKE((__u32)prio << 16, htons(ETH_P_ALL));
	if (!attr_put(&r, TCA_KIND, "bpf", sizeof("bpf")) ||
	    !(nest = attr_put(&r, TCA_OPTIONS | NLA_F_NESTED, NULL, 0)) ||
	    !attr_put(&r, TCA_BPF_FD, &fd, sizeof(fd)) ||
	    !attr_put(&r, TCA_BPF_NAME, nm, strlen(nm) + 1) ||
	    !attr_put(&r, TCA_BPF_FLAGS, &bflags, sizeof(bflags)))
		return ebpfc__err(EMSGSIZE, "netlink: tc filter request does not fit");
	nest_end(&r, nest);
	snprintf(what, sizeof(what), "adding a bpf filter on %s of ifindex %d",
		 parent_name(parent), ifindex);
	err = nl_talk(nl, &r, false, filter_echo_cb, &echo, what);
	if (err)
		return err;
	if (!echo.seen || !echo.f.handle || !echo.f.prio)
		return ebpfc__err(EPROTO, "netlink: %s: the kernel did not say which handle and "
				  "priority the filter got", what);
	*out = echo.f;
	return 0;
}

int ebpfc__nl_tc_filter_del(struct ebpfc__nl *nl, int ifindex, __u32 parent, __u16 prio,
			    __u32 handle)
{
	struct nl_req r;
	char what[112];

	req_init(&r, RTM_DELTFILTER, 0, sizeof(r.tc));
	r.tc.tcm_family = AF_UNSPEC;
	r.tc.tcm_ifindex = ifindex;
	r.tc.tcm_parent = parent;
	r.tc.tcm_handle = handle;
	r.tc.tcm_info = TC_H_MAKE((__u32)prio << 16, htons(ETH_P_ALL));
	if (!attr_put(&r, TCA_KIND, "bpf", sizeof("bpf")))
		return ebpfc__err(EMSGSIZE, "netlink: tc filter request does not fit");
	snprintf(what, sizeof(what), "removing bpf filter %x prio %u on %s of ifindex %d",
		 handle, prio, parent_name(parent), ifindex);
	return nl_talk(nl, &r, false, NULL, NULL, what);
}

struct filter_list {
	struct ebpfc__nl_tc_filter *out;
	size_t max, cnt;
};

static int filter_list_cb(const struct nlmsghdr *nh, void *arg)
{
	struct filter_list *l = arg;
	struct ebpfc__nl_tc_filter f;

	if (!parse_filter(nh, &f))
		return 0;
	if (l->out && l->cnt < l->max)
		l->out[l->cnt] = f;
	l->cnt++;
	return 0;
}

int ebpfc__nl_tc_filter_list(struct ebpfc__nl *nl, int ifindex, __u32 parent,
			     struct ebpfc__nl_tc_filter *out, size_t max, size_t *cnt)
{
	struct filter_list l = { .out = out, .max = max };
	struct nl_req r;
	char what[80];
	int err;

	req_init(&r, RTM_GETTFILTER, 0, sizeof(r.tc));
	r.tc.tcm_family = AF_UNSPEC;
	r.tc.tcm_ifindex = ifindex;
	r.tc.tcm_parent = parent;
	snprintf(what, sizeof(what), "listing filters on %s of ifindex %d", parent_name(parent),
		 ifindex);
	err = nl_talk(nl, &r, true, filter_list_cb, &l, what);
	if (!err)
		*cnt = l.cnt;
	return err;
}
