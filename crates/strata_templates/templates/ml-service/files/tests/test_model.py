"""Tests of the {{ model_name }} model and of the prediction endpoint."""

import importlib.util
import os
import tempfile
import unittest

from {{ snake_name }} import BASE_PATH
from {{ snake_name }}.model import Model, train

HAVE_WEB = all(importlib.util.find_spec(m) for m in ("fastapi", "httpx"))


class ModelTest(unittest.TestCase):
    def test_the_shipped_model_loads_and_predicts(self):
        m = Model.load()
        self.assertEqual(m.name, "{{ model_name }}")
        out = m.predict({"x1": 3.0, "x2": 0.0})
        self.assertTrue(out["label"])
        self.assertGreater(out["score"], 0.5)

    def test_unknown_features_are_rejected(self):
        with self.assertRaises(ValueError):
            Model.load().predict({"nope": 1.0})

    def test_train_separates_the_classes_and_round_trips(self):
        rows = [({"x": float(i)}, i >= 5) for i in range(10)]
        m = train(rows, epochs=300)
        self.assertFalse(m.predict({"x": 0.0})["label"])
        self.assertTrue(m.predict({"x": 9.0})["label"])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.json")
            m.save(path)
            self.assertEqual(Model.load(path).weights, m.weights)


@unittest.skipUnless(HAVE_WEB, "fastapi and httpx are not installed (pip install -e '.[test]')")
class PredictEndpointTest(unittest.TestCase):
    def setUp(self):
        from fastapi.testclient import TestClient

        from {{ snake_name }}.app import app

        self.client = TestClient(app)

    def test_ready_once_the_model_loads(self):
        self.assertEqual(self.client.get("/ready").status_code, 200)

    def test_predict(self):
        response = self.client.post(BASE_PATH + "/predict", json={"features": {"x1": 3.0}})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["label"])

    def test_predict_rejects_unknown_features(self):
        response = self.client.post(BASE_PATH + "/predict", json={"features": {"zz": 1.0}})
        self.assertEqual(response.status_code, 422)


if __name__ == "__main__":
    unittest.main()
