/*
 * kconfig.c - reading the kernel's build configuration for .kconfig
 * externs: /boot/config-$(uname -r), /proc/config.gz (through inflate.c)
 * or text the caller passes, and LINUX_KERNEL_VERSION.
 *
 * The text is owned by the kconfig and parsed in place, in one pass:
 * names and strings are NUL-terminated where they stand and the entries
 * (24 bytes each, about 10,000 for a distribution kernel) point into it.
 * Sorted once, looked up by binary search. When an option appears twice
 * the later line wins, as when kconfig merges fragments.
 *
 * Not here: what an extern's BTF type is (the loader passes the C type),
 * and the LINUX_HAS_* feature externs, which are probes, not config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "inflate.h"
#include "kconfig.h"

/* Neither a config nor /proc/config.gz's expansion comes near this. */
#define KCONFIG_MAX_TEXT (64u << 20)

#define KVER_NAME "LINUX_KERNEL_VERSION"

struct kc_ent {
	const char *name;
	union {
		int64_t num;
		uint64_t hex;
		const char *str;
	} v;
	uint32_t str_len;
	uint8_t kind;
	char tri;
};

struct ebpfc__kconfig {
	char *text;
	struct kc_ent *ents;
	size_t n;
	char source[64];	/* "/proc/config.gz", for messages */
};

/* ---- kernel version ------------------------------------------------------ */

