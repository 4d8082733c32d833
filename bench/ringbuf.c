/*
 * ringbuf.c - benchmark: how fast ring buffer and perf buffer consumers
 * take 64-byte events, with ebpfc and, when the Makefile found libbpf
 * (HAVE_LIBBPF), with libbpf's ring_buffer and perf_buffer on the same maps
 * in the same run, printing ebpfc/libbpf ratios.
 *
 * The events come from bpf/test_ringbuf_bench.bpf.c: an XDP program run
 * with BPF_PROG_TEST_RUN that emits n events in a bpf_loop, into a 16 MiB
 * ring buffer or into a perf event array (16 MiB per CPU here). Every
 * consumer has a ring of its own, kept for the whole run and warmed up
 * (two laps) before anything is timed: on this kind of VM the first touch
 * of a page through a new mapping costs microseconds, which would swamp
 * what the consumers themselves cost.
 *
 *   drain       produce N events, then time only the consumption of all of
 *               them (a consumer that fell behind catching up). The process
 *               is pinned to one CPU, the producer's. Median of the rounds;
 *               consumers take turns within a round. Three variants: 200k
 *               events (14 MB, read from memory) and 4k events (300 KB,
 *               still in cache) with a callback that checks each sequence
 *               number, and 4k events with a bare callback (it only stores
 *               the last sequence number: no chain of loads and stores from
 *               one event to the next), which leaves the consumer's own
 *               loop as what is timed.
 *   concurrent  a producer thread on one CPU runs the program over and over
 *               while the consumer polls (100 ms timeout) on another: events
 *               consumed per second, the share the producer had to drop on
 *               a full ring, and the consumer thread's CPU time per event
 *               (user + system, the syscalls of waiting included). Median of
 *               several runs: producer and consumer settle into different
 *               equilibriums from run to run (see concurrent()).
 *
 * Consumers: ebpfc per record (consumer position stored after each
 * record, as libbpf does), ebpfc batch (stored once per drained batch),
 * ebpfc batch with coalesce_us = 100, ebpfc iterator (next/release, no
 * callback), libbpf; for perf buffers ebpfc and libbpf (wakeup after every
 * sample for both, libbpf's default).
 *
 * Usage: ringbuf [object] [seconds] [rounds] [runs]
 *   object   default build/bpf/test_ringbuf_bench.bpf.o
 *   seconds  per concurrent run, default 1
 *   rounds   drain rounds, default 15
 *   runs     concurrent runs per consumer, default 5
 * Never fails on speed: exit 0 unless the setup fails (without bpf()
 * privileges it says so and exits 0).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <ebpfc/ebpfc.h>

#ifdef HAVE_LIBBPF
#include <bpf/libbpf.h>
#endif

#define PB_PAGES 4096		/* 16 MiB per CPU */
#define N_RB 200000		/* 72 bytes a record: 14.4 MB of the 16 MiB ring */
#define N_PB 180000		/* 80 bytes a record: 14.4 MB of a CPU's 16 MiB */
#define N_SMALL 4000		/* about 300 KB: still in this CPU's cache when consumed */
#define COALESCE_US 100

struct event {
	__u64 seq;
	__u64 idx;
	__u64 pad[6];
};

struct bench {
	struct ebpfc_object *obj;
	struct ebpfc_prog *produce_rb, *produce_pb;
	struct ebpfc_map *rb[5], *pb[2];
	__u32 *n_events, *target;
	__u64 *seq_rb, *fails_rb, *seq_pb, *fails_pb;
};

struct sink {
	unsigned long long count;
	__u64 next;
	unsigned long long bad;
	/*
	 * Bare: only remember the next sequence number expected, with no
	 * load-modify-store chain through memory from one event to the next,
	 * so that what is timed is the consumer's own loop.
	 */
	bool bare;
};

static inline void sink_take(struct sink *k, const struct event *e)
{
	if (k->bare) {
		k->next = e->seq + 1;
		return;
	}
	if (e->seq != k->next)
		k->bad++;
	k->next = e->seq + 1;
	k->count++;
}

