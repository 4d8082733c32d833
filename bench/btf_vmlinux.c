/*
 * btf_vmlinux.c - benchmark: open the kernel's BTF and look up 20
 * well-known types by name, against a baseline measured in the same run:
 * libbpf's btf__parse() + btf__find_by_name_kind() when the Makefile found
 * libbpf (HAVE_LIBBPF), and always the raw cost of read()ing the file into
 * a fresh buffer, which is what any reader that copies pays at least.
 *
 * Each iteration is a fresh, unshared open (ebpfc_btf_open_file on the
 * sysfs path), the 20 lookups and a close. Reported per iteration: wall
 * time, minor page faults (getrusage) and the resident memory the open BTF
 * holds; the first iteration separately, because a daemon opens kernel BTF
 * once and later iterations profit from a warm allocator. Each contender
 * runs in fresh child processes, so that none inherits the heap (and
 * malloc's mmap threshold) another left behind; it runs in CHILDREN of them
 * and the best first open counts, since on a shared machine a single cold
 * open mostly measures the neighbours.
 *
 * Usage: btf_vmlinux [iterations] [path]. Prints ratios; never fails on
 * speed (exit 0 unless the BTF cannot be opened at all).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ebpfc/btf.h>

#ifdef HAVE_LIBBPF
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#endif

static const struct {
	const char *name;
	unsigned int kind;
} names[20] = {
	{ "task_struct", BTF_KIND_STRUCT },   { "mm_struct", BTF_KIND_STRUCT },
	{ "file", BTF_KIND_STRUCT },          { "inode", BTF_KIND_STRUCT },
	{ "dentry", BTF_KIND_STRUCT },        { "super_block", BTF_KIND_STRUCT },
	{ "sk_buff", BTF_KIND_STRUCT },       { "sock", BTF_KIND_STRUCT },
	{ "net_device", BTF_KIND_STRUCT },    { "cred", BTF_KIND_STRUCT },
	{ "pt_regs", BTF_KIND_STRUCT },       { "bpf_prog", BTF_KIND_STRUCT },
	{ "bpf_map", BTF_KIND_STRUCT },       { "xdp_md", BTF_KIND_STRUCT },
	{ "list_head", BTF_KIND_STRUCT },     { "page", BTF_KIND_STRUCT },
	{ "bpf_prog_type", BTF_KIND_ENUM },   { "bpf_map_type", BTF_KIND_ENUM },
	{ "pid_t", BTF_KIND_TYPEDEF },        { "u64", BTF_KIND_TYPEDEF },
};

struct sample {
	double ms;
	double cpu_ms; /* user + system: less at the mercy of other processes than ms */
	long minflt;
	long rss_kib; /* resident growth while the BTF is open */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static long rss_kib(void)
{
	long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* One open + 20 lookups + close; returns 0 or -1 (and says why). */
typedef int (*run_fn)(const char *path, struct sample *s);

static int run_ebpfc(const char *path, struct sample *s)
{
	struct ebpfc_btf *btf;
	double t0 = now_ms();
	long f0 = minflt(), r0 = rss_kib();
	double c0 = cpu_ms();
	uint32_t id;
	size_t i;

	if (ebpfc_btf_open_file(path, NULL, &btf)) {
		fprintf(stderr, "ebpfc: %s\n", ebpfc_errmsg());
		return -1;
	}
	for (i = 0; i < 20; i++) {
		if (ebpfc_btf_find(btf, names[i].name, names[i].kind, &id))
			fprintf(stderr, "ebpfc: %s\n", ebpfc_errmsg());
	}
	s->rss_kib = rss_kib() - r0;
	ebpfc_btf_destroy(btf);
	s->ms = now_ms() - t0;
	s->cpu_ms = cpu_ms() - c0;
	s->minflt = minflt() - f0;
	return 0;
}

#ifdef HAVE_LIBBPF
static int run_libbpf(const char *path, struct sample *s)
{
	double t0 = now_ms();
	long f0 = minflt(), r0 = rss_kib();
	double c0 = cpu_ms();
	struct btf *btf = btf__parse(path, NULL);
	size_t i;

	if (!btf) {
		fprintf(stderr, "libbpf: btf__parse failed: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < 20; i++) {
		if (btf__find_by_name_kind(btf, names[i].name, names[i].kind) < 0)
			fprintf(stderr, "libbpf: %s not found\n", names[i].name);
	}
	s->rss_kib = rss_kib() - r0;
	btf__free(btf);
	s->ms = now_ms() - t0;
	s->cpu_ms = cpu_ms() - c0;
	s->minflt = minflt() - f0;
	return 0;
}
#endif

/* The floor for copying readers: read() (4 KiB a call from sysfs) into fresh memory. */
static int run_read(const char *path, struct sample *s)
{
	double t0 = now_ms();
	long f0 = minflt(), r0 = rss_kib();
	double c0 = cpu_ms();
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		fprintf(stderr, "read: %s: %s\n", path, strerror(errno));
		free(buf);
		return -1;
	}
	for (;;) {
		if (len + 4096 > cap) {
			char *nbuf = realloc(buf, cap *= 2);

			if (!nbuf)
				break;
			buf = nbuf;
		}
		n = read(fd, buf + len, 4096);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	s->rss_kib = rss_kib() - r0;
	free(buf);
	s->ms = now_ms() - t0;
	s->cpu_ms = cpu_ms() - c0;
	s->minflt = minflt() - f0;
	return 0;
}

struct result {
	const char *name;
	struct sample first, avg;
	double min_ms;
	int ok;
};

static void measure_here(run_fn fn, const char *path, int iters, struct result *r)
{
	struct sample s;
	int i;

	if (fn(path, &r->first))
		return;
	r->min_ms = 1e30;
	for (i = 0; i < iters; i++) {
		if (fn(path, &s))
			return;
		r->avg.ms += s.ms / iters;
		r->avg.cpu_ms += s.cpu_ms / iters;
		r->avg.minflt += s.minflt;
		r->avg.rss_kib += s.rss_kib;
		if (s.ms < r->min_ms)
			r->min_ms = s.ms;
	}
	r->avg.minflt /= iters;
	r->avg.rss_kib /= iters;
	r->ok = 1;
}

#define CHILDREN 5

/* Run one contender in a fresh child process; its result comes back through a pipe. */
static void measure_child(run_fn fn, const char *path, int iters, struct result *r)
{
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		measure_here(fn, path, iters, r);
		n = write(fds[1], r, sizeof(*r));
		_exit(n == (ssize_t)sizeof(*r) ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0) {
		n = read(fds[0], r, sizeof(*r));
		if (n != (ssize_t)sizeof(*r))
			memset(r, 0, sizeof(*r));
		waitpid(pid, &status, 0);
	}
	close(fds[0]);
}

/* Best first open and best later iteration over CHILDREN processes; averages of the rest. */
static void measure(const char *name, run_fn fn, const char *path, int iters, struct result *r)
{
	struct result c;
	int i, ok = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < CHILDREN; i++) {
		measure_child(fn, path, iters, &c);
		if (!c.ok)
			continue;
		if (!ok || c.first.ms < r->first.ms)
			r->first = c.first;
		if (!ok || c.min_ms < r->min_ms)
			r->min_ms = c.min_ms;
		r->avg.ms += c.avg.ms;
		r->avg.cpu_ms += c.avg.cpu_ms;
		r->avg.minflt += c.avg.minflt;
		r->avg.rss_kib += c.avg.rss_kib;
		ok++;
	}
	if (ok) {
		r->avg.ms /= ok;
		r->avg.cpu_ms /= ok;
		r->avg.minflt /= ok;
		r->avg.rss_kib /= ok;
		r->ok = 1;
	}
	r->name = name;
}

static void print_result(const struct result *r)
{
	if (!r->ok) {
		printf("%-22s failed\n", r->name);
		return;
	}
	printf("%-20s first (best of %d): %8.3f ms (cpu %7.3f) %5ld faults %5ld KiB | later: "
	       "best %6.3f ms, avg %6.3f (cpu %6.3f) %4ld faults %5ld KiB\n",
	       r->name, CHILDREN, r->first.ms, r->first.cpu_ms, r->first.minflt, r->first.rss_kib,
	       r->min_ms, r->avg.ms, r->avg.cpu_ms, r->avg.minflt, r->avg.rss_kib);
}

static void print_ratio(const struct result *base, const struct result *us)
{
	if (!base->ok || !us->ok)
		return;
	/* Steady state by best time: averages on a shared machine measure the neighbours. */
	printf("ebpfc vs %-20s first open: %6.2fx the speed (cpu %6.2fx), %6.2fx fewer faults | "
	       "later: %5.2fx the speed (cpu %5.2fx), %6.2fx fewer faults\n",
	       base->name, base->first.ms / us->first.ms, base->first.cpu_ms / us->first.cpu_ms,
	       (double)(base->first.minflt + 1) / (double)(us->first.minflt + 1),
	       base->min_ms / us->min_ms, base->avg.cpu_ms / us->avg.cpu_ms,
	       (double)(base->avg.minflt + 1) / (double)(us->avg.minflt + 1));
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 20;
	const char *path = argc > 2 ? argv[2] : "/sys/kernel/btf/vmlinux";
	struct result us, raw;
	struct ebpfc_btf *shared, *again;
	double t0, t_first, t_again;
#ifdef HAVE_LIBBPF
	struct result lb;
#endif

	if (iters < 1)
		iters = 1;
	if (access(path, R_OK)) {
		printf("btf_vmlinux: skipped: %s: %s\n", path, strerror(errno));
		return 0;
	}
	printf("btf_vmlinux: %s, open + %zu lookups by name + close; %d processes each, "
	       "a first open then %d more\n",
	       path, sizeof(names) / sizeof(names[0]), CHILDREN, iters);

	measure("ebpfc", run_ebpfc, path, iters, &us);
	if (!us.ok)
		return 1;
#ifdef HAVE_LIBBPF
	libbpf_set_print(NULL);
	measure("libbpf btf__parse", run_libbpf, path, iters, &lb);
#endif
	measure("read() 4 KiB chunks", run_read, path, iters, &raw);

	print_result(&us);
#ifdef HAVE_LIBBPF
	print_result(&lb);
#endif
	print_result(&raw);
#ifdef HAVE_LIBBPF
	print_ratio(&lb, &us);
#else
	printf("(libbpf not found at build time: comparing with read() alone)\n");
#endif
	print_ratio(&raw, &us);

	/* What most callers use: the shared instance; a second open is a reference. */
	t0 = now_ms();
	if (ebpfc_btf_open_vmlinux(&shared) == 0) {
		t_first = now_ms() - t0;
		t0 = now_ms();
		if (ebpfc_btf_open_vmlinux(&again) == 0) {
			t_again = now_ms() - t0;
			printf("ebpfc_btf_open_vmlinux: first %.3f ms, second (shared) %.4f ms\n",
			       t_first, t_again);
			ebpfc_btf_destroy(again);
		}
		ebpfc_btf_destroy(shared);
	}
	return 0;
}
