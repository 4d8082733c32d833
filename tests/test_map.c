/*
 * test_map.c - kernel tests of map handles (map.h) on the running kernel:
 *
 *   - element CRUD (update with BPF_ANY/NOEXIST/EXIST, lookup, delete,
 *     next_key iteration that visits every key exactly once,
 *     lookup_and_delete) for array, hash, percpu_array, percpu_hash,
 *     lru_hash and lpm_trie (longest-prefix match), queue and stack maps;
 *   - per-CPU value buffers: round_up(value_size, 8) * possible CPUs, one
 *     distinct value per CPU written and read back;
 *   - batch operations on 1,000 hash entries (update, lookup in chunks
 *     until -ENOENT, lookup_and_delete, delete) and undersized buffers;
 *   - array_of_maps and hash_of_maps (a slot holds an fd, reads back an id);
 *   - freeze, pin / open_pinned / unpin, open by id and by fd, read-only
 *     opens, ebpfc_map_info();
 *   - misuse, each checked for the errno and for a message that names the
 *     map and what is wrong;
 *   - an fd leak check over 1,000 create/destroy cycles.
 *
 * Every test skips with a reason without bpf() privileges.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static struct ebpfc_map *mk_map(__u32 type, const char *name, __u32 key_size, __u32 value_size,
				__u32 max_entries, __u32 flags)
{
	EBPFC_OPTS(ebpfc_map_create_opts, o, .map_flags = flags);
	struct ebpfc_map *m = NULL;
	int err;

	err = ebpfc_map_create(type, name, key_size, value_size, max_entries, &o, &m);
	if (err)
		fail_msg("creating %s map '%s' failed (%d): %s", ebpfc_map_type_name(type), name,
			 err, ebpfc_errmsg());
	assert_non_null(m);
	return m;
}

/*
 * Walk a map with u32 keys through next_key; every key must be below
 * `range` and appear once. Returns the number of keys seen.
 */
static unsigned walk_u32_keys(const struct ebpfc_map *m, unsigned char *seen, unsigned range)
{
	__u32 key, next;
	unsigned n = 0;
	int err;

	memset(seen, 0, range);
	err = ebpfc_map_next_key(m, NULL, &next, sizeof(next));
	while (err == 0) {
		if (next >= range)
			fail_msg("map '%s': next_key returned key %u, outside 0..%u",
				 ebpfc_map_name(m), next, range - 1);
		if (seen[next])
			fail_msg("map '%s': next_key returned key %u twice", ebpfc_map_name(m),
				 next);
		seen[next] = 1;
		n++;
		if (n > range)
			fail_msg("map '%s': next_key does not end", ebpfc_map_name(m));
		key = next;
		err = ebpfc_map_next_key(m, &key, &next, sizeof(next));
	}
	assert_err(err, ENOENT);
	assert_errmsg_contains("no more keys");
	return n;
}

/* ---- array ----------------------------------------------------------------------- */

static void test_array_crud(void **state)
{
	struct ebpfc_map *m;
	unsigned char seen[16];
	__u32 k;
	__u64 v;
	int err;

	(void)state;
	TU_REQUIRE_PRIVS();
	m = mk_map(BPF_MAP_TYPE_ARRAY, "tm_array", 4, 8, 16, 0);
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_ARRAY);
	assert_int_equal(ebpfc_map_key_size(m), 4);
	assert_int_equal(ebpfc_map_value_size(m), 8);
	assert_int_equal(ebpfc_map_value_buf_size(m), 8);
	assert_int_equal(ebpfc_map_max_entries(m), 16);
	assert_string_equal(ebpfc_map_name(m), "tm_array");
	assert_true(ebpfc_map_fd(m) > 2);

	/* Arrays exist in full from the start, zeroed. */
	for (k = 0; k < 16; k++) {
		v = 1;
		assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0));
		assert_int_equal(v, 0);
	}
	k = 3;
	v = 42;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	v = 0;
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 42);

	/* Every array element exists: NOEXIST fails, EXIST works. */
	assert_err(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_NOEXIST), EEXIST);
	assert_errmsg_contains("'tm_array'");
	assert_errmsg_contains("exists");
	v = 43;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_EXIST));
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 43);

	/* Out of range. */
	k = 16;
	assert_err(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY), E2BIG);
	assert_errmsg_contains("'tm_array'");
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0), ENOENT);
	assert_errmsg_contains("no such key");

	/* Array elements cannot be deleted. */
	k = 3;
	assert_err(ebpfc_map_delete(m, &k, sizeof(k), 0), EINVAL);
	assert_errmsg_contains("'tm_array'");
	assert_errmsg_contains("delete");
	err = ebpfc_map_lookup_and_delete(m, &k, sizeof(k), &v, sizeof(v), 0);
	assert_true(err < 0);
	assert_errmsg_contains("lookup_and_delete");

	assert_int_equal(walk_u32_keys(m, seen, 16), 16);
	ebpfc_map_destroy(m);
}

/* ---- hash ------------------------------------------------------------------------- */

