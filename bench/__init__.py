"""Benchmarks. Not part of the product: nothing in kindred/ imports from here."""
