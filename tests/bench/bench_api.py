#!/usr/bin/env python3
"""bench_api.py API_URL - requests per second of nearwire-api's routes, one client, one
keep-alive connection (the API answers one request at a time), over whatever the store holds
(make bench runs it on the 30k Reuters articles its pipeline run left): articles by id, the
largest story, the recent-stories list, explain of stored matches, and matches of stored
texts. Every answer must be 200."""
import http.client
import json
import sys
import time
import urllib.parse

api = urllib.parse.urlparse(sys.argv[1])
conn = http.client.HTTPConnection(api.hostname, api.port)
q = urllib.parse.quote


def call(path, body=None):
    conn.request("POST" if body else "GET", path, body=body,
                 headers={"Content-Type": "text/plain"} if body else {})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit(f"bench_api: {path[:80]} answered {r.status}: {data[:200]!r}")
    return json.loads(data)


def bench(name, paths, body=None):
    t = time.time()
    for i, p in enumerate(paths):
        call(p, body(i) if body else None)
    dt = time.time() - t
    print(f"api {name:26s} {len(paths) / dt:7.0f} req/s  {1000 * dt / len(paths):6.2f} ms each")


stories = call("/v1/stories?limit=500")["stories"]
big = max(stories, key=lambda s: s["size"])
members = call(f"/v1/stories/{q(big['story_id'])}?limit=500")["members"]
ids = [m["id"] for s in stories[:100] for m in
       call(f"/v1/stories/{q(s['story_id'])}?limit=5")["members"]][:300]
pairs = [(m["id"], m["cluster"]["matches"][0]["id"]) for m in members
         if m["cluster"] and m["cluster"]["matches"]][:100]
texts = [t for t in (call(f"/v1/articles/{q(i)}?text=1").get("text", "").encode()
                    for i in ids[:100]) if t]
print(f"api (over {len(stories)} recent stories; the largest has {big['size']} articles)")
bench("GET /v1/articles/{id}", [f"/v1/articles/{q(ids[i % len(ids)])}" for i in range(2000)])
bench("GET /v1/stories/{largest}", [f"/v1/stories/{q(big['story_id'])}"] * 200)
bench("GET /v1/stories?limit=50", ["/v1/stories?limit=50"] * 200)
bench("GET /v1/explain", [f"/v1/explain?a={q(a)}&b={q(b)}" for a, b in pairs] * 5)
bench("POST /v1/match", ["/v1/match"] * 1000, lambda i: texts[i % len(texts)])
