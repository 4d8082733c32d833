/*
 * core.c - CO-RE relocations: what a constant the compiler derived from
 * the object's BTF (a field offset, a size, an existence bit, a type id,
 * an enum value) must be on the kernel the program is loaded into, and
 * patching the instruction that carries it.
 *
 * One relocation goes through four steps:
 *   1. parse the access string against the local BTF into a "spec": the
 *      root type, the chain of member names and array indices, the bit
 *      offset the compiler assumed;
 *   2. find target candidates: types of a compatible kind whose name is the
 *      root's up to its "___flavor" suffix (cached per local type);
 *   3. match the spec on each candidate, member by member by name,
 *      looking through anonymous structs and unions, checking that the
 *      types found are compatible, and compute the target value; all
 *      matching candidates must agree, or the relocation is ambiguous;
 *   4. patch the instruction (ALU immediate, memory offset and size,
 *      ld_imm64), or poison it when the target lacks what is needed.
 *
 * The rules follow what libbpf does (tools/lib/bpf/relo_core.c), so that
 * an object behaves the same under both loaders. What this file is not:
 * it does not know which instruction a record belongs to in a linked
 * program (reloc.c says), and does not read files or load anything.
 *
 * Every walk over target BTF is bounded (depth and a step budget), since
 * a BTF file given by the user may be hostile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif

#define SPEC_MAX 64              /* accessors in one access string (as libbpf) */
#define TYPE_DEPTH 32            /* recursion of type comparisons */
#define WALK_BUDGET (1u << 20)   /* BTF steps one relocation may take */
#define BIT_OFF_MAX (((uint64_t)UINT32_MAX + 1) * 8) /* offsets past 4 GiB mean nothing */
#define INSN_LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)

/* ---- the context ---------------------------------------------------------- */

struct core_target {
	struct ebpfc_btf *btf;
	char *module;            /* NULL for the kernel itself */
	uint32_t first_id;       /* candidates are this BTF's own types only */
};

struct core_cand {
	uint32_t target;         /* index in ctx->targets */
	uint32_t id;
};

struct core_cands {
	bool done;
	uint32_t cnt;
	struct core_cand *c;
};

struct ebpfc__core_ctx {
	struct ebpfc_btf *local;
	uint32_t local_cnt;
	struct core_target *targets; /* [0] is the kernel */
	size_t target_cnt;
	char *target_name;
	struct core_cands *cache;    /* by local type id, allocated on first use */
	struct ebpfc__core_poison *poison;
	size_t poison_cnt, poison_cap;
};

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

int ebpfc__core_ctx_new(const struct ebpfc_btf *local, const struct ebpfc_btf *target,
			const char *target_name, struct ebpfc__core_ctx **out)
{
	struct ebpfc__core_ctx *ctx;

	if (!out)
		return ebpfc__err(EINVAL, "CO-RE: NULL argument");
	*out = NULL;
	if (!local || !target)
		return ebpfc__err(EINVAL, "CO-RE: NULL argument");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ebpfc__err(ENOMEM, "CO-RE: out of memory");
	ctx->targets = calloc(1, sizeof(*ctx->targets));
	ctx->target_name = dup_str(target_name ? target_name : ebpfc__btf_what(target));
	if (!ctx->targets || !ctx->target_name) {
		free(ctx->targets);
		free(ctx->target_name);
		free(ctx);
		return ebpfc__err(ENOMEM, "CO-RE: out of memory");
	}
	ctx->local = ebpfc__btf_get(local);
	ctx->local_cnt = ebpfc_btf_type_cnt(local);
	ctx->targets[0].btf = ebpfc__btf_get(target);
	ctx->targets[0].first_id = 1;
	ctx->target_cnt = 1;
	*out = ctx;
	return 0;
}

int ebpfc__core_ctx_add_module(struct ebpfc__core_ctx *ctx, const struct ebpfc_btf *module,
			       const char *name)
{
	struct core_target *nt;
	char *n;
	size_t i;

	if (!ctx || !module || !name)
		return ebpfc__err(EINVAL, "CO-RE: NULL argument");
	n = dup_str(name);
	nt = realloc(ctx->targets, (ctx->target_cnt + 1) * sizeof(*nt));
	if (!n || !nt) {
		free(n);
		if (nt)
			ctx->targets = nt;
		return ebpfc__err(ENOMEM, "CO-RE: out of memory adding module '%s'", name);
	}
	ctx->targets = nt;
	nt[ctx->target_cnt].btf = ebpfc__btf_get(module);
	nt[ctx->target_cnt].module = n;
	nt[ctx->target_cnt].first_id = ebpfc_btf_start_id(module);
	ctx->target_cnt++;
	/* Types with no candidate in the kernel may now have some in the module. */
	if (ctx->cache)
		for (i = 0; i < ctx->local_cnt; i++)
			if (ctx->cache[i].done && !ctx->cache[i].cnt)
				ctx->cache[i].done = false;
	return 0;
}

void ebpfc__core_ctx_free(struct ebpfc__core_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return;
	if (ctx->cache)
		for (i = 0; i < ctx->local_cnt; i++)
			free(ctx->cache[i].c);
	free(ctx->cache);
	for (i = 0; i < ctx->target_cnt; i++) {
		ebpfc_btf_destroy(ctx->targets[i].btf);
		free(ctx->targets[i].module);
	}
	free(ctx->targets);
	for (i = 0; i < ctx->poison_cnt; i++) {
		free(ctx->poison[i].prog);
		free(ctx->poison[i].reason);
	}
	free(ctx->poison);
	free(ctx->target_name);
	ebpfc_btf_destroy(ctx->local);
	free(ctx);
}

/* ---- relocation kinds ------------------------------------------------------ */

static const char *const kind_names[] = {
	[BPF_CORE_FIELD_BYTE_OFFSET] = "byte_off",
	[BPF_CORE_FIELD_BYTE_SIZE] = "byte_sz",
	[BPF_CORE_FIELD_EXISTS] = "field_exists",
	[BPF_CORE_FIELD_SIGNED] = "signed",
	[BPF_CORE_FIELD_LSHIFT_U64] = "lshift_u64",
	[BPF_CORE_FIELD_RSHIFT_U64] = "rshift_u64",
	[BPF_CORE_TYPE_ID_LOCAL] = "local_type_id",
	[BPF_CORE_TYPE_ID_TARGET] = "target_type_id",
	[BPF_CORE_TYPE_EXISTS] = "type_exists",
	[BPF_CORE_TYPE_SIZE] = "type_size",
	[BPF_CORE_ENUMVAL_EXISTS] = "enumval_exists",
	[BPF_CORE_ENUMVAL_VALUE] = "enumval_value",
	[BPF_CORE_TYPE_MATCHES] = "type_matches",
};

const char *ebpfc__core_kind_str(unsigned int kind)
{
	return kind < EBPFC__ARRAY_SIZE(kind_names) ? kind_names[kind] : "unknown";
}

static bool kind_is_field(unsigned int k)
{
	return k <= BPF_CORE_FIELD_RSHIFT_U64;
}

static bool kind_is_type(unsigned int k)
{
	return (k >= BPF_CORE_TYPE_ID_LOCAL && k <= BPF_CORE_TYPE_SIZE) ||
	       k == BPF_CORE_TYPE_MATCHES;
}

static bool kind_is_enumval(unsigned int k)
{
	return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE;
}

/* ---- one relocation in progress --------------------------------------------- */

struct core_acc {
	uint32_t type_id;   /* root: the root; member: its struct/union; index: the element */
	uint32_t idx;
	const char *name;   /* member or enumerator name; NULL for an index */
};

/*
 * A resolved access path: the named accessors (anonymous members are in
 * raw[] only), and the bit offset from the root pointer.
 */
struct core_spec {
	const struct ebpfc_btf *btf;
	uint32_t target;    /* target specs: index in ctx->targets */
	uint32_t root_id;   /* as in the relocation (or the candidate), not resolved */
	uint32_t len, raw_len;
	struct core_acc acc[SPEC_MAX];
	uint32_t raw[SPEC_MAX];
	uint64_t bit_off;
};

struct core_call {
	struct ebpfc__core_ctx *ctx; /* NULL when only describing */
	const char *prog;
	size_t relo_idx, insn_idx;
	unsigned int kind;
	const struct bpf_core_relo *relo;
	char path[256];     /* the access in C syntax, once the local spec is parsed */
	char why[256];      /* why the first candidate did not match */
	unsigned int budget;
};

/* A value of a spec, and what a memory access of it needs. */
struct core_val {
	uint64_t val;
	uint32_t mem_sz;    /* field byte size for loads and stores; 0 for bitfields */
	uint32_t type_id;   /* that field's type, resolved */
	bool validate;      /* the instruction must hold the local value */
	bool poison;
};

