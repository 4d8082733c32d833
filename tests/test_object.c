/*
 * test_object.c - tests of the object loader (object.h) with objects built
 * from bpf/test_*.bpf.c and bpf/xdp_counter.bpf.c:
 *
 *   without a kernel: the section name -> program type table (through
 *   src/section.h), program and map enumeration and lookup by name (and
 *   the ENOENT messages), global variables before load, legacy and
 *   map-in-map definitions, pin paths, unknown sections, options checks;
 *
 *   with a kernel (skipped with the reason when bpf() is not allowed):
 *   global data set before load (.rodata, .rodata.cfg) and read/written
 *   after load through the mmapped maps (.bss, .data, .data.custom), the
 *   EPERM on .rodata after load; subprograms (static/global, in .text, in
 *   the program's section and in a custom section, shared, 3 deep) and
 *   bpf_loop / bpf_for_each_map_elem callbacks; array- and hash-of-maps
 *   with initial slots; prog arrays with initial slots and tail calls;
 *   legacy "maps"; LIBBPF_PIN_BY_NAME (pin, reuse, incompatible pin);
 *   autoload, isolate, unknown sections and ebpfc_prog_set_type(), loading
 *   twice, open_mem from a freed buffer, and 1,000 load/destroy cycles
 *   without leaking fds or mappings.
 *
 * Not here: hostile ELF input (test_object_hostile.c), the ELF and BTF
 * readers themselves (test_elf.c, test_btf.c).
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_ether.h>

#include "attr.h"
#include "section.h"

#ifndef EBPFC_TEST_BPF_DIR
#error "EBPFC_TEST_BPF_DIR must name the directory of the built BPF objects"
#endif

/* ---- helpers ------------------------------------------------------------------------- */

static const char *obj_path(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", EBPFC_TEST_BPF_DIR, name);
	return buf;
}

static struct ebpfc_object *open_obj(const char *name, const struct ebpfc_object_open_opts *opts)
{
	struct ebpfc_object *obj = NULL;
	int err = ebpfc_object_open_file(obj_path(name), opts, &obj);

	if (err)
		fail_msg("opening %s failed (%d): %s", obj_path(name), err, ebpfc_errmsg());
	assert_non_null(obj);
	return obj;
}

static struct ebpfc_prog *prog_by_name(struct ebpfc_object *obj, const char *name)
{
	struct ebpfc_prog *p = NULL;

	assert_ok(ebpfc_object_find_prog(obj, name, &p));
	assert_non_null(p);
	return p;
}

static struct ebpfc_map *map_by_name(struct ebpfc_object *obj, const char *name)
{
	struct ebpfc_map *m = NULL;

	assert_ok(ebpfc_object_find_map(obj, name, &m));
	assert_non_null(m);
	return m;
}

/* A global's address, asserting its size. */
static void *global(struct ebpfc_object *obj, const char *name, size_t want_size)
{
	void *addr = NULL;
	size_t size = 0;

	assert_ok(ebpfc_object_global(obj, name, &addr, &size));
	assert_non_null(addr);
	if (size != want_size)
		fail_msg("global '%s' is %zu bytes, expected %zu", name, size, want_size);
	return addr;
}

/* Run an XDP program once on a 64-byte IPv4-looking frame; its return code. */
static __u32 run_xdp(const struct ebpfc_prog *prog)
{
	unsigned char pkt[64];
	EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		   .repeat = 1);

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08; /* ETH_P_IP */
	pkt[14] = 0x45;
	pkt[23] = 17; /* UDP */
	assert_ok(ebpfc_prog_test_run(prog, &o));
	return o.retval;
}

static void load_ok(struct ebpfc_object *obj)
{
	int err = ebpfc_object_load(obj, NULL);

	if (err)
		fail_msg("loading object '%s' failed (%d): %s", ebpfc_object_name(obj), err,
			 ebpfc_errmsg());
	assert_true(ebpfc_object_loaded(obj));
}

static __u32 map_id(const struct ebpfc_map *m)
{
	struct ebpfc_map_info info;

	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_map_info(m, &info));
	assert_true(info.id > 0);
	return info.id;
}

static __u32 prog_id(const struct ebpfc_prog *p)
{
	struct ebpfc_prog_info info;

	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_prog_info(p, &info));
	assert_true(info.id > 0);
	return info.id;
}

/* Lines of /proc/self/maps that map a BPF map (mmapped global data). */
static int count_bpf_map_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "bpf-map") != NULL;
	fclose(f);
	return n;
}

