/*
 * fuzz_kconfig.c - libFuzzer target for src/kconfig.c: parses the input as
 * kernel config text (or, when it starts like gzip, as /proc/config.gz
 * would be: gunzip first), then looks every entry up again by name and
 * fills it into every C type and size an extern could have, weak and not.
 * Also feeds the input to the kernel version parser. A failure must leave
 * a message; a lookup must find what iteration returned.
 *
 * Build and run (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -std=gnu11 -D_GNU_SOURCE -DEBPFC_BUILDING -Iinclude -Isrc \
 *         src/[a-z]*.c fuzz/fuzz_kconfig.c -o build-fuzz/fuzz_kconfig
 *   build-fuzz/fuzz_kconfig -max_total_time=60 build-fuzz/corpus-kconfig fuzz/corpus/kconfig
 * (src/kconfig.c src/inflate.c src/error.c src/util.c suffice if another
 * file in src/ does not build.) Seeds in fuzz/corpus/kconfig/ are small
 * configs, pieces of Debian's, malformed lines and a gzipped config.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/ebpfc.h>
#include "inflate.h"
#include "kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void fill_all(const struct ebpfc__kconfig *kc, const char *name)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 8, 16, 64 };
	uint8_t buf[64];
	size_t i;
	int t, weak;

	for (t = EBPFC__KCONFIG_T_BOOL; t <= EBPFC__KCONFIG_T_UINT; t++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			for (weak = 0; weak < 2; weak++) {
				int err;

				ebpfc__err_clear();
				err = ebpfc__kconfig_fill(kc, name, (enum ebpfc__kconfig_type)t,
							  weak, buf, sizes[i]);
				if (err && (!ebpfc_errmsg()[0] ||
					    (err != -EINVAL && err != -ERANGE && err != -ENOENT)))
					__builtin_trap();
				if (!err && t == EBPFC__KCONFIG_T_STRING &&
				    !memchr(buf, 0, sizes[i]))
					__builtin_trap();
			}
		}
	}
}

static void parse(const char *text, size_t len)
{
	struct ebpfc__kconfig *kc = NULL;
	size_t i, n;

	ebpfc__err_clear();
	if (ebpfc__kconfig_parse(text, len, "fuzz", 0x060100, &kc)) {
		if (kc || !ebpfc_errmsg()[0])
			__builtin_trap();
		return;
	}
	n = ebpfc__kconfig_count(kc);
	for (i = 0; i < n; i++) {
		struct ebpfc__kconfig_value v, w;

		if (ebpfc__kconfig_at(kc, i, &v) || ebpfc__kconfig_get(kc, v.name, &w) ||
		    w.name != v.name)
			__builtin_trap();
		if (v.kind == EBPFC__KCONFIG_STRING) {
			if (strlen(v.str) != v.str_len)
				__builtin_trap();
		} else if (v.kind == EBPFC__KCONFIG_TRISTATE) {
			if (v.tristate != 'y' && v.tristate != 'm' && v.tristate != 'n')
				__builtin_trap();
		}
		sink ^= (uint8_t)v.name[0];
		if (i < 64)
			fill_all(kc, v.name);
	}
	fill_all(kc, "CONFIG_NOT_THERE");
	ebpfc__kconfig_free(kc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (ebpfc__is_gzip(data, size)) {
		void *text;
		size_t len;

		if (!ebpfc__gunzip(data, size, &text, &len, 1 << 20)) {
			parse(text, len);
			free(text);
		}
	} else {
		parse((const char *)data, size);
	}

	/* The version parsers take C strings: cut the input in three. */
	s = malloc(size + 3);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = s[size + 1] = s[size + 2] = 0;
	{
		char *v = s + strlen(s) + 1, *r;

		if (v > s + size)
			v = s + size + 1;
		r = v + strlen(v) + 1;
		if (r > s + size + 2)
			r = s + size + 2;
		sink ^= (uint8_t)ebpfc__kernel_version_from(s, v, r);
	}
	free(s);
	return 0;
}
