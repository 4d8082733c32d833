/*
 * test_inflate.c - unit tests for src/inflate.c: round trips against real
 * gzip output (run with popen at test time; those tests skip when gzip is
 * missing) of text, random bytes, long runs, empty and one-byte inputs,
 * windows past 64 KiB and stored blocks; gzip header flags, multiple
 * members, zlib framing and the checksums; hand-built bit streams for each
 * way a stream can be wrong; every truncation and random corruption, which
 * must fail with a message and never crash (run it under ASan/UBSan too).
 * Prints decode timings against `gzip -dc`; they are information, not a
 * test. No kernel needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include "inflate.h"

#define MB (1u << 20)

/* ---- helpers ---------------------------------------------------------- */

/* Reference checksums, the slow and obvious way. */
static uint32_t ref_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffff;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c;
}

static uint32_t ref_adler32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t a = 1, b = 0;

	while (len--) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Words with a skewed distribution, so Huffman codes get long. */
static uint8_t *gen_text(size_t len)
{
	static const char *words[] = {
		"the", "kernel", "config", "CONFIG_BPF=y", "of", "and", "map", "program",
		"verifier", "# CONFIG_DEBUG_INFO is not set", "\n", "a", "ring", "buffer",
		"zygote", "quixotic", "xylophone", "jackdaws", "sphinx", "quartz", "vow",
	};
	uint8_t *b = malloc(len + 1);
	size_t i = 0;

	assert_non_null(b);
	while (i < len) {
		uint64_t r = rng();
		/* Zipf-ish: low indexes far more often. */
		size_t w = (size_t)((r % 1000) * (r % 1000) / 47619) % EBPFC__ARRAY_SIZE(words);
		size_t n = strlen(words[w]);

		if (n > len - i)
			n = len - i;
		memcpy(b + i, words[w], n);
		i += n;
		if (i < len && (r >> 32) % 3)
			b[i++] = ' ';
		if (i < len && (r >> 40) % 97 == 0)
			b[i++] = (uint8_t)(r >> 48);	/* a rare byte: long codes */
	}
	return b;
}

static uint8_t *gen_random(size_t len)
{
	uint8_t *b = malloc(len + 1);
	size_t i;

	assert_non_null(b);
	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(rng() >> 24);
	return b;
}

/* Long runs of one byte, some runs of short patterns. */
static uint8_t *gen_runs(size_t len)
{
	uint8_t *b = malloc(len + 1);
	size_t i = 0;

	assert_non_null(b);
	while (i < len) {
		uint64_t r = rng();
		size_t n = 1 + (r % 5000), k;

		if (n > len - i)
			n = len - i;
		if (r & 0x100000) {
			memset(b + i, (int)(r >> 24) & 0xff, n);
		} else {
			size_t period = 2 + (r >> 40) % 7;

			for (k = 0; k < n; k++)
				b[i + k] = (uint8_t)('a' + (k % period));
		}
		i += n;
	}
	return b;
}

/*
 * Random blocks repeated far apart: matches at distances up to 32 KiB and
 * output far past the 64 KiB a small window would hold.
 */
static uint8_t *gen_far_repeats(size_t len)
{
	uint8_t *b = gen_random(len);
	size_t i;

	for (i = 32000; i + 700 <= len; i += 700) {
		size_t back = 20000 + rng() % 12000;

		memcpy(b + i, b + i - back, 300);
	}
	return b;
}

/* Read all of a stream. */
static uint8_t *slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0, got;
	uint8_t *b = malloc(cap);

	assert_non_null(b);
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			b = realloc(b, cap);
			assert_non_null(b);
		}
	}
	*len = n;
	return b;
}

static int have_gzip(void)
{
	return system("gzip --version >/dev/null 2>&1") == 0;
}

#define REQUIRE_GZIP()                                                           \
	do {                                                                     \
		if (!have_gzip()) {                                              \
			print_message("skipped: no gzip program to make fixtures\n"); \
			skip();                                                  \
		}                                                                \
	} while (0)

/* Write data to a fresh temporary file; returns its path (static). */
static const char *tmpfile_with(const void *data, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/ebpfc-test-inflate-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* `gzip ARGS` of data, as gzip itself writes it. */
static uint8_t *gzip_of(const void *data, size_t len, const char *args, size_t *gz_len)
{
	const char *path = tmpfile_with(data, len);
	char cmd[256];
	uint8_t *gz;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "gzip -c %s < %s", args, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	gz = slurp(f, gz_len);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	return gz;
}

/* The raw DEFLATE stream inside a gzip file written with -n (no name). */
static const uint8_t *deflate_part(const uint8_t *gz, size_t gz_len, size_t *len)
{
	assert_true(gz_len >= 18);
	assert_int_equal(gz[3], 0);	/* no flags: the data starts at byte 10 */
	*len = gz_len - 18;
	return gz + 10;
}

static void expect_gunzip(const void *gz, size_t gz_len, const void *want, size_t want_len)
{
	void *out = NULL;
	size_t out_len = 0;
	int err;

	err = ebpfc__gunzip(gz, gz_len, &out, &out_len, 256 * MB);
	if (err)
		fail_msg("gunzip: %d %s", err, ebpfc_errmsg());
	assert_int_equal(out_len, want_len);
	if (want_len)
		assert_memory_equal(out, want, want_len);
	assert_int_equal(((uint8_t *)out)[out_len], 0);	/* the spare NUL */
	free(out);
}

/* A call that must fail with err and a message containing `what`. */
#define EXPECT_FAIL(call, err, what)                                                  \
	do {                                                                          \
		int r_ = (call);                                                      \
		if (r_ != (err))                                                      \
			fail_msg("%s: got %d (%s), want %d", #call, r_, ebpfc_errmsg(), \
				 (err));                                              \
		if (!strstr(ebpfc_errmsg(), (what)))                                  \
			fail_msg("message '%s' lacks '%s'", ebpfc_errmsg(), (what));  \
	} while (0)

/* ---- a bit writer for hand-made streams ---------------------------------- */

struct bw {
	uint8_t buf[1 << 17];
	size_t bits;
};

/* n bits of v, least significant first (header fields, extra bits). */
static void put(struct bw *w, uint32_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++, w->bits++) {
		assert_true(w->bits / 8 < sizeof(w->buf));
		if ((v >> i) & 1)
			w->buf[w->bits / 8] |= (uint8_t)(1u << (w->bits % 8));
	}
}

