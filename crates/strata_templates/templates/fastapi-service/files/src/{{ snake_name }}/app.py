"""The FastAPI application of {{ name }}: health endpoints at the root, the API under {{ base_path }}."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from . import BASE_PATH, SERVICE, __version__, info, status

app = FastAPI(title=SERVICE, version=__version__)
api = APIRouter(prefix=BASE_PATH)


@app.get("/health")
def health() -> dict:
    """Liveness: the process is up."""
    return status()


@app.get("/ready")
def ready() -> dict:
    """Readiness: the service can take traffic (check its dependencies here)."""
    return status()


@api.get("")
def get_info() -> dict:
    """What this service is."""
    return info()


app.include_router(api)
