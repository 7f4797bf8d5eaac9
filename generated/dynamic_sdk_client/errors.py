"""Every exception the client raises, one tree under DynamicSdkError.

Defined in `dynamic_sdk_runtime.exceptions` (its docstring draws the tree); this is their
public home in the client package. The generator's `UnexpectedStatus` is gone: every
non-2xx status raises an `APIStatusError`.
"""

from dynamic_sdk_runtime.exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    DynamicSdkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    UnexpectedSuccessError,
    UnprocessableEntityError,
    ValidationError,
)

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "DynamicSdkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "UnexpectedSuccessError",
    "UnprocessableEntityError",
    "ValidationError",
]
