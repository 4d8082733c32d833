/*
 * test_prog.c - kernel tests of program handles (prog.h) with
 * hand-assembled programs:
 *
 *   - an XDP program that returns XDP_PASS for packets of at least 14 bytes
 *     and XDP_DROP for shorter ones, run with BPF_PROG_TEST_RUN (retval,
 *     data_out and data_size_out, repeat and duration, a too-small
 *     data_out, ctx_in/ctx_out with struct xdp_md, XDP metadata);
 *   - a program that increments an array map element (ld_imm64 with
 *     BPF_PSEUDO_MAP_FD), checked from user space after N runs;
 *   - socket filter, tracepoint and raw tracepoint programs;
 *   - verifier logs: a rejected program's full log through log_out and
 *     quoted in ebpfc_errmsg(); a level-2 log larger than the initial
 *     64 KiB buffer that comes back whole; the same capped by log_size_max,
 *     marked truncated; a level-1 log kept on the handle on success;
 *   - pin / open_pinned / open_id / open_fd / info (type, name, tag, id),
 *     and opening a pinned map as a program;
 *   - test-run flag and cpu validation;
 *   - the EPERM message, in a child process that dropped its capabilities.
 *
 * Every kernel test skips with a reason without bpf() privileges.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

/* r0 = (data_end - data >= 14) ? XDP_PASS : XDP_DROP */
static const struct bpf_insn xdp_len_insns[] = {
	TU_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, offsetof(struct xdp_md, data)),
	TU_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, offsetof(struct xdp_md, data_end)),
	TU_ALU64_REG(BPF_SUB, BPF_REG_3, BPF_REG_2),
	TU_MOV64_IMM(BPF_REG_0, XDP_DROP),
	TU_JMP_IMM(BPF_JLT, BPF_REG_3, 14, 1),
	TU_MOV64_IMM(BPF_REG_0, XDP_PASS),
	TU_EXIT(),
};

static const struct bpf_insn ret0_insns[] = {
	TU_MOV64_IMM(BPF_REG_0, 0),
	TU_EXIT(),
};

static struct ebpfc_prog *load_ok(__u32 type, const char *name, const struct bpf_insn *insns,
				  size_t cnt, struct ebpfc_prog_load_opts *opts)
{
	struct ebpfc_prog *p = NULL;
	int err = ebpfc_prog_load(type, name, "GPL", insns, cnt, opts, &p);

	if (err)
		fail_msg("loading %s program '%s' failed (%d): %s", ebpfc_prog_type_name(type), name,
			 err, ebpfc_errmsg());
	assert_non_null(p);
	return p;
}

/* ---- XDP test runs ----------------------------------------------------------------- */

