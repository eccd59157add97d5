#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (fuzz/seeds/<target>/) from repositories on disk.

    python3 fuzz/make_seeds.py REPO [REPO ...]

Language seeds follow the input layout of `strata_fuzz::frontend`: a source file, 0xFF, the
paths of its module's files (configuration files first), then 0xFF and the content of each
configuration file in the order listed. Other targets take module.yaml, strata.toml, manifests
and baselines as they are.
"""
import hashlib
import os
import sys

SEP = b"\xff"
LANGS = {
    "lang_rust": (".rs",),
    "lang_ts": (".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx"),
    "lang_py": (".py", ".pyi"),
    "lang_go": (".go",),
    "lang_java": (".java",),
}
CONFIG = {"Cargo.toml", "package.json", "tsconfig.json", "jsconfig.json", "go.mod", "go.work",
          "pom.xml", "pyproject.toml", "setup.py", "setup.cfg", "build.gradle",
          "settings.gradle"}
MANIFESTS = ["Cargo.toml", "go.mod", "pom.xml", "pyproject.toml", "setup.py", "setup.cfg",
             "package.json"]
PER_TARGET = 12
SKIP = {".git", ".strata", "node_modules", "target"}


def files_of(repo):
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP)
        for f in sorted(filenames):
            full = os.path.join(dirpath, f)
            yield os.path.relpath(full, repo).replace(os.sep, "/"), full


def module_root(files, path):
    """The nearest folder above `path` that holds a configuration file or module.yaml."""
    d = os.path.dirname(path)
    while True:
        prefix = d + "/" if d else ""
        if any(p.startswith(prefix) and p[len(prefix):] in CONFIG | {"module.yaml"} for p in files):
            return d
        if not d:
            return ""
        d = os.path.dirname(d)


def save(out, target, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")
    counts = {}
    for repo in sys.argv[1:]:
        files = dict(files_of(repo))
        for target, exts in LANGS.items():
            sources = [p for p in files if p.endswith(exts)]
            step = max(1, len(sources) // PER_TARGET)
            for path in sources[::step][:PER_TARGET]:
                root = module_root(files, path)
                prefix = root + "/" if root else ""
                near = [p for p in files if p.startswith(prefix)][:60]
                configs = [p for p in near if os.path.basename(p) in CONFIG]
                configs += [p for p in files if "/" not in p and p in CONFIG and p not in configs]
                rest = [p for p in near if p not in configs and p != path]
                listing = [path] + configs + rest[: 60 - len(configs)]
                data = open(files[path], "rb").read()[:16384] + SEP + "\n".join(listing).encode()
                for c in configs:
                    data += SEP + open(files[c], "rb").read()[:8192]
                save(out, target, data)
                counts[target] = counts.get(target, 0) + 1
        for path, full in files.items():
            name = os.path.basename(path)
            data = open(full, "rb").read()[:16384]
            if name == "module.yaml":
                target = "module_yaml"
            elif name == "strata.toml":
                target = "strata_toml"
            elif name in MANIFESTS:
                target = "manifest"
                data = bytes([MANIFESTS.index(name)]) + data
            elif name.endswith("baseline.json"):
                target = "baseline"
            else:
                continue
            if counts.get(target, 0) < 4 * PER_TARGET:
                save(out, target, data)
                counts[target] = counts.get(target, 0) + 1
    for target, n in sorted(counts.items()):
        print(f"{target}: {n} seeds")


if __name__ == "__main__":
    main()
