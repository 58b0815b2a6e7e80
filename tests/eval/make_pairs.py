#!/usr/bin/env python3
"""make_pairs.py - labelled pair sets, one per failure class of "Find the copies", from
Reuters-21578.

Each pair is an article and a copy of it made one way; pairs share no text with each other
(every article and every filler paragraph is used once), so any relation across pairs is a
false positive. Sets:
  contained  a short article (100-300 words) inside a page of unrelated paragraphs 2, 5 or 10
             times its size, whole (a duplicate) or its first sentences, 40-50% of its
             shingles (the same story); the page
             comes after the article or before it (a long page first, the short copy later);
  short      a short article (100-300 words) and a copy cut to its first 60% (duplicate), lightly
             edited (word swaps, a sentence dropped, one added: duplicate) or heavily edited
             (a third of the sentences dropped, the rest reordered, every fifth word changed:
             the same story);
  templates  hard negatives: two of Reuters-21578's recurring notices of one kind (quarterly
             results, dividends, SEC filings, eurobond issues, ...) about different companies
             (unrelated: expect none); and real copies that only corrected a figure (one number
             changed: duplicate).
Writes JSONL in the news.raw contract; every line carries meta.pair (the pair's id), meta.kind
(the set and how the copy was made), published_at in stream order, and meta.expect (what the later of the two should say of
the earlier: duplicate or story). Deterministic for a given --seed. Standard library only.
"""
import argparse
import gzip
import json
import random
import re

from make_syndication import SWAPS, paragraphs, shares_much, shingles

FILLER_RATIOS = [2, 5, 10]


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def distinct_articles(docs, lo, hi):
    """Articles of lo..hi words that share little text with each other (drawn in order)."""
    index, out = {}, []
    for d in docs:
        words = len(d["text"].split())
        if not lo <= words <= hi:
            continue
        sh = shingles(d["text"])
        if shares_much(index, sh, 0.05):
            continue
        for s in sh:
            index.setdefault(s, []).append(len(out))
        out.append(d)
    return out


def leading_part(paras, share, most):
    """The article's opening with 'share' to 'most' of its shingles: a story, not a copy. Its
    first sentences, the last of them cut at a word when a whole one would pass 'most' (a
    sentence can be half of a short article: whole sentences alone made parts of up to 100%,
    true duplicates labelled as stories)."""
    whole = len(shingles(" ".join(paras)))
    ss = sentences(" ".join(paras))
    for n in range(1, len(ss) + 1):
        if len(shingles(" ".join(ss[:n]))) < share * whole:
            continue
        if len(shingles(" ".join(ss[:n]))) <= most * whole:
            return [" ".join(ss[:n])]
        words = ss[n - 1].split()
        for w in range(1, len(words) + 1):
            text = " ".join(ss[:n - 1] + [" ".join(words[:w])])
            if len(shingles(text)) >= share * whole:
                return [text]
    return ss


def article(doc_id, title, paras, meta):
    return {"id": doc_id, "source": "Reuters", "title": title, "body": "\n\n".join(paras),
            "content_type": "text/plain", "meta": meta}


