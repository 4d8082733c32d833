/*
 * test_ringbuf.c - tests of the BPF ring buffer consumer and the user ring
 * buffer producer (ringbuf.h) on the running kernel, with the programs of
 * bpf/test_ringbuf.bpf.c run through BPF_PROG_TEST_RUN, and a smoke test of
 * bpf/execsnoop.bpf.c on a real exec:
 *
 *   every record size from 1 to 4,096 bytes in order, contents checked,
 *   per record and in batch mode, through callbacks and through the
 *   iterator; records that wrap around the ring's end; discarded records
 *   skipped; a 4 KiB ring overflowed by the program (reservations fail,
 *   what did fit arrives intact); two rings on one poller with their own
 *   callbacks; a callback that stops consumption (its value comes back,
 *   the rest stays); consume_n; poll's timeout and wakeup and the epoll
 *   fd; refused maps and options; a user ring buffer filled here and
 *   drained by a program (sums checked), its limits and its blocking
 *   reserve; a producer thread and a consumer thread for a few seconds,
 *   every sequence number exactly once and in order per ring; fd leaks.
 *
 * Every test needs bpf() privileges and skips with the reason without them.
 * Not here: perf buffers (test_perfbuf.c).
 */
#include "testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#ifndef EBPFC_TEST_BPF_DIR
#error "EBPFC_TEST_BPF_DIR must name the directory of the built BPF objects"
#endif

#define MAX_REC 4096
#define RING_RB 0
#define RING_SMALL 1
#define RING_A 2
#define RING_B 3
#define RING_AB 4

/* ---- the test object ------------------------------------------------------------- */

struct rbt {
	struct ebpfc_object *obj;
	struct ebpfc_prog *emit, *drain_user;
	struct ebpfc_map *rb, *rb_small, *rb_a, *rb_b, *urb;
	__u32 *cfg_ring, *cfg_count, *cfg_size, *cfg_size_step, *cfg_discard_mod;
	__u64 *seq, *sent, *discarded, *fails;
	__u64 *urb_sum, *urb_records, *urb_bad;
	__s64 *urb_ret;
};

static const char *obj_path(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", EBPFC_TEST_BPF_DIR, name);
	return buf;
}

/* Byte j (>= 8) of every record: what the test writes into the pattern map. */
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

static struct ebpfc_map *find_map(struct ebpfc_object *obj, const char *name)
{
	struct ebpfc_map *m = NULL;

	assert_ok(ebpfc_object_find_map(obj, name, &m));
	return m;
}

static void rbt_open(struct rbt *t)
{
	struct ebpfc_map *pattern;
	unsigned char *buf;
	size_t sz, i;
	int err;
	__u32 zero = 0;

	memset(t, 0, sizeof(*t));
	err = ebpfc_object_open_file(obj_path("test_ringbuf.bpf.o"), NULL, &t->obj);
	if (err)
		fail_msg("open test_ringbuf.bpf.o: %s", ebpfc_errmsg());
	err = ebpfc_object_load(t->obj, NULL);
	if (err)
		fail_msg("load test_ringbuf.bpf.o: %s", ebpfc_errmsg());
	assert_ok(ebpfc_object_find_prog(t->obj, "emit", &t->emit));
	assert_ok(ebpfc_object_find_prog(t->obj, "drain_user", &t->drain_user));
	t->rb = find_map(t->obj, "rb");
	t->rb_small = find_map(t->obj, "rb_small");
	t->rb_a = find_map(t->obj, "rb_a");
	t->rb_b = find_map(t->obj, "rb_b");
	t->urb = find_map(t->obj, "urb");
	t->cfg_ring = global(t->obj, "cfg_ring", 4);
	t->cfg_count = global(t->obj, "cfg_count", 4);
	t->cfg_size = global(t->obj, "cfg_size", 4);
	t->cfg_size_step = global(t->obj, "cfg_size_step", 4);
	t->cfg_discard_mod = global(t->obj, "cfg_discard_mod", 4);
	t->seq = global(t->obj, "seq", 32);
	t->sent = global(t->obj, "sent", 32);
	t->discarded = global(t->obj, "discarded", 32);
	t->fails = global(t->obj, "fails", 32);
	t->urb_sum = global(t->obj, "urb_sum", 8);
	t->urb_records = global(t->obj, "urb_records", 8);
	t->urb_bad = global(t->obj, "urb_bad", 8);
	t->urb_ret = global(t->obj, "urb_ret", 8);

	/* The same pattern in every CPU's copy. */
	pattern = find_map(t->obj, "pattern");
	sz = ebpfc_map_value_buf_size(pattern);
	buf = malloc(sz);
	assert_non_null(buf);
	for (i = 0; i < sz; i++)
		buf[i] = pat(i % MAX_REC);
	assert_ok(ebpfc_map_update(pattern, &zero, sizeof(zero), buf, sz, 0));
	free(buf);
}

static void rbt_close(struct rbt *t)
{
	ebpfc_object_destroy(t->obj);
	t->obj = NULL;
}

static void run_prog(const struct ebpfc_prog *prog, __u32 repeat)
{
	unsigned char pkt[64];
	EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		   .repeat = repeat);

	memset(pkt, 0, sizeof(pkt));
	assert_ok(ebpfc_prog_test_run(prog, &o));
	assert_int_equal(o.retval, XDP_PASS);
}

static __u32 rec_size(__u32 size, __u32 step, __u32 i)
{
	return ((size + i * step - 1) & (MAX_REC - 1)) + 1;
}

/* ---- what a consumer expects -------------------------------------------------------- */

struct expect {
	__u64 seq;		/* sequence number of the next record */
	__u32 *sizes;		/* expected sizes, in order; NULL: any */
	size_t nsizes, cap;
	size_t got;
	size_t stop_at;		/* return stop_val on record number stop_at (1-based); 0 never */
	int stop_val;
	struct expect *self;	/* the user pointer the callback must get */
	unsigned long long bytes;
	char why[256];		/* the first mismatch */
};

static void expect_init(struct expect *e, __u64 first_seq)
{
	memset(e, 0, sizeof(*e));
	e->seq = first_seq;
	e->self = e;
}

