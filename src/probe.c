/*
 * probe.c - feature probes: ask the running kernel whether it has a program
 * type, map type, helper, BTF kind, links or tcx by trying the smallest
 * thing that needs it. Kernel versions lie (backports, distro configs);
 * trying does not.
 *
 * Each probe answers 1 or 0 and, for 0, leaves the reason in
 * ebpfc_errmsg() so that callers (tests above all) can say why they skip.
 */
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ebpfc/btf.h>
#include <ebpfc/probe.h>
#include <ebpfc/prog.h>
#include <ebpfc/sys.h>
#include "attr.h"
#include "internal.h"
#include "kconfig.h"
#include "map_int.h"

/* ---- a tiny BTF blob builder, enough for one type of each kind ------------------ */

struct mini_btf {
	__u32 types[64];
	int ntypes_words;
	char strs[64];
	int strs_len;
};

#define BTF_INFO(kind, kflag, vlen) (((__u32)(kflag) << 31) | ((__u32)(kind) << 24) | (vlen))

static void mb_init(struct mini_btf *b)
{
	/* Strings: offset 1 "int", 5 "a", 7 "t", 9 ".data", 15 "float". */
	static const char strs[] = "\0int\0a\0t\0.data\0float";

	memset(b, 0, sizeof(*b));
	memcpy(b->strs, strs, sizeof(strs));
	b->strs_len = sizeof(strs);
}

static void mb_add(struct mini_btf *b, int n, const __u32 *words)
{
	memcpy(b->types + b->ntypes_words, words, n * sizeof(__u32));
	b->ntypes_words += n;
}

static size_t mb_finish(const struct mini_btf *b, void *out, size_t outsz)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(struct btf_header),
		.type_off = 0,
		.type_len = b->ntypes_words * 4,
		.str_off = b->ntypes_words * 4,
		.str_len = b->strs_len,
	};
	size_t total = sizeof(h) + h.type_len + h.str_len;

	if (total > outsz)
		return 0;
	memcpy(out, &h, sizeof(h));
	memcpy((char *)out + sizeof(h), b->types, h.type_len);
	memcpy((char *)out + sizeof(h) + h.type_len, b->strs, h.str_len);
	return total;
}

/* [1] int: the base every probe blob starts with. */
static void mb_int(struct mini_btf *b)
{
	const __u32 t[] = { 1, BTF_INFO(BTF_KIND_INT, 0, 0), 4, 32 };

	mb_add(b, 4, t);
}

/* Build a blob whose type [2] (or [3]) is of `kind`; 0 for an unknown kind. */
static size_t btf_blob_for_kind(__u32 kind, void *out, size_t outsz)
{
	struct mini_btf b;

	mb_init(&b);
	mb_int(&b);
	switch (kind) {
	case BTF_KIND_INT:
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: {
		const __u32 t[] = { kind == BTF_KIND_TYPEDEF ? 7 : 0, BTF_INFO(kind, 0, 0), 1 };

		mb_add(&b, 3, t);
		break;
	}
	case BTF_KIND_ARRAY: {
		const __u32 t[] = { 0, BTF_INFO(BTF_KIND_ARRAY, 0, 0), 0, 1, 1, 2 };

		mb_add(&b, 6, t);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const __u32 t[] = { 7, BTF_INFO(kind, 0, 1), 4, 5, 1, 0 };

		mb_add(&b, 6, t);
		break;
	}
	case BTF_KIND_ENUM: {
		const __u32 t[] = { 7, BTF_INFO(BTF_KIND_ENUM, 0, 1), 4, 5, 0 };

		mb_add(&b, 5, t);
		break;
	}
	case BTF_KIND_FWD: {
		const __u32 t[] = { 7, BTF_INFO(BTF_KIND_FWD, 0, 0), 0 };

		mb_add(&b, 3, t);
		break;
	}
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_FUNC: {
		const __u32 proto[] = { 0, BTF_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1, 5, 1 };
		const __u32 fn[] = { 7, BTF_INFO(BTF_KIND_FUNC, 0, 0), 2 };

		mb_add(&b, 5, proto);
		if (kind == BTF_KIND_FUNC)
			mb_add(&b, 3, fn);
		break;
	}
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC: {
		const __u32 var[] = { 5, BTF_INFO(BTF_KIND_VAR, 0, 0), 1, 1 /* global */ };
		const __u32 sec[] = { 9, BTF_INFO(BTF_KIND_DATASEC, 0, 1), 4, 2, 0, 4 };

		mb_add(&b, 4, var);
		if (kind == BTF_KIND_DATASEC)
			mb_add(&b, 6, sec);
		break;
	}
	case BTF_KIND_FLOAT: {
		const __u32 t[] = { 15, BTF_INFO(BTF_KIND_FLOAT, 0, 0), 4 };

		mb_add(&b, 3, t);
		break;
	}
	case BTF_KIND_DECL_TAG: {
		const __u32 st[] = { 7, BTF_INFO(BTF_KIND_STRUCT, 0, 1), 4, 5, 1, 0 };
		const __u32 tag[] = { 5, BTF_INFO(BTF_KIND_DECL_TAG, 0, 0), 2, (__u32)-1 };

		mb_add(&b, 6, st);
		mb_add(&b, 4, tag);
		break;
	}
	case BTF_KIND_TYPE_TAG: {
		const __u32 tag[] = { 5, BTF_INFO(BTF_KIND_TYPE_TAG, 0, 0), 1 };
		const __u32 ptr[] = { 0, BTF_INFO(BTF_KIND_PTR, 0, 0), 2 };

		mb_add(&b, 3, tag);
		mb_add(&b, 3, ptr);
		break;
	}
	case BTF_KIND_ENUM64: {
		const __u32 t[] = { 7, BTF_INFO(BTF_KIND_ENUM64, 0, 1), 8, 5, 0, 1 };

		mb_add(&b, 6, t);
		break;
	}
	default:
		return 0;
	}
	return mb_finish(&b, out, outsz);
}

