/*
 * test_sys.c - kernel tests of the raw bpf() wrappers in sys.h, each called
 * on real objects:
 *
 *   - map commands (create, element ops, batch ops, freeze), and fds 0-2
 *     never handed out;
 *   - pinning (obj_pin / obj_get, read-only gets);
 *   - prog_load with a caller log buffer and log_true_size, prog_test_run;
 *   - BTF_LOAD of a hand-made blob, and a corrupt one with its log;
 *   - get_next_id / get_fd_by_id / obj_get_info for maps, programs, BTF
 *     and links;
 *   - a cgroup_skb link on a fresh cgroup v2 directory: link_create,
 *     prog_query, link_update (plain and conditional), link_detach, and the
 *     legacy prog_attach / prog_detach;
 *   - enable_stats (run time grows for a test-run program), prog_bind_map,
 *     raw_tracepoint_open on sys_enter (the program really runs), a bpf_map
 *     iterator through link_create + iter_create;
 *   - token_create on a bpffs without delegation (a clear refusal);
 *   - ebpfc_sys_cmd_name() and the messages naming the command.
 *
 * Every test skips with a reason without bpf() privileges.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct bpf_insn ret0[] = { TU_MOV64_IMM(BPF_REG_0, 0), TU_EXIT() };
static const struct bpf_insn ret1[] = { TU_MOV64_IMM(BPF_REG_0, 1), TU_EXIT() };

static int load_prog(__u32 type, __u32 expected_attach_type, const char *name,
		     const struct bpf_insn *insns, __u32 cnt)
{
	EBPFC_OPTS(ebpfc_prog_load_opts, o, .expected_attach_type = expected_attach_type);
	int fd = -1, err;

	err = ebpfc_sys_prog_load(type, name, "GPL", insns, cnt, &o, &fd);
	if (err)
		fail_msg("ebpfc_sys_prog_load(%s '%s') failed (%d): %s", ebpfc_prog_type_name(type),
			 name, err, ebpfc_errmsg());
	assert_true(fd > 2);
	return fd;
}

static int make_map(__u32 type, const char *name, __u32 ks, __u32 vs, __u32 max)
{
	int fd = -1;

	assert_ok(ebpfc_sys_map_create(type, name, ks, vs, max, NULL, &fd));
	assert_true(fd > 2);
	return fd;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_sys_obj_get_info(fd, &info, &len));
	assert_true(info.id > 0);
	return info.id;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_sys_obj_get_info(fd, &info, &len));
	assert_true(info.id > 0);
	return info.id;
}

/* Walk an id space from the start; is `want` in it? */
static bool id_listed(int (*next)(__u32, __u32 *), __u32 want)
{
	__u32 id = 0, n = 0;
	int err;

	while ((err = next(id, &id)) == 0) {
		if (id == want)
			return true;
		assert_true(++n < 1000000);
	}
	assert_int_equal(err, -ENOENT);
	return false;
}

/* ---- maps ------------------------------------------------------------------------ */

