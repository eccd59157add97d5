#!/usr/bin/env python3
"""The MCP server's per-call latency through a real client: `strata mcp` (release build) on a
generated monorepo (50k files by default), driven over stdio by the official Python `mcp` SDK
(the venv `.ci/mcp-check` installs, or `--python`). After the index is built, each of the nine
tools is called `--calls` times with varied arguments taken from the corpus; the wall time of
each call, as the client sees it, gives p50 and p99 per tool. The target (DESIGN.md §13) is
50 ms p99. Then freshness: a file is saved with a new function and `strata_find` is asked for
it until an answer has it. Prints a Markdown table.

    python3 bench/mcp.py [--files 50000] [--calls 200] [--mode 2026-07-28|legacy]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import peers
import run

VENV_PY = peers.REPO / "target" / "mcp-check" / "venv" / "bin" / "python"

# Runs inside the venv: the client side of the benchmark.
DRIVER = r'''
import json, sys, time, anyio
from mcp.client import Client
from mcp import StdioServerParameters

async def main():
    spec = json.load(sys.stdin)
    params = StdioServerParameters(command=spec["strata"], args=["mcp", "--root", spec["root"]],
                                   env=spec["env"])
    t0 = time.perf_counter()
    async with Client(params, mode=spec["mode"]) as c:
        await c.list_tools()
        # The first call answers once the index is built.
        await c.call_tool("strata_overview", {"max_tokens": 200})
        ready = time.perf_counter() - t0
        out = {"ready_s": ready, "protocol": c.protocol_version, "calls": {}}
        ids = []
        for tool, calls in spec["calls"].items():
            if tool == "strata_symbol":
                # Ids from strata_find's answers: the chain an agent follows.
                calls = [{"id": ids[i % len(ids)], "max_tokens": 1500} for i in range(len(calls))] if ids else []
            times, errors = [], []
            for args in calls:
                s = time.perf_counter()
                r = await c.call_tool(tool, args)
                times.append((time.perf_counter() - s) * 1000)
                if r.is_error:
                    errors.append(r.content[0].text[:200] if r.content else "?")
                elif tool == "strata_find":
                    ids += [h["id"] for h in r.structured_content["hits"][:2]]
            out["calls"][tool] = {"ms": times, "errors": errors}
        # Freshness: a function appended to a file, then asked for until an answer has it.
        edits = []
        path = spec["root"] + "/" + spec["edit"]
        original = open(path).read()
        try:
            for i in range(5):
                name = f"freshly_saved_{i}"
                with open(path, "w") as f:
                    f.write(original + f"\n\ndef {name}():\n    return {i}\n")
                s = time.perf_counter()
                while True:
                    r = await c.call_tool("strata_find", {"query": name, "limit": 1})
                    hits = r.structured_content["hits"]
                    if hits and hits[0]["symbol"] == name:
                        break
                edits.append({"ms": (time.perf_counter() - s) * 1000,
                              "scanned_ms": r.structured_content["index"]["scanned_ms"]})
                time.sleep(0.5)
        finally:
            open(path, "w").write(original)
        out["edits"] = edits
        print(json.dumps(out))

anyio.run(main)
'''


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def arguments(repo: Path, n: int, rnd: random.Random) -> dict[str, list[dict]]:
    truth = json.loads((repo / ".truth" / "truth.json").read_text())
    modules = truth["modules"]
    edges = truth["file_edges"]
    clones = truth["clones"]
    internal = truth["findings"]["internal_imports"]

    def pick(xs):
        return xs[rnd.randrange(len(xs))]

    words = [m["name"].split("-")[0] for m in modules]
    calls: dict[str, list[dict]] = {t: [] for t in [
        "strata_overview", "strata_find", "strata_similar", "strata_symbol", "strata_rules",
        "strata_check_plan", "strata_check", "strata_impact", "strata_context"]}
    calls["strata_symbol"] = [{}] * n  # filled by the driver from strata_find's ids
    for i in range(n):
        m = pick(modules)
        calls["strata_overview"].append({"module": m["name"]} if i % 4 else {"max_tokens": 2000})
        calls["strata_find"].append({"query": pick(words) + " " + pick(["parse", "cache", "merge", "build"]),
                                     "limit": 10})
        c = pick(clones)["a"]
        calls["strata_similar"].append({"path": c["path"], "start_line": c["start_line"],
                                        "end_line": c["end_line"]})
        calls["strata_rules"].append({"module": m["name"]})
        bad = pick(internal)
        calls["strata_check_plan"].append({"changes": [{"file": bad["from"], "imports": [bad["to"]]}]})
        e = pick(edges)
        calls["strata_check"].append({"paths": [e[0]]})
        calls["strata_impact"].append({"paths": [e[1]]})
        calls["strata_context"].append({"paths": [e[0]], "budget_tokens": 2000})
    return calls


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=50000)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--mode", default="2026-07-28")
    ap.add_argument("--python", default=str(VENV_PY))
    args = ap.parse_args()
    if not Path(args.python).exists():
        sys.exit(f"no Python with the mcp SDK at {args.python}: run .ci/mcp-check once, or pass --python")
    peers.need_genrepo()
    peers.sh(["cargo", "build", "--release", "--quiet", "-p", "strata"], cwd=peers.REPO)
    repo = run.polyglot(args.files)
    calls = arguments(repo, args.calls, random.Random(7))
    edit = next(p for p in sorted(repo.rglob("*.py")) if ".strata" not in p.parts)
    spec = {"strata": str(peers.STRATA), "root": str(repo), "mode": args.mode, "calls": calls,
            "edit": edit.relative_to(repo).as_posix(),
            "env": dict(os.environ, GIT_CEILING_DIRECTORIES=str(repo.parent))}
    t = time.perf_counter()
    res = subprocess.run([args.python, "-c", DRIVER], input=json.dumps(spec),
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(res.stderr[-3000:])
    doc = json.loads(res.stdout)
    print(f"# strata mcp latency ({args.files} files, {os.cpu_count()} cores, protocol "
          f"{doc['protocol']}, stdio, Python mcp client)\n")
    print(f"Server start to first answer: {doc['ready_s']:.2f} s; whole run "
          f"{time.perf_counter() - t:.1f} s.\n")
    print("| tool | calls | p50 ms | p99 ms | max ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for tool, r in sorted(doc["calls"].items()):
        ms = r["ms"]
        if not ms:
            continue
        worst = max(worst, pct(ms, 99))
        print(f"| {tool} | {len(ms)} | {statistics.median(ms):.1f} | {pct(ms, 99):.1f} | "
              f"{max(ms):.1f} | {len(r['errors'])} |")
        for e in r["errors"][:3]:
            print(f"|  | error: {e} | | | | |")
    print(f"\nWorst p99: {worst:.1f} ms (target 50 ms).")
    edits = doc["edits"]
    print(f"\nA Python file saved with a new function, then `strata_find` asked for it until it "
          f"answers: {statistics.median(e['ms'] for e in edits):.0f} ms median of {len(edits)} "
          f"saves ({min(e['ms'] for e in edits):.0f} to {max(e['ms'] for e in edits):.0f} ms); "
          f"the answer that had it re-scanned in {statistics.median(e['scanned_ms'] for e in edits):.0f} ms.")


if __name__ == "__main__":
    main()
