/*
 * test_kconfig.c - unit tests for src/kconfig.c: parsing every value kind
 * and the comments around them, malformed lines (an error naming the
 * line), filling each C type an extern can have with its range checks,
 * weak and missing options, LINUX_KERNEL_VERSION; a gzipped fixture
 * (fixtures_kconfig.h) through inflate.c; this host's own config, and the
 * Debian kernel configs in the vmtest cache when they are there (skipped
 * when not). No kernel privileges needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include "inflate.h"
#include "kconfig.h"
#include "fixtures_kconfig.h"

#define KVER(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

/* ---- helpers ---------------------------------------------------------- */

static struct ebpfc__kconfig *parse_ok(const char *text)
{
	struct ebpfc__kconfig *kc = NULL;
	int err = ebpfc__kconfig_parse(text, strlen(text), "test", KVER(6, 1, 119), &kc);

	if (err)
		fail_msg("parse: %d %s", err, ebpfc_errmsg());
	assert_non_null(kc);
	return kc;
}

#define EXPECT_FAIL(call, err, what)                                                  \
	do {                                                                          \
		int r_ = (call);                                                      \
		if (r_ != (err))                                                      \
			fail_msg("%s: got %d (%s), want %d", #call, r_, ebpfc_errmsg(), \
				 (err));                                              \
		if (!strstr(ebpfc_errmsg(), (what)))                                  \
			fail_msg("message '%s' lacks '%s'", ebpfc_errmsg(), (what));  \
	} while (0)

static void expect_tri(const struct ebpfc__kconfig *kc, const char *name, char want)
{
	struct ebpfc__kconfig_value v;

	if (ebpfc__kconfig_get(kc, name, &v))
		fail_msg("%s missing", name);
	assert_string_equal(v.name, name);
	assert_int_equal(v.kind, EBPFC__KCONFIG_TRISTATE);
	assert_int_equal(v.tristate, want);
}

static void expect_int(const struct ebpfc__kconfig *kc, const char *name, int64_t want)
{
	struct ebpfc__kconfig_value v;

	if (ebpfc__kconfig_get(kc, name, &v))
		fail_msg("%s missing", name);
	assert_int_equal(v.kind, EBPFC__KCONFIG_INT);
	assert_true(v.num == want);
}

static void expect_hex(const struct ebpfc__kconfig *kc, const char *name, uint64_t want)
{
	struct ebpfc__kconfig_value v;

	if (ebpfc__kconfig_get(kc, name, &v))
		fail_msg("%s missing", name);
	assert_int_equal(v.kind, EBPFC__KCONFIG_HEX);
	assert_true(v.hex == want);
}

static void expect_str(const struct ebpfc__kconfig *kc, const char *name, const char *want)
{
	struct ebpfc__kconfig_value v;

	if (ebpfc__kconfig_get(kc, name, &v))
		fail_msg("%s missing", name);
	assert_int_equal(v.kind, EBPFC__KCONFIG_STRING);
	assert_string_equal(v.str, want);
	assert_int_equal(v.str_len, strlen(want));
}

/* The fixture's options, checked the same way whichever way it came. */
static void check_fixture(const struct ebpfc__kconfig *kc)
{
	expect_str(kc, "CONFIG_CC_VERSION_TEXT", "gcc-12 (Debian 12.2.0-14) 12.2.0");
	expect_tri(kc, "CONFIG_CC_IS_GCC", 'y');
	expect_int(kc, "CONFIG_GCC_VERSION", 120200);
	expect_str(kc, "CONFIG_LOCALVERSION", "");
	expect_tri(kc, "CONFIG_LOCALVERSION_AUTO", 'n');
	expect_tri(kc, "CONFIG_BPF_PRELOAD", 'n');
	expect_tri(kc, "CONFIG_BPF_LSM", 'y');
	expect_int(kc, "CONFIG_HZ", 250);
	expect_hex(kc, "CONFIG_PHYSICAL_START", 0x1000000);
	expect_hex(kc, "CONFIG_ILLEGAL_POINTER_VALUE", 0xdead000000000000ull);
	expect_tri(kc, "CONFIG_EXT4_FS", 'm');
	expect_str(kc, "CONFIG_NLS_DEFAULT", "utf8");
	expect_str(kc, "CONFIG_CMDLINE", "console=ttyS0 quote=\"x\" backslash=\\");
	expect_int(kc, "CONFIG_NEGATIVE_TEST", -42);
	/* 20 options and LINUX_KERNEL_VERSION. */
	assert_int_equal(ebpfc__kconfig_count(kc), 21);
	assert_int_equal(ebpfc__kconfig_get(kc, "CONFIG_BPF_", NULL), -ENOENT);
	assert_int_equal(ebpfc__kconfig_get(kc, "CONFIG_BPF_SYSCAL", NULL), -ENOENT);
	assert_int_equal(ebpfc__kconfig_get(kc, "CONFIG_BPF_SYSCALLS", NULL), -ENOENT);
	assert_int_equal(ebpfc__kconfig_get(kc, "", NULL), -ENOENT);
	assert_int_equal(ebpfc__kconfig_get(kc, NULL, NULL), -ENOENT);
}

