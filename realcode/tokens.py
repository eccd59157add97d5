"""`strata context`'s token estimate against a real tokenizer, on each code base of the suite.

For a task in words per code base, `strata context --budget 20000` picks the code to read; each
item's text is counted with gpt-tokenizer's o200k_base encoding (npm, pinned). The estimate must
never be below the real count, item by item, so a budget is never exceeded in real tokens.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from common import CACHE, Result, fill_once, sh

TOKENIZER = "gpt-tokenizer@3.4.0"
BUDGET = 20_000
# A task per code base, in the words a person would use.
TASKS = {
    "python": "cache the session in the middleware",
    "ts": "subscribe to an observable with a timeout",
    "go": "load the packages for an analysis pass",
    "java": "build a cache that expires entries",
    "rust": "search with a lazy dfa",
}

COUNT = """
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map(t => encode(t).length)));
});
"""


def tokenizer() -> Path:
    def fill(tmp: Path) -> None:
        (tmp / "package.json").write_text('{"private": true, "type": "module"}\n')
        sh(["npm", "install", "--no-audit", "--no-fund", "--silent", TOKENIZER], cwd=tmp)
        (tmp / "count.mjs").write_text(COUNT)
    return fill_once(CACHE / f"tokenizer-{TOKENIZER.replace('@', '-')}", fill)


def check(strata: str, r: Result) -> tuple[str, list[str]]:
    """A table row and the failures for one code base."""
    task = TASKS[r.lang]
    out = sh([strata, "--no-cache", "--no-config", "--root", str(r.root), "context", "--task", task,
              "--budget", str(BUDGET), "--format", "json"])
    doc = json.loads(out.stdout)
    items = doc["items"]
    proc = subprocess.run(["node", str(tokenizer() / "count.mjs")], input=json.dumps([i["text"] for i in items]),
                          capture_output=True, text=True, check=True)
    real = json.loads(proc.stdout)
    errors = []
    if not items:
        errors.append(f"`strata context --task {task!r}` chose nothing")
    for item, n in zip(items, real):
        if n > item["tokens"]:
            errors.append(f"{item['path']}:{item['start_line']}-{item['end_line']}: estimated {item['tokens']} "
                          f"tokens, o200k counts {n}")
    estimated, counted = sum(i["tokens"] for i in items), sum(real)
    if counted > BUDGET:
        errors.append(f"{counted} real tokens, over the budget of {BUDGET}")
    ratio = estimated / counted if counted else 0
    low = min((i["tokens"] / n for i, n in zip(items, real) if n), default=0)
    row = (f"| {r.lang} | {task} | {len(items)} | {estimated} | {counted} | {ratio:.2f} | {low:.2f} |")
    return row, errors
