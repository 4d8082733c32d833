/*
 * xdp_counter.c - count the packets and bytes an interface receives, per IP
 * protocol, with the XDP program in bpf/xdp_counter.bpf.c.
 *
 *   xdp_counter IFACE [--generic|--native] [--interval SEC] [--duration SEC]
 *               [--obj PATH] [--netlink]
 *
 * It opens and loads the BPF object with ebpfc, attaches xdp_count to IFACE
 * through a bpf link (BPF_LINK_CREATE, kernels 5.9+), or through rtnetlink
 * (IFLA_XDP) where the kernel has no XDP links or --netlink asks for it, and
 * every interval prints the totals of the per-CPU map `counts`, summed over
 * the CPUs, and of the .bss counter `non_ip`, read through its memory map.
 * On SIGINT, SIGTERM or the end of --duration it prints a final block, one
 * line per protocol seen, for scripts to parse:
 *
 *   total proto=1 name=icmp packets=10 bytes=980
 *   total non_ip packets=2
 *
 * then detaches and exits 0. Any failure prints ebpfc_errmsg() and exits 1.
 *
 * It is an example of the ebpfc API, not a tool; ebpfc_prog_attach_xdp()
 * picks the bpf link or netlink, and destroying the link detaches either way.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <ebpfc/ebpfc.h>

#define OBJ_NAME "xdp_counter.bpf.o"
#define NPROTO 256

/* The value type of the `counts` map, as bpf/xdp_counter.bpf.c declares it. */
struct counts {
	__u64 packets;
	__u64 bytes;
};

struct options {
	const char *ifname;
	__u32 xdp_flags;	/* XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE or 0 */
	double interval;
	double duration;	/* 0: until a signal */
	const char *obj_path;	/* NULL: found next to the binary */
	bool netlink;		/* legacy attach even where links work */
};

struct totals {
	struct counts proto[NPROTO];
	__u64 non_ip;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xdp_counter IFACE [--generic|--native] [--interval SEC] "
		   "[--duration SEC] [--obj PATH] [--netlink]\n"
		   "  --generic      attach in generic (skb) mode\n"
		   "  --native       attach in driver mode (default: let the kernel choose)\n"
		   "  --interval SEC seconds between reports (default 1)\n"
		   "  --duration SEC stop after SEC seconds (default: at SIGINT/SIGTERM)\n"
		   "  --obj PATH     BPF object (default: $EBPFC_BPF_DIR/" OBJ_NAME
		   ", else ../bpf/" OBJ_NAME " next to this binary)\n"
		   "  --netlink      attach through rtnetlink instead of a bpf link\n");
}

/* ---- command line ------------------------------------------------------------------ */

