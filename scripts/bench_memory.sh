#!/usr/bin/env bash
# bench_memory.sh [DOCS] - peak resident memory of every stage over a long run: DOCS
# (default 100,000) Reuters-21578 articles, the corpus sent again and again under new ids,
# through the four stages on the local broker and a redis-server. After each fifth of the run
# it prints each stage's RSS (process_resident_memory_bytes from /metrics) and Redis'
# used_memory; a stage whose memory is flat after warm-up holds nothing per document.
# (`make bench-memory`; also the last part of `make bench`.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DOCS=${1:-100000}
nw_run_dir memory

nw_reuters_docs "$T/reuters.jsonl"
per_round=$(wc -l <"$T/reuters.jsonl")
for ((r = 0; r * per_round < DOCS; r++)); do
    jq -c --arg r "$r" '.id += "-r" + $r' "$T/reuters.jsonl"
done >"$T/rounds.jsonl"
head -n "$DOCS" "$T/rounds.jsonl" >"$T/feed.jsonl"
nw_start_redis_any "$T"
nw_start_broker "$T" 8
BOOT=$(cat "$T/bootstrap")
nw_start_pipeline "$T" "$BOOT" "redis://127.0.0.1:$NW_REDIS_PORT"
enriched_at_least() { [ "$(nw_stage_metric enrich nearwire_messages_in_total)" -ge "$1" ]; }

printf '%-10s' docs
for s in "${NW_STAGES[@]}"; do printf '%16s' "$s MB"; done
printf '%16s\n' "redis MB"
step=$((DOCS / 5))
for fifth in 1 2 3 4 5; do
    sed -n "$(((fifth - 1) * step + 1)),$((fifth * step))p" "$T/feed.jsonl" >"$T/chunk.jsonl"
    "$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/chunk.jsonl"
    sent=$((fifth * step))
    # enrich takes cluster's records: every article, plus revision records
    nw_wait_for 600 "enrich reaches $sent" enriched_at_least "$sent"
    printf '%-10s' "$sent"
    for s in "${NW_STAGES[@]}"; do
        printf '%16.1f' "$(nw_stage_metric "$s" process_resident_memory_bytes | awk '{ print $1 / 1048576 }')"
    done
    printf '%16.1f\n' "$(redis-cli -p "$NW_REDIS_PORT" info memory |
        awk -F: '$1 == "used_memory" { print $2 / 1048576 }')"
done
