"""The one place specwatch evaluates ECMA-262 patterns (a real engine, not Python's `re`).

JSON Schema patterns are ECMA-262 regular expressions in Unicode mode, matched unanchored,
and lengths count code points. Kept tiny on purpose: at merge it points at
`dynamic_sdk_runtime.ecma`, which exposes the same two functions.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regress


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    """Compile once per pattern: witness searches test thousands of values per pattern."""
    return regress.Regex(pattern, "u")


def ecma_test(pattern: str, value: str) -> bool:
    """`new RegExp(pattern, "u").test(value)`; callers must not pass lone surrogates."""
    return _compiled(pattern).find(value) is not None


def code_point_length(value: str) -> int:
    """JSON Schema string length: code points (a Python str is a sequence of them)."""
    return len(value)
