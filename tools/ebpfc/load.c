/*
 * load.c - `ebpfc load FILE`: load a BPF object into the running kernel,
 * one rejected program not stopping the others (isolate), and report per
 * program whether it loaded (with its kernel id), was not asked to, or
 * failed (with the library's message and the end of the verifier log).
 * --pin keeps programs and maps alive in bpffs after the tool exits;
 * without it everything goes away when the tool does.
 *
 * Exit status: 0 only if every program it was asked to load loaded (and
 * every pin asked for was made); 1 otherwise; 2 for a wrong command line,
 * unknown program names included.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pin.h"
#include "util.h"

#define LOG_TAIL_LINES 20

/* --max-entries / --value-size MAP=N: a map's size set before load. */
struct map_size {
	char *map;		/* points into argv, '=' replaced by NUL */
	__u32 value;
	bool value_size;	/* --value-size, else --max-entries */
};

struct load_args {
	const char *file;
	bool json;
	char **only;		/* --prog */
	size_t only_cnt;
	char **skip;		/* --no-prog */
	size_t skip_cnt;
	struct map_size *sizes;
	size_t size_cnt;
	const char *pin_dir;
	__u32 log_level;
};

enum prog_status { ST_LOADED, ST_NOT_LOADED, ST_FAILED };

static const char *const status_json[] = { "loaded", "not_loaded", "failed" };
static const char *const status_human[] = { "loaded", "not loaded", "FAILED" };

struct prog_report {
	struct ebpfc_prog *prog;
	bool wanted;		/* asked to load */
	enum prog_status status;
	const char *reason;	/* not loaded: why */
	char *error;		/* failed: why */
	__u32 id;		/* 0: none */
	struct pin_result pin;
};

struct map_report {
	struct ebpfc_map *map;
	__u32 id;
	struct pin_result pin;
};

struct load_run {
	struct load_args a;
	struct ebpfc_object *obj;
	struct prog_report *progs;
	size_t nprogs;
	struct map_report *maps;
	size_t nmaps;
	char *obj_error;	/* the load failed before or after the programs */
	size_t count[3];	/* by enum prog_status */
	size_t pin_failures;
};

/* ---- command line --------------------------------------------------------------- */

static void push_name(char ***list, size_t *cnt, char *name)
{
	char **l = realloc(*list, (*cnt + 1) * sizeof(*l));

	if (!l) {
		errorf("out of memory");
		exit(EXIT_FAIL);
	}
	l[(*cnt)++] = name;
	*list = l;
}

static int parse_log_level(const char *cmd, const char *s, __u32 *level)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > 7 || *s == '-')
		return usage_error(cmd, "--log-level takes 0 to 7 (1, 2, 4 or a sum), not '%s'", s);
	*level = (__u32)v;
	return 0;
}

/* MAP=N for --max-entries and --value-size. */
static int parse_map_size(const char *cmd, const char *opt, char *arg, struct load_args *a)
{
	char *eq = strrchr(arg, '='), *end;
	struct map_size *ns;
	unsigned long v;

	if (!eq || eq == arg)
		return usage_error(cmd, "%s takes MAP=N, not '%s'", opt, arg);
	errno = 0;
	v = strtoul(eq + 1, &end, 0);
	if (errno || end == eq + 1 || *end || eq[1] == '-' || v > UINT32_MAX)
		return usage_error(cmd, "%s %s: N must be a number from 0 to 4294967295", opt, arg);
	ns = realloc(a->sizes, (a->size_cnt + 1) * sizeof(*ns));
	if (!ns) {
		errorf("out of memory");
		exit(EXIT_FAIL);
	}
	*eq = '\0';
	ns[a->size_cnt].map = arg;
	ns[a->size_cnt].value = (__u32)v;
	ns[a->size_cnt].value_size = !strcmp(opt, "--value-size");
	a->sizes = ns;
	a->size_cnt++;
	return 0;
}

