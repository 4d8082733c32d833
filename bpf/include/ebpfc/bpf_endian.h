/*
 * ebpfc/bpf_endian.h - byte-order conversion for BPF C programs.
 *
 * bpf_htons()/bpf_ntohs()/bpf_htonl()/bpf_ntohl()/bpf_cpu_to_be64()/
 * bpf_be64_to_cpu() convert between host and network order.  A constant
 * argument is folded by the preprocessor-level swap, so the result is an
 * integer constant expression usable in `case bpf_htons(ETH_P_IP):`; any
 * other argument becomes one BPF byte-swap instruction.  The __bpf_ names
 * (__bpf_htons, __bpf_constant_htons, ...) are the two halves, spelled as in
 * libbpf so that programs written for it compile unchanged.
 *
 * Needs no other header: the casts are to plain C types, so this works after
 * linux/types.h and after vmlinux.h alike.  Not for user space code.
 */
#ifndef EBPFC_BPF_ENDIAN_H
#define EBPFC_BPF_ENDIAN_H

/* Swaps written out, so that they fold in constant expressions. */
#define ___ebpfc_swab16(x) ((unsigned short)(				\
	(((unsigned short)(x) & (unsigned short)0x00ffU) << 8) |	\
	(((unsigned short)(x) & (unsigned short)0xff00U) >> 8)))

#define ___ebpfc_swab32(x) ((unsigned int)(				\
	(((unsigned int)(x) & 0x000000ffU) << 24) |			\
	(((unsigned int)(x) & 0x0000ff00U) <<  8) |			\
	(((unsigned int)(x) & 0x00ff0000U) >>  8) |			\
	(((unsigned int)(x) & 0xff000000U) >> 24)))

#define ___ebpfc_swab64(x) ((unsigned long long)(			\
	(((unsigned long long)(x) & 0x00000000000000ffULL) << 56) |	\
	(((unsigned long long)(x) & 0x000000000000ff00ULL) << 40) |	\
	(((unsigned long long)(x) & 0x0000000000ff0000ULL) << 24) |	\
	(((unsigned long long)(x) & 0x00000000ff000000ULL) <<  8) |	\
	(((unsigned long long)(x) & 0x000000ff00000000ULL) >>  8) |	\
	(((unsigned long long)(x) & 0x0000ff0000000000ULL) >> 24) |	\
	(((unsigned long long)(x) & 0x00ff000000000000ULL) >> 40) |	\
	(((unsigned long long)(x) & 0xff00000000000000ULL) >> 56)))

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
# define __bpf_ntohs(x)			__builtin_bswap16(x)
# define __bpf_htons(x)			__builtin_bswap16(x)
# define __bpf_constant_ntohs(x)	___ebpfc_swab16(x)
# define __bpf_constant_htons(x)	___ebpfc_swab16(x)
# define __bpf_ntohl(x)			__builtin_bswap32(x)
# define __bpf_htonl(x)			__builtin_bswap32(x)
# define __bpf_constant_ntohl(x)	___ebpfc_swab32(x)
# define __bpf_constant_htonl(x)	___ebpfc_swab32(x)
# define __bpf_be64_to_cpu(x)		__builtin_bswap64(x)
# define __bpf_cpu_to_be64(x)		__builtin_bswap64(x)
# define __bpf_constant_be64_to_cpu(x)	___ebpfc_swab64(x)
# define __bpf_constant_cpu_to_be64(x)	___ebpfc_swab64(x)
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
# define __bpf_ntohs(x)			((unsigned short)(x))
# define __bpf_htons(x)			((unsigned short)(x))
# define __bpf_constant_ntohs(x)	((unsigned short)(x))
# define __bpf_constant_htons(x)	((unsigned short)(x))
# define __bpf_ntohl(x)			((unsigned int)(x))
# define __bpf_htonl(x)			((unsigned int)(x))
# define __bpf_constant_ntohl(x)	((unsigned int)(x))
# define __bpf_constant_htonl(x)	((unsigned int)(x))
# define __bpf_be64_to_cpu(x)		((unsigned long long)(x))
# define __bpf_cpu_to_be64(x)		((unsigned long long)(x))
# define __bpf_constant_be64_to_cpu(x)	((unsigned long long)(x))
# define __bpf_constant_cpu_to_be64(x)	((unsigned long long)(x))
#else
# error "ebpfc/bpf_endian.h: the compiler does not say the target's byte order"
#endif

#define bpf_htons(x) \
	(__builtin_constant_p(x) ? __bpf_constant_htons(x) : __bpf_htons(x))
#define bpf_ntohs(x) \
	(__builtin_constant_p(x) ? __bpf_constant_ntohs(x) : __bpf_ntohs(x))
#define bpf_htonl(x) \
	(__builtin_constant_p(x) ? __bpf_constant_htonl(x) : __bpf_htonl(x))
#define bpf_ntohl(x) \
	(__builtin_constant_p(x) ? __bpf_constant_ntohl(x) : __bpf_ntohl(x))
#define bpf_cpu_to_be64(x) \
	(__builtin_constant_p(x) ? __bpf_constant_cpu_to_be64(x) : __bpf_cpu_to_be64(x))
#define bpf_be64_to_cpu(x) \
	(__builtin_constant_p(x) ? __bpf_constant_be64_to_cpu(x) : __bpf_be64_to_cpu(x))

#endif /* EBPFC_BPF_ENDIAN_H */