static void test_map_commands(void **state)
{
	__u32 k, nk, keys[8], count;
	__u64 v, vals[8];
	int fd, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	fd = make_map(BPF_MAP_TYPE_HASH, "ts_hash", 4, 8, 16);

	k = 1;
	v = 100;
	assert_ok(ebpfc_sys_map_update(fd, &k, &v, BPF_NOEXIST));
	assert_err(ebpfc_sys_map_update(fd, &k, &v, BPF_NOEXIST), EEXIST);
	assert_errmsg_contains("BPF_MAP_UPDATE_ELEM");
	v = 0;
	assert_ok(ebpfc_sys_map_lookup(fd, &k, &v, 0));
	assert_int_equal(v, 100);
	assert_ok(ebpfc_sys_map_next_key(fd, NULL, &nk));
	assert_int_equal(nk, 1);
	assert_err(ebpfc_sys_map_next_key(fd, &k, &nk), ENOENT);
	assert_errmsg_contains("BPF_MAP_GET_NEXT_KEY");
	assert_ok(ebpfc_sys_map_lookup_and_delete(fd, &k, &v, 0));
	assert_int_equal(v, 100);
	assert_err(ebpfc_sys_map_lookup(fd, &k, &v, 0), ENOENT);
	{
		char want[32];

		snprintf(want, sizeof(want), "on fd %d", fd);
		assert_errmsg_contains("bpf(BPF_MAP_LOOKUP_ELEM)");
		assert_errmsg_contains(want);
		assert_errmsg_contains("ENOENT");
	}
	assert_ok(ebpfc_sys_map_update(fd, &k, &v, BPF_ANY));
	assert_ok(ebpfc_sys_map_delete(fd, &k, 0));
	assert_err(ebpfc_sys_map_delete(fd, &k, 0), ENOENT);
	assert_errmsg_contains("BPF_MAP_DELETE_ELEM");

	/* Batch commands. */
	for (i = 0; i < 8; i++) {
		keys[i] = i + 10;
		vals[i] = i * 2;
	}
	count = 8;
	assert_ok(ebpfc_sys_map_update_batch(fd, keys, vals, &count, 0, 0));
	assert_int_equal(count, 8);
	{
		__u32 out_keys[16], batch = 0;
		__u64 out_vals[16];

		count = 16;
		assert_err(ebpfc_sys_map_lookup_batch(fd, NULL, &batch, out_keys, out_vals, &count,
						      0, 0),
			   ENOENT);
		assert_errmsg_contains("BPF_MAP_LOOKUP_BATCH");
		assert_int_equal(count, 8);
		for (i = 0; i < 8; i++)
			assert_int_equal(out_vals[i], (out_keys[i] - 10) * 2);
		count = 3;
		assert_ok(ebpfc_sys_map_delete_batch(fd, keys, &count, 0, 0));
		assert_int_equal(count, 3);
		count = 16;
		assert_err(ebpfc_sys_map_lookup_and_delete_batch(fd, NULL, &batch, out_keys,
								 out_vals, &count, 0, 0),
			   ENOENT);
		assert_int_equal(count, 5);
		assert_err(ebpfc_sys_map_next_key(fd, NULL, &nk), ENOENT);
	}
	close(fd);

	/* Freeze: then user space cannot write. */
	fd = make_map(BPF_MAP_TYPE_ARRAY, "ts_freeze", 4, 8, 1);
	k = 0;
	assert_ok(ebpfc_sys_map_freeze(fd));
	assert_err(ebpfc_sys_map_update(fd, &k, &v, 0), EPERM);
	assert_true(ebpfc_sys_map_freeze(fd) < 0);
	assert_errmsg_contains("BPF_MAP_FREEZE");
	close(fd);

	/* A bad fd, and a map create the kernel refuses. */
	assert_err(ebpfc_sys_map_lookup(-1, &k, &v, 0), EBADF);
	assert_errmsg_contains("on fd -1");
	assert_err(ebpfc_sys_map_create(BPF_MAP_TYPE_HASH, "ts_bad", 4, 8, 0, NULL, &fd), EINVAL);
	assert_errmsg_contains("bpf(BPF_MAP_CREATE)");
	assert_errmsg_contains("EINVAL");
}

static void test_no_fd_below_3(void **state)
{
	int saved, fd = -1, pfd = -1;

	(void)state;
	TU_REQUIRE_PRIVS();
	/* With stdin closed, the kernel would hand out fd 0. */
	saved = dup(0);
	assert_true(saved >= 0);
	close(0);
	assert_ok(ebpfc_sys_map_create(BPF_MAP_TYPE_ARRAY, "ts_fd0", 4, 4, 1, NULL, &fd));
	assert_ok(ebpfc_sys_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "ts_fd0", "GPL", ret0, 2,
				      NULL, &pfd));
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_true(fd > 2);
	assert_true(pfd > 2);
	/* And fd 0 was not left open behind our back. */
	assert_true(fcntl(0, F_GETFD) >= 0);
	close(fd);
	close(pfd);
}

/* ---- pinning ---------------------------------------------------------------------- */

