/*
 * ebpfc/bpf_helper_defs.h - the kernel's BPF helpers, one declaration each.
 *
 * GENERATED FILE -- do not edit.  Written by tools/gen-helper-defs.py
 * from /usr/include/linux/bpf.h (Linux uapi headers 6.1.187).
 * Refresh: tools/gen-helper-defs.py [-i linux/bpf.h] -o bpf/include/ebpfc/bpf_helper_defs.h
 *
 * One constant function pointer per BPF helper: its value is the helper's
 * number, which clang emits as the immediate of the BPF call instruction.
 * Kernel-internal types of the kernel's documentation are rewritten to what a
 * BPF program sees (struct bpf_map * -> void *, struct sk_buff * ->
 * struct __sk_buff *, u64 -> __u64, ...); helpers documented once per context
 * type (bpf_get_socket_cookie, bpf_sk_assign) take 'void *ctx'.
 *
 * Include <ebpfc/bpf_helpers.h> rather than this file; linux/bpf.h (or
 * vmlinux.h) must come first, since the __u32/__be16/__wsum types are theirs.
 * Each definition is preceded by the prototype as the kernel documents it.
 */
#ifndef EBPFC_BPF_HELPER_DEFS_H
#define EBPFC_BPF_HELPER_DEFS_H

/* Structs the helpers take or return by pointer; no definition is needed. */
struct __sk_buff;
struct bpf_dynptr;
struct bpf_fib_lookup;
struct bpf_perf_event_data;
struct bpf_perf_event_value;
struct bpf_pidns_info;
struct bpf_redir_neigh;
struct bpf_sock;
struct bpf_sock_addr;
struct bpf_sock_ops;
struct bpf_sock_tuple;
struct bpf_spin_lock;
struct bpf_sysctl;
struct bpf_tcp_sock;
struct bpf_timer;
struct bpf_tunnel_key;
struct bpf_xfrm_state;
struct btf_ptr;
struct file;
struct inode;
struct iphdr;
struct ipv6hdr;
struct linux_binprm;
struct mptcp_sock;
struct path;
struct pt_regs;
struct seq_file;
struct sk_msg_md;
struct sk_reuseport_md;
struct sockaddr;
struct socket;
struct task_struct;
struct tcp6_sock;
struct tcp_request_sock;
struct tcp_sock;
struct tcp_timewait_sock;
struct tcphdr;
struct udp6_sock;
struct unix_sock;
struct xdp_md;

/* #1  void *bpf_map_lookup_elem(struct bpf_map *map, const void *key) */
static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;

/* #2  long bpf_map_update_elem(struct bpf_map *map, const void *key, const void *value, u64 flags) */
static long (* const bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *) 2;

/* #3  long bpf_map_delete_elem(struct bpf_map *map, const void *key) */
static long (* const bpf_map_delete_elem)(void *map, const void *key) = (void *) 3;

/* #4  long bpf_probe_read(void *dst, u32 size, const void *unsafe_ptr) */
static long (* const bpf_probe_read)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 4;

/* #5  u64 bpf_ktime_get_ns(void) */
static __u64 (* const bpf_ktime_get_ns)(void) = (void *) 5;

/* #6  long bpf_trace_printk(const char *fmt, u32 fmt_size, ...) */
static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 6;

/* #7  u32 bpf_get_prandom_u32(void) */
static __u32 (* const bpf_get_prandom_u32)(void) = (void *) 7;

/* #8  u32 bpf_get_smp_processor_id(void) */
static __u32 (* const bpf_get_smp_processor_id)(void) = (void *) 8;

/* #9  long bpf_skb_store_bytes(struct sk_buff *skb, u32 offset, const void *from, u32 len, u64 flags) */
static long (* const bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 offset, const void *from, __u32 len, __u64 flags) = (void *) 9;

/* #10  long bpf_l3_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64 to, u64 size) */
static long (* const bpf_l3_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 size) = (void *) 10;

/* #11  long bpf_l4_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64 to, u64 flags) */
static long (* const bpf_l4_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 flags) = (void *) 11;

/* #12  long bpf_tail_call(void *ctx, struct bpf_map *prog_array_map, u32 index) */
static long (* const bpf_tail_call)(void *ctx, void *prog_array_map, __u32 index) = (void *) 12;

/* #13  long bpf_clone_redirect(struct sk_buff *skb, u32 ifindex, u64 flags) */
static long (* const bpf_clone_redirect)(struct __sk_buff *skb, __u32 ifindex, __u64 flags) = (void *) 13;

/* #14  u64 bpf_get_current_pid_tgid(void) */
static __u64 (* const bpf_get_current_pid_tgid)(void) = (void *) 14;

/* #15  u64 bpf_get_current_uid_gid(void) */
static __u64 (* const bpf_get_current_uid_gid)(void) = (void *) 15;

/* #16  long bpf_get_current_comm(void *buf, u32 size_of_buf) */
static long (* const bpf_get_current_comm)(void *buf, __u32 size_of_buf) = (void *) 16;

/* #17  u32 bpf_get_cgroup_classid(struct sk_buff *skb) */
static __u32 (* const bpf_get_cgroup_classid)(struct __sk_buff *skb) = (void *) 17;

/* #18  long bpf_skb_vlan_push(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci) */
static long (* const bpf_skb_vlan_push)(struct __sk_buff *skb, __be16 vlan_proto, __u16 vlan_tci) = (void *) 18;

/* #19  long bpf_skb_vlan_pop(struct sk_buff *skb) */
static long (* const bpf_skb_vlan_pop)(struct __sk_buff *skb) = (void *) 19;

/* #20  long bpf_skb_get_tunnel_key(struct sk_buff *skb, struct bpf_tunnel_key *key, u32 size, u64 flags) */
static long (* const bpf_skb_get_tunnel_key)(struct __sk_buff *skb, struct bpf_tunnel_key *key, __u32 size, __u64 flags) = (void *) 20;

