#!/usr/bin/env python3
"""api_requests.py API_URL [N] [SEED] - fuzzes a running nearwire-api with N well-formed HTTP
requests built at random from its routes (default 600, seed 1: the same run each time):
methods, paths with random and percent-encoded bytes (NUL, invalid UTF-8, 300-byte ids,
slashes), query strings (repeated, empty, huge or negative numbers, odd times), bodies of
random bytes, random JSON (deep, wide, wrong types, huge strings) and articles, under any
content type. Every answer must be nearwire's own: a status the API uses, JSON with "error"
and "detail" on an error, and the server must answer /livez after each. Prints one line per
failure and a summary; exits 1 on any failure."""
import http.client
import json
import random
import sys
import urllib.parse

api = urllib.parse.urlparse(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 600
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
STATUSES = {200, 400, 404, 405, 413, 503}
ROUTES = ["/v1/articles/", "/v1/stories/", "/v1/stories", "/v1/match", "/v1/explain", "/",
          "/index.html", "/v1/", "/v2/x", "/v1/articles", "/metrics/x"]
IDS = ["000_cb190c1c7f2c8ca2", "002_21eaf0559e8ada84", "nope", ""]


def random_bytes(n):
    return bytes(rng.randrange(256) for _ in range(n))


def segment():
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(IDS)
    if kind == 1:
        return urllib.parse.quote(random_bytes(rng.randrange(1, 40)), safe="")
    if kind == 2:
        return "x" * rng.choice([255, 256, 257, 300, 5000])
    if kind == 3:
        return "%00" + rng.choice(IDS) + "%0a%0d"
    if kind == 4:
        return urllib.parse.quote("Ünïcödé 東京 " * rng.randrange(1, 5))
    if kind == 5:
        return "a/b/../c%2F" + rng.choice(IDS)
    return "%FF%FE%C0%80"


def query():
    keys = ["a", "b", "since", "limit", "offset", "text", "x"]
    values = ["", "0", "-1", "5", "500", "501", "99999999999999999999", "1h", "2d", "-5m",
              "2006-09-13T00:00:00Z", "yesterday", "%00", "1e3", IDS[0], IDS[1], "x" * 400]
    parts = [f"{rng.choice(keys)}={urllib.parse.quote(rng.choice(values))}"
             for _ in range(rng.randrange(0, 5))]
    return ("?" + "&".join(parts)) if parts else ""


def random_json(depth=0):
    kind = rng.randrange(8 if depth < 6 else 4)
    if kind == 0:
        return rng.choice([None, True, False, 0, -1, 1e308, 12345678901234567890])
    if kind == 1:
        return rng.choice(["", "body", "é" * rng.randrange(1, 100), "\u0000x", "\ud7ff"])
    if kind == 2:
        return "word " * rng.randrange(0, 20000)
    if kind == 3:
        return rng.choice(IDS)
    if kind in (4, 5):
        keys = ["body", "text", "title", "source", "published_at", "content_type", "lang", "id",
                "meta"]
        return {rng.choice(keys): random_json(depth + 1) for _ in range(rng.randrange(0, 6))}
    return [random_json(depth + 1) for _ in range(rng.randrange(0, 5))]


def body():
    kind = rng.randrange(6)
    if kind == 0:
        return random_bytes(rng.randrange(0, 3000))
    if kind == 1:
        return json.dumps(random_json()).encode()
    if kind == 2:
        n = rng.randrange(1, 5000)
        return (b"[" * n) + (b"]" * rng.choice([n, n - 1, 0]))
    if kind == 3:
        return json.dumps({"body": "<html><body><p>" + "Paragraph text here. " * rng.randrange(1, 300) +
                           "</p>" + "<div>" * rng.randrange(0, 3000) + "</body></html>",
                           "content_type": "text/html"}).encode()
    if kind == 4:
        return ("The quake struck at dawn near the coast. " * rng.randrange(0, 500)).encode()
    return b""


def request():
    method = rng.choice(["GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE"])
    route = rng.choice(ROUTES)
    path = route + (segment() if route.endswith("/") and route != "/" else "") + query()
    data = body() if method in ("POST", "PUT") else None
    ctype = rng.choice(["text/plain", "application/json", "text/html", "application/json; x=1",
                        "image/png", None])
    return method, path, data, ctype


failures = 0


def fail(what):
    global failures
    failures += 1
    print("FAIL -", what)


def conn():
    return http.client.HTTPConnection(api.hostname, api.port, timeout=30)


for i in range(count):
    method, path, data, ctype = request()
    c = conn()
    try:
        headers = {"Content-Type": ctype} if ctype and data is not None else {}
        c.request(method, path, body=data, headers=headers)
        r = c.getresponse()
        answer = r.read()
    except (BrokenPipeError, ConnectionResetError) as e:
        # a method the API does not take is refused before its body is read, and the
        # connection closed: the client may still be writing the body then
        if method not in ("PUT", "DELETE"):
            fail(f"#{i} {method} {path[:80]}: no answer ({e})")
        continue
    except Exception as e:
        fail(f"#{i} {method} {path[:80]}: no answer ({e})")
        continue
    finally:
        c.close()
    if r.status not in STATUSES:
        fail(f"#{i} {method} {path[:80]}: status {r.status}")
    elif r.status >= 400 and method != "HEAD":
        try:
            e = json.loads(answer)
            if not isinstance(e.get("error"), str) or not isinstance(e.get("detail"), str):
                fail(f"#{i} {method} {path[:80]}: error without reason: {answer[:100]!r}")
        except ValueError:
            fail(f"#{i} {method} {path[:80]}: {r.status} not JSON: {answer[:100]!r}")
    c = conn()
    try:
        c.request("GET", "/livez")
        if c.getresponse().status != 200:
            fail(f"#{i}: /livez after {method} {path[:80]}")
    except Exception as e:
        fail(f"#{i}: no /livez after {method} {path[:80]} ({e})")
        break
    finally:
        c.close()

print(f"api_requests: {count} random requests, {failures} failures")
sys.exit(1 if failures else 0)
