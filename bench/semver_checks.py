#!/usr/bin/env python3
"""Compare `strata api-diff` with cargo-semver-checks on real crates' published versions.

    python3 bench/semver_checks.py [--strata PATH] [--crate NAME]...

cargo-semver-checks (pinned below) is installed from crates.io into target/semver-check/tool
on first use. For each pair of versions in CRATES, the two .crate files are downloaded from
static.crates.io (checked against their sha256) and laid out as a one-crate workspace,
`crates/NAME`, twice: target/semver-check/work/NAME/{base,head}. A git repository of the same
layout gets the base version as its first commit and the head version as its second. Then:

  strata               `api-diff --base HEAD~1 --head HEAD --format json` in the repository;
  cargo-semver-checks  `--baseline-root base --manifest-path head/crates/NAME/Cargo.toml
                       --release-type patch` (every lint runs: with the real major release type
                       it skips them all), its human report parsed;
  rustdoc JSON         of both versions (what cargo-semver-checks reads), walked for the public
                       items, to check additions, which cargo-semver-checks does not report.

Each cargo-semver-checks finding is matched to strata's change of the same item (`Type::method`,
`Trait::method`; a field or variant to its type): agreed, strata only or cargo-semver-checks
only, each difference with its reason. Prints a Markdown report on stdout.

Exit 0: done; 1: strata missed a removed function or type of the crate root that is declared in
the source (one both tools should detect); 2: something could not run.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = REPO / "target" / "semver-check"
TOOL = WORK / "tool"
TOOL_VERSION = "0.51.0"
# (crate, base version, head version, sha256 of each .crate): small crates without dependencies
# whose public API changed between the two.
CRATES = [
    # Two functions removed, a derive dropped, features removed.
    ("itoa", "0.4.8", "1.0.0",
     "b71991ff56294aa922b450139ee08b3bfc70982c6b2c7562771375cf73542dd4",
     "d2f3e61cf687687b30c9e6ddf0fc36cf15f035e66d491e6da968fa49ffa9a378"),
    # Trait methods replaced, a function added, an impl's trait path respelled.
    ("hex", "0.3.2", "0.4.0",
     "805026a5d0141ffc30abb3be3173848ad46a1b1664fe632428479619a3644d77",
     "023b39be39e3a2da62a94feb433e91e8bcd37676fbc8bea371daf52b7a769a3e"),
    # A trait and structs removed (some made by a macro), signatures changed, items added.
    ("percent-encoding", "1.0.1", "2.0.0",
     "31010dd2e1ac33d5b46a5b413495239882813e0369f8ed8a5e266f173602f831",
     "ba4f28a6faf4ffea762ba8f4baef48c61a6db348647c73095034041fc79dd954"),
]

# Why cargo-semver-checks sees what strata does not, by lint id (first match wins).
BLIND = [
    (r"^feature_", "a Cargo feature: strata compares source files, not `[features]`"),
    (r"^derive_", "a `#[derive]` dropped: attributes are not part of strata's signatures"),
    (r"^(copy_impl|auto_trait_)", "an auto trait or `Copy`: inferred by the compiler or derived, not "
     "in strata's signatures"),
    (r"macro", "a macro: `macro_rules!` and proc macros are not surface in strata"),
    (r"(non_exhaustive|repr|must_use|doc_hidden|deprecated|unsafe)", "an attribute or qualifier strata does not compare"),
]
# Removed items whose absence from strata's report is a miss (declared at the crate root).
MUST_DETECT = {"function_missing", "struct_missing", "enum_missing", "trait_missing", "union_missing"}


class CannotRun(Exception):
    pass


def run(cmd, *, ok=(0,), **kw) -> subprocess.CompletedProcess:
    try:
        p = subprocess.run(cmd, text=True, capture_output=True, **kw)
    except OSError as e:
        raise CannotRun(f"cannot run `{cmd[0]}`: {e}") from e
    if p.returncode not in ok:
        raise CannotRun(f"`{' '.join(map(str, cmd))}` exited {p.returncode}:\n{p.stderr[-3000:]}")
    return p


def cargo_semver_checks() -> tuple[Path, float | None]:
    """The pinned tool, installed on first use; the install time (None when it was there)."""
    exe = TOOL / "bin" / "cargo-semver-checks"
    if exe.exists():
        v = run([str(exe), "semver-checks", "--version"], ok=(0, 1, 2)).stdout.split()
        if v[-1:] == [TOOL_VERSION]:
            return exe, None
    print(f"installing cargo-semver-checks {TOOL_VERSION} into {TOOL.relative_to(REPO)} ...", file=sys.stderr)
    start = time.perf_counter()
    p = subprocess.run(["nice", "-n", "10", "cargo", "install", "cargo-semver-checks", "--locked",
                        "--version", TOOL_VERSION, "--root", str(TOOL), "--force"],
                       text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise CannotRun(f"cargo install cargo-semver-checks failed:\n{p.stderr[-3000:]}")
    return exe, time.perf_counter() - start


def fetch(name: str, version: str, sha256: str) -> Path:
    """The unpacked sources of NAME-VERSION from static.crates.io."""
    crates = WORK / "crates"
    out = crates / f"{name}-{version}"
    if (out / "Cargo.toml").exists():
        return out
    crates.mkdir(parents=True, exist_ok=True)
    url = f"https://static.crates.io/crates/{name}/{name}-{version}.crate"
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            data = r.read()
    except OSError as e:
        raise CannotRun(f"cannot download {url}: {e}") from e
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CannotRun(f"{url}: sha256 differs from the pinned one")
    archive = crates / f"{name}-{version}.crate"
    archive.write_bytes(data)
    with tarfile.open(archive) as t:
        if hasattr(tarfile, "data_filter"):
            t.extractall(crates, filter="data")
        else:
            t.extractall(crates)
    return out


def lay_out(dst: Path, name: str, src: Path) -> None:
    """`dst` as a one-crate workspace: Cargo.toml and crates/NAME (the published sources)."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst / "crates" / name)
    (dst / "Cargo.toml").write_text(f'[workspace]\nmembers = ["crates/{name}"]\nresolver = "2"\n')


