from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.unprocessable_entity_error_code import UnprocessableEntityErrorCode
from ..types import UNSET, Unset
from ..validation import validate_assignment, validate_model

if TYPE_CHECKING:
    from ..models.unprocessable_entity_payload import UnprocessableEntityPayload


T = TypeVar("T", bound="UnprocessableEntity")


@_attrs_define(on_setattr=validate_assignment)  # a later assignment is checked too
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
        validate_model("UnprocessableEntity", self)

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
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unprocessable_entity_payload import UnprocessableEntityPayload

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
