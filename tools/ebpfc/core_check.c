/*
 * core_check.c - `ebpfc core-check FILE [--btf PATH] [--json]`: will this
 * object run on that kernel? Every CO-RE relocation of every program is
 * resolved against a kernel's BTF (the running kernel's, or a raw BTF file
 * or vmlinux given with --btf) without loading anything, and reported with
 * its program, instruction, kind, access path and the value it gets there,
 * or why it cannot get one.
 *
 * A relocation the target cannot satisfy is "missing": the loader poisons
 * its instruction, and the program fails only if the verifier reaches it
 * (code behind bpf_core_field_exists() never does), so a missing one is a
 * warning about a path, not a verdict on the program. An "error" (an
 * ambiguous target, a malformed record) fails the program's load outright.
 *
 * Exit status: 0 when every relocation resolves, 1 when some do not or
 * the object or BTF cannot be read, 2 for a wrong command line. The JSON
 * keys are a documented interface (README.md in this directory).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "json.h"
#include "util.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

struct cc_args {
	const char *file;
	const char *btf;	/* --btf, or NULL for the running kernel's */
	bool json;
};

/* One reported relocation, its strings copied out of the callback. */
struct cc_relo {
	size_t prog;		/* index in the object's programs */
	char *section, *func, *access, *message;
	const char *kind;	/* a static string of the library */
	size_t relo_idx, insn_idx;
	enum ebpfc_core_check_status status;
	__u64 local_val, target_val;
	__u32 cand_cnt;
};

/* Per program: relocations by status. */
struct cc_prog {
	const struct ebpfc_prog *prog;
	size_t count[3];	/* by enum ebpfc_core_check_status */
	size_t total;
};

struct cc_run {
	struct cc_args a;
	struct ebpfc_object *obj;
	struct ebpfc_btf *target;
	char *target_desc;	/* for the human header */
	struct cc_prog *progs;
	size_t nprogs;
	struct cc_relo *relos;
	size_t nrelos, cap;
	size_t count[3];
};

static const char *const status_json[] = { "resolved", "missing", "error" };
static const char *const count_json[] = { "resolved", "missing", "errors" };

/* ---- command line --------------------------------------------------------------- */

static int parse_args(int argc, char **argv, struct cc_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "btf", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'j')
			a->json = true;
		else if (c == 'b')
			a->btf = optarg;
		else
			return opt_error(argv[0], c, argv);
	}
	if (optind + 1 != argc)
		return usage_error(argv[0], optind == argc ? "no FILE given" : "more than one FILE");
	if (a->btf && !*a->btf)
		return usage_error(argv[0], "--btf needs a file");
	a->file = argv[optind];
	return 0;
}

/* ---- collecting ------------------------------------------------------------------- */

static size_t prog_index(const struct cc_run *r, const struct ebpfc_prog *p)
{
	for (size_t i = 0; i < r->nprogs; i++)
		if (r->progs[i].prog == p)
			return i;
	return 0; /* cannot happen: the library reports the object's own programs */
}

static int collect(const struct ebpfc_core_check_result *res, void *user)
{
	struct cc_run *r = user;
	struct cc_relo *x;

	if (r->nrelos == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct cc_relo *n = realloc(r->relos, cap * sizeof(*n));

		if (!n) {
			errorf("out of memory");
			exit(EXIT_FAIL);
		}
		r->relos = n;
		r->cap = cap;
	}
	x = &r->relos[r->nrelos++];
	memset(x, 0, sizeof(*x));
	x->prog = prog_index(r, res->prog);
	x->section = xstrdup(res->section);
	x->func = xstrdup(res->func);
	x->access = xstrdup(res->access);
	x->message = res->message ? xstrdup(res->message) : NULL;
	x->kind = res->kind;
	x->relo_idx = res->relo_idx;
	x->insn_idx = res->insn_idx;
	x->status = res->status;
	x->local_val = res->local_val;
	x->target_val = res->target_val;
	x->cand_cnt = res->cand_cnt;
	r->progs[x->prog].count[x->status]++;
	r->progs[x->prog].total++;
	r->count[x->status]++;
	return 0;
}

