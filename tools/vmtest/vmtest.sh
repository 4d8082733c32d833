#!/bin/bash
# vmtest.sh - run a command as root inside a second kernel booted under qemu.
#
#   tools/vmtest/vmtest.sh [--kernel 6.1|6.12|KVER|/path/to/bzImage-or-vmlinux]
#                          [--timeout SECONDS] [--cache DIR] [--verbose] -- COMMAND [ARGS...]
#
# This is the third testing tier of ebpfc (see DESIGN.md, "Testing tiers"): the
# same test binaries, run under a Debian kernel other than the host's, so that
# older kernels and attach types the host lacks (kprobes, fentry) are covered.
#
# What it does, and why that way:
#  - The kernel is a stock Debian linux-image package, downloaded with
#    apt-get download and unpacked with dpkg-deb, never installed: the host's
#    boot set-up is none of our business. Its bzImage is compressed (xz on
#    6.1, zstd on 6.12) and decompressing it inside TCG costs ~2.7 s a boot,
#    so the uncompressed vmlinux is extracted once on the host and booted
#    directly (PVH entry).
#  - The guest sees the host's root file system read-only over 9p with a tmpfs
#    overlay on top, so the repo's dynamically linked binaries and the host's
#    ip, tc, clang work unchanged, and nothing the guest writes reaches the
#    host. The command runs in the same working directory as here.
#  - The host and /init (tools/vmtest/init.sh) talk through a per-run
#    directory shared read-write over 9p: the command's output is a file
#    there, streamed to our stdout while it grows, and its exit status is
#    another file (qemu itself exits 0 whatever happened inside).
#  - Everything slow (download, unpack, depmod, vmlinux extraction, the
#    initramfs) is cached under --cache, so a warm run is only boot + command.
#
# Exit status: the command's; 124 if the run timed out; 125 if vmtest itself
# failed (no kernel, a broken boot, a guest panic, no status reported); 1 if
# a package is missing and we are not root; 2 on bad usage.
#
# Not for: interactive use (there is no console input), running anything that
# must write to the host (the overlay is thrown away), or architectures other
# than x86_64.

set -u
# VMTEST_TRACE=1 traces this script with timestamps (bash ignores PS4 from
# the environment when run as root, hence here).
[ -n "${VMTEST_TRACE:-}" ] && { PS4="+ \${EPOCHREALTIME} "; set -x; }
set -o pipefail

PROG=vmtest
HERE=$(cd "$(dirname "$0")" && pwd)
INIT_SCRIPT=$HERE/init.sh
# Bump when the layout of a cached kernel directory changes, so old caches
# are rebuilt instead of misread.
CACHE_FORMAT=1

# Modules /init loads before anything else. "req": without them there is no
# host root to run in. virtio_pci comes first because on 6.1 it is a module
# and nothing depends on it, yet without it the 9p device is never probed.
# "opt": what network and tc tests need; they also autoload, but loading them
# up front keeps those tests independent of the modprobe helper.
BOOT_MODULES_REQ="virtio_pci 9pnet_virtio 9p overlay"
BOOT_MODULES_OPT="veth sch_ingress cls_bpf act_bpf dummy"
# insmod parameters. dummy would otherwise create a dummy0 that no test asked
# for and that network tests listing links would trip over.
declare -A BOOT_MODULE_ARGS=([dummy]="numdummies=0")

say() { echo "$PROG: $*" >&2; }
die() { say "error: $*"; exit "${EXIT_CODE:-125}"; }

usage() {
	cat >&2 <<'EOF'
usage: tools/vmtest/vmtest.sh [options] -- COMMAND [ARGS...]

Boots a Debian kernel under qemu (TCG) and runs COMMAND in it as root, in the
current directory, with the host root file system mounted read-only plus a
throwaway tmpfs overlay. Exits with COMMAND's exit status.

options:
  --kernel K       6.1 (default), 6.12, a full version such as 6.1.0-28-amd64,
                   or a path to a bzImage or vmlinux to boot as it is
  --timeout SECS   kill the VM after SECS seconds, boot included (default 600)
  --cache DIR      where kernels and initramfs images are kept (default
                   $EBPFC_VMTEST_CACHE or ${XDG_CACHE_HOME:-~/.cache}/ebpfc-vmtest)
  --verbose        print the guest's console log (kernel messages) at the end
environment:
  EBPFC_VMTEST_MEM (default 1G), EBPFC_VMTEST_SMP (default 2),
  EBPFC_VMTEST_APPEND (more kernel command line);
  EBPFC_*, CMOCKA_* and CI are passed on to the command; EBPFC_VMTEST=1 is set.
EOF
	exit 2
}

