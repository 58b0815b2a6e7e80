#!/usr/bin/env bash
# test_lag.sh - lag series follow partition ownership. Two clean instances share four
# partitions of news.raw; each exports nearwire_consumer_lag_messages only for the
# partitions it owns, so the instances' series add up to the group's lag: before, an
# instance that lost partitions kept exporting their last lag (an instance that had lost
# 8 of 16 still showed 16), which the dashboard and the lag alert counted twice. When one
# instance stops, the other takes (and exports) all four.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-lag.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
cleanup() {
    for p in "$T"/pids/clean*.pid; do [ -e "$p" ] && nw_stop "$p" 10; done
    nw_stop_test_broker "$T"
    [ "$failed" -gt 0 ] && tail -n 20 "$T"/logs/clean*.log >&2
    rm -rf "$T"
}
trap cleanup EXIT
nw_start_test_broker "$T" 4 || die "the broker starts (${NW_TEST_BROKER:-mock})"
B=$(cat "$T/bootstrap")
# statistics every second, so a series appears or goes within seconds of a rebalance
export NEARWIRE_KAFKA_STATISTICS_INTERVAL_MS=1000
# a short session: a joining member is otherwise waited for up to 90 s (a member id left
# pending in the classic join handshake holds the rebalance for session.timeout.ms)
export NEARWIRE_KAFKA_SESSION_TIMEOUT_MS=6000 NEARWIRE_KAFKA_HEARTBEAT_INTERVAL_MS=1000

# lag_partitions LOG: the partitions of news.raw the instance exports lag for, "0 1 2 3"
lag_partitions() {
    local port
    port=$(nw_logged_port "$T/logs/$1.log") || return 1
    curl -fsS "http://127.0.0.1:$port/metrics" |
        sed -n 's/^nearwire_consumer_lag_messages{topic="news.raw",partition="\([0-9]*\)"}.*/\1/p' |
        sort -n | tr '\n' ' '
}
owns() { [ "$(lag_partitions "$1")" = "$2" ]; }

NW_INSTANCE=-1 nw_start_stage "$T" clean "$B" redis://127.0.0.1:1 --set clean.repeated_after=0 || die "clean-1 starts"
check "one instance exports lag for all four partitions" \
    nw_wait_for 60 "clean-1 lag on 4 partitions" owns clean-1 "0 1 2 3 "

NW_INSTANCE=-2 nw_start_stage "$T" clean "$B" redis://127.0.0.1:1 --set clean.repeated_after=0 || die "clean-2 starts"
split() { # the two instances' partitions are disjoint and together all four
    local a b
    a=$(lag_partitions clean-1) && b=$(lag_partitions clean-2) || return 1
    [ -n "$a" ] && [ -n "$b" ] &&
        [ "$(echo $a $b | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "0 1 2 3 " ]
}
check "with two instances each exports only the partitions it owns (together: all four, once)" \
    nw_wait_for 90 "lag series split between the instances" split
echo "     clean-1: $(lag_partitions clean-1)  clean-2: $(lag_partitions clean-2)"

nw_stop "$T/pids/clean-2.pid" 10
check "after one stops, the other exports all four again" \
    nw_wait_for 90 "clean-1 lag on 4 partitions again" owns clean-1 "0 1 2 3 "
finish
