#!/usr/bin/env bash
# test_scaleout.sh - horizontal scaling: 20,000 documents go once through a pipeline of one
# instance per stage and once through two instances per stage sharing each consumer group,
# each run on its own broker and redis-server. The documents: 10,000 Reuters-21578 articles,
# then (once those are through) a resend of each under a new id, title and source. Asserts
# that in the scaled run every stage emitted every document exactly once (the groups are
# settled before the feed: no rebalance, no repeat), both instances of every stage took
# partitions, every copy is a duplicate of its article and in its story, and the final state
# (per id the highest revision: story and dup_of of all 20,000) is the single-instance run's:
# articles carry their publication times, so no decision depends on the order they meet in.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-scale.XXXXXX)
cleanup() {
    local d s p
    for d in "$T"/*/; do # stages first: they flush and commit to a broker still there
        for s in "${NW_STAGES[@]}"; do
            for p in "$d"pids/"$s"-*.pid; do [ -e "$p" ] && nw_stop "$p" 10; done
        done
        nw_stop_test_broker "${d%/}"
        nw_stop "${d}pids/redis.pid" 5
    done
    if [ "$failed" -gt 0 ] || [ -n "${NW_KEEP_LOGS:-}" ]; then
        echo "logs kept in $T/*/logs" >&2
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT

# A site's first 5 articles keep a line its later ones lose (clean.repeated_after), and which
# come first depends on the order they arrive in: 4 of these 20,000 decisions differed with it
# on (Reuters' "The following proposed securities offerings were filed..." heading linking
# filings into one story in one run and not in the other). This test checks that scaling out
# changes nothing else; `make eval` measures the order sensitivity. The same holds for common
# text (cluster.common_after): which articles a shingle's count has seen depends on arrival;
# and for common anchors (cluster.anchor_df_max, off here with 8 bands in their place): which
# 32 documents an anchor has when it names none depends on arrival too.
export NEARWIRE_CLEAN_REPEATED_AFTER=0 NEARWIRE_CLUSTER_COMMON_AFTER=0
export NEARWIRE_CLUSTER_ANCHOR_DF_MAX=0 NEARWIRE_CLUSTER_BANDS=8

# articles as the cleaner leaves them, of 20+ shingles (a table of figures cleans to nothing),
# whose words are nobody else's (Reuters-21578 resent some verbatim: a copy of one twin would
# tie between the two); then a resend of each under another id, title and source
zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
    jq -c 'select(.text != "") | {id, source, title, body: .text, published_at: (.published + "Z")}' |
    NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists "$NW_BIN/nearwire-clean" --pipe 2>/dev/null |
    "$NW_BIN/nearwire-fingerprint" --pipe 2>/dev/null |
    jq -c 'select(.fp.shingles >= 20) | {id, source, title, body: .text, published_at, sig: .fp.minhash}' |
    jq -s -c 'group_by(.sig) | map(select(length == 1) | .[0] | del(.sig))
              | sort_by(.id | ltrimstr("reuters21578-") | tonumber) | .[:10000][]' >"$T/articles.jsonl"
jq -c '{id: (.id + "-copy"), source: "Example Wire", title: ("Wire: " + .title), body, published_at}' \
    "$T/articles.jsonl" >"$T/copies.jsonl"
HALF=$(wc -l <"$T/articles.jsonl")
N=$((2 * HALF))

# run NAME INSTANCES: a fresh broker and redis-server, INSTANCES of each stage, the feed;
# leaves every topic's records in $T/NAME/<topic>.jsonl
originals() { # BOOT: distinct articles on news.enriched (revision records aside)
    "$NW_BIN/nearwire-tail" -b "$1" -t news.enriched --from-beginning --to-end --timeout 60 \
        2>/dev/null | jq -r 'select(.revised_by == null) | .id' | sort -u | wc -l
}

# Every bucket read whole (the default 256 reads part of a bucket that common shingles fill,
# and which part depends on what was stored first: 6 of these 20,000 decisions then differ)
export NEARWIRE_CLUSTER_BUCKET_LIMIT=1000

at_least() { [ "$(originals "$1")" -ge "$2" ]; }

run() {
    local d=$T/$1 k s boot redis
    mkdir -p "$d/pids" "$d/logs"
    nw_start_redis_any "$d" || die "redis-server starts"
    redis=redis://127.0.0.1:$NW_REDIS_PORT
    nw_start_test_broker "$d" 16 || die "the broker starts (${NW_TEST_BROKER:-mock})"
    boot=$(cat "$d/bootstrap")
    for s in "${NW_STAGES[@]}"; do
        for ((k = 1; k <= $2; k++)); do
            # the mock cluster's coordinator settles a group faster with short sessions
            NW_INSTANCE=-$k nw_start_stage "$d" "$s" "$boot" "$redis" \
                --set kafka.session.timeout.ms=6000 --set kafka.heartbeat.interval.ms=500
        done
    done
    for s in "${NW_STAGES[@]}"; do
        for ((k = 1; k <= $2; k++)); do
            nw_wait_for 30 "$s-$k listens" nw_logged_port "$d/logs/$s-$k.log" || die "$s-$k listens"
            local port
            port=$(nw_logged_port "$d/logs/$s-$k.log")
            nw_wait_for 60 "$s-$k ready" nw_http_ok "http://127.0.0.1:$port/readyz" || die "$s-$k ready"
        done
    done
    local part want=0
    for part in articles copies; do
        want=$((want + HALF))
        "$NW_BIN/nearwire-ingest" -q -b "$boot" "$T/$part.jsonl" 2>>"$d/logs/ingest.log" ||
            die "$1: ingest $part"
        nw_wait_for 240 "$1: $want documents enriched" at_least "$boot" "$want" ||
            echo "     $1: not every document came out within 240 s" >&2
    done
    for topic in news.clean news.fingerprinted news.clustered news.enriched; do
        "$NW_BIN/nearwire-tail" -b "$boot" -t "$topic" --from-beginning --to-end --timeout 120 \
            >"$d/$topic.jsonl"
    done
    for s in "${NW_STAGES[@]}"; do
        for ((k = 1; k <= $2; k++)); do nw_stop "$d/pids/$s-$k.pid" 15; done
    done
    nw_stop_test_broker "$d"
    nw_stop "$d/pids/redis.pid" 5
}

run single 1
run scaled 2

check "single: every document came out" eq "$(jq -r .id "$T/single/news.enriched.jsonl" | sort -u | wc -l)" "$N"
for topic in news.clean news.fingerprinted news.clustered news.enriched; do
    f=$T/scaled/$topic.jsonl
    # (revision records of news.clustered and news.enriched re-state a decision; not counted)
    once=$(jq -r 'select(.revised_by == null) | .id' "$f" | sort | uniq -c | awk '$1 == 1' | wc -l)
    check "scaled: every document on $topic exactly once" eq "$(jq -r 'select(.revised_by == null) | .id' "$f" | wc -l) $once" "$N $N"
done
worked() { # STAGE: both instances consumed something
    local k n
    for k in 1 2; do
        n=$(grep -c 'event=partitions_assigned' "$T/scaled/logs/$1-$k.log")
        [ "$n" -gt 0 ] || return 1
    done
}
for s in "${NW_STAGES[@]}"; do
    check "scaled: both $s instances took partitions" worked "$s"
done

# the final state: per id, the highest revision; with publication times it is the same
# whatever the instance count, partitioning and batching
for r in single scaled; do
    python3 "$NW_ROOT/tests/eval/final_state.py" "$T/$r/news.enriched.jsonl" |
        jq -r '[.id, .story_id, .relation, .dup_of // "-"] | @tsv' >"$T/$r.final"
done
differ=$(diff "$T/single.final" "$T/scaled.final" | grep -c '^>')
own=$(awk -F'\t' '$1 ~ /-copy$/ && $4 "-copy" == $1' "$T/scaled.final" | wc -l)
revisions=$(jq -r 'select(.revised_by) | .id' "$T/scaled/news.clustered.jsonl" | wc -l)
echo "     $HALF copies: $own name their own article; final decisions differing between 1 and 2" \
    "instances: $differ of $N; revision records: $revisions"
check "scaled: every copy is a duplicate" eq "$(awk -F'\t' '$1 ~ /-copy$/ && $3 != "duplicate"' "$T/scaled.final" | wc -l)" 0
check "scaled: every copy names its own article" eq "$own" "$HALF"
check "the final state (stories, dup_of) of 2 instances is the single instance's" eq "$differ" 0
apart=$(awk -F'\t' '{ story[$1] = $2 } END { for (id in story) if (id ~ /-copy$/) {
    a = substr(id, 1, length(id) - 5); if (story[a] != story[id]) n++ } print n + 0 }' "$T/scaled.final")
check "scaled: every copy is in its article's story" eq "$apart" 0
finish
