#!/bin/sh
# tests/cli/run.sh - tests of the ebpfc command line (build/ebpfc) on the
# BPF objects in build/bpf: inspect in both output forms, load with and
# without program selection, failures reported with the verifier's words,
# pinning, bad files and usage errors, the JSON writer's escaping, and
# core-check against the running kernel's BTF, a vmlinux ELF and (when the
# vmtest cache has it) Debian's 6.1 kernel.
#
# Usage: tests/cli/run.sh            (from anywhere; BUILD=dir for another build)
# Needs: build/ebpfc and build/bpf/*.bpf.o (make tools bpf), python3 to
# check JSON, clang for the verifier fixture, root for the kernel part.
# Parts that cannot run say so on a "skip" line; they are not counted.
# The last line is "cli: N passed, N failed"; the exit status is 1 if any
# check failed.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
EBPFC=$BUILD/ebpfc
BPF=$BUILD/bpf
CC=${CC:-cc}
CLANG=${CLANG:-clang}

PASSED=0
FAILED=0
T=$(mktemp -d "${TMPDIR:-/tmp}/ebpfc-cli.XXXXXX") || exit 1
PIN_DIR=/sys/fs/bpf/ebpfc-cli-test-$$

cleanup() {
	rm -rf "$T"
	[ -d "$PIN_DIR" ] && rm -rf "$PIN_DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() {
	PASSED=$((PASSED + 1))
	echo "ok    $1"
}

# fail NAME: counts a failure and shows what the last command printed.
fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL  $1 (exit status $RC)"
	for f in out err; do
		[ -s "$T/$f" ] && { echo "      std$f:"; head -n 30 "$T/$f" | sed 's/^/      | /'; }
	done
	return 0
}

skip() {
	echo "skip  $1"
}

# run CMD...: stdout in $T/out, stderr in $T/err, status in RC.
run() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# check NAME EXPECTED_STATUS CMD...
check() {
	name=$1 want=$2
	shift 2
	run "$@"
	if [ "$RC" = "$want" ]; then pass "$name"; else fail "$name"; fi
}

have_python() {
	command -v python3 >/dev/null 2>&1
}

# json_ok NAME: $T/out is one valid JSON document (python3 -m json.tool).
json_ok() {
	if ! have_python; then
		skip "$1: no python3 to validate JSON"
		return 1
	fi
	if python3 -m json.tool "$T/out" >/dev/null 2>"$T/err"; then
		pass "$1"
	else
		fail "$1"
		return 1
	fi
}

# json_expect NAME EXPR: a Python expression over d (the document in
# $T/out), P (programs by name) and M (maps by name) must be true.
json_expect() {
	have_python || { skip "$1: no python3"; return 0; }
	if python3 - "$T/out" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
P = {p["name"]: p for p in d.get("programs", [])}
M = {m["name"]: m for m in d.get("maps", [])}
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
	then pass "$1"; else echo "      expected: $2"; fail "$1"; fi
}

# grep_in NAME FILE REGEX
grep_in() {
	if grep -q -- "$3" "$T/$2"; then pass "$1"; else echo "      no /$3/ in std$2"; fail "$1"; fi
}

# ---- preconditions ------------------------------------------------------------------

if [ ! -x "$EBPFC" ]; then
	echo "cli: $EBPFC is missing; run 'make tools bpf' first"
	echo "cli: 0 passed, 1 failed"
	exit 1
