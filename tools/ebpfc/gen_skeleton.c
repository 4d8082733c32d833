/*
 * gen_skeleton.c - `ebpfc gen skeleton FILE [--name NAME] [--type T]...`:
 * a header a C or C++ program includes to open, configure, load and attach
 * one BPF object with typed handles, and `ebpfc gen` dispatch.
 *
 * What the header holds, in order: the object's bytes; the types block
 * (gen_types.c); one struct per data section, whose fields are the
 * section's non-static variables at their offsets; struct NAME with the
 * object, maps, programs, links and section pointers; NAME__open/_opts,
 * __load/_opts, __open_and_load, __attach, __detach, __destroy over the
 * library's object and link API; typed accessors for every map declared
 * with key and value types, and (in C) macros that make a wrong key or
 * value type a compile error; static asserts that the sizes and offsets of
 * the C types are the object's.
 *
 * Generated code must stay valid C11 and C++11 (and later) under -Wall
 * -Wextra -Werror: explicit casts from void *, no designated initializers,
 * structs at file scope (a struct defined inside another is scoped in C++).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "util.h"

/* Sections whose programs ebpfc_prog_attach() attaches on its own (ebpfc/link.h). */
static bool auto_attach(const char *sec)
{
	static const char *const prefixes[] = {
		"tp/", "tracepoint/", "raw_tp/", "raw_tracepoint/", "raw_tp.w/",
		"raw_tracepoint.w/", "tp_btf/", "fentry/", "fexit/", "fmod_ret/", "fentry.s/",
		"fexit.s/", "fmod_ret.s/", "lsm/", "lsm.s/", "freplace/", "kprobe/", "kretprobe/",
		"ksyscall/", "kretsyscall/", "kprobe.multi/", "kretprobe.multi/", "uprobe/",
		"uretprobe/", "uprobe.s/", "uretprobe.s/", "uprobe.multi/", "uretprobe.multi/",
		"uprobe.multi.s/", "uretprobe.multi.s/", "iter/", "iter.s/",
	};

	if (*sec == '?')
		sec++;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(sec, prefixes[i], n) && sec[n])
			return true;
	}
	return false;
}

static bool is_data_section(const char *name)
{
	static const char *const bases[] = { ".data", ".rodata", ".bss" };

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		size_t n = strlen(bases[i]);

		if (!strncmp(name, bases[i], n) && (name[n] == '\0' || name[n] == '.'))
			return true;
	}
	return false;
}

static bool is_percpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* ---- what the object has -------------------------------------------------------------- */

struct var {
	char *name;		/* as a C identifier */
	char *sym;		/* as the object names it */
	__u32 offset, size, type_id;
};

struct section {
	char *ident;		/* "rodata_cfg" */
	const char *name;	/* ".rodata.cfg" */
	size_t map_idx;
	struct var *vars;	/* non-static, by offset */
	size_t nvars;
	bool rodata;
};

struct skel {
	const char *name;	/* identifier */
	char upper[128];
	const struct ebpfc_object *obj;
	struct gen_types types;
	FILE *out;
	char **map_ident, **prog_ident;
	size_t nmaps, nprogs;
	struct section *secs;
	size_t nsecs;
};

/* s, or s_2, s_3 ... when an earlier entry of names already has it. */
static char *unique_ident(const char *s, char **names, size_t n)
{
	char base[128], *cand;
	unsigned int k = 1;

	gen_ident(s, base, sizeof(base));
	cand = xstrdup(base);
	for (size_t i = 0; i < n; i++) {
		if (names[i] && !strcmp(names[i], cand)) {
			free(cand);
			cand = xasprintf("%s_%u", base, ++k);
			i = (size_t)-1;	/* check the new one against all again */
		}
	}
	return cand;
}

static int collect_var(const struct ebpfc_btf *btf, const struct global_var *g, void *user)
{
	struct skel *s = user;

	(void)btf;
	if (g->is_static || !g->size)
		return 0;
	for (size_t i = 0; i < s->nsecs; i++) {
		struct section *sec = &s->secs[i];
		struct var *v;

		if (strcmp(sec->name, g->section))
			continue;
		sec->vars = realloc(sec->vars, (sec->nvars + 1) * sizeof(*sec->vars));
		if (!sec->vars) {
			errorf("out of memory");
			exit(EXIT_FAIL);
		}
		v = &sec->vars[sec->nvars++];
		v->sym = xstrdup(g->name);
		v->name = xcalloc(1, 128);
		gen_ident(g->name, v->name, 128);
		v->offset = g->offset;
		v->size = g->size;
		v->type_id = g->type_id;
		return 0;
	}
	return 0;
}

