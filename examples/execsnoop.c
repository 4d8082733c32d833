/*
 * execsnoop.c - print every exec on the system as it happens, with the
 * tracepoint program in bpf/execsnoop.bpf.c and a ring buffer.
 *
 *   execsnoop [--duration SEC] [--count N] [--obj PATH]
 *
 * One line per successful exec:
 *
 *   TIME(s)   PID     PPID    UID    COMM             FILENAME
 *   0.812     41233   41200   1000   true             /usr/bin/true
 *
 * It opens and loads the BPF object with ebpfc, attaches handle_exec to the
 * sched/sched_process_exec tracepoint, and reads struct exec_event records
 * from the `events` ring buffer with ebpfc_ringbuf_poll(). The parent pid
 * is not in the tracepoint's record and the program uses no CO-RE, so it
 * is read here from /proc/PID/stat when the event arrives (0 if the
 * process is already gone). Runs until SIGINT/SIGTERM, --duration or
 * --count; prints how many events the ring had to drop, exits 0. Any
 * failure prints ebpfc_errmsg() and exits 1.
 *
 * Attaching: the library's link API was not in the tree when this was
 * written, so the attach is done here by hand: a perf event for the
 * tracepoint (its id from tracefs, mounted at /sys/kernel/tracing if
 * nothing is there) and a BPF_PERF_EVENT link on it, or the
 * PERF_EVENT_IOC_SET_BPF ioctl on kernels without perf links (before
 * 5.15). One perf event on CPU 0 is enough: a tracepoint program runs for
 * the tracepoint on every CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <ebpfc/ebpfc.h>

#define OBJ_NAME "execsnoop.bpf.o"

/* The ring buffer's record, as bpf/execsnoop.bpf.c declares it. */
struct exec_event {
	__u32 pid;
	__u32 tid;
	__u32 old_pid;
	__u32 uid;
	char comm[16];
	char filename[256];
};

struct state {
	double start;
	unsigned long long seen;
	unsigned long long max;	/* 0: no limit */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The parent of pid from /proc/PID/stat ("pid (comm) state ppid ..."), or 0. */
static unsigned int read_ppid(unsigned int pid)
{
	char path[64], buf[512], *p;
	unsigned int ppid = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: the last ')' ends it. */
	p = strrchr(buf, ')');
	if (p && sscanf(p + 1, " %*c %u", &ppid) != 1)
		ppid = 0;
	return ppid;
}

static int on_event(void *user, const void *data, size_t size)
{
	struct state *st = user;
	const struct exec_event *e = data;

	if (size < sizeof(*e))
		return 0;
	printf("%-9.3f %-7u %-7u %-6u %-16.16s %.256s\n", now_s() - st->start, e->pid,
	       read_ppid(e->pid), e->uid, e->comm, e->filename);
	st->seen++;
	/* Stop consuming once we have what --count asked for; the value comes back from poll. */
	return st->max && st->seen >= st->max ? 1 : 0;
}

/* $EBPFC_BPF_DIR/execsnoop.bpf.o, else build/bpf/ beside build/examples/. */
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
		perror("execsnoop: /proc/self/exe");
		return -1;
	}
	exe[n] = '\0';
	w = snprintf(buf, len, "%s/../bpf/%s", dirname(exe), OBJ_NAME);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* The tracepoint's id from tracefs, mounting it at /sys/kernel/tracing if needed. */
static long tracepoint_id(const char *category, const char *name)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[PATH_MAX], buf[32];
	struct stat st;
	size_t i;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/events", roots[0]);
	if (stat(path, &st) != 0 && mount("tracefs", roots[0], "tracefs", 0, NULL) != 0)
		fprintf(stderr, "execsnoop: cannot mount tracefs on %s: %s\n", roots[0],
			strerror(errno));
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], category, name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			break;
		buf[n] = '\0';
		return strtol(buf, NULL, 10);
	}
	fprintf(stderr, "execsnoop: no tracepoint %s/%s in tracefs\n", category, name);
	return -1;
}

