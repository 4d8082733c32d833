/*
 * test_perfbuf.c - tests of the perf buffer consumer (perfbuf.h) on the
 * running kernel, with bpf/test_perfbuf.bpf.c run through
 * BPF_PROG_TEST_RUN on a CPU this thread is pinned to:
 *
 *   samples of every size class with contents checked, through a one-page
 *   ring so that many wrap its end (copied whole into the scratch buffer);
 *   a full ring: lost counts reported to the callback and summed, and lost +
 *   received = sent, the gaps in the sequence numbers matching; a callback
 *   that stops consumption (its value back, the rest on the next poll);
 *   wakeup_events: no wakeup before the count, consume sees them anyway;
 *   one ring per online CPU and the epoll fd; refused maps and options;
 *   a map created with max_entries 0 (sized by the possible CPUs); fd and
 *   mapping leaks over new/free cycles.
 *
 * Every test needs bpf() privileges and skips with the reason without them.
 * Not here: BPF ring buffers (test_ringbuf.c).
 */
#include "testutil.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#ifndef EBPFC_TEST_BPF_DIR
#error "EBPFC_TEST_BPF_DIR must name the directory of the built BPF objects"
#endif

#define MAX_REC 4096

struct pbt {
	struct ebpfc_object *obj;
	struct ebpfc_prog *emit;
	struct ebpfc_map *pb;
	__u32 *cfg_count, *cfg_size, *cfg_size_step;
	__u64 *seq, *attempts, *fails;
	cpu_set_t saved;
	int cpu;
};

static const char *obj_path(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", EBPFC_TEST_BPF_DIR, name);
	return buf;
}

static unsigned char pat(size_t j)
{
	return (unsigned char)(j * 167 + (j >> 7) + 11);
}

static void *global(struct ebpfc_object *obj, const char *name, size_t want)
{
	void *addr = NULL;
	size_t size = 0;

	assert_ok(ebpfc_object_global(obj, name, &addr, &size));
	if (size != want)
		fail_msg("global '%s' is %zu bytes, expected %zu", name, size, want);
	return addr;
}

/*
 * Open and load the object, pinned to the first CPU we may run on: the
 * program writes to the ring of the CPU test_run runs on, and the tests
 * want to know which.
 */
static void pbt_open(struct pbt *t)
{
	struct ebpfc_map *pattern;
	unsigned char *buf;
	cpu_set_t one;
	size_t sz, i;
	__u32 zero = 0;
	int err;

	memset(t, 0, sizeof(*t));
	assert_int_equal(sched_getaffinity(0, sizeof(t->saved), &t->saved), 0);
	for (t->cpu = 0; !CPU_ISSET(t->cpu, &t->saved); t->cpu++)
		;
	CPU_ZERO(&one);
	CPU_SET(t->cpu, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);

	assert_ok(ebpfc_object_open_file(obj_path("test_perfbuf.bpf.o"), NULL, &t->obj));
	assert_ok(ebpfc_object_find_map(t->obj, "pb", &t->pb));
	/*
	 * pb declares no max_entries. The object loader does not yet give a
	 * perf event array the number of possible CPUs the way
	 * ebpfc_map_create() does, so set it here.
	 */
	if (ebpfc_map_max_entries(t->pb) == 0)
		assert_ok(ebpfc_map_set_max_entries(t->pb, (__u32)ebpfc_num_possible_cpus()));
	err = ebpfc_object_load(t->obj, NULL);
	if (err)
		fail_msg("load test_perfbuf.bpf.o: %s", ebpfc_errmsg());
	assert_ok(ebpfc_object_find_prog(t->obj, "emit", &t->emit));
	t->cfg_count = global(t->obj, "cfg_count", 4);
	t->cfg_size = global(t->obj, "cfg_size", 4);
	t->cfg_size_step = global(t->obj, "cfg_size_step", 4);
	t->seq = global(t->obj, "seq", 8);
	t->attempts = global(t->obj, "attempts", 8);
	t->fails = global(t->obj, "fails", 8);

	assert_ok(ebpfc_object_find_map(t->obj, "pattern", &pattern));
	sz = ebpfc_map_value_buf_size(pattern);
	buf = malloc(sz);
	assert_non_null(buf);
	for (i = 0; i < sz; i++)
		buf[i] = pat(i % MAX_REC);
	assert_ok(ebpfc_map_update(pattern, &zero, sizeof(zero), buf, sz, 0));
	free(buf);
}

