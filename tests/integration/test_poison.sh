#!/usr/bin/env bash
# test_poison.sh - a message that kills the stage does not block its partition. nearwire-clean
# runs under a restart loop (as systemd or Kubernetes would run it) and is killed while it
# works on a slow 3.5 MB page: SIGKILL once (an outside kill: the message is retried alone and
# comes out), SIGSEGV (a crash of its own: dead-lettered as "crashed" on restart), and a CPU
# budget the page overruns inside a batch of three (the batch is retried one message at a time;
# the page overruns alone and is dead-lettered as "too_complex"; its neighbours come out).
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-poison.XXXXXX)
mkdir -p "$T/pids" "$T/logs" "$T/state"
cleanup() {
    stop_all
    nw_stop_test_broker "$T"
    if [ "$failed" -gt 0 ] || [ "${KEEP_LOGS:-}" ]; then
        echo "logs kept in $T/logs" >&2
        tail -n 30 "$T"/logs/*.log >&2
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT

nw_start_test_broker "$T" 1 || die "the broker starts (${NW_TEST_BROKER:-mock})"
BOOT=$(cat "$T/bootstrap")
MARKER=$T/state/clean.0.inflight

# supervise [--set k=v ...]: restarts nearwire-clean whenever it exits (until $T/stop exists),
# recording each exit status in $T/exits
supervise() {
    while [ ! -e "$T/stop" ]; do
        NEARWIRE_KAFKA_BOOTSTRAP=$BOOT NEARWIRE_HTTP_PORT=0 NEARWIRE_STATE_DIR=$T/state \
            NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists \
            "$NW_BIN/nearwire-clean" --config "$NW_ROOT/config/clean.conf" \
            --set kafka.session.timeout.ms=6000 --set kafka.heartbeat.interval.ms=500 \
            --set clean.repeated_after=0 "$@" >>"$T/logs/clean.log" 2>&1 # (no Redis here)
        echo $? >>"$T/exits"
        cp "$MARKER" "$T/logs/marker.$(wc -l <"$T/exits")" 2>/dev/null # for the failure report
        sleep 0.2
    done
}
start() {
    rm -f "$T/stop"
    supervise "$@" </dev/null &
    echo $! >"$T/pids/supervisor.pid"
}
supervisor_gone() { ! nw_alive "$T/pids/supervisor.pid"; }
stop_all() { # the stage drains and exits, then its supervisor (a dying stage holds its marker)
    touch "$T/stop"
    pkill -TERM -P "$(cat "$T/pids/supervisor.pid")" nearwire-clean 2>/dev/null
    nw_wait_for 30 "nearwire-clean and its supervisor to exit" supervisor_gone
}
child() { pgrep -P "$(cat "$T/pids/supervisor.pid")" nearwire-clean; }
# the marker says one message is being processed now
running_alone() { [ "$(head -c 15 "$MARKER" 2>/dev/null)" = "nwmark1 running" ] && grep -qx 'n 1' "$MARKER"; }
exits() { wc -l <"$T/exits" 2>/dev/null || echo 0; }
# has TOPIC ID: a message with that key is on the topic
has() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t "$1" -o beginning -e -T 10 -J 2>/dev/null |
        jq -s -e --arg id "$2" 'any(.[]; .key == $id)' >/dev/null
}
hasnt() { ! has "$@"; }
dlq_reason() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq -o beginning -e -T 10 -J 2>/dev/null |
        jq -r --arg id "$1" 'select(.key == $id) | .headers["nw.reason"]'
}

python3 "$NW_ROOT/tests/hostile/make_hostile.py" "$T/slow.jsonl" --case attributes-just-under-limit
slow() { sed "s/\"id\": \"hostile-attributes-just-under-limit\"/\"id\": \"$1\"/" "$T/slow.jsonl"; }
good() { printf '{"id":"%s","body":"A real paragraph of an article, long enough to keep. It ends here."}\n' "$1"; }
send() { "$NW_BIN/nearwire-ingest" -q -b "$BOOT" -; }

# 1. killed from outside (SIGKILL) while the page is processed alone: retried once, not lost
start
slow slow-1 | send
nw_wait_for 60 "slow-1 being processed" running_alone || die "the marker names slow-1"
kill -KILL "$(child)"
nw_wait_for 60 "slow-1 processed after the restart" has news.clean slow-1
check "a page whose stage was SIGKILLed is retried alone and comes out" has news.clean slow-1
check "the restart read the marker" grep -q 'event=restart_after_death state=running messages=1 retry=0' "$T/logs/clean.log"

# 2. a crash of its own (SIGSEGV) while the page is processed alone: dead-lettered at once
slow slow-2 | send
nw_wait_for 60 "slow-2 being processed" running_alone || die "the marker names slow-2"
kill -SEGV "$(child)"
good good-2 | send
nw_wait_for 60 "good-2 after the crash" has news.clean good-2
check "the page that crashed the stage is dead-lettered as crashed" eq "$(dlq_reason slow-2)" crashed
check "it is not processed again" hasnt news.clean slow-2
check "the next message is processed" has news.clean good-2
stop_all

# 3. over the CPU budget inside a batch of three: retried one at a time, the page dead-lettered
: >"$T/exits"
start --set batch.cpu.seconds=0.2 --set batch.wait.ms=3000
{ good good-3a; slow slow-3; good good-3b; } | send
nw_wait_for 120 "good-3b after two budget overruns" has news.clean good-3b
check "the stage exited twice on the budget (70 = stopped by the watchdog)" eq "$(grep -c '^70$' "$T/exits")" 2
check "the page over the budget is dead-lettered as too_complex" eq "$(dlq_reason slow-3)" too_complex
check "the message before it comes out" has news.clean good-3a
check "the message after it comes out" has news.clean good-3b
check "the watchdog said why it stopped the stage" grep -q 'event=cpu_budget_exceeded' "$T/logs/clean.log"
stop_all
finish
