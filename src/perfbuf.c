/*
 * perfbuf.c - the perf event array consumer: a BPF-output software perf
 * event per online CPU, its ring mmapped, its fd stored in the map at the
 * CPU's index, all rings behind one epoll fd.
 *
 * A perf ring is one metadata page (struct perf_event_mmap_page) and 2^n
 * data pages. The kernel writes records at data_head and publishes it
 * (we load it with acquire: the records before it are then visible); we
 * read from data_tail and give space back by storing data_tail with
 * release (our reads are done before the kernel may overwrite). The data
 * is mapped once, so a record may wrap past the end of the ring: such a
 * record is copied into a per-ring scratch buffer, every other one is
 * handed over in place. data_tail is stored once per drained batch (each
 * time we catch up with the data_head we read), not per record.
 *
 * Wakeups are the perf event's own: the kernel signals after every
 * wakeup_events samples or wakeup_watermark bytes, whether or not the
 * consumer is behind, so there is no caught-up race as with BPF ring
 * buffers (see ringbuf.c); what a callback's stop leaves behind is
 * remembered per ring and drained by the next poll without waiting.
 *
 * Not here: BPF ring buffers (ringbuf.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <linux/perf_event.h>

#include <ebpfc/perfbuf.h>
#include "map_int.h"

struct pb_ring {
	/* What every record needs first. */
	const char *data;
	struct perf_event_mmap_page *meta;
	__u64 mask;			/* data size - 1 */
	__u64 tail;			/* our copy of data_tail */
	__u64 stride;			/* size of the last sample: the next one's, guessed */
	char *scratch;			/* for records that wrap; grown on demand */
	size_t scratch_sz;
	int cpu;
	int fd;
	bool in_map;			/* our fd is in the map at index cpu */
	bool pending;			/* a callback stopped before the ring was drained */
};

struct ebpfc_perfbuf {
	ebpfc_perfbuf_sample_fn sample_cb;
	ebpfc_perfbuf_lost_fn lost_cb;
	void *user;
	struct pb_ring *rings;
	size_t nr;
	size_t npending;
	struct epoll_event *events;
	size_t mmap_sz;
	__u64 lost;
	int epfd;
	int map_fd;			/* our own dup: slots are cleared on the right map at free */
	char name[BPF_OBJ_NAME_LEN];
};

/* A PERF_RECORD_SAMPLE with only PERF_SAMPLE_RAW, and a PERF_RECORD_LOST. */
struct pb_sample {
	struct perf_event_header hdr;
	__u32 size;
	char data[];
};

struct pb_lost {
	struct perf_event_header hdr;
	__u64 id;
	__u64 lost;
};

/*
 * Online CPUs below n, from a list such as "0-3,8,10-11". A CPU that
 * cannot be read about is taken as offline; at least one must be online.
 */
static int online_cpus(bool *online, int n)
{
	static const char path[] = "/sys/devices/system/cpu/online";
	char *buf, *s, *end;
	long a, b, i;
	int err;

	err = ebpfc__read_file(path, &buf, NULL);
	if (err)
		return err;
	memset(online, 0, (size_t)n);
	for (s = buf; *s && *s != '\n';) {
		a = strtol(s, &end, 10);
		if (end == s || a < 0)
			goto bad;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				goto bad;
			s = end;
		}
		for (i = a; i <= b && i < n; i++)
			online[i] = true;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			goto bad;
	}
	free(buf);
	return 0;
bad:
	free(buf);
	return ebpfc__err(EINVAL, "cannot parse %s", path);
}

static int pb_open_event(const struct ebpfc_perfbuf_opts *opts, int cpu, int *fd)
{
	struct perf_event_attr attr;
	__u32 wakeup_bytes = EBPFC__OPT(opts, wakeup_bytes, 0);
	__u32 wakeup_events = EBPFC__OPT(opts, wakeup_events, 0);
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	if (wakeup_bytes) {
		attr.watermark = 1;
		attr.wakeup_watermark = wakeup_bytes;
	} else {
		attr.wakeup_events = wakeup_events ? wakeup_events : 1;
	}
	r = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (r < 0)
		return -errno;
	*fd = (int)r;
	return 0;
}

