/*
 * gen_types.c - the C types an object shares with user space, for
 * `ebpfc gen types FILE` and the types block of `ebpfc gen skeleton`:
 * which types (the rule is in gen.h and README.md), what headers already
 * define, identifiers made from object names, and the .maps lookups that
 * tell a map's key and value types.
 *
 * The C itself comes from the library's dumper (ebpfc/btf_dump.h).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "util.h"

/* ---- identifiers --------------------------------------------------------------------- */

static const char *const keywords[] = {
	/* C */
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
	"typedef", "union", "unsigned", "void", "volatile", "while", "bool", "true", "false",
	/* C++ */
	"alignas", "alignof", "and", "asm", "catch", "class", "constexpr", "delete",
	"dynamic_cast", "explicit", "export", "friend", "mutable", "namespace", "new", "noexcept",
	"not", "nullptr", "operator", "or", "private", "protected", "public", "static_assert",
	"template", "this", "throw", "try", "typeid", "typename", "using", "virtual", "xor",
};

void gen_ident(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return;
	if (*s == '.')
		s++;
	if (isdigit((unsigned char)*s) && n + 1 < size)
		buf[n++] = '_';
	for (; *s && n + 1 < size; s++)
		buf[n++] = isalnum((unsigned char)*s) || *s == '_' ? *s : '_';
	if (!n && size > 1)
		buf[n++] = '_';
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (!strcmp(buf, keywords[i]) && n + 1 < size) {
			buf[n++] = '_';
			buf[n] = '\0';
			break;
		}
	}
}