/* A Huffman code: most significant bit first. */
static void put_code(struct bw *w, uint32_t code, unsigned len)
{
	while (len--)
		put(w, (code >> len) & 1, 1);
}

static size_t bw_bytes(const struct bw *w)
{
	return (w->bits + 7) / 8;
}

/* The fixed literal/length code (RFC 1951 3.2.6). */
static void put_fixed_lit(struct bw *w, unsigned sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

/* A match in a fixed block: length 3..258, distance 1..32768. */
static void put_fixed_match(struct bw *w, unsigned len, unsigned dist)
{
	static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
					    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
					    227, 258 };
	static const uint8_t lextra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
					    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
	unsigned i, d, extra;

	for (i = 28; lbase[i] > len; i--)
		;
	put_fixed_lit(w, 257 + i);
	put(w, len - lbase[i], lextra[i]);
	/* Distance codes: base and extra bits by the doubling rule. */
	for (i = 0, d = 1;; i++) {
		extra = i < 4 ? 0 : (i - 2) / 2;
		if (dist < d + (1u << extra))
			break;
		d += 1u << extra;
	}
	put_code(w, i, 5);
	put(w, dist - d, extra);
}

/* Wrap raw DEFLATE bytes as a gzip member of `content`. */
static uint8_t *gzip_wrap(const uint8_t *def, size_t def_len, const void *content,
			  size_t content_len, size_t *len)
{
	uint8_t *g = malloc(def_len + 18);
	uint32_t crc = ref_crc32(content, content_len);
	int i;

	assert_non_null(g);
	memcpy(g, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
	memcpy(g + 10, def, def_len);
	for (i = 0; i < 4; i++) {
		g[10 + def_len + i] = (uint8_t)(crc >> (8 * i));
		g[14 + def_len + i] = (uint8_t)(content_len >> (8 * i));
	}
	*len = def_len + 18;
	return g;
}

/* ---- checksums ------------------------------------------------------------ */

static void test_checksums(void **state)
{
	uint8_t *b = gen_random(100000);
	size_t lens[] = { 0, 1, 7, 8, 9, 4095, 4096, 4097, 5551, 5552, 5553, 65536, 100000 };
	size_t i;

	(void)state;
	assert_int_equal(ebpfc__crc32(0, "123456789", 9), 0xcbf43926);
	assert_int_equal(ebpfc__adler32(1, "Wikipedia", 9), 0x11e60398);
	assert_int_equal(ebpfc__crc32(0, NULL, 0), 0);
	assert_int_equal(ebpfc__adler32(1, NULL, 0), 1);
	for (i = 0; i < EBPFC__ARRAY_SIZE(lens); i++) {
		uint32_t c, a;

		assert_int_equal(ebpfc__crc32(0, b + 3, lens[i] - (lens[i] > 3) * 3),
				 ref_crc32(b + 3, lens[i] - (lens[i] > 3) * 3));
		assert_int_equal(ebpfc__adler32(1, b, lens[i]), ref_adler32(b, lens[i]));
		/* Continued over a split gives the same. */
		c = ebpfc__crc32(ebpfc__crc32(0, b, lens[i] / 3), b + lens[i] / 3,
				 lens[i] - lens[i] / 3);
		a = ebpfc__adler32(ebpfc__adler32(1, b, lens[i] / 3), b + lens[i] / 3,
				   lens[i] - lens[i] / 3);
		assert_int_equal(c, ref_crc32(b, lens[i]));
		assert_int_equal(a, ref_adler32(b, lens[i]));
	}
	/* Adler sums at their largest: all 0xff bytes. */
	memset(b, 0xff, 100000);
	assert_int_equal(ebpfc__adler32(1, b, 100000), ref_adler32(b, 100000));
	free(b);
}

/* ---- round trips against gzip -------------------------------------------- */

static void roundtrip(const uint8_t *data, size_t len, const char *what)
{
	static const char *levels[] = { "-1 -n", "-6 -n", "-9 -n" };
	size_t i;

	for (i = 0; i < EBPFC__ARRAY_SIZE(levels); i++) {
		size_t gz_len;
		uint8_t *gz = gzip_of(data, len, levels[i], &gz_len);

		print_message("  %-16s %s: %8zu -> %8zu bytes\n", what, levels[i], len, gz_len);
		expect_gunzip(gz, gz_len, data, len);
		free(gz);
	}
}

static void test_roundtrip_text(void **state)
{
	size_t sizes[] = { 100, 5000, 300000 }, i;

	(void)state;
	REQUIRE_GZIP();
	for (i = 0; i < EBPFC__ARRAY_SIZE(sizes); i++) {
		uint8_t *b = gen_text(sizes[i]);

		roundtrip(b, sizes[i], "text");
		free(b);
	}
}

static void test_roundtrip_random(void **state)
{
	size_t sizes[] = { 1, 1000, 200000 }, i;

	(void)state;
	REQUIRE_GZIP();
	for (i = 0; i < EBPFC__ARRAY_SIZE(sizes); i++) {
		uint8_t *b = gen_random(sizes[i]);

		roundtrip(b, sizes[i], "random");
		free(b);
	}
}

static void test_roundtrip_runs(void **state)
{
	uint8_t *b = gen_runs(500000), *z = calloc(1, 3 * MB);

	(void)state;
	REQUIRE_GZIP();
	roundtrip(b, 500000, "runs");
	roundtrip(z, 3 * MB, "zeros");
	free(b);
	free(z);
}

static void test_roundtrip_edges(void **state)
{
	uint8_t one = 'x', *far = gen_far_repeats(400000);

	(void)state;
	REQUIRE_GZIP();
	roundtrip(&one, 0, "empty");
	roundtrip(&one, 1, "one byte");
	roundtrip(far, 400000, "far repeats");
	free(far);
}

/* gzip -1 stores incompressible data: check it did, and that it decodes. */
static void test_stored_blocks_from_gzip(void **state)
{
	uint8_t *b = gen_random(150000), *gz;
	size_t gz_len;

	(void)state;
	REQUIRE_GZIP();
	gz = gzip_of(b, 150000, "-1 -n", &gz_len);
	assert_int_equal((gz[10] >> 1) & 3, 0);	/* first block type: stored */
	expect_gunzip(gz, gz_len, b, 150000);
	free(gz);
	free(b);
}

/* gzip -c on a named file stores FNAME. */
static void test_gzip_fname(void **state)
{
	uint8_t *b = gen_text(2000), *gz;
	const char *path = tmpfile_with(b, 2000);
	char cmd[128];
	size_t gz_len;
	FILE *f;

	(void)state;
	REQUIRE_GZIP();
	snprintf(cmd, sizeof(cmd), "gzip -c -N %s", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	gz = slurp(f, &gz_len);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	assert_true(gz[3] & 0x08);
	expect_gunzip(gz, gz_len, b, 2000);
	free(gz);
	free(b);
}

/* ---- framing ------------------------------------------------------------- */

static void test_gzip_header_flags(void **state)
{
	static const char content[] = "header flags: FTEXT FHCRC FEXTRA FNAME FCOMMENT";
	uint8_t *gz, g[512];
	const uint8_t *def;
	size_t gz_len, def_len, n = 0, hcrc_at;
	uint32_t crc = ref_crc32(content, sizeof(content));
	void *out;
	size_t out_len;
	int i;

	(void)state;
	REQUIRE_GZIP();
	gz = gzip_of(content, sizeof(content), "-9 -n", &gz_len);
	def = deflate_part(gz, gz_len, &def_len);

	memcpy(g, "\x1f\x8b\x08\x1f\x01\x02\x03\x04\x02\xff", 10);	/* all five flags */
	n = 10;
	g[n++] = 6, g[n++] = 0;	/* XLEN 6: one subfield "AB" of 2 bytes */
	memcpy(g + n, "AB\x02\x00xy", 6), n += 6;
	memcpy(g + n, "name.txt", 9), n += 9;
	memcpy(g + n, "a comment", 10), n += 10;
	hcrc_at = n;
	g[n] = (uint8_t)ref_crc32(g, n), g[n + 1] = (uint8_t)(ref_crc32(g, n) >> 8), n += 2;
	memcpy(g + n, def, def_len), n += def_len;
	for (i = 0; i < 4; i++)
		g[n + i] = (uint8_t)(crc >> (8 * i)), g[n + 4 + i] = (uint8_t)(sizeof(content) >> (8 * i));
	n += 8;
	expect_gunzip(g, n, content, sizeof(content));

	/* Header CRC wrong. */
	g[hcrc_at] ^= 1;
	EXPECT_FAIL(ebpfc__gunzip(g, n, &out, &out_len, MB), -EINVAL, "header CRC");
	assert_null(out);
	g[hcrc_at] ^= 1;
	/* A reserved flag. */
	g[3] |= 0x80;
	EXPECT_FAIL(ebpfc__gunzip(g, n, &out, &out_len, MB), -EINVAL, "reserved header flags");
	g[3] &= 0x7f;
	/* Names and fields that run off the end. */
	EXPECT_FAIL(ebpfc__gunzip(g, 14, &out, &out_len, MB), -EINVAL, "FEXTRA");
	EXPECT_FAIL(ebpfc__gunzip(g, 11, &out, &out_len, MB), -EINVAL, "FEXTRA length");
	EXPECT_FAIL(ebpfc__gunzip(g, 22, &out, &out_len, MB), -EINVAL, "FNAME");
	EXPECT_FAIL(ebpfc__gunzip(g, 33, &out, &out_len, MB), -EINVAL, "FCOMMENT");
	EXPECT_FAIL(ebpfc__gunzip(g, 38, &out, &out_len, MB), -EINVAL, "FHCRC");
	/* Wrong magic and method. */
	EXPECT_FAIL(ebpfc__gunzip("\x1f\x8c\x08\0\0\0\0\0\0\0xxxxxxxx", 18, &out, &out_len, MB),
		    -EINVAL, "not gzip data");
	EXPECT_FAIL(ebpfc__gunzip("\x1f\x8b\x07\0\0\0\0\0\0\0xxxxxxxx", 18, &out, &out_len, MB),
		    -EINVAL, "compression method 7");
	EXPECT_FAIL(ebpfc__gunzip("\x1f\x8b\x08", 3, &out, &out_len, MB), -EINVAL,
		    "header truncated");
	EXPECT_FAIL(ebpfc__gunzip("", 0, &out, &out_len, MB), -EINVAL, "empty");
	assert_true(ebpfc__is_gzip(g, n));
	assert_false(ebpfc__is_gzip(g, 2));
	free(gz);
}

static void test_gzip_members(void **state)
{
	uint8_t *a = gen_text(70000), *b = gen_random(3000), *ga, *gb, *ge, *all, *want;
	size_t la, lb, le, n;
	void *out;
	size_t out_len;
	uint8_t empty;

	(void)state;
	REQUIRE_GZIP();
	ga = gzip_of(a, 70000, "-6 -n", &la);
	gb = gzip_of(b, 3000, "-6 -n", &lb);
	ge = gzip_of(&empty, 0, "-n", &le);
	all = malloc(la + lb + le + 64);
	want = malloc(73000);
	memcpy(want, a, 70000);
	memcpy(want + 70000, b, 3000);

	/* a, empty, b, then zero padding. */
	n = 0;
	memcpy(all + n, ga, la), n += la;
	memcpy(all + n, ge, le), n += le;
	memcpy(all + n, gb, lb), n += lb;
	expect_gunzip(all, n, want, 73000);
	memset(all + n, 0, 64);
	expect_gunzip(all, n + 64, want, 73000);
	/* Trailing garbage is not. */
	all[n + 10] = 'x';
	EXPECT_FAIL(ebpfc__gunzip(all, n + 64, &out, &out_len, MB), -EINVAL, "trailing garbage");
	all[n] = 0x1f;
	EXPECT_FAIL(ebpfc__gunzip(all, n + 64, &out, &out_len, MB), -EINVAL, "gzip member 4");
	/* A second member truncated inside its header. */
	EXPECT_FAIL(ebpfc__gunzip(all, la + 5, &out, &out_len, MB), -EINVAL, "gzip member 2");
	/* The limit counts all members together. */
	EXPECT_FAIL(ebpfc__gunzip(all, n, &out, &out_len, 72999), -EFBIG, "limit of 72999");
	free(ga), free(gb), free(ge), free(all), free(want), free(a), free(b);
}

/* Member 2 may not refer back into member 1's output. */
static void test_gzip_member_is_own_window(void **state)
{
	struct bw *w = calloc(1, sizeof(*w));
	uint8_t *g1, *g2, *both;
	size_t l1, l2;
	void *out;
	size_t out_len;

	(void)state;
	put(w, 1, 1), put(w, 1, 2);	/* final, fixed */
	put_fixed_lit(w, 'a');
	put_fixed_lit(w, 256);
	g1 = gzip_wrap(w->buf, bw_bytes(w), "a", 1, &l1);
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_match(w, 3, 1);
	put_fixed_lit(w, 256);
	g2 = gzip_wrap(w->buf, bw_bytes(w), "aaa", 3, &l2);
	both = malloc(l1 + l2);
	memcpy(both, g1, l1);
	memcpy(both + l1, g2, l2);
	expect_gunzip(g1, l1, "a", 1);
	EXPECT_FAIL(ebpfc__gunzip(both, l1 + l2, &out, &out_len, MB), -EINVAL,
		    "gzip member 2: block 1");
	EXPECT_FAIL(ebpfc__gunzip(both, l1 + l2, &out, &out_len, MB), -EINVAL,
		    "reaches before the start");
	free(g1), free(g2), free(both), free(w);
}

static void test_zlib(void **state)
{
	uint8_t *b = gen_text(50000), *gz, *z;
	const uint8_t *def;
	size_t gz_len, def_len, zl, consumed;
	uint32_t ad = ref_adler32(b, 50000);
	void *out;
	size_t out_len;

	(void)state;
	REQUIRE_GZIP();
	gz = gzip_of(b, 50000, "-9 -n", &gz_len);
	def = deflate_part(gz, gz_len, &def_len);
	z = malloc(def_len + 7);
	z[0] = 0x78, z[1] = 0xda;
	memcpy(z + 2, def, def_len);
	zl = 2 + def_len;
	z[zl++] = (uint8_t)(ad >> 24), z[zl++] = (uint8_t)(ad >> 16);
	z[zl++] = (uint8_t)(ad >> 8), z[zl++] = (uint8_t)ad;

	assert_int_equal(ebpfc__zlib_uncompress(z, zl, &out, &out_len, MB), 0);
	assert_int_equal(out_len, 50000);
	assert_memory_equal(out, b, 50000);
	free(out);

	/* Raw: the same bytes, and how many the stream used. */
	assert_int_equal(ebpfc__inflate_raw(def, def_len + 8, &out, &out_len, MB, &consumed), 0);
	assert_int_equal(consumed, def_len);
	assert_int_equal(out_len, 50000);
	assert_memory_equal(out, b, 50000);
	free(out);

	z[zl - 1] ^= 1;
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl, &out, &out_len, MB), -EINVAL, "Adler-32 mismatch");
	z[zl - 1] ^= 1;
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl - 1, &out, &out_len, MB), -EINVAL,
		    "before the Adler-32");
	z[zl] = 0;
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl + 1, &out, &out_len, MB), -EINVAL,
		    "1 bytes after the end");
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl, &out, &out_len, 49999), -EFBIG, "limit");
	z[1] = 0xdb;
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl, &out, &out_len, MB), -EINVAL, "check bits");
	z[0] = 0x88, z[1] = 0x1c;	/* CINFO 8: 64 KiB window (0x881c % 31 == 0) */
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl, &out, &out_len, MB), -EINVAL, "window");
	z[0] = 0x79, z[1] = 0xd8;	/* method 9 */
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl, &out, &out_len, MB), -EINVAL,
		    "compression method 9");
	z[0] = 0x78, z[1] = 0xbb;	/* FDICT */
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, zl, &out, &out_len, MB), -EINVAL,
		    "preset dictionary");
	EXPECT_FAIL(ebpfc__zlib_uncompress(z, 1, &out, &out_len, MB), -EINVAL, "truncated");
	free(z), free(gz), free(b);
}

