/*
 * ebpfc/common.h - what every other ebpfc header builds on: the export
 * macro, the extensible-options convention, error reporting and the log
 * callback type.
 *
 * Conventions used everywhere in the API:
 *   - functions return 0 (or a documented non-negative value) on success and
 *     a negative errno on failure;
 *   - every failure also leaves a one-line message for the calling thread,
 *     read with ebpfc_errmsg();
 *   - objects are handed back through out-parameters; destroying NULL is a
 *     no-op;
 *   - options are structs whose first member is `size_t sz`, declared with
 *     EBPFC_OPTS() so that new members can be appended without breaking
 *     programs compiled against an older header. NULL options mean defaults.
 */
#ifndef EBPFC_COMMON_H
#define EBPFC_COMMON_H

#include <stddef.h>
#include <ebpfc/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(EBPFC_BUILDING) && defined(__GNUC__)
#define EBPFC_API __attribute__((visibility("default")))
#else
#define EBPFC_API
#endif

/*
 * Declare and zero an options struct, set its size and the named members:
 *   EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_level = 1);
 * A library built against a newer header accepts the smaller struct; a
 * library that meets a larger struct whose unknown tail is not all zero
 * refuses it with -EINVAL.
 */
#if defined(__cplusplus) && defined(__GNUC__)
/* g++ warns about the members a designated initializer leaves out: that is the point here. */
#define EBPFC__OPTS_DIAG_PUSH \
	_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")
#define EBPFC__OPTS_DIAG_POP _Pragma("GCC diagnostic pop")
#else
#define EBPFC__OPTS_DIAG_PUSH
#define EBPFC__OPTS_DIAG_POP
#endif

#define EBPFC_OPTS(TYPE, NAME, ...)                                 \
	EBPFC__OPTS_DIAG_PUSH                                       \
	struct TYPE NAME = ({                                       \
		struct TYPE ebpfc__o_;                              \
		__builtin_memset(&ebpfc__o_, 0, sizeof(ebpfc__o_)); \
		ebpfc__o_ = (struct TYPE){ __VA_ARGS__ };           \
		ebpfc__o_.sz = sizeof(struct TYPE);                 \
		ebpfc__o_;                                          \
	});                                                         \
	EBPFC__OPTS_DIAG_POP

/*
 * The message of the calling thread's last failure: what failed, on which
 * map, program or object, and why, with a hint where one is known. Never
 * NULL; "" when nothing has failed yet. Valid until the next ebpfc call on
 * this thread.
 */
EBPFC_API const char *ebpfc_errmsg(void);

/*
 * A readable name for an errno value, negative or positive, such as
 * "EPERM (Operation not permitted)". Never NULL; thread-local storage.
 */
EBPFC_API const char *ebpfc_strerror(int err);

/* The version string of the linked library, e.g. "0.1.0". */
EBPFC_API const char *ebpfc_version(void);

enum ebpfc_log_level {
	EBPFC_LOG_WARN = 0,
	EBPFC_LOG_INFO = 1,
	EBPFC_LOG_DEBUG = 2,
};

/*
 * Log callback, given per object or per call in the options; the default is
 * silence. `msg` is one line without a trailing newline, valid only during
 * the call.
 */
typedef void (*ebpfc_log_fn)(enum ebpfc_log_level level, const char *msg, void *user);

#ifdef __cplusplus
}
#endif

#endif /* EBPFC_COMMON_H */
