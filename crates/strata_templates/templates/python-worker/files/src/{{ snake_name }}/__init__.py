"""{{ description }}

The public interface of {{ name }}: the pipeline's steps, each a plain function over
iterables of records (dicts), so that they compose, stream and test without I/O.
"""

from __future__ import annotations

from .pipeline import Record, Stats, batched, extract, load, run, transform

__all__ = ["Record", "Stats", "__version__", "batched", "extract", "load", "run", "transform"]
__version__ = "{{ version }}"
