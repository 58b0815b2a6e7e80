#!/usr/bin/env bash
# test_redis_cluster.sh - the signature store on a Redis Cluster of 3 masters and 3 replicas
# (scripts/redis_cluster.sh), through nearwire-cluster --pipe: the seeds' expected final state;
# 2,000 Reuters-21578 articles and 600 copies give the final state a single redis-server gives,
# in published order, shuffled in batches and split over two racing instances; keys and memory
# spread evenly over the masters; one slot caught mid-migration (ASK) and handed over (MOVED)
# under the site-line counts; and a third of the slots resharded (redis-cli --cluster reshard)
# while articles stream through: the moves are followed, the final state is the same and no
# key is left behind on a node that no longer serves its slot.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-rcluster.XXXXXX)
mkdir -p "$T/pids" "$T/logs" "$T/runs"
trap '"$NW_ROOT/scripts/redis_cluster.sh" stop "$T"; nw_stop "$T/pids/redis.pid" 5
      [ "$failed" -gt 0 ] && echo "logs kept in $T/logs" >&2 || rm -rf "$T"' EXIT

"$NW_ROOT/scripts/redis_cluster.sh" start "$T" >/dev/null || die "a Redis Cluster starts"
nw_start_redis_any "$T" || die "redis-server starts (the single-node reference)"
CLUSTER_URL=$(cat "$T/redis_url")
SINGLE_URL=redis://127.0.0.1:$NW_REDIS_PORT
masters() { for p in $(cat "$T/rc/ports"); do redis-cli -p "$p" role | head -1 | grep -q master && echo "$p"; done; }
# (common text off: which articles a shingle's count has seen depends on arrival, and this test
# compares orders; `make eval` measures how much. The same for common anchors: the order
# comparisons below run with anchors off and 8 bands, the seeds with the defaults)
orders=(--set cluster.anchor_df_max=0 --set cluster.bands=8)
on() { # on URL PREFIX [ARGS...]: nearwire-cluster --pipe on that Redis
    local url=$1 prefix=$2
    shift 2
    "$NW_BIN/nearwire-cluster" --pipe --set "redis.url=$url" --set "redis.prefix=$prefix" \
        --set cluster.common_after=0 "$@" \
        2>>"$T/logs/cluster.log"
}
final() { python3 "$NW_ROOT/tests/eval/final_state.py" "$@" | jq -c '[.id, .story_id, .dup_of]'; }
shuffle() { python3 -c 'import random,sys; r=random.Random(int(sys.argv[1])); l=sys.stdin.readlines(); r.shuffle(l); sys.stdout.writelines(l)' "$1"; }
differ() { final "$@" | diff - "$T/single.final" | grep -c '^>'; }

# the seeds, cleaned on the cluster too (clean counts site lines in Redis)
"$NW_BIN/nearwire-clean" --pipe --set "redis.url=$CLUSTER_URL" \
    <"$NW_ROOT/tests/data/seeds/seeds.jsonl" 2>>"$T/logs/clean.log" |
    "$NW_BIN/nearwire-fingerprint" --pipe >"$T/seeds.fp" 2>/dev/null