static void test_xdp_test_run(void **state)
{
	struct ebpfc_prog *p;
	unsigned char in[64], out[128];
	int i;

	(void)state;
	TU_REQUIRE_PRIVS();
	p = load_ok(BPF_PROG_TYPE_XDP, "tp_xdp_len", xdp_len_insns, TU_ARRAY_SIZE(xdp_len_insns),
		    NULL);
	assert_int_equal(ebpfc_prog_type(p), BPF_PROG_TYPE_XDP);
	assert_string_equal(ebpfc_prog_name(p), "tp_xdp_len");
	assert_true(ebpfc_prog_fd(p) > 2);
	/* No log was asked for and none was needed. */
	assert_string_equal(ebpfc_prog_log(p), "");
	assert_int_equal(ebpfc_prog_log_len(p), 0);

	for (i = 0; i < (int)sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	memset(out, 0, sizeof(out));
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			   .data_out = out, .data_size_out = sizeof(out), .repeat = 100);

		assert_ok(ebpfc_prog_test_run(p, &o));
		assert_int_equal(o.retval, XDP_PASS);
		assert_int_equal(o.data_size_out, sizeof(in));
		assert_memory_equal(out, in, sizeof(in));
		assert_true(o.duration > 0);
	}

	/* 10 bytes: the kernel may refuse input shorter than an Ethernet header. */
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = in, .data_size_in = 10,
			   .data_out = out, .data_size_out = sizeof(out));
		int err = ebpfc_prog_test_run(p, &o);

		if (err) {
			assert_int_equal(err, -EINVAL);
			assert_errmsg_contains("'tp_xdp_len'");
			assert_errmsg_contains("test run");
		} else {
			assert_int_equal(o.retval, XDP_DROP);
			assert_int_equal(o.data_size_out, 10);
		}
	}

	/*
	 * A 10-byte packet the kernel does take: 64 bytes of input of which
	 * ctx.data_end puts only the first 10 in the linear part the program
	 * sees (newer kernels); and the boundary, 13 and 14 bytes.
	 */
	{
		static const struct { __u32 data_end, size, want; } cases[] = {
			{ 10, 64, XDP_DROP }, { 13, 14, XDP_DROP }, { 14, 14, XDP_PASS },
		};
		size_t c;

		for (c = 0; c < TU_ARRAY_SIZE(cases); c++) {
			struct xdp_md ctx = { .data = 0, .data_end = cases[c].data_end };
			EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = in,
				   .data_size_in = cases[c].size, .ctx_in = &ctx,
				   .ctx_size_in = sizeof(ctx));
			int err = ebpfc_prog_test_run(p, &o);

			if (err == -EINVAL) {
				print_message("note: this kernel refuses a %u-byte linear part of a "
					      "%u-byte test packet: %s\n",
					      cases[c].data_end, cases[c].size, ebpfc_errmsg());
				continue;
			}
			assert_ok(err);
			assert_int_equal(o.retval, cases[c].want);
		}
	}

	/* data_out too small: ENOSPC, the size needed reported, the message says so. */
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			   .data_out = out, .data_size_out = 16);

		memset(out, 0, sizeof(out));
		assert_err(ebpfc_prog_test_run(p, &o), ENOSPC);
		assert_errmsg_contains("'tp_xdp_len'");
		assert_errmsg_contains("too small");
		assert_int_equal(o.data_size_out, sizeof(in));
		assert_memory_equal(out, in, 16);
	}

	/* Options are required, and options errors keep their own message. */
	assert_err(ebpfc_prog_test_run(p, NULL), EINVAL);
	assert_errmsg_contains("'tp_xdp_len'");
	assert_errmsg_contains("options are required");
	{
		struct {
			struct ebpfc_test_run_opts o;
			__u64 future;
		} big;

		memset(&big, 0, sizeof(big));
		big.o.sz = sizeof(big);
		big.o.data_in = in;
		big.o.data_size_in = sizeof(in);
		big.future = 1;
		assert_err(ebpfc_prog_test_run(p, &big.o), EINVAL);
		assert_errmsg_contains("struct ebpfc_test_run_opts");
		big.future = 0;
		assert_ok(ebpfc_prog_test_run(p, &big.o));
		assert_int_equal(big.o.retval, XDP_PASS);
	}
	ebpfc_prog_destroy(p);
}

static void test_xdp_ctx_in_out(void **state)
{
	/* r0 = ctx->ingress_ifindex == 1 ? XDP_PASS : XDP_ABORTED */
	const struct bpf_insn insns[] = {
		TU_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, offsetof(struct xdp_md, ingress_ifindex)),
		TU_MOV64_IMM(BPF_REG_0, XDP_ABORTED),
		TU_JMP_IMM(BPF_JNE, BPF_REG_2, 1, 1),
		TU_MOV64_IMM(BPF_REG_0, XDP_PASS),
		TU_EXIT(),
	};
	unsigned char in[64] = { 0 };
	struct xdp_md ctx_in = { .data = 0, .data_end = sizeof(in), .ingress_ifindex = 1 };
	struct xdp_md ctx_out;
	struct ebpfc_prog *p;
	int err;

	(void)state;
	TU_REQUIRE_PRIVS();
	p = load_ok(BPF_PROG_TYPE_XDP, "tp_xdp_ctx", insns, TU_ARRAY_SIZE(insns), NULL);
	memset(&ctx_out, 0xff, sizeof(ctx_out));
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			   .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in), .ctx_out = &ctx_out,
			   .ctx_size_out = sizeof(ctx_out));

		err = ebpfc_prog_test_run(p, &o);
		if (err == -EINVAL) {
			print_message("skipped: this kernel refuses an xdp_md ctx in test runs: %s\n",
				      ebpfc_errmsg());
			ebpfc_prog_destroy(p);
			skip();
		}
		assert_ok(err);
		assert_int_equal(o.retval, XDP_PASS);
		assert_int_equal(o.ctx_size_out, sizeof(ctx_out));
		assert_int_equal(ctx_out.data, 0);
		assert_int_equal(ctx_out.data_end, sizeof(in));
		assert_int_equal(ctx_out.ingress_ifindex, 1);
	}
	/* Contexts the kernel refuses; the message names the program. */
	{
		struct xdp_md bad = ctx_in;
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			   .ctx_in = &bad, .ctx_size_in = sizeof(bad));

		bad.data_end = sizeof(in) + 1;	/* past the data */
		assert_err(ebpfc_prog_test_run(p, &o), EINVAL);
		assert_errmsg_contains("'tp_xdp_ctx'");
		assert_errmsg_contains("test run");
		bad = ctx_in;
		bad.egress_ifindex = 1;		/* not an input */
		assert_err(ebpfc_prog_test_run(p, &o), EINVAL);
		assert_errmsg_contains("'tp_xdp_ctx'");
		bad = ctx_in;
		bad.ingress_ifindex = 0x7ffffff0; /* no such device */
		assert_true(ebpfc_prog_test_run(p, &o) < 0);
		assert_errmsg_contains("'tp_xdp_ctx'");
	}
	ebpfc_prog_destroy(p);
}

