from enum import StrEnum


class UnprocessableEntityErrorCode(StrEnum):
    INVALID_PHONE = "invalid_phone"
    INVALID_SMS_VERIFICATION = "invalid_sms_verification"
    INVALID_VERIFICATION = "invalid_verification"
    NO_ENABLED_SMS_PROVIDER = "no_enabled_sms_provider"
    PHONE_VERIFICATION_REQUIRED = "phone_verification_required"
    TOO_MANY_SMS_VERIFICATION_ATTEMPTS = "too_many_sms_verification_attempts"
    TOO_MANY_VERIFICATION_ATTEMPTS = "too_many_verification_attempts"
    WRONG_SMS_VERIFICATION_TOKEN = "wrong_sms_verification_token"

    def __str__(self) -> str:
        return str(self.value)
