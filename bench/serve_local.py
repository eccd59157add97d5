#!/usr/bin/env python3
"""Local mode's freshness: `strata serve` inside a generated monorepo (50k files by default);
a file is saved with a hard-coded secret in it, and `/findings?rule=hardcoded-secret` is polled
until the finding shows. Prints the seconds from the save to the answer, for several saves.

    python3 bench/serve_local.py [--files 50000] [--saves 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

import peers
import run
import serve


def findings(api: str, path: str) -> int:
    with urllib.request.urlopen(f"{api}/findings?rule=hardcoded-secret", timeout=30) as r:
        doc = json.load(r)
    return sum(1 for f in doc["findings"] if f["file"] == path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=50000)
    ap.add_argument("--saves", type=int, default=5)
    args = ap.parse_args()
    peers.need_genrepo()
    peers.sh(["cargo", "build", "--release", "--quiet", "-p", "strata"], cwd=peers.REPO)
    repo = run.polyglot(args.files)
    port = serve.free_port()
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(repo.parent))
    start = time.perf_counter()
    proc = subprocess.Popen([str(serve.STRATA), "serve", "--bind", f"127.0.0.1:{port}"], cwd=repo,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    project = None
    for line in proc.stderr:
        if line.startswith("strata serve: project `"):
            project = line.split("`")[1]
        if line.startswith("strata serve: http://"):
            break
    started = time.perf_counter() - start
    api = f"http://127.0.0.1:{port}/api/v1/projects/{project}"
    py = next(p for p in sorted(repo.rglob("*.py")) if ".strata" not in p.parts)
    rel = py.relative_to(repo).as_posix()
    original = py.read_text()
    times = []
    try:
        for i in range(args.saves):
            secret = "AKIA" + "Q3EGRT7HXW2ZMV" + f"{i:02d}"
            saved = time.perf_counter()
            py.write_text(original + f'\nKEY = "{secret}"\n')
            while findings(api, rel) == 0:
                time.sleep(0.01)
            times.append(time.perf_counter() - saved)
            py.write_text(original)
            while findings(api, rel) != 0:
                time.sleep(0.01)
            time.sleep(0.5)
    finally:
        py.write_text(original)
        proc.terminate()
        proc.wait(timeout=30)
    print(f"local `strata serve` on {args.files} files: first index and listening in {started:.1f} s; "
          f"a saved file in `/findings` after {statistics.median(times):.2f} s median "
          f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} saves; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
