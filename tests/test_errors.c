/*
 * test_errors.c - unit tests that need no kernel: the thread-local error
 * message (empty at first, one per thread, bounded), ebpfc_strerror(),
 * extensible-options checking (too small, a larger struct with a non-zero
 * or an all-zero unknown tail, both through ebpfc__opts_check() and through
 * a public function), EBPFC__OPT() defaults for older structs,
 * ebpfc_num_possible_cpus() against our own parse of sysfs, map and
 * program type names, ebpfc_sys_cmd_name(), ebpfc_version(), and
 * destroying NULL.
 *
 * Nothing here calls bpf(): every path taken fails before the kernel.
 */
#include "testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

/* ---- ebpfc_errmsg() ---------------------------------------------------------------- */

struct thread_result {
	char initial[64];
	char after[256];
	char after_main_set[256];
	int ret;
	pthread_barrier_t *b1, *b2;
};

static void *errmsg_thread(void *arg)
{
	struct thread_result *r = arg;

	snprintf(r->initial, sizeof(r->initial), "%s", ebpfc_errmsg());
	r->ret = ebpfc__err(ENOENT, "thread error %d", 7);
	snprintf(r->after, sizeof(r->after), "%s", ebpfc_errmsg());
	pthread_barrier_wait(r->b1); /* main thread now sets its own message */
	pthread_barrier_wait(r->b2);
	snprintf(r->after_main_set, sizeof(r->after_main_set), "%s", ebpfc_errmsg());
	return NULL;
}

static void test_errmsg_initially_empty_and_thread_local(void **state)
{
	pthread_barrier_t b1, b2;
	struct thread_result r = { .b1 = &b1, .b2 = &b2 };
	pthread_t t;

	(void)state;
	/* This is the first test: nothing has failed on this thread yet. */
	assert_non_null(ebpfc_errmsg());
	assert_string_equal(ebpfc_errmsg(), "");

	pthread_barrier_init(&b1, NULL, 2);
	pthread_barrier_init(&b2, NULL, 2);
	assert_int_equal(pthread_create(&t, NULL, errmsg_thread, &r), 0);
	pthread_barrier_wait(&b1);
	/* The other thread's failure is not ours. */
	assert_string_equal(ebpfc_errmsg(), "");
	assert_int_equal(ebpfc__err(-EBUSY, "main error"), -EBUSY);
	pthread_barrier_wait(&b2);
	pthread_join(t, NULL);
	pthread_barrier_destroy(&b1);
	pthread_barrier_destroy(&b2);

	/* A new thread starts with "" and keeps its own message. */
	assert_string_equal(r.initial, "");
	assert_int_equal(r.ret, -ENOENT);
	assert_string_equal(r.after, "thread error 7");
	assert_string_equal(r.after_main_set, "thread error 7");
	assert_string_equal(ebpfc_errmsg(), "main error");
}

static void test_errmsg_err_sign_and_append(void **state)
{
	(void)state;
	/* Either sign of errno gives the negative value back. */
	assert_int_equal(ebpfc__err(EPERM, "a"), -EPERM);
	assert_int_equal(ebpfc__err(-EPERM, "b"), -EPERM);
	/* 0 is not a failure code: it becomes EINVAL, never a success. */
	assert_int_equal(ebpfc__err(0, "c"), -EINVAL);
	ebpfc__err(ENOENT, "map '%s': lookup", "m");
	ebpfc__err_append(" (hint: %d)", 42);
	assert_string_equal(ebpfc_errmsg(), "map 'm': lookup (hint: 42)");
	ebpfc__err_clear();
	assert_string_equal(ebpfc_errmsg(), "");
}

static void test_errmsg_long_message_is_bounded(void **state)
{
	char *big = malloc(5000);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	ebpfc__err(EINVAL, "%s", big);
	/* Cut, terminated, and appending to a full buffer does not overflow. */
	assert_true(strlen(ebpfc_errmsg()) > 500);
	assert_true(strlen(ebpfc_errmsg()) < 4999);
	ebpfc__err_append("%s", big);
	assert_true(strlen(ebpfc_errmsg()) < 4999);
	free(big);
}

static void test_errmsg_preserves_errno(void **state)
{
	(void)state;
	errno = ERANGE;
	ebpfc__err(EINVAL, "x");
	assert_int_equal(errno, ERANGE);
}

