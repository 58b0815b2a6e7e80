#!/usr/bin/env bash
# test_bad_input.sh - every message of tests/data/bad is rejected with the reason its name
# gives, without crashing the stage; and all of them in one stream do not stop it: a good
# document after them still comes out. Messages in a page's own charset (tests/data/charsets)
# are decoded instead. (Clean runs without Redis here: clean.repeated_after=0.)
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
T=$(mktemp -d /tmp/nearwire-bad.XXXXXX)
trap 'rm -rf "$T"' EXIT
clean() {
    NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists \
        "$NW_BIN/nearwire-clean" --pipe --set max.message.bytes=1500 --set clean.repeated_after=0 "$@"
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
# messages in a page's own charset are decoded, not dead-lettered (they were invalid_utf8):
# each comes out with the charset its name gives in clean.charset, and the declared pages'
# words come out right
charset_mismatch=0
for f in "$NW_ROOT"/tests/data/charsets/*.msg; do
    name=$(basename "$f" .msg)
    got=$({ cat "$f"; printf '\n'; } | clean 2>/dev/null | jq -r .clean.charset)
    want=${name%%--*}
    case $want in iso-8859-1) want=windows-1252 ;; shift_jis) want=CP932 ;; esac
    if [ "${got,,}" != "${want,,}" ]; then
        echo "     $name: decoded as '$got', expected $want" >&2
        charset_mismatch=$((charset_mismatch + 1))
    fi
done
check "$(ls "$NW_ROOT"/tests/data/charsets/*.msg | wc -l) messages in other charsets decoded from the right one" \
    eq "$charset_mismatch" 0
texts=$(for f in "$NW_ROOT"/tests/data/charsets/{iso-8859-1,koi8-r,shift_jis}--*.msg; do
    cat "$f"
    printf '\n'
done | clean 2>/dev/null | jq -r .text)
check "their text is right (latin-1 via <meta charset>, KOI8-R via content_type, Shift_JIS via http-equiv)" \
    eq "$(grep -c 'Le café du marché\|Москва сегодня\|東京で新しい駅' <<<"$texts")" 3
check "the crawler's UTF-8 title beside a KOI8-R body is left as it was" \
    eq "$(clean <"$NW_ROOT/tests/data/charsets/koi8-r--content-type.msg" 2>/dev/null | jq -r .title)" "Новости"

# the pre-scans must not refuse real pages: Reuters-21578 (its <Shell U.K. Ltd's> company marks
# once counted as hundreds of attributes), the article-extraction-benchmark's pages, and the
# dragnet and readability pages of ../shared/data when it is there (32 of those 1,511 were
# refused by a first attribute count)
zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
    jq -c 'select(.text != "") | {id, body: .text}' >"$T/real.jsonl"
python3 "$NW_ROOT/tests/eval/clean_benchmark.py" prepare \
    "$NW_ROOT/tests/data/article-extraction-benchmark" "$T/pages.jsonl"
cat "$T/pages.jsonl" >>"$T/real.jsonl"
shared=$NW_ROOT/../shared/data
for f in dragnet readability-test-pages; do
    if [ -f "$shared/$f/pages.jsonl.gz" ]; then
        zcat "$shared/$f/pages.jsonl.gz" |
            jq -c '{id: (.id | tostring), content_type: "text/html", body: .html}' >>"$T/real.jsonl"
    else
        echo "     ($f pages not checked: no ../shared/data)"
    fi
done
NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists "$NW_BIN/nearwire-clean" --pipe \
    --set clean.repeated_after=0 <"$T/real.jsonl" 2>"$T/real.err" | jq -r .id >"$T/real.ids"
check "all $(wc -l <"$T/real.jsonl") real articles and pages come out of clean" \
    eq "$(wc -l <"$T/real.ids") $(grep -c ': too_complex: ' "$T/real.err")" "$(wc -l <"$T/real.jsonl") 0"

# hostile sizes, with memory and time watched: every case of tests/hostile/make_hostile.py at
# 1 MB (pages that took clean past 8 GB or five minutes, JSON that crashed every stage, wide
# structures that are quadratic in yajl_tree or gumbo) in one stream; each ends as its
# expected dead letter or is processed, and a good document after them still comes out.
# (`make hostile` measures every stage on them at 3.5 MB.)
python3 "$NW_ROOT/tests/hostile/make_hostile.py" "$T/hostile.jsonl" --size 1000000
python3 "$NW_ROOT/tests/hostile/make_hostile.py" --list >"$T/hostile.expected"
echo "$good" >>"$T/hostile.jsonl"
/usr/bin/time -f '%M %e' -o "$T/hostile.time" \
    "$NW_BIN/nearwire-clean" --pipe --set clean.repeated_after=0 <"$T/hostile.jsonl" >"$T/hostile.out" 2>"$T/hostile.err"
read -r rss_kb secs < <(tail -1 "$T/hostile.time") # (a first line says the exit status 1)
echo "     $(wc -l <"$T/hostile.expected") hostile messages of 1 MB: peak RSS $((rss_kb / 1024)) MB, ${secs} s"
jq -r .id "$T/hostile.out" >"$T/hostile.ids"
mismatch=0
lineno=0
while read -r name expect; do
    lineno=$((lineno + 1))
    got=$(sed -n "s/^nearwire-clean: stdin:$lineno: \([a-z_]*\): .*/\1/p" "$T/hostile.err")
    [ -n "$got" ] || { grep -qx "hostile-$name" "$T/hostile.ids" && got=ok; }
    if [ "$got" != "$expect" ]; then
        echo "     $name: expected $expect, got '${got:-nothing}'" >&2
        mismatch=$((mismatch + 1))
    fi
done <"$T/hostile.expected"
check "each hostile case is refused with its reason or processed" eq "$mismatch" 0
check "the document after them comes out" grep -qx good-after-bad "$T/hostile.ids"
if ldd "$NW_BIN/nearwire-clean" | grep libasan >/dev/null; then # (grep -q would quit early: SIGPIPE fails the pipe under pipefail)
    echo "     (peak memory not checked under ASan: its quarantine holds freed memory)"
else
    check "peak memory for $(($(wc -c <"$T/hostile.jsonl") / 1000000)) MB of hostile input stays under 256 MB (it was over 8 GB)" \
        test "$rss_kb" -lt 262144
fi
finish
