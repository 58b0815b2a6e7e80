#!/usr/bin/env bash
# run.sh [unit|integration|all] - runs the test suites (integration includes tests/faults), prints each one's output and a
# closing "N passed, M failed" line over all test cases; exits 1 if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
what=${1:-all}
passed=0
failed=0
broken=0
failures="" # each failed case, named, repeated at the end: CI shows only the log's tail

# run_suite CMD...: runs one suite, shows its output, adds its case counts (cmocka's
# "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" or our "integration: N passed, M failed").
run_suite() {
    local out rc counts named t0=$SECONDS
    out=$("$@" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    echo "-- $((SECONDS - t0)) s"
    counts=$(awk '
        /^\[  PASSED  \] [0-9]+ test/ { p += $4 }
        /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
        /^integration: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
        END { print p + 0, f + 0 }' <<<"$out")
    named=$(awk -v suite="${*: -1}" '
        /^FAIL - / || /^\[  FAILED  \] [^0-9]/ || /^     log / { printf "  %s: %s\n", suite, $0 }' <<<"$out")
    [ -z "$named" ] || failures+="$named"$'\n'
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
    if [ "$rc" -ne 0 ]; then
        broken=$((broken + 1))
        [ "${counts#* }" -gt 0 ] || { failed=$((failed + 1)); failures+="  ${*: -1}: exited $rc"$'\n'; } # a suite that died counts once
    fi
}

if [ "$what" = unit ] || [ "$what" = all ]; then
    for t in "$BUILD"/tests/test_*; do
        echo "== $t"
        run_suite "$t"
    done
fi
if [ "$what" = integration ] || [ "$what" = all ]; then
    for t in tests/integration/test_*.sh tests/faults/test_*.sh; do
        echo "== $t"
        run_suite bash "$t"
    done
fi
echo
[ -z "$failures" ] || printf 'failed:\n%s\n' "$failures"
echo "$passed passed, $failed failed"
[ "$broken" -eq 0 ]
