set -euo pipefail
source "$(dirname "$0")/lib.sh"
nw_run_dir lag
nw_reuters_docs "$T/all.jsonl"
nw_start_redis_any "$T"; port=$NW_REDIS_PORT
d=$T/m; mkdir -p $d/pids $d/logs
nw_start_broker "$d" 16
BOOT=$(cat "$d/bootstrap")
declare -A P
for s in "${NW_STAGES[@]}"; do nw_start_stage "$d" "$s" "$BOOT" "redis://127.0.0.1:$port" "$@"; done
for s in "${NW_STAGES[@]}"; do P[$s]=$(nw_stage_port "$d" "$s"); nw_wait_for 60 "$s ready" nw_http_ok "http://127.0.0.1:${P[$s]}/readyz"; done
m() { curl -fsS "http://127.0.0.1:${P[$1]}/metrics" | awk -v m="$2" 'index($1, m) == 1 { s += $2 } END { printf "%d", s }'; }
t0=$(date +%s.%N)
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/all.jsonl"
while :; do
  line=""; for s in "${NW_STAGES[@]}"; do line="$line $s=$(m $s nearwire_messages_in_total)"; done
  echo "$(awk -v a=$t0 -v b=$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') $line"
  [ "$(m enrich nearwire_messages_in_total)" -ge 19779 ] && break
  sleep 1
done
for s in "${NW_STAGES[@]}"; do echo "$s $(curl -fsS "http://127.0.0.1:${P[$s]}/metrics" | grep -E '^nearwire_(processing_seconds|redis_roundtrip_seconds|batch_size|batch)[a-z_]*_(sum|count)' | awk '{printf "%s=%.3f ", $1, $2}')"; done
for s in "${NW_STAGES[@]}" broker; do nw_stop "$d/pids/$s.pid" 30; done
