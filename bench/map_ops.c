/*
 * bench/map_ops.c - what ebpfc's map element calls cost over the bare
 * bpf() syscall: 1,000,000 lookups and 1,000,000 updates on an array map
 * and on a hash map (u32 key, u64 value, 1,024 entries, filled first),
 * through ebpfc_map_lookup()/ebpfc_map_update(), through a raw
 * syscall(__NR_bpf) loop with a union bpf_attr (the baseline; the one place
 * besides src/sys.c that calls bpf() directly), and with -DHAVE_LIBBPF
 * through libbpf's bpf_map_lookup_elem()/bpf_map_update_elem().
 *
 * The implementations run in paired blocks (10,000 operations each, one
 * block of every implementation back to back, in a rotating order), and the
 * ratio to raw is the median of the per-block ratios: noise from other
 * processes on a small VM hits single blocks and cancels in the pairs. The
 * best and the median block are printed too. Times are the thread's CPU
 * time (user + system), so that waiting for a CPU on a loaded machine does
 * not count; a raw2 row, the raw loop measured again, shows the noise
 * floor of the run. Not a test: it never fails on
 * speed; it exits non-zero only when a call fails.
 *
 *   usage: map_ops [ops-per-case [ops-per-block]]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>

#include <ebpfc/ebpfc.h>
#ifdef HAVE_LIBBPF
#include <bpf/bpf.h>
#endif

#define ENTRIES 1024u

/*
 * raw2 is the raw loop once more, measured as a separate implementation: its
 * ratio to raw is the noise floor of this run, the size of a difference
 * that means nothing.
 */
enum impl { IMPL_EBPFC, IMPL_RAW, IMPL_RAW2,
#ifdef HAVE_LIBBPF
	    IMPL_LIBBPF,
#endif
	    IMPL_N };
enum op { OP_LOOKUP, OP_UPDATE, OP_N };
enum kind { KIND_ARRAY, KIND_HASH, KIND_N };

static const char *const impl_names[] = { "ebpfc", "raw", "raw2",
#ifdef HAVE_LIBBPF
					  "libbpf",
#endif
};
static const char *const op_names[] = { "lookup", "update" };
static const char *const kind_names[] = { "array", "hash" };

/*
 * The thread's CPU time, not the wall clock: on a busy machine the time a
 * block spends waiting for a CPU is not the cost of its calls.
 */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "map_ops: %s failed (%d): %s\n", what, err, ebpfc_errmsg());
	exit(1);
}

/* The baseline: what a program without any library writes. */
static inline long raw_elem(int cmd, int fd, const void *key, void *value, __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, offsetof(union bpf_attr, flags) + sizeof(attr.flags));
	attr.map_fd = fd;
	attr.key = (__u64)(unsigned long)key;
	attr.value = (__u64)(unsigned long)value;
	attr.flags = flags;
	return syscall(__NR_bpf, cmd, &attr, offsetof(union bpf_attr, flags) + sizeof(attr.flags));
}