/* No log: a BTF load logs every type, and only the verdict matters here. */
static int load_btf_blob(const void *blob, size_t len, int *fd)
{
	return ebpfc_sys_btf_load(blob, len, NULL, fd);
}

EBPFC_API int ebpfc_probe_btf_kind(__u32 kind)
{
	char blob[512];
	size_t len = btf_blob_for_kind(kind, blob, sizeof(blob));
	int fd, err;

	if (!len)
		return ebpfc__err(EINVAL, "probe: BTF kind %u is unknown to this ebpfc", kind);
	err = load_btf_blob(blob, len, &fd);
	if (err == -EPERM)
		return ebpfc__err(err, "probe: cannot load BTF (EPERM): %s", ebpfc__eperm_hint());
	if (err) {
		ebpfc__err(err, "probe: the kernel does not accept BTF kind %u (%s)", kind,
			   ebpfc_strerror(err));
		return 0;
	}
	ebpfc__close(fd);
	ebpfc__err_clear();
	return 1;
}

/* ---- programs and helpers -------------------------------------------------------- */

/* What a minimal program of each type needs to be loadable at all. */
static void prog_probe_opts(__u32 type, struct ebpfc_prog_load_opts *o)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
		o->kern_version = ebpfc__kernel_version();
		break;
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		o->expected_attach_type = BPF_CGROUP_INET4_CONNECT;
		break;
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		o->expected_attach_type = BPF_CGROUP_GETSOCKOPT;
		break;
	case BPF_PROG_TYPE_SK_LOOKUP:
		o->expected_attach_type = BPF_SK_LOOKUP;
		break;
	case BPF_PROG_TYPE_SYSCALL:
		o->prog_flags = BPF_F_SLEEPABLE;
		break;
	case EBPFC__BPF_PROG_TYPE_NETFILTER:
		o->expected_attach_type = EBPFC__BPF_NETFILTER;
		break;
	default:
		break;
	}
}

/*
 * Load insns as `type` with a small log. Returns the load result and the
 * log text; the caller interprets the verifier's words.
 */
static int probe_load(__u32 type, const struct bpf_insn *insns, size_t cnt, char *log,
		      size_t logsz)
{
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_buf = log, .log_size = logsz, .log_level = 1);
	int fd, err;

	log[0] = '\0';
	prog_probe_opts(type, &o);
	err = ebpfc_sys_prog_load(type, "probe", "GPL", insns, cnt, &o, &fd);
	if (!err)
		ebpfc__close(fd);
	return err;
}

