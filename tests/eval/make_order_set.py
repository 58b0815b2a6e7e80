#!/usr/bin/env python3
"""make_order_set.py REUTERS_GZ N_BASES N_COPIES SEED - a feed for order-independence tests:
N_BASES Reuters-21578 articles with made-up publication times, and N_COPIES variants of them
(exact resends, truncations, boilerplate wraps, light edits, new headlines) published from
half an hour before to four hours after their base, so some copies come first. JSONL on
stdout in publication order: {id, source, title, body, published_at}."""
import gzip
import json
import random
import sys
from datetime import datetime, timedelta, timezone

BOILER_BEFORE = ["Subscribe to our newsletter for the latest business news.",
                 "Advertisement", "Share this article on Facebook Twitter Email"]
BOILER_AFTER = ["Click here for more business news.", "Copyright 2026. All rights reserved.",
                "Related: more stories from our wire partners"]


def variant(rng, body):
    words = body.split(" ")
    kind = rng.choice(["resend", "truncate", "wrap", "edit", "truncate_wrap"])
    if kind in ("truncate", "truncate_wrap"):
        words = words[: max(30, int(len(words) * rng.uniform(0.5, 0.85)))]
    if kind == "edit":
        for _ in range(max(1, len(words) // 40)):
            i = rng.randrange(len(words))
            words[i] = rng.choice(["said", "told", "reported", "added", "noted"])
    text = " ".join(words)
    if kind in ("wrap", "truncate_wrap"):
        text = rng.choice(BOILER_BEFORE) + "\n\n" + text + "\n\n" + rng.choice(BOILER_AFTER)
    return kind, text


def main():
    path, nbases, ncopies, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    bases = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if len(d.get("text") or "") > 400:
                bases.append(d)
            if len(bases) == nbases:
                break
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    out = []
    for i, d in enumerate(bases):
        t = start + timedelta(minutes=rng.randrange(0, 7 * 24 * 60))
        out.append((t, {"id": "ord-%05d" % i, "source": "Reuters", "title": d.get("title") or "",
                        "body": d["text"]}))
    for k in range(ncopies):
        t0, base = out[rng.randrange(nbases)]
        kind, text = variant(rng, base["body"])
        t = t0 + timedelta(minutes=rng.randrange(-30, 240))
        title = base["title"] if rng.random() < 0.5 else "Update: " + base["title"]
        out.append((t, {"id": "ord-c%05d" % k, "source": "site-%d" % rng.randrange(50),
                        "title": title, "body": text}))
    out.sort(key=lambda p: (p[0], p[1]["id"]))
    for t, d in out:
        d["published_at"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
        print(json.dumps(d))


if __name__ == "__main__":
    main()