/* #21  long bpf_skb_set_tunnel_key(struct sk_buff *skb, struct bpf_tunnel_key *key, u32 size, u64 flags) */
static long (* const bpf_skb_set_tunnel_key)(struct __sk_buff *skb, struct bpf_tunnel_key *key, __u32 size, __u64 flags) = (void *) 21;

/* #22  u64 bpf_perf_event_read(struct bpf_map *map, u64 flags) */
static __u64 (* const bpf_perf_event_read)(void *map, __u64 flags) = (void *) 22;

/* #23  long bpf_redirect(u32 ifindex, u64 flags) */
static long (* const bpf_redirect)(__u32 ifindex, __u64 flags) = (void *) 23;

/* #24  u32 bpf_get_route_realm(struct sk_buff *skb) */
static __u32 (* const bpf_get_route_realm)(struct __sk_buff *skb) = (void *) 24;

/* #25  long bpf_perf_event_output(void *ctx, struct bpf_map *map, u64 flags, void *data, u64 size) */
static long (* const bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *) 25;

/* #26  long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len) */
static long (* const bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *) 26;

/* #27  long bpf_get_stackid(void *ctx, struct bpf_map *map, u64 flags) */
static long (* const bpf_get_stackid)(void *ctx, void *map, __u64 flags) = (void *) 27;

/* #28  s64 bpf_csum_diff(__be32 *from, u32 from_size, __be32 *to, u32 to_size, __wsum seed) */
static __s64 (* const bpf_csum_diff)(__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, __wsum seed) = (void *) 28;

/* #29  long bpf_skb_get_tunnel_opt(struct sk_buff *skb, void *opt, u32 size) */
static long (* const bpf_skb_get_tunnel_opt)(struct __sk_buff *skb, void *opt, __u32 size) = (void *) 29;

/* #30  long bpf_skb_set_tunnel_opt(struct sk_buff *skb, void *opt, u32 size) */
static long (* const bpf_skb_set_tunnel_opt)(struct __sk_buff *skb, void *opt, __u32 size) = (void *) 30;

/* #31  long bpf_skb_change_proto(struct sk_buff *skb, __be16 proto, u64 flags) */
static long (* const bpf_skb_change_proto)(struct __sk_buff *skb, __be16 proto, __u64 flags) = (void *) 31;

/* #32  long bpf_skb_change_type(struct sk_buff *skb, u32 type) */
static long (* const bpf_skb_change_type)(struct __sk_buff *skb, __u32 type) = (void *) 32;

/* #33  long bpf_skb_under_cgroup(struct sk_buff *skb, struct bpf_map *map, u32 index) */
static long (* const bpf_skb_under_cgroup)(struct __sk_buff *skb, void *map, __u32 index) = (void *) 33;

/* #34  u32 bpf_get_hash_recalc(struct sk_buff *skb) */
static __u32 (* const bpf_get_hash_recalc)(struct __sk_buff *skb) = (void *) 34;

/* #35  u64 bpf_get_current_task(void) */
static __u64 (* const bpf_get_current_task)(void) = (void *) 35;

/* #36  long bpf_probe_write_user(void *dst, const void *src, u32 len) */
static long (* const bpf_probe_write_user)(void *dst, const void *src, __u32 len) = (void *) 36;

/* #37  long bpf_current_task_under_cgroup(struct bpf_map *map, u32 index) */
static long (* const bpf_current_task_under_cgroup)(void *map, __u32 index) = (void *) 37;

/* #38  long bpf_skb_change_tail(struct sk_buff *skb, u32 len, u64 flags) */
static long (* const bpf_skb_change_tail)(struct __sk_buff *skb, __u32 len, __u64 flags) = (void *) 38;

/* #39  long bpf_skb_pull_data(struct sk_buff *skb, u32 len) */
static long (* const bpf_skb_pull_data)(struct __sk_buff *skb, __u32 len) = (void *) 39;

/* #40  s64 bpf_csum_update(struct sk_buff *skb, __wsum csum) */
static __s64 (* const bpf_csum_update)(struct __sk_buff *skb, __wsum csum) = (void *) 40;

/* #41  void bpf_set_hash_invalid(struct sk_buff *skb) */
static void (* const bpf_set_hash_invalid)(struct __sk_buff *skb) = (void *) 41;

/* #42  long bpf_get_numa_node_id(void) */
static long (* const bpf_get_numa_node_id)(void) = (void *) 42;

/* #43  long bpf_skb_change_head(struct sk_buff *skb, u32 len, u64 flags) */
static long (* const bpf_skb_change_head)(struct __sk_buff *skb, __u32 len, __u64 flags) = (void *) 43;

/* #44  long bpf_xdp_adjust_head(struct xdp_buff *xdp_md, int delta) */
static long (* const bpf_xdp_adjust_head)(struct xdp_md *xdp_md, int delta) = (void *) 44;

