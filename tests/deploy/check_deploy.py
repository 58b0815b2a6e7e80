#!/usr/bin/python3
"""check_deploy.py - static checks of deploy/ against the real binaries (no container engine).

  check_deploy.py config BIN_DIR   manifests agree with the stages' config keys, defaults,
                                   ports, endpoints, commands and image version
  check_deploy.py metrics SCRAPE... the dashboard and the alerts use only metric names that
                                   the scraped /metrics outputs contain

Prints one line per problem and exits 1 if there is any. Needs Debian's python3-yaml.
"""
import glob
import json
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")
STAGES = ["clean", "fingerprint", "cluster", "enrich"]
SERVICES = STAGES + ["api"]  # nearwire-api: configured and deployed like a stage
ENDPOINTS = {"/livez", "/readyz", "/metrics"}
problems = []


def problem(where, what):
    problems.append(f"{os.path.relpath(where, ROOT)}: {what}")


def load_yaml_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def stage_config(bin_dir, stage):
    """The stage's effective defaults: {key: value} from --print-config."""
    out = subprocess.run([os.path.join(bin_dir, f"nearwire-{stage}"), "--print-config"],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PATH": os.environ.get("PATH", "")}).stdout
    keys = {}
    for line in out.splitlines():
        m = re.match(r"^\s*([a-z0-9_.]+)\s*=\s*(.*?)\s*(#.*)?$", line)
        if m:
            keys[m.group(1)] = m.group(2)
    return keys


def env_name(key):
    return "NEARWIRE_" + key.upper().replace(".", "_")


def check_env(where, env, known):
    for name in env:
        if not name.startswith("NEARWIRE_"):
            continue
        if name.startswith("NEARWIRE_KAFKA_") and name != "NEARWIRE_KAFKA_BOOTSTRAP":
            continue  # kafka.* passes through to librdkafka
        if name not in known:
            problem(where, f"{name} is not a configuration key of any stage")


def check_config(bin_dir):
    configs = {s: stage_config(bin_dir, s) for s in STAGES}
    known = {env_name(k) for c in configs.values() for k in c}
    known |= {env_name(k) for k in stage_config(bin_dir, "api")}
    version = subprocess.run([os.path.join(bin_dir, "nearwire-clean"), "--version"],
                             capture_output=True, text=True, check=True).stdout.split()[1]
    image = f"nearwire:{version}"
    for stage in SERVICES:
        with open(os.path.join(bin_dir, f"nearwire-{stage}"), "rb") as f:
            blob = f.read()
        served = {e for e in ENDPOINTS if e.encode() + b"\0" in blob}
        if served != ENDPOINTS:
            problem(bin_dir, f"nearwire-{stage} serves {sorted(served)}, expected {sorted(ENDPOINTS)}")

    # config/<service>.conf lists every key with its default (commented out)
    for stage in SERVICES:
        path = os.path.join(ROOT, "config", f"{stage}.conf")
        listed = {}
        for line in open(path):
            m = re.match(r"^#\s*([a-z][a-z0-9_]*\.[a-z0-9_.]+)\s*=\s*(.*?)\s*$", line)
            if m and m.group(1) not in listed:
                listed[m.group(1)] = m.group(2)
        for key, value in stage_config(bin_dir, stage).items():
            if key not in listed:
                problem(path, f"{key} is a key of nearwire-{stage} but not listed")
            elif listed[key] != value:
                problem(path, f"{key} is listed as {listed[key]!r}, its default is {value!r}")

    # every YAML file parses
    for path in sorted(glob.glob(os.path.join(DEPLOY, "**", "*.y*ml"), recursive=True)):
        try:
            load_yaml_docs(path)
        except yaml.YAMLError as e:
            problem(path, f"does not parse: {e}")

    # Dockerfile: the port it exposes is the one it configures
    dockerfile = os.path.join(DEPLOY, "docker", "Dockerfile")
    text = open(dockerfile).read()
    port = re.search(r"NEARWIRE_HTTP_PORT=(\d+)", text)
    expose = re.search(r"^EXPOSE (\d+)", text, re.M)
    if not port or not expose or port.group(1) != expose.group(1):
        problem(dockerfile, "EXPOSE and NEARWIRE_HTTP_PORT disagree")
    if "/livez" not in text:
        problem(dockerfile, "no HEALTHCHECK on /livez")
    check_env(dockerfile, re.findall(r"(NEARWIRE_[A-Z0-9_]+)=", text), known)
    http_port = port.group(1) if port else None

    # compose
    compose_path = os.path.join(DEPLOY, "compose", "compose.yaml")
    compose = load_yaml_docs(compose_path)[0]
    services = compose["services"]
    for tool in ("ingest", "tail"):
        svc = services.get(tool, {})
        if svc.get("entrypoint", [None])[0] != f"nearwire-{tool}" or \
                not os.path.exists(os.path.join(bin_dir, f"nearwire-{tool}")):
            problem(compose_path, f"{tool}: entrypoint is not nearwire-{tool}")
    for stage in SERVICES:
        svc = services.get(stage)
        if not svc:
            problem(compose_path, f"no service {stage}")
            continue
        if svc.get("command", [None])[0] != f"nearwire-{stage}":
            problem(compose_path, f"{stage}: command is not nearwire-{stage}")
        if svc.get("image") != image:
            problem(compose_path, f"{stage}: image {svc.get('image')}, expected {image}")
        env = svc.get("environment", {})
        check_env(compose_path, env, known)
        if str(env.get("NEARWIRE_HTTP_PORT")) not in [str(p) for p in svc.get("expose", [])]:
            problem(compose_path, f"{stage}: NEARWIRE_HTTP_PORT is not the exposed port")
        if str(env.get("NEARWIRE_HTTP_PORT")) != http_port:
            problem(compose_path, f"{stage}: HTTP port differs from the image's")
    # override files (e.g. redis-cluster.yaml): their stage settings are real keys too
    for path in glob.glob(os.path.join(DEPLOY, "compose", "*.yaml")):
        if path != compose_path:
            for name, svc in load_yaml_docs(path)[0].get("services", {}).items():
                if name in STAGES:
                    check_env(path, svc.get("environment", {}), known)
    topics = os.path.join(DEPLOY, "compose", "topics.txt")
    declared = {l.split()[0] for l in open(topics) if l.strip() and not l.startswith("#")}
    for stage, c in configs.items():
        for key in ("topic.in", "topic.out", "topic.dlq", "topic.stories"):
            if c.get(key) and c[key] not in declared:
                problem(topics, f"{stage}'s {key} {c[key]} is not created")
    prom_path = os.path.join(DEPLOY, "prometheus", "prometheus.yml")
    prom = load_yaml_docs(prom_path)[0]
    jobs = {j["job_name"]: j for j in prom["scrape_configs"]}
    for stage in SERVICES:
        job = jobs.get(stage)
        sd = job and job.get("dns_sd_configs", [{}])[0]
        if not sd or sd.get("names") != [stage] or str(sd.get("port")) != http_port:
            problem(prom_path, f"job {stage} does not scrape service {stage} on port {http_port}")

    # Kubernetes
    base = os.path.join(DEPLOY, "k8s", "base")
    kust = load_yaml_docs(os.path.join(base, "kustomization.yaml"))[0]
    literals = dict(l.split("=", 1) for g in kust["configMapGenerator"] for l in g["literals"])
    check_env(os.path.join(base, "kustomization.yaml"), literals, known)
    for overlay in glob.glob(os.path.join(DEPLOY, "k8s", "overlays", "*", "kustomization.yaml")):
        k = load_yaml_docs(overlay)[0]
        for g in k.get("configMapGenerator", []) + k.get("secretGenerator", []):
            if g["name"].startswith("nearwire-config") or g["name"] == "nearwire-secrets":
                check_env(overlay, dict(l.split("=", 1) for l in g["literals"]), known)
    for res in kust["resources"]:
        path = os.path.join(base, res)
        for doc in load_yaml_docs(path):
            kind, name = doc["kind"], doc["metadata"]["name"]
            stage = name.replace("nearwire-", "")
            if kind == "Deployment":
                spec = doc["spec"]["template"]["spec"]
                c = spec["containers"][0]
                if c["command"] != [f"nearwire-{stage}"]:
                    problem(path, f"{name}: command {c['command']}")
                if c["image"] != image:
                    problem(path, f"{name}: image {c['image']}, expected {image}")
                ports = {p["name"]: str(p["containerPort"]) for p in c["ports"]}
                if ports.get("metrics") != literals.get("NEARWIRE_HTTP_PORT"):
                    problem(path, f"{name}: containerPort differs from NEARWIRE_HTTP_PORT")
                for probe in ("livenessProbe", "readinessProbe"):
                    p = c.get(probe, {}).get("httpGet", {})
                    if p.get("path") not in ENDPOINTS or p.get("port") != "metrics":
                        problem(path, f"{name}: {probe} {p}")
                if c["livenessProbe"]["httpGet"]["path"] != "/livez" or \
                        c["readinessProbe"]["httpGet"]["path"] != "/readyz":
                    problem(path, f"{name}: liveness must be /livez, readiness /readyz")
                if not c.get("securityContext", {}).get("readOnlyRootFilesystem") or \
                        not spec.get("securityContext", {}).get("runAsNonRoot"):
                    problem(path, f"{name}: not read-only and non-root")
                if "resources" not in c:
                    problem(path, f"{name}: no resources")
                # the root is read-only: the in-flight marker needs a volume at state.dir
                state_dir = literals.get("NEARWIRE_STATE_DIR", "/var/tmp/nearwire")
                vols = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
                mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
                if mounts.get(state_dir) not in vols:
                    problem(path, f"{name}: no writable volume at state.dir {state_dir}")
            elif kind == "ScaledObject":
                trig = doc["spec"]["triggers"][0]["metadata"]
                want = configs.get(stage, {})
                group = want.get("group.id") or f"nearwire-{stage}"
                if trig.get("consumerGroup") != group or trig.get("topic") != want.get("topic.in"):
                    problem(path, f"{name}: scales on {trig.get('consumerGroup')}/"
                                  f"{trig.get('topic')}, the stage is {group}/{want.get('topic.in')}")


def metric_names(expr):
    return set(re.findall(r"\b(nearwire_[a-z0-9_]+)", expr))


def check_metrics(scrapes):
    exported = set()
    for path in scrapes:
        for line in open(path):
            m = re.match(r"^# TYPE (\S+)", line) or re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", line)
            if m:
                exported.add(m.group(1))
    dash_path = os.path.join(DEPLOY, "grafana", "nearwire.json")
    dash = json.load(open(dash_path))
    used = {}
    for panel in dash["panels"]:
        for t in panel.get("targets", []):
            for n in metric_names(t["expr"]):
                used.setdefault(n, dash_path)
    alerts_path = os.path.join(DEPLOY, "prometheus", "alerts.yaml")
    for group in load_yaml_docs(alerts_path)[0]["groups"]:
        for rule in group["rules"]:
            for n in metric_names(rule["expr"]):
                used.setdefault(n, alerts_path)
    for name, where in sorted(used.items()):
        if name not in exported:
            problem(where, f"{name} is not exported by any stage")
    if not used:
        problem(dash_path, "no metric found in the dashboard and alerts")


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "config":
        check_config(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "metrics":
        check_metrics(sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