static int parse_seconds(const char *opt, const char *s, double *out)
{
	char *end;
	double v;

	if (!s) {
		fprintf(stderr, "xdp_counter: %s needs a value\n", opt);
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e9) {
		fprintf(stderr, "xdp_counter: %s: '%s' is not a positive number of seconds\n",
			opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* The value of the option at argv[*i], or NULL when it is the last word. */
static const char *next_arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	*o = (struct options){ .interval = 1.0 };
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--generic")) {
			o->xdp_flags = XDP_FLAGS_SKB_MODE;
		} else if (!strcmp(a, "--native")) {
			o->xdp_flags = XDP_FLAGS_DRV_MODE;
		} else if (!strcmp(a, "--netlink")) {
			o->netlink = true;
		} else if (!strcmp(a, "--interval")) {
			if (parse_seconds(a, next_arg(argc, argv, &i), &o->interval))
				return -1;
		} else if (!strcmp(a, "--duration")) {
			if (parse_seconds(a, next_arg(argc, argv, &i), &o->duration))
				return -1;
		} else if (!strcmp(a, "--obj")) {
			if (!(o->obj_path = next_arg(argc, argv, &i))) {
				fprintf(stderr, "xdp_counter: --obj needs a path\n");
				return -1;
			}
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (a[0] == '-' || o->ifname) {
			fprintf(stderr, "xdp_counter: unexpected argument '%s'\n", a);
			return -1;
		} else {
			o->ifname = a;
		}
	}
	if (!o->ifname) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* $EBPFC_BPF_DIR/xdp_counter.bpf.o, else build/bpf/ beside build/examples/. */
static int default_obj_path(char *buf, size_t len)
{
	const char *dir = getenv("EBPFC_BPF_DIR");
	char exe[PATH_MAX];
	ssize_t n;
	int w;

	if (dir && *dir) {
		w = snprintf(buf, len, "%s/%s", dir, OBJ_NAME);
		return w < 0 || (size_t)w >= len ? -1 : 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		perror("xdp_counter: /proc/self/exe");
		return -1;
	}
	exe[n] = '\0';
	w = snprintf(buf, len, "%s/../bpf/%s", dirname(exe), OBJ_NAME);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* ---- attach ----------------------------------------------------------------------------- */

static const char *mode_name(__u32 flags)
{
	if (flags & XDP_FLAGS_SKB_MODE)
		return "generic";
	if (flags & XDP_FLAGS_DRV_MODE)
		return "native";
	return "default";
}

/*
 * A bpf link (5.9+) where the kernel has XDP links, else rtnetlink; --netlink
 * asks for rtnetlink anyway. Either way the device must have no XDP program
 * yet, and destroying the link takes ours off again.
 */
static int attach_xdp(const struct options *o, int ifindex, const struct ebpfc_prog *prog,
		      struct ebpfc_link **link)
{
	EBPFC_OPTS(ebpfc_xdp_attach_opts, xo, .flags = o->xdp_flags, .netlink = o->netlink);
	int err;

	err = ebpfc_prog_attach_xdp(prog, ifindex, &xo, link);
	if (err) {
		fprintf(stderr, "xdp_counter: %s\n", ebpfc_errmsg());
		if (err == -EBUSY || err == -EEXIST)
			fprintf(stderr, "xdp_counter: see `ip link show` for the program attached to "
					"ifindex %d\n", ifindex);
	}
	return err;
}

/* ---- reading the counters ------------------------------------------------------------ */

static const char *proto_name(unsigned int proto)
{
	switch (proto) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 50: return "esp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	default: return NULL;
	}
}

/* Sum one per-CPU value: each CPU's copy sits at a stride rounded up to 8. */
static void sum_cpus(const unsigned char *buf, size_t buf_sz, size_t stride, struct counts *out)
{
	struct counts c;
	size_t off;

	*out = (struct counts){ 0 };
	for (off = 0; off + sizeof(c) <= buf_sz; off += stride) {
		memcpy(&c, buf + off, sizeof(c));
		out->packets += c.packets;
		out->bytes += c.bytes;
	}
}

static int read_totals(const struct ebpfc_map *counts, const volatile __u64 *non_ip,
		       unsigned char *buf, struct totals *t)
{
	size_t buf_sz = ebpfc_map_value_buf_size(counts);
	size_t stride = (ebpfc_map_value_size(counts) + 7) & ~(size_t)7;
	__u32 key;
	int err;

	for (key = 0; key < NPROTO; key++) {
		err = ebpfc_map_lookup(counts, &key, sizeof(key), buf, buf_sz, 0);
		if (err)
			return err;
		sum_cpus(buf, buf_sz, stride, &t->proto[key]);
	}
	t->non_ip = __atomic_load_n(non_ip, __ATOMIC_RELAXED);
	return 0;
}

static void print_report(const struct totals *t, double elapsed)
{
	unsigned int p;

	printf("[%6.1fs]", elapsed);
	for (p = 0; p < NPROTO; p++) {
		const char *name = proto_name(p);

		if (!t->proto[p].packets)
			continue;
		if (name)
			printf(" %s:", name);
		else
			printf(" proto %u:", p);
		printf(" %llu pkts %llu B |", (unsigned long long)t->proto[p].packets,
		       (unsigned long long)t->proto[p].bytes);
	}
	printf(" non_ip: %llu\n", (unsigned long long)t->non_ip);
}

static void print_final(const struct totals *t)
{
	unsigned int p;

	for (p = 0; p < NPROTO; p++) {
		const char *name = proto_name(p);

		if (!t->proto[p].packets)
			continue;
		printf("total proto=%u name=%s packets=%llu bytes=%llu\n", p, name ? name : "unknown",
		       (unsigned long long)t->proto[p].packets,
		       (unsigned long long)t->proto[p].bytes);
	}
	printf("total non_ip packets=%llu\n", (unsigned long long)t->non_ip);
}

/* ---- main loop ---------------------------------------------------------------------- */

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * SIGINT and SIGTERM stay blocked except inside ppoll(), so a signal that
 * arrives while a report is printed still cuts the next wait short.
 */
static int setup_signals(sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, wait_mask) || sigaction(SIGINT, &sa, NULL) ||
	    sigaction(SIGTERM, &sa, NULL)) {
		perror("xdp_counter: signals");
		return -1;
	}
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	return 0;
}

