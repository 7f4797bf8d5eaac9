from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from dynamic_sdk_runtime.rules import ModelRules

from ..constraints import SCHEMAS
from ..types import UNSET, Unset

T = TypeVar("T", bound="SmsVerificationRetryRequest")


# The documented pattern/maxLength rules the generator ignores; checked on every assignment.
_RULES = ModelRules(SCHEMAS.get("SmsVerificationRetryRequest", ()), unset=UNSET)


@_attrs_define(on_setattr=_RULES.on_setattr, repr=False)
class SmsVerificationRetryRequest:
    """
    Attributes:
        verification_uuid (str): Sms Verification Id Example: 95b11417-f18f-457f-8804-68e361f9164f.
        phone_country_code (str):  Example: An example name.
        phone_number (str):  Example: An example name.
        iso_country_code (str): Both constraints hold at once: the pattern admits five characters (for example `ABCD1`)
            but maxLength is 4, so such values are invalid. Example: US.
        captcha_token (str | Unset): When provided, used to verify that a captcha is valid and get the success/failure
            result from the captcha provider server-side.
    """

    verification_uuid: str
    phone_country_code: str
    phone_number: str
    iso_country_code: str
    captcha_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        """Enforce the documented pattern/maxLength rules, which the generator ignores."""
        _RULES.check(self)

    def __repr__(self) -> str:
        """Phone numbers are personal data: reprs end up in logs, so digit runs are masked."""
        return _RULES.repr(self)

    def to_dict(self) -> dict[str, Any]:
        verification_uuid = self.verification_uuid

        phone_country_code = self.phone_country_code

        phone_number = self.phone_number

        iso_country_code = self.iso_country_code

        captcha_token = self.captcha_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "verificationUUID": verification_uuid,
                "phoneCountryCode": phone_country_code,
                "phoneNumber": phone_number,
                "isoCountryCode": iso_country_code,
            }
        )
        if captcha_token is not UNSET:
            field_dict["captchaToken"] = captcha_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        verification_uuid = d.pop("verificationUUID", UNSET)

        phone_country_code = d.pop("phoneCountryCode", UNSET)

        phone_number = d.pop("phoneNumber", UNSET)

        iso_country_code = d.pop("isoCountryCode", UNSET)

        captcha_token = d.pop("captchaToken", UNSET)

        sms_verification_retry_request = cls(
            verification_uuid=verification_uuid,
            phone_country_code=phone_country_code,
            phone_number=phone_number,
            iso_country_code=iso_country_code,
            captcha_token=captcha_token,
        )

        sms_verification_retry_request.additional_properties = d
        return sms_verification_retry_request

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