def git_repo(repo: Path, name: str, base: Path, head: Path) -> None:
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    git = ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    run([*git, "init", "-q"], cwd=repo, env=env)
    for tree, message in ((base, "base"), (head, "head")):
        for child in repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(tree, repo, dirs_exist_ok=True)
        run([*git, "add", "-A"], cwd=repo, env=env)
        run([*git, "commit", "-q", "-m", message], cwd=repo, env=env)


def strata_changes(strata: Path, repo: Path, name: str) -> dict:
    p = run([str(strata), "api-diff", "--root", str(repo), "--base", "HEAD~1", "--head", "HEAD",
             "--format", "json"])
    for m in json.loads(p.stdout)["modules"]:
        if m["module"] == name:
            return m
    raise CannotRun(f"strata api-diff listed no module `{name}`:\n{p.stdout[:2000]}")


def lint_levels(exe: Path) -> dict[str, str]:
    out = run([str(exe), "semver-checks", "--list"]).stdout
    return {m[1]: m[2] for m in re.finditer(r"^(\w+)\s+(major|minor)\s", out, re.M)}


def semver_checks(exe: Path, work: Path, name: str, levels: dict[str, str]) -> tuple[list[dict], str]:
    """cargo-semver-checks' findings ({lint, level, name, file, line, text}) and its summary."""
    env = {**os.environ, "CARGO_TARGET_DIR": str(WORK / "cargo-target"),
           "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    p = run(["cargo", "semver-checks", "--baseline-root", str(work / "base"),
             "--manifest-path", str(work / "head" / "crates" / name / "Cargo.toml"),
             "--release-type", "patch", "--color", "never"], ok=(0, 1, 100), env=env)
    summary = re.search(r"Summary (.*)", p.stderr)
    if not summary:
        raise CannotRun(f"cargo semver-checks gave no summary:\n{p.stderr[-3000:]}")
    crate_ident = name.replace("-", "_")
    findings, lint, failed_in = [], None, False
    for line in p.stdout.splitlines():
        header = re.match(r"^--- (?:failure|warning) (\w+): .* ---$", line)
        if header:
            lint, failed_in = header[1], False
        elif line.startswith("Failed in:"):
            failed_in = True
        elif failed_in and line.startswith("  ") and line.strip():
            findings.append(parse_finding(lint, levels.get(lint, "?"), line.strip(), crate_ident, work))
        elif not line.strip():
            failed_in = False
    return findings, summary[1].strip()


