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
fault_start_all
fault_feed "${NW_FAULT_DOCS:-10000}" 2500
fault_kill_each 0.8
fault_verdict "four SIGKILLs"
finish
