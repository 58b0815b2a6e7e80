#!/usr/bin/env bash
# eval_clean.sh - nearwire-clean's article text scored against hand-made or reference gold, one
# line per set, with the benchmark's metric (word 4-shingles of \w+ tokens, precision and recall
# per page, macro-averaged):
#   - the article-extraction-benchmark (181 news pages, tests/data);
#   - Mozilla Readability's test pages (93 real pages; gold = Readability.js's output) and
#     Dragnet (1,381 pages of 2012, train and test splits), both read from ../shared/data (or
#     NW_SHARED_DATA) and skipped, saying so, when it is not there. Dragnet is AGPL: it is
#     scored where it lies, never copied into the repository.
# NW_EVAL_PEERS=1 also scores trafilatura 2.2.0 on every set in the same run (a virtualenv in
# build/peers, made from PyPI the first time; tests/eval/peer_extract.py).
# NW_EVAL_LOSSES=1 also says, per set, which rule dropped the gold text that was missed
# (tests/eval/clean_losses.py with build/dev/clean_trace; `make dev-tools` builds it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
OUT=$NW_ROOT/build/eval
SHARED=${NW_SHARED_DATA:-$NW_ROOT/../shared/data}
SCORE="python3 $NW_ROOT/tests/eval/clean_benchmark.py"
mkdir -p "$OUT"

clean() { # IN.jsonl OUT.jsonl
    "$NW_BIN/nearwire-clean" --pipe --set clean.repeated_after=0 <"$1" >"$2"
}

losses() { # NAME GOLD.json
    if [ "${NW_EVAL_LOSSES:-0}" = 1 ]; then
        python3 "$NW_ROOT/tests/eval/clean_losses.py" "$NW_BIN/../dev/clean_trace" \
            "$OUT/$1.jsonl" "$2"
    fi
}

if [ "${NW_EVAL_PEERS:-0}" = 1 ]; then
    PEER_PY=$(nw_peers_python trafilatura==2.2.0 lxml_html_clean)
fi

peer() { # NAME GOLD.json: the peer's line for the set
    if [ "${NW_EVAL_PEERS:-0}" = 1 ]; then
        "$PEER_PY" "$NW_ROOT/tests/eval/peer_extract.py" "$OUT/$1.jsonl" "$OUT/$1.peer.json"
        echo "   trafilatura 2.2.0 (no comments), same run: \
$($SCORE score "$2" "$OUT/$1.peer.json" | sed -n 1p)"
    fi
}

D=$NW_ROOT/tests/data/article-extraction-benchmark
$SCORE prepare "$D" "$OUT/aeb.jsonl"
clean "$OUT/aeb.jsonl" "$OUT/aeb.clean.jsonl"
echo "== article-extraction-benchmark (181 pages; published F1: go-trafilatura 0.960,"
echo "   trafilatura 0.958, Readability.js 0.947, boilerpipe 0.860, jusText 0.804)"
$SCORE score "$D/ground-truth.json" "$OUT/aeb.clean.jsonl"
peer aeb "$D/ground-truth.json"
losses aeb "$D/ground-truth.json"

one_set() { # NAME PAGES SELECT HEADLINE
    $SCORE prepare-set "$2" "$3" "$OUT/$1.jsonl" "$OUT/$1.gold.json"
    clean "$OUT/$1.jsonl" "$OUT/$1.clean.jsonl"
    echo "== $4"
    $SCORE score "$OUT/$1.gold.json" "$OUT/$1.clean.jsonl"
    peer "$1" "$OUT/$1.gold.json"
    losses "$1" "$OUT/$1.gold.json"
}

if [ -f "$SHARED/readability-test-pages/pages.jsonl.gz" ]; then
    one_set readability "$SHARED/readability-test-pages/pages.jsonl.gz" real \
        "Readability test pages, 93 real (gold is Readability.js's own output: it scores 1.000)"
else
    echo "== Readability test pages: skipped ($SHARED/readability-test-pages not found)"
fi
if [ -f "$SHARED/dragnet/pages.jsonl.gz" ]; then
    one_set dragnet-train "$SHARED/dragnet/pages.jsonl.gz" train \
        "Dragnet train split (966 pages; the rules are tuned on this one)"
    one_set dragnet-test "$SHARED/dragnet/pages.jsonl.gz" test \
        "Dragnet test split (415 pages; held out)"
else
    echo "== Dragnet: skipped ($SHARED/dragnet not found)"
fi
