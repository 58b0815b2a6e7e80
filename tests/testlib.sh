# testlib.sh - assertions shared by the shell tests: each check prints "ok   - NAME" or
# "FAIL - NAME", counts into passed/failed, and finish prints the closing line tests/run.sh
# reads. Source it after scripts/lib.sh.
passed=0
failed=0

check() { # check NAME COMMAND...: passes when COMMAND succeeds
    local name=$1
    shift
    if "$@"; then
        echo "ok   - $name"
        passed=$((passed + 1))
    else
        echo "FAIL - $name"
        failed=$((failed + 1))
    fi
}

eq() { [ "$1" = "$2" ] || { echo "     expected '$2', got '$1'" >&2; return 1; }; }
jqtrue() { jq -e "$@" >/dev/null; } # jqtrue FILTER FILE...: the filter holds (quietly)
ne() { [ "$1" != "$2" ] || { echo "     expected something other than '$2'" >&2; return 1; }; }

die() { # a setup step failed: count it (so logs are kept) and stop
    echo "FAIL - $1"
    failed=$((failed + 1))
    log_excerpt
    exit 1
}

finish() {
    [ "$failed" -eq 0 ] || log_excerpt
    echo "integration: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# log_excerpt: after a failure, the first sanitizer reports and error events in the run's logs
# ($T/logs), so a CI log's tail (tests/run.sh repeats these lines) says what broke and where
log_excerpt() {
    [ -n "${T:-}" ] && [ -d "$T/logs" ] || return 0
    { # a sanitizer's report with the top of its stack, then the first error events
        grep -HE -A5 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T"/logs/*.log | head -12
        grep -HE 'level=(error|fatal)' "$T"/logs/*.log | head -5
        local f # and which of the run's processes are gone (some a test stopped on purpose)
        for f in "$T"/pids/*.pid; do
            kill -0 "$(cat "$f")" 2>/dev/null || echo "$T/logs/$(basename "$f" .pid).log:process not running"
        done
    } 2>/dev/null | cut -c1-240 | grep -v "^--$" | sed -E "s|^$T/logs/([^/]*\.log)[:-]|     log \1: |"
}