static void test_pin_get(void **state)
{
	char dir[TU_PATH_MAX], path[TU_PATH_MAX + 16];
	int fd, got = -1, ro = -1;
	__u32 k = 0;
	__u64 v = 77;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	snprintf(path, sizeof(path), "%s/m", dir);
	fd = make_map(BPF_MAP_TYPE_ARRAY, "ts_pin", 4, 8, 1);
	assert_ok(ebpfc_sys_map_update(fd, &k, &v, 0));
	assert_ok(ebpfc_sys_obj_pin(fd, path));
	assert_err(ebpfc_sys_obj_pin(fd, path), EEXIST);
	assert_errmsg_contains("BPF_OBJ_PIN");
	assert_errmsg_contains(path);

	assert_ok(ebpfc_sys_obj_get(path, 0, &got));
	assert_true(got > 2);
	assert_int_equal(map_id(got), map_id(fd));
	v = 0;
	assert_ok(ebpfc_sys_map_lookup(got, &k, &v, 0));
	assert_int_equal(v, 77);
	assert_ok(ebpfc_sys_obj_get(path, BPF_F_RDONLY, &ro));
	assert_ok(ebpfc_sys_map_lookup(ro, &k, &v, 0));
	assert_err(ebpfc_sys_map_update(ro, &k, &v, 0), EPERM);
	close(ro);
	close(got);

	assert_int_equal(unlink(path), 0);
	assert_err(ebpfc_sys_obj_get(path, 0, &got), ENOENT);
	assert_errmsg_contains("BPF_OBJ_GET");
	assert_errmsg_contains(path);
	close(fd);
	assert_ok(tu_rm_rf(dir));
}

/* ---- programs ------------------------------------------------------------------------ */

static void test_prog_load_and_run(void **state)
{
	const struct bpf_insn bad[] = { TU_EXIT() };
	char log[4096];
	unsigned char pkt[64] = { 0 };
	int fd = -1;

	(void)state;
	TU_REQUIRE_PRIVS();
	{
		EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log),
			   .log_level = 1);

		log[0] = '\0';
		assert_ok(ebpfc_sys_prog_load(BPF_PROG_TYPE_XDP, "ts_xdp", "GPL", ret1, 2, &o, &fd));
		assert_non_null(strstr(log, "processed 2 insns"));
		/* 6.4+ reports the size the log needed, NUL included. */
		if (o.log_true_size)
			assert_int_equal(o.log_true_size, strlen(log) + 1);
	}
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			   .repeat = 10);

		assert_ok(ebpfc_sys_prog_test_run(fd, &o));
		assert_int_equal(o.retval, 1);
	}
	close(fd);

	/* A rejected program: the caller's buffer holds the verdict. */
	{
		EBPFC_OPTS(ebpfc_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log),
			   .log_level = 1);

		fd = -1;
		assert_err(ebpfc_sys_prog_load(BPF_PROG_TYPE_XDP, "ts_bad", "GPL", bad, 1, &o, &fd),
			   EACCES);
		assert_int_equal(fd, -1);
		assert_non_null(strstr(log, "R0 !read_ok"));
		assert_errmsg_contains("bpf(BPF_PROG_LOAD)");
		assert_errmsg_contains("EACCES");
	}
	assert_err(ebpfc_sys_prog_test_run(-1, NULL), EINVAL);
	assert_errmsg_contains("BPF_PROG_TEST_RUN");
}

/* ---- BTF ----------------------------------------------------------------------------- */

