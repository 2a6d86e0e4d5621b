"""Benchmark scripts (`python benchmarks/NAME.py`): figures against named baselines, and the
benchmarks' own file readers and evaluators. Not part of the test suite."""
