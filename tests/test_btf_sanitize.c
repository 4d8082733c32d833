/*
 * test_btf_sanitize.c - BTF for kernels that lack newer kinds: a blob with
 * a type tag, a decl tag, a float, an enum64 and a global function is
 * rewritten as for a kernel without them; no such kind may remain, type
 * ids and sizes must not move, and the running kernel must accept the
 * result (it also accepts the original; older kernels accept only the
 * rewritten one).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>
#include <linux/btf.h>

#include <ebpfc/ebpfc.h>
#include "btf_load.h"
#include "testutil.h"

#define INFO(kind, kflag, vlen) (((__u32)(kflag) << 31) | ((__u32)(kind) << 24) | (vlen))

/* Strings: 1 "int", 5 "a", 7 "f", 9 "float", 15 "E", 17 "A", 19 "long" */
static const char strs[] = "\0int\0a\0f\0float\0E\0A\0long";

static const __u32 types[] = {
	/* [1] int */ 1, INFO(BTF_KIND_INT, 0, 0), 4, 32,
	/* [2] long (8) */ 19, INFO(BTF_KIND_INT, 0, 0), 8, 64,
	/* [3] type_tag "a" -> 1 */ 5, INFO(BTF_KIND_TYPE_TAG, 0, 0), 1,
	/* [4] ptr -> 3 */ 0, INFO(BTF_KIND_PTR, 0, 0), 3,
	/* [5] float */ 9, INFO(BTF_KIND_FLOAT, 0, 0), 8,
	/* [6] enum64 E { A = 1 << 40 } */ 15, INFO(BTF_KIND_ENUM64, 0, 1), 8, 17, 0, 256,
	/* [7] func_proto int (int a) */ 0, INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1, 5, 1,
	/* [8] global func f */ 7, INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 7,
	/* [9] decl_tag "a" on f */ 5, INFO(BTF_KIND_DECL_TAG, 0, 0), 8, (__u32)-1,
};

static size_t build(unsigned char *buf)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = sizeof(types),
		.str_off = sizeof(types), .str_len = sizeof(strs),
	};

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), types, sizeof(types));
	memcpy(buf + sizeof(h) + sizeof(types), strs, sizeof(strs));
	return sizeof(h) + sizeof(types) + sizeof(strs);
}

static void test_sanitize_all(void **state)
{
	unsigned char buf[512] __attribute__((aligned(8)));
	const __u32 all = (1u << BTF_KIND_TYPE_TAG) | (1u << BTF_KIND_DECL_TAG) |
			  (1u << BTF_KIND_FLOAT) | (1u << BTF_KIND_ENUM64) | (1u << 31);
	const struct btf_type *t;
	struct ebpfc_btf *btf;
	size_t len = build(buf);
	__u32 id, sz;
	int fd;

	(void)state;
	assert_int_equal(ebpfc__btf_sanitize(buf, len, all), 0);
	assert_int_equal(ebpfc_btf_open_mem(buf, len, NULL, &btf), 0);
	assert_int_equal(ebpfc_btf_type_cnt(btf), 10);
	for (id = 1; id < 10; id++) {
		assert_int_equal(ebpfc_btf_type_by_id(btf, id, &t), 0);
		assert_true(ebpfc_btf_kind(t) < BTF_KIND_FLOAT);
		if (ebpfc_btf_kind(t) == BTF_KIND_FUNC)
			assert_int_equal(ebpfc_btf_vlen(t), BTF_FUNC_STATIC);
	}
	/* Sizes stay: the float and the enum64 are still 8 bytes. */
	assert_int_equal(ebpfc_btf_resolve_size(btf, 5, &sz), 0);
	assert_int_equal(sz, 8);
	assert_int_equal(ebpfc_btf_resolve_size(btf, 6, &sz), 0);
	assert_int_equal(sz, 8);
	ebpfc_btf_destroy(btf);

	TU_REQUIRE_PRIVS();
	assert_int_equal(ebpfc_sys_btf_load(buf, (__u32)len, NULL, &fd), 0);
	close(fd);
}

static void test_sanitize_nothing_missing(void **state)
{
	unsigned char a[512] __attribute__((aligned(8))), b[512];
	size_t len = build(a);

	(void)state;
	memcpy(b, a, len);
	assert_int_equal(ebpfc__btf_sanitize(a, len, 0), 0);
	assert_memory_equal(a, b, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_all),
		cmocka_unit_test(test_sanitize_nothing_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
