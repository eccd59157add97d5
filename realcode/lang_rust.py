"""Rust: strata's file graph of one crates.io crate against rustc's own name resolution.

Code base: regex-automata at a pinned version, fetched by cargo (which checks the registry's
checksum; the pin below checks it again). Its library is a deep module tree (nested `mod.rs`
directories, `use crate::…`/`super::`/`self::` paths, globs, `pub use` re-exports, unit-test
modules) and its integration test target a second tree that reaches the library by crate name.

References, both from the installed stable toolchain (`RUSTC_BOOTSTRAP=1` for the unstable flag):

- rustc's dep-info (which `cargo check` always has it write) lists the files of each target's
  module tree: the files strata's `mod` edges lead to must be exactly these.
- rustc's HIR (`-Zunpretty=hir-tree`) holds every item after name resolution: each module with
  its file, each `mod` item with where it is declared, each leaf of every `use` tree and each
  path in code, with the item every path segment resolved to. (rustdoc's JSON would not do: its
  strip-private-imports pass drops every `use` but the public re-exports.)

The reference edges mean what strata's mean:

- `mod x;` written in file A, loading file B: A -> B.
- a `use` leaf written in file A: A -> the file of the deepest module its path names, as rustc
  resolved it (through `crate`/`self`/`super`, child modules, imported modules, crate names). An
  item re-exported from elsewhere thus counts as the module the path goes through, not its
  definition site: strata points an import at the module the code names. A module's file is
  the one its body is in (an inline module's is its parent's). Leaves written in a macro's
  definition (expanded elsewhere) are not the expanding file's, as in strata.
- a path in code that starts with a crate's name (`regex_automata::util::look::LookMatcher::new()`
  in a test), the same way; strata counts paths in code only when they name a crate of the tree.
- only edges between files of the crate's module trees; self-edges never count.

cfg: strata reads every file, rustc one configuration at a time, so the module trees and `use`
leaves of several configurations are united (see CONFIGS); the crate's remaining cfgs (pointer
width, endianness, miri) guard no `mod` or `use`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from common import CACHE, Result, fill_once, log, sh, strata_file_edges, strata_graph, unpack

LANG = "rust"
CRATE, VERSION = "regex-automata", "0.4.19"
SHA256 = "41d60ef07df457506a0a1a2073112eb4aae5733dbd2813c3da77d1b0fd441158"
LIB = "regex_automata"
HOME = CACHE / "rust"
# The compilations whose module trees and `use` leaves are united: the library with every
# feature, with and without cfg(test); Unicode word boundaries without regex-syntax (the only
# configuration that compiles src/util/unicode_data/perl_word.rs); the integration test target.
CONFIGS = [
    ["--lib", "--all-features"],
    ["--lib", "--all-features", "--profile", "test"],
    ["--lib", "--no-default-features", "--features", "std,perf,unicode-word-boundary,dfa,nfa,hybrid"],
    ["--test", "integration", "--all-features"],
]
# The published crate leaves out what its integration test needs to compile: tests/fuzz/mod.rs
# (its Cargo.toml excludes it), the TOML test data it includes from ../../testdata and the
# serialized DFAs of tests/gen. The build copy gets an empty module and empty data files (only
# read at run time); edges touching the stub are not compared.
STUB = "tests/fuzz/mod.rs"


def cargo_home() -> Path:
    return Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))


def fetch_crate() -> Path:
    """The pinned .crate, downloaded by `cargo fetch` of a throwaway project in the cache."""
    proj = HOME / "fetch"
    (proj / "src").mkdir(parents=True, exist_ok=True)
    (proj / "Cargo.toml").write_text(
        '[package]\nname = "realcode-fetch"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n'
        f'[dependencies]\n{CRATE} = {{ version = "={VERSION}", default-features = false }}\n')
    (proj / "src" / "lib.rs").write_text("")
    sh(["cargo", "fetch", "--quiet"], cwd=proj, env=cargo_env())
    name = f"{CRATE}-{VERSION}.crate"
    found = sorted((cargo_home() / "registry" / "cache").glob(f"*/{name}"))
    for f in found:
        if hashlib.sha256(f.read_bytes()).hexdigest() == SHA256:
            return f
    raise RuntimeError(f"{name}: not in {cargo_home()}/registry/cache with sha256 {SHA256} ({found})")


def build_copy(root: Path) -> Path:
    """A copy of the crate to compile, in build/crate/: its manifest made a workspace of its own
    (the cache lies inside this repository, whose workspace cargo would claim it for), plus the
    stubs the integration test needs (see STUB), its ../../testdata being build/testdata/."""
    def fill(tmp: Path) -> None:
        crate = tmp / "crate"
        shutil.copytree(root, crate)
        with open(crate / "Cargo.toml", "a") as f:
            f.write("\n[workspace]\n")
        (crate / STUB).write_text("")
        data = [tmp / "testdata" / f"{name}.toml"
                for name in re.findall(r'load!\("([^"]+)"\)', (crate / "tests" / "lib.rs").read_text())]
        for rs in (crate / "tests").rglob("*.rs"):
            data += [rs.parent / name for name in re.findall(r'include_bytes!\(\s*"([^"]+)"', rs.read_text())]
        for f in data:
            if not f.exists():
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_bytes(b"")
    return fill_once(HOME / "build", fill) / "crate"


def cargo_env() -> dict[str, str]:
    env = {**os.environ, "CARGO_TARGET_DIR": str(HOME / "target"), "RUSTC_BOOTSTRAP": "1",
           "CARGO_TERM_COLOR": "never"}
    env.pop("RUSTFLAGS", None)
    return env


def dep_info(root: Path, config: list[str]) -> set[str]:
    """The crate's files (relative to `root`) rustc read for `config`, from the dep-info files
    `cargo check` has rustc write next to each of the crate's artifacts."""
    out = sh(["cargo", "check", "--locked", "--message-format=json", *config], cwd=root, env=cargo_env())
    files = set()
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") != "compiler-artifact" or not msg["manifest_path"].startswith(str(root)):
            continue
        for art in map(Path, msg["filenames"]):
            d = art.with_name(art.name.split(".")[0].removeprefix("lib") + ".d")
            if not d.exists():
                raise RuntimeError(f"no dep-info {d} next to {art}")
            _, _, deps = d.read_text().split("\n\n")[0].partition(": ")
            for f in deps.replace("\\ ", "\0").split():
                f = (root / f.replace("\0", " ")).resolve()
                if f.is_relative_to(root.resolve()) and f.suffix == ".rs":
                    files.add(str(f.relative_to(root.resolve())))
    return files


