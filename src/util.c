/*
 * util.c - small facts about the running system that several files need:
 * the number of possible CPUs and whole-file reads of sysfs/procfs/tracefs
 * files. No caching here: callers that need a value often keep it.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <ebpfc/sys.h>
#include "internal.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void ebpfc__populate(void *p, size_t len)
{
	uintptr_t start = (uintptr_t)p & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)p + len + 4095) & ~(uintptr_t)4095;

	if (len)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

int ebpfc__read_fd(int fd, const char *what, char **bufp, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf, *nbuf;
	struct stat st;
	ssize_t n;

	/*
	 * A regular file is read into one buffer of its size (+1 for the NUL
	 * and to see EOF): growing by doubling would copy it into fresh pages
	 * several times, and fresh pages are what costs here. procfs and
	 * sysfs report a size of 0 or a guess; the loop grows past either.
	 */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size < EBPFC__READ_MAX)
		cap = (size_t)st.st_size + 2;
	buf = malloc(cap);
	if (!buf)
		return ebpfc__err(ENOMEM, "%s: out of memory reading %zu bytes", what, cap);
	/* An object file's worth: cheaper made present in bulk than faulted in by read(). */
	if (cap >= EBPFC__POPULATE_MIN)
		ebpfc__populate(buf, cap);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= EBPFC__READ_MAX) {
				free(buf);
				return ebpfc__err(E2BIG, "%s: larger than %zu bytes", what,
						  (size_t)EBPFC__READ_MAX);
			}
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				free(buf);
				return ebpfc__err(ENOMEM, "%s: out of memory reading %zu bytes", what,
						  cap * 2);
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			return ebpfc__err(e, "%s: read: %s", what, ebpfc_strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*bufp = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

int ebpfc__read_file(const char *path, char **bufp, size_t *lenp)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ebpfc__err(errno, "cannot open %s: %s", path, ebpfc_strerror(errno));
	err = ebpfc__read_fd(fd, path, bufp, lenp);
	close(fd);
	return err;
}

/*
 * Parse a CPU list such as "0-3,8,10-11" and return the highest CPU + 1:
 * per-CPU maps have one slot for every possible CPU id, holes included.
 */
static int parse_cpu_list(const char *s)
{
	long hi = -1, a, b;
	char *end;

	while (*s && *s != '\n') {
		a = strtol(s, &end, 10);
		if (end == s || a < 0)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				return -EINVAL;
			s = end;
		}
		if (b > hi)
			hi = b;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	if (hi < 0 || hi > 1 << 20)
		return -EINVAL;
	return (int)hi + 1;
}

int ebpfc__num_possible_cpus(void)
{
	static const char path[] = "/sys/devices/system/cpu/possible";
	char *buf;
	int err, n;

	err = ebpfc__read_file(path, &buf, NULL);
	if (err)
		return err;
	n = parse_cpu_list(buf);
	free(buf);
	if (n < 0)
		return ebpfc__err(EINVAL, "cannot parse %s", path);
	return n;
}

bool ebpfc__fd_is_bpf(int fd, const char *kind)
{
	char path[32], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return true;
	link[n] = '\0';
	return strncmp(link, "anon_inode:", 11) == 0 && strcmp(link + 11, kind) == 0;
}

int ebpfc__pin_fd(int fd, const char *path, const char *what, const char *name)
{
	int err = ebpfc_sys_obj_pin(fd, path);

	if (err)
		return ebpfc__err(err, "%s '%s': cannot pin at %s: %s%s", what, name, path,
				  ebpfc_strerror(err),
				  err == -EEXIST ? " (something is pinned there already)"
				  : err == -EPERM || err == -EINVAL
					  ? " (is the directory on a bpffs mount, e.g. /sys/fs/bpf?)"
					  : "");
	return 0;
}

int ebpfc__unpin(const char *path, const char *what, const char *name)
{
	if (unlink(path) != 0)
		return ebpfc__err(errno, "%s '%s': cannot unpin %s: %s", what, name, path,
				  ebpfc_strerror(errno));
	return 0;
}
