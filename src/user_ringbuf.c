/*
 * user_ringbuf.c - the producer side of a user ring buffer
 * (BPF_MAP_TYPE_USER_RINGBUF): user space reserves, fills and submits
 * records in place; a BPF program drains them with
 * bpf_user_ringbuf_drain().
 *
 * Layout is the BPF ring buffer's (see ringbuf.c) with the permissions
 * turned around: the kernel lets user space map the consumer page (page 0)
 * only read-only, and the producer page with the data (pages 1..)
 * read-write, the data twice in a row so that a record that wraps past the
 * end of the ring is contiguous for the writer too.
 *
 * Protocol (what __bpf_user_ringbuf_peek() in the kernel checks): at
 * reserve, the header gets the length with the busy bit, then the producer
 * position moves past the record with a release store, so the kernel sees
 * the header whenever it sees the position; the kernel stops at a busy
 * record. Submit clears the busy bit, discard replaces it with the discard
 * bit, both with a release store of the header, so the sample's bytes are
 * visible before the kernel can see it committed. Free space is read from
 * the consumer position with acquire: the kernel has finished reading a
 * record before it releases its space.
 *
 * There is one producer: the producer position is ours alone, so it is
 * kept in a local copy and only stored, never read back.
 *
 * Not here: consuming BPF ring buffers (ringbuf.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include <ebpfc/ringbuf.h>
#include "map_int.h"

#define URB_HDR_SZ 8u
#define URB_FLAGS (BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)
/* The most a program's dynptr can hold (DYNPTR_MAX_SIZE): larger samples are refused by the kernel. */
#define URB_MAX_SAMPLE ((1u << 24) - 1)

struct ebpfc_user_ringbuf {
	char *data;			/* the data area, mapped twice */
	unsigned long mask;		/* size - 1 */
	unsigned long prod;		/* our producer position */
	const unsigned long *consumer_pos; /* page 0, read-only */
	unsigned long *producer_pos;	/* page 1, read-write */
	size_t prod_map_sz;
	int map_fd;			/* for the blocking reserve's epoll */
	int epfd;			/* made on the first blocking reserve */
	char name[BPF_OBJ_NAME_LEN];
};

static inline unsigned long urb_total(size_t size)
{
	return ((unsigned long)size + URB_HDR_SZ + 7) & ~7ul;
}

EBPFC_API int ebpfc_user_ringbuf_new(const struct ebpfc_map *map,
				     const struct ebpfc_user_ringbuf_opts *opts,
				     struct ebpfc_user_ringbuf **out)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct ebpfc_user_ringbuf *urb;
	const char *name;
	__u32 size;
	void *p;
	int fd, err;

	if (!out || !map)
		return ebpfc__err(EINVAL, "user ring buffer: new needs a map and a place for the result");
	*out = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_user_ringbuf_opts);
	if (err)
		return err;
	name = ebpfc_map_name(map);
	fd = ebpfc_map_fd(map);
	size = ebpfc_map_max_entries(map);
	if (fd < 0)
		return ebpfc__err(EBADF, "user ring buffer: map '%s' has no fd yet (load its object "
				  "first)", name);
	if (ebpfc_map_type(map) != BPF_MAP_TYPE_USER_RINGBUF)
		return ebpfc__err(EINVAL, "user ring buffer: map '%s' is a %s map, not a "
				  "user_ringbuf", name, ebpfc_map_type_name(ebpfc_map_type(map)));
	if (!size || size & (size - 1) || size % page || size > (SIZE_MAX - page) / 2)
		return ebpfc__err(EINVAL, "user ring buffer: map '%s' has a size of %u bytes, not a "
				  "power of 2 multiple of the page size", name, size);

	urb = calloc(1, sizeof(*urb));
	if (!urb)
		return ebpfc__err(ENOMEM, "user ring buffer: out of memory");
	urb->epfd = -1;
	urb->map_fd = fd;
	ebpfc__strlcpy(urb->name, name, sizeof(urb->name));
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = ebpfc__err(errno, "user ring buffer: map '%s': cannot map its consumer page: %s",
				 name, ebpfc_strerror(errno));
		goto fail;
	}
	urb->consumer_pos = p;
	urb->prod_map_sz = page + 2 * (size_t)size;
	p = mmap(NULL, urb->prod_map_sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)page);
	if (p == MAP_FAILED) {
		err = ebpfc__err(errno, "user ring buffer: map '%s': cannot map its data (%zu "
				 "bytes): %s", name, urb->prod_map_sz, ebpfc_strerror(errno));
		goto fail;
	}
	urb->producer_pos = p;
	urb->data = (char *)p + page;
	urb->mask = size - 1;
	/* Go on from where an earlier producer of this map stopped. */
	urb->prod = __atomic_load_n(urb->producer_pos, __ATOMIC_ACQUIRE);
	if (urb->prod % 8) {
		err = ebpfc__err(EINVAL, "user ring buffer: map '%s': its producer position %lu is "
				 "corrupt (not 8-byte aligned)", name, urb->prod);
		goto fail;
	}
	*out = urb;
	return 0;