static int by_offset(const void *a, const void *b)
{
	const struct var *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void collect(struct skel *s)
{
	s->nmaps = ebpfc_object_map_count(s->obj);
	s->nprogs = ebpfc_object_prog_count(s->obj);
	s->map_ident = xcalloc(s->nmaps, sizeof(char *));
	s->prog_ident = xcalloc(s->nprogs, sizeof(char *));
	s->secs = xcalloc(s->nmaps, sizeof(*s->secs));
	for (size_t i = 0; i < s->nmaps; i++) {
		const char *name = ebpfc_map_name(ebpfc_object_map_at(s->obj, i));

		s->map_ident[i] = unique_ident(name, s->map_ident, i);
		if (is_data_section(name)) {
			struct section *sec = &s->secs[s->nsecs++];

			sec->name = name;
			sec->ident = xstrdup(s->map_ident[i]);
			sec->map_idx = i;
			sec->rodata = !strncmp(name, ".rodata", 7);
		}
	}
	for (size_t i = 0; i < s->nprogs; i++)
		s->prog_ident[i] = unique_ident(ebpfc_prog_name(ebpfc_object_prog_at(s->obj, i)),
						s->prog_ident, i);
	globals_foreach(s->obj, collect_var, s);
	for (size_t i = 0; i < s->nsecs; i++)
		qsort(s->secs[i].vars, s->secs[i].nvars, sizeof(struct var), by_offset);
}

static void skel_free(struct skel *s)
{
	for (size_t i = 0; i < s->nmaps; i++)
		free(s->map_ident[i]);
	for (size_t i = 0; i < s->nprogs; i++)
		free(s->prog_ident[i]);
	for (size_t i = 0; i < s->nsecs; i++) {
		for (size_t j = 0; j < s->secs[i].nvars; j++) {
			free(s->secs[i].vars[j].name);
			free(s->secs[i].vars[j].sym);
		}
		free(s->secs[i].vars);
		free(s->secs[i].ident);
	}
	free(s->map_ident);
	free(s->prog_ident);
	free(s->secs);
	gen_types_free(&s->types);
}

/* ---- writing -------------------------------------------------------------------------- */

static void put_bytes(FILE *out, const unsigned char *data, size_t size)
{
	fputs("\tstatic const unsigned char data[] =\n", out);
	if (!size)
		fputs("\t\t\"\"", out);
	for (size_t i = 0; i < size; i++) {
		if (i % 32 == 0)
			fputs(i ? "\"\n\t\t\"" : "\t\t\"", out);
		fprintf(out, "\\x%02x", data[i]);
	}
	if (size)
		fputc('"', out);
	fputs(";\n\n\t*size = sizeof(data) - 1;\n\treturn data;\n", out);
}

static void put_head(struct skel *s, const char *file)
{
	const char *n = s->name;

	fprintf(s->out,
		"/*\n"
		" * %s.skel.h - the skeleton of %s, written by `ebpfc gen skeleton`:\n"
		" * do not edit. The object's bytes are inside; nothing else is needed at run\n"
		" * time but libebpfc.\n"
		" *\n"
		" *\tstruct %s *skel;\n"
		" *\tint err = %s__open(&skel);        parse the object\n"
		" *\t... skel->rodata->x = 1; map sizes ... configure\n"
		" *\terr = %s__load(skel);             maps, programs, verifier\n"
		" *\terr = %s__attach(skel);           programs whose section names a hook\n"
		" *\t... skel->bss->..., %s__map_<map>__lookup(skel, &key, &value) ...\n"
		" *\t%s__destroy(skel);                detach, close, free\n"
		" *\n"
		" * Functions return 0 or a negative errno; ebpfc_errmsg() says why. The\n"
		" * section pointers (skel->bss, skel->rodata, ...) point into the object's\n"
		" * copy of each section until %s__load(), into the map's memory after it\n"
		" * (read-only for .rodata), or are NULL after load where the kernel cannot\n"
		" * memory-map array maps (before 5.5: use ebpfc_map_lookup()). A program\n"
		" * whose hook needs a target (xdp, tc, cgroup, ...) is not attached by\n"
		" * %s__attach(): attach it with ebpfc_prog_attach_*() and store the link\n"
		" * in skel->links, where __detach() and __destroy() release it.\n"
		" * Define EBPFC_TYPES_%s to provide the types block's types yourself.\n"
		" */\n"
		"#ifndef EBPFC_SKEL_%s_H\n#define EBPFC_SKEL_%s_H\n\n"
		"#include <errno.h>\n#include <stddef.h>\n#include <stdlib.h>\n#include <string.h>\n"
		"#include <ebpfc/ebpfc.h>\n#include <ebpfc/link.h>\n\n",
		n, file, n, n, n, n, n, n, n, n, s->upper, s->upper, s->upper);
}

static void put_assert_macro(FILE *out)
{
	fputs("\n#ifndef EBPFC_SKEL_STATIC_ASSERT\n#ifdef __cplusplus\n"
	      "#define EBPFC_SKEL_STATIC_ASSERT(c, m) static_assert(c, m)\n#else\n"
	      "#define EBPFC_SKEL_STATIC_ASSERT(c, m) _Static_assert(c, m)\n#endif\n#endif\n\n"
	      "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n", out);
}

/* The struct of one data section: its variables at their offsets, padding between. */
static void put_section_struct(struct skel *s, const struct section *sec)
{
	__u32 cur = 0, pad = 0;

	fprintf(s->out, "/* %s: %s */\nstruct %s__%s {\n", sec->name,
		sec->rodata ? "set before load; read-only after" : "shared with the programs after load",
		s->name, sec->ident);
	for (size_t i = 0; i < sec->nvars; i++) {
		const struct var *v = &sec->vars[i];
		char *decl;

		if (v->offset < cur)
			continue;	/* overlaps the one before: cannot be a field */
		if (v->offset > cur)
			fprintf(s->out, "\tchar __pad%u[%u];\n", pad++, v->offset - cur);
		decl = gen_decl(&s->types, v->type_id, v->name, 1, true, false);
		fprintf(s->out, "\t%s;\n", decl);
		free(decl);
		cur = v->offset + v->size;
	}
	fputs("};\n\n", s->out);
}

static bool section_has_fields(const struct section *sec)
{
	return sec->nvars > 0;
}

static void put_percpu_structs(struct skel *s)
{
	for (size_t i = 0; i < s->nmaps; i++) {
		const struct ebpfc_map *m = ebpfc_object_map_at(s->obj, i);

		if (!is_percpu(ebpfc_map_type(m)) || !*s->types.value_type[i])
			continue;
		fprintf(s->out,
			"/* One CPU's value in map %s, at the stride the kernel uses (8 bytes). */\n"
			"struct __attribute__((aligned(8))) %s__%s__percpu {\n\t%s value;\n};\n\n",
			ebpfc_map_name(m), s->name, s->map_ident[i], s->types.value_type[i]);
	}
}

static void put_main_struct(struct skel *s)
{
	FILE *out = s->out;

	fprintf(out, "struct %s {\n\tstruct ebpfc_object *obj;\n", s->name);
	if (s->nmaps) {
		fputs("\tstruct {\n", out);
		for (size_t i = 0; i < s->nmaps; i++)
			fprintf(out, "\t\tstruct ebpfc_map *%s;\n", s->map_ident[i]);
		fputs("\t} maps;\n", out);
	}
	if (s->nprogs) {
		fputs("\tstruct {\n", out);
		for (size_t i = 0; i < s->nprogs; i++)
			fprintf(out, "\t\tstruct ebpfc_prog *%s;\n", s->prog_ident[i]);
		fputs("\t} progs;\n\tstruct {\n", out);
		for (size_t i = 0; i < s->nprogs; i++)
			fprintf(out, "\t\tstruct ebpfc_link *%s;\n", s->prog_ident[i]);
		fputs("\t} links;\n", out);
	}
	for (size_t i = 0; i < s->nsecs; i++)
		if (section_has_fields(&s->secs[i]))
			fprintf(out, "\tstruct %s__%s *%s;\n", s->name, s->secs[i].ident,
				s->secs[i].ident);
	fputs("};\n\n", out);
}

static void put_lifecycle(struct skel *s, const unsigned char *data, size_t size)
{
	const char *n = s->name;
	FILE *out = s->out;
	size_t nfields = 0;

	fprintf(out, "static inline const unsigned char *%s__elf_bytes(size_t *size)\n{\n", n);
	put_bytes(out, data, size);
	fputs("}\n\n", out);

	/*
	 * detach (last program first: links made in program order go in
	 * reverse, so that the first tc link on a device, whose clsact qdisc
	 * it is, goes last), destroy
	 */
	fprintf(out, "/* Destroy every link in skel->links, the last program's first. */\n"
		     "static inline void %s__detach(struct %s *skel)\n{\n", n, n);
	fputs("\tif (!skel)\n\t\treturn;\n", out);
	for (size_t i = s->nprogs; i-- > 0;)
		fprintf(out, "\tebpfc_link_destroy(skel->links.%s);\n\tskel->links.%s = NULL;\n",
			s->prog_ident[i], s->prog_ident[i]);
	fputs("}\n\n", out);
	fprintf(out, "static inline void %s__destroy(struct %s *skel)\n{\n"
		     "\tif (!skel)\n\t\treturn;\n\t%s__detach(skel);\n"
		     "\tebpfc_object_destroy(skel->obj);\n\tfree(skel);\n}\n\n", n, n, n);

	/* section pointers */
	for (size_t i = 0; i < s->nsecs; i++)
		nfields += section_has_fields(&s->secs[i]);
	fprintf(out, "/* Point the section pointers at the object's copy (before load) or the maps "
		     "(after). */\nstatic inline void %s__point_globals_(struct %s *skel)\n{\n", n, n);
	if (!nfields) {
		fputs("\t(void)skel;\n}\n\n", out);
	} else {
		fputs("\tvoid *p;\n\tsize_t size;\n\n\tif (!ebpfc_object_loaded(skel->obj)) {\n", out);
		for (size_t i = 0; i < s->nsecs; i++) {
			const struct section *sec = &s->secs[i];
			const struct var *last = &sec->vars[sec->nvars - 1];

			if (!section_has_fields(sec))
				continue;
			fprintf(out, "\t\tskel->%s = ebpfc_map_initial_value(skel->maps.%s, &p, &size) "
				     "== 0 && size >= %u ?\n\t\t\t(struct %s__%s *)p : NULL;\n",
				sec->ident, s->map_ident[sec->map_idx], last->offset + last->size, n,
				sec->ident);
		}
		fputs("\t\treturn;\n\t}\n", out);
		for (size_t i = 0; i < s->nsecs; i++) {
			const struct section *sec = &s->secs[i];

			if (!section_has_fields(sec))
				continue;
			/* The first variable locates the section in the map's memory. */
			fprintf(out, "\tif (ebpfc_object_global(skel->obj, \"%s\", &p, NULL) == 0)\n"
				     "\t\tskel->%s = (struct %s__%s *)(void *)((char *)p - %u);\n",
				sec->vars[0].sym, sec->ident, n, sec->ident, sec->vars[0].offset);
			if (sec->rodata)
				fprintf(out, "\telse if (ebpfc_map_initial_value(skel->maps.%s, &p, &size) "
					     "== 0)\n\t\tskel->%s = (struct %s__%s *)p;\t/* frozen: "
					     "the values loaded */\n",
					s->map_ident[sec->map_idx], sec->ident, n, sec->ident);
			fprintf(out, "\telse\n\t\tskel->%s = NULL;\n", sec->ident);
		}
		fputs("}\n\n", out);
	}

	/* open */
	fprintf(out,
		"/* Parse the embedded object. opts may be NULL; its object_name defaults to "
		"\"%s\". */\n"
		"static inline int %s__open_opts(const struct ebpfc_object_open_opts *opts, "
		"struct %s **skelp)\n{\n"
		"\tstruct ebpfc_object_open_opts o;\n\tconst unsigned char *data;\n"
		"\tstruct %s *skel;\n\tsize_t size;\n\tint err;\n\n"
		"\tif (!skelp)\n\t\treturn -EINVAL;\n\t*skelp = NULL;\n"
		"\tmemset(&o, 0, sizeof(o));\n"
		"\tif (opts)\n\t\tmemcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));\n"
		"\to.sz = sizeof(o);\n\tif (!o.object_name)\n\t\to.object_name = \"%s\";\n"
		"\tskel = (struct %s *)calloc(1, sizeof(*skel));\n\tif (!skel)\n\t\treturn -ENOMEM;\n"
		"\tdata = %s__elf_bytes(&size);\n"
		"\terr = ebpfc_object_open_mem(data, size, &o, &skel->obj);\n",
		n, n, n, n, n, n, n);
	for (size_t i = 0; i < s->nmaps; i++)
		fprintf(out, "\tif (!err)\n\t\terr = ebpfc_object_find_map(skel->obj, \"%s\", "
			     "&skel->maps.%s);\n",
			ebpfc_map_name(ebpfc_object_map_at(s->obj, i)), s->map_ident[i]);
	for (size_t i = 0; i < s->nprogs; i++)
		fprintf(out, "\tif (!err)\n\t\terr = ebpfc_object_find_prog(skel->obj, \"%s\", "
			     "&skel->progs.%s);\n",
			ebpfc_prog_name(ebpfc_object_prog_at(s->obj, i)), s->prog_ident[i]);
	fprintf(out, "\tif (err) {\n\t\t%s__destroy(skel);\n\t\treturn err;\n\t}\n"
		     "\t%s__point_globals_(skel);\n\t*skelp = skel;\n\treturn 0;\n}\n\n", n, n);
	fprintf(out, "static inline int %s__open(struct %s **skelp)\n{\n"
		     "\treturn %s__open_opts(NULL, skelp);\n}\n\n", n, n, n);

	/* load */
	fprintf(out, "/* Create the maps, load the programs; the section pointers move to the maps. */\n"
		     "static inline int %s__load_opts(struct %s *skel, "
		     "const struct ebpfc_object_load_opts *opts)\n{\n"
		     "\tint err = ebpfc_object_load(skel->obj, opts);\n\n"
		     "\t%s__point_globals_(skel);\n\treturn err;\n}\n\n"
		     "static inline int %s__load(struct %s *skel)\n{\n"
		     "\treturn %s__load_opts(skel, NULL);\n}\n\n"
		     "static inline int %s__open_and_load(struct %s **skelp)\n{\n"
		     "\tint err = %s__open(skelp);\n\n\tif (err)\n\t\treturn err;\n"
		     "\terr = %s__load(*skelp);\n\tif (err) {\n\t\t%s__destroy(*skelp);\n"
		     "\t\t*skelp = NULL;\n\t}\n\treturn err;\n}\n\n",
		n, n, n, n, n, n, n, n, n, n, n);
}

static void put_attach(struct skel *s)
{
	const char *n = s->name;
	FILE *out = s->out;
	size_t nauto = 0;

	for (size_t i = 0; i < s->nprogs; i++)
		nauto += auto_attach(ebpfc_prog_section(ebpfc_object_prog_at(s->obj, i)));
	fprintf(out, "/*\n * Attach every loaded program whose section names its hook and that has no "
		     "link\n * yet; on failure, detach what this call attached.");
	for (size_t i = 0; i < s->nprogs; i++) {
		const char *sec = ebpfc_prog_section(ebpfc_object_prog_at(s->obj, i));

		if (!auto_attach(sec))
			fprintf(out, "\n * %s (\"%s\") needs a target: attach it yourself.",
				s->prog_ident[i], sec);
	}
	fprintf(out, "\n */\nstatic inline int %s__attach(struct %s *skel)\n{\n", n, n);
	if (!nauto) {
		fputs("\t(void)skel;\n\treturn 0;\n}\n\n", out);
		return;
	}
	fprintf(out, "\tstruct ebpfc_link **made[%zu];\n\tsize_t nmade = 0;\n\tint err;\n\n", nauto);
	for (size_t i = 0; i < s->nprogs; i++) {
		const char *p = s->prog_ident[i];

		if (!auto_attach(ebpfc_prog_section(ebpfc_object_prog_at(s->obj, i))))
			continue;
		fprintf(out, "\tif (!skel->links.%s && ebpfc_prog_load_result(skel->progs.%s) == 0) {\n"
			     "\t\terr = ebpfc_prog_attach(skel->progs.%s, &skel->links.%s);\n"
			     "\t\tif (err)\n\t\t\tgoto fail;\n\t\tmade[nmade++] = &skel->links.%s;\n\t}\n",
			p, p, p, p, p);
	}
	fputs("\treturn 0;\nfail:\n\twhile (nmade) {\n\t\tnmade--;\n"
	      "\t\tebpfc_link_destroy(*made[nmade]);\n\t\t*made[nmade] = NULL;\n\t}\n"
	      "\treturn err;\n}\n\n", out);
}

/* C only: a wrong pointee type is an error, not a warning (or nothing, for void *). */
static void put_check(FILE *out, const char *fn, const char *arg, const char *type)
{
	fprintf(out, "\t_Static_assert(__builtin_types_compatible_p(__typeof__(*(%s)), %s), \\\n"
		     "\t\t       \"%s: %s must point to %s\"); \\\n", arg, type, fn, arg, type);
}

/* The spelling of a parameter pointing to the map's key or value type. */
static char *param(struct skel *s, __u32 id, const char *typed, const char *declarator,
		   bool is_const)
{
	const struct btf_type *t;

	/* An anonymous struct goes by the typedef the types block gave it. */
	if (!ebpfc_btf_type_by_id(s->types.btf, id, &t) && ebpfc_btf_is_composite(t) &&
	    !t->name_off)
		return xasprintf("%s%s %s", is_const ? "const " : "", typed, declarator);
	return gen_decl(&s->types, id, declarator, 0, false, is_const);
}

static void put_accessors(struct skel *s)
{
	FILE *out = s->out;
	const char *n = s->name;

	for (size_t i = 0; i < s->nmaps; i++) {
		const struct ebpfc_map *m = ebpfc_object_map_at(s->obj, i);
		const char *mi = s->map_ident[i], *kt = s->types.key_type[i];
		const char *vt = s->types.value_type[i];
		struct gen_map_types mt;
		char *key, *ckey, *next, *val, *cval, *fn;
		bool percpu = is_percpu(ebpfc_map_type(m));

		gen_map_types(s->types.btf, ebpfc_map_name(m), &mt);
		if (!mt.value || !*vt)
			continue;
		if (!mt.key) {
			__u32 type = ebpfc_map_type(m);

			if (type != BPF_MAP_TYPE_QUEUE && type != BPF_MAP_TYPE_STACK &&
			    type != BPF_MAP_TYPE_BLOOM_FILTER)
				continue;
			val = param(s, mt.value, vt, "*value", false);
			cval = param(s, mt.value, vt, "*value", true);
			fprintf(out, "/* Map %s: no key; values %s. */\n", ebpfc_map_name(m), vt);
			fprintf(out, "static inline int %s__map_%s__push(const struct %s *skel, %s, "
				     "__u64 flags)\n{\n\treturn ebpfc_map_update(skel->maps.%s, NULL, 0, "
				     "value, sizeof(*value), flags);\n}\n\n", n, mi, n, cval, mi);
			fprintf(out, "static inline int %s__map_%s__peek(const struct %s *skel, %s)\n{\n"
				     "\treturn ebpfc_map_lookup(skel->maps.%s, NULL, 0, value, "
				     "sizeof(*value), 0);\n}\n\n", n, mi, n, val, mi);
			if (type != BPF_MAP_TYPE_BLOOM_FILTER)
				fprintf(out, "static inline int %s__map_%s__pop(const struct %s *skel, "
					     "%s)\n{\n\treturn ebpfc_map_lookup_and_delete(skel->maps.%s, "
					     "NULL, 0, value, sizeof(*value), 0);\n}\n\n", n, mi, n, val, mi);
			free(val);
			free(cval);
			continue;
		}
		if (!*kt)
			continue;
		key = param(s, mt.key, kt, "*key", false);
		ckey = param(s, mt.key, kt, "*key", true);
		next = param(s, mt.key, kt, "*next_key", false);
		fprintf(out, "/* Map %s: keys %s, values %s%s. */\n", ebpfc_map_name(m), kt, vt,
			percpu ? ", one per possible CPU" : "");
		if (percpu) {
			fprintf(out,
				"static inline int %s__map_%s__lookup(const struct %s *skel, %s, "
				"struct %s__%s__percpu *values, size_t nvalues)\n{\n"
				"\treturn ebpfc_map_lookup(skel->maps.%s, key, sizeof(*key), values, "
				"nvalues * sizeof(*values), 0);\n}\n\n"
				"static inline int %s__map_%s__update(const struct %s *skel, %s, "
				"const struct %s__%s__percpu *values, size_t nvalues, __u64 flags)\n{\n"
				"\treturn ebpfc_map_update(skel->maps.%s, key, sizeof(*key), values, "
				"nvalues * sizeof(*values), flags);\n}\n\n",
				n, mi, n, ckey, n, mi, mi, n, mi, n, ckey, n, mi, mi);
		} else {
			val = param(s, mt.value, vt, "*value", false);
			cval = param(s, mt.value, vt, "*value", true);
			fprintf(out,
				"static inline int %s__map_%s__lookup(const struct %s *skel, %s, %s)\n{\n"
				"\treturn ebpfc_map_lookup(skel->maps.%s, key, sizeof(*key), value, "
				"sizeof(*value), 0);\n}\n\n"
				"static inline int %s__map_%s__update(const struct %s *skel, %s, %s, "
				"__u64 flags)\n{\n"
				"\treturn ebpfc_map_update(skel->maps.%s, key, sizeof(*key), value, "
				"sizeof(*value), flags);\n}\n\n",
				n, mi, n, ckey, val, mi, n, mi, n, ckey, cval, mi);
			free(val);
			free(cval);
		}
		fprintf(out,
			"static inline int %s__map_%s__delete(const struct %s *skel, %s)\n{\n"
			"\treturn ebpfc_map_delete(skel->maps.%s, key, sizeof(*key), 0);\n}\n\n"
			"/* key NULL: the first key. -ENOENT after the last. */\n"
			"static inline int %s__map_%s__next_key(const struct %s *skel, %s, %s)\n{\n"
			"\treturn ebpfc_map_next_key(skel->maps.%s, key, next_key, sizeof(*next_key));"
			"\n}\n\n",
			n, mi, n, ckey, mi, n, mi, n, ckey, next, mi);
		free(key);
		free(ckey);
		free(next);

		/* The C checks: macros of the same names, defined after the functions. */
		fputs("#ifndef __cplusplus\n", out);
		fn = xasprintf("%s__map_%s__lookup", n, mi);
		if (percpu) {
			char *cpu = xasprintf("struct %s__%s__percpu", n, mi);

			fprintf(out, "#define %s(skel, key, values, nvalues) __extension__({ \\\n", fn);
			put_check(out, fn, "key", kt);
			put_check(out, fn, "values", cpu);
			fprintf(out, "\t(%s)(skel, key, values, nvalues); \\\n})\n", fn);
			free(fn);
			fn = xasprintf("%s__map_%s__update", n, mi);
			fprintf(out, "#define %s(skel, key, values, nvalues, flags) __extension__({ \\\n",
				fn);
			put_check(out, fn, "key", kt);
			put_check(out, fn, "values", cpu);
			fprintf(out, "\t(%s)(skel, key, values, nvalues, flags); \\\n})\n", fn);
			free(cpu);
		} else {
			fprintf(out, "#define %s(skel, key, value) __extension__({ \\\n", fn);
			put_check(out, fn, "key", kt);
			put_check(out, fn, "value", vt);
			fprintf(out, "\t(%s)(skel, key, value); \\\n})\n", fn);
			free(fn);
			fn = xasprintf("%s__map_%s__update", n, mi);
			fprintf(out, "#define %s(skel, key, value, flags) __extension__({ \\\n", fn);
			put_check(out, fn, "key", kt);
			put_check(out, fn, "value", vt);
			fprintf(out, "\t(%s)(skel, key, value, flags); \\\n})\n", fn);
		}
		free(fn);
		fn = xasprintf("%s__map_%s__delete", n, mi);
		fprintf(out, "#define %s(skel, key) __extension__({ \\\n", fn);
		put_check(out, fn, "key", kt);
		fprintf(out, "\t(%s)(skel, key); \\\n})\n", fn);
		free(fn);
		fn = xasprintf("%s__map_%s__next_key", n, mi);
		fprintf(out, "#define %s(skel, key, next_key) __extension__({ \\\n", fn);
		put_check(out, fn, "next_key", kt);
		fprintf(out, "\t(%s)(skel, key, next_key); \\\n})\n", fn);
		free(fn);
		fputs("#endif\n\n", out);
	}
}

/* The sizes and offsets the object has, checked against the C types. */
static void put_asserts(struct skel *s)
{
	FILE *out = s->out;

	for (size_t i = 0; i < s->nmaps; i++) {
		const struct ebpfc_map *m = ebpfc_object_map_at(s->obj, i);

		if (*s->types.key_type[i])
			fprintf(out, "EBPFC_SKEL_STATIC_ASSERT(sizeof(%s) == %u, \"%s: map %s: key "
				     "size\");\n", s->types.key_type[i], ebpfc_map_key_size(m), s->name,
				s->map_ident[i]);
		if (*s->types.value_type[i])
			fprintf(out, "EBPFC_SKEL_STATIC_ASSERT(sizeof(%s) == %u, \"%s: map %s: value "
				     "size\");\n", s->types.value_type[i], ebpfc_map_value_size(m),
				s->name, s->map_ident[i]);
	}
	for (size_t i = 0; i < s->nsecs; i++) {
		const struct section *sec = &s->secs[i];
		__u32 cur = 0;

		for (size_t j = 0; j < sec->nvars; j++) {
			if (sec->vars[j].offset < cur)
				continue;
			fprintf(out, "EBPFC_SKEL_STATIC_ASSERT(offsetof(struct %s__%s, %s) == %u, "
				     "\"%s: %s: offset of %s\");\n", s->name, sec->ident,
				sec->vars[j].name, sec->vars[j].offset, s->name, sec->name,
				sec->vars[j].name);
			cur = sec->vars[j].offset + sec->vars[j].size;
		}
	}
	fputc('\n', out);
}

static int generate(struct skel *s, const char *file, const unsigned char *data, size_t size,
		    char *const *extra, size_t nextra)
{
	put_head(s, file);
	if (gen_types_write(&s->types, s->obj, s->name, extra, nextra, s->out))
		return -EINVAL;
	collect(s);
	put_assert_macro(s->out);
	for (size_t i = 0; i < s->nsecs; i++)
		if (section_has_fields(&s->secs[i]))
			put_section_struct(s, &s->secs[i]);
	put_percpu_structs(s);
	put_main_struct(s);
	put_lifecycle(s, data, size);
	put_attach(s);
	put_accessors(s);
	put_asserts(s);
	fprintf(s->out, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* EBPFC_SKEL_%s_H */\n", s->upper);
	return 0;
}

static int skeleton_main(int argc, char **argv)
{
	struct ebpfc_object *obj = NULL;
	struct gen_args a;
	struct skel s;
	size_t size = 0, len = 0;
	char *data = NULL, *text = NULL;
	const char *base;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = gen_args_parse(argc, argv, &a);
	if (ret) {
		gen_args_free(&a);
		return ret;
	}
	ret = EXIT_FAIL;
	base = strrchr(a.path, '/') ? strrchr(a.path, '/') + 1 : a.path;
	s.name = a.name;
	gen_ident_upper(a.name, s.upper, sizeof(s.upper));
	if (gen_read_file(a.path, &data, &size) || open_object(a.path, &obj))
		goto out;
	s.obj = obj;
	s.out = open_memstream(&text, &len);
	if (!s.out) {
		errorf("out of memory");
		goto out;
	}
	if (generate(&s, base, (const unsigned char *)data, size, a.extra, a.nextra) == 0)
		ret = EXIT_OK;
	ret = gen_emit(s.out, &text, &len, ret);
out:
	skel_free(&s);
	free(text);
	free(data);
	gen_args_free(&a);
	ebpfc_object_destroy(obj);
	return ret;
}

int cmd_gen(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("gen", "which gen command? (skeleton, types)");
	if (!strcmp(argv[1], "skeleton"))
		return skeleton_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "types"))
		return gen_types_main(argc - 1, argv + 1);
	return usage_error("gen", "unknown gen command '%s' (there are: skeleton, types)", argv[1]);
}