/* ---- ebpfc_strerror() ---------------------------------------------------------------- */

static void test_strerror(void **state)
{
	(void)state;
	assert_non_null(strstr(ebpfc_strerror(-EPERM), "EPERM"));
	assert_non_null(strstr(ebpfc_strerror(EPERM), "EPERM"));
	assert_non_null(strstr(ebpfc_strerror(-ENOENT), "ENOENT"));
	assert_non_null(strstr(ebpfc_strerror(-E2BIG), "E2BIG"));
	/* The description is there too, not just the name. */
	assert_non_null(strstr(ebpfc_strerror(-EPERM), "not permitted"));
	/* The kernel-internal ENOTSUPP (524) and junk have no libc name: still readable. */
	assert_non_null(strstr(ebpfc_strerror(-4095), "4095"));
	assert_non_null(strstr(ebpfc_strerror(-524), "524"));
}

/* ---- options ---------------------------------------------------------------------------- */

struct opts_v1 {	/* what a library knows */
	size_t sz;
	int a;
	int b;
};

struct opts_v2 {	/* what a newer header declares */
	size_t sz;
	int a;
	int b;
	long c;
	char d[8];
};

static void test_opts_check_direct(void **state)
{
	struct opts_v2 o;
	size_t tiny;

	(void)state;
	/* NULL means defaults. */
	assert_int_equal(ebpfc__opts_check(NULL, sizeof(struct opts_v1), "opts_v1"), 0);

	/* sz smaller than size_t: -EINVAL, naming the struct. */
	tiny = sizeof(size_t) - 1;
	ebpfc__err_clear();
	assert_int_equal(ebpfc__opts_check(&tiny, sizeof(struct opts_v1), "opts_v1"), -EINVAL);
	assert_errmsg_contains("opts_v1");
	assert_errmsg_contains("too small");
	tiny = 0;
	assert_int_equal(ebpfc__opts_check(&tiny, sizeof(struct opts_v1), "opts_v1"), -EINVAL);

	/* Exactly our size and an older, smaller one: fine. */
	memset(&o, 0xff, sizeof(o));
	o.sz = sizeof(struct opts_v1);
	assert_int_equal(ebpfc__opts_check(&o, sizeof(struct opts_v1), "opts_v1"), 0);
	o.sz = offsetof(struct opts_v1, b);
	assert_int_equal(ebpfc__opts_check(&o, sizeof(struct opts_v1), "opts_v1"), 0);

	/* Larger with an all-zero tail: accepted. */
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.a = 1;
	o.b = 2;
	assert_int_equal(ebpfc__opts_check(&o, sizeof(struct opts_v1), "opts_v1"), 0);

	/* Larger with any non-zero tail byte: refused, naming the struct and the byte. */
	o.d[7] = 1;
	ebpfc__err_clear();
	assert_int_equal(ebpfc__opts_check(&o, sizeof(struct opts_v1), "opts_v1"), -EINVAL);
	assert_errmsg_contains("struct opts_v1");
	assert_errmsg_contains("byte ");
	o.d[7] = 0;
	o.c = 1;
	assert_int_equal(ebpfc__opts_check(&o, sizeof(struct opts_v1), "opts_v1"), -EINVAL);
	/* A non-zero byte just past sz is not looked at: it is not part of the struct. */
	o.c = 0;
	o.sz = offsetof(struct opts_v2, c);
	o.c = 5;
	assert_int_equal(ebpfc__opts_check(&o, sizeof(struct opts_v1), "opts_v1"), 0);
}

static void test_opt_macro_reads_defaults_for_old_structs(void **state)
{
	struct opts_v1 o = { .sz = sizeof(o), .a = 5, .b = 6 };
	struct opts_v1 *p = &o, *null = NULL;

	(void)state;
	assert_int_equal(EBPFC__OPT(p, a, -1), 5);
	assert_int_equal(EBPFC__OPT(p, b, -1), 6);
	/* An older caller whose struct ends before b: b reads as the default. */
	o.sz = offsetof(struct opts_v1, b);
	assert_int_equal(EBPFC__OPT(p, a, -1), 5);
	assert_int_equal(EBPFC__OPT(p, b, -1), -1);
	assert_int_equal(EBPFC__OPT(null, a, -7), -7);
}

