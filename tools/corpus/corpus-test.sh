#!/bin/sh
# tools/corpus/corpus-test.sh - load real-world CO-RE objects with ebpfc.
#
# Debian's libbpf-tools package ships ~50 tools whose binaries embed their
# BPF object (a libbpf skeleton keeps the ELF bytes in the binary). This
# script installs the package if it is missing (apt-get, as root), cuts the
# objects out of the binaries into $BUILD/corpus/NAME.bpf.o, loads each
# whole object with `ebpfc load --json` (isolate mode: every program the
# kernel accepts is loaded), and prints per object how many programs
# loaded, and for every program that did not, why, in one of four
# categories:
#   kernel refused the type   EPERM from the kernel (fentry/fexit/LSM on hosts
#                             that forbid them)
#   attach target missing     the function named in the section is not in
#                             the kernel's BTF
#   CO-RE field missing       the program reaches a relocation the kernel's
#                             BTF cannot satisfy (the access path is shown)
#   other                     anything else (a loader bug, until shown otherwise)
#
# Maps that a tool sizes from user space before loading (max_entries 0,
# a stack trace map's value_size 0) are given the tool's defaults with
# --max-entries/--value-size: 10240 entries for hash maps, stack traces of
# 127 frames (value_size 1016) in 1024 entries. Perf event arrays need
# nothing: the library gives them one slot per possible CPU.
#
# Usage: tools/corpus/corpus-test.sh      (BUILD=dir for another build;
#        CORPUS_MIN=N to change the pass mark, 171 by default)
# Needs: root (bpf(), apt-get), python3, $BUILD/ebpfc (make tools).
# Exit status: 0 when at least CORPUS_MIN programs loaded, 1 otherwise.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
EBPFC=$BUILD/ebpfc
OUT=$BUILD/corpus
MIN=${CORPUS_MIN:-171}

die() {
	echo "corpus-test: $*" >&2
	exit 1
}

[ -x "$EBPFC" ] || die "$EBPFC is missing; run 'make tools' first"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to cut objects out and read JSON"
[ "$(id -u)" = 0 ] || die "loading needs root (bpf() with CAP_BPF, CAP_PERFMON and more)"

if ! dpkg-query -W -f='${Status}' libbpf-tools 2>/dev/null | grep -q 'install ok installed'; then
	echo "corpus-test: installing libbpf-tools"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q libbpf-tools >/dev/null ||
		{ apt-get update -q >/dev/null && apt-get install -y -q libbpf-tools >/dev/null; } ||
		die "cannot install libbpf-tools with apt-get"
fi

