#!/usr/bin/env bash
# demo.sh - `make demo`: count packets with XDP on a veth pair and check the
# counts against what was sent.
#
# Two network namespaces of its own (names unique to this run) joined by a
# veth pair, 10.213.157.1/30 (sender) and .2/30 (receiver), IPv6 off and
# static neighbour entries so that nothing but the demo's packets cross the
# wire. build/examples/xdp_counter runs inside the receiver namespace on its
# end of the pair; tools/demo/sendpkts.c (built here into build/demo/) sends
# 10 ICMP echo requests, 20 UDP datagrams and 30 TCP SYNs from the other end.
# The counter is then stopped with SIGINT and its final block compared with
# what was sent. Everything created is removed on every exit path.
#
# Environment: BUILD (build directory, default build), XDP_MODE (generic or
# native; default: the kernel's choice, native on veth), CC.
# Needs root; installs iproute2 with apt-get if `ip` is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD

N_ICMP=10
N_UDP=20
N_TCP=30
TX_ADDR=10.213.157.1
RX_ADDR=10.213.157.2
NS_TX=ebpfc-demo-$$-tx
NS_RX=ebpfc-demo-$$-rx
IF_TX=ebd$$tx
IF_RX=ebd$$rx

CREATED_NS=()
COUNTER_PID=
TMP=

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

cleanup() {
	local rc=$? ns
	trap - EXIT INT TERM
	if [[ -n $COUNTER_PID ]] && kill -0 "$COUNTER_PID" 2>/dev/null; then
		kill -TERM "$COUNTER_PID" 2>/dev/null || true
		wait "$COUNTER_PID" 2>/dev/null || true
	fi
	# Deleting a namespace destroys the veth end inside it, and so the pair.
	for ns in "${CREATED_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null || printf 'demo: could not delete netns %s\n' "$ns" >&2
	done
	[[ -z $TMP ]] || rm -rf "$TMP"
	exit "$rc"
}

check_prerequisites() {
	[[ $(id -u) -eq 0 ]] ||
		die "must run as root (it creates network namespaces and attaches XDP): sudo make demo"
	if ! command -v ip >/dev/null; then
		command -v apt-get >/dev/null || die "'ip' (iproute2) is missing; please install it"
		say "installing iproute2"
		apt-get install -y -q iproute2 >/dev/null ||
			{ apt-get update -q >/dev/null && apt-get install -y -q iproute2 >/dev/null; } ||
			die "could not install iproute2"
	fi
	command -v "${CC:-cc}" >/dev/null || die "no C compiler '${CC:-cc}' to build sendpkts"
	[[ -x $BUILD/examples/xdp_counter && -f $BUILD/bpf/xdp_counter.bpf.o ]] ||
		die "$BUILD/examples/xdp_counter or its BPF object is missing: run 'make all' first"
}

build_sendpkts() {
	local src=$ROOT/tools/demo/sendpkts.c out=$BUILD/demo/sendpkts
	mkdir -p "$BUILD/demo"
	if [[ ! -x $out || $src -nt $out ]]; then
		"${CC:-cc}" -std=gnu11 -Wall -Wextra -Werror -O2 -o "$out" "$src"
	fi
}

# IPv6 off before the veth exists, so that no router solicitation or MLD
# report is ever sent (the kernel may be built without IPv6: then nothing to do).
disable_ipv6() {
	ip netns exec "$1" bash -c '
		[[ -d /proc/sys/net/ipv6 ]] || exit 0
		echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
		echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
}

