#!/usr/bin/env python3
"""score.py - scores the pipeline's decisions on a labelled set.

Reads the cluster stage's output (JSONL, in stream order; revision records give each document
its final decision, the highest cluster.revision) whose documents carry meta.base
(same base = copies of one article; null = unrelated) and prints:
  - dup_of: precision, recall, F1 (a document with an earlier copy must name one as dup_of);
  - recall by variant kind;
  - duplicate pairs: precision, recall, F1 over all (document, earlier copy) pairs listed
    as duplicate matches;
  - the adjusted Rand index of story_id against the true grouping;
  - the dup_of F1 as the containment threshold varies (recomputed from the listed matches).
Standard library only.
"""
import argparse
import json
from collections import defaultdict
from math import comb


def ari(labels_true, labels_pred):
    pairs = defaultdict(int)
    a, b = defaultdict(int), defaultdict(int)
    for t, p in zip(labels_true, labels_pred):
        pairs[(t, p)] += 1
        a[t] += 1
        b[p] += 1
    n = len(labels_true)
    index = sum(comb(v, 2) for v in pairs.values())
    sa, sb = sum(comb(v, 2) for v in a.values()), sum(comb(v, 2) for v in b.values())
    expected = sa * sb / comb(n, 2) if n > 1 else 0
    top = (sa + sb) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def final_decisions(records):
    """The documents of a cluster output in stream order, each with its final decision (the
    highest cluster.revision among it and the revision records about it)."""
    final = {}
    for d in records:
        c = d["cluster"]
        if d["id"] not in final or c.get("revision", 0) >= final[d["id"]].get("revision", 0):
            final[d["id"]] = c
    return [dict(d, cluster=final[d["id"]]) for d in records if "revised_by" not in d]


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("clustered", help="the cluster stage's output, JSONL")
    ap.add_argument("--name", default="set")
    ap.add_argument("--dup-jaccard", type=float, default=0.5)
    a = ap.parse_args()
    docs = final_decisions([json.loads(l) for l in open(a.clustered)])
    base_of = {d["id"]: (d.get("meta") or {}).get("base") for d in docs}
    seen_bases = set()
    tp = fp = fn = 0
    by_kind = defaultdict(lambda: [0, 0])
    ptp = pfp = pfn = 0
    earlier = defaultdict(int)
    rows = []
    for d in docs:
        base = base_of[d["id"]]
        c = d["cluster"]
        has_copy = base is not None and base in seen_bases
        dup = c["dup_of"]
        correct = dup is not None and base is not None and base_of.get(dup) == base
        if dup is not None:
            tp += correct
            fp += not correct
        if has_copy and not correct:
            fn += 1
        if has_copy:
            for k in d["meta"]["kinds"]:
                by_kind[k][0] += correct
                by_kind[k][1] += 1
        pred_pairs = {m["id"] for m in c["matches"] if m["relation"] == "duplicate"}
        true_n = earlier[base] if base is not None else 0
        hit = sum(1 for m in pred_pairs if base is not None and base_of.get(m) == base)
        ptp += hit
        pfp += len(pred_pairs) - hit
        pfn += true_n - hit
        rows.append((base, has_copy, c["matches"]))
        if base is not None:
            seen_bases.add(base)
            earlier[base] += 1
    p, r, f = prf(tp, fp, fn)
    print("%s: %d documents, %d with an earlier copy" % (a.name, len(docs),
                                                         sum(1 for x in rows if x[1])))
    print("  dup_of           precision %.4f  recall %.4f  F1 %.4f  (tp %d fp %d fn %d)"
          % (p, r, f, tp, fp, fn))
    p2, r2, f2 = prf(ptp, pfp, pfn)
    print("  duplicate pairs  precision %.4f  recall %.4f  F1 %.4f" % (p2, r2, f2))
    truth = [base_of[d["id"]] or ("solo", d["id"]) for d in docs]
    pred = [d["cluster"]["story_id"] for d in docs]
    print("  stories          adjusted Rand index %.4f" % ari(truth, pred))
    members = defaultdict(list)
    for t, s in zip(truth, pred):
        members[s].append(t)
    true_size = defaultdict(int)
    for t in truth:
        true_size[t] += 1
    over = [(len(m), max(true_size[t] for t in m)) for m in members.values()
            if len(m) > max(true_size[t] for t in m)]
    print("  stories larger than any true story of their members: %d%s" % (
        len(over), " (largest %d articles, its members' true stories at most %d)" % max(over)
        if over else ""))
    print("  recall by variant kind:")
    for k in sorted(by_kind):
        ok, n = by_kind[k]
        print("    %-14s %.4f  (%d/%d)" % (k, ok / n if n else 1.0, ok, n))
    print("  dup_of F1 as the containment threshold varies (Jaccard threshold %.2f):"
          % a.dup_jaccard)
    for t in [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9]:
        tp = fp = fn = 0
        for (base, has_copy, matches), d in zip(rows, docs):
            best = None
            for m in matches:
                if m["containment"] >= t or m["jaccard"] >= a.dup_jaccard:
                    best = m
                    break  # matches are sorted best first
            correct = best is not None and base is not None and base_of.get(best["id"]) == base
            if best is not None:
                tp += correct
                fp += not correct
            if has_copy and not correct:
                fn += 1
        p, r, f = prf(tp, fp, fn)
        print("    containment >= %.2f  precision %.4f  recall %.4f  F1 %.4f" % (t, p, r, f))


if __name__ == "__main__":
    main()