static int pb_ring_open(struct ebpfc_perfbuf *pb, struct pb_ring *r, int cpu,
			const struct ebpfc_perfbuf_opts *opts, __u32 idx)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct epoll_event ev;
	__u32 key = (__u32)cpu, val;
	void *p;
	int err;

	r->cpu = cpu;
	r->fd = -1;
	err = pb_open_event(opts, cpu, &r->fd);
	if (err == -ENODEV)
		return err; /* went offline since we looked: the caller skips it */
	if (err)
		return ebpfc__err(err, "perf buffer '%s': perf_event_open (BPF output) on CPU %d: "
				  "%s%s", pb->name, cpu, ebpfc_strerror(err),
				  err == -EACCES || err == -EPERM
					  ? " (needs CAP_PERFMON or CAP_SYS_ADMIN, or a lower "
					    "kernel.perf_event_paranoid)"
					  : "");
	p = mmap(NULL, pb->mmap_sz, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (p == MAP_FAILED)
		return ebpfc__err(errno, "perf buffer '%s': cannot map the ring of CPU %d (%zu "
				  "bytes): %s%s", pb->name, cpu, pb->mmap_sz, ebpfc_strerror(errno),
				  errno == EPERM ? " (over kernel.perf_event_mlock_kb? use fewer pages)"
						 : "");
	r->meta = p;
	r->data = (const char *)p + (r->meta->data_offset ? r->meta->data_offset : page);
	r->mask = (r->meta->data_size ? r->meta->data_size : pb->mmap_sz - page) - 1;
	r->tail = __atomic_load_n(&r->meta->data_tail, __ATOMIC_ACQUIRE);

	val = (__u32)r->fd;
	err = ebpfc_sys_map_update(pb->map_fd, &key, &val, BPF_ANY);
	if (err)
		return ebpfc__err(err, "perf buffer '%s': cannot store the perf event of CPU %d in "
				  "the map: %s", pb->name, cpu, ebpfc_strerror(err));
	r->in_map = true;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = idx;
	if (epoll_ctl(pb->epfd, EPOLL_CTL_ADD, r->fd, &ev) < 0)
		return ebpfc__err(errno, "perf buffer '%s': cannot add CPU %d to the epoll set: %s",
				  pb->name, cpu, ebpfc_strerror(errno));
	return 0;
}

static void pb_ring_close(struct ebpfc_perfbuf *pb, struct pb_ring *r)
{
	__u32 key = (__u32)r->cpu;

	if (r->in_map)
		ebpfc_sys_map_delete(pb->map_fd, &key, 0);
	if (r->meta)
		munmap(r->meta, pb->mmap_sz);
	ebpfc__close(r->fd);
	free(r->scratch);
}

EBPFC_API int ebpfc_perfbuf_new(const struct ebpfc_map *map, const struct ebpfc_perfbuf_opts *opts,
				struct ebpfc_perfbuf **out)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), pages;
	struct ebpfc_perfbuf *pb;
	const char *name;
	bool *online = NULL;
	int possible, n, cpu, err;

	if (!out || !map)
		return ebpfc__err(EINVAL, "perf buffer: new needs a map and a place for the result");
	*out = NULL;
	err = EBPFC__OPTS_CHECK(opts, ebpfc_perfbuf_opts);
	if (err)
		return err;
	name = ebpfc_map_name(map);
	if (!EBPFC__OPT(opts, sample_cb, NULL))
		return ebpfc__err(EINVAL, "perf buffer '%s': opts.sample_cb is required", name);
	pages = EBPFC__OPT(opts, pages_per_cpu, 0);
	if (!pages)
		pages = 64;
	if (pages & (pages - 1) || pages > (1u << 20))
		return ebpfc__err(EINVAL, "perf buffer '%s': pages_per_cpu %zu is not a power of 2 "
				  "(up to 2^20)", name, pages);
	if (ebpfc_map_fd(map) < 0)
		return ebpfc__err(EBADF, "perf buffer: map '%s' has no fd yet (load its object "
				  "first)", name);
	if (ebpfc_map_type(map) != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return ebpfc__err(EINVAL, "perf buffer: map '%s' is a %s map, not a "
				  "perf_event_array", name, ebpfc_map_type_name(ebpfc_map_type(map)));

	possible = ebpfc__num_possible_cpus();
	if (possible < 0)
		return possible;
	n = possible;
	if (ebpfc_map_max_entries(map) < (__u32)n)
		n = (int)ebpfc_map_max_entries(map);
	online = calloc((size_t)possible, 1);
	pb = calloc(1, sizeof(*pb));
	if (pb) {
		pb->rings = calloc((size_t)n ? (size_t)n : 1, sizeof(*pb->rings));
		pb->events = calloc((size_t)n ? (size_t)n : 1, sizeof(*pb->events));
	}
	if (!online || !pb || !pb->rings || !pb->events) {
		err = ebpfc__err(ENOMEM, "perf buffer '%s': out of memory", name);
		goto fail;
	}
	pb->epfd = -1;
	pb->sample_cb = opts->sample_cb;
	pb->lost_cb = EBPFC__OPT(opts, lost_cb, NULL);
	pb->user = EBPFC__OPT(opts, user, NULL);
	pb->mmap_sz = (1 + pages) * page;
	ebpfc__strlcpy(pb->name, name, sizeof(pb->name));
	pb->map_fd = fcntl(ebpfc_map_fd(map), F_DUPFD_CLOEXEC, 3);
	if (pb->map_fd < 0) {
		err = ebpfc__err(errno, "perf buffer '%s': cannot duplicate the map fd: %s", name,
				 ebpfc_strerror(errno));
		goto fail;
	}
	pb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (pb->epfd < 0) {
		err = ebpfc__err(errno, "perf buffer '%s': epoll_create1: %s", name,
				 ebpfc_strerror(errno));
		goto fail;
	}
	err = online_cpus(online, possible);
	if (err)
		goto fail;
	for (cpu = 0; cpu < n; cpu++) {
		struct pb_ring *r = &pb->rings[pb->nr];

		if (!online[cpu])
			continue;
		err = pb_ring_open(pb, r, cpu, opts, (__u32)pb->nr);
		if (err == -ENODEV) {
			memset(r, 0, sizeof(*r));
			continue;
		}
		pb->nr++; /* opened or half-opened: closed with the rest */
		if (err)
			goto fail;
	}
	if (!pb->nr) {
		err = ebpfc__err(ENODEV, "perf buffer '%s': no online CPU below the map's %u entries",
				 name, ebpfc_map_max_entries(map));
		goto fail;
	}
	free(online);
	*out = pb;
	return 0;
fail:
	free(online);
	ebpfc_perfbuf_free(pb);
	return err;
}

