/*
 * link_resolve.c - turning what a user names into what the kernel wants:
 * a binary's name into its path (like the dynamic linker for libraries,
 * like a shell for programs), a function of an ELF file into a file offset
 * (for uprobes), a pattern into the kernel functions it matches (for
 * kprobe.multi), "func+0x10" into a name and an offset, a system call
 * into the architecture's wrapper.
 *
 * Everything read here is untrusted input: /etc/ld.so.cache is parsed with
 * bounds checks, ELF files go through the checked reader (elf.c, exec mode).
 *
 * Not here: creating probes (link_probe.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf.h"
#include "link_int.h"

/* ---- small things ----------------------------------------------------------------------- */

bool ebpfc__glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	/* Greedy with backtracking to the last '*': linear enough for symbol names. */
	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

void ebpfc__strv_free(char **v, size_t cnt)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < cnt; i++)
		free(v[i]);
	free(v);
}

int ebpfc__parse_func_offset(const char *spec, char *out, size_t out_sz, __u64 *offset)
{
	const char *plus = strrchr(spec, '+');
	size_t n = plus ? (size_t)(plus - spec) : strlen(spec);
	char *end;

	*offset = 0;
	if (n == 0 || n >= out_sz)
		return ebpfc__err(EINVAL, "'%s': no function name%s", spec,
				  n ? " (or one too long)" : "");
	memcpy(out, spec, n);
	out[n] = '\0';
	if (plus) {
		errno = 0;
		*offset = strtoull(plus + 1, &end, 0);
		if (errno || end == plus + 1 || *end || plus[1] == '-')
			return ebpfc__err(EINVAL, "'%s': '%s' is not an offset (write func+0x10 or "
					  "func+16)", spec, plus + 1);
	}
	return 0;
}

const char *ebpfc__syscall_prefix(void)
{
#if defined(__x86_64__)
	return "__x64_sys_";
#elif defined(__aarch64__)
	return "__arm64_sys_";
#elif defined(__s390x__)
	return "__s390x_sys_";
#elif defined(__riscv)
	return "__riscv_sys_";
#elif defined(__loongarch__)
	return "__loongarch_sys_";
#elif defined(__powerpc64__)
	return "__powerpc64_sys_";
#else
	return "";
#endif
}

/* ---- finding a binary -------------------------------------------------------------------- */

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#define HOST_TRIPLET "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#define HOST_TRIPLET "aarch64-linux-gnu"
#elif defined(__s390x__)
#define HOST_MACHINE EM_S390
#define HOST_TRIPLET "s390x-linux-gnu"
#elif defined(__riscv)
#define HOST_MACHINE EM_RISCV
#define HOST_TRIPLET "riscv64-linux-gnu"
#elif defined(__powerpc64__)
#define HOST_MACHINE EM_PPC64
#define HOST_TRIPLET "powerpc64le-linux-gnu"
#else
#define HOST_MACHINE 0
#define HOST_TRIPLET ""
#endif

/*
 * Is path an ELF64 file for this machine? A library name found in
 * ld.so.cache may be a 32-bit copy (/lib32) that a uprobe here never sees.
 */
static bool elf_fits_host(const char *path)
{
	Elf64_Ehdr eh;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, &eh, sizeof(eh));
	close(fd);
	return n == (ssize_t)sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	       eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	       (HOST_MACHINE == 0 || eh.e_machine == HOST_MACHINE);
}

static int real_path(const char *in, char *out, size_t out_sz)
{
	char *r = realpath(in, NULL);

	if (!r)
		return -errno;
	if (strlen(r) >= out_sz) {
		free(r);
		return -ENAMETOOLONG;
	}
	strcpy(out, r);
	free(r);
	return 0;
}

#define LDCACHE_NEW "glibc-ld.so.cache1.1"
#define LDCACHE_OLD "ld.so-1.7.0"
#define LDCACHE_NEW_HDR 48	/* magic+version 20, nlibs, len_strings, flags, pad, ext, unused[3] */
#define LDCACHE_NEW_ENT 24	/* flags, key, value, osversion, hwcap */
#define LDCACHE_OLD_HDR 16	/* magic 11 (+1 pad), nlibs */
#define LDCACHE_OLD_ENT 12	/* flags, key, value */
#define LDCACHE_FLAG_ELF_LIBC6 3

