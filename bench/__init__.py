"""Benchmark data generator and benchmark runner (`make bench`); see docs/benchmarks.md."""
