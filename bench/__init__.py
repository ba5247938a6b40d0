"""Benchmarks for leaddesk: `python -m bench` (or `make bench`). See BENCHMARKS.md."""