mkdir -p "$OUT" || die "cannot create $OUT"
rm -f "$OUT"/*.bpf.o "$OUT"/*.json

# ---- cut the BPF objects out of the tools' binaries -------------------------------------

dpkg -L libbpf-tools | python3 -c '
import os, struct, sys

EM_BPF = 247
out = sys.argv[1]
bins = sorted({os.path.realpath(p) for p in sys.stdin.read().split()
               if p.startswith("/usr/sbin/") and os.path.isfile(p)})
total = 0
for b in bins:
    data = open(b, "rb").read()
    name = os.path.basename(b)
    found = []
    i = data.find(b"\x7fELF")
    while i >= 0:
        ok = i + 64 <= len(data) and data[i + 4] == 2 and data[i + 5] == 1
        if ok:
            e_machine, = struct.unpack_from("<H", data, i + 18)
            ok = e_machine == EM_BPF
        if ok:
            e_shoff, = struct.unpack_from("<Q", data, i + 40)
            e_shentsize, e_shnum = struct.unpack_from("<HH", data, i + 58)
            end = e_shoff + e_shnum * e_shentsize
            # The section header table is usually last, but take the end of
            # the last section too in case it is not.
            for s in range(e_shnum):
                sh = i + e_shoff + s * e_shentsize
                if sh + 64 > len(data):
                    break
                sh_type, = struct.unpack_from("<I", data, sh + 4)
                sh_off, sh_size = struct.unpack_from("<QQ", data, sh + 24)
                if sh_type != 8:  # SHT_NOBITS has no bytes in the file
                    end = max(end, sh_off + sh_size)
            if i + end <= len(data):
                found.append(data[i:i + end])
                i = data.find(b"\x7fELF", i + end)
                continue
        i = data.find(b"\x7fELF", i + 1)
    for n, obj in enumerate(found):
        fn = "%s%s.bpf.o" % (name, "" if n == 0 else "-%d" % n)
        with open(os.path.join(out, fn), "wb") as f:
            f.write(obj)
    total += len(found)
print("corpus-test: %d BPF objects from %d binaries of libbpf-tools in %s" % (total, len(bins), out))
' "$OUT" || die "extracting the objects failed"

set -- "$OUT"/*.bpf.o
[ -e "$1" ] || die "no BPF object found in the libbpf-tools binaries"

# ---- load each --------------------------------------------------------------------------

for obj in "$@"; do
	base=${obj%.bpf.o}
	"$EBPFC" inspect --json "$obj" >"$base.inspect.json" 2>"$base.inspect.err"
	# Map sizes the tool would set from user space, as --max-entries/--value-size.
	opts=$(python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
o = []
for m in d["maps"]:
    if m["type"] == "stack_trace":
        if m["value_size"] == 0:
            o.append("--value-size=%s=1016" % m["name"])
        if m["max_entries"] == 0:
            o.append("--max-entries=%s=1024" % m["name"])
    elif m["max_entries"] == 0 and m["type"] in ("hash", "lru_hash", "percpu_hash",
                                                 "lru_percpu_hash", "array", "percpu_array"):
        o.append("--max-entries=%s=10240" % m["name"])
print(" ".join(o))
' "$base.inspect.json")
	echo "$opts" >"$base.opts"
	# shellcheck disable=SC2086 # $opts is a list of options without spaces
	"$EBPFC" load --json "$obj" $opts >"$base.load.json" 2>"$base.load.err"
done

# ---- report -----------------------------------------------------------------------------

python3 - "$OUT" "$MIN" <<'EOF'
import glob, json, os, re, sys

out, minimum = sys.argv[1], int(sys.argv[2])
CATS = ["kernel refused the type", "attach target missing from kernel BTF",
        "CO-RE field missing", "other"]

def category(err):
    if "(EPERM)" in err and "refused" in err:
        return CATS[0], "EPERM"
    m = re.search(r"no func '([^']*)' in the kernel's BTF", err)
    if m:
        return CATS[1], m.group(1)
    if "CO-RE relocation" in err and "could not be resolved" in err:
        m = re.search(r"could not be resolved: .*?(field|type|enum value) '([^']*)' not found", err)
        return CATS[2], (m.group(1) + " " + m.group(2)) if m else "?"
    return CATS[3], err

rows, notes = [], []
tot = {"loaded": 0, "not_loaded": 0, "failed": 0, "programs": 0}
per_cat = {c: 0 for c in CATS}
objs_all_loaded = objs_some = 0
for path in sorted(glob.glob(os.path.join(out, "*.bpf.o"))):
    name = os.path.basename(path)[:-len(".bpf.o")]
    base = path[:-len(".bpf.o")]
    opts = open(base + ".opts").read().strip()
    try:
        d = json.load(open(base + ".load.json"))
    except Exception:
        err = open(base + ".load.err").read().strip().replace("\n", " ")
        rows.append((name, "-", "-", "-", "-", opts))
        notes.append((name, "(object)", CATS[3], err or "no JSON from ebpfc load"))
        per_cat[CATS[3]] += 1
        continue
    s = d["summary"]
    n = len(d["programs"])
    rows.append((name, str(n), str(s["loaded"]), str(s["not_loaded"]), str(s["failed"]), opts))
    for k in ("loaded", "not_loaded", "failed"):
        tot[k] += s[k]
    tot["programs"] += n
    objs_all_loaded += s["loaded"] == n
    objs_some += s["loaded"] > 0
    if d["error"]:
        notes.append((name, "(object)", CATS[3], d["error"]))
    for p in d["programs"]:
        if p["status"] == "loaded":
            continue
        if p["status"] == "not_loaded":
            cat, why = CATS[3], "not asked to load: " + (p["reason"] or "")
        else:
            cat, why = category(p["error"] or "")
        per_cat[cat] += 1
        notes.append((name, p["name"] + " (" + p["section"] + ")", cat, why))

hdr = ("OBJECT", "PROGS", "LOADED", "NOT_LOADED", "FAILED", "CONFIGURED")
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
fmt = "  ".join("%%-%ds" % x for x in w)
print()
print((fmt % hdr).rstrip())
for r in rows:
    print((fmt % r).rstrip())
print()
if notes:
    print("programs not loaded:")
    for cat in CATS:
        sel = [n for n in notes if n[2] == cat]
        if not sel:
            continue
        print("  %s (%d):" % (cat, len(sel)))
        for obj, prog, _, why in sel:
            print("    %s: %s: %s" % (obj, prog, why))
    print()
print("by reason: " + ", ".join("%s %d" % (c, per_cat[c]) for c in CATS))
print("corpus-test: %d of %d programs loaded from %d objects (%d loaded in full, %d with at "
      "least one program); %d failed, %d not asked" % (tot["loaded"], tot["programs"], len(rows),
      objs_all_loaded, objs_some, tot["failed"], tot["not_loaded"]))
if tot["loaded"] < minimum:
    print("corpus-test: FAIL: fewer than %d programs loaded" % minimum)
    sys.exit(1)
print("corpus-test: PASS (at least %d)" % minimum)
EOF