EBPFC_API void ebpfc_perfbuf_free(struct ebpfc_perfbuf *pb)
{
	size_t i;

	if (!pb)
		return;
	for (i = 0; i < pb->nr; i++)
		pb_ring_close(pb, &pb->rings[i]);
	ebpfc__close(pb->epfd);
	ebpfc__close(pb->map_fd);
	free(pb->rings);
	free(pb->events);
	free(pb);
}

/* A record that wraps past the end of the ring, made contiguous in r->scratch. */
static const struct perf_event_header *pb_unwrap(struct pb_ring *r, __u64 off, size_t size)
{
	size_t first = (size_t)(r->mask + 1 - off);

	if (r->scratch_sz < size) {
		/* Powers of 2 from 512 bytes: few reallocations, at most 64 KiB (a u16 size). */
		size_t want = r->scratch_sz ? r->scratch_sz : 512;
		char *s;

		while (want < size)
			want *= 2;
		s = realloc(r->scratch, want);
		if (!s)
			return NULL;
		r->scratch = s;
		r->scratch_sz = want;
	}
	memcpy(r->scratch, r->data + off, first);
	memcpy(r->scratch + first, r->data, size - first);
	return (const struct perf_event_header *)r->scratch;
}

static inline void pb_release(struct pb_ring *r, __u64 tail)
{
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	r->tail = tail;
}

/*
 * Hand one CPU's records to the callbacks. Returns the number of samples;
 * *stop gets a sample callback's non-zero return, *err a corrupt ring.
 */
