#!/usr/bin/env python3
"""Time strata against the tools users would pick instead, on each tool's own language, and
check that they find the same import edges.

    python3 bench/peers.py [--files N] [--seed S] [--runs R]

Peers (installed into target/bench-tools/ from their registries on first use):
  Python      grimp (graph build), import-linter (graph + one contract)      -- PyPI
  TypeScript  dependency-cruiser (tsPreCompilationDeps, exports conditions),
              madge                                                          -- npm
Each peer and strata run on a generated corpus of only that language (genrepo.py --langs),
cold (strata with --no-cache), median wall time of R runs. Edges are compared file to file
with strata's `graph --level file`; every difference is counted and explained in the output.
Prints a Markdown report on stdout.
"""
from __future__ import annotations

import argparse
import json
import re
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOOLS = REPO / "target" / "bench-tools"
CORPORA = REPO / "target" / "bench-corpora"
STRATA = REPO / "target" / "release" / "strata"
# The corpus generator: STRATA_GENREPO, or shared/bench/genrepo.py beside the repository.
GENREPO = Path(os.environ.get("STRATA_GENREPO", REPO.parent / "shared" / "bench" / "genrepo.py"))


def need_genrepo() -> None:
    """Stop with one clear line when the generator the benchmarks' corpora come from is missing."""
    if not GENREPO.is_file():
        sys.exit(f"error: the corpus generator {GENREPO} is missing: put the `shared/` folder beside the "
                 "repository or set STRATA_GENREPO=/path/to/genrepo.py")

PY_PEERS = ["grimp==3.*", "import-linter==2.*", "tach==0.35.*"]
# Real packages, fetched from their registries: a PyPI sdist and an npm package that ships its
# TypeScript sources.
REAL_PY = "django==5.1.4"
REAL_TS = "rxjs@7.8.1"
NODE_PEERS = ["dependency-cruiser@16", "madge@8", "typescript@5"]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def install() -> None:
    venv = TOOLS / "venv"
    if not (venv / "bin" / "tach").exists():
        sh([sys.executable, "-m", "venv", str(venv)])
        sh([str(venv / "bin" / "pip"), "install", "-q", *PY_PEERS])
    node = TOOLS / "node"
    if not (node / "node_modules" / ".bin" / "madge").exists():
        node.mkdir(parents=True, exist_ok=True)
        sh(["npm", "install", "--no-audit", "--no-fund", "--silent", *NODE_PEERS], cwd=node)


def corpus(lang: str, files: int, seed: int) -> Path:
    out = CORPORA / f"{lang}-{files}-s{seed}"
    if not (out / ".truth" / "truth.json").exists():
        sh([sys.executable, str(GENREPO), "--out", str(out), "--files", str(files), "--seed", str(seed), "--langs", lang])
    return out


def timed(cmd, runs: int, **kw) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# The line of each strata edge, to explain differences: (root, from, to) -> line.
LINES: dict[tuple[str, str, str], int] = {}


def strata_edges(root: Path, ext: tuple[str, ...]) -> set[tuple[str, str]]:
    out = sh([str(STRATA), "--no-cache", "--root", str(root), "graph", "--level", "file", "--format", "json"])
    edges = set()
    for e in json.loads(out.stdout)["edges"]:
        if e["from"].endswith(ext):
            edges.add((e["from"], e["to"]))
            LINES[(str(root), e["from"], e["to"])] = e["line"]
    return edges


def why_strata_only(root: Path, edges: list[tuple[str, str]]) -> str:
    """Classify edges only strata finds by the import statement that makes them."""
    kinds: dict[str, int] = {}
    for a, b in edges:
        line = LINES.get((str(root), a, b), 0)
        text = (root / a).read_text(errors="replace").splitlines()[line - 1] if line else ""
        if "require(" in text:
            kind = "`require()` calls in TypeScript files"
        elif "/// <reference" in text:
            kind = "`/// <reference path>` directives"
        elif re.search(r"""from\s+['"]@[^/'"]+/[^/'"]+/""", text):
            kind = "`package.json` `exports` subpaths (`@scope/pkg/sub`)"
        else:
            kind = "other imports"
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))