/* Bounded string building. */
struct sbuf {
	char *p;
	size_t size, len;
};

static void EBPFC__PRINTF(2, 3) sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->size || b->len >= b->size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + (size_t)n < b->size ? b->len + (size_t)n : b->size - 1;
}

static void EBPFC__PRINTF(3, 4) set_why(struct core_call *c, bool force, const char *fmt, ...)
{
	va_list ap;

	if (c->why[0] && !force)
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

static void head(const struct core_call *c, struct sbuf *b)
{
	if (c->prog)
		sb_add(b, "program '%s': CO-RE relocation #%zu (insn %zu, %s): ", c->prog,
		       c->relo_idx, c->insn_idx, ebpfc__core_kind_str(c->kind));
	else
		sb_add(b, "CO-RE relocation (%s): ", ebpfc__core_kind_str(c->kind));
}

static int EBPFC__PRINTF(3, 4) call_err(const struct core_call *c, int err, const char *fmt, ...)
{
	char msg[1024];
	struct sbuf b = { msg, sizeof(msg), 0 };
	va_list ap;

	head(c, &b);
	va_start(ap, fmt);
	if (b.len < b.size - 1)
		vsnprintf(msg + b.len, b.size - b.len, fmt, ap);
	va_end(ap);
	return ebpfc__err(err, "%s", msg);
}

static const char *kernel(const struct core_call *c)
{
	return c->ctx ? c->ctx->target_name : "?";
}

static bool budget_spent(struct core_call *c)
{
	if (!c->budget)
		return true;
	c->budget--;
	return false;
}

static int budget_err(const struct core_call *c)
{
	return call_err(c, E2BIG, "'%s': BTF too large or too deeply nested to search", c->path);
}

static const struct btf_type *type_at(const struct ebpfc_btf *btf, uint32_t id)
{
	const struct btf_type *t;

	return ebpfc_btf_type_by_id(btf, id, &t) ? NULL : t;
}

/* Skip typedefs and modifiers; NULL on a reference loop. */
static const struct btf_type *skip_mods(const struct ebpfc_btf *btf, uint32_t id, uint32_t *out)
{
	uint32_t r;

	if (ebpfc_btf_resolve(btf, id, &r))
		return NULL;
	if (out)
		*out = r;
	return type_at(btf, r);
}

static const char *name_of(const struct ebpfc_btf *btf, uint32_t name_off)
{
	const char *s = ebpfc_btf_name(btf, name_off);

	return s ? s : "";
}

/* "struct task_struct", "int", "typedef pid_t", "anonymous union [12]". */
static void fmt_type(const struct ebpfc_btf *btf, uint32_t id, char *buf, size_t size)
{
	const struct btf_type *t = type_at(btf, id);
	const char *name;
	unsigned int k;

	if (!t || !id) {
		snprintf(buf, size, id ? "type [%u]" : "void", id);
		return;
	}
	k = ebpfc_btf_kind(t);
	name = name_of(btf, t->name_off);
	if (!name[0])
		snprintf(buf, size, "anonymous %s [%u]", ebpfc_btf_kind_str(k), id);
	else if (k == BTF_KIND_INT || k == BTF_KIND_FLOAT)
		snprintf(buf, size, "%s", name);
	else if (k == BTF_KIND_ENUM64)
		snprintf(buf, size, "enum %s", name);
	else
		snprintf(buf, size, "%s %s", ebpfc_btf_kind_str(k), name);
}

/* The root's bare name for field paths ("task_struct"), or a description if anonymous. */
static void fmt_root(const struct ebpfc_btf *btf, uint32_t id, struct sbuf *b)
{
	const struct btf_type *t = type_at(btf, id);
	char tmp[128];

	if (t && t->name_off && name_of(btf, t->name_off)[0]) {
		sb_add(b, "%s", name_of(btf, t->name_off));
		return;
	}
	fmt_type(btf, id, tmp, sizeof(tmp));
	sb_add(b, "(%s)", tmp);
}

/* A parsed spec in C syntax: "task_struct.comm[2]", "enum pid_type::PIDTYPE_TGID". */
static void fmt_spec(const struct core_spec *s, unsigned int kind, char *buf, size_t size)
{
	struct sbuf b = { buf, size, 0 };
	char tmp[128];
	uint32_t i;

	buf[0] = 0;
	if (kind_is_type(kind)) {
		fmt_type(s->btf, s->root_id, buf, size);
		return;
	}
	if (kind_is_enumval(kind)) {
		fmt_type(s->btf, s->root_id, tmp, sizeof(tmp));
		sb_add(&b, "%s::%s", tmp, s->len ? s->acc[0].name : "?");
		return;
	}
	fmt_root(s->btf, s->root_id, &b);
	for (i = 0; i < s->len; i++) {
		if (s->acc[i].name)
			sb_add(&b, ".%s", s->acc[i].name);
		else if (i > 0 || s->acc[i].idx)
			sb_add(&b, "[%u]", s->acc[i].idx);
	}
}

/* ---- step 1: the local spec ------------------------------------------------ */

static int parse_access(const char *str, uint32_t *raw, uint32_t *n)
{
	const char *p = str;

	*n = 0;
	if (!*p)
		return -EINVAL;
	for (;;) {
		uint64_t v = 0;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > UINT32_MAX)
				return -ERANGE;
			p++;
		}
		if (*n == SPEC_MAX)
			return -E2BIG;
		raw[(*n)++] = (uint32_t)v;
		if (!*p)
			return 0;
		if (*p++ != ':')
			return -EINVAL;
	}
}

/* bit_off += idx * size * 8, refusing offsets past 4 GiB. */
static bool add_bits(uint64_t *bit_off, uint32_t idx, uint32_t size)
{
	uint64_t add = (uint64_t)idx * size;

	if (idx && add / idx != size)
		return false;
	if (add > BIT_OFF_MAX / 8)
		return false;
	*bit_off += add * 8;
	return *bit_off <= BIT_OFF_MAX;
}

/*
 * A flexible array: zero elements, the last member of a struct, reached
 * through that named member.
 */
static bool is_flex(const struct ebpfc_btf *btf, const struct core_acc *prev,
		    const struct btf_array *a)
{
	const struct btf_type *t;

	if (!prev || !prev->name || a->nelems)
		return false;
	t = type_at(btf, prev->type_id);
	return t && ebpfc_btf_is_composite(t) && prev->idx + 1 == ebpfc_btf_vlen(t);
}