OWNER = re.compile(r"^DefId\(\d+:\d+ ~ (\w+)\[[0-9a-f]+\]((?:::\S+)?)\) => OwnerNodes \{$")
MOD_RES = re.compile(r"Def\(\s*Mod,\s*DefId\(\d+:\d+ ~ (\w+)\[[0-9a-f]+\]((?:::[^)\s]+)?)\)")
SPAN = r"(\S+?):\d+:\d+: \d+:\d+ \(#(\d+)\)"
ITEM_SPAN = re.compile(r"\n {16}span: " + SPAN + r",\n {16}vis_span:")
INNER_SPAN = re.compile(r"inner_span: " + SPAN)
USE_KIND = re.compile(r"\n {20}\},\n {20}(Single|Glob|ListStem)\b")

Module = tuple[str, str]  # (crate, module path from its root: "" or "a::b")


class Hir:
    """What `-Zunpretty=hir-tree` dumps say, united: module -> file, `mod` items loading another
    file, and `use` leaves and crate-named paths (file written in, deepest module named)."""

    def __init__(self) -> None:
        self.module_file: dict[Module, str] = {}
        self.mod_decls: set[tuple[str, str]] = set()
        self.uses: list[tuple[str, Module | None]] = []
        self.supers: list[tuple[str, Module, int]] = []  # (file, owner, leading `super`s)
        self.macro_uses = 0

    def read(self, lines) -> None:
        """Only `use` and `mod` owners (and the crate root) are kept whole; in the rest, most of
        the dump, only paths in code that start with a crate's name are followed."""
        head, keep, buf = None, False, []
        paths = CodePaths(self)
        for line in lines:
            if head is None:
                m = OWNER.match(line)
                if m:
                    head, keep, buf = (m.group(1), m.group(2).removeprefix("::")), None, []
                continue
            if line == "}\n":
                if keep:
                    self.owner(head, "".join(buf))
                paths.flush()
                head = None
            elif keep is None:
                s = line.lstrip()
                if s.startswith(("kind: ", "node: Crate(")):
                    keep = s.startswith(("kind: Use(", "kind: Mod(", "node: Crate("))
                buf.append(line)
            elif keep:
                buf.append(line)
            else:
                paths.line(line)

    def owner(self, head: Module, text: str) -> None:
        if "node: Crate(" in text:
            self.module_file[head] = INNER_SPAN.search(text).group(1)
            return
        item = ITEM_SPAN.search(text)
        if "kind: Mod(" in text:
            inner = INNER_SPAN.search(text).group(1)
            self.module_file[head] = inner
            if item.group(1) != inner:
                self.mod_decls.add((item.group(1), inner))
            return
        if USE_KIND.search(text).group(1) == "ListStem" or not item:
            return  # `a::{…}` itself (its leaves are items of their own), or the injected prelude
        if item.group(2) != "0":
            self.macro_uses += 1
            return
        deepest = None
        segments = text[text.index("segments: ["):].split("PathSegment {")[1:]
        # Each segment's resolution; the last one's (Err in the segment) is the path's own.
        for res in [s[s.index("res:"):s.index("args:")] for s in segments] + [
                text[text.index("type_ns:"):text.index("macro_ns:")]]:
            m = MOD_RES.search(res)
            if m:
                deepest = (m.group(1), m.group(2).removeprefix("::"))
        supers = len(re.findall(r"\n\s*ident: super#", text))
        if deepest is None and supers:
            self.supers.append((item.group(1), head, supers))
        else:
            self.uses.append((item.group(1), deepest))

    def resolve_supers(self) -> None:
        """rustc records no resolution for a `super` segment: `use super::Item` (the only module
        it names being `super`) is resolved here, from the module the `use` is in (the nearest
        module among its owner's def path) up one module per `super`."""
        for file, (crate, path), supers in self.supers:
            parts = path.split("::")[:-1]
            while parts and (crate, "::".join(parts)) not in self.module_file:
                parts.pop()
            if len(parts) < supers:
                raise RuntimeError(f"`super` above the crate root in {crate}::{path}")
            self.uses.append((file, (crate, "::".join(parts[:len(parts) - supers]))))
        self.supers = []