static void hash_crud(__u32 type, const char *name, __u32 flags)
{
	struct ebpfc_map *m;
	unsigned char seen[128];
	__u32 k, i;
	__u64 v;
	char want_name[32];

	m = mk_map(type, name, 4, 8, 64, flags);
	snprintf(want_name, sizeof(want_name), "'%s'", name);

	k = 1;
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0), ENOENT);
	assert_errmsg_contains(want_name);
	assert_errmsg_contains("no such key");

	v = 10;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_NOEXIST));
	assert_err(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_NOEXIST), EEXIST);
	assert_errmsg_contains(want_name);
	assert_errmsg_contains("exists");
	k = 2;
	assert_err(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_EXIST), ENOENT);
	assert_errmsg_contains(want_name);
	k = 1;
	v = 11;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_EXIST));
	v = 0;
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 11);

	for (i = 0; i < 50; i++) {
		v = i * 3;
		assert_ok(ebpfc_map_update(m, &i, sizeof(i), &v, sizeof(v), BPF_ANY));
	}
	assert_int_equal(walk_u32_keys(m, seen, 128), 50);
	for (i = 0; i < 50; i++) {
		assert_int_equal(seen[i], 1);
		assert_ok(ebpfc_map_lookup(m, &i, sizeof(i), &v, sizeof(v), 0));
		assert_int_equal(v, i * 3);
	}

	k = 7;
	assert_ok(ebpfc_map_delete(m, &k, sizeof(k), 0));
	assert_err(ebpfc_map_delete(m, &k, sizeof(k), 0), ENOENT);
	assert_errmsg_contains(want_name);
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0), ENOENT);

	k = 8;
	v = 0;
	assert_ok(ebpfc_map_lookup_and_delete(m, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 24);
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0), ENOENT);
	assert_err(ebpfc_map_lookup_and_delete(m, &k, sizeof(k), &v, sizeof(v), 0), ENOENT);
	assert_int_equal(walk_u32_keys(m, seen, 128), 48);
	assert_int_equal(seen[7], 0);
	assert_int_equal(seen[8], 0);

	if (type == BPF_MAP_TYPE_HASH) {
		/* Fill to max_entries (64); one more new key is refused. */
		for (i = 100; i < 116; i++)
			assert_ok(ebpfc_map_update(m, &i, sizeof(i), &v, sizeof(v), BPF_NOEXIST));
		k = 116;
		assert_err(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY), E2BIG);
		assert_errmsg_contains(want_name);
		assert_errmsg_contains("full");
		/* Replacing an existing key still works in a full map. */
		k = 100;
		assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	}
	ebpfc_map_destroy(m);
}

static void test_hash_crud(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	hash_crud(BPF_MAP_TYPE_HASH, "tm_hash", 0);
	hash_crud(BPF_MAP_TYPE_HASH, "tm_hash_noprea", BPF_F_NO_PREALLOC);
}

static void test_lru_hash(void **state)
{
	struct ebpfc_map *m;
	unsigned char seen[256];
	unsigned n;
	__u32 i;
	__u64 v;

	(void)state;
	TU_REQUIRE_PRIVS();
	hash_crud(BPF_MAP_TYPE_LRU_HASH, "tm_lru", 0);

	/* An LRU map never says full: it evicts, and never holds more than max_entries. */
	m = mk_map(BPF_MAP_TYPE_LRU_HASH, "tm_lru_evict", 4, 8, 16, 0);
	for (i = 0; i < 200; i++) {
		v = i;
		assert_ok(ebpfc_map_update(m, &i, sizeof(i), &v, sizeof(v), BPF_ANY));
	}
	n = walk_u32_keys(m, seen, 256);
	assert_true(n >= 1 && n <= 16);
	/* The newest element was not evicted. */
	i = 199;
	assert_ok(ebpfc_map_lookup(m, &i, sizeof(i), &v, sizeof(v), 0));
	assert_int_equal(v, 199);
	assert_int_equal(seen[199], 1);
	ebpfc_map_destroy(m);
}

/* ---- per-CPU ---------------------------------------------------------------------- */

static void test_percpu_array(void **state)
{
	struct ebpfc_map *m;
	int ncpus = tu_possible_cpus();
	size_t bufsz;
	unsigned char *buf, *back;
	unsigned char seen[4];
	__u32 k, cpu, val;

	(void)state;
	TU_REQUIRE_PRIVS();
	assert_true(ncpus >= 1);

	/* value_size 4 is rounded up to 8 per CPU. */
	m = mk_map(BPF_MAP_TYPE_PERCPU_ARRAY, "tm_pcpu_arr", 4, 4, 4, 0);
	bufsz = (size_t)8 * ncpus;
	assert_int_equal(ebpfc_map_value_size(m), 4);
	assert_int_equal(ebpfc_map_value_buf_size(m), bufsz);
	buf = calloc(1, bufsz);
	back = calloc(1, bufsz);
	assert_non_null(buf);
	assert_non_null(back);
	for (cpu = 0; cpu < (__u32)ncpus; cpu++) {
		val = 1000 + cpu;
		memcpy(buf + cpu * 8, &val, 4);
	}
	k = 2;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), buf, bufsz, BPF_ANY));
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), back, bufsz, 0));
	for (cpu = 0; cpu < (__u32)ncpus; cpu++) {
		memcpy(&val, back + cpu * 8, 4);
		assert_int_equal(val, 1000 + cpu);
	}
	/* Other elements are still zero on every CPU. */
	k = 1;
	memset(back, 0xff, bufsz);
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), back, bufsz, 0));
	for (cpu = 0; cpu < (__u32)ncpus; cpu++) {
		memcpy(&val, back + cpu * 8, 4);
		assert_int_equal(val, 0);
	}

	/* A buffer for one CPU, or unrounded, is refused with an explanation. */
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), back, 4, 0), EINVAL);
	assert_errmsg_contains("'tm_pcpu_arr'");
	assert_errmsg_contains("per-CPU");
	assert_err(ebpfc_map_update(m, &k, sizeof(k), buf, (size_t)4 * ncpus, 0), EINVAL);
	assert_errmsg_contains("per-CPU");
	assert_int_equal(walk_u32_keys(m, seen, 4), 4);
	free(buf);
	free(back);
	ebpfc_map_destroy(m);

	/* value_size 12 is rounded up to 16. */
	m = mk_map(BPF_MAP_TYPE_PERCPU_ARRAY, "tm_pcpu_arr12", 4, 12, 2, 0);
	assert_int_equal(ebpfc_map_value_buf_size(m), (size_t)16 * ncpus);
	ebpfc_map_destroy(m);
}

