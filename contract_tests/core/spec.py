"""The suite's one door to the fragment: the operation model of the file it tests.

The suite judges raw requests with the same checker as the client and the mock
(`Operation.violations`, ECMA-262 patterns on `dynamic_sdk_runtime.ecma`, lengths in code
points), over the fragment the installed client was generated from, or the file named by
DYNAMIC_CONTRACT_FRAGMENT (a changed fragment tested before the client is regenerated).
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path

import yaml

from dynamic_sdk_runtime.fragment import Fragment, read_fragment

__all__ = ["ENV_VARIABLE", "fragment", "fragment_path"]

ENV_VARIABLE = "DYNAMIC_CONTRACT_FRAGMENT"


def fragment_path() -> Path:
    """$DYNAMIC_CONTRACT_FRAGMENT, else the installed client's openapi.json (no checkout)."""
    explicit = os.environ.get(ENV_VARIABLE)
    if explicit:
        return Path(explicit).resolve()
    return Path(str(resources.files("dynamic_sdk_client").joinpath("openapi.json")))


@functools.cache
def fragment() -> Fragment:
    """The operation model of the fragment under test, read once per process."""
    with fragment_path().open(encoding="utf-8") as handle:
        return read_fragment(yaml.safe_load(handle))