def parse_finding(lint: str, level: str, text: str, crate_ident: str, work: Path) -> dict:
    loc = re.search(r",?\s*(?:previously in file|in file|in) (/\S+):(\d+)\s*$", text)
    head = text[: loc.start()] if loc else text
    file, line = None, None
    if loc:
        path = Path(loc[1])
        for side in ("base", "head"):
            try:
                file = str(path.relative_to(work / side))
                break
            except ValueError:
                continue
        line = int(loc[2])
    if lint.startswith("feature_"):
        name = "feature " + head.split()[1]
    elif m := re.match(r"(?:method|associated \w+) (\w+) of trait (\S+)", head):
        name = f"{m[2]}::{m[1]}"
    else:
        head = re.sub(r"^(?:pub )?(?:trait method|trait|function|fn|type|struct|enum|union|macro|const|"
                      r"static|method|variant|field|inherent method)\s+", "", head, flags=re.I)
        name = re.split(r"[\s,(]", head.strip(), maxsplit=1)[0]
    name = name.removeprefix(f"{crate_ident}::")
    return {"lint": lint, "level": level, "name": name, "file": file, "line": line, "text": text}


def rustdoc_surface(manifest: Path, target: Path, crate_ident: str) -> set[str]:
    """Public item names from rustdoc JSON, named as strata names them (`Type::method`)."""
    env = {**os.environ, "RUSTC_BOOTSTRAP": "1", "CARGO_TARGET_DIR": str(target)}
    run(["cargo", "rustdoc", "-q", "--lib", "--all-features", "--manifest-path", str(manifest), "--",
         "-Z", "unstable-options", "--output-format", "json"], env=env)
    doc = json.loads((target / "doc" / f"{crate_ident}.json").read_text())
    index = doc["index"]
    out: set[str] = set()

    def walk(module_id, prefix: str) -> None:
        for i in index[str(module_id)]["inner"]["module"]["items"]:
            it = index.get(str(i))
            if not it or it["visibility"] != "public":
                continue
            (kind, inner), = it["inner"].items()
            if kind == "use":
                out.add(prefix + inner["name"])
                continue
            name = prefix + it["name"]
            if kind == "module":
                walk(i, name + "::")
                continue
            out.add(name)
            if kind in ("struct", "enum", "union"):
                for im in inner["impls"]:
                    imp = index[str(im)]["inner"]["impl"]
                    if imp["trait"] is None:
                        for f in imp["items"]:
                            fi = index.get(str(f))
                            if fi and fi["visibility"] == "public":
                                out.add(f"{name}::{fi['name']}")
            elif kind == "trait":
                for f in inner["items"]:
                    out.add(f"{name}::{index[str(f)]['name']}")

    walk(doc["root"], "")
    return out


def expected_change(lint: str) -> str:
    if lint.endswith(("_missing", "_removed")):
        return "removed"
    if lint.endswith("_added"):
        return "added"
    return "changed"


def blind_reason(lint: str) -> str | None:
    return next((why for pattern, why in BLIND if re.search(pattern, lint)), None)


def declared_in_source(work: Path, finding: dict) -> bool:
    """Whether the item's declaration (`fn NAME`, `struct NAME`, …) is at the reported line."""
    if not finding["file"] or not finding["line"]:
        return False
    path = work / "base" / finding["file"]
    if not path.exists():
        return False
    lines = path.read_text(errors="replace").splitlines()[finding["line"] - 1: finding["line"] + 2]
    word = re.escape(finding["name"].rsplit("::", 1)[-1])
    return any(re.search(rf"\b(fn|struct|enum|trait|union|type)\s+{word}\b", line) for line in lines)