static int local_spec(struct core_call *c, const struct ebpfc_btf *btf, struct core_spec *s)
{
	const struct bpf_core_relo *r = c->relo;
	const char *str = ebpfc_btf_name(btf, r->access_str_off);
	char root[128];
	const struct btf_type *t;
	uint32_t id, i, size;
	int err;

	s->btf = btf;
	s->root_id = r->type_id;
	s->len = s->raw_len = 0;
	s->bit_off = 0;
	snprintf(c->path, sizeof(c->path), "type [%u]", r->type_id);
	if (!r->type_id || r->type_id >= ebpfc_btf_type_cnt(btf))
		return call_err(c, EINVAL, "type id %u is out of range (the object's BTF has %u types)",
				r->type_id, ebpfc_btf_type_cnt(btf));
	fmt_type(btf, r->type_id, root, sizeof(root));
	snprintf(c->path, sizeof(c->path), "%s", root);
	if (!str)
		return call_err(c, EINVAL, "on %s: access string offset %u is outside the strings",
				root, r->access_str_off);
	err = parse_access(str, s->raw, &s->raw_len);
	if (err)
		return call_err(c, EINVAL, "on %s: bad access string \"%.64s\"%s", root, str,
				err == -E2BIG ? " (too many accessors)" :
				err == -ERANGE ? " (index too large)" : "");
	if (kind_is_type(c->kind)) {
		if (s->raw_len != 1 || s->raw[0] != 0)
			return call_err(c, EINVAL, "on %s: access string \"%.64s\" for a type "
					"relocation, expected \"0\"", root, str);
		return 0;
	}
	t = skip_mods(btf, r->type_id, &id);
	if (!t)
		return call_err(c, ELOOP, "on %s: reference loop in the object's BTF", root);
	s->acc[0].type_id = id;
	s->acc[0].idx = s->raw[0];
	s->acc[0].name = NULL;
	s->len = 1;

	if (kind_is_enumval(c->kind)) {
		struct ebpfc_btf_enum_value v;

		if (!ebpfc_btf_is_any_enum(t))
			return call_err(c, EINVAL, "%s is not an enum", root);
		if (s->raw_len != 1 || s->raw[0] >= ebpfc_btf_vlen(t))
			return call_err(c, EINVAL, "on %s (%u values): bad access string \"%.64s\"",
					root, ebpfc_btf_vlen(t), str);
		if (ebpfc_btf_enum_value(btf, id, s->raw[0], &v))
			return call_err(c, EINVAL, "on %s: enumerator %u unreadable", root, s->raw[0]);
		s->acc[0].name = v.name;
		fmt_spec(s, c->kind, c->path, sizeof(c->path));
		return 0;
	}

	if (s->raw[0]) {
		if (ebpfc_btf_resolve_size(btf, id, &size))
			return call_err(c, EINVAL, "on %s, access \"%.64s\": %s has no size to index",
					root, str, root);
		if (!add_bits(&s->bit_off, s->raw[0], size))
			return call_err(c, EINVAL, "on %s, access \"%.64s\": offset past 4 GiB",
					root, str);
	}
	for (i = 1; i < s->raw_len; i++) {
		uint32_t a_idx = s->raw[i];

		t = skip_mods(btf, id, &id);
		if (!t)
			return call_err(c, ELOOP, "on %s, access \"%.64s\": reference loop", root, str);
		if (ebpfc_btf_is_composite(t)) {
			struct ebpfc_btf_member_info m;

			if (a_idx >= ebpfc_btf_vlen(t))
				return call_err(c, EINVAL, "on %s, access \"%.64s\": member %u of a %s "
						"with %u members", root, str, a_idx,
						ebpfc_btf_kind_str(ebpfc_btf_kind(t)),
						ebpfc_btf_vlen(t));
			ebpfc_btf_member(btf, id, a_idx, &m);
			s->bit_off += m.bit_offset;
			if (m.name[0]) {
				s->acc[s->len].type_id = id;
				s->acc[s->len].idx = a_idx;
				s->acc[s->len].name = m.name;
				s->len++;
			}
			id = m.type_id;
		} else if (ebpfc_btf_kind(t) == BTF_KIND_ARRAY) {
			const struct btf_array *a = ebpfc_btf_array(t);
			bool flex = is_flex(btf, &s->acc[s->len - 1], a);

			if (!skip_mods(btf, a->type, &id))
				return call_err(c, ELOOP, "on %s, access \"%.64s\": reference loop",
						root, str);
			if (!flex && a_idx >= a->nelems)
				return call_err(c, EINVAL, "on %s, access \"%.64s\": index %u of an "
						"array of %u", root, str, a_idx, a->nelems);
			s->acc[s->len].type_id = id;
			s->acc[s->len].idx = a_idx;
			s->acc[s->len].name = NULL;
			s->len++;
			if (a_idx) {
				if (ebpfc_btf_resolve_size(btf, id, &size))
					return call_err(c, EINVAL, "on %s, access \"%.64s\": array "
							"element without a size", root, str);
				if (!add_bits(&s->bit_off, a_idx, size))
					return call_err(c, EINVAL, "on %s, access \"%.64s\": offset "
							"past 4 GiB", root, str);
			}
		} else {
			char tn[128];

			fmt_type(btf, id, tn, sizeof(tn));
			return call_err(c, EINVAL, "on %s, access \"%.64s\": accessor %u descends into "
					"%s, which has neither members nor elements", root, str, i,
					tn);
		}
	}
	fmt_spec(s, c->kind, c->path, sizeof(c->path));
	return 0;
}

/* ---- step 2: candidates ---------------------------------------------------- */

static bool kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return ebpfc_btf_kind(a) == ebpfc_btf_kind(b) ||
	       (ebpfc_btf_is_any_enum(a) && ebpfc_btf_is_any_enum(b));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int add_cands(struct core_call *c, struct core_cands *cc, uint32_t ti, const char *name,
		     const struct btf_type *lt)
{
	const struct core_target *tg = &c->ctx->targets[ti];
	/*
	 * Only kinds that can match (kinds_compat): searching any kind would
	 * make the BTF index every function name, most of the kernel's names,
	 * which no relocation asks for.
	 */
	unsigned int kinds[2] = { ebpfc_btf_kind(lt), 0 };
	struct core_cand *nc;
	uint32_t *ids;
	int n = 0, m, i, k;

	if (ebpfc_btf_is_any_enum(lt)) {
		kinds[0] = BTF_KIND_ENUM;
		kinds[1] = BTF_KIND_ENUM64;
	}
	for (k = 0; k < 2 && kinds[k]; k++) {
		m = ebpfc_btf_find_all(tg->btf, name, kinds[k], EBPFC_BTF_FIND_ESSENTIAL, NULL, 0);
		if (m < 0)
			return call_err(c, -m, "'%s': candidate search failed: %s", c->path,
					ebpfc_errmsg());
		n += m;
	}
	if (n <= 0)
		return 0;
	ids = malloc((size_t)n * sizeof(*ids));
	nc = realloc(cc->c, ((size_t)cc->cnt + (size_t)n) * sizeof(*nc));
	if (!ids || !nc) {
		free(ids);
		if (nc)
			cc->c = nc;
		return call_err(c, ENOMEM, "out of memory");
	}
	cc->c = nc;
	for (k = 0, m = 0; k < 2 && kinds[k] && m < n; k++) {
		i = ebpfc_btf_find_all(tg->btf, name, kinds[k], EBPFC_BTF_FIND_ESSENTIAL, ids + m,
				       (size_t)(n - m));
		m += i < 0 ? 0 : (i < n - m ? i : n - m);
	}
	n = m;
	/* Lowest ids first, as one search over every kind gives them. */
	if (kinds[1])
		qsort(ids, (size_t)n, sizeof(*ids), cmp_u32);
	for (i = 0; i >= 0 && i < n; i++) {
		const struct btf_type *t = type_at(tg->btf, ids[i]);

		if (ids[i] < tg->first_id || !t || !kinds_compat(lt, t))
			continue;
		cc->c[cc->cnt].target = ti;
		cc->c[cc->cnt].id = ids[i];
		cc->cnt++;
	}
	free(ids);
	return 0;
}

static int get_cands(struct core_call *c, const struct core_cands **out)
{
	struct ebpfc__core_ctx *ctx = c->ctx;
	uint32_t lid = c->relo->type_id;
	const struct btf_type *lt = type_at(ctx->local, lid);
	struct core_cands *cc;
	const char *name;
	size_t ti;
	int err;

	if (lid >= ctx->local_cnt || !lt)
		return call_err(c, EINVAL, "type id %u is out of range", lid);
	if (!ctx->cache) {
		ctx->cache = calloc(ctx->local_cnt, sizeof(*ctx->cache));
		if (!ctx->cache)
			return call_err(c, ENOMEM, "out of memory");
	}
	cc = &ctx->cache[lid];
	*out = cc;
	if (cc->done)
		return 0;
	name = name_of(ctx->local, lt->name_off);
	cc->cnt = 0;
	/* Modules only when the kernel itself has nothing of that name. */
	for (ti = 0; ti < ctx->target_cnt; ti++) {
		if (ti > 0 && cc->cnt)
			break;
		err = add_cands(c, cc, (uint32_t)ti, name, lt);
		if (err)
			return err;
	}
	cc->done = true;
	return 0;
}

/* ---- step 3: matching ------------------------------------------------------ */

/* Essential names equal ("task_struct___old" is "task_struct"). */
static bool ess_eq(const char *a, const char *b)
{
	size_t la = ebpfc_btf_essential_name_len(a), lb = ebpfc_btf_essential_name_len(b);

	return la == lb && !memcmp(a, b, la);
}

/*
 * Are a local field's type and a target field's type close enough for the
 * program's access to mean the same? Structs and unions always (their own
 * members are matched by name later), pointers and floats of any kind,
 * integers of any size and sign, enums and forward declarations by name,
 * arrays by element.
 */
