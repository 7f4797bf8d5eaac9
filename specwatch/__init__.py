"""Watch the retrySmsVerification contract: fragment edits and vendor drift.

Both tools are reports for people who import the client: `spec_diff` says whether a
fragment edit breaks them, `vendor_watch` says when what the vendor publishes no longer
matches the facts the fragment was built from.
"""

from __future__ import annotations

FRAGMENT_PATH = "openapi/retry-sms-verification.yaml"
OPERATION_ID = "retrySmsVerification"
METHOD = "POST"
PATH = "/sdk/{environmentId}/smsVerifications/retry"
