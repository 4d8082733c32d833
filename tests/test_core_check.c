/*
 * test_core_check.c - ebpfc_object_core_check() on bpf/test_core_check.bpf.o
 * (two programs sharing a subprogram, a field every kernel has, one none
 * has): each relocation reported once per program with the instruction
 * the verifier would name, the values the running kernel's BTF gives,
 * the missing field with its reason; options, callbacks that stop, and
 * the object left loadable. Also the ELF side of ebpfc_btf_open_file():
 * the .BTF of an ELF file (a BPF object here; a vmlinux in tests/cli).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/ebpfc.h>
#include "testutil.h"

#define OBJ EBPFC_TEST_BPF_DIR "/test_core_check.bpf.o"

struct seen {
	struct ebpfc_core_check_result r[32];
	char access[32][128], msg[32][512], func[32][64], sec[32][64];
	size_t n;
	size_t stop_after;	/* 0: never */
};

static int record(const struct ebpfc_core_check_result *res, void *user)
{
	struct seen *s = user;

	if (s->n == 32)
		return -E2BIG;
	s->r[s->n] = *res;
	snprintf(s->access[s->n], sizeof(s->access[0]), "%s", res->access);
	snprintf(s->msg[s->n], sizeof(s->msg[0]), "%s", res->message ? res->message : "");
	snprintf(s->func[s->n], sizeof(s->func[0]), "%s", res->func);
	snprintf(s->sec[s->n], sizeof(s->sec[0]), "%s", res->section);
	s->n++;
	return s->stop_after && s->n == s->stop_after ? 42 : 0;
}

/* The result for (program, access, kind), or NULL. */
static const struct ebpfc_core_check_result *find(const struct seen *s, const char *prog,
						  const char *access, const char *kind, size_t *idx)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(ebpfc_prog_name(s->r[i].prog), prog) && !strcmp(s->access[i], access) &&
		    !strcmp(s->r[i].kind, kind)) {
			if (idx)
				*idx = i;
			return &s->r[i];
		}
	return NULL;
}

/* Byte offset of a member of a kernel struct, from the kernel's BTF. */
static __u64 kernel_off(const char *st, const char *member)
{
	struct ebpfc_btf_member_info m;
	struct ebpfc_btf *btf;
	uint32_t id;

	assert_ok(ebpfc_btf_open_vmlinux(&btf));
	assert_ok(ebpfc_btf_find(btf, st, BTF_KIND_STRUCT, &id));
	assert_true(ebpfc_btf_member_find(btf, id, member, &m) >= 0);
	ebpfc_btf_destroy(btf);
	return m.bit_offset / 8;
}

static bool have_vmlinux(void)
{
	struct ebpfc_btf *btf;

	if (ebpfc_btf_open_vmlinux(&btf))
		return false;
	ebpfc_btf_destroy(btf);
	return true;
}

static void test_running_kernel(void **state)
{
	static struct seen s;
	const struct ebpfc_core_check_result *r;
	struct ebpfc_object *obj;
	struct ebpfc_prog *one;
	size_t i;

	(void)state;
	if (!have_vmlinux()) {
		print_message("skipped: no /sys/kernel/btf/vmlinux\n");
		skip();
	}
	memset(&s, 0, sizeof(s));
	assert_ok(ebpfc_object_open_file(OBJ, NULL, &obj));
	assert_ok(ebpfc_object_core_check(obj, NULL, record, &s));
	assert_int_equal(s.n, 7);

	r = find(&s, "cc_one", "task_struct___cc.pid", "byte_off", NULL);
	assert_non_null(r);
	assert_int_equal(r->status, EBPFC_CORE_RESOLVED);
	assert_int_equal(r->local_val, 0);
	assert_int_equal(r->target_val, kernel_off("task_struct", "pid"));
	assert_int_equal(r->cand_cnt, 1);
	assert_null(r->message);

	/* The subprogram's relocations, once per program, after each program's own code. */
	assert_ok(ebpfc_object_find_prog(obj, "cc_one", &one));
	r = find(&s, "cc_one", "task_struct___cc.tgid", "byte_off", &i);
	assert_non_null(r);
	assert_string_equal(s.func[i], "parent_tgid");
	assert_string_equal(s.sec[i], ".text");
	assert_true(r->insn_idx >= ebpfc_prog_insn_count(one));
	assert_int_equal(r->target_val, kernel_off("task_struct", "tgid"));
	r = find(&s, "cc_two", "task_struct___cc.tgid", "byte_off", &i);
	assert_non_null(r);
	assert_string_equal(s.func[i], "parent_tgid");
	assert_int_equal(r->status, EBPFC_CORE_RESOLVED);
	assert_non_null(find(&s, "cc_two", "task_struct___cc.real_parent", "byte_off", NULL));

	/* A field no kernel has: field_exists says 0, the read is poisoned. */
	r = find(&s, "cc_two", "task_struct___gone.no_such_field_in_any_kernel", "field_exists", NULL);
	assert_non_null(r);
	assert_int_equal(r->status, EBPFC_CORE_RESOLVED);
	assert_int_equal(r->local_val, 1);
	assert_int_equal(r->target_val, 0);
	r = find(&s, "cc_two", "task_struct___gone.no_such_field_in_any_kernel", "byte_off", &i);
	assert_non_null(r);
	assert_int_equal(r->status, EBPFC_CORE_MISSING);
	assert_non_null(strstr(s.msg[i], "no member 'no_such_field_in_any_kernel'"));
	assert_null(strstr(s.msg[i], "CO-RE relocation #")); /* the prefix is not repeated */
	assert_false(ebpfc_object_loaded(obj));
	ebpfc_object_destroy(obj);
}