/* ---- hand-made streams ----------------------------------------------------- */

/* Decode raw bits; returns the error and leaves the output in *out. */
static int raw(struct bw *w, void **out, size_t *out_len)
{
	size_t consumed;

	return ebpfc__inflate_raw(w->buf, bw_bytes(w), out, out_len, MB, &consumed);
}

static void test_fixed_and_stored_by_hand(void **state)
{
	struct bw *w = calloc(1, sizeof(*w));
	uint8_t *want = malloc(40000), *big = gen_random(32768);
	void *out;
	size_t out_len, i, n;

	(void)state;
	/* Stored "abc", an empty stored block, then fixed: a match of 258
	 * at distance 1, one at distance 3, end. */
	put(w, 0, 1), put(w, 0, 2);
	w->bits = (w->bits + 7) & ~7u;
	put(w, 3, 16), put(w, 0xfffc, 16);
	put(w, 'a', 8), put(w, 'b', 8), put(w, 'c', 8);
	put(w, 0, 1), put(w, 0, 2);
	w->bits = (w->bits + 7) & ~7u;
	put(w, 0, 16), put(w, 0xffff, 16);
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_match(w, 258, 1);
	put_fixed_match(w, 10, 3);
	put_fixed_lit(w, 200);	/* a 9-bit literal */
	put_fixed_lit(w, 256);
	assert_int_equal(raw(w, &out, &out_len), 0);
	n = 0;
	memcpy(want, "abc", 3), n = 3;
	memset(want + n, 'c', 258), n += 258;
	for (i = 0; i < 10; i++, n++)
		want[n] = want[n - 3];
	want[n++] = 200;
	assert_int_equal(out_len, n);
	assert_memory_equal(out, want, n);
	free(out);

	/* The farthest distance, 32768, exactly as far as there is output. */
	memset(w, 0, sizeof(*w));
	put(w, 0, 1), put(w, 0, 2);
	w->bits = (w->bits + 7) & ~7u;
	put(w, 32768, 16), put(w, 32767, 16);
	memcpy(w->buf + w->bits / 8, big, 32768);
	w->bits += 32768 * 8;
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_match(w, 258, 32768);
	put_fixed_lit(w, 256);
	assert_int_equal(raw(w, &out, &out_len), 0);
	assert_int_equal(out_len, 32768 + 258);
	assert_memory_equal(out, big, 32768);
	assert_memory_equal((uint8_t *)out + 32768, big, 258);
	free(out);
	free(w), free(want), free(big);
}

