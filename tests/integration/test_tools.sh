#!/usr/bin/env bash
# test_tools.sh - nearwire-ingest and nearwire-tail where a newcomer met traps. Files get ids
# from their paths: the index.html of two sites were one article (the file name was the id;
# the second was answered as a replay of the first, silently); an id sent twice in one run
# is reported. nearwire-tail on a topic that does not exist fails and lists the topics there
# are (it printed nothing and exited 0; asking for a topic by name could create it); its
# letters are kcat's where the meaning is the same (-f and -e meant other things).
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-tools.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
cleanup() {
    nw_stop "$T/pids/broker.pid" 5
    rm -rf "$T"
}
trap cleanup EXIT
nw_start_broker "$T" 2 || die "broker starts"
B=$(cat "$T/bootstrap")

mkdir -p "$T/siteA" "$T/siteB"
echo '<html><body><p>Site A story.</p></body></html>' >"$T/siteA/index.html"
echo '<html><body><p>Site B story.</p></body></html>' >"$T/siteB/index.html"
ingest=$(realpath "$NW_BIN/nearwire-ingest")
(cd "$T" && "$ingest" -b "$B" siteA/ ./siteB) 2>"$T/ingest.err"
check "ingest of two sites succeeds" eq "$?" 0
"$NW_BIN/nearwire-tail" -b "$B" -t news.raw -o beginning -c 2 -T 10 -J >"$T/raw.jsonl"
check "each index.html is its own article, keyed by its path" \
    eq "$(jq -r .key "$T/raw.jsonl" | sort | tr '\n' ' ')" "siteA/index siteB/index "
check "the id in the document is the key" \
    jqtrue -s 'map(.value | if type == "string" then fromjson else . end | .id) | sort == ["siteA/index", "siteB/index"]' "$T/raw.jsonl"
check "no repeated ids reported" grep -q 'repeated_ids=0' "$T/ingest.err"

printf '%s\n' '{"id":"r1","body":"one"}' '{"id":"r2","body":"two"}' '{"id":"r1","body":"one again"}' |
    "$NW_BIN/nearwire-ingest" -b "$B" - 2>"$T/repeat.err"
check "an id sent twice in one run is reported with its line" \
    grep -q 'stdin:3: id "r1" was sent before in this run' "$T/repeat.err"
check "and counted in the summary" grep -q 'sent=3 .*repeated_ids=1' "$T/repeat.err"

"$NW_BIN/nearwire-tail" -b "$B" -t news.raw -o beginning -e -T 10 >"$T/all.jsonl"
check "kcat's -e: exit 0 at the end of every partition, all 5 read" \
    eq "$? $(wc -l <"$T/all.jsonl")" "0 5"

"$NW_BIN/nearwire-tail" -b "$B" -t news.enrich -n 1 --timeout 3 >"$T/tail.out" 2>"$T/tail.err"
check "nearwire-tail fails on a topic that does not exist (it printed nothing and exited 0)" ne "$?" 0
check "and lists the topics there are" \
    grep -q 'topic news.enrich does not exist; the cluster has:.*news.enriched' "$T/tail.err"
"$NW_BIN/nearwire-tail" -b "$B" -t news.enrich -n 1 --timeout 3 >/dev/null 2>&1
check "asking did not create it" ne "$?" 0
finish