static void pbt_close(struct pbt *t)
{
	ebpfc_object_destroy(t->obj);
	t->obj = NULL;
	sched_setaffinity(0, sizeof(t->saved), &t->saved);
}

static void emit(struct pbt *t, __u32 count, __u32 size, __u32 step)
{
	unsigned char pkt[64];
	EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		   .repeat = 1);

	*t->cfg_count = count;
	*t->cfg_size = size;
	*t->cfg_size_step = step;
	memset(pkt, 0, sizeof(pkt));
	assert_ok(ebpfc_prog_test_run(t->emit, &o));
	assert_int_equal(o.retval, XDP_PASS);
}

static __u32 rec_size(__u32 size, __u32 step, __u32 i)
{
	return ((size + i * step - 1) & (MAX_REC - 1)) + 1;
}

/* The raw size perf reports: the sample padded so that the record stays 8-byte aligned. */
static __u32 raw_size(__u32 n)
{
	return ((n + 4 + 7) & ~7u) - 4;
}

struct seen {
	struct pbt *t;
	__u64 next_seq;		/* the lowest sequence number still possible */
	__u64 gaps;		/* sequence numbers skipped: lost samples */
	__u32 *sizes;		/* expected sizes, indexed by sequence number */
	size_t nsizes;
	size_t got;
	__u64 lost;
	int lost_calls;
	int bad_cpu;
	size_t stop_at;
	int stop_val;
	unsigned long long ring_pos;	/* where the next record starts in a 1-page ring */
	size_t wrapped;
	char why[256];
};

static int sample_cb(void *user, int cpu, const void *data, __u32 size)
{
	struct seen *s = user;
	const unsigned char *p = data;
	__u64 seq = 0;
	__u32 want, j;

	if (s->why[0])
		return -EBADMSG;
	if (cpu != s->t->cpu)
		s->bad_cpu++;
	/* Raw sizes are at least 4; under 8 bytes, the sequence number is cut short. */
	if (size < 8) {
		seq = s->next_seq;
		if (memcmp(p, &seq, size)) {
			snprintf(s->why, sizeof(s->why), "sample %zu of %u bytes: not the start of "
				 "sequence %llu", s->got, size, (unsigned long long)seq);
			return -EBADMSG;
		}
	} else {
		memcpy(&seq, p, 8);
	}
	if (seq < s->next_seq || seq >= s->nsizes) {
		snprintf(s->why, sizeof(s->why), "sample %zu: sequence %llu, expected %llu or later "
			 "(below %zu)", s->got, (unsigned long long)seq,
			 (unsigned long long)s->next_seq, s->nsizes);
		return -EBADMSG;
	}
	s->gaps += seq - s->next_seq;
	s->next_seq = seq + 1;
	want = s->sizes[seq];
	if (size != raw_size(want)) {
		snprintf(s->why, sizeof(s->why), "sample seq %llu: raw size %u, expected %u (for %u "
			 "bytes)", (unsigned long long)seq, size, raw_size(want), want);
		return -EBADMSG;
	}
	/* Bytes past `want` are padding, of no defined value. */
	for (j = 8; j < want; j++) {
		if (p[j] != pat(j)) {
			snprintf(s->why, sizeof(s->why), "sample seq %llu (%u bytes): byte %u is "
				 "0x%02x, expected 0x%02x", (unsigned long long)seq, want, j, p[j],
				 pat(j));
			return -EBADMSG;
		}
	}
	/* A 1-page ring: did this record (8-byte header, 4-byte size, data) wrap? */
	if ((s->ring_pos % 4096) + 12 + size > 4096)
		s->wrapped++;
	s->ring_pos += 12 + size;
	s->got++;
	if (s->stop_at && s->got == s->stop_at)
		return s->stop_val;
	return 0;
}

static void lost_cb(void *user, int cpu, __u64 lost)
{
	struct seen *s = user;

	if (cpu != s->t->cpu)
		s->bad_cpu++;
	s->lost += lost;
	s->lost_calls++;
	s->ring_pos += 24; /* the PERF_RECORD_LOST record */
}

static void seen_init(struct seen *s, struct pbt *t)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->next_seq = *t->seq;
}

/* A new consumer on the same program: counters from zero, the expected sizes kept. */
static void seen_restart(struct seen *s)
{
	__u32 *sizes = s->sizes;
	size_t nsizes = s->nsizes;

	seen_init(s, s->t);
	s->sizes = sizes;
	s->nsizes = nsizes;
}

