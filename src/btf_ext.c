/*
 * btf_ext.c - the .BTF.ext reader: the func_info, line_info and CO-RE
 * relocation records clang emits per ELF section, validated against the
 * object's .BTF and indexed by section so the object and CO-RE stages can
 * ask "the records of section X" without re-walking the bytes.
 *
 * Records are not copied or converted: consumers read them in place (the
 * structs of <linux/bpf.h>), stepping by the record size found in the file,
 * which a newer compiler may make larger than the struct. Turning insn_off
 * from bytes into instruction indexes is the consumer's business.
 */
#include <stdlib.h>
#include <string.h>

#include "btf.h"

/* The header as clang writes it; core_relo_* exist when hdr_len covers them. */
struct ext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	uint32_t core_relo_off;
	uint32_t core_relo_len;
};

#define EXT_HDR_MIN EBPFC__OFFSETOFEND(struct ext_header, line_info_len)
#define EXT_HDR_CORE EBPFC__OFFSETOFEND(struct ext_header, core_relo_len)

/* Each block: which ELF section, then num_info records. */
struct ext_block {
	uint32_t sec_name_off;
	uint32_t num_info;
};

struct ext_sub {
	struct ebpfc__btf_ext_sec *secs;
	uint32_t nr_secs;
};

struct ebpfc__btf_ext {
	const uint8_t *data;
	size_t size;
	void *copy;
	struct ebpfc_btf *btf;
	struct ext_sub sub[EBPFC__BTF_EXT_KIND_CNT];
};

static const struct {
	const char *name;
	size_t min_rec;
} sub_desc[EBPFC__BTF_EXT_KIND_CNT] = {
	[EBPFC__BTF_EXT_FUNC_INFO] = { "func_info", sizeof(struct bpf_func_info) },
	[EBPFC__BTF_EXT_LINE_INFO] = { "line_info", sizeof(struct bpf_line_info) },
	[EBPFC__BTF_EXT_CORE_RELO] = { "core_relo", sizeof(struct bpf_core_relo) },
};

static const char *str_or_null(const struct ebpfc_btf *btf, uint32_t off)
{
	return ebpfc_btf_name(btf, off);
}

/* Record `i` of section `sec` must make sense against the BTF. */
static int check_rec(const struct ebpfc__btf_ext *ext, enum ebpfc__btf_ext_kind kind,
		     const char *sec, uint32_t i, const void *rec)
{
	const char *what = ebpfc__btf_what(ext->btf), *sub = sub_desc[kind].name;
	uint32_t insn_off = *(const uint32_t *)rec, cnt = ebpfc_btf_type_cnt(ext->btf);
	const struct btf_type *t;

	/* Byte offsets of 8-byte instructions; anything else cannot be resolved. */
	if (insn_off % 8)
		return ebpfc__err(EINVAL,
				  "%s.ext: %s of section '%s', record %u: instruction offset %u is "
				  "not a multiple of 8",
				  what, sub, sec, i, insn_off);
	switch (kind) {
	case EBPFC__BTF_EXT_FUNC_INFO: {
		const struct bpf_func_info *fi = rec;

		if (ebpfc_btf_type_by_id(ext->btf, fi->type_id, &t) || fi->type_id == 0 ||
		    BTF_INFO_KIND(t->info) != BTF_KIND_FUNC)
			return ebpfc__err(EINVAL,
					  "%s.ext: func_info of section '%s', record %u: type [%u] is "
					  "not a func (type count %u)",
					  what, sec, i, fi->type_id, cnt);
		break;
	}
	case EBPFC__BTF_EXT_LINE_INFO: {
		const struct bpf_line_info *li = rec;

		if (!str_or_null(ext->btf, li->file_name_off) || !str_or_null(ext->btf, li->line_off))
			return ebpfc__err(EINVAL,
					  "%s.ext: line_info of section '%s', record %u: file name "
					  "offset %u or line offset %u is outside the strings",
					  what, sec, i, li->file_name_off, li->line_off);
		break;
	}
	case EBPFC__BTF_EXT_CORE_RELO: {
		const struct bpf_core_relo *cr = rec;

		if (cr->type_id >= cnt)
			return ebpfc__err(EINVAL,
					  "%s.ext: core_relo of section '%s', record %u: type [%u] "
					  "does not exist (type count %u)",
					  what, sec, i, cr->type_id, cnt);
		if (!str_or_null(ext->btf, cr->access_str_off))
			return ebpfc__err(EINVAL,
					  "%s.ext: core_relo of section '%s', record %u: access string "
					  "offset %u is outside the strings",
					  what, sec, i, cr->access_str_off);
		if (cr->kind > BPF_CORE_TYPE_MATCHES)
			return ebpfc__err(EINVAL,
					  "%s.ext: core_relo of section '%s', record %u: unknown "
					  "relocation kind %u",
					  what, sec, i, (unsigned int)cr->kind);
		break;
	}
	default:
		break;
	}
	return 0;
}

