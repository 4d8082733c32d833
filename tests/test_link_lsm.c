/*
 * test_link_lsm.c - BPF LSM through the link API: a program on the
 * file_open hook, attached by its section name, counts this process's
 * opens and then refuses one. Kernels that refuse LSM programs (this
 * development host) skip with the probe's reason; the qemu VM runs it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include "testutil.h"

static void test_lsm_file_open(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *prog;
	struct ebpfc_link *link;
	__u32 tgid = (__u32)getpid(), one = 1;
	__u64 *opens;
	size_t sz;
	int fd, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_prog_type(BPF_PROG_TYPE_LSM));
	assert_int_equal(ebpfc_object_open_file(EBPFC_TEST_BPF_DIR "/test_link_lsm.bpf.o", NULL,
						&obj), 0);
	assert_int_equal(ebpfc_object_global_set(obj, "target_tgid", &tgid, sizeof(tgid)), 0);
	err = ebpfc_object_load(obj, NULL);
	if (err) {
		/* An LSM list without "bpf" (lsm= on the command line) refuses the load. */
		print_message("skipped: the kernel refused the LSM program: %s\n", ebpfc_errmsg());
		ebpfc_object_destroy(obj);
		skip();
	}
	assert_int_equal(ebpfc_object_find_prog(obj, "check_file_open", &prog), 0);
	err = ebpfc_prog_attach(prog, &link);
	if (err)
		fail_msg("attach: %s", ebpfc_errmsg());
	assert_int_equal(ebpfc_object_global(obj, "opens", (void **)&opens, &sz), 0);

	fd = open("/proc/self/stat", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	assert_true(*opens >= 1);

	/* Now the hook refuses: open(2) must fail with EPERM. */
	assert_int_equal(ebpfc_object_global_set(obj, "deny", &one, sizeof(one)), 0);
	fd = open("/proc/self/stat", O_RDONLY);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, EPERM);

	/* Destroying the link detaches the hook: opens work again. */
	ebpfc_link_destroy(link);
	fd = open("/proc/self/stat", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	ebpfc_object_destroy(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsm_file_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
