#!/usr/bin/env python3
"""make_syndication.py - a labelled syndication set built from Reuters-21578.

Picks distinct base articles (bases that already share much text with an earlier base are
dropped), makes variants the way newsrooms do (truncation to the first paragraphs, dropped or
reordered paragraphs, new headline and dateline style, "U.S."/"American" swaps, site
boilerplate before and after, an inserted local paragraph, curly quotes and dashes), and mixes
in unrelated articles. Writes JSONL in the news.raw contract; every line carries
meta.base (the base id, or null for unrelated articles) and meta.kinds (what was done).
Deterministic for a given --seed. Standard library only.
"""
import argparse
import gzip
import json
import random
import re

BOILER_BEFORE = [
    "Subscribe to our newsletter for the latest business news. Sign up for free today.",
    "Dear Reader, our journalism depends on you. Become a member and support our independent reporting.",
    "Home | Business | Markets | World | Technology",
    "Sep 13, 4:19 PM (ET)",
    "1 minute read",
]
BOILER_AFTER = [
    "Click here to read more business news.",
    "Related Content",
    "Photo: file photo (photo credit: Reuters)",
    "Share this article on Facebook",
    "Join our Premium Plus now for just $5 and upgrade your experience with an ads-free website.",
]
SITES = ["Daily Ledger", "Metro Business Wire", "The Courier", "Market Watchers", "City Post",
         "Global Times Online", "The Examiner", "Finance Today"]
SWAPS = [("U.S.", "American"), ("said", "says"), ("percent", "pct"), ("mln", "million"),
         ("dlrs", "dollars"), ("billion", "bln"), ("company", "firm")]
# --footers: each site's own closing line, on every article it publishes (no general rule
# knows these: only learning what a site repeats removes them)
SITE_FOOTERS = [
    "Follow us on social media for more stories like this and share your thoughts with our newsroom.",
    "Stay informed with the Metro Business Wire morning briefing, delivered to your inbox every weekday.",
    "The Courier brings you the stories that matter to our community, from our newsroom to your door.",
    "Market Watchers readers can send their questions to our editors for the weekly reader mailbag column.",
    "City Post is an independent local newsroom serving readers across the metropolitan area since 1921.",
    "Global Times Online publishes business and markets coverage around the clock for readers worldwide.",
    "The Examiner welcomes letters to the editor on this and other topics of interest to our readers.",
    "Finance Today is read by investors and executives who want the markets explained in plain words.",
]
LOCAL = [
    "Local analysts said the move could affect jobs in the region, though details were scarce.",
    "The city's chamber of commerce did not immediately respond to a request for comment.",
    "Shares of regional suppliers were little changed in morning trading on the local exchange.",
]


def paragraphs(text):
    """Reuters text: hard-wrapped lines, paragraphs start with an indented line."""
    paras, cur = [], []
    for line in text.split("\n"):
        if line.startswith("    ") and cur:
            paras.append(" ".join(cur))
            cur = []
        if line.strip():
            cur.append(line.strip())
    if cur:
        paras.append(" ".join(cur))
    return [p for p in paras if p and p != "Reuter" and not p.endswith(" Reuter")] or paras


def shingles(text, k=3):
    w = re.findall(r"\w+", text.lower())
    return {" ".join(w[i:i + k]) for i in range(max(1, len(w) - k + 1))}


def shares_much(index, sh, share):
    """Whether shingle set sh shares more than 'share' of itself with one article of index
    (shingle -> article numbers)."""
    counts = {}
    for s in sh:
        for b in index.get(s, ()):
            counts[b] = counts.get(b, 0) + 1
    return any(c > share * len(sh) for c in counts.values())


def curly(s):
    s = re.sub(r'"(\w)', "\u201c\\1", s)
    s = s.replace('"', "\u201d").replace("'", "\u2019").replace(" - ", " \u2014 ")
    return s