fi
set -- "$BPF"/*.bpf.o
if [ ! -e "$1" ]; then
	echo "cli: no BPF objects in $BPF; run 'make bpf' first"
	echo "cli: 0 passed, 1 failed"
	exit 1
fi
XDP=$BPF/xdp_counter.bpf.o
SMOKE=$BPF/headers_smoke.bpf.o

# ---- version, help, usage errors --------------------------------------------------------

check "--version exits 0" 0 "$EBPFC" --version
grep_in "--version names the version" out '^ebpfc [0-9][0-9.]* (library [0-9]'
check "help exits 0" 0 "$EBPFC" help
grep_in "help lists inspect" out 'inspect'
grep_in "help lists load" out 'load'
check "help load exits 0" 0 "$EBPFC" help load
grep_in "help load describes --pin" out '--pin DIR'
check "load --help exits 0" 0 "$EBPFC" load --help

check "no arguments: usage, exit 2" 2 "$EBPFC"
grep_in "no arguments: usage on stderr" err '^usage: ebpfc'
check "unknown command: exit 2" 2 "$EBPFC" frobnicate
grep_in "unknown command: named" err "unknown command 'frobnicate'"
check "help of an unknown command: exit 2" 2 "$EBPFC" help frobnicate
check "inspect without FILE: exit 2" 2 "$EBPFC" inspect
grep_in "inspect without FILE: usage" err 'usage: ebpfc inspect FILE'
check "inspect with two files: exit 2" 2 "$EBPFC" inspect "$XDP" "$XDP"
check "inspect --bogus: exit 2" 2 "$EBPFC" inspect --bogus "$XDP"
grep_in "inspect --bogus: named" err "unknown option '--bogus'"
check "load without FILE: exit 2" 2 "$EBPFC" load
check "load --log-level without value: exit 2" 2 "$EBPFC" load "$XDP" --log-level
check "load --log-level 9: exit 2" 2 "$EBPFC" load "$XDP" --log-level 9
check "load --log-level abc: exit 2" 2 "$EBPFC" load "$XDP" --log-level abc
check "load --prog with --no-prog: exit 2" 2 "$EBPFC" load "$XDP" --prog a --no-prog b
check "load --prog of an unknown program: exit 2" 2 "$EBPFC" load "$XDP" --prog no_such_prog
grep_in "unknown program: names it and lists the real ones" err "no_such_prog.*xdp_count"
check "load --no-prog of an unknown program: exit 2" 2 "$EBPFC" load "$XDP" --no-prog nope

# ---- bad files ----------------------------------------------------------------------------

printf 'this is not an ELF file\n' >"$T/not_elf.o"
check "inspect of a non-ELF file: exit 1" 1 "$EBPFC" inspect "$T/not_elf.o"
grep_in "inspect of a non-ELF file: says so" err 'not an ELF file'
check "inspect --json of a non-ELF file: exit 1" 1 "$EBPFC" inspect --json "$T/not_elf.o"
if [ -s "$T/out" ]; then fail "non-ELF file: nothing on stdout"; else pass "non-ELF file: nothing on stdout"; fi
check "load of a non-ELF file: exit 1" 1 "$EBPFC" load "$T/not_elf.o"
grep_in "load of a non-ELF file: says so" err 'not an ELF file'
: >"$T/empty.o"
check "inspect of an empty file: exit 1" 1 "$EBPFC" inspect "$T/empty.o"
check "inspect of a missing file: exit 1" 1 "$EBPFC" inspect "$T/does-not-exist.o"
grep_in "missing file: says why" err 'ENOENT'

# ---- inspect, every object ------------------------------------------------------------------

for obj in "$BPF"/*.bpf.o; do
	n=$(basename "$obj")
	check "inspect $n: exit 0" 0 "$EBPFC" inspect "$obj"
	grep_in "inspect $n: program table" out '^  NAME  *SECTION  *TYPE  *ATTACH  *INSNS  *AUTOLOAD'
	check "inspect --json $n: exit 0" 0 "$EBPFC" inspect --json "$obj"
	json_ok "inspect --json $n: valid JSON" &&
		json_expect "inspect --json $n: documented keys" \
			'set(d) == {"object","file","license","kversion","btf","programs","maps","globals"} and all(set(p) == {"name","section","type","attach_type","insns","autoload"} for p in d["programs"]) and all(set(m) == {"name","type","key_size","value_size","max_entries","flags","pin_path"} for m in d["maps"]) and all(set(g) == {"section","name","offset","size","type","static"} for g in d["globals"])'
done

run "$EBPFC" inspect "$XDP"
grep_in "inspect xdp_counter: xdp_count row" out '^  xdp_count  *xdp  *xdp  *xdp  *[0-9][0-9]*  *yes$'
grep_in "inspect xdp_counter: counts map row" out '^  counts  *percpu_array  *4  *16  *256 '
grep_in "inspect xdp_counter: non_ip global" out '^  \.bss  *non_ip  *0  *8  *__u64$'
grep_in "inspect xdp_counter: pass_action global" out '^  \.rodata  *pass_action  *0  *4  *const volatile __u32$'
run "$EBPFC" inspect --json "$XDP"
json_expect "inspect --json xdp_counter: program" \
	'P["xdp_count"]["type"] == "xdp" and P["xdp_count"]["attach_type"] == "xdp" and P["xdp_count"]["section"] == "xdp" and P["xdp_count"]["autoload"] is True and P["xdp_count"]["insns"] > 0'
json_expect "inspect --json xdp_counter: maps" \
	'M["counts"]["type"] == "percpu_array" and M["counts"]["max_entries"] == 256 and M["counts"]["value_size"] == 16 and ".bss" in M and ".rodata" in M'
json_expect "inspect --json xdp_counter: globals" \
	'{(g["section"], g["name"], g["offset"], g["size"]) for g in d["globals"]} == {(".bss","non_ip",0,8), (".rodata","pass_action",0,4)} and d["license"] == "Dual BSD/GPL" and d["btf"] is True'
if [ -e "$SMOKE" ]; then
	run "$EBPFC" inspect --json "$SMOKE"
	json_expect "inspect --json headers_smoke: globals at their symbol offsets" \
		'{(g["name"], g["offset"]) for g in d["globals"] if not g["static"]} == {("smoke_bss_counter",0), ("smoke_data_value",0), ("smoke_min_len",0), ("smoke_kver_min",8)}'
fi

# ---- the JSON writer ------------------------------------------------------------------------

if "$CC" -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$ROOT/tools/ebpfc" \
	-o "$T/json_escape" "$ROOT/tests/cli/json_escape.c" "$ROOT/tools/ebpfc/json.c" 2>"$T/err"; then
	run "$T/json_escape"
	json_ok "JSON writer: hostile strings give valid JSON" &&
		json_expect "JSON writer: escapes and U+FFFD replacement" \
			'd["cases"] == ["plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", "\x01\x1f\x7f", "caf\u00e9 \u20ac \U0001F600", "lone \ufffd continuation", "overlong \ufffd\ufffd slash", "surrogate \ufffd\ufffd\ufffd half", "past max \ufffd\ufffd\ufffd\ufffd point", "bad lead \ufffd\ufffd", "truncated \ufffd\ufffd", "truncated at end \ufffd", "nul\x00inside"] and d["empty_obj"] == {} and d["empty_arr"] == [] and d["null"] is None and d["true"] is True and d["neg"] == -2**63 and d["big"] == 2**64 - 1'
	grep_in "JSON writer: control bytes as \\u00XX" out '\\u0001\\u001f\\u007f'
else
	RC=$?
	fail "JSON writer: fixture builds"
fi

# ---- core-check (no kernel needed; the running kernel's BTF, other kernels' BTF) ------------

CC_OBJ=$BPF/test_core_check.bpf.o
check "help lists core-check" 0 "$EBPFC" help
grep_in "help lists core-check: row" out '^  core-check'
check "core-check --help exits 0" 0 "$EBPFC" core-check --help
grep_in "core-check --help describes --btf" out '--btf PATH'
check "core-check without FILE: exit 2" 2 "$EBPFC" core-check
grep_in "core-check without FILE: usage" err 'usage: ebpfc core-check FILE'
check "core-check --bogus: exit 2" 2 "$EBPFC" core-check --bogus "$XDP"
check "core-check --btf without a value: exit 2" 2 "$EBPFC" core-check "$XDP" --btf
check "core-check of a missing file: exit 1" 1 "$EBPFC" core-check "$T/does-not-exist.o"
check "core-check --btf of a file that is not BTF: exit 1" 1 "$EBPFC" core-check "$XDP" --btf "$T/not_elf.o"
grep_in "core-check --btf of a non-BTF file: says why" err 'not_elf.o.*magic'
check "core-check --btf of an ELF file without .BTF: exit 1" 1 "$EBPFC" core-check "$XDP" --btf "$EBPFC"
grep_in "core-check --btf without .BTF: says why" err 'without a .BTF section'

if [ ! -e "$CC_OBJ" ]; then
	RC=1
	fail "core-check fixture $CC_OBJ exists (make bpf)"
elif [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "core-check against the running kernel: no /sys/kernel/btf/vmlinux"
else
	check "core-check xdp_counter (no CO-RE): exit 0" 0 "$EBPFC" core-check "$XDP"
	grep_in "core-check xdp_counter: no relocations" out '^  xdp_count: ok (no CO-RE relocations)$'

	# One field no kernel has, read behind bpf_core_field_exists(): exit 1, reported missing.
	check "core-check fixture: exit 1 (one relocation unresolved)" 1 "$EBPFC" core-check "$CC_OBJ"
	grep_in "core-check: target named" out '^target /sys/kernel/btf/vmlinux (running kernel '
	grep_in "core-check: resolved row" out '^  cc_one  *2  *byte_off  *task_struct___cc\.pid  *0 -> [1-9][0-9]*$'
	grep_in "core-check: field_exists row" out '^  cc_two  *[0-9]*  *field_exists  *task_struct___gone\.no_such_field_in_any_kernel  *1 -> 0$'
	grep_in "core-check: missing row with its reason" out "^  cc_two  *[0-9]*  *byte_off  *task_struct___gone\.no_such_field_in_any_kernel  *MISSING: field 'task_struct___gone\.no_such_field_in_any_kernel' not found in kernel BTF .*no member 'no_such_field_in_any_kernel'"
	grep_in "core-check: program ok" out '^  cc_one: ok (3 relocations)$'
	grep_in "core-check: program unresolved" out '^  cc_two: 1 relocation unresolved (the program fails if it reaches it)$'
	grep_in "core-check: summary" out '^7 relocations: 6 resolved, 1 unresolved, 0 failed$'

	check "core-check --json fixture: exit 1" 1 "$EBPFC" core-check --json "$CC_OBJ"
	cp "$T/out" "$T/cc_running.json"
	json_ok "core-check --json: valid JSON" &&
		json_expect "core-check --json: documented keys" \
			'set(d) == {"object","file","btf","programs","summary"} and all(set(p) == {"name","section","type","status","resolved","missing","errors","relocations"} for p in d["programs"]) and all(set(r) == {"function","section","relocation","insn","kind","access","status","local","target","candidates","reason"} for p in d["programs"] for r in p["relocations"]) and set(d["summary"]) == {"programs","relocations","resolved","missing","errors"}' &&
		json_expect "core-check --json: results" \
			'd["btf"] == "/sys/kernel/btf/vmlinux" and P["cc_one"]["status"] == "ok" and P["cc_two"]["status"] == "unresolved" and d["summary"] == {"programs":2,"relocations":7,"resolved":6,"missing":1,"errors":0} and [(r["status"], r["local"], r["target"] is None, "no member" in r["reason"]) for r in P["cc_two"]["relocations"] if r["kind"] == "byte_off" and "gone" in r["access"]] == [("missing", 0, True, True)] and all(r["target"] > 0 and r["reason"] is None for r in P["cc_one"]["relocations"])' &&
		json_expect "core-check --json: the shared subprogram reported for each program" \
			'sorted((p["name"], r["access"]) for p in d["programs"] for r in p["relocations"] if r["function"] == "parent_tgid" and r["section"] == ".text") == [("cc_one","task_struct___cc.real_parent"),("cc_one","task_struct___cc.tgid"),("cc_two","task_struct___cc.real_parent"),("cc_two","task_struct___cc.tgid")]'

	# The object's own .BTF, read out of the ELF object: every access matches itself.
	check "core-check --btf the object itself: exit 0" 0 "$EBPFC" core-check --json "$CC_OBJ" --btf "$CC_OBJ"
	json_expect "core-check --btf the object itself: local == target" \
		'd["summary"]["resolved"] == 7 and all(r["local"] == r["target"] for p in d["programs"] for r in p["relocations"])'

	# A vmlinux-like executable: /sys/kernel/btf/vmlinux as the .BTF section of an ELF file.
	OBJCOPY=$(command -v objcopy || command -v llvm-objcopy)
	if [ -z "$OBJCOPY" ]; then
		skip "core-check --btf of an ELF executable: no objcopy"
	elif ! "$OBJCOPY" --add-section .BTF=/sys/kernel/btf/vmlinux "$EBPFC" "$T/fake-vmlinux" 2>"$T/err"; then
		RC=1
		fail "core-check: objcopy builds an executable with .BTF"
	else
		check "core-check --btf ELF executable with .BTF: exit 1" 1 "$EBPFC" core-check --json "$CC_OBJ" --btf "$T/fake-vmlinux"
		python3 - "$T/out" "$T/cc_running.json" <<'EOF' >/dev/null 2>&1
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
strip = lambda d: [[(r["insn"], r["status"], r["local"], r["target"]) for r in p["relocations"]] for p in d["programs"]]
sys.exit(0 if strip(a) == strip(b) and a["btf"].endswith("fake-vmlinux") else 1)
EOF
		if [ $? = 0 ]; then pass "core-check: a vmlinux ELF gives what its raw BTF gives"; else fail "core-check: a vmlinux ELF gives what its raw BTF gives"; fi
	fi
fi

# Another kernel: Debian's 6.1 vmlinux from the vmtest cache, when it is there.
VMT_CACHE=${EBPFC_VMTEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ebpfc-vmtest}
V61=$(ls -d "$VMT_CACHE"/k/6.1.*/vmlinux 2>/dev/null | tail -n 1)
if [ -z "$V61" ]; then
	skip "core-check against 6.1: no 6.1 vmlinux under $VMT_CACHE/k (run 'make vmtest' once)"
