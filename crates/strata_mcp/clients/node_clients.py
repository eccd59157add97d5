"""The Node MCP clients against strata: the Inspector CLI (2.12) and the conformance suite (0.1.16),
both run with Node 22 (`node` on PATH).

    python node_clients.py inspector OUT.json NODE_DIR ERA -- STRATA mcp --root ROOT
    python node_clients.py inspector OUT.json NODE_DIR ERA -- URL
    python node_clients.py conformance OUT.json NODE_DIR URL SCENARIO…

inspector, for one `--protocol-era` (legacy, auto or modern): `--method initialize` must
negotiate the era's version; with modern also `tools/list --strict` (the schema portability
lint: exit 0, no problem reported), a `tools/call` whose result is checked, and (stdio) an
`isError` result and an unknown tool, which the CLI must exit 5 for.
conformance: `conformance server --url URL --scenario S` for each scenario: every check must
be SUCCESS (a WARNING is reported as a figure, not a failure).

Writes {checks, failures, figures} to OUT; exit 1 if any check failed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any

VERSIONS = {"legacy": "2025-11-25", "auto": "2026-07-28", "modern": "2026-07-28"}


class Checks:
    def __init__(self) -> None:
        self.count = 0
        self.failures: list[str] = []
        self.figures: dict[str, Any] = {}

    def ok(self, condition: Any, what: str) -> bool:
        self.count += 1
        if not condition:
            self.failures.append(what)
            print(f"  FAIL {what}", flush=True)
        return bool(condition)


def run(argv: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


def inspector(c: Checks, node_dir: str, era: str, target: list[str]) -> None:
    cli = ["node", f"{node_dir}/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js",
           "--cli", "--protocol-era", era]
    if target[0].startswith("http"):
        target = [target[0], "--transport", "http"]

    def parse(text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            return None

    def call(*args: str, strict: bool = False) -> tuple[int, Any, str]:
        """Exit code, the JSON on stdout (the result) or else on stderr's last line (with -q,
        the error envelope), and stderr."""
        argv = [*cli, *([] if strict else ["--format", "json", "-q"]), *target, *args]
        p = run(argv)
        err = p.stderr.strip()
        out = parse(p.stdout) or parse((err.splitlines() or [""])[-1])
        return p.returncode, out, err

    def error_of(err: str) -> Any:
        envelope = parse((err.splitlines() or [""])[-1])
        return envelope.get("error", {}).get("code") if isinstance(envelope, dict) else None

    code, out, err = call("--method", "initialize")
    version = (out or {}).get("result", {}).get("protocolVersion")
    c.figures["version"] = version
    c.ok(code == 0 and version == VERSIONS[era],
         f"inspector --protocol-era {era} initialize: exit {code}, version {version}, not {VERSIONS[era]} {err[-200:]}")
    name = (out or {}).get("result", {}).get("serverInfo", {}).get("name")
    c.ok(name == "strata", f"inspector {era} initialize: serverInfo {name!r}")
    if era != "modern":
        return
    code, _, err = call("--method", "tools/list", "--strict", strict=True)
    # A clean lint prints nothing on stderr but the stdio server's own notes.
    problems = [line for line in err.splitlines() if line.strip() and not line.startswith("strata mcp:")]
    c.figures["strict_problems"] = len(problems)
    c.ok(code == 0, f"inspector tools/list --strict: exit {code}: {' / '.join(problems[:5])}")
    c.ok(not problems, f"inspector tools/list --strict reports: {' / '.join(problems[:5])}")
    code, out, err = call("--method", "tools/call", "--tool-name", "strata_find",
                          "--tool-args-json", json.dumps({"query": "service", "limit": 3}))
    result = (out or {}).get("result", {})
    sc = result.get("structuredContent")
    c.ok(code == 0 and not result.get("isError") and isinstance(sc, dict) and "hits" in sc and "index" in sc,
         f"inspector tools/call strata_find: exit {code}: {json.dumps(out)[:200]} {err[-200:]}")
    c.ok(any(b.get("type") == "text" and b.get("text") for b in result.get("content", [])),
         "inspector tools/call strata_find: no text block")
    if target[0].startswith("http"):
        return
    code, _, err = call("--method", "tools/call", "--tool-name", "strata_rules",
                        "--tool-args-json", json.dumps({"module": "agent-regstry"}))
    error = error_of(err)
    c.ok(code == 5 and error == "tool_is_error", f"inspector: an isError result gave exit {code} ({error}), not 5")
    code, _, err = call("--method", "tools/call", "--tool-name", "strata_nope", "--tool-args-json", "{}")
    error = error_of(err)
    c.ok(code == 5 and error == "tool_not_found", f"inspector: an unknown tool gave exit {code} ({error}), not 5")


def conformance(c: Checks, node_dir: str, url: str, scenarios: list[str]) -> None:
    cli = ["node", f"{node_dir}/node_modules/@modelcontextprotocol/conformance/dist/index.js"]
    warnings = 0
    passed = []
    for scenario in scenarios:
        with tempfile.TemporaryDirectory() as out:
            p = run([*cli, "server", "--url", url, "--scenario", scenario, "-o", out])
            results: list[dict[str, Any]] = []
            for folder, _, files in os.walk(out):
                if "checks.json" in files:
                    with open(os.path.join(folder, "checks.json"), encoding="utf-8") as f:
                        results.extend(json.load(f))
        bad = [f"{r['id']}: {r.get('errorMessage', '')}" for r in results if r["status"] == "FAILURE"]
        warnings += sum(r["status"] == "WARNING" for r in results)
        good = c.ok(p.returncode == 0 and results and not bad,
                    f"conformance {scenario}: exit {p.returncode}: {'; '.join(bad) or p.stdout[-300:]}")
        if good:
            passed.append(scenario)
    c.figures["scenarios"] = f"{len(passed)}/{len(scenarios)}"
    c.figures["warnings"] = warnings


def main() -> int:
    kind, out_path, node_dir, *rest = sys.argv[1:]
    c = Checks()
    try:
        if kind == "inspector":
            era, sep, *target = rest
            assert sep == "--"
            inspector(c, node_dir, era, target)
        else:
            url, *scenarios = rest
            conformance(c, node_dir, url, scenarios)
    except Exception as e:  # noqa: BLE001 - a crash is a failed check
        c.ok(False, f"{kind}: {type(e).__name__}: {e}")
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"checks": c.count, "failures": c.failures, "figures": c.figures}, f)
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