/*
 * Walk one subsection: u32 record size, then blocks until its end. The
 * first walk (secs == NULL) validates and counts; the second fills secs.
 */
static int walk_sub(struct ebpfc__btf_ext *ext, enum ebpfc__btf_ext_kind kind, const uint8_t *p,
		    uint32_t len, struct ebpfc__btf_ext_sec *secs, uint32_t *nr)
{
	const char *what = ebpfc__btf_what(ext->btf), *sub = sub_desc[kind].name;
	uint32_t rec_size, n = 0, i;
	size_t left;
	int err;

	if (len < sizeof(uint32_t))
		return ebpfc__err(EINVAL, "%s.ext: %s subsection of %u bytes has no record size",
				  what, sub, len);
	rec_size = *(const uint32_t *)p;
	if (rec_size < sub_desc[kind].min_rec || rec_size % 4)
		return ebpfc__err(EINVAL,
				  "%s.ext: %s record size %u is invalid (at least %zu, a multiple "
				  "of 4)",
				  what, sub, rec_size, sub_desc[kind].min_rec);
	p += sizeof(uint32_t);
	left = len - sizeof(uint32_t);

	while (left) {
		const struct ext_block *b = (const void *)p;
		const char *sec;
		uint64_t bytes;

		if (left < sizeof(*b))
			return ebpfc__err(EINVAL,
					  "%s.ext: %s block %u: %zu bytes left, a block header "
					  "needs %zu",
					  what, sub, n, left, sizeof(*b));
		sec = str_or_null(ext->btf, b->sec_name_off);
		if (!sec || !sec[0])
			return ebpfc__err(EINVAL,
					  "%s.ext: %s block %u: section name offset %u is not a "
					  "name in the strings",
					  what, sub, n, b->sec_name_off);
		bytes = (uint64_t)b->num_info * rec_size;
		if (!b->num_info || bytes > left - sizeof(*b))
			return ebpfc__err(EINVAL,
					  "%s.ext: %s of section '%s': %u records of %u bytes do "
					  "not fit in the %zu bytes left",
					  what, sub, sec, b->num_info, rec_size, left - sizeof(*b));
		if (secs) {
			secs[n] = (struct ebpfc__btf_ext_sec){
				.sec_name = sec,
				.sec_name_off = b->sec_name_off,
				.rec_size = rec_size,
				.count = b->num_info,
				.recs = b + 1,
			};
		} else {
			for (i = 0; i < b->num_info; i++) {
				err = check_rec(ext, kind, sec, i,
						(const uint8_t *)(b + 1) + (size_t)i * rec_size);
				if (err)
					return err;
			}
		}
		n++;
		p += sizeof(*b) + bytes;
		left -= sizeof(*b) + bytes;
	}
	*nr = n;
	return 0;
}

static int parse_sub(struct ebpfc__btf_ext *ext, enum ebpfc__btf_ext_kind kind, uint32_t off,
		     uint32_t len, uint32_t hdr_len)
{
	const char *what = ebpfc__btf_what(ext->btf), *sub = sub_desc[kind].name;
	struct ext_sub *s = &ext->sub[kind];
	const uint8_t *p;
	uint32_t n = 0;
	int err;

	if (!len)
		return 0;
	if (off % 4 || (uint64_t)off + len > ext->size - hdr_len)
		return ebpfc__err(EINVAL,
				  "%s.ext: %s subsection (offset %u, length %u) is unaligned or "
				  "runs past the %zu bytes after the header",
				  what, sub, off, len, ext->size - hdr_len);
	p = ext->data + hdr_len + off;
	err = walk_sub(ext, kind, p, len, NULL, &n);
	if (err)
		return err;
	s->secs = calloc(n ? n : 1, sizeof(*s->secs));
	if (!s->secs)
		return ebpfc__err(ENOMEM, "%s.ext: out of memory", what);
	s->nr_secs = n;
	return walk_sub(ext, kind, p, len, s->secs, &n);
}

void ebpfc__btf_ext_destroy(struct ebpfc__btf_ext *ext)
{
	int k;

	if (!ext)
		return;
	for (k = 0; k < EBPFC__BTF_EXT_KIND_CNT; k++)
		free(ext->sub[k].secs);
	free(ext->copy);
	ebpfc_btf_destroy(ext->btf);
	free(ext);
}

int ebpfc__btf_ext_open(const void *data, size_t size, const struct ebpfc_btf *btf,
			struct ebpfc__btf_ext **out)
{
	struct ext_header h = { 0 };
	struct ebpfc__btf_ext *ext;
	const char *what;
	int err;