EBPFC_API int ebpfc_probe_prog_type(__u32 type)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[1024];
	int err;

	ebpfc__memlock_autoraise();
	err = probe_load(type, insns, 2, log, sizeof(log));
	if (err == -EPERM && !ebpfc__have_bpf_caps())
		return ebpfc__err(err, "probe: cannot load a %s program (EPERM): %s",
				  ebpfc_prog_type_name(type), ebpfc__eperm_hint());
	if (err == -EPERM) {
		ebpfc__err(err, "probe: the kernel refuses %s programs even with full privileges "
				"(EPERM): a lockdown or LSM policy, or a kernel built without "
				"what they need", ebpfc_prog_type_name(type));
		return 0;
	}
	/*
	 * A type the kernel knows but that needs more than two instructions
	 * (an attach target, BTF) still makes the verifier say something; an
	 * unknown type is refused before the verifier runs, without a log.
	 */
	if (!err || log[0]) {
		ebpfc__err_clear();
		return 1;
	}
	ebpfc__err(err, "probe: the kernel has no %s programs (type %u): %s",
		   ebpfc_prog_type_name(type), type, ebpfc_strerror(err));
	return 0;
}

EBPFC_API int ebpfc_probe_helper(__u32 prog_type, __u32 helper_id)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = (__s32)helper_id },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096];
	int err;

	ebpfc__memlock_autoraise();
	err = probe_load(prog_type, insns, 3, log, sizeof(log));
	if (err == -EPERM)
		return ebpfc__err(err, "probe: cannot load a %s program (EPERM): %s",
				  ebpfc_prog_type_name(prog_type), ebpfc__eperm_hint());
	if (!err) {
		ebpfc__err_clear();
		return 1;
	}
	/* Arguments of the wrong kind still prove the helper is known and allowed. */
	if (strstr(log, "invalid func ") || strstr(log, "unknown func ") ||
	    strstr(log, "cannot use helper") || strstr(log, "cannot call GPL-restricted") ||
	    !log[0]) {
		ebpfc__err(EINVAL, "probe: helper %u is not available to %s programs%s%s",
			   helper_id, ebpfc_prog_type_name(prog_type),
			   log[0] ? ": " : "", log[0] ? strtok(log, "\n") : "");
		return 0;
	}
	ebpfc__err_clear();
	return 1;
}

/* ---- maps ----------------------------------------------------------------------- */

EBPFC_API int ebpfc_probe_map_type(__u32 type)
{
	EBPFC_OPTS(ebpfc_map_create_opts, o);
	__u32 key = 4, value = 4, max = 1;
	int fd, err, inner = -1, btf = -1;
	char blob[256];
	size_t len;

	ebpfc__memlock_autoraise();
	switch (type) {
	case BPF_MAP_TYPE_LPM_TRIE:
		key = 8;
		o.map_flags = BPF_F_NO_PREALLOC;
		break;
	case BPF_MAP_TYPE_STACK_TRACE:
		value = 8;
		break;
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		key = 0;
		break;
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		key = value = 0;
		max = (__u32)sysconf(_SC_PAGESIZE);
		break;
	case EBPFC__BPF_MAP_TYPE_ARENA:
		key = value = 0;
		o.map_flags = BPF_F_MMAPABLE;
		break;
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		key = sizeof(struct bpf_cgroup_storage_key);
		value = 8;
		max = 0;
		break;
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
	case BPF_MAP_TYPE_TASK_STORAGE:
	case EBPFC__BPF_MAP_TYPE_CGRP_STORAGE:
		/* Local storage maps insist on BTF for their key and value. */
		len = btf_blob_for_kind(BTF_KIND_INT, blob, sizeof(blob));
		err = load_btf_blob(blob, len, &btf);
		if (err)
			goto out;
		o.btf_fd = btf;
		o.btf_key_type_id = 1;
		o.btf_value_type_id = 1;
		o.map_flags = BPF_F_NO_PREALLOC;
		max = 0;
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		err = ebpfc_sys_map_create(BPF_MAP_TYPE_ARRAY, "probe_inner", 4, 4, 1, NULL, &inner);
		if (err)
			goto out;
		o.inner_map_fd = inner;
		break;
	default:
		break;
	}
	err = ebpfc_sys_map_create(type, "probe", key, value, max, &o, &fd);
	if (!err)
		ebpfc__close(fd);
out:
	ebpfc__close(inner);
	ebpfc__close(btf);
	if (err == -EPERM)
		return ebpfc__err(err, "probe: cannot create a %s map (EPERM): %s",
				  ebpfc_map_type_name(type), ebpfc__eperm_hint());
	if (err) {
		ebpfc__err(err, "probe: the kernel cannot create %s maps (type %u): %s",
			   ebpfc_map_type_name(type), type, ebpfc_strerror(err));
		return 0;
	}
	ebpfc__err_clear();
	return 1;
}

