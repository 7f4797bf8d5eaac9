"""Watch the fragment's contract: fragment edits and vendor drift, for every operation in it.

Both tools are reports for people who import the client: `spec_diff` says whether a
fragment edit breaks them, `vendor_watch` says when what the vendor publishes no longer
matches the facts the fragment was built from. Neither names an operation, a field or a
status: they read the fragment through the operation model (`dynamic_sdk_runtime.fragment`).
"""

from __future__ import annotations

FRAGMENT_PATH = "openapi/retry-sms-verification.yaml"
"""The one default location of the fragment (relative to the repository root)."""
