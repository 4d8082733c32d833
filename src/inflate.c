/*
 * inflate.c - DEFLATE (RFC 1951) decoding, with the gzip (RFC 1952) and
 * zlib (RFC 1950) framings around it, CRC-32 and Adler-32. Used for
 * /proc/config.gz and compressed ELF sections; there is no compressor.
 *
 * One shot: the whole input is in memory and the output is one growing
 * buffer that is also the history window, so back-references are checked
 * against what has been written (never against a separate window).
 * Huffman codes decode through a table indexed by the next ROOT bits;
 * codes longer than that (rare by construction) fall back to a canonical
 * walk over the code-length counts. The bit buffer is 64 bits wide and is
 * refilled once per symbol, which is enough for a length, a distance and
 * their extra bits. Reads past the end of the input see zero bits and
 * count them; a symbol that used any of them is a truncation error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"

/* ---- checksums ----------------------------------------------------------- */

/* CRC-32 of one byte value, polynomial 0xedb88320 (reflected). */
static const uint32_t crc_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f,
	0xe963a535, 0x9e6495a3, 0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91, 0x1db71064, 0x6ab020f2,
	0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9,
	0xfa0f3d63, 0x8d080df5, 0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b, 0x35b5a8fa, 0x42b2986c,
	0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423,
	0xcfba9599, 0xb8bda50f, 0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d, 0x76dc4190, 0x01db7106,
	0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d,
	0x91646c97, 0xe6635c01, 0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457, 0x65b0d9c6, 0x12b7e950,
	0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7,
	0xa4d1c46d, 0xd3d6f4fb, 0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9, 0x5005713c, 0x270241aa,
	0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81,
	0xb7bd5c3b, 0xc0ba6cad, 0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683, 0xe3630b12, 0x94643b84,
	0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb,
	0x196c3671, 0x6e6b06e7, 0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5, 0xd6d6a3e8, 0xa1d1937e,
	0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55,
	0x316e8eef, 0x4669be79, 0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f, 0xc5ba3bbe, 0xb2bd0b28,
	0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f,
	0x72076785, 0x05005713, 0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21, 0x86d3d2d4, 0xf1d4e242,
	0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69,
	0x616bffd3, 0x166ccf45, 0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db, 0xaed16a4a, 0xd9d65adc,
	0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693,
	0x54de5729, 0x23d967bf, 0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

uint32_t ebpfc__crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	crc = ~crc;
	if (len >= 4096) {
		/*
		 * Slicing by 8: t[k][b] is the CRC of byte b followed by k zero
		 * bytes. Built here (7 KiB, a microsecond) rather than kept as
		 * global state; worth it only for long buffers.
		 */
		uint32_t t[8][256];
		unsigned k, b;

		memcpy(t[0], crc_table, sizeof(crc_table));
		for (k = 1; k < 8; k++)
			for (b = 0; b < 256; b++)
				t[k][b] = (t[k - 1][b] >> 8) ^ crc_table[t[k - 1][b] & 0xff];
		while (len >= 8) {
			uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
					     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
			uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
				      (uint32_t)p[7] << 24;

			crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^
			      t[4][lo >> 24] ^ t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^
			      t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
			p += 8;
			len -= 8;
		}
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xff];
	return ~crc;
}

#define ADLER_MOD 65521u
/* The most bytes whose sums cannot overflow 32 bits before a reduction. */
#define ADLER_RUN 5552

uint32_t ebpfc__adler32(uint32_t adler, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t a = adler & 0xffff, b = adler >> 16;

	while (len) {
		size_t n = len < ADLER_RUN ? len : ADLER_RUN;

		len -= n;
		while (n--) {
			a += *p++;
			b += a;
		}
		a %= ADLER_MOD;
		b %= ADLER_MOD;
	}
	return b << 16 | a;
}

