/*
 * test_link.c - tests of attaching programs (link.h) with real events:
 *
 *   - unit: glob matching, "func+0x10" parsing, section targets, the ELF
 *     reader's exec mode on hand-made and hostile program headers, uprobe
 *     targets resolved in /proc/self/exe and libc.so.6 checked against
 *     where the functions really are mapped;
 *   - XDP (bpf link and netlink, generic mode) and tc (tcx with ordering,
 *     and clsact + cls_bpf, with and without a qdisc that was there
 *     before) counting UDP frames the test sends across a veth pair in a
 *     network namespace of its own; netfilter, sk_lookup, flow_dissector
 *     and sockmap hooks in the same namespace;
 *   - a tracepoint (bpf link and perf ioctl, with a cookie), a raw
 *     tracepoint and tp_btf counting getpid() calls; a task iterator read
 *     to EOF; uprobes and uretprobes on a function of this binary and on
 *     libc's getpid (PMU and tracefs, single and multi); a cgroup_skb
 *     program counting a child's packets; a perf_event program on a CPU
 *     clock per CPU;
 *   - kprobes, kretprobes, ksyscall, kprobe.multi, fentry/fexit and
 *     freplace, which this host refuses: they skip with the probe's reason
 *     here and run under `make vmtest`;
 *   - lifecycle: pin / open_pinned / unpin, update_prog, detach, info,
 *     auto-attach by section name, and destroy really detaching (counts
 *     stop), with no fd leaked and nothing left behind (namespaces, qdiscs,
 *     tracefs probes).
 */
#include "testutil.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/perf_event.h>
#include <linux/udp.h>

#include "elf.h"
#include "link_int.h"

#define BPF_DIR EBPFC_TEST_BPF_DIR
#define N_EVENTS 17
#define UDP_PORT 31337
#define FRAME_LEN 58	/* Ethernet 14 + IPv4 20 + UDP 8 + 16 bytes */

/* ---- helpers -------------------------------------------------------------------------- */

/* A function of this binary to put uprobes on; noinline and used, so it is there to find. */
__attribute__((noinline, used)) int link_test_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

__attribute__((noinline, used)) int link_test_target_b(int x)
{
	__asm__ volatile("" ::: "memory");
	return x - 1;
}

static int (*volatile call_target)(int) = link_test_target;
static int (*volatile call_target_b)(int) = link_test_target_b;

/*
 * Open an object and load only the named programs; NULL (and *err) when the
 * kernel refuses them and err is given, else the test fails.
 */
static struct ebpfc_object *try_load_obj(const char *file, const char *const *progs,
					 void (*before_load)(struct ebpfc_object *), int *errp)
{
	struct ebpfc_object *obj = NULL;
	char path[512];
	size_t i, j;
	int err;

	snprintf(path, sizeof(path), "%s/%s", BPF_DIR, file);
	err = ebpfc_object_open_file(path, NULL, &obj);
	if (err)
		fail_msg("open %s: %s", path, ebpfc_errmsg());
	for (i = 0; i < ebpfc_object_prog_count(obj); i++) {
		struct ebpfc_prog *p = ebpfc_object_prog_at(obj, i);
		bool want = false;

		for (j = 0; progs && progs[j]; j++)
			want |= !strcmp(progs[j], ebpfc_prog_name(p));
		assert_ok(ebpfc_prog_set_autoload(p, !progs || want));
	}
	if (before_load)
		before_load(obj);
	err = ebpfc_object_load(obj, NULL);
	if (err) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", ebpfc_errmsg());
		ebpfc_object_destroy(obj);
		if (errp) {
			*errp = err;
			ebpfc__err(err, "%s", msg);
			return NULL;
		}
		fail_msg("load %s: %s", path, msg);
	}
	return obj;
}

static struct ebpfc_object *load_obj(const char *file, const char *const *progs,
				     void (*before_load)(struct ebpfc_object *))
{
	return try_load_obj(file, progs, before_load, NULL);
}

static struct ebpfc_prog *prog_of(struct ebpfc_object *obj, const char *name)
{
	struct ebpfc_prog *p = NULL;

	assert_ok(ebpfc_object_find_prog(obj, name, &p));
	return p;
}

/* The live address of a .bss variable. */
static volatile __u64 *var64(struct ebpfc_object *obj, const char *name)
{
	void *addr;
	size_t size;

	assert_ok(ebpfc_object_global(obj, name, &addr, &size));
	assert_int_equal(size, 8);
	return addr;
}

static void set_target_tgid(struct ebpfc_object *obj)
{
	void *addr;
	size_t size;

	assert_ok(ebpfc_object_global(obj, "target_tgid", &addr, &size));
	*(volatile __u32 *)addr = (__u32)getpid();
	if (!ebpfc_object_global(obj, "getpid_nr", &addr, &size))
		*(volatile __u64 *)addr = SYS_getpid;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait (up to 2 s) for a counter to reach want; its value then. */
static __u64 wait_count(volatile __u64 *c, __u64 want)
{
	int i;

	for (i = 0; i < 200 && __atomic_load_n(c, __ATOMIC_RELAXED) < want; i++)
		sleep_ms(10);
	sleep_ms(20);	/* anything more than want would show now */
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void do_getpids(int n)
{
	int i;

	for (i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static void do_opens(int n)
{
	int i, fd;

	for (i = 0; i < n; i++) {
		fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* No tracefs probe of this process is left in kprobe_events or uprobe_events. */
static void assert_no_probes_left(void)
{
	static const char *const files[] = { "kprobe_events", "uprobe_events" };
	const char *root;
	char path[256], needle[64];
	size_t i;

	if (ebpfc__tracefs_root(&root))
		return;
	snprintf(needle, sizeof(needle), "ebpfc_%d_", (int)getpid());
	for (i = 0; i < TU_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		if (file_contains(path, needle))
			fail_msg("%s still has a probe of this process (%s)", path, needle);
	}
}

/* ---- unit tests ------------------------------------------------------------------------- */

static void test_glob(void **state)
{
	(void)state;
	assert_true(ebpfc__glob_match("do_sys_*", "do_sys_openat2"));
	assert_true(ebpfc__glob_match("*", ""));
	assert_true(ebpfc__glob_match("*open*", "do_sys_openat2"));
	assert_true(ebpfc__glob_match("a?c", "abc"));
	assert_true(ebpfc__glob_match("a*b*c", "aXbYbZc"));
	assert_false(ebpfc__glob_match("a*b*c", "aXbYbZ"));
	assert_false(ebpfc__glob_match("do_sys_", "do_sys_openat2"));
	assert_false(ebpfc__glob_match("?", ""));
	assert_true(ebpfc__glob_match("**x", "x"));
}

static void test_parse_func_offset(void **state)
{
	char f[64];
	__u64 off;

	(void)state;
	assert_ok(ebpfc__parse_func_offset("do_unlinkat", f, sizeof(f), &off));
	assert_string_equal(f, "do_unlinkat");
	assert_int_equal(off, 0);
	assert_ok(ebpfc__parse_func_offset("func+0x10", f, sizeof(f), &off));
	assert_string_equal(f, "func");
	assert_int_equal(off, 0x10);
	assert_ok(ebpfc__parse_func_offset("func+16", f, sizeof(f), &off));
	assert_int_equal(off, 16);
	assert_err(ebpfc__parse_func_offset("func+zz", f, sizeof(f), &off), EINVAL);
	assert_errmsg_contains("not an offset");
	assert_err(ebpfc__parse_func_offset("+0x10", f, sizeof(f), &off), EINVAL);
	assert_err(ebpfc__parse_func_offset("func+-1", f, sizeof(f), &off), EINVAL);
	assert_true(strncmp(ebpfc__syscall_prefix(), "__", 2) == 0 || !*ebpfc__syscall_prefix());
}

/* A minimal ELF64 ET_DYN: header, two program headers, no sections. */
struct mini_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	unsigned char code[64];
};

static void mini_elf(struct mini_elf *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
	m->eh.e_ident[EI_CLASS] = ELFCLASS64;
	m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh.e_ident[EI_VERSION] = EV_CURRENT;
	m->eh.e_type = ET_DYN;
	m->eh.e_machine = EM_AARCH64;	/* any machine is fine in exec mode */
	m->eh.e_version = EV_CURRENT;
	m->eh.e_ehsize = sizeof(Elf64_Ehdr);
	m->eh.e_phoff = offsetof(struct mini_elf, ph);
	m->eh.e_phentsize = sizeof(Elf64_Phdr);
	m->eh.e_phnum = 2;
	m->ph[0].p_type = PT_LOAD;
	m->ph[0].p_offset = offsetof(struct mini_elf, code);
	m->ph[0].p_vaddr = 0x401000;
	m->ph[0].p_filesz = sizeof(m->code);
	m->ph[0].p_memsz = 0x2000;
	m->ph[1].p_type = PT_NOTE;
}

static void test_elf_exec_mode(void **state)
{
	struct ebpfc__elf_opts o = { .exec = true };
	struct ebpfc__elf *elf = NULL;
	struct mini_elf m;
	uint64_t off;
	Elf64_Phdr ph;

	(void)state;
	mini_elf(&m);
	/* BPF mode still refuses what is not an EM_BPF ET_REL. */
	assert_err(ebpfc__elf_open(&m, sizeof(m), "mini", &elf), ENOEXEC);
	assert_null(elf);
	assert_ok(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf));
	assert_int_equal(ebpfc__elf_type(elf), ET_DYN);
	assert_int_equal(ebpfc__elf_machine(elf), EM_AARCH64);
	assert_int_equal(ebpfc__elf_phdr_count(elf), 2);
	assert_int_equal(ebpfc__elf_sym_count(elf), 0);
	assert_int_equal(ebpfc__elf_dynsym_count(elf), 0);
	assert_ok(ebpfc__elf_phdr(elf, 1, &ph));
	assert_int_equal(ph.p_type, PT_NOTE);
	assert_err(ebpfc__elf_phdr(elf, 2, &ph), EINVAL);
	assert_ok(ebpfc__elf_vaddr_to_offset(elf, 0x401010, &off));
	assert_int_equal(off, offsetof(struct mini_elf, code) + 0x10);
	/* In memory but not in the file (bss), and outside every segment. */
	assert_err(ebpfc__elf_vaddr_to_offset(elf, 0x401000 + sizeof(m.code), &off), ENOENT);
	assert_err(ebpfc__elf_vaddr_to_offset(elf, 0x400fff, &off), ENOENT);
	assert_err(ebpfc__elf_rel_count(elf, 0, &(size_t){ 0 }), EINVAL);
	ebpfc__elf_close(elf);

	/* Hostile program headers. */
	mini_elf(&m);
	m.eh.e_type = ET_REL;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), ENOEXEC);
	assert_errmsg_contains("ET_EXEC");
	mini_elf(&m);
	m.eh.e_phentsize = 32;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	assert_errmsg_contains("e_phentsize");
	mini_elf(&m);
	m.eh.e_phnum = 9;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	assert_errmsg_contains("past the end");
	mini_elf(&m);
	m.eh.e_phoff = 0xffffffffffffff00ULL;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	mini_elf(&m);
	m.ph[0].p_filesz = 0x10000;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	assert_errmsg_contains("program header 0");
	mini_elf(&m);
	m.ph[1].p_offset = 0xfffffffffffffff0ULL;
	m.ph[1].p_filesz = 0x20;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	mini_elf(&m);
	m.ph[0].p_vaddr = 0xfffffffffffff000ULL;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	assert_errmsg_contains("PT_LOAD");
	mini_elf(&m);
	m.eh.e_phnum = PN_XNUM;	/* the count would be in section 0, and there is none */
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	mini_elf(&m);
	m.eh.e_phoff = 0;
	assert_err(ebpfc__elf_open_opts(&m, sizeof(m), "mini", &o, &elf), EINVAL);
	/* Every truncation of a valid file fails cleanly. */
	mini_elf(&m);
	for (size_t n = 0; n < offsetof(struct mini_elf, code) + 8; n++) {
		int r = ebpfc__elf_open_opts(&m, n, "mini", &o, &elf);

		assert_true(r == -EINVAL || r == -ENOEXEC);
		assert_null(elf);
	}
}

/* The address where file offset off of path is mapped in this process, or 0. */
static uintptr_t mapped_at(const char *path, __u64 off)
{
	char line[4352], file[4096];
	unsigned long start, end, moff;
	uintptr_t addr = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		file[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &start, &end, &moff, file) < 3)
			continue;
		if (strcmp(file, path) || off < moff || off - moff >= end - start)
			continue;
		addr = start + (off - moff);
		break;
	}
	fclose(f);
	return addr;
}

