"""The suite's verdict: an unlisted difference fails, a listed one passes, a listed one that no
longer occurs fails, and a malformed explained.toml is refused.

    python3 -m unittest discover -s realcode -p 'test_*.py'
"""
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

import run
from common import Result


def result(ours: set, theirs: set) -> Result:
    return Result("go", "x 1.0", "ref", "package", 3, ours, theirs)


class Judge(unittest.TestCase):
    def test_identical_edges_pass(self) -> None:
        v = run.judge(result({("a", "b")}, {("a", "b")}), {})
        self.assertTrue(v.passed)
        self.assertEqual(v.explained, 0)

    def test_an_unlisted_difference_fails_on_either_side(self) -> None:
        v = run.judge(result({("a", "b"), ("a", "c")}, {("a", "b"), ("c", "a")}), {})
        self.assertFalse(v.passed)
        self.assertEqual(v.unexplained, [("reference", "c", "a"), ("strata", "a", "c")])

    def test_a_listed_difference_passes_only_for_its_language_and_side(self) -> None:
        r = result({("a", "b"), ("a", "c")}, {("a", "b")})
        self.assertTrue(run.judge(r, {("go", "strata", "a", "c"): "why"}).passed)
        self.assertFalse(run.judge(r, {("java", "strata", "a", "c"): "why"}).passed)
        self.assertFalse(run.judge(r, {("go", "reference", "a", "c"): "why"}).passed)

    def test_a_listed_difference_that_no_longer_occurs_fails(self) -> None:
        v = run.judge(result({("a", "b")}, {("a", "b")}), {("go", "strata", "a", "c"): "why"})
        self.assertFalse(v.passed)
        self.assertEqual(v.stale, [("strata", "a", "c")])


class Explained(unittest.TestCase):
    def load(self, text: str) -> dict:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "explained.toml"
            path.write_text(text)
            return run.load_explained(path)

    def test_the_committed_file_loads(self) -> None:
        run.load_explained()

    def test_entries_load(self) -> None:
        entry = '[[difference]]\nlang = "go"\nside = "strata"\nfrom = "a"\nto = "b"\nreason = "r"\n'
        self.assertEqual(self.load(entry), {("go", "strata", "a", "b"): "r"})

    def test_an_entry_without_a_reason_is_refused(self) -> None:
        with self.assertRaises(SystemExit):
            self.load('[[difference]]\nlang = "go"\nside = "strata"\nfrom = "a"\nto = "b"\n')

    def test_an_entry_listed_twice_is_refused(self) -> None:
        entry = '[[difference]]\nlang = "go"\nside = "strata"\nfrom = "a"\nto = "b"\nreason = "r"\n'
        with self.assertRaises(SystemExit):
            self.load(entry + entry)


if __name__ == "__main__":
    unittest.main()
