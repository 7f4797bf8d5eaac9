"""Contains all the data models used in inputs/outputs"""

from .bad_request import BadRequest
from .forbidden import Forbidden
from .internal_server_error import InternalServerError
from .not_found import NotFound
from .sms_verification_create_response import SmsVerificationCreateResponse
from .sms_verification_retry_request import SmsVerificationRetryRequest
from .too_many_requests import TooManyRequests
from .unauthorized import Unauthorized
from .unprocessable_entity import UnprocessableEntity
from .unprocessable_entity_error_code import UnprocessableEntityErrorCode
from .unprocessable_entity_payload import UnprocessableEntityPayload

__all__ = (
    "BadRequest",
    "Forbidden",
    "InternalServerError",
    "NotFound",
    "SmsVerificationCreateResponse",
    "SmsVerificationRetryRequest",
    "TooManyRequests",
    "Unauthorized",
    "UnprocessableEntity",
    "UnprocessableEntityErrorCode",
    "UnprocessableEntityPayload",
)