static void test_percpu_hash(void **state)
{
	struct ebpfc_map *m;
	int ncpus = tu_possible_cpus();
	size_t bufsz;
	__u64 *buf, *back;
	unsigned char seen[32];
	__u32 k, cpu;

	(void)state;
	TU_REQUIRE_PRIVS();
	m = mk_map(BPF_MAP_TYPE_PERCPU_HASH, "tm_pcpu_hash", 4, 8, 32, 0);
	bufsz = (size_t)8 * ncpus;
	assert_int_equal(ebpfc_map_value_buf_size(m), bufsz);
	buf = calloc(ncpus, 8);
	back = calloc(ncpus, 8);
	assert_non_null(buf);
	assert_non_null(back);

	for (k = 0; k < 20; k++) {
		for (cpu = 0; cpu < (__u32)ncpus; cpu++)
			buf[cpu] = ((__u64)k << 32) | cpu;
		assert_ok(ebpfc_map_update(m, &k, sizeof(k), buf, bufsz, BPF_NOEXIST));
	}
	for (k = 0; k < 20; k++) {
		assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), back, bufsz, 0));
		for (cpu = 0; cpu < (__u32)ncpus; cpu++)
			assert_int_equal(back[cpu], ((__u64)k << 32) | cpu);
	}
	assert_int_equal(walk_u32_keys(m, seen, 32), 20);

	k = 5;
	memset(back, 0, bufsz);
	assert_ok(ebpfc_map_lookup_and_delete(m, &k, sizeof(k), back, bufsz, 0));
	for (cpu = 0; cpu < (__u32)ncpus; cpu++)
		assert_int_equal(back[cpu], ((__u64)5 << 32) | cpu);
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), back, bufsz, 0), ENOENT);
	k = 6;
	assert_ok(ebpfc_map_delete(m, &k, sizeof(k), 0));
	assert_int_equal(walk_u32_keys(m, seen, 32), 18);

	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), back, 8, 0), EINVAL);
	assert_errmsg_contains("'tm_pcpu_hash'");
	assert_errmsg_contains("per-CPU");
	free(buf);
	free(back);
	ebpfc_map_destroy(m);
}

/* ---- LPM trie --------------------------------------------------------------------- */

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

static struct lpm_key lpm(__u32 plen, int a, int b, int c, int d)
{
	struct lpm_key k = { .prefixlen = plen, .addr = { a, b, c, d } };

	return k;
}

static __u32 lpm_match(const struct ebpfc_map *m, int a, int b, int c, int d)
{
	struct lpm_key k = lpm(32, a, b, c, d);
	__u32 v = 0;
	int err = ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0);

	if (err == -ENOENT)
		return 0;
	assert_ok(err);
	return v;
}

static void test_lpm_trie(void **state)
{
	struct ebpfc_map *m;
	struct lpm_key k, next;
	__u32 v, n = 0, seen_vals = 0;
	int err;

	(void)state;
	TU_REQUIRE_PRIVS();
	m = mk_map(BPF_MAP_TYPE_LPM_TRIE, "tm_lpm", sizeof(struct lpm_key), 4, 16,
		   BPF_F_NO_PREALLOC);

	k = lpm(8, 10, 0, 0, 0);
	v = 1;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	k = lpm(16, 10, 1, 0, 0);
	v = 2;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	k = lpm(24, 10, 1, 2, 0);
	v = 3;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	k = lpm(12, 192, 160, 0, 0); /* 192.160.0.0/12 covers 192.160-175.x.x */
	v = 4;
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));

	/* The longest prefix wins. */
	assert_int_equal(lpm_match(m, 10, 1, 2, 3), 3);
	assert_int_equal(lpm_match(m, 10, 1, 9, 9), 2);
	assert_int_equal(lpm_match(m, 10, 9, 9, 9), 1);
	assert_int_equal(lpm_match(m, 192, 168, 1, 1), 4);
	assert_int_equal(lpm_match(m, 192, 176, 1, 1), 0);
	assert_int_equal(lpm_match(m, 11, 0, 0, 1), 0);
	k = lpm(32, 11, 0, 0, 1);
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0), ENOENT);
	assert_errmsg_contains("'tm_lpm'");

	/* Exactly the four prefixes, each once. */
	err = ebpfc_map_next_key(m, NULL, &next, sizeof(next));
	while (err == 0) {
		__u32 bit;

		v = 0;
		assert_ok(ebpfc_map_lookup(m, &next, sizeof(next), &v, sizeof(v), 0));
		assert_true(v >= 1 && v <= 4);
		bit = 1u << v;
		assert_false(seen_vals & bit);
		seen_vals |= bit;
		n++;
		assert_true(n <= 4);
		k = next;
		err = ebpfc_map_next_key(m, &k, &next, sizeof(next));
	}
	assert_err(err, ENOENT);
	assert_int_equal(n, 4);

	/* Remove the /24: its addresses fall back to the /16. */
	k = lpm(24, 10, 1, 2, 0);
	assert_ok(ebpfc_map_delete(m, &k, sizeof(k), 0));
	assert_int_equal(lpm_match(m, 10, 1, 2, 3), 2);
	assert_err(ebpfc_map_delete(m, &k, sizeof(k), 0), ENOENT);
	ebpfc_map_destroy(m);
}