mac_of() { ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

setup_network() {
	local ns
	for ns in "$NS_TX" "$NS_RX"; do
		ip netns add "$ns"
		CREATED_NS+=("$ns")
		disable_ipv6 "$ns"
	done
	ip link add "$IF_TX" netns "$NS_TX" type veth peer name "$IF_RX" netns "$NS_RX"
	ip -n "$NS_TX" addr add "$TX_ADDR/30" dev "$IF_TX"
	ip -n "$NS_RX" addr add "$RX_ADDR/30" dev "$IF_RX"
	ip -n "$NS_TX" link set "$IF_TX" up
	ip -n "$NS_RX" link set "$IF_RX" up
	# Static neighbours: no ARP, so the flows are exactly the packets sent.
	ip -n "$NS_TX" neigh replace "$RX_ADDR" lladdr "$(mac_of "$NS_RX" "$IF_RX")" \
		dev "$IF_TX" nud permanent
	ip -n "$NS_RX" neigh replace "$TX_ADDR" lladdr "$(mac_of "$NS_TX" "$IF_TX")" \
		dev "$IF_RX" nud permanent
	say "namespaces $NS_TX ($IF_TX $TX_ADDR) -> $NS_RX ($IF_RX $RX_ADDR)"
}

start_counter() {
	local mode=() i
	case ${XDP_MODE:-} in
	"") ;;
	generic | native) mode=("--$XDP_MODE") ;;
	*) die "XDP_MODE must be generic, native or empty, not '$XDP_MODE'" ;;
	esac
	ip netns exec "$NS_RX" "$BUILD/examples/xdp_counter" "$IF_RX" "${mode[@]}" \
		--interval 0.5 >"$TMP/counter.log" 2>&1 &
	COUNTER_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^xdp_counter: attached' "$TMP/counter.log" && return 0
		kill -0 "$COUNTER_PID" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/  | /' "$TMP/counter.log" >&2
	die "xdp_counter did not attach to $IF_RX"
}

# True once the counter has exited, waiting up to $1 tenths of a second.
counter_exited() {
	local i
	for ((i = 0; i < $1; i++)); do
		kill -0 "$COUNTER_PID" 2>/dev/null || return 0
		sleep 0.1
	done
	! kill -0 "$COUNTER_PID" 2>/dev/null
}

stop_counter() {
	local rc=0
	kill -INT "$COUNTER_PID"
	if ! counter_exited 50; then
		kill -KILL "$COUNTER_PID" 2>/dev/null || true
		sed 's/^/  | /' "$TMP/counter.log" >&2
		die "xdp_counter did not stop within 5 s of SIGINT"
	fi
	wait "$COUNTER_PID" || rc=$?
	COUNTER_PID=
	say "xdp_counter output:"
	sed 's/^/  | /' "$TMP/counter.log"
	[[ $rc -eq 0 ]] || die "xdp_counter exited with status $rc"
	grep -q '^total non_ip ' "$TMP/counter.log" || die "xdp_counter printed no final block"
}

# Packets counted for an IP protocol number in the final block (0 if absent).
counted() {
	awk -v p="proto=$1" '$1 == "total" && $2 == p {
		for (i = 3; i <= NF; i++) if ($i ~ /^packets=/) { sub(/^packets=/, "", $i); n = $i } }
		END { print n + 0 }' "$TMP/counter.log"
}

compare() {
	local name proto sent got bad=0 non_ip
	printf 'demo: %-8s %6s %8s\n' protocol sent counted
	while read -r name proto sent; do
		got=$(counted "$proto")
		printf 'demo: %-8s %6d %8d  %s\n' "$name" "$sent" "$got" \
			"$([[ $got -eq $sent ]] && echo ok || echo MISMATCH)"
		[[ $got -eq $sent ]] || bad=1
	done <<-EOF
		icmp 1 $N_ICMP
		udp 17 $N_UDP
		tcp 6 $N_TCP
	EOF
	non_ip=$(awk '$1 == "total" && $2 == "non_ip" { sub(/^packets=/, "", $3); print $3 }' \
		"$TMP/counter.log")
	printf 'demo: %-8s %6s %8d  (ARP and other non-IP frames; none expected here)\n' \
		non_ip - "$non_ip"
	[[ $bad -eq 0 ]] || die "XDP counts differ from what was sent (see the table above)"
	say "OK — XDP counted $N_ICMP icmp, $N_UDP udp, $N_TCP tcp packets, exactly what was sent"
}

main() {
	check_prerequisites
	trap cleanup EXIT
	trap 'say "interrupted"; exit 130' INT
	trap 'say "terminated"; exit 143' TERM
	TMP=$(mktemp -d /tmp/ebpfc-demo.XXXXXX)
	build_sendpkts
	setup_network
	start_counter
	say "xdp_counter attached to $IF_RX in $NS_RX; sending from $NS_TX:" \
		"$N_ICMP icmp echo requests, $N_UDP udp datagrams, $N_TCP tcp SYNs to a closed port"
	"$BUILD/demo/sendpkts" --netns "$NS_TX" "$RX_ADDR" "$N_ICMP" "$N_UDP" "$N_TCP" |
		sed 's/^/demo: /'
	sleep 1.5
	stop_counter
	compare
}

main "$@"
