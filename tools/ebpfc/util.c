/*
 * util.c - helpers shared by the subcommands: error and usage messages,
 * option-parser plumbing, allocation that cannot return NULL, opening an
 * object with a clear message, attach type names, and aligned tables.
 *
 * Not here: JSON (json.c) and anything that walks BTF (globals.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("ebpfc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	const struct cmd *c = cmd_find(cmd);
	va_list ap;

	fprintf(stderr, "ebpfc %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, "usage: ebpfc %s %s\nTry 'ebpfc help %s'.\n", c->name, c->args,
			c->name);
	return EXIT_USAGE;
}

void opt_reset(void)
{
	optind = 0;	/* 0, not 1: makes GNU getopt reinitialise fully */
	opterr = 0;
}

int opt_error(const char *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return usage_error(cmd, "option '%s' needs an argument", opt);
	if (optopt && strncmp(opt, "--", 2))
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", opt);
}

static void out_of_memory(void)
{
	errorf("out of memory");
	exit(EXIT_FAIL);
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		out_of_memory();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	return s;
}

int open_object(const char *path, struct ebpfc_object **obj)
{
	int err = ebpfc_object_open_file(path, NULL, obj);

	if (err)
		errorf("%s: %s", path, ebpfc_errmsg());
	return err;
}

/* enum bpf_attach_type, by number: the installed uapi header may be older. */
static const char *const attach_names[] = {
	"cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create",
	"cgroup_sock_ops", "sk_skb_stream_parser", "sk_skb_stream_verdict",
	"cgroup_device", "sk_msg_verdict", "cgroup_inet4_bind", "cgroup_inet6_bind",
	"cgroup_inet4_connect", "cgroup_inet6_connect", "cgroup_inet4_post_bind",
	"cgroup_inet6_post_bind", "cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg",
	"lirc_mode2", "flow_dissector", "cgroup_sysctl", "cgroup_udp4_recvmsg",
	"cgroup_udp6_recvmsg", "cgroup_getsockopt", "cgroup_setsockopt", "trace_raw_tp",
	"trace_fentry", "trace_fexit", "modify_return", "lsm_mac", "trace_iter",
	"cgroup_inet4_getpeername", "cgroup_inet6_getpeername", "cgroup_inet4_getsockname",
	"cgroup_inet6_getsockname", "xdp_devmap", "cgroup_inet_sock_release", "xdp_cpumap",
	"sk_lookup", "xdp", "sk_skb_verdict", "sk_reuseport_select",
	"sk_reuseport_select_or_migrate", "perf_event", "trace_kprobe_multi", "lsm_cgroup",
	"struct_ops", "netfilter", "tcx_ingress", "tcx_egress", "trace_uprobe_multi",
	"cgroup_unix_connect", "cgroup_unix_sendmsg", "cgroup_unix_recvmsg",
	"cgroup_unix_getpeername", "cgroup_unix_getsockname", "netkit_primary", "netkit_peer",
	"trace_kprobe_session", "trace_uprobe_session",
};

_Static_assert(sizeof(attach_names) / sizeof(attach_names[0]) == 58,
	       "attach_names must stop at BPF_TRACE_UPROBE_SESSION (57)");

const char *attach_type_str(__u32 prog_type, __u32 attach_type)
{
	if (attach_type == 0 && prog_type != BPF_PROG_TYPE_CGROUP_SKB)
		return NULL;
	if (attach_type < sizeof(attach_names) / sizeof(attach_names[0]))
		return attach_names[attach_type];
	return "unknown";
}

const char *text_tail(const char *text, size_t max_lines, size_t *total, size_t *len)
{
	size_t end = strlen(text), lines = 0, i;
	const char *start = text;

	while (end && text[end - 1] == '\n')
		end--;
	for (i = end; i > 0; i--)
		if (text[i - 1] == '\n' && ++lines == max_lines)
			start = text + i;
	*total = end ? lines + 1 : 0;
	*len = end - (size_t)(start - text);
	return start;
}

int map_flags(const struct ebpfc_map *map, __u32 *flags)
{
	struct ebpfc_map_info info;

	if (ebpfc_map_fd(map) < 0 || ebpfc_map_info(map, &info))
		return -EOPNOTSUPP;
	*flags = info.map_flags;
	return 0;
}

const char *map_flags_str(const struct ebpfc_map *map, char *buf, size_t size)
{
	__u32 f;

	if (map_flags(map, &f))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "0x%x", f);
	return buf;
}
