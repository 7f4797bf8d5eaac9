"""The shape of one documented field constraint, as `_constraints` lists them."""

from __future__ import annotations

from attrs import frozen


@frozen
class FieldRule:
    """What the fragment documents for one string field or path parameter."""

    schema: str
    """Component schema name, or the operationId for a path parameter."""
    name: str
    """Name on the wire (JSON key or path parameter)."""
    python_name: str
    required: bool
    max_length: int | None = None
    min_length: int | None = None
    pattern: str | None = None