/* ---- queue and stack -------------------------------------------------------------- */

static void test_queue_and_stack(void **state)
{
	struct ebpfc_map *q, *s;
	__u32 v, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	q = mk_map(BPF_MAP_TYPE_QUEUE, "tm_queue", 0, 4, 8, 0);
	assert_int_equal(ebpfc_map_key_size(q), 0);
	for (i = 1; i <= 8; i++)
		assert_ok(ebpfc_map_update(q, NULL, 0, &i, sizeof(i), BPF_ANY));
	v = 9;
	assert_err(ebpfc_map_update(q, NULL, 0, &v, sizeof(v), BPF_ANY), E2BIG);
	assert_errmsg_contains("'tm_queue'");
	/* Peek does not pop. */
	assert_ok(ebpfc_map_lookup(q, NULL, 0, &v, sizeof(v), 0));
	assert_int_equal(v, 1);
	/* BPF_EXIST on a full queue drops the oldest. */
	v = 9;
	assert_ok(ebpfc_map_update(q, NULL, 0, &v, sizeof(v), BPF_EXIST));
	for (i = 2; i <= 9; i++) {
		assert_ok(ebpfc_map_lookup_and_delete(q, NULL, 0, &v, sizeof(v), 0));
		assert_int_equal(v, i);
	}
	assert_err(ebpfc_map_lookup_and_delete(q, NULL, 0, &v, sizeof(v), 0), ENOENT);
	assert_errmsg_contains("'tm_queue'");
	/* A key where there is none is a size error, not a crash. */
	assert_err(ebpfc_map_update(q, &i, sizeof(i), &v, sizeof(v), BPF_ANY), EINVAL);
	assert_errmsg_contains("key");
	ebpfc_map_destroy(q);

	s = mk_map(BPF_MAP_TYPE_STACK, "tm_stack", 0, 4, 4, 0);
	for (i = 1; i <= 4; i++)
		assert_ok(ebpfc_map_update(s, NULL, 0, &i, sizeof(i), BPF_ANY));
	for (i = 4; i >= 1; i--) {
		assert_ok(ebpfc_map_lookup_and_delete(s, NULL, 0, &v, sizeof(v), 0));
		assert_int_equal(v, i);
	}
	assert_err(ebpfc_map_lookup_and_delete(s, NULL, 0, &v, sizeof(v), 0), ENOENT);
	ebpfc_map_destroy(s);
}

/* ---- batch ------------------------------------------------------------------------ */

#define BATCH_N 1000

static void fill_batch(const struct ebpfc_map *m, __u32 *keys, __u64 *vals)
{
	EBPFC_OPTS(ebpfc_map_batch, b);
	__u32 i;

	for (i = 0; i < BATCH_N; i++) {
		keys[i] = i;
		vals[i] = (__u64)i * 7 + 1;
	}
	b.keys = keys;
	b.keys_sz = BATCH_N * sizeof(*keys);
	b.values = vals;
	b.values_sz = BATCH_N * sizeof(*vals);
	b.count = BATCH_N;
	assert_ok(ebpfc_map_update_batch(m, &b));
	assert_int_equal(b.count, BATCH_N);
}

/* Read (and maybe delete) everything in chunks; each key must come back exactly once. */
static void drain_batch(const struct ebpfc_map *m, bool delete, __u32 chunk)
{
	__u32 *keys = calloc(BATCH_N + chunk, sizeof(*keys));
	__u64 *vals = calloc(BATCH_N + chunk, sizeof(*vals));
	unsigned char *seen = calloc(BATCH_N, 1);
	__u64 token = 0;
	__u32 total = 0, i, calls = 0;
	int err;

	assert_non_null(keys);
	assert_non_null(vals);
	assert_non_null(seen);
	do {
		EBPFC_OPTS(ebpfc_map_batch, b, .in_batch = total || calls ? &token : NULL,
			   .out_batch = &token, .batch_sz = sizeof(token), .keys = keys + total,
			   .keys_sz = chunk * sizeof(*keys), .values = vals + total,
			   .values_sz = chunk * sizeof(*vals), .count = chunk);

		err = delete ? ebpfc_map_lookup_and_delete_batch(m, &b)
			     : ebpfc_map_lookup_batch(m, &b);
		if (err && err != -ENOENT)
			fail_msg("batch lookup failed (%d): %s", err, ebpfc_errmsg());
		assert_true(b.count <= chunk);
		total += b.count;
		assert_true(total <= BATCH_N);
		calls++;
		assert_true(calls < 1000);
	} while (err == 0);
	assert_errmsg_contains("no more elements");
	assert_true(calls >= BATCH_N / chunk);
	assert_int_equal(total, BATCH_N);
	for (i = 0; i < total; i++) {
		assert_true(keys[i] < BATCH_N);
		if (seen[keys[i]])
			fail_msg("batch lookup returned key %u twice", keys[i]);
		seen[keys[i]] = 1;
		assert_int_equal(vals[i], (__u64)keys[i] * 7 + 1);
	}
	free(keys);
	free(vals);
	free(seen);
}