void gen_ident_upper(const char *s, char *buf, size_t size)
{
	gen_ident(s, buf, size);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

void gen_default_name(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	char tmp[256];

	base = base ? base + 1 : path;
	snprintf(tmp, sizeof(tmp), "%s", base);
	if (strchr(tmp, '.'))
		*strchr(tmp, '.') = '\0';
	gen_ident(tmp, buf, size);
}

/* ---- maps ---------------------------------------------------------------------------- */

/* The type a `__type(name, T)` member points to: T; 0 when the member is not there. */
static __u32 member_pointee(const struct ebpfc_btf *btf, __u32 def, const char *name)
{
	struct ebpfc_btf_member_info m;
	const struct btf_type *t;

	if (ebpfc_btf_member_find(btf, def, name, &m) < 0 || ebpfc_btf_type_by_id(btf, m.type_id, &t) ||
	    ebpfc_btf_kind(t) != BTF_KIND_PTR)
		return 0;
	return t->type;
}

void gen_map_types(const struct ebpfc_btf *btf, const char *map_name, struct gen_map_types *mt)
{
	__u32 sec;
	const struct btf_type *t;

	mt->key = mt->value = 0;
	if (ebpfc_btf_find(btf, ".maps", BTF_KIND_DATASEC, &sec) ||
	    ebpfc_btf_type_by_id(btf, sec, &t))
		return;
	for (unsigned int i = 0; i < ebpfc_btf_vlen(t); i++) {
		struct ebpfc_btf_var_info vi;
		const struct btf_type *vt;
		__u32 def;

		if (ebpfc_btf_datasec_var(btf, sec, i, &vi) || strcmp(vi.name, map_name) ||
		    ebpfc_btf_type_by_id(btf, vi.type_id, &vt) || ebpfc_btf_kind(vt) != BTF_KIND_VAR ||
		    ebpfc_btf_resolve(btf, vt->type, &def))
			continue;
		if (ebpfc_btf_type_by_id(btf, def, &vt) || ebpfc_btf_kind(vt) != BTF_KIND_STRUCT)
			return;
		mt->key = member_pointee(btf, def, "key");
		mt->value = member_pointee(btf, def, "value");
		return;
	}
}

/* ---- what headers define ---------------------------------------------------------------- */

/* Typedefs of <linux/types.h> (and what it pulls in), and bool. */
static bool header_typedef(const char *name)
{
	static const char *const names[] = {
		"__u8", "__s8", "__u16", "__s16", "__u32", "__s32", "__u64", "__s64",
		"__be16", "__be32", "__be64", "__le16", "__le32", "__le64", "__sum16", "__wsum",
		"__poll_t", "__aligned_u64", "__aligned_be64", "__aligned_le64", "bool", "_Bool",
	};

	if (!strncmp(name, "__kernel_", 9))
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* Structs, unions and enums of <linux/bpf.h>, which ebpfc's headers include. */
static bool header_tag(const char *name)
{
	static const char *const names[] = {
		"__sk_buff", "xdp_md", "sk_msg_md", "sk_reuseport_md", "btf_ptr", "sk_action",
		"xdp_action", "bpf_adj_room_mode", "bpf_attach_type", "bpf_cgroup_iter_order",
		"bpf_check_mtu_ret", "bpf_cmd", "bpf_core_relo_kind", "bpf_func_id",
		"bpf_hdr_start_off", "bpf_link_type", "bpf_lwt_encap_mode", "bpf_map_type",
		"bpf_prog_type", "bpf_ret_code", "bpf_stack_build_id_status", "bpf_stats_type",
		"bpf_task_fd_type", "bpf_attr", "bpf_iter_link_info", "bpf_btf_info",
		"bpf_cgroup_dev_ctx", "bpf_cgroup_storage_key", "bpf_core_relo", "bpf_cpumap_val",
		"bpf_devmap_val", "bpf_dynptr", "bpf_fib_lookup", "bpf_flow_keys", "bpf_func_info",
		"bpf_insn", "bpf_line_info", "bpf_link_info", "bpf_lpm_trie_key",
		"bpf_lpm_trie_key_hdr", "bpf_lpm_trie_key_u8", "bpf_map_info",
		"bpf_perf_event_value", "bpf_pidns_info", "bpf_prog_info", "bpf_raw_tracepoint_args",
		"bpf_redir_neigh", "bpf_sk_lookup", "bpf_sock", "bpf_sock_addr", "bpf_sock_ops",
		"bpf_sock_tuple", "bpf_sockopt", "bpf_spin_lock", "bpf_stack_build_id",
		"bpf_sysctl", "bpf_tcp_sock", "bpf_timer", "bpf_tunnel_key", "bpf_xdp_sock",
		"bpf_xfrm_state", "bpf_list_head", "bpf_list_node", "bpf_rb_root", "bpf_rb_node",
		"bpf_refcount", "bpf_wq", "bpf_iter_num",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static void assume_header_types(struct gen_types *g)
{
	__u32 cnt = ebpfc_btf_type_cnt(g->btf);

	for (__u32 id = 1; id < cnt; id++) {
		const struct btf_type *t;
		const char *name;

		if (ebpfc_btf_type_by_id(g->btf, id, &t) || !t->name_off)
			continue;
		name = ebpfc_btf_name(g->btf, t->name_off);
		if ((ebpfc_btf_kind(t) == BTF_KIND_TYPEDEF && header_typedef(name)) ||
		    ((ebpfc_btf_is_composite(t) || ebpfc_btf_is_any_enum(t) ||
		      ebpfc_btf_kind(t) == BTF_KIND_FWD) && header_tag(name)))
			ebpfc_btf_dump_assume_defined(g->dump, id);
	}
}

/* ---- the block ------------------------------------------------------------------------ */

static int file_write(void *user, const char *data, size_t len)
{
	return fwrite(data, 1, len, user) == len ? 0 : -EIO;
}

char *gen_decl(struct gen_types *g, __u32 type_id, const char *declarator, unsigned int indent,
	       bool strip_mods, bool add_const)
{
	EBPFC_OPTS(ebpfc_btf_dump_decl_opts, o, .indent = indent, .strip_mods = strip_mods,
		   .add_const = add_const);
	int n = ebpfc_btf_dump_decl(g->dump, type_id, declarator, &o, NULL, 0);
	char *buf;

	if (n < 0) {
		errorf("spelling type [%u]: %s", type_id, ebpfc_errmsg());
		exit(EXIT_FAIL);
	}
	buf = xcalloc(1, (size_t)n + 1);
	ebpfc_btf_dump_decl(g->dump, type_id, declarator, &o, buf, (size_t)n + 1);
	return buf;
}

static int dump_type(struct gen_types *g, __u32 id)
{
	int err = ebpfc_btf_dump_type(g->dump, id);

	if (err)
		errorf("writing type [%u]: %s", id, ebpfc_errmsg());
	return err;
}

static bool is_anon_composite(const struct ebpfc_btf *btf, __u32 id)
{
	const struct btf_type *t;

	return !ebpfc_btf_type_by_id(btf, id, &t) && ebpfc_btf_is_composite(t) && !t->name_off;
}

/*
 * A map's key or value type into *slot: its spelling, after writing its
 * definition; an anonymous struct gets a typedef so that it has a name.
 */
static int map_type(struct gen_types *g, const char *map, const char *what, __u32 id,
		    char *slot, size_t size)
{
	char *s;
	int err;

	if (!id)
		return 0;
	err = dump_type(g, id);
	if (err)
		return err;
	if (is_anon_composite(g->btf, id)) {
		char *tname = xasprintf("%s__%s__%s", g->name, map, what);

		s = gen_decl(g, id, tname, 0, false, false);
		fprintf(g->out, "typedef %s;\n\n", s);
		free(s);
		snprintf(slot, size, "%s", tname);
		free(tname);
		return 0;
	}
	s = gen_decl(g, id, "", 0, false, false);
	snprintf(slot, size, "%s", s);
	free(s);
	return 0;
}

static int global_root(const struct ebpfc_btf *btf, const struct global_var *v, void *user)
{
	struct gen_types *g = user;
	const struct btf_type *t;
	__u32 id = v->type_id;
	int err;

	if (v->is_static)
		return 0;
	err = dump_type(g, id);
	if (err)
		return err;
	/* A pointer names what it points to (the event of a ring buffer). */
	while (!ebpfc_btf_type_by_id(btf, id, &t) &&
	       (ebpfc_btf_kind(t) == BTF_KIND_CONST || ebpfc_btf_kind(t) == BTF_KIND_VOLATILE ||
		ebpfc_btf_kind(t) == BTF_KIND_RESTRICT || ebpfc_btf_kind(t) == BTF_KIND_TYPE_TAG))
		id = t->type;
	if (!ebpfc_btf_type_by_id(btf, id, &t) && ebpfc_btf_kind(t) == BTF_KIND_PTR && t->type)
		return dump_type(g, t->type);
	return 0;
}

/* A --type NAME: a struct, union, enum or typedef of that name. */
static int named_root(struct gen_types *g, const char *name)
{
	static const unsigned int kinds[] = { BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM,
					      BTF_KIND_ENUM64, BTF_KIND_TYPEDEF };
	__u32 id;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!ebpfc_btf_find(g->btf, name, kinds[i], &id))
			return dump_type(g, id);
	errorf("--type %s: the object's BTF has no struct, union, enum or typedef of that name",
	       name);
	return -ENOENT;
}

int gen_types_write(struct gen_types *g, const struct ebpfc_object *obj, const char *name,
		    char *const *extra, size_t nextra, FILE *out)
{
	char guard[160];
	int err;

	memset(g, 0, sizeof(*g));
	g->out = out;
	snprintf(g->name, sizeof(g->name), "%s", name);
	err = ebpfc_object_btf(obj, &g->btf);
	if (err) {
		errorf("%s: the object has no BTF (compile it with clang -g): %s",
		       ebpfc_object_name(obj), ebpfc_errmsg());
		return err;
	}
	err = ebpfc_btf_dump_new(g->btf, file_write, out, NULL, &g->dump);
	if (err) {
		errorf("%s", ebpfc_errmsg());
		return err;
	}
	assume_header_types(g);
	g->nmaps = ebpfc_object_map_count(obj);
	g->key_type = xcalloc(g->nmaps, sizeof(*g->key_type));
	g->value_type = xcalloc(g->nmaps, sizeof(*g->value_type));

	gen_ident_upper(name, guard, sizeof(guard));
	fprintf(out, "#ifndef EBPFC_TYPES_%s\n#define EBPFC_TYPES_%s\n\n", guard, guard);
	for (size_t i = 0; i < g->nmaps && !err; i++) {
		const char *mname = ebpfc_map_name(ebpfc_object_map_at(obj, i));
		struct gen_map_types mt;
		char ident[128];

		gen_map_types(g->btf, mname, &mt);
		gen_ident(mname, ident, sizeof(ident));
		err = map_type(g, ident, "key", mt.key, g->key_type[i], sizeof(g->key_type[i]));
		if (!err)
			err = map_type(g, ident, "value", mt.value, g->value_type[i],
				       sizeof(g->value_type[i]));
	}
	if (!err)
		err = globals_foreach(obj, global_root, g);
	for (size_t i = 0; i < nextra && !err; i++)
		err = named_root(g, extra[i]);
	if (err)
		return err;
	fprintf(out, "#endif /* EBPFC_TYPES_%s */\n", guard);
	return 0;
}

void gen_types_free(struct gen_types *g)
{
	ebpfc_btf_dump_destroy(g->dump);
	free(g->key_type);
	free(g->value_type);
	memset(g, 0, sizeof(*g));
}

/* ---- ebpfc gen types ----------------------------------------------------------------- */

int gen_args_parse(int argc, char **argv, struct gen_args *a)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->extra = xcalloc((size_t)argc, sizeof(char *));
	opt_reset();
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			gen_ident(optarg, a->name, sizeof(a->name));
			if (strcmp(a->name, optarg))
				return usage_error("gen", "--name '%s' is not a C identifier", optarg);
			break;
		case 't':
			a->extra[a->nextra++] = optarg;
			break;
		default:
			return opt_error("gen", c, argv);
		}
	}
	if (optind + 1 != argc)
		return usage_error("gen", optind == argc ? "no FILE given" : "more than one FILE");
	a->path = argv[optind];
	if (!a->name[0])
		gen_default_name(a->path, a->name, sizeof(a->name));
	return 0;
}