def why_peer_only(root: Path, edges: list[tuple[str, str]]) -> str:
    """Classify edges only a Python peer finds: is the target named in a string literal?"""
    strings = 0
    for a, b in edges:
        dotted = b.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        text = (root / a).read_text(errors="replace")
        if re.search(r"""['"]""" + re.escape(dotted) + r"""[.'"]""", text):
            strings += 1
    return (f"{strings} of {len(edges)} name their target only in a string literal (a dotted path such as "
            "Django's settings lists), which is not an import")


# --- Python --------------------------------------------------------------------------------

def py_roots(root: Path) -> dict[str, Path]:
    """Top-level package name -> its source root, from the corpus's pyproject folders."""
    roots = {}
    for pyproject in sorted([*(root / "py").glob("*/pyproject.toml"), *root.glob("pyproject.toml")]):
        base = pyproject.parent / "src" if (pyproject.parent / "src").is_dir() else pyproject.parent
        for pkg in sorted(base.iterdir()):
            if (pkg / "__init__.py").exists():
                roots[pkg.name] = base
    return roots


GRIMP = """
import json, sys
import grimp
packages = sys.argv[1].split(',')
graph = grimp.build_graph(*packages, cache_dir=None)
edges = [[m, i] for m in graph.modules for i in graph.find_modules_directly_imported_by(m)]
if len(sys.argv) > 2:
    json.dump(edges, open(sys.argv[2], 'w'))
"""


def module_file(name: str, roots: dict[str, Path], root: Path) -> str | None:
    base = roots.get(name.split(".")[0])
    if base is None:
        return None
    path = base.joinpath(*name.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.exists():
            return str(candidate.relative_to(root))
    return None


TACH_TOML = """source_roots = [{roots}]
exclude = []
ignore_type_checking_imports = false
{modules}"""


def tach_edges(root: Path, roots: dict[str, Path], runs: int) -> tuple[float, set[tuple[str, str]]]:
    """`tach map` (its file-level dependency map) on the corpus: median time and edges."""
    sources = sorted({str(p.relative_to(root)) for p in roots.values()})
    modules = "".join(f'\n[[modules]]\npath = "{m}"\ndepends_on = []\n' for m in sorted(roots))
    (root / "tach.toml").write_text(TACH_TOML.format(roots=", ".join(f'"{s}"' for s in sources), modules=modules))
    tach = str(TOOLS / "venv" / "bin" / "tach")
    try:
        t = timed([tach, "map", "-o", "-"], runs, cwd=root)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "map.json"
            sh([tach, "map", "-o", str(out)], cwd=root)
            deps = json.loads(out.read_text())
    finally:
        (root / "tach.toml").unlink()
    return t, {(a, b) for a, bs in deps.items() for b in bs if a != b}


def python(files: int, seed: int, runs: int) -> list[str]:
    return python_on(corpus("py", files, seed), f"{files}", runs)


def python_on(root: Path, label: str, runs: int) -> list[str]:
    roots = py_roots(root)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sorted({str(p) for p in roots.values()})))
    py = str(TOOLS / "venv" / "bin" / "python")
    packages = ",".join(sorted(roots))
    lines = []
    strata_t = timed([str(STRATA), "--no-cache", "scan", "--root", str(root)], runs)
    grimp_t = timed([py, "-c", GRIMP, packages], runs, env=env)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / ".importlinter"
        first, last = sorted(roots)[0], sorted(roots)[-1]
        config.write_text(
            f"[importlinter]\nroot_packages =\n    " + "\n    ".join(sorted(roots)) +
            f"\n\n[importlinter:contract:one]\nname = bench\ntype = forbidden\nsource_modules =\n    {first}\n"
            f"forbidden_modules =\n    {last}\n"
        )
        linter_t = timed([str(TOOLS / "venv" / "bin" / "lint-imports"), "--config", str(config), "--no-cache"], runs, env=env, cwd=tmp)
        edges_file = Path(tmp) / "edges.json"
        sh([py, "-c", GRIMP, packages, str(edges_file)], env=env)
        grimp_edges = set()
        unmapped = 0
        for a, b in json.loads(edges_file.read_text()):
            fa, fb = module_file(a, roots, root), module_file(b, roots, root)
            if fa and fb and fa != fb:
                grimp_edges.add((fa, fb))
            else:
                unmapped += 1
    ours = strata_edges(root, (".py",))
    tach_t, tach = tach_edges(root, roots, runs)
    lines.append(f"| Python | {label} | grimp | {grimp_t:.2f} | {strata_t:.2f} | {grimp_t / strata_t:.1f}x | "
                 f"{agreement(ours, grimp_edges)} |")
    lines.append(f"| Python | {label} | import-linter | {linter_t:.2f} | {strata_t:.2f} | {linter_t / strata_t:.1f}x | (grimp's graph) |")
    lines.append(f"| Python | {label} | tach map | {tach_t:.2f} | {strata_t:.2f} | {tach_t / strata_t:.1f}x | "
                 f"{agreement(ours, tach)} |")
    diff_note(f"grimp ({label})", ours, grimp_edges, root)
    diff_note(f"tach ({label})", ours, tach, root)
    return lines


