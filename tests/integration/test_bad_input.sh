#!/usr/bin/env bash
# test_bad_input.sh - every message of tests/data/bad is rejected with the reason its name
# gives, without crashing the stage; and all of them in one stream do not stop it: a good
# document after them still comes out.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
clean() {
    NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists \
        "$NW_BIN/nearwire-clean" --pipe --set max.message.bytes=1500 "$@"
}
for f in "$NW_ROOT"/tests/data/bad/*.msg; do
    name=$(basename "$f" .msg)
    want=${name%%--*}
    err=$({ cat "$f"; printf '\n'; } | clean 2>&1 >/dev/null)
    rc=$?
    got=$(sed -n 's/^nearwire-clean: stdin:1: \([a-z0-9_]*\): .*/\1/p' <<<"$err")
    if [ "$rc" -eq 1 ] && [ "$got" = "$want" ]; then
        passed=$((passed + 1))
    else
        echo "FAIL - $name: exit $rc, reason '$got' (stderr: ${err:0:200})"
        failed=$((failed + 1))
    fi
done
echo "ok   - $passed bad inputs rejected with their reasons"
good='{"id":"good-after-bad","body":"A real paragraph of an article, long enough to keep. It ends here."}'
out=$({ for f in "$NW_ROOT"/tests/data/bad/*.msg; do cat "$f"; printf '\n'; done; echo "$good"; } |
    clean 2>/dev/null | jq -r .id)
if [ "$out" = "good-after-bad" ]; then
    echo "ok   - a good document after all of them still comes out"
    passed=$((passed + 1))
else
    echo "FAIL - the stream stopped: got '$out'"
    failed=$((failed + 1))
fi
finish
