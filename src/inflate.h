/*
 * inflate.h - a one-shot DEFLATE decoder (RFC 1951) with gzip (RFC 1952)
 * and zlib (RFC 1950) framing, for /proc/config.gz and compressed ELF
 * sections. Internal; nothing here is API.
 *
 * The whole input is in memory and the whole output goes to one malloc'd
 * buffer, which doubles as the history window. Input is hostile until
 * proven otherwise: every failure is -EINVAL with a message saying what
 * is wrong and at which input byte; output beyond max_out is -EFBIG.
 * Not a streaming decoder, and there is no compressor.
 */
#ifndef EBPFC_INFLATE_H
#define EBPFC_INFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/*
 * Decompress a gzip file: one or more members back to back (trailing zero
 * bytes are tolerated, other trailing bytes are not), each checked against
 * its CRC-32 and ISIZE, and its header CRC when FHCRC is set. On success
 * *out is a malloc'd buffer (owned by the caller, one spare byte past
 * *out_len holds a NUL so text can be used in place) of *out_len bytes.
 * Returns 0, -EINVAL (corrupt or truncated input), -EFBIG (the output
 * would exceed max_out bytes) or -ENOMEM; on failure *out is NULL.
 */
EBPFC__HIDDEN int ebpfc__gunzip(const void *in, size_t in_len, void **out, size_t *out_len,
				size_t max_out);

/*
 * Decompress one zlib stream (as in SHF_COMPRESSED ELF sections with
 * ELFCOMPRESS_ZLIB), checked against its Adler-32; a preset dictionary is
 * refused and so are bytes after the stream. Returns and owns as above.
 */
EBPFC__HIDDEN int ebpfc__zlib_uncompress(const void *in, size_t in_len, void **out,
					 size_t *out_len, size_t max_out);

/*
 * Decompress raw DEFLATE data (no framing). *consumed (if not NULL) is
 * set to the number of input bytes the stream used, its last byte
 * included; bytes after it are not looked at. Returns and owns as above.
 */
EBPFC__HIDDEN int ebpfc__inflate_raw(const void *in, size_t in_len, void **out, size_t *out_len,
				     size_t max_out, size_t *consumed);

/* Does the buffer start like gzip data (1f 8b 08)? */
EBPFC__HIDDEN int ebpfc__is_gzip(const void *in, size_t in_len);

/*
 * The CRC-32 of gzip and PNG (reflected 0xedb88320), continued from crc:
 * pass 0 to start. And Adler-32 as in zlib streams: pass 1 to start.
 */
EBPFC__HIDDEN uint32_t ebpfc__crc32(uint32_t crc, const void *buf, size_t len);
EBPFC__HIDDEN uint32_t ebpfc__adler32(uint32_t adler, const void *buf, size_t len);

#endif /* EBPFC_INFLATE_H */
