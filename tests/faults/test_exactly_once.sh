#!/usr/bin/env bash
# test_exactly_once.sh - processing.guarantee = exactly_once on a real Apache Kafka broker:
# while Reuters articles stream through, each stage in turn is killed with SIGKILL mid-stream
# and started again under its static id (so its transactional id too), then the broker is
# SIGKILLed and started again on its data. Read committed, every
# topic holds each record once: one record per article on news.clean, news.fingerprinted,
# news.clustered and news.enriched (and each revision record once), one story update per
# enriched record on news.stories, each bad message once on news.dlq; nothing lost. Under
# at_least_once the same kills re-deliver a thousand records (NW_GUARANTEE=at_least_once
# runs this test that way, and it fails).
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

REDIS_ARGS=()
STAGE_ARGS=(--set "processing.guarantee=${NW_GUARANTEE:-exactly_once}"
    --set kafka.group.instance.id=eos-1)
INGEST_ARGS=()
FAULT_BROKER=kafka fault_setup
fault_start_all
fault_feed "${NW_FAULT_DOCS:-6000}" 1000
fault_kill_each 1
sleep 1
kill -KILL "$(cat "$T/pids/kafka.pid")"
sleep 3
"$NW_ROOT/scripts/kafka.sh" restart "$T" || die "Kafka restarts on its data"
fault_verdict "four stage SIGKILLs and a broker SIGKILL with exactly-once processing"
check "every stage is ready again" fault_all_ready 60

# every topic read committed (nearwire-tail's default isolation): how many records repeat one
# already there (same article, same revision record)
read_topic() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t "$1" --from-beginning --to-end --timeout 120
}
repeats() { sort | uniq -d | wc -l; }
for t in news.clean news.fingerprinted; do
    read_topic "$t" | jq -r .id >"$T/$t.ids"
    echo "     $t: $(wc -l <"$T/$t.ids") records, $(repeats <"$T/$t.ids") repeated"
    check "$t holds each article once" eq "$(repeats <"$T/$t.ids")" 0
    check "$t holds every article" eq "$(sort -u "$T/$t.ids" | wc -l)" "$N"
done
read_topic news.clustered | jq -c '[.id, .revised_by, .cluster.revision]' >"$T/clustered.keys"
jq -c '[.id, .revised_by, .cluster.revision]' "$T/out.jsonl" >"$T/enriched.keys"
for t in clustered enriched; do
    echo "     news.$t: $(wc -l <"$T/$t.keys") records ($(grep -vc ',null,' "$T/$t.keys") revisions), $(repeats <"$T/$t.keys") repeated"
    check "news.$t holds each article and each revision record once" eq "$(repeats <"$T/$t.keys")" 0
done
check "news.enriched holds what news.clustered does" eq \
    "$(sort "$T/enriched.keys" | md5sum)" "$(sort "$T/clustered.keys" | md5sum)"
check "news.stories holds one story update per enriched record" eq \
    "$(read_topic news.stories | wc -l)" "$(wc -l <"$T/enriched.keys")"
check "news.dlq holds each bad message once" eq "$(wc -l <"$T/dlq.jsonl")" 3
commits=0
for s in "${NW_STAGES[@]}"; do
    p=$(nw_stage_port "$T" "$s") &&
        commits=$((commits + $(curl -fsS "http://127.0.0.1:$p/metrics" |
            awk '/^nearwire_transactions_total\{result="committed"\}/ { n += $2 } END { print n + 0 }')))
done
echo "     transactions committed by the restarted stages: $commits"
check "the stages commit transactions" test "$commits" -gt 0
finish
