"""Run {{ name }}: ``python -m {{ snake_name }}`` listens on ``PORT`` (default {{ port }})."""

from __future__ import annotations

from . import port_from_env


def main() -> None:
    import uvicorn

    uvicorn.run("{{ snake_name }}.app:app", host="0.0.0.0", port=port_from_env())


if __name__ == "__main__":
    main()
