"""Each built-in template's own build and tests, with its language's toolchain.

The driver of .ci/templates-check:

    python3 check.py STRATA EXAMPLE INSTALL TMP [TEMPLATE...]

For each non-include built-in template (or the ones named): copies EXAMPLE (examples/coder-ide)
into TMP, runs `STRATA --no-cache new TEMPLATE m-TEMPLATE --set owner=team:platform` there and
`strata check --format json`, and asserts that no finding concerns the new module; then builds
the generated module and runs its tests with its language's tools:

  rust    cargo build, cargo test (one CARGO_TARGET_DIR under INSTALL for all Rust templates)
  ts      npm install (cache under INSTALL), npm run build, npm test
  python  a venv per template under INSTALL with pytest, pip install -e .[test], pytest
  go      go build ./..., go test ./... (the standard library only: no module proxy is reachable)
  java    mvn test against Debian's Maven repository (/usr/share/maven-repo) as the only mirror,
          with Debian's JUnit, compiler plugin and Surefire versions passed for the pom's
          junit.version, maven-compiler-plugin.version and maven-surefire-plugin.version
          (Maven Central is unreachable); Spring Boot is not packaged by Debian, so
          spring-service is only checked, not built

A missing toolchain makes a cell "not run: <reason>" and is not a failure; a check, build or
test that runs and fails is. Prints a Markdown table (also written to INSTALL/report.md) and keeps
each step's log in INSTALL/logs/. Exit 0: all that ran passed; 1: something failed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

# The pytest every Python template's tests run under (their tests are unittest classes, which
# pytest collects; the templates do not depend on it).
PYTEST = "pytest==9.2.0"

# Template → language of its build. base-module and base-service have no code: only the check.
LANGUAGES = {
    "base-module": "none",
    "base-service": "none",
    "fastapi-service": "python",
    "go-library": "go",
    "go-service": "go",
    "graphql-service": "ts",
    "java-library": "java",
    "ml-service": "python",
    "nextjs-app": "ts",
    "node-service": "ts",
    "python-library": "python",
    "python-worker": "python",
    "react-spa": "ts",
    "rust-cli": "rust",
    "rust-library": "rust",
    "rust-service": "rust",
    "spring-service": "java",
    "ts-library": "ts",
}

DEBIAN_MAVEN_REPO = Path("/usr/share/maven-repo")

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Failed(Exception):
    """A step ran and failed: its message names the step and its log."""


class NotRun(Exception):
    """A step could not run (a missing toolchain): its message says why."""


def main() -> int:
    strata, example, install, tmp = (Path(a).resolve() for a in sys.argv[1:5])
    wanted = sys.argv[5:]
    templates = builtin_templates(strata)
    unknown = sorted(set(templates) - set(LANGUAGES))
    if unknown:
        print(f"error: no language known for the built-in template(s) {', '.join(unknown)}: "
              "add them to LANGUAGES in crates/strata_templates/ci/check.py", file=sys.stderr)
        return 1
    if wanted:
        missing = sorted(set(wanted) - set(templates))
        if missing:
            print(f"error: not built-in templates: {', '.join(missing)}", file=sys.stderr)
            return 2
        templates = [t for t in templates if t in wanted]

    logs = install / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    runner = Runner(strata, example, install, tmp, logs)
    rows = []
    failed = False
    for template in templates:
        started = time.monotonic()
        row = runner.template(template)
        row["seconds"] = f"{time.monotonic() - started:.0f}"
        failed |= row.pop("failed")
        rows.append(row)
        print(f"  {template}: check {row['check']}; build {row['build']}; tests {row['tests']} "
              f"({row['seconds']} s)", flush=True)

    header = ["template", "language", "strata check (new module)", "build", "tests",
              "toolchain version", "seconds"]
    keys = ["template", "language", "check", "build", "tests", "toolchain", "seconds"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[k]).replace("|", "\\|") for k in keys) + " |")
    table = "\n".join(lines) + "\n"
    (install / "report.md").write_text(table)
    print()
    print(table, end="")
    return 1 if failed else 0


def builtin_templates(strata: Path) -> list[str]:
    out = subprocess.run([str(strata), "template", "list", "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    return sorted(t["name"] for t in json.loads(out)["templates"]
                  if t["source"] == "builtin" and t["category"] != "include")


def version_of(*command: str) -> str | None:
    """The first line a tool prints for its version, or None when it is missing."""
    if not shutil.which(command[0]):
        return None
    try:
        p = subprocess.run(list(command), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (p.stdout or p.stderr).strip()
    return text.splitlines()[0] if p.returncode == 0 and text else None


class Runner:
    def __init__(self, strata: Path, example: Path, install: Path, tmp: Path, logs: Path):
        self.strata, self.example, self.install, self.tmp, self.logs = (
            strata, example, install, tmp, logs)
        self.env = dict(os.environ)
        # Everything the toolchains download or build is kept under INSTALL for the next run.
        self.env.update({
            "CARGO_TARGET_DIR": str(install / "cargo-target"),
            "CARGO_TERM_COLOR": "never",
            "npm_config_cache": str(install / "npm-cache"),
            "npm_config_update_notifier": "false",
            "PIP_CACHE_DIR": str(install / "pip-cache"),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "GOCACHE": str(install / "go-cache"),
            "GOPATH": str(install / "go-path"),
            # No module proxy is reachable: a template that needs a third-party module fails
            # at once instead of timing out.
            "GOPROXY": "off",
            "GOTOOLCHAIN": "local",
            "NEXT_TELEMETRY_DISABLED": "1",
            "NO_COLOR": "1",
            "CI": "true",
        })
        self.env.pop("RUSTUP_TOOLCHAIN", None)
        self.env.pop("CARGO_BUILD_TARGET_DIR", None)

    def run(self, name: str, command: list[str], cwd: Path, merge: bool = True) -> str:
        """Run a step, log its output to logs/NAME.log, fail with the log's tail on error.

        Returns its output: standard output and error together, or with `merge` false only
        standard output (standard error is logged after it)."""
        log = self.logs / f"{name}.log"
        with log.open("a") as f:
            f.write(f"$ (cd {cwd} && {' '.join(command)})\n")
            f.flush()
            p = subprocess.run(command, cwd=cwd, env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT if merge else subprocess.PIPE, text=True)
            f.write(p.stdout)
            f.write(p.stderr or "")
            f.write(f"[exit {p.returncode}]\n")
        # Colours, where a tool forces them, would hide the summaries this script reads.
        p.stdout = ANSI.sub("", p.stdout)
        if p.returncode != 0:
            output = p.stdout + (p.stderr or "")
            tail = "\n".join("      " + line for line in output.rstrip().splitlines()[-25:])
            print(f"    {name}: `{' '.join(command)}` failed (exit {p.returncode}); "
                  f"log {log}:\n{tail}", file=sys.stderr)
            raise Failed(f"FAIL (exit {p.returncode})")
        return p.stdout

    def template(self, template: str) -> dict:
        language = LANGUAGES[template]
        row = {"template": template, "language": language, "check": "", "build": "",
               "tests": "", "toolchain": "", "failed": False}
        repo = self.tmp / template
        shutil.copytree(self.example, repo, symlinks=True,
                        ignore=shutil.ignore_patterns(".strata"))
        name = f"m-{template}"
        try:
            new = [str(self.strata), "--no-cache", "--no-progress", "new", "--root", str(repo),
                   template, name, "--set", "owner=team:platform", "--format", "json"]
            out = self.run(f"{template}.new", new, repo, merge=False)
            module = repo / json.loads(out)["into"]
            row["check"] = self.check(template, repo, name)
        except Failed as e:
            why = "not run: the module was not made"
            row.update(check=str(e), build=why, tests=why, failed=True)
            shutil.rmtree(repo, ignore_errors=True)
            return row
        if row["check"] != "no finding":
            row["failed"] = True
        build = getattr(self, f"build_{language}")
        try:
            build(template, module, row)
        except NotRun as e:
            row.update(build=f"not run: {e}", tests=f"not run: {e}")
        except Failed as e:
            row["failed"] = True
            if not row["build"]:
                row.update(build=str(e), tests="not run: the build failed")
            else:
                row["tests"] = str(e)
        finally:
            # The generated module's installs (node_modules, build output) go with it.
            shutil.rmtree(repo, ignore_errors=True)
        return row

    def check(self, template: str, repo: Path, name: str) -> str:
        """`strata check` on the repository: the findings about the new module, if any."""
        log = self.logs / f"{template}.check.json"
        p = subprocess.run([str(self.strata), "--no-cache", "--no-progress", "check", "--root",
                            str(repo), "--format", "json"], cwd=repo, env=self.env,
                           capture_output=True, text=True)
        log.write_text(p.stdout + p.stderr)
        try:
            findings = json.loads(p.stdout)["findings"]
        except (ValueError, KeyError) as e:
            print(f"    {template}: `strata check --format json` gave no report ({e}); see {log}",
                  file=sys.stderr)
            raise Failed(f"FAIL (exit {p.returncode}, no JSON)") from None
        mine = [f for f in findings if f.get("module") == name or name in json.dumps(f)]
        for f in mine:
            print(f"    {template}: {f.get('rule')}: {f.get('file')}:{f.get('line')}: "
                  f"{f.get('message')}", file=sys.stderr)
        return "no finding" if not mine else f"FAIL: {len(mine)} finding(s)"

    # --- languages -------------------------------------------------------------------------

    def build_none(self, template: str, module: Path, row: dict) -> None:
        row.update(build="none (no code)", tests="none (no code)", toolchain="-")

    def build_rust(self, template: str, module: Path, row: dict) -> None:
        version = version_of("cargo", "--version")
        if not version:
            raise NotRun("cargo not found or not working")
        row["toolchain"] = version.split(" (")[0]
        self.run(f"{template}.build", ["cargo", "build", "--quiet"], module)
        row["build"] = "ok"
        out = self.run(f"{template}.test", ["cargo", "test"], module)
        passed = failed = ignored = 0
        for m in re.finditer(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored", out):
            passed, failed, ignored = (passed + int(m[1]), failed + int(m[2]), ignored + int(m[3]))
        row["tests"] = counts(passed, failed, ignored)

    def build_ts(self, template: str, module: Path, row: dict) -> None:
        node, npm = version_of("node", "--version"), version_of("npm", "--version")
        if not node or not npm:
            raise NotRun("node or npm not found or not working")
        row["toolchain"] = f"node {node}, npm {npm}"
        self.run(f"{template}.build", ["npm", "install", "--no-audit", "--no-fund",
                                       "--prefer-offline", "--loglevel=error"], module)
        scripts = json.loads((module / "package.json").read_text()).get("scripts", {})
        if "build" not in scripts or "test" not in scripts:
            raise Failed("FAIL: package.json lacks a build or test script")
        self.run(f"{template}.build", ["npm", "run", "build"], module)
        row["build"] = "ok"
        out = self.run(f"{template}.test", ["npm", "test"], module)
        row["tests"] = js_counts(out)

    def build_python(self, template: str, module: Path, row: dict) -> None:
        if not shutil.which("python3"):
            raise NotRun("python3 not found")
        venv = self.install / "venv" / template
        python = venv / "bin" / "python"
        # One venv per template, made once with pytest and reused (its .pin says with what).
        pin = f"{sys.version.split()[0]} {PYTEST}"
        if not python.exists() or read(venv / ".pin") != pin:
            shutil.rmtree(venv, ignore_errors=True)
            try:
                self.run(f"{template}.venv", [sys.executable, "-m", "venv", str(venv)], module)
            except Failed:
                raise NotRun("python3 cannot make a venv (python3-venv missing)") from None
            self.run(f"{template}.venv", [str(python), "-m", "pip", "install", "--quiet", PYTEST],
                     module)
            (venv / ".pin").write_text(pin)
        row["toolchain"] = version_of(str(python), "--version")
        pyproject = (module / "pyproject.toml").read_text()
        extras = ".[test]" if re.search(r"^test\s*=", pyproject, re.M) else "."
        self.run(f"{template}.build", [str(python), "-m", "pip", "install", "--quiet", "-e",
                                       extras], module)
        row["build"] = f"ok (pip install -e {extras})"
        out = self.run(f"{template}.test", [str(python), "-m", "pytest", "-q", "-rs", "-p",
                                            "no:cacheprovider"], module)
        row["tests"] = pytest_counts(out)

    def build_go(self, template: str, module: Path, row: dict) -> None:
        version = version_of("go", "version")
        if not version:
            raise NotRun("go not found or not working")
        row["toolchain"] = version.replace("go version ", "")
        self.run(f"{template}.build", ["go", "build", "./..."], module)
        row["build"] = "ok"
        out = self.run(f"{template}.test", ["go", "test", "-json", "./..."], module)
        actions = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        tests = [a for a in actions if a.get("Test") and "/" not in a["Test"]]
        row["tests"] = counts(sum(a["Action"] == "pass" for a in tests),
                              sum(a["Action"] == "fail" for a in tests),
                              sum(a["Action"] == "skip" for a in tests))

    def build_java(self, template: str, module: Path, row: dict) -> None:
        java, mvn = version_of("java", "-version"), version_of("mvn", "--version")
        java = java and re.search(r'version "([^"]+)"', java)
        mvn = mvn and re.search(r"Maven (\S+)", ANSI.sub("", mvn))
        toolchain = ", ".join(v for v in (java and f"Java {java[1]}", mvn and f"Maven {mvn[1]}")
                              if v)
        if template == "spring-service":
            why = "not run: Spring Boot is not in Debian and Maven Central is unreachable"
            row.update(build=why, tests=why, toolchain=toolchain or "-")
            return
        if not java or not mvn:
            raise NotRun("java or mvn not found (apt-get install maven default-jdk-headless)")
        plugins = DEBIAN_MAVEN_REPO / "org/apache/maven/plugins"
        junit = debian_version(DEBIAN_MAVEN_REPO / "org/junit/jupiter/junit-jupiter")
        # Surefire runs JUnit 5 from 2.22, the compiler plugin knows `release` from 3.6.
        surefire = debian_version(plugins / "maven-surefire-plugin", at_least=(2, 22))
        compiler = debian_version(plugins / "maven-compiler-plugin", at_least=(3, 6))
        if not junit or not surefire or not compiler:
            raise NotRun("Maven Central is unreachable and Debian's JUnit 5 or Maven plugins are "
                         "missing (apt-get install junit5 libsurefire-java "
                         "libmaven-compiler-plugin-java libmaven-resources-plugin-java)")
        # Debian's repository is the only mirror: nothing is fetched from the network.
        settings = self.install / "maven-settings.xml"
        settings.write_text(f"""<settings>
  <localRepository>{self.install / 'm2'}</localRepository>
  <mirrors>
    <mirror><id>debian</id><mirrorOf>*</mirrorOf><url>file://{DEBIAN_MAVEN_REPO}</url></mirror>
  </mirrors>
