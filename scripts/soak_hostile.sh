#!/usr/bin/env bash
# soak_hostile.sh [MINUTES] - hostile and normal messages mixed, for minutes, through the whole
# pipeline (local broker, redis-server, the four stages): each round sends 200 Reuters articles
# and every case of tests/hostile/make_hostile.py at 1 MB, under fresh ids. Every 5 s each
# stage's RSS is sampled and its process checked alive. At the end every article and every
# hostile case that should pass must be on news.enriched, every other hostile case on news.dlq
# with its expected reason, no stage may have died, and RSS must not keep growing.
# `make soak-hostile` (SOAK_MINUTES, default 5).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
MINUTES=${1:-${SOAK_MINUTES:-5}}
T=$(mktemp -d /tmp/nearwire-soak.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
cleanup() {
    local c
    pkill -f "nearwire-tail -b $BOOT" 2>/dev/null || true
    for c in "${NW_STAGES[@]}" broker redis; do nw_stop "$T/pids/$c.pid" 10; done
    [ -n "${NW_KEEP_LOGS:-}" ] && echo "logs kept in $T/logs" >&2 || rm -rf "$T"
}
trap cleanup EXIT

zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
    jq -c 'select(.text != "") | .body = .text | del(.text)' >"$T/all.jsonl"
head -4000 "$T/all.jsonl" >"$T/reuters.jsonl"
python3 "$NW_ROOT/tests/hostile/make_hostile.py" "$T/hostile.jsonl" --size 1000000
python3 "$NW_ROOT/tests/hostile/make_hostile.py" --list >"$T/hostile.expected"

nw_start_redis_any "$T"
nw_start_broker "$T" 16
BOOT=$(cat "$T/bootstrap")
for s in "${NW_STAGES[@]}"; do
    nw_start_stage "$T" "$s" "$BOOT" "redis://127.0.0.1:$NW_REDIS_PORT" --set redis.prefix=soak:
done
for s in "${NW_STAGES[@]}"; do
    p=$(nw_stage_port "$T" "$s")
    nw_wait_for 60 "$s ready" nw_http_ok "http://127.0.0.1:$p/readyz"
done
# read the outputs as they come: reading them back at the end missed a third of them on the
# development broker once 1 MB messages had gone through it
cat >"$T/enriched.jq" <<'JQ'
select(.value.revised_by == null) | .key
JQ
cat >"$T/dlq.jq" <<'JQ'
(if (.key // "") != "" then .key
 elif (.value | type) == "object" then .value.id
 else (.value[0:300] | capture("\"id\": ?\"(?<id>[^\"]+)\"").id) end) as $id
| "\($id) \(.headers["nw.reason"])"
JQ
"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched -o beginning -T 0 -J 2>/dev/null |
    jq --unbuffered -r -f "$T/enriched.jq" >"$T/got.enriched.raw" &
"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq -o beginning -T 0 -J 2>/dev/null |
    jq --unbuffered -r -f "$T/dlq.jq" >"$T/got.dlq.raw" &
declare -A PID FIRST MAX LAST
for s in "${NW_STAGES[@]}"; do PID[$s]=$(cat "$T/pids/$s.pid"); MAX[$s]=0; done
rss_mb() { awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$1/status" 2>/dev/null || echo dead; }
sample() {
    local s r
    for s in "${NW_STAGES[@]}"; do
        r=$(rss_mb "${PID[$s]}")
        if [ "$r" = dead ]; then
            echo "FAIL: nearwire-$s died (see $T/logs/$s.log)" >&2
            NW_KEEP_LOGS=1
            exit 1
        fi
        [ -n "${FIRST[$s]:-}" ] || FIRST[$s]=$r
        LAST[$s]=$r
        if [ "$r" -gt "${MAX[$s]}" ]; then MAX[$s]=$r; fi
    done
}

echo "soak: ${MINUTES} min of rounds of 200 articles + $(wc -l <"$T/hostile.expected") hostile 1 MB messages"
: >"$T/want.enriched"
: >"$T/want.dlq"
end=$(($(date +%s) + MINUTES * 60))
round=0
next_sample=0
while [ "$(date +%s)" -lt "$end" ]; do
    round=$((round + 1))
    off=$(((round - 1) * 200 % 3800 + 1))
    sed -n "${off},$((off + 199))p" "$T/reuters.jsonl" | jq -c --arg r "$round" '.id += "-r" + $r' >"$T/round.jsonl"
    jq -r .id "$T/round.jsonl" >>"$T/want.enriched"
    while read -r name expect; do
        if [ "$expect" = ok ]; then
            echo "hostile-$name-r$round" >>"$T/want.enriched"
        else
            echo "hostile-$name-r$round $expect" >>"$T/want.dlq"
        fi
    done <"$T/hostile.expected"
    # ids made unique per round; the two JSON-text cases carry their id inside the raw text
    sed -E "s/\"id\": ?\"(hostile-[a-z-]+)\"/\"id\": \"\\1-r$round\"/" "$T/hostile.jsonl" >>"$T/round.jsonl"
    shuf "$T/round.jsonl" | "$NW_BIN/nearwire-ingest" -q -b "$BOOT" -
    if [ "$(date +%s)" -ge "$next_sample" ]; then
        sample
        next_sample=$(($(date +%s) + 5))
    fi
done
sample
echo "soak: $round rounds sent; waiting for the pipeline to drain"
n_enriched=$(wc -l <"$T/want.enriched")
n_dlq=$(wc -l <"$T/want.dlq")
drained() {
    sample
    sort -u "$T/got.enriched.raw" >"$T/got.enriched"
    [ "$(comm -23 <(sort -u "$T/want.enriched") "$T/got.enriched" | wc -l)" -eq 0 ]
}
nw_wait_for 600 "every article on news.enriched" drained || true
sleep 5 # the last dead letters
sort -u "$T/got.dlq.raw" >"$T/got.dlq"
missing=$(comm -23 <(sort -u "$T/want.enriched") "$T/got.enriched" | wc -l)
wrong_dlq=$(comm -23 <(sort -u "$T/want.dlq") "$T/got.dlq" | wc -l)
extra_dlq=$(comm -13 <(sort -u "$T/want.dlq") "$T/got.dlq" | wc -l)
printf '%-12s %10s %10s %10s\n' stage "RSS first" "RSS max" "RSS last"
for s in "${NW_STAGES[@]}"; do
    printf '%-12s %8s MB %7s MB %7s MB\n' "$s" "${FIRST[$s]}" "${MAX[$s]}" "${LAST[$s]}"
done
echo "sent $n_enriched to pass and $n_dlq to refuse; missing on news.enriched: $missing," \
    "refused ones not on news.dlq with their reason: $wrong_dlq, unexpected dead letters: $extra_dlq"
restarts=$(cat "$T"/logs/*.log | grep -c 'event=restart_after_death' || true)
[ "$missing" -eq 0 ] && [ "$wrong_dlq" -eq 0 ] && [ "$extra_dlq" -eq 0 ] && [ "$restarts" -eq 0 ] || {
    echo "FAIL" >&2
    comm -23 <(sort -u "$T/want.enriched") "$T/got.enriched" | head -5 >&2
    comm -3 <(sort -u "$T/want.dlq") "$T/got.dlq" | head -5 >&2
    NW_KEEP_LOGS=1
    exit 1
}
echo "PASS: no stage died, nothing lost (RSS sampled every 5 s; compare first, max and last)"