/* "a.b[.c]..." at s into KERNEL_VERSION(a, b, min(c, 255)); 0 if not. */
static uint32_t parse_version(const char *s)
{
	unsigned long part[3] = { 0, 0, 0 };
	int i;

	for (i = 0; i < 3; i++) {
		char *end;

		if (*s < '0' || *s > '9')
			break;
		part[i] = strtoul(s, &end, 10);
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	if (i < 1 || part[0] == 0 || part[0] > 255 || part[1] > 255)
		return 0;
	if (part[2] > 255)
		part[2] = 255;
	return (uint32_t)(part[0] << 16 | part[1] << 8 | part[2]);
}

uint32_t ebpfc__kernel_version_from(const char *signature, const char *uts_version,
				    const char *uts_release)
{
	uint32_t v;

	/* Ubuntu: "Ubuntu 5.15.0-91.101-generic 5.15.131", upstream last. */
	if (signature) {
		const char *last = NULL, *p;

		for (p = signature; *p; p++)
			if ((p == signature || p[-1] == ' ') && *p != ' ' && *p != '\n')
				last = p;
		if (last && (v = parse_version(last)))
			return v;
	}
	/* Debian: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)". */
	if (uts_version) {
		const char *p = uts_version;

		while ((p = strstr(p, "Debian "))) {
			p += 7;
			if ((v = parse_version(p)))
				return v;
		}
	}
	return uts_release ? parse_version(uts_release) : 0;
}

uint32_t ebpfc__kernel_version(void)
{
	struct utsname u;
	char *sig = NULL;
	uint32_t v;
	int saved;

	if (uname(&u))
		return 0;
	saved = errno;
	/* Usually absent; its absence is not an error for anyone. */
	if (access("/proc/version_signature", R_OK) == 0 &&
	    ebpfc__read_file("/proc/version_signature", &sig, NULL))
		sig = NULL;
	errno = saved;
	v = ebpfc__kernel_version_from(sig, u.version, u.release);
	free(sig);
	return v;
}

/* ---- parsing --------------------------------------------------------------- */

static int is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Clip a line for a message. */
#define CLIP(s, e) (int)((e) - (s) > 60 ? 60 : (e) - (s)), (s)

struct parser {
	struct ebpfc__kconfig *kc;
	size_t cap;
	const char *source;
	unsigned line;
};

static int bad_line(const struct parser *ps, const char *fmt, ...) EBPFC__PRINTF(2, 3);
static int bad_line(const struct parser *ps, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return ebpfc__err(EINVAL, "%s: line %u: %s", ps->source, ps->line, why);
}

static int add(struct parser *ps, struct kc_ent **out)
{
	struct ebpfc__kconfig *kc = ps->kc;

	if (kc->n == ps->cap) {
		size_t cap = ps->cap * 2;
		struct kc_ent *p = realloc(kc->ents, cap * sizeof(*p));

		if (!p)
			return ebpfc__err(ENOMEM, "%s: out of memory for %zu options", ps->source, cap);
		kc->ents = p;
		ps->cap = cap;
	}
	*out = &kc->ents[kc->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* The value of CONFIG_NAME=value in [s, e), name already cut out. */
static int parse_value(struct parser *ps, const char *name, char *s, char *e, struct kc_ent *ent)
{
	if (s == e)
		return bad_line(ps, "%s has an empty value", name);
	if (e - s == 1 && (*s == 'y' || *s == 'm' || *s == 'n')) {
		ent->kind = EBPFC__KCONFIG_TRISTATE;
		ent->tri = *s;
		return 0;
	}
	if (*s == '"') {
		char *r = s + 1, *w = s + 1;

		for (; r < e && *r != '"'; r++) {
			if (*r == '\\' && r + 1 < e)
				r++;
			*w++ = *r;	/* the line has no NUL: checked before */
		}
		if (r == e)
			return bad_line(ps, "%s: string has no closing quote", name);
		if (r + 1 != e)
			return bad_line(ps, "%s: text after the closing quote: '%.*s'", name,
					CLIP(r + 1, e));
		*w = '\0';
		ent->kind = EBPFC__KCONFIG_STRING;
		ent->v.str = s + 1;
		ent->str_len = (uint32_t)(w - (s + 1));
		return 0;
	}
	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		uint64_t v = 0;
		const char *p;

		for (p = s + 2; p < e; p++) {
			unsigned d;

			if (*p >= '0' && *p <= '9')
				d = (unsigned)(*p - '0');
			else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
				d = (unsigned)((*p | 0x20) - 'a' + 10);
			else
				goto bad;
			if (v > UINT64_MAX >> 4)
				return bad_line(ps, "%s: hex value '%.*s' does not fit in 64 bits", name,
						CLIP(s, e));
			v = v << 4 | d;
		}
		ent->kind = EBPFC__KCONFIG_HEX;
		ent->v.hex = v;
		return 0;
	}
	if ((*s >= '0' && *s <= '9') || (*s == '-' && e - s > 1)) {
		const char *p = s + (*s == '-');
		uint64_t v = 0, lim = *s == '-' ? (uint64_t)INT64_MAX + 1 : INT64_MAX;

		for (; p < e; p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			if (v > (lim - (unsigned)(*p - '0')) / 10)
				return bad_line(ps, "%s: value '%.*s' does not fit in 64 bits", name,
						CLIP(s, e));
			v = v * 10 + (unsigned)(*p - '0');
		}
		ent->kind = EBPFC__KCONFIG_INT;
		ent->v.num = *s == '-' ? (int64_t)(0 - v) : (int64_t)v;
		return 0;
	}
bad:
	return bad_line(ps, "%s: cannot parse value '%.*s' (want y, m, n, a decimal or 0x number, "
			"or a \"string\")", name, CLIP(s, e));
}

/* One line [s, e), trailing white space already gone. */
static int parse_line(struct parser *ps, char *s, char *e)
{
	static const char not_set[] = " is not set";
	struct kc_ent *ent = NULL;
	char *name, *p;
	int err;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if (s == e)
		return 0;
	if (*s == '#') {
		/* "# CONFIG_FOO is not set"; any other comment is skipped. */
		size_t nl = sizeof(not_set) - 1;

		if (e - s < 9 || memcmp(s, "# CONFIG_", 9))
			return 0;
		for (p = s + 9; p < e && is_name_char(*p); p++)
			;
		if (p == s + 9 || (size_t)(e - p) != nl || memcmp(p, not_set, nl))
			return 0;
		err = add(ps, &ent);
		if (err)
			return err;
		*p = '\0';
		ent->name = s + 2;
		ent->kind = EBPFC__KCONFIG_TRISTATE;
		ent->tri = 'n';
		return 0;
	}
	if (e - s < 7 || memcmp(s, "CONFIG_", 7))
		return bad_line(ps, "expected CONFIG_NAME=value or a # comment, got '%.*s'",
				CLIP(s, e));
	name = s;
	for (p = s + 7; p < e && is_name_char(*p); p++)
		;
	if (p == s + 7)
		return bad_line(ps, "option name is empty: '%.*s'", CLIP(s, e));
	if (p == e || *p != '=')
		return bad_line(ps, "expected '=' after the option name: '%.*s'", CLIP(s, e));
	err = add(ps, &ent);
	if (err)
		return err;
	*p = '\0';
	ent->name = name;
	err = parse_value(ps, name, p + 1, e, ent);
	if (err)
		*p = '=';	/* keep the text whole for nobody in particular */
	return err;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct kc_ent *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	/* Equal names: line order, which is address order in the text. */
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Parse text (len bytes, NUL at text[len]), taking ownership of it. */
static int parse_owned(char *text, size_t len, const char *source, uint32_t kver,
		       struct ebpfc__kconfig **kcp)
{
	struct ebpfc__kconfig *kc;
	struct parser ps = { .source = source };
	char *p = text, *end = text + len;
	size_t i, j;
	int err;

	*kcp = NULL;
	kc = calloc(1, sizeof(*kc));
	if (!kc) {
		free(text);
		return ebpfc__err(ENOMEM, "%s: out of memory", source);
	}
	kc->text = text;
	ebpfc__strlcpy(kc->source, source, sizeof(kc->source));
	ps.kc = kc;
	ps.source = kc->source;
	/* Lines in a distribution config average 25 bytes; most are options. */
	ps.cap = len / 32 + 16;
	kc->ents = malloc(ps.cap * sizeof(*kc->ents));
	if (!kc->ents) {
		err = ebpfc__err(ENOMEM, "%s: out of memory", source);
		goto fail;
	}
	if (kver) {
		struct kc_ent *ent = NULL;

		err = add(&ps, &ent);
		if (err)
			goto fail;
		ent->name = KVER_NAME;
		ent->kind = EBPFC__KCONFIG_INT;
		ent->v.num = kver;
	}

	while (p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n;

		if (!eol)
			eol = end;
		ps.line++;
		n = (size_t)(eol - p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		if (memchr(p, '\0', n)) {
			err = bad_line(&ps, "NUL byte in the line");
			goto fail;
		}
		err = parse_line(&ps, p, p + n);
		if (err)
			goto fail;
		p = eol + 1;
	}

	qsort(kc->ents, kc->n, sizeof(*kc->ents), ent_cmp);
	/* Of equal names keep the last. */
	for (i = j = 0; i < kc->n; i++) {
		if (i + 1 < kc->n && strcmp(kc->ents[i].name, kc->ents[i + 1].name) == 0)
			continue;
		kc->ents[j++] = kc->ents[i];
	}
	kc->n = j;
	*kcp = kc;
	return 0;
fail:
	ebpfc__kconfig_free(kc);
	return err;
}

int ebpfc__kconfig_parse(const char *text, size_t len, const char *source, uint32_t kernel_version,
			 struct ebpfc__kconfig **kc)
{
	char *copy;

	*kc = NULL;
	if (!source)
		source = "kconfig";
	if (!text && len)
		return ebpfc__err(EINVAL, "%s: no text", source);
	if (len > KCONFIG_MAX_TEXT)
		return ebpfc__err(EFBIG, "%s: %zu bytes is more than a kernel config can be", source,
				  len);
	copy = malloc(len + 1);
	if (!copy)
		return ebpfc__err(ENOMEM, "%s: out of memory for %zu bytes", source, len);
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	return parse_owned(copy, len, source, kernel_version, kc);
}

int ebpfc__kconfig_load_files(const char *path, const char *gz_path, uint32_t kernel_version,
			      struct ebpfc__kconfig **kc)
{
	char first[256], second[256];
	size_t len, gz_len;
	char *text, *gz;
	void *out;
	int err, err2;

	*kc = NULL;
	err = ebpfc__read_file(path, &text, &len);
	if (!err) {
		if (len > KCONFIG_MAX_TEXT) {
			free(text);
			return ebpfc__err(EFBIG, "%s: %zu bytes is more than a kernel config can be",
					  path, len);
		}
		return parse_owned(text, len, path, kernel_version, kc);
	}
	ebpfc__strlcpy(first, ebpfc_errmsg(), sizeof(first));

	err2 = ebpfc__read_file(gz_path, &gz, &gz_len);
	if (err2) {
		ebpfc__strlcpy(second, ebpfc_errmsg(), sizeof(second));
		return ebpfc__err(err != -ENOENT ? err : err2,
				  "no kernel config: %s; %s (kernel built without "
				  "CONFIG_IKCONFIG_PROC?); pass the config text in "
				  "ebpfc_object_open_opts.kconfig", first, second);
	}
	err2 = ebpfc__gunzip(gz, gz_len, &out, &len, KCONFIG_MAX_TEXT);
	free(gz);
	if (err2) {
		ebpfc__strlcpy(second, ebpfc_errmsg(), sizeof(second));
		return ebpfc__err(err2, "%s: %s", gz_path, second);
	}
	ebpfc__err_clear();	/* the first file's absence is not news */
	return parse_owned(out, len, gz_path, kernel_version, kc);
}

int ebpfc__kconfig_load(const char *override_text, struct ebpfc__kconfig **kc)
{
	char path[sizeof(((struct utsname *)0)->release) + 16];
	uint32_t kver = ebpfc__kernel_version();
	struct utsname u;

	*kc = NULL;
	if (override_text)
		return ebpfc__kconfig_parse(override_text, strlen(override_text), "kconfig override",
					    kver, kc);
	if (uname(&u))
		return ebpfc__err(errno, "uname: %s", ebpfc_strerror(errno));
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	return ebpfc__kconfig_load_files(path, "/proc/config.gz", kver, kc);
}

void ebpfc__kconfig_free(struct ebpfc__kconfig *kc)
{
	if (!kc)
		return;
	free(kc->ents);
	free(kc->text);
	free(kc);
}

/* ---- lookups --------------------------------------------------------------- */

static void to_value(const struct kc_ent *e, struct ebpfc__kconfig_value *v)
{
	memset(v, 0, sizeof(*v));
	v->name = e->name;
	v->kind = (enum ebpfc__kconfig_kind)e->kind;
	switch (v->kind) {
	case EBPFC__KCONFIG_TRISTATE:
		v->tristate = e->tri;
		break;
	case EBPFC__KCONFIG_INT:
		v->num = e->v.num;
		break;
	case EBPFC__KCONFIG_HEX:
		v->hex = e->v.hex;
		break;
	case EBPFC__KCONFIG_STRING:
		v->str = e->v.str;
		v->str_len = e->str_len;
		break;
	}
}

static const struct kc_ent *find(const struct ebpfc__kconfig *kc, const char *name)
{
	size_t lo = 0, hi = kc ? kc->n : 0;

	if (!name)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, kc->ents[mid].name);

		if (!c)
			return &kc->ents[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int ebpfc__kconfig_get(const struct ebpfc__kconfig *kc, const char *name,
		       struct ebpfc__kconfig_value *v)
{
	const struct kc_ent *e = find(kc, name);

	if (!e)
		return -ENOENT;
	if (v)
		to_value(e, v);
	return 0;
}

size_t ebpfc__kconfig_count(const struct ebpfc__kconfig *kc)
{
	return kc ? kc->n : 0;
}

int ebpfc__kconfig_at(const struct ebpfc__kconfig *kc, size_t i, struct ebpfc__kconfig_value *v)
{
	if (!kc || i >= kc->n)
		return -ENOENT;
	to_value(&kc->ents[i], v);
	return 0;
}

/* ---- filling externs ------------------------------------------------------- */

static const char *type_name(enum ebpfc__kconfig_type type, size_t size, char *buf, size_t bufsz)
{
	switch (type) {
	case EBPFC__KCONFIG_T_BOOL:
		return "bool";
	case EBPFC__KCONFIG_T_TRISTATE:
		return "enum libbpf_tristate";
	case EBPFC__KCONFIG_T_CHAR:
		return "char";
	case EBPFC__KCONFIG_T_STRING:
		snprintf(buf, bufsz, "char[%zu]", size);
		return buf;
	case EBPFC__KCONFIG_T_INT:
	case EBPFC__KCONFIG_T_UINT:
		snprintf(buf, bufsz, "%zu-byte %s integer", size,
			 type == EBPFC__KCONFIG_T_INT ? "signed" : "unsigned");
		return buf;
	}
	return "unknown type";
}

static const char *value_text(const struct kc_ent *e, char *buf, size_t bufsz)
{
	switch (e->kind) {
	case EBPFC__KCONFIG_TRISTATE:
		snprintf(buf, bufsz, "%c", e->tri);
		break;
	case EBPFC__KCONFIG_INT:
		snprintf(buf, bufsz, "%lld", (long long)e->v.num);
		break;
	case EBPFC__KCONFIG_HEX:
		snprintf(buf, bufsz, "0x%llx", (unsigned long long)e->v.hex);
		break;
	default:
		snprintf(buf, bufsz, "\"%.40s%s\"", e->v.str, e->str_len > 40 ? "..." : "");
		break;
	}
	return buf;
}

/* Store v in the low `size` bytes, host order; size is 1, 2, 4 or 8. */
static void store(void *dst, uint64_t v, size_t size)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(dst, &u8, 1);
		break;
	case 2:
		memcpy(dst, &u16, 2);
		break;
	case 4:
		memcpy(dst, &u32, 4);
		break;
	default:
		memcpy(dst, &v, 8);
		break;
	}
}

int ebpfc__kconfig_fill(const struct ebpfc__kconfig *kc, const char *name,
			enum ebpfc__kconfig_type type, bool weak, void *dst, size_t size)
{
	char tbuf[48], vbuf[64];
	const char *tn;
	const struct kc_ent *e;
	bool int_size = size == 1 || size == 2 || size == 4 || size == 8;

	if (!name || !dst)
		return ebpfc__err(EINVAL, "kconfig extern: no name or no destination");
	switch (type) {
	case EBPFC__KCONFIG_T_BOOL:
	case EBPFC__KCONFIG_T_CHAR:
		if (size != 1)
			goto bad_size;
		break;
	case EBPFC__KCONFIG_T_TRISTATE:
	case EBPFC__KCONFIG_T_INT:
	case EBPFC__KCONFIG_T_UINT:
		if (!int_size)
			goto bad_size;
		break;
	case EBPFC__KCONFIG_T_STRING:
		if (size == 0)
			goto bad_size;
		break;
	default:
		return ebpfc__err(EINVAL, "kconfig extern '%s': unknown C type %d", name, (int)type);
	}

	e = find(kc, name);
	if (!e) {
		if (weak) {
			memset(dst, 0, size);
			return 0;
		}
		return ebpfc__err(ENOENT, "kconfig extern '%s' is not in the kernel config (%s); "
				  "declare it __weak to read it as zero", name,
				  kc ? kc->source : "none loaded");
	}

	switch (type) {
	case EBPFC__KCONFIG_T_BOOL:
	case EBPFC__KCONFIG_T_TRISTATE:
	case EBPFC__KCONFIG_T_CHAR:
		if (e->kind != EBPFC__KCONFIG_TRISTATE)
			goto bad_kind;
		if (type == EBPFC__KCONFIG_T_CHAR) {
			memcpy(dst, &e->tri, 1);
		} else if (type == EBPFC__KCONFIG_T_TRISTATE) {
			store(dst, e->tri == 'n' ? 0 : e->tri == 'y' ? 1 : 2, size);
		} else {
			if (e->tri == 'm')
				return ebpfc__err(EINVAL, "kconfig extern '%s': value m (module) "
						  "does not fit a bool; declare it enum "
						  "libbpf_tristate or char", name);
			store(dst, e->tri == 'y', 1);
		}
		return 0;
	case EBPFC__KCONFIG_T_STRING:
		if (e->kind != EBPFC__KCONFIG_STRING)
			goto bad_kind;
		if (e->str_len >= size)
			return ebpfc__err(ERANGE, "kconfig extern '%s': string %s of %u bytes and "
					  "its NUL do not fit in char[%zu]", name,
					  value_text(e, vbuf, sizeof(vbuf)),
					  e->str_len, size);
		memset(dst, 0, size);
		memcpy(dst, e->v.str, e->str_len);
		return 0;
	case EBPFC__KCONFIG_T_INT:
	case EBPFC__KCONFIG_T_UINT: {
		unsigned bits = (unsigned)size * 8;
		uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
		int64_t smax = (int64_t)(umax >> 1), smin = -smax - 1;
		bool fits;

		if (e->kind == EBPFC__KCONFIG_INT) {
			int64_t v = e->v.num;

			fits = type == EBPFC__KCONFIG_T_INT ? v >= smin && v <= smax
							    : v >= 0 && (uint64_t)v <= umax;
			if (fits)
				store(dst, (uint64_t)v, size);
		} else if (e->kind == EBPFC__KCONFIG_HEX) {
			uint64_t v = e->v.hex;

			fits = v <= (type == EBPFC__KCONFIG_T_INT ? (uint64_t)smax : umax);
			if (fits)
				store(dst, v, size);
		} else {
			goto bad_kind;
		}
		if (!fits) {
			tn = type_name(type, size, tbuf, sizeof(tbuf));
			value_text(e, vbuf, sizeof(vbuf));
			if (type == EBPFC__KCONFIG_T_INT)
				return ebpfc__err(ERANGE, "kconfig extern '%s': value %s does not "
						  "fit in a %s (%lld..%lld)", name, vbuf, tn,
						  (long long)smin, (long long)smax);
			return ebpfc__err(ERANGE, "kconfig extern '%s': value %s does not fit in "
					  "a %s (0..%llu)", name, vbuf, tn,
					  (unsigned long long)umax);
		}
		return 0;
	}
	}
bad_kind:
	tn = type_name(type, size, tbuf, sizeof(tbuf));
	value_text(e, vbuf, sizeof(vbuf));
	return ebpfc__err(EINVAL, "kconfig extern '%s': value %s is %s, which does not go into "
			  "a %s", name, vbuf,
			  e->kind == EBPFC__KCONFIG_TRISTATE ? "a tristate (y/m/n)"
			  : e->kind == EBPFC__KCONFIG_STRING ? "a string"
							      : "a number", tn);
bad_size:
	tn = type_name(type, size, tbuf, sizeof(tbuf));
	return ebpfc__err(EINVAL, "kconfig extern '%s': a %s cannot be %zu bytes", name, tn, size);
}
