/*
 * sendpkts.c - send a known number of IPv4 packets of three protocols, for
 * tools/demo/demo.sh to compare with what the XDP counter saw.
 *
 *   sendpkts [--netns NAME] ADDR ICMP UDP TCP
 *
 * ICMP echo requests through a raw socket (each waits for its reply, so the
 * count is exact and the run paced), UDP datagrams to the discard port, and
 * TCP connection attempts to a closed port: each connect() sends exactly one
 * SYN and gets an RST back (ECONNREFUSED), anything else is an error, since a
 * retransmitted SYN would make the counts differ. With --netns it first
 * enters /run/netns/NAME, as `ip netns exec` would.
 *
 * A demo helper, not a traffic generator; no dependency but libc.
 */
#define _GNU_SOURCE	/* setns() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define CLOSED_PORT 9	/* discard: nothing listens in a fresh namespace */
#define TIMEOUT_MS 2000

static int fail(const char *what)
{
	fprintf(stderr, "sendpkts: %s: %s\n", what, strerror(errno));
	return -1;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(path);
	if (setns(fd, CLONE_NEWNET)) {
		close(fd);
		return fail("setns");
	}
	close(fd);
	return 0;
}

/* RFC 1071 Internet checksum. */
static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Wait for the echo reply with our id and seq; the raw socket sees every ICMP. */
static int wait_echo_reply(int sock, uint16_t id, uint16_t seq)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	unsigned char buf[1500];
	const struct icmphdr *icmp;
	size_t ihl;
	ssize_t n;

	while (poll(&pfd, 1, TIMEOUT_MS) > 0) {
		n = recv(sock, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(struct iphdr))
			continue;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)n < ihl + sizeof(*icmp))
			continue;
		icmp = (const struct icmphdr *)(buf + ihl);
		if (icmp->type == ICMP_ECHOREPLY && icmp->un.echo.id == htons(id) &&
		    icmp->un.echo.sequence == htons(seq))
			return 0;
	}
	fprintf(stderr, "sendpkts: no echo reply to icmp_seq %u\n", seq);
	return -1;
}

static int send_icmp(const struct sockaddr_in *dst, int count)
{
	struct {
		struct icmphdr h;
		char payload[56];
	} pkt;
	uint16_t id = (uint16_t)getpid();
	int sock, i, err = 0;

	sock = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (sock < 0)
		return fail("raw ICMP socket");
	for (i = 0; i < count && !err; i++) {
		memset(&pkt, 0, sizeof(pkt));
		memcpy(pkt.payload, "ebpfc xdp_counter demo", 22);
		pkt.h.type = ICMP_ECHO;
		pkt.h.un.echo.id = htons(id);
		pkt.h.un.echo.sequence = htons((uint16_t)(i + 1));
		pkt.h.checksum = inet_csum(&pkt, sizeof(pkt));
		if (sendto(sock, &pkt, sizeof(pkt), 0, (const struct sockaddr *)dst,
			   sizeof(*dst)) != (ssize_t)sizeof(pkt))
			err = fail("send ICMP echo");
		else
			err = wait_echo_reply(sock, id, (uint16_t)(i + 1));
	}
	close(sock);
	return err;
}

static int send_udp(struct sockaddr_in dst, int count)
{
	static const char msg[] = "ebpfc xdp_counter demo";
	int sock, i, err = 0;

	/* Unconnected: the port-unreachable answers must not fail later sends. */
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return fail("UDP socket");
	dst.sin_port = htons(CLOSED_PORT);
	for (i = 0; i < count && !err; i++)
		if (sendto(sock, msg, sizeof(msg), 0, (const struct sockaddr *)&dst,
			   sizeof(dst)) != (ssize_t)sizeof(msg))
			err = fail("send UDP");
	close(sock);
	return err;
}

static int tcp_attempt(const struct sockaddr_in *dst)
{
	struct timeval tv = { .tv_sec = TIMEOUT_MS / 1000 };
	int sock, ret;

	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return fail("TCP socket");
	/* Bounds connect(); the first retransmission comes after 1 s, though. */
	setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ret = connect(sock, (const struct sockaddr *)dst, sizeof(*dst));
	if (ret == 0 || errno != ECONNREFUSED) {
		fprintf(stderr, "sendpkts: TCP connect to closed port %d: %s (expected a reset)\n",
			CLOSED_PORT, ret == 0 ? "accepted" : strerror(errno));
		close(sock);
		return -1;
	}
	close(sock);
	return 0;
}

static int send_tcp(struct sockaddr_in dst, int count)
{
	int i;

	dst.sin_port = htons(CLOSED_PORT);
	for (i = 0; i < count; i++)
		if (tcp_attempt(&dst))
			return -1;
	return 0;
}

static int parse_count(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000000) {
		fprintf(stderr, "sendpkts: '%s' is not a packet count\n", s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	int n_icmp, n_udp, n_tcp;

	if (argc > 2 && !strcmp(argv[1], "--netns")) {
		if (enter_netns(argv[2]))
			return 1;
		argc -= 2;
		argv += 2;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: sendpkts [--netns NAME] ADDR ICMP UDP TCP\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "sendpkts: '%s' is not an IPv4 address\n", argv[1]);
		return 2;
	}
	if (parse_count(argv[2], &n_icmp) || parse_count(argv[3], &n_udp) ||
	    parse_count(argv[4], &n_tcp))
		return 2;
	if (send_icmp(&dst, n_icmp) || send_udp(dst, n_udp) || send_tcp(dst, n_tcp))
		return 1;
	printf("sendpkts: sent %d icmp, %d udp, %d tcp packets to %s\n", n_icmp, n_udp, n_tcp,
	       argv[1]);
	return 0;
}
