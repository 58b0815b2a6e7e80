#!/usr/bin/env python3
"""bench_summary.py LOG - the table `make bench` ends with: each figure the run measured (read
from its own lines in LOG, what scripts/bench.sh printed), the goal of issue #18 where it sets
one, and the peer's figure where `make bench PEERS=1` ran one."""
import re
import sys

GOALS = {
    "clean, plain text, 1 core": "",
    "clean, HTML (181 pages), 1 core": ">= 50 MB/s",
    "HTML parse alone: gumbo / libxml2 tree": "",
    "fingerprint, 1 core": ">= 100,000 docs/s",
    "store match+insert, 1 connection (100k docs)": ">= 20,000 docs/s",
    "store Redis bytes per document (100k docs)": "<= 1,024 B (everything)",
    "store match+insert and bytes, common text not counted (cluster.common_after=0)": "",
    "fingerprint + cluster --pipe, 5,000 Reuters articles": "",
    "whole pipeline, development broker": ">= 10,000 docs/s",
    "whole pipeline, Apache Kafka": ">= 10,000 docs/s",
    "whole pipeline, Kafka exactly once": "",
    "Redis bytes per article after the pipeline run, development broker": "<= 1,024 B",
    "CPU per article, development broker": "<= 200 us (2 cores at 10k/s)",
    "cluster's batches: busy, of it waiting for Redis, development broker": "",
    "cluster's batches: busy, of it waiting for Redis, Apache Kafka": "",
    "CPU per article, Apache Kafka": "<= 200 us",
    "latency p99 at 1k docs/s, development broker": "<= 0.25 s",
    "latency p99 at 1k docs/s, Apache Kafka": "<= 0.25 s",
    "first article on a fresh stack, development broker": "",
    "first article on a fresh stack, Apache Kafka": "",
    "one article alone, development broker": "",
    "one article alone, Apache Kafka": "",
}


# a whole-pipeline run's lines: what each says, under the run's name (its broker)
PIPELINE_LINES = [
    (r"throughput\s+([\d.]+) docs/s", "whole pipeline, {}", lambda m: f"{float(m[1]):,.0f} docs/s"),
    (r"latency\s+p50 <= ([\d.+Inf]+) s, p99 <= ([\d.+Inf]+) s", "latency p99 at 1k docs/s, {}",
     lambda m: f"<= {m[2]} s (p50 <= {m[1]} s)"),
    (r"alone\s+([\d.]+) s", "one article alone, {}", lambda m: f"{m[1]} s"),
    (r"first\s+([\d.]+) s", "first article on a fresh stack, {}", lambda m: f"{m[1]} s"),
    (r"cpu/article .* total (\d+) us", "CPU per article, {}", lambda m: f"{int(m[1]):,} us"),
    (r"busy .* cluster ([\d.]+) s \(Redis ([\d.]+) s\),.* of the run's ([\d.]+) s",
     "cluster's batches: busy, of it waiting for Redis, {}",
     lambda m: f"{m[1]} s, {m[2]} s (of the run's {m[3]} s)"),
    (r"redis bytes\s+(\d+) per article", "Redis bytes per article after the pipeline run, {}",
     lambda m: f"{int(m[1]):,} B (cards included)"),
]


def main():
    got, peer = {}, {}
    section = sub = ""
    pipe = {"development broker": "development broker", "Apache Kafka": "Apache Kafka",
            "exactly_once": "Kafka exactly once"}
    for line in open(sys.argv[1], errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("== "):
            section, sub = line, ""
            continue
        if line.startswith("-- "):
            sub = line
            continue
        first = line.split()[0] if line.split() else ""
        num = re.search(r"([\d.]+) (MB/s|docs/s)", line)
        which = next((v for k, v in pipe.items() if k in section), None)
        if "Reuters" in section and "pure core" in section and num:
            if first == "clean":
                got["clean, plain text, 1 core"] = f"{num.group(1)} MB/s"
            elif first == "fingerprint":
                docs = re.search(r"([\d.]+) docs/s", line).group(1)
                got["fingerprint, 1 core"] = f"{float(docs):,.0f} docs/s"
        elif "HTML pages" in section and num:
            if first == "clean":
                got["clean, HTML (181 pages), 1 core"] = f"{num.group(1)} MB/s"
            elif first in ("gumbo", "libxml2-tree"):
                key = "HTML parse alone: gumbo / libxml2 tree"
                got[key] = (got.get(key, "") + " / " if key in got else "") + f"{num.group(1)} MB/s"
        elif "signature store against one" in section and "common-text" in sub:
            m = re.match(r"match\+insert\s+([\d.]+) docs/s", line)
            key = "store match+insert and bytes, common text not counted (cluster.common_after=0)"
            if m:
                got[key] = f"{float(m.group(1)):,.0f} docs/s"
            m = re.match(r"redis memory\s+([\d.]+) bytes/doc", line)
            if m and key in got:
                got[key] += f", {float(m.group(1)):,.0f} B/doc"
        elif "signature store against one" in section:
            m = re.match(r"match\+insert\s+([\d.]+) docs/s.*1 connection,", line)
            if m and "store match+insert, 1 connection (100k docs)" not in got:
                got["store match+insert, 1 connection (100k docs)"] = f"{float(m.group(1)):,.0f} docs/s"
            m = re.match(r"redis memory\s+([\d.]+) bytes/doc", line)
            if m and "store Redis bytes per document (100k docs)" not in got:
                got["store Redis bytes per document (100k docs)"] = f"{float(m.group(1)):,.0f} B"
        elif "peers" in section:
            m = re.match(r"(nearwire|peer)\s+([\d.]+) docs/s, +([\d.]+) Redis bytes/doc", line)
            if m:
                fig = f"{float(m.group(2)):,.0f} docs/s, {float(m.group(3)):,.0f} B/doc"
                key = "fingerprint + cluster --pipe, 5,000 Reuters articles"
                (got if m.group(1) == "nearwire" else peer)[key] = fig
        elif which:
            for pattern, name, show in PIPELINE_LINES:
                m = re.match(pattern, line)
                if m:
                    got[name.format(which)] = show(m)
    print("| figure | measured | goal (#18) | peer: datasketch 2.0.0, same run |")
    print("|---|---|---|---|")
    for name, goal in GOALS.items():
        if name in got:
            print(f"| {name} | {got[name]} | {goal} | {peer.get(name, '')} |")


if __name__ == "__main__":
    main()
