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
# libFuzzer and the sanitizer runtimes for clang (make fuzz, fuzz-smoke).
if command -v clang >/dev/null 2>&1; then
	probe=$(mktemp -d)
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe/f.c"
	clang -fsanitize=fuzzer,address "$probe/f.c" -o "$probe/f" >/dev/null 2>&1 ||
		need="$need libclang-rt-$(clang --version | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -1)-dev"
	rm -rf "$probe"
fi
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