elif [ -e "$CC_OBJ" ]; then
	check "core-check --btf 6.1 vmlinux: exit 1 (the missing field)" 1 "$EBPFC" core-check --json "$CC_OBJ" --btf "$V61"
	json_expect "core-check --btf 6.1 vmlinux: resolved against 6.1" \
		"d['btf'] == '$V61' and d['summary']['resolved'] == 6 and d['summary']['missing'] == 1 and all(r['status'] == 'resolved' and r['target'] > 0 for r in P['cc_one']['relocations']) and '$V61' in [r for r in P['cc_two']['relocations'] if r['status'] == 'missing'][0]['reason']"
	check "core-check --btf 6.1 vmlinux (human): exit 1" 1 "$EBPFC" core-check "$CC_OBJ" --btf "$V61"
	grep_in "core-check --btf 6.1 vmlinux: target line" out "^target $V61\$"
fi

# load --max-entries / --value-size: usage errors need no kernel.
check "load --max-entries without =N: exit 2" 2 "$EBPFC" load "$XDP" --max-entries counts
check "load --max-entries counts=abc: exit 2" 2 "$EBPFC" load "$XDP" --max-entries counts=abc
check "load --value-size counts=-1: exit 2" 2 "$EBPFC" load "$XDP" --value-size counts=-1
check "load --max-entries of an unknown map: exit 2" 2 "$EBPFC" load "$XDP" --max-entries nosuch=4
grep_in "load --max-entries of an unknown map: lists the maps" err "no such map .*counts"

