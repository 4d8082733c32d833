/*
 * fuzz_object_open.c - libFuzzer target for the object loader's open path
 * (src/object*.c, src/reloc.c, and the ELF and BTF readers under them):
 * ebpfc_object_open_mem() on the input and, when it opens, every program
 * and map accessor, lookups by name (which must find what enumeration
 * found), ebpfc_object_global()/_get()/_set() for the variables the
 * bpf/ objects declare, and linking each program (subprograms appended,
 * relocations applied) with placeholder map fds, since linking needs no
 * kernel. Nothing is loaded: the fuzzer has no kernel to talk to.
 *
 * Build and run (from the top of the tree):
 *   make build-fuzz/fuzz_object_open
 *   build-fuzz/fuzz_object_open -max_total_time=60 build-fuzz/corpus-object_open \
 *       fuzz/corpus/object_open
 * Seeds in fuzz/corpus/object_open/ are copies of the objects built from
 * bpf/ (xdp_counter, headers_smoke and the test_* objects).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "object_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const void *p, size_t n)
{
	const uint8_t *b = p;

	if (!p || !n)
		return;
	sink ^= b[0];
	sink ^= b[n - 1];
}

static void touch_str(const char *s)
{
	if (!s)
		__builtin_trap();
	touch(s, strlen(s) + 1);
}

/* Variables of the objects in bpf/ (seeds), of every section kind. */
static const char *const globals[] = {
	"pass_action", "non_ip", "cfg", "cfg_u8", "cfg_arr", "data_u8", "data_pair",
	"custom_counter", "custom_arr", "out", "out_arr", "res_main", "loop_n", "sel",
	"result", "smoke_data_value", "smoke_min_len", "smoke_bss_counter", "LINUX_KERNEL_VERSION",
};

static void walk_globals(struct ebpfc_object *obj)
{
	uint8_t buf[256];
	size_t i, sz;
	void *addr;

	for (i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		if (ebpfc_object_global(obj, globals[i], &addr, &sz)) {
			if (!ebpfc_errmsg()[0] || addr)
				__builtin_trap();
			continue;
		}
		touch(addr, sz);
		if (sz <= sizeof(buf)) {
			if (ebpfc_object_global_get(obj, globals[i], buf, sz))
				__builtin_trap();
			if (ebpfc_object_global_set(obj, globals[i], buf, sz))
				__builtin_trap();
		}
		/* The wrong size is an error, never a copy. */
		if (sz + 1 <= sizeof(buf) && ebpfc_object_global_get(obj, globals[i], buf, sz + 1) == 0)
			__builtin_trap();
	}
}

static void walk_progs(struct ebpfc_object *obj)
{
	size_t i, n = ebpfc_object_prog_count(obj), m;

	for (i = 0; i < n; i++) {
		struct ebpfc_prog *p = ebpfc_object_prog_at(obj, i), *again = NULL;
		struct ebpfc__linked l;

		if (!p)
			__builtin_trap();
		touch_str(ebpfc_prog_name(p));
		touch_str(ebpfc_prog_section(p));
		touch_str(ebpfc_prog_load_errmsg(p));
		touch_str(ebpfc_prog_log(p));
		(void)ebpfc_prog_type(p);
		(void)ebpfc_prog_type_name(ebpfc_prog_type(p));
		(void)ebpfc_prog_expected_attach_type(p);
		(void)ebpfc_prog_insn_count(p);
		(void)ebpfc_prog_autoload(p);
		if (ebpfc_prog_fd(p) >= 0 || ebpfc_prog_load_result(p) != 1)
			__builtin_trap();
		/* Names may repeat in a hostile object: the first is found. */
		if (ebpfc_object_find_prog(obj, ebpfc_prog_name(p), &again) || !again ||
		    strcmp(ebpfc_prog_name(again), ebpfc_prog_name(p)))
			__builtin_trap();

		/* Link it with placeholder fds (never opened, never closed). */
		for (m = 0; m < obj->map_cnt; m++)
			obj->maps[m]->m.fd = 1000 + (int)m;
		memset(&l, 0, sizeof(l));
		if (ebpfc__obj_link_prog(obj, ebpfc__obj_prog(p), &l) == 0) {
			if (!l.insns || !l.cnt)
				__builtin_trap();
			touch(l.insns, l.cnt * sizeof(*l.insns));
			ebpfc__linked_free(&l);
		} else if (!ebpfc_errmsg()[0]) {
			__builtin_trap();
		}
		for (m = 0; m < obj->map_cnt; m++)
			obj->maps[m]->m.fd = -1;
	}
	if (ebpfc_object_prog_at(obj, n))
		__builtin_trap();
}

static void walk_maps(struct ebpfc_object *obj)
{
	size_t i, n = ebpfc_object_map_count(obj), sz;
	void *data;

	for (i = 0; i < n; i++) {
		struct ebpfc_map *m = ebpfc_object_map_at(obj, i), *again = NULL;

		if (!m)
			__builtin_trap();
		touch_str(ebpfc_map_name(m));
		touch_str(ebpfc_map_pin_path(m));
		(void)ebpfc_map_type_name(ebpfc_map_type(m));
		(void)ebpfc_map_key_size(m);
		(void)ebpfc_map_value_size(m);
		(void)ebpfc_map_value_buf_size(m);
		(void)ebpfc_map_max_entries(m);
		if (ebpfc_map_fd(m) >= 0)
			__builtin_trap();
		if (ebpfc_map_initial_value(m, &data, &sz) == 0)
			touch(data, sz);
		if (ebpfc_object_find_map(obj, ebpfc_map_name(m), &again) || !again ||
		    strcmp(ebpfc_map_name(again), ebpfc_map_name(m)))
			__builtin_trap();
	}
	if (ebpfc_object_map_at(obj, n))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ebpfc_object *obj = NULL;
	const struct ebpfc_btf *btf;

	if (ebpfc_object_open_mem(data, size, NULL, &obj)) {
		/* Every failure leaves a message and no object. */
		if (!ebpfc_errmsg()[0] || obj)
			__builtin_trap();
		return 0;
	}
	touch_str(ebpfc_object_name(obj));
	touch_str(ebpfc_object_license(obj));
	(void)ebpfc_object_kversion(obj);
	if (ebpfc_object_loaded(obj))
		__builtin_trap();
	(void)ebpfc_object_btf(obj, &btf);
	walk_progs(obj);
	walk_maps(obj);
	walk_globals(obj);
	ebpfc_object_destroy(obj);
	return 0;
}