static void sleep_until(double deadline, const sigset_t *wait_mask)
{
	double left = deadline - now_seconds();
	struct timespec ts;

	if (left <= 0 || stop_requested)
		return;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
	ppoll(NULL, 0, &ts, wait_mask);	/* returns early, EINTR, on a signal */
}

static int count_loop(const struct options *o, const struct ebpfc_map *counts,
		      const volatile __u64 *non_ip, const sigset_t *wait_mask)
{
	unsigned char *buf = malloc(ebpfc_map_value_buf_size(counts));
	double start = now_seconds(), next = start + o->interval, now;
	struct totals t;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (!stop_requested) {
		double end = o->duration > 0 ? start + o->duration : next;

		sleep_until(next < end ? next : end, wait_mask);
		now = now_seconds();
		if (o->duration > 0 && now >= start + o->duration)
			break;
		if (now < next)
			continue;
		while (next <= now)
			next += o->interval;
		if ((err = read_totals(counts, non_ip, buf, &t)))
			break;
		print_report(&t, now - start);
	}
	if (!err && !(err = read_totals(counts, non_ip, buf, &t)))
		print_final(&t);
	if (err)
		fprintf(stderr, "xdp_counter: %s\n", ebpfc_errmsg());
	free(buf);
	return err;
}

/* ---- setup ---------------------------------------------------------------------------- */

struct counter {
	struct ebpfc_object *obj;
	struct ebpfc_map *counts;
	const volatile __u64 *non_ip;
	struct ebpfc_prog *prog;
};

static int open_and_load(const char *path, struct counter *c)
{
	void *addr;
	size_t size;
	int err;

	err = ebpfc_object_open_file(path, NULL, &c->obj);
	if (!err)
		err = ebpfc_object_load(c->obj, NULL);
	if (!err)
		err = ebpfc_object_find_prog(c->obj, "xdp_count", &c->prog);
	if (!err)
		err = ebpfc_object_find_map(c->obj, "counts", &c->counts);
	if (!err)
		err = ebpfc_object_global(c->obj, "non_ip", &addr, &size);
	if (err) {
		fprintf(stderr, "xdp_counter: %s\n", ebpfc_errmsg());
		return err;
	}
	if (size != sizeof(__u64) || ebpfc_map_value_size(c->counts) != sizeof(struct counts)) {
		fprintf(stderr, "xdp_counter: %s does not match this program's types\n", path);
		return -EINVAL;
	}
	c->non_ip = addr;
	return 0;
}

int main(int argc, char **argv)
{
	struct counter c = { 0 };
	struct ebpfc_link *link = NULL;
	struct options o;
	char path[PATH_MAX];
	sigset_t wait_mask;
	int err, ifindex;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &o))
		return 1;
	if (!o.obj_path && default_obj_path(path, sizeof(path))) {
		fprintf(stderr, "xdp_counter: cannot build the object's path\n");
		return 1;
	}
	ifindex = (int)if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "xdp_counter: no interface named '%s'\n", o.ifname);
		return 1;
	}
	if (setup_signals(&wait_mask))
		return 1;
	err = open_and_load(o.obj_path ? o.obj_path : path, &c);
	if (!err)
		err = attach_xdp(&o, ifindex, c.prog, &link);
	if (!err) {
		printf("xdp_counter: attached to %s (ifindex %d), %s mode, through %s; "
		       "SIGINT or SIGTERM stops\n", o.ifname, ifindex, mode_name(o.xdp_flags),
		       ebpfc_link_mech(link) == EBPFC_LINK_MECH_NETLINK ? "netlink" : "a bpf link");
		err = count_loop(&o, c.counts, c.non_ip, &wait_mask);
	}
	ebpfc_link_destroy(link);	/* detaches, by link or by netlink */
	ebpfc_object_destroy(c.obj);
	return err ? 1 : 0;
}