# ---- load (needs the kernel) -----------------------------------------------------------------

if [ "$(id -u)" != 0 ]; then
	skip "load tests: not root (bpf() needs CAP_BPF and CAP_PERFMON or root)"
	echo "cli: $PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit
fi

check "load xdp_counter: exit 0" 0 "$EBPFC" load "$XDP"
grep_in "load xdp_counter: loaded with an id" out '^  xdp_count  *xdp  *xdp  *loaded  *[0-9][0-9]*$'
grep_in "load xdp_counter: maps have ids" out '^  counts  *percpu_array  *4  *16  *256  *0x0  *[0-9][0-9]*$'
check "load --json xdp_counter: exit 0" 0 "$EBPFC" load --json "$XDP"
json_ok "load --json xdp_counter: valid JSON" &&
	json_expect "load --json xdp_counter: loaded, id, documented keys" \
		'P["xdp_count"]["status"] == "loaded" and isinstance(P["xdp_count"]["id"], int) and P["xdp_count"]["id"] > 0 and P["xdp_count"]["error"] is None and d["error"] is None and d["summary"] == {"loaded":1,"not_loaded":0,"failed":0} and set(d) == {"object","file","license","error","programs","maps","summary"} and set(P["xdp_count"]) == {"name","section","type","status","id","reason","error","log_tail","log_lines","log_truncated","pinned","pin_error"} and all(isinstance(m["id"], int) and isinstance(m["flags"], int) for m in d["maps"])'