# ---------------------------------------------------------------- arguments

KERNEL=6.1
TIMEOUT=600
CACHE=${EBPFC_VMTEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ebpfc-vmtest}
VERBOSE=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; KERNEL=$2; shift 2 ;;
	--kernel=*) KERNEL=${1#*=}; shift ;;
	--timeout) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift 2 ;;
	--timeout=*) TIMEOUT=${1#*=}; shift ;;
	--cache) [ $# -ge 2 ] || usage; CACHE=$2; shift 2 ;;
	--cache=*) CACHE=${1#*=}; shift ;;
	-v|--verbose) VERBOSE=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) say "unknown option $1"; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
case $TIMEOUT in '' | *[!0-9]*) say "--timeout wants whole seconds"; usage ;; esac
MEM=${EBPFC_VMTEST_MEM:-1G}
SMP=${EBPFC_VMTEST_SMP:-2}
[ "$(uname -m)" = x86_64 ] || EXIT_CODE=1 die "only x86_64 hosts are supported"

# ---------------------------------------------------------------- host packages

# busybox must be the static build: the initramfs has no libc. The dynamic
# "busybox" package provides /bin/busybox too, so ask dpkg which one it is.
have_static_busybox() {
	[ -x /bin/busybox ] &&
		dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'
}

ensure_packages() {
	local need=""
	command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
		EXIT_CODE=1 die "needs a Debian-like host (apt-get, dpkg-deb) to fetch kernels"
	command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
	have_static_busybox || need="$need busybox-static"
	command -v cpio >/dev/null 2>&1 || need="$need cpio"
	command -v xz >/dev/null 2>&1 || need="$need xz-utils"
	# Debian's 6.12 kernels are zstd-compressed.
	command -v zstd >/dev/null 2>&1 || need="$need zstd"
	command -v flock >/dev/null 2>&1 || need="$need util-linux"
	command -v timeout >/dev/null 2>&1 || need="$need coreutils"
	[ -z "$need" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		say "missing packages:$need"
		say "install them (apt-get install$need) or run this as root, then try again"
		exit 1
	fi
	say "installing$need"
	export DEBIAN_FRONTEND=noninteractive
	local log
	log=$(mktemp) || die "mktemp failed"
	# Another apt run (a colleague's make check) may hold the dpkg lock:
	# wait for it rather than fail. The chatter is shown only on failure.
	if ! apt-get -o DPkg::Lock::Timeout=300 update -qq >"$log" 2>&1; then
		cat "$log" >&2; rm -f "$log"; die "apt-get update failed"
	fi
	# No recommends: they pull in the GUI and half of X for a headless qemu.
	if ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $need >"$log" 2>&1; then
		cat "$log" >&2; rm -f "$log"; die "apt-get install$need failed"
	fi
	rm -f "$log"
}

# ---------------------------------------------------------------- small helpers

now_us() { echo "${EPOCHREALTIME/./}"; }
# Microseconds between two now_us values, as seconds with one decimal.
secs() { local d=$(($2 - $1)); printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000)); }

# Single-quotes a word for /bin/sh, whatever it contains.
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

