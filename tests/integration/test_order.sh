#!/usr/bin/env bash
# test_order.sh - the same articles give the same final answer however they arrive: the seeds
# in all 120 orders one at a time and 20 times together in one batch; 2,000 Reuters-21578
# articles with 600 generated copies in published order, shuffled one at a time, shuffled in
# batches of 500, and split over two racing cluster instances. The final state (per id, the
# record with the highest revision) must be identical: every story as a set of ids, every
# dup_of. Runs nearwire-cluster --pipe against a real redis-server.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-order.XXXXXX)
mkdir -p "$T/pids" "$T/logs" "$T/runs"
trap 'nw_stop "$T/pids/redis.pid" 5; [ "$failed" -gt 0 ] || rm -rf "$T"' EXIT

nw_start_redis_any "$T" || die "redis-server starts"
R="redis.url=redis://127.0.0.1:$NW_REDIS_PORT"
cluster() { "$NW_BIN/nearwire-cluster" --pipe --set "$R" "$@" 2>>"$T/logs/cluster.log"; }
final() { python3 "$NW_ROOT/tests/eval/final_state.py" "$@" | jq -c '[.id, .story_id, .dup_of]'; }
shuffle() { python3 -c 'import random,sys; r=random.Random(int(sys.argv[1])); l=sys.stdin.readlines(); r.shuffle(l); sys.stdout.writelines(l)' "$1"; }

"$NW_BIN/nearwire-clean" --pipe --set "$R" <"$NW_ROOT/tests/data/seeds/seeds.jsonl" 2>/dev/null |
    "$NW_BIN/nearwire-fingerprint" --pipe >"$T/seeds.fp" 2>/dev/null
[ "$(wc -l <"$T/seeds.fp")" = 5 ] || die "the seeds are fingerprinted"

# the expected final state: 002 (published first) names the story of 000-003
cat >"$T/seeds.expected" <<'EXP'
["000_cb190c1c7f2c8ca2","002_21eaf0559e8ada84",null]
["001_73dd3d837b8d3d39","002_21eaf0559e8ada84","000_cb190c1c7f2c8ca2"]
["002_21eaf0559e8ada84","002_21eaf0559e8ada84",null]
["003_ff29192445ed483d","002_21eaf0559e8ada84","002_21eaf0559e8ada84"]
["004_3336bd7ffc0a815a","004_3336bd7ffc0a815a",null]
EXP

# all 120 orders, one document at a time
python3 -c 'import itertools
for p in itertools.permutations(range(1, 6)): print(" ".join(map(str, p)))' >"$T/perms"
k=0
wrong=0
while read -r perm; do
    k=$((k + 1))
    for i in $perm; do sed -n "${i}p" "$T/seeds.fp"; done |
        cluster --set redis.prefix="perm$k:" --set batch.size=1 >"$T/runs/perm$k.out"
    final "$T/runs/perm$k.out" | cmp -s - "$T/seeds.expected" || {
        wrong=$((wrong + 1))
        [ "$wrong" -gt 1 ] || { echo "     order $perm:"; final "$T/runs/perm$k.out" | sed 's/^/       /'; }
    }
done <"$T/perms"
check "the seeds in all 120 orders one at a time: the expected final state" eq "$wrong:$k" "0:120"

# together: one batch, 20 shuffled orders
wrong=0
for k in $(seq 1 20); do
    shuffle "$k" <"$T/seeds.fp" | cluster --set redis.prefix="together$k:" >"$T/runs/together$k.out"
    final "$T/runs/together$k.out" | cmp -s - "$T/seeds.expected" || wrong=$((wrong + 1))
done
check "the seeds sent together, 20 times in a row: the expected final state" eq "$wrong" 0
# (003, a part of 002, also shares enough with 001 for anchors to find it: it revises both)
check "a late original revises its copies (002 after 000 revises 000 and 001)" eq \
    "$(jq -r 'select(.revised_by) | .id[0:3] + "<" + .revised_by[0:3]' "$T/runs/perm1.out" |
        sort | tr '\n' ' ')" "000<002 000<003 001<002 001<003 "