static void test_batch_ops(void **state)
{
	struct ebpfc_map *m;
	__u32 *keys;
	__u64 *vals;
	unsigned char *seen;
	__u64 token;
	__u32 k;
	__u64 v;

	(void)state;
	TU_REQUIRE_PRIVS();
	keys = calloc(BATCH_N, sizeof(*keys));
	vals = calloc(BATCH_N, sizeof(*vals));
	seen = malloc(1024);
	assert_non_null(keys);
	assert_non_null(vals);
	assert_non_null(seen);
	m = mk_map(BPF_MAP_TYPE_HASH, "tm_batch", 4, 8, 1024, 0);

	fill_batch(m, keys, vals);
	assert_int_equal(walk_u32_keys(m, seen, 1024), BATCH_N);
	k = 777;
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 777 * 7 + 1);

	drain_batch(m, false, 128);
	drain_batch(m, false, 97); /* a chunk that does not divide 1,000 */
	/* Reading left everything in place; reading with delete empties the map. */
	assert_int_equal(walk_u32_keys(m, seen, 1024), BATCH_N);
	drain_batch(m, true, 128);
	assert_int_equal(walk_u32_keys(m, seen, 1024), 0);

	/* delete_batch of the first half leaves the second. */
	fill_batch(m, keys, vals);
	{
		EBPFC_OPTS(ebpfc_map_batch, b, .keys = keys, .keys_sz = 500 * sizeof(*keys),
			   .count = 500);

		assert_ok(ebpfc_map_delete_batch(m, &b));
		assert_int_equal(b.count, 500);
	}
	assert_int_equal(walk_u32_keys(m, seen, 1024), 500);
	for (k = 0; k < BATCH_N; k++)
		assert_int_equal(seen[k], k >= 500);

	/* Undersized buffers are refused before the kernel, with the sizes. */
	{
		EBPFC_OPTS(ebpfc_map_batch, b, .keys = keys, .keys_sz = 999 * sizeof(*keys),
			   .values = vals, .values_sz = BATCH_N * sizeof(*vals), .count = BATCH_N);

		assert_err(ebpfc_map_update_batch(m, &b), EINVAL);
		assert_errmsg_contains("'tm_batch'");
		assert_errmsg_contains("4000 bytes of keys");
		assert_errmsg_contains("3996");
		b.keys_sz = BATCH_N * sizeof(*keys);
		b.values_sz = 10;
		assert_err(ebpfc_map_update_batch(m, &b), EINVAL);
		assert_errmsg_contains("'tm_batch'");
		assert_errmsg_contains("bytes of values");
		b.values_sz = BATCH_N * sizeof(*vals);
		b.out_batch = &token;
		b.batch_sz = 2;
		b.count = 10;
		assert_err(ebpfc_map_lookup_batch(m, &b), EINVAL);
		assert_errmsg_contains("batch");
		assert_errmsg_contains("'tm_batch'");
		b.out_batch = NULL;
		b.batch_sz = sizeof(token);
		assert_err(ebpfc_map_lookup_batch(m, &b), EINVAL);
		assert_err(ebpfc_map_lookup_batch(m, NULL), EINVAL);
		assert_errmsg_contains("'tm_batch'");
	}
	ebpfc_map_destroy(m);
	free(keys);
	free(vals);
	free(seen);
}

/* ---- map in map ------------------------------------------------------------------ */

static void map_in_map(__u32 outer_type, const char *name)
{
	EBPFC_OPTS(ebpfc_map_create_opts, o);
	struct ebpfc_map *tmpl, *inner, *outer, *wrong, *reopened;
	struct ebpfc_map_info info;
	__u32 k = 1, val, id, inner_id;
	__u64 v8 = 99;
	int fd;

	tmpl = mk_map(BPF_MAP_TYPE_ARRAY, "tm_inner_tmpl", 4, 8, 4, 0);
	o.inner_map_fd = ebpfc_map_fd(tmpl);
	assert_ok(ebpfc_map_create(outer_type, name, 4, 4, 4, &o, &outer));
	/* The template is only a template: the outer map does not need it any more. */
	ebpfc_map_destroy(tmpl);

	inner = mk_map(BPF_MAP_TYPE_ARRAY, "tm_inner", 4, 8, 4, 0);
	assert_ok(ebpfc_map_update(inner, &k, sizeof(k), &v8, sizeof(v8), BPF_ANY));
	assert_ok(ebpfc_map_info(inner, &info));
	inner_id = info.id;
	assert_true(inner_id > 0);

	/* Put in an fd, read back the id. */
	fd = ebpfc_map_fd(inner);
	assert_ok(ebpfc_map_update(outer, &k, sizeof(k), &fd, sizeof(fd), BPF_ANY));
	val = 0;
	assert_ok(ebpfc_map_lookup(outer, &k, sizeof(k), &val, sizeof(val), 0));
	assert_int_equal(val, inner_id);

	/* The outer map keeps the inner one alive after our handle is gone. */
	ebpfc_map_destroy(inner);
	assert_ok(ebpfc_map_open_id(val, &reopened));
	v8 = 0;
	assert_ok(ebpfc_map_lookup(reopened, &k, sizeof(k), &v8, sizeof(v8), 0));
	assert_int_equal(v8, 99);
	assert_string_equal(ebpfc_map_name(reopened), "tm_inner");
	ebpfc_map_destroy(reopened);

	/* An inner map that does not match the template is refused. */
	wrong = mk_map(BPF_MAP_TYPE_ARRAY, "tm_inner_wrong", 4, 16, 4, 0);
	fd = ebpfc_map_fd(wrong);
	k = 2;
	assert_err(ebpfc_map_update(outer, &k, sizeof(k), &fd, sizeof(fd), BPF_ANY), EINVAL);
	assert_errmsg_contains(name);
	ebpfc_map_destroy(wrong);

	k = 1;
	assert_ok(ebpfc_map_delete(outer, &k, sizeof(k), 0));
	/* An emptied slot (array) or a deleted key (hash) reads as missing. */
	id = 0;
	assert_err(ebpfc_map_lookup(outer, &k, sizeof(k), &id, sizeof(id), 0), ENOENT);
	assert_errmsg_contains(name);
	ebpfc_map_destroy(outer);
}