/* Attach prog to a tracepoint; *pfd and *lfd (-1 when the ioctl was used) to close. */
static int attach_tracepoint(const struct ebpfc_prog *prog, const char *category,
			     const char *name, int *pfd, int *lfd)
{
	struct perf_event_attr attr;
	long id = tracepoint_id(category, name);
	int err;

	*pfd = *lfd = -1;
	if (id < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (__u64)id;
	attr.sample_period = 1;
	*pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (*pfd < 0) {
		fprintf(stderr, "execsnoop: perf_event_open(tracepoint %s/%s): %s\n", category,
			name, strerror(errno));
		return -1;
	}
	err = ebpfc_sys_link_create(ebpfc_prog_fd(prog), *pfd, BPF_PERF_EVENT, NULL, lfd);
	if (err == 0)
		return 0;
	/* No perf links (before 5.15): the older ioctls. */
	*lfd = -1;
	if (ioctl(*pfd, PERF_EVENT_IOC_SET_BPF, ebpfc_prog_fd(prog)) == 0 &&
	    ioctl(*pfd, PERF_EVENT_IOC_ENABLE, 0) == 0)
		return 0;
	fprintf(stderr, "execsnoop: cannot attach to %s/%s: link: %s; ioctl: %s\n", category,
		name, ebpfc_errmsg(), strerror(errno));
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: execsnoop [--duration SEC] [--count N] [--obj PATH]\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "obj", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ebpfc_object *obj = NULL;
	struct ebpfc_ringbuf *rb = NULL;
	struct ebpfc_prog *prog;
	struct ebpfc_map *events;
	struct sigaction sa;
	struct state st = { 0 };
	char path[PATH_MAX];
	const char *obj_path = NULL;
	double duration = 0, end;
	int opt, err, pfd = -1, lfd = -1, ret = 1;
	__u64 dropped = 0;

	while ((opt = getopt_long(argc, argv, "d:c:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			duration = atof(optarg);
			break;
		case 'c':
			st.max = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			obj_path = optarg;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (!obj_path) {
		if (default_obj_path(path, sizeof(path)))
			return 1;
		obj_path = path;
	}

	err = ebpfc_object_open_file(obj_path, NULL, &obj);
	if (!err)
		err = ebpfc_object_load(obj, NULL);
	if (!err)
		err = ebpfc_object_find_prog(obj, "handle_exec", &prog);
	if (!err)
		err = ebpfc_object_find_map(obj, "events", &events);
	if (err) {
		fprintf(stderr, "execsnoop: %s\n", ebpfc_errmsg());
		goto out;
	}
	if (attach_tracepoint(prog, "sched", "sched_process_exec", &pfd, &lfd))
		goto out;
	err = ebpfc_ringbuf_new(events, on_event, &st, NULL, &rb);
	if (err) {
		fprintf(stderr, "execsnoop: %s\n", ebpfc_errmsg());
		goto out;
	}

	/* No SA_RESTART: a signal interrupts the wait and poll returns -EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("%-9s %-7s %-7s %-6s %-16s %s\n", "TIME(s)", "PID", "PPID", "UID", "COMM",
	       "FILENAME");
	st.start = now_s();
	end = duration > 0 ? st.start + duration : 0;
	while (!stop && (!st.max || st.seen < st.max)) {
		int timeout = 1000;

		if (end) {
			double left = end - now_s();

			if (left <= 0)
				break;
			timeout = left < 1 ? (int)(left * 1000) + 1 : 1000;
		}
		err = ebpfc_ringbuf_poll(rb, timeout);
		if (err == -EINTR)
			continue;
		if (err < 0) {
			fprintf(stderr, "execsnoop: %s\n", ebpfc_errmsg());
			goto out;
		}
	}
	ebpfc_object_global_get(obj, "dropped", &dropped, sizeof(dropped));
	fprintf(stderr, "execsnoop: %llu events, %llu dropped (ring full)\n", st.seen,
		(unsigned long long)dropped);
	ret = 0;
out:
	ebpfc_ringbuf_free(rb);
	if (lfd >= 0)
		close(lfd);
	if (pfd >= 0)
		close(pfd);
	ebpfc_object_destroy(obj);
	return ret;
}