static int pb_ring_drain(struct ebpfc_perfbuf *pb, struct pb_ring *r, int max, int *stop,
			 int *err)
{
	/* In locals: the callback is an opaque call the compiler cannot see through. */
	const ebpfc_perfbuf_sample_fn cb = pb->sample_cb;
	void *const user = pb->user;
	const char *const data = r->data;
	const __u64 mask = r->mask;
	const int cpu = r->cpu;
	__u64 head, tail = r->tail, off, stride = r->stride;
	const struct perf_event_header *h;
	const struct pb_sample *s;
	int n = 0, ret;
	size_t size;

	head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	while (tail != head) {
		do {
			off = tail & mask;
			h = (const struct perf_event_header *)(data + off);
			size = h->size;
			s = (const struct pb_sample *)h;
			if (__builtin_expect(h->type == PERF_RECORD_SAMPLE && size <= head - tail &&
					     off + size <= mask + 1 && size >= sizeof(*s) &&
					     s->size <= size - sizeof(*s) && n != max, 1)) {
				ret = cb(user, cpu, s->data, s->size);
				n++;
				/*
				 * The next record's place guessed from the last size, as in
				 * ringbuf.c: the loop does not wait on each header load.
				 */
				tail += stride;
				if (__builtin_expect(size != stride, 0)) {
					__asm__ __volatile__("" : "+r"(tail));
					tail += size - stride;
					stride = size;
				}
				if (__builtin_expect(ret != 0, 0)) {
					r->stride = stride;
					pb_release(r, tail);
					*stop = ret;
					return n;
				}
				continue;
			}
			if (size < sizeof(*h) || size > head - tail) {
				pb_release(r, head);
				*err = ebpfc__err(EIO, "perf buffer '%s': CPU %d: corrupt record of %zu "
						  "bytes at %llu; skipped to the head", pb->name,
						  cpu, size, (unsigned long long)tail);
				return n;
			}
			if (off + size > mask + 1) {
				h = pb_unwrap(r, off, size);
				if (!h) {
					pb_release(r, tail);
					*err = ebpfc__err(ENOMEM, "perf buffer '%s': out of memory",
							  pb->name);
					return n;
				}
			}
			if (h->type == PERF_RECORD_SAMPLE) {
				s = (const struct pb_sample *)h;
				if (n == max)
					goto out;
				if (size >= sizeof(*s) && s->size <= size - sizeof(*s)) {
					ret = cb(user, cpu, s->data, s->size);
					n++;
					if (ret) {
						pb_release(r, tail + size);
						*stop = ret;
						return n;
					}
				}
			} else if (h->type == PERF_RECORD_LOST && size >= sizeof(struct pb_lost)) {
				__u64 lost = ((const struct pb_lost *)h)->lost;

				pb->lost += lost;
				if (pb->lost_cb)
					pb->lost_cb(user, cpu, lost);
			}
			tail += size;
		} while (tail != head);
		pb_release(r, tail);
		head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	}
out:
	r->stride = stride;
	if (tail != r->tail)
		pb_release(r, tail);
	return n;
}

/* Drain one ring, keeping the pending bookkeeping; returns count or stop/error. */
static int pb_drain_one(struct ebpfc_perfbuf *pb, struct pb_ring *r, int max, int *stop)
{
	int err = 0, n;

	n = pb_ring_drain(pb, r, max, stop, &err);
	if (err)
		*stop = err;
	if (*stop && !r->pending) {
		r->pending = true;
		pb->npending++;
	} else if (!*stop && r->pending) {
		r->pending = false;
		pb->npending--;
	}
	return n;
}

EBPFC_API int ebpfc_perfbuf_consume(struct ebpfc_perfbuf *pb)
{
	int n = 0, stop = 0;
	size_t i;

	if (!pb)
		return ebpfc__err(EINVAL, "perf buffer: consume on NULL");
	for (i = 0; i < pb->nr && n < INT_MAX; i++) {
		n += pb_drain_one(pb, &pb->rings[i], INT_MAX - n, &stop);
		if (stop)
			return stop;
	}
	return n;
}

EBPFC_API int ebpfc_perfbuf_poll(struct ebpfc_perfbuf *pb, int timeout_ms)
{
	int n = 0, cnt, i, stop = 0;
	size_t j;

	if (!pb)
		return ebpfc__err(EINVAL, "perf buffer: poll on NULL");
	if (pb->npending) {
		/* Left behind by a callback's stop: no wakeup will announce it again. */
		for (j = 0; j < pb->nr; j++) {
			if (!pb->rings[j].pending)
				continue;
			n += pb_drain_one(pb, &pb->rings[j], INT_MAX - n, &stop);
			if (stop)
				return stop;
		}
		if (n)
			return n;
	}
	cnt = epoll_wait(pb->epfd, pb->events, (int)pb->nr, timeout_ms);
	if (cnt < 0) {
		if (errno == EINTR)
			return ebpfc__err(EINTR, "perf buffer '%s': poll interrupted by a signal",
					  pb->name);
		return ebpfc__err(errno, "perf buffer '%s': epoll_wait: %s", pb->name,
				  ebpfc_strerror(errno));
	}
	for (i = 0; i < cnt; i++) {
		n += pb_drain_one(pb, &pb->rings[pb->events[i].data.u32], INT_MAX - n, &stop);
		if (stop)
			return stop;
	}
	return n;
}

EBPFC_API int ebpfc_perfbuf_epoll_fd(const struct ebpfc_perfbuf *pb)
{
	return pb ? pb->epfd : -EINVAL;
}

EBPFC_API size_t ebpfc_perfbuf_ring_count(const struct ebpfc_perfbuf *pb)
{
	return pb ? pb->nr : 0;
}

EBPFC_API __u64 ebpfc_perfbuf_lost(const struct ebpfc_perfbuf *pb)
{
	return pb ? pb->lost : 0;
}