static int ebpfc_sample(void *user, const void *data, size_t size)
{
	(void)size;
	sink_take(user, data);
	return 0;
}

static int ebpfc_pb_sample(void *user, int cpu, const void *data, __u32 size)
{
	(void)cpu;
	(void)size;
	sink_take(user, data);
	return 0;
}

#ifdef HAVE_LIBBPF
static int libbpf_sample(void *ctx, void *data, size_t size)
{
	(void)size;
	sink_take(ctx, data);
	return 0;
}

static void libbpf_pb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	(void)size;
	sink_take(ctx, data);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}
#endif

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int die(const char *what)
{
	fprintf(stderr, "ringbuf bench: %s: %s\n", what, ebpfc_errmsg());
	exit(1);
}

static void *global(struct ebpfc_object *obj, const char *name)
{
	void *addr;
	size_t size;

	if (ebpfc_object_global(obj, name, &addr, &size))
		die(name);
	return addr;
}

static void run(struct bench *b, const struct ebpfc_prog *prog, __u32 n)
{
	unsigned char pkt[64] = { 0 };
	EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		   .repeat = 1);

	*b->n_events = n;
	if (ebpfc_prog_test_run(prog, &o))
		die("test_run");
}

static void bench_open(struct bench *b, const char *path)
{
	memset(b, 0, sizeof(*b));
	char name[16];
	int i;

	if (ebpfc_object_open_file(path, NULL, &b->obj))
		die("open");
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "bench_rb%d", i);
		if (ebpfc_object_find_map(b->obj, name, &b->rb[i]))
			die(name);
	}
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "bench_pb%d", i);
		if (ebpfc_object_find_map(b->obj, name, &b->pb[i]))
			die(name);
		/* The object loader leaves a perf event array's max_entries 0 at 0. */
		if (ebpfc_map_max_entries(b->pb[i]) == 0 &&
		    ebpfc_map_set_max_entries(b->pb[i], (__u32)ebpfc_num_possible_cpus()))
			die("perf event array size");
	}
	if (ebpfc_object_load(b->obj, NULL))
		die("load");
	if (ebpfc_object_find_prog(b->obj, "produce_rb", &b->produce_rb) ||
	    ebpfc_object_find_prog(b->obj, "produce_pb", &b->produce_pb))
		die("programs");
	b->n_events = global(b->obj, "n_events");
	b->target = global(b->obj, "target");
	b->seq_rb = global(b->obj, "seq_rb");
	b->fails_rb = global(b->obj, "fails_rb");
	b->seq_pb = global(b->obj, "seq_pb");
	b->fails_pb = global(b->obj, "fails_pb");
}

/* ---- consumers behind one interface ------------------------------------------------------ */

enum kind {
	K_EBPFC,
	K_EBPFC_BATCH,
	K_EBPFC_COALESCE,
	K_EBPFC_ITER,
	K_LIBBPF,
	K_PB_EBPFC,
	K_PB_LIBBPF,
	K_NR
};

static const char *const kind_name[K_NR] = {
	[K_EBPFC] = "ebpfc ringbuf",
	[K_EBPFC_BATCH] = "ebpfc ringbuf batch",
	[K_EBPFC_COALESCE] = "ebpfc batch+coalesce",
	[K_EBPFC_ITER] = "ebpfc ringbuf iterator",
	[K_LIBBPF] = "libbpf ring_buffer",
	[K_PB_EBPFC] = "ebpfc perfbuf",
	[K_PB_LIBBPF] = "libbpf perf_buffer",
};

/* Which ring (perf event array) of the object each consumer reads. */
static const int kind_target[K_NR] = {
	[K_EBPFC] = 0, [K_EBPFC_BATCH] = 1, [K_EBPFC_COALESCE] = 4, [K_EBPFC_ITER] = 2,
	[K_LIBBPF] = 3,
	[K_PB_EBPFC] = 0, [K_PB_LIBBPF] = 1,
};