check "load --no-prog xdp_count: exit 0" 0 "$EBPFC" load "$XDP" --no-prog xdp_count
grep_in "load --no-prog: not loaded" out '^  xdp_count  *xdp  *xdp  *not loaded  *-$'
grep_in "load --no-prog: says why" out 'xdp_count: not loaded: excluded (--no-prog)'
check "load --json --no-prog xdp_count: exit 0" 0 "$EBPFC" load --json "$XDP" --no-prog xdp_count
json_expect "load --json --no-prog: not_loaded with a reason" \
	'P["xdp_count"]["status"] == "not_loaded" and P["xdp_count"]["id"] is None and "--no-prog" in P["xdp_count"]["reason"]'
check "load --prog xdp_count: exit 0" 0 "$EBPFC" load --json "$XDP" --prog xdp_count
json_expect "load --prog xdp_count: loaded" 'P["xdp_count"]["status"] == "loaded"'
check "load --log-level 4: exit 0" 0 "$EBPFC" load --json "$XDP" --log-level 4
json_expect "load --log-level 4: statistics in the log tail" \
	'"processed" in P["xdp_count"]["log_tail"] and P["xdp_count"]["log_lines"] >= 1'

if [ -e "$SMOKE" ]; then
	run "$EBPFC" load --json "$SMOKE"
	cp "$T/out" "$T/smoke.json"
	json_ok "load --json headers_smoke: valid JSON" &&
		json_expect "load headers_smoke: exit 1 exactly when a program failed (status $RC)" \
			"(d['summary']['failed'] > 0 or d['error'] is not None) == ($RC == 1) and $RC in (0, 1)" &&
		json_expect "load headers_smoke: every failure has a message" \
			'all(p["error"] for p in d["programs"] if p["status"] == "failed") and all(p["status"] in ("loaded","failed") for p in d["programs"])'
	run "$EBPFC" load "$SMOKE"
	if [ "$RC" = 1 ]; then
		grep_in "load headers_smoke: failure shown with its message" out '^  [a-z_]*: failed: .*[a-z]'
	else
		skip "load headers_smoke: every program loaded, no failure to report"
	fi