static void test_uprobe_resolve(void **state)
{
	char path[4096], exe[4096];
	void *libc_getpid;
	ssize_t n;
	__u64 off;

	(void)state;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_ok(ebpfc_uprobe_resolve("/proc/self/exe", "link_test_target", path, sizeof(path),
				       &off));
	assert_string_equal(path, exe);
	assert_true(off > 0);
	/* The offset, mapped, is where the function really is. */
	assert_true(mapped_at(path, off) == (uintptr_t)call_target);

	assert_ok(ebpfc_uprobe_resolve("libc.so.6", "getpid", path, sizeof(path), &off));
	assert_true(strstr(path, "libc.so.6") != NULL);
	libc_getpid = dlsym(RTLD_DEFAULT, "getpid");
	assert_non_null(libc_getpid);
	assert_true(mapped_at(path, off) == (uintptr_t)libc_getpid);

	/* A program found in PATH, with no function asked for. */
	assert_ok(ebpfc_uprobe_resolve("sh", NULL, path, sizeof(path), &off));
	assert_int_equal(off, 0);
	assert_true(path[0] == '/');

	assert_err(ebpfc_uprobe_resolve("/proc/self/exe", "no_such_function_here", path,
					sizeof(path), &off), ENOENT);
	assert_errmsg_contains("no function 'no_such_function_here'");
	assert_err(ebpfc_uprobe_resolve("libnosuchlib.so.9", "f", path, sizeof(path), &off),
		   ENOENT);
	assert_errmsg_contains("libnosuchlib.so.9 not found");
	assert_err(ebpfc_uprobe_resolve("/no/such/file", "f", path, sizeof(path), &off), ENOENT);
	/* Not an ELF file at all. */
	assert_err(ebpfc_uprobe_resolve("/proc/self/maps", "f", path, sizeof(path), &off), EINVAL);
}

static void test_argument_checks(void **state)
{
	struct ebpfc_prog *prog = NULL;
	struct ebpfc_link *link = (struct ebpfc_link *)1;
	const struct bpf_insn insns[] = { TU_MOV64_IMM(BPF_REG_0, 0), TU_EXIT() };
	struct {
		struct ebpfc_tracepoint_attach_opts o;
		char tail[8];
	} big;

	(void)state;
	ebpfc_link_destroy(NULL);
	ebpfc_link_set_destroy(NULL);
	assert_err(ebpfc_link_fd(NULL), EINVAL);
	assert_string_equal(ebpfc_link_kind_name(EBPFC_LINK_XDP), "xdp");
	assert_string_equal(ebpfc_link_kind_name((enum ebpfc_link_kind)999), "unknown");
	assert_err(ebpfc_prog_attach_raw_tp(NULL, "sys_enter", NULL, &link), EINVAL);
	assert_null(link);
	assert_err(ebpfc_link_open_pinned("/no/such/pin", &link), ENOENT);

	TU_REQUIRE_PRIVS();
	assert_ok(ebpfc_prog_load(BPF_PROG_TYPE_TRACEPOINT, "t_args", "GPL", insns, 2, NULL,
				  &prog));
	/* An options struct from a newer header, with a tail this library does not know. */
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.tail[3] = 1;
	assert_err(ebpfc_prog_attach_tracepoint(prog, "syscalls", "sys_enter_getpid", &big.o,
						&link), EINVAL);
	assert_errmsg_contains("ebpfc_tracepoint_attach_opts");
	assert_err(ebpfc_prog_attach_tracepoint(prog, "syscalls", "no_such_event", NULL, &link),
		   ENOENT);
	assert_errmsg_contains("does not exist");
	assert_err(ebpfc_prog_attach_tracepoint(prog, "..", "x", NULL, &link), EINVAL);
	/* A program without a section cannot auto-attach. */
	assert_err(ebpfc_prog_attach(prog, &link), EOPNOTSUPP);
	assert_errmsg_contains("ebpfc_prog_attach_");
	assert_err(ebpfc_prog_attach_xdp(prog, 0, NULL, &link), EINVAL);
	assert_err(ebpfc_prog_attach_tc(prog, 1, (enum ebpfc_tc_dir)7, NULL, &link), EINVAL);
	assert_err(ebpfc_prog_attach_iter(prog, NULL, &link), EINVAL);
	assert_errmsg_contains("not an iterator");
	assert_err(ebpfc_prog_attach_tracing(prog, NULL, &link), EINVAL);
	assert_err(ebpfc_prog_attach_netns(prog, 0, NULL, &link), EINVAL);
	assert_err(ebpfc_prog_attach_cgroup(prog, 0, NULL, &link), EINVAL);
	assert_errmsg_contains("attach_type");
	ebpfc_prog_destroy(prog);
}

/* ---- a network namespace with a veth pair -------------------------------------------------- */

static int orig_ns = -1, test_ns = -1;
static int if_a, if_b;
static unsigned char mac_a[6], mac_b[6];
static char net_why[256];

static int get_mac(const char *ifname, unsigned char *mac)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	r = ioctl(s, SIOCGIFHWADDR, &ifr);
	close(s);
	if (r < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/*
 * Make the namespace once: unshare() gives this thread a new one, `ip`
 * (run from this thread, so inside it) makes the veth pair, and the
 * thread goes back. The namespace lives as long as test_ns is open and
 * disappears with its devices when it is closed: nothing can be left.
 */
static bool net_prepare(void)
{
	if (test_ns >= 0)
		return true;
	if (net_why[0])
		return false;
	orig_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig_ns < 0 || unshare(CLONE_NEWNET) < 0) {
		snprintf(net_why, sizeof(net_why), "cannot make a network namespace: %s",
			 strerror(errno));
		return false;
	}
	test_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (test_ns < 0 ||
	    /*
	     * No addresses and no forwarding (a new namespace may inherit the
	     * host's ip_forward): frames sent across the pair go nowhere else.
	     */
	    system("sysctl -qw net.ipv4.ip_forward=0 && "
		   "{ sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || true; } && "
		   "ip link add ebpfcA type veth peer name ebpfcB && ip link set lo up && "
		   "ip link set ebpfcA up && ip link set ebpfcB up") != 0 ||
	    !(if_a = (int)if_nametoindex("ebpfcA")) || !(if_b = (int)if_nametoindex("ebpfcB")) ||
	    get_mac("ebpfcA", mac_a) || get_mac("ebpfcB", mac_b)) {
		snprintf(net_why, sizeof(net_why), "cannot make a veth pair with `ip` in the "
			 "namespace (is iproute2 installed?)");
		if (setns(orig_ns, CLONE_NEWNET) < 0)
			abort();
		if (test_ns >= 0)
			close(test_ns);
		test_ns = -1;
		return false;
	}
	if (setns(orig_ns, CLONE_NEWNET) < 0)
		abort();
	return true;
}

/* Per-test setup and teardown: into the namespace and back out, even after a failure. */
static int net_enter(void **state)
{
	(void)state;
	if (tu_have_bpf_privs(NULL) && net_prepare() && setns(test_ns, CLONE_NEWNET) < 0)
		return -1;
	return 0;
}

