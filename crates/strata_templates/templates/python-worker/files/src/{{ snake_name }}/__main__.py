"""Run the {{ name }} pipeline: JSON lines from INPUT (a file, default standard input) to
standard output. BATCH_SIZE sets the batch size (default {{ batch_size }})."""

from __future__ import annotations

import json
import os
import sys

from .pipeline import run


def main() -> int:
    batch_size = int(os.environ.get("BATCH_SIZE", "{{ batch_size }}"))
    path = os.environ.get("INPUT")

    def sink(batch):
        for record in batch:
            sys.stdout.write(json.dumps(record, sort_keys=True) + "\n")

    if path:
        with open(path, encoding="utf-8") as source:
            stats = run(source, sink, batch_size)
    else:
        stats = run(sys.stdin, sink, batch_size)
    print(
        f"read={stats.read} written={stats.written} skipped={stats.skipped} batches={stats.batches}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