fail:
	ebpfc_user_ringbuf_free(urb);
	return err;
}

EBPFC_API int ebpfc_user_ringbuf_reserve(struct ebpfc_user_ringbuf *urb, size_t size,
					 void **sample)
{
	unsigned long cons, total, ring, prod;
	__u32 *hdr;

	if (!urb || !sample)
		return ebpfc__err(EINVAL, "user ring buffer: reserve needs a ring and a place for "
				  "the sample");
	ring = urb->mask + 1;
	prod = urb->prod;
	total = urb_total(size);
	if (size > URB_MAX_SAMPLE || total > ring)
		return ebpfc__err(E2BIG, "user ring buffer '%s': a %zu-byte sample can never fit "
				  "(ring of %lu bytes, 8-byte header, dynptr limit %u)", urb->name,
				  size, ring, URB_MAX_SAMPLE);
	cons = __atomic_load_n(urb->consumer_pos, __ATOMIC_ACQUIRE);
	if (total > ring - (prod - cons))
		return ebpfc__err(ENOSPC, "user ring buffer '%s': no room for %zu bytes now (%lu of "
				  "%lu free)", urb->name, size, ring - (prod - cons), ring);
	hdr = (__u32 *)(urb->data + (prod & urb->mask));
	hdr[0] = (__u32)size | BPF_RINGBUF_BUSY_BIT;
	hdr[1] = 0;
	urb->prod = prod + total;
	__atomic_store_n(urb->producer_pos, urb->prod, __ATOMIC_RELEASE);
	*sample = hdr + 2;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int urb_epoll(struct ebpfc_user_ringbuf *urb)
{
	struct epoll_event ev;
	int err;

	urb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (urb->epfd < 0)
		return ebpfc__err(errno, "user ring buffer '%s': epoll_create1: %s", urb->name,
				  ebpfc_strerror(errno));
	/*
	 * Edge-triggered: the map reports "writable" whenever the ring is not
	 * full, which says nothing about room for our sample; what we wait for
	 * is the wakeup a drain sends after consuming. A wakeup that comes
	 * between a failed reserve and epoll_wait() is queued on the epoll
	 * set, so it is not lost.
	 */
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLOUT | EPOLLET;
	if (epoll_ctl(urb->epfd, EPOLL_CTL_ADD, urb->map_fd, &ev) < 0) {
		err = ebpfc__err(errno, "user ring buffer '%s': cannot add the map to an epoll set: "
				 "%s", urb->name, ebpfc_strerror(errno));
		ebpfc__close(urb->epfd);
		urb->epfd = -1;
		return err;
	}
	return 0;
}

EBPFC_API int ebpfc_user_ringbuf_reserve_blocking(struct ebpfc_user_ringbuf *urb, size_t size,
						  int timeout_ms, void **sample)
{
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	struct epoll_event ev;
	int err, n, timeout = timeout_ms;

	err = ebpfc_user_ringbuf_reserve(urb, size, sample);
	if (err != -ENOSPC || timeout_ms == 0)
		return err;
	if (urb->epfd < 0) {
		err = urb_epoll(urb);
		if (err)
			return err;
	}
	for (;;) {
		n = epoll_wait(urb->epfd, &ev, 1, timeout);
		if (n < 0 && errno == EINTR)
			return ebpfc__err(EINTR, "user ring buffer '%s': reserve interrupted by a signal",
					  urb->name);
		if (n < 0)
			return ebpfc__err(errno, "user ring buffer '%s': epoll_wait: %s", urb->name,
					  ebpfc_strerror(errno));
		err = ebpfc_user_ringbuf_reserve(urb, size, sample);
		if (err != -ENOSPC)
			return err;
		if (timeout_ms > 0) {
			long long left = deadline - now_ms();

			if (left <= 0)
				n = 0;
			timeout = left > 0 ? (int)left : 0;
		}
		if (n == 0)
			return ebpfc__err(ETIMEDOUT, "user ring buffer '%s': no room for %zu bytes "
					  "after %d ms", urb->name, size, timeout_ms);
	}
}

/* The header of an open reservation, or NULL. */
static __u32 *urb_hdr(struct ebpfc_user_ringbuf *urb, void *sample)
{
	uintptr_t off = (uintptr_t)sample - (uintptr_t)urb->data;
	__u32 *hdr;

	if (!sample || (uintptr_t)sample < (uintptr_t)urb->data + URB_HDR_SZ ||
	    off > urb->mask + 1 + URB_HDR_SZ || off % 8)
		return NULL;
	hdr = (__u32 *)sample - 2;
	return hdr[0] & BPF_RINGBUF_BUSY_BIT ? hdr : NULL;
}

static int urb_commit(struct ebpfc_user_ringbuf *urb, void *sample, bool discard)
{
	__u32 *hdr = urb ? urb_hdr(urb, sample) : NULL;
	__u32 len;

	if (!urb)
		return ebpfc__err(EINVAL, "user ring buffer: NULL ring");
	if (!hdr)
		return ebpfc__err(EINVAL, "user ring buffer '%s': %s of %p, which is not an open "
				  "reservation", urb->name, discard ? "discard" : "submit", sample);
	len = hdr[0] & ~BPF_RINGBUF_BUSY_BIT;
	if (discard)
		len |= BPF_RINGBUF_DISCARD_BIT;
	__atomic_store_n(hdr, len, __ATOMIC_RELEASE);
	return 0;
}

EBPFC_API int ebpfc_user_ringbuf_submit(struct ebpfc_user_ringbuf *urb, void *sample)
{
	return urb_commit(urb, sample, false);
}

EBPFC_API int ebpfc_user_ringbuf_discard(struct ebpfc_user_ringbuf *urb, void *sample)
{
	return urb_commit(urb, sample, true);
}

EBPFC_API void ebpfc_user_ringbuf_free(struct ebpfc_user_ringbuf *urb)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long pos;

	if (!urb)
		return;
	if (urb->producer_pos && urb->consumer_pos) {
		/*
		 * Discard what is still reserved, or the program's drain would
		 * stop at it forever. Only we write headers, and the kernel
		 * never moves past a busy one, so walking from its position to
		 * ours reads stable headers.
		 */
		pos = __atomic_load_n(urb->consumer_pos, __ATOMIC_ACQUIRE);
		while (pos != urb->prod && urb->prod - pos <= urb->mask + 1) {
			__u32 *hdr = (__u32 *)(urb->data + (pos & urb->mask));
			__u32 len = hdr[0];

			if (len & BPF_RINGBUF_BUSY_BIT)
				__atomic_store_n(hdr, (len & ~URB_FLAGS) | BPF_RINGBUF_DISCARD_BIT,
						 __ATOMIC_RELEASE);
			pos += urb_total(len & ~URB_FLAGS);
		}
	}
	if (urb->consumer_pos)
		munmap((void *)urb->consumer_pos, page);
	if (urb->producer_pos)
		munmap(urb->producer_pos, urb->prod_map_sz);
	ebpfc__close(urb->epfd);
	free(urb);
}