int ebpfc__is_gzip(const void *in, size_t in_len)
{
	const unsigned char *p = in;

	return in_len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

/* ---- Huffman tables ------------------------------------------------------ */

#define MAX_BITS 15	/* longest code DEFLATE allows */
#define LIT_SYMS 288	/* literal/length alphabet, 286 and 287 unused */
#define DIST_SYMS 32	/* distance alphabet, 30 and 31 unused */
#define CLEN_SYMS 19	/* code-length alphabet */
#define LIT_ROOT 10
#define DIST_ROOT 8
#define CLEN_ROOT 7

/*
 * A table entry, and what a symbol decodes to:
 *   bits 0-3   code length; 0 means "not resolved by the root table"
 *   bits 4-7   number of extra bits after the code
 *   bits 8-9   kind, below
 *   bits 16-31 literal byte, length or distance base, or the symbol itself
 * An entry of 0 from the slow path means no code matches.
 */
enum { K_LIT = 0, K_BASE = 1, K_EOB = 2, K_BAD = 3 };
#define E_LEN(e) ((e) & 15)
#define E_EXTRA(e) (((e) >> 4) & 15)
#define E_KIND(e) (((e) >> 8) & 3)
#define E_VAL(e) ((e) >> 16)
#define ENTRY(kind, extra, val) ((uint32_t)(val) << 16 | (uint32_t)(kind) << 8 | (uint32_t)(extra) << 4)

enum huff_type { T_CLEN, T_LIT, T_DIST };

struct huff {
	uint16_t count[MAX_BITS + 1];	/* codes of each length */
	uint16_t sorted[LIT_SYMS];	/* symbols in canonical code order */
	uint32_t symval[LIT_SYMS];	/* entry (without length) per symbol */
	unsigned root;
	uint32_t fast[1u << LIT_ROOT];	/* first 1 << root entries used */
};

/* RFC 1951 3.2.5: lengths 3..258 (symbols 257..285), distances 1..32768. */
static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
	193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
	6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};
/* The order code-length code lengths are sent in (3.2.7). */
static const uint8_t clen_order[CLEN_SYMS] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
};

static uint32_t symbol_entry(enum huff_type type, unsigned sym)
{
	switch (type) {
	case T_CLEN:
		return ENTRY(K_LIT, 0, sym);
	case T_LIT:
		if (sym < 256)
			return ENTRY(K_LIT, 0, sym);
		if (sym == 256)
			return ENTRY(K_EOB, 0, 0);
		if (sym < 286)
			return ENTRY(K_BASE, len_extra[sym - 257], len_base[sym - 257]);
		return ENTRY(K_BAD, 0, sym);
	case T_DIST:
		if (sym < 30)
			return ENTRY(K_BASE, dist_extra[sym], dist_base[sym]);
		return ENTRY(K_BAD, 0, sym);
	}
	return 0;
}

/*
 * Build the canonical code for lens[0..n). Returns NULL or what is wrong
 * with the lengths. A code must be complete, except that a distance code
 * may be empty (a block of literals only) and a literal/length or
 * distance code may be a single code of one bit, as zlib writes them.
 */