/* A caller compiled against a newer header whose struct has more members. */
struct newer_map_create_opts {
	struct ebpfc_map_create_opts known;
	__u64 future_member;
	__u32 another;
};

static void test_opts_through_public_function(void **state)
{
	struct newer_map_create_opts o;
	struct ebpfc_map *map = (struct ebpfc_map *)0x1;
	size_t tiny = 4;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.known.sz = sizeof(o);
	o.future_member = 1;
	ebpfc__err_clear();
	assert_int_equal(ebpfc_map_create(BPF_MAP_TYPE_HASH, "m", 4, 4, 0, &o.known, &map),
			 -EINVAL);
	assert_null(map);
	assert_errmsg_contains("struct ebpfc_map_create_opts");
	assert_errmsg_contains(EBPFC_VERSION_STRING);

	/*
	 * With the unknown tail zeroed the options pass, and creation goes on to
	 * the next check (max_entries 0) before ever reaching the kernel.
	 */
	o.future_member = 0;
	assert_int_equal(ebpfc_map_create(BPF_MAP_TYPE_HASH, "m", 4, 4, 0, &o.known, &map),
			 -EINVAL);
	assert_null(map);
	assert_errmsg_contains("max_entries is 0");
	assert_null(strstr(ebpfc_errmsg(), "struct ebpfc_map_create_opts"));

	/* sz too small through the public API. */
	assert_int_equal(ebpfc_map_create(BPF_MAP_TYPE_HASH, "m", 4, 4, 1,
					  (const struct ebpfc_map_create_opts *)&tiny, &map),
			 -EINVAL);
	assert_errmsg_contains("ebpfc_map_create_opts");

	/* The same for test-run options, which the sys layer checks. */
	{
		struct {
			struct ebpfc_test_run_opts known;
			__u32 future;
		} t;

		memset(&t, 0, sizeof(t));
		t.known.sz = sizeof(t);
		t.future = 9;
		assert_int_equal(ebpfc_sys_prog_test_run(-1, &t.known), -EINVAL);
		assert_errmsg_contains("struct ebpfc_test_run_opts");
	}
}

static void test_ebpfc_opts_macro(void **state)
{
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_level = 2, .log_size_max = 4096);

	(void)state;
	assert_int_equal(o.sz, sizeof(struct ebpfc_prog_load_opts));
	assert_int_equal(o.log_level, 2);
	assert_int_equal(o.log_size_max, 4096);
	assert_null(o.log_buf);
	assert_int_equal(o.prog_flags, 0);
}

/* ---- facts and names ---------------------------------------------------------------------- */

static void test_num_possible_cpus(void **state)
{
	int ours = tu_possible_cpus();

	(void)state;
	if (ours < 0) {
		print_message("skipped: cannot read /sys/devices/system/cpu/possible (%d)\n", ours);
		skip();
	}
	assert_int_equal(ebpfc_num_possible_cpus(), ours);
	assert_true(ours >= 1);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(ebpfc_map_type_name(BPF_MAP_TYPE_HASH), "hash");
	assert_string_equal(ebpfc_map_type_name(BPF_MAP_TYPE_ARRAY), "array");
	assert_string_equal(ebpfc_map_type_name(BPF_MAP_TYPE_PERCPU_ARRAY), "percpu_array");
	assert_string_equal(ebpfc_map_type_name(BPF_MAP_TYPE_LPM_TRIE), "lpm_trie");
	assert_string_equal(ebpfc_map_type_name(BPF_MAP_TYPE_RINGBUF), "ringbuf");
	assert_string_equal(ebpfc_map_type_name(BPF_MAP_TYPE_USER_RINGBUF), "user_ringbuf");
	assert_string_equal(ebpfc_map_type_name(33), "arena");
	assert_string_equal(ebpfc_map_type_name(999), "unknown");
	assert_string_equal(ebpfc_map_type_name(0xffffffffu), "unknown");

	assert_string_equal(ebpfc_prog_type_name(BPF_PROG_TYPE_XDP), "xdp");
	assert_string_equal(ebpfc_prog_type_name(BPF_PROG_TYPE_SOCKET_FILTER), "socket_filter");
	assert_string_equal(ebpfc_prog_type_name(BPF_PROG_TYPE_SCHED_CLS), "sched_cls");
	assert_string_equal(ebpfc_prog_type_name(BPF_PROG_TYPE_TRACEPOINT), "tracepoint");
	assert_string_equal(ebpfc_prog_type_name(BPF_PROG_TYPE_SYSCALL), "syscall");
	assert_string_equal(ebpfc_prog_type_name(32), "netfilter");
	assert_string_equal(ebpfc_prog_type_name(999), "unknown");
	assert_string_equal(ebpfc_prog_type_name(0xffffffffu), "unknown");
}

