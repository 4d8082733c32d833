/*
 * test_externs.c - externs resolved by the object loader, checked by
 * running bpf/test_externs.bpf.o: .kconfig values from the running
 * kernel's config and from override text (with weak and absent options),
 * LINUX_KERNEL_VERSION against uname, a __ksym address against
 * /proc/kallsyms, and kfunc calls the verifier must accept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include "testutil.h"

#define OBJ EBPFC_TEST_BPF_DIR "/test_externs.bpf.o"

static __u64 get_u64(struct ebpfc_object *obj, const char *name)
{
	__u64 v = 0;

	assert_int_equal(ebpfc_object_global_get(obj, name, &v, sizeof(v)), 0);
	return v;
}

static struct ebpfc_object *load_and_run(const char *kconfig)
{
	EBPFC_OPTS(ebpfc_object_open_opts, oo, .kconfig = kconfig);
	struct ebpfc_object *obj;
	struct ebpfc_prog *prog;
	__u64 args[2] = { 0, 0 };
	int err;

	EBPFC_OPTS(ebpfc_object_load_opts, lo, .isolate = true);

	assert_int_equal(ebpfc_object_open_file(OBJ, &oo, &obj), 0);
	/* Isolated: kernels before 6.2 lack the kfuncs of the other program. */
	err = ebpfc_object_load(obj, &lo);
	assert_int_equal(ebpfc_object_find_prog(obj, "read_externs", &prog), 0);
	if (ebpfc_prog_load_result(prog))
		fail_msg("load (%d): %s", err, ebpfc_prog_load_errmsg(prog));
	EBPFC_OPTS(ebpfc_test_run_opts, run, .ctx_in = args, .ctx_size_in = sizeof(args));
	assert_int_equal(ebpfc_prog_test_run(prog, &run), 0);
	return obj;
}

static __u64 kallsyms(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long a, found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 && !strcmp(sym, name)) {
			found = a;
			break;
		}
	fclose(f);
	return found;
}

static void test_kconfig_override(void **state)
{
	struct ebpfc_object *obj;
	struct utsname u;
	unsigned a = 0, b = 0, c = 0;
	char str[8];

	(void)state;
	TU_REQUIRE_PRIVS();
	obj = load_and_run("CONFIG_BPF_SYSCALL=y\nCONFIG_EBPFC_TEST_INT=-42\n"
			   "CONFIG_EBPFC_TEST_MOD=m\nCONFIG_EBPFC_TEST_STR=\"abc\"\n");
	assert_int_equal(get_u64(obj, "syscall_on"), 1);
	assert_int_equal((int)get_u64(obj, "test_int"), -42);
	assert_int_equal(get_u64(obj, "absent"), 0);
	assert_int_equal(get_u64(obj, "tristate"), 2); /* TRI_MODULE */
	assert_int_equal(ebpfc_object_global_get(obj, "str", str, sizeof(str)), 0);
	assert_string_equal(str, "abc");
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	/* Distribution kernels may report a different sublevel; major.minor must match. */
	assert_int_equal(get_u64(obj, "kver") >> 8, (a << 8) | b);
	ebpfc_object_destroy(obj);
}

static void test_kconfig_running_kernel(void **state)
{
	struct ebpfc_object *obj;
	struct utsname u;
	char boot[300];

	(void)state;
	TU_REQUIRE_PRIVS();
	uname(&u);
	snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	if (access(boot, R_OK) && access("/proc/config.gz", R_OK)) {
		print_message("skipped: this kernel's config is in neither %s nor /proc/config.gz\n",
			      boot);
		skip();
	}
	obj = load_and_run(NULL);
	/* Every kernel that runs this test has the bpf() syscall. */
	assert_int_equal(get_u64(obj, "syscall_on"), 1);
	assert_int_equal(get_u64(obj, "test_int"), 0);
	ebpfc_object_destroy(obj);
}

static void test_ksym_address(void **state)
{
	struct ebpfc_object *obj;
	__u64 want;

	(void)state;
	TU_REQUIRE_PRIVS();
	want = kallsyms("bpf_prog_put");
	if (!want) {
		print_message("skipped: /proc/kallsyms shows no address for bpf_prog_put "
			      "(kernel.kptr_restrict)\n");
		skip();
	}
	obj = load_and_run("CONFIG_BPF_SYSCALL=y\n");
	assert_true(get_u64(obj, "addr") == want);
	assert_true(get_u64(obj, "weak_addr") == 0);
	ebpfc_object_destroy(obj);
}

static void test_kfunc_load(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *prog;
	struct ebpfc_btf *vmlinux;
	__u32 id;

	(void)state;
	TU_REQUIRE_PRIVS();
	assert_int_equal(ebpfc_btf_open_vmlinux(&vmlinux), 0);
	if (ebpfc_btf_find(vmlinux, "bpf_task_acquire", BTF_KIND_FUNC, &id)) {
		ebpfc_btf_destroy(vmlinux);
		print_message("skipped: this kernel has no bpf_task_acquire kfunc (6.2+)\n");
		skip();
	}
	ebpfc_btf_destroy(vmlinux);
	obj = load_and_run("CONFIG_BPF_SYSCALL=y\n");
	assert_int_equal(ebpfc_object_find_prog(obj, "call_kfuncs", &prog), 0);
	/* The verifier checked the calls against bpf_task_acquire/release's BTF. */
	assert_int_equal(ebpfc_prog_load_result(prog), 0);
	assert_true(ebpfc_prog_fd(prog) >= 0);
	ebpfc_object_destroy(obj);
}

static void test_kconfig_bad_value(void **state)
{
	EBPFC_OPTS(ebpfc_object_open_opts, oo, .kconfig = "CONFIG_BPF_SYSCALL=\"yes\"\n");
	struct ebpfc_object *obj;
	int err;

	(void)state;
	TU_REQUIRE_PRIVS();
	assert_int_equal(ebpfc_object_open_file(OBJ, &oo, &obj), 0);
	err = ebpfc_object_load(obj, NULL);
	assert_true(err < 0);
	assert_non_null(strstr(ebpfc_errmsg(), "CONFIG_BPF_SYSCALL"));
	ebpfc_object_destroy(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kconfig_override),
		cmocka_unit_test(test_kconfig_running_kernel),
		cmocka_unit_test(test_ksym_address),
		cmocka_unit_test(test_kfunc_load),
		cmocka_unit_test(test_kconfig_bad_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