/* Record the sizes the next `count` samples will have. */
static void seen_expect(struct seen *s, __u32 count, __u32 size, __u32 step)
{
	__u64 first = *s->t->seq;
	__u32 i;

	assert_int_equal(first, s->nsizes);
	s->sizes = realloc(s->sizes, (s->nsizes + count) * sizeof(*s->sizes));
	assert_non_null(s->sizes);
	for (i = 0; i < count; i++)
		s->sizes[s->nsizes++] = rec_size(size, step, i);
}

static void seen_ok(const struct seen *s)
{
	if (s->why[0])
		fail_msg("%s", s->why);
	assert_int_equal(s->bad_cpu, 0);
}

/* A consume/poll result, after failing with the callback's complaint if it had one. */
static int checked(const struct seen *s, int n)
{
	seen_ok(s);
	return n;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_new_refuses_wrong_maps_and_options(void **state)
{
	struct ebpfc_perfbuf *pb = (struct ebpfc_perfbuf *)1;
	struct ebpfc_map *arr = NULL;
	struct seen s;
	struct pbt t;
	int fds;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	pbt_open(&t);
	seen_init(&s, &t);
	{
		EBPFC_OPTS(ebpfc_perfbuf_opts, o, .sample_cb = sample_cb, .user = &s);
		EBPFC_OPTS(ebpfc_perfbuf_opts, nocb, .user = &s);
		EBPFC_OPTS(ebpfc_perfbuf_opts, badpages, .sample_cb = sample_cb, .pages_per_cpu = 3);

		assert_ok(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "pb_arr", 4, 4, 4, NULL, &arr));
		assert_err(ebpfc_perfbuf_new(arr, &o, &pb), EINVAL);
		assert_null(pb);
		assert_errmsg_contains("'pb_arr' is a array map, not a perf_event_array");
		assert_err(ebpfc_perfbuf_new(t.pb, NULL, &pb), EINVAL);
		assert_errmsg_contains("sample_cb is required");
		assert_err(ebpfc_perfbuf_new(t.pb, &nocb, &pb), EINVAL);
		assert_err(ebpfc_perfbuf_new(t.pb, &badpages, &pb), EINVAL);
		assert_errmsg_contains("pages_per_cpu 3 is not a power of 2");
	}
	ebpfc_perfbuf_free(NULL);
	ebpfc_map_destroy(arr);
	pbt_close(&t);
	assert_int_equal(tu_count_fds(), fds);
}

/*
 * Sizes 1 to 4,096 (every 7th) through a one-page (4 KiB) ring, consumed
 * after every batch of 6: many records cross the ring's end and must come
 * out whole from the scratch copy.
 */
static void test_samples_of_every_size_including_wrapped_ones(void **state)
{
	EBPFC_OPTS(ebpfc_perfbuf_opts, o, .sample_cb = sample_cb, .pages_per_cpu = 1);
	struct ebpfc_perfbuf *pb = NULL;
	struct seen s;
	struct pbt t;
	__u32 size;

	(void)state;
	TU_REQUIRE_PRIVS();
	pbt_open(&t);
	seen_init(&s, &t);
	o.user = &s;
	o.lost_cb = lost_cb;
	assert_ok(ebpfc_perfbuf_new(t.pb, &o, &pb));
	/* Small samples: 6 at a time fit the 4 KiB ring. */
	for (size = 1; size < 600; size += 6 * 7) {
		seen_expect(&s, 6, size, 7);
		emit(&t, 6, size, 7);
		assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 6);
		seen_ok(&s);
	}
	/* Big ones one at a time: each fills most of the ring. */
	for (; size <= MAX_REC - 100; size += 97) {
		seen_expect(&s, 1, size, 0);
		emit(&t, 1, size, 0);
		assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 1);
		seen_ok(&s);
	}
	assert_int_equal(s.got, s.nsizes);
	assert_int_equal(s.gaps, 0);
	assert_int_equal(s.lost, 0);
	assert_int_equal(*t.fails, 0);
	if (s.wrapped < 10)
		fail_msg("only %zu samples wrapped the ring's end", s.wrapped);
	print_message("%zu samples, %zu wrapped the ring's end\n", s.got, s.wrapped);
	ebpfc_perfbuf_free(pb);
	free(s.sizes);
	pbt_close(&t);
}

