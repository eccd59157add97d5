"""What every language of the real-code suite shares: running commands, fetching code bases from
their registries into the cache, and strata's own file graph."""
from __future__ import annotations

import json
import os
import shutil
import fcntl
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Everything fetched or installed lives here, never in the tree (target/ is ignored).
CACHE = Path(os.environ.get("STRATA_REALCODE_CACHE", REPO / "target" / "realcode"))

Edge = tuple[str, str]


@dataclass
class Result:
    """One language's comparison: both edge sets, at the same level, over the same files."""

    lang: str
    codebase: str  # name, version and registry
    reference: str  # the tool that gave the reference edges
    level: str  # "file" or "package"
    files: int  # source files compared
    ours: set[Edge]
    theirs: set[Edge]
    notes: list[str] = field(default_factory=list)
    # Failures that are not edge differences (a check of the reference's own kind).
    errors: list[str] = field(default_factory=list)
    # The code base's folder, for the checks that run on it after the comparison.
    root: Path | None = None


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a command; on failure raise with what it printed."""
    out = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {out.returncode}:\n{out.stdout[-2000:]}{out.stderr[-4000:]}")
    return out


def log(lang: str, msg: str) -> None:
    # One write per line: the languages run in threads side by side.
    sys.stderr.write(f"[{lang}] {msg}\n")
    sys.stderr.flush()


def fill_once(dest: Path, fill) -> Path:
    """`dest` made by `fill(tmp)` into a temporary folder renamed into place, so a killed run
    never leaves half a cache entry."""
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        fill(tmp)
        tmp.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def debian_source(package: str, version: str) -> Path:
    """The files of Debian source package `package`=`version` (upstream's tarball and Debian's
    .dsc), downloaded with apt into the cache. apt checks them against the archive's signed
    index; the system's own apt configuration is left alone."""
    apt = CACHE / "apt"
    (apt / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (apt / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
    (apt / "sources").mkdir(exist_ok=True)
    (apt / "sources" / "src.sources").write_text(
        "Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
    )
    opts = ["-o", "Dir::Etc::SourceList=/dev/null", "-o", f"Dir::Etc::SourceParts={apt / 'sources'}",
            "-o", f"Dir::State::Lists={apt / 'lists'}", "-o", f"Dir::Cache={apt / 'cache'}", "-qq"]

    def fill(tmp: Path) -> None:
        if not any((apt / "lists").glob("*Sources*")):
            sh(["apt-get", *opts, "update"])
        sh(["apt-get", *opts, "source", "--download-only", f"{package}={version}"], cwd=tmp)

    # apt takes its own lock on these folders and fails at once when it is held: one download
    # at a time, across threads and processes.
    with _APT_THREADS, open(apt / "run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return fill_once(CACHE / "debian" / f"{package}_{version}", fill)


_APT_THREADS = threading.Lock()


def unpack(archive: Path, dest: Path) -> Path:
    """`archive` (tar.gz, tar.xz, tgz, crate) unpacked into `dest` once; returns `dest`."""
    return fill_once(dest, lambda tmp: sh(["tar", "xf", str(archive), "-C", str(tmp)]))


def strata_graph(strata: Path, root: Path, config: Path | None = None) -> dict:
    """strata's file-level graph of `root`, cold (no cache read or written)."""
    cmd = [str(strata), "--no-cache", "--no-progress", "--root", str(root)]
    cmd += ["--config", str(config)] if config else ["--no-config"]
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.run([*cmd, "graph", "--level", "file", "--format", "json"], stdout=out,
                              stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"strata graph on {root} exited {proc.returncode}: {proc.stderr[-4000:]}")
        out.seek(0)
        return json.load(out)


def strata_file_edges(graph: dict, exts: tuple[str, ...]) -> set[Edge]:
    """File edges whose source has one of `exts` (self-edges never count)."""
    return {(e["from"], e["to"]) for e in graph["edges"] if e["from"].endswith(exts) and e["from"] != e["to"]}
