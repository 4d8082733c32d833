/*
 * kconfig.h - the running kernel's build configuration, for the values of
 * `extern ... __kconfig` variables in BPF objects. Internal; nothing here
 * is API.
 *
 * The config is read once into one buffer and parsed in one pass into a
 * sorted array of entries that point into it. Lookups are by full name
 * ("CONFIG_BPF_SYSCALL"). Besides the CONFIG_ options there is one
 * synthetic entry, LINUX_KERNEL_VERSION. The other LINUX_HAS_* externs
 * libbpf knows (LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER) are
 * feature probes, not config: the loader answers them (externs.c) and this
 * file reports them missing.
 */
#ifndef EBPFC_KCONFIG_H
#define EBPFC_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct ebpfc__kconfig;

/* What a config line says. A bool option reads as a tristate y or n. */
enum ebpfc__kconfig_kind {
	EBPFC__KCONFIG_TRISTATE = 1,	/* =y, =m, =n, "# CONFIG_X is not set" */
	EBPFC__KCONFIG_INT,		/* signed decimal, =-5 or =250 */
	EBPFC__KCONFIG_HEX,		/* =0x1f */
	EBPFC__KCONFIG_STRING,		/* ="..." with \" and \\ escapes undone */
};

struct ebpfc__kconfig_value {
	const char *name;		/* "CONFIG_HZ", owned by the kconfig */
	enum ebpfc__kconfig_kind kind;
	char tristate;			/* 'y', 'm' or 'n' (TRISTATE) */
	int64_t num;			/* INT */
	uint64_t hex;			/* HEX */
	const char *str;		/* STRING: NUL-terminated, owned by the kconfig */
	size_t str_len;
};

/*
 * Load the kernel config. With override_text (NUL-terminated "CONFIG_X=y"
 * lines, copied) that is the config; without, /boot/config-$(uname -r)
 * and then /proc/config.gz. LINUX_KERNEL_VERSION always comes from the
 * running kernel (ebpfc__kernel_version()). Returns 0, -ENOENT when there
 * is no config to read (the message names both paths), -EINVAL for a
 * malformed line ("/proc/config.gz: line 12: ..."), or another -errno.
 */
EBPFC__HIDDEN int ebpfc__kconfig_load(const char *override_text, struct ebpfc__kconfig **kc);

/*
 * What ebpfc__kconfig_load() does without an override, from given files:
 * the text at path, else the gzip file at gz_path (either may be
 * missing; both missing is -ENOENT naming both).
 */
EBPFC__HIDDEN int ebpfc__kconfig_load_files(const char *path, const char *gz_path,
					    uint32_t kernel_version, struct ebpfc__kconfig **kc);

/*
 * Parse len bytes of config text (copied; need not be NUL-terminated).
 * `source` names it in messages. kernel_version is what
 * LINUX_KERNEL_VERSION reads as; 0 leaves that entry out.
 */
EBPFC__HIDDEN int ebpfc__kconfig_parse(const char *text, size_t len, const char *source,
				       uint32_t kernel_version, struct ebpfc__kconfig **kc);

EBPFC__HIDDEN void ebpfc__kconfig_free(struct ebpfc__kconfig *kc);

/* Look an option up by its full name. 0, or -ENOENT (no message set). */
EBPFC__HIDDEN int ebpfc__kconfig_get(const struct ebpfc__kconfig *kc, const char *name,
				     struct ebpfc__kconfig_value *v);

/* Number of entries (LINUX_KERNEL_VERSION included), and entry i in name order. */
EBPFC__HIDDEN size_t ebpfc__kconfig_count(const struct ebpfc__kconfig *kc);
EBPFC__HIDDEN int ebpfc__kconfig_at(const struct ebpfc__kconfig *kc, size_t i,
				    struct ebpfc__kconfig_value *v);

/* The C type of an extern, as the loader reads it from BTF. */
enum ebpfc__kconfig_type {
	EBPFC__KCONFIG_T_BOOL,		/* bool: y true, n false; m is an error */
	EBPFC__KCONFIG_T_TRISTATE,	/* enum libbpf_tristate: n 0, y 1, m 2 */
	EBPFC__KCONFIG_T_CHAR,		/* char: 'y', 'm' or 'n' */
	EBPFC__KCONFIG_T_STRING,	/* char[size]: the string and its NUL */
	EBPFC__KCONFIG_T_INT,		/* signed integer of size 1, 2, 4 or 8 */
	EBPFC__KCONFIG_T_UINT,		/* unsigned integer of size 1, 2, 4 or 8 */
};

/*
 * Write the value of option `name` into dst (size bytes, host byte order)
 * as the C type says. An option missing from the config is -ENOENT unless
 * the extern is weak, when dst is zeroed and 0 is returned. A value that
 * does not fit (300 into a u8, -1 into unsigned, a 20-byte string into
 * char[16]) is -ERANGE; a value of the wrong kind (a string into an int,
 * m into a bool) or an unsupported size is -EINVAL. Every failure leaves
 * a message naming the option, its value and the C type.
 */
EBPFC__HIDDEN int ebpfc__kconfig_fill(const struct ebpfc__kconfig *kc, const char *name,
				      enum ebpfc__kconfig_type type, bool weak, void *dst,
				      size_t size);

/*
 * The running kernel's version as KERNEL_VERSION(a, b, c) with c capped
 * at 255, the value LINUX_VERSION_CODE had when it was built: Ubuntu's
 * /proc/version_signature, then Debian's "Debian a.b.c" in uname -v
 * (their uname -r says a.b.0), then uname -r. 0 if none parses.
 */
EBPFC__HIDDEN uint32_t ebpfc__kernel_version(void);

/*
 * The same from given strings (any may be NULL): a version signature
 * ("Ubuntu 5.15.0-91.101-generic 5.15.131"), uname's version and release.
 */
EBPFC__HIDDEN uint32_t ebpfc__kernel_version_from(const char *signature, const char *uts_version,
						  const char *uts_release);

#endif /* EBPFC_KCONFIG_H */
