"""The table of .ci/mcp-check: one row per result file, then every failure.

    python matrix.py RESULTS_DIR TOKENS.json MAX_O200K

A result file is named `NN__client__era__transport__repo.json` and holds
{checks, failures, figures, version?, elapsed_ms?}; a missing one (a driver that crashed
before writing it) is a failed row. TOKENS.json holds the `tools/list` token counts
(tokens.mjs); the o200k_base count must be at most MAX_O200K. Exit 1 if anything failed.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any


def figures_text(r: dict[str, Any]) -> str:
    f = dict(r.get("figures", {}))
    parts = []
    version = r.get("version") or f.pop("version", None)
    if version:
        parts.append(str(version))
    if "elapsed_ms" in r:
        parts.append(f"{r['elapsed_ms'] / 1000:.1f} s")
    if "call_ms_median" in f:
        parts.append(f"call p50 {f.pop('call_ms_median')} ms, max {f.pop('call_ms_max')} ms")
    exits = [v for k, v in f.items() if k.endswith("_exit_ms")]
    if exits:
        parts.append(f"exits ≤ {max(exits)} ms after EOF")
    for key in ("tools_list_bytes", "delete_status", "strict_problems", "scenarios", "warnings",
                "unknown_tool_error", "missing_resource_error"):
        if key in f:
            parts.append(f"{key}={f[key]}")
    return ", ".join(parts)


def main() -> int:
    results_dir, tokens_path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows: list[tuple[str, ...]] = []
    failures: list[tuple[str, str]] = []  # (row, failure)
    for name in sorted(os.listdir(results_dir)):
        if not name.endswith(".json"):
            continue
        _, client, era, transport, repo = name[: -len(".json")].split("__")
        try:
            with open(os.path.join(results_dir, name), encoding="utf-8") as f:
                r = json.load(f)
        except (OSError, ValueError) as e:
            r = {"checks": 0, "failures": [f"no result: {e}"]}
        if not r.get("checks"):
            r.setdefault("failures", []).append("no check ran")
        ok = not r["failures"]
        rows.append((client, era, transport, repo, "pass" if ok else "FAIL",
                     f"{r['checks'] - len(r['failures'])}/{r['checks']}", figures_text(r)))
        failures.extend((f"{client} {era} {transport} {repo}", x) for x in r["failures"])
    try:
        with open(tokens_path, encoding="utf-8") as f:
            t = json.load(f)
        ok = t["o200k_base"] <= limit
        rows.append(("gpt-tokenizer 3.4.0", "-", "stdio", "tools/list", "pass" if ok else "FAIL", "1/1" if ok else "0/1",
                     f"o200k_base {t['o200k_base']} (max {limit}), cl100k_base {t['cl100k_base']}, {t['chars']} chars"))
        if not ok:
            failures.append(("gpt-tokenizer", f"tools/list is {t['o200k_base']} o200k_base tokens, over {limit}"))
    except (OSError, ValueError, KeyError) as e:
        rows.append(("gpt-tokenizer 3.4.0", "-", "stdio", "tools/list", "FAIL", "0/1", f"no count: {e}"))
        failures.append(("gpt-tokenizer", f"the tools/list token count is missing: {e}"))

    header = ("client", "era", "transport", "repo", "result", "checks", "figures")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for r in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    if failures:
        # The same failure in several rows is listed once, with its rows.
        rows_of: dict[str, list[str]] = {}
        for row, x in failures:
            rows_of.setdefault(x, []).append(row)
        print(f"\n{len(failures)} failed checks, {len(rows_of)} distinct:")
        for x, where in rows_of.items():
            print(f"  {x}\n    in: {'; '.join(where)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
