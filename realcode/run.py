#!/usr/bin/env python3
"""strata's import graph on real open-source code, edge by edge against each language's own
reference. One code base per language, fetched from a registry at a pinned version into
target/realcode/ (never committed):

    python3 realcode/run.py [--langs python,ts,go,java,rust] [--jobs N] [--strata PATH]

Prints, per language, the shared / only-strata / only-reference edge counts. Every difference
must be listed, with its reason, in realcode/explained.toml; the run fails (exit 1) on a
difference that is not, and on a listed one that no longer occurs, so the file stays exact.
See realcode/README.md.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import os
import subprocess
import sys
import time
import tomllib
import traceback
from dataclasses import dataclass

from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import HERE, REPO, Result  # noqa: E402

LANGS = ["python", "ts", "go", "java", "rust"]
EXPLAINED = HERE / "explained.toml"


def load_explained(path: Path = EXPLAINED) -> dict[tuple[str, str, str, str], str]:
    """(lang, side, from, to) -> reason, from the reviewed file."""
    data = tomllib.loads(path.read_text())
    out = {}
    for i, e in enumerate(data.get("difference", []), 1):
        missing = [k for k in ("lang", "side", "from", "to", "reason") if not e.get(k)]
        if missing or e["side"] not in ("strata", "reference") or e["lang"] not in LANGS:
            sys.exit(f"error: {path.name}: difference #{i} needs lang ({'/'.join(LANGS)}), "
                     f"side (strata/reference), from, to and reason; got {e}")
        key = (e["lang"], e["side"], e["from"], e["to"])
        if key in out:
            sys.exit(f"error: {path.name}: difference #{i} is listed twice: {key}")
        out[key] = e["reason"]
    return out


@dataclass
class Verdict:
    listed: list[tuple[str, str, str]]  # (side, from, to): differences explained.toml lists
    unexplained: list[tuple[str, str, str]]  # (side, from, to) not listed
    stale: list[tuple[str, str, str]]  # listed, but no longer a difference

    @property
    def explained(self) -> int:
        return len(self.listed)

    @property
    def passed(self) -> bool:
        return not self.unexplained and not self.stale


def judge(r: Result, explained: dict[tuple[str, str, str, str], str]) -> Verdict:
    """Every difference must be listed for its language, and every listed one must occur."""
    actual = {("strata", a, b) for a, b in r.ours - r.theirs} | {("reference", a, b) for a, b in r.theirs - r.ours}
    listed = {(side, a, b) for (lang, side, a, b) in explained if lang == r.lang}
    return Verdict(sorted(actual & listed), sorted(actual - listed), sorted(listed - actual))


def run_lang(lang: str, strata) -> Result:
    module = importlib.import_module(f"lang_{lang}")
    return module.compare(strata)


def token_check(strata: str, results: list[Result]) -> bool:
    """`strata context`'s estimate against a real tokenizer on each code base (tokens.py)."""
    import tokens

    print("\n## strata context: estimated tokens against o200k (gpt-tokenizer)\n")
    print("| language | task | items | estimated | o200k | estimated / o200k | lowest item ratio |")
    print("|---|---|---:|---:|---:|---:|---:|")
    failures = []
    for r in results:
        try:
            row, errors = tokens.check(strata, r)
        except Exception:  # noqa: BLE001 - reported, the run fails
            row, errors = f"| {r.lang} | (failed) | | | | | |", [traceback.format_exc()]
        print(row)
        failures += [f"- ERROR ({r.lang}): {e}" for e in errors]
    print("\n".join(failures))
    return not failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--langs", default=",".join(LANGS), help="comma-separated subset of " + ",".join(LANGS))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="languages compared at once")
    ap.add_argument("--strata", default=None, help="the strata binary (default: a release build of this tree)")
    ap.add_argument("--skip", default="", help="`tokens` skips the check of context's token estimate")
    args = ap.parse_args()
    langs = [l for l in args.langs.split(",") if l]
    unknown = [l for l in langs if l not in LANGS]
    if unknown:
        ap.error(f"unknown language {unknown[0]!r}; choose from {', '.join(LANGS)}")
    explained = load_explained()
    if args.strata:
        strata = os.path.abspath(args.strata)
    else:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "-p", "strata"], cwd=REPO, check=True)
        strata = str(REPO / "target" / "release" / "strata")

    results: dict[str, Result] = {}
    failed: dict[str, str] = {}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_lang, lang, strata): lang for lang in langs}
        for future in concurrent.futures.as_completed(futures):
            lang = futures[future]
            try:
                results[lang] = future.result()
            except Exception:  # noqa: BLE001 - reported below, the run fails
                failed[lang] = traceback.format_exc()

    ok = not failed
    print("| language | code base | reference | level | files | strata edges | reference edges | shared | only strata | only reference | explained |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    details = []
    for lang in langs:
        if lang in failed:
            print(f"| {lang} | (failed) | | | | | | | | | |")
            details.append(f"\n## {lang}: FAILED\n{failed[lang]}")
            continue
        r = results[lang]
        verdict = judge(r, explained)
        print(f"| {lang} | {r.codebase} | {r.reference} | {r.level} | {r.files} | {len(r.ours)} | {len(r.theirs)} | "
              f"{len(r.ours & r.theirs)} | {len(r.ours - r.theirs)} | {len(r.theirs - r.ours)} | {verdict.explained} |")
        lines = [f"\n## {lang}: {r.codebase}, against {r.reference}"]
        lines += [f"- {n}" for n in r.notes]
        lines += [f"- ERROR: {e}" for e in r.errors]
        lines += [f"- explained, only {side}: {a} -> {b}: {explained[(lang, side, a, b)]}"
                  for side, a, b in verdict.listed]
        lines += [f"- UNEXPLAINED, only {side}: {a} -> {b}" for side, a, b in verdict.unexplained]
        lines += [f"- STALE explanation (no longer a difference), only {side}: {a} -> {b}" for side, a, b in verdict.stale]
        if verdict.passed and not r.errors:
            lines.append(f"- every difference explained ({verdict.explained})")
        else:
            ok = False
        details.append("\n".join(lines))
    print("\n".join(details))
    if "tokens" not in args.skip:
        ok &= token_check(strata, [results[lang] for lang in langs if lang in results])
    print(f"\nreal-code suite: {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s "
          f"({os.cpu_count()} cores, {max(1, args.jobs)} at once)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