/* Lines of a config that are options (what the parser should count). */
static size_t count_options(const char *text)
{
	size_t n = 0;
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > 7 && !strncmp(p, "CONFIG_", 7))
			n++;
		else if (len > 20 && !strncmp(p, "# CONFIG_", 9) &&
			 !strncmp(p + len - 11, " is not set", 11))
			n++;
		p += len + (eol != NULL);
	}
	return n;
}

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, n = 0, got;
	char *b;

	if (!f)
		return NULL;
	b = malloc(cap);
	assert_non_null(b);
	while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			b = realloc(b, cap);
			assert_non_null(b);
		}
	}
	fclose(f);
	b[n] = 0;
	*len = n;
	return b;
}

/* ---- parsing ------------------------------------------------------------ */

static void test_parse_fixture(void **state)
{
	struct ebpfc__kconfig *kc = parse_ok(fixture_kconfig_text);
	struct ebpfc__kconfig_value v, prev;
	size_t i;

	(void)state;
	memset(&prev, 0, sizeof(prev));
	check_fixture(kc);
	/* In name order, each found again by name. */
	for (i = 0; i < ebpfc__kconfig_count(kc); i++) {
		assert_int_equal(ebpfc__kconfig_at(kc, i, &v), 0);
		if (i)
			assert_true(strcmp(prev.name, v.name) < 0);
		assert_int_equal(ebpfc__kconfig_get(kc, v.name, NULL), 0);
		prev = v;
	}
	assert_int_equal(ebpfc__kconfig_at(kc, i, &v), -ENOENT);
	ebpfc__kconfig_free(kc);
	ebpfc__kconfig_free(NULL);
}

/* The fixture through gzip and inflate.c, as /proc/config.gz goes. */
static void test_parse_gzipped_fixture(void **state)
{
	struct ebpfc__kconfig *kc;
	void *text;
	size_t len;

	(void)state;
	assert_int_equal(ebpfc__gunzip(fixture_kconfig_gz, fixture_kconfig_gz_len, &text, &len,
				       1 << 20), 0);
	assert_int_equal(len, strlen(fixture_kconfig_text));
	assert_memory_equal(text, fixture_kconfig_text, len);
	assert_int_equal(ebpfc__kconfig_parse(text, len, "fixture.gz", 0, &kc), 0);
	free(text);
	assert_int_equal(ebpfc__kconfig_count(kc), 20);	/* no kernel version */
	assert_int_equal(ebpfc__kconfig_get(kc, "LINUX_KERNEL_VERSION", NULL), -ENOENT);
	ebpfc__kconfig_free(kc);
}

static void test_parse_layout(void **state)
{
	/* CRLF, blanks, indentation, trailing white space, no final newline,
	 * a repeated option (the later wins), odd comments. */
	static const char text[] =
		"CONFIG_A=y\r\n"
		"\n"
		"   \t\n"
		"  CONFIG_B=m  \t\n"
		"#CONFIG_C is not set\n"
		"# CONFIG_D is not set  \n"
		"# CONFIG_E is not set, really\n"
		"# CONFIG_ is not set\n"
		"##\n"
		"CONFIG_A=n\n"
		"CONFIG_S=\"with # and = inside\"\n"
		"CONFIG_EMPTYLINE_NEXT=\"\"\n"
		"CONFIG_lower_Case_9=1\n"
		"CONFIG_LAST=0x0";
	struct ebpfc__kconfig *kc = parse_ok(text);

	(void)state;
	expect_tri(kc, "CONFIG_A", 'n');
	expect_tri(kc, "CONFIG_B", 'm');
	assert_int_equal(ebpfc__kconfig_get(kc, "CONFIG_C", NULL), -ENOENT);
	expect_tri(kc, "CONFIG_D", 'n');
	assert_int_equal(ebpfc__kconfig_get(kc, "CONFIG_E", NULL), -ENOENT);
	expect_str(kc, "CONFIG_S", "with # and = inside");
	expect_str(kc, "CONFIG_EMPTYLINE_NEXT", "");
	expect_int(kc, "CONFIG_lower_Case_9", 1);
	expect_hex(kc, "CONFIG_LAST", 0);
	assert_int_equal(ebpfc__kconfig_count(kc), 8);	/* 7 + LINUX_KERNEL_VERSION */
	ebpfc__kconfig_free(kc);

	/* Empty text is an empty config. */
	assert_int_equal(ebpfc__kconfig_parse("", 0, NULL, 0, &kc), 0);
	assert_int_equal(ebpfc__kconfig_count(kc), 0);
	ebpfc__kconfig_free(kc);
	/* Text need not be NUL-terminated: only len bytes are read. */
	assert_int_equal(ebpfc__kconfig_parse("CONFIG_X=y!!!", 10, NULL, 0, &kc), 0);
	expect_tri(kc, "CONFIG_X", 'y');
	ebpfc__kconfig_free(kc);
}

static void test_parse_numbers(void **state)
{
	static const char text[] =
		"CONFIG_ZERO=0\n"
		"CONFIG_NEG=-1\n"
		"CONFIG_MAX=9223372036854775807\n"
		"CONFIG_MIN=-9223372036854775808\n"
		"CONFIG_LEADING=007\n"
		"CONFIG_HMAX=0xffffffffffffffff\n"
		"CONFIG_HUP=0XABCdef\n"
		"CONFIG_HLONG=0x00000000000000000001\n";
	struct ebpfc__kconfig *kc = parse_ok(text);

	(void)state;
	expect_int(kc, "CONFIG_ZERO", 0);
	expect_int(kc, "CONFIG_NEG", -1);
	expect_int(kc, "CONFIG_MAX", INT64_MAX);
	expect_int(kc, "CONFIG_MIN", INT64_MIN);
	expect_int(kc, "CONFIG_LEADING", 7);	/* decimal, not octal */
	expect_hex(kc, "CONFIG_HMAX", UINT64_MAX);
	expect_hex(kc, "CONFIG_HUP", 0xabcdef);
	expect_hex(kc, "CONFIG_HLONG", 1);
	ebpfc__kconfig_free(kc);
}