# The kernel tree's extract-vmlinux method: find every stream magic of the
# compressor in the bzImage, decompress from there, keep the first result
# that is an ELF file. Debian's 6.1 is xz-compressed, its 6.12 zstd. The
# decompressors complain about the bytes after the stream; the output is
# complete regardless.
extract_vmlinux() {
	local img=$1 out=$2 off magic cmd
	for magic in '\xfd7zXZ\x00:xz -dc' '\x28\xb5\x2f\xfd:zstd -dcq'; do
		cmd=${magic#*:}
		magic=${magic%%:*}
		command -v "${cmd%% *}" >/dev/null 2>&1 || continue
		for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
			tail -c +$((off + 1)) "$img" | $cmd >"$out.tmp" 2>/dev/null
			if is_elf "$out.tmp"; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

# The version string of a bzImage, from its setup header (the kernel_version
# field at 0x20e is an offset from 0x200) or, for a vmlinux, its banner.
kernel_release() {
	local img=$1 off
	if is_elf "$img"; then
		LC_ALL=C grep -aom1 'Linux version [^ ]*' "$img" | head -1 | cut -d' ' -f3
		return
	fi
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$img" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 0
	dd if="$img" bs=1 skip=$((off + 0x200)) count=128 2>/dev/null | tr '\0' '\n' | head -1 | cut -d' ' -f1
}

# ---------------------------------------------------------------- Debian kernels

# Which linux-image package is the newest of a series ("6.1", "6.12"). The
# distribution's default kernel wins when it is of that series (bookworm:
# linux-image-amd64 -> 6.1), then the series meta package (bookworm-security:
# linux-image-6.12-amd64), then the highest version apt-cache search finds.
resolve_package() {
	local series=$1 re p
	re=${series//./\\.}
	p=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -1)
	case $p in "linux-image-$series".* | "linux-image-$series"-*) echo "$p"; return ;; esac
	p=$(apt-cache depends "linux-image-$series-amd64" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -1)
	[ -n "$p" ] && { echo "$p"; return; }
	apt-cache search --names-only "^linux-image-$re[.-].*-amd64\$" 2>/dev/null |
		cut -d' ' -f1 | grep -v -e -dbg -e -unsigned -e cloud -e '-rt-' | sort -V | tail -1
}

# The newest kernel of a series already in the cache: used when apt knows
# nothing (no package lists, offline), so a warm cache keeps working.
newest_cached() {
	local series=$1 d best=""
	for d in "$CACHE/k/$series".*/.complete "$CACHE/k/$series"-*/.complete; do
		[ -f "$d" ] || continue
		d=${d%/.complete}
		best=$(printf '%s\n%s\n' "$best" "${d##*/}" | grep . | sort -V | tail -1)
	done
	echo "$best"
}

# resolve_package runs apt-cache, which takes ~0.8 s a call here: remember
# its answer until the package lists change (apt-get update touches them).
resolve_package_cached() {
	local series=$1 stamp f p
	stamp=$(ls -t /var/lib/apt/lists/*Packages* 2>/dev/null | head -1)
	[ -n "$stamp" ] && stamp="$stamp $(stat -c %Y "$stamp")"
	f=$CACHE/resolved-$series
	if [ -n "$stamp" ] && [ -f "$f" ] && [ "$(head -1 "$f")" = "$stamp" ]; then
		sed -n 2p "$f"
		return
	fi
	p=$(resolve_package "$series")
	[ -n "$stamp" ] && [ -n "$p" ] && printf '%s\n%s\n' "$stamp" "$p" >"$f"
	echo "$p"
}

# Download and unpack one kernel package into $CACHE/k/KVER, once. Sets
# KVER, KDIR, KIMAGE, MODDIR.
prepare_debian_kernel() {
	local want=$1 pkg="" deb boot
	case $want in
	*-amd64) pkg=linux-image-$want ;;      # a full version: pin it
	*) pkg=$(resolve_package_cached "$want") ;;
	esac
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		say "no linux-image-$want package known to apt; running apt-get update"
		apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
		pkg=$(resolve_package "$want")
	fi
	if [ -n "$pkg" ]; then
		KVER=${pkg#linux-image-}
	else
		KVER=$(newest_cached "$want")
		[ -n "$KVER" ] || die "no Debian kernel package found for '$want' (try apt-get update)"
		say "apt knows no linux-image-$want package; using the cached $KVER"
	fi
	KDIR=$CACHE/k/$KVER
	MODDIR=$KDIR/root/lib/modules/$KVER
	if [ "$(cat "$KDIR/.complete" 2>/dev/null)" != "$CACHE_FORMAT" ]; then
		rm -rf "$KDIR"
		mkdir -p "$KDIR/dl" || die "cannot create $KDIR"
		say "downloading linux-image-$KVER (70-110 MB, once)"
		local t0; t0=$(now_us)
		# As root, apt drops to the _apt user to download, which cannot
		# write into a root-owned cache; the sandbox buys nothing here.
		local sandbox=()
		[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
		if ! (cd "$KDIR/dl" && apt-get "${sandbox[@]}" download -q "linux-image-$KVER" >&2); then
			# Stale package lists name a file the mirror no longer has.
			[ "$(id -u)" = 0 ] || die "apt-get download linux-image-$KVER failed (stale lists? apt-get update as root)"
			apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
			(cd "$KDIR/dl" && apt-get "${sandbox[@]}" download -q "linux-image-$KVER" >&2) ||
				die "apt-get download linux-image-$KVER failed"
		fi
		deb=$(ls "$KDIR"/dl/*.deb 2>/dev/null | head -1)
		[ -n "$deb" ] || die "apt-get download produced no .deb"
		say "unpacking $(basename "$deb")"
		dpkg-deb -x "$deb" "$KDIR/root" || die "dpkg-deb -x $deb failed"
		rm -rf "$KDIR/dl" "$KDIR/root/usr/share/doc"
		[ -d "$MODDIR" ] || die "the package has no lib/modules/$KVER"
		# Newer Debian kernels (6.12) ship modules as .ko.xz. busybox
		# insmod/modprobe in the guest load plain .ko reliably, so
		# decompress them all here, once, two at a time.
		if [ -n "$(find "$MODDIR" -name '*.ko.xz' -print -quit)" ]; then
			say "decompressing modules"
			find "$MODDIR" -name '*.ko.xz' -print0 | xargs -0 -n 64 -P 2 xz -d ||
				die "decompressing the modules failed"
		fi
		# The unpacked tree has no modules.dep (postinst makes it); busybox
		# depmod writes the modules.dep/alias/symbols busybox modprobe reads.
		busybox depmod -b "$KDIR/root" "$KVER" || die "depmod on $MODDIR failed"
		boot=$KDIR/root/boot/vmlinuz-$KVER
		[ -f "$boot" ] || die "the package has no boot/vmlinuz-$KVER"
		# PVH entry is what lets qemu start an ELF vmlinux; without it the
		# bzImage is booted (slower, but works).
		if grep -q '^CONFIG_PVH=y' "$KDIR/root/boot/config-$KVER" 2>/dev/null &&
			extract_vmlinux "$boot" "$KDIR/vmlinux"; then
			:
		else
			say "note: no PVH vmlinux could be made from $boot; booting the bzImage"
		fi
		echo "$CACHE_FORMAT" >"$KDIR/.complete"
		say "kernel $KVER ready in $(secs "$t0" "$(now_us)") s (cached in $KDIR)"
	fi
	KIMAGE=$KDIR/vmlinux
	[ -f "$KIMAGE" ] || KIMAGE=$KDIR/root/boot/vmlinuz-$KVER
}

# A kernel given by path: booted as it is. Modules are looked for where a
# kernel tree or an installed system keeps them; without them 9p and overlay
# must be built in.
prepare_custom_kernel() {
	local img=$1 d key
	[ -f "$img" ] && [ -r "$img" ] || die "--kernel $img: no such readable file"
	img=$(realpath "$img")
	KIMAGE=$img
	KVER=$(kernel_release "$img")
	MODDIR=""
	if [ -n "$KVER" ]; then
		# A kernel tree's boot/ beside lib/, this script's own cache
		# (k/KVER/vmlinux beside k/KVER/root/lib), the running system.
		for d in "$(dirname "$img")/../lib/modules/$KVER" "$(dirname "$img")/root/lib/modules/$KVER" \
			"$(dirname "$img")/lib/modules/$KVER" "/lib/modules/$KVER"; do
			if [ -f "$d/modules.dep" ]; then
				MODDIR=$(realpath "$d")
				break
			fi
		done
	fi
	[ -n "$MODDIR" ] ||
		say "note: no modules found for ${KVER:-$img} (looked for lib/modules/${KVER:-?}/modules.dep); 9p, virtio-pci and overlay must be built in"
	# The initramfs for it is cached by image identity, like a Debian one.
	key=$(printf '%s\n' "$img" "$(stat -c '%s %Y' "$img")" "$MODDIR" | sha256sum | cut -c1-16)
	KDIR=$CACHE/custom/$key
	mkdir -p "$KDIR" || die "cannot create $KDIR"
}

# ---------------------------------------------------------------- initramfs

# Print the modules /init must insmod, in load order ("req PATH"/"opt PATH",
# paths relative to the module tree). Built-in modules are skipped; a
# dependency is always printed before what depends on it.
module_list() {
	local dep=$MODDIR/modules.dep builtin=$MODDIR/modules.builtin
	declare -A seen=()
	local out=()
	add_path() { # $1 = path as in modules.dep
		local p=$1 d
		[ -n "${seen[$p]:-}" ] && return
		seen[$p]=1
		for d in $(grep -m1 "^$p:" "$dep" | cut -d: -f2); do
			add_path "$d"
		done
		local base=${p##*/}
		base=${base%%.ko*}
		out+=("$need $p${BOOT_MODULE_ARGS[$base]:+ ${BOOT_MODULE_ARGS[$base]}}")
	}
	local need name p
	for need in req opt; do
		local names=$BOOT_MODULES_REQ
		[ $need = opt ] && names=$BOOT_MODULES_OPT
		for name in $names; do
			# Names in modules.dep use the file name, which may spell
			# '-' where the module name has '_' (or the reverse).
			local re=${name//[-_]/[-_]}
			grep -qE "(^|/)$re\.ko\$" "$builtin" 2>/dev/null && continue
			p=$(grep -oE "^([^:]*/)?$re\.ko:" "$dep" | head -1)
			p=${p%:}
			if [ -z "$p" ]; then
				[ $need = req ] && say "warning: module $name is neither built in nor in $MODDIR"
				continue
			fi
			add_path "$p"
		done
	done
	printf '%s\n' "${out[@]}"
}

# (Re)build the initramfs when its inputs changed: /init, the module list,
# the busybox binary. Uncompressed: the kernel copies it faster than it could
# decompress a few saved megabytes under TCG.
prepare_initramfs() {
	INITRD=$KDIR/initramfs.cpio
	local mods="" key st
	# The module tree of a cached kernel never changes, so its load order
	# is worked out once (it takes a second of grep) and kept beside it.
	if [ -n "$MODDIR" ]; then
		local want="$BOOT_MODULES_REQ / $BOOT_MODULES_OPT / ${BOOT_MODULE_ARGS[*]}"
		if [ -f "$KDIR/boot-modules" ] && [ "$(head -1 "$KDIR/boot-modules")" = "$want" ]; then
			mods=$(tail -n +2 "$KDIR/boot-modules")
		else
			mods=$(module_list)
			printf '%s\n%s\n' "$want" "$mods" >"$KDIR/boot-modules"
		fi
	fi
	key=$( {
		echo "format $CACHE_FORMAT"
		cat "$INIT_SCRIPT"
		echo "$mods"
		sha256sum </bin/busybox
	} | sha256sum | cut -c1-64)
	[ -f "$INITRD" ] && [ "$(cat "$KDIR/initramfs.key" 2>/dev/null)" = "$key" ] && return 0

	st=$(mktemp -d "$KDIR/initramfs.XXXXXX") || die "cannot create a staging directory"
	mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,host,ovl,newroot,vmtest,etc/vmtest,lib/modules/"$KVER"}
	cp /bin/busybox "$st/bin/busybox"
	# One symlink per applet, at the path busybox itself names.
	local a
	for a in $(/bin/busybox --list-full); do
		[ -e "$st/$a" ] || ln -s /bin/busybox "$st/$a"
	done
	install -m 0755 "$INIT_SCRIPT" "$st/init"
	# The kernel's modprobe helper: a wrapper, because pointing the kernel
	# at busybox directly failed silently once (see vmtest-notes), and so
	# that modprobe's complaints stay off the console.
	printf '#!/bin/sh\nexec /bin/busybox modprobe "$@" </dev/null >/dev/null 2>&1\n' >"$st/sbin/vmtest-modprobe"
	chmod 0755 "$st/sbin/vmtest-modprobe"
	if [ -n "$mods" ]; then
		printf '%s\n' "$mods" >"$st/etc/vmtest/modules"
		local need p args
		while read -r need p args; do
			mkdir -p "$st/lib/modules/$KVER/$(dirname "$p")"
			case $p in
			*.xz) xz -dc "$MODDIR/$p" >"$st/lib/modules/$KVER/${p%.xz}" ;;
			*.zst) zstd -qdc "$MODDIR/$p" >"$st/lib/modules/$KVER/${p%.zst}" ;;
			*) cp "$MODDIR/$p" "$st/lib/modules/$KVER/$p" ;;
			esac || die "cannot copy module $p"
		done <<<"$mods"
		# Compressed names are stored decompressed; the list must agree.
		sed -i 's/\.ko\.\(xz\|zst\)\( \|$\)/.ko\2/' "$st/etc/vmtest/modules"
	fi
	(cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet >"$INITRD.tmp") ||
		die "cpio failed"
	mv "$INITRD.tmp" "$INITRD"
	echo "$key" >"$KDIR/initramfs.key"
	rm -rf "$st"
}

