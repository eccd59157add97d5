"""{{ description }}

This file is the public interface of {{ name }} (see ``interfaces`` in ``module.yaml``):
other modules import only what it exports.
"""

from __future__ import annotations

__all__ = ["__version__", "greet", "slugify"]
__version__ = "{{ version }}"


def greet(name: str) -> str:
    """A greeting for ``name``; raises ``ValueError`` when it is blank."""
    name = name.strip()
    if not name:
        raise ValueError("the name is empty")
    return f"Hello, {name}!"


def slugify(text: str) -> str:
    """Lower-case words of ``text`` joined by dashes: ``"Hello World"`` -> ``"hello-world"``."""
    words = "".join(c.lower() if c.isalnum() else " " for c in text).split()
    return "-".join(words)
