/*
 * tc_counter.c - count the packets and bytes an interface receives and
 * sends, with the two tc programs of bpf/tc_counter.bpf.c.
 *
 *   tc_counter IFACE [--legacy] [--interval SEC] [--duration SEC] [--obj PATH]
 *
 * It loads the object with ebpfc and attaches count_ingress and
 * count_egress with ebpfc_prog_attach_tc(): as tcx links where the kernel
 * has them (6.6+), else (or with --legacy) as cls_bpf filters on a clsact
 * qdisc, which ebpfc creates if the interface has none and removes again.
 * Every interval it prints the totals of the per-CPU map `counts`, summed
 * over the CPUs. On SIGINT, SIGTERM or the end of --duration it prints a
 * final block for scripts to parse:
 *
 *   total ingress packets=10 bytes=980
 *   total egress packets=12 bytes=1104
 *
 * then destroys the links (detaching the programs) and exits 0. Any failure
 * prints ebpfc_errmsg() and exits 1.
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
#include <ebpfc/ebpfc.h>

#define OBJ_NAME "tc_counter.bpf.o"

/* The value type of `counts`, as bpf/tc_counter.bpf.c declares it. */
struct counts {
	__u64 packets;
	__u64 bytes;
};

struct options {
	const char *ifname;
	bool legacy;
	double interval;
	double duration;	/* 0: until a signal */
	const char *obj_path;	/* NULL: found next to the binary */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tc_counter IFACE [--legacy] [--interval SEC] [--duration SEC] "
		   "[--obj PATH]\n"
		   "  --legacy       clsact qdisc and cls_bpf filters even where tcx exists\n"
		   "  --interval SEC seconds between reports (default 1)\n"
		   "  --duration SEC stop after SEC seconds (default: at SIGINT/SIGTERM)\n"
		   "  --obj PATH     BPF object (default: $EBPFC_BPF_DIR/" OBJ_NAME
		   ", else ../bpf/" OBJ_NAME " next to this binary)\n");
}

