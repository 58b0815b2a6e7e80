#!/usr/bin/env bash
# test_topic_recreate.sh - a topic deleted and created again under running stages, on Apache
# Kafka: never a silent stall. The input topic (news.raw) deleted: clean says so (an error
# event, /readyz 503 naming it) and consumes the topic again once it is created anew. A topic
# a stage writes (news.clean) deleted while it produces: the stage exits 1 naming the topic
# (its deliveries fail; offsets not committed), and does exit (librdkafka 2.0.2 hangs for
# ever closing a consumer whose topic was deleted: the stage exits after shutdown.timeout.ms);
# started again it waits for the topic, naming it, and carries on once it exists, like
# fingerprint, which reads it. Records that were in a deleted topic are gone with it.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

REDIS_ARGS=()
# topic metadata every 2 s (30 s by default): a deleted or created topic is seen sooner
STAGE_ARGS=(--set kafka.group.instance.id=recreate-1 --set kafka.topic.metadata.refresh.interval.ms=2000
    --set startup.timeout.ms=120000)
INGEST_ARGS=()
FAULT_BROKER=kafka fault_setup
fault_start_all
topics() { "$NW_BIN/nearwire-topics" -b "$BOOT" "$@" >>"$T/logs/topics.log" 2>&1; }
enriched_ids() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --to-end --timeout 60 |
        jq -r .id | sort -u
}
# have_all FILE: every id of FILE is on news.enriched
have_all() { [ -z "$(comm -23 <(jq -r .id "$1" | sort -u) <(enriched_ids))" ]; }
readyz() { curl -s "http://127.0.0.1:$(nw_stage_port "$T" "$1")/readyz"; }

zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
    jq -c 'select(.text != "") | {id, source, title, body: .text, published_at: (.published + "Z")}' |
    head -1600 >"$T/all.jsonl"
for part in a:1 b:401 c:801 d:1201; do
    sed -n "${part#*:},$((${part#*:} + 399))p" "$T/all.jsonl" >"$T/${part%:*}.jsonl"
done

# 1. the input topic
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/a.jsonl"
nw_wait_for 60 "the first 400 articles out" have_all "$T/a.jsonl"
topics --delete news.raw || die "news.raw deleted"
check "clean reports its input topic gone: an error event" \
    nw_wait_for 30 "input_topic_missing" grep -q 'level=error .*event=input_topic_missing topic=news.raw' "$T/logs/clean.log"
check "and /readyz 503 saying why" \
    nw_wait_for 10 "clean not ready" bash -c "curl -s 'http://127.0.0.1:$(nw_stage_port "$T" clean)/readyz' | grep -q 'input topic does not exist'"
topics "$NW_ROOT/deploy/compose/topics.txt" || die "news.raw created again"
check "clean is ready again once news.raw exists again" nw_wait_for 60 "clean ready" fault_ready clean
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/b.jsonl"
check "articles sent to the new news.raw all come out" \
    nw_wait_for 60 "the next 400 articles out" have_all "$T/b.jsonl"

# 2. a topic written (by clean) and read (by fingerprint), deleted mid-stream
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" --rate 200 "$T/c.jsonl" 2>"$T/logs/ingest.log" &
feeder=$!
sleep 1
topics --delete news.clean || die "news.clean deleted"
t0=$(date +%s)
check "clean stops with status 1 when a topic it writes is deleted, not stalls" \
    nw_wait_for 60 "clean to exit" bash -c "! kill -0 $(cat "$T/pids/clean.pid") 2>/dev/null"
echo "     clean exited $(($(date +%s) - t0)) s after news.clean was deleted"
check "and says which topic failed" grep -q 'level=error .*event=delivery_failed topic=news.clean' "$T/logs/clean.log"
check "fingerprint reports its input topic gone" \
    nw_wait_for 30 "input_topic_missing" grep -q 'event=input_topic_missing topic=news.clean' "$T/logs/fingerprint.log"
wait "$feeder" || die "every article of the third part accepted"
fault_start clean # as its supervisor would
check "clean started again waits for the missing topic, naming it" \
    nw_wait_for 30 "topics_missing" grep -q 'event=topics_missing .*missing=news.clean' "$T/logs/clean.log"
topics "$NW_ROOT/deploy/compose/topics.txt" || die "news.clean created again"
check "clean and fingerprint are ready again once news.clean exists" fault_all_ready 60
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/d.jsonl"
check "articles sent after that all come out" \
    nw_wait_for 60 "the last 400 articles out" have_all "$T/d.jsonl"
lost=$(comm -23 <(jq -r .id "$T/c.jsonl" | sort -u) <(enriched_ids) | wc -l)
echo "     of the 400 articles streaming when news.clean was deleted, $lost went with it"
check "no consumer error was taken for a message: news.dlq stays empty" eq \
    "$("$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq --from-beginning --to-end --timeout 60 | wc -l)" 0
t0=$(date +%s.%N)
for s in "${NW_STAGES[@]}"; do nw_stop "$T/pids/$s.pid" 60; done
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
check "every stage stops on SIGTERM, within shutdown.timeout.ms (10 s) each ($took s for four)" \
    test "$took" -le 45
finish
