#!/usr/bin/env bash
# hostile_report.sh [SIZE] - peak RSS and time of every stage on every hostile case of
# tests/hostile/make_hostile.py (default size 3,500,000 bytes), each case alone through
# clean | fingerprint | cluster | enrich in --pipe mode against a private redis-server. Prints
# one row a case: its size, then per stage "outcome RSS-MB seconds"; and the largest ratio of
# peak RSS above a 16 MB base to the input size. The figures of README "Guarantees" come from here (`make hostile`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SIZE=${1:-3500000}
T=$(mktemp -d /tmp/nearwire-hostile.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
cleanup() {
    nw_stop "$T/pids/redis.pid" 5
    rm -rf "$T"
}
trap cleanup EXIT
nw_start_redis_any "$T"
export NEARWIRE_REDIS_URL=redis://127.0.0.1:$NW_REDIS_PORT NEARWIRE_REDIS_PREFIX=hostile:
export NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists NEARWIRE_ENRICH_STOPLISTS=$NW_ROOT/config/stoplists
export NEARWIRE_ENRICH_GAZETTEER=$NW_ROOT/config/gazetteer

# stage NAME IN OUT: runs one stage on IN; prints "outcome rss_mb seconds"
stage() {
    local rc=0
    /usr/bin/time -f '%M %e' -o "$T/time" \
        "$NW_BIN/nearwire-$1" --config "$NW_ROOT/config/$1.conf" --pipe <"$2" >"$3" 2>"$T/err" || rc=$?
    local rss secs outcome
    read -r rss secs < <(tail -1 "$T/time")
    if [ -s "$3" ]; then
        outcome=ok
    else
        outcome=$(sed -n 's/^nearwire-[a-z]*: stdin:1: \([a-z_]*\): .*/\1/p' "$T/err" | head -1)
        outcome=${outcome:-exit$rc}
    fi
    echo "$outcome $((rss / 1024)) $secs"
}

printf '%-30s %8s  %-22s %-22s %-22s %-22s\n' case bytes clean fingerprint cluster enrich
worst=0
while read -r name expect; do
    python3 "$NW_ROOT/tests/hostile/make_hostile.py" "$T/in.jsonl" --case "$name" --size "$SIZE"
    bytes=$(stat -c %s "$T/in.jsonl")
    row=$(printf '%-30s %8d ' "$name" "$bytes")
    cp "$T/in.jsonl" "$T/s0"
    i=0
    for s in "${NW_STAGES[@]}"; do
        if [ -s "$T/s$i" ]; then
            r=$(stage "$s" "$T/s$i" "$T/s$((i + 1))")
            set -- $r
            ratio=$((($2 > 16 ? $2 - 16 : 0) * 1048576 / bytes)) # above a 16 MB base
            [ "$ratio" -gt "$worst" ] && worst=$ratio
            row+=$(printf ' %-22s' "$1 ${2}MB ${3}s")
        else
            : >"$T/s$((i + 1))"
            row+=$(printf ' %-22s' "-")
        fi
        i=$((i + 1))
    done
    echo "$row   (expected at clean: $expect)"
done < <(python3 "$NW_ROOT/tests/hostile/make_hostile.py" --list)
echo "largest (peak RSS - 16 MB) / input size: ${worst}x (a stage's fixed base is 10-20 MB)"