static void expect_add(struct expect *e, __u32 size)
{
	if (e->nsizes == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->sizes = realloc(e->sizes, e->cap * sizeof(*e->sizes));
		assert_non_null(e->sizes);
	}
	e->sizes[e->nsizes++] = size;
}

/* Expected sizes of what emit submits to one ring (not RING_AB) with these settings. */
static void expect_emit(struct expect *e, __u32 count, __u32 size, __u32 step, __u32 discard_mod)
{
	__u32 i;

	for (i = 0; i < count; i++) {
		if (discard_mod && i % discard_mod == discard_mod - 1)
			continue;
		expect_add(e, rec_size(size, step, i));
	}
}

static void expect_free(struct expect *e)
{
	free(e->sizes);
	e->sizes = NULL;
}

/* Check one record against the next expectation; false (with e->why) on a mismatch. */
static bool check_record(struct expect *e, const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t j;

	if (e->why[0])
		return false;
	if (e->sizes) {
		if (e->got >= e->nsizes) {
			snprintf(e->why, sizeof(e->why), "record %zu (size %zu) beyond the %zu expected",
				 e->got, size, e->nsizes);
			return false;
		}
		if (size != e->sizes[e->got]) {
			snprintf(e->why, sizeof(e->why), "record %zu: size %zu, expected %u", e->got,
				 size, e->sizes[e->got]);
			return false;
		}
	}
	if (size == 0 || size > MAX_REC) {
		snprintf(e->why, sizeof(e->why), "record %zu: size %zu out of range", e->got, size);
		return false;
	}
	for (j = 0; j < size && j < 8; j++) {
		if (p[j] != (unsigned char)(e->seq >> (8 * j))) {
			snprintf(e->why, sizeof(e->why), "record %zu (size %zu): byte %zu of the "
				 "sequence number is 0x%02x, expected seq %llu", e->got, size, j,
				 p[j], (unsigned long long)e->seq);
			return false;
		}
	}
	for (; j < size; j++) {
		if (p[j] != pat(j)) {
			snprintf(e->why, sizeof(e->why), "record %zu (seq %llu, size %zu): byte %zu "
				 "is 0x%02x, expected 0x%02x", e->got, (unsigned long long)e->seq,
				 size, j, p[j], pat(j));
			return false;
		}
	}
	e->seq++;
	e->got++;
	e->bytes += size;
	return true;
}

static int expect_cb(void *user, const void *data, size_t size)
{
	struct expect *e = user;

	if (e->self != e) {
		snprintf(e->why, sizeof(e->why), "callback got the wrong user pointer");
		return -EFAULT;
	}
	if (!check_record(e, data, size))
		return -EBADMSG;
	if (e->stop_at && e->got == e->stop_at)
		return e->stop_val;
	return 0;
}

static void expect_ok(const struct expect *e)
{
	if (e->why[0])
		fail_msg("%s", e->why);
}

static void expect_all(const struct expect *e)
{
	expect_ok(e);
	if (e->sizes && e->got != e->nsizes)
		fail_msg("got %zu records, expected %zu", e->got, e->nsizes);
}

static void emit(struct rbt *t, __u32 ring, __u32 count, __u32 size, __u32 step, __u32 discard_mod)
{
	*t->cfg_ring = ring;
	*t->cfg_count = count;
	*t->cfg_size = size;
	*t->cfg_size_step = step;
	*t->cfg_discard_mod = discard_mod;
	run_prog(t->emit, 1);
}

/* ---- refusals ------------------------------------------------------------------------ */

static void test_new_refuses_wrong_maps_and_options(void **state)
{
	struct ebpfc_ringbuf *rb = (struct ebpfc_ringbuf *)1;
	struct ebpfc_user_ringbuf *urb = (struct ebpfc_user_ringbuf *)1;
	struct ebpfc_object *unloaded = NULL;
	struct ebpfc_map *arr = NULL, *m = NULL;
	struct {
		struct ebpfc_ringbuf_opts o;
		char tail[8];
	} big;
	const void *data;
	size_t size;
	struct rbt t;
	int fds;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	rbt_open(&t);

	assert_ok(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "rb_arr", 4, 8, 1, NULL, &arr));
	assert_err(ebpfc_ringbuf_new(arr, NULL, NULL, NULL, &rb), EINVAL);
	assert_null(rb);
	assert_errmsg_contains("'rb_arr' is a array map, not a ringbuf");
	assert_err(ebpfc_ringbuf_new(t.urb, NULL, NULL, NULL, &rb), EINVAL);
	assert_errmsg_contains("ebpfc_user_ringbuf_new");
	assert_err(ebpfc_user_ringbuf_new(t.rb, NULL, &urb), EINVAL);
	assert_null(urb);
	assert_errmsg_contains("not a user_ringbuf");

	/* Not loaded yet: no fd. */
	assert_ok(ebpfc_object_open_file(obj_path("test_ringbuf.bpf.o"), NULL, &unloaded));
	assert_ok(ebpfc_object_find_map(unloaded, "rb", &m));
	assert_err(ebpfc_ringbuf_new(m, NULL, NULL, NULL, &rb), EBADF);
	assert_errmsg_contains("load its object first");
	ebpfc_object_destroy(unloaded);

	/* Options from a newer header with a non-zero unknown tail. */
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.tail[3] = 1;
	assert_err(ebpfc_ringbuf_new(t.rb, NULL, NULL, &big.o, &rb), EINVAL);
	big.tail[3] = 0;
	assert_ok(ebpfc_ringbuf_new(t.rb, NULL, NULL, &big.o, &rb));
	assert_err(ebpfc_ringbuf_add(rb, arr, NULL, NULL), EINVAL);
	/* A map twice in one poller: two consumers fighting over one position. */
	assert_err(ebpfc_ringbuf_add(rb, t.rb, NULL, NULL), EEXIST);
	assert_errmsg_contains("in this poller already");
	assert_int_equal(ebpfc_ringbuf_ring_count(rb), 1);
	assert_err(ebpfc_ringbuf_next(rb, 1, &data, &size), EINVAL);
	assert_err(ebpfc_ringbuf_next(rb, 0, NULL, &size), EINVAL);
	assert_err(ebpfc_ringbuf_release(rb, 7), EINVAL);
	ebpfc_ringbuf_free(rb);

	ebpfc_ringbuf_free(NULL);
	ebpfc_user_ringbuf_free(NULL);
	ebpfc_map_destroy(arr);
	rbt_close(&t);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- record sizes, contents, order -------------------------------------------------- */

