/*
 * pin.c - the --pin DIR of `ebpfc load`: a bpffs check before anything is
 * created, `mkdir -p` of the directory, and one pin per program and map.
 * Pinning itself is the library's (ebpfc_prog_pin, ebpfc_map_pin); this
 * file only chooses the paths and keeps the messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "pin.h"
#include "util.h"

/* The deepest existing directory on the way to dir ("." for a relative name). */
static char *existing_ancestor(const char *dir)
{
	char *p = xstrdup(dir), *slash;
	struct stat st;

	while (stat(p, &st) && errno == ENOENT) {
		slash = strrchr(p, '/');
		while (slash && slash > p && slash[-1] == '/')
			slash--;
		if (!slash) {
			free(p);
			return xstrdup(".");
		}
		slash[slash == p ? 1 : 0] = '\0';
	}
	return p;
}

static int check_bpffs(const char *dir)
{
	char *p = existing_ancestor(dir);
	struct statfs fs;
	int err = 0;

	if (statfs(p, &fs)) {
		err = -errno;
		errorf("--pin %s: cannot check %s: %s", dir, p, strerror(errno));
	} else if (fs.f_type != BPF_FS_MAGIC) {
		err = -EINVAL;
		errorf("--pin %s: %s is not on a BPF file system (bpffs); pin under /sys/fs/bpf, "
		       "or mount one: mount -t bpf bpf DIR", dir, p);
	}
	free(p);
	return err;
}

static int mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	int err = 0;

	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST) {
			err = -errno;
			errorf("--pin %s: cannot create %s: %s", dir, p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return err;
}

int pin_dir_prepare(const char *dir)
{
	struct stat st;
	int err;

	err = check_bpffs(dir);
	if (!err)
		err = mkdir_p(dir);
	if (err)
		return err;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		errorf("--pin %s: not a directory", dir);
		return -ENOTDIR;
	}
	return 0;
}

static char *pin_path(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);

	for (char *s = path + strlen(dir) + 1; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			*s = '_';
	return path;
}

static bool done(char *path, int err, struct pin_result *res)
{
	if (err) {
		res->error = xstrdup(ebpfc_errmsg());
		free(path);
		return false;
	}
	res->path = path;
	return true;
}

bool pin_prog(const char *dir, const struct ebpfc_prog *prog, struct pin_result *res)
{
	char *path = pin_path(dir, ebpfc_prog_name(prog));

	return done(path, ebpfc_prog_pin(prog, path), res);
}

bool pin_map(const char *dir, const struct ebpfc_map *map, struct pin_result *res)
{
	char *path = pin_path(dir, ebpfc_map_name(map));

	return done(path, ebpfc_map_pin(map, path), res);
}

void pin_result_free(struct pin_result *res)
{
	free(res->path);
	free(res->error);
	res->path = res->error = NULL;
}
