"""{{ description }}

The public interface of {{ name }} (see ``interfaces`` in ``module.yaml``). It has no
third-party imports, so other modules and the tests can use it without the web stack;
the FastAPI application is in ``app.py``.
"""

from __future__ import annotations

import os

__all__ = ["BASE_PATH", "DEFAULT_PORT", "SERVICE", "__version__", "info", "port_from_env", "status"]
__version__ = "{{ version }}"

SERVICE = "{{ name }}"
BASE_PATH = "{{ base_path }}"
DEFAULT_PORT = {{ port }}


def port_from_env() -> int:
    """The port to listen on: ``PORT`` from the environment, else the one ``module.yaml`` declares."""
    try:
        return int(os.environ.get("PORT", DEFAULT_PORT))
    except ValueError:
        return DEFAULT_PORT


def status() -> dict:
    """The body of ``/health`` and ``/ready``."""
    return {"status": "ok", "service": SERVICE}


def info() -> dict:
    """The body of ``GET {{ base_path }}``."""
    return {"name": SERVICE, "version": __version__}