check "the seeds are cleaned with the site-line counts on the cluster" eq "$(wc -l <"$T/seeds.fp")" 5
on "$CLUSTER_URL" seeds: <"$T/seeds.fp" >"$T/runs/seeds.out"
check "the seeds on the cluster: 000-003 one story, 001 a copy of 000, 003 of 002, 004 alone" eq \
    "$(final "$T/runs/seeds.out" | jq -r '"\(.[0][0:3]) \(.[1][0:3]) \(.[2] // "-" | .[0:3])"' | tr '\n' ' ')" \
    "000 002 - 001 002 000 002 002 - 003 002 002 004 004 - "

python3 "$NW_ROOT/tests/eval/make_order_set.py" "$NW_ROOT/tests/data/reuters21578.jsonl.gz" \
    2000 600 11 >"$T/feed.jsonl"
"$NW_BIN/nearwire-clean" --pipe --set clean.repeated_after=0 <"$T/feed.jsonl" 2>/dev/null |
    "$NW_BIN/nearwire-fingerprint" --pipe >"$T/feed.fp" 2>/dev/null
[ "$(wc -l <"$T/feed.fp")" = 2600 ] || die "the Reuters feed is fingerprinted"
on "$SINGLE_URL" pub: "${orders[@]}" --set batch.size=500 <"$T/feed.fp" >"$T/runs/single.out"
final "$T/runs/single.out" >"$T/single.final"
check "the single-node reference finds the copies (over 550 dup_of)" \
    test "$(jq -r '.[2] // empty' "$T/single.final" | wc -l)" -gt 550

on "$CLUSTER_URL" pub: "${orders[@]}" --set batch.size=500 <"$T/feed.fp" >"$T/runs/pub.out"
check "on the cluster, in published order: the single node's final state" \
    eq "$(differ "$T/runs/pub.out")" 0
shuffle 2 <"$T/feed.fp" | on "$CLUSTER_URL" five: "${orders[@]}" --set batch.size=500 >"$T/runs/five.out"
check "on the cluster, shuffled in batches of 500: the same final state" \
    eq "$(differ "$T/runs/five.out")" 0
shuffle 3 <"$T/feed.fp" >"$T/feed3.fp"
awk 'NR % 2' "$T/feed3.fp" | on "$CLUSTER_URL" two: "${orders[@]}" --set batch.size=50 >"$T/runs/two-a.out" &
a=$!
awk 'NR % 2 == 0' "$T/feed3.fp" | on "$CLUSTER_URL" two: "${orders[@]}" --set batch.size=50 >"$T/runs/two-b.out" &
b=$!
wait $a
wait $b
check "on the cluster, two racing instances: the same final state" \
    eq "$(differ "$T/runs/two-a.out" "$T/runs/two-b.out")" 0

# keys and memory per master: even (no hash tag pins a band, a shard or a generation to a slot)
for p in $(masters); do
    echo "$p $(redis-cli -p "$p" dbsize) $(redis-cli -p "$p" info memory |
        sed -n 's/^used_memory_dataset:\([0-9]*\).*/\1/p' | tr -d '\r')"
done >"$T/spread"
echo "     keys and dataset bytes per master: $(awk '{printf "%s %s/%s  ", $1, $2, $3}' "$T/spread")"
within10() { awk -v c="$1" '{v[NR] = $c; s += $c} END {m = s / NR; for (i in v) if (v[i] < 0.9 * m || v[i] > 1.1 * m) exit 1}' "$T/spread"; }
check "three masters hold the keys" eq "$(wc -l <"$T/spread")" 3
check "keys per master within 10% of the mean" within10 2
check "memory per master within 10% of the mean" within10 3

# one slot caught mid-migration: the seeds' site-line claims read again while their keys
# have moved to the importing node (ASK, behind ASKING), then after the slot is handed over;
# the answers do not change (MOVED, met while slots move under a running store, is below)
key=$(for p in $(masters); do redis-cli -p "$p" --scan --pattern 'nw:lines:df:seen:*'; done | sort | head -1)
[ -n "$key" ] || die "the seeds' site-line claims are on the cluster"
slot=$(redis-cli -p "$(masters | head -1)" cluster keyslot "$key")
owner=$(for p in $(masters); do [ "$(redis-cli -p "$p" cluster countkeysinslot "$slot")" -gt 0 ] && echo "$p"; done | head -1)
other=$(masters | grep -vx "$owner" | head -1)
owner_id=$(redis-cli -p "$owner" cluster myid)
other_id=$(redis-cli -p "$other" cluster myid)
redis-cli -p "$other" cluster setslot "$slot" importing "$owner_id" >/dev/null
redis-cli -p "$owner" cluster setslot "$slot" migrating "$other_id" >/dev/null
redis-cli -p "$owner" migrate 127.0.0.1 "$other" "" 0 5000 keys \
    $(redis-cli -p "$owner" cluster getkeysinslot "$slot" 100) >/dev/null
