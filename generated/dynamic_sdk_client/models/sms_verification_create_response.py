from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from dynamic_sdk_runtime.rules import ModelRules

from ..constraints import SCHEMAS
from ..types import UNSET

T = TypeVar("T", bound="SmsVerificationCreateResponse")


# The documented pattern/maxLength rules the generator ignores; checked on every assignment.
_RULES = ModelRules(SCHEMAS.get("SmsVerificationCreateResponse", ()), unset=UNSET)


@_attrs_define(on_setattr=_RULES.on_setattr, repr=False)
class SmsVerificationCreateResponse:
    """
    Attributes:
        verification_uuid (str):  Example: 95b11417-f18f-457f-8804-68e361f9164f.
        phone_number (str): This field contains the phone number in the country. This could also contain the area code
            within a country. Example: 9171113333.
        phone_country_code (str): This field contains the phone international country code. See https://countrycode.org/
            Example: 1.
        iso_country_code (str): ISO-3166 two-character country code. See
            https://en.wikipedia.org/wiki/List_of_ISO_3166_country_codes Example: US.
    """

    verification_uuid: str
    phone_number: str
    phone_country_code: str
    iso_country_code: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        """Enforce the documented pattern/maxLength rules, which the generator ignores."""
        _RULES.check(self)

    def __repr__(self) -> str:
        """Phone numbers are personal data: reprs end up in logs, so digit runs are masked."""
        return _RULES.repr(self)

    def to_dict(self) -> dict[str, Any]:
        verification_uuid = self.verification_uuid

        phone_number = self.phone_number

        phone_country_code = self.phone_country_code

        iso_country_code = self.iso_country_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "verificationUUID": verification_uuid,
                "phoneNumber": phone_number,
                "phoneCountryCode": phone_country_code,
                "isoCountryCode": iso_country_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        verification_uuid = d.pop("verificationUUID", UNSET)

        phone_number = d.pop("phoneNumber", UNSET)

        phone_country_code = d.pop("phoneCountryCode", UNSET)

        iso_country_code = d.pop("isoCountryCode", UNSET)

        sms_verification_create_response = cls(
            verification_uuid=verification_uuid,
            phone_number=phone_number,
            phone_country_code=phone_country_code,
            iso_country_code=iso_country_code,
        )

        sms_verification_create_response.additional_properties = d
        return sms_verification_create_response

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
