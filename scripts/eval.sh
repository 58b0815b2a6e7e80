#!/usr/bin/env bash
# eval.sh - scores the real matching code (the stages in --pipe mode against a throwaway
# redis-server) on: the seeds; a synthetic syndication set generated from Reuters-21578
# (tests/eval/make_syndication.py); the candidate probability of contained texts; pair sets of
# contained and of short copies, and template notices as hard negatives
# (tests/eval/make_pairs.py); copies of Chinese, Japanese and Korean articles
# (tests/eval/make_cjk_pairs.py); and Reuters-21578's own resends and corrections. Then every
# figure against its goal (tests/eval/goals.py): a figure under its goal's floor fails the run,
# which CI's `make check` includes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

T=$(mktemp -d /tmp/nearwire-eval.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
trap 'nw_stop "$T/pids/redis.pid" 5; rm -rf "$T"' EXIT
nw_start_redis_any "$T"
port=$NW_REDIS_PORT
REDIS=redis://127.0.0.1:$port
OUT=$NW_ROOT/build/eval
mkdir -p "$OUT"

pipeline() { # pipeline IN OUT [--clean K=V] [cluster --set ...]: clean | fingerprint | cluster
    local in=$1 out=$2 clean_set=()
    shift 2
    if [ "${1:-}" = --clean ]; then
        clean_set=(--set "$2")
        shift 2
    fi
    redis-cli -p "$port" FLUSHALL >/dev/null
    "$NW_BIN/nearwire-clean" --pipe --set "redis.url=$REDIS" "${clean_set[@]}" <"$in" 2>>"$T/logs/eval.log" |
        "$NW_BIN/nearwire-fingerprint" --pipe 2>>"$T/logs/eval.log" |
        "$NW_BIN/nearwire-cluster" --pipe --set "redis.url=$REDIS" "$@" 2>>"$T/logs/eval.log" >"$out"
}

scores() { # every set scored; the report goes through tee and then to the goals
echo "== seeds (tests/data/seeds/seeds.jsonl, in file order, then together in reverse order)"
pipeline "$NW_ROOT/tests/data/seeds/seeds.jsonl" "$OUT/seeds.clustered.jsonl" --set batch.size=1
bash "$NW_ROOT/tests/eval/seeds_check.sh" "$OUT/seeds.clustered.jsonl"
tac "$NW_ROOT/tests/data/seeds/seeds.jsonl" >"$T/seeds.reversed.jsonl"
pipeline "$T/seeds.reversed.jsonl" "$OUT/seeds.reversed.clustered.jsonl"
bash "$NW_ROOT/tests/eval/seeds_check.sh" "$OUT/seeds.reversed.clustered.jsonl"

echo
echo "== synthetic syndication set (Reuters-21578 bases, newsroom-style variants, unrelated articles)"
python3 "$NW_ROOT/tests/eval/make_syndication.py" "$NW_ROOT/tests/data/reuters21578.jsonl.gz" \
    -o "$OUT/syndication.jsonl"
pipeline "$OUT/syndication.jsonl" "$OUT/syndication.clustered.jsonl"
python3 "$NW_ROOT/tests/eval/score.py" "$OUT/syndication.clustered.jsonl" --name synthetic

echo
echo "== the same set, each site closing every article with its own line (--footers): site lines"
echo "   kept (clean.repeated_after=0), then learned and dropped (the default, 5)"
python3 "$NW_ROOT/tests/eval/make_syndication.py" "$NW_ROOT/tests/data/reuters21578.jsonl.gz" \
    --footers -o "$OUT/footers.jsonl"
pipeline "$OUT/footers.jsonl" "$OUT/footers.kept.clustered.jsonl" --clean clean.repeated_after=0
python3 "$NW_ROOT/tests/eval/score.py" "$OUT/footers.kept.clustered.jsonl" --name "footers kept" |
    sed -n '1,4p;/stories larger/p'
pipeline "$OUT/footers.jsonl" "$OUT/footers.clustered.jsonl"
python3 "$NW_ROOT/tests/eval/score.py" "$OUT/footers.clustered.jsonl" --name "footers learned" |
    sed -n '1,4p;/stories larger/p'

echo
echo "== candidate probability: the default (3 MinHash bands and anchors: 1 in 16 of a text's"
echo "   shingles, at least 8, at most 128) against 8 bands alone (cluster.anchor_df_max=0)"
python3 - <<'PY'
def rate(n):  # the share of a text's shingles it indexes as anchors
    return min(128, max(min(8, n), n / 16)) / n
def default(j, shared, n_larger, n_smaller):  # a band or an anchor shared
    r = min(rate(n_larger), rate(n_smaller))  # an anchor of both: under both cut-offs
    return 1 - (1 - j) ** 3 * (1 - r) ** shared
print("  a pair whose smaller text (n shingles) is half inside the larger (containment 0.5)")
for n in (100, 125, 300):
    print("  n = %d   ratio   Jaccard   8 bands   default" % n)
    for r in (1, 2, 5, 10):
        shared = 0.5 * n
        j = shared / (n + r * n - shared)
        print("            1:%-2d    %.3f     %.3f     %.4f" % (r, j, 1 - (1 - j) ** 8, default(j, shared, r * n, n)))
print("  two texts of n shingles at Jaccard 0.3")
print("  n         8 bands   default")
for n in (10, 30, 60, 100, 128, 200, 500, 2000):
    shared = 2 * n * 0.3 / 1.3
    print("  %-5d     %.3f     %.4f" % (n, 1 - 0.7 ** 8, default(0.3, shared, n, n)))
PY

for set in contained short templates; do
    echo
    echo "== $set pairs (tests/eval/make_pairs.py, from Reuters-21578)"
    python3 "$NW_ROOT/tests/eval/make_pairs.py" "$NW_ROOT/tests/data/reuters21578.jsonl.gz" \
        --set "$set" -o "$OUT/$set.jsonl"
    pipeline "$OUT/$set.jsonl" "$OUT/$set.clustered.jsonl"
    python3 "$NW_ROOT/tests/eval/score_pairs.py" "$OUT/$set.clustered.jsonl" --name "$set"
    pipeline "$OUT/$set.jsonl" "$OUT/$set.bands.clustered.jsonl" \
        --set cluster.anchor_df_max=0 --set cluster.bands=8
    python3 "$NW_ROOT/tests/eval/score_pairs.py" "$OUT/$set.bands.clustered.jsonl" \
        --name "$set (bands only: cluster.anchor_df_max=0, cluster.bands=8)"
    if [ "$set" = templates ]; then # what counting common text does for the template notices
        pipeline "$OUT/$set.jsonl" "$OUT/$set.nocommon.clustered.jsonl" --set cluster.common_after=0
        python3 "$NW_ROOT/tests/eval/score_pairs.py" "$OUT/$set.nocommon.clustered.jsonl" \
            --name "$set (common text not counted: cluster.common_after=0)" |
            grep -E "pairs$|across|template pairs|adjusted"
    fi
done

echo
echo "== CJK copies (tests/eval/make_cjk_pairs.py: the CJK pages of the article-extraction-benchmark,"
echo "   and Readability's real zh and ja test pages from ../shared/data when it is there)"
RDB=${NW_SHARED_DATA:-$NW_ROOT/../shared/data}/readability-test-pages/pages.jsonl.gz
[ -f "$RDB" ] || { echo "   (Readability's pages not found: the benchmark's 4 pages only)"; RDB=; }
python3 "$NW_ROOT/tests/eval/make_cjk_pairs.py" \
    "$NW_ROOT/tests/data/article-extraction-benchmark/ground-truth.json" $RDB -o "$OUT/cjk.jsonl"
pipeline "$OUT/cjk.jsonl" "$OUT/cjk.clustered.jsonl"
python3 "$NW_ROOT/tests/eval/score_pairs.py" "$OUT/cjk.clustered.jsonl" --name "CJK copies"

echo
echo "== Reuters-21578's own resends and corrections (unlabelled: counts and a sample to read)"
# the corpus has "text" where the input contract has "body"; title-only articles are left out
zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
    jq -c 'select(.text != "") | .body = .text | del(.text)' >"$T/reuters.jsonl"
pipeline "$T/reuters.jsonl" "$T/reuters.out"
# each article with its final decision (revision records folded in)
jq -s -c 'group_by(.id) | map((map(select(.revised_by == null)) | first)
            + {cluster: (max_by(.cluster.revision).cluster)}) | .[]' "$T/reuters.out" \
    >"$OUT/reuters.clustered.jsonl"
jq -r 'select(.cluster.dup_of != null) | [.cluster.containment, .cluster.jaccard] | @tsv' \
    "$OUT/reuters.clustered.jsonl" | awk -v total="$(wc -l <"$T/reuters.jsonl")" '
    { n++; if ($2 >= 0.9) same++; else if ($1 >= 0.9) contained++; else partial++ }
    END { printf "  %d of %d articles with text name a dup_of: %d near-identical (Jaccard >= 0.9), " \
          "%d contained (containment >= 0.9), %d partial copies\n", n, total, same, contained, partial }'
jq -r '.cluster.story_id' "$OUT/reuters.clustered.jsonl" | sort | uniq -c | sort -rn |
    awk 'NR <= 3 { s = s (s ? ", " : "") $1 } END { print "  largest stories: " s " articles" }'
jq -r '[.id, .title] | @tsv' "$OUT/reuters.clustered.jsonl" >"$T/titles.tsv"
echo "  order sensitivity: the same articles with their publication times, fed in published"
echo "  order and shuffled (batches of 500): final decisions (story, dup_of) that differ"
jq -c 'select(.text != "") | .body = .text | del(.text) | .published_at = .published + "Z"' \
    <(zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz") >"$T/reuters.pub.jsonl"
pipeline "$T/reuters.pub.jsonl" "$T/pub.out"
python3 -c 'import random,sys; r=random.Random(5); l=sys.stdin.readlines(); r.shuffle(l); sys.stdout.writelines(l)' \
    <"$T/reuters.pub.jsonl" >"$T/reuters.shuf.jsonl"
pipeline "$T/reuters.shuf.jsonl" "$T/shuf.out"
final() { python3 "$NW_ROOT/tests/eval/final_state.py" "$1" | jq -c '[.id, .story_id, .dup_of]'; }
differ=$(diff <(final "$T/pub.out") <(final "$T/shuf.out") | grep -c '^>' || true)
echo "    $differ of $(wc -l <"$T/reuters.pub.jsonl") articles differ;" \
    "revision records: $(grep -c revised_by "$T/pub.out" || true) in published order," \
    "$(grep -c revised_by "$T/shuf.out" || true) shuffled"
echo "  a sample of partial copies (containment < 0.9): article <- dup_of, with titles"
jq -r 'select(.cluster.dup_of != null and .cluster.containment < 0.9) |
       [.id, .cluster.dup_of, .cluster.jaccard, .cluster.containment, .title] | @tsv' \
    "$OUT/reuters.clustered.jsonl" | awk 'NR % 7 == 1 && ++n <= 8' |
    while IFS=$'\t' read -r id dup j c title; do
        printf '    J %.2f C %.2f  %-40.40s <- %s\n' "$j" "$c" "$title" \
            "$(awk -F'\t' -v d="$dup" '$1 == d { print $2 }' "$T/titles.tsv" | cut -c1-40)"
    done
}
scores | tee "$OUT/eval.log"
echo
echo "== goals (tests/eval/goals.py: each figure against its goal; a known miss against a floor)"
python3 "$NW_ROOT/tests/eval/goals.py" "$OUT/eval.log"
echo "outputs kept in build/eval/ (the report: build/eval/eval.log)"