static void test_btf_load_and_ids(void **state)
{
	unsigned char blob[128];
	size_t len = tu_btf_int_blob(blob, sizeof(blob));
	struct bpf_btf_info info;
	__u32 ilen = sizeof(info), id;
	int fd = -1, fd2 = -1;

	(void)state;
	TU_REQUIRE_PRIVS();
	assert_true(len > 0);
	assert_ok(ebpfc_sys_btf_load(blob, len, NULL, &fd));
	assert_true(fd > 2);
	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_sys_obj_get_info(fd, &info, &ilen));
	assert_true(info.id > 0);
	assert_int_equal(info.btf_size, len);
	id = info.id;
	assert_true(id_listed(ebpfc_sys_btf_get_next_id, id));

	assert_ok(ebpfc_sys_btf_get_fd_by_id(id, &fd2));
	assert_true(fd2 > 2);
	memset(&info, 0, sizeof(info));
	ilen = sizeof(info);
	assert_ok(ebpfc_sys_obj_get_info(fd2, &info, &ilen));
	assert_int_equal(info.id, id);
	close(fd2);
	close(fd);
	assert_err(ebpfc_sys_btf_get_fd_by_id(0xfffffff0u, &fd2), ENOENT);
	assert_errmsg_contains("BPF_BTF_GET_FD_BY_ID");
	assert_errmsg_contains("for id 4294967280");

	/* A corrupt blob: refused, and the log says why. */
	{
		char log[1024];
		EBPFC_OPTS(ebpfc_btf_load_opts, o, .log_buf = log, .log_size = sizeof(log),
			   .log_level = 1);

		blob[0] ^= 0xff; /* the magic */
		log[0] = '\0';
		fd = -1;
		assert_err(ebpfc_sys_btf_load(blob, len, &o, &fd), EINVAL);
		assert_int_equal(fd, -1);
		assert_errmsg_contains("bpf(BPF_BTF_LOAD)");
		assert_non_null(strstr(log, "magic"));
	}
}

static void test_ids_and_fd_by_id(void **state)
{
	int mfd, pfd, fd = -1;
	__u32 mid, pid, k = 0;
	__u64 v = 1;

	(void)state;
	TU_REQUIRE_PRIVS();
	mfd = make_map(BPF_MAP_TYPE_ARRAY, "ts_ids", 4, 8, 1);
	pfd = load_prog(BPF_PROG_TYPE_SOCKET_FILTER, 0, "ts_ids", ret0, 2);
	mid = map_id(mfd);
	pid = prog_id(pfd);

	assert_true(id_listed(ebpfc_sys_map_get_next_id, mid));
	assert_true(id_listed(ebpfc_sys_prog_get_next_id, pid));
	/* The next id after the last is ENOENT; ids from INT_MAX on are invalid. */
	assert_err(ebpfc_sys_map_get_next_id(0x7ffffffe, &k), ENOENT);
	assert_errmsg_contains("BPF_MAP_GET_NEXT_ID");
	assert_err(ebpfc_sys_prog_get_next_id(0xfffffff0u, &k), EINVAL);
	assert_errmsg_contains("BPF_PROG_GET_NEXT_ID");

	assert_ok(ebpfc_sys_map_get_fd_by_id(mid, 0, &fd));
	assert_int_equal(map_id(fd), mid);
	assert_ok(ebpfc_sys_map_update(fd, &k, &v, 0));
	close(fd);
	assert_ok(ebpfc_sys_map_get_fd_by_id(mid, BPF_F_RDONLY, &fd));
	assert_ok(ebpfc_sys_map_lookup(fd, &k, &v, 0));
	assert_int_equal(v, 1);
	assert_err(ebpfc_sys_map_update(fd, &k, &v, 0), EPERM);
	close(fd);

	assert_ok(ebpfc_sys_prog_get_fd_by_id(pid, &fd));
	assert_int_equal(prog_id(fd), pid);
	close(fd);
	assert_err(ebpfc_sys_prog_get_fd_by_id(0xfffffff0u, &fd), ENOENT);
	assert_errmsg_contains("BPF_PROG_GET_FD_BY_ID");
	assert_err(ebpfc_sys_map_get_fd_by_id(0xfffffff0u, 0, &fd), ENOENT);
	assert_errmsg_contains("BPF_MAP_GET_FD_BY_ID");
	assert_err(ebpfc_sys_link_get_fd_by_id(0xfffffff0u, &fd), ENOENT);
	assert_errmsg_contains("BPF_LINK_GET_FD_BY_ID");

	/* obj_get_info on something that is not a BPF object. */
	{
		struct bpf_map_info info;
		__u32 len = sizeof(info);

		/* EBADF, or EBADFD on kernels that say so for fds that are not open. */
		assert_true(ebpfc_sys_obj_get_info(0x7fff, &info, &len) < 0);
		assert_errmsg_contains("BPF_OBJ_GET_INFO_BY_FD");
	}
	close(mfd);
	close(pfd);
}