fi

# A fixture the verifier rejects, for the verifier's words in the report.
ARCH=$(uname -m)
TARGET_ARCH=$(echo "$ARCH" | sed 's/x86_64/x86/; s/aarch64/arm64/')
if ! command -v "$CLANG" >/dev/null 2>&1; then
	skip "verifier fixture: no clang"
elif ! "$CLANG" -O2 -g -target bpf -Wall -Werror -Wno-unused-parameter -I"$ROOT/bpf/include" \
	-I"/usr/include/$ARCH-linux-gnu" -D__TARGET_ARCH_"$TARGET_ARCH" \
	-c "$ROOT/tests/cli/verifier_reject.bpf.c" -o "$T/verifier_reject.bpf.o" 2>"$T/err"; then
	RC=1
	fail "verifier fixture builds"
else
	check "load of a rejected program: exit 1" 1 "$EBPFC" load --json "$T/verifier_reject.bpf.o"
	json_expect "load of a rejected program: one loaded, one failed with the log" \
		'P["cli_accepted"]["status"] == "loaded" and P["cli_rejected"]["status"] == "failed" and "verifier" in P["cli_rejected"]["error"] and "outside of the packet" in P["cli_rejected"]["log_tail"] and 0 < P["cli_rejected"]["log_tail"].count("\n") + 1 <= 20 and d["summary"] == {"loaded":1,"not_loaded":0,"failed":1}'
	check "load of a rejected program (human): exit 1" 1 "$EBPFC" load "$T/verifier_reject.bpf.o"
	grep_in "load (human): failure message" out "cli_rejected: failed: .*verifier"
	grep_in "load (human): verifier log tail" out '^    verifier log (last [0-9]* of [0-9]* lines'
	grep_in "load (human): the verifier's reason" out '^      | .*outside of the packet'
	check "load --no-prog of the rejected one: exit 0" 0 "$EBPFC" load "$T/verifier_reject.bpf.o" --no-prog cli_rejected
	check "load --prog of the rejected one: exit 1" 1 "$EBPFC" load "$T/verifier_reject.bpf.o" --prog cli_rejected
