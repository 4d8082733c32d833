/*
 * testutil.c - the shared test helpers declared in testutil.h: privilege
 * checks, bpffs and cgroup2 scratch directories, fd counting, a minimal
 * BTF blob and a lookup in vmlinux BTF.
 *
 * These helpers never call ebpfc (so a library bug cannot hide a test
 * failure) and never fail a test themselves: they return an error with a
 * reason, and the TU_REQUIRE_* macros turn that into a skip.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/btf.h>

#define TU_BPF_FS_MAGIC 0xcafe4a11
#define TU_CGROUP2_MAGIC 0x63677270

enum { TU_CAP_NET_ADMIN = 12, TU_CAP_SYS_ADMIN = 21, TU_CAP_PERFMON = 38, TU_CAP_BPF = 39 };

static __thread char why_buf[512];

const char *tu_last_why(void)
{
	return why_buf;
}

static int set_why(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_why(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	return err > 0 ? -err : err;
}

static unsigned long long cap_eff(bool *ok)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	*ok = false;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CapEff:", 7) == 0) {
			eff = strtoull(line + 7, NULL, 16);
			*ok = true;
			break;
		}
	}
	fclose(f);
	return eff;
}

bool tu_have_bpf_privs(const char **why)
{
	static __thread char msg[160];
	unsigned long long eff;
	bool ok;

	eff = cap_eff(&ok);
	if (!ok) {
		if (why)
			*why = "cannot read CapEff from /proc/self/status";
		return false;
	}
	if (eff & (1ULL << TU_CAP_SYS_ADMIN))
		return true;
	if ((eff & (1ULL << TU_CAP_BPF)) && (eff & (1ULL << TU_CAP_PERFMON)) &&
	    (eff & (1ULL << TU_CAP_NET_ADMIN)))
		return true;
	snprintf(msg, sizeof(msg), "running as uid %u without them (CapEff %016llx)",
		 (unsigned)geteuid(), eff);
	if (why)
		*why = msg;
	return false;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

/* Mount bpffs on /sys/fs/bpf if nothing is there; serialised between test processes. */
static int ensure_bpffs(const char *root)
{
	int lock, err = 0;

	if (is_fs(root, TU_BPF_FS_MAGIC))
		return 0;
	if (geteuid() != 0)
		return set_why(EPERM, "%s is not a bpffs mount and only root may mount one "
				      "(mount -t bpf bpf %s)", root, root);
	lock = open("/tmp/.ebpfc-tests-bpffs.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock >= 0)
		flock(lock, LOCK_EX);
	if (!is_fs(root, TU_BPF_FS_MAGIC)) {
		mkdir(root, 0700);
		if (mount("bpf", root, "bpf", 0, "mode=0700") != 0) {
			err = errno;
			set_why(err, "mount -t bpf bpf %s failed: %s", root, strerror(err));
		} else if (!is_fs(root, TU_BPF_FS_MAGIC)) {
			err = EIO;
			set_why(err, "mounted bpffs on %s but statfs does not see it", root);
		}
	}
	if (lock >= 0) {
		flock(lock, LOCK_UN);
		close(lock);
	}
	return -err;
}

/* What this process created, for tu_teardown(). */
static char *made_dirs[64];
static int n_made_dirs;

static void remember_dir(const char *path)
{
	if (n_made_dirs < (int)TU_ARRAY_SIZE(made_dirs))
		made_dirs[n_made_dirs++] = strdup(path);
}

int tu_teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < n_made_dirs; i++) {
		if (made_dirs[i])
			tu_rm_rf(made_dirs[i]);
		free(made_dirs[i]);
		made_dirs[i] = NULL;
	}
	n_made_dirs = 0;
	return 0;
}

static int make_unique_dir(const char *parent, const char *prefix, char *buf)
{
	static int counter;
	int i;

	for (i = 0; i < 100; i++) {
		int n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);

		snprintf(buf, TU_PATH_MAX, "%s/%s-%d-%d-%ld", parent, prefix, (int)getpid(), n,
			 random() % 100000);
		if (mkdir(buf, 0700) == 0) {
			remember_dir(buf);
			return 0;
		}
		if (errno != EEXIST)
			return set_why(errno, "mkdir %s: %s", buf, strerror(errno));
	}
	return set_why(EEXIST, "cannot find a free name under %s", parent);
}

int tu_bpffs_dir(char *buf)
{
	static const char root[] = "/sys/fs/bpf";
	int err;

	buf[0] = '\0';
	err = ensure_bpffs(root);
	if (err)
		return err;
	return make_unique_dir(root, "ebpfc-test", buf);
}