static int net_leave(void **state)
{
	(void)state;
	if (orig_ns >= 0 && setns(orig_ns, CLONE_NEWNET) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	net_leave(state);
	if (test_ns >= 0)
		close(test_ns);
	if (orig_ns >= 0)
		close(orig_ns);
	test_ns = orig_ns = -1;
	return tu_teardown(state);
}

#define TU_REQUIRE_NET()                                                              \
	do {                                                                          \
		TU_REQUIRE_PRIVS();                                                   \
		if (test_ns < 0) {                                                    \
			print_message("skipped: %s\n", net_why);                      \
			skip();                                                       \
		}                                                                     \
	} while (0)

static __u16 ip_csum(const void *p, size_t len)
{
	const __u16 *w = p;
	__u32 sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* n UDP frames to UDP_PORT, out of veth A (so into veth B), through an AF_PACKET socket. */
static void send_frames(int n)
{
	/* Two bytes in front, so that the IP header behind Ethernet's 14 is aligned. */
	unsigned char buf[FRAME_LEN + 2] __attribute__((aligned(4))), *f = buf + 2;
	struct iphdr *ip = (struct iphdr *)(f + 14);
	struct udphdr *udp = (struct udphdr *)(f + 34);
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = if_a, .sll_halen = 6 };
	int s, i;

	memset(buf, 0, sizeof(buf));
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	f[12] = 0x08;
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(FRAME_LEN - 14);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = htonl(0x0ad59e01);
	ip->daddr = htonl(0x0ad59e02);
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons(UDP_PORT);
	udp->len = htons(FRAME_LEN - 34);
	memcpy(to.sll_addr, mac_b, 6);
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	for (i = 0; i < n; i++)
		assert_int_equal(sendto(s, f, FRAME_LEN, 0, (struct sockaddr *)&to, sizeof(to)),
				 FRAME_LEN);
	close(s);
}

/* n UDP datagrams to 127.0.0.1:UDP_PORT from this thread's namespace. */
static void send_udp_lo(int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i;

	assert_true(s >= 0);
	for (i = 0; i < n; i++)
		assert_int_equal(sendto(s, "ebpfc", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5);
	close(s);
}

static struct ebpfc_object *load_net(const char *const *progs)
{
	struct ebpfc_object *obj = load_obj("test_link_net.bpf.o", progs, NULL);
	void *addr;
	size_t size;

	assert_ok(ebpfc_object_global(obj, "udp_port", &addr, &size));
	*(volatile __u16 *)addr = UDP_PORT;
	return obj;
}

/* ---- XDP ------------------------------------------------------------------------------------ */

static void test_xdp_link(void **state)
{
	static const char *const progs[] = { "xdp_count", "xdp_count2", NULL };
	EBPFC_OPTS(ebpfc_xdp_attach_opts, xo, .flags = XDP_FLAGS_SKB_MODE);
	struct ebpfc_object *obj;
	struct ebpfc_link *link, *other;
	struct ebpfc_link_info info;
	struct ebpfc_prog_info pi;
	volatile __u64 *c1, *c2;
	int fds;

	(void)state;
	TU_REQUIRE_NET();
	fds = tu_count_fds();
	obj = load_net(progs);
	c1 = var64(obj, "xdp_pkts");
	c2 = var64(obj, "xdp2_pkts");
	assert_ok(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count"), if_b, &xo, &link));
	assert_int_equal(ebpfc_link_kind(link), EBPFC_LINK_XDP);
	assert_int_equal(ebpfc_link_mech(link), EBPFC_LINK_MECH_BPF_LINK);
	assert_true(ebpfc_link_fd(link) > 2);
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(c1, N_EVENTS), N_EVENTS);

	assert_ok(ebpfc_link_info(link, &info));
	assert_ok(ebpfc_prog_info(prog_of(obj, "xdp_count"), &pi));
	assert_int_equal(info.link_type, BPF_LINK_TYPE_XDP);
	assert_int_equal(info.ifindex, if_b);
	assert_int_equal(info.prog_id, pi.id);
	assert_true(info.id > 0);
	assert_string_equal(info.name, "ebpfcB");
	assert_false(info.pinned);

	/* A second program on the same device is refused, not stacked. */
	assert_err(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count2"), if_b, &xo, &other), EBUSY);
	assert_errmsg_contains("runs an XDP program already");

	/* Replace the program: the second counts, the first stops. */
	assert_err(ebpfc_link_update_prog(link, prog_of(obj, "xdp_count2"),
					  prog_of(obj, "xdp_count2")), EPERM);
	assert_ok(ebpfc_link_update_prog(link, prog_of(obj, "xdp_count2"),
					 prog_of(obj, "xdp_count")));
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(c2, N_EVENTS), N_EVENTS);
	assert_int_equal(*c1, N_EVENTS);

	/* Detach keeps the handle and its fd; nothing runs any more. */
	assert_ok(ebpfc_link_detach(link));
	assert_true(ebpfc_link_fd(link) > 2);
	assert_ok(ebpfc_link_info(link, &info));
	assert_true(info.detached);
	send_frames(N_EVENTS);
	sleep_ms(50);
	assert_int_equal(*c2, N_EVENTS);
	ebpfc_link_destroy(link);

	/* And destroy of a live link detaches: attach again, destroy, nothing counts. */
	assert_ok(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count"), if_b, &xo, &link));
	send_frames(1);
	assert_int_equal(wait_count(c1, N_EVENTS + 1), N_EVENTS + 1);
	ebpfc_link_destroy(link);
	send_frames(N_EVENTS);
	sleep_ms(50);
	assert_int_equal(*c1, N_EVENTS + 1);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_xdp_netlink(void **state)
{
	static const char *const progs[] = { "xdp_count", "xdp_count2", NULL };
	EBPFC_OPTS(ebpfc_xdp_attach_opts, xo, .flags = XDP_FLAGS_SKB_MODE, .netlink = true);
	struct ebpfc_object *obj;
	struct ebpfc_link *link, *other;
	struct ebpfc_link_info info;
	struct ebpfc_prog_info pi;
	volatile __u64 *c1, *c2;
	int fds;

	(void)state;
	TU_REQUIRE_NET();
	fds = tu_count_fds();
	obj = load_net(progs);
	c1 = var64(obj, "xdp_pkts");
	c2 = var64(obj, "xdp2_pkts");
	assert_ok(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count"), if_b, &xo, &link));
	assert_int_equal(ebpfc_link_mech(link), EBPFC_LINK_MECH_NETLINK);
	assert_err(ebpfc_link_fd(link), ENOENT);
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(c1, N_EVENTS), N_EVENTS);
	assert_ok(ebpfc_link_info(link, &info));
	assert_ok(ebpfc_prog_info(prog_of(obj, "xdp_count"), &pi));
	assert_int_equal(info.prog_id, pi.id);
	assert_int_equal(info.ifindex, if_b);
	assert_int_equal(info.link_type, 0);
	assert_false(info.detached);

	/* Netlink too refuses to overwrite, unless told which program to replace. */
	assert_err(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count2"), if_b, &xo, &other), EBUSY);
	assert_errmsg_contains("expected_prog_fd");
	/* A link cannot go where netlink put a program. */
	xo.netlink = false;
	assert_err(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count2"), if_b, &xo, &other), EBUSY);
	xo.netlink = true;
	assert_err(ebpfc_link_pin(link, "/sys/fs/bpf/x"), EOPNOTSUPP);

	/* update_prog: IFLA_XDP with the expected program. */
	assert_ok(ebpfc_link_update_prog(link, prog_of(obj, "xdp_count2"), NULL));
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(c2, N_EVENTS), N_EVENTS);
	assert_int_equal(*c1, N_EVENTS);
	assert_ok(ebpfc_prog_info(prog_of(obj, "xdp_count2"), &pi));
	assert_ok(ebpfc_link_info(link, &info));
	assert_int_equal(info.prog_id, pi.id);

	ebpfc_link_destroy(link);
	send_frames(N_EVENTS);
	sleep_ms(50);
	assert_int_equal(*c2, N_EVENTS);

	/*
	 * Replacing a named program (IFLA_XDP_EXPECTED_FD): the replaced link no
	 * longer owns the hook, and its destroy leaves the new program alone.
	 */
	assert_ok(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count"), if_b, &xo, &link));
	xo.expected_prog_fd = ebpfc_prog_fd(prog_of(obj, "xdp_count2"));
	assert_err(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count2"), if_b, &xo, &other), EEXIST);
	xo.expected_prog_fd = ebpfc_prog_fd(prog_of(obj, "xdp_count"));
	assert_ok(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count2"), if_b, &xo, &other));
	xo.expected_prog_fd = 0;
	ebpfc_link_destroy(link);
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(c2, 2 * N_EVENTS), 2 * N_EVENTS);
	assert_int_equal(*c1, N_EVENTS);
	ebpfc_link_destroy(other);
	send_frames(N_EVENTS);
	sleep_ms(50);
	assert_int_equal(*c2, 2 * N_EVENTS);

	/* Nothing is attached any more: a new attachment goes through. */
	assert_ok(ebpfc_prog_attach_xdp(prog_of(obj, "xdp_count"), if_b, &xo, &link));
	assert_ok(ebpfc_link_detach(link));
	assert_ok(ebpfc_link_info(link, &info));
	assert_true(info.detached);
	assert_int_equal(info.prog_id, 0);
	ebpfc_link_destroy(link);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- tc ----------------------------------------------------------------------------------- */

static bool qdisc_has_clsact(const char *dev)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "tc qdisc show dev %s 2>/dev/null | grep -q clsact", dev);
	return system(cmd) == 0;
}

static void test_tcx(void **state)
{
	static const char *const progs[] = { "tc_ingress", "tc_egress", "tc_second", NULL };
	EBPFC_OPTS(ebpfc_tc_attach_opts, to);
	struct ebpfc_object *obj;
	struct ebpfc_link *in, *eg, *second, *refused;
	struct ebpfc_link_info info;
	struct ebpfc_prog_info p_in, p_2;
	volatile __u64 *ci, *ce, *c2;
	__u32 ids[4], cnt = 4;
	__u64 rev = 0;
	int fds;

	(void)state;
	TU_REQUIRE_NET();
	TU_REQUIRE_PROBE(ebpfc_probe_tcx());
	fds = tu_count_fds();
	obj = load_net(progs);
	ci = var64(obj, "tc_in_pkts");
	ce = var64(obj, "tc_eg_pkts");
	c2 = var64(obj, "tc2_pkts");
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_ingress"), if_b, EBPFC_TC_INGRESS, NULL,
				       &in));
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_egress"), if_a, EBPFC_TC_EGRESS, NULL,
				       &eg));
	assert_int_equal(ebpfc_link_mech(in), EBPFC_LINK_MECH_BPF_LINK);
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(ci, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(ce, N_EVENTS), N_EVENTS);
	assert_int_equal(*var64(obj, "tc_in_bytes"), N_EVENTS * FRAME_LEN);
	assert_int_equal(*var64(obj, "tc_eg_bytes"), N_EVENTS * FRAME_LEN);
	assert_ok(ebpfc_link_info(in, &info));
	assert_int_equal(info.ifindex, if_b);
	assert_int_equal(info.attach_type, 46 /* BPF_TCX_INGRESS */);
	assert_string_equal(info.name, "ebpfcB:ingress");

	/* Ordering: the second program goes before the first, at the revision we saw. */
	assert_ok(ebpfc_sys_prog_query(if_b, 46, 0, NULL, ids, &cnt, &rev));
	assert_int_equal(cnt, 1);
	to.flags = EBPFC_F_BEFORE;
	to.relative_fd = ebpfc_prog_fd(prog_of(obj, "tc_ingress"));
	to.expected_revision = rev + 5;
	assert_err(ebpfc_prog_attach_tc(prog_of(obj, "tc_second"), if_b, EBPFC_TC_INGRESS, &to,
					&second), ESTALE);
	to.expected_revision = rev;
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_second"), if_b, EBPFC_TC_INGRESS, &to,
				       &second));
	assert_int_equal(ebpfc_link_kind(second), EBPFC_LINK_TC);
	cnt = 4;
	assert_ok(ebpfc_sys_prog_query(if_b, 46, 0, NULL, ids, &cnt, NULL));
	assert_int_equal(cnt, 2);
	assert_ok(ebpfc_prog_info(prog_of(obj, "tc_ingress"), &p_in));
	assert_ok(ebpfc_prog_info(prog_of(obj, "tc_second"), &p_2));
	assert_int_equal(ids[0], p_2.id);
	assert_int_equal(ids[1], p_in.id);
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(c2, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(ci, 2 * N_EVENTS), 2 * N_EVENTS);	/* both run: TCX_NEXT */

	/* Ordering needs tcx: asked of clsact, it is refused. */
	to.legacy = true;
	assert_err(ebpfc_prog_attach_tc(prog_of(obj, "tc_second"), if_a, EBPFC_TC_INGRESS, &to,
					&refused), EOPNOTSUPP);
	assert_null(refused);

	ebpfc_link_destroy(second);
	ebpfc_link_destroy(in);
	ebpfc_link_destroy(eg);
	send_frames(N_EVENTS);
	sleep_ms(50);
	assert_int_equal(*ci, 2 * N_EVENTS);
	assert_int_equal(*ce, 2 * N_EVENTS);
	assert_int_equal(*c2, N_EVENTS);
	cnt = 4;
	assert_ok(ebpfc_sys_prog_query(if_b, 46, 0, NULL, ids, &cnt, NULL));
	assert_int_equal(cnt, 0);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_tc_clsact(void **state)
{
	static const char *const progs[] = { "tc_ingress", "tc_egress", "tc_second", NULL };
	EBPFC_OPTS(ebpfc_tc_attach_opts, to, .legacy = true);
	struct ebpfc_object *obj;
	struct ebpfc_link *in, *eg, *second;
	struct ebpfc_link_info info;
	struct ebpfc_prog_info pi;
	volatile __u64 *ci, *ce, *c2;
	int fds;

	(void)state;
	TU_REQUIRE_NET();
	fds = tu_count_fds();
	obj = load_net(progs);
	ci = var64(obj, "tc_in_pkts");
	ce = var64(obj, "tc_eg_pkts");
	c2 = var64(obj, "tc2_pkts");
	assert_false(qdisc_has_clsact("ebpfcB"));
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_ingress"), if_b, EBPFC_TC_INGRESS, &to,
				       &in));
	assert_int_equal(ebpfc_link_mech(in), EBPFC_LINK_MECH_NETLINK);
	assert_true(qdisc_has_clsact("ebpfcB"));
	/* The same qdisc takes the egress filter; this link did not create it. */
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_second"), if_b, EBPFC_TC_EGRESS, &to,
				       &second));
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_egress"), if_a, EBPFC_TC_EGRESS, &to,
				       &eg));
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(ci, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(ce, N_EVENTS), N_EVENTS);
	assert_int_equal(*var64(obj, "tc_in_bytes"), N_EVENTS * FRAME_LEN);
	assert_ok(ebpfc_link_info(in, &info));
	assert_ok(ebpfc_prog_info(prog_of(obj, "tc_ingress"), &pi));
	assert_int_equal(info.prog_id, pi.id);
	assert_int_equal(info.ifindex, if_b);
	assert_err(ebpfc_link_update_prog(in, prog_of(obj, "tc_second"), NULL), EOPNOTSUPP);

	/* Destroying the link that made the qdisc while another filter is on it: it stays. */
	ebpfc_link_destroy(in);
	assert_true(qdisc_has_clsact("ebpfcB"));
	send_frames(N_EVENTS);
	assert_int_equal(wait_count(ce, 2 * N_EVENTS), 2 * N_EVENTS);
	assert_int_equal(*ci, N_EVENTS);
	ebpfc_link_destroy(second);
	/* It was not this link's to remove. */
	assert_true(qdisc_has_clsact("ebpfcB"));
	ebpfc_link_destroy(eg);
	assert_false(qdisc_has_clsact("ebpfcA"));
	assert_int_equal(system("tc qdisc del dev ebpfcB clsact"), 0);

	/* In the right order, the creator goes last and takes the qdisc with it. */
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_ingress"), if_b, EBPFC_TC_INGRESS, &to,
				       &in));
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_second"), if_b, EBPFC_TC_EGRESS, &to,
				       &second));
	ebpfc_link_destroy(second);
	ebpfc_link_destroy(in);
	assert_false(qdisc_has_clsact("ebpfcB"));

	/* A qdisc that was there before stays after. */
	assert_int_equal(system("tc qdisc add dev ebpfcB clsact"), 0);
	assert_ok(ebpfc_prog_attach_tc(prog_of(obj, "tc_ingress"), if_b, EBPFC_TC_INGRESS, &to,
				       &in));
	send_frames(1);
	assert_int_equal(wait_count(ci, N_EVENTS + 1), N_EVENTS + 1);
	ebpfc_link_destroy(in);
	assert_true(qdisc_has_clsact("ebpfcB"));
	send_frames(N_EVENTS);
	sleep_ms(50);
	assert_int_equal(*ci, N_EVENTS + 1);
	assert_int_equal(system("tc qdisc del dev ebpfcB clsact"), 0);
	assert_int_equal(*c2, 0);	/* tc_second sat on egress of B: nothing leaves B */
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- other network hooks -------------------------------------------------------------------- */