/* ---- attachment ---------------------------------------------------------------- */

EBPFC_API int ebpfc_probe_bpf_link(void)
{
	int fd, err;

	/* A bad program fd: EBADF if the command exists, EINVAL if it does not. */
	err = ebpfc_sys_link_create(-1, -1, BPF_CGROUP_INET_INGRESS, NULL, &fd);
	if (!err) {
		ebpfc__close(fd);
		err = -EBADF;
	}
	if (err == -EPERM)
		return ebpfc__err(err, "probe: bpf() refused (EPERM): %s", ebpfc__eperm_hint());
	if (err == -EINVAL) {
		ebpfc__err(err, "probe: the kernel has no BPF_LINK_CREATE (added in 5.7)");
		return 0;
	}
	ebpfc__err_clear();
	return 1;
}

EBPFC_API int ebpfc_probe_tcx(void)
{
	__u32 cnt = 0;
	int err;

	/* Query the loopback device (ifindex 1) for tcx programs: EINVAL before 6.6. */
	err = ebpfc_sys_prog_query(1, EBPFC__BPF_TCX_INGRESS, 0, NULL, NULL, &cnt, NULL);
	if (err == -EPERM)
		return ebpfc__err(err, "probe: bpf() refused (EPERM): %s", ebpfc__eperm_hint());
	if (err) {
		ebpfc__err(err, "probe: the kernel has no tcx (tc through bpf links, added in "
				"6.6): %s", ebpfc_strerror(err));
		return 0;
	}
	ebpfc__err_clear();
	return 1;
}

EBPFC_API int ebpfc_probe_kprobe(void)
{
	static const char *const paths[] = {
		"/sys/bus/event_source/devices/kprobe/type",
		"/sys/kernel/tracing/kprobe_events",
		"/sys/kernel/debug/tracing/kprobe_events",
	};
	size_t i;

	for (i = 0; i < EBPFC__ARRAY_SIZE(paths); i++) {
		if (access(paths[i], F_OK) == 0) {
			ebpfc__err_clear();
			return 1;
		}
	}
	ebpfc__err(ENOENT, "probe: the kernel has no kprobes: neither the kprobe PMU "
			   "(/sys/bus/event_source/devices/kprobe) nor tracefs kprobe_events "
			   "exist (CONFIG_KPROBE_EVENTS off, or tracefs not mounted)");
	return 0;
}

EBPFC_API int ebpfc_probe_fentry(void)
{
	/* Functions every kernel with BPF has; the first is there for this purpose. */
	static const char *const funcs[] = { "bpf_fentry_test1", "bpf_prog_put", "do_nanosleep" };
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY);
	struct ebpfc_btf *btf;
	__u32 id = 0;
	size_t i;
	int err, fd;

	err = ebpfc_btf_open_vmlinux(&btf);
	if (err) {
		ebpfc__err(err, "probe: fentry needs the kernel's BTF, and it cannot be read: %s",
			   ebpfc_strerror(err));
		return 0;
	}
	for (i = 0; i < EBPFC__ARRAY_SIZE(funcs) && !id; i++)
		if (ebpfc_btf_find(btf, funcs[i], BTF_KIND_FUNC, &id))
			id = 0;
	ebpfc_btf_destroy(btf);
	if (!id) {
		ebpfc__err(ENOENT, "probe: no known kernel function in the kernel's BTF to try "
				   "fentry on");
		return 0;
	}
	o.attach_btf_id = id;
	ebpfc__memlock_autoraise();
	err = ebpfc_sys_prog_load(BPF_PROG_TYPE_TRACING, "probe_fentry", "GPL", insns, 2, &o, &fd);
	if (!err) {
		ebpfc__close(fd);
		ebpfc__err_clear();
		return 1;
	}
	if (err == -EPERM && !ebpfc__have_bpf_caps())
		return ebpfc__err(err, "probe: cannot load an fentry program (EPERM): %s",
				  ebpfc__eperm_hint());
	ebpfc__err(err, "probe: the kernel refuses fentry programs (%s) on %s%s", ebpfc_strerror(err),
		   funcs[i - 1],
		   err == -EPERM ? " even with full privileges: lockdown, an LSM policy, or no "
				   "BPF trampoline support"
				 : "");
	return 0;
}