static void test_bad_blocks(void **state)
{
	struct bw *w = calloc(1, sizeof(*w));
	void *out;
	size_t out_len;

	(void)state;
	/* Block type 3. */
	put(w, 1, 1), put(w, 3, 2);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "block type 3 is reserved");
	assert_null(out);

	/* Stored length and its complement disagree. */
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 0, 2);
	w->bits = 8;
	put(w, 5, 16), put(w, 0x1234, 16);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "does not match its complement");
	/* Stored length past the end of the input. */
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 0, 2);
	w->bits = 8;
	put(w, 500, 16), put(w, 500 ^ 0xffff, 16);
	put(w, 'x', 8);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "truncated");

	/* A distance before the start of the output. */
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_lit(w, 'a');
	put_fixed_match(w, 3, 2);
	put_fixed_lit(w, 256);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "distance 2 reaches before the start");
	/* A match as the very first thing. */
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_match(w, 258, 1);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "(0 bytes so far)");

	/* Reserved literal/length symbols 286 and 287; distance 30 and 31. */
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_lit(w, 286);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "symbol 286 is reserved");
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_lit(w, 287);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "symbol 287 is reserved");
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 1, 2);
	put_fixed_lit(w, 'a');
	put_fixed_lit(w, 257);
	put_code(w, 30, 5);
	put_fixed_lit(w, 256);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "distance symbol 30 is reserved");

	/* No final block: the input ends. */
	memset(w, 0, sizeof(*w));
	put(w, 0, 1), put(w, 1, 2);
	put_fixed_lit(w, 'a');
	put_fixed_lit(w, 256);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "truncated");
	free(w);
}

