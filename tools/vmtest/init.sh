#!/bin/sh
# /init of the vmtest initramfs: runs as PID 1 under busybox sh inside the
# qemu guest that tools/vmtest/vmtest.sh boots.
#
# It loads the few modules that the boot needs (9p, overlay, veth, ...),
# mounts the host's root file system read-only over 9p with a tmpfs overlay on
# top, mounts the kernel file systems BPF work needs (bpffs, tracefs, debugfs,
# cgroup2) inside that tree, runs the command the host wrote into the shared
# run directory in a chroot, writes the exit status back, and powers off.
#
# It is not a general purpose init: no services, no network beyond lo, no
# login. The host side talks to it only through files in the run directory
# (9p tag "vmtest"): config and cmd.sh in; booted, out, rc, init-error out.
# Keep this file POSIX sh that busybox ash runs: the initramfs has no other
# shell, and vmtest.sh rebuilds the initramfs whenever this file changes.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

# 9p is slow with its default 8 KiB messages; 512000 is what measured fast.
P9OPTS=trans=virtio,version=9p2000.L,msize=512000

# devtmpfs is not auto-mounted (DEVTMPFS_MOUNT=n in Debian kernels) and the
# cpio has no /dev/console (building it needs no root that way), so mount
# /dev first and only then point our output at the serial console.
mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

KVER=$(uname -r)

# Any failure before the command runs ends here. The message goes both to the
# console and, once the run directory is mounted, to a file the host prints,
# so a broken boot reads as one clear line instead of a hang or a bare panic.
fail() {
	echo "vmtest-init: error: $*"
	[ -n "$RUN_MOUNTED" ] && echo "$*" >/vmtest/init-error
	sync
	poweroff -f
	# poweroff -f should not return; if it does, exiting PID 1 panics and
	# panic=-1 with qemu -no-reboot still ends the VM.
	exit 1
}

# Modules in load order, computed on the host from modules.dep: "req PATH
# [ARGS]" lines must load (9p and overlay, without which nothing works), "opt"
# lines are conveniences (veth, clsact, cls_bpf, ...) whose failure is only
# reported. A module that is built into the kernel is not listed at all.
if [ -f /etc/vmtest/modules ]; then
	while read -r need mod args; do
		[ -n "$mod" ] || continue
		# $args unquoted on purpose: one word per module parameter.
		if ! insmod "/lib/modules/$KVER/$mod" $args 2>/tmp/insmod.err; then
			# EEXIST: already there (e.g. pulled in by a device probe).
			grep -q 'File exists' /tmp/insmod.err && continue
			[ "$need" = req ] && fail "insmod $mod: $(cat /tmp/insmod.err)"
			echo "vmtest-init: warning: insmod $mod: $(cat /tmp/insmod.err)"
		fi
	done </etc/vmtest/modules
fi

# The run directory: read-write, no caching, so what the guest writes is on
# the host at once (the host streams "out" while the command runs).
mount -t 9p -o "$P9OPTS" vmtest /vmtest ||
	fail "cannot mount the run directory over 9p (kernel without 9p/virtio-pci?)"
RUN_MOUNTED=1
[ -f /vmtest/config ] || fail "no config in the run directory"
# Sets VMTEST_CWD, VMTEST_MODDIR, VMTEST_HOSTTMP (written by vmtest.sh).
. /vmtest/config

# The host root, read-only. On top of it a tmpfs overlay makes the tree
# writable for the guest (tests create files, ip netns writes /run) while the
# host never sees a write: everything the guest changes is thrown away.
# cache=loose keeps file pages and attributes in the guest's page cache, so
# libc and ld.so are not fetched over 9p again at every exec (measured: 20
# execs of a dynamic binary ~30% faster). It is safe because overlayfs
# already requires that its lower layer does not change while mounted.
mount -t 9p -o "$P9OPTS,ro,cache=loose" hostroot /host ||
	fail "cannot mount the host root over 9p"
