"""The {{ model_name }} model: logistic regression over named numeric features.

Pure Python so that it runs anywhere; swap the inside of ``Model`` for scikit-learn, ONNX
or a framework of your choice, keeping ``predict`` and the ``model.json`` metadata.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Tuple

MODEL_FILE = os.path.join(os.path.dirname(__file__), "model.json")


@dataclass
class Model:
    """Weights per feature, a bias and the version of the trained artefact."""

    name: str
    version: str
    weights: Dict[str, float]
    bias: float = 0.0
    threshold: float = 0.5
    metadata: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str = MODEL_FILE) -> "Model":
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return cls(**data)

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.__dict__, f, indent=2, sort_keys=True)
            f.write("\n")

    def score(self, features: Mapping[str, float]) -> float:
        """The probability of the positive class; unknown features are an error."""
        unknown = set(features) - set(self.weights)
        if unknown:
            raise ValueError(f"unknown features: {', '.join(sorted(unknown))}")
        z = self.bias + sum(self.weights[k] * float(v) for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-z))

    def predict(self, features: Mapping[str, float]) -> dict:
        p = self.score(features)
        return {
            "model": self.name,
            "version": self.version,
            "score": round(p, 6),
            "label": p >= self.threshold,
        }


def train(
    rows: Iterable[Tuple[Mapping[str, float], bool]],
    name: str = "{{ model_name }}",
    version: str = "{{ version }}",
    epochs: int = 500,
    rate: float = 0.1,
) -> Model:
    """Fit a model by gradient descent on (features, label) rows."""
    data: List[Tuple[Mapping[str, float], bool]] = list(rows)
    keys = sorted({k for features, _ in data for k in features})
    model = Model(name=name, version=version, weights={k: 0.0 for k in keys})
    for _ in range(epochs):
        for features, label in data:
            error = model.score(features) - (1.0 if label else 0.0)
            model.bias -= rate * error
            for k, v in features.items():
                model.weights[k] -= rate * error * float(v)
    return model
