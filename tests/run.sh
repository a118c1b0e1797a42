#!/usr/bin/env bash
# Run every test: the cmocka binaries (unit, then BPF), then the scripts
# in tests/house/, tests/docs/, tests/package/, tests/metrics/, tests/e2e/ (the lab),
# tests/fleet/ (a throwaway PostgreSQL), tests/report/ and tests/golden/.
# Each binary or
# script is one test here; its own output says which case failed. A test
# that exits 77 was skipped: its one line says what this machine lacks
# (a kernel feature, tests/lib/kernel.sh).
# Ends with the line "N passed, N skipped, N failed" and exits non-zero
# on failure.
set -u
cd "$(dirname "$0")/.."
export TS_BIN="$PWD/build/xdp-telescope"
export TS_TOOLS="$PWD/build/tests/tools"
export TS_ARTEFACTS="$PWD/build/test-artefacts"
mkdir -p "$TS_ARTEFACTS"

pass=0 skip=0 fail=0 failed=() skipped=()
# run_one NAME CMD...: one test; a script's 77 is a skip (a cmocka binary's
# status is its count of failed cases, so it never skips: it says
# what the kernel lacks and fails, tests/lib/kfeature.h)
run_one() {
	local name=$1 rc; shift
	local start=$SECONDS
	echo "=== $name"
	"$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1)); echo "=== $name: ok ($((SECONDS - start)) s)"
	elif [ "$rc" -eq 77 ] && [ "$1" = bash ]; then
		skip=$((skip + 1)); skipped+=("$name"); echo "=== $name: skipped ($((SECONDS - start)) s)"
	else
		fail=$((fail + 1)); failed+=("$name"); echo "=== $name: FAILED ($((SECONDS - start)) s)"
	fi
}

filter=${TS_TEST_FILTER:-}
for t in build/tests/unit/test_* build/tests/bpf/test_*; do
	[ -x "$t" ] || continue
	# a binary left by a test file since renamed or split is not a test
	[ -f "tests/${t#build/tests/}.c" ] || continue
	[ -n "$filter" ] && [[ "$t" != *$filter* ]] && continue
	run_one "$t" "$t"
done
for t in tests/house/*.sh tests/docs/*.sh tests/package/*.sh tests/metrics/*.sh tests/e2e/*.sh tests/fleet/*.sh tests/report/*.sh tests/golden/*.sh; do
	[ -f "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *$filter* ]] && continue
	run_one "$t" bash "$t"
done

[ ${#skipped[@]} -gt 0 ] && printf 'skipped: %s\n' "${skipped[@]}"
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $skip skipped, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