def contained_pairs(rng, bases, fillers, n):
    out = []
    for i, d in enumerate(bases[:n]):
        ratio = FILLER_RATIOS[i % 3]
        part = "whole" if i % 2 == 0 else "part"
        host_first = (i // 6) % 2 == 1
        ps = paragraphs(d["text"])
        inside = ps if part == "whole" else leading_part(ps, 0.4, 0.5)
        words = sum(len(p.split()) for p in ps)
        page, have = [], 0
        while have < (ratio - 1) * words and fillers:
            p = fillers.pop()
            page.append(p)
            have += len(p.split())
        at = rng.randrange(len(page) + 1)
        page[at:at] = inside
        kind = "contained 1:%d %s%s" % (ratio, part, ", page first" if host_first else "")
        meta = {"pair": d["id"], "kind": kind,
                "expect": "duplicate" if part == "whole" else "story"}
        pair = [article(d["id"], d["title"], ps, meta),
                article(d["id"] + "-page", "Business news roundup", page, meta)]
        out.append(pair[::-1] if host_first else pair)
    return out


def edit(rng, text, kind):
    ss = sentences(text)
    if kind == "cut":
        return ss[:max(1, int(len(ss) * 0.6))]
    if kind == "light":
        for a, b in rng.sample(SWAPS, 3):
            ss = [s.replace(a, b) for s in ss]
        if len(ss) > 2:
            del ss[rng.randrange(1, len(ss))]
        ss.insert(rng.randrange(1, len(ss) + 1),
                  "The company did not immediately respond to a request for comment.")
        return ss
    keep = [s for s in ss if rng.random() > 0.33] or ss[:1]
    rng.shuffle(keep)
    out = []
    for s in keep:
        w = s.split()
        for j in range(rng.randrange(5), len(w), 5):
            w[j] = rng.choice(["reportedly", "its", "new", "major", "local", "about", "further"])
        out.append(" ".join(w))
    return out


def short_pairs(rng, bases, n):
    out = []
    kinds = ["cut", "light", "heavy"]
    for i, d in enumerate(bases[:n]):
        kind = kinds[i % 3]
        meta = {"pair": d["id"], "kind": "short " + kind,
                "expect": "story" if kind == "heavy" else "duplicate"}
        text = " ".join(paragraphs(d["text"]))
        out.append([article(d["id"], d["title"], [text], meta),
                    article(d["id"] + "-" + kind, d["title"].title(),
                            [" ".join(edit(rng, text, kind))], meta)])
    return out


# Reuters-21578's recurring notices, by title
TEMPLATES = [r"\d(ST|ND|RD|TH) QTR (NET|LOSS)$", r"SETS QUARTERLY", r"YEAR (NET|LOSS)$",
             r"WITH THE SEC$", r"FILES FOR .*OFFERING", r"ISSUES .*(BOND|EUROBOND)$",
             r"CATTLE SLAUGHTER GUESSTIMATES", r"DOWNGRADED BY", r"UPGRADED BY",
             r"(JAN|FEB|DEC|MARCH) \d+ (NET|LOSS)$", r"RAISES (QUARTERLY|QTLY) (DIVIDEND|PAYOUT)"]


def template_pairs(rng, docs, n):
    """Pairs of notices of one kind about different companies: each notice used once, and none
    that is a resend of one already used (Reuters sent some notices twice: the two are one
    story, not two)."""
    groups = {}
    for d in docs:
        for i, t in enumerate(TEMPLATES):
            if re.search(t, d["title"]) and len(d["text"].split()) >= 15:
                groups.setdefault(i, []).append(d)
                break
    out = []
    used = {}  # shingle -> the notices used so far that have it
    while len(out) < n and any(len(g) >= 2 for g in groups.values()):
        for g in groups.values():
            if len(g) >= 2 and len(out) < n:
                a, b = g.pop(), g.pop()
                sa, sb = shingles(a["text"]), shingles(b["text"])
                if a["title"] == b["title"] or shares_much({s: [0] for s in sa}, sb, 0.8) or \
                        shares_much(used, sa, 0.8) or shares_much(used, sb, 0.8):
                    continue  # a resend, not another company's notice
                for k, sh in enumerate((sa, sb)):
                    for s in sh:
                        used.setdefault(s, []).append(2 * len(out) + k)
                meta = {"pair": a["id"], "kind": "template notice", "expect": "none"}
                out.append([article(a["id"], a["title"], paragraphs(a["text"]), meta),
                            article(b["id"], b["title"], paragraphs(b["text"]), meta)])
    return out


def corrected_figure(rng, bases, n):
    """A short article and the same with one number changed."""
    out = []
    for d in bases:
        text = " ".join(paragraphs(d["text"]))
        nums = list(re.finditer(r"\d+", text))
        if not nums or len(out) == n:
            continue
        m = rng.choice(nums)
        fixed = text[:m.start()] + str(int(m.group()) + 1) + text[m.end():]
        meta = {"pair": d["id"], "kind": "corrected figure", "expect": "duplicate"}
        out.append([article(d["id"], d["title"], [text], meta),
                    article(d["id"] + "-corrected", d["title"], [fixed], meta)])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reuters", help="reuters21578.jsonl.gz")
    ap.add_argument("--set", choices=["contained", "short", "templates"], required=True)
    ap.add_argument("--pairs", type=int, default=180)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    docs = [json.loads(l) for l in gzip.open(a.reuters, "rt")]
    docs = [d for d in docs if d.get("text")]
    rng.shuffle(docs)
    pool = distinct_articles(docs, 100, 300)
    bases = pool[:a.pairs]
    if a.set == "contained":
        # filler paragraphs from articles distinct from every base and from each other
        fillers = [p for d in pool[a.pairs:] for p in paragraphs(d["text"])
                   if len(p.split()) >= 20]
        rng.shuffle(fillers)
        pairs = contained_pairs(rng, bases, fillers, a.pairs)
    elif a.set == "short":
        pairs = short_pairs(rng, bases, a.pairs)
    else:
        pairs = template_pairs(rng, docs, a.pairs) + corrected_figure(rng, bases, a.pairs // 3)
    rng.shuffle(pairs)
    with open(a.out, "w") as f:
        for i, doc in enumerate(d for pair in pairs for d in pair):
            # the stream order is the publication order (one batch holds many articles)
            doc["published_at"] = "1987-03-01T%02d:%02d:%02dZ" % (i // 3600, i // 60 % 60, i % 60)
            f.write(json.dumps(doc) + "\n")
    print("%s set: %d pairs -> %s" % (a.set, len(pairs), a.out))


if __name__ == "__main__":
    main()