class CodePaths:
    """Paths written in code (not in `use`) whose first segment is a crate's name resolved to
    that crate's root, as `regex_automata::util::look::LookMatcher::new()` in a test: each gives
    (file, deepest module named), like a `use` leaf. In the dump a path is a `span:` line and,
    8 columns deeper, its segments, each an `ident:` line followed by its `res:`."""

    def __init__(self, hir: Hir):
        self.hir = hir
        self.spans: dict[int, tuple[str, str]] = {}  # indent -> latest span there
        self.path: list | None = None  # [span, indent, deepest module, first ident] being read
        self.res: list[str] | None = None  # lines of the segment's `res:` being read

    def line(self, line: str) -> None:
        if self.res is not None:
            if len(self.res) == 1 and not line.lstrip().startswith("res:"):
                # Not a path segment (`ident: hir_id: res:`), just some other ident.
                self.res = None
                if self.path and self.path[2] is None:
                    self.path = None
            elif line.lstrip().startswith("args:"):
                m = MOD_RES.search("".join(self.res))
                if m and m.group(1) == self.path[3]:
                    self.path[2] = (m.group(1), m.group(2).removeprefix("::"))
                self.res = None
            else:
                self.res.append(line)
            return
        if "span: " in line:
            s = line.lstrip()
            if s.startswith("span: "):
                m = re.match(SPAN, s[6:])
                if m:
                    self.spans[len(line) - len(s)] = m.groups()
            return
        if "ident: " not in line:
            return
        s = line.lstrip()
        if not s.startswith("ident: "):
            return
        indent = len(line) - len(s)
        span = self.spans.get(indent - 8)
        if self.path and self.path[1] == indent and self.path[0] is span:
            self.res = []  # the next segment of the path being read
            return
        self.flush()
        name = s[7:].split("#", 1)[0]
        if span and span[1] == "0" and name not in ("crate", "self", "super"):
            self.path = [span, indent, None, name]
            self.res = []

    def flush(self) -> None:
        p, self.path, self.res = self.path, None, None
        if p and p[2] and p[2][0] == p[3]:
            self.hir.uses.append((p[0][0], p[2]))