/* Each bad line, on line 3, must fail naming the line and the problem. */
static void test_parse_malformed(void **state)
{
	static const struct {
		const char *line, *what;
	} cases[] = {
		{ "FOO=y", "expected CONFIG_NAME=value" },
		{ "config_foo=y", "expected CONFIG_NAME=value" },
		{ "CONFIG_=y", "option name is empty" },
		{ "CONFIG_FOO", "expected '='" },
		{ "CONFIG_FOO y", "expected '='" },
		{ "CONFIG_FOO =y", "expected '='" },
		{ "CONFIG_FOO-BAR=y", "expected '='" },
		{ "CONFIG_FOO=", "empty value" },
		{ "CONFIG_FOO=yes", "cannot parse value 'yes'" },
		{ "CONFIG_FOO=Y", "cannot parse value 'Y'" },
		{ "CONFIG_FOO=abc", "cannot parse value" },
		{ "CONFIG_FOO=\"abc", "no closing quote" },
		{ "CONFIG_FOO=\"abc\\\"", "no closing quote" },
		{ "CONFIG_FOO=\"a\" b", "text after the closing quote" },
		{ "CONFIG_FOO=\"a\"\"", "text after the closing quote" },
		{ "CONFIG_FOO=0x", "cannot parse value '0x'" },
		{ "CONFIG_FOO=0xg", "cannot parse value" },
		{ "CONFIG_FOO=0x10000000000000000", "does not fit in 64 bits" },
		{ "CONFIG_FOO=12a", "cannot parse value" },
		{ "CONFIG_FOO=1 2", "cannot parse value" },
		{ "CONFIG_FOO=-", "cannot parse value" },
		{ "CONFIG_FOO=--1", "cannot parse value" },
		{ "CONFIG_FOO=+1", "cannot parse value" },
		{ "CONFIG_FOO=9223372036854775808", "does not fit in 64 bits" },
		{ "CONFIG_FOO=-9223372036854775809", "does not fit in 64 bits" },
		{ "CONFIG_FOO=99999999999999999999999", "does not fit in 64 bits" },
	};
	char text[256];
	size_t i;

	(void)state;
	for (i = 0; i < EBPFC__ARRAY_SIZE(cases); i++) {
		struct ebpfc__kconfig *kc = (void *)1;

		snprintf(text, sizeof(text), "CONFIG_OK=y\n# comment\n%s\nCONFIG_AFTER=y\n",
			 cases[i].line);
		EXPECT_FAIL(ebpfc__kconfig_parse(text, strlen(text), "my.config", 0, &kc),
			    -EINVAL, "my.config: line 3: ");
		if (!strstr(ebpfc_errmsg(), cases[i].what))
			fail_msg("'%s': message '%s' lacks '%s'", cases[i].line, ebpfc_errmsg(),
				 cases[i].what);
		assert_null(kc);
	}
	/* A NUL byte inside a line, and inside a string. */
	{
		static const char nul1[] = "CONFIG_A=y\nCONFIG_B=\0y\n";
		static const char nul2[] = "CONFIG_A=\"x\0y\"\n";
		struct ebpfc__kconfig *kc;

		EXPECT_FAIL(ebpfc__kconfig_parse(nul1, sizeof(nul1) - 1, "nul", 0, &kc), -EINVAL,
			    "nul: line 2: NUL byte");
		EXPECT_FAIL(ebpfc__kconfig_parse(nul2, sizeof(nul2) - 1, "nul", 0, &kc), -EINVAL,
			    "line 1: NUL byte");
	}
	/* The same through load's override path names it so. */
	{
		struct ebpfc__kconfig *kc;

		EXPECT_FAIL(ebpfc__kconfig_load("CONFIG_X=y\nbogus\n", &kc), -EINVAL,
			    "kconfig override: line 2: expected CONFIG_NAME=value");
	}
}

/* ---- filling externs ------------------------------------------------------- */

static const char fill_text[] =
	"CONFIG_Y=y\n"
	"CONFIG_M=m\n"
	"# CONFIG_N is not set\n"
	"CONFIG_S=\"hello\"\n"
	"CONFIG_S8MAX=127\n"
	"CONFIG_S8MIN=-128\n"
	"CONFIG_U8MAX=255\n"
	"CONFIG_U8OVER=256\n"
	"CONFIG_NEG1=-1\n"
	"CONFIG_S16MIN=-32768\n"
	"CONFIG_U16MAX=65535\n"
	"CONFIG_S32MAX=2147483647\n"
	"CONFIG_S32OVER=2147483648\n"
	"CONFIG_U32MAX=4294967295\n"
	"CONFIG_S64MIN=-9223372036854775808\n"
	"CONFIG_H7F=0x7f\n"
	"CONFIG_H80=0x80\n"
	"CONFIG_HFF=0xff\n"
	"CONFIG_H64=0xffffffffffffffff\n"
	"CONFIG_H63=0x7fffffffffffffff\n";

