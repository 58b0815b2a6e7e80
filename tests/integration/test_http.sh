#!/usr/bin/env bash
# test_http.sh - the metrics and probe endpoint holds under abuse and speaks IPv6. 1,005
# half-open connections from one address, each kept alive by a byte a second (slowloris),
# once made /livez, /readyz and /metrics unreachable for the whole attack, and libmicrohttpd
# wrote 1,106 raw lines to stderr. Now: a few connections per client address, short timeouts
# and a small request buffer; the probes from another address answer throughout, the
# server's messages come through our logger, rate-limited. Also: http.bind and redis.url
# take IPv6 literals (http.bind took IPv4 only; redis://[::1]:6379 said "bad port").
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-http.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
cleanup() {
    for p in "$T"/pids/*.pid; do nw_stop "$p" 10; done
    [ "$failed" -gt 0 ] && tail -n 20 "$T"/logs/*.log >&2
    rm -rf "$T"
}
trap cleanup EXIT
ulimit -n 4096 2>/dev/null || true
nw_start_broker "$T" 2 || die "broker starts"
bootstrap=$(cat "$T/bootstrap")
nw_start_stage "$T" clean "$bootstrap" redis://127.0.0.1:1 || die "clean starts"
port=$(nw_stage_port "$T" clean) || die "clean listens"

python3 "$(dirname "$0")/slowloris.py" "$port" --connections 1005 --seconds 12 >"$T/attack.json"
echo "     $(cat "$T/attack.json")"
check "every /livez probe answered during 1,005 half-open connections (it once answered none)" \
    jqtrue '.probes >= 20 and .answered == .probes and .slowest < 2' "$T/attack.json"
check "one client address holds no more than 16 connections" jqtrue '.kept <= 16' "$T/attack.json"
check "a request with 64 KB of headers is refused" jqtrue '.huge_headers_refused' "$T/attack.json"
lines=$(grep -vc '^ts=' "$T/logs/clean.log")
check "no raw server lines on stderr, only ours" eq "$lines" 0
check "the server's messages are ours, rate-limited (<= 20 a second)" \
    test "$(grep -c 'event=http_log' "$T/logs/clean.log")" -le 400
check "/metrics still answers after the attack" nw_http_ok "http://127.0.0.1:$port/metrics"
nw_stop "$T/pids/clean.pid" 10

if grep -q ' lo$' /proc/net/if_inet6 2>/dev/null && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
    nw_start_redis_any "$T" --bind "127.0.0.1 ::1" || die "redis-server starts on ::1"
    NW_INSTANCE=-v6 nw_start_stage "$T" cluster "$bootstrap" "redis://[::1]:$NW_REDIS_PORT" \
        --set http.bind=::1 || die "cluster starts"
    v6port=$(nw_stage_port "$T" cluster-v6) || die "cluster listens on ::1"
    check "http.bind=::1 serves /livez on [::1]" nw_wait_for 10 "/livez on [::1]" \
        curl -fsS -g "http://[::1]:$v6port/livez" -o /dev/null
    check "redis://[::1]:port connects" nw_wait_for 10 "redis_connected" \
        grep -q 'event=redis_connected addr=\[::1\]:' "$T/logs/cluster-v6.log"
else
    echo "     (no IPv6 loopback here: the IPv6 checks are skipped)"
fi
finish