/* ---- links on a cgroup -------------------------------------------------------------- */

static __u32 query_cgroup(int cg, __u32 *ids, __u32 cap)
{
	__u32 cnt = cap, flags = 0;
	__u64 rev = 0;

	assert_ok(ebpfc_sys_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, &flags, ids, &cnt, &rev));
	return cnt;
}

static void test_cgroup_link(void **state)
{
	char cgdir[TU_PATH_MAX];
	int cg, p1, p2, link = -1, lfd = -1;
	__u32 id1, id2, ids[8], cnt, link_id;
	struct bpf_link_info li;
	__u32 lilen = sizeof(li);

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_PROBE(ebpfc_probe_bpf_link());
	TU_REQUIRE_CGROUP2(cgdir);
	cg = open(cgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cg >= 0);
	p1 = load_prog(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, "ts_cg1", ret1, 2);
	p2 = load_prog(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, "ts_cg2", ret1, 2);
	id1 = prog_id(p1);
	id2 = prog_id(p2);

	assert_int_equal(query_cgroup(cg, ids, 8), 0);
	assert_ok(ebpfc_sys_link_create(p1, cg, BPF_CGROUP_INET_INGRESS, NULL, &link));
	assert_true(link > 2);
	cnt = query_cgroup(cg, ids, 8);
	assert_int_equal(cnt, 1);
	assert_int_equal(ids[0], id1);
	/* Only the count: prog_ids NULL. */
	cnt = 0;
	assert_ok(ebpfc_sys_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, NULL, &cnt, NULL));
	assert_int_equal(cnt, 1);

	memset(&li, 0, sizeof(li));
	assert_ok(ebpfc_sys_obj_get_info(link, &li, &lilen));
	assert_int_equal(li.type, BPF_LINK_TYPE_CGROUP);
	assert_int_equal(li.prog_id, id1);
	assert_int_equal(li.cgroup.attach_type, BPF_CGROUP_INET_INGRESS);
	link_id = li.id;
	assert_true(link_id > 0);
	assert_true(id_listed(ebpfc_sys_link_get_next_id, link_id));
	assert_ok(ebpfc_sys_link_get_fd_by_id(link_id, &lfd));
	memset(&li, 0, sizeof(li));
	lilen = sizeof(li);
	assert_ok(ebpfc_sys_obj_get_info(lfd, &li, &lilen));
	assert_int_equal(li.id, link_id);
	close(lfd);

	/* Cgroup links are always "multi": a second one joins the first... */
	lfd = -1;
	assert_ok(ebpfc_sys_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, NULL, &lfd));
	assert_int_equal(query_cgroup(cg, ids, 8), 2);
	/* ...and closing its fd (it is not pinned) detaches it. */
	close(lfd);
	assert_int_equal(query_cgroup(cg, ids, 8), 1);
	assert_int_equal(ids[0], id1);
	/* An attach type for another program type (cgroup_sock). */
	lfd = -1;
	assert_err(ebpfc_sys_link_create(p2, cg, BPF_CGROUP_INET_SOCK_CREATE, NULL, &lfd), EINVAL);
	assert_int_equal(lfd, -1);
	assert_errmsg_contains("BPF_LINK_CREATE");

	/* Replace the program; a conditional replace with the wrong old program fails. */
	assert_ok(ebpfc_sys_link_update(link, p2, 0, 0));
	assert_int_equal(query_cgroup(cg, ids, 8), 1);
	assert_int_equal(ids[0], id2);
	assert_err(ebpfc_sys_link_update(link, p1, p1, 0), EPERM);
	assert_errmsg_contains("BPF_LINK_UPDATE");
	assert_ok(ebpfc_sys_link_update(link, p1, p2, 0));
	assert_int_equal(query_cgroup(cg, ids, 8), 1);
	assert_int_equal(ids[0], id1);

	/* Detach: the cgroup is empty, the link fd stays valid but defunct. */
	assert_ok(ebpfc_sys_link_detach(link));
	assert_int_equal(query_cgroup(cg, ids, 8), 0);
	assert_true(ebpfc_sys_link_update(link, p2, 0, 0) < 0);
	memset(&li, 0, sizeof(li));
	lilen = sizeof(li);
	assert_ok(ebpfc_sys_obj_get_info(link, &li, &lilen));
	assert_int_equal(li.type, BPF_LINK_TYPE_CGROUP);
	close(link);
	assert_err(ebpfc_sys_link_detach(-1), EBADF);
	assert_errmsg_contains("BPF_LINK_DETACH");

	/* The legacy attach/detach commands on the same cgroup. */
	assert_ok(ebpfc_sys_prog_attach(p2, cg, BPF_CGROUP_INET_INGRESS, 0));
	assert_int_equal(query_cgroup(cg, ids, 8), 1);
	assert_int_equal(ids[0], id2);
	assert_ok(ebpfc_sys_prog_detach(p2, cg, BPF_CGROUP_INET_INGRESS));
	assert_int_equal(query_cgroup(cg, ids, 8), 0);
	assert_true(ebpfc_sys_prog_detach(p2, cg, BPF_CGROUP_INET_INGRESS) < 0);
	assert_errmsg_contains("BPF_PROG_DETACH");
	assert_true(ebpfc_sys_prog_attach(p2, -1, BPF_CGROUP_INET_INGRESS, 0) < 0);
	assert_errmsg_contains("BPF_PROG_ATTACH");

	close(p1);
	close(p2);
	close(cg);
	assert_int_equal(rmdir(cgdir), 0);
}