static int parse_args(int argc, char **argv, struct load_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prog", required_argument, NULL, 'p' },
		{ "no-prog", required_argument, NULL, 'n' },
		{ "pin", required_argument, NULL, 'P' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "max-entries", required_argument, NULL, 'm' },
		{ "value-size", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'j')
			a->json = true;
		else if (c == 'p')
			push_name(&a->only, &a->only_cnt, optarg);
		else if (c == 'n')
			push_name(&a->skip, &a->skip_cnt, optarg);
		else if (c == 'P')
			a->pin_dir = optarg;
		else if (c == 'l') {
			if (parse_log_level(argv[0], optarg, &a->log_level))
				return EXIT_USAGE;
		} else if (c == 'm' || c == 'v') {
			if (parse_map_size(argv[0], c == 'm' ? "--max-entries" : "--value-size",
					   optarg, a))
				return EXIT_USAGE;
		} else
			return opt_error(argv[0], c, argv);
	}
	if (optind + 1 != argc)
		return usage_error(argv[0], optind == argc ? "no FILE given" : "more than one FILE");
	if (a->only_cnt && a->skip_cnt)
		return usage_error(argv[0], "--prog and --no-prog cannot be combined");
	if (a->pin_dir && !*a->pin_dir)
		return usage_error(argv[0], "--pin needs a directory");
	a->file = argv[optind];
	return 0;
}

/* ---- program selection ---------------------------------------------------------- */