/*
 * 2,000 samples of 200 bytes into a 4 KiB ring nobody reads: most are
 * lost. Perf reports the count in a PERF_RECORD_LOST written before the
 * next sample that fits, so one more is sent after the drain. Then lost +
 * received = sent, the lost count equals the program's failed outputs and
 * the gaps in the sequence numbers.
 */
static void test_lost_samples_are_counted(void **state)
{
	EBPFC_OPTS(ebpfc_perfbuf_opts, o, .sample_cb = sample_cb, .lost_cb = lost_cb,
		   .pages_per_cpu = 1);
	struct ebpfc_perfbuf *pb = NULL;
	struct seen s;
	struct pbt t;
	int n;

	(void)state;
	TU_REQUIRE_PRIVS();
	pbt_open(&t);
	seen_init(&s, &t);
	o.user = &s;
	assert_ok(ebpfc_perfbuf_new(t.pb, &o, &pb));
	seen_expect(&s, 2000, 200, 0);
	emit(&t, 2000, 200, 0);
	assert_true(*t.fails > 1900);
	n = ebpfc_perfbuf_consume(pb);
	assert_true(n > 0 && n < 100);
	seen_expect(&s, 1, 200, 0);
	emit(&t, 1, 200, 0);
	assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 1);
	seen_ok(&s);
	assert_int_equal(s.lost, *t.fails);
	assert_int_equal(s.got + s.lost, *t.attempts);
	assert_int_equal(s.got + s.lost, 2001);
	assert_int_equal(s.gaps, s.lost);
	assert_true(s.lost_calls >= 1);
	assert_int_equal(ebpfc_perfbuf_lost(pb), s.lost);
	print_message("sent 2001, received %zu, lost %llu (%d lost records)\n", s.got,
		      (unsigned long long)s.lost, s.lost_calls);

	/* Without a lost callback the count is still kept. */
	ebpfc_perfbuf_free(pb);
	o.lost_cb = NULL;
	seen_restart(&s);
	assert_ok(ebpfc_perfbuf_new(t.pb, &o, &pb));
	seen_expect(&s, 1000, 300, 0);
	emit(&t, 1000, 300, 0);
	assert_true(ebpfc_perfbuf_consume(pb) > 0);
	seen_expect(&s, 1, 300, 0);
	emit(&t, 1, 300, 0);
	assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 1);
	seen_ok(&s);
	assert_int_equal(ebpfc_perfbuf_lost(pb), s.gaps);
	assert_int_equal(s.got + ebpfc_perfbuf_lost(pb), 1001);
	ebpfc_perfbuf_free(pb);
	free(s.sizes);
	pbt_close(&t);
}

static void test_callback_stop_returns_its_value_and_poll_delivers_the_rest(void **state)
{
	EBPFC_OPTS(ebpfc_perfbuf_opts, o, .sample_cb = sample_cb, .pages_per_cpu = 4);
	struct ebpfc_perfbuf *pb = NULL;
	struct seen s;
	struct pbt t;

	(void)state;
	TU_REQUIRE_PRIVS();
	pbt_open(&t);
	seen_init(&s, &t);
	o.user = &s;
	assert_ok(ebpfc_perfbuf_new(t.pb, &o, &pb));
	seen_expect(&s, 30, 50, 1);
	emit(&t, 30, 50, 1);
	s.stop_at = 4;
	s.stop_val = -4242;
	assert_int_equal(ebpfc_perfbuf_poll(pb, 1000), -4242);
	assert_int_equal(s.got, 4);
	s.stop_at = 10;
	s.stop_val = 5;
	assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 5);
	assert_int_equal(s.got, 10);
	s.stop_at = 0;
	/* The rest was signalled long ago: poll must deliver it without a wakeup. */
	assert_int_equal(checked(&s, ebpfc_perfbuf_poll(pb, 1000)), 20);
	assert_int_equal(checked(&s, ebpfc_perfbuf_poll(pb, 0)), 0);
	seen_ok(&s);
	assert_int_equal(s.got, 30);
	assert_int_equal(s.gaps, 0);
	ebpfc_perfbuf_free(pb);
	free(s.sizes);
	pbt_close(&t);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* wakeup_events 10: five samples wake nobody, ten do; consume sees all anyway. */