/* ---- stats, bind_map ------------------------------------------------------------------- */

static void test_enable_stats(void **state)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	unsigned char pkt[64] = { 0 };
	int sfd = -1, pfd;

	(void)state;
	TU_REQUIRE_PRIVS();
	pfd = load_prog(BPF_PROG_TYPE_XDP, 0, "ts_stats", ret1, 2);
	assert_ok(ebpfc_sys_enable_stats(BPF_STATS_RUN_TIME, &sfd));
	assert_true(sfd > 2);
	{
		EBPFC_OPTS(ebpfc_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			   .repeat = 1000);

		assert_ok(ebpfc_sys_prog_test_run(pfd, &o));
	}
	memset(&info, 0, sizeof(info));
	assert_ok(ebpfc_sys_obj_get_info(pfd, &info, &len));
	assert_true(info.run_cnt >= 1000);
	assert_true(info.run_time_ns > 0);
	close(sfd);
	close(pfd);
	assert_err(ebpfc_sys_enable_stats(12345, &sfd), EINVAL);
	assert_errmsg_contains("BPF_ENABLE_STATS");
}

static void test_prog_bind_map(void **state)
{
	struct bpf_prog_info info;
	__u32 len, ids[4];
	int pfd, mfd;

	(void)state;
	TU_REQUIRE_PRIVS();
	pfd = load_prog(BPF_PROG_TYPE_SOCKET_FILTER, 0, "ts_bind", ret0, 2);
	mfd = make_map(BPF_MAP_TYPE_ARRAY, "ts_bound", 4, 4, 1);
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	assert_ok(ebpfc_sys_obj_get_info(pfd, &info, &len));
	assert_int_equal(info.nr_map_ids, 0);

	assert_ok(ebpfc_sys_prog_bind_map(pfd, mfd));
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 4;
	info.map_ids = (__u64)(uintptr_t)ids;
	len = sizeof(info);
	assert_ok(ebpfc_sys_obj_get_info(pfd, &info, &len));
	assert_int_equal(info.nr_map_ids, 1);
	assert_int_equal(ids[0], map_id(mfd));
	/* Binding twice is a no-op. */
	assert_ok(ebpfc_sys_prog_bind_map(pfd, mfd));
	assert_err(ebpfc_sys_prog_bind_map(pfd, -1), EBADF);
	assert_errmsg_contains("BPF_PROG_BIND_MAP");
	close(mfd);
	close(pfd);
}