</settings>
""")
        # The pom pins JUnit and its plugins with properties: Debian's versions stand in for them.
        pom = (module / "pom.xml").read_text()
        stand_ins = {"junit.version": ("JUnit", junit),
                     "maven-compiler-plugin.version": ("compiler plugin", compiler),
                     "maven-surefire-plugin.version": ("Surefire", surefire)}
        pins = {p: re.search(rf"<{re.escape(p)}>([^<]+)</", pom) for p in stand_ins}
        missing = [p for p, m in pins.items() if not m]
        if missing:
            raise Failed(f"FAIL: pom.xml lacks the propert(ies) {', '.join(missing)}")
        row["toolchain"] = f"{toolchain}; Debian's " + ", ".join(
            f"{what} {version} for {pins[p][1]}" for p, (what, version) in stand_ins.items())
        mvn_args = ["mvn", "-B", "-s", str(settings)] + [
            f"-D{p}={version}" for p, (_, version) in stand_ins.items()]
        self.run(f"{template}.build", mvn_args + ["test-compile"], module)
        row["build"] = "ok (mvn test-compile)"
        out = self.run(f"{template}.test", mvn_args + ["test"], module)
        m = re.findall(r"Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$",
                       out, re.M)
        if not m:
            raise Failed("FAIL: no Surefire summary")
        run, failures, errors, skipped = map(int, m[-1])
        row["tests"] = counts(run - failures - errors - skipped, failures + errors, skipped)


def debian_version(folder: Path, at_least: tuple = ()) -> str | None:
    """The highest real version (not Debian's `debian` alias) of an artifact in Debian's repo."""
    if not folder.is_dir():
        return None
    versions = []
    for d in folder.iterdir():
        parts = tuple(int(x) for x in re.findall(r"\d+", d.name))
        if d.name != "debian" and parts and parts >= at_least and any(d.glob("*.jar")):
            versions.append((parts, d.name))
    return max(versions)[1] if versions else None


def counts(passed: int, failed: int, skipped: int) -> str:
    text = f"{passed} passed"
    if failed:
        text += f", {failed} failed"
    if skipped:
        text += f", {skipped} skipped"
    if passed == 0 and failed == 0:
        raise Failed("FAIL: no test ran")
    return text


def js_counts(out: str) -> str:
    """The counts of node's test runner (`# pass N`) or of Vitest (`Tests  N passed`)."""
    node = {k: int(v) for k, v in re.findall(r"^# (pass|fail|skipped|todo) (\d+)$", out, re.M)}
    if node:
        return counts(node.get("pass", 0), node.get("fail", 0),
                      node.get("skipped", 0) + node.get("todo", 0))
    m = re.search(r"^\s*Tests\s+(.*)$", out, re.M)
    if m:
        n = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|skipped|todo)", m[1])}
        return counts(n.get("passed", 0), n.get("failed", 0),
                      n.get("skipped", 0) + n.get("todo", 0))
    raise Failed("FAIL: no test summary")


def pytest_counts(out: str) -> str:
    n = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|skipped|error)", out)}
    return counts(n.get("passed", 0), n.get("failed", 0) + n.get("error", 0), n.get("skipped", 0))


def read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