static void test_fill_tristate_bool_char(void **state)
{
	struct ebpfc__kconfig *kc = parse_ok(fill_text);
	uint8_t b;
	uint32_t t32;
	uint8_t t8;
	uint64_t t64;
	char c;

	(void)state;
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_Y", EBPFC__KCONFIG_T_BOOL, false, &b, 1), 0);
	assert_int_equal(b, 1);
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_N", EBPFC__KCONFIG_T_BOOL, false, &b, 1), 0);
	assert_int_equal(b, 0);
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_M", EBPFC__KCONFIG_T_BOOL, false, &b, 1),
		    -EINVAL, "'CONFIG_M': value m (module) does not fit a bool");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_S8MAX", EBPFC__KCONFIG_T_BOOL, false, &b, 1),
		    -EINVAL, "value 127 is a number, which does not go into a bool");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_Y", EBPFC__KCONFIG_T_BOOL, false, &t32, 4),
		    -EINVAL, "a bool cannot be 4 bytes");

	/* enum libbpf_tristate: n 0, y 1, m 2; enums may be any int size. */
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_N", EBPFC__KCONFIG_T_TRISTATE, false, &t32,
					     4), 0);
	assert_int_equal(t32, 0);
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_Y", EBPFC__KCONFIG_T_TRISTATE, false, &t32,
					     4), 0);
	assert_int_equal(t32, 1);
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_M", EBPFC__KCONFIG_T_TRISTATE, false, &t32,
					     4), 0);
	assert_int_equal(t32, 2);
	t64 = ~0ull;
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_M", EBPFC__KCONFIG_T_TRISTATE, false, &t64,
					     8), 0);
	assert_true(t64 == 2);
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_M", EBPFC__KCONFIG_T_TRISTATE, false, &t8,
					     1), 0);
	assert_int_equal(t8, 2);
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_S", EBPFC__KCONFIG_T_TRISTATE, false, &t32, 4),
		    -EINVAL, "value \"hello\" is a string");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_M", EBPFC__KCONFIG_T_TRISTATE, false, &t32, 3),
		    -EINVAL, "cannot be 3 bytes");

	/* char: the letter itself. */
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_M", EBPFC__KCONFIG_T_CHAR, false, &c, 1), 0);
	assert_int_equal(c, 'm');
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_N", EBPFC__KCONFIG_T_CHAR, false, &c, 1), 0);
	assert_int_equal(c, 'n');
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_H7F", EBPFC__KCONFIG_T_CHAR, false, &c, 1),
		    -EINVAL, "value 0x7f is a number");
	ebpfc__kconfig_free(kc);
}

static void test_fill_string(void **state)
{
	struct ebpfc__kconfig *kc = parse_ok(fill_text);
	char buf[16];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_S", EBPFC__KCONFIG_T_STRING, false, buf, 16),
			 0);
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[15], 0);	/* the rest zeroed */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_S", EBPFC__KCONFIG_T_STRING, false, buf, 6),
			 0);
	assert_string_equal(buf, "hello");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_S", EBPFC__KCONFIG_T_STRING, false, buf, 5),
		    -ERANGE, "'CONFIG_S': string \"hello\" of 5 bytes and its NUL do not fit in char[5]");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_Y", EBPFC__KCONFIG_T_STRING, false, buf, 16),
		    -EINVAL, "value y is a tristate (y/m/n), which does not go into a char[16]");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_U8MAX", EBPFC__KCONFIG_T_STRING, false, buf, 16),
		    -EINVAL, "is a number");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_S", EBPFC__KCONFIG_T_STRING, false, buf, 0),
		    -EINVAL, "char[0] cannot be 0 bytes");
	ebpfc__kconfig_free(kc);
}

/* Fill an integer of size sz; returns the error, the value through *out. */
static int fill_int(const struct ebpfc__kconfig *kc, const char *name, bool sign, size_t sz,
		    int64_t *out)
{
	union {
		int8_t s8;
		uint8_t u8;
		int16_t s16;
		uint16_t u16;
		int32_t s32;
		uint32_t u32;
		int64_t s64;
		uint64_t u64;
		unsigned char bytes[8];
	} u;
	int err;

	memset(&u, 0xa5, sizeof(u));
	err = ebpfc__kconfig_fill(kc, name, sign ? EBPFC__KCONFIG_T_INT : EBPFC__KCONFIG_T_UINT,
				  false, &u, sz);
	if (err)
		return err;
	/* Nothing written past sz. */
	if (sz < 8)
		assert_int_equal(u.bytes[sz], 0xa5);
	switch (sz) {
	case 1:
		*out = sign ? u.s8 : u.u8;
		break;
	case 2:
		*out = sign ? u.s16 : u.u16;
		break;
	case 4:
		*out = sign ? u.s32 : (int64_t)u.u32;
		break;
	default:
		*out = u.s64;
		break;
	}
	return 0;
}