static __u32 get_u32(const char *p)
{
	__u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A NUL-terminated string at base + off, inside [base, end). */
static const char *cache_str(const char *base, const char *end, __u32 off)
{
	if (off >= (size_t)(end - base) || !memchr(base + off, '\0', (size_t)(end - base) - off))
		return NULL;
	return base + off;
}

/* Look name up in /etc/ld.so.cache (glibc's format since 2.32, and the combined one before). */
static int ldcache_lookup(const char *name, char *out, size_t out_sz)
{
	const char *d, *end, *hdr, *key, *val;
	size_t size, off = 0, i;
	__u32 nlibs;
	char *buf;
	int err;

	err = ebpfc__read_file("/etc/ld.so.cache", &buf, &size);
	if (err) {
		ebpfc__err_clear();
		return -ENOENT;
	}
	d = buf;
	end = buf + size;
	if (size >= LDCACHE_OLD_HDR && !memcmp(d, LDCACHE_OLD, sizeof(LDCACHE_OLD) - 1)) {
		nlibs = get_u32(d + 12);
		off = EBPFC__ROUND_UP(LDCACHE_OLD_HDR + (size_t)nlibs * LDCACHE_OLD_ENT, 8);
	}
	err = -ENOENT;
	if (off > size || size - off < LDCACHE_NEW_HDR ||
	    memcmp(d + off, LDCACHE_NEW, sizeof(LDCACHE_NEW) - 1))
		goto out;
	hdr = d + off;
	nlibs = get_u32(hdr + 20);
	if ((size_t)nlibs > (size - off - LDCACHE_NEW_HDR) / LDCACHE_NEW_ENT)
		goto out;
	for (i = 0; i < nlibs; i++) {
		const char *e = hdr + LDCACHE_NEW_HDR + i * LDCACHE_NEW_ENT;

		if ((get_u32(e) & 0xff) != LDCACHE_FLAG_ELF_LIBC6)
			continue;
		/* Offsets count from the new-format header. */
		key = cache_str(hdr, end, get_u32(e + 4));
		val = cache_str(hdr, end, get_u32(e + 8));
		if (!key || !val || strcmp(key, name) || !elf_fits_host(val))
			continue;
		if (!real_path(val, out, out_sz)) {
			err = 0;
			break;
		}
	}
out:
	free(buf);
	return err;
}

/* name in each directory of a ':'-separated list; exec: must be executable. */
static int search_dirs(const char *list, const char *name, bool exec, char *out, size_t out_sz)
{
	char cand[4096];
	const char *p = list, *colon;
	size_t n;

	while (p && *p) {
		colon = strchr(p, ':');
		n = colon ? (size_t)(colon - p) : strlen(p);
		if (n && n + strlen(name) + 2 <= sizeof(cand)) {
			memcpy(cand, p, n);
			snprintf(cand + n, sizeof(cand) - n, "/%s", name);
			if (access(cand, exec ? X_OK : R_OK) == 0 && (exec || elf_fits_host(cand)) &&
			    !real_path(cand, out, out_sz))
				return 0;
		}
		p = colon ? colon + 1 : NULL;
	}
	return -ENOENT;
}

int ebpfc__resolve_binary(const char *binary, char *out, size_t out_sz)
{
	static const char lib_dirs[] =
		"/lib64:/usr/lib64:/lib/" HOST_TRIPLET ":/usr/lib/" HOST_TRIPLET
		":/lib:/usr/lib:/usr/local/lib";
	static const char def_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	const char *env;
	int err;

	if (!binary || !*binary)
		return ebpfc__err(EINVAL, "uprobe: no binary given");
	if (strchr(binary, '/')) {
		err = real_path(binary, out, out_sz);
		if (err)
			return ebpfc__err(err, "uprobe: binary %s: %s", binary, ebpfc_strerror(err));
		return 0;
	}
	if (strstr(binary, ".so")) {
		/* LD_LIBRARY_PATH first, as the dynamic linker of a process started here would. */
		env = getenv("LD_LIBRARY_PATH");
		if (env && !search_dirs(env, binary, false, out, out_sz))
			return 0;
		if (!ldcache_lookup(binary, out, out_sz) ||
		    !search_dirs(lib_dirs, binary, false, out, out_sz))
			return 0;
		return ebpfc__err(ENOENT, "uprobe: library %s not found for this machine in "
				  "LD_LIBRARY_PATH, /etc/ld.so.cache or %s; give its path",
				  binary, lib_dirs);
	}
	env = getenv("PATH");
	if (!search_dirs(env && *env ? env : def_path, binary, true, out, out_sz))
		return 0;
	return ebpfc__err(ENOENT, "uprobe: program %s not found in PATH; give its path", binary);
}

/* ---- functions of an ELF file ------------------------------------------------------------ */

struct elf_file {
	void *map;
	size_t size;
	struct ebpfc__elf *elf;
};

static int elf_file_open(const char *path, struct elf_file *f)
{
	struct ebpfc__elf_opts o = { .exec = true };
	struct stat st;
	int fd, err;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ebpfc__err(errno, "uprobe: cannot open %s: %s", path, ebpfc_strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return ebpfc__err(EINVAL, "uprobe: %s is not a regular, non-empty file", path);
	}
	f->size = (size_t)st.st_size;
	f->map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = f->map == MAP_FAILED ? errno : 0;
	close(fd);
	if (err) {
		f->map = NULL;
		return ebpfc__err(err, "uprobe: cannot map %s: %s", path, ebpfc_strerror(err));
	}
	err = ebpfc__elf_open_opts(f->map, f->size, path, &o, &f->elf);
	if (err) {
		munmap(f->map, f->size);
		f->map = NULL;
	}
	return err;
}

static void elf_file_close(struct elf_file *f)
{
	ebpfc__elf_close(f->elf);
	if (f->map)
		munmap(f->map, f->size);
	memset(f, 0, sizeof(*f));
}

/* "name" or a versioned "name@VER" / "name@@VER" as .symtab has them. */
static bool name_is(const char *sym, const char *name, size_t len)
{
	return !strncmp(sym, name, len) && (sym[len] == '\0' || sym[len] == '@');
}

static int bind_rank(__u8 bind)
{
	return bind == STB_GLOBAL ? 3 : bind == STB_WEAK ? 2 : bind == STB_LOCAL ? 1 : 0;
}

struct func_search {
	const char *name;
	size_t len;
	__u64 value;
	int rank;
	bool ambiguous;
	bool ifunc;		/* only a GNU ifunc of that name: its resolver, not the code */
};

static void search_table(const struct ebpfc__elf *elf, bool dyn, struct func_search *fs)
{
	size_t i, n = dyn ? ebpfc__elf_dynsym_count(elf) : ebpfc__elf_sym_count(elf);
	struct ebpfc__elf_sym s;
	int rank;

	for (i = 1; i < n; i++) {
		if ((dyn ? ebpfc__elf_dynsym(elf, i, &s) : ebpfc__elf_sym(elf, i, &s)) ||
		    s.shndx == SHN_UNDEF || !s.value || !name_is(s.name, fs->name, fs->len))
			continue;
		if (s.type == STT_GNU_IFUNC) {
			fs->ifunc = true;
			continue;
		}
		if (s.type != STT_FUNC)
			continue;
		rank = bind_rank(s.bind);
		if (rank > fs->rank) {
			fs->rank = rank;
			fs->value = s.value;
			fs->ambiguous = false;
		} else if (rank == fs->rank && s.value != fs->value) {
			fs->ambiguous = true;
		}
	}
}

static int func_offset(const struct elf_file *f, const char *path, const char *func, __u64 *off)
{
	struct func_search fs = { .name = func, .len = strlen(func) };
	uint64_t o;
	int err;

	search_table(f->elf, false, &fs);
	search_table(f->elf, true, &fs);
	if (!fs.rank)
		return ebpfc__err(ENOENT, "uprobe: %s has no function '%s' in .symtab or .dynsym%s",
				  path, func, fs.ifunc ? " (only a GNU ifunc: probe the "
							 "implementation it selects)" : "");
	if (fs.ambiguous)
		return ebpfc__err(ENOTUNIQ, "uprobe: %s defines several functions '%s' at different "
				  "addresses; give a file offset instead", path, func);
	err = ebpfc__elf_vaddr_to_offset(f->elf, fs.value, &o);
	if (err)
		return ebpfc__link_errctx(err, "uprobe: function '%s'", func);
	*off = o;
	return 0;
}

int ebpfc__elf_func_offsets(const char *path, const char **funcs, size_t cnt, __u64 *offsets)
{
	struct elf_file f;
	size_t i;
	int err;

	err = elf_file_open(path, &f);
	if (err)
		return err;
	for (i = 0; i < cnt && !err; i++)
		err = func_offset(&f, path, funcs[i], &offsets[i]);
	elf_file_close(&f);
	return err;
}

int ebpfc__elf_func_offset(const char *path, const char *func, __u64 *offset)
{
	return ebpfc__elf_func_offsets(path, &func, 1, offset);
}

struct match {
	char *name;
	__u64 off;
};

static int match_cmp(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int match_table(const struct ebpfc__elf *elf, bool dyn, const char *pattern,
		       struct match **m, size_t *cnt, size_t *cap)
{
	size_t i, n = dyn ? ebpfc__elf_dynsym_count(elf) : ebpfc__elf_sym_count(elf), len;
	struct ebpfc__elf_sym s;
	struct match *nm;
	char name[256];
	const char *at;
	uint64_t off;

	for (i = 1; i < n; i++) {
		if ((dyn ? ebpfc__elf_dynsym(elf, i, &s) : ebpfc__elf_sym(elf, i, &s)) ||
		    s.shndx == SHN_UNDEF || !s.value || s.type != STT_FUNC)
			continue;
		at = strchr(s.name, '@');
		len = at ? (size_t)(at - s.name) : strlen(s.name);
		if (!len || len >= sizeof(name))
			continue;
		memcpy(name, s.name, len);
		name[len] = '\0';
		if (!ebpfc__glob_match(pattern, name) ||
		    ebpfc__elf_vaddr_to_offset(elf, s.value, &off)) {
			ebpfc__err_clear();
			continue;
		}
		if (*cnt == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			nm = realloc(*m, *cap * sizeof(**m));
			if (!nm)
				return -ENOMEM;
			*m = nm;
		}
		(*m)[*cnt].off = off;
		if (!((*m)[*cnt].name = strdup(name)))
			return -ENOMEM;
		(*cnt)++;
	}
	return 0;
}

int ebpfc__elf_func_match(const char *path, const char *pattern, char ***names, __u64 **offsets,
			  size_t *cnt)
{
	struct match *m = NULL;
	size_t n = 0, cap = 0, i, out = 0;
	struct elf_file f;
	char **nv = NULL;
	__u64 *ov = NULL;
	int err;

	err = elf_file_open(path, &f);
	if (err)
		return err;
	err = match_table(f.elf, false, pattern, &m, &n, &cap);
	if (!err)
		err = match_table(f.elf, true, pattern, &m, &n, &cap);
	elf_file_close(&f);
	if (!err && n == 0)
		err = ebpfc__err(ENOENT, "uprobe: no function of %s matches '%s'", path, pattern);
	else if (err)
		err = ebpfc__err(err, "uprobe: out of memory matching '%s' in %s", pattern, path);
	if (!err) {
		nv = calloc(n, sizeof(*nv));
		ov = calloc(n, sizeof(*ov));
		if (!nv || !ov)
			err = ebpfc__err(ENOMEM, "uprobe: out of memory matching '%s'", pattern);
	}
	if (!err) {
		/* One probe per place: .symtab and .dynsym (and aliases) name the same code. */
		qsort(m, n, sizeof(*m), match_cmp);
		for (i = 0; i < n; i++) {
			if (out && ov[out - 1] == m[i].off)
				continue;
			ov[out] = m[i].off;
			nv[out++] = m[i].name;
			m[i].name = NULL;
		}
		*names = nv;
		*offsets = ov;
		*cnt = out;
		nv = NULL;
		ov = NULL;
	}
	for (i = 0; i < n; i++)
		free(m[i].name);
	free(m);
	free(nv);
	free(ov);
	return err;
}

/* ---- kernel functions ---------------------------------------------------------------------- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ebpfc__kernel_func_match(const char *pattern, char ***names, size_t *cnt)
{
	char path[256], *buf, *line, *save = NULL, **v = NULL, **nv;
	size_t n = 0, cap = 0, i, out;
	const char *root;
	int err;

	err = ebpfc__tracefs_root(&root);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/available_filter_functions", root);
	err = ebpfc__read_file(path, &buf, NULL);
	if (err)
		return ebpfc__link_errctx(err, "kprobe.multi: cannot list kernel functions");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (sp)
			*sp = '\0';	/* "func [module]" */
		/* Placeholders for functions ftrace lost track of: never attachable. */
		if (!*line || !strncmp(line, "__ftrace_invalid_address__", 26) ||
		    !ebpfc__glob_match(pattern, line))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
		}
		if (!(v[n] = strdup(line)))
			goto oom;
		n++;
	}
	free(buf);
	if (!n)
		return ebpfc__err(ENOENT, "kprobe.multi: no kernel function matches '%s' in %s",
				  pattern, path);
	/* A static function may be listed once per file that has one: attach it once. */
	qsort(v, n, sizeof(*v), str_cmp);
	for (i = 1, out = 1; i < n; i++) {
		if (!strcmp(v[i], v[out - 1]))
			free(v[i]);
		else
			v[out++] = v[i];
	}
	*names = v;
	*cnt = out;
	return 0;
oom:
	free(buf);
	ebpfc__strv_free(v, n);
	return ebpfc__err(ENOMEM, "kprobe.multi: out of memory listing kernel functions");
}