static const char *huff_build(struct huff *h, const uint8_t *lens, unsigned n, enum huff_type type)
{
	uint16_t offs[MAX_BITS + 2];
	unsigned len, sym, used = 0, k, code;
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (sym = 0; sym < n; sym++)
		h->count[lens[sym]]++;
	h->count[0] = 0;
	for (len = 1; len <= MAX_BITS; len++) {
		left = left * 2 - h->count[len];
		used += h->count[len];
		if (left < 0)
			return "over-subscribed (more codes than lengths allow)";
	}
	if (left > 0) {
		if (used == 0 && type == T_DIST)
			;
		else if (used == 1 && h->count[1] == 1 && type != T_CLEN)
			;
		else if (used == 0)
			return "empty (every length is zero)";
		else
			return "incomplete (unused bit patterns)";
	}

	offs[1] = 0;
	for (len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = offs[len] + h->count[len];
	for (sym = 0; sym < n; sym++) {
		if (lens[sym]) {
			h->sorted[offs[lens[sym]]++] = sym;
			h->symval[sym] = symbol_entry(type, sym);
		}
	}

	h->root = type == T_LIT ? LIT_ROOT : type == T_DIST ? DIST_ROOT : CLEN_ROOT;
	memset(h->fast, 0, sizeof(h->fast[0]) << h->root);
	code = 0;
	k = 0;
	for (len = 1; len <= h->root; len++) {
		unsigned i;

		for (i = 0; i < h->count[len]; i++, code++) {
			uint32_t e = h->symval[h->sorted[k++]] | len;
			unsigned rev = 0, b, idx;

			/* Codes are sent most significant bit first; the table
			 * is indexed by the bits in arrival order. */
			for (b = 0; b < len; b++)
				rev |= ((code >> b) & 1) << (len - 1 - b);
			for (idx = rev; idx < (1u << h->root); idx += 1u << len)
				h->fast[idx] = e;
		}
		code <<= 1;
	}
	return NULL;
}

/* Decode a code longer than the root table resolves; 0 if none matches. */
static uint32_t huff_slow(const struct huff *h, uint64_t bits)
{
	unsigned len, code = 0, first = 0, index = 0;

	for (len = 1; len <= MAX_BITS; len++) {
		unsigned cnt = h->count[len];

		code |= bits & 1;
		bits >>= 1;
		/* code >= first always holds here; the difference is unsigned. */
		if (code - first < cnt)
			return h->symval[h->sorted[index + code - first]] | len;
		index += cnt;
		first = (first + cnt) << 1;
		code <<= 1;
	}
	return 0;
}

/* ---- the decoder --------------------------------------------------------- */

struct inflater {
	const uint8_t *in;
	size_t in_len;
	size_t pos;		/* next input byte to load into bitbuf */
	uint64_t bitbuf;	/* unconsumed bits, next bit lowest */
	unsigned bitcnt;	/* valid bits in bitbuf */
	unsigned padbits;	/* of those, zero bits loaded past the end */

	uint8_t *out;
	size_t out_len;
	size_t out_cap;		/* allocated is out_cap + 1, for a NUL */
	size_t max_out;
	size_t start;		/* where this stream's output starts */

	char what[48];		/* "gzip member 2" for messages */
	unsigned block;		/* 1-based, for messages */
	int fixed_loaded;	/* lit/dist hold the fixed code */
	struct huff lit, dist, clen;
};

/* The input byte the bit reader is in, for messages. */
static size_t in_offset(const struct inflater *s)
{
	unsigned real = s->bitcnt > s->padbits ? s->bitcnt - s->padbits : 0;

	return s->pos - real / 8;
}

static int corrupt(const struct inflater *s, const char *fmt, ...) EBPFC__PRINTF(2, 3);
static int corrupt(const struct inflater *s, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (s->block)
		return ebpfc__err(EINVAL, "%s: block %u, input byte %zu: %s", s->what, s->block,
				  in_offset(s), why);
	return ebpfc__err(EINVAL, "%s, input byte %zu: %s", s->what, in_offset(s), why);
}

static int truncated(const struct inflater *s)
{
	return ebpfc__err(EINVAL, "%s: block %u: input ends inside the block (%zu bytes, truncated?)",
			  s->what, s->block, s->in_len);
}

/* Make room for `need` more output bytes, doubling up to max_out. */
static int out_reserve(struct inflater *s, size_t need)
{
	size_t cap = s->out_cap;
	uint8_t *p;

	if (need <= s->out_cap - s->out_len)
		return 0;
	if (need > s->max_out - s->out_len)
		return ebpfc__err(EFBIG, "%s: output exceeds the limit of %zu bytes "
				  "(decompression bomb?)", s->what, s->max_out);
	if (cap < 4096)
		cap = 4096;
	while (cap - s->out_len < need && cap < s->max_out)
		cap = cap > s->max_out / 2 ? s->max_out : cap * 2;
	if (cap > s->max_out)
		cap = s->max_out;
	p = realloc(s->out, cap + 1);
	if (!p)
		return ebpfc__err(ENOMEM, "%s: out of memory for %zu bytes of output", s->what, cap);
	s->out = p;
	s->out_cap = cap;
	return 0;
}

/* Top the bit buffer up to at least 56 bits (zeros past the end). */
static inline void refill(struct inflater *s)
{
	while (s->bitcnt <= 56) {
		if (s->pos < s->in_len)
			s->bitbuf |= (uint64_t)s->in[s->pos++] << s->bitcnt;
		else
			s->padbits += 8;
		s->bitcnt += 8;
	}
}

/* Take n <= 32 bits; -1 if that ran past the end of the input. */
static inline int64_t getbits(struct inflater *s, unsigned n)
{
	uint32_t v;

	if (s->bitcnt < n)
		refill(s);
	v = (uint32_t)(s->bitbuf & ((1ull << n) - 1));
	s->bitbuf >>= n;
	s->bitcnt -= n;
	if (s->bitcnt < s->padbits)
		return -1;
	return v;
}

static int stored_block(struct inflater *s)
{
	const uint8_t *p;
	unsigned len, nlen;
	int err;

	/* To the byte boundary, then hand whole bytes back to the input. */
	s->bitcnt -= s->bitcnt & 7;
	if (s->bitcnt < s->padbits)
		return truncated(s);
	s->pos -= (s->bitcnt - s->padbits) / 8;
	s->bitbuf = 0;
	s->bitcnt = s->padbits = 0;

	if (s->in_len - s->pos < 4)
		return truncated(s);
	p = s->in + s->pos;
	len = p[0] | p[1] << 8;
	nlen = p[2] | p[3] << 8;
	if (len != (~nlen & 0xffff))
		return corrupt(s, "stored block length %u does not match its complement %u",
			       len, nlen);
	s->pos += 4;
	if (s->in_len - s->pos < len)
		return truncated(s);
	err = out_reserve(s, len);
	if (err)
		return err;
	if (len)
		memcpy(s->out + s->out_len, s->in + s->pos, len);
	s->out_len += len;
	s->pos += len;
	return 0;
}

static int fixed_tables(struct inflater *s)
{
	uint8_t lens[LIT_SYMS];

	if (s->fixed_loaded)
		return 0;
	memset(lens, 8, 144);
	memset(lens + 144, 9, 112);
	memset(lens + 256, 7, 24);
	memset(lens + 280, 8, 8);
	huff_build(&s->lit, lens, LIT_SYMS, T_LIT);
	memset(lens, 5, DIST_SYMS);
	huff_build(&s->dist, lens, DIST_SYMS, T_DIST);
	s->fixed_loaded = 1;
	return 0;
}

static int dynamic_tables(struct inflater *s)
{
	uint8_t lens[LIT_SYMS + DIST_SYMS];
	int64_t hlit, hdist, hclen, v;
	unsigned i, total;
	const char *why;

	s->fixed_loaded = 0;
	hlit = getbits(s, 5);
	hdist = getbits(s, 5);
	hclen = getbits(s, 4);
	if (hclen < 0)
		return truncated(s);
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286)
		return corrupt(s, "HLIT says %u literal/length codes, at most 286 exist",
			       (unsigned)hlit);
	if (hdist > 30)
		return corrupt(s, "HDIST says %u distance codes, at most 30 exist", (unsigned)hdist);

	memset(lens, 0, CLEN_SYMS);
	for (i = 0; i < hclen; i++) {
		v = getbits(s, 3);
		if (v < 0)
			return truncated(s);
		lens[clen_order[i]] = (uint8_t)v;
	}
	why = huff_build(&s->clen, lens, CLEN_SYMS, T_CLEN);
	if (why)
		return corrupt(s, "code-length code is %s", why);

	total = (unsigned)(hlit + hdist);
	for (i = 0; i < total;) {
		unsigned sym, rep, val;
		uint32_t e;

		if (s->bitcnt < 16)
			refill(s);
		/* Complete and no longer than the root: the table has every code. */
		e = s->clen.fast[s->bitbuf & ((1u << CLEN_ROOT) - 1)];
		s->bitbuf >>= E_LEN(e);
		s->bitcnt -= E_LEN(e);
		if (s->bitcnt < s->padbits)
			return truncated(s);
		sym = E_VAL(e);
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return corrupt(s, "code length 16 (repeat the previous) comes first");
			val = lens[i - 1];
			v = getbits(s, 2);
			rep = 3 + (unsigned)v;
		} else if (sym == 17) {
			val = 0;
			v = getbits(s, 3);
			rep = 3 + (unsigned)v;
		} else {
			val = 0;
			v = getbits(s, 7);
			rep = 11 + (unsigned)v;
		}
		if (v < 0)
			return truncated(s);
		if (rep > total - i)
			return corrupt(s, "code-length repeat of %u runs past the %u lengths", rep,
				       total);
		memset(lens + i, (int)val, rep);
		i += rep;
	}
	if (!lens[256])
		return corrupt(s, "literal/length code has no end-of-block code");
	why = huff_build(&s->lit, lens, (unsigned)hlit, T_LIT);
	if (why)
		return corrupt(s, "literal/length code is %s", why);
	why = huff_build(&s->dist, lens + hlit, (unsigned)hdist, T_DIST);
	if (why)
		return corrupt(s, "distance code is %s", why);
	return 0;
}

