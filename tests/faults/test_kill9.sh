#!/usr/bin/env bash
# test_kill9.sh - nothing is lost when stages die: 10k Reuters articles stream through the
# pipeline while each stage in turn is killed with SIGKILL and restarted.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

REDIS_ARGS=()
STAGE_ARGS=()
INGEST_ARGS=()
fault_setup
for s in "${NW_STAGES[@]}"; do fault_start "$s"; done
fault_all_ready 60 || die "every stage ready"

fault_feed "${NW_FAULT_DOCS:-10000}" 2500
for s in "${NW_STAGES[@]}"; do
    sleep 0.8
    kill -KILL "$(cat "$T/pids/$s.pid")"
    fault_start "$s"
done
fault_verdict "four SIGKILLs"
finish
