"""Tests of the {{ name }} pipeline."""

import io
import os
import unittest

from {{ snake_name }} import Stats, batched, extract, run, transform

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "data", "sample.jsonl")


class StepsTest(unittest.TestCase):
    def test_extract_skips_bad_lines(self):
        stats = Stats()
        records = list(extract(['{"id": 1}', "", "nope", "[1]"], stats))
        self.assertEqual(records, [{"id": 1}])
        self.assertEqual((stats.read, stats.skipped), (3, 2))

    def test_transform_normalises(self):
        stats = Stats()
        out = list(transform([{"id": 1, "Name": " x "}, {"other": 2}], stats))
        self.assertEqual(out, [{"id": 1, "name": "x"}])
        self.assertEqual(stats.skipped, 1)

    def test_batched(self):
        self.assertEqual(list(batched(range(5), 2)), [[0, 1], [2, 3], [4]])
        with self.assertRaises(ValueError):
            list(batched([], 0))


class RunTest(unittest.TestCase):
    def test_sample_file(self):
        written = []
        with open(SAMPLE, encoding="utf-8") as source:
            stats = run(source, written.extend, batch_size=1)
        self.assertEqual([r["name"] for r in written], ["Ada", "Grace"])
        self.assertEqual((stats.read, stats.written, stats.skipped, stats.batches), (4, 2, 2, 2))

    def test_empty_input(self):
        stats = run(io.StringIO(""), lambda batch: None)
        self.assertEqual(stats, Stats())


if __name__ == "__main__":
    unittest.main()