static int fields_compat(struct core_call *c, const struct ebpfc_btf *lb, uint32_t lid,
			 const struct ebpfc_btf *tb, uint32_t tid)
{
	int depth;

	for (depth = 0; depth < TYPE_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);
		const char *ln, *tn;

		if (!lt || !tt)
			return call_err(c, ELOOP, "'%s': reference loop comparing field types",
					c->path);
		if (ebpfc_btf_is_composite(lt) && ebpfc_btf_is_composite(tt))
			return 1;
		if (!kinds_compat(lt, tt))
			return 0;
		switch (ebpfc_btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			ln = name_of(lb, lt->name_off);
			tn = name_of(tb, tt->name_off);
			return !ln[0] || !tn[0] || ess_eq(ln, tn);
		case BTF_KIND_INT:
			/*
			 * Any size and sign. libbpf refuses the old bitfield
			 * encoding (an int type with a bit offset of its own);
			 * ebpfc_btf_member() folds that offset into the
			 * member's, so it is read right and accepted here.
			 */
			return 1;
		case BTF_KIND_ARRAY:
			lid = ebpfc_btf_array(lt)->type;
			tid = ebpfc_btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return call_err(c, ELOOP, "'%s': field types nested too deeply", c->path);
}

/*
 * Find the member named like local accessor `la` in target composite tid,
 * looking through anonymous members; pushes the raw indices (and, when
 * found, the accessor) onto ts. 1 found and compatible, 0 not, <0 error.
 */
static int match_member(struct core_call *c, const struct core_spec *ls,
			const struct core_acc *la, const struct ebpfc_btf *tb, uint32_t tid,
			struct core_spec *ts, uint32_t *next, int depth)
{
	const struct btf_type *tt = skip_mods(tb, tid, &tid);
	struct ebpfc_btf_member_info lm, tm;
	char ltn[96], ttn[96];
	uint32_t i, n;
	int found;

	if (!tt)
		return call_err(c, ELOOP, "'%s': reference loop in kernel BTF", c->path);
	if (!ebpfc_btf_is_composite(tt)) {
		if (!depth) {
			fmt_type(tb, tid, ttn, sizeof(ttn));
			set_why(c, false, "looking for member '%s' in %s", la->name, ttn);
		}
		return 0;
	}
	if (depth > TYPE_DEPTH)
		return call_err(c, ELOOP, "'%s': anonymous members nested too deeply in kernel "
				"BTF", c->path);
	ebpfc_btf_member(ls->btf, la->type_id, la->idx, &lm);
	n = ebpfc_btf_vlen(tt);
	for (i = 0; i < n; i++) {
		if (budget_spent(c))
			return budget_err(c);
		if (ts->raw_len == SPEC_MAX)
			return call_err(c, E2BIG, "'%s': nested too deeply in kernel BTF", c->path);
		ebpfc_btf_member(tb, tid, i, &tm);
		ts->bit_off += tm.bit_offset;
		ts->raw[ts->raw_len++] = i;
		if (!tm.name[0]) {
			found = match_member(c, ls, la, tb, tm.type_id, ts, next, depth + 1);
			if (found)
				return found;
		} else if (!strcmp(la->name, tm.name)) {
			ts->acc[ts->len].type_id = tid;
			ts->acc[ts->len].idx = i;
			ts->acc[ts->len].name = tm.name;
			ts->len++;
			*next = tm.type_id;
			found = fields_compat(c, ls->btf, lm.type_id, tb, tm.type_id);
			if (found == 0) {
				ts->len--;
				fmt_type(ls->btf, lm.type_id, ltn, sizeof(ltn));
				fmt_type(tb, tm.type_id, ttn, sizeof(ttn));
				set_why(c, false, "member '%s' is %s in kernel BTF, incompatible "
					"with %s in the object", la->name, ttn, ltn);
			}
			return found;
		}
		ts->bit_off -= tm.bit_offset;
		ts->raw_len--;
	}
	if (!depth) {
		fmt_type(tb, tid, ttn, sizeof(ttn));
		set_why(c, false, "%s has no member '%s'", ttn, la->name);
	}
	return 0;
}

static int match_field(struct core_call *c, const struct core_spec *ls,
		       const struct ebpfc_btf *tb, uint32_t tid, struct core_spec *ts)
{
	uint32_t i, size;
	int found;

	for (i = 0; i < ls->len; i++) {
		const struct core_acc *la = &ls->acc[i];
		const struct btf_type *tt = skip_mods(tb, tid, &tid);

		if (!tt)
			return call_err(c, ELOOP, "'%s': reference loop in kernel BTF", c->path);
		if (la->name) {
			found = match_member(c, ls, la, tb, tid, ts, &tid, 0);
			if (found <= 0)
				return found;
			continue;
		}
		if (i > 0) {
			const struct btf_array *a;

			if (ebpfc_btf_kind(tt) != BTF_KIND_ARRAY) {
				char tn[96];

				fmt_type(tb, tid, tn, sizeof(tn));
				set_why(c, false, "accessor %u: %s is not an array in kernel BTF", i,
					tn);
				return 0;
			}
			a = ebpfc_btf_array(tt);
			if (!is_flex(tb, ts->len ? &ts->acc[ts->len - 1] : NULL, a) &&
			    la->idx >= a->nelems) {
				set_why(c, false, "index %u is past the end of an array of %u in kernel "
					"BTF", la->idx, a->nelems);
				return 0;
			}
			if (!skip_mods(tb, a->type, &tid))
				return call_err(c, ELOOP, "'%s': reference loop in kernel BTF", c->path);
		}
		if (ts->raw_len == SPEC_MAX)
			return call_err(c, E2BIG, "'%s': nested too deeply in kernel BTF", c->path);
		ts->acc[ts->len].type_id = tid;
		ts->acc[ts->len].idx = la->idx;
		ts->acc[ts->len].name = NULL;
		ts->len++;
		ts->raw[ts->raw_len++] = la->idx;
		if (la->idx) {
			if (ebpfc_btf_resolve_size(tb, tid, &size)) {
				set_why(c, false, "accessor %u: the type indexed has no size in kernel "
					"BTF", i);
				return 0;
			}
			if (!add_bits(&ts->bit_off, la->idx, size)) {
				set_why(c, false, "offset past 4 GiB in kernel BTF");
				return 0;
			}
		}
	}
	return 1;
}

static int match_enumval(struct core_call *c, const struct core_spec *ls,
			 const struct ebpfc_btf *tb, uint32_t tid, struct core_spec *ts)
{
	const struct btf_type *tt = skip_mods(tb, tid, &tid);
	struct ebpfc_btf_enum_value v;
	char tn[96];
	uint32_t i;

	if (!tt)
		return call_err(c, ELOOP, "'%s': reference loop in kernel BTF", c->path);
	if (!ebpfc_btf_is_any_enum(tt))
		return 0;
	for (i = 0; i < ebpfc_btf_vlen(tt); i++) {
		if (budget_spent(c))
			return budget_err(c);
		ebpfc_btf_enum_value(tb, tid, i, &v);
		if (!ess_eq(ls->acc[0].name, v.name))
			continue;
		ts->acc[0].type_id = tid;
		ts->acc[0].idx = i;
		ts->acc[0].name = v.name;
		ts->len = 1;
		ts->raw[0] = i;
		ts->raw_len = 1;
		return 1;
	}
	fmt_type(tb, tid, tn, sizeof(tn));
	set_why(c, false, "%s has no value '%s'", tn, ls->acc[0].name);
	return 0;
}

/*
 * Type compatibility for type_exists/type_size/target_type_id, libbpf's
 * "are compat": kinds must agree through pointers, arrays and function
 * prototypes; structs, unions, enums and forwards agree by kind alone.
 */
static int types_compat(struct core_call *c, const struct ebpfc_btf *lb, uint32_t lid,
			const struct ebpfc_btf *tb, uint32_t tid, int level)
{
	int depth;

	for (depth = 0; depth < TYPE_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);
		const struct btf_param *lp, *tp;
		uint32_t i, n, r1, r2;
		int ok;

		if (!lt || !tt)
			return call_err(c, ELOOP, "'%s': reference loop comparing types", c->path);
		if (budget_spent(c))
			return budget_err(c);
		if (!kinds_compat(lt, tt))
			return 0;
		switch (ebpfc_btf_kind(lt)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_FLOAT:
			return lt->size == tt->size;
		case BTF_KIND_INT:
			return !BTF_INT_OFFSET(ebpfc_btf_int_word(lt)) &&
			       !BTF_INT_OFFSET(ebpfc_btf_int_word(tt));
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = ebpfc_btf_array(lt)->type;
			tid = ebpfc_btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			n = ebpfc_btf_vlen(lt);
			if (n != ebpfc_btf_vlen(tt))
				return 0;
			if (level <= 0)
				return call_err(c, ELOOP, "'%s': function prototypes nested too "
						"deeply", c->path);
			lp = ebpfc_btf_params(lt);
			tp = ebpfc_btf_params(tt);
			for (i = 0; i < n; i++) {
				if (!skip_mods(lb, lp[i].type, &r1) || !skip_mods(tb, tp[i].type, &r2))
					return call_err(c, ELOOP, "'%s': reference loop comparing "
							"types", c->path);
				ok = types_compat(c, lb, r1, tb, r2, level - 1);
				if (ok <= 0)
					return ok;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		default:
			return 0;
		}
	}
	return call_err(c, ELOOP, "'%s': types nested too deeply", c->path);
}

/* Names equal up to flavors; an anonymous target matches only an anonymous local. */
static bool names_match(const struct ebpfc_btf *lb, uint32_t loff, const struct ebpfc_btf *tb,
			uint32_t toff)
{
	const char *ln = name_of(lb, loff), *tn = name_of(tb, toff);

	if (!tn[0])
		return !ln[0];
	return ess_eq(ln, tn);
}

static int types_match(struct core_call *c, const struct ebpfc_btf *lb, uint32_t lid,
		       const struct ebpfc_btf *tb, uint32_t tid, bool behind_ptr, int level);

static int enums_match(struct core_call *c, const struct ebpfc_btf *lb,
		       const struct btf_type *lt, const struct ebpfc_btf *tb,
		       const struct btf_type *tt)
{
	uint32_t i, j, ln = ebpfc_btf_vlen(lt), tn = ebpfc_btf_vlen(tt);

	if (lt->size != tt->size || ln > tn)
		return 0;
	for (i = 0; i < ln; i++) {
		uint32_t loff = ebpfc_btf_kind(lt) == BTF_KIND_ENUM ? ebpfc_btf_enums(lt)[i].name_off
								    : ebpfc_btf_enum64s(lt)[i].name_off;
		bool hit = false;

		for (j = 0; j < tn && !hit; j++) {
			uint32_t toff = ebpfc_btf_kind(tt) == BTF_KIND_ENUM
						? ebpfc_btf_enums(tt)[j].name_off
						: ebpfc_btf_enum64s(tt)[j].name_off;

			if (budget_spent(c))
				return budget_err(c);
			hit = names_match(lb, loff, tb, toff);
		}
		if (!hit)
			return 0;
	}
	return 1;
}

static int composites_match(struct core_call *c, const struct ebpfc_btf *lb,
			    const struct btf_type *lt, const struct ebpfc_btf *tb,
			    const struct btf_type *tt, bool behind_ptr, int level)
{
	const struct btf_member *lm = ebpfc_btf_members(lt), *tm = ebpfc_btf_members(tt);
	uint32_t i, j, ln = ebpfc_btf_vlen(lt), tn = ebpfc_btf_vlen(tt);
	int ok;

	if (ln > tn)
		return 0;
	for (i = 0; i < ln; i++) {
		bool hit = false;

		for (j = 0; j < tn && !hit; j++) {
			if (budget_spent(c))
				return budget_err(c);
			if (!names_match(lb, lm[i].name_off, tb, tm[j].name_off))
				continue;
			ok = types_match(c, lb, lm[i].type, tb, tm[j].type, behind_ptr, level - 1);
			if (ok < 0)
				return ok;
			hit = ok > 0;
		}
		if (!hit)
			return 0;
	}
	return 1;
}

/*
 * type_matches: a stricter comparison than types_compat. Names must match
 * at every level (flavors aside); ints by size and signedness; arrays by
 * length; enums by their local enumerators' names; structs and unions by
 * every local member having a same-named, matching member in the target.
 * Behind a pointer, a struct or union and a forward of the same kind match.
 */
static int types_match(struct core_call *c, const struct ebpfc_btf *lb, uint32_t lid,
		       const struct ebpfc_btf *tb, uint32_t tid, bool behind_ptr, int level)
{
	int depth;

	if (level <= 0)
		return call_err(c, ELOOP, "'%s': types nested too deeply", c->path);
	for (depth = 0; depth < TYPE_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);
		unsigned int lk, tk;
		uint32_t i, n;
		int ok;

		if (!lt || !tt)
			return call_err(c, ELOOP, "'%s': reference loop comparing types", c->path);
		if (budget_spent(c))
			return budget_err(c);
		if (!names_match(lb, lt->name_off, tb, tt->name_off))
			return 0;
		lk = ebpfc_btf_kind(lt);
		tk = ebpfc_btf_kind(tt);
		switch (lk) {
		case BTF_KIND_UNKN:
			return lk == tk;
		case BTF_KIND_FWD:
			if (behind_ptr && tk != BTF_KIND_FWD)
				return (tk == BTF_KIND_STRUCT && !ebpfc_btf_kflag(lt)) ||
				       (tk == BTF_KIND_UNION && ebpfc_btf_kflag(lt));
			return lk == tk && ebpfc_btf_kflag(lt) == ebpfc_btf_kflag(tt);
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return ebpfc_btf_is_any_enum(tt) ? enums_match(c, lb, lt, tb, tt) : 0;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				return tk == BTF_KIND_FWD &&
				       (lk == BTF_KIND_UNION) == ebpfc_btf_kflag(tt);
			}
			return lk == tk ? composites_match(c, lb, lt, tb, tt, behind_ptr, level) : 0;
		case BTF_KIND_INT:
			return lk == tk && lt->size == tt->size &&
			       (BTF_INT_ENCODING(ebpfc_btf_int_word(lt)) & BTF_INT_SIGNED) ==
				       (BTF_INT_ENCODING(ebpfc_btf_int_word(tt)) & BTF_INT_SIGNED);
		case BTF_KIND_FLOAT:
			return lk == tk && lt->size == tt->size;
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk || ebpfc_btf_array(lt)->nelems != ebpfc_btf_array(tt)->nelems)
				return 0;
			lid = ebpfc_btf_array(lt)->type;
			tid = ebpfc_btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			n = ebpfc_btf_vlen(lt);
			if (lk != tk || n != ebpfc_btf_vlen(tt))
				return 0;
			for (i = 0; i < n; i++) {
				ok = types_match(c, lb, ebpfc_btf_params(lt)[i].type, tb,
						 ebpfc_btf_params(tt)[i].type, behind_ptr, level - 1);
				if (ok <= 0)
					return ok;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		default:
			return 0;
		}
	}
	return call_err(c, ELOOP, "'%s': types nested too deeply", c->path);
}