/*
 * Every size from 1 to 4,096 in order, in chunks of 48 records (at most
 * 197 KB, under the 256 KiB ring), consumed after each chunk: 8.4 MB go
 * through the ring, wrapping it 32 times.
 */
static void sizes_1_to_4096(bool batch)
{
	EBPFC_OPTS(ebpfc_ringbuf_opts, o, .batch = batch);
	struct ebpfc_ringbuf *rb = NULL;
	struct expect e;
	struct rbt t;
	__u32 size, n;
	int got, fds = tu_count_fds();

	rbt_open(&t);
	expect_init(&e, t.seq[RING_RB]);
	assert_ok(ebpfc_ringbuf_new(t.rb, expect_cb, &e, &o, &rb));
	assert_int_equal(ebpfc_ringbuf_consume(rb), 0);
	for (size = 1; size <= MAX_REC; size += n) {
		n = MAX_REC + 1 - size < 48 ? MAX_REC + 1 - size : 48;
		expect_emit(&e, n, size, 1, 0);
		emit(&t, RING_RB, n, size, 1, 0);
		got = ebpfc_ringbuf_consume(rb);
		expect_ok(&e);
		assert_int_equal(got, n);
	}
	expect_all(&e);
	assert_int_equal(e.got, MAX_REC);
	assert_int_equal(t.fails[RING_RB], 0);
	assert_int_equal(t.sent[RING_RB], MAX_REC);
	assert_int_equal(ebpfc_ringbuf_consume(rb), 0);
	ebpfc_ringbuf_free(rb);
	expect_free(&e);
	rbt_close(&t);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_every_size_1_to_4096_in_order(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	sizes_1_to_4096(false);
}

static void test_every_size_1_to_4096_in_order_batch_mode(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	sizes_1_to_4096(true);
}

/* The same sizes through the iterator, released every 7 records. */
static void test_every_size_through_the_iterator(void **state)
{
	struct ebpfc_ringbuf *rb = NULL;
	const void *data;
	struct expect e;
	struct rbt t;
	size_t size;
	__u32 s, n, k;
	int r;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	expect_init(&e, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb, NULL, NULL, NULL, &rb));
	assert_int_equal(ebpfc_ringbuf_next(rb, 0, &data, &size), 0);
	assert_int_equal(ebpfc_ringbuf_release(rb, 0), 0);
	for (s = 1; s <= MAX_REC; s += n) {
		n = MAX_REC + 1 - s < 48 ? MAX_REC + 1 - s : 48;
		expect_emit(&e, n, s, 1, 0);
		emit(&t, RING_RB, n, s, 1, 0);
		/* poll answers at once for a ring without callback that has records. */
		assert_int_equal(ebpfc_ringbuf_poll(rb, 5000), 0);
		for (k = 0; (r = ebpfc_ringbuf_next(rb, 0, &data, &size)) == 1; k++) {
			if (!check_record(&e, data, size))
				fail_msg("%s", e.why);
			if (k % 7 == 6)
				assert_true(ebpfc_ringbuf_release(rb, 0) >= 0);
		}
		assert_int_equal(r, 0);
		assert_int_equal(k, n);
		assert_int_equal(ebpfc_ringbuf_release(rb, 0), 0);
	}
	expect_all(&e);
	ebpfc_ringbuf_free(rb);
	expect_free(&e);
	rbt_close(&t);
}

/*
 * Records that straddle the end of a 16 KiB ring reach the callback whole
 * and contiguous: sizes 1000, 1001, ... put every record at a new offset,
 * and 200 of them wrap the ring about 12 times.
 */
static void test_records_wrapping_the_ring_end_are_contiguous(void **state)
{
	struct ebpfc_ringbuf *rb = NULL;
	unsigned long pos = 0, wrapped = 0;
	struct expect e;
	struct rbt t;
	__u32 i;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	expect_init(&e, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb_a, expect_cb, &e, NULL, &rb));
	for (i = 0; i < 200; i += 10) {
		expect_emit(&e, 10, 1000 + i, 1, 0);
		emit(&t, RING_A, 10, 1000 + i, 1, 0);
		assert_int_equal(ebpfc_ringbuf_consume(rb), 10);
	}
	expect_all(&e);
	/* The ring started empty at position 0: count the records that crossed its end. */
	for (i = 0; i < e.nsizes; i++) {
		unsigned long total = (e.sizes[i] + 8 + 7) & ~7ul;

		if ((pos & 16383) + total > 16384)
			wrapped++;
		pos += total;
	}
	if (wrapped < 5)
		fail_msg("only %lu records wrapped the ring", wrapped);
	ebpfc_ringbuf_free(rb);
	expect_free(&e);
	rbt_close(&t);
}

