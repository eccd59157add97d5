"""Tests of {{ name }}: the plain functions always, the HTTP app when FastAPI is installed."""

import importlib.util
import os
import unittest
from unittest import mock

import {{ snake_name }}

HAVE_WEB = all(importlib.util.find_spec(m) for m in ("fastapi", "httpx"))


class InterfaceTest(unittest.TestCase):
    def test_status_names_the_service(self):
        self.assertEqual({{ snake_name }}.status(), {"status": "ok", "service": "{{ name }}"})

    def test_port_comes_from_the_environment(self):
        with mock.patch.dict(os.environ, {"PORT": "9999"}):
            self.assertEqual({{ snake_name }}.port_from_env(), 9999)
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual({{ snake_name }}.port_from_env(), {{ snake_name }}.DEFAULT_PORT)


@unittest.skipUnless(HAVE_WEB, "fastapi and httpx are not installed (pip install -e '.[test]')")
class HttpTest(unittest.TestCase):
    def setUp(self):
        from fastapi.testclient import TestClient

        from {{ snake_name }}.app import app

        self.client = TestClient(app)

    def test_health_and_ready(self):
        for path in ("/health", "/ready"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200, path)
            self.assertEqual(response.json()["status"], "ok")

    def test_base_path(self):
        response = self.client.get({{ snake_name }}.BASE_PATH)
        self.assertEqual(response.json()["name"], "{{ name }}")


if __name__ == "__main__":
    unittest.main()