static void test_cmd_names(void **state)
{
	(void)state;
	assert_string_equal(ebpfc_sys_cmd_name(BPF_MAP_CREATE), "BPF_MAP_CREATE");
	assert_string_equal(ebpfc_sys_cmd_name(BPF_PROG_LOAD), "BPF_PROG_LOAD");
	assert_string_equal(ebpfc_sys_cmd_name(BPF_PROG_BIND_MAP), "BPF_PROG_BIND_MAP");
	assert_string_equal(ebpfc_sys_cmd_name(36), "BPF_TOKEN_CREATE");
	assert_string_equal(ebpfc_sys_cmd_name(-1), "BPF_UNKNOWN_CMD");
	assert_string_equal(ebpfc_sys_cmd_name(1000), "BPF_UNKNOWN_CMD");
}

static void test_version(void **state)
{
	char want[32];

	(void)state;
	snprintf(want, sizeof(want), "%d.%d.%d", EBPFC_VERSION_MAJOR, EBPFC_VERSION_MINOR,
		 EBPFC_VERSION_PATCH);
	assert_string_equal(ebpfc_version(), want);
	assert_string_equal(ebpfc_version(), EBPFC_VERSION_STRING);
	assert_int_equal(EBPFC_VERSION_HEX, (EBPFC_VERSION_MAJOR << 16) |
						    (EBPFC_VERSION_MINOR << 8) | EBPFC_VERSION_PATCH);
}

static void test_destroy_null_and_null_handles(void **state)
{
	(void)state;
	ebpfc_map_destroy(NULL);
	ebpfc_prog_destroy(NULL);
	assert_int_equal(ebpfc_map_fd(NULL), -EINVAL);
	assert_int_equal(ebpfc_prog_fd(NULL), -EINVAL);
	assert_string_equal(ebpfc_map_name(NULL), "");
	assert_string_equal(ebpfc_prog_name(NULL), "");
	assert_string_equal(ebpfc_prog_log(NULL), "");
	assert_false(ebpfc_prog_log_truncated(NULL));
}

static void test_strlcpy(void **state)
{
	char buf[4];

	(void)state;
	ebpfc__strlcpy(buf, "abcdef", sizeof(buf));
	assert_string_equal(buf, "abc");
	ebpfc__strlcpy(buf, NULL, sizeof(buf));
	assert_string_equal(buf, "");
	ebpfc__strlcpy(buf, "ab", sizeof(buf));
	assert_string_equal(buf, "ab");
}

static void test_prog_load_without_insns(void **state)
{
	struct ebpfc_prog *prog = (struct ebpfc_prog *)0x1;

	(void)state;
	/* Refused before the kernel, naming the program. */
	assert_int_equal(ebpfc_prog_load(BPF_PROG_TYPE_XDP, "empty", "GPL", NULL, 0, NULL, &prog),
			 -EINVAL);
	assert_null(prog);
	assert_errmsg_contains("'empty'");
	assert_errmsg_contains("no instructions");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errmsg_initially_empty_and_thread_local),
		cmocka_unit_test(test_errmsg_err_sign_and_append),
		cmocka_unit_test(test_errmsg_long_message_is_bounded),
		cmocka_unit_test(test_errmsg_preserves_errno),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_opts_check_direct),
		cmocka_unit_test(test_opt_macro_reads_defaults_for_old_structs),
		cmocka_unit_test(test_opts_through_public_function),
		cmocka_unit_test(test_ebpfc_opts_macro),
		cmocka_unit_test(test_num_possible_cpus),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_cmd_names),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_destroy_null_and_null_handles),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_prog_load_without_insns),
	};

	return cmocka_run_group_tests_name("errors", tests, NULL, tu_teardown);
}
