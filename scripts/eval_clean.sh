#!/usr/bin/env bash
# eval_clean.sh - nearwire-clean on the article-extraction-benchmark (181 news pages with
# gold article text, tests/data/article-extraction-benchmark): the benchmark's metric
# (word 4-shingles of \w+ tokens, precision and recall per page, macro-averaged).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
D=$NW_ROOT/tests/data/article-extraction-benchmark
OUT=$NW_ROOT/build/eval
mkdir -p "$OUT"
python3 "$NW_ROOT/tests/eval/clean_benchmark.py" prepare "$D" "$OUT/aeb.jsonl"
"$NW_BIN/nearwire-clean" --pipe --set clean.repeated_after=0 <"$OUT/aeb.jsonl" >"$OUT/aeb.clean.jsonl"
echo "nearwire-clean on the article-extraction-benchmark:"
python3 "$NW_ROOT/tests/eval/clean_benchmark.py" score "$D/ground-truth.json" "$OUT/aeb.clean.jsonl"
