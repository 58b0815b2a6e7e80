#!/usr/bin/env python3
"""slowloris.py HOST PORT - holds many half-open HTTP connections to HOST:PORT from the
source address 127.0.0.2 (another client than the probes on 127.0.0.1), sending one more
header byte to each every second so no idle timeout closes them, while it probes
http://127.0.0.1:PORT/livez every 0.25 s from 127.0.0.1. Prints one JSON line: probes sent,
answered 200, the slowest probe in seconds, connections the server accepted and kept at the
end, and whether a request with 64 KB of headers was refused.

    slowloris.py PORT [--connections N] [--seconds S]
"""
import argparse
import http.client
import json
import socket
import time


def probe(port):
    t = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=3, source_address=("127.0.0.1", 0))
        c.request("GET", "/livez")
        ok = c.getresponse().status == 200
        c.close()
    except OSError:
        ok = False
    return ok, time.monotonic() - t


def huge_headers_refused(port):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.3", 0))
        s.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Fill: " + b"a" * 65536 + b"\r\n\r\n")
        reply = s.recv(64)
        s.close()
        return not reply.startswith(b"HTTP/1.1 200")
    except OSError:
        return True  # closed on us: refused


def main():
    a = argparse.ArgumentParser()
    a.add_argument("port", type=int)
    a.add_argument("--connections", type=int, default=1005)
    a.add_argument("--seconds", type=float, default=12)
    args = a.parse_args()
    held = []
    for _ in range(args.connections):
        try:
            s = socket.create_connection(("127.0.0.1", args.port), timeout=2, source_address=("127.0.0.2", 0))
            s.setblocking(False)
            s.send(b"GET /livez HTTP/1.1\r\nHost: x\r\n")
            held.append(s)
        except OSError:
            pass
    probes = answered = 0
    slowest = 0.0
    end = time.monotonic() + args.seconds
    next_drip = time.monotonic()
    while time.monotonic() < end:
        if time.monotonic() >= next_drip:
            alive = []
            for s in held:
                try:
                    s.send(b"X")
                    alive.append(s)
                except OSError:
                    s.close()
            held = alive
            next_drip = time.monotonic() + 1
        ok, secs = probe(args.port)
        probes += 1
        answered += ok
        slowest = max(slowest, secs)
        time.sleep(0.25)
    kept = 0
    for s in held:  # still open from the server's side?
        try:
            s.send(b"X")
            kept += 1
        except OSError:
            pass
        s.close()
    print(json.dumps(dict(probes=probes, answered=answered, slowest=round(slowest, 3),
                          kept=kept, huge_headers_refused=huge_headers_refused(args.port))))


if __name__ == "__main__":
    main()
