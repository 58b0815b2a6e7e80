#!/usr/bin/env python3
"""peer_extract.py - a peer extractor on eval_clean.sh's prepared pages, for its comparison.

  peer_extract.py INPUT.jsonl OUT.json

INPUT.jsonl: {id, body} records (eval_clean.sh's prepared input). OUT.json: {id: text}, which
clean_benchmark.py score reads. The peer is trafilatura, run from the Python that has it
(eval_clean.sh's NW_EVAL_PEERS=1 makes a virtualenv in build/peers), on the page alone with
its defaults except include_comments=False: the article without its readers' comments, as
nearwire-clean and every set's gold define it (with comments, trafilatura 2.2.0 scores 0.956
on the 181 pages and 0.829 on Dragnet's test split, against 0.963 and 0.896 without). A page
the peer fails on scores as empty."""
import json
import sys

import trafilatura


def main(inp, out):
    texts = {}
    for line in open(inp):
        d = json.loads(line)
        try:
            texts[d["id"]] = trafilatura.extract(d["body"], include_comments=False) or ""
        except Exception:  # the peer's own failure on a page is its empty answer
            texts[d["id"]] = ""
    with open(out, "w") as f:
        json.dump(texts, f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
