/*
 * attr.h - the kernel's bpf() attribute layouts as sys.c fills them, and
 * the UAPI constants that Debian 12's <linux/bpf.h> (6.1) does not have yet.
 *
 * The system header is only used for enums and the info structs that have
 * been stable for years; every command's attribute block is declared here
 * with the members newer kernels added (log_true_size, token fds, tcx ...),
 * so the library builds against 6.1 headers and still uses a 6.18 kernel
 * fully. Layouts are the kernel ABI: member order and alignment must match
 * include/uapi/linux/bpf.h exactly. Only sys.c includes this file.
 */
#ifndef EBPFC_ATTR_H
#define EBPFC_ATTR_H

#include <linux/bpf.h>
#include <linux/types.h>

#define EBPFC__A64 __attribute__((aligned(8))) __u64

/* Commands newer than the 6.1 header. */
#define EBPFC__BPF_TOKEN_CREATE 36

/* Program, map and attach types newer than 6.1. */
#define EBPFC__BPF_PROG_TYPE_NETFILTER 32
#define EBPFC__BPF_MAP_TYPE_CGRP_STORAGE 32
#define EBPFC__BPF_MAP_TYPE_ARENA 33
#define EBPFC__BPF_NETFILTER 45
#define EBPFC__BPF_TCX_INGRESS 46
#define EBPFC__BPF_TCX_EGRESS 47
#define EBPFC__BPF_TRACE_UPROBE_MULTI 48
#define EBPFC__BPF_CGROUP_UNIX_CONNECT 49
#define EBPFC__BPF_CGROUP_UNIX_SENDMSG 50
#define EBPFC__BPF_CGROUP_UNIX_RECVMSG 51
#define EBPFC__BPF_CGROUP_UNIX_GETPEERNAME 52
#define EBPFC__BPF_CGROUP_UNIX_GETSOCKNAME 53
#define EBPFC__BPF_NETKIT_PRIMARY 54
#define EBPFC__BPF_NETKIT_PEER 55
#define EBPFC__BPF_TRACE_KPROBE_SESSION 56
#define EBPFC__BPF_TRACE_UPROBE_SESSION 57

/* Flags newer than 6.1. */
#define EBPFC__BPF_F_VTYPE_BTF_OBJ_FD (1U << 15)
#define EBPFC__BPF_F_TOKEN_FD (1U << 16)

struct ebpfc__attr_map_create {
	__u32 map_type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 inner_map_fd;
	__u32 numa_node;
	char map_name[BPF_OBJ_NAME_LEN];
	__u32 map_ifindex;
	__u32 btf_fd;
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 btf_vmlinux_value_type_id;
	__u64 map_extra;
	__s32 value_type_btf_obj_fd;
	__s32 map_token_fd;
};

struct ebpfc__attr_map_elem {
	__u32 map_fd;
	EBPFC__A64 key;
	EBPFC__A64 value; /* or next_key */
	__u64 flags;
};

struct ebpfc__attr_batch {
	EBPFC__A64 in_batch;
	EBPFC__A64 out_batch;
	EBPFC__A64 keys;
	EBPFC__A64 values;
	__u32 count;
	__u32 map_fd;
	__u64 elem_flags;
	__u64 flags;
};

struct ebpfc__attr_prog_load {
	__u32 prog_type;
	__u32 insn_cnt;
	EBPFC__A64 insns;
	EBPFC__A64 license;
	__u32 log_level;
	__u32 log_size;
	EBPFC__A64 log_buf;
	__u32 kern_version;
	__u32 prog_flags;
	char prog_name[BPF_OBJ_NAME_LEN];
	__u32 prog_ifindex;
	__u32 expected_attach_type;
	__u32 prog_btf_fd;
	__u32 func_info_rec_size;
	EBPFC__A64 func_info;
	__u32 func_info_cnt;
	__u32 line_info_rec_size;
	EBPFC__A64 line_info;
	__u32 line_info_cnt;
	__u32 attach_btf_id;
	__u32 attach_prog_fd; /* or attach_btf_obj_fd */
	__u32 core_relo_cnt;
	EBPFC__A64 fd_array;
	EBPFC__A64 core_relos;
	__u32 core_relo_rec_size;
	__u32 log_true_size; /* 6.4 */
	__s32 prog_token_fd; /* 6.9 */
	__u32 fd_array_cnt;  /* 6.13 */
};