/* Every third record discarded by the program: skipped, the others gap-free. */
static void test_discarded_records_are_skipped(void **state)
{
	EBPFC_OPTS(ebpfc_ringbuf_opts, o, .batch = true);
	struct ebpfc_ringbuf *rb = NULL, *rb2 = NULL;
	struct expect e, e2;
	const void *data;
	size_t size;
	struct rbt t;
	int n;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	expect_init(&e, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb, expect_cb, &e, NULL, &rb));
	expect_emit(&e, 300, 5, 3, 3);
	emit(&t, RING_RB, 300, 5, 3, 3);
	assert_int_equal(t.discarded[RING_RB], 100);
	assert_int_equal(t.sent[RING_RB], 200);
	assert_int_equal(ebpfc_ringbuf_consume(rb), 200);
	expect_all(&e);

	/* Only discarded records: nothing to hand over, the ring still moves on. */
	emit(&t, RING_RB, 10, 64, 0, 1);
	assert_int_equal(t.discarded[RING_RB], 110);
	assert_int_equal(ebpfc_ringbuf_consume(rb), 0);
	ebpfc_ringbuf_free(rb);

	/* Batch mode, and the iterator, skip them too. */
	expect_init(&e2, t.seq[RING_RB]);
	assert_ok(ebpfc_ringbuf_new(t.rb, expect_cb, &e2, &o, &rb2));
	expect_emit(&e2, 90, 100, 1, 2);
	emit(&t, RING_RB, 90, 100, 1, 2);
	assert_int_equal(ebpfc_ringbuf_consume(rb2), 45);
	expect_all(&e2);
	ebpfc_ringbuf_free(rb2);
	expect_free(&e2);

	expect_free(&e);
	expect_init(&e, t.seq[RING_RB]);
	assert_ok(ebpfc_ringbuf_new(t.rb, NULL, NULL, NULL, &rb));
	expect_emit(&e, 40, 33, 7, 4);
	emit(&t, RING_RB, 40, 33, 7, 4);
	for (n = 0; ebpfc_ringbuf_next(rb, 0, &data, &size) == 1; n++)
		if (!check_record(&e, data, size))
			fail_msg("%s", e.why);
	assert_int_equal(n, 30);
	expect_all(&e);
	assert_int_equal(ebpfc_ringbuf_release(rb, 0), 0);
	ebpfc_ringbuf_free(rb);
	expect_free(&e);
	rbt_close(&t);
}

/*
 * A 4 KiB ring and 100 records of 100 bytes (112 with header and padding)
 * with nobody consuming: 36 fit (the kernel keeps the producer less than a
 * whole ring ahead), 64 reservations fail in the program. What fit arrives
 * intact and in order, and the ring works again once drained.
 */
static void test_small_ring_overflowed_by_the_program(void **state)
{
	struct ebpfc_ringbuf *rb = NULL;
	struct expect e;
	struct rbt t;
	__u32 i;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	expect_init(&e, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb_small, expect_cb, &e, NULL, &rb));
	emit(&t, RING_SMALL, 100, 100, 0, 0);
	assert_int_equal(t.sent[RING_SMALL], 36);
	assert_int_equal(t.fails[RING_SMALL], 64);
	for (i = 0; i < 36; i++)
		expect_add(&e, 100);
	assert_int_equal(ebpfc_ringbuf_consume(rb), 36);
	expect_all(&e);

	for (i = 0; i < 5; i++) {
		expect_emit(&e, 30, 1 + i * 20, 3, 0);
		emit(&t, RING_SMALL, 30, 1 + i * 20, 3, 0);
		assert_int_equal(ebpfc_ringbuf_consume(rb), 30);
	}
	expect_all(&e);
	assert_int_equal(t.fails[RING_SMALL], 64);
	ebpfc_ringbuf_free(rb);
	expect_free(&e);
	rbt_close(&t);
}

/* Two rings on one poller: each record reaches its own ring's callback. */
static void test_two_rings_one_poller_own_callbacks(void **state)
{
	struct ebpfc_ringbuf *rb = NULL;
	struct expect ea, eb;
	struct rbt t;
	int round;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	expect_init(&ea, 0);
	expect_init(&eb, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb_a, expect_cb, &ea, NULL, &rb));
	assert_int_equal(ebpfc_ringbuf_add(rb, t.rb_b, expect_cb, &eb), 1);
	assert_int_equal(ebpfc_ringbuf_ring_count(rb), 2);
	for (round = 0; round < 20; round++) {
		/* Even i go to rb_a, odd i to rb_b: sizes 10+3i. */
		__u32 i;

		for (i = 0; i < 40; i++)
			expect_add(i & 1 ? &eb : &ea, rec_size(10 + round, 3, i));
		emit(&t, RING_AB, 40, 10 + round, 3, 0);
		assert_int_equal(ebpfc_ringbuf_poll(rb, 1000), 40);
		expect_ok(&ea);
		expect_ok(&eb);
	}
	expect_all(&ea);
	expect_all(&eb);
	assert_int_equal(ea.got, 400);
	assert_int_equal(eb.got, 400);
	assert_int_equal(ebpfc_ringbuf_poll(rb, 0), 0);
	ebpfc_ringbuf_free(rb);
	expect_free(&ea);
	expect_free(&eb);
	rbt_close(&t);
}

/*
 * A callback's non-zero return stops consumption: the value comes back,
 * that record counts as consumed, the rest stays for the next call - with
 * poll too, although no new wakeup will announce it.
 */
static void test_callback_stop_returns_its_value_and_keeps_the_rest(void **state)
{
	EBPFC_OPTS(ebpfc_ringbuf_opts, o, .batch = true);
	struct ebpfc_ringbuf *rb = NULL;
	struct expect e;
	struct rbt t;
	int pass;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	for (pass = 0; pass < 2; pass++) {
		expect_init(&e, t.seq[RING_RB]);
		assert_ok(ebpfc_ringbuf_new(t.rb, expect_cb, &e, pass ? &o : NULL, &rb));
		expect_emit(&e, 20, 40, 1, 0);
		emit(&t, RING_RB, 20, 40, 1, 0);
		e.stop_at = 5;
		e.stop_val = -1234;
		assert_int_equal(ebpfc_ringbuf_consume(rb), -1234);
		assert_int_equal(e.got, 5);
		/* A positive value is passed back unchanged too. */
		e.stop_at = 8;
		e.stop_val = 77;
		assert_int_equal(ebpfc_ringbuf_poll(rb, 1000), 77);
		assert_int_equal(e.got, 8);
		e.stop_at = 0;
		/* No wakeup will come for the rest; poll must find it anyway. */
		assert_int_equal(ebpfc_ringbuf_poll(rb, 1000), 12);
		expect_all(&e);
		assert_int_equal(ebpfc_ringbuf_poll(rb, 0), 0);
		ebpfc_ringbuf_free(rb);
		expect_free(&e);
	}
	rbt_close(&t);
}

