#!/usr/bin/env python3
"""How exactly `strata deps` finds the version each module gets, against the package managers'
own per-package records in the lockfiles.

    python3 bench/deps_accuracy.py REPO [REPO...]

`strata deps` resolves a module's dependency by name: the lockfile's versions of the package,
narrowed by the manifest's requirement. The lockfiles also record, for each package of the
workspace, which version each of its dependencies resolved to; those records are the truth here:
- Cargo.lock: the `dependencies` list of each local package (`name` or `name version`);
- pnpm-lock.yaml: `importers.PATH.{dependencies,devDependencies,optionalDependencies}`;
- package-lock.json v2/v3: Node's lookup from the package's folder (`PATH/node_modules/NAME`,
  then each folder above).
For every (module, package) that a record covers: exact when strata's resolved version equals
the record's, wrong when it differs, missed when strata has none. Needs PyYAML for pnpm.
The strata binary is target/release/strata, or $STRATA_BIN.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import peers

# A release build by default; STRATA_BIN names another.
STRATA = Path(os.environ.get("STRATA_BIN", peers.STRATA))


def cargo_truth(root: Path, lock: Path) -> dict[tuple[str, str], str]:
    """(manifest folder, dependency) -> version, for every local package of a Cargo.lock."""
    data = tomllib.loads(lock.read_text())
    packages = data.get("package", [])
    by_name: dict[str, list[str]] = {}
    for p in packages:
        by_name.setdefault(p["name"], []).append(p["version"])
    # Local packages are those without a source; their folders come from the manifests.
    folders = {}
    for manifest in root.rglob("Cargo.toml"):
        if "target" in manifest.parts:
            continue
        try:
            name = tomllib.loads(manifest.read_text()).get("package", {}).get("name")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        # A package belongs to the lockfile nearest above it (another workspace's lockfile,
        # e.g. a fuzz crate's, records the same path packages at other versions).
        nearest = next((d / "Cargo.lock" for d in manifest.parents if (d / "Cargo.lock").exists()), None)
        if isinstance(name, str) and nearest == lock:
            folders.setdefault(name, str(manifest.parent.relative_to(root)))
    truth = {}
    for p in packages:
        if "source" in p or p["name"] not in folders:
            continue
        for dep in p.get("dependencies", []):
            parts = dep.split(" ")
            name = parts[0]
            local = [q for q in packages if q["name"] == name and "source" not in q]
            if local:
                continue
            version = parts[1] if len(parts) > 1 else (by_name.get(name) or [None])[0]
            if version:
                truth[(folders[p["name"]], name)] = version
    return truth


def pnpm_truth(root: Path, lock: Path) -> dict[tuple[str, str], str]:
    import yaml

    data = yaml.safe_load(lock.read_text())
    base = lock.parent.relative_to(root)
    truth = {}
    for path, importer in (data.get("importers") or {}).items():
        folder = str((base / path)) if path != "." else str(base)
        folder = "." if folder in ("", ".") else folder
        for section in ("dependencies", "devDependencies", "optionalDependencies"):
            for name, spec in (importer.get(section) or {}).items():
                version = spec["version"] if isinstance(spec, dict) else spec
                version = str(version).split("(")[0]
                if version.startswith(("link:", "file:", "workspace:")):
                    continue
                truth[(folder, name)] = version
    return truth


def npm_truth(root: Path, lock: Path) -> dict[tuple[str, str], str]:
    data = json.loads(lock.read_text())
    packages = data.get("packages") or {}
    base = lock.parent.relative_to(root)
    truth = {}
    for path, entry in packages.items():
        if "node_modules/" in path or path.startswith("node_modules"):
            continue
        manifest = lock.parent / path / "package.json"
        if not manifest.exists():
            continue
        declared = json.loads(manifest.read_text())
        for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
            for name in (declared.get(section) or {}):
                here = path
                while True:
                    key = f"{here}/node_modules/{name}" if here else f"node_modules/{name}"
                    hit = packages.get(key)
                    if hit is not None:
                        if "version" in hit and not hit.get("link"):
                            folder = str(base / path) if path else str(base)
                            truth[("." if folder in ("", ".") else folder, name)] = hit["version"]
                        break
                    if not here:
                        break
                    here = here.rsplit("/", 1)[0] if "/" in here else ""
    return truth


def measure(root: Path) -> dict:
    out = subprocess.run([str(STRATA), "deps", "--format", "json", "--root", str(root), "-q"],
                         capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    got = {}
    for m in doc["modules"]:
        folder = str(Path(m["manifest"]).parent)
        for d in m["dependencies"]:
            got[(folder, d["name"])] = d["resolved"]
    truth: dict[tuple[str, str], str] = {}
    for lock in root.rglob("*"):
        if "node_modules" in lock.parts or "target" in lock.parts:
            continue
        read = {"Cargo.lock": cargo_truth, "pnpm-lock.yaml": pnpm_truth,
                "package-lock.json": npm_truth}.get(lock.name)
        if read is None:
            continue
        try:
            truth.update(read(root, lock))
        except Exception as e:  # a test fixture that is not a lockfile: no record
            print(f"  {lock.relative_to(root)}: skipped ({type(e).__name__})", file=sys.stderr)
    exact = wrong = missed = 0
    wrongs = []
    for key, version in truth.items():
        if key not in got:
            continue  # a dependency strata does not count as external (a workspace package)
        if got[key] is None:
            missed += 1
        elif got[key] == version:
            exact += 1
        else:
            wrong += 1
            wrongs.append((key, got[key], version))
    return {"repo": root.name, "records": sum(1 for k in truth if k in got), "exact": exact,
            "wrong": wrong, "missed": missed, "wrongs": wrongs[:10],
            "strata_uses": doc["summary"]["uses"], "unresolved": doc["summary"]["unresolved"]}


def main() -> None:
    rows = [measure(Path(p).resolve()) for p in sys.argv[1:]]
    print("| repository | records | exact | wrong | missed | strata's uses | unresolved |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['repo']} | {r['records']} | {r['exact']} | {r['wrong']} | {r['missed']} | "
              f"{r['strata_uses']} | {r['unresolved']} |")
    for r in rows:
        for (folder, name), got, want in r["wrongs"]:
            print(f"  {r['repo']}: {folder} {name}: strata {got}, lockfile {want}", file=sys.stderr)


if __name__ == "__main__":
    main()
