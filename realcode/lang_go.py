"""Go: golang.org/x/tools (Debian bookworm's source package) against `go list`, package by package.

The reference is `go list -e -json ./...` in each module of the tree (golang.org/x/tools and its
nested golang.org/x/tools/gopls), offline, for every GOOS/GOARCH the toolchain knows, since one
`go list` sees only the files of one platform while strata reads them all. An edge is importing
package directory -> imported package directory; test files count on both sides (strata reads
`_test.go` files, so `TestImports` and `XTestImports` are in the reference).

strata is given the scope `go list` has: `testdata/` folders (which the go tool never treats as
packages) and the files that no platform builds (`//go:build ignore` generators, fallbacks for Go
releases older than the toolchain) are excluded through a `[project] exclude` config.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import CACHE, Edge, Result, debian_source, log, sh, strata_graph, unpack

PACKAGE = "golang-golang-x-tools"
VERSION = "1:0.5.0+ds-1"
UPSTREAM = "0.5.0+ds"
# The Go module roots of the tree, relative to it.
MODULES = ["", "gopls"]
# Fields of `go list -json` the comparison reads (asking for fewer makes go list cheaper).
FIELDS = "Dir,ImportPath,Imports,TestImports,XTestImports,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles"
FILE_FIELDS = ("GoFiles", "CgoFiles", "TestGoFiles", "XTestGoFiles")


def go_env() -> dict[str, str]:
    """An offline, self-contained go environment: caches under target/realcode, no proxy, no
    user config; modules that cannot be downloaded stay missing (only in-tree imports count)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(GOPATH=str(CACHE / "go-path"), GOCACHE=str(CACHE / "go-build"),
               GOMODCACHE=str(CACHE / "go-mod"), GOPROXY="off", GOSUMDB="off", GOFLAGS="-mod=mod",
               GOWORK="off", GOENV="off", GOTOOLCHAIN="local", GO111MODULE="on", CGO_ENABLED="1")
    return env


def decode_stream(text: str) -> list[dict]:
    """`go list -json` prints concatenated JSON objects, not a list."""
    dec, out, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        obj, i = dec.raw_decode(text, i)
        out.append(obj)


def go_list(root: Path, module: str, platform: str, env: dict[str, str]) -> list[dict]:
    """Every package of one module as `go list` sees it on one platform."""
    goos, goarch = platform.split("/")
    proc = subprocess.run(["go", "list", "-e", f"-json={FIELDS}", "./..."], cwd=root / module,
                          env={**env, "GOOS": goos, "GOARCH": goarch}, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"go list in {module or '.'} for {platform} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return decode_stream(proc.stdout)


def glob_escape(path: str) -> str:
    """A path as a glob matching only itself."""
    return "".join(f"[{c}]" if c in "*?[]{}" else c for c in path)


def compare(strata: str) -> Result:
    """strata's package edges against the union of `go list` over every platform, same files."""
    lang = "go"
    src = debian_source(PACKAGE, VERSION)
    tarball = next(src.glob(f"{PACKAGE}_{UPSTREAM}.orig.tar.*"))
    root = unpack(tarball, CACHE / "go" / f"{PACKAGE}-{UPSTREAM}") / f"{PACKAGE}-{UPSTREAM}"
    if not shutil.which("go"):
        raise RuntimeError("no `go` on PATH: install Debian's golang-go (apt-get install -y golang-go)")
    env = go_env()
    platforms = sh(["go", "tool", "dist", "list"], env=env).stdout.split()
    version = sh(["go", "env", "GOVERSION"], env=env).stdout.strip()
    log(lang, f"go list ({version}) over {len(platforms)} platforms x {len(MODULES)} modules")
    jobs = [(m, p) for m in MODULES for p in platforms]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        listings = list(pool.map(lambda job: go_list(root, job[0], job[1], env), jobs))

    package_dir: dict[str, str] = {}  # import path -> directory relative to the tree
    compiled: set[str] = set()  # files some platform builds
    theirs: set[Edge] = set()
    for packages in listings:
        for p in packages:
            rel = Path(p["Dir"]).resolve().relative_to(root.resolve()).as_posix()
            rel = "" if rel == "." else rel
            package_dir[p["ImportPath"]] = rel
            for key in FILE_FIELDS:
                compiled.update(f"{rel}/{f}".lstrip("/") for f in p.get(key) or [])
    for packages in listings:
        for p in packages:
            here = package_dir[p["ImportPath"]]
            for imp in (p.get("Imports") or []) + (p.get("TestImports") or []) + (p.get("XTestImports") or []):
                there = package_dir.get(imp)
                if there is not None and there != here:
                    theirs.add((here, there))

    # `./...` drops directories whose every file is constrained away, so their files are in no
    # listing: the tree's own walk (the go tool's, skipping testdata, `_` and `.` names) finds them.
    walked = {f.relative_to(root).as_posix() for f in root.rglob("*.go")
              if not any(part == "testdata" or part[0] in "_." for part in f.relative_to(root).parts)}
    never = sorted(walked - compiled)
    config = CACHE / "go" / "strata.toml"
    excludes = ["**/testdata/**", *map(glob_escape, never)]
    config.write_text("[project]\nexclude = [\n" + "".join(f"  {json.dumps(g)},\n" for g in excludes) + "]\n")
    graph = strata_graph(Path(strata), root, config)
    dirs = set(package_dir.values())
    ours: set[Edge] = set()
    for e in graph["edges"]:
        a, b = e["from"], e["to"]
        if not (a.endswith(".go") and b.endswith(".go")):
            continue
        a, b = os.path.dirname(a), os.path.dirname(b)
        if a != b and a in dirs and b in dirs:
            ours.add((a, b))

    seen = {f["path"] for f in graph["files"] if f["path"].endswith(".go")}
    notes = [f"reference: `go list -e ./...` with {version}, union over all {len(platforms)} GOOS/GOARCH pairs, "
             f"modules {', '.join(m or '.' for m in MODULES)}; Imports + TestImports + XTestImports",
             f"{len(package_dir)} packages; strata excludes testdata/ and {len(never)} files no platform builds"]
    if seen != compiled:
        notes.append(f"file scope differs: {len(seen - compiled)} .go files only strata reads "
                     f"(e.g. {sorted(seen - compiled)[:3]}), {len(compiled - seen)} only go list "
                     f"(e.g. {sorted(compiled - seen)[:3]})")
    return Result(lang=lang, codebase=f"golang.org/x/tools {VERSION} (Debian {PACKAGE})",
                  reference=f"go list ({version})", level="package", files=len(compiled),
                  ours=ours, theirs=theirs, notes=notes, root=root)