static void test_map_in_map(void **state)
{
	struct ebpfc_map *m = NULL;

	(void)state;
	TU_REQUIRE_PRIVS();
	map_in_map(BPF_MAP_TYPE_ARRAY_OF_MAPS, "tm_arr_of_maps");
	map_in_map(BPF_MAP_TYPE_HASH_OF_MAPS, "tm_hash_of_maps");
	/* Without a template the kernel refuses, and the message names the map. */
	assert_err(ebpfc_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "tm_no_tmpl", 4, 4, 4, NULL, &m),
		   EINVAL);
	assert_null(m);
	assert_errmsg_contains("'tm_no_tmpl'");
}

/* ---- freeze ------------------------------------------------------------------------ */

static void test_freeze(void **state)
{
	struct ebpfc_map *m;
	__u32 k = 0;
	__u64 v = 5;
	int err;

	(void)state;
	TU_REQUIRE_PRIVS();
	m = mk_map(BPF_MAP_TYPE_ARRAY, "tm_frozen", 4, 8, 2, 0);
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	assert_ok(ebpfc_map_freeze(m));
	v = 6;
	assert_err(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY), EPERM);
	assert_errmsg_contains("'tm_frozen'");
	assert_errmsg_contains("frozen");
	/* Still readable. */
	v = 0;
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 5);
	/* Freezing twice: EPERM, or EBUSY on older kernels; the message must say why. */
	err = ebpfc_map_freeze(m);
	assert_true(err == -EPERM || err == -EBUSY);
	assert_errmsg_contains("'tm_frozen'");
	assert_errmsg_contains("already frozen");
	ebpfc_map_destroy(m);
}

/* ---- pinning, opening, info ------------------------------------------------------- */

static void test_pin_open_info(void **state)
{
	char dir[TU_PATH_MAX], path[TU_PATH_MAX + 32], bad[TU_PATH_MAX + 32];
	struct ebpfc_map *m, *p, *byid, *byfd, *ro;
	struct ebpfc_map_info info, pinfo;
	__u32 k = 3;
	__u64 v = 1234;
	int before;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	snprintf(path, sizeof(path), "%s/counts", dir);

	m = mk_map(BPF_MAP_TYPE_HASH, "tm_pinned", 4, 8, 32, BPF_F_NO_PREALLOC);
	assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));

	assert_ok(ebpfc_map_info(m, &info));
	assert_int_equal(info.type, BPF_MAP_TYPE_HASH);
	assert_int_equal(info.key_size, 4);
	assert_int_equal(info.value_size, 8);
	assert_int_equal(info.max_entries, 32);
	assert_int_equal(info.map_flags, BPF_F_NO_PREALLOC);
	assert_true(info.id > 0);
	assert_string_equal(info.name, "tm_pinned");

	assert_ok(ebpfc_map_pin(m, path));
	assert_true(tu_exists(path));
	/* Pinning twice at one path. */
	assert_err(ebpfc_map_pin(m, path), EEXIST);
	assert_errmsg_contains("'tm_pinned'");
	assert_errmsg_contains(path);
	assert_errmsg_contains("already");

	assert_ok(ebpfc_map_open_pinned(path, 0, &p));
	assert_int_equal(ebpfc_map_type(p), BPF_MAP_TYPE_HASH);
	assert_int_equal(ebpfc_map_key_size(p), 4);
	assert_int_equal(ebpfc_map_value_size(p), 8);
	assert_int_equal(ebpfc_map_max_entries(p), 32);
	assert_string_equal(ebpfc_map_name(p), "tm_pinned");
	assert_ok(ebpfc_map_info(p, &pinfo));
	assert_int_equal(pinfo.id, info.id);
	v = 0;
	assert_ok(ebpfc_map_lookup(p, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 1234);

	/* Read-only open: lookups work, updates are refused. */
	assert_ok(ebpfc_map_open_pinned(path, BPF_F_RDONLY, &ro));
	assert_ok(ebpfc_map_lookup(ro, &k, sizeof(k), &v, sizeof(v), 0));
	assert_err(ebpfc_map_update(ro, &k, sizeof(k), &v, sizeof(v), BPF_ANY), EPERM);
	assert_errmsg_contains("'tm_pinned'");
	assert_errmsg_contains("read-only");
	ebpfc_map_destroy(ro);

	/* By id and by fd: the same map. */
	assert_ok(ebpfc_map_open_id(info.id, &byid));
	assert_ok(ebpfc_map_info(byid, &pinfo));
	assert_int_equal(pinfo.id, info.id);
	assert_string_equal(ebpfc_map_name(byid), "tm_pinned");
	before = tu_count_fds();
	assert_ok(ebpfc_map_open_fd(ebpfc_map_fd(m), &byfd));
	assert_int_equal(tu_count_fds(), before + 1);
	assert_int_not_equal(ebpfc_map_fd(byfd), ebpfc_map_fd(m)); /* its own duplicate */
	assert_ok(ebpfc_map_info(byfd, &pinfo));
	assert_int_equal(pinfo.id, info.id);
	assert_int_equal(ebpfc_map_max_entries(byfd), 32);
	ebpfc_map_destroy(byfd);
	assert_int_equal(tu_count_fds(), before);
	/* The original fd is untouched by destroying the duplicate. */
	assert_ok(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0));
	ebpfc_map_destroy(byid);

	assert_ok(ebpfc_map_unpin(m, path));
	assert_false(tu_exists(path));
	/* The pinned handle still works: the map lives while any fd does. */
	assert_ok(ebpfc_map_lookup(p, &k, sizeof(k), &v, sizeof(v), 0));
	ebpfc_map_destroy(p);
	assert_err(ebpfc_map_unpin(m, path), ENOENT);
	assert_errmsg_contains("'tm_pinned'");

	/* open_pinned on a missing path. */
	p = (struct ebpfc_map *)0x1;
	assert_err(ebpfc_map_open_pinned(path, 0, &p), ENOENT);
	assert_null(p);
	assert_errmsg_contains(path);
	assert_errmsg_contains("nothing is pinned there");

	/* Pinning outside bpffs says where pins go. */
	snprintf(bad, sizeof(bad), "/tmp/ebpfc-test-notbpffs-%d", (int)getpid());
	assert_true(ebpfc_map_pin(m, bad) < 0);
	assert_errmsg_contains("'tm_pinned'");
	assert_errmsg_contains("bpffs");
	unlink(bad);

	/* No map has id 0xfffffff0. */
	p = (struct ebpfc_map *)0x1;
	assert_err(ebpfc_map_open_id(0xfffffff0u, &p), ENOENT);
	assert_null(p);
	assert_errmsg_contains("no map has that id");
	/* open_fd of something that is not an fd. */
	assert_err(ebpfc_map_open_fd(-1, &p), EBADF);
	assert_null(p);

	ebpfc_map_destroy(m);
	assert_ok(tu_rm_rf(dir));
}

