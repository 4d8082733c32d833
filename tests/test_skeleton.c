/*
 * test_skeleton.c - `ebpfc gen skeleton` and `ebpfc gen types`, from the
 * outside: build/ebpfc is run on the objects in build/bpf, and what it
 * writes is compiled with the system's compilers at test time.
 *
 *   every object   the skeleton compiles with -Wall -Wextra -Werror as C
 *                  and as C++17; the types header alone too; both come out
 *                  byte for byte the same twice;
 *   at run time    programs built on the skeletons of xdp_counter and
 *                  test_globals (C, and the first as C++ too) open, set
 *                  .rodata, load, run the XDP program with test_run and read
 *                  .bss and a per-CPU map through the typed accessors;
 *                  test_core_e2e's raw_tp program attaches through
 *                  NAME__attach() and sees this process;
 *   compile errors a key of the wrong type for a typed accessor does not
 *                  compile, in C (without -Werror) and in C++.
 *
 * Needs build/ebpfc (make tools) and cc/c++; skips with a message without
 * them. The run-time part needs bpf() privileges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ebpfc/ebpfc.h>
#include "testutil.h"

#define EBPFC_TOOL EBPFC_TEST_BPF_DIR "/../ebpfc"
#define LIBEBPFC EBPFC_TEST_BPF_DIR "/../libebpfc.a"
#ifndef EBPFC_TEST_SAN
#define EBPFC_TEST_SAN ""
#endif
#define INCLUDE EBPFC_TEST_SRC_DIR "/../include"
#define PATHBUF 1024

static char tmpdir[TU_PATH_MAX];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ebpfc-skeleton.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tu_rm_rf(tmpdir);
	return 0;
}

/* Run a shell command; its output goes to tmpdir/cmd.log. Returns the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc, n;

	cmd[0] = '(';
	va_start(ap, fmt);
	n = vsnprintf(cmd + 1, sizeof(cmd) - 1, fmt, ap) + 1;
	va_end(ap);
	assert_true(n > 1 && (size_t)n + 64 + strlen(tmpdir) < sizeof(cmd));
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, ") >%s/cmd.log 2>&1", tmpdir);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* The log of the last run(), whole (malloc'd). */
static char *last_log(void)
{
	char path[PATHBUF], *buf = calloc(1, 1 << 16);
	FILE *f;
	size_t n;

	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/cmd.log", tmpdir);
	f = fopen(path, "r");
	if (!f)
		return buf;
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void show_log(void)
{
	char *log = last_log(), *p = log;

	for (int lines = 0; *p && lines < 30; lines++) {
		char *nl = strchr(p, '\n');

		print_message("  | %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl)
			break;
		p = nl + 1;
	}
	free(log);
}

#define RUN_OK(...)                                                                 \
	do {                                                                        \
		int rc_ = run(__VA_ARGS__);                                         \
		if (rc_) {                                                          \
			show_log();                                                 \
			fail_msg("exit status %d", rc_);                            \
		}                                                                   \
	} while (0)

static void require_tools(void)
{
	if (access(EBPFC_TOOL, X_OK)) {
		print_message("skipped: %s is not built (make tools)\n", EBPFC_TOOL);
		skip();
	}
	if (run("cc --version") || run("c++ --version")) {
		print_message("skipped: cc or c++ is not installed\n");
		skip();
	}
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static bool same_file(const char *a, const char *b)
{
	return run("cmp -s %s %s", a, b) == 0;
}

/* The objects of build/bpf, by base name without ".bpf.o"; returns how many. */
static size_t list_objects(char names[][128], size_t cap)
{
	DIR *dir = opendir(EBPFC_TEST_BPF_DIR);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(dir);
	while ((e = readdir(dir)) && n < cap) {
		size_t len = strlen(e->d_name);

		if (len > 6 && len < 120 && !strcmp(e->d_name + len - 6, ".bpf.o")) {
			memcpy(names[n], e->d_name, len - 6);
			names[n++][len - 6] = '\0';
		}
	}
	closedir(dir);
	return n;
}

/* Generate the skeleton of build/bpf/NAME.bpf.o into tmpdir/NAME.skel.h. */
static void gen_skeleton(const char *name)
{
	RUN_OK("%s gen skeleton %s/%s.bpf.o > %s/%s.skel.h", EBPFC_TOOL, EBPFC_TEST_BPF_DIR,
	       name, tmpdir, name);
}

/* ---- every object ----------------------------------------------------------------- */

static void test_all_objects_compile(void **state)
{
	static char names[64][128];
	char script[PATHBUF], *sh;
	size_t n, len = 0, cap = 1 << 16;
	FILE *f;

	(void)state;
	require_tools();
	n = list_objects(names, 64);
	assert_true(n >= 10);
	sh = calloc(1, cap);
	assert_non_null(sh);
	/* Everything in parallel: two skeletons and two type headers per object, four compiles. */
	len += (size_t)snprintf(sh + len, cap - len, "set -u\ncd %s\nfail=0\n", tmpdir);
	for (size_t i = 0; i < n; i++) {
		const char *o = names[i];

		len += (size_t)snprintf(sh + len, cap - len,
			"( %s gen skeleton %s/%s.bpf.o > %s.skel.h && "
			"%s gen skeleton %s/%s.bpf.o > %s.skel.h.2 && cmp %s.skel.h %s.skel.h.2 && "
			"%s gen types %s/%s.bpf.o > %s.types.h && "
			"%s gen types %s/%s.bpf.o > %s.types.h.2 && cmp %s.types.h %s.types.h.2 && "
			"printf '#include \"%s.skel.h\"\\nint main(void) { return sizeof(struct %s) > 0 ? 0 : 1; }\\n' > %s_c.c && "
			"cp %s_c.c %s_cxx.cpp && "
			"printf '#include <linux/types.h>\\n#include \"%s.types.h\"\\n#include \"%s.types.h\"\\nint x_;\\n' > %s_t.c && "
			"cp %s_t.c %s_t.cpp && "
			"cc -std=gnu11 -Wall -Wextra -Werror -I%s -c %s_c.c -o /dev/null && "
			"c++ -std=c++17 -Wall -Wextra -Werror -I%s -c %s_cxx.cpp -o /dev/null && "
			"cc -std=gnu11 -Wall -Wextra -Werror -c %s_t.c -o /dev/null && "
			"c++ -std=c++17 -Wall -Wextra -Werror -c %s_t.cpp -o /dev/null "
			") > %s.log 2>&1 || echo \"FAILED: %s (exit $?)\" >> %s.log &\n",
			EBPFC_TOOL, EBPFC_TEST_BPF_DIR, o, o, EBPFC_TOOL, EBPFC_TEST_BPF_DIR, o, o, o, o,
			EBPFC_TOOL, EBPFC_TEST_BPF_DIR, o, o, EBPFC_TOOL, EBPFC_TEST_BPF_DIR, o, o, o, o,
			o, o, o, o, o, o, o, o, o, o, INCLUDE, o, INCLUDE, o, o, o, o, o, o);
		assert_true(len < cap - 1024);
	}
	/* Jobs say nothing when they succeed: any output in a log is a failure. */
	snprintf(sh + len, cap - len,
		 "wait\nfor l in *.log; do\n\t[ \"$l\" = cmd.log ] && continue\n"
		 "\t[ -s \"$l\" ] && { echo \"== $l\"; cat \"$l\"; fail=1; }\ndone\nexit $fail\n");
	snprintf(script, sizeof(script), "%s/all.sh", tmpdir);
	f = fopen(script, "w");
	assert_non_null(f);
	fputs(sh, f);
	fclose(f);
	free(sh);
	RUN_OK("sh %s", script);
	print_message("%zu objects: skeletons and type headers compile as C and C++17, and come out "
		      "the same twice\n", n);
}

/* ---- at run time ---------------------------------------------------------------------- */

static const char xdp_counter_prog[] =
	"#include <stdio.h>\n"
	"#include <stdlib.h>\n"
	"#include <string.h>\n"
	"#include <arpa/inet.h>\n"
	"#include \"xdp_counter.skel.h\"\n"
	"\n"
	"static int fail(const char *what)\n"
	"{\n"
	"\tprintf(\"FAIL %s: %s\\n\", what, ebpfc_errmsg());\n"
	"\treturn 1;\n"
	"}\n"
	"\n"
	"static int run(struct xdp_counter *skel, unsigned short proto, unsigned char l4, __u32 *ret)\n"
	"{\n"
	"\tunsigned char pkt[64];\n"
	"\tstruct ebpfc_test_run_opts o;\n"
	"\tint err;\n"
	"\n"
	"\tmemset(pkt, 0, sizeof(pkt));\n"
	"\tpkt[12] = (unsigned char)(proto >> 8);\n"
	"\tpkt[13] = (unsigned char)proto;\n"
	"\tpkt[14] = 0x45;\n"
	"\tpkt[14 + 9] = l4;\n"
	"\tmemset(&o, 0, sizeof(o));\n"
	"\to.sz = sizeof(o);\n"
	"\to.data_in = pkt;\n"
	"\to.data_size_in = sizeof(pkt);\n"
	"\terr = ebpfc_prog_test_run(skel->progs.xdp_count, &o);\n"
	"\t*ret = o.retval;\n"
	"\treturn err;\n"
	"}\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\tstruct xdp_counter__counts__percpu *v;\n"
	"\tstruct xdp_counter *skel;\n"
	"\t__u64 packets = 0, bytes = 0;\n"
	"\t__u32 key = 17, ret1, ret2;\n"
	"\tint ncpu, i;\n"
	"\n"
	"\tif (xdp_counter__open(&skel))\n"
	"\t\treturn fail(\"open\");\n"
	"\tif (!skel->rodata || skel->rodata->pass_action != 2 || !skel->bss)\n"
	"\t\treturn fail(\"rodata before load\");\n"
	"\tskel->rodata->pass_action = 3;\t/* XDP_TX: the program must see it */\n"
	"\tif (xdp_counter__load(skel))\n"
	"\t\treturn fail(\"load\");\n"
	"\tif (run(skel, 0x0800, 17, &ret1) || run(skel, 0x88cc, 0, &ret2))\n"
	"\t\treturn fail(\"test_run\");\n"
	"\tncpu = ebpfc_num_possible_cpus();\n"
	"\tv = (struct xdp_counter__counts__percpu *)calloc((size_t)ncpu, sizeof(*v));\n"
	"\tif (!v || xdp_counter__map_counts__lookup(skel, &key, v, (size_t)ncpu))\n"
	"\t\treturn fail(\"lookup\");\n"
	"\tfor (i = 0; i < ncpu; i++) {\n"
	"\t\tpackets += v[i].value.packets;\n"
	"\t\tbytes += v[i].value.bytes;\n"
	"\t}\n"
	"\tif (xdp_counter__map_counts__lookup(skel, &key, v, 1) != -EINVAL && ncpu > 1)\n"
	"\t\treturn fail(\"lookup with too few CPUs should fail\");\n"
	"\tprintf(\"retval=%u,%u udp_packets=%llu udp_bytes=%llu non_ip=%llu rodata=%u\\n\", ret1, ret2,\n"
	"\t       (unsigned long long)packets, (unsigned long long)bytes,\n"
	"\t       (unsigned long long)skel->bss->non_ip, skel->rodata->pass_action);\n"
	"\tfree(v);\n"
	"\txdp_counter__destroy(skel);\n"
	"\treturn 0;\n"
	"}\n";

static const char test_globals_prog[] =
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"#include \"test_globals.skel.h\"\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\tstruct test_globals *skel;\n"
	"\tunsigned char pkt[64];\n"
	"\tstruct ebpfc_test_run_opts o;\n"
	"\n"
	"\tif (test_globals__open(&skel)) {\n"
	"\t\tprintf(\"FAIL open: %s\\n\", ebpfc_errmsg());\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tskel->rodata->cfg_u32 = 7;\n"
	"\tskel->rodata_cfg->cfg.mult = 3;\n"
	"\tskel->rodata_cfg->cfg.add = 2;\n"
	"\tskel->data->data_input = 100;\n"
	"\tif (test_globals__load(skel)) {\n"
	"\t\tprintf(\"FAIL load: %s\\n\", ebpfc_errmsg());\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tskel->data->data_input = 5;\t/* after load: the map's memory, live */\n"
	"\tmemset(pkt, 0, sizeof(pkt));\n"
	"\tmemset(&o, 0, sizeof(o));\n"
	"\to.sz = sizeof(o);\n"
	"\to.data_in = pkt;\n"
	"\to.data_size_in = sizeof(pkt);\n"
	"\tif (ebpfc_prog_test_run(skel->progs.globals_run, &o)) {\n"
	"\t\tprintf(\"FAIL run: %s\\n\", ebpfc_errmsg());\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tprintf(\"out_u32=%u out_u64_ok=%d runs=%u data_u32=%u out_arr3=%u\\n\", skel->bss->out_u32,\n"
	"\t       skel->bss->out_u64 == skel->rodata->cfg_u64 + 5, skel->bss->out.runs,\n"
	"\t       skel->data->data_u32, skel->bss->out_arr[3]);\n"
	"\ttest_globals__destroy(skel);\n"
	"\treturn 0;\n"
	"}\n";

/* Build tmpdir/NAME (from source text) against the skeleton and libebpfc.a; run it. */
static char *build_and_run(const char *name, const char *src, bool cxx)
{
	char path[PATHBUF];

	snprintf(path, sizeof(path), "%s/%s.%s", tmpdir, name, cxx ? "cpp" : "c");
	write_text(path, src);
	/* A sanitized library (make check-asan) needs the same flags to link. */
	RUN_OK("%s -Wall -Wextra -Werror %s -I%s -I%s -o %s/%s %s %s -lpthread",
	       cxx ? "c++ -std=c++17" : "cc -std=gnu11", EBPFC_TEST_SAN, INCLUDE, tmpdir, tmpdir,
	       name, path, LIBEBPFC);
	TU_REQUIRE_PRIVS();
	RUN_OK("%s/%s", tmpdir, name);
	return last_log();
}

static void test_run_xdp_counter(void **state)
{
	char *out;

	(void)state;
	require_tools();
	gen_skeleton("xdp_counter");
	out = build_and_run("xdp_counter_c", xdp_counter_prog, false);
	assert_string_equal(out, "retval=3,3 udp_packets=1 udp_bytes=64 non_ip=1 rodata=3\n");
	free(out);
	out = build_and_run("xdp_counter_cxx", xdp_counter_prog, true);
	assert_string_equal(out, "retval=3,3 udp_packets=1 udp_bytes=64 non_ip=1 rodata=3\n");
	free(out);
}

static void test_run_globals(void **state)
{
	char *out;

	(void)state;
	require_tools();
	gen_skeleton("test_globals");
	out = build_and_run("test_globals_c", test_globals_prog, false);
	/* out_u32 = cfg_u32 * mult + add; data_u32 5 + 1; out_arr[3] = 4 + 40 */
	assert_string_equal(out, "out_u32=23 out_u64_ok=1 runs=1 data_u32=6 out_arr3=44\n");
	free(out);
}

static const char attach_prog[] =
	"#include <stdio.h>\n"
	"#include <unistd.h>\n"
	"#include \"test_core_e2e.skel.h\"\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\tstruct test_core_e2e *skel;\n"
	"\tint err, tries;\n"
	"\n"
	"\tif (test_core_e2e__open_and_load(&skel)) {\n"
	"\t\tprintf(\"FAIL load: %s\\n\", ebpfc_errmsg());\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\terr = test_core_e2e__attach(skel);\n"
	"\tif (err) {\n"
	"\t\tprintf(\"FAIL attach: %s\\n\", ebpfc_errmsg());\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\t/* every task's system calls reach the program: wait for ours */\n"
	"\tfor (tries = 0; tries < 1000 && skel->bss->seen_tgid != (__u32)getpid(); tries++)\n"
	"\t\tusleep(1000);\n"
	"\tprintf(\"linked=%d seen_self=%d\", skel->links.core_e2e != NULL,\n"
	"\t       skel->bss->seen_tgid == (__u32)getpid());\n"
	"\ttest_core_e2e__detach(skel);\n"
	"\tprintf(\" after_detach=%d\\n\", skel->links.core_e2e != NULL);\n"
	"\ttest_core_e2e__destroy(skel);\n"
	"\treturn 0;\n"
	"}\n";

static void test_attach(void **state)
{
	char *out;

	(void)state;
	require_tools();
	gen_skeleton("test_core_e2e");
	out = build_and_run("attach_c", attach_prog, false);
	assert_string_equal(out, "linked=1 seen_self=1 after_detach=0\n");
	free(out);
}

/* ---- compile errors ------------------------------------------------------------------ */

static const char wrong_key[] =
	"#include \"xdp_counter.skel.h\"\n"
	"int f(struct xdp_counter *skel, struct xdp_counter__counts__percpu *v, size_t n)\n"
	"{\n"
	"\tKEY_TYPE key = 1;\n"
	"\treturn xdp_counter__map_counts__lookup(skel, &key, v, n);\n"
	"}\n";

static void test_wrong_key_type(void **state)
{
	char path[PATHBUF], cxx[PATHBUF], *log;

	(void)state;
	require_tools();
	gen_skeleton("xdp_counter");
	snprintf(path, sizeof(path), "%s/wrong_key.c", tmpdir);
	snprintf(cxx, sizeof(cxx), "%s/wrong_key.cpp", tmpdir);
	write_text(path, wrong_key);
	write_text(cxx, wrong_key);
	/* The right type compiles, strictly ... */
	RUN_OK("cc -std=gnu11 -Wall -Wextra -Werror -DKEY_TYPE=__u32 -I%s -I%s -c %s -o /dev/null",
	       INCLUDE, tmpdir, path);
	RUN_OK("c++ -std=c++17 -Wall -Wextra -Werror -DKEY_TYPE=__u32 -I%s -I%s -c %s -o /dev/null",
	       INCLUDE, tmpdir, cxx);
	/* ... a wrong one does not, not even without -Werror, nor from void *. */
	assert_int_not_equal(run("cc -std=gnu11 -DKEY_TYPE=__u64 -I%s -I%s -c %s -o /dev/null",
				 INCLUDE, tmpdir, path), 0);
	log = last_log();
	if (!strstr(log, "xdp_counter__map_counts__lookup: key must point to __u32"))
		fail_msg("the C compiler failed, but not on the key's type:\n%s", log);
	free(log);
	assert_int_not_equal(run("cc -std=gnu11 -DKEY_TYPE=int -I%s -I%s -c %s -o /dev/null",
				 INCLUDE, tmpdir, path), 0);
	assert_int_not_equal(run("c++ -std=c++17 -DKEY_TYPE=__u64 -I%s -I%s -c %s -o /dev/null",
				 INCLUDE, tmpdir, cxx), 0);
	log = last_log();
	assert_non_null(strstr(log, "xdp_counter__map_counts__lookup"));
	free(log);
}

/* The value side and the per-CPU element type are checked the same way. */
static void test_wrong_value_type(void **state)
{
	static const char src[] =
		"#include \"xdp_counter.skel.h\"\n"
		"int f(struct xdp_counter *skel, struct counts *v, size_t n)\n"
		"{\n"
		"\t__u32 key = 1;\n"
		"\treturn xdp_counter__map_counts__lookup(skel, &key, v, n);\n"
		"}\n";
	char path[PATHBUF], *log;

	(void)state;
	require_tools();
	gen_skeleton("xdp_counter");
	snprintf(path, sizeof(path), "%s/wrong_value.c", tmpdir);
	write_text(path, src);
	assert_int_not_equal(run("cc -std=gnu11 -I%s -I%s -c %s -o /dev/null", INCLUDE, tmpdir,
				 path), 0);
	log = last_log();
	assert_non_null(strstr(log, "values must point to struct xdp_counter__counts__percpu"));
	free(log);
}

/* ---- the command line -------------------------------------------------------------------- */

static void test_cli(void **state)
{
	char a[PATHBUF], b[PATHBUF], *log;

	(void)state;
	require_tools();
	/* --name renames everything */
	RUN_OK("%s gen skeleton --name counter %s/xdp_counter.bpf.o > %s/counter.skel.h",
	       EBPFC_TOOL, EBPFC_TEST_BPF_DIR, tmpdir);
	RUN_OK("grep -q '^struct counter {' %s/counter.skel.h", tmpdir);
	RUN_OK("grep -q 'counter__map_counts__lookup' %s/counter.skel.h", tmpdir);
	RUN_OK("grep -q '#ifndef EBPFC_TYPES_COUNTER' %s/counter.skel.h", tmpdir);
	/* usage errors: 2, nothing on stdout */
	assert_int_equal(run("%s gen skeleton", EBPFC_TOOL), 2);
	assert_int_equal(run("%s gen skeleton --name 1x %s/xdp_counter.bpf.o", EBPFC_TOOL,
			     EBPFC_TEST_BPF_DIR), 2);
	assert_int_equal(run("%s gen frobnicate x", EBPFC_TOOL), 2);
	assert_int_equal(run("%s btf dump --format json", EBPFC_TOOL), 2);
	/* a file that is no object: 1, and stdout stays empty */
	snprintf(a, sizeof(a), "%s/not_an_object", tmpdir);
	write_text(a, "hello\n");
	snprintf(b, sizeof(b), "%s/out.h", tmpdir);
	assert_int_equal(run("%s gen skeleton %s > %s", EBPFC_TOOL, a, b), 1);
	assert_int_equal(run("test -s %s", b), 1);
	/* --type of a name the object lacks */
	assert_int_equal(run("%s gen types --type no_such_type %s/xdp_counter.bpf.o", EBPFC_TOOL,
			     EBPFC_TEST_BPF_DIR), 1);
	log = last_log();
	assert_non_null(strstr(log, "no_such_type"));
	free(log);
	/* --type adds a type the rules leave out: the tracepoint record of execsnoop */
	RUN_OK("%s gen types --type sched_process_exec_args %s/execsnoop.bpf.o | "
	       "grep -q 'struct sched_process_exec_args {'", EBPFC_TOOL, EBPFC_TEST_BPF_DIR);
	/* btf dump: object BTF as C and raw; stable */
	RUN_OK("%s btf dump %s/xdp_counter.bpf.o | grep -q '^struct counts {'", EBPFC_TOOL,
	       EBPFC_TEST_BPF_DIR);
	RUN_OK("%s btf dump --format raw %s/xdp_counter.bpf.o | grep -q \"STRUCT 'counts' size=16 vlen=2\"",
	       EBPFC_TOOL, EBPFC_TEST_BPF_DIR);
	if (tu_exists("/sys/kernel/btf/vmlinux")) {
		/* the default is the running kernel's BTF, and the output is stable */
		RUN_OK("%s btf dump > %s/v1.h && %s btf dump /sys/kernel/btf/vmlinux --format c > "
		       "%s/v2.h", EBPFC_TOOL, tmpdir, EBPFC_TOOL, tmpdir);
		snprintf(a, sizeof(a), "%s/v1.h", tmpdir);
		snprintf(b, sizeof(b), "%s/v2.h", tmpdir);
		assert_true(same_file(a, b));
		RUN_OK("grep -q '^struct task_struct {' %s", a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_objects_compile),
		cmocka_unit_test(test_run_xdp_counter),
		cmocka_unit_test(test_run_globals),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_wrong_key_type),
		cmocka_unit_test(test_wrong_value_type),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
