"""TypeScript: rxjs from npm (it ships its TypeScript sources under src/) against
dependency-cruiser, file by file.

dependency-cruiser resolves with webpack's enhanced-resolve and reads TypeScript through the
compiler itself; it is configured to see what strata sees: imports that vanish when compiled
(`tsPreCompilationDeps`: type-only imports), `tsconfig.json` `paths`, and `exports` conditions.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from common import CACHE, Edge, Result, fill_once, log, sh, strata_file_edges, strata_graph

RXJS = "rxjs@7.8.1"
PEERS = ["dependency-cruiser@16.6.0", "typescript@5.9.3"]

CONFIG = {
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

# rxjs ships src/tsconfig.base.json, which extends a root tsconfig.json left out of the package:
# this is that file, with the base's `paths` (rxjs imports itself as `rxjs/...`).
TSCONFIG = {
    "compilerOptions": {"strict": True, "target": "es2015", "module": "esnext", "moduleResolution": "node",
                        "baseUrl": "src", "paths": {"rxjs": ["./"], "rxjs/*": ["./*"]}},
    "include": ["src/**/*.ts"],
}


def tools() -> Path:
    """dependency-cruiser and TypeScript, pinned, in the cache."""
    def fill(tmp: Path) -> None:
        (tmp / "package.json").write_text('{"private": true}\n')
        sh(["npm", "install", "--no-audit", "--no-fund", "--silent", *PEERS], cwd=tmp)
    return fill_once(CACHE / "ts" / ("tools-" + "-".join(p.replace("@", "") for p in PEERS)), fill)


def rxjs() -> Path:
    name, version = RXJS.rsplit("@", 1)

    def fill(tmp: Path) -> None:
        sh(["npm", "pack", "--silent", RXJS], cwd=tmp)
        sh(["tar", "xzf", str(next(tmp.glob("*.tgz"))), "-C", str(tmp)])
        (tmp / "package" / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=2) + "\n")
        (tmp / "package" / ".dependency-cruiser.json").write_text(json.dumps(CONFIG, indent=2) + "\n")

    return fill_once(CACHE / "ts" / f"{name}-{version}", fill) / "package"


def compare(strata: str) -> Result:
    bin_ = tools() / "node_modules" / ".bin"
    root = rxjs()
    log("ts", f"dependency-cruiser on {root / 'src'}")
    # Node cuts long output to a pipe short when it exits; a file gets all of it.
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.run([str(bin_ / "depcruise"), "--config", ".dependency-cruiser.json", "--output-type",
                               "json", "src"], cwd=root, stdout=out, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"depcruise exited {proc.returncode}: {proc.stderr[-4000:]}")
        out.seek(0)
        dc = json.load(out)
    theirs: set[Edge] = {
        (m["source"], d["resolved"])
        for m in dc["modules"]
        for d in m["dependencies"]
        if d["resolved"].startswith("src/") and not d.get("couldNotResolve") and m["source"] != d["resolved"]
    }
    # dependency-cruiser is pointed at src/; strata sees the whole package (rxjs ships .d.ts
    # files and a dist/ build too), so compare the edges within src/.
    ours = {(a, b) for a, b in strata_file_edges(strata_graph(Path(strata), root), (".ts",))
            if a.startswith("src/") and b.startswith("src/")}
    files = sum(1 for _ in (root / "src").rglob("*.ts"))
    return Result("ts", f"rxjs {RXJS.rsplit('@', 1)[1]} (npm)", f"dependency-cruiser {PEERS[0].rsplit('@', 1)[1]}",
                  "file", files, ours, theirs, root=root)
