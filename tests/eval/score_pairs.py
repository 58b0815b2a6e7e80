#!/usr/bin/env python3
"""score_pairs.py - scores the pipeline's decisions on a pair set (make_pairs.py).

Reads the cluster stage's output (JSONL, in stream order; each article's final decision is its
highest cluster.revision) and prints, for each kind of copy, how often the later article of
the pair names the earlier as expected (a duplicate as its dup_of; the same story as a match
of relation story or better; none: no relation) and how often it is related at all (a candidate that verification
kept); then over the whole set the dup_of precision, recall and F1 (a dup_of outside the pair,
or on a pair that should only be the same story, is a false positive), relations across pairs,
and the adjusted Rand index of story_id against the pairs. Standard library only.
"""
import argparse
import json
from collections import defaultdict

from score import ari, final_decisions, prf


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("clustered", help="the cluster stage's output, JSONL")
    ap.add_argument("--name", default="set")
    a = ap.parse_args()
    docs = final_decisions([json.loads(l) for l in open(a.clustered)])
    pair_of = {d["id"]: d["meta"]["pair"] for d in docs}
    first = {}
    kinds = defaultdict(lambda: [0, 0, 0])  # as expected, related, pairs
    tp = fp = fn = cross = 0
    for d in docs:
        p, c, meta = d["meta"]["pair"], d["cluster"], d["meta"]
        if p not in first:
            first[p] = d["id"]
            continue
        other = first[p]
        rel = {m["id"]: m["relation"] for m in c["matches"]}.get(other)
        want = meta["expect"]
        k = kinds[meta["kind"]]
        k[0] += rel == want or (want == "story" and rel == "duplicate") or (
            want == "none" and rel is None)
        k[1] += rel is not None
        k[2] += 1
        if want == "duplicate":
            tp += c["dup_of"] == other
            fn += c["dup_of"] != other
        fp += c["dup_of"] is not None and (c["dup_of"] != other or want != "duplicate")
    for d in docs:
        cross += sum(1 for m in d["cluster"]["matches"] if pair_of.get(m["id"]) != pair_of[d["id"]])
    negatives = [v for name, v in kinds.items() if name.startswith("template")]
    print("%s: %d pairs" % (a.name, len(first)))
    print("  %-34s %9s %9s" % ("copy", "expected", "related"))
    for name in sorted(kinds):
        ok, related, n = kinds[name]
        print("  %-34s %9s %9s" % (name, "%d/%d" % (ok, n), "%d/%d" % (related, n)))
    p, r, f = prf(tp, fp, fn)
    print("  dup_of           precision %.4f  recall %.4f  F1 %.4f  (tp %d fp %d fn %d)"
          % (p, r, f, tp, fp, fn))
    print("  relations across pairs (false positives): %d" % cross)
    if negatives:
        related = sum(v[1] for v in negatives)
        total = sum(v[2] for v in negatives)
        print("  template pairs related (false positives): %d of %d (%.1f%%)"
              % (related, total, 100.0 * related / total))
    # articles that should stand alone are their own story
    truth = [pair_of[d["id"]] if d["meta"]["expect"] != "none" else d["id"] for d in docs]
    pred = [d["cluster"]["story_id"] for d in docs]
    print("  stories          adjusted Rand index %.4f" % ari(truth, pred))


if __name__ == "__main__":
    main()
