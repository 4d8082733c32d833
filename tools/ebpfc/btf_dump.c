/*
 * btf_dump.c - `ebpfc btf dump [FILE] [--format c|raw] [--base FILE]`: a
 * BTF as a C header (a vmlinux.h) or as a raw listing, on stdout.
 *
 * FILE may be raw BTF (/sys/kernel/btf/vmlinux, the default, or a module's
 * file there, which is read split on vmlinux), a BPF object (its .BTF as
 * the library fixes it up for loading), or any other ELF file with a .BTF
 * section, such as a kernel's vmlinux. The dumping itself is the library's
 * (src/btf_dump.c); this file only finds the BTF and writes, and reads
 * whole files for the skeleton generator.
 */
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "util.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

static int file_write(void *user, const char *data, size_t len)
{
	return fwrite(data, 1, len, user) == len ? 0 : -EIO;
}

/* The whole file, malloc'd (gen.h). */
int gen_read_file(const char *path, char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, len = 0, n;
	char *buf;

	if (!f) {
		errorf("%s: %s", path, strerror(errno));
		return -errno;
	}
	buf = xcalloc(1, cap);
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *p = realloc(buf, cap * 2);

			if (!p) {
				free(buf);
				fclose(f);
				errorf("%s: out of memory", path);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		errorf("%s: %s", path, strerror(errno));
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

/* What was opened, to be released when done. */
struct source {
	struct ebpfc_object *obj;
	struct ebpfc_btf *btf, *base;
	const struct ebpfc_btf *view;	/* what to dump */
};

static void source_close(struct source *s)
{
	ebpfc_object_destroy(s->obj);
	ebpfc_btf_destroy(s->btf);
	ebpfc_btf_destroy(s->base);
}

/* A module's BTF in sysfs is split on vmlinux. */
static bool is_sysfs_module(const char *path)
{
	const char *dir = "/sys/kernel/btf/";

	return !strncmp(path, dir, strlen(dir)) && strcmp(path, VMLINUX) != 0;
}

/* Is path a BPF object (an ELF file for EM_BPF)? */
static bool is_bpf_object(const char *path)
{
	Elf64_Ehdr eh;
	FILE *f = fopen(path, "rb");
	bool yes;

	if (!f)
		return false;
	yes = fread(&eh, sizeof(eh), 1, f) == 1 && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	      eh.e_machine == EM_BPF;
	fclose(f);
	return yes;
}

static int open_source(const char *path, const char *base_path, struct source *s)
{
	EBPFC_OPTS(ebpfc_btf_open_opts, bo);
	int err;

	if (is_bpf_object(path)) {
		const struct ebpfc_btf *btf;

		if (base_path) {
			errorf("%s: --base is for split BTF, not for a BPF object", path);
			return -EINVAL;
		}
		err = open_object(path, &s->obj);
		if (err)
			return err;
		err = ebpfc_object_btf(s->obj, &btf);
		if (err) {
			errorf("%s: %s", path, ebpfc_errmsg());
			return err;
		}
		s->view = btf;
		return 0;
	}
	if (!base_path && is_sysfs_module(path))
		base_path = VMLINUX;
	if (base_path) {
		err = ebpfc_btf_open_file(base_path, NULL, &s->base);
		if (err) {
			errorf("%s: %s", base_path, ebpfc_errmsg());
			return err;
		}
		bo.base = s->base;
	}
	/* Raw BTF, or the .BTF section of an ELF file such as a vmlinux. */
	err = ebpfc_btf_open_file(path, &bo, &s->btf);
	if (err) {
		errorf("%s: %s", path, ebpfc_errmsg());
		return err;
	}
	s->view = s->btf;
	return 0;
}

static int dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "base", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = VMLINUX, *base = NULL, *format = "c";
	struct source src = { 0 };
	int c, err;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			if (strcmp(format, "c") && strcmp(format, "raw"))
				return usage_error("btf", "--format is c or raw, not '%s'", format);
			break;
		case 'b':
			base = optarg;
			break;
		default:
			return opt_error("btf", c, argv);
		}
	}
	if (argc - optind > 1)
		return usage_error("btf", "more than one FILE");
	if (optind < argc)
		path = argv[optind];
	if (open_source(path, base, &src)) {
		source_close(&src);
		return EXIT_FAIL;
	}
	if (!strcmp(format, "raw")) {
		err = ebpfc_btf_dump_raw(src.view, NULL, file_write, stdout);
	} else {
		char *comment = xasprintf("vmlinux.h of %s, written by ebpfc btf dump: do not edit",
					  path);
		EBPFC_OPTS(ebpfc_btf_dump_opts, o, .comment = comment);

		err = ebpfc_btf_dump_c(src.view, &o, file_write, stdout);
		free(comment);
	}
	if (err)
		errorf("%s: %s", path, ebpfc_errmsg());
	source_close(&src);
	if (fflush(stdout) || ferror(stdout)) {
		if (!err)
			errorf("writing the output failed: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return err ? EXIT_FAIL : EXIT_OK;
}

int cmd_btf(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("btf", "which btf command? (dump)");
	if (!strcmp(argv[1], "dump"))
		return dump(argc - 1, argv + 1);
	return usage_error("btf", "unknown btf command '%s' (there is: dump)", argv[1]);
}
