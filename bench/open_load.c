/*
 * open_load.c - benchmark: the whole life of a BPF object, open + load +
 * destroy, N times, with ebpfc; and, when the Makefile found libbpf
 * (HAVE_LIBBPF), the same with bpf_object__open_file() +
 * bpf_object__load() + bpf_object__close() as the baseline, printing
 * ebpfc/libbpf ratios.
 *
 * Each loader runs in its own forked child so that its peak RSS (ru_maxrss)
 * and page faults are its own; the child reports back through a pipe.
 * Reported per loader: wall time per iteration (and the first iteration on
 * its own: a daemon loads once, cold), user and system CPU time per
 * iteration (getrusage), peak RSS and minor faults per iteration. Most of
 * the time is the kernel's verifier, the same for both; the difference is
 * what the loaders themselves cost.
 *
 * Usage: open_load [object] [iterations]
 *   object      default build/bpf/xdp_counter.bpf.o
 *   iterations  default 200
 * Never fails on speed: exit 0 unless an object cannot be loaded at all
 * (without bpf() privileges it says so and exits 0).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ebpfc/object.h>

#ifdef HAVE_LIBBPF
#include <bpf/libbpf.h>
#endif

struct result {
	int err;		/* 0, or the first failure's negative errno */
	char msg[256];
	int iters;
	double first_ms;	/* the first iteration, cold */
	double wall_ms;		/* all iterations */
	double user_ms, sys_ms;
	long maxrss_kib;
	long minflt;
};

typedef int (*cycle_fn)(const char *path, char *msg, size_t msgsz);

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv)
{
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

static int ebpfc_cycle(const char *path, char *msg, size_t msgsz)
{
	struct ebpfc_object *obj = NULL;
	int err = ebpfc_object_open_file(path, NULL, &obj);

	if (!err)
		err = ebpfc_object_load(obj, NULL);
	if (err)
		snprintf(msg, msgsz, "%s", ebpfc_errmsg());
	ebpfc_object_destroy(obj);
	return err;
}

#ifdef HAVE_LIBBPF
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int libbpf_cycle(const char *path, char *msg, size_t msgsz)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	int err;

	err = libbpf_get_error(obj);
	if (err) {
		snprintf(msg, msgsz, "bpf_object__open_file: %s", strerror(-err));
		return err;
	}
	err = bpf_object__load(obj);
	if (err)
		snprintf(msg, msgsz, "bpf_object__load: %s", strerror(-err));
	bpf_object__close(obj);
	return err;
}
#endif

/* In the child: run the cycles and measure them. */
static void measure(cycle_fn fn, const char *path, int iters, struct result *r)
{
	struct rusage ru0, ru1;
	double t0, t1;
	int i;

	memset(r, 0, sizeof(*r));
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_ms();
	for (i = 0; i < iters; i++) {
		double s = now_ms();

		r->err = fn(path, r->msg, sizeof(r->msg));
		if (r->err)
			break;
		if (i == 0)
			r->first_ms = now_ms() - s;
	}
	t1 = now_ms();
	getrusage(RUSAGE_SELF, &ru1);
	r->iters = i;
	r->wall_ms = t1 - t0;
	r->user_ms = tv_ms(ru1.ru_utime) - tv_ms(ru0.ru_utime);
	r->sys_ms = tv_ms(ru1.ru_stime) - tv_ms(ru0.ru_stime);
	r->maxrss_kib = ru1.ru_maxrss;
	r->minflt = ru1.ru_minflt - ru0.ru_minflt;
}

/* Fork, measure in the child, read its result. */
static int run_child(cycle_fn fn, const char *path, int iters, struct result *r)
{
	int fds[2], status;
	ssize_t got = 0, n;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct result cr;
		const char *p = (const char *)&cr;
		size_t left = sizeof(cr);

		close(fds[0]);
		measure(fn, path, iters, &cr);
		while (left) {
			n = write(fds[1], p, left);
			if (n <= 0)
				_exit(2);
			p += n;
			left -= n;
		}
		_exit(0);
	}
	close(fds[1]);
	while (got < (ssize_t)sizeof(*r)) {
		n = read(fds[0], (char *)r + got, sizeof(*r) - got);
		if (n <= 0)
			break;
		got += n;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (got != (ssize_t)sizeof(*r) || !WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	return 0;
}

static void print_result(const char *who, const struct result *r)
{
	double n = r->iters ? r->iters : 1;

	printf("%-7s %6d iters  wall %8.3f ms/iter (first %7.3f ms)  user %7.3f ms/iter  "
	       "sys %7.3f ms/iter  peak RSS %7ld KiB  minflt %8.1f/iter\n",
	       who, r->iters, r->wall_ms / n, r->first_ms, r->user_ms / n, r->sys_ms / n,
	       r->maxrss_kib, r->minflt / n);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/bpf/xdp_counter.bpf.o";
	int iters = argc > 2 ? atoi(argv[2]) : 200;
	struct result e;
	int err;

	if (iters <= 0) {
		fprintf(stderr, "usage: %s [object] [iterations > 0]\n", argv[0]);
		return 2;
	}
	printf("open_load: %s, %d iterations of open + load + destroy, each loader in its own "
	       "process\n", path, iters);
	err = run_child(ebpfc_cycle, path, iters, &e);
	if (err) {
		fprintf(stderr, "open_load: the ebpfc child failed: %s\n", strerror(-err));
		return 1;
	}
	if (e.err) {
		printf("ebpfc: failed after %d iterations (%d): %s\n", e.iters, e.err, e.msg);
		if (e.err == -EPERM || e.err == -EACCES) {
			printf("open_load: skipped: needs root or CAP_BPF+CAP_PERFMON\n");
			return 0;
		}
		return 1;
	}
	print_result("ebpfc", &e);

#ifdef HAVE_LIBBPF
	{
		struct result l;

		libbpf_set_print(quiet);
		err = run_child(libbpf_cycle, path, iters, &l);
		if (err || l.err) {
			printf("libbpf: no baseline (%s)\n", err ? strerror(-err) : l.msg);
			return 0;
		}
		print_result("libbpf", &l);
		printf("ratio ebpfc/libbpf: wall %.2f  first %.2f  user %.2f  sys %.2f  "
		       "peak RSS %.2f  minflt %.2f  (below 1: ebpfc is cheaper)\n",
		       ratio(e.wall_ms, l.wall_ms), ratio(e.first_ms, l.first_ms),
		       ratio(e.user_ms, l.user_ms), ratio(e.sys_ms, l.sys_ms),
		       ratio(e.maxrss_kib, l.maxrss_kib), ratio(e.minflt, l.minflt));
	}
#else
	printf("libbpf: not built with HAVE_LIBBPF (no /usr/include/bpf/libbpf.h): no baseline\n");
#endif
	return 0;
}