/* #45  long bpf_probe_read_str(void *dst, u32 size, const void *unsafe_ptr) */
static long (* const bpf_probe_read_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 45;

/* #46  u64 bpf_get_socket_cookie(struct sk_buff *skb) */
static __u64 (* const bpf_get_socket_cookie)(void *ctx) = (void *) 46;

/* #47  u32 bpf_get_socket_uid(struct sk_buff *skb) */
static __u32 (* const bpf_get_socket_uid)(struct __sk_buff *skb) = (void *) 47;

/* #48  long bpf_set_hash(struct sk_buff *skb, u32 hash) */
static long (* const bpf_set_hash)(struct __sk_buff *skb, __u32 hash) = (void *) 48;

/* #49  long bpf_setsockopt(void *bpf_socket, int level, int optname, void *optval, int optlen) */
static long (* const bpf_setsockopt)(void *bpf_socket, int level, int optname, void *optval, int optlen) = (void *) 49;

/* #50  long bpf_skb_adjust_room(struct sk_buff *skb, s32 len_diff, u32 mode, u64 flags) */
static long (* const bpf_skb_adjust_room)(struct __sk_buff *skb, __s32 len_diff, __u32 mode, __u64 flags) = (void *) 50;

/* #51  long bpf_redirect_map(struct bpf_map *map, u32 key, u64 flags) */
static long (* const bpf_redirect_map)(void *map, __u32 key, __u64 flags) = (void *) 51;

/* #52  long bpf_sk_redirect_map(struct sk_buff *skb, struct bpf_map *map, u32 key, u64 flags) */
static long (* const bpf_sk_redirect_map)(struct __sk_buff *skb, void *map, __u32 key, __u64 flags) = (void *) 52;

/* #53  long bpf_sock_map_update(struct bpf_sock_ops *skops, struct bpf_map *map, void *key, u64 flags) */
static long (* const bpf_sock_map_update)(struct bpf_sock_ops *skops, void *map, void *key, __u64 flags) = (void *) 53;

/* #54  long bpf_xdp_adjust_meta(struct xdp_buff *xdp_md, int delta) */
static long (* const bpf_xdp_adjust_meta)(struct xdp_md *xdp_md, int delta) = (void *) 54;

/* #55  long bpf_perf_event_read_value(struct bpf_map *map, u64 flags, struct bpf_perf_event_value *buf, u32 buf_size) */
static long (* const bpf_perf_event_read_value)(void *map, __u64 flags, struct bpf_perf_event_value *buf, __u32 buf_size) = (void *) 55;

/* #56  long bpf_perf_prog_read_value(struct bpf_perf_event_data *ctx, struct bpf_perf_event_value *buf, u32 buf_size) */
static long (* const bpf_perf_prog_read_value)(struct bpf_perf_event_data *ctx, struct bpf_perf_event_value *buf, __u32 buf_size) = (void *) 56;

/* #57  long bpf_getsockopt(void *bpf_socket, int level, int optname, void *optval, int optlen) */
static long (* const bpf_getsockopt)(void *bpf_socket, int level, int optname, void *optval, int optlen) = (void *) 57;

/* #58  long bpf_override_return(struct pt_regs *regs, u64 rc) */
static long (* const bpf_override_return)(struct pt_regs *regs, __u64 rc) = (void *) 58;

/* #59  long bpf_sock_ops_cb_flags_set(struct bpf_sock_ops *bpf_sock, int argval) */
static long (* const bpf_sock_ops_cb_flags_set)(struct bpf_sock_ops *bpf_sock, int argval) = (void *) 59;

/* #60  long bpf_msg_redirect_map(struct sk_msg_buff *msg, struct bpf_map *map, u32 key, u64 flags) */
static long (* const bpf_msg_redirect_map)(struct sk_msg_md *msg, void *map, __u32 key, __u64 flags) = (void *) 60;

/* #61  long bpf_msg_apply_bytes(struct sk_msg_buff *msg, u32 bytes) */
static long (* const bpf_msg_apply_bytes)(struct sk_msg_md *msg, __u32 bytes) = (void *) 61;

/* #62  long bpf_msg_cork_bytes(struct sk_msg_buff *msg, u32 bytes) */
static long (* const bpf_msg_cork_bytes)(struct sk_msg_md *msg, __u32 bytes) = (void *) 62;

/* #63  long bpf_msg_pull_data(struct sk_msg_buff *msg, u32 start, u32 end, u64 flags) */
static long (* const bpf_msg_pull_data)(struct sk_msg_md *msg, __u32 start, __u32 end, __u64 flags) = (void *) 63;

/* #64  long bpf_bind(struct bpf_sock_addr *ctx, struct sockaddr *addr, int addr_len) */
static long (* const bpf_bind)(struct bpf_sock_addr *ctx, struct sockaddr *addr, int addr_len) = (void *) 64;

/* #65  long bpf_xdp_adjust_tail(struct xdp_buff *xdp_md, int delta) */
static long (* const bpf_xdp_adjust_tail)(struct xdp_md *xdp_md, int delta) = (void *) 65;

/* #66  long bpf_skb_get_xfrm_state(struct sk_buff *skb, u32 index, struct bpf_xfrm_state *xfrm_state, u32 size, u64 flags) */
static long (* const bpf_skb_get_xfrm_state)(struct __sk_buff *skb, __u32 index, struct bpf_xfrm_state *xfrm_state, __u32 size, __u64 flags) = (void *) 66;

/* #67  long bpf_get_stack(void *ctx, void *buf, u32 size, u64 flags) */
static long (* const bpf_get_stack)(void *ctx, void *buf, __u32 size, __u64 flags) = (void *) 67;

/* #68  long bpf_skb_load_bytes_relative(const void *skb, u32 offset, void *to, u32 len, u32 start_header) */
static long (* const bpf_skb_load_bytes_relative)(const void *skb, __u32 offset, void *to, __u32 len, __u32 start_header) = (void *) 68;

/* #69  long bpf_fib_lookup(void *ctx, struct bpf_fib_lookup *params, int plen, u32 flags) */
static long (* const bpf_fib_lookup)(void *ctx, struct bpf_fib_lookup *params, int plen, __u32 flags) = (void *) 69;

/* #70  long bpf_sock_hash_update(struct bpf_sock_ops *skops, struct bpf_map *map, void *key, u64 flags) */
static long (* const bpf_sock_hash_update)(struct bpf_sock_ops *skops, void *map, void *key, __u64 flags) = (void *) 70;

/* #71  long bpf_msg_redirect_hash(struct sk_msg_buff *msg, struct bpf_map *map, void *key, u64 flags) */
static long (* const bpf_msg_redirect_hash)(struct sk_msg_md *msg, void *map, void *key, __u64 flags) = (void *) 71;

/* #72  long bpf_sk_redirect_hash(struct sk_buff *skb, struct bpf_map *map, void *key, u64 flags) */
static long (* const bpf_sk_redirect_hash)(struct __sk_buff *skb, void *map, void *key, __u64 flags) = (void *) 72;

/* #73  long bpf_lwt_push_encap(struct sk_buff *skb, u32 type, void *hdr, u32 len) */
static long (* const bpf_lwt_push_encap)(struct __sk_buff *skb, __u32 type, void *hdr, __u32 len) = (void *) 73;

/* #74  long bpf_lwt_seg6_store_bytes(struct sk_buff *skb, u32 offset, const void *from, u32 len) */
static long (* const bpf_lwt_seg6_store_bytes)(struct __sk_buff *skb, __u32 offset, const void *from, __u32 len) = (void *) 74;

/* #75  long bpf_lwt_seg6_adjust_srh(struct sk_buff *skb, u32 offset, s32 delta) */
static long (* const bpf_lwt_seg6_adjust_srh)(struct __sk_buff *skb, __u32 offset, __s32 delta) = (void *) 75;

/* #76  long bpf_lwt_seg6_action(struct sk_buff *skb, u32 action, void *param, u32 param_len) */
static long (* const bpf_lwt_seg6_action)(struct __sk_buff *skb, __u32 action, void *param, __u32 param_len) = (void *) 76;

/* #77  long bpf_rc_repeat(void *ctx) */
static long (* const bpf_rc_repeat)(void *ctx) = (void *) 77;

/* #78  long bpf_rc_keydown(void *ctx, u32 protocol, u64 scancode, u32 toggle) */
static long (* const bpf_rc_keydown)(void *ctx, __u32 protocol, __u64 scancode, __u32 toggle) = (void *) 78;

/* #79  u64 bpf_skb_cgroup_id(struct sk_buff *skb) */
static __u64 (* const bpf_skb_cgroup_id)(struct __sk_buff *skb) = (void *) 79;

/* #80  u64 bpf_get_current_cgroup_id(void) */
static __u64 (* const bpf_get_current_cgroup_id)(void) = (void *) 80;

/* #81  void *bpf_get_local_storage(void *map, u64 flags) */
static void *(* const bpf_get_local_storage)(void *map, __u64 flags) = (void *) 81;

/* #82  long bpf_sk_select_reuseport(struct sk_reuseport_md *reuse, struct bpf_map *map, void *key, u64 flags) */
static long (* const bpf_sk_select_reuseport)(struct sk_reuseport_md *reuse, void *map, void *key, __u64 flags) = (void *) 82;

/* #83  u64 bpf_skb_ancestor_cgroup_id(struct sk_buff *skb, int ancestor_level) */
static __u64 (* const bpf_skb_ancestor_cgroup_id)(struct __sk_buff *skb, int ancestor_level) = (void *) 83;

/* #84  struct bpf_sock *bpf_sk_lookup_tcp(void *ctx, struct bpf_sock_tuple *tuple, u32 tuple_size, u64 netns, u64 flags) */
static struct bpf_sock *(* const bpf_sk_lookup_tcp)(void *ctx, struct bpf_sock_tuple *tuple, __u32 tuple_size, __u64 netns, __u64 flags) = (void *) 84;

/* #85  struct bpf_sock *bpf_sk_lookup_udp(void *ctx, struct bpf_sock_tuple *tuple, u32 tuple_size, u64 netns, u64 flags) */
static struct bpf_sock *(* const bpf_sk_lookup_udp)(void *ctx, struct bpf_sock_tuple *tuple, __u32 tuple_size, __u64 netns, __u64 flags) = (void *) 85;

/* #86  long bpf_sk_release(void *sock) */
static long (* const bpf_sk_release)(void *sock) = (void *) 86;

/* #87  long bpf_map_push_elem(struct bpf_map *map, const void *value, u64 flags) */
static long (* const bpf_map_push_elem)(void *map, const void *value, __u64 flags) = (void *) 87;

/* #88  long bpf_map_pop_elem(struct bpf_map *map, void *value) */
static long (* const bpf_map_pop_elem)(void *map, void *value) = (void *) 88;

/* #89  long bpf_map_peek_elem(struct bpf_map *map, void *value) */
static long (* const bpf_map_peek_elem)(void *map, void *value) = (void *) 89;

/* #90  long bpf_msg_push_data(struct sk_msg_buff *msg, u32 start, u32 len, u64 flags) */
static long (* const bpf_msg_push_data)(struct sk_msg_md *msg, __u32 start, __u32 len, __u64 flags) = (void *) 90;

/* #91  long bpf_msg_pop_data(struct sk_msg_buff *msg, u32 start, u32 len, u64 flags) */
static long (* const bpf_msg_pop_data)(struct sk_msg_md *msg, __u32 start, __u32 len, __u64 flags) = (void *) 91;

/* #92  long bpf_rc_pointer_rel(void *ctx, s32 rel_x, s32 rel_y) */
static long (* const bpf_rc_pointer_rel)(void *ctx, __s32 rel_x, __s32 rel_y) = (void *) 92;

/* #93  long bpf_spin_lock(struct bpf_spin_lock *lock) */
static long (* const bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *) 93;

/* #94  long bpf_spin_unlock(struct bpf_spin_lock *lock) */
static long (* const bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *) 94;

/* #95  struct bpf_sock *bpf_sk_fullsock(struct bpf_sock *sk) */
static struct bpf_sock *(* const bpf_sk_fullsock)(struct bpf_sock *sk) = (void *) 95;

/* #96  struct bpf_tcp_sock *bpf_tcp_sock(struct bpf_sock *sk) */
static struct bpf_tcp_sock *(* const bpf_tcp_sock)(struct bpf_sock *sk) = (void *) 96;

/* #97  long bpf_skb_ecn_set_ce(struct sk_buff *skb) */
static long (* const bpf_skb_ecn_set_ce)(struct __sk_buff *skb) = (void *) 97;

/* #98  struct bpf_sock *bpf_get_listener_sock(struct bpf_sock *sk) */
static struct bpf_sock *(* const bpf_get_listener_sock)(struct bpf_sock *sk) = (void *) 98;

/* #99  struct bpf_sock *bpf_skc_lookup_tcp(void *ctx, struct bpf_sock_tuple *tuple, u32 tuple_size, u64 netns, u64 flags) */
static struct bpf_sock *(* const bpf_skc_lookup_tcp)(void *ctx, struct bpf_sock_tuple *tuple, __u32 tuple_size, __u64 netns, __u64 flags) = (void *) 99;

/* #100  long bpf_tcp_check_syncookie(void *sk, void *iph, u32 iph_len, struct tcphdr *th, u32 th_len) */
static long (* const bpf_tcp_check_syncookie)(void *sk, void *iph, __u32 iph_len, struct tcphdr *th, __u32 th_len) = (void *) 100;

/* #101  long bpf_sysctl_get_name(struct bpf_sysctl *ctx, char *buf, size_t buf_len, u64 flags) */
static long (* const bpf_sysctl_get_name)(struct bpf_sysctl *ctx, char *buf, unsigned long buf_len, __u64 flags) = (void *) 101;

/* #102  long bpf_sysctl_get_current_value(struct bpf_sysctl *ctx, char *buf, size_t buf_len) */
static long (* const bpf_sysctl_get_current_value)(struct bpf_sysctl *ctx, char *buf, unsigned long buf_len) = (void *) 102;

/* #103  long bpf_sysctl_get_new_value(struct bpf_sysctl *ctx, char *buf, size_t buf_len) */
static long (* const bpf_sysctl_get_new_value)(struct bpf_sysctl *ctx, char *buf, unsigned long buf_len) = (void *) 103;

/* #104  long bpf_sysctl_set_new_value(struct bpf_sysctl *ctx, const char *buf, size_t buf_len) */
static long (* const bpf_sysctl_set_new_value)(struct bpf_sysctl *ctx, const char *buf, unsigned long buf_len) = (void *) 104;

/* #105  long bpf_strtol(const char *buf, size_t buf_len, u64 flags, long *res) */
static long (* const bpf_strtol)(const char *buf, unsigned long buf_len, __u64 flags, long *res) = (void *) 105;

/* #106  long bpf_strtoul(const char *buf, size_t buf_len, u64 flags, unsigned long *res) */
static long (* const bpf_strtoul)(const char *buf, unsigned long buf_len, __u64 flags, unsigned long *res) = (void *) 106;

/* #107  void *bpf_sk_storage_get(struct bpf_map *map, void *sk, void *value, u64 flags) */
static void *(* const bpf_sk_storage_get)(void *map, void *sk, void *value, __u64 flags) = (void *) 107;

/* #108  long bpf_sk_storage_delete(struct bpf_map *map, void *sk) */
static long (* const bpf_sk_storage_delete)(void *map, void *sk) = (void *) 108;

/* #109  long bpf_send_signal(u32 sig) */
static long (* const bpf_send_signal)(__u32 sig) = (void *) 109;

/* #110  s64 bpf_tcp_gen_syncookie(void *sk, void *iph, u32 iph_len, struct tcphdr *th, u32 th_len) */
static __s64 (* const bpf_tcp_gen_syncookie)(void *sk, void *iph, __u32 iph_len, struct tcphdr *th, __u32 th_len) = (void *) 110;

/* #111  long bpf_skb_output(void *ctx, struct bpf_map *map, u64 flags, void *data, u64 size) */
static long (* const bpf_skb_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *) 111;

/* #112  long bpf_probe_read_user(void *dst, u32 size, const void *unsafe_ptr) */
static long (* const bpf_probe_read_user)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 112;

/* #113  long bpf_probe_read_kernel(void *dst, u32 size, const void *unsafe_ptr) */
static long (* const bpf_probe_read_kernel)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 113;

/* #114  long bpf_probe_read_user_str(void *dst, u32 size, const void *unsafe_ptr) */
static long (* const bpf_probe_read_user_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 114;

/* #115  long bpf_probe_read_kernel_str(void *dst, u32 size, const void *unsafe_ptr) */
static long (* const bpf_probe_read_kernel_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 115;

/* #116  long bpf_tcp_send_ack(void *tp, u32 rcv_nxt) */
static long (* const bpf_tcp_send_ack)(void *tp, __u32 rcv_nxt) = (void *) 116;

/* #117  long bpf_send_signal_thread(u32 sig) */
static long (* const bpf_send_signal_thread)(__u32 sig) = (void *) 117;

/* #118  u64 bpf_jiffies64(void) */
static __u64 (* const bpf_jiffies64)(void) = (void *) 118;

/* #119  long bpf_read_branch_records(struct bpf_perf_event_data *ctx, void *buf, u32 size, u64 flags) */
static long (* const bpf_read_branch_records)(struct bpf_perf_event_data *ctx, void *buf, __u32 size, __u64 flags) = (void *) 119;

/* #120  long bpf_get_ns_current_pid_tgid(u64 dev, u64 ino, struct bpf_pidns_info *nsdata, u32 size) */
static long (* const bpf_get_ns_current_pid_tgid)(__u64 dev, __u64 ino, struct bpf_pidns_info *nsdata, __u32 size) = (void *) 120;

/* #121  long bpf_xdp_output(void *ctx, struct bpf_map *map, u64 flags, void *data, u64 size) */
static long (* const bpf_xdp_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *) 121;

/* #122  u64 bpf_get_netns_cookie(void *ctx) */
static __u64 (* const bpf_get_netns_cookie)(void *ctx) = (void *) 122;

/* #123  u64 bpf_get_current_ancestor_cgroup_id(int ancestor_level) */
static __u64 (* const bpf_get_current_ancestor_cgroup_id)(int ancestor_level) = (void *) 123;

/* #124  long bpf_sk_assign(struct sk_buff *skb, void *sk, u64 flags) */
static long (* const bpf_sk_assign)(void *ctx, void *sk, __u64 flags) = (void *) 124;

/* #125  u64 bpf_ktime_get_boot_ns(void) */
static __u64 (* const bpf_ktime_get_boot_ns)(void) = (void *) 125;

/* #126  long bpf_seq_printf(struct seq_file *m, const char *fmt, u32 fmt_size, const void *data, u32 data_len) */
static long (* const bpf_seq_printf)(struct seq_file *m, const char *fmt, __u32 fmt_size, const void *data, __u32 data_len) = (void *) 126;

/* #127  long bpf_seq_write(struct seq_file *m, const void *data, u32 len) */
static long (* const bpf_seq_write)(struct seq_file *m, const void *data, __u32 len) = (void *) 127;

/* #128  u64 bpf_sk_cgroup_id(void *sk) */
static __u64 (* const bpf_sk_cgroup_id)(void *sk) = (void *) 128;

/* #129  u64 bpf_sk_ancestor_cgroup_id(void *sk, int ancestor_level) */
static __u64 (* const bpf_sk_ancestor_cgroup_id)(void *sk, int ancestor_level) = (void *) 129;

/* #130  long bpf_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags) */
static long (* const bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size, __u64 flags) = (void *) 130;

/* #131  void *bpf_ringbuf_reserve(void *ringbuf, u64 size, u64 flags) */
static void *(* const bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *) 131;

/* #132  void bpf_ringbuf_submit(void *data, u64 flags) */
static void (* const bpf_ringbuf_submit)(void *data, __u64 flags) = (void *) 132;

/* #133  void bpf_ringbuf_discard(void *data, u64 flags) */
static void (* const bpf_ringbuf_discard)(void *data, __u64 flags) = (void *) 133;

/* #134  u64 bpf_ringbuf_query(void *ringbuf, u64 flags) */
static __u64 (* const bpf_ringbuf_query)(void *ringbuf, __u64 flags) = (void *) 134;

/* #135  long bpf_csum_level(struct sk_buff *skb, u64 level) */
static long (* const bpf_csum_level)(struct __sk_buff *skb, __u64 level) = (void *) 135;

/* #136  struct tcp6_sock *bpf_skc_to_tcp6_sock(void *sk) */
static struct tcp6_sock *(* const bpf_skc_to_tcp6_sock)(void *sk) = (void *) 136;

/* #137  struct tcp_sock *bpf_skc_to_tcp_sock(void *sk) */
static struct tcp_sock *(* const bpf_skc_to_tcp_sock)(void *sk) = (void *) 137;

/* #138  struct tcp_timewait_sock *bpf_skc_to_tcp_timewait_sock(void *sk) */
static struct tcp_timewait_sock *(* const bpf_skc_to_tcp_timewait_sock)(void *sk) = (void *) 138;

/* #139  struct tcp_request_sock *bpf_skc_to_tcp_request_sock(void *sk) */
static struct tcp_request_sock *(* const bpf_skc_to_tcp_request_sock)(void *sk) = (void *) 139;

/* #140  struct udp6_sock *bpf_skc_to_udp6_sock(void *sk) */
static struct udp6_sock *(* const bpf_skc_to_udp6_sock)(void *sk) = (void *) 140;

/* #141  long bpf_get_task_stack(struct task_struct *task, void *buf, u32 size, u64 flags) */
static long (* const bpf_get_task_stack)(struct task_struct *task, void *buf, __u32 size, __u64 flags) = (void *) 141;

/* #142  long bpf_load_hdr_opt(struct bpf_sock_ops *skops, void *searchby_res, u32 len, u64 flags) */
static long (* const bpf_load_hdr_opt)(struct bpf_sock_ops *skops, void *searchby_res, __u32 len, __u64 flags) = (void *) 142;

/* #143  long bpf_store_hdr_opt(struct bpf_sock_ops *skops, const void *from, u32 len, u64 flags) */
static long (* const bpf_store_hdr_opt)(struct bpf_sock_ops *skops, const void *from, __u32 len, __u64 flags) = (void *) 143;

/* #144  long bpf_reserve_hdr_opt(struct bpf_sock_ops *skops, u32 len, u64 flags) */
static long (* const bpf_reserve_hdr_opt)(struct bpf_sock_ops *skops, __u32 len, __u64 flags) = (void *) 144;

/* #145  void *bpf_inode_storage_get(struct bpf_map *map, void *inode, void *value, u64 flags) */
static void *(* const bpf_inode_storage_get)(void *map, void *inode, void *value, __u64 flags) = (void *) 145;

/* #146  int bpf_inode_storage_delete(struct bpf_map *map, void *inode) */
static int (* const bpf_inode_storage_delete)(void *map, void *inode) = (void *) 146;

/* #147  long bpf_d_path(struct path *path, char *buf, u32 sz) */
static long (* const bpf_d_path)(struct path *path, char *buf, __u32 sz) = (void *) 147;

/* #148  long bpf_copy_from_user(void *dst, u32 size, const void *user_ptr) */
static long (* const bpf_copy_from_user)(void *dst, __u32 size, const void *user_ptr) = (void *) 148;

/* #149  long bpf_snprintf_btf(char *str, u32 str_size, struct btf_ptr *ptr, u32 btf_ptr_size, u64 flags) */
static long (* const bpf_snprintf_btf)(char *str, __u32 str_size, struct btf_ptr *ptr, __u32 btf_ptr_size, __u64 flags) = (void *) 149;

/* #150  long bpf_seq_printf_btf(struct seq_file *m, struct btf_ptr *ptr, u32 ptr_size, u64 flags) */
static long (* const bpf_seq_printf_btf)(struct seq_file *m, struct btf_ptr *ptr, __u32 ptr_size, __u64 flags) = (void *) 150;

/* #151  u64 bpf_skb_cgroup_classid(struct sk_buff *skb) */
static __u64 (* const bpf_skb_cgroup_classid)(struct __sk_buff *skb) = (void *) 151;

/* #152  long bpf_redirect_neigh(u32 ifindex, struct bpf_redir_neigh *params, int plen, u64 flags) */
static long (* const bpf_redirect_neigh)(__u32 ifindex, struct bpf_redir_neigh *params, int plen, __u64 flags) = (void *) 152;

/* #153  void *bpf_per_cpu_ptr(const void *percpu_ptr, u32 cpu) */
static void *(* const bpf_per_cpu_ptr)(const void *percpu_ptr, __u32 cpu) = (void *) 153;

/* #154  void *bpf_this_cpu_ptr(const void *percpu_ptr) */
static void *(* const bpf_this_cpu_ptr)(const void *percpu_ptr) = (void *) 154;

/* #155  long bpf_redirect_peer(u32 ifindex, u64 flags) */
static long (* const bpf_redirect_peer)(__u32 ifindex, __u64 flags) = (void *) 155;

/* #156  void *bpf_task_storage_get(struct bpf_map *map, struct task_struct *task, void *value, u64 flags) */
static void *(* const bpf_task_storage_get)(void *map, struct task_struct *task, void *value, __u64 flags) = (void *) 156;

/* #157  long bpf_task_storage_delete(struct bpf_map *map, struct task_struct *task) */
static long (* const bpf_task_storage_delete)(void *map, struct task_struct *task) = (void *) 157;

/* #158  struct task_struct *bpf_get_current_task_btf(void) */
static struct task_struct *(* const bpf_get_current_task_btf)(void) = (void *) 158;

/* #159  long bpf_bprm_opts_set(struct linux_binprm *bprm, u64 flags) */
static long (* const bpf_bprm_opts_set)(struct linux_binprm *bprm, __u64 flags) = (void *) 159;

/* #160  u64 bpf_ktime_get_coarse_ns(void) */
static __u64 (* const bpf_ktime_get_coarse_ns)(void) = (void *) 160;

/* #161  long bpf_ima_inode_hash(struct inode *inode, void *dst, u32 size) */
static long (* const bpf_ima_inode_hash)(struct inode *inode, void *dst, __u32 size) = (void *) 161;

/* #162  struct socket *bpf_sock_from_file(struct file *file) */
static struct socket *(* const bpf_sock_from_file)(struct file *file) = (void *) 162;

/* #163  long bpf_check_mtu(void *ctx, u32 ifindex, u32 *mtu_len, s32 len_diff, u64 flags) */
static long (* const bpf_check_mtu)(void *ctx, __u32 ifindex, __u32 *mtu_len, __s32 len_diff, __u64 flags) = (void *) 163;

/* #164  long bpf_for_each_map_elem(struct bpf_map *map, void *callback_fn, void *callback_ctx, u64 flags) */
static long (* const bpf_for_each_map_elem)(void *map, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) 164;

/* #165  long bpf_snprintf(char *str, u32 str_size, const char *fmt, u64 *data, u32 data_len) */
static long (* const bpf_snprintf)(char *str, __u32 str_size, const char *fmt, __u64 *data, __u32 data_len) = (void *) 165;

/* #166  long bpf_sys_bpf(u32 cmd, void *attr, u32 attr_size) */
static long (* const bpf_sys_bpf)(__u32 cmd, void *attr, __u32 attr_size) = (void *) 166;

/* #167  long bpf_btf_find_by_name_kind(char *name, int name_sz, u32 kind, int flags) */
static long (* const bpf_btf_find_by_name_kind)(char *name, int name_sz, __u32 kind, int flags) = (void *) 167;

/* #168  long bpf_sys_close(u32 fd) */
static long (* const bpf_sys_close)(__u32 fd) = (void *) 168;

/* #169  long bpf_timer_init(struct bpf_timer *timer, struct bpf_map *map, u64 flags) */
static long (* const bpf_timer_init)(struct bpf_timer *timer, void *map, __u64 flags) = (void *) 169;

/* #170  long bpf_timer_set_callback(struct bpf_timer *timer, void *callback_fn) */
static long (* const bpf_timer_set_callback)(struct bpf_timer *timer, void *callback_fn) = (void *) 170;

/* #171  long bpf_timer_start(struct bpf_timer *timer, u64 nsecs, u64 flags) */
static long (* const bpf_timer_start)(struct bpf_timer *timer, __u64 nsecs, __u64 flags) = (void *) 171;

/* #172  long bpf_timer_cancel(struct bpf_timer *timer) */
static long (* const bpf_timer_cancel)(struct bpf_timer *timer) = (void *) 172;

/* #173  u64 bpf_get_func_ip(void *ctx) */
static __u64 (* const bpf_get_func_ip)(void *ctx) = (void *) 173;

/* #174  u64 bpf_get_attach_cookie(void *ctx) */
static __u64 (* const bpf_get_attach_cookie)(void *ctx) = (void *) 174;

/* #175  long bpf_task_pt_regs(struct task_struct *task) */
static long (* const bpf_task_pt_regs)(struct task_struct *task) = (void *) 175;

/* #176  long bpf_get_branch_snapshot(void *entries, u32 size, u64 flags) */
static long (* const bpf_get_branch_snapshot)(void *entries, __u32 size, __u64 flags) = (void *) 176;

/* #177  long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len) */
static long (* const bpf_trace_vprintk)(const char *fmt, __u32 fmt_size, const void *data, __u32 data_len) = (void *) 177;

/* #178  struct unix_sock *bpf_skc_to_unix_sock(void *sk) */
static struct unix_sock *(* const bpf_skc_to_unix_sock)(void *sk) = (void *) 178;

/* #179  long bpf_kallsyms_lookup_name(const char *name, int name_sz, int flags, u64 *res) */
static long (* const bpf_kallsyms_lookup_name)(const char *name, int name_sz, int flags, __u64 *res) = (void *) 179;

/* #180  long bpf_find_vma(struct task_struct *task, u64 addr, void *callback_fn, void *callback_ctx, u64 flags) */
static long (* const bpf_find_vma)(struct task_struct *task, __u64 addr, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) 180;

/* #181  long bpf_loop(u32 nr_loops, void *callback_fn, void *callback_ctx, u64 flags) */
static long (* const bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) 181;

/* #182  long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2) */
static long (* const bpf_strncmp)(const char *s1, __u32 s1_sz, const char *s2) = (void *) 182;

/* #183  long bpf_get_func_arg(void *ctx, u32 n, u64 *value) */
static long (* const bpf_get_func_arg)(void *ctx, __u32 n, __u64 *value) = (void *) 183;

/* #184  long bpf_get_func_ret(void *ctx, u64 *value) */
static long (* const bpf_get_func_ret)(void *ctx, __u64 *value) = (void *) 184;

/* #185  long bpf_get_func_arg_cnt(void *ctx) */
static long (* const bpf_get_func_arg_cnt)(void *ctx) = (void *) 185;

/* #186  int bpf_get_retval(void) */
static int (* const bpf_get_retval)(void) = (void *) 186;

/* #187  int bpf_set_retval(int retval) */
static int (* const bpf_set_retval)(int retval) = (void *) 187;

/* #188  u64 bpf_xdp_get_buff_len(struct xdp_buff *xdp_md) */
static __u64 (* const bpf_xdp_get_buff_len)(struct xdp_md *xdp_md) = (void *) 188;

/* #189  long bpf_xdp_load_bytes(struct xdp_buff *xdp_md, u32 offset, void *buf, u32 len) */
static long (* const bpf_xdp_load_bytes)(struct xdp_md *xdp_md, __u32 offset, void *buf, __u32 len) = (void *) 189;

/* #190  long bpf_xdp_store_bytes(struct xdp_buff *xdp_md, u32 offset, void *buf, u32 len) */
static long (* const bpf_xdp_store_bytes)(struct xdp_md *xdp_md, __u32 offset, void *buf, __u32 len) = (void *) 190;

/* #191  long bpf_copy_from_user_task(void *dst, u32 size, const void *user_ptr, struct task_struct *tsk, u64 flags) */
static long (* const bpf_copy_from_user_task)(void *dst, __u32 size, const void *user_ptr, struct task_struct *tsk, __u64 flags) = (void *) 191;

/* #192  long bpf_skb_set_tstamp(struct sk_buff *skb, u64 tstamp, u32 tstamp_type) */
static long (* const bpf_skb_set_tstamp)(struct __sk_buff *skb, __u64 tstamp, __u32 tstamp_type) = (void *) 192;

/* #193  long bpf_ima_file_hash(struct file *file, void *dst, u32 size) */
static long (* const bpf_ima_file_hash)(struct file *file, void *dst, __u32 size) = (void *) 193;

/* #194  void *bpf_kptr_xchg(void *map_value, void *ptr) */
static void *(* const bpf_kptr_xchg)(void *map_value, void *ptr) = (void *) 194;

/* #195  void *bpf_map_lookup_percpu_elem(struct bpf_map *map, const void *key, u32 cpu) */
static void *(* const bpf_map_lookup_percpu_elem)(void *map, const void *key, __u32 cpu) = (void *) 195;

/* #196  struct mptcp_sock *bpf_skc_to_mptcp_sock(void *sk) */
static struct mptcp_sock *(* const bpf_skc_to_mptcp_sock)(void *sk) = (void *) 196;

/* #197  long bpf_dynptr_from_mem(void *data, u32 size, u64 flags, struct bpf_dynptr *ptr) */
static long (* const bpf_dynptr_from_mem)(void *data, __u32 size, __u64 flags, struct bpf_dynptr *ptr) = (void *) 197;

/* #198  long bpf_ringbuf_reserve_dynptr(void *ringbuf, u32 size, u64 flags, struct bpf_dynptr *ptr) */
static long (* const bpf_ringbuf_reserve_dynptr)(void *ringbuf, __u32 size, __u64 flags, struct bpf_dynptr *ptr) = (void *) 198;

/* #199  void bpf_ringbuf_submit_dynptr(struct bpf_dynptr *ptr, u64 flags) */
static void (* const bpf_ringbuf_submit_dynptr)(struct bpf_dynptr *ptr, __u64 flags) = (void *) 199;

/* #200  void bpf_ringbuf_discard_dynptr(struct bpf_dynptr *ptr, u64 flags) */
static void (* const bpf_ringbuf_discard_dynptr)(struct bpf_dynptr *ptr, __u64 flags) = (void *) 200;

/* #201  long bpf_dynptr_read(void *dst, u32 len, struct bpf_dynptr *src, u32 offset, u64 flags) */
static long (* const bpf_dynptr_read)(void *dst, __u32 len, struct bpf_dynptr *src, __u32 offset, __u64 flags) = (void *) 201;

/* #202  long bpf_dynptr_write(struct bpf_dynptr *dst, u32 offset, void *src, u32 len, u64 flags) */
static long (* const bpf_dynptr_write)(struct bpf_dynptr *dst, __u32 offset, void *src, __u32 len, __u64 flags) = (void *) 202;

/* #203  void *bpf_dynptr_data(struct bpf_dynptr *ptr, u32 offset, u32 len) */
static void *(* const bpf_dynptr_data)(struct bpf_dynptr *ptr, __u32 offset, __u32 len) = (void *) 203;

/* #204  s64 bpf_tcp_raw_gen_syncookie_ipv4(struct iphdr *iph, struct tcphdr *th, u32 th_len) */
static __s64 (* const bpf_tcp_raw_gen_syncookie_ipv4)(struct iphdr *iph, struct tcphdr *th, __u32 th_len) = (void *) 204;

/* #205  s64 bpf_tcp_raw_gen_syncookie_ipv6(struct ipv6hdr *iph, struct tcphdr *th, u32 th_len) */
static __s64 (* const bpf_tcp_raw_gen_syncookie_ipv6)(struct ipv6hdr *iph, struct tcphdr *th, __u32 th_len) = (void *) 205;

/* #206  long bpf_tcp_raw_check_syncookie_ipv4(struct iphdr *iph, struct tcphdr *th) */
static long (* const bpf_tcp_raw_check_syncookie_ipv4)(struct iphdr *iph, struct tcphdr *th) = (void *) 206;

/* #207  long bpf_tcp_raw_check_syncookie_ipv6(struct ipv6hdr *iph, struct tcphdr *th) */
static long (* const bpf_tcp_raw_check_syncookie_ipv6)(struct ipv6hdr *iph, struct tcphdr *th) = (void *) 207;

/* #208  u64 bpf_ktime_get_tai_ns(void) */
static __u64 (* const bpf_ktime_get_tai_ns)(void) = (void *) 208;

/* #209  long bpf_user_ringbuf_drain(struct bpf_map *map, void *callback_fn, void *ctx, u64 flags) */
static long (* const bpf_user_ringbuf_drain)(void *map, void *callback_fn, void *ctx, __u64 flags) = (void *) 209;

#endif /* EBPFC_BPF_HELPER_DEFS_H */