static void *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc(n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

/* ---- section names (no kernel) ---------------------------------------------------------- */

static void check_sec(const char *name, __u32 type, __u32 attach, __u32 flags_set,
		      const char *target)
{
	const char *t = NULL;
	const struct ebpfc__sec_def *d = ebpfc__sec_find(name, &t);

	if (!d)
		fail_msg("section '%s' is not known", name);
	if (d->prog_type != type)
		fail_msg("section '%s': program type %u, expected %u", name, d->prog_type, type);
	if (d->attach_type != attach)
		fail_msg("section '%s': attach type %u, expected %u", name, d->attach_type, attach);
	if ((d->flags & flags_set) != flags_set)
		fail_msg("section '%s': flags 0x%x lack 0x%x", name, d->flags, flags_set);
	assert_non_null(t);
	if (strcmp(t, target) != 0)
		fail_msg("section '%s': target '%s', expected '%s'", name, t, target);
}

static void test_section_names_map_to_program_types(void **state)
{
	const char *t = "unset";

	(void)state;
	check_sec("xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0, "");
	check_sec("xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, EBPFC__SEC_XDP_FRAGS, "");
	check_sec("xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0, "");
	check_sec("tc/ingress", BPF_PROG_TYPE_SCHED_CLS, EBPFC__BPF_TCX_INGRESS, 0, "");
	check_sec("tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0, "");
	check_sec("socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, "");
	check_sec("tracepoint/syscalls/sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT, 0,
		  EBPFC__SEC_PREFIX, "syscalls/sys_enter_openat");
	check_sec("kprobe/do_unlinkat", BPF_PROG_TYPE_KPROBE, 0, EBPFC__SEC_PREFIX, "do_unlinkat");
	check_sec("uprobe/libc.so.6:malloc", BPF_PROG_TYPE_KPROBE, 0, EBPFC__SEC_PREFIX,
		  "libc.so.6:malloc");
	check_sec("fentry/x", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, EBPFC__SEC_ATTACH_BTF, "x");
	check_sec("fentry.s/x", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY,
		  EBPFC__SEC_ATTACH_BTF | EBPFC__SEC_SLEEPABLE, "x");
	check_sec("tp_btf/sched_switch", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP,
		  EBPFC__SEC_ATTACH_BTF, "sched_switch");
	check_sec("raw_tp/sys_enter", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "sys_enter");
	check_sec("cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, "");
	check_sec("sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0, "");
	check_sec("iter/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, EBPFC__SEC_ATTACH_BTF, "task");
	check_sec("netfilter", EBPFC__BPF_PROG_TYPE_NETFILTER, EBPFC__BPF_NETFILTER, 0, "");
	check_sec("syscall", BPF_PROG_TYPE_SYSCALL, 0, EBPFC__SEC_SLEEPABLE, "");

	assert_null(ebpfc__sec_find("no_such_type", &t));
	assert_string_equal(t, "");
	/* A known name followed by anything but '/' is a different name. */
	assert_null(ebpfc__sec_find("xdpfoo", &t));
	assert_null(ebpfc__sec_find("kprobex/foo", &t));
	assert_null(ebpfc__sec_find("", &t));
}

/* ---- opening (no kernel) ------------------------------------------------------------------- */

static void test_open_enumerates_programs_and_maps(void **state)
{
	static const char *const progs[] = { "sub_main", "sub_other", "sub_loop", "sub_each" };
	struct ebpfc_object *obj = open_obj("test_subprogs.bpf.o", NULL);
	struct ebpfc_prog *p;
	struct ebpfc_map *m;
	size_t i;

	(void)state;
	assert_string_equal(ebpfc_object_name(obj), "test_subprogs.bpf.o");
	assert_string_equal(ebpfc_object_license(obj), "GPL");
	assert_false(ebpfc_object_loaded(obj));
	/* Subprograms (add2, mul3, depth*, own_sec, custom_sec_fn, callbacks) are no programs. */
	assert_int_equal(ebpfc_object_prog_count(obj), TU_ARRAY_SIZE(progs));
	for (i = 0; i < TU_ARRAY_SIZE(progs); i++) {
		p = ebpfc_object_prog_at(obj, i);
		assert_non_null(p);
		assert_string_equal(ebpfc_prog_name(p), progs[i]);
		assert_string_equal(ebpfc_prog_section(p), "xdp");
		assert_int_equal(ebpfc_prog_type(p), BPF_PROG_TYPE_XDP);
		assert_int_equal(ebpfc_prog_expected_attach_type(p), BPF_XDP);
		assert_true(ebpfc_prog_autoload(p));
		assert_int_equal(ebpfc_prog_load_result(p), 1);
		assert_string_equal(ebpfc_prog_load_errmsg(p), "");
		assert_true(ebpfc_prog_fd(p) < 0);
		assert_ptr_equal(prog_by_name(obj, progs[i]), p);
	}
	assert_null(ebpfc_object_prog_at(obj, TU_ARRAY_SIZE(progs)));
	/* sub_main is 30 instructions of its own; sub_loop 17 (symbol sizes / 8). */
	assert_int_equal(ebpfc_prog_insn_count(prog_by_name(obj, "sub_main")), 30);
	assert_int_equal(ebpfc_prog_insn_count(prog_by_name(obj, "sub_loop")), 17);

	p = (struct ebpfc_prog *)1;
	assert_err(ebpfc_object_find_prog(obj, "add2", &p), ENOENT);
	assert_null(p);
	assert_errmsg_contains("no program named 'add2'");
	assert_errmsg_contains("test_subprogs.bpf.o");

	assert_int_equal(ebpfc_object_map_count(obj), 3);
	m = map_by_name(obj, "each_map");
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_ARRAY);
	assert_int_equal(ebpfc_map_key_size(m), 4);
	assert_int_equal(ebpfc_map_value_size(m), 8);
	assert_int_equal(ebpfc_map_max_entries(m), 4);
	assert_true(ebpfc_map_fd(m) < 0);
	/* .data holds loop_n (4 bytes, padded) and eight u64 inputs: 72 bytes. */
	m = map_by_name(obj, ".data");
	assert_int_equal(ebpfc_map_value_size(m), 72);
	assert_int_equal(ebpfc_map_max_entries(m), 1);
	m = map_by_name(obj, ".bss");
	assert_int_equal(ebpfc_map_value_size(m), 32);
	for (i = 0; i < ebpfc_object_map_count(obj); i++)
		assert_non_null(ebpfc_object_map_at(obj, i));
	assert_null(ebpfc_object_map_at(obj, 3));

	m = (struct ebpfc_map *)1;
	assert_err(ebpfc_object_find_map(obj, "no_such_map", &m), ENOENT);
	assert_null(m);
	assert_errmsg_contains("no map named 'no_such_map'");
	ebpfc_object_destroy(obj);
}

static void test_open_globals_before_load(void **state)
{
	struct ebpfc_object *obj = open_obj("test_globals.bpf.o", NULL);
	struct { __u32 mult, add; __u64 big; __u32 action, pad; } cfg;
	struct ebpfc_map *m;
	void *addr = (void *)1, *data;
	size_t size = 7;
	__u32 arr[4], u32;
	__u64 u64;
	__u8 u8;

	(void)state;
	assert_int_equal(ebpfc_object_map_count(obj), 5);
	/* .rodata: u8, u32, u64, an array */
	assert_int_equal(*(__u8 *)global(obj, "cfg_u8", 1), 3);
	assert_int_equal(*(__u32 *)global(obj, "cfg_u32", 4), 100);
	assert_true(*(__u64 *)global(obj, "cfg_u64", 8) == 0x1122334455667788ULL);
	memcpy(arr, global(obj, "cfg_arr", 16), sizeof(arr));
	assert_int_equal(arr[0], 1);
	assert_int_equal(arr[3], 4);
	/* .rodata.cfg: a struct */
	memcpy(&cfg, global(obj, "cfg", 24), 24);
	assert_int_equal(cfg.mult, 2);
	assert_int_equal(cfg.add, 1);
	assert_true(cfg.big == 7);
	assert_int_equal(cfg.action, XDP_PASS);
	/* .data and .data.custom */
	assert_int_equal(*(__u8 *)global(obj, "data_u8", 1), 0xab);
	assert_int_equal(*(__u32 *)global(obj, "data_u32", 4), 5);
	assert_int_equal(*(__u64 *)global(obj, "custom_counter", 8), 1000);
	memcpy(arr, global(obj, "custom_arr", 12), 12);
	assert_int_equal(arr[2], 33);
	/* .bss: zero */
	assert_int_equal(*(__u64 *)global(obj, "out_u64", 8), 0);
	assert_int_equal(*(__u32 *)((char *)global(obj, "out", 16) + 8), 0);

	/* _get/_set copy with a size check. */
	assert_ok(ebpfc_object_global_get(obj, "cfg_u32", &u32, sizeof(u32)));
	assert_int_equal(u32, 100);
	u32 = 555;
	assert_ok(ebpfc_object_global_set(obj, "cfg_u32", &u32, sizeof(u32)));
	assert_int_equal(*(__u32 *)global(obj, "cfg_u32", 4), 555);
	u8 = 9;
	assert_ok(ebpfc_object_global_set(obj, "cfg_u8", &u8, 1));
	assert_err(ebpfc_object_global_set(obj, "cfg_u32", &u64, sizeof(u64)), EINVAL);
	assert_errmsg_contains("'cfg_u32' is 4 bytes, not 8");
	assert_err(ebpfc_object_global_get(obj, "cfg_u64", &u32, sizeof(u32)), EINVAL);
	assert_errmsg_contains("'cfg_u64' is 8 bytes, not 4");
	/* The set value is the map's initial value. */
	m = map_by_name(obj, ".rodata");
	assert_ok(ebpfc_map_initial_value(m, &data, &size));
	assert_int_equal(size, 32);
	assert_int_equal(((__u8 *)data)[0], 9);
	assert_int_equal(*(__u32 *)((char *)data + 4), 555);
	m = map_by_name(obj, ".rodata.cfg");
	assert_int_equal(ebpfc_map_value_size(m), 24);
	m = map_by_name(obj, ".data.custom");
	assert_int_equal(ebpfc_map_value_size(m), 20);
	assert_ok(ebpfc_map_initial_value(m, &data, &size));
	assert_int_equal(*(__u64 *)data, 1000);

	assert_err(ebpfc_object_global(obj, "no_such_var", &addr, &size), ENOENT);
	assert_null(addr);
	assert_errmsg_contains("no global variable named 'no_such_var'");
	/* A function is not a variable. */
	assert_err(ebpfc_object_global(obj, "globals_run", &addr, &size), ENOENT);
	ebpfc_object_destroy(obj);
}

static void test_open_legacy_map_definitions(void **state)
{
	struct ebpfc_object *obj = open_obj("test_legacy.bpf.o", NULL);
	struct ebpfc_map *m;

	(void)state;
	assert_int_equal(ebpfc_object_map_count(obj), 2);
	m = map_by_name(obj, "legacy_counts");
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_ARRAY);
	assert_int_equal(ebpfc_map_key_size(m), 4);
	assert_int_equal(ebpfc_map_value_size(m), 8);
	assert_int_equal(ebpfc_map_max_entries(m), 4);
	m = map_by_name(obj, "legacy_hash");
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_HASH);
	assert_int_equal(ebpfc_map_max_entries(m), 16);
	ebpfc_object_destroy(obj);
}

static void test_open_map_in_map_and_prog_array_definitions(void **state)
{
	struct ebpfc_object *obj = open_obj("test_mapinmap.bpf.o", NULL);
	struct ebpfc_map *m;

	(void)state;
	m = map_by_name(obj, "outer_arr");
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_ARRAY_OF_MAPS);
	assert_int_equal(ebpfc_map_key_size(m), 4);
	assert_int_equal(ebpfc_map_value_size(m), 4);
	assert_int_equal(ebpfc_map_max_entries(m), 4);
	m = map_by_name(obj, "outer_hash");
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_HASH_OF_MAPS);
	assert_int_equal(ebpfc_map_max_entries(m), 8);
	m = map_by_name(obj, "inner_b");
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_ARRAY);
	assert_int_equal(ebpfc_map_max_entries(m), 4);
	ebpfc_object_destroy(obj);

	obj = open_obj("test_tailcall.bpf.o", NULL);
	m = map_by_name(obj, "jmp");
	assert_int_equal(ebpfc_map_type(m), BPF_MAP_TYPE_PROG_ARRAY);
	assert_int_equal(ebpfc_map_value_size(m), 4);
	assert_int_equal(ebpfc_map_max_entries(m), 4);
	assert_int_equal(ebpfc_object_prog_count(obj), 4);
	ebpfc_object_destroy(obj);
}

static void test_open_pin_path_from_pin_root(void **state)
{
	EBPFC_OPTS(ebpfc_object_open_opts, oo, .pin_root = "/sys/fs/bpf/some/where");
	struct ebpfc_object *obj = open_obj("test_pinning.bpf.o", &oo);
	struct ebpfc_map *m = map_by_name(obj, "pinned_map");

	(void)state;
	assert_string_equal(ebpfc_map_pin_path(m), "/sys/fs/bpf/some/where/pinned_map");
	assert_ok(ebpfc_map_set_pin_path(m, NULL));
	assert_string_equal(ebpfc_map_pin_path(m), "");
	ebpfc_object_destroy(obj);

	/* The default root. */
	obj = open_obj("test_pinning.bpf.o", NULL);
	assert_string_equal(ebpfc_map_pin_path(map_by_name(obj, "pinned_map")),
			    "/sys/fs/bpf/pinned_map");
	ebpfc_object_destroy(obj);
}

static void test_open_unknown_section_has_no_type(void **state)
{
	struct ebpfc_object *obj = open_obj("test_unknown_sec.bpf.o", NULL);
	struct ebpfc_prog *p = prog_by_name(obj, "mystery_prog");

	(void)state;
	assert_string_equal(ebpfc_prog_section(p), "mystery/handler");
	assert_int_equal(ebpfc_prog_type(p), BPF_PROG_TYPE_UNSPEC);
	assert_int_equal(ebpfc_prog_type(prog_by_name(obj, "known_xdp")), BPF_PROG_TYPE_XDP);
	ebpfc_object_destroy(obj);
}

static void test_open_options_checked(void **state)
{
	struct {
		struct ebpfc_object_open_opts o;
		char tail[16];
	} big;
	struct ebpfc_object *obj = (struct ebpfc_object *)1;

	(void)state;
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.tail[3] = 1;
	assert_err(ebpfc_object_open_file(obj_path("xdp_counter.bpf.o"), &big.o, &obj), EINVAL);
	assert_null(obj);
	/* An all-zero unknown tail is fine; object_name is used. */
	big.tail[3] = 0;
	big.o.object_name = "renamed";
	assert_ok(ebpfc_object_open_file(obj_path("xdp_counter.bpf.o"), &big.o, &obj));
	assert_string_equal(ebpfc_object_name(obj), "renamed");
	ebpfc_object_destroy(obj);

	obj = (struct ebpfc_object *)1;
	assert_err(ebpfc_object_open_file("/nonexistent/x.bpf.o", NULL, &obj), ENOENT);
	assert_null(obj);
	assert_errmsg_contains("/nonexistent/x.bpf.o");
	ebpfc_object_destroy(NULL);
}

/* ---- global data (kernel) --------------------------------------------------------------- */

struct cfg_s {
	__u32 mult, add;
	__u64 big;
	__u32 action, pad;
};

static void test_globals_rodata_set_before_load_reaches_program(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *p;
	struct cfg_s cfg = { .mult = 3, .add = 4, .big = 1000, .action = XDP_DROP };
	__u32 cfg_arr[4] = { 100, 200, 300, 400 }, cfg_u32 = 7, *out_arr;
	__u8 cfg_u8 = 0x5a;
	struct ebpfc_map *bss;
	unsigned char bss_val[48];
	__u32 zero = 0;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_globals.bpf.o", NULL);
	assert_ok(ebpfc_object_global_set(obj, "cfg", &cfg, sizeof(cfg)));
	assert_ok(ebpfc_object_global_set(obj, "cfg_u32", &cfg_u32, sizeof(cfg_u32)));
	assert_ok(ebpfc_object_global_set(obj, "cfg_u8", &cfg_u8, sizeof(cfg_u8)));
	assert_ok(ebpfc_object_global_set(obj, "cfg_arr", cfg_arr, sizeof(cfg_arr)));
	load_ok(obj);
	p = prog_by_name(obj, "globals_run");
	assert_int_equal(ebpfc_prog_load_result(p), 0);
	assert_true(ebpfc_prog_fd(p) >= 0);

	/* cfg.action = XDP_DROP is what the program returns. */
	assert_int_equal(run_xdp(p), XDP_DROP);
	assert_int_equal(*(__u8 *)global(obj, "out_u8", 1), 0x5a);
	assert_int_equal(*(__u32 *)global(obj, "out_u32", 4), 7 * 3 + 4);
	assert_true(*(__u64 *)global(obj, "out_u64", 8) == 0x1122334455667788ULL + 1);
	out_arr = global(obj, "out_arr", 16);
	assert_int_equal(out_arr[0], 110);
	assert_int_equal(out_arr[1], 220);
	assert_int_equal(out_arr[2], 330);
	assert_int_equal(out_arr[3], 440);
	/* out.sum = data_pair.a + data_pair.b + custom_arr[2] + cfg.big */
	assert_true(*(__u64 *)global(obj, "out", 16) == 7 + 9 + 33 + 1000);
	assert_int_equal(((__u32 *)global(obj, "out", 16))[2], 1);
	/* The program wrote .data and .data.custom. */
	assert_int_equal(*(__u32 *)global(obj, "data_u32", 4), 6);
	assert_int_equal(*(__u64 *)global(obj, "custom_counter", 8), 1000 + 0xab);

	/* The mmapped view and the map agree. */
	bss = map_by_name(obj, ".bss");
	assert_int_equal(ebpfc_map_max_entries(bss), 1);
	assert_ok(ebpfc_map_lookup(bss, &zero, sizeof(zero), bss_val, sizeof(bss_val), 0));
	assert_int_equal(*(__u32 *)(bss_val + 4), 7 * 3 + 4);
	/* After load the rodata view is the frozen map, holding what was set. */
	assert_int_equal(*(__u32 *)global(obj, "cfg_u32", 4), 7);
	ebpfc_object_destroy(obj);
}

static void test_globals_data_written_after_load_reaches_program(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *p;
	__u64 *input, big = 1000000;
	__u32 pair[2] = { 100, 200 }, got;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_globals.bpf.o", NULL);
	load_ok(obj);
	p = prog_by_name(obj, "globals_run");
	assert_int_equal(run_xdp(p), XDP_PASS);
	assert_true(*(__u64 *)global(obj, "out_u64", 8) == 0x1122334455667788ULL + 1);

	/* Through the pointer ... */
	input = global(obj, "data_input", 8);
	*input = big;
	/* ... and through _set. */
	assert_ok(ebpfc_object_global_set(obj, "data_pair", pair, sizeof(pair)));
	assert_int_equal(run_xdp(p), XDP_PASS);
	assert_true(*(__u64 *)global(obj, "out_u64", 8) == 0x1122334455667788ULL + big);
	assert_true(*(__u64 *)global(obj, "out", 16) == 100 + 200 + 33 + 7);
	assert_ok(ebpfc_object_global_get(obj, "data_u32", &got, sizeof(got)));
	assert_int_equal(got, 7);
	assert_int_equal(((__u32 *)global(obj, "out", 16))[2], 2);
	/* Write .data.custom after load: custom_counter += data_u8 per run. */
	big = 5;
	assert_ok(ebpfc_object_global_set(obj, "custom_counter", &big, sizeof(big)));
	assert_int_equal(run_xdp(p), XDP_PASS);
	assert_int_equal(*(__u64 *)global(obj, "custom_counter", 8), 5 + 0xab);
	ebpfc_object_destroy(obj);
}

static void test_globals_rodata_set_after_load_is_eperm(void **state)
{
	struct ebpfc_object *obj;
	__u32 v = 1;
	struct cfg_s cfg;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_globals.bpf.o", NULL);
	load_ok(obj);
	assert_err(ebpfc_object_global_set(obj, "cfg_u32", &v, sizeof(v)), EPERM);
	assert_errmsg_contains("cfg_u32");
	assert_errmsg_contains("read-only");
	memset(&cfg, 0, sizeof(cfg));
	assert_err(ebpfc_object_global_set(obj, "cfg", &cfg, sizeof(cfg)), EPERM);
	assert_errmsg_contains(".rodata.cfg");
	/* Unchanged. */
	assert_int_equal(*(__u32 *)global(obj, "cfg_u32", 4), 100);
	/* Configuring the object after load is refused too. */
	assert_err(ebpfc_prog_set_autoload(prog_by_name(obj, "globals_run"), false), EBUSY);
	assert_err(ebpfc_map_set_max_entries(map_by_name(obj, ".bss"), 2), EBUSY);
	ebpfc_object_destroy(obj);
}

/* ---- subprograms (kernel) ---------------------------------------------------------------- */

static void test_subprograms_static_global_custom_section_and_shared(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *m, *o;
	struct ebpfc_prog_info info;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_subprogs.bpf.o", NULL);
	/* The callback programs have their own tests. */
	assert_ok(ebpfc_prog_set_autoload(prog_by_name(obj, "sub_loop"), false));
	assert_ok(ebpfc_prog_set_autoload(prog_by_name(obj, "sub_each"), false));
	load_ok(obj);
	m = prog_by_name(obj, "sub_main");
	o = prog_by_name(obj, "sub_other");
	assert_int_equal(run_xdp(m), XDP_PASS);
	assert_int_equal(run_xdp(o), XDP_PASS);
	/* add2(2,3) + mul3(4) + depth3(5) + own_sec(6) = 5 + 12 + 112 + 42 */
	assert_int_equal(*(__u64 *)global(obj, "res_main", 8), 171);
	/* add2(10,20) + depth3(1) + custom_sec_fn(3) = 30 + 104 + 1003 */
	assert_int_equal(*(__u64 *)global(obj, "res_other", 8), 1137);

	/* Subprograms were appended: more instructions than the entry function. */
	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_prog_info(m, &info));
	assert_true(info.xlated_prog_len / 8 > ebpfc_prog_insn_count(m));
	assert_int_equal(ebpfc_prog_load_result(prog_by_name(obj, "sub_loop")), 1);
	assert_true(ebpfc_prog_fd(prog_by_name(obj, "sub_loop")) < 0);
	ebpfc_object_destroy(obj);
}

static void test_subprograms_bpf_loop_callback(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *p;
	__u32 n = 4;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_subprogs.bpf.o", NULL);
	assert_ok(ebpfc_prog_set_autoload(prog_by_name(obj, "sub_each"), false));
	load_ok(obj);
	p = prog_by_name(obj, "sub_loop");
	assert_int_equal(run_xdp(p), XDP_PASS);
	/* sum of 2*idx for idx < 10 */
	assert_int_equal(*(__u64 *)global(obj, "res_loop", 8), 90);
	assert_ok(ebpfc_object_global_set(obj, "loop_n", &n, sizeof(n)));
	assert_int_equal(run_xdp(p), XDP_PASS);
	assert_int_equal(*(__u64 *)global(obj, "res_loop", 8), 12);
	ebpfc_object_destroy(obj);
}

static void test_subprograms_for_each_map_elem_callback(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_map *m;
	__u32 k;
	__u64 v;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_subprogs.bpf.o", NULL);
	assert_ok(ebpfc_prog_set_autoload(prog_by_name(obj, "sub_loop"), false));
	load_ok(obj);
	m = map_by_name(obj, "each_map");
	for (k = 0; k < 4; k++) {
		v = k + 1;
		assert_ok(ebpfc_map_update(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	}
	assert_int_equal(run_xdp(prog_by_name(obj, "sub_each")), XDP_PASS);
	/* (1 + 2 + 3 + 4) + 4 * 1000 */
	assert_int_equal(*(__u64 *)global(obj, "res_each", 8), 4010);
	ebpfc_object_destroy(obj);
}

/* ---- maps of maps, prog arrays, legacy maps (kernel) ------------------------------------- */

static void test_map_in_map_initial_slots_and_lookup_through_outer(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_map *ia, *ib, *oa, *oh;
	struct ebpfc_prog *p;
	__u32 k, v, id, *sel, *use_hash, *result;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_mapinmap.bpf.o", NULL);
	load_ok(obj);
	ia = map_by_name(obj, "inner_a");
	ib = map_by_name(obj, "inner_b");
	oa = map_by_name(obj, "outer_arr");
	oh = map_by_name(obj, "outer_hash");
	assert_true(map_id(ia) != map_id(ib));

	/* Slots as written in the definitions: kernel ids of the inner maps. */
	k = 0;
	assert_ok(ebpfc_map_lookup(oa, &k, sizeof(k), &id, sizeof(id), 0));
	assert_int_equal(id, map_id(ia));
	k = 2;
	assert_ok(ebpfc_map_lookup(oa, &k, sizeof(k), &id, sizeof(id), 0));
	assert_int_equal(id, map_id(ib));
	k = 1;
	assert_err(ebpfc_map_lookup(oa, &k, sizeof(k), &id, sizeof(id), 0), ENOENT);
	k = 3;
	assert_err(ebpfc_map_lookup(oa, &k, sizeof(k), &id, sizeof(id), 0), ENOENT);
	k = 1;
	assert_ok(ebpfc_map_lookup(oh, &k, sizeof(k), &id, sizeof(id), 0));
	assert_int_equal(id, map_id(ib));
	k = 3;
	assert_ok(ebpfc_map_lookup(oh, &k, sizeof(k), &id, sizeof(id), 0));
	assert_int_equal(id, map_id(ia));
	k = 0;
	assert_err(ebpfc_map_lookup(oh, &k, sizeof(k), &id, sizeof(id), 0), ENOENT);

	k = 0;
	v = 111;
	assert_ok(ebpfc_map_update(ia, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	v = 222;
	assert_ok(ebpfc_map_update(ib, &k, sizeof(k), &v, sizeof(v), BPF_ANY));

	p = prog_by_name(obj, "mim_lookup");
	sel = global(obj, "sel_key", 4);
	use_hash = global(obj, "use_hash", 4);
	result = global(obj, "result", 4);
	*sel = 0;
	run_xdp(p);
	assert_int_equal(*result, 111);
	*sel = 2;
	run_xdp(p);
	assert_int_equal(*result, 222);
	*sel = 1;
	run_xdp(p);
	assert_int_equal(*result, 0xdead);
	*use_hash = 1;
	*sel = 1;
	run_xdp(p);
	assert_int_equal(*result, 222);
	*sel = 3;
	run_xdp(p);
	assert_int_equal(*result, 111);
	*sel = 2;
	run_xdp(p);
	assert_int_equal(*result, 0xdead);
	ebpfc_object_destroy(obj);
}

static void test_prog_array_initial_slots_and_tail_calls(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_map *jmp;
	struct ebpfc_prog *entry;
	__u32 k, id, *sel;
	static const char *const slot_prog[] = { "tail_a", "tail_b", "tail_c" };

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_tailcall.bpf.o", NULL);
	load_ok(obj);
	jmp = map_by_name(obj, "jmp");
	for (k = 0; k < 3; k++) {
		assert_ok(ebpfc_map_lookup(jmp, &k, sizeof(k), &id, sizeof(id), 0));
		assert_int_equal(id, prog_id(prog_by_name(obj, slot_prog[k])));
	}
	k = 3;
	assert_err(ebpfc_map_lookup(jmp, &k, sizeof(k), &id, sizeof(id), 0), ENOENT);

	entry = prog_by_name(obj, "tail_entry");
	sel = global(obj, "sel", 4);
	*sel = 0;
	assert_int_equal(run_xdp(entry), XDP_DROP);
	assert_int_equal(*(__u32 *)global(obj, "a_runs", 4), 1);
	assert_int_equal(*(__u32 *)global(obj, "b_runs", 4), 0);
	*sel = 1; /* tail_b, which tail-calls tail_c */
	assert_int_equal(run_xdp(entry), XDP_TX);
	assert_int_equal(*(__u32 *)global(obj, "b_runs", 4), 1);
	assert_int_equal(*(__u32 *)global(obj, "c_runs", 4), 1);
	*sel = 3; /* empty: falls through */
	assert_int_equal(run_xdp(entry), XDP_PASS);
	assert_int_equal(*(__u32 *)global(obj, "entry_runs", 4), 3);
	assert_int_equal(*(__u32 *)global(obj, "a_runs", 4), 1);
	assert_int_equal(*(__u32 *)global(obj, "c_runs", 4), 1);
	ebpfc_object_destroy(obj);
}

static void test_prog_array_slot_of_unloaded_program_stays_empty(void **state)
{
	struct ebpfc_object *obj;
	__u32 k = 0, id, *sel;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_tailcall.bpf.o", NULL);
	assert_ok(ebpfc_prog_set_autoload(prog_by_name(obj, "tail_a"), false));
	load_ok(obj);
	assert_err(ebpfc_map_lookup(map_by_name(obj, "jmp"), &k, sizeof(k), &id, sizeof(id), 0),
		   ENOENT);
	sel = global(obj, "sel", 4);
	*sel = 0;
	assert_int_equal(run_xdp(prog_by_name(obj, "tail_entry")), XDP_PASS);
	assert_int_equal(*(__u32 *)global(obj, "a_runs", 4), 0);
	ebpfc_object_destroy(obj);
}

static void test_legacy_maps_used_by_program(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_map *counts, *hash;
	struct ebpfc_map_info info;
	__u32 k;
	__u64 v;
	int i;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_legacy.bpf.o", NULL);
	load_ok(obj);
	counts = map_by_name(obj, "legacy_counts");
	hash = map_by_name(obj, "legacy_hash");
	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_map_info(hash, &info));
	assert_int_equal(info.type, BPF_MAP_TYPE_HASH);
	assert_int_equal(info.max_entries, 16);
	assert_int_equal(info.map_flags, BPF_F_NO_PREALLOC);
	for (i = 0; i < 3; i++)
		assert_int_equal(run_xdp(prog_by_name(obj, "legacy_run")), XDP_PASS);
	k = 1;
	assert_ok(ebpfc_map_lookup(counts, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 15);
	k = 0;
	assert_ok(ebpfc_map_lookup(counts, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 0);
	k = 7;
	assert_ok(ebpfc_map_lookup(hash, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 45);
	ebpfc_object_destroy(obj);
}

/* ---- pinning (kernel) ------------------------------------------------------------------------ */

static void test_pinning_by_name_pins_and_second_instance_reuses(void **state)
{
	char dir[TU_PATH_MAX], pin[TU_PATH_MAX + 32];
	EBPFC_OPTS(ebpfc_object_open_opts, oo);
	struct ebpfc_object *a, *b;
	struct ebpfc_map *ma, *mb;
	__u32 k = 0;
	__u64 v;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	oo.pin_root = dir;
	snprintf(pin, sizeof(pin), "%s/pinned_map", dir);

	a = open_obj("test_pinning.bpf.o", &oo);
	ma = map_by_name(a, "pinned_map");
	assert_string_equal(ebpfc_map_pin_path(ma), pin);
	assert_false(tu_exists(pin));
	load_ok(a);
	assert_true(tu_exists(pin));

	b = open_obj("test_pinning.bpf.o", &oo);
	load_ok(b);
	mb = map_by_name(b, "pinned_map");
	assert_int_equal(map_id(ma), map_id(mb));
	/* Written through one, read through the other, and by each program. */
	v = 5;
	assert_ok(ebpfc_map_update(ma, &k, sizeof(k), &v, sizeof(v), BPF_ANY));
	assert_int_equal(run_xdp(prog_by_name(b, "pin_inc")), XDP_PASS);
	assert_ok(ebpfc_map_lookup(ma, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 6);
	assert_int_equal(run_xdp(prog_by_name(a, "pin_inc")), XDP_PASS);
	assert_ok(ebpfc_map_lookup(mb, &k, sizeof(k), &v, sizeof(v), 0));
	assert_int_equal(v, 7);

	ebpfc_object_destroy(a);
	ebpfc_object_destroy(b);
	/* The pin outlives the objects. */
	assert_true(tu_exists(pin));
	assert_ok(tu_rm_rf(dir));
}

static void test_pinning_incompatible_pin_is_eexist(void **state)
{
	char dir[TU_PATH_MAX], pin[TU_PATH_MAX + 32];
	EBPFC_OPTS(ebpfc_object_open_opts, oo);
	struct ebpfc_object *a, *bad;
	int before;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	oo.pin_root = dir;
	snprintf(pin, sizeof(pin), "%s/pinned_map", dir);
	a = open_obj("test_pinning.bpf.o", &oo);
	load_ok(a);
	before = tu_count_fds();

	/* Another object, same map name, 16 entries instead of 8. */
	bad = open_obj("test_pinning_bad.bpf.o", &oo);
	assert_err(ebpfc_object_load(bad, NULL), EEXIST);
	assert_errmsg_contains("max_entries");
	assert_errmsg_contains(pin);
	assert_errmsg_contains("8 there, 16 here");
	assert_false(ebpfc_object_loaded(bad));
	ebpfc_object_destroy(bad);

	/* The same object with max_entries changed before load. */
	bad = open_obj("test_pinning.bpf.o", &oo);
	assert_ok(ebpfc_map_set_max_entries(map_by_name(bad, "pinned_map"), 9));
	assert_err(ebpfc_object_load(bad, NULL), EEXIST);
	assert_errmsg_contains("max_entries");
	assert_errmsg_contains(pin);
	ebpfc_object_destroy(bad);
	assert_int_equal(tu_count_fds(), before);

	/* The original pin is untouched. */
	assert_true(tu_exists(pin));
	ebpfc_object_destroy(a);
	assert_ok(tu_rm_rf(dir));
}

/* ---- load behaviour (kernel) -------------------------------------------------------------- */

static void test_autoload_off_leaves_program_unloaded(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *good, *bad;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_isolate.bpf.o", NULL);
	bad = prog_by_name(obj, "iso_bad");
	assert_ok(ebpfc_prog_set_autoload(bad, false));
	assert_false(ebpfc_prog_autoload(bad));
	load_ok(obj);
	good = prog_by_name(obj, "iso_good");
	assert_int_equal(ebpfc_prog_load_result(good), 0);
	assert_true(ebpfc_prog_fd(good) >= 0);
	assert_int_equal(run_xdp(good), XDP_TX);
	assert_int_equal(ebpfc_prog_load_result(bad), 1);
	assert_true(ebpfc_prog_fd(bad) < 0);
	assert_string_equal(ebpfc_prog_load_errmsg(bad), "");
	ebpfc_object_destroy(obj);
}

static void test_isolate_loads_good_program_and_keeps_rejection(void **state)
{
	EBPFC_OPTS(ebpfc_object_load_opts, lo, .isolate = true);
	struct ebpfc_object *obj;
	struct ebpfc_prog *good, *bad;
	int err;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_isolate.bpf.o", NULL);
	err = ebpfc_object_load(obj, &lo);
	assert_err(err, EACCES);
	assert_errmsg_contains("iso_bad");
	good = prog_by_name(obj, "iso_good");
	bad = prog_by_name(obj, "iso_bad");
	assert_int_equal(ebpfc_prog_load_result(good), 0);
	assert_true(ebpfc_prog_fd(good) >= 0);
	assert_int_equal(run_xdp(good), XDP_TX);
	assert_int_equal(ebpfc_prog_load_result(bad), -EACCES);
	assert_true(ebpfc_prog_fd(bad) < 0);
	if (!strstr(ebpfc_prog_load_errmsg(bad), "outside of the packet"))
		fail_msg("load errmsg lacks the verifier's complaint: %s",
			 ebpfc_prog_load_errmsg(bad));
	assert_non_null(strstr(ebpfc_prog_load_errmsg(bad), "iso_bad"));
	assert_true(ebpfc_prog_log_len(bad) > 0);
	assert_non_null(strstr(ebpfc_prog_log(bad), "invalid access to packet"));
	/* The good program kept no error. */
	assert_string_equal(ebpfc_prog_load_errmsg(good), "");
	ebpfc_object_destroy(obj);
}

static void test_without_isolate_one_rejected_program_fails_load(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *bad;
	int before;

	(void)state;
	TU_REQUIRE_PRIVS();
	before = tu_count_fds();
	obj = open_obj("test_isolate.bpf.o", NULL);
	assert_err(ebpfc_object_load(obj, NULL), EACCES);
	assert_errmsg_contains("test_isolate.bpf.o");
	assert_errmsg_contains("iso_bad");
	assert_errmsg_contains("outside of the packet");
	assert_false(ebpfc_object_loaded(obj));
	bad = prog_by_name(obj, "iso_bad");
	assert_int_equal(ebpfc_prog_load_result(bad), -EACCES);
	assert_true(ebpfc_prog_log_len(bad) > 0);
	/* A failed load cannot be retried. */
	assert_err(ebpfc_object_load(obj, NULL), EBUSY);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), before);
}

static void test_unknown_section_fails_until_type_is_set(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *p;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("test_unknown_sec.bpf.o", NULL);
	assert_err(ebpfc_object_load(obj, NULL), EINVAL);
	assert_errmsg_contains("mystery_prog");
	assert_errmsg_contains("mystery/handler");
	assert_errmsg_contains("ebpfc_prog_set_type");
	p = prog_by_name(obj, "mystery_prog");
	assert_int_equal(ebpfc_prog_load_result(p), -EINVAL);
	assert_non_null(strstr(ebpfc_prog_load_errmsg(p), "ebpfc_prog_set_type"));
	ebpfc_object_destroy(obj);

	obj = open_obj("test_unknown_sec.bpf.o", NULL);
	p = prog_by_name(obj, "mystery_prog");
	assert_ok(ebpfc_prog_set_type(p, BPF_PROG_TYPE_XDP));
	assert_int_equal(ebpfc_prog_type(p), BPF_PROG_TYPE_XDP);
	load_ok(obj);
	assert_int_equal(ebpfc_prog_load_result(p), 0);
	assert_int_equal(run_xdp(p), XDP_DROP);
	assert_int_equal(run_xdp(prog_by_name(obj, "known_xdp")), XDP_PASS);
	assert_err(ebpfc_prog_set_type(p, BPF_PROG_TYPE_SOCKET_FILTER), EBUSY);
	ebpfc_object_destroy(obj);
}

static void test_load_twice_is_ebusy(void **state)
{
	struct ebpfc_object *obj;

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = open_obj("xdp_counter.bpf.o", NULL);
	load_ok(obj);
	assert_err(ebpfc_object_load(obj, NULL), EBUSY);
	assert_errmsg_contains("already loaded");
	assert_true(ebpfc_object_loaded(obj));
	/* Still usable. */
	assert_int_equal(run_xdp(prog_by_name(obj, "xdp_count")), XDP_PASS);
	ebpfc_object_destroy(obj);
}

static void test_open_mem_copies_buffer_freed_before_load(void **state)
{
	struct ebpfc_object *obj = NULL;
	struct ebpfc_map *counts;
	size_t len;
	void *buf;
	__u32 k = 17, pass = XDP_DROP;
	int ncpus = tu_possible_cpus();
	struct { __u64 packets, bytes; } *vals;

	(void)state;
	TU_REQUIRE_PRIVS();
	assert_true(ncpus > 0);
	buf = read_whole(obj_path("xdp_counter.bpf.o"), &len);
	assert_ok(ebpfc_object_open_mem(buf, len, NULL, &obj));
	memset(buf, 0xff, len);
	free(buf);
	assert_string_equal(ebpfc_object_name(obj), "<memory>");
	assert_ok(ebpfc_object_global_set(obj, "pass_action", &pass, sizeof(pass)));
	load_ok(obj);
	assert_int_equal(run_xdp(prog_by_name(obj, "xdp_count")), XDP_DROP);
	counts = map_by_name(obj, "counts");
	vals = calloc(ncpus, sizeof(*vals));
	assert_non_null(vals);
	assert_ok(ebpfc_map_lookup(counts, &k, sizeof(k), vals,
				   ebpfc_map_value_buf_size(counts), 0));
	{
		__u64 pk = 0, by = 0;
		int c;

		for (c = 0; c < ncpus; c++) {
			pk += vals[c].packets;
			by += vals[c].bytes;
		}
		assert_int_equal(pk, 1);
		assert_int_equal(by, 64);
	}
	free(vals);
	ebpfc_object_destroy(obj);
}

/* The .bss datasec of `obj`'s BTF: its size once the fixups at open have run. */
static __u32 bss_datasec_size(const struct ebpfc_object *obj)
{
	const struct ebpfc_btf *btf;
	const struct btf_type *t;
	__u32 id;

	assert_ok(ebpfc_object_btf(obj, &btf));
	assert_ok(ebpfc_btf_find(btf, ".bss", BTF_KIND_DATASEC, &id));
	assert_ok(ebpfc_btf_type_by_id(btf, id, &t));
	return t->size;
}

/*
 * Open fixes up the object's BTF (datasec sizes) in its own copy: the
 * bytes given to open_mem are never written, and open_file (which hands
 * its read buffer to the object instead of copying it) fixes up the same.
 */
static void test_open_fixups_never_write_the_callers_bytes(void **state)
{
	struct ebpfc_object *obj = NULL;
	void *buf, *orig;
	size_t len;

	(void)state;
	buf = read_whole(obj_path("test_globals.bpf.o"), &len);
	orig = malloc(len);
	assert_non_null(orig);
	memcpy(orig, buf, len);
	assert_ok(ebpfc_object_open_mem(buf, len, NULL, &obj));
	assert_int_equal(bss_datasec_size(obj), 0x30);
	assert_memory_equal(buf, orig, len);
	ebpfc_object_destroy(obj);
	assert_memory_equal(buf, orig, len);

	assert_ok(ebpfc_object_open_file(obj_path("test_globals.bpf.o"), NULL, &obj));
	assert_int_equal(bss_datasec_size(obj), 0x30);
	ebpfc_object_destroy(obj);
	free(orig);
	free(buf);
}

/*
 * open_file hands the buffer it read to the object: every way open can
 * fail after that (not ELF, cut short, no such file) must free it, close
 * the file and say why (LeakSanitizer checks the first under check-asan).
 */
static void test_open_file_failures_free_the_read_buffer(void **state)
{
	char path[] = "/tmp/ebpfc-test-open-XXXXXX";
	struct ebpfc_object *obj = NULL;
	size_t len;
	void *buf;
	int fd, before;

	(void)state;
	buf = read_whole(obj_path("test_globals.bpf.o"), &len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	before = tu_count_fds();
	/* The first half of a real object: its section headers are past the end. */
	assert_int_equal(write(fd, buf, len / 2), (ssize_t)(len / 2));
	assert_int_equal(ebpfc_object_open_file(path, NULL, &obj), -EINVAL);
	assert_null(obj);
	assert_non_null(strstr(ebpfc_errmsg(), "test-open"));
	/* Not ELF at all. */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, "not an object", 13, 0), 13);
	assert_int_equal(ebpfc_object_open_file(path, NULL, &obj), -ENOEXEC);
	assert_non_null(strstr(ebpfc_errmsg(), "not an ELF file"));
	assert_null(obj);
	assert_int_equal(tu_count_fds(), before);
	close(fd);
	unlink(path);
	assert_int_equal(ebpfc_object_open_file(path, NULL, &obj), -ENOENT);
	assert_non_null(strstr(ebpfc_errmsg(), path));
	free(buf);
}

static void test_load_destroy_1000_cycles_leaks_no_fds(void **state)
{
	int fds_before, maps_before, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds_before = tu_count_fds();
	maps_before = count_bpf_map_mappings();
	for (i = 0; i < 1000; i++) {
		struct ebpfc_object *obj = NULL;
		int err = ebpfc_object_open_file(obj_path("xdp_counter.bpf.o"), NULL, &obj);

		if (!err)
			err = ebpfc_object_load(obj, NULL);
		if (err)
			fail_msg("cycle %d: %d: %s", i, err, ebpfc_errmsg());
		if (i == 0) {
			/* .bss and .rodata mapped while loaded. */
			assert_true(count_bpf_map_mappings() >= maps_before + 2);
			assert_true(tu_count_fds() > fds_before);
		}
		ebpfc_object_destroy(obj);
	}
	assert_int_equal(tu_count_fds(), fds_before);
	assert_int_equal(count_bpf_map_mappings(), maps_before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section_names_map_to_program_types),
		cmocka_unit_test(test_open_enumerates_programs_and_maps),
		cmocka_unit_test(test_open_globals_before_load),
		cmocka_unit_test(test_open_legacy_map_definitions),
		cmocka_unit_test(test_open_map_in_map_and_prog_array_definitions),
		cmocka_unit_test(test_open_pin_path_from_pin_root),
		cmocka_unit_test(test_open_unknown_section_has_no_type),
		cmocka_unit_test(test_open_options_checked),
		cmocka_unit_test(test_globals_rodata_set_before_load_reaches_program),
		cmocka_unit_test(test_globals_data_written_after_load_reaches_program),
		cmocka_unit_test(test_globals_rodata_set_after_load_is_eperm),
		cmocka_unit_test(test_subprograms_static_global_custom_section_and_shared),
		cmocka_unit_test(test_subprograms_bpf_loop_callback),
		cmocka_unit_test(test_subprograms_for_each_map_elem_callback),
		cmocka_unit_test(test_map_in_map_initial_slots_and_lookup_through_outer),
		cmocka_unit_test(test_prog_array_initial_slots_and_tail_calls),
		cmocka_unit_test(test_prog_array_slot_of_unloaded_program_stays_empty),
		cmocka_unit_test(test_legacy_maps_used_by_program),
		cmocka_unit_test(test_pinning_by_name_pins_and_second_instance_reuses),
		cmocka_unit_test(test_pinning_incompatible_pin_is_eexist),
		cmocka_unit_test(test_autoload_off_leaves_program_unloaded),
		cmocka_unit_test(test_isolate_loads_good_program_and_keeps_rejection),
		cmocka_unit_test(test_without_isolate_one_rejected_program_fails_load),
		cmocka_unit_test(test_unknown_section_fails_until_type_is_set),
		cmocka_unit_test(test_load_twice_is_ebusy),
		cmocka_unit_test(test_open_mem_copies_buffer_freed_before_load),
		cmocka_unit_test(test_open_fixups_never_write_the_callers_bytes),
		cmocka_unit_test(test_open_file_failures_free_the_read_buffer),
		cmocka_unit_test(test_load_destroy_1000_cycles_leaks_no_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