static void test_consume_n_stops_after_max(void **state)
{
	struct ebpfc_ringbuf *rb = NULL;
	struct expect e;
	struct rbt t;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	expect_init(&e, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb, expect_cb, &e, NULL, &rb));
	/* Discards in between do not count against the max. */
	expect_emit(&e, 30, 8, 8, 5);
	emit(&t, RING_RB, 30, 8, 8, 5);
	assert_int_equal(ebpfc_ringbuf_consume_n(rb, 0), 0);
	assert_int_equal(ebpfc_ringbuf_consume_n(rb, 3), 3);
	assert_int_equal(ebpfc_ringbuf_consume_n(rb, 10), 10);
	assert_int_equal(ebpfc_ringbuf_consume_n(rb, 100), 11);
	assert_int_equal(ebpfc_ringbuf_consume_n(rb, 100), 0);
	expect_all(&e);
	ebpfc_ringbuf_free(rb);
	expect_free(&e);
	rbt_close(&t);
}

/* ---- waiting ----------------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct later {
	struct rbt *t;
	const struct ebpfc_prog *prog;
	int delay_ms;
	__u32 ring, count;
	int err;
};

static void *later_thread(void *arg)
{
	struct later *l = arg;
	unsigned char pkt[64] = { 0 };
	EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		   .repeat = 1);

	usleep(l->delay_ms * 1000);
	if (l->t) {
		*l->t->cfg_ring = l->ring;
		*l->t->cfg_count = l->count;
		*l->t->cfg_size = 16;
		*l->t->cfg_size_step = 0;
		*l->t->cfg_discard_mod = 0;
	}
	l->err = ebpfc_prog_test_run(l->prog, &o);
	return NULL;
}

static void poll_times_out_then_wakes(unsigned int coalesce_us)
{
	EBPFC_OPTS(ebpfc_ringbuf_opts, o, .coalesce_us = coalesce_us);
	struct ebpfc_ringbuf *rb = NULL;
	struct epoll_event ev;
	struct later l;
	struct expect e;
	pthread_t th;
	struct rbt t;
	double t0, dt;
	int n, i;

	rbt_open(&t);
	expect_init(&e, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb, expect_cb, &e, &o, &rb));

	t0 = now_s();
	assert_int_equal(ebpfc_ringbuf_poll(rb, 150), 0);
	dt = now_s() - t0;
	if (dt < 0.14 || dt > 2)
		fail_msg("poll(150 ms) on an empty ring returned after %.3f s", dt);
	assert_int_equal(ebpfc_ringbuf_poll(rb, 0), 0);

	/* Records produced while poll sleeps wake it. */
	memset(&l, 0, sizeof(l));
	l.t = &t;
	l.prog = t.emit;
	l.delay_ms = 100;
	l.ring = RING_RB;
	l.count = 5;
	assert_int_equal(pthread_create(&th, NULL, later_thread, &l), 0);
	t0 = now_s();
	n = ebpfc_ringbuf_poll(rb, 5000);
	dt = now_s() - t0;
	pthread_join(th, NULL);
	assert_ok(l.err);
	assert_true(n >= 1);
	if (dt > 2)
		fail_msg("poll woke %.3f s after records were produced", dt);
	n += ebpfc_ringbuf_consume(rb);
	assert_int_equal(n, 5);
	expect_ok(&e);

	/* The epoll fd in the caller's own loop: reports once per wakeup. */
	assert_int_equal(epoll_wait(ebpfc_ringbuf_epoll_fd(rb), &ev, 1, 0), 0);
	emit(&t, RING_RB, 3, 16, 0, 0);
	assert_int_equal(epoll_wait(ebpfc_ringbuf_epoll_fd(rb), &ev, 1, 1000), 1);
	assert_int_equal(ev.data.u32, 0);
	assert_int_equal(epoll_wait(ebpfc_ringbuf_epoll_fd(rb), &ev, 1, 0), 0);
	assert_int_equal(ebpfc_ringbuf_consume(rb), 3);
	/* Drained: the next commit wakes it again. */
	emit(&t, RING_RB, 1, 16, 0, 0);
	assert_int_equal(epoll_wait(ebpfc_ringbuf_epoll_fd(rb), &ev, 1, 1000), 1);
	assert_int_equal(ebpfc_ringbuf_consume(rb), 1);
	expect_ok(&e);
	assert_int_equal(e.got, 9);

	/*
	 * Polls that keep finding records (a dense stream, when coalescing),
	 * then a quiet ring: poll must still arm the wakeup before it sleeps,
	 * and records produced during that sleep wake it.
	 */
	for (i = 0; i < 20; i++) {
		emit(&t, RING_RB, 1, 16, 0, 0);
		assert_int_equal(ebpfc_ringbuf_poll(rb, 1000), 1);
	}
	l.delay_ms = 100;
	l.count = 2;
	assert_int_equal(pthread_create(&th, NULL, later_thread, &l), 0);
	t0 = now_s();
	n = ebpfc_ringbuf_poll(rb, 5000);
	dt = now_s() - t0;
	pthread_join(th, NULL);
	assert_ok(l.err);
	assert_true(n >= 1);
	if (dt > 2)
		fail_msg("poll woke %.3f s after records were produced", dt);
	n += ebpfc_ringbuf_poll(rb, 0);
	assert_int_equal(n, 2);
	expect_ok(&e);
	assert_int_equal(e.got, 31);

	ebpfc_ringbuf_free(rb);
	expect_free(&e);
	rbt_close(&t);
}

static void test_poll_times_out_then_wakes_on_records(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	poll_times_out_then_wakes(0);
}

static void test_poll_coalescing_times_out_then_wakes_on_records(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	poll_times_out_then_wakes(100000);
}

/* ---- user ring buffer ------------------------------------------------------------------- */

/* Write a user record of n values v, v+1, ...; returns the sum. */
static __u64 fill_user_record(void *sample, __u32 n, __u64 v)
{
	__u32 *hdr = sample;
	__u64 *vals = (__u64 *)sample + 1, sum = 0;
	__u32 i;

	hdr[0] = n;
	hdr[1] = 0xabcd;
	for (i = 0; i < n; i++) {
		vals[i] = v + i;
		sum += v + i;
	}
	return sum;
}