static void test_fill_integers(void **state)
{
	static const struct {
		const char *name;
		bool sign;
		size_t sz;
		int ok;
		int64_t want;
	} cases[] = {
		{ "CONFIG_S8MAX", true, 1, 1, 127 },
		{ "CONFIG_U8MAX", true, 1, 0, 0 },
		{ "CONFIG_S8MIN", true, 1, 1, -128 },
		{ "CONFIG_S8MIN", false, 1, 0, 0 },
		{ "CONFIG_U8MAX", false, 1, 1, 255 },
		{ "CONFIG_U8OVER", false, 1, 0, 0 },
		{ "CONFIG_U8OVER", false, 2, 1, 256 },
		{ "CONFIG_NEG1", false, 8, 0, 0 },
		{ "CONFIG_NEG1", true, 8, 1, -1 },
		{ "CONFIG_NEG1", true, 1, 1, -1 },
		{ "CONFIG_S16MIN", true, 2, 1, -32768 },
		{ "CONFIG_S16MIN", true, 1, 0, 0 },
		{ "CONFIG_U16MAX", false, 2, 1, 65535 },
		{ "CONFIG_U16MAX", true, 2, 0, 0 },
		{ "CONFIG_S32MAX", true, 4, 1, 2147483647 },
		{ "CONFIG_S32OVER", true, 4, 0, 0 },
		{ "CONFIG_S32OVER", false, 4, 1, 2147483648 },
		{ "CONFIG_U32MAX", false, 4, 1, 4294967295 },
		{ "CONFIG_U32MAX", true, 8, 1, 4294967295 },
		{ "CONFIG_S64MIN", true, 8, 1, INT64_MIN },
		{ "CONFIG_H7F", true, 1, 1, 0x7f },
		{ "CONFIG_H80", true, 1, 0, 0 },	/* hex is a value, not a bit pattern */
		{ "CONFIG_H80", false, 1, 1, 0x80 },
		{ "CONFIG_HFF", false, 1, 1, 0xff },
		{ "CONFIG_H64", false, 8, 1, -1 },	/* u64 max, read back as s64 */
		{ "CONFIG_H64", true, 8, 0, 0 },
		{ "CONFIG_H63", true, 8, 1, INT64_MAX },
		{ "CONFIG_H63", false, 4, 0, 0 },
	};
	struct ebpfc__kconfig *kc = parse_ok(fill_text);
	size_t i;
	int64_t v;

	(void)state;
	for (i = 0; i < EBPFC__ARRAY_SIZE(cases); i++) {
		int err = fill_int(kc, cases[i].name, cases[i].sign, cases[i].sz, &v);

		if (cases[i].ok) {
			if (err)
				fail_msg("%s into %s%zu: %d %s", cases[i].name,
					 cases[i].sign ? "s" : "u", cases[i].sz * 8, err,
					 ebpfc_errmsg());
			if (v != cases[i].want)
				fail_msg("%s into %s%zu: %lld, want %lld", cases[i].name,
					 cases[i].sign ? "s" : "u", cases[i].sz * 8, (long long)v,
					 (long long)cases[i].want);
			continue;
		}
		if (err != -ERANGE)
			fail_msg("%s into %s%zu: %d (%s), want -ERANGE", cases[i].name,
				 cases[i].sign ? "s" : "u", cases[i].sz * 8, err, ebpfc_errmsg());
		/* The message names the option, the value and the type. */
		assert_non_null(strstr(ebpfc_errmsg(), cases[i].name));
		assert_non_null(strstr(ebpfc_errmsg(), "does not fit in a"));
		assert_non_null(strstr(ebpfc_errmsg(), cases[i].sz == 1 ? "1-byte" :
						       cases[i].sz == 2 ? "2-byte" :
						       cases[i].sz == 4 ? "4-byte" : "8-byte"));
	}
	EXPECT_FAIL(fill_int(kc, "CONFIG_U8OVER", false, 1, &v), -ERANGE,
		    "kconfig extern 'CONFIG_U8OVER': value 256 does not fit in a 1-byte unsigned "
		    "integer (0..255)");
	EXPECT_FAIL(fill_int(kc, "CONFIG_H80", true, 1, &v), -ERANGE,
		    "value 0x80 does not fit in a 1-byte signed integer (-128..127)");
	EXPECT_FAIL(fill_int(kc, "CONFIG_Y", true, 4, &v), -EINVAL,
		    "value y is a tristate (y/m/n), which does not go into a 4-byte signed integer");
	EXPECT_FAIL(fill_int(kc, "CONFIG_S", false, 8, &v), -EINVAL, "is a string");
	EXPECT_FAIL(fill_int(kc, "CONFIG_S8MAX", true, 3, &v), -EINVAL,
		    "a 3-byte signed integer cannot be 3 bytes");
	EXPECT_FAIL(fill_int(kc, "CONFIG_S8MAX", true, 16, &v), -EINVAL, "cannot be 16 bytes");
	ebpfc__kconfig_free(kc);
}