def hir_tree(root: Path, config: list[str], hir: Hir) -> None:
    """Read rustc's HIR of `config` into `hir`, streamed (a dump is some 300 MB)."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(["cargo", "rustc", "--locked", *config, "--", "-Zunpretty=hir-tree"], cwd=root,
                                env=cargo_env(), stdout=subprocess.PIPE, stderr=err, text=True)
        hir.read(proc.stdout)
        if proc.wait() != 0:
            err.seek(0)
            raise RuntimeError(f"cargo rustc {' '.join(config)} -Zunpretty=hir-tree exited {proc.returncode}: "
                               f"{err.read()[-4000:]}")


def rustc_version() -> str:
    return sh(["rustc", "--version"]).stdout.split()[1]


def compare(strata: str) -> Result:
    crate = fetch_crate()
    root = unpack(crate, HOME / f"{CRATE}-{VERSION}") / f"{CRATE}-{VERSION}"
    build = build_copy(root)
    log(LANG, f"{CRATE} {VERSION}: rustc dep-info and HIR, {len(CONFIGS)} compilations")
    files: set[str] = set()
    hir = Hir()
    for config in CONFIGS:
        files |= dep_info(build, config)
        hir_tree(build, config, hir)
    hir.resolve_supers()
    files.discard(STUB)
    module_files = set(hir.module_file.values()) - {STUB}
    if module_files != files:
        raise RuntimeError(f"dep-info and HIR disagree on the module trees' files: {sorted(files ^ module_files)}")
    theirs = {(a, b) for a, b in hir.mod_decls if STUB not in (a, b)}
    roots = {f for (c, m), f in hir.module_file.items() if m == ""}
    if {b for _, b in theirs} | roots != files:
        raise RuntimeError(f"`mod` items and dep-info disagree: {sorted(({b for _, b in theirs} | roots) ^ files)}")
    theirs_mod = set(theirs)
    crates = {c for c, _ in hir.module_file}
    for src, target in hir.uses:
        if target and target[0] in crates:
            to = hir.module_file[target]
            if to != src:
                theirs.add((src, to))
    graph = strata_graph(Path(strata), root)
    every = strata_file_edges(graph, (".rs",))
    ours = {e for e in every if e[0] in files}
    outside = sorted({str(p.relative_to(root)) for p in root.rglob("*.rs")} - files)
    notes = [f"{len(files)} files in the module trees of the library and the integration test (rustc dep-info "
             f"of {len(CONFIGS)} compilations; {len(theirs_mod)} `mod` edges); {len(hir.uses)} `use` leaves and "
             f"crate-named paths as rustc resolved them ({hir.macro_uses} `use` leaves written in macro "
             f"definitions not counted)",
             f"not compared: {len(every - ours)} strata edges from {', '.join(outside)}, in no module tree "
             f"(the crate as published leaves out {STUB}, which declares them)"]
    return Result(LANG, f"{CRATE} {VERSION} (crates.io)", f"rustc {rustc_version()} dep-info + HIR",
                  "file", len(files), ours, theirs, notes, root=root)


if __name__ == "__main__":
    import sys
    r = compare(sys.argv[1])
    print(len(r.ours), len(r.theirs), len(r.ours & r.theirs))
    for e in sorted(r.ours - r.theirs):
        print("only strata", *e)
    for e in sorted(r.theirs - r.ours):
        print("only reference", *e)
    print(*r.notes, sep="\n")
