/*
 * fuzz_inflate.c - libFuzzer target for src/inflate.c: every input goes
 * through gunzip, zlib and raw DEFLATE decoding with a 1 MiB output
 * limit. A failure must be -EINVAL or -EFBIG with a message and no
 * output; a success must be repeatable from exactly the bytes it says it
 * consumed, and must fail with -EFBIG one byte under its own size.
 *
 * Build and run (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -std=gnu11 -D_GNU_SOURCE -DEBPFC_BUILDING -Iinclude -Isrc \
 *         src/[a-z]*.c fuzz/fuzz_inflate.c -o build-fuzz/fuzz_inflate
 *   build-fuzz/fuzz_inflate -max_total_time=60 build-fuzz/corpus-inflate fuzz/corpus/inflate
 * (src/inflate.c src/error.c src/util.c suffice if another file in src/
 * does not build.) Seeds in fuzz/corpus/inflate/ are gzip -1/-9 files of
 * text, random bytes and runs, multi-member files, a zlib and a raw stream.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/ebpfc.h>
#include "inflate.h"

#define LIMIT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

enum mode { GZIP, ZLIB, RAW };

static int run(enum mode m, const uint8_t *data, size_t size, void **out, size_t *out_len,
	       size_t limit, size_t *consumed)
{
	ebpfc__err_clear();
	switch (m) {
	case GZIP:
		return ebpfc__gunzip(data, size, out, out_len, limit);
	case ZLIB:
		return ebpfc__zlib_uncompress(data, size, out, out_len, limit);
	default:
		return ebpfc__inflate_raw(data, size, out, out_len, limit, consumed);
	}
}

static void check(enum mode m, const uint8_t *data, size_t size)
{
	void *out = (void *)1, *again = NULL;
	size_t out_len = 0, again_len = 0, consumed = size, c2;
	int err;

	err = run(m, data, size, &out, &out_len, LIMIT, &consumed);
	if (err) {
		if ((err != -EINVAL && err != -EFBIG && err != -ENOMEM) || out ||
		    !ebpfc_errmsg()[0])
			__builtin_trap();
		return;
	}
	if (out_len > LIMIT || consumed > size || ((uint8_t *)out)[out_len] != 0)
		__builtin_trap();
	if (out_len)
		sink ^= ((uint8_t *)out)[0] ^ ((uint8_t *)out)[out_len - 1];

	/* The same output from just the consumed bytes, at a limit of exactly its size. */
	if (run(m, data, consumed, &again, &again_len, out_len, &c2) || again_len != out_len ||
	    (out_len && memcmp(again, out, out_len)) || (m == RAW && c2 != consumed))
		__builtin_trap();
	free(again);
	/* One byte under: refused as too big. */
	if (out_len) {
		again = (void *)1;
		if (run(m, data, consumed, &again, &again_len, out_len - 1, &c2) != -EFBIG || again)
			__builtin_trap();
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(GZIP, data, size);
	check(ZLIB, data, size);
	check(RAW, data, size);
	if (ebpfc__crc32(0, data, size) != ebpfc__crc32(ebpfc__crc32(0, data, size / 2),
							data + size / 2, size - size / 2))
		__builtin_trap();
	return 0;
}
