#!/usr/bin/env python3
"""final_state.py FILE... - the final decision of every article from news.clustered or
news.enriched records (JSONL, files in any order): per id, the cluster object with the highest
revision wins (a revision record carries the whole object). Its story_id is final except where
a joined story had more articles than cluster.max_revisions revises: then the joining record's
merged_from says which story it joined into which, and a story is resolved through those joins
to its earliest article (ordered_at, then id), as a consumer would. Prints one JSON line per
id, sorted: {"id", "story_id", "dup_of", "relation", "dups": [duplicate match ids],
"matches": [ids]}. --stories prints the stories instead: one line per story, its sorted ids."""
import json
import sys


def final(paths):
    best = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                rec = json.loads(line)
                c = rec.get("cluster")
                if not c:
                    continue
                key = rec["id"]
                if key not in best or c.get("revision", 0) >= best[key].get("revision", 0):
                    best[key] = c
    return best


def resolve_stories(best):
    """Union-find over every record's story and the joins its merged_from names; each
    component is named after its earliest article."""
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def key(x):
        c = best.get(x)
        return (c["ordered_at"] if c and "ordered_at" in c else "", x)

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            if key(ra) <= key(rb):
                parent[rb] = ra
            else:
                parent[ra] = rb

    for c in best.values():
        for q in c.get("merged_from", []):
            union(q, c["story_id"])
        union(c["story_id"], c["story_id"])
    return {k: find(c["story_id"]) for k, c in best.items()}


def main():
    args = sys.argv[1:]
    stories = "--stories" in args
    paths = [a for a in args if a != "--stories"]
    best = final(paths)
    story = resolve_stories(best)
    if stories:
        groups = {}
        for key, c in best.items():
            groups.setdefault(story[key], []).append(key)
        for members in sorted(sorted(m) for m in groups.values()):
            print(" ".join(members))
        return
    for key in sorted(best):
        c = best[key]
        print(json.dumps({
            "id": key,
            "story_id": story[key],
            "dup_of": c["dup_of"],
            "relation": c["relation"],
            "dups": [m["id"] for m in c["matches"] if m["relation"] == "duplicate"],
            "matches": [m["id"] for m in c["matches"]],
        }, sort_keys=True))


if __name__ == "__main__":
    main()