/*
 * Dynamic block header with the code-length code "symbols 0..15, four
 * bits each" (so each length is sent as itself), then the lengths.
 */
static void put_dyn_header(struct bw *w, int final, unsigned hlit, unsigned hdist,
			   const uint8_t *lens)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
					   11, 4, 12, 3, 13, 2, 14, 1, 15 };
	unsigned i;

	put(w, (unsigned)final, 1), put(w, 2, 2);
	put(w, hlit - 257, 5), put(w, hdist - 1, 5), put(w, 19 - 4, 4);
	for (i = 0; i < 19; i++)
		put(w, order[i] < 16 ? 4 : 0, 3);
	for (i = 0; i < hlit + hdist; i++)
		put_code(w, lens[i], 4);
}

static void test_dynamic_by_hand(void **state)
{
	struct bw *w = calloc(1, sizeof(*w));
	uint8_t lens[320];
	void *out;
	size_t out_len;
	unsigned i;

	(void)state;
	/* 0..253, 256 and 257 at 8 bits (complete); one distance of 1 bit. */
	memset(lens, 0, sizeof(lens));
	memset(lens, 8, 254);
	lens[256] = lens[257] = 8;
	lens[258] = 1;
	put_dyn_header(w, 1, 258, 1, lens);
	put_code(w, 'a', 8), put_code(w, 'b', 8);
	put_code(w, 255, 8), put_code(w, 0, 1);	/* length 3 (257), distance 1 */
	put_code(w, 254, 8);			/* end of block */
	assert_int_equal(raw(w, &out, &out_len), 0);
	assert_int_equal(out_len, 5);
	assert_memory_equal(out, "abbbb", 5);
	free(out);
	/* The unused half of that one-bit distance code. */
	memset(w, 0, sizeof(*w));
	put_dyn_header(w, 1, 258, 1, lens);
	put_code(w, 'a', 8);
	put_code(w, 255, 8), put_code(w, 1, 1);
	put(w, 0, 32);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "invalid distance code");

	/* Codes of every length to 15: sym k-1 at length k, EOB at 15. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	for (i = 0; i < 15; i++)
		lens[i] = (uint8_t)(i + 1);
	lens[256] = 15;
	put_dyn_header(w, 1, 257, 1, lens);
	for (i = 0; i < 15; i++)	/* symbol i: i ones and a zero */
		put_code(w, (1u << (i + 1)) - 2, i + 1);
	put_code(w, 0x7fff, 15);
	assert_int_equal(raw(w, &out, &out_len), 0);
	assert_int_equal(out_len, 15);
	for (i = 0; i < 15; i++)
		assert_int_equal(((uint8_t *)out)[i], i);
	free(out);

	/* A block with literals only: no distance codes at all. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	memset(lens, 9, 256);	/* half the code space */
	lens[256] = 1;		/* the other half: end of block is "0" */
	put_dyn_header(w, 1, 257, 1, lens);
	put_code(w, 0, 1);
	assert_int_equal(raw(w, &out, &out_len), 0);
	assert_int_equal(out_len, 0);
	free(out);

	/* The smallest code: end-of-block alone, one bit ("0"); "1" is no code. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	lens[256] = 1;
	put_dyn_header(w, 0, 257, 1, lens);
	put_code(w, 0, 1);
	put_dyn_header(w, 1, 257, 1, lens);
	put_code(w, 0, 1);
	assert_int_equal(raw(w, &out, &out_len), 0);
	assert_int_equal(out_len, 0);
	free(out);
	w->bits--;
	put_code(w, 1, 1);
	put(w, 0, 32);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "block 2, input byte");
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "invalid literal/length code");

	/* Over-subscribed: 256 codes of 8 bits plus end-of-block. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	memset(lens, 8, 257);
	lens[257] = 1;
	put_dyn_header(w, 1, 257, 1, lens);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "literal/length code is over-subscribed");
	/* Incomplete: half the 8-bit patterns unused. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	memset(lens, 8, 128);
	lens[256] = 8;
	lens[257] = 1;
	put_dyn_header(w, 1, 257, 1, lens);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "literal/length code is incomplete");
	/* Distance code incomplete with more than one code. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	memset(lens, 9, 256);
	lens[256] = 1;
	lens[257] = 2, lens[258] = 2;
	put_dyn_header(w, 1, 257, 2, lens);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "distance code is incomplete");
	/* Distance code over-subscribed. */
	memset(w, 0, sizeof(*w));
	lens[257] = 1, lens[258] = 1, lens[259] = 1;
	put_dyn_header(w, 1, 257, 3, lens);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "distance code is over-subscribed");
	/* No end-of-block code. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	memset(lens, 8, 256);
	lens[257] = 1;
	put_dyn_header(w, 1, 257, 1, lens);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "no end-of-block code");
	/* A block of only literals that then asks for a distance. */
	memset(w, 0, sizeof(*w));
	memset(lens, 0, sizeof(lens));
	memset(lens, 9, 256);
	lens[256] = 2, lens[257] = 2;
	put_dyn_header(w, 1, 258, 1, lens);
	put_code(w, 256, 9);		/* literal 0: 9-bit codes start at 1 0000 0000 */
	put_code(w, 1, 2);		/* length symbol 257 */
	put(w, 0, 32);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "invalid distance code");

	/* HLIT and HDIST beyond the alphabets. */
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 2, 2), put(w, 30, 5), put(w, 0, 5), put(w, 0, 4);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "HLIT says 287");
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 2, 2), put(w, 0, 5), put(w, 30, 5), put(w, 0, 4);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "HDIST says 31");
	free(w);
}

