#!/usr/bin/env bash
# test_bad_input.sh - every message of tests/data/bad is rejected with the reason its name
# gives, without crashing the stage; and all of them in one stream do not stop it: a good
# document after them still comes out.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
T=$(mktemp -d /tmp/nearwire-bad.XXXXXX)
trap 'rm -rf "$T"' EXIT
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
# hostile sizes, with memory and time watched: pages that took clean past 8 GB (gumbo's work
# grows with the square of the nesting) and JSON that crashed every stage; each refused as
# too_complex from a linear pre-scan, then a good document still comes out of the same stream
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
def msg(i, body, **kw):
    return json.dumps(dict(id="hostile-%d" % i, body=body, **kw))
with open(t + "/hostile.jsonl", "w") as f:
    f.write(msg(1, "<html><body>" + "<div>" * 50000 + "x</body></html>", content_type="text/html") + "\n")
    f.write(msg(2, "<html><body>" + "<b>x " * 100000 + "</body></html>", content_type="text/html") + "\n")
    f.write('{"id":"hostile-3","body":"x","meta":' + "[" * 300000 + "]" * 300000 + "}\n")
    f.write('{"id":"hostile-4","body":"x","meta":' + "[" * 300000 + "\n")
PY
echo "$good" >>"$T/hostile.jsonl"
/usr/bin/time -f '%M %e' -o "$T/hostile.time" \
    "$NW_BIN/nearwire-clean" --pipe <"$T/hostile.jsonl" >"$T/hostile.out" 2>"$T/hostile.err"
read -r rss_kb secs < <(tail -1 "$T/hostile.time") # (a first line says the exit status 1)
echo "     4 hostile messages (250-600 KB): peak RSS $((rss_kb / 1024)) MB, ${secs} s"
check "hostile nesting (HTML and JSON) is refused as too_complex" \
    eq "$(grep -c ': too_complex: ' "$T/hostile.err")" 4
check "the document after them comes out" eq "$(jq -r .id "$T/hostile.out")" "good-after-bad"
check "peak memory stays under 200 MB (it was over 8 GB)" test "$rss_kb" -lt 204800
finish
