/*
 * test_probe.c - kernel tests of the feature probes (probe.h) against what
 * this host is known to have (a 6.18 kernel without kprobes):
 *
 *   - program types xdp, socket_filter, sched_cls, tracepoint = 1, and an
 *     absurd type = 0 with a message;
 *   - map types hash, array, ringbuf, lpm_trie, array_of_maps, sk_storage
 *     = 1, and type 999 = 0;
 *   - helpers: bpf_map_lookup_elem for XDP = 1, helper 100000 = 0, a
 *     GPL-only / type-restricted case;
 *   - every BTF kind 1..19 = 1, kinds 0 and 99 an error;
 *   - bpf_link = 1 and tcx = 1 (this host has them: 0 is a failure);
 *   - kprobe: the answer agrees with what sysfs/tracefs show (0 here, with
 *     a message that mentions kprobes), so the test also passes on kernels
 *     that have them;
 *   - fentry: 0 or 1, and a reason when 0;
 *   - probes leave no fds behind and clear the message when they answer 1.
 *
 * Every test skips with a reason without bpf() privileges.
 */
#include "testutil.h"

#include <errno.h>

static void expect_yes(int r, const char *what)
{
	if (r != 1)
		fail_msg("probe for %s answered %d, expected 1: %s", what, r, ebpfc_errmsg());
	/* A yes leaves no stale failure behind. */
	assert_string_equal(ebpfc_errmsg(), "");
}

static void expect_no(int r, const char *what)
{
	if (r != 0)
		fail_msg("probe for %s answered %d, expected 0: %s", what, r, ebpfc_errmsg());
	/* A no always says why. */
	assert_true(strlen(ebpfc_errmsg()) > 0);
	assert_errmsg_contains("probe");
}

static void test_prog_types(void **state)
{
	static const struct { __u32 type; const char *name; } yes[] = {
		{ BPF_PROG_TYPE_XDP, "xdp" },
		{ BPF_PROG_TYPE_SOCKET_FILTER, "socket_filter" },
		{ BPF_PROG_TYPE_SCHED_CLS, "sched_cls" },
		{ BPF_PROG_TYPE_TRACEPOINT, "tracepoint" },
		{ BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb" },
		{ BPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tracepoint" },
	};
	size_t i;

	(void)state;
	TU_REQUIRE_PRIVS();
	for (i = 0; i < TU_ARRAY_SIZE(yes); i++)
		expect_yes(ebpfc_probe_prog_type(yes[i].type), yes[i].name);

	expect_no(ebpfc_probe_prog_type(999), "prog type 999");
	assert_errmsg_contains("999");
	expect_no(ebpfc_probe_prog_type(0x7fffffff), "prog type 0x7fffffff");
}

static void test_map_types(void **state)
{
	static const struct { __u32 type; const char *name; } yes[] = {
		{ BPF_MAP_TYPE_HASH, "hash" },
		{ BPF_MAP_TYPE_ARRAY, "array" },
		{ BPF_MAP_TYPE_RINGBUF, "ringbuf" },
		{ BPF_MAP_TYPE_LPM_TRIE, "lpm_trie" },
		{ BPF_MAP_TYPE_ARRAY_OF_MAPS, "array_of_maps" },
		{ BPF_MAP_TYPE_HASH_OF_MAPS, "hash_of_maps" },
		{ BPF_MAP_TYPE_SK_STORAGE, "sk_storage" },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array" },
		{ BPF_MAP_TYPE_QUEUE, "queue" },
		{ BPF_MAP_TYPE_BLOOM_FILTER, "bloom_filter" },
	};
	size_t i;

	(void)state;
	TU_REQUIRE_PRIVS();
	for (i = 0; i < TU_ARRAY_SIZE(yes); i++)
		expect_yes(ebpfc_probe_map_type(yes[i].type), yes[i].name);

	expect_no(ebpfc_probe_map_type(999), "map type 999");
	assert_errmsg_contains("999");
}

static void test_helpers(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	expect_yes(ebpfc_probe_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_map_lookup_elem),
		   "bpf_map_lookup_elem in xdp");
	expect_yes(ebpfc_probe_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_adjust_head),
		   "bpf_xdp_adjust_head in xdp");
	expect_yes(ebpfc_probe_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_get_current_pid_tgid),
		   "bpf_get_current_pid_tgid in tracepoint");

	expect_no(ebpfc_probe_helper(BPF_PROG_TYPE_XDP, 100000), "helper 100000");
	assert_errmsg_contains("100000");
	/* A known helper that belongs to another program type. */
	expect_no(ebpfc_probe_helper(BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_xdp_adjust_head),
		  "bpf_xdp_adjust_head in socket_filter");
	assert_errmsg_contains("socket_filter");
}