	if (!out || !btf || (!data && size))
		return ebpfc__err(EINVAL, "ebpfc__btf_ext_open: NULL argument");
	*out = NULL;
	what = ebpfc__btf_what(btf);
	if (size < EXT_HDR_MIN)
		return ebpfc__err(EINVAL, "%s.ext: %zu bytes, shorter than the %zu-byte header", what,
				  size, EXT_HDR_MIN);
	ext = calloc(1, sizeof(*ext));
	if (!ext)
		return ebpfc__err(ENOMEM, "%s.ext: out of memory", what);
	ext->btf = ebpfc__btf_get(btf);
	ext->data = data;
	ext->size = size;
	if ((uintptr_t)data & 3) {
		ext->copy = malloc(size);
		if (!ext->copy) {
			ebpfc__btf_ext_destroy(ext);
			return ebpfc__err(ENOMEM, "%s.ext: out of memory", what);
		}
		memcpy(ext->copy, data, size);
		ext->data = ext->copy;
	}

	memcpy(&h, ext->data, EXT_HDR_MIN);
	if (h.magic == __builtin_bswap16(BTF_MAGIC))
		err = ebpfc__err(EOPNOTSUPP, "%s.ext: big-endian .BTF.ext is not supported", what);
	else if (h.magic != BTF_MAGIC)
		err = ebpfc__err(EINVAL, "%s.ext: bad magic 0x%04x (.BTF.ext has 0x%04x)", what,
				 h.magic, BTF_MAGIC);
	else if (h.version != BTF_VERSION)
		err = ebpfc__err(EOPNOTSUPP, "%s.ext: version %u, only version %u is supported", what,
				 h.version, BTF_VERSION);
	else if (h.flags)
		err = ebpfc__err(EOPNOTSUPP, "%s.ext: unknown header flags 0x%02x", what, h.flags);
	else if (h.hdr_len < EXT_HDR_MIN || h.hdr_len > size || h.hdr_len % 4)
		err = ebpfc__err(EINVAL,
				 "%s.ext: header length %u is invalid (at least %zu, a multiple of "
				 "4, within the %zu bytes of data)",
				 what, h.hdr_len, EXT_HDR_MIN, size);
	else
		err = 0;
	/* Older producers stop after line_info; newer fields beyond core_relo are ignored. */
	if (!err && h.hdr_len >= EXT_HDR_CORE)
		memcpy(&h, ext->data, EXT_HDR_CORE);
	if (!err)
		err = parse_sub(ext, EBPFC__BTF_EXT_FUNC_INFO, h.func_info_off, h.func_info_len,
				h.hdr_len);
	if (!err)
		err = parse_sub(ext, EBPFC__BTF_EXT_LINE_INFO, h.line_info_off, h.line_info_len,
				h.hdr_len);
	if (!err)
		err = parse_sub(ext, EBPFC__BTF_EXT_CORE_RELO, h.core_relo_off, h.core_relo_len,
				h.hdr_len);
	if (err) {
		ebpfc__btf_ext_destroy(ext);
		return err;
	}
	*out = ext;
	return 0;
}

uint32_t ebpfc__btf_ext_sec_cnt(const struct ebpfc__btf_ext *ext, enum ebpfc__btf_ext_kind kind)
{
	if (!ext || (unsigned int)kind >= EBPFC__BTF_EXT_KIND_CNT)
		return 0;
	return ext->sub[kind].nr_secs;
}

const struct ebpfc__btf_ext_sec *ebpfc__btf_ext_sec(const struct ebpfc__btf_ext *ext,
						    enum ebpfc__btf_ext_kind kind, uint32_t idx)
{
	if (idx >= ebpfc__btf_ext_sec_cnt(ext, kind))
		return NULL;
	return &ext->sub[kind].secs[idx];
}

int ebpfc__btf_ext_find(const struct ebpfc__btf_ext *ext, enum ebpfc__btf_ext_kind kind,
			const char *sec_name, const struct ebpfc__btf_ext_sec **sec)
{
	uint32_t i, n = ebpfc__btf_ext_sec_cnt(ext, kind);

	if (!ext || !sec_name || !sec || (unsigned int)kind >= EBPFC__BTF_EXT_KIND_CNT)
		return ebpfc__err(EINVAL, "ebpfc__btf_ext_find: bad argument");
	for (i = 0; i < n; i++) {
		if (!strcmp(ext->sub[kind].secs[i].sec_name, sec_name)) {
			*sec = &ext->sub[kind].secs[i];
			return 0;
		}
	}
	return ebpfc__err(ENOENT, "%s.ext: no %s for section '%s'", ebpfc__btf_what(ext->btf),
			  sub_desc[kind].name, sec_name);
}