/* Copy a match of len bytes from dist back; the pattern may overlap. */
static inline void copy_match(uint8_t *dst, size_t dist, size_t len)
{
	const uint8_t *src = dst - dist;

	if (dist >= len) {
		memcpy(dst, src, len);
		return;
	}
	if (dist == 1) {
		memset(dst, *src, len);
		return;
	}
	/* [src, dst) repeats with period dist, so each copy may double. */
	while (len) {
		size_t n = (size_t)(dst - src);

		if (n > len)
			n = len;
		memcpy(dst, src, n);
		dst += n;
		len -= n;
	}
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * Decode one block's symbols with the current tables. The state lives in
 * locals here: stores to the output would otherwise make the compiler
 * reload the bit buffer from memory after each byte.
 */
static int inflate_codes(struct inflater *s)
{
	const uint8_t *in = s->in;
	const size_t in_len = s->in_len;
	const uint32_t *lfast = s->lit.fast, *dfast = s->dist.fast;
	const uint64_t lmask = (1u << s->lit.root) - 1, dmask = (1u << s->dist.root) - 1;
	size_t pos = s->pos, olen = s->out_len, ocap = s->out_cap;
	uint64_t bb = s->bitbuf;
	unsigned bc = s->bitcnt, pad = s->padbits;
	uint8_t *out = s->out;
	int err = 0;

#define SAVE()                         \
	do {                           \
		s->pos = pos;          \
		s->bitbuf = bb;        \
		s->bitcnt = bc;        \
		s->padbits = pad;      \
		s->out_len = olen;     \
	} while (0)

	for (;;) {
		uint32_t e;
		unsigned n, len, dist;

		/* At least 56 bits: a length, a distance and their extras. */
		if (bc < 56) {
			if (in_len - pos >= 8) {
				/* Bytes past the ones counted land above bc and
				 * are loaded again, identically, next time. */
				bb |= load_le64(in + pos) << bc;
				pos += (63 - bc) >> 3;
				bc |= 56;
			} else {
				while (bc <= 56) {
					if (pos < in_len)
						bb |= (uint64_t)in[pos++] << bc;
					else
						pad += 8;
					bc += 8;
				}
			}
		}

		e = lfast[bb & lmask];
		if (!E_LEN(e)) {
			e = huff_slow(&s->lit, bb);
			if (!e) {
				/* Zero bits from past the end may be why. */
				if (bc < pad + MAX_BITS)
					goto trunc;
				SAVE();
				err = corrupt(s, "invalid literal/length code");
				goto out;
			}
		}
		n = E_LEN(e);
		bb >>= n;
		bc -= n;

		if (E_KIND(e) == K_LIT) {
			if (olen == ocap) {
				SAVE();
				err = out_reserve(s, 1);
				if (err)
					goto out;
				out = s->out;
				ocap = s->out_cap;
			}
			out[olen++] = (uint8_t)E_VAL(e);
			if (bc < pad)
				goto trunc;
			continue;
		}
		if (E_KIND(e) == K_EOB) {
			if (bc < pad)
				goto trunc;
			SAVE();
			goto out;
		}
		if (E_KIND(e) == K_BAD) {
			SAVE();
			err = corrupt(s, "literal/length symbol %u is reserved", E_VAL(e));
			goto out;
		}
		n = E_EXTRA(e);
		len = E_VAL(e) + (unsigned)(bb & ((1u << n) - 1));
		bb >>= n;
		bc -= n;

		e = dfast[bb & dmask];
		if (!E_LEN(e)) {
			e = huff_slow(&s->dist, bb);
			if (!e) {
				if (bc < pad + MAX_BITS)
					goto trunc;
				SAVE();
				err = corrupt(s, "invalid distance code");
				goto out;
			}
		}
		n = E_LEN(e);
		bb >>= n;
		bc -= n;
		if (E_KIND(e) == K_BAD) {
			if (bc < pad)
				goto trunc;
			SAVE();
			err = corrupt(s, "distance symbol %u is reserved", E_VAL(e));
			goto out;
		}
		n = E_EXTRA(e);
		dist = E_VAL(e) + (unsigned)(bb & ((1u << n) - 1));
		bb >>= n;
		bc -= n;
		if (bc < pad)
			goto trunc;
		if (dist > olen - s->start) {
			SAVE();
			err = corrupt(s, "distance %u reaches before the start of the output "
				      "(%zu bytes so far)", dist, olen - s->start);
			goto out;
		}
		if (len > ocap - olen) {
			SAVE();
			err = out_reserve(s, len);
			if (err)
				goto out;
			out = s->out;
			ocap = s->out_cap;
		}
		copy_match(out + olen, dist, len);
		olen += len;
	}
trunc:
	SAVE();
	err = truncated(s);
out:
	return err;
#undef SAVE
}

/*
 * Decode one DEFLATE stream starting at input byte s->pos, appending to
 * the output. On success s->pos is just past the stream's last byte.
 */
static int inflate_stream(struct inflater *s)
{
	int64_t hdr;
	int err, final;

	s->bitbuf = 0;
	s->bitcnt = s->padbits = 0;
	s->start = s->out_len;
	s->block = 0;
	s->fixed_loaded = 0;
	do {
		s->block++;
		hdr = getbits(s, 3);
		if (hdr < 0)
			return truncated(s);
		final = hdr & 1;
		switch (hdr >> 1) {
		case 0:
			err = stored_block(s);
			break;
		case 1:
			err = fixed_tables(s);
			if (!err)
				err = inflate_codes(s);
			break;
		case 2:
			err = dynamic_tables(s);
			if (!err)
				err = inflate_codes(s);
			break;
		default:
			err = corrupt(s, "block type 3 is reserved");
			break;
		}
		if (err)
			return err;
	} while (!final);

	/* Hand back the whole bytes still in the bit buffer. */
	s->pos -= (s->bitcnt - s->padbits) / 8;
	s->bitbuf = 0;
	s->bitcnt = s->padbits = 0;
	s->block = 0;
	return 0;
}

static int inflater_new(struct inflater **sp, const void *in, size_t in_len, size_t max_out,
			size_t guess, const char *what)
{
	struct inflater *s = calloc(1, sizeof(*s));

	*sp = NULL;
	if (!s)
		return ebpfc__err(ENOMEM, "%s: out of memory", what);
	s->in = in;
	s->in_len = in ? in_len : 0;
	s->max_out = max_out < SIZE_MAX / 2 ? max_out : SIZE_MAX / 2;
	ebpfc__strlcpy(s->what, what, sizeof(s->what));
	if (guess > s->max_out)
		guess = s->max_out;
	s->out = malloc(guess + 1);
	if (!s->out) {
		free(s);
		return ebpfc__err(ENOMEM, "%s: out of memory for %zu bytes of output", what, guess);
	}
	s->out_cap = guess;
	*sp = s;
	return 0;
}

/* Hand the output to the caller (or free it), and the inflater. */
static int inflater_done(struct inflater *s, int err, void **out, size_t *out_len)
{
	if (err) {
		free(s->out);
	} else {
		s->out[s->out_len] = 0;
		*out = s->out;
		if (out_len)
			*out_len = s->out_len;
	}
	free(s);
	return err;
}

/* A first output allocation: DEFLATE rarely shrinks data more than 4:1. */
static size_t guess_size(size_t in_len)
{
	return in_len < 1024 ? 4096 : in_len < SIZE_MAX / 4 ? in_len * 4 : SIZE_MAX / 2;
}

int ebpfc__inflate_raw(const void *in, size_t in_len, void **out, size_t *out_len,
		       size_t max_out, size_t *consumed)
{
	struct inflater *s;
	int err;

	*out = NULL;
	err = inflater_new(&s, in, in_len, max_out, guess_size(in_len), "deflate data");
	if (err)
		return err;
	err = inflate_stream(s);
	if (!err && consumed)
		*consumed = s->pos;
	return inflater_done(s, err, out, out_len);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* gzip header flags (RFC 1952 2.3.1). */
#define GZ_FTEXT 0x01
#define GZ_FHCRC 0x02
#define GZ_FEXTRA 0x04
#define GZ_FNAME 0x08
#define GZ_FCOMMENT 0x10
#define GZ_RESERVED 0xe0

/* Parse a member header at s->pos; on success s->pos is at its data. */
static int gzip_header(struct inflater *s)
{
	const uint8_t *in = s->in, *nul;
	size_t start = s->pos, p = s->pos, left = s->in_len - s->pos;
	unsigned flg;

	if (left < 10)
		return corrupt(s, "header truncated (%zu of at least 10 bytes)", left);
	if (in[p] != 0x1f || in[p + 1] != 0x8b)
		return corrupt(s, "not gzip data (magic %02x %02x, want 1f 8b)", in[p], in[p + 1]);
	if (in[p + 2] != 8)
		return corrupt(s, "compression method %u, only 8 (deflate) exists", in[p + 2]);
	flg = in[p + 3];
	if (flg & GZ_RESERVED)
		return corrupt(s, "reserved header flags 0x%02x are set", flg & GZ_RESERVED);
	p += 10;
	if (flg & GZ_FEXTRA) {
		size_t xlen;

		if (s->in_len - p < 2)
			return corrupt(s, "header truncated in the FEXTRA length");
		xlen = in[p] | in[p + 1] << 8;
		p += 2;
		if (s->in_len - p < xlen)
			return corrupt(s, "FEXTRA field of %zu bytes runs past the end of the input",
				       xlen);
		p += xlen;
	}
	if (flg & GZ_FNAME) {
		nul = memchr(in + p, 0, s->in_len - p);
		if (!nul)
			return corrupt(s, "FNAME file name runs past the end of the input");
		p = (size_t)(nul - in) + 1;
	}
	if (flg & GZ_FCOMMENT) {
		nul = memchr(in + p, 0, s->in_len - p);
		if (!nul)
			return corrupt(s, "FCOMMENT comment runs past the end of the input");
		p = (size_t)(nul - in) + 1;
	}
	if (flg & GZ_FHCRC) {
		unsigned want, have;

		if (s->in_len - p < 2)
			return corrupt(s, "header truncated in the FHCRC header CRC");
		want = in[p] | in[p + 1] << 8;
		have = ebpfc__crc32(0, in + start, p - start) & 0xffff;
		if (want != have)
			return corrupt(s, "header CRC mismatch: header says %04x, header has %04x",
				       want, have);
		p += 2;
	}
	s->pos = p;
	return 0;
}

int ebpfc__gunzip(const void *in, size_t in_len, void **out, size_t *out_len, size_t max_out)
{
	const uint8_t *b = in;
	struct inflater *s;
	size_t guess = guess_size(in_len);
	unsigned member;
	int err = 0;

	*out = NULL;
	if (!in || in_len == 0)
		return ebpfc__err(EINVAL, "gzip data: empty input");
	/* The last member's ISIZE is usually the whole size. It is only a
	 * hint, from the input's last bytes: taken up to a 32:1 ratio, past
	 * which the buffer grows as the data proves it needs to. */
	if (in_len >= 18) {
		size_t isize = le32(b + in_len - 4);

		guess = in_len < SIZE_MAX / 64 ? in_len * 32 : SIZE_MAX / 2;
		if (isize < guess)
			guess = isize;
	}
	err = inflater_new(&s, in, in_len, max_out, guess, "gzip member 1");
	if (err)
		return err;

	for (member = 1; s->pos < in_len; member++) {
		uint32_t want_crc, have_crc, want_size;
		size_t i;

		snprintf(s->what, sizeof(s->what), "gzip member %u", member);
		if (member > 1 && b[s->pos] != 0x1f) {
			/* Zero padding after the last member is common (tapes);
			 * anything else is not gzip data. */
			for (i = s->pos; i < in_len && !b[i]; i++)
				;
			if (i == in_len)
				break;
			err = ebpfc__err(EINVAL, "gzip data: %zu bytes of trailing garbage at byte %zu "
					 "after member %u", in_len - s->pos, s->pos, member - 1);
			break;
		}
		err = gzip_header(s);
		if (err)
			break;
		err = inflate_stream(s);
		if (err)
			break;
		if (in_len - s->pos < 8) {
			err = corrupt(s, "input ends before the CRC-32 and size trailer (truncated?)");
			break;
		}
		want_crc = le32(b + s->pos);
		want_size = le32(b + s->pos + 4);
		have_crc = ebpfc__crc32(0, s->out + s->start, s->out_len - s->start);
		if (want_crc != have_crc) {
			err = corrupt(s, "CRC-32 mismatch: trailer says %08x, data has %08x",
				      want_crc, have_crc);
			break;
		}
		if (want_size != (uint32_t)(s->out_len - s->start)) {
			err = corrupt(s, "size mismatch: trailer says %u bytes (mod 2^32), "
				      "data has %zu", want_size, s->out_len - s->start);
			break;
		}
		s->pos += 8;
	}
	return inflater_done(s, err, out, out_len);
}

int ebpfc__zlib_uncompress(const void *in, size_t in_len, void **out, size_t *out_len,
			   size_t max_out)
{
	const uint8_t *b = in;
	struct inflater *s;
	uint32_t want, have;
	int err;

	*out = NULL;
	if (!in || in_len < 2)
		return ebpfc__err(EINVAL, "zlib data: header truncated (%zu of 2 bytes)",
				  in ? in_len : 0);
	if ((b[0] & 15) != 8)
		return ebpfc__err(EINVAL, "zlib data: compression method %u, only 8 (deflate) is "
				  "known", b[0] & 15);
	if ((b[0] >> 4) > 7)
		return ebpfc__err(EINVAL, "zlib data: window size 2^%u is over the 32 KiB maximum",
				  (b[0] >> 4) + 8);
	if ((b[0] << 8 | b[1]) % 31)
		return ebpfc__err(EINVAL, "zlib data: header check bits are wrong (%02x %02x)", b[0],
				  b[1]);
	if (b[1] & 0x20)
		return ebpfc__err(EINVAL, "zlib data: needs a preset dictionary, which is not "
				  "supported");
	err = inflater_new(&s, in, in_len, max_out, guess_size(in_len), "zlib data");
	if (err)
		return err;
	s->pos = 2;
	err = inflate_stream(s);
	if (err)
		goto done;
	if (in_len - s->pos < 4) {
		err = corrupt(s, "input ends before the Adler-32 trailer (truncated?)");
		goto done;
	}
	want = (uint32_t)b[s->pos] << 24 | (uint32_t)b[s->pos + 1] << 16 |
	       (uint32_t)b[s->pos + 2] << 8 | b[s->pos + 3];
	have = ebpfc__adler32(1, s->out, s->out_len);
	if (want != have) {
		err = corrupt(s, "Adler-32 mismatch: trailer says %08x, data has %08x", want, have);
		goto done;
	}
	s->pos += 4;
	if (s->pos != in_len)
		err = corrupt(s, "%zu bytes after the end of the zlib stream", in_len - s->pos);
done:
	return inflater_done(s, err, out, out_len);
}
