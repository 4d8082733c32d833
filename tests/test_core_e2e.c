/*
 * test_core_e2e.c - CO-RE from object to kernel: bpf/test_core_e2e.bpf.o
 * reads task_struct fields through relocations ebpfc resolves against the
 * running kernel's BTF; a test run in this thread must see this thread's
 * pid, tgid, parent and name. A wrong offset reads another field and fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include "testutil.h"

static void run_task_fields(const struct ebpfc_btf *target)
{
	EBPFC_OPTS(ebpfc_object_open_opts, oo, .target_btf = target);
	struct ebpfc_object *obj;
	struct ebpfc_prog *prog;
	__u64 args[2] = { 0, 0 };
	__u32 pid, tgid, ppid, has, missing;
	char comm[16];
	int err;

	err = ebpfc_object_open_file(EBPFC_TEST_BPF_DIR "/test_core_e2e.bpf.o", &oo, &obj);
	assert_int_equal(err, 0);
	err = ebpfc_object_load(obj, NULL);
	if (err)
		fail_msg("load: %s", ebpfc_errmsg());
	assert_int_equal(ebpfc_object_find_prog(obj, "core_e2e", &prog), 0);
	prctl(PR_SET_NAME, "ebpfc-core-e2e");

	EBPFC_OPTS(ebpfc_test_run_opts, run, .ctx_in = args, .ctx_size_in = sizeof(args));
	err = ebpfc_prog_test_run(prog, &run);
	assert_int_equal(err, 0);

	assert_int_equal(ebpfc_object_global_get(obj, "seen_pid", &pid, 4), 0);
	assert_int_equal(ebpfc_object_global_get(obj, "seen_tgid", &tgid, 4), 0);
	assert_int_equal(ebpfc_object_global_get(obj, "seen_ppid", &ppid, 4), 0);
	assert_int_equal(ebpfc_object_global_get(obj, "has_field", &has, 4), 0);
	assert_int_equal(ebpfc_object_global_get(obj, "missing_field", &missing, 4), 0);
	assert_int_equal(ebpfc_object_global_get(obj, "seen_comm", comm, sizeof(comm)), 0);
	assert_int_equal(pid, (__u32)syscall(SYS_gettid));
	assert_int_equal(tgid, (__u32)getpid());
	assert_int_equal(ppid, (__u32)getppid());
	assert_string_equal(comm, "ebpfc-core-e2e");
	assert_int_equal(has, 1);
	assert_int_equal(missing, 0);
	ebpfc_object_destroy(obj);
}

static void test_task_fields(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	run_task_fields(NULL);
}

/* The same with kernel BTF the caller opened once and hands to objects. */
static void test_task_fields_given_btf(void **state)
{
	struct ebpfc_btf *btf;

	(void)state;
	TU_REQUIRE_PRIVS();
	assert_int_equal(ebpfc_btf_open_file("/sys/kernel/btf/vmlinux", NULL, &btf), 0);
	run_task_fields(btf);
	run_task_fields(btf);
	ebpfc_btf_destroy(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task_fields),
		cmocka_unit_test(test_task_fields_given_btf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