void gen_args_free(struct gen_args *a)
{
	free(a->extra);
	a->extra = NULL;
}

int gen_emit(FILE *out, char **text, size_t *len, int ret)
{
	if (fclose(out)) {
		errorf("out of memory");
		ret = EXIT_FAIL;
	}
	if (ret == EXIT_OK && (fwrite(*text, 1, *len, stdout) != *len || fflush(stdout))) {
		errorf("writing the output failed: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}

int gen_types_main(int argc, char **argv)
{
	struct ebpfc_object *obj = NULL;
	struct gen_args a;
	struct gen_types g;
	size_t len = 0;
	char *text = NULL;
	FILE *out;
	int ret;

	ret = gen_args_parse(argc, argv, &a);
	if (ret) {
		gen_args_free(&a);
		return ret;
	}
	ret = EXIT_FAIL;
	if (open_object(a.path, &obj))
		goto out;
	out = open_memstream(&text, &len);
	if (!out) {
		errorf("out of memory");
		goto out;
	}
	{
		const char *base = strrchr(a.path, '/');

		fprintf(out, "/*\n * Types of %s shared with user space, written by `ebpfc gen types`:"
			     "\n * do not edit. Define EBPFC_TYPES_", base ? base + 1 : a.path);
		for (const char *p = a.name; *p; p++)
			fputc(toupper((unsigned char)*p), out);
		fputs(" before including this to use definitions of\n * your own instead."
		      " Needs the __u32 family of types (<linux/types.h>, or vmlinux.h).\n */\n",
		      out);
	}
	if (gen_types_write(&g, obj, a.name, a.extra, a.nextra, out) == 0)
		ret = EXIT_OK;
	gen_types_free(&g);
	ret = gen_emit(out, &text, &len, ret);
out:
	free(text);
	gen_args_free(&a);
	ebpfc_object_destroy(obj);
	return ret;
}