def make_variant(rng, base, paras, kinds):
    ps = list(paras)
    title = base["title"]
    if "truncate" in kinds:
        keep = max(1, int(round(len(ps) * rng.uniform(0.5, 0.8))))
        ps = ps[:keep]
    if "truncate_half" in kinds:
        ps = ps[:max(1, (len(ps) + 1) // 2)]
    if "drop" in kinds and len(ps) > 3:
        del ps[rng.randrange(1, len(ps))]
    if "reorder" in kinds and len(ps) > 3:
        i = rng.randrange(1, len(ps) - 1)
        ps[i], ps[i + 1] = ps[i + 1], ps[i]
    if "dateline" in kinds and ps:
        ps[0] = re.sub(r"^([A-Z][A-Z .]+), \w+ \d+ - ", r"\1 (Reuters) - ", ps[0])
    if "swap" in kinds:
        for a, b in rng.sample(SWAPS, 3):
            ps = [p.replace(a, b) for p in ps]
    if "local" in kinds and len(ps) > 1:
        ps.insert(rng.randrange(1, len(ps)), rng.choice(LOCAL))
    if "headline" in kinds:
        title = title.title() + (" - " + rng.choice(SITES) if rng.random() < 0.5 else "")
    if "curly" in kinds:
        ps = [curly(p) for p in ps]
    if "boilerplate" in kinds:
        ps = rng.sample(BOILER_BEFORE, 2) + ps + rng.sample(BOILER_AFTER, 2)
    return title, "\n\n".join(ps)


def with_footer(a, site, body):
    if not a.footers or site not in SITES:
        return body
    return body + "\n\n" + SITE_FOOTERS[SITES.index(site)]


KIND_SETS = [
    ["truncate_half"], ["truncate", "boilerplate"], ["drop", "headline"], ["reorder", "swap"],
    ["dateline", "headline", "curly"], ["boilerplate", "local", "curly"],
    ["truncate_half", "boilerplate", "headline"], ["swap", "drop", "local"],
    ["truncate", "swap", "curly", "dateline"], ["boilerplate"],
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reuters", help="reuters21578.jsonl.gz")
    ap.add_argument("--bases", type=int, default=600)
    ap.add_argument("--unrelated", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--footers", action="store_true",
                    help="every site closes each of its articles with its own line, and the "
                         "unrelated articles are spread over the sites")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    docs = [json.loads(l) for l in gzip.open(a.reuters, "rt")]
    rng.shuffle(docs)
    index, bases, others = {}, [], []
    for d in docs:
        ps = paragraphs(d["text"])
        if len(d["text"].split()) < 150 or len(ps) < 4:
            if len(d["text"].split()) >= 40:
                others.append(d)
            continue
        sh = shingles(d["text"])
        if shares_much(index, sh, 0.2):
            continue  # already a near-duplicate of a base: not distinct
        if len(bases) < a.bases:
            for s in sh:
                index.setdefault(s, []).append(len(bases))
            bases.append((d, ps))
        else:
            others.append(d)
    # unrelated articles must not be copies of a base either
    unrelated = []
    for d in others:
        if not shares_much(index, shingles(d["text"]), 0.1):
            unrelated.append(d)
        if len(unrelated) == a.unrelated:
            break
    out = []
    for i, (d, ps) in enumerate(bases):
        out.append({"t": i * 10.0, "doc": {
            "id": d["id"], "source": "Reuters", "title": d["title"],
            "body": "\n\n".join(ps), "content_type": "text/plain",
            "meta": {"base": d["id"], "kinds": ["original"]}}})
        for v in range(rng.randint(1, 4)):
            kinds = rng.choice(KIND_SETS)
            title, body = make_variant(rng, d, ps, kinds)
            site = rng.choice(SITES)
            out.append({"t": i * 10.0 + rng.uniform(1, 3000), "doc": {
                "id": "%s-v%d" % (d["id"], v), "source": site, "title": title,
                "body": with_footer(a, site, body), "content_type": "text/plain",
                "meta": {"base": d["id"], "kinds": kinds}}})
    span = len(bases) * 10.0 + 3000
    for d in unrelated:
        site = rng.choice(SITES) if a.footers else "Reuters"
        out.append({"t": rng.uniform(0, span), "doc": {
            "id": d["id"], "source": site, "title": d["title"],
            "body": with_footer(a, site, "\n\n".join(paragraphs(d["text"]))),
            "content_type": "text/plain",
            "meta": {"base": None, "kinds": ["unrelated"]}}})
    out.sort(key=lambda x: x["t"])
    with open(a.out, "w") as f:
        for x in out:
            f.write(json.dumps(x["doc"]) + "\n")
    nvar = sum(1 for x in out if x["doc"]["meta"]["kinds"] not in (["original"], ["unrelated"]))
    print("syndication set: %d bases, %d variants, %d unrelated -> %s"
          % (len(bases), nvar, len(unrelated), a.out))


if __name__ == "__main__":
    main()
