#!/bin/bash
# Runs every cmocka test binary in a directory, shows each one's output, and
# ends with one summary line: "tests: N passed, N failed, N skipped".
# Exits non-zero if any test failed or any binary crashed.
set -u
dir=${1:?usage: run-tests.sh DIR}
pass=0 fail=0 skip=0 bad=0
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
	if [ $rc -ne 0 ] && [ -z "$f" ]; then
		echo "run-tests: $(basename "$t") exited with status $rc" >&2
		bad=$((bad + 1)); fail=$((fail + 1))
	elif [ $rc -ne 0 ]; then
		bad=$((bad + 1))
	fi
done
echo
echo "tests: $pass passed, $fail failed, $skip skipped"
[ $bad -eq 0 ] && [ $fail -eq 0 ]