static void test_open_pinned_program_is_not_a_map(void **state)
{
	const struct bpf_insn insns[] = { TU_MOV64_IMM(BPF_REG_0, 0), TU_EXIT() };
	char dir[TU_PATH_MAX], path[TU_PATH_MAX + 32];
	struct ebpfc_prog *prog;
	struct ebpfc_map *m = (struct ebpfc_map *)0x1;
	int before;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	snprintf(path, sizeof(path), "%s/prog", dir);
	assert_ok(ebpfc_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "tm_notamap", "GPL", insns, 2,
				  NULL, &prog));
	assert_ok(ebpfc_prog_pin(prog, path));
	before = tu_count_fds();
	assert_err(ebpfc_map_open_pinned(path, 0, &m), EINVAL);
	assert_null(m);
	assert_errmsg_contains(path);
	assert_errmsg_contains("not a map");
	assert_int_equal(tu_count_fds(), before);
	m = (struct ebpfc_map *)0x1;
	assert_err(ebpfc_map_open_fd(ebpfc_prog_fd(prog), &m), EINVAL);
	assert_null(m);
	assert_errmsg_contains("not a map");
	assert_int_equal(tu_count_fds(), before);
	ebpfc_prog_destroy(prog);
	assert_ok(tu_rm_rf(dir));
}

/* ---- misuse -------------------------------------------------------------------------- */

static void test_misuse_sizes(void **state)
{
	struct ebpfc_map *m;
	__u64 k8 = 0, v = 0;
	__u32 k = 0;
	__u16 k2 = 0;

	(void)state;
	TU_REQUIRE_PRIVS();
	m = mk_map(BPF_MAP_TYPE_HASH, "tm_sizes", 4, 8, 4, 0);

	assert_err(ebpfc_map_update(m, &k8, sizeof(k8), &v, sizeof(v), BPF_ANY), EINVAL);
	assert_errmsg_contains("'tm_sizes'");
	assert_errmsg_contains("8-byte key");
	assert_errmsg_contains("key size is 4");
	assert_err(ebpfc_map_lookup(m, &k2, sizeof(k2), &v, sizeof(v), 0), EINVAL);
	assert_errmsg_contains("2-byte key");
	assert_err(ebpfc_map_delete(m, &k8, sizeof(k8), 0), EINVAL);
	assert_errmsg_contains("delete");
	assert_err(ebpfc_map_next_key(m, &k8, &k8, sizeof(k8)), EINVAL);
	assert_errmsg_contains("next_key");

	assert_err(ebpfc_map_update(m, &k, sizeof(k), &k, sizeof(k), BPF_ANY), EINVAL);
	assert_errmsg_contains("'tm_sizes'");
	assert_errmsg_contains("4-byte value");
	assert_errmsg_contains("value size is 8");
	assert_null(strstr(ebpfc_errmsg(), "per-CPU"));
	assert_err(ebpfc_map_lookup_and_delete(m, &k, sizeof(k), &v, 16, 0), EINVAL);
	assert_errmsg_contains("16-byte value");

	/* Bad element flags reach the kernel and come back with the map's name. */
	assert_err(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), 0x1000), EINVAL);
	assert_errmsg_contains("'tm_sizes'");
	assert_errmsg_contains("update");
	ebpfc_map_destroy(m);
}