/* ---- raw tracepoint ------------------------------------------------------------------- */

static void test_raw_tracepoint(void **state)
{
	struct bpf_link_info li;
	__u32 lilen = sizeof(li), k = 0;
	__u64 before, after;
	int mfd, pfd, tp = -1, i;

	(void)state;
	TU_REQUIRE_PRIVS();
	mfd = make_map(BPF_MAP_TYPE_ARRAY, "ts_rawtp_cnt", 4, 8, 1);
	{
		const struct bpf_insn insns[] = {
			TU_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			TU_MOV64_REG(BPF_REG_2, BPF_REG_10),
			TU_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			TU_LD_MAP_FD(BPF_REG_1, mfd),
			TU_CALL(BPF_FUNC_map_lookup_elem),
			TU_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			TU_MOV64_IMM(BPF_REG_1, 1),
			TU_ATOMIC_ADD(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
			TU_MOV64_IMM(BPF_REG_0, 0),
			TU_EXIT(),
		};

		pfd = load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, "ts_rawtp", insns,
				TU_ARRAY_SIZE(insns));
	}
	assert_ok(ebpfc_sys_map_lookup(mfd, &k, &before, 0));
	assert_ok(ebpfc_sys_raw_tracepoint_open("sys_enter", pfd, 0, &tp));
	assert_true(tp > 2);
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	assert_ok(ebpfc_sys_map_lookup(mfd, &k, &after, 0));
	assert_true(after >= before + 100);

	memset(&li, 0, sizeof(li));
	assert_ok(ebpfc_sys_obj_get_info(tp, &li, &lilen));
	assert_int_equal(li.type, BPF_LINK_TYPE_RAW_TRACEPOINT);
	assert_int_equal(li.prog_id, prog_id(pfd));
	close(tp);

	assert_err(ebpfc_sys_raw_tracepoint_open("ebpfc_no_such_tp", pfd, 0, &tp), ENOENT);
	assert_errmsg_contains("BPF_RAW_TRACEPOINT_OPEN");
	assert_errmsg_contains("ebpfc_no_such_tp");
	close(pfd);
	close(mfd);
}

/* ---- iterators -------------------------------------------------------------------------- */