/* One measurement: n operations of one kind, through one implementation. ns/op. */
static double run(enum impl impl, enum op op, enum kind kind, const struct ebpfc_map *map,
		  unsigned n)
{
	int fd = ebpfc_map_fd(map);
	__u64 val = 0;
	__u32 key;
	unsigned i;
	double t0, t1;
	long r = 0;

	t0 = now_ns();
	switch (impl) {
	case IMPL_EBPFC:
		if (op == OP_LOOKUP) {
			for (i = 0; i < n; i++) {
				key = i & (ENTRIES - 1);
				r = ebpfc_map_lookup(map, &key, sizeof(key), &val, sizeof(val), 0);
				if (r)
					break;
			}
		} else {
			for (i = 0; i < n; i++) {
				key = i & (ENTRIES - 1);
				val = i;
				r = ebpfc_map_update(map, &key, sizeof(key), &val, sizeof(val), BPF_ANY);
				if (r)
					break;
			}
		}
		break;
	case IMPL_RAW:
	case IMPL_RAW2:
		if (op == OP_LOOKUP) {
			for (i = 0; i < n; i++) {
				key = i & (ENTRIES - 1);
				r = raw_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &val, 0);
				if (r)
					break;
			}
		} else {
			for (i = 0; i < n; i++) {
				key = i & (ENTRIES - 1);
				val = i;
				r = raw_elem(BPF_MAP_UPDATE_ELEM, fd, &key, &val, BPF_ANY);
				if (r)
					break;
			}
		}
		if (r)
			r = -errno;
		break;
#ifdef HAVE_LIBBPF
	case IMPL_LIBBPF:
		if (op == OP_LOOKUP) {
			for (i = 0; i < n; i++) {
				key = i & (ENTRIES - 1);
				r = bpf_map_lookup_elem(fd, &key, &val);
				if (r)
					break;
			}
		} else {
			for (i = 0; i < n; i++) {
				key = i & (ENTRIES - 1);
				val = i;
				r = bpf_map_update_elem(fd, &key, &val, BPF_ANY);
				if (r)
					break;
			}
		}
		break;
#endif
	default:
		break;
	}
	t1 = now_ns();
	if (r) {
		char what[64];

		snprintf(what, sizeof(what), "%s %s %s", impl_names[impl], kind_names[kind],
			 op_names[op]);
		die(what, (int)r);
	}
	return (t1 - t0) / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1000000;
	unsigned block = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 10000;
	struct ebpfc_map *maps[KIND_N];
	double *t[IMPL_N], *ratio, *tmp;
	double best[KIND_N][OP_N][IMPL_N], med[KIND_N][OP_N][IMPL_N], pair[KIND_N][OP_N][IMPL_N];
	unsigned nblocks, b, k, o, im, i;
	int err;

	if (!n || !block || block > n) {
		fprintf(stderr, "usage: %s [ops-per-case [ops-per-block]]\n", argv[0]);
		return 2;
	}
	nblocks = n / block;
	err = ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "bench_array", 4, 8, ENTRIES, NULL,
			       &maps[KIND_ARRAY]);
	if (err)
		die("creating the array map", err);
	err = ebpfc_map_create(BPF_MAP_TYPE_HASH, "bench_hash", 4, 8, ENTRIES, NULL,
			       &maps[KIND_HASH]);
	if (err)
		die("creating the hash map", err);
	for (k = 0; k < KIND_N; k++) {
		for (i = 0; i < ENTRIES; i++) {
			__u32 key = i;
			__u64 val = i;

			err = ebpfc_map_update(maps[k], &key, sizeof(key), &val, sizeof(val), BPF_ANY);
			if (err)
				die("filling a map", err);
		}
	}
	for (im = 0; im < IMPL_N; im++) {
		t[im] = calloc(nblocks, sizeof(double));
		if (!t[im])
			die("calloc", -ENOMEM);
	}
	ratio = calloc(nblocks, sizeof(double));
	tmp = calloc(nblocks, sizeof(double));
	if (!ratio || !tmp)
		die("calloc", -ENOMEM);

	/* Warm up caches, the branch predictor and the CPU clock. */
	for (k = 0; k < KIND_N; k++)
		for (o = 0; o < OP_N; o++)
			for (im = 0; im < IMPL_N; im++)
				run(im, o, k, maps[k], block);

	/*
	 * Paired blocks: every implementation runs `block` operations back to
	 * back, in a rotating order, nblocks times. Noise from other processes
	 * hits a block, not a whole implementation, and the per-block ratio
	 * against the raw block next to it cancels most of what remains.
	 */
	for (k = 0; k < KIND_N; k++)
		for (o = 0; o < OP_N; o++) {
			for (b = 0; b < nblocks; b++)
				for (i = 0; i < IMPL_N; i++) {
					im = (i + b) % IMPL_N;
					t[im][b] = run(im, o, k, maps[k], block);
				}
			for (im = 0; im < IMPL_N; im++) {
				for (b = 0; b < nblocks; b++)
					ratio[b] = t[im][b] / t[IMPL_RAW][b];
				pair[k][o][im] = median(ratio, nblocks);
				memcpy(tmp, t[im], nblocks * sizeof(double));
				med[k][o][im] = median(tmp, nblocks);
				best[k][o][im] = tmp[0];
			}
		}

	printf("map_ops: %u ops per case and implementation in %u paired blocks of %u; "
	       "%u entries, u32 key, u64 value\n", nblocks * block, nblocks, block, ENTRIES);
	printf("%-13s %-7s %11s %11s %15s\n", "case", "impl", "best ns/op", "median ns/op",
	       "x raw (paired)");
	for (k = 0; k < KIND_N; k++)
		for (o = 0; o < OP_N; o++)
			for (im = 0; im < IMPL_N; im++) {
				char name[32];

				snprintf(name, sizeof(name), "%s %s", kind_names[k], op_names[o]);
				printf("%-13s %-7s %11.1f %11.1f %14.3fx\n", name, impl_names[im],
				       best[k][o][im], med[k][o][im], pair[k][o][im]);
			}
	printf("\nebpfc/raw: ");
	for (k = 0; k < KIND_N; k++)
		for (o = 0; o < OP_N; o++)
			printf("%s %s %.3f (%+.1f%%)%s", kind_names[k], op_names[o],
			       pair[k][o][IMPL_EBPFC], (pair[k][o][IMPL_EBPFC] - 1) * 100,
			       k == KIND_N - 1 && o == OP_N - 1 ? "\n" : ", ");
#ifdef HAVE_LIBBPF
	printf("libbpf/raw: ");
	for (k = 0; k < KIND_N; k++)
		for (o = 0; o < OP_N; o++)
			printf("%s %s %.3f (%+.1f%%)%s", kind_names[k], op_names[o],
			       pair[k][o][IMPL_LIBBPF], (pair[k][o][IMPL_LIBBPF] - 1) * 100,
			       k == KIND_N - 1 && o == OP_N - 1 ? "\n" : ", ");
#else
	printf("libbpf: not measured (built without HAVE_LIBBPF)\n");
#endif
	printf("noise floor (raw2/raw): ");
	for (k = 0; k < KIND_N; k++)
		for (o = 0; o < OP_N; o++)
			printf("%s %s %.3f (%+.1f%%)%s", kind_names[k], op_names[o],
			       pair[k][o][IMPL_RAW2], (pair[k][o][IMPL_RAW2] - 1) * 100,
			       k == KIND_N - 1 && o == OP_N - 1 ? "\n" : ", ");
	printf("target: ebpfc within 2%% of raw (informational; this program never fails on "
	       "speed)\n");

	for (im = 0; im < IMPL_N; im++)
		free(t[im]);
	free(ratio);
	free(tmp);
	for (k = 0; k < KIND_N; k++)
		ebpfc_map_destroy(maps[k]);
	return 0;
}