static void test_netfilter(void **state)
{
	static const char *const progs[] = { "nf_count", NULL };
	EBPFC_OPTS(ebpfc_netfilter_attach_opts, no, .pf = NFPROTO_IPV4,
		   .hooknum = NF_INET_LOCAL_OUT, .priority = -128);
	struct ebpfc_object *obj;
	struct ebpfc_link *link;
	struct ebpfc_link_info info;
	volatile __u64 *c;
	__u64 before;
	int err, fds;

	(void)state;
	TU_REQUIRE_NET();
	TU_REQUIRE_PROBE(ebpfc_probe_prog_type(32 /* BPF_PROG_TYPE_NETFILTER */));
	fds = tu_count_fds();
	obj = load_net(progs);
	c = var64(obj, "nf_pkts");
	err = ebpfc_prog_attach_netfilter(prog_of(obj, "nf_count"), &no, &link);
	if (err == -EOPNOTSUPP || err == -EPROTONOSUPPORT) {
		ebpfc_object_destroy(obj);
		print_message("skipped: netfilter hooks unavailable: %s\n", ebpfc_errmsg());
		skip();
	}
	assert_ok(err);
	send_udp_lo(N_EVENTS);
	assert_true(wait_count(c, N_EVENTS) >= N_EVENTS);
	assert_ok(ebpfc_link_info(link, &info));
	assert_int_equal(info.kind, EBPFC_LINK_NETFILTER);
	ebpfc_link_destroy(link);
	before = *c;
	send_udp_lo(N_EVENTS);
	sleep_ms(20);
	assert_int_equal(*c, before);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_sk_lookup_and_flow_dissector(void **state)
{
	static const char *const progs[] = { "lookup_count", "flow_count", NULL };
	struct ebpfc_object *obj;
	struct ebpfc_link *lk, *fl;
	struct ebpfc_link_info info;
	struct stat st;
	volatile __u64 *c;
	__u32 ids[2], cnt = 2;
	int fds, ns;

	(void)state;
	TU_REQUIRE_NET();
	fds = tu_count_fds();
	obj = load_net(progs);
	c = var64(obj, "lookup_hits");
	ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(ns >= 0);
	assert_ok(ebpfc_prog_attach_netns(prog_of(obj, "lookup_count"), ns, NULL, &lk));
	assert_ok(ebpfc_prog_attach_netns(prog_of(obj, "flow_count"), ns, NULL, &fl));
	send_udp_lo(N_EVENTS);
	assert_int_equal(wait_count(c, N_EVENTS), N_EVENTS);
	assert_ok(ebpfc_link_info(lk, &info));
	assert_int_equal(info.kind, EBPFC_LINK_NETNS);
	assert_int_equal(info.attach_type, BPF_SK_LOOKUP);
	assert_ok(fstat(ns, &st));
	assert_int_equal(info.netns_ino, st.st_ino);
	assert_ok(ebpfc_sys_prog_query(ns, BPF_FLOW_DISSECTOR, 0, NULL, ids, &cnt, NULL));
	assert_int_equal(cnt, 1);
	/* Detach in place: the link stays, the hook is free. */
	assert_ok(ebpfc_link_detach(fl));
	cnt = 2;
	assert_ok(ebpfc_sys_prog_query(ns, BPF_FLOW_DISSECTOR, 0, NULL, ids, &cnt, NULL));
	assert_int_equal(cnt, 0);
	ebpfc_link_destroy(fl);
	ebpfc_link_destroy(lk);
	send_udp_lo(N_EVENTS);
	sleep_ms(20);
	assert_int_equal(*c, N_EVENTS);
	close(ns);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_sockmap(void **state)
{
	static const char *const progs[] = { "msg_count", "verdict_count", NULL };
	EBPFC_OPTS(ebpfc_sockmap_attach_opts, so);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct ebpfc_object *obj;
	struct ebpfc_link *msg, *verdict;
	struct ebpfc_map *socks;
	volatile __u64 *c;
	__u32 key = 0, v, ids[2], cnt = 2;
	int fds, srv, cli, acc, i, legacy;
	char buf[16];

	(void)state;
	TU_REQUIRE_NET();
	fds = tu_count_fds();
	for (legacy = 0; legacy < 2; legacy++) {
		obj = load_net(progs);
		c = var64(obj, "msg_hits");
		assert_ok(ebpfc_object_find_map(obj, "socks", &socks));
		so.legacy = legacy;
		assert_ok(ebpfc_prog_attach_sockmap(prog_of(obj, "msg_count"),
						    ebpfc_map_fd(socks), &so, &msg));
		assert_ok(ebpfc_prog_attach_sockmap(prog_of(obj, "verdict_count"),
						    ebpfc_map_fd(socks), &so, &verdict));
		if (legacy)
			assert_int_equal(ebpfc_link_mech(msg), EBPFC_LINK_MECH_PROG_ATTACH);
		cnt = 2;
		assert_ok(ebpfc_sys_prog_query(ebpfc_map_fd(socks), BPF_SK_MSG_VERDICT, 0, NULL, ids,
					       &cnt, NULL));
		assert_int_equal(cnt, 1);

		srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_ok(bind(srv, (struct sockaddr *)&a, sizeof(a)));
		assert_ok(listen(srv, 1));
		assert_ok(getsockname(srv, (struct sockaddr *)&a, &alen));
		cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_ok(connect(cli, (struct sockaddr *)&a, sizeof(a)));
		acc = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
		assert_true(acc >= 0);
		v = (__u32)cli;
		assert_ok(ebpfc_map_update(socks, &key, sizeof(key), &v, sizeof(v), BPF_ANY));
		for (i = 0; i < N_EVENTS; i++)
			assert_int_equal(send(cli, "x", 1, 0), 1);
		assert_true(wait_count(c, N_EVENTS) >= N_EVENTS);
		assert_true(recv(acc, buf, sizeof(buf), 0) > 0);
		assert_ok(ebpfc_map_delete(socks, &key, sizeof(key), 0));
		close(acc);
		close(cli);
		close(srv);
		a.sin_port = 0;
		ebpfc_link_destroy(msg);
		ebpfc_link_destroy(verdict);
		cnt = 2;
		assert_ok(ebpfc_sys_prog_query(ebpfc_map_fd(socks), BPF_SK_MSG_VERDICT, 0, NULL, ids,
					       &cnt, NULL));
		assert_int_equal(cnt, 0);
		ebpfc_object_destroy(obj);
	}
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- tracepoints ---------------------------------------------------------------------------------- */

static void test_tracepoint(void **state)
{
	static const char *const progs[] = { "tp_getpid", NULL };
	EBPFC_OPTS(ebpfc_tracepoint_attach_opts, to, .cookie = 0x5eed);
	struct ebpfc_object *obj;
	struct ebpfc_link *link;
	struct ebpfc_link_info info;
	volatile __u64 *c;
	int fds;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	c = var64(obj, "tp_hits");
	assert_ok(ebpfc_prog_attach_tracepoint(prog_of(obj, "tp_getpid"), "syscalls",
					       "sys_enter_getpid", &to, &link));
	assert_int_equal(ebpfc_link_mech(link), EBPFC_LINK_MECH_BPF_LINK);
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(c, N_EVENTS), N_EVENTS);
	assert_int_equal(*var64(obj, "tp_cookie"), 0x5eed);
	assert_ok(ebpfc_link_info(link, &info));
	assert_int_equal(info.kind, EBPFC_LINK_TRACEPOINT);
	assert_int_equal(info.link_type, BPF_LINK_TYPE_PERF_EVENT);
	assert_string_equal(info.name, "syscalls:sys_enter_getpid");
	assert_int_equal(info.cookie, 0x5eed);
	/*
	 * A perf link has no detach of its own, and a disabled tracepoint event
	 * still runs its program: only destroy detaches.
	 */
	assert_err(ebpfc_link_detach(link), EOPNOTSUPP);
	ebpfc_link_destroy(link);
	do_getpids(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*c, N_EVENTS);

	/* The old way: PERF_EVENT_IOC_SET_BPF. */
	to.cookie = 0;
	to.perf_ioctl = true;
	assert_ok(ebpfc_prog_attach_tracepoint(prog_of(obj, "tp_getpid"), "syscalls",
					       "sys_enter_getpid", &to, &link));
	assert_int_equal(ebpfc_link_mech(link), EBPFC_LINK_MECH_PERF_IOCTL);
	assert_err(ebpfc_link_pin(link, "/sys/fs/bpf/nope"), EOPNOTSUPP);
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(c, 2 * N_EVENTS), 2 * N_EVENTS);
	/* Here ebpfc owns the event: detach closes it, the handle stays. */
	assert_ok(ebpfc_link_detach(link));
	assert_err(ebpfc_link_fd(link), ENOENT);
	do_getpids(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*c, 2 * N_EVENTS);
	ebpfc_link_destroy(link);
	to.cookie = 1;
	assert_err(ebpfc_prog_attach_tracepoint(prog_of(obj, "tp_getpid"), "syscalls",
						"sys_enter_getpid", &to, &link), EINVAL);
	assert_errmsg_contains("cookie");
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_raw_tp(void **state)
{
	static const char *const with_cookie[] = { "rawtp_cookie_sys_enter", NULL };
	static const char *const plain[] = { "rawtp_sys_enter", NULL };
	EBPFC_OPTS(ebpfc_raw_tp_attach_opts, ro, .cookie = 0xc00c1e);
	struct ebpfc_object *obj;
	struct ebpfc_link *link;
	struct ebpfc_link_info info;
	const char *name = with_cookie[0];
	volatile __u64 *c;
	int fds, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	/* Before 6.10 raw tracepoints have no cookie: the plain program then. */
	obj = try_load_obj("test_link_trace.bpf.o", with_cookie, NULL, &err);
	if (!obj) {
		print_message("note: no raw_tp cookies here (%s)\n", ebpfc_errmsg());
		obj = load_obj("test_link_trace.bpf.o", plain, NULL);
		name = plain[0];
		ro.cookie = 0;
	}
	set_target_tgid(obj);
	c = var64(obj, "rawtp_hits");
	err = ebpfc_prog_attach_raw_tp(prog_of(obj, name), "sys_enter", &ro, &link);
	assert_ok(err);
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(c, N_EVENTS), N_EVENTS);
	assert_int_equal(*var64(obj, "rawtp_cookie"), ro.cookie);
	assert_ok(ebpfc_link_info(link, &info));
	assert_int_equal(info.link_type, BPF_LINK_TYPE_RAW_TRACEPOINT);
	assert_string_equal(info.name, "sys_enter");
	/* Raw tracepoint links cannot be detached in place; the message says what to do. */
	assert_err(ebpfc_link_detach(link), EOPNOTSUPP);
	assert_errmsg_contains("destroy it instead");
	ebpfc_link_destroy(link);
	do_getpids(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*c, N_EVENTS);
	assert_err(ebpfc_prog_attach_raw_tp(prog_of(obj, name), "no_such_tp_here", NULL, &link),
		   ENOENT);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_tp_btf(void **state)
{
	static const char *const progs[] = { "tpbtf_sys_enter", NULL };
	struct ebpfc_object *obj = NULL;
	struct ebpfc_link *link;
	struct ebpfc_link_info info;
	char path[512];
	volatile __u64 *c;
	int fds, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	/* Loading tp_btf needs BTF and a kernel that lets tracing programs in. */
	snprintf(path, sizeof(path), "%s/test_link_trace.bpf.o", BPF_DIR);
	assert_ok(ebpfc_object_open_file(path, NULL, &obj));
	for (size_t i = 0; i < ebpfc_object_prog_count(obj); i++)
		ebpfc_prog_set_autoload(ebpfc_object_prog_at(obj, i),
					!strcmp(ebpfc_prog_name(ebpfc_object_prog_at(obj, i)),
						progs[0]));
	err = ebpfc_object_load(obj, NULL);
	if (err == -EPERM || err == -524 /* ENOTSUPP */ || err == -EOPNOTSUPP) {
		print_message("skipped: this kernel refuses tp_btf programs: %s\n", ebpfc_errmsg());
		ebpfc_object_destroy(obj);
		skip();
	}
	assert_ok(err);
	set_target_tgid(obj);
	c = var64(obj, "tpbtf_hits");
	assert_ok(ebpfc_prog_attach_tracing(prog_of(obj, "tpbtf_sys_enter"), NULL, &link));
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(c, N_EVENTS), N_EVENTS);
	assert_ok(ebpfc_link_info(link, &info));
	assert_int_equal(info.kind, EBPFC_LINK_TRACING);
	assert_string_equal(info.name, "sys_enter");
	ebpfc_link_destroy(link);
	do_getpids(N_EVENTS);
	assert_int_equal(*c, N_EVENTS);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- iterators --------------------------------------------------------------------------------- */

static void set_task_offsets(struct ebpfc_object *obj)
{
	static const char *const fields[] = { "pid", "tgid", "comm" };
	static const char *const vars[] = { "task_pid_off", "task_tgid_off", "task_comm_off" };
	struct ebpfc_btf_member_info m;
	struct ebpfc_btf *btf;
	__u32 id, off;
	size_t i;

	assert_ok(ebpfc_btf_open_vmlinux(&btf));
	assert_ok(ebpfc_btf_find(btf, "task_struct", BTF_KIND_STRUCT, &id));
	for (i = 0; i < 3; i++) {
		assert_true(ebpfc_btf_member_find(btf, id, fields[i], &m) >= 0);
		off = m.bit_offset / 8;
		assert_ok(ebpfc_object_global_set(obj, vars[i], &off, sizeof(off)));
	}
	ebpfc_btf_destroy(btf);
}

static void test_iter_task(void **state)
{
	static const char *const progs[] = { "dump_task", NULL };
	struct ebpfc_object *obj;
	struct ebpfc_link *link;
	struct ebpfc_link_info info;
	char *out, *out2, *nl_out, mine[64], line[80];
	size_t len, lines = 0, i;
	int fds, fd;
	ssize_t n;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, set_task_offsets);
	assert_ok(ebpfc_prog_attach_iter(prog_of(obj, "dump_task"), NULL, &link));
	assert_ok(ebpfc_link_iter_read(link, &out, &len));
	assert_int_equal(strlen(out), len);
	for (i = 0; i < len; i++)
		lines += out[i] == '\n';
	assert_true(lines > 3);
	assert_int_equal(out[len - 1], '\n');
	/* This process is there, as "tgid pid comm". */
	snprintf(mine, sizeof(mine), "\n%d %d ", (int)getpid(), (int)getpid());
	assert_true(asprintf(&nl_out, "\n%s", out) > 0);
	assert_non_null(strstr(nl_out, mine));
	free(nl_out);
	/* Every line is "<number> <number> <name>", with kernel threads among them (tgid == pid). */
	for (char *p = out, *eol; *p; p = eol + 1) {
		int a, b;
		char comm[32];

		eol = strchr(p, '\n');
		assert_non_null(eol);
		assert_int_equal(sscanf(p, "%d %d %31s", &a, &b, comm), 3);
		assert_true(a > 0 && b > 0);
	}
	assert_int_equal(*var64(obj, "iter_tasks"), lines);

	/* Every read is a new iteration; an iter fd reads to EOF too. */
	assert_ok(ebpfc_link_iter_read(link, &out2, NULL));
	assert_non_null(strstr(out2, mine + 1));
	free(out2);
	assert_ok(ebpfc_link_iter_open(link, &fd));
	n = read(fd, line, sizeof(line));
	assert_true(n > 0);
	while ((n = read(fd, line, sizeof(line))) > 0)
		;
	assert_int_equal(n, 0);
	close(fd);
	free(out);

	assert_ok(ebpfc_link_info(link, &info));
	assert_int_equal(info.link_type, BPF_LINK_TYPE_ITER);
	assert_string_equal(info.name, "task");
	ebpfc_link_destroy(link);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- uprobes ------------------------------------------------------------------------------------ */

static void call_targets(int n)
{
	int i;

	for (i = 0; i < n; i++)
		call_target(i);
}

static void uprobe_self(bool tracefs)
{
	static const char *const progs[] = { "uprobe_count", "uretprobe_count", NULL };
	EBPFC_OPTS(ebpfc_uprobe_attach_opts, uo, .cookie = 0xabc, .tracefs = tracefs);
	struct ebpfc_object *obj;
	struct ebpfc_link *up, *ret;
	struct ebpfc_link_info info;
	volatile __u64 *cu, *cr;
	char exe[4096], needle[64];
	const char *root;
	__u64 off;
	int fds;

	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	cu = var64(obj, "uprobe_hits");
	cr = var64(obj, "uretprobe_hits");
	assert_ok(ebpfc_prog_attach_uprobe(prog_of(obj, "uprobe_count"), "/proc/self/exe",
					   "link_test_target", &uo, &up));
	uo.retprobe = true;
	uo.pid = getpid();
	assert_ok(ebpfc_prog_attach_uprobe(prog_of(obj, "uretprobe_count"), "/proc/self/exe",
					   "link_test_target", &uo, &ret));
	if (tracefs) {
		assert_ok(ebpfc__tracefs_root(&root));
		snprintf(exe, sizeof(exe), "%s/uprobe_events", root);
		snprintf(needle, sizeof(needle), "ebpfc/ebpfc_%d_", (int)getpid());
		assert_true(file_contains(exe, needle));
	}
	call_targets(N_EVENTS);
	call_target_b(1);
	assert_int_equal(wait_count(cu, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(cr, N_EVENTS), N_EVENTS);
	assert_int_equal(*var64(obj, "uprobe_cookie"), 0xabc);
	assert_ok(ebpfc_link_info(up, &info));
	assert_int_equal(info.kind, EBPFC_LINK_UPROBE);
	assert_ok(ebpfc_uprobe_resolve("/proc/self/exe", "link_test_target", exe, sizeof(exe),
				       &off));
	assert_string_equal(info.name, exe);
	assert_int_equal(info.offset, off);
	ebpfc_link_destroy(up);
	ebpfc_link_destroy(ret);
	call_targets(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*cu, N_EVENTS);
	assert_int_equal(*cr, N_EVENTS);
	ebpfc_object_destroy(obj);
	assert_no_probes_left();
	assert_int_equal(tu_count_fds(), fds);
}

static void test_uprobe_self(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	uprobe_self(false);
}

static void test_uprobe_tracefs(void **state)
{
	const char *root = NULL;
	char path[256];

	(void)state;
	TU_REQUIRE_PRIVS();
	if (ebpfc__tracefs_root(&root)) {
		print_message("skipped: no tracefs: %s\n", ebpfc_errmsg());
		skip();
	}
	snprintf(path, sizeof(path), "%s/uprobe_events", root);
	if (access(path, W_OK)) {
		print_message("skipped: no %s (CONFIG_UPROBE_EVENTS off)\n", path);
		skip();
	}
	uprobe_self(true);
}

static void test_uprobe_libc(void **state)
{
	static const char *const progs[] = { "uprobe_count", "uretprobe_count", NULL };
	EBPFC_OPTS(ebpfc_uprobe_attach_opts, uo);
	struct ebpfc_object *obj;
	struct ebpfc_link *up, *ret;
	volatile __u64 *cu, *cr;
	int fds, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	cu = var64(obj, "uprobe_hits");
	cr = var64(obj, "uretprobe_hits");
	assert_ok(ebpfc_prog_attach_uprobe(prog_of(obj, "uprobe_count"), "libc.so.6", "getpid",
					   &uo, &up));
	uo.retprobe = true;
	assert_ok(ebpfc_prog_attach_uprobe(prog_of(obj, "uretprobe_count"), "libc.so.6", "getpid",
					   &uo, &ret));
	for (i = 0; i < N_EVENTS; i++)
		getpid();
	assert_int_equal(wait_count(cu, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(cr, N_EVENTS), N_EVENTS);
	ebpfc_link_destroy(up);
	ebpfc_link_destroy(ret);
	for (i = 0; i < N_EVENTS; i++)
		getpid();
	sleep_ms(10);
	assert_int_equal(*cu, N_EVENTS);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_uprobe_multi(void **state)
{
	static const char *const progs[] = { "umulti_count", NULL };
	EBPFC_OPTS(ebpfc_uprobe_multi_attach_opts, mo);
	const char *syms[] = { "link_test_target", "link_test_target_b" };
	struct ebpfc_object *obj;
	struct ebpfc_link *link;
	volatile __u64 *c;
	int fds, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	c = var64(obj, "umulti_hits");
	err = ebpfc_prog_attach_uprobe_multi(prog_of(obj, "umulti_count"), "/proc/self/exe",
					     "link_test_target*", &mo, &link);
	if (err == -EINVAL || err == -EOPNOTSUPP) {
		print_message("skipped: no uprobe.multi links here: %s\n", ebpfc_errmsg());
		ebpfc_object_destroy(obj);
		skip();
	}
	assert_ok(err);
	call_targets(N_EVENTS);
	call_target_b(1);
	assert_int_equal(wait_count(c, N_EVENTS + 1), N_EVENTS + 1);
	ebpfc_link_destroy(link);

	/* By names, for one process. */
	mo.syms = syms;
	mo.cnt = 1;
	mo.pid = getpid();
	assert_ok(ebpfc_prog_attach_uprobe_multi(prog_of(obj, "umulti_count"), "/proc/self/exe",
						 NULL, &mo, &link));
	call_target_b(1);
	call_targets(2);
	assert_int_equal(wait_count(c, N_EVENTS + 3), N_EVENTS + 3);
	ebpfc_link_destroy(link);
	call_targets(2);
	sleep_ms(10);
	assert_int_equal(*c, N_EVENTS + 3);
	assert_err(ebpfc_prog_attach_uprobe_multi(prog_of(obj, "umulti_count"), "/proc/self/exe",
						  "no_such_fn_*", NULL, &link), ENOENT);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- kprobes, fentry, freplace (the VM) ----------------------------------------------------------- */

static void kprobe_pair(bool tracefs)
{
	static const char *const progs[] = { "kprobe_openat2", "kretprobe_openat2", NULL };
	EBPFC_OPTS(ebpfc_kprobe_attach_opts, ko, .cookie = 0xfeed, .tracefs = tracefs);
	struct ebpfc_object *obj;
	struct ebpfc_link *kp, *kr;
	struct ebpfc_link_info info;
	volatile __u64 *ck, *cr;
	int fds, err;

	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	ck = var64(obj, "kprobe_hits");
	cr = var64(obj, "kretprobe_hits");
	assert_ok(ebpfc_prog_attach_kprobe(prog_of(obj, "kprobe_openat2"), "do_sys_openat2", &ko,
					   &kp));
	ko.retprobe = true;
	ko.cookie = 0;
	assert_ok(ebpfc_prog_attach_kprobe(prog_of(obj, "kretprobe_openat2"), "do_sys_openat2",
					   &ko, &kr));
	/* Attaching opened files (sysfs, tracefs) under the first probe: start from zero. */
	*ck = 0;
	*cr = 0;
	do_opens(N_EVENTS);
	assert_int_equal(wait_count(ck, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(cr, N_EVENTS), N_EVENTS);
	assert_int_equal(*var64(obj, "kprobe_cookie"), 0xfeed);
	assert_ok(ebpfc_link_info(kp, &info));
	assert_int_equal(info.kind, EBPFC_LINK_KPROBE);
	assert_string_equal(info.name, "do_sys_openat2");
	ebpfc_link_destroy(kp);
	ebpfc_link_destroy(kr);
	/* Removing a tracefs probe opens kprobe_events under the other one: count from here. */
	*ck = 0;
	*cr = 0;
	do_opens(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*ck, 0);
	assert_int_equal(*cr, 0);
	ko.retprobe = false;
	err = ebpfc_prog_attach_kprobe(prog_of(obj, "kprobe_openat2"), "no_such_kernel_function_x",
				       &ko, &kp);
	if (err != -ENOENT && err != -EINVAL)
		fail_msg("kprobe on a missing function gave %d: %s", err, ebpfc_errmsg());
	ebpfc_object_destroy(obj);
	assert_no_probes_left();
	assert_int_equal(tu_count_fds(), fds);
}

static void test_kprobe(void **state)
{
	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_kprobe());
	kprobe_pair(false);
}

static void test_kprobe_tracefs(void **state)
{
	const char *root = NULL;
	char path[256];

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_kprobe());
	if (ebpfc__tracefs_root(&root)) {
		print_message("skipped: no tracefs: %s\n", ebpfc_errmsg());
		skip();
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", root);
	if (access(path, W_OK)) {
		print_message("skipped: no %s (CONFIG_KPROBE_EVENTS off)\n", path);
		skip();
	}
	kprobe_pair(true);
}

static void test_ksyscall_and_multi(void **state)
{
	static const char *const progs[] = { "ksyscall_getpid", "kmulti_openat2", NULL };
	EBPFC_OPTS(ebpfc_kprobe_multi_attach_opts, mo);
	struct ebpfc_object *obj;
	struct ebpfc_link *ks, *km;
	volatile __u64 *cs, *cm;
	int fds, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_kprobe());
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	cs = var64(obj, "ksyscall_hits");
	cm = var64(obj, "kmulti_hits");
	assert_ok(ebpfc_prog_attach(prog_of(obj, "ksyscall_getpid"), &ks));
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(cs, N_EVENTS), N_EVENTS);
	ebpfc_link_destroy(ks);

	err = ebpfc_prog_attach_kprobe_multi(prog_of(obj, "kmulti_openat2"), "do_sys_openat2",
					     &mo, &km);
	if (err == -EINVAL || err == -EOPNOTSUPP || err == -EPERM) {
		print_message("note: kprobe.multi unavailable here: %s\n", ebpfc_errmsg());
	} else {
		assert_ok(err);
		do_opens(N_EVENTS);
		assert_int_equal(wait_count(cm, N_EVENTS), N_EVENTS);
		ebpfc_link_destroy(km);
		do_opens(N_EVENTS);
		sleep_ms(10);
		assert_int_equal(*cm, N_EVENTS);
	}
	ebpfc_object_destroy(obj);
	assert_no_probes_left();
	assert_int_equal(tu_count_fds(), fds);
}

static void test_fentry_fexit(void **state)
{
	static const char *const progs[] = { "fentry_openat2", "fexit_openat2", NULL };
	EBPFC_OPTS(ebpfc_tracing_attach_opts, to, .cookie = 0xf00d);
	struct ebpfc_object *obj;
	struct ebpfc_link *fe, *fx;
	struct ebpfc_link_info info;
	volatile __u64 *ce, *cx;
	int fds, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_fentry());
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	ce = var64(obj, "fentry_hits");
	cx = var64(obj, "fexit_hits");
	err = ebpfc_prog_attach_tracing(prog_of(obj, "fentry_openat2"), &to, &fe);
	if (err == -E2BIG || err == -EINVAL) {
		print_message("note: fentry cookie refused (%s); attaching without\n",
			      ebpfc_errmsg());
		to.cookie = 0;
		err = ebpfc_prog_attach_tracing(prog_of(obj, "fentry_openat2"), &to, &fe);
	}
	assert_ok(err);
	assert_ok(ebpfc_prog_attach(prog_of(obj, "fexit_openat2"), &fx));
	do_opens(N_EVENTS);
	assert_int_equal(wait_count(ce, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(cx, N_EVENTS), N_EVENTS);
	assert_int_equal(*var64(obj, "fentry_cookie"), to.cookie);
	assert_ok(ebpfc_link_info(fe, &info));
	assert_int_equal(info.link_type, BPF_LINK_TYPE_TRACING);
	assert_int_equal(info.attach_type, BPF_TRACE_FENTRY);
	assert_true(info.target_btf_id > 0);
	ebpfc_link_destroy(fe);
	ebpfc_link_destroy(fx);
	do_opens(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*ce, N_EVENTS);
	assert_int_equal(*cx, N_EVENTS);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_freplace(void **state)
{
	struct ebpfc_object *target, *repl = NULL;
	struct ebpfc_link *link;
	struct ebpfc_prog *entry, *np;
	unsigned char pkt[64] = { 0 };
	EBPFC_OPTS(ebpfc_test_run_opts, ro, .data_in = pkt, .data_size_in = sizeof(pkt));
	char path[512];
	volatile __u64 *c;
	int fds;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_fentry());
	fds = tu_count_fds();
	target = load_obj("test_link_fr_target.bpf.o", NULL, NULL);
	entry = prog_of(target, "fr_entry");
	assert_ok(ebpfc_prog_test_run(entry, &ro));
	assert_int_equal(ro.retval, XDP_PASS);

	snprintf(path, sizeof(path), "%s/test_link_freplace.bpf.o", BPF_DIR);
	assert_ok(ebpfc_object_open_file(path, NULL, &repl));
	np = prog_of(repl, "new_verdict");
	assert_ok(ebpfc_prog_set_attach_target(np, ebpfc_prog_fd(entry), "pick_verdict"));
	assert_ok(ebpfc_object_load(repl, NULL));
	c = var64(repl, "freplace_hits");
	/* The target given at load. */
	assert_ok(ebpfc_prog_attach(np, &link));
	assert_ok(ebpfc_prog_test_run(entry, &ro));
	assert_int_equal(ro.retval, XDP_DROP);
	assert_int_equal(*c, 1);
	ebpfc_link_destroy(link);
	assert_ok(ebpfc_prog_test_run(entry, &ro));
	assert_int_equal(ro.retval, XDP_PASS);
	/* The target named at attach. */
	assert_ok(ebpfc_prog_attach_freplace(np, ebpfc_prog_fd(entry), "pick_verdict", &link));
	assert_ok(ebpfc_prog_test_run(entry, &ro));
	assert_int_equal(ro.retval, XDP_DROP);
	assert_int_equal(*c, 2);
	ebpfc_link_destroy(link);
	assert_err(ebpfc_prog_attach_freplace(np, ebpfc_prog_fd(entry), "no_such_func", &link),
		   ENOENT);
	ebpfc_object_destroy(repl);
	ebpfc_object_destroy(target);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- cgroups and perf events ------------------------------------------------------------------ */

/* A child that joins the cgroup and sends n datagrams to 127.0.0.1. */
static void child_in_cgroup_sends(const char *cg, int n)
{
	char path[TU_PATH_MAX + 32];
	pid_t pid;
	int status, fd;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int s, i;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(2);
		close(fd);
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		for (i = 0; i < n; i++)
			if (sendto(s, "cg", 2, 0, (struct sockaddr *)&to, sizeof(to)) != 2)
				_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_cgroup_skb(void **state)
{
	static const char *const progs[] = { "cg_egress", NULL };
	EBPFC_OPTS(ebpfc_cgroup_attach_opts, co, .flags = BPF_F_ALLOW_MULTI);
	char cg[TU_PATH_MAX];
	struct ebpfc_object *obj;
	struct ebpfc_link *link, *legacy;
	struct ebpfc_link_info info;
	volatile __u64 *c;
	struct stat st;
	__u32 ids[4], cnt = 4;
	int fds, cgfd;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_CGROUP2(cg);
	fds = tu_count_fds();
	obj = load_net(progs);
	c = var64(obj, "cg_pkts");
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cgfd >= 0);
	assert_ok(ebpfc_prog_attach_cgroup(prog_of(obj, "cg_egress"), cgfd, NULL, &link));
	close(cgfd);	/* the link keeps what it needs */
	child_in_cgroup_sends(cg, N_EVENTS);
	assert_int_equal(wait_count(c, N_EVENTS), N_EVENTS);
	/* Traffic from outside the cgroup is not counted. */
	send_udp_lo(3);
	sleep_ms(10);
	assert_int_equal(*c, N_EVENTS);
	assert_ok(ebpfc_link_info(link, &info));
	assert_int_equal(info.link_type, BPF_LINK_TYPE_CGROUP);
	assert_int_equal(info.attach_type, BPF_CGROUP_INET_EGRESS);
	assert_ok(stat(cg, &st));
	assert_int_equal(info.cgroup_id, st.st_ino);
	assert_string_equal(info.name, cg);

	/* Legacy BPF_PROG_ATTACH with ALLOW_MULTI, next to the link. */
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_ok(ebpfc_prog_attach_cgroup(prog_of(obj, "cg_egress"), cgfd, &co, &legacy));
	assert_int_equal(ebpfc_link_mech(legacy), EBPFC_LINK_MECH_PROG_ATTACH);
	assert_ok(ebpfc_sys_prog_query(cgfd, BPF_CGROUP_INET_EGRESS, 0, NULL, ids, &cnt, NULL));
	assert_int_equal(cnt, 2);
	child_in_cgroup_sends(cg, N_EVENTS);
	assert_int_equal(wait_count(c, 3 * N_EVENTS), 3 * N_EVENTS);	/* both ran */
	ebpfc_link_destroy(legacy);
	ebpfc_link_destroy(link);
	cnt = 4;
	assert_ok(ebpfc_sys_prog_query(cgfd, BPF_CGROUP_INET_EGRESS, 0, NULL, ids, &cnt, NULL));
	assert_int_equal(cnt, 0);
	child_in_cgroup_sends(cg, N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*c, 3 * N_EVENTS);
	close(cgfd);
	ebpfc_object_destroy(obj);
	assert_int_equal(rmdir(cg), 0);
	assert_int_equal(tu_count_fds(), fds);
}

static void burn_cpu(int ms)
{
	struct timespec a, b;
	volatile unsigned long x = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static void test_perf_event(void **state)
{
	static const char *const progs[] = { "perf_count", NULL };
	EBPFC_OPTS(ebpfc_perf_event_attach_opts, po, .cookie = 0x7e57);
	struct ebpfc_link *links[256];
	struct perf_event_attr attr;
	struct ebpfc_object *obj;
	struct ebpfc_link_info info;
	volatile __u64 *c;
	__u64 seen;
	int fds, cpus, i, pfd;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	c = var64(obj, "perf_hits");
	cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus > 256)
		cpus = 256;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.freq = 1;
	attr.sample_freq = 1000;
	for (i = 0; i < cpus; i++) {
		pfd = (int)syscall(__NR_perf_event_open, &attr, -1, i, -1, PERF_FLAG_FD_CLOEXEC);
		assert_true(pfd >= 0);
		assert_ok(ebpfc_prog_attach_perf_event(prog_of(obj, "perf_count"), pfd, &po,
						       &links[i]));
		close(pfd);	/* the link holds its own */
	}
	burn_cpu(300);
	assert_true(wait_count(c, 10) >= 10);
	assert_int_equal(*var64(obj, "perf_cookie"), 0x7e57);
	assert_ok(ebpfc_link_info(links[0], &info));
	assert_int_equal(info.kind, EBPFC_LINK_PERF_EVENT);
	assert_int_equal(info.link_type, BPF_LINK_TYPE_PERF_EVENT);
	for (i = 0; i < cpus; i++)
		ebpfc_link_destroy(links[i]);
	seen = *c;
	burn_cpu(100);
	assert_int_equal(*c, seen);

	/* The ioctl way, on a clock of this process only. */
	po.cookie = 0;
	po.perf_ioctl = true;
	pfd = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	assert_true(pfd >= 0);
	assert_ok(ebpfc_prog_attach_perf_event(prog_of(obj, "perf_count"), pfd, &po, &links[0]));
	assert_int_equal(ebpfc_link_mech(links[0]), EBPFC_LINK_MECH_PERF_IOCTL);
	burn_cpu(200);
	assert_true(wait_count(c, seen + 10) >= seen + 10);
	/* Destroy disables the event even though the caller still holds it open. */
	ebpfc_link_destroy(links[0]);
	seen = *c;
	burn_cpu(100);
	assert_int_equal(*c, seen);
	close(pfd);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

/* ---- lifecycle ----------------------------------------------------------------------------------- */

static void test_pin_open_unpin(void **state)
{
	static const char *const progs[] = { "tp_getpid", NULL };
	char dir[TU_PATH_MAX], pin[TU_PATH_MAX + 16];
	struct ebpfc_object *obj;
	struct ebpfc_link *link, *again;
	struct ebpfc_link_info i1, i2;
	volatile __u64 *c;
	int fds;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	fds = tu_count_fds();
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	c = var64(obj, "tp_hits");
	assert_ok(ebpfc_prog_attach_tracepoint(prog_of(obj, "tp_getpid"), "syscalls",
					       "sys_enter_getpid", NULL, &link));
	snprintf(pin, sizeof(pin), "%s/tp_link", dir);
	assert_ok(ebpfc_link_pin(link, pin));
	assert_string_equal(ebpfc_link_pin_path(link), pin);
	assert_err(ebpfc_link_pin(link, pin), EBUSY);
	assert_ok(ebpfc_link_info(link, &i1));
	assert_true(i1.pinned);

	/* Destroying a pinned link leaves it attached. */
	ebpfc_link_destroy(link);
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(c, N_EVENTS), N_EVENTS);

	assert_ok(ebpfc_link_open_pinned(pin, &again));
	assert_ok(ebpfc_link_info(again, &i2));
	assert_int_equal(i2.id, i1.id);
	assert_int_equal(i2.prog_id, i1.prog_id);
	assert_true(i2.pinned);
	/* Kernels since 6.6 say what a perf link is on, and by the kernel's own name. */
	if (i2.name[0]) {
		assert_int_equal(i2.kind, EBPFC_LINK_TRACEPOINT);
		assert_string_equal(i2.name, "sys_enter_getpid");
	} else {
		assert_int_equal(i2.kind, EBPFC_LINK_PERF_EVENT);
	}
	/* Still pinned, so still attached after this handle goes too. */
	ebpfc_link_destroy(again);
	assert_ok(ebpfc_link_open_pinned(pin, &again));
	assert_ok(ebpfc_link_unpin(again));
	assert_false(tu_exists(pin));
	assert_err(ebpfc_link_unpin(again), ENOENT);
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(c, 2 * N_EVENTS), 2 * N_EVENTS);
	/* Unpinned: destroy detaches. */
	ebpfc_link_destroy(again);
	do_getpids(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*c, 2 * N_EVENTS);
	assert_err(ebpfc_link_open_pinned(pin, &again), ENOENT);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_raw_tp_update_refused_and_repin(void **state)
{
	static const char *const progs[] = { "tp_getpid", "rawtp_sys_enter", NULL };
	char dir[TU_PATH_MAX], pin[TU_PATH_MAX + 16];
	struct ebpfc_object *obj, *obj2;
	struct ebpfc_link *link;
	volatile __u64 *c1, *c2;
	int fds;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	fds = tu_count_fds();
	/* Two copies of one program: the link moves from one to the other. */
	obj = load_obj("test_link_trace.bpf.o", progs, NULL);
	obj2 = load_obj("test_link_trace.bpf.o", progs, NULL);
	set_target_tgid(obj);
	set_target_tgid(obj2);
	c1 = var64(obj, "rawtp_hits");
	c2 = var64(obj2, "rawtp_hits");
	assert_ok(ebpfc_prog_attach_raw_tp(prog_of(obj, "rawtp_sys_enter"), "sys_enter", NULL,
					   &link));
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(c1, N_EVENTS), N_EVENTS);
	/*
	 * Raw tracepoint links cannot change programs; the error says so. Pinning
	 * and opening again gives a second handle on the same link.
	 */
	assert_err(ebpfc_link_update_prog(link, prog_of(obj2, "rawtp_sys_enter"), NULL), EINVAL);
	assert_errmsg_contains("cannot change its program");
	snprintf(pin, sizeof(pin), "%s/raw", dir);
	assert_ok(ebpfc_link_pin(link, pin));
	ebpfc_link_destroy(link);
	assert_ok(ebpfc_link_open_pinned(pin, &link));
	assert_int_equal(ebpfc_link_kind(link), EBPFC_LINK_RAW_TP);
	assert_ok(ebpfc_link_unpin(link));
	ebpfc_link_destroy(link);
	do_getpids(N_EVENTS);
	sleep_ms(10);
	assert_int_equal(*c1, N_EVENTS);
	assert_int_equal(*c2, 0);
	ebpfc_object_destroy(obj2);
	ebpfc_object_destroy(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static char log_lines[4096];

static void log_cb(enum ebpfc_log_level lvl, const char *msg, void *user)
{
	(void)lvl;
	(void)user;
	if (strlen(log_lines) + strlen(msg) + 2 < sizeof(log_lines)) {
		strcat(log_lines, msg);
		strcat(log_lines, "\n");
	}
}

static void test_auto_attach(void **state)
{
	EBPFC_OPTS(ebpfc_object_open_opts, oo, .log_fn = log_cb);
	struct ebpfc_object *obj;
	struct ebpfc_link_set *set;
	struct ebpfc_link *link;
	struct ebpfc_link_info info;
	volatile __u64 *ctp, *craw, *cup, *cret;
	char path[512];
	int fds, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	fds = tu_count_fds();
	snprintf(path, sizeof(path), "%s/test_link_auto.bpf.o", BPF_DIR);
	assert_ok(ebpfc_object_open_file(path, &oo, &obj));
	assert_err(ebpfc_object_attach_all(obj, &set), EINVAL);	/* not loaded */
	assert_ok(ebpfc_object_load(obj, NULL));
	set_target_tgid(obj);
	ctp = var64(obj, "auto_tp_hits");
	craw = var64(obj, "auto_rawtp_hits");
	cup = var64(obj, "auto_uprobe_hits");
	cret = var64(obj, "auto_uretprobe_hits");

	/* One program at a time. */
	assert_ok(ebpfc_prog_attach(prog_of(obj, "auto_tp"), &link));
	assert_ok(ebpfc_link_info(link, &info));
	assert_string_equal(info.name, "syscalls:sys_enter_getpid");
	do_getpids(N_EVENTS);
	assert_int_equal(wait_count(ctp, N_EVENTS), N_EVENTS);
	ebpfc_link_destroy(link);
	assert_err(ebpfc_prog_attach(prog_of(obj, "auto_xdp"), &link), EOPNOTSUPP);
	assert_errmsg_contains("ebpfc_prog_attach_xdp()");

	/* Everything that can. */
	log_lines[0] = '\0';
	assert_ok(ebpfc_object_attach_all(obj, &set));
	assert_int_equal(ebpfc_link_set_count(set), 4);
	assert_non_null(strstr(log_lines, "'auto_xdp' (section 'xdp') skipped"));
	assert_non_null(strstr(log_lines, "'auto_cg' (section 'cgroup_skb/egress') skipped"));
	assert_ok(ebpfc_link_set_find(set, "auto_uprobe", &link));
	assert_int_equal(ebpfc_link_kind(link), EBPFC_LINK_UPROBE);
	assert_true(ebpfc_link_set_at(set, 0) != NULL);
	assert_null(ebpfc_link_set_at(set, 4));
	assert_err(ebpfc_link_set_find(set, "auto_xdp", &link), ENOENT);
	for (i = 0; i < N_EVENTS; i++)
		getpid();	/* libc's: the uprobes see it, and so do the syscall hooks */
	assert_int_equal(wait_count(ctp, 2 * N_EVENTS), 2 * N_EVENTS);
	assert_int_equal(wait_count(craw, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(cup, N_EVENTS), N_EVENTS);
	assert_int_equal(wait_count(cret, N_EVENTS), N_EVENTS);
	ebpfc_link_set_destroy(set);
	for (i = 0; i < N_EVENTS; i++)
		getpid();
	sleep_ms(10);
	assert_int_equal(*ctp, 2 * N_EVENTS);
	assert_int_equal(*cup, N_EVENTS);
	ebpfc_object_destroy(obj);
	assert_no_probes_left();
	assert_int_equal(tu_count_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_parse_func_offset),
		cmocka_unit_test(test_elf_exec_mode),
		cmocka_unit_test(test_uprobe_resolve),
		cmocka_unit_test(test_argument_checks),
		cmocka_unit_test_setup_teardown(test_xdp_link, net_enter, net_leave),
		cmocka_unit_test_setup_teardown(test_xdp_netlink, net_enter, net_leave),
		cmocka_unit_test_setup_teardown(test_tcx, net_enter, net_leave),
		cmocka_unit_test_setup_teardown(test_tc_clsact, net_enter, net_leave),
		cmocka_unit_test_setup_teardown(test_netfilter, net_enter, net_leave),
		cmocka_unit_test_setup_teardown(test_sk_lookup_and_flow_dissector, net_enter,
						net_leave),
		cmocka_unit_test_setup_teardown(test_sockmap, net_enter, net_leave),
		cmocka_unit_test(test_tracepoint),
		cmocka_unit_test(test_raw_tp),
		cmocka_unit_test(test_tp_btf),
		cmocka_unit_test(test_iter_task),
		cmocka_unit_test(test_uprobe_self),
		cmocka_unit_test(test_uprobe_tracefs),
		cmocka_unit_test(test_uprobe_libc),
		cmocka_unit_test(test_uprobe_multi),
		cmocka_unit_test(test_kprobe),
		cmocka_unit_test(test_kprobe_tracefs),
		cmocka_unit_test(test_ksyscall_and_multi),
		cmocka_unit_test(test_fentry_fexit),
		cmocka_unit_test(test_freplace),
		cmocka_unit_test(test_cgroup_skb),
		cmocka_unit_test(test_perf_event),
		cmocka_unit_test(test_pin_open_unpin),
		cmocka_unit_test(test_raw_tp_update_refused_and_repin),
		cmocka_unit_test(test_auto_attach),
	};

	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