fi

# ---- pinning ----------------------------------------------------------------------------------

if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	skip "pin tests: /sys/fs/bpf is not a mounted bpffs"
else
	check "load --pin: exit 0" 0 "$EBPFC" load --json "$XDP" --pin "$PIN_DIR/sub"
	json_expect "load --pin: pinned paths reported" \
		"P['xdp_count']['pinned'] == '$PIN_DIR/sub/xdp_count' and M['.rodata']['pinned'] == '$PIN_DIR/sub/_rodata' and all(m['pin_error'] is None for m in d['maps'])"
	missing=
	for f in xdp_count counts _bss _rodata; do [ -e "$PIN_DIR/sub/$f" ] || missing="$missing $f"; done
	if [ -z "$missing" ]; then pass "load --pin: pins exist"; else echo "      missing:$missing"; fail "load --pin: pins exist"; fi
	check "load --pin again: exit 1 (already pinned)" 1 "$EBPFC" load "$XDP" --pin "$PIN_DIR/sub"
	grep_in "load --pin again: says what is in the way" out 'pin failed: .*EEXIST'
fi
check "load --pin outside bpffs: exit 1" 1 "$EBPFC" load "$XDP" --pin "$T/nopin/sub"
grep_in "load --pin outside bpffs: says why" err 'not on a BPF file system'
if [ -e "$T/nopin" ]; then fail "load --pin outside bpffs: creates nothing"; else pass "load --pin outside bpffs: creates nothing"; fi

# load with map sizes set before load (what a tool's user space does).
check "load --max-entries counts=128: exit 0" 0 "$EBPFC" load --json "$XDP" --max-entries counts=128
json_expect "load --max-entries: the map has 128 entries" 'M["counts"]["max_entries"] == 128 and isinstance(M["counts"]["id"], int)'
check "load --max-entries .bss=2: exit 1 (data maps have one entry)" 1 "$EBPFC" load "$XDP" --max-entries .bss=2
grep_in "load --max-entries .bss=2: says why" err 'exactly one entry'

echo "cli: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