/* ---- maps from programs ------------------------------------------------------------ */

static void test_map_counter_program(void **state)
{
	struct ebpfc_map *m;
	struct ebpfc_prog *p;
	struct ebpfc_prog_info info;
	unsigned char pkt[64] = { 0 };
	__u32 key = 0, i;
	__u64 v = 0;

	(void)state;
	TU_REQUIRE_PRIVS();
	assert_ok(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "tp_counter", 4, 8, 1, NULL, &m));
	{
		const struct bpf_insn insns[] = {
			TU_ST_MEM(BPF_W, BPF_REG_10, -4, 0),	/* key = 0 */
			TU_MOV64_REG(BPF_REG_2, BPF_REG_10),
			TU_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			TU_LD_MAP_FD(BPF_REG_1, ebpfc_map_fd(m)),
			TU_CALL(BPF_FUNC_map_lookup_elem),
			TU_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			TU_MOV64_IMM(BPF_REG_1, 1),
			TU_ATOMIC_ADD(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
			TU_MOV64_IMM(BPF_REG_0, XDP_PASS),
			TU_EXIT(),
		};

		p = load_ok(BPF_PROG_TYPE_XDP, "tp_count", insns, TU_ARRAY_SIZE(insns), NULL);
	}
	/* The program holds the map: our handle can go. */
	assert_ok(ebpfc_prog_info(p, &info));
	assert_int_equal(info.nr_map_ids, 1);

	for (i = 0; i < 3; i++) {
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));

		assert_ok(ebpfc_prog_test_run(p, &o));
		assert_int_equal(o.retval, XDP_PASS);
	}
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			   .repeat = 50);

		assert_ok(ebpfc_prog_test_run(p, &o));
	}
	assert_ok(ebpfc_map_lookup(m, &key, sizeof(key), &v, sizeof(v), 0));
	assert_int_equal(v, 53);
	ebpfc_prog_destroy(p);
	ebpfc_map_destroy(m);
}

/* ---- other program types ------------------------------------------------------------ */

