#!/usr/bin/env python3
"""make_cjk_pairs.py - labelled copies of Chinese, Japanese and Korean articles (text written
without spaces between words), for make eval's CJK line.

  make_cjk_pairs.py GROUND_TRUTH.json [READABILITY_PAGES.jsonl.gz] -o OUT.jsonl

The articles: the gold text of the article-extraction-benchmark's CJK pages (2 Japanese, 2
Korean) and, when given, of Mozilla Readability's real zh and ja test pages
(../shared/data/readability-test-pages). Each article is cut at paragraph ends into bases of
about 400-900 characters, so pairs share no text with each other (any relation across pairs is
a false positive); each base and a copy of it make a pair, the copy made one way in turn:
  cut      its first 60% of sentences (a duplicate);
  light    one sentence dropped and a stock sentence added (a duplicate);
  heavy    a third of its sentences dropped, the rest reordered, a character in five changed
           (a syllable in fifteen in Korean): the same story.
Output in the news.raw contract with meta.pair, meta.kind and meta.expect, as make_pairs.py
writes; score with score_pairs.py. Deterministic. Standard library only."""
import argparse
import gzip
import json
import random
import re

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=다\.)\s*|(?<=요\.)\s*")
EDIT_CHARS = {"ja": "新大小高長", "ko": "새큰작높긴", "zh": "新大小高长"}
STOCK = {"ja": "詳しくは公式サイトをご覧ください。", "ko": "자세한 내용은 공식 홈페이지에서 확인할 수 있다.",
         "zh": "详细内容请参见官方网站。"}


def language(text):
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    return "zh"


def cjk_articles(ground_truth, readability):
    out = []
    for k, v in sorted(json.load(open(ground_truth)).items()):
        if len(CJK.findall(v["articleBody"])) > 500:
            out.append(("aeb-" + k[:12], v["articleBody"]))
    if readability:
        for d in map(json.loads, gzip.open(readability, "rt")):
            if (not d.get("synthetic") and str(d.get("lang", "")).split("-")[0] in ("zh", "ja")
                    and len(CJK.findall(d["gold"])) > 500):
                out.append(("rdb-" + d["id"], d["gold"]))
    return out


def bases(articles, lo=400, hi=900):
    """Each article cut at paragraph ends into parts of lo..hi characters."""
    out = []
    for name, text in articles:
        paras = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if len(CJK.findall(p)) >= 20]
        part, n = [], 0
        for p in paras:
            part.append(p)
            n += len(p)
            if n >= lo:
                out.append(("%s-%d" % (name, len(out)), "\n\n".join(part)[:hi]))
                part, n = [], 0
    return out


def sentences(text):
    return [s for s in SENTENCE_END.split(text) if s and s.strip()]


def copy(rng, text, kind, lang):
    ss = [s.strip() for s in sentences(text)]
    sep = " " if lang == "ko" else ""  # Korean puts spaces between words and sentences
    if kind == "cut":
        return sep.join(ss[:max(1, int(len(ss) * 0.6))])
    if kind == "light":
        if len(ss) > 2:
            del ss[rng.randrange(1, len(ss))]
        ss.insert(rng.randrange(1, len(ss) + 1), STOCK[lang])
        return sep.join(ss)
    keep = [s for s in ss if rng.random() > 0.33] or ss[:1]
    rng.shuffle(keep)
    # and the shingles a word in five changed leaves of English (make_pairs.py's heavy edit,
    # about 40%): Chinese and Japanese are shingled by characters, so a character in five;
    # Korean by its spaced words of about three syllables, so a syllable in fifteen
    step = 15 if lang == "ko" else 5
    out = []
    for s in keep:
        cs = list(s)
        for j in range(rng.randrange(step), len(cs), step):
            if CJK.match(cs[j]):
                cs[j] = rng.choice(EDIT_CHARS[lang])
        out.append("".join(cs))
    return sep.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ground_truth")
    ap.add_argument("readability", nargs="?")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    rng = random.Random(7)
    kinds = ["cut", "light", "heavy"]
    n = 0
    with open(a.out, "w") as f:
        for i, (bid, text) in enumerate(bases(cjk_articles(a.ground_truth, a.readability))):
            kind, lang = kinds[i % 3], language(text)
            meta = {"pair": bid, "kind": "%s %s" % (lang, kind),
                    "expect": "story" if kind == "heavy" else "duplicate"}
            for j, (doc_id, body) in enumerate([(bid, text),
                                                (bid + "-" + kind, copy(rng, text, kind, lang))]):
                f.write(json.dumps({"id": doc_id, "source": "cjk-eval", "title": "",
                                    "body": body, "content_type": "text/plain",
                                    "published_at": "2026-01-01T00:%02d:%02dZ" % (n // 60, n % 60),
                                    "meta": meta}, ensure_ascii=False) + "\n")
                n += 1


if __name__ == "__main__":
    main()
