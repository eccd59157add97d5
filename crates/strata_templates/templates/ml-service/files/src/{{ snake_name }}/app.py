"""The FastAPI application of {{ name }}: health endpoints at the root, predictions under {{ base_path }}."""

from __future__ import annotations

from typing import Dict

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from . import BASE_PATH, SERVICE, __version__, info, status
from .model import Model

app = FastAPI(title=SERVICE, version=__version__)
api = APIRouter(prefix=BASE_PATH)
state: Dict[str, Model] = {}


def model() -> Model:
    """The model, loaded on first use (readiness reports whether it loads)."""
    if "model" not in state:
        state["model"] = Model.load()
    return state["model"]


class PredictRequest(BaseModel):
    features: Dict[str, float]


@app.get("/health")
def health() -> dict:
    """Liveness: the process is up."""
    return status()


@app.get("/ready")
def ready():
    """Readiness: the model is loaded."""
    try:
        model()
    except (OSError, ValueError) as e:
        return JSONResponse(status_code=503, content={"status": "unavailable", "reason": str(e)})
    return status()


@api.get("")
def get_info() -> dict:
    """What this service is, and which model it serves."""
    m = model()
    return dict(info(), model=m.name, model_version=m.version, features=sorted(m.weights))


@api.post("/predict")
def predict(request: PredictRequest) -> dict:
    """Score one example."""
    try:
        return model().predict(request.features)
    except ValueError as e:
        raise HTTPException(status_code=422, detail=str(e)) from e


app.include_router(api)