struct consumer {
	enum kind kind;
	struct sink sink;
	struct ebpfc_ringbuf *rb;
	struct ebpfc_perfbuf *pb;
#ifdef HAVE_LIBBPF
	struct ring_buffer *lrb;
	struct perf_buffer *lpb;
#endif
};

static bool kind_available(enum kind k)
{
#ifdef HAVE_LIBBPF
	(void)k;
	return true;
#else
	return k != K_LIBBPF && k != K_PB_LIBBPF;
#endif
}

static void consumer_new(struct consumer *c, enum kind k, struct bench *b)
{
	struct ebpfc_map *rb = b->rb[kind_target[k]], *pb = b->pb[kind_target[k] & 1];

	memset(c, 0, sizeof(*c));
	c->kind = k;
	switch (k) {
	case K_EBPFC:
	case K_EBPFC_BATCH:
	case K_EBPFC_COALESCE:
	case K_EBPFC_ITER: {
		EBPFC_OPTS(ebpfc_ringbuf_opts, o,
			   .batch = k == K_EBPFC_BATCH || k == K_EBPFC_COALESCE,
			   .coalesce_us = k == K_EBPFC_COALESCE ? COALESCE_US : 0);

		if (ebpfc_ringbuf_new(rb, k == K_EBPFC_ITER ? NULL : ebpfc_sample, &c->sink, &o,
				      &c->rb))
			die("ebpfc_ringbuf_new");
		break;
	}
	case K_PB_EBPFC: {
		EBPFC_OPTS(ebpfc_perfbuf_opts, o, .sample_cb = ebpfc_pb_sample, .user = &c->sink,
			   .pages_per_cpu = PB_PAGES);

		if (ebpfc_perfbuf_new(pb, &o, &c->pb))
			die("ebpfc_perfbuf_new");
		break;
	}
#ifdef HAVE_LIBBPF
	case K_LIBBPF:
		c->lrb = ring_buffer__new(ebpfc_map_fd(rb), libbpf_sample, &c->sink, NULL);
		if (!c->lrb) {
			fprintf(stderr, "ringbuf bench: ring_buffer__new: %s\n", strerror(errno));
			exit(1);
		}
		break;
	case K_PB_LIBBPF:
		c->lpb = perf_buffer__new(ebpfc_map_fd(pb), PB_PAGES, libbpf_pb_sample, NULL,
					  &c->sink, NULL);
		if (!c->lpb) {
			fprintf(stderr, "ringbuf bench: perf_buffer__new: %s\n", strerror(errno));
			exit(1);
		}
		break;
#endif
	default:
		break;
	}
}

static void consumer_free(struct consumer *c)
{
	ebpfc_ringbuf_free(c->rb);
	ebpfc_perfbuf_free(c->pb);
#ifdef HAVE_LIBBPF
	ring_buffer__free(c->lrb);
	perf_buffer__free(c->lpb);
#endif
}

/* Take everything there is now; the number of events. */
static long consumer_consume(struct consumer *c)
{
	const void *data;
	size_t size;
	long n = 0;

	switch (c->kind) {
	case K_EBPFC:
	case K_EBPFC_BATCH:
	case K_EBPFC_COALESCE:
		return ebpfc_ringbuf_consume(c->rb);
	case K_EBPFC_ITER:
		do {
			while (ebpfc_ringbuf_next(c->rb, 0, &data, &size) == 1) {
				sink_take(&c->sink, data);
				n++;
			}
		} while (ebpfc_ringbuf_release(c->rb, 0) == 1);
		return n;
	case K_PB_EBPFC:
		return ebpfc_perfbuf_consume(c->pb);
#ifdef HAVE_LIBBPF
	case K_LIBBPF:
		return ring_buffer__consume(c->lrb);
	case K_PB_LIBBPF:
		return perf_buffer__consume(c->lpb);
#endif
	default:
		return -1;
	}
}