static int open_target(struct cc_run *r)
{
	struct utsname u;

	if (!r->a.btf) {
		r->target_desc = uname(&u) == 0 ? xasprintf(VMLINUX " (running kernel %s)", u.release)
						: xstrdup(VMLINUX " (running kernel)");
		return 0; /* the library opens the running kernel's BTF itself */
	}
	if (ebpfc_btf_open_file(r->a.btf, NULL, &r->target)) {
		errorf("--btf %s: %s", r->a.btf, ebpfc_errmsg());
		return -1;
	}
	r->target_desc = xstrdup(r->a.btf);
	return 0;
}

static int check(struct cc_run *r)
{
	EBPFC_OPTS(ebpfc_core_check_opts, o, .target = r->target, .target_name = r->a.btf);
	int err;

	r->nprogs = ebpfc_object_prog_count(r->obj);
	r->progs = xcalloc(r->nprogs, sizeof(*r->progs));
	for (size_t i = 0; i < r->nprogs; i++)
		r->progs[i].prog = ebpfc_object_prog_at(r->obj, i);
	err = ebpfc_object_core_check(r->obj, &o, collect, r);
	if (err)
		errorf("%s: %s", r->a.file, ebpfc_errmsg());
	return err;
}

/* ---- output ------------------------------------------------------------------------ */

static const char *prog_status_json(const struct cc_prog *p)
{
	if (p->count[EBPFC_CORE_ERROR])
		return "error";
	return p->count[EBPFC_CORE_MISSING] ? "unresolved" : "ok";
}

static void print_prog_summary(const struct cc_prog *p)
{
	size_t miss = p->count[EBPFC_CORE_MISSING], errs = p->count[EBPFC_CORE_ERROR];

	printf("  %s: ", ebpfc_prog_name(p->prog));
	if (!p->total) {
		printf("ok (no CO-RE relocations)\n");
		return;
	}
	if (!miss && !errs) {
		printf("ok (%zu relocation%s)\n", p->total, p->total == 1 ? "" : "s");
		return;
	}
	if (errs)
		printf("%zu relocation%s failed (the program cannot load)%s", errs,
		       errs == 1 ? "" : "s", miss ? "; " : "\n");
	if (miss)
		printf("%zu relocation%s unresolved (the program fails if it reaches %s)\n", miss,
		       miss == 1 ? "" : "s", miss == 1 ? "it" : "them");
}

static int print_human(const struct cc_run *r)
{
	static const char *const hdr[] = { "PROGRAM", "INSN", "KIND", "ACCESS", "RESULT" };
	struct table t;

	printf("object %s (%s)\n", ebpfc_object_name(r->obj), r->a.file);
	printf("target %s\n", r->target_desc);
	printf("\nrelocations (%zu):\n", r->nrelos);
	if (r->nrelos) {
		table_init(&t, 5, hdr);
		for (size_t i = 0; i < r->nrelos; i++) {
			const struct cc_relo *x = &r->relos[i];

			table_cell(&t, "%s", ebpfc_prog_name(r->progs[x->prog].prog));
			table_cell(&t, "%zu", x->insn_idx);
			table_cell(&t, "%s", x->kind);
			table_cell(&t, "%s", x->access);
			if (x->status == EBPFC_CORE_RESOLVED)
				table_cell(&t, "%llu -> %llu", (unsigned long long)x->local_val,
					   (unsigned long long)x->target_val);
			else
				table_cell(&t, "%s: %s",
					   x->status == EBPFC_CORE_MISSING ? "MISSING" : "ERROR",
					   x->message);
		}
		table_print(&t, stdout, "  ");
		table_free(&t);
	}
	printf("\nprograms (%zu):\n", r->nprogs);
	for (size_t i = 0; i < r->nprogs; i++)
		print_prog_summary(&r->progs[i]);
	printf("\n%zu relocation%s: %zu resolved, %zu unresolved, %zu failed\n", r->nrelos,
	       r->nrelos == 1 ? "" : "s", r->count[EBPFC_CORE_RESOLVED],
	       r->count[EBPFC_CORE_MISSING], r->count[EBPFC_CORE_ERROR]);
	return fflush(stdout) ? -EIO : 0;
}