def compare(work: Path, strata: dict, findings: list[dict], ref: tuple[set[str], set[str]]) -> dict:
    """Rows (item, strata, cargo-semver-checks, verdict, reason) and the strata misses."""
    changes = strata["changes"]
    by_symbol: dict[str, list[dict]] = {}
    for c in changes:
        by_symbol.setdefault(c["symbol"], []).append(c)
    matched: set[int] = set()
    rows, missed = [], []
    sc_removed = {f["name"] for f in findings if expected_change(f["lint"]) == "removed"}
    ref_base, ref_head = ref

    def show(c: dict) -> str:
        return f"{c['change']} {c['kind']} (`{c['path']}:{c['line']}`)"

    for f in findings:
        sc = f"`{f['lint']}` ({f['level']})"
        why = blind_reason(f["lint"])
        want = expected_change(f["lint"])
        hit = [c for c in by_symbol.get(f["name"], []) if c["change"] == want]
        if not hit and "::" in f["name"] and want != "added":
            # A field, variant or method seen by strata as a change of its type.
            hit = [c for c in by_symbol.get(f["name"].rsplit("::", 1)[0], []) if c["change"] == "changed"
                   and c["kind"] in ("struct", "enum", "union", "trait")]
        if hit and not why:
            matched.update(id(c) for c in hit)
            note = ""
            if f["level"] == "major" and all(c["change"] == "added" for c in hit):
                note = ("both list it; cargo-semver-checks rates it major (a method without a default "
                        "breaks the trait's implementors), strata as an addition")
            rows.append((f["name"], "; ".join(show(c) for c in hit), sc, "agreed", note))
            continue
        if not why:
            if f["lint"] in MUST_DETECT and not declared_in_source(work, f):
                why = "declared by a macro invocation: strata does not expand macros"
            elif f["lint"] in MUST_DETECT and "::" not in f["name"]:
                missed.append(f)
                why = "MISSED by strata"
            else:
                why = "not detected by strata"
        seen = by_symbol.get(f["name"])
        if seen:
            why += f" (strata: {', '.join(show(c) for c in seen)}, for another reason)"
        rows.append((f["name"], "—", sc, "cargo-semver-checks only", why))

    impls = {c["symbol"]: c for c in changes if c["kind"] == "impl"}

    def impl_key(symbol: str) -> tuple[str, str]:
        m = re.match(r"impl (.+) for (.+)$", symbol)
        return (m[1].rsplit("::", 1)[-1], m[2]) if m else (symbol, "")

    for c in changes:
        if id(c) in matched:
            continue
        sym, change = c["symbol"], c["change"]
        parent = sym.rsplit("::", 1)[0] if "::" in sym else None
        verdict, why = "strata only", ""
        if c["kind"] == "impl":
            trait, ty = impl_key(sym)
            other = [s for s, o in impls.items() if s != sym and impl_key(s) == (trait, ty)
                     and o["change"] != change]
            words = set(re.findall(r"\w+", sym)) - {"impl", "for"}
            if other:
                why = (f"the trait's path is spelled differently (`{sym}` / `{other[0]}`): strata keys "
                       "an impl as written, cargo-semver-checks resolves the path: no change")
            elif change == "removed" and words & sc_removed:
                verdict, why = "agreed (implied)", "its trait or type is reported removed by cargo-semver-checks"
        elif parent and change == "removed" and parent in sc_removed:
            verdict, why = "agreed (implied)", f"cargo-semver-checks reports the removal of `{parent}` alone"
        if not why and change == "added":
            new = sym in ref_head and sym not in ref_base
            why = ("an addition, not breaking: cargo-semver-checks reports none; "
                   + ("new in rustdoc JSON too" if new else "NOT new in rustdoc JSON"))
        elif not why and change == "changed":
            why = ("a signature change cargo-semver-checks has no lint for (parameter types or names, "
                   "return type, field types)")
        elif not why and change == "removed":
            why = ("still public per rustdoc JSON (moved or re-exported): strata keys a symbol by its file"
                   if sym in ref_head else "removed per rustdoc JSON; no cargo-semver-checks finding")
        rows.append((sym, show(c), "—", verdict, why))
    return {"rows": rows, "missed": missed}


