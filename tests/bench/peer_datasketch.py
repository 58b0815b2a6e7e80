"""peer_datasketch.py - the peer of `make bench PEERS=1`: datasketch's MinHash LSH with its
Redis storage, fed the same cleaned articles as nearwire's fingerprint and cluster stages, one
at a time as a stream does (query, then insert). Prints its articles/s and the Redis bytes it
used per article.

usage: peer_datasketch.py CLEAN.jsonl REDIS_PORT
CLEAN.jsonl: clean's output (fields id and text). Needs datasketch and redis (build/peers).
"""
import json
import re
import sys
import time

import redis
from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")


def shingles(text):
    words = WORD.findall(text.lower())
    return {" ".join(words[i:i + 3]).encode() for i in range(max(len(words) - 2, 1))}


def main():
    path, port = sys.argv[1], int(sys.argv[2])
    docs = [json.loads(line) for line in open(path)]
    r = redis.Redis(port=port)
    r.flushall()
    before = r.info("memory")["used_memory"]
    # nearwire's story threshold is containment 0.3 and its duplicate Jaccard about 0.5; the
    # peer gets the Jaccard threshold and the 128 permutations nearwire uses
    lsh = MinHashLSH(threshold=0.5, num_perm=128, storage_config={
        "type": "redis", "basename": b"peer", "redis": {"host": "127.0.0.1", "port": port}})
    found = 0
    t0 = time.time()
    for d in docs:
        m = MinHash(num_perm=128)
        m.update_batch(list(shingles(d.get("text") or "")))
        found += bool(lsh.query(m))
        lsh.insert(d["id"], m)
    took = time.time() - t0
    used = r.info("memory")["used_memory"] - before
    print(f"peer         {len(docs) / took:8.0f} docs/s, {used / len(docs):6.0f} Redis bytes/doc"
          f"  (datasketch MinHashLSH, Redis storage, threshold 0.5, 128 perms; "
          f"{len(docs)} articles, {found} with a candidate, {took:.1f} s)")


if __name__ == "__main__":
    main()