static void json_relo(struct json *j, const struct cc_relo *x)
{
	json_obj_begin(j);
	json_kv_str(j, "function", x->func);
	json_kv_str(j, "section", x->section);
	json_kv_u64(j, "relocation", x->relo_idx);
	json_kv_u64(j, "insn", x->insn_idx);
	json_kv_str(j, "kind", x->kind);
	json_kv_str(j, "access", x->access);
	json_kv_str(j, "status", status_json[x->status]);
	if (x->status == EBPFC_CORE_ERROR)
		json_kv_null(j, "local");
	else
		json_kv_u64(j, "local", x->local_val);
	if (x->status == EBPFC_CORE_RESOLVED)
		json_kv_u64(j, "target", x->target_val);
	else
		json_kv_null(j, "target");
	json_kv_u64(j, "candidates", x->cand_cnt);
	json_kv_str(j, "reason", x->message);
	json_obj_end(j);
}

static int print_json(const struct cc_run *r)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_str(&j, "object", ebpfc_object_name(r->obj));
	json_kv_str(&j, "file", r->a.file);
	json_kv_str(&j, "btf", r->a.btf ? r->a.btf : VMLINUX);
	json_key(&j, "programs");
	json_arr_begin(&j);
	for (size_t i = 0; i < r->nprogs; i++) {
		const struct cc_prog *p = &r->progs[i];

		json_obj_begin(&j);
		json_prog_fields(&j, p->prog);
		json_kv_str(&j, "status", prog_status_json(p));
		for (int s = EBPFC_CORE_RESOLVED; s <= EBPFC_CORE_ERROR; s++)
			json_kv_u64(&j, count_json[s], p->count[s]);
		json_key(&j, "relocations");
		json_arr_begin(&j);
		for (size_t k = 0; k < r->nrelos; k++)
			if (r->relos[k].prog == i)
				json_relo(&j, &r->relos[k]);
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "summary");
	json_obj_begin(&j);
	json_kv_u64(&j, "programs", r->nprogs);
	json_kv_u64(&j, "relocations", r->nrelos);
	for (int s = EBPFC_CORE_RESOLVED; s <= EBPFC_CORE_ERROR; s++)
		json_kv_u64(&j, count_json[s], r->count[s]);
	json_obj_end(&j);
	json_obj_end(&j);
	return json_finish(&j);
}

/* ---- the command ------------------------------------------------------------------ */

static void run_free(struct cc_run *r)
{
	for (size_t i = 0; i < r->nrelos; i++) {
		free(r->relos[i].section);
		free(r->relos[i].func);
		free(r->relos[i].access);
		free(r->relos[i].message);
	}
	free(r->relos);
	free(r->progs);
	free(r->target_desc);
	ebpfc_btf_destroy(r->target);
	ebpfc_object_destroy(r->obj);
}

static int run(struct cc_run *r)
{
	int err;

	if (open_object(r->a.file, &r->obj) || open_target(r) || check(r))
		return EXIT_FAIL;
	err = r->a.json ? print_json(r) : print_human(r);
	if (err) {
		errorf("writing the report: %s", strerror(-err));
		return EXIT_FAIL;
	}
	return r->count[EBPFC_CORE_MISSING] || r->count[EBPFC_CORE_ERROR] ? EXIT_FAIL : EXIT_OK;
}

int cmd_core_check(int argc, char **argv)
{
	struct cc_run r = { 0 };
	int ret;

	ret = parse_args(argc, argv, &r.a);
	if (!ret)
		ret = run(&r);
	run_free(&r);
	return ret;
}
