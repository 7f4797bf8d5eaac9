"""The fragment's documented string rules, rendered by codegen; do not edit."""

from typing import Final

from dynamic_sdk_runtime.rules import FieldRule

PARAMETERS: Final[dict[str, tuple[FieldRule, ...]]] = {
    "retry_sms_verification": (
        FieldRule(
            schema="retrySmsVerification",
            name="environmentId",
            python_name="environment_id",
            required=True,
            max_length=36,
            min_length=36,
            pattern="^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        ),
    ),
}

SCHEMAS: Final[dict[str, tuple[FieldRule, ...]]] = {
    "BadRequest": (
        FieldRule(schema="BadRequest", name="error", python_name="error", required=False),
    ),
    "Forbidden": (
        FieldRule(schema="Forbidden", name="error", python_name="error", required=False),
    ),
    "InternalServerError": (
        FieldRule(schema="InternalServerError", name="error", python_name="error", required=False),
    ),
    "NotFound": (
        FieldRule(schema="NotFound", name="error", python_name="error", required=True),
        FieldRule(schema="NotFound", name="code", python_name="code", required=True),
    ),
    "SmsVerificationCreateResponse": (
        FieldRule(
            schema="SmsVerificationCreateResponse",
            name="verificationUUID",
            python_name="verification_uuid",
            required=True,
            max_length=36,
            min_length=36,
            pattern="^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        ),
        FieldRule(
            schema="SmsVerificationCreateResponse",
            name="phoneNumber",
            python_name="phone_number",
            required=True,
        ),
        FieldRule(
            schema="SmsVerificationCreateResponse",
            name="phoneCountryCode",
            python_name="phone_country_code",
            required=True,
        ),
        FieldRule(
            schema="SmsVerificationCreateResponse",
            name="isoCountryCode",
            python_name="iso_country_code",
            required=True,
        ),
    ),
    "SmsVerificationRetryRequest": (
        FieldRule(
            schema="SmsVerificationRetryRequest",
            name="verificationUUID",
            python_name="verification_uuid",
            required=True,
            max_length=36,
            min_length=36,
            pattern="^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        ),
        FieldRule(
            schema="SmsVerificationRetryRequest",
            name="phoneCountryCode",
            python_name="phone_country_code",
            required=True,
            max_length=255,
            pattern="^(?=\\S)[\\p{L}\\p{N}a-zA-Z _.,:!?&%@\\/+\\-'|]+(?<=\\S)$",
        ),
        FieldRule(
            schema="SmsVerificationRetryRequest",
            name="phoneNumber",
            python_name="phone_number",
            required=True,
            max_length=255,
            pattern="^(?=\\S)[\\p{L}\\p{N}a-zA-Z _.,:!?&%@\\/+\\-'|]+(?<=\\S)$",
        ),
        FieldRule(
            schema="SmsVerificationRetryRequest",
            name="isoCountryCode",
            python_name="iso_country_code",
            required=True,
            max_length=4,
            pattern="^[a-zA-Z]{2,4}\\d?$",
        ),
        FieldRule(
            schema="SmsVerificationRetryRequest",
            name="captchaToken",
            python_name="captcha_token",
            required=False,
        ),
    ),
    "TooManyRequests": (
        FieldRule(schema="TooManyRequests", name="error", python_name="error", required=False),
    ),
    "Unauthorized": (
        FieldRule(schema="Unauthorized", name="error", python_name="error", required=False),
    ),
    "UnprocessableEntity": (
        FieldRule(schema="UnprocessableEntity", name="error", python_name="error", required=True),
        FieldRule(schema="UnprocessableEntity", name="code", python_name="code", required=False),
    ),
}
