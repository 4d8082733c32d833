#!/bin/sh
# Installs what building and testing ebpfc needs when it is missing: cmocka for
# the tests, clang for the BPF objects, iproute2 for the network tests.
# As root it uses apt-get; otherwise it says what to install and fails.
set -e
need=""
[ -f /usr/include/cmocka.h ] || need="$need libcmocka-dev"
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v llc >/dev/null 2>&1 || need="$need llvm"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "ebpfc: missing packages:$need" >&2
	echo "ebpfc: install them (Debian/Ubuntu: apt-get install$need) and run again" >&2
	exit 1
fi
echo "ebpfc: installing$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $need >/dev/null
