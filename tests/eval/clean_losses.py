#!/usr/bin/env python3
"""clean_losses.py - where the gold text that nearwire-clean missed went, by drop reason.

  clean_losses.py TRACE_BIN INPUT.jsonl GOLD.json [N]

Runs the development tool clean_trace (build/dev/clean_trace) on every page of INPUT.jsonl
(eval_clean.sh's prepared input), and attributes each gold word 4-shingle the kept text lacks
to the first dropped paragraph (or pruned container) holding it: the reason's share of all
missed shingles, summed over pages, and the N pages (default 5) losing most by each reason with
a sample of the lost text. Standard library only."""
import collections
import json
import subprocess
import sys

from clean_benchmark import WORD, shingles


def words(text):
    return [t.lower() for t in WORD.findall(text)]


def shingles_of_words(w, k=4):
    if len(w) < k:
        return {tuple(w)} if w else set()
    return {tuple(w[i:i + k]) for i in range(len(w) - k + 1)}


def main(trace_bin, inp, gold_path, n=5):
    gold = {k: v["articleBody"] for k, v in json.load(open(gold_path)).items()}
    lost = collections.Counter()
    pages = collections.defaultdict(list)
    total_missed = total_gold = 0
    for line in open(inp):
        d = json.loads(line)
        g = shingles(gold.get(d["id"], ""))
        out = subprocess.run([trace_bin], input=d["body"].encode(), capture_output=True).stdout
        paras = [ln.split("\t", 1) for ln in out.decode("utf-8", "replace").split("\n") if "\t" in ln]
        kept_words = [w for why, text in paras if why == "none" for w in words(text)]
        kept = shingles_of_words(kept_words)
        missed = g - kept
        total_gold += len(g)
        total_missed += len(missed)
        # every paragraph's words in page order (pruned containers after), each with its
        # paragraph's reason: a missed shingle goes to the first dropped paragraph it touches
        stream = [(w, why) for why, text in paras for w in words(text)]
        by = collections.Counter()
        sample = {}
        for i in range(len(stream) - 3):
            sh = tuple(w for w, _ in stream[i:i + 4])
            if sh not in missed:
                continue
            why = next((y for _, y in stream[i:i + 4] if y != "none"), "none")
            by[why] += 1
            sample.setdefault(why, " ".join(w for w, _ in stream[i:i + 30]))
            missed.discard(sh)
        by["never_extracted"] += len(missed)
        for why, k in by.items():
            lost[why] += k
            pages[why].append((k / max(len(g), 1), d["id"], sample.get(why, "")))
    print("gold shingles %d, missed %d (%.1f%%)" % (total_gold, total_missed,
                                                   100.0 * total_missed / max(total_gold, 1)))
    for why, k in lost.most_common():
        print("  %-22s %6d  %.1f%% of missed" % (why, k, 100.0 * k / max(total_missed, 1)))
        for share, pid, text in sorted(pages[why], reverse=True)[:int(n)]:
            print("      %.2f  %-18s %s" % (share, pid[:18], text))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:])
