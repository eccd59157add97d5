#!/usr/bin/env python3
"""The registry server under load, on a generated monorepo (50k files by default), SQLite, on
this machine's cores; prints a Markdown section for BENCHMARKS.md.

1. Push: `strata push --out` writes the snapshot once; it is then POSTed gzip'd (as `strata
   push` sends it) and timed until the 201, then until the first read of it (`/modules` and
   `/findings?module=`, which build the snapshot's read view) answers.
2. Memory: 100 pushes (each a new commit; `--keep 5`), the server's RSS sampled after each.
3. Reads: wrk (Debian's `wrk`), 100 connections against 127.0.0.1, bounded runs, on `/modules`,
   a module card, `/findings?module=`, and the three mixed; requests/s, p99, errors.

    python3 bench/serve.py [--files 50000] [--duration 15] [--pushes 100]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import peers
import run

STRATA = peers.STRATA
PROJECT = "big"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def request(url: str, body: bytes | None = None, gz: bool = False) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if gz:
        headers["Content-Encoding"] = "gzip"
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Server:
    def __init__(self, db: Path, keep: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(STRATA), "serve", "--db", f"sqlite:{db}", "--bind", f"127.0.0.1:{self.port}",
             "--keep", str(keep)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in self.proc.stderr:
            if line.startswith("strata serve: http://"):
                break
        self.api = f"{self.base}/api/v1/projects/{PROJECT}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def snapshot_body(repo: Path, out: Path) -> str:
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(repo.parent))
    subprocess.run([str(STRATA), "push", "--root", str(repo), "--out", str(out), "-q"],
                   check=True, env=env)
    return out.read_text()


def with_commit(raw: str, commit: str) -> bytes:
    body, n = re.subn(r'"commit":"[^"]*"', f'"commit":"{commit}"', raw, count=1)
    assert n == 1
    return gzip.compress(body.encode(), compresslevel=1)


def timed_push(server: Server, body: bytes, module: str) -> tuple[float, float]:
    """Seconds to the 201, and to the first answered reads after it."""
    start = time.perf_counter()
    status, text = request(f"{server.api}/snapshots", body, gz=True)
    accepted = time.perf_counter() - start
    assert status == 201, (status, text[:300])
    for path in ("/modules", f"/findings?module={module}"):
        status, _ = request(server.api + path)
        assert status == 200, (path, status)
    return accepted, time.perf_counter() - start


WRK_SCRIPT = """
paths = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def wrk(server: Server, paths: list[str], duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        script = f.name
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, server.base],
        capture_output=True, text=True, check=True).stdout
    os.unlink(script)

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "requests": total, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=50000)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--pushes", type=int, default=100)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    peers.need_genrepo()
    peers.sh(["cargo", "build", "--release", "--quiet", "-p", "strata"], cwd=peers.REPO)
    repo = run.polyglot(args.files)
    work = Path(tempfile.mkdtemp(prefix="strata-serve-bench-"))
    try:
        raw = snapshot_body(repo, work / "snapshot.json")
        modules = [m["name"] for m in json.loads(raw)["documents"]["modules"]["modules"]]
        module = modules[len(modules) // 2]
        first = with_commit(raw, "c0")
        server = Server(work / "registry.db", keep=5)
        pid = server.proc.pid

        pushes = [timed_push(server, with_commit(raw, f"p{i}"), module) for i in range(5)]
        accepted = statistics.median(p[0] for p in pushes)
        readable = statistics.median(p[1] for p in pushes)

        samples = []
        for i in range(args.pushes):
            status, _ = request(f"{server.api}/snapshots", with_commit(raw, f"m{i}"), gz=True)
            assert status == 201
            request(f"{server.api}/modules")
            samples.append(rss_mib(pid))
        peak = rss_mib(pid, "VmHWM")
        request(f"{server.api}/snapshots", first, gz=True)

        cards = [f"/api/v1/projects/{PROJECT}/modules/{m}" for m in modules[:20]]
        findings = [f"/api/v1/projects/{PROJECT}/findings?module={m}" for m in modules[:20]]
        listing = [f"/api/v1/projects/{PROJECT}/modules"]
        # Warm the view once, as any first reader would.
        request(server.base + listing[0])
        loads = [
            ("`/modules`", listing),
            ("a module card (20 modules in turn)", cards),
            ("`/findings?module=` (20 modules in turn)", findings),
            ("the three mixed", listing + cards + findings),
        ]
        results = [(name, wrk(server, paths, args.duration, args.connections)) for name, paths in loads]
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cores = os.cpu_count()
    print(f"## The registry server (`strata serve`, SQLite)\n")
    print(f"`python3 bench/serve.py` on the generated {args.files // 1000}k corpus ({len(modules)} modules; "
          f"the snapshot is {len(raw) / 2**20:.1f} MiB of JSON, {len(first) / 2**20:.1f} MiB gzip'd); "
          f"server and load generator share {cores} cores.\n")
    print("| push | median of 5 (s) |\n|---|---:|")
    print(f"| accepted (POST to 201) | {accepted:.2f} |")
    print(f"| accepted and read (`/modules`, `/findings?module=` answered) | {readable:.2f} |\n")
    print(f"Server memory through {args.pushes} pushes (`--keep 5`, `/modules` read after each): "
          f"RSS after the first {samples[0]:.0f} MiB, after the last {samples[-1]:.0f} MiB, "
          f"max sampled {max(samples):.0f} MiB, peak (VmHWM) {peak:.0f} MiB.\n")
    print(f"Reads: wrk, {args.connections} connections, 2 threads, {args.duration} s each:\n")
    print("| endpoint | requests/s | p50 (ms) | p99 (ms) | requests | errors |\n|---|---:|---:|---:|---:|---:|")
    for name, r in results:
        print(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['requests']} | {r['errors']} |")


if __name__ == "__main__":
    main()