static void test_btf_kinds(void **state)
{
	__u32 kind;
	int r;

	(void)state;
	TU_REQUIRE_PRIVS();
	/* INT .. ENUM64: a 6.18 kernel takes every one. */
	for (kind = 1; kind <= 19; kind++) {
		char what[32];

		snprintf(what, sizeof(what), "BTF kind %u", kind);
		expect_yes(ebpfc_probe_btf_kind(kind), what);
	}
	r = ebpfc_probe_btf_kind(99);
	assert_int_equal(r, -EINVAL);
	assert_errmsg_contains("99");
	r = ebpfc_probe_btf_kind(0);
	assert_int_equal(r, -EINVAL);
}

/*
 * Ground truth for tcx that is not the probe itself: the kernel's own BTF
 * lists the attach types it knows.
 */
static bool kernel_knows_enum_value(const char *name)
{
	struct ebpfc_btf *btf;
	struct ebpfc_btf_enum_value v;
	__u32 id;
	bool yes;

	if (ebpfc_btf_open_vmlinux(&btf))
		return false;
	yes = ebpfc_btf_find(btf, "bpf_attach_type", BTF_KIND_ENUM, &id) == 0 &&
	      ebpfc_btf_enum_find(btf, id, name, &v) >= 0;
	ebpfc_btf_destroy(btf);
	return yes;
}

static void test_link_and_tcx(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	/* Every kernel this suite runs on (5.7+) has links: a 0 is a probe bug. */
	expect_yes(ebpfc_probe_bpf_link(), "bpf_link");
	if (kernel_knows_enum_value("BPF_TCX_INGRESS"))
		expect_yes(ebpfc_probe_tcx(), "tcx");
	else
		expect_no(ebpfc_probe_tcx(), "tcx");
}

static void test_kprobe(void **state)
{
	bool pmu = tu_exists("/sys/bus/event_source/devices/kprobe/type");
	bool tracefs = tu_exists("/sys/kernel/tracing/kprobe_events") ||
		       tu_exists("/sys/kernel/debug/tracing/kprobe_events");
	int r;

	(void)state;
	TU_REQUIRE_PRIVS();
	r = ebpfc_probe_kprobe();
	if (pmu || tracefs) {
		if (r != 1)
			fail_msg("kprobes are visible (pmu %d, tracefs %d) but the probe says %d: %s",
				 pmu, tracefs, r, ebpfc_errmsg());
		return;
	}
	/* This host: no kprobe PMU, no tracefs. */
	expect_no(r, "kprobe");
	assert_errmsg_contains("kprobe");
}

static void test_fentry(void **state)
{
	int r;

	(void)state;
	TU_REQUIRE_PRIVS();
	r = ebpfc_probe_fentry();
	assert_true(r == 0 || r == 1);
	if (r == 0) {
		print_message("note: fentry probe says no: %s\n", ebpfc_errmsg());
		expect_no(r, "fentry");
	} else {
		expect_yes(r, "fentry");
	}
}

static void test_probes_do_not_leak(void **state)
{
	int before, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	before = tu_count_fds();
	for (i = 0; i < 20; i++) {
		ebpfc_probe_prog_type(BPF_PROG_TYPE_XDP);
		ebpfc_probe_prog_type(999);
		ebpfc_probe_map_type(BPF_MAP_TYPE_ARRAY_OF_MAPS);
		ebpfc_probe_map_type(BPF_MAP_TYPE_SK_STORAGE);
		ebpfc_probe_map_type(999);
		ebpfc_probe_helper(BPF_PROG_TYPE_XDP, 100000);
		ebpfc_probe_btf_kind(BTF_KIND_DATASEC);
		ebpfc_probe_bpf_link();
		ebpfc_probe_tcx();
		ebpfc_probe_kprobe();
		ebpfc_probe_fentry();
	}
	assert_int_equal(tu_count_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog_types),
		cmocka_unit_test(test_map_types),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_btf_kinds),
		cmocka_unit_test(test_link_and_tcx),
		cmocka_unit_test(test_kprobe),
		cmocka_unit_test(test_fentry),
		cmocka_unit_test(test_probes_do_not_leak),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, tu_teardown);
}
