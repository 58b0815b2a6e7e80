#!/usr/bin/env bash
# test_kill9.sh - nothing is lost when stages die: 10k Reuters articles stream through the
# pipeline while each stage in turn is killed with SIGKILL and restarted. Asserts that the ids
# on news.enriched plus news.dlq are exactly the ids ingested, and that a document delivered
# more than once carries the same decision each time (the store answers replays).
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-faults.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
cleanup() {
    local c
    for c in "${NW_STAGES[@]}" broker redis; do nw_stop "$T/pids/$c.pid" 5; done
    if [ "$failed" -gt 0 ]; then echo "logs kept in $T/logs" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

N=${NW_FAULT_DOCS:-10000}
nw_start_redis_any "$T" || die "redis-server starts"
port=$NW_REDIS_PORT
nw_start_broker "$T" 16 || die "nearwire-broker starts"
BOOT=$(cat "$T/bootstrap")
# a dead member's partitions move on after its session times out: keep that short here
FAST=(--set kafka.session.timeout.ms=6000 --set kafka.heartbeat.interval.ms=500)
start() {
    nw_start_stage "$T" "$1" "$BOOT" "redis://127.0.0.1:$port" "${FAST[@]}"
    nw_wait_for 30 "$1 listens" nw_logged_port "$T/logs/$1.log" || die "nearwire-$1 restarts"
}
for s in "${NW_STAGES[@]}"; do start "$s"; done
for s in "${NW_STAGES[@]}"; do
    p=$(nw_stage_port "$T" "$s") || die "nearwire-$s listens"
    nw_wait_for 60 "$s ready" nw_http_ok "http://127.0.0.1:$p/readyz" || die "nearwire-$s ready"
done

zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
    jq -c 'select(.text != "") | {id, source, title, body: .text}' | head -"$N" >"$T/in.jsonl"
# a few bad messages ride along: they must end up on the dead-letter topic
printf '%s\n' '{"id":"bad-1"' '{"id":"bad-2","body":""}' '{"body":"no id"}' >>"$T/in.jsonl"
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" --rate 2500 "$T/in.jsonl" &
feeder=$!
for s in "${NW_STAGES[@]}"; do
    sleep 0.8
    kill -KILL "$(cat "$T/pids/$s.pid")"
    start "$s"
done
wait $feeder || die "every document was accepted by the broker"

want=$((N + 3))
have() {
    local e d
    e=$("$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --timeout 4 |
        jq -r .id | sort -u | wc -l)
    d=$("$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq --from-beginning --timeout 4 --envelope |
        jq -r '.headers["nw.source.offset"] + ":" + .headers["nw.source.partition"] + ":" + .headers["nw.stage"]' |
        sort -u | wc -l)
    [ $((e + d)) -ge "$want" ]
}
nw_wait_for 180 "all $want documents to come out" have || true

"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --timeout 5 >"$T/out.jsonl"
"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq --from-beginning --timeout 5 --envelope >"$T/dlq.jsonl"
jq -r .id "$T/in.jsonl" 2>/dev/null | sort -u >"$T/want.ids" || true
grep -o '"id": *"[^"]*"' "$T/in.jsonl" | sed 's/.*"\([^"]*\)"$/\1/' | sort -u >"$T/want.ids"
jq -r .id "$T/out.jsonl" | sort -u >"$T/got.ids"
lost=$(comm -23 <(grep -v '^bad-' "$T/want.ids") "$T/got.ids" | wc -l)
copies=$(($(wc -l <"$T/out.jsonl") - $(wc -l <"$T/got.ids")))
differ=$(jq -c '[.id, .cluster]' "$T/out.jsonl" | sort -u | jq -r '.[0]' | uniq -d | wc -l)
reasons=$(jq -r '.headers["nw.reason"]' "$T/dlq.jsonl" | sort -u | tr '\n' ' ')
echo "     $N documents: lost $lost, delivered more than once $copies, decisions differing $differ"
check "no document lost through four SIGKILLs" eq "$lost" 0
check "re-delivered documents got identical decisions" eq "$differ" 0
check "the bad messages are dead-lettered with reasons" eq "$reasons" "empty_body invalid_json missing_id "
check "nothing unexpected on news.enriched" eq "$(comm -13 "$T/want.ids" "$T/got.ids" | wc -l)" 0

finish