/* The code-length code and its repeat symbols 16, 17, 18. */
static void test_code_length_code(void **state)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
					   11, 4, 12, 3, 13, 2, 14, 1, 15 };
	struct bw *w = calloc(1, sizeof(*w));
	void *out;
	size_t out_len;
	unsigned i;

	(void)state;
	/* Code-length code: 0, 8, 16, 18 at two bits each: 00 01 10 11. */
#define CL_HEADER(hlit, hdist)                                                  \
	do {                                                                    \
		memset(w, 0, sizeof(*w));                                       \
		put(w, 1, 1), put(w, 2, 2);                                     \
		put(w, (hlit) - 257, 5), put(w, (hdist) - 1, 5), put(w, 15, 4);  \
		for (i = 0; i < 19; i++)                                        \
			put(w, order[i] == 0 || order[i] == 8 || order[i] == 16 || \
					order[i] == 18 ? 2 : 0, 3);             \
	} while (0)

	CL_HEADER(257, 1);
	put_code(w, 2, 2), put(w, 0, 2);	/* 16 first: nothing to repeat */
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "comes first");

	CL_HEADER(257, 1);
	for (i = 0; i < 3; i++)
		put_code(w, 3, 2), put(w, 127, 7);	/* 3 x 138 zeros > 258 */
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "runs past the 258 lengths");

	/* A valid one: 256 x 8 (0, then 16 x 85 repeats of 3), 256 = 8 too
	 * is over-subscribed, so: 0..255 are 8 by repeats, then a missing
	 * end-of-block is reported. Exercises 16 and 18 working. */
	CL_HEADER(257, 1);
	put_code(w, 1, 2);			/* length 8 for symbol 0 */
	for (i = 0; i < 85; i++)
		put_code(w, 2, 2), put(w, 0, 2);	/* repeat 3 times */
	put_code(w, 3, 2), put(w, 0, 7);	/* 11 zeros: 256 .. 266 > 258 */
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "runs past");
	CL_HEADER(257, 1);
	put_code(w, 1, 2);
	for (i = 0; i < 85; i++)
		put_code(w, 2, 2), put(w, 0, 2);
	put_code(w, 0, 2), put_code(w, 0, 2);	/* 256 and the distance: zero */
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "no end-of-block");

	/* Code-length codes that are incomplete, over-subscribed or empty. */
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 2, 2), put(w, 0, 5), put(w, 0, 5), put(w, 0, 4);
	put(w, 1, 3), put(w, 0, 3), put(w, 0, 3), put(w, 0, 3);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "code-length code is incomplete");
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 2, 2), put(w, 0, 5), put(w, 0, 5), put(w, 0, 4);
	put(w, 1, 3), put(w, 1, 3), put(w, 1, 3), put(w, 0, 3);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "code-length code is over-subscribed");
	memset(w, 0, sizeof(*w));
	put(w, 1, 1), put(w, 2, 2), put(w, 0, 5), put(w, 0, 5), put(w, 0, 4);
	put(w, 0, 12);
	EXPECT_FAIL(raw(w, &out, &out_len), -EINVAL, "code-length code is empty");