static void test_wakeup_events_and_the_epoll_fd(void **state)
{
	EBPFC_OPTS(ebpfc_perfbuf_opts, o, .sample_cb = sample_cb, .wakeup_events = 10);
	struct ebpfc_perfbuf *pb = NULL;
	struct epoll_event ev;
	struct seen s;
	struct pbt t;
	double t0, dt;

	(void)state;
	TU_REQUIRE_PRIVS();
	pbt_open(&t);
	seen_init(&s, &t);
	o.user = &s;
	assert_ok(ebpfc_perfbuf_new(t.pb, &o, &pb));
	seen_expect(&s, 5, 32, 0);
	emit(&t, 5, 32, 0);
	t0 = now_s();
	assert_int_equal(checked(&s, ebpfc_perfbuf_poll(pb, 150)), 0);
	dt = now_s() - t0;
	if (dt < 0.14 || dt > 2)
		fail_msg("poll(150 ms) without a wakeup returned after %.3f s", dt);
	assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 5);
	seen_expect(&s, 10, 32, 0);
	emit(&t, 10, 32, 0);
	/* In the caller's own loop: the epoll fd reports it, consume takes it. */
	assert_int_equal(epoll_wait(ebpfc_perfbuf_epoll_fd(pb), &ev, 1, 1000), 1);
	assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 10);
	assert_int_equal(epoll_wait(ebpfc_perfbuf_epoll_fd(pb), &ev, 1, 0), 0);
	seen_ok(&s);
	assert_int_equal(s.got, 15);
	ebpfc_perfbuf_free(pb);

	/* Watermark: wake once 1 KiB is waiting. */
	{
		EBPFC_OPTS(ebpfc_perfbuf_opts, w, .sample_cb = sample_cb, .user = &s,
			   .wakeup_bytes = 1024);

		seen_restart(&s);
		assert_ok(ebpfc_perfbuf_new(t.pb, &w, &pb));
		seen_expect(&s, 2, 100, 0);
		emit(&t, 2, 100, 0);
		assert_int_equal(checked(&s, ebpfc_perfbuf_poll(pb, 100)), 0);
		seen_expect(&s, 20, 100, 0);
		emit(&t, 20, 100, 0);
		assert_int_equal(checked(&s, ebpfc_perfbuf_poll(pb, 1000)), 22);
		seen_ok(&s);
		ebpfc_perfbuf_free(pb);
		free(s.sizes);
	}
	pbt_close(&t);
}

static int count_online_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int a, b, n = 0;
	char c;

	assert_non_null(f);
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		c = (char)fgetc(f);
		if (c == '-') {
			assert_int_equal(fscanf(f, "%d", &b), 1);
			c = (char)fgetc(f);
		}
		n += b - a + 1;
		if (c != ',')
			break;
	}
	fclose(f);
	return n;
}

/*
 * A map made with max_entries 0 gets one slot per possible CPU; the perf
 * buffer opens a ring on each online one and clears its slots at free.
 */
static void test_one_ring_per_online_cpu_and_no_leaks(void **state)
{
	struct ebpfc_perfbuf *pb = NULL;
	struct ebpfc_map *map = NULL;
	struct seen s;
	int fds, i, online = count_online_cpus();

	(void)state;
	TU_REQUIRE_PRIVS();
	memset(&s, 0, sizeof(s));
	fds = tu_count_fds();
	{
		EBPFC_OPTS(ebpfc_perfbuf_opts, o, .sample_cb = sample_cb, .user = &s,
			   .pages_per_cpu = 2);

		assert_ok(ebpfc_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "pb_auto", 4, 4, 0, NULL,
					   &map));
		assert_int_equal(ebpfc_map_max_entries(map), tu_possible_cpus());
		for (i = 0; i < 100; i++) {
			assert_ok(ebpfc_perfbuf_new(map, &o, &pb));
			assert_int_equal(ebpfc_perfbuf_ring_count(pb), online);
			assert_true(ebpfc_perfbuf_epoll_fd(pb) >= 0);
			assert_int_equal(checked(&s, ebpfc_perfbuf_consume(pb)), 0);
			assert_int_equal(checked(&s, ebpfc_perfbuf_poll(pb, 0)), 0);
			ebpfc_perfbuf_free(pb);
		}
		ebpfc_map_destroy(map);
	}
	assert_int_equal(tu_count_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_refuses_wrong_maps_and_options),
		cmocka_unit_test(test_samples_of_every_size_including_wrapped_ones),
		cmocka_unit_test(test_lost_samples_are_counted),
		cmocka_unit_test(test_callback_stop_returns_its_value_and_poll_delivers_the_rest),
		cmocka_unit_test(test_wakeup_events_and_the_epoll_fd),
		cmocka_unit_test(test_one_ring_per_online_cpu_and_no_leaks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