/* Does candidate (tb, tid) match the local spec? Fills ts. 1, 0, or <0. */
static int match(struct core_call *c, const struct core_spec *ls, const struct ebpfc_btf *tb,
		 uint32_t tid, struct core_spec *ts)
{
	ts->btf = tb;
	ts->root_id = tid;
	ts->len = ts->raw_len = 0;
	ts->bit_off = 0;
	if (kind_is_type(c->kind)) {
		if (c->kind == BPF_CORE_TYPE_MATCHES)
			return types_match(c, ls->btf, ls->root_id, tb, tid, false, TYPE_DEPTH);
		return types_compat(c, ls->btf, ls->root_id, tb, tid, TYPE_DEPTH);
	}
	if (kind_is_enumval(c->kind))
		return match_enumval(c, ls, tb, tid, ts);
	return match_field(c, ls, tb, tid, ts);
}

/* ---- the values ------------------------------------------------------------- */

static bool is_signed_type(const struct btf_type *t)
{
	if (ebpfc_btf_is_any_enum(t))
		return ebpfc_btf_kflag(t);
	return ebpfc_btf_kind(t) == BTF_KIND_INT &&
	       (BTF_INT_ENCODING(ebpfc_btf_int_word(t)) & BTF_INT_SIGNED);
}

/* The value of a field relocation on spec s (NULL: absent in the target). */
static int field_value(struct core_call *c, const struct core_spec *s, struct core_val *v)
{
	const struct core_acc *last;
	const struct btf_type *mt;
	struct ebpfc_btf_member_info m;
	uint32_t byte_sz, byte_off, bit_sz, fid, elem;
	uint64_t bit_off;
	bool bitfield;

	v->validate = true;
	if (c->kind == BPF_CORE_FIELD_EXISTS) {
		v->val = s != NULL;
		return 0;
	}
	if (!s) {
		v->poison = true;
		return 0;
	}
	last = &s->acc[s->len - 1];
	if (!last->name) {
		/* The whole root, or an array element. */
		switch (c->kind) {
		case BPF_CORE_FIELD_BYTE_OFFSET:
			v->val = s->bit_off / 8;
			elem = last->type_id;
			mt = skip_mods(s->btf, elem, &elem);
			while (mt && ebpfc_btf_kind(mt) == BTF_KIND_ARRAY)
				mt = skip_mods(s->btf, ebpfc_btf_array(mt)->type, &elem);
			if (!mt || ebpfc_btf_resolve_size(s->btf, elem, &v->mem_sz))
				return call_err(c, EINVAL, "'%s': element without a size", c->path);
			v->type_id = elem;
			return 0;
		case BPF_CORE_FIELD_BYTE_SIZE:
			if (ebpfc_btf_resolve_size(s->btf, last->type_id, &byte_sz))
				return call_err(c, EINVAL, "'%s': element without a size", c->path);
			v->val = byte_sz;
			return 0;
		default:
			return call_err(c, EINVAL, "'%s': %s applies to a struct or union member, not "
					"to an array element or a whole object", c->path,
					ebpfc__core_kind_str(c->kind));
		}
	}

	ebpfc_btf_member(s->btf, last->type_id, last->idx, &m);
	mt = skip_mods(s->btf, m.type_id, &fid);
	if (!mt)
		return call_err(c, ELOOP, "'%s': reference loop", c->path);
	bit_off = s->bit_off;
	bit_sz = m.bitfield_size;
	bitfield = bit_sz > 0;
	if (bitfield) {
		if (ebpfc_btf_kind(mt) != BTF_KIND_INT && !ebpfc_btf_is_any_enum(mt))
			return call_err(c, EINVAL, "'%s': a bitfield of a type that is neither an "
					"integer nor an enum", c->path);
		byte_sz = mt->size;
		if (byte_sz != 1 && byte_sz != 2 && byte_sz != 4 && byte_sz != 8)
			return call_err(c, EINVAL, "'%s': a bitfield of a %u-byte integer", c->path,
					byte_sz);
		byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		/* The smallest aligned load that holds every bit of the field. */
		while (bit_off + bit_sz - (uint64_t)byte_off * 8 > (uint64_t)byte_sz * 8) {
			if (byte_sz >= 8)
				return call_err(c, E2BIG, "'%s': bitfield at bit %llu (%u bits) cannot "
						"be read with one 8-byte load", c->path,
						(unsigned long long)bit_off, bit_sz);
			byte_sz *= 2;
			byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		}
	} else {
		if (ebpfc_btf_resolve_size(s->btf, fid, &byte_sz))
			return call_err(c, EINVAL, "'%s': field without a size", c->path);
		byte_off = (uint32_t)(bit_off / 8);
		bit_sz = byte_sz * 8;
	}
	/* The compiler and we may disagree on how to load a bitfield: no check. */
	v->validate = !bitfield;
	switch (c->kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		v->val = byte_off;
		if (!bitfield) {
			v->mem_sz = byte_sz;
			v->type_id = fid;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		v->val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		v->val = is_signed_type(mt);
		v->validate = true;
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
		/*
		 * Shift the field's top bit to bit 63 of a u64 that holds
		 * byte_sz bytes read from byte_off in the kernel's (the host's:
		 * BTF is only read in host order) byte order.
		 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		v->val = 64 - (bit_off + bit_sz - (uint64_t)byte_off * 8);
#else
		v->val = (8 - byte_sz) * 8 + (bit_off - (uint64_t)byte_off * 8);
#endif
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		v->val = 64 - bit_sz;
		v->validate = true;
		break;
	default:
		return call_err(c, EINVAL, "not a field relocation");
	}
	return 0;
}

static int type_value(struct core_call *c, const struct core_spec *s, struct core_val *v)
{
	uint32_t size;

	v->validate = true;
	if (!s) {
		v->val = 0;
		return 0;
	}
	switch (c->kind) {
	case BPF_CORE_TYPE_ID_LOCAL:
		v->val = s->root_id;
		return 0;
	case BPF_CORE_TYPE_ID_TARGET:
		v->val = s->root_id;
		/* The local id is whatever clang numbered; nothing to check. */
		v->validate = false;
		return 0;
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
		v->val = 1;
		return 0;
	case BPF_CORE_TYPE_SIZE:
		if (ebpfc_btf_resolve_size(s->btf, s->root_id, &size))
			return call_err(c, EINVAL, "%s has no size", c->path);
		v->val = size;
		return 0;
	default:
		return call_err(c, EINVAL, "not a type relocation");
	}
}

static int enum_value(struct core_call *c, const struct core_spec *s, struct core_val *v)
{
	struct ebpfc_btf_enum_value ev;

	v->validate = true;
	if (c->kind == BPF_CORE_ENUMVAL_EXISTS) {
		v->val = s != NULL;
		return 0;
	}
	if (!s) {
		v->poison = true;
		return 0;
	}
	if (ebpfc_btf_enum_value(s->btf, s->acc[0].type_id, s->acc[0].idx, &ev))
		return call_err(c, EINVAL, "%s: enumerator unreadable", c->path);
	v->val = ev.value;
	return 0;
}

static int value_of(struct core_call *c, const struct core_spec *s, struct core_val *v)
{
	memset(v, 0, sizeof(*v));
	if (kind_is_field(c->kind))
		return field_value(c, s, v);
	if (kind_is_enumval(c->kind))
		return enum_value(c, s, v);
	return type_value(c, s, v);
}

/* ---- step 4: patching -------------------------------------------------------- */

static int note_poison(struct core_call *c, const char *reason)
{
	struct ebpfc__core_ctx *ctx = c->ctx;
	struct ebpfc__core_poison *p = NULL;
	char *prog, *why;
	size_t i;

	for (i = 0; i < ctx->poison_cnt; i++)
		if (ctx->poison[i].insn_idx == c->insn_idx && !strcmp(ctx->poison[i].prog, c->prog))
			p = &ctx->poison[i];
	why = dup_str(reason);
	if (!why)
		return call_err(c, ENOMEM, "out of memory");
	if (p) {
		free(p->reason);
		p->reason = why;
		p->relo_idx = c->relo_idx;
		return 0;
	}
	if (ctx->poison_cnt == ctx->poison_cap) {
		size_t cap = ctx->poison_cap ? ctx->poison_cap * 2 : 8;
		struct ebpfc__core_poison *np = realloc(ctx->poison, cap * sizeof(*np));

		if (!np) {
			free(why);
			return call_err(c, ENOMEM, "out of memory");
		}
		ctx->poison = np;
		ctx->poison_cap = cap;
	}
	prog = dup_str(c->prog);
	if (!prog) {
		free(why);
		return call_err(c, ENOMEM, "out of memory");
	}
	p = &ctx->poison[ctx->poison_cnt++];
	p->prog = prog;
	p->insn_idx = c->insn_idx;
	p->relo_idx = c->relo_idx;
	p->reason = why;
	return 0;
}

static void poison_one(struct bpf_insn *insn)
{
	insn->code = BPF_JMP | BPF_CALL;
	insn->dst_reg = 0;
	insn->src_reg = 0;
	insn->off = 0;
	insn->imm = EBPFC__CORE_POISON_HELPER;
}

/* Poison the instruction and keep the reason (printf-style detail after the head). */
static int EBPFC__PRINTF(4, 5) poison(struct core_call *c, struct bpf_insn *insn, size_t cnt,
				      const char *fmt, ...)
{
	char msg[1024];
	struct sbuf b = { msg, sizeof(msg), 0 };
	va_list ap;

	head(c, &b);
	va_start(ap, fmt);
	if (b.len < b.size - 1)
		vsnprintf(msg + b.len, b.size - b.len, fmt, ap);
	va_end(ap);
	/* Both halves of an ld_imm64, so the verifier never sees half of one. */
	if (insn->code == INSN_LD_IMM64 && cnt >= 2)
		poison_one(insn + 1);
	poison_one(insn);
	return note_poison(c, msg);
}

static bool imm_is(int32_t imm, uint64_t v)
{
	return (uint64_t)(int64_t)imm == v || (uint64_t)(uint32_t)imm == v;
}

/* An ld_imm64 holds 64 bits; a 32-bit enum's value may be sign- or zero-extended there. */
static bool imm64_is(uint64_t imm, uint64_t v, bool enum32)
{
	if (imm == v)
		return true;
	return enum32 && (uint32_t)imm == (uint32_t)v &&
	       (imm >> 32 == 0 || imm >> 32 == UINT32_MAX);
}

static int mem_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

static int bytes_to_size(uint32_t n)
{
	switch (n) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	default: return -1;
	}
}