static void test_other_types(void **state)
{
	struct ebpfc_prog *p;
	struct ebpfc_prog_info info;
	unsigned char pkt[64] = { 0 };

	(void)state;
	TU_REQUIRE_PRIVS();

	p = load_ok(BPF_PROG_TYPE_SOCKET_FILTER, "tp_sockfilt", ret0_insns, 2, NULL);
	assert_int_equal(ebpfc_prog_type(p), BPF_PROG_TYPE_SOCKET_FILTER);
	assert_ok(ebpfc_prog_info(p, &info));
	assert_int_equal(info.type, BPF_PROG_TYPE_SOCKET_FILTER);
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));

		assert_ok(ebpfc_prog_test_run(p, &o));
		assert_int_equal(o.retval, 0);
	}
	ebpfc_prog_destroy(p);

	p = load_ok(BPF_PROG_TYPE_TRACEPOINT, "tp_tracepoint", ret0_insns, 2, NULL);
	assert_int_equal(ebpfc_prog_type(p), BPF_PROG_TYPE_TRACEPOINT);
	assert_ok(ebpfc_prog_info(p, &info));
	assert_int_equal(info.type, BPF_PROG_TYPE_TRACEPOINT);
	assert_true(info.gpl_compatible);
	/* Tracepoint programs cannot be test-run; the message says which type. */
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
		int err = ebpfc_prog_test_run(p, &o);

		assert_true(err < 0);
		assert_errmsg_contains("'tp_tracepoint'");
		assert_errmsg_contains("tracepoint");
	}
	ebpfc_prog_destroy(p);

	/* No license: still loadable when no GPL-only helper is used. */
	assert_ok(ebpfc_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "tp_nolicense", NULL, ret0_insns,
				  2, NULL, &p));
	assert_ok(ebpfc_prog_info(p, &info));
	assert_false(info.gpl_compatible);
	ebpfc_prog_destroy(p);

	/* An unknown program type. */
	p = (struct ebpfc_prog *)0x1;
	assert_true(ebpfc_prog_load(999, "tp_type999", "GPL", ret0_insns, 2, NULL, &p) < 0);
	assert_null(p);
	assert_errmsg_contains("'tp_type999'");
}

/* ---- verifier logs ------------------------------------------------------------------ */

static const char *last_line(const char *log, char *buf, size_t bufsz)
{
	size_t len = strlen(log), start;

	while (len && log[len - 1] == '\n')
		len--;
	start = len;
	while (start && log[start - 1] != '\n')
		start--;
	snprintf(buf, bufsz, "%.*s", (int)(len - start), log + start);
	return buf;
}

static void test_rejected_program_log(void **state)
{
	const struct bpf_insn bad[] = { TU_EXIT() }; /* r0 never set */
	struct ebpfc_prog *p = (struct ebpfc_prog *)0x1;
	char *log = (char *)0x1;
	int level;

	(void)state;
	TU_REQUIRE_PRIVS();
	/* Level 0: the load is retried with a log to explain; level 1 and 2 too. */
	for (level = 0; level <= 2; level++) {
		EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_level = level, .log_out = &log);

		log = (char *)0x1;
		assert_err(ebpfc_prog_load(BPF_PROG_TYPE_XDP, "tp_rejected", "GPL", bad, 1, &o, &p),
			   EACCES);
		assert_null(p);
		assert_non_null(log);
		assert_true(log != (char *)0x1);
		assert_non_null(strstr(log, "R0 !read_ok"));
		assert_errmsg_contains("'tp_rejected'");
		assert_errmsg_contains("xdp");
		assert_errmsg_contains("R0 !read_ok");
		free(log);
	}
	/* Without log_out nothing leaks and the message is still there. */
	assert_err(ebpfc_prog_load(BPF_PROG_TYPE_XDP, "tp_rejected2", "GPL", bad, 1, NULL, &p),
		   EACCES);
	assert_errmsg_contains("R0 !read_ok");
	assert_errmsg_contains("'tp_rejected2'");
}

/* r0 = 0; r0 += 1 (n times); exit */
static struct bpf_insn *long_program(size_t n, size_t *cnt)
{
	struct bpf_insn *insns = calloc(n + 2, sizeof(*insns));
	size_t i;

	assert_non_null(insns);
	insns[0] = (struct bpf_insn)TU_MOV64_IMM(BPF_REG_0, 0);
	for (i = 1; i <= n; i++)
		insns[i] = (struct bpf_insn)TU_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
	insns[n + 1] = (struct bpf_insn)TU_EXIT();
	*cnt = n + 2;
	return insns;
}

static void test_big_log_grows(void **state)
{
	size_t cnt;
	struct bpf_insn *insns;
	struct ebpfc_prog *p;
	char line[256], want[64];
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_level = 2);

	(void)state;
	TU_REQUIRE_PRIVS();
	insns = long_program(4000, &cnt);
	p = load_ok(BPF_PROG_TYPE_SOCKET_FILTER, "tp_biglog", insns, cnt, &o);
	free(insns);
	/* Larger than the first 64 KiB buffer, and whole. */
	assert_true(ebpfc_prog_log_len(p) > 64 * 1024);
	assert_int_equal(strlen(ebpfc_prog_log(p)), ebpfc_prog_log_len(p));
	assert_false(ebpfc_prog_log_truncated(p));
	assert_null(strstr(ebpfc_prog_log(p), "truncated"));
	snprintf(want, sizeof(want), "processed %zu insns", cnt);
	last_line(ebpfc_prog_log(p), line, sizeof(line));
	if (strncmp(line, want, strlen(want)) != 0)
		fail_msg("the log's last line is \"%s\", expected \"%s ...\"", line, want);
	/* The start is there too: the first instruction's line. */
	assert_non_null(strstr(ebpfc_prog_log(p), "0: (b7) r0 = 0"));
	/* The kernel told us how big the log was (6.4+), and we kept it all. */
	if (o.log_true_size)
		assert_int_equal(o.log_true_size, ebpfc_prog_log_len(p) + 1);
	ebpfc_prog_destroy(p);
}