static void test_misuse_create(void **state)
{
	struct ebpfc_map *m = (struct ebpfc_map *)0x1;
	long page = sysconf(_SC_PAGESIZE);
	EBPFC_OPTS(ebpfc_map_create_opts, o);

	(void)state;
	TU_REQUIRE_PRIVS();

	assert_err(ebpfc_map_create(BPF_MAP_TYPE_HASH, "tm_zero", 4, 8, 0, NULL, &m), EINVAL);
	assert_null(m);
	assert_errmsg_contains("'tm_zero'");
	assert_errmsg_contains("max_entries is 0");

	o.map_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;
	assert_err(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "tm_rdwr", 4, 8, 4, &o, &m), EINVAL);
	assert_null(m);
	assert_errmsg_contains("'tm_rdwr'");
	assert_errmsg_contains("map_flags 0x");

	o.map_flags = 1u << 31;
	assert_err(ebpfc_map_create(BPF_MAP_TYPE_HASH, "tm_highbit", 4, 8, 4, &o, &m), EINVAL);
	assert_errmsg_contains("'tm_highbit'");
	assert_errmsg_contains("0x80000000");

	/* Ring buffer sizes: a power of two and a multiple of the page. */
	assert_err(ebpfc_map_create(BPF_MAP_TYPE_RINGBUF, "tm_rb_odd", 0, 0, 3 * page, NULL, &m),
		   EINVAL);
	assert_null(m);
	assert_errmsg_contains("'tm_rb_odd'");
	assert_errmsg_contains("power of 2");
	assert_err(ebpfc_map_create(BPF_MAP_TYPE_RINGBUF, "tm_rb_small", 0, 0, 64, NULL, &m),
		   EINVAL);
	assert_errmsg_contains("page size");
	assert_ok(ebpfc_map_create(BPF_MAP_TYPE_RINGBUF, "tm_rb_ok", 0, 0, 4 * page, NULL, &m));
	assert_int_equal(ebpfc_map_max_entries(m), 4 * page);
	ebpfc_map_destroy(m);

	/* Zero key size for a hash: the kernel refuses, the message names the map. */
	assert_err(ebpfc_map_create(BPF_MAP_TYPE_HASH, "tm_nokey", 0, 8, 4, NULL, &m), EINVAL);
	assert_errmsg_contains("'tm_nokey'");
	assert_errmsg_contains("key_size 0");

	/* An unknown map type. */
	assert_true(ebpfc_map_create(999, "tm_type999", 4, 4, 4, NULL, &m) < 0);
	assert_null(m);
	assert_errmsg_contains("'tm_type999'");

	/* A long name is kept whole on the handle; the kernel keeps 15 characters. */
	{
		struct ebpfc_map_info info;

		assert_ok(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "tm_a_rather_long_map_name", 4, 4,
					   1, NULL, &m));
		assert_string_equal(ebpfc_map_name(m), "tm_a_rather_long_map_name");
		assert_ok(ebpfc_map_info(m, &info));
		assert_string_equal(info.name, "tm_a_rather_lon");
		ebpfc_map_destroy(m);
	}
	/* No name at all is allowed. */
	assert_ok(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL, &m));
	assert_string_equal(ebpfc_map_name(m), "");
	ebpfc_map_destroy(m);
}

static void test_missing_key_message(void **state)
{
	struct ebpfc_map *m;
	__u32 k = 12345;
	__u64 v;

	(void)state;
	TU_REQUIRE_PRIVS();
	m = mk_map(BPF_MAP_TYPE_HASH, "tm_missing", 4, 8, 4, 0);
	assert_err(ebpfc_map_lookup(m, &k, sizeof(k), &v, sizeof(v), 0), ENOENT);
	assert_errmsg_contains("'tm_missing'");
	assert_errmsg_contains("lookup");
	assert_errmsg_contains("no such key");
	ebpfc_map_destroy(m);
}

/* ---- leaks --------------------------------------------------------------------------- */

static void test_no_fd_leak(void **state)
{
	struct ebpfc_map *m;
	char dir[TU_PATH_MAX];
	int before, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	before = tu_count_fds();
	assert_true(before > 0);
	for (i = 0; i < 1000; i++) {
		assert_ok(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "tm_leak", 4, 8, 1, NULL, &m));
		ebpfc_map_destroy(m);
	}
	assert_int_equal(tu_count_fds(), before);

	/* Failures must not leak either. */
	for (i = 0; i < 100; i++) {
		assert_true(ebpfc_map_create(BPF_MAP_TYPE_HASH, "tm_leak", 0, 8, 4, NULL, &m) < 0);
		assert_true(ebpfc_map_open_id(0xfffffff0u, &m) < 0);
	}
	if (tu_bpffs_dir(dir) == 0) {
		char path[TU_PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/none", dir);
		for (i = 0; i < 100; i++)
			assert_true(ebpfc_map_open_pinned(path, 0, &m) < 0);
		tu_rm_rf(dir);
	}
	assert_int_equal(tu_count_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_crud),
		cmocka_unit_test(test_hash_crud),
		cmocka_unit_test(test_lru_hash),
		cmocka_unit_test(test_percpu_array),
		cmocka_unit_test(test_percpu_hash),
		cmocka_unit_test(test_lpm_trie),
		cmocka_unit_test(test_queue_and_stack),
		cmocka_unit_test(test_batch_ops),
		cmocka_unit_test(test_map_in_map),
		cmocka_unit_test(test_freeze),
		cmocka_unit_test(test_pin_open_info),
		cmocka_unit_test(test_open_pinned_program_is_not_a_map),
		cmocka_unit_test(test_misuse_sizes),
		cmocka_unit_test(test_misuse_create),
		cmocka_unit_test(test_missing_key_message),
		cmocka_unit_test(test_no_fd_leak),
	};

	return cmocka_run_group_tests_name("map", tests, NULL, tu_teardown);
}