def bump_of_semver_checks(summary: str) -> str:
    if "no semver update required" in summary:
        return "none"
    m = re.search(r"requires new (major|minor|patch) version", summary)
    return m[1] if m else summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strata", default=str(REPO / "target" / "debug" / "strata"),
                    help="the strata binary (built with `cargo build -p strata` when missing)")
    ap.add_argument("--crate", action="append", help="only these crates of the list")
    args = ap.parse_args()
    started = time.perf_counter()
    strata = Path(args.strata)
    if not strata.exists() and strata == REPO / "target" / "debug" / "strata":
        run(["cargo", "build", "--locked", "-q", "-p", "strata"], cwd=REPO)
    exe, install_time = cargo_semver_checks()
    levels = lint_levels(exe)
    rustc = run(["rustc", "--version"]).stdout.strip()

    report, summary_rows, all_missed = [], [], []
    for name, a, b, sha_a, sha_b in CRATES:
        if args.crate and name not in args.crate:
            continue
        t0 = time.perf_counter()
        work = WORK / "work" / name
        lay_out(work / "base", name, fetch(name, a, sha_a))
        lay_out(work / "head", name, fetch(name, b, sha_b))
        git_repo(work / "repo", name, work / "base", work / "head")
        strata_doc = strata_changes(strata, work / "repo", name)
        findings, sc_summary = semver_checks(exe, work, name, levels)
        ident = name.replace("-", "_")
        ref = (rustdoc_surface(work / "base" / "crates" / name / "Cargo.toml", WORK / "rustdoc" / f"{name}-base", ident),
               rustdoc_surface(work / "head" / "crates" / name / "Cargo.toml", WORK / "rustdoc" / f"{name}-head", ident))
        result = compare(work, strata_doc, findings, ref)
        all_missed += [(name, f) for f in result["missed"]]
        rows = result["rows"]
        count = lambda v: sum(1 for r in rows if r[3].startswith(v))  # noqa: E731
        strata_adds = {c["symbol"] for c in strata_doc["changes"] if c["change"] == "added"}
        ref_adds = ref[1] - ref[0]
        declared = strata_doc.get("declared_version_change") or {}
        impact = "breaking" if strata_doc["breaking"] else ("addition" if strata_adds else "internal")
        summary_rows.append(
            f"| {name} | {a} → {b} | {count('agreed')} | {count('strata only')} | "
            f"{count('cargo-semver-checks only')} | {strata_doc['required_bump']} ({impact}) | "
            f"{bump_of_semver_checks(sc_summary)} | {declared.get('bump', '?')} |")
        report.append(f"\n### {name} {a} → {b}\n")
        report.append(f"cargo-semver-checks: {sc_summary}. strata: needs a {strata_doc['required_bump']} "
                      f"bump ({impact}; Cargo's rules from {a}); declared {a} → {b} "
                      f"({declared.get('bump', '?')}). {time.perf_counter() - t0:.1f} s.\n")
        report.append("| item | strata | cargo-semver-checks | verdict | reason |")
        report.append("|---|---|---|---|---|")
        order = {"agreed": 0, "agreed (implied)": 1, "strata only": 2, "cargo-semver-checks only": 3}
        for item, s, c, verdict, why in sorted(rows, key=lambda r: (order[r[3]], r[0])):
            report.append(f"| `{item}` | {s} | {c} | {verdict} | {why} |")
        both = strata_adds & ref_adds
        strata_removes = {c["symbol"] for c in strata_doc["changes"] if c["change"] == "removed"}
        ref_removes = ref[0] - ref[1]
        report.append(f"\nRemovals (rustdoc JSON; trait impls not counted): {len(ref_removes)}; strata lists {len(strata_removes)}, "
                      f"{len(strata_removes & ref_removes)} of them in rustdoc's."
                      + (f" rustdoc only: {', '.join(f'`{x}`' for x in sorted(ref_removes - strata_removes))}."
                         if ref_removes - strata_removes else "")
                      + (f" strata only: {', '.join(f'`{x}`' for x in sorted(strata_removes - ref_removes))}."
                         if strata_removes - ref_removes else ""))
        report.append(f"Additions (rustdoc JSON; trait impls not counted): {len(ref_adds)}; strata lists "
                      f"{len(strata_adds)}, {len(both)} of them in rustdoc's."
                      + (f" rustdoc only: {', '.join(f'`{x}`' for x in sorted(ref_adds - strata_adds))}."
                         if ref_adds - strata_adds else "")
                      + (f" strata only: {', '.join(f'`{x}`' for x in sorted(strata_adds - ref_adds))}."
                         if strata_adds - ref_adds else ""))

    tool = f"cargo-semver-checks {TOOL_VERSION}" + (f" (installed in {install_time:.0f} s)" if install_time else "")
    print("## strata api-diff against cargo-semver-checks\n")
    print(f"{tool}, {rustc}; {time.perf_counter() - started:.0f} s in all. "
          "cargo-semver-checks ran with `--release-type patch` so that every lint runs. "
          "Bumps: strata's required bump follows Cargo's rules (before 1.0, breaking = minor); "
          "cargo-semver-checks says `major` for a breaking change at any version.\n")
    print("| crate | versions | agreed | strata only | cargo-semver-checks only | strata bump | "
          "cargo-semver-checks bump | declared |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(summary_rows))
    print("\n".join(report))
    if all_missed:
        print("\nstrata missed removed items of the crate root:", file=sys.stderr)
        for name, f in all_missed:
            print(f"  {name}: {f['text']} ({f['lint']})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CannotRun as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