struct ebpfc__attr_obj {
	EBPFC__A64 pathname;
	__u32 bpf_fd;
	__u32 file_flags;
	__s32 path_fd;
};

struct ebpfc__attr_test_run {
	__u32 prog_fd;
	__u32 retval;
	__u32 data_size_in;
	__u32 data_size_out;
	EBPFC__A64 data_in;
	EBPFC__A64 data_out;
	__u32 repeat;
	__u32 duration;
	__u32 ctx_size_in;
	__u32 ctx_size_out;
	EBPFC__A64 ctx_in;
	EBPFC__A64 ctx_out;
	__u32 flags;
	__u32 cpu;
	__u32 batch_size;
};

struct ebpfc__attr_id {
	__u32 id; /* start_id, prog_id, map_id, btf_id or link_id */
	__u32 next_id;
	__u32 open_flags;
	__s32 fd_by_id_token_fd;
};

struct ebpfc__attr_info {
	__u32 bpf_fd;
	__u32 info_len;
	EBPFC__A64 info;
};

struct ebpfc__attr_btf_load {
	EBPFC__A64 btf;
	EBPFC__A64 btf_log_buf;
	__u32 btf_size;
	__u32 btf_log_size;
	__u32 btf_log_level;
	__u32 btf_log_true_size; /* 6.4 */
	__u32 btf_flags;	 /* 6.9 */
	__s32 btf_token_fd;	 /* 6.9 */
};

struct ebpfc__attr_link_create {
	__u32 prog_fd; /* or map_fd for struct_ops */
	__u32 target_fd; /* or target_ifindex */
	__u32 attach_type;
	__u32 flags;
	union {
		__u32 target_btf_id;
		struct {
			EBPFC__A64 iter_info;
			__u32 iter_info_len;
		};
		struct {
			__u64 bpf_cookie;
		} perf_event;
		struct {
			__u32 flags;
			__u32 cnt;
			EBPFC__A64 syms;
			EBPFC__A64 addrs;
			EBPFC__A64 cookies;
		} kprobe_multi;
		struct {
			__u32 target_btf_id;
			__u64 cookie;
		} tracing;
		struct {
			__u32 pf;
			__u32 hooknum;
			__s32 priority;
			__u32 flags;
		} netfilter;
		struct {
			__u32 relative_fd; /* or relative_id */
			__u64 expected_revision;
		} tcx; /* also netkit and cgroup (6.16) */
		struct {
			EBPFC__A64 path;
			EBPFC__A64 offsets;
			EBPFC__A64 ref_ctr_offsets;
			EBPFC__A64 cookies;
			__u32 cnt;
			__u32 flags;
			__u32 pid;
		} uprobe_multi;
	};
};

struct ebpfc__attr_link_update {
	__u32 link_fd;
	__u32 new_prog_fd;
	__u32 flags;
	__u32 old_prog_fd;
};

struct ebpfc__attr_link_detach {
	__u32 link_fd;
};

struct ebpfc__attr_enable_stats {
	__u32 type;
};

struct ebpfc__attr_token_create {
	__u32 flags;
	__u32 bpffs_fd;
};

struct ebpfc__attr_prog_attach {
	__u32 target_fd;
	__u32 attach_bpf_fd;
	__u32 attach_type;
	__u32 attach_flags;
	__u32 replace_bpf_fd;
	__u32 relative_fd;
	__u64 expected_revision;
};

struct ebpfc__attr_query {
	__u32 target_fd; /* or target_ifindex */
	__u32 attach_type;
	__u32 query_flags;
	__u32 attach_flags;
	EBPFC__A64 prog_ids;
	__u32 prog_cnt;
	__u32 pad;
	EBPFC__A64 prog_attach_flags;
	EBPFC__A64 link_ids;
	EBPFC__A64 link_attach_flags;
	__u64 revision;
};

struct ebpfc__attr_raw_tp {
	__u64 name;
	__u32 prog_fd;
	__u32 pad;
	EBPFC__A64 cookie;
};

struct ebpfc__attr_iter_create {
	__u32 link_fd;
	__u32 flags;
};

struct ebpfc__attr_prog_bind_map {
	__u32 prog_fd;
	__u32 map_fd;
	__u32 flags;
};

#endif /* EBPFC_ATTR_H */
