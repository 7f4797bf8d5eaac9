"""Benchmarks for the retrySmsVerification kit: client overhead, mock vs Prism, suite speed.

Run `python -m bench [--output FILE] [--quick] [--with-nox]` (or `nox -s bench`). Every
comparison is a ratio of two sides measured in the same run, alternating the sides and
taking the median over rounds, because this kind of machine is small, shared and noisy:
absolute times are context only. See docs/performance.md.
"""