mount -t tmpfs -o mode=0755 tmpfs /ovl || fail "cannot mount the overlay tmpfs"
mkdir -p /ovl/upper /ovl/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/ovl/upper,workdir=/ovl/work /newroot ||
	fail "cannot mount the overlay on the host root (overlay module missing?)"

# The kernel file systems go straight into the new root, where the command
# looks for them; PID 1 itself needs only /dev, /proc and /sys of its own.
R=/newroot
mount -t proc proc $R/proc || fail "cannot mount proc"
mount -t sysfs sysfs $R/sys || fail "cannot mount sysfs"
mount -t devtmpfs devtmpfs $R/dev || fail "cannot mount devtmpfs"
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts $R/dev/pts
ln -sf pts/ptmx $R/dev/ptmx 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t tmpfs -o mode=0755 tmpfs $R/run || fail "cannot mount tmpfs on /run"
# A fresh /tmp, unless the working directory lives under the host's /tmp
# (a clone in /tmp): hiding it would make the command start nowhere.
if [ "$VMTEST_HOSTTMP" != 1 ]; then
	mount -t tmpfs -o mode=1777 tmpfs $R/tmp || fail "cannot mount tmpfs on /tmp"
fi
mount -t bpf -o mode=0700 bpf $R/sys/fs/bpf || fail "cannot mount bpffs on /sys/fs/bpf"
mount -t tracefs tracefs $R/sys/kernel/tracing || fail "cannot mount tracefs"
mount -t debugfs debugfs $R/sys/kernel/debug || fail "cannot mount debugfs"
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup || fail "cannot mount cgroup2"

# Module autoloading (tc qdisc add ... clsact, ip link add type dummy, ...).
# The kernel runs its modprobe helper with PID 1's root, which is this
# initramfs: so the full module tree (unpacked on the host, shared over 9p)
# is bound here for busybox modprobe, and into the new root as well for
# anything there that looks at /lib/modules/$(uname -r). The helper is a
# wrapper script because pointing the kernel at busybox directly failed
# silently (busybox dispatches on argv[0]).
if [ -n "$VMTEST_MODDIR" ] && [ -f "/host$VMTEST_MODDIR/modules.dep" ]; then
	mkdir -p "/lib/modules/$KVER" "$R/lib/modules/$KVER"
	mount -o bind "/host$VMTEST_MODDIR" "/lib/modules/$KVER" &&
		mount -o bind "/host$VMTEST_MODDIR" "$R/lib/modules/$KVER" &&
		echo /sbin/vmtest-modprobe >/proc/sys/kernel/modprobe
fi

ip link set lo up
# BPF maps were charged to RLIMIT_MEMLOCK before 5.11; tests for old kernels
# must not fail on the default 8 MiB (8 KiB on some) limit.
ulimit -l unlimited

# The command script goes into the guest's own /run, where the host's shell
# in the chroot can read it; the host never sees the guest's /run.
mkdir -p $R/run/vmtest
cp /vmtest/cmd.sh $R/run/vmtest/cmd.sh || fail "cannot copy the command script"

# Tell the host we are up: it prints the kernel version and the boot time,
# then starts streaming "out". Written last so the timing covers the mounts.
read -r up _ </proc/uptime
echo "$KVER $up" >/vmtest/booted

# The host's /bin/sh runs the command, not busybox: busybox ash prefers its
# own ip/tc applets over PATH, and those lack veth peers and clsact.
# stdout and stderr go to one file in the run directory, not to the serial
# console, which manages only ~190 KB/s.
chroot $R /bin/sh /run/vmtest/cmd.sh </dev/null >/vmtest/out 2>&1
rc=$?

echo "$rc" >/vmtest/rc
# Also on the console: a second channel for the host if the file is lost.
echo "RC=$rc"
sync
poweroff -f
exit "$rc"
