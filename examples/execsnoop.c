/*
 * execsnoop.c - print every exec on the system as it happens, with the
 * tracepoint program in bpf/execsnoop.bpf.c and a ring buffer.
 *
 *   execsnoop [--duration SEC] [--count N]
 *
 * One line per successful exec:
 *
 *   TIME(s)   PID     PPID    UID    COMM             FILENAME
 *   0.812     41233   41200   1000   true             /usr/bin/true
 *
 * Built on the object's skeleton (execsnoop.skel.h, from `ebpfc gen
 * skeleton build/bpf/execsnoop.bpf.o`; make writes it to build/skel/): the
 * object is inside the binary, execsnoop__open_and_load() loads it,
 * execsnoop__attach() attaches handle_exec to the sched/sched_process_exec
 * tracepoint its section names, skel->maps.events is the ring buffer read
 * with ebpfc_ringbuf_poll(), and skel->bss->dropped the drop counter, read
 * live from the map's memory. The parent pid is not in the tracepoint's
 * record and the program uses no CO-RE, so it is read here from
 * /proc/PID/stat when the event arrives (0 if the process is already
 * gone). Runs until SIGINT/SIGTERM, --duration or --count; prints how many
 * events the ring had to drop, exits 0. Any failure prints ebpfc_errmsg()
 * and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ebpfc/ebpfc.h>

#include "execsnoop.skel.h"

/*
 * The ring buffer's record, as bpf/execsnoop.bpf.c declares it. The
 * skeleton's types cannot carry it: the program only uses it in code, and
 * clang puts the types of local variables in no BTF (a global such as
 * `struct exec_event *unused_event __attribute__((unused));` in the BPF
 * source would bring it into execsnoop.skel.h).
 */
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

static void usage(void)
{
	fprintf(stderr, "usage: execsnoop [--duration SEC] [--count N]\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct execsnoop *skel = NULL;
	struct ebpfc_ringbuf *rb = NULL;
	struct sigaction sa;
	struct state st = { 0 };
	double duration = 0, end;
	int opt, err, ret = 1;

	while ((opt = getopt_long(argc, argv, "d:c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			duration = atof(optarg);
			break;
		case 'c':
			st.max = strtoull(optarg, NULL, 10);
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
	err = execsnoop__open_and_load(&skel);
	if (!err)
		err = execsnoop__attach(skel);
	if (err) {
		fprintf(stderr, "execsnoop: %s\n", ebpfc_errmsg());
		goto out;
	}
	err = ebpfc_ringbuf_new(skel->maps.events, on_event, &st, NULL, &rb);
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
	/* NULL only where the kernel cannot memory-map array maps (before 5.5). */
	fprintf(stderr, "execsnoop: %llu events, %llu dropped (ring full)\n", st.seen,
		skel->bss ? (unsigned long long)skel->bss->dropped : 0ULL);
	ret = 0;
out:
	ebpfc_ringbuf_free(rb);
	execsnoop__destroy(skel);
	return ret;
}