int tu_cgroup2_dir(char *buf)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < TU_ARRAY_SIZE(roots); i++) {
		if (is_fs(roots[i], TU_CGROUP2_MAGIC))
			return make_unique_dir(roots[i], "ebpfc-test", buf);
	}
	return set_why(ENOENT, "neither /sys/fs/cgroup/unified nor /sys/fs/cgroup is a "
			       "cgroup2 mount");
}

int tu_rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[PATH_MAX];
	int err = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
	d = opendir(path);
	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			if (tu_rm_rf(sub) && !err)
				err = -errno;
		}
		closedir(d);
	}
	if (rmdir(path) != 0 && errno != ENOENT && !err)
		err = -errno;
	return err;
}

int tu_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

bool tu_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

size_t tu_btf_int_blob(void *buf, size_t bufsz)
{
	static const char strs[] = "\0int";
	const __u32 types[] = {
		1,				/* name_off: "int" */
		(__u32)BTF_KIND_INT << 24,	/* info: kind INT, vlen 0 */
		4,				/* size */
		32,				/* encoding 0, offset 0, bits 32 */
	};
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.flags = 0,
		.hdr_len = sizeof(struct btf_header),
		.type_off = 0,
		.type_len = sizeof(types),
		.str_off = sizeof(types),
		.str_len = sizeof(strs),
	};
	size_t total = sizeof(h) + sizeof(types) + sizeof(strs);

	if (bufsz < total)
		return 0;
	memcpy(buf, &h, sizeof(h));
	memcpy((char *)buf + sizeof(h), types, sizeof(types));
	memcpy((char *)buf + sizeof(h) + sizeof(types), strs, sizeof(strs));
	return total;
}

/* Bytes that follow struct btf_type for a type of this kind. */
static long btf_extra(__u32 info)
{
	__u32 kind = (info >> 24) & 0x1f, vlen = info & 0xffff;

	switch (kind) {
	case BTF_KIND_INT: return 4;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY: return 12;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: return 12L * vlen;
	case BTF_KIND_ENUM: return 8L * vlen;
	case BTF_KIND_FUNC_PROTO: return 8L * vlen;
	case BTF_KIND_VAR: return 4;
	case BTF_KIND_DATASEC: return 12L * vlen;
	case BTF_KIND_DECL_TAG: return 4;
	case 19 /* BTF_KIND_ENUM64 */: return 12L * vlen;
	default: return -1;
	}
}

int tu_vmlinux_btf_func_id(const char *name)
{
	static const char path[] = "/sys/kernel/btf/vmlinux";
	struct btf_header h;
	char *data = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, id = -ENOENT;
	size_t off, end, strs;
	__u32 cur = 1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_why(errno, "cannot open %s: %s", path, strerror(errno));
	for (;;) {
		if (len == cap) {
			char *nd = realloc(data, cap ? cap * 2 : 1 << 20);

			if (!nd) {
				close(fd);
				free(data);
				return set_why(ENOMEM, "out of memory reading %s", path);
			}
			data = nd;
			cap = cap ? cap * 2 : 1 << 20;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (len < sizeof(h)) {
		free(data);
		return set_why(EINVAL, "%s is too short", path);
	}
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC || (size_t)h.hdr_len + h.str_off + h.str_len > len ||
	    (size_t)h.hdr_len + h.type_off + h.type_len > len) {
		free(data);
		return set_why(EINVAL, "%s is not BTF this helper understands", path);
	}
	off = h.hdr_len + h.type_off;
	end = off + h.type_len;
	strs = h.hdr_len + h.str_off;
	while (off + 12 <= end) {
		__u32 name_off, info;
		long extra;

		memcpy(&name_off, data + off, 4);
		memcpy(&info, data + off + 4, 4);
		extra = btf_extra(info);
		if (extra < 0) {
			id = set_why(EINVAL, "%s: type %u has unknown kind %u", path, cur,
				     (info >> 24) & 0x1f);
			break;
		}
		if (((info >> 24) & 0x1f) == BTF_KIND_FUNC && name_off < h.str_len &&
		    strcmp(data + strs + name_off, name) == 0) {
			id = (int)cur;
			break;
		}
		off += 12 + extra;
		cur++;
	}
	if (id == -ENOENT)
		set_why(ENOENT, "no function %s in %s", name, path);
	free(data);
	return id;
}

int tu_possible_cpus(void)
{
	char buf[256];
	int fd, hi = -1;
	ssize_t n;
	char *p;

	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* "0-3,8,10-11\n": every number is a CPU id; the largest one counts. */
	for (p = buf; *p;) {
		if (*p >= '0' && *p <= '9') {
			long v = strtol(p, &p, 10);

			if (v > hi)
				hi = (int)v;
		} else {
			p++;
		}
	}
	return hi < 0 ? -EINVAL : hi + 1;
}
