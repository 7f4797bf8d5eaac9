from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from dynamic_sdk_runtime.rules import ModelRules

from ..constraints import SCHEMAS
from ..types import UNSET, Unset

T = TypeVar("T", bound="TooManyRequests")


# The documented pattern/maxLength rules the generator ignores; checked on every assignment.
_RULES = ModelRules(SCHEMAS.get("TooManyRequests", ()), unset=UNSET)


@_attrs_define(on_setattr=_RULES.on_setattr, repr=False)
class TooManyRequests:
    """Vendor shared error model (sdk-api-core TooManyRequests), "rate limit exceeded".

    Attributes:
        error (str | Unset):
    """

    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        """Enforce the documented pattern/maxLength rules, which the generator ignores."""
        _RULES.check(self)

    def __repr__(self) -> str:
        """Phone numbers are personal data: reprs end up in logs, so digit runs are masked."""
        return _RULES.repr(self)

    def to_dict(self) -> dict[str, Any]:
        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        error = d.pop("error", UNSET)

        too_many_requests = cls(
            error=error,
        )

        too_many_requests.additional_properties = d
        return too_many_requests

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
