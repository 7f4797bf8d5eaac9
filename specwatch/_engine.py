"""The one place specwatch evaluates ECMA-262 patterns: the client runtime's engine.

JSON Schema patterns are ECMA-262 regular expressions in Unicode mode, matched unanchored,
and lengths count code points; `dynamic_sdk_runtime.ecma` (regress) is the project's one
implementation, so a spec_diff witness means exactly what the client will do with it.
"""

from __future__ import annotations

from dynamic_sdk_runtime.ecma import code_point_length, ecma_test

__all__ = ["code_point_length", "ecma_test"]