replay() {
    "$NW_BIN/nearwire-clean" --pipe --set "redis.url=$CLUSTER_URL" --set log.level=debug \
        <"$NW_ROOT/tests/data/seeds/seeds.jsonl" 2>>"$T/logs/$1.log" |
        "$NW_BIN/nearwire-fingerprint" --pipe 2>/dev/null
}
replay asking >"$T/seeds-asking.fp"
check "a key of a migrating slot is read from the importing node (ASK followed)" \
    grep -q "event=redis_redirect kind=ask slot=$slot to=127.0.0.1:$other" "$T/logs/asking.log"
check "the seeds cleaned mid-migration: the same as before" cmp -s "$T/seeds-asking.fp" "$T/seeds.fp"
for p in $(masters); do redis-cli -p "$p" cluster setslot "$slot" node "$other_id" >/dev/null; done
replay moved >"$T/seeds-moved.fp"
mapped() { grep -m1 -oE "event=redis_cluster_map .*" "$T/logs/$1.log" | grep -oE "127.0.0.1:$other/[0-9]+" | cut -d/ -f2; }
check "after the hand-over the map gives the slot to its new owner" \
    eq "$(mapped moved)" "$(($(mapped asking) + 1))"
check "the seeds cleaned after the move: the same as before" cmp -s "$T/seeds-moved.fp" "$T/seeds.fp"

# resharding mid-stream: articles trickle in (20 a batch) while redis-cli moves 5,000 slots,
# keys and all, from the first master to the second. The feeder holds its last 200 articles
# until the move has ended (a slow move on a busy machine once outlasted the whole feed), so
# articles are decided before, during and after it whatever the machine's speed.
src=$(masters | sed -n 1p)
dst=$(masters | sed -n 2p)
src_id=$(redis-cli -p "$src" cluster myid)
dst_id=$(redis-cli -p "$dst" cluster myid)
shuffle 4 <"$T/feed.fp" | python3 -c 'import os, sys, time
lines = sys.stdin.readlines()
for i, line in enumerate(lines):
    if i == len(lines) - 200:
        sys.stdout.flush()
        for _ in range(1200):  # (at most 2 minutes)
            if os.path.exists(sys.argv[1]):
                break
            time.sleep(0.1)
    sys.stdout.write(line)
    if i % 20 == 19:
        sys.stdout.flush()
        time.sleep(0.1)' "$T/moved" | on "$CLUSTER_URL" pub: "${orders[@]}" --set batch.size=20 --set redis.prefix=moving: \
    >"$T/runs/moving.out" &
feeder=$!
sleep 2
cluster_check() { redis-cli --cluster check "127.0.0.1:$src" >"$T/logs/check.log" 2>&1; }
slots() { grep -E "^127.0.0.1:$1 " "$T/logs/check.log" | grep -oE '[0-9]+ slots' | cut -d' ' -f1; }
cluster_check
before="$(slots "$src") $(slots "$dst")"
redis-cli --cluster reshard "127.0.0.1:$src" --cluster-from "$src_id" --cluster-to "$dst_id" \
    --cluster-slots 5000 --cluster-yes --cluster-pipeline 20 >"$T/logs/reshard.log" 2>&1
reshard=$?
decided_during=$(wc -l <"$T/runs/moving.out")
touch "$T/moved"
wait "$feeder"
check "redis-cli moved 5,000 slots" eq "$reshard" 0
check "articles were decided while the slots moved ($decided_during records out before it ended)" \
    test "$decided_during" -gt 0
check "every article came out while the slots moved" \
    eq "$(jq -r 'select(.revised_by == null) | .id' "$T/runs/moving.out" | sort -u | wc -l)" 2600
check "the same final state with the slots moved under it" eq "$(differ "$T/runs/moving.out")" 0
check "the store read the changed map (MOVED followed)" \
    grep -q 'event=redis_cluster_map .*slots_changed=[0-9]' <(grep -v 'slots_changed=16384' "$T/logs/cluster.log")
cluster_check
check "5,000 slots went from the source master to the target" \
    eq "$(slots "$src") $(slots "$dst")" "$(echo "$before" | awk '{print $1 - 5000, $2 + 5000}')"
check "the cluster is consistent after the move (no slot left open, all covered)" \
    eq "$(grep -c -E '\[OK\] All (nodes agree|16384 slots covered)' "$T/logs/check.log"):$(grep -c -E 'WARNING|ERR' "$T/logs/check.log")" "2:0"
finish