struct core_outcome {
	struct core_val local, target;
	const struct btf_type *lft, *tft; /* field types of a memory access, resolved */
	const struct ebpfc_btf *tb;
};

static void fmt_field_type(const struct ebpfc_btf *btf, const struct btf_type *t, uint32_t size,
			   char *buf, size_t n)
{
	if (t && ebpfc_btf_kind(t) == BTF_KIND_INT)
		snprintf(buf, n, "%u-byte %s integer", size, is_signed_type(t) ? "signed" : "unsigned");
	else if (t && ebpfc_btf_kind(t) == BTF_KIND_PTR)
		snprintf(buf, n, "%u-byte pointer", size);
	else if (t)
		snprintf(buf, n, "%u-byte %s", size, ebpfc_btf_kind_str(ebpfc_btf_kind(t)));
	else
		snprintf(buf, n, "%u bytes", size);
	(void)btf;
}

/*
 * Can this instruction carry the relocation's value at all? Checked before
 * anything is looked up, so that a malformed pairing is an error whether
 * the target has the field or not (a poisoned jump would hide it).
 */
static int check_insn(const struct core_call *c, const struct bpf_insn *insn, size_t cnt)
{
	uint8_t cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code), op;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		op = BPF_OP(insn->code);
		if (BPF_SRC(insn->code) != BPF_K || op == BPF_END || op == BPF_NEG)
			return call_err(c, EINVAL, "'%s': ALU instruction code 0x%02x has no "
					"immediate to patch", c->path, insn->code);
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (c->kind != BPF_CORE_FIELD_BYTE_OFFSET)
			return call_err(c, EINVAL, "'%s': a memory access (code 0x%02x) can only "
					"carry a field offset", c->path, insn->code);
		if (!(mode == BPF_MEM || (cls == BPF_LDX && mode == BPF_MEMSX) ||
		      (cls == BPF_STX && mode == BPF_ATOMIC)))
			return call_err(c, EINVAL, "'%s': instruction code 0x%02x is not a load or "
					"store with an offset", c->path, insn->code);
		return 0;
	case BPF_LD:
		if (insn->code != INSN_LD_IMM64 || insn->src_reg != 0)
			return call_err(c, EINVAL, "'%s': instruction code 0x%02x (src %u) is not a "
					"plain ld_imm64", c->path, insn->code, insn->src_reg);
		if (cnt < 2 || insn[1].code || insn[1].dst_reg || insn[1].src_reg || insn[1].off)
			return call_err(c, EINVAL, "'%s': ld_imm64 without a valid second half",
					c->path);
		return 0;
	default:
		return call_err(c, EINVAL, "'%s': instruction code 0x%02x cannot carry a CO-RE "
				"value (not an ALU immediate, a load or store, or an ld_imm64)",
				c->path, insn->code);
	}
}