static bool in_list(char **list, size_t cnt, const char *name)
{
	for (size_t i = 0; i < cnt; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

/* Every name given must be a program of the object; lists them if not. */
static int check_names(const struct load_run *r, char **list, size_t cnt, const char *opt)
{
	struct ebpfc_prog *p;

	for (size_t i = 0; i < cnt; i++) {
		if (!ebpfc_object_find_prog(r->obj, list[i], &p))
			continue;
		fprintf(stderr, "ebpfc load: %s '%s': no such program in %s; it has:", opt,
			list[i], r->a.file);
		for (size_t k = 0; k < r->nprogs; k++)
			fprintf(stderr, " %s", ebpfc_prog_name(r->progs[k].prog));
		fputs(r->nprogs ? "\n" : " no programs\n", stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static void select_prog(const struct load_args *a, struct prog_report *pr)
{
	const char *name = ebpfc_prog_name(pr->prog);

	if (a->only_cnt) {
		pr->wanted = in_list(a->only, a->only_cnt, name);
		pr->reason = "not selected (--prog)";
	} else if (in_list(a->skip, a->skip_cnt, name)) {
		pr->wanted = false;
		pr->reason = "excluded (--no-prog)";
	} else {
		pr->wanted = ebpfc_prog_autoload(pr->prog);
		pr->reason = "autoload is off in the object";
	}
	ebpfc_prog_set_autoload(pr->prog, pr->wanted);
	if (pr->wanted)
		pr->reason = NULL;
}

static int select_progs(struct load_run *r)
{
	int err;

	r->nprogs = ebpfc_object_prog_count(r->obj);
	r->progs = xcalloc(r->nprogs, sizeof(*r->progs));
	for (size_t i = 0; i < r->nprogs; i++)
		r->progs[i].prog = ebpfc_object_prog_at(r->obj, i);
	err = check_names(r, r->a.only, r->a.only_cnt, "--prog");
	if (!err)
		err = check_names(r, r->a.skip, r->a.skip_cnt, "--no-prog");
	if (err)
		return err;
	for (size_t i = 0; i < r->nprogs; i++)
		select_prog(&r->a, &r->progs[i]);
	return 0;
}

/* ---- map sizes ------------------------------------------------------------------ */

/* Apply --max-entries and --value-size; an unknown map is a usage error. */
static int set_map_sizes(struct load_run *r)
{
	for (size_t i = 0; i < r->a.size_cnt; i++) {
		const struct map_size *ms = &r->a.sizes[i];
		const char *opt = ms->value_size ? "--value-size" : "--max-entries";
		struct ebpfc_map *m;
		int err;

		if (ebpfc_object_find_map(r->obj, ms->map, &m)) {
			size_t n = ebpfc_object_map_count(r->obj);

			fprintf(stderr, "ebpfc load: %s %s: no such map in %s; it has:", opt, ms->map,
				r->a.file);
			for (size_t k = 0; k < n; k++)
				fprintf(stderr, " %s", ebpfc_map_name(ebpfc_object_map_at(r->obj, k)));
			fputs(n ? "\n" : " no maps\n", stderr);
			return EXIT_USAGE;
		}
		err = ms->value_size ? ebpfc_map_set_value_size(m, ms->value)
				     : ebpfc_map_set_max_entries(m, ms->value);
		if (err) {
			errorf("%s %s=%u: %s", opt, ms->map, ms->value, ebpfc_errmsg());
			return EXIT_FAIL;
		}
	}
	return 0;
}

/* ---- loading -------------------------------------------------------------------- */

static void prog_outcome(struct load_run *r, struct prog_report *pr)
{
	int res = ebpfc_prog_load_result(pr->prog);
	struct ebpfc_prog_info info;

	if (res == 0) {
		pr->status = ST_LOADED;
		if (!ebpfc_prog_info(pr->prog, &info))
			pr->id = info.id;
	} else if (res < 0) {
		pr->status = ST_FAILED;
		pr->error = xstrdup(ebpfc_prog_load_errmsg(pr->prog));
	} else if (pr->wanted) {
		pr->status = ST_FAILED;
		pr->error = xstrdup("not attempted: the object failed to load first (see its error)");
	} else {
		pr->status = ST_NOT_LOADED;
	}
	r->count[pr->status]++;
}

static void load(struct load_run *r)
{
	EBPFC_OPTS(ebpfc_object_load_opts, o, .log_level = r->a.log_level, .isolate = true);
	struct ebpfc_map_info info;

	/* With isolate, a rejected program still leaves the object loaded. */
	if (ebpfc_object_load(r->obj, &o) && !ebpfc_object_loaded(r->obj))
		r->obj_error = xstrdup(ebpfc_errmsg());
	for (size_t i = 0; i < r->nprogs; i++)
		prog_outcome(r, &r->progs[i]);
	r->nmaps = ebpfc_object_map_count(r->obj);
	r->maps = xcalloc(r->nmaps, sizeof(*r->maps));
	for (size_t i = 0; i < r->nmaps; i++) {
		r->maps[i].map = ebpfc_object_map_at(r->obj, i);
		if (ebpfc_map_fd(r->maps[i].map) >= 0 && !ebpfc_map_info(r->maps[i].map, &info))
			r->maps[i].id = info.id;
	}
}

/* Pins loaded programs and created maps, counting the failures. */
static void pin_all(struct load_run *r)
{
	for (size_t i = 0; i < r->nprogs; i++) {
		struct prog_report *pr = &r->progs[i];

		if (pr->status == ST_LOADED && !pin_prog(r->a.pin_dir, pr->prog, &pr->pin))
			r->pin_failures++;
	}
	for (size_t i = 0; i < r->nmaps; i++) {
		struct map_report *mr = &r->maps[i];

		if (ebpfc_map_fd(mr->map) >= 0 && !pin_map(r->a.pin_dir, mr->map, &mr->pin))
			r->pin_failures++;
	}
}

/* ---- human output --------------------------------------------------------------- */

static void print_prog_table(const struct load_run *r)
{
	static const char *const hdr[] = { "NAME", "SECTION", "TYPE", "STATUS", "ID", "PINNED" };
	struct table t;

	table_init(&t, r->a.pin_dir ? 6 : 5, hdr);
	for (size_t i = 0; i < r->nprogs; i++) {
		const struct prog_report *pr = &r->progs[i];

		table_cell(&t, "%s", ebpfc_prog_name(pr->prog));
		table_cell(&t, "%s", ebpfc_prog_section(pr->prog));
		table_cell(&t, "%s", ebpfc_prog_type_name(ebpfc_prog_type(pr->prog)));
		table_cell(&t, "%s", status_human[pr->status]);
		table_cell(&t, pr->id ? "%u" : "-", pr->id);
		if (r->a.pin_dir)
			table_cell(&t, "%s", pr->pin.path ? pr->pin.path : "-");
	}
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static void print_map_table(const struct load_run *r)
{
	const char *hdr[MAP_TABLE_COLS + 2];
	size_t ncols = MAP_TABLE_COLS + (r->a.pin_dir ? 2 : 1);
	struct table t;

	memcpy(hdr, map_table_headers, sizeof(map_table_headers));
	hdr[MAP_TABLE_COLS] = "ID";
	hdr[MAP_TABLE_COLS + 1] = "PINNED";
	table_init(&t, ncols, hdr);
	for (size_t i = 0; i < r->nmaps; i++) {
		const struct map_report *mr = &r->maps[i];

		map_table_cells(&t, mr->map);
		table_cell(&t, mr->id ? "%u" : "-", mr->id);
		if (r->a.pin_dir)
			table_cell(&t, "%s", mr->pin.path ? mr->pin.path : "-");
	}
	table_print(&t, stdout, "  ");
	table_free(&t);
}

/*
 * The last lines of a program's verifier log, indented under it. The log
 * quotes source lines from the object's BTF, so control characters other
 * than tabs are shown as '?'.
 */
static void print_log_tail(const struct ebpfc_prog *p)
{
	size_t total, len;
	const char *tail = text_tail(ebpfc_prog_log(p), LOG_TAIL_LINES, &total, &len);

	if (!total)
		return;
	printf("    verifier log (last %zu of %zu lines%s):\n      | ",
	       total < LOG_TAIL_LINES ? total : (size_t)LOG_TAIL_LINES, total,
	       ebpfc_prog_log_truncated(p) ? ", truncated" : "");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tail[i];

		if (c == '\n')
			fputs("\n      | ", stdout);
		else
			putchar((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c);
	}
	putchar('\n');
}

static void print_details(const struct load_run *r)
{
	for (size_t i = 0; i < r->nprogs; i++) {
		const struct prog_report *pr = &r->progs[i];
		const char *name = ebpfc_prog_name(pr->prog);

		if (pr->status == ST_NOT_LOADED)
			printf("  %s: not loaded: %s\n", name, pr->reason);
		else if (pr->status == ST_FAILED)
			printf("  %s: failed: %s\n", name, pr->error);
		else if (r->a.log_level)
			printf("  %s: loaded\n", name);
		if (pr->status == ST_FAILED || (pr->status == ST_LOADED && r->a.log_level))
			print_log_tail(pr->prog);
		if (pr->pin.error)
			printf("  %s: pin failed: %s\n", name, pr->pin.error);
	}
	for (size_t i = 0; i < r->nmaps; i++)
		if (r->maps[i].pin.error)
			printf("  map %s: pin failed: %s\n", ebpfc_map_name(r->maps[i].map),
			       r->maps[i].pin.error);
}

static int print_human(const struct load_run *r)
{
	printf("object %s (%s): %zu loaded, %zu not loaded, %zu failed\n",
	       ebpfc_object_name(r->obj), r->a.file, r->count[ST_LOADED],
	       r->count[ST_NOT_LOADED], r->count[ST_FAILED]);
	if (r->obj_error)
		printf("error: %s\n", r->obj_error);
	printf("\nprograms (%zu):\n", r->nprogs);
	if (r->nprogs)
		print_prog_table(r);
	printf("\nmaps (%zu):\n", r->nmaps);
	if (r->nmaps)
		print_map_table(r);
	if (r->count[ST_NOT_LOADED] || r->count[ST_FAILED] || r->pin_failures || r->a.log_level) {
		printf("\n");
		print_details(r);
	}
	return fflush(stdout) ? -EIO : 0;
}

/* ---- JSON output ---------------------------------------------------------------- */

static void json_id(struct json *j, __u32 id)
{
	if (id)
		json_kv_u64(j, "id", id);
	else
		json_kv_null(j, "id");
}

static void json_log(struct json *j, const struct ebpfc_prog *p)
{
	size_t total, len;
	const char *tail = text_tail(ebpfc_prog_log(p), LOG_TAIL_LINES, &total, &len);

	json_key(j, "log_tail");
	if (total)
		json_strn(j, tail, len);
	else
		json_null(j);
	json_kv_u64(j, "log_lines", total);
	json_kv_bool(j, "log_truncated", ebpfc_prog_log_truncated(p));
}

static void json_pin(struct json *j, const struct pin_result *pin)
{
	json_kv_str(j, "pinned", pin->path);
	json_kv_str(j, "pin_error", pin->error);
}

static void json_prog(struct json *j, const struct prog_report *pr)
{
	json_obj_begin(j);
	json_prog_fields(j, pr->prog);
	json_kv_str(j, "status", status_json[pr->status]);
	json_id(j, pr->id);
	json_kv_str(j, "reason", pr->status == ST_NOT_LOADED ? pr->reason : NULL);
	json_kv_str(j, "error", pr->error);
	json_log(j, pr->prog);
	json_pin(j, &pr->pin);
	json_obj_end(j);
}

static void json_map(struct json *j, const struct map_report *mr)
{
	json_obj_begin(j);
	json_map_fields(j, mr->map);
	json_id(j, mr->id);
	json_pin(j, &mr->pin);
	json_obj_end(j);
}

static int print_json(const struct load_run *r)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_str(&j, "object", ebpfc_object_name(r->obj));
	json_kv_str(&j, "file", r->a.file);
	json_kv_str(&j, "license", ebpfc_object_license(r->obj));
	json_kv_str(&j, "error", r->obj_error);
	json_key(&j, "programs");
	json_arr_begin(&j);
	for (size_t i = 0; i < r->nprogs; i++)
		json_prog(&j, &r->progs[i]);
	json_arr_end(&j);
	json_key(&j, "maps");
	json_arr_begin(&j);
	for (size_t i = 0; i < r->nmaps; i++)
		json_map(&j, &r->maps[i]);
	json_arr_end(&j);
	json_key(&j, "summary");
	json_obj_begin(&j);
	for (int s = ST_LOADED; s <= ST_FAILED; s++)
		json_kv_u64(&j, status_json[s], r->count[s]);
	json_obj_end(&j);
	json_obj_end(&j);
	return json_finish(&j);
}

/* ---- the command ---------------------------------------------------------------- */

static void run_free(struct load_run *r)
{
	for (size_t i = 0; i < r->nprogs; i++) {
		free(r->progs[i].error);
		pin_result_free(&r->progs[i].pin);
	}
	for (size_t i = 0; i < r->nmaps; i++)
		pin_result_free(&r->maps[i].pin);
	free(r->progs);
	free(r->maps);
	free(r->obj_error);
	free(r->a.only);
	free(r->a.skip);
	free(r->a.sizes);
	ebpfc_object_destroy(r->obj);
}

static int run(struct load_run *r)
{
	bool ok;
	int err;

	if (open_object(r->a.file, &r->obj))
		return EXIT_FAIL;
	err = select_progs(r);
	if (!err)
		err = set_map_sizes(r);
	if (err)
		return err;
	if (r->a.pin_dir && pin_dir_prepare(r->a.pin_dir))
		return EXIT_FAIL;
	load(r);
	if (r->a.pin_dir)
		pin_all(r);
	ok = !r->obj_error && !r->count[ST_FAILED] && !r->pin_failures;
	err = r->a.json ? print_json(r) : print_human(r);
	if (err)
		errorf("writing the report: %s", strerror(-err));
	return ok && !err ? EXIT_OK : EXIT_FAIL;
}

int cmd_load(int argc, char **argv)
{
	struct load_run r = { 0 };
	int ret;

	ret = parse_args(argc, argv, &r.a);
	if (!ret)
		ret = run(&r);
	run_free(&r);
	return ret;
}
