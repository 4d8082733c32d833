/*
 * error.c - the calling thread's last error message, errno names, and the
 * log callback plumbing. The only state here is thread-local, so the
 * library stays safe to use from several threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define EBPFC__ERRMSG_MAX 1024

static __thread char errbuf[EBPFC__ERRMSG_MAX];
static __thread char strerrbuf[128];

EBPFC_API const char *ebpfc_errmsg(void)
{
	return errbuf;
}

EBPFC_API const char *ebpfc_version(void)
{
	return EBPFC_VERSION_STRING;
}

EBPFC_API const char *ebpfc_strerror(int err)
{
	char tmp[96];
	const char *name, *desc;

	if (err < 0)
		err = -err;
	name = strerrorname_np(err);
	/* GNU strerror_r may return a static string instead of filling tmp. */
	desc = strerror_r(err, tmp, sizeof(tmp));
	if (name)
		snprintf(strerrbuf, sizeof(strerrbuf), "%s (%s)", name, desc);
	else
		snprintf(strerrbuf, sizeof(strerrbuf), "error %d (%s)", err, desc);
	return strerrbuf;
}

int ebpfc__verr(int err, const char *fmt, va_list ap)
{
	int saved = errno;

	if (err < 0)
		err = -err;
	if (err == 0)
		err = EINVAL;
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	errno = saved;
	return -err;
}

int ebpfc__err(int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ebpfc__verr(err, fmt, ap);
	va_end(ap);
	return ret;
}

void ebpfc__err_append(const char *fmt, ...)
{
	size_t len = strlen(errbuf);
	va_list ap;

	if (len >= sizeof(errbuf) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf + len, sizeof(errbuf) - len, fmt, ap);
	va_end(ap);
}

void ebpfc__err_clear(void)
{
	errbuf[0] = '\0';
}

int ebpfc__opts_check(const void *opts, size_t known_sz, const char *type_name)
{
	const unsigned char *p = opts;
	size_t sz, i;

	if (!opts)
		return 0;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t))
		return ebpfc__err(EINVAL, "struct %s: sz %zu is too small (set it with EBPFC_OPTS)",
				  type_name, sz);
	for (i = known_sz; i < sz; i++) {
		if (p[i])
			return ebpfc__err(EINVAL,
					  "struct %s: byte %zu is set, but this library (%s) knows only "
					  "the first %zu bytes; it is older than the header you built with",
					  type_name, i, EBPFC_VERSION_STRING, known_sz);
	}
	return 0;
}

void ebpfc__log(ebpfc_log_fn fn, void *user, enum ebpfc_log_level lvl, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fn(lvl, line, user);
}

void ebpfc__strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (!size)
		return;
	n = src ? strnlen(src, size - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void ebpfc__close(int fd)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
}
