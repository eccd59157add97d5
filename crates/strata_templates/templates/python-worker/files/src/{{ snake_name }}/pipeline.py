"""Extract, transform and load: the steps of the {{ name }} pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, TextIO

Record = Dict[str, Any]


@dataclass
class Stats:
    """What one run did."""

    read: int = 0
    written: int = 0
    skipped: int = 0
    batches: int = 0


def extract(lines: Iterable[str], stats: Stats) -> Iterator[Record]:
    """Parse JSON lines; blank and malformed lines are counted and skipped."""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        stats.read += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            stats.skipped += 1
            continue
        if isinstance(record, dict):
            yield record
        else:
            stats.skipped += 1


def transform(records: Iterable[Record], stats: Stats) -> Iterator[Record]:
    """Keep records with an ``id``; normalise keys to lower case and strip string values."""
    for record in records:
        if "id" not in record:
            stats.skipped += 1
            continue
        yield {
            str(k).lower(): v.strip() if isinstance(v, str) else v for k, v in record.items()
        }


def batched(records: Iterable[Record], size: int) -> Iterator[List[Record]]:
    """Group records into lists of at most ``size``."""
    if size < 1:
        raise ValueError("the batch size must be at least 1")
    batch: List[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load(batches: Iterable[List[Record]], sink: Callable[[List[Record]], None], stats: Stats) -> None:
    """Hand every batch to ``sink`` (a database writer, a queue producer, a file)."""
    for batch in batches:
        sink(batch)
        stats.batches += 1
        stats.written += len(batch)


def run(source: TextIO, sink: Callable[[List[Record]], None], batch_size: int = {{ batch_size }}) -> Stats:
    """The whole pipeline, from JSON lines in ``source`` to ``sink``."""
    stats = Stats()
    load(batched(transform(extract(source, stats), stats), batch_size), sink, stats)
    return stats
