"""Tests of {{ name }}'s public interface."""

import unittest

import {{ snake_name }}


class GreetTest(unittest.TestCase):
    def test_greets_by_name(self):
        self.assertEqual({{ snake_name }}.greet("  Ada "), "Hello, Ada!")

    def test_a_blank_name_is_an_error(self):
        with self.assertRaises(ValueError):
            {{ snake_name }}.greet("   ")


class SlugifyTest(unittest.TestCase):
    def test_joins_words_with_dashes(self):
        self.assertEqual({{ snake_name }}.slugify("Hello, World!"), "hello-world")

    def test_empty_text(self):
        self.assertEqual({{ snake_name }}.slugify(""), "")


if __name__ == "__main__":
    unittest.main()
