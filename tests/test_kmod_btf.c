/*
 * test_kmod_btf.c - module BTF: an fentry program on veth_open (a function
 * of the veth module, absent from vmlinux BTF) loads, attaches, and counts
 * a veth device coming up. Needs fentry support and the veth module with
 * BTF (the qemu VM has both; the development host has neither).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include "testutil.h"

static void test_fentry_on_module_function(void **state)
{
	struct ebpfc_object *obj;
	struct ebpfc_prog *prog;
	struct ebpfc_link *link;
	__u64 opens = 0;
	char cmd[256];
	int err;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_fentry());
	if (access("/sys/kernel/btf/veth", R_OK) &&
	    (system("modprobe veth >/dev/null 2>&1") || access("/sys/kernel/btf/veth", R_OK))) {
		print_message("skipped: no veth module with BTF (/sys/kernel/btf/veth)\n");
		skip();
	}
	assert_int_equal(ebpfc_object_open_file(EBPFC_TEST_BPF_DIR "/test_kmod.bpf.o", NULL, &obj),
			 0);
	err = ebpfc_object_load(obj, NULL);
	if (err)
		fail_msg("load: %s", ebpfc_errmsg());
	assert_int_equal(ebpfc_object_find_prog(obj, "on_veth_open", &prog), 0);
	err = ebpfc_prog_attach(prog, &link);
	if (err)
		fail_msg("attach: %s", ebpfc_errmsg());
	snprintf(cmd, sizeof(cmd),
		 "ip link add ebkm%d type veth peer name ebkm%dp && ip link set ebkm%d up && "
		 "ip link del ebkm%d", getpid() % 10000, getpid() % 10000, getpid() % 10000,
		 getpid() % 10000);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ebpfc_object_global_get(obj, "opens", &opens, sizeof(opens)), 0);
	assert_true(opens >= 1);
	ebpfc_link_destroy(link);
	ebpfc_object_destroy(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fentry_on_module_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