static void test_big_log_capped(void **state)
{
	size_t cnt;
	struct bpf_insn *insns;
	struct ebpfc_prog *p = NULL;
	char *log = NULL;
	int err;
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_level = 2, .log_size_max = 4096, .log_out = &log);

	(void)state;
	TU_REQUIRE_PRIVS();
	insns = long_program(4000, &cnt);
	err = ebpfc_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "tp_caplog", "GPL", insns, cnt, &o, &p);
	free(insns);
	if (err == 0) {
		/* Kernels that load despite a full log: the handle says it was cut. */
		assert_true(ebpfc_prog_log_truncated(p));
		assert_non_null(strstr(ebpfc_prog_log(p), "truncated"));
		assert_true(ebpfc_prog_log_len(p) <= 4096 + 256);
		ebpfc_prog_destroy(p);
		return;
	}
	/* Kernels (5.x+) fail a load whose log did not fit, with ENOSPC. */
	assert_int_equal(err, -ENOSPC);
	assert_null(p);
	assert_non_null(log);
	assert_non_null(strstr(log, "truncated"));
	assert_true(strlen(log) <= 4096 + 256);
	assert_errmsg_contains("'tp_caplog'");
	assert_errmsg_contains("truncated");
	assert_errmsg_contains("log_size_max");
	free(log);
}

static void test_log_level1_kept_on_success(void **state)
{
	struct ebpfc_prog *p;
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_level = 1);

	(void)state;
	TU_REQUIRE_PRIVS();
	p = load_ok(BPF_PROG_TYPE_XDP, "tp_log1", xdp_len_insns, TU_ARRAY_SIZE(xdp_len_insns), &o);
	assert_true(ebpfc_prog_log_len(p) > 0);
	assert_non_null(strstr(ebpfc_prog_log(p), "processed "));
	assert_false(ebpfc_prog_log_truncated(p));
	ebpfc_prog_destroy(p);
}

static void test_caller_log_buffer(void **state)
{
	char buf[128];
	size_t cnt;
	struct bpf_insn *insns;
	struct ebpfc_prog *p = NULL;
	char *log = NULL;
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_level = 2, .log_buf = buf,
		   .log_size = sizeof(buf), .log_out = &log);

	(void)state;
	TU_REQUIRE_PRIVS();
	/* A caller's buffer is used as is, never grown: a big log does not fit. */
	insns = long_program(200, &cnt);
	assert_true(ebpfc_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "tp_userlog", "GPL", insns, cnt,
				    &o, &p) < 0);
	free(insns);
	assert_null(p);
	assert_non_null(log);
	assert_true(strlen(log) < sizeof(buf));
	assert_true(strlen(buf) > 0);
	free(log);
}

struct log_capture {
	int calls;
	char last[512];
};

static void capture_log(enum ebpfc_log_level level, const char *msg, void *user)
{
	struct log_capture *c = user;

	(void)level;
	c->calls++;
	snprintf(c->last, sizeof(c->last), "%s", msg);
}

static void test_log_callback(void **state)
{
	struct log_capture cap = { 0 };
	struct ebpfc_prog *p;
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_fn = capture_log, .log_user = &cap);

	(void)state;
	TU_REQUIRE_PRIVS();
	p = load_ok(BPF_PROG_TYPE_SOCKET_FILTER, "tp_logcb", ret0_insns, 2, &o);
	assert_true(cap.calls >= 1);
	assert_non_null(strstr(cap.last, "tp_logcb"));
	assert_null(strchr(cap.last, '\n'));
	ebpfc_prog_destroy(p);
}

/* ---- pinning, opening, info ---------------------------------------------------------- */

