"""Python: Django's sdist from PyPI against grimp, module by module mapped to files, and every
strata edge checked against CPython's own parser (`ast`) to be an import statement.

grimp is the reference peer for Python import graphs (import-linter is built on it): it parses
each module with `ast` and resolves absolute and relative imports against the package tree,
counting imports inside functions and `TYPE_CHECKING` blocks, as strata does.
"""
from __future__ import annotations

import ast
import json
import os
import sys
from pathlib import Path

from common import CACHE, Edge, Result, fill_once, log, sh, strata_file_edges, strata_graph

DJANGO = "django==5.1.4"
GRIMP = "grimp==3.20"

GRAPH = """
import json, sys
import grimp
graph = grimp.build_graph(sys.argv[1], cache_dir=None)
json.dump([[m, i] for m in graph.modules for i in graph.find_modules_directly_imported_by(m)],
          open(sys.argv[2], "w"))
"""


def venv() -> Path:
    """A virtual environment in the cache with the pinned grimp."""
    def fill(tmp: Path) -> None:
        sh([sys.executable, "-m", "venv", str(tmp)])
        sh([str(tmp / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", GRIMP])
    # The venv's scripts name its final path, so build it in place under a versioned name.
    dest = CACHE / "python" / f"venv-{GRIMP.replace('==', '-')}"
    if not (dest / "bin" / "python").exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        fill(dest)
    return dest


def django() -> Path:
    """The sdist's `django` package and its pyproject.toml, as strata would see a checkout."""
    name, version = DJANGO.split("==")

    def fill(tmp: Path) -> None:
        sh([str(venv() / "bin" / "pip"), "download", "-q", "--disable-pip-version-check", "--no-binary", ":all:",
            "--no-deps", DJANGO, "-d", str(tmp)])
        archive = next(tmp.glob("*.tar.gz"))
        sh(["tar", "xzf", str(archive), "-C", str(tmp)])
        top = next(p for p in tmp.iterdir() if p.is_dir())
        (tmp / "code").mkdir()
        sh(["cp", "-r", str(top / name), str(top / "pyproject.toml"), str(tmp / "code")])

    return fill_once(CACHE / "python" / f"{name}-{version}", fill) / "code"


def module_file(root: Path, name: str) -> str | None:
    """The file of a dotted module name under `root`, as a repository path."""
    path = root.joinpath(*name.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate.relative_to(root).as_posix()
    return None


def import_lines(path: Path) -> set[int]:
    """Every line an import statement spans, by CPython's parser."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def compare(strata: str) -> Result:
    root = django()
    py = venv() / "bin" / "python"
    out = CACHE / "python" / "grimp-edges.json"
    log("python", f"grimp on {root}")
    sh([str(py), "-c", GRAPH, "django", str(out)], env=dict(os.environ, PYTHONPATH=str(root)))
    theirs: set[Edge] = set()
    for a, b in json.loads(out.read_text()):
        fa, fb = module_file(root, a), module_file(root, b)
        if fa and fb and fa != fb:
            theirs.add((fa, fb))
    graph = strata_graph(Path(strata), root)
    ours = strata_file_edges(graph, (".py",))
    # What is an import: every line strata draws an edge from is an import statement to `ast`.
    lines: dict[str, set[int]] = {}
    not_imports = []
    for e in graph["edges"]:
        if not e["from"].endswith(".py"):
            continue
        if e["from"] not in lines:
            lines[e["from"]] = import_lines(root / e["from"])
        if e["line"] not in lines[e["from"]]:
            not_imports.append(f"{e['from']}:{e['line']} -> {e['to']}")
    files = sum(1 for _ in root.rglob("*.py"))
    result = Result("python", f"Django {DJANGO.split('==')[1]} (PyPI sdist)", f"grimp {GRIMP.split('==')[1]}; CPython ast",
                    "file", files, ours, theirs, root=root)
    result.notes.append(f"CPython's ast: {len(graph['edges']) - len(not_imports)} of {len(graph['edges'])} strata edges "
                        "start on an import statement")
    result.errors += [f"not an import statement to CPython's ast: {x}" for x in not_imports]
    return result
