from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from dynamic_sdk_runtime.rules import ModelRules

from ..constraints import SCHEMAS
from ..models.unprocessable_entity_error_code import UnprocessableEntityErrorCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.unprocessable_entity_payload import UnprocessableEntityPayload


T = TypeVar("T", bound="UnprocessableEntity")


# The documented pattern/maxLength rules the generator ignores; checked on every assignment.
_RULES = ModelRules(SCHEMAS.get("UnprocessableEntity", ()), unset=UNSET)


@_attrs_define(on_setattr=_RULES.on_setattr, repr=False)
class UnprocessableEntity:
    """Vendor shared error model (sdk-api-core UnprocessableEntity).

    Attributes:
        error (str):
        code (UnprocessableEntityErrorCode | Unset): The SMS-related values of the vendor's UnprocessableEntityErrorCode
            (sdk-api-core 0.40.0); the vendor's enum has more values for other operations.
        payload (UnprocessableEntityPayload | Unset):
    """

    error: str
    code: UnprocessableEntityErrorCode | Unset = UNSET
    payload: UnprocessableEntityPayload | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        """Enforce the documented pattern/maxLength rules, which the generator ignores."""
        _RULES.check(self)

    def __repr__(self) -> str:
        """Phone numbers are personal data: reprs end up in logs, so digit runs are masked."""
        return _RULES.repr(self)

    def to_dict(self) -> dict[str, Any]:
        error = self.error

        code: str | Unset = UNSET
        if not isinstance(self.code, Unset):
            code = self.code.value

        payload: dict[str, Any] | Unset = UNSET
        if not isinstance(self.payload, Unset):
            payload = self.payload.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if payload is not UNSET:
            field_dict["payload"] = payload

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.unprocessable_entity_payload import UnprocessableEntityPayload  # noqa: PLC0415

        d = dict(src_dict)
        error = d.pop("error", UNSET)

        _code = d.pop("code", UNSET)
        code: UnprocessableEntityErrorCode | Unset
        if isinstance(_code, Unset):
            code = UNSET
        else:
            code = UnprocessableEntityErrorCode(_code)

        _payload = d.pop("payload", UNSET)
        payload: UnprocessableEntityPayload | Unset
        if isinstance(_payload, Unset):
            payload = UNSET
        else:
            payload = UnprocessableEntityPayload.from_dict(_payload)

        unprocessable_entity = cls(
            error=error,
            code=code,
            payload=payload,
        )

        unprocessable_entity.additional_properties = d
        return unprocessable_entity

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