static void test_pin_open_info(void **state)
{
	char dir[TU_PATH_MAX], path[TU_PATH_MAX + 32], mpath[TU_PATH_MAX + 32];
	struct ebpfc_prog *p, *q, *r, *s;
	struct ebpfc_prog_info info, qinfo;
	struct ebpfc_map *m;
	static const __u8 zero_tag[8];
	int before;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	snprintf(path, sizeof(path), "%s/prog", dir);
	snprintf(mpath, sizeof(mpath), "%s/map", dir);

	p = load_ok(BPF_PROG_TYPE_XDP, "tp_pinned", xdp_len_insns, TU_ARRAY_SIZE(xdp_len_insns),
		    NULL);
	assert_ok(ebpfc_prog_info(p, &info));
	assert_int_equal(info.type, BPF_PROG_TYPE_XDP);
	assert_string_equal(info.name, "tp_pinned");
	assert_true(info.id > 0);
	assert_memory_not_equal(info.tag, zero_tag, sizeof(zero_tag));
	assert_int_equal(info.xlated_prog_len, sizeof(xdp_len_insns));
	assert_true(info.load_time > 0);
	assert_true(info.gpl_compatible);
	assert_true(info.verified_insns > 0);

	assert_ok(ebpfc_prog_pin(p, path));
	assert_true(tu_exists(path));
	assert_err(ebpfc_prog_pin(p, path), EEXIST);
	assert_errmsg_contains("'tp_pinned'");
	assert_errmsg_contains("already");

	assert_ok(ebpfc_prog_open_pinned(path, &q));
	assert_int_equal(ebpfc_prog_type(q), BPF_PROG_TYPE_XDP);
	assert_string_equal(ebpfc_prog_name(q), "tp_pinned");
	assert_ok(ebpfc_prog_info(q, &qinfo));
	assert_int_equal(qinfo.id, info.id);
	assert_memory_equal(qinfo.tag, info.tag, sizeof(info.tag));

	assert_ok(ebpfc_prog_open_id(info.id, &r));
	assert_ok(ebpfc_prog_info(r, &qinfo));
	assert_int_equal(qinfo.id, info.id);
	/* An opened program runs like the original. */
	{
		unsigned char pkt[64] = { 0 };
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));

		assert_ok(ebpfc_prog_test_run(r, &o));
		assert_int_equal(o.retval, XDP_PASS);
	}
	before = tu_count_fds();
	assert_ok(ebpfc_prog_open_fd(ebpfc_prog_fd(p), &s));
	assert_int_equal(tu_count_fds(), before + 1);
	assert_int_not_equal(ebpfc_prog_fd(s), ebpfc_prog_fd(p));
	ebpfc_prog_destroy(s);
	assert_int_equal(tu_count_fds(), before);

	assert_ok(ebpfc_prog_unpin(p, path));
	assert_false(tu_exists(path));
	assert_err(ebpfc_prog_unpin(p, path), ENOENT);
	assert_errmsg_contains("'tp_pinned'");
	ebpfc_prog_destroy(q);
	ebpfc_prog_destroy(r);

	s = (struct ebpfc_prog *)0x1;
	assert_err(ebpfc_prog_open_pinned(path, &s), ENOENT);
	assert_null(s);
	assert_errmsg_contains(path);
	assert_errmsg_contains("nothing is pinned there");
	assert_err(ebpfc_prog_open_id(0xfffffff0u, &s), ENOENT);
	assert_errmsg_contains("no program has that id");

	/* A pinned map is not a program. */
	assert_ok(ebpfc_map_create(BPF_MAP_TYPE_ARRAY, "tp_notaprog", 4, 4, 1, NULL, &m));
	assert_ok(ebpfc_map_pin(m, mpath));
	before = tu_count_fds();
	s = (struct ebpfc_prog *)0x1;
	assert_err(ebpfc_prog_open_pinned(mpath, &s), EINVAL);
	assert_null(s);
	assert_errmsg_contains("not a program");
	assert_err(ebpfc_prog_open_fd(ebpfc_map_fd(m), &s), EINVAL);
	assert_errmsg_contains("not a program");
	assert_int_equal(tu_count_fds(), before);
	ebpfc_map_destroy(m);

	ebpfc_prog_destroy(p);
	assert_ok(tu_rm_rf(dir));
}

