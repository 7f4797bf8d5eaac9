"""Read an OpenAPI document with pyyaml; its operations through the runtime's operation model.

`dynamic_sdk_runtime.fragment` is the one fragment reader (operations, `$ref`s, parameters
by location, responses, security); specwatch only parses the text here and turns the
reader's errors into `SpecError`s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dynamic_sdk_runtime.fragment import Fragment, FragmentError, read_fragment


class SpecError(Exception):
    """The document cannot be read as an OpenAPI mapping."""


def load_text(text: str, source: str = "<text>") -> dict[str, Any]:
    """Parse YAML (or JSON) text into a mapping; anything else is a SpecError."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError(f"{source}: not YAML: {error}") from error
    if not isinstance(loaded, dict):
        raise SpecError(f"{source}: not a mapping at the top level")
    return loaded


def load_file(path: Path) -> dict[str, Any]:
    """Parse one document from disk."""
    return load_text(path.read_text(encoding="utf-8"), str(path))


def model(document: dict[str, Any], source: str = "<document>") -> Fragment:
    """The operation model of a parsed document (`read_fragment`); its errors as SpecError."""
    try:
        return read_fragment(document)
    except FragmentError as error:
        raise SpecError(f"{source}: {error}") from error
