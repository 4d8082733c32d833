/*
 * inspect.c - `ebpfc inspect FILE [--json]`: what a BPF object holds, read
 * without the kernel: programs (section, type, expected attach type,
 * size, autoload), maps (type, sizes, flags, pin path) and the global
 * variables of each data section (from the object's BTF).
 *
 * It opens the object and reads accessors; it never loads anything. The
 * JSON keys are a documented interface (README.md in this directory).
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* ---- human output --------------------------------------------------------------- */

static void print_progs(const struct ebpfc_object *obj)
{
	static const char *const hdr[] = { "NAME", "SECTION", "TYPE", "ATTACH", "INSNS",
					   "AUTOLOAD" };
	size_t n = ebpfc_object_prog_count(obj);
	struct table t;

	printf("\nprograms (%zu):\n", n);
	if (!n)
		return;
	table_init(&t, 6, hdr);
	for (size_t i = 0; i < n; i++) {
		const struct ebpfc_prog *p = ebpfc_object_prog_at(obj, i);
		const char *at = attach_type_str(ebpfc_prog_type(p),
						 ebpfc_prog_expected_attach_type(p));

		table_cell(&t, "%s", ebpfc_prog_name(p));
		table_cell(&t, "%s", ebpfc_prog_section(p));
		table_cell(&t, "%s", ebpfc_prog_type_name(ebpfc_prog_type(p)));
		table_cell(&t, "%s", at ? at : "-");
		table_cell(&t, "%zu", ebpfc_prog_insn_count(p));
		table_cell(&t, "%s", ebpfc_prog_autoload(p) ? "yes" : "no");
	}
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static void print_maps(const struct ebpfc_object *obj)
{
	const char *hdr[MAP_TABLE_COLS + 1];
	size_t n = ebpfc_object_map_count(obj);
	struct table t;

	printf("\nmaps (%zu):\n", n);
	if (!n)
		return;
	memcpy(hdr, map_table_headers, sizeof(map_table_headers));
	hdr[MAP_TABLE_COLS] = "PIN";
	table_init(&t, MAP_TABLE_COLS + 1, hdr);
	for (size_t i = 0; i < n; i++) {
		const struct ebpfc_map *m = ebpfc_object_map_at(obj, i);
		const char *pin = map_pin_path(m);

		map_table_cells(&t, m);
		table_cell(&t, "%s", pin ? pin : "-");
	}
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static int global_row(const struct ebpfc_btf *btf, const struct global_var *g, void *user)
{
	struct table *t = user;
	char type[128];

	btf_type_str(btf, g->type_id, type, sizeof(type));
	table_cell(t, "%s", g->section);
	table_cell(t, "%s", g->name);
	table_cell(t, "%u", g->offset);
	table_cell(t, "%u", g->size);
	table_cell(t, "%s%s", g->is_static ? "static " : "", type);
	return 0;
}

static void print_globals(const struct ebpfc_object *obj)
{
	static const char *const hdr[] = { "SECTION", "NAME", "OFFSET", "SIZE", "TYPE" };
	struct table t;
	size_t n;
	int err;

	table_init(&t, 5, hdr);
	err = globals_foreach(obj, global_row, &t);
	n = t.ncells / t.ncols - 1;
	if (err == -ENOENT)
		printf("\nglobals: unknown (the object has no BTF; compile with clang -g)\n");
	else
		printf("\nglobals (%zu):\n", n);
	if (n)
		table_print(&t, stdout, "  ");
	table_free(&t);
}

static int print_human(const struct ebpfc_object *obj, const char *path)
{
	printf("object   %s\n", ebpfc_object_name(obj));
	printf("file     %s\n", path);
	printf("license  %s\n", *ebpfc_object_license(obj) ? ebpfc_object_license(obj) : "-");
	if (ebpfc_object_kversion(obj))
		printf("kversion 0x%x\n", ebpfc_object_kversion(obj));
	print_progs(obj);
	print_maps(obj);
	print_globals(obj);
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}

/* ---- JSON output ---------------------------------------------------------------- */

static void json_progs(struct json *j, const struct ebpfc_object *obj)
{
	json_key(j, "programs");
	json_arr_begin(j);
	for (size_t i = 0; i < ebpfc_object_prog_count(obj); i++) {
		const struct ebpfc_prog *p = ebpfc_object_prog_at(obj, i);

		json_obj_begin(j);
		json_prog_fields(j, p);
		json_kv_str(j, "attach_type", attach_type_str(ebpfc_prog_type(p),
							      ebpfc_prog_expected_attach_type(p)));
		json_kv_u64(j, "insns", ebpfc_prog_insn_count(p));
		json_kv_bool(j, "autoload", ebpfc_prog_autoload(p));
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_maps(struct json *j, const struct ebpfc_object *obj)
{
	json_key(j, "maps");
	json_arr_begin(j);
	for (size_t i = 0; i < ebpfc_object_map_count(obj); i++) {
		json_obj_begin(j);
		json_map_fields(j, ebpfc_object_map_at(obj, i));
		json_obj_end(j);
	}
	json_arr_end(j);
}

static int global_json(const struct ebpfc_btf *btf, const struct global_var *g, void *user)
{
	struct json *j = user;
	char type[128];

	btf_type_str(btf, g->type_id, type, sizeof(type));
	json_obj_begin(j);
	json_kv_str(j, "section", g->section);
	json_kv_str(j, "name", g->name);
	json_kv_u64(j, "offset", g->offset);
	json_kv_u64(j, "size", g->size);
	json_kv_str(j, "type", type);
	json_kv_bool(j, "static", g->is_static);
	json_obj_end(j);
	return 0;
}

static int print_json(const struct ebpfc_object *obj, const char *path)
{
	const struct ebpfc_btf *btf;
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_str(&j, "object", ebpfc_object_name(obj));
	json_kv_str(&j, "file", path);
	json_kv_str(&j, "license", ebpfc_object_license(obj));
	json_kv_u64(&j, "kversion", ebpfc_object_kversion(obj));
	json_kv_bool(&j, "btf", ebpfc_object_btf(obj, &btf) == 0);
	json_progs(&j, obj);
	json_maps(&j, obj);
	json_key(&j, "globals");
	json_arr_begin(&j);
	globals_foreach(obj, global_json, &j);
	json_arr_end(&j);
	json_obj_end(&j);
	return json_finish(&j) ? EXIT_FAIL : EXIT_OK;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ebpfc_object *obj;
	bool json = false;
	int c, ret;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'j')
			return opt_error(argv[0], c, argv);
		json = true;
	}
	if (optind + 1 != argc)
		return usage_error(argv[0], optind == argc ? "no FILE given" : "more than one FILE");
	if (open_object(argv[optind], &obj))
		return EXIT_FAIL;
	ret = json ? print_json(obj, argv[optind]) : print_human(obj, argv[optind]);
	ebpfc_object_destroy(obj);
	return ret;
}
