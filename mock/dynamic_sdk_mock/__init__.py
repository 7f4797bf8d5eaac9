"""Embedded mock of Dynamic's retrySmsVerification operation (work in progress)."""