static int parse_seconds(const char *opt, const char *s, double *out)
{
	char *end;
	double v;

	if (!s) {
		fprintf(stderr, "tc_counter: %s needs a value\n", opt);
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e9) {
		fprintf(stderr, "tc_counter: %s: '%s' is not a positive number of seconds\n", opt,
			s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	*o = (struct options){ .interval = 1.0 };
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--legacy")) {
			o->legacy = true;
		} else if (!strcmp(a, "--interval") || !strcmp(a, "--duration")) {
			if (parse_seconds(a, v, a[2] == 'i' ? &o->interval : &o->duration))
				return -1;
			i++;
		} else if (!strcmp(a, "--obj")) {
			if (!v) {
				fprintf(stderr, "tc_counter: --obj needs a path\n");
				return -1;
			}
			o->obj_path = v;
			i++;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (a[0] == '-' || o->ifname) {
			fprintf(stderr, "tc_counter: unexpected argument '%s'\n", a);
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

/* $EBPFC_BPF_DIR/tc_counter.bpf.o, else build/bpf/ beside build/examples/. */
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
	if (n < 0)
		return -1;
	exe[n] = '\0';
	w = snprintf(buf, len, "%s/../bpf/%s", dirname(exe), OBJ_NAME);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* ---- counters -------------------------------------------------------------------------- */

/* One direction's totals: each CPU's copy sits at a stride rounded up to 8. */
static int read_dir(const struct ebpfc_map *map, __u32 dir, unsigned char *buf,
		    struct counts *out)
{
	size_t buf_sz = ebpfc_map_value_buf_size(map), off;
	size_t stride = (ebpfc_map_value_size(map) + 7) & ~(size_t)7;
	struct counts c;
	int err;

	err = ebpfc_map_lookup(map, &dir, sizeof(dir), buf, buf_sz, 0);
	if (err)
		return err;
	*out = (struct counts){ 0 };
	for (off = 0; off + sizeof(c) <= buf_sz; off += stride) {
		memcpy(&c, buf + off, sizeof(c));
		out->packets += c.packets;
		out->bytes += c.bytes;
	}
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SIGINT and SIGTERM stay blocked except inside ppoll(), so none is lost between waits. */
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
		perror("tc_counter: signals");
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

static int count_loop(const struct options *o, const struct ebpfc_map *map,
		      const sigset_t *wait_mask)
{
	unsigned char *buf = malloc(ebpfc_map_value_buf_size(map));
	double start = now_seconds(), next = start + o->interval, now;
	struct counts in, eg;
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
		if ((err = read_dir(map, 0, buf, &in)) || (err = read_dir(map, 1, buf, &eg)))
			break;
		printf("[%6.1fs] ingress %llu pkts %llu B, egress %llu pkts %llu B\n", now - start,
		       (unsigned long long)in.packets, (unsigned long long)in.bytes,
		       (unsigned long long)eg.packets, (unsigned long long)eg.bytes);
	}
	if (!err && !(err = read_dir(map, 0, buf, &in)) && !(err = read_dir(map, 1, buf, &eg))) {
		printf("total ingress packets=%llu bytes=%llu\n", (unsigned long long)in.packets,
		       (unsigned long long)in.bytes);
		printf("total egress packets=%llu bytes=%llu\n", (unsigned long long)eg.packets,
		       (unsigned long long)eg.bytes);
	}
	if (err)
		fprintf(stderr, "tc_counter: %s\n", ebpfc_errmsg());
	free(buf);
	return err;
}

/* ---- setup ------------------------------------------------------------------------------ */

static const char *mech_name(const struct ebpfc_link *l)
{
	return ebpfc_link_mech(l) == EBPFC_LINK_MECH_BPF_LINK ? "tcx" : "clsact";
}

int main(int argc, char **argv)
{
	EBPFC_OPTS(ebpfc_tc_attach_opts, to);
	struct ebpfc_link *in = NULL, *eg = NULL;
	struct ebpfc_object *obj = NULL;
	struct ebpfc_prog *p_in, *p_eg;
	struct ebpfc_map *map;
	struct options o;
	char path[PATH_MAX];
	sigset_t wait_mask;
	int err, ifindex;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &o))
		return 1;
	if (!o.obj_path && default_obj_path(path, sizeof(path))) {
		fprintf(stderr, "tc_counter: cannot build the object's path\n");
		return 1;
	}
	ifindex = (int)if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "tc_counter: no interface named '%s'\n", o.ifname);
		return 1;
	}
	if (setup_signals(&wait_mask))
		return 1;
	to.legacy = o.legacy;
	err = ebpfc_object_open_file(o.obj_path ? o.obj_path : path, NULL, &obj);
	if (!err)
		err = ebpfc_object_load(obj, NULL);
	if (!err)
		err = ebpfc_object_find_prog(obj, "count_ingress", &p_in);
	if (!err)
		err = ebpfc_object_find_prog(obj, "count_egress", &p_eg);
	if (!err)
		err = ebpfc_object_find_map(obj, "counts", &map);
	if (!err && ebpfc_map_value_size(map) != sizeof(struct counts)) {
		fprintf(stderr, "tc_counter: the object's map does not match this program\n");
		ebpfc_object_destroy(obj);
		return 1;
	}
	if (!err)
		err = ebpfc_prog_attach_tc(p_in, ifindex, EBPFC_TC_INGRESS, &to, &in);
	if (!err)
		err = ebpfc_prog_attach_tc(p_eg, ifindex, EBPFC_TC_EGRESS, &to, &eg);
	if (err) {
		fprintf(stderr, "tc_counter: %s\n", ebpfc_errmsg());
	} else {
		printf("tc_counter: attached to %s (ifindex %d) through %s; SIGINT or SIGTERM "
		       "stops\n", o.ifname, ifindex, mech_name(in));
		err = count_loop(&o, map, &wait_mask);
	}
	/* Egress first: on clsact the ingress link made the qdisc and takes it away last. */
	ebpfc_link_destroy(eg);
	ebpfc_link_destroy(in);
	ebpfc_object_destroy(obj);
	return err ? 1 : 0;
}