static void test_user_ringbuf_drained_by_a_program(void **state)
{
	struct ebpfc_user_ringbuf *urb = NULL;
	__u64 sum = 0, records = 0, v = 1;
	void *sample, *held;
	struct rbt t;
	int round, i, fds = tu_count_fds();

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	assert_ok(ebpfc_user_ringbuf_new(t.urb, NULL, &urb));

	/* 40 rounds of up to ~12 KB through a 16 KiB ring: it wraps many times. */
	for (round = 0; round < 40; round++) {
		for (i = 0; i < 50; i++) {
			__u32 n = (__u32)((round * 7 + i) % 33);
			int err = ebpfc_user_ringbuf_reserve(urb, 8 + 8 * n, &sample);

			if (err == -ENOSPC)
				break;
			assert_ok(err);
			assert_int_equal((uintptr_t)sample % 8, 0);
			if (i % 5 == 4) {
				/* Discarded: its values must not count. */
				fill_user_record(sample, n, 1000000);
				assert_ok(ebpfc_user_ringbuf_discard(urb, sample));
				continue;
			}
			sum += fill_user_record(sample, n, v);
			v += n;
			records++;
			assert_ok(ebpfc_user_ringbuf_submit(urb, sample));
		}
		run_prog(t.drain_user, 1);
		assert_true(*t.urb_ret >= 0);
		assert_int_equal(*t.urb_bad, 0);
		assert_int_equal(*t.urb_records, records);
		assert_int_equal(*t.urb_sum, sum);
	}

	/* A record still reserved holds back the ones after it. */
	assert_ok(ebpfc_user_ringbuf_reserve(urb, 16, &held));
	fill_user_record(held, 1, 5);
	assert_ok(ebpfc_user_ringbuf_reserve(urb, 16, &sample));
	fill_user_record(sample, 1, 7);
	assert_ok(ebpfc_user_ringbuf_submit(urb, sample));
	run_prog(t.drain_user, 1);
	assert_int_equal(*t.urb_records, records);
	assert_ok(ebpfc_user_ringbuf_submit(urb, held));
	run_prog(t.drain_user, 1);
	assert_int_equal(*t.urb_records, records + 2);
	assert_int_equal(*t.urb_sum, sum + 12);

	/* Limits and misuse. */
	assert_err(ebpfc_user_ringbuf_reserve(urb, 16384, &sample), E2BIG);
	assert_err(ebpfc_user_ringbuf_reserve(urb, 16384 - 7, &sample), E2BIG);
	assert_ok(ebpfc_user_ringbuf_reserve(urb, 16384 - 8 - 8, &sample));
	assert_ok(ebpfc_user_ringbuf_discard(urb, sample));
	assert_err(ebpfc_user_ringbuf_submit(urb, sample), EINVAL); /* already committed */
	assert_err(ebpfc_user_ringbuf_submit(urb, (char *)sample + 4), EINVAL);
	assert_err(ebpfc_user_ringbuf_submit(urb, &round), EINVAL);
	assert_errmsg_contains("not an open reservation");
	run_prog(t.drain_user, 1);
	assert_int_equal(*t.urb_records, records + 2);

	/* An open reservation at free is discarded, so the next producer goes on. */
	assert_ok(ebpfc_user_ringbuf_reserve(urb, 16, &sample));
	ebpfc_user_ringbuf_free(urb);
	assert_ok(ebpfc_user_ringbuf_new(t.urb, NULL, &urb));
	assert_ok(ebpfc_user_ringbuf_reserve(urb, 16, &sample));
	fill_user_record(sample, 1, 100);
	assert_ok(ebpfc_user_ringbuf_submit(urb, sample));
	run_prog(t.drain_user, 1);
	assert_int_equal(*t.urb_records, records + 3);
	assert_int_equal(*t.urb_sum, sum + 112);

	ebpfc_user_ringbuf_free(urb);
	rbt_close(&t);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_user_ringbuf_blocking_reserve(void **state)
{
	struct ebpfc_user_ringbuf *urb = NULL;
	void *sample;
	struct later l;
	pthread_t th;
	struct rbt t;
	double t0, dt;
	int n = 0, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	assert_ok(ebpfc_user_ringbuf_new(t.urb, NULL, &urb));
	/* Fill the ring: 1 KiB records (1032 bytes each). */
	while ((err = ebpfc_user_ringbuf_reserve(urb, 1024, &sample)) == 0) {
		fill_user_record(sample, 4, 1);
		assert_ok(ebpfc_user_ringbuf_submit(urb, sample));
		n++;
	}
	assert_int_equal(err, -ENOSPC);
	assert_errmsg_contains("no room for 1024 bytes");
	assert_int_equal(n, 15);

	assert_err(ebpfc_user_ringbuf_reserve_blocking(urb, 1024, 0, &sample), ENOSPC);
	t0 = now_s();
	assert_err(ebpfc_user_ringbuf_reserve_blocking(urb, 1024, 120, &sample), ETIMEDOUT);
	dt = now_s() - t0;
	if (dt < 0.11 || dt > 2)
		fail_msg("reserve_blocking(120 ms) gave up after %.3f s", dt);

	/* A program drains 100 ms from now: the reservation goes through then. */
	memset(&l, 0, sizeof(l));
	l.prog = t.drain_user;
	l.delay_ms = 100;
	assert_int_equal(pthread_create(&th, NULL, later_thread, &l), 0);
	t0 = now_s();
	err = ebpfc_user_ringbuf_reserve_blocking(urb, 1024, 5000, &sample);
	dt = now_s() - t0;
	pthread_join(th, NULL);
	assert_ok(l.err);
	assert_ok(err);
	if (dt < 0.05 || dt > 2)
		fail_msg("reserve_blocking returned after %.3f s; the drain came after 0.1 s", dt);
	assert_int_equal(*t.urb_records, 15);
	fill_user_record(sample, 2, 10);
	assert_ok(ebpfc_user_ringbuf_submit(urb, sample));
	run_prog(t.drain_user, 1);
	assert_int_equal(*t.urb_records, 16);
	assert_int_equal(*t.urb_sum, 15 * (1 + 2 + 3 + 4) + 21);

	ebpfc_user_ringbuf_free(urb);
	rbt_close(&t);
}

/* ---- concurrency ------------------------------------------------------------------------ */

struct producer {
	struct rbt *t;
	__u32 repeat;		/* runs per test_run call; 0: 50 */
	int stop;		/* set by the test thread, read by the producer: atomics */
	unsigned long runs;	/* atomics too */
	int err;
};

static int producer_err(struct producer *p)
{
	return __atomic_load_n(&p->err, __ATOMIC_RELAXED);
}

static unsigned long producer_runs(struct producer *p)
{
	return __atomic_load_n(&p->runs, __ATOMIC_RELAXED);
}

static void *producer_thread(void *arg)
{
	struct producer *p = arg;
	unsigned char pkt[64] = { 0 };

	while (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			   .repeat = p->repeat ? p->repeat : 50);

		int err = ebpfc_prog_test_run(p->t->emit, &o);

		__atomic_store_n(&p->err, err, __ATOMIC_RELAXED);
		if (err)
			break;
		__atomic_add_fetch(&p->runs, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * A thread runs the program (64 records a run, alternating between two 16
 * KiB rings, sizes 24 to 402) while this one polls both rings for ~2.5 s:
 * every sequence number arrives exactly once and in order per ring, and
 * the total matches what the program submitted.
 */
static void threaded(bool batch, unsigned int coalesce_us)
{
	EBPFC_OPTS(ebpfc_ringbuf_opts, o, .batch = batch, .coalesce_us = coalesce_us);
	struct ebpfc_ringbuf *rb = NULL;
	struct producer p;
	struct expect ea, eb;
	struct rbt t;
	pthread_t th;
	double end;
	int n, timeouts = 0;

	rbt_open(&t);
	expect_init(&ea, 0);
	expect_init(&eb, 0);
	assert_ok(ebpfc_ringbuf_new(t.rb_a, expect_cb, &ea, &o, &rb));
	assert_int_equal(ebpfc_ringbuf_add(rb, t.rb_b, expect_cb, &eb), 1);
	*t.cfg_ring = RING_AB;
	*t.cfg_count = 64;
	*t.cfg_size = 24;
	*t.cfg_size_step = 6;
	*t.cfg_discard_mod = 0;

	memset(&p, 0, sizeof(p));
	p.t = &t;
	assert_int_equal(pthread_create(&th, NULL, producer_thread, &p), 0);
	/*
	 * A poll that times out although whole producer runs (records
	 * committed) happened while it slept missed a wakeup: the race the
	 * fence in ringbuf.c closes. (On a loaded machine the producer may not
	 * run at all for a second; that is no missed wakeup.)
	 */
	end = now_s() + 2.5;
	while (now_s() < end && !producer_err(&p)) {
		unsigned long runs = producer_runs(&p);

		n = ebpfc_ringbuf_poll(rb, 1000);
		if (n == 0 && producer_runs(&p) - runs >= 2)
			timeouts++;
		if (n < 0)
			break;
	}
	__atomic_store_n(&p.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	assert_ok(p.err);
	assert_true(n >= 0);
	assert_int_equal(timeouts, 0);
	n = ebpfc_ringbuf_consume(rb);
	expect_ok(&ea);
	expect_ok(&eb);
	assert_true(n >= 0);
	assert_int_equal(ea.got, t.sent[RING_A]);
	assert_int_equal(eb.got, t.sent[RING_B]);
	assert_int_equal(ea.seq, t.seq[RING_A]);
	assert_int_equal(eb.seq, t.seq[RING_B]);
	print_message("threaded%s%s: %lu runs, %zu + %zu records (%.1f MB), %llu + %llu "
		      "reservations failed on a full ring\n",
		      batch ? " (batch)" : "", coalesce_us ? " (coalescing)" : "", p.runs, ea.got, eb.got,
		      (ea.bytes + eb.bytes) / 1e6, (unsigned long long)t.fails[RING_A],
		      (unsigned long long)t.fails[RING_B]);
	assert_true(ea.got > 1000 && eb.got > 1000);
	ebpfc_ringbuf_free(rb);
	rbt_close(&t);
}

static void test_threaded_producer_and_consumer_every_record_once_in_order(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	threaded(false, 0);
}

static void test_threaded_producer_and_consumer_batch_mode(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	threaded(true, 0);
}

static void test_threaded_producer_and_consumer_batch_mode_coalescing(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	threaded(true, 200);
}

/*
 * The documented pattern for a caller's own event loop: consume, then
 * sleep on the epoll fd. A producer that commits one record at a time makes
 * the consumer catch up over and over; a consumer that stored its position
 * and went to sleep without looking again (or without the fence) would
 * now and then sleep through a record the kernel did not announce - here a
 * 500 ms timeout while the producer never pauses. Without the re-check in
 * ringbuf.c this fails within seconds.
 */
static void test_own_event_loop_never_sleeps_through_a_record(void **state)
{
	struct ebpfc_ringbuf *rb = NULL;
	struct producer p;
	struct epoll_event ev;
	struct expect e;
	struct rbt t;
	pthread_t th;
	int timeouts = 0, waits = 0, pass;
	double end;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	for (pass = 0; pass < 2; pass++) {
		EBPFC_OPTS(ebpfc_ringbuf_opts, o, .batch = pass == 1);

		expect_init(&e, t.seq[RING_A]);
		assert_ok(ebpfc_ringbuf_new(t.rb_a, expect_cb, &e, &o, &rb));
		*t.cfg_ring = RING_A;
		*t.cfg_count = 1;
		*t.cfg_size = 8;
		*t.cfg_size_step = 0;
		*t.cfg_discard_mod = 0;
		memset(&p, 0, sizeof(p));
		p.t = &t;
		p.repeat = 1;
		assert_int_equal(pthread_create(&th, NULL, producer_thread, &p), 0);
		end = now_s() + 1.5;
		while (now_s() < end && !producer_err(&p)) {
			unsigned long runs;

			assert_true(ebpfc_ringbuf_consume(rb) >= 0);
			runs = producer_runs(&p);
			/* Timed out although whole runs committed records meanwhile? */
			if (epoll_wait(ebpfc_ringbuf_epoll_fd(rb), &ev, 1, 500) == 0 &&
			    producer_runs(&p) - runs >= 2)
				timeouts++;
			waits++;
		}
		__atomic_store_n(&p.stop, 1, __ATOMIC_RELAXED);
		pthread_join(th, NULL);
		assert_ok(p.err);
		assert_true(ebpfc_ringbuf_consume(rb) >= 0);
		expect_ok(&e);
		assert_int_equal(e.seq, t.seq[RING_A]);
		ebpfc_ringbuf_free(rb);
		expect_free(&e);
	}
	print_message("own event loop: %d waits, %d slept through records\n", waits, timeouts);
	assert_int_equal(timeouts, 0);
	rbt_close(&t);
}

/* ---- leaks ---------------------------------------------------------------------------- */

static void test_new_free_cycles_leak_no_fds_or_mappings(void **state)
{
	struct ebpfc_user_ringbuf *urb;
	struct ebpfc_ringbuf *rb;
	struct rbt t;
	int fds, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	rbt_open(&t);
	fds = tu_count_fds();
	for (i = 0; i < 200; i++) {
		assert_ok(ebpfc_ringbuf_new(t.rb, expect_cb, NULL, NULL, &rb));
		assert_int_equal(ebpfc_ringbuf_add(rb, t.rb_a, expect_cb, NULL), 1);
		assert_int_equal(ebpfc_ringbuf_add(rb, t.rb_b, expect_cb, NULL), 2);
		/* A failed add leaves the poller as it was. */
		assert_err(ebpfc_ringbuf_add(rb, t.urb, expect_cb, NULL), EINVAL);
		assert_int_equal(ebpfc_ringbuf_ring_count(rb), 3);
		ebpfc_ringbuf_free(rb);
		assert_ok(ebpfc_user_ringbuf_new(t.urb, NULL, &urb));
		ebpfc_user_ringbuf_free(urb);
	}
	assert_int_equal(tu_count_fds(), fds);
	rbt_close(&t);
}

/* ---- execsnoop -------------------------------------------------------------------------- */

/* As in bpf/execsnoop.bpf.c. */
struct exec_event {
	__u32 pid;
	__u32 tid;
	__u32 old_pid;
	__u32 uid;
	char comm[16];
	char filename[256];
};

struct exec_seen {
	pid_t child;
	int found;
	struct exec_event ev;
};

static int exec_cb(void *user, const void *data, size_t size)
{
	struct exec_seen *s = user;
	const struct exec_event *e = data;

	if (size != sizeof(*e))
		return -EBADMSG;
	if ((pid_t)e->pid == s->child) {
		s->ev = *e;
		s->found = 1;
	}
	return 0;
}

static void test_execsnoop_sees_an_exec(void **state)
{
	struct ebpfc_object *obj = NULL;
	struct ebpfc_ringbuf *rb = NULL;
	struct ebpfc_prog *prog = NULL;
	struct ebpfc_map *events = NULL;
	struct ebpfc_link *link = NULL;
	struct exec_seen seen;
	int err, status, fds;
	double end;
	pid_t pid;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	assert_ok(ebpfc_object_open_file(obj_path("execsnoop.bpf.o"), NULL, &obj));
	err = ebpfc_object_load(obj, NULL);
	if (err)
		fail_msg("load execsnoop.bpf.o: %s", ebpfc_errmsg());
	assert_ok(ebpfc_object_find_prog(obj, "handle_exec", &prog));
	assert_ok(ebpfc_object_find_map(obj, "events", &events));
	/* Where its section says: tracepoint/sched/sched_process_exec. */
	err = ebpfc_prog_attach(prog, &link);
	if (err == -ENOENT) {
		ebpfc_object_destroy(obj);
		print_message("skipped: no sched/sched_process_exec tracepoint: %s\n",
			      ebpfc_errmsg());
		skip();
	}
	assert_ok(err);

	memset(&seen, 0, sizeof(seen));
	assert_ok(ebpfc_ringbuf_new(events, exec_cb, &seen, NULL, &rb));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	seen.child = pid;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	end = now_s() + 5;
	while (!seen.found && now_s() < end)
		assert_true(ebpfc_ringbuf_poll(rb, 100) >= 0);
	if (!seen.found)
		fail_msg("no exec event for pid %d within 5 s", (int)pid);
	assert_string_equal(seen.ev.comm, "true");
	assert_string_equal(seen.ev.filename, "/bin/true");
	assert_int_equal(seen.ev.tid, (__u32)pid);
	assert_int_equal(seen.ev.uid, getuid());

	ebpfc_ringbuf_free(rb);
	ebpfc_link_destroy(link);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_refuses_wrong_maps_and_options),
		cmocka_unit_test(test_every_size_1_to_4096_in_order),
		cmocka_unit_test(test_every_size_1_to_4096_in_order_batch_mode),
		cmocka_unit_test(test_every_size_through_the_iterator),
		cmocka_unit_test(test_records_wrapping_the_ring_end_are_contiguous),
		cmocka_unit_test(test_discarded_records_are_skipped),
		cmocka_unit_test(test_small_ring_overflowed_by_the_program),
		cmocka_unit_test(test_two_rings_one_poller_own_callbacks),
		cmocka_unit_test(test_callback_stop_returns_its_value_and_keeps_the_rest),
		cmocka_unit_test(test_consume_n_stops_after_max),
		cmocka_unit_test(test_poll_times_out_then_wakes_on_records),
		cmocka_unit_test(test_poll_coalescing_times_out_then_wakes_on_records),
		cmocka_unit_test(test_user_ringbuf_drained_by_a_program),
		cmocka_unit_test(test_user_ringbuf_blocking_reserve),
		cmocka_unit_test(test_threaded_producer_and_consumer_every_record_once_in_order),
		cmocka_unit_test(test_threaded_producer_and_consumer_batch_mode),
		cmocka_unit_test(test_threaded_producer_and_consumer_batch_mode_coalescing),
		cmocka_unit_test(test_own_event_loop_never_sleeps_through_a_record),
		cmocka_unit_test(test_new_free_cycles_leak_no_fds_or_mappings),
		cmocka_unit_test(test_execsnoop_sees_an_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