/* ---- test-run flags and cpu ---------------------------------------------------------- */

static void test_test_run_flags_and_cpu(void **state)
{
	struct ebpfc_prog *xdp, *raw;
	unsigned char pkt[64] = { 0 };
	__u64 args[1] = { 0 };
	int ncpus = tu_possible_cpus();

	(void)state;
	TU_REQUIRE_PRIVS();
	xdp = load_ok(BPF_PROG_TYPE_XDP, "tp_xdp_flags", xdp_len_insns,
		      TU_ARRAY_SIZE(xdp_len_insns), NULL);
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			   .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 0);

		/* XDP test runs do not take BPF_F_TEST_RUN_ON_CPU. */
		assert_err(ebpfc_prog_test_run(xdp, &o), EINVAL);
		assert_errmsg_contains("'tp_xdp_flags'");
		assert_errmsg_contains("test run");
		o.flags = 0x80000000u;
		assert_err(ebpfc_prog_test_run(xdp, &o), EINVAL);
		assert_errmsg_contains("'tp_xdp_flags'");
	}
	ebpfc_prog_destroy(xdp);

	raw = load_ok(BPF_PROG_TYPE_RAW_TRACEPOINT, "tp_raw_cpu", ret0_insns, 2, NULL);
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .ctx_in = args, .ctx_size_in = sizeof(args),
			   .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = ncpus > 1 ? 1 : 0);

		assert_ok(ebpfc_prog_test_run(raw, &o));
		assert_int_equal(o.retval, 0);
		/* A CPU that does not exist. */
		o.cpu = 100000;
		assert_true(ebpfc_prog_test_run(raw, &o) < 0);
		assert_errmsg_contains("'tp_raw_cpu'");
		assert_errmsg_contains("test run");
		/* A cpu without the flag that says to use it. */
		o.flags = 0;
		o.cpu = 1;
		assert_err(ebpfc_prog_test_run(raw, &o), EINVAL);
		assert_errmsg_contains("'tp_raw_cpu'");
	}
	ebpfc_prog_destroy(raw);
}

/* ---- EPERM ------------------------------------------------------------------------------ */

/*
 * Drop every capability in a child (uid 0 without capabilities is as
 * unprivileged as any user for bpf()), load there, and send back the
 * result and the message.
 */
static void test_eperm_message(void **state)
{
	int pipefd[2], status;
	pid_t pid;
	char msg[1024];
	ssize_t n;
	int err = 0;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct d[2];
		struct ebpfc_prog *p;
		char out[1100];
		int e, len;

		memset(d, 0, sizeof(d));
		close(pipefd[0]);
		if (syscall(SYS_capset, &h, d) != 0)
			_exit(2);
		e = ebpfc_prog_load(BPF_PROG_TYPE_XDP, "tp_eperm", "GPL", ret0_insns, 2, NULL, &p);
		len = snprintf(out, sizeof(out), "%d\n%s", e, ebpfc_errmsg());
		if (write(pipefd[1], out, len) != len)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 2) {
		print_message("skipped: cannot drop capabilities in a child process\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(n > 0);
	msg[n] = '\0';
	err = atoi(msg);
	if (err == 0) {
		print_message("skipped: this kernel lets an unprivileged process load XDP "
			      "programs, so there is no EPERM to explain\n");
		skip();
	}
	assert_int_equal(err, -EPERM);
	if (!strstr(msg, "'tp_eperm'") || !strstr(msg, "EPERM") || !strstr(msg, "CAP_BPF"))
		fail_msg("EPERM message lacks the program, the errno or the fix: %s", msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_test_run),
		cmocka_unit_test(test_xdp_ctx_in_out),
		cmocka_unit_test(test_map_counter_program),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_rejected_program_log),
		cmocka_unit_test(test_big_log_grows),
		cmocka_unit_test(test_big_log_capped),
		cmocka_unit_test(test_log_level1_kept_on_success),
		cmocka_unit_test(test_caller_log_buffer),
		cmocka_unit_test(test_log_callback),
		cmocka_unit_test(test_pin_open_info),
		cmocka_unit_test(test_test_run_flags_and_cpu),
		cmocka_unit_test(test_eperm_message),
	};

	return cmocka_run_group_tests_name("prog", tests, NULL, tu_teardown);
}