/* Loads and stores: the offset, and the access size when the field's size changed. */
static int patch_mem(struct core_call *c, const struct core_outcome *o, struct bpf_insn *insn,
		     size_t cnt)
{
	uint8_t cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code);
	uint32_t lsz = o->local.mem_sz, tsz = o->target.mem_sz;
	uint64_t nv = o->target.val;
	int size;

	if (o->local.validate && (uint64_t)(int64_t)insn->off != o->local.val)
		return call_err(c, EINVAL, "'%s': the instruction's offset is %d, but the object's "
				"BTF gives %llu", c->path, insn->off,
				(unsigned long long)o->local.val);
	if (nv > INT16_MAX)
		return call_err(c, ERANGE, "'%s': offset %llu in kernel BTF (%s) does not fit the "
				"instruction's 16-bit offset", c->path, (unsigned long long)nv,
				kernel(c));
	if (lsz && !tsz)
		return poison(c, insn, cnt, "field '%s' is a bitfield in kernel BTF (%s): a %d-byte "
			      "%s cannot access it", c->path, kernel(c), mem_bytes(insn->code),
			      cls == BPF_LDX ? "load" : "store");
	if (lsz && tsz && lsz != tsz) {
		bool ptrs = ebpfc_btf_kind(o->lft) == BTF_KIND_PTR &&
			    ebpfc_btf_kind(o->tft) == BTF_KIND_PTR;
		bool ints = ebpfc_btf_kind(o->lft) == BTF_KIND_INT &&
			    ebpfc_btf_kind(o->tft) == BTF_KIND_INT;
		bool unsigned_ints = ints && !is_signed_type(o->lft) && !is_signed_type(o->tft);
		bool signed_ints = ints && is_signed_type(o->lft) && is_signed_type(o->tft);
		char lt[64], tt[64];

		if ((uint32_t)mem_bytes(insn->code) != lsz)
			return call_err(c, EINVAL, "'%s': the instruction accesses %d bytes, but the "
					"field is %u bytes in the object's BTF", c->path,
					mem_bytes(insn->code), lsz);
		/*
		 * A zero-extending load keeps the value of a pointer or an
		 * unsigned integer whatever its size; a sign-extending load
		 * that of a signed integer. Anything else would read a
		 * different value: poison, so only reaching it fails.
		 */
		if (!ptrs && !(mode == BPF_MEMSX ? signed_ints : unsigned_ints)) {
			fmt_field_type(c->ctx->local, o->lft, lsz, lt, sizeof(lt));
			fmt_field_type(o->tb, o->tft, tsz, tt, sizeof(tt));
			return poison(c, insn, cnt, "field '%s' is a %s in the object but a %s in "
				      "kernel BTF (%s): the %u-byte %s cannot be adjusted safely",
				      c->path, lt, tt, kernel(c), lsz,
				      cls == BPF_LDX ? "load" : "store");
		}
		size = bytes_to_size(tsz);
		if (size < 0)
			return call_err(c, EINVAL, "'%s': the field is %u bytes in kernel BTF (%s), not "
					"a size a load or store can have", c->path, tsz, kernel(c));
		if (mode == BPF_ATOMIC && tsz != 4 && tsz != 8)
			return poison(c, insn, cnt, "field '%s' is %u bytes in kernel BTF (%s): no "
				      "atomic operation of that size", c->path, tsz, kernel(c));
		if (mode == BPF_MEMSX && tsz == 8)
			mode = BPF_MEM; /* no sign extension left to do */
		insn->code = (uint8_t)(cls | mode | size);
	}
	insn->off = (int16_t)nv;
	return 0;
}

static int patch(struct core_call *c, const struct core_outcome *o, struct bpf_insn *insn,
		 size_t cnt, bool enum32)
{
	uint64_t nv = o->target.val, imm;
	uint8_t cls = BPF_CLASS(insn->code);

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (o->local.validate && !imm_is(insn->imm, o->local.val))
			return call_err(c, EINVAL, "'%s': the instruction's immediate is %d, but the "
					"object's BTF gives %llu", c->path, insn->imm,
					(unsigned long long)o->local.val);
		/* ALU64 sign-extends its immediate; a 32-bit ALU takes any u32 too. */
		if (!(((int64_t)nv >= INT32_MIN && (int64_t)nv <= INT32_MAX) ||
		      (cls == BPF_ALU && nv <= UINT32_MAX)))
			return call_err(c, ERANGE, "'%s': value %llu in kernel BTF (%s) does not fit "
					"the instruction's 32-bit immediate", c->path,
					(unsigned long long)nv, kernel(c));
		insn->imm = (int32_t)(uint32_t)nv;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		return patch_mem(c, o, insn, cnt);
	case BPF_LD:
		imm = (uint64_t)(uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
		if (o->local.validate && !imm64_is(imm, o->local.val, enum32))
			return call_err(c, EINVAL, "'%s': the instruction's value is %llu, but the "
					"object's BTF gives %llu", c->path,
					(unsigned long long)imm, (unsigned long long)o->local.val);
		insn[0].imm = (int32_t)(uint32_t)nv;
		insn[1].imm = (int32_t)(uint32_t)(nv >> 32);
		return 0;
	default:
		return call_err(c, EINVAL, "'%s': instruction code 0x%02x cannot carry a CO-RE "
				"value", c->path, insn->code);
	}
}

/* ---- the whole relocation ------------------------------------------------------ */

static const char *what_of(unsigned int kind)
{
	if (kind_is_field(kind))
		return "field";
	if (kind_is_enumval(kind))
		return "enum value";
	return "type";
}

static bool same_outcome(const struct core_val *a, const struct core_spec *as,
			 const struct core_val *b, const struct core_spec *bs)
{
	return a->poison == b->poison && a->val == b->val && as->bit_off == bs->bit_off;
}