# 2,000 Reuters articles and 600 copies
python3 "$NW_ROOT/tests/eval/make_order_set.py" "$NW_ROOT/tests/data/reuters21578.jsonl.gz" \
    2000 600 11 >"$T/feed.jsonl"
"$NW_BIN/nearwire-clean" --pipe --set "$R" <"$T/feed.jsonl" 2>/dev/null |
    "$NW_BIN/nearwire-fingerprint" --pipe >"$T/feed.fp" 2>/dev/null
[ "$(wc -l <"$T/feed.fp")" = 2600 ] || die "the Reuters feed is fingerprinted"
# Common text (cluster.common_after) is counted in arrival order: which articles a shingle's
# count has seen when a pair is judged depends on it; so does which 32 documents an anchor has
# when it names none as common (cluster.anchor_df_max). The invariance below is checked with
# both off (and 8 bands to find the copies without anchors), and how far they move decisions
# when on is measured after.
export NEARWIRE_CLUSTER_COMMON_AFTER=0 NEARWIRE_CLUSTER_ANCHOR_DF_MAX=0 NEARWIRE_CLUSTER_BANDS=8
cluster --set redis.prefix=pub: --set batch.size=500 <"$T/feed.fp" >"$T/runs/pub.out"
final "$T/runs/pub.out" >"$T/pub.final"
dups=$(jq -r '.[2] // empty' "$T/pub.final" | wc -l)
check "the published-order run finds the copies (over 550 dup_of)" test "$dups" -gt 550
shuffle 1 <"$T/feed.fp" | cluster --set redis.prefix=one: --set batch.size=1 >"$T/runs/one.out"
shuffle 2 <"$T/feed.fp" | cluster --set redis.prefix=five: --set batch.size=500 >"$T/runs/five.out"
shuffle 3 <"$T/feed.fp" >"$T/feed3.fp"
awk 'NR % 2' "$T/feed3.fp" | cluster --set redis.prefix=two: --set batch.size=50 >"$T/runs/two-a.out" &
a=$!
awk 'NR % 2 == 0' "$T/feed3.fp" | cluster --set redis.prefix=two: --set batch.size=50 >"$T/runs/two-b.out" &
b=$!
wait $a
wait $b
differ() { final "$@" | diff - "$T/pub.final" | grep -c '^>'; }
check "shuffled, one at a time: the same final state" eq "$(differ "$T/runs/one.out")" 0
check "shuffled, batches of 500: the same final state" eq "$(differ "$T/runs/five.out")" 0
check "shuffled, two racing instances: the same final state" eq \
    "$(differ "$T/runs/two-a.out" "$T/runs/two-b.out")" 0
learning=(--set cluster.common_after=4 --set cluster.anchor_df_max=32 --set cluster.bands=3)
cluster --set redis.prefix=pub-common: --set batch.size=500 "${learning[@]}" \
    <"$T/feed.fp" >"$T/runs/pub-common.out"
shuffle 2 <"$T/feed.fp" | cluster --set redis.prefix=five-common: --set batch.size=500 \
    "${learning[@]}" >"$T/runs/five-common.out"
moved=$(final "$T/runs/five-common.out" | diff - <(final "$T/runs/pub-common.out") | grep -c '^>')
check "with common text and anchors on, shuffling moves at most 1% of decisions ($moved of 2,600)" \
    test "$moved" -le 26
revs=$(jq -r 'select(.revised_by) | .id' "$T/runs/one.out" | wc -l)
echo "     revisions: $revs for 2,600 articles fed shuffled one at a time" \
    "($(jq -r 'select(.revised_by) | .id' "$T/runs/five.out" | wc -l) in batches of 500)"
check "stories are whole: every duplicate is in its original's story" eq \
    "$(jq -s '(map({(.[0]): .[1]}) | add) as $s | map(select(.[2] != null and $s[.[2]] != .[1])) | length' "$T/pub.final")" 0

finish