/* Wait up to timeout_ms and take what came. */
static long consumer_poll(struct consumer *c, int timeout_ms)
{
	switch (c->kind) {
	case K_EBPFC:
	case K_EBPFC_BATCH:
	case K_EBPFC_COALESCE:
		return ebpfc_ringbuf_poll(c->rb, timeout_ms);
	case K_EBPFC_ITER: {
		long n = ebpfc_ringbuf_poll(c->rb, timeout_ms);

		return n < 0 ? n : consumer_consume(c);
	}
	case K_PB_EBPFC:
		return ebpfc_perfbuf_poll(c->pb, timeout_ms);
#ifdef HAVE_LIBBPF
	case K_LIBBPF:
		return ring_buffer__poll(c->lrb, timeout_ms);
	case K_PB_LIBBPF:
		return perf_buffer__poll(c->lpb, timeout_ms);
#endif
	default:
		return -1;
	}
}

static bool is_perf(enum kind k)
{
	return k == K_PB_EBPFC || k == K_PB_LIBBPF;
}

/* ---- drain ----------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double drain_rates[K_NR], drain_small_rates[K_NR], drain_bare_rates[K_NR];

static bool is_perf(enum kind k);

/* Produce n events for consumer c and take them all; the seconds taken to consume. */
static double drain_once(struct bench *b, struct consumer *c, __u32 n, bool bare)
{
	bool perf = is_perf(c->kind);
	double t0, t1;
	__u64 first;
	long got;

	*b->target = (__u32)kind_target[c->kind];
	first = perf ? *b->seq_pb : *b->seq_rb;
	c->sink.next = first;
	c->sink.count = 0;
	c->sink.bare = bare;
	run(b, perf ? b->produce_pb : b->produce_rb, n);
	t0 = now_s();
	got = consumer_consume(c);
	t1 = now_s();
	c->sink.bare = false;
	/* libbpf's perf_buffer__consume() returns 0, not a count: trust the sink. */
	if ((got != (long)n && c->kind != K_PB_LIBBPF) || c->sink.next != first + n ||
	    (!bare && c->sink.count != n) || c->sink.bad)
		fprintf(stderr, "%s: consumed %ld (%llu seen, %llu out of order) of %u\n",
			kind_name[c->kind], got, c->sink.count, c->sink.bad, n);
	return t1 - t0;
}

static void drain(struct bench *b, struct consumer *cons, int rounds, __u32 n_rb, __u32 n_pb,
		  bool bare, double *rates)
{
	double *times[K_NR];
	int r, i, k;

	/* Two laps of every ring, untimed: every page touched through its mapping. */
	for (k = 0; k < K_NR; k++)
		if (kind_available((enum kind)k))
			for (r = 0; r < 3; r++)
				drain_once(b, &cons[k], is_perf((enum kind)k) ? N_PB : N_RB, false);
	/* And once at this size, untimed. */
	for (k = 0; k < K_NR; k++)
		if (kind_available((enum kind)k))
			drain_once(b, &cons[k], is_perf((enum kind)k) ? n_pb : n_rb, bare);
	for (k = 0; k < K_NR; k++)
		times[k] = calloc((size_t)rounds, sizeof(double));
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < K_NR; i++) {
			/* Rotate the order so that no consumer always goes first. */
			k = (i + r) % K_NR;
			if (!kind_available((enum kind)k))
				continue;
			times[k][r] = drain_once(b, &cons[k], is_perf((enum kind)k) ? n_pb : n_rb, bare) /
				      (is_perf((enum kind)k) ? n_pb : n_rb);
		}
	}
	printf("drain: %u events (perf: %u) produced, then all consumed, %s, %s callback "
	       "(median of %d rounds, one CPU)\n", n_rb, n_pb,
	       n_rb > N_SMALL ? "14 MB from memory" : "300 KB from cache",
	       bare ? "bare" : "checking", rounds);
	for (k = 0; k < K_NR; k++) {
		double med;

		if (!kind_available((enum kind)k))
			continue;
		qsort(times[k], (size_t)rounds, sizeof(double), cmp_double);
		med = times[k][rounds / 2];
		rates[k] = 1 / med;
		printf("  %-24s %8.2f M events/s  %6.2f ns/event  (best %6.2f ns)\n", kind_name[k],
		       1e-6 / med, med * 1e9, times[k][0] * 1e9);
		free(times[k]);
	}
}