# --- TypeScript ----------------------------------------------------------------------------

def link_workspaces(ts: Path) -> None:
    """The `node_modules/@mono/<m>` links `npm install` would make for the workspace packages."""
    scope = ts / "node_modules" / "@mono"
    scope.mkdir(parents=True, exist_ok=True)
    for pkg in sorted((ts / "packages").iterdir()):
        link = scope / pkg.name
        if not link.exists():
            link.symlink_to(Path("..") / ".." / "packages" / pkg.name)


DEPCRUISE_CONFIG = {
    "options": {
        "tsPreCompilationDeps": True,
        "tsConfig": {"fileName": "tsconfig.json"},
        "combinedDependencies": False,
        "enhancedResolveOptions": {
            "exportsFields": ["exports"],
            "conditionNames": ["types", "import", "require", "node", "default"],
            "extensions": [".ts", ".d.ts", ".js"],
        },
        "doNotFollow": {"path": "node_modules"},
    }
}


def typescript(files: int, seed: int, runs: int) -> list[str]:
    root = corpus("ts", files, seed)
    link_workspaces(root / "ts")
    return typescript_on(root, root / "ts", "packages", f"{files}", runs)


def typescript_on(root: Path, ts: Path, src: str, label: str, runs: int) -> list[str]:
    """The peers in `ts` (the folder with tsconfig.json) on the sources under `ts/src`."""
    bin_ = TOOLS / "node" / "node_modules" / ".bin"
    (ts / ".dependency-cruiser.json").write_text(json.dumps(DEPCRUISE_CONFIG))
    depcruise = [str(bin_ / "depcruise"), "--config", ".dependency-cruiser.json", "--output-type", "json", src]
    madge = [str(bin_ / "madge"), "--json", "--ts-config", "tsconfig.json", "--extensions", "ts", src]
    prefix = "" if ts == root else f"{ts.relative_to(root)}/"
    strata_t = timed([str(STRATA), "--no-cache", "scan", "--root", str(root)], runs)
    dc_t = timed(depcruise, runs, cwd=ts)
    madge_t = timed(madge, runs, cwd=ts)
    # The peers see only `src`; strata sees the whole package (rxjs ships .d.ts files too).
    scope = f"{prefix}{src}/"
    ours = {(a, b) for a, b in strata_edges(root, (".ts",)) if a.startswith(scope) and b.startswith(scope)}
    with tempfile.TemporaryFile("w+") as out:
        subprocess.run(depcruise, cwd=ts, check=False, stdout=out, stderr=subprocess.DEVNULL)
        out.seek(0)
        dc = json.load(out)
    dc_edges = {
        (f"{prefix}{m['source']}", f"{prefix}{d['resolved']}")
        for m in dc["modules"]
        for d in m["dependencies"]
        if d["resolved"].startswith(f"{src}/") and not d.get("couldNotResolve")
    }
    # Node cuts long output to a pipe short when it exits; a file gets all of it.
    with tempfile.TemporaryFile("w+") as out:
        subprocess.run(madge, cwd=ts, check=True, stdout=out, stderr=subprocess.DEVNULL)
        out.seek(0)
        md = json.load(out)
    madge_edges = {(f"{prefix}{src}/{a}", f"{prefix}{src}/{b}") for a, deps in md.items() for b in deps}
    diff_note(f"dependency-cruiser ({label})", ours, dc_edges, root)
    diff_note(f"madge ({label})", ours, madge_edges, root)
    return [
        f"| TypeScript | {label} | dependency-cruiser | {dc_t:.2f} | {strata_t:.2f} | {dc_t / strata_t:.1f}x | {agreement(ours, dc_edges)} |",
        f"| TypeScript | {label} | madge | {madge_t:.2f} | {strata_t:.2f} | {madge_t / strata_t:.1f}x | {agreement(ours, madge_edges)} |",
    ]