static void test_iter_create(void **state)
{
	char buf[256];
	int btf_id, pfd = -1, link = -1, it = -1, mfd;
	__u32 k = 0;
	__u64 calls = 0;
	ssize_t n;

	(void)state;
	TU_REQUIRE_PRIVS();
	btf_id = tu_vmlinux_btf_func_id("bpf_iter_bpf_map");
	if (btf_id < 0) {
		print_message("skipped: no bpf_map iterator target: %s\n", tu_last_why());
		skip();
	}
	mfd = make_map(BPF_MAP_TYPE_ARRAY, "ts_iter_cnt", 4, 8, 1);
	{
		/* Count invocations: once per map in the system, once more at the end. */
		const struct bpf_insn insns[] = {
			TU_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			TU_MOV64_REG(BPF_REG_2, BPF_REG_10),
			TU_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			TU_LD_MAP_FD(BPF_REG_1, mfd),
			TU_CALL(BPF_FUNC_map_lookup_elem),
			TU_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			TU_MOV64_IMM(BPF_REG_1, 1),
			TU_ATOMIC_ADD(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
			TU_MOV64_IMM(BPF_REG_0, 0),
			TU_EXIT(),
		};
		EBPFC_OPTS(ebpfc_prog_load_opts, o, .expected_attach_type = BPF_TRACE_ITER,
			   .attach_btf_id = (__u32)btf_id);

		assert_ok(ebpfc_sys_prog_load(BPF_PROG_TYPE_TRACING, "ts_iter", "GPL", insns,
					      TU_ARRAY_SIZE(insns), &o, &pfd));
	}
	assert_ok(ebpfc_sys_link_create(pfd, 0, BPF_TRACE_ITER, NULL, &link));
	assert_ok(ebpfc_sys_iter_create(link, &it));
	assert_true(it > 2);
	/* The program prints nothing: the iterator reads empty, but it ran. */
	do {
		n = read(it, buf, sizeof(buf));
	} while (n > 0 || (n < 0 && errno == EINTR));
	assert_int_equal(n, 0);
	assert_ok(ebpfc_sys_map_lookup(mfd, &k, &calls, 0));
	assert_true(calls >= 2); /* at least our own map, then the final call */
	close(it);
	close(link);
	close(pfd);
	close(mfd);
	assert_true(ebpfc_sys_iter_create(-1, &it) < 0);
	assert_errmsg_contains("BPF_ITER_CREATE");
}

/* ---- tokens ----------------------------------------------------------------------------- */

static void test_token_create_refused(void **state)
{
	char dir[TU_PATH_MAX];
	int root, fd = -1, err;

	(void)state;
	TU_REQUIRE_PRIVS();
	TU_REQUIRE_BPFFS(dir);
	root = open("/sys/fs/bpf", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	/*
	 * This bpffs was mounted without delegate_* options, in the initial user
	 * namespace: no token. The kernel says EOPNOTSUPP (init user namespace),
	 * ENOENT (nothing delegated), EPERM or EINVAL (older or stricter).
	 */
	err = ebpfc_sys_token_create(root, 0, &fd);
	if (err == 0) {
		close(fd);
		close(root);
		tu_rm_rf(dir);
		fail_msg("BPF_TOKEN_CREATE succeeded on a bpffs mounted without delegation");
	}
	if (err != -EINVAL && err != -EPERM && err != -ENOENT && err != -EOPNOTSUPP)
		fail_msg("BPF_TOKEN_CREATE failed with %d (%s), expected EINVAL, EPERM, ENOENT or "
			 "EOPNOTSUPP", err, ebpfc_errmsg());
	assert_int_equal(fd, -1);
	assert_errmsg_contains("BPF_TOKEN_CREATE");
	close(root);

	/* Not a bpffs at all. */
	root = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	assert_true(ebpfc_sys_token_create(root, 0, &fd) < 0);
	assert_errmsg_contains("BPF_TOKEN_CREATE");
	close(root);
	assert_ok(tu_rm_rf(dir));
}

/* ---- names ------------------------------------------------------------------------------- */

static void test_cmd_names(void **state)
{
	int cmd, j;

	(void)state;
	/* Every command up to BPF_TOKEN_CREATE (36) has its own name. */
	for (cmd = 0; cmd <= 36; cmd++) {
		const char *n = ebpfc_sys_cmd_name(cmd);

		assert_non_null(n);
		if (strncmp(n, "BPF_", 4) != 0 || !strcmp(n, "BPF_UNKNOWN_CMD"))
			fail_msg("command %d has no name (%s)", cmd, n);
		for (j = 0; j < cmd; j++)
			assert_string_not_equal(n, ebpfc_sys_cmd_name(j));
	}
	assert_string_equal(ebpfc_sys_cmd_name(BPF_OBJ_GET_INFO_BY_FD), "BPF_OBJ_GET_INFO_BY_FD");
	assert_string_equal(ebpfc_sys_cmd_name(BPF_LINK_DETACH), "BPF_LINK_DETACH");
	assert_string_equal(ebpfc_sys_cmd_name(37), "BPF_UNKNOWN_CMD");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_commands),
		cmocka_unit_test(test_no_fd_below_3),
		cmocka_unit_test(test_pin_get),
		cmocka_unit_test(test_prog_load_and_run),
		cmocka_unit_test(test_btf_load_and_ids),
		cmocka_unit_test(test_ids_and_fd_by_id),
		cmocka_unit_test(test_cgroup_link),
		cmocka_unit_test(test_enable_stats),
		cmocka_unit_test(test_prog_bind_map),
		cmocka_unit_test(test_raw_tracepoint),
		cmocka_unit_test(test_iter_create),
		cmocka_unit_test(test_token_create_refused),
		cmocka_unit_test(test_cmd_names),
	};

	return cmocka_run_group_tests_name("sys", tests, NULL, tu_teardown);
}
