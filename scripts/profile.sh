#!/usr/bin/env bash
# profile.sh - where each stage's CPU goes, per article, by part: the whole pipeline on
# redis-server and the development broker (nearwire-broker) takes Reuters-21578's articles
# with text while `perf record` samples every stage; each stage's CPU per article (from /proc)
# is split by the share of samples in each part:
#   Kafka client   librdkafka (consume, produce, its threads) and liblz4
#   JSON           yajl (parse) and our codec's encode and tree walks (nw_json_*, json_*)
#   Redis client   hiredis (command building, reply parsing)
#   kernel         system calls: sockets, futexes, page faults
#   libc           memcpy, malloc, string functions (called from every part)
#   the stage      everything else in the binary: cleaning, fingerprinting, matching, enrich
# Needs perf (linux-perf) and perf_event_paranoid allowing it (root does). Figures vary with
# the machine and its load; run it on an idle machine. PROFILE_DOCS=N feeds the first N.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v perf >/dev/null || { echo "profile.sh: perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
nw_run_dir profile

nw_reuters_docs "$T/all.jsonl"
head -n "${PROFILE_DOCS:-1000000}" "$T/all.jsonl" >"$T/docs.jsonl"
n=$(wc -l <"$T/docs.jsonl")

nw_start_redis_any "$T"
port=$NW_REDIS_PORT
nw_start_broker "$T" 16
BOOT=$(cat "$T/bootstrap")
nw_start_pipeline "$T" "$BOOT" "redis://127.0.0.1:$port"

cpu_of() { # PID: user + system seconds so far
    sed 's/.*) //' "/proc/$1/stat" | awk -v t="$(getconf CLK_TCK)" '{ print ($12 + $13) / t }'
}
declare -A CPU0 PERF
REDIS_PID=$(redis-cli -p "$port" info server | tr -d '\r' | sed -n 's/^process_id://p')
BROKER_PID=$(cat "$T/pids/broker.pid")
CPU0[redis]=$(cpu_of "$REDIS_PID")
CPU0[broker]=$(cpu_of "$BROKER_PID")
for s in "${NW_STAGES[@]}"; do
    pid=$(cat "$T/pids/$s.pid")
    CPU0[$s]=$(cpu_of "$pid")
    perf record -q -F 499 -p "$pid" -o "$T/$s.perf" >/dev/null 2>&1 &
    PERF[$s]=$!
done
sleep 1 # perf attached

# every article decided, and enrich has taken in all cluster wrote (articles and revisions)
decided() {
    [ "$(nw_stage_metric cluster nearwire_decisions_total)" -ge "$n" ] &&
        [ "$(nw_stage_metric enrich nearwire_messages_out_total)" -ge "$(nw_stage_metric cluster nearwire_messages_out_total)" ]
}
t0=$(date +%s.%N)
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/docs.jsonl"
nw_wait_for 600 "enrich to write $n articles" decided
t1=$(date +%s.%N)
declare -A USED
for s in "${NW_STAGES[@]}"; do
    USED[$s]=$(awk -v a="$(cpu_of "$(cat "$T/pids/$s.pid")")" -v b="${CPU0[$s]}" 'BEGIN { print a - b }')
    kill -INT "${PERF[$s]}"
done
for s in "${NW_STAGES[@]}"; do wait "${PERF[$s]}" 2>/dev/null || true; done
USED[redis]=$(awk -v a="$(cpu_of "$REDIS_PID")" -v b="${CPU0[redis]}" 'BEGIN { print a - b }')
USED[broker]=$(awk -v a="$(cpu_of "$BROKER_PID")" -v b="${CPU0[broker]}" 'BEGIN { print a - b }')

echo "== CPU per article by stage and by part: $n Reuters-21578 articles through redis-server and"
echo "   the development broker in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; perf samples at 499 Hz split each stage's CPU"
printf "%-12s %9s %9s %9s %9s %9s %9s %9s\n" stage "total us" "Kafka" JSON Redis kernel libc stage
for s in "${NW_STAGES[@]}"; do
    # samples by DSO and symbol -> parts
    perf report -i "$T/$s.perf" --stdio --sort dso,sym --percent-limit 0 2>/dev/null |
        awk -v total_us="$(awk -v u="${USED[$s]}" -v n="$n" 'BEGIN { print u / n * 1e6 }')" -v name="$s" '
        /^#/ || NF < 4 { next }
        {
            pct = $1; sub(/%/, "", pct); dso = $2; sym = $NF
            if (dso ~ /rdkafka|lz4|zstd|libz/) part = "kafka"
            else if (dso ~ /yajl/ || sym ~ /^(nw_json|json_)/) part = "json"
            else if (dso ~ /hiredis/) part = "redis"
            else if (dso ~ /kernel|vdso/) part = "kernel"
            else if (dso ~ /libc/) part = "libc"
            else part = "stage"
            share[part] += pct; all += pct
        }
        END {
            if (all == 0) all = 1
            printf "%-12s %9.0f", name, total_us
            split("kafka json redis kernel libc stage", order, " ")
            for (i = 1; i <= 6; i++) printf " %9.0f", total_us * share[order[i]] / all
            printf "\n"
        }'
done
for s in broker redis; do
    awk -v u="${USED[$s]}" -v n="$n" -v s="$s" \
        'BEGIN { printf "%-12s %9.0f   (the %s process, whole)\n", s, u / n * 1e6, s == "redis" ? "redis-server" : "nearwire-broker" }'
done
echo "(us of CPU per article; parts from perf's samples of each stage: Kafka = librdkafka and its"
echo " compression, JSON = yajl and our codec, Redis = hiredis, kernel = system calls, libc ="
echo " memcpy/malloc/strings from every part, stage = the stage's own work)"