static void test_fill_missing_and_weak(void **state)
{
	struct ebpfc__kconfig *kc = parse_ok(fill_text);
	uint64_t v = ~0ull;
	char s[8];
	uint8_t b = 0xff;

	(void)state;
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_NOPE", EBPFC__KCONFIG_T_UINT, false, &v, 8),
		    -ENOENT, "kconfig extern 'CONFIG_NOPE' is not in the kernel config (test)");
	assert_non_null(strstr(ebpfc_errmsg(), "__weak"));
	assert_true(v == ~0ull);
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_NOPE", EBPFC__KCONFIG_T_UINT, true, &v, 8),
			 0);
	assert_true(v == 0);
	memset(s, 'x', sizeof(s));
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_NOPE", EBPFC__KCONFIG_T_STRING, true, s, 8),
			 0);
	assert_memory_equal(s, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_NOPE", EBPFC__KCONFIG_T_BOOL, true, &b, 1),
			 0);
	assert_int_equal(b, 0);
	/* Weak does not excuse a wrong type or size for an option that exists. */
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_S", EBPFC__KCONFIG_T_UINT, true, &v, 8), -EINVAL,
		    "is a string");
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "CONFIG_NOPE", EBPFC__KCONFIG_T_UINT, true, &v, 5),
		    -EINVAL, "cannot be 5 bytes");
	/* "is not set" is present (n), not missing. */
	b = 0xff;
	assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_N", EBPFC__KCONFIG_T_BOOL, false, &b, 1), 0);
	assert_int_equal(b, 0);
	/* Feature externs are the loader's: missing here. */
	assert_int_equal(ebpfc__kconfig_get(kc, "LINUX_HAS_BPF_COOKIE", NULL), -ENOENT);
	assert_int_equal(ebpfc__kconfig_get(kc, "LINUX_HAS_SYSCALL_WRAPPER", NULL), -ENOENT);
	/* No config at all: every extern is missing. */
	EXPECT_FAIL(ebpfc__kconfig_fill(NULL, "CONFIG_Y", EBPFC__KCONFIG_T_BOOL, false, &b, 1),
		    -ENOENT, "none loaded");
	assert_int_equal(ebpfc__kconfig_fill(NULL, "CONFIG_Y", EBPFC__KCONFIG_T_BOOL, true, &b, 1), 0);
	ebpfc__kconfig_free(kc);
}

/* ---- LINUX_KERNEL_VERSION ------------------------------------------------- */

static void test_kernel_version(void **state)
{
	struct ebpfc__kconfig *kc = parse_ok(fill_text);
	struct ebpfc__kconfig_value v;
	struct utsname u;
	uint32_t k32;
	uint16_t k16;

	(void)state;
	assert_int_equal(ebpfc__kconfig_get(kc, "LINUX_KERNEL_VERSION", &v), 0);
	assert_int_equal(v.kind, EBPFC__KCONFIG_INT);
	assert_int_equal(v.num, KVER(6, 1, 119));
	assert_int_equal(ebpfc__kconfig_fill(kc, "LINUX_KERNEL_VERSION", EBPFC__KCONFIG_T_UINT, false,
					     &k32, 4), 0);
	assert_int_equal(k32, KVER(6, 1, 119));
	EXPECT_FAIL(ebpfc__kconfig_fill(kc, "LINUX_KERNEL_VERSION", EBPFC__KCONFIG_T_UINT, false,
					&k16, 2), -ERANGE, "LINUX_KERNEL_VERSION");
	ebpfc__kconfig_free(kc);

	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "5.15.0-91-generic"),
			 KVER(5, 15, 0));
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "6.18.44-fc-v769"), KVER(6, 18, 44));
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "4.9.337"), KVER(4, 9, 255));
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "6.8"), KVER(6, 8, 0));
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "6.8-rc1"), KVER(6, 8, 0));
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "3.10.0-1160.el7.x86_64"),
			 KVER(3, 10, 0));
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "linux"), 0);
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, "6.300.1"), 0);
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, ""), 0);
	assert_int_equal(ebpfc__kernel_version_from(NULL, NULL, NULL), 0);
	/* Ubuntu: the upstream version is the signature's last word. */
	assert_int_equal(ebpfc__kernel_version_from("Ubuntu 5.15.0-91.101-generic 5.15.131\n",
						    "#101-Ubuntu SMP", "5.15.0-91-generic"),
			 KVER(5, 15, 131));
	/* Debian: uname -r says 6.1.0, uname -v has the real sublevel. */
	assert_int_equal(ebpfc__kernel_version_from(NULL, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 "
						    "(2026-11-16)", "6.1.0-56-amd64"),
			 KVER(6, 1, 192));
	assert_int_equal(ebpfc__kernel_version_from(NULL, "#1 SMP PREEMPT_DYNAMIC Debian "
						    "6.12.117-1~deb12u1 (2026-11-14)",
						    "6.12.117+deb12-amd64"),
			 KVER(6, 12, 117));
	assert_int_equal(ebpfc__kernel_version_from(NULL, "#1 SMP Debian x", "4.19.0-27-amd64"),
			 KVER(4, 19, 0));
	assert_int_equal(ebpfc__kernel_version_from("garbage", "#1 SMP", "5.4.0"), KVER(5, 4, 0));

	/* The running kernel: as uname says, unless Ubuntu or Debian. */
	assert_int_equal(uname(&u), 0);
	if (access("/proc/version_signature", F_OK) != 0 && !strstr(u.version, "Debian "))
		assert_int_equal(ebpfc__kernel_version(), ebpfc__kernel_version_from(NULL, NULL,
										      u.release));
	assert_true(ebpfc__kernel_version() >= KVER(3, 0, 0));
	print_message("  running kernel %s: LINUX_KERNEL_VERSION %u.%u.%u\n", u.release,
		      ebpfc__kernel_version() >> 16, (ebpfc__kernel_version() >> 8) & 0xff,
		      ebpfc__kernel_version() & 0xff);
}

/* ---- real configs ----------------------------------------------------------- */