/* ---- concurrent ------------------------------------------------------------------------- */

struct producer {
	struct bench *b;
	const struct ebpfc_prog *prog;
	int cpu;
	volatile int stop;
	int err;
};

static void *producer_thread(void *arg)
{
	struct producer *p = arg;
	unsigned char pkt[64] = { 0 };

	pin(p->cpu);
	while (!p->stop) {
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			   .repeat = 1);

		p->err = ebpfc_prog_test_run(p->prog, &o);
		if (p->err)
			break;
	}
	return NULL;
}

struct conc_result {
	double rate;		/* events consumed per second */
	double drop;		/* share of the producer's attempts that failed */
	double cpu_ns;		/* consumer CPU time per event */
};

static struct conc_result conc_results[K_NR];

static struct conc_result conc_once(struct bench *b, struct consumer *c, double seconds,
				     int ncpu)
{
	struct conc_result res;
	struct producer p;
	pthread_t th;
	double t0, t1, c0, c1;
	__u64 s0, f0, s1, f1;
	bool perf = is_perf(c->kind);
	long n;

	*b->target = (__u32)kind_target[c->kind];
	c->sink.next = perf ? *b->seq_pb : *b->seq_rb;
	c->sink.bad = 0;
	memset(&p, 0, sizeof(p));
	p.b = b;
	p.prog = perf ? b->produce_pb : b->produce_rb;
	p.cpu = ncpu > 1 ? 1 : 0;
	*b->n_events = 1024;
	s0 = perf ? *b->seq_pb : *b->seq_rb;
	f0 = perf ? *b->fails_pb : *b->fails_rb;
	pthread_create(&th, NULL, producer_thread, &p);
	t0 = now_s();
	c0 = thread_cpu_s();
	c->sink.count = 0;
	while (now_s() - t0 < seconds) {
		n = consumer_poll(c, 100);
		if (n < 0 && n != -EINTR)
			break;
	}
	t1 = now_s();
	c1 = thread_cpu_s();
	p.stop = 1;
	pthread_join(th, NULL);
	s1 = perf ? *b->seq_pb : *b->seq_rb;
	f1 = perf ? *b->fails_pb : *b->fails_rb;
	if (p.err)
		fprintf(stderr, "%s: the producer failed: %d\n", kind_name[c->kind], p.err);
	res.rate = c->sink.count / (t1 - t0);
	res.cpu_ns = c->sink.count ? (c1 - c0) / c->sink.count * 1e9 : 0;
	res.drop = (double)(f1 - f0) / (double)((s1 - s0) + (f1 - f0) + 1);
	/* The rest of the events, untimed; then check the order. */
	while (consumer_consume(c) > 0)
		;
	if (c->sink.bad && !perf)
		fprintf(stderr, "%s: %llu events out of order\n", kind_name[c->kind], c->sink.bad);
	return res;
}

static int cmp_rate(const void *a, const void *b)
{
	const struct conc_result *x = a, *y = b;

	return x->rate < y->rate ? -1 : x->rate > y->rate;
}

/*
 * Runs alternate between consumers, reps of each, and the median run is
 * reported: the equilibrium a producer and a consumer settle into (a
 * consumer that keeps catching up makes the kernel wake it for nearly
 * every record, which slows the producer down) varies from run to run.
 */