# ---------------------------------------------------------------- preparation

ensure_packages
mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE"
CACHE=$(realpath "$CACHE")
# Several runs (make vmtest in two checkouts, two engineers) may share the
# cache: preparing it is serialised; booting is not.
exec 9>"$CACHE/.lock"
flock 9 || die "cannot lock $CACHE/.lock"
case $KERNEL in
*/*) prepare_custom_kernel "$KERNEL" ;;
[0-9]*) prepare_debian_kernel "$KERNEL" ;;
*) if [ -f "$KERNEL" ]; then prepare_custom_kernel "$KERNEL"; else say "bad --kernel $KERNEL"; usage; fi ;;
esac
prepare_initramfs
exec 9>&-

# ---------------------------------------------------------------- the run

RUN=$(mktemp -d "${TMPDIR:-/tmp}/vmtest.XXXXXX") || die "cannot create a run directory"
QPID="" TPID=""
cleanup() {
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null
	[ -n "$TPID" ] && kill "$TPID" 2>/dev/null
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

CWD=$(pwd -P)
HOSTTMP=0
case $CWD/ in /tmp/*) HOSTTMP=1 ;; esac
{
	echo "VMTEST_CWD=$(shquote "$CWD")"
	echo "VMTEST_MODDIR=$(shquote "$MODDIR")"
	echo "VMTEST_HOSTTMP=$HOSTTMP"
} >"$RUN/config"

# The script the host's /bin/sh runs in the guest. The environment is built
# from scratch (the host's would name things that are not there: DISPLAY,
# SSH_AUTH_SOCK, ...) but for what tests are configured with.
{
	echo "# written by tools/vmtest/vmtest.sh"
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo "export HOME=/root TERM=dumb EBPFC_VMTEST=1"
	[ -n "${LANG:-}" ] && echo "export LANG=$(shquote "$LANG")"
	for name in $(compgen -e); do
		case $name in
		EBPFC_VMTEST_*) ;;
		EBPFC_* | CMOCKA_* | CI) echo "export $name=$(shquote "${!name}")" ;;
		esac
	done
	echo "cd $(shquote "$CWD") || exit 125"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(shquote "$a")"; done
	printf '\n'
} >"$RUN/cmd.sh"
: >"$RUN/out"

ACCEL=tcg
[ -r /dev/kvm ] && [ -w /dev/kvm ] && ACCEL=kvm
APPEND="console=ttyS0 panic=-1 rdinit=/init"
[ $VERBOSE = 1 ] || APPEND="$APPEND quiet"
APPEND="$APPEND ${EBPFC_VMTEST_APPEND:-}"

# -nodefaults: no NIC, no VGA, no floppy to probe; the serial console goes to
# a file (kernel messages, RC=) that is shown when something went wrong.
# -no-reboot + panic=-1: a guest panic ends qemu at once instead of looping.
# The host root is exported read-only; multidevs=remap keeps inode numbers
# unique across the host's mounts.
QEMU=(qemu-system-x86_64 -accel "$ACCEL" -cpu max -smp "$SMP" -m "$MEM"
	-nodefaults -no-user-config -display none -no-reboot
	-serial "file:$RUN/console.log"
	-kernel "$KIMAGE" -initrd "$INITRD" -append "$APPEND"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$RUN,mount_tag=vmtest,security_model=none")

T0=$(now_us)
# timeout(1) puts qemu in its own process group, so a Ctrl-C here does not
# reach it: the EXIT trap kills it through QPID.
timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null >"$RUN/qemu.log" 2>&1 &
QPID=$!

# Wait for /init to report the boot (or for qemu to end early).
while [ ! -s "$RUN/booted" ] && kill -0 "$QPID" 2>/dev/null; do
	sleep 0.05
done
if [ -s "$RUN/booted" ]; then
	read -r GVER GUP <"$RUN/booted"
	say "Linux $GVER booted in $(secs "$T0" "$(now_us)") s (guest uptime ${GUP} s, $ACCEL)"
	# Stream the command's output while it runs; tail ends (within 0.1 s)
	# once qemu has. In the background with a wait, because bash runs no
	# trap (SIGTERM from make or CI) until a foreground child returns.
	tail -c +1 -s 0.1 -f --pid="$QPID" "$RUN/out" &
	TPID=$!
	wait "$TPID"
	TPID=""
fi
wait "$QPID"
QRC=$?
QPID=""
T1=$(now_us)

show_console() {
	[ -s "$RUN/qemu.log" ] && { say "qemu said:"; sed 's/^/  /' "$RUN/qemu.log" >&2; }
	if [ -s "$RUN/console.log" ]; then
		say "last lines of the guest console:"
		tr -d '\r' <"$RUN/console.log" | tail -n "${1:-40}" | sed 's/^/  /' >&2
	fi
}

[ $VERBOSE = 1 ] && [ -s "$RUN/console.log" ] &&
	{ say "guest console:"; tr -d '\r' <"$RUN/console.log" | sed 's/^/  /' >&2; }

if [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
	show_console 20
	EXIT_CODE=124 die "timed out after $TIMEOUT s ($([ -s "$RUN/booted" ] && echo "the command was still running" || echo "the guest never finished booting")); raise --timeout"
fi

RC=""
[ -s "$RUN/rc" ] && RC=$(tr -dc '0-9' <"$RUN/rc")
# The console line is the fallback channel for the status.
[ -z "$RC" ] && RC=$(tr -d '\r' <"$RUN/console.log" 2>/dev/null | sed -n 's/^RC=\([0-9][0-9]*\)$/\1/p' | tail -1)

if [ -z "$RC" ]; then
	if [ -s "$RUN/init-error" ]; then
		say "the guest could not run the command: $(cat "$RUN/init-error")"
	elif grep -q '^vmtest-init: error: ' "$RUN/console.log" 2>/dev/null; then
		# Failed before the run directory was mounted: only the console knows.
		say "the guest could not run the command: $(tr -d '\r' <"$RUN/console.log" |
			sed -n 's/^vmtest-init: error: //p' | head -1)"
	elif grep -q 'Kernel panic' "$RUN/console.log" 2>/dev/null; then
		say "the guest kernel panicked: $(tr -d '\r' <"$RUN/console.log" | grep -m1 'Kernel panic')"
	elif [ "$QRC" != 0 ]; then
		say "qemu failed (exit status $QRC)"
	else
		say "the guest powered off without reporting an exit status"
	fi
	show_console 40
	exit 125
fi

# A kernel oops while the command ran kills only the task that hit it; the
# command may not notice, so the host says so.
if grep -qE 'Oops|BUG:|general protection fault|Call Trace' "$RUN/console.log" 2>/dev/null && [ $VERBOSE = 0 ]; then
	say "warning: the guest kernel logged an oops or a BUG"
	show_console 60
fi
say "command exited with status $RC ($(secs "$T0" "$T1") s in the VM)"
exit "$RC"
