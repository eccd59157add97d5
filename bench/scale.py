#!/usr/bin/env python3
"""How strata's time and memory grow with the repository, and what that projects for sharding.

    python3 bench/scale.py [--sizes 10000,50000,200000,500000] [--shards 4] [--runs 3]

For each size, a polyglot corpus from genrepo.py (seed 7, kept in target/bench-corpora/; above
100k files, several 50k corpora side by side, see `corpus`), and a release build of strata:
- `scan` cold (`--no-cache`): wall time and peak RSS, the median of RUNS runs;
- `check` over the warm index the scan left (the rules alone, plus loading the index);
- with `--shards N` and a strata that has `scan --shard` and `merge`: each shard scanned cold,
  one after the other (the slowest shard is what a CI matrix waits for), then `merge` of the N
  shard files, then `check` over the merged index.
Then a power law t = a * n^b fitted by least squares on log-log to each column, and the time
projected for 5,000,000 files on one machine and on N shards (the slowest shard, the merge and
the check on one machine). Prints a Markdown report and writes it to target/bench-scale/report.md.
Nothing else should run during a benchmark: the numbers are wall times on a shared machine.
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import peers

REPO = peers.REPO
STRATA = peers.STRATA
GENREPO = peers.GENREPO
CORPORA = peers.CORPORA
SEED = 7
PROJECT_TO = 5_000_000


def timed(args: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of strata; a failure stops the benchmark."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", str(STRATA), *args], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    last = out.stderr.strip().splitlines()[-1]
    if out.returncode not in (0, 1):
        sys.exit(f"strata {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    wall, rss = last.split()
    return float(wall), int(rss) / 1024


def median_of(runs: int, args: list[str]) -> tuple[float, float]:
    results = [timed(args) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


# genrepo.py draws each API module a port from 8000-9899 until it finds a free one, so it
# cannot make more than about 4,200 modules (about 170,000 files): above LARGEST, a corpus is
# several corpora of PART files (seeds 7, 8, …) side by side under p0/, p1/, … with the first
# one's strata.toml at the root. Their module names repeat across parts (each part is one
# generator run), which duplicate-module findings report; the scan's work is the same kind.
LARGEST = 100_000
PART = 50_000


def generated(files: int, seed: int) -> Path:
    out = CORPORA / f"mono-{files}-s{seed}"
    if not (out / ".truth" / "truth.json").exists():
        if out.exists():
            shutil.rmtree(out)
        peers.sh([sys.executable, str(GENREPO), "--out", str(out), "--files", str(files),
                  "--seed", str(seed), "--jobs", "2"])
    return out


def corpus(files: int) -> Path:
    if files <= LARGEST:
        return generated(files, SEED)
    if files % PART:
        sys.exit(f"sizes above {LARGEST:,} must be multiples of {PART:,} (they are made of parts)")
    out = CORPORA / f"mono-{files}-s{SEED}-parts"
    done = out / ".parts"
    if done.exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for i in range(files // PART):
        part = generated(PART, SEED + i)
        # Hard links: the parts' files are not copied, and the scans never write to them.
        shutil.copytree(part, out / f"p{i}", copy_function=os.link,
                        ignore=shutil.ignore_patterns(".strata", ".truth"))
    shutil.copy(CORPORA / f"mono-{PART}-s{SEED}" / "strata.toml", out / "strata.toml")
    done.write_text(f"{files // PART} parts of {PART} files, seeds {SEED}..{SEED + files // PART - 1}\n")
    return out


def has_shards() -> bool:
    ok = subprocess.run([str(STRATA), "merge", "--help"], capture_output=True).returncode == 0
    return ok and b"--shard" in subprocess.run([str(STRATA), "scan", "--help"], capture_output=True).stdout


def measure(size: int, runs: int, shards: int) -> dict:
    root = corpus(size)
    row: dict = {"size": size}
    print(f"== {size} files: scan cold", file=sys.stderr)
    row["scan"], row["scan_rss"] = median_of(runs, ["--no-cache", "scan", "--root", str(root), "-q"])
    # The index the scan wrote, then check over it (rules and loading the index).
    timed(["scan", "--root", str(root), "-q"])
    print(f"== {size} files: check warm", file=sys.stderr)
    row["check"], row["check_rss"] = median_of(runs, ["check", "--root", str(root), "-q", "--exit-zero"])
    if shards > 1 and has_shards():
        with tempfile.TemporaryDirectory(prefix="strata-shards-") as tmp:
            files = []
            times = []
            rss = []
            for i in range(shards):
                out = Path(tmp) / f"shard-{i}.bin"
                print(f"== {size} files: shard {i}/{shards}", file=sys.stderr)
                t, r = timed(["--no-cache", "scan", "--root", str(root), "--shard", f"{i}/{shards}",
                              "--out", str(out), "-q"])
                times.append(t)
                rss.append(r)
                files.append(str(out))
            row["shard_max"] = max(times)
            row["shard_rss"] = max(rss)
            row["shard_mib"] = sum(os.path.getsize(f) for f in files) / 2**20
            print(f"== {size} files: merge", file=sys.stderr)
            row["merge"], row["merge_rss"] = timed(["merge", "--root", str(root), *files])
            row["check_merged"], _ = timed(["check", "--root", str(root), "-q", "--exit-zero"])
    return row


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """a, b of t = a * n^b, least squares on log-log."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-3)) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return math.exp(my - b * mx), b


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,200000,500000")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    peers.need_genrepo()
    peers.sh(["cargo", "build", "--release", "--quiet", "-p", "strata"], cwd=REPO)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = [measure(n, args.runs, args.shards) for n in sizes]
    sharded = all("merge" in r for r in rows)

    lines = [
        f"Release build, {os.cpu_count()} cores; corpora `genrepo.py --seed {SEED}` (above "
        f"{LARGEST:,} files: {PART:,}-file corpora of seeds {SEED}, {SEED + 1}, … side by side); scan and "
        f"check: medians of {args.runs} runs; shards, merge and the check after it: one run.",
        "",
        "| files | scan cold (s) | peak RSS (MiB) | check, warm index (s) | peak RSS (MiB) |"
        + (f" slowest of {args.shards} shards (s) | shard files (MiB) | merge (s) | merge RSS (MiB) | check merged (s) |" if sharded else ""),
        "|---:|---:|---:|---:|---:|" + ("---:|---:|---:|---:|---:|" if sharded else ""),
    ]
    for r in rows:
        line = (f"| {r['size']:,} | {r['scan']:.2f} | {r['scan_rss']:.0f} | {r['check']:.2f} | "
                f"{r['check_rss']:.0f} |")
        if sharded:
            line += (f" {r['shard_max']:.2f} | {r['shard_mib']:.1f} | {r['merge']:.2f} | "
                     f"{r['merge_rss']:.0f} | {r['check_merged']:.2f} |")
        lines.append(line)
    lines.append("")
    curves = {"scan": "scan cold", "check": "check (warm index)", "scan_rss": "scan peak RSS"}
    if sharded:
        curves.update({"shard_max": "slowest shard", "merge": "merge",
                       "check_merged": "first check after the merge"})
    fits = {}
    for key, label in curves.items():
        a, b = fit([(r["size"], r[key]) for r in rows])
        fits[key] = (a, b)
        unit = "MiB" if key.endswith("rss") else "s"
        lines.append(f"- {label}: {a:.3g} · n^{b:.2f} {unit} → {a * PROJECT_TO ** b:,.1f} {unit} at "
                     f"{PROJECT_TO:,} files")
    lines.append("")
    one = fits["scan"][0] * PROJECT_TO ** fits["scan"][1] + fits["check"][0] * PROJECT_TO ** fits["check"][1]
    lines.append(f"Projected for {PROJECT_TO:,} files on one machine like this one (scan + check): "
                 f"{one:,.0f} s.")
    if sharded:
        for n in (8, 32, 128):
            per = PROJECT_TO / n
            shard = fits["scan"][0] * per ** fits["scan"][1]
            merge = fits["merge"][0] * PROJECT_TO ** fits["merge"][1]
            check = fits["check_merged"][0] * PROJECT_TO ** fits["check_merged"][1]
            lines.append(f"- on {n} shards: slowest shard ≈ {shard:,.0f} s (a scan of {per:,.0f} "
                         f"files) + merge ≈ {merge:,.0f} s + first check ≈ {check:,.0f} s = "
                         f"{shard + merge + check:,.0f} s")
    report = "\n".join(lines) + "\n"
    out = REPO / "target" / "bench-scale" / "report.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
