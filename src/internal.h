/*
 * internal.h - helpers shared by the library's own files and never
 * exported: error reporting, options validation, small utilities.
 * Nothing here is API; names start with ebpfc__.
 */
#ifndef EBPFC_INTERNAL_H
#define EBPFC_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ebpfc/common.h>

#define EBPFC__HIDDEN __attribute__((visibility("hidden")))
#define EBPFC__PRINTF(a, b) __attribute__((format(printf, a, b)))

#define EBPFC__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define EBPFC__ROUND_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define EBPFC__OFFSETOFEND(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

/*
 * Record a failure for ebpfc_errmsg() and return -err (err may be given
 * with either sign). The message is formatted with printf rules; callers
 * name what failed ("map 'counts': ...") so the line stands on its own.
 */
EBPFC__HIDDEN int ebpfc__err(int err, const char *fmt, ...) EBPFC__PRINTF(2, 3);
EBPFC__HIDDEN int ebpfc__verr(int err, const char *fmt, va_list ap);

/* Append " (hint)" or more text to the current message. */
EBPFC__HIDDEN void ebpfc__err_append(const char *fmt, ...) EBPFC__PRINTF(1, 2);

/* Clear the calling thread's message (used on success paths of probes). */
EBPFC__HIDDEN void ebpfc__err_clear(void);

/*
 * Validate an options struct: NULL is fine; sz must be at least the size of
 * the first member; a struct larger than ours must have an all-zero tail.
 * Returns 0 or -EINVAL with a message naming the options type.
 */
EBPFC__HIDDEN int ebpfc__opts_check(const void *opts, size_t known_sz, const char *type_name);
#define EBPFC__OPTS_CHECK(opts, TYPE) \
	ebpfc__opts_check((opts), sizeof(struct TYPE), #TYPE)

/*
 * Read member M of an options struct that may be NULL or older (smaller)
 * than the library's definition; absent members read as DEF.
 */
#define EBPFC__OPT(opts, M, DEF)                                              \
	(((opts) && (opts)->sz >= EBPFC__OFFSETOFEND(__typeof__(*(opts)), M)) \
		 ? (opts)->M                                                  \
		 : (DEF))

/* Send one formatted line to a log callback, if there is one. */
EBPFC__HIDDEN void ebpfc__log(ebpfc_log_fn fn, void *user, enum ebpfc_log_level lvl,
			      const char *fmt, ...) EBPFC__PRINTF(4, 5);

/* Copy a C string into a fixed buffer, always terminating it. */
EBPFC__HIDDEN void ebpfc__strlcpy(char *dst, const char *src, size_t size);

/* Number of possible CPUs from /sys/devices/system/cpu/possible, or -errno. */
EBPFC__HIDDEN int ebpfc__num_possible_cpus(void);

/*
 * Make the pages under [p, p + len) present in one call (MADV_POPULATE_WRITE,
 * contents kept; rounded out to whole pages, which is harmless for heap
 * memory). On the VMs this runs on, a page fault costs several times what
 * populating the same page in bulk does; worth it from EBPFC__POPULATE_MIN
 * bytes, below which malloc mostly recycles present memory anyway. Best
 * effort: before Linux 5.14 pages are faulted in as they are written.
 */
#define EBPFC__POPULATE_MIN (64 * 1024)
EBPFC__HIDDEN void ebpfc__populate(void *p, size_t len);

/*
 * Read what is left of an open file into a malloc'd, NUL-terminated buffer
 * (sized from fstat for regular files), at most EBPFC__READ_MAX bytes.
 * `what` names the file in messages. Returns 0 or -errno (with a message).
 */
#define EBPFC__READ_MAX ((size_t)1 << 31)
EBPFC__HIDDEN int ebpfc__read_fd(int fd, const char *what, char **buf, size_t *len);

/*
 * Read a whole small file (sysfs, procfs, tracefs) into a malloc'd,
 * NUL-terminated buffer. Returns 0 or -errno (with a message).
 */
EBPFC__HIDDEN int ebpfc__read_file(const char *path, char **buf, size_t *len);

/* Raise RLIMIT_MEMLOCK once per process, only where the kernel charges it. */
EBPFC__HIDDEN void ebpfc__memlock_autoraise(void);

/*
 * Is fd a BPF object of this kind ("bpf-map", "bpf-prog")? Read from the
 * fd's anon-inode name in /proc/self/fd; true when /proc cannot tell, so
 * the kernel stays the judge there. BPF_OBJ_GET_INFO_BY_FD alone cannot
 * tell: it fills a map info buffer with a program's info without an error.
 */
EBPFC__HIDDEN bool ebpfc__fd_is_bpf(int fd, const char *kind);

/*
 * Pin fd at path / remove a pin, with a message naming the thing ("map",
 * "program", "link") and its name, and a hint for the usual mistakes.
 */
EBPFC__HIDDEN int ebpfc__pin_fd(int fd, const char *path, const char *what, const char *name);
EBPFC__HIDDEN int ebpfc__unpin(const char *path, const char *what, const char *name);

/* A close() that preserves errno and ignores negative fds. */
EBPFC__HIDDEN void ebpfc__close(int fd);

#endif /* EBPFC_INTERNAL_H */