#undef CL_HEADER
	free(w);
}

/* ---- hostile input ----------------------------------------------------------- */

static void test_crc_and_size_mismatch(void **state)
{
	uint8_t *b = gen_text(10000), *gz;
	size_t gz_len;
	void *out;
	size_t out_len;

	(void)state;
	REQUIRE_GZIP();
	gz = gzip_of(b, 10000, "-n", &gz_len);
	gz[gz_len - 8] ^= 0x40;
	EXPECT_FAIL(ebpfc__gunzip(gz, gz_len, &out, &out_len, MB), -EINVAL, "CRC-32 mismatch");
	assert_null(out);
	gz[gz_len - 8] ^= 0x40;
	gz[gz_len - 1] ^= 1;
	EXPECT_FAIL(ebpfc__gunzip(gz, gz_len, &out, &out_len, MB), -EINVAL, "size mismatch");
	gz[gz_len - 1] ^= 1;
	EXPECT_FAIL(ebpfc__gunzip(gz, gz_len - 3, &out, &out_len, MB), -EINVAL,
		    "before the CRC-32 and size trailer");
	free(gz), free(b);
}

static void test_bomb(void **state)
{
	uint8_t *z = calloc(1, 8 * MB), *gz;
	size_t gz_len;
	void *out;
	size_t out_len;

	(void)state;
	REQUIRE_GZIP();
	gz = gzip_of(z, 8 * MB, "-9 -n", &gz_len);
	print_message("  8 MiB of zeros: %zu bytes of gzip\n", gz_len);
	EXPECT_FAIL(ebpfc__gunzip(gz, gz_len, &out, &out_len, MB), -EFBIG,
		    "exceeds the limit of 1048576 bytes");
	assert_null(out);
	EXPECT_FAIL(ebpfc__gunzip(gz, gz_len, &out, &out_len, 8 * MB - 1), -EFBIG, "limit");
	EXPECT_FAIL(ebpfc__gunzip(gz, gz_len, &out, &out_len, 0), -EFBIG, "limit of 0 bytes");
	assert_int_equal(ebpfc__gunzip(gz, gz_len, &out, &out_len, 8 * MB), 0);
	assert_int_equal(out_len, 8 * MB);
	assert_memory_equal(out, z, 8 * MB);
	free(out);
	/* Zero bytes of output fit a limit of zero. */
	free(gz);
	gz = gzip_of(z, 0, "-n", &gz_len);
	assert_int_equal(ebpfc__gunzip(gz, gz_len, &out, &out_len, 0), 0);
	assert_int_equal(out_len, 0);
	free(out);
	free(gz), free(z);
}

/* Every prefix of a valid file must fail cleanly, with a message. */
static void truncate_all(const uint8_t *gz, size_t gz_len, int zlib)
{
	size_t n;

	for (n = 0; n < gz_len; n++) {
		uint8_t *copy = malloc(n ? n : 1);	/* exact size: ASan sees overreads */
		void *out = (void *)1;
		size_t out_len;
		int err;

		memcpy(copy, gz, n);
		err = zlib ? ebpfc__zlib_uncompress(copy, n, &out, &out_len, 16 * MB)
			   : ebpfc__gunzip(copy, n, &out, &out_len, 16 * MB);
		if (err != -EINVAL)
			fail_msg("prefix of %zu bytes: %d %s", n, err, ebpfc_errmsg());
		assert_null(out);
		assert_true(ebpfc_errmsg()[0]);
		free(copy);
	}
}

static void test_truncated_every_length(void **state)
{
	uint8_t *t = gen_text(20000), *r = gen_random(3000), *gz, *z;
	const uint8_t *def;
	size_t gz_len, def_len;
	uint32_t ad;

	(void)state;
	REQUIRE_GZIP();
	gz = gzip_of(t, 20000, "-9 -n", &gz_len);
	truncate_all(gz, gz_len, 0);
	/* And as zlib. */
	def = deflate_part(gz, gz_len, &def_len);
	z = malloc(def_len + 6);
	z[0] = 0x78, z[1] = 0x9c;
	memcpy(z + 2, def, def_len);
	ad = ref_adler32(t, 20000);
	z[def_len + 2] = (uint8_t)(ad >> 24), z[def_len + 3] = (uint8_t)(ad >> 16);
	z[def_len + 4] = (uint8_t)(ad >> 8), z[def_len + 5] = (uint8_t)ad;
	truncate_all(z, def_len + 6, 1);
	free(z);
	free(gz);
	gz = gzip_of(r, 3000, "-1 -n", &gz_len);	/* stored */
	truncate_all(gz, gz_len, 0);
	free(gz), free(t), free(r);
}