int ebpfc__core_apply(struct ebpfc__core_ctx *ctx, const char *prog_name, size_t relo_idx,
		      size_t insn_idx, const struct bpf_core_relo *relo, struct bpf_insn *insn,
		      size_t insn_cnt, struct ebpfc__core_res *res)
{
	struct core_spec *ls = NULL, *ts, *best;
	struct core_call c = { 0 };
	struct core_outcome o;
	const struct core_cands *cands = NULL;
	uint32_t i, matched = 0, best_id = 0, best_t = 0, lid;
	bool enum32 = false;
	int err;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!ctx || !relo || !insn || !insn_cnt)
		return ebpfc__err(EINVAL, "CO-RE: NULL argument");
	c.ctx = ctx;
	c.prog = prog_name ? prog_name : "?";
	c.relo_idx = relo_idx;
	c.insn_idx = insn_idx;
	c.kind = relo->kind;
	c.relo = relo;
	c.budget = WALK_BUDGET;
	snprintf(c.path, sizeof(c.path), "type [%u]", relo->type_id);
	if (relo->kind > BPF_CORE_TYPE_MATCHES)
		return call_err(&c, EINVAL, "unknown relocation kind %u", (unsigned int)relo->kind);

	/* Three specs are a few KiB: the heap, not the stack of a caller's caller. */
	ls = malloc(3 * sizeof(*ls));
	if (!ls)
		return call_err(&c, ENOMEM, "out of memory");
	ts = ls + 1;
	best = ls + 2;
	memset(&o, 0, sizeof(o));

	err = local_spec(&c, ctx->local, ls);
	if (err)
		goto out;
	err = check_insn(&c, insn, insn_cnt);
	if (err)
		goto out;
	err = value_of(&c, ls, &o.local);
	if (err)
		goto out;
	if (kind_is_enumval(c.kind)) {
		const struct btf_type *et = type_at(ctx->local, ls->acc[0].type_id);

		enum32 = et && ebpfc_btf_kind(et) == BTF_KIND_ENUM;
	}

	if (c.kind == BPF_CORE_TYPE_ID_LOCAL) {
		o.local.val = relo->type_id;
		o.target = o.local;
		best_id = relo->type_id;
		goto patch;
	}
	lid = relo->type_id;
	if (!name_of(ctx->local, type_at(ctx->local, lid)->name_off)[0]) {
		err = call_err(&c, EOPNOTSUPP, "'%s': CO-RE needs a named type to look up in "
			       "kernel BTF", c.path);
		goto out;
	}
	err = get_cands(&c, &cands);
	if (err)
		goto out;
	if (!cands->cnt)
		set_why(&c, true, "no %s named '%.*s'",
			ebpfc_btf_kind_str(ebpfc_btf_kind(type_at(ctx->local, lid))),
			(int)ebpfc_btf_essential_name_len(
				name_of(ctx->local, type_at(ctx->local, lid)->name_off)),
			name_of(ctx->local, type_at(ctx->local, lid)->name_off));

	for (i = 0; i < cands->cnt; i++) {
		const struct core_target *tg = &ctx->targets[cands->c[i].target];
		struct core_val v;

		err = match(&c, ls, tg->btf, cands->c[i].id, ts);
		if (err < 0)
			goto out;
		if (!err)
			continue;
		ts->target = cands->c[i].target;
		err = value_of(&c, ts, &v);
		if (err)
			goto out;
		if (!matched) {
			o.target = v;
			memcpy(best, ts, sizeof(*best));
			best_id = cands->c[i].id;
			best_t = cands->c[i].target;
		} else if (!same_outcome(&v, ts, &o.target, best)) {
			char a[128], b[128];

			fmt_type(ctx->targets[best_t].btf, best_id, a, sizeof(a));
			fmt_type(tg->btf, cands->c[i].id, b, sizeof(b));
			err = call_err(&c, EINVAL, "%s '%s' is ambiguous in kernel BTF (%s): %s [%u] "
				       "gives %llu%s, %s [%u] gives %llu%s", what_of(c.kind), c.path,
				       kernel(&c), a, best_id,
				       (unsigned long long)(o.target.poison ? 0 : o.target.val),
				       o.target.poison ? " (unusable)" : "", b, cands->c[i].id,
				       (unsigned long long)(v.poison ? 0 : v.val),
				       v.poison ? " (unusable)" : "");
			goto out;
		}
		matched++;
	}
	if (!matched) {
		err = value_of(&c, NULL, &o.target);
		if (err)
			goto out;
	}
	if (o.target.poison) {
		err = poison(&c, insn, insn_cnt, "%s '%s' not found in kernel BTF (%s)%s%s",
			     what_of(c.kind), c.path, kernel(&c), c.why[0] ? ": " : "", c.why);
		if (res && !err)
			res->poisoned = true;
		goto out;
	}
	if (kind_is_field(c.kind) && matched && o.local.mem_sz) {
		o.lft = type_at(ctx->local, o.local.type_id);
		o.tft = type_at(ctx->targets[best_t].btf, o.target.type_id);
		o.tb = ctx->targets[best_t].btf;
		if (!o.lft || !o.tft)
			o.local.mem_sz = 0;
	}

patch:
	err = patch(&c, &o, insn, insn_cnt, enum32);
	if (!err && res) {
		res->poisoned = insn->code == (BPF_JMP | BPF_CALL) &&
				insn->imm == EBPFC__CORE_POISON_HELPER;
		res->local_val = o.local.val;
		res->target_val = o.target.val;
		res->target_id = best_id;
		res->cand_cnt = matched;
	}
out:
	if (res && err)
		memset(res, 0, sizeof(*res));
	if (res && !err && o.target.poison) {
		res->local_val = o.local.val;
		res->cand_cnt = matched;
	}
	free(ls);
	return err;
}

int ebpfc__core_apply_func(struct ebpfc__core_ctx *ctx, const char *prog_name,
			   const struct ebpfc__btf_ext_sec *sec, size_t sec_start, size_t cnt,
			   struct bpf_insn *insns, size_t dst_idx)
{
	uint32_t i;
	int err;

	if (!ctx || !sec || (cnt && !insns))
		return ebpfc__err(EINVAL, "CO-RE: NULL argument");
	if (sec->rec_size < sizeof(struct bpf_core_relo))
		return ebpfc__err(EINVAL, "program '%s': CO-RE records of %u bytes, too small",
				  prog_name ? prog_name : "?", sec->rec_size);
	for (i = 0; i < sec->count; i++) {
		struct bpf_core_relo r;
		size_t idx;

		memcpy(&r, (const char *)sec->recs + (size_t)i * sec->rec_size, sizeof(r));
		if (r.insn_off % sizeof(struct bpf_insn))
			return ebpfc__err(EINVAL, "program '%s': CO-RE relocation #%u of section '%s' "
					  "is at byte %u, not on an instruction",
					  prog_name ? prog_name : "?", i, sec->sec_name, r.insn_off);
		idx = r.insn_off / sizeof(struct bpf_insn);
		if (idx < sec_start || idx - sec_start >= cnt)
			continue;
		idx -= sec_start;
		err = ebpfc__core_apply(ctx, prog_name, i, dst_idx + idx, &r, insns + idx, cnt - idx,
					NULL);
		if (err)
			return err;
	}
	return 0;
}

/* ---- poison notes and descriptions -------------------------------------------------- */

const char *ebpfc__core_poison_reason(const struct ebpfc__core_ctx *ctx, const char *prog_name,
				      size_t insn_idx)
{
	size_t i;

	if (!ctx || !prog_name)
		return NULL;
	for (i = 0; i < ctx->poison_cnt; i++)
		if (ctx->poison[i].insn_idx == insn_idx && !strcmp(ctx->poison[i].prog, prog_name))
			return ctx->poison[i].reason;
	return NULL;
}

size_t ebpfc__core_poison_cnt(const struct ebpfc__core_ctx *ctx)
{
	return ctx ? ctx->poison_cnt : 0;
}

const struct ebpfc__core_poison *ebpfc__core_poison_at(const struct ebpfc__core_ctx *ctx,
						       size_t idx)
{
	return ctx && idx < ctx->poison_cnt ? &ctx->poison[idx] : NULL;
}

void ebpfc__core_poison_clear(struct ebpfc__core_ctx *ctx, const char *prog_name)
{
	size_t i, j = 0;

	if (!ctx || !prog_name)
		return;
	for (i = 0; i < ctx->poison_cnt; i++) {
		if (!strcmp(ctx->poison[i].prog, prog_name)) {
			free(ctx->poison[i].prog);
			free(ctx->poison[i].reason);
			continue;
		}
		ctx->poison[j++] = ctx->poison[i];
	}
	ctx->poison_cnt = j;
}

int ebpfc__core_relo_str(const struct ebpfc_btf *local, const struct bpf_core_relo *relo,
			 char *buf, size_t size)
{
	struct core_call c = { 0 };
	struct core_spec *s;
	int err;

	if (!buf || !size)
		return ebpfc__err(EINVAL, "CO-RE: NULL argument");
	buf[0] = 0;
	if (!local || !relo)
		return ebpfc__err(EINVAL, "CO-RE: NULL argument");
	c.kind = relo->kind;
	c.relo = relo;
	c.budget = WALK_BUDGET;
	if (relo->kind > BPF_CORE_TYPE_MATCHES) {
		snprintf(buf, size, "unknown kind %u", (unsigned int)relo->kind);
		return ebpfc__err(EINVAL, "CO-RE relocation: unknown kind %u",
				  (unsigned int)relo->kind);
	}
	s = malloc(sizeof(*s));
	if (!s)
		return ebpfc__err(ENOMEM, "CO-RE: out of memory");
	err = local_spec(&c, local, s);
	snprintf(buf, size, "%s %s", ebpfc__core_kind_str(c.kind), c.path);
	free(s);
	return err;
}