static void test_load_override(void **state)
{
	struct ebpfc__kconfig *kc;
	struct ebpfc__kconfig_value v;

	(void)state;
	assert_int_equal(ebpfc__kconfig_load(fixture_kconfig_text, &kc), 0);
	check_fixture(kc);
	assert_int_equal(ebpfc__kconfig_get(kc, "LINUX_KERNEL_VERSION", &v), 0);
	assert_int_equal(v.num, ebpfc__kernel_version());
	ebpfc__kconfig_free(kc);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A gzip file of text in one stored block (text under 64 KiB). */
static unsigned char *gzip_stored(const char *text, size_t *len)
{
	size_t n = strlen(text);
	unsigned char *g = malloc(n + 23);
	uint32_t crc = ebpfc__crc32(0, text, n);
	int i;

	assert_non_null(g);
	memcpy(g, "\x1f\x8b\x08\0\0\0\0\0\0\x03\x01", 11);
	g[11] = (unsigned char)n, g[12] = (unsigned char)(n >> 8);
	g[13] = (unsigned char)~n, g[14] = (unsigned char)(~n >> 8);
	memcpy(g + 15, text, n);
	for (i = 0; i < 4; i++) {
		g[15 + n + i] = (unsigned char)(crc >> (8 * i));
		g[19 + n + i] = (unsigned char)(n >> (8 * i));
	}
	*len = n + 23;
	return g;
}

/* The /boot-then-/proc/config.gz logic, on files made here. */
static void test_load_files(void **state)
{
	char dir[] = "/tmp/ebpfc-test-kconfig-XXXXXX", plain[96], gz[96], none[96], bad[96];
	struct ebpfc__kconfig *kc;
	unsigned char *g, *copy;
	size_t gl;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(plain, sizeof(plain), "%s/config-6.1.0", dir);
	snprintf(gz, sizeof(gz), "%s/config.gz", dir);
	snprintf(none, sizeof(none), "%s/missing", dir);
	snprintf(bad, sizeof(bad), "%s/bad.gz", dir);
	write_file(plain, fixture_kconfig_text, strlen(fixture_kconfig_text));
	write_file(gz, fixture_kconfig_gz, fixture_kconfig_gz_len);

	/* The plain file first. */
	assert_int_equal(ebpfc__kconfig_load_files(plain, gz, KVER(6, 1, 0), &kc), 0);
	check_fixture(kc);
	ebpfc__kconfig_free(kc);
	/* Without it, the gzipped one, with no stale message left behind. */
	assert_int_equal(ebpfc__kconfig_load_files(none, gz, KVER(6, 1, 0), &kc), 0);
	check_fixture(kc);
	assert_string_equal(ebpfc_errmsg(), "");
	ebpfc__kconfig_free(kc);
	/* Neither: -ENOENT naming both. */
	kc = (void *)1;
	EXPECT_FAIL(ebpfc__kconfig_load_files(none, none, 0, &kc), -ENOENT, "no kernel config: ");
	assert_null(kc);
	assert_non_null(strstr(ebpfc_errmsg(), none));
	assert_non_null(strstr(ebpfc_errmsg(), "CONFIG_IKCONFIG_PROC"));
	assert_non_null(strstr(ebpfc_errmsg(), "ebpfc_object_open_opts.kconfig"));
	/* A first path that exists but cannot be read: its error wins. */
	EXPECT_FAIL(ebpfc__kconfig_load_files(dir, none, 0, &kc), -EISDIR, "no kernel config");
	/* A corrupt config.gz is not a missing one. */
	copy = malloc(fixture_kconfig_gz_len);
	memcpy(copy, fixture_kconfig_gz, fixture_kconfig_gz_len);
	copy[fixture_kconfig_gz_len - 8] ^= 1;	/* the CRC */
	write_file(bad, copy, fixture_kconfig_gz_len);
	EXPECT_FAIL(ebpfc__kconfig_load_files(none, bad, 0, &kc), -EINVAL, "CRC-32 mismatch");
	assert_non_null(strstr(ebpfc_errmsg(), bad));
	write_file(bad, copy, 30);
	EXPECT_FAIL(ebpfc__kconfig_load_files(none, bad, 0, &kc), -EINVAL, "truncated");
	free(copy);
	/* A malformed line inside config.gz names the file and line. */
	g = gzip_stored("CONFIG_A=y\nCONFIG_B=yes\n", &gl);
	write_file(bad, g, gl);
	EXPECT_FAIL(ebpfc__kconfig_load_files(none, bad, 0, &kc), -EINVAL, "bad.gz: line 2: ");
	free(g);
	g = gzip_stored("CONFIG_A=y\n# CONFIG_B is not set\n", &gl);
	write_file(bad, g, gl);
	assert_int_equal(ebpfc__kconfig_load_files(none, bad, 0, &kc), 0);
	assert_int_equal(ebpfc__kconfig_count(kc), 2);
	expect_tri(kc, "CONFIG_B", 'n');
	ebpfc__kconfig_free(kc);
	free(g);

	unlink(plain), unlink(gz), unlink(bad);
	assert_int_equal(rmdir(dir), 0);
}

/* This host's config: /boot/config-$(uname -r) or /proc/config.gz. */
static void test_load_host(void **state)
{
	struct ebpfc__kconfig *kc = NULL;
	struct ebpfc__kconfig_value v;
	struct utsname u;
	char boot[128];
	int err, have_boot, have_proc;

	(void)state;
	assert_int_equal(uname(&u), 0);
	snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	have_boot = access(boot, R_OK) == 0;
	have_proc = access("/proc/config.gz", R_OK) == 0;
	err = ebpfc__kconfig_load(NULL, &kc);
	if (!have_boot && !have_proc) {
		assert_int_equal(err, -ENOENT);
		assert_non_null(strstr(ebpfc_errmsg(), boot));
		assert_non_null(strstr(ebpfc_errmsg(), "/proc/config.gz"));
		print_message("skipped: this host has neither %s nor /proc/config.gz (%s)\n", boot,
			      ebpfc_errmsg());
		skip();
	}
	if (err)
		fail_msg("load: %d %s", err, ebpfc_errmsg());
	print_message("  %s: %zu options\n", have_boot ? boot : "/proc/config.gz",
		      ebpfc__kconfig_count(kc));
	assert_true(ebpfc__kconfig_count(kc) > 100);
	assert_int_equal(ebpfc__kconfig_get(kc, "LINUX_KERNEL_VERSION", NULL), 0);
	/* Every kernel that runs BPF has these. */
	assert_int_equal(ebpfc__kconfig_get(kc, "CONFIG_BPF", &v), 0);
	assert_int_equal(v.tristate, 'y');
	if (!have_boot) {
		/* Same count as the options in `gzip -dc /proc/config.gz`. */
		FILE *f = popen("gzip -dc /proc/config.gz 2>/dev/null", "r");
		size_t cap = 1 << 20, n = 0, got;
		char *text = malloc(cap);

		assert_non_null(f);
		while ((got = fread(text + n, 1, cap - n - 1, f)) > 0) {
			n += got;
			if (n + 1 == cap) {
				cap *= 2;
				text = realloc(text, cap);
			}
		}
		text[n] = 0;
		if (pclose(f) == 0)
			assert_int_equal(ebpfc__kconfig_count(kc), count_options(text) + 1);
		free(text);
	}
	ebpfc__kconfig_free(kc);
}

/* The Debian kernels tools/vmtest boots, when its cache has them. */
static void test_debian_configs(void **state)
{
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char pattern[512];
	glob_t g;
	size_t i;

	(void)state;
	if (cache && *cache)
		snprintf(pattern, sizeof(pattern), "%s/ebpfc-vmtest/k/*/root/boot/config-*", cache);
	else
		snprintf(pattern, sizeof(pattern), "%s/.cache/ebpfc-vmtest/k/*/root/boot/config-*",
			 home ? home : "");
	if (glob(pattern, 0, NULL, &g) != 0) {
		print_message("skipped: no kernel configs match %s (run make vmtest once)\n",
			      pattern);
		skip();
	}
	for (i = 0; i < g.gl_pathc; i++) {
		struct ebpfc__kconfig *kc;
		size_t len = 0;
		char *text = read_text(g.gl_pathv[i], &len);
		uint32_t hz;
		uint8_t bpf;
		uint64_t ptr;
		char nls[16];
		int err;

		assert_non_null(text);
		err = ebpfc__kconfig_parse(text, len, g.gl_pathv[i], KVER(6, 1, 0), &kc);
		if (err)
			fail_msg("%s: %d %s", g.gl_pathv[i], err, ebpfc_errmsg());
		print_message("  %s: %zu options\n", strrchr(g.gl_pathv[i], '/') + 1,
			      ebpfc__kconfig_count(kc) - 1);
		assert_int_equal(ebpfc__kconfig_count(kc), count_options(text) + 1);
		expect_tri(kc, "CONFIG_BPF_SYSCALL", 'y');
		expect_tri(kc, "CONFIG_MODULES", 'y');
		expect_tri(kc, "CONFIG_EXT4_FS", 'm');
		expect_str(kc, "CONFIG_NLS_DEFAULT", "utf8");
		assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_HZ", EBPFC__KCONFIG_T_UINT, false,
						     &hz, 4), 0);
		assert_int_equal(hz, 250);
		assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_BPF_JIT", EBPFC__KCONFIG_T_BOOL,
						     false, &bpf, 1), 0);
		assert_int_equal(bpf, 1);
		assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_ILLEGAL_POINTER_VALUE",
						     EBPFC__KCONFIG_T_UINT, false, &ptr, 8), 0);
		assert_true(ptr == 0xdead000000000000ull);
		assert_int_equal(ebpfc__kconfig_fill(kc, "CONFIG_NLS_DEFAULT",
						     EBPFC__KCONFIG_T_STRING, false, nls, 16), 0);
		assert_string_equal(nls, "utf8");
		ebpfc__kconfig_free(kc);
		free(text);
	}
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fixture),
		cmocka_unit_test(test_parse_gzipped_fixture),
		cmocka_unit_test(test_parse_layout),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_fill_tristate_bool_char),
		cmocka_unit_test(test_fill_string),
		cmocka_unit_test(test_fill_integers),
		cmocka_unit_test(test_fill_missing_and_weak),
		cmocka_unit_test(test_kernel_version),
		cmocka_unit_test(test_load_override),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_load_host),
		cmocka_unit_test(test_debian_configs),
	};

	return cmocka_run_group_tests_name("kconfig", tests, NULL, NULL);
}
