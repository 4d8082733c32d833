/*
 * tc_counter.c - count the packets and bytes an interface receives and
 * sends, with the two tc programs of bpf/tc_counter.bpf.c.
 *
 *   tc_counter IFACE [--legacy] [--interval SEC] [--duration SEC]
 *
 * Built on the object's skeleton (tc_counter.skel.h, from `ebpfc gen
 * skeleton build/bpf/tc_counter.bpf.o`; make writes it to build/skel/):
 * the object is inside the binary, and struct counts, the map's value,
 * comes from it. tc_counter__open_and_load() loads it; count_ingress and
 * count_egress are attached with ebpfc_prog_attach_tc() (a tc hook needs
 * an interface, which no section can name) into skel->links, as tcx links
 * where the kernel has them (6.6+), else (or with --legacy) as cls_bpf
 * filters on a clsact qdisc, which ebpfc creates if the interface has none
 * and removes again. Every interval it prints the totals of the per-CPU
 * map `counts`, read with the typed tc_counter__map_counts__lookup() and
 * summed over the CPUs. On SIGINT, SIGTERM or the end of --duration it
 * prints a final block for scripts to parse:
 *
 *   total ingress packets=10 bytes=980
 *   total egress packets=12 bytes=1104
 *
 * then destroys the skeleton with its links (detaching the programs) and
 * exits 0. Any failure prints ebpfc_errmsg() and exits 1.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ebpfc/ebpfc.h>

#include "tc_counter.skel.h"

struct options {
	const char *ifname;
	bool legacy;
	double interval;
	double duration;	/* 0: until a signal */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tc_counter IFACE [--legacy] [--interval SEC] [--duration SEC]\n"
		   "  --legacy       clsact qdisc and cls_bpf filters even where tcx exists\n"
		   "  --interval SEC seconds between reports (default 1)\n"
		   "  --duration SEC stop after SEC seconds (default: at SIGINT/SIGTERM)\n");
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

/* ---- counters -------------------------------------------------------------------------- */

/*
 * One direction's totals over the CPUs: the typed accessor takes one
 * tc_counter__counts__percpu (a struct counts at the kernel's stride) per
 * possible CPU; a key or value of another type would not compile.
 */
static int read_dir(const struct tc_counter *skel, __u32 dir,
		    struct tc_counter__counts__percpu *cpu, size_t ncpu, struct counts *out)
{
	int err = tc_counter__map_counts__lookup(skel, &dir, cpu, ncpu);

	if (err)
		return err;
	*out = (struct counts){ 0 };
	for (size_t i = 0; i < ncpu; i++) {
		out->packets += cpu[i].value.packets;
		out->bytes += cpu[i].value.bytes;
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

static int count_loop(const struct options *o, const struct tc_counter *skel,
		      const sigset_t *wait_mask)
{
	int ncpu = ebpfc_num_possible_cpus();
	struct tc_counter__counts__percpu *buf;
	double start = now_seconds(), next = start + o->interval, now;
	struct counts in, eg;
	int err = 0;

	if (ncpu < 0) {
		fprintf(stderr, "tc_counter: %s\n", ebpfc_errmsg());
		return ncpu;
	}
	buf = calloc((size_t)ncpu, sizeof(*buf));
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
		if ((err = read_dir(skel, 0, buf, (size_t)ncpu, &in)) ||
		    (err = read_dir(skel, 1, buf, (size_t)ncpu, &eg)))
			break;
		printf("[%6.1fs] ingress %llu pkts %llu B, egress %llu pkts %llu B\n", now - start,
		       (unsigned long long)in.packets, (unsigned long long)in.bytes,
		       (unsigned long long)eg.packets, (unsigned long long)eg.bytes);
	}
	if (!err && !(err = read_dir(skel, 0, buf, (size_t)ncpu, &in)) &&
	    !(err = read_dir(skel, 1, buf, (size_t)ncpu, &eg))) {
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
	struct tc_counter *skel = NULL;
	struct options o;
	sigset_t wait_mask;
	int err, ifindex;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &o))
		return 1;
	ifindex = (int)if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "tc_counter: no interface named '%s'\n", o.ifname);
		return 1;
	}
	if (setup_signals(&wait_mask))
		return 1;
	to.legacy = o.legacy;
	/*
	 * The links go into skel->links, so that tc_counter__destroy() detaches
	 * them: the last program's first, so egress before ingress, whose link
	 * made the clsact qdisc and takes it away last.
	 */
	err = tc_counter__open_and_load(&skel);
	if (!err)
		err = ebpfc_prog_attach_tc(skel->progs.count_ingress, ifindex, EBPFC_TC_INGRESS, &to,
					   &skel->links.count_ingress);
	if (!err)
		err = ebpfc_prog_attach_tc(skel->progs.count_egress, ifindex, EBPFC_TC_EGRESS, &to,
					   &skel->links.count_egress);
	if (err) {
		fprintf(stderr, "tc_counter: %s\n", ebpfc_errmsg());
	} else {
		printf("tc_counter: attached to %s (ifindex %d) through %s; SIGINT or SIGTERM "
		       "stops\n", o.ifname, ifindex, mech_name(skel->links.count_ingress));
		err = count_loop(&o, skel, &wait_mask);
	}
	tc_counter__destroy(skel);
	return err ? 1 : 0;
}