static void test_target_and_name(void **state)
{
	static struct seen s;
	struct ebpfc_object *obj;
	struct ebpfc_btf *target;
	size_t i, missing = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_ok(ebpfc_object_open_file(OBJ, NULL, &obj));
	/* The object's own BTF, read from the ELF file: the same types, every one found. */
	assert_ok(ebpfc_btf_open_file(OBJ, NULL, &target));
	{
		const struct ebpfc_btf *own;

		assert_ok(ebpfc_object_btf(obj, &own));
		assert_int_equal(ebpfc_btf_type_cnt(target), ebpfc_btf_type_cnt(own));
	}
	EBPFC_OPTS(ebpfc_core_check_opts, o, .target = target, .target_name = "self");
	assert_ok(ebpfc_object_core_check(obj, &o, record, &s));
	assert_int_equal(s.n, 7);
	for (i = 0; i < s.n; i++) {
		assert_int_equal(s.r[i].status, EBPFC_CORE_RESOLVED);
		assert_int_equal(s.r[i].local_val, s.r[i].target_val);
	}

	/* A BTF without any task_struct: every access missing, named after target_name. */
	{
		static const struct {
			struct btf_header h;
			struct btf_type t;
			__u32 enc;
			char str[8];
		} tiny = {
			.h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(struct btf_header),
			       .type_off = 0, .type_len = sizeof(struct btf_type) + 4,
			       .str_off = sizeof(struct btf_type) + 4, .str_len = 5 },
			.t = { .name_off = 1, .info = BTF_KIND_INT << 24, .size = 4 },
			.enc = 32,
			.str = "\0int",
		};
		struct ebpfc_btf *none;

		assert_ok(ebpfc_btf_open_mem(&tiny, sizeof(tiny), NULL, &none));
		memset(&s, 0, sizeof(s));
		o.target = none;
		o.target_name = "tiny-kernel";
		assert_ok(ebpfc_object_core_check(obj, &o, record, &s));
		for (i = 0; i < s.n; i++) {
			if (s.r[i].status != EBPFC_CORE_MISSING)
				continue;
			missing++;
			assert_non_null(strstr(s.msg[i], "(tiny-kernel)"));
			assert_non_null(strstr(s.msg[i], "no struct named 'task_struct'"));
		}
		/* Every byte_off; the field_exists gives 0 instead. */
		assert_int_equal(missing, 6);
		ebpfc_btf_destroy(none);
	}
	ebpfc_btf_destroy(target);
	ebpfc_object_destroy(obj);
}

static void test_args_and_stop(void **state)
{
	static struct seen s;
	struct ebpfc_object *obj;
	struct ebpfc_btf *target;
	struct {
		struct ebpfc_core_check_opts o;
		long extra;
	} big = { .o = { .sz = sizeof(big) }, .extra = 1 };

	(void)state;
	assert_ok(ebpfc_object_open_file(OBJ, NULL, &obj));
	assert_ok(ebpfc_btf_open_file(OBJ, NULL, &target));
	assert_int_equal(ebpfc_object_core_check(NULL, NULL, record, &s), -EINVAL);
	assert_int_equal(ebpfc_object_core_check(obj, NULL, NULL, &s), -EINVAL);
	assert_int_equal(ebpfc_object_core_check(obj, &big.o, record, &s), -EINVAL);

	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	EBPFC_OPTS(ebpfc_core_check_opts, o, .target = target);
	assert_int_equal(ebpfc_object_core_check(obj, &o, record, &s), 42);
	assert_int_equal(s.n, 2);

	/* A BTF path that is not BTF: the check cannot run. */
	ebpfc_object_destroy(obj);
	EBPFC_OPTS(ebpfc_object_open_opts, oo, .btf_path = "/proc/self/status");
	assert_ok(ebpfc_object_open_file(OBJ, &oo, &obj));
	memset(&s, 0, sizeof(s));
	assert_int_equal(ebpfc_object_core_check(obj, NULL, record, &s), -EINVAL);
	assert_errmsg_contains("cannot read the kernel's BTF");
	assert_int_equal(s.n, 0);
	ebpfc_btf_destroy(target);
	ebpfc_object_destroy(obj);
}

/* The check patches copies: the object loads afterwards, with the missing read poisoned. */
static void test_load_after_check(void **state)
{
	static struct seen s;
	struct ebpfc_object *obj;

	(void)state;
	TU_REQUIRE_PRIVS();
	memset(&s, 0, sizeof(s));
	assert_ok(ebpfc_object_open_file(OBJ, NULL, &obj));
	assert_ok(ebpfc_object_core_check(obj, NULL, record, &s));
	assert_ok(ebpfc_object_load(obj, NULL));
	memset(&s, 0, sizeof(s));
	assert_ok(ebpfc_object_core_check(obj, NULL, record, &s));
	assert_int_equal(s.n, 7);
	ebpfc_object_destroy(obj);
}

static void test_btf_open_elf(void **state)
{
	struct ebpfc_btf *btf = (void *)1;

	(void)state;
	/* An executable without .BTF (this test program has none). */
	assert_int_equal(ebpfc_btf_open_file("/proc/self/exe", NULL, &btf), -ENOENT);
	assert_null(btf);
	assert_errmsg_contains("without a .BTF section");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running_kernel),
		cmocka_unit_test(test_target_and_name),
		cmocka_unit_test(test_args_and_stop),
		cmocka_unit_test(test_load_after_check),
		cmocka_unit_test(test_btf_open_elf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