# --- real packages ----------------------------------------------------------------------------

def real_python(runs: int) -> list[str]:
    """Django's sdist from PyPI: the `django` package with its pyproject.toml."""
    name, version = REAL_PY.split("==")
    root = CORPORA / f"real-{name}-{version}"
    if not (root / name).is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            sh([str(TOOLS / "venv" / "bin" / "pip"), "download", "-q", "--no-binary", ":all:", "--no-deps", REAL_PY, "-d", tmp])
            archive = next(Path(tmp).glob("*.tar.gz"))
            sh(["tar", "xzf", str(archive), "-C", tmp])
            top = next(p for p in Path(tmp).iterdir() if p.is_dir())
            root.mkdir(parents=True, exist_ok=True)
            sh(["cp", "-r", str(top / name), str(top / "pyproject.toml"), str(root)])
    return python_on(root, f"{name} {version} (PyPI)", runs)


def real_typescript(runs: int) -> list[str]:
    """rxjs from npm, which ships its TypeScript sources under src/."""
    name, version = REAL_TS.rsplit("@", 1)
    root = CORPORA / f"real-{name}-{version}"
    if not (root / "src").is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            sh(["npm", "pack", "--silent", REAL_TS], cwd=tmp)
            archive = next(Path(tmp).glob("*.tgz"))
            sh(["tar", "xzf", str(archive), "-C", tmp])
            sh(["cp", "-r", str(Path(tmp) / "package"), str(root)])
    # The package ships src/tsconfig.base.json, which extends a root tsconfig.json left out of
    # the package: write that one, with the base's `paths` (rxjs imports itself as `rxjs/...`).
    (root / "tsconfig.json").write_text(json.dumps({
        "compilerOptions": {"strict": True, "target": "es2015", "module": "esnext", "moduleResolution": "node",
                            "baseUrl": "src", "paths": {"rxjs": ["./"], "rxjs/*": ["./*"]}},
        "include": ["src/**/*.ts"],
    }))
    return typescript_on(root, root, "src", f"{name} {version} (npm)", runs)


# --- report ---------------------------------------------------------------------------------

NOTES: list[str] = []


def agreement(ours: set, theirs: set) -> str:
    both = len(ours & theirs)
    return f"{both} shared, {len(ours - theirs)} only strata, {len(theirs - ours)} only peer"


def diff_note(peer: str, ours: set, theirs: set, root: Path | None = None) -> None:
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    if not only_ours and not only_theirs:
        NOTES.append(f"- {peer}: identical edges ({len(ours)}).")
        return
    NOTES.append(f"- {peer}: {len(only_ours)} edges only strata finds, {len(only_theirs)} only the peer finds.")
    if root is not None and only_ours:
        NOTES.append(f"  Only strata: {why_strata_only(root, only_ours)}.")
    if root is not None and only_theirs:
        NOTES.append(f"  Only the peer: {why_peer_only(root, only_theirs)}.")
    NOTES.append("  First ones:")
    for a, b in only_ours[:3]:
        NOTES.append(f"  - only strata: `{a}` -> `{b}`")
    for a, b in only_theirs[:3]:
        NOTES.append(f"  - only the peer: `{a}` -> `{b}`")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-real", action="store_true", help="skip the real packages (no download)")
    args = ap.parse_args()
    need_genrepo()
    sh(["cargo", "build", "--release", "--quiet", "-p", "strata"], cwd=REPO)
    install()
    rows = python(args.files, args.seed, args.runs) + typescript(args.files, args.seed, args.runs)
    if not args.no_real:
        rows += real_python(args.runs) + real_typescript(args.runs)
    print(f"{os.cpu_count()} cores; median of {args.runs} cold runs; generated corpora of one language each "
          f"(genrepo.py --files {args.files} --seed {args.seed} --langs py|ts) and real packages from PyPI and npm\n")
    print("| language | files | peer | peer (s) | strata (s) | peer / strata | edges (file level) |")
    print("|---|---:|---|---:|---:|---:|---|")
    print("\n".join(rows))
    print("\nAgreement:\n" + "\n".join(NOTES))


if __name__ == "__main__":
    main()
