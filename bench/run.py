#!/usr/bin/env python3
"""Every benchmark, then BENCHMARKS.md rewritten from what was measured. One command:

    python3 bench/run.py [--sizes 3000,10000,50000] [--peer-files 10000] [--runs 5] [--no-real]

1. `strata check` on generated polyglot monorepos (genrepo.py, seed 7): cold (no cache; median
   wall time and peak RSS), warm (nothing changed) and with one file changed (a Python file
   edited before each run), each the median of RUNS runs.
2. The peers of `bench/peers.py` on their own languages (generated corpora, Django from PyPI,
   rxjs from npm), with the edges each side finds.
Targets are judged from the numbers measured in this run. The report is written atomically.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import peers

REPO = peers.REPO
STRATA = peers.STRATA
GENREPO = peers.GENREPO
CORPORA = peers.CORPORA
SEED = 7


def run_timed(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of strata."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", str(STRATA), *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    wall, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss)


def polyglot(files: int) -> Path:
    out = CORPORA / f"mono-{files}-s{SEED}"
    if not (out / ".truth" / "truth.json").exists():
        peers.sh([sys.executable, str(GENREPO), "--out", str(out), "--files", str(files), "--seed", str(SEED), "--jobs", "2"])
    return out


def settle(root: Path) -> None:
    """Write the cache, then wait until file times are old enough to be trusted."""
    run_timed(["check", "--root", str(root), "-q", "--exit-zero"])
    time.sleep(2.5)
    run_timed(["check", "--root", str(root), "-q", "--exit-zero"])


def scans(sizes: list[int], runs: int) -> list[dict]:
    rows = []
    for n in sizes:
        root = polyglot(n)
        check = ["check", "--root", str(root), "-q", "--exit-zero"]
        cold = [run_timed(["--no-cache", *check]) for _ in range(runs)]
        settle(root)
        warm = [run_timed(check)[0] for _ in range(runs)]
        victim = sorted((root / "py").rglob("*.py"))[0]
        changed = []
        for _ in range(runs):
            with victim.open("a") as f:
                f.write("\n# touched\n")
            changed.append(run_timed(check)[0])
            settle(root)
        files = int(peers.json.loads((root / ".truth" / "truth.json").read_text())["files"])
        cold_t = statistics.median(t for t, _ in cold)
        rows.append({
            "files": files,
            "cold": cold_t,
            "files_per_s": files / cold_t if cold_t else 0,
            "rss_mib": max(r for _, r in cold) / 1024,
            "warm": statistics.median(warm),
            "changed": statistics.median(changed),
        })
    return rows


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="3000,10000,50000")
    ap.add_argument("--peer-files", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-runs", type=int, default=3)
    ap.add_argument("--no-real", action="store_true", help="skip the real packages (no download)")
    ap.add_argument("--out", default=str(REPO / "BENCHMARKS.md"))
    args = ap.parse_args()
    peers.need_genrepo()
    peers.sh(["cargo", "build", "--release", "--quiet", "-p", "strata"], cwd=REPO)
    peers.install()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"== strata check on {sizes} files", file=sys.stderr)
    scan_rows = scans(sizes, args.runs)
    print("== peers", file=sys.stderr)
    peer_rows = peers.python(args.peer_files, SEED, args.peer_runs) + peers.typescript(args.peer_files, SEED, args.peer_runs)
    if not args.no_real:
        peer_rows += peers.real_python(args.peer_runs) + peers.real_typescript(args.peer_runs)

    version = subprocess.run([str(STRATA), "--version"], capture_output=True, text=True).stdout.split()[-1]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    big = max(scan_rows, key=lambda r: r["files"])
    fastest = {}
    for row in peer_rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        key = (cells[0], cells[1])
        ratio = float(cells[5].rstrip("x"))
        fastest[key] = min(fastest.get(key, ratio), ratio)

    lines = [
        "# Benchmarks",
        "",
        f"Written by `python3 bench/run.py` on {datetime.date.today()}: strata {version} ({commit}), release",
        f"build, {os.cpu_count()} cores ({cpu}), Linux. Medians; shared machines are noisy, so",
        "ratios hold better than absolute times.",
        "",
        f"## `strata check` on generated monorepos ({args.runs} runs each)",
        "",
        f"Polyglot corpora from `genrepo.py --seed {SEED}` (Rust, TypeScript, Python, Go, Java). Cold: no",
        "cache (`--no-cache`); warm: nothing changed since the cache was written; one file changed: a",
        "Python file edited before each run (its imports resolved again, the cache rewritten).",
        "",
        "| files | cold (s) | files/s | peak RSS (MiB) | warm (s) | one file changed (s) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in scan_rows:
        lines.append(f"| {r['files']} | {r['cold']:.2f} | {r['files_per_s']:.0f} | {r['rss_mib']:.0f} | "
                     f"{r['warm']:.2f} | {r['changed']:.2f} |")
    lines += [
        "",
        f"Targets at {big['files']} files: cold ≤ 5 s {verdict(big['cold'] <= 5)}, ≤ 1 GiB "
        f"{verdict(big['rss_mib'] <= 1024)}; warm ≤ 0.5 s {verdict(big['warm'] <= 0.5)}; one file changed "
        f"≤ 0.5 s {verdict(big['changed'] <= 0.5)}.",
        "",
        f"## Against the peers ({args.peer_runs} cold runs each)",
        "",
        "Each peer on its own language: a generated corpus of that language only",
        f"(`genrepo.py --files {args.peer_files} --seed {SEED} --langs py|ts`) and a real package fetched",
        "from its registry. Every tool cold (strata `--no-cache scan`, grimp without its cache); edges",
        "compared file to file.",
        "",
        "| language | corpus | peer | peer (s) | strata (s) | peer / strata | edges (file level) |",
        "|---|---|---|---:|---:|---:|---|",
        *peer_rows,
        "",
        "Slowest margin per corpus (the fastest peer): " + "; ".join(
            f"{lang} {corpus}: {ratio:.1f}x" for (lang, corpus), ratio in fastest.items()) + ".",
        "",
        "### Agreement",
        "",
        *peers.NOTES,
        "",
        "## Reproduce",
        "",
        "`python3 bench/run.py` (see `bench/README.md`); corpora are kept in `target/bench-corpora/`,",
        "peers installed into `target/bench-tools/`.",
        "",
    ]
    out = Path(args.out)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(out)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