/* Flipped bytes and bits anywhere: an error with a message, or (rarely,
 * when the CRC still matches) success; never a crash. */
static void test_random_corruption(void **state)
{
	uint8_t *t = gen_text(6000), *gz, *b;
	size_t gz_len, i, ok = 0, efbig = 0;

	(void)state;
	REQUIRE_GZIP();
	gz = gzip_of(t, 6000, "-9 -n", &gz_len);
	b = malloc(gz_len);
	for (i = 0; i < 30000; i++) {
		void *out;
		size_t out_len, k, nflip = 1 + rng() % 4;
		int err;

		memcpy(b, gz, gz_len);
		for (k = 0; k < nflip; k++) {
			uint64_t r = rng();
			size_t pos = 10 + (r >> 16) % (gz_len - 10);

			if (r & 1)
				b[pos] ^= (uint8_t)(1u << ((r >> 1) & 7));
			else
				b[pos] = (uint8_t)(r >> 8);
		}
		err = ebpfc__gunzip(b, gz_len, &out, &out_len, 64 * 1024);
		if (!err) {
			ok++;
			free(out);
			continue;
		}
		if (err == -EFBIG)
			efbig++;
		else if (err != -EINVAL)
			fail_msg("corruption %zu: %d %s", i, err, ebpfc_errmsg());
		assert_true(ebpfc_errmsg()[0]);
	}
	print_message("  30000 corruptions: %zu decoded, %zu over the limit, rest refused\n", ok,
		      efbig);
	free(b), free(gz), free(t);
}

/* Random bytes as raw DEFLATE, with and without a plausible first block. */
static void test_random_streams(void **state)
{
	uint8_t b[512];
	size_t i, k, ok = 0;

	(void)state;
	for (i = 0; i < 50000; i++) {
		void *out;
		size_t out_len, consumed, n = 1 + rng() % sizeof(b);

		for (k = 0; k < n; k++)
			b[k] = (uint8_t)(rng() >> 32);
		if (i & 1)
			b[0] = (uint8_t)((b[0] & ~6) | 4);	/* dynamic */
		if (!ebpfc__inflate_raw(b, n, &out, &out_len, 1 * MB, &consumed)) {
			ok++;
			assert_true(consumed <= n);
			free(out);
		} else {
			assert_true(ebpfc_errmsg()[0]);
		}
	}
	print_message("  50000 random streams: %zu decoded\n", ok);
}

/* ---- timing (information only) ------------------------------------------- */

static double time_decode(const uint8_t *gz, size_t gz_len, size_t want_len, int reps)
{
	double best = 1e9;
	int i;

	for (i = 0; i < reps; i++) {
		void *out;
		size_t out_len;
		double t0 = now(), t;

		assert_int_equal(ebpfc__gunzip(gz, gz_len, &out, &out_len, 256 * MB), 0);
		t = now() - t0;
		assert_int_equal(out_len, want_len);
		free(out);
		if (t < best)
			best = t;
	}
	return best;
}

static double time_gzip_dc(const uint8_t *gz, size_t gz_len)
{
	const char *path = tmpfile_with(gz, gz_len);
	char cmd[128];
	double best = 1e9;
	int i;

	snprintf(cmd, sizeof(cmd), "gzip -dc %s > /dev/null", path);
	for (i = 0; i < 3; i++) {
		double t0 = now(), t;

		assert_int_equal(system(cmd), 0);
		t = now() - t0;
		if (t < best)
			best = t;
	}
	unlink(path);
	return best;
}

static void test_timing(void **state)
{
	struct {
		const char *what;
		size_t len;
		uint8_t *(*gen)(size_t);
	} cases[] = {
		{ "config-sized text", 250000, gen_text },
		{ "4 MiB text", 4 * MB, gen_text },
		{ "4 MiB runs", 4 * MB, gen_runs },
		{ "3 MiB random", 3 * MB, gen_random },
	};
	size_t i;

	(void)state;
	REQUIRE_GZIP();
	for (i = 0; i < EBPFC__ARRAY_SIZE(cases); i++) {
		uint8_t *b = cases[i].gen(cases[i].len), *gz;
		size_t gz_len;
		double t, g;

		gz = gzip_of(b, cases[i].len, "-9 -n", &gz_len);
		t = time_decode(gz, gz_len, cases[i].len, 20);
		g = time_gzip_dc(gz, gz_len);
		print_message("  %-18s %8zu -> %8zu: %7.3f ms (%4.0f MB/s); gzip -dc process "
			      "%.3f ms\n", cases[i].what, gz_len, cases[i].len, t * 1e3,
			      (double)cases[i].len / t / 1e6, g * 1e3);
		free(gz), free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_roundtrip_text),
		cmocka_unit_test(test_roundtrip_random),
		cmocka_unit_test(test_roundtrip_runs),
		cmocka_unit_test(test_roundtrip_edges),
		cmocka_unit_test(test_stored_blocks_from_gzip),
		cmocka_unit_test(test_gzip_fname),
		cmocka_unit_test(test_gzip_header_flags),
		cmocka_unit_test(test_gzip_members),
		cmocka_unit_test(test_gzip_member_is_own_window),
		cmocka_unit_test(test_zlib),
		cmocka_unit_test(test_fixed_and_stored_by_hand),
		cmocka_unit_test(test_bad_blocks),
		cmocka_unit_test(test_dynamic_by_hand),
		cmocka_unit_test(test_code_length_code),
		cmocka_unit_test(test_crc_and_size_mismatch),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_random_streams),
		cmocka_unit_test(test_timing),
	};

	return cmocka_run_group_tests_name("inflate", tests, NULL, NULL);
}