static void concurrent(struct bench *b, struct consumer *cons, double seconds, int reps,
		       int ncpu)
{
	struct conc_result *runs[K_NR];
	int k, r, i;

	printf("concurrent: producer thread on CPU %d, consumer polling on CPU 0, %.1f s a run, "
	       "median of %d runs\n", ncpu > 1 ? 1 : 0, seconds, reps);
	for (k = 0; k < K_NR; k++)
		runs[k] = calloc((size_t)reps, sizeof(*runs[k]));
	for (r = 0; r < reps; r++)
		for (i = 0; i < K_NR; i++) {
			k = (i + r) % K_NR;
			if (kind_available((enum kind)k))
				runs[k][r] = conc_once(b, &cons[k], seconds, ncpu);
		}
	for (k = 0; k < K_NR; k++) {
		if (!kind_available((enum kind)k))
			continue;
		qsort(runs[k], (size_t)reps, sizeof(*runs[k]), cmp_rate);
		conc_results[k] = runs[k][reps / 2];
		printf("  %-24s %8.2f M events/s  %5.1f%% dropped  %6.1f ns consumer CPU/event  "
		       "(runs %.2f..%.2f M/s)\n", kind_name[k], conc_results[k].rate / 1e6,
		       conc_results[k].drop * 100, conc_results[k].cpu_ns, runs[k][0].rate / 1e6,
		       runs[k][reps - 1].rate / 1e6);
		free(runs[k]);
	}
}

static void ratios(void)
{
#ifdef HAVE_LIBBPF
	static const struct {
		enum kind ours, theirs;
	} pairs[] = {
		{ K_EBPFC, K_LIBBPF },
		{ K_EBPFC_BATCH, K_LIBBPF },
		{ K_EBPFC_COALESCE, K_LIBBPF },
		{ K_EBPFC_ITER, K_LIBBPF },
		{ K_PB_EBPFC, K_PB_LIBBPF },
	};
	size_t i;

	printf("ratios (ebpfc/libbpf; > 1 means ebpfc is faster or, for CPU, cheaper):\n");
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		enum kind a = pairs[i].ours, l = pairs[i].theirs;

		printf("  %-23s drain %4.2fx  cached %4.2fx  bare %4.2fx  concurrent %5.2fx  "
		       "CPU/event %5.2fx\n",
		       kind_name[a], drain_rates[a] / drain_rates[l],
		       drain_small_rates[a] / drain_small_rates[l],
		       drain_bare_rates[a] / drain_bare_rates[l],
		       conc_results[a].rate / conc_results[l].rate,
		       conc_results[a].cpu_ns ? conc_results[l].cpu_ns / conc_results[a].cpu_ns : 0);
	}
#else
	printf("ratios: built without libbpf (no /usr/include/bpf/libbpf.h); ebpfc numbers only\n");
#endif
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/bpf/test_ringbuf_bench.bpf.o";
	double seconds = argc > 2 ? atof(argv[2]) : 1;
	int rounds = argc > 3 ? atoi(argv[3]) : 15;
	int reps = argc > 4 ? atoi(argv[4]) : 5;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct consumer cons[K_NR];
	struct bench b;
	int k;

	if (rounds < 1)
		rounds = 1;
	if (reps < 1)
		reps = 1;
	if (geteuid() != 0) {
		printf("ringbuf bench: needs root (bpf() and perf events); skipped\n");
		return 0;
	}
#ifdef HAVE_LIBBPF
	libbpf_set_print(quiet);
#endif
	bench_open(&b, path);
	printf("ring buffer 16 MiB, perf buffer 16 MiB per CPU, 64-byte events; %d CPUs online\n",
	       ncpu);
	pin(0);
	for (k = 0; k < K_NR; k++)
		if (kind_available((enum kind)k))
			consumer_new(&cons[k], (enum kind)k, &b);
	drain(&b, cons, rounds, N_RB, N_PB, false, drain_rates);
	drain(&b, cons, rounds * 4, N_SMALL, N_SMALL, false, drain_small_rates);
	drain(&b, cons, rounds * 4, N_SMALL, N_SMALL, true, drain_bare_rates);
	{
		cpu_set_t all;
		int i;

		CPU_ZERO(&all);
		for (i = 0; i < ncpu && i < CPU_SETSIZE; i++)
			CPU_SET(i, &all);
		sched_setaffinity(0, sizeof(all), &all);
	}
	pin(0);
	concurrent(&b, cons, seconds, reps, ncpu);
	ratios();
	for (k = 0; k < K_NR; k++)
		if (kind_available((enum kind)k))
			consumer_free(&cons[k]);
	ebpfc_object_destroy(b.obj);
	return 0;
}
