"""Java: Guava (Debian bookworm's guava-libraries 31.1-1, upstream's tarball), strata's file
graph against javac's own resolution of every import (ImportEdges.java, Compiler Tree API).

Scope: Guava's main library (guava/src), failureaccess (futures/failureaccess/src, a class
guava/src imports), guava-testlib (src and test) and guava-tests (test and benchmark). Left
out, for strata and javac alike: android/ (the Android flavour, the same classes again),
guava-gwt/ (GWT super-source, the same classes again), futures/listenablefuture1/ (a second
ListenableFuture) and refactorings/ (Refaster templates, not part of a build)."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import common

LANG = "java"
PACKAGE, VERSION = "guava-libraries", "31.1-1"
SCOPE = ("guava/src", "futures/failureaccess/src", "guava-testlib/src", "guava-testlib/test",
         "guava-tests/test", "guava-tests/benchmark")
# The rest of the tarball, excluded so strata indexes exactly the files javac compiles.
CONFIG = """[project]
exclude = ["android/**", "guava-gwt/**", "futures/listenablefuture1/**", "futures/listenablefuture9999/**",
           "refactorings/**", "guava/javadoc-link/**", "util/**"]
"""


def in_scope(path: str) -> bool:
    return path.endswith(".java") and any(path.startswith(d + "/") for d in SCOPE)


def reference(root: Path) -> tuple[set[common.Edge], str]:
    """javac's edges, and its summary line: ImportEdges.java run by the JDK's single-file
    launcher."""
    java = shutil.which("java")
    if not java:
        raise RuntimeError("java (JDK 17 or later) is not on PATH")
    out = common.sh([java, "-Xmx2g", str(common.HERE / "ImportEdges.java"), str(root), *SCOPE])
    edges = set()
    for line in out.stdout.splitlines():
        a, b = line.split("\t")
        edges.add((a, b))
    return edges, out.stderr.strip().splitlines()[-1]


def compare(strata: str) -> common.Result:
    started = time.monotonic()
    src = common.debian_source(PACKAGE, VERSION)
    top = common.unpack(src / "guava-libraries_31.1.orig.tar.xz", common.CACHE / LANG / f"{PACKAGE}_{VERSION}")
    root = top / "guava-31.1"
    config = root / "strata.toml"
    config.write_text(CONFIG)
    files = sum(1 for d in SCOPE for _ in (root / d).rglob("*.java"))

    common.log(LANG, f"javac on {files} files of {root}")
    theirs, summary = reference(root)
    common.log(LANG, "strata")
    graph = common.strata_graph(Path(strata), root, config)
    ours = {(a, b) for a, b in common.strata_file_edges(graph, (".java",)) if in_scope(a) and in_scope(b)}
    bad = {e for e in theirs if not (in_scope(e[0]) and in_scope(e[1]))}
    if bad:
        raise RuntimeError(f"reference edge outside the scope: {sorted(bad)[0]}")
    return common.Result(
        lang=LANG,
        codebase=f"Guava 31.1 (Debian {PACKAGE} {VERSION}; library, failureaccess, testlib, tests)",
        reference="javac 17 Compiler Tree API (realcode/ImportEdges.java)",
        level="file",
        files=files,
        ours=ours,
        theirs=theirs,
        notes=[f"javac: {summary}", f"compared in {time.monotonic() - started:.0f} s"],
        root=root,
    )
