#!/usr/bin/env python3
"""clean_benchmark.py - the article-extraction-benchmark's metric for nearwire-clean.

  prepare DIR OUT.jsonl         pages (html/*.html.gz) -> input documents (text/html), decoded
                                as UTF-8, else by their <meta charset>, else Windows-1252
  prepare-set PAGES.jsonl.gz SELECT OUT.jsonl GOLD.json
                                a ../shared/data set of {id, html, gold, ...} records (Readability's
                                test pages, Dragnet) -> input documents and a gold file in the
                                benchmark's shape; SELECT: real (not synthetic), train or test
  score GROUND_TRUTH PRED       PRED: nearwire-clean output (JSONL with id, text), or an
                                extractor's output file from the benchmark ({id: {articleBody}})

Score: per page, the sets of word 4-shingles of \\w+ tokens (lower-cased) of the gold and
the extracted text; precision and recall per page, macro-averaged; F1 of the averages, as in
the benchmark's README. Also lists the pages with the lowest F1. Standard library only.
"""
import gzip
import json
import os
import re
import sys

WORD = re.compile(r"\w+")


def shingles(text, k=4):
    w = [t.lower() for t in WORD.findall(text or "")]
    if len(w) < k:
        return {tuple(w)} if w else set()
    return {tuple(w[i:i + k]) for i in range(len(w) - k + 1)}


def decode(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:4096])
        if m:
            try:
                return raw.decode(m.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        return raw.decode("cp1252", errors="replace")


def prepare(d, out):
    with open(out, "w") as f:
        for name in sorted(os.listdir(os.path.join(d, "html"))):
            page_id = name.split(".")[0]
            html = decode(gzip.open(os.path.join(d, "html", name)).read())
            f.write(json.dumps({"id": page_id, "content_type": "text/html", "body": html}) + "\n")


SELECTORS = {
    "real": lambda d: not d.get("synthetic", False),
    "train": lambda d: d.get("split") == "train",
    "test": lambda d: d.get("split") == "test",
}


def prepare_set(src, select, out, gold_out):
    keep = SELECTORS[select]
    gold = {}
    with gzip.open(src, "rt") as f, open(out, "w") as o:
        for d in map(json.loads, f):
            if keep(d):
                o.write(json.dumps({"id": d["id"], "content_type": "text/html",
                                    "body": d["html"]}) + "\n")
                gold[d["id"]] = {"articleBody": d["gold"]}
    with open(gold_out, "w") as g:
        json.dump(gold, g)


def load_pred(path):
    """A benchmark output file ({id: text or {articleBody}}) or our JSONL ({id, text})."""
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError:
            f.seek(0)
            return {d["id"]: d.get("text", "") for d in map(json.loads, f)}
    if isinstance(data.get("output"), dict):  # some benchmark files wrap the pages
        data = data["output"]
    return {k: (v.get("articleBody", "") if isinstance(v, dict) else v or "")
            for k, v in data.items()}


def score(gt_path, pred_path):
    gold = {k: v["articleBody"] for k, v in json.load(open(gt_path)).items()}
    pred = load_pred(pred_path)
    ps, rs, rows = [], [], []
    for k, g in gold.items():
        gs, es = shingles(g), shingles(pred.get(k, ""))
        tp = len(gs & es)
        p = tp / len(es) if es else (1.0 if not gs else 0.0)
        r = tp / len(gs) if gs else 1.0
        ps.append(p)
        rs.append(r)
        rows.append((2 * p * r / (p + r) if p + r else 0.0, p, r, k))
    P, R = sum(ps) / len(ps), sum(rs) / len(rs)
    F = 2 * P * R / (P + R) if P + R else 0.0
    print("pages %d  precision %.3f  recall %.3f  F1 %.3f" % (len(ps), P, R, F))
    rows.sort()
    print("lowest F1:")
    for f1, p, r, k in rows[:10]:
        print("  %.3f  (P %.3f R %.3f)  %s" % (f1, p, r, k[:16]))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "prepare-set" and sys.argv[3] in SELECTORS:
        prepare_set(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "score":
        score(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
